//! The closed-form solutions of the mismatch problems (derivations in the [module
//! docs](super)). Each takes guides that spend the budget exactly ([`super::guides`]) and costs a
//! few small matrix products.

use nalgebra::DMatrix;
use num_complex::Complex64;

fn blend(alpha: f64, a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> DMatrix<Complex64> {
    a * Complex64::new(alpha, 0.0) + b * Complex64::new(1.0 - alpha, 0.0)
}

/// FDB-WCM (22): `V = αV̂ + (1−α)V̌` (`[n_bs, n_bs]`, W).
pub fn fdb_wcm(
    alpha: f64,
    v_bp: &DMatrix<Complex64>,
    v_ms: &DMatrix<Complex64>,
) -> DMatrix<Complex64> {
    blend(alpha, v_bp, v_ms)
}

/// FDB-WBF (18): `Ω = c (αΛ̂^{1/2} + (1−α)Λ̌^{1/2})` (`[n_cols, n_cols]`, √W) with `c > 0` such
/// that `tr(Ωᴴ G Ω) = P_t`; the beamformer is `F = UΩ`. `gram` is `G = UᴴU`.
///
/// # Panics
/// If the shapes disagree.
#[track_caller]
pub fn fdb_wbf(
    alpha: f64,
    gram: &DMatrix<Complex64>,
    root_bp: &DMatrix<Complex64>,
    root_ms: &DMatrix<Complex64>,
    budget_w: f64,
) -> DMatrix<Complex64> {
    assert_eq!(
        root_bp.shape(),
        gram.shape(),
        "root_bp must be shaped like the Gram matrix"
    );
    assert_eq!(
        root_ms.shape(),
        gram.shape(),
        "root_ms must be shaped like the Gram matrix"
    );
    let omega = blend(alpha, root_bp, root_ms);
    let energy = (omega.adjoint() * gram * &omega).trace().re;
    omega * Complex64::new((budget_w / energy).sqrt(), 0.0)
}

/// CPA-WBF (20): `v = c (α√p̂ + (1−α)√p̌)` (`[n_cols]`, √W) with `c > 0` such that
/// `Σ_i ‖u_i‖² v_i² = P_t`; the powers are `p = v²`. `energies` are `‖u_i‖²`.
///
/// # Panics
/// If the lengths disagree.
#[track_caller]
pub fn cpa_wbf(
    alpha: f64,
    energies: &[f64],
    p_bp: &[f64],
    p_ms: &[f64],
    budget_w: f64,
) -> Vec<f64> {
    assert_eq!(
        p_bp.len(),
        energies.len(),
        "p_bp must have one power per codebook column"
    );
    assert_eq!(
        p_ms.len(),
        energies.len(),
        "p_ms must have one power per codebook column"
    );
    let v: Vec<f64> = p_bp
        .iter()
        .zip(p_ms)
        .map(|(&a, &b)| alpha * a.max(0.0).sqrt() + (1.0 - alpha) * b.max(0.0).sqrt())
        .collect();
    let energy: f64 = v.iter().zip(energies).map(|(x, e)| e * x * x).sum();
    let c = (budget_w / energy).sqrt();
    v.into_iter().map(|x| c * x).collect()
}

/// CPA-WCM over the guides' own codebook: `p = αp̂ + (1−α)p̌` (`[n_cols]`, W).
///
/// # Panics
/// If the lengths disagree.
#[track_caller]
pub fn cpa_wcm(alpha: f64, p_bp: &[f64], p_ms: &[f64]) -> Vec<f64> {
    assert_eq!(
        p_bp.len(),
        p_ms.len(),
        "the guides must have the same number of powers"
    );
    p_bp.iter()
        .zip(p_ms)
        .map(|(&a, &b)| alpha * a + (1.0 - alpha) * b)
        .collect()
}
