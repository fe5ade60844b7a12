//! Weighted-sum CRB designs (FDB-WCRB, CPA-WCRB, Fusion) and ε-constraint designs: the facts of
//! MODEL.md §4 that follow from the algebra, checked on the paper scene.

use bpms::design::{design, Design, DesignContext, DesignRequest, Form, Goal, Method, Scheme};
use bpms::solver::SolveStatus;
use bpms::{BoundModel, Scenario};
use nalgebra::DMatrix;
use num_complex::Complex64;

/// Remark 2, objective: both forms are solved to Clarabel's default gap tolerance 1e-8; 1e-6
/// relative leaves room for the different conditioning of the two SDPs.
const FORM_OBJECTIVE_TOL: f64 = 1e-6;
/// Remark 2, each bound: a flat objective lets the individual bounds move more than the
/// objective (first-order flat directions), by about the square root of the objective's error.
const FORM_BOUND_TOL: f64 = 1e-4;
/// Comparisons of optimal values with feasible points: the SDP's relative gap (≤ 1e-8) plus the
/// PSD projection's effect.
const OPT_TOL: f64 = 1e-6;
/// A Frank–Wolfe gap this small certifies the optimum to the accuracy plotted anywhere.
const CERTIFICATE_TOL: f64 = 1e-3;
/// A trade-off curve may wiggle within the solver's accuracy where it is flat.
const MONOTONE_TOL: f64 = 1e-6;

fn ctx(k: usize) -> DesignContext {
    DesignContext::new(&Scenario::default_paper().scene(Some(k)).unwrap()).unwrap()
}

/// A weighted design by the default method (`auto`).
fn weighted(ctx: &DesignContext, scheme: Scheme, alpha: f64, form: Form) -> Design {
    weighted_by(ctx, scheme, alpha, form, Method::Auto)
}

fn weighted_by(
    ctx: &DesignContext,
    scheme: Scheme,
    alpha: f64,
    form: Form,
    method: Method,
) -> Design {
    let mut req = DesignRequest::weighted(scheme, alpha);
    req.form = form;
    req.method = method;
    let d = design(ctx, &req).unwrap();
    assert_eq!(
        d.solver.status,
        SolveStatus::Solved,
        "{scheme} alpha={alpha}: {:?}",
        d.solver
    );
    d
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

fn objective(d: &Design, alpha: f64) -> f64 {
    d.bounds.weighted_m2(alpha)
}

#[test]
fn full_and_reduced_forms_agree() {
    for k in 1..=3 {
        let c = ctx(k);
        for alpha in [0.1, 0.5, 0.9] {
            // The full form is always the SDP; the reduced one by the SDP and by the direct
            // method (the default here).
            let full = weighted(&c, Scheme::FdbWcrb, alpha, Form::Full);
            assert!(full.solver.method.starts_with("clarabel"));
            for method in [Method::Solver, Method::QuasiNewton] {
                let reduced = weighted_by(&c, Scheme::FdbWcrb, alpha, Form::Reduced, method);
                let case = format!("K={k} alpha={alpha} reduced by {method}");
                let (o_r, o_f) = (objective(&reduced, alpha), objective(&full, alpha));
                assert!(
                    rel(o_r, o_f) < FORM_OBJECTIVE_TOL,
                    "{case}: {o_r:e} vs {o_f:e}"
                );
                for (name, r, f) in [
                    ("CRB_BP", reduced.bounds.crb_bp_m2, full.bounds.crb_bp_m2),
                    ("CRB_MS", reduced.bounds.crb_ms_m2, full.bounds.crb_ms_m2),
                ] {
                    assert!(rel(r, f) < FORM_BOUND_TOL, "{case} {name}: {r:e} vs {f:e}");
                }
            }
        }
    }
}

#[test]
fn fdb_beats_isotropic_and_cpa_and_is_certified() {
    for k in 1..=3 {
        let c = ctx(k);
        let scene = Scenario::default_paper().scene(Some(k)).unwrap();
        let iso = c
            .model
            .evaluate(&BoundModel::isotropic_covariance(&scene))
            .unwrap();
        for alpha in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let fdb = weighted(&c, Scheme::FdbWcrb, alpha, Form::Reduced);
            let cpa = weighted(&c, Scheme::CpaWcrb, alpha, Form::Reduced);
            let (o_fdb, o_cpa) = (objective(&fdb, alpha), objective(&cpa, alpha));
            assert!(
                o_fdb <= iso.weighted_m2(alpha) * (1.0 + OPT_TOL),
                "K={k} alpha={alpha}"
            );
            assert!(
                o_fdb <= o_cpa * (1.0 + OPT_TOL),
                "K={k} alpha={alpha}: {o_fdb:e} > {o_cpa:e}"
            );
            for d in [&fdb, &cpa] {
                let cert = d
                    .certificate
                    .as_ref()
                    .expect("weighted designs are certified");
                assert!(
                    cert.gap_rel < CERTIFICATE_TOL,
                    "{} K={k} alpha={alpha}: {cert:?}",
                    d.scheme
                );
                assert!((d.power_used_w - d.power_budget_w).abs() < 1e-6 * d.power_budget_w);
                assert!(d.solver.max_violation_w < 1e-9 * d.power_budget_w);
            }
        }
    }
}

#[test]
fn sweep_trades_bp_against_ms_and_fusion_helps() {
    let c = ctx(3);
    let alphas: Vec<f64> = (0..=10).map(|i| i as f64 / 10.0).collect();
    let designs: Vec<Design> = alphas
        .iter()
        .map(|&a| weighted(&c, Scheme::FdbWcrb, a, Form::Reduced))
        .collect();
    for pair in designs.windows(2) {
        let (a, b) = (&pair[0].bounds, &pair[1].bounds);
        assert!(
            b.crb_bp_m2 <= a.crb_bp_m2 * (1.0 + MONOTONE_TOL),
            "CRB_BP must fall with alpha"
        );
        assert!(
            b.crb_ms_m2 >= a.crb_ms_m2 * (1.0 - MONOTONE_TOL),
            "CRB_MS must rise with alpha"
        );
    }
    for &alpha in &[0.0, 0.5, 1.0] {
        let fusion = weighted(&c, Scheme::Fusion, alpha, Form::Reduced);
        let fdb = weighted(&c, Scheme::FdbWcrb, alpha, Form::Reduced);
        let f = &fusion.bounds.fused;
        // Fused bounds at the Fusion design are below the unfused bounds of any design, in
        // particular of the FDB design at the same weight.
        assert!(f.crb_bp_m2 < fdb.bounds.crb_bp_m2 && f.crb_ms_m2 < fdb.bounds.crb_ms_m2);
        assert!(f.crb_bp_m2 <= fusion.bounds.crb_bp_m2 && f.crb_ms_m2 <= fusion.bounds.crb_ms_m2);
    }
}

#[test]
fn beamformers_reproduce_the_covariance_and_its_bounds() {
    let c = ctx(2);
    for scheme in [Scheme::FdbWcrb, Scheme::CpaWcrb, Scheme::Fusion] {
        let d = weighted(&c, scheme, 0.3, Form::Reduced);
        let v: DMatrix<Complex64> = &d.beamformer * d.beamformer.adjoint();
        assert!(
            d.beamformer_residual_rel < 1e-10,
            "{scheme}: {}",
            d.beamformer_residual_rel
        );
        let b = c.model.evaluate(&v).unwrap();
        assert!(
            rel(b.crb_bp_m2, d.bounds.crb_bp_m2) < 1e-8
                && rel(b.crb_ms_m2, d.bounds.crb_ms_m2) < 1e-8
        );
        assert_eq!(d.beamformer.ncols(), 16, "L = n_slots beams");
    }
}

#[test]
fn epsilon_constraint_designs_meet_their_caps_and_dominate() {
    let c = ctx(3);
    let mid = weighted(&c, Scheme::FdbWcrb, 0.5, Form::Reduced);
    // Capping CRB_BP at the weighted design's value can only improve CRB_MS (Pareto).
    let cap = mid.bounds.crb_bp_m2;
    let req = DesignRequest {
        goal: Goal::BpCap { cap_m2: cap },
        ..DesignRequest::weighted(Scheme::FdbWcrb, 0.5)
    };
    let eps = design(&c, &req).unwrap();
    assert_eq!(eps.solver.status, SolveStatus::Solved);
    assert!(eps.bounds.crb_bp_m2 <= cap * (1.0 + OPT_TOL));
    assert!(eps.bounds.crb_ms_m2 <= mid.bounds.crb_ms_m2 * (1.0 + OPT_TOL));
    // The converse cap likewise.
    let cap = mid.bounds.crb_ms_m2;
    let req = DesignRequest {
        goal: Goal::MsCap { cap_m2: cap },
        ..DesignRequest::weighted(Scheme::FdbWcrb, 0.5)
    };
    let eps = design(&c, &req).unwrap();
    assert!(eps.bounds.crb_ms_m2 <= cap * (1.0 + OPT_TOL));
    assert!(eps.bounds.crb_bp_m2 <= mid.bounds.crb_bp_m2 * (1.0 + OPT_TOL));
    // A cap below the BP optimum is infeasible, and reported so.
    let best_bp = weighted(&c, Scheme::FdbWcrb, 1.0, Form::Reduced)
        .bounds
        .crb_bp_m2;
    let req = DesignRequest {
        goal: Goal::BpCap {
            cap_m2: 0.5 * best_bp,
        },
        ..DesignRequest::weighted(Scheme::FdbWcrb, 0.5)
    };
    assert_eq!(
        design(&c, &req).unwrap().solver.status,
        SolveStatus::Infeasible
    );
}

#[test]
fn design_is_unchanged_when_the_scene_is_restated() {
    let base = Scenario::default_paper();
    let text = bpms::scenario::DEFAULT_SCENARIO_TOML;
    // Translated by (3, 4) m as a whole, and with 10 dB more power against 10 dB more noise.
    let moved = text
        .replace("position_m = [0.0, 0.0]", "position_m = [3.0, 4.0]")
        .replace("position_m = [-5.0, 20.0]", "position_m = [-2.0, 24.0]")
        .replace("position_m = [-10.0, 15.0]", "position_m = [-7.0, 19.0]")
        .replace("position_m = [5.0, 15.0]", "position_m = [8.0, 19.0]")
        .replace("position_m = [0.0, 17.0]", "position_m = [3.0, 21.0]")
        .replace("tx_power_dbm = 20.0", "tx_power_dbm = 30.0")
        .replace("noise_figure_db = 10.0", "noise_figure_db = 20.0");
    let restated = Scenario::from_toml_str(&moved, "restated").unwrap();
    for alpha in [0.2, 0.8] {
        let a = weighted(
            &DesignContext::new(&base.scene(None).unwrap()).unwrap(),
            Scheme::FdbWcrb,
            alpha,
            Form::Reduced,
        );
        let b = weighted(
            &DesignContext::new(&restated.scene(None).unwrap()).unwrap(),
            Scheme::FdbWcrb,
            alpha,
            Form::Reduced,
        );
        assert!(rel(b.bounds.crb_bp_m2, a.bounds.crb_bp_m2) < FORM_BOUND_TOL);
        assert!(rel(b.bounds.crb_ms_m2, a.bounds.crb_ms_m2) < FORM_BOUND_TOL);
        assert!(rel(b.power_used_w, 10.0 * a.power_used_w) < 1e-9);
    }
}

#[test]
fn bad_requests_are_input_errors() {
    let c = ctx(1);
    for alpha in [-0.1, 1.5, f64::NAN] {
        let err = design(&c, &DesignRequest::weighted(Scheme::FdbWcrb, alpha)).unwrap_err();
        assert!(err.to_string().contains("alpha"), "{err}");
    }
    let req = DesignRequest {
        goal: Goal::BpCap { cap_m2: -1.0 },
        ..DesignRequest::weighted(Scheme::FdbWcrb, 0.5)
    };
    assert!(design(&c, &req).unwrap_err().to_string().contains("cap"));
    assert!("fdb-nope"
        .parse::<Scheme>()
        .unwrap_err()
        .to_string()
        .contains("unknown scheme"));
}
