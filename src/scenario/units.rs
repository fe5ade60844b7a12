//! Conversions from the scenario file's units (dB, dBm, degrees) to SI.

/// Watts in one milliwatt, the reference of dBm.
const W_PER_MW: f64 = 1e-3;

/// Power ratio of a level in dB: `10^(db/10)`.
pub fn db_to_linear(db: f64) -> f64 {
    10f64.powf(db / 10.0)
}

/// Power in W of a level in dBm: `10^(dbm/10) · 1 mW`.
pub fn dbm_to_w(dbm: f64) -> f64 {
    db_to_linear(dbm) * W_PER_MW
}

/// Noise variance per sample, W: `σ² = F · N_0 · Δf` with `F = 10^(noise_figure_db/10)` and
/// `N_0 = 10^(noise_psd_dbm_per_hz/10) · 1 mW/Hz`.
pub fn noise_var_w(noise_figure_db: f64, noise_psd_dbm_per_hz: f64, spacing_hz: f64) -> f64 {
    db_to_linear(noise_figure_db) * dbm_to_w(noise_psd_dbm_per_hz) * spacing_hz
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// A handful of floating-point operations (one `powf`, two products): a few ulps.
    const CONVERSION_REL_TOL: f64 = 1e-14;

    /// The hand-computed values below are written to ten significant digits.
    const HAND_VALUE_REL_TOL: f64 = 1e-9;

    /// Hand-computed: 20 dBm = 10^2 mW = 0.1 W; 0 dBm = 1 mW; −30 dBm = 1 µW; 10 dB = 10.
    #[test]
    fn dbm_and_db_against_hand_values() {
        assert_relative_eq!(dbm_to_w(20.0), 0.1, max_relative = CONVERSION_REL_TOL);
        assert_relative_eq!(dbm_to_w(0.0), 1e-3, max_relative = CONVERSION_REL_TOL);
        assert_relative_eq!(dbm_to_w(-30.0), 1e-6, max_relative = CONVERSION_REL_TOL);
        assert_relative_eq!(db_to_linear(10.0), 10.0, max_relative = CONVERSION_REL_TOL);
        assert_relative_eq!(
            db_to_linear(-3.0),
            0.501_187_233_6,
            max_relative = HAND_VALUE_REL_TOL
        );
    }

    /// The paper scene: F = 10 dB → 10; N_0 = −173.855 dBm/Hz → 10^(−17.3855) mW/Hz
    /// = 4.116 233 473e−21 W/Hz (10^(−0.3855) = 0.411 623 347 3); Δf = 120 MHz / 1024
    /// = 117 187.5 Hz. σ² = 10 · 4.116 233 473e−21 · 117 187.5 = 4.823 711 101e−15 W
    /// (in dB: −173.855 + 10 + 50.689 = −113.166 dBm).
    #[test]
    fn paper_noise_variance_by_hand() {
        let sigma2 = noise_var_w(10.0, -173.855, 120e6 / 1024.0);
        assert_relative_eq!(sigma2, 4.823_711_101e-15, max_relative = HAND_VALUE_REL_TOL);
    }
}
