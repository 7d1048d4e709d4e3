//! `forumsim report DIR`: one self-contained `DIR/report.html` of a run, sweep or
//! validate folder.

use super::error::CliError;
use super::print;
use clap::Args;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  forumsim report outputs/stylized
  forumsim report outputs/quick-grid              # a sweep folder
  forumsim report outputs/world/validate          # a validate folder: tallies and facts
  forumsim report outputs/stylized -o class/stylized.html

Writes DIR/report.html (or --out FILE): the scenario summary, the manifest, every chart of
`forumsim plot` as inline SVG and the key tables (for a validate folder: the targets
and the facts), in one file that needs no network, no server and no fonts (the charts'
font is embedded). Exit status: 2 if DIR is not a complete run, sweep or validate
folder, 1 if writing fails.";

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output folder of `forumsim run`, `forumsim sweep` or `forumsim validate`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output file [default: DIR/report.html].
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn report(args: ReportArgs) -> Result<(), CliError> {
    forumsim::output::vouch::check(&args.dir)?;
    let path = args
        .out
        .clone()
        .unwrap_or_else(|| args.dir.join(forumsim::report::REPORT));
    let charts = forumsim::report::write_report(&args.dir, &path)?;
    if args.quiet {
        return Ok(());
    }
    print(|w| writeln!(w, "wrote {} ({charts} charts)", path.display()))
}
