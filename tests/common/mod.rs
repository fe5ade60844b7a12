//! Helpers shared by the integration tests: a seeded random number generator, the scenes the
//! tests run on, transmit covariances, and small linear-algebra utilities.
//!
//! Every test binary compiles this module on its own and uses a subset of it, hence the
//! `dead_code` allowance.

#![allow(dead_code)]

use bpms::geometry::array::Normalization;
use bpms::geometry::scene::Point;
use bpms::Scene;
use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;
use std::f64::consts::PI;

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny deterministic generator, good enough to draw
/// test inputs from a seed without a dependency.
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1), with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on [lo, hi).
    pub fn uniform_in(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Standard normal by Box–Muller.
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // in (0, 1], so the logarithm is finite
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }

    /// Circularly symmetric complex normal with unit variance.
    pub fn complex_normal(&mut self) -> Complex64 {
        Complex64::new(self.normal(), self.normal()) * std::f64::consts::FRAC_1_SQRT_2
    }

    /// `n` phases uniform on [−π, π).
    pub fn phases(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.uniform_in(-PI, PI)).collect()
    }
}

/// Power in dBm to watts.
pub fn dbm_to_w(p_dbm: f64) -> f64 {
    1e-3 * 10f64.powf(p_dbm / 10.0)
}

/// A power ratio in dB to linear.
pub fn db_to_lin(x_db: f64) -> f64 {
    10f64.powf(x_db / 10.0)
}

/// Radio and array settings of a test scene; positions and phases are passed separately.
pub struct Radio {
    pub carrier_frequency_hz: f64,
    pub bandwidth_hz: f64,
    pub n_subcarriers: usize,
    pub tx_power_dbm: f64,
    pub noise_figure_db: f64,
    pub noise_psd_dbm_per_hz: f64,
    pub n_bs: usize,
    pub n_ue: usize,
    pub normalization: Normalization,
}

/// The radio of the paper's Section VII-A (MODEL.md §5).
pub fn paper_radio() -> Radio {
    Radio {
        carrier_frequency_hz: 28e9,
        bandwidth_hz: 120e6,
        n_subcarriers: 1024,
        tx_power_dbm: 20.0,
        noise_figure_db: 10.0,
        noise_psd_dbm_per_hz: -173.855,
        n_bs: 16,
        n_ue: 16,
        normalization: Normalization::UnitNorm,
    }
}

/// Geometry and reflectivity of a test scene.
pub struct Layout {
    pub p_bs: Point,
    pub p_ue: Point,
    pub orientation_rad: f64,
    pub clock_bias_s: f64,
    pub rcs_ue_m2: f64,
    pub p_targets: Vec<Point>,
    pub rcs_targets_m2: Vec<f64>,
}

/// Builds a [`Scene`] with gain phases drawn from `phase_seed`; the noise variance is
/// σ² = F·N_0·Δf with Δf = W/M (MODEL.md §2).
pub fn build_scene(name: &str, radio: &Radio, layout: Layout, phase_seed: u64) -> Scene {
    let n_paths = layout.p_targets.len() + 1;
    let mut rng = SplitMix64::new(phase_seed);
    let spacing_hz = radio.bandwidth_hz / radio.n_subcarriers as f64;
    let noise_psd_w_per_hz = dbm_to_w(radio.noise_psd_dbm_per_hz);
    Scene {
        name: name.to_string(),
        carrier_frequency_hz: radio.carrier_frequency_hz,
        bandwidth_hz: radio.bandwidth_hz,
        n_subcarriers: radio.n_subcarriers,
        n_slots: 16,
        n_symbols_per_slot: 100,
        tx_power_w: dbm_to_w(radio.tx_power_dbm),
        noise_var_w: db_to_lin(radio.noise_figure_db) * noise_psd_w_per_hz * spacing_hz,
        normalization: radio.normalization,
        p_bs: layout.p_bs,
        n_bs: radio.n_bs,
        p_ue: layout.p_ue,
        n_ue: radio.n_ue,
        orientation_rad: layout.orientation_rad,
        clock_bias_s: layout.clock_bias_s,
        rcs_ue_m2: layout.rcs_ue_m2,
        p_targets: layout.p_targets,
        rcs_targets_m2: layout.rcs_targets_m2,
        phases_bp_rad: rng.phases(n_paths),
        phases_ms_rad: rng.phases(n_paths),
    }
}

/// The paper's default scene with its first `n_targets` targets (MODEL.md §5).
pub fn paper_scene(n_targets: usize) -> Scene {
    let targets = [[-10.0, 15.0], [5.0, 15.0], [0.0, 17.0]];
    let layout = Layout {
        p_bs: [0.0, 0.0],
        p_ue: [-5.0, 20.0],
        orientation_rad: 110f64.to_radians(),
        clock_bias_s: 1e-6,
        rcs_ue_m2: 10.0,
        p_targets: targets[..n_targets].to_vec(),
        rcs_targets_m2: vec![100.0; n_targets],
    };
    build_scene("paper", &paper_radio(), layout, 1)
}

/// A small scene: N_B = 8, N_U = 4, K = 1, unit-modulus steering vectors, BS away from the
/// origin, a 60 GHz carrier and a wider band.
pub fn small_scene_k1() -> Scene {
    let radio = Radio {
        carrier_frequency_hz: 60e9,
        bandwidth_hz: 400e6,
        n_subcarriers: 256,
        tx_power_dbm: 23.0,
        noise_figure_db: 8.0,
        noise_psd_dbm_per_hz: -173.855,
        n_bs: 8,
        n_ue: 4,
        normalization: Normalization::UnitModulus,
    };
    let layout = Layout {
        p_bs: [3.0, -2.0],
        p_ue: [10.0, 25.0],
        orientation_rad: (-40f64).to_radians(),
        clock_bias_s: 250e-9,
        rcs_ue_m2: 3.0,
        p_targets: vec![[-6.0, 12.0]],
        rcs_targets_m2: vec![40.0],
    };
    build_scene("small-k1", &radio, layout, 7)
}

/// A mid-size scene: N_B = 12, N_U = 6, K = 2, unit-norm, a 3.5 GHz carrier, a negative clock
/// bias and an orientation beyond π.
pub fn mid_scene_k2() -> Scene {
    let radio = Radio {
        carrier_frequency_hz: 3.5e9,
        bandwidth_hz: 100e6,
        n_subcarriers: 300,
        tx_power_dbm: 30.0,
        noise_figure_db: 7.0,
        noise_psd_dbm_per_hz: -174.0,
        n_bs: 12,
        n_ue: 6,
        normalization: Normalization::UnitNorm,
    };
    let layout = Layout {
        p_bs: [-1.5, 0.5],
        p_ue: [8.0, 30.0],
        orientation_rad: 200f64.to_radians(),
        clock_bias_s: -0.3e-6,
        rcs_ue_m2: 5.0,
        p_targets: vec![[-12.0, 9.0], [15.0, 22.0]],
        rcs_targets_m2: vec![50.0, 200.0],
    };
    build_scene("mid-k2", &radio, layout, 11)
}

/// The isotropic covariance `(P_B/M)/N_B · I`, which spends the whole budget.
pub fn isotropic_cov(scene: &Scene) -> DMatrix<Complex64> {
    let level = scene.power_budget_w() / scene.n_bs as f64;
    DMatrix::from_diagonal_element(scene.n_bs, scene.n_bs, Complex64::new(level, 0.0))
}

/// A random PSD covariance `G Gᴴ` of rank `rank` (G has i.i.d. complex normal entries), scaled
/// so that `tr V = P_B/M`.
pub fn random_cov(scene: &Scene, rank: usize, rng: &mut SplitMix64) -> DMatrix<Complex64> {
    let g = DMatrix::from_fn(scene.n_bs, rank, |_, _| rng.complex_normal());
    let v = &g * g.adjoint();
    let trace = v.trace().re;
    v * Complex64::new(scene.power_budget_w() / trace, 0.0)
}

/// |a − b| / |b|.
pub fn rel_diff(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// Largest |A_ij − B_ij| / √(B_ii B_jj): the entrywise difference of two FIMs measured in the
/// scale of the diagonal of `b`, which is how a FIM error propagates into its equilibrated
/// inverse.
pub fn fim_diff(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    assert_eq!(
        a.shape(),
        b.shape(),
        "FIM shapes differ: {:?} vs {:?}",
        a.shape(),
        b.shape()
    );
    let mut worst = 0.0f64;
    for i in 0..b.nrows() {
        for j in 0..b.ncols() {
            let scale = (b[(i, i)] * b[(j, j)]).sqrt();
            worst = worst.max((a[(i, j)] - b[(i, j)]).abs() / scale);
        }
    }
    worst
}

/// `D A D` with `D = diag(A)^{-1/2}`: the FIM with unit diagonal, together with `D`'s diagonal.
pub fn equilibrate(fim: &DMatrix<f64>) -> (DMatrix<f64>, Vec<f64>) {
    let scale: Vec<f64> = fim.diagonal().iter().map(|d| 1.0 / d.sqrt()).collect();
    let n = fim.nrows();
    let scaled = DMatrix::from_fn(n, n, |i, j| fim[(i, j)] * scale[i] * scale[j]);
    (scaled, scale)
}

/// Extreme eigenvalues (smallest, largest) of the equilibrated, symmetrised FIM.
pub fn equilibrated_eigen_range(fim: &DMatrix<f64>) -> (f64, f64) {
    let (scaled, _) = equilibrate(fim);
    let sym = (&scaled + scaled.transpose()) * 0.5;
    let eig = SymmetricEigen::new(sym).eigenvalues;
    (eig.min(), eig.max())
}
