//! `?gesdd` and `?gesvd`: singular value decomposition `A = U * diag(s) * V^T`
//! of a general `m x n` matrix, computed with nalgebra's `SVD` (Householder
//! bidiagonalisation + implicit-shift QR). Both LAPACK drivers share one
//! implementation; they differ only in how the caller asks for `U`/`V^T`.
//!
//! Singular values are returned in descending order. All job options are
//! supported: `'N'` (no vectors), `'S'` (the `min(m,n)` leading vectors), `'A'`
//! (all vectors; the thin factor is completed to a full orthogonal matrix with a
//! Householder QR of `[U_thin | I]`, which is valid because the extra vectors
//! belong to zero singular values) and `'O'` (leading vectors overwrite `A`).

use std::os::raw::{c_char, c_int};

use nalgebra::{DMatrix, SVD};

use crate::raw::{guarded, mat_len, max1, read_char, read_int, slice_mut, xerbla, Real};
use crate::FAILED_INFO;

/// Thin SVD with singular values sorted in descending order.
struct ThinSvd<T: Real> {
    /// `min(m,n)` singular values, descending.
    s: Vec<T>,
    /// `m x min(m,n)` left singular vectors, if requested.
    u: Option<DMatrix<T>>,
    /// `min(m,n) x n` right singular vectors (transposed), if requested.
    vt: Option<DMatrix<T>>,
}

/// Iteration budget handed to nalgebra (non-termination guard only; typical
/// convergence takes about two implicit QR sweeps per singular value).
fn max_sweeps(k: usize) -> usize {
    100 * k + 100
}

/// Compute the thin SVD of the `m x n` matrix stored in `a` (leading dimension
/// `lda`, `m, n > 0`). `Err(info)` for NaN/Inf input or non-convergence.
fn thin_svd<T: Real>(
    a: &[T],
    m: usize,
    n: usize,
    lda: usize,
    want_u: bool,
    want_vt: bool,
) -> Result<ThinSvd<T>, i32> {
    let mat = DMatrix::from_fn(m, n, |i, j| a[i + j * lda]);
    if mat.iter().any(|v| !v.is_finite()) {
        return Err(FAILED_INFO);
    }
    let k = m.min(n);
    // Same convergence threshold as nalgebra's own `SVD::new`.
    let eps = T::EPSILON * nalgebra::convert::<f64, T>(5.0);
    let svd =
        SVD::try_new_unordered(mat, want_u, want_vt, eps, max_sweeps(k)).ok_or(FAILED_INFO)?;
    let sv = &svd.singular_values;
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&i, &j| {
        sv[j]
            .partial_cmp(&sv[i])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let s = order.iter().map(|&i| sv[i].abs()).collect();
    let u = svd
        .u
        .map(|u| DMatrix::from_fn(m, k, |i, j| u[(i, order[j])]));
    let vt = svd
        .v_t
        .map(|vt| DMatrix::from_fn(k, n, |i, j| vt[(order[i], j)]));
    Ok(ThinSvd { s, u, vt })
}

/// Extend the orthonormal columns of `q` (`r x k`, `k <= r`) to an `r x r`
/// orthogonal matrix whose first `k` columns are exactly `q`.
fn complete_basis<T: Real>(q: &DMatrix<T>) -> DMatrix<T> {
    let (r, k) = q.shape();
    if k == r {
        return q.clone();
    }
    let stacked = DMatrix::from_fn(r, k + r, |i, j| {
        if j < k {
            q[(i, j)]
        } else if i == j - k {
            T::one()
        } else {
            T::zero()
        }
    });
    let full_q = nalgebra::linalg::QR::new(stacked).q();
    DMatrix::from_fn(r, r, |i, j| if j < k { q[(i, j)] } else { full_q[(i, j)] })
}

/// Write the leading `rows x cols` block of `src` into column-major `dst` with leading dimension `ld`.
fn store<T: Real>(dst: &mut [T], ld: usize, src: &DMatrix<T>, rows: usize, cols: usize) {
    for j in 0..cols {
        for i in 0..rows {
            dst[i + j * ld] = src[(i, j)];
        }
    }
}

/// `U` with all `m` columns, from the thin one.
fn full_u<T: Real>(thin: &ThinSvd<T>) -> Option<DMatrix<T>> {
    thin.u.as_ref().map(complete_basis)
}

/// `V^T` with all `n` rows, from the thin one.
fn full_vt<T: Real>(thin: &ThinSvd<T>) -> Option<DMatrix<T>> {
    thin.vt
        .as_ref()
        .map(|vt| complete_basis(&vt.transpose()).transpose())
}

/// Workspace size stored as a float in `work[0]`, as an `i32` clamped to its range.
fn clamp_i32(v: i64) -> i32 {
    v.clamp(1, i32::MAX as i64) as i32
}

/// Where a job option sends a singular-vector factor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Job {
    /// `'A'`: all `m` (resp. `n`) vectors into `U` (resp. `VT`).
    All,
    /// `'S'`: the leading `min(m,n)` vectors into `U` (resp. `VT`).
    Thin,
    /// `'O'`: the leading `min(m,n)` vectors overwrite `A`.
    Overwrite,
    /// `'N'`: not computed.
    None,
}

fn parse_job(c: u8) -> Option<Job> {
    match c {
        b'A' => Some(Job::All),
        b'S' => Some(Job::Thin),
        b'O' => Some(Job::Overwrite),
        b'N' => Some(Job::None),
        _ => None,
    }
}

/// Shared body of both drivers once arguments are validated and `m, n > 0`.
///
/// # Safety
/// `a` valid for `m x n` with `lda`; `s` for `min(m,n)`; `u`/`vt` for the sizes
/// implied by the jobs and `ldu`/`ldvt` (only accessed when written).
unsafe fn compute<T: Real>(
    jobu: Job,
    jobvt: Job,
    m: usize,
    n: usize,
    a: *mut T,
    lda: usize,
    s: *mut T,
    u: *mut T,
    ldu: usize,
    vt: *mut T,
    ldvt: usize,
) -> i32 {
    let k = m.min(n);
    let a = slice_mut(a, mat_len(m, n, lda));
    let thin = match thin_svd(a, m, n, lda, jobu != Job::None, jobvt != Job::None) {
        Ok(t) => t,
        Err(info) => return info,
    };
    slice_mut(s, k).copy_from_slice(&thin.s);
    match jobu {
        Job::All => {
            if let Some(uf) = full_u(&thin) {
                store(slice_mut(u, mat_len(m, m, ldu)), ldu, &uf, m, m);
            }
        }
        Job::Thin => {
            if let Some(ut) = &thin.u {
                store(slice_mut(u, mat_len(m, k, ldu)), ldu, ut, m, k);
            }
        }
        Job::Overwrite => {
            if let Some(ut) = &thin.u {
                store(a, lda, ut, m, k);
            }
        }
        Job::None => {}
    }
    match jobvt {
        Job::All => {
            if let Some(vf) = full_vt(&thin) {
                store(slice_mut(vt, mat_len(n, n, ldvt)), ldvt, &vf, n, n);
            }
        }
        Job::Thin => {
            if let Some(v) = &thin.vt {
                store(slice_mut(vt, mat_len(k, n, ldvt)), ldvt, v, k, n);
            }
        }
        Job::Overwrite => {
            if let Some(v) = &thin.vt {
                store(a, lda, v, k, n);
            }
        }
        Job::None => {}
    }
    0
}

/// LAPACK `?gesdd` (divide-and-conquer driver; here the same algorithm as
/// `?gesvd`). `jobz` is one of `'A'`, `'S'`, `'O'`, `'N'`. `iwork` (size
/// `8*min(m,n)`) is not used. `work` is not used as scratch, but `lwork` is
/// checked against LAPACK's documented minimum, which a workspace query
/// (`lwork = -1`) returns in `work[0]`. `info = 1` for NaN/Inf input or
/// non-convergence.
///
/// # Safety
/// Fortran LAPACK contract: pointers valid for the validated dimensions.
pub(crate) unsafe fn gesdd<T: Real>(
    name: &str,
    jobz: *const c_char,
    m: *const c_int,
    n: *const c_int,
    a: *mut T,
    lda: *const c_int,
    s: *mut T,
    u: *mut T,
    ldu: *const c_int,
    vt: *mut T,
    ldvt: *const c_int,
    work: *mut T,
    lwork: *const c_int,
    _iwork: *mut c_int,
    info: *mut c_int,
) {
    let job = parse_job(read_char(jobz));
    let (m, n, lda) = (read_int(m), read_int(n), read_int(lda));
    let (ldu, ldvt, lwork) = (read_int(ldu), read_int(ldvt), read_int(lwork));
    let mn = m.min(n);
    let lquery = lwork == -1;
    let (wntqa, wntqs, wntqo) = (
        job == Some(Job::All),
        job == Some(Job::Thin),
        job == Some(Job::Overwrite),
    );
    *info = if job.is_none() {
        -1
    } else if m < 0 {
        -2
    } else if n < 0 {
        -3
    } else if lda < max1(m) {
        -5
    } else if ldu < 1 || ((wntqa || wntqs || (wntqo && m < n)) && ldu < m) {
        -8
    } else if ldvt < 1
        || (wntqa && ldvt < n)
        || (wntqs && ldvt < mn)
        || (wntqo && m >= n && ldvt < n)
    {
        -10
    } else {
        0
    };
    if *info == 0 {
        let (mn, mx) = (mn.max(0) as i64, m.max(n) as i64);
        let minwrk = if mn == 0 {
            1
        } else {
            clamp_i32(match job {
                Some(Job::None) => 3 * mn + mx.max(7 * mn),
                Some(Job::Overwrite) => 3 * mn + mx.max(5 * mn * mn + 4 * mn),
                Some(Job::Thin) => 4 * mn * mn + 7 * mn,
                _ => 4 * mn * mn + 6 * mn + mx,
            })
        };
        *work = T::lwork_value(minwrk as usize);
        if lwork < minwrk && !lquery {
            *info = -12;
        }
    }
    if *info != 0 {
        return xerbla(name, -*info);
    }
    if lquery || mn == 0 {
        return;
    }
    let job = job.unwrap_or(Job::None);
    // 'O' overwrites A with U when m >= n, otherwise with V^T.
    let (jobu, jobvt) = match job {
        Job::Overwrite if m >= n => (Job::Overwrite, Job::Thin),
        Job::Overwrite => (Job::Thin, Job::Overwrite),
        other => (other, other),
    };
    let (m, n) = (m as usize, n as usize);
    let (lda, ldu, ldvt) = (lda as usize, ldu as usize, ldvt as usize);
    *info = guarded(|| compute(jobu, jobvt, m, n, a, lda, s, u, ldu, vt, ldvt));
}

/// LAPACK `?gesvd` (QR-iteration driver). `jobu`/`jobvt` are each one of `'A'`,
/// `'S'`, `'O'`, `'N'` (not both `'O'`). `work` is not used as scratch, but
/// `lwork` is checked against LAPACK's minimum `max(1, 3*min(m,n) + max(m,n),
/// 5*min(m,n))`, which a workspace query (`lwork = -1`) returns in `work[0]`.
/// `info = 1` for NaN/Inf input or non-convergence.
///
/// # Safety
/// Fortran LAPACK contract: pointers valid for the validated dimensions.
pub(crate) unsafe fn gesvd<T: Real>(
    name: &str,
    jobu: *const c_char,
    jobvt: *const c_char,
    m: *const c_int,
    n: *const c_int,
    a: *mut T,
    lda: *const c_int,
    s: *mut T,
    u: *mut T,
    ldu: *const c_int,
    vt: *mut T,
    ldvt: *const c_int,
    work: *mut T,
    lwork: *const c_int,
    info: *mut c_int,
) {
    let (ju, jv) = (parse_job(read_char(jobu)), parse_job(read_char(jobvt)));
    let (m, n, lda) = (read_int(m), read_int(n), read_int(lda));
    let (ldu, ldvt, lwork) = (read_int(ldu), read_int(ldvt), read_int(lwork));
    let mn = m.min(n);
    let lquery = lwork == -1;
    let wntuas = matches!(ju, Some(Job::All | Job::Thin));
    *info = if ju.is_none() {
        -1
    } else if jv.is_none() || (jv == Some(Job::Overwrite) && ju == Some(Job::Overwrite)) {
        -2
    } else if m < 0 {
        -3
    } else if n < 0 {
        -4
    } else if lda < max1(m) {
        -6
    } else if ldu < 1 || (wntuas && ldu < m) {
        -9
    } else if ldvt < 1 || (jv == Some(Job::All) && ldvt < n) || (jv == Some(Job::Thin) && ldvt < mn)
    {
        -11
    } else {
        0
    };
    if *info == 0 {
        let (mn, mx) = (mn.max(0) as i64, m.max(n) as i64);
        let minwrk = if mn == 0 {
            1
        } else {
            clamp_i32((3 * mn + mx).max(5 * mn))
        };
        *work = T::lwork_value(minwrk as usize);
        if lwork < minwrk && !lquery {
            *info = -13;
        }
    }
    if *info != 0 {
        return xerbla(name, -*info);
    }
    if lquery || mn == 0 {
        return;
    }
    let (ju, jv) = (ju.unwrap_or(Job::None), jv.unwrap_or(Job::None));
    let (m, n) = (m as usize, n as usize);
    let (lda, ldu, ldvt) = (lda as usize, ldu as usize, ldvt as usize);
    *info = guarded(|| compute(ju, jv, m, n, a, lda, s, u, ldu, vt, ldvt));
}
