//! The weighted covariance mismatch (23a) and the constant-modulus beams it is evaluated on.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `target` | V̄ = αV̂ + (1−α)V̌ | the weighted guide | P_t |
//! | `offset` | α(1−α)‖V̂ − V̌‖² | the part of (23a) no design can remove | P_t² |
//! | `powers` | x = p/P_t | beam powers, `[L]`, summing to 1 | P_t |
//! | `phases` | Φ | phases, `[N_B, L]` column-major (`φ_il` at `i + l·N_B`) | rad |
//! | `beams` | F | `[F]_il = √(x_l/N_B)·e^{jφ_il}`, `[N_B, L]` | √P_t |
//!
//! Completing the square, `α‖X − V̂‖² + (1−α)‖X − V̌‖² = ‖X − V̄‖² + α(1−α)‖V̂ − V̌‖²`, so every
//! step minimises the distance to `V̄` and adds the offset back when the objective is reported.
//! Everything here is in units of the power budget `P_t` (MODEL.md §6).

use nalgebra::DMatrix;
use num_complex::Complex64;

/// The objective (23a) for one weight `α`, in units of `P_t`.
#[derive(Clone, Debug)]
pub struct Mismatch {
    /// `V̄ / P_t`, `[N_B, N_B]`.
    pub target: DMatrix<Complex64>,
    /// `α(1−α)‖V̂ − V̌‖² / P_t²`.
    pub offset: f64,
    /// `P_t`, W.
    pub budget_w: f64,
}

impl Mismatch {
    /// The objective for guides `v_bp` (V̂) and `v_ms` (V̌), both `[N_B, N_B]` in W.
    ///
    /// # Panics
    /// If the guides differ in shape or are not square.
    #[track_caller]
    pub fn new(
        v_bp: &DMatrix<Complex64>,
        v_ms: &DMatrix<Complex64>,
        alpha: f64,
        budget_w: f64,
    ) -> Self {
        assert!(
            v_bp.is_square() && v_bp.shape() == v_ms.shape(),
            "guides must be square and alike: BP {:?}, MS {:?}",
            v_bp.shape(),
            v_ms.shape()
        );
        let scale = Complex64::new(1.0 / budget_w, 0.0);
        let v_bp = v_bp * scale;
        let v_ms = v_ms * scale;
        let target = &v_bp * Complex64::new(alpha, 0.0) + &v_ms * Complex64::new(1.0 - alpha, 0.0);
        let offset = alpha * (1.0 - alpha) * (&v_bp - &v_ms).norm_squared();
        Mismatch {
            target,
            offset,
            budget_w,
        }
    }

    /// `‖X − V̄‖² + offset` for a covariance `x` in units of `P_t`.
    pub fn of_covariance(&self, x: &DMatrix<Complex64>) -> f64 {
        (x - &self.target).norm_squared() + self.offset
    }

    /// The objective of beams `F` (units of `√P_t`): that of `X = F Fᴴ`.
    pub fn of_beams(&self, beams: &DMatrix<Complex64>) -> f64 {
        self.of_covariance(&(beams * beams.adjoint()))
    }

    /// An objective value in units of `P_t²` restated in W².
    pub fn to_w2(&self, value: f64) -> f64 {
        value * self.budget_w * self.budget_w
    }
}

/// Constant-modulus beams `[F]_il = √(x_l/N_B)·e^{jφ_il}` (`[N_B, L]`) from powers `x` (`[L]`)
/// and column-major phases (`[N_B·L]`).
///
/// # Panics
/// If `phases.len() != n_tx · powers.len()`.
#[track_caller]
pub fn beams(n_tx: usize, powers: &[f64], phases: &[f64]) -> DMatrix<Complex64> {
    assert_eq!(
        phases.len(),
        n_tx * powers.len(),
        "phases must be [N_B = {n_tx}] x [L = {}]",
        powers.len()
    );
    let inv_n = 1.0 / n_tx as f64;
    DMatrix::from_fn(n_tx, powers.len(), |i, l| {
        Complex64::from_polar((powers[l] * inv_n).sqrt(), phases[i + l * n_tx])
    })
}
