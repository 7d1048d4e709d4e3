//! The binary's command line, in two stages as in ripgrep: [`args`] mirrors the flags
//! (clap derive), [`plan`] turns them into validated values; [`error`] maps every
//! failure to a message and an exit code.

pub mod animate;
pub mod args;
pub mod calibrate;
pub mod diff;
pub mod error;
pub mod explain;
pub mod new;
pub mod params;
pub mod plan;
pub mod plot;
pub mod progress;
pub mod report;
pub mod sensitivity;
pub mod serve;
pub mod set;
pub mod table;
pub mod validate;
pub mod verify;

use error::CliError;
use std::io::{self, Write};

/// Writes to standard output through `f`. A closed pipe (`forumsim check x | head`)
/// is not an error: the reader has what it wanted.
pub fn print(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(CliError::Stdout),
    }
}
