//! The legend under a panel: one entry per labelled series, row by row, in as many columns as
//! the panel width allows. Outside the axes, it can never hide a curve.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::output::DrawError;
use super::theme::{draw_marker, palette, MarkerPaint, Theme};
use super::Style;

/// Legend entries and their placement, fixed before the axes are laid out.
#[derive(Debug, Clone)]
pub(crate) struct Legend {
    /// Label (shortened with an ellipsis if it could not fit the panel) and style.
    entries: Vec<(String, Style)>,
    n_cols: usize,
    col_width_px: i32,
    row_height_px: i32,
    /// Height to reserve below the axes; 0 without entries.
    pub height_px: u32,
}

/// Layout lengths at the reference panel size, in pixels.
const SAMPLE_LINE_PX: f64 = 44.0;
const SAMPLE_TEXT_GAP_PX: f64 = 8.0;
const COLUMN_GAP_PX: f64 = 22.0;
const SIDE_PADDING_PX: f64 = 10.0;
const VERTICAL_PADDING_PX: f64 = 6.0;
/// Row height as a multiple of the legend font size.
const ROW_HEIGHT_EM: f64 = 1.3;

impl Legend {
    /// Lays out the entries (labelled series only) for an area `width_px` wide.
    pub(crate) fn new<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        entries: impl Iterator<Item = (String, Style)>,
        width_px: u32,
        theme: &Theme,
    ) -> Result<Self, DrawError> {
        let font = theme.legend_font();
        let sample_px = theme.px(SAMPLE_LINE_PX + SAMPLE_TEXT_GAP_PX);
        let usable_px = width_px as i32 - 2 * theme.px(SIDE_PADDING_PX);
        let max_text_px = (usable_px - sample_px).max(1);

        // Shorten labels that are wider than the whole legend, and measure the widest one.
        let mut fitted = Vec::new();
        let mut widest_px = 0;
        for (label, style) in entries.filter(|(label, _)| !label.is_empty()) {
            let (text, text_px) = fit_text(area, &label, &font, max_text_px)?;
            widest_px = widest_px.max(text_px);
            fitted.push((text, style));
        }
        if fitted.is_empty() {
            return Ok(Legend {
                entries: fitted,
                n_cols: 1,
                col_width_px: 0,
                row_height_px: 0,
                height_px: 0,
            });
        }

        // As many equal columns as fit, then as few as give the same number of rows.
        let col_width_px = sample_px + widest_px + theme.px(COLUMN_GAP_PX);
        let fit_cols = ((usable_px + theme.px(COLUMN_GAP_PX)) / col_width_px).max(1) as usize;
        let n_rows = fitted.len().div_ceil(fit_cols);
        let n_cols = fitted.len().div_ceil(n_rows);
        let row_height_px = (font.font.get_size() * ROW_HEIGHT_EM).round() as i32;
        let height_px = n_rows as i32 * row_height_px + 2 * theme.px(VERTICAL_PADDING_PX);
        Ok(Legend {
            entries: fitted,
            n_cols,
            col_width_px,
            row_height_px,
            height_px: height_px as u32,
        })
    }

    /// Draws the legend centred in `area` (the strip reserved below the axes).
    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        theme: &Theme,
    ) -> Result<(), DrawError> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let (w, _) = area.dim_in_pixel();
        let block_px = self.n_cols as i32 * self.col_width_px - theme.px(COLUMN_GAP_PX);
        let x0 = ((w as i32 - block_px) / 2).max(theme.px(SIDE_PADDING_PX));
        let y0 = theme.px(VERTICAL_PADDING_PX);
        let font = theme.legend_font().pos(Pos::new(HPos::Left, VPos::Center));
        for (i, (label, style)) in self.entries.iter().enumerate() {
            let x = x0 + (i % self.n_cols) as i32 * self.col_width_px;
            let y = y0 + (i / self.n_cols) as i32 * self.row_height_px + self.row_height_px / 2;
            draw_sample(area, (x, y), style, theme)?;
            let text_x = x + theme.px(SAMPLE_LINE_PX + SAMPLE_TEXT_GAP_PX);
            area.draw_text(label, &font, (text_x, y))?;
        }
        Ok(())
    }
}

/// A short piece of the series' line with its marker in the middle, starting at `(x, y)`.
fn draw_sample<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    style: &Style,
    theme: &Theme,
) -> Result<(), DrawError> {
    let color = palette(style.color);
    let stroke = color.stroke_width(theme.line_width());
    let end = x + theme.px(SAMPLE_LINE_PX);
    if style.dash {
        let (dash, gap) = theme.dash_px();
        area.draw(&DashedPathElement::new(
            vec![(x, y), (end, y)],
            dash,
            gap,
            stroke,
        ))?;
    } else {
        area.draw(&PathElement::new(vec![(x, y), (end, y)], stroke))?;
    }
    if let Some(marker) = style.marker {
        let paint = MarkerPaint::series(color, theme);
        draw_marker(
            area,
            ((x + end) / 2, y),
            marker,
            theme.marker_radius(),
            &paint,
        )?;
    }
    Ok(())
}

/// `text`, shortened with a trailing ellipsis until it is at most `max_px` wide, and its width.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    max_px: i32,
) -> Result<(String, i32), DrawError> {
    let width =
        |s: &str| -> Result<i32, DrawError> { Ok(area.estimate_text_size(s, font)?.0 as i32) };
    let full_px = width(text)?;
    if full_px <= max_px {
        return Ok((text.to_string(), full_px));
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().chain(std::iter::once(&'…')).collect();
        let candidate_px = width(&candidate)?;
        if candidate_px <= max_px {
            return Ok((candidate, candidate_px));
        }
    }
    Ok(("…".to_string(), width("…")?))
}
