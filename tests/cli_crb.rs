//! Successful runs of `bpms crb` and `bpms scenario`: what they print and that equivalent inputs
//! give the same numbers.

mod cli_common;

use bpms::scenario::DEFAULT_SCENARIO_TOML;
use bpms::{covariance, BoundModel, Scenario};
use cli_common::{bpms, crb_with_scenario, edited, json_report, stderr, stdout, write_file};
use serde_json::Value;

/// Two runs on the same numbers through different but equivalent inputs: the covariance file is
/// an exact round trip and the phases are written with round-trip decimals, so only the
/// summation order inside the bounds may differ, a few ulps on a well-conditioned FIM.
const SAME_NUMBERS_REL_TOL: f64 = 1e-12;

/// The bound keys of a JSON report, each a number or a list of numbers.
const BOUND_KEYS: [&str; 6] = [
    "crb_bp_m2",
    "crb_ms_m2",
    "peb_bp_m",
    "peb_ms_m",
    "crb_ms_objects_m2",
    "peb_ms_objects_m",
];

/// Every number under the bound keys (top level and `fused`), in a fixed order.
fn bound_numbers(report: &Value) -> Vec<f64> {
    let mut numbers = Vec::new();
    let mut push = |value: &Value| match value {
        Value::Array(items) => numbers.extend(items.iter().filter_map(Value::as_f64)),
        other => numbers.extend(other.as_f64()),
    };
    for key in BOUND_KEYS {
        push(&report[key]);
    }
    for key in ["crb_bp_m2", "crb_ms_m2", "peb_bp_m", "peb_ms_m"] {
        push(&report["fused"][key]);
    }
    numbers
}

fn assert_same_bounds(a: &Value, b: &Value) {
    let (x, y) = (bound_numbers(a), bound_numbers(b));
    assert_eq!(x.len(), y.len());
    for (p, q) in x.iter().zip(&y) {
        assert!(
            (p - q).abs() <= SAME_NUMBERS_REL_TOL * p.abs().max(q.abs()),
            "{p} vs {q}"
        );
    }
}

#[test]
fn scenario_prints_the_default_that_parses_back_to_the_same_scene() {
    let out = bpms(&["scenario"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text, DEFAULT_SCENARIO_TOML);
    let parsed = Scenario::from_toml_str(&text, "paper").unwrap();
    assert_eq!(
        parsed.scene(None).unwrap(),
        Scenario::default_paper().scene(None).unwrap()
    );
}

#[test]
fn json_report_has_every_key() {
    let report = json_report(&bpms(&["crb", "--format", "json"]));
    let echo = [
        "scenario",
        "n_targets",
        "normalization",
        "phases_bp_rad",
        "phases_ms_rad",
        "tx_power_w",
        "power_used_w",
        "beam",
        "bpms_version",
    ];
    for key in BOUND_KEYS.iter().chain(&echo) {
        assert!(report.get(key).is_some(), "missing {key}: {report}");
    }
    for key in ["crb_bp_m2", "crb_ms_m2", "peb_bp_m", "peb_ms_m"] {
        assert!(report["fused"][key].is_f64(), "missing fused.{key}");
    }
    assert_eq!(report["scenario"], "paper");
    assert_eq!(report["n_targets"], 3);
    assert_eq!(report["normalization"], "unit-norm");
    assert_eq!(report["beam"], "isotropic");
    assert_eq!(report["bpms_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        report["crb_ms_objects_m2"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(report["phases_bp_rad"].as_array().map(Vec::len), Some(4));
    assert!(bound_numbers(&report)
        .iter()
        .all(|x| x.is_finite() && *x > 0.0));
}

#[test]
fn fewer_targets_echo_k_and_the_leading_phases() {
    let full = json_report(&bpms(&["crb", "--format", "json"]));
    let one = json_report(&bpms(&["crb", "--targets", "1", "--format", "json", "-v"]));
    assert_eq!(one["n_targets"], 1);
    assert_eq!(
        one["phases_bp_rad"].as_array().unwrap()[..],
        full["phases_bp_rad"].as_array().unwrap()[..2]
    );
    assert_eq!(
        one["phases_ms_rad"].as_array().unwrap()[..],
        full["phases_ms_rad"].as_array().unwrap()[..2]
    );
    assert_eq!(one["crb_ms_objects_m2"].as_array().map(Vec::len), Some(2));
}

#[test]
fn table_has_a_row_per_bound() {
    let out = bpms(&["crb"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    for row in [
        "CRB [m²]",
        "PEB [m]",
        "BP (UE)",
        "MS (all objects)",
        "MS UE",
        "MS target 3",
    ] {
        assert!(table.contains(row), "missing {row:?}:\n{table}");
    }
    assert!(
        table.contains("fused BP") && table.contains("fused MS"),
        "{table}"
    );
}

#[test]
fn isotropic_covariance_file_gives_the_isotropic_bounds() {
    let scene = Scenario::default_paper().scene(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("isotropic.json");
    covariance::write(&path, &BoundModel::isotropic_covariance(&scene)).unwrap();

    let from_file = json_report(&bpms(&[
        "crb",
        "--covariance",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let builtin = json_report(&bpms(&["crb", "--beam", "isotropic", "--format", "json"]));
    assert_same_bounds(&from_file, &builtin);
    assert!(from_file["beam"]
        .as_str()
        .unwrap()
        .ends_with("isotropic.json"));
    assert_eq!(from_file["power_used_w"], builtin["power_used_w"]);
}

#[test]
fn listed_phases_equal_to_the_seeded_draws_give_identical_bounds() {
    let seeded = json_report(&bpms(&["crb", "--format", "json"]));
    let list = |key: &str| -> String {
        let phases: Vec<String> = seeded[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| format!("{:?}", z.as_f64().unwrap()))
            .collect();
        format!("[{}]", phases.join(", "))
    };
    // Both lists, no seed.
    let text = edited(
        "seed = 1",
        &format!(
            "bp_rad = {}\nms_rad = {}",
            list("phases_bp_rad"),
            list("phases_ms_rad")
        ),
    );
    let listed = json_report(&crb_with_scenario(&text, &["--format", "json"]));
    assert_same_bounds(&listed, &seeded);
    assert_eq!(listed["phases_bp_rad"], seeded["phases_bp_rad"]);
    assert_eq!(listed["phases_ms_rad"], seeded["phases_ms_rad"]);

    // One list alone: the other is still the seeded draw.
    let text = edited(
        "seed = 1",
        &format!("seed = 1\nms_rad = {}", list("phases_ms_rad")),
    );
    let half = json_report(&crb_with_scenario(&text, &["--format", "json"]));
    assert_same_bounds(&half, &seeded);
}

#[test]
fn over_budget_covariance_computes_but_warns() {
    let scene = Scenario::default_paper().scene(None).unwrap();
    let double = BoundModel::isotropic_covariance(&scene).scale(2.0);
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "double.json",
        &covariance::to_json_string(&double),
    );

    let out = bpms(&[
        "crb",
        "--covariance",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let warning = stderr(&out);
    let report = json_report(&out);
    assert!(
        warning.contains("over the power budget"),
        "no warning: {warning}"
    );
    assert!(warning.contains("200.00%"), "{warning}");

    // All bounds scale as 1/power: twice the power halves every CRB.
    let isotropic = json_report(&bpms(&["crb", "--format", "json"]));
    let ratio = isotropic["crb_bp_m2"].as_f64().unwrap() / report["crb_bp_m2"].as_f64().unwrap();
    assert!(
        (ratio - 2.0).abs() <= 2.0 * SAME_NUMBERS_REL_TOL,
        "ratio {ratio}"
    );
}

#[test]
fn within_budget_covariance_is_quiet() {
    let out = bpms(&["crb"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).is_empty(),
        "unexpected stderr: {}",
        stderr(&out)
    );
}

#[test]
fn singular_fim_exits_one_and_names_the_parameters() {
    let zero = nalgebra::DMatrix::<num_complex::Complex64>::zeros(16, 16);
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "zero.json", &covariance::to_json_string(&zero));
    let out = bpms(&["crb", "--covariance", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("singular") && err.contains("unidentifiable"),
        "{err}"
    );
}
