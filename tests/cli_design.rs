//! `bpms design` and `bpms sweep` through the binary: outputs, files, and bad input.

mod cli_common;

use cli_common::{bpms, stderr, stdout, TRADEOFF_COLUMNS};
use serde_json::Value;

#[test]
fn design_json_has_the_keys_and_its_covariance_round_trips_through_crb() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d");
    let o = bpms(&[
        "design",
        "--scheme",
        "fdb-wcrb",
        "--alpha",
        "0.3",
        "--targets",
        "2",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    for key in [
        "crb_bp_m2",
        "crb_ms_m2",
        "peb_bp_m",
        "peb_ms_m",
        "peb_ms_objects_m",
        "fused",
        "scheme",
        "alpha",
        "tx_power_w",
        "covariance",
        "beamformer",
        "solver",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in ["status", "iterations", "time_s", "max_violation_w"] {
        assert!(v["solver"].get(key).is_some(), "missing solver.{key}");
    }
    assert_eq!(v["solver"]["status"], "solved");
    for f in ["design.json", "covariance.json", "beamformer.csv"] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    let csv = std::fs::read_to_string(out.join("beamformer.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 16 * 16, "header + N_B × L entries");

    // The written covariance gives the same bounds through `bpms crb`.
    let cov = out.join("covariance.json");
    let c = bpms(&[
        "crb",
        "--targets",
        "2",
        "--covariance",
        cov.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(c.status.success(), "{}", stderr(&c));
    let w: Value = serde_json::from_str(&stdout(&c)).unwrap();
    for key in ["crb_bp_m2", "crb_ms_m2"] {
        let (a, b) = (v[key].as_f64().unwrap(), w[key].as_f64().unwrap());
        assert!((a - b).abs() <= 1e-9 * a, "{key}: {a} vs {b}");
    }
}

#[test]
fn design_bad_input_exits_2_and_names_the_field() {
    let cases: [(&[&str], &str); 9] = [
        // Options a scheme does not take are refused, not silently ignored.
        (
            &["design", "--scheme", "analog-fdb", "--method", "solver"],
            "method",
        ),
        (
            &["design", "--scheme", "cpa-wcrb", "--form", "full"],
            "form",
        ),
        (&["design", "--scheme", "fdb-wcm", "--form", "full"], "form"),
        (
            &["design", "--scheme", "fdb-wcrb", "--alpha", "1.5"],
            "alpha",
        ),
        (
            &["design", "--scheme", "fdb-wcrb", "--alpha", "-0.1"],
            "alpha",
        ),
        (&["design", "--scheme", "no-such-scheme"], "unknown scheme"),
        (
            &["design", "--scheme", "fdb-wcrb", "--targets", "0"],
            "targets",
        ),
        (
            &["design", "--scheme", "fdb-wcrb", "--bp-cap", "-1"],
            "bp-cap",
        ),
        (
            &["design", "--scheme", "fdb-wcrb", "--ms-cap", "0"],
            "ms-cap",
        ),
    ];
    for (args, needle) in cases {
        let o = bpms(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn infeasible_cap_reports_the_smallest_achievable_value() {
    let o = bpms(&[
        "design", "--scheme", "fdb-wcrb", "--bp-cap", "0.0001", "--format", "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["status"], "infeasible");
    let min = v["min_achievable_peb_m"].as_f64().unwrap();
    assert!(min > 0.0001, "the minimum {min} must exceed the cap");
    // The smallest achievable value is itself achievable as a cap.
    let cap = format!("{}", min * 1.001);
    let o = bpms(&[
        "design", "--scheme", "fdb-wcrb", "--bp-cap", &cap, "--format", "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn sweep_writes_csv_and_plots() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let o = bpms(&[
        "sweep",
        "--schemes",
        "fdb-wcrb,cpa-wcrb",
        "--targets",
        "1,2",
        "--alphas",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut r = csv::Reader::from_path(out.join("tradeoff.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    for col in TRADEOFF_COLUMNS {
        assert!(header.iter().any(|h| h == col), "column {col}");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2 * 2 * 3);
    assert!(rows.iter().all(|row| &row[col("status")] == "solved"));
    // The default method: the SDP at the end points, the direct method inside.
    for row in &rows {
        let alpha: f64 = row[col("alpha")].parse().unwrap();
        let method = &row[col("method")];
        let expected = if alpha > 0.0 && alpha < 1.0 {
            "quasi-newton"
        } else {
            "clarabel-sdp"
        };
        assert!(method.starts_with(expected), "alpha {alpha}: {method}");
    }
    for f in ["tradeoff.png", "tradeoff.svg"] {
        assert!(out.join(f).metadata().unwrap().len() > 1000, "{f}");
    }
}

#[test]
fn sweep_bad_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    for (args, needle) in [
        (vec!["--targets", "4"], "targets"),
        (vec!["--targets", "0"], "targets"),
        (vec!["--alphas", "1"], "alphas"),
        (vec!["--schemes", "fdb-wcrb,bogus"], "unknown scheme"),
        (vec!["--targets", "1,1"], "listed twice"),
        (vec!["--schemes", "fdb-wcrb,fdb-wcrb"], "listed twice"),
    ] {
        let mut all = vec!["sweep", "--out", out.to_str().unwrap()];
        all.extend(args.iter().copied());
        let o = bpms(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{all:?}: {}", stderr(&o));
        assert!(!out.exists(), "{all:?} created the output directory");
    }
}

/// An `--out` path that cannot be a directory is bad input, refused before any work, and nothing
/// is written.
#[test]
fn out_path_that_is_a_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("afile");
    std::fs::write(&file, "keep me").unwrap();
    let below = file.join("sub");
    for out in [&file, &below] {
        let out = out.to_str().unwrap();
        for args in [
            vec!["design", "--scheme", "fdb-wcrb", "--out", out],
            vec!["sweep", "--alphas", "2", "--targets", "1", "--out", out],
            vec!["reproduce", "--alphas", "2", "--targets", "1", "--out", out],
        ] {
            let o = bpms(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
            assert!(
                stderr(&o).contains("not a directory"),
                "{args:?}: {}",
                stderr(&o)
            );
        }
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A target file that is a directory fails the whole set: no result file is renamed into place.
#[test]
fn design_out_writes_all_files_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d");
    std::fs::create_dir_all(out.join("beamformer.csv")).unwrap();
    let o = bpms(&[
        "design",
        "--scheme",
        "fdb-wcrb",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["beamformer.csv".to_string()], "{names:?}");
}
