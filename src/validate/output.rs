//! The CSV files of `forumsim validate` (tidy, one fact per row, written atomically
//! in the project's number format; NaN = empty cell): the target tables when the
//! scenario has `[[target]]`s, the fact tables when it has `[[fact]]`s.

use std::path::Path;

use super::instead::Instead;
use super::{TargetReport, ValidationReport};
use crate::model::Ballot;
use crate::output::csvfile::CsvFile;
use crate::output::{FileInfo, OutputError};

pub const VALIDATE: &str = "validate.csv";
pub const COUNTRIES: &str = "validate_countries.csv";
pub const SUMMARY: &str = "validate_summary.csv";
pub const CONFUSION: &str = "confusion.csv";
pub const FACTS: &str = "facts.csv";
pub const FACTS_SUMMARY: &str = "facts_summary.csv";

pub const VALIDATE_HEADER: [&str; 9] = [
    "target",
    "measure",
    "recorded",
    "mean",
    "sd",
    "p05",
    "p95",
    "error",
    "reference",
];
pub const COUNTRIES_HEADER: [&str; 11] = [
    "target",
    "iso3",
    "recorded",
    "modal",
    "share_yes",
    "share_no",
    "share_abstain",
    "share_absent",
    "baseline",
    "model_correct",
    "baseline_correct",
];
pub const SUMMARY_HEADER: [&str; 12] = [
    "target",
    "decided_share",
    "adopted_share",
    "agreement",
    "kappa",
    "baseline_agreement",
    "baseline_kappa",
    "max_abs_error",
    "agreement_voting",
    "baseline_agreement_voting",
    "elsewhere",
    "best_forecast",
];
pub const CONFUSION_HEADER: [&str; 5] = ["target", "predictor", "recorded", "predicted", "count"];

pub const FACTS_HEADER: [&str; 15] = [
    "id",
    "venue",
    "what",
    "subject",
    "outcome",
    "first_year",
    "last_year",
    "runs",
    "reproduced",
    "share",
    "alternative",
    "alternative_share",
    "best_forecast",
    "elsewhere",
    "source",
];
pub const FACTS_SUMMARY_HEADER: [&str; 5] = [
    "facts",
    "runs",
    "reproduced_two_thirds",
    "reproduced_half",
    "mean_share",
];

/// Writes the tables into `dir` (which must exist): the four target tables when the
/// report has targets, then the two fact tables when it has facts; returns them in
/// order.
pub fn write(dir: &Path, r: &ValidationReport) -> Result<Vec<FileInfo>, OutputError> {
    let mut files = Vec::new();
    if !r.targets.is_empty() {
        files.push(write_measures(dir, VALIDATE, &r.targets)?);
        files.push(write_countries(dir, r)?);
        files.push(write_summary(dir, SUMMARY, &r.targets)?);
        files.push(write_confusion(dir, r)?);
    }
    if !r.facts.is_empty() {
        files.push(write_facts(dir, r)?);
        files.push(write_facts_summary(dir, r)?);
    }
    Ok(files)
}

/// `name` in the layout of `validate.csv`: one row per target and measure. Also
/// used for a calibration's left-out target (`loo.csv`).
pub fn write_measures(
    dir: &Path,
    name: &'static str,
    targets: &[TargetReport],
) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(dir, name, &VALIDATE_HEADER)?;
    for t in targets {
        for m in &t.measures {
            f.str(&t.id)?;
            f.str(&m.name)?;
            f.uint(m.recorded.into())?;
            f.float(m.mean)?;
            f.float(m.sd)?;
            f.float(m.p05)?;
            f.float(m.p95)?;
            f.float(m.error)?;
            match m.reference {
                Some(n) => f.uint(n.into())?,
                None => f.str("")?,
            }
            f.end()?;
        }
    }
    f.finish()
}

fn code(b: Option<Ballot>) -> &'static str {
    b.map_or("", Ballot::code)
}

fn write_countries(dir: &Path, r: &ValidationReport) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(dir, COUNTRIES, &COUNTRIES_HEADER)?;
    for t in &r.targets {
        let Some(c) = &t.countries else { continue };
        for row in &c.rows {
            f.str(&t.id)?;
            f.str(&row.state)?;
            f.str(row.recorded.code())?;
            f.str(code(row.modal))?;
            for s in row.shares {
                f.float(s)?;
            }
            f.str(code(row.baseline))?;
            let correct = |p: Option<Ballot>| {
                p.map_or("", |p| if p == row.recorded { "true" } else { "false" })
            };
            f.str(correct(row.modal))?;
            f.str(correct(row.baseline))?;
            f.end()?;
        }
    }
    f.finish()
}

/// `name` in the layout of `validate_summary.csv`: one row per target. Also used
/// for a calibration's left-out target (`loo_summary.csv`).
pub fn write_summary(
    dir: &Path,
    name: &'static str,
    targets: &[TargetReport],
) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(dir, name, &SUMMARY_HEADER)?;
    for t in targets {
        let c = t.countries.as_ref();
        let model = c.and_then(|c| c.model);
        let base = c.and_then(|c| c.baseline);
        f.str(&t.id)?;
        f.float(t.decided_share())?;
        f.float(t.adopted_share())?;
        f.float(model.map_or(f64::NAN, |m| m.agreement))?;
        f.float(model.map_or(f64::NAN, |m| m.kappa))?;
        f.float(base.map_or(f64::NAN, |m| m.agreement))?;
        f.float(base.map_or(f64::NAN, |m| m.kappa))?;
        f.float(t.max_abs_error())?;
        f.float(model.map_or(f64::NAN, |m| m.agreement_voting))?;
        f.float(base.map_or(f64::NAN, |m| m.agreement_voting))?;
        let instead = t.instead.as_ref();
        f.str(&instead.map_or(String::new(), Instead::places_cell))?;
        f.float(instead.and_then(|i| i.best_forecast).unwrap_or(f64::NAN))?;
        f.end()?;
    }
    f.finish()
}

fn write_facts(dir: &Path, r: &ValidationReport) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(dir, FACTS, &FACTS_HEADER)?;
    for x in &r.facts {
        f.str(&x.id)?;
        f.str(&x.venue)?;
        f.str(x.what)?;
        f.str(&x.subject)?;
        f.str(&x.outcome)?;
        f.int(x.first_year.into())?;
        f.int(x.last_year.into())?;
        f.uint(x.runs as u64)?;
        f.uint(x.reproduced as u64)?;
        f.float(x.share())?;
        match x.alternative() {
            Some((o, n)) => {
                f.str(&o.to_string())?;
                f.float(n as f64 / x.runs as f64)?;
            }
            None => {
                f.str("")?;
                f.str("")?;
            }
        }
        let instead = x.instead.as_ref();
        f.float(instead.and_then(|i| i.best_forecast).unwrap_or(f64::NAN))?;
        f.str(&instead.map_or(String::new(), Instead::places_cell))?;
        f.str(&x.source)?;
        f.end()?;
    }
    f.finish()
}

fn write_facts_summary(dir: &Path, r: &ValidationReport) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(dir, FACTS_SUMMARY, &FACTS_SUMMARY_HEADER)?;
    let s = r.facts_summary();
    f.uint(s.facts as u64)?;
    f.uint(r.runs.len() as u64)?;
    f.uint(s.two_thirds as u64)?;
    f.uint(s.half as u64)?;
    f.float(s.mean_share)?;
    f.end()?;
    f.finish()
}

fn write_confusion(dir: &Path, r: &ValidationReport) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(dir, CONFUSION, &CONFUSION_HEADER)?;
    for t in &r.targets {
        let Some(c) = &t.countries else { continue };
        for (name, fit) in [("model", c.model), ("baseline", c.baseline)] {
            let Some(fit) = fit else { continue };
            for rec in Ballot::ALL {
                for pred in Ballot::ALL {
                    f.str(&t.id)?;
                    f.str(name)?;
                    f.str(rec.code())?;
                    f.str(pred.code())?;
                    f.uint(fit.confusion[rec.index()][pred.index()].into())?;
                    f.end()?;
                }
            }
        }
    }
    f.finish()
}
