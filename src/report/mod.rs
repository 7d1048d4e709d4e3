//! `forumsim report DIR`: one self-contained `DIR/report.html` for a run, sweep or
//! validate folder — something a teacher can email to a class.
//!
//! The page holds the scenario summary (re-loaded from the scenario file the manifest
//! names, or from the folder's `scenario.resolved.toml`, and it says which), the
//! manifest, every chart of `forumsim plot` as inline SVG, and the key tables. It uses
//! no network, no scripts and no external files: the charts' font (DejaVu Sans, the
//! one compiled into forumsim) is embedded as a base64 `@font-face`, and a CSS rule
//! makes the SVG text use it, so the page looks the same on a machine without fonts.
//! The SVGs still name the generic `sans-serif` family as their own fallback.

pub mod html;
mod sensitivity;

use crate::experiment::summary::describe;
use crate::output::atomic;
use crate::output::{MANIFEST, RESOLVED, sha256_hex};
use crate::plot::data::read;
use crate::plot::sweepdata::{MeanCi, SweepData};
use crate::plot::{
    self, Chart, Figure, PlotError, RunData, RunFigure, bands::median, members, outcomes, style,
    sweep, variants,
};
use crate::validate::facts::{Band, phrase_of};
use crate::validate::output::{FACTS, SUMMARY, VALIDATE};
use html::{Cell, esc, fix, num, table, text};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// File name of the report inside the folder.
pub const REPORT: &str = "report.html";

/// The family name the page gives the embedded font.
const FONT_FAMILY: &str = "forumsim DejaVu Sans";

/// A built report: the page, and how many charts it holds.
pub struct Report {
    pub html: String,
    pub charts: usize,
}

/// Builds the report of the run, sweep or validate folder `dir` and writes it to
/// `path` (`dir/report.html` unless the user chose another; atomically, parents
/// created). Returns the number of charts.
pub fn write_report(dir: &Path, path: &Path) -> Result<usize, PlotError> {
    let r = build(dir)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| {
            crate::output::OutputError::CreateDir {
                path: parent.to_path_buf(),
                source,
            }
        })?;
    }
    atomic::write(path, r.html.as_bytes())?;
    Ok(r.charts)
}

/// Builds the report of `dir` in memory.
pub fn build(dir: &Path) -> Result<Report, PlotError> {
    if !dir.is_dir() {
        return Err(PlotError::Read {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        });
    }
    let manifest: Value = std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let mut body = String::new();
    let (title, charts) = if plot::tallies::is_validate(dir) {
        let (name, _) = plot::data::describe(dir);
        let title = format!("forumsim report: validation of {name}");
        head(
            &mut body,
            dir,
            &manifest,
            &title,
            "validation",
            &manifest["scenario"],
        );
        let charts = validate_section(&mut body, dir)?;
        manifest_section(&mut body, &manifest);
        (title, charts)
    } else if plot::is_sweep(dir) {
        let d = plot::load_sweep(dir)?;
        let title = format!("forumsim report: sweep {}", d.name);
        // A sweep's manifest names its scenario at the top level.
        let sc = serde_json::json!({
            "path": manifest["scenario_path"],
            "sha256": manifest["scenario_sha256"],
            "overrides": manifest["common"],
        });
        head(&mut body, dir, &manifest, &title, "sweep", &sc);
        // A sensitivity design's result is its indices: they lead, and the binned
        // per-parameter charts, misleading on such a design, are left out.
        let charts = if sensitivity::is_sensitivity_design(&d.design) {
            sensitivity::section(&mut body, dir)?
        } else {
            let figs = sweep::figures(&d);
            charts_section(&mut body, &figs)?;
            figs.len()
        };
        sweep_tables(&mut body, &d);
        manifest_section(&mut body, &manifest);
        (title, charts)
    } else {
        let d = plot::load(dir)?;
        let title = format!("forumsim report: {}", d.scenario);
        head(
            &mut body,
            dir,
            &manifest,
            &title,
            "run",
            &manifest["scenario"],
        );
        let figs: Vec<RunFigure<'_>> = Chart::ALL
            .iter()
            .map(|&chart| RunFigure { chart, data: &d })
            .collect();
        charts_section(&mut body, &figs)?;
        run_tables(&mut body, &d);
        manifest_section(&mut body, &manifest);
        (title, figs.len())
    };
    let mut page = String::with_capacity(body.len() + 1_100_000);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n@font-face {{ font-family: \"{FONT_FAMILY}\"; \
         src: url(data:font/ttf;base64,{}) format(\"truetype\"); }}\n{CSS}</style>\n</head>\n\
         <body>\n{body}</body>\n</html>\n",
        esc(&title),
        html::base64(style::font_bytes()),
    );
    Ok(Report { html: page, charts })
}

/// The page's style: the embedded font for the page and (overriding the SVGs'
/// `font-family="sans-serif"` attribute, which CSS outranks) for the charts' text.
const CSS: &str = "body { font-family: \"forumsim DejaVu Sans\", sans-serif; max-width: 72rem; \
margin: 0 auto; padding: 1rem 1.5rem; color: #222; line-height: 1.4; }
svg text { font-family: \"forumsim DejaVu Sans\", sans-serif; }
figure { margin: 1.5rem 0; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.6rem; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #555; }
code { font-size: 0.9em; }
";

/// The page's heading, introduction and scenario section, the same for every kind of
/// folder; `sc` holds the scenario's `path`, `sha256` and `overrides`.
fn head(body: &mut String, dir: &Path, manifest: &Value, title: &str, kind: &str, sc: &Value) {
    let _ = writeln!(body, "<h1>{}</h1>", esc(title));
    intro(body, dir, manifest, kind);
    let overrides = strings(&sc["overrides"]);
    scenario_section(
        body,
        dir,
        sc["path"].as_str(),
        sc["sha256"].as_str(),
        &overrides,
    );
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn intro(out: &mut String, dir: &Path, manifest: &Value, kind: &str) {
    let version = manifest["forumsim"].as_str().unwrap_or("unknown");
    let _ = writeln!(
        out,
        "<p class=\"note\">The {kind} in <code>{}</code>, written by forumsim {}. \
         This page is self-contained: charts, tables and font are inside it.</p>",
        esc(&dir.display().to_string()),
        esc(version)
    );
}

/// The scenario's name, description and counts, from the file the manifest names
/// (with the same overrides) or else from the folder's resolved copy.
fn scenario_section(
    out: &mut String,
    dir: &Path,
    path: Option<&str>,
    sha: Option<&str>,
    overrides: &[String],
) {
    out.push_str("<h2>Scenario</h2>\n");
    let resolved = dir.join(RESOLVED);
    let loaded = match path {
        Some(p) if Path::new(p).is_file() => {
            let changed = std::fs::read(p)
                .ok()
                .zip(sha)
                .is_some_and(|(bytes, sha)| sha256_hex(&bytes) != sha);
            let mut note = format!("Loaded from <code>{}</code>", esc(p));
            if !overrides.is_empty() {
                let _ = write!(
                    note,
                    " with <code>--set {}</code>",
                    esc(&overrides.join(" --set "))
                );
            }
            note.push('.');
            if changed {
                note.push_str(
                    " <strong>The file has changed since this output was written</strong> \
                     (its SHA-256 differs from the manifest's): the summary may not match.",
                );
            }
            Some((crate::scenario::load_with(Path::new(p), overrides), note))
        }
        _ if resolved.is_file() => {
            let note = format!(
                "The scenario file <code>{}</code> no longer exists (relative to the current \
                 folder); summary from the folder's own copy, <code>{RESOLVED}</code>.",
                esc(path.unwrap_or("(not named)"))
            );
            Some((crate::scenario::load(&resolved), note))
        }
        _ => None,
    };
    match loaded {
        None => {
            let _ = writeln!(
                out,
                "<p class=\"note\">The scenario file <code>{}</code> no longer exists (relative \
                 to the current folder) and the folder has no resolved copy: only the \
                 manifest below describes it.</p>",
                esc(path.unwrap_or("(not named)"))
            );
        }
        Some((Err(e), note)) => {
            let _ = writeln!(
                out,
                "<p class=\"note\">{note} It does not load any more: <code>{}</code></p>",
                esc(&e.to_string())
            );
        }
        Some((Ok(sc), note)) => {
            let _ = writeln!(out, "<p class=\"note\">{note}</p>");
            let ids = |v: Vec<&str>| v.join(", ");
            let rows = vec![
                vec![text("name"), text(sc.name.clone())],
                vec![text("description"), text(sc.description.trim().to_string())],
                vec![
                    text("years"),
                    text(format!(
                        "{}–{} ({} rounds)",
                        sc.start_year,
                        sc.start_year + sc.rounds as i32 - 1,
                        sc.rounds
                    )),
                ],
                vec![text("states"), text(sc.states.len().to_string())],
                vec![text("blocs"), text(sc.blocs.len().to_string())],
                vec![
                    text("venues"),
                    text(format!(
                        "{}: {}",
                        sc.venues.len(),
                        ids(sc.venues.iter().map(|v| v.id.as_str()).collect())
                    )),
                ],
                vec![
                    text("proposals"),
                    text(format!(
                        "{}: {}",
                        sc.proposals.len(),
                        ids(sc.proposals.iter().map(|p| p.id.as_str()).collect())
                    )),
                ],
                vec![text("events"), text(sc.events.len().to_string())],
            ];
            table(out, &["", "value"], &rows);
        }
    }
}

/// Flattens a JSON value into `(dotted key, text)` rows.
fn flatten(prefix: &str, v: &Value, rows: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, rows);
            }
        }
        Value::Array(a) if a.is_empty() => rows.push((prefix.to_string(), "(none)".into())),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let items: Vec<String> = a.iter().map(scalar).collect();
            rows.push((prefix.to_string(), items.join(", ")));
        }
        Value::Array(a) => {
            // A list of records (files, variants): one line per record.
            let items: Vec<String> = a.iter().map(compact).collect();
            rows.push((prefix.to_string(), items.join("; ")));
        }
        x => rows.push((prefix.to_string(), scalar(x))),
    }
}

/// `name: runs.csv, rows: 40` for a record; scalars as they are.
fn compact(v: &Value) -> String {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, x)| format!("{k}: {}", compact(x)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(a) if a.is_empty() => "(none)".into(),
        Value::Array(a) => a.iter().map(compact).collect::<Vec<_>>().join(" "),
        x => scalar(x),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        x => x.to_string(),
    }
}

fn manifest_section(out: &mut String, manifest: &Value) {
    out.push_str(
        "<h2>Manifest</h2>\n<p class=\"note\">What was run, as recorded in \
         <code>manifest.json</code>.</p>\n",
    );
    let Some(m) = manifest.as_object() else {
        out.push_str("<p class=\"note\">No readable manifest.json in the folder.</p>\n");
        return;
    };
    let mut rows = Vec::new();
    for (k, v) in m {
        if k == "parameters" {
            continue;
        }
        if k == "metrics" && v.is_array() {
            rows.push((k.clone(), strings(v).join(", ")));
            continue;
        }
        // An external design's rows, as given: a count here.
        if let Some(n) = v.get("rows").and_then(Value::as_array).map(Vec::len) {
            let mut v = v.clone();
            v["rows"] = Value::String(format!("{n} (listed in manifest.json)"));
            flatten(k, &v, &mut rows);
            continue;
        }
        flatten(k, v, &mut rows);
    }
    let cells: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|(k, v)| vec![text(k), text(v)])
        .collect();
    table(out, &["field", "value"], &cells);
    if let Some(p) = m.get("parameters") {
        out.push_str("<h3>Parameters</h3>\n");
        let mut rows = Vec::new();
        flatten("", p, &mut rows);
        let cells: Vec<Vec<Cell>> = rows
            .into_iter()
            .map(|(k, v)| vec![text(k), num(v)])
            .collect();
        table(out, &["parameter", "value"], &cells);
    }
}

fn charts_section<F: Figure>(out: &mut String, figs: &[F]) -> Result<(), PlotError> {
    out.push_str("<h2>Charts</h2>\n");
    if figs.is_empty() {
        out.push_str(
            "<p class=\"note\">No charts: the sweep has no numeric axis and no variant.</p>\n",
        );
    }
    for fig in figs {
        figure(out, fig)?;
    }
    Ok(())
}

/// One chart as an inline SVG with its caption.
fn figure<F: Figure>(out: &mut String, fig: &F) -> Result<(), PlotError> {
    let name = fig.name();
    let svg = plot::svg_of(fig).map_err(|msg| PlotError::Draw {
        path: PathBuf::from(format!("{name}.svg")),
        msg,
    })?;
    let start = svg.find("<svg").unwrap_or(0);
    let _ = writeln!(
        out,
        "<figure id=\"{}\">\n{}\n<figcaption>{} (<code>plots/{}.svg</code> and \
         <code>.png</code> with <code>forumsim plot</code>)</figcaption>\n</figure>",
        esc(&name),
        svg[start..].trim_end(),
        esc(&name),
        esc(&name)
    );
    Ok(())
}

/// A validate folder's charts and tables: the tallies chart and a table per target
/// when it has `validate.csv`, the facts chart and table when it has `facts.csv`.
/// Returns the number of charts.
fn validate_section(out: &mut String, dir: &Path) -> Result<usize, PlotError> {
    let has_targets = dir.join(VALIDATE).is_file();
    let has_facts = dir.join(FACTS).is_file();
    if !has_targets && !has_facts {
        return Err(PlotError::Read {
            path: dir.join(VALIDATE),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "a validate folder without validate.csv or facts.csv",
            ),
        });
    }
    out.push_str("<h2>Charts</h2>\n");
    let mut charts = 0;
    if has_targets {
        figure(out, &plot::tallies::load(dir)?)?;
        charts += 1;
    }
    if has_facts {
        figure(out, &plot::facts::load(dir)?)?;
        charts += 1;
    }
    out.push_str("<h2>Tables</h2>\n");
    if dir.join(SUMMARY).is_file() {
        targets_table(out, dir)?;
    }
    if has_facts {
        facts_table(out, dir)?;
    }
    Ok(charts)
}

fn pct(v: f64) -> String {
    if v.is_nan() {
        "–".into()
    } else {
        format!("{:.1} %", 100.0 * v)
    }
}

/// The targets as `validate_summary.csv` holds them.
fn targets_table(out: &mut String, dir: &Path) -> Result<(), PlotError> {
    out.push_str("<h3>Targets: recorded decisions</h3>\n");
    let names = [
        "target",
        "decided_share",
        "adopted_share",
        "max_abs_error",
        "agreement_voting",
        "kappa",
        "baseline_agreement_voting",
    ];
    let mut rows = Vec::new();
    read(dir, SUMMARY, &names, |c| {
        rows.push(vec![
            text(c.text(0)),
            num(pct(c.num(1)?)),
            num(pct(c.num(2)?)),
            num(fix(c.num(3)?, 1)),
            num(pct(c.num(4)?)),
            num(fix(c.num(5)?, 3)),
            num(pct(c.num(6)?)),
        ]);
        Ok(())
    })?;
    table(
        out,
        &[
            "target",
            "decided in",
            "adopted in",
            "largest |error| (votes)",
            "agreement among voters",
            "kappa",
            "baseline agreement",
        ],
        &rows,
    );
    Ok(())
}

/// The facts as `facts.csv` holds them, with the summary line above.
fn facts_table(out: &mut String, dir: &Path) -> Result<(), PlotError> {
    let names = [
        "id",
        "venue",
        "outcome",
        "first_year",
        "last_year",
        "runs",
        "reproduced",
        "alternative",
        "alternative_share",
        "best_forecast",
        "elsewhere",
        "source",
    ];
    let mut rows = Vec::new();
    let mut counts: Vec<(usize, usize)> = Vec::new();
    read(dir, FACTS, &names, |c| {
        let (first, last): (i32, i32) = (c.parse(3)?, c.parse(4)?);
        let years = if first == last {
            first.to_string()
        } else {
            format!("{first}–{last}")
        };
        let (runs, reproduced): (usize, usize) = (c.parse(5)?, c.parse(6)?);
        counts.push((reproduced, runs));
        let share = if runs == 0 {
            f64::NAN
        } else {
            reproduced as f64 / runs as f64
        };
        let alternative = match c.text(7) {
            "" => "–".to_string(),
            alt => format!("{} ({})", phrase_of(alt), pct(c.num(8)?)),
        };
        rows.push(vec![
            text(years),
            text(c.text(0)),
            text(c.text(1)),
            text(phrase_of(c.text(2))),
            num(pct(share)),
            text(alternative),
            num(pct(c.num(9)?)),
            text(c.text(10).replace(';', ", ")),
            text(c.text(11)),
        ]);
        Ok(())
    })?;
    let bands: Vec<Band> = counts.iter().map(|&(k, n)| Band::of(k, n)).collect();
    let shares: Vec<f64> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|&(k, n)| k as f64 / n as f64)
        .collect();
    let _ = writeln!(
        out,
        "<h3>Facts: recorded outcomes</h3>\n<p class=\"note\">{} facts: reproduced in at least \
         2/3 of runs {}, in at least 1/2 {}; mean share {}. <em>Instead</em> is the most \
         common outcome of the runs that did not reproduce the fact; <em>forecast</em> the \
         best pass probability its sponsor saw in the venue in those runs; <em>elsewhere</em> \
         where they decided it instead (venue:year:runs).</p>",
        rows.len(),
        bands.iter().filter(|b| **b == Band::High).count(),
        bands.iter().filter(|b| **b != Band::Low).count(),
        pct(crate::stats::mean(&shares)),
    );
    table(
        out,
        &[
            "years",
            "fact",
            "venue",
            "recorded",
            "reproduced in",
            "instead",
            "forecast",
            "elsewhere",
            "source",
        ],
        &rows,
    );
    Ok(())
}

fn run_tables(out: &mut String, d: &RunData) {
    out.push_str("<h2>Tables</h2>\n");
    let last = d.rounds.iter().map(|r| r.year).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "<h3>Indices in the final year ({last}), across runs</h3>"
    );
    let mut rows = Vec::new();
    for (name, pick) in [
        (
            "AMI (0 = multistakeholder, 1 = state-centric)",
            (|r: &plot::data::RoundRow| r.ami) as fn(&plot::data::RoundRow) -> f64,
        ),
        ("fragmentation (0 = one forum .. 1 = dispersed)", |r| {
            r.fragmentation
        }),
    ] {
        let v: Vec<f64> = d
            .rounds
            .iter()
            .filter(|r| r.year == last)
            .map(pick)
            .collect();
        let s = describe(&v);
        rows.push(vec![
            text(name),
            num(format!("{}", s[0])),
            num(fix(s[1], 4)),
            num(fix(s[2], 4)),
            num(fix(s[3], 4)),
            num(fix(s[5], 4)),
            num(fix(s[7], 4)),
            num(format!("{} – {}", fix(s[8], 4), fix(s[9], 4))),
        ]);
    }
    table(
        out,
        &[
            "index",
            "runs",
            "mean",
            "sd",
            "5 %",
            "median",
            "95 %",
            "95 % CI of the mean",
        ],
        &rows,
    );

    out.push_str("<h3>Votes on proposals per venue</h3>\n");
    let mut totals: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for p in &d.proposals {
        let t = totals.entry(&p.venue).or_default();
        if p.adopted {
            t.0 += 1;
        } else {
            t.1 += 1;
        }
    }
    let rows: Vec<Vec<Cell>> = outcomes::outcomes(d)
        .into_iter()
        .map(|o| {
            let (a, f) = totals.get(o.venue.as_str()).copied().unwrap_or_default();
            vec![
                text(o.venue.clone()),
                num(a.to_string()),
                num(f.to_string()),
                num(fix(o.adopted, 2)),
                num(fix(o.failed, 2)),
            ]
        })
        .collect();
    if rows.is_empty() {
        out.push_str("<p class=\"note\">No proposal was voted on.</p>\n");
    } else {
        table(
            out,
            &[
                "venue",
                "adopted (all runs)",
                "failed (all runs)",
                "adopted per run",
                "failed per run",
            ],
            &rows,
        );
    }

    let _ = writeln!(out, "<h3>Members per venue in the final year ({last})</h3>");
    let runs = d.runs.len();
    let rows: Vec<Vec<Cell>> = members::venue_order(d)
        .into_iter()
        .filter_map(|venue| {
            let v: Vec<f64> = d
                .venues
                .iter()
                .filter(|r| r.year == last && r.venue == venue)
                .map(|r| r.members)
                .collect();
            if v.is_empty() {
                return None;
            }
            Some(vec![
                text(venue),
                num(format!("{} of {runs}", v.len())),
                num(fix(median(v.iter().copied()), 1)),
            ])
        })
        .collect();
    table(
        out,
        &[
            "venue",
            "runs in which it exists",
            "median members (states)",
        ],
        &rows,
    );
}

fn ci(s: &MeanCi, d: usize) -> String {
    format!("{} [{}, {}]", fix(s.mean, d), fix(s.lo, d), fix(s.hi, d))
}

fn sweep_tables(out: &mut String, d: &SweepData) {
    out.push_str("<h2>Tables</h2>\n<h3>Design</h3>\n");
    let mut rows = Vec::new();
    for (a, path) in d.axes.iter().enumerate() {
        let mut vals: Vec<&str> = d.runs.iter().map(|r| r.axis_text[a].as_str()).collect();
        vals.sort_unstable();
        vals.dedup();
        let shown = if vals.len() <= 12 {
            vals.join(", ")
        } else {
            let (lo, hi) = d
                .runs
                .iter()
                .map(|r| r.axis[a])
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                    (l.min(v), h.max(v))
                });
            format!("{} values in [{lo}, {hi}]", vals.len())
        };
        rows.push(vec![text(format!("axis {path}")), text(shown)]);
    }
    rows.push(vec![text("variants"), text(d.variants.join(", "))]);
    rows.push(vec![
        text("runs"),
        text(format!(
            "{} ({} design, {} replicates per point and variant)",
            d.runs.len(),
            d.design,
            d.replicates
        )),
    ]);
    table(out, &["", "value"], &rows);

    out.push_str(
        "<h3>Global metrics per variant</h3>\n<p class=\"note\">Mean over all runs of the \
         variant [95 % CI], and the paired difference to the base over the same seeds. \
         summary.csv has every metric per point.</p>\n",
    );
    let mut rows = Vec::new();
    for (m, name) in d.metrics.iter().enumerate() {
        if name.contains('.') {
            continue;
        }
        let diffs = variants::differences(d, m);
        for (v, variant) in d.variants.iter().enumerate() {
            let vals: Vec<f64> = d
                .runs
                .iter()
                .filter(|r| r.variant == v)
                .map(|r| r.values[m])
                .collect();
            let s = MeanCi::of(&vals);
            let diff = if v == 0 {
                "–".to_string()
            } else {
                ci(&diffs[v - 1], 4)
            };
            rows.push(vec![
                text(name.clone()),
                text(variant.clone()),
                num(s.n.to_string()),
                num(ci(&s, 4)),
                num(diff),
            ]);
        }
    }
    table(
        out,
        &[
            "metric",
            "variant",
            "runs",
            "mean [95 % CI]",
            "variant − base [95 % CI]",
        ],
        &rows,
    );

    let mut points: Vec<u64> = d.runs.iter().map(|r| r.point).collect();
    points.sort_unstable();
    points.dedup();
    let mut shown: Vec<usize> = ["ami", "fragmentation"]
        .iter()
        .filter_map(|n| d.metrics.iter().position(|m| m == n))
        .collect();
    if shown.is_empty() {
        shown = d.varying_metrics().into_iter().take(2).collect();
    }
    if points.len() > 1 && points.len() <= 50 && !shown.is_empty() {
        out.push_str("<h3>Per point</h3>\n");
        let mut header: Vec<String> = vec!["point".into()];
        header.extend(d.axes.iter().cloned());
        header.push("variant".into());
        header.extend(shown.iter().map(|&m| format!("{} [95 % CI]", d.metrics[m])));
        let mut rows = Vec::new();
        for &p in &points {
            for (v, variant) in d.variants.iter().enumerate() {
                let runs: Vec<_> = d
                    .runs
                    .iter()
                    .filter(|r| r.point == p && r.variant == v)
                    .collect();
                let Some(first) = runs.first() else { continue };
                let mut row = vec![num(p.to_string())];
                row.extend(first.axis_text.iter().map(|t| num(t.clone())));
                row.push(text(variant.clone()));
                for &m in &shown {
                    let vals: Vec<f64> = runs.iter().map(|r| r.values[m]).collect();
                    row.push(num(ci(&MeanCi::of(&vals), 4)));
                }
                rows.push(row);
            }
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        table(out, &header, &rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_report_inlines_every_chart_and_embeds_the_font() {
        let dir = tempfile::tempdir().unwrap();
        plot::data::tests::write_folder(dir.path());
        let r = build(dir.path()).unwrap();
        assert_eq!(r.charts, 4);
        assert_eq!(r.html.matches("<svg").count(), 4);
        assert!(r.html.contains("@font-face") && r.html.contains("data:font/ttf;base64,AAEAAA"));
        assert!(!r.html.contains("<script"));
        assert!(r.html.contains("Votes on proposals per venue"));
        // No manifest and no scenario: the page says so instead of failing.
        assert!(r.html.contains("no longer exists"), "scenario note");
        assert!(r.html.contains("No readable manifest.json"));
    }

    #[test]
    fn a_sweep_report_has_its_charts_and_tables() {
        let dir = tempfile::tempdir().unwrap();
        plot::sweepdata::tests::write_sweep(dir.path());
        let r = build(dir.path()).unwrap();
        assert_eq!(r.charts, 4);
        assert_eq!(r.html.matches("<svg").count(), 4);
        for s in [
            "Global metrics per variant",
            "Per point",
            "axis parameters.a",
            "variant − base",
        ] {
            assert!(r.html.contains(&esc(s)), "{s}");
        }
    }

    #[test]
    fn manifest_values_are_escaped() {
        let mut s = String::new();
        manifest_section(&mut s, &serde_json::json!({"name": "<script>x</script>"}));
        assert!(s.contains("&lt;script&gt;") && !s.contains("<script>"));
    }
}
