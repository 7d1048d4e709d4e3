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
