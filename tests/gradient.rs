//! The analytic gradients of the bounds against central finite differences along seeded random
//! Hermitian directions, in both the full (`V`) and reduced (`Λ`) coordinates.

use bpms::{BoundModel, Scenario};
use nalgebra::DMatrix;
use num_complex::Complex64;

/// Central differences with a relative step h have truncation error O(h²) ≈ 1e-8 at h = 1e-4
/// of the covariance's scale, and rounding error ≈ ε/h ≈ 1e-12: 1e-6 relative leaves margin for
/// the curvature of the bounds.
const FD_REL_TOL: f64 = 1e-6;
const FD_STEP: f64 = 1e-4;

/// splitmix64, for seeded directions without a dependency.
fn splitmix(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

fn random_hermitian(n: usize, seed: u64) -> DMatrix<Complex64> {
    let mut state = seed;
    let a = DMatrix::from_fn(n, n, |_, _| {
        Complex64::new(splitmix(&mut state), splitmix(&mut state))
    });
    (&a + a.adjoint()) * Complex64::new(0.5, 0.0)
}

fn inner(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| (x.conj() * y).re).sum()
}

fn all_bounds(b: &bpms::Bounds) -> [f64; 4] {
    [
        b.crb_bp_m2,
        b.crb_ms_m2,
        b.fused.crb_bp_m2,
        b.fused.crb_ms_m2,
    ]
}

#[test]
fn covariance_gradients_match_finite_differences() {
    for n_targets in 1..=3 {
        let scene = Scenario::default_paper().scene(Some(n_targets)).unwrap();
        let model = BoundModel::new(&scene).unwrap();
        let v = BoundModel::isotropic_covariance(&scene);
        let scale = scene.power_budget_w();
        let grads = model.gradients_w(&model.w_of_covariance(&v)).unwrap();
        for seed in 0..3 {
            let dir = random_hermitian(scene.n_bs, 17 + seed) * Complex64::new(scale / 16.0, 0.0);
            let h = Complex64::new(FD_STEP, 0.0);
            let plus = model.evaluate(&(&v + &dir * h)).unwrap();
            let minus = model.evaluate(&(&v - &dir * h)).unwrap();
            let fd: Vec<f64> = all_bounds(&plus)
                .iter()
                .zip(all_bounds(&minus))
                .map(|(p, m)| (p - m) / (2.0 * FD_STEP))
                .collect();
            for (i, part) in [&grads.bp, &grads.ms, &grads.fused_bp, &grads.fused_ms]
                .iter()
                .enumerate()
            {
                let analytic = inner(&model.gradient_wrt_covariance(part), &dir);
                let err = (analytic - fd[i]).abs() / fd[i].abs().max(1e-300);
                assert!(
                    err < FD_REL_TOL,
                    "K={n_targets} seed={seed} bound {i}: analytic {analytic:e} fd {} err {err:e}",
                    fd[i]
                );
            }
        }
    }
}

#[test]
fn reduced_gradients_match_finite_differences() {
    let scene = Scenario::default_paper().scene(None).unwrap();
    let model = BoundModel::new(&scene).unwrap();
    let n = model.codebook().ncols();
    // Λ = c·I maps to a full-rank-in-span(U) covariance.
    let lambda =
        DMatrix::from_diagonal_element(n, n, Complex64::new(scene.power_budget_w() / 8.0, 0.0));
    let grads = model.gradients_w(&model.w_of_reduced(&lambda)).unwrap();
    let c = grads.combine([0.3, 0.7, 0.0, 0.0]);
    for seed in 0..3 {
        let dir =
            random_hermitian(n, 99 + seed) * Complex64::new(scene.power_budget_w() / 64.0, 0.0);
        let h = Complex64::new(FD_STEP, 0.0);
        let f = |l: &DMatrix<Complex64>| {
            model
                .evaluate_w(&model.w_of_reduced(l))
                .unwrap()
                .weighted_m2(0.3)
        };
        let fd = (f(&(&lambda + &dir * h)) - f(&(&lambda - &dir * h))) / (2.0 * FD_STEP);
        let analytic = inner(&model.gradient_wrt_reduced(&c), &dir);
        let err = (analytic - fd).abs() / fd.abs();
        assert!(
            err < FD_REL_TOL,
            "seed={seed}: analytic {analytic:e} fd {fd:e} err {err:e}"
        );
    }
}
