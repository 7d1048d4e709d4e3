//! Reads the columns the charts need from a run folder's CSV tables, by header name.
//!
//! Only named columns are parsed, so tables may gain columns (or reorder them) without
//! breaking the plots. A missing file, a missing column or an unparsable cell is a
//! [`PlotError`] naming the file (and line), never a panic: the folder is user input.

use super::error::PlotError;
use crate::output::{DECISIONS, MANIFEST, ROUNDS, RULES, VENUES};
use std::fs::File;
use std::path::{Path, PathBuf};

/// One row of `rounds.csv`, as plotted.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRow {
    pub run: u64,
    pub year: i32,
    pub ami: f64,
    pub fragmentation: f64,
}

/// One row of `venues.csv`, as plotted.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueRow {
    pub run: u64,
    pub year: i32,
    pub venue: String,
    pub members: f64,
}

/// One row of `rules.csv`, as plotted.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRow {
    pub run: u64,
    pub year: i32,
    pub venue: String,
    pub kind: String,
    /// Modality: 0 multistakeholder .. 1 state-centric.
    pub m: f64,
    /// Scope: 0 technical .. 1 information security.
    pub s: f64,
}

/// A vote on a proposal (`decisions.csv` rows with `what == proposal`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalVote {
    pub run: u64,
    pub venue: String,
    pub adopted: bool,
}

/// Everything the charts draw, read from one run folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunData {
    /// For titles: the scenario name (from the manifest, else the folder name).
    pub scenario: String,
    /// The master seed, when the manifest says.
    pub seed: Option<u64>,
    /// Distinct run indices in `rounds.csv`, ascending.
    pub runs: Vec<u64>,
    pub rounds: Vec<RoundRow>,
    pub venues: Vec<VenueRow>,
    pub rules: Vec<RuleRow>,
    pub proposals: Vec<ProposalVote>,
}

/// Reads the four tables (and, if present, the manifest) of a `forumsim run` folder.
pub fn load(dir: &Path) -> Result<RunData, PlotError> {
    let mut d = RunData::default();
    read(dir, ROUNDS, &["run", "year", "ami", "fragmentation"], |c| {
        d.rounds.push(RoundRow {
            run: c.parse(0)?,
            year: c.parse(1)?,
            ami: c.num(2)?,
            fragmentation: c.num(3)?,
        });
        Ok(())
    })?;
    read(dir, VENUES, &["run", "year", "venue", "members"], |c| {
        d.venues.push(VenueRow {
            run: c.parse(0)?,
            year: c.parse(1)?,
            venue: c.text(2).to_string(),
            members: c.num(3)?,
        });
        Ok(())
    })?;
    read(
        dir,
        RULES,
        &["run", "year", "venue", "kind", "rule_m", "rule_s"],
        |c| {
            d.rules.push(RuleRow {
                run: c.parse(0)?,
                year: c.parse(1)?,
                venue: c.text(2).to_string(),
                kind: c.text(3).to_string(),
                m: c.num(4)?,
                s: c.num(5)?,
            });
            Ok(())
        },
    )?;
    read(dir, DECISIONS, &["run", "venue", "what", "adopted"], |c| {
        if c.text(2) == "proposal" {
            d.proposals.push(ProposalVote {
                run: c.parse(0)?,
                venue: c.text(1).to_string(),
                adopted: c.parse(3)?,
            });
        }
        Ok(())
    })?;
    for (name, empty) in [
        (ROUNDS, d.rounds.is_empty()),
        (VENUES, d.venues.is_empty()),
        (RULES, d.rules.is_empty()),
    ] {
        if empty {
            return Err(PlotError::Parse {
                path: dir.join(name),
                line: 2,
                msg: "no data rows; nothing to plot".into(),
            });
        }
    }
    d.runs = d.rounds.iter().map(|r| r.run).collect();
    d.runs.sort_unstable();
    d.runs.dedup();
    (d.scenario, d.seed) = describe(dir);
    Ok(d)
}

/// Scenario name and seed from `manifest.json`; the folder name when there is none.
/// Only titles use them, so an unreadable manifest is not an error.
pub(crate) fn describe(dir: &Path) -> (String, Option<u64>) {
    let manifest = manifest(dir);
    let name = manifest
        .as_ref()
        .and_then(|m| m["scenario"]["name"].as_str().map(str::to_string));
    let seed = manifest.as_ref().and_then(|m| m["seed"].as_u64());
    let folder = || {
        dir.canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| dir.display().to_string())
    };
    (name.unwrap_or_else(folder), seed)
}

/// `manifest.json` of `dir`, when it can be read and parsed.
pub(crate) fn manifest(dir: &Path) -> Option<serde_json::Value> {
    std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// The number of runs a folder's manifest records, when it can be read.
pub(crate) fn manifest_runs(dir: &Path) -> Option<usize> {
    manifest(dir).and_then(|m| {
        let r = &m["runs"];
        r["count"]
            .as_u64()
            .map(|n| n as usize)
            .or_else(|| r.as_array().map(Vec::len))
    })
}

/// The requested cells of one record, in the order the columns were asked for.
pub(crate) struct Cells<'a> {
    record: &'a csv::StringRecord,
    cols: &'a [usize],
    names: &'a [&'a str],
}

impl Cells<'_> {
    pub(crate) fn text(&self, i: usize) -> &str {
        self.record.get(self.cols[i]).unwrap_or("")
    }

    /// A float; empty is NaN (how the tables write an undefined value).
    pub(crate) fn num(&self, i: usize) -> Result<f64, String> {
        if self.text(i).trim().is_empty() {
            Ok(f64::NAN)
        } else {
            self.parse(i)
        }
    }

    pub(crate) fn parse<T: std::str::FromStr>(&self, i: usize) -> Result<T, String> {
        let s = self.text(i);
        s.trim()
            .parse()
            .map_err(|_| format!("column `{}`: cannot read {s:?}", self.names[i]))
    }
}

/// Calls `row` with the named columns of every data row of `dir/name`.
pub(crate) fn read(
    dir: &Path,
    name: &str,
    names: &[&str],
    mut row: impl FnMut(&Cells<'_>) -> Result<(), String>,
) -> Result<(), PlotError> {
    let path = dir.join(name);
    let file = File::open(&path).map_err(|source| PlotError::Read {
        path: path.clone(),
        source,
    })?;
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(file);
    let bad = |path: &PathBuf, line: u64, msg: String| PlotError::Parse {
        path: path.clone(),
        line,
        msg,
    };
    let header = rdr
        .headers()
        .map_err(|e| bad(&path, 1, e.to_string()))?
        .clone();
    let cols = names
        .iter()
        .map(|n| {
            header.iter().position(|h| h == *n).ok_or_else(|| {
                bad(
                    &path,
                    1,
                    format!("no column `{n}` (is this a `forumsim run` output folder?)"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                let cells = Cells {
                    record: &record,
                    cols: &cols,
                    names,
                };
                row(&cells).map_err(|msg| bad(&path, line, msg))?;
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(bad(&path, line, e.to_string()));
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    /// A tiny, valid run folder: 2 runs x 3 years, two venues, one created in run 1.
    pub(crate) fn write_folder(dir: &Path) {
        let mut rounds = String::from("run,seed,round,year,ami,fragmentation,extra\n");
        let mut venues = String::from("run,seed,round,year,venue,members\n");
        let mut rules = String::from("run,round,year,venue,kind,rule_m,rule_s\n");
        for run in 0..2u32 {
            for round in 0..3u32 {
                let year = 2000 + round;
                let x = f64::from(run * 3 + round) / 10.0;
                rounds.push_str(&format!("{run},1,{round},{year},{x},{},z\n", 1.0 - x));
                venues.push_str(&format!("{run},1,{round},{year},unga,{}\n", 100 + round));
                rules.push_str(&format!("{run},{round},{year},unga,norms,{x},0.5\n"));
                rules.push_str(&format!("{run},{round},{year},itu,standards,0.5,{x}\n"));
                if run == 1 {
                    venues.push_str(&format!("{run},1,{round},{year},new-club,{}\n", 5));
                }
            }
        }
        fs::write(dir.join(ROUNDS), rounds).unwrap();
        fs::write(dir.join(VENUES), venues).unwrap();
        fs::write(dir.join(RULES), rules).unwrap();
        fs::write(
            dir.join(DECISIONS),
            "run,venue,what,adopted\n0,unga,proposal,true\n0,unga,proposal,false\n\
             1,unga,proposal,true\n1,itu,admission,false\n",
        )
        .unwrap();
    }

    #[test]
    fn reads_only_the_named_columns_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        let d = load(dir.path()).unwrap();
        assert_eq!(d.runs, vec![0, 1]);
        assert_eq!(d.rounds.len(), 6);
        assert_eq!(d.rounds[4].year, 2001);
        assert_eq!(d.venues.len(), 9);
        assert_eq!(d.rules.len(), 12);
        assert_eq!(d.proposals.len(), 3, "admissions are not proposals");
        assert!(!d.scenario.is_empty());
    }

    #[test]
    fn a_missing_file_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(dir.path()).unwrap_err();
        assert!(matches!(err, PlotError::Read { .. }));
        assert!(err.to_string().contains("rounds.csv"), "{err}");
    }

    #[test]
    fn a_garbled_cell_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        fs::write(
            dir.path().join(VENUES),
            "run,year,venue,members\n0,2000,unga,3\n0,2001,unga,many\n",
        )
        .unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("venues.csv:3:") && err.contains("members"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_column_or_no_rows_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        fs::write(dir.path().join(RULES), "run,year,venue,kind,rule_m\n").unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("rules.csv:1:") && err.contains("rule_s"),
            "{err}"
        );
        fs::write(
            dir.path().join(RULES),
            "run,year,venue,kind,rule_m,rule_s\n",
        )
        .unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("rules.csv") && err.contains("no data rows"),
            "{err}"
        );
    }
}
