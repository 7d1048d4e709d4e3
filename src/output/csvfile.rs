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
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Rows of one CSV table formatted into memory, in the text [`CsvFile`] writes (and
/// the `csv` crate wrote before: quotes only around a field with a comma, a quote or a
/// line break, quotes doubled inside). A batch's workers format each run's rows into
/// one of these, so that formatting runs in parallel and the file writer only copies
/// bytes (issue #17 item 1); `tests` pins the text against the `csv` crate's.
#[derive(Debug)]
pub(crate) struct Rows {
    buf: Vec<u8>,
    /// The table's file, for the error of a row of the wrong width.
    path: PathBuf,
    /// Fields per row (the header's).
    width: usize,
    /// Fields of the row being written.
    fields: usize,
    /// Where the row being written starts in `buf`.
    row_start: usize,
    rows: u64,
}

impl Rows {
    /// An empty buffer for rows of `width` fields of the table at `path`.
    pub(crate) fn new(path: PathBuf, width: usize) -> Self {
        Rows {
            buf: Vec::new(),
            path,
            width,
            fields: 0,
            row_start: 0,
            rows: 0,
        }
    }

    /// The formatted rows.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Rows ended so far.
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// Forgets the rows (keeps the allocation).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.fields = 0;
        self.row_start = 0;
        self.rows = 0;
    }

    fn sep(&mut self) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.sep();
        let b = s.as_bytes();
        if b.iter().any(|&c| matches!(c, b',' | b'"' | b'\r' | b'\n')) {
            self.buf.push(b'"');
            for &c in b {
                if c == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(c);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(b);
        }
    }

    /// Integers through `itoa`: the same digits as `{}`, without `core::fmt`.
    pub(crate) fn uint(&mut self, v: u64) {
        self.sep();
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    pub(crate) fn int(&mut self, v: i64) {
        self.sep();
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    /// Shortest round-trip decimal; NaN → empty (missing). Infinities are written as
    /// `inf`/`-inf`, which both pandas and readr parse.
    pub(crate) fn float(&mut self, v: f64) {
        self.sep();
        if !v.is_nan() {
            // Still `{}`, not `ryu`: besides its layout (`1e-7`, `1.0`), ryu breaks a
            // tie between two shortest digit strings to even where `{}` rounds half
            // up (2^-25 is `…312` in ryu, `…313` here), and the tables' text is fixed.
            // Writing into a Vec cannot fail.
            let _ = write!(self.buf, "{v}");
        }
    }

    pub(crate) fn boolean(&mut self, v: bool) {
        self.sep();
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }

    /// The four leading columns of every table: run, seed, round, year.
    pub(crate) fn lead(&mut self, run: u64, seed: u64, round: u32, start_year: i32) {
        self.uint(run);
        self.uint(seed);
        self.uint(round.into());
        // In i64 so that no scenario year can overflow.
        self.int(i64::from(start_year) + i64::from(round));
    }

    /// Ends the current row; a row of another width than the header's is an error
    /// (a bug in a writer) and is taken back.
    pub(crate) fn end(&mut self) -> Result<(), OutputError> {
        if self.fields != self.width {
            let got = self.fields;
            self.buf.truncate(self.row_start);
            self.fields = 0;
            return Err(OutputError::Write {
                path: self.path.clone(),
                source: std::io::Error::other(format!(
                    "found a row with {got} fields, but the header has {}",
                    self.width
                )),
            });
        }
        // A row of one empty field would be a blank line, which readers skip.
        if self.width == 1 && self.buf.len() == self.row_start {
            self.buf.extend_from_slice(b"\"\"");
        }
        self.buf.push(b'\n');
        self.fields = 0;
        self.row_start = self.buf.len();
        self.rows += 1;
        Ok(())
    }

    /// Writes `header` as a row (not counted in [`Rows::rows`]).
    pub(crate) fn header(&mut self, header: &[&str]) -> Result<(), OutputError> {
        for h in header {
            self.str(h);
        }
        self.end()?;
        self.rows -= 1;
        Ok(())
    }
}

/// A CSV file under construction; becomes visible on [`CsvFile::finish`].
pub(crate) struct CsvFile {
    name: &'static str,
    file: AtomicFile,
    /// The row being written (flushed to the file at each row's end).
    row: Rows,
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
        let mut t = CsvFile {
            name,
            file,
            row: Rows::new(path, header.len()),
        };
        t.row.header(header)?;
        t.flush_row()?;
        Ok(t)
    }

    fn flush_row(&mut self) -> Result<(), OutputError> {
        let rows = self.row.rows;
        self.file
            .write_all(self.row.bytes())
            .map_err(|source| OutputError::Write {
                path: self.row.path.clone(),
                source,
            })?;
        self.row.clear();
        self.row.rows = rows;
        Ok(())
    }

    pub(crate) fn str(&mut self, s: &str) -> Result<(), OutputError> {
        self.row.str(s);
        Ok(())
    }

    pub(crate) fn uint(&mut self, v: u64) -> Result<(), OutputError> {
        self.row.uint(v);
        Ok(())
    }

    pub(crate) fn int(&mut self, v: i64) -> Result<(), OutputError> {
        self.row.int(v);
        Ok(())
    }

    /// [`Rows::float`].
    pub(crate) fn float(&mut self, v: f64) -> Result<(), OutputError> {
        self.row.float(v);
        Ok(())
    }

    /// Ends the current row.
    pub(crate) fn end(&mut self) -> Result<(), OutputError> {
        self.row.end()?;
        self.flush_row()
    }

    /// Flushes and atomically renames the file into place.
    pub(crate) fn finish(self) -> Result<FileInfo, OutputError> {
        let CsvFile { name, file, row } = self;
        file.commit()?;
        Ok(FileInfo {
            name: name.to_string(),
            rows: row.rows,
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
            t.row.boolean(false);
            Ok(())
        });
        assert_eq!(s, "a,b,c\nUSA:139;RUS:25,\"a,b\",false\n");
    }

    #[test]
    fn lead_writes_run_seed_round_and_year() {
        let s = one_row(&["run", "seed", "round", "year", "x"], |t| {
            t.row.lead(3, 42, 2, 1998);
            t.str("x")
        });
        assert_eq!(s, "run,seed,round,year,x\n3,42,2,2000,x\n");
    }

    /// The text the `csv` crate's default writer gave (what every table was written
    /// with before the rows were formatted by hand): the tables' bytes must not change.
    #[test]
    fn rows_are_the_text_the_csv_crate_writes() {
        let fields = [
            "",
            "plain",
            "a,b",
            "say \"no\"",
            "line\nbreak",
            "cr\r",
            "\"",
            ",",
            " x ",
            "#c",
            "é;ü",
            "'q'",
        ];
        let mut rows = Rows::new(PathBuf::from("t.csv"), fields.len());
        let mut w = csv::Writer::from_writer(Vec::new());
        for _ in 0..2 {
            for f in fields {
                rows.str(f);
            }
            rows.end().unwrap();
            w.write_record(fields).unwrap();
        }
        // One empty field alone on a row: the crate quotes it.
        let mut one = Rows::new(PathBuf::from("t.csv"), 1);
        one.str("");
        one.end().unwrap();
        let mut w1 = csv::Writer::from_writer(Vec::new());
        w1.write_record([""]).unwrap();
        assert_eq!(rows.bytes(), w.into_inner().unwrap().as_slice());
        assert_eq!(one.bytes(), w1.into_inner().unwrap().as_slice());
        assert_eq!(rows.rows(), 2);
    }

    #[test]
    fn numbers_are_the_text_of_display() {
        let ints = [0, 1, 9, 10, 99, 1998, u64::from(u32::MAX), u64::MAX];
        let floats = [
            0.0,
            -0.0,
            1.0,
            0.1,
            1e-7,
            1.5e-300,
            1e21,
            123456789.125,
            -2.5,
            // A tie between two shortest digit strings: `{}` rounds it half up.
            2f64.powi(-25),
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            5e-324,
        ];
        let mut rows = Rows::new(PathBuf::from("t.csv"), ints.len() + 1 + floats.len());
        let mut want = Vec::new();
        for i in ints {
            rows.uint(i);
            want.push(i.to_string());
        }
        rows.int(i64::MIN);
        want.push(i64::MIN.to_string());
        for x in floats {
            rows.float(x);
            want.push(x.to_string());
        }
        rows.end().unwrap();
        assert_eq!(
            String::from_utf8(rows.bytes().to_vec()).unwrap(),
            want.join(",") + "\n"
        );
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
