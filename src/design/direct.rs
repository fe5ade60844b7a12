//! A direct (quasi-Newton) method for the weighted-sum CRB designs: FDB-WCRB in reduced form,
//! CPA-WCRB and Fusion with `Goal::Weighted`, without a conic solver.
//!
//! ## What it solves
//!
//! `min f(Λ) = α CRB_BP + (1 − α) CRB_MS` (fused bounds for Fusion) over `Λ ⪰ 0` with
//! `Re tr(G Λ) ≤ P_t` (reduced form, `V = U Λ Uᴴ`), or over `Λ = diag(p)`, `p ≥ 0` (codebook
//! form, CPA). Every CRB is homogeneous of degree −1 in the covariance (`f(cΛ) = f(Λ)/c`), so the
//! optimum spends the whole budget and the problem is equivalent to minimising the scale-free
//!
//! `h(Λ) = f(Λ) · Re tr(G Λ) / (P_t · r)`,
//!
//! which is constant along rays, over the cone alone. Parametrising the cone by a square factor
//! removes the last constraint, so an unconstrained quasi-Newton method (argmin's L-BFGS, as in
//! [`crate::design::analog::phase_step`]) applies.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `budget_w` | P_t = P_B/M | per-subcarrier power budget | W |
//! | `gram` | G = UᴴU | Gram matrix of the codebook, `[n, n]`, `n = 2K+2` | - |
//! | `basis` | Q = E D^{-1/2} | whitening basis, `G = E D Eᴴ`, `Qᴴ G Q = I_m` (`[n, m]`) | - |
//! | `b` | B̃ | whitened square factor, `[m, m]` (reduced form) | - |
//! | `b` | b | whitened amplitudes, `[n]` (codebook form) | - |
//! | `power` | π = ‖B̃‖_F² (or ‖b‖²) | power of the factor, in units of P_t | - |
//! | `lambda_w` | Λ = P_t Q B̃B̃ᴴ Qᴴ / π (or diag(P_t b_i² / (G_ii π))) | budget-scaled covariance | W |
//! | `reference` | r | the weighted objective at the isotropic covariance | m² |
//! | `grad_lambda` | ∇_Λ f = herm(G Cᵀ G) | gradient of the objective in Λ | m²/W |
//! | `sigma` | s = ⟨∇_Λ f, Λ⟩ | (= −f by Euler's identity) | m² |
//! | `h_mat` | H = P_t Qᴴ ∇_Λ f Q − s I | whitened gradient of `h` in `B̃B̃ᴴ`, times `r π` | m² |
//! | `gap_rel` | g / f | relative Frank–Wolfe gap, as in [`crate::design::certificate`] | - |
//!
//! ## Steps
//!
//! 1. Whiten: `G = E D Eᴴ`; keep the eigenvalues above `GRAM_RANK_TOL · max` (all of them when
//!    `U` has full column rank) and set `Q = E D^{-1/2}`, so that `Re tr(G Q M Qᴴ) = tr M`.
//!    (This improves on factoring `Λ` itself: the power becomes `‖B̃‖²`, isotropic in the
//!    variables, and the start `B̃ = I` is `Λ ∝ G⁻¹`, `V ∝` the projector onto range(U).) The
//!    codebook form whitens each column alone: `p_i ∝ b_i² / G_ii`, start `b = 1`.
//! 2. At each point: `Λ` scaled to the budget, `W = GΛG`, the bounds and their gradient `C` in
//!    `W` ([`BoundModel::gradients_w`]), `∇_Λ f` ([`BoundModel::gradient_wrt_reduced`]).
//! 3. Chain rule: with `M = B̃B̃ᴴ` and `Λ = P_t Q M Qᴴ / tr M`,
//!    `dh = Re tr(H dM) / (r π)`, so `∂h/∂Re B̃ = 2 Re(H B̃) / (r π)` and
//!    `∂h/∂Im B̃ = 2 Im(H B̃) / (r π)`. Codebook form:
//!    `∂h/∂b_i = 2 b_i (P_t [∇_Λ f]_ii / G_ii − s) / (r π)`.
//! 4. The relative Frank–Wolfe gap at the same point: `g = s − P_t min(0, λ_min(Qᴴ ∇_Λ f Q))`
//!    (codebook: `min_i [∇_Λ f]_ii / G_ii`). Over the reduced set it equals the gap over all
//!    covariances that [`crate::design::finish`] certifies, since `∇_V f = U Cᵀ Uᴴ` has the
//!    eigenvalues of `Qᴴ ∇_Λ f Q` on range(U) and zeros elsewhere.
//! 5. L-BFGS from the start; stop as soon as the accepted point's gap is at most
//!    [`DirectSettings::tol_gap_rel`], or at [`DirectSettings::max_iters`], or when the line
//!    search fails. The line search is Hager–Zhang with steps in [0, 1], not Moré–Thuente: the
//!    objective carries ~1e-13 relative rounding noise (the FIMs are inverted), and once the
//!    decrease falls below it Moré–Thuente fails after many evaluations with the gap near 1e-7;
//!    Hager–Zhang's approximate Wolfe conditions rest on the directional derivative and keep
//!    reducing the gap. The bracket [0, 1] makes its first two trial points the current point
//!    (cached) and the full quasi-Newton step, so an accepted unit step costs one evaluation.
//!    `h` is not convex in the factor, so an L-BFGS direction need not descend; a line search
//!    that finds no acceptable step within `MAX_EVALS_PER_LINE_SEARCH` (40) evaluations ends the
//!    run, and L-BFGS starts again from the best point with fresh memory (a steepest-descent
//!    step first), while that keeps lowering `h`, at most `MAX_RESTARTS` (20) times.
//! 6. Return the best evaluated point (lowest `h` among those within the gap tolerance, else the
//!    lowest `h`), scaled to spend `P_t` exactly. Solved iff its gap is within tolerance;
//!    otherwise reduced accuracy, never solved.
//!
//! ## Known limits
//!
//! - Weighted goals only: the ε-constraint designs (`BpCap`, `MsCap`) have a second constraint
//!   the scale-free trick does not remove. They stay on the conic solver.
//! - Reduced and codebook forms only; the full form (`V` over `N_B × N_B`) is a check of Remark 2
//!   and stays on the conic solver.
//! - `h` is not convex in `B̃`. Every stationary point with `H ⪰ 0` is optimal (it is a KKT point
//!   of the convex problem), and the gap certifies the returned point whatever path led there; but
//!   when the optimum is rank-deficient the factor's extra directions shrink only sublinearly, so
//!   a tight tolerance can take many iterations (the gap, not the iteration count, decides the
//!   status).
//! - In the codebook form an optimum that switches codewords off (`p_i = 0`) is reached only as
//!   `b_i → 0`, where the gradient in `b_i` vanishes too; the line searches can then stall short
//!   of the tolerance (1 of 24 seeded random scenes in `tests/design_direct.rs`: CPA, K = 1,
//!   gap 1.3e-2). The design is then reduced accuracy, never solved, and under
//!   [`crate::design::Method::Auto`] the conic solve replaces it.
//! - A trial point of the line search where a FIM is numerically singular counts as `h = +∞`
//!   with a zero slope, so the search shrinks its step (a rank-deficient factor can make the full
//!   quasi-Newton step land there on small codebooks); a singular FIM at the start is an error.

use std::cell::RefCell;
use std::time::Instant;

use argmin::core::{
    CostFunction, Error, Executor, Gradient, IterState, Problem, Solver, State, TerminationReason,
    TerminationStatus, KV,
};
use argmin::solver::linesearch::HagerZhangLineSearch;
use argmin::solver::quasinewton::LBFGS;
use nalgebra::DMatrix;
use num_complex::Complex64;

use super::beamformer::hermitian_eigen;
use super::{objective_of, Form, Goal};
use crate::error::SingularFimError;
use crate::fim::bounds::BoundModel;
use crate::solver::SolveStatus;

/// Eigenvalues of `G` below this fraction of the largest are treated as zero: directions of `Λ`
/// that `V = UΛUᴴ` does not see.
const GRAM_RANK_TOL: f64 = 1e-12;

/// L-BFGS memory (curvature pairs). Values 3–20 are customary \[NW06, §7.2\]; the problem has at
/// most `2(2K+2)²` variables.
const LBFGS_MEMORY: usize = 10;

/// Evaluations one line search may spend (Hager–Zhang needs one to three on this objective).
/// argmin runs the line search without an iteration cap, and on a direction that is not a
/// descent direction (`h` is not convex in the factor, so L-BFGS's curvature pairs can be
/// indefinite) its bracketing can cycle for ever; past this budget the search is stopped and
/// L-BFGS restarts from the best point.
const MAX_EVALS_PER_LINE_SEARCH: u32 = 40;

/// L-BFGS restarts from the best point after a failed line search, at most.
const MAX_RESTARTS: u32 = 20;

/// Settings of the direct method.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectSettings {
    /// Stop when the relative Frank–Wolfe gap `g/f` is at most this.
    pub tol_gap_rel: f64,
    /// L-BFGS iteration cap.
    pub max_iters: u32,
}

impl Default for DirectSettings {
    fn default() -> Self {
        DirectSettings {
            tol_gap_rel: 1e-8,
            max_iters: 2000,
        }
    }
}

/// What the direct method returns.
#[derive(Clone, Debug)]
pub struct DirectOutcome {
    /// `V = UΛUᴴ`, spending `P_t`, W.
    pub covariance: DMatrix<Complex64>,
    /// Codebook powers (codebook form), W.
    pub powers_w: Option<Vec<f64>>,
    /// The method's own value of the objective, m².
    pub objective_m2: f64,
    /// Relative Frank–Wolfe gap at the returned point.
    pub gap_rel: f64,
    /// Solved (gap within tolerance) or reduced accuracy.
    pub status: SolveStatus,
    /// Why the iteration ended.
    pub detail: String,
    pub iterations: u32,
    /// Objective-and-gradient evaluations.
    pub evaluations: u32,
    pub time_s: f64,
}

/// The variables' geometry.
#[derive(Clone, Debug)]
enum Basis {
    /// Whitening basis `Q` (`[n, m]`).
    Reduced(DMatrix<Complex64>),
    /// `G_ii`.
    Codebook(Vec<f64>),
}

/// `h`, its gradient and the gap at one point.
#[derive(Clone, Debug)]
struct Evaluation {
    param: Vec<f64>,
    /// `h = f / r`.
    value: f64,
    grad: Vec<f64>,
    objective_m2: f64,
    gap_rel: f64,
}

/// Evaluations shared between the objective and the stopping rule.
#[derive(Debug, Default)]
struct Tracker {
    last: Option<Evaluation>,
    /// Lowest `h` within the gap tolerance.
    best_certified: Option<Evaluation>,
    /// Lowest `h` overall.
    best: Option<Evaluation>,
    evaluations: u32,
    iterations: u32,
    /// Evaluations since the current L-BFGS iteration began (its line search).
    evals_in_iteration: u32,
    /// Trial points where a FIM was numerically singular, and the last such error.
    n_singular: u32,
    singular: Option<SingularFimError>,
}

/// The scale-free objective `h` over the whitened factor (see the module docs).
#[derive(Debug)]
pub struct DirectObjective<'a> {
    model: &'a BoundModel,
    basis: Basis,
    /// `[BP, MS, fused BP, fused MS]` weights of [`crate::fim::gradient::BoundGradients::combine`].
    weights: [f64; 4],
    alpha: f64,
    fused: bool,
    budget_w: f64,
    reference: f64,
}

impl<'a> DirectObjective<'a> {
    /// The objective of `α CRB_BP + (1−α) CRB_MS` (fused bounds when `fused`) in `form`
    /// ([`Form::Reduced`] or [`Form::Codebook`]).
    ///
    /// # Panics
    /// On [`Form::Full`] (the direct method does not cover it; [`solve`] checks first).
    pub fn new(
        model: &'a BoundModel,
        form: Form,
        alpha: f64,
        fused: bool,
    ) -> Result<Self, SingularFimError> {
        let gram = model.gram();
        let basis = match form {
            Form::Reduced => {
                let (values, vectors) = hermitian_eigen(gram);
                let top = values.last().copied().unwrap_or(0.0);
                let kept: Vec<usize> = (0..values.len())
                    .filter(|&k| values[k] > GRAM_RANK_TOL * top)
                    .collect();
                let q = DMatrix::from_fn(gram.nrows(), kept.len(), |i, j| {
                    vectors[(i, kept[j])] / values[kept[j]].sqrt()
                });
                Basis::Reduced(q)
            }
            Form::Codebook => Basis::Codebook((0..gram.nrows()).map(|i| gram[(i, i)].re).collect()),
            Form::Full => panic!("the direct method covers the reduced and codebook forms only"),
        };
        let weights = if fused {
            [0.0, 0.0, alpha, 1.0 - alpha]
        } else {
            [alpha, 1.0 - alpha, 0.0, 0.0]
        };
        let budget_w = model.power_budget_w();
        let w_iso = gram * Complex64::new(budget_w / model.n_bs() as f64, 0.0);
        let iso = model.evaluate_w(&w_iso)?;
        let reference = objective_of(&iso, Goal::Weighted { alpha }, fused);
        Ok(DirectObjective {
            model,
            basis,
            weights,
            alpha,
            fused,
            budget_w,
            reference,
        })
    }

    /// The start: `B̃ = I` (reduced; `V ∝` the projector onto range(U)) or `b = 1` (codebook).
    pub fn start(&self) -> Vec<f64> {
        match &self.basis {
            Basis::Reduced(q) => {
                let m = q.ncols();
                let mut x = vec![0.0; 2 * m * m];
                for k in 0..m {
                    x[2 * (k * m + k)] = 1.0;
                }
                x
            }
            Basis::Codebook(g) => vec![1.0; g.len()],
        }
    }

    /// The budget-scaled `Λ` (W) at the point `x`, and the power `π` of the factor.
    pub fn lambda_w(&self, x: &[f64]) -> (DMatrix<Complex64>, f64) {
        let power: f64 = x.iter().map(|v| v * v).sum();
        let scale = self.budget_w / power;
        let lambda = match &self.basis {
            Basis::Reduced(q) => {
                let y = q * factor(x, q.ncols());
                &y * y.adjoint() * Complex64::new(scale, 0.0)
            }
            Basis::Codebook(g) => {
                DMatrix::from_diagonal(&nalgebra::DVector::from_fn(g.len(), |i, _| {
                    Complex64::new(scale * x[i] * x[i] / g[i], 0.0)
                }))
            }
        };
        (lambda, power)
    }

    /// `h(x)` and `∇h(x)` (real coordinates: `[Re, Im]` pairs of `B̃`, column-major, or `b`).
    pub fn value_and_gradient(&self, x: &[f64]) -> Result<(f64, Vec<f64>), SingularFimError> {
        let e = self.evaluate(x)?;
        Ok((e.value, e.grad))
    }

    /// The relative Frank–Wolfe gap at `x`.
    pub fn gap_rel(&self, x: &[f64]) -> Result<f64, SingularFimError> {
        Ok(self.evaluate(x)?.gap_rel)
    }

    fn evaluate(&self, x: &[f64]) -> Result<Evaluation, SingularFimError> {
        let model = self.model;
        let (lambda, power) = self.lambda_w(x);
        let grads = model.gradients_w(&model.w_of_reduced(&lambda))?;
        let objective_m2 = objective_of(
            &grads.bounds,
            Goal::Weighted { alpha: self.alpha },
            self.fused,
        );
        let grad_lambda = model.gradient_wrt_reduced(&grads.combine(self.weights));
        let sigma: f64 = grad_lambda
            .iter()
            .zip(lambda.iter())
            .map(|(a, b)| (a.conj() * b).re)
            .sum();
        let p_t = self.budget_w;
        let outer = 2.0 / (self.reference * power);
        let (grad, lmo) = match &self.basis {
            Basis::Reduced(q) => {
                let m = q.ncols();
                let whitened = q.adjoint() * &grad_lambda * q;
                let whitened = (&whitened + whitened.adjoint()) * Complex64::new(0.5, 0.0);
                let (values, _) = hermitian_eigen(&whitened);
                let mut h_mat = whitened * Complex64::new(p_t, 0.0);
                for k in 0..m {
                    h_mat[(k, k)] -= Complex64::new(sigma, 0.0);
                }
                let hb = h_mat * factor(x, m);
                let grad = hb
                    .iter()
                    .flat_map(|z| [outer * z.re, outer * z.im])
                    .collect();
                (grad, values[0])
            }
            Basis::Codebook(g) => {
                let d: Vec<f64> = (0..g.len())
                    .map(|i| grad_lambda[(i, i)].re / g[i])
                    .collect();
                let grad = (0..g.len())
                    .map(|i| outer * x[i] * (p_t * d[i] - sigma))
                    .collect();
                (grad, d.iter().copied().fold(f64::INFINITY, f64::min))
            }
        };
        let gap = sigma - p_t * lmo.min(0.0);
        Ok(Evaluation {
            param: x.to_vec(),
            value: objective_m2 / self.reference,
            grad,
            objective_m2,
            gap_rel: gap.max(0.0) / objective_m2,
        })
    }
}

/// The `[m, m]` factor `B̃` from its `[Re, Im]` pairs, column-major.
fn factor(x: &[f64], m: usize) -> DMatrix<Complex64> {
    DMatrix::from_fn(m, m, |i, j| {
        let k = 2 * (j * m + i);
        Complex64::new(x[k], x[k + 1])
    })
}

/// The objective as argmin sees it: evaluations are cached (the line search asks for the value
/// and then the gradient at each trial point) and recorded for the stopping rule.
#[derive(Clone, Copy)]
struct Tracked<'a, 'b> {
    objective: &'b DirectObjective<'a>,
    tracker: &'b RefCell<Tracker>,
    tol_gap_rel: f64,
}

impl Tracker {
    /// Records an evaluation: the last one, the lowest `h`, the lowest `h` within `tol_gap_rel`.
    fn record(&mut self, e: &Evaluation, tol_gap_rel: f64) {
        self.evaluations += 1;
        if self.best.as_ref().is_none_or(|b| e.value < b.value) {
            self.best = Some(e.clone());
        }
        if e.gap_rel <= tol_gap_rel
            && self
                .best_certified
                .as_ref()
                .is_none_or(|b| e.value < b.value)
        {
            self.best_certified = Some(e.clone());
        }
        self.last = Some(e.clone());
    }
}

impl Tracked<'_, '_> {
    fn evaluate(&self, x: &[f64]) -> Result<Evaluation, Error> {
        if let Some(hit) = self.tracker.borrow().last.as_ref().filter(|e| e.param == x) {
            return Ok(hit.clone());
        }
        let mut t = self.tracker.borrow_mut();
        if t.evals_in_iteration >= MAX_EVALS_PER_LINE_SEARCH {
            return Err(Error::msg(format!(
                "no acceptable step after {MAX_EVALS_PER_LINE_SEARCH} evaluations"
            )));
        }
        t.evals_in_iteration += 1;
        let e = match self.objective.evaluate(x) {
            Ok(e) => e,
            // A trial point where a FIM is numerically singular lies outside the domain of `h`
            // (a bound is +∞ there). +∞ with a zero slope makes the line search shrink its
            // bracket towards the current point, as a backtracking search would; such a point is
            // never the best one.
            Err(singular) => {
                t.n_singular += 1;
                t.singular = Some(singular);
                Evaluation {
                    param: x.to_vec(),
                    value: f64::INFINITY,
                    grad: vec![0.0; x.len()],
                    objective_m2: f64::INFINITY,
                    gap_rel: f64::INFINITY,
                }
            }
        };
        t.record(&e, self.tol_gap_rel);
        Ok(e)
    }
}

impl CostFunction for Tracked<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, x: &Self::Param) -> Result<f64, Error> {
        Ok(self.evaluate(x)?.value)
    }
}

impl Gradient for Tracked<'_, '_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, x: &Self::Param) -> Result<Vec<f64>, Error> {
        Ok(self.evaluate(x)?.grad)
    }
}

type LbfgsState = IterState<Vec<f64>, Vec<f64>, (), (), (), f64>;

/// L-BFGS with one more stopping rule: the Frank–Wolfe gap at the accepted point.
struct GapStop<'b, S> {
    inner: S,
    tracker: &'b RefCell<Tracker>,
    tol_gap_rel: f64,
}

impl<O, S: Solver<O, LbfgsState>> Solver<O, LbfgsState> for GapStop<'_, S> {
    fn name(&self) -> &str {
        "L-BFGS with a Frank–Wolfe gap stop"
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        state: LbfgsState,
    ) -> Result<(LbfgsState, Option<KV>), Error> {
        self.tracker.borrow_mut().evals_in_iteration = 0;
        self.inner.init(problem, state)
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: LbfgsState,
    ) -> Result<(LbfgsState, Option<KV>), Error> {
        {
            let mut t = self.tracker.borrow_mut();
            t.iterations += 1;
            t.evals_in_iteration = 0;
        }
        self.inner.next_iter(problem, state)
    }

    fn terminate(&mut self, state: &LbfgsState) -> TerminationStatus {
        let converged = {
            let t = self.tracker.borrow();
            match (state.get_param(), t.last.as_ref()) {
                (Some(x), Some(e)) => &e.param == x && e.gap_rel <= self.tol_gap_rel,
                _ => false,
            }
        };
        if converged {
            TerminationStatus::Terminated(TerminationReason::SolverConverged)
        } else {
            self.inner.terminate(state)
        }
    }
}

/// One L-BFGS run with line search `linesearch` from `x0`; returns why it ended.
fn run_phase<'a, 'b, L>(
    tracked: Tracked<'a, 'b>,
    linesearch: L,
    x0: Vec<f64>,
    max_iters: u32,
) -> String
where
    LBFGS<L, Vec<f64>, Vec<f64>, f64>: Solver<Tracked<'a, 'b>, LbfgsState>,
{
    let lbfgs = LBFGS::new(linesearch, LBFGS_MEMORY)
        .with_tolerance_grad(0.0)
        .and_then(|s| s.with_tolerance_cost(0.0))
        .expect("the L-BFGS tolerances are nonnegative constants");
    let solver = GapStop {
        inner: lbfgs,
        tracker: tracked.tracker,
        tol_gap_rel: tracked.tol_gap_rel,
    };
    let run = Executor::new(tracked, solver)
        .configure(|state| state.param(x0).max_iters(u64::from(max_iters)))
        .ctrlc(false)
        .timer(false)
        .run();
    match run {
        Ok(result) => match result.state.get_termination_reason() {
            Some(TerminationReason::SolverConverged) => "gap within tolerance".to_string(),
            Some(TerminationReason::MaxItersReached) => "iteration cap".to_string(),
            Some(TerminationReason::SolverExit(why)) => why.clone(),
            Some(other) => format!("{other:?}"),
            None => "not terminated".to_string(),
        },
        Err(e) => format!("stopped by an error: {e}"),
    }
}

/// Solves the weighted design `min α CRB_BP + (1−α) CRB_MS` (fused bounds when `fused`) in
/// `form` ([`Form::Reduced`] or [`Form::Codebook`]) by the direct method of the module docs.
///
/// # Panics
/// On [`Form::Full`]; [`crate::design::design`] turns that into an input error first.
pub fn solve(
    model: &BoundModel,
    form: Form,
    alpha: f64,
    fused: bool,
    settings: &DirectSettings,
) -> Result<DirectOutcome, SingularFimError> {
    let start_time = Instant::now();

    // Steps 1–4: the objective, and its value at the start (a singular start is an error).
    let objective = DirectObjective::new(model, form, alpha, fused)?;
    let x0 = objective.start();
    let start = objective.evaluate(&x0)?;
    let mut seeded = Tracker::default();
    seeded.record(&start, settings.tol_gap_rel);
    let tracker = RefCell::new(seeded);
    let tracked = Tracked {
        objective: &objective,
        tracker: &tracker,
        tol_gap_rel: settings.tol_gap_rel,
    };

    // Step 5: L-BFGS, stopped by the gap (argmin's own cost and gradient tests are off);
    // after a failed line search, again from the best point with fresh curvature memory, while
    // that keeps lowering `h`.
    let linesearch = HagerZhangLineSearch::new()
        .with_bounds(0.0, 1.0)
        .expect("0 <= 0 < 1");
    let mut x = x0;
    let mut restarts = 0;
    let detail = loop {
        let (used, before) = {
            let t = tracker.borrow();
            (
                t.iterations,
                t.best.as_ref().map_or(f64::INFINITY, |b| b.value),
            )
        };
        let remaining = settings.max_iters.saturating_sub(used);
        let detail = run_phase(tracked, linesearch.clone(), x, remaining);
        let t = tracker.borrow();
        let best = t.best.as_ref().expect("the start was evaluated");
        let stalled = best.value >= before;
        if t.best_certified.is_some() || remaining == 0 || restarts == MAX_RESTARTS || stalled {
            break if restarts > 0 {
                format!("{detail}; {restarts} restart(s)")
            } else {
                detail
            };
        }
        x = best.param.clone();
        restarts += 1;
    };

    // Step 6: the best point, spending the budget exactly.
    let t = tracker.into_inner();
    let best = t
        .best_certified
        .or(t.best)
        .expect("the start was evaluated");
    let (lambda, _) = objective.lambda_w(&best.param);
    let u = model.codebook();
    let v = u * &lambda * u.adjoint();
    let v = (&v + v.adjoint()) * Complex64::new(0.5, 0.0);
    let budget_w = model.power_budget_w();
    let v = &v * Complex64::new(budget_w / v.trace().re, 0.0);
    let powers_w = match form {
        Form::Codebook => {
            let raw: Vec<f64> = (0..lambda.nrows()).map(|i| lambda[(i, i)].re).collect();
            let used: f64 = raw
                .iter()
                .enumerate()
                .map(|(i, p)| p * model.gram()[(i, i)].re)
                .sum();
            Some(raw.iter().map(|p| p * budget_w / used).collect())
        }
        _ => None,
    };
    let solved = best.gap_rel <= settings.tol_gap_rel;
    Ok(DirectOutcome {
        covariance: v,
        powers_w,
        objective_m2: best.objective_m2,
        gap_rel: best.gap_rel,
        status: if solved {
            SolveStatus::Solved
        } else {
            SolveStatus::ReducedAccuracy
        },
        detail: if solved && restarts > 0 {
            format!(
                "gap {:.1e} within tolerance, after {restarts} restart(s) from the best point",
                best.gap_rel
            )
        } else if solved {
            format!("gap {:.1e} within tolerance", best.gap_rel)
        } else {
            let singular = match (&t.singular, t.n_singular) {
                (Some(e), n) => format!("; {n} trial point(s) with a singular FIM, the last: {e}"),
                (None, _) => String::new(),
            };
            format!(
                "gap {:.1e} above tolerance {:.1e} ({detail}{singular})",
                best.gap_rel, settings.tol_gap_rel
            )
        },
        iterations: t.iterations,
        evaluations: t.evaluations,
        time_s: start_time.elapsed().as_secs_f64(),
    })
}
