//! The analog codebook of Analog-CPA (27): each derivative column `ȧ_B(θ_k)` of the digital
//! codebook is replaced by a constant-modulus codeword whose beampattern magnitude matches
//! `|a_B(x)ᴴ ȧ_B(θ_k)|` on a grid of angles, found by gradient projection.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `angles_rad` | x_g = g·π/G | grid angles, g = 0..G−1 | rad |
//! | `steering` | T | `[G, N_B]`, row g is `a_B(x_g)ᴴ` (unit-norm) | - |
//! | `reference` | d = ȧ_B(θ_k) | the derivative column replaced | 1/rad |
//! | `target` | b = \|T d\| | its beampattern magnitude on the grid | - |
//! | `codeword` | f, \|f_i\| = ρ | the constant-modulus replacement | 1/rad |
//! | `modulus` | ρ = ‖d‖/√N_B | entry modulus: `f` has the norm of `d` | 1/rad |
//!
//! ## The problem and the iteration
//!
//! `min_f h(f) = ‖ |T f| − b ‖²  s.t. |f_i| = ρ` (27). **\[decided\]** The codeword gets the norm
//! of the column it replaces, `ρ = ‖d‖/√N_B`, so that the two beampatterns are compared at equal
//! radiated power, without a free scale. (The codebook handed to the power allocation is then
//! normalised to unit-norm columns; power allocation over `U diag(p) Uᴴ` is invariant to column
//! scales, so this only fixes what `p` means: the power of each beam.)
//!
//! Gradient projection \[Ber99, §2.3\]: with `z = T f` and `ω = ∠z`,
//!
//! `f⁺ = Π(f − μ ∇q(f))`,  `∇q(f) = 2 Tᴴ(z − b ∘ e^{jω})`,  `Π(y)_i = ρ·y_i/|y_i|`,
//!
//! where `q(f′) = ‖T f′ − b ∘ e^{jω}‖²` is the fixed-phase surrogate: `q ≥ h` everywhere and
//! `q(f) = h(f)`, and `∇q(f)` is a (sub)gradient of `h` at `f`. **Step rule:** `μ = s/ℒ` with
//! `ℒ = 2 λ_max(TᴴT)` the Lipschitz constant of `∇q` and `s ∈ (0, 1]`
//! ([`AnalogSettings::codeword_step_scale`](super::AnalogSettings::codeword_step_scale)). Because
//! `‖f′‖ = √N_B ρ` is the same for every feasible `f′`, the projected step minimises the
//! quadratic upper bound `q(f) + Re⟨∇q(f), f′ − f⟩ + (ℒ/2s)‖f′ − f‖²` over the feasible set, so
//! `h(f⁺) ≤ q(f⁺) ≤ q(f) = h(f)`: the match error never increases (a majorise–minimise step).
//! Each run stops when the relative decrease of the error over one step falls below a
//! tolerance, or at an iteration limit. The first run starts from `Π(d)`, the others from random
//! phases, and the best is kept.

use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;
use std::f64::consts::PI;

use super::{random_phases, AnalogSettings, Termination};
use crate::design::beamformer::hermitian_eigen;
use crate::geometry::array::{steering, Normalization};

/// The grid of angles over [0, π) and the steering vectors on it.
#[derive(Clone, Debug)]
pub struct BeampatternGrid {
    /// `x_g = g·π/G`, rad.
    pub angles_rad: Vec<f64>,
    /// `T`, `[G, N_B]`.
    steering: DMatrix<Complex64>,
    /// `Tᴴ`, `[N_B, G]`, kept for the gradient.
    steering_adj: DMatrix<Complex64>,
    /// `ℒ = 2 λ_max(TᴴT)`.
    lipschitz: f64,
}

impl BeampatternGrid {
    /// A grid of `n_grid` angles for an `n_tx`-element array (unit-norm steering vectors).
    pub fn new(n_tx: usize, n_grid: usize) -> Self {
        let angles_rad: Vec<f64> = (0..n_grid).map(|g| g as f64 * PI / n_grid as f64).collect();
        let mut t = DMatrix::zeros(n_grid, n_tx);
        for (g, &x) in angles_rad.iter().enumerate() {
            let a = steering(n_tx, x, Normalization::UnitNorm);
            t.set_row(g, &a.adjoint());
        }
        let steering_adj = t.adjoint();
        let (values, _) = hermitian_eigen(&(&steering_adj * &t));
        let lipschitz = 2.0 * values.last().copied().unwrap_or(0.0);
        BeampatternGrid {
            angles_rad,
            steering: t,
            steering_adj,
            lipschitz,
        }
    }

    /// The response `T w` of a weight vector on the grid.
    ///
    /// # Panics
    /// If `w` does not have one entry per antenna.
    #[track_caller]
    pub fn response(&self, w: &DVector<Complex64>) -> DVector<Complex64> {
        assert_eq!(
            w.len(),
            self.steering.ncols(),
            "weight vector must be [N_B = {}], got [{}]",
            self.steering.ncols(),
            w.len()
        );
        &self.steering * w
    }

    /// The beampattern `|a_B(x_g)ᴴ w|²` on the grid (the quantity of the paper's Fig. 3).
    pub fn gain(&self, w: &DVector<Complex64>) -> Vec<f64> {
        self.response(w).iter().map(|z| z.norm_sqr()).collect()
    }

    /// `ℒ = 2 λ_max(TᴴT)`, the Lipschitz constant of the surrogate's gradient.
    pub fn lipschitz(&self) -> f64 {
        self.lipschitz
    }
}

/// A constant-modulus codeword fitted to a reference beampattern by one gradient-projection run.
#[derive(Clone, Debug)]
pub struct CodewordFit {
    /// The codeword `f`, `[N_B]`, every entry of modulus `modulus`.
    pub codeword: DVector<Complex64>,
    /// `ρ`.
    pub modulus: f64,
    /// Relative match error `‖ |T f| − b ‖ / ‖b‖` at the start (index 0) and after each step.
    pub error_trace: Vec<f64>,
    /// Gradient-projection steps taken.
    pub iterations: u32,
    pub termination: Termination,
}

impl CodewordFit {
    /// The final relative match error.
    pub fn error(&self) -> f64 {
        *self.error_trace.last().expect("the trace holds the start")
    }
}

/// `Π`: the nearest vector with every entry of modulus `rho` (an entry at zero goes to `rho`).
pub fn project_constant_modulus(y: &DVector<Complex64>, rho: f64) -> DVector<Complex64> {
    y.map(|v| {
        let r = v.norm();
        if r > 0.0 {
            v * (rho / r)
        } else {
            Complex64::new(rho, 0.0)
        }
    })
}

/// The best of [`AnalogSettings::codeword_starts`] gradient-projection runs fitting a codeword of
/// entry modulus `‖reference‖/√N_B` to the beampattern magnitude of `reference` (the derivative
/// column of path `path`), and the final error of every run. The first run starts from
/// `Π(reference)`; the others from random phases (see [`random_phases`]). A random start matters
/// at broadside (`θ = π/2`), where `Π(ȧ_B)` is a stationary point of the iteration.
pub fn fit_codeword(
    grid: &BeampatternGrid,
    reference: &DVector<Complex64>,
    path: usize,
    settings: &AnalogSettings,
) -> (CodewordFit, Vec<f64>) {
    let n_tx = reference.len();
    let mut best = gradient_projection(grid, reference, reference, settings);
    let mut start_errors = vec![best.error()];
    for s in 1..settings.codeword_starts {
        let stream = RANDOM_CODEWORD_STREAMS + ((path as u64) << 16) + u64::from(s);
        let phases = random_phases(n_tx, settings.seed, stream);
        let start =
            DVector::from_iterator(n_tx, phases.iter().map(|&p| Complex64::from_polar(1.0, p)));
        let fit = gradient_projection(grid, reference, &start, settings);
        start_errors.push(fit.error());
        if fit.error() < best.error() {
            best = fit;
        }
    }
    (best, start_errors)
}

/// First ChaCha8 stream of the random codeword starts (2³²), clear of the Analog-FDB streams.
const RANDOM_CODEWORD_STREAMS: u64 = 1 << 32;

/// One gradient-projection run (see the module docs) fitting a codeword of entry modulus
/// `‖reference‖/√N_B` to `|T · reference|`, from `Π(start)`.
pub fn gradient_projection(
    grid: &BeampatternGrid,
    reference: &DVector<Complex64>,
    start: &DVector<Complex64>,
    settings: &AnalogSettings,
) -> CodewordFit {
    // Step 1: the target magnitudes, the entry modulus and the step.
    let target: DVector<f64> = grid.response(reference).map(|z| z.norm());
    let target_norm = target.norm();
    let scale = if target_norm > 0.0 {
        1.0 / target_norm
    } else {
        1.0
    };
    let rho = reference.norm() / (reference.len() as f64).sqrt();
    let step = settings.codeword_step_scale / grid.lipschitz().max(f64::MIN_POSITIVE);

    // Step 2: the start.
    let mut f = project_constant_modulus(start, rho);
    let mut z = grid.response(&f);
    let mut error = match_error(&z, &target) * scale;
    let mut error_trace = vec![error];

    // Step 3: projected gradient steps on the fixed-phase surrogate.
    let mut termination = Termination::MaxIterations;
    let mut iterations = 0;
    while iterations < settings.codeword_max_iter {
        let residual = DVector::from_fn(z.len(), |g, _| {
            let zg = z[g];
            let r = zg.norm();
            let unit = if r > 0.0 {
                zg / r
            } else {
                Complex64::new(1.0, 0.0)
            };
            zg - unit * target[g]
        });
        let grad = &grid.steering_adj * residual * Complex64::new(2.0, 0.0);
        let f_next = project_constant_modulus(&(&f - grad * Complex64::new(step, 0.0)), rho);
        let z_next = grid.response(&f_next);
        let error_next = match_error(&z_next, &target) * scale;
        iterations += 1;

        // The step cannot increase the error (majorise–minimise); rounding can, by an ulp.
        let decrease = if error_next <= error {
            let decrease = (error - error_next) / error.max(f64::MIN_POSITIVE);
            f = f_next;
            z = z_next;
            error = error_next;
            decrease
        } else {
            0.0
        };
        error_trace.push(error);
        if decrease < settings.codeword_tol_rel {
            termination = Termination::Converged;
            break;
        }
    }
    CodewordFit {
        codeword: f,
        modulus: rho,
        error_trace,
        iterations,
        termination,
    }
}

/// `‖ |z| − b ‖`.
fn match_error(z: &DVector<Complex64>, target: &DVector<f64>) -> f64 {
    z.iter()
        .zip(target.iter())
        .map(|(zg, bg)| (zg.norm() - bg).powi(2))
        .sum::<f64>()
        .sqrt()
}
