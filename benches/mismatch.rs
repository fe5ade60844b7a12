//! Mismatch designs on the paper scene (K = 3, α = 0.5) once the guides exist: the closed forms
//! alone, the guide preparation (square roots, budget scaling), a whole design through
//! `design()` (closed form, then bounds and beamformers), and the solver forms for comparison.

use bpms::design::mismatch::{closed_form, codebook_covariance, cpa_wcm_qp, CpaGuides, FdbGuides};
use bpms::design::{design, DesignContext, DesignRequest, Method, Scheme};
use bpms::solver::SolveOptions;
use bpms::Scenario;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;

const ALPHA: f64 = 0.5;
const SCHEMES: [(&str, Scheme); 4] = [
    ("fdb_wbf", Scheme::FdbWbf),
    ("cpa_wbf", Scheme::CpaWbf),
    ("fdb_wcm", Scheme::FdbWcm),
    ("cpa_wcm", Scheme::CpaWcm),
];

fn context() -> DesignContext {
    let scene = Scenario::default_paper()
        .scene(Some(3))
        .expect("the default scenario is valid");
    let ctx = DesignContext::new(&scene).expect("K = 3");
    ctx.fdb_guides().expect("FDB guides solve");
    ctx.cpa_guides().expect("CPA guides solve");
    ctx
}

fn bench_closed_forms(c: &mut Criterion) {
    let ctx = context();
    let u = ctx.model.codebook();
    let gram = ctx.model.gram();
    let budget = ctx.model.power_budget_w();
    let energies: Vec<f64> = (0..u.ncols()).map(|i| gram[(i, i)].re).collect();
    let fdb = FdbGuides::new(ctx.fdb_guides().expect("guides"), u, budget);
    let cpa = CpaGuides::new(ctx.cpa_guides().expect("guides"), u, budget);

    let mut group = c.benchmark_group("mismatch_closed_form_k3");
    group.bench_function("fdb_wbf", |b| {
        b.iter(|| closed_form::fdb_wbf(black_box(ALPHA), gram, &fdb.root_bp, &fdb.root_ms, budget))
    });
    group.bench_function("cpa_wbf", |b| {
        b.iter(|| closed_form::cpa_wbf(black_box(ALPHA), &energies, &cpa.p_bp, &cpa.p_ms, budget))
    });
    group.bench_function("fdb_wcm", |b| {
        b.iter(|| closed_form::fdb_wcm(black_box(ALPHA), &fdb.v_bp, &fdb.v_ms))
    });
    group.bench_function("cpa_wcm", |b| {
        b.iter(|| closed_form::cpa_wcm(black_box(ALPHA), &cpa.p_bp, &cpa.p_ms))
    });
    group.bench_function("fdb_guide_preparation", |b| {
        b.iter(|| FdbGuides::new(ctx.fdb_guides().expect("guides"), black_box(u), budget))
    });
    group.bench_function("cpa_guide_preparation", |b| {
        b.iter(|| CpaGuides::new(ctx.cpa_guides().expect("guides"), black_box(u), budget))
    });
    group.finish();

    let mut group = c.benchmark_group("mismatch_design_k3");
    for (name, scheme) in SCHEMES {
        let request = DesignRequest::weighted(scheme, ALPHA);
        group.bench_function(name, |b| {
            b.iter(|| design(&ctx, black_box(&request)).expect("designs"))
        });
    }
    group.finish();
}

fn bench_solver_forms(c: &mut Criterion) {
    let ctx = context();
    let mut group = c.benchmark_group("mismatch_solver_k3");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for (name, scheme) in SCHEMES {
        let mut request = DesignRequest::weighted(scheme, ALPHA);
        request.method = Method::Solver;
        group.bench_function(name, |b| {
            b.iter(|| design(&ctx, black_box(&request)).expect("designs"))
        });
    }

    // The QP the analog CPA design reuses, on its own.
    let u = ctx.model.codebook();
    let budget = ctx.model.power_budget_w();
    let cpa = CpaGuides::new(ctx.cpa_guides().expect("guides"), u, budget);
    let (v_bp, v_ms) = (
        codebook_covariance(u, &cpa.p_bp),
        codebook_covariance(u, &cpa.p_ms),
    );
    let opts = SolveOptions::default();
    group.bench_function("cpa_wcm_qp", |b| {
        b.iter(|| cpa_wcm_qp(u, &v_bp, &v_ms, black_box(ALPHA), budget, &opts))
    });
    group.finish();
}

criterion_group!(benches, bench_closed_forms, bench_solver_forms);
criterion_main!(benches);
