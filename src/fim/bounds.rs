//! Position-domain FIMs and the BP, MS and fused Cramér–Rao bounds, (7)–(10) and Remark 1.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `u` | U | codebook `[a_B(θ_0..θ_K), ȧ_B(θ_0..θ_K)]`, `[N_B, 2K+2]` | - |
//! | `w` | W = Uᴴ V U | covariance seen through the codebook | W |
//! | `j_bp`, `j_ms` | J, J̃ | Jacobians ∂ξ/∂η | mixed |
//! | `fims.bp`, `fims.ms` | I_pos, Ĩ_pos | position-domain FIMs | mixed |
//! | `crb_bp_m2` | tr([I_pos⁻¹]_{p_U}) | (8) | m² |
//! | `crb_ms_m2` | tr([Ĩ_pos⁻¹]_{p_0..p_K}) | (10) | m² |
//!
//! Inversion: each FIM is equilibrated by its diagonal, `Â = S I S` with `S = diag(I)^{-1/2}`,
//! factored by Cholesky, and only the needed columns of `Â⁻¹` are solved for. A failed factor or
//! a pivot ratio below [`SINGULAR_PIVOT_RATIO`] is reported as a [`SingularFimError`] naming the
//! parameters of the null-space direction.

use crate::error::{InputError, SingularFimError};
use crate::fim::channel::{subcarrier_sums, ChannelParam, LinearFim, RankOne};
use crate::fim::jacobian::{bp_jacobian, ms_jacobian};
use crate::fim::params::{BpLayout, FusedLayout, MsLayout};
use crate::geometry::array::{steering, steering_derivative, Normalization};
use crate::geometry::paths::{bp_paths, ms_paths};
use crate::geometry::scene::Scene;
use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;
use std::f64::consts::PI;

/// Smallest admissible ratio of the smallest to the largest squared Cholesky pivot of an
/// equilibrated FIM. Below it the condition number exceeds 1e12, and double precision
/// (ε ≈ 2.2e-16) leaves fewer than four correct digits in a bound: the FIM is treated as singular.
pub const SINGULAR_PIVOT_RATIO: f64 = 1e-12;

/// Parameters whose weight in the null-space direction is at least this fraction of the largest
/// weight are named in a [`SingularFimError`].
const NULL_SPACE_NAME_FRACTION: f64 = 0.2;

/// The three position-domain FIMs at one covariance, in physical units and the orders of
/// [`crate::fim::params`].
#[derive(Clone, Debug, PartialEq)]
pub struct PositionFims {
    /// BP, `[4K+6, 4K+6]`.
    pub bp: DMatrix<f64>,
    /// MS, `[4K+4, 4K+4]`.
    pub ms: DMatrix<f64>,
    /// Fused (Remark 1), `[6K+8, 6K+8]`.
    pub fused: DMatrix<f64>,
}

/// Bounds from the fused FIM of Remark 1.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FusedBounds {
    pub crb_bp_m2: f64,
    pub crb_ms_m2: f64,
}

/// The bounds at one covariance. CRBs in m²; PEBs (their square roots) in m.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bounds {
    /// CRB of the UE position from BP, (8).
    pub crb_bp_m2: f64,
    /// CRB of all MS objects together, (10).
    pub crb_ms_m2: f64,
    /// Per-object MS CRBs: the UE first, then the targets in order. They sum to `crb_ms_m2`.
    pub crb_ms_objects_m2: Vec<f64>,
    pub fused: FusedBounds,
}

impl Bounds {
    pub fn peb_bp_m(&self) -> f64 {
        self.crb_bp_m2.sqrt()
    }
    pub fn peb_ms_m(&self) -> f64 {
        self.crb_ms_m2.sqrt()
    }
    pub fn peb_ms_objects_m(&self) -> Vec<f64> {
        self.crb_ms_objects_m2.iter().map(|c| c.sqrt()).collect()
    }
    /// The weighted sum `α CRB_BP + (1 − α) CRB_MS`, m².
    pub fn weighted_m2(&self, alpha: f64) -> f64 {
        alpha * self.crb_bp_m2 + (1.0 - alpha) * self.crb_ms_m2
    }
}

/// The position columns of the inverse position FIMs: `bp = [I_pos⁻¹]_{:, p_U}`
/// (`[4K+6, 2]`), `ms = [Ĩ_pos⁻¹]_{:, p_0..p_K}` (`[4K+4, 2K+2]`) and
/// `fused = [I_fused⁻¹]_{:, p_U, p_1..p_K}` (`[6K+8, 2K+2]`). The bounds are traces of their
/// leading blocks; the gradients of the bounds need the whole columns.
#[derive(Clone, Debug, PartialEq)]
pub struct InverseColumns {
    pub bp: DMatrix<f64>,
    pub ms: DMatrix<f64>,
    pub fused: DMatrix<f64>,
}

impl InverseColumns {
    /// The bounds: traces of the leading blocks.
    pub fn bounds(&self) -> Bounds {
        let crb_ms_objects_m2: Vec<f64> = (0..self.ms.ncols() / 2)
            .map(|k| self.ms[(2 * k, 2 * k)] + self.ms[(2 * k + 1, 2 * k + 1)])
            .collect();
        let fused_trace = (0..self.fused.ncols()).map(|i| self.fused[(i, i)]).sum();
        Bounds {
            crb_bp_m2: self.bp[(0, 0)] + self.bp[(1, 1)],
            crb_ms_m2: crb_ms_objects_m2.iter().sum(),
            crb_ms_objects_m2,
            fused: FusedBounds {
                crb_bp_m2: self.fused[(0, 0)] + self.fused[(1, 1)],
                crb_ms_m2: fused_trace,
            },
        }
    }
}

/// Everything about a scene that does not depend on the covariance: set up once, then evaluate
/// many covariances.
#[derive(Clone, Debug)]
pub struct BoundModel {
    n_targets: usize,
    n_bs: usize,
    power_budget_w: f64,
    u: DMatrix<Complex64>,
    gram: DMatrix<Complex64>,
    bp_fim: LinearFim,
    ms_fim: LinearFim,
    j_bp: DMatrix<f64>,
    j_ms: DMatrix<f64>,
}

impl BoundModel {
    /// Sets up the bounds of `scene`. BP needs at least one target: with K = 0 there are five
    /// channel parameters for six unknowns, and the FIM is singular.
    pub fn new(scene: &Scene) -> Result<Self, InputError> {
        let n_targets = scene.n_targets();
        if n_targets == 0 {
            return Err(InputError::field(
                "targets",
                "BP needs at least one target (K >= 1): with K = 0 the line-of-sight path alone \
                 cannot identify the UE position, orientation and clock bias",
            ));
        }
        let n_paths = n_targets + 1;
        let (n_bs, n_ue, norm) = (scene.n_bs, scene.n_ue, scene.normalization);
        let bp = bp_paths(scene);
        let ms = ms_paths(scene);

        // Codebook U = [a_B(θ_0..θ_K), ȧ_B(θ_0..θ_K)] (Remark 2).
        let u = codebook(
            n_bs,
            &bp.iter().map(|p| p.theta_rad).collect::<Vec<_>>(),
            norm,
        );
        let gram = u.adjoint() * &u;

        let spacing_hz = scene.subcarrier_spacing_hz();
        let snr_factor = 2.0 * scene.n_symbols_per_slot as f64 / scene.noise_var_w;
        let tau_gamma = Complex64::new(0.0, -2.0 * PI * spacing_hz);
        let one = Complex64::new(1.0, 0.0);
        let j_unit = Complex64::new(0.0, 1.0);
        let param = |terms, path, gamma, delay_power| ChannelParam {
            terms,
            path,
            gamma,
            delay_power,
        };

        // BP channel parameters in the order of ξ, with the (u, b, c) table of MODEL.md §3.
        let a_ue: Vec<_> = bp.iter().map(|p| steering(n_ue, p.psi_rad, norm)).collect();
        let da_ue: Vec<_> = bp
            .iter()
            .map(|p| steering_derivative(n_ue, p.psi_rad, norm))
            .collect();
        let rank1 = |rx: &nalgebra::DVector<Complex64>, col| {
            vec![RankOne {
                rx: rx.clone(),
                tx_column: col,
            }]
        };
        let mut bp_params = Vec::with_capacity(5 * n_paths);
        for (k, p) in bp.iter().enumerate() {
            bp_params.push(param(rank1(&a_ue[k], n_paths + k), k, p.gain, 0));
        }
        for (k, p) in bp.iter().enumerate() {
            bp_params.push(param(rank1(&da_ue[k], k), k, p.gain, 0));
        }
        for (k, p) in bp.iter().enumerate() {
            bp_params.push(param(rank1(&a_ue[k], k), k, tau_gamma * p.gain, 1));
        }
        for (k, rx) in a_ue.iter().enumerate() {
            bp_params.push(param(rank1(rx, k), k, one, 0));
        }
        for (k, rx) in a_ue.iter().enumerate() {
            bp_params.push(param(rank1(rx, k), k, j_unit, 0));
        }
        let bp_delays: Vec<f64> = bp.iter().map(|p| p.delay_s).collect();
        let bp_sums = subcarrier_sums(&bp_delays, scene.n_subcarriers, spacing_hz);
        let bp_fim = LinearFim::new(&bp_params, &bp_sums, snr_factor, 2 * n_paths);

        // MS channel parameters in the order of ξ̃: G = ȧ aᴴ + a ȧᴴ for θ_k, a aᴴ otherwise.
        let a_bs: Vec<_> = (0..n_paths).map(|k| u.column(k).into_owned()).collect();
        let da_bs: Vec<_> = (0..n_paths)
            .map(|k| u.column(n_paths + k).into_owned())
            .collect();
        let mut ms_params = Vec::with_capacity(4 * n_paths);
        for (k, p) in ms.iter().enumerate() {
            let terms = vec![
                RankOne {
                    rx: da_bs[k].clone(),
                    tx_column: k,
                },
                RankOne {
                    rx: a_bs[k].clone(),
                    tx_column: n_paths + k,
                },
            ];
            ms_params.push(param(terms, k, p.gain, 0));
        }
        for (k, p) in ms.iter().enumerate() {
            ms_params.push(param(rank1(&a_bs[k], k), k, tau_gamma * p.gain, 1));
        }
        for (k, rx) in a_bs.iter().enumerate() {
            ms_params.push(param(rank1(rx, k), k, one, 0));
        }
        for (k, rx) in a_bs.iter().enumerate() {
            ms_params.push(param(rank1(rx, k), k, j_unit, 0));
        }
        let ms_delays: Vec<f64> = ms.iter().map(|p| p.delay_s).collect();
        let ms_sums = subcarrier_sums(&ms_delays, scene.n_subcarriers, spacing_hz);
        let ms_fim = LinearFim::new(&ms_params, &ms_sums, snr_factor, 2 * n_paths);

        Ok(BoundModel {
            n_targets,
            n_bs,
            power_budget_w: scene.power_budget_w(),
            j_bp: bp_jacobian(scene, &bp),
            j_ms: ms_jacobian(scene, &ms),
            u,
            gram,
            bp_fim,
            ms_fim,
        })
    }

    /// The isotropic covariance `(P_B/M)/N_B · I`.
    pub fn isotropic_covariance(scene: &Scene) -> DMatrix<Complex64> {
        let level = scene.power_budget_w() / scene.n_bs as f64;
        DMatrix::from_diagonal_element(scene.n_bs, scene.n_bs, Complex64::new(level, 0.0))
    }

    pub fn n_targets(&self) -> usize {
        self.n_targets
    }

    pub fn n_bs(&self) -> usize {
        self.n_bs
    }

    /// The per-subcarrier power budget `P_B/M`, W.
    pub fn power_budget_w(&self) -> f64 {
        self.power_budget_w
    }

    /// The codebook `U`, `[N_B, 2K+2]`.
    pub fn codebook(&self) -> &DMatrix<Complex64> {
        &self.u
    }

    /// The Gram matrix `UᴴU`, `[2K+2, 2K+2]`.
    pub fn gram(&self) -> &DMatrix<Complex64> {
        &self.gram
    }

    /// The channel-domain FIM maps of BP and MS.
    pub fn channel_fims(&self) -> (&LinearFim, &LinearFim) {
        (&self.bp_fim, &self.ms_fim)
    }

    /// The BP channel-FIM map.
    pub fn bp_fim_map(&self) -> &LinearFim {
        &self.bp_fim
    }

    /// The MS channel-FIM map.
    pub fn ms_fim_map(&self) -> &LinearFim {
        &self.ms_fim
    }

    /// The Jacobians `J` (BP, `[5K+5, 4K+6]`) and `J̃` (MS, `[4K+4, 4K+4]`).
    pub fn jacobians(&self) -> (&DMatrix<f64>, &DMatrix<f64>) {
        (&self.j_bp, &self.j_ms)
    }

    /// `W = Uᴴ V U` for a covariance `v` (`[N_B, N_B]`).
    pub fn w_of_covariance(&self, v: &DMatrix<Complex64>) -> DMatrix<Complex64> {
        assert_eq!(
            v.shape(),
            (self.n_bs, self.n_bs),
            "covariance must be [N_B, N_B]"
        );
        self.u.adjoint() * v * &self.u
    }

    /// `W = (UᴴU) Λ (UᴴU)` for the reduced form `V = UΛUᴴ` (`Λ` is `[2K+2, 2K+2]`).
    pub fn w_of_reduced(&self, lambda: &DMatrix<Complex64>) -> DMatrix<Complex64> {
        &self.gram * lambda * &self.gram
    }

    /// The position FIMs at `W = Uᴴ V U`.
    pub fn position_fims_w(&self, w: &DMatrix<Complex64>) -> PositionFims {
        // Jᵀ (I J), without materialising Jᵀ.
        let bp = self.j_bp.tr_mul(&(self.bp_fim.evaluate(w) * &self.j_bp));
        let ms = self.j_ms.tr_mul(&(self.ms_fim.evaluate(w) * &self.j_ms));
        let fused = fuse(self.n_targets, &bp, &ms);
        PositionFims { bp, ms, fused }
    }

    /// The position FIMs at covariance `v`.
    pub fn position_fims(&self, v: &DMatrix<Complex64>) -> PositionFims {
        self.position_fims_w(&self.w_of_covariance(v))
    }

    /// All bounds at covariance `v` (`[N_B, N_B]`, watts).
    pub fn evaluate(&self, v: &DMatrix<Complex64>) -> Result<Bounds, SingularFimError> {
        self.bounds_of(&self.position_fims(v))
    }

    /// All bounds at `W = Uᴴ V U`.
    pub fn evaluate_w(&self, w: &DMatrix<Complex64>) -> Result<Bounds, SingularFimError> {
        self.bounds_of(&self.position_fims_w(w))
    }

    /// All bounds from the position FIMs.
    pub fn bounds_of(&self, fims: &PositionFims) -> Result<Bounds, SingularFimError> {
        Ok(self.inverse_columns(fims)?.bounds())
    }

    /// The position columns of the three inverse FIMs (see [`InverseColumns`]).
    pub fn inverse_columns(&self, fims: &PositionFims) -> Result<InverseColumns, SingularFimError> {
        let n_targets = self.n_targets;
        let n_pos = 2 * n_targets + 2;
        Ok(InverseColumns {
            bp: inverse_columns(&fims.bp, 2, "BP", || BpLayout { n_targets }.names())?,
            ms: inverse_columns(&fims.ms, n_pos, "MS", || MsLayout { n_targets }.names())?,
            fused: inverse_columns(&fims.fused, n_pos, "fused", || {
                FusedLayout { n_targets }.names()
            })?,
        })
    }
}

/// The codebook `[a(θ_0..θ_K), ȧ(θ_0..θ_K)]` for an `n`-element array.
pub fn codebook(n: usize, thetas_rad: &[f64], norm: Normalization) -> DMatrix<Complex64> {
    let n_paths = thetas_rad.len();
    let mut u = DMatrix::zeros(n, 2 * n_paths);
    for (k, &theta) in thetas_rad.iter().enumerate() {
        u.set_column(k, &steering(n, theta, norm));
        u.set_column(n_paths + k, &steering_derivative(n, theta, norm));
    }
    u
}

/// The fused FIM of Remark 1: both position FIMs embedded in the fused order and added.
pub fn fuse(n_targets: usize, bp: &DMatrix<f64>, ms: &DMatrix<f64>) -> DMatrix<f64> {
    let layout = FusedLayout { n_targets };
    let mut fused = DMatrix::zeros(layout.dim(), layout.dim());
    for (fim, map) in [(bp, layout.from_bp()), (ms, layout.from_ms())] {
        for (a, &fa) in map.iter().enumerate() {
            for (b, &fb) in map.iter().enumerate() {
                fused[(fa, fb)] += fim[(a, b)];
            }
        }
    }
    fused
}

/// The first `n_wanted` columns of `fim⁻¹`, by an equilibrated Cholesky solve.
fn inverse_columns(
    fim: &DMatrix<f64>,
    n_wanted: usize,
    which: &'static str,
    names: impl Fn() -> Vec<String>,
) -> Result<DMatrix<f64>, SingularFimError> {
    let n = fim.nrows();

    // Step 1: equilibrate by the diagonal; a non-positive diagonal entry is a parameter the
    // observations do not touch at all.
    let diag = fim.diagonal();
    if let Some(i) = diag.iter().position(|&d| d.is_nan() || d <= 0.0) {
        return Err(SingularFimError {
            fim: which,
            rcond: 0.0,
            parameters: vec![names()[i].clone()],
        });
    }
    let scale: Vec<f64> = diag.iter().map(|d| 1.0 / d.sqrt()).collect();
    let equilibrated = DMatrix::from_fn(n, n, |i, j| fim[(i, j)] * scale[i] * scale[j]);

    // Step 2: Cholesky, with a pivot-ratio test for numerical singularity (the error paths
    // rebuild the equilibrated matrix, which the factorisation consumes).
    let equilibrate = || DMatrix::from_fn(n, n, |i, j| fim[(i, j)] * scale[i] * scale[j]);
    let Some(chol) = equilibrated.cholesky() else {
        return Err(null_space_error(&equilibrate(), which, names));
    };
    let l = chol.l_dirty();
    let (pivot_min, pivot_max) = (0..n).fold((f64::INFINITY, 0.0_f64), |(lo, hi), i| {
        let p = l[(i, i)] * l[(i, i)];
        (lo.min(p), hi.max(p))
    });
    if pivot_min < SINGULAR_PIVOT_RATIO * pivot_max {
        return Err(null_space_error(&equilibrate(), which, names));
    }

    // Step 3: solve for the wanted columns of the inverse in place and undo the equilibration:
    // I⁻¹ = S Â⁻¹ S.
    let mut cols = DMatrix::from_fn(n, n_wanted, |i, j| if i == j { 1.0 } else { 0.0 });
    chol.solve_mut(&mut cols);
    for j in 0..n_wanted {
        for i in 0..n {
            cols[(i, j)] *= scale[i] * scale[j];
        }
    }
    Ok(cols)
}

/// A [`SingularFimError`] naming the parameters of the weakest eigendirection.
fn null_space_error(
    equilibrated: &DMatrix<f64>,
    which: &'static str,
    names: impl Fn() -> Vec<String>,
) -> SingularFimError {
    let eig = SymmetricEigen::new(equilibrated.clone());
    let (i_min, &lambda_min) = eig
        .eigenvalues
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .expect("a FIM has at least one eigenvalue");
    let lambda_max = eig.eigenvalues.max();
    let v = eig.eigenvectors.column(i_min);
    let weight_max = v.amax();
    let mut weighted: Vec<(f64, usize)> = v
        .iter()
        .enumerate()
        .filter(|(_, x)| x.abs() >= NULL_SPACE_NAME_FRACTION * weight_max)
        .map(|(i, x)| (x.abs(), i))
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let all = names();
    SingularFimError {
        fim: which,
        rcond: (lambda_min / lambda_max).max(0.0),
        parameters: weighted.into_iter().map(|(_, i)| all[i].clone()).collect(),
    }
}
