//! `forumsim animate DIR`: a GIF replay of one run of a run folder.

use super::error::CliError;
use super::print;
use super::set::UntilArgs;
use clap::Args;
use forumsim::animate;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  forumsim run scenarios/stylized.toml --runs 5 && forumsim animate outputs/stylized --run 2
  forumsim animate outputs/stylized --run 0 --out slides/stylized.gif
  forumsim animate outputs/stylized --run 0 --still 2022     # one frame as PNG
  forumsim animate outputs/world --until 2010                # 1998-2010 only

Re-runs run N of DIR from its manifest.json and scenario.resolved.toml (as `verify`
does; the folder need not hold votes.csv or attention.csv) and writes one 1600x900
frame per year: states as dots in the policy plane coloured by regime, venues' rules
as labelled markers with their member counts, a bar per venue with its members by
regime, and the year's key events as captions. Default output:
DIR/plots/replay-run<N>.gif (with --until: replay-run<N>-until<YEAR>.gif; with
--still: DIR/plots/replay-run<N>-<YEAR>.png).
Exit status: 2 if DIR is not a run folder or N is not one of its runs, 1 if writing fails.";

#[derive(Debug, Args)]
pub struct AnimateArgs {
    /// Output folder of `forumsim run`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Which run of the folder to replay [default: its first run].
    #[arg(long, value_name = "N")]
    pub run: Option<u64>,
    /// Output file [default: DIR/plots/replay-run<N>.gif].
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write only the frame of this year, as a PNG.
    #[arg(long, value_name = "YEAR")]
    pub still: Option<i32>,
    #[command(flatten)]
    pub until: UntilArgs,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn animate(args: AnimateArgs) -> Result<(), CliError> {
    forumsim::output::vouch::check(&args.dir)?;
    let (path, cut) = animate::animate(
        &args.dir,
        args.run,
        args.out.as_deref(),
        args.still,
        args.until.until,
    )?;
    if args.quiet {
        return Ok(());
    }
    UntilArgs::note(cut.as_ref());
    print(|w| writeln!(w, "wrote {}", path.display()))
}
