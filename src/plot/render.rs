//! Rendering a drawing to SVG text or PNG bytes, for every chart module, the
//! sensitivity charts and the animation's frames: one place that registers the font,
//! sizes the canvas and encodes the PNG, so that all of them come out alike.
//!
//! Below the chart modules (it knows none of them), so they can name [`Figure`] and
//! [`DrawResult`] without importing `plot/mod.rs`, which imports them.

use super::style;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Chart modules report plotters' errors as text: the backend error types differ,
/// and the message is all the caller can use.
pub type DrawResult = Result<(), String>;

/// The error text of a font that does not load; `plot_dir` turns it into
/// [`PlotError::Font`](super::PlotError::Font).
pub const FONT_ERROR: &str = "embedded font";

/// One chart with its data, ready to draw on any backend: what [`svg_of`] and
/// [`png_of`] render and [`plot_dir`](super::plot_dir) writes as `name().png` / `name().svg`.
pub trait Figure {
    /// File stem (`ami`, `axis-parameters-legit_cost-1`, ...).
    fn name(&self) -> String;
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// A figure as an SVG document.
pub fn svg_of(fig: &impl Figure) -> Result<String, String> {
    svg_with(|root| fig.draw(root))
}

/// A figure as PNG bytes (8-bit RGB).
pub fn png_of(fig: &impl Figure) -> Result<Vec<u8>, String> {
    png_with(|root| fig.draw(root))
}

/// What `draw` draws on a [`style::SIZE`] canvas, as an SVG document.
pub fn svg_with(
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
) -> Result<String, String> {
    if !style::register_font_once() {
        return Err(FONT_ERROR.into());
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, style::SIZE).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// What `draw` draws on a [`style::SIZE`] canvas, as PNG bytes (8-bit RGB).
pub fn png_with(
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> DrawResult,
) -> Result<Vec<u8>, String> {
    if !style::register_font_once() {
        return Err(FONT_ERROR.into());
    }
    encode_png(&rgb_with(draw)?)
}

/// What `draw` draws on a [`style::SIZE`] canvas, as RGB pixels, row by row. The
/// caller registers the font first ([`style::register_font_once`]): the animation
/// draws a hundred frames and checks it once.
pub fn rgb_with(
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> DrawResult,
) -> Result<Vec<u8>, String> {
    let (w, h) = style::SIZE;
    let mut pixels = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, style::SIZE).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(pixels)
}

/// RGB pixels of a [`style::SIZE`] canvas as PNG bytes (8-bit RGB).
pub fn encode_png(pixels: &[u8]) -> Result<Vec<u8>, String> {
    let (w, h) = style::SIZE;
    let mut png = Vec::new();
    let mut enc = png::Encoder::new(&mut png, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(png)
}
