//! Channel-domain FIMs (6) as linear maps of the transmit covariance (MODEL.md §3).
//!
//! Slepian–Bangs with unit-modulus pilots gives, for parameters i and j,
//!
//! `I_ij(V) = (2P/σ²) · Re{ tr(G_iᴴ G_j V) · Σ_m c_{i,m}* c_{j,m} }`.
//!
//! Every `G_i` here is a sum of rank-one terms `x yᴴ` whose transmit vectors `y` are columns of
//! the codebook `U = [a_B(θ_0..θ_K), ȧ_B(θ_0..θ_K)]` (Remark 2). Hence
//! `tr(G_iᴴ G_j V) = Σ (x_sᴴ x_t) · u_tᴴ V u_s`, and every FIM entry is a fixed linear
//! combination of the entries of the small matrix `W = Uᴴ V U`:
//!
//! `I_ij = Re Σ_t coef_t · W[q_t, r_t]`.
//!
//! | code name | symbol | meaning | unit |
//! |---|---|---|---|
//! | `w` | W = Uᴴ V U | covariance seen through the codebook | W |
//! | `gamma` | γ_i | scalar factor of c_{i,m} | varies |
//! | `delay_power` | a_i | c_{i,m} = γ_i · m^{a_i} · e^{−j2π m Δf τ_k} | - |
//! | `subcarrier_sums[p]` | S_p(k, l) | Σ_m m^p e^{−j2π m Δf (τ_l − τ_k)} | - |
//! | `snr_factor` | 2P/σ² | symbols over noise variance | 1/W |

use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;
use std::f64::consts::PI;

/// One rank-one term `x yᴴ` of `G_i`: the receive-side vector and the codebook column of `y`.
#[derive(Clone, Debug)]
pub struct RankOne {
    pub rx: DVector<Complex64>,
    pub tx_column: usize,
}

/// One channel-domain parameter: its `G_i` (as rank-one terms), the path it belongs to and the
/// subcarrier pattern `c_{i,m} = γ_i · m^{a_i} · e_{k,m}`.
#[derive(Clone, Debug)]
pub struct ChannelParam {
    pub terms: Vec<RankOne>,
    pub path: usize,
    pub gamma: Complex64,
    pub delay_power: u8,
}

#[derive(Clone, Copy, Debug)]
struct Term {
    coef: Complex64,
    q: usize,
    r: usize,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    i: usize,
    j: usize,
    start: usize,
    end: usize,
}

/// A channel-domain FIM as a linear map `W ↦ I(W)` (see the module docs).
#[derive(Clone, Debug)]
pub struct LinearFim {
    dim: usize,
    n_columns: usize,
    entries: Vec<Entry>,
    terms: Vec<Term>,
}

/// `S_p(k, l) = Σ_m m^p e^{−j2π m Δf (τ_l − τ_k)}` for p = 0, 1, 2, with the centred subcarrier
/// index `m − (M−1)/2`.
pub fn subcarrier_sums(
    delays_s: &[f64],
    n_subcarriers: usize,
    spacing_hz: f64,
) -> [DMatrix<Complex64>; 3] {
    let n_paths = delays_s.len();
    let offset = (n_subcarriers as f64 - 1.0) / 2.0;
    let mut sums = std::array::from_fn(|_| DMatrix::zeros(n_paths, n_paths));
    for k in 0..n_paths {
        for l in 0..n_paths {
            let dtau = delays_s[l] - delays_s[k];
            let mut s = [Complex64::new(0.0, 0.0); 3];
            for m in 0..n_subcarriers {
                let idx = m as f64 - offset;
                let e = Complex64::from_polar(1.0, -2.0 * PI * idx * spacing_hz * dtau);
                s[0] += e;
                s[1] += e * idx;
                s[2] += e * idx * idx;
            }
            for p in 0..3 {
                sums[p][(k, l)] = s[p];
            }
        }
    }
    sums
}

impl LinearFim {
    /// Builds the map for `params`, with the subcarrier sums of their paths and the factor
    /// `2P/σ²`. `n_columns` is the number of codebook columns (2K+2).
    pub fn new(
        params: &[ChannelParam],
        sums: &[DMatrix<Complex64>; 3],
        snr_factor: f64,
        n_columns: usize,
    ) -> Self {
        let dim = params.len();
        let mut entries = Vec::with_capacity(dim * (dim + 1) / 2);
        let mut terms = Vec::new();
        for i in 0..dim {
            for j in i..dim {
                let (pi, pj) = (&params[i], &params[j]);
                // Σ_m c_{i,m}* c_{j,m}.
                let power = usize::from(pi.delay_power + pj.delay_power);
                let carrier = pi.gamma.conj() * pj.gamma * sums[power][(pi.path, pj.path)];
                let start = terms.len();
                for s in &pi.terms {
                    for t in &pj.terms {
                        // (x_sᴴ x_t) · W[y_t, y_s]
                        let rx = s.rx.dotc(&t.rx);
                        let coef = rx * carrier * snr_factor;
                        terms.push(Term {
                            coef,
                            q: t.tx_column,
                            r: s.tx_column,
                        });
                    }
                }
                entries.push(Entry {
                    i,
                    j,
                    start,
                    end: terms.len(),
                });
            }
        }
        LinearFim {
            dim,
            n_columns,
            entries,
            terms,
        }
    }

    /// Number of channel parameters.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The FIM for `w = Uᴴ V U` (shape `[2K+2, 2K+2]`).
    pub fn evaluate(&self, w: &DMatrix<Complex64>) -> DMatrix<f64> {
        assert_eq!(
            w.shape(),
            (self.n_columns, self.n_columns),
            "W must be [n_columns, n_columns]"
        );
        let mut fim = DMatrix::zeros(self.dim, self.dim);
        for e in &self.entries {
            let value: f64 = self.terms[e.start..e.end]
                .iter()
                .map(|t| (t.coef * w[(t.q, t.r)]).re)
                .sum();
            fim[(e.i, e.j)] = value;
            fim[(e.j, e.i)] = value;
        }
        fim
    }

    /// The adjoint map: for a real symmetric `m` (`[dim, dim]`), the matrix `C`
    /// (`[2K+2, 2K+2]`) with `Σ_ij m_ij I_ij(W) = Re Σ_qr C_qr W_qr` for every `W`.
    pub fn adjoint(&self, m: &DMatrix<f64>) -> DMatrix<Complex64> {
        assert_eq!(m.shape(), (self.dim, self.dim), "m must be [dim, dim]");
        let mut c = DMatrix::zeros(self.n_columns, self.n_columns);
        for e in &self.entries {
            // Off-diagonal entries appear twice in the symmetric sum.
            let weight = if e.i == e.j {
                m[(e.i, e.j)]
            } else {
                m[(e.i, e.j)] + m[(e.j, e.i)]
            };
            for t in &self.terms[e.start..e.end] {
                c[(t.q, t.r)] += t.coef * weight;
            }
        }
        c
    }

    /// The matrix `A_ij` with `I_ij(V) = Re tr(A_ij V)` for the codebook `u` (`[N_B, 2K+2]`).
    pub fn coefficient_matrix(
        &self,
        i: usize,
        j: usize,
        u: &DMatrix<Complex64>,
    ) -> DMatrix<Complex64> {
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        let n = u.nrows();
        let mut a = DMatrix::zeros(n, n);
        let entry = self
            .entries
            .iter()
            .find(|e| e.i == i && e.j == j)
            .expect("entry index within the FIM dimension");
        for t in &self.terms[entry.start..entry.end] {
            // W[q, r] = u_qᴴ V u_r = tr(u_r u_qᴴ V).
            a += (u.column(t.r) * u.column(t.q).adjoint()) * t.coef;
        }
        a
    }
}
