//! A finite-difference oracle for the position-domain Fisher information (MODEL.md §2–§3).
//!
//! The library builds its position FIMs from closed-form channel-domain FIMs and a Jacobian,
//! (7) and (9). This test rebuilds them from nothing but the noise-free received signals: the
//! channels `H_m(η)` and `H̃_m(η̃)` are summed path by path on every subcarrier, differentiated
//! numerically in the position-domain parameters, and put into the Slepian–Bangs formula
//!
//! `I_ij = (2P/σ²) Σ_m Re tr((∂_i H_m)ᴴ (∂_j H_m) V)`.
//!
//! Nothing is shared with `src/fim`: no channel-domain FIM, no Jacobian, not even the library's
//! steering vectors. The gains are free parameters of η, so moving a position leaves them alone.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `eta_bp` | η = [p_U, Δφ, p_1..p_K, Δt, Re β, Im β] | BP parameters (4K+6) | m, rad, s, - |
//! | `eta_ms` | η̃ = [p_0 = p_U, p_1..p_K, Re β̃, Im β̃] | MS parameters (4K+4) | m, - |
//! | `m_centred` | m − (M−1)/2 | centred subcarrier index | - |
//! | `fim_scale` | 2P/σ² | Slepian–Bangs prefactor | 1/W |
//! | `steps_*` | h_i | finite-difference step per parameter | unit of η_i |

mod common;

use bpms::fim::BoundModel;
use bpms::Scene;
use common::{fim_diff, rel_diff, SplitMix64};
use nalgebra::{Cholesky, DMatrix, DVector};
use num_complex::Complex64;
use std::f64::consts::PI;

/// Speed of light, m/s (kept here so the oracle does not even share this constant).
const LIGHT_M_PER_S: f64 = 299_792_458.0;

/// Phase advance ω·h, over the largest finite-difference step, of the fastest-varying channel
/// entry (ω bounds the phase rate, see [`Oracle::new`]). With [`RICHARDSON_LEVELS`] = 3 the
/// truncation error is ≈ (ωh)⁶/(5040·64) ≈ 3e-15 relative to the derivative. Rounding of the
/// channel (phase arguments of a few hundred radians: ≈ 1e-13 relative) divided by the finest
/// step and weighted by the tableau (64/45) adds ≈ 2e-11·(ω/ω_actual), where ω/ω_actual ≤ ~10
/// is how far the bound overstates a parameter's actual phase rate: each derivative is good to
/// ~1e-10 relative. `oracle_is_insensitive_to_its_steps` checks this.
const PHASE_PER_STEP: f64 = 1.0 / 32.0;

/// Levels of the Richardson tableau: central differences at h, h/2, h/4 give a sixth-order
/// derivative.
const RICHARDSON_LEVELS: usize = 3;

/// Entrywise FIM agreement, relative to √(I_ii I_jj). The oracle's derivatives carry ≲ 1e-10
/// relative error (see [`PHASE_PER_STEP`]), so a FIM entry is good to ~2e-10 of its diagonal
/// scale (observed: ≤ 1e-10 against the library); fifty-fold margin.
const FIM_TOL: f64 = 1e-8;

/// Relative agreement of every bound, as asked of the library. A bound is a diagonal entry of
/// the equilibrated inverse; the FIM errors above, propagated through it, give bound errors of
/// ≤ 3e-10 on these scenes (equilibrated condition numbers 2e3–2e6, printed on failure), so a
/// miss at this level is a model difference, not oracle noise.
const BOUND_TOL: f64 = 1e-6;

/// Two points' distance, m.
fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Global azimuth of `to` seen from `from`, rad.
fn azimuth(from: [f64; 2], to: [f64; 2]) -> f64 {
    (to[1] - from[1]).atan2(to[0] - from[0])
}

/// Half-wavelength ULA steering vector with centred phase reference (MODEL.md §2):
/// `[a(x)]_n = g·exp(jπ(n − (N−1)/2) cos x)`.
fn ula(n: usize, g: f64, x: f64) -> DVector<Complex64> {
    let centre = (n as f64 - 1.0) / 2.0;
    DVector::from_fn(n, |i, _| {
        Complex64::from_polar(g, PI * (i as f64 - centre) * x.cos())
    })
}

/// A power of two near `PHASE_PER_STEP / rate`: a step over which a phase turning at `rate`
/// (rad per unit of the parameter) advances by about [`PHASE_PER_STEP`]. Powers of two make
/// `η_i ± h` exact for the scenes used here; the quotient uses the step actually taken anyway.
fn step_for_rate(rate: f64) -> f64 {
    2f64.powi((PHASE_PER_STEP / rate).log2().round() as i32)
}

/// `∂H/∂η_i` by Richardson extrapolation of central differences at steps `h`, `h/2`, …,
/// `h/2^(L−1)` ([`RICHARDSON_LEVELS`] = L): each level of the tableau
/// `T ← (4^r T(h/2) − T(h)) / (4^r − 1)` removes the next even power of h.
fn derivative(
    channel: &impl Fn(&[f64]) -> DMatrix<Complex64>,
    eta: &[f64],
    i: usize,
    h: f64,
) -> DMatrix<Complex64> {
    let central = |step: f64| {
        let mut plus = eta.to_vec();
        let mut minus = eta.to_vec();
        plus[i] += step;
        minus[i] -= step;
        let width = plus[i] - minus[i];
        (channel(&plus) - channel(&minus)) / Complex64::from(width)
    };
    let mut tableau: Vec<_> = (0..RICHARDSON_LEVELS)
        .map(|l| central(h * 0.5f64.powi(l as i32)))
        .collect();
    for r in 1..RICHARDSON_LEVELS {
        let w = 4f64.powi(r as i32);
        tableau = tableau
            .windows(2)
            .map(|pair| (&pair[1] * Complex64::from(w) - &pair[0]) / Complex64::from(w - 1.0))
            .collect();
    }
    tableau.pop().expect("at least one Richardson level")
}

/// Inverse of a positive definite FIM through a Cholesky factorisation of its equilibrated form
/// `D I D`, `D = diag(I)^{-1/2}`; also returns the equilibrated condition number.
fn inverse(fim: &DMatrix<f64>) -> (DMatrix<f64>, f64) {
    let (scaled, d) = common::equilibrate(fim);
    let eig = nalgebra::SymmetricEigen::new(scaled.clone()).eigenvalues;
    let cond = eig.max() / eig.min();
    let chol = Cholesky::new(scaled).expect("oracle FIM is not positive definite");
    let inv = chol.inverse();
    let n = fim.nrows();
    (
        DMatrix::from_fn(n, n, |i, j| inv[(i, j)] * d[i] * d[j]),
        cond,
    )
}

/// Sum of the diagonal entries `start..start + len` of `m`.
fn diag_sum(m: &DMatrix<f64>, start: usize, len: usize) -> f64 {
    (start..start + len).map(|i| m[(i, i)]).sum()
}

/// Bounds computed by the oracle, in m².
#[derive(Debug)]
struct OracleBounds {
    bp: f64,
    ms: f64,
    ms_objects: Vec<f64>,
    fused_bp: f64,
    fused_ms: f64,
    /// Largest equilibrated condition number among the BP, MS and fused FIMs.
    cond: f64,
}

/// The scene's fixed quantities and the true parameter vectors.
struct Oracle {
    p_bs: [f64; 2],
    n_bs: usize,
    n_ue: usize,
    g_bs: f64,
    g_ue: f64,
    n_targets: usize,
    spacing_hz: f64,
    n_subcarriers: usize,
    /// The subcarrier index is `m − index_centre`; MODEL.md §2 centres it at (M−1)/2, and the
    /// position bounds must not depend on that choice.
    index_centre: f64,
    fim_scale: f64,
    eta_bp: Vec<f64>,
    eta_ms: Vec<f64>,
    steps_bp: Vec<f64>,
    steps_ms: Vec<f64>,
}

impl Oracle {
    fn new(scene: &Scene) -> Self {
        let n_targets = scene.p_targets.len();
        let p_bs = scene.p_bs;
        let lambda = LIGHT_M_PER_S / scene.carrier_frequency_hz;
        let spacing_hz = scene.bandwidth_hz / scene.n_subcarriers as f64;
        let (g_bs, g_ue) = match scene.normalization {
            bpms::geometry::array::Normalization::UnitNorm => (
                1.0 / (scene.n_bs as f64).sqrt(),
                1.0 / (scene.n_ue as f64).sqrt(),
            ),
            bpms::geometry::array::Normalization::UnitModulus => (1.0, 1.0),
        };

        // True gains from the radar equation (MODEL.md §2).
        let four_pi = 4.0 * PI;
        let d0 = distance(p_bs, scene.p_ue);
        let mut gains_bp = vec![Complex64::from_polar(
            lambda / (four_pi * d0),
            scene.phases_bp_rad[0],
        )];
        for (k, &p) in scene.p_targets.iter().enumerate() {
            let (dk, ek) = (distance(p_bs, p), distance(scene.p_ue, p));
            let modulus = scene.rcs_targets_m2[k].sqrt() * lambda / (four_pi.powf(1.5) * dk * ek);
            gains_bp.push(Complex64::from_polar(modulus, scene.phases_bp_rad[k + 1]));
        }
        let objects: Vec<[f64; 2]> = std::iter::once(scene.p_ue)
            .chain(scene.p_targets.iter().copied())
            .collect();
        let rcs_ms: Vec<f64> = std::iter::once(scene.rcs_ue_m2)
            .chain(scene.rcs_targets_m2.iter().copied())
            .collect();
        let gains_ms: Vec<Complex64> = (0..=n_targets)
            .map(|k| {
                let dk = distance(p_bs, objects[k]);
                let modulus = rcs_ms[k].sqrt() * lambda / (four_pi.powf(1.5) * dk * dk);
                Complex64::from_polar(modulus, scene.phases_ms_rad[k])
            })
            .collect();

        // True parameter vectors, in the order of MODEL.md §3.
        let mut eta_bp = vec![scene.p_ue[0], scene.p_ue[1], scene.orientation_rad];
        eta_bp.extend(scene.p_targets.iter().flatten());
        eta_bp.push(scene.clock_bias_s);
        eta_bp.extend(gains_bp.iter().map(|b| b.re));
        eta_bp.extend(gains_bp.iter().map(|b| b.im));
        let mut eta_ms: Vec<f64> = objects.iter().flatten().copied().collect();
        eta_ms.extend(gains_ms.iter().map(|b| b.re));
        eta_ms.extend(gains_ms.iter().map(|b| b.im));

        // Steps. Positions: every delay moves by at most 2/c per metre (a bounce path or a round
        // trip), turning the edge subcarrier's phase at 2π(M/2)Δf·2/c; every angle turns at
        // most 1/r per metre (r the shortest BS–object or UE–target range), turning the edge
        // antenna's phase at π(N−1)/2 per radian. Orientation: π(N_U−1)/2. Clock bias:
        // 2π(M/2)Δf. Gains: the channel is affine in each gain, so differences are exact but
        // for rounding, and a step of the gain's own size keeps cancellation at ε·|H|/|β|.
        let mut r_min = f64::INFINITY;
        for (k, &p) in objects.iter().enumerate() {
            r_min = r_min.min(distance(p_bs, p));
            if k > 0 {
                r_min = r_min.min(distance(scene.p_ue, p));
            }
        }
        let edge_subcarrier_rate = PI * scene.n_subcarriers as f64 * spacing_hz;
        let n_max = scene.n_bs.max(scene.n_ue) as f64;
        let position_rate =
            edge_subcarrier_rate * 2.0 / LIGHT_M_PER_S + PI * (n_max - 1.0) / 2.0 / r_min;
        let h_pos = step_for_rate(position_rate);
        let h_gain = |b: &Complex64| 2f64.powi(b.norm().log2().round() as i32);
        let mut steps_bp = vec![
            h_pos,
            h_pos,
            step_for_rate(PI * (scene.n_ue as f64 - 1.0) / 2.0),
        ];
        steps_bp.extend(std::iter::repeat_n(h_pos, 2 * n_targets));
        steps_bp.push(step_for_rate(edge_subcarrier_rate));
        steps_bp.extend(gains_bp.iter().map(h_gain));
        steps_bp.extend(gains_bp.iter().map(h_gain));
        let mut steps_ms = vec![h_pos; 2 * n_targets + 2];
        steps_ms.extend(gains_ms.iter().map(h_gain));
        steps_ms.extend(gains_ms.iter().map(h_gain));

        let fim_scale = 2.0 * scene.n_symbols_per_slot as f64 / scene.noise_var_w;
        Oracle {
            p_bs,
            n_bs: scene.n_bs,
            n_ue: scene.n_ue,
            g_bs,
            g_ue,
            n_targets,
            spacing_hz,
            n_subcarriers: scene.n_subcarriers,
            index_centre: (scene.n_subcarriers as f64 - 1.0) / 2.0,
            fim_scale,
            eta_bp,
            eta_ms,
            steps_bp,
            steps_ms,
        }
    }

    /// `e^{−j2π m Δf τ}` for the centred subcarrier index `m_centred`.
    fn delay_phasor(&self, m_centred: f64, delay_s: f64) -> Complex64 {
        Complex64::from_polar(1.0, -2.0 * PI * m_centred * self.spacing_hz * delay_s)
    }

    /// BP channel `H_m(η) = Σ_k β_k e^{−j2π m Δf τ_k} a_U(ψ_k) a_B(θ_k)ᴴ`, `[n_ue, n_bs]`.
    fn bp_channel(&self, eta: &[f64], m_centred: f64) -> DMatrix<Complex64> {
        let k_n = self.n_targets;
        let p_ue = [eta[0], eta[1]];
        let orientation = eta[2];
        let target = |k: usize| [eta[1 + 2 * k], eta[2 + 2 * k]];
        let clock_bias = eta[2 * k_n + 3];
        let gain = |k: usize| Complex64::new(eta[2 * k_n + 4 + k], eta[3 * k_n + 5 + k]);

        let mut h = DMatrix::zeros(self.n_ue, self.n_bs);
        for k in 0..=k_n {
            // The LOS (k = 0) leaves towards the UE and arrives from the BS; path k ≥ 1 leaves
            // towards target k and arrives from it.
            let (toward, from, length) = if k == 0 {
                (p_ue, self.p_bs, distance(self.p_bs, p_ue))
            } else {
                let p = target(k);
                (p, p, distance(self.p_bs, p) + distance(p, p_ue))
            };
            let theta = azimuth(self.p_bs, toward);
            let psi = azimuth(p_ue, from) - orientation;
            let delay = length / LIGHT_M_PER_S + clock_bias;
            let coef = gain(k) * self.delay_phasor(m_centred, delay);
            let a_ue = ula(self.n_ue, self.g_ue, psi);
            let a_bs = ula(self.n_bs, self.g_bs, theta);
            h += a_ue * (a_bs.adjoint() * coef);
        }
        h
    }

    /// MS channel `H̃_m(η̃) = Σ_k β̃_k e^{−j2π m Δf τ̃_k} a_B(θ_k) a_B(θ_k)ᴴ`, `[n_bs, n_bs]`.
    fn ms_channel(&self, eta: &[f64], m_centred: f64) -> DMatrix<Complex64> {
        let k_n = self.n_targets;
        let mut h = DMatrix::zeros(self.n_bs, self.n_bs);
        for k in 0..=k_n {
            let p = [eta[2 * k], eta[2 * k + 1]];
            let gain = Complex64::new(eta[2 * k_n + 2 + k], eta[3 * k_n + 3 + k]);
            let theta = azimuth(self.p_bs, p);
            let delay = 2.0 * distance(self.p_bs, p) / LIGHT_M_PER_S;
            let a = ula(self.n_bs, self.g_bs, theta);
            h += &a * (a.adjoint() * (gain * self.delay_phasor(m_centred, delay)));
        }
        h
    }

    /// The FIM of `channel` at `eta` for each covariance in `covs`, by its definition with
    /// numerically differentiated channels, summed over all subcarriers.
    fn fims(
        &self,
        channel: impl Fn(&[f64], f64) -> DMatrix<Complex64>,
        eta: &[f64],
        steps: &[f64],
        covs: &[DMatrix<Complex64>],
    ) -> Vec<DMatrix<f64>> {
        let n = eta.len();
        let mut fims = vec![DMatrix::<f64>::zeros(n, n); covs.len()];
        let centre = self.index_centre;
        for m in 0..self.n_subcarriers {
            let m_centred = m as f64 - centre;
            let h_m = |x: &[f64]| channel(x, m_centred);
            let d: Vec<_> = (0..n).map(|i| derivative(&h_m, eta, i, steps[i])).collect();

            // Re tr(∂_iHᴴ ∂_jH V) is the real part of the Frobenius product ⟨∂_iH, ∂_jH V⟩.
            for (v, fim) in covs.iter().zip(fims.iter_mut()) {
                let dv: Vec<_> = d.iter().map(|dj| dj * v).collect();
                for i in 0..n {
                    for j in i..n {
                        let x = d[i].dotc(&dv[j]).re;
                        fim[(i, j)] += x;
                        if j != i {
                            fim[(j, i)] += x;
                        }
                    }
                }
            }
        }
        fims.into_iter().map(|f| f * self.fim_scale).collect()
    }

    fn bp_fims(&self, covs: &[DMatrix<Complex64>], step_factor: f64) -> Vec<DMatrix<f64>> {
        let steps: Vec<f64> = self.steps_bp.iter().map(|h| h * step_factor).collect();
        self.fims(|x, m| self.bp_channel(x, m), &self.eta_bp, &steps, covs)
    }

    fn ms_fims(&self, covs: &[DMatrix<Complex64>], step_factor: f64) -> Vec<DMatrix<f64>> {
        let steps: Vec<f64> = self.steps_ms.iter().map(|h| h * step_factor).collect();
        self.fims(|x, m| self.ms_channel(x, m), &self.eta_ms, &steps, covs)
    }

    /// Embeds the BP and MS FIMs into
    /// `[p_U, p_1..p_K, Δφ, Δt, Re β, Im β, Re β̃, Im β̃]` (6K+8) and adds them (Remark 1).
    fn fuse(&self, bp: &DMatrix<f64>, ms: &DMatrix<f64>) -> DMatrix<f64> {
        let k_n = self.n_targets;
        let n_fused = 6 * k_n + 8;
        // BP: p_U stays, Δφ moves behind the positions, p_k moves up by one, Δt and the BP gains
        // keep their indices.
        let bp_to_fused: Vec<usize> = (0..4 * k_n + 6)
            .map(|i| match i {
                0 | 1 => i,
                2 => 2 * k_n + 2,
                i if i < 2 * k_n + 3 => i - 1,
                i => i,
            })
            .collect();
        // MS: the positions stay, the MS gains go to the end.
        let ms_to_fused: Vec<usize> = (0..4 * k_n + 4)
            .map(|i| if i < 2 * k_n + 2 { i } else { i + 2 * k_n + 4 })
            .collect();
        let mut fused = DMatrix::zeros(n_fused, n_fused);
        for (fim, map) in [(bp, &bp_to_fused), (ms, &ms_to_fused)] {
            for (i, &fi) in map.iter().enumerate() {
                for (j, &fj) in map.iter().enumerate() {
                    fused[(fi, fj)] += fim[(i, j)];
                }
            }
        }
        fused
    }

    /// CRB_BP (8), CRB_MS (10), the per-object MS bounds and the fused bounds.
    fn bounds(&self, bp: &DMatrix<f64>, ms: &DMatrix<f64>) -> OracleBounds {
        let n_pos = 2 * self.n_targets + 2;
        let (bp_inv, bp_cond) = inverse(bp);
        let (ms_inv, ms_cond) = inverse(ms);
        let (fused_inv, fused_cond) = inverse(&self.fuse(bp, ms));
        OracleBounds {
            bp: diag_sum(&bp_inv, 0, 2),
            ms: diag_sum(&ms_inv, 0, n_pos),
            ms_objects: (0..=self.n_targets)
                .map(|k| diag_sum(&ms_inv, 2 * k, 2))
                .collect(),
            fused_bp: diag_sum(&fused_inv, 0, 2),
            fused_ms: diag_sum(&fused_inv, 0, n_pos),
            cond: bp_cond.max(ms_cond).max(fused_cond),
        }
    }
}

/// The covariances every scene is checked with: isotropic, random full rank, and random of rank
/// min(N_B, 2K+2) (the size of the codebook of Remark 2).
fn test_covariances(scene: &Scene, seed: u64) -> Vec<DMatrix<Complex64>> {
    let mut rng = SplitMix64::new(seed);
    let low_rank = scene.n_bs.min(2 * scene.p_targets.len() + 2);
    vec![
        common::isotropic_cov(scene),
        common::random_cov(scene, scene.n_bs, &mut rng),
        common::random_cov(scene, low_rank, &mut rng),
    ]
}

/// Asserts one bound against the oracle; `cond` (the largest equilibrated condition number of
/// the oracle's FIMs) is printed to help tell model differences from oracle noise.
fn assert_close(what: &str, scene: &str, cov: usize, cond: f64, got: f64, want: f64) {
    let err = rel_diff(got, want);
    assert!(
        err <= BOUND_TOL,
        "{scene}, covariance {cov}: {what} = {got:e} from the library, {want:e} from the oracle \
         (relative difference {err:.2e} > {BOUND_TOL:e}; equilibrated condition number \
         {cond:.1e})"
    );
}

/// Compares the library's position FIMs and bounds with the oracle's for each covariance.
fn check_scene(scene: &Scene, covs: &[DMatrix<Complex64>]) {
    let oracle = Oracle::new(scene);
    let bp = oracle.bp_fims(covs, 1.0);
    let ms = oracle.ms_fims(covs, 1.0);
    let model = BoundModel::new(scene).expect("test scene is valid");
    let name = scene.name.as_str();

    for (c, v) in covs.iter().enumerate() {
        let want = oracle.bounds(&bp[c], &ms[c]);

        // The position FIMs, entrywise.
        let fims = model.position_fims(v);
        let fused = oracle.fuse(&bp[c], &ms[c]);
        for (what, got, want) in [("BP", &fims.bp, &bp[c]), ("MS", &fims.ms, &ms[c])]
            .into_iter()
            .chain([("fused", &fims.fused, &fused)])
        {
            let err = fim_diff(got, want);
            assert!(
                err <= FIM_TOL,
                "{name}, covariance {c}: {what} position FIM differs from the oracle by {err:.2e} \
                 of the diagonal scale (> {FIM_TOL:e})"
            );
        }

        // The bounds.
        let got = model
            .evaluate(v)
            .expect("FIM of a test scene is invertible");
        assert_close("CRB_BP", name, c, want.cond, got.crb_bp_m2, want.bp);
        assert_close("CRB_MS", name, c, want.cond, got.crb_ms_m2, want.ms);
        assert_eq!(
            got.crb_ms_objects_m2.len(),
            want.ms_objects.len(),
            "{name}: object count"
        );
        for (k, (&g, &w)) in got
            .crb_ms_objects_m2
            .iter()
            .zip(&want.ms_objects)
            .enumerate()
        {
            assert_close(&format!("CRB_MS of object {k}"), name, c, want.cond, g, w);
        }
        assert_close(
            "fused CRB_BP",
            name,
            c,
            want.cond,
            got.fused.crb_bp_m2,
            want.fused_bp,
        );
        assert_close(
            "fused CRB_MS",
            name,
            c,
            want.cond,
            got.fused.crb_ms_m2,
            want.fused_ms,
        );
    }
}

#[test]
fn paper_scene_matches_oracle() {
    let scene = common::paper_scene(3);
    check_scene(&scene, &test_covariances(&scene, 101));
}

#[test]
fn small_unit_modulus_scene_with_one_target_matches_oracle() {
    let scene = common::small_scene_k1();
    check_scene(&scene, &test_covariances(&scene, 202));
}

#[test]
fn mid_scene_with_two_targets_matches_oracle() {
    let scene = common::mid_scene_k2();
    check_scene(&scene, &test_covariances(&scene, 303));
}

/// Scaling every step by 4 or by 1/4 must not move the oracle's FIMs by more than a tenth of
/// [`FIM_TOL`]: the steps sit where neither truncation (which grows as h⁶) nor rounding (which
/// grows as 1/h) matters at the tolerance the library is checked to.
#[test]
fn oracle_is_insensitive_to_its_steps() {
    /// A tenth of the tolerance the oracle checks the library to. Observed: ≤ 3e-10 (rounding
    /// at the quartered steps of the small scene).
    const SELF_TOL: f64 = FIM_TOL / 10.0;
    for scene in [common::small_scene_k1(), common::mid_scene_k2()] {
        let covs = test_covariances(&scene, 404);
        let oracle = Oracle::new(&scene);
        let bp = oracle.bp_fims(&covs, 1.0);
        let ms = oracle.ms_fims(&covs, 1.0);
        for factor in [4.0, 0.25] {
            let others = [("BP", &bp, oracle.bp_fims(&covs, factor))]
                .into_iter()
                .chain([("MS", &ms, oracle.ms_fims(&covs, factor))]);
            for (what, base, other) in others {
                for (c, (b, o)) in base.iter().zip(&other).enumerate() {
                    let err = fim_diff(o, b);
                    assert!(
                        err <= SELF_TOL,
                        "{}, covariance {c}: {what} oracle FIM moves by {err:.2e} when the \
                         steps are scaled by {factor}",
                        scene.name
                    );
                }
            }
        }
    }
}

/// The subcarrier index reference is a convention that moves into the gain phases: with the
/// index centred at `(M−1)/2 + s`, path k's signal is that of the centred model with phase
/// `ζ_k + 2π s Δf τ_k`. The oracle with a shifted centre must therefore give the library's bounds
/// for the centred scene with those phases. (At fixed phases the shift changes the bounds a
/// little, ≈1e-3 relative for CRB_BP on the small scene, through the cross-path terms; only a
/// common phase of all paths is free.)
///
/// The shift is kept moderate: a far-off centre correlates each delay with its gain's phase so
/// strongly that the oracle's finite-difference noise, amplified by the condition number, would
/// dominate the check. Observed agreement: ≤ 3e-10.
const INDEX_SHIFT: f64 = 8.0;

/// The scene with every gain phase advanced by `2π s Δf τ_k`.
fn rephased(scene: &Scene, shift: f64) -> Scene {
    let c = LIGHT_M_PER_S;
    let spacing_hz = scene.bandwidth_hz / scene.n_subcarriers as f64;
    let turn = |tau: f64| 2.0 * PI * shift * spacing_hz * tau;
    let mut out = scene.clone();
    let d0 = distance(scene.p_bs, scene.p_ue);
    out.phases_bp_rad[0] += turn(d0 / c + scene.clock_bias_s);
    out.phases_ms_rad[0] += turn(2.0 * d0 / c);
    for (k, &p) in scene.p_targets.iter().enumerate() {
        let (dk, ek) = (distance(scene.p_bs, p), distance(scene.p_ue, p));
        out.phases_bp_rad[k + 1] += turn((dk + ek) / c + scene.clock_bias_s);
        out.phases_ms_rad[k + 1] += turn(2.0 * dk / c);
    }
    out
}

#[test]
fn subcarrier_index_offset_moves_into_the_gain_phases() {
    for scene in [common::small_scene_k1(), common::mid_scene_k2()] {
        let covs = test_covariances(&scene, 505);
        let centred = (scene.n_subcarriers as f64 - 1.0) / 2.0;
        for shift in [-INDEX_SHIFT, INDEX_SHIFT] {
            let mut oracle = Oracle::new(&scene);
            oracle.index_centre = centred + shift;
            let bp = oracle.bp_fims(&covs, 1.0);
            let ms = oracle.ms_fims(&covs, 1.0);
            let model = BoundModel::new(&rephased(&scene, shift)).expect("test scene is valid");
            let unshifted = BoundModel::new(&scene).expect("test scene is valid");
            for (c, v) in covs.iter().enumerate() {
                let want = oracle.bounds(&bp[c], &ms[c]);
                let got = model
                    .evaluate(v)
                    .expect("FIM of a test scene is invertible");

                // The shift does move the bounds at fixed phases, and the re-phasing explains
                // the move: the check is not vacuous.
                let fixed = unshifted
                    .evaluate(v)
                    .expect("FIM of a test scene is invertible");
                let moved = rel_diff(fixed.crb_bp_m2, want.bp);
                let explained = rel_diff(got.crb_bp_m2, want.bp);
                assert!(
                    explained * 10.0 < moved,
                    "{}, covariance {c}: CRB_BP moved by {moved:.2e} under the shift, and the \
                     re-phased library is off by {explained:.2e}",
                    scene.name
                );

                let pairs = [
                    ("CRB_BP", got.crb_bp_m2, want.bp),
                    ("CRB_MS", got.crb_ms_m2, want.ms),
                    ("fused CRB_BP", got.fused.crb_bp_m2, want.fused_bp),
                    ("fused CRB_MS", got.fused.crb_ms_m2, want.fused_ms),
                ];
                for (what, g, w) in pairs {
                    let err = rel_diff(g, w);
                    assert!(
                        err <= BOUND_TOL,
                        "{} (index shift {shift}), covariance {c}: {what} = {g:e} from the \
                         re-phased library, {w:e} from the shifted oracle (relative difference \
                         {err:.2e} > {BOUND_TOL:e}; equilibrated condition number {:.1e})",
                        scene.name,
                        want.cond
                    );
                }
            }
        }
    }
}
