//! Evaluating all bounds (BP, MS, fused) for one covariance on the paper scene, after the
//! one-time set-up per scene.

use bpms::{BoundModel, Scenario};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench_bounds(c: &mut Criterion) {
    let scene = Scenario::default_paper()
        .scene(None)
        .expect("the default scenario is valid");
    let v = BoundModel::isotropic_covariance(&scene);

    c.bench_function("bound_model_setup_k3", |b| {
        b.iter(|| BoundModel::new(black_box(&scene)).expect("K = 3"))
    });
    let model = BoundModel::new(&scene).expect("K = 3");
    c.bench_function("evaluate_bounds_k3", |b| {
        b.iter(|| {
            model
                .evaluate(black_box(&v))
                .expect("isotropic V identifies everything")
        })
    });
}

criterion_group!(benches, bench_bounds);
criterion_main!(benches);
