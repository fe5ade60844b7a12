//! `bpms sweep`: the BP–MS trade-off over α for several schemes and target counts.
//!
//! Writes, into `--out`:
//! - `tradeoff.csv`, one row per point, appended as points finish (an interrupted sweep keeps
//!   every finished point);
//! - `tradeoff.png` and `tradeoff.svg`: √CRB_MS against √CRB_BP, one curve per scheme and K
//!   (Fusion plots its fused bounds), written whole at the end.

use super::design::parse_scheme;
use super::output::{check_out_dir, ensure_dir};
use anyhow::Context;
use bpms::design::{DesignRequest, Scheme};
use bpms::plot::{write_figure, Figure, Marker, Panel, Series, Style};
use bpms::sweep::{self, SweepPoint, SweepSpec, DEFAULT_N_ALPHAS};
use bpms::Scenario;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

/// The schemes swept by default: the weighted-sum CRB family.
const DEFAULT_SCHEMES: &str = "fdb-wcrb,cpa-wcrb,fusion";

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Comma-separated schemes (see `bpms design --help` for the names).
    #[arg(long, value_delimiter = ',', value_parser = parse_scheme, default_value = DEFAULT_SCHEMES)]
    schemes: Vec<Scheme>,

    /// Comma-separated target counts K.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    targets: Vec<usize>,

    /// Number of weights α, evenly spaced over [0, 1].
    #[arg(long, default_value_t = DEFAULT_N_ALPHAS)]
    alphas: usize,

    /// Scenario file (TOML); default: the embedded paper scenario.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,

    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: &SweepArgs) -> anyhow::Result<(String, bool)> {
    // Step 1: inputs, checked before anything is written.
    check_out_dir(&args.out)?;
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_file(path)?,
        None => Scenario::default_paper(),
    };
    let spec = SweepSpec {
        schemes: args.schemes.clone(),
        targets: args.targets.clone(),
        alphas: SweepSpec::even_alphas(args.alphas)?,
        template: DesignRequest::weighted(Scheme::FdbWcrb, 0.5),
    };
    spec.validate(&scenario)?;
    ensure_dir(&args.out)?;

    // Step 2: the CSV, appended and flushed point by point.
    let csv_path = args.out.join("tradeoff.csv");
    let file =
        File::create(&csv_path).with_context(|| format!("creating {}", csv_path.display()))?;
    let mut writer = csv::Writer::from_writer(file);
    writer.write_record(sweep::CSV_HEADER)?;
    writer.flush()?;
    let writer = Mutex::new(writer);
    let bar = progress_bar(spec.n_points() as u64);
    let write_error: Mutex<Option<String>> = Mutex::new(None);
    let on_point = |p: &SweepPoint| {
        let mut w = writer.lock().expect("no panic while holding the CSV lock");
        let result = w
            .write_record(sweep::csv_record(p, &scenario.name))
            .and_then(|()| Ok(w.flush()?));
        if let Err(e) = result {
            write_error
                .lock()
                .expect("no panic while holding the error lock")
                .get_or_insert(e.to_string());
        }
        bar.inc(1);
    };
    let points = sweep::run(&scenario, &spec, &on_point)?;
    bar.finish_and_clear();
    if let Some(e) = write_error
        .into_inner()
        .expect("no panic while holding the error lock")
    {
        anyhow::bail!("writing {}: {e}", csv_path.display());
    }

    // Step 3: the plot, and a summary.
    write_figure(
        &tradeoff_figure(&points, &scenario.name),
        &args.out.join("tradeoff"),
    )?;
    let n_bad = points.iter().filter(|p| p.bounds.is_none()).count();
    let mut text = format!(
        "{} points ({} schemes × {} K × {} α) on scenario {} written to {}\n",
        points.len(),
        spec.schemes.len(),
        spec.targets.len(),
        spec.alphas.len(),
        scenario.name,
        args.out.display()
    );
    for p in points.iter().filter(|p| p.bounds.is_none()) {
        text += &format!(
            "  no design: {} K={} alpha={:.3}: {:?} {}\n",
            p.scheme,
            p.n_targets,
            p.alpha,
            p.status,
            p.error.as_deref().unwrap_or("")
        );
    }
    Ok((text, n_bad == 0))
}

fn progress_bar(n: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(n);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} designs, {elapsed} ({eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// √CRB_MS against √CRB_BP, one curve per scheme and K, in α order.
pub fn tradeoff_figure(points: &[SweepPoint], scenario: &str) -> Figure {
    let mut schemes: Vec<Scheme> = Vec::new();
    let mut ks: Vec<usize> = Vec::new();
    for p in points {
        if !schemes.contains(&p.scheme) {
            schemes.push(p.scheme);
        }
        if !ks.contains(&p.n_targets) {
            ks.push(p.n_targets);
        }
    }
    let markers = [
        Marker::Circle,
        Marker::Square,
        Marker::Triangle,
        Marker::Cross,
    ];
    let mut series = Vec::new();
    for (si, &scheme) in schemes.iter().enumerate() {
        for (ki, &k) in ks.iter().enumerate() {
            let curve = sweep::curve(points, scheme, k);
            if curve.is_empty() {
                continue;
            }
            let label = if scheme == Scheme::Fusion {
                format!("{scheme} (fused bounds), K = {k}")
            } else {
                format!("{scheme}, K = {k}")
            };
            series.push(Series {
                label,
                points: curve,
                style: Style {
                    color: si,
                    dash: ki % 2 == 1,
                    marker: Some(markers[ki % markers.len()]),
                },
            });
        }
    }
    Figure {
        title: Some(format!("BP–MS trade-off, scenario {scenario}")),
        panels: vec![Panel {
            title: String::new(),
            x_label: "√CRB of BP (UE) [m]".into(),
            y_label: "√CRB of MS (all objects) [m]".into(),
            series,
            log_x: true,
            log_y: true,
            x_range: None,
            y_range: None,
        }],
        columns: 1,
        panel_size_px: (900, 720),
    }
}
