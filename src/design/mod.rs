//! Beamforming designs (MODEL.md §4): each scheme maps a scene and a weight (or a cap) to a
//! transmit covariance, beamformers, the bounds they reach, and an honest account of how the
//! numbers were obtained.
//!
//! | scheme | problem | file |
//! |---|---|---|
//! | `fdb-wcrb` | min α CRB_BP + (1−α) CRB_MS over `V ⪰ 0`, `tr V ≤ P_t` (15) | [`wcrb`] |
//! | `cpa-wcrb` | the same over `V = U diag(p) Uᴴ` (16) | [`wcrb`] |
//! | `fusion` | FDB-WCRB on the fused bounds (Remark 1) | [`wcrb`] |
//! | `fdb-wbf`, `cpa-wbf` | nearest beamformer to the blended guides (17)–(21) | [`mismatch`] |
//! | `fdb-wcm`, `cpa-wcm` | nearest covariance to the blended guides (22) | [`mismatch`] |
//!
//! Any of them also takes a cap instead of a weight: minimise one bound subject to the other
//! staying below the cap (ε-constraint design).
//!
//! How each design is computed is its [`Method`] ([`method`]): by default the weighted-sum CRB
//! schemes with a weight 0 < α < 1 run the direct method of [`direct`] (L-BFGS, milliseconds);
//! the end points α = 0 and 1, caps and the full form run their SDPs on Clarabel; the mismatch
//! schemes run their closed forms. The conic solves stay selectable (`Method::Solver`) as the
//! reference the fast paths are tested against, and every design's report names the method
//! that produced it. A conic design is shown solved only when its own Frank–Wolfe certificate
//! confirms it ([`certificate::CERTIFIED_GAP_REL`]); under `auto`, an uncertified design from
//! either method is compared with the other method's and the better one kept.

pub mod analog;
pub mod beamformer;
pub mod certificate;
pub mod direct;
pub mod method;
pub mod mismatch;
pub mod wcrb;

use nalgebra::DMatrix;
use num_complex::Complex64;
use serde::{Deserialize, Serialize};

use crate::error::{InputError, SingularFimError};
use crate::fim::bounds::{BoundModel, Bounds};
use crate::geometry::scene::Scene;
use crate::solver::{Attempt, ConicSolution, SolveOptions, SolveStatus};
pub use analog::{AnalogDetail, AnalogSettings};
pub use certificate::Certificate;
pub use method::Method;
use std::sync::{Arc, Mutex, OnceLock};
pub use wcrb::{Form, Goal};

/// The design schemes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// Digital full-dimensional beamforming, weighted-sum CRB (15).
    FdbWcrb,
    /// Digital codebook power allocation, weighted-sum CRB (16).
    CpaWcrb,
    /// FDB-WCRB on the fused bounds (Remark 1).
    Fusion,
    /// Digital FDB, weighted-sum beamformer mismatch (17)–(19).
    FdbWbf,
    /// Digital CPA, weighted-sum beamformer mismatch (20)–(21).
    CpaWbf,
    /// Digital FDB, weighted-sum covariance mismatch (22).
    FdbWcm,
    /// Digital CPA, weighted-sum covariance mismatch (Section IV-B-2).
    CpaWcm,
    /// Analog FDB by alternating optimisation (23)–(26).
    AnalogFdb,
    /// Analog CPA by codebook construction (27).
    AnalogCpa,
}

impl Scheme {
    pub const ALL: [Scheme; 9] = [
        Scheme::FdbWcrb,
        Scheme::CpaWcrb,
        Scheme::Fusion,
        Scheme::FdbWbf,
        Scheme::CpaWbf,
        Scheme::FdbWcm,
        Scheme::CpaWcm,
        Scheme::AnalogFdb,
        Scheme::AnalogCpa,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::FdbWcrb => "fdb-wcrb",
            Scheme::CpaWcrb => "cpa-wcrb",
            Scheme::Fusion => "fusion",
            Scheme::FdbWbf => "fdb-wbf",
            Scheme::CpaWbf => "cpa-wbf",
            Scheme::FdbWcm => "fdb-wcm",
            Scheme::CpaWcm => "cpa-wcm",
            Scheme::AnalogFdb => "analog-fdb",
            Scheme::AnalogCpa => "analog-cpa",
        }
    }

    /// Whether the scheme optimises a weighted sum of bounds directly (and so also takes a cap).
    pub fn is_weighted_crb(self) -> bool {
        matches!(self, Scheme::FdbWcrb | Scheme::CpaWcrb | Scheme::Fusion)
    }
}

impl std::str::FromStr for Scheme {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scheme::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Scheme::ALL.iter().map(|x| x.as_str()).collect();
                InputError::field(
                    "scheme",
                    format!("unknown scheme `{s}`; known: {}", known.join(", ")),
                )
            })
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to design.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignRequest {
    pub scheme: Scheme,
    pub goal: Goal,
    /// Reduced (`V = UΛUᴴ`, the default) or full covariance; the full form is a check of the
    /// reduced one and applies to FDB-WCRB and Fusion only (any other scheme: an input error).
    pub form: Form,
    /// How the design is computed; [`Method::Auto`] picks the scheme's fast path (see
    /// [`method`]).
    pub method: Method,
    /// Settings of the conic solves.
    pub solve: SolveOptions,
    /// Settings of the direct method (weighted-sum CRB schemes by `quasi-newton`).
    pub direct: direct::DirectSettings,
    /// Settings of the analog schemes (ignored by the others).
    pub analog: AnalogSettings,
}

impl DesignRequest {
    /// A weighted-sum design with default settings (reduced form).
    pub fn weighted(scheme: Scheme, alpha: f64) -> Self {
        DesignRequest {
            scheme,
            goal: Goal::Weighted { alpha },
            form: Form::Reduced,
            method: Method::Auto,
            solve: SolveOptions::default(),
            direct: direct::DirectSettings::default(),
            analog: AnalogSettings::default(),
        }
    }

    /// Checks the request's own fields.
    pub fn validate(&self) -> Result<(), InputError> {
        match self.goal {
            Goal::Weighted { alpha } if !(0.0..=1.0).contains(&alpha) => Err(InputError::field(
                "alpha",
                format!("must lie in [0, 1], got {alpha}"),
            )),
            Goal::BpCap { cap_m2 } | Goal::MsCap { cap_m2 }
                if !(cap_m2.is_finite() && cap_m2 > 0.0) =>
            {
                Err(InputError::field(
                    "cap",
                    format!("must be a positive number of m², got {cap_m2}"),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// How a design was obtained, with the violations recomputed from the returned covariance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolverReport {
    pub status: SolveStatus,
    /// The solver's own status word (or `closed-form`).
    pub detail: String,
    /// What produced the design, e.g. `clarabel-sdp (reduced, V = U Λ Uᴴ)`.
    pub method: String,
    pub iterations: u32,
    pub time_s: f64,
    /// Worst constraint violation of the returned covariance, W: power over the budget, the most
    /// negative eigenvalue removed by the PSD projection, or the most negative codebook power.
    pub max_violation_w: f64,
    /// Conic solver's absolute and relative duality gaps, residuals (conic solves only; the
    /// direct method reports its relative Frank–Wolfe gap as `gap_rel`).
    pub gap_abs: Option<f64>,
    pub gap_rel: Option<f64>,
    pub residual_primal: Option<f64>,
    pub residual_dual: Option<f64>,
    /// Every solver attempt, when recovery retried with other settings.
    pub attempts: Vec<Attempt>,
    /// The optimiser's objective against the objective recomputed from the returned covariance,
    /// relative difference (where the optimiser has one in the same units).
    pub objective_mismatch_rel: Option<f64>,
}

impl SolverReport {
    /// The report of a conic solve.
    pub fn from_conic(sol: &ConicSolution, method: &str) -> Self {
        SolverReport {
            status: sol.status,
            detail: sol.clarabel_status.clone(),
            method: method.to_string(),
            iterations: sol.iterations,
            time_s: sol.total_time_s,
            max_violation_w: 0.0,
            gap_abs: Some(sol.gap_abs),
            gap_rel: Some(sol.gap_rel),
            residual_primal: Some(sol.residual_primal),
            residual_dual: Some(sol.residual_dual),
            attempts: sol.attempts.clone(),
            objective_mismatch_rel: None,
        }
    }

    /// The report of a closed-form design.
    pub fn closed_form(method: &str, time_s: f64) -> Self {
        SolverReport {
            status: SolveStatus::Solved,
            detail: "closed-form".to_string(),
            method: method.to_string(),
            iterations: 0,
            time_s,
            max_violation_w: 0.0,
            gap_abs: None,
            gap_rel: None,
            residual_primal: None,
            residual_dual: None,
            attempts: Vec::new(),
            objective_mismatch_rel: None,
        }
    }
}

/// A finished design.
#[derive(Clone, Debug)]
pub struct Design {
    pub scheme: Scheme,
    pub goal: Goal,
    /// Transmit covariance `V`, `[N_B, N_B]`, W.
    pub covariance: DMatrix<Complex64>,
    /// Beamformers `F`, `[N_B, L]`, with `F Fᴴ = V` (up to `beamformer_residual_rel`).
    pub beamformer: DMatrix<Complex64>,
    /// `‖V − F Fᴴ‖_F / ‖V‖_F`.
    pub beamformer_residual_rel: f64,
    /// Powers per codebook column (CPA schemes) or per analog beam (analog schemes), W.
    pub powers_w: Option<Vec<f64>>,
    pub bounds: Bounds,
    pub power_used_w: f64,
    pub power_budget_w: f64,
    pub solver: SolverReport,
    /// Frank–Wolfe certificate of the weighted objective (weighted-sum CRB designs only).
    pub certificate: Option<Certificate>,
    /// Objective per iteration, for iterative designs (the data of the paper's Fig. 2).
    pub trace: Option<Vec<f64>>,
    /// Starts, iterations and codebook construction of the analog designs.
    pub analog: Option<AnalogDetail>,
}

/// Why a design could not be produced at all (as opposed to a solver outcome, which is reported
/// in [`SolverReport::status`]).
#[derive(Debug, thiserror::Error)]
pub enum DesignError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Singular(#[from] SingularFimError),
    /// A design this one is built from (a guide) did not solve.
    #[error("the {what} guide design ended {status:?}: {detail}")]
    Guide {
        what: String,
        status: SolveStatus,
        detail: String,
    },
    /// The scheme exists in the model but is not available in this build.
    #[error("scheme {0} is not implemented yet")]
    Unsupported(Scheme),
    /// The solver returned no usable point (a non-finite design).
    #[error("scheme {scheme} ended {status:?} without a usable point: {detail}")]
    NoSolution {
        scheme: Scheme,
        status: SolveStatus,
        detail: String,
    },
}

/// The BP-optimal (`α = 1`) and MS-optimal (`α = 0`) designs that mismatch and analog designs
/// are steered by.
#[derive(Clone, Debug)]
pub struct Guides {
    pub bp: Design,
    pub ms: Design,
}

/// A scene prepared for designs: its [`BoundModel`], the number of beams, and the guides,
/// computed at most once and shared by every design on the scene (and across threads).
#[derive(Debug)]
pub struct DesignContext {
    pub model: BoundModel,
    pub n_slots: usize,
    fdb_guides: OnceLock<Result<Guides, String>>,
    cpa_guides: OnceLock<Result<Guides, String>>,
    /// The Analog-CPA codebook of the last settings asked for: it depends on the scene and the
    /// settings only, not on α, so a sweep builds it once.
    analog_codebook: Mutex<Option<(AnalogSettings, Arc<analog::cpa::AnalogCodebook>)>>,
}

impl DesignContext {
    pub fn new(scene: &Scene) -> Result<Self, DesignError> {
        Ok(DesignContext {
            model: BoundModel::new(scene)?,
            n_slots: scene.n_slots,
            fdb_guides: OnceLock::new(),
            cpa_guides: OnceLock::new(),
            analog_codebook: Mutex::new(None),
        })
    }

    /// The Analog-CPA codebook for `settings`, built at most once per settings value.
    pub fn analog_codebook(&self, settings: &AnalogSettings) -> Arc<analog::cpa::AnalogCodebook> {
        let mut slot = self
            .analog_codebook
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match slot.as_ref() {
            Some((cached, book)) if cached == settings => Arc::clone(book),
            _ => {
                let book = Arc::new(analog::cpa::analog_codebook(
                    self.model.codebook(),
                    settings,
                ));
                *slot = Some((settings.clone(), Arc::clone(&book)));
                book
            }
        }
    }

    /// FDB-WCRB at `α = 1` and `α = 0` (reduced form).
    pub fn fdb_guides(&self) -> Result<&Guides, DesignError> {
        self.guides(&self.fdb_guides, Scheme::FdbWcrb)
    }

    /// CPA-WCRB at `α = 1` and `α = 0`.
    pub fn cpa_guides(&self) -> Result<&Guides, DesignError> {
        self.guides(&self.cpa_guides, Scheme::CpaWcrb)
    }

    fn guides<'a>(
        &'a self,
        cell: &'a OnceLock<Result<Guides, String>>,
        scheme: Scheme,
    ) -> Result<&'a Guides, DesignError> {
        let result = cell.get_or_init(|| {
            let solve = |alpha: f64| -> Result<Design, String> {
                let d = design(self, &DesignRequest::weighted(scheme, alpha))
                    .map_err(|e| e.to_string())?;
                match d.solver.status {
                    SolveStatus::Solved | SolveStatus::ReducedAccuracy => Ok(d),
                    status => Err(format!(
                        "the {scheme} guide at alpha = {alpha} ended {status:?}: {}",
                        d.solver.detail
                    )),
                }
            };
            Ok(Guides {
                bp: solve(1.0)?,
                ms: solve(0.0)?,
            })
        });
        result.as_ref().map_err(|detail| DesignError::Guide {
            what: scheme.to_string(),
            status: SolveStatus::Failed,
            detail: detail.clone(),
        })
    }
}

/// Runs one design on a prepared scene.
pub fn design(ctx: &DesignContext, request: &DesignRequest) -> Result<Design, DesignError> {
    request.validate()?;
    let form = match request.scheme {
        Scheme::CpaWcrb | Scheme::CpaWbf | Scheme::CpaWcm | Scheme::AnalogCpa => Form::Codebook,
        _ => request.form,
    };
    request.method.resolve(request.scheme, request.goal, form)?;
    if request.form == Form::Full && !matches!(request.scheme, Scheme::FdbWcrb | Scheme::Fusion) {
        return Err(InputError::field(
            "form",
            format!(
                "the full form applies to fdb-wcrb and fusion only (a check of the reduced form), \
                 not to {}",
                request.scheme
            ),
        )
        .into());
    }
    let outcome = match request.scheme {
        Scheme::FdbWcrb | Scheme::CpaWcrb | Scheme::Fusion => wcrb_design(ctx, request),
        other if mismatch::is_mismatch(other) => mismatch::design(ctx, request),
        Scheme::AnalogFdb | Scheme::AnalogCpa => analog::design(ctx, request),
        other => {
            if !other.is_weighted_crb() && !matches!(request.goal, Goal::Weighted { .. }) {
                return Err(InputError::field(
                    "cap",
                    format!("scheme {other} takes a weight alpha, not a cap"),
                )
                .into());
            }
            Err(DesignError::Unsupported(other))
        }
    };
    if let Ok(d) = &outcome {
        tracing::info!(
            scheme = %d.scheme,
            goal = ?d.goal,
            status = d.solver.status.as_str(),
            method = %d.solver.method,
            time_s = d.solver.time_s,
            "design finished"
        );
    }
    outcome
}

/// Runs one design on a scene (sets up a [`DesignContext`] first).
pub fn design_scene(scene: &Scene, request: &DesignRequest) -> Result<Design, DesignError> {
    design(&DesignContext::new(scene)?, request)
}

fn wcrb_design(ctx: &DesignContext, request: &DesignRequest) -> Result<Design, DesignError> {
    let model = &ctx.model;
    let fused = request.scheme == Scheme::Fusion;
    let form = match request.scheme {
        Scheme::CpaWcrb => Form::Codebook,
        _ => request.form,
    };
    let method = request.method.resolve(request.scheme, request.goal, form)?;
    // Method::resolve picks quasi-newton for weighted goals only. Under `auto`, a direct design
    // that its gap does not certify is replaced by the conic reference, and the report says so.
    let mut fallback = None;
    let mut direct_attempt = None;
    if let (Method::QuasiNewton, Goal::Weighted { alpha }) = (method, request.goal) {
        let d = direct_design(ctx, request.scheme, alpha, form, &request.direct)?;
        if request.method != Method::Auto || d.solver.status == SolveStatus::Solved {
            return Ok(d);
        }
        tracing::info!(scheme = %request.scheme, alpha, "direct design not certified; solving the SDP");
        fallback = Some(format!(
            "the direct method ended {} ({}), so the conic solver ran instead",
            d.solver.status.as_str(),
            d.solver.detail
        ));
        direct_attempt = Some(d);
    }
    let outcome = wcrb::solve(model, form, request.goal, fused, &request.solve)?;
    let method = match form {
        Form::Reduced => "clarabel-sdp (reduced, V = U Λ Uᴴ)",
        Form::Full => "clarabel-sdp (full V)",
        Form::Codebook => "clarabel-sdp (codebook powers)",
    };
    let mut report = SolverReport::from_conic(&outcome.solution, method);
    if let Some(why) = fallback {
        report.detail = format!("{}; {why}", report.detail);
    }
    let mut d = finish(
        ctx,
        request.scheme,
        request.goal,
        &outcome.covariance_raw,
        outcome.powers_w,
        report,
    )?;
    let objective = objective_of(&d.bounds, request.goal, fused);
    d.solver.objective_mismatch_rel = Some((outcome.objective_m2 - objective).abs() / objective);

    // A solve that the design's own certificate does not confirm is not shown as solved.
    confirm_by_certificate(&mut d.solver, d.certificate.as_ref());

    // Under auto, an uncertified conic design is compared with the direct method's (run now at
    // an end point, or the attempt that sent it here), and the better one is kept.
    let uncertified = d.solver.status == SolveStatus::ReducedAccuracy;
    if let (Method::Auto, Goal::Weighted { alpha }, true) =
        (request.method, request.goal, uncertified)
    {
        let q = match direct_attempt {
            Some(q) => Some(q),
            None if form != Form::Full => Some(direct_design(
                ctx,
                request.scheme,
                alpha,
                form,
                &request.direct,
            )?),
            None => None,
        };
        if let Some(mut q) = q.filter(|q| objective_of(&q.bounds, request.goal, fused) < objective)
        {
            tracing::info!(scheme = %request.scheme, alpha, "conic design not certified; the direct design is better");
            q.solver.detail = format!(
                "{}; the conic solve was not certified either ({}), and this design is better",
                q.solver.detail, d.solver.detail
            );
            if q.certificate
                .as_ref()
                .is_some_and(|c| c.gap_rel <= certificate::CERTIFIED_GAP_REL)
            {
                q.solver.status = SolveStatus::Solved;
            }
            return Ok(q);
        }
    }
    Ok(d)
}

/// Downgrades a solved report to reduced accuracy when the design's Frank–Wolfe certificate
/// exceeds [`certificate::CERTIFIED_GAP_REL`], saying why in its detail.
fn confirm_by_certificate(report: &mut SolverReport, certificate: Option<&Certificate>) {
    let gap_rel = certificate.map_or(0.0, |c| c.gap_rel);
    if report.status == SolveStatus::Solved && gap_rel > certificate::CERTIFIED_GAP_REL {
        report.status = SolveStatus::ReducedAccuracy;
        report.detail = format!(
            "{}; its Frank–Wolfe gap {gap_rel:.1e} exceeds {:.0e}, so it is not certified",
            report.detail,
            certificate::CERTIFIED_GAP_REL
        );
    }
}

/// A weighted-sum CRB design by the direct method ([`direct`]).
fn direct_design(
    ctx: &DesignContext,
    scheme: Scheme,
    alpha: f64,
    form: Form,
    settings: &direct::DirectSettings,
) -> Result<Design, DesignError> {
    let fused = scheme == Scheme::Fusion;
    let outcome = direct::solve(&ctx.model, form, alpha, fused, settings)?;
    let method = match form {
        Form::Codebook => "quasi-newton (L-BFGS over p = b², codebook powers)",
        _ => "quasi-newton (L-BFGS over Λ = BBᴴ, V = U Λ Uᴴ)",
    };
    let report = SolverReport {
        status: outcome.status,
        detail: outcome.detail.clone(),
        method: method.to_string(),
        iterations: outcome.iterations,
        time_s: outcome.time_s,
        max_violation_w: 0.0,
        gap_abs: None,
        gap_rel: Some(outcome.gap_rel),
        residual_primal: None,
        residual_dual: None,
        attempts: Vec::new(),
        objective_mismatch_rel: None,
    };
    let goal = Goal::Weighted { alpha };
    let mut d = finish(
        ctx,
        scheme,
        goal,
        &outcome.covariance,
        outcome.powers_w,
        report,
    )?;
    let objective = objective_of(&d.bounds, goal, fused);
    d.solver.objective_mismatch_rel = Some((outcome.objective_m2 - objective).abs() / objective);
    Ok(d)
}

/// The objective of `goal` at `bounds` (fused bounds for Fusion), m².
pub fn objective_of(bounds: &Bounds, goal: Goal, fused: bool) -> f64 {
    let (bp, ms) = if fused {
        (bounds.fused.crb_bp_m2, bounds.fused.crb_ms_m2)
    } else {
        (bounds.crb_bp_m2, bounds.crb_ms_m2)
    };
    match goal {
        Goal::Weighted { alpha } => alpha * bp + (1.0 - alpha) * ms,
        Goal::BpCap { .. } => ms,
        Goal::MsCap { .. } => bp,
    }
}

/// Turns a covariance from any scheme into a [`Design`]: projects it onto the PSD cone,
/// recomputes the bounds and the violations, certifies weighted-sum CRB designs, and derives
/// the beamformers. Every scheme ends here, so every design is reported the same way.
pub fn finish(
    ctx: &DesignContext,
    scheme: Scheme,
    goal: Goal,
    covariance_raw: &DMatrix<Complex64>,
    powers_w: Option<Vec<f64>>,
    mut report: SolverReport,
) -> Result<Design, SingularFimError> {
    let model = &ctx.model;
    let budget_w = model.power_budget_w();
    let fused = scheme == Scheme::Fusion;

    // Step 1: the nearest PSD covariance, and how far the given one was from it.
    let (covariance, psd_violation_w) = beamformer::psd_projection(covariance_raw);
    let power_used_w = covariance.trace().re;
    let power_excess_w = (power_used_w - budget_w).max(0.0);
    let negative_power_w = powers_w
        .as_ref()
        .map_or(0.0, |p| p.iter().fold(0.0_f64, |m, &x| m.max(-x)));
    report.max_violation_w = psd_violation_w.max(power_excess_w).max(negative_power_w);

    // Step 2: bounds recomputed from the covariance.
    let w = model.w_of_covariance(&covariance);
    let grads = model.gradients_w(&w)?;
    let bounds = grads.bounds.clone();

    // Step 3: the Frank–Wolfe certificate of a weighted-sum CRB design.
    let certificate = match goal {
        Goal::Weighted { alpha } if scheme.is_weighted_crb() => {
            let objective_m2 = objective_of(&bounds, goal, fused);
            let weights = if fused {
                [0.0, 0.0, alpha, 1.0 - alpha]
            } else {
                [alpha, 1.0 - alpha, 0.0, 0.0]
            };
            let grad_v = model.gradient_wrt_covariance(&grads.combine(weights));
            Some(match (&powers_w, scheme) {
                (Some(p), Scheme::CpaWcrb) => certificate::codebook_powers(
                    objective_m2,
                    &grad_v,
                    model.codebook(),
                    p,
                    budget_w,
                ),
                _ => certificate::full_covariance(objective_m2, &grad_v, &covariance, budget_w),
            })
        }
        _ => None,
    };

    // Step 4: beamformers.
    let bf = beamformer::beamformers(&covariance, ctx.n_slots);
    Ok(Design {
        scheme,
        goal,
        beamformer: bf.f,
        beamformer_residual_rel: bf.residual_rel,
        covariance,
        powers_w,
        bounds,
        power_used_w,
        power_budget_w: budget_w,
        solver: report,
        certificate,
        trace: None,
        analog: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(gap_rel: f64) -> Certificate {
        Certificate {
            objective_m2: 1.0,
            gap_m2: gap_rel,
            gap_rel,
        }
    }

    #[test]
    fn a_solved_report_is_downgraded_only_above_the_certified_gap() {
        let solved = SolverReport::closed_form("test", 0.0);
        let limit = certificate::CERTIFIED_GAP_REL;
        for (gap, expected) in [
            (0.5 * limit, SolveStatus::Solved),
            (limit, SolveStatus::Solved),
            (2.0 * limit, SolveStatus::ReducedAccuracy),
        ] {
            let mut r = solved.clone();
            confirm_by_certificate(&mut r, Some(&certificate(gap)));
            assert_eq!(r.status, expected, "gap {gap:e}");
            assert_eq!(
                r.detail.contains("not certified"),
                expected != SolveStatus::Solved
            );
        }
        // No certificate (caps, mismatch): nothing to confirm against.
        let mut r = solved.clone();
        confirm_by_certificate(&mut r, None);
        assert_eq!(r.status, SolveStatus::Solved);
        // A status other than solved is left as the solver said.
        let mut r = SolverReport {
            status: SolveStatus::Failed,
            ..solved
        };
        confirm_by_certificate(&mut r, Some(&certificate(1.0)));
        assert_eq!(r.status, SolveStatus::Failed);
    }
}
