//! Heat maps: a scalar field on a regular grid in viridis colours, a colour bar, and labelled
//! points of interest on top.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Axis, TickedRange, Ticks};
use super::figure::{validate_grid, validate_range};
use super::output::{layout_grid, DrawError, Drawing};
use super::theme::{draw_marker, MarkerPaint, Theme};
use super::{HeatMap, HeatMapFigure, PlotError};

/// Checks everything that would make the figure undrawable, before any file is touched.
pub(crate) fn validate(fig: &HeatMapFigure) -> Result<(), PlotError> {
    validate_grid(
        "heat map figure",
        fig.maps.len(),
        fig.columns,
        fig.map_size_px,
    )?;
    for (i, map) in fig.maps.iter().enumerate() {
        let location = format!("maps[{i}] \"{}\"", map.title);
        validate_range(&location, "x_range", Some(map.x_range), false)?;
        validate_range(&location, "y_range", Some(map.y_range), false)?;
        validate_range(&location, "value_range", map.value_range, false)?;
        validate_values(&location, &map.values)?;
        for marker in &map.markers {
            let (x, y) = marker.position;
            if !(x.is_finite() && y.is_finite()) {
                return Err(PlotError::invalid(
                    &location,
                    format!("marker \"{}\" at ({x}, {y}) is not finite", marker.label),
                ));
            }
        }
    }
    Ok(())
}

/// `values` is a non-empty `[n_y, n_x]` grid of finite numbers.
fn validate_values(location: &str, values: &[Vec<f64>]) -> Result<(), PlotError> {
    let n_x = values.first().map_or(0, Vec::len);
    if n_x == 0 {
        return Err(PlotError::invalid(location, "values has no cells"));
    }
    for (i, row) in values.iter().enumerate() {
        if row.len() != n_x {
            return Err(PlotError::invalid(
                location,
                format!("values[{i}] has {} columns, expected {n_x}", row.len()),
            ));
        }
        if let Some(j) = row.iter().position(|v| !v.is_finite()) {
            return Err(PlotError::invalid(
                location,
                format!("values[{i}][{j}] = {} is not finite", row[j]),
            ));
        }
    }
    Ok(())
}

/// A validated [`HeatMapFigure`] ready to draw.
pub(crate) struct HeatMapDrawing<'a>(pub &'a HeatMapFigure);

impl Drawing for HeatMapDrawing<'_> {
    fn size_px(&self) -> (u32, u32) {
        self.0.canvas_size_px()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let fig = self.0;
        let cells = layout_grid(
            root,
            fig.title.as_deref(),
            fig.maps.len(),
            fig.columns,
            fig.map_size_px,
        )?;
        let theme = Theme::new(fig.map_size_px);
        for (map, cell) in fig.maps.iter().zip(&cells) {
            draw_map(cell, map, &theme)?;
        }
        Ok(())
    }
}

/// Lengths at the reference map size, in pixels.
const MARGIN_PX: f64 = 12.0;
const MARGIN_RIGHT_PX: f64 = 20.0;
const LABEL_GAP_PX: f64 = 10.0;
const X_TICK_SPACING_PX: f64 = 90.0;
const Y_TICK_SPACING_PX: f64 = 50.0;
const COLOR_BAR_WIDTH_PX: f64 = 24.0;
const COLOR_BAR_TICK_SPACING_PX: f64 = 45.0;
const MAP_MARKER_RADIUS_PX: f64 = 7.0;
const MAP_LABEL_PADDING_PX: f64 = 3.0;
/// Colour steps drawn in the colour bar.
const COLOR_BAR_STEPS: usize = 128;

/// Grid extent and cell size along one axis: cells centred on `n` points from `range.0` to
/// `range.1`, or one cell spanning the range.
fn cell_extent((first, last): (f64, f64), n: usize) -> (f64, f64, f64) {
    if n <= 1 {
        (first, last, last - first)
    } else {
        let step = (last - first) / (n - 1) as f64;
        (first - step / 2.0, last + step / 2.0, step)
    }
}

/// Value range mapped onto the colour map: the given one, or the data's (widened if flat).
fn value_range(map: &HeatMap) -> (f64, f64) {
    if let Some(range) = map.value_range {
        return range;
    }
    let (min, max) = map
        .values
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if max > min {
        (min, max)
    } else {
        let flat = Axis::fit(std::iter::once(min), false, None);
        (flat.lo, flat.hi)
    }
}

fn color_of(v: f64, (lo, hi): (f64, f64)) -> RGBColor {
    ViridisRGB::get_color(((v - lo) / (hi - lo)).clamp(0.0, 1.0))
}

fn draw_map<DB: DrawingBackend>(
    cell: &DrawingArea<DB, Shift>,
    map: &HeatMap,
    theme: &Theme,
) -> Result<(), DrawError> {
    // Title over the whole cell, then the map on the left and the colour bar on the right.
    let body = if map.title.is_empty() {
        cell.clone()
    } else {
        cell.titled(&map.title, theme.title_font())?
    };
    let values = value_range(map);
    let (_, body_h) = body.dim_in_pixel();
    let bar_axis = Axis {
        lo: values.0,
        hi: values.1,
        log: false,
    };
    let bar_ticks = bar_axis.ticks(theme.max_labels(body_h, COLOR_BAR_TICK_SPACING_PX));
    let bar_width = color_bar_width(&body, &bar_ticks, theme)?;
    let (w, _) = body.dim_in_pixel();
    let (map_area, bar_area) = body.split_horizontally(w.saturating_sub(bar_width));

    draw_field(&map_area, map, theme)?;
    draw_color_bar(&bar_area, map, values, &bar_ticks, theme)
}

/// Widest tick label of `ticks` in the tick font.
fn widest_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ticks: &Ticks,
    theme: &Theme,
) -> Result<i32, DrawError> {
    let font = theme.tick_font();
    let mut widest = 0;
    for label in &ticks.labels {
        widest = widest.max(area.estimate_text_size(label, &font)?.0 as i32);
    }
    Ok(widest)
}

fn desc_px(theme: &Theme) -> i32 {
    theme.axis_label_font().font.get_size().round() as i32
}

/// Height of the x label area, shared by the map and its colour bar so that both line up.
fn x_label_area_px(theme: &Theme) -> i32 {
    let tick_px = theme.tick_font().font.get_size().round() as i32;
    2 * theme.tick_mark_px() + tick_px + theme.px(LABEL_GAP_PX) + desc_px(theme)
}

/// Room right of the colour bar for its ticks, labels and description.
fn color_bar_label_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ticks: &Ticks,
    theme: &Theme,
) -> Result<i32, DrawError> {
    Ok(2 * theme.tick_mark_px() + widest_label(area, ticks, theme)? + theme.px(4.0))
}

fn color_bar_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ticks: &Ticks,
    theme: &Theme,
) -> Result<u32, DrawError> {
    let px = theme.px(MARGIN_PX)
        + theme.px(COLOR_BAR_WIDTH_PX)
        + color_bar_label_px(area, ticks, theme)?
        + theme.px(LABEL_GAP_PX)
        + desc_px(theme)
        + theme.px(MARGIN_PX);
    Ok(px.max(0) as u32)
}

/// The coloured cells, axes and markers.
fn draw_field<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    map: &HeatMap,
    theme: &Theme,
) -> Result<(), DrawError> {
    let n_y = map.values.len();
    let n_x = map.values.first().map_or(0, Vec::len);
    let (x_lo, x_hi, dx) = cell_extent(map.x_range, n_x);
    let (y_lo, y_hi, dy) = cell_extent(map.y_range, n_y);
    let x_axis = Axis {
        lo: x_lo,
        hi: x_hi,
        log: false,
    };
    let y_axis = Axis {
        lo: y_lo,
        hi: y_hi,
        log: false,
    };

    // Axes sized to the tick labels.
    let (w, h) = area.dim_in_pixel();
    let x_ticks = x_axis.ticks(theme.max_labels(w, X_TICK_SPACING_PX));
    let y_ticks = y_axis.ticks(theme.max_labels(h, Y_TICK_SPACING_PX));
    let y_area_px = 2 * theme.tick_mark_px()
        + widest_label(area, &y_ticks, theme)?
        + theme.px(LABEL_GAP_PX)
        + desc_px(theme);
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(MARGIN_PX))
        .margin_right(theme.text_px(MARGIN_RIGHT_PX))
        .x_label_area_size(x_label_area_px(theme))
        .y_label_area_size(y_area_px)
        .build_cartesian_2d(x_axis.ranged(&x_ticks), y_axis.ranged(&y_ticks))?;

    // Cells: row i, column j covers [x_lo + j dx, x_lo + (j+1) dx] x [y_lo + i dy, ...].
    let range = value_range(map);
    let plotting = chart.plotting_area();
    for (i, row) in map.values.iter().enumerate() {
        let (y0, y1) = (y_lo + i as f64 * dy, y_lo + (i + 1) as f64 * dy);
        for (j, &v) in row.iter().enumerate() {
            let (x0, x1) = (x_lo + j as f64 * dx, x_lo + (j + 1) as f64 * dx);
            fill_cell(plotting, [(x0, y1), (x1, y0)], color_of(v, range))?;
        }
    }

    // Axes and tick labels over the cells (no grid lines across the field).
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(map.x_label.as_str())
        .y_desc(map.y_label.as_str())
        .x_label_formatter(&|v| x_ticks.label_at(*v))
        .y_label_formatter(&|v| y_ticks.label_at(*v))
        .label_style(theme.tick_font())
        .axis_desc_style(theme.axis_label_font())
        .set_all_tick_mark_size(theme.tick_mark_px())
        .draw()?;
    let plotting = chart.plotting_area();
    let edges = vec![(x_lo, y_hi), (x_hi, y_hi), (x_hi, y_lo)];
    plotting.draw(&PathElement::new(edges, BLACK.stroke_width(1)))?;

    // Markers go on the whole map area: a marker on the frame may stick out of it.
    let screen = area.use_screen_coord();
    draw_map_markers((plotting, &screen), map, (x_lo, x_hi), (y_lo, y_hi), theme)
}

/// Fills the cell with data corners `[upper left, lower right]`. Filled rectangles end one pixel
/// before their lower right corner, so the corner is pushed out by one pixel: cells then meet
/// without gaps (nor hairline seams in SVG viewers), and the last row and column reach the
/// frame.
fn fill_cell<DB: DrawingBackend, CT: CoordTranslate<From = (f64, f64)>>(
    plotting: &DrawingArea<DB, CT>,
    [upper_left, lower_right]: [(f64, f64); 2],
    color: RGBColor,
) -> Result<(), DrawError> {
    let (x0, y0) = plotting.map_coordinate(&upper_left);
    let (x1, y1) = plotting.map_coordinate(&lower_right);
    let screen = plotting.use_screen_coord();
    screen.draw(&Rectangle::new(
        [(x0, y0), (x1 + 1, y1 + 1)],
        color.filled(),
    ))?;
    Ok(())
}

/// Points of interest: white markers with a black rim, each with its label in a pale box
/// beside it, placed where it overlaps neither an earlier label nor a marker if possible. Drawn
/// on `screen`, in backend pixels; labels stay inside the plotting area.
fn draw_map_markers<DB: DrawingBackend, CT: CoordTranslate<From = (f64, f64)>>(
    (plotting, screen): (&DrawingArea<DB, CT>, &DrawingArea<DB, Shift>),
    map: &HeatMap,
    (x_lo, x_hi): (f64, f64),
    (y_lo, y_hi): (f64, f64),
    theme: &Theme,
) -> Result<(), DrawError> {
    let r = theme.px(MAP_MARKER_RADIUS_PX);
    let paint = MarkerPaint {
        fill: WHITE.to_rgba(),
        outline: BLACK.to_rgba(),
        outline_width: theme.upx(2.0).max(1),
    };
    let inside = |(x, y): (f64, f64)| x >= x_lo && x <= x_hi && y >= y_lo && y <= y_hi;
    let shown: Vec<_> = map
        .markers
        .iter()
        .filter(|m| inside(m.position))
        .map(|m| (m, plotting.map_coordinate(&m.position)))
        .collect();
    for &(m, at) in &shown {
        draw_marker(screen, at, m.marker, r, &paint)?;
    }

    // Labels after all markers, avoiding the markers and each other.
    let (px_range, py_range) = plotting.get_pixel_range();
    let bounds = Box2 {
        x0: px_range.start,
        y0: py_range.start,
        x1: px_range.end,
        y1: py_range.end,
    };
    let mut taken: Vec<Box2> = shown
        .iter()
        .map(|&(_, (x, y))| Box2 {
            x0: x - r,
            y0: y - r,
            x1: x + r,
            y1: y + r,
        })
        .collect();
    let font = theme.legend_font();
    let pad = theme.text_px(MAP_LABEL_PADDING_PX);
    for &(m, at) in shown.iter().filter(|(m, _)| !m.label.is_empty()) {
        let (tw, th) = screen.estimate_text_size(&m.label, &font)?;
        let size = (tw as i32 + 2 * pad, th as i32 + 2 * pad);
        let label_box = place_label(at, size, r + pad, &taken, &bounds);
        screen.draw(&Rectangle::new(
            [(label_box.x0, label_box.y0), (label_box.x1, label_box.y1)],
            WHITE.mix(0.8).filled(),
        ))?;
        // A text element, not `draw_text`: the latter is relative to the area, not the screen.
        let style = font.pos(Pos::new(HPos::Center, VPos::Center));
        let centre = (
            (label_box.x0 + label_box.x1) / 2,
            (label_box.y0 + label_box.y1) / 2,
        );
        screen.draw(&Text::new(m.label.as_str(), centre, style))?;
        taken.push(label_box);
    }
    Ok(())
}

/// Pixel box `[x0, x1] x [y0, y1]`.
#[derive(Debug, Clone, Copy)]
struct Box2 {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Box2 {
    fn overlaps(&self, other: &Box2) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    fn within(&self, outer: &Box2) -> bool {
        self.x0 >= outer.x0 && self.x1 <= outer.x1 && self.y0 >= outer.y0 && self.y1 <= outer.y1
    }
}

/// Box of `size` beside the point `at`, `gap` away: right, left, above or below, the first that
/// stays inside `bounds` and clear of `taken`; else the first inside `bounds`; else right.
fn place_label(
    (x, y): (i32, i32),
    (w, h): (i32, i32),
    gap: i32,
    taken: &[Box2],
    bounds: &Box2,
) -> Box2 {
    let candidates = [
        Box2 {
            x0: x + gap,
            y0: y - h / 2,
            x1: x + gap + w,
            y1: y - h / 2 + h,
        },
        Box2 {
            x0: x - gap - w,
            y0: y - h / 2,
            x1: x - gap,
            y1: y - h / 2 + h,
        },
        Box2 {
            x0: x - w / 2,
            y0: y - gap - h,
            x1: x - w / 2 + w,
            y1: y - gap,
        },
        Box2 {
            x0: x - w / 2,
            y0: y + gap,
            x1: x - w / 2 + w,
            y1: y + gap + h,
        },
    ];
    candidates
        .iter()
        .find(|b| b.within(bounds) && !taken.iter().any(|t| t.overlaps(b)))
        .or_else(|| candidates.iter().find(|b| b.within(bounds)))
        .copied()
        .unwrap_or(candidates[0])
}

/// The colour bar: a vertical strip of the colour map from the low value (bottom) to the high
/// value (top), ticks and labels on its right, and the value description beside them.
fn draw_color_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    map: &HeatMap,
    (lo, hi): (f64, f64),
    ticks: &Ticks,
    theme: &Theme,
) -> Result<(), DrawError> {
    let desc_room = theme.px(LABEL_GAP_PX) + desc_px(theme) + theme.px(MARGIN_PX);
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(MARGIN_PX))
        .margin_right(desc_room)
        .x_label_area_size(x_label_area_px(theme))
        .right_y_label_area_size(color_bar_label_px(area, ticks, theme)?)
        .build_cartesian_2d(
            TickedRange::new(0.0, 1.0, &Ticks::default()),
            TickedRange::new(lo, hi, ticks),
        )?;

    let plotting = chart.plotting_area();
    let step = (hi - lo) / COLOR_BAR_STEPS as f64;
    for k in 0..COLOR_BAR_STEPS {
        let (v0, v1) = (lo + k as f64 * step, lo + (k + 1) as f64 * step);
        fill_cell(
            plotting,
            [(0.0, v1), (1.0, v0)],
            color_of(0.5 * (v0 + v1), (lo, hi)),
        )?;
    }
    let edges = vec![(1.0, hi), (0.0, hi), (0.0, lo), (1.0, lo)];
    plotting.draw(&PathElement::new(edges, BLACK.stroke_width(1)))?;

    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_label_formatter(&|v| ticks.label_at(*v))
        .label_style(theme.tick_font())
        .set_all_tick_mark_size(theme.tick_mark_px())
        .draw()?;

    // Value description, reading upwards, centred on the bar.
    let (w, _) = area.dim_in_pixel();
    let (_, bar_rows) = chart.plotting_area().get_pixel_range();
    let (_, area_y0) = area.get_base_pixel();
    let centre_y = (bar_rows.start + bar_rows.end) / 2 - area_y0;
    let x = w as i32 - theme.px(MARGIN_PX) - desc_px(theme) / 2;
    let style = theme
        .axis_label_font()
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(&map.value_label, &style, (x, centre_y))?;
    Ok(())
}
