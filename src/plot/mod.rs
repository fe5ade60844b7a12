//! Figures for reports: line plots of bounds against a swept parameter, and heat maps of spatial
//! quantities (beam power density over the scene).
//!
//! A figure is described by plain data ([`Figure`] of [`Panel`]s of [`Series`], or
//! [`HeatMapFigure`] of [`HeatMap`]s) and written by [`write_figure`] or [`write_heatmaps`] as a
//! PNG raster and an SVG vector file drawn by the same code. Text uses the DejaVu Sans font
//! compiled into the binary, so no system font library is needed and the PNG looks the same on
//! every machine.
//!
//! ## Conventions
//!
//! - Sizes are in pixels. Line widths and markers are sized for a panel of about 640×480 and
//!   scale with the panel; text scales with the square root of that factor, so it stays legible
//!   in small panels.
//! - Ranges that are not given are fitted to the data with a margin of 5% of the span on each
//!   side; on a logarithmic axis the margin is taken on the logarithm (a factor, not an offset).
//! - Data outside a given range is clipped at the plot frame.
//! - Colours are indices into [`PALETTE`], a colour-blind-safe set; the index wraps around.
//! - Heat maps use the perceptually uniform viridis colour map, low values dark.
//! - Every output file is written whole or not at all: a figure is drawn in memory, written to
//!   a temporary file beside the target and renamed into place.
//! - PNG text is rasterised here, with correct glyph spacing (plotters 0.3.7 leaves gaps after
//!   narrow glyphs); SVG text is left to the viewer, in its generic sans-serif face.

mod axis;
mod figure;
mod heatmap;
mod legend;
mod output;
mod text;
mod theme;

use std::path::{Path, PathBuf};

pub use theme::PALETTE;

/// Why a figure could not be written. Every variant names what was wrong: the panel and series,
/// or the file.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The figure description cannot be drawn: a non-finite value, a non-positive value on a
    /// logarithmic axis, an empty or inverted range, a ragged heat map, an empty layout.
    #[error("{location}: {reason}")]
    InvalidData { location: String, reason: String },
    /// A file could not be written or renamed into place.
    #[error("cannot write {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The drawing library failed while drawing the file.
    #[error("cannot draw {}: {message}", path.display())]
    Drawing { path: PathBuf, message: String },
}

impl PlotError {
    fn invalid(location: impl Into<String>, reason: impl Into<String>) -> Self {
        PlotError::InvalidData {
            location: location.into(),
            reason: reason.into(),
        }
    }
}

/// Shape drawn at the data points of a series, or at a point of interest on a heat map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Cross,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Index into [`PALETTE`] (wraps around).
    pub color: usize,
    /// Dashed instead of solid line.
    pub dash: bool,
    /// Marker at the data points. A long series gets a marker on every k-th point only, at most
    /// [`MAX_MARKERS_PER_SERIES`] of them, so that the markers do not merge into a thick line.
    pub marker: Option<Marker>,
}

/// Most markers drawn on one series; see [`Style::marker`].
pub const MAX_MARKERS_PER_SERIES: usize = 25;

/// One curve: points joined in the given order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text; an empty label keeps the series out of the legend.
    pub label: String,
    /// `(x, y)` data points, all finite (and positive on a logarithmic axis).
    pub points: Vec<(f64, f64)>,
    pub style: Style,
}

/// One set of axes with its curves. The legend goes below the axes, in as many columns as fit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// Logarithmic x-axis.
    pub log_x: bool,
    /// Logarithmic y-axis.
    pub log_y: bool,
    /// Fixed x range `(min, max)`; `None` fits the data.
    pub x_range: Option<(f64, f64)>,
    /// Fixed y range `(min, max)`; `None` fits the data.
    pub y_range: Option<(f64, f64)>,
}

/// Panels on a grid, filled row by row, under an optional figure title.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub title: Option<String>,
    pub panels: Vec<Panel>,
    /// Panels per grid row (at least 1).
    pub columns: usize,
    /// Size of one panel, `(width, height)` in pixels, legend included.
    pub panel_size_px: (u32, u32),
}

/// A scalar field sampled on a regular grid, drawn in colour with a colour bar.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatMap {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// x of the centres of the first and last columns (the cells extend half a cell further;
    /// a single column spans the whole range).
    pub x_range: (f64, f64),
    /// y of the centres of the first (bottom) and last (top) rows, as for `x_range`.
    pub y_range: (f64, f64),
    /// Values, shape `[n_y, n_x]`: `values[i][j]` is at the i-th y and the j-th x. All finite.
    pub values: Vec<Vec<f64>>,
    /// Colour bar label, e.g. `"power density [dB]"`.
    pub value_label: String,
    /// Values mapped to the ends of the colour map; values outside are clamped. `None` uses the
    /// data minimum and maximum.
    pub value_range: Option<(f64, f64)>,
    /// Points of interest drawn on top with a text label (BS, UE, targets). A marker outside the
    /// map is not drawn.
    pub markers: Vec<MapMarker>,
}

/// A labelled point on a heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapMarker {
    pub label: String,
    /// `(x, y)` in the map's axis units.
    pub position: (f64, f64),
    pub marker: Marker,
}

/// Heat maps on a grid, filled row by row, under an optional figure title.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatMapFigure {
    pub title: Option<String>,
    pub maps: Vec<HeatMap>,
    /// Maps per grid row (at least 1).
    pub columns: usize,
    /// Size of one map, `(width, height)` in pixels, colour bar included.
    pub map_size_px: (u32, u32),
}

impl Figure {
    /// Size of the whole picture, `(width, height)` in pixels: the panel grid plus the title
    /// strip.
    pub fn canvas_size_px(&self) -> (u32, u32) {
        output::canvas_size(
            self.title.is_some(),
            self.panels.len(),
            self.columns,
            self.panel_size_px,
        )
    }
}

impl HeatMapFigure {
    /// Size of the whole picture, `(width, height)` in pixels: the map grid plus the title
    /// strip.
    pub fn canvas_size_px(&self) -> (u32, u32) {
        output::canvas_size(
            self.title.is_some(),
            self.maps.len(),
            self.columns,
            self.map_size_px,
        )
    }
}

/// Writes `<stem>.png` and `<stem>.svg` (the extensions are appended to `stem`).
///
/// # Errors
/// [`PlotError::InvalidData`] before any file is touched when the figure cannot be drawn;
/// [`PlotError::Io`] or [`PlotError::Drawing`] otherwise, leaving no partial file behind.
pub fn write_figure(fig: &Figure, stem: &Path) -> Result<(), PlotError> {
    figure::validate(fig)?;
    output::write_png_and_svg(&figure::FigureDrawing(fig), stem)
}

/// Writes `<stem>.png` and `<stem>.svg` (the extensions are appended to `stem`).
///
/// # Errors
/// As for [`write_figure`].
pub fn write_heatmaps(fig: &HeatMapFigure, stem: &Path) -> Result<(), PlotError> {
    heatmap::validate(fig)?;
    output::write_png_and_svg(&heatmap::HeatMapDrawing(fig), stem)
}
