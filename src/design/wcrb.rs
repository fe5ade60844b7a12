//! Weighted-sum CRB designs: FDB-WCRB (15) in full and reduced form (Remark 2), CPA-WCRB (16),
//! Fusion (Remark 1) and the ε-constraint designs, as SDPs on Clarabel.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `budget_w` | P_t = P_B/M | per-subcarrier power budget | W |
//! | `lambda` | Λ | reduced covariance, `V = UΛUᴴ`, in units of P_t | - |
//! | `x_epi` | X′ | epigraph variable of one bound, scaled | - |
//! | `crb_iso` | [I_iso⁻¹]_ii | inverse-FIM diagonal at the isotropic covariance | m² |
//! | `s` | diag(I_iso)^{-1/2} | parameter scaling | mixed |
//!
//! The solver sees O(1) data (MODEL.md §6): powers in units of `P_t`, each FIM equilibrated by
//! `S = diag(I_iso)^{-1/2}` at the isotropic covariance, and each epigraph variable scaled so it
//! is O(1) at the isotropic covariance. For one bound with position block `p`, the LMI
//!
//! `[[S I(V) S, E D^{-1/2}], [D^{-1/2} Eᵀ, X′]] ⪰ 0`, `D = diag([(S I_iso S)⁻¹]_pp)`
//!
//! is, by the Schur complement, `X′ ⪰ D^{-1/2} [(S I S)⁻¹]_pp D^{-1/2}`, so that
//! `CRB = Σ_{i∈p} [I_iso⁻¹]_ii · X′_ii` at the optimum.

use nalgebra::DMatrix;
use num_complex::Complex64;

use crate::error::SingularFimError;
use crate::fim::bounds::{BoundModel, PositionFims};
use crate::solver::{Affine, ConicProblem, ConicSolution, HermitianVar, SolveOptions, SymAffine};

/// Where the covariance lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `V = UΛUᴴ`, `Λ ⪰ 0` (Remark 2).
    Reduced,
    /// `V ⪰ 0`, all of it.
    Full,
    /// `V = U diag(p) Uᴴ`, `p ≥ 0` (CPA).
    Codebook,
}

/// What is minimised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Goal {
    /// `α CRB_BP + (1 − α) CRB_MS`.
    Weighted { alpha: f64 },
    /// `CRB_MS` subject to `CRB_BP ≤ cap_m2`.
    BpCap { cap_m2: f64 },
    /// `CRB_BP` subject to `CRB_MS ≤ cap_m2`.
    MsCap { cap_m2: f64 },
}

/// One SDP, as solved.
#[derive(Clone, Debug)]
pub struct SdpOutcome {
    /// The covariance in watts, before any projection (it may be slightly indefinite).
    pub covariance_raw: DMatrix<Complex64>,
    /// Codebook powers in watts (CPA only).
    pub powers_w: Option<Vec<f64>>,
    /// The SDP's own value of the objective, m².
    pub objective_m2: f64,
    pub solution: ConicSolution,
}

/// The covariance variable and how each of its real coordinates maps to `W = Uᴴ V U`.
enum CovVar {
    Hermitian(HermitianVar),
    Powers(std::ops::Range<usize>),
}

/// Builds and solves one weighted-sum (or ε-constraint) SDP.
pub fn solve(
    model: &BoundModel,
    form: Form,
    goal: Goal,
    fused: bool,
    opts: &SolveOptions,
) -> Result<SdpOutcome, SingularFimError> {
    let n_targets = model.n_targets();
    let n_pos = 2 * n_targets + 2;
    let budget_w = model.power_budget_w();
    let gram = model.gram();
    let u = model.codebook();
    let n_cols = u.ncols();
    let mut problem = ConicProblem::new();

    // Step 1: the covariance variable, in units of P_t, with its power constraint.
    let cov = match form {
        Form::Reduced | Form::Full => {
            let n = if form == Form::Reduced {
                n_cols
            } else {
                model.n_bs()
            };
            let var = HermitianVar {
                n,
                offset: problem.add_vars(n * n).start,
            };
            problem.add_hermitian_psd(var.to_affine());
            let power = if form == Form::Reduced {
                var.re_trace_product(gram)
            } else {
                var.trace()
            };
            problem.add_nonneg(Affine::constant(1.0).add_scaled(&power, -1.0));
            CovVar::Hermitian(var)
        }
        Form::Codebook => {
            let range = problem.add_vars(n_cols);
            let mut power = Affine::constant(1.0);
            for (i, var) in range.clone().enumerate() {
                problem.add_nonneg(Affine::var(var));
                power = power.add_term(var, -gram[(i, i)].re);
            }
            problem.add_nonneg(power);
            CovVar::Powers(range)
        }
    };

    // Step 2: the position FIMs at each unit coordinate (they are linear in the covariance), and
    // at the isotropic covariance for scaling.
    let w_of_unit = |t: usize| -> DMatrix<Complex64> {
        let mut x = vec![0.0; problem.n_vars()];
        x[t] = 1.0;
        unit_w(model, &cov, form, &x) * Complex64::new(budget_w, 0.0)
    };
    let cov_vars: Vec<usize> = match &cov {
        CovVar::Hermitian(var) => var.range().collect(),
        CovVar::Powers(range) => range.clone().collect(),
    };
    let basis: Vec<PositionFims> = cov_vars
        .iter()
        .map(|&t| model.position_fims_w(&w_of_unit(t)))
        .collect();
    let w_iso = gram * Complex64::new(budget_w / model.n_bs() as f64, 0.0);
    let fims_iso = model.position_fims_w(&w_iso);
    let inv_iso = model.inverse_columns(&fims_iso)?;

    // Step 3: one epigraph LMI per bound (or one on the fused FIM); returns the affine CRBs.
    let mut lmi = |pick: fn(&PositionFims) -> &DMatrix<f64>, inv: &DMatrix<f64>, n_p: usize| {
        epigraph_lmi(
            &mut problem,
            &cov_vars,
            &basis,
            pick,
            pick(&fims_iso),
            inv,
            n_p,
        )
    };
    let (crb_bp, crb_ms) = if fused {
        let diag = lmi(|f| &f.fused, &inv_iso.fused, n_pos);
        (sum_first(&diag, 2), sum_first(&diag, n_pos))
    } else {
        let bp = lmi(|f| &f.bp, &inv_iso.bp, 2);
        let ms = lmi(|f| &f.ms, &inv_iso.ms, n_pos);
        (sum_first(&bp, 2), sum_first(&ms, n_pos))
    };

    // Step 4: the objective (and the cap), scaled by the isotropic values.
    let iso = inv_iso.bounds();
    let (iso_bp, iso_ms) = if fused {
        (iso.fused.crb_bp_m2, iso.fused.crb_ms_m2)
    } else {
        (iso.crb_bp_m2, iso.crb_ms_m2)
    };
    let objective = match goal {
        Goal::Weighted { alpha } => {
            let reference = alpha * iso_bp + (1.0 - alpha) * iso_ms;
            crb_bp
                .clone()
                .scale(alpha / reference)
                .add_scaled(&crb_ms, (1.0 - alpha) / reference)
        }
        Goal::BpCap { cap_m2 } => {
            problem
                .add_nonneg(Affine::constant(cap_m2 / iso_bp).add_scaled(&crb_bp, -1.0 / iso_bp));
            crb_ms.clone().scale(1.0 / iso_ms)
        }
        Goal::MsCap { cap_m2 } => {
            problem
                .add_nonneg(Affine::constant(cap_m2 / iso_ms).add_scaled(&crb_ms, -1.0 / iso_ms));
            crb_bp.clone().scale(1.0 / iso_bp)
        }
    };
    for &(var, coef) in &objective.terms {
        problem.add_objective(var, coef);
    }

    // Step 5: solve and map back to watts.
    let solution = problem.solve(opts);
    let x = &solution.x;
    let objective_m2 = match goal {
        Goal::Weighted { alpha } => alpha * crb_bp.eval(x) + (1.0 - alpha) * crb_ms.eval(x),
        Goal::BpCap { .. } => crb_ms.eval(x),
        Goal::MsCap { .. } => crb_bp.eval(x),
    };
    let (covariance_raw, powers_w) = match &cov {
        CovVar::Hermitian(var) => {
            let m = var.value(x) * Complex64::new(budget_w, 0.0);
            let v = if form == Form::Reduced {
                u * m * u.adjoint()
            } else {
                m
            };
            (v, None)
        }
        CovVar::Powers(range) => {
            let p: Vec<f64> = range.clone().map(|t| x[t] * budget_w).collect();
            let v =
                u * DMatrix::from_diagonal(&nalgebra::DVector::from_fn(n_cols, |i, _| {
                    Complex64::new(p[i], 0.0)
                })) * u.adjoint();
            (v, Some(p))
        }
    };
    Ok(SdpOutcome {
        covariance_raw,
        powers_w,
        objective_m2,
        solution,
    })
}

/// `W = Uᴴ V U` (per unit of P_t) at the coordinates `x` of the covariance variable.
fn unit_w(model: &BoundModel, cov: &CovVar, form: Form, x: &[f64]) -> DMatrix<Complex64> {
    match cov {
        CovVar::Hermitian(var) => {
            let m = var.value(x);
            if form == Form::Reduced {
                model.w_of_reduced(&m)
            } else {
                model.w_of_covariance(&m)
            }
        }
        CovVar::Powers(range) => {
            let p = DMatrix::from_diagonal(&nalgebra::DVector::from_fn(range.len(), |i, _| {
                Complex64::new(x[range.start + i], 0.0)
            }));
            model.w_of_reduced(&p)
        }
    }
}

/// Adds `[[S I S, E D^{-1/2}], [D^{-1/2} Eᵀ, X′]] ⪰ 0` for one FIM and returns, for each of the
/// first `n_p` parameters, the affine expression of its CRB contribution `[I_iso⁻¹]_ii X′_ii`.
fn epigraph_lmi(
    problem: &mut ConicProblem,
    cov_vars: &[usize],
    basis: &[PositionFims],
    pick: fn(&PositionFims) -> &DMatrix<f64>,
    fim_iso: &DMatrix<f64>,
    inv_iso: &DMatrix<f64>,
    n_p: usize,
) -> Vec<Affine> {
    let n = fim_iso.nrows();
    let s: Vec<f64> = fim_iso.diagonal().iter().map(|d| 1.0 / d.sqrt()).collect();
    // D_ii = [(S I_iso S)⁻¹]_ii = [I_iso⁻¹]_ii / s_i².
    let d: Vec<f64> = (0..n_p).map(|i| inv_iso[(i, i)] / (s[i] * s[i])).collect();
    let x_epi_start = problem.add_vars(n_p * (n_p + 1) / 2).start;
    let x_epi = |i: usize, j: usize| {
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        x_epi_start + j * (j + 1) / 2 + i
    };

    let mut block = SymAffine::zeros(n + n_p);
    for i in 0..n {
        for j in i..n {
            let mut e = Affine::zero();
            for (k, &t) in cov_vars.iter().enumerate() {
                let value = pick(&basis[k])[(i, j)] * s[i] * s[j];
                if value != 0.0 {
                    e = e.add_term(t, value);
                }
            }
            block.set(i, j, e);
        }
    }
    for (i, d_i) in d.iter().enumerate() {
        block.set(i, n + i, Affine::constant(1.0 / d_i.sqrt()));
        for j in i..n_p {
            block.set(n + i, n + j, Affine::var(x_epi(i, j)));
        }
    }
    problem.add_psd(block);
    (0..n_p)
        .map(|i| Affine::term(x_epi(i, i), inv_iso[(i, i)]))
        .collect()
}

fn sum_first(parts: &[Affine], n: usize) -> Affine {
    parts[..n].iter().fold(Affine::zero(), |acc, e| acc + e)
}
