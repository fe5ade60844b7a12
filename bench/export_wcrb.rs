//! Exports the FDB-WCRB / CPA-WCRB SDPs of one scene, exactly as bpms states them to Clarabel,
//! for an outside peer (`bench/cvxpy_peer.py`) to restate and solve; and times bpms on the same
//! problems in the same process.
//!
//! ```text
//! cargo run --release --example export_wcrb -- --out wcrb.json --alpha 0.1,0.5,0.9 --reps 20
//! ```
//!
//! ## The problem, in bpms's scaled units (see `src/design/wcrb.rs`)
//!
//! | name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `x` | `x` | real coordinates of the covariance variable, `[n_coords]` | P_t |
//! | `basis[t]` | `B_t = S I(e_t) S` | scaled position FIM at the unit coordinate `e_t` | - |
//! | `scale` | `s = diag(I_iso)^{-1/2}` | parameter scaling | mixed |
//! | `crb_iso_diag` | `[I_iso⁻¹]_ii` | inverse-FIM diagonal at the isotropic covariance | m² |
//! | `d` | `D_ii = [(S I_iso S)⁻¹]_ii` | epigraph scaling | - |
//!
//! minimise `(α Σ_i [I_iso⁻¹]_ii X′_bp,ii + (1 − α) Σ_i [Ĩ_iso⁻¹]_ii X′_ms,ii) / r`,
//! `r = α CRB_BP,iso + (1 − α) CRB_MS,iso`, subject to, for each bound,
//! `[[Σ_t x_t B_t, E D^{-1/2}], [D^{-1/2} Eᵀ, X′]] ⪰ 0` (`E` = the first `n_p` columns of the
//! identity), the covariance variable `⪰ 0` (or `≥ 0` for powers) and `Re tr(G Λ) ≤ 1`.
//! At the optimum `CRB = Σ_i [I_iso⁻¹]_ii X′_ii`; from any point, the physical FIM is
//! `I = S⁻¹ (Σ_t x_t B_t) S⁻¹`.
//!
//! ## Coordinates
//!
//! A Hermitian `n × n` variable (reduced form `Λ`, `n = 2K+2`; full form `V`, `n = N_B`) has
//! `n²` coordinates in the order of `bpms::solver::HermitianVar`: the `n` diagonal entries, then
//! `Re X_ij` for `i < j` column by column (`(0,1), (0,2), (1,2), (0,3), …`), then `Im X_ij` in
//! the same order. The codebook form has the `2K+2` powers `p_i`, `V = U diag(p) Uᴴ`.
//!
//! Matrices are written row-major as nested arrays; complex ones as `{"re": …, "im": …}`.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use nalgebra::DMatrix;
use num_complex::Complex64;
use serde::Serialize;

use bpms::covariance::ComplexMatrixJson;
use bpms::design::{design, wcrb, DesignContext, DesignRequest, Form, Goal, Method, Scheme};
use bpms::fim::bounds::{BoundModel, PositionFims};
use bpms::solver::{HermitianVar, SolveOptions};
use bpms::Scenario;

#[derive(Parser, Debug)]
#[command(about = "Export the WCRB SDPs for an outside peer, and time bpms on them")]
struct Args {
    /// Output JSON file.
    #[arg(long)]
    out: std::path::PathBuf,
    /// Number of targets K (paper scene).
    #[arg(long, default_value_t = 3)]
    n_targets: usize,
    /// Weights α, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0.5")]
    alpha: Vec<f64>,
    /// Timed repetitions per α for the reduced and codebook forms.
    #[arg(long, default_value_t = 20)]
    reps: usize,
    /// Timed repetitions per α for the full form (slow).
    #[arg(long, default_value_t = 3)]
    reps_full: usize,
}

/// One bound's LMI data.
#[derive(Serialize)]
struct BoundData {
    /// Side of the position FIM.
    n_fim: usize,
    /// Number of position parameters (the leading `n_p` of the parameter order).
    n_p: usize,
    /// `s_i`, `[n_fim]`.
    scale: Vec<f64>,
    /// `[I_iso⁻¹]_ii`, `[n_p]`, m².
    crb_iso_diag_m2: Vec<f64>,
    /// `D_ii`, `[n_p]`.
    d: Vec<f64>,
    /// `B_t`, `[n_coords][n_fim][n_fim]`, symmetric (upper triangle mirrored, as bpms reads it).
    basis: Vec<Vec<Vec<f64>>>,
}

/// One form of the covariance variable.
#[derive(Serialize)]
struct FormData {
    /// `hermitian` (n² coordinates) or `powers` (n coordinates).
    kind: &'static str,
    n: usize,
    n_coords: usize,
    /// `C` in the power constraint `Re tr(C X) ≤ 1` (powers: `Σ_i C_ii p_i ≤ 1`), in units of P_t.
    power_matrix: ComplexMatrixJson,
    bp: BoundData,
    ms: BoundData,
    /// Bounds at the isotropic covariance (the objective's reference), m².
    crb_bp_iso_m2: f64,
    crb_ms_iso_m2: f64,
}

/// Summary statistics of repeated timings, s.
#[derive(Serialize)]
struct Timing {
    reps: usize,
    median_s: f64,
    min_s: f64,
    max_s: f64,
}

/// bpms's answer to one (form, α) case and its timings.
#[derive(Serialize)]
struct Case {
    form: &'static str,
    scheme: &'static str,
    alpha: f64,
    /// The SDP's objective in m² (its own epigraph value).
    objective_sdp_m2: f64,
    /// Clarabel's objective in the scaled units above.
    objective_scaled: f64,
    /// Bounds recomputed by `design` from the returned (PSD-projected) covariance, m².
    crb_bp_m2: f64,
    crb_ms_m2: f64,
    objective_m2: f64,
    status: String,
    iterations: u32,
    /// `Instant` around the whole `design(...)` call: SDP setup, solve, projection, bounds,
    /// certificate, beamformers.
    design_wall: Timing,
    /// `SolverReport.time_s`: problem assembly plus all Clarabel attempts.
    conic_total: Timing,
    /// Clarabel's own solve time (setup excluded), summed over attempts.
    clarabel_solve: Timing,
    /// Clarabel's own solve time of the first attempt only (default settings; what a caller
    /// that accepts a reduced-accuracy result pays).
    first_attempt_clarabel: Timing,
    /// The attempts of the last repetition: label, Clarabel status, iterations.
    attempts: Vec<(String, String, u32)>,
    /// The direct method (`--method quasi-newton`, what `auto` runs for 0 < α < 1) on the same
    /// problem: its objective recomputed from its covariance (m²), its `design(...)` wall time,
    /// its L-BFGS iterations. Absent for the full form, which it does not cover.
    direct: Option<DirectCase>,
}

#[derive(Serialize)]
struct DirectCase {
    objective_m2: f64,
    crb_bp_m2: f64,
    crb_ms_m2: f64,
    certificate_gap_rel: Option<f64>,
    iterations: u32,
    design_wall: Timing,
}

#[derive(Serialize)]
struct Export {
    scene: String,
    n_targets: usize,
    n_bs: usize,
    power_budget_w: f64,
    /// `DesignContext::new` (the scene's bound model), s, once.
    context_setup_s: f64,
    /// The reduced-form Gram matrix `G = UᴴU`.
    gram: ComplexMatrixJson,
    reduced: FormData,
    full: FormData,
    codebook: FormData,
    cases: Vec<Case>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.reps == 0 || args.reps_full == 0 {
        bail!("--reps and --reps-full must be at least 1");
    }
    for &a in &args.alpha {
        if !(0.0..=1.0).contains(&a) {
            bail!("alpha must lie in [0, 1], got {a}");
        }
    }

    // Step 1: the scene and its bound model.
    let scenario = Scenario::default_paper();
    let scene = scenario.scene(Some(args.n_targets))?;
    let start = Instant::now();
    let ctx = DesignContext::new(&scene)?;
    let context_setup_s = start.elapsed().as_secs_f64();
    let model = &ctx.model;

    // Step 2: the three forms' data.
    let reduced = form_data(model, Form::Reduced)?;
    let full = form_data(model, Form::Full)?;
    let codebook = form_data(model, Form::Codebook)?;

    // Step 3: bpms on each case, timed.
    let mut cases = Vec::new();
    for &alpha in &args.alpha {
        for (form, scheme, reps) in [
            (Form::Reduced, Scheme::FdbWcrb, args.reps),
            (Form::Codebook, Scheme::CpaWcrb, args.reps),
            (Form::Full, Scheme::FdbWcrb, args.reps_full),
        ] {
            let case = run_case(&ctx, form, scheme, alpha, reps)?;
            eprintln!(
                "bpms {:<8} {:<8} alpha={alpha:<4} obj={:.9e} m² design median {:.3} ms \
                 (clarabel {:.3} ms, {} it, {}, {} attempt(s))",
                case.scheme,
                case.form,
                case.objective_m2,
                case.design_wall.median_s * 1e3,
                case.clarabel_solve.median_s * 1e3,
                case.iterations,
                case.status,
                case.attempts.len(),
            );
            if let Some(d) = &case.direct {
                eprintln!(
                    "bpms {:<8} {:<8} alpha={alpha:<4} obj={:.9e} m² quasi-newton median {:.3} ms \
                     ({} it)",
                    case.scheme,
                    case.form,
                    d.objective_m2,
                    d.design_wall.median_s * 1e3,
                    d.iterations,
                );
            }
            cases.push(case);
        }
    }

    // Step 4: write.
    let export = Export {
        scene: scene.name.clone(),
        n_targets: args.n_targets,
        n_bs: model.n_bs(),
        power_budget_w: model.power_budget_w(),
        context_setup_s,
        gram: ComplexMatrixJson::new(model.gram()),
        reduced,
        full,
        codebook,
        cases,
    };
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), &export)?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

fn form_name(form: Form) -> &'static str {
    match form {
        Form::Reduced => "reduced",
        Form::Full => "full",
        Form::Codebook => "codebook",
    }
}

/// Runs `design` `reps` times after one untimed warm-up, and the SDP once more for its own
/// objective.
fn run_case(
    ctx: &DesignContext,
    form: Form,
    scheme: Scheme,
    alpha: f64,
    reps: usize,
) -> Result<Case> {
    let mut request = DesignRequest::weighted(scheme, alpha);
    request.form = form;
    request.method = Method::Solver;
    let outcome = wcrb::solve(
        &ctx.model,
        form,
        Goal::Weighted { alpha },
        false,
        &SolveOptions::default(),
    )?;

    let mut wall = Vec::with_capacity(reps);
    let mut total = Vec::with_capacity(reps);
    let mut clarabel = Vec::with_capacity(reps);
    let mut first = Vec::with_capacity(reps);
    let mut last = design(ctx, &request)?;
    for _ in 0..reps {
        let start = Instant::now();
        let d = design(ctx, &request)?;
        wall.push(start.elapsed().as_secs_f64());
        total.push(d.solver.time_s);
        clarabel.push(d.solver.attempts.iter().map(|a| a.solve_time_s).sum());
        first.push(d.solver.attempts.first().map_or(0.0, |a| a.solve_time_s));
        last = d;
    }
    let direct = if form == Form::Full {
        None
    } else {
        Some(run_direct(ctx, &request, alpha, reps)?)
    };

    Ok(Case {
        form: form_name(form),
        scheme: scheme.as_str(),
        alpha,
        objective_sdp_m2: outcome.objective_m2,
        objective_scaled: outcome.solution.objective,
        crb_bp_m2: last.bounds.crb_bp_m2,
        crb_ms_m2: last.bounds.crb_ms_m2,
        objective_m2: last.bounds.weighted_m2(alpha),
        status: format!("{:?}", last.solver.status),
        iterations: last.solver.iterations,
        design_wall: timing(wall),
        conic_total: timing(total),
        clarabel_solve: timing(clarabel),
        first_attempt_clarabel: timing(first),
        attempts: last
            .solver
            .attempts
            .iter()
            .map(|a| (a.label.clone(), a.clarabel_status.clone(), a.iterations))
            .collect(),
        direct,
    })
}

/// Times the direct method on the problem of `conic` (its request with the method changed).
fn run_direct(
    ctx: &DesignContext,
    conic: &DesignRequest,
    alpha: f64,
    reps: usize,
) -> Result<DirectCase> {
    let request = DesignRequest {
        method: Method::QuasiNewton,
        ..conic.clone()
    };
    let mut wall = Vec::with_capacity(reps);
    let mut last = design(ctx, &request)?;
    for _ in 0..reps {
        let start = Instant::now();
        last = design(ctx, &request)?;
        wall.push(start.elapsed().as_secs_f64());
    }
    Ok(DirectCase {
        objective_m2: last.bounds.weighted_m2(alpha),
        crb_bp_m2: last.bounds.crb_bp_m2,
        crb_ms_m2: last.bounds.crb_ms_m2,
        certificate_gap_rel: last.certificate.as_ref().map(|c| c.gap_rel),
        iterations: last.solver.iterations,
        design_wall: timing(wall),
    })
}

fn timing(mut samples: Vec<f64>) -> Timing {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    let median_s = if n % 2 == 1 {
        samples[n / 2]
    } else {
        0.5 * (samples[n / 2 - 1] + samples[n / 2])
    };
    Timing {
        reps: n,
        median_s,
        min_s: samples[0],
        max_s: samples[n - 1],
    }
}

/// The scaled LMI data of one form, built the way `wcrb::solve` builds it: the physical position
/// FIMs at each unit coordinate (times P_t), equilibrated by the isotropic FIM's diagonal.
fn form_data(model: &BoundModel, form: Form) -> Result<FormData> {
    let budget_w = model.power_budget_w();
    let gram = model.gram();
    let n_pos = 2 * model.n_targets() + 2;

    // Step 1: W = Uᴴ V U per unit of each coordinate, and the power matrix.
    let (kind, n, units, power_matrix): (_, _, Vec<DMatrix<Complex64>>, _) = match form {
        Form::Reduced | Form::Full => {
            let n = if form == Form::Reduced {
                gram.nrows()
            } else {
                model.n_bs()
            };
            let var = HermitianVar { n, offset: 0 };
            let units = (0..n * n)
                .map(|t| {
                    let mut x = vec![0.0; n * n];
                    x[t] = 1.0;
                    let m = var.value(&x);
                    if form == Form::Reduced {
                        model.w_of_reduced(&m)
                    } else {
                        model.w_of_covariance(&m)
                    }
                })
                .collect();
            let power = if form == Form::Reduced {
                gram.clone()
            } else {
                DMatrix::identity(n, n)
            };
            ("hermitian", n, units, power)
        }
        Form::Codebook => {
            let n = gram.nrows();
            let units = (0..n)
                .map(|i| {
                    let mut p = DMatrix::zeros(n, n);
                    p[(i, i)] = Complex64::new(1.0, 0.0);
                    model.w_of_reduced(&p)
                })
                .collect();
            ("powers", n, units, gram.clone())
        }
    };
    let scale_w = Complex64::new(budget_w, 0.0);
    let basis: Vec<PositionFims> = units
        .iter()
        .map(|w| model.position_fims_w(&(w * scale_w)))
        .collect();

    // Step 2: the isotropic covariance, for scaling.
    let w_iso = gram * Complex64::new(budget_w / model.n_bs() as f64, 0.0);
    let fims_iso = model.position_fims_w(&w_iso);
    let inv_iso = model.inverse_columns(&fims_iso)?;
    let iso = inv_iso.bounds();

    Ok(FormData {
        kind,
        n,
        n_coords: units.len(),
        power_matrix: ComplexMatrixJson::new(&power_matrix),
        bp: bound_data(&basis, |f| &f.bp, &fims_iso.bp, &inv_iso.bp, 2),
        ms: bound_data(&basis, |f| &f.ms, &fims_iso.ms, &inv_iso.ms, n_pos),
        crb_bp_iso_m2: iso.crb_bp_m2,
        crb_ms_iso_m2: iso.crb_ms_m2,
    })
}

fn bound_data(
    basis: &[PositionFims],
    pick: fn(&PositionFims) -> &DMatrix<f64>,
    fim_iso: &DMatrix<f64>,
    inv_iso: &DMatrix<f64>,
    n_p: usize,
) -> BoundData {
    let n_fim = fim_iso.nrows();
    let scale: Vec<f64> = fim_iso.diagonal().iter().map(|v| 1.0 / v.sqrt()).collect();
    let crb_iso_diag_m2: Vec<f64> = (0..n_p).map(|i| inv_iso[(i, i)]).collect();
    let d = (0..n_p)
        .map(|i| crb_iso_diag_m2[i] / (scale[i] * scale[i]))
        .collect();
    let scaled = |b: &DMatrix<f64>| -> Vec<Vec<f64>> {
        (0..n_fim)
            .map(|i| {
                (0..n_fim)
                    .map(|j| {
                        let (r, c) = if i <= j { (i, j) } else { (j, i) };
                        b[(r, c)] * scale[r] * scale[c]
                    })
                    .collect()
            })
            .collect()
    };
    let basis = basis.iter().map(|f| scaled(pick(f))).collect();
    BoundData {
        n_fim,
        n_p,
        scale,
        crb_iso_diag_m2,
        d,
        basis,
    }
}
