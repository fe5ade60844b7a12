//! Packing and embedding invariants of the conic adapter: `svec`/`smat` round trips, the real
//! embedding of Hermitian matrices, and the layouts of matrix variables.

use bpms::solver::affine::{Affine, HermAffine, SymAffine};
use bpms::solver::svec::{svec_index, svec_len};
use bpms::solver::{
    hermitian_to_real, real_to_hermitian, smat, svec, ConicProblem, HermitianVar, SymmetricVar,
};
use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Round trips multiply and divide by `√2` once each: exact up to a few ulps of the entries,
/// which are O(1).
const ROUND_TRIP_TOL: f64 = 1e-14;

/// Eigenvalue comparisons of `n ≤ 8` matrices with O(1) entries: the symmetric eigensolver is
/// backward stable, errors a small multiple of `n · ε · ‖M‖`.
const EIG_TOL: f64 = 1e-12;

const MAX_SIDE: usize = 8;

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    2.0 * rng.random::<f64>() - 1.0
}

fn random_symmetric(rng: &mut ChaCha8Rng, n: usize) -> DMatrix<f64> {
    let g = DMatrix::from_fn(n, n, |_, _| uniform(rng));
    0.5 * (&g + g.transpose())
}

fn random_complex(rng: &mut ChaCha8Rng, n_rows: usize, n_cols: usize) -> DMatrix<Complex64> {
    DMatrix::from_fn(n_rows, n_cols, |_, _| {
        Complex64::new(uniform(rng), uniform(rng))
    })
}

fn random_hermitian(rng: &mut ChaCha8Rng, n: usize) -> DMatrix<Complex64> {
    let g = random_complex(rng, n, n);
    (&g + g.adjoint()).map(|z| 0.5 * z)
}

fn max_abs_diff(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    (a - b).abs().max()
}

fn max_abs_diff_c(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> f64 {
    (a - b).iter().map(|z| z.norm()).fold(0.0, f64::max)
}

fn sorted_eigenvalues(m: DMatrix<f64>) -> Vec<f64> {
    let mut eig: Vec<f64> = SymmetricEigen::new(m).eigenvalues.iter().copied().collect();
    eig.sort_by(f64::total_cmp);
    eig
}

fn sorted_hermitian_eigenvalues(m: DMatrix<Complex64>) -> Vec<f64> {
    let mut eig: Vec<f64> = SymmetricEigen::new(m).eigenvalues.iter().copied().collect();
    eig.sort_by(f64::total_cmp);
    eig
}

#[test]
fn svec_smat_round_trip() {
    let mut rng = rng(1);
    for n in 1..=MAX_SIDE {
        for _ in 0..5 {
            let m = random_symmetric(&mut rng, n);
            let v = svec(&m);
            assert_eq!(v.len(), svec_len(n));
            assert!(max_abs_diff(&smat(&v), &m) <= ROUND_TRIP_TOL, "n = {n}");

            let v2: Vec<f64> = (0..svec_len(n)).map(|_| uniform(&mut rng)).collect();
            let back = svec(&smat(&v2));
            let err = v2.iter().zip(&back).map(|(a, b)| (a - b).abs());
            assert!(err.fold(0.0, f64::max) <= ROUND_TRIP_TOL, "n = {n}");
        }
    }
}

#[test]
fn svec_uses_column_wise_upper_triangle_with_sqrt2() {
    let m = DMatrix::from_row_slice(3, 3, &[1.0, 2.0, 4.0, 2.0, 3.0, 5.0, 4.0, 5.0, 6.0]);
    let r = std::f64::consts::SQRT_2;
    let expected = [1.0, 2.0 * r, 3.0, 4.0 * r, 5.0 * r, 6.0];
    for (got, want) in svec(&m).iter().zip(expected) {
        assert!((got - want).abs() <= ROUND_TRIP_TOL);
    }
}

#[test]
fn svec_is_an_isometry() {
    // ⟨svec A, svec B⟩ = tr(A B): the property that lets Clarabel treat the packed cone as
    // self-dual.
    let mut rng = rng(2);
    for n in 1..=MAX_SIDE {
        let a = random_symmetric(&mut rng, n);
        let b = random_symmetric(&mut rng, n);
        let dot: f64 = svec(&a).iter().zip(svec(&b)).map(|(x, y)| x * y).sum();
        assert!((dot - (&a * &b).trace()).abs() <= EIG_TOL, "n = {n}");
    }
}

#[test]
fn svec_of_non_symmetric_is_of_symmetric_part() {
    let mut rng = rng(3);
    let g = DMatrix::from_fn(4, 4, |_, _| uniform(&mut rng));
    let sym = 0.5 * (&g + g.transpose());
    let (a, b) = (svec(&g), svec(&sym));
    assert!(a
        .iter()
        .zip(&b)
        .all(|(x, y)| (x - y).abs() <= ROUND_TRIP_TOL));
}

#[test]
fn hermitian_embedding_round_trip() {
    let mut rng = rng(4);
    for n in 1..=MAX_SIDE {
        let x = random_hermitian(&mut rng, n);
        let m = hermitian_to_real(&x);
        assert_eq!(m.shape(), (2 * n, 2 * n));
        assert!(
            max_abs_diff(&m, &m.transpose()) <= 0.0,
            "embedding is symmetric"
        );
        assert!(max_abs_diff_c(&real_to_hermitian(&m), &x) <= ROUND_TRIP_TOL);
        if n > 1 {
            assert!(
                x.iter().any(|z| z.im.abs() > 0.1),
                "test input is genuinely complex"
            );
        }
    }
}

#[test]
fn embedding_of_psd_is_psd_with_doubled_eigenvalues() {
    let mut rng = rng(5);
    for n in 1..=MAX_SIDE {
        // Rank-deficient PSD when n > 2: X = G Gᴴ with G of n × max(n − 2, 1).
        let g = random_complex(&mut rng, n, n.saturating_sub(2).max(1));
        let x = &g * g.adjoint();
        let eig_x = sorted_hermitian_eigenvalues(x.clone());
        let eig_m = sorted_eigenvalues(hermitian_to_real(&x));
        assert!(eig_m[0] >= -EIG_TOL, "n = {n}: λ_min = {}", eig_m[0]);
        for (k, lambda) in eig_x.iter().enumerate() {
            assert!((eig_m[2 * k] - lambda).abs() <= EIG_TOL, "n = {n}");
            assert!((eig_m[2 * k + 1] - lambda).abs() <= EIG_TOL, "n = {n}");
        }
    }
}

#[test]
fn embedding_of_indefinite_is_indefinite() {
    let mut rng = rng(6);
    for n in 2..=MAX_SIDE {
        // Shift a PSD matrix by its mean eigenvalue: both signs present.
        let g = random_complex(&mut rng, n, n);
        let psd = &g * g.adjoint();
        let shift = psd.trace().re / n as f64;
        let x = psd - DMatrix::<Complex64>::identity(n, n).map(|z| z * shift);
        let eig_m = sorted_eigenvalues(hermitian_to_real(&x));
        assert!(eig_m[0] < -EIG_TOL && eig_m[2 * n - 1] > EIG_TOL, "n = {n}");
    }
}

#[test]
fn herm_affine_embedding_matches_numeric_embedding() {
    let mut rng = rng(7);
    let n = 5;
    let mut problem = ConicProblem::new();
    let var = problem.add_hermitian_var(n);
    let x: Vec<f64> = (0..problem.n_vars()).map(|_| uniform(&mut rng)).collect();
    let affine = var.to_affine();
    let value = var.value(&x);
    assert!(max_abs_diff_c(&affine.eval(&x), &value) <= 0.0);
    assert!(
        max_abs_diff_c(&value, &value.adjoint()) <= 0.0,
        "value is Hermitian"
    );
    let embedded = affine.real_embedding().eval(&x);
    assert!(max_abs_diff(&embedded, &hermitian_to_real(&value)) <= 0.0);
}

#[test]
fn hermitian_var_layout() {
    let var = HermitianVar { n: 3, offset: 10 };
    assert_eq!(var.len(), 9);
    assert_eq!(var.range(), 10..19);
    // Diagonal first, then Re of (0,1), (0,2), (1,2), then Im in the same order.
    assert_eq!(var.entry(2, 2), (Affine::var(12), Affine::zero()));
    assert_eq!(var.entry(0, 1), (Affine::var(13), Affine::var(16)));
    assert_eq!(var.entry(1, 2), (Affine::var(15), Affine::var(18)));
    assert_eq!(var.entry(2, 1), (Affine::var(15), Affine::term(18, -1.0)));
}

#[test]
fn symmetric_var_layout() {
    let var = SymmetricVar { n: 4, offset: 3 };
    assert_eq!(var.len(), 10);
    for i in 0..4 {
        for j in 0..4 {
            assert_eq!(var.entry(i, j), Affine::var(3 + svec_index(i, j)));
        }
    }
}

#[test]
fn trace_products_match_dense_products() {
    let mut rng = rng(8);
    let n = 4;
    let mut problem = ConicProblem::new();
    let h = problem.add_hermitian_var(n);
    let s = problem.add_symmetric_var(n);
    let x: Vec<f64> = (0..problem.n_vars()).map(|_| uniform(&mut rng)).collect();

    let c = random_complex(&mut rng, n, n);
    let want = (&c * h.value(&x)).trace().re;
    assert!((h.re_trace_product(&c).eval(&x) - want).abs() <= EIG_TOL);
    assert!((h.trace().eval(&x) - h.value(&x).trace().re).abs() <= EIG_TOL);

    let d = DMatrix::from_fn(n, n, |_, _| uniform(&mut rng));
    let want = (&d * s.value(&x)).trace();
    assert!((s.trace_product(&d).eval(&x) - want).abs() <= EIG_TOL);
}

#[test]
fn herm_affine_set_below_diagonal_stores_conjugate() {
    let mut m = HermAffine::zeros(3);
    m.set(2, 0, Affine::constant(1.0), Affine::constant(2.0));
    let (re, im) = m.get(0, 2);
    assert_eq!((re.constant, im.constant), (1.0, -2.0));
    m.add_to(2, 0, &Affine::zero(), &Affine::constant(1.0));
    assert_eq!(m.get(2, 0).1.eval(&[]), 3.0);
    assert_eq!(m.get(0, 2).1.eval(&[]), -3.0);
}

#[test]
#[should_panic(expected = "must be real")]
fn herm_affine_rejects_imaginary_diagonal() {
    let mut m = HermAffine::zeros(2);
    m.set(1, 1, Affine::constant(1.0), Affine::constant(0.5));
}

#[test]
fn sym_affine_from_constant_symmetrises() {
    let c = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 4.0, 3.0]);
    let m = SymAffine::from_constant(&c);
    assert_eq!(m.get(1, 0).constant, 3.0);
    assert_eq!(
        m.eval(&[]),
        DMatrix::from_row_slice(2, 2, &[1.0, 3.0, 3.0, 3.0])
    );
}
