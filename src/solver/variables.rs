//! Matrix variables laid out as blocks of scalar problem variables.

use super::affine::{Affine, HermAffine, SymAffine};
use super::svec::{svec_index, svec_len};
use nalgebra::DMatrix;
use num_complex::Complex64;
use std::ops::Range;

/// A complex Hermitian `n × n` matrix variable `X`, stored in `n²` real variables starting at
/// `offset`, in this order:
///
/// 1. the `n` diagonal entries `X₀₀, …, X_{n−1,n−1}`;
/// 2. the `n(n−1)/2` real parts `Re X_ij`, `i < j`, column by column
///    (`(0,1), (0,2), (1,2), (0,3), …`);
/// 3. the `n(n−1)/2` imaginary parts `Im X_ij`, same order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HermitianVar {
    /// Side of the matrix.
    pub n: usize,
    /// Index of the first variable.
    pub offset: usize,
}

impl HermitianVar {
    /// Number of real variables, `n²`.
    pub fn len(&self) -> usize {
        self.n * self.n
    }

    /// Whether the matrix is `0 × 0`.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The variable indices.
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.len()
    }

    /// Entry `(i, j)` as `(real part, imaginary part)`.
    ///
    /// # Panics
    /// If `i` or `j` is out of range.
    #[track_caller]
    pub fn entry(&self, i: usize, j: usize) -> (Affine, Affine) {
        assert!(
            i < self.n && j < self.n,
            "entry ({i}, {j}) of a {n} × {n} matrix",
            n = self.n
        );
        let n_strict = self.n * (self.n - 1) / 2;
        let re_start = self.offset + self.n;
        let im_start = re_start + n_strict;
        match i.cmp(&j) {
            std::cmp::Ordering::Equal => (Affine::var(self.offset + i), Affine::zero()),
            std::cmp::Ordering::Less => {
                let k = j * (j - 1) / 2 + i;
                (Affine::var(re_start + k), Affine::var(im_start + k))
            }
            std::cmp::Ordering::Greater => {
                let k = i * (i - 1) / 2 + j;
                (Affine::var(re_start + k), Affine::term(im_start + k, -1.0))
            }
        }
    }

    /// The matrix as an affine expression, e.g. for [`super::ConicProblem::add_hermitian_psd`].
    pub fn to_affine(&self) -> HermAffine {
        HermAffine::from_fn(self.n, |i, j| self.entry(i, j))
    }

    /// `tr X`.
    pub fn trace(&self) -> Affine {
        Affine {
            constant: 0.0,
            terms: (0..self.n).map(|i| (self.offset + i, 1.0)).collect(),
        }
    }

    /// `Re tr(C X)` for a constant `c` (`[n, n]`); for Hermitian `C` this is `tr(C X)`.
    ///
    /// # Panics
    /// If `c` is not `n × n`.
    #[track_caller]
    pub fn re_trace_product(&self, c: &DMatrix<Complex64>) -> Affine {
        assert_eq!(
            c.shape(),
            (self.n, self.n),
            "C must be [n, n] = [{n}, {n}]",
            n = self.n
        );

        // Re tr(CX) = Σ_ij Re(C_ij X_ji) = Σ_ij (Re C_ij Re X_ji − Im C_ij Im X_ji).
        let mut out = Affine::zero();
        for i in 0..self.n {
            for j in 0..self.n {
                let (re, im) = self.entry(j, i);
                out = out
                    .add_scaled(&re, c[(i, j)].re)
                    .add_scaled(&im, -c[(i, j)].im);
            }
        }
        out
    }

    /// Value of `X` at the point `x`.
    ///
    /// # Panics
    /// If `x` is too short.
    #[track_caller]
    pub fn value(&self, x: &[f64]) -> DMatrix<Complex64> {
        DMatrix::from_fn(self.n, self.n, |i, j| {
            let (re, im) = self.entry(i, j);
            Complex64::new(re.eval(x), im.eval(x))
        })
    }
}

/// A real symmetric `n × n` matrix variable `X`, stored in `n(n+1)/2` variables starting at
/// `offset`: the upper triangle column by column (`X₀₀, X₀₁, X₁₁, X₀₂, …`, as in `svec` but
/// without the `√2` scaling).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SymmetricVar {
    /// Side of the matrix.
    pub n: usize,
    /// Index of the first variable.
    pub offset: usize,
}

impl SymmetricVar {
    /// Number of variables, `n(n+1)/2`.
    pub fn len(&self) -> usize {
        svec_len(self.n)
    }

    /// Whether the matrix is `0 × 0`.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The variable indices.
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.len()
    }

    /// Entry `(i, j)` (either order).
    ///
    /// # Panics
    /// If `i` or `j` is out of range.
    #[track_caller]
    pub fn entry(&self, i: usize, j: usize) -> Affine {
        assert!(
            i < self.n && j < self.n,
            "entry ({i}, {j}) of a {n} × {n} matrix",
            n = self.n
        );
        Affine::var(self.offset + svec_index(i, j))
    }

    /// The matrix as an affine expression, e.g. for [`super::ConicProblem::add_psd`].
    pub fn to_affine(&self) -> SymAffine {
        SymAffine::from_fn(self.n, |i, j| self.entry(i, j))
    }

    /// `tr X`.
    pub fn trace(&self) -> Affine {
        Affine {
            constant: 0.0,
            terms: (0..self.n)
                .map(|i| (self.offset + svec_index(i, i), 1.0))
                .collect(),
        }
    }

    /// `tr(C X)` for a constant `c` (`[n, n]`).
    ///
    /// # Panics
    /// If `c` is not `n × n`.
    #[track_caller]
    pub fn trace_product(&self, c: &DMatrix<f64>) -> Affine {
        assert_eq!(
            c.shape(),
            (self.n, self.n),
            "C must be [n, n] = [{n}, {n}]",
            n = self.n
        );
        let mut out = Affine::zero();
        for i in 0..self.n {
            for j in 0..self.n {
                out = out.add_term(self.offset + svec_index(i, j), c[(i, j)]);
            }
        }
        out
    }

    /// Value of `X` at the point `x`.
    ///
    /// # Panics
    /// If `x` is too short.
    #[track_caller]
    pub fn value(&self, x: &[f64]) -> DMatrix<f64> {
        DMatrix::from_fn(self.n, self.n, |i, j| self.entry(i, j).eval(x))
    }
}
