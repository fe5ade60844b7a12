//! Line figures: panels of curves on linear or logarithmic axes.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axis::{Axis, TickedRange, Ticks};
use super::legend::Legend;
use super::output::{layout_grid, DrawError, Drawing};
use super::theme::{draw_marker, palette, MarkerPaint, Theme};
use super::{Figure, Panel, PlotError, Series, MAX_MARKERS_PER_SERIES};

/// Smallest panel that leaves room for the axes, `(width, height)` in pixels.
pub(crate) const MIN_CELL_PX: (u32, u32) = (160, 120);

/// Checks everything that would make the figure undrawable, before any file is touched.
pub(crate) fn validate(fig: &Figure) -> Result<(), PlotError> {
    validate_grid("figure", fig.panels.len(), fig.columns, fig.panel_size_px)?;
    for (i, panel) in fig.panels.iter().enumerate() {
        let location = format!("panels[{i}] \"{}\"", panel.title);
        validate_range(&location, "x_range", panel.x_range, panel.log_x)?;
        validate_range(&location, "y_range", panel.y_range, panel.log_y)?;
        for (j, series) in panel.series.iter().enumerate() {
            let location = format!("{location}, series[{j}] \"{}\"", series.label);
            validate_points(&location, series, panel)?;
        }
    }
    Ok(())
}

/// The grid has cells, at least one column, and cells big enough to draw in.
pub(crate) fn validate_grid(
    location: &str,
    n_cells: usize,
    columns: usize,
    cell_px: (u32, u32),
) -> Result<(), PlotError> {
    if n_cells == 0 {
        return Err(PlotError::invalid(location, "nothing to draw"));
    }
    if columns == 0 {
        return Err(PlotError::invalid(location, "columns must be at least 1"));
    }
    if cell_px.0 < MIN_CELL_PX.0 || cell_px.1 < MIN_CELL_PX.1 {
        return Err(PlotError::invalid(
            location,
            format!(
                "cell size {}x{} px is below the minimum {}x{} px",
                cell_px.0, cell_px.1, MIN_CELL_PX.0, MIN_CELL_PX.1
            ),
        ));
    }
    Ok(())
}

/// A given range is finite, increasing, and positive on a logarithmic axis.
pub(crate) fn validate_range(
    location: &str,
    name: &str,
    range: Option<(f64, f64)>,
    log: bool,
) -> Result<(), PlotError> {
    let Some((lo, hi)) = range else {
        return Ok(());
    };
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(PlotError::invalid(
            location,
            format!("{name} ({lo}, {hi}) must be finite and increasing"),
        ));
    }
    if log && lo <= 0.0 {
        return Err(PlotError::invalid(
            location,
            format!("{name} ({lo}, {hi}) must be positive on a logarithmic axis"),
        ));
    }
    Ok(())
}

fn validate_points(location: &str, series: &Series, panel: &Panel) -> Result<(), PlotError> {
    for (k, &(x, y)) in series.points.iter().enumerate() {
        if !(x.is_finite() && y.is_finite()) {
            return Err(PlotError::invalid(
                location,
                format!("point {k} ({x}, {y}) is not finite"),
            ));
        }
        if (panel.log_x && x <= 0.0) || (panel.log_y && y <= 0.0) {
            return Err(PlotError::invalid(
                location,
                format!("point {k} ({x}, {y}) is not positive on a logarithmic axis"),
            ));
        }
    }
    Ok(())
}

/// A validated [`Figure`] ready to draw.
pub(crate) struct FigureDrawing<'a>(pub &'a Figure);

impl Drawing for FigureDrawing<'_> {
    fn size_px(&self) -> (u32, u32) {
        self.0.canvas_size_px()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let fig = self.0;
        let cells = layout_grid(
            root,
            fig.title.as_deref(),
            fig.panels.len(),
            fig.columns,
            fig.panel_size_px,
        )?;
        let theme = Theme::new(fig.panel_size_px);

        // Legends first: panels in one grid row reserve the same legend height, so that their
        // axes line up.
        let mut legends = Vec::with_capacity(fig.panels.len());
        for (panel, cell) in fig.panels.iter().zip(&cells) {
            let entries = panel.series.iter().map(|s| (s.label.clone(), s.style));
            legends.push(Legend::new(cell, entries, cell.dim_in_pixel().0, &theme)?);
        }
        let columns = fig.columns.max(1);
        for (k, (panel, cell)) in fig.panels.iter().zip(&cells).enumerate() {
            let row = (k / columns) * columns..((k / columns + 1) * columns).min(legends.len());
            let reserved_px = legends[row].iter().map(|l| l.height_px).max().unwrap_or(0);
            draw_panel(cell, panel, &legends[k], reserved_px, &theme)?;
        }
        Ok(())
    }
}

/// Lengths at the reference panel size, in pixels.
const MARGIN_PX: f64 = 12.0;
/// Room on the right for half of the last x tick label.
const MARGIN_RIGHT_PX: f64 = 26.0;
/// Gap between the tick labels and the axis description.
const LABEL_GAP_PX: f64 = 10.0;
/// Least spacing between x tick labels, and between y tick labels.
const X_TICK_SPACING_PX: f64 = 95.0;
const Y_TICK_SPACING_PX: f64 = 50.0;

/// One panel in `cell`, with `legend` at the top of a strip of `legend_px` below the axes.
fn draw_panel<DB: DrawingBackend>(
    cell: &DrawingArea<DB, Shift>,
    panel: &Panel,
    legend: &Legend,
    legend_px: u32,
    theme: &Theme,
) -> Result<(), DrawError> {
    // Legend strip below the axes, at most half the panel.
    let (_, h) = cell.dim_in_pixel();
    let (axes_area, legend_area) = cell.split_vertically(h - legend_px.min(h / 2));

    // Ranges and ticks in axis units.
    let points = || panel.series.iter().flat_map(|s| s.points.iter());
    let x = Axis::fit(points().map(|p| p.0), panel.log_x, panel.x_range);
    let y = Axis::fit(points().map(|p| p.1), panel.log_y, panel.y_range);
    let (aw, ah) = axes_area.dim_in_pixel();
    let x_ticks = x.ticks(theme.max_labels(aw, X_TICK_SPACING_PX));
    let y_ticks = y.ticks(theme.max_labels(ah, Y_TICK_SPACING_PX));

    // Axes, grid and tick labels.
    let mut chart = build_chart(&axes_area, panel, (&x, &x_ticks), (&y, &y_ticks), theme)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&|v| x_ticks.label_at(*v))
        .y_label_formatter(&|v| y_ticks.label_at(*v))
        .label_style(theme.tick_font())
        .axis_desc_style(theme.axis_label_font())
        .bold_line_style(BLACK.mix(0.15))
        .light_line_style(BLACK.mix(0.06))
        .set_all_tick_mark_size(theme.tick_mark_px())
        .draw()?;

    // Curves clipped to the frame, then all markers on top, then the rest of the frame.
    let plotting = chart.plotting_area();
    let frame = ((x.lo, y.lo), (x.hi, y.hi));
    for series in &panel.series {
        draw_line(plotting, series, (&x, &y), frame, theme)?;
    }
    // Markers go on the whole axes area: a marker on the frame may stick out of it.
    let screen = axes_area.use_screen_coord();
    let n_series = panel.series.len();
    for (i, series) in panel.series.iter().enumerate() {
        let index = (i, n_series);
        draw_markers((plotting, &screen), series, (&x, &y), frame, index, theme)?;
    }
    // Top and right edges close the box (the axes are the left and bottom ones).
    let ((x0, y0), (x1, y1)) = frame;
    let edges = vec![(x0, y1), (x1, y1), (x1, y0)];
    plotting.draw(&PathElement::new(edges, BLACK.stroke_width(1)))?;

    legend.draw(&legend_area, theme)?;
    Ok(())
}

type PanelChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickedRange, TickedRange>>;

/// Chart with label areas sized to the tick labels, and the given ticks as key points.
fn build_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    panel: &Panel,
    (x, x_ticks): (&Axis, &Ticks),
    (y, y_ticks): (&Axis, &Ticks),
    theme: &Theme,
) -> Result<PanelChart<'a, DB>, DrawError> {
    let tick_font = theme.tick_font();
    let desc_px = theme.axis_label_font().font.get_size().round() as i32;
    let tick_px = tick_font.font.get_size().round() as i32;
    let mut widest_y_label = 0;
    for label in &y_ticks.labels {
        widest_y_label = widest_y_label.max(area.estimate_text_size(label, &tick_font)?.0 as i32);
    }
    let gap = theme.px(LABEL_GAP_PX);
    let x_area_px = 2 * theme.tick_mark_px() + tick_px + gap + desc_px;
    let y_area_px = 2 * theme.tick_mark_px() + widest_y_label + gap + desc_px;

    let mut builder = ChartBuilder::on(area);
    if !panel.title.is_empty() {
        builder.caption(&panel.title, theme.title_font());
    }
    let chart = builder
        .margin(theme.px(MARGIN_PX))
        .margin_right(theme.text_px(MARGIN_RIGHT_PX))
        .x_label_area_size(x_area_px)
        .y_label_area_size(y_area_px)
        .build_cartesian_2d(x.ranged(x_ticks), y.ranged(y_ticks))?;
    Ok(chart)
}

type Plotting<DB> = DrawingArea<DB, Cartesian2d<TickedRange, TickedRange>>;

/// Rectangle `(min corner, max corner)` in axis units.
type Frame = ((f64, f64), (f64, f64));

fn draw_line<DB: DrawingBackend>(
    plotting: &Plotting<DB>,
    series: &Series,
    (x, y): (&Axis, &Axis),
    frame: Frame,
    theme: &Theme,
) -> Result<(), DrawError> {
    let stroke = palette(series.style.color).stroke_width(theme.line_width());
    let (dash, gap) = theme.dash_px();
    let points: Vec<(f64, f64)> = series
        .points
        .iter()
        .map(|&(px, py)| (x.axis_value(px), y.axis_value(py)))
        .collect();
    for run in clip_polyline(&points, frame) {
        if series.style.dash {
            plotting.draw(&DashedPathElement::new(run, dash, gap, stroke))?;
        } else {
            plotting.draw(&PathElement::new(run, stroke))?;
        }
    }
    Ok(())
}

/// Markers on every k-th point inside the frame (at most [`MAX_MARKERS_PER_SERIES`]), the
/// series `index` of `n_series` starting at its own offset so that markers of series sharing
/// the same x grid do not pile up. Drawn on `screen`, in backend pixels.
fn draw_markers<DB: DrawingBackend>(
    (plotting, screen): (&Plotting<DB>, &DrawingArea<DB, Shift>),
    series: &Series,
    (x, y): (&Axis, &Axis),
    frame: Frame,
    (index, n_series): (usize, usize),
    theme: &Theme,
) -> Result<(), DrawError> {
    let Some(marker) = series.style.marker else {
        return Ok(());
    };
    let stride = series.points.len().div_ceil(MAX_MARKERS_PER_SERIES).max(1);
    let offset = index * stride / n_series.max(1);
    let paint = MarkerPaint::series(palette(series.style.color), theme);
    let inside = |(px, py): (f64, f64)| {
        px >= frame.0 .0 && px <= frame.1 .0 && py >= frame.0 .1 && py <= frame.1 .1
    };
    for &(px, py) in series.points.iter().skip(offset).step_by(stride) {
        let p = (x.axis_value(px), y.axis_value(py));
        if inside(p) {
            let at = plotting.map_coordinate(&p);
            draw_marker(screen, at, marker, theme.marker_radius(), &paint)?;
        }
    }
    Ok(())
}

/// Splits the polyline through `points` into the runs that lie inside `frame`, cutting segments
/// at the frame (Liang–Barsky clipping of each segment).
pub(crate) fn clip_polyline(points: &[(f64, f64)], frame: Frame) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for pair in points.windows(2) {
        match clip_segment(pair[0], pair[1], frame) {
            Some(seg) => {
                match runs.last_mut() {
                    Some(run) if open && !seg.start_cut => run.push(seg.end),
                    _ => runs.push(vec![seg.start, seg.end]),
                }
                open = !seg.end_cut;
            }
            None => open = false,
        }
    }
    runs
}

/// The visible part of a segment, and whether each end was moved onto the frame.
struct ClippedSegment {
    start: (f64, f64),
    end: (f64, f64),
    start_cut: bool,
    end_cut: bool,
}

/// The part of segment `p`–`q` inside `frame`, if any.
fn clip_segment(
    p: (f64, f64),
    q: (f64, f64),
    ((x0, y0), (x1, y1)): Frame,
) -> Option<ClippedSegment> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    // Each edge as (-direction, distance from the edge) along the outward normal.
    for (den, num) in [
        (-dx, p.0 - x0),
        (dx, x1 - p.0),
        (-dy, p.1 - y0),
        (dy, y1 - p.1),
    ] {
        if den == 0.0 {
            if num < 0.0 {
                return None;
            }
        } else {
            let t = num / den;
            if den < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| (p.0 + t * dx, p.1 + t * dy);
    Some(ClippedSegment {
        start: at(t0),
        end: at(t1),
        start_cut: t0 > 0.0,
        end_cut: t1 < 1.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame = ((0.0, 0.0), (1.0, 1.0));

    #[test]
    fn polyline_inside_is_one_run() {
        let runs = clip_polyline(&[(0.1, 0.1), (0.5, 0.9), (0.9, 0.2)], FRAME);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].len(), 3);
    }

    #[test]
    fn polyline_leaving_and_reentering_is_split() {
        let runs = clip_polyline(&[(0.1, 0.5), (0.5, 2.0), (0.9, 0.5)], FRAME);
        assert_eq!(runs.len(), 2);
        for run in &runs {
            for &(px, py) in run {
                assert!((0.0..=1.0).contains(&px) && (0.0..=1.0).contains(&py));
            }
        }
    }

    #[test]
    fn segment_outside_is_dropped() {
        assert!(clip_polyline(&[(2.0, 2.0), (3.0, 0.5)], FRAME).is_empty());
    }
}
