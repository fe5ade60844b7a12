//! Level-2/3 BLAS: `?gemm`, `?gemv`, `?symv`, `?syrk`, `?syr2k`, as plain
//! column-major loops following the reference BLAS semantics:
//!
//! * `beta == 0` means the output is overwritten without being read (so NaN/Inf
//!   already in it does not propagate); `beta == 1` leaves it unscaled;
//! * `alpha == 0` (or an empty inner dimension) only scales the output by `beta`;
//! * for `?symv` only the `uplo` triangle of `A` is read, and for `?syrk`/`?syr2k`
//!   only the `uplo` triangle of `C` is read and written;
//! * `trans = 'C'` is the same as `'T'` for real matrices;
//! * vector increments may be any non-zero value, negative ones walking backwards.
//!
//! An illegal argument is reported on stderr with the parameter position (as
//! OpenBLAS's `xerbla` does) and the routine returns without touching any output.

use std::os::raw::{c_char, c_int};

use crate::raw::{
    mat_len, max1, read, read_char, read_int, slice, slice_mut, vec_idx, vec_len, xerbla, Real,
};

/// Parse a BLAS `trans` argument: `Some(false)` for `'N'`, `Some(true)` for `'T'`/`'C'`.
fn parse_trans(c: u8) -> Option<bool> {
    match c {
        b'N' => Some(false),
        b'T' | b'C' => Some(true),
        _ => None,
    }
}

/// Parse a BLAS `uplo` argument: `Some(true)` for `'U'`, `Some(false)` for `'L'`.
pub(crate) fn parse_uplo(c: u8) -> Option<bool> {
    match c {
        b'U' => Some(true),
        b'L' => Some(false),
        _ => None,
    }
}

/// Scale column `j`'s rows `rows` of `c` by `beta` (overwrite with zero if `beta == 0`).
fn scale_rows<T: Real>(c: &mut [T], ldc: usize, j: usize, rows: std::ops::Range<usize>, beta: T) {
    let col = &mut c[j * ldc + rows.start..j * ldc + rows.end];
    if beta == T::zero() {
        col.fill(T::zero());
    } else if beta != T::one() {
        col.iter_mut().for_each(|v| *v *= beta);
    }
}

/// Dot product of two equally long slices.
fn dot<T: Real>(x: &[T], y: &[T]) -> T {
    x.iter().zip(y).fold(T::zero(), |acc, (&a, &b)| acc + a * b)
}

/// `y += t * x` on equally long slices.
fn axpy<T: Real>(t: T, x: &[T], y: &mut [T]) {
    y.iter_mut().zip(x).for_each(|(yi, &xi)| *yi += t * xi);
}

/// Row range of column `j` inside the `upper`/lower triangle of an `n x n` matrix.
fn tri_rows(upper: bool, j: usize, n: usize) -> std::ops::Range<usize> {
    if upper {
        0..j + 1
    } else {
        j..n
    }
}

/// `C := alpha * op(A) * op(B) + beta * C`, `op(A)` is `m x k`, `op(B)` is `k x n`.
///
/// # Safety
/// Fortran BLAS contract: all pointers valid for the sizes implied by the
/// (validated) dimensions; `c` must not overlap `a` or `b`.
pub(crate) unsafe fn gemm<T: Real>(
    name: &str,
    transa: *const c_char,
    transb: *const c_char,
    m: *const c_int,
    n: *const c_int,
    k: *const c_int,
    alpha: *const T,
    a: *const T,
    lda: *const c_int,
    b: *const T,
    ldb: *const c_int,
    beta: *const T,
    c: *mut T,
    ldc: *const c_int,
) {
    let (ta, tb) = (
        parse_trans(read_char(transa)),
        parse_trans(read_char(transb)),
    );
    let (m, n, k) = (read_int(m), read_int(n), read_int(k));
    let (lda, ldb, ldc) = (read_int(lda), read_int(ldb), read_int(ldc));
    let nrowa = if ta == Some(true) { k } else { m };
    let nrowb = if tb == Some(true) { n } else { k };
    let info = if ta.is_none() {
        1
    } else if tb.is_none() {
        2
    } else if m < 0 {
        3
    } else if n < 0 {
        4
    } else if k < 0 {
        5
    } else if lda < max1(nrowa) {
        8
    } else if ldb < max1(nrowb) {
        10
    } else if ldc < max1(m) {
        13
    } else {
        0
    };
    if info != 0 {
        return xerbla(name, info);
    }
    let (ta, tb) = (ta == Some(true), tb == Some(true));
    let (alpha, beta) = (read(alpha), read(beta));
    if m == 0 || n == 0 || ((alpha == T::zero() || k == 0) && beta == T::one()) {
        return;
    }
    let (m, n, k) = (m as usize, n as usize, k as usize);
    let (lda, ldb, ldc) = (lda as usize, ldb as usize, ldc as usize);
    let c = slice_mut(c, mat_len(m, n, ldc));
    for j in 0..n {
        scale_rows(c, ldc, j, 0..m, beta);
    }
    if alpha == T::zero() || k == 0 {
        return;
    }
    let a = if ta {
        slice(a, mat_len(k, m, lda))
    } else {
        slice(a, mat_len(m, k, lda))
    };
    let b = if tb {
        slice(b, mat_len(n, k, ldb))
    } else {
        slice(b, mat_len(k, n, ldb))
    };
    for j in 0..n {
        let cj = &mut c[j * ldc..j * ldc + m];
        match (ta, tb) {
            (false, false) => {
                for l in 0..k {
                    axpy(alpha * b[l + j * ldb], &a[l * lda..l * lda + m], cj);
                }
            }
            (false, true) => {
                for l in 0..k {
                    axpy(alpha * b[j + l * ldb], &a[l * lda..l * lda + m], cj);
                }
            }
            (true, false) => {
                let bj = &b[j * ldb..j * ldb + k];
                for (i, ci) in cj.iter_mut().enumerate() {
                    *ci += alpha * dot(&a[i * lda..i * lda + k], bj);
                }
            }
            (true, true) => {
                for (i, ci) in cj.iter_mut().enumerate() {
                    let ai = &a[i * lda..i * lda + k];
                    let s = ai
                        .iter()
                        .enumerate()
                        .fold(T::zero(), |acc, (l, &x)| acc + x * b[j + l * ldb]);
                    *ci += alpha * s;
                }
            }
        }
    }
}

/// Gather a strided vector into a contiguous one.
fn gather<T: Real>(x: &[T], n: usize, inc: i32) -> Vec<T> {
    (0..n).map(|i| x[vec_idx(i, n, inc)]).collect()
}

/// Start of `y := alpha * v + beta * y`: returns `beta * y` (zeros if `beta == 0`, `y` unread).
fn beta_y<T: Real>(y: &[T], n: usize, inc: i32, beta: T) -> Vec<T> {
    if beta == T::zero() {
        vec![T::zero(); n]
    } else {
        (0..n).map(|i| beta * y[vec_idx(i, n, inc)]).collect()
    }
}

/// Scatter a contiguous vector back into a strided one.
fn scatter<T: Real>(v: &[T], y: &mut [T], inc: i32) {
    let n = v.len();
    for (i, &vi) in v.iter().enumerate() {
        y[vec_idx(i, n, inc)] = vi;
    }
}

/// `y := alpha * op(A) * x + beta * y`, `A` is `m x n`.
///
/// # Safety
/// Fortran BLAS contract (see [`gemm`]); `y` must not overlap `a` or `x`.
pub(crate) unsafe fn gemv<T: Real>(
    name: &str,
    trans: *const c_char,
    m: *const c_int,
    n: *const c_int,
    alpha: *const T,
    a: *const T,
    lda: *const c_int,
    x: *const T,
    incx: *const c_int,
    beta: *const T,
    y: *mut T,
    incy: *const c_int,
) {
    let t = parse_trans(read_char(trans));
    let (m, n, lda) = (read_int(m), read_int(n), read_int(lda));
    let (incx, incy) = (read_int(incx), read_int(incy));
    let info = if t.is_none() {
        1
    } else if m < 0 {
        2
    } else if n < 0 {
        3
    } else if lda < max1(m) {
        6
    } else if incx == 0 {
        8
    } else if incy == 0 {
        11
    } else {
        0
    };
    if info != 0 {
        return xerbla(name, info);
    }
    let t = t == Some(true);
    let (alpha, beta) = (read(alpha), read(beta));
    if m == 0 || n == 0 || (alpha == T::zero() && beta == T::one()) {
        return;
    }
    let (m, n, lda) = (m as usize, n as usize, lda as usize);
    let (lenx, leny) = if t { (m, n) } else { (n, m) };
    let y = slice_mut(y, vec_len(leny, incy));
    let mut acc = beta_y(y, leny, incy, beta);
    if alpha != T::zero() {
        let a = slice(a, mat_len(m, n, lda));
        let xs = gather(slice(x, vec_len(lenx, incx)), lenx, incx);
        for j in 0..n {
            let aj = &a[j * lda..j * lda + m];
            if t {
                acc[j] += alpha * dot(aj, &xs);
            } else {
                axpy(alpha * xs[j], aj, &mut acc);
            }
        }
    }
    scatter(&acc, y, incy);
}

/// `y := alpha * A * x + beta * y`, `A` symmetric `n x n`, only its `uplo` triangle read.
///
/// # Safety
/// Fortran BLAS contract (see [`gemm`]); `y` must not overlap `a` or `x`.
pub(crate) unsafe fn symv<T: Real>(
    name: &str,
    uplo: *const c_char,
    n: *const c_int,
    alpha: *const T,
    a: *const T,
    lda: *const c_int,
    x: *const T,
    incx: *const c_int,
    beta: *const T,
    y: *mut T,
    incy: *const c_int,
) {
    let upper = parse_uplo(read_char(uplo));
    let (n, lda) = (read_int(n), read_int(lda));
    let (incx, incy) = (read_int(incx), read_int(incy));
    let info = if upper.is_none() {
        1
    } else if n < 0 {
        2
    } else if lda < max1(n) {
        5
    } else if incx == 0 {
        7
    } else if incy == 0 {
        10
    } else {
        0
    };
    if info != 0 {
        return xerbla(name, info);
    }
    let upper = upper == Some(true);
    let (alpha, beta) = (read(alpha), read(beta));
    if n == 0 || (alpha == T::zero() && beta == T::one()) {
        return;
    }
    let (n, lda) = (n as usize, lda as usize);
    let y = slice_mut(y, vec_len(n, incy));
    let mut acc = beta_y(y, n, incy, beta);
    if alpha != T::zero() {
        let a = slice(a, mat_len(n, n, lda));
        let xs = gather(slice(x, vec_len(n, incx)), n, incx);
        for j in 0..n {
            // Column j of the stored triangle, without the diagonal: rows `off`.
            let off = if upper { 0..j } else { j + 1..n };
            let col = &a[j * lda + off.start..j * lda + off.end];
            // Entry (i, j) contributes to y_i via x_j, and (mirrored) to y_j via x_i.
            axpy(alpha * xs[j], col, &mut acc[off.clone()]);
            let mirrored = dot(col, &xs[off]);
            acc[j] += alpha * (a[j * lda + j] * xs[j] + mirrored);
        }
    }
    scatter(&acc, y, incy);
}

/// Shared argument checks of `?syrk` (`ldb == None`) and `?syr2k`.
fn check_rank_k(
    upper: Option<bool>,
    trans: Option<bool>,
    n: i32,
    k: i32,
    lda: i32,
    ldb: Option<i32>,
    ldc: i32,
) -> i32 {
    let nrowa = if trans == Some(true) { k } else { n };
    let ldc_pos = if ldb.is_some() { 12 } else { 10 };
    if upper.is_none() {
        1
    } else if trans.is_none() {
        2
    } else if n < 0 {
        3
    } else if k < 0 {
        4
    } else if lda < max1(nrowa) {
        7
    } else if ldb.is_some_and(|ldb| ldb < max1(nrowa)) {
        9
    } else if ldc < max1(n) {
        ldc_pos
    } else {
        0
    }
}

/// `C := alpha * A * A^T + beta * C` (`trans = 'N'`, `A` is `n x k`) or
/// `C := alpha * A^T * A + beta * C` (`trans = 'T'/'C'`, `A` is `k x n`);
/// only the `uplo` triangle of `C` is read and written.
///
/// # Safety
/// Fortran BLAS contract (see [`gemm`]); `c` must not overlap `a`.
pub(crate) unsafe fn syrk<T: Real>(
    name: &str,
    uplo: *const c_char,
    trans: *const c_char,
    n: *const c_int,
    k: *const c_int,
    alpha: *const T,
    a: *const T,
    lda: *const c_int,
    beta: *const T,
    c: *mut T,
    ldc: *const c_int,
) {
    let upper = parse_uplo(read_char(uplo));
    let t = parse_trans(read_char(trans));
    let (n, k, lda, ldc) = (read_int(n), read_int(k), read_int(lda), read_int(ldc));
    let info = check_rank_k(upper, t, n, k, lda, None, ldc);
    if info != 0 {
        return xerbla(name, info);
    }
    let (upper, t) = (upper == Some(true), t == Some(true));
    let (alpha, beta) = (read(alpha), read(beta));
    if n == 0 || ((alpha == T::zero() || k == 0) && beta == T::one()) {
        return;
    }
    let (n, k, lda, ldc) = (n as usize, k as usize, lda as usize, ldc as usize);
    let c = slice_mut(c, mat_len(n, n, ldc));
    for j in 0..n {
        scale_rows(c, ldc, j, tri_rows(upper, j, n), beta);
    }
    if alpha == T::zero() || k == 0 {
        return;
    }
    let a = if t {
        slice(a, mat_len(k, n, lda))
    } else {
        slice(a, mat_len(n, k, lda))
    };
    for j in 0..n {
        let rows = tri_rows(upper, j, n);
        let cj = &mut c[j * ldc + rows.start..j * ldc + rows.end];
        if t {
            let aj = &a[j * lda..j * lda + k];
            for (ci, i) in cj.iter_mut().zip(rows) {
                *ci += alpha * dot(&a[i * lda..i * lda + k], aj);
            }
        } else {
            for l in 0..k {
                let al = &a[l * lda + rows.start..l * lda + rows.end];
                axpy(alpha * a[j + l * lda], al, cj);
            }
        }
    }
}

/// `C := alpha * (A * B^T + B * A^T) + beta * C` (`trans = 'N'`, `A`,`B` are `n x k`) or
/// `C := alpha * (A^T * B + B^T * A) + beta * C` (`trans = 'T'/'C'`, `A`,`B` are `k x n`);
/// only the `uplo` triangle of `C` is read and written.
///
/// # Safety
/// Fortran BLAS contract (see [`gemm`]); `c` must not overlap `a` or `b`.
pub(crate) unsafe fn syr2k<T: Real>(
    name: &str,
    uplo: *const c_char,
    trans: *const c_char,
    n: *const c_int,
    k: *const c_int,
    alpha: *const T,
    a: *const T,
    lda: *const c_int,
    b: *const T,
    ldb: *const c_int,
    beta: *const T,
    c: *mut T,
    ldc: *const c_int,
) {
    let upper = parse_uplo(read_char(uplo));
    let t = parse_trans(read_char(trans));
    let (n, k) = (read_int(n), read_int(k));
    let (lda, ldb, ldc) = (read_int(lda), read_int(ldb), read_int(ldc));
    let info = check_rank_k(upper, t, n, k, lda, Some(ldb), ldc);
    if info != 0 {
        return xerbla(name, info);
    }
    let (upper, t) = (upper == Some(true), t == Some(true));
    let (alpha, beta) = (read(alpha), read(beta));
    if n == 0 || ((alpha == T::zero() || k == 0) && beta == T::one()) {
        return;
    }
    let (n, k) = (n as usize, k as usize);
    let (lda, ldb, ldc) = (lda as usize, ldb as usize, ldc as usize);
    let c = slice_mut(c, mat_len(n, n, ldc));
    for j in 0..n {
        scale_rows(c, ldc, j, tri_rows(upper, j, n), beta);
    }
    if alpha == T::zero() || k == 0 {
        return;
    }
    let (a, b) = if t {
        (slice(a, mat_len(k, n, lda)), slice(b, mat_len(k, n, ldb)))
    } else {
        (slice(a, mat_len(n, k, lda)), slice(b, mat_len(n, k, ldb)))
    };
    for j in 0..n {
        let rows = tri_rows(upper, j, n);
        let cj = &mut c[j * ldc + rows.start..j * ldc + rows.end];
        if t {
            let (aj, bj) = (&a[j * lda..j * lda + k], &b[j * ldb..j * ldb + k]);
            for (ci, i) in cj.iter_mut().zip(rows) {
                let s = dot(&a[i * lda..i * lda + k], bj) + dot(&b[i * ldb..i * ldb + k], aj);
                *ci += alpha * s;
            }
        } else {
            for l in 0..k {
                let al = &a[l * lda + rows.start..l * lda + rows.end];
                let bl = &b[l * ldb + rows.start..l * ldb + rows.end];
                axpy(alpha * b[j + l * ldb], al, cj);
                axpy(alpha * a[j + l * lda], bl, cj);
            }
        }
    }
}
