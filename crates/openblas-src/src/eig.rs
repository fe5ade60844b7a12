//! `?syevr`: selected eigenvalues and, optionally, eigenvectors of a real
//! symmetric matrix, computed with nalgebra's `SymmetricEigen` (Householder
//! tridiagonalisation + implicit symmetric QR with Wilkinson shifts) on the
//! full matrix and then sorted and selected the way LAPACK returns them.

use std::os::raw::{c_char, c_int};

use nalgebra::{DMatrix, SymmetricEigen};

use crate::blas::parse_uplo;
use crate::raw::{
    guarded, mat_len, max1, read, read_char, read_int, slice, slice_mut, xerbla, Real,
};
use crate::FAILED_INFO;

/// Which eigenvalues `?syevr` is asked for (`range` argument).
enum Range<T> {
    /// `'A'`: all of them.
    All,
    /// `'V'`: those in the half-open interval `(vl, vu]`.
    Values(T, T),
    /// `'I'`: the `il`-th through `iu`-th smallest (1-based, inclusive).
    Indices(usize, usize),
}

/// Iteration budget handed to nalgebra: LAPACK's `?steqr` allows 30 implicit QR
/// sweeps per eigenvalue; this is more generous still, and only guards against
/// non-termination.
fn max_sweeps(n: usize) -> usize {
    100 * n + 100
}

/// Symmetric eigensolver with LAPACK `?syevr`'s interface and contract.
///
/// Eigenvalues are returned in ascending order in `w[0..m]`, with orthonormal
/// eigenvectors in the first `m` columns of `Z` when `jobz = 'V'`. Only the
/// `uplo` triangle of `A` is read; `A` is left unchanged (LAPACK allows it to be
/// destroyed). `abstol` is ignored: nalgebra's convergence test (relative to
/// machine epsilon) is always used, which is at least as accurate as LAPACK's
/// default. `isuppz` is written when all eigenvectors are computed (`range = 'A'`,
/// or `'I'` with `il = 1, iu = n`), giving for each eigenvector the first and
/// last row holding a non-zero entry. `work`/`iwork` are not used as scratch, but
/// their sizes are checked against LAPACK's minima (`26n`, `10n`) and those minima
/// are returned by a workspace query (`lwork = -1` or `liwork = -1`) in
/// `work[0]`/`iwork[0]`. `info = 1` if `A` has a NaN/Inf entry in its referenced
/// triangle or the iteration does not converge.
///
/// # Safety
/// Fortran LAPACK contract: pointers valid for the validated dimensions; `z`
/// (and `isuppz`) are only accessed when `jobz = 'V'`.
pub(crate) unsafe fn syevr<T: Real>(
    name: &str,
    jobz: *const c_char,
    range: *const c_char,
    uplo: *const c_char,
    n: *const c_int,
    a: *mut T,
    lda: *const c_int,
    vl: *const T,
    vu: *const T,
    il: *const c_int,
    iu: *const c_int,
    _abstol: *const T,
    m: *mut c_int,
    w: *mut T,
    z: *mut T,
    ldz: *const c_int,
    isuppz: *mut c_int,
    work: *mut T,
    lwork: *const c_int,
    iwork: *mut c_int,
    liwork: *const c_int,
    info: *mut c_int,
) {
    let (jobz_c, range_c) = (read_char(jobz), read_char(range));
    let upper = parse_uplo(read_char(uplo));
    let (n, lda, ldz) = (read_int(n), read_int(lda), read_int(ldz));
    let (lwork, liwork) = (read_int(lwork), read_int(liwork));
    let wantz = jobz_c == b'V';
    let lquery = lwork == -1 || liwork == -1;
    let lwmin = max1(26 * n);
    let liwmin = max1(10 * n);

    let mut sel_range = Range::All;
    *info = if !wantz && jobz_c != b'N' {
        -1
    } else if !matches!(range_c, b'A' | b'V' | b'I') {
        -2
    } else if upper.is_none() {
        -3
    } else if n < 0 {
        -4
    } else if lda < max1(n) {
        -6
    } else {
        0
    };
    if *info == 0 && range_c == b'V' {
        let (lo, hi) = (read(vl), read(vu));
        if n > 0 && hi <= lo {
            *info = -8;
        }
        sel_range = Range::Values(lo, hi);
    } else if *info == 0 && range_c == b'I' {
        let (lo, hi) = (read_int(il), read_int(iu));
        if lo < 1 || lo > max1(n) {
            *info = -9;
        } else if hi < n.min(lo) || hi > n {
            *info = -10;
        }
        sel_range = Range::Indices(lo.max(1) as usize, hi.max(0) as usize);
    }
    if *info == 0 && (ldz < 1 || (wantz && ldz < n)) {
        *info = -15;
    }
    if *info == 0 {
        *work = T::lwork_value(lwmin as usize);
        *iwork = liwmin;
        if lwork < lwmin && !lquery {
            *info = -18;
        } else if liwork < liwmin && !lquery {
            *info = -20;
        }
    }
    if *info != 0 {
        return xerbla(name, -*info);
    }
    if lquery {
        return;
    }
    *m = 0;
    if n == 0 {
        return;
    }
    let (n, lda, ldz) = (n as usize, lda as usize, ldz as usize);
    let upper = upper == Some(true);
    let a = slice(a.cast_const(), mat_len(n, n, lda));
    let w = slice_mut(w, n);
    let all_vectors = match sel_range {
        Range::All => true,
        Range::Indices(lo, hi) => lo == 1 && hi == n,
        Range::Values(..) => false,
    };

    *info = guarded(|| {
        let full = DMatrix::from_fn(n, n, |i, j| {
            let stored = if upper { i <= j } else { i >= j };
            if stored {
                a[i + j * lda]
            } else {
                a[j + i * lda]
            }
        });
        if full.iter().any(|v| !v.is_finite()) {
            return FAILED_INFO;
        }
        let Some(eig) = SymmetricEigen::try_new(full, T::EPSILON, max_sweeps(n)) else {
            return FAILED_INFO;
        };
        let vals = &eig.eigenvalues;
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| {
            vals[i]
                .partial_cmp(&vals[j])
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let selected: Vec<usize> = match sel_range {
            Range::All => order,
            Range::Indices(lo, hi) => order[lo - 1..hi].to_vec(),
            Range::Values(lo, hi) => order
                .into_iter()
                .filter(|&i| vals[i] > lo && vals[i] <= hi)
                .collect(),
        };
        let count = selected.len();
        *m = count as i32;
        for (dst, &src) in w.iter_mut().zip(&selected) {
            *dst = vals[src];
        }
        if wantz {
            let z = slice_mut(z, mat_len(n, count, ldz));
            for (col, &src) in selected.iter().enumerate() {
                let zc = &mut z[col * ldz..col * ldz + n];
                zc.iter_mut()
                    .zip(eig.eigenvectors.column(src).iter())
                    .for_each(|(d, &s)| *d = s);
            }
            if all_vectors {
                let isuppz = slice_mut(isuppz, 2 * count);
                for (col, &src) in selected.iter().enumerate() {
                    let v = eig.eigenvectors.column(src);
                    let first = v.iter().position(|x| *x != T::zero()).unwrap_or(0);
                    let last = v.iter().rposition(|x| *x != T::zero()).unwrap_or(n - 1);
                    isuppz[2 * col] = first as i32 + 1;
                    isuppz[2 * col + 1] = last as i32 + 1;
                }
            }
        }
        0
    });
    *work = T::lwork_value(lwmin as usize);
    *iwork = liwmin;
}
