//! CSV and JSON writers; every file is written atomically (temp file + rename).
//!
//! One batch goes into one folder: the CSV tables of [`tables`], the resolved
//! scenario (`scenario.resolved.toml`), then `manifest.json` ([`Manifest`]) last, with
//! the SHA-256 of every table. The batch is written beside the folder and swapped in
//! whole ([`publish`]), so the folder always holds one complete batch, the old or the
//! new, and readers check that the manifest vouches for its tables ([`vouch`]).
//! Identical batches give identical bytes in every file, except the manifest's final
//! `timing` field.

pub mod atomic;
pub(crate) mod csvfile;
pub mod folder;
pub mod manifest;
pub mod publish;
pub mod reference;
pub mod summary;
pub mod tables;
pub mod votes_on;
pub mod vouch;

pub use folder::{Batch, FileInfo, MANIFEST, OutputError, RESOLVED, Tables};
pub use manifest::{Manifest, sha256_hex};
pub use tables::{
    ADMISSIONS, ATTENTION, CHOICES, DECISIONS, ELECTIONS, Layout, ROUNDS, RULES, RunRows, VENUES,
    VOTES,
};

use crate::engine::RunResult;
use atomic::AtomicFile;
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// Checks, before a long batch, that [`write_batch`] will be able to write `dir`
/// (creating its parents), and removes what writers that died left beside it. Unlike
/// [`prepare_dir`] it leaves `dir` itself untouched.
pub fn check_out_dir(dir: &Path) -> Result<(), OutputError> {
    publish::stage(dir).map(drop)
}

/// Writes every table of `results` (in run order) and then the manifest into `dir`,
/// atomically as a whole: `dir` holds the previous batch until the new one is
/// complete ([`publish`]). Returns the manifest written. A batch that should not be
/// held in memory whole streams into a [`BatchWriter`] instead (`forumsim run`), with
/// the same bytes.
pub fn write_batch(
    dir: &Path,
    batch: &Batch<'_>,
    results: &[RunResult],
) -> Result<Manifest, OutputError> {
    let layout = Layout::new(dir, batch.scenario.start_year, &batch.tables);
    let mut w = BatchWriter::create(dir, &layout)?;
    for r in results {
        w.push(layout.format(r)?)?;
    }
    Ok(w.finish(batch)?.manifest)
}

/// One table of a batch being written: the (staged) file, its SHA-256 so far and
/// its rows.
struct TableFile {
    name: &'static str,
    /// Where the file will be once published (for error messages).
    path: PathBuf,
    file: AtomicFile,
    hash: Sha256,
    rows: u64,
}

impl TableFile {
    fn append(&mut self, bytes: &[u8]) -> Result<(), OutputError> {
        self.hash.update(bytes);
        self.file
            .write_all(bytes)
            .map_err(|source| OutputError::Write {
                path: self.path.clone(),
                source,
            })
    }
}

/// A batch's folder being written run by run, in run order, as the runs finish
/// (issue #17 item 1): each run's rows arrive formatted ([`Layout::format`], done by
/// the worker that played it) and are appended to the tables, so a batch holds only
/// the runs in flight, never all its results. Like [`write_batch`] it writes beside
/// `dir` and swaps the folder in whole on [`BatchWriter::finish`]; dropped before
/// that, it leaves `dir` as it was.
pub struct BatchWriter {
    // Before `staged`: the temp files go before their folder.
    files: Vec<TableFile>,
    staged: publish::Staged,
    runs: usize,
    /// Sum and count of the runs' final AMIs, added in run order (as
    /// [`summary::final_ami_mean`] adds them).
    ami_sum: f64,
    ami_runs: usize,
}

/// What [`BatchWriter::finish`] wrote.
#[derive(Debug)]
pub struct Written {
    pub manifest: Manifest,
    /// Runs written.
    pub runs: usize,
    /// Mean over runs of the AMI of each run's last round; `None` without rounds.
    pub final_ami: Option<f64>,
}

impl BatchWriter {
    /// Stages the folder that will become `dir` and starts the tables of `layout`
    /// (headers written).
    pub fn create(dir: &Path, layout: &Layout) -> Result<BatchWriter, OutputError> {
        let staged = publish::stage(dir)?;
        let mut files = Vec::new();
        for t in layout.tables() {
            let path = dir.join(t.name);
            let mut header = csvfile::Rows::new(path.clone(), t.header.len());
            header.header(t.header)?;
            let mut f = TableFile {
                name: t.name,
                file: AtomicFile::create(&staged.path().join(t.name))?,
                path,
                hash: Sha256::new(),
                rows: 0,
            };
            f.append(header.bytes())?;
            files.push(f);
        }
        Ok(BatchWriter {
            files,
            staged,
            runs: 0,
            ami_sum: 0.0,
            ami_runs: 0,
        })
    }

    /// Appends the next run's rows (the caller keeps run order).
    pub fn push(&mut self, run: RunRows) -> Result<(), OutputError> {
        debug_assert_eq!(run.tables.len(), self.files.len(), "rows of another layout");
        for (f, rows) in self.files.iter_mut().zip(&run.tables) {
            f.append(rows.bytes())?;
            f.rows += rows.rows();
        }
        self.runs += 1;
        if let Some(ami) = run.final_ami {
            self.ami_sum += ami;
            self.ami_runs += 1;
        }
        Ok(())
    }

    /// Commits the tables, writes the resolved scenario and the manifest, and swaps
    /// the folder in.
    pub fn finish(self, batch: &Batch<'_>) -> Result<Written, OutputError> {
        let BatchWriter {
            files,
            staged,
            runs,
            ami_sum,
            ami_runs,
        } = self;
        let dir = staged.path();
        let mut infos = Vec::with_capacity(files.len());
        let mut sums = Vec::with_capacity(files.len());
        for f in files {
            f.file.commit()?;
            infos.push(FileInfo {
                name: f.name.to_string(),
                rows: f.rows,
            });
            sums.push((f.name.to_string(), hex(&f.hash.finalize())));
        }
        write_resolved(dir, batch.resolved)?;
        let mut manifest = Manifest::new(batch, infos, batch.started.elapsed().as_secs_f64());
        manifest.sha256.extend(sums);
        manifest.timing.wall_seconds = batch.started.elapsed().as_secs_f64();
        manifest.write(dir)?;
        staged.publish()?;
        Ok(Written {
            manifest,
            runs,
            final_ami: (ami_runs > 0).then(|| ami_sum / ami_runs as f64),
        })
    }
}

/// Lower-case hex, as [`vouch::sha256_file`] writes a digest.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the resolved scenario to `dir/scenario.resolved.toml`, atomically.
fn write_resolved(dir: &Path, text: &str) -> Result<(), OutputError> {
    let path = dir.join(RESOLVED);
    atomic::write(&path, text.as_bytes())
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
    use super::testdata::{listing, result, scenario};
    use super::*;
    use crate::model::Scenario;
    use std::fs;
    use std::time::Instant;

    fn batch<'a>(sc: &'a Scenario, runs: &'a [u64], tables: Tables) -> Batch<'a> {
        Batch {
            scenario: sc,
            scenario_path: Path::new("scenarios/tiny.toml"),
            scenario_bytes: b"name = \"tiny\"\n",
            resolved: "name = \"tiny\"\n",
            overrides: &[],
            until: None,
            runs,
            threads: 2,
            tables,
            started: Instant::now(),
        }
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
            votes_on: None,
        };
        let m = write_batch(&out, &batch(&sc, &[0, 1], all), &results).unwrap();
        let mut expect: Vec<String> = [
            ROUNDS, VENUES, RULES, DECISIONS, ADMISSIONS, ELECTIONS, CHOICES, VOTES, ATTENTION,
            RESOLVED, MANIFEST,
        ]
        .map(String::from)
        .to_vec();
        expect.sort();
        assert_eq!(listing(&out), expect);
        assert_eq!(m.files.len(), 9);
        // Hashed while written: the digests of the files as they are on disk.
        for f in &m.files {
            let on_disk = vouch::sha256_file(&out.join(&f.name)).unwrap();
            assert_eq!(m.sha256[&f.name], on_disk, "{}", f.name);
        }
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
            votes_on: None,
        };
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        write_batch(a.path(), &batch(&sc, &[0, 1], all.clone()), &results).unwrap();
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
                    votes_on: None,
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
        // The batch is written beside the folder and swapped in only when complete:
        // the folder is as it was (empty), and no staging folder or temp file is left.
        assert_eq!(listing(dir.path()), Vec::<String>::new());
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
