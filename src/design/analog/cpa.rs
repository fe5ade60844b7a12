//! Analog-CPA (27): an analog codebook built from the digital one, then the CPA-WCM power
//! allocation over it with the CPA-WCRB guides.
//!
//! 1. Keep the `K+1` directional columns `a_B(θ_k)`: their entries already share one modulus.
//! 2. Replace each derivative column `ȧ_B(θ_k)` by a constant-modulus codeword matching its
//!    beampattern magnitude on a grid over [0, π) ([`codebook`](super::codebook)).
//! 3. Normalise every column to unit norm (entries `1/√N_B`), so that the power `p_k` of column
//!    `k` is the power of beam `k`, and solve CPA-WCM over this codebook ([`cpa_wcm_qp`]).
//! 4. The beams are `√p_k ũ_k`: every entry of beam `k` has modulus `√(p_k/N_B)`. With
//!    `2K+2 < L` the remaining slots carry zero beams; with `2K+2 > L` all `2K+2` beams are
//!    returned (the covariance needs them all), and a warning is logged.

use std::time::Instant;

use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;

use super::codebook::{fit_codeword, BeampatternGrid};
use super::objective::Mismatch;
use super::{AnalogDetail, AnalogSettings, CodebookDetail, CodewordMatch};
use crate::design::mismatch::cpa_wcm_qp;
use crate::design::{
    finish, Design, DesignContext, DesignError, DesignRequest, Scheme, SolverReport,
};

/// The analog codebook and how it was built.
#[derive(Clone, Debug)]
pub struct AnalogCodebook {
    /// `[a_B(θ_0..θ_K), f_0..f_K]` with unit-norm columns, `[N_B, 2K+2]`; every entry has modulus
    /// `1/√N_B`.
    pub columns: DMatrix<Complex64>,
    pub detail: CodebookDetail,
}

/// The angle `θ` of a steering vector, from its phase ramp: `∠(a_1 a_0*) = π cos θ` for
/// `θ ∈ (0, π)`. Exact for the steering vectors of MODEL.md §2; π/2 for a one-element array.
fn angle_of_steering(a: &DVector<Complex64>) -> f64 {
    if a.len() < 2 {
        return std::f64::consts::FRAC_PI_2;
    }
    let ramp = (a[1] * a[0].conj()).arg() / std::f64::consts::PI;
    ramp.clamp(-1.0, 1.0).acos()
}

/// Builds the analog codebook from the digital codebook `u = [a_B(θ_0..θ_K), ȧ_B(θ_0..θ_K)]`
/// (`[N_B, 2K+2]`).
///
/// # Panics
/// If `u` has an odd number of columns.
#[track_caller]
pub fn analog_codebook(u: &DMatrix<Complex64>, settings: &AnalogSettings) -> AnalogCodebook {
    assert!(
        u.ncols() % 2 == 0,
        "codebook must be [N_B, 2K+2], got {:?}",
        u.shape()
    );
    let n_paths = u.ncols() / 2;
    let n_tx = u.nrows();
    let grid = BeampatternGrid::new(n_tx, settings.n_grid);
    let mut columns = DMatrix::zeros(n_tx, 2 * n_paths);
    let mut codewords = Vec::with_capacity(n_paths);
    for k in 0..n_paths {
        let a = u.column(k).into_owned();
        let d = u.column(n_paths + k).into_owned();
        let (fit, start_errors) = fit_codeword(&grid, &d, k, settings);
        columns.set_column(k, &a.normalize());
        columns.set_column(n_paths + k, &fit.codeword.normalize());
        codewords.push(CodewordMatch {
            path: k,
            theta_rad: angle_of_steering(&a),
            modulus: fit.modulus,
            derivative_gain: grid.gain(&d),
            codeword_gain: grid.gain(&fit.codeword),
            match_error_rel: fit.error(),
            error_trace: fit.error_trace,
            start_errors,
            iterations: fit.iterations,
            termination: fit.termination,
        });
    }
    let detail = CodebookDetail {
        grid_rad: grid.angles_rad,
        codewords,
    };
    AnalogCodebook { columns, detail }
}

/// Analog-CPA on a prepared scene.
pub fn analog_cpa(ctx: &DesignContext, request: &DesignRequest) -> Result<Design, DesignError> {
    let alpha = super::weight_of(request)?;
    let guides = ctx.cpa_guides()?;
    let clock = Instant::now(); // the guides are shared by a sweep: not timed here
    let budget_w = ctx.model.power_budget_w();

    // Step 1: the codebook (27).
    let codebook = ctx.analog_codebook(&request.analog);
    for c in &codebook.detail.codewords {
        tracing::debug!(
            path = c.path,
            iterations = c.iterations,
            match_error_rel = c.match_error_rel,
            "analog-cpa codeword"
        );
    }

    // Step 2: CPA-WCM over it; powers clipped at zero and rescaled onto the budget.
    let (raw_w, solution) = cpa_wcm_qp(
        &codebook.columns,
        &guides.bp.covariance,
        &guides.ms.covariance,
        alpha,
        budget_w,
        &request.solve,
    );
    let (powers_w, raw_violation_w) = onto_budget(&raw_w, budget_w);

    // Step 3: the beams, the finish, then the analog beams themselves.
    let f = codebook_beams(&codebook.columns, &powers_w, ctx.n_slots);
    let covariance = &f * f.adjoint();
    let method = "analog codebook by gradient projection + CPA-WCM QP (clarabel)";
    let mut report = SolverReport::from_conic(&solution, method);
    report.time_s = clock.elapsed().as_secs_f64();
    let mut design = finish(
        ctx,
        Scheme::AnalogCpa,
        request.goal,
        &covariance,
        Some(powers_w),
        report,
    )?;
    design.solver.max_violation_w = design.solver.max_violation_w.max(raw_violation_w);

    let mismatch = Mismatch::new(
        &guides.bp.covariance,
        &guides.ms.covariance,
        alpha,
        budget_w,
    );
    let scale = Complex64::new(1.0 / budget_w, 0.0);
    let objective = mismatch.of_covariance(&(&design.covariance * scale));
    design.solver.objective_mismatch_rel = solution
        .objective
        .is_finite()
        .then(|| (solution.objective - objective).abs() / objective.max(f64::MIN_POSITIVE));
    super::install_beams(&mut design, f);
    design.analog = Some(AnalogDetail {
        objective_w2: mismatch.to_w2(objective),
        starts: Vec::new(),
        best_start: None,
        codebook: Some(codebook.detail.clone()),
    });
    Ok(design)
}

/// The beams `√p_k ũ_k` (`[N_B, max(L, 2K+2)]`), zero beams in the slots beyond the codebook.
fn codebook_beams(
    columns: &DMatrix<Complex64>,
    powers_w: &[f64],
    n_slots: usize,
) -> DMatrix<Complex64> {
    let n_columns = columns.ncols();
    if n_columns > n_slots {
        tracing::warn!(n_columns, n_slots, "analog-cpa needs more beams than slots");
    }
    let mut f = DMatrix::zeros(columns.nrows(), n_slots.max(n_columns));
    for (k, &p) in powers_w.iter().enumerate() {
        f.set_column(k, &(columns.column(k) * Complex64::new(p.sqrt(), 0.0)));
    }
    f
}

/// Powers clipped at zero and rescaled to sum to `budget_w` (uniform when the solve returned no
/// point), and how far the raw powers were from that set: the most negative power or the
/// budget error, W (the whole budget when there was no point).
fn onto_budget(raw_w: &[f64], budget_w: f64) -> (Vec<f64>, f64) {
    let n = raw_w.len();
    if raw_w.iter().any(|p| !p.is_finite()) {
        return (vec![budget_w / n as f64; n], budget_w);
    }
    let negative = raw_w.iter().fold(0.0_f64, |m, &p| m.max(-p));
    let total_raw: f64 = raw_w.iter().sum();
    let clipped: Vec<f64> = raw_w.iter().map(|p| p.max(0.0)).collect();
    let total: f64 = clipped.iter().sum();
    if total <= 0.0 {
        return (vec![budget_w / n as f64; n], budget_w);
    }
    let powers = clipped.iter().map(|p| p * budget_w / total).collect();
    (powers, negative.max((total_raw - budget_w).abs()))
}
