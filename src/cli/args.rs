//! The raw command line, one field per flag (clap derive). No validation beyond
//! types and ranges here; [`super::plan`] does the rest.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  forumsim check scenarios/stylized.toml
  forumsim run scenarios/stylized.toml --runs 20
  forumsim help run

Exit status: 0 on success, 2 for bad input or usage, 1 for internal errors.";

const RUN_EXAMPLES: &str = "\
Examples:
  forumsim run scenarios/stylized.toml
  forumsim run scenarios/stylized.toml --runs 50 --seed 7 --out outputs/seed7
  forumsim run scenarios/stylized.toml --run-index 3 --votes --states
  forumsim run scenarios/stylized.toml --set parameters.legit_cost=0.5 --set rounds=10

Writes rounds.csv, venues.csv, rules.csv, decisions.csv, choices.csv (votes.csv with
--votes, attention.csv with --states) and manifest.json. Run r of seed S is the same
whether it runs alone (--run-index r) or in a batch, on any number of threads.";

const CHECK_EXAMPLES: &str = "\
Examples:
  forumsim check scenarios/stylized.toml
  forumsim check scenarios/stylized.toml --set parameters.cohesion=0.8";

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
    /// Draw charts (PNG and SVG) of a run's output folder into DIR/plots/.
    #[command(after_help = super::plot::PLOT_EXAMPLES)]
    Plot(super::plot::PlotArgs),
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
    /// Run only run R of the batch (its rows carry run = R).
    #[arg(long, value_name = "R")]
    pub run_index: Option<u64>,
    /// Output folder [default: outputs/<scenario name>/].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    #[command(flatten)]
    pub set: SetArgs,
    /// Also write every state's vote in every decision (votes.csv).
    #[arg(long)]
    pub votes: bool,
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
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Override a scenario value, e.g. parameters.legit_cost=0.5 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    pub values: Vec<String>,
}

/// Checks the shape only; the scenario module resolves the path and the value.
fn parse_set(s: &str) -> Result<String, String> {
    match s.split_once('=') {
        Some((path, _)) if !path.trim().is_empty() => Ok(s.to_string()),
        _ => Err("expected PATH=VALUE, e.g. parameters.legit_cost=0.5".to_string()),
    }
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
    fn set_needs_a_path_and_an_equals_sign() {
        assert!(parse_set("parameters.alpha=0.3").is_ok());
        assert!(parse_set("name=").is_ok());
        assert!(parse_set("alpha").is_err());
        assert!(parse_set("=0.3").is_err());
    }
}
