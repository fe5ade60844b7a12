//! Known-answer problems for the conic adapter, solved by Clarabel.

use bpms::solver::affine::{Affine, HermAffine, SymAffine};
use bpms::solver::{ConicProblem, ConicSolution, SolveOptions, SolveStatus, DEFAULT_TOL};
use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Relative error allowed on optimal objectives. Clarabel stops once the relative duality gap
/// and the scaled residuals are below `DEFAULT_TOL` = 1e-8; the objective is then within a few
/// times that of the optimum. 100× margin.
const OBJ_REL_TOL: f64 = 100.0 * DEFAULT_TOL;

/// Error allowed on optimal points. Near a solution an interior-point iterate is off by about
/// `√gap` in the worst (non-strictly-complementary) case: √1e-8 = 1e-4.
const POINT_TOL: f64 = 1e-4;

/// Constraint violation allowed at returned points: Clarabel's feasibility tolerance
/// `DEFAULT_TOL`, relative to data of O(1)–O(10), with 100× margin.
const FEAS_TOL: f64 = 100.0 * DEFAULT_TOL;

fn solve(problem: &ConicProblem) -> ConicSolution {
    problem.solve(&SolveOptions::default())
}

#[track_caller]
fn assert_solved(sol: &ConicSolution, want_objective: f64) {
    assert_eq!(sol.status, SolveStatus::Solved, "{sol:#?}");
    let err = (sol.objective - want_objective).abs();
    assert!(
        err <= OBJ_REL_TOL * want_objective.abs().max(1.0),
        "objective {} but want {want_objective}",
        sol.objective
    );
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    2.0 * rng.random::<f64>() - 1.0
}

/// `min tr Y s.t. [[X, I], [I, Y]] ⪰ 0, tr X = P` over real symmetric `X`, `Y` (`[n, n]`):
/// the Schur complement gives `Y ⪰ X⁻¹`, so this is `min tr(X⁻¹)`, with optimum `n²/P` at
/// `X = (P/n) I`.
#[test]
fn min_trace_inverse_real() {
    let power = 3.0;
    for n in 1..=6 {
        let mut problem = ConicProblem::new();
        let x = problem.add_symmetric_var(n);
        let y = problem.add_symmetric_var(n);
        let block = SymAffine::from_fn(2 * n, |r, c| match (r < n, c < n) {
            (true, true) => x.entry(r, c),
            (false, false) => y.entry(r - n, c - n),
            _ => Affine::constant(if c - r == n { 1.0 } else { 0.0 }),
        });
        problem.add_psd(block);
        problem.add_eq(x.trace().add_constant(-power));
        problem.add_objective_affine(&y.trace());

        let sol = solve(&problem);
        assert_solved(&sol, (n * n) as f64 / power);
        let want_x = DMatrix::<f64>::identity(n, n) * (power / n as f64);
        assert!(
            (x.value(&sol.x) - want_x).abs().max() <= POINT_TOL,
            "n = {n}"
        );
        assert!(problem.max_violation(&sol.x) <= FEAS_TOL, "n = {n}");
        assert_eq!(sol.attempts.len(), 1);
    }
}

/// The same over complex Hermitian `X`, `Y`: the optimum is unchanged and `X` is real.
#[test]
fn min_trace_inverse_hermitian() {
    let power = 2.0;
    for n in 1..=6 {
        let mut problem = ConicProblem::new();
        let x = problem.add_hermitian_var(n);
        let y = problem.add_hermitian_var(n);
        let block = HermAffine::from_fn(2 * n, |r, c| match (r < n, c < n) {
            (true, true) => x.entry(r, c),
            (false, false) => y.entry(r - n, c - n),
            _ => (
                Affine::constant(if c - r == n { 1.0 } else { 0.0 }),
                Affine::zero(),
            ),
        });
        problem.add_hermitian_psd(block);
        problem.add_eq(x.trace().add_constant(-power));
        problem.add_objective_affine(&y.trace());

        let sol = solve(&problem);
        assert_solved(&sol, (n * n) as f64 / power);
        let want_x = DMatrix::<Complex64>::identity(n, n).map(|z| z * (power / n as f64));
        let err = (x.value(&sol.x) - want_x)
            .iter()
            .map(|z| z.norm())
            .fold(0.0, f64::max);
        assert!(err <= POINT_TOL, "n = {n}: error {err}");
    }
}

/// `max x s.t. [[1, x], [x, 1]] ⪰ 0` is 1.
#[test]
fn max_off_diagonal_of_correlation_matrix() {
    let mut problem = ConicProblem::new();
    let x = problem.add_vars(1).start;
    let mut m = SymAffine::zeros(2);
    m.set(0, 0, Affine::constant(1.0));
    m.set(1, 1, Affine::constant(1.0));
    m.set(0, 1, Affine::var(x));
    problem.add_psd(m);
    problem.add_objective(x, -1.0);

    let sol = solve(&problem);
    assert_solved(&sol, -1.0);
    assert!((sol.x[x] - 1.0).abs() <= POINT_TOL);
}

/// `min −x − 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x, y ≥ 0`: the vertex (3, 1), value −5.
#[test]
fn linear_program() {
    let mut problem = ConicProblem::new();
    let v = problem.add_vars(2);
    let (x, y) = (v.start, v.start + 1);
    problem.add_nonneg(Affine::constant(4.0).add_term(x, -1.0).add_term(y, -1.0));
    problem.add_nonneg(Affine::constant(6.0).add_term(x, -1.0).add_term(y, -3.0));
    problem.add_nonneg(Affine::var(x));
    problem.add_nonneg(Affine::var(y));
    problem.add_objective(x, -1.0);
    problem.add_objective(y, -2.0);

    let sol = solve(&problem);
    assert_solved(&sol, -5.0);
    assert!((sol.x[x] - 3.0).abs() <= POINT_TOL && (sol.x[y] - 1.0).abs() <= POINT_TOL);
}

/// The objective constant of `add_objective_affine` shifts the reported value.
#[test]
fn objective_constant_is_reported() {
    let mut problem = ConicProblem::new();
    let x = problem.add_vars(1).start;
    problem.add_nonneg(Affine::var(x).add_constant(-2.0));
    problem.add_objective_affine(&Affine::term(x, 3.0).add_constant(10.0));
    assert_solved(&solve(&problem), 16.0);
}

/// `x ≥ 1` and `x ≤ 0`.
#[test]
fn infeasible_linear_program() {
    let mut problem = ConicProblem::new();
    let x = problem.add_vars(1).start;
    problem.add_nonneg(Affine::var(x).add_constant(-1.0));
    problem.add_nonneg(Affine::term(x, -1.0));
    problem.add_objective(x, 1.0);

    let sol = solve(&problem);
    assert_eq!(sol.status, SolveStatus::Infeasible, "{sol:#?}");
    assert_eq!(sol.attempts.len(), 1, "a certificate ends the attempts");
}

/// `[[x, 1], [1, x]] ⪰ 0` needs `x ≥ 1`; add `x ≤ 1/2`.
#[test]
fn infeasible_semidefinite_program() {
    let mut problem = ConicProblem::new();
    let x = problem.add_vars(1).start;
    let m = SymAffine::from_fn(2, |i, j| {
        if i == j {
            Affine::var(x)
        } else {
            Affine::constant(1.0)
        }
    });
    problem.add_psd(m);
    problem.add_nonneg(Affine::term(x, -1.0).add_constant(0.5));
    problem.add_objective(x, 1.0);

    let sol = solve(&problem);
    assert_eq!(sol.status, SolveStatus::Infeasible, "{sol:#?}");
}

/// `min x` with nothing bounding `x`: unbounded, reported as `Failed` with Clarabel's
/// `DualInfeasible`, without retries.
#[test]
fn unbounded_problem_fails_without_retry() {
    let mut problem = ConicProblem::new();
    let x = problem.add_vars(1).start;
    problem.add_nonneg(Affine::term(x, -1.0));
    problem.add_objective(x, 1.0);

    let sol = solve(&problem);
    assert_eq!(sol.status, SolveStatus::Failed);
    assert!(sol.clarabel_status.contains("DualInfeasible"), "{sol:#?}");
    assert_eq!(sol.attempts.len(), 1);
}

/// One problem with PSD blocks of sides 1 to 8 plus zero-cone and nonnegative rows:
/// `min Σ_k t_k + u s.t. t_k I − C_k ⪰ 0, u − 2 = 0, u ≥ 0` has `t_k = λ_max(C_k)`, and
/// `min Σ_k tr X_k s.t. X_k − D_k ⪰ 0, X_k ⪰ 0` has `tr X_k = Σ max(λ_i(D_k), 0)`.
#[test]
fn many_psd_blocks_of_different_sizes() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let random_symmetric = |rng: &mut ChaCha8Rng, n: usize| {
        let g = DMatrix::from_fn(n, n, |_, _| uniform(rng));
        0.5 * (&g + g.transpose())
    };

    let mut problem = ConicProblem::new();
    let mut want = 2.0;
    for n in 1..=8 {
        // t_k I − C_k ⪰ 0
        let c = random_symmetric(&mut rng, n);
        let t = problem.add_vars(1).start;
        problem.add_objective(t, 1.0);
        problem.add_psd(SymAffine::from_fn(n, |i, j| {
            let base = Affine::constant(-c[(i, j)]);
            if i == j {
                base.add_term(t, 1.0)
            } else {
                base
            }
        }));
        want += SymmetricEigen::new(c).eigenvalues.max();

        // X_k − D_k ⪰ 0, X_k ⪰ 0
        let d = random_symmetric(&mut rng, n);
        let x = problem.add_symmetric_var(n);
        problem.add_objective_affine(&x.trace());
        problem.add_psd(x.to_affine());
        problem.add_psd(SymAffine::from_fn(n, |i, j| {
            x.entry(i, j).add_constant(-d[(i, j)])
        }));
        let eig = SymmetricEigen::new(d).eigenvalues;
        want += eig.iter().map(|l| l.max(0.0)).sum::<f64>();
    }
    let u = problem.add_vars(1).start;
    problem.add_eq(Affine::var(u).add_constant(-2.0));
    problem.add_nonneg(Affine::var(u));
    problem.add_objective(u, 1.0);

    assert_eq!(problem.psd_sides().len(), 24);
    let sol = solve(&problem);
    assert_solved(&sol, want);
    assert!(problem.max_violation(&sol.x) <= FEAS_TOL);
}

/// `max Re(e^{−jφ} X₀₁) s.t. X = [[1, X₀₁], [X₀₁*, 1]] ⪰ 0`: 1 at `X₀₁ = e^{jφ}`, which is
/// complex unless φ is a multiple of π.
#[test]
fn hermitian_optimum_with_imaginary_part() {
    for phi in [0.3_f64, 1.0, 2.0, -2.5] {
        let mut problem = ConicProblem::new();
        let x = problem.add_hermitian_var(2);
        problem.add_hermitian_psd(x.to_affine());
        problem.add_eq(x.entry(0, 0).0.add_constant(-1.0));
        problem.add_eq(x.entry(1, 1).0.add_constant(-1.0));
        let (re, im) = x.entry(0, 1);
        let objective = re.scale(-phi.cos()).add_scaled(&im, -phi.sin());
        problem.add_objective_affine(&objective);

        let sol = solve(&problem);
        assert_solved(&sol, -1.0);
        let x01 = x.value(&sol.x)[(0, 1)];
        let err = (x01 - Complex64::from_polar(1.0, phi)).norm();
        assert!(err <= POINT_TOL, "φ = {phi}: X₀₁ = {x01}");
    }
}

/// `max Re tr(C X) s.t. tr X = 1, X ⪰ 0` over Hermitian `X` (`[n, n]`) is `λ_max(C)`, at the
/// projector on its eigenvector. Returns the solution for timing.
fn max_eigenvalue_problem(n: usize, seed: u64) -> (ConicSolution, f64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let g = DMatrix::from_fn(n, n, |_, _| {
        Complex64::new(uniform(&mut rng), uniform(&mut rng))
    });
    let c = (&g + g.adjoint()).map(|z| 0.5 * z);

    let mut problem = ConicProblem::new();
    let x = problem.add_hermitian_var(n);
    problem.add_hermitian_psd(x.to_affine());
    problem.add_eq(x.trace().add_constant(-1.0));
    problem.add_objective_affine(&x.re_trace_product(&c).scale(-1.0));
    let lambda_max = SymmetricEigen::new(c).eigenvalues.max();
    (solve(&problem), lambda_max)
}

#[test]
fn hermitian_max_eigenvalue() {
    for n in [2, 4, 8] {
        let (sol, lambda_max) = max_eigenvalue_problem(n, 20 + n as u64);
        assert_solved(&sol, -lambda_max);
    }
}

/// A 16 × 16 Hermitian block (a 32 × 32 real PSD cone); the time is printed for the record
/// (`cargo test -- --nocapture`).
#[test]
fn hermitian_block_of_side_16() {
    let start = Instant::now();
    let (sol, lambda_max) = max_eigenvalue_problem(16, 36);
    let wall_s = start.elapsed().as_secs_f64();
    assert_solved(&sol, -lambda_max);
    eprintln!(
        "16 × 16 Hermitian max-eigenvalue SDP: {} iterations, Clarabel {:.3} s, \
         adapter {:.3} s, wall {:.3} s",
        sol.iterations, sol.solve_time_s, sol.total_time_s, wall_s
    );
}

/// With one iteration allowed the first attempt stops at `MaxIterations`; the "patient" retry
/// solves the problem, and both attempts are recorded.
#[test]
fn recovery_after_iteration_limit() {
    let (problem, want) = small_sdp();
    let opts = SolveOptions {
        max_iter: 1,
        ..SolveOptions::default()
    };
    let sol = problem.solve(&opts);
    assert_solved(&sol, want);
    assert!(sol.attempts.len() >= 2, "{sol:#?}");
    assert_eq!(sol.attempts[0].label, "default");
    assert_eq!(sol.attempts[0].clarabel_status, "MaxIterations");
    assert_eq!(sol.attempts[0].status, SolveStatus::Failed);
    assert_eq!(sol.attempts[1].label, "patient");
    assert!(sol.total_time_s >= sol.solve_time_s);

    // Without recovery the failure is returned as is.
    let opts = SolveOptions {
        recovery: false,
        ..opts
    };
    let sol = problem.solve(&opts);
    assert_eq!(sol.status, SolveStatus::Failed);
    assert_eq!(sol.attempts.len(), 1);
}

/// `max x s.t. [[1, x], [x, 1]] ⪰ 0, x ≤ 2` with its optimum.
fn small_sdp() -> (ConicProblem, f64) {
    let mut problem = ConicProblem::new();
    let x = problem.add_vars(1).start;
    problem.add_psd(SymAffine::from_fn(2, |i, j| {
        if i == j {
            Affine::constant(1.0)
        } else {
            Affine::var(x)
        }
    }));
    problem.add_nonneg(Affine::term(x, -1.0).add_constant(2.0));
    problem.add_objective(x, -1.0);
    (problem, -1.0)
}

#[test]
fn invalid_options_and_data_are_not_run() {
    let (problem, _) = small_sdp();
    let opts = SolveOptions {
        tol_feas: -1.0,
        ..SolveOptions::default()
    };
    let sol = problem.solve(&opts);
    assert_eq!(sol.status, SolveStatus::Failed);
    assert!(
        sol.clarabel_status.contains("tol_feas"),
        "{}",
        sol.clarabel_status
    );
    assert!(sol.attempts.is_empty());

    let mut problem = problem;
    problem.add_nonneg(Affine::term(0, f64::NAN));
    let sol = problem.solve(&SolveOptions::default());
    assert_eq!(sol.status, SolveStatus::Failed);
    assert!(sol.attempts.is_empty());
}

#[test]
fn status_serialises_in_kebab_case() {
    let json = serde_json::to_string(&SolveStatus::ReducedAccuracy).unwrap();
    assert_eq!(json, "\"reduced-accuracy\"");
    let back: SolveStatus = serde_json::from_str("\"infeasible\"").unwrap();
    assert_eq!(back, SolveStatus::Infeasible);
    let opts: SolveOptions = toml::from_str("max_iter = 50").unwrap();
    assert_eq!(opts.max_iter, 50);
    assert!(opts.validate().is_ok());
}

#[test]
#[should_panic(expected = "variable 3 is not in the problem")]
fn expression_with_unknown_variable_panics() {
    let mut problem = ConicProblem::new();
    problem.add_vars(2);
    problem.add_eq(Affine::var(3));
}

/// A spent time budget still runs the first attempt, which stops at `MaxTime`, and no retry.
#[test]
fn time_limit_stops_after_first_attempt() {
    let (problem, _) = small_sdp();
    let opts = SolveOptions {
        time_limit_s: Some(1e-12),
        ..SolveOptions::default()
    };
    let sol = problem.solve(&opts);
    assert_eq!(sol.attempts.len(), 1, "{sol:#?}");
    assert_eq!(sol.clarabel_status, "MaxTime", "{sol:#?}");
    assert_eq!(sol.status, SolveStatus::Failed);
}

/// No constraints and a zero objective: any point is optimal.
#[test]
fn problem_without_constraints() {
    let mut problem = ConicProblem::new();
    problem.add_vars(2);
    let sol = solve(&problem);
    assert_solved(&sol, 0.0);
    assert_eq!(sol.x.len(), 2);
}
