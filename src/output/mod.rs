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
    ADMISSIONS, ATTENTION, CHOICES, DECISIONS, ELECTIONS, ROUNDS, RULES, VENUES, VOTES,
};

use crate::engine::RunResult;
use std::io;
use std::path::Path;

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
/// complete ([`publish`]). Returns the manifest written.
pub fn write_batch(
    dir: &Path,
    batch: &Batch<'_>,
    results: &[RunResult],
) -> Result<Manifest, OutputError> {
    let staged = publish::stage(dir)?;
    let manifest = write_tables(staged.path(), batch, results)?;
    staged.publish()?;
    Ok(manifest)
}

/// [`write_batch`]'s files, written into the (new, empty) folder `dir`.
fn write_tables(
    dir: &Path,
    batch: &Batch<'_>,
    results: &[RunResult],
) -> Result<Manifest, OutputError> {
    let year = batch.scenario.start_year;
    let mut files = vec![
        tables::write_rounds(dir, year, results)?,
        tables::write_venues(dir, year, results)?,
        tables::write_rules(dir, year, results)?,
        tables::write_decisions(dir, year, results)?,
        tables::write_admissions(dir, year, results)?,
        tables::write_elections(dir, year, results)?,
        tables::write_choices(dir, year, results)?,
    ];
    // The folder is new: an optional table of an earlier batch is not carried over
    // (the old manifest lists it), so it cannot pass for this batch's.
    if batch.tables.votes {
        let on = batch.tables.votes_on.as_ref();
        files.push(tables::write_votes(dir, year, results, on)?);
    }
    if batch.tables.states {
        files.push(tables::write_attention(dir, year, results)?);
    }
    write_resolved(dir, batch.resolved)?;
    let mut manifest = Manifest::new(batch, files, batch.started.elapsed().as_secs_f64());
    for f in &manifest.files {
        let path = dir.join(&f.name);
        let sum =
            vouch::sha256_file(&path).map_err(|source| OutputError::Write { path, source })?;
        manifest.sha256.insert(f.name.clone(), sum);
    }
    manifest.timing.wall_seconds = batch.started.elapsed().as_secs_f64();
    manifest.write(dir)?;
    Ok(manifest)
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
