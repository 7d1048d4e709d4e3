//! Never a panic: randomly damaged scenario files either load or give an error, and
//! whatever loads also runs. Mutations are the edits a user makes by hand — a line
//! deleted or duplicated, a number changed to another (negative, huge, zero, fractional),
//! a word replaced by another word of the file.

use forumsim::engine::{self, RunOptions};
use forumsim::scenario;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/good")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    Number(usize, f64),
    SwapWord(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (
            any::<usize>(),
            prop_oneof![Just(0.0), Just(-1.0), Just(1e12), Just(-0.5), 0.0f64..3.0]
        )
            .prop_map(|(k, x)| Edit::Number(k, x)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapWord(a, b)),
    ]
}

fn apply(text: &str, e: &Edit) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match *e {
        Edit::DeleteLine(k) => {
            let k = k % lines.len();
            lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != k)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n")
        }
        Edit::DuplicateLine(k) => {
            let k = k % lines.len();
            let mut out: Vec<&str> = lines.clone();
            out.insert(k, lines[k]);
            out.join("\n")
        }
        Edit::Number(k, x) => {
            // Replace the k-th number literal of the file.
            let spans: Vec<(usize, usize)> = number_spans(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (a, b) = spans[k % spans.len()];
            format!("{}{}{}", &text[..a], x, &text[b..])
        }
        Edit::SwapWord(a, b) => {
            let words: Vec<(usize, usize)> = word_spans(text);
            if words.len() < 2 {
                return text.to_string();
            }
            let (a0, a1) = words[a % words.len()];
            let (b0, b1) = words[b % words.len()];
            format!("{}{}{}", &text[..a0], &text[b0..b1], &text[a1..])
        }
    }
}

fn spans(text: &str, start: impl Fn(u8) -> bool, cont: impl Fn(u8) -> bool) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if start(bytes[i]) && (i == 0 || !cont(bytes[i - 1])) {
            let s = i;
            while i < bytes.len() && cont(bytes[i]) {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

fn number_spans(text: &str) -> Vec<(usize, usize)> {
    spans(
        text,
        |c| c.is_ascii_digit(),
        |c| c.is_ascii_digit() || c == b'.',
    )
}

fn word_spans(text: &str) -> Vec<(usize, usize)> {
    spans(
        text,
        |c| c.is_ascii_alphabetic(),
        |c| c.is_ascii_alphanumeric() || c == b'_',
    )
}

fn check(name: &str, edits: &[Edit]) -> Result<(), TestCaseError> {
    let (path, text) = fixture(name);
    let mut damaged = text;
    for e in edits {
        damaged = apply(&damaged, e);
    }
    let loaded = scenario::from_str(&damaged, &path, &[]);
    if let Ok(mut sc) = loaded {
        sc.rounds = sc.rounds.min(8);
        let r = engine::run(
            &sc,
            0,
            RunOptions {
                votes: true,
                states: true,
                why: false,
            },
        );
        prop_assert_eq!(r.rounds.len() as u32, sc.rounds);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn damaged_inline_scenarios_load_or_fail_cleanly(edits in proptest::collection::vec(edit(), 1..3)) {
        check("inline.toml", &edits)?;
    }

    #[test]
    fn damaged_population_scenarios_load_or_fail_cleanly(edits in proptest::collection::vec(edit(), 1..3)) {
        check("population.toml", &edits)?;
    }
}
