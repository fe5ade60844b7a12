//! Checks of a parsed [`Scenario`]: each failure names the field path and the reason.

use super::{PhasesConfig, RadioConfig, Scenario, TargetConfig, UeConfig};
use crate::error::InputError;
use crate::geometry::scene::Point;

/// Smallest distance allowed between two of BS, UE and targets, and smallest height of an object
/// above the BS array axis, in m. Far below a wavelength (about 1 cm at 28 GHz), so no physical
/// scene is refused; far above the rounding of coordinates of a few hundred metres (about
/// 1e-13 m), so two objects meant to be at one place are caught even after arithmetic.
pub const MIN_SEPARATION_M: f64 = 1e-6;

/// Validates every field of `scenario` (all listed targets, whatever `K` is asked for later).
pub(super) fn validate(scenario: &Scenario) -> Result<(), InputError> {
    radio(&scenario.radio)?;
    point("bs.position_m", scenario.bs.position_m)?;
    count("bs.n_antennas", scenario.bs.n_antennas)?;
    array("bs.n_antennas", scenario.bs.n_antennas)?;
    ue(&scenario.ue)?;
    for (i, target_config) in scenario.targets.iter().enumerate() {
        target(i, target_config)?;
    }
    phases(&scenario.phases, scenario.targets.len())?;
    geometry(scenario)
}

fn radio(r: &RadioConfig) -> Result<(), InputError> {
    positive("radio.carrier_frequency_hz", r.carrier_frequency_hz)?;
    positive("radio.bandwidth_hz", r.bandwidth_hz)?;
    count("radio.n_subcarriers", r.n_subcarriers)?;
    count("radio.n_slots", r.n_slots)?;
    count("radio.n_symbols_per_slot", r.n_symbols_per_slot)?;
    finite("radio.tx_power_dbm", r.tx_power_dbm)?;
    finite("radio.noise_psd_dbm_per_hz", r.noise_psd_dbm_per_hz)?;
    finite("radio.noise_figure_db", r.noise_figure_db)?;
    if r.noise_figure_db < 0.0 {
        return Err(InputError::field(
            "radio.noise_figure_db",
            format!(
                "must be at least 0 dB (a receiver cannot remove noise), got {}",
                r.noise_figure_db
            ),
        ));
    }
    Ok(())
}

fn ue(u: &UeConfig) -> Result<(), InputError> {
    point("ue.position_m", u.position_m)?;
    count("ue.n_antennas", u.n_antennas)?;
    array("ue.n_antennas", u.n_antennas)?;
    finite("ue.orientation_deg", u.orientation_deg)?;
    finite("ue.clock_bias_s", u.clock_bias_s)?;
    rcs("ue.rcs_m2", u.rcs_m2)
}

fn target(i: usize, t: &TargetConfig) -> Result<(), InputError> {
    point(&format!("targets[{i}].position_m"), t.position_m)?;
    rcs(&format!("targets[{i}].rcs_m2"), t.rcs_m2)
}

/// Listed phases: one per path (LOS or UE first, then one per listed target), all finite; a
/// seed whenever a list is missing.
fn phases(p: &PhasesConfig, n_listed: usize) -> Result<(), InputError> {
    let lists = [
        ("phases.bp_rad", &p.bp_rad, "LOS"),
        ("phases.ms_rad", &p.ms_rad, "UE"),
    ];
    for (field, list, first) in lists {
        let Some(list) = list else {
            if p.seed.is_none() {
                return Err(InputError::field(
                    "phases.seed",
                    format!("missing: needed to draw the phases because {field} is not given"),
                ));
            }
            continue;
        };
        if list.len() != n_listed + 1 {
            return Err(InputError::field(
                field,
                format!(
                    "expected {} entries ({first}, then one per listed target: {n_listed}), \
                     got {}",
                    n_listed + 1,
                    list.len()
                ),
            ));
        }
        for (j, &zeta) in list.iter().enumerate() {
            finite(&format!("{field}[{j}]"), zeta)?;
        }
    }
    Ok(())
}

/// Every object (UE, targets) in front of the BS array; no two of BS, UE, targets at one place.
fn geometry(scenario: &Scenario) -> Result<(), InputError> {
    let p_bs = scenario.bs.position_m;
    let mut places = vec![("bs.position_m".to_owned(), p_bs)];
    places.push(("ue.position_m".to_owned(), scenario.ue.position_m));
    for (i, t) in scenario.targets.iter().enumerate() {
        places.push((format!("targets[{i}].position_m"), t.position_m));
    }

    // Pairwise separation; the later object in file order is blamed.
    for (j, (field, p)) in places.iter().enumerate() {
        for (other, q) in &places[..j] {
            let distance = (p[0] - q[0]).hypot(p[1] - q[1]);
            if distance < MIN_SEPARATION_M {
                return Err(InputError::field(
                    field.as_str(),
                    format!(
                        "coincides with {other} ({distance:e} m apart; objects must be at least \
                         {MIN_SEPARATION_M:e} m apart)"
                    ),
                ));
            }
        }
    }

    // In front: the cos-angle ULA model cannot tell θ from −θ (MODEL.md §2).
    for (field, p) in &places[1..] {
        if p[1] - p_bs[1] <= MIN_SEPARATION_M {
            return Err(InputError::field(
                field.as_str(),
                format!(
                    "must be in front of the BS array, y > {} m (the BS's y) by at least {:e} m: \
                     the linear array cannot tell an angle θ from −θ; got y = {} m",
                    p_bs[1], MIN_SEPARATION_M, p[1]
                ),
            ));
        }
    }
    Ok(())
}

/// A finite number.
fn finite(field: &str, x: f64) -> Result<(), InputError> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(InputError::field(
            field,
            format!("must be a finite number, got {x}"),
        ))
    }
}

/// A finite, strictly positive number.
fn positive(field: &str, x: f64) -> Result<(), InputError> {
    finite(field, x)?;
    if x > 0.0 {
        Ok(())
    } else {
        Err(InputError::field(
            field,
            format!("must be positive, got {x}"),
        ))
    }
}

/// A radar cross section: finite and positive. Zero is refused too: a path with zero gain
/// carries no information on its angle and delay, so the Fisher information is singular.
fn rcs(field: &str, x: f64) -> Result<(), InputError> {
    finite(field, x)?;
    if x < 0.0 {
        Err(InputError::field(
            field,
            format!("must be positive, got {x}"),
        ))
    } else if x == 0.0 {
        Err(InputError::field(
            field,
            "must be positive, got 0: a zero radar cross section gives a path with zero gain, \
             whose angle and delay cannot be identified (singular Fisher information)",
        ))
    } else {
        Ok(())
    }
}

/// A strictly positive count.
fn count(field: &str, n: i64) -> Result<(), InputError> {
    match usize::try_from(n) {
        Ok(n) if n > 0 => Ok(()),
        _ => Err(InputError::field(
            field,
            format!("must be a positive integer, got {n}"),
        )),
    }
}

/// An array that can measure an angle: with one antenna the steering vector does not depend on
/// the angle, so every angle (and with it every position) is unidentifiable.
fn array(field: &str, n: i64) -> Result<(), InputError> {
    if n < 2 {
        return Err(InputError::field(
            field,
            format!(
                "needs at least 2 antennas to measure an angle, got {n} (one antenna leaves the \
                 position unidentifiable)"
            ),
        ));
    }
    Ok(())
}

/// A finite 2-D position.
fn point(field: &str, p: Point) -> Result<(), InputError> {
    for (axis, x) in ["x", "y"].into_iter().zip(p) {
        if !x.is_finite() {
            return Err(InputError::field(
                field,
                format!("must be finite, got {x} for the {axis} coordinate"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper() -> Scenario {
        Scenario::default_paper()
    }

    fn field_of(result: Result<(), InputError>) -> String {
        match result {
            Err(InputError::Field { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn paper_scenario_is_valid() {
        validate(&paper()).unwrap();
    }

    #[test]
    fn each_rule_names_its_field() {
        let mut s = paper();
        s.radio.bandwidth_hz = 0.0;
        assert_eq!(field_of(validate(&s)), "radio.bandwidth_hz");

        let mut s = paper();
        s.targets[2].rcs_m2 = -1.0;
        assert_eq!(field_of(validate(&s)), "targets[2].rcs_m2");

        let mut s = paper();
        s.targets[1].position_m = s.targets[0].position_m;
        assert_eq!(field_of(validate(&s)), "targets[1].position_m");

        let mut s = paper();
        s.targets[0].position_m = [3.0, 0.0];
        assert_eq!(field_of(validate(&s)), "targets[0].position_m");

        let mut s = paper();
        s.ue.position_m = [3.0, -1.0];
        assert_eq!(field_of(validate(&s)), "ue.position_m");

        let mut s = paper();
        s.phases.bp_rad = Some(vec![0.0; 3]);
        assert_eq!(field_of(validate(&s)), "phases.bp_rad");

        let mut s = paper();
        s.ue.clock_bias_s = f64::NAN;
        assert_eq!(field_of(validate(&s)), "ue.clock_bias_s");

        let mut s = paper();
        s.radio.n_slots = 0;
        assert_eq!(field_of(validate(&s)), "radio.n_slots");
    }
}
