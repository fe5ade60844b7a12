//! The resolved scene: every quantity the bounds need, in SI units, for a chosen number of
//! targets `K`.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `p_bs` | p_B | BS position | m |
//! | `p_ue` | p_U | UE position | m |
//! | `p_targets[k-1]` | p_k | target k position, k = 1..K | m |
//! | `orientation_rad` | Δφ | UE array orientation | rad |
//! | `clock_bias_s` | Δt | UE clock bias | s |
//! | `rcs_ue_m2` | σ̃_0 | UE radar cross section (MS only) | m² |
//! | `rcs_targets_m2[k-1]` | σ_k = σ̃_k | target radar cross sections | m² |
//! | `phases_bp_rad` | ζ_0..ζ_K | BP gain phases (LOS first) | rad |
//! | `phases_ms_rad` | ζ̃_0..ζ̃_K | MS gain phases (UE first) | rad |
//! | `n_bs`, `n_ue` | N_B, N_U | antennas | - |
//! | `n_subcarriers` | M | subcarriers | - |
//! | `n_slots` | L | slots (beams) | - |
//! | `n_symbols_per_slot` | P | pilot symbols per slot | - |
//! | `subcarrier_spacing_hz` | Δf = W/M | subcarrier spacing | Hz |
//! | `wavelength_m` | λ = c/f_c | carrier wavelength | m |
//! | `noise_var_w` | σ² = F N_0 Δf | noise variance per sample | W |
//! | `tx_power_w` | P_B | total transmit power | W |

use crate::geometry::array::Normalization;

/// Speed of light in vacuum, m/s.
pub const SPEED_OF_LIGHT_M_PER_S: f64 = 299_792_458.0;

/// A 2-D point or vector in metres.
pub type Point = [f64; 2];

/// A validated scene with `K = p_targets.len()` targets, in SI units. Built by
/// [`crate::scenario::Scenario::scene`]; every field has already been checked (finite, positive
/// where it must be, no two objects at one place).
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Scenario name (the file stem, or `paper` for the embedded default).
    pub name: String,
    pub carrier_frequency_hz: f64,
    pub bandwidth_hz: f64,
    pub n_subcarriers: usize,
    pub n_slots: usize,
    pub n_symbols_per_slot: usize,
    pub tx_power_w: f64,
    /// Noise variance per sample at either receiver, σ² = F·N_0·Δf, in W.
    pub noise_var_w: f64,
    pub normalization: Normalization,
    pub p_bs: Point,
    pub n_bs: usize,
    pub p_ue: Point,
    pub n_ue: usize,
    pub orientation_rad: f64,
    pub clock_bias_s: f64,
    pub rcs_ue_m2: f64,
    pub p_targets: Vec<Point>,
    pub rcs_targets_m2: Vec<f64>,
    /// BP gain phases `[ζ_0 (LOS), ζ_1..ζ_K]`, length K+1.
    pub phases_bp_rad: Vec<f64>,
    /// MS gain phases `[ζ̃_0 (UE), ζ̃_1..ζ̃_K]`, length K+1.
    pub phases_ms_rad: Vec<f64>,
}

impl Scene {
    /// Number of targets K.
    pub fn n_targets(&self) -> usize {
        self.p_targets.len()
    }

    /// Subcarrier spacing Δf = W/M, Hz.
    pub fn subcarrier_spacing_hz(&self) -> f64 {
        self.bandwidth_hz / self.n_subcarriers as f64
    }

    /// Carrier wavelength λ = c/f_c, m.
    pub fn wavelength_m(&self) -> f64 {
        SPEED_OF_LIGHT_M_PER_S / self.carrier_frequency_hz
    }

    /// Per-subcarrier power budget P_t = P_B/M of (11b), W.
    pub fn power_budget_w(&self) -> f64 {
        self.tx_power_w / self.n_subcarriers as f64
    }

    /// MS object positions `[p_0 = p_U, p_1..p_K]`.
    pub fn ms_objects(&self) -> Vec<Point> {
        std::iter::once(self.p_ue)
            .chain(self.p_targets.iter().copied())
            .collect()
    }

    /// MS radar cross sections `[σ̃_0 (UE), σ̃_1..σ̃_K]`, m².
    pub fn ms_rcs_m2(&self) -> Vec<f64> {
        std::iter::once(self.rcs_ue_m2)
            .chain(self.rcs_targets_m2.iter().copied())
            .collect()
    }
}
