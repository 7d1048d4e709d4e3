//! `forumsim sensitivity DIR` (Sobol' and Morris indices with seed noise separated)
//! and `forumsim design EXPERIMENT --export salib`.

use super::error::CliError;
use super::print;
use clap::{Args, ValueEnum};
use forumsim::experiment::sensdesign::Method;
use forumsim::experiment::sensio::{self, SensError};
use forumsim::experiment::sensitivity::{self, Analysis, Options};
use forumsim::output::{self, OutputError, atomic};
use forumsim::plot::sensitivity as charts;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const SENSITIVITY_EXAMPLES: &str = "\
Examples:
  forumsim sweep scenarios/experiments/sensitivity-stylized.toml --out outputs/sens
  forumsim sensitivity outputs/sens
  forumsim sensitivity outputs/sens --metric ami --bootstrap 2000
  forumsim sensitivity my-salib-folder      # problem.json + design.csv + outputs.csv

Writes sensitivity_sobol.csv or sensitivity_morris.csv, seed_share.csv and charts
(DIR/plots/sobol-<outcome>, morris-<outcome>, seed-share; PNG and SVG) and prints the
top parameters per outcome. Intervals are 95% percentile bootstrap intervals over base
samples (or trajectories) and replicates. See docs/SENSITIVITY.md.";

pub const DESIGN_EXAMPLES: &str = "\
Examples:
  forumsim design scenarios/experiments/sensitivity-stylized.toml --export salib --out outputs/salib

Writes problem.json (SALib: num_vars, names, bounds) and design.csv (one row per
point, SALib's row order). Run the points elsewhere, add outputs.csv, and analyse the
folder with `forumsim sensitivity`.";

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// A finished sweep folder (design = sobol or morris) or an external design folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Analyse only these outcomes (repeatable) [default: all].
    #[arg(long = "metric", value_name = "NAME")]
    pub metrics: Vec<String>,
    /// Bootstrap resamples for the intervals.
    #[arg(long, value_name = "B", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(10..=100_000))]
    pub bootstrap: u32,
    /// Warn when an index's 95% interval is wider than this.
    #[arg(long, value_name = "W", default_value_t = 0.1)]
    pub ci_bound: f64,
    /// Warn when the seed's share of an outcome's variance is above this.
    #[arg(long, value_name = "S", default_value_t = 0.5)]
    pub seed_share_bound: f64,
    /// Do not draw charts.
    #[arg(long)]
    pub no_plots: bool,
    /// Print nothing on success (warnings still go to stderr).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct DesignArgs {
    /// Experiment file (TOML).
    #[arg(value_name = "EXPERIMENT")]
    pub experiment: PathBuf,
    /// Format to export (SALib's is the only one today).
    #[arg(long, value_enum, default_value_t = ExportFormat::Salib)]
    pub export: ExportFormat,
    /// Output folder [default: outputs/<experiment name>-design/].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// problem.json + design.csv, as SALib reads and writes them.
    Salib,
}

fn cli_err(e: SensError) -> CliError {
    match e {
        SensError::Input(m) => CliError::Usage(m),
        SensError::Output(o) => CliError::Output(o),
        SensError::Io { path, source, .. } => CliError::Write { path, source },
    }
}

pub fn design(args: DesignArgs) -> Result<(), CliError> {
    let (exp, _, _) = forumsim::experiment::design::load(&args.experiment)?;
    let out = match args.out {
        Some(o) => o,
        None => super::plan::out_dir(None, &format!("{}-design", exp.name))?,
    };
    let ExportFormat::Salib = args.export;
    // Swapped in whole, as every output folder: the user's own files stay (e.g. the
    // `outputs.csv` of a model run elsewhere).
    let staged = output::publish::stage(&out)?;
    let files = sensio::export_salib(&exp, staged.path()).map_err(cli_err)?;
    let files: Vec<PathBuf> = files.iter().map(|f| staged.published(f)).collect();
    staged.publish()?;
    if args.quiet {
        return Ok(());
    }
    print(|w| {
        writeln!(
            w,
            "{}: {} points over {} parameters ({})",
            exp.name,
            exp.points.len(),
            exp.axes.len(),
            exp.design.label()
        )?;
        for f in &files {
            writeln!(w, "  {}", f.display())?;
        }
        Ok(())
    })
}

pub fn sensitivity(args: SensitivityArgs) -> Result<(), CliError> {
    if !(args.ci_bound > 0.0 && (0.0..=1.0).contains(&args.seed_share_bound)) {
        return Err(CliError::Usage(
            "--ci-bound must be > 0 and --seed-share-bound in [0, 1]".into(),
        ));
    }
    let (data, source) = sensio::load_dir(&args.dir, &args.metrics).map_err(cli_err)?;
    let opts = Options {
        bootstrap: args.bootstrap,
        seed: source.seed,
        ci_bound: args.ci_bound,
        seed_share_bound: args.seed_share_bound,
    };
    let res = sensitivity::analyse(&data, &opts)
        .map_err(|m| CliError::Usage(format!("{}: {m}", args.dir.display())))?;
    // Written beside the folder and swapped in whole (issue #15): the folder holds the
    // previous analysis or this one, never parts of both; the sweep's files, other
    // charts and the user's are kept.
    let staged = output::publish::stage_into(&args.dir, is_output)?;
    let mut files = sensio::write_results(staged.path(), &data.info, &res).map_err(cli_err)?;
    if !args.no_plots {
        files.extend(draw(staged.path(), &data.info, &source.label, &res)?);
    }
    let files: Vec<PathBuf> = files.iter().map(|f| staged.published(f)).collect();
    staged.publish()?;
    if !args.quiet {
        print(|w| {
            table(
                w,
                &data.info.names,
                data.info.method,
                &source.label,
                &res,
                &files,
            )
        })?;
    }
    let _ = io::stdout().flush();
    let mut err = io::stderr().lock();
    let _ = warnings(&mut err, &res, &args.dir.join(sensio::SEED_CSV));
    Ok(())
}

/// Whether `rel` (a path inside the analysed folder) is a file `forumsim sensitivity`
/// writes: its tables, and its charts in `plots/` (`sobol-*`, `morris-*`,
/// `seed-share.*`). The folder is shared with the sweep (or the user's SALib files),
/// so a new analysis replaces exactly these (`output::publish::stage_into`).
fn is_output(rel: &Path) -> bool {
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    match rel.parent().map(Path::as_os_str) {
        Some(p) if p.is_empty() => {
            [sensio::SOBOL_CSV, sensio::MORRIS_CSV, sensio::SEED_CSV].contains(&name.as_ref())
        }
        Some(p) if p == forumsim::plot::PLOTS => {
            name.starts_with("sobol-")
                || name.starts_with("morris-")
                || name.starts_with("seed-share.")
        }
        _ => false,
    }
}

/// Warnings shown on the terminal; the rest are counted.
const WARNINGS_SHOWN: usize = 4;

/// After the results: at most [`WARNINGS_SHOWN`] one-line warnings, then how many more
/// there are and where every warning is written in full (`seed_share.csv`).
fn warnings(w: &mut dyn Write, res: &[Analysis], details: &Path) -> io::Result<()> {
    let all: Vec<&str> = res
        .iter()
        .flat_map(|a| a.warnings.iter().map(|x| x.brief.as_str()))
        .collect();
    if all.is_empty() {
        return Ok(());
    }
    for b in all.iter().take(WARNINGS_SHOWN) {
        writeln!(w, "warning: {b}")?;
    }
    let more = all.len().saturating_sub(WARNINGS_SHOWN);
    if more > 0 {
        writeln!(w, "warning: and {more} more")?;
    }
    writeln!(
        w,
        "warnings in full: {} (column `warnings`)",
        details.display()
    )
}

/// Rows per outcome in the terminal table.
const TOP: usize = 8;

fn table(
    w: &mut dyn Write,
    names: &[String],
    method: Method,
    label: &str,
    res: &[Analysis],
    files: &[PathBuf],
) -> io::Result<()> {
    writeln!(w, "{label}")?;
    let ci = |lo: f64, hi: f64| format!("[{lo:.3}, {hi:.3}]");
    for a in res {
        let share = &a.seed.share;
        let seed_text = if share.value.is_finite() {
            format!(
                "seed share {:.3} {} (R = {})",
                share.value,
                ci(share.lo, share.hi),
                a.replicates
            )
        } else {
            format!("seed share n/a (R = {})", a.replicates)
        };
        writeln!(w, "\n{}: {seed_text}", a.outcome)?;
        match method {
            Method::Sobol => {
                let Some(s) = &a.sobol else { continue };
                writeln!(
                    w,
                    "  {:<40} {:>7} {:>18} {:>7} {:>18}",
                    "parameter", "S1", "95% CI", "ST", "95% CI"
                )?;
                let mut order: Vec<usize> = (0..names.len()).collect();
                order.sort_by(|&i, &j| s.st[j].value.total_cmp(&s.st[i].value));
                for &i in order.iter().take(TOP) {
                    writeln!(
                        w,
                        "  {:<40} {:>7.3} {:>18} {:>7.3} {:>18}",
                        names[i],
                        s.s1[i].value,
                        ci(s.s1[i].lo, s.s1[i].hi),
                        s.st[i].value,
                        ci(s.st[i].lo, s.st[i].hi)
                    )?;
                }
            }
            Method::Morris => {
                let Some(m) = &a.morris else { continue };
                writeln!(
                    w,
                    "  {:<40} {:>9} {:>22} {:>9} {:>9}",
                    "parameter", "mu*", "95% CI", "mu", "sigma"
                )?;
                let mut order: Vec<usize> = (0..names.len()).collect();
                order.sort_by(|&i, &j| m.mu_star[j].value.total_cmp(&m.mu_star[i].value));
                for &i in order.iter().take(TOP) {
                    writeln!(
                        w,
                        "  {:<40} {:>9.4} {:>22} {:>9.4} {:>9.4}",
                        names[i],
                        m.mu_star[i].value,
                        format!("[{:.4}, {:.4}]", m.mu_star[i].lo, m.mu_star[i].hi),
                        m.mu[i],
                        m.sigma[i]
                    )?;
                }
            }
        }
    }
    writeln!(w)?;
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "csv"))
    {
        writeln!(w, "wrote {}", f.display())?;
    }
    let charts = files.len()
        - files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "csv"))
            .count();
    if charts > 0 {
        writeln!(
            w,
            "wrote {charts} charts (PNG and SVG) into {}",
            files
                .last()
                .and_then(|f| f.parent())
                .unwrap_or(Path::new("."))
                .display()
        )?;
    }
    Ok(())
}

/// A file-name-safe form of an outcome name (`members.unga` -> `members-unga`).
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn draw(
    dir: &Path,
    info: &forumsim::experiment::sensdesign::SensInfo,
    label: &str,
    res: &[Analysis],
) -> Result<Vec<PathBuf>, CliError> {
    let out = dir.join(forumsim::plot::PLOTS);
    std::fs::create_dir_all(&out).map_err(|source| OutputError::CreateDir {
        path: out.clone(),
        source,
    })?;
    let mut written = Vec::new();
    let mut emit = |name: String,
                    svg: Result<String, String>,
                    png: Result<Vec<u8>, String>|
     -> Result<(), CliError> {
        let bad = |path: PathBuf, msg: String| {
            CliError::Plot(forumsim::plot::PlotError::Draw { path, msg })
        };
        let p = out.join(format!("{name}.png"));
        atomic::write(&p, &png.map_err(|m| bad(p.clone(), m))?)?;
        written.push(p);
        let p = out.join(format!("{name}.svg"));
        atomic::write(&p, svg.map_err(|m| bad(p.clone(), m))?.as_bytes())?;
        written.push(p);
        Ok(())
    };
    for a in res {
        if let Some(s) = &a.sobol {
            let bars: Vec<charts::SobolBar> = info
                .names
                .iter()
                .enumerate()
                .map(|(i, n)| charts::SobolBar {
                    name: n.clone(),
                    s1: s.s1[i],
                    st: s.st[i],
                })
                .collect();
            emit(
                format!("sobol-{}", slug(&a.outcome)),
                charts::svg(&|r| charts::draw_sobol(r, &a.outcome, label, &bars)),
                charts::png(&|r| charts::draw_sobol(r, &a.outcome, label, &bars)),
            )?;
        }
        if let Some(m) = &a.morris {
            let pts: Vec<charts::MorrisPoint> = info
                .names
                .iter()
                .enumerate()
                .map(|(i, n)| charts::MorrisPoint {
                    name: n.clone(),
                    mu_star: m.mu_star[i],
                    sigma: m.sigma[i],
                })
                .collect();
            emit(
                format!("morris-{}", slug(&a.outcome)),
                charts::svg(&|r| charts::draw_morris(r, &a.outcome, label, &pts, m.noise_floor)),
                charts::png(&|r| charts::draw_morris(r, &a.outcome, label, &pts, m.noise_floor)),
            )?;
        }
    }
    let shares: Vec<charts::ShareBar> = res
        .iter()
        .filter(|a| a.seed.share.value.is_finite())
        .map(|a| charts::ShareBar {
            outcome: a.outcome.clone(),
            share: a.seed.share,
        })
        .collect();
    if !shares.is_empty() {
        emit(
            "seed-share".into(),
            charts::svg(&|r| charts::draw_seed_share(r, label, &shares)),
            charts::png(&|r| charts::draw_seed_share(r, label, &shares)),
        )?;
    }
    Ok(written)
}
