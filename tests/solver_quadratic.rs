//! Known-answer problems for the adapter's quadratic objective (`ConicProblem::add_quadratic`),
//! solved by Clarabel.

use bpms::solver::affine::Affine;
use bpms::solver::{ConicProblem, SolveOptions, SolveStatus, DEFAULT_TOL};
use nalgebra::{DMatrix, SymmetricEigen};

/// Relative error allowed on optimal objectives: Clarabel stops at a relative gap of
/// `DEFAULT_TOL` = 1e-8; 100× margin.
const OBJ_TOL: f64 = 100.0 * DEFAULT_TOL;

/// Error allowed on optimal points. These problems are strongly convex, so an objective gap `ε`
/// moves the point by about `√ε`: √1e-8 = 1e-4.
const POINT_TOL: f64 = 1e-4;

/// `min (x − 1)² + 2(y − 2)² + xy` subject to `x + y = 1`: with `y = 1 − x` the objective is
/// `2x² + 3x + 3`, minimised at `x = −3/4`, `y = 7/4`.
#[test]
fn equality_constrained_qp() {
    let mut problem = ConicProblem::new();
    let v = problem.add_vars(2);
    let (x, y) = (v.start, v.start + 1);
    // (x − 1)² + 2(y − 2)² + xy = x² + 2y² + xy − 2x − 8y + 9.
    problem.add_quadratic(x, x, 1.0);
    problem.add_quadratic(y, y, 2.0);
    problem.add_quadratic(y, x, 1.0);
    problem.add_objective_affine(&Affine::constant(9.0).add_term(x, -2.0).add_term(y, -8.0));
    problem.add_eq(Affine::constant(-1.0).add_term(x, 1.0).add_term(y, 1.0));
    assert!(problem.has_quadratic());

    let sol = problem.solve(&SolveOptions::default());
    assert_eq!(sol.status, SolveStatus::Solved, "{sol:#?}");
    let (want_x, want_y) = (-0.75, 1.75);
    assert!((sol.x[x] - want_x).abs() < POINT_TOL, "x = {}", sol.x[x]);
    assert!((sol.x[y] - want_y).abs() < POINT_TOL, "y = {}", sol.x[y]);
    let want = problem.objective_at(&[want_x, want_y]);
    assert!(
        (sol.objective - want).abs() <= OBJ_TOL * want.abs(),
        "{} vs {want}",
        sol.objective
    );
    assert!((problem.objective_at(&sol.x) - sol.objective).abs() <= OBJ_TOL * want.abs());
}

/// `min x² + y² − 4x` on the simplex `x, y ≥ 0`, `x + y ≤ 1`: the unconstrained minimiser
/// `(2, 0)` is cut off, and the optimum is the vertex `(1, 0)` with value `−3`.
#[test]
fn qp_with_active_inequalities() {
    let mut problem = ConicProblem::new();
    let v = problem.add_vars(2);
    let (x, y) = (v.start, v.start + 1);
    problem.add_quadratic(x, x, 1.0);
    problem.add_quadratic(y, y, 1.0);
    problem.add_objective(x, -4.0);
    problem.add_nonneg(Affine::var(x));
    problem.add_nonneg(Affine::var(y));
    problem.add_nonneg(Affine::constant(1.0).add_term(x, -1.0).add_term(y, -1.0));

    let sol = problem.solve(&SolveOptions::default());
    assert_eq!(sol.status, SolveStatus::Solved, "{sol:#?}");
    assert!(
        (sol.x[x] - 1.0).abs() < POINT_TOL && sol.x[y].abs() < POINT_TOL,
        "{:?}",
        sol.x
    );
    assert!(
        (sol.objective + 3.0).abs() <= OBJ_TOL * 3.0,
        "objective {}",
        sol.objective
    );
}

/// `min ‖X − C‖²_F` over real symmetric `X ⪰ 0` is the projection of `C` onto the PSD cone:
/// `C`'s eigen-decomposition with the negative eigenvalues set to zero. A quadratic objective
/// together with a PSD block.
#[test]
fn psd_projection_by_qp() {
    let c = DMatrix::from_row_slice(3, 3, &[1.0, 2.0, 0.5, 2.0, -1.0, 0.3, 0.5, 0.3, 0.2]);
    let n = c.nrows();
    let mut problem = ConicProblem::new();
    let var = problem.add_symmetric_var(n);
    problem.add_psd(var.to_affine());

    // ‖X − C‖² = Σ_i (X_ii − C_ii)² + 2 Σ_{i<j} (X_ij − C_ij)².
    let mut constant = 0.0;
    for i in 0..n {
        for j in i..n {
            let weight = if i == j { 1.0 } else { 2.0 };
            let t = var.entry(i, j).terms[0].0;
            problem.add_quadratic(t, t, weight);
            problem.add_objective(t, -2.0 * weight * c[(i, j)]);
            constant += weight * c[(i, j)] * c[(i, j)];
        }
    }
    problem.add_objective_affine(&Affine::constant(constant));

    let sol = problem.solve(&SolveOptions::default());
    assert_eq!(sol.status, SolveStatus::Solved, "{sol:#?}");
    let eig = SymmetricEigen::new(c.clone());
    let clipped = eig.eigenvalues.map(|l| l.max(0.0));
    let want = &eig.eigenvectors * DMatrix::from_diagonal(&clipped) * eig.eigenvectors.transpose();
    let got = var.value(&sol.x);
    assert!((&got - &want).norm() < POINT_TOL, "got {got}, want {want}");
    let distance2 = (&want - &c).norm_squared();
    assert!((sol.objective - distance2).abs() <= OBJ_TOL * distance2.max(1.0));
}

/// A quadratic term naming a variable outside the problem is a caller bug.
#[test]
#[should_panic(expected = "not in the problem")]
fn quadratic_term_out_of_range_panics() {
    let mut problem = ConicProblem::new();
    problem.add_vars(2);
    problem.add_quadratic(0, 2, 1.0);
}
