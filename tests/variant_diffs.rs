//! `diff` of each experiment variant against its base lists exactly the keys the variant
//! patches (issue 7): nothing patched goes unreported, nothing else shows up.

use forumsim::experiment::design;
use forumsim::scenario::{self, diff::diff};
use std::path::Path;

/// `path` of a `path=value` patch.
fn path_of(set: &str) -> &str {
    set.split_once('=').map_or(set, |(p, _)| p.trim())
}

#[test]
fn each_membership_rule_variant_differs_from_base_in_exactly_its_patched_keys() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (exp, _, _) =
        design::load(&root.join("scenarios/experiments/membership-rules.toml")).unwrap();
    let base = scenario::load_with(&exp.scenario, &exp.common).unwrap();
    let mut checked = 0;
    for variant in exp.variants.iter().filter(|v| !v.sets.is_empty()) {
        let mut sets = exp.common.clone();
        sets.extend(variant.sets.iter().cloned());
        let patched = scenario::load_with(&exp.scenario, &sets).unwrap();
        let changes = diff(&base, &patched);
        let keys: Vec<&str> = changes.iter().map(|c| c.key.as_str()).collect();
        let paths: Vec<&str> = variant.sets.iter().map(|s| path_of(s)).collect();
        eprintln!("{}: patches {paths:?}; diff {keys:?}", variant.name);
        // A patch that sets a value to what it already was changes nothing; every
        // reported key is a patched one, and every patch that changed something is reported.
        for k in &keys {
            assert!(
                paths.iter().any(|p| k == p
                    || k.starts_with(&format!("{p}."))
                    || p.starts_with(&format!("{k}."))),
                "{}: diff reports `{k}`, which the variant does not patch ({paths:?})",
                variant.name
            );
        }
        for p in &paths {
            let reported = keys.iter().any(|k| {
                k == p || k.starts_with(&format!("{p}.")) || p.starts_with(&format!("{k}."))
            });
            let single = scenario::load_with(
                &exp.scenario,
                &[
                    exp.common.clone(),
                    vec![
                        variant
                            .sets
                            .iter()
                            .find(|s| path_of(s) == *p)
                            .unwrap()
                            .clone(),
                    ],
                ]
                .concat(),
            )
            .unwrap();
            let changed = !diff(&base, &single).is_empty();
            assert_eq!(
                reported, changed,
                "{}: patch `{p}` changed={changed} but reported={reported}",
                variant.name
            );
        }
        assert!(
            !changes.is_empty(),
            "{}: a variant that changes nothing",
            variant.name
        );
        checked += 1;
    }
    assert_eq!(checked, 10, "the ten variants of ODD §1");
}
