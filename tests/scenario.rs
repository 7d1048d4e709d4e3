//! Loading valid scenarios: the good fixtures, the stylized demo, `--set`
//! overrides, and property tests of the loader's invariants.

use std::path::{Path, PathBuf};

use forumsim::model::{
    Admit, Decision, Event, Kind, Membership, Origin, PARAM_DEFS, Pos, PositionSpec,
    ProceduralAction, Reach, Scenario, Stakeholders, Target,
};
use forumsim::scenario::{self, ScenarioError};
use proptest::prelude::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn good(name: &str) -> PathBuf {
    root().join("tests/fixtures/good").join(name)
}

fn stylized_path() -> PathBuf {
    root().join("scenarios/stylized.toml")
}

fn load(path: &Path) -> Scenario {
    scenario::load(path).unwrap_or_else(|e| panic!("{e}"))
}

fn power_sum(s: &Scenario) -> f64 {
    s.states.iter().map(|st| st.power).sum()
}

// ---- the good fixtures ---------------------------------------------------------------

#[test]
fn inline_fixture_resolves_everything() {
    let s = load(&good("inline.toml"));
    assert_eq!(
        (s.name.as_str(), s.rounds, s.start_year, s.seed, s.runs),
        ("inline", 10, 2000, 7, 3)
    );
    assert_eq!(s.legacy, Pos::new(0.1, 0.25));
    assert_eq!(s.params.legit_cost, 0.4);
    assert_eq!(s.params.alpha, 0.5, "unset parameters keep their defaults");
    assert!(!s.params.allow_create);
    assert_eq!(s.stakeholder.ideal, Pos::new(0.05, 0.1));
    assert!((power_sum(&s) - 1.0).abs() < 1e-12);
    assert_eq!(s.tags, ["p3", "club"]);
    assert_eq!(s.blocs[1].cohesion, Some(0.8));
    assert_eq!(s.blocs[2].name, "south", "the name defaults to the id");

    let b = &s.states[s.state_ix("B").unwrap()];
    assert_eq!((b.ideal, b.salience), (Some(Pos::new(0.2, 0.3)), Some(0.8)));
    assert_eq!(
        s.states[s.state_ix("C").unwrap()].blocs,
        [1, 2],
        "home bloc first"
    );

    // Initial venues, then the venue of a `create`, then the venue of a `new_venue` event.
    let ids: Vec<&str> = s.venues.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "assembly",
            "experts",
            "club",
            "bloc-forum",
            "tech",
            "forum",
            "group",
            "summit"
        ]
    );
    let new_group = s.proposal_ix("new-group").unwrap();
    assert_eq!(
        s.venues[6].origin,
        Origin::Proposal {
            proposal: new_group
        }
    );
    assert_eq!(s.venues[7].origin, Origin::Event { round: 3 });

    let v = |id: &str| &s.venues[s.venue_ix(id).unwrap()];
    assert_eq!(
        v("assembly").membership,
        Membership::Open { universal: true }
    );
    assert_eq!(
        v("assembly").decision,
        Decision::Majority { threshold: 0.5 }
    );
    assert_eq!(v("assembly").stakeholders, Stakeholders::None);
    assert_eq!(
        v("experts").membership,
        Membership::Appointed {
            seats: 4,
            reserved: vec![0],
            term: 2,
            quota_by: vec![0, 1, 2]
        }
    );
    assert_eq!(v("experts").negotiation_rounds, 2);
    assert_eq!(
        v("club").membership,
        Membership::Invitation {
            admit: Admit::Unanimity
        }
    );
    assert!(
        matches!(v("club").decision, Decision::Supermajority { threshold } if (threshold - 2.0 / 3.0).abs() < 1e-12)
    );
    assert_eq!(v("club").rules, [(Kind::Cybercrime, Pos::new(0.2, 0.2))]);
    assert_eq!(v("club").founders, [0, 1], "founder_tags = club: A and B");
    assert_eq!(
        v("bloc-forum").founders,
        [2, 3, 4],
        "founders E plus founder_blocs east (C, D), in index order"
    );
    assert_eq!(
        v("bloc-forum").membership,
        Membership::Invitation {
            admit: Admit::Majority
        }
    );
    assert_eq!(v("tech").membership, Membership::Individuals);
    assert_eq!(v("tech").reach, Reach::Global);
    assert_eq!(
        v("tech").decision,
        Decision::RoughConsensus { threshold: 0.7 }
    );
    assert_eq!(v("tech").stakeholders, Stakeholders::Full { weight: 0.6 });
    assert_eq!(v("forum").membership, Membership::Open { universal: false });
    assert_eq!(v("summit").founders, [2, 3]);

    let p = |id: &str| &s.proposals[s.proposal_ix(id).unwrap()];
    assert_eq!(p("east-norms").position, PositionSpec::SponsorIdeal);
    assert_eq!(p("east-norms").max_moves, 3);
    assert_eq!(
        p("west-standards").introduced,
        3,
        "introduced_year 2003 with start_year 2000"
    );
    assert_eq!(p("west-standards").venue, s.venue_ix("tech"));
    let proc = p("new-group").procedural.as_ref().unwrap();
    assert_eq!(proc.parent, s.venue_ix("assembly").unwrap());
    assert_eq!(proc.replaces, [s.venue_ix("experts").unwrap()]);
    assert_eq!(
        proc.action,
        ProceduralAction::Create {
            venue: 6,
            mandate_kind: Kind::Norms,
            mandate_position: PositionSpec::Given(Pos::new(0.8, 0.7)),
            table_mandate: true,
        }
    );
    let ProceduralAction::Change { venue, change } =
        &p("open-up-experts").procedural.as_ref().unwrap().action
    else {
        panic!("a change");
    };
    assert_eq!(*venue, s.venue_ix("experts").unwrap());
    assert!(change.is_openness_only());
    // A `new_proposal` event becomes a proposal introduced at the event's round.
    assert_eq!(p("summit-crime").introduced, 3);
    assert_eq!(p("summit-crime").venue, s.venue_ix("summit"));

    // Events sorted by round, stably; labels from ids or positions in the file.
    let rounds: Vec<u32> = s.events.iter().map(|e| e.round).collect();
    assert_eq!(rounds, [1, 2, 3, 5, 5, 5, 6]);
    let labels: Vec<&str> = s.events.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "event-6", "event-3", "event-4", "shock", "event-7", "event-8", "event-1"
        ]
    );
    assert_eq!(
        s.events[6].event,
        Event::IdealShift {
            target: Target::Bloc(1),
            dm: 0.05,
            ds: 0.0
        }
    );
    assert_eq!(s.events[2].event, Event::NewVenue { venue: 7 });
    assert_eq!(
        s.events[4].event,
        Event::Tag {
            state: 4,
            tag: 1,
            add: true
        }
    );
}

#[test]
fn csv_fixture_reads_the_table_then_inline_states() {
    let s = load(&good("csv.toml"));
    let ids: Vec<&str> = s.states.iter().map(|st| st.id.as_str()).collect();
    assert_eq!(ids, ["NOR", "SOU", "EAS", "WES", "ISL"]);
    assert!((power_sum(&s) - 1.0).abs() < 1e-12);
    assert!((s.states[1].power - 5.0 / 12.0).abs() < 1e-12);
    let sou = &s.states[1];
    assert_eq!(
        (sou.ideal, sou.salience),
        (Some(Pos::new(0.8, 0.7)), Some(0.9))
    );
    assert_eq!(sou.blocs, [1, 0]);
    assert_eq!(s.venues[1].founders, [0, 3], "the CSV's club tag");
}

#[test]
fn population_fixture_draws_the_same_world_every_time() {
    let a = load(&good("population.toml"));
    let b = load(&good("population.toml"));
    assert_eq!(a.states, b.states);
    assert_eq!(a.states.len(), 62);
    assert_eq!(a.states[2].id, "D1");
    assert_eq!(a.states[61].id, "A10");
    assert!((power_sum(&a) - 1.0).abs() < 1e-12);
    // `population_seed` fixes the world; the run seed can change without redrawing it.
    let c = scenario::load_with(&good("population.toml"), &["seed=999".into()]).unwrap();
    assert_eq!(a.states, c.states);
    let d = scenario::load_with(&good("population.toml"), &["population_seed=6".into()]).unwrap();
    assert_ne!(a.states, d.states);
    // Hybrids draw their home bloc (north or south); fixed blocs follow.
    for st in a.states.iter().filter(|st| st.id.starts_with('H')) {
        assert!(st.blocs == [0] || st.blocs == [1], "{:?}", st.blocs);
    }
    assert_eq!(
        a.venues[1].founders.len(),
        11,
        "GP2 and the ten autocracies"
    );
}

// ---- the stylized demo ---------------------------------------------------------------

#[test]
fn stylized_world_is_what_the_docs_say() {
    let s = load(&stylized_path());
    assert_eq!(
        (s.name.as_str(), s.rounds, s.start_year, s.runs),
        ("stylized", 28, 1998, 20)
    );
    assert_eq!(s.states.len(), 150);
    assert!((power_sum(&s) - 1.0).abs() < 1e-9);

    let p5 = s.tags.iter().position(|t| t == "p5").unwrap();
    let p5_states: Vec<&str> = s
        .states
        .iter()
        .filter(|st| st.tags.contains(&p5))
        .map(|st| st.id.as_str())
        .collect();
    assert_eq!(p5_states, ["GP1", "GP2", "GP3", "GP4", "GP5"]);

    // Every state sits in exactly one UN regional group.
    let groups: Vec<usize> = ["afr", "apg", "eeg", "grulac", "weog"]
        .iter()
        .map(|g| s.bloc_ix(g).unwrap())
        .collect();
    for st in &s.states {
        let n = st.blocs.iter().filter(|b| groups.contains(b)).count();
        assert_eq!(n, 1, "{} is in {n} UN groups", st.id);
    }
    // The SCO bloc can create venues: its members' home bloc holds >= create_power.
    let sco = s.bloc_ix("sco").unwrap();
    let sco_power: f64 = s
        .states
        .iter()
        .filter(|st| st.blocs.first() == Some(&sco))
        .map(|st| st.power)
        .sum();
    assert!(sco_power >= s.params.create_power, "sco holds {sco_power}");

    let ids: Vec<&str> = s.venues.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        ["unga", "gge", "budapest", "itu", "ietf", "sco", "oewg"]
    );
    let v = |id: &str| &s.venues[s.venue_ix(id).unwrap()];
    assert_eq!(
        v("unga").hosts,
        forumsim::model::KindSet::of(&[Kind::Procedural, Kind::Norms, Kind::Cybercrime])
    );
    assert!(matches!(
        v("gge").membership,
        Membership::Appointed {
            seats: 25,
            term: 2,
            ..
        }
    ));
    assert_eq!(
        v("ietf").decision,
        Decision::RoughConsensus {
            threshold: 2.0 / 3.0
        }
    );
    assert_eq!(v("ietf").reach, Reach::Global);
    assert!(matches!(v("oewg").origin, Origin::Proposal { .. }));
    assert_eq!(
        v("oewg").stakeholders,
        Stakeholders::Consultative { weight: 0.05 }
    );
    let coe = s.tags.iter().position(|t| t == "coe").unwrap();
    let coe_states: Vec<usize> = (0..s.states.len())
        .filter(|&i| s.states[i].tags.contains(&coe))
        .collect();
    assert_eq!(v("budapest").founders, coe_states);
    let sco_members: Vec<usize> = (0..s.states.len())
        .filter(|&i| s.states[i].blocs.contains(&sco))
        .collect();
    assert_eq!(v("sco").founders, sco_members);

    let substantive = s
        .proposals
        .iter()
        .filter(|p| p.kind.is_substantive())
        .count();
    assert!(substantive >= 10, "{substantive} substantive proposals");
    for kind in Kind::SUBSTANTIVE {
        assert!(
            s.proposals.iter().any(|p| p.kind == kind),
            "no {kind:?} proposal"
        );
    }
    let new_ip = &s.proposals[s.proposal_ix("new-ip").unwrap()];
    assert_eq!(new_ip.venue, s.venue_ix("ietf"));
    let gp5 = s.state_ix("GP5").unwrap();
    assert!(s.events.iter().any(|e| e.round == 24
        && e.event
            == Event::LegitimacyShock {
                state: gp5,
                delta: -0.8
            }));
    assert!(
        s.events
            .iter()
            .any(|e| e.round == 24 && matches!(e.event, Event::Election { .. }))
    );
}

#[test]
fn the_briefs_override_examples_all_apply() {
    let sets = [
        "parameters.legit_cost=0.5",
        "rounds=10",
        "seed=7",
        "venue.oewg.transparency=0.8",
        r#"venue.unga.decision={type="consensus"}"#,
        "bloc.sco.cohesion=0.9",
        "state.GP1.competence=0.9",
        "proposal.new-ip.max_moves=5",
        "venue.gge.decision=majority",
    ];
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let s = scenario::load_with(&stylized_path(), &sets).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.params.legit_cost, 0.5);
    assert_eq!((s.rounds, s.seed), (10, 7));
    assert_eq!(s.venues[s.venue_ix("oewg").unwrap()].transparency, 0.8);
    assert_eq!(
        s.venues[s.venue_ix("unga").unwrap()].decision,
        Decision::Consensus
    );
    assert_eq!(
        s.venues[s.venue_ix("gge").unwrap()].decision,
        Decision::Majority { threshold: 0.5 }
    );
    assert_eq!(s.blocs[s.bloc_ix("sco").unwrap()].cohesion, Some(0.9));
    assert_eq!(s.states[s.state_ix("GP1").unwrap()].competence, 0.9);
    assert_eq!(s.proposals[s.proposal_ix("new-ip").unwrap()].max_moves, 5);
}

#[test]
fn apply_override_edits_plain_documents() {
    let text = std::fs::read_to_string(stylized_path()).unwrap();
    let mut doc: toml::Table = text.parse().unwrap();
    scenario::apply_override(
        &mut doc,
        "venue.oewg.transparency",
        scenario::parse_value("0.8"),
    )
    .unwrap();
    let oewg = &doc["proposal"].as_array().unwrap()[0]["create"];
    assert_eq!(oewg["transparency"].as_float(), Some(0.8));
    let e = scenario::apply_override(
        &mut doc,
        "venue.oewgg.transparency",
        toml::Value::Float(0.8),
    )
    .unwrap_err();
    assert!(e.contains("did you mean `oewg`?"), "{e}");
}

#[test]
fn relative_csv_paths_resolve_against_the_scenario_folder() {
    let text = std::fs::read_to_string(good("csv.toml")).unwrap();
    // The same text, claimed to live elsewhere, no longer finds its table.
    let e = scenario::from_str(&text, Path::new("/nonexistent/csv.toml"), &[]).unwrap_err();
    assert!(
        e.to_string()
            .contains("states_csv: cannot read `/nonexistent/states.csv`"),
        "{e}"
    );
    assert!(scenario::from_str(&text, &good("csv.toml"), &[]).is_ok());
}

// ---- docs/SCENARIOS.md stays true ---------------------------------------------------

/// The first fenced block of `lang` in `text`.
fn fenced<'t>(text: &'t str, lang: &str) -> &'t str {
    let open = format!("```{lang}\n");
    let start = text.find(&open).map(|i| i + open.len()).expect("block");
    let len = text[start..].find("```").expect("closing fence");
    &text[start..start + len]
}

#[test]
fn the_documented_example_loads() {
    let doc = std::fs::read_to_string(root().join("docs/SCENARIOS.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tiny.toml"), fenced(&doc, "toml")).unwrap();
    std::fs::write(dir.path().join("tiny_states.csv"), fenced(&doc, "csv")).unwrap();
    let s = load(&dir.path().join("tiny.toml"));
    assert_eq!(s.name, "tiny");
    assert_eq!(s.states.len(), 2 + 2 + 20 + 10);
    let ids: Vec<&str> = s.venues.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["assembly", "experts", "club", "tech", "wg", "summit"]);
    assert_eq!(s.proposals.len(), 5);
    assert_eq!(s.events.len(), 7);
    let facts: Vec<&str> = s.facts.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(facts, ["order-norms-voted-down", "gp1-chair", "club-size"]);
}

#[test]
fn the_documented_parameter_table_matches_the_code() {
    let doc = std::fs::read_to_string(root().join("docs/SCENARIOS.md")).unwrap();
    for d in PARAM_DEFS {
        let row = format!("| `{}` | {} | [{}, {}] |", d.name, d.default, d.min, d.max);
        assert!(doc.contains(&row), "docs/SCENARIOS.md lacks the row {row}");
    }
}

// ---- properties ----------------------------------------------------------------------

const WORLD: &str = r#"
name = "prop"
rounds = 3
seed = 1
[[state]]
id = "A"
regime = 0.5
power = 1
competence = 0.5
ict = 0.5
[[venue]]
id = "v"
membership = { type = "open", initial = "all" }
decision = "consensus"
transparency = 0.5
hosts = ["norms"]
"#;

fn with(text: &str, sets: &[String]) -> Result<Scenario, ScenarioError> {
    scenario::from_str(text, Path::new("prop.toml"), sets)
}

/// Overrides that set a value of the stylized world to what it already is.
const SAME: &[&str] = &[
    "rounds=28",
    "seed=42",
    "legacy=[0.15, 0.2]",
    "parameters.legit_cost=0.3",
    "parameters.allow_create=true",
    "venue.gge.transparency=0.3",
    "venue.oewg.transparency=0.5",
    "venue.ietf.decision=rough_consensus",
    r#"venue.unga.decision={ type = "majority", threshold = 0.5 }"#,
    r#"venue.itu.stakeholders={ type = "consultative", weight = 0.1 }"#,
    "venue.gge.membership.seats=25",
    "bloc.sco.shift=[0.15, 0.15]",
    "state.GP5.competence=0.9",
    "population.ED.count=33",
    r#"population.HY.home_bloc.0.bloc="afr""#,
    "proposal.new-ip.position=[0.85, 0.6]",
    "proposal.infosec-norms.max_moves=3",
    "event.invasion-2022.delta=-0.8",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn overriding_a_value_with_itself_changes_nothing(picks in proptest::sample::subsequence(SAME.to_vec(), 1..6)) {
        let base = format!("{:?}", load(&stylized_path()));
        let sets: Vec<String> = picks.iter().map(|s| s.to_string()).collect();
        let again = scenario::load_with(&stylized_path(), &sets).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(base, format!("{again:?}"));
    }

    #[test]
    fn populations_have_their_count_values_in_range_and_unit_power(
        count in 1usize..200,
        lo in 0.0f64..1.0,
        width in 0.0f64..1.0,
        mean in -0.5f64..1.5,
        sd in 0.0f64..1.0,
        mu in -3.0f64..3.0,
        sigma in 0.0f64..2.0,
        a in 0.1f64..10.0,
        b in 0.1f64..10.0,
        seed in 0u64..1_000_000,
    ) {
        let hi = (lo + width).min(1.0);
        let text = format!(r#"
name = "pop"
rounds = 1
seed = {seed}
[[bloc]]
id = "x"
[[bloc]]
id = "y"
[[population]]
label = "g"
count = {count}
id_prefix = "G"
regime = {{ dist = "uniform", min = {lo}, max = {hi} }}
power = {{ dist = "lognormal", mu = {mu}, sigma = {sigma} }}
competence = {{ dist = "normal", mean = {mean}, sd = {sd} }}
ict = {{ dist = "beta", a = {a}, b = {b} }}
home_bloc = [{{ bloc = "x", weight = 1 }}, {{ bloc = "y", weight = 2 }}]
"#);
        let s = with(&text, &[]).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(s.states.len(), count);
        for st in &s.states {
            prop_assert!(lo <= st.regime && st.regime <= hi);
            prop_assert!(st.power > 0.0);
            prop_assert!((0.0..=1.0).contains(&st.competence));
            prop_assert!((0.0..=1.0).contains(&st.ict));
            prop_assert_eq!(st.blocs.len(), 1);
        }
        prop_assert!((power_sum(&s) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn transparency_is_accepted_exactly_in_range(x in -1.0f64..2.0) {
        let r = with(WORLD, &[format!("venue.v.transparency={x:?}")]);
        prop_assert_eq!(r.is_ok(), (0.0..=1.0).contains(&x), "{:?}", r.err());
    }

    #[test]
    fn state_attributes_are_accepted_exactly_in_range(key in prop::sample::select(vec!["regime", "competence", "ict"]), x in -1.0f64..2.0) {
        let r = with(WORLD, &[format!("state.A.{key}={x:?}")]);
        prop_assert_eq!(r.is_ok(), (0.0..=1.0).contains(&x), "{:?}", r.err());
    }

    #[test]
    fn parameters_are_accepted_exactly_in_their_range(i in 0..PARAM_DEFS.len(), t in -0.5f64..1.5) {
        let def = &PARAM_DEFS[i];
        let x = def.min + t * (def.max - def.min);
        let r = with(WORLD, &[format!("parameters.{}={x:?}", def.name)]);
        prop_assert_eq!(r.is_ok(), def.min <= x && x <= def.max, "{} = {}: {:?}", def.name, x, r.err());
        if let Ok(s) = r {
            prop_assert_eq!(s.params.get(def.name), Some(x));
        }
    }

    #[test]
    fn rounds_are_accepted_exactly_when_positive(n in -5i64..50) {
        let r = with(WORLD, &[format!("rounds={n}")]);
        prop_assert_eq!(r.is_ok(), n >= 1);
    }
}
