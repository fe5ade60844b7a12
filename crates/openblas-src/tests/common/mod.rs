//! Shared test helpers: a deterministic LCG, dispatch to the `s`/`d` symbols
//! through a `Prec` trait, safe slice-based wrappers around the exported
//! `extern "C"` routines, a small column-major matrix type, and the tolerances.
#![allow(dead_code)]
// The FFI signatures are fixed by the Fortran ABI.
#![allow(clippy::too_many_arguments)]

use std::os::raw::{c_char, c_int};

/// Acceptance threshold for the scaled residual / orthogonality ratios below,
/// e.g. `||A Z - Z diag(w)|| / (n * eps * ||A||)`. 30 is the value of `THRESH`
/// in LAPACK's own test-suite inputs (`dtest.in`, `stest.in`), which uses the
/// very same ratios to accept or reject a LAPACK implementation.
pub const THRESH: f64 = 30.0;

/// Extra roundings allowed on top of `k` in the BLAS element-wise error bound
/// `|fl(c_ij) - c_ij| <= (k + BLAS_EXTRA_ROUNDINGS) * eps * bound_ij`, where
/// `bound_ij = |alpha| * sum_l |a_il||b_lj| + |beta||c_ij|`. A length-`k` dot
/// product incurs at most `k` roundings (Higham, "Accuracy and Stability of
/// Numerical Algorithms", eq. 3.5: `gamma_k = k u / (1 - k u)`, `u = eps/2`);
/// scaling by `alpha`/`beta` and the final addition add a few more.
pub const BLAS_EXTRA_ROUNDINGS: f64 = 4.0;

/// Value written into the padding rows (`ld > rows`) of every test matrix, and
/// into triangles that must not be touched; it must be unchanged afterwards.
pub const SENTINEL: f64 = 777.25;

/// Tiny deterministic 64-bit LCG (Knuth's MMIX constants).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed ^ 0x2545_F491_4F6C_DD1D)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0
    }

    /// Uniform in `[-1, 1)` (top 53 bits).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

/// Column-major matrix with a leading dimension, as BLAS sees it.
#[derive(Clone, Debug)]
pub struct Mat<P> {
    pub rows: usize,
    pub cols: usize,
    pub ld: usize,
    pub data: Vec<P>,
}

impl<P: Prec> Mat<P> {
    /// `rows x cols` with `ld = max(1, rows + pad)`, entries from `f(i, j)`,
    /// padding rows set to [`SENTINEL`].
    pub fn from_fn(
        rows: usize,
        cols: usize,
        pad: usize,
        f: impl FnMut(usize, usize) -> f64,
    ) -> Self {
        let mut f = f;
        let ld = (rows + pad).max(1);
        let mut data = vec![P::of(SENTINEL); ld * cols.max(1)];
        for j in 0..cols {
            for i in 0..rows {
                data[i + j * ld] = P::of(f(i, j));
            }
        }
        Mat {
            rows,
            cols,
            ld,
            data,
        }
    }

    /// Uniform `[-1, 1)` entries.
    pub fn random(rows: usize, cols: usize, pad: usize, rng: &mut Lcg) -> Self {
        Self::from_fn(rows, cols, pad, |_, _| rng.uniform())
    }

    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i + j * self.ld].f()
    }

    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i + j * self.ld] = P::of(v);
    }

    pub fn ld(&self) -> i32 {
        self.ld as i32
    }

    /// Entry `(i, j)` of `A` (`trans = b'N'`) or `A^T` (`b'T'`/`b'C'`).
    pub fn op(&self, trans: u8, i: usize, j: usize) -> f64 {
        if trans.eq_ignore_ascii_case(&b'N') {
            self.get(i, j)
        } else {
            self.get(j, i)
        }
    }

    /// Assert that every padding entry still holds [`SENTINEL`].
    pub fn assert_padding_intact(&self, what: &str) {
        for j in 0..self.cols {
            for i in self.rows..self.ld {
                assert_eq!(
                    self.data[i + j * self.ld].f(),
                    SENTINEL,
                    "{what}: padding ({i},{j}) written"
                );
            }
        }
    }

    /// The `rows x cols` entries as a dense `f64` row-major nested vector.
    pub fn to_f64(&self) -> Vec<Vec<f64>> {
        (0..self.rows)
            .map(|i| (0..self.cols).map(|j| self.get(i, j)).collect())
            .collect()
    }
}

/// Frobenius norm of a dense `f64` matrix.
pub fn fro(a: &[Vec<f64>]) -> f64 {
    a.iter().flatten().map(|v| v * v).sum::<f64>().sqrt()
}

/// `A * B` for dense `f64` matrices.
pub fn matmul(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let (m, k, n) = (a.len(), b.len(), b.first().map_or(0, |r| r.len()));
    assert!(a.iter().all(|r| r.len() == k));
    (0..m)
        .map(|i| {
            (0..n)
                .map(|j| (0..k).map(|l| a[i][l] * b[l][j]).sum())
                .collect()
        })
        .collect()
}

pub fn transpose(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.first().map_or(0, |r| r.len());
    (0..n).map(|j| a.iter().map(|r| r[j]).collect()).collect()
}

pub fn sub(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p - q).collect())
        .collect()
}

pub fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

/// `||Q^T Q - I||_F / (n * eps)` for the columns of `q` (dense, row-major).
pub fn orthogonality_ratio(q: &[Vec<f64>], eps: f64) -> f64 {
    let k = q.first().map_or(0, |r| r.len());
    let qtq = matmul(&transpose(q), q);
    fro(&sub(&qtq, &identity(k))) / (k.max(1) as f64 * eps)
}

/// Random symmetric `n x n` matrix (full storage), entries uniform in `[-1, 1)`.
pub fn random_symmetric(n: usize, rng: &mut Lcg) -> Vec<Vec<f64>> {
    // Upper triangle drawn column by column (packed storage order), then mirrored.
    let packed: Vec<f64> = (0..n * (n + 1) / 2).map(|_| rng.uniform()).collect();
    let at = |i: usize, j: usize| {
        let (r, c) = if i <= j { (i, j) } else { (j, i) };
        packed[c * (c + 1) / 2 + r]
    };
    (0..n).map(|i| (0..n).map(|j| at(i, j)).collect()).collect()
}

/// Store only the `uplo` triangle of the symmetric `a` (the other triangle gets `other`).
pub fn store_triangle<P: Prec>(a: &[Vec<f64>], uplo: u8, pad: usize, other: f64) -> Mat<P> {
    let n = a.len();
    Mat::from_fn(n, n, pad, |i, j| {
        let stored = if uplo == b'U' { i <= j } else { i >= j };
        if stored {
            a[i][j]
        } else {
            other
        }
    })
}

/// Number of elements a strided vector of length `n` spans.
pub fn vec_span(n: usize, inc: i32) -> usize {
    if n == 0 {
        0
    } else {
        (n - 1) * inc.unsigned_abs() as usize + 1
    }
}

/// Storage position of logical element `i` (BLAS convention for negative increments).
pub fn vec_pos(i: usize, n: usize, inc: i32) -> usize {
    let s = inc.unsigned_abs() as usize;
    if inc > 0 {
        i * s
    } else {
        (n - 1 - i) * s
    }
}

macro_rules! ffi_trait {
    ($( fn $name:ident ( $($arg:ident : $ty:ty),* ); )*) => {
        /// One floating-point precision and its exported routines.
        pub trait Prec: Copy + PartialEq + std::fmt::Debug + 'static {
            /// Machine epsilon of the precision.
            const EPS: f64;
            fn of(x: f64) -> Self;
            fn f(self) -> f64;
            $(
                /// # Safety
                /// Raw Fortran-ABI call.
                unsafe fn $name($($arg: $ty),*);
            )*
        }
    };
}

/// Generates `Prec` impls forwarding to the `s`/`d` symbols.
macro_rules! ffi_impl {
    ($R:ty, $eps:expr, $( $name:ident => $sym:ident ( $($arg:ident : $ty:ty),* ); )*) => {
        impl Prec for $R {
            const EPS: f64 = $eps;
            fn of(x: f64) -> Self {
                x as $R
            }
            fn f(self) -> f64 {
                self as f64
            }
            $(
                unsafe fn $name($($arg: $ty),*) {
                    openblas_src::$sym($($arg),*)
                }
            )*
        }
    };
}

type Ch = *const c_char;
type I = *const c_int;
type Im = *mut c_int;

ffi_trait! {
    fn gemm_(ta: Ch, tb: Ch, m: I, n: I, k: I, alpha: *const Self, a: *const Self, lda: I, b: *const Self, ldb: I, beta: *const Self, c: *mut Self, ldc: I);
    fn gemv_(t: Ch, m: I, n: I, alpha: *const Self, a: *const Self, lda: I, x: *const Self, incx: I, beta: *const Self, y: *mut Self, incy: I);
    fn symv_(uplo: Ch, n: I, alpha: *const Self, a: *const Self, lda: I, x: *const Self, incx: I, beta: *const Self, y: *mut Self, incy: I);
    fn syrk_(uplo: Ch, t: Ch, n: I, k: I, alpha: *const Self, a: *const Self, lda: I, beta: *const Self, c: *mut Self, ldc: I);
    fn syr2k_(uplo: Ch, t: Ch, n: I, k: I, alpha: *const Self, a: *const Self, lda: I, b: *const Self, ldb: I, beta: *const Self, c: *mut Self, ldc: I);
    fn potrf_(uplo: Ch, n: I, a: *mut Self, lda: I, info: Im);
    fn potrs_(uplo: Ch, n: I, nrhs: I, a: *const Self, lda: I, b: *mut Self, ldb: I, info: Im);
    fn syevr_(jobz: Ch, range: Ch, uplo: Ch, n: I, a: *mut Self, lda: I, vl: *const Self, vu: *const Self, il: I, iu: I, abstol: *const Self, m: Im, w: *mut Self, z: *mut Self, ldz: I, isuppz: Im, work: *mut Self, lwork: I, iwork: Im, liwork: I, info: Im);
    fn gesdd_(jobz: Ch, m: I, n: I, a: *mut Self, lda: I, s: *mut Self, u: *mut Self, ldu: I, vt: *mut Self, ldvt: I, work: *mut Self, lwork: I, iwork: Im, info: Im);
    fn gesvd_(jobu: Ch, jobvt: Ch, m: I, n: I, a: *mut Self, lda: I, s: *mut Self, u: *mut Self, ldu: I, vt: *mut Self, ldvt: I, work: *mut Self, lwork: I, info: Im);
    fn gesv_(n: I, nrhs: I, a: *mut Self, lda: I, ipiv: Im, b: *mut Self, ldb: I, info: Im);
}

ffi_impl! { f32, f32::EPSILON as f64,
    gemm_ => sgemm_(ta: Ch, tb: Ch, m: I, n: I, k: I, alpha: *const f32, a: *const f32, lda: I, b: *const f32, ldb: I, beta: *const f32, c: *mut f32, ldc: I);
    gemv_ => sgemv_(t: Ch, m: I, n: I, alpha: *const f32, a: *const f32, lda: I, x: *const f32, incx: I, beta: *const f32, y: *mut f32, incy: I);
    symv_ => ssymv_(uplo: Ch, n: I, alpha: *const f32, a: *const f32, lda: I, x: *const f32, incx: I, beta: *const f32, y: *mut f32, incy: I);
    syrk_ => ssyrk_(uplo: Ch, t: Ch, n: I, k: I, alpha: *const f32, a: *const f32, lda: I, beta: *const f32, c: *mut f32, ldc: I);
    syr2k_ => ssyr2k_(uplo: Ch, t: Ch, n: I, k: I, alpha: *const f32, a: *const f32, lda: I, b: *const f32, ldb: I, beta: *const f32, c: *mut f32, ldc: I);
    potrf_ => spotrf_(uplo: Ch, n: I, a: *mut f32, lda: I, info: Im);
    potrs_ => spotrs_(uplo: Ch, n: I, nrhs: I, a: *const f32, lda: I, b: *mut f32, ldb: I, info: Im);
    syevr_ => ssyevr_(jobz: Ch, range: Ch, uplo: Ch, n: I, a: *mut f32, lda: I, vl: *const f32, vu: *const f32, il: I, iu: I, abstol: *const f32, m: Im, w: *mut f32, z: *mut f32, ldz: I, isuppz: Im, work: *mut f32, lwork: I, iwork: Im, liwork: I, info: Im);
    gesdd_ => sgesdd_(jobz: Ch, m: I, n: I, a: *mut f32, lda: I, s: *mut f32, u: *mut f32, ldu: I, vt: *mut f32, ldvt: I, work: *mut f32, lwork: I, iwork: Im, info: Im);
    gesvd_ => sgesvd_(jobu: Ch, jobvt: Ch, m: I, n: I, a: *mut f32, lda: I, s: *mut f32, u: *mut f32, ldu: I, vt: *mut f32, ldvt: I, work: *mut f32, lwork: I, info: Im);
    gesv_ => sgesv_(n: I, nrhs: I, a: *mut f32, lda: I, ipiv: Im, b: *mut f32, ldb: I, info: Im);
}

ffi_impl! { f64, f64::EPSILON,
    gemm_ => dgemm_(ta: Ch, tb: Ch, m: I, n: I, k: I, alpha: *const f64, a: *const f64, lda: I, b: *const f64, ldb: I, beta: *const f64, c: *mut f64, ldc: I);
    gemv_ => dgemv_(t: Ch, m: I, n: I, alpha: *const f64, a: *const f64, lda: I, x: *const f64, incx: I, beta: *const f64, y: *mut f64, incy: I);
    symv_ => dsymv_(uplo: Ch, n: I, alpha: *const f64, a: *const f64, lda: I, x: *const f64, incx: I, beta: *const f64, y: *mut f64, incy: I);
    syrk_ => dsyrk_(uplo: Ch, t: Ch, n: I, k: I, alpha: *const f64, a: *const f64, lda: I, beta: *const f64, c: *mut f64, ldc: I);
    syr2k_ => dsyr2k_(uplo: Ch, t: Ch, n: I, k: I, alpha: *const f64, a: *const f64, lda: I, b: *const f64, ldb: I, beta: *const f64, c: *mut f64, ldc: I);
    potrf_ => dpotrf_(uplo: Ch, n: I, a: *mut f64, lda: I, info: Im);
    potrs_ => dpotrs_(uplo: Ch, n: I, nrhs: I, a: *const f64, lda: I, b: *mut f64, ldb: I, info: Im);
    syevr_ => dsyevr_(jobz: Ch, range: Ch, uplo: Ch, n: I, a: *mut f64, lda: I, vl: *const f64, vu: *const f64, il: I, iu: I, abstol: *const f64, m: Im, w: *mut f64, z: *mut f64, ldz: I, isuppz: Im, work: *mut f64, lwork: I, iwork: Im, liwork: I, info: Im);
    gesdd_ => dgesdd_(jobz: Ch, m: I, n: I, a: *mut f64, lda: I, s: *mut f64, u: *mut f64, ldu: I, vt: *mut f64, ldvt: I, work: *mut f64, lwork: I, iwork: Im, info: Im);
    gesvd_ => dgesvd_(jobu: Ch, jobvt: Ch, m: I, n: I, a: *mut f64, lda: I, s: *mut f64, u: *mut f64, ldu: I, vt: *mut f64, ldvt: I, work: *mut f64, lwork: I, info: Im);
    gesv_ => dgesv_(n: I, nrhs: I, a: *mut f64, lda: I, ipiv: Im, b: *mut f64, ldb: I, info: Im);
}

/// Pointer to a character argument.
pub fn ch(c: &u8) -> *const c_char {
    (c as *const u8).cast()
}

/// Mutable pointer to a possibly empty buffer (dangling-but-aligned when empty).
pub fn mp<T>(v: &mut [T]) -> *mut T {
    v.as_mut_ptr()
}

/// Element-wise check of a BLAS result against the exact value `want` with the
/// rigorous error bound described at [`BLAS_EXTRA_ROUNDINGS`].
pub fn assert_blas_close(got: f64, want: f64, bound: f64, k: usize, eps: f64, what: &str) {
    let tol = (k as f64 + BLAS_EXTRA_ROUNDINGS) * eps * bound;
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:e}, want {want:e}, |diff| {:e} > tol {tol:e}",
        (got - want).abs()
    );
}
