//! The binary's errors: one message, a cause chain, and an exit code
//! (2 = bad input or usage, 1 = internal; clap's own usage errors also exit 2).

use forumsim::animate::AnimateError;
use forumsim::experiment::batch::LoadError;
use forumsim::experiment::sweep::SweepError;
use forumsim::output::OutputError;
use forumsim::output::vouch::VouchError;
use forumsim::plot::PlotError;
use forumsim::scenario::InputFileError;
use forumsim::scenario::ScenarioError;
use forumsim::verify::VerifyError;
use std::error::Error;
use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The scenario or a `--set` override is wrong ("FILE:LINE:COL: message").
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The experiment or calibration file, an axis value or a variant is wrong
    /// ("FILE:LINE:COL: message").
    #[error(transparent)]
    InputFile(#[from] InputFileError),
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// The sweep stopped before all its chunks were done (Ctrl-C): not an error, but
    /// not a complete sweep either (exit 130, as a shell reports Ctrl-C).
    #[error(
        "stopped: {done} of {total} chunks done; rerun the same command with --resume to continue"
    )]
    Interrupted { done: u64, total: u64 },
    /// Flags that are fine one by one but not together.
    #[error("{0}")]
    Usage(String),
    #[error("{}: cannot read the scenario file", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: cannot write", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The output folder cannot be verified (no manifest, no scenario copy, …).
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The folder's manifest does not vouch for its tables (`plot`, `report`, `animate`).
    #[error(transparent)]
    Vouch(#[from] VouchError),
    #[error(transparent)]
    Plot(#[from] PlotError),
    #[error(transparent)]
    Animate(#[from] AnimateError),
    #[error(transparent)]
    Serve(#[from] forumsim::serve::ServeError),
    #[error("cannot start the pool of worker threads")]
    Pool(#[source] rayon::ThreadPoolBuildError),
    #[error("cannot write to standard output")]
    Stdout(#[source] io::Error),
    /// Not an error: the command has reported its result (a difference, a mismatch)
    /// and exits with this status, as diff(1) exits 1 when files differ.
    #[error("")]
    Exit(u8),
    /// A run panicked: a bug in forumsim. Says how to reproduce it.
    #[error(
        "a run crashed, a bug in forumsim (its panic message is above): seed {seed}, runs {}",
        forumsim::output::summary::runs_text(runs)
    )]
    Crash { seed: u64, runs: Vec<u64> },
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> CliError {
        match e {
            LoadError::Scenario(e) => CliError::Scenario(e),
            LoadError::Read { path, source } => CliError::Read { path, source },
        }
    }
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Plot(e) if e.is_bad_input() => 2,
            CliError::Plot(_) => 1,
            CliError::Animate(e) if e.is_bad_input() => 2,
            CliError::Animate(_) => 1,
            CliError::Exit(code) => *code,
            CliError::Scenario(_)
            | CliError::Usage(_)
            | CliError::Read { .. }
            | CliError::Verify(_)
            | CliError::Vouch(_)
            | CliError::InputFile(_) => 2,
            CliError::Sweep(e) if e.is_usage() => 2,
            CliError::Interrupted { .. } => 130,
            CliError::Sweep(_) => 1,
            CliError::Serve(forumsim::serve::ServeError::NoScenario(_)) => 2,
            CliError::Output(_)
            | CliError::Serve(_)
            | CliError::Write { .. }
            | CliError::Pool(_)
            | CliError::Stdout(_)
            | CliError::Crash { .. } => 1,
        }
    }

    /// `error: <message>` and one `  caused by: <cause>` line per source.
    pub fn report(&self) -> String {
        match self {
            CliError::Exit(_) => return String::new(),
            // Stopping on request is not an error: say what happened, without "error:".
            CliError::Interrupted { .. } => return format!("{self}\n"),
            _ => {}
        }
        let mut s = format!("error: {self}\n");
        let mut cause = self.source();
        while let Some(c) = cause {
            // Writing into a String cannot fail.
            let _ = writeln!(s, "  caused by: {c}");
            cause = c.source();
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_errors_are_internal_and_print_their_cause() {
        let e = CliError::from(OutputError::CreateDir {
            path: "out/x".into(),
            source: io::Error::from(io::ErrorKind::PermissionDenied),
        });
        assert_eq!(e.exit_code(), 1);
        let r = e.report();
        assert!(
            r.starts_with("error: out/x: cannot create the output folder\n  caused by: "),
            "{r}"
        );
    }

    #[test]
    fn usage_errors_exit_2() {
        let e = CliError::Usage("bad".into());
        assert_eq!(e.exit_code(), 2);
        assert_eq!(e.report(), "error: bad\n");
    }
}
