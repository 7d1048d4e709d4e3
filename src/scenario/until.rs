//! `--until YEAR`: part of the world, from its start to YEAR. A cut of the parser's
//! tree made after the `--set` overrides and before validation, so the cut scenario
//! is checked like any file and its text (written beside a run's outputs) is the
//! scenario that ran.
//!
//! The cut sets `rounds` to end with YEAR and leaves out only what would make a
//! shorter scenario invalid: the records of `forumsim validate` dated after YEAR
//! (`[[target]]`s and `[[fact]]`s, elections' by their election event). Everything
//! else dated later — events, proposals introduced later, venue terms, recurring
//! texts — stays in the file and is simply never reached, so the scenario's venues
//! and proposals keep their indices and a run's rounds up to YEAR are those of the
//! full run (the engine draws nothing ahead of a round; `tests/until.rs` checks it).

use std::fmt;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What the cut did, for the note a command prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The YEAR of `--until`: the last year of the cut scenario.
    pub year: i64,
    pub start_year: i64,
    /// Rounds of the cut scenario (`year - start_year + 1`).
    pub rounds: u32,
    /// Rounds of the scenario without the cut.
    pub full_rounds: u32,
    /// Left out: recorded votes and elections, recorded outcomes.
    pub targets: usize,
    pub facts: usize,
    /// Kept but never reached: events and proposals dated after YEAR.
    pub events: usize,
    pub proposals: usize,
}

impl fmt::Display for Cut {
    /// `--until 2010: 13 rounds (1998-2010) of 28; left out 4 targets and 15 facts
    /// dated after 2010; 30 events and 20 proposals after 2010 are never reached`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = self.year;
        write!(
            f,
            "--until {y}: {} rounds ({}-{y}) of {}",
            self.rounds, self.start_year, self.full_rounds
        )?;
        let left = list(&[(self.targets, "target"), (self.facts, "fact")]);
        if !left.is_empty() {
            write!(f, "; left out {left} dated after {y}")?;
        }
        let kept = list(&[(self.events, "event"), (self.proposals, "proposal")]);
        if !kept.is_empty() {
            let verb = if self.events + self.proposals == 1 {
                "is"
            } else {
                "are"
            };
            write!(f, "; {kept} after {y} {verb} never reached")?;
        }
        Ok(())
    }
}

/// `3 targets and 1 fact`, leaving out zeros.
fn list(items: &[(usize, &str)]) -> String {
    let parts: Vec<String> = items
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    parts.join(" and ")
}

/// An integer of the tree (any radix TOML allows).
fn int(v: &DeValue<'_>) -> Option<i64> {
    let i = v.as_integer()?;
    i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
}

fn get_int(t: &DeTable<'_>, key: &str) -> Option<i64> {
    t.get(key).and_then(|v| int(v.get_ref()))
}

/// The tables of the list `key` (empty when there is none or it is not a list).
fn tables<'t, 'a>(doc: &'t DeTable<'a>, key: &str) -> Vec<&'t DeTable<'a>> {
    doc.get(key)
        .and_then(|v| v.get_ref().as_array())
        .map(|a| a.iter().filter_map(|el| el.get_ref().as_table()).collect())
        .unwrap_or_default()
}

/// The year of a dated table: `year_key`, or `start + round_key`.
fn dated(t: &DeTable<'_>, start: i64, round_key: &str, year_key: &str) -> Option<i64> {
    get_int(t, year_key).or_else(|| get_int(t, round_key).map(|r| start.saturating_add(r)))
}

/// When the records of a scenario are dated: its start year and its elections' years.
struct Dating {
    start: i64,
    /// The `id` of each `election` event and its year.
    elections: Vec<(String, Option<i64>)>,
}

impl Dating {
    fn of(doc: &DeTable<'_>, start: i64) -> Dating {
        let elections = tables(doc, "event")
            .into_iter()
            .filter(|e| e.get("type").and_then(|t| t.get_ref().as_str()) == Some("election"))
            .filter_map(|e| {
                let id = e.get("id")?.get_ref().as_str()?.to_string();
                Some((id, dated(e, start, "round", "year")))
            })
            .collect();
        Dating { start, elections }
    }

    /// The last year a target or fact needs: its `year` (or `round`), the end of its
    /// `years`, and its election's year.
    fn last_year(&self, t: &DeTable<'_>) -> Option<i64> {
        let election = t
            .get("election")
            .and_then(|v| v.get_ref().as_str())
            .and_then(|name| self.elections.iter().find(|(id, _)| id == name))
            .and_then(|(_, y)| *y);
        let range_end = t
            .get("years")
            .and_then(|v| v.get_ref().as_array())
            .and_then(|a| a.iter().filter_map(|y| int(y.get_ref())).max());
        dated(t, self.start, "round", "year")
            .into_iter()
            .chain(range_end)
            .chain(election)
            .max()
    }
}

/// Plans the cut of `doc` at `year`: the rounds it gets and what is left out. `None`
/// when `rounds` or `start_year` is not a usable integer (validation then says why);
/// an error message (without the flag) when `year` is outside the scenario.
pub(super) fn plan(doc: &DeTable<'_>, year: i64) -> Result<Option<Cut>, String> {
    let start = match doc.get("start_year") {
        None => Some(0),
        Some(v) => int(v.get_ref()),
    };
    let full_rounds = get_int(doc, "rounds").and_then(|r| u32::try_from(r).ok());
    let (Some(start), Some(full_rounds)) = (start, full_rounds.filter(|&r| r > 0)) else {
        return Ok(None);
    };
    let last = start.saturating_add(i64::from(full_rounds) - 1);
    if year < start || year > last {
        return Err(format!(
            "{year} is outside the scenario, which runs {start} to {last}; give a year from {start} to {last}"
        ));
    }
    let dating = Dating::of(doc, start);
    let after = |key: &str| {
        tables(doc, key)
            .into_iter()
            .filter(|t| dating.last_year(t).is_some_and(|y| y > year))
            .count()
    };
    let later = |key: &str, round_key: &str, year_key: &str| {
        tables(doc, key)
            .into_iter()
            .filter(|t| dated(t, start, round_key, year_key).is_some_and(|y| y > year))
            .count()
    };
    Ok(Some(Cut {
        year,
        start_year: start,
        rounds: (year - start + 1) as u32,
        full_rounds,
        targets: after("target"),
        facts: after("fact"),
        events: later("event", "round", "year"),
        proposals: later("proposal", "introduced", "introduced_year"),
    }))
}

/// Makes the cut `cut` (planned on `doc` by [`plan`]): `rounds` becomes the new value
/// of `rounds` (a TOML integer the caller parsed, so that it lives as long as the
/// tree) and the targets and facts dated after the cut are left out.
pub(super) fn apply<'a>(doc: &mut DeTable<'a>, cut: &Cut, rounds: DeValue<'a>) {
    let span = doc.get("rounds").map(Spanned::span).unwrap_or(0..0);
    doc.insert(
        Spanned::new(span.clone(), "rounds".into()),
        Spanned::new(span, rounds),
    );
    let dating = Dating::of(doc, cut.start_year);
    for key in ["target", "fact"] {
        if let Some(DeValue::Array(items)) = doc.get_mut(key).map(Spanned::get_mut) {
            let all = std::mem::replace(items, toml::de::DeArray::new());
            *items = all
                .into_iter()
                .filter(|el| {
                    let last = el.get_ref().as_table().and_then(|t| dating.last_year(t));
                    last.is_none_or(|y| y <= cut.year)
                })
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    //! The cut through the front door is tested in `../tests.rs` (`mod until`).
    use super::*;

    #[test]
    fn the_note_names_only_what_there_is() {
        let mut c = Cut {
            year: 2010,
            start_year: 1998,
            rounds: 13,
            full_rounds: 28,
            targets: 3,
            facts: 1,
            events: 0,
            proposals: 2,
        };
        assert_eq!(
            c.to_string(),
            "--until 2010: 13 rounds (1998-2010) of 28; left out 3 targets and 1 fact \
             dated after 2010; 2 proposals after 2010 are never reached"
        );
        (c.targets, c.facts, c.proposals) = (0, 0, 0);
        assert_eq!(c.to_string(), "--until 2010: 13 rounds (1998-2010) of 28");
    }
}
