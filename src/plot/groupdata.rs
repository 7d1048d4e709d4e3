//! Groups of states compared across the runs of a run folder: the numbers behind the
//! `groups` chart (`forumsim plot DIR --groups SK,SU`) and `plots/groups.csv`.
//!
//! A group is a state-id prefix (`SK` holds `SK1`, `SK2`, …): the tables name states
//! by id, and a `[[population]]` gives its states one `id_prefix`, so a prefix is the
//! one grouping every run folder can resolve without re-reading the scenario's tags.
//! A group's states are the ids of `attention.csv` and `votes.csv` that start with the
//! prefix; populations are drawn once per scenario, so they are the same in every run.
//!
//! Every measure is first computed per run (a count per state of the group, or a share
//! of the group's ballots), then summarised across runs: mean, sd and the t-based 95 %
//! confidence interval of the mean (`experiment::summary::describe`), in run order, so
//! the numbers do not depend on thread count or on the order of the groups.

use super::data::{describe, read};
use super::error::PlotError;
use crate::experiment::summary;
use crate::output::{ATTENTION, DECISIONS, RESOLVED, VOTES};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// File name of the numbers, beside the chart in `DIR/plots/`.
pub const CSV_NAME: &str = "groups.csv";

/// What the chart compares, one panel each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Rounds (years) a state holds a seat in an appointed venue (`attention.csv`).
    SeatYears,
    /// Reforms the state sponsored that were put to a vote (`decisions.csv`).
    ReformsTabled,
    /// … and adopted.
    ReformsPassed,
    /// Proposals the state sponsored that were put to a vote (`decisions.csv`).
    ProposalsTabled,
    /// … and adopted.
    ProposalsAdopted,
    /// Percentage of the group's ballots cast as `absent` (`votes.csv`).
    BallotsMissed,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::SeatYears,
        Measure::ReformsTabled,
        Measure::ReformsPassed,
        Measure::ProposalsTabled,
        Measure::ProposalsAdopted,
        Measure::BallotsMissed,
    ];

    /// The `measure` column of `groups.csv`.
    pub fn key(self) -> &'static str {
        match self {
            Measure::SeatYears => "seat_years",
            Measure::ReformsTabled => "reforms_tabled",
            Measure::ReformsPassed => "reforms_passed",
            Measure::ProposalsTabled => "proposals_tabled",
            Measure::ProposalsAdopted => "proposals_adopted",
            Measure::BallotsMissed => "ballots_missed_pct",
        }
    }

    /// Panel title.
    pub fn title(self) -> &'static str {
        match self {
            Measure::SeatYears => "years holding a seat",
            Measure::ReformsTabled => "reforms tabled",
            Measure::ReformsPassed => "reforms passed",
            Measure::ProposalsTabled => "proposals tabled",
            Measure::ProposalsAdopted => "proposals adopted",
            Measure::BallotsMissed => "ballots missed",
        }
    }

    /// Whether the values are percentages (the others are counts per state and run).
    pub fn percent(self) -> bool {
        self == Measure::BallotsMissed
    }
}

/// One group's summary of one measure across runs (NaN where undefined).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    /// Runs with a value (a run where the group cast no ballot has no absence share).
    pub runs: usize,
    pub mean: f64,
    pub sd: f64,
    /// 95 % confidence interval of the mean (t with runs − 1 degrees of freedom).
    pub lo: f64,
    pub hi: f64,
}

/// One measure for every group, in the groups' order.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureStats {
    pub measure: Measure,
    pub stats: Vec<Stat>,
}

impl MeasureStats {
    /// A measure that is zero (or undefined) for every group says nothing: the chart
    /// leaves it out and names it in a note.
    pub fn is_empty(&self) -> bool {
        self.stats.iter().all(|s| s.mean == 0.0 || s.mean.is_nan())
    }
}

/// Everything the `groups` chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupData {
    pub scenario: String,
    pub seed: Option<u64>,
    /// Runs of the folder (those with rows in `attention.csv` or `votes.csv`).
    pub runs: usize,
    /// The prefixes, as given.
    pub groups: Vec<String>,
    /// Number of states in each group.
    pub sizes: Vec<usize>,
    /// Venues whose seats [`Measure::SeatYears`] counts, by id.
    pub appointed: Vec<String>,
    /// One entry per [`Measure::ALL`], in that order.
    pub measures: Vec<MeasureStats>,
}

/// Splits `SK,SU` into prefixes: trimmed, non-empty, no duplicates.
pub fn parse_groups(s: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split(',') {
        let p = part.trim();
        if p.is_empty() {
            return Err("expected state-id prefixes separated by commas, e.g. SK,SU".into());
        }
        if out.iter().any(|o| o == p) {
            return Err(format!("group `{p}` is given twice"));
        }
        out.push(p.to_string());
    }
    Ok(out)
}

/// A needed file that is missing, with what to do about it.
fn missing(dir: &Path, name: &str, why: &str) -> PlotError {
    PlotError::Groups {
        path: dir.join(name),
        msg: format!("not found: {why}"),
    }
}

const RERUN: &str = "`plot --groups` needs the per-state tables; \
                     run the scenario again with `forumsim run SCENARIO --states --votes`";

/// Per-run counters of one group.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    seat_rounds: u64,
    reforms: u64,
    reforms_passed: u64,
    proposals: u64,
    proposals_adopted: u64,
    ballots: u64,
    absent: u64,
}

/// Reads a `forumsim run` folder made with `--states --votes` and summarises each
/// group of `groups` (state-id prefixes).
pub fn load(dir: &Path, groups: &[String]) -> Result<GroupData, PlotError> {
    for (name, why) in [(ATTENTION, RERUN), (VOTES, RERUN)] {
        if !dir.join(name).is_file() {
            return Err(missing(dir, name, why));
        }
    }
    // Absence rates need every ballot: a votes.csv cut by `--votes-on` would give
    // rates of the chosen decisions only, silently.
    if let Some(on) =
        super::data::manifest(dir).and_then(|m| m["tables"]["votes_on"].as_array().cloned())
    {
        let on: Vec<&str> = on.iter().filter_map(|v| v.as_str()).collect();
        return Err(PlotError::Groups {
            path: dir.join(VOTES),
            msg: format!(
                "holds only the votes on {} (`--votes-on`); `plot --groups` counts every \
                 ballot: run the scenario again with `forumsim run SCENARIO --states --votes`",
                on.join(",")
            ),
        });
    }
    let appointed = appointed_venues(dir)?;
    let is_appointed = |v: &str| {
        appointed.iter().any(|a| {
            v == a
                || v.strip_prefix(a.as_str())
                    .is_some_and(|r| r.starts_with('-'))
        })
    };
    let member_of = |state: &str| -> Vec<usize> {
        (0..groups.len())
            .filter(|&g| state.starts_with(groups[g].as_str()))
            .collect()
    };
    let mut states: BTreeSet<String> = BTreeSet::new();
    let mut counts: BTreeMap<(u64, usize), Counts> = BTreeMap::new();
    let mut runs: BTreeSet<u64> = BTreeSet::new();

    read(dir, ATTENTION, &["run", "state", "venue"], |c| {
        let run: u64 = c.parse(0)?;
        runs.insert(run);
        let state = c.text(1);
        if !states.contains(state) {
            states.insert(state.to_string());
        }
        if is_appointed(c.text(2)) {
            for g in member_of(state) {
                counts.entry((run, g)).or_default().seat_rounds += 1;
            }
        }
        Ok(())
    })?;
    read(dir, VOTES, &["run", "state", "vote"], |c| {
        let run: u64 = c.parse(0)?;
        runs.insert(run);
        let state = c.text(1);
        if !states.contains(state) {
            states.insert(state.to_string());
        }
        let absent = c.text(2) == "absent";
        for g in member_of(state) {
            let k = counts.entry((run, g)).or_default();
            k.ballots += 1;
            k.absent += u64::from(absent);
        }
        Ok(())
    })?;
    read(
        dir,
        DECISIONS,
        &["run", "what", "sponsor", "adopted"],
        |c| {
            let what = c.text(1);
            if what != "reform" && what != "proposal" {
                return Ok(());
            }
            let run: u64 = c.parse(0)?;
            let adopted: bool = c.parse(3)?;
            for g in member_of(c.text(2)) {
                let k = counts.entry((run, g)).or_default();
                if what == "reform" {
                    k.reforms += 1;
                    k.reforms_passed += u64::from(adopted);
                } else {
                    k.proposals += 1;
                    k.proposals_adopted += u64::from(adopted);
                }
            }
            Ok(())
        },
    )?;

    let sizes: Vec<usize> = groups
        .iter()
        .map(|g| states.iter().filter(|s| s.starts_with(g.as_str())).count())
        .collect();
    if let Some(g) = sizes.iter().position(|&n| n == 0) {
        return Err(PlotError::Groups {
            path: dir.join(ATTENTION),
            msg: format!(
                "group `{}` matches no state id (groups are state-id prefixes; this \
                 folder's ids start with {})",
                groups[g],
                id_prefixes(&states)
            ),
        });
    }

    let measures = Measure::ALL
        .iter()
        .map(|&measure| MeasureStats {
            measure,
            stats: (0..groups.len())
                .map(|g| {
                    let per_run: Vec<f64> = runs
                        .iter()
                        .map(|&r| value(measure, counts.get(&(r, g)), sizes[g]))
                        .collect();
                    stat(&per_run)
                })
                .collect(),
        })
        .collect();
    let (scenario, seed) = describe(dir);
    Ok(GroupData {
        scenario,
        seed,
        runs: runs.len(),
        groups: groups.to_vec(),
        sizes,
        appointed,
        measures,
    })
}

/// One run's value of `measure` for a group of `size` states (NaN: undefined).
fn value(measure: Measure, k: Option<&Counts>, size: usize) -> f64 {
    let k = k.copied().unwrap_or_default();
    let per_state = |n: u64| n as f64 / size as f64;
    match measure {
        Measure::SeatYears => per_state(k.seat_rounds),
        Measure::ReformsTabled => per_state(k.reforms),
        Measure::ReformsPassed => per_state(k.reforms_passed),
        Measure::ProposalsTabled => per_state(k.proposals),
        Measure::ProposalsAdopted => per_state(k.proposals_adopted),
        Measure::BallotsMissed if k.ballots == 0 => f64::NAN,
        Measure::BallotsMissed => 100.0 * k.absent as f64 / k.ballots as f64,
    }
}

fn stat(per_run: &[f64]) -> Stat {
    let d = summary::describe(per_run);
    Stat {
        runs: d[0] as usize,
        mean: d[1],
        sd: d[2],
        lo: d[8],
        hi: d[9],
    }
}

/// `GP, OW, SK, SU`: the distinct letter prefixes of the ids, for the error message.
fn id_prefixes(states: &BTreeSet<String>) -> String {
    let mut p: Vec<&str> = states
        .iter()
        .map(|s| s.trim_end_matches(|c: char| c.is_ascii_digit()))
        .collect();
    p.dedup();
    let more = p.len().saturating_sub(20);
    p.truncate(20);
    let mut s = p.join(", ");
    if more > 0 {
        s += &format!(" and {more} more");
    }
    s
}

/// Ids of the venues that are appointed at some point, from the folder's resolved
/// scenario copy: initial `[[venue]]`s, `new_venue` and `venue_change` events and
/// procedural proposals (`change`, and `create`: a created venue's id is the
/// proposal's `create.id`, possibly with a `-YEAR` suffix).
fn appointed_venues(dir: &Path) -> Result<Vec<String>, PlotError> {
    let path = dir.join(RESOLVED);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        missing(
            dir,
            RESOLVED,
            "`plot --groups` reads it to tell which venues are appointed \
             (`forumsim run` writes it beside the tables)",
        )
    })?;
    let doc: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| PlotError::Groups {
            path: path.clone(),
            msg: format!("cannot read: {}", e.message()),
        })?;
    let appointed = |t: &toml::Value| {
        t.get("membership")
            .and_then(|m| m.get("type"))
            .and_then(|k| k.as_str())
            == Some("appointed")
    };
    let id = |t: &toml::Value| t.get("id").and_then(|v| v.as_str()).map(str::to_string);
    let list = |key: &str| -> Vec<toml::Value> {
        doc.get(key)
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default()
    };
    let mut out: Vec<String> = Vec::new();
    for v in list("venue") {
        if appointed(&v) {
            out.extend(id(&v));
        }
    }
    for e in list("event") {
        match e.get("venue") {
            Some(v @ toml::Value::Table(_)) if appointed(v) => out.extend(id(v)),
            Some(toml::Value::String(v)) if appointed(&e) => out.push(v.clone()),
            _ => {}
        }
    }
    for p in list("proposal") {
        if let Some(c) = p.get("change").filter(|c| appointed(c)) {
            out.extend(c.get("venue").and_then(|v| v.as_str()).map(str::to_string));
        }
        if let Some(c) = p.get("create").filter(|c| appointed(c)) {
            out.extend(id(c));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// `groups.csv`: one row per measure and group, the figures the chart draws.
pub fn to_csv(d: &GroupData) -> String {
    use crate::output::csvfile::number;
    // The CSV writer quotes a group name that needs it; numbers follow the tables'
    // convention (NaN is an empty field).
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![
        [
            "measure", "group", "states", "runs", "mean", "sd", "ci95_lo", "ci95_hi",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for m in &d.measures {
        for (g, st) in m.stats.iter().enumerate() {
            rows.push(vec![
                m.measure.key().to_string(),
                d.groups[g].clone(),
                d.sizes[g].to_string(),
                st.runs.to_string(),
                number(st.mean),
                number(st.sd),
                number(st.lo),
                number(st.hi),
            ]);
        }
    }
    for r in &rows {
        // Writing into a Vec cannot fail.
        let _ = w.write_record(r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    /// A hand-made run folder: 2 runs; group A = A1, A2; group B = B1; plus X1.
    /// gge is appointed (a `[[venue]]`), club is appointed by a `venue_change` event.
    pub(crate) fn write_folder(dir: &Path) {
        fs::write(
            dir.join(RESOLVED),
            "name = \"hand\"\n\
             [[venue]]\nid = \"unga\"\nmembership = { type = \"open\" }\n\
             [[venue]]\nid = \"gge\"\nmembership = { type = \"appointed\", seats = 2 }\n\
             [[event]]\ntype = \"venue_change\"\nvenue = \"club\"\n\
             membership = { type = \"appointed\", seats = 1 }\n",
        )
        .unwrap();
        // Seat rounds: run 0: A1 gge x2, A2 club x1, B1 gge x1; run 1: A1 gge x1.
        // unga rows are not seats.
        fs::write(
            dir.join(ATTENTION),
            "run,seed,round,year,state,venue,attention\n\
             0,1,0,2000,A1,unga,0.5\n0,1,0,2000,A2,unga,0.5\n0,1,0,2000,B1,unga,0.5\n\
             0,1,0,2000,X1,unga,0.5\n\
             0,1,0,2000,A1,gge,0.5\n0,1,1,2001,A1,gge,0.5\n0,1,1,2001,A2,club,0.5\n\
             0,1,1,2001,B1,gge,0.5\n\
             1,1,0,2000,A1,unga,0.5\n1,1,0,2000,A1,gge,0.5\n",
        )
        .unwrap();
        // Run 0: A casts 4 ballots, 1 absent (25 %); B 2 ballots, 2 absent (100 %).
        // Run 1: A 2 ballots, 0 absent; B none (undefined).
        fs::write(
            dir.join(VOTES),
            "run,seed,round,year,decision,venue,proposal,state,vote\n\
             0,1,0,2000,0,unga,,A1,yes\n0,1,0,2000,0,unga,,A2,absent\n\
             0,1,0,2000,0,unga,,B1,absent\n0,1,0,2000,1,unga,,A1,no\n\
             0,1,0,2000,1,unga,,A2,yes\n0,1,0,2000,1,unga,,B1,absent\n\
             0,1,0,2000,1,unga,,X1,yes\n\
             1,1,0,2000,0,unga,,A1,yes\n1,1,0,2000,0,unga,,A2,abstain\n",
        )
        .unwrap();
        // Reforms: run 0: A1 2 (1 passed), B1 1 (passed); run 1: A2 1 (failed).
        // Proposals: run 1: A1 1 adopted. Admissions are neither.
        fs::write(
            dir.join(DECISIONS),
            "run,venue,what,sponsor,adopted\n\
             0,unga,reform,A1,true\n0,unga,reform,A1,false\n0,gge,reform,B1,true\n\
             0,unga,admission,A2,true\n\
             1,unga,reform,A2,false\n1,unga,proposal,A1,true\n",
        )
        .unwrap();
    }

    fn groups(s: &str) -> Vec<String> {
        parse_groups(s).unwrap()
    }

    fn mean(d: &GroupData, m: Measure, g: usize) -> f64 {
        d.measures.iter().find(|x| x.measure == m).unwrap().stats[g].mean
    }

    #[test]
    fn hand_computed_means_per_state_and_run() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        let d = load(dir.path(), &groups("A,B")).unwrap();
        assert_eq!(d.runs, 2);
        assert_eq!(d.sizes, vec![2, 1]);
        assert_eq!(d.appointed, vec!["club".to_string(), "gge".to_string()]);
        // A: run 0 (2 + 1) / 2 = 1.5, run 1 1 / 2 = 0.5 -> 1.0. B: (1 + 0) / 2 = 0.5.
        assert_eq!(mean(&d, Measure::SeatYears, 0), 1.0);
        assert_eq!(mean(&d, Measure::SeatYears, 1), 0.5);
        // A: run 0 2/2 = 1, run 1 1/2 = 0.5 -> 0.75; passed: 0.5, 0 -> 0.25.
        assert_eq!(mean(&d, Measure::ReformsTabled, 0), 0.75);
        assert_eq!(mean(&d, Measure::ReformsPassed, 0), 0.25);
        // B: 1, 0 -> 0.5 tabled and passed.
        assert_eq!(mean(&d, Measure::ReformsTabled, 1), 0.5);
        assert_eq!(mean(&d, Measure::ReformsPassed, 1), 0.5);
        // A: 0, 1/2 -> 0.25 proposals, all adopted.
        assert_eq!(mean(&d, Measure::ProposalsTabled, 0), 0.25);
        assert_eq!(mean(&d, Measure::ProposalsAdopted, 0), 0.25);
        // A: 25 %, 0 % -> 12.5 %; B: 100 % in run 0, no ballots in run 1.
        assert_eq!(mean(&d, Measure::BallotsMissed, 0), 12.5);
        let b = d.measures[5].stats[1];
        assert_eq!((b.runs, b.mean), (1, 100.0));
        assert!(b.lo.is_nan(), "one run: no interval");
        // A's seat years: values 1.5 and 0.5, sd = 0.7071, half = 12.706 * 0.5.
        let a = d.measures[0].stats[0];
        assert!((a.sd - 0.5_f64.sqrt()).abs() < 1e-12);
        assert!((a.hi - (1.0 + 12.706205 * 0.5)).abs() < 1e-9, "{a:?}");
        assert!((a.lo - (1.0 - 12.706205 * 0.5)).abs() < 1e-9, "{a:?}");
    }

    #[test]
    fn the_csv_has_a_row_per_measure_and_group() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        let d = load(dir.path(), &groups("A,B")).unwrap();
        let csv = to_csv(&d);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + 6 * 2);
        assert_eq!(
            lines[0],
            "measure,group,states,runs,mean,sd,ci95_lo,ci95_hi"
        );
        assert!(lines[1].starts_with("seat_years,A,2,2,1,"), "{}", lines[1]);
        assert_eq!(lines[12], "ballots_missed_pct,B,1,1,100,,,");
    }

    #[test]
    fn prefixes_may_overlap_and_zero_measures_are_empty() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        let d = load(dir.path(), &groups("B, X")).unwrap();
        assert_eq!(d.sizes, vec![1, 1]);
        let proposals = &d.measures[3];
        assert_eq!(proposals.measure, Measure::ProposalsTabled);
        assert!(proposals.is_empty());
        assert!(!d.measures[0].is_empty());
    }

    #[test]
    fn bad_groups_and_missing_tables_are_clear_errors() {
        assert!(parse_groups("SK,,SU").is_err());
        assert!(parse_groups("SK,SK").unwrap_err().contains("twice"));
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        let err = load(dir.path(), &groups("A,ZZ")).unwrap_err();
        let msg = err.to_string();
        assert!(err.is_bad_input(), "{msg}");
        assert!(
            msg.contains("`ZZ`") && msg.contains("A, B, X"),
            "names the group and the folder's prefixes: {msg}"
        );
        fs::write(
            dir.path().join(crate::output::MANIFEST),
            r#"{"tables": {"votes": true, "votes_on": ["targets"]}}"#,
        )
        .unwrap();
        let msg = load(dir.path(), &groups("A")).unwrap_err().to_string();
        assert!(
            msg.contains("only the votes on targets") && msg.contains("--states --votes"),
            "{msg}"
        );
        fs::remove_file(dir.path().join(crate::output::MANIFEST)).unwrap();
        fs::remove_file(dir.path().join(VOTES)).unwrap();
        let err = load(dir.path(), &groups("A")).unwrap_err();
        let msg = err.to_string();
        assert!(err.is_bad_input());
        assert!(
            msg.contains("votes.csv") && msg.contains("--states --votes"),
            "{msg}"
        );
    }
}
