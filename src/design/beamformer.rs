//! From a transmit covariance to beamformers (MODEL.md §4, "From V to beamformers").
//!
//! `F = V^{1/2}` (Hermitian square root) padded with zero columns to `L` beams when `N_B ≤ L`;
//! when `N_B > L`, the `L` strongest eigen-directions `F = Q_L Σ_L^{1/2}`, which is exact when
//! `rank V ≤ L` and otherwise the best rank-`L` approximation (its residual is reported).

use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;

/// Beamformers `F` (`[N_B, L]`) and the relative residual `‖V − F Fᴴ‖_F / ‖V‖_F`.
#[derive(Clone, Debug)]
pub struct Beamformers {
    pub f: DMatrix<Complex64>,
    pub residual_rel: f64,
}

/// Eigen-decomposition of a Hermitian matrix: eigenvalues ascending and unit eigenvectors.
pub fn hermitian_eigen(v: &DMatrix<Complex64>) -> (Vec<f64>, DMatrix<Complex64>) {
    let eig = SymmetricEigen::new(v.clone());
    let mut order: Vec<usize> = (0..v.nrows()).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[a].total_cmp(&eig.eigenvalues[b]));
    let values = order.iter().map(|&k| eig.eigenvalues[k]).collect();
    let vectors = DMatrix::from_fn(v.nrows(), v.nrows(), |i, j| eig.eigenvectors[(i, order[j])]);
    (values, vectors)
}

/// Projects a Hermitian matrix onto the PSD cone (negative eigenvalues clipped to zero); returns
/// the projection and the most negative eigenvalue removed (0 when already PSD).
pub fn psd_projection(v: &DMatrix<Complex64>) -> (DMatrix<Complex64>, f64) {
    let (values, vectors) = hermitian_eigen(v);
    let most_negative = values.iter().copied().fold(0.0_f64, f64::min);
    let n = v.nrows();
    let mut out = DMatrix::zeros(n, n);
    for (k, &lambda) in values.iter().enumerate() {
        if lambda > 0.0 {
            let q = vectors.column(k);
            out += (q * q.adjoint()) * Complex64::new(lambda, 0.0);
        }
    }
    (out, -most_negative)
}

/// Beamformers for `L = n_slots` beams from a PSD covariance `v`.
pub fn beamformers(v: &DMatrix<Complex64>, n_slots: usize) -> Beamformers {
    let n = v.nrows();
    let (values, vectors) = hermitian_eigen(v);
    let mut f = DMatrix::zeros(n, n_slots);
    if n <= n_slots {
        // Hermitian square root, padded.
        let mut root = DMatrix::zeros(n, n);
        for (k, &lambda) in values.iter().enumerate() {
            let q = vectors.column(k);
            root += (q * q.adjoint()) * Complex64::new(lambda.max(0.0).sqrt(), 0.0);
        }
        f.columns_mut(0, n).copy_from(&root);
    } else {
        // Strongest L eigen-directions (eigenvalues are ascending).
        for l in 0..n_slots {
            let k = n - 1 - l;
            let col = vectors.column(k) * Complex64::new(values[k].max(0.0).sqrt(), 0.0);
            f.set_column(l, &col);
        }
    }
    let residual = (v - &f * f.adjoint()).norm() / v.norm().max(f64::MIN_POSITIVE);
    Beamformers {
        f,
        residual_rel: residual,
    }
}
