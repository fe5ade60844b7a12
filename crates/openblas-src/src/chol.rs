//! `?potrf` (Cholesky factorisation) and `?potrs` (solve with the factor).
//!
//! These are direct loops rather than calls into nalgebra's `Cholesky`: LAPACK's
//! contract needs the order `k` of the first non-positive-definite leading
//! minor (`info = k`) and the factor written in place into the `uplo` triangle
//! only, which nalgebra's API does not expose. The algorithm is the unblocked
//! one of LAPACK's `?potf2`.

use std::os::raw::{c_char, c_int};

use crate::blas::parse_uplo;
use crate::raw::{mat_len, max1, read_char, read_int, slice, slice_mut, xerbla, Real};

/// Cholesky factorisation of the symmetric positive definite `n x n` matrix `A`:
/// `A = U^T U` (`uplo = 'U'`) or `A = L L^T` (`uplo = 'L'`), overwriting the
/// `uplo` triangle of `A` (the other triangle is neither read nor written).
/// `info = k > 0` if the leading minor of order `k` is not positive definite
/// (or contains NaN); then `A(k,k)` holds the offending pivot value and
/// columns/rows `1..k-1` hold the partial factor.
///
/// # Safety
/// Fortran LAPACK contract: pointers valid for the validated dimensions.
pub(crate) unsafe fn potrf<T: Real>(
    name: &str,
    uplo: *const c_char,
    n: *const c_int,
    a: *mut T,
    lda: *const c_int,
    info: *mut c_int,
) {
    let upper = parse_uplo(read_char(uplo));
    let (n, lda) = (read_int(n), read_int(lda));
    *info = if upper.is_none() {
        -1
    } else if n < 0 {
        -2
    } else if lda < max1(n) {
        -4
    } else {
        0
    };
    if *info != 0 {
        return xerbla(name, -*info);
    }
    let (n, lda) = (n as usize, lda as usize);
    let a = slice_mut(a, mat_len(n, n, lda));
    *info = if upper == Some(true) {
        potrf_upper(a, n, lda)
    } else {
        potrf_lower(a, n, lda)
    };
}

/// `x > 0`, false for NaN (LAPACK's `AJJ.LE.ZERO .OR. DISNAN(AJJ)` test, negated).
fn is_positive<T: Real>(x: T) -> bool {
    matches!(x.partial_cmp(&T::zero()), Some(std::cmp::Ordering::Greater))
}

/// `A = U^T U`, row `j` of `U` computed at step `j`. Returns LAPACK's `info`.
fn potrf_upper<T: Real>(a: &mut [T], n: usize, lda: usize) -> i32 {
    for j in 0..n {
        let colj = &a[j * lda..j * lda + j];
        let ajj = a[j * lda + j] - colj.iter().fold(T::zero(), |s, &v| s + v * v);
        if !is_positive(ajj) {
            a[j * lda + j] = ajj;
            return j as i32 + 1;
        }
        let ajj = ajj.sqrt();
        a[j * lda + j] = ajj;
        for i in j + 1..n {
            let s = a[j * lda..j * lda + j]
                .iter()
                .zip(&a[i * lda..i * lda + j])
                .fold(T::zero(), |s, (&u, &v)| s + u * v);
            a[i * lda + j] = (a[i * lda + j] - s) / ajj;
        }
    }
    0
}

/// `A = L L^T`, column `j` of `L` computed at step `j`. Returns LAPACK's `info`.
fn potrf_lower<T: Real>(a: &mut [T], n: usize, lda: usize) -> i32 {
    for j in 0..n {
        let ajj = a[j * lda + j] - (0..j).fold(T::zero(), |s, k| s + a[j + k * lda].powi(2));
        if !is_positive(ajj) {
            a[j * lda + j] = ajj;
            return j as i32 + 1;
        }
        let ajj = ajj.sqrt();
        let (head, tail) = a.split_at_mut(j * lda);
        let colj = &mut tail[j..n];
        colj[0] = ajj;
        for k in 0..j {
            let t = head[j + k * lda];
            let colk = &head[k * lda + j + 1..k * lda + n];
            colj[1..]
                .iter_mut()
                .zip(colk)
                .for_each(|(c, &l)| *c -= t * l);
        }
        colj[1..].iter_mut().for_each(|c| *c /= ajj);
    }
    0
}

/// Solve `A X = B` for `X` (overwriting `B`, `n x nrhs`) given the Cholesky
/// factor computed by [`potrf`] with the same `uplo`.
///
/// # Safety
/// Fortran LAPACK contract: pointers valid for the validated dimensions, `b`
/// not overlapping `a`.
pub(crate) unsafe fn potrs<T: Real>(
    name: &str,
    uplo: *const c_char,
    n: *const c_int,
    nrhs: *const c_int,
    a: *const T,
    lda: *const c_int,
    b: *mut T,
    ldb: *const c_int,
    info: *mut c_int,
) {
    let upper = parse_uplo(read_char(uplo));
    let (n, nrhs) = (read_int(n), read_int(nrhs));
    let (lda, ldb) = (read_int(lda), read_int(ldb));
    *info = if upper.is_none() {
        -1
    } else if n < 0 {
        -2
    } else if nrhs < 0 {
        -3
    } else if lda < max1(n) {
        -5
    } else if ldb < max1(n) {
        -7
    } else {
        0
    };
    if *info != 0 {
        return xerbla(name, -*info);
    }
    let (n, nrhs, lda, ldb) = (n as usize, nrhs as usize, lda as usize, ldb as usize);
    let a = slice(a, mat_len(n, n, lda));
    let b = slice_mut(b, mat_len(n, nrhs, ldb));
    // Column i of the stored triangle, strictly off-diagonal part.
    let upper_col = |i: usize| &a[i * lda..i * lda + i];
    let lower_col = |i: usize| &a[i * lda + i + 1..i * lda + n];
    for r in 0..nrhs {
        let x = &mut b[r * ldb..r * ldb + n];
        if upper == Some(true) {
            // U^T y = b (forward), then U x = y (backward).
            for i in 0..n {
                let s = upper_col(i)
                    .iter()
                    .zip(&x[..i])
                    .fold(T::zero(), |s, (&u, &v)| s + u * v);
                x[i] = (x[i] - s) / a[i * lda + i];
            }
            for i in (0..n).rev() {
                x[i] /= a[i * lda + i];
                let xi = x[i];
                x[..i]
                    .iter_mut()
                    .zip(upper_col(i))
                    .for_each(|(v, &u)| *v -= u * xi);
            }
        } else {
            // L y = b (forward), then L^T x = y (backward).
            for i in 0..n {
                x[i] /= a[i * lda + i];
                let xi = x[i];
                x[i + 1..]
                    .iter_mut()
                    .zip(lower_col(i))
                    .for_each(|(v, &l)| *v -= l * xi);
            }
            for i in (0..n).rev() {
                let s = lower_col(i)
                    .iter()
                    .zip(&x[i + 1..])
                    .fold(T::zero(), |s, (&l, &v)| s + l * v);
                x[i] = (x[i] - s) / a[i * lda + i];
            }
        }
    }
}
