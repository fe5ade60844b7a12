//! The guides of the mismatch designs, prepared once from the weighted-sum CRB designs at
//! `α = 1` (BP-optimal, `V̂`) and `α = 0` (MS-optimal, `V̌`).
//!
//! The mismatch problems (17b), (20b), (22b) spend the budget with equality, and the guides are
//! optimal points of problems whose optimum spends it too (each CRB decreases as power grows), so
//! a guide is taken as the feasible point it is meant to be: negative codebook powers left by the
//! interior-point solver are clipped to zero and each guide is scaled to `P_t` exactly. The
//! adjustment is at solver tolerance; its size is returned as `rescale_rel` (and logged), so it is
//! visible, never silent.

use nalgebra::DMatrix;
use num_complex::Complex64;

use crate::design::beamformer::hermitian_eigen;
use crate::design::Guides;

/// The FDB guides: covariances and their reduced square roots.
#[derive(Clone, Debug)]
pub struct FdbGuides {
    /// `V̂`, `[n_bs, n_bs]`, W, with `tr V̂ = P_t`.
    pub v_bp: DMatrix<Complex64>,
    /// `V̌`, `[n_bs, n_bs]`, W, with `tr V̌ = P_t`.
    pub v_ms: DMatrix<Complex64>,
    /// `Λ̂^{1/2}`, the Hermitian PSD square root of `Λ̂ = U⁺ V̂ U⁺ᴴ`, `[n_cols, n_cols]`, √W; the
    /// guide beamformer is `F̂ = U Λ̂^{1/2}`.
    pub root_bp: DMatrix<Complex64>,
    /// `Λ̌^{1/2}`, likewise.
    pub root_ms: DMatrix<Complex64>,
    /// Largest `|P_t / tr V − 1|` over the two guides.
    pub rescale_rel: f64,
}

/// The CPA guides: codebook powers.
#[derive(Clone, Debug)]
pub struct CpaGuides {
    /// `p̂`, `[n_cols]`, W, nonnegative, with `Σ p̂_i ‖u_i‖² = P_t`.
    pub p_bp: Vec<f64>,
    /// `p̌`, likewise.
    pub p_ms: Vec<f64>,
    /// Largest `|P_t / Σ p_i ‖u_i‖² − 1|` over the two guides (after clipping).
    pub rescale_rel: f64,
}

impl FdbGuides {
    /// Prepares the FDB guides. `codebook` is `U` (`[n_bs, n_cols]`, full column rank), whose
    /// span holds the guides (Remark 2), so `U Λ̂ Uᴴ = V̂`.
    pub fn new(guides: &Guides, codebook: &DMatrix<Complex64>, budget_w: f64) -> Self {
        let (v_bp, scale_bp) = at_budget(&guides.bp.covariance, budget_w);
        let (v_ms, scale_ms) = at_budget(&guides.ms.covariance, budget_w);
        let pinv = pseudo_inverse(codebook);
        let root = |v: &DMatrix<Complex64>| hermitian_sqrt(&(&pinv * v * pinv.adjoint()));
        let rescale_rel = (scale_bp - 1.0).abs().max((scale_ms - 1.0).abs());
        tracing::debug!(rescale_rel, "FDB mismatch guides scaled to the budget");
        FdbGuides {
            root_bp: root(&v_bp),
            root_ms: root(&v_ms),
            v_bp,
            v_ms,
            rescale_rel,
        }
    }
}

impl CpaGuides {
    /// Prepares the CPA guides from the CPA-WCRB designs over `codebook`.
    ///
    /// # Panics
    /// If a guide has no codebook powers (it is not a CPA design).
    #[track_caller]
    pub fn new(guides: &Guides, codebook: &DMatrix<Complex64>, budget_w: f64) -> Self {
        let energies: Vec<f64> = codebook.column_iter().map(|c| c.norm_squared()).collect();
        let prepare = |p: &Option<Vec<f64>>| -> (Vec<f64>, f64) {
            let p = p.as_ref().expect("a CPA guide carries its codebook powers");
            let clipped: Vec<f64> = p.iter().map(|&x| x.max(0.0)).collect();
            let used: f64 = clipped.iter().zip(&energies).map(|(x, e)| x * e).sum();
            let scale = budget_w / used;
            (clipped.iter().map(|x| x * scale).collect(), scale)
        };
        let (p_bp, scale_bp) = prepare(&guides.bp.powers_w);
        let (p_ms, scale_ms) = prepare(&guides.ms.powers_w);
        let rescale_rel = (scale_bp - 1.0).abs().max((scale_ms - 1.0).abs());
        tracing::debug!(rescale_rel, "CPA mismatch guides scaled to the budget");
        CpaGuides {
            p_bp,
            p_ms,
            rescale_rel,
        }
    }
}

/// `v · P_t / tr v` and the scale applied.
fn at_budget(v: &DMatrix<Complex64>, budget_w: f64) -> (DMatrix<Complex64>, f64) {
    let scale = budget_w / v.trace().re;
    (v * Complex64::new(scale, 0.0), scale)
}

/// `U⁺ = (UᴴU)⁻¹ Uᴴ` through the eigen-decomposition of the Gram matrix; directions whose Gram
/// eigenvalue is below `n_cols · ε · λ_max` are dropped (a rank-deficient codebook).
fn pseudo_inverse(u: &DMatrix<Complex64>) -> DMatrix<Complex64> {
    let gram = u.adjoint() * u;
    let (values, vectors) = hermitian_eigen(&gram);
    let largest = values.last().copied().unwrap_or(0.0);
    let floor = gram.nrows() as f64 * f64::EPSILON * largest;
    let mut inv = DMatrix::zeros(gram.nrows(), gram.ncols());
    for (k, &lambda) in values.iter().enumerate() {
        if lambda > floor {
            let q = vectors.column(k);
            inv += (q * q.adjoint()) * Complex64::new(1.0 / lambda, 0.0);
        }
    }
    inv * u.adjoint()
}

/// The Hermitian PSD square root (negative eigenvalues, from rounding, are clipped to zero).
pub fn hermitian_sqrt(m: &DMatrix<Complex64>) -> DMatrix<Complex64> {
    let (values, vectors) = hermitian_eigen(m);
    let mut root = DMatrix::zeros(m.nrows(), m.ncols());
    for (k, &lambda) in values.iter().enumerate() {
        let q = vectors.column(k);
        root += (q * q.adjoint()) * Complex64::new(lambda.max(0.0).sqrt(), 0.0);
    }
    root
}
