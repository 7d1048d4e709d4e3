//! Charts of a `forumsim run` or `forumsim sweep` output folder, as PNG (slides) and
//! SVG (papers).
//!
//! For a run folder, [`plot_dir`] reads the CSV tables ([`data`]), summarises the
//! ensemble of runs ([`bands`]) and draws four charts with plotters, each in its own
//! module: [`ami`], [`members`], [`rules`], [`outcomes`]. For a sweep folder it reads
//! `runs.csv` ([`sweepdata`]) and draws outcomes against each axis ([`sweep`]),
//! two-axis heatmaps ([`heatmap`]) and variants against the base ([`variants`]).
//! For a `forumsim validate` folder it reads `validate.csv` and draws the recorded
//! and simulated tallies of each target ([`tallies`]), and reads `facts.csv` and
//! draws the share of runs reproducing each recorded fact ([`facts`]). With `--groups`, [`plot_groups`]
//! compares groups of states of a run folder instead ([`groupdata`], [`groups`]).
//! Files go to `DIR/plots/`, each written atomically. Text uses a font compiled into the binary ([`style`]), so the
//! PNGs look the same on a machine without any system fonts; the SVGs name the
//! family `sans-serif` and let the viewer render it.
//!
//! What several charts share sits in files below them, so that imports run one way
//! (this file → the charts → the shared files), never back: [`error`], [`render`]
//! ([`Figure`], SVG and PNG rendering), [`titles`], [`panels`] (the sweep charts'
//! panel grid and axes), [`plane`] (the policy plane of `rules` and the animation)
//! and [`style`].
//!
//! Drawing is generic over the plotters backend, so tests render to an SVG string and
//! inspect it instead of comparing PNG bytes.

pub mod ami;
pub mod bands;
pub mod data;
pub mod error;
pub mod facts;
pub mod groupdata;
pub mod groups;
pub mod heatmap;
pub mod members;
pub mod outcomes;
pub mod panels;
pub mod plane;
pub mod render;
pub mod rules;
pub mod sensitivity;
pub mod style;
#[cfg(test)]
pub(crate) mod svgtest;
pub mod sweep;
pub mod sweepdata;
pub mod tallies;
pub mod titles;
pub mod variants;

pub use data::{RunData, load};
pub use error::PlotError;
pub use render::{DrawResult, Figure, png_of, svg_of};
pub use sweepdata::{SweepData, is_sweep, load_sweep};

use crate::output::OutputError;
use crate::output::atomic;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

/// Name of the folder, inside a run folder, that receives the charts.
pub const PLOTS: &str = "plots";

/// Which file formats to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    Png,
    Svg,
    #[default]
    Both,
}

impl Format {
    fn png(self) -> bool {
        self != Format::Svg
    }
    fn svg(self) -> bool {
        self != Format::Png
    }
}

/// The four charts, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    Ami,
    Members,
    Rules,
    Outcomes,
}

impl Chart {
    pub const ALL: [Chart; 4] = [Chart::Ami, Chart::Members, Chart::Rules, Chart::Outcomes];

    /// File stem: `ami` gives `ami.png` and `ami.svg`.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Ami => "ami",
            Chart::Members => "members",
            Chart::Rules => "rules",
            Chart::Outcomes => "outcomes",
        }
    }

    /// Draws the chart on `root` (any plotters backend).
    pub fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        d: &RunData,
    ) -> DrawResult {
        match self {
            Chart::Ami => ami::draw(root, d),
            Chart::Members => members::draw(root, d),
            Chart::Rules => rules::draw(root, d),
            Chart::Outcomes => outcomes::draw(root, d),
        }
    }
}

/// A run chart of a run folder's data.
pub struct RunFigure<'a> {
    pub chart: Chart,
    pub data: &'a RunData,
}

impl Figure for RunFigure<'_> {
    fn name(&self) -> String {
        self.chart.name().to_string()
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        self.chart.draw(root, self.data)
    }
}

/// Reads the run, sweep or validate folder `dir` and writes every chart into the
/// folder `out` (`dir/plots/` unless the user chose another) in `format`. Returns the
/// paths written, in order.
pub fn plot_dir(dir: &Path, out: &Path, format: Format) -> Result<Vec<PathBuf>, PlotError> {
    if !dir.is_dir() {
        return Err(PlotError::Read {
            path: dir.to_path_buf(),
            source: io::Error::new(io::ErrorKind::NotFound, "no such folder"),
        });
    }
    if is_sweep(dir) {
        let d = load_sweep(dir)?;
        let figs = sweep::figures(&d);
        return write_figures(out, &figs, format);
    }
    if tallies::is_validate(dir) {
        let has_facts = dir.join(crate::validate::output::FACTS).is_file();
        let mut written = Vec::new();
        // A folder of a scenario with facts only has no validate.csv.
        if !has_facts || dir.join(crate::validate::output::VALIDATE).is_file() {
            written.extend(write_figures(out, &[tallies::load(dir)?], format)?);
        }
        if has_facts {
            written.extend(write_figures(out, &[facts::load(dir)?], format)?);
        }
        return Ok(written);
    }
    let d = load(dir)?;
    let figs: Vec<RunFigure<'_>> = Chart::ALL
        .iter()
        .map(|&chart| RunFigure { chart, data: &d })
        .collect();
    write_figures(out, &figs, format)
}

/// Reads the run folder `dir` (made with `run --states --votes`) and writes the
/// `groups` chart of the state-id prefixes `groups` into the folder `out` in
/// `format`, then its numbers as `groups.csv`. Returns the paths written, in order.
pub fn plot_groups(
    dir: &Path,
    groups: &[String],
    out: &Path,
    format: Format,
) -> Result<Vec<PathBuf>, PlotError> {
    if !dir.is_dir() {
        return Err(PlotError::Read {
            path: dir.to_path_buf(),
            source: io::Error::new(io::ErrorKind::NotFound, "no such folder"),
        });
    }
    if is_sweep(dir) || tallies::is_validate(dir) {
        return Err(PlotError::Groups {
            path: dir.to_path_buf(),
            msg: "`--groups` compares the states of a `forumsim run` folder, \
                  not a sweep or validate folder"
                .into(),
        });
    }
    let d = groupdata::load(dir, groups)?;
    let mut written = write_figures(out, std::slice::from_ref(&d), format)?;
    let csv = out.join(groupdata::CSV_NAME);
    atomic::write(&csv, groupdata::to_csv(&d).as_bytes())?;
    written.push(csv);
    Ok(written)
}

/// Writes each figure into the folder `out` (a folder's `plots/` unless the user
/// chose another; created if need be), PNG then SVG; returns the paths in order.
pub fn write_figures<F: Figure>(
    out: &Path,
    figs: &[F],
    format: Format,
) -> Result<Vec<PathBuf>, PlotError> {
    std::fs::create_dir_all(out).map_err(|source| OutputError::CreateDir {
        path: out.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for fig in figs {
        if format.png() {
            let path = out.join(format!("{}.png", fig.name()));
            let png = png_of(fig).map_err(|msg| draw_error(&path, msg))?;
            atomic::write(&path, &png)?;
            written.push(path);
        }
        if format.svg() {
            let path = out.join(format!("{}.svg", fig.name()));
            let svg = svg_of(fig).map_err(|msg| draw_error(&path, msg))?;
            atomic::write(&path, svg.as_bytes())?;
            written.push(path);
        }
    }
    Ok(written)
}

fn draw_error(path: &Path, msg: String) -> PlotError {
    if msg == render::FONT_ERROR {
        return PlotError::Font;
    }
    PlotError::Draw {
        path: path.to_path_buf(),
        msg,
    }
}

/// The run chart as an SVG document.
pub fn render_svg(chart: Chart, d: &RunData) -> Result<String, String> {
    svg_of(&RunFigure { chart, data: d })
}

/// The run chart as PNG bytes (8-bit RGB).
pub fn render_png(chart: Chart, d: &RunData) -> Result<Vec<u8>, String> {
    png_of(&RunFigure { chart, data: d })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plot::svgtest::texts;

    fn sample() -> RunData {
        let dir = tempfile::tempdir().unwrap();
        data::tests::write_folder(dir.path());
        load(dir.path()).unwrap()
    }

    fn svg(chart: Chart) -> String {
        render_svg(chart, &sample()).unwrap()
    }

    fn has(svg: &str, text: &str) -> bool {
        texts(svg).iter().any(|t| t == text)
    }

    #[test]
    fn ami_has_two_panels_with_median_lines_bands_and_a_legend() {
        let s = svg(Chart::Ami);
        assert!(
            has(&s, "Authoritarian multilateralism and fragmentation"),
            "{:?}",
            texts(&s)
        );
        assert!(texts(&s).iter().any(|t| t.contains("2 runs")));
        for label in [
            "AMI (0 = multistakeholder, 1 = state-centric)",
            "fragmentation (0 = one forum .. 1 = dispersed)",
            "year",
            "median across runs",
            "middle 50 % of runs",
            "middle 90 % of runs",
        ] {
            assert!(has(&s, label), "{label}: {:?}", texts(&s));
        }
        // One median line per panel, two bands per panel.
        // One median line (the only 4 px lines besides the legend's) and two bands per panel.
        let wide = |colour: &str| format!("stroke=\"{colour}\" stroke-width=\"4\"");
        assert_eq!(s.matches(&wide("#0072B2")).count(), 1, "AMI median");
        assert_eq!(
            s.matches(&wide("#D55E00")).count(),
            1,
            "fragmentation median"
        );
        assert_eq!(s.matches(&wide("#555555")).count(), 1, "legend line");
        assert_eq!(s.matches("<polygon").count(), 4, "2 bands x 2 panels");
    }

    #[test]
    fn members_draws_one_line_per_venue_and_labels_rare_venues() {
        let s = svg(Chart::Members);
        // Two venue lines in the plot and two line swatches in the legend.
        let data_lines = s
            .split("<polyline")
            .skip(1)
            .filter(|p| p.contains("stroke=\"#0072B2\"") || p.contains("stroke=\"#D55E00\""))
            .count();
        assert_eq!(data_lines, 4);
        assert!(has(&s, "Members per venue"));
        assert!(has(&s, "members (states)") && has(&s, "year"));
        assert!(
            has(&s, "unga") && has(&s, "new-club (1/2 runs)"),
            "{:?}",
            texts(&s)
        );
        let d = sample();
        let lines = members::venue_lines(&d);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0].points,
            vec![(2000, 100.0), (2001, 101.0), (2002, 102.0)]
        );
        assert_eq!(
            lines[1].points[0],
            (2000, 5.0),
            "median only over runs with the venue"
        );
    }

    #[test]
    fn rules_has_axes_of_the_policy_plane_a_marker_and_label_per_pair() {
        let s = svg(Chart::Rules);
        assert!(
            has(&s, "modality: 0 = multistakeholder → 1 = state-centric")
                && has(&s, "scope: 0 = technical → 1 = information security"),
            "{:?}",
            texts(&s)
        );
        assert!(
            texts(&s)
                .iter()
                .any(|t| t.contains("median position per year"))
        );
        for label in ["unga", "itu", "norms rule", "standards rule", "start point"] {
            assert!(has(&s, label), "{label}");
        }
        let d = sample();
        let (list, dropped) = rules::trajectories(&d);
        assert_eq!((list.len(), dropped), (2, 0));
        // unga norms: m = run*0.3 + round*0.1; the median of runs 0 and 1 in 2000 is 0.15.
        assert!((list[0].points[0].1 - 0.15).abs() < 1e-12);
    }

    #[test]
    fn outcomes_counts_proposals_per_run() {
        let d = sample();
        let o = outcomes::outcomes(&d);
        assert_eq!(o.len(), 1, "admissions are not proposals");
        assert_eq!(
            (o[0].venue.as_str(), o[0].adopted, o[0].failed),
            ("unga", 1.0, 0.5)
        );
        let s = svg(Chart::Outcomes);
        for label in [
            "Proposals adopted and failed per venue",
            "adopted",
            "failed",
            "unga",
        ] {
            assert!(has(&s, label), "{label}: {:?}", texts(&s));
        }
        assert!(has(&s, "proposals per run (mean over runs)"));
    }

    #[test]
    fn charts_without_proposals_or_with_one_year_still_render() {
        let mut d = sample();
        d.proposals.clear();
        d.rounds.retain(|r| r.year == 2000);
        for chart in Chart::ALL {
            render_svg(chart, &d).unwrap();
        }
        let ami = render_svg(Chart::Ami, &d).unwrap();
        assert_eq!(ami.matches("<circle").count(), 2, "one point per panel");
        assert!(has(
            &render_svg(Chart::Outcomes, &d).unwrap(),
            "no proposals were voted on"
        ));
    }

    #[test]
    fn every_text_is_at_least_20_px_in_the_svg() {
        let d = sample();
        for chart in Chart::ALL {
            let s = render_svg(chart, &d).unwrap();
            let sizes: Vec<f64> = s
                .split("font-size=\"")
                .skip(1)
                .map(|t| t[..t.find('"').unwrap()].parse().unwrap())
                .collect();
            assert!(!sizes.is_empty());
            assert!(sizes.iter().all(|&px| px >= 20.0), "{chart:?}: {sizes:?}");
        }
    }

    #[test]
    fn png_rendering_uses_the_embedded_font_and_gives_a_png() {
        let png = render_png(Chart::Ami, &sample()).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }

    #[test]
    fn labels_do_not_overlap_each_other_or_leave_the_plot() {
        let anchors = [(100, 100), (100, 100), (104, 102), (990, 500)];
        let sizes = [(60, 20); 4];
        let bounds = (0, 0, 1000, 600);
        let spots = plane::place_labels(&anchors, &sizes, &[], bounds);
        let rects: Vec<_> = spots.iter().map(|&(x, y)| (x, y, x + 60, y + 20)).collect();
        for (i, a) in rects.iter().enumerate() {
            assert!(a.0 >= 0 && a.1 >= 0 && a.2 <= 1000 && a.3 <= 600, "{a:?}");
            for b in &rects[i + 1..] {
                let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
                assert!(!overlap, "{a:?} {b:?}");
            }
        }
    }

    /// In a crowd of markers, labels pushed away get leader lines; no leader runs
    /// through another label (the world's `gge-2004` was crossed by the OEWG's).
    #[test]
    fn leader_lines_do_not_cross_other_labels() {
        // Twelve markers in a cluster of 40 px, and a few around it.
        let mut anchors: Vec<(i32, i32)> = (0..12)
            .map(|k| (400 + (k * 7) % 40, 300 + (k * 13) % 40))
            .collect();
        anchors.extend([(470, 300), (340, 330), (420, 250)]);
        let sizes: Vec<(i32, i32)> = (0..anchors.len())
            .map(|k| (60 + 10 * (k as i32 % 4), 20))
            .collect();
        let bounds = (0, 0, 1000, 600);
        let spots = plane::place_labels(&anchors, &sizes, &[], bounds);
        let rects: Vec<plane::Rect> = spots
            .iter()
            .zip(&sizes)
            .map(|(&(x, y), &(w, h))| (x, y, x + w, y + h))
            .collect();
        // The leader as drawn: from the marker to the label's nearest point, when the
        // label is more than 24 px away.
        let mut leaders = 0;
        for (i, (&a, (&s, &z))) in anchors.iter().zip(spots.iter().zip(&sizes)).enumerate() {
            let near = (a.0.clamp(s.0, s.0 + z.0), a.1.clamp(s.1, s.1 + z.1));
            if (near.0 - a.0).abs().max((near.1 - a.1).abs()) <= 24 {
                continue;
            }
            leaders += 1;
            let n = (near.0 - a.0).abs().max((near.1 - a.1).abs());
            for (j, r) in rects.iter().enumerate() {
                if j == i {
                    continue;
                }
                let hit = (0..=n).any(|k| {
                    let (x, y) = (a.0 + (near.0 - a.0) * k / n, a.1 + (near.1 - a.1) * k / n);
                    r.0 < x && x < r.2 && r.1 < y && y < r.3
                });
                assert!(!hit, "the leader of label {i} crosses label {j}");
            }
        }
        assert!(
            leaders >= 3,
            "the crowd should push some labels away: {leaders}"
        );
    }

    #[test]
    fn coinciding_member_lines_name_the_line_they_lie_under() {
        let line = |v: f64| members::VenueLine {
            venue: "x".into(),
            runs: 1,
            points: vec![(2000, v), (2001, v)],
        };
        let lines = [line(150.0), line(150.0), line(150.2), line(20.0)];
        assert_eq!(
            members::same_as(&lines, 0.5),
            vec![None, Some(0), Some(0), None]
        );
        // A shorter line on a longer one for its years lies under it; a longer line
        // over a shorter one, or one that leaves it for a year, does not.
        let span = |points: Vec<(i32, f64)>| members::VenueLine {
            venue: "x".into(),
            runs: 1,
            points,
        };
        let lines = [
            span(vec![(2000, 193.0), (2001, 193.0), (2002, 193.0)]),
            span(vec![(2001, 193.0), (2002, 193.0)]),
            span(vec![(2001, 193.0), (2002, 150.0)]),
            span(vec![(1999, 193.0), (2000, 193.0)]),
        ];
        assert_eq!(
            members::same_as(&lines, 0.5),
            vec![None, Some(0), None, None]
        );
    }

    /// A world-like run: 18 venues, four with every state throughout, venues whose
    /// rules end at one point (three at the frame's corner, (1, 1)), others close by.
    fn crowded() -> RunData {
        let mut d = RunData {
            scenario: "crowded".into(),
            seed: Some(1),
            runs: vec![0, 1],
            ..RunData::default()
        };
        let names: Vec<String> = ["unga", "itu", "itu-t", "ietf", "sco", "budapest"]
            .iter()
            .map(|s| s.to_string())
            .chain((0..12).map(|k| format!("gge-{}", 2004 + 2 * k)))
            .collect();
        let ends = [
            (0.15, 0.2, "standards"),
            (0.15, 0.2, "standards"),
            (0.15, 0.2, "standards"),
            (0.151, 0.201, "standards"),
            (1.0, 1.0, "norms"),
            (0.2, 0.24, "cybercrime"),
        ];
        for run in 0..2u64 {
            for year in 2000..2010 {
                d.rounds.push(data::RoundRow {
                    run,
                    year,
                    ami: 0.5,
                    fragmentation: 0.5,
                });
                for (i, v) in names.iter().enumerate() {
                    let members = if i < 4 { 193.0 } else { 5.0 + i as f64 };
                    d.venues.push(data::VenueRow {
                        run,
                        year,
                        venue: v.clone(),
                        members,
                    });
                    let (m, s, kind) = match ends.get(i) {
                        Some(&e) => e,
                        None => (0.3 + 0.02 * i as f64, 0.45 + 0.01 * (i % 3) as f64, "norms"),
                    };
                    d.rules.push(data::RuleRow {
                        run,
                        year,
                        venue: v.clone(),
                        kind: kind.into(),
                        m,
                        s,
                    });
                }
                d.rules.push(data::RuleRow {
                    run,
                    year,
                    venue: "sco".into(),
                    kind: "cybercrime".into(),
                    m: 1.0,
                    s: 1.0,
                });
            }
        }
        d
    }

    /// The label boxes of `svg` whose text is one of `labels`.
    fn boxes_of(svg: &str, labels: &[String]) -> Vec<(String, svgtest::TextBox)> {
        svgtest::labelled_boxes(svg)
            .into_iter()
            .filter(|(t, _)| labels.contains(t))
            .collect()
    }

    /// A rule that stays put for years and then is moved back and forth by the camps'
    /// texts (the Assembly's norms rule in the world replay) repeats points and turns
    /// almost 180°. Drawn as one wide polyline, the bitmap backend drew a spike from it
    /// across the chart and off the canvas; drawn as segments between distinct pixels,
    /// nothing leaves the plot: the top-right corner (no title, no legend) stays white.
    #[test]
    fn a_rule_moved_back_and_forth_draws_no_spike_off_the_chart() {
        let mut d = RunData {
            scenario: "back-and-forth".into(),
            seed: Some(1),
            runs: vec![0],
            ..RunData::default()
        };
        // The world replay's median norms rule of the Assembly, 1998–2025 (seed 42, 20
        // runs): the 1998 text for 17 years, then each camp's text in turn.
        let mut path = vec![(0.6636, 0.6870); 17];
        path.extend([(0.4379, 0.4808); 4]);
        path.extend([(0.7755, 0.7913); 2]);
        path.extend([(0.4440, 0.4803); 5]);
        for (k, &(m, s)) in path.iter().enumerate() {
            let year = 2000 + k as i32;
            d.rounds.push(data::RoundRow {
                run: 0,
                year,
                ami: 0.5,
                fragmentation: 0.5,
            });
            d.venues.push(data::VenueRow {
                run: 0,
                year,
                venue: "unga".into(),
                members: 193.0,
            });
            d.rules.push(data::RuleRow {
                run: 0,
                year,
                venue: "unga".into(),
                kind: "norms".into(),
                m,
                s,
            });
        }
        let bytes = render_png(Chart::Rules, &d).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let (w, h) = (info.width as usize, info.height as usize);
        assert_eq!(info.color_type, png::ColorType::Rgb);
        let mut inked = 0;
        for y in 0..h / 10 {
            for x in w - w / 8..w {
                let i = 3 * (y * w + x);
                if buf[i..i + 3] != [255, 255, 255] {
                    inked += 1;
                }
            }
        }
        assert_eq!(inked, 0, "pixels drawn in the empty top-right corner");
    }

    #[test]
    fn issue14_14_rules_labels_are_combined_apart_and_inside_the_plot() {
        let s = render_svg(Chart::Rules, &crowded()).unwrap();
        // Venues at one point share one label; sco's two rules are one name.
        let t = texts(&s);
        for label in ["unga, itu, itu-t, ietf", "sco"] {
            assert!(t.iter().any(|x| x == label), "{label}: {t:?}");
        }
        assert!(!t.iter().any(|x| x == "itu" || x == "itu-t"), "{t:?}");
        let labels: Vec<String> = t
            .iter()
            .filter(|x| {
                x.starts_with("unga") || x.starts_with("gge-") || *x == "sco" || *x == "budapest"
            })
            .cloned()
            .collect();
        let b = boxes_of(&s, &labels);
        assert_eq!(b.len(), 2 + 1 + 12, "{t:?}");
        // The plot's frame: the axes' extreme tick labels bound it.
        let ticks = svgtest::labelled_boxes(&s);
        let tick = |name: &str| -> Vec<svgtest::TextBox> {
            ticks
                .iter()
                .filter(|(t, _)| t == name)
                .map(|(_, b)| *b)
                .collect()
        };
        let right = tick("1.0")
            .iter()
            .map(|b| (b.x0 + b.x1) / 2.0)
            .fold(f64::MIN, f64::max);
        let top = tick("1.0")
            .iter()
            .map(|b| (b.y0 + b.y1) / 2.0)
            .fold(f64::MAX, f64::min);
        let left = tick("0.0").iter().map(|b| b.x1).fold(f64::MIN, f64::max);
        for (i, (ta, a)) in b.iter().enumerate() {
            assert!(
                a.x1 <= right + 1.0 && a.y0 >= top - 1.0 && a.x0 >= left,
                "{ta} is clipped: {a:?}"
            );
            for (tb, o) in &b[i + 1..] {
                assert!(!a.overlaps(o), "{ta} {a:?} overlaps {tb} {o:?}");
            }
        }
    }

    #[test]
    fn issue14_14_members_draws_every_venue_in_its_own_colour_and_dash() {
        let d = crowded();
        let s = render_svg(Chart::Members, &d).unwrap();
        let t = texts(&s);
        assert!(!t.iter().any(|x| x.contains("more venues")), "{t:?}");
        // Every venue has a legend entry; those under unga's line say so.
        for v in ["unga", "sco", "gge-2026"] {
            assert!(t.iter().any(|x| x == v), "{v}: {t:?}");
        }
        for v in ["itu", "itu-t", "ietf"] {
            assert!(
                t.iter().any(|x| *x == format!("{v} (= unga)")),
                "{v}: {t:?}"
            );
        }
        let styles: Vec<(RGBColor, bool)> = (0..18)
            .map(|i| (style::colour(i), style::dashed(i)))
            .collect();
        for (i, a) in styles.iter().enumerate() {
            assert!(!styles[i + 1..].contains(a), "series {i} repeats {a:?}");
        }
        // Legend entries do not overlap or leave the image.
        let entries: Vec<String> = t
            .iter()
            .filter(|x| x.starts_with("gge-") || x.starts_with("(= x)"))
            .cloned()
            .collect();
        let b = boxes_of(&s, &entries);
        for (i, (ta, a)) in b.iter().enumerate() {
            assert!(a.y1 <= 900.0 && a.x1 <= 1600.0, "{ta} clipped: {a:?}");
            for (tb, o) in &b[i + 1..] {
                assert!(!a.overlaps(o), "{ta} overlaps {tb}");
            }
        }
    }

    #[test]
    fn input_errors_are_bad_input_and_write_errors_are_not() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            plot_dir(dir.path(), &dir.path().join(PLOTS), Format::Both)
                .unwrap_err()
                .is_bad_input()
        );
        data::tests::write_folder(dir.path());
        std::fs::write(dir.path().join(PLOTS), "a file, not a folder").unwrap();
        let err = plot_dir(dir.path(), &dir.path().join(PLOTS), Format::Svg).unwrap_err();
        assert!(!err.is_bad_input(), "{err}");
    }
}
