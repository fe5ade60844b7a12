//! Fisher information and Cramér–Rao bounds of BP, MS and their fusion (MODEL.md §3).
//!
//! A [`BoundModel`] is set up once per scene; [`BoundModel::evaluate`] then maps a transmit
//! covariance `V` to the bounds.

pub mod bounds;
pub mod channel;
pub mod gradient;
pub mod jacobian;
pub mod params;

pub use bounds::{BoundModel, Bounds, FusedBounds, InverseColumns, PositionFims};
pub use gradient::BoundGradients;
