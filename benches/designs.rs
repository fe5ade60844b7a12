//! One weighted-sum CRB design (α = 0.5) on the paper scene (K = 3), per scheme and form, after
//! the one-time set-up of the scene.

use bpms::design::{design, DesignContext, DesignRequest, Form, Scheme};
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
    for (name, scheme, form) in [
        ("fdb_reduced", Scheme::FdbWcrb, Form::Reduced),
        ("fdb_full", Scheme::FdbWcrb, Form::Full),
        ("cpa", Scheme::CpaWcrb, Form::Reduced),
        ("fusion_reduced", Scheme::Fusion, Form::Reduced),
    ] {
        let mut req = DesignRequest::weighted(scheme, 0.5);
        req.form = form;
        group.bench_function(name, |b| {
            b.iter(|| design(&ctx, black_box(&req)).expect("solves"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_designs);
criterion_main!(benches);
