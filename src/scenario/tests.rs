//! Tests that load scenarios through the front door ([`crate::scenario::from_str`],
//! [`crate::scenario::resolved_from_str`]): kept here, under the module whose
//! functions they call, so that the files they test never import `mod.rs` (which
//! imports them).

mod validate {
    //! Validation: error paths and resolutions not covered by the fixtures in
    //! `tests/fixtures/`.

    use std::path::Path;

    use crate::model::{Event, Scenario};

    const WORLD: &str = r#"
name = "t"
rounds = 5
seed = 1
[[bloc]]
id = "w"
[[bloc]]
id = "e"
shift = [0.1, 0.1]
[[state]]
id = "A"
regime = 0.9
power = 3
competence = 0.5
ict = 0.5
tags = ["p1"]
blocs = ["w"]
[[state]]
id = "B"
regime = 0.1
power = 1
competence = 0.5
ict = 0.5
blocs = ["e"]
[[state]]
id = "C"
regime = 0.5
power = 1
competence = 0.5
ict = 0.5
[[venue]]
id = "v"
membership = { type = "open", initial = "all" }
decision = "majority"
transparency = 0.5
hosts = ["procedural", "norms"]
"#;

    fn load(extra: &str) -> Result<Scenario, String> {
        crate::scenario::from_str(&format!("{WORLD}{extra}"), Path::new("t.toml"), &[])
            .map_err(|e| e.to_string())
    }

    fn fails(extra: &str, fragment: &str) {
        match load(extra) {
            Ok(_) => panic!("loaded; expected `{fragment}`"),
            Err(e) => assert!(e.contains(fragment), "expected `{fragment}`, got `{e}`"),
        }
    }

    #[test]
    fn the_base_world_loads() {
        let s = load("").unwrap();
        assert_eq!(s.states.len(), 3);
        assert!((s.states[0].power - 0.6).abs() < 1e-12);
    }

    #[test]
    fn tags_must_mean_something() {
        let tag_event = "[[event]]\ntype = \"tag\"\nround = 1\nstate = \"C\"\naction = \"add\"\n";
        fails(
            &format!("{tag_event}tag = \"p2\"\n"),
            "tag `p2` is carried by no state and reserved by no venue",
        );
        // A reserved tag that only a tag event hands out is fine.
        let gge = "[[venue]]\nid = \"g\"\nmembership = { type = \"appointed\", seats = 2, reserved = [\"chair\"] }\n\
                   decision = \"consensus\"\ntransparency = 0.3\nhosts = [\"norms\"]\n";
        let s = load(&format!("{gge}{tag_event}tag = \"chair\"\n")).unwrap();
        assert_eq!(s.tags, ["p1", "chair"]);
        assert_eq!(
            s.events[0].event,
            Event::Tag {
                state: 2,
                tag: 1,
                add: true
            }
        );
    }

    #[test]
    fn founders_resolve_and_are_checked() {
        let club = "[[venue]]\nid = \"club\"\nmembership = \"invitation\"\ndecision = \"consensus\"\n\
                    transparency = 0.3\nhosts = [\"norms\"]\n";
        let s = load(&format!(
            "{club}founder_blocs = [\"e\", \"w\"]\nfounders = [\"B\"]\n"
        ))
        .unwrap();
        assert_eq!(s.venues[1].founders, [0, 1]);
        fails(
            &format!("{club}founder_tags = [\"p2\"]\n"),
            "founder_tags: no state carries tag `p2`; did you mean `p1`?",
        );
        fails(
            &format!("[[bloc]]\nid = \"empty\"\n{club}founder_blocs = [\"empty\"]\n"),
            "founder_blocs: bloc `empty` has no member states",
        );
    }

    #[test]
    fn bloc_and_state_values_are_checked() {
        fails(
            "[[bloc]]\nid = \"x\"\nshift = [2.0, 0.0]\n",
            "bloc \"x\": shift must be [dm, ds] with both in [-1, 1]",
        );
        fails(
            "[[state]]\nid = \"D\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\nsalience = 0\n",
            "state \"D\": salience must be in (0, 1], got 0",
        );
        fails(
            "[[state]]\nid = \"D\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\nblocs = [\"w\", \"w\"]\n",
            "blocs names bloc `w` twice",
        );
    }

    #[test]
    fn proposal_contradictions() {
        let p = "[[proposal]]\nid = \"p\"\nsponsor = \"A\"\nintroduced = 0\n";
        fails(
            &format!("{p}kind = \"norms\"\ncosponsors = [\"A\"]\n"),
            "the sponsor `A` cannot also be a cosponsor",
        );
        fails(
            &format!("{p}kind = \"norms\"\nintroduced_year = 3\n"),
            "not both",
        );
        fails(
            &format!("{p}kind = \"norms\"\nposition = \"median\"\n"),
            "position must be [m, s], \"sponsor_ideal\", \"compromise\" or { rule_of = [venue ids] }",
        );
        let create = "parent = \"v\"\ncreate = { id = \"new\", membership = \"open\", decision = \"consensus\", \
                      transparency = 0.5, hosts = [\"norms\"], mandate = { kind = \"norms\" } }\n";
        let s = load(&format!(
            "{p}kind = \"procedural\"\n{create}replaces = [\"v\"]\n"
        ))
        .unwrap();
        assert!(s.proposals[0].procedural.is_some());
        fails(
            &format!("{p}kind = \"procedural\"\n{create}replaces = [\"new\"]\n"),
            "a venue cannot replace itself",
        );
        fails(
            &format!(
                "{p}kind = \"procedural\"\nparent = \"v\"\nchange = {{ venue = \"v\", privilege = 0.1 }}\nreplaces = [\"v\"]\n"
            ),
            "`replaces` goes with a `create`",
        );
        fails(
            &format!("{p}kind = \"procedural\"\nparent = \"v\"\nchange = {{ venue = \"v\" }}\n"),
            "a venue change must set at least one of",
        );
        fails(
            &format!(
                "{p}kind = \"procedural\"\nparent = \"v\"\ncreate = {{ id = \"new\", membership = \"open\", decision = \"consensus\", transparency = 0.5, hosts = [\"norms\"], mandate = {{ kind = \"standards\" }} }}\n"
            ),
            "the mandate is on standards but venue `new` does not host it",
        );
    }

    #[test]
    fn event_contradictions() {
        let e = "[[event]]\nround = 1\n";
        fails(
            &format!("{e}type = \"ideal_shift\"\nstate = \"A\"\nbloc = \"w\"\ndm = 0.1\n"),
            "not both",
        );
        fails(
            &format!("{e}type = \"ideal_shift\"\nstate = \"A\"\n"),
            "needs `dm`, `ds` or both",
        );
        fails(
            &format!("{e}type = \"legitimacy_shock\"\nstate = \"A\"\n"),
            "a `legitimacy_shock` event needs `delta`",
        );
        fails(
            &format!(
                "{e}type = \"membership\"\nvenue = \"v\"\naction = \"enter\"\nstates = [\"A\"]\n"
            ),
            "action must be `join` or `leave`",
        );
        fails(
            &format!(
                "{e}id = \"x\"\ntype = \"legitimacy_shock\"\nstate = \"A\"\ndelta = -0.1\n{e}id = \"x\"\ntype = \"legitimacy_shock\"\nstate = \"B\"\ndelta = -0.1\n"
            ),
            "duplicate event id `x`",
        );
        fails(
            &format!("{e}type = \"new_venue\"\nvenue = \"v\"\n"),
            "a `new_venue` event needs a venue table",
        );
        fails(
            &format!(
                "{e}type = \"election\"\nvenue = {{ id = \"w\" }}\ncandidates = [\"A\", \"B\"]\n"
            ),
            "missing key",
        );
        fails(
            &format!(
                "{e}type = \"new_proposal\"\nproposal = {{ id = \"q\", kind = \"norms\", sponsor = \"A\", introduced = 2 }}\n"
            ),
            "a `new_proposal` event's proposal is introduced at the event's round",
        );
    }

    #[test]
    fn powers_are_normalised_over_every_source() {
        let pop = "[[population]]\nlabel = \"g\"\ncount = 4\nid_prefix = \"G\"\nregime = 0.5\npower = 0.25\n\
                   competence = 0.5\nict = 0.5\n";
        let s = load(pop).unwrap();
        assert_eq!(s.states.len(), 7);
        let total: f64 = s.states.iter().map(|st| st.power).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!((s.states[3].power - 0.25 / 6.0).abs() < 1e-12);
    }
}

mod extends {
    //! Inheritance: merging, chains, removal, and where inherited errors point.

    use std::fs;

    use crate::scenario::{ScenarioError, resolved_from_str};

    const BASE: &str = r#"
name = "base"
rounds = 2
seed = 1
[parameters]
alpha = 0.7
beta = 1.5
[[state]]
id = "A"
regime = 0.5
power = 1
competence = 0.5
ict = 0.5
[[state]]
id = "B"
regime = 0.9
power = 1
competence = 0.5
ict = 0.5
[[venue]]
id = "v"
membership = { type = "open", initial = "all" }
decision = { type = "majority", threshold = 0.6 }
transparency = 0.5
hosts = ["norms"]
[[proposal]]
id = "p"
kind = "procedural"
sponsor = "A"
parent = "v"
introduced = 0
create = { id = "inner", membership = "open", decision = "consensus", transparency = 0.1, hosts = ["norms"], mandate = { kind = "norms" } }
"#;

    /// Writes `files` into a temp folder and resolves the last one.
    fn resolve(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<toml::Table, ScenarioError>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        let (name, text) = files.last().unwrap();
        let r = resolved_from_str(text, &dir.path().join(name), &[])
            .map(|r| r.text.parse::<toml::Table>().unwrap());
        (dir, r)
    }

    #[test]
    fn tables_merge_by_key_and_lists_by_id() {
        let child = r#"
extends = "base.toml"
[parameters]
beta = 2.0
[[venue]]
id = "v"
decision = "consensus"
[[state]]
id = "C"
regime = 0.1
power = 1
competence = 0.5
ict = 0.5
"#;
        let (_d, r) = resolve(&[("base.toml", BASE), ("child.toml", child)]);
        let t = r.unwrap();
        assert!(!t.contains_key("extends"));
        assert_eq!(t["parameters"]["alpha"].as_float(), Some(0.7));
        assert_eq!(t["parameters"]["beta"].as_float(), Some(2.0));
        let v = &t["venue"][0];
        // `decision` replaced whole (no threshold left over), other keys kept.
        assert_eq!(v["decision"].as_str(), Some("consensus"));
        assert_eq!(v["transparency"].as_float(), Some(0.5));
        let ids: Vec<&str> = t["state"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["A", "B", "C"]);
    }

    #[test]
    fn chains_resolve_from_the_farthest_ancestor_and_paths_follow_their_file() {
        let mid = r#"
extends = "../base.toml"
states_csv = "states.csv"
[parameters]
alpha = 0.1
"#;
        let child = r#"
extends = "deep/mid.toml"
[[venue]]
id = "inner"
transparency = 0.9
"#;
        let (_d, r) = resolve(&[
            ("base.toml", BASE),
            ("deep/mid.toml", mid),
            ("child.toml", child),
        ]);
        // states.csv does not exist: the error proves the path was rebased.
        let e = r.unwrap_err().to_string();
        assert!(e.contains("deep/states.csv"), "{e}");
        assert!(e.contains("mid.toml"), "{e}");
    }

    #[test]
    fn nested_venues_are_found_by_id() {
        let child = "extends = \"base.toml\"\n[[venue]]\nid = \"inner\"\ntransparency = 0.9\n";
        let (_d, r) = resolve(&[("base.toml", BASE), ("child.toml", child)]);
        let t = r.unwrap();
        assert_eq!(
            t["proposal"][0]["create"]["transparency"].as_float(),
            Some(0.9)
        );
        assert_eq!(t["venue"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn removal_deletes_and_unknown_ids_are_errors() {
        let child = "extends = \"base.toml\"\nremove = { state = [\"B\"], proposal = [\"p\"] }\n";
        let (_d, r) = resolve(&[("base.toml", BASE), ("child.toml", child)]);
        let t = r.unwrap();
        assert_eq!(t["state"].as_array().unwrap().len(), 1);
        assert!(!t.contains_key("proposal") || t["proposal"].as_array().unwrap().is_empty());

        let child = "extends = \"base.toml\"\nremove = { venues = [\"v\"] }\n";
        let (_d, r) = resolve(&[("base.toml", BASE), ("child.toml", child)]);
        let e = r.unwrap_err();
        assert_eq!(e.line(), Some(2));
        assert!(e.message().contains("did you mean `venue`?"), "{e}");
    }

    #[test]
    fn a_duplicate_in_the_child_stays_a_duplicate() {
        let state = "[[state]]\nid = \"C\"\nregime = 0.1\npower = 1\ncompetence = 0.5\nict = 0.5\n";
        let child = format!("extends = \"base.toml\"\n{state}{state}");
        let (_d, r) = resolve(&[("base.toml", BASE), ("child.toml", &child)]);
        let e = r.unwrap_err();
        assert!(e.to_string().contains("child.toml"), "{e}");
        assert!(e.message().contains("duplicate state id `C`"), "{e}");
    }

    #[test]
    fn an_inherited_error_names_the_parent_file_and_line() {
        let bad = BASE.replace("transparency = 0.5", "transparency = 1.5");
        let (_d, r) = resolve(&[
            ("base.toml", &bad),
            ("child.toml", "extends = \"base.toml\"\n"),
        ]);
        let e = r.unwrap_err();
        let line = bad.lines().position(|l| l == "transparency = 1.5").unwrap() + 1;
        assert_eq!(e.line(), Some(line));
        assert!(e.to_string().contains("base.toml"), "{e}");
        assert!(!e.to_string().contains("child.toml"), "{e}");
    }
}

mod until {
    //! `--until YEAR` (`until.rs`): the cut scenario, its text, its errors.

    use crate::scenario::{Cut, ScenarioError, from_str_until, resolved_from_str};
    use std::path::{Path, PathBuf};

    const SMALL: &str = r#"
name = "small"
rounds = 10
start_year = 2000
seed = 1

[[population]]
label = "all"
count = 6
id_prefix = "S"
regime = 0.5
power = 1.0
competence = 0.5
ict = 0.5

[[venue]]
id = "unga"
membership = "open"
decision = "majority"
transparency = 0.5
hosts = ["norms"]

[[proposal]]
id = "early"
kind = "norms"
sponsor = "S1"
position = [0.2, 0.2]
venue = "unga"
introduced_year = 2001

[[proposal]]
id = "late"
kind = "norms"
sponsor = "S2"
position = [0.8, 0.8]
venue = "unga"
introduced_year = 2007

[[event]]
id = "shock"
type = "ideal_shift"
year = 2008
state = "S1"
dm = 0.1

[[fact]]
id = "early-decided"
proposal = "early"
venue = "unga"
years = [2001, 2004]
outcome = "adopted"

[[fact]]
id = "late-decided"
proposal = "late"
venue = "unga"
years = [2007, 2009]
outcome = "adopted"
"#;

    fn cut(year: i64) -> Result<(crate::model::Scenario, Option<Cut>), ScenarioError> {
        from_str_until(SMALL, Path::new("small.toml"), &[], Some(year))
    }

    #[test]
    fn the_cut_ends_with_the_year_and_leaves_out_later_records_only() {
        let (full, none) = from_str_until(SMALL, Path::new("small.toml"), &[], None).unwrap();
        assert_eq!((full.rounds, full.facts.len(), none), (10, 2, None));
        let (sc, c) = cut(2005).unwrap();
        let c = c.unwrap();
        assert_eq!(sc.rounds, 6);
        assert_eq!(sc.facts.len(), 1, "the fact that reaches 2009 is left out");
        assert_eq!(
            sc.proposals.len(),
            2,
            "a later proposal stays, never reached"
        );
        assert_eq!(sc.events.len(), 1, "a later event stays, never reached");
        assert_eq!(
            c,
            Cut {
                year: 2005,
                start_year: 2000,
                rounds: 6,
                full_rounds: 10,
                targets: 0,
                facts: 1,
                events: 1,
                proposals: 1,
            }
        );
        assert_eq!(
            c.to_string(),
            "--until 2005: 6 rounds (2000-2005) of 10; left out 1 fact dated after 2005; \
             1 event and 1 proposal after 2005 are never reached"
        );
        // The last year keeps everything and says nothing was left out.
        let (sc, c) = cut(2009).unwrap();
        assert_eq!((sc.rounds, sc.facts.len()), (10, 2));
        assert_eq!(
            c.unwrap().to_string(),
            "--until 2009: 10 rounds (2000-2009) of 10"
        );
    }

    #[test]
    fn a_year_outside_the_scenario_names_its_years() {
        for year in [1999, 2010, -5] {
            let e = cut(year).unwrap_err();
            assert!(matches!(e, ScenarioError::Until { .. }), "{e:?}");
            assert_eq!(
                e.to_string(),
                format!(
                    "small.toml: --until {year}: {year} is outside the scenario, which runs \
                     2000 to 2009; give a year from 2000 to 2009"
                )
            );
        }
    }

    #[test]
    fn the_cut_comes_after_the_overrides() {
        let sets = ["start_year=2003".to_string()];
        let e = from_str_until(SMALL, Path::new("small.toml"), &sets, Some(2002)).unwrap_err();
        assert!(e.to_string().contains("runs 2003 to 2012"), "{e}");
        // A fact moved later by --set is left out like one written so.
        let sets = ["fact.early-decided.years=[2001, 2006]".to_string()];
        let (sc, c) = from_str_until(SMALL, Path::new("small.toml"), &sets, Some(2005)).unwrap();
        assert_eq!((sc.facts.len(), c.unwrap().facts), (0, 2));
    }

    #[test]
    fn the_cut_text_loads_as_it_is_to_the_cut_scenario() {
        let sets = ["parameters.legit_cost=0.4".to_string()];
        let r = crate::scenario::load_text(SMALL, Path::new("small.toml"), &sets, Some(2005), true)
            .unwrap();
        assert!(r.text.contains("rounds = 6"), "{}", r.text);
        assert!(!r.text.contains("late-decided"), "{}", r.text);
        let again = resolved_from_str(&r.text, Path::new("small.toml"), &[]).unwrap();
        assert_eq!(format!("{:?}", again.scenario), format!("{:?}", r.scenario));
    }

    /// Every shipped scenario can be cut at every one of its years.
    #[test]
    fn every_shipped_scenario_cuts_at_every_year() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<PathBuf> = ["", "teaching"]
            .iter()
            .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        assert!(files.len() >= 8, "{files:?}");
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let full = crate::scenario::from_str(&text, f, &[]).unwrap();
            let first = i64::from(full.start_year);
            for year in first..first + i64::from(full.rounds) {
                let (sc, c) = from_str_until(&text, f, &[], Some(year))
                    .unwrap_or_else(|e| panic!("{} --until {year}: {e}", f.display()));
                assert_eq!(i64::from(sc.rounds), year - first + 1);
                assert!(c.is_some());
            }
        }
    }
}
