//! `facts`: how often the runs reproduce each recorded fact (`[[fact]]`, `forumsim
//! validate`, docs/VALIDATION.md).
//!
//! One row per fact, in the order of its years: a label "1998  unga-1998-infosec —
//! adopted without a vote" and a horizontal bar of the share of runs that reproduce
//! it (0 to 1), coloured by band (at least 2/3, 1/2 to 2/3, under 1/2) with guide
//! lines at 1/2 and 2/3. Made to be shown in class, so rows never get thinner than
//! the label text: past one column's capacity the facts flow into a second column,
//! and past two the rest are counted, not drawn (as `members` does with venues).
//!
//! Drawn from a [`FactsChart`] built from the in-memory report (by `validate`) or
//! from a validate folder's `facts.csv` (by `forumsim plot DIR`), so both draw the
//! same picture from the same numbers.

use super::data::read;
use super::error::PlotError;
use super::render::{DrawResult, Figure};
use super::style::{self, Swatch, fit};
use super::titles::Batch;
use crate::validate::ValidationReport;
use crate::validate::facts::{Band, phrase_of};
use crate::validate::output::FACTS;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// File stem of the chart.
pub const NAME: &str = "facts";

/// One fact as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct FactBar {
    pub id: String,
    pub first_year: i32,
    pub last_year: i32,
    /// The recorded outcome in words ("adopted without a vote", "USA elected").
    pub phrase: String,
    pub reproduced: usize,
    pub runs: usize,
}

impl FactBar {
    pub fn share(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            self.reproduced as f64 / self.runs as f64
        }
    }

    /// `1998` or `1999–2017`.
    pub fn years(&self) -> String {
        if self.first_year == self.last_year {
            self.first_year.to_string()
        } else {
            format!("{}–{}", self.first_year, self.last_year)
        }
    }
}

/// Everything the chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct FactsChart {
    pub batch: Batch,
    /// In file order; the chart sorts them by year.
    pub facts: Vec<FactBar>,
}

impl FactsChart {
    /// The chart of a validation just computed.
    pub fn of_report(scenario: &str, r: &ValidationReport) -> FactsChart {
        FactsChart {
            batch: Batch::of_report(scenario, r),
            facts: r
                .facts
                .iter()
                .map(|f| FactBar {
                    id: f.id.clone(),
                    first_year: f.first_year,
                    last_year: f.last_year,
                    phrase: f.phrase.clone(),
                    reproduced: f.reproduced,
                    runs: f.runs,
                })
                .collect(),
        }
    }
}

/// Reads a validate folder's `facts.csv` (required) and its manifest (titles only).
pub fn load(dir: &Path) -> Result<FactsChart, PlotError> {
    let names = [
        "id",
        "outcome",
        "first_year",
        "last_year",
        "runs",
        "reproduced",
    ];
    let mut facts = Vec::new();
    read(dir, FACTS, &names, |c| {
        let bar = FactBar {
            id: c.text(0).to_string(),
            phrase: phrase_of(c.text(1)),
            first_year: c.parse(2)?,
            last_year: c.parse(3)?,
            runs: c.parse(4)?,
            reproduced: c.parse(5)?,
        };
        if bar.reproduced > bar.runs {
            return Err(format!(
                "fact `{}`: reproduced in {} of {} runs",
                bar.id, bar.reproduced, bar.runs
            ));
        }
        facts.push(bar);
        Ok(())
    })?;
    if facts.is_empty() {
        return Err(PlotError::Parse {
            path: dir.join(FACTS),
            line: 1,
            msg: "no rows (did `forumsim validate` finish?)".into(),
        });
    }
    Ok(FactsChart {
        batch: Batch::of_folder(dir),
        facts,
    })
}

/// The colour of a band: Okabe–Ito bluish green, orange, vermillion — told apart by
/// colour-blind readers, and ordered like a traffic light for everyone else.
pub fn band_colour(b: Band) -> RGBColor {
    match b {
        Band::High => style::PALETTE[2],
        Band::Middle => style::PALETTE[4],
        Band::Low => style::PALETTE[1],
    }
}

/// The smallest row pitch (pixels): the label text (size [`style::LABEL`], about
/// 21 px tall) with air above and below.
pub const MIN_PITCH: i32 = 32;
/// The widest a row gets, so a few facts do not turn into slabs.
const MAX_PITCH: i32 = 80;
/// Room right of the 0–1 axis for the share printed after a full bar.
const VALUE_ROOM: i32 = 96;
/// Room above the first row for the guide lines' labels.
const GUIDE_ROOM: i32 = 40;
/// Room under the rows for the axis tick labels.
const AXIS_ROOM: i32 = 44;
/// Room for the legend row.
const LEGEND_ROOM: i32 = 56;

/// How the facts are laid out: rows per column, columns, and how many are drawn.
pub fn layout(facts: usize, rows_height: i32) -> (usize, usize, usize) {
    let per_column = (rows_height / MIN_PITCH).max(1) as usize;
    let columns = if facts > per_column { 2 } else { 1 };
    let drawn = facts.min(per_column * columns);
    let rows = drawn.div_ceil(columns).max(1);
    (rows, columns, drawn)
}

impl Figure for FactsChart {
    fn name(&self) -> String {
        NAME.to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let sub = format!(
            "{}: share of runs that reproduce each fact",
            self.batch.text()
        );
        let body = style::titled(root, "Recorded facts reproduced by the model", &sub)?;
        let (w, h) = body.dim_in_pixel();
        let mut order: Vec<&FactBar> = self.facts.iter().collect();
        order.sort_by_key(|f| (f.first_year, f.last_year));
        let rows_height = h as i32 - LEGEND_ROOM - GUIDE_ROOM - AXIS_ROOM - 12;
        let (rows, columns, drawn) = layout(order.len(), rows_height);
        let pitch = (rows_height / rows as i32).clamp(1, MAX_PITCH);
        let col_w = w as i32 / columns as i32;
        for c in 0..columns {
            let facts: Vec<&FactBar> = order
                .iter()
                .copied()
                .take(drawn)
                .skip(c * rows)
                .take(rows)
                .collect();
            let area = body.margin(0, 0, c as i32 * col_w, w as i32 - (c as i32 + 1) * col_w);
            draw_column(&area, &facts, pitch, columns)?;
        }
        // The legend right under the axis, so a short chart does not leave it stranded
        // at the bottom of the slide.
        let used = GUIDE_ROOM + pitch * rows as i32 + AXIS_ROOM + 12;
        let legend = body.margin(used.min(h as i32 - LEGEND_ROOM), 0, 0, 0);
        let entries = [
            (Band::High, "in at least 2/3 of runs"),
            (Band::Middle, "in 1/2 to 2/3"),
            (Band::Low, "in less than 1/2"),
        ]
        .map(|(b, label)| (label.to_string(), Swatch::Box(band_colour(b).to_rgba())));
        style::draw_legend_row(&legend, (24, 8), &entries)?;
        if drawn < order.len() {
            let font = style::font(style::LABEL).color(&style::GREY);
            legend
                .draw(&Text::new(
                    format!("+{} more facts, not drawn (facts.csv)", order.len() - drawn),
                    (w as i32 - 16, 10),
                    font.pos(Pos::new(HPos::Right, VPos::Top)),
                ))
                .map_err(e)?;
        }
        Ok(())
    }
}

/// The label of a fact, shortened to `width` pixels: the id gives way first (with an
/// ellipsis), so the year and the recorded outcome stay readable.
fn label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &FactBar,
    font: &TextStyle<'_>,
    width: u32,
) -> String {
    let text = |id: &str| format!("{}  {id} — {}", f.years(), f.phrase);
    let wide = |s: &str| area.estimate_text_size(s, font).map_or(0, |(w, _)| w);
    let full = text(&f.id);
    if wide(&full) <= width {
        return full;
    }
    let rest = wide(&text("")).min(width);
    let id = fit(area, &f.id, font, (width - rest).max(1));
    let short = text(&id);
    if wide(&short) <= width && id != "…" {
        return short;
    }
    fit(area, &full, font, width)
}

/// One column of rows: labels on the left, bars on a 0–1 axis on the right.
fn draw_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    facts: &[&FactBar],
    pitch: i32,
    columns: usize,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (w, _) = area.dim_in_pixel();
    let w = w as i32;
    let font = style::font(style::LABEL);
    // Labels take what they need, from a quarter to a bit more than half the width
    // (past that they are shortened): they carry the facts' names, the bars only need
    // room to be compared.
    let widest = facts
        .iter()
        .map(|f| {
            let full = format!("{}  {} — {}", f.years(), f.id, f.phrase);
            area.estimate_text_size(&full, &font)
                .map_or(0, |(w, _)| w as i32)
        })
        .max()
        .unwrap_or(0);
    let most = if columns == 1 {
        w * 52 / 100
    } else {
        w * 55 / 100
    };
    let label_w = (widest + 8).clamp(w / 4, most);
    let left = 24;
    let x0 = left + label_w + 16;
    let x1 = w - VALUE_ROOM;
    let top = GUIDE_ROOM;
    let bottom = top + pitch * facts.len() as i32;
    let px = |share: f64| x0 + ((x1 - x0) as f64 * share.clamp(0.0, 1.0)).round() as i32;
    let grey = style::font(style::LABEL).color(&style::GREY);
    let tick = style::font(style::TICK);

    // Axis: a baseline with grid lines every quarter, labelled at 0, 50 and 100 %
    // (quarter labels would collide in a two-column layout's short axis).
    area.draw(&PathElement::new(
        vec![(x0, bottom), (x1, bottom)],
        BLACK.stroke_width(2),
    ))
    .map_err(e)?;
    for k in 0..=4 {
        let s = f64::from(k) / 4.0;
        let x = px(s);
        area.draw(&PathElement::new(
            vec![(x, top), (x, bottom)],
            BLACK.mix(0.10).stroke_width(1),
        ))
        .map_err(e)?;
        if k % 2 == 1 {
            continue;
        }
        area.draw(&PathElement::new(
            vec![(x, bottom), (x, bottom + 6)],
            BLACK.stroke_width(2),
        ))
        .map_err(e)?;
        area.draw(&Text::new(
            format!("{} %", 25 * k),
            (x, bottom + 10),
            tick.pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(e)?;
    }
    // Guide lines at 1/2 and 2/3, labelled above the rows: "1/2" to the left of its
    // line and "2/3" to the right of its, so the two never run into each other on a
    // short axis.
    for (share, text, anchor, dx) in [
        (0.5, "1/2", HPos::Right, -4),
        (2.0 / 3.0, "2/3", HPos::Left, 4),
    ] {
        let x = px(share);
        let mut y = top - 4;
        while y < bottom {
            area.draw(&PathElement::new(
                vec![(x, y), (x, (y + 8).min(bottom))],
                BLACK.mix(0.7).stroke_width(2),
            ))
            .map_err(e)?;
            y += 14;
        }
        area.draw(&Text::new(
            text.to_string(),
            (x + dx, top - 6),
            grey.pos(Pos::new(anchor, VPos::Bottom)),
        ))
        .map_err(e)?;
    }
    let thick = ((pitch as f64) * 0.62).round() as i32;
    for (i, f) in facts.iter().enumerate() {
        let mid = top + pitch * i as i32 + pitch / 2;
        let text = label(area, f, &font, label_w as u32);
        area.draw(&Text::new(
            text,
            (left, mid),
            font.pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(e)?;
        let share = f.share();
        let end = px(share);
        let colour = band_colour(Band::of(f.reproduced, f.runs));
        // A share of 0 still shows its band's colour, as a stub on the axis.
        let end = end.max(x0 + 5);
        area.draw(&Rectangle::new(
            [(x0, mid - thick / 2), (end, mid + thick / 2)],
            colour.filled(),
        ))
        .map_err(e)?;
        // The share on a white ground, so a guide line does not run through it.
        let value = format!("{:.0} %", 100.0 * share);
        let (tw, th) = area.estimate_text_size(&value, &grey).map_err(e)?;
        let (tw, th) = (tw as i32, th as i32);
        area.draw(&Rectangle::new(
            [
                (end + 5, mid - th / 2 - 2),
                (end + 11 + tw, mid + th / 2 + 2),
            ],
            WHITE.filled(),
        ))
        .map_err(e)?;
        area.draw(&Text::new(
            value,
            (end + 8, mid),
            grey.pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(e)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::render::svg_of;
    use crate::plot::svgtest::{assert_texts, fill_count, text_boxes, texts};

    fn fact(id: &str, year: i32, phrase: &str, reproduced: usize) -> FactBar {
        FactBar {
            id: id.into(),
            first_year: year,
            last_year: year,
            phrase: phrase.into(),
            reproduced,
            runs: 30,
        }
    }

    fn sample(n: usize) -> FactsChart {
        let mut facts = vec![
            fact("unga-1998-infosec", 1998, "adopted without a vote", 25),
            FactBar {
                last_year: 2017,
                ..fact("gge-groups", 2004, "not adopted", 16)
            },
            fact("itu-election-2022", 2022, "USA elected", 3),
            fact("sco-members-2017", 2017, "8 members", 20),
        ];
        for k in facts.len()..n {
            facts.push(fact(
                &format!("a-rather-long-fact-identifier-number-{k}"),
                1998 + (k % 28) as i32,
                "adopted without a vote",
                k % 31,
            ));
        }
        FactsChart {
            batch: Batch {
                scenario: "world".into(),
                seed: Some(42),
                runs: Some(30),
            },
            facts,
        }
    }

    #[test]
    fn one_row_per_fact_by_year_with_bands_guides_and_legend() {
        let s = svg_of(&sample(4)).unwrap();
        let t = assert_texts(
            &s,
            &[
                "Recorded facts reproduced by the model",
                "1998  unga-1998-infosec — adopted without a vote",
                "2004–2017  gge-groups — not adopted",
                "2017  sco-members-2017 — 8 members",
                "2022  itu-election-2022 — USA elected",
                "1/2",
                "2/3",
                "83 %",
                "10 %",
                "in at least 2/3 of runs",
                "in 1/2 to 2/3",
                "in less than 1/2",
            ],
        );
        // Ordered by year: 1998, 2004–2017, 2017, 2022.
        let pos = |p: &str| t.iter().position(|x| x.starts_with(p)).unwrap();
        assert!(
            pos("1998") < pos("2004") && pos("2004") < pos("2017") && pos("2017") < pos("2022")
        );
        // 25/30 and 20/30 are high (20/30 is exactly 2/3), 16/30 middle, 3/30 low;
        // plus one legend box each.
        assert_eq!(fill_count(&s, band_colour(Band::High)), 2 + 1);
        assert_eq!(fill_count(&s, band_colour(Band::Middle)), 1 + 1);
        assert_eq!(fill_count(&s, band_colour(Band::Low)), 1 + 1);
    }

    #[test]
    fn labels_never_overlap_or_leave_the_chart() {
        for n in [1, 4, 12, 20, 30, 45, 200] {
            let s = svg_of(&sample(n)).unwrap();
            let boxes = text_boxes(&s);
            assert!(!boxes.is_empty());
            for (i, a) in boxes.iter().enumerate() {
                assert!(
                    a.x0 >= 0.0 && a.y0 >= 0.0 && a.x1 <= 1600.0 && a.y1 <= 900.0,
                    "{n} facts: {a:?} leaves the chart"
                );
                for b in &boxes[i + 1..] {
                    assert!(!a.overlaps(b), "{n} facts: {a:?} overlaps {b:?}");
                }
            }
        }
    }

    #[test]
    fn many_facts_flow_into_two_columns_then_are_counted() {
        let (rows, columns, drawn) = layout(10, 600);
        assert_eq!((rows, columns, drawn), (10, 1, 10));
        let (rows, columns, drawn) = layout(30, 600);
        assert_eq!((columns, drawn), (2, 30));
        assert_eq!(rows, 15);
        let (_, columns, drawn) = layout(100, 600);
        assert_eq!((columns, drawn), (2, 2 * (600 / MIN_PITCH) as usize));
        let t = texts(&svg_of(&sample(200)).unwrap());
        assert!(
            t.iter()
                .any(|x| x.starts_with("+") && x.contains("more facts, not drawn")),
            "{t:?}"
        );
        // A long id gives way to the outcome: the label still ends with it.
        let t = texts(&svg_of(&sample(30)).unwrap());
        assert!(
            t.iter()
                .any(|x| x.contains('…') && x.ends_with("— adopted without a vote")),
            "{t:?}"
        );
    }

    #[test]
    fn reads_facts_csv() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FACTS),
            "id,venue,what,subject,outcome,first_year,last_year,runs,reproduced,share,alternative,alternative_share,best_forecast,elsewhere,source\n\
             f1,unga,proposal,p1,adopted_without_vote,1998,1998,10,7,0.7,adopted_by_vote,0.3,,,\"A/RES/53/70, 1998\"\n\
             e1,itu,election,itu-2022,elected:USA,2022,2022,10,2,0.2,elected:RUS,0.8,,,\n",
        )
        .unwrap();
        assert!(crate::plot::tallies::is_validate(dir.path()));
        let d = load(dir.path()).unwrap();
        assert_eq!(d.facts.len(), 2);
        assert_eq!(d.facts[0].phrase, "adopted without a vote");
        assert_eq!(d.facts[1].phrase, "USA elected");
        assert_eq!((d.facts[0].reproduced, d.facts[0].runs), (7, 10));
        svg_of(&d).unwrap();
        std::fs::write(
            dir.path().join(FACTS),
            "id,outcome,first_year,last_year,runs,reproduced\nf1,adopted,1998,1998,10,12\n",
        )
        .unwrap();
        let err = load(dir.path()).unwrap_err();
        assert!(
            err.is_bad_input() && err.to_string().contains("12 of 10"),
            "{err}"
        );
    }
}
