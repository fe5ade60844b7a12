//! Angles, delays and complex gains of every BP and MS path (MODEL.md §2).
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `theta_rad` | θ_k | angle of departure at the BS (global frame) | rad |
//! | `psi_rad` | ψ_k | angle of arrival at the UE (UE frame) | rad |
//! | `phi_rad` | φ_k | global azimuth from the UE towards the path's last bounce | rad |
//! | `range_ue_m` | e_k | UE to target k (`e_0 = d_0` for the LOS path) | m |
//! | `range_bs_m` | d_k | BS to object k | m |
//! | `delay_s` | τ_k, τ̃_k | BP delay (with clock bias) or MS round-trip delay | s |
//! | `gain` | β_k, β̃_k | complex path gain | - |

use crate::geometry::scene::{Point, Scene, SPEED_OF_LIGHT_M_PER_S};
use num_complex::Complex64;
use std::f64::consts::PI;

/// One BP path: k = 0 is the LOS path, k ≥ 1 the bounce off target k.
#[derive(Clone, Debug, PartialEq)]
pub struct BpPath {
    pub theta_rad: f64,
    pub psi_rad: f64,
    pub phi_rad: f64,
    pub range_bs_m: f64,
    pub range_ue_m: f64,
    pub delay_s: f64,
    pub gain: Complex64,
}

/// One MS path: k = 0 is the echo of the UE, k ≥ 1 the echo of target k.
#[derive(Clone, Debug, PartialEq)]
pub struct MsPath {
    pub theta_rad: f64,
    pub range_bs_m: f64,
    pub delay_s: f64,
    pub gain: Complex64,
}

/// Azimuth of the vector from `from` to `to`.
pub fn azimuth(from: Point, to: Point) -> f64 {
    (to[1] - from[1]).atan2(to[0] - from[0])
}

/// Euclidean distance.
pub fn distance(a: Point, b: Point) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// The K+1 BP paths of a scene, LOS first.
pub fn bp_paths(scene: &Scene) -> Vec<BpPath> {
    let c = SPEED_OF_LIGHT_M_PER_S;
    let lambda = scene.wavelength_m();
    let four_pi_32 = (4.0 * PI).powf(1.5);

    // LOS: the BS is the source seen from the UE.
    let d0 = distance(scene.p_bs, scene.p_ue);
    let phi0 = azimuth(scene.p_ue, scene.p_bs);
    let los = BpPath {
        theta_rad: azimuth(scene.p_bs, scene.p_ue),
        psi_rad: phi0 - scene.orientation_rad,
        phi_rad: phi0,
        range_bs_m: d0,
        range_ue_m: d0,
        delay_s: d0 / c + scene.clock_bias_s,
        gain: Complex64::from_polar(lambda / (4.0 * PI * d0), scene.phases_bp_rad[0]),
    };

    // Single-bounce paths BS → target k → UE.
    let bounces = scene.p_targets.iter().enumerate().map(|(i, &pk)| {
        let dk = distance(scene.p_bs, pk);
        let ek = distance(scene.p_ue, pk);
        let phik = azimuth(scene.p_ue, pk);
        let modulus = scene.rcs_targets_m2[i].sqrt() * lambda / (four_pi_32 * dk * ek);
        BpPath {
            theta_rad: azimuth(scene.p_bs, pk),
            psi_rad: phik - scene.orientation_rad,
            phi_rad: phik,
            range_bs_m: dk,
            range_ue_m: ek,
            delay_s: (dk + ek) / c + scene.clock_bias_s,
            gain: Complex64::from_polar(modulus, scene.phases_bp_rad[i + 1]),
        }
    });
    std::iter::once(los).chain(bounces).collect()
}

/// The K+1 MS paths of a scene, UE first.
pub fn ms_paths(scene: &Scene) -> Vec<MsPath> {
    let lambda = scene.wavelength_m();
    let four_pi_32 = (4.0 * PI).powf(1.5);
    scene
        .ms_objects()
        .into_iter()
        .zip(scene.ms_rcs_m2())
        .zip(&scene.phases_ms_rad)
        .map(|((pk, rcs), &phase)| {
            let dk = distance(scene.p_bs, pk);
            MsPath {
                theta_rad: azimuth(scene.p_bs, pk),
                range_bs_m: dk,
                delay_s: 2.0 * dk / SPEED_OF_LIGHT_M_PER_S,
                gain: Complex64::from_polar(rcs.sqrt() * lambda / (four_pi_32 * dk * dk), phase),
            }
        })
        .collect()
}
