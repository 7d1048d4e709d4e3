//! `forumsim calibrate FILE`: the documented search that tunes a scenario's global
//! parameters to one recorded vote (see docs/CALIBRATION.md).

use super::error::CliError;
use super::print;
use clap::Args;
use forumsim::calibrate::{self, Point, report};
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  forumsim calibrate scenarios/calibration/world.toml
  forumsim calibrate scenarios/calibration/world.toml --out outputs/calibration -j 2

Reads the calibration file (scenario, target, parameters with ranges, search settings),
evaluates a Latin hypercube of points and then refines the best one by coordinate
search, every point on the same seeds. Writes points.csv (every evaluated point) and
best.toml (the best values, as --set lines) and sensitivity.csv (the fit with each
parameter moved by 10 % of its range) to the output folder. Exit status 2 if the
file or the scenario is wrong.";

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Calibration file (TOML).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output folder [default: outputs/calibration/<name>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<u16>,
    /// Print only the result, not every point.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), CliError> {
    let cal = calibrate::spec::load(&args.file)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs/calibration").join(&cal.name));
    forumsim::output::prepare_dir(&out)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |n| n as usize))
        .build()
        .map_err(CliError::Pool)?;
    // Load once up front, with every knob at the middle of its range, so a wrong
    // scenario, override path or target fails before any search.
    let mid: Vec<f64> = cal.knobs.iter().map(|k| (k.lo + k.hi) / 2.0).collect();
    let base = forumsim::scenario::load_with(&cal.scenario, &cal.sets(&mid))?;
    calibrate::check_target(&base, &cal.target)
        .map_err(|m| CliError::Usage(format!("{}: {m}", args.file.display())))?;
    let names: Vec<&str> = cal.knobs.iter().map(|k| k.name.as_str()).collect();
    let quiet = args.quiet;
    let mut n = 0usize;
    let mut progress = |p: &Point, best: &Point| {
        n += 1;
        if quiet {
            return;
        }
        let xs: Vec<String> = names
            .iter()
            .zip(&p.x)
            .map(|(k, v)| format!("{k}={}", calibrate::spec::fmt_value(*v)))
            .collect();
        eprintln!(
            "{n:>4} {:<6} agreement {:.3} err {:>5.1} obj {:.4} (best {:.4})  {}",
            p.stage,
            p.fit.agreement,
            p.fit.max_error,
            p.objective,
            best.objective,
            xs.join(" ")
        );
    };
    let points = pool.install(|| calibrate::search(&cal, &mut progress))?;
    report::write_points(&out, &cal, &points)?;
    let Some(b) = calibrate::best(&points) else {
        return Ok(());
    };
    let best = &points[b];
    report::write_best(&out, &cal, best)?;
    // Which parameters the fit is sensitive to: each knob ±10 % of its range.
    let sens = pool.install(|| calibrate::sensitivity(&cal, &best.x, 0.1))?;
    report::write_sensitivity(&out, &sens)?;
    print(|w| {
        writeln!(
            w,
            "{} points evaluated ({} runs each); best #{b}: agreement {:.3}, tallies \
             yes {:.1} no {:.1} abstain {:.1} absent {:.1} (largest error {:.1}), \
             decided in {:.0} % of runs",
            points.len(),
            cal.runs,
            best.fit.agreement,
            best.fit.mean[0],
            best.fit.mean[1],
            best.fit.mean[2],
            best.fit.mean[3],
            best.fit.max_error,
            100.0 * best.fit.decided
        )?;
        for (k, v) in cal.knobs.iter().zip(&best.x) {
            writeln!(w, "  {:<16} {}", k.name, calibrate::spec::fmt_value(*v))?;
        }
        writeln!(w, "wrote points.csv and best.toml to {}", out.display())
    })
}
