//! `bpms scenario`: the embedded default scenario.

use bpms::scenario::DEFAULT_SCENARIO_TOML;

/// The default scenario file, verbatim.
pub fn run() -> String {
    DEFAULT_SCENARIO_TOML.to_owned()
}
