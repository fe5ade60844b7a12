//! Offline, pure-Rust stand-in for the `openblas-src` crate.
//!
//! # Why this crate exists
//!
//! Clarabel's semidefinite (PSD cone) support calls BLAS/LAPACK through the
//! `blas`/`lapack` crates, which only *declare* the Fortran symbols (`dsyevr_`,
//! `dgemm_`, ...). Its `sdp-openblas` feature pulls in `blas-src`/`lapack-src`
//! with their `openblas` feature, which depend on `openblas-src`, and the real
//! `openblas-src` downloads and compiles OpenBLAS (or needs a system install).
//! Neither works on a fresh offline machine. This crate has the same package
//! name and a compatible version (`0.10.x`), so the workspace substitutes it with
//!
//! ```toml
//! [patch.crates-io]
//! openblas-src = { path = "crates/openblas-src" }
//! ```
//!
//! and the Fortran symbols are then defined here, in Rust, on top of `nalgebra`.
//! The features of the real crate (`cblas`, `lapacke`, `static`, `system`,
//! `cache`, `native-tls`, `rustls`) are accepted and do nothing.
//!
//! # Routines
//!
//! Each is exported as an unmangled `extern "C"` function in single (`s`) and
//! double (`d`) precision, with the Fortran ABI declared by `blas-sys` 0.7 and
//! `lapack-sys` 0.14: every argument by pointer, characters as `*const c_char`,
//! `c_int` (32-bit) integers, no hidden string-length arguments. Matrices are
//! column-major with explicit leading dimensions.
//!
//! | routine | what | implementation |
//! |---|---|---|
//! | `?gemm` | `C := alpha op(A) op(B) + beta C` | loops |
//! | `?gemv` | `y := alpha op(A) x + beta y` | loops |
//! | `?symv` | `y := alpha A x + beta y`, `A` symmetric | loops |
//! | `?syrk` | `C := alpha A A^T + beta C` (or `A^T A`), one triangle | loops |
//! | `?syr2k` | `C := alpha (A B^T + B A^T) + beta C` (or transposed), one triangle | loops |
//! | `?potrf` | Cholesky factorisation | loops (LAPACK `?potf2` algorithm) |
//! | `?potrs` | solve with a Cholesky factor | loops (triangular solves) |
//! | `?syevr` | symmetric eigenvalues/vectors | `nalgebra::SymmetricEigen` |
//! | `?gesdd`, `?gesvd` | singular value decomposition | `nalgebra::SVD` (+ `QR` to complete full bases) |
//! | `?gesv` | general solve via LU with partial pivoting | `nalgebra::LU` |
//!
//! Every option of these routines is supported, including the ones Clarabel
//! does not use. Clarabel 0.11's wrappers pass: `syevr` with `jobz = 'N'/'V'`,
//! `range = 'A'`, `uplo = 'U'`, `abstol = -1`; `potrf`/`potrs` with `uplo = 'L'`;
//! `gesdd` with `jobz = 'S'` (default) or `gesvd` with `jobu = jobvt = 'S'`;
//! `gemm`/`gemv` with `'N'`/`'T'`; `symv` with either `uplo`; `syrk` with
//! `uplo = 'U'` and either `trans`; `syr2k` with `uplo = 'U'`, `trans = 'N'`;
//! all with `lda = n` and unit increments, LAPACK workspace queries with
//! `lwork = -1` (`liwork = -1`) on one-element `work`/`iwork`. A PSD-cone solve
//! actually calls `gemm`, `syrk`, `syr2k`, `potrf`, `syevr` and `gesdd`
//! (cones of order <= 3 use Clarabel's closed-form kernels instead of LAPACK).
//! Illegal arguments are reported like LAPACK/OpenBLAS `xerbla` (a message on
//! stderr) and, for the LAPACK routines, with `info = -i` for parameter `i`.
//!
//! # Limitations
//!
//! * Only these 22 symbols exist; anything else from BLAS/LAPACK fails to link.
//!   No CBLAS/LAPACKE (C-interface) symbols are provided.
//! * Performance is that of straightforward loops and nalgebra's unblocked
//!   algorithms: fine for the small/medium dense blocks of an SDP, not a
//!   replacement for an optimised BLAS on large matrices. Single-threaded.
//! * `?syevr` ignores `abstol` (nalgebra's machine-precision convergence test is
//!   used) and computes eigenvectors internally even for `jobz = 'N'` (nalgebra's
//!   only entry point with an iteration cap); `?gesdd` uses the same
//!   QR-iteration algorithm as `?gesvd`.
//! * LAPACK scratch arrays (`work`, `iwork`) are not used as scratch, but their
//!   sizes are validated against LAPACK's documented minima, which are what a
//!   workspace query returns, so code written against this crate also runs
//!   against real LAPACK.
//! * The input matrix of `?syevr`/`?gesdd`/`?gesvd` is left unchanged (except
//!   where a `'O'` job overwrites it) — LAPACK merely allows it to be destroyed.
//! * NaN/Inf input to `?syevr`/`?gesdd`/`?gesvd`, or failure to converge, gives
//!   [`FAILED_INFO`] (`info = 1`) rather than NaN output.
//! * Outputs must not overlap inputs (as in BLAS/LAPACK, which forbid it).

#![allow(clippy::too_many_arguments)]

mod blas;
mod chol;
mod eig;
mod lu;
mod raw;
mod svd;

use std::os::raw::{c_char, c_double, c_float, c_int};

/// `info` returned by `?syevr`, `?gesdd` and `?gesvd` when the input holds
/// NaN/Inf or the iteration fails to converge (LAPACK: "internal error" /
/// "did not converge", any positive value).
pub const FAILED_INFO: i32 = 1;

/// Define the exported routines for one precision.
macro_rules! export_precision {
    (
        $R:ty, $prec:literal,
        $gemm:ident, $gemv:ident, $symv:ident, $syrk:ident, $syr2k:ident,
        $potrf:ident, $potrs:ident, $syevr:ident, $gesdd:ident, $gesvd:ident, $gesv:ident
    ) => {
        #[doc = concat!("BLAS `", stringify!($gemm), "` (", $prec, "): `C := alpha*op(A)*op(B) + beta*C`.")]
        ///
        /// # Safety
        /// Fortran BLAS contract: every pointer valid for the sizes implied by
        /// the dimension arguments; the output must not overlap the inputs.
        #[no_mangle]
        pub unsafe extern "C" fn $gemm(
            transa: *const c_char,
            transb: *const c_char,
            m: *const c_int,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $R,
            a: *const $R,
            lda: *const c_int,
            b: *const $R,
            ldb: *const c_int,
            beta: *const $R,
            c: *mut $R,
            ldc: *const c_int,
        ) {
                        blas::gemm(stringify!($gemm), transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }

        #[doc = concat!("BLAS `", stringify!($gemv), "` (", $prec, "): `y := alpha*op(A)*x + beta*y`.")]
        ///
        /// # Safety
        /// Fortran BLAS contract: every pointer valid for the sizes implied by
        /// the dimension and increment arguments; `y` must not overlap the inputs.
        #[no_mangle]
        pub unsafe extern "C" fn $gemv(
            trans: *const c_char,
            m: *const c_int,
            n: *const c_int,
            alpha: *const $R,
            a: *const $R,
            lda: *const c_int,
            x: *const $R,
            incx: *const c_int,
            beta: *const $R,
            y: *mut $R,
            incy: *const c_int,
        ) {
                        blas::gemv(stringify!($gemv), trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
        }

        #[doc = concat!("BLAS `", stringify!($symv), "` (", $prec, "): `y := alpha*A*x + beta*y`, `A` symmetric (`uplo` triangle read).")]
        ///
        /// # Safety
        /// Fortran BLAS contract: every pointer valid for the sizes implied by
        /// the dimension and increment arguments; `y` must not overlap the inputs.
        #[no_mangle]
        pub unsafe extern "C" fn $symv(
            uplo: *const c_char,
            n: *const c_int,
            alpha: *const $R,
            a: *const $R,
            lda: *const c_int,
            x: *const $R,
            incx: *const c_int,
            beta: *const $R,
            y: *mut $R,
            incy: *const c_int,
        ) {
                        blas::symv(stringify!($symv), uplo, n, alpha, a, lda, x, incx, beta, y, incy)
        }

        #[doc = concat!("BLAS `", stringify!($syrk), "` (", $prec, "): `C := alpha*A*A^T + beta*C` or `alpha*A^T*A + beta*C` on the `uplo` triangle.")]
        ///
        /// # Safety
        /// Fortran BLAS contract: every pointer valid for the sizes implied by
        /// the dimension arguments; `c` must not overlap `a`.
        #[no_mangle]
        pub unsafe extern "C" fn $syrk(
            uplo: *const c_char,
            trans: *const c_char,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $R,
            a: *const $R,
            lda: *const c_int,
            beta: *const $R,
            c: *mut $R,
            ldc: *const c_int,
        ) {
                        blas::syrk(stringify!($syrk), uplo, trans, n, k, alpha, a, lda, beta, c, ldc)
        }

        #[doc = concat!("BLAS `", stringify!($syr2k), "` (", $prec, "): `C := alpha*(A*B^T + B*A^T) + beta*C` (or transposed) on the `uplo` triangle.")]
        ///
        /// # Safety
        /// Fortran BLAS contract: every pointer valid for the sizes implied by
        /// the dimension arguments; `c` must not overlap `a` or `b`.
        #[no_mangle]
        pub unsafe extern "C" fn $syr2k(
            uplo: *const c_char,
            trans: *const c_char,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $R,
            a: *const $R,
            lda: *const c_int,
            b: *const $R,
            ldb: *const c_int,
            beta: *const $R,
            c: *mut $R,
            ldc: *const c_int,
        ) {
                        blas::syr2k(stringify!($syr2k), uplo, trans, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }

        #[doc = concat!("LAPACK `", stringify!($potrf), "` (", $prec, "): Cholesky factorisation; `info = k > 0` if the leading minor of order `k` is not positive definite.")]
        ///
        /// # Safety
        /// Fortran LAPACK contract: every pointer valid for the sizes implied by
        /// the dimension arguments.
        #[no_mangle]
        pub unsafe extern "C" fn $potrf(
            uplo: *const c_char,
            n: *const c_int,
            a: *mut $R,
            lda: *const c_int,
            info: *mut c_int,
        ) {
                        chol::potrf(stringify!($potrf), uplo, n, a, lda, info)
        }

        #[doc = concat!("LAPACK `", stringify!($potrs), "` (", $prec, "): solve `A X = B` with the factor from `", stringify!($potrf), "`.")]
        ///
        /// # Safety
        /// Fortran LAPACK contract: every pointer valid for the sizes implied by
        /// the dimension arguments; `b` must not overlap `a`.
        #[no_mangle]
        pub unsafe extern "C" fn $potrs(
            uplo: *const c_char,
            n: *const c_int,
            nrhs: *const c_int,
            a: *const $R,
            lda: *const c_int,
            b: *mut $R,
            ldb: *const c_int,
            info: *mut c_int,
        ) {
                        chol::potrs(stringify!($potrs), uplo, n, nrhs, a, lda, b, ldb, info)
        }

        #[doc = concat!("LAPACK `", stringify!($syevr), "` (", $prec, "): selected eigenvalues (ascending) and eigenvectors of a symmetric matrix.")]
        ///
        /// # Safety
        /// Fortran LAPACK contract: every pointer valid for the sizes implied by
        /// the dimension arguments (`z`/`isuppz` only accessed when `jobz = 'V'`;
        /// `work`/`iwork` need at least one element).
        #[no_mangle]
        pub unsafe extern "C" fn $syevr(
            jobz: *const c_char,
            range: *const c_char,
            uplo: *const c_char,
            n: *const c_int,
            a: *mut $R,
            lda: *const c_int,
            vl: *const $R,
            vu: *const $R,
            il: *const c_int,
            iu: *const c_int,
            abstol: *const $R,
            m: *mut c_int,
            w: *mut $R,
            z: *mut $R,
            ldz: *const c_int,
            isuppz: *mut c_int,
            work: *mut $R,
            lwork: *const c_int,
            iwork: *mut c_int,
            liwork: *const c_int,
            info: *mut c_int,
        ) {
            eig::syevr(
                stringify!($syevr), jobz, range, uplo, n, a, lda, vl, vu, il, iu, abstol, m, w, z, ldz, isuppz,
                work, lwork, iwork, liwork, info,
            )
        }

        #[doc = concat!("LAPACK `", stringify!($gesdd), "` (", $prec, "): singular value decomposition (`jobz` = A/S/O/N).")]
        ///
        /// # Safety
        /// Fortran LAPACK contract: every pointer valid for the sizes implied by
        /// the dimension and job arguments (`work` needs at least one element).
        #[no_mangle]
        pub unsafe extern "C" fn $gesdd(
            jobz: *const c_char,
            m: *const c_int,
            n: *const c_int,
            a: *mut $R,
            lda: *const c_int,
            s: *mut $R,
            u: *mut $R,
            ldu: *const c_int,
            vt: *mut $R,
            ldvt: *const c_int,
            work: *mut $R,
            lwork: *const c_int,
            iwork: *mut c_int,
            info: *mut c_int,
        ) {
                        svd::gesdd(stringify!($gesdd), jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork, info)
        }

        #[doc = concat!("LAPACK `", stringify!($gesvd), "` (", $prec, "): singular value decomposition (`jobu`, `jobvt` = A/S/O/N).")]
        ///
        /// # Safety
        /// Fortran LAPACK contract: every pointer valid for the sizes implied by
        /// the dimension and job arguments (`work` needs at least one element).
        #[no_mangle]
        pub unsafe extern "C" fn $gesvd(
            jobu: *const c_char,
            jobvt: *const c_char,
            m: *const c_int,
            n: *const c_int,
            a: *mut $R,
            lda: *const c_int,
            s: *mut $R,
            u: *mut $R,
            ldu: *const c_int,
            vt: *mut $R,
            ldvt: *const c_int,
            work: *mut $R,
            lwork: *const c_int,
            info: *mut c_int,
        ) {
                        svd::gesvd(stringify!($gesvd), jobu, jobvt, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, info)
        }

        #[doc = concat!("LAPACK `", stringify!($gesv), "` (", $prec, "): solve `A X = B` by LU with partial pivoting; `info = i > 0` if `U(i,i) = 0`.")]
        ///
        /// # Safety
        /// Fortran LAPACK contract: every pointer valid for the sizes implied by
        /// the dimension arguments.
        #[no_mangle]
        pub unsafe extern "C" fn $gesv(
            n: *const c_int,
            nrhs: *const c_int,
            a: *mut $R,
            lda: *const c_int,
            ipiv: *mut c_int,
            b: *mut $R,
            ldb: *const c_int,
            info: *mut c_int,
        ) {
                        lu::gesv(stringify!($gesv), n, nrhs, a, lda, ipiv, b, ldb, info)
        }
    };
}

export_precision!(
    c_float,
    "single precision",
    sgemm_,
    sgemv_,
    ssymv_,
    ssyrk_,
    ssyr2k_,
    spotrf_,
    spotrs_,
    ssyevr_,
    sgesdd_,
    sgesvd_,
    sgesv_
);
export_precision!(
    c_double,
    "double precision",
    dgemm_,
    dgemv_,
    dsymv_,
    dsyrk_,
    dsyr2k_,
    dpotrf_,
    dpotrs_,
    dsyevr_,
    dgesdd_,
    dgesvd_,
    dgesv_
);
