//! Shared look of every chart: size, embedded font, Okabe–Ito palette, a legend box.
//!
//! Charts must render on a machine without system fonts (a classroom PC, a CI box), so
//! the DejaVu Sans TTF is compiled into the binary and registered with plotters'
//! `ab_glyph` text renderer under the family name `sans-serif`. Sizes are chosen for
//! 1600×900 slides: no text smaller than 20 px.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font, text_anchor};
use std::sync::OnceLock;

/// Pixel size of every chart (16:9, for slides; the SVG has the same view box).
pub const SIZE: (u32, u32) = (1600, 900);

/// DejaVu Sans 2.37, from Debian's `fonts-dejavu-core` (see `assets/fonts/README.md`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The embedded font file (for the HTML report's `@font-face`).
pub fn font_bytes() -> &'static [u8] {
    FONT
}

/// The font family every text uses (registered by [`register_font_once`]).
pub const FAMILY: &str = "sans-serif";

// Sizes are plotters' font sizes. plotters writes `size / 1.24` as the SVG font-size
// (the em) and rasterises PNG text at about `size / 1.16` px per em for DejaVu, so 25
// is the smallest size that keeps every text at 20 px or more in both formats.
pub const TITLE: u32 = 42;
pub const SUBTITLE: u32 = 26;
pub const AXIS: u32 = 30;
pub const TICK: u32 = 25;
pub const LEGEND: u32 = 26;
pub const LABEL: u32 = 25;
/// The smallest size any text may use.
pub const MIN_SIZE: u32 = 25;

/// Registers the embedded font once per process. `false` if it cannot be parsed,
/// which would be a build bug (the bytes are fixed at compile time).
pub fn register_font_once() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok())
}

/// Okabe & Ito's (2008) colour-blind-safe palette, ordered for lines on white, yellow
/// (weakest contrast) last of the eight; then four of Paul Tol's colour-blind-safe
/// "muted" colours (indigo, wine, olive, teal), so that a world's dozen venues get a
/// colour each before any repeats (issue #14 item 14).
pub const PALETTE: [RGBColor; 12] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x33, 0x22, 0x88), // indigo (Tol)
    RGBColor(0x88, 0x22, 0x55), // wine (Tol)
    RGBColor(0x99, 0x99, 0x33), // olive (Tol)
    RGBColor(0x44, 0xAA, 0x99), // teal (Tol)
];

/// The colour of series `i`; past the palette the colours repeat (callers then
/// switch the line to dashed, see [`dashed`]).
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Whether `c` is too light to stand out on white as a thin line (the palette's
/// yellow): such lines get a dark [`CASING`] underneath.
pub fn light(c: RGBColor) -> bool {
    let lum = 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
    lum > 0.75 * 255.0
}

/// The outline drawn under light lines.
pub const CASING: RGBAColor = RGBAColor(0x33, 0x33, 0x33, 0.8);

/// Whether series `i` is drawn dashed: the second pass through the palette.
pub fn dashed(i: usize) -> bool {
    i / PALETTE.len() % 2 == 1
}

pub fn font(size: u32) -> TextStyle<'static> {
    debug_assert!(size >= MIN_SIZE, "text below {MIN_SIZE}: {size}");
    (FAMILY, size).into_font().color(&BLACK)
}

/// Secondary text and neutral legend swatches.
pub const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// Stroke width of interval whiskers (the chart tests count whiskers by it).
pub const WHISKER_WIDTH: u32 = 3;

/// An interval whisker at `x` from `lo` to `hi` with caps `cap` wide on each side, in
/// the chart's coordinates: one path (cap, stem, cap), so a chart's whiskers are
/// counted as one element each.
pub fn whisker(x: f64, lo: f64, hi: f64, cap: f64) -> PathElement<(f64, f64)> {
    PathElement::new(
        vec![
            (x - cap, lo),
            (x + cap, lo),
            (x, lo),
            (x, hi),
            (x - cap, hi),
            (x + cap, hi),
        ],
        BLACK.stroke_width(WHISKER_WIDTH),
    )
}

/// How a legend entry shows its series.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Line {
        colour: RGBColor,
        dashed: bool,
    },
    Box(RGBAColor),
    Marker(Marker),
    /// A hollow circle (a trajectory's start point).
    Ring,
    /// A filled dot of a colour (an estimate).
    Dot(RGBColor),
}

/// Marker shapes, one per kind of rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Triangle,
    Square,
    Diamond,
}

impl Marker {
    pub const ALL: [Marker; 4] = [
        Marker::Circle,
        Marker::Triangle,
        Marker::Square,
        Marker::Diamond,
    ];
}

/// Draws `marker` centred at pixel `at` of `area`.
pub fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    marker: Marker,
    at: (i32, i32),
    r: i32,
    style: ShapeStyle,
) -> Result<(), String> {
    let (x, y) = at;
    let res = match marker {
        Marker::Circle => area.draw(&Circle::new(at, r, style)),
        Marker::Square => area.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], style)),
        Marker::Triangle => area.draw(&Polygon::new(
            vec![(x, y - r - 2), (x - r - 1, y + r), (x + r + 1, y + r)],
            style,
        )),
        Marker::Diamond => area.draw(&Polygon::new(
            vec![
                (x, y - r - 2),
                (x + r + 2, y),
                (x, y + r + 2),
                (x - r - 2, y),
            ],
            style,
        )),
    };
    res.map_err(|e| e.to_string())?;
    if !style.filled {
        return Ok(());
    }
    // A thin dark outline keeps light colours (yellow, sky blue) visible on white.
    let edge = ShapeStyle::from(&BLACK.mix(0.7)).stroke_width(1);
    let res = match marker {
        Marker::Circle => area.draw(&Circle::new(at, r, edge)),
        Marker::Square => area.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], edge)),
        Marker::Triangle => area.draw(&PathElement::new(
            vec![
                (x, y - r - 2),
                (x - r - 1, y + r),
                (x + r + 1, y + r),
                (x, y - r - 2),
            ],
            edge,
        )),
        Marker::Diamond => area.draw(&PathElement::new(
            vec![
                (x, y - r - 2),
                (x + r + 2, y),
                (x, y + r + 2),
                (x - r - 2, y),
                (x, y - r - 2),
            ],
            edge,
        )),
    };
    res.map_err(|e| e.to_string())
}

/// Draws a vertical legend (title, then one row per entry) into `area`, top-left at
/// `at`. Drawn by hand, outside the plot, so it never hides data.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    title: &str,
    entries: &[(String, Swatch)],
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    // Rows 40 px apart, closer (down to 32) when that is what fits every entry.
    let rows = entries.len() as i32 + i32::from(!title.is_empty());
    let room = area.dim_in_pixel().1 as i32 - at.1;
    let row = (room / rows.max(1)).clamp(LEGEND as i32 + 6, LEGEND as i32 + 14);
    let (x, mut y) = at;
    if !title.is_empty() {
        area.draw(&Text::new(title.to_string(), (x, y), font(LEGEND)))
            .map_err(e)?;
        y += row;
    }
    for (label, swatch) in entries {
        let mid = y + LEGEND as i32 / 2;
        match *swatch {
            Swatch::Line { colour, dashed } => {
                let style = colour.stroke_width(4);
                if light(colour) {
                    area.draw(&PathElement::new(
                        vec![(x - 1, mid), (x + 43, mid)],
                        CASING.stroke_width(7),
                    ))
                    .map_err(e)?;
                }
                if dashed {
                    for k in 0..3 {
                        let x0 = x + k * 16;
                        area.draw(&PathElement::new(vec![(x0, mid), (x0 + 9, mid)], style))
                            .map_err(e)?;
                    }
                } else {
                    area.draw(&PathElement::new(vec![(x, mid), (x + 42, mid)], style))
                        .map_err(e)?;
                }
            }
            Swatch::Box(c) => {
                area.draw(&Rectangle::new(
                    [(x, mid - 10), (x + 42, mid + 10)],
                    c.filled(),
                ))
                .map_err(e)?;
            }
            Swatch::Marker(m) => draw_marker(area, m, (x + 21, mid), 8, GREY.filled())?,
            Swatch::Dot(c) => {
                area.draw(&Circle::new((x + 21, mid), 9, c.filled()))
                    .map_err(e)?;
            }
            Swatch::Ring => {
                area.draw(&Circle::new((x + 21, mid), 7, GREY.stroke_width(3)))
                    .map_err(e)?;
            }
        }
        area.draw(&Text::new(label.clone(), (x + 56, y), font(LEGEND)))
            .map_err(e)?;
        y += row;
    }
    Ok(())
}

/// Draws a one-line legend into `area` from `at` rightwards (for legends under a chart).
pub fn draw_legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    entries: &[(String, Swatch)],
) -> Result<(), String> {
    let mut x = at.0;
    for entry in entries {
        draw_legend(area, (x, at.1), "", std::slice::from_ref(entry))?;
        let (w, _) = area
            .estimate_text_size(&entry.0, &font(LEGEND))
            .map_err(|e| e.to_string())?;
        x += 56 + w as i32 + 48;
    }
    Ok(())
}

/// Starts a chart's page: fills `root` white and draws a centred title and a smaller
/// grey subtitle at its top; returns the area below them. The subtitle says which
/// batch and which summary is shown.
pub fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let centre_top = text_anchor::Pos::new(text_anchor::HPos::Center, text_anchor::VPos::Top);
    let mid = root.dim_in_pixel().0 as i32 / 2;
    root.draw(&Text::new(
        title.to_string(),
        (mid, 14),
        font(TITLE).pos(centre_top),
    ))
    .map_err(e)?;
    let sub_y = 14 + TITLE as i32 + 8;
    root.draw(&Text::new(
        subtitle.to_string(),
        (mid, sub_y),
        font(SUBTITLE).color(&GREY).pos(centre_top),
    ))
    .map_err(e)?;
    Ok(root.margin(sub_y + SUBTITLE as i32 + 6, 0, 0, 0))
}

/// `text` cut (with an ellipsis) to fit `width` pixels in `font`.
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle<'_>,
    width: u32,
) -> String {
    let wide = |s: &str| area.estimate_text_size(s, font).map_or(0, |(w, _)| w) > width;
    if !wide(text) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut k = chars.len();
    while k > 0 {
        let s: String = chars[..k].iter().collect::<String>().trim_end().to_string() + "…";
        if !wide(&s) {
            return s;
        }
        k -= 1;
    }
    "…".to_string()
}
