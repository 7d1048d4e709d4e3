//! The architecture, checked from the sources: every import runs down the layers that
//! `src/lib.rs` lists, no two files import each other (directly or in a loop), and the
//! arrows issue #16 removed (`model` → `engine`, `scenario` → `engine`, `output` →
//! `experiment`) cannot come back unnoticed. A failure names the file and line.
//!
//! How imports are read (text, not the compiler): comments and string literals are
//! blanked out; every `use` tree is expanded to full paths and every inline path that
//! starts with `crate::`, `super::`, `self::` or `forumsim::` is taken; a path resolves
//! to the file of the deepest module it names, or — when its next segment is an item
//! that module re-exports (`pub use x::Item`, `pub use x::*`) — to the file that
//! defines the item. Test modules inside a file count too: a test is code.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The library's top-level modules from the bottom layer up. A module may use the
/// modules before it in this list, never one after it. Keep in step with `src/lib.rs`.
const LAYERS: &[&str] = &[
    "stats",
    "model",
    "engine",
    "scenario",
    "explain",
    "output",
    "experiment",
    "validate",
    "calibrate",
    "verify",
    "plot",
    "report",
    "animate",
    "serve",
    "fuzzing",
];

/// Arrows that must never exist (issue #16), with why.
const FORBIDDEN: &[(&str, &str, &str)] = &[
    ("src/model/", "src/engine/", "the rules know no scheduler"),
    ("src/scenario/", "src/engine/", "parsing runs nothing"),
    (
        "src/output/",
        "src/experiment/",
        "writing results runs no batch",
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Which crate a file belongs to: the library (`src/lib.rs`) or the binary
/// (`src/main.rs` and `src/cli/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Krate {
    Lib,
    Bin,
}

/// A module: its crate and path (`["model", "rules", "vote"]`).
type ModPath = (Krate, Vec<String>);

struct Source {
    /// Path relative to the repository root, with `/`.
    file: String,
    module: ModPath,
    /// The code with comments and literals blanked (same length, same lines).
    code: String,
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn module_of(rel: &str) -> ModPath {
    let inner = rel
        .strip_prefix("src/")
        .unwrap()
        .strip_suffix(".rs")
        .unwrap();
    let krate = if inner == "main" || inner.starts_with("cli/") {
        Krate::Bin
    } else {
        Krate::Lib
    };
    let mut segs: Vec<String> = inner.split('/').map(str::to_string).collect();
    if matches!(
        segs.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segs.pop();
    }
    (krate, segs)
}

/// `text` with comments, string, byte-string, raw-string and char literals replaced by
/// spaces (newlines kept), so that only code is searched.
fn blank(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = b.clone();
    let mut i = 0;
    let blank_range = |out: &mut Vec<char>, from: usize, to: usize| {
        for c in out.iter_mut().take(to.min(b.len())).skip(from) {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let end = b[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(b.len(), |k| i + k);
            blank_range(&mut out, i, end);
            i = end;
        } else if c == '/' && next == Some('*') {
            let (mut depth, mut j) = (1, i + 2);
            while j < b.len() && depth > 0 {
                if b[j] == '/' && b.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if b[j] == '*' && b.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank_range(&mut out, i, j);
            i = j;
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(b[i - 1].is_alphanumeric() || b[i - 1] == '_'))
        {
            // Raw string r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            blank_range(&mut out, i, j);
            i = j;
        } else if c == '"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != '"' {
                j += if b[j] == '\\' { 2 } else { 1 };
            }
            blank_range(&mut out, i, j + 1);
            i = j + 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}'), else a lifetime.
            if next == Some('\\') {
                let end = b[i + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map_or(b.len(), |k| i + 2 + k + 1);
                blank_range(&mut out, i, end);
                i = end;
            } else if b.get(i + 2) == Some(&'\'') {
                blank_range(&mut out, i, i + 3);
                i += 3;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out.into_iter().collect()
}

fn line_of(code: &str, at: usize) -> usize {
    code[..at].matches('\n').count() + 1
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Expands a `use` tree (`a::{b, c::{d as e, *}}`) into full paths of segments.
fn expand(tree: &str) -> Vec<Vec<String>> {
    fn go(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
        let tree = tree.trim();
        if tree.is_empty() {
            return;
        }
        if let Some(open) = tree.find('{') {
            let head: Vec<String> = tree[..open]
                .split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut p = prefix.to_vec();
            p.extend(head);
            // Split the inner list at top-level commas.
            let (mut depth, mut start) = (0, 0);
            for (k, ch) in inner.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        go(&p, &inner[start..k], out);
                        start = k + 1;
                    }
                    _ => {}
                }
            }
            go(&p, &inner[start..], out);
        } else {
            let path = tree.split(" as ").next().unwrap();
            let mut p = prefix.to_vec();
            p.extend(
                path.split("::")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            out.push(p);
        }
    }
    let mut out = Vec::new();
    go(&[], tree, &mut out);
    out
}

/// Every `use` declaration of `code`: (offset, expanded paths, is `pub use`).
fn uses(code: &str) -> Vec<(usize, Vec<Vec<String>>, bool)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(k) = code[from..].find("use ") {
        let at = from + k;
        from = at + 4;
        let before = code[..at].chars().next_back();
        if before.is_some_and(is_ident) {
            continue;
        }
        let Some(end) = code[at..].find(';') else {
            break;
        };
        let tree = &code[at + 4..at + end];
        // Not a declaration (e.g. an identifier ending in `use` was excluded above;
        // a `use` inside a string is blanked).
        if tree.contains('(') || tree.contains('=') {
            continue;
        }
        let line_start = code[..at].rfind('\n').map_or(0, |n| n + 1);
        let is_pub = code[line_start..at].contains("pub");
        found.push((at, expand(tree), is_pub));
        from = at + end;
    }
    found
}

/// Inline paths that start with a crate-relative keyword: (offset, segments).
fn inline_paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    for key in ["crate::", "super::", "self::", "forumsim::"] {
        let mut from = 0;
        while let Some(k) = code[from..].find(key) {
            let at = from + k;
            from = at + key.len();
            if code[..at].chars().next_back().is_some_and(is_ident) {
                continue;
            }
            let rest = &code[at..];
            let len = rest
                .find(|c: char| !(is_ident(c) || c == ':'))
                .unwrap_or(rest.len());
            let segs: Vec<String> = rest[..len]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            // `super::{a, b}` is a `use` tree, read by [`uses`]: the keyword alone names
            // nothing here.
            if segs.len() > 1 {
                found.push((at, segs));
            }
        }
    }
    found
}

/// How many inline modules (`mod tests { ... }`) enclose offset `at`: a `super` there
/// first leaves those, which live in the same file.
fn inline_depth(code: &str, at: usize) -> usize {
    let mut depth = 0;
    let mut from = 0;
    while let Some(k) = code[from..at].find("mod ") {
        let start = from + k;
        from = start + 4;
        if code[..start].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = &code[start + 4..];
        let name_len = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        let after = rest[name_len..].trim_start();
        if !after.starts_with('{') {
            continue; // `mod x;`: a file of its own
        }
        let open = start + 4 + name_len + (rest[name_len..].len() - after.len());
        let mut level = 0;
        let mut close = code.len();
        for (i, c) in code[open..].char_indices() {
            match c {
                '{' => level += 1,
                '}' => {
                    level -= 1;
                    if level == 0 {
                        close = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        if open < at && at < close {
            depth += 1;
        }
    }
    depth
}

struct Tree {
    sources: Vec<Source>,
    by_module: BTreeMap<ModPath, usize>,
}

impl Tree {
    fn load() -> Tree {
        Tree::load_from(&root())
    }

    /// The `src/` tree of the crate at `base`.
    fn load_from(base: &Path) -> Tree {
        let mut files = Vec::new();
        rs_files(&base.join("src"), &mut files);
        files.sort();
        let mut sources = Vec::new();
        for f in files {
            let rel = f
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = fs::read_to_string(&f).unwrap();
            sources.push(Source {
                module: module_of(&rel),
                file: rel,
                code: blank(&text),
            });
        }
        let by_module = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.module.clone(), i))
            .collect();
        Tree { sources, by_module }
    }

    /// Whether `code` defines an item called `name`.
    fn defines(code: &str, name: &str) -> bool {
        [
            "fn", "struct", "enum", "trait", "type", "const", "static", "mod", "union",
        ]
        .iter()
        .any(|kw| {
            let pat = format!("{kw} {name}");
            code.match_indices(&pat).any(|(at, _)| {
                let after = code[at + pat.len()..].chars().next();
                let before = code[..at].chars().next_back();
                !after.is_some_and(is_ident) && !before.is_some_and(is_ident)
            })
        }) || code.contains(&format!("macro_rules! {name}"))
    }

    /// The file a full path (crate + segments) names; `None` outside the crate.
    fn resolve(&self, krate: Krate, segs: &[String], depth: usize) -> Option<usize> {
        let mut module: Vec<String> = Vec::new();
        let mut i = 0;
        while i < segs.len()
            && self.by_module.contains_key(&(krate, {
                let mut m = module.clone();
                m.push(segs[i].clone());
                m
            }))
        {
            module.push(segs[i].clone());
            i += 1;
        }
        let at = *self.by_module.get(&(krate, module.clone()))?;
        let Some(item) = segs.get(i) else {
            return Some(at);
        };
        if depth > 8 || Self::defines(&self.sources[at].code, item) || item == "self" {
            return Some(at);
        }
        // A re-export: follow it to the file that defines the item.
        for (offset, paths, is_pub) in uses(&self.sources[at].code) {
            if !is_pub {
                continue;
            }
            for p in paths {
                let last = p.last().map(String::as_str);
                if last == Some(item.as_str()) || last == Some("*") {
                    let full = self.absolute(at, offset, &p)?;
                    let target = if last == Some("*") {
                        let mut t = full.1.clone();
                        t.pop();
                        t.push(item.clone());
                        t
                    } else {
                        full.1
                    };
                    if let Some(f) = self.resolve(full.0, &target, depth + 1)
                        && (last != Some("*") || Self::defines(&self.sources[f].code, item))
                    {
                        return Some(f);
                    }
                }
            }
        }
        Some(at)
    }

    /// A path as written in file `from`, made absolute: `(crate, segments)`; `None` for
    /// paths into other crates (std, clap, ...).
    fn absolute(&self, from: usize, at: usize, p: &[String]) -> Option<(Krate, Vec<String>)> {
        let (krate, here) = &self.sources[from].module;
        let mut inline = inline_depth(&self.sources[from].code, at);
        // Inside a non-mod.rs file, `super` is the parent of the file's module.
        let mut base = here.clone();
        let mut rest = p;
        match rest.first().map(String::as_str)? {
            "crate" => {
                base.clear();
                rest = &rest[1..];
            }
            "forumsim" => return Some((Krate::Lib, rest[1..].to_vec())),
            "self" => rest = &rest[1..],
            "super" => {
                while rest.first().map(String::as_str) == Some("super") {
                    if inline > 0 {
                        inline -= 1;
                    } else {
                        base.pop();
                    }
                    rest = &rest[1..];
                }
            }
            first => {
                // A child module of this one (`use observe::Counts` in engine/mod.rs).
                let mut child = here.clone();
                child.push(first.to_string());
                if !self.by_module.contains_key(&(*krate, child)) {
                    return None;
                }
            }
        }
        base.extend(rest.iter().cloned());
        Some((*krate, base))
    }

    /// Every import of every file: (from, to, line).
    fn edges(&self) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            let mut refs: Vec<(usize, Vec<String>)> = Vec::new();
            for (at, paths, _) in uses(&s.code) {
                refs.extend(paths.into_iter().map(|p| (at, p)));
            }
            refs.extend(inline_paths(&s.code));
            for (at, p) in refs {
                let Some((krate, abs)) = self.absolute(i, at, &p) else {
                    continue;
                };
                if let Some(j) = self.resolve(krate, &abs, 0)
                    && j != i
                {
                    out.push((i, j, line_of(&s.code, at)));
                }
            }
        }
        out.sort();
        out.dedup_by_key(|e| (e.0, e.1));
        out
    }
}

fn layer(file: &str) -> Option<usize> {
    let inner = file.strip_prefix("src/")?;
    let top = inner.split('/').next()?.trim_end_matches(".rs");
    LAYERS.iter().position(|l| *l == top)
}

#[test]
fn the_forbidden_arrows_are_absent() {
    let t = Tree::load();
    let mut bad = Vec::new();
    for (from, to, line) in t.edges() {
        let (a, b) = (&t.sources[from].file, &t.sources[to].file);
        for (f, g, why) in FORBIDDEN {
            if a.starts_with(f) && b.starts_with(g) {
                bad.push(format!("{a}:{line} imports {b} ({why})"));
            }
        }
    }
    // And by name, whatever the resolution: no file under these folders names the
    // forbidden module in code.
    for s in &t.sources {
        for (f, g, why) in FORBIDDEN {
            let module = g.trim_start_matches("src/").trim_end_matches('/');
            if s.file.starts_with(f) {
                for pat in [format!("crate::{module}"), format!("{module}::")] {
                    for (at, _) in s.code.match_indices(&pat) {
                        if s.code[..at].chars().next_back().is_some_and(is_ident) {
                            continue;
                        }
                        bad.push(format!(
                            "{}:{} names `{pat}` ({why})",
                            s.file,
                            line_of(&s.code, at)
                        ));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn every_import_runs_down_the_layers_of_lib_rs() {
    let t = Tree::load();
    let lib = fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .collect();
    assert_eq!(
        declared, LAYERS,
        "src/lib.rs must list its modules in layer order, bottom first, as LAYERS here"
    );
    let mut bad = Vec::new();
    for (from, to, line) in t.edges() {
        let (a, b) = (&t.sources[from].file, &t.sources[to].file);
        if let (Some(la), Some(lb)) = (layer(a), layer(b))
            && lb > la
        {
            bad.push(format!(
                "{a}:{line} imports {b}: `{}` is above `{}` in src/lib.rs",
                LAYERS[lb], LAYERS[la]
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every circle of imports in `t`, each with the line of each arrow.
fn circles(t: &Tree) -> Vec<String> {
    let edges = t.edges();
    let n = t.sources.len();
    let mut next: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for &(a, b, line) in &edges {
        next[a].push((b, line));
    }
    // Tarjan's strongly connected components: a component of two or more files is a
    // circle; print it with the line of each arrow.
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        counter: usize,
        comps: Vec<Vec<usize>>,
    }
    fn visit(v: usize, next: &[Vec<(usize, usize)>], s: &mut State) {
        s.index[v] = Some(s.counter);
        s.low[v] = s.counter;
        s.counter += 1;
        s.stack.push(v);
        s.on[v] = true;
        for &(w, _) in &next[v] {
            match s.index[w] {
                None => {
                    visit(w, next, s);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                s.comps.push(comp);
            }
        }
    }
    let mut s = State {
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        counter: 0,
        comps: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(v, &next, &mut s);
        }
    }
    let mut report = Vec::new();
    for comp in &s.comps {
        let set: BTreeSet<usize> = comp.iter().copied().collect();
        let mut lines = vec![format!(
            "a circle of {} files: {}",
            comp.len(),
            set.iter()
                .map(|&i| t.sources[i].file.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )];
        for &(a, b, line) in &edges {
            if set.contains(&a) && set.contains(&b) {
                lines.push(format!(
                    "  {}:{line} imports {}",
                    t.sources[a].file, t.sources[b].file
                ));
            }
        }
        report.push(lines.join("\n"));
    }
    report
}

#[test]
fn no_two_files_import_each_other() {
    let report = circles(&Tree::load());
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn a_planted_circle_is_found() {
    // A test of the test: two files that import each other through `super`, a
    // re-export and an inline path, and one that only imports downward.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(src.join("a")).unwrap();
    let files = [
        ("src/lib.rs", "pub mod a;\npub mod b;\n"),
        (
            "src/a/mod.rs",
            "pub mod x;\npub mod y;\npub use y::Thing;\n",
        ),
        ("src/a/x.rs", "use super::Thing;\npub fn f() {}\n"),
        (
            "src/a/y.rs",
            "pub struct Thing;\nfn g() { crate::a::x::f() }\n",
        ),
        ("src/b.rs", "use crate::a::x;\n"),
    ];
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let report = circles(&Tree::load_from(dir.path()));
    assert_eq!(report.len(), 1, "{report:?}");
    assert!(
        report[0].starts_with("a circle of 2 files: src/a/x.rs, src/a/y.rs")
            && report[0].contains("src/a/x.rs:1 imports src/a/y.rs")
            && report[0].contains("src/a/y.rs:2 imports src/a/x.rs"),
        "{}",
        report[0]
    );
}

#[test]
fn the_reader_finds_what_it_should() {
    // The parser itself, on a known snippet: a test of the test.
    let code = blank(
        "use crate::a::{b, c::{d as e, *}};\n// use crate::not::this;\nlet s = \"crate::nor::this\";\nlet x = super::f::g(1);\nlet c = '\"'; let y = crate::z::w;\n",
    );
    let u = uses(&code);
    assert_eq!(u.len(), 1);
    assert_eq!(
        u[0].1,
        vec![
            vec!["crate", "a", "b"],
            vec!["crate", "a", "c", "d"],
            vec!["crate", "a", "c", "*"],
        ]
    );
    let inline: Vec<Vec<String>> = inline_paths(&code).into_iter().map(|p| p.1).collect();
    assert!(inline.contains(&vec!["super".into(), "f".into(), "g".into()]));
    assert!(inline.contains(&vec!["crate".into(), "z".into(), "w".into()]));
    assert!(!inline.iter().any(|p| p.contains(&"not".to_string())));
    assert!(!inline.iter().any(|p| p.contains(&"nor".to_string())));
    // The tree is read at all: the engine imports the model.
    let t = Tree::load();
    let file = |f: &str| t.sources.iter().position(|s| s.file == f).unwrap();
    let (engine, world) = (file("src/engine/mod.rs"), file("src/model/world.rs"));
    assert!(t.edges().iter().any(|e| e.0 == engine && e.1 == world));
}
