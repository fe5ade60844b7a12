//! Analog designs on the paper scene (K = 3, N_B = 16, L = 16), with the guides computed once
//! beforehand as in a sweep: Analog-FDB (alternating optimisation, default settings: 3 starts)
//! and Analog-CPA (codebook construction plus the CPA-WCM QP), at α = 0, 0.5 and 1.

use bpms::design::{design, DesignContext, DesignRequest, Scheme};
use bpms::Scenario;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench_analog(c: &mut Criterion) {
    let scene = Scenario::default_paper()
        .scene(Some(3))
        .expect("the default scenario is valid");
    let ctx = DesignContext::new(&scene).expect("K = 3");
    ctx.fdb_guides().expect("the FDB guides solve");
    ctx.cpa_guides().expect("the CPA guides solve");

    let mut group = c.benchmark_group("analog_k3");
    group.sample_size(20);
    for scheme in [Scheme::AnalogFdb, Scheme::AnalogCpa] {
        for alpha in [0.0, 0.5, 1.0] {
            let request = DesignRequest::weighted(scheme, alpha);
            let d = design(&ctx, &request).expect("the analog design runs");
            if let Some(detail) = d.analog.as_ref().filter(|a| !a.starts.is_empty()) {
                let iterations: Vec<u32> = detail.starts.iter().map(|s| s.iterations).collect();
                eprintln!("{scheme} alpha={alpha}: AO iterations per start {iterations:?}");
            }
            group.bench_function(format!("{scheme}_alpha_{alpha}"), |b| {
                b.iter(|| design(black_box(&ctx), black_box(&request)).expect("runs"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_analog);
criterion_main!(benches);
