//! `?gesv`: solve `A X = B` through an LU factorisation with partial pivoting,
//! computed with nalgebra's `LU`.

use std::os::raw::c_int;

use nalgebra::{DMatrix, DVector, LU};

use crate::raw::{guarded, mat_len, max1, read_int, slice_mut, xerbla, Real};

/// LAPACK `?gesv`. On exit `A` holds the factors `L` (unit lower, diagonal not
/// stored) and `U` of `P A = L U`, `ipiv` the row interchanges in LAPACK's
/// 1-based sequential-swap form (row `i` was swapped with row `ipiv[i]`, in
/// order), and `B` the solution `X`. `info = i > 0` if `U(i,i)` is exactly zero:
/// the factors are still returned but `B` is left unchanged.
///
/// nalgebra picks the same kind of pivots as LAPACK (largest magnitude in the
/// column); when several entries tie, the chosen row may differ from LAPACK's,
/// which is equally valid.
///
/// # Safety
/// Fortran LAPACK contract: pointers valid for the validated dimensions.
pub(crate) unsafe fn gesv<T: Real>(
    name: &str,
    n: *const c_int,
    nrhs: *const c_int,
    a: *mut T,
    lda: *const c_int,
    ipiv: *mut c_int,
    b: *mut T,
    ldb: *const c_int,
    info: *mut c_int,
) {
    let (n, nrhs) = (read_int(n), read_int(nrhs));
    let (lda, ldb) = (read_int(lda), read_int(ldb));
    *info = if n < 0 {
        -1
    } else if nrhs < 0 {
        -2
    } else if lda < max1(n) {
        -4
    } else if ldb < max1(n) {
        -7
    } else {
        0
    };
    if *info != 0 {
        return xerbla(name, -*info);
    }
    if n == 0 {
        return;
    }
    let (n, nrhs, lda, ldb) = (n as usize, nrhs as usize, lda as usize, ldb as usize);
    *info = guarded(|| {
        let a = slice_mut(a, mat_len(n, n, lda));
        let ipiv = slice_mut(ipiv, n);
        let b = slice_mut(b, mat_len(n, nrhs, ldb));
        let lu = LU::new(DMatrix::from_fn(n, n, |i, j| a[i + j * lda]));

        // perm[i] = original row that ends up in row i of P A.
        let mut perm = DVector::<usize>::from_fn(n, |i, _| i);
        lu.p().permute_rows(&mut perm);
        // Re-express that permutation as LAPACK's in-order swap sequence.
        let mut current: Vec<usize> = (0..n).collect();
        let mut position: Vec<usize> = (0..n).collect();
        for i in 0..n {
            let j = position[perm[i]];
            ipiv[i] = j as i32 + 1;
            let (ri, rj) = (current[i], current[j]);
            current.swap(i, j);
            position[ri] = j;
            position[rj] = i;
        }

        let (l, u) = (lu.l(), lu.u());
        for j in 0..n {
            for i in 0..n {
                a[i + j * lda] = if i > j { l[(i, j)] } else { u[(i, j)] };
            }
        }
        if let Some(i) = (0..n).find(|&i| u[(i, i)] == T::zero()) {
            return i as i32 + 1;
        }
        if nrhs > 0 {
            let mut x = DMatrix::from_fn(n, nrhs, |i, j| b[i + j * ldb]);
            lu.solve_mut(&mut x);
            for j in 0..nrhs {
                for i in 0..n {
                    b[i + j * ldb] = x[(i, j)];
                }
            }
        }
        0
    });
}
