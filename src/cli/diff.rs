//! `forumsim diff A B`: the semantic difference between two scenarios, one line per
//! change; exit 0 when equal, 1 when different, 2 on bad input (as diff(1)).

use super::error::CliError;
use super::print;
use clap::Args;
use forumsim::scenario;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  forumsim diff scenarios/stylized.toml scenarios/mine.toml
  forumsim diff scenarios/stylized.toml scenarios/stylized.toml   # nothing, exit 0

Both scenarios are resolved (extends) and validated first, then compared value by
value: parameters, blocs, states, venues' rules, proposals and events, by id. Formatting,
order, short forms and omitted defaults do not count. One line per change:
  venue.oewg.transparency: 0.5 -> 0.9
  proposal.new-norms: added
Exit status: 0 if equal, 1 if different, 2 for bad input.";

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first scenario (TOML).
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// The second scenario (TOML).
    #[arg(value_name = "B")]
    pub b: PathBuf,
}

pub fn diff(args: DiffArgs) -> Result<(), CliError> {
    let a = scenario::load(&args.a)?;
    let b = scenario::load(&args.b)?;
    let changes = scenario::diff::diff(&a, &b);
    print(|w| {
        for c in &changes {
            writeln!(w, "{c}")?;
        }
        Ok(())
    })?;
    if changes.is_empty() {
        Ok(())
    } else {
        Err(CliError::Exit(1))
    }
}
