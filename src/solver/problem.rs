//! The conic problem builder and its assembly into Clarabel's standard form.

use super::affine::{Affine, HermAffine, SymAffine};
use super::svec::{svec_len, svec_scale};
use super::variables::{HermitianVar, SymmetricVar};
use clarabel::algebra::CscMatrix;
use clarabel::solver::SupportedConeT;
use std::ops::Range;

/// A conic program in scalar variables `x`, with a linear or convex quadratic objective:
///
/// ```text
/// minimise    xᵀHx + cᵀx + c₀
/// subject to  e_k(x) = 0          (equalities)
///             f_k(x) ≥ 0          (nonnegativities)
///             M_l(x) ⪰ 0          (real symmetric matrix inequalities)
/// ```
///
/// with every `e_k`, `f_k` and entry of `M_l` affine, and `H` symmetric positive semidefinite
/// (zero unless [`ConicProblem::add_quadratic`] is used). A complex Hermitian inequality is added
/// through its real embedding ([`ConicProblem::add_hermitian_psd`]).
///
/// Variables are created with [`ConicProblem::add_vars`] (or as matrix blocks) before any
/// expression refers to them.
#[derive(Clone, Debug, Default)]
pub struct ConicProblem {
    n_vars: usize,
    objective: Vec<f64>,
    objective_constant: f64,
    /// `(i, j, h)` with `i ≤ j`: the objective holds `h · x_i x_j`.
    quadratic: Vec<(usize, usize, f64)>,
    eq: Vec<Affine>,
    nonneg: Vec<Affine>,
    psd: Vec<SymAffine>,
}

/// The problem in Clarabel's form `min ½xᵀPx + qᵀx s.t. A x + s = b, s ∈ K`, `P = 2H` (upper
/// triangle).
pub(crate) struct StandardForm {
    pub(crate) p: CscMatrix<f64>,
    pub(crate) q: Vec<f64>,
    pub(crate) a: CscMatrix<f64>,
    pub(crate) b: Vec<f64>,
    pub(crate) cones: Vec<SupportedConeT<f64>>,
}

impl ConicProblem {
    /// An empty problem: no variables, no constraints, zero objective.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `n` scalar variables and returns their indices.
    pub fn add_vars(&mut self, n: usize) -> Range<usize> {
        let start = self.n_vars;
        self.n_vars += n;
        self.objective.resize(self.n_vars, 0.0);
        start..self.n_vars
    }

    /// Adds a Hermitian `n × n` matrix variable (`n²` scalar variables, layout in
    /// [`HermitianVar`]). No constraint is implied; add `add_hermitian_psd(var.to_affine())` for
    /// `X ⪰ 0`.
    pub fn add_hermitian_var(&mut self, n: usize) -> HermitianVar {
        let range = self.add_vars(n * n);
        HermitianVar {
            n,
            offset: range.start,
        }
    }

    /// Adds a real symmetric `n × n` matrix variable (`n(n+1)/2` scalar variables, layout in
    /// [`SymmetricVar`]).
    pub fn add_symmetric_var(&mut self, n: usize) -> SymmetricVar {
        let range = self.add_vars(svec_len(n));
        SymmetricVar {
            n,
            offset: range.start,
        }
    }

    /// Number of scalar variables.
    pub fn n_vars(&self) -> usize {
        self.n_vars
    }

    /// Adds `coef · x[var]` to the objective (minimised).
    ///
    /// # Panics
    /// If `var` is not a variable of the problem.
    #[track_caller]
    pub fn add_objective(&mut self, var: usize, coef: f64) {
        self.check_var(var);
        self.objective[var] += coef;
    }

    /// Adds the affine `e` to the objective (minimised); its constant shifts the reported
    /// objective value.
    ///
    /// # Panics
    /// If `e` refers to a variable not in the problem.
    #[track_caller]
    pub fn add_objective_affine(&mut self, e: &Affine) {
        self.check_expr(e);
        self.objective_constant += e.constant;
        for &(var, coef) in &e.terms {
            self.objective[var] += coef;
        }
    }

    /// Adds `coef · x[i] · x[j]` to the objective (`coef · x[i]²` when `i == j`). The quadratic
    /// part `xᵀHx` must be convex (`H ⪰ 0`) once all terms are added; Clarabel does not check,
    /// and a nonconvex objective ends in a failed or meaningless solve.
    ///
    /// # Panics
    /// If `i` or `j` is not a variable of the problem.
    #[track_caller]
    pub fn add_quadratic(&mut self, i: usize, j: usize, coef: f64) {
        self.check_var(i);
        self.check_var(j);
        self.quadratic.push((i.min(j), i.max(j), coef));
    }

    /// Whether the objective has a quadratic part.
    pub fn has_quadratic(&self) -> bool {
        !self.quadratic.is_empty()
    }

    /// Adds the constraint `e = 0`.
    ///
    /// # Panics
    /// If `e` refers to a variable not in the problem.
    #[track_caller]
    pub fn add_eq(&mut self, e: Affine) {
        self.check_expr(&e);
        self.eq.push(e);
    }

    /// Adds the constraint `e ≥ 0`.
    ///
    /// # Panics
    /// If `e` refers to a variable not in the problem.
    #[track_caller]
    pub fn add_nonneg(&mut self, e: Affine) {
        self.check_expr(&e);
        self.nonneg.push(e);
    }

    /// Adds the constraint `M(x) ⪰ 0` for a real symmetric affine matrix. A `0 × 0` matrix adds
    /// nothing.
    ///
    /// # Panics
    /// If an entry refers to a variable not in the problem.
    #[track_caller]
    pub fn add_psd(&mut self, m: SymAffine) {
        for e in m.expressions() {
            self.check_expr(e);
        }
        if m.n() > 0 {
            self.psd.push(m);
        }
    }

    /// Adds the constraint `X(x) = A(x) + jB(x) ⪰ 0` for a complex Hermitian affine matrix,
    /// through the real embedding `[[A, −B], [B, A]] ⪰ 0` (`2n × 2n`).
    ///
    /// # Panics
    /// If an entry refers to a variable not in the problem.
    #[track_caller]
    pub fn add_hermitian_psd(&mut self, m: HermAffine) {
        for e in m.expressions() {
            self.check_expr(e);
        }
        if m.n() > 0 {
            self.psd.push(m.real_embedding());
        }
    }

    /// The constant added to `cᵀx` in the objective.
    pub fn objective_constant(&self) -> f64 {
        self.objective_constant
    }

    /// Objective `xᵀHx + cᵀx + c₀` at the point `x`.
    pub fn objective_at(&self, x: &[f64]) -> f64 {
        let linear: f64 = self.objective.iter().zip(x).map(|(c, v)| c * v).sum();
        let quadratic: f64 = self
            .quadratic
            .iter()
            .map(|&(i, j, h)| h * x[i] * x[j])
            .sum();
        self.objective_constant + linear + quadratic
    }

    /// Number of constraint rows Clarabel sees: equalities, nonnegativities and the `svec`
    /// lengths of the PSD blocks.
    pub fn n_rows(&self) -> usize {
        self.eq.len() + self.nonneg.len() + self.psd.iter().map(|m| svec_len(m.n())).sum::<usize>()
    }

    /// Sides of the PSD blocks, in the order added (a Hermitian block counts as its embedding).
    pub fn psd_sides(&self) -> Vec<usize> {
        self.psd.iter().map(SymAffine::n).collect()
    }

    /// Largest violation of the constraints at `x`: `|e|` for equalities, `−f` for
    /// nonnegativities, `−λ_min(M)` for PSD blocks; zero when all hold.
    pub fn max_violation(&self, x: &[f64]) -> f64 {
        let eq = self.eq.iter().map(|e| e.eval(x).abs());
        let nonneg = self.nonneg.iter().map(|f| -f.eval(x));
        let psd = self.psd.iter().map(|m| {
            let eig = m.eval(x).symmetric_eigenvalues();
            -eig.min()
        });
        eq.chain(nonneg).chain(psd).fold(0.0, f64::max)
    }

    /// Whether every coefficient and constant is finite.
    pub(crate) fn is_finite(&self) -> bool {
        self.objective.iter().all(|c| c.is_finite())
            && self.objective_constant.is_finite()
            && self.quadratic.iter().all(|&(_, _, h)| h.is_finite())
            && self.eq.iter().chain(&self.nonneg).all(Affine::is_finite)
            && self
                .psd
                .iter()
                .all(|m| m.expressions().all(Affine::is_finite))
    }

    /// Clarabel's data: rows are the equalities (zero cone), then the nonnegativities
    /// (nonnegative cone), then each PSD block as `svec(M(x))` (PSD triangle cone).
    ///
    /// For a row `r(x) = const + aᵀx` that must lie in a cone, the slack is `s = r(x)`, so
    /// `A`'s row is `−a` and `b` is `const`; a PSD block's rows are scaled as `svec`.
    pub(crate) fn standard_form(&self) -> StandardForm {
        let m = self.n_rows();
        let mut rows = Vec::new();
        let mut cols = Vec::new();
        let mut vals = Vec::new();
        let mut b = Vec::with_capacity(m);
        let mut push_row = |e: &Affine, scale: f64| {
            let row = b.len();
            b.push(scale * e.constant);
            for &(var, coef) in &e.terms {
                if coef != 0.0 {
                    rows.push(row);
                    cols.push(var);
                    vals.push(-scale * coef);
                }
            }
        };

        // Zero cone, then nonnegative cone.
        let mut cones = Vec::new();
        self.eq.iter().for_each(|e| push_row(e, 1.0));
        if !self.eq.is_empty() {
            cones.push(SupportedConeT::ZeroConeT(self.eq.len()));
        }
        self.nonneg.iter().for_each(|e| push_row(e, 1.0));
        if !self.nonneg.is_empty() {
            cones.push(SupportedConeT::NonnegativeConeT(self.nonneg.len()));
        }

        // PSD blocks, each in svec order with the √2 off-diagonal scaling.
        for block in &self.psd {
            for ((i, j), e) in block.upper_entries() {
                push_row(e, svec_scale(i, j));
            }
            cones.push(SupportedConeT::PSDTriangleConeT(block.n()));
        }

        assert_eq!(b.len(), m, "assembled rows must match n_rows()");
        StandardForm {
            p: self.hessian_upper(),
            q: self.objective.clone(),
            a: CscMatrix::new_from_triplets(m, self.n_vars, rows, cols, vals),
            b,
            cones,
        }
    }

    /// `P = 2H`, upper triangle: `h x_i²` gives `P_ii = 2h`, and `h x_i x_j` (`i < j`) gives
    /// `P_ij = h` (its mirror `P_ji = h` is implied). Repeated entries add up.
    fn hessian_upper(&self) -> CscMatrix<f64> {
        let n = self.n_vars;
        let (mut rows, mut cols, mut vals) = (Vec::new(), Vec::new(), Vec::new());
        for &(i, j, h) in &self.quadratic {
            rows.push(i);
            cols.push(j);
            vals.push(if i == j { 2.0 * h } else { h });
        }
        CscMatrix::new_from_triplets(n, n, rows, cols, vals)
    }

    #[track_caller]
    fn check_var(&self, var: usize) {
        assert!(
            var < self.n_vars,
            "variable {var} is not in the problem (n_vars = {})",
            self.n_vars
        );
    }

    #[track_caller]
    fn check_expr(&self, e: &Affine) {
        if let Some(var) = e.max_var() {
            self.check_var(var);
        }
    }
}
