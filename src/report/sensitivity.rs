//! The sensitivity part of a sweep report: on a Sobol' or Morris design the indices are
//! the result, so they lead — the seed share, S1/ST or μ*/σ per outcome with their
//! intervals, and the charts `forumsim sensitivity` drew — and the per-parameter charts
//! of an ordinary sweep are left out. Those charts bin rows that share base samples
//! (the A, B and AB matrices of Saltelli's scheme, or a Morris trajectory), so their
//! bands are not independent and can suggest effects the indices deny.

use super::html::{Cell, esc, num, table, text};
use crate::experiment::sensio::{MORRIS_CSV, SEED_CSV, SOBOL_CSV};
use crate::plot::PlotError;
use crate::plot::data::read;
use std::fmt::Write as _;
use std::path::Path;

/// Whether the sweep `design` (its `sweep.json` label) is a sensitivity design.
pub(super) fn is_sensitivity_design(design: &str) -> bool {
    design.starts_with("sobol") || design.starts_with("morris")
}

/// Writes the indices section of `dir` into `out`; returns the number of charts inlined.
/// Without the files of `forumsim sensitivity` it says how to make them.
pub(super) fn section(out: &mut String, dir: &Path) -> Result<usize, PlotError> {
    out.push_str("<h2>Sensitivity indices</h2>\n");
    let sobol = dir.join(SOBOL_CSV).is_file();
    let morris = dir.join(MORRIS_CSV).is_file();
    if !sobol && !morris {
        let _ = writeln!(
            out,
            "<p class=\"note\">This sweep is a sensitivity design, but the folder holds no \
             indices yet: run <code>forumsim sensitivity {}</code>, then the report again.</p>",
            esc(&dir.display().to_string())
        );
        return Ok(0);
    }
    if dir.join(SEED_CSV).is_file() {
        seed_table(out, dir)?;
    }
    if sobol {
        sobol_tables(out, dir)?;
    }
    if morris {
        morris_tables(out, dir)?;
    }
    let charts = inline_charts(out, dir);
    out.push_str(
        "<p class=\"note\">Per-parameter charts are left out of this report: on a Sobol' or \
         Morris design the rows share base samples, so binned means and their bands are not \
         independent and are not tests of an effect. <code>forumsim plot</code> still draws \
         them.</p>\n",
    );
    Ok(charts)
}

fn ci(v: f64, lo: f64, hi: f64) -> Cell {
    if v.is_finite() {
        num(format!("{v:.3} [{lo:.3}, {hi:.3}]"))
    } else {
        num("–")
    }
}

fn seed_table(out: &mut String, dir: &Path) -> Result<(), PlotError> {
    let names = [
        "outcome",
        "replicates",
        "seed_share",
        "ci_lo",
        "ci_hi",
        "warnings",
    ];
    let mut rows = Vec::new();
    read(dir, SEED_CSV, &names, |c| {
        rows.push(vec![
            text(c.text(0)),
            num(c.text(1)),
            ci(c.num(2)?, c.num(3)?, c.num(4)?),
            text(c.text(5).replace(" | ", "; ")),
        ]);
        Ok(())
    })?;
    out.push_str(
        "<h3>Seed share</h3>\n<p class=\"note\">The share of a run's variance that is the \
         seed's (the replicates' spread at one point) [95 % CI]. Where it dominates, the \
         indices describe the mean over replicates.</p>\n",
    );
    table(
        out,
        &["outcome", "replicates", "seed share [95 % CI]", "warnings"],
        &rows,
    );
    Ok(())
}

/// The rows of `key` in `by` (groups in first-seen order), a new group if it has none.
fn group<T>(by: &mut Vec<(String, Vec<T>)>, key: String) -> &mut Vec<T> {
    let k = match by.iter().position(|(o, _)| *o == key) {
        Some(k) => k,
        None => {
            by.push((key, Vec::new()));
            by.len() - 1
        }
    };
    &mut by[k].1
}

/// An estimate and its interval: (value, lo, hi).
type Est = (f64, f64, f64);

/// A parameter's S1 and ST, as read.
type SobolRow = (String, Option<Est>, Option<Est>);

/// A Morris table row and its rank.
type Ranked = (usize, Vec<Cell>);

/// One table per outcome: parameters by ST, with S1 and ST [95 % CI].
fn sobol_tables(out: &mut String, dir: &Path) -> Result<(), PlotError> {
    let names = [
        "outcome",
        "index",
        "parameter",
        "estimate",
        "ci_lo",
        "ci_hi",
    ];
    // outcome -> parameter -> (S1, ST), each (value, lo, hi), in file order
    let mut by: Vec<(String, Vec<SobolRow>)> = Vec::new();
    read(dir, SOBOL_CSV, &names, |c| {
        let index = c.text(1);
        if index != "S1" && index != "ST" {
            return Ok(());
        }
        let (outcome, param) = (c.text(0).to_string(), c.text(2).to_string());
        let est = (c.num(3)?, c.num(4)?, c.num(5)?);
        let params = group(&mut by, outcome);
        let j = match params.iter().position(|(p, _, _)| *p == param) {
            Some(j) => j,
            None => {
                params.push((param, None, None));
                params.len() - 1
            }
        };
        if index == "S1" {
            params[j].1 = Some(est);
        } else {
            params[j].2 = Some(est);
        }
        Ok(())
    })?;
    let nan = (f64::NAN, f64::NAN, f64::NAN);
    for (outcome, mut params) in by {
        params.sort_by(|a, b| {
            let st = |x: &Option<Est>| x.map_or(f64::NEG_INFINITY, |e| e.0);
            st(&b.2).total_cmp(&st(&a.2))
        });
        let _ = writeln!(
            out,
            "<h3>Sobol' indices: {}</h3>\n<p class=\"note\">First-order (S1) and total (ST) \
             indices [95 % bootstrap CI], parameters by ST.</p>",
            esc(&outcome)
        );
        let rows: Vec<Vec<Cell>> = params
            .into_iter()
            .map(|(p, s1, st)| {
                let (a, b) = (s1.unwrap_or(nan), st.unwrap_or(nan));
                vec![text(p), ci(a.0, a.1, a.2), ci(b.0, b.1, b.2)]
            })
            .collect();
        table(out, &["parameter", "S1 [95 % CI]", "ST [95 % CI]"], &rows);
    }
    Ok(())
}

/// One table per outcome: parameters by rank, with μ* [95 % CI], μ and σ.
fn morris_tables(out: &mut String, dir: &Path) -> Result<(), PlotError> {
    let names = [
        "outcome",
        "parameter",
        "mu",
        "mu_star",
        "mu_star_ci_lo",
        "mu_star_ci_hi",
        "sigma",
        "rank",
    ];
    let mut by: Vec<(String, Vec<Ranked>)> = Vec::new();
    read(dir, MORRIS_CSV, &names, |c| {
        let outcome = c.text(0).to_string();
        let rank: usize = c.parse(7)?;
        let row = vec![
            text(c.text(1)),
            ci(c.num(3)?, c.num(4)?, c.num(5)?),
            num(format!("{:.3}", c.num(2)?)),
            num(format!("{:.3}", c.num(6)?)),
            num(rank.to_string()),
        ];
        group(&mut by, outcome).push((rank, row));
        Ok(())
    })?;
    for (outcome, mut rows) in by {
        rows.sort_by_key(|(r, _)| *r);
        let _ = writeln!(
            out,
            "<h3>Morris elementary effects: {}</h3>\n<p class=\"note\">μ* (mean absolute \
             effect) [95 % bootstrap CI], μ and σ, parameters by rank.</p>",
            esc(&outcome)
        );
        let rows: Vec<Vec<Cell>> = rows.into_iter().map(|(_, r)| r).collect();
        table(out, &["parameter", "μ* [95 % CI]", "μ", "σ", "rank"], &rows);
    }
    Ok(())
}

/// The charts `forumsim sensitivity` drew (`plots/seed-share.svg`, `plots/sobol-*.svg`,
/// `plots/morris-*.svg`), inlined in name order; none if it ran with `--no-plots`.
fn inline_charts(out: &mut String, dir: &Path) -> usize {
    let plots = dir.join("plots");
    let mut names: Vec<String> = std::fs::read_dir(&plots)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    n.ends_with(".svg")
                        && (n == "seed-share.svg"
                            || n.starts_with("sobol-")
                            || n.starts_with("morris-"))
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut n = 0;
    for name in names {
        let Ok(svg) = std::fs::read_to_string(plots.join(&name)) else {
            continue;
        };
        let Some(start) = svg.find("<svg") else {
            continue;
        };
        let stem = name.trim_end_matches(".svg");
        let _ = writeln!(
            out,
            "<figure id=\"{}\">\n{}\n<figcaption>{} (<code>plots/{}.svg</code> and \
             <code>.png</code>, drawn by <code>forumsim sensitivity</code>)</figcaption>\n</figure>",
            esc(stem),
            svg[start..].trim_end(),
            esc(stem),
            esc(stem)
        );
        n += 1;
    }
    if n == 0 {
        out.push_str(
            "<p class=\"note\">No index charts: <code>forumsim sensitivity</code> ran with \
             <code>--no-plots</code>.</p>\n",
        );
    }
    n
}
