//! Drawing one frame of the replay (any plotters backend; the GIF uses the bitmap one).
//!
//! Layout at 1600×900: the policy plane on the left (states as dots coloured by
//! regime, venues' rules as large markers — colour = venue, shape = kind — labelled
//! with the venue and its member count), a panel on the right with one bar per venue
//! (members split by regime class, on a common scale) and the legends, and the year's
//! key events as captions along the bottom.

use super::frames::{CLASSES, Frame, VenueMark};
use crate::model::Kind;
use crate::plot::plane;
use crate::plot::render::DrawResult;
use crate::plot::style::{self, Marker};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos as Anchor, VPos};

/// Regime classes, autocratic to liberal: ColorBrewer PuOr (orange ↔ purple, safe for
/// the common colour-vision deficiencies), with the near-white middle darkened to a
/// light grey so that dots of that class stay visible on white.
pub const REGIME_COLOURS: [RGBColor; CLASSES] = [
    RGBColor(0xE6, 0x61, 0x01),
    RGBColor(0xFD, 0xB8, 0x63),
    RGBColor(0xC8, 0xC8, 0xC8),
    RGBColor(0xB2, 0xAB, 0xD2),
    RGBColor(0x5E, 0x3C, 0x99),
];

/// Legend text of each regime class.
pub const REGIME_LABELS: [&str; CLASSES] = [
    "< 0.2 autocracy",
    "0.2–0.4 hybrid",
    "0.4–0.6 electoral",
    "0.6–0.8 liberal",
    "≥ 0.8 liberal",
];

/// The marker of a rule's kind (fixed, so a shape means the same in every frame).
pub fn marker(kind: Kind) -> Marker {
    match kind {
        Kind::Norms => Marker::Circle,
        Kind::Cybercrime => Marker::Triangle,
        Kind::Standards => Marker::Square,
        Kind::Procedural => Marker::Diamond,
    }
}

/// What the frame says about its run (top line).
#[derive(Debug, Clone)]
pub struct Heading {
    pub scenario: String,
    pub run: u64,
    pub seed: u64,
    /// Number of states, the full length of a venue's bar.
    pub states: usize,
}

/// Draws `f` on `root` (1600×900).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    f: &Frame,
    h: &Heading,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (w, ht) = root.dim_in_pixel();
    let (w, ht) = (w as i32, ht as i32);

    // Heading: the year, large, then what is shown.
    root.draw(&Text::new(
        f.year.to_string(),
        (24, 14),
        (style::FAMILY, 64).into_font().color(&BLACK),
    ))
    .map_err(e)?;
    let ami = if f.ami.is_finite() {
        format!("{:.2}", f.ami)
    } else {
        "n/a".into()
    };
    root.draw(&Text::new(
        format!(
            "{}, run {}, seed {} · round {} · AMI {ami}",
            h.scenario, h.run, h.seed, f.round
        ),
        (200, 16),
        style::font(style::SUBTITLE).color(&style::GREY),
    ))
    .map_err(e)?;
    root.draw(&Text::new(
        "dots = states' ideal points (colour = regime); large markers = venues' rules",
        (200, 50),
        style::font(style::MIN_SIZE).color(&style::GREY),
    ))
    .map_err(e)?;

    let caption_h = 118;
    let body = root.margin(84, caption_h, 0, 0);
    let (plane, panel) = body.split_horizontally(900);
    draw_plane(&plane, root, f)?;
    draw_panel(&panel, f, h)?;

    // Captions: the year's key events, wrapped to at most three lines.
    let top = ht - caption_h;
    root.draw(&PathElement::new(
        vec![(20, top + 4), (w - 20, top + 4)],
        BLACK.mix(0.25).stroke_width(1),
    ))
    .map_err(e)?;
    let font = style::font(style::LABEL);
    let items = if f.captions.is_empty() {
        vec!["no votes, moves or events this year".to_string()]
    } else {
        f.captions.clone()
    };
    let lines = wrap(root, &items, &font, w - 60, 3)?;
    for (k, line) in lines.iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (30, top + 14 + 34 * k as i32),
            font.clone(),
        ))
        .map_err(e)?;
    }
    Ok(())
}

/// Joins `items` with " · " into lines no wider than `max` pixels; the last allowed
/// line says how many items did not fit.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[String],
    font: &TextStyle,
    max: i32,
    max_lines: usize,
) -> Result<Vec<String>, String> {
    let width = |s: &str| -> Result<i32, String> {
        Ok(area
            .estimate_text_size(s, font)
            .map_err(|e| e.to_string())?
            .0 as i32)
    };
    let mut lines: Vec<String> = vec![String::new()];
    for (k, item) in items.iter().enumerate() {
        let last = lines.last_mut().expect("one line");
        let joined = if last.is_empty() {
            item.clone()
        } else {
            format!("{last} · {item}")
        };
        if width(&joined)? <= max || last.is_empty() {
            *last = joined;
            continue;
        }
        if lines.len() == max_lines {
            let rest = items.len() - k;
            let last = lines.last_mut().expect("one line");
            last.push_str(&format!(" · +{rest} more"));
            break;
        }
        lines.push(item.clone());
    }
    Ok(lines)
}

fn draw_plane<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    root: &DrawingArea<DB, Shift>,
    f: &Frame,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let chart = plane::plane(
        area,
        (10, 20),
        (
            "modality: 0 multistakeholder → 1 state-centric",
            "scope: 0 technical → 1 infosec",
        ),
    )?;
    // States: liberal classes first, so the autocratic dots (the model's protagonists
    // in most demos) are never hidden under the crowd.
    let edge = ShapeStyle::from(&BLACK.mix(0.55)).stroke_width(1);
    for class in (0..CLASSES).rev() {
        for &(p, c) in f.states.iter().filter(|s| s.1 == class) {
            let at = chart.backend_coord(&(p.m, p.s));
            root.draw(&Circle::new(at, 7, REGIME_COLOURS[c].filled()))
                .map_err(e)?;
            root.draw(&Circle::new(at, 7, edge)).map_err(e)?;
        }
    }
    // Venues' rules. Markers at one place are drawn nested (the first largest), so
    // none hides another, and share one label; labels are placed clear of each other,
    // of the markers and of the frame, with a leader line when moved away.
    let mut marks: Vec<(&VenueMark, Kind, (i32, i32))> = Vec::new();
    for v in &f.venues {
        for &(kind, pos) in &v.rules {
            marks.push((v, kind, chart.backend_coord(&(pos.m, pos.s))));
        }
    }
    let at: Vec<(i32, i32)> = marks.iter().map(|m| m.2).collect();
    let groups = plane::same_place(&at);
    let label_font = style::font(style::LABEL);
    let mut anchors = Vec::new();
    let mut sizes = Vec::new();
    let mut texts = Vec::new();
    let mut obstacles = Vec::new();
    let mut counted: Vec<&str> = Vec::new();
    for g in &groups {
        for (rank, &i) in g.iter().enumerate() {
            let (v, kind, p) = marks[i];
            let r = plane::nested_radius(13, rank, g.len());
            // A white halo separates the marker from the dots under it.
            style::draw_marker(root, marker(kind), p, r + 4, WHITE.filled())?;
            venue_marker(root, v, marker(kind), p, r)?;
        }
        let ids: Vec<&str> = g.iter().map(|&i| marks[i].0.id.as_str()).collect();
        // One venue: its id, with its members the first time; several: their ids (the
        // members are in the panel).
        let one = ids.iter().all(|id| *id == ids[0]);
        let text = if one && !counted.contains(&ids[0]) {
            counted.push(ids[0]);
            format!("{} {}", ids[0], marks[g[0]].0.members)
        } else {
            plane::group_text(&ids)
        };
        let (w, h) = root.estimate_text_size(&text, &label_font).map_err(e)?;
        let (x, y) = at[g[0]];
        let r = plane::nested_radius(13, 0, g.len()) + 4;
        obstacles.push((x - r, y - r, x + r, y + r));
        anchors.push((x, y));
        sizes.push((w as i32, h as i32));
        texts.push(text);
    }
    let spots = plane::place_in_plot(&chart, &anchors, &sizes, &obstacles);
    for (((text, &spot), &size), &anchor) in texts.iter().zip(&spots).zip(&sizes).zip(&anchors) {
        plane::draw_leader(root, anchor, spot, size)?;
        plane::draw_label(root, text, spot, size, (4, 2), 0.85, &label_font)?;
    }
    Ok(())
}

fn venue_colour(v: &VenueMark) -> RGBColor {
    style::colour(v.index)
}

/// Draws a venue's marker: filled in its colour for the first pass through the
/// palette, hollow with a thick coloured edge after that (venues founded during the
/// run), so two venues never look the same.
fn venue_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    v: &VenueMark,
    m: Marker,
    at: (i32, i32),
    r: i32,
) -> DrawResult {
    let c = venue_colour(v);
    if style::dashed(v.index) || v.index >= style::PALETTE.len() {
        style::draw_marker(area, m, at, r, WHITE.filled())?;
        style::draw_marker(area, m, at, r - 2, c.stroke_width(5))
    } else {
        style::draw_marker(area, m, at, r, c.filled())
    }
}

fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    f: &Frame,
    h: &Heading,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let font = style::font(style::LABEL);
    let x0 = 10;
    panel
        .draw(&Text::new(
            format!("Members of each venue (bar = all {} states)", h.states),
            // Clear of a marker at the plane's top-right corner, (1, 1), which reaches
            // past the frame (nested markers up to 27 px).
            (x0 + 24, 6),
            style::font(style::LEGEND),
        ))
        .map_err(e)?;
    let (pw, ph) = panel.dim_in_pixel();
    let legend_h = 44 + 34 * CLASSES as i32;
    let rows_top = 48;
    let room = ph as i32 - legend_h - rows_top - 10;
    let n = f.venues.len().max(1) as i32;
    let row = (room / n).clamp(30, 46);
    // Bars start after the longest label, so a long bloc-venue id never runs into one.
    let mut name_w = 200;
    for v in &f.venues {
        let label = format!("{} {}", v.id, v.members);
        let (w, _) = panel.estimate_text_size(&label, &font).map_err(e)?;
        name_w = name_w.max(w as i32 + 12);
    }
    let bar_x = x0 + 36 + name_w;
    let bar_w = pw as i32 - bar_x - 20;
    let left_mid = Anchor::new(HPos::Left, VPos::Center);
    for (k, v) in f.venues.iter().enumerate() {
        let y = rows_top + k as i32 * row + row / 2;
        if y + row / 2 > rows_top + room {
            break;
        }
        let m = v.rules.first().map_or(Marker::Diamond, |r| marker(r.0));
        venue_marker(panel, v, m, (x0 + 14, y), 12)?;
        panel
            .draw(&Text::new(
                format!("{} {}", v.id, v.members),
                (x0 + 36, y),
                font.clone().pos(left_mid),
            ))
            .map_err(e)?;
        let scale = |k: u32| (k as f64 / h.states.max(1) as f64 * bar_w as f64).round() as i32;
        let (top, bottom) = (y - row / 2 + 5, y + row / 2 - 5);
        panel
            .draw(&Rectangle::new(
                [(bar_x, top), (bar_x + bar_w, bottom)],
                BLACK.mix(0.06).filled(),
            ))
            .map_err(e)?;
        let total: u32 = v.by_class.iter().sum();
        if total == 0 {
            // No recorded memberships: a neutral bar of its member count.
            panel
                .draw(&Rectangle::new(
                    [(bar_x, top), (bar_x + scale(v.members), bottom)],
                    style::GREY.mix(0.35).filled(),
                ))
                .map_err(e)?;
            continue;
        }
        let mut x = bar_x;
        for (c, &k) in v.by_class.iter().enumerate() {
            let w = scale(k);
            if w > 0 {
                panel
                    .draw(&Rectangle::new(
                        [(x, top), (x + w, bottom)],
                        REGIME_COLOURS[c].filled(),
                    ))
                    .map_err(e)?;
            }
            x += w;
        }
        panel
            .draw(&Rectangle::new(
                [(bar_x, top), (x, bottom)],
                BLACK.mix(0.5).stroke_width(1),
            ))
            .map_err(e)?;
    }
    // Legends: regime classes, then rule kinds.
    let ly = ph as i32 - legend_h;
    panel
        .draw(&Text::new(
            "regime (liberal-democracy score)",
            (x0, ly),
            style::font(style::LEGEND),
        ))
        .map_err(e)?;
    for (c, label) in REGIME_LABELS.iter().enumerate() {
        let y = ly + 44 + 34 * c as i32 - 12;
        let cx = if c < 3 { x0 } else { x0 + 310 };
        let cy = if c < 3 { y } else { y - 3 * 34 };
        panel
            .draw(&Circle::new((cx + 14, cy), 10, REGIME_COLOURS[c].filled()))
            .map_err(e)?;
        panel
            .draw(&Circle::new(
                (cx + 14, cy),
                10,
                ShapeStyle::from(&BLACK.mix(0.55)).stroke_width(1),
            ))
            .map_err(e)?;
        panel
            .draw(&Text::new(
                *label,
                (cx + 34, cy),
                font.clone().pos(left_mid),
            ))
            .map_err(e)?;
    }
    let ky = ly + 44 + 34 * 3;
    let mut x = x0;
    for kind in [Kind::Norms, Kind::Cybercrime, Kind::Standards] {
        style::draw_marker(panel, marker(kind), (x + 12, ky), 10, style::GREY.filled())?;
        let label = format!("{} rule", kind.as_str());
        panel
            .draw(&Text::new(
                label.clone(),
                (x + 30, ky),
                font.clone().pos(left_mid),
            ))
            .map_err(e)?;
        let (w, _) = panel.estimate_text_size(&label, &font).map_err(e)?;
        x += 30 + w as i32 + 24;
    }
    Ok(())
}
