//! # bpms: joint bistatic positioning and monostatic sensing
//!
//! A base station (BS) with an `N_B`-element uniform linear array sends OFDM pilots with one
//! transmit covariance `V = F Fᴴ`. A user equipment (UE) positions itself from the line-of-sight
//! path and one single-bounce path per passive target (**bistatic positioning, BP**), with
//! unknown clock bias and orientation; the BS locates the UE and the targets from their echoes
//! (**monostatic sensing, MS**). bpms computes the Cramér–Rao bounds (CRBs) of both tasks, and of
//! their fusion, for a scene and a covariance.
//!
//! The model is that of \[ZCZ25\], with the conventions the paper leaves open decided as below.
//!
//! ## Conventions
//!
//! - Two dimensions; SI units inside (metres, radians, seconds, watts). A non-SI quantity carries
//!   its unit in its name (`_dbm`, `_db`, `_deg`).
//! - The BS array lies along the global x-axis; angles of departure are `θ = atan2(p − p_B)`,
//!   in (0, π) for objects in front of the BS. The UE array is rotated by `Δφ`; its angles of
//!   arrival are measured in its own frame.
//! - Steering vector of an `N`-element half-wavelength ULA with centred phase reference:
//!   `[a(x)]_n = g·exp(jπ(n − (N−1)/2) cos x)`, `g = 1/√N` ("unit-norm", the default) or `g = 1`
//!   ("unit-modulus").
//! - Noise: complex Gaussian, variance `σ² = F·N_0·Δf` per sample at both receivers.
//! - Power: the covariance satisfies `tr V ≤ P_B/M` (the per-subcarrier budget).
//! - **CRB** is the trace of the position block of the inverse position-domain Fisher
//!   information matrix, in m²: for BP the UE position only; for MS the sum over the UE and all
//!   targets. **PEB** (position error bound) is its square root, in m.
//!
//! ## Layout
//!
//! [`scenario`] (files, validation) → [`geometry`] (arrays, paths) → [`fim`] (Fisher information,
//! bounds, gradients) → [`design`] (one scheme family per file; how each design is computed,
//! conic or direct, in [`design::method`]) → [`solver`] (the Clarabel adapter: Hermitian
//! variables, PSD packing, statuses) → [`sweep`] (trade-off curves) → [`plot`] (figures) →
//! [`reproduce`] (the paper's figures and claims). The `bpms` binary is a thin layer over these.
//!
//! ## Errors, outcomes, bugs
//!
//! Bad input is an [`InputError`] naming the field and the reason. A solver's outcome is a
//! [`solver::SolveStatus`] reported with the design, never an error. A singular Fisher matrix
//! is a [`SingularFimError`] naming the parameters that cannot be identified. Panics are reserved
//! for broken invariants (such as mismatched matrix shapes passed by the caller). The library
//! never prints: progress and iteration records go to `tracing`.
//!
//! ## References
//!
//! \[ZCZ25\] Zhang, Chen, Zheng, Ning, Niu, Wymeersch, Al-Naffouri, "Joint
//! Bistatic Positioning and Monostatic Sensing: Optimized Beamforming and Performance Tradeoff",
//! arXiv:2503.03220.

#![deny(clippy::float_cmp)]

pub mod covariance;
pub mod design;
pub mod error;
pub mod fim;
pub mod geometry;
pub mod plot;
pub mod reproduce;
pub mod scenario;
pub mod solver;
pub mod sweep;

pub use error::{InputError, SingularFimError};
pub use fim::{BoundModel, Bounds};
pub use geometry::scene::Scene;
pub use scenario::Scenario;
