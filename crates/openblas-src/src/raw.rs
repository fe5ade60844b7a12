//! Helpers shared by every routine: the scalar trait, reading Fortran-style
//! arguments passed by pointer, turning validated pointers into slices, and
//! `xerbla`-style error reporting.

use std::os::raw::{c_char, c_int};

/// The two real precisions BLAS/LAPACK provide (`s` = `f32`, `d` = `f64`).
pub(crate) trait Real: nalgebra::RealField + Copy {
    /// Machine epsilon (unit roundoff times two).
    const EPSILON: Self;
    /// Convert a workspace size to the floating-point value LAPACK stores in
    /// `work[0]`, rounding up (like LAPACK's `sroundup_lwork`) so that reading it
    /// back never yields a size below the one required.
    fn lwork_value(n: usize) -> Self;
}

impl Real for f32 {
    const EPSILON: Self = f32::EPSILON;
    fn lwork_value(n: usize) -> Self {
        let f = n as f32;
        if (f as usize) < n {
            f32::from_bits(f.to_bits() + 1)
        } else {
            f
        }
    }
}

impl Real for f64 {
    const EPSILON: Self = f64::EPSILON;
    fn lwork_value(n: usize) -> Self {
        let f = n as f64;
        if (f as usize) < n {
            f64::from_bits(f.to_bits() + 1)
        } else {
            f
        }
    }
}

/// Read a character argument, upper-cased (LAPACK's `LSAME` is case-insensitive).
///
/// # Safety
/// `p` must point to a readable `c_char`.
pub(crate) unsafe fn read_char(p: *const c_char) -> u8 {
    (*p as u8).to_ascii_uppercase()
}

/// Read an integer argument.
///
/// # Safety
/// `p` must point to a readable `c_int`.
pub(crate) unsafe fn read_int(p: *const c_int) -> i32 {
    *p
}

/// Read a scalar argument.
///
/// # Safety
/// `p` must point to a readable `T`.
pub(crate) unsafe fn read<T: Copy>(p: *const T) -> T {
    *p
}

/// Number of elements spanned by a column-major `rows x cols` matrix with
/// leading dimension `ld` (zero for an empty matrix, which is then never touched).
pub(crate) fn mat_len(rows: usize, cols: usize, ld: usize) -> usize {
    if rows == 0 || cols == 0 {
        0
    } else {
        ld * (cols - 1) + rows
    }
}

/// Number of elements spanned by a strided vector of length `n` and increment `inc != 0`.
pub(crate) fn vec_len(n: usize, inc: i32) -> usize {
    if n == 0 {
        0
    } else {
        (n - 1) * inc.unsigned_abs() as usize + 1
    }
}

/// Position of logical element `i` of a strided vector (BLAS convention: a negative
/// increment walks the storage backwards, starting from the far end).
pub(crate) fn vec_idx(i: usize, n: usize, inc: i32) -> usize {
    let step = inc.unsigned_abs() as usize;
    if inc > 0 {
        i * step
    } else {
        (n - 1 - i) * step
    }
}

/// Immutable slice over `len` elements at `p` (an empty slice, without touching `p`, if `len == 0`).
///
/// # Safety
/// If `len > 0`, `p` must be valid for reading `len` elements and not be mutated
/// through another alias while the slice lives.
pub(crate) unsafe fn slice<'a, T>(p: *const T, len: usize) -> &'a [T] {
    if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(p, len)
    }
}

/// Mutable slice over `len` elements at `p` (an empty slice, without touching `p`, if `len == 0`).
///
/// # Safety
/// If `len > 0`, `p` must be valid for reading and writing `len` elements and must
/// not overlap any other slice alive at the same time.
pub(crate) unsafe fn slice_mut<'a, T>(p: *mut T, len: usize) -> &'a mut [T] {
    if len == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(p, len)
    }
}

/// Report an illegal argument the way BLAS/LAPACK's `XERBLA` does (OpenBLAS
/// flavour: print and return rather than stop the program).
pub(crate) fn xerbla(name: &str, param: i32) {
    eprintln!(" ** On entry to {name:<6} parameter number {param:>2} had an illegal value");
}

/// `max(1, n)` as used in leading-dimension checks.
pub(crate) fn max1(n: i32) -> i32 {
    n.max(1)
}

/// Run a numerical kernel that relies on nalgebra, turning an (unexpected) panic
/// into a positive `info` instead of aborting the process at the FFI boundary.
pub(crate) fn guarded(f: impl FnOnce() -> i32) -> i32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(crate::FAILED_INFO)
}
