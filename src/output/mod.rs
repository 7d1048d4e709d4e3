//! CSV and JSON writers; every file is written atomically (temp file + rename).
//!
//! One batch goes into one folder: the CSV tables of [`tables`], the resolved
//! scenario (`scenario.resolved.toml`), then `manifest.json` ([`Manifest`]) last. Writing a batch first removes an old
//! manifest, so a folder with a manifest always holds one complete batch and the
//! manifest lists exactly its files. Identical batches give identical bytes in every
//! file, except the manifest's final `timing` field.

pub mod atomic;
pub(crate) mod csvfile;
pub mod manifest;
pub mod reference;
pub mod summary;
pub mod tables;
pub mod verify;

pub use manifest::{Manifest, sha256_hex};
pub use tables::{ATTENTION, CHOICES, DECISIONS, ROUNDS, RULES, VENUES, VOTES};

use crate::engine::RunResult;
use crate::model::Scenario;
use serde::Serialize;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Name of the manifest file in an output folder.
pub const MANIFEST: &str = "manifest.json";

/// Name of the copy of the resolved scenario in an output folder: with the manifest's
/// overrides and seed, it is everything needed to run the batch again (`verify`).
pub const RESOLVED: &str = "scenario.resolved.toml";

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}: cannot create the output folder", path.display())]
    CreateDir {
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
    #[error("{}: cannot remove the stale file from an earlier batch", path.display())]
    Remove {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A row points outside its run's name tables: a bug in the engine, not in the input.
    #[error(
        "{}: run {run} refers to {what} #{index}, but the run has only {len} (engine bug)",
        path.display()
    )]
    BadIndex {
        path: PathBuf,
        run: u64,
        what: &'static str,
        index: u64,
        len: usize,
    },
}

/// The optional tables (the engine records their rows only when asked, see
/// [`crate::engine::RunOptions`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tables {
    /// Write `votes.csv`.
    pub votes: bool,
    /// Write `attention.csv`.
    pub states: bool,
}

/// A file written, as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub name: String,
    /// Data rows (header excluded).
    pub rows: u64,
}

/// What the manifest records about a batch besides its results.
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    /// The scenario as run (after `--set` and `--seed`).
    pub scenario: &'a Scenario,
    /// The scenario file as the user named it.
    pub scenario_path: &'a Path,
    /// The scenario file's bytes, hashed into the manifest.
    pub scenario_bytes: &'a [u8],
    /// The scenario with `extends` resolved and no override applied
    /// ([`crate::scenario::Resolved::text`]); written to [`RESOLVED`].
    pub resolved: &'a str,
    /// `path=value` overrides applied on top of the file, in order.
    pub overrides: &'a [String],
    /// Run indices of the batch, in order.
    pub runs: &'a [u64],
    /// Worker threads of the pool the batch ran on.
    pub threads: usize,
    pub tables: Tables,
    /// When the batch started; the manifest's wall time is measured from here.
    pub started: Instant,
}

/// Creates `dir` (and parents), checks that it is writable and removes an old
/// manifest. Call it before a long batch to fail fast; [`write_batch`] calls it too.
pub fn prepare_dir(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    // Creating (and dropping) a temp file proves the folder is writable.
    drop(atomic::AtomicFile::create(&dir.join(MANIFEST))?);
    remove_if_present(&dir.join(MANIFEST))
}

/// Writes every table of `results` (in run order) and then the manifest into `dir`.
/// Returns the manifest written.
pub fn write_batch(
    dir: &Path,
    batch: &Batch<'_>,
    results: &[RunResult],
) -> Result<Manifest, OutputError> {
    prepare_dir(dir)?;
    let year = batch.scenario.start_year;
    let mut files = vec![
        tables::write_rounds(dir, year, results)?,
        tables::write_venues(dir, year, results)?,
        tables::write_rules(dir, year, results)?,
        tables::write_decisions(dir, year, results)?,
        tables::write_choices(dir, year, results)?,
    ];
    // An optional table left from an earlier batch would pass for this batch's.
    if batch.tables.votes {
        files.push(tables::write_votes(dir, year, results)?);
    } else {
        remove_if_present(&dir.join(VOTES))?;
    }
    if batch.tables.states {
        files.push(tables::write_attention(dir, year, results)?);
    } else {
        remove_if_present(&dir.join(ATTENTION))?;
    }
    write_resolved(dir, batch.resolved)?;
    let manifest = Manifest::new(batch, files, batch.started.elapsed().as_secs_f64());
    manifest.write(dir)?;
    Ok(manifest)
}

/// Writes the resolved scenario to `dir/scenario.resolved.toml`, atomically.
fn write_resolved(dir: &Path, text: &str) -> Result<(), OutputError> {
    let path = dir.join(RESOLVED);
    let mut f = atomic::AtomicFile::create(&path)?;
    std::io::Write::write_all(&mut f, text.as_bytes())
        .map_err(|source| OutputError::Write { path, source })?;
    f.commit()
}

fn remove_if_present(path: &Path) -> Result<(), OutputError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(OutputError::Remove {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
pub(crate) mod testdata;

#[cfg(test)]
mod tests {
    use super::testdata::{result, scenario};
    use super::*;
    use std::fs;

    fn batch<'a>(sc: &'a Scenario, runs: &'a [u64], tables: Tables) -> Batch<'a> {
        Batch {
            scenario: sc,
            scenario_path: Path::new("scenarios/tiny.toml"),
            scenario_bytes: b"name = \"tiny\"\n",
            resolved: "name = \"tiny\"\n",
            overrides: &[],
            runs,
            threads: 2,
            tables,
            started: Instant::now(),
        }
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_batch_writes_every_table_and_the_manifest_and_no_temp_files() {
        let sc = scenario();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a").join("b");
        let results = [result(0, 7), result(1, 7)];
        let all = Tables {
            votes: true,
            states: true,
        };
        let m = write_batch(&out, &batch(&sc, &[0, 1], all), &results).unwrap();
        let mut expect: Vec<String> = [
            ROUNDS, VENUES, RULES, DECISIONS, CHOICES, VOTES, ATTENTION, RESOLVED, MANIFEST,
        ]
        .map(String::from)
        .to_vec();
        expect.sort();
        assert_eq!(listing(&out), expect);
        assert_eq!(m.files.len(), 7);
        assert_eq!(
            m.files[0],
            FileInfo {
                name: ROUNDS.into(),
                rows: 2
            }
        );
    }

    #[test]
    fn identical_batches_give_identical_bytes_except_timing() {
        let sc = scenario();
        let results = [result(0, 7), result(1, 7)];
        let all = Tables {
            votes: true,
            states: true,
        };
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        write_batch(a.path(), &batch(&sc, &[0, 1], all), &results).unwrap();
        write_batch(b.path(), &batch(&sc, &[0, 1], all), &results).unwrap();
        for name in listing(a.path()) {
            let (x, y) = (
                fs::read_to_string(a.path().join(&name)).unwrap(),
                fs::read_to_string(b.path().join(&name)).unwrap(),
            );
            if name == MANIFEST {
                let cut = |s: &str| s[..s.find("\"timing\"").unwrap()].to_string();
                assert_eq!(cut(&x), cut(&y));
            } else {
                assert_eq!(x, y, "{name}");
            }
        }
    }

    #[test]
    fn a_second_batch_without_optional_tables_removes_the_stale_ones() {
        let sc = scenario();
        let dir = tempfile::tempdir().unwrap();
        let results = [result(0, 7)];
        write_batch(
            dir.path(),
            &batch(
                &sc,
                &[0],
                Tables {
                    votes: true,
                    states: true,
                },
            ),
            &results,
        )
        .unwrap();
        write_batch(dir.path(), &batch(&sc, &[0], Tables::default()), &results).unwrap();
        let names = listing(dir.path());
        assert!(
            !names.contains(&VOTES.to_string()) && !names.contains(&ATTENTION.to_string()),
            "{names:?}"
        );
    }

    #[test]
    fn an_engine_bug_is_an_error_and_leaves_no_partial_table() {
        let sc = scenario();
        let dir = tempfile::tempdir().unwrap();
        let mut bad = result(0, 7);
        bad.venues[0].venue = 99;
        let err =
            write_batch(dir.path(), &batch(&sc, &[0], Tables::default()), &[bad]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("venues.csv") && msg.contains("#99"), "{msg}");
        // rounds.csv was complete and stays; venues.csv never appeared; no temp files; no manifest.
        assert_eq!(listing(dir.path()), vec![ROUNDS.to_string()]);
    }

    #[test]
    fn an_output_path_under_a_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let err = prepare_dir(&file.join("out")).unwrap_err();
        assert!(matches!(err, OutputError::CreateDir { .. }));
        assert!(err.to_string().contains("file"), "{err}");
    }
}
