//! `forumsim plot DIR`: charts of a run or sweep folder into `DIR/plots/` (and
//! `run --plot`).

use super::error::CliError;
use super::print;
use clap::{Args, ValueEnum};
use forumsim::plot::{self, Format};

use std::path::{Path, PathBuf};

pub const PLOT_EXAMPLES: &str = "\
Examples:
  forumsim plot outputs/stylized
  forumsim plot outputs/stylized --format png
  forumsim plot outputs/stylized --out slides/charts
  forumsim run scenarios/stylized.toml --plot
  forumsim plot outputs/quick-grid                 # a sweep folder
  forumsim run scenarios/teaching/small-state-competence.toml --states --votes
  forumsim plot outputs/small-state-competence --groups SK,SU

For a `forumsim run` folder, reads rounds.csv, venues.csv, rules.csv and decisions.csv
and writes ami, members, rules and outcomes charts. For a `forumsim sweep` folder,
reads manifest.json and runs.csv and writes axis-* (each outcome against each numeric
axis), heatmap-* (each pair of numeric axes) and variants-* (variants against the
base) charts. For a `forumsim validate` folder, reads validate.csv and writes the
tallies chart, and reads facts.csv and writes the facts chart. PNG (1600x900) and SVG, into DIR/plots/ (or --out OUT). Exit status: 2 if DIR is not a
complete run, sweep or validate folder, 1 if writing fails.

With --groups, writes only the groups chart of a run folder (and its numbers,
groups.csv): each group of states (a state-id prefix: SK = SK1, SK2, ...) side by side,
mean per state and run with a 95 % CI across runs, of years holding a seat in appointed
venues, reforms and proposals tabled and adopted, and ballots missed. It needs
attention.csv and votes.csv: run the scenario with --states --votes (exit 2 otherwise).";

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Output folder of `forumsim run`, `forumsim sweep` or `forumsim validate`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Compare groups of states instead (state-id prefixes, e.g. SK,SU): writes
    /// groups.png/.svg/.csv. Needs a run made with --states --votes.
    #[arg(long, value_name = "PREFIXES", value_parser = parse_groups)]
    pub groups: Option<Groups>,
    /// File formats to write.
    #[arg(long, value_enum, default_value_t = FormatArg::Both)]
    pub format: FormatArg,
    /// Folder for the charts [default: DIR/plots/].
    #[arg(long, short, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Png,
    Svg,
    Both,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Png => Format::Png,
            FormatArg::Svg => Format::Svg,
            FormatArg::Both => Format::Both,
        }
    }
}

pub fn plot(args: PlotArgs) -> Result<(), CliError> {
    forumsim::output::vouch::check(&args.dir)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.dir.join(plot::PLOTS));
    let written = match &args.groups {
        Some(groups) => plot::plot_groups(&args.dir, &groups.0, &out, args.format.into())?,
        None => plot::plot_dir(&args.dir, &out, args.format.into())?,
    };
    say_written(&out, &written, args.quiet)
}

/// The prefixes of `--groups`, parsed as one value (a newtype, so that clap does not
/// take a `Vec` for repeated flags); a bad list is a usage error (exit 2).
#[derive(Debug, Clone)]
pub struct Groups(pub Vec<String>);

fn parse_groups(s: &str) -> Result<Groups, String> {
    plot::groupdata::parse_groups(s).map(Groups)
}

/// Plots `dir` into `dir/plots/` (`run --plot`) and, unless `quiet`, says where the
/// charts went.
pub fn plot_folder(dir: &Path, format: Format, quiet: bool) -> Result<(), CliError> {
    let out = dir.join(plot::PLOTS);
    let written = plot::plot_dir(dir, &out, format)?;
    say_written(&out, &written, quiet)
}

fn say_written(out: &Path, written: &[PathBuf], quiet: bool) -> Result<(), CliError> {
    if quiet {
        return Ok(());
    }
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    print(|w| writeln!(w, "wrote {} to {}", names.join(", "), out.display()))
}
