//! `forumsim verify DIR`: re-runs the runs recorded in a `run` output folder and
//! checks that its files are byte-identical; exit 0 when they are, 1 on a mismatch,
//! 2 when the folder cannot be verified.

use super::error::CliError;
use super::print;
use clap::Args;
use forumsim::verify::{self, Outcome};
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  forumsim verify outputs/stylized
  forumsim verify outputs/stylized --sample 3 --sample-seed 1

Reads DIR/manifest.json and DIR/scenario.resolved.toml (both written by `run`), runs
the recorded runs again with the recorded overrides and seed, and compares every file
the manifest lists, byte for byte (with --sample, the rows of the sampled runs).
Exit status: 0 if identical, 1 if a file differs, 2 if DIR cannot be verified.";

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Output folder written by `forumsim run`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Re-run only K of the recorded runs, chosen at random [default: all].
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    pub sample: Option<u64>,
    /// Seed of the choice of --sample runs (not the batch's master seed, which the
    /// folder records); `--seed` is its old name.
    #[arg(long, value_name = "S", default_value_t = 0, alias = "seed")]
    pub sample_seed: u64,
    /// Print only what differs (nothing when the folder verifies).
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn verify(args: VerifyArgs) -> Result<(), CliError> {
    let sample = args
        .sample
        .map(|k| usize::try_from(k).unwrap_or(usize::MAX));
    let report = verify::verify(&args.dir, sample, args.sample_seed)?;
    let dir = args.dir.display();
    if args.quiet && report.ok() {
        return Ok(());
    }
    print(|w| {
        for note in &report.notes {
            writeln!(w, "note: {note}")?;
        }
        writeln!(
            w,
            "verify {dir}: re-ran {} of {} runs ({})",
            report.checked.len(),
            report.recorded.len(),
            runs_text(&report.checked)
        )?;
        for f in &report.files {
            match &f.outcome {
                Outcome::Same => writeln!(w, "  same     {}", f.name)?,
                Outcome::Missing => writeln!(w, "  MISSING  {}", f.name)?,
                Outcome::Unlisted => writeln!(
                    w,
                    "  UNLISTED {} (a run writes it, the manifest does not list it)",
                    f.name
                )?,
                Outcome::Altered => writeln!(
                    w,
                    "  DIFFERS  {} (not the scenario the manifest recorded; nothing re-run)",
                    f.name
                )?,
                Outcome::Differs { line, runs } if runs.is_empty() => {
                    writeln!(w, "  DIFFERS  {} (from line {line})", f.name)?
                }
                Outcome::Differs { line, runs } => writeln!(
                    w,
                    "  DIFFERS  {} (from line {line}; rows of run {})",
                    f.name,
                    runs_text(runs)
                )?,
            }
        }
        let bad = report
            .files
            .iter()
            .filter(|f| f.outcome != Outcome::Same)
            .count();
        if bad == 0 {
            writeln!(w, "ok: {} files identical", report.files.len())
        } else {
            writeln!(w, "MISMATCH: {bad} of {} files differ", report.files.len())
        }
    })?;
    if report.ok() {
        Ok(())
    } else {
        Err(CliError::Exit(1))
    }
}

/// The runs checked, as `verify` has always printed them ("runs 0 to 99" for a span).
fn runs_text(runs: &[u64]) -> String {
    let text = forumsim::output::summary::runs_text(runs);
    if runs.len() > 8 {
        format!("runs {text}")
    } else {
        text
    }
}
