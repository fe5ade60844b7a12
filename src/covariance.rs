//! Transmit covariance files: reading, checking and writing `V` (`[n_bs, n_bs]`, W).
//!
//! The file is JSON with the real and imaginary parts as row-major nested arrays,
//! `{"re": [[...], ...], "im": [[...], ...]}`, each `n_bs` rows of `n_bs` entries, in watts per
//! subcarrier (the budget is `tr V ≤ P_B/M`, (11b)). A file is accepted when it is Hermitian and
//! positive semidefinite up to the tolerances below; the matrix returned is the Hermitian part
//! `(V + Vᴴ)/2`, so small asymmetries from rounding never reach the bounds.
//!
//! PSD check: the smallest eigenvalue of the Hermitian part is computed by the symmetric eigen
//! solver on the real embedding `[[A, −B], [B, A]]` of `V = A + jB` (size `2 n_bs`), which has
//! the eigenvalues of `V`, each twice.

use crate::error::InputError;
use crate::geometry::scene::Scene;
use nalgebra::DMatrix;
use num_complex::Complex64;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Largest `‖V − Vᴴ‖_F / ‖V‖_F` accepted. A file written with seven or more significant digits
/// (relative rounding ≤ 5e-7 per entry), or computed in single precision, passes; bpms writes
/// shortest round-trip decimals, so its own files are exact. A genuinely non-Hermitian matrix
/// misses by order one.
pub const HERMITIAN_REL_TOL: f64 = 1e-6;

/// Smallest eigenvalue accepted, relative to the largest: `λ_min ≥ −PSD_REL_TOL · λ_max`. The
/// same rounding argument as [`HERMITIAN_REL_TOL`]: a rank-deficient covariance (a design with
/// fewer beams than antennas) written with rounded entries has eigenvalues slightly below zero.
pub const PSD_REL_TOL: f64 = 1e-6;

/// Relative slack of the power budget: `tr V ≤ (1 + POWER_BUDGET_REL_TOL) · P_B/M` counts as
/// within budget, so a design that meets the budget to solver tolerance is not flagged.
pub const POWER_BUDGET_REL_TOL: f64 = 1e-6;

/// The file as read: `null` entries are kept so that they can be reported as non-finite (JSON
/// has no NaN; serde_json writes a NaN as `null`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CovarianceFileIn {
    re: Vec<Vec<Option<f64>>>,
    im: Vec<Vec<Option<f64>>>,
}

/// A complex matrix in the file form: real and imaginary parts as row-major nested arrays. What
/// a covariance file holds, and how every complex matrix appears in bpms's JSON output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComplexMatrixJson {
    pub re: Vec<Vec<f64>>,
    pub im: Vec<Vec<f64>>,
}

impl ComplexMatrixJson {
    pub fn new(m: &DMatrix<Complex64>) -> Self {
        let rows = |f: fn(&Complex64) -> f64| -> Vec<Vec<f64>> {
            m.row_iter()
                .map(|row| row.iter().map(f).collect())
                .collect()
        };
        ComplexMatrixJson {
            re: rows(|z| z.re),
            im: rows(|z| z.im),
        }
    }
}

/// Power used by a covariance against the budget of (11b).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PowerUsage {
    /// `tr V`, W per subcarrier.
    pub used_w: f64,
    /// `P_B/M`, W per subcarrier.
    pub budget_w: f64,
}

impl PowerUsage {
    /// Power used by `v` in `scene`.
    pub fn of(v: &DMatrix<Complex64>, scene: &Scene) -> Self {
        PowerUsage {
            used_w: v.trace().re,
            budget_w: scene.power_budget_w(),
        }
    }

    /// `tr V / (P_B/M)`.
    pub fn fraction(&self) -> f64 {
        self.used_w / self.budget_w
    }

    /// Whether `tr V` exceeds the budget by more than [`POWER_BUDGET_REL_TOL`].
    pub fn is_over_budget(&self) -> bool {
        self.used_w > (1.0 + POWER_BUDGET_REL_TOL) * self.budget_w
    }
}

/// Reads and checks a covariance file for an `n_bs`-antenna BS.
pub fn read(path: &Path, n_bs: usize) -> Result<DMatrix<Complex64>, InputError> {
    let text = std::fs::read_to_string(path).map_err(|source| InputError::Io {
        path: path.to_owned(),
        source,
    })?;
    from_json_str(&text, n_bs, &path.display().to_string())
}

/// Parses and checks a covariance from JSON text; `name` names the source in errors.
pub fn from_json_str(
    text: &str,
    n_bs: usize,
    name: &str,
) -> Result<DMatrix<Complex64>, InputError> {
    let parse_error = |reason: String| InputError::Parse {
        file: name.to_owned(),
        reason,
    };
    let file: CovarianceFileIn = serde_json::from_str(text).map_err(|e| {
        let hint = if ["NaN", "Infinity"].iter().any(|t| text.contains(t)) {
            " (JSON has no NaN or Infinity, and non-finite entries are not allowed)"
        } else {
            ""
        };
        parse_error(format!(
            "not a covariance file {{\"re\": [[...]], \"im\": [[...]]}}: {e}{hint}"
        ))
    })?;

    // Shape and finiteness, part by part.
    let re = part("re", &file.re, n_bs).map_err(parse_error)?;
    let im = part("im", &file.im, n_bs).map_err(parse_error)?;
    let v = DMatrix::from_fn(n_bs, n_bs, |i, j| Complex64::new(re[(i, j)], im[(i, j)]));

    // Hermitian up to rounding, then symmetrised.
    let asymmetry = (&v - v.adjoint()).norm();
    let scale = v.norm();
    if asymmetry > HERMITIAN_REL_TOL * scale {
        return Err(parse_error(format!(
            "not Hermitian: ‖V − Vᴴ‖_F / ‖V‖_F = {:.3e} exceeds the tolerance \
             {HERMITIAN_REL_TOL:e}",
            asymmetry / scale
        )));
    }
    let v = (&v + v.adjoint()).scale(0.5);

    // Positive semidefinite up to rounding.
    let (lambda_min, lambda_max) = extreme_eigenvalues(&v);
    if lambda_min < -PSD_REL_TOL * lambda_max.abs().max(lambda_min.abs()) {
        return Err(parse_error(format!(
            "not positive semidefinite: smallest eigenvalue {lambda_min:.6e} W, largest \
             {lambda_max:.6e} W (tolerance: −{PSD_REL_TOL:e} times the largest magnitude)"
        )));
    }
    Ok(v)
}

/// Serialises a covariance to the file form, pretty-printed, with shortest round-trip decimals.
pub fn to_json_string(v: &DMatrix<Complex64>) -> String {
    let file = ComplexMatrixJson::new(v);
    // Serialising plain nested vectors of f64 cannot fail.
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Writes a covariance file that [`read`] accepts.
pub fn write(path: &Path, v: &DMatrix<Complex64>) -> std::io::Result<()> {
    let mut text = to_json_string(v);
    text.push('\n');
    std::fs::write(path, text)
}

/// One part (`re` or `im`) as an `[n, n]` real matrix: checks the shape and that every entry is
/// finite; the error is the reason only.
fn part(label: &str, rows: &[Vec<Option<f64>>], n: usize) -> Result<DMatrix<f64>, String> {
    if rows.len() != n {
        return Err(format!(
            "{label}: expected {n} × {n} (N_B = {n}), got {} rows",
            rows.len()
        ));
    }
    let mut m = DMatrix::zeros(n, n);
    for (i, row) in rows.iter().enumerate() {
        if row.len() != n {
            return Err(format!(
                "{label}[{i}]: expected {n} entries (N_B = {n}), got {}",
                row.len()
            ));
        }
        for (j, entry) in row.iter().enumerate() {
            match entry {
                Some(x) if x.is_finite() => m[(i, j)] = *x,
                Some(x) => return Err(format!("{label}[{i}][{j}]: non-finite entry {x}")),
                None => return Err(format!("{label}[{i}][{j}]: non-finite entry (null)")),
            }
        }
    }
    Ok(m)
}

/// Smallest and largest eigenvalue of a Hermitian matrix, through its real embedding.
fn extreme_eigenvalues(v: &DMatrix<Complex64>) -> (f64, f64) {
    let n = v.nrows();
    if n == 0 {
        return (0.0, 0.0);
    }
    let embedding = DMatrix::from_fn(2 * n, 2 * n, |i, j| {
        let z = v[(i % n, j % n)];
        match (i < n, j < n) {
            (true, true) | (false, false) => z.re,
            (true, false) => -z.im,
            (false, true) => z.im,
        }
    });
    let eigenvalues = embedding.symmetric_eigenvalues();
    (eigenvalues.min(), eigenvalues.max())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(re: &[&[f64]], im: &[&[f64]]) -> String {
        serde_json::json!({ "re": re, "im": im }).to_string()
    }

    #[test]
    fn round_trip_is_exact() {
        let v = DMatrix::from_fn(3, 3, |i, j| {
            let (a, b) = (i.min(j) as f64, i.max(j) as f64);
            let im = if i < j {
                0.1 / 3.0
            } else if i > j {
                -0.1 / 3.0
            } else {
                0.0
            };
            Complex64::new(1.0 / (1.0 + a + b) + if i == j { 1.0 } else { 0.0 }, im)
        });
        let back = from_json_str(&to_json_string(&v), 3, "v").unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn shape_errors_print_expected_and_actual() {
        let err = from_json_str(&json(&[&[1.0]], &[&[0.0]]), 2, "v")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("expected 2 × 2") && err.contains("got 1 rows"),
            "{err}"
        );
        let text = json(&[&[1.0, 0.0], &[0.0]], &[&[0.0, 0.0], &[0.0, 0.0]]);
        let err = from_json_str(&text, 2, "v").unwrap_err().to_string();
        assert!(
            err.contains("re[1]: expected 2 entries") && err.contains("got 1"),
            "{err}"
        );
    }

    #[test]
    fn non_hermitian_and_indefinite_are_refused() {
        let im0: &[&[f64]] = &[&[0.0, 0.0], &[0.0, 0.0]];
        let err = from_json_str(&json(&[&[1.0, 0.5], &[0.0, 1.0]], im0), 2, "v").unwrap_err();
        assert!(err.to_string().contains("not Hermitian"), "{err}");
        let err = from_json_str(&json(&[&[1.0, 2.0], &[2.0, 1.0]], im0), 2, "v").unwrap_err();
        assert!(
            err.to_string().contains("not positive semidefinite"),
            "{err}"
        );
        // A rank-one complex covariance a aᴴ with a = [1, j] is PSD; its real part alone is not
        // enough to tell.
        let ok = json(&[&[1.0, 0.0], &[0.0, 1.0]], &[&[0.0, -1.0], &[1.0, 0.0]]);
        from_json_str(&ok, 2, "v").unwrap();
    }

    #[test]
    fn null_and_nan_are_non_finite() {
        let text = r#"{"re": [[null]], "im": [[0.0]]}"#;
        let err = from_json_str(text, 1, "v").unwrap_err().to_string();
        assert!(err.contains("re[0][0]: non-finite"), "{err}");
        let text = r#"{"re": [[NaN]], "im": [[0.0]]}"#;
        let err = from_json_str(text, 1, "v").unwrap_err().to_string();
        assert!(err.contains("non-finite"), "{err}");
    }
}
