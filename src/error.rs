//! Errors of bad input, kept apart from numerical outcomes (solver statuses) and from bugs
//! (panics on broken invariants).

use std::path::PathBuf;

/// Bad input: a scenario, a covariance file or an option that cannot be used. Every variant names
/// the field (or file) and the reason.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A field holds a value that is not allowed.
    #[error("{field}: {reason}")]
    Field { field: String, reason: String },
    /// A file could not be parsed.
    #[error("{file}: {reason}")]
    Parse { file: String, reason: String },
    /// A file could not be read.
    /// (The cause is the source: printed with the error chain, not repeated here.)
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl InputError {
    /// Shorthand for [`InputError::Field`].
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        InputError::Field {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// A Fisher information matrix that cannot be inverted: some parameter cannot be identified from
/// the observations with the given transmit covariance.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the {fim} position FIM is singular (reciprocal condition number {rcond:.1e}); \
     unidentifiable direction involves: {}",
    parameters.join(", ")
)]
pub struct SingularFimError {
    /// Which FIM: `BP`, `MS` or `fused`.
    pub fim: &'static str,
    /// Smallest over largest eigenvalue of the equilibrated FIM.
    pub rcond: f64,
    /// Names of the parameters that carry the null-space direction, largest weight first.
    pub parameters: Vec<String>,
}
