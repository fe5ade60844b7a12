//! How a design is computed: the methods, and which of them each scheme and goal takes.
//!
//! | method | schemes | what runs |
//! |---|---|---|
//! | `auto` (default) | all | the scheme's fast path, as [`Method::resolve`] picks it |
//! | `closed-form` | mismatch | the closed forms of [`crate::design::mismatch`] |
//! | `solver` | weighted-sum CRB, mismatch | the paper's SDP or QP on Clarabel (the reference) |
//! | `quasi-newton` | weighted-sum CRB, weighted goals, reduced or codebook form | [`crate::design::direct`] |
//!
//! `auto` resolves to `closed-form` for the mismatch schemes, to `quasi-newton` for the
//! weighted-sum CRB schemes with a weight `0 < α < 1` in the reduced or codebook form, and to
//! `solver` otherwise: for the ε-constraint designs (a cap) and the full form, which the direct
//! method does not cover, and for the end points `α = 0` and `α = 1`. There one bound carries no
//! weight and the optimal covariances form a face, not a point; the interior-point solver
//! returns a point inside that face, where the unweighted bound stays finite and moderate, while
//! the direct method drifts towards its boundary, where the unweighted bound can be orders of
//! magnitude worse (paper scene, K = 1, FDB-WCRB at α = 0: PEB_BP 0.31 m from the solver,
//! 123 m from the direct method, with the same CRB_MS to 1e-6). The end points are also the
//! guides of the mismatch and analog schemes, so the choice matters beyond the two points.
//! Under `auto`, a direct design that its Frank–Wolfe gap does not certify (status
//! reduced-accuracy: an iteration cap, a stalled line search) is replaced by the conic solve, and
//! the report's detail says why; an explicit `quasi-newton` returns the direct design as it is.
//! The analog schemes take `auto` only: their inner steps are fixed (an exact QP on Clarabel and
//! L-BFGS over the phases), and any other method is an input error rather than silently ignored.

use serde::{Deserialize, Serialize};

use super::{Form, Goal, Scheme};
use crate::error::InputError;

/// How a design is computed (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// The scheme's fast path ([`Method::resolve`], module docs).
    #[default]
    Auto,
    /// The closed forms of the mismatch schemes (microseconds once the guides exist).
    ClosedForm,
    /// The paper's SDP or QP formulation, solved on Clarabel: the reference method of the
    /// weighted-sum CRB schemes and a check of the mismatch closed forms.
    Solver,
    /// The direct method of [`crate::design::direct`] (L-BFGS over a factor of the covariance),
    /// for the weighted-sum CRB schemes with a weight, in the reduced or codebook form only.
    QuasiNewton,
}

impl Method {
    /// Every method, in the order of the module docs.
    pub const ALL: [Method; 4] = [
        Method::Auto,
        Method::ClosedForm,
        Method::Solver,
        Method::QuasiNewton,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::ClosedForm => "closed-form",
            Method::Solver => "solver",
            Method::QuasiNewton => "quasi-newton",
        }
    }

    /// The concrete method that runs for `scheme` and `goal` in `form` (`Auto` resolved), or an
    /// input error naming `method` when this method does not apply to them.
    ///
    /// `form` is the form the scheme solves in: CPA-WCRB always solves over codebook powers,
    /// whatever the request says.
    pub fn resolve(self, scheme: Scheme, goal: Goal, form: Form) -> Result<Method, InputError> {
        let weighted = matches!(goal, Goal::Weighted { .. });
        let mismatch = matches!(
            scheme,
            Scheme::FdbWbf | Scheme::CpaWbf | Scheme::FdbWcm | Scheme::CpaWcm
        );
        let analog = matches!(scheme, Scheme::AnalogFdb | Scheme::AnalogCpa);
        let reject = |reason: String| Err(InputError::field("method", reason));
        match self {
            Method::Auto if scheme.is_weighted_crb() => {
                let inner = matches!(goal, Goal::Weighted { alpha } if alpha > 0.0 && alpha < 1.0);
                if inner && form != Form::Full {
                    Ok(Method::QuasiNewton)
                } else {
                    Ok(Method::Solver)
                }
            }
            Method::Auto if mismatch => Ok(Method::ClosedForm),
            Method::ClosedForm if scheme.is_weighted_crb() => reject(format!(
                "scheme {scheme} has no closed form; use auto, solver or quasi-newton"
            )),
            Method::ClosedForm | Method::Solver | Method::QuasiNewton if analog => reject(format!(
                "scheme {scheme} takes method auto only, not {self}: its steps are fixed (an exact \
                 QP and L-BFGS over the phases)"
            )),
            Method::QuasiNewton if !scheme.is_weighted_crb() => reject(format!(
                "quasi-newton applies to the weighted-sum CRB schemes (fdb-wcrb, cpa-wcrb, \
                 fusion) only, not to {scheme}"
            )),
            Method::QuasiNewton if !weighted => reject(
                "quasi-newton covers weighted goals (alpha) only; a cap needs method solver"
                    .to_string(),
            ),
            Method::QuasiNewton if form == Form::Full => reject(
                "quasi-newton covers the reduced and codebook forms only; the full form needs \
                 method solver"
                    .to_string(),
            ),
            other => Ok(other),
        }
    }
}

impl std::str::FromStr for Method {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
                InputError::field(
                    "method",
                    format!("unknown method `{s}`; known: {}", known.join(", ")),
                )
            })
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
