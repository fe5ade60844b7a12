//! Resolution of a validated [`Scenario`] into a [`Scene`]: units to SI, phases, `K` targets.

use super::{units, validate, PhasesConfig, Scenario};
use crate::error::InputError;
use crate::geometry::scene::{Scene, SPEED_OF_LIGHT_M_PER_S};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;

/// Draws the gain phases of a scenario with `n_listed_targets` targets from `seed`:
/// `ChaCha8Rng::seed_from_u64(seed)` gives first the `1 + n_listed_targets` BP phases (LOS
/// first), then the `1 + n_listed_targets` MS phases (UE first), each uniform on `[−π, π)`.
pub fn draw_phases(seed: u64, n_listed_targets: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n_paths = n_listed_targets + 1;

    // u is uniform on [0, 1) on a 2^-53 grid, so 2u − 1 is exact and lies in [−1, 1 − 2^-52];
    // the product with π then rounds to a value in [−π, π), never to π itself.
    let mut draw = || PI * (2.0 * rng.random::<f64>() - 1.0);
    let bp: Vec<f64> = (0..n_paths).map(|_| draw()).collect();
    let ms: Vec<f64> = (0..n_paths).map(|_| draw()).collect();
    (bp, ms)
}

/// See [`Scenario::scene`].
pub(super) fn resolve(scenario: &Scenario, n_targets: Option<usize>) -> Result<Scene, InputError> {
    validate::validate(scenario)?;
    let n_listed = scenario.targets.len();
    let n_targets = n_targets.unwrap_or(n_listed);
    if n_targets > n_listed {
        return Err(InputError::field(
            "targets",
            format!("{n_targets} targets requested, but the scenario lists only {n_listed}"),
        ));
    }
    let r = &scenario.radio;
    let n_subcarriers = to_count(r.n_subcarriers);

    // Power and noise in watts.
    let tx_power_w = derived("radio.tx_power_dbm", "P_B", units::dbm_to_w(r.tx_power_dbm))?;
    let spacing_hz = derived(
        "radio.bandwidth_hz",
        "Δf",
        r.bandwidth_hz / n_subcarriers as f64,
    )?;
    let noise_var_w = units::noise_var_w(r.noise_figure_db, r.noise_psd_dbm_per_hz, spacing_hz);
    let noise_var_w = derived("radio.noise_psd_dbm_per_hz", "σ²", noise_var_w)?;
    derived(
        "radio.carrier_frequency_hz",
        "λ",
        SPEED_OF_LIGHT_M_PER_S / r.carrier_frequency_hz,
    )?;

    // Phases of the full listed scene, then the first K + 1 of each.
    let (mut phases_bp_rad, mut phases_ms_rad) = phases(&scenario.phases, n_listed);
    phases_bp_rad.truncate(n_targets + 1);
    phases_ms_rad.truncate(n_targets + 1);

    let targets = &scenario.targets[..n_targets];
    Ok(Scene {
        name: scenario.name.clone(),
        carrier_frequency_hz: r.carrier_frequency_hz,
        bandwidth_hz: r.bandwidth_hz,
        n_subcarriers,
        n_slots: to_count(r.n_slots),
        n_symbols_per_slot: to_count(r.n_symbols_per_slot),
        tx_power_w,
        noise_var_w,
        normalization: scenario.array.normalization,
        p_bs: scenario.bs.position_m,
        n_bs: to_count(scenario.bs.n_antennas),
        p_ue: scenario.ue.position_m,
        n_ue: to_count(scenario.ue.n_antennas),
        orientation_rad: scenario.ue.orientation_deg.to_radians(),
        clock_bias_s: scenario.ue.clock_bias_s,
        rcs_ue_m2: scenario.ue.rcs_m2,
        p_targets: targets.iter().map(|t| t.position_m).collect(),
        rcs_targets_m2: targets.iter().map(|t| t.rcs_m2).collect(),
        phases_bp_rad,
        phases_ms_rad,
    })
}

/// Listed phases where given, seeded draws otherwise (validation made sure a seed is there
/// whenever a list is missing, and that listed ones have `1 + n_listed` entries).
fn phases(config: &PhasesConfig, n_listed: usize) -> (Vec<f64>, Vec<f64>) {
    let (drawn_bp, drawn_ms) = match config.seed {
        Some(seed) => draw_phases(seed, n_listed),
        None => (Vec::new(), Vec::new()),
    };
    let bp = config.bp_rad.clone().unwrap_or(drawn_bp);
    let ms = config.ms_rad.clone().unwrap_or(drawn_ms);
    (bp, ms)
}

/// A count already checked positive by validation.
fn to_count(n: i64) -> usize {
    usize::try_from(n).unwrap_or_default()
}

/// A derived SI quantity must be finite and positive (extreme inputs can overflow or underflow).
fn derived(field: &str, symbol: &str, x: f64) -> Result<f64, InputError> {
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(InputError::field(
            field,
            format!("gives {symbol} = {x:e}, which is not a positive finite number"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// Conversions are a few floating-point operations: a few ulps.
    const CONVERSION_REL_TOL: f64 = 1e-14;

    #[test]
    fn paper_scene_in_si_units() {
        let scene = Scenario::default_paper().scene(None).unwrap();
        assert_eq!(scene.name, "paper");
        assert_eq!(scene.n_targets(), 3);
        assert_eq!(
            (scene.n_bs, scene.n_ue, scene.n_subcarriers),
            (16, 16, 1024)
        );
        assert_relative_eq!(scene.tx_power_w, 0.1, max_relative = CONVERSION_REL_TOL);
        assert_relative_eq!(scene.orientation_rad, 110f64.to_radians());
        // σ² by hand in `units::tests::paper_noise_variance_by_hand`.
        assert_relative_eq!(
            scene.noise_var_w,
            units::noise_var_w(10.0, -173.855, 117_187.5),
            max_relative = CONVERSION_REL_TOL
        );
        assert_eq!(scene.phases_bp_rad.len(), 4);
        assert_eq!(scene.phases_ms_rad.len(), 4);
    }

    #[test]
    fn drawn_phases_lie_in_half_open_interval() {
        for seed in 0..50 {
            let (bp, ms) = draw_phases(seed, 5);
            assert!(bp.iter().chain(&ms).all(|z| (-PI..PI).contains(z)));
        }
    }

    #[test]
    fn fewer_targets_keep_the_phases_of_the_full_scene() {
        let scenario = Scenario::default_paper();
        let full = scenario.scene(None).unwrap();
        for k in 0..=3 {
            let scene = scenario.scene(Some(k)).unwrap();
            assert_eq!(scene.phases_bp_rad[..], full.phases_bp_rad[..=k]);
            assert_eq!(scene.phases_ms_rad[..], full.phases_ms_rad[..=k]);
            assert_eq!(scene.p_targets[..], full.p_targets[..k]);
        }
        assert!(scenario.scene(Some(4)).is_err());
    }

    #[test]
    fn one_listed_list_keeps_the_other_draw() {
        let mut scenario = Scenario::default_paper();
        let full = scenario.scene(None).unwrap();
        scenario.phases.bp_rad = Some(vec![0.5; 4]);
        let scene = scenario.scene(None).unwrap();
        assert_eq!(scene.phases_bp_rad, vec![0.5; 4]);
        assert_eq!(scene.phases_ms_rad, full.phases_ms_rad);
    }

    #[test]
    fn listed_phases_need_no_seed_but_drawn_ones_do() {
        let mut scenario = Scenario::default_paper();
        let full = scenario.scene(None).unwrap();
        scenario.phases = PhasesConfig {
            seed: None,
            bp_rad: Some(full.phases_bp_rad.clone()),
            ms_rad: Some(full.phases_ms_rad.clone()),
        };
        assert_eq!(scenario.scene(None).unwrap(), full);
        scenario.phases.ms_rad = None;
        let err = scenario.scene(None).unwrap_err().to_string();
        assert!(err.starts_with("phases.seed:"), "{err}");
    }
}
