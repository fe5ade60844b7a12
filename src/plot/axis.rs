//! Axis ranges, tick positions and tick labels.
//!
//! Everything is drawn in *axis units*: the data value on a linear axis, its base-10 logarithm
//! on a logarithmic one. plotters then sees only linear axes ([`TickedRange`]), and the ticks
//! and their labels are chosen here.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

/// Margin added on each side of the data when a range is fitted, as a fraction of the span (in
/// axis units, so a factor on a logarithmic axis). Matches the common plotting default.
const MARGIN_FRACTION: f64 = 0.05;

/// Half-width, in axis units, of the range fitted to data that has a single value on a
/// logarithmic axis: half a decade.
const FLAT_LOG_HALF_WIDTH: f64 = 0.5;

/// Relative half-width of the range fitted to data with a single non-zero value on a linear
/// axis.
const FLAT_LINEAR_HALF_WIDTH: f64 = 0.1;

/// Slack, relative to a tick step, within which a tick at the very end of the range is kept
/// (rounding of `lo / step`).
const TICK_SLACK: f64 = 1e-9;

/// Values at or above this magnitude, or below `SCIENTIFIC_BELOW`, get labels in scientific
/// notation.
const SCIENTIFIC_FROM: f64 = 1e5;
const SCIENTIFIC_BELOW: f64 = 1e-3;

/// One axis: its visible range in axis units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

/// Tick positions in axis units, and the labels of the major ones.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ticks {
    pub major: Vec<f64>,
    pub labels: Vec<String>,
    pub minor: Vec<f64>,
}

impl Ticks {
    /// Label of the major tick nearest to `v` (plotters asks by position).
    pub(crate) fn label_at(&self, v: f64) -> String {
        self.major
            .iter()
            .zip(&self.labels)
            .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()))
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    }
}

/// An axis as plotters sees it: linear in axis units, with our ticks as its key points (major
/// ticks carry labels and bold grid lines, minor ones light grid lines).
#[derive(Debug, Clone)]
pub(crate) struct TickedRange {
    lo: f64,
    hi: f64,
    major: Vec<f64>,
    minor: Vec<f64>,
}

impl TickedRange {
    /// `lo..hi` (axis units, `lo < hi`) with the positions of `ticks`.
    pub(crate) fn new(lo: f64, hi: f64, ticks: &Ticks) -> Self {
        TickedRange {
            lo,
            hi,
            major: ticks.major.clone(),
            minor: ticks.minor.clone(),
        }
    }
}

/// Largest pixel offset produced for points far outside the range (they are clipped before
/// drawing, but must not overflow on the way).
const MAX_PIXEL: f64 = 1e6;

impl Ranged for TickedRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = (value - self.lo) / (self.hi - self.lo);
        let px = f64::from(limit.0) + t * f64::from(limit.1 - limit.0);
        px.round().clamp(-MAX_PIXEL, MAX_PIXEL) as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.major.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl Axis {
    /// The plotters axis for this range with `ticks`.
    pub(crate) fn ranged(&self, ticks: &Ticks) -> TickedRange {
        TickedRange::new(self.lo, self.hi, ticks)
    }

    /// Axis through `given` (data units, already validated), or fitted to `values` (data units,
    /// finite and positive on a log axis) with a margin. Without data the range is 0..1
    /// (1..10 on a log axis).
    pub(crate) fn fit(
        values: impl Iterator<Item = f64>,
        log: bool,
        given: Option<(f64, f64)>,
    ) -> Self {
        let to_axis = |v: f64| if log { v.log10() } else { v };
        if let Some((lo, hi)) = given {
            return Axis {
                lo: to_axis(lo),
                hi: to_axis(hi),
                log,
            };
        }
        let (min, max) = values
            .map(to_axis)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let (lo, hi) = if min > max {
            (0.0, 1.0)
        } else if max - min > f64::EPSILON * max.abs().max(min.abs()).max(f64::MIN_POSITIVE) {
            let pad = MARGIN_FRACTION * (max - min);
            (min - pad, max + pad)
        } else if log {
            (min - FLAT_LOG_HALF_WIDTH, max + FLAT_LOG_HALF_WIDTH)
        } else if min.abs() > 0.0 {
            let pad = FLAT_LINEAR_HALF_WIDTH * min.abs();
            (min - pad, max + pad)
        } else {
            (-1.0, 1.0)
        };
        Axis { lo, hi, log }
    }

    /// A data value in axis units.
    pub(crate) fn axis_value(&self, v: f64) -> f64 {
        if self.log {
            v.log10()
        } else {
            v
        }
    }

    /// Ticks with at most about `max_labels` labels.
    pub(crate) fn ticks(&self, max_labels: usize) -> Ticks {
        let max_labels = max_labels.max(2);
        if self.log {
            log_ticks(self.lo, self.hi, max_labels)
        } else {
            linear_ticks(self.lo, self.hi, max_labels)
        }
    }
}

/// Smallest step of the form {1, 2, 2.5, 5} × 10^k that divides `lo..hi` into at most
/// `max_labels` intervals.
fn nice_step(lo: f64, hi: f64, max_labels: usize) -> f64 {
    let raw = (hi - lo) / max_labels as f64;
    let magnitude = 10_f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&step| step >= raw * (1.0 - TICK_SLACK))
        .unwrap_or(10.0 * magnitude)
}

/// Multiples of `step` inside `lo..=hi`.
fn multiples(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let k0 = (lo / step - TICK_SLACK).ceil() as i64;
    let k1 = (hi / step + TICK_SLACK).floor() as i64;
    (k0..=k1).map(|k| k as f64 * step).collect()
}

fn linear_ticks(lo: f64, hi: f64, max_labels: usize) -> Ticks {
    let step = nice_step(lo, hi, max_labels);
    let major = multiples(lo, hi, step);
    let max_abs = lo.abs().max(hi.abs());
    let labels = major
        .iter()
        .map(|&v| format_linear(v, step, max_abs))
        .collect();
    Ticks {
        major,
        labels,
        minor: Vec::new(),
    }
}

/// Fewest decimals (0 to 12) that write `x` exactly to about six significant digits.
fn decimals_for(x: f64) -> usize {
    (0..=12)
        .find(|&d| {
            let scaled = x.abs() * 10_f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(12)
}

/// `text` with ASCII hyphens as minus signs (U+2212), as in typeset numbers.
fn with_minus_signs(text: String) -> String {
    text.replace('-', "\u{2212}")
}

/// Label of `v` on a linear axis with tick spacing `step` and largest magnitude `max_abs`:
/// plain decimals with as many digits as the step needs, or scientific notation (`2.5e−4`) for
/// very small or very large magnitudes.
pub(crate) fn format_linear(v: f64, step: f64, max_abs: f64) -> String {
    if v.abs() < step * TICK_SLACK {
        return "0".into();
    }
    if !(SCIENTIFIC_BELOW..SCIENTIFIC_FROM).contains(&max_abs) {
        let exponent = v.abs().log10().floor();
        let digits = decimals_for(step / 10_f64.powf(exponent)).min(6);
        return with_minus_signs(format!("{v:.digits$e}"));
    }
    let digits = decimals_for(step);
    with_minus_signs(format!("{v:.digits$}"))
}

/// `10` with the exponent in superscript digits: `10⁻³`.
fn power_of_ten(exponent: i32) -> String {
    const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut text = String::from("10");
    for c in exponent.to_string().chars() {
        match c.to_digit(10) {
            Some(d) => text.push(SUPERSCRIPT[d as usize]),
            None => text.push('⁻'),
        }
    }
    text
}

/// Label of the value `m × 10^k` (`m` in 1..=9) on a logarithmic axis: plain decimals in the
/// middle range, `2e−4` outside it.
fn format_log_value(m: u32, k: i32) -> String {
    let v = f64::from(m) * 10_f64.powi(k);
    if !(SCIENTIFIC_BELOW..SCIENTIFIC_FROM).contains(&v) {
        with_minus_signs(format!("{v:.0e}"))
    } else {
        let digits = (-k).max(0) as usize;
        format!("{v:.digits$}")
    }
}

/// Positions `k + log10(m)` inside `lo..=hi` for every decade `k` and mantissa in `mantissas`,
/// with the pair `(m, k)` they stand for.
fn log_positions(lo: f64, hi: f64, mantissas: &[u32]) -> Vec<(f64, u32, i32)> {
    let k0 = lo.floor() as i32;
    let k1 = hi.floor() as i32;
    let mut out = Vec::new();
    for k in k0..=k1 {
        for &m in mantissas {
            let p = f64::from(k) + f64::from(m).log10();
            if p >= lo - TICK_SLACK && p <= hi + TICK_SLACK {
                out.push((p, m, k));
            }
        }
    }
    out
}

fn log_ticks(lo: f64, hi: f64, max_labels: usize) -> Ticks {
    let d_lo = (lo - TICK_SLACK).ceil() as i32;
    let d_hi = (hi + TICK_SLACK).floor() as i32;
    let n_decades = (d_hi - d_lo + 1).max(0) as usize;

    // Two or more decades in view: label decades, every `stride`-th one if crowded.
    if n_decades >= 2 {
        let stride = n_decades.div_ceil(max_labels).max(1) as i32;
        let mut exponents: Vec<i32> = (d_lo..=d_hi)
            .filter(|k| k.rem_euclid(stride) == 0)
            .collect();
        if exponents.len() < 2 {
            exponents = (d_lo..=d_hi).step_by(stride as usize).collect();
        }
        let superscript = exponents.iter().any(|&k| !(-2..=3).contains(&k));
        let labels = exponents
            .iter()
            .map(|&k| {
                if superscript {
                    power_of_ten(k)
                } else {
                    format_log_value(1, k)
                }
            })
            .collect();
        let major: Vec<f64> = exponents.iter().map(|&k| f64::from(k)).collect();
        let minor = if stride == 1 && n_decades <= 8 {
            log_positions(lo, hi, &[2, 3, 4, 5, 6, 7, 8, 9])
                .into_iter()
                .map(|(p, _, _)| p)
                .collect()
        } else {
            (d_lo..=d_hi)
                .filter(|k| !exponents.contains(k))
                .map(f64::from)
                .collect()
        };
        return Ticks {
            major,
            labels,
            minor,
        };
    }

    // Less than two decades: label 1, 2, 5 (or every mantissa) times a power of ten.
    let all_mantissas = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    let mut picked = log_positions(lo, hi, &[1, 2, 5]);
    if picked.len() < 3 {
        picked = log_positions(lo, hi, &all_mantissas);
    }
    if picked.len() > max_labels {
        let stride = picked.len().div_ceil(max_labels);
        picked = picked.into_iter().step_by(stride).collect();
    }
    if picked.len() < 2 {
        // Not even two integer mantissas in view: linear ticks on the values themselves.
        return narrow_log_ticks(lo, hi, max_labels);
    }
    let minor = log_positions(lo, hi, &all_mantissas)
        .into_iter()
        .filter(|(p, _, _)| !picked.iter().any(|(q, _, _)| (p - q).abs() < TICK_SLACK))
        .map(|(p, _, _)| p)
        .collect();
    Ticks {
        major: picked.iter().map(|(p, _, _)| *p).collect(),
        labels: picked
            .iter()
            .map(|&(_, m, k)| format_log_value(m, k))
            .collect(),
        minor,
    }
}

/// Ticks for a logarithmic axis spanning less than a factor of about two: evenly spaced values,
/// placed at their logarithms.
fn narrow_log_ticks(lo: f64, hi: f64, max_labels: usize) -> Ticks {
    let (v_lo, v_hi) = (10_f64.powf(lo), 10_f64.powf(hi));
    let step = nice_step(v_lo, v_hi, max_labels);
    let values: Vec<f64> = multiples(v_lo, v_hi, step)
        .into_iter()
        .filter(|&v| v > 0.0)
        .collect();
    let labels = values
        .iter()
        .map(|&v| format_linear(v, step, v_hi))
        .collect();
    Ticks {
        major: values.iter().map(|v| v.log10()).collect(),
        labels,
        minor: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(axis: Axis, n: usize) -> Vec<String> {
        axis.ticks(n).labels
    }

    #[test]
    fn linear_labels_carry_the_digits_of_the_step() {
        let axis = Axis {
            lo: 0.0,
            hi: 0.02,
            log: false,
        };
        assert_eq!(labels(axis, 5), ["0", "0.005", "0.010", "0.015", "0.020"]);
        let axis = Axis {
            lo: -7.0,
            hi: 31.0,
            log: false,
        };
        assert_eq!(labels(axis, 6), ["0", "10", "20", "30"]);
    }

    #[test]
    fn tiny_linear_values_use_scientific_notation() {
        let axis = Axis {
            lo: 0.0,
            hi: 4e-4,
            log: false,
        };
        assert_eq!(labels(axis, 4), ["0", "1e−4", "2e−4", "3e−4", "4e−4"]);
    }

    #[test]
    fn log_decades_are_plain_in_the_middle_range_and_powers_outside() {
        let axis = Axis {
            lo: -2.2,
            hi: 1.3,
            log: true,
        };
        assert_eq!(labels(axis, 8), ["0.01", "0.1", "1", "10"]);
        let axis = Axis {
            lo: -6.5,
            hi: -2.5,
            log: true,
        };
        assert_eq!(labels(axis, 8), ["10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³"]);
    }

    #[test]
    fn crowded_log_decades_are_thinned() {
        let axis = Axis {
            lo: -12.0,
            hi: 0.0,
            log: true,
        };
        let ticks = axis.ticks(5);
        assert!(ticks.major.len() <= 5, "{:?}", ticks.labels);
        assert!(ticks.major.len() >= 2, "{:?}", ticks.labels);
    }

    #[test]
    fn narrow_log_range_labels_mantissas() {
        let axis = Axis {
            lo: 2_f64.log10(),
            hi: 9_f64.log10(),
            log: true,
        };
        assert_eq!(labels(axis, 8), ["2", "3", "4", "5", "6", "7", "8", "9"]);
        let axis = Axis {
            lo: 2.1_f64.log10(),
            hi: 2.9_f64.log10(),
            log: true,
        };
        assert_eq!(labels(axis, 5), ["2.2", "2.4", "2.6", "2.8"]);
    }

    #[test]
    fn negative_labels_use_minus_signs() {
        let axis = Axis {
            lo: -30.0,
            hi: 0.0,
            log: false,
        };
        assert_eq!(labels(axis, 3), ["−30", "−20", "−10", "0"]);
    }

    /// Fitted ranges are a few additions and multiplications away from exact.
    const RANGE_TOL: f64 = 1e-12;

    #[test]
    fn fitted_range_has_margins() {
        let axis = Axis::fit([1.0, 3.0].into_iter(), false, None);
        assert!((axis.lo - 0.9).abs() < RANGE_TOL && (axis.hi - 3.1).abs() < RANGE_TOL);
        let axis = Axis::fit([1e-3, 1e1].into_iter(), true, None);
        assert!((axis.lo + 3.2).abs() < RANGE_TOL && (axis.hi - 1.2).abs() < RANGE_TOL);
    }
}
