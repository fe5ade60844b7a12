//! `bpms crb`: the bounds of one scenario at one transmit covariance.

use super::report::{CrbReport, OutputFormat};
use anyhow::Context;
use bpms::covariance::{self, PowerUsage};
use bpms::{BoundModel, Scenario};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use tracing::{info, warn};

#[derive(Debug, Args)]
pub struct CrbArgs {
    /// Scenario file (TOML); default: the embedded paper scenario (see `bpms scenario`).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,

    /// Use the first K listed targets (default: all of them). BP needs K ≥ 1.
    #[arg(long, value_name = "K")]
    targets: Option<usize>,

    /// Built-in transmit covariance (default: isotropic, (P_B/M)/N_B · I).
    #[arg(long, value_enum, conflicts_with = "covariance")]
    beam: Option<Beam>,

    /// Transmit covariance file: JSON {"re": [[...]], "im": [[...]]}, N_B × N_B, in W.
    #[arg(long, value_name = "FILE")]
    covariance: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Built-in beams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Beam {
    /// Equal power in every direction: V = (P_B/M)/N_B · I.
    Isotropic,
}

/// Computes the bounds and renders them; nothing is printed here.
pub fn run(args: &CrbArgs) -> anyhow::Result<String> {
    // Scenario and scene.
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_file(path)?,
        None => Scenario::default_paper(),
    };
    let scene = scenario.scene(args.targets)?;
    info!(scenario = %scene.name, n_targets = scene.n_targets(), "scene resolved");
    let model = BoundModel::new(&scene)?;

    // Transmit covariance and its power.
    let (v, beam) = match (&args.covariance, args.beam) {
        (Some(path), _) => (
            covariance::read(path, scene.n_bs)?,
            path.display().to_string(),
        ),
        (None, Some(Beam::Isotropic) | None) => (
            BoundModel::isotropic_covariance(&scene),
            "isotropic".to_owned(),
        ),
    };
    let power = PowerUsage::of(&v, &scene);
    if power.is_over_budget() {
        warn!(
            "covariance {beam} is over the power budget: tr V = {:.6e} W > P_B/M = {:.6e} W \
             ({:.2}% of the budget); computing the bounds anyway",
            power.used_w,
            power.budget_w,
            100.0 * power.fraction()
        );
    }

    // Bounds, then the report.
    let bounds = model
        .evaluate(&v)
        .with_context(|| format!("bounds of scenario {} with beam {beam}", scene.name))?;
    let report = CrbReport::new(&scene, &bounds, beam, power);
    report.render(args.format)
}
