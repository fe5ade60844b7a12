//! Invariants of the bounds and position FIMs, through the public API: rigid translation, the
//! power law, the array normalisation factor, symmetry and positive semidefiniteness, target
//! order, global gain phases, and the benefit of fusion; a property test repeats the first ones
//! on random scenes.

mod common;

use bpms::fim::{BoundModel, Bounds};
use bpms::geometry::array::Normalization;
use bpms::Scene;
use common::{fim_diff, rel_diff, SplitMix64};
use nalgebra::DMatrix;
use num_complex::Complex64;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::f64::consts::PI;

/// Bounds computed from inputs that differ only by rounding (shifted coordinates, reordered
/// sums, rotated gains, scaled powers) agree to about ε·κ relative, κ the condition number of
/// the equilibrated FIM (the first-order perturbation bound of an inverse). Observed on 400
/// random scenes: at most 1.1·ε·κ, with κ from 10 to 1e11. Tenfold margin.
const ROUNDING_GAIN: f64 = 10.0;

/// Entrywise agreement of FIMs that are equal up to rounding (a scaled FIM, the transpose),
/// relative to √(I_ii I_jj): a sum over M ≤ 1024 subcarriers of terms bounded by the diagonal
/// scale loses at most ~M·ε ≈ 2e-13.
const FIM_ROUNDING_TOL: f64 = 1e-11;

/// Smallest allowed eigenvalue of an equilibrated position FIM, relative to its largest: a
/// rounding-level negative eigenvalue (ε times the dimension times the condition number) is
/// tolerated, a genuinely indefinite matrix is not.
const PSD_TOL: f64 = 1e-10;

/// Scenes whose equilibrated FIM has a larger condition number are numerically singular (all
/// objects nearly on one line at endfire, say); the property test skips them.
const MAX_COND: f64 = 1e10;

fn model(scene: &Scene) -> BoundModel {
    BoundModel::new(scene).expect("test scene is valid")
}

fn evaluate(scene: &Scene, v: &DMatrix<Complex64>) -> Bounds {
    model(scene)
        .evaluate(v)
        .expect("FIM of a test scene is invertible")
}

/// Largest condition number of the three equilibrated position FIMs.
fn condition(scene: &Scene, v: &DMatrix<Complex64>) -> f64 {
    let fims = model(scene).position_fims(v);
    [&fims.bp, &fims.ms, &fims.fused]
        .into_iter()
        .map(|f| {
            let (min, max) = common::equilibrated_eigen_range(f);
            max / min
        })
        .fold(0.0, f64::max)
}

/// Relative tolerance for bounds equal up to rounding (see [`ROUNDING_GAIN`]).
fn rounding_tol(scene: &Scene, v: &DMatrix<Complex64>) -> f64 {
    ROUNDING_GAIN * f64::EPSILON * condition(scene, v)
}

/// Every bound in one list, labelled: CRB_BP, CRB_MS, per-object MS, fused BP and MS.
fn labelled(b: &Bounds) -> Vec<(String, f64)> {
    let mut out = vec![
        ("CRB_BP".to_string(), b.crb_bp_m2),
        ("CRB_MS".to_string(), b.crb_ms_m2),
    ];
    for (k, &x) in b.crb_ms_objects_m2.iter().enumerate() {
        out.push((format!("CRB_MS of object {k}"), x));
    }
    out.push(("fused CRB_BP".to_string(), b.fused.crb_bp_m2));
    out.push(("fused CRB_MS".to_string(), b.fused.crb_ms_m2));
    out
}

/// Asserts `got = factor · want` for every bound, to relative `tol`.
fn assert_bounds_scaled(context: &str, got: &Bounds, want: &Bounds, factor: f64, tol: f64) {
    let (got, want) = (labelled(got), labelled(want));
    assert_eq!(got.len(), want.len(), "{context}: number of bounds");
    for ((what, g), (_, w)) in got.iter().zip(&want) {
        let err = rel_diff(*g, factor * w);
        assert!(
            err <= tol,
            "{context}: {what} = {g:e}, expected {factor} × {w:e} (relative error {err:.2e} > \
             {tol:e})"
        );
    }
}

/// Scenes and covariances most tests run over: three scenes (K = 3, 1, 2; unit-norm and
/// unit-modulus), each with the isotropic and a random full-rank covariance.
fn cases() -> Vec<(Scene, DMatrix<Complex64>)> {
    let mut rng = SplitMix64::new(2024);
    let mut out = Vec::new();
    for scene in [
        common::paper_scene(3),
        common::small_scene_k1(),
        common::mid_scene_k2(),
    ] {
        let random = common::random_cov(&scene, scene.n_bs, &mut rng);
        out.push((scene.clone(), common::isotropic_cov(&scene)));
        out.push((scene, random));
    }
    out
}

fn translated(scene: &Scene, shift: [f64; 2]) -> Scene {
    let mv = |p: [f64; 2]| [p[0] + shift[0], p[1] + shift[1]];
    let mut out = scene.clone();
    out.p_bs = mv(scene.p_bs);
    out.p_ue = mv(scene.p_ue);
    out.p_targets = scene.p_targets.iter().map(|&p| mv(p)).collect();
    out
}

/// Wraps an angle into [−π, π).
fn wrap(x: f64) -> f64 {
    (x + PI).rem_euclid(2.0 * PI) - PI
}

#[test]
fn translation_leaves_bounds_unchanged() {
    for (scene, v) in cases() {
        let want = evaluate(&scene, &v);
        let tol = rounding_tol(&scene, &v);
        for shift in [[137.25, -42.5], [-1234.5, 2020.0]] {
            let got = evaluate(&translated(&scene, shift), &v);
            let context = format!("{} translated by {shift:?}", scene.name);
            assert_bounds_scaled(&context, &got, &want, 1.0, tol);
        }
    }
}

#[test]
fn bounds_scale_inversely_with_power() {
    for (scene, v) in cases() {
        let want = evaluate(&scene, &v);
        let tol = rounding_tol(&scene, &v);
        for factor in [2.0, 10.0] {
            let mut louder = scene.clone();
            louder.tx_power_w *= factor;
            let got = evaluate(&louder, &(&v * Complex64::from(factor)));
            let context = format!("{} with P_B and V × {factor}", scene.name);
            assert_bounds_scaled(&context, &got, &want, 1.0 / factor, tol);
        }
    }
}

/// With `a = g·e^{…}`, the BP channel scales by g_B·g_U and the MS channel by g_B², so going
/// from unit-norm (g² = 1/N) to unit-modulus (g = 1) multiplies the BP FIM by N_B·N_U and the
/// MS FIM by N_B²: unit-norm bounds are N_B·N_U (BP) and N_B² (MS) times the unit-modulus ones.
#[test]
fn unit_modulus_divides_bounds_by_array_gains() {
    for (scene, v) in cases().into_iter().step_by(2) {
        let mut unit_norm = scene.clone();
        unit_norm.normalization = Normalization::UnitNorm;
        let mut unit_modulus = scene.clone();
        unit_modulus.normalization = Normalization::UnitModulus;
        let (n_bs, n_ue) = (scene.n_bs as f64, scene.n_ue as f64);
        let (bp_gain, ms_gain) = (n_bs * n_ue, n_bs * n_bs);
        let name = &scene.name;

        // Position FIMs, entrywise.
        let fims_un = model(&unit_norm).position_fims(&v);
        let fims_um = model(&unit_modulus).position_fims(&v);
        let err = fim_diff(&fims_um.bp, &(&fims_un.bp * bp_gain));
        assert!(
            err <= FIM_ROUNDING_TOL,
            "{name}: BP FIM is not N_B·N_U times larger ({err:.2e})"
        );
        let err = fim_diff(&fims_um.ms, &(&fims_un.ms * ms_gain));
        assert!(
            err <= FIM_ROUNDING_TOL,
            "{name}: MS FIM is not N_B² times larger ({err:.2e})"
        );

        // Unfused bounds.
        let tol = rounding_tol(&unit_norm, &v);
        let un = evaluate(&unit_norm, &v);
        let um = evaluate(&unit_modulus, &v);
        let checks = [("CRB_BP", un.crb_bp_m2, um.crb_bp_m2, bp_gain)]
            .into_iter()
            .chain([("CRB_MS", un.crb_ms_m2, um.crb_ms_m2, ms_gain)])
            .chain(
                un.crb_ms_objects_m2
                    .iter()
                    .zip(&um.crb_ms_objects_m2)
                    .map(|(&a, &b)| ("per-object CRB_MS", a, b, ms_gain)),
            );
        for (what, a, b, gain) in checks {
            let err = rel_diff(a, gain * b);
            assert!(
                err <= tol,
                "{name}: unit-norm {what} {a:e} should be {gain} × unit-modulus {b:e} ({err:.2e})"
            );
        }

        // Fused bounds: the fused FIM is N_B·N_U·(BP part) + N_B²·(MS part), which lies between
        // min(N_B·N_U, N_B²) and max(N_B·N_U, N_B²) times the unit-norm fused FIM.
        let (lo, hi) = (bp_gain.min(ms_gain), bp_gain.max(ms_gain));
        for (what, a, b) in [
            ("fused CRB_BP", un.fused.crb_bp_m2, um.fused.crb_bp_m2),
            ("fused CRB_MS", un.fused.crb_ms_m2, um.fused.crb_ms_m2),
        ] {
            let ratio = a / b;
            assert!(
                ratio >= lo * (1.0 - tol) && ratio <= hi * (1.0 + tol),
                "{name}: unit-norm over unit-modulus {what} is {ratio}, outside [{lo}, {hi}]"
            );
            if scene.n_bs == scene.n_ue {
                assert!(
                    rel_diff(ratio, lo) <= tol,
                    "{name}: {what} ratio {ratio} ≠ {lo}"
                );
            }
        }
    }
}

fn assert_symmetric_psd(context: &str, fim: &DMatrix<f64>, dim: usize) {
    assert_eq!(fim.shape(), (dim, dim), "{context}: FIM shape");
    let err = fim_diff(fim, &fim.transpose());
    assert!(
        err <= FIM_ROUNDING_TOL,
        "{context}: FIM asymmetric by {err:.2e}"
    );
    let (min, max) = common::equilibrated_eigen_range(fim);
    assert!(
        min >= -PSD_TOL * max,
        "{context}: equilibrated FIM has eigenvalue {min:e} (largest {max:e})"
    );
}

fn check_fims(context: &str, scene: &Scene, v: &DMatrix<Complex64>) {
    let k = scene.p_targets.len();
    let fims = model(scene).position_fims(v);
    assert_symmetric_psd(&format!("{context}, BP"), &fims.bp, 4 * k + 6);
    assert_symmetric_psd(&format!("{context}, MS"), &fims.ms, 4 * k + 4);
    assert_symmetric_psd(&format!("{context}, fused"), &fims.fused, 6 * k + 8);
}

#[test]
fn position_fims_are_symmetric_and_psd() {
    let mut rng = SplitMix64::new(77);
    for (scene, v) in cases() {
        check_fims(&scene.name, &scene, &v);
        // A rank-one covariance leaves the FIMs singular, but still symmetric and PSD.
        let beam = common::random_cov(&scene, 1, &mut rng);
        check_fims(&format!("{} (rank-one V)", scene.name), &scene, &beam);
    }
}

#[test]
fn reordering_targets_permutes_per_object_bounds_only() {
    let permutation = [2, 0, 1];
    for (scene, v) in cases().into_iter().take(2) {
        let mut reordered = scene.clone();
        reordered.p_targets = permutation.iter().map(|&i| scene.p_targets[i]).collect();
        reordered.rcs_targets_m2 = permutation
            .iter()
            .map(|&i| scene.rcs_targets_m2[i])
            .collect();
        for (new, old) in [
            (&mut reordered.phases_bp_rad, &scene.phases_bp_rad),
            (&mut reordered.phases_ms_rad, &scene.phases_ms_rad),
        ] {
            *new = std::iter::once(old[0])
                .chain(permutation.iter().map(|&i| old[i + 1]))
                .collect();
        }

        // Relabel the expected per-object bounds the same way (the UE stays object 0).
        let mut want = evaluate(&scene, &v);
        let old = want.crb_ms_objects_m2.clone();
        want.crb_ms_objects_m2 = std::iter::once(old[0])
            .chain(permutation.iter().map(|&i| old[i + 1]))
            .collect();
        let got = evaluate(&reordered, &v);
        let context = format!("{} with targets reordered {permutation:?}", scene.name);
        assert_bounds_scaled(&context, &got, &want, 1.0, rounding_tol(&scene, &v));
    }
}

#[test]
fn global_gain_phase_leaves_bounds_unchanged() {
    for (scene, v) in cases() {
        let want = evaluate(&scene, &v);
        let tol = rounding_tol(&scene, &v);
        let mut bp_shifted = scene.clone();
        bp_shifted.phases_bp_rad = scene.phases_bp_rad.iter().map(|x| wrap(x + 0.9)).collect();
        let mut ms_shifted = scene.clone();
        ms_shifted.phases_ms_rad = scene.phases_ms_rad.iter().map(|x| wrap(x - 2.1)).collect();
        for (what, shifted) in [("BP", bp_shifted), ("MS", ms_shifted)] {
            let got = evaluate(&shifted, &v);
            let context = format!("{} with all {what} gain phases shifted", scene.name);
            assert_bounds_scaled(&context, &got, &want, 1.0, tol);
        }
    }
}

#[test]
fn fusion_never_loosens_a_bound() {
    for (scene, v) in cases() {
        let b = evaluate(&scene, &v);
        let tol = rounding_tol(&scene, &v);
        for (what, fused, alone) in [
            ("CRB_BP", b.fused.crb_bp_m2, b.crb_bp_m2),
            ("CRB_MS", b.fused.crb_ms_m2, b.crb_ms_m2),
        ] {
            assert!(
                fused <= alone * (1.0 + tol),
                "{}: fused {what} {fused:e} exceeds the unfused {alone:e}",
                scene.name
            );
        }
    }
}

/// A random scene: the BS somewhere near the origin, the UE and 1–3 targets in front of it
/// (at least 3 m ahead), pairwise at least 1 m apart.
fn random_scene(
    bs: (f64, f64),
    objects: &[(f64, f64)],
    n_bs: usize,
    n_ue: usize,
    n_subcarriers: usize,
    unit_modulus: bool,
    seed: u64,
) -> Scene {
    let mut rng = SplitMix64::new(seed);
    let p_bs = [bs.0, bs.1];
    let at = |o: &(f64, f64)| [p_bs[0] + o.0, p_bs[1] + o.1];
    let radio = common::Radio {
        n_bs,
        n_ue,
        n_subcarriers,
        normalization: if unit_modulus {
            Normalization::UnitModulus
        } else {
            Normalization::UnitNorm
        },
        ..common::paper_radio()
    };
    let n_targets = objects.len() - 1;
    let layout = common::Layout {
        p_bs,
        p_ue: at(&objects[0]),
        orientation_rad: rng.uniform_in(-PI, PI),
        clock_bias_s: rng.uniform_in(-1e-6, 1e-6),
        rcs_ue_m2: rng.uniform_in(1.0, 20.0),
        p_targets: objects[1..].iter().map(at).collect(),
        rcs_targets_m2: (0..n_targets)
            .map(|_| rng.uniform_in(10.0, 200.0))
            .collect(),
    };
    common::build_scene("random", &radio, layout, rng.next_u64())
}

fn min_separation(points: &[(f64, f64)]) -> f64 {
    let mut out = f64::INFINITY;
    for (i, a) in points.iter().enumerate() {
        for b in &points[i + 1..] {
            out = out.min((a.0 - b.0).hypot(a.1 - b.1));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        rng_seed: RngSeed::Fixed(0x6270_6d73),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_scenes_obey_invariants(
        bs in (-10.0..10.0f64, -10.0..10.0f64),
        objects in prop::collection::vec((-30.0..30.0f64, 3.0..40.0f64), 2..=4),
        n_bs in 4usize..=12,
        n_ue in 2usize..=8,
        n_subcarriers in 16usize..=512,
        unit_modulus in any::<bool>(),
        seed in any::<u64>(),
        shift in (-500.0..500.0f64, -500.0..500.0f64),
        power_factor in 0.1..10.0f64,
    ) {
        // The BS counts as a point too: objects must keep away from it and from each other.
        let mut all = objects.clone();
        all.push((0.0, 0.0));
        prop_assume!(min_separation(&all) >= 1.0);

        let scene = random_scene(bs, &objects, n_bs, n_ue, n_subcarriers, unit_modulus, seed);
        let mut rng = SplitMix64::new(seed ^ 0xa5a5_a5a5);
        let v = common::random_cov(&scene, n_bs, &mut rng);
        let context = format!("random scene {scene:?}");

        check_fims(&context, &scene, &v);
        let cond = condition(&scene, &v);
        prop_assume!(cond <= MAX_COND);
        let tol = ROUNDING_GAIN * f64::EPSILON * cond;
        let want = evaluate(&scene, &v);

        let got = evaluate(&translated(&scene, [shift.0, shift.1]), &v);
        assert_bounds_scaled(&format!("{context}, translated"), &got, &want, 1.0, tol);

        let mut louder = scene.clone();
        louder.tx_power_w *= power_factor;
        let got = evaluate(&louder, &(&v * Complex64::from(power_factor)));
        let context = format!("{context}, power × {power_factor}");
        assert_bounds_scaled(&context, &got, &want, 1.0 / power_factor, tol);
    }
}
