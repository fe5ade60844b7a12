//! Conic adapter: linear and convex quadratic programs over real and complex semidefinite cones,
//! solved by Clarabel.
//!
//! The designs state their problems with a [`ConicProblem`]: scalar variables, a linear
//! objective with an optional convex quadratic part (minimised), affine equalities,
//! nonnegativities, real symmetric matrix inequalities and complex Hermitian matrix inequalities.
//! [`ConicProblem::solve`] assembles Clarabel's standard form
//!
//! ```text
//! minimise ½xᵀPx + qᵀx   subject to   A x + s = b,   s ∈ K = {0}ᵐ¹ × ℝ₊ᵐ² × S₊^{n₁} × … × S₊^{n_L}
//! ```
//!
//! and returns a [`ConicSolution`] whose [`SolveStatus`] carries the outcome, with residuals,
//! gaps and every attempt made.
//!
//! | code name | symbol | meaning |
//! |---|---|---|
//! | `x` | `x` | scalar variables, `[n_vars]` |
//! | `q` | `q` | objective coefficients, `[n_vars]` |
//! | `a`, `b` | `A`, `b` | constraint data, `[n_rows, n_vars]`, `[n_rows]` |
//! | `s` | `s` | slack, `s = b − A x ∈ K` |
//! | `svec` | `svec(S)` | packed upper triangle of a symmetric `S`, see [`svec`](mod@svec) |
//!
//! ## Conventions
//!
//! - Rows are ordered: equalities (zero cone), nonnegativities (nonnegative cone), then one PSD
//!   triangle cone per matrix inequality in the order added. A constraint `r(x) ∈ cone` with
//!   `r(x) = r₀ + aᵀx` has slack `s = r(x)`, hence row `−aᵀ` of `A` and entry `r₀` of `b`.
//! - A PSD block is packed as Clarabel's `svec`: upper triangle, column by column, off-diagonal
//!   entries times `√2` (checked in Clarabel 0.11.1's `mat_to_svec` / `svec_to_mat`).
//! - A Hermitian `X = A + jB ⪰ 0` is imposed as `[[A, −B], [B, A]] ⪰ 0` ([`embedding`]), a real
//!   block of side `2n`.
//! - Matrix variables ([`HermitianVar`], [`SymmetricVar`]) are contiguous runs of scalar
//!   variables with documented layouts.
//! - The library never prints: Clarabel runs with `verbose = false`, and each attempt is
//!   reported as a `tracing` debug event.

pub mod affine;
pub mod embedding;
pub mod problem;
pub mod solve;
pub mod svec;
pub mod variables;

pub use affine::{Affine, HermAffine, SymAffine};
pub use embedding::{hermitian_to_real, real_to_hermitian};
pub use problem::ConicProblem;
pub use solve::{Attempt, ConicSolution, SolveOptions, SolveStatus, DEFAULT_MAX_ITER, DEFAULT_TOL};
pub use svec::{smat, svec};
pub use variables::{HermitianVar, SymmetricVar};
