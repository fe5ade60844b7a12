//! The mismatch problems as the paper states them, solved on Clarabel: the lifted SDPs (19) and
//! (21) of the beamformer mismatch, and the covariance-mismatch programs (22) and its CPA
//! version, whose objective is a convex quadratic in the real coordinates of `Λ` (or of `p`).
//!
//! Every problem is solved in normalised coordinates: the codebook columns are scaled to unit
//! norm, `Ũ = U D⁻¹` with `D = diag(‖u_i‖)`, and powers are in units of `P_t`, so the solver sees
//! O(1) data whatever the array normalisation (MODEL.md §6). The map back is stated at each
//! problem.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `u_unit` | Ũ = U D⁻¹ | codebook with unit-norm columns, `[n_bs, n_cols]` | - |
//! | `col_norms` | D = diag(‖u_i‖) | codebook column norms | - |
//! | `gram_unit` | G̃ = ŨᴴŨ | Gram matrix of the unit columns, `[n_cols, n_cols]` | - |
//! | `v_mean` | V̄ = αV̂ + (1−α)V̌ | the weighted guide covariance | W |
//! | `x` | | solver variables, in units of `P_t` (or `√P_t` for beamformers) | - |

use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;

use crate::solver::{Affine, ConicProblem, ConicSolution, HermitianVar, SolveOptions, SymAffine};

/// The codebook with unit-norm columns and the norms removed: `U = Ũ D`.
struct UnitCodebook {
    u_unit: DMatrix<Complex64>,
    col_norms: Vec<f64>,
    gram_unit: DMatrix<Complex64>,
}

impl UnitCodebook {
    /// # Panics
    /// If a column of `u` is zero (it carries no power and has no direction).
    #[track_caller]
    fn new(u: &DMatrix<Complex64>) -> Self {
        let col_norms: Vec<f64> = u.column_iter().map(|c| c.norm()).collect();
        if let Some(i) = col_norms.iter().position(|&n| n <= 0.0 || !n.is_finite()) {
            panic!(
                "codebook column {i} has norm {}, expected positive and finite",
                col_norms[i]
            );
        }
        let mut u_unit = u.clone();
        for (mut col, &n) in u_unit.column_iter_mut().zip(&col_norms) {
            col.unscale_mut(n);
        }
        let gram_unit = u_unit.adjoint() * &u_unit;
        UnitCodebook {
            u_unit,
            col_norms,
            gram_unit,
        }
    }

    fn n_cols(&self) -> usize {
        self.col_norms.len()
    }
}

/// `Re tr(Aᴴ B)`, the real Frobenius inner product.
fn inner(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| (x.conj() * y).re).sum()
}

#[track_caller]
fn check_square(name: &str, m: &DMatrix<Complex64>, n: usize) {
    assert_eq!(
        m.shape(),
        (n, n),
        "{name} must be [n_bs, n_bs] = [{n}, {n}], got {:?}",
        m.shape()
    );
}

#[track_caller]
fn check_weight_and_budget(alpha: f64, budget_w: f64) {
    assert!(
        (0.0..=1.0).contains(&alpha),
        "alpha must lie in [0, 1], got {alpha}"
    );
    check_budget(budget_w);
}

#[track_caller]
fn check_budget(budget_w: f64) {
    assert!(
        budget_w.is_finite() && budget_w > 0.0,
        "budget must be positive, got {budget_w} W"
    );
}

/// CPA-WCM: `min_p α‖U diag(p) Uᴴ − V̂‖²_F + (1−α)‖U diag(p) Uᴴ − V̌‖²_F` subject to
/// `Σ_i p_i ‖u_i‖² = P_t`, `p ≥ 0`, for an arbitrary codebook `U` (`[n_bs, n_cols]`) and arbitrary
/// Hermitian guides (`[n_bs, n_bs]`, W). Returns the powers in W and the solver outcome.
///
/// The objective is `‖U diag(p) Uᴴ − V̄‖² + const` with `V̄ = αV̂ + (1−α)V̌`, a convex quadratic
/// `pᵀQp − 2cᵀp + const` in `p`, with `Q_ij = |u_iᴴ u_j|²` (PSD: the Hadamard product of the
/// Gram matrix with its conjugate) and `c_i = u_iᴴ V̄ u_i`. It is solved in the power fractions
/// `x_i = p_i ‖u_i‖² / P_t` (so `Σ x_i = 1`), and the solution's `objective` is the mismatch
/// objective in units of `P_t²`. The powers are the solver's point clipped at zero (an interior
/// point has none below); they are NaN when the solve returned no point.
///
/// # Panics
/// If the guides are not `[n_bs, n_bs]`, a codebook column is zero, `alpha` is outside [0, 1],
/// or `budget_w` is not positive.
#[track_caller]
pub fn cpa_wcm_qp(
    codebook: &DMatrix<Complex64>,
    guide_bp: &DMatrix<Complex64>,
    guide_ms: &DMatrix<Complex64>,
    alpha: f64,
    budget_w: f64,
    opts: &SolveOptions,
) -> (Vec<f64>, ConicSolution) {
    let n_bs = codebook.nrows();
    check_square("guide_bp", guide_bp, n_bs);
    check_square("guide_ms", guide_ms, n_bs);
    check_weight_and_budget(alpha, budget_w);
    let cb = UnitCodebook::new(codebook);
    let n = cb.n_cols();

    // Step 1: data in units of P_t: V̄ / P_t, Q̃_ij = |ũ_iᴴ ũ_j|², c̃_i = ũ_iᴴ V̄ ũ_i / P_t.
    let scale = Complex64::new(1.0 / budget_w, 0.0);
    let v_mean = (guide_bp * Complex64::new(alpha, 0.0)
        + guide_ms * Complex64::new(1.0 - alpha, 0.0))
        * scale;
    let c: Vec<f64> = (0..n)
        .map(|i| {
            let col = cb.u_unit.column(i);
            (col.adjoint() * &v_mean * col)[(0, 0)].re
        })
        .collect();
    let constant = (alpha * guide_bp.norm_squared() + (1.0 - alpha) * guide_ms.norm_squared())
        / (budget_w * budget_w);

    // Step 2: the QP over the power fractions on the simplex.
    let mut problem = ConicProblem::new();
    let x = problem.add_vars(n);
    let mut total = Affine::constant(-1.0);
    for (i, &c_i) in c.iter().enumerate() {
        problem.add_nonneg(Affine::var(x.start + i));
        total = total.add_term(x.start + i, 1.0);
        problem.add_objective(x.start + i, -2.0 * c_i);
        problem.add_quadratic(x.start + i, x.start + i, cb.gram_unit[(i, i)].norm_sqr());
        for j in i + 1..n {
            problem.add_quadratic(
                x.start + i,
                x.start + j,
                2.0 * cb.gram_unit[(i, j)].norm_sqr(),
            );
        }
    }
    problem.add_eq(total);
    problem.add_objective_affine(&Affine::constant(constant));

    // Step 3: solve and map back, p_i = x_i P_t / ‖u_i‖².
    let solution = problem.solve(opts);
    let powers_w = if solution.x.len() == problem.n_vars() {
        (0..n)
            .map(|i| solution.x[x.start + i].max(0.0) * budget_w / cb.col_norms[i].powi(2))
            .collect()
    } else {
        vec![f64::NAN; n]
    };
    (powers_w, solution)
}

/// FDB-WCM (22): `min_Λ α‖UΛUᴴ − V̂‖² + (1−α)‖UΛUᴴ − V̌‖²` subject to `tr(UΛUᴴ) = P_t`,
/// `Λ ⪰ 0`: a convex quadratic objective over one Hermitian PSD block of side `n_cols`. Returns
/// `Λ` (`[n_cols, n_cols]`, W) and the solver outcome; `objective` is in units of `P_t²`.
///
/// In the normalised coordinates `Λ̃ = DΛD / P_t` the objective is `‖ŨΛ̃Ũᴴ − V̄/P_t‖²`, whose
/// quadratic form in the real coordinates `x_s` of `Λ̃` is `H_st = Re tr(E_s G̃ E_t G̃)` (`E_s` the
/// basis matrix of coordinate `s`) and whose linear part is `−2 Re tr(E_s Ũᴴ V̄ Ũ) / P_t`.
///
/// # Panics
/// As [`cpa_wcm_qp`].
#[track_caller]
pub fn fdb_wcm_qp(
    codebook: &DMatrix<Complex64>,
    guide_bp: &DMatrix<Complex64>,
    guide_ms: &DMatrix<Complex64>,
    alpha: f64,
    budget_w: f64,
    opts: &SolveOptions,
) -> (DMatrix<Complex64>, ConicSolution) {
    let n_bs = codebook.nrows();
    check_square("guide_bp", guide_bp, n_bs);
    check_square("guide_ms", guide_ms, n_bs);
    check_weight_and_budget(alpha, budget_w);
    let cb = UnitCodebook::new(codebook);
    let n = cb.n_cols();

    // Step 1: the variable Λ̃ ⪰ 0 with tr(G̃ Λ̃) = 1 (22b)–(22c).
    let mut problem = ConicProblem::new();
    let var = problem.add_hermitian_var(n);
    problem.add_hermitian_psd(var.to_affine());
    problem.add_eq(var.re_trace_product(&cb.gram_unit).add_constant(-1.0));

    // Step 2: the objective (22a), coordinate by coordinate.
    let v_mean = (guide_bp * Complex64::new(alpha, 0.0)
        + guide_ms * Complex64::new(1.0 - alpha, 0.0))
        * Complex64::new(1.0 / budget_w, 0.0);
    let w_mean = cb.u_unit.adjoint() * &v_mean * &cb.u_unit;
    let basis = hermitian_basis(&var, problem.n_vars());
    let sandwiched: Vec<DMatrix<Complex64>> = basis
        .iter()
        .map(|e| &cb.gram_unit * e * &cb.gram_unit)
        .collect();
    for (s, e_s) in basis.iter().enumerate() {
        problem.add_objective(var.offset + s, -2.0 * inner(e_s, &w_mean));
        problem.add_quadratic(var.offset + s, var.offset + s, inner(e_s, &sandwiched[s]));
        for (t, k_t) in sandwiched.iter().enumerate().skip(s + 1) {
            problem.add_quadratic(var.offset + s, var.offset + t, 2.0 * inner(e_s, k_t));
        }
    }
    let constant = (alpha * guide_bp.norm_squared() + (1.0 - alpha) * guide_ms.norm_squared())
        / (budget_w * budget_w);
    problem.add_objective_affine(&Affine::constant(constant));

    // Step 3: solve and map back, Λ = D⁻¹ Λ̃ D⁻¹ P_t.
    let solution = problem.solve(opts);
    let lambda = if solution.x.len() == problem.n_vars() {
        let m = var.value(&solution.x);
        DMatrix::from_fn(n, n, |i, j| {
            m[(i, j)] * budget_w / (cb.col_norms[i] * cb.col_norms[j])
        })
    } else {
        DMatrix::from_element(n, n, Complex64::new(f64::NAN, 0.0))
    };
    (lambda, solution)
}

/// The Hermitian basis matrix `E_s` of each real coordinate of `var` (`[n, n]` each).
fn hermitian_basis(var: &HermitianVar, n_vars: usize) -> Vec<DMatrix<Complex64>> {
    var.range()
        .map(|t| {
            let mut x = vec![0.0; n_vars];
            x[t] = 1.0;
            var.value(&x)
        })
        .collect()
}

/// FDB-WBF as the lifted SDP (19). Given the weighted guide beamformer in reduced coordinates,
/// `B̄ = αF̂ + (1−α)F̌ = U Ω̄` (`omega_mean`, `[n_cols, n_cols]`, √W), and the weighted guide
/// energy `α‖F̂‖² + (1−α)‖F̌‖²` (`guide_energy_w`, W), minimises
/// `‖AUΩ − B‖² = ‖UΩ‖² − 2 Re tr(Ωᴴ Uᴴ B̄) + α‖F̂‖² + (1−α)‖F̌‖²` subject to `‖UΩ‖² = P_t`.
/// Returns `Ω` (`[n_cols, n_cols]`, √W) and the solver outcome; `objective` is in units of `P_t`.
///
/// Each beam `ω_l` is lifted to `Q_l = [1; ω_l][1; ω_l]ᴴ` and relaxed to `Q_l ⪰ 0`, `[Q_l]₀₀ = 1`
/// (19c): one Hermitian block of side `n_cols + 1` per beam. The relaxation is tight (a
/// trust-region subproblem, \[ZCZ25\] citing strong duality), and `ω_l` is read off the first
/// column of `Q_l`. Normalised coordinates: `Ω̃ = DΩ / √P_t`.
///
/// # Panics
/// If `omega_mean` is not `[n_cols, n_cols]`, a codebook column is zero, or `budget_w` is not
/// positive.
#[track_caller]
pub fn fdb_wbf_sdp(
    codebook: &DMatrix<Complex64>,
    omega_mean: &DMatrix<Complex64>,
    guide_energy_w: f64,
    budget_w: f64,
    opts: &SolveOptions,
) -> (DMatrix<Complex64>, ConicSolution) {
    let cb = UnitCodebook::new(codebook);
    let n = cb.n_cols();
    assert_eq!(
        omega_mean.shape(),
        (n, n),
        "omega_mean must be [n_cols, n_cols] = [{n}, {n}], got {:?}",
        omega_mean.shape()
    );
    check_budget(budget_w);

    // Step 1: X̃ = Ũᴴ B̄ / √P_t = G̃ D Ω̄ / √P_t.
    let root_budget = budget_w.sqrt();
    let omega_unit = DMatrix::from_fn(n, n, |i, j| {
        omega_mean[(i, j)] * cb.col_norms[i] / root_budget
    });
    let x_mean = &cb.gram_unit * &omega_unit;

    // Step 2: one lifted block per beam; objective Σ_l tr(G̃ W_l) − 2 Re x̃_lᴴ ω̃_l (19a), power
    // Σ_l tr(G̃ W_l) = 1 (19b), [Q_l]₀₀ = 1 and Q_l ⪰ 0 (19c).
    let mut problem = ConicProblem::new();
    let mut power = Affine::constant(-1.0);
    let mut blocks = Vec::with_capacity(n);
    for l in 0..n {
        let q = problem.add_hermitian_var(n + 1);
        problem.add_hermitian_psd(q.to_affine());
        problem.add_eq(q.entry(0, 0).0.add_constant(-1.0));
        let gram_padded = DMatrix::from_fn(n + 1, n + 1, |i, j| {
            if i == 0 || j == 0 {
                Complex64::new(0.0, 0.0)
            } else {
                cb.gram_unit[(i - 1, j - 1)]
            }
        });
        let energy = q.re_trace_product(&gram_padded);
        power += &energy;
        problem.add_objective_affine(&energy);
        for j in 0..n {
            let (re, im) = q.entry(j + 1, 0);
            let xj = x_mean[(j, l)];
            problem.add_objective_affine(&re.scale(-2.0 * xj.re).add_scaled(&im, -2.0 * xj.im));
        }
        blocks.push(q);
    }
    problem.add_eq(power);
    problem.add_objective_affine(&Affine::constant(guide_energy_w / budget_w));

    // Step 3: solve and read ω_l off the first column, Ω = D⁻¹ Ω̃ √P_t.
    let solution = problem.solve(opts);
    let omega = if solution.x.len() == problem.n_vars() {
        let mut omega = DMatrix::zeros(n, n);
        for (l, q) in blocks.iter().enumerate() {
            for j in 0..n {
                let (re, im) = q.entry(j + 1, 0);
                let w = Complex64::new(re.eval(&solution.x), im.eval(&solution.x));
                omega[(j, l)] = w * root_budget / cb.col_norms[j];
            }
        }
        omega
    } else {
        DMatrix::from_element(n, n, Complex64::new(f64::NAN, 0.0))
    };
    (omega, solution)
}

/// CPA-WBF as the lifted SDP (21). Given the weighted guide amplitudes
/// `b̄ = α√p̂ + (1−α)√p̌` (`amplitude_mean`, `[n_cols]`, √W) and the weighted guide energy
/// (`guide_energy_w`, W), minimises `Σ_i ‖u_i‖² (v_i² − 2 b̄_i v_i) + α‖F̂‖² + (1−α)‖F̌‖²`, the
/// expansion of (20a) (the columns of `U diag(v)` separate), subject to `Σ_i ‖u_i‖² v_i² = P_t`.
/// Returns `v` (`[n_cols]`, √W) and the solver outcome; `objective` is in units of `P_t`.
///
/// Each `v_i` is lifted to `Y_i = [1; v_i][1; v_i]ᵀ` and relaxed to a real `2 × 2` block
/// `Y_i ⪰ 0` with `[Y_i]₀₀ = 1` (21c). Normalised coordinates: `ṽ_i = ‖u_i‖ v_i / √P_t`.
///
/// # Panics
/// If `amplitude_mean` does not have one entry per codebook column, a codebook column is zero,
/// or `budget_w` is not positive.
#[track_caller]
pub fn cpa_wbf_sdp(
    codebook: &DMatrix<Complex64>,
    amplitude_mean: &[f64],
    guide_energy_w: f64,
    budget_w: f64,
    opts: &SolveOptions,
) -> (Vec<f64>, ConicSolution) {
    let cb = UnitCodebook::new(codebook);
    let n = cb.n_cols();
    assert_eq!(
        amplitude_mean.len(),
        n,
        "amplitude_mean must have n_cols = {n} entries, got {}",
        amplitude_mean.len()
    );
    check_budget(budget_w);
    let root_budget = budget_w.sqrt();

    // Step 1: one 2 × 2 block [[1, ṽ_i], [ṽ_i, ỹ_i]] ⪰ 0 per column (21c), Σ ỹ_i = 1 (21b).
    let mut problem = ConicProblem::new();
    let vars = problem.add_vars(2 * n);
    let (v_var, y_var) = (
        |i: usize| vars.start + 2 * i,
        |i: usize| vars.start + 2 * i + 1,
    );
    let mut power = Affine::constant(-1.0);
    for (i, &b_i) in amplitude_mean.iter().enumerate() {
        let mut block = SymAffine::zeros(2);
        block.set(0, 0, Affine::constant(1.0));
        block.set(0, 1, Affine::var(v_var(i)));
        block.set(1, 1, Affine::var(y_var(i)));
        problem.add_psd(block);
        power = power.add_term(y_var(i), 1.0);

        // (21a): ỹ_i − 2 b̃_i ṽ_i with b̃_i = ‖u_i‖ b̄_i / √P_t.
        let b_unit = cb.col_norms[i] * b_i / root_budget;
        problem.add_objective(y_var(i), 1.0);
        problem.add_objective(v_var(i), -2.0 * b_unit);
    }
    problem.add_eq(power);
    problem.add_objective_affine(&Affine::constant(guide_energy_w / budget_w));

    // Step 2: solve and map back, v_i = ṽ_i √P_t / ‖u_i‖.
    let solution = problem.solve(opts);
    let v = if solution.x.len() == problem.n_vars() {
        (0..n)
            .map(|i| solution.x[v_var(i)] * root_budget / cb.col_norms[i])
            .collect()
    } else {
        vec![f64::NAN; n]
    };
    (v, solution)
}

/// `U diag(p) Uᴴ` (`[n_bs, n_bs]`, W) for codebook powers `p` (W).
pub fn codebook_covariance(codebook: &DMatrix<Complex64>, powers_w: &[f64]) -> DMatrix<Complex64> {
    let p = DVector::from_iterator(
        powers_w.len(),
        powers_w.iter().map(|&x| Complex64::new(x, 0.0)),
    );
    codebook * DMatrix::from_diagonal(&p) * codebook.adjoint()
}
