//! `bpms design`: one beamforming design, its bounds and how it was obtained.

use super::output::{check_out_dir, ensure_dir, FileSet};
use super::report::{BoundsReport, OutputFormat, SceneEcho};
use anyhow::Context;
use bpms::covariance::ComplexMatrixJson;
use bpms::design::{design, Design, DesignContext, DesignRequest, Form, Goal, Method, Scheme};
use bpms::solver::SolveStatus;
use bpms::{covariance, Scenario};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DesignArgs {
    /// Design scheme: fdb-wcrb, cpa-wcrb, fusion (weighted-sum CRB); fdb-wbf, cpa-wbf, fdb-wcm,
    /// cpa-wcm (beamformer or covariance mismatch); analog-fdb, analog-cpa (phase shifters).
    #[arg(long, value_parser = parse_scheme)]
    scheme: Scheme,

    /// Weight of BP in α·CRB_BP + (1−α)·CRB_MS, in [0, 1].
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true, conflicts_with_all = ["bp_cap", "ms_cap"])]
    alpha: f64,

    /// Minimise CRB_MS subject to PEB_BP ≤ this cap, in m (weighted-sum CRB schemes only).
    #[arg(
        long,
        value_name = "PEB_M",
        allow_negative_numbers = true,
        conflicts_with = "ms_cap"
    )]
    bp_cap: Option<f64>,

    /// Minimise CRB_BP subject to PEB_MS ≤ this cap, in m (weighted-sum CRB schemes only).
    #[arg(long, value_name = "PEB_M", allow_negative_numbers = true)]
    ms_cap: Option<f64>,

    /// Covariance variable of fdb-wcrb and fusion: reduced V = UΛUᴴ (fast) or the full V (a
    /// check of the reduced form; the other schemes take reduced only).
    #[arg(long, value_enum, default_value_t = FormArg::Reduced)]
    form: FormArg,

    /// How the design is computed: auto (the scheme's fast path), closed-form (mismatch
    /// schemes), solver (the paper's SDP/QP on Clarabel: the reference) or quasi-newton (direct
    /// L-BFGS for fdb-wcrb, cpa-wcrb and fusion with --alpha). auto means quasi-newton for the
    /// weighted-sum CRB schemes with a weight, solver for caps and --form full, closed-form for
    /// the mismatch schemes.
    #[arg(long, value_parser = parse_method, default_value = "auto")]
    method: Method,

    /// Scenario file (TOML); default: the embedded paper scenario.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,

    /// Use the first K listed targets (default: all). BP needs K ≥ 1.
    #[arg(long, value_name = "K")]
    targets: Option<usize>,

    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,

    /// Also write design.json, covariance.json (readable by `bpms crb --covariance`) and
    /// beamformer.csv into this directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FormArg {
    Reduced,
    Full,
}

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse::<Method>().map_err(|e| e.to_string())
}

pub fn parse_scheme(s: &str) -> Result<Scheme, String> {
    s.parse::<Scheme>().map_err(|e| e.to_string())
}

/// The solver section of a design report.
#[derive(Clone, Debug, Serialize)]
struct SolverSection {
    status: SolveStatus,
    detail: String,
    method: String,
    iterations: u32,
    /// The method's own time, s (a mismatch or analog design's excludes its guides).
    time_s: f64,
    /// The whole `design()` call, s: guides, method, bounds, certificate, beamformers.
    wall_time_s: f64,
    max_violation_w: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    gap_rel: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    objective_mismatch_rel: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_gap_m2: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_gap_rel: Option<f64>,
    attempts: usize,
}

/// The report of `bpms design`.
#[derive(Clone, Debug, Serialize)]
struct DesignReport {
    bpms_version: &'static str,
    #[serde(flatten)]
    scene: SceneEcho,
    scheme: Scheme,
    #[serde(skip_serializing_if = "Option::is_none")]
    alpha: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bp_cap_m2: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ms_cap_m2: Option<f64>,
    power_used_w: f64,
    #[serde(flatten)]
    bounds: BoundsReport,
    solver: SolverSection,
    beamformer_residual_rel: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    powers_w: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<f64>>,
    /// Starts and codebook construction of the analog schemes.
    #[serde(skip_serializing_if = "Option::is_none")]
    analog: Option<bpms::design::AnalogDetail>,
    covariance: ComplexMatrixJson,
    beamformer: ComplexMatrixJson,
}

/// The report when a cap cannot be met.
#[derive(Clone, Debug, Serialize)]
struct InfeasibleReport {
    bpms_version: &'static str,
    #[serde(flatten)]
    scene: SceneEcho,
    scheme: Scheme,
    status: SolveStatus,
    /// Which bound was capped: `bp` or `ms`.
    capped: &'static str,
    cap_m2: f64,
    /// The smallest value of the capped bound that the power budget can reach, m².
    min_achievable_m2: f64,
    min_achievable_peb_m: f64,
}

pub fn run(args: &DesignArgs) -> anyhow::Result<(String, bool)> {
    // Step 1: scene, request, context (and the output folder checked before any work).
    if let Some(dir) = &args.out {
        check_out_dir(dir)?;
    }
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_file(path)?,
        None => Scenario::default_paper(),
    };
    let scene = scenario.scene(args.targets)?;
    let goal = match (args.bp_cap, args.ms_cap) {
        (Some(peb), _) => Goal::BpCap {
            cap_m2: cap_m2("bp-cap", peb)?,
        },
        (_, Some(peb)) => Goal::MsCap {
            cap_m2: cap_m2("ms-cap", peb)?,
        },
        _ => Goal::Weighted { alpha: args.alpha },
    };
    let mut request = DesignRequest::weighted(args.scheme, args.alpha);
    request.goal = goal;
    request.method = args.method;
    request.form = match args.form {
        FormArg::Reduced => Form::Reduced,
        FormArg::Full => Form::Full,
    };
    if !matches!(goal, Goal::Weighted { .. }) && !args.scheme.is_weighted_crb() {
        return Err(bpms::InputError::field(
            "scheme",
            format!(
                "a cap needs a weighted-sum CRB scheme (fdb-wcrb, cpa-wcrb, fusion), got {}",
                args.scheme
            ),
        )
        .into());
    }
    let ctx = DesignContext::new(&scene)?;

    // Step 2: the design; an infeasible cap is answered with the smallest achievable value.
    let start = std::time::Instant::now();
    let d = design(&ctx, &request).with_context(|| format!("{} design", args.scheme))?;
    let wall_time_s = start.elapsed().as_secs_f64();
    if d.solver.status == SolveStatus::Infeasible {
        let (capped, cap, alpha) = match goal {
            Goal::BpCap { cap_m2 } => ("bp", cap_m2, 1.0),
            Goal::MsCap { cap_m2 } => ("ms", cap_m2, 0.0),
            Goal::Weighted { .. } => anyhow::bail!("a weighted-sum design was reported infeasible"),
        };
        let best = design(
            &ctx,
            &DesignRequest {
                goal: Goal::Weighted { alpha },
                ..request.clone()
            },
        )?;
        let fused = args.scheme == Scheme::Fusion;
        let min = match (capped, fused) {
            ("bp", false) => best.bounds.crb_bp_m2,
            ("bp", true) => best.bounds.fused.crb_bp_m2,
            (_, false) => best.bounds.crb_ms_m2,
            (_, true) => best.bounds.fused.crb_ms_m2,
        };
        let report = InfeasibleReport {
            bpms_version: env!("CARGO_PKG_VERSION"),
            scene: SceneEcho::new(&scene),
            scheme: args.scheme,
            status: SolveStatus::Infeasible,
            capped,
            cap_m2: cap,
            min_achievable_m2: min,
            min_achievable_peb_m: min.sqrt(),
        };
        let text = match args.format {
            OutputFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
            OutputFormat::Table => format!(
                "infeasible: the {capped} cap PEB ≤ {:.4e} m cannot be met within the power \
                 budget; the smallest achievable PEB is {:.4e} m (CRB {:.4e} m²)\n",
                cap.sqrt(),
                min.sqrt(),
                min
            ),
        };
        return Ok((text, false));
    }

    // Step 3: the report, and the files.
    let report = DesignReport::new(&scene, &d, goal, wall_time_s);
    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        OutputFormat::Table => report.table(),
    };
    if let Some(dir) = &args.out {
        ensure_dir(dir)?;
        let mut files = FileSet::default();
        files.add(
            dir.join("design.json"),
            serde_json::to_string_pretty(&report)? + "\n",
        );
        files.add(
            dir.join("covariance.json"),
            covariance::to_json_string(&d.covariance),
        );
        files.add(dir.join("beamformer.csv"), beamformer_csv(&d)?);
        files.commit()?;
    }
    let ok = matches!(
        d.solver.status,
        SolveStatus::Solved | SolveStatus::ReducedAccuracy
    );
    Ok((text, ok))
}

fn cap_m2(field: &str, peb_m: f64) -> Result<f64, bpms::InputError> {
    if peb_m.is_finite() && peb_m > 0.0 {
        Ok(peb_m * peb_m)
    } else {
        Err(bpms::InputError::field(
            field,
            format!("must be a positive PEB in m, got {peb_m}"),
        ))
    }
}

/// `beam,antenna,re,im`: one row per entry of F.
fn beamformer_csv(d: &Design) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["beam", "antenna", "re", "im"])?;
    let f = &d.beamformer;
    for l in 0..f.ncols() {
        for n in 0..f.nrows() {
            let z = f[(n, l)];
            w.write_record([
                l.to_string(),
                n.to_string(),
                z.re.to_string(),
                z.im.to_string(),
            ])?;
        }
    }
    Ok(w.into_inner()?)
}

impl DesignReport {
    fn new(scene: &bpms::Scene, d: &Design, goal: Goal, wall_time_s: f64) -> Self {
        let (alpha, bp_cap_m2, ms_cap_m2) = match goal {
            Goal::Weighted { alpha } => (Some(alpha), None, None),
            Goal::BpCap { cap_m2 } => (None, Some(cap_m2), None),
            Goal::MsCap { cap_m2 } => (None, None, Some(cap_m2)),
        };
        let s = &d.solver;
        DesignReport {
            bpms_version: env!("CARGO_PKG_VERSION"),
            scene: SceneEcho::new(scene),
            scheme: d.scheme,
            alpha,
            bp_cap_m2,
            ms_cap_m2,
            power_used_w: d.power_used_w,
            bounds: BoundsReport::new(&d.bounds),
            solver: SolverSection {
                status: s.status,
                detail: s.detail.clone(),
                method: s.method.clone(),
                iterations: s.iterations,
                time_s: s.time_s,
                wall_time_s,
                max_violation_w: s.max_violation_w,
                gap_rel: s.gap_rel,
                objective_mismatch_rel: s.objective_mismatch_rel,
                certificate_gap_m2: d.certificate.as_ref().map(|c| c.gap_m2),
                certificate_gap_rel: d.certificate.as_ref().map(|c| c.gap_rel),
                attempts: s.attempts.len().max(1),
            },
            beamformer_residual_rel: d.beamformer_residual_rel,
            powers_w: d.powers_w.clone(),
            trace: d.trace.clone(),
            analog: d.analog.clone(),
            covariance: ComplexMatrixJson::new(&d.covariance),
            beamformer: ComplexMatrixJson::new(&d.beamformer),
        }
    }

    fn table(&self) -> String {
        let mut out = String::new();
        // Fusion's goal is stated on the fused bounds.
        let f = if self.scheme == Scheme::Fusion {
            "fused "
        } else {
            ""
        };
        let goal = match (self.alpha, self.bp_cap_m2, self.ms_cap_m2) {
            (Some(a), _, _) => format!("alpha = {a}"),
            (_, Some(c), _) => format!("min {f}CRB_MS s.t. {f}PEB_BP <= {:.4e} m", c.sqrt()),
            (_, _, Some(c)) => format!("min {f}CRB_BP s.t. {f}PEB_MS <= {:.4e} m", c.sqrt()),
            _ => String::new(),
        };
        let s = &self.solver;
        let _ = writeln!(
            out,
            "design {} ({goal}) on scenario {}, K = {}",
            self.scheme, self.scene.scenario, self.scene.n_targets
        );
        let _ = writeln!(
            out,
            "method: {}; status {} ({}), {} iterations, {:.1} ms ({:.1} ms for the whole design)",
            s.method,
            s.status.as_str(),
            s.detail,
            s.iterations,
            s.time_s * 1e3,
            s.wall_time_s * 1e3
        );
        let _ = writeln!(
            out,
            "power: tr V = {:.4e} W of {:.4e} W; worst violation {:.1e} W; F Fᴴ residual {:.1e}",
            self.power_used_w,
            self.scene.power_budget_w,
            s.max_violation_w,
            self.beamformer_residual_rel
        );
        if let Some(gap) = s.certificate_gap_rel {
            let _ = writeln!(out, "optimality: Frank–Wolfe gap {gap:.1e} of the objective (upper bound on the distance to the optimum)");
        }
        let _ = writeln!(out);
        out.push_str(&self.bounds.table());
        out
    }
}
