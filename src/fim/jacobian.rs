//! Jacobians `J = ∂ξ/∂η` from position-domain to channel-domain parameters, (7) and (9).
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `normal(x)` | n(x) = [−sin x, cos x] | unit normal to the direction x | - |
//! | `d_k` | d_k | BS to object k | m |
//! | `e_k` | e_k | UE to target k (d_0 for LOS) | m |
//!
//! Nonzero entries (MODEL.md §3): `∂θ_k/∂p_k = n(θ_k)ᵀ/d_k`; `∂ψ_k/∂p_U = −n(φ_k)ᵀ/e_k`,
//! `∂ψ_k/∂p_k = n(φ_k)ᵀ/e_k`; `∂ψ_k/∂Δφ = −1`; `∂τ_0/∂p_U = (p_U − p_B)ᵀ/(c d_0)`;
//! `∂τ_k/∂p_U = (p_U − p_k)ᵀ/(c e_k)`; `∂τ_k/∂p_k = ((p_k − p_B)/d_k − (p_U − p_k)/e_k)ᵀ/c`;
//! `∂τ_k/∂Δt = 1`; `∂τ̃_k/∂p_k = 2(p_k − p_B)ᵀ/(c d_k)`; gains map to themselves.

use crate::fim::params::{BpLayout, MsLayout};
use crate::geometry::paths::{BpPath, MsPath};
use crate::geometry::scene::{Point, Scene, SPEED_OF_LIGHT_M_PER_S};
use nalgebra::DMatrix;

fn normal(x: f64) -> [f64; 2] {
    [-x.sin(), x.cos()]
}

fn unit(from: Point, to: Point) -> [f64; 2] {
    let d = (to[0] - from[0]).hypot(to[1] - from[1]);
    [(to[0] - from[0]) / d, (to[1] - from[1]) / d]
}

fn set_row2(j: &mut DMatrix<f64>, row: usize, col: usize, v: [f64; 2], scale: f64) {
    j[(row, col)] += v[0] * scale;
    j[(row, col + 1)] += v[1] * scale;
}

/// BP Jacobian, shape `[5K+5, 4K+6]`.
pub fn bp_jacobian(scene: &Scene, paths: &[BpPath]) -> DMatrix<f64> {
    let n_targets = scene.n_targets();
    let layout = BpLayout { n_targets };
    let n_paths = n_targets + 1;
    let c = SPEED_OF_LIGHT_M_PER_S;
    let mut j = DMatrix::zeros(layout.dim_channel(), layout.dim());
    let (row_theta, row_psi, row_tau) = (0, n_paths, 2 * n_paths);
    let (row_re, row_im) = (3 * n_paths, 4 * n_paths);

    for (k, path) in paths.iter().enumerate() {
        // The object whose position moves θ_k: the UE for LOS, target k otherwise.
        let col_obj = if k == 0 {
            layout.p_ue()
        } else {
            layout.p_target(k)
        };
        set_row2(
            &mut j,
            row_theta + k,
            col_obj,
            normal(path.theta_rad),
            1.0 / path.range_bs_m,
        );

        // AOA: the UE moves it always; target k moves it for k ≥ 1; the orientation rotates it.
        let n_phi = normal(path.phi_rad);
        set_row2(
            &mut j,
            row_psi + k,
            layout.p_ue(),
            n_phi,
            -1.0 / path.range_ue_m,
        );
        if k >= 1 {
            set_row2(
                &mut j,
                row_psi + k,
                layout.p_target(k),
                n_phi,
                1.0 / path.range_ue_m,
            );
        }
        j[(row_psi + k, layout.orientation())] = -1.0;

        // Delay.
        if k == 0 {
            set_row2(
                &mut j,
                row_tau,
                layout.p_ue(),
                unit(scene.p_bs, scene.p_ue),
                1.0 / c,
            );
        } else {
            let p_k = scene.p_targets[k - 1];
            let from_target = unit(p_k, scene.p_ue);
            let from_bs = unit(scene.p_bs, p_k);
            set_row2(&mut j, row_tau + k, layout.p_ue(), from_target, 1.0 / c);
            let grad = [from_bs[0] - from_target[0], from_bs[1] - from_target[1]];
            set_row2(&mut j, row_tau + k, layout.p_target(k), grad, 1.0 / c);
        }
        j[(row_tau + k, layout.clock_bias())] = 1.0;

        // Gains are their own parameters.
        j[(row_re + k, layout.re_gain(k))] = 1.0;
        j[(row_im + k, layout.im_gain(k))] = 1.0;
    }
    j
}

/// MS Jacobian, shape `[4K+4, 4K+4]`.
pub fn ms_jacobian(scene: &Scene, paths: &[MsPath]) -> DMatrix<f64> {
    let n_targets = scene.n_targets();
    let layout = MsLayout { n_targets };
    let n_paths = n_targets + 1;
    let c = SPEED_OF_LIGHT_M_PER_S;
    let mut j = DMatrix::zeros(layout.dim_channel(), layout.dim());
    let objects = scene.ms_objects();
    for (k, path) in paths.iter().enumerate() {
        let col = layout.p_object(k);
        set_row2(
            &mut j,
            k,
            col,
            normal(path.theta_rad),
            1.0 / path.range_bs_m,
        );
        set_row2(
            &mut j,
            n_paths + k,
            col,
            unit(scene.p_bs, objects[k]),
            2.0 / c,
        );
        j[(2 * n_paths + k, layout.re_gain(k))] = 1.0;
        j[(3 * n_paths + k, layout.im_gain(k))] = 1.0;
    }
    j
}
