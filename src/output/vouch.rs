//! Whether an output folder's manifest vouches for the tables in it: the check `plot`,
//! `report` and `animate` make before reading a folder, so that they never draw from
//! a folder that holds tables of two batches, or tables without the manifest that
//! describes them.

use super::folder::MANIFEST;
use super::manifest::KIND_RUN;
use super::publish::plain_name;
use super::tables::ALWAYS;
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why the tables of a folder cannot be trusted (bad input: exit 2).
#[derive(Debug, thiserror::Error)]
pub enum VouchError {
    #[error(
        "{}: no {MANIFEST}: the run that wrote this folder did not finish (or it is not a `forumsim run` folder); run it again",
        dir.display()
    )]
    NoManifest { dir: PathBuf },
    #[error("{}: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
    #[error("{}: listed in {MANIFEST} but not in the folder; run the batch again", path.display())]
    Missing { path: PathBuf },
    #[error(
        "{}: not the table {MANIFEST} describes (its SHA-256 differs): the folder mixes tables of two batches; run the batch again",
        path.display()
    )]
    Differs { path: PathBuf },
    #[error(
        "{}: not listed in {MANIFEST}: the folder mixes tables of two batches; run the batch again",
        path.display()
    )]
    NotListed { path: PathBuf },
}

/// Lower-case hex SHA-256 of the file at `path`, read in pieces.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks that the manifest of `dir` vouches for its tables: every file it lists is a
/// plain name in the folder with the recorded SHA-256 (where recorded), and in a run
/// folder every table `plot` reads is listed. A folder without a manifest passes only
/// when it holds no run tables (a sweep or validate folder, checked by its reader).
pub fn check(dir: &Path) -> Result<(), VouchError> {
    let mpath = dir.join(MANIFEST);
    let bytes = match std::fs::read(&mpath) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return if dir.join(super::tables::ROUNDS).exists() {
                Err(VouchError::NoManifest {
                    dir: dir.to_path_buf(),
                })
            } else {
                Ok(())
            };
        }
        Err(e) => {
            return Err(VouchError::Manifest {
                path: mpath,
                message: format!("cannot read: {e}"),
            });
        }
    };
    let bad = |message: String| VouchError::Manifest {
        path: mpath.clone(),
        message,
    };
    let m: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| bad(format!("not a valid manifest: {e}")))?;
    let Some(files) = m["files"].as_array() else {
        return Err(bad("no `files` list: not a manifest forumsim wrote".into()));
    };
    let mut listed = Vec::new();
    for f in files {
        let Some(name) = f["name"].as_str() else {
            return Err(bad("a `files` entry has no `name`".into()));
        };
        if !plain_name(name) {
            return Err(bad(format!(
                "lists `{}`, which is not a file of this folder",
                crate::scenario::excerpt(name)
            )));
        }
        let path = dir.join(name);
        if !path.is_file() {
            return Err(VouchError::Missing { path });
        }
        if let Some(want) = m["sha256"][name].as_str() {
            let got = sha256_file(&path).map_err(|e| bad(format!("cannot read {name}: {e}")))?;
            if got != want {
                return Err(VouchError::Differs { path });
            }
        }
        listed.push(name);
    }
    if m["kind"].as_str() == Some(KIND_RUN) {
        for &table in ALWAYS {
            if !listed.contains(&table) && dir.join(table).exists() {
                return Err(VouchError::NotListed {
                    path: dir.join(table),
                });
            }
        }
    }
    Ok(())
}
