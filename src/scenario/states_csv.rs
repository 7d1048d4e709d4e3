//! The CSV state table a scenario may name with `states_csv`: one state per row.
//!
//! Columns `id,name,regime,power,competence,ict` are required; `tags`, `blocs`
//! (lists separated by `;`), `ideal_m,ideal_s` (both or neither) and `salience` are
//! optional, and an empty cell in an optional column means "not given". Any other
//! column is an error, so a misspelt header never silently drops data. Errors name
//! the CSV file, the line and the column.

use std::path::{Path, PathBuf};

use super::error::{ScenarioError, TextError, all_of, did_you_mean, read_text, sanitize};
use crate::model::Pos;

const REQUIRED: [&str; 6] = ["id", "name", "regime", "power", "competence", "ict"];
const OPTIONAL: [&str; 5] = ["tags", "blocs", "ideal_m", "ideal_s", "salience"];

/// One row, with values checked for range; names (tags, blocs) are resolved later.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvState {
    /// 1-based line in the CSV file, for later errors about this row.
    pub line: usize,
    pub id: String,
    pub name: String,
    pub regime: f64,
    pub power: f64,
    pub competence: f64,
    pub ict: f64,
    pub tags: Vec<String>,
    pub blocs: Vec<String>,
    pub ideal: Option<Pos>,
    pub salience: Option<f64>,
}

/// An error at `line` of the CSV file `file`. What it quotes of the file is cut to a
/// short excerpt ([`sanitize`]): the file may not be a table at all.
pub fn csv_error(file: &Path, line: usize, message: impl Into<String>) -> ScenarioError {
    ScenarioError::At {
        file: file.to_path_buf(),
        line,
        col: None,
        message: sanitize(&message.into()),
    }
}

/// Reads a CSV input file (a state table, a vote or category file). Read failures are
/// returned as the `Err(String)` of the outer result so the caller can point at the
/// key that names the file; text that is not UTF-8 is an error at its line.
pub fn read_csv_text(file: &Path) -> Result<Result<String, ScenarioError>, String> {
    match read_text(file) {
        Ok(text) => Ok(Ok(text)),
        Err(TextError::Io(m)) => Err(m),
        Err(TextError::Utf8 { line, message, .. }) => Ok(Err(csv_error(file, line, message))),
    }
}

/// Reads the state table at `file`. Read failures are returned as the `Err(String)`
/// of the outer result so the caller can point at the `states_csv` key instead.
pub fn read(file: &Path) -> Result<Result<Vec<CsvState>, ScenarioError>, String> {
    Ok(read_csv_text(file)?.and_then(|text| parse(&text, file)))
}

/// Parses the text of a state table; `file` is used in messages.
pub fn parse(text: &str, file: &Path) -> Result<Vec<CsvState>, ScenarioError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| from_csv(file, &e))?.clone();
    let mut col = std::collections::HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if !REQUIRED.contains(&h) && !OPTIONAL.contains(&h) {
            let known = REQUIRED.iter().chain(OPTIONAL.iter()).copied();
            let hint = did_you_mean(h, known);
            return Err(csv_error(
                file,
                1,
                format!("unknown column `{h}` (column {}){hint}", i + 1),
            ));
        }
        if col.insert(h.to_string(), i).is_some() {
            return Err(csv_error(file, 1, format!("column `{h}` appears twice")));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !col.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(csv_error(
            file,
            1,
            format!(
                "missing column {}; a state table needs {}",
                all_of(&missing),
                all_of(&REQUIRED)
            ),
        ));
    }
    if col.contains_key("ideal_m") != col.contains_key("ideal_s") {
        return Err(csv_error(
            file,
            1,
            "columns `ideal_m` and `ideal_s` come together: give both or neither",
        ));
    }

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| from_csv(file, &e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |name: &str| col.get(name).and_then(|&i| record.get(i)).unwrap_or("");
        let row = Row {
            file,
            line,
            col: &col,
        };
        let number =
            |name: &str, admits: fn(f64) -> bool, range: &str| -> Result<f64, ScenarioError> {
                let text = cell(name);
                let x: f64 = text
                    .parse()
                    .map_err(|_| row.error(name, format!("expected a number, got `{text}`")))?;
                if admits(x) {
                    Ok(x)
                } else {
                    Err(row.error(name, format!("must be {range}, got {x}")))
                }
            };
        let optional = |name: &str,
                        admits: fn(f64) -> bool,
                        range: &str|
         -> Result<Option<f64>, ScenarioError> {
            if cell(name).is_empty() {
                Ok(None)
            } else {
                number(name, admits, range).map(Some)
            }
        };
        let id = cell("id").to_string();
        if id.is_empty() {
            return Err(row.error("id", "empty: every state needs an id"));
        }
        let name = match cell("name") {
            "" => id.clone(),
            n => n.to_string(),
        };
        let list = |name: &str| -> Vec<String> {
            cell(name)
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let ideal = match (
            optional("ideal_m", unit, "in [0, 1]")?,
            optional("ideal_s", unit, "in [0, 1]")?,
        ) {
            (Some(m), Some(s)) => Some(Pos::new(m, s)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(row.error(
                    "ideal_s",
                    "empty, but `ideal_m` is given: give both or neither",
                ));
            }
            (None, Some(_)) => {
                return Err(row.error(
                    "ideal_m",
                    "empty, but `ideal_s` is given: give both or neither",
                ));
            }
        };
        rows.push(CsvState {
            line,
            regime: number("regime", unit, "in [0, 1]")?,
            power: number("power", positive, "positive")?,
            competence: number("competence", unit, "in [0, 1]")?,
            ict: number("ict", unit, "in [0, 1]")?,
            tags: list("tags"),
            blocs: list("blocs"),
            ideal,
            salience: optional("salience", salience, "in (0, 1]")?,
            id,
            name,
        });
    }
    Ok(rows)
}

fn unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}
fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}
fn salience(x: f64) -> bool {
    x > 0.0 && x <= 1.0
}

/// Where a cell is, for messages: `states.csv:4: column 3 (power): …`.
struct Row<'r> {
    file: &'r Path,
    line: usize,
    col: &'r std::collections::HashMap<String, usize>,
}

impl Row<'_> {
    fn error(&self, column: &str, message: impl std::fmt::Display) -> ScenarioError {
        let n = self.col.get(column).map_or(0, |i| i + 1);
        csv_error(
            self.file,
            self.line,
            format!("column {n} (`{column}`): {message}"),
        )
    }
}

fn from_csv(file: &Path, e: &csv::Error) -> ScenarioError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8".to_string(),
        // The csv crate's other messages name positions, not contents.
        _ => e.to_string(),
    };
    csv_error(file, line, message)
}

/// `base_dir/rel`, the way `states_csv` paths are resolved (relative to the scenario).
pub fn resolve(base_dir: &Path, rel: &str) -> PathBuf {
    base_dir.join(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Vec<CsvState>, String> {
        parse(text, Path::new("s.csv")).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_required_and_optional_columns() {
        let rows = p(
            "id,name,regime,power,competence,ict,blocs,ideal_m,ideal_s\n\
                      A, Aland ,0.8,2,0.5,0.9,eu; weog,0.1,0.2\n\
                      B,,0.1,1,0.5,0.4,,,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "Aland");
        assert_eq!(rows[0].blocs, ["eu", "weog"]);
        assert_eq!(rows[0].ideal, Some(Pos::new(0.1, 0.2)));
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].name, "B");
        assert!(rows[1].blocs.is_empty() && rows[1].ideal.is_none());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = p("id,name,regime,power,competence,ict\nA,A,0.5,x,0.5,0.5\n").unwrap_err();
        assert_eq!(e, "s.csv:2: column 4 (`power`): expected a number, got `x`");
        let e = p("id,name,regime,power,competence,ict\nA,A,0.5,-1,0.5,0.5\n").unwrap_err();
        assert!(e.contains("must be positive, got -1"), "{e}");
        let e = p("id,name,regime,competence,ict\n").unwrap_err();
        assert!(e.starts_with("s.csv:1: missing column `power`"), "{e}");
        let e = p("id,name,regime,power,competence,ict,salince\n").unwrap_err();
        assert!(e.contains("did you mean `salience`?"), "{e}");
        let e = p("id,name,regime,power,competence,ict\nA,A,0.5,1\n").unwrap_err();
        assert!(e.starts_with("s.csv:2: this row has 4 fields"), "{e}");
    }
}
