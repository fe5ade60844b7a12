//! Packing of symmetric matrices into Clarabel's PSD triangle cone.
//!
//! Clarabel's `PSDTriangleConeT(n)` holds the slack `s = svec(S)` of an `n × n` symmetric
//! matrix `S`: the upper triangle stacked column by column, the off-diagonal entries scaled by
//! `√2` so that `⟨svec(S), svec(Z)⟩ = tr(S Z)`:
//!
//! ```text
//! svec(S) = [S₀₀, √2 S₀₁, S₁₁, √2 S₀₂, √2 S₁₂, S₂₂, …]
//! ```
//!
//! (Clarabel 0.11.1, `algebra/dense/matrix_math.rs`: `mat_to_svec` and `svec_to_mat`, used by
//! `PSDTriangleCone` for its slack and dual variables.) Entry `(i, j)`, `i ≤ j`, sits at index
//! `j(j + 1)/2 + i`.

use nalgebra::DMatrix;
use std::f64::consts::{FRAC_1_SQRT_2, SQRT_2};

/// Length of `svec` of an `n × n` matrix: the triangular number `n(n + 1)/2`.
pub fn svec_len(n: usize) -> usize {
    n * (n + 1) / 2
}

/// Index of entry `(i, j)` (either order) in `svec` of a matrix of any size.
pub fn svec_index(i: usize, j: usize) -> usize {
    let (row, col) = if i <= j { (i, j) } else { (j, i) };
    col * (col + 1) / 2 + row
}

/// Scale applied to entry `(i, j)` in `svec`: `1` on the diagonal, `√2` off it.
pub fn svec_scale(i: usize, j: usize) -> f64 {
    if i == j {
        1.0
    } else {
        SQRT_2
    }
}

/// The `(row, col)` pairs of the upper triangle of an `n × n` matrix in `svec` order.
pub fn upper_triangle(n: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..n).flat_map(|col| (0..=col).map(move |row| (row, col)))
}

/// `svec` of the symmetric part `(m + mᵀ)/2` of a square matrix.
///
/// # Panics
/// If `m` is not square.
#[track_caller]
pub fn svec(m: &DMatrix<f64>) -> Vec<f64> {
    assert!(
        m.is_square(),
        "svec needs a square matrix, got {} × {}",
        m.nrows(),
        m.ncols()
    );
    upper_triangle(m.nrows())
        .map(|(i, j)| {
            if i == j {
                m[(i, i)]
            } else {
                (m[(i, j)] + m[(j, i)]) * FRAC_1_SQRT_2
            }
        })
        .collect()
}

/// The symmetric matrix whose `svec` is `v` (the inverse of [`svec`] on symmetric matrices).
///
/// # Panics
/// If `v.len()` is not a triangular number.
#[track_caller]
pub fn smat(v: &[f64]) -> DMatrix<f64> {
    let n = side_of_svec_len(v.len());
    let mut m = DMatrix::zeros(n, n);
    for ((i, j), &value) in upper_triangle(n).zip(v) {
        let entry = value / svec_scale(i, j);
        m[(i, j)] = entry;
        m[(j, i)] = entry;
    }
    m
}

/// The side `n` of a matrix with `svec_len(n) == len`.
///
/// # Panics
/// If `len` is not a triangular number.
#[track_caller]
pub fn side_of_svec_len(len: usize) -> usize {
    // n = (√(8 len + 1) − 1)/2, then corrected for rounding of the square root.
    let mut n = (((8 * len + 1) as f64).sqrt() as usize).saturating_sub(1) / 2;
    while svec_len(n) < len {
        n += 1;
    }
    assert_eq!(
        svec_len(n),
        len,
        "an svec has a triangular-number length, got {len}"
    );
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_follows_column_wise_upper_triangle() {
        let order: Vec<usize> = upper_triangle(4).map(|(i, j)| svec_index(i, j)).collect();
        assert_eq!(order, (0..10).collect::<Vec<_>>());
        assert_eq!(svec_index(2, 1), svec_index(1, 2));
        assert_eq!(svec_index(1, 2), 4);
    }

    #[test]
    fn side_recovers_every_size() {
        for n in 0..200 {
            assert_eq!(side_of_svec_len(svec_len(n)), n);
        }
    }

    #[test]
    #[should_panic(expected = "triangular-number length")]
    fn side_rejects_non_triangular_length() {
        side_of_svec_len(4);
    }

    #[test]
    fn svec_preserves_inner_product() {
        let a = DMatrix::from_row_slice(3, 3, &[1.0, 2.0, 3.0, 2.0, 5.0, 6.0, 3.0, 6.0, 9.0]);
        let b = DMatrix::from_row_slice(3, 3, &[4.0, -1.0, 0.5, -1.0, 2.0, 7.0, 0.5, 7.0, -3.0]);
        let dot: f64 = svec(&a).iter().zip(svec(&b)).map(|(x, y)| x * y).sum();
        let trace = (&a * &b).trace();
        assert!((dot - trace).abs() <= 1e-12 * trace.abs());
    }
}
