//! The raw command line, one field per flag (clap derive). No validation beyond
//! types and ranges here; [`super::plan`] does the rest.

use super::set::{SetArgs, UntilArgs};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  forumsim check scenarios/stylized.toml
  forumsim run scenarios/stylized.toml --runs 20
  forumsim new mine && forumsim diff scenarios/stylized.toml scenarios/mine.toml
  forumsim verify outputs/stylized
  forumsim sweep scenarios/experiments/membership-rules.toml --out outputs/rules
  forumsim help run

Exit status: 0 on success, 2 for bad input or usage, 1 for internal errors (and, as
in diff(1), when `diff` finds a difference or `verify` a mismatch).";

const RUN_EXAMPLES: &str = "\
Examples:
  forumsim run scenarios/stylized.toml
  forumsim run scenarios/stylized.toml --runs 50 --seed 7 --out outputs/seed7
  forumsim run scenarios/stylized.toml --run 3 --votes --states
  forumsim run scenarios/world.toml --runs 100 --votes-on targets   # compact votes.csv
  forumsim run scenarios/stylized.toml --set parameters.legit_cost=0.5 --set rounds=10
  forumsim run scenarios/world.toml --until 2010      # 1998-2010 only, with a note

Writes rounds.csv, venues.csv, rules.csv, decisions.csv, admissions.csv,
elections.csv, choices.csv (votes.csv with --votes, attention.csv with --states),
scenario.resolved.toml and manifest.json
(`forumsim verify DIR` re-runs them from these two). Run r of seed S is the same
whether it runs alone (--run r) or in a batch, on any number of threads. With --until
YEAR its rows are the first rows of the whole run's, and scenario.resolved.toml is
the cut scenario (overrides applied): `verify` re-runs it as it is.";

const CHECK_EXAMPLES: &str = "\
Examples:
  forumsim check scenarios/stylized.toml
  forumsim check scenarios/stylized.toml --set parameters.cohesion=0.8
  forumsim check scenarios/mine.toml --resolved > mine.resolved.toml";

/// Agent-based model of forum shopping in global cyber governance.
#[derive(Debug, Parser)]
#[command(
    name = "forumsim",
    version,
    after_help = EXAMPLES,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a batch of simulations and write CSV tables and a manifest.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Validate a scenario and print what it contains, without running it.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print every scenario parameter with its meaning, default and valid range.
    #[command(after_help = super::params::EXAMPLES)]
    Params(super::params::ParamsArgs),
    /// Print the semantic difference between two scenarios (exit 1 if they differ).
    #[command(after_help = super::diff::EXAMPLES)]
    Diff(super::diff::DiffArgs),
    /// Re-run the runs of an output folder and check its files are byte-identical.
    #[command(after_help = super::verify::EXAMPLES)]
    Verify(super::verify::VerifyArgs),
    /// Write scenarios/NAME.toml, a commented scenario that extends a shipped one.
    #[command(after_help = super::new::EXAMPLES)]
    New(super::new::NewArgs),
    /// Draw charts (PNG and SVG) of a run or sweep output folder into DIR/plots/.
    #[command(after_help = super::plot::PLOT_EXAMPLES)]
    Plot(super::plot::PlotArgs),
    /// Write a GIF replay of one run of a run folder (one frame per year).
    #[command(after_help = super::animate::EXAMPLES)]
    Animate(super::animate::AnimateArgs),
    /// Tell one run round by round in plain language (for class discussion).
    #[command(after_help = super::explain::EXAMPLES)]
    Explain(super::explain::ExplainArgs),
    /// Write DIR/report.html: scenario, manifest, charts and tables in one offline page.
    #[command(after_help = super::report::EXAMPLES)]
    Report(super::report::ReportArgs),
    /// Serve the classroom page: change rules, run, compare, step through a run.
    #[command(after_help = super::serve::EXAMPLES)]
    Serve(super::serve::ServeArgs),
    /// Run an experiment: points x variants x replicates, in resumable chunks.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Combine the folders of `sweep --shard` runs into one sweep's files.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// Tune global parameters to a recorded vote by a documented, repeatable search.
    #[command(after_help = super::calibrate::EXAMPLES)]
    Calibrate(super::calibrate::CalibrateArgs),
    /// Compare runs with the recorded decisions ([[target]]) and outcomes ([[fact]]) of a scenario.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// Sobol' or Morris sensitivity indices of a sweep, with seed noise separated.
    #[command(after_help = super::sensitivity::SENSITIVITY_EXAMPLES)]
    Sensitivity(super::sensitivity::SensitivityArgs),
    /// Export an experiment's design (SALib problem.json + design.csv).
    #[command(after_help = super::sensitivity::DESIGN_EXAMPLES)]
    Design(super::sensitivity::DesignArgs),
}

const VALIDATE_EXAMPLES: &str = "\
Examples:
  forumsim validate scenarios/world.toml
  forumsim validate scenarios/world.toml --runs 200 --seed 7 --threads 4
  forumsim validate scenarios/world.toml --fail-above 8

Per target: the recorded tally, the simulated mean, sd, 90% interval and error of yes,
no, abstain and absent (of each candidate's votes, for an election) over the runs where
the decision happened, and where the proposal went in the others; with a vote file, the
share of countries whose modal simulated vote is the recorded one, Cohen's kappa and the
confusion matrix, for the model and for the naive baseline (an in-sample oracle). Per
fact: the share of runs that reproduce it and what the others did instead. Writes
validate.csv, validate_countries.csv, validate_summary.csv, confusion.csv (targets),
facts.csv, facts_summary.csv (facts), manifest.json and plots/tallies, plots/facts.
Exit 0 (a poor fit is a finding), or 1 when --fail-above V is given and some target's
largest absolute tally error exceeds V. See docs/VALIDATION.md.";

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario file (TOML) with [[target]] or [[fact]] tables.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Number of runs.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Master seed [default: the scenario's `seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    #[command(flatten)]
    pub set: SetArgs,
    /// Output folder [default: outputs/<scenario name>/validate/].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit 1 if some target's largest |mean - recorded| tally error exceeds VOTES.
    #[arg(long, value_name = "VOTES")]
    pub fail_above: Option<f64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

const SWEEP_EXAMPLES: &str = "\
Examples:
  forumsim sweep scenarios/experiments/quick-grid.toml --out outputs/quick
  forumsim sweep scenarios/experiments/membership-rules.toml -j 8 --out outputs/rules
  forumsim sweep EXP.toml --out outputs/x --resume          # continue after Ctrl-C
  forumsim sweep EXP.toml --out outputs/shard-3 --shard 3/16
  forumsim sweep EXP.toml --seed 8 --set 'venue.gge.decision=\"majority\"' --out outputs/x8
  forumsim sweep scenarios/stylized.toml --design salib/design.csv --replicates 4 --out outputs/ext
                                          # a design made elsewhere (SALib), problem.json beside it

Writes runs.csv (one row per run), summary.csv (per point x variant x metric),
traces.csv (with --traces) and manifest.json, once every chunk is done. Each row names
its seed and run index: see docs/EXPERIMENTS.md for the command that reruns it.
--set and --seed are recorded in sweep.json and manifest.json; --resume refuses other
values than the folder was started with, and another --shard split.";

const MERGE_EXAMPLES: &str = "\
Examples:
  forumsim merge outputs/shard-1 outputs/shard-2 outputs/shard-3 --out outputs/all";

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Experiment file (TOML); with --design, the base scenario (TOML) instead.
    #[arg(value_name = "EXPERIMENT")]
    pub experiment: PathBuf,
    /// Run a design made elsewhere: a numeric matrix, one row per point and one column
    /// per parameter (SALib's `sample` output, or `forumsim design --export salib`'s
    /// design.csv); EXPERIMENT is then the base scenario.
    #[arg(long, value_name = "FILE")]
    pub design: Option<PathBuf>,
    /// The design's SALib problem (num_vars, names = --set paths, bounds)
    /// [default: problem.json beside the --design file].
    #[arg(long, value_name = "FILE", requires = "design")]
    pub problem: Option<PathBuf>,
    /// Runs per row of a --design matrix (seeds point * N + replicate).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "design", value_parser = clap::value_parser!(u32).range(1..))]
    pub replicates: u32,
    /// Master seed [default: the experiment's `seed`; with --design, the scenario's].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub set: SetArgs,
    /// Output folder [default: outputs/<experiment name>/; with --design,
    /// outputs/<matrix file name without extension>/].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    /// Run only the K-th of N disjoint slices of the chunks (1-based), for clusters.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Continue the sweep in --out, skipping chunks already done.
    #[arg(long)]
    pub resume: bool,
    /// Also write every run's per-round metrics (traces.csv).
    #[arg(long)]
    pub traces: bool,
    /// No progress and no table.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folders written by `forumsim sweep --shard K/N`.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `K/N` with 1 <= K <= N.
fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("expected K/N with 1 <= K <= N (e.g. 3/16), got `{s}`");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Number of runs [default: the scenario's `runs`].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: Option<u32>,
    /// Master seed [default: the scenario's `seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Run only run R of the batch (its rows carry run = R); `--run-index` is the old
    /// name. The same flag as `explain --run` and `animate --run`.
    #[arg(long = "run", visible_alias = "run-index", value_name = "R")]
    pub run_index: Option<u64>,
    /// Output folder [default: outputs/<scenario name>/].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    #[command(flatten)]
    pub set: SetArgs,
    #[command(flatten)]
    pub until: UntilArgs,
    /// Also write every state's vote in every decision (votes.csv). Large: about 27,000
    /// rows and 1 MB per run of the world scenario (100 runs: about 100 MB), most of
    /// them votes on reforms and admissions; --run N writes one run's, --votes-on
    /// only chosen decisions'.
    #[arg(long)]
    pub votes: bool,
    /// Write votes.csv with only the votes of these decisions (implies --votes):
    /// proposal ids of the scenario, `targets` (the proposals of its [[target]]s),
    /// `proposals`, `reforms` or `admissions` (every decision of that kind).
    /// Comma-separated or repeated. Per run of the world scenario: `targets` about 600
    /// rows (26 kB), `proposals` about 7,000 (360 kB), instead of 27,000 (1 MB).
    #[arg(long, value_name = "WHAT", value_delimiter = ',')]
    pub votes_on: Vec<String>,
    /// Also write every state's attention per venue and round (attention.csv).
    #[arg(long)]
    pub states: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also draw the charts (PNG and SVG) into the output folder's plots/.
    #[arg(long)]
    pub plot: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    #[command(flatten)]
    pub set: SetArgs,
    /// Print the scenario as one self-contained TOML file, with every `extends`
    /// (and `--set`) applied, instead of the summary.
    #[arg(long)]
    pub resolved: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shards_are_k_of_n() {
        assert_eq!(parse_shard("1/1"), Ok((1, 1)));
        assert_eq!(parse_shard("3/16"), Ok((3, 16)));
        for bad in ["3/2", "0/2", "1/0", "1", "a/b", "-1/2"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
