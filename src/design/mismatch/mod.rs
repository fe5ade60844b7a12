//! Weighted-sum mismatch designs (Section IV of \[ZCZ25\], MODEL.md §4): blend the BP-optimal and
//! MS-optimal designs instead of optimising the weighted bound.
//!
//! | scheme | problem | variable |
//! |---|---|---|
//! | `fdb-wbf` | min α‖F − F̂‖² + (1−α)‖F − F̌‖², `‖F‖² = P_t`, `F = UΩ` (17)–(18) | `Ω` |
//! | `cpa-wbf` | the same with `F = U diag(v)` (20) | `v` |
//! | `fdb-wcm` | min α‖UΛUᴴ − V̂‖² + (1−α)‖UΛUᴴ − V̌‖², `tr(UΛUᴴ) = P_t`, `Λ ⪰ 0` (22) | `Λ` |
//! | `cpa-wcm` | the same with `Λ = diag(p)`, `p ≥ 0` (Section IV-B-2) | `p` |
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `alpha` | α | weight of BP | - |
//! | `budget_w` | P_t = P_B/M | per-subcarrier power budget | W |
//! | `codebook` | U | `[a_B(θ_0..θ_K), ȧ_B(θ_0..θ_K)]`, `[n_bs, n_cols]`, `n_cols = 2K+2` | - |
//! | `v_bp`, `v_ms` | V̂, V̌ | FDB-WCRB covariances at α = 1 and α = 0 | W |
//! | `root_bp`, `root_ms` | Λ̂^{1/2}, Λ̌^{1/2} | Hermitian square roots of `Λ = U⁺VU⁺ᴴ` | √W |
//! | `p_bp`, `p_ms` | p̂, p̌ | CPA-WCRB powers at α = 1 and α = 0 | W |
//!
//! The guides are the weighted-sum CRB designs at `α = 1` and `α = 0` of the same family (FDB
//! schemes use FDB-WCRB, CPA schemes CPA-WCRB), computed once per scene by the
//! [`DesignContext`] and shared by every `α`. The FDB guide beamformers are `F̂ = UΛ̂^{1/2}` and
//! `F̌ = UΛ̌^{1/2}` (the Hermitian root makes them unique, Remark 3); the CPA ones are
//! `U diag(√p̂)` and `U diag(√p̌)`.
//!
//! ## Closed forms
//!
//! Every objective is a weighted distance to two guides, and for any `X`
//!
//! `α‖X − X̂‖² + (1−α)‖X − X̌‖² = ‖X − X̄‖² + α(1−α)‖X̂ − X̌‖²`,  `X̄ = αX̂ + (1−α)X̌`,
//!
//! so each design is the feasible point nearest the blended guide `X̄`.
//!
//! - **WCM (FDB and CPA).** With the guides at the budget, `V̄ = U(αΛ̂ + (1−α)Λ̌)Uᴴ` is itself
//!   feasible for (22) (PSD, in the span, trace `P_t`), hence optimal: `V = αV̂ + (1−α)V̌`. For
//!   CPA over the guides' own codebook likewise `p = αp̂ + (1−α)p̌`, unique when the `u_i u_iᴴ`
//!   are linearly independent. Over another codebook (analog CPA) `V̄` is not feasible and the QP
//!   [`cpa_wcm_qp`] is the method.
//! - **WBF (FDB and CPA).** Under the equality `‖F‖² = P_t` the objective is
//!   `P_t − 2 Re⟨F, B̄⟩ + const` with `B̄ = αF̂ + (1−α)F̌`: a linear function on the sphere of
//!   radius `√P_t` within the subspace `{UΩ}` (or `{U diag(v)}`). `B̄` lies in that subspace, so
//!   the unique minimiser is `F = √P_t B̄ / ‖B̄‖`: power normalisation is the exact solution of
//!   (18) and (20), not an approximation. (The `AᴴA = I` of (18) makes the quadratic term equal to
//!   the constraint, so no secular equation arises.) `B̄ ≠ 0`: the roots are PSD with positive
//!   trace. Normalisation scales up: `‖B̄‖ ≤ α‖F̂‖ + (1−α)‖F̌‖ = √P_t`, strictly unless the
//!   guides are parallel; so with `≤` in (17b) the optimum would be `B̄` itself, leaving power
//!   unspent, and the equality is what the scaling implements.
//!
//! ## Methods
//!
//! [`Method::ClosedForm`] (what [`Method::Auto`] picks) evaluates the formulas above; [`Method::Solver`] solves
//! the problems as the paper states them on Clarabel ([`solver_form`]): the lifted SDPs (19) and
//! (21), and (22) and its CPA version as convex quadratic programs (with a PSD block for FDB).
//! The two agree to solver tolerance (tested), which checks the derivations. Tolerance here means
//! the objective to the duality gap, and the design to about its square root: the lifted WBF SDPs
//! stall near a relative gap of 1e-11 and leave up to ~5e-5 (FDB) and ~3e-7 (CPA) relative in
//! the bounds, the WCM programs ~5e-7 (measured on the paper scene at tolerances of 1e-12).
//! Both methods start from guides scaled to spend `P_t` exactly ([`guides`]).

pub mod closed_form;
pub mod guides;
pub mod solver_form;

use std::time::Instant;

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::{
    finish, Design, DesignContext, DesignError, DesignRequest, Goal, Method, Scheme, SolverReport,
};
use crate::error::InputError;
pub use guides::{CpaGuides, FdbGuides};
pub use solver_form::{codebook_covariance, cpa_wcm_qp};

/// Whether `scheme` is one of the four mismatch schemes.
pub fn is_mismatch(scheme: Scheme) -> bool {
    matches!(
        scheme,
        Scheme::FdbWbf | Scheme::CpaWbf | Scheme::FdbWcm | Scheme::CpaWcm
    )
}

/// A covariance (W), the beamformer that produced it when the scheme designs one
/// (`[n_bs, n_beams]`), codebook powers (CPA), and the report.
struct Outcome {
    covariance: DMatrix<Complex64>,
    beamformer: Option<DMatrix<Complex64>>,
    powers_w: Option<Vec<f64>>,
    report: SolverReport,
}

/// Runs one mismatch design (the scheme and method of `request`) with the guides of `ctx`.
///
/// # Panics
/// If `request.scheme` is not a mismatch scheme (see [`is_mismatch`]).
pub fn design(ctx: &DesignContext, request: &DesignRequest) -> Result<Design, DesignError> {
    let scheme = request.scheme;
    assert!(is_mismatch(scheme), "{scheme} is not a mismatch scheme");
    let Goal::Weighted { alpha } = request.goal else {
        let reason = format!("scheme {scheme} takes a weight alpha, not a cap");
        return Err(InputError::field("cap", reason).into());
    };
    let use_solver = request.method.resolve(scheme, request.goal, request.form)? == Method::Solver;

    // Step 1: the guides (solved once per context), then the scheme.
    let (u, budget_w) = (ctx.model.codebook(), ctx.model.power_budget_w());
    let outcome = match scheme {
        Scheme::FdbWbf | Scheme::FdbWcm => {
            let guides = FdbGuides::new(ctx.fdb_guides()?, u, budget_w);
            if scheme == Scheme::FdbWbf {
                fdb_wbf(ctx, request, use_solver, alpha, &guides)
            } else {
                fdb_wcm(ctx, request, use_solver, alpha, &guides)
            }
        }
        _ => {
            let guides = CpaGuides::new(ctx.cpa_guides()?, u, budget_w);
            if scheme == Scheme::CpaWbf {
                cpa_wbf(ctx, request, use_solver, alpha, &guides)
            } else {
                cpa_wcm(ctx, request, use_solver, alpha, &guides)
            }
        }
    };

    // Step 2: a solve without a usable point is an error, not a design.
    let finite = |z: &Complex64| z.re.is_finite() && z.im.is_finite();
    if !outcome.covariance.iter().all(finite) {
        let (status, detail) = (outcome.report.status, outcome.report.detail);
        return Err(DesignError::NoSolution {
            scheme,
            status,
            detail,
        });
    }

    // Step 3: bounds, violations and beamformers, as for every scheme.
    let Outcome {
        covariance,
        beamformer,
        powers_w,
        report,
    } = outcome;
    let mut d = finish(ctx, scheme, request.goal, &covariance, powers_w, report)?;
    if let Some(f) = beamformer {
        adopt_beamformer(&mut d, &f, ctx.n_slots);
    }
    Ok(d)
}

/// FDB-WBF (17)–(19): `F = UΩ`.
fn fdb_wbf(
    ctx: &DesignContext,
    request: &DesignRequest,
    use_solver: bool,
    alpha: f64,
    g: &FdbGuides,
) -> Outcome {
    let (u, budget_w) = (ctx.model.codebook(), ctx.model.power_budget_w());
    let start = Instant::now();
    let (omega, report) = if !use_solver {
        let omega = closed_form::fdb_wbf(alpha, ctx.model.gram(), &g.root_bp, &g.root_ms, budget_w);
        let method = "closed-form (F ∝ αF̂ + (1−α)F̌)";
        (omega, SolverReport::closed_form(method, seconds(start)))
    } else {
        // The guides spend P_t each, so α‖F̂‖² + (1−α)‖F̌‖² = P_t.
        let mean = blend(alpha, &g.root_bp, &g.root_ms);
        let (omega, sol) = solver_form::fdb_wbf_sdp(u, &mean, budget_w, budget_w, &request.solve);
        (
            omega,
            SolverReport::from_conic(&sol, "clarabel-sdp (19), lifted beams"),
        )
    };
    let f = u * omega;
    let covariance = &f * f.adjoint();
    Outcome {
        covariance,
        beamformer: Some(f),
        powers_w: None,
        report,
    }
}

/// FDB-WCM (22): `V = UΛUᴴ`.
fn fdb_wcm(
    ctx: &DesignContext,
    request: &DesignRequest,
    use_solver: bool,
    alpha: f64,
    g: &FdbGuides,
) -> Outcome {
    let (u, budget_w) = (ctx.model.codebook(), ctx.model.power_budget_w());
    let start = Instant::now();
    let (covariance, report) = if !use_solver {
        let v = closed_form::fdb_wcm(alpha, &g.v_bp, &g.v_ms);
        let method = "closed-form (V = αV̂ + (1−α)V̌)";
        (v, SolverReport::closed_form(method, seconds(start)))
    } else {
        let (lambda, sol) =
            solver_form::fdb_wcm_qp(u, &g.v_bp, &g.v_ms, alpha, budget_w, &request.solve);
        let v = u * lambda * u.adjoint();
        (
            v,
            SolverReport::from_conic(&sol, "clarabel-qp-sdp (22), V = U Λ Uᴴ"),
        )
    };
    Outcome {
        covariance,
        beamformer: None,
        powers_w: None,
        report,
    }
}

/// CPA-WBF (20)–(21): `F = U diag(v)`, `p = v²`.
fn cpa_wbf(
    ctx: &DesignContext,
    request: &DesignRequest,
    use_solver: bool,
    alpha: f64,
    g: &CpaGuides,
) -> Outcome {
    let (u, budget_w) = (ctx.model.codebook(), ctx.model.power_budget_w());
    let start = Instant::now();
    let (v, report) = if !use_solver {
        let energies: Vec<f64> = u.column_iter().map(|c| c.norm_squared()).collect();
        let v = closed_form::cpa_wbf(alpha, &energies, &g.p_bp, &g.p_ms, budget_w);
        let method = "closed-form (v ∝ α√p̂ + (1−α)√p̌)";
        (v, SolverReport::closed_form(method, seconds(start)))
    } else {
        // As for FDB-WBF, the weighted guide energy is P_t.
        let mean: Vec<f64> = (g.p_bp.iter().zip(&g.p_ms))
            .map(|(a, b)| alpha * a.sqrt() + (1.0 - alpha) * b.sqrt())
            .collect();
        let (v, sol) = solver_form::cpa_wbf_sdp(u, &mean, budget_w, budget_w, &request.solve);
        (
            v,
            SolverReport::from_conic(&sol, "clarabel-sdp (21), lifted amplitudes"),
        )
    };
    let mut f = u.clone();
    for (mut col, &x) in f.column_iter_mut().zip(&v) {
        col.scale_mut(x);
    }
    let p: Vec<f64> = v.iter().map(|x| x * x).collect();
    let covariance = codebook_covariance(u, &p);
    Outcome {
        covariance,
        beamformer: Some(f),
        powers_w: Some(p),
        report,
    }
}

/// CPA-WCM (Section IV-B-2): `V = U diag(p) Uᴴ`.
fn cpa_wcm(
    ctx: &DesignContext,
    request: &DesignRequest,
    use_solver: bool,
    alpha: f64,
    g: &CpaGuides,
) -> Outcome {
    let (u, budget_w) = (ctx.model.codebook(), ctx.model.power_budget_w());
    let start = Instant::now();
    let (p, report) = if !use_solver {
        let p = closed_form::cpa_wcm(alpha, &g.p_bp, &g.p_ms);
        let method = "closed-form (p = αp̂ + (1−α)p̌)";
        (p, SolverReport::closed_form(method, seconds(start)))
    } else {
        let (v_bp, v_ms) = (
            codebook_covariance(u, &g.p_bp),
            codebook_covariance(u, &g.p_ms),
        );
        let (p, sol) = cpa_wcm_qp(u, &v_bp, &v_ms, alpha, budget_w, &request.solve);
        (p, SolverReport::from_conic(&sol, "clarabel-qp (CPA-WCM)"))
    };
    let covariance = codebook_covariance(u, &p);
    Outcome {
        covariance,
        beamformer: None,
        powers_w: Some(p),
        report,
    }
}

fn blend(alpha: f64, a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> DMatrix<Complex64> {
    a * Complex64::new(alpha, 0.0) + b * Complex64::new(1.0 - alpha, 0.0)
}

fn seconds(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// Reports the designed beamformer `F` (`[n_bs, n_beams]`) instead of a square root of its
/// covariance, padded with zero columns to `n_slots` beams, when it fits in `n_slots` beams.
fn adopt_beamformer(d: &mut Design, f: &DMatrix<Complex64>, n_slots: usize) {
    if f.ncols() > n_slots {
        return;
    }
    let mut padded = DMatrix::zeros(f.nrows(), n_slots);
    padded.columns_mut(0, f.ncols()).copy_from(f);
    let residual = (&d.covariance - &padded * padded.adjoint()).norm();
    d.beamformer_residual_rel = residual / d.covariance.norm().max(f64::MIN_POSITIVE);
    d.beamformer = padded;
}
