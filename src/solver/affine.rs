//! Affine expressions in the problem variables: scalars ([`Affine`]), real symmetric matrices
//! ([`SymAffine`]) and complex Hermitian matrices ([`HermAffine`]).

use super::svec::{svec_index, svec_len, upper_triangle};
use nalgebra::DMatrix;
use num_complex::Complex64;
use std::ops::{Add, AddAssign, Mul, Neg, Sub};

/// Affine scalar expression `constant + Σ coef · x[var]`.
///
/// A variable may appear in several terms; the coefficients add. Expressions combine with `+`,
/// `−` (by value or by reference on the right), unary `−` and `* f64`, or with the builder
/// methods below.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Affine {
    /// The constant part.
    pub constant: f64,
    /// `(variable index, coefficient)` pairs.
    pub terms: Vec<(usize, f64)>,
}

impl Affine {
    /// The zero expression.
    pub fn zero() -> Self {
        Self::default()
    }

    /// The constant expression `c`.
    pub fn constant(c: f64) -> Self {
        Self {
            constant: c,
            terms: Vec::new(),
        }
    }

    /// The expression `x[var]`.
    pub fn var(var: usize) -> Self {
        Self::term(var, 1.0)
    }

    /// The expression `coef · x[var]`.
    pub fn term(var: usize, coef: f64) -> Self {
        Self {
            constant: 0.0,
            terms: vec![(var, coef)],
        }
    }

    /// `factor · self`.
    pub fn scale(mut self, factor: f64) -> Self {
        self.constant *= factor;
        for (_, coef) in &mut self.terms {
            *coef *= factor;
        }
        self
    }

    /// `self + factor · other`.
    pub fn add_scaled(mut self, other: &Affine, factor: f64) -> Self {
        self.constant += factor * other.constant;
        self.terms
            .extend(other.terms.iter().map(|&(var, coef)| (var, factor * coef)));
        self
    }

    /// `self + coef · x[var]`.
    pub fn add_term(mut self, var: usize, coef: f64) -> Self {
        self.terms.push((var, coef));
        self
    }

    /// `self + c`.
    pub fn add_constant(mut self, c: f64) -> Self {
        self.constant += c;
        self
    }

    /// Value at the point `x`.
    ///
    /// # Panics
    /// If a term refers to a variable beyond `x.len()`.
    #[track_caller]
    pub fn eval(&self, x: &[f64]) -> f64 {
        self.constant
            + self
                .terms
                .iter()
                .map(|&(var, coef)| coef * x[var])
                .sum::<f64>()
    }

    /// Largest variable index used, if any.
    pub fn max_var(&self) -> Option<usize> {
        self.terms.iter().map(|&(var, _)| var).max()
    }

    /// Whether the constant and every coefficient are finite.
    pub fn is_finite(&self) -> bool {
        self.constant.is_finite() && self.terms.iter().all(|(_, coef)| coef.is_finite())
    }
}

impl AddAssign<&Affine> for Affine {
    fn add_assign(&mut self, other: &Affine) {
        self.constant += other.constant;
        self.terms.extend_from_slice(&other.terms);
    }
}

impl Add<&Affine> for Affine {
    type Output = Affine;

    fn add(mut self, other: &Affine) -> Affine {
        self += other;
        self
    }
}

impl Add for Affine {
    type Output = Affine;

    fn add(self, other: Affine) -> Affine {
        self + &other
    }
}

impl Sub<&Affine> for Affine {
    type Output = Affine;

    fn sub(self, other: &Affine) -> Affine {
        self.add_scaled(other, -1.0)
    }
}

impl Sub for Affine {
    type Output = Affine;

    fn sub(self, other: Affine) -> Affine {
        self - &other
    }
}

impl Neg for Affine {
    type Output = Affine;

    fn neg(self) -> Affine {
        self.scale(-1.0)
    }
}

impl Mul<f64> for Affine {
    type Output = Affine;

    fn mul(self, factor: f64) -> Affine {
        self.scale(factor)
    }
}

/// Real symmetric `n × n` matrix of affine entries. Only the upper triangle is stored (in
/// Clarabel's column-wise order, see [`svec`](mod@super::svec)); entry `(j, i)` is entry `(i, j)`.
#[derive(Clone, Debug, PartialEq)]
pub struct SymAffine {
    n: usize,
    entries: Vec<Affine>,
}

impl SymAffine {
    /// The `n × n` zero matrix.
    pub fn zeros(n: usize) -> Self {
        Self {
            n,
            entries: vec![Affine::zero(); svec_len(n)],
        }
    }

    /// The matrix with entry `(i, j)` equal to `f(i, j)`, called for `i ≤ j` only.
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> Affine) -> Self {
        Self {
            n,
            entries: upper_triangle(n).map(|(i, j)| f(i, j)).collect(),
        }
    }

    /// The constant matrix `(c + cᵀ)/2`.
    ///
    /// # Panics
    /// If `c` is not square.
    #[track_caller]
    pub fn from_constant(c: &DMatrix<f64>) -> Self {
        assert!(
            c.is_square(),
            "a symmetric matrix is square, got {} × {}",
            c.nrows(),
            c.ncols()
        );
        Self::from_fn(c.nrows(), |i, j| {
            Affine::constant(0.5 * (c[(i, j)] + c[(j, i)]))
        })
    }

    /// Side of the matrix.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Entry `(i, j)` (either order).
    ///
    /// # Panics
    /// If `i` or `j` is out of range.
    #[track_caller]
    pub fn get(&self, i: usize, j: usize) -> &Affine {
        self.check_index(i, j);
        &self.entries[svec_index(i, j)]
    }

    /// Sets entries `(i, j)` and `(j, i)` to `e`.
    ///
    /// # Panics
    /// If `i` or `j` is out of range.
    #[track_caller]
    pub fn set(&mut self, i: usize, j: usize, e: Affine) {
        self.check_index(i, j);
        self.entries[svec_index(i, j)] = e;
    }

    /// Adds `e` to entries `(i, j)` and `(j, i)` (once: the matrix stays symmetric).
    ///
    /// # Panics
    /// If `i` or `j` is out of range.
    #[track_caller]
    pub fn add_to(&mut self, i: usize, j: usize, e: &Affine) {
        self.check_index(i, j);
        self.entries[svec_index(i, j)] += e;
    }

    /// The upper-triangle entries in `svec` order, with their `(row, col)`, `row ≤ col`.
    pub fn upper_entries(&self) -> impl Iterator<Item = ((usize, usize), &Affine)> {
        upper_triangle(self.n).zip(&self.entries)
    }

    /// Value at the point `x`.
    pub fn eval(&self, x: &[f64]) -> DMatrix<f64> {
        let mut m = DMatrix::zeros(self.n, self.n);
        for ((i, j), e) in self.upper_entries() {
            let value = e.eval(x);
            m[(i, j)] = value;
            m[(j, i)] = value;
        }
        m
    }

    #[track_caller]
    fn check_index(&self, i: usize, j: usize) {
        assert!(
            i < self.n && j < self.n,
            "entry ({i}, {j}) of a {n} × {n} matrix",
            n = self.n
        );
    }
}

/// Complex Hermitian `n × n` matrix `X = A + jB` of affine entries: `A` real symmetric, `B` real
/// antisymmetric (zero diagonal). Stored as `A` (upper triangle) and `B` above the diagonal.
#[derive(Clone, Debug, PartialEq)]
pub struct HermAffine {
    n: usize,
    re: SymAffine,
    /// `B[i][j]` for `i < j`, in `svec` order of the strict upper triangle.
    im: Vec<Affine>,
}

impl HermAffine {
    /// The `n × n` zero matrix.
    pub fn zeros(n: usize) -> Self {
        Self {
            n,
            re: SymAffine::zeros(n),
            im: vec![Affine::zero(); strict_len(n)],
        }
    }

    /// The matrix with entry `(i, j)` equal to `re + j·im` where `(re, im) = f(i, j)`, called for
    /// `i ≤ j` only; entry `(j, i)` is the conjugate.
    ///
    /// # Panics
    /// If `f` returns a diagonal entry with an imaginary part (see [`HermAffine::set`]).
    #[track_caller]
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> (Affine, Affine)) -> Self {
        let mut m = Self::zeros(n);
        for (i, j) in upper_triangle(n) {
            let (re, im) = f(i, j);
            m.set(i, j, re, im);
        }
        m
    }

    /// The constant matrix `(c + cᴴ)/2`.
    ///
    /// # Panics
    /// If `c` is not square.
    #[track_caller]
    pub fn from_constant(c: &DMatrix<Complex64>) -> Self {
        assert!(
            c.is_square(),
            "a Hermitian matrix is square, got {} × {}",
            c.nrows(),
            c.ncols()
        );
        Self::from_fn(c.nrows(), |i, j| {
            let z = 0.5 * (c[(i, j)] + c[(j, i)].conj());
            let im = if i == j { 0.0 } else { z.im };
            (Affine::constant(z.re), Affine::constant(im))
        })
    }

    /// Side of the matrix.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The real part `A`.
    pub fn re(&self) -> &SymAffine {
        &self.re
    }

    /// Entry `(i, j)` as `(real part, imaginary part)` (either order; `(j, i)` is the
    /// conjugate of `(i, j)`).
    ///
    /// # Panics
    /// If `i` or `j` is out of range.
    #[track_caller]
    pub fn get(&self, i: usize, j: usize) -> (Affine, Affine) {
        let re = self.re.get(i, j).clone();
        let im = match i.cmp(&j) {
            std::cmp::Ordering::Equal => Affine::zero(),
            std::cmp::Ordering::Less => self.im[strict_index(i, j)].clone(),
            std::cmp::Ordering::Greater => self.im[strict_index(j, i)].clone().scale(-1.0),
        };
        (re, im)
    }

    /// Sets entry `(i, j)` to `re + j·im` and entry `(j, i)` to its conjugate.
    ///
    /// # Panics
    /// If `i` or `j` is out of range, or if `i == j` and `im` is not the zero expression (a
    /// Hermitian matrix has a real diagonal).
    #[track_caller]
    pub fn set(&mut self, i: usize, j: usize, re: Affine, im: Affine) {
        self.re.set(i, j, re);
        if let Some((slot, im_upper)) = self.im_slot(i, j, im) {
            *slot = im_upper;
        }
    }

    /// Adds `re + j·im` to entry `(i, j)` and its conjugate to entry `(j, i)`.
    ///
    /// # Panics
    /// As [`HermAffine::set`].
    #[track_caller]
    pub fn add_to(&mut self, i: usize, j: usize, re: &Affine, im: &Affine) {
        self.re.add_to(i, j, re);
        if let Some((slot, im_upper)) = self.im_slot(i, j, im.clone()) {
            *slot += &im_upper;
        }
    }

    /// The real embedding `[[A, −B], [B, A]]` (`2n × 2n`), which is PSD exactly when `X` is.
    pub fn real_embedding(&self) -> SymAffine {
        let n = self.n;
        SymAffine::from_fn(2 * n, |r, c| {
            // r ≤ c, so the block is top-left, top-right or bottom-right.
            let (bi, bj) = (r % n, c % n);
            if (r < n) == (c < n) {
                self.re.get(bi, bj).clone()
            } else {
                // top-right block: −B[bi][bj]
                self.get(bi, bj).1.scale(-1.0)
            }
        })
    }

    /// Value at the point `x`.
    pub fn eval(&self, x: &[f64]) -> DMatrix<Complex64> {
        DMatrix::from_fn(self.n, self.n, |i, j| {
            let (re, im) = self.get(i, j);
            Complex64::new(re.eval(x), im.eval(x))
        })
    }

    /// Every expression of the matrix (real parts, then imaginary parts above the diagonal).
    pub(crate) fn expressions(&self) -> impl Iterator<Item = &Affine> {
        self.re.entries.iter().chain(&self.im)
    }

    /// The stored slot for the imaginary part of entry `(i, j)` and `im` as seen from that slot
    /// (negated when `i > j`, since `B` is antisymmetric); `None` on the diagonal.
    ///
    /// # Panics
    /// If `i == j` and `im` is not the zero expression.
    #[track_caller]
    fn im_slot(&mut self, i: usize, j: usize, im: Affine) -> Option<(&mut Affine, Affine)> {
        match i.cmp(&j) {
            std::cmp::Ordering::Equal => {
                assert!(
                    im.constant == 0.0 && im.terms.iter().all(|&(_, coef)| coef == 0.0),
                    "diagonal entry ({i}, {i}) of a Hermitian matrix must be real, got {im:?}"
                );
                None
            }
            std::cmp::Ordering::Less => Some((&mut self.im[strict_index(i, j)], im)),
            std::cmp::Ordering::Greater => Some((&mut self.im[strict_index(j, i)], im.scale(-1.0))),
        }
    }
}

impl SymAffine {
    /// Every entry expression in `svec` order.
    pub(crate) fn expressions(&self) -> impl Iterator<Item = &Affine> {
        self.entries.iter()
    }
}

/// Number of strictly-upper entries of an `n × n` matrix.
fn strict_len(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

/// Index of `(i, j)`, `i < j`, in the column-wise strict upper triangle.
fn strict_index(i: usize, j: usize) -> usize {
    j * (j - 1) / 2 + i
}
