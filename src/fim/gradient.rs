//! Gradients of the bounds with respect to the transmit covariance.
//!
//! With `X = I⁻¹E` the position columns of the inverse FIM, `d tr(EᵀI⁻¹E) = −⟨X Xᵀ, dI⟩`, and
//! `dI = Jᵀ dI_chan J`, so the channel-domain sensitivity is `M = −J X Xᵀ Jᵀ`. The adjoint of the
//! channel-FIM map turns `M` into `C` with `dCRB = Re Σ_qr C_qr dW_qr`, `W = Uᴴ V U`. Then
//!
//! - with respect to `V` (real inner product `Re tr(Gᴴ dV)` on Hermitian matrices):
//!   `G_V = herm(U Cᵀ Uᴴ)`;
//! - with respect to `Λ` in `V = UΛUᴴ`: `G_Λ = herm(G Cᵀ G)` with `G = UᴴU`.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `c_bp` etc. | C | gradient in W coordinates | m²/W |
//! | `herm(A)` | (A + Aᴴ)/2 | Hermitian part | - |

use crate::error::SingularFimError;
use crate::fim::bounds::{BoundModel, Bounds};
use crate::fim::params::FusedLayout;
use nalgebra::DMatrix;
use num_complex::Complex64;

/// The bounds at one `W` and their gradients in `W` coordinates.
#[derive(Clone, Debug)]
pub struct BoundGradients {
    pub bounds: Bounds,
    pub bp: DMatrix<Complex64>,
    pub ms: DMatrix<Complex64>,
    pub fused_bp: DMatrix<Complex64>,
    pub fused_ms: DMatrix<Complex64>,
}

/// Hermitian part `(A + Aᴴ)/2`.
pub fn herm(a: &DMatrix<Complex64>) -> DMatrix<Complex64> {
    (a + a.adjoint()) * Complex64::new(0.5, 0.0)
}

impl BoundGradients {
    /// A weighted combination `Σ w_i C_i` of the four gradients, in the order
    /// `[BP, MS, fused BP, fused MS]`.
    pub fn combine(&self, weights: [f64; 4]) -> DMatrix<Complex64> {
        let parts = [&self.bp, &self.ms, &self.fused_bp, &self.fused_ms];
        let mut c = DMatrix::zeros(self.bp.nrows(), self.bp.ncols());
        for (w, part) in weights.iter().zip(parts) {
            c += part * Complex64::new(*w, 0.0);
        }
        c
    }
}

impl BoundModel {
    /// The bounds and their gradients at `W = Uᴴ V U`.
    pub fn gradients_w(&self, w: &DMatrix<Complex64>) -> Result<BoundGradients, SingularFimError> {
        let fims = self.position_fims_w(w);
        let inv = self.inverse_columns(&fims)?;
        let n_targets = self.n_targets();
        let n_pos = 2 * n_targets + 2;
        let (bp_map, ms_map) = (self.bp_fim_map(), self.ms_fim_map());
        let (j_bp, j_ms) = self.jacobians();

        // Position-domain sensitivities −X Xᵀ of each bound.
        let sens = |x: &DMatrix<f64>, cols: usize| {
            let xs = x.columns(0, cols);
            -(xs * xs.transpose())
        };
        let z_bp = sens(&inv.bp, 2);
        let z_ms = sens(&inv.ms, n_pos);
        let z_fused_bp = sens(&inv.fused, 2);
        let z_fused_ms = sens(&inv.fused, n_pos);

        // Pull back through the Jacobians and the channel-FIM adjoints.
        let to_w_bp = |z: &DMatrix<f64>| bp_map.adjoint(&(j_bp * z * j_bp.transpose()));
        let to_w_ms = |z: &DMatrix<f64>| ms_map.adjoint(&(j_ms * z * j_ms.transpose()));
        let layout = FusedLayout { n_targets };
        let (from_bp, from_ms) = (layout.from_bp(), layout.from_ms());
        let restrict = |z: &DMatrix<f64>, map: &[usize]| {
            DMatrix::from_fn(map.len(), map.len(), |a, b| z[(map[a], map[b])])
        };
        let fused_to_w =
            |z: &DMatrix<f64>| to_w_bp(&restrict(z, &from_bp)) + to_w_ms(&restrict(z, &from_ms));

        Ok(BoundGradients {
            bounds: inv.bounds(),
            bp: to_w_bp(&z_bp),
            ms: to_w_ms(&z_ms),
            fused_bp: fused_to_w(&z_fused_bp),
            fused_ms: fused_to_w(&z_fused_ms),
        })
    }

    /// Turns a gradient in `W` coordinates into the gradient with respect to `V`.
    pub fn gradient_wrt_covariance(&self, c: &DMatrix<Complex64>) -> DMatrix<Complex64> {
        let u = self.codebook();
        herm(&(u * c.transpose() * u.adjoint()))
    }

    /// Turns a gradient in `W` coordinates into the gradient with respect to `Λ`, `V = UΛUᴴ`.
    pub fn gradient_wrt_reduced(&self, c: &DMatrix<Complex64>) -> DMatrix<Complex64> {
        let g = self.gram();
        herm(&(g * c.transpose() * g))
    }
}
