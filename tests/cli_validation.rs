//! Every validation rule, seen through the binary: exit code 2 and a message that names the
//! field and the reason.

mod cli_common;

use cli_common::{assert_bad_input, bpms, crb_with_scenario, edited, write_file};

/// One edit of the default scenario and the fragments its error message must contain.
struct Case {
    from: &'static str,
    to: &'static str,
    fragments: &'static [&'static str],
}

fn check(cases: &[Case]) {
    for case in cases {
        let out = crb_with_scenario(&edited(case.from, case.to), &[]);
        assert_bad_input(&out, case.fragments);
    }
}

#[test]
fn non_positive_radio_numbers_and_counts() {
    check(&[
        Case {
            from: "carrier_frequency_hz = 28e9",
            to: "carrier_frequency_hz = 0.0",
            fragments: &["radio.carrier_frequency_hz", "must be positive"],
        },
        Case {
            from: "bandwidth_hz = 120e6",
            to: "bandwidth_hz = -120e6",
            fragments: &["radio.bandwidth_hz", "must be positive"],
        },
        Case {
            from: "n_subcarriers = 1024",
            to: "n_subcarriers = 0",
            fragments: &["radio.n_subcarriers", "positive integer"],
        },
        Case {
            from: "n_slots = 16",
            to: "n_slots = -16",
            fragments: &["radio.n_slots", "positive integer", "-16"],
        },
        Case {
            from: "n_symbols_per_slot = 100",
            to: "n_symbols_per_slot = 0",
            fragments: &["radio.n_symbols_per_slot", "positive integer"],
        },
        Case {
            from: "position_m = [0.0, 0.0]\nn_antennas = 16",
            to: "position_m = [0.0, 0.0]\nn_antennas = 0",
            fragments: &["bs.n_antennas", "positive integer"],
        },
        Case {
            from: "n_antennas = 16\norientation_deg",
            to: "n_antennas = -2\norientation_deg",
            fragments: &["ue.n_antennas", "positive integer"],
        },
        Case {
            from: "position_m = [0.0, 0.0]\nn_antennas = 16",
            to: "position_m = [0.0, 0.0]\nn_antennas = 1",
            fragments: &["bs.n_antennas", "at least 2 antennas"],
        },
        Case {
            from: "n_antennas = 16\norientation_deg",
            to: "n_antennas = 1\norientation_deg",
            fragments: &["ue.n_antennas", "at least 2 antennas"],
        },
        Case {
            from: "noise_figure_db = 10.0",
            to: "noise_figure_db = -1.0",
            fragments: &["radio.noise_figure_db", "at least 0 dB"],
        },
    ]);
}

#[test]
fn non_finite_numbers_anywhere() {
    check(&[
        Case {
            from: "tx_power_dbm = 20.0",
            to: "tx_power_dbm = nan",
            fragments: &["radio.tx_power_dbm", "finite"],
        },
        Case {
            from: "noise_psd_dbm_per_hz = -173.855",
            to: "noise_psd_dbm_per_hz = -inf",
            fragments: &["radio.noise_psd_dbm_per_hz", "finite"],
        },
        Case {
            from: "carrier_frequency_hz = 28e9",
            to: "carrier_frequency_hz = inf",
            fragments: &["radio.carrier_frequency_hz", "finite"],
        },
        Case {
            from: "orientation_deg = 110.0",
            to: "orientation_deg = inf",
            fragments: &["ue.orientation_deg", "finite"],
        },
        Case {
            from: "clock_bias_s = 1e-6",
            to: "clock_bias_s = nan",
            fragments: &["ue.clock_bias_s", "finite"],
        },
        Case {
            from: "position_m = [-5.0, 20.0]",
            to: "position_m = [nan, 20.0]",
            fragments: &["ue.position_m", "finite", "x coordinate"],
        },
        Case {
            from: "position_m = [5.0, 15.0]",
            to: "position_m = [5.0, inf]",
            fragments: &["targets[1].position_m", "finite", "y coordinate"],
        },
        Case {
            from: "rcs_m2 = 10.0",
            to: "rcs_m2 = nan",
            fragments: &["ue.rcs_m2", "finite"],
        },
    ]);
}

#[test]
fn derived_quantities_must_not_overflow() {
    check(&[Case {
        from: "tx_power_dbm = 20.0",
        to: "tx_power_dbm = 1e6",
        fragments: &["radio.tx_power_dbm", "not a positive finite number"],
    }]);
}

#[test]
fn radar_cross_sections_must_be_positive() {
    let third_target = "position_m = [0.0, 17.0]\nrcs_m2 = 100.0";
    check(&[
        Case {
            from: third_target,
            to: "position_m = [0.0, 17.0]\nrcs_m2 = -1.0",
            fragments: &["targets[2].rcs_m2", "must be positive", "-1"],
        },
        Case {
            from: third_target,
            to: "position_m = [0.0, 17.0]\nrcs_m2 = 0.0",
            fragments: &["targets[2].rcs_m2", "zero gain", "singular"],
        },
        Case {
            from: "rcs_m2 = 10.0",
            to: "rcs_m2 = 0.0",
            fragments: &["ue.rcs_m2", "zero gain"],
        },
    ]);
}

#[test]
fn objects_must_be_apart() {
    check(&[
        Case {
            from: "position_m = [5.0, 15.0]",
            to: "position_m = [-10.0, 15.0]",
            fragments: &[
                "targets[1].position_m",
                "coincides with targets[0].position_m",
            ],
        },
        Case {
            from: "position_m = [0.0, 17.0]",
            to: "position_m = [-5.0, 20.0]",
            fragments: &["targets[2].position_m", "coincides with ue.position_m"],
        },
        Case {
            from: "position_m = [0.0, 17.0]",
            to: "position_m = [0.0, 0.0]",
            fragments: &["targets[2].position_m", "coincides with bs.position_m"],
        },
        // Within the stated tolerance (1e-6 m) of another target.
        Case {
            from: "position_m = [5.0, 15.0]",
            to: "position_m = [-10.0, 15.0000000001]",
            fragments: &["targets[1].position_m", "coincides", "1e-6 m"],
        },
    ]);
}

#[test]
fn objects_must_be_in_front_of_the_bs() {
    check(&[
        Case {
            from: "position_m = [5.0, 15.0]",
            to: "position_m = [5.0, -15.0]",
            fragments: &["targets[1].position_m", "in front of the BS array"],
        },
        Case {
            from: "position_m = [5.0, 15.0]",
            to: "position_m = [5.0, 0.0]",
            fragments: &["targets[1].position_m", "in front of the BS array"],
        },
        Case {
            from: "position_m = [-5.0, 20.0]",
            to: "position_m = [-5.0, -20.0]",
            fragments: &["ue.position_m", "in front of the BS array"],
        },
        // The BS moved above a target: that target is now behind it.
        Case {
            from: "position_m = [0.0, 0.0]",
            to: "position_m = [0.0, 16.0]",
            fragments: &["targets[0].position_m", "in front of the BS array"],
        },
    ]);
}

#[test]
fn phase_lists_are_checked() {
    check(&[
        Case {
            from: "seed = 1",
            to: "seed = 1\nbp_rad = [0.1, 0.2, 0.3]",
            fragments: &["phases.bp_rad", "expected 4 entries", "got 3"],
        },
        Case {
            from: "seed = 1",
            to: "seed = 1\nms_rad = [0.1, 0.2, 0.3, 0.4, 0.5]",
            fragments: &["phases.ms_rad", "expected 4 entries", "got 5"],
        },
        Case {
            from: "seed = 1",
            to: "seed = 1\nms_rad = [0.1, nan, 0.3, 0.4]",
            fragments: &["phases.ms_rad[1]", "finite"],
        },
        Case {
            from: "seed = 1",
            to: "bp_rad = [0.1, 0.2, 0.3, 0.4]",
            fragments: &["phases.seed", "missing", "phases.ms_rad"],
        },
    ]);
}

#[test]
fn unknown_keys_and_values_are_named() {
    check(&[
        Case {
            from: "bandwidth_hz = 120e6",
            to: "bandwith_hz = 120e6",
            fragments: &["unknown field", "bandwith_hz"],
        },
        Case {
            from: "clock_bias_s = 1e-6",
            to: "clock_bias_s = 1e-6\nclock_drift = 0.0",
            fragments: &["unknown field", "clock_drift"],
        },
        Case {
            from: "[array]",
            to: "[arrays]",
            fragments: &["unknown field", "arrays"],
        },
        Case {
            from: "normalization = \"unit-norm\"",
            to: "normalization = \"unit-power\"",
            fragments: &["unknown variant", "unit-power", "unit-norm", "unit-modulus"],
        },
        Case {
            from: "position_m = [5.0, 15.0]",
            to: "position_m = [5.0, 15.0, 1.0]",
            fragments: &["scene.toml", "invalid length 3", "position [x, y]"],
        },
    ]);
}

#[test]
fn target_count_is_checked() {
    assert_bad_input(
        &bpms(&["crb", "--targets", "0"]),
        &["targets", "at least one target"],
    );
    assert_bad_input(
        &bpms(&["crb", "--targets", "9"]),
        &["targets", "9", "lists only 3"],
    );
    // A usage error from clap itself.
    assert_bad_input(&bpms(&["crb", "--targets", "-1"]), &["-1"]);
}

#[test]
fn unreadable_files_are_bad_input() {
    assert_bad_input(
        &bpms(&["crb", "--scenario", "/nonexistent/scene.toml"]),
        &["scene.toml"],
    );
    assert_bad_input(
        &bpms(&["crb", "--covariance", "/nonexistent/v.json"]),
        &["v.json"],
    );
    assert_bad_input(
        &crb_with_scenario("this is = not toml [", &[]),
        &["scene.toml"],
    );
}

#[test]
fn beam_and_covariance_are_exclusive() {
    let out = bpms(&["crb", "--beam", "isotropic", "--covariance", "v.json"]);
    assert_bad_input(&out, &["--beam", "--covariance"]);
}

/// `n × n` nested rows with `entry(i, j)`, as JSON.
fn rows(n: usize, entry: impl Fn(usize, usize) -> f64) -> serde_json::Value {
    (0..n)
        .map(|i| (0..n).map(|j| entry(i, j)).collect::<Vec<_>>())
        .collect()
}

fn crb_with_covariance(text: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_file(dir.path(), "v.json", text);
    bpms(&[
        "crb",
        "--covariance",
        path.to_str().expect("utf-8 temp path"),
    ])
}

#[test]
fn bad_covariance_files() {
    let eye = |i: usize, j: usize| if i == j { 1e-6 } else { 0.0 };
    let zero = |_: usize, _: usize| 0.0;
    let file = |re: serde_json::Value, im: serde_json::Value| {
        serde_json::json!({ "re": re, "im": im }).to_string()
    };

    // Shape: N_B = 16 in the default scenario.
    let out = crb_with_covariance(&file(rows(15, eye), rows(15, zero)));
    assert_bad_input(&out, &["v.json", "re", "expected 16 × 16", "got 15 rows"]);
    let mut short_row = rows(16, zero);
    short_row[3].as_array_mut().expect("row").pop();
    let out = crb_with_covariance(&file(rows(16, eye), short_row));
    assert_bad_input(&out, &["im[3]", "expected 16 entries", "got 15"]);

    // Not Hermitian: an imaginary part that is symmetric instead of antisymmetric.
    let out = crb_with_covariance(&file(rows(16, eye), rows(16, |_, _| 1e-7)));
    assert_bad_input(&out, &["v.json", "not Hermitian"]);

    // Not PSD: a real symmetric matrix with a negative eigenvalue.
    let indefinite = |i: usize, j: usize| if i == j { 1e-6 } else { 5e-7 * (i + j) as f64 };
    let out = crb_with_covariance(&file(rows(16, indefinite), rows(16, zero)));
    assert_bad_input(
        &out,
        &["v.json", "not positive semidefinite", "smallest eigenvalue"],
    );

    // Non-finite entries: a literal NaN (not JSON), and null (serde_json's NaN).
    let text = file(rows(16, eye), rows(16, zero)).replacen("0.0", "NaN", 1);
    assert_bad_input(&crb_with_covariance(&text), &["v.json", "non-finite"]);
    let text = file(rows(16, eye), rows(16, zero)).replacen("0.0", "null", 1);
    assert_bad_input(
        &crb_with_covariance(&text),
        &["v.json", "non-finite entry (null)"],
    );

    // Not JSON, a missing part, an unknown key.
    assert_bad_input(
        &crb_with_covariance("{\"re\": [[1.0]"),
        &["v.json", "not a covariance"],
    );
    let text = serde_json::json!({ "re": rows(16, eye) }).to_string();
    assert_bad_input(
        &crb_with_covariance(&text),
        &["v.json", "missing field `im`"],
    );
    let text = serde_json::json!({ "re": rows(16, eye), "im": rows(16, zero), "scale": 1 });
    assert_bad_input(
        &crb_with_covariance(&text.to_string()),
        &["unknown field `scale`"],
    );
}
