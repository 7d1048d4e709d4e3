//! A run folder that is never half old and half new: the new batch is written into a
//! hidden folder beside the old one and swapped in whole at the end.
//!
//! `DIR` holds either the complete previous batch or the complete new one, whatever
//! stops the writer (kill -9, a full disk, a crash): the new files go into
//! `.DIR.new-PID-N` next to it, then the two folders are exchanged in one atomic step
//! (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two renames, the second undone
//! on the next run if the first was the last to happen) and the old one is removed.
//!
//! Files in `DIR` that forumsim did not list in the previous manifest (a user's notes,
//! charts, a table of their own) are carried into the new folder (hard links, so
//! nothing is copied), so the swap never deletes them. Hidden staging folders and temp
//! files of writers that are no longer running are removed at the next write.

use super::folder::{MANIFEST, OutputError, RESOLVED};
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Marks the hidden staging (`new`) and retired (`old`) folders of `DIR`.
const NEW: &str = "new";
const OLD: &str = "old";

fn write_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// The folder `dir` stands for: itself, or where it points when it is a symlink, with
/// `.` and `..` resolved so that it has a parent and a name to put a sibling beside.
fn target(dir: &Path) -> Result<PathBuf, OutputError> {
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().map_err(write_err(dir))?.join(dir)
    };
    if absolute.exists() {
        return fs::canonicalize(&absolute).map_err(write_err(dir));
    }
    // Not there yet: resolve the deepest part that exists, keep the rest.
    let mut missing = Vec::new();
    let mut p = absolute.as_path();
    while !p.exists() {
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                p = parent;
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    out.extend(missing.iter().rev());
    Ok(out)
}

/// A hidden sibling of `dir`: `.NAME.KIND-PID-N`.
fn sibling(dir: &Path, kind: &str) -> Result<PathBuf, OutputError> {
    let name = dir
        .file_name()
        .ok_or_else(|| write_err(dir)(io::Error::other("not a folder name")))?;
    Ok(dir.with_file_name(format!(
        ".{}.{kind}-{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )))
}

/// A new writer's folder for the batch that will become `dir`. Creates the parents,
/// cleans up after writers that died, and proves the place is writable (so call it
/// before a long batch to fail fast).
pub fn stage(dir: &Path) -> Result<Staged, OutputError> {
    let dir = target(dir)?;
    if dir.exists() && !dir.is_dir() {
        return Err(OutputError::CreateDir {
            path: dir,
            source: io::Error::other("exists and is not a folder"),
        });
    }
    let parent = dir.parent().unwrap_or(Path::new("/")).to_path_buf();
    fs::create_dir_all(&parent).map_err(|source| OutputError::CreateDir {
        path: dir.clone(),
        source,
    })?;
    clean_stale(&dir);
    let new = sibling(&dir, NEW)?;
    fs::create_dir(&new).map_err(|source| OutputError::CreateDir {
        path: dir.clone(),
        source,
    })?;
    Ok(Staged {
        dir,
        new: Some(new),
        mine: None,
    })
}

/// Which files of a shared folder a writer makes, by their path inside the folder.
pub type Mine = fn(&Path) -> bool;

/// [`stage`] for a writer that adds its files to a folder it shares with others
/// (`sensitivity` writes into a sweep folder, whose manifest lists only the sweep's
/// files; `calibrate` writes no manifest). The new folder starts as the old one,
/// hard-linked (nothing is copied), less what `mine` says this writer made before: so
/// the swap replaces this writer's files whole, drops those it no longer makes (a
/// chart of another outcome, `loo.csv` of an earlier `--leave-out`) and keeps every
/// other file, in subfolders too (`plots/` holds other commands' charts).
pub fn stage_into(dir: &Path, mine: Mine) -> Result<Staged, OutputError> {
    let mut staged = stage(dir)?;
    staged.mine = Some(mine);
    if let Some(new) = &staged.new
        && staged.dir.is_dir()
    {
        link_others(&staged.dir, new, Path::new(""), mine)?;
    }
    Ok(staged)
}

/// Links `dir/rel` into `new/rel`, entry by entry, leaving out `mine` and temp files.
fn link_others(dir: &Path, new: &Path, rel: &Path, mine: Mine) -> Result<(), OutputError> {
    let from = dir.join(rel);
    for e in fs::read_dir(&from).map_err(write_err(&from))? {
        let e = e.map_err(write_err(&from))?;
        let name = e.file_name();
        let r = rel.join(&name);
        if mine(&r) || is_temp(&name.to_string_lossy()) {
            continue;
        }
        let to = new.join(&r);
        let real_dir = fs::symlink_metadata(e.path()).is_ok_and(|m| m.is_dir());
        if real_dir {
            fs::create_dir(&to).map_err(write_err(&to))?;
            link_others(dir, new, &r, mine)?;
        } else {
            link_tree(&e.path(), &to)?;
        }
    }
    Ok(())
}

/// A batch being written beside its folder; removed unless [`Staged::publish`]ed.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    new: Option<PathBuf>,
    /// Set by [`stage_into`]: the writer's own files, the only ones not carried over.
    mine: Option<Mine>,
}

impl Staged {
    /// Where to write the new files.
    pub fn path(&self) -> &Path {
        self.new.as_deref().unwrap_or(&self.dir)
    }

    /// Where `path` (inside [`Staged::path`]) will be once published: to name it.
    pub fn published(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(self.path()) {
            Ok(rel) => self.dir.join(rel),
            Err(_) => path.to_path_buf(),
        }
    }

    /// Makes the staged folder `dir`, carrying over the files of `dir` that the old
    /// manifest does not list. `dir` is the old folder up to the one atomic exchange,
    /// the new one after it.
    pub fn publish(mut self) -> Result<(), OutputError> {
        let Some(new) = self.new.take() else {
            return Ok(());
        };
        let result = publish(&self.dir, &new, self.mine);
        if result.is_err() {
            let _ = fs::remove_dir_all(&new);
        }
        result
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(new) = self.new.take() {
            let _ = fs::remove_dir_all(new);
        }
    }
}

fn publish(dir: &Path, new: &Path, mine: Option<Mine>) -> Result<(), OutputError> {
    super::atomic::sync_dir(new);
    if !dir.exists() {
        fs::rename(new, dir).map_err(write_err(dir))?;
        super::atomic::sync_dir(dir.parent().unwrap_or(Path::new(".")));
        return Ok(());
    }
    carry_over(dir, new, mine)?;
    if exchange(new, dir).is_ok() {
        // `new` now holds the old folder.
        super::atomic::sync_dir(dir.parent().unwrap_or(Path::new(".")));
        let _ = fs::remove_dir_all(new);
        return Ok(());
    }
    // No atomic exchange here: retire the old folder, then move the new one in. A
    // crash between the two is undone by `clean_stale` on the next write.
    let old = sibling(dir, OLD)?;
    fs::rename(dir, &old).map_err(write_err(dir))?;
    if let Err(e) = fs::rename(new, dir) {
        let _ = fs::rename(&old, dir);
        return Err(write_err(dir)(e));
    }
    super::atomic::sync_dir(dir.parent().unwrap_or(Path::new(".")));
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Swaps two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The names in `dir` that forumsim wrote there itself: what its manifest lists, the
/// manifest and the scenario copy. Nothing else is ever removed by a new batch.
pub fn owned(dir: &Path) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = [MANIFEST, RESOLVED].map(String::from).into();
    let listed = fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    if let Some(files) = listed.as_ref().and_then(|m| m["files"].as_array()) {
        names.extend(
            files
                .iter()
                .filter_map(|f| f["name"].as_str())
                .filter(|n| plain_name(n))
                .map(String::from),
        );
    }
    names
}

/// A file name without any folder part: what a manifest may list.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && Path::new(name).file_name().is_some_and(|n| n == name)
}

/// Links every entry of `dir` that forumsim does not own, and that the new batch does
/// not write itself, into `new`. A [`stage_into`] writer owns only `mine` (the rest
/// was linked at the start; this catches what appeared in `dir` since).
fn carry_over(dir: &Path, new: &Path, mine: Option<Mine>) -> Result<(), OutputError> {
    let owned = match mine {
        Some(_) => BTreeSet::new(),
        None => owned(dir),
    };
    let entries = fs::read_dir(dir).map_err(write_err(dir))?;
    for e in entries {
        let e = e.map_err(write_err(dir))?;
        let name = e.file_name();
        let text = name.to_string_lossy();
        let my_own = mine.is_some_and(|m| m(Path::new(&name)));
        if owned.contains(text.as_ref()) || my_own || is_temp(&text) || new.join(&name).exists() {
            continue;
        }
        link_tree(&e.path(), &new.join(&name))?;
    }
    Ok(())
}

/// Recreates `from` at `to`: files hard-linked (copied where links are refused),
/// folders recursively, symlinks as symlinks.
fn link_tree(from: &Path, to: &Path) -> Result<(), OutputError> {
    let meta = fs::symlink_metadata(from).map_err(write_err(from))?;
    if meta.file_type().is_symlink() {
        #[cfg(unix)]
        {
            let target = fs::read_link(from).map_err(write_err(from))?;
            return std::os::unix::fs::symlink(target, to).map_err(write_err(to));
        }
        #[cfg(not(unix))]
        return fs::copy(from, to).map(drop).map_err(write_err(to));
    }
    if meta.is_dir() {
        fs::create_dir(to).map_err(write_err(to))?;
        for e in fs::read_dir(from).map_err(write_err(from))? {
            let e = e.map_err(write_err(from))?;
            link_tree(&e.path(), &to.join(e.file_name()))?;
        }
        return Ok(());
    }
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to).map_err(write_err(to))?;
    }
    Ok(())
}

/// A temp file of [`super::atomic::AtomicFile`]: `.NAME.PID-N.tmp`.
fn is_temp(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// The process id in a staging folder's or temp file's name, if any.
fn pid_of(rest: &str) -> Option<u32> {
    rest.split('-').next()?.parse().ok()
}

/// Whether process `pid` is running (on Linux; elsewhere always assumed to be, so
/// nothing is removed that might be in use).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Removes what writers that are no longer running left beside and inside `dir`:
/// staging folders, temp files; and puts back a folder retired by a writer that
/// stopped between its two renames.
fn clean_stale(dir: &Path) {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    if let Ok(entries) = fs::read_dir(parent) {
        let mut retired = Vec::new();
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = n.strip_prefix(&prefix) else {
                continue;
            };
            let (kind, rest) = rest.split_once('-').unwrap_or(("", ""));
            if !(kind == NEW || kind == OLD) || pid_of(rest).is_none_or(alive) {
                continue;
            }
            if kind == OLD {
                retired.push(e.path());
            } else {
                let _ = fs::remove_dir_all(e.path());
            }
        }
        for old in retired {
            if !dir.exists() && old.join(MANIFEST).is_file() {
                let _ = fs::rename(&old, dir);
            } else {
                let _ = fs::remove_dir_all(&old);
            }
        }
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            // `.NAME.PID-N.tmp`: the pid is the second-to-last dotted part.
            let pid = n
                .strip_suffix(".tmp")
                .and_then(|s| s.rsplit('.').next())
                .and_then(pid_of);
            if is_temp(&n) && pid.is_some_and(|p| !alive(p)) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testdata::listing;

    #[test]
    fn a_new_folder_replaces_the_old_and_keeps_foreign_files() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        fs::create_dir(&dir).unwrap();
        fs::write(
            dir.join(MANIFEST),
            r#"{"files": [{"name": "a.csv"}, {"name": "votes.csv"}]}"#,
        )
        .unwrap();
        for n in ["a.csv", "votes.csv", "notes.txt", "attention.csv"] {
            fs::write(dir.join(n), "old").unwrap();
        }
        fs::create_dir(dir.join("plots")).unwrap();
        fs::write(dir.join("plots").join("x.png"), "png").unwrap();
        fs::write(dir.join(".a.csv.999999999-0.tmp"), "junk").unwrap();

        let s = stage(&dir).unwrap();
        fs::write(s.path().join(MANIFEST), r#"{"files": [{"name": "a.csv"}]}"#).unwrap();
        fs::write(s.path().join("a.csv"), "new").unwrap();
        s.publish().unwrap();

        // votes.csv was listed before and is not written now: gone. attention.csv and
        // notes.txt were never listed: the user's, kept.
        assert_eq!(
            listing(&dir),
            [
                "a.csv",
                "attention.csv",
                "manifest.json",
                "notes.txt",
                "plots"
            ]
        );
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new");
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "old");
        assert!(dir.join("plots").join("x.png").is_file());
        assert_eq!(listing(root.path()), ["out"], "no staging folder is left");
    }

    #[test]
    fn a_dropped_stage_leaves_the_old_folder_alone() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("a.csv"), "old").unwrap();
        let s = stage(&dir).unwrap();
        fs::write(s.path().join("a.csv"), "half").unwrap();
        drop(s);
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn leftovers_of_dead_writers_are_cleaned_and_a_retired_folder_restored() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let dead = root.path().join(".out.new-999999999-3");
        fs::create_dir(&dead).unwrap();
        let retired = root.path().join(".out.old-999999999-4");
        fs::create_dir(&retired).unwrap();
        fs::write(retired.join(MANIFEST), "{}").unwrap();
        let s = stage(&dir).unwrap();
        assert!(!dead.exists());
        assert!(dir.join(MANIFEST).is_file(), "the retired folder is back");
        drop(s);
    }

    #[test]
    fn a_shared_folder_keeps_the_others_files_and_drops_the_writers_old_ones() {
        fn mine(p: &Path) -> bool {
            let s = p.to_string_lossy();
            s == "mine.csv" || s == "old-mine.csv" || s.starts_with("plots/mine-")
        }
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        fs::create_dir_all(dir.join("plots")).unwrap();
        fs::write(dir.join(MANIFEST), r#"{"files": [{"name": "runs.csv"}]}"#).unwrap();
        for n in ["runs.csv", "mine.csv", "old-mine.csv", "notes.txt"] {
            fs::write(dir.join(n), "old").unwrap();
        }
        for n in ["mine-a.png", "other.png"] {
            fs::write(dir.join("plots").join(n), "old").unwrap();
        }
        let s = stage_into(&dir, mine).unwrap();
        fs::write(s.path().join("mine.csv"), "new").unwrap();
        fs::write(s.path().join("plots").join("mine-b.png"), "new").unwrap();
        // Until published, the folder is the old one, whole.
        assert_eq!(fs::read_to_string(dir.join("mine.csv")).unwrap(), "old");
        assert!(dir.join("plots/mine-a.png").is_file());
        assert_eq!(
            s.published(&s.path().join("mine.csv")),
            dir.join("mine.csv")
        );
        s.publish().unwrap();
        assert_eq!(
            listing(&dir),
            [
                "manifest.json",
                "mine.csv",
                "notes.txt",
                "plots",
                "runs.csv"
            ]
        );
        assert_eq!(listing(&dir.join("plots")), ["mine-b.png", "other.png"]);
        assert_eq!(fs::read_to_string(dir.join("runs.csv")).unwrap(), "old");
        assert_eq!(fs::read_to_string(dir.join("mine.csv")).unwrap(), "new");
        assert_eq!(listing(root.path()), ["out"], "no staging folder is left");
    }

    #[test]
    fn manifest_names_must_be_plain() {
        assert!(plain_name("rounds.csv"));
        for bad in ["", ".", "..", "../x", "/etc/passwd", "a/b", "..\\x"] {
            assert!(!plain_name(bad), "{bad}");
        }
    }
}
