//! Colours, fonts, sizes and markers shared by all figure kinds.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::output::DrawError;
use super::Marker;

/// Font family name under which the bundled DejaVu Sans is registered; SVG files name the
/// generic family, so a viewer without DejaVu still shows a sans-serif face.
pub(crate) const FONT_FAMILY: &str = "sans-serif";

/// Line colours, safe for the common colour-vision deficiencies: the Okabe–Ito set without its
/// yellow (too faint on white), followed by three darker colours of Paul Tol's "muted" set.
/// Series that must stay apart in greyscale should also differ in dash or marker.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0x88, 0x22, 0x55), // wine
    RGBColor(0x99, 0x99, 0x33), // olive
    RGBColor(0x33, 0x22, 0x88), // indigo
];

/// The palette colour of index `color`, wrapping around.
pub(crate) fn palette(color: usize) -> RGBColor {
    PALETTE[color % PALETTE.len()]
}

/// Panel size at which every length below is taken as given, `(width, height)` in pixels.
const REFERENCE_PANEL_PX: (f64, f64) = (640.0, 480.0);

/// Pixel sizes of one panel's text and strokes, scaled with the panel.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Theme {
    /// Factor on lengths: panel size over the reference size.
    scale: f64,
    /// Factor on font sizes: the square root of `scale`, so that text in small panels stays
    /// legible and text in large ones does not crowd the plot.
    text_scale: f64,
}

impl Theme {
    /// Theme for a panel (or heat map) of `(width, height)` pixels.
    pub(crate) fn new((w, h): (u32, u32)) -> Self {
        let scale = (f64::from(w) / REFERENCE_PANEL_PX.0)
            .min(f64::from(h) / REFERENCE_PANEL_PX.1)
            .clamp(0.5, 4.0);
        Theme {
            scale,
            text_scale: scale.sqrt(),
        }
    }

    /// `base` pixels at the reference panel size, scaled and rounded.
    pub(crate) fn px(&self, base: f64) -> i32 {
        (base * self.scale).round() as i32
    }

    /// `base` pixels at the reference panel size, scaled like text: for lengths that must hold
    /// text (tick label spacing, room for a label).
    pub(crate) fn text_px(&self, base: f64) -> i32 {
        (base * self.text_scale).round() as i32
    }

    /// Most tick labels on an axis `length_px` long whose labels need `spacing_px` each at the
    /// reference size.
    pub(crate) fn max_labels(&self, length_px: u32, spacing_px: f64) -> usize {
        (f64::from(length_px) / f64::from(self.text_px(spacing_px).max(1))) as usize
    }

    /// As [`Theme::px`], for sizes that plotters takes unsigned.
    pub(crate) fn upx(&self, base: f64) -> u32 {
        self.px(base).max(0) as u32
    }

    fn font(&self, base: f64, style: FontStyle) -> TextStyle<'static> {
        let size = base * self.text_scale;
        FontDesc::new(FontFamily::Name(FONT_FAMILY), size, style).color(&BLACK)
    }

    pub(crate) fn figure_title_font(&self) -> TextStyle<'static> {
        self.font(26.0, FontStyle::Bold)
    }

    pub(crate) fn title_font(&self) -> TextStyle<'static> {
        self.font(22.0, FontStyle::Normal)
    }

    /// Axis descriptions ("transmit power [dBm]").
    pub(crate) fn axis_label_font(&self) -> TextStyle<'static> {
        self.font(20.0, FontStyle::Normal)
    }

    pub(crate) fn tick_font(&self) -> TextStyle<'static> {
        self.font(17.0, FontStyle::Normal)
    }

    pub(crate) fn legend_font(&self) -> TextStyle<'static> {
        self.font(17.0, FontStyle::Normal)
    }

    /// Height of the strip holding a figure title.
    pub(crate) fn title_strip_px(&self) -> u32 {
        (44.0 * self.text_scale).round() as u32
    }

    pub(crate) fn line_width(&self) -> u32 {
        self.upx(2.0).max(1)
    }

    /// Length of a dash and of the gap after it.
    pub(crate) fn dash_px(&self) -> (i32, i32) {
        (self.px(9.0).max(2), self.px(6.0).max(2))
    }

    pub(crate) fn marker_radius(&self) -> i32 {
        self.px(5.0).max(4)
    }

    pub(crate) fn tick_mark_px(&self) -> i32 {
        self.px(5.0).max(2)
    }
}

/// How a marker is painted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MarkerPaint {
    pub fill: RGBAColor,
    pub outline: RGBAColor,
    pub outline_width: u32,
}

impl MarkerPaint {
    /// A series marker: filled in the line colour with a thin white rim, so that it stands out
    /// where curves cross.
    pub(crate) fn series(color: RGBColor, theme: &Theme) -> Self {
        MarkerPaint {
            fill: color.to_rgba(),
            outline: WHITE.to_rgba(),
            outline_width: theme.upx(1.0).max(1),
        }
    }
}

/// Draws `marker` centred at `(x, y)` in the coordinates of `area`, of half-size `r` pixels.
pub(crate) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    marker: Marker,
    r: i32,
    paint: &MarkerPaint,
) -> Result<(), DrawError> {
    let fill = paint.fill.filled();
    let outline = paint.outline.stroke_width(paint.outline_width);
    match marker {
        Marker::Circle => {
            area.draw(&Circle::new((x, y), r, fill))?;
            area.draw(&Circle::new((x, y), r, outline))?;
        }
        Marker::Square => {
            // A square of the circle's area looks the same size.
            let s = (f64::from(r) * 0.886).round() as i32;
            area.draw(&Rectangle::new([(x - s, y - s), (x + s, y + s)], fill))?;
            area.draw(&Rectangle::new([(x - s, y - s), (x + s, y + s)], outline))?;
        }
        Marker::Triangle => {
            // Upward equilateral triangle around the centre, a little larger than the circle.
            let rt = f64::from(r) * 1.25;
            let dx = (rt * 0.866).round() as i32;
            let top = (x, y - rt.round() as i32);
            let left = (x - dx, y + (rt * 0.5).round() as i32);
            let right = (x + dx, y + (rt * 0.5).round() as i32);
            area.draw(&Polygon::new(vec![top, left, right], fill))?;
            area.draw(&PathElement::new(vec![top, left, right, top], outline))?;
        }
        Marker::Cross => {
            // Strokes only: the outline is a wider stroke beneath the arms. Arms a little
            // shorter than the radius keep the cross as heavy as the filled shapes.
            let r = (f64::from(r) * 0.85).round() as i32;
            let arm_width = 2 * paint.outline_width.max(1);
            let rim = paint
                .outline
                .stroke_width(arm_width + 2 * paint.outline_width);
            let arm = paint.fill.stroke_width(arm_width);
            for style in [rim, arm] {
                area.draw(&PathElement::new(
                    vec![(x - r, y - r), (x + r, y + r)],
                    style,
                ))?;
                area.draw(&PathElement::new(
                    vec![(x - r, y + r), (x + r, y - r)],
                    style,
                ))?;
            }
        }
    }
    Ok(())
}
