//! Facts in words: one short line per fact, terse enough to read aloud in class.
//!
//! Numbers are rounded for speaking (expected utilities to 2 decimals, probabilities
//! to whole percent); long lists of states are cut to a few names and a count.

use super::facts::{Breaker, Fact, Opened, Option_, Reason, Reasons, RoundFacts, Tally};
use crate::engine::{How, Vote};
use crate::model::Admit;

/// How much to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Names listed before "and N more".
    pub max_names: usize,
    /// Also tell openness reforms that failed (there are many; off by default).
    pub failed_reforms: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            max_names: 6,
            failed_reforms: false,
        }
    }
}

/// The account of `rounds`, one header line per round and one indented line per fact.
pub fn lines(rounds: &[RoundFacts], style: Style) -> Vec<String> {
    let mut out = Vec::new();
    for rf in rounds {
        out.push(format!("{} (round {})", rf.year, rf.round));
        for f in &rf.facts {
            if let Some(line) = line(f, style) {
                out.push(format!("  {line}"));
            }
        }
    }
    out
}

/// One fact as a sentence, or `None` if the style leaves it out.
pub fn line(f: &Fact, style: Style) -> Option<String> {
    let names = |v: &[String]| names(v, style.max_names);
    Some(match f {
        Fact::Event { label, text } => format!("Event {label}: {text}."),
        Fact::VenueOpened {
            venue,
            name,
            members,
            by,
        } => {
            let how = match by {
                Opened::Event => String::new(),
                Opened::Proposal(p) => format!(", created by {p}"),
                Opened::Bloc => String::new(),
            };
            format!("New venue {venue} ({name}{how}): {members} members by the end of the year.")
        }
        Fact::Tabled {
            proposal,
            sponsor,
            kind,
            chosen,
            created,
            moved_from,
            others,
        } => {
            let here = chosen.venue.as_deref().unwrap_or("?");
            let verb = if *created {
                format!("founds {here}, a venue of its bloc, and tables")
            } else {
                "tables".to_string()
            };
            let moved = moved_from
                .as_ref()
                .map_or(String::new(), |v| format!(", moving it from {v}"));
            let why = match others.first() {
                Some(o) => format!(
                    " {}; best alternative {} {}",
                    option(chosen),
                    venue_or_new(o),
                    option(o)
                ),
                None => format!(" {}; no other venue", option(chosen)),
            };
            format!(
                "{sponsor} {verb} {proposal} ({}) in {here}{moved}:{why}.",
                kind.as_str()
            )
        }
        Fact::Held {
            proposal,
            sponsor,
            best,
            abandoned,
        } => {
            let what = if *abandoned { "abandons" } else { "holds back" };
            match best {
                Some(o) => format!(
                    "{sponsor} {what} {proposal}: no venue is worth it (best {} {}).",
                    venue_or_new(o),
                    option(o)
                ),
                None => format!("{sponsor} {what} {proposal}: no venue can take it."),
            }
        }
        Fact::Membership {
            venue,
            joined,
            left,
            members,
            why,
            drawn,
        } => {
            let how = if *drawn {
                " new seats drawn by sqrt(power) x competence:"
            } else {
                ""
            };
            let parts = match why {
                Some(w) => why_parts(joined, left, w, style.max_names),
                None => {
                    let mut parts = Vec::new();
                    if !joined.is_empty() {
                        parts.push(format!("{} joined", names(joined)));
                    }
                    if !left.is_empty() {
                        parts.push(format!("{} left", names(left)));
                    }
                    parts
                }
            };
            format!(
                "{venue}:{how} {} ({members} members now).",
                parts.join("; ")
            )
        }
        Fact::Admissions {
            venue,
            rule,
            admitted,
            refused,
        } => {
            let tallied = |v: &[(String, u32, u32)]| {
                let shown: Vec<String> =
                    v.iter().map(|(s, y, n)| format!("{s} ({y}-{n})")).collect();
                cut(shown, v.len(), style.max_names)
            };
            let mut parts = Vec::new();
            if !admitted.is_empty() {
                parts.push(format!("admits {}", tallied(admitted)));
            }
            if !refused.is_empty() {
                parts.push(format!("refuses {}", tallied(refused)));
            }
            let how = match rule {
                Some(rule) => format!(
                    ": {} applied, decided by {} of the members present; ",
                    admitted.len() + refused.len(),
                    admit_rule(*rule)
                ),
                None => " ".to_string(),
            };
            format!("{venue}{how}{}.", parts.join("; "))
        }
        Fact::Decided {
            venue,
            proposal,
            sponsor,
            kind,
            position,
            tally,
            adopted,
            how,
            breakers,
        } => {
            let verb = if *adopted { "ADOPTS" } else { "REJECTS" };
            let mut s = format!(
                "{venue} {verb} {proposal} ({sponsor}'s {} text at modality {:.2}, scope {:.2}){}: {}.",
                kind.as_str(),
                position.m,
                position.s,
                rule_text(*how, *adopted, tally),
                tally_text(tally)
            );
            if !breakers.is_empty() {
                s.push_str(&format!(
                    " Broke with their bloc: {}.",
                    breaker_text(breakers, style.max_names)
                ));
            }
            s
        }
        Fact::Reform {
            venue,
            proposer,
            up,
            transparency,
            stakeholder_weight,
            tally,
            passed,
        } => {
            if !passed && !style.failed_reforms {
                return None;
            }
            let dir = if *up { "opening" } else { "closing" };
            let verb = if *passed { "passes" } else { "fails" };
            // Reforms count effective weight (power, competence, attention), not heads.
            format!(
                "{venue}: {proposer}'s {dir} reform (transparency {transparency:.2}, stakeholder weight {stakeholder_weight:.2}) {verb} on weighted votes; by head {}.",
                tally_text(tally)
            )
        }
        Fact::Election {
            venue,
            winner,
            votes,
        } => format!(
            "{venue} election: {winner} wins ({}).",
            votes
                .iter()
                .map(|(id, n)| format!("{id}:{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Fact::Summary {
            ami,
            fragmentation,
            venues_active,
        } => format!(
            "End of year: AMI {}, fragmentation {fragmentation:.2}, {venues_active} venues.",
            if ami.is_finite() {
                format!("{ami:.2}")
            } else {
                "n/a".into()
            }
        ),
    })
}

/// The membership line's parts with their reasons. Lists with numbers name half as
/// many states as plain lists (they are read aloud); each names its first state with
/// the sum in words and the others in short (`as did X (+0.05 = 0.07 - 0.02)`).
fn why_parts(joined: &[String], left: &[String], w: &Reasons, max: usize) -> Vec<String> {
    let max = max.div_ceil(2);
    let mut parts = Vec::new();
    let sum = |r: &Reason| {
        let n = shown(
            r,
            if left.contains(&r.state) {
                r.threshold
            } else {
                0.0
            },
        );
        format!("{} = {} - {}", n.value, n.stake, n.cost)
    };
    let told = |who: &[String], long: &dyn Fn(&Reason) -> String| -> Vec<(String, String)> {
        who.iter()
            .enumerate()
            .map(|(k, s)| {
                let why = match w.reason(s) {
                    Some(r) if k == 0 => long(r),
                    Some(r) => sum(r),
                    None => String::new(),
                };
                (s.clone(), why)
            })
            .collect()
    };
    if !joined.is_empty() {
        let long = |r: &Reason| {
            let n = shown(r, 0.0);
            format!(
                "value {} = stake {} - legitimation cost {}",
                n.value, n.stake, n.cost
            )
        };
        parts.push(list_as(told(joined, &long), "joined", "did", max));
    }
    if !left.is_empty() {
        let long = |r: &Reason| {
            let n = shown(r, r.threshold);
            format!(
                "value {} = stake {} - legitimation cost {}, below the exit threshold {}",
                n.value, n.stake, n.cost, n.against
            )
        };
        parts.push(list_as(told(left, &long), "left", "did", max));
    }
    if let Some((first, _)) = w.kept.first() {
        let items: Vec<String> = w
            .kept
            .iter()
            .map(|(r, p)| format!("{} ({p}, value {})", r.state, signed(r.value)))
            .collect();
        let one = w.kept.len() == 1;
        parts.push(format!(
            "{} {} below the exit threshold {} but stay{} while {} on the agenda",
            cut(items, w.kept.len(), max),
            if one { "is" } else { "are" },
            signed(first.threshold),
            if one { "s" } else { "" },
            if one {
                "its proposal is"
            } else {
                "their proposals are"
            },
        ));
    }
    if !w.stayed_out.is_empty() {
        let items: Vec<(String, String)> = w
            .stayed_out
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let n = shown(r, 0.0);
                let why = if k == 0 {
                    format!("legitimation cost {} outweighs stake {}", n.cost, n.stake)
                } else {
                    format!("{} > {}", n.cost, n.stake)
                };
                (r.state.clone(), why)
            })
            .collect();
        parts.push(list_as(items, "stays out", "do", max));
    }
    parts
}

/// `A joined (...), as did B (...), C (...) and 4 more` from (name, reason) items.
fn list_as(items: Vec<(String, String)>, verb: &str, aux: &str, max: usize) -> String {
    let item = |(s, why): (String, String)| {
        if why.is_empty() {
            s
        } else {
            format!("{s} ({why})")
        }
    };
    let n = items.len();
    let mut it = items.into_iter();
    let Some((first, why)) = it.next() else {
        return String::new();
    };
    let head = if why.is_empty() {
        format!("{first} {verb}")
    } else {
        format!("{first} {verb} ({why})")
    };
    if n == 1 {
        return head;
    }
    let rest: Vec<String> = it.map(item).collect();
    let shown = max.saturating_sub(1).max(1);
    format!("{head}, as {aux} {}", cut(rest, n - 1, shown))
}

/// The first `max` items joined by commas, and `and N more` for the rest of `total`.
fn cut(items: Vec<String>, total: usize, max: usize) -> String {
    let shown = items.into_iter().take(max).collect::<Vec<_>>();
    let more = total.saturating_sub(shown.len());
    let list = shown.join(", ");
    if more > 0 {
        format!("{list} and {more} more")
    } else {
        list
    }
}

/// A reason's numbers as they are read aloud: value, stake and cost with as many decimals
/// (2, 3 or 4) as it takes for the printed value to equal the printed stake minus the
/// printed cost, and for the value to print apart from `against` (0 for a join or a
/// stay-out, the exit threshold for a leave) — so that "+0.00 = 0.10 - 0.10" or "0.04
/// > 0.04" is never said of a state that did cross its threshold.
struct Shown {
    value: String,
    stake: String,
    cost: String,
    against: String,
}

fn shown(r: &Reason, against: f64) -> Shown {
    let at = |d: usize| {
        let f = |x: f64| {
            let x = if x.abs() < 0.5 * 10f64.powi(-(d as i32)) {
                0.0
            } else {
                x
            };
            format!("{x:.d$}")
        };
        let signed = |x: f64| {
            let t = f(x);
            if t.starts_with('-') {
                t
            } else {
                format!("+{t}")
            }
        };
        let (stake, cost) = (f(r.stake), f(r.cost));
        let printed: f64 =
            stake.parse::<f64>().unwrap_or(r.stake) - cost.parse::<f64>().unwrap_or(r.cost);
        let ok = f(printed) == f(r.value) && f(r.value) != f(against);
        (
            ok,
            Shown {
                value: signed(r.value),
                stake,
                cost,
                against: signed(against),
            },
        )
    };
    for d in 2..4 {
        let (ok, s) = at(d);
        if ok {
            return s;
        }
    }
    at(4).1
}

/// A value with its sign, 2 decimals, never `-0.00`.
fn signed(x: f64) -> String {
    let x = if x.abs() < 0.005 { 0.0 } else { x };
    format!("{x:+.2}")
}

fn admit_rule(rule: Admit) -> &'static str {
    match rule {
        Admit::Unanimity => "unanimity",
        Admit::Majority => "majority",
        Admit::Supermajority => "two-thirds",
        Admit::Invited => "invitation",
    }
}

fn option(o: &Option_) -> String {
    format!("EU {:.2}, pass {:.0}%", o.eu, 100.0 * o.p_pass)
}

fn venue_or_new(o: &Option_) -> &str {
    o.venue.as_deref().unwrap_or("a new bloc venue")
}

/// How a decision was taken, named where the tally alone would not explain the
/// outcome: a consensus that objections blocked, a text adopted without a vote (the
/// tally is then of the positions delegations held), a counted vote lost with more
/// yes than no (a threshold above half).
fn rule_text(how: How, adopted: bool, t: &Tally) -> &'static str {
    match (how, adopted) {
        (How::Consensus, false) => " by consensus, which a single objection blocks",
        (How::Consensus, true) => " by consensus",
        (How::WithoutVote, _) => " without a vote; positions held",
        (How::Vote, false) if t.yes > t.no => " by a vote, short of the majority it needs",
        (How::Vote, _) => "",
    }
}

fn tally_text(t: &Tally) -> String {
    let mut s = format!("{} yes, {} no", t.yes, t.no);
    if t.abstain > 0 {
        s.push_str(&format!(", {} abstain", t.abstain));
    }
    if t.absent > 0 {
        s.push_str(&format!(", {} absent", t.absent));
    }
    s
}

/// Breakers grouped by (bloc, bloc's vote, their vote), largest group first.
fn breaker_text(b: &[Breaker], max: usize) -> String {
    let mut groups: Vec<((String, Vote, Vote), Vec<String>)> = Vec::new();
    for x in b {
        let key = (x.bloc.clone(), x.bloc_vote, x.vote);
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(x.state.clone()),
            None => groups.push((key, vec![x.state.clone()])),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1.len()));
    let shown = groups.len().min(3);
    let mut parts: Vec<String> = groups[..shown]
        .iter()
        .map(|((bloc, bv, v), who)| {
            format!(
                "{} voted {} against {bloc}'s {}",
                names(who, max),
                v.as_str(),
                bv.as_str()
            )
        })
        .collect();
    let rest: usize = groups[shown..].iter().map(|g| g.1.len()).sum();
    if rest > 0 {
        parts.push(format!("{rest} more elsewhere"));
    }
    parts.join("; ")
}

/// `A, B, C and 4 more`.
pub fn names(v: &[String], max: usize) -> String {
    let shown = v.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if v.len() > max {
        format!("{shown} and {} more", v.len() - max)
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Pos};

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let v: Vec<String> = (1..=9).map(|i| format!("S{i}")).collect();
        assert_eq!(names(&v, 3), "S1, S2, S3 and 6 more");
        assert_eq!(names(&v[..2], 3), "S1, S2");
    }

    #[test]
    fn a_decision_line_names_the_tally_and_the_breakers() {
        let f = Fact::Decided {
            venue: "unga".into(),
            proposal: "p".into(),
            sponsor: "GP5".into(),
            kind: Kind::Norms,
            position: Pos::new(0.6, 0.55),
            tally: Tally {
                yes: 97,
                no: 24,
                abstain: 16,
                absent: 0,
            },
            adopted: true,
            how: How::Vote,
            breakers: vec![Breaker {
                state: "ED3".into(),
                vote: Vote::No,
                bloc: "afr".into(),
                bloc_vote: Vote::Yes,
            }],
        };
        let s = line(&f, Style::default()).unwrap();
        assert_eq!(
            s,
            "unga ADOPTS p (GP5's norms text at modality 0.60, scope 0.55): 97 yes, 24 no, \
             16 abstain. Broke with their bloc: ED3 voted no against afr's yes."
        );
    }

    #[test]
    fn a_decision_names_its_rule_where_the_tally_does_not_explain_it() {
        let decided = |how: How, adopted: bool, yes: u32, no: u32| {
            let f = Fact::Decided {
                venue: "oewg".into(),
                proposal: "p".into(),
                sponsor: "X".into(),
                kind: Kind::Norms,
                position: Pos::new(0.5, 0.5),
                tally: Tally {
                    yes,
                    no,
                    abstain: 0,
                    absent: 0,
                },
                adopted,
                how,
                breakers: vec![],
            };
            line(&f, Style::default()).unwrap()
        };
        assert_eq!(
            decided(How::Consensus, false, 90, 32),
            "oewg REJECTS p (X's norms text at modality 0.50, scope 0.50) by consensus, which a \
             single objection blocks: 90 yes, 32 no."
        );
        assert!(
            decided(How::WithoutVote, true, 120, 3)
                .contains(" without a vote; positions held: 120 yes")
        );
        assert!(
            decided(How::Vote, false, 60, 40)
                .contains(" by a vote, short of the majority it needs: ")
        );
        // A plain majority vote explains itself.
        assert!(decided(How::Vote, false, 40, 60).contains("scope 0.50): 40 yes, 60 no."));
    }

    #[test]
    fn failed_reforms_are_left_out_unless_asked_for() {
        let f = Fact::Reform {
            venue: "itu".into(),
            proposer: "X".into(),
            up: false,
            transparency: 0.35,
            stakeholder_weight: 0.05,
            tally: Tally::default(),
            passed: false,
        };
        assert_eq!(line(&f, Style::default()), None);
        let all = Style {
            failed_reforms: true,
            ..Style::default()
        };
        assert!(line(&f, all).unwrap().contains("closing reform"));
    }

    #[test]
    fn a_choice_gives_the_reason_in_numbers() {
        let f = Fact::Tabled {
            proposal: "new-ip".into(),
            sponsor: "GP4".into(),
            kind: Kind::Standards,
            chosen: Option_ {
                venue: Some("itu".into()),
                eu: 1.0165,
                p_pass: 1.0,
            },
            created: false,
            moved_from: Some("ietf".into()),
            others: vec![Option_ {
                venue: None,
                eu: 0.186,
                p_pass: 1.0,
            }],
        };
        assert_eq!(
            line(&f, Style::default()).unwrap(),
            "GP4 tables new-ip (standards) in itu, moving it from ietf: EU 1.02, pass 100%; \
             best alternative a new bloc venue EU 0.19, pass 100%."
        );
    }

    fn reason(state: &str, stake: f64, cost: f64, threshold: f64) -> Reason {
        Reason {
            state: state.into(),
            value: stake - cost,
            stake,
            cost,
            threshold,
        }
    }

    #[test]
    fn a_join_and_a_stay_out_give_their_reasons() {
        let w = Reasons {
            joined: vec![
                reason("FRA", 0.15, 0.03, 0.0),
                reason("DEU", 0.07, 0.02, 0.0),
            ],
            stayed_out: vec![
                reason("USA", 0.02, 0.09, 0.0),
                reason("GBR", 0.018, 0.071, 0.0),
            ],
            ..Reasons::default()
        };
        let f = Fact::Membership {
            venue: "oewg".into(),
            joined: vec!["FRA".into(), "DEU".into()],
            left: vec![],
            members: 12,
            why: Some(w),
            drawn: false,
        };
        assert_eq!(
            line(&f, Style::default()).unwrap(),
            "oewg: FRA joined (value +0.12 = stake 0.15 - legitimation cost 0.03), as did \
             DEU (+0.05 = 0.07 - 0.02); USA stays out (legitimation cost 0.09 outweighs \
             stake 0.02), as do GBR (0.07 > 0.02) (12 members now)."
        );
    }

    #[test]
    fn a_leave_names_the_exit_threshold_and_a_sponsor_why_it_stays() {
        let w = Reasons {
            left: vec![reason("ITA", 0.0, 0.28, -0.1)],
            kept: vec![(reason("GP4", 0.01, 0.2, -0.1), "forum-code".into())],
            ..Reasons::default()
        };
        let f = Fact::Membership {
            venue: "forum".into(),
            joined: vec![],
            // A leave without a reason (a scheduled event) is named plainly.
            left: vec!["ITA".into(), "ESP".into()],
            members: 41,
            why: Some(w),
            drawn: false,
        };
        assert_eq!(
            line(&f, Style::default()).unwrap(),
            "forum: ITA left (value -0.28 = stake 0.00 - legitimation cost 0.28, below the \
             exit threshold -0.10), as did ESP; GP4 (forum-code, value -0.19) is below the \
             exit threshold -0.10 but stays while its proposal is on the agenda (41 members now)."
        );
    }

    #[test]
    fn close_calls_get_the_decimals_that_make_them_read_right() {
        let w = Reasons {
            joined: vec![reason("EE1", 0.1004, 0.0996, 0.0)],
            stayed_out: vec![reason("EA2", 0.0404, 0.0436, 0.0)],
            ..Reasons::default()
        };
        let f = Fact::Membership {
            venue: "v".into(),
            joined: vec!["EE1".into()],
            left: vec![],
            members: 3,
            why: Some(w),
            drawn: false,
        };
        assert_eq!(
            line(&f, Style::default()).unwrap(),
            "v: EE1 joined (value +0.0008 = stake 0.1004 - legitimation cost 0.0996); EA2 \
             stays out (legitimation cost 0.0436 outweighs stake 0.0404) (3 members now)."
        );
        let w = Reasons {
            left: vec![reason("AUS", 0.0, 0.1003, -0.1)],
            ..Reasons::default()
        };
        let f = Fact::Membership {
            venue: "v".into(),
            joined: vec![],
            left: vec!["AUS".into()],
            members: 2,
            why: Some(w),
            drawn: false,
        };
        assert_eq!(
            line(&f, Style::default()).unwrap(),
            "v: AUS left (value -0.1003 = stake 0.0000 - legitimation cost 0.1003, below the \
             exit threshold -0.1000) (2 members now)."
        );
    }

    #[test]
    fn long_lists_of_reasons_are_cut_shorter_than_names() {
        let w = Reasons {
            stayed_out: (1..=9)
                .map(|k| reason(&format!("S{k}"), 0.1, 0.2, 0.0))
                .collect(),
            ..Reasons::default()
        };
        let f = Fact::Membership {
            venue: "v".into(),
            joined: vec![],
            left: vec![],
            members: 3,
            why: Some(w),
            drawn: false,
        };
        let s = line(&f, Style::default()).unwrap();
        assert!(
            s.ends_with("as do S2 (0.20 > 0.10), S3 (0.20 > 0.10) and 6 more (3 members now)."),
            "{s}"
        );
        assert_eq!(signed(-0.001), "+0.00");
    }

    #[test]
    fn admissions_say_who_applied_the_tallies_and_the_rule() {
        let f = Fact::Admissions {
            venue: "budapest".into(),
            rule: Some(Admit::Unanimity),
            admitted: vec![("AD4".into(), 29, 0)],
            refused: vec![("GS3".into(), 18, 12)],
        };
        assert_eq!(
            line(&f, Style::default()).unwrap(),
            "budapest: 2 applied, decided by unanimity of the members present; admits AD4 \
             (29-0); refuses GS3 (18-12)."
        );
        let f = Fact::Admissions {
            venue: "sco".into(),
            rule: None,
            admitted: vec![("HY3".into(), 25, 0)],
            refused: vec![],
        };
        assert_eq!(
            line(&f, Style::default()).unwrap(),
            "sco admits HY3 (25-0)."
        );
    }

    #[test]
    fn a_seat_draw_says_so() {
        let f = Fact::Membership {
            venue: "gge".into(),
            joined: vec!["SK1".into()],
            left: vec!["SU2".into()],
            members: 25,
            why: None,
            drawn: true,
        };
        assert_eq!(
            line(&f, Style::default()).unwrap(),
            "gge: new seats drawn by sqrt(power) x competence: SK1 joined; SU2 left (25 members now)."
        );
    }
}
