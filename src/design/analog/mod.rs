//! Analog beamforming (Section V of \[ZCZ25\]): every beam has one amplitude shared by all
//! antennas and is steered by phase shifters only.
//!
//! | scheme | problem | guides | file |
//! |---|---|---|---|
//! | `analog-fdb` | (23): `L` constant-modulus beams nearest the guides, by alternating optimisation (Algorithm 1) | FDB-WCRB | [`fdb`] |
//! | `analog-cpa` | CPA-WCM over an analog codebook with beampattern-matched codewords (27) | CPA-WCRB | [`cpa`], [`codebook`] |
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `powers_w` | p | beam powers, `[L]` | W |
//! | `phases` | Φ | beam phases, `[N_B, L]` (column-major in a `Vec`) | rad |
//! | `beamformer` | F | `[N_B, L]`, entry modulus `√(p_l/N_B)` in beam `l` | √W |
//! | `objective_w2` | (23a) | weighted covariance mismatch | W² |
//!
//! Both designs end like every other one, in [`finish`](crate::design::finish) (bounds, power
//! check, report), and then replace the beamformer by the analog beams themselves, whose
//! covariance is the design's covariance (`beamformer_residual_rel ≈ 0`). The objective per AO
//! iteration (the paper's Fig. 2) is in [`Design::trace`](crate::design::Design::trace), in W²;
//! every start and, for Analog-CPA, the codeword beampatterns (Fig. 3) are in
//! [`AnalogDetail`].
//!
//! ## References
//!
//! - \[ZCZ25\] see the crate docs; (23)–(27), Algorithm 1.
//! - \[NW06\] J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer, 2006,
//!   doi:10.1007/978-0-387-40065-5.
//! - \[MT94\] J. J. Moré, D. J. Thuente, "Line search algorithms with guaranteed sufficient
//!   decrease", ACM TOMS 20(3), 1994, doi:10.1145/192115.192132.
//! - \[Ber99\] D. P. Bertsekas, *Nonlinear Programming*, 2nd ed., Athena Scientific, 1999.

pub mod codebook;
pub mod cpa;
pub mod fdb;
pub mod objective;
pub mod phase_step;
pub mod settings;

use std::f64::consts::TAU;

use nalgebra::DMatrix;
use num_complex::Complex64;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::design::{Design, DesignContext, DesignError, DesignRequest, Goal, Scheme};
use crate::error::InputError;
pub use settings::AnalogSettings;

/// Why an iteration stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Termination {
    /// The relative decrease over one iteration fell below the tolerance.
    Converged,
    /// The iteration limit was reached first.
    MaxIterations,
}

/// One start of the Analog-FDB alternating optimisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartSummary {
    /// The ChaCha8 stream its phases were drawn from (see [`random_phases`]).
    pub stream: u64,
    /// Final objective (23a), W².
    pub objective_w2: f64,
    /// AO iterations run.
    pub iterations: u32,
    pub termination: Termination,
    /// Wall time of this start, s.
    pub time_s: f64,
}

/// One derivative column of the digital codebook and its analog replacement (Fig. 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodewordMatch {
    /// Path index k (0 is the UE/LOS direction).
    pub path: usize,
    /// `θ_k`, rad.
    pub theta_rad: f64,
    /// Entry modulus of the fitted codeword, `‖ȧ_B(θ_k)‖/√N_B` (before the codebook's
    /// unit-norm scaling), 1/rad.
    pub modulus: f64,
    /// `|a_B(x_g)ᴴ ȧ_B(θ_k)|²` on the grid (unit-norm `a_B(x_g)`).
    pub derivative_gain: Vec<f64>,
    /// `|a_B(x_g)ᴴ f_k|²` on the grid, for the fitted codeword at modulus `modulus`.
    pub codeword_gain: Vec<f64>,
    /// Final relative match error `‖ |T f_k| − |T ȧ_B(θ_k)| ‖ / ‖ T ȧ_B(θ_k) ‖`.
    pub match_error_rel: f64,
    /// The match error at the start and after each gradient-projection step, for the best
    /// start.
    pub error_trace: Vec<f64>,
    /// Final match error of every start: the projection of `ȧ_B(θ_k)` first, then the random
    /// ones.
    pub start_errors: Vec<f64>,
    pub iterations: u32,
    pub termination: Termination,
}

/// The analog codebook construction of Analog-CPA.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodebookDetail {
    /// The grid angles `x_g = g·π/G`, rad.
    pub grid_rad: Vec<f64>,
    /// One entry per path k = 0..K.
    pub codewords: Vec<CodewordMatch>,
}

/// What an analog design reports beyond every design's fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalogDetail {
    /// The weighted covariance mismatch (23a) of the returned design, W².
    pub objective_w2: f64,
    /// Every Analog-FDB start (empty for Analog-CPA).
    pub starts: Vec<StartSummary>,
    /// Index in `starts` of the returned design (Analog-FDB).
    pub best_start: Option<usize>,
    /// The codebook construction (Analog-CPA).
    pub codebook: Option<CodebookDetail>,
}

/// Runs an analog design (`request.scheme` must be `AnalogFdb` or `AnalogCpa`).
///
/// # Panics
/// If called with another scheme.
#[track_caller]
pub fn design(ctx: &DesignContext, request: &DesignRequest) -> Result<Design, DesignError> {
    request.analog.validate()?;
    match request.scheme {
        Scheme::AnalogFdb => fdb::analog_fdb(ctx, request),
        Scheme::AnalogCpa => cpa::analog_cpa(ctx, request),
        other => panic!("analog::design called with scheme {other}"),
    }
}

/// The weight α of a weighted-sum request; analog designs take no cap.
fn weight_of(request: &DesignRequest) -> Result<f64, DesignError> {
    match request.goal {
        Goal::Weighted { alpha } => Ok(alpha),
        _ => Err(InputError::field(
            "cap",
            format!("scheme {} takes a weight alpha, not a cap", request.scheme),
        )
        .into()),
    }
}

/// Replaces the design's beamformer by the analog beams `f` and records how well they reproduce
/// the design's covariance.
fn install_beams(design: &mut Design, f: DMatrix<Complex64>) {
    let v = &design.covariance;
    design.beamformer_residual_rel =
        (v - &f * f.adjoint()).norm() / v.norm().max(f64::MIN_POSITIVE);
    design.beamformer = f;
}

/// `n` phases uniform on [0, 2π) from stream `stream` of a ChaCha8 generator seeded with
/// `seed`. Analog-FDB start `s` uses stream `s`; Analog-CPA's random start `s` for path `k` uses
/// stream `2³² + 2¹⁶·k + s`. Streams are independent, so a start does not depend on how many
/// others are run.
pub fn random_phases(n: usize, seed: u64, stream: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    (0..n).map(|_| rng.random::<f64>() * TAU).collect()
}
