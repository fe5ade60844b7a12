//! Settings of the analog designs, with defaults and validation.

use serde::{Deserialize, Serialize};

use crate::error::InputError;

/// Settings of Analog-FDB (alternating optimisation, Algorithm 1) and Analog-CPA (codebook
/// construction by gradient projection, (27)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalogSettings {
    /// Analog-FDB stops when the relative decrease of the objective over one AO iteration
    /// (power step then phase step) falls below this.
    pub tol_rel: f64,
    /// Analog-FDB stops after this many AO iterations at the latest.
    pub max_iter: u32,
    /// L-BFGS iterations allowed in one phase step.
    pub phase_max_iter: u32,
    /// Number of AO starts, each from uniformly random phases. The best start is kept; all are
    /// reported.
    pub n_starts: u32,
    /// Seed of every random start (see [`random_phases`](super::random_phases) for the streams).
    pub seed: u64,
    /// Number of angles `x_g = g·π/n_grid`, g = 0..n_grid−1, on which Analog-CPA matches the
    /// derivative beampatterns (27).
    pub n_grid: usize,
    /// Gradient-projection starts per codeword: the projection of the derivative column, then
    /// `codeword_starts − 1` random ones; the best fit is kept.
    pub codeword_starts: u32,
    /// Gradient-projection iterations allowed per codeword and start.
    pub codeword_max_iter: u32,
    /// Gradient projection stops when the relative decrease of the match error over one
    /// iteration falls below this.
    pub codeword_tol_rel: f64,
    /// Step of the gradient projection as a fraction of `1/ℒ`, where `ℒ = 2 λ_max(TᴴT)` is the
    /// Lipschitz constant of the gradient of the fixed-phase surrogate; in (0, 1], where every
    /// step is a majorise–minimise step and the match error cannot increase.
    pub codeword_step_scale: f64,
}

impl Default for AnalogSettings {
    fn default() -> Self {
        Self {
            tol_rel: 1e-4,
            max_iter: 50,
            phase_max_iter: 50,
            n_starts: 3,
            seed: 0,
            n_grid: 256,
            codeword_starts: 4,
            codeword_max_iter: 1000,
            codeword_tol_rel: 1e-6,
            codeword_step_scale: 1.0,
        }
    }
}

impl AnalogSettings {
    /// Checks every field; the error names the field.
    pub fn validate(&self) -> Result<(), InputError> {
        positive_fraction("analog.tol_rel", self.tol_rel)?;
        positive_fraction("analog.codeword_tol_rel", self.codeword_tol_rel)?;
        let counts = [
            ("analog.max_iter", self.max_iter as usize),
            ("analog.phase_max_iter", self.phase_max_iter as usize),
            ("analog.n_starts", self.n_starts as usize),
            ("analog.codeword_starts", self.codeword_starts as usize),
            ("analog.codeword_max_iter", self.codeword_max_iter as usize),
        ];
        for (name, value) in counts {
            if value == 0 {
                return Err(InputError::field(name, "must be at least 1"));
            }
        }
        if self.n_grid < MIN_GRID {
            return Err(InputError::field(
                "analog.n_grid",
                format!("must be at least {MIN_GRID}, got {}", self.n_grid),
            ));
        }
        let s = self.codeword_step_scale;
        if !(s > 0.0 && s <= 1.0) {
            return Err(InputError::field(
                "analog.codeword_step_scale",
                format!("must lie in (0, 1], got {s}"),
            ));
        }
        Ok(())
    }
}

/// Fewest grid angles accepted: with fewer than two, a beampattern has no shape to match.
const MIN_GRID: usize = 2;

fn positive_fraction(name: &str, value: f64) -> Result<(), InputError> {
    if value > 0.0 && value < 1.0 {
        Ok(())
    } else {
        Err(InputError::field(
            name,
            format!("must lie in (0, 1), got {value}"),
        ))
    }
}
