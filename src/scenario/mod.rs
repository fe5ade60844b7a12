//! Scenario files: schema, parsing, validation and resolution into a [`Scene`].
//!
//! A scenario is a TOML file (the default, [`DEFAULT_SCENARIO_TOML`], is compiled in) whose keys
//! carry their units: SI unless the name says otherwise (`_dbm`, `_db`, `_deg`, `_dbm_per_hz`).
//! Parsing ([`Scenario::from_toml_str`], [`Scenario::from_file`]) checks the shape of the file:
//! every table denies unknown keys, so a misspelt key is an error that names it. Validation and
//! unit conversion happen in [`Scenario::scene`], which returns a [`Scene`] in SI units or an
//! [`InputError`] naming the field path (`radio.bandwidth_hz`, `targets[2].position_m`,
//! `phases.bp_rad`; target indices in paths count from 0, as in the file's array) and the reason.
//!
//! | key | symbol | meaning | unit |
//! |---|---|---|---|
//! | `radio.carrier_frequency_hz` | f_c | carrier frequency | Hz |
//! | `radio.bandwidth_hz` | W | signal bandwidth | Hz |
//! | `radio.n_subcarriers` | M | subcarriers | - |
//! | `radio.n_slots` | L | slots (beams) | - |
//! | `radio.n_symbols_per_slot` | P | pilot symbols per slot | - |
//! | `radio.tx_power_dbm` | P_B | total transmit power | dBm |
//! | `radio.noise_psd_dbm_per_hz` | N_0 | noise power spectral density | dBm/Hz |
//! | `radio.noise_figure_db` | F | receiver noise figure | dB |
//! | `array.normalization` | g | `"unit-norm"` (default) or `"unit-modulus"` | - |
//! | `bs.position_m`, `bs.n_antennas` | p_B, N_B | BS position and array size | m, - |
//! | `ue.position_m`, `ue.n_antennas` | p_U, N_U | UE position and array size | m, - |
//! | `ue.orientation_deg` | Δφ | UE array orientation | deg |
//! | `ue.clock_bias_s` | Δt | UE clock bias | s |
//! | `ue.rcs_m2` | σ̃_0 | UE radar cross section (MS) | m² |
//! | `targets[i].position_m` | p_{i+1} | target position | m |
//! | `targets[i].rcs_m2` | σ_{i+1} | target radar cross section (BP and MS) | m² |
//! | `phases.seed` | - | seed of the drawn gain phases | - |
//! | `phases.bp_rad` | ζ_0..ζ_N | BP gain phases, LOS first, one per listed target | rad |
//! | `phases.ms_rad` | ζ̃_0..ζ̃_N | MS gain phases, UE first, one per listed target | rad |

mod resolve;
pub mod units;
mod validate;

pub use resolve::draw_phases;
pub use validate::MIN_SEPARATION_M;

use crate::error::InputError;
use crate::geometry::array::Normalization;
use crate::geometry::scene::{Point, Scene};
use serde::{Deserialize, Deserializer, Serialize};
use std::path::Path;

/// The default scenario of Section VII-A of \[ZCZ25\], as shipped in `scenarios/paper.toml`.
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../../scenarios/paper.toml");

/// Name given to the embedded default scenario.
pub const DEFAULT_SCENARIO_NAME: &str = "paper";

/// A parsed scenario file, before validation. Field names and units are those of the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Scenario name: the file stem, or [`DEFAULT_SCENARIO_NAME`]. Not part of the file.
    #[serde(skip)]
    pub name: String,
    pub radio: RadioConfig,
    #[serde(default)]
    pub array: ArrayConfig,
    pub bs: BsConfig,
    pub ue: UeConfig,
    /// Passive targets in file order; a scene with `K` targets uses the first `K`.
    #[serde(default)]
    pub targets: Vec<TargetConfig>,
    #[serde(default)]
    pub phases: PhasesConfig,
}

/// `[radio]`: carrier, OFDM numerology, power and noise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadioConfig {
    pub carrier_frequency_hz: f64,
    pub bandwidth_hz: f64,
    /// Signed so that a negative count is reported as a field error rather than a type error.
    pub n_subcarriers: i64,
    pub n_slots: i64,
    pub n_symbols_per_slot: i64,
    pub tx_power_dbm: f64,
    pub noise_psd_dbm_per_hz: f64,
    pub noise_figure_db: f64,
}

/// `[array]`: steering-vector convention shared by both arrays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrayConfig {
    pub normalization: Normalization,
}

impl Default for ArrayConfig {
    fn default() -> Self {
        ArrayConfig {
            normalization: Normalization::UnitNorm,
        }
    }
}

/// `[bs]`: the base station.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BsConfig {
    #[serde(deserialize_with = "point")]
    pub position_m: Point,
    pub n_antennas: i64,
}

/// `[ue]`: the user equipment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UeConfig {
    #[serde(deserialize_with = "point")]
    pub position_m: Point,
    pub n_antennas: i64,
    pub orientation_deg: f64,
    pub clock_bias_s: f64,
    pub rcs_m2: f64,
}

/// `[[targets]]`: one passive target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    #[serde(deserialize_with = "point")]
    pub position_m: Point,
    pub rcs_m2: f64,
}

/// `[phases]`: gain phases, listed or drawn from a seed (see [`Scenario::scene`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhasesConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bp_rad: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms_rad: Option<Vec<f64>>,
}

/// A position `[x, y]`: exactly two numbers (a fixed-size array alone would let the TOML
/// deserialiser drop a third).
fn point<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Point, D::Error> {
    let coordinates = Vec::<f64>::deserialize(deserializer)?;
    <Point>::try_from(coordinates.as_slice()).map_err(|_| {
        serde::de::Error::invalid_length(coordinates.len(), &"a position [x, y] in metres")
    })
}

impl Scenario {
    /// The embedded default scenario, named [`DEFAULT_SCENARIO_NAME`].
    ///
    /// # Panics
    ///
    /// Never in a released build: the embedded file is parsed by the unit tests.
    pub fn default_paper() -> Self {
        Self::from_toml_str(DEFAULT_SCENARIO_TOML, DEFAULT_SCENARIO_NAME)
            .expect("the embedded default scenario parses (checked by the unit tests)")
    }

    /// Parses a scenario from TOML text; `name` names it in errors and outputs.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Self, InputError> {
        let mut scenario: Scenario = toml::from_str(text).map_err(|e| InputError::Parse {
            file: name.to_owned(),
            reason: e.to_string(),
        })?;
        scenario.name = name.to_owned();
        Ok(scenario)
    }

    /// Reads and parses a scenario file; its name is the file stem.
    pub fn from_file(path: &Path) -> Result<Self, InputError> {
        let text = std::fs::read_to_string(path).map_err(|source| InputError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut scenario = toml::from_str::<Scenario>(&text).map_err(|e| InputError::Parse {
            file: path.display().to_string(),
            reason: e.to_string(),
        })?;
        scenario.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Ok(scenario)
    }

    /// Number of targets listed in the file (the largest `K` that [`Scenario::scene`] accepts).
    pub fn n_listed_targets(&self) -> usize {
        self.targets.len()
    }

    /// Validates the whole file and resolves it into a [`Scene`] with the first `n_targets`
    /// listed targets (`None`: all of them), in SI units.
    ///
    /// - Power `P_B = 10^(tx_power_dbm/10) · 1 mW`; noise variance `σ² = F·N_0·Δf` with
    ///   `F = 10^(noise_figure_db/10)`, `N_0 = 10^(noise_psd_dbm_per_hz/10) · 1 mW/Hz` and
    ///   `Δf = W/M`; the orientation in radians.
    /// - Phases: the listed `phases.bp_rad` / `phases.ms_rad` (each with one entry for the LOS
    ///   or UE and one per listed target), or drawn from `ChaCha8Rng::seed_from_u64(seed)`: first
    ///   the `1 + N` BP phases, then the `1 + N` MS phases, each uniform on `[−π, π)`, `N` the
    ///   number of listed targets. Both sequences are always drawn when a seed is given, and a
    ///   listed one replaces its draw, so a scene with `K < N` targets, or with one list given,
    ///   keeps the phases of the full seeded scene. The lists are then cut to `K + 1`.
    ///
    /// Every number must be finite; the counts, carrier frequency and bandwidth positive; radar
    /// cross sections positive; objects (UE and targets) in front of the BS array, at least
    /// [`MIN_SEPARATION_M`] from each other and from the BS. Each failure is an
    /// [`InputError::Field`] naming the field and the reason.
    pub fn scene(&self, n_targets: Option<usize>) -> Result<Scene, InputError> {
        resolve::resolve(self, n_targets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scenario_parses_with_three_targets() {
        let scenario = Scenario::default_paper();
        assert_eq!(scenario.name, "paper");
        assert_eq!(scenario.n_listed_targets(), 3);
        assert_eq!(scenario.phases.seed, Some(1));
    }

    #[test]
    fn misspelt_key_is_named() {
        let text = DEFAULT_SCENARIO_TOML.replace("bandwidth_hz", "bandwith_hz");
        let err = Scenario::from_toml_str(&text, "typo")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bandwith_hz"), "{err}");
    }

    #[test]
    fn unknown_normalization_is_rejected() {
        let text = DEFAULT_SCENARIO_TOML.replace("\"unit-norm\"", "\"unit-power\"");
        let err = Scenario::from_toml_str(&text, "norm")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unit-power") && err.contains("unit-modulus"),
            "{err}"
        );
    }
}
