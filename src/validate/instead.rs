//! Where a proposal went instead: when a run did not take a recorded decision (a
//! `[[target]]` not decided, a `[[fact]]` not reproduced), the venues and years in
//! which it decided the proposal, and the best chance of passing its sponsor saw in
//! the recorded venue — so that a report never says only "decided in 0 runs".
//!
//! The forecast comes from the run's `choices` rows: every option a sponsor weighed
//! when tabling, with its forecast pass probability (a waiting proposal's options are
//! recorded too). A low forecast says the sponsor took it elsewhere or waited because
//! the venue looked hostile; no forecast at all says the venue was never an option
//! (it did not exist, or the sponsor was not in it).

use std::collections::BTreeMap;

use crate::engine::{DecisionKind, RunResult};
use crate::model::Scenario;

/// One run's whereabouts of a proposal outside the recorded venue and years.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Whereabouts {
    /// (venue, year) of every decision on the proposal outside the recorded venue and
    /// years, in the order taken (a pair at most once).
    pub elsewhere: Vec<(String, i32)>,
    /// Whether the run decided the proposal anywhere, in any year.
    pub decided_anywhere: bool,
    /// The highest pass probability the sponsor forecast for the recorded venue up to
    /// the record's last round; `None` when it never weighed that venue.
    pub forecast: Option<f64>,
    /// Whether the sponsor chose the recorded venue up to the record's last round (a
    /// high forecast never chosen says the expected utility, not the odds, kept it
    /// away).
    pub chosen: bool,
}

/// Where proposal `proposal` went in run `res`, relative to venue `venue` in rounds
/// `first..=last`.
pub fn whereabouts(
    sc: &Scenario,
    res: &RunResult,
    proposal: usize,
    venue: usize,
    (first, last): (u32, u32),
) -> Whereabouts {
    let mut w = Whereabouts::default();
    for d in res
        .decisions
        .iter()
        .filter(|d| d.what == DecisionKind::Proposal && d.proposal as usize == proposal)
    {
        w.decided_anywhere = true;
        if d.venue as usize == venue && (first..=last).contains(&d.round) {
            continue;
        }
        let name = res
            .venue_names
            .get(d.venue as usize)
            .cloned()
            .unwrap_or_else(|| format!("venue {}", d.venue));
        let at = (name, sc.year(d.round));
        if !w.elsewhere.contains(&at) {
            w.elsewhere.push(at);
        }
    }
    let weighed = || {
        res.choices
            .iter()
            .filter(|c| c.proposal as usize == proposal && c.venue as usize == venue)
            .filter(|c| c.round <= last)
    };
    w.forecast = weighed()
        .filter(|c| c.p_pass.is_finite())
        .map(|c| c.p_pass)
        .reduce(f64::max);
    w.chosen = weighed().any(|c| c.chosen);
    w
}

/// The whereabouts of many runs, summed up.
#[derive(Debug, Clone, PartialEq)]
pub struct Instead {
    /// The runs summed up (those that did not take the recorded decision).
    pub runs: usize,
    /// (venue, year, runs) where the proposal was decided instead; most runs first,
    /// then by year and venue.
    pub elsewhere: Vec<(String, i32, usize)>,
    /// Runs that decided the proposal nowhere at all.
    pub nowhere: usize,
    /// Runs in which the sponsor weighed the recorded venue.
    pub weighed: usize,
    /// Runs in which the sponsor chose it.
    pub chosen: usize,
    /// The highest forecast pass probability for the recorded venue over these runs;
    /// `None` when no run weighed it.
    pub best_forecast: Option<f64>,
}

/// Sums up the whereabouts of the runs in `runs` order.
pub fn sum(runs: &[&Whereabouts]) -> Instead {
    let mut at: BTreeMap<(i32, &str), usize> = BTreeMap::new();
    for w in runs {
        for (venue, year) in &w.elsewhere {
            *at.entry((*year, venue.as_str())).or_default() += 1;
        }
    }
    let mut elsewhere: Vec<(String, i32, usize)> = at
        .into_iter()
        .map(|((year, venue), n)| (venue.to_string(), year, n))
        .collect();
    // Stable sort on a key-ordered list: ties stay in (year, venue) order.
    elsewhere.sort_by_key(|e| std::cmp::Reverse(e.2));
    Instead {
        runs: runs.len(),
        elsewhere,
        nowhere: runs.iter().filter(|w| !w.decided_anywhere).count(),
        weighed: runs.iter().filter(|w| w.forecast.is_some()).count(),
        chosen: runs.iter().filter(|w| w.chosen).count(),
        best_forecast: runs.iter().filter_map(|w| w.forecast).reduce(f64::max),
    }
}

impl Instead {
    /// `oewg 2019 (12 runs), unga 2020 (3 runs)`: the first `n` places.
    pub fn places(&self, n: usize) -> String {
        let mut parts: Vec<String> = self
            .elsewhere
            .iter()
            .take(n)
            .map(|(v, y, k)| format!("{v} {y} ({k} run{})", if *k == 1 { "" } else { "s" }))
            .collect();
        if self.elsewhere.len() > n {
            parts.push(format!("{} more", self.elsewhere.len() - n));
        }
        parts.join(", ")
    }

    /// `oewg:2019:12;unga:2020:3`: every place, for a CSV cell.
    pub fn places_cell(&self) -> String {
        self.elsewhere
            .iter()
            .map(|(v, y, k)| format!("{v}:{y}:{k}"))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// In words, one short line per point: where it went instead, in how many runs
    /// it was decided nowhere, and what the sponsor expected of `venue`.
    pub fn lines(&self, venue: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !self.elsewhere.is_empty() {
            out.push(format!("decided instead in {}", self.places(3)));
        }
        if self.nowhere > 0 {
            out.push(format!(
                "not decided anywhere in {} of these {} runs",
                self.nowhere, self.runs
            ));
        }
        out.push(match self.best_forecast {
            Some(p) => format!(
                "best forecast of passing in {venue}: {:.0} % (weighed there in {} of {} runs, chosen in {})",
                100.0 * p,
                self.weighed,
                self.runs,
                self.chosen
            ),
            None => format!("its sponsor never weighed {venue} in these runs"),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(places: &[(&str, i32)], anywhere: bool, forecast: Option<f64>) -> Whereabouts {
        Whereabouts {
            elsewhere: places.iter().map(|&(v, y)| (v.to_string(), y)).collect(),
            decided_anywhere: anywhere,
            forecast,
            chosen: forecast.is_some_and(|p| p > 0.4),
        }
    }

    #[test]
    fn places_are_counted_by_runs_most_common_first() {
        let a = w(&[("oewg", 2019), ("unga", 2020)], true, Some(0.2));
        let b = w(&[("oewg", 2019)], true, None);
        let c = w(&[], false, Some(0.45));
        let s = sum(&[&a, &b, &c]);
        assert_eq!(
            s.elsewhere,
            vec![("oewg".into(), 2019, 2), ("unga".into(), 2020, 1)]
        );
        assert_eq!((s.runs, s.nowhere, s.weighed, s.chosen), (3, 1, 2, 1));
        assert_eq!(s.best_forecast, Some(0.45));
        assert_eq!(s.places_cell(), "oewg:2019:2;unga:2020:1");
        assert_eq!(s.places(1), "oewg 2019 (2 runs), 1 more");
        let said = s.lines("unga");
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(
            said[0].starts_with("decided instead in oewg 2019 (2 runs)"),
            "{said:?}"
        );
        assert_eq!(said[1], "not decided anywhere in 1 of these 3 runs");
        assert!(
            said[2].contains("unga: 45 % (weighed there in 2 of 3 runs, chosen in 1)"),
            "{said:?}"
        );
        let never = sum(&[&b]);
        assert_eq!(
            never.lines("itu").last().unwrap(),
            "its sponsor never weighed itu in these runs"
        );
    }
}
