//! The project is self-contained: every section reference — `§7.8` or `ODD 7.8` — in the
//! code, docs, scenarios and tests points to a section that docs/ODD.md has, and none
//! points into the original specification by number (docs/MODEL.md is kept unchanged,
//! and its own numbering differs: its §7.6 is ODD's §7.8).

mod common;

use common::{forumsim, root};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Section numbers of docs/ODD.md: `## 7. Submodels` gives "7", `### 7.8 Votes …` "7.8".
fn odd_sections(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("### ").or_else(|| l.strip_prefix("## "))?;
            let num: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let num = num.trim_end_matches('.');
            (!num.is_empty()).then(|| num.to_string())
        })
        .collect()
}

/// Every section number cited in `text`, with its line: after `§` (an optional space)
/// or after `ODD ` (a digit must follow).
fn cited(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for marker in ["§", "ODD "] {
            let mut rest = line;
            while let Some(k) = rest.find(marker) {
                rest = &rest[k + marker.len()..];
                let num: String = rest
                    .trim_start_matches(' ')
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                let num = num.trim_end_matches('.');
                if num.starts_with(|c: char| c.is_ascii_digit()) {
                    out.push((n + 1, num.to_string()));
                }
            }
        }
    }
    out
}

/// The project's text files under `dirs` (recursively) plus the top-level documents;
/// generated data, fixtures of bad input and the original specification are not ours
/// to renumber.
fn project_files() -> Vec<PathBuf> {
    let root = root();
    let mut out = vec![root.join("README.md"), root.join("CHANGELOG.md")];
    let mut stack: Vec<PathBuf> = ["src", "docs", "scenarios", "tests", "benches", "examples"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let skip = |p: &Path| {
        let s = p.to_string_lossy();
        s.ends_with("docs/MODEL.md")
            || s.contains("tests/golden")
            || s.contains("tests/fixtures")
            || s.ends_with("tests/sections.rs")
    };
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if skip(&p) {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("rs" | "md" | "toml" | "sh" | "sbatch" | "html" | "py")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_section_reference_is_a_section_of_odd() {
    let odd = std::fs::read_to_string(root().join("docs/ODD.md")).unwrap();
    let sections = odd_sections(&odd);
    assert!(
        sections.contains("7.8") && sections.contains("8"),
        "{sections:?}"
    );
    let mut bad = Vec::new();
    let mut seen = 0;
    for file in project_files() {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let rel = file.strip_prefix(root()).unwrap().display().to_string();
        for (line, num) in cited(&text) {
            seen += 1;
            if !sections.contains(&num) {
                bad.push(format!("{rel}:{line}: §{num}"));
            }
        }
        for (n, l) in text.lines().enumerate() {
            if l.contains("MODEL.md §") || l.contains("MODEL.md's §") {
                bad.push(format!(
                    "{rel}:{}: cites MODEL.md by section: {}",
                    n + 1,
                    l.trim()
                ));
            }
        }
    }
    assert!(
        seen > 200,
        "only {seen} references found: is the scan reading the files?"
    );
    assert!(
        bad.is_empty(),
        "section references that are not sections of docs/ODD.md:\n{}",
        bad.join("\n")
    );
}

/// The scanner finds what it must: a planted reference to a section ODD lacks, the
/// `ODD 7.8` form, and a `§` followed by a space.
#[test]
fn the_reader_finds_planted_references() {
    let odd = "## 7. Submodels\n### 7.8 Votes\n## 8. Observation\n";
    let s = odd_sections(odd);
    assert_eq!(s, BTreeSet::from(["7".into(), "7.8".into(), "8".into()]));
    let planted = format!("a (§{}) b\nas ODD 7.8 says, § 8.", "7.13");
    assert_eq!(
        cited(&planted),
        vec![(1, "7.13".into()), (2, "8".into()), (2, "7.8".into())]
    );
    assert!(!s.contains("7.13"));
}

/// What `forumsim params` prints says where its section numbers point.
#[test]
fn the_parameter_reference_points_to_odd() {
    let out = forumsim(&["params", "--format", "md"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("refer to [docs/ODD.md]"), "{text}");
    for (line, num) in cited(&text) {
        let odd = std::fs::read_to_string(root().join("docs/ODD.md")).unwrap();
        assert!(odd_sections(&odd).contains(&num), "line {line}: §{num}");
    }
}
