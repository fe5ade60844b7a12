//! Drawing a figure on both backends and writing the files atomically.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::text::Typeset;
use super::theme::{Theme, FONT_FAMILY};
use super::PlotError;

/// A drawing failure inside plotters, reduced to its message (the backend error types differ).
#[derive(Debug)]
pub(crate) struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(err: DrawingAreaErrorKind<E>) -> Self {
        DrawError(err.to_string())
    }
}

/// Something that draws itself on any plotters backend.
pub(crate) trait Drawing {
    /// Canvas size, `(width, height)` in pixels.
    fn size_px(&self) -> (u32, u32);
    /// Draws on a white canvas of [`Drawing::size_px`].
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError>;
}

/// Canvas of `n_cells` cells of `cell_px` on a grid of `columns`, plus a title strip.
pub(crate) fn canvas_size(
    has_title: bool,
    n_cells: usize,
    columns: usize,
    cell_px: (u32, u32),
) -> (u32, u32) {
    let columns = columns.max(1);
    let n_cols = n_cells.clamp(1, columns) as u32;
    let n_rows = n_cells.div_ceil(columns).max(1) as u32;
    let title_px = if has_title {
        Theme::new(cell_px).title_strip_px()
    } else {
        0
    };
    (n_cols * cell_px.0, n_rows * cell_px.1 + title_px)
}

/// Splits the canvas into the title strip (drawn here) and the grid cells, row by row.
pub(crate) fn layout_grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: Option<&str>,
    n_cells: usize,
    columns: usize,
    cell_px: (u32, u32),
) -> Result<Vec<DrawingArea<DB, Shift>>, DrawError> {
    let theme = Theme::new(cell_px);
    let grid = match title {
        Some(text) => {
            let (strip, rest) = root.split_vertically(theme.title_strip_px());
            let (w, h) = strip.dim_in_pixel();
            let style = theme
                .figure_title_font()
                .pos(Pos::new(HPos::Center, VPos::Center));
            strip.draw_text(text, &style, (w as i32 / 2, h as i32 / 2))?;
            rest
        }
        None => root.clone(),
    };
    let columns = columns.max(1);
    let n_rows = n_cells.div_ceil(columns).max(1);
    let n_cols = n_cells.clamp(1, columns);
    Ok(grid.split_evenly((n_rows, n_cols)))
}

/// Registers the bundled DejaVu Sans with plotters, once per process. Returns whether the font
/// could be parsed (it always can, the bytes are fixed at compile time).
fn ensure_font() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| {
        let regular = register_font(FONT_FAMILY, FontStyle::Normal, dejavu::sans::regular());
        let bold = register_font(FONT_FAMILY, FontStyle::Bold, dejavu::sans::bold());
        regular.is_ok() && bold.is_ok()
    })
}

/// `stem` with `.ext` appended (not replacing what follows a dot in the stem).
fn with_suffix(stem: &Path, ext: &str) -> PathBuf {
    let mut name = OsString::from(stem.as_os_str());
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// A fresh name beside `target` for a temporary file: hidden, with the process id and a counter.
fn temp_path(target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let file_name = target
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp_name = format!(".{file_name}.{}-{n}.tmp", std::process::id());
    target.with_file_name(temp_name)
}

/// Draws `drawing` as SVG text.
fn render_svg(drawing: &impl Drawing, path: &Path) -> Result<String, PlotError> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, drawing.size_px()).into_drawing_area();
        draw_on(drawing, &root).map_err(|err| PlotError::Drawing {
            path: path.to_path_buf(),
            message: err.0,
        })?;
    }
    Ok(text)
}

/// Draws `drawing` as packed 8-bit RGB pixels, row by row.
fn render_rgb(drawing: &impl Drawing, path: &Path) -> Result<Vec<u8>, PlotError> {
    let (w, h) = drawing.size_px();
    let mut pixels = vec![0_u8; 3 * w as usize * h as usize];
    {
        let backend = Typeset(BitMapBackend::with_buffer(&mut pixels, (w, h)));
        let root = backend.into_drawing_area();
        draw_on(drawing, &root).map_err(|err| PlotError::Drawing {
            path: path.to_path_buf(),
            message: err.0,
        })?;
    }
    Ok(pixels)
}

fn draw_on<DB: DrawingBackend>(
    drawing: &impl Drawing,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), DrawError> {
    if !ensure_font() {
        return Err(DrawError("the bundled font could not be loaded".into()));
    }
    root.fill(&WHITE)?;
    drawing.draw(root)?;
    root.present()?;
    Ok(())
}

fn write_png(pixels: &[u8], (w, h): (u32, u32), temp: &Path) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(temp)?);
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(pixels)
        .map_err(std::io::Error::other)?;
    writer.finish().map_err(std::io::Error::other)?;
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn write_text(text: &str, temp: &Path) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(temp)?);
    out.write_all(text.as_bytes())?;
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// Draws `drawing` and writes `<stem>.png` and `<stem>.svg`. Both are drawn in memory and written
/// to temporary files before either is renamed into place, so a failure to draw or to write
/// leaves the targets as they were; only a failure of the second rename (after the first
/// succeeded) leaves a new PNG beside an old SVG.
pub(crate) fn write_png_and_svg(drawing: &impl Drawing, stem: &Path) -> Result<(), PlotError> {
    let png_path = with_suffix(stem, "png");
    let svg_path = with_suffix(stem, "svg");

    // Draw both in memory first: a drawing failure touches no file.
    let svg = render_svg(drawing, &svg_path)?;
    let pixels = render_rgb(drawing, &png_path)?;

    // Write both to temporary files beside the targets, then rename both into place.
    let png_temp = temp_path(&png_path);
    let svg_temp = temp_path(&svg_path);
    let written = write_png(&pixels, drawing.size_px(), &png_temp)
        .map_err(|source| io_error(&png_path, source))
        .and_then(|()| write_text(&svg, &svg_temp).map_err(|source| io_error(&svg_path, source)))
        .and_then(|()| fs::rename(&png_temp, &png_path).map_err(|s| io_error(&png_path, s)))
        .and_then(|()| fs::rename(&svg_temp, &svg_path).map_err(|s| io_error(&svg_path, s)));
    if written.is_err() {
        // Best effort: a temporary file that was never created or already renamed is fine.
        let _ = fs::remove_file(&png_temp);
        let _ = fs::remove_file(&svg_temp);
    }
    written
}

fn io_error(path: &Path, source: std::io::Error) -> PlotError {
    PlotError::Io {
        path: path.to_path_buf(),
        source,
    }
}
