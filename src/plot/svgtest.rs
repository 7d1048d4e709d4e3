//! What the chart tests read back from an SVG: its texts and the boxes they cover.
//! A file of its own, so that every chart's tests can use it without importing
//! `plot/mod.rs`, which imports the charts.

use super::style;
use plotters::prelude::*;

/// Text elements of an SVG, as the viewer shows them (entities decoded enough).
pub(crate) fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let t = &t[t.find('>')? + 1..];
            let t = t[..t.find("</text>")?].trim();
            Some(t.replace("&apos;", "'").replace("&amp;", "&"))
        })
        .collect()
}

/// The box a text of an SVG chart covers, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl TextBox {
    pub(crate) fn overlaps(&self, o: &TextBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// The boxes of the (unrotated) texts of an SVG written by plotters, measured with
/// the embedded font as the PNG backend draws it: width from the font's advance
/// widths, height from the em (ascent 0.76 em above the baseline, descent 0.24
/// em below), placed by the `text-anchor` and `dy` plotters writes (0.76em = top,
/// 0.5ex = centre, -0.5ex = bottom; ex taken as 0.55 em, DejaVu's x-height).
pub(crate) fn text_boxes(svg: &str) -> Vec<TextBox> {
    labelled_boxes(svg).into_iter().map(|(_, b)| b).collect()
}

/// [`text_boxes`] with each box's text.
pub(crate) fn labelled_boxes(svg: &str) -> Vec<(String, TextBox)> {
    assert!(style::register_font_once());
    let mut sink = String::new();
    let area = SVGBackend::with_string(&mut sink, (10, 10)).into_drawing_area();
    let attr = |t: &str, name: &str| -> Option<String> {
        let k = t.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(t[k..k + t[k..].find('"')?].to_string())
    };
    let mut out = Vec::new();
    for el in svg.split("<text").skip(1) {
        let Some(close) = el.find('>') else { continue };
        let head = &el[..close];
        if head.contains("transform=") {
            continue;
        }
        let Some(end) = el.find("</text>") else {
            continue;
        };
        let content = el[close + 1..end]
            .trim()
            .replace("&apos;", "'")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"");
        let num = |n: &str| attr(head, n).and_then(|v| v.parse::<f64>().ok());
        let (Some(x), Some(y), Some(em)) = (num("x"), num("y"), num("font-size")) else {
            continue;
        };
        let size = (em * 1.24).round();
        let font: TextStyle = (style::FAMILY, size).into_font().into();
        let w = area
            .estimate_text_size(&content, &font)
            .map_or(0.0, |(w, _)| f64::from(w));
        let (x0, x1) = match attr(head, "text-anchor").as_deref() {
            Some("middle") => (x - w / 2.0, x + w / 2.0),
            Some("end") => (x - w, x),
            _ => (x, x + w),
        };
        let baseline = match attr(head, "dy").as_deref() {
            Some("0.76em") => y + 0.76 * em,
            Some("0.5ex") => y + 0.5 * 0.55 * em,
            Some("-0.5ex") => y - 0.5 * 0.55 * em,
            _ => y,
        };
        out.push((
            content,
            TextBox {
                x0,
                y0: baseline - 0.76 * em,
                x1,
                y1: baseline + 0.24 * em,
            },
        ));
    }
    out
}

/// Asserts that each of `labels` is one of the texts of `svg`, whole; returns the
/// texts for the test's other checks.
pub(crate) fn assert_texts(svg: &str, labels: &[&str]) -> Vec<String> {
    let t = texts(svg);
    for label in labels {
        assert!(t.iter().any(|x| x == label), "{label}: {t:?}");
    }
    t
}

/// How many rectangles of `svg` are filled with `c`.
pub(crate) fn fill_count(svg: &str, c: RGBColor) -> usize {
    let hex = format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
    svg.split("<rect")
        .skip(1)
        .filter(|r| r.contains(&hex))
        .count()
}

/// How many interval whiskers (black lines [`style::WHISKER_WIDTH`] wide) `svg` draws.
pub(crate) fn whisker_count(svg: &str) -> usize {
    let width = format!("stroke-width=\"{}\"", style::WHISKER_WIDTH);
    svg.split("<polyline")
        .skip(1)
        .filter(|p| p.contains(&width) && p.contains("stroke=\"#000000\""))
        .count()
}
