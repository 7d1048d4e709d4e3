//! Files a calibration writes: every evaluated point (`points.csv`), the best one as
//! scenario overrides with its fit per target and the facts (`best.toml`), the fit
//! around it (`sensitivity.csv`) and, with `--leave-out`, the left-out target's fit
//! at the best point (`loo.csv`, `loo_summary.csv`, in `validate`'s layouts).

use super::spec::fmt_value;
use super::{Calibration, Fit, Point, Sensitivity, Side};
use crate::output::atomic::AtomicFile;
use crate::output::csvfile::CsvFile;
use crate::output::{FileInfo, OutputError};
use crate::validate::TargetReport;
use crate::validate::facts::FactsSummary;
use std::io::Write;
use std::path::Path;

/// `loo.csv` (the left-out target's measures, as `validate.csv`).
pub const LOO: &str = "loo.csv";
/// `loo_summary.csv` (the left-out target's summary, as `validate_summary.csv`).
pub const LOO_SUMMARY: &str = "loo_summary.csv";

/// Every file a calibration writes into its folder.
pub const FILES: [&str; 5] = [
    "points.csv",
    "best.toml",
    "sensitivity.csv",
    LOO,
    LOO_SUMMARY,
];

/// Whether `rel` (a path inside the output folder) is a calibration's own file: a new
/// calibration replaces exactly these ([`crate::output::publish::stage_into`]; the
/// folder has no manifest to list them), so a `loo.csv` of an earlier `--leave-out`
/// does not outlive it and the user's files stay.
pub fn is_output(rel: &Path) -> bool {
    rel.to_str().is_some_and(|r| FILES.contains(&r))
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// The measure names of each target, from the first point (every point has the same
/// targets, each with the same measures).
fn measure_names(points: &[Point]) -> Vec<(String, Vec<String>)> {
    points.first().map_or_else(Vec::new, |p| {
        p.fits
            .iter()
            .map(|f| {
                (
                    f.target.clone(),
                    f.means.iter().map(|(n, _)| n.clone()).collect(),
                )
            })
            .collect()
    })
}

/// `points.csv`: one row per evaluated point, in evaluation order: the knobs, then
/// per target `ID.decided`, `ID.<measure>` (the ensemble means), `ID.max_error`,
/// `ID.agreement`, `ID.objective`, then `facts_share` (empty without facts) and the
/// point's `objective`.
pub fn write_points(
    dir: &Path,
    cal: &Calibration,
    points: &[Point],
) -> Result<FileInfo, OutputError> {
    let names = measure_names(points);
    let mut head: Vec<String> = vec!["index".into(), "stage".into()];
    head.extend(cal.knobs.iter().map(|k| k.name.clone()));
    for (id, measures) in &names {
        head.push(format!("{id}.decided"));
        head.extend(measures.iter().map(|m| format!("{id}.{m}")));
        for col in ["max_error", "agreement", "objective"] {
            head.push(format!("{id}.{col}"));
        }
    }
    head.extend(["facts_share".into(), "objective".into()]);
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut f = CsvFile::create(dir, "points.csv", &head)?;
    for (i, p) in points.iter().enumerate() {
        f.uint(i as u64)?;
        f.str(p.stage)?;
        for v in &p.x {
            f.str(&fmt_value(*v))?;
        }
        for (fit, (_, measures)) in p.fits.iter().zip(&names) {
            f.float(fit.decided)?;
            for m in measures {
                let mean = fit
                    .means
                    .iter()
                    .find(|(n, _)| n == m)
                    .map_or(f64::NAN, |(_, v)| *v);
                f.float(mean)?;
            }
            f.float(fit.max_error)?;
            f.float(fit.agreement)?;
            f.float(super::target_objective(cal, fit))?;
        }
        f.float(p.facts.map_or(f64::NAN, |s| s.mean_share))?;
        f.float(p.objective)?;
        f.end()?;
    }
    f.finish()
}

/// A TOML key, quoted unless bare (ids may hold dots or spaces).
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        k.to_string()
    } else {
        format!("\"{}\"", k.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// A TOML float (`nan` and `inf` as TOML spells them).
fn float(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else if v == v.trunc() && v.abs() < 1e15 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

/// One line on a target's fit, for comments and the terminal.
pub fn fit_line(cal: &Calibration, f: &Fit) -> String {
    let means: Vec<String> = f.means.iter().map(|(n, v)| format!("{n} {v:.1}")).collect();
    format!(
        "target `{}`: agreement {:.4}, {}, largest error {:.1}, decided in {:.0} % of runs, objective {:.4}",
        f.target,
        f.agreement,
        means.join(" "),
        f.max_error,
        100.0 * f.decided,
        super::target_objective(cal, f)
    )
}

/// One line on the facts, for comments and the terminal.
pub fn facts_line(s: &FactsSummary) -> String {
    format!(
        "facts: {} of {} reproduced in >= 2/3 of runs, {} in >= 1/2, mean share {:.4}",
        s.two_thirds, s.facts, s.half, s.mean_share
    )
}

/// `best.toml`: the best point as `--set` lines and values, its fit to each target
/// (`[fit.ID]`) and to the facts (`[facts]`), and each target's modal votes
/// (`[modal_votes.ID]`, targets with a vote file).
pub fn write_best(dir: &Path, cal: &Calibration, best: &Point) -> Result<(), OutputError> {
    let path = dir.join("best.toml");
    let mut f = AtomicFile::create(&path)?;
    let e = io_err(&path);
    let on: Vec<String> = cal.targets.iter().map(|t| format!("`{t}`")).collect();
    let facts = if cal.facts_weight > 0.0 {
        format!(" and the facts (weight {})", cal.facts_weight)
    } else {
        String::new()
    };
    let on = if on.is_empty() {
        "no target".to_string()
    } else {
        format!(
            "target{} {}",
            if on.len() == 1 { "" } else { "s" },
            on.join(", ")
        )
    };
    writeln!(
        f,
        "# Best point of calibration `{}` on {on}{facts} ({} runs per point): objective {:.4}.",
        cal.name, cal.runs, best.objective
    )
    .map_err(&e)?;
    for fit in &best.fits {
        writeln!(f, "# {}", fit_line(cal, fit)).map_err(&e)?;
    }
    if let Some(s) = &best.facts {
        writeln!(f, "# {}", facts_line(s)).map_err(&e)?;
    }
    writeln!(f, "# As overrides (forumsim run SCENARIO --set ...):").map_err(&e)?;
    for s in cal.sets(&best.x) {
        writeln!(f, "#   --set {s}").map_err(&e)?;
    }
    writeln!(f, "objective = {}", float(best.objective)).map_err(&e)?;
    writeln!(f, "\n[values]").map_err(&e)?;
    for (k, v) in cal.knobs.iter().zip(&best.x) {
        writeln!(f, "{} = {}", key(&k.name), fmt_value(*v)).map_err(&e)?;
    }
    for fit in &best.fits {
        writeln!(f, "\n[fit.{}]", key(&fit.target)).map_err(&e)?;
        writeln!(f, "decided = {}", float(fit.decided)).map_err(&e)?;
        writeln!(f, "agreement = {}", float(fit.agreement)).map_err(&e)?;
        writeln!(f, "max_error = {}", float(fit.max_error)).map_err(&e)?;
        writeln!(
            f,
            "objective = {}",
            float(super::target_objective(cal, fit))
        )
        .map_err(&e)?;
        writeln!(f, "[fit.{}.means]", key(&fit.target)).map_err(&e)?;
        for (n, v) in &fit.means {
            writeln!(f, "{} = {}", key(n), float(*v)).map_err(&e)?;
        }
    }
    if let Some(s) = &best.facts {
        writeln!(f, "\n[facts]").map_err(&e)?;
        writeln!(f, "weight = {}", float(cal.facts_weight)).map_err(&e)?;
        writeln!(f, "facts = {}", s.facts).map_err(&e)?;
        writeln!(f, "reproduced_two_thirds = {}", s.two_thirds).map_err(&e)?;
        writeln!(f, "reproduced_half = {}", s.half).map_err(&e)?;
        writeln!(f, "mean_share = {}", float(s.mean_share)).map_err(&e)?;
    }
    for fit in best.fits.iter().filter(|f| !f.modal.is_empty()) {
        writeln!(f, "\n[modal_votes.{}]", key(&fit.target)).map_err(&e)?;
        for (id, v) in &fit.modal {
            let code = v.map_or("-", |b| b.code());
            writeln!(f, "{} = \"{code}\"", key(id)).map_err(&e)?;
        }
    }
    f.commit()
}

/// `sensitivity.csv`: the fit with each knob moved down and up from the best point,
/// one row per knob, side and target (one row with an empty target when the
/// calibration has none): the target's agreement, largest error, tally means (yes,
/// no, abstain, absent; empty for an election) and decided share, and the point's
/// objective and facts share.
pub fn write_sensitivity(dir: &Path, rows: &[Sensitivity]) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(
        dir,
        "sensitivity.csv",
        &[
            "parameter",
            "best",
            "value",
            "side",
            "target",
            "agreement",
            "max_error",
            "yes",
            "no",
            "abstain",
            "absent",
            "decided",
            "objective",
            "facts_share",
        ],
    )?;
    for r in rows {
        for (side, v, s) in [("low", r.low, &r.side_low), ("high", r.high, &r.side_high)] {
            let line = |f: &mut CsvFile, fit: Option<&Fit>, s: &Side| -> Result<(), OutputError> {
                f.str(&r.knob)?;
                f.str(&fmt_value(r.at))?;
                f.str(&fmt_value(v))?;
                f.str(side)?;
                f.str(fit.map_or("", |x| x.target.as_str()))?;
                f.float(fit.map_or(f64::NAN, |x| x.agreement))?;
                f.float(fit.map_or(f64::NAN, |x| x.max_error))?;
                for m in crate::validate::MEASURES {
                    let mean = fit
                        .and_then(|x| x.means.iter().find(|(n, _)| n == m))
                        .map_or(f64::NAN, |(_, v)| *v);
                    f.float(mean)?;
                }
                f.float(fit.map_or(f64::NAN, |x| x.decided))?;
                f.float(s.objective)?;
                f.float(s.facts.map_or(f64::NAN, |x| x.mean_share))?;
                f.end()
            };
            if s.fits.is_empty() {
                line(&mut f, None, s)?;
            }
            for fit in &s.fits {
                line(&mut f, Some(fit), s)?;
            }
        }
    }
    f.finish()
}

/// `loo.csv` and `loo_summary.csv`: the left-out target at the best point, in the
/// layouts of `validate.csv` and `validate_summary.csv`.
pub fn write_left_out(dir: &Path, t: &TargetReport) -> Result<Vec<FileInfo>, OutputError> {
    let one = std::slice::from_ref(t);
    Ok(vec![
        crate::validate::output::write_measures(dir, LOO, one)?,
        crate::validate::output::write_summary(dir, LOO_SUMMARY, one)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_floats_are_valid_toml() {
        assert_eq!(key("ares74-247"), "ares74-247");
        assert_eq!(key("a.b"), "\"a.b\"");
        assert_eq!(key("say \"x\""), "\"say \\\"x\\\"\"");
        let doc = format!(
            "{} = {}\n{} = {}\nc = {}\nd = {}\n",
            key("a.b"),
            float(f64::NAN),
            key("x y"),
            float(2.0),
            float(f64::INFINITY),
            float(0.125)
        );
        let t: toml::Table = doc.parse().unwrap();
        assert!(t["a.b"].as_float().unwrap().is_nan());
        assert_eq!(t["x y"].as_float(), Some(2.0));
        assert_eq!(t["d"].as_float(), Some(0.125));
    }
}
