//! Analog-FDB (23)–(26): `L` constant-modulus beams `[F]_il = √(p_l/N_B)·e^{jφ_il}` whose
//! covariance `F Fᴴ` is as close as possible to the FDB-WCRB guides, by alternating
//! optimisation (Algorithm 1).
//!
//! One AO iteration is a power step then a phase step:
//!
//! 1. **Power step (25).** With `f̂_l = e^{jφ_l}/√N_B` fixed (unit norm),
//!    `F Fᴴ = Σ_l p_l f̂_l f̂_lᴴ` and (23a) is the convex quadratic `pᵀQp − 2cᵀp + const`,
//!    `Q_lk = |f̂_lᴴ f̂_k|²` (PSD), on the simplex `Σ p_l = P_t`, `p ≥ 0`: exactly the CPA-WCM
//!    program over the codebook `[f̂_1..f̂_L]`, solved by Clarabel ([`cpa_wcm_qp`]). The paper
//!    uses SQP here; a convex QP is solved exactly instead.
//! 2. **Phase step (26).** With `p` fixed, L-BFGS over the phases ([`phase_step`]).
//!
//! Each step is accepted only if it does not increase the objective (the power step's previous
//! `p` is feasible and the phase step keeps its best point, so this only guards against solver
//! tolerance), hence the recorded objective is non-increasing. The iteration stops when the
//! relative decrease over one AO iteration falls below
//! [`AnalogSettings::tol_rel`], or after [`AnalogSettings::max_iter`] iterations.
//!
//! Several starts are run ([`AnalogSettings::n_starts`]), start `s` from uniformly random phases
//! ([`random_phases`] stream `s`) and equal powers `P_t/L`; the start with the smallest final
//! objective is returned. (Starting from the phases of the eigenvectors of `V̄` was tried: on
//! the paper's scene it converged more slowly, to a worse point, than every random start.)

use std::time::Instant;

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::objective::{beams, Mismatch};
use super::phase_step::{phase_step, PhaseObjective};
use super::{random_phases, AnalogDetail, AnalogSettings, StartSummary, Termination};
use crate::design::mismatch::cpa_wcm_qp;
use crate::design::{
    finish, Design, DesignContext, DesignError, DesignRequest, Scheme, SolverReport,
};
use crate::solver::{ConicSolution, SolveOptions, SolveStatus};

/// One run of Algorithm 1 from one start, in units of `P_t`.
#[derive(Clone, Debug)]
struct AoRun {
    /// The stream its phases were drawn from.
    stream: u64,
    /// Beam powers, `[L]`, summing to 1.
    powers: Vec<f64>,
    /// Phases, `[N_B·L]` column-major.
    phases: Vec<f64>,
    /// Objective at the start (index 0) and after each AO iteration, units of `P_t²`.
    trace: Vec<f64>,
    termination: Termination,
    /// Power-step solves that returned no usable point (the previous powers were kept).
    failed_power_steps: u32,
    /// Power-step solves at reduced accuracy.
    reduced_power_steps: u32,
    /// The last power-step solve.
    last_solution: Option<ConicSolution>,
    time_s: f64,
}

impl AoRun {
    /// AO iterations run.
    fn iterations(&self) -> u32 {
        (self.trace.len() - 1) as u32
    }

    /// The final objective, units of `P_t²`.
    fn objective(&self) -> f64 {
        *self.trace.last().expect("the trace holds the start")
    }
}

/// The guides as the power step needs them: V̂ and V̌ in W, and the weight α.
struct Guide<'a> {
    v_bp: &'a DMatrix<Complex64>,
    v_ms: &'a DMatrix<Complex64>,
    alpha: f64,
}

/// Where a run starts: equal powers and these phases.
struct Start {
    /// The random stream the phases were drawn from.
    stream: u64,
    /// Column-major, `[N_B·L]`.
    phases: Vec<f64>,
    /// `L`.
    n_slots: usize,
}

/// Runs Algorithm 1 from `start`.
fn run_start(
    mismatch: &Mismatch,
    guide: &Guide<'_>,
    start: Start,
    settings: &AnalogSettings,
    solve: &SolveOptions,
) -> AoRun {
    let Start {
        stream,
        mut phases,
        n_slots,
    } = start;
    let clock = Instant::now();
    let n_tx = mismatch.target.nrows();
    let mut powers = vec![1.0 / n_slots as f64; n_slots];
    let mut objective = mismatch.of_beams(&beams(n_tx, &powers, &phases));
    let mut run = AoRun {
        stream,
        powers: Vec::new(),
        phases: Vec::new(),
        trace: vec![objective],
        termination: Termination::MaxIterations,
        failed_power_steps: 0,
        reduced_power_steps: 0,
        last_solution: None,
        time_s: 0.0,
    };
    for iteration in 1..=settings.max_iter {
        // Step 1: power step (25), accepted if it does not increase the objective.
        let unit_beams = beams(n_tx, &vec![1.0; n_slots], &phases);
        let (powers_w, solution) = cpa_wcm_qp(
            &unit_beams,
            guide.v_bp,
            guide.v_ms,
            guide.alpha,
            mismatch.budget_w,
            solve,
        );
        match solution.status {
            SolveStatus::Solved => {}
            SolveStatus::ReducedAccuracy => run.reduced_power_steps += 1,
            _ => run.failed_power_steps += 1,
        }
        if let Some(candidate) = simplex_point(&powers_w, mismatch.budget_w) {
            let value = mismatch.of_beams(&beams(n_tx, &candidate, &phases));
            if value <= objective {
                powers = candidate;
                objective = value;
            }
        }
        run.last_solution = Some(solution);

        // Step 2: phase step (26), from the current phases; it never returns a worse point.
        let problem = PhaseObjective::new(&mismatch.target, &powers);
        let step = phase_step(problem, phases.clone(), settings.phase_max_iter);
        let value = mismatch.of_beams(&beams(n_tx, &powers, &step.phases));
        if value <= objective {
            phases = step.phases;
            objective = value;
        }

        // Step 3: record, and stop on a small relative decrease.
        let previous = *run.trace.last().expect("the trace holds the start");
        run.trace.push(objective);
        let decrease = if previous > 0.0 {
            (previous - objective) / previous
        } else {
            0.0
        };
        tracing::debug!(
            stream,
            iteration,
            objective_w2 = mismatch.to_w2(objective),
            decrease_rel = decrease,
            lbfgs_iterations = step.iterations,
            "analog-fdb AO iteration"
        );
        if decrease < settings.tol_rel {
            run.termination = Termination::Converged;
            break;
        }
    }
    run.powers = powers;
    run.phases = phases;
    run.time_s = clock.elapsed().as_secs_f64();
    run
}

/// The solver's powers (W) as fractions of the budget on the simplex: clipped at zero and
/// rescaled to sum to one, which moves an interior-point solution by no more than the solver's
/// tolerance. `None` when the solve returned no point.
fn simplex_point(powers_w: &[f64], budget_w: f64) -> Option<Vec<f64>> {
    if powers_w.iter().any(|p| !p.is_finite()) {
        return None;
    }
    let clipped: Vec<f64> = powers_w.iter().map(|p| (p / budget_w).max(0.0)).collect();
    let total: f64 = clipped.iter().sum();
    (total > 0.0).then(|| clipped.iter().map(|x| x / total).collect())
}

/// Analog-FDB on a prepared scene.
pub fn analog_fdb(ctx: &DesignContext, request: &DesignRequest) -> Result<Design, DesignError> {
    let settings = &request.analog;
    let alpha = super::weight_of(request)?;
    let guides = ctx.fdb_guides()?;
    let clock = Instant::now(); // the guides are shared by a sweep: not timed here
    let budget_w = ctx.model.power_budget_w();
    let n_tx = ctx.model.n_bs();
    let n_slots = ctx.n_slots;
    let mismatch = Mismatch::new(
        &guides.bp.covariance,
        &guides.ms.covariance,
        alpha,
        budget_w,
    );
    let guide = Guide {
        v_bp: &guides.bp.covariance,
        v_ms: &guides.ms.covariance,
        alpha,
    };

    // Step 1: every start, keeping the best.
    let runs: Vec<AoRun> = (0..settings.n_starts)
        .map(|s| {
            let stream = u64::from(s);
            let phases = random_phases(n_tx * n_slots, settings.seed, stream);
            let start = Start {
                stream,
                phases,
                n_slots,
            };
            run_start(&mismatch, &guide, start, settings, &request.solve)
        })
        .collect();
    let best = best_run(&runs);
    let run = &runs[best];

    // Step 2: the beams in watts, exactly constant modulus per beam.
    let powers_w: Vec<f64> = run.powers.iter().map(|x| x * budget_w).collect();
    let f = beams(n_tx, &powers_w, &run.phases);
    let covariance = &f * f.adjoint();

    // Step 3: the report, then the common finish, then the analog beams themselves.
    let report = ao_report(run, clock.elapsed().as_secs_f64(), settings);
    let mut design = finish(
        ctx,
        Scheme::AnalogFdb,
        request.goal,
        &covariance,
        Some(powers_w),
        report,
    )?;
    let recomputed = mismatch.of_covariance(&(&design.covariance / Complex64::new(budget_w, 0.0)));
    design.solver.objective_mismatch_rel =
        Some((run.objective() - recomputed).abs() / recomputed.max(f64::MIN_POSITIVE));
    super::install_beams(&mut design, f);
    design.trace = Some(run.trace.iter().map(|&j| mismatch.to_w2(j)).collect());
    design.analog = Some(AnalogDetail {
        objective_w2: mismatch.to_w2(run.objective()),
        starts: runs.iter().map(|r| start_summary(r, &mismatch)).collect(),
        best_start: Some(best),
        codebook: None,
    });
    Ok(design)
}

/// Index of the run with the smallest final objective (the earliest among equals).
///
/// # Panics
/// If `runs` is empty (`n_starts ≥ 1` is validated).
fn best_run(runs: &[AoRun]) -> usize {
    (0..runs.len())
        .min_by(|&a, &b| {
            runs[a]
                .objective()
                .total_cmp(&runs[b].objective())
                .then(a.cmp(&b))
        })
        .expect("n_starts >= 1 is validated")
}

fn start_summary(run: &AoRun, mismatch: &Mismatch) -> StartSummary {
    StartSummary {
        stream: run.stream,
        objective_w2: mismatch.to_w2(run.objective()),
        iterations: run.iterations(),
        termination: run.termination,
        time_s: run.time_s,
    }
}

/// The solver report of the returned start: `Solved` when the AO converged and every power step
/// solved; `ReducedAccuracy` when it hit the iteration limit or a power step was not solved to
/// full accuracy (the previous powers are kept when a step fails).
fn ao_report(run: &AoRun, time_s: f64, settings: &AnalogSettings) -> SolverReport {
    let method = "alternating optimisation: clarabel QP (powers) + L-BFGS (phases)";
    let mut report = match &run.last_solution {
        Some(sol) => SolverReport::from_conic(sol, method),
        None => SolverReport::closed_form(method, 0.0),
    };
    let clean = run.termination == Termination::Converged
        && run.failed_power_steps == 0
        && run.reduced_power_steps == 0;
    report.status = if clean {
        SolveStatus::Solved
    } else {
        SolveStatus::ReducedAccuracy
    };
    report.detail = format!(
        "{:?} after {} AO iterations (tol_rel {:e}); power steps: {} reduced-accuracy, {} failed",
        run.termination,
        run.iterations(),
        settings.tol_rel,
        run.reduced_power_steps,
        run.failed_power_steps
    );
    report.iterations = run.iterations();
    report.time_s = time_s;
    report
}
