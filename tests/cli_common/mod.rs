//! Helpers shared by the `cli_*` tests: run the binary, write scenario and covariance files.

#![allow(dead_code)]

use bpms::scenario::DEFAULT_SCENARIO_TOML;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The columns every `tradeoff.csv` must have (`bpms sweep` and `bpms reproduce`), as the
/// issues specify them; stated here, not read from the library, so that a dropped column fails.
pub const TRADEOFF_COLUMNS: [&str; 10] = [
    "scheme",
    "n_targets",
    "alpha",
    "crb_bp_m2",
    "crb_ms_m2",
    "peb_bp_m",
    "peb_ms_m",
    "status",
    "method",
    "time_s",
];

/// Runs `bpms` with `args`.
pub fn bpms(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bpms"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("the bpms binary runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The default scenario with `from` replaced by `to` (`from` must occur exactly once).
pub fn edited(from: &str, to: &str) -> String {
    assert_eq!(
        DEFAULT_SCENARIO_TOML.matches(from).count(),
        1,
        "pattern {from:?} not unique"
    );
    DEFAULT_SCENARIO_TOML.replacen(from, to, 1)
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file is writable");
    path
}

/// Runs `bpms crb --scenario FILE` (plus `extra`) on a scenario given as text.
pub fn crb_with_scenario(text: &str, extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_file(dir.path(), "scene.toml", text);
    let mut args = vec!["crb", "--scenario", path.to_str().expect("utf-8 temp path")];
    args.extend_from_slice(extra);
    bpms(&args)
}

/// Asserts exit code 2 (bad input), nothing on stdout, and every fragment on stderr.
pub fn assert_bad_input(out: &Output, fragments: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "expected exit 2; stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout not empty: {}", stdout(out));
    for fragment in fragments {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}: {err}");
    }
}

/// Parses the JSON report of a successful run.
pub fn json_report(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}
