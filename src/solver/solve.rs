//! Running Clarabel on a [`ConicProblem`]: options, outcome statuses and the recovery attempts.

use super::problem::{ConicProblem, StandardForm};
use crate::error::InputError;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Clarabel's default iteration limit (`DefaultSettings::max_iter`).
pub const DEFAULT_MAX_ITER: u32 = 200;

/// Clarabel's default absolute and relative duality-gap and feasibility tolerances
/// (`DefaultSettings::{tol_gap_abs, tol_gap_rel, tol_feas}`).
pub const DEFAULT_TOL: f64 = 1e-8;

/// A retry runs this many times the first attempt's iteration limit (at least
/// [`DEFAULT_MAX_ITER`]).
const RETRY_MAX_ITER_FACTOR: u32 = 4;

/// Options of [`ConicProblem::solve`]; everything not here keeps Clarabel's default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SolveOptions {
    /// Iteration limit of the first attempt.
    pub max_iter: u32,
    /// Absolute duality-gap tolerance.
    pub tol_gap_abs: f64,
    /// Relative duality-gap tolerance.
    pub tol_gap_rel: f64,
    /// Primal and dual feasibility tolerance.
    pub tol_feas: f64,
    /// Wall-time budget of all attempts together, s; `None` for no limit.
    pub time_limit_s: Option<f64>,
    /// Whether to retry with other settings when the first attempt neither solves the problem
    /// nor proves it infeasible.
    pub recovery: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            max_iter: DEFAULT_MAX_ITER,
            tol_gap_abs: DEFAULT_TOL,
            tol_gap_rel: DEFAULT_TOL,
            tol_feas: DEFAULT_TOL,
            time_limit_s: None,
            recovery: true,
        }
    }
}

impl SolveOptions {
    /// Checks that the limits are positive and the tolerances positive and finite.
    pub fn validate(&self) -> Result<(), InputError> {
        if self.max_iter == 0 {
            return Err(InputError::field("max_iter", "must be at least 1"));
        }
        let tolerances = [
            ("tol_gap_abs", self.tol_gap_abs),
            ("tol_gap_rel", self.tol_gap_rel),
            ("tol_feas", self.tol_feas),
        ];
        for (name, value) in tolerances {
            if !(value.is_finite() && value > 0.0) {
                return Err(InputError::field(
                    name,
                    format!("must be positive and finite, got {value}"),
                ));
            }
        }
        if let Some(t) = self.time_limit_s {
            if t.is_nan() || t <= 0.0 {
                return Err(InputError::field(
                    "time_limit_s",
                    format!("must be positive, got {t}"),
                ));
            }
        }
        Ok(())
    }
}

/// Outcome of a solve, coarser than Clarabel's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SolveStatus {
    /// Converged to the requested tolerances (`Solved`).
    Solved,
    /// Converged to Clarabel's reduced tolerances only (`AlmostSolved`); the point is usable
    /// with care.
    ReducedAccuracy,
    /// Certified primal infeasible (`PrimalInfeasible` or `AlmostPrimalInfeasible`).
    Infeasible,
    /// Anything else: unbounded (`DualInfeasible`, `AlmostDualInfeasible`), iteration or time
    /// limit, numerical error, insufficient progress, or no solve attempted.
    Failed,
}

impl SolveStatus {
    /// The coarse status of a Clarabel status.
    /// The status word used in outputs (`solved`, `reduced-accuracy`, `infeasible`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            SolveStatus::Solved => "solved",
            SolveStatus::ReducedAccuracy => "reduced-accuracy",
            SolveStatus::Infeasible => "infeasible",
            SolveStatus::Failed => "failed",
        }
    }

    pub fn from_clarabel(status: SolverStatus) -> Self {
        match status {
            SolverStatus::Solved => Self::Solved,
            SolverStatus::AlmostSolved => Self::ReducedAccuracy,
            SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
                Self::Infeasible
            }
            SolverStatus::Unsolved
            | SolverStatus::DualInfeasible
            | SolverStatus::AlmostDualInfeasible
            | SolverStatus::MaxIterations
            | SolverStatus::MaxTime
            | SolverStatus::NumericalError
            | SolverStatus::InsufficientProgress
            | SolverStatus::CallbackTerminated => Self::Failed,
        }
    }

    /// Whether the returned point is a (possibly reduced-accuracy) solution.
    pub fn has_solution(self) -> bool {
        matches!(self, Self::Solved | Self::ReducedAccuracy)
    }
}

/// One run of Clarabel with one set of settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// Name of the settings used (see [`ConicProblem::solve`]).
    pub label: String,
    /// Coarse outcome.
    pub status: SolveStatus,
    /// Clarabel's status (`Debug` name, e.g. `AlmostSolved`), or why Clarabel did not run.
    pub clarabel_status: String,
    /// Interior-point iterations.
    pub iterations: u32,
    /// Clarabel's solve time (setup excluded), s.
    pub solve_time_s: f64,
    /// Primal objective (NaN when infeasible).
    pub objective: f64,
    /// Absolute duality gap.
    pub gap_abs: f64,
    /// Relative duality gap.
    pub gap_rel: f64,
    /// Primal residual.
    pub residual_primal: f64,
    /// Dual residual.
    pub residual_dual: f64,
}

/// Result of [`ConicProblem::solve`]: the best attempt's point and figures, and all attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConicSolution {
    /// Coarse outcome of the best attempt.
    pub status: SolveStatus,
    /// Clarabel's status of the best attempt, or why no attempt ran.
    pub clarabel_status: String,
    /// The point (`[n_vars]`). Meaningful when `status.has_solution()`; for `Infeasible` it is
    /// Clarabel's certificate; empty when no attempt ran.
    pub x: Vec<f64>,
    /// Objective `cᵀx + c₀` (Clarabel's `obj_val` plus the constant); NaN when infeasible.
    pub objective: f64,
    /// Iterations of the best attempt.
    pub iterations: u32,
    /// Clarabel's solve time of the best attempt, s.
    pub solve_time_s: f64,
    /// Wall time of all attempts, setup included, s.
    pub total_time_s: f64,
    /// Absolute duality gap.
    pub gap_abs: f64,
    /// Relative duality gap.
    pub gap_rel: f64,
    /// Primal residual.
    pub residual_primal: f64,
    /// Dual residual.
    pub residual_dual: f64,
    /// Every attempt, in the order run.
    pub attempts: Vec<Attempt>,
}

impl ConicSolution {
    /// A result for a problem Clarabel was not run on.
    fn not_run(reason: String) -> Self {
        Self {
            status: SolveStatus::Failed,
            clarabel_status: reason,
            x: Vec::new(),
            objective: f64::NAN,
            iterations: 0,
            solve_time_s: 0.0,
            total_time_s: 0.0,
            gap_abs: f64::NAN,
            gap_rel: f64::NAN,
            residual_primal: f64::NAN,
            residual_dual: f64::NAN,
            attempts: Vec::new(),
        }
    }
}

/// The settings tried, in order: label and the changes from the first attempt's settings.
type Variant = (&'static str, fn(&mut DefaultSettings<f64>));

const RECOVERY_VARIANTS: [Variant; 3] = [
    // More iterations with shorter, better-centred steps.
    ("patient", |s| {
        s.max_iter = retry_max_iter(s.max_iter);
        s.max_step_fraction = 0.95;
    }),
    // Stronger KKT regularisation and more refinement, for ill-conditioned systems.
    ("regularised", |s| {
        s.max_iter = retry_max_iter(s.max_iter);
        s.static_regularization_constant = 1e-7;
        s.dynamic_regularization_delta = 2e-6;
        s.iterative_refinement_max_iter = 50;
    }),
    // The data as given: no equilibration, presolve or chordal decomposition.
    ("plain-data", |s| {
        s.max_iter = retry_max_iter(s.max_iter);
        s.equilibrate_enable = false;
        s.presolve_enable = false;
        s.chordal_decomposition_enable = false;
    }),
];

fn retry_max_iter(first: u32) -> u32 {
    first
        .saturating_mul(RETRY_MAX_ITER_FACTOR)
        .max(DEFAULT_MAX_ITER)
}

/// One attempt's full output: the summary and the point.
struct RawAttempt {
    summary: Attempt,
    clarabel: SolverStatus,
    x: Vec<f64>,
    /// False when Clarabel rejected the data at setup.
    ran: bool,
}

impl ConicProblem {
    /// Solves the problem with Clarabel.
    ///
    /// The first attempt ("default") uses `opts` and Clarabel's defaults otherwise. When it
    /// neither solves the problem nor certifies infeasibility or unboundedness, and
    /// `opts.recovery` is set, the problem is re-solved with, in turn: "patient" (more
    /// iterations, step fraction 0.95), "regularised" (stronger static and dynamic KKT
    /// regularisation, more iterative refinement) and "plain-data" (no equilibration, presolve
    /// or chordal decomposition), each with `max(4 · max_iter, 200)` iterations, stopping at the
    /// first `Solved` or certificate, or when the time budget is spent. The best attempt is
    /// returned: `Solved`, then exact certificates, then reduced-accuracy outcomes, then
    /// failures; ties go to the smallest of `max(residual_primal, residual_dual, gap_rel)`.
    ///
    /// Invalid `opts` or non-finite problem data give `Failed` without running Clarabel, the
    /// reason in `clarabel_status`.
    pub fn solve(&self, opts: &SolveOptions) -> ConicSolution {
        if let Err(e) = opts.validate() {
            return ConicSolution::not_run(format!("invalid options: {e}"));
        }
        if !self.is_finite() {
            return ConicSolution::not_run("non-finite problem data".to_string());
        }
        let start = Instant::now();
        let data = self.standard_form();
        tracing::debug!(
            n_vars = self.n_vars(),
            n_rows = self.n_rows(),
            psd_sides = ?self.psd_sides(),
            "conic solve"
        );

        let mut raw = run_attempts(&data, opts, start);
        let best = best_attempt(&raw);
        let attempts: Vec<Attempt> = raw.iter().map(|r| r.summary.clone()).collect();
        let chosen = raw.swap_remove(best);
        let s = chosen.summary;
        ConicSolution {
            status: s.status,
            clarabel_status: s.clarabel_status,
            x: chosen.x,
            objective: s.objective + self.objective_constant(),
            iterations: s.iterations,
            solve_time_s: s.solve_time_s,
            total_time_s: start.elapsed().as_secs_f64(),
            gap_abs: s.gap_abs,
            gap_rel: s.gap_rel,
            residual_primal: s.residual_primal,
            residual_dual: s.residual_dual,
            attempts,
        }
    }
}

/// Runs the default attempt, then the recovery variants while needed (see
/// [`ConicProblem::solve`]).
fn run_attempts(data: &StandardForm, opts: &SolveOptions, start: Instant) -> Vec<RawAttempt> {
    let mut raw: Vec<RawAttempt> = Vec::new();
    let variants = std::iter::once(("default", (|_| ()) as fn(&mut DefaultSettings<f64>)))
        .chain(RECOVERY_VARIANTS.iter().copied().filter(|_| opts.recovery));
    for (label, tweak) in variants {
        // The first attempt always runs (with at least one iteration); retries only within
        // the budget.
        let remaining_s = opts
            .time_limit_s
            .map(|t| (t - start.elapsed().as_secs_f64()).max(0.0));
        let out_of_time = remaining_s.is_some_and(|r| r <= 0.0);
        if let Some(last) = raw.last() {
            if out_of_time || is_final(last) {
                break;
            }
        }
        let mut settings = base_settings(opts, remaining_s);
        tweak(&mut settings);
        let attempt = run_attempt(data, settings, label);
        tracing::debug!(
            label,
            status = %attempt.summary.clarabel_status,
            iterations = attempt.summary.iterations,
            solve_time_s = attempt.summary.solve_time_s,
            gap_rel = attempt.summary.gap_rel,
            residual_primal = attempt.summary.residual_primal,
            residual_dual = attempt.summary.residual_dual,
            "conic solve attempt"
        );
        let ran = attempt.ran;
        raw.push(attempt);
        if !ran {
            // A setup error does not depend on the settings varied here.
            break;
        }
    }
    raw
}

/// Index of the best attempt: by status rank, then by [`quality`], then the earliest.
///
/// # Panics
/// If `raw` is empty (the first attempt always runs).
fn best_attempt(raw: &[RawAttempt]) -> usize {
    raw.iter()
        .enumerate()
        .min_by(|(ia, a), (ib, b)| {
            rank(a.clarabel)
                .cmp(&rank(b.clarabel))
                .then(quality(&a.summary).total_cmp(&quality(&b.summary)))
                .then(ia.cmp(ib))
        })
        .map(|(i, _)| i)
        .expect("the first attempt always runs")
}

/// The first attempt's settings: quiet, with the tolerances and limits of `opts`.
fn base_settings(opts: &SolveOptions, time_limit_s: Option<f64>) -> DefaultSettings<f64> {
    DefaultSettings {
        verbose: false,
        max_iter: opts.max_iter,
        tol_gap_abs: opts.tol_gap_abs,
        tol_gap_rel: opts.tol_gap_rel,
        tol_feas: opts.tol_feas,
        time_limit: time_limit_s.unwrap_or(f64::INFINITY),
        ..DefaultSettings::default()
    }
}

/// Runs Clarabel once. A setup error is reported as a `Failed` attempt with an empty point.
fn run_attempt(data: &StandardForm, settings: DefaultSettings<f64>, label: &str) -> RawAttempt {
    let solver = DefaultSolver::new(&data.p, &data.q, &data.a, &data.b, &data.cones, settings);
    let mut solver = match solver {
        Ok(solver) => solver,
        Err(e) => {
            return RawAttempt {
                summary: Attempt {
                    label: label.to_string(),
                    status: SolveStatus::Failed,
                    clarabel_status: format!("setup error: {e}"),
                    iterations: 0,
                    solve_time_s: 0.0,
                    objective: f64::NAN,
                    gap_abs: f64::NAN,
                    gap_rel: f64::NAN,
                    residual_primal: f64::NAN,
                    residual_dual: f64::NAN,
                },
                clarabel: SolverStatus::Unsolved,
                x: Vec::new(),
                ran: false,
            };
        }
    };
    solver.solve();

    let sol = &solver.solution;
    let info = &solver.info;
    RawAttempt {
        summary: Attempt {
            label: label.to_string(),
            status: SolveStatus::from_clarabel(sol.status),
            clarabel_status: format!("{:?}", sol.status),
            iterations: sol.iterations,
            solve_time_s: sol.solve_time,
            objective: sol.obj_val,
            gap_abs: info.gap_abs,
            gap_rel: info.gap_rel,
            residual_primal: sol.r_prim,
            residual_dual: sol.r_dual,
        },
        clarabel: sol.status,
        x: sol.x.clone(),
        ran: true,
    }
}

/// Whether an attempt ends the recovery: a solution or an exact certificate.
fn is_final(a: &RawAttempt) -> bool {
    matches!(
        a.clarabel,
        SolverStatus::Solved | SolverStatus::PrimalInfeasible | SolverStatus::DualInfeasible
    )
}

/// Preference among Clarabel statuses (lower is better).
fn rank(status: SolverStatus) -> u8 {
    match status {
        SolverStatus::Solved => 0,
        SolverStatus::PrimalInfeasible => 1,
        SolverStatus::DualInfeasible => 2,
        SolverStatus::AlmostSolved => 3,
        SolverStatus::AlmostPrimalInfeasible => 4,
        SolverStatus::AlmostDualInfeasible => 5,
        _ => 6,
    }
}

/// Largest of the residuals and the relative gap (lower is better); infinite when any is NaN.
fn quality(a: &Attempt) -> f64 {
    let figures = [a.residual_primal, a.residual_dual, a.gap_rel];
    if figures.iter().any(|v| v.is_nan()) {
        f64::INFINITY
    } else {
        figures.into_iter().fold(0.0, f64::max)
    }
}
