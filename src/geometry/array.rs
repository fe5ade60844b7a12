//! Steering vectors of a half-wavelength uniform linear array (MODEL.md §2).
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `n` | N | number of elements | - |
//! | `x` | θ or ψ | angle from the array axis | rad |
//! | `steering` | a(x) | `[a]_n = g·exp(jπ(n − (N−1)/2) cos x)` | - |
//! | `steering_derivative` | ȧ(x) | `∂a/∂x = −jπ sin x · diag(n − (N−1)/2) · a(x)` | 1/rad |
//! | `gain` | g | `1/√N` (unit-norm) or `1` (unit-modulus) | - |

use nalgebra::DVector;
use num_complex::Complex64;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Normalisation of the steering vector entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Normalization {
    /// `‖a(x)‖ = 1`: entries `1/√N` (the default).
    UnitNorm,
    /// Entries of modulus 1: `‖a(x)‖ = √N`.
    UnitModulus,
}

impl Normalization {
    /// The entry modulus g for an array of `n` elements.
    pub fn gain(self, n: usize) -> f64 {
        match self {
            Normalization::UnitNorm => 1.0 / (n as f64).sqrt(),
            Normalization::UnitModulus => 1.0,
        }
    }

    /// The name used in scenario files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Normalization::UnitNorm => "unit-norm",
            Normalization::UnitModulus => "unit-modulus",
        }
    }
}

/// Centred element index `n − (N−1)/2`.
fn centred_index(n_index: usize, n: usize) -> f64 {
    n_index as f64 - (n as f64 - 1.0) / 2.0
}

/// Steering vector `a(x)` of an `n`-element ULA.
pub fn steering(n: usize, x: f64, norm: Normalization) -> DVector<Complex64> {
    let g = norm.gain(n);
    let c = x.cos();
    DVector::from_fn(n, |i, _| {
        Complex64::from_polar(g, PI * centred_index(i, n) * c)
    })
}

/// Derivative `ȧ(x) = ∂a(x)/∂x` of the steering vector.
pub fn steering_derivative(n: usize, x: f64, norm: Normalization) -> DVector<Complex64> {
    let a = steering(n, x, norm);
    let s = x.sin();
    DVector::from_fn(n, |i, _| {
        Complex64::new(0.0, -PI * s * centred_index(i, n)) * a[i]
    })
}
