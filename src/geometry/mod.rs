//! Arrays and the resolved scene: angles, delays and gains of every path.

pub mod array;
pub mod paths;
pub mod scene;
