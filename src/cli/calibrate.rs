//! `forumsim calibrate FILE`: the documented search that tunes a scenario's global
//! parameters to recorded votes and facts (see docs/CALIBRATION.md); with
//! `--leave-out`, the same search without one target, and that target's fit at the
//! best point.

use super::error::CliError;
use super::{print, table};
use clap::Args;
use forumsim::calibrate::{self, Point, report};
use forumsim::validate::TargetReport;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  forumsim calibrate scenarios/calibration/world.toml
  forumsim calibrate scenarios/calibration/world.toml --out outputs/calibration -j 2
  forumsim calibrate FILE --leave-out ares74-247   # fit the other targets, test this one

Reads the calibration file (scenario, targets, facts weight, parameters with ranges,
search settings), evaluates a Latin hypercube of points and then refines the best one
by coordinate search, every point on the same seeds. Writes points.csv (every
evaluated point), best.toml (the best values, as --set lines, and the fit per target
and to the facts) and sensitivity.csv (the fit with each parameter moved by 10 % of
its range) to the output folder. With --leave-out ID the search leaves target ID out
and then reports its fit at the best point (loo.csv, loo_summary.csv; default folder
outputs/calibration/<name>-without-<ID>). Exit status 2 if the file or the scenario
is wrong.";

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Calibration file (TOML).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output folder [default: outputs/calibration/<name>].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<u16>,
    /// Print only the result, not every point.
    #[arg(long, short)]
    pub quiet: bool,
    /// Calibrate without this target, then report its fit at the best point.
    #[arg(long, value_name = "TARGET_ID")]
    pub leave_out: Option<String>,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), CliError> {
    let full = calibrate::spec::load(&args.file)?;
    let usage = |m: String| CliError::Usage(format!("{}: {m}", args.file.display()));
    let cal = match &args.leave_out {
        Some(id) => full.without(id).map_err(usage)?,
        None => full.clone(),
    };
    let start = match cal.from_scenario {
        true => Some(calibrate::scenario_values(&cal).map_err(usage)?),
        false => None,
    };
    let out = args.out.clone().unwrap_or_else(|| {
        let name = match &args.leave_out {
            Some(id) => format!("{}-without-{id}", cal.name),
            None => cal.name.clone(),
        };
        PathBuf::from("outputs/calibration").join(name)
    });
    // Written beside `out` and swapped in whole at the end (issue #15): `out` holds the
    // previous calibration until this one is complete, whatever stops it.
    let staged = forumsim::output::publish::stage_into(&out, report::is_output)?;
    let dir = staged.path().to_path_buf();
    let pool = super::plan::pool(args.threads.map(u32::from))?;
    // Load once up front, with every knob at the middle of its range, so a wrong
    // scenario, override path, target or facts weight fails before any search.
    let mid: Vec<f64> = cal.knobs.iter().map(|k| (k.lo + k.hi) / 2.0).collect();
    let base = forumsim::scenario::load_with(&cal.scenario, &cal.sets(&mid))?;
    calibrate::check_targets(&full, &base).map_err(usage)?;
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
        let agreement =
            forumsim::stats::mean(&p.fits.iter().map(|f| f.agreement).collect::<Vec<_>>());
        let error = p.fits.iter().map(|f| f.max_error).fold(f64::NAN, f64::max);
        let facts = p
            .facts
            .map_or(String::new(), |s| format!(" facts {:.3}", s.mean_share));
        eprintln!(
            "{n:>4} {:<6} agreement {agreement:.3} err {error:>5.1}{facts} obj {:.4} (best {:.4})  {}",
            p.stage,
            p.objective,
            best.objective,
            xs.join(" ")
        );
    };
    let points = pool.install(|| calibrate::search(&cal, start, &mut progress))?;
    report::write_points(&dir, &cal, &points)?;
    let Some(b) = calibrate::best(&points) else {
        staged.publish()?;
        return Ok(());
    };
    let best = &points[b];
    report::write_best(&dir, &cal, best)?;
    // Which parameters the fit is sensitive to: each knob ±10 % of its range.
    let sens = pool.install(|| calibrate::sensitivity(&cal, &best.x, 0.1))?;
    report::write_sensitivity(&dir, &sens)?;
    let left_out = match &args.leave_out {
        Some(id) => {
            let t = pool
                .install(|| calibrate::held_out(&cal, &best.x, id))?
                .ok_or_else(|| {
                    usage(format!("--leave-out {id}: the scenario has no such target"))
                })?;
            report::write_left_out(&dir, &t)?;
            Some(t)
        }
        None => None,
    };
    staged.publish()?;
    print(|w| {
        writeln!(
            w,
            "{} points evaluated ({} runs each); best #{b}: objective {:.4}",
            points.len(),
            cal.runs,
            best.objective
        )?;
        for fit in &best.fits {
            writeln!(w, "  {}", report::fit_line(&cal, fit))?;
        }
        if let Some(s) = &best.facts {
            writeln!(w, "  {}", report::facts_line(s))?;
        }
        for (k, v) in cal.knobs.iter().zip(&best.x) {
            writeln!(w, "  {:<16} {}", k.name, calibrate::spec::fmt_value(*v))?;
        }
        if let Some(t) = &left_out {
            write_left_out(w, t)?;
        }
        let loo = if left_out.is_some() {
            ", loo.csv, loo_summary.csv"
        } else {
            ""
        };
        writeln!(
            w,
            "wrote points.csv, best.toml, sensitivity.csv{loo} to {}",
            out.display()
        )
    })
}

/// The left-out target's fit at the best point: its tallies and, with a vote file,
/// the agreement of the model and of the baseline.
fn write_left_out(w: &mut dyn std::io::Write, t: &TargetReport) -> std::io::Result<()> {
    writeln!(
        w,
        "left out: target `{}` at the best point: decided in {} of {} runs, adopted in {}",
        t.id, t.decided, t.runs, t.adopted
    )?;
    let rows: Vec<Vec<String>> = t
        .measures
        .iter()
        .map(|m| {
            vec![
                m.name.clone(),
                m.recorded.to_string(),
                fixed(m.mean, 1),
                if m.error.is_nan() {
                    "-".into()
                } else {
                    format!("{:+.1}", m.error)
                },
            ]
        })
        .collect();
    table::write_aligned(w, 2, 1, &["measure", "recorded", "mean", "error"], &rows)?;
    writeln!(w, "  largest |error|: {}", fixed(t.max_abs_error(), 1))?;
    if let Some(c) = &t.countries {
        let rows: Vec<Vec<String>> = [("model", c.model), ("baseline", c.baseline)]
            .iter()
            .map(|(n, f)| {
                vec![
                    n.to_string(),
                    f.map_or("-".into(), |f| fixed(100.0 * f.agreement_voting, 1) + "%"),
                    f.map_or("-".into(), |f| fixed(f.kappa, 3)),
                ]
            })
            .collect();
        table::write_aligned(w, 2, 1, &["predictor", "among voters", "kappa"], &rows)?;
    }
    Ok(())
}

fn fixed(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.digits$}")
    }
}
