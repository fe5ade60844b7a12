//! The real embedding of complex Hermitian matrices.
//!
//! For `X = A + jB` (`A` symmetric, `B` antisymmetric) and `z = u + jv`,
//! `zᴴ X z = [u; v]ᵀ [[A, −B], [B, A]] [u; v]`, so `X ⪰ 0` exactly when its embedding
//! `[[A, −B], [B, A]]` is. Each eigenvalue `λ` of `X` (eigenvector `w`) is an eigenvalue of the
//! embedding twice over (eigenvectors `[Re w; Im w]` and `[−Im w; Re w]`).

use nalgebra::DMatrix;
use num_complex::Complex64;

/// The real embedding `[[A, −B], [B, A]]` (`[2n, 2n]`) of `x = A + jB` (`[n, n]`).
///
/// The map is applied entry by entry, so a non-Hermitian `x` gives a non-symmetric result.
///
/// # Panics
/// If `x` is not square.
#[track_caller]
pub fn hermitian_to_real(x: &DMatrix<Complex64>) -> DMatrix<f64> {
    assert!(
        x.is_square(),
        "a Hermitian matrix is square, got {} × {}",
        x.nrows(),
        x.ncols()
    );
    let n = x.nrows();
    DMatrix::from_fn(2 * n, 2 * n, |r, c| {
        let z = x[(r % n, c % n)];
        match (r < n, c < n) {
            (true, true) | (false, false) => z.re,
            (true, false) => -z.im,
            (false, true) => z.im,
        }
    })
}

/// The Hermitian `X = A + jB` (`[n, n]`) nearest to a real `[2n, 2n]` matrix `m` that has the
/// structure of an embedding: `A` is the mean of the two diagonal blocks and `B` the mean of the
/// lower-left block and the negated upper-right block, each then made (anti)symmetric. On an
/// exact embedding this inverts [`hermitian_to_real`].
///
/// # Panics
/// If `m` is not square with even side.
#[track_caller]
pub fn real_to_hermitian(m: &DMatrix<f64>) -> DMatrix<Complex64> {
    assert!(
        m.is_square() && m.nrows() % 2 == 0,
        "a real embedding is square with even side, got {} × {}",
        m.nrows(),
        m.ncols()
    );
    let n = m.nrows() / 2;

    // Block means: A from (1,1) and (2,2), B from (2,1) and −(1,2).
    let a = |i: usize, j: usize| 0.5 * (m[(i, j)] + m[(n + i, n + j)]);
    let b = |i: usize, j: usize| 0.5 * (m[(n + i, j)] - m[(i, n + j)]);

    // Hermitian part: Re symmetric, Im antisymmetric.
    DMatrix::from_fn(n, n, |i, j| {
        Complex64::new(0.5 * (a(i, j) + a(j, i)), 0.5 * (b(i, j) - b(j, i)))
    })
}
