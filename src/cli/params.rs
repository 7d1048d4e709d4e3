//! `forumsim params`: the parameter reference, generated from `PARAM_DEFS`.

use super::error::CliError;
use super::print;
use clap::{Args, ValueEnum};
use forumsim::output::reference;

pub const EXAMPLES: &str = "\
Examples:
  forumsim params
  forumsim params --format toml >> scenarios/mine.toml
  forumsim params --format md > docs/PARAMETERS.md";

#[derive(Debug, Args)]
pub struct ParamsArgs {
    /// Output format: a Markdown table, or a `[parameters]` TOML table of defaults.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Md,
    Toml,
}

pub fn params(args: ParamsArgs) -> Result<(), CliError> {
    let text = match args.format {
        Format::Md => reference::markdown(),
        Format::Toml => reference::toml(),
    };
    print(|w| w.write_all(text.as_bytes()))
}
