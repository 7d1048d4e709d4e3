//! The CSV files of `forumsim validate` (tidy, one fact per row, written atomically
//! in the project's number format; NaN = empty cell).

use std::path::Path;

use super::{MEASURES, ValidationReport};
use crate::model::Ballot;
use crate::output::csvfile::CsvFile;
use crate::output::{FileInfo, OutputError};

pub const VALIDATE: &str = "validate.csv";
pub const COUNTRIES: &str = "validate_countries.csv";
pub const SUMMARY: &str = "validate_summary.csv";
pub const CONFUSION: &str = "confusion.csv";

pub const VALIDATE_HEADER: [&str; 8] = [
    "target", "measure", "recorded", "mean", "sd", "p05", "p95", "error",
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
pub const SUMMARY_HEADER: [&str; 10] = [
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
];
pub const CONFUSION_HEADER: [&str; 5] = ["target", "predictor", "recorded", "predicted", "count"];

/// Writes the four tables into `dir` (which must exist); returns them in order.
pub fn write(dir: &Path, r: &ValidationReport) -> Result<Vec<FileInfo>, OutputError> {
    Ok(vec![
        write_measures(dir, r)?,
        write_countries(dir, r)?,
        write_summary(dir, r)?,
        write_confusion(dir, r)?,
    ])
}

fn write_measures(dir: &Path, r: &ValidationReport) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(dir, VALIDATE, &VALIDATE_HEADER)?;
    for t in &r.targets {
        for (name, m) in MEASURES.iter().zip(&t.measures) {
            f.str(&t.id)?;
            f.str(name)?;
            f.uint(m.recorded.into())?;
            f.float(m.mean)?;
            f.float(m.sd)?;
            f.float(m.p05)?;
            f.float(m.p95)?;
            f.float(m.error)?;
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

fn write_summary(dir: &Path, r: &ValidationReport) -> Result<FileInfo, OutputError> {
    let mut f = CsvFile::create(dir, SUMMARY, &SUMMARY_HEADER)?;
    for t in &r.targets {
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
        f.end()?;
    }
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
