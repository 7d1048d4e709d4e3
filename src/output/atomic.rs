//! A file that appears under its name only when complete: temp file, fsync, rename.
//!
//! Readers of an output folder (a notebook polling it, a second batch writing the same
//! folder) must never see half a CSV. So every file is written to a hidden temp file
//! in the same folder (rename is atomic only within one file system), synced, and
//! renamed over the destination. If anything fails, or the writer is dropped without
//! [`AtomicFile::commit`], the temp file is removed and the destination is untouched.

use super::folder::OutputError;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temp files of one process (two threads may write the same name).
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A buffered writer to a temp file that becomes `dest` on [`commit`](Self::commit).
#[derive(Debug)]
pub struct AtomicFile {
    dest: PathBuf,
    tmp: PathBuf,
    /// `None` once committed (or after a failed commit): nothing left to clean up then.
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temp file next to `dest`. The folder must exist.
    pub fn create(dest: &Path) -> Result<AtomicFile, OutputError> {
        let fail = |source| OutputError::Write {
            path: dest.to_path_buf(),
            source,
        };
        let name = dest
            .file_name()
            .ok_or_else(|| fail(io::Error::other("not a file name")))?;
        let tmp_name = format!(
            ".{}.{}-{}.tmp",
            name.to_string_lossy(),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let tmp = dest.with_file_name(tmp_name);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(fail)?;
        Ok(AtomicFile {
            dest: dest.to_path_buf(),
            tmp,
            out: Some(BufWriter::new(file)),
        })
    }

    /// The final path of the file.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Flushes, syncs and renames the temp file to its destination.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let fail = |source| OutputError::Write {
            path: self.dest.clone(),
            source,
        };
        let Some(out) = self.out.take() else {
            return Err(fail(io::Error::other("file already committed")));
        };
        let result = out
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| file.sync_all())
            .and_then(|()| fs::rename(&self.tmp, &self.dest));
        if let Err(e) = result {
            let _ = fs::remove_file(&self.tmp);
            return Err(fail(e));
        }
        sync_parent(&self.dest);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.out {
            Some(out) => out.write(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed: close the handle first (Windows cannot delete open files).
        if let Some(out) = self.out.take() {
            drop(out);
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to `dest` atomically: the one way every command writes a whole file
/// it holds in memory (a chart, a report, a table).
pub fn write(dest: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(dest)?;
    f.write_all(bytes).map_err(|source| OutputError::Write {
        path: dest.to_path_buf(),
        source,
    })?;
    f.commit()
}

/// Writes `value` to `dest` atomically as pretty-printed JSON with a final newline
/// (manifests, `sweep.json`, SALib's `problem.json`).
pub fn write_json(dest: &Path, value: &impl serde::Serialize) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(dest)?;
    serde_json::to_writer_pretty(&mut f, value)
        .map_err(io::Error::from)
        .and_then(|()| f.write_all(b"\n"))
        .map_err(|source| OutputError::Write {
            path: dest.to_path_buf(),
            source,
        })?;
    f.commit()
}

/// Makes the rename itself durable. Best effort: some file systems refuse to fsync a
/// folder, and the data is already safe in the renamed file by then.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
}

/// Syncs a folder's entries (renames into it), best effort as [`sync_parent`].
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testdata::listing;

    #[test]
    fn commit_renames_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a.csv");
        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(b"x,y\n").unwrap();
        assert!(!dest.exists(), "the destination appears only on commit");
        f.commit().unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"x,y\n");
        assert_eq!(listing(dir.path()), vec!["a.csv"]);
    }

    #[test]
    fn dropping_without_commit_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a.csv");
        fs::write(&dest, b"old").unwrap();
        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(b"half a fi").unwrap();
        drop(f);
        assert_eq!(fs::read(&dest).unwrap(), b"old");
        assert_eq!(listing(dir.path()), vec!["a.csv"]);
    }

    #[test]
    fn missing_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("nope").join("a.csv");
        let err = AtomicFile::create(&dest).unwrap_err();
        assert!(err.to_string().contains("a.csv"), "{err}");
    }
}
