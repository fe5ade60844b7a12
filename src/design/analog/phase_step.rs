//! The phase step (26) of Analog-FDB: with the beam powers fixed, minimise the covariance
//! mismatch over all `N_B·L` phases by L-BFGS with an analytic gradient.
//!
//! With `F = [√x_l f̂_l]`, `X = F Fᴴ` and `E = X − V̄` (Hermitian), the first-order change of
//! `g(Φ) = ‖X − V̄‖²` is `dg = 2 Re tr(E dX) = 4 Σ_l Re((E F)_{:,l}ᴴ dF_{:,l})`, and
//! `∂F_il/∂φ_il = j F_il`, hence
//!
//! `∂g/∂φ_il = 4 Im(conj(F_il) · (E F)_il)`.
//!
//! The phases are unconstrained (the objective is 2π-periodic in each), so a smooth
//! unconstrained quasi-Newton method applies directly; argmin's L-BFGS \[NW06, Alg. 7.5\] with the
//! Moré–Thuente line search \[MT94\] keeps the best point it visits, so the step never increases
//! the objective.

use std::cell::RefCell;

use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use nalgebra::DMatrix;
use num_complex::Complex64;

use super::objective::beams;

/// L-BFGS memory: the number of curvature pairs kept. Values 3–20 are customary \[NW06, §7.2\];
/// ten is enough for a few hundred variables.
const LBFGS_MEMORY: usize = 10;

/// L-BFGS stops when the gradient norm falls below this (units of `P_t²` per radian). The
/// objective is O(1) in these units, so this is about `√ε`, the best a gradient evaluated in
/// double precision can resolve near a minimum.
const LBFGS_TOL_GRAD: f64 = 1e-8;

/// L-BFGS stops when one iteration changes the objective by less than this (units of `P_t²`):
/// a few ulps of an O(1) objective.
const LBFGS_TOL_COST: f64 = 1e-14;

/// `g(Φ) = ‖F Fᴴ − V̄‖²` at fixed powers, as an argmin problem over the column-major phases.
///
/// The line search asks for the value and then the gradient at each trial point, and L-BFGS asks
/// again for the gradient at the accepted point; both come from one residual, so the last
/// evaluation is cached.
#[derive(Debug)]
pub struct PhaseObjective<'a> {
    /// `V̄` in units of `P_t`, `[N_B, N_B]`.
    target: &'a DMatrix<Complex64>,
    /// Beam powers in units of `P_t`, `[L]`.
    powers: &'a [f64],
    cache: RefCell<Option<Evaluation>>,
}

/// `g` and `∇g` at one point.
#[derive(Clone, Debug)]
struct Evaluation {
    phases: Vec<f64>,
    value: f64,
    grad: Vec<f64>,
}

impl<'a> PhaseObjective<'a> {
    /// The phase objective for target `V̄` (`[N_B, N_B]`, units of `P_t`) and beam powers
    /// (`[L]`, units of `P_t`).
    pub fn new(target: &'a DMatrix<Complex64>, powers: &'a [f64]) -> Self {
        PhaseObjective {
            target,
            powers,
            cache: RefCell::new(None),
        }
    }

    /// `g(Φ)`.
    pub fn value(&self, phases: &[f64]) -> f64 {
        self.evaluate(phases).value
    }

    /// `∇g(Φ)`, column-major like the phases.
    pub fn grad(&self, phases: &[f64]) -> Vec<f64> {
        self.evaluate(phases).grad
    }

    fn evaluate(&self, phases: &[f64]) -> Evaluation {
        if let Some(hit) = self.cache.borrow().as_ref().filter(|e| e.phases == phases) {
            return hit.clone();
        }
        let f = beams(self.target.nrows(), self.powers, phases);
        let e = &f * f.adjoint() - self.target;
        let ef = &e * &f;
        let grad = f
            .iter()
            .zip(ef.iter())
            .map(|(fi, efi)| 4.0 * (fi.conj() * efi).im)
            .collect();
        let evaluation = Evaluation {
            phases: phases.to_vec(),
            value: e.norm_squared(),
            grad,
        };
        *self.cache.borrow_mut() = Some(evaluation.clone());
        evaluation
    }
}

impl CostFunction for PhaseObjective<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, phases: &Self::Param) -> Result<f64, Error> {
        Ok(self.value(phases))
    }
}

impl Gradient for PhaseObjective<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, phases: &Self::Param) -> Result<Vec<f64>, Error> {
        Ok(self.grad(phases))
    }
}

/// Result of one phase step.
#[derive(Clone, Debug)]
pub struct PhaseStep {
    /// The best phases visited (the start if nothing better was found), column-major.
    pub phases: Vec<f64>,
    /// `g` at those phases.
    pub value: f64,
    /// L-BFGS iterations run.
    pub iterations: u64,
}

/// Runs at most `max_iter` L-BFGS iterations from `phases`. A line-search failure (which happens
/// at a stationary point) ends the step with the best phases so far; it is not an error.
pub fn phase_step(problem: PhaseObjective<'_>, phases: Vec<f64>, max_iter: u32) -> PhaseStep {
    let start_value = problem.value(&phases);
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), LBFGS_MEMORY)
        .with_tolerance_grad(LBFGS_TOL_GRAD)
        .and_then(|s| s.with_tolerance_cost(LBFGS_TOL_COST))
        .expect("the L-BFGS tolerances are nonnegative constants");
    let start = phases.clone();
    let run = Executor::new(problem, solver)
        .configure(|state| state.param(phases).max_iters(u64::from(max_iter)))
        .ctrlc(false)
        .timer(false)
        .run();
    match run {
        Ok(mut result) => {
            let iterations = result.state.get_iter();
            let value = result.state.get_best_cost();
            match result.state.take_best_param() {
                Some(best) if value <= start_value => PhaseStep {
                    phases: best,
                    value,
                    iterations,
                },
                _ => PhaseStep {
                    phases: start,
                    value: start_value,
                    iterations,
                },
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, "phase step: L-BFGS ended with an error; phases kept");
            PhaseStep {
                phases: start,
                value: start_value,
                iterations: 0,
            }
        }
    }
}
