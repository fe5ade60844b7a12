//! `bpms reproduce` on a reduced run: every file exists, every CSV has its columns and rows, the
//! report checks the claims, and bad input writes nothing.

mod cli_common;

use cli_common::{bpms, stderr, stdout, TRADEOFF_COLUMNS};

fn rows(path: &std::path::Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    (header, r.records().map(Result::unwrap).collect())
}

#[test]
fn reduced_reproduce_writes_every_figure_and_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    let (n_alphas, targets, grid) = (3, [1usize, 2], 11);
    let o = bpms(&[
        "reproduce",
        "--alphas",
        "3",
        "--targets",
        "1,2",
        "--map-grid",
        "11",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));

    for stem in ["fig2", "fig3", "fig4", "fig5", "fig6"] {
        for ext in ["png", "svg"] {
            let f = out.join(format!("{stem}.{ext}"));
            assert!(
                f.metadata().map(|m| m.len() > 1000).unwrap_or(false),
                "{}",
                f.display()
            );
        }
    }
    assert!(
        !out.join(".reproduce.partial").exists(),
        "the staging folder is cleaned up"
    );

    // Fig. 2: one row per AO iteration (at least the initial point and one step).
    let (h, r) = rows(&out.join("fig2.csv"));
    assert_eq!(h, ["iteration", "objective_w2"]);
    assert!(r.len() >= 2);
    // Fig. 3: an angle column and two per target path of the largest K (K + 1 derivative codewords).
    let (h, r) = rows(&out.join("fig3.csv"));
    assert_eq!(h.len(), 1 + 2 * (targets[1] + 1), "{h:?}");
    assert!(r.len() >= 16);
    // Fig. 4: eight maps of grid × grid points.
    let (h, r) = rows(&out.join("fig4.csv"));
    assert_eq!(h, ["design", "alpha", "x_m", "y_m", "gain_db_re_max"]);
    assert_eq!(r.len(), 8 * grid * grid);
    // Gains are in dB below the strongest value of all eight maps, floored at most 40 dB down:
    // the largest is 0 dB and every value lies in [-40, 0).
    let gains: Vec<f64> = r.iter().map(|row| row[4].parse().unwrap()).collect();
    let top = gains.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let low = gains.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(top.abs() < 1e-9, "strongest gain {top} dB");
    assert!((-40.0..0.0).contains(&low), "weakest gain {low} dB");
    // Trade-offs: eight schemes × K × α, plus Fusion at the largest K.
    let (h, r) = rows(&out.join("tradeoff.csv"));
    for col in TRADEOFF_COLUMNS {
        assert!(h.iter().any(|c| c == col), "{col}");
    }
    assert_eq!(r.len(), 8 * targets.len() * n_alphas + n_alphas);
    assert!(
        r.iter().all(|row| !row[3].is_empty()),
        "every point has a design"
    );

    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for needle in [
        "## Scene",
        "## The paper's claims, checked",
        "WCRB dominates",
        "Fusion beats everything",
        "Scale gap",
        "bpms 0.",
    ] {
        assert!(report.contains(needle), "report lacks {needle}");
    }
    // With two K, the trends in K are decided, not marked n/a.
    assert!(!report.contains("n/a"), "{report}");
}

/// With one K a trend in K cannot be decided: the three trend claims say n/a, and the count of
/// claims that hold leaves them out.
#[test]
fn one_k_marks_the_trends_in_k_not_applicable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = bpms(&[
        "reproduce",
        "--out",
        out.to_str().unwrap(),
        "--alphas",
        "3",
        "--targets",
        "1",
        "--map-grid",
        "11",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let na: Vec<&str> = report.lines().filter(|l| l.contains("n/a")).collect();
    assert_eq!(na.len(), 3, "{na:#?}");
    for needle in [
        "grows with K",
        "BP improves as K grows",
        "MS degrades as K grows",
    ] {
        assert!(na.iter().any(|l| l.contains(needle)), "{needle}: {na:#?}");
    }
    assert!(stdout(&o).contains("of 10 claims"), "{}", stdout(&o));
}

#[test]
fn reproduce_bad_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    for (args, needle) in [
        (vec!["--alphas", "1"], "alphas"),
        (vec!["--targets", "0"], "targets"),
        (vec!["--targets", "7"], "targets"),
        (vec!["--map-grid", "1"], "map_grid"),
    ] {
        let mut all = vec!["reproduce", "--out", out.to_str().unwrap()];
        all.extend(args.iter().copied());
        let o = bpms(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{all:?}: {}", stderr(&o));
        assert!(!out.exists(), "{all:?} created the output directory");
    }
}
