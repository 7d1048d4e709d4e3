//! One CSV table being written: typed fields in the project's fixed text format.
//!
//! The format is chosen so that `pandas.read_csv` and `readr::read_csv` load every
//! table without options and so that identical runs give identical bytes:
//! floats use Rust's shortest round-trip `{}` formatting (never locale- or
//! precision-dependent), NaN is an empty field (read as missing by both), booleans
//! are `true`/`false`, and quoting happens only where CSV requires it.

use super::atomic::AtomicFile;
use super::folder::{FileInfo, OutputError};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A CSV file under construction; becomes visible on [`CsvFile::finish`].
pub(crate) struct CsvFile {
    name: &'static str,
    path: PathBuf,
    w: csv::Writer<AtomicFile>,
    rows: u64,
    /// Reused for number formatting so rows do not allocate.
    buf: String,
}

impl CsvFile {
    /// Starts `dir/name` and writes its header.
    pub(crate) fn create(
        dir: &Path,
        name: &'static str,
        header: &[&str],
    ) -> Result<Self, OutputError> {
        let path = dir.join(name);
        let file = AtomicFile::create(&path)?;
        let w = csv::WriterBuilder::new().from_writer(file);
        let mut t = CsvFile {
            name,
            path,
            w,
            rows: 0,
            buf: String::new(),
        };
        t.w.write_record(header).map_err(|e| t.fail(e))?;
        Ok(t)
    }

    /// The final path, for error messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn fail(&self, e: csv::Error) -> OutputError {
        OutputError::Write {
            path: self.path.clone(),
            source: e.into(),
        }
    }

    pub(crate) fn str(&mut self, s: &str) -> Result<(), OutputError> {
        self.w.write_field(s).map_err(|e| self.fail(e))
    }

    fn display(&mut self, v: impl std::fmt::Display) -> Result<(), OutputError> {
        self.buf.clear();
        // Writing into a String cannot fail.
        let _ = write!(self.buf, "{v}");
        self.w
            .write_field(self.buf.as_bytes())
            .map_err(|e| self.fail(e))
    }

    pub(crate) fn uint(&mut self, v: u64) -> Result<(), OutputError> {
        self.display(v)
    }

    pub(crate) fn int(&mut self, v: i64) -> Result<(), OutputError> {
        self.display(v)
    }

    /// Shortest round-trip decimal; NaN → empty (missing). Infinities are written as
    /// `inf`/`-inf`, which both pandas and readr parse.
    pub(crate) fn float(&mut self, v: f64) -> Result<(), OutputError> {
        self.buf.clear();
        write_number(&mut self.buf, v);
        self.w
            .write_field(self.buf.as_bytes())
            .map_err(|e| self.fail(e))
    }

    pub(crate) fn boolean(&mut self, v: bool) -> Result<(), OutputError> {
        self.str(if v { "true" } else { "false" })
    }

    /// The four leading columns of every table: run, seed, round, year.
    pub(crate) fn lead(
        &mut self,
        run: u64,
        seed: u64,
        round: u32,
        start_year: i32,
    ) -> Result<(), OutputError> {
        self.uint(run)?;
        self.uint(seed)?;
        self.uint(round.into())?;
        // In i64 so that no scenario year can overflow.
        self.int(i64::from(start_year) + i64::from(round))
    }

    /// Ends the current row.
    pub(crate) fn end(&mut self) -> Result<(), OutputError> {
        self.rows += 1;
        self.w.write_record(None::<&[u8]>).map_err(|e| self.fail(e))
    }

    /// Flushes and atomically renames the file into place.
    pub(crate) fn finish(self) -> Result<FileInfo, OutputError> {
        let CsvFile {
            name,
            path,
            w,
            rows,
            ..
        } = self;
        let file = w.into_inner().map_err(|e| OutputError::Write {
            path,
            source: e.into_error(),
        })?;
        file.commit()?;
        Ok(FileInfo {
            name: name.to_string(),
            rows,
        })
    }
}

/// A number as every forumsim CSV writes it: the shortest text that reads back to the
/// same `f64`, and an empty field for NaN (an undefined value), which pandas and R read
/// as missing. Run tables, sweep, summary and sensitivity tables all use this.
pub(crate) fn number(x: f64) -> String {
    let mut s = String::new();
    write_number(&mut s, x);
    s
}

/// Appends [`number`]`(x)` to `buf` (no allocation in the table writers' loop).
fn write_number(buf: &mut String, x: f64) {
    if !x.is_nan() {
        // Writing into a String cannot fail.
        let _ = write!(buf, "{x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_row(header: &[&str], f: impl FnOnce(&mut CsvFile) -> Result<(), OutputError>) -> String {
        let dir = tempfile::tempdir().unwrap();
        let mut t = CsvFile::create(dir.path(), "t.csv", header).unwrap();
        f(&mut t).unwrap();
        t.end().unwrap();
        let info = t.finish().unwrap();
        assert_eq!(info.rows, 1);
        std::fs::read_to_string(dir.path().join("t.csv")).unwrap()
    }

    #[test]
    fn floats_are_shortest_round_trip_and_nan_is_empty() {
        let s = one_row(&["a", "b", "c"], |t| {
            t.float(0.1 + 0.2)?;
            t.float(f64::NAN)?;
            t.float(1.0)
        });
        assert_eq!(s, "a,b,c\n0.30000000000000004,,1\n");
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let s = one_row(&["a", "b", "c"], |t| {
            t.str("USA:139;RUS:25")?;
            t.str("a,b")?;
            t.boolean(false)
        });
        assert_eq!(s, "a,b,c\nUSA:139;RUS:25,\"a,b\",false\n");
    }

    #[test]
    fn lead_writes_run_seed_round_and_year() {
        let s = one_row(&["run", "seed", "round", "year", "x"], |t| {
            t.lead(3, 42, 2, 1998)?;
            t.str("x")
        });
        assert_eq!(s, "run,seed,round,year,x\n3,42,2,2000,x\n");
    }

    #[test]
    fn a_row_of_the_wrong_width_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = CsvFile::create(dir.path(), "t.csv", &["a", "b"]).unwrap();
        t.str("only one").unwrap();
        assert!(t.end().is_err());
        drop(t);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
