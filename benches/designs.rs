//! One weighted-sum CRB design (α = 0.5) on the paper scene (K = 3), per scheme and form, after
//! the one-time set-up of the scene.

use bpms::design::{design, DesignContext, DesignRequest, Form, Method, Scheme};
use bpms::Scenario;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;

fn bench_designs(c: &mut Criterion) {
    let scene = Scenario::default_paper()
        .scene(Some(3))
        .expect("the default scenario is valid");
    let ctx = DesignContext::new(&scene).expect("K = 3");
    let mut group = c.benchmark_group("wcrb_k3");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for (name, scheme, form, method) in [
        (
            "fdb_reduced",
            Scheme::FdbWcrb,
            Form::Reduced,
            Method::Solver,
        ),
        ("fdb_full", Scheme::FdbWcrb, Form::Full, Method::Solver),
        ("cpa", Scheme::CpaWcrb, Form::Reduced, Method::Solver),
        (
            "fusion_reduced",
            Scheme::Fusion,
            Form::Reduced,
            Method::Solver,
        ),
        // The direct method (src/design/direct.rs) on the same designs.
        (
            "direct_fdb_reduced",
            Scheme::FdbWcrb,
            Form::Reduced,
            Method::QuasiNewton,
        ),
        (
            "direct_cpa",
            Scheme::CpaWcrb,
            Form::Reduced,
            Method::QuasiNewton,
        ),
        (
            "direct_fusion_reduced",
            Scheme::Fusion,
            Form::Reduced,
            Method::QuasiNewton,
        ),
    ] {
        let mut req = DesignRequest::weighted(scheme, 0.5);
        req.form = form;
        req.method = method;
        group.bench_function(name, |b| {
            b.iter(|| design(&ctx, black_box(&req)).expect("solves"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_designs);
criterion_main!(benches);
