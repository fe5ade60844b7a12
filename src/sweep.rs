//! Trade-off sweeps: many designs over schemes, target counts and weights, in parallel.
//!
//! Each `(scheme, K, α)` is one independent design; a [`DesignContext`] per `K` is set up once
//! and shared, so the guides of the mismatch and analog schemes are solved once per `K`. Points
//! finish in any order; every finished point is handed to a callback at once (to be written and
//! counted), so an interrupted sweep keeps what it finished.

use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

use crate::design::{design, DesignContext, DesignError, DesignRequest, Goal, Scheme};
use crate::error::InputError;
use crate::fim::bounds::Bounds;
use crate::scenario::Scenario;
use crate::solver::SolveStatus;

/// The default number of weights α in [0, 1].
pub const DEFAULT_N_ALPHAS: usize = 21;

/// What to sweep.
#[derive(Clone, Debug)]
pub struct SweepSpec {
    pub schemes: Vec<Scheme>,
    pub targets: Vec<usize>,
    pub alphas: Vec<f64>,
    /// Settings shared by every design (its scheme and goal are set per point).
    pub template: DesignRequest,
}

impl SweepSpec {
    /// `n` weights evenly spaced over [0, 1], both ends included.
    pub fn even_alphas(n: usize) -> Result<Vec<f64>, InputError> {
        if n < 2 {
            return Err(InputError::field(
                "alphas",
                format!("need at least 2 weights, got {n}"),
            ));
        }
        Ok((0..n).map(|i| i as f64 / (n - 1) as f64).collect())
    }

    pub fn validate(&self, scenario: &Scenario) -> Result<(), InputError> {
        if self.schemes.is_empty() {
            return Err(InputError::field("schemes", "no scheme given"));
        }
        if self.targets.is_empty() {
            return Err(InputError::field("targets", "no target count given"));
        }
        for (i, k) in self.targets.iter().enumerate() {
            if self.targets[..i].contains(k) {
                return Err(InputError::field(
                    "targets",
                    format!("K = {k} is listed twice; each K once"),
                ));
            }
        }
        for (i, s) in self.schemes.iter().enumerate() {
            if self.schemes[..i].contains(s) {
                return Err(InputError::field(
                    "schemes",
                    format!("{s} is listed twice; each scheme once"),
                ));
            }
        }
        let listed = scenario.n_listed_targets();
        for &k in &self.targets {
            if k == 0 || k > listed {
                return Err(InputError::field(
                    "targets",
                    format!(
                        "each K must be in 1..={listed} (the scenario lists {listed}), got {k}"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Number of points.
    pub fn n_points(&self) -> usize {
        self.schemes.len() * self.targets.len() * self.alphas.len()
    }
}

/// One finished point of a sweep.
#[derive(Clone, Debug, Serialize)]
pub struct SweepPoint {
    pub scheme: Scheme,
    pub n_targets: usize,
    pub alpha: f64,
    /// The bounds at the design (absent when no design came out).
    pub bounds: Option<Bounds>,
    pub status: SolveStatus,
    /// What produced the design ([`crate::design::SolverReport::method`]); absent without one.
    pub method: Option<String>,
    /// Wall time of this point, s.
    pub time_s: f64,
    /// Worst constraint violation of the design, W.
    pub max_violation_w: Option<f64>,
    /// Why the point has no design.
    pub error: Option<String>,
}

/// Runs the sweep on `rayon`'s pool; `on_point` is called once per finished point, from
/// whichever thread finished it. Returns the points in the order of the spec (scheme, K, α).
pub fn run(
    scenario: &Scenario,
    spec: &SweepSpec,
    on_point: &(dyn Fn(&SweepPoint) + Sync),
) -> Result<Vec<SweepPoint>, DesignError> {
    spec.validate(scenario)?;
    spec.template.validate()?;

    // Step 1: one context per K, set up before any work so bad input fails first.
    let contexts: Vec<(usize, DesignContext)> = spec
        .targets
        .iter()
        .map(|&k| Ok((k, DesignContext::new(&scenario.scene(Some(k))?)?)))
        .collect::<Result<_, DesignError>>()?;
    let shared: Vec<(usize, &DesignContext)> = contexts.iter().map(|(k, c)| (*k, c)).collect();
    run_on(&shared, spec, on_point)
}

/// Runs the sweep on prepared contexts (one per K of the spec), so that several sweeps on one
/// scene share their guides.
///
/// # Panics
/// If a K of the spec has no context.
pub fn run_on(
    contexts: &[(usize, &DesignContext)],
    spec: &SweepSpec,
    on_point: &(dyn Fn(&SweepPoint) + Sync),
) -> Result<Vec<SweepPoint>, DesignError> {
    spec.template.validate()?;
    let context = |k: usize| {
        contexts
            .iter()
            .find(|(kk, _)| *kk == k)
            .unwrap_or_else(|| panic!("no design context for K = {k}"))
            .1
    };

    // Every (scheme, K, α), in parallel.
    let tasks: Vec<(Scheme, usize, f64)> = spec
        .schemes
        .iter()
        .flat_map(|&s| {
            spec.targets
                .iter()
                .flat_map(move |&k| spec.alphas.iter().map(move |&a| (s, k, a)))
        })
        .collect();
    let points = tasks
        .par_iter()
        .map(|&(scheme, k, alpha)| {
            let point = run_point(context(k), &spec.template, scheme, k, alpha);
            on_point(&point);
            point
        })
        .collect();
    Ok(points)
}

fn run_point(
    ctx: &DesignContext,
    template: &DesignRequest,
    scheme: Scheme,
    n_targets: usize,
    alpha: f64,
) -> SweepPoint {
    let start = Instant::now();
    let mut request = template.clone();
    request.scheme = scheme;
    request.goal = Goal::Weighted { alpha };
    let outcome = design(ctx, &request);
    let time_s = start.elapsed().as_secs_f64();
    match outcome {
        Ok(d) => SweepPoint {
            scheme,
            n_targets,
            alpha,
            bounds: matches!(
                d.solver.status,
                SolveStatus::Solved | SolveStatus::ReducedAccuracy
            )
            .then_some(d.bounds),
            status: d.solver.status,
            method: Some(d.solver.method.clone()),
            time_s,
            max_violation_w: Some(d.solver.max_violation_w),
            error: None,
        },
        Err(e) => SweepPoint {
            scheme,
            n_targets,
            alpha,
            bounds: None,
            status: SolveStatus::Failed,
            method: None,
            time_s,
            max_violation_w: None,
            error: Some(e.to_string()),
        },
    }
}

/// The CSV columns of a sweep, in order.
pub const CSV_HEADER: [&str; 15] = [
    "scheme",
    "n_targets",
    "alpha",
    "crb_bp_m2",
    "crb_ms_m2",
    "peb_bp_m",
    "peb_ms_m",
    "fused_crb_bp_m2",
    "fused_crb_ms_m2",
    "status",
    "method",
    "time_s",
    "max_violation_w",
    "scenario",
    "error",
];

/// One CSV row of [`CSV_HEADER`]; cells without a value are empty, never NaN.
pub fn csv_record(p: &SweepPoint, scenario: &str) -> Vec<String> {
    let num = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:e}"));
    let b = p.bounds.as_ref();
    vec![
        p.scheme.to_string(),
        p.n_targets.to_string(),
        format!("{}", p.alpha),
        num(b.map(|b| b.crb_bp_m2)),
        num(b.map(|b| b.crb_ms_m2)),
        num(b.map(|b| b.peb_bp_m())),
        num(b.map(|b| b.peb_ms_m())),
        num(b.map(|b| b.fused.crb_bp_m2)),
        num(b.map(|b| b.fused.crb_ms_m2)),
        p.status.as_str().to_string(),
        p.method.clone().unwrap_or_default(),
        format!("{:.6}", p.time_s),
        num(p.max_violation_w),
        scenario.to_string(),
        p.error.clone().unwrap_or_default(),
    ]
}

/// The trade-off curve `(√CRB_BP, √CRB_MS)` of one scheme and K, in α order, from the points
/// that have a design; Fusion uses its fused bounds.
pub fn curve(points: &[SweepPoint], scheme: Scheme, n_targets: usize) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64, f64)> = points
        .iter()
        .filter(|p| p.scheme == scheme && p.n_targets == n_targets)
        .filter_map(|p| {
            let b = p.bounds.as_ref()?;
            let (bp, ms) = if scheme == Scheme::Fusion {
                (b.fused.crb_bp_m2, b.fused.crb_ms_m2)
            } else {
                (b.crb_bp_m2, b.crb_ms_m2)
            };
            Some((p.alpha, bp.sqrt(), ms.sqrt()))
        })
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts.into_iter().map(|(_, x, y)| (x, y)).collect()
}
