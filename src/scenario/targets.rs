//! `[[target]]` tables: recorded decisions (venue, proposal, round, tallies, and
//! optionally per-country votes and regime categories) and recorded elections
//! (the votes of each candidate) that `forumsim validate` holds simulated runs
//! against. They have no effect on a run.
//!
//! The files a target names are read here, at load time, so a bad row is reported
//! like any other scenario error (`votes.csv:14: …`) before any run starts, and the
//! recorded tallies are checked against the vote file they summarise.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::builder::{Builder, Result};
use super::error::{Errors, Span};
use super::facts::{self, Known};
use super::raw::{RawReference, RawScenario, RawTarget};
use super::states_csv::{self, csv_error};
use crate::model::{Ballot, ElectionTargetSpec, Event, Reference, StateIx, Tally, TargetSpec};

/// Validates every `[[target]]`: the votes on proposals, then the elections, each in
/// file order.
pub(super) fn targets(
    b: &Builder,
    raw: &RawScenario,
    known: &Known,
    base_dir: &Path,
) -> Result<(Vec<TargetSpec>, Vec<ElectionTargetSpec>)> {
    let mut out: Vec<TargetSpec> = Vec::new();
    let mut elections: Vec<ElectionTargetSpec> = Vec::new();
    let mut first: HashMap<String, Span> = HashMap::new();
    // Each target is checked on its own: every bad one is reported.
    let mut errors = Errors::default();
    for t in &raw.target {
        let t = t.get_ref();
        let Some(id) = errors.keep(b.id(&t.id, "target", "id")) else {
            continue;
        };
        let ctx = format!("target \"{id}\"");
        if errors
            .keep(b.claim_id(&mut first, "target", &id, t.id.span()))
            .is_none()
        {
            continue;
        }
        if t.election.is_some() {
            elections.extend(errors.keep(election_target(b, t, id, &ctx, known)));
        } else {
            out.extend(errors.keep(target(b, t, id, &ctx, known, base_dir)));
        }
    }
    errors.finish()?;
    Ok((out, elections))
}

/// A required key of a vote target, or an error that says what a target needs.
fn need<'t, T>(
    b: &Builder,
    t: &RawTarget,
    v: &'t Option<T>,
    ctx: &str,
    key: &str,
) -> Result<&'t T> {
    v.as_ref().ok_or_else(|| {
        b.err(
            &t.id.span(),
            ctx,
            format!(
                "missing key `{key}`: a target records a vote on a proposal (`venue`, `proposal`, \
                 `yes`, `no`, `abstain`, `absent`) or an election (`election`, `candidates`)"
            ),
        )
    })
}

fn target(
    b: &Builder,
    t: &RawTarget,
    id: String,
    ctx: &str,
    known: &Known,
    base_dir: &Path,
) -> Result<TargetSpec> {
    if let Some(c) = &t.candidates {
        return Err(b.err(
            &c.span(),
            ctx,
            "`candidates` goes with `election`: a vote on a proposal has yes/no/abstain/absent",
        ));
    }
    let venue_name = need(b, t, &t.venue, ctx, "venue")?;
    let venue = b.venue_ref(venue_name, ctx)?;
    let proposal = facts::proposal_ref(b, need(b, t, &t.proposal, ctx, "proposal")?, ctx)?;
    let round = match (&t.year, &t.round) {
        (Some(y), None) => facts::round_in_scenario(b, y, known.rounds, ctx)?,
        (None, Some(r)) => b.int(r, 0, i64::from(known.rounds) - 1, ctx, "round")? as u32,
        (Some(y), Some(_)) => {
            return Err(b.err(&y.span(), ctx, "give `year` or `round`, not both"));
        }
        (None, None) => {
            return Err(b.err(
                &t.id.span(),
                ctx,
                "needs `year` (or `round`): when the decision was taken",
            ));
        }
    };
    let when = t
        .year
        .as_ref()
        .map(toml::Spanned::span)
        .or(t.round.as_ref().map(toml::Spanned::span))
        .unwrap_or(t.id.span());
    facts::check_decidable(
        b,
        known,
        (proposal, venue),
        (round, round),
        true,
        &when,
        ctx,
    )?;
    let count = |key: &str, v: &Option<toml::Spanned<i64>>| -> Result<u32> {
        b.count(need(b, t, v, ctx, key)?, 0, ctx, key)
    };
    let recorded = Tally {
        yes: count("yes", &t.yes)?,
        no: count("no", &t.no)?,
        abstain: count("abstain", &t.abstain)?,
        absent: count("absent", &t.absent)?,
    };
    let reference = t
        .reference
        .as_ref()
        .map(|r| reference(b, r.get_ref(), ctx))
        .transpose()?;

    let mut votes = Vec::new();
    if let Some(v) = &t.votes {
        let path = base_dir.join(v.get_ref());
        let text = states_csv::read_csv_text(&path).map_err(|e| {
            b.err(
                &v.span(),
                ctx,
                format!("votes: cannot read `{}`: {e}", path.display()),
            )
        })??;
        votes = parse_votes(&text, &path, |iso3| b.state_by_id(iso3))?;
        let mut counted = Tally::default();
        for (_, ballot) in &votes {
            *match ballot {
                Ballot::Yes => &mut counted.yes,
                Ballot::No => &mut counted.no,
                Ballot::Abstain => &mut counted.abstain,
                Ballot::Absent => &mut counted.absent,
            } += 1;
        }
        if counted != recorded {
            let show = |t: Tally| {
                format!(
                    "yes {}, no {}, abstain {}, absent {}",
                    t.yes, t.no, t.abstain, t.absent
                )
            };
            return Err(b.err(
                &v.span(),
                ctx,
                format!(
                    "the tallies ({}) do not add up to the vote file `{}` ({}); fix the tallies or the file",
                    show(recorded),
                    v.get_ref(),
                    show(counted)
                ),
            ));
        }
    }

    let mut categories = Vec::new();
    if let Some(c) = &t.baseline {
        if t.votes.is_none() {
            return Err(b.err(
                &c.span(),
                ctx,
                "baseline needs `votes`: the baseline is the modal recorded vote of each category",
            ));
        }
        let path = base_dir.join(c.get_ref());
        let text = states_csv::read_csv_text(&path).map_err(|e| {
            b.err(
                &c.span(),
                ctx,
                format!("baseline: cannot read `{}`: {e}", path.display()),
            )
        })??;
        categories = parse_categories(&text, &path, |iso3| b.state_by_id(iso3))?;
        let have: BTreeMap<StateIx, u32> = categories.iter().copied().collect();
        if let Some((s, _)) = votes.iter().find(|(s, _)| !have.contains_key(s)) {
            return Err(b.err(
                &c.span(),
                ctx,
                format!(
                    "baseline file `{}` has no category for `{}`, which the vote file lists",
                    c.get_ref(),
                    b.states[*s].id
                ),
            ));
        }
    }

    Ok(TargetSpec {
        id,
        venue,
        proposal,
        round,
        recorded,
        votes,
        votes_file: t.votes.as_ref().map(|v| v.get_ref().clone()),
        categories,
        baseline_file: t.baseline.as_ref().map(|v| v.get_ref().clone()),
        source: t
            .source
            .as_ref()
            .map(|s| s.get_ref().clone())
            .unwrap_or_default(),
        reference,
    })
}

/// A reference tally: any subset of the four counts (a record often gives only some).
fn reference(b: &Builder, r: &RawReference, ctx: &str) -> Result<Reference> {
    let ctx = format!("{ctx}: reference");
    let count = |v: &Option<toml::Spanned<i64>>, key: &str| {
        v.as_ref().map(|v| b.count(v, 0, &ctx, key)).transpose()
    };
    Ok(Reference {
        counts: [
            count(&r.yes, "yes")?,
            count(&r.no, "no")?,
            count(&r.abstain, "abstain")?,
            count(&r.absent, "absent")?,
        ],
        label: r
            .label
            .as_ref()
            .map(|l| l.get_ref().clone())
            .unwrap_or_else(|| "reference".to_string()),
    })
}

/// A recorded election: `election` names an `election` event, `candidates` gives
/// each of its candidates' votes, `absent` optionally the members recorded absent.
fn election_target(
    b: &Builder,
    t: &RawTarget,
    id: String,
    ctx: &str,
    known: &Known,
) -> Result<ElectionTargetSpec> {
    let present = [
        ("venue", t.venue.as_ref().map(toml::Spanned::span)),
        ("proposal", t.proposal.as_ref().map(toml::Spanned::span)),
        ("round", t.round.as_ref().map(toml::Spanned::span)),
        ("yes", t.yes.as_ref().map(toml::Spanned::span)),
        ("no", t.no.as_ref().map(toml::Spanned::span)),
        ("abstain", t.abstain.as_ref().map(toml::Spanned::span)),
        ("votes", t.votes.as_ref().map(toml::Spanned::span)),
        ("baseline", t.baseline.as_ref().map(toml::Spanned::span)),
        ("reference", t.reference.as_ref().map(toml::Spanned::span)),
    ];
    b.only(
        ctx,
        "an election target",
        &present,
        &["election", "candidates", "year", "absent", "source"],
    )?;
    let Some(name) = &t.election else {
        return Err(b.err(&t.id.span(), ctx, "an election target needs `election`"));
    };
    let event = facts::election_ref(b, known, name, ctx)?;
    let spec = &known.events[event];
    let Event::Election { venue, candidates } = &spec.event else {
        return Err(b.err(&name.span(), ctx, "not an election event"));
    };
    facts::check_event_year(b, known, event, t.year.as_ref(), &name.span(), ctx)?;
    let Some(given) = &t.candidates else {
        return Err(b.err(
            &t.id.span(),
            ctx,
            "an election target needs `candidates`, the recorded votes of each, as \
             `candidates = { USA = 139, RUS = 25 }`",
        ));
    };
    let ids = facts::candidate_ids(b, candidates);
    let mut votes: Vec<Option<u32>> = vec![None; candidates.len()];
    for (k, v) in given.get_ref() {
        let i = facts::candidate_ix(b, &ids, name.get_ref(), k, ctx)?;
        votes[i] = Some(b.count(v, 0, ctx, &format!("candidates.{}", k.get_ref()))?);
    }
    if let Some(i) = votes.iter().position(Option::is_none) {
        return Err(b.err(
            &given.span(),
            ctx,
            format!(
                "`candidates` lacks `{}`: give the recorded votes of every candidate of election `{}` ({})",
                ids[i],
                name.get_ref(),
                ids.join(", ")
            ),
        ));
    }
    Ok(ElectionTargetSpec {
        id,
        event,
        venue: *venue,
        round: spec.round,
        candidates: candidates
            .iter()
            .zip(votes)
            .map(|(&c, v)| (c, v.unwrap_or(0)))
            .collect(),
        absent: t
            .absent
            .as_ref()
            .map(|a| b.count(a, 0, ctx, "absent"))
            .transpose()?,
        source: t
            .source
            .as_ref()
            .map(|s| s.get_ref().clone())
            .unwrap_or_default(),
    })
}

/// Rows of a two-column CSV file with a fixed header (first column `iso3`, the
/// other `value`; optional trailing columns named in `optional`), each as
/// (line, state, text of the second column). Unknown states, repeated states and
/// short rows are errors at their line.
fn rows(
    text: &str,
    path: &Path,
    value: &str,
    optional: &[&str],
    state: impl Fn(&str) -> Option<StateIx>,
) -> Result<Vec<(usize, StateIx, String)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, 1, e.to_string()))?
        .clone();
    let cols: Vec<&str> = headers.iter().collect();
    let ok = cols.len() >= 2
        && cols[0] == "iso3"
        && cols[1] == value
        && cols[2..].iter().all(|c| optional.contains(c));
    if !ok {
        let extra = if optional.is_empty() {
            String::new()
        } else {
            format!(" (optionally followed by {})", optional.join(", "))
        };
        return Err(csv_error(
            path,
            1,
            format!(
                "expected the header `iso3,{value}`{extra}, got `{}`",
                cols.join(",")
            ),
        ));
    }
    let mut seen: BTreeMap<StateIx, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            csv_error(path, line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() != cols.len() {
            return Err(csv_error(
                path,
                line,
                format!(
                    "this row has {} fields but the header has {}",
                    record.len(),
                    cols.len()
                ),
            ));
        }
        let iso3 = &record[0];
        let Some(s) = state(iso3) else {
            return Err(csv_error(
                path,
                line,
                format!("unknown state `{iso3}`: not a state of the scenario"),
            ));
        };
        if let Some(prev) = seen.insert(s, line) {
            return Err(csv_error(
                path,
                line,
                format!("state `{iso3}` is listed twice (first at line {prev})"),
            ));
        }
        out.push((line, s, record[1].to_string()));
    }
    Ok(out)
}

/// A vote file `iso3,vote` with codes Y, N, A, X; sorted by state index.
pub(super) fn parse_votes(
    text: &str,
    path: &Path,
    state: impl Fn(&str) -> Option<StateIx>,
) -> Result<Vec<(StateIx, Ballot)>> {
    let mut out = Vec::new();
    for (line, s, v) in rows(text, path, "vote", &[], state)? {
        let ballot = Ballot::from_code(&v).ok_or_else(|| {
            csv_error(
                path,
                line,
                format!("vote `{v}`: expected Y (yes), N (no), A (abstain) or X (absent)"),
            )
        })?;
        out.push((s, ballot));
    }
    out.sort_unstable();
    Ok(out)
}

/// A category file `iso3,category[,source]` with non-negative integer categories;
/// sorted by state index.
pub(super) fn parse_categories(
    text: &str,
    path: &Path,
    state: impl Fn(&str) -> Option<StateIx>,
) -> Result<Vec<(StateIx, u32)>> {
    let mut out = Vec::new();
    for (line, s, v) in rows(text, path, "category", &["source"], state)? {
        let c: u32 = v.parse().map_err(|_| {
            csv_error(
                path,
                line,
                format!(
                    "category `{v}`: expected a whole number (e.g. 0-3 for Regimes of the World)"
                ),
            )
        })?;
        out.push((s, c));
    }
    out.sort_unstable();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(id: &str) -> Option<StateIx> {
        ["AAA", "BBB", "CCC"].iter().position(|s| *s == id)
    }

    fn votes(text: &str) -> std::result::Result<Vec<(StateIx, Ballot)>, String> {
        parse_votes(text, Path::new("v.csv"), state).map_err(|e| e.to_string())
    }

    #[test]
    fn vote_files_are_read_and_sorted_by_state() {
        let v = votes("iso3,vote\nCCC,X\nAAA, Y\nBBB,A\n").unwrap();
        assert_eq!(
            v,
            [(0, Ballot::Yes), (1, Ballot::Abstain), (2, Ballot::Absent)]
        );
    }

    #[test]
    fn bad_vote_rows_name_the_file_and_line() {
        let e = votes("iso3,vote\nAAA,Y\nBBB,maybe\n").unwrap_err();
        assert!(e.starts_with("v.csv:3: vote `maybe`: expected Y"), "{e}");
        let e = votes("iso3,vote\nAAA,Y\nZZZ,N\n").unwrap_err();
        assert!(e.starts_with("v.csv:3: unknown state `ZZZ`"), "{e}");
        let e = votes("iso3,vote\nAAA,Y\nAAA,N\n").unwrap_err();
        assert!(
            e.contains("v.csv:3: state `AAA` is listed twice (first at line 2)"),
            "{e}"
        );
        let e = votes("iso3,ballot\n").unwrap_err();
        assert!(
            e.starts_with("v.csv:1: expected the header `iso3,vote`"),
            "{e}"
        );
        let e = votes("iso3,vote\nAAA\n").unwrap_err();
        assert!(e.starts_with("v.csv:2: this row has 1 fields"), "{e}");
    }

    #[test]
    fn category_files_allow_a_source_column() {
        let c = parse_categories(
            "iso3,category,source\nBBB,3,row\nAAA,0,fh\n",
            Path::new("c.csv"),
            state,
        )
        .unwrap();
        assert_eq!(c, [(0, 0), (1, 3)]);
        let e = parse_categories("iso3,category\nAAA,high\n", Path::new("c.csv"), state)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.csv:2: category `high`"), "{e}");
    }
}
