//! `reproduce`: the numerical results of the paper's Section VII from one scene, as figures
//! (PNG and SVG), the CSV data behind each, and a report that checks every claim of the paper
//! against the numbers (MODEL.md §5).
//!
//! | file | content |
//! |---|---|
//! | `fig2.*` | Analog-FDB objective against iteration (α = 0.5, largest K) |
//! | `fig3.*` | beampatterns of the derivative codewords and their analog replacements |
//! | `fig4.*` | 2-D transmit beam maps, BP-optimal (α = 1) and MS-optimal (α = 0) designs |
//! | `fig5.*` | √CRB_MS against √CRB_BP, four panels, every K |
//! | `fig6.*` | all schemes and Fusion at the largest K, with a panel zoomed on Fusion |
//! | `tradeoff.csv` | every design of every sweep |
//! | `report.md` | scene, versions, what each figure shows, the claims checked, the scale gap |
//!
//! Files are first written into a staging folder inside the output folder and moved into place
//! only when everything has been computed and drawn.

mod claims;
mod figures;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::design::{design, Design, DesignContext, DesignError, DesignRequest, Scheme};
use crate::error::InputError;
use crate::plot::PlotError;
use crate::scenario::Scenario;
use crate::sweep::{self, SweepPoint, SweepSpec, DEFAULT_N_ALPHAS};

/// The schemes of the trade-off figures (Fusion is swept at the largest K only).
pub const TRADEOFF_SCHEMES: [Scheme; 8] = [
    Scheme::FdbWcrb,
    Scheme::FdbWbf,
    Scheme::FdbWcm,
    Scheme::CpaWcrb,
    Scheme::CpaWbf,
    Scheme::CpaWcm,
    Scheme::AnalogFdb,
    Scheme::AnalogCpa,
];

/// What to reproduce.
#[derive(Clone, Debug)]
pub struct ReproduceOptions {
    /// Number of weights α over [0, 1] per trade-off curve.
    pub n_alphas: usize,
    /// Target counts of the trade-off figures (the paper: 1, 2, 3).
    pub targets: Vec<usize>,
    /// Grid points per axis of the 2-D beam maps.
    pub map_grid: usize,
}

impl Default for ReproduceOptions {
    fn default() -> Self {
        ReproduceOptions {
            n_alphas: DEFAULT_N_ALPHAS,
            targets: vec![1, 2, 3],
            map_grid: 161,
        }
    }
}

/// Why `reproduce` stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReproduceError {
    #[error(transparent)]
    Design(#[from] DesignError),
    #[error(transparent)]
    Plot(#[from] PlotError),
    // The cause is the source, printed by the caller with the error chain.
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
}

impl From<InputError> for ReproduceError {
    fn from(e: InputError) -> Self {
        ReproduceError::Design(e.into())
    }
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct ReproduceSummary {
    /// Files written, relative to the output folder.
    pub files: Vec<String>,
    /// Designs computed in the sweeps.
    pub n_points: usize,
    /// Points without a design (failed solves), each with its reason.
    pub failures: Vec<String>,
    /// Claims that hold, out of all checked.
    pub claims_hold: usize,
    pub claims_total: usize,
    pub wall_time_s: f64,
}

/// Everything the figures and the report are made of.
pub(crate) struct Results<'a> {
    pub scenario: &'a Scenario,
    pub options: &'a ReproduceOptions,
    pub k_max: usize,
    pub points: Vec<SweepPoint>,
    pub fusion: Vec<SweepPoint>,
    /// Analog-FDB and Analog-CPA at α = 0.5, largest K (Figs. 2 and 3).
    pub analog_fdb: Design,
    pub analog_cpa: Design,
    /// BP-optimal and MS-optimal designs of the four families (Fig. 4), `(label, α, design)`.
    pub extremes: Vec<(String, f64, Design)>,
    pub scene: crate::Scene,
}

/// Runs everything and writes the outputs into `out`. `on_progress(done, total)` is called as
/// designs finish.
pub fn run(
    scenario: &Scenario,
    options: &ReproduceOptions,
    out: &Path,
    on_progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ReproduceSummary, ReproduceError> {
    let start = Instant::now();

    // Step 1: inputs and one context per K, before anything is written.
    let alphas = SweepSpec::even_alphas(options.n_alphas)?;
    let k_max = *options
        .targets
        .iter()
        .max()
        .ok_or_else(|| InputError::field("targets", "no target count given"))?;
    let trade = SweepSpec {
        schemes: TRADEOFF_SCHEMES.to_vec(),
        targets: options.targets.clone(),
        alphas: alphas.clone(),
        template: DesignRequest::weighted(Scheme::FdbWcrb, 0.5),
    };
    trade.validate(scenario)?;
    if options.map_grid < 2 {
        return Err(InputError::field("map_grid", "need at least 2 grid points per axis").into());
    }
    let contexts: Vec<(usize, DesignContext)> = options
        .targets
        .iter()
        .map(|&k| Ok((k, DesignContext::new(&scenario.scene(Some(k))?)?)))
        .collect::<Result<_, DesignError>>()?;
    let shared: Vec<(usize, &DesignContext)> = contexts.iter().map(|(k, c)| (*k, c)).collect();
    let ctx_max = shared
        .iter()
        .find(|(k, _)| *k == k_max)
        .expect("K max has a context")
        .1;

    // Step 2: the sweeps (every scheme and K; Fusion at the largest K) and the single designs.
    let fusion_spec = SweepSpec {
        schemes: vec![Scheme::Fusion],
        targets: vec![k_max],
        ..trade.clone()
    };
    let total = trade.n_points() + fusion_spec.n_points() + 10;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = |_: &SweepPoint| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        on_progress(n, total);
    };
    let points = sweep::run_on(&shared, &trade, &tick)?;
    let fusion = sweep::run_on(&shared, &fusion_spec, &tick)?;
    let single = |scheme: Scheme, alpha: f64| -> Result<Design, DesignError> {
        let d = design(ctx_max, &DesignRequest::weighted(scheme, alpha))?;
        tick(&SweepPoint {
            scheme,
            n_targets: k_max,
            alpha,
            bounds: None,
            status: d.solver.status,
            method: Some(d.solver.method.clone()),
            time_s: 0.0,
            max_violation_w: None,
            error: None,
        });
        Ok(d)
    };
    let analog_fdb = single(Scheme::AnalogFdb, 0.5)?;
    let analog_cpa = single(Scheme::AnalogCpa, 0.5)?;
    let mut extremes = Vec::new();
    for (label, scheme) in [
        ("Digital FDB", Scheme::FdbWcrb),
        ("Analog FDB", Scheme::AnalogFdb),
        ("Digital CPA", Scheme::CpaWcrb),
        ("Analog CPA", Scheme::AnalogCpa),
    ] {
        for alpha in [1.0, 0.0] {
            extremes.push((label.to_string(), alpha, single(scheme, alpha)?));
        }
    }
    let results = Results {
        scenario,
        options,
        k_max,
        points,
        fusion,
        analog_fdb,
        analog_cpa,
        extremes,
        scene: scenario.scene(Some(k_max))?,
    };

    // Step 3: figures, data and report into a staging folder, then into place.
    fs::create_dir_all(out).map_err(|source| ReproduceError::Io {
        path: out.into(),
        source,
    })?;
    let staging = out.join(".reproduce.partial");
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(|source| ReproduceError::Io {
        path: staging.clone(),
        source,
    })?;
    let written = (|| -> Result<(Vec<String>, usize, usize), ReproduceError> {
        let mut files = figures::write_all(&results, &staging)?;
        let (report, hold, total_claims) = claims::report(&results, start.elapsed().as_secs_f64());
        write_text(&staging.join("report.md"), &report)?;
        files.push("report.md".into());
        Ok((files, hold, total_claims))
    })();
    let (files, claims_hold, claims_total) = match written {
        Ok(x) => x,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    for f in &files {
        fs::rename(staging.join(f), out.join(f)).map_err(|source| ReproduceError::Io {
            path: out.join(f),
            source,
        })?;
    }
    let _ = fs::remove_dir_all(&staging);

    let failures = results
        .points
        .iter()
        .chain(&results.fusion)
        .filter(|p| p.bounds.is_none())
        .map(|p| {
            format!(
                "{} K={} alpha={:.3}: {:?} {}",
                p.scheme,
                p.n_targets,
                p.alpha,
                p.status,
                p.error.as_deref().unwrap_or("")
            )
        })
        .collect();
    Ok(ReproduceSummary {
        files,
        n_points: results.points.len() + results.fusion.len(),
        failures,
        claims_hold,
        claims_total,
        wall_time_s: start.elapsed().as_secs_f64(),
    })
}

pub(crate) fn write_text(path: &Path, text: &str) -> Result<(), ReproduceError> {
    fs::write(path, text).map_err(|source| ReproduceError::Io {
        path: path.into(),
        source,
    })
}
