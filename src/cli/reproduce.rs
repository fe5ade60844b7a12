//! `bpms reproduce`: every figure of the paper's Section VII, its data, and a report that
//! checks the paper's claims (see `bpms::reproduce`).

use bpms::reproduce::{self, ReproduceOptions};
use bpms::Scenario;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReproduceArgs {
    /// Scenario file (TOML); default: the embedded paper scenario.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,

    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

    /// Number of weights α per trade-off curve.
    #[arg(long, default_value_t = ReproduceOptions::default().n_alphas)]
    alphas: usize,

    /// Comma-separated target counts K of the trade-off figures.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    targets: Vec<usize>,

    /// Grid points per axis of the 2-D beam maps (Fig. 4).
    #[arg(long, default_value_t = ReproduceOptions::default().map_grid)]
    map_grid: usize,
}

pub fn run(args: &ReproduceArgs) -> anyhow::Result<(String, bool)> {
    super::output::check_out_dir(&args.out)?;
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_file(path)?,
        None => Scenario::default_paper(),
    };
    let options = ReproduceOptions {
        n_alphas: args.alphas,
        targets: args.targets.clone(),
        map_grid: args.map_grid,
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} designs, {elapsed}") {
        bar.set_style(style);
    }
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let summary = reproduce::run(&scenario, &options, &args.out, &progress)?;
    bar.finish_and_clear();
    let mut text = format!(
        "{} designs on scenario {} in {:.1} s; {} of {} claims of the paper hold (see report.md)\nwrote {} files to {}\n",
        summary.n_points,
        scenario.name,
        summary.wall_time_s,
        summary.claims_hold,
        summary.claims_total,
        summary.files.len(),
        args.out.display()
    );
    for f in &summary.failures {
        text += &format!("  no design: {f}\n");
    }
    Ok((text, summary.failures.is_empty()))
}
