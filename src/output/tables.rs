//! The CSV tables of one batch (ODD §8), in tidy long form: one row per
//! observation, every row led by run, seed, round and year, names instead of indices.
//!
//! Rows are written in run order, then in the order the run recorded them, so a
//! table's bytes depend only on the results, never on scheduling. Each run's rows are
//! formatted on their own ([`Layout::format`], on the batch's workers) and appended
//! to the files in run order ([`super::BatchWriter`]).

use super::csvfile::Rows;
use super::folder::{OutputError, Tables};
use super::votes_on::VotesOn;
use crate::engine::RunResult;
use crate::engine::{DecisionKind, DecisionRow};
use std::path::{Path, PathBuf};

pub const ROUNDS: &str = "rounds.csv";
pub const VENUES: &str = "venues.csv";
pub const RULES: &str = "rules.csv";
pub const DECISIONS: &str = "decisions.csv";
pub const ADMISSIONS: &str = "admissions.csv";
pub const ELECTIONS: &str = "elections.csv";
pub const CHOICES: &str = "choices.csv";
pub const VOTES: &str = "votes.csv";
pub const ATTENTION: &str = "attention.csv";

/// The tables every run writes, in the order it writes them (votes.csv and
/// attention.csv only on request): what `verify` and the folder check expect listed.
pub const ALWAYS: &[&str] = &[
    ROUNDS, VENUES, RULES, DECISIONS, ADMISSIONS, ELECTIONS, CHOICES,
];

pub(crate) const ROUNDS_HEADER: &[&str] = &[
    "run",
    "seed",
    "round",
    "year",
    "ami",
    "scope_index",
    "fragmentation",
    "venues_active",
    "venues_created",
    "moves",
    "adopted",
    "failed",
    "abandoned",
    "pending",
];
pub(crate) const VENUES_HEADER: &[&str] = &[
    "run",
    "seed",
    "round",
    "year",
    "venue",
    "members",
    "mean_regime",
    "share_autocratic",
    "stakeholder_weight",
    "transparency",
    "privilege",
    "agenda",
    "adoptions",
];
pub(crate) const RULES_HEADER: &[&str] = &[
    "run", "seed", "round", "year", "venue", "kind", "rule_m", "rule_s", "camp", "reach",
];
pub(crate) const DECISIONS_HEADER: &[&str] = &[
    "run",
    "seed",
    "round",
    "year",
    "decision",
    "venue",
    "what",
    "proposal",
    "kind",
    "sponsor",
    "yes",
    "no",
    "abstain",
    "absent",
    "adopted",
    "how",
    "position_m",
    "position_s",
    "camp",
    "direction",
];
/// Admission votes (§7.2) are most of a run's decisions and share none of a proposal's
/// columns (no proposal, kind or position): their own table keeps decisions.csv small.
pub(crate) const ADMISSIONS_HEADER: &[&str] = &[
    "run",
    "seed",
    "round",
    "year",
    "decision",
    "venue",
    "applicant",
    "yes",
    "no",
    "abstain",
    "absent",
    "admitted",
    "camp",
];
/// One row per candidate of an election (§7.10), so the votes need no string splitting.
pub(crate) const ELECTIONS_HEADER: &[&str] = &[
    "run",
    "seed",
    "round",
    "year",
    "decision",
    "venue",
    "candidate",
    "votes",
    "elected",
];
pub(crate) const CHOICES_HEADER: &[&str] = &[
    "run",
    "seed",
    "round",
    "year",
    "proposal",
    "sponsor",
    "option",
    "eu",
    "p_pass",
    "chosen",
    "proactive",
];
pub(crate) const VOTES_HEADER: &[&str] = &[
    "run", "seed", "round", "year", "decision", "venue", "proposal", "state", "vote",
];
pub(crate) const ATTENTION_HEADER: &[&str] = &[
    "run",
    "seed",
    "round",
    "year",
    "state",
    "venue",
    "attention",
];

/// What a table's rows are made from besides the run: the scenario's first year, the
/// `--votes-on` selection and the table's file (named in errors).
struct Ctx<'a> {
    start_year: i32,
    votes_on: Option<&'a VotesOn>,
    file: &'a Path,
}

/// Formats one run's rows of a table.
type Format = fn(&mut Rows, &Ctx<'_>, &RunResult) -> Result<(), OutputError>;

/// A table of a run folder: its file name, header and row formatter.
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) header: &'static [&'static str],
    rows: Format,
}

/// Every table, in the order a run folder lists them (votes and attention only when
/// asked for: [`Layout::new`]).
const TABLES: &[Table] = &[
    Table {
        name: ROUNDS,
        header: ROUNDS_HEADER,
        rows: rounds,
    },
    Table {
        name: VENUES,
        header: VENUES_HEADER,
        rows: venues,
    },
    Table {
        name: RULES,
        header: RULES_HEADER,
        rows: rules,
    },
    Table {
        name: DECISIONS,
        header: DECISIONS_HEADER,
        rows: decisions,
    },
    Table {
        name: ADMISSIONS,
        header: ADMISSIONS_HEADER,
        rows: admissions,
    },
    Table {
        name: ELECTIONS,
        header: ELECTIONS_HEADER,
        rows: elections,
    },
    Table {
        name: CHOICES,
        header: CHOICES_HEADER,
        rows: choices,
    },
    Table {
        name: VOTES,
        header: VOTES_HEADER,
        rows: votes,
    },
    Table {
        name: ATTENTION,
        header: ATTENTION_HEADER,
        rows: attention,
    },
];

/// The tables of one batch and how to format a run's rows of them. `Sync`: the batch's
/// workers share it, each formatting the run it has just played.
#[derive(Debug, Clone)]
pub struct Layout {
    start_year: i32,
    votes_on: Option<VotesOn>,
    /// Indices into [`TABLES`], in file order.
    chosen: Vec<usize>,
    /// Where each chosen table will be once published (for error messages).
    paths: Vec<PathBuf>,
}

/// One run's rows of every table of a [`Layout`], formatted, in the layout's order.
#[derive(Debug)]
pub struct RunRows {
    pub(crate) tables: Vec<Rows>,
    /// The AMI of the run's last round (for the summary line), if any round.
    pub(crate) final_ami: Option<f64>,
}

impl Layout {
    /// The tables `tables` asks for, of a batch of a scenario starting in `start_year`
    /// to be published in `dir`.
    pub fn new(dir: &Path, start_year: i32, tables: &Tables) -> Layout {
        let chosen: Vec<usize> = TABLES
            .iter()
            .enumerate()
            .filter(|(_, t)| match t.name {
                VOTES => tables.votes,
                ATTENTION => tables.states,
                _ => true,
            })
            .map(|(i, _)| i)
            .collect();
        let paths = chosen.iter().map(|&i| dir.join(TABLES[i].name)).collect();
        Layout {
            start_year,
            votes_on: tables.votes_on.clone(),
            chosen,
            paths,
        }
    }

    /// The chosen tables, in file order.
    pub(crate) fn tables(&self) -> impl Iterator<Item = &'static Table> + '_ {
        self.chosen.iter().map(|&i| &TABLES[i])
    }

    /// Formats run `r`'s rows of every chosen table.
    pub fn format(&self, r: &RunResult) -> Result<RunRows, OutputError> {
        let mut out = Vec::with_capacity(self.chosen.len());
        for (table, file) in self.tables().zip(&self.paths) {
            let c = Ctx {
                start_year: self.start_year,
                votes_on: self.votes_on.as_ref(),
                file,
            };
            let mut rows = Rows::new(file.clone(), table.header.len());
            (table.rows)(&mut rows, &c, r)?;
            out.push(rows);
        }
        Ok(RunRows {
            tables: out,
            final_ami: r.rounds.last().map(|row| row.ami),
        })
    }
}

/// Resolves the indices of one run's rows to names. An index outside the run's name
/// tables is an engine bug: reported with the file and run, never panicked on.
struct Names<'a> {
    file: &'a Path,
    r: &'a RunResult,
}

impl<'a> Names<'a> {
    fn new(c: &Ctx<'a>, r: &'a RunResult) -> Self {
        Names { file: c.file, r }
    }

    fn bad(&self, what: &'static str, index: u32, len: usize) -> OutputError {
        OutputError::BadIndex {
            path: self.file.to_path_buf(),
            run: self.r.run,
            what,
            index: index.into(),
            len,
        }
    }

    fn pick(
        &self,
        list: &'a [String],
        what: &'static str,
        ix: u32,
    ) -> Result<&'a str, OutputError> {
        list.get(ix as usize)
            .map(String::as_str)
            .ok_or_else(|| self.bad(what, ix, list.len()))
    }

    fn venue(&self, ix: u32) -> Result<&'a str, OutputError> {
        self.pick(&self.r.venue_names, "venue", ix)
    }

    fn state(&self, ix: u32) -> Result<&'a str, OutputError> {
        self.pick(&self.r.state_names, "state", ix)
    }

    fn proposal(&self, ix: u32) -> Result<&'a str, OutputError> {
        self.pick(&self.r.proposal_names, "proposal", ix)
    }

    /// A chair's text has no sponsor (`u32::MAX`): empty.
    fn state_or_empty(&self, ix: u32) -> Result<&'a str, OutputError> {
        if ix == u32::MAX {
            Ok("")
        } else {
            self.state(ix)
        }
    }

    /// Reforms, admissions and elections are about no proposal (`u32::MAX`): empty.
    fn proposal_or_empty(&self, ix: u32) -> Result<&'a str, OutputError> {
        if ix == u32::MAX {
            Ok("")
        } else {
            self.proposal(ix)
        }
    }

    fn decision(&self, ix: u32) -> Result<&'a DecisionRow, OutputError> {
        self.r
            .decisions
            .get(ix as usize)
            .ok_or_else(|| self.bad("decision", ix, self.r.decisions.len()))
    }
}

fn rounds(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let start_year = c.start_year;
    for row in &r.rounds {
        t.lead(r.run, r.seed, row.round, start_year);
        t.float(row.ami);
        t.float(row.scope_index);
        t.float(row.fragmentation);
        for n in [
            row.venues_active,
            row.venues_created,
            row.moves,
            row.adopted,
            row.failed,
            row.abandoned,
            row.pending,
        ] {
            t.uint(n.into());
        }
        t.end()?;
    }
    Ok(())
}

fn venues(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let start_year = c.start_year;
    let n = Names::new(c, r);
    for row in &r.venues {
        let venue = n.venue(row.venue)?;
        t.lead(r.run, r.seed, row.round, start_year);
        t.str(venue);
        t.uint(row.members.into());
        t.float(row.mean_regime);
        t.float(row.share_autocratic);
        t.float(row.stakeholder_weight);
        t.float(row.transparency);
        t.float(row.privilege);
        t.uint(row.agenda.into());
        t.uint(row.adoptions.into());
        t.end()?;
    }
    Ok(())
}

fn rules(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let start_year = c.start_year;
    let n = Names::new(c, r);
    for row in &r.rules {
        let venue = n.venue(row.venue)?;
        t.lead(r.run, r.seed, row.round, start_year);
        t.str(venue);
        t.str(row.kind.as_str());
        t.float(row.rule.m);
        t.float(row.rule.s);
        t.str(row.camp.as_str());
        t.float(row.reach);
        t.end()?;
    }
    Ok(())
}

/// Every decision but admissions ([`write_admissions`]); `decision` is the run's
/// decision index, shared with admissions.csv, elections.csv and votes.csv.
fn decisions(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let start_year = c.start_year;
    let n = Names::new(c, r);
    for (i, row) in r.decisions.iter().enumerate() {
        if row.what == DecisionKind::Admission {
            continue;
        }
        let venue = n.venue(row.venue)?;
        let proposal = n.proposal_or_empty(row.proposal)?;
        let sponsor = n.state_or_empty(row.sponsor)?;
        t.lead(r.run, r.seed, row.round, start_year);
        t.uint(i as u64);
        t.str(venue);
        t.str(row.what.as_str());
        t.str(proposal);
        t.str(row.kind.as_str());
        t.str(sponsor);
        for n in [row.yes, row.no, row.abstain, row.absent] {
            t.uint(n.into());
        }
        t.boolean(row.adopted);
        t.str(row.how.as_str());
        t.float(row.position.m);
        t.float(row.position.s);
        t.str(row.camp.as_str());
        t.str(row.detail.direction());
        t.end()?;
    }
    Ok(())
}

/// The admission votes (§7.2), one row each: the applicant and the tally.
fn admissions(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let start_year = c.start_year;
    let n = Names::new(c, r);
    for (i, row) in r.decisions.iter().enumerate() {
        if row.what != DecisionKind::Admission {
            continue;
        }
        let venue = n.venue(row.venue)?;
        let applicant = n.state(row.sponsor)?;
        t.lead(r.run, r.seed, row.round, start_year);
        t.uint(i as u64);
        t.str(venue);
        t.str(applicant);
        for n in [row.yes, row.no, row.abstain, row.absent] {
            t.uint(n.into());
        }
        t.boolean(row.adopted);
        t.str(row.camp.as_str());
        t.end()?;
    }
    Ok(())
}

/// The candidates of every election (§7.10), one row each, in candidate order.
fn elections(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let start_year = c.start_year;
    let n = Names::new(c, r);
    for (i, row) in r.decisions.iter().enumerate() {
        let Some(votes) = row.election_votes() else {
            continue;
        };
        let venue = n.venue(row.venue)?;
        for &(c, count) in votes {
            let candidate = n.state(c)?;
            t.lead(r.run, r.seed, row.round, start_year);
            t.uint(i as u64);
            t.str(venue);
            t.str(candidate);
            t.uint(count.into());
            t.boolean(c == row.sponsor);
            t.end()?;
        }
    }
    Ok(())
}

fn choices(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let start_year = c.start_year;
    let mut option = String::new();
    let n = Names::new(c, r);
    for row in &r.choices {
        let proposal = n.proposal(row.proposal)?;
        let sponsor = n.state_or_empty(row.sponsor)?;
        option.clear();
        if row.create {
            // A creation option names the venue it created when it was picked;
            // one that was not picked names no venue (`create`).
            option.push_str("create");
            if row.venue != u32::MAX {
                option.push(':');
                option.push_str(n.venue(row.venue)?);
            }
        } else {
            option.push_str(n.venue(row.venue)?);
        }
        t.lead(r.run, r.seed, row.round, start_year);
        t.str(proposal);
        t.str(sponsor);
        t.str(&option);
        t.float(row.eu);
        t.float(row.p_pass);
        t.boolean(row.chosen);
        t.boolean(row.proactive);
        t.end()?;
    }
    Ok(())
}

/// Every recorded vote, or with `on` (`--votes-on`) only the votes of the decisions it
/// selects.
fn votes(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let (start_year, on) = (c.start_year, c.votes_on);
    let n = Names::new(c, r);
    for row in &r.votes {
        let d = n.decision(row.decision)?;
        if on.is_some_and(|on| !on.keeps(r, d)) {
            continue;
        }
        let venue = n.venue(d.venue)?;
        let proposal = n.proposal_or_empty(d.proposal)?;
        let state = n.state(row.state)?;
        t.lead(r.run, r.seed, d.round, start_year);
        t.uint(row.decision.into());
        t.str(venue);
        t.str(proposal);
        t.str(state);
        t.str(row.vote.as_str());
        t.end()?;
    }
    Ok(())
}

fn attention(t: &mut Rows, c: &Ctx<'_>, r: &RunResult) -> Result<(), OutputError> {
    let start_year = c.start_year;
    let n = Names::new(c, r);
    for row in &r.attention {
        let state = n.state(row.state)?;
        let venue = n.venue(row.venue)?;
        t.lead(r.run, r.seed, row.round, start_year);
        t.str(state);
        t.str(venue);
        t.float(row.attention);
        t.end()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testdata::result;

    const ALL: Tables = Tables {
        votes: true,
        states: true,
        votes_on: None,
    };

    /// Table `name` of a batch of `results`, header included, as a file would hold it.
    fn text_of(name: &str, tables: &Tables, results: &[RunResult]) -> (String, u64) {
        let layout = Layout::new(Path::new("out"), 2000, tables);
        let (k, table) = layout
            .tables()
            .enumerate()
            .find(|(_, t)| t.name == name)
            .unwrap();
        let mut head = Rows::new(PathBuf::from(name), table.header.len());
        head.header(table.header).unwrap();
        let mut bytes = head.bytes().to_vec();
        let mut rows = 0;
        for r in results {
            let run = layout.format(r).unwrap();
            bytes.extend_from_slice(run.tables[k].bytes());
            rows += run.tables[k].rows();
        }
        (String::from_utf8(bytes).unwrap(), rows)
    }

    fn table(name: &str) -> String {
        text_of(name, &ALL, &[result(3, 7)]).0
    }

    #[test]
    fn rounds_rows_carry_run_seed_round_and_year() {
        assert_eq!(
            table(ROUNDS),
            "run,seed,round,year,ami,scope_index,fragmentation,venues_active,venues_created,moves,adopted,failed,abandoned,pending\n\
             3,7,0,2000,0.55,0.30000000000000004,0,1,0,0,1,0,0,0\n"
        );
    }

    #[test]
    fn venues_without_members_have_empty_means() {
        assert_eq!(
            table(VENUES),
            "run,seed,round,year,venue,members,mean_regime,share_autocratic,stakeholder_weight,transparency,privilege,agenda,adoptions\n\
             3,7,0,2000,unga,2,0.5,0.5,0,0.5,0,1,1\n\
             3,7,0,2000,sco,0,,,0.1,0.1,0.5,0,0\n"
        );
    }

    #[test]
    fn rules_name_venue_kind_and_camp() {
        assert_eq!(
            table(RULES),
            "run,seed,round,year,venue,kind,rule_m,rule_s,camp,reach\n\
             3,7,0,2000,unga,norms,0.7,0.6,authoritarian,1\n"
        );
    }

    #[test]
    fn decisions_about_no_proposal_leave_it_empty_and_admissions_are_elsewhere() {
        assert_eq!(
            table(DECISIONS),
            "run,seed,round,year,decision,venue,what,proposal,kind,sponsor,yes,no,abstain,absent,adopted,how,position_m,position_s,camp,direction\n\
             3,7,0,2000,0,unga,proposal,p1,norms,RUS,1,1,0,0,true,vote,0.7,0.6,none,\n\
             3,7,0,2000,1,unga,election,,procedural,USA,2,0,0,0,true,vote,0,0,none,\n\
             3,7,0,2000,2,unga,reform,,procedural,RUS,1,1,0,0,false,vote,0.75,0,none,up\n"
        );
    }

    #[test]
    fn admissions_have_their_own_table_with_the_shared_decision_index() {
        assert_eq!(
            table(ADMISSIONS),
            "run,seed,round,year,decision,venue,applicant,yes,no,abstain,absent,admitted,camp\n\
             3,7,0,2000,3,sco,RUS,0,0,0,0,true,none\n"
        );
    }

    #[test]
    fn elections_have_one_row_per_candidate() {
        assert_eq!(
            table(ELECTIONS),
            "run,seed,round,year,decision,venue,candidate,votes,elected\n\
             3,7,0,2000,1,unga,USA,2,true\n\
             3,7,0,2000,1,unga,RUS,0,false\n"
        );
    }

    #[test]
    fn an_unpicked_creation_option_names_no_venue() {
        assert_eq!(
            table(CHOICES),
            "run,seed,round,year,proposal,sponsor,option,eu,p_pass,chosen,proactive\n\
             3,7,0,2000,p1,RUS,unga,0.125,0.5,true,true\n\
             3,7,0,2000,p1,RUS,create,-0.05,1,false,true\n"
        );
    }

    #[test]
    fn votes_take_round_venue_and_proposal_from_their_decision() {
        assert_eq!(
            table(VOTES),
            "run,seed,round,year,decision,venue,proposal,state,vote\n\
             3,7,0,2000,0,unga,p1,USA,no\n\
             3,7,0,2000,0,unga,p1,RUS,yes\n\
             3,7,0,2000,1,unga,,RUS,absent\n"
        );
    }

    #[test]
    fn votes_on_writes_only_the_selected_decisions_votes() {
        let sc = crate::output::testdata::scenario();
        let on = VotesOn::parse(&["p1".to_string()], &sc).unwrap();
        let tables = Tables {
            votes_on: Some(on),
            ..ALL
        };
        let (text, rows) = text_of(VOTES, &tables, &[result(3, 7)]);
        assert_eq!(rows, 2);
        assert!(text.lines().skip(1).all(|l| l.contains(",p1,")), "{text}");
    }

    #[test]
    fn attention_rows_name_state_and_venue() {
        assert_eq!(
            table(ATTENTION),
            "run,seed,round,year,state,venue,attention\n3,7,0,2000,RUS,unga,1\n"
        );
    }

    #[test]
    fn runs_are_written_in_the_order_given() {
        let (s, rows) = text_of(ROUNDS, &ALL, &[result(1, 7), result(0, 7)]);
        assert_eq!(rows, 2);
        let runs: Vec<&str> = s.lines().skip(1).map(|l| &l[..1]).collect();
        assert_eq!(runs, ["1", "0"]);
    }

    #[test]
    fn optional_tables_come_last_and_only_when_asked_for() {
        let names = |t: &Tables| -> Vec<&str> {
            Layout::new(Path::new("out"), 2000, t)
                .tables()
                .map(|t| t.name)
                .collect()
        };
        assert_eq!(names(&Tables::default()), ALWAYS);
        let mut all = ALWAYS.to_vec();
        all.extend([VOTES, ATTENTION]);
        assert_eq!(names(&ALL), all);
    }

    #[test]
    fn a_vote_on_an_unknown_decision_is_an_error_naming_the_file() {
        let mut r = result(0, 7);
        r.votes[0].decision = 5;
        let err = Layout::new(Path::new("out"), 2000, &ALL)
            .format(&r)
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("decision #5") && msg.contains("votes.csv"),
            "{msg}"
        );
    }
}
