//! [`PlotError`], in a file of its own: the readers ([`data`](super::data),
//! [`sweepdata`](super::sweepdata), ...) return it and `plot/mod.rs` calls the readers,
//! so it cannot live in `mod.rs` without the two importing each other.

use crate::output::OutputError;
use std::io;
use std::path::PathBuf;

/// Why a folder could not be plotted.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// A table is missing or unreadable: not a (complete) run folder.
    #[error("{}: cannot read (is this a `forumsim run` or `sweep` output folder?)", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A table is there but not as `forumsim run` writes it.
    #[error("{}:{line}: {msg}", path.display())]
    Parse {
        path: PathBuf,
        line: u64,
        msg: String,
    },
    /// A sweep folder whose sweep has not finished (no manifest or runs yet).
    #[error("{}: {msg}", path.display())]
    Unfinished { path: PathBuf, msg: String },
    /// `plot --groups` cannot compare these groups in this folder (a table it needs is
    /// missing, or a group matches no state); the message says what to do.
    #[error("{}: {msg}", path.display())]
    Groups { path: PathBuf, msg: String },
    /// plotters failed while drawing (a bug, or out of memory).
    #[error("{}: cannot draw the chart: {msg}", path.display())]
    Draw { path: PathBuf, msg: String },
    #[error("the font compiled into forumsim cannot be loaded (a build bug)")]
    Font,
    #[error(transparent)]
    Write(#[from] OutputError),
}

impl PlotError {
    /// Whether the input folder is at fault (not the machine or forumsim).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            PlotError::Read { .. }
                | PlotError::Parse { .. }
                | PlotError::Unfinished { .. }
                | PlotError::Groups { .. }
        )
    }
}
