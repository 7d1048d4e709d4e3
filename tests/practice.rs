//! The record's institutions (ODD 7.8, 7.11): terms, successors, recurring and
//! ratifying texts, chair's texts, the practice of consensus.
//! Integration tests: their worlds are written in TOML, and the loader sits above the
//! engine.

use forumsim::engine::*;
use forumsim::model::world::Status;
use forumsim::model::*;
use std::path::Path;

/// Eight states in two camps, an assembly that decides consensus first, and
/// `extra` TOML appended.
fn scenario(extra: &str, params: &str) -> Scenario {
    let mut text = String::from(
        r#"
name = "practice"
rounds = 8
start_year = 2000
seed = 3
[parameters]
absence = 0.0
vote_noise = 0.05
"#,
    );
    text.push_str(params);
    text.push_str(
        r#"
[[bloc]]
id = "west"
[[bloc]]
id = "east"
"#,
    );
    for k in 0..4 {
        text.push_str(&format!(
                "[[state]]\nid = \"W{k}\"\nregime = 0.9\npower = 1\ncompetence = 0.8\nict = 0.8\nblocs = [\"west\"]\n"
            ));
        text.push_str(&format!(
                "[[state]]\nid = \"E{k}\"\nregime = 0.1\npower = 1\ncompetence = 0.8\nict = 0.5\nblocs = [\"east\"]\n"
            ));
    }
    text.push_str(
        r#"
[[venue]]
id = "assembly"
membership = { type = "open", initial = "all" }
decision = { type = "consensus_first", threshold = 0.5 }
transparency = 0.5
hosts = ["procedural", "norms"]
"#,
    );
    text.push_str(extra);
    forumsim::scenario::from_str(&text, Path::new("practice.toml"), &[]).expect("loads")
}

/// A committee of every state, deciding by consensus, created in 2000.
const COMMITTEE: &str = r#"
[[event]]
type = "new_venue"
year = 2000
venue = { id = "committee", membership = { type = "open", initial = "all" }, decision = "consensus", transparency = 0.4, hosts = ["norms"], negotiation_rounds = 2 }
"#;

/// The row in `r.decisions` of proposal `id`'s first decision.
fn row_of(r: &RunResult, id: &str) -> Option<usize> {
    r.decisions.iter().position(|d| {
        d.what == DecisionKind::Proposal && r.proposal_names[d.proposal as usize] == id
    })
}

fn decided(r: &RunResult, id: &str) -> Vec<(i32, bool, How, String)> {
    r.decisions
        .iter()
        .filter(|d| {
            d.what == DecisionKind::Proposal
                && r.proposal_names
                    .get(d.proposal as usize)
                    .map(String::as_str)
                    == Some(id)
        })
        .map(|d| {
            (
                2000 + d.round as i32,
                d.adopted,
                d.how,
                r.venue_names[d.venue as usize].clone(),
            )
        })
        .collect()
}

#[test]
fn a_recurring_text_is_decided_every_year_until_its_last() {
    let sc = scenario(
        r#"
[[proposal]]
id = "annual"
kind = "norms"
sponsor = "E0"
venue = "assembly"
position = [0.4, 0.4]
introduced_year = 2001
repeat_until_year = 2004
"#,
        "",
    );
    let r = run(&sc, 0, RunOptions::default());
    let years: Vec<i32> = decided(&r, "annual").iter().map(|d| d.0).collect();
    assert_eq!(years, [2001, 2002, 2003, 2004]);
}

#[test]
fn a_venue_with_a_term_dissolves_and_its_successor_takes_up_its_text() {
    let sc = scenario(
        r#"
[[event]]
type = "new_venue"
year = 2000
venue = { id = "group1", membership = { type = "appointed", seats = 4, term = 9 }, decision = "consensus", transparency = 0.3, hosts = ["norms"], negotiation_rounds = 2, until_year = 2003 }
[[event]]
type = "new_venue"
year = 2002
venue = { id = "group2", membership = { type = "appointed", seats = 4, term = 9 }, decision = "consensus", transparency = 0.3, hosts = ["norms"], until_year = 2006, acquis = "group1" }
[[proposal]]
id = "report1"
kind = "norms"
chair = true
venue = "group1"
introduced_year = 2002
[[proposal]]
id = "late"
kind = "norms"
chair = true
venue = "group1"
introduced_year = 2003
"#,
        "break_cost = 1.0\n",
    );
    let r = run(&sc, 0, RunOptions::default());
    // The first group reports in 2003 (two rounds); a text tabled in its last year
    // lapses with it.
    assert_eq!(decided(&r, "report1").len(), 1);
    assert!(decided(&r, "report1")[0].1, "adopted by consensus");
    assert!(decided(&r, "late").is_empty());
    let late = sc.proposals.iter().position(|p| p.id == "late").unwrap();
    let mut stepper = Stepper::new(&sc, 0, RunOptions::default());
    while stepper.step() {}
    assert_eq!(
        stepper.world().proposals[late].status,
        Status::Abandoned,
        "a chair's text lapses with its venue"
    );
    let active = |year: i32, id: &str| {
        r.venues
            .iter()
            .any(|v| 2000 + v.round as i32 == year && r.venue_names[v.venue as usize] == id)
    };
    assert!(active(2003, "group1") && !active(2004, "group1"));
    // The second group, created before the first reported, holds its report.
    let rule = |year: i32, id: &str| {
        r.rules
            .iter()
            .find(|x| 2000 + x.round as i32 == year && r.venue_names[x.venue as usize] == id)
            .map(|x| x.rule)
    };
    assert_eq!(rule(2004, "group2"), rule(2003, "group1"));
    assert_ne!(rule(2002, "group2"), rule(2003, "group1"));
}

#[test]
fn a_ratifying_text_is_voted_right_after_the_text_it_ratifies() {
    let sc = scenario(
        &format!(
            "{COMMITTEE}{}",
            r#"
[[proposal]]
id = "convention"
kind = "norms"
chair = true
venue = "committee"
introduced_year = 2001
[[proposal]]
id = "adoption"
kind = "norms"
chair = true
venue = "assembly"
ratifies = "convention"
"#
        ),
        "break_cost = 1.0\n",
    );
    let r = run(&sc, 0, RunOptions::default());
    let c = decided(&r, "convention");
    let a = decided(&r, "adoption");
    assert_eq!(c.len(), 1);
    assert!(c[0].1);
    assert_eq!(a.len(), 1, "ratified once");
    assert_eq!((a[0].0, a[0].3.as_str()), (c[0].0, "assembly"), "same year");
    let pos = |id: &str| row_of(&r, id).map(|k| r.decisions[k].position);
    assert_eq!(pos("adoption"), pos("convention"), "at the adopted text");
}

/// Departure 47: a resolution welcoming a report of the same year is decided after
/// the report, restates it as adopted, and is let pass by those who let the report pass.
#[test]
fn a_welcoming_resolution_restates_the_report_of_its_own_session() {
    let sc = scenario(
        &format!(
            "{COMMITTEE}{}",
            r#"
[[proposal]]
id = "report"
kind = "norms"
chair = true
venue = "committee"
introduced_year = 2001
[[proposal]]
id = "welcome"
kind = "norms"
sponsor = "E0"
venue = "assembly"
position = { rule_of = ["committee"] }
introduced_year = 2002
"#
        ),
        "break_cost = 1.0\n",
    );
    for seed_run in 0..8 {
        let r = run(&sc, seed_run, RunOptions::default());
        let c = decided(&r, "report");
        let w = decided(&r, "welcome");
        assert_eq!(c.len(), 1, "run {seed_run}: {c:?}");
        assert!(c[0].1, "run {seed_run}: the report passes");
        assert_eq!(w.len(), 1, "run {seed_run}: {w:?}");
        assert_eq!(w[0].0, c[0].0, "run {seed_run}: same session");
        let row = |id: &str| row_of(&r, id).unwrap();
        assert!(
            row("welcome") > row("report"),
            "run {seed_run}: decided after it"
        );
        assert_eq!(
            r.decisions[row("welcome")].position,
            r.decisions[row("report")].position,
            "run {seed_run}: restates the report as adopted, not the sponsor's ideal"
        );
        assert_eq!(
            (w[0].1, w[0].2),
            (true, How::WithoutVote),
            "run {seed_run}: nobody who let the report pass calls a vote"
        );
    }
}

#[test]
fn recorded_votes_wear_the_practice_of_consensus_down() {
    // Two camp texts a year: each splits the assembly. With erosion, later
    // sessions split more easily; without, the practice holds at 1.
    let texts = r#"
[[proposal]]
id = "east"
kind = "norms"
sponsor = "E0"
venue = "assembly"
introduced_year = 2001
repeat_until_year = 2006
[[proposal]]
id = "west"
kind = "norms"
sponsor = "W0"
venue = "assembly"
introduced_year = 2001
repeat_until_year = 2006
"#;
    let params = "break_cost = 0.5\ndraft_reach = 0.0\nerosion = 0.5\n";
    let sc = scenario(texts, params);
    let mut st = Stepper::new(&sc, 0, RunOptions::default());
    for _ in 0..4 {
        st.step();
    }
    let eroded = st.world().venues[0].practice;
    let sc = scenario(texts, "break_cost = 0.5\ndraft_reach = 0.0\n");
    let mut st = Stepper::new(&sc, 0, RunOptions::default());
    for _ in 0..4 {
        st.step();
    }
    assert_eq!(st.world().venues[0].practice, 1.0);
    assert!(eroded < 0.5, "practice after split sessions: {eroded}");
}

/// A conference convened in 2001, consensus first, with `extra` fields in its table, and
/// a chair's text on it from 2001.
fn convened(id: &str, extra: &str) -> String {
    format!(
        r#"
[[event]]
type = "new_venue"
year = 2001
venue = {{ id = "{id}", membership = {{ type = "open", initial = "all" }}, decision = {{ type = "consensus_first", threshold = 0.5 }}, transparency = 0.4, hosts = ["norms"]{extra} }}
[[proposal]]
id = "{id}-text"
kind = "norms"
chair = true
venue = "{id}"
introduced_year = 2001
"#
    )
}

/// Departure 48: a venue created during the run starts at `founding_practice`, and each
/// session in which it sits and decides nothing builds the practice up by `recovery`;
/// the venues the scenario starts with hold theirs at 1.
#[test]
fn a_new_body_builds_its_practice_session_by_session() {
    let quiet = r#"
[[event]]
type = "new_venue"
year = 2001
venue = { id = "forum", membership = { type = "open", initial = "all" }, decision = { type = "consensus_first", threshold = 0.5 }, transparency = 0.4, hosts = ["norms"] }
"#;
    let practice_by_year = |params: &str| {
        let sc = scenario(
            quiet,
            &format!("break_cost = 0.5\nrecovery = 0.5\n{params}"),
        );
        let mut st = Stepper::new(&sc, 0, RunOptions::default());
        let mut seen = Vec::new();
        while st.step() {
            let w = st.world();
            let forum = w.venues.iter().position(|v| v.id == "forum").unwrap();
            seen.push((w.venues[0].practice, w.venues[forum].practice));
        }
        seen
    };
    let built = practice_by_year("founding_practice = 0.0\n");
    // 2000: not yet convened (0, untouched); 2001: first session, decided nothing.
    assert_eq!(built[1], (1.0, 0.5));
    assert_eq!(built[2], (1.0, 0.75));
    assert_eq!(built[3], (1.0, 0.875));
    assert!(built.iter().all(|&(assembly, _)| assembly == 1.0));
    let default = practice_by_year("");
    assert!(default[1..].iter().all(|&p| p == (1.0, 1.0)), "{default:?}");
}

/// Departure 48 as a mechanism, over 20 seeds: a chair's text that one camp dislikes is
/// put to a vote at a conference that decides at its first session, and adopted without
/// a vote by a body that negotiated for four sessions first — because of those sessions
/// (with `recovery = 0` it is put to a vote too); with `founding_practice = 1`
/// (departure 34 alone) neither is put to a vote.
#[test]
fn a_conference_convened_once_has_no_practice_to_protect() {
    let venues = convened("conference", ", until_year = 2001")
        + &convened("committee2", ", negotiation_rounds = 4");
    let votes = |founding: f64, recovery: f64| {
        let params =
            format!("break_cost = 0.6\nrecovery = {recovery}\nfounding_practice = {founding}\n");
        let sc = scenario(&venues, &params);
        let (mut conference, mut committee) = (0, 0);
        for run in 0..20 {
            let r = forumsim::engine::run(&sc, run, RunOptions::default());
            let how = |id: &str| decided(&r, id).first().map(|d| d.2);
            conference += usize::from(how("conference-text") == Some(How::Vote));
            committee += usize::from(how("committee2-text") == Some(How::Vote));
        }
        (conference, committee)
    };
    let (conference, committee) = votes(0.0, 0.5);
    assert!(
        conference >= 15,
        "conference by vote in {conference} of 20 runs"
    );
    assert!(
        committee <= 5,
        "committee by vote in {committee} of 20 runs"
    );
    let (_, unbuilt) = votes(0.0, 0.0);
    assert!(
        unbuilt >= 15,
        "committee without sessions' practice: {unbuilt} of 20"
    );
    assert_eq!(votes(1.0, 0.5), (0, 0));
}
