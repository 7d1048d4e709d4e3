//! Scenario errors, the map from parser spans to `file:line:col` that makes every
//! message point at the place to fix, the wording helpers messages share, and the
//! reading of input text, whose failures are such errors too.
//!
//! Spans come from the TOML parser as byte ranges of the scenario text. Values set
//! by `--set` are spliced into the same tree with spans in a *virtual* range past
//! the end of the file, one slice per override, so a check that fails on an
//! overridden value reports the override (`--set venue.oewg.transparency=1.5: …`)
//! instead of a line that does not contain it.

use std::fmt::{Display, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A byte range in the scenario text (or in the virtual range of an override).
pub type Span = Range<usize>;

/// Why an experiment or calibration file (a forumsim input other than a scenario) is
/// not usable. `Display` reads `FILE:LINE:COL: message`, like [`ScenarioError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputFileError {
    /// `what` names the kind of file ("experiment", "calibration").
    #[error("{}: cannot read the {what} file: {message}", path.display())]
    Read {
        path: PathBuf,
        what: &'static str,
        message: String,
    },
    #[error("{}:{line}:{col}: {message}", file.display())]
    At {
        file: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    /// The base scenario with a command line's `--set` overrides (as `forumsim run`
    /// reports them).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}

/// Why a scenario could not be loaded. One error per problem; its `Display` is a
/// single line of the form `FILE:LINE:COL: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file itself could not be read.
    #[error("{}: cannot read the scenario file: {message}", path.display())]
    Read { path: PathBuf, message: String },
    /// A problem at a place in a file: the scenario, or a CSV state table it names
    /// (`col` is `None` where only the line is known, as in CSV rows).
    #[error("{}:{line}{}: {message}", file.display(), col.map(|c| format!(":{c}")).unwrap_or_default())]
    At {
        file: PathBuf,
        line: usize,
        col: Option<usize>,
        message: String,
    },
    /// A problem caused by a `--set path=value` override.
    #[error("{}: --set {set}: {message}", file.display())]
    Override {
        file: PathBuf,
        set: String,
        message: String,
    },
    /// `--until YEAR` outside the scenario's years.
    #[error("{}: --until {year}: {message}", file.display())]
    Until {
        file: PathBuf,
        year: i64,
        message: String,
    },
    /// Several independent problems found in one pass over a list (every bad venue,
    /// proposal, target …), so that one check reports them all: at most
    /// [`MAX_REPORTED`] of them, one per line, and how many more there were.
    #[error("{}", several(errors, *more))]
    Several {
        errors: Vec<ScenarioError>,
        more: usize,
    },
}

/// How many errors of one pass are reported; the rest are counted.
pub const MAX_REPORTED: usize = 20;

fn several(errors: &[ScenarioError], more: usize) -> String {
    let mut s = format!("{} problems in the scenario:", errors.len() + more);
    for e in errors {
        let _ = write!(s, "\n  {e}");
    }
    if more > 0 {
        let _ = write!(s, "\n  and {more} more (fix these and check again)");
    }
    s
}

/// The errors of one pass whose checks are independent (each entry of a list on its
/// own). A check that fails goes on to the next entry; [`Errors::finish`] reports
/// them all at the end of the pass. Errors that make later checks meaningless (a file
/// that cannot be read, a TOML syntax error) are never collected: they return alone.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    list: Vec<ScenarioError>,
    more: usize,
}

impl Errors {
    /// The value of `r`, or `None` after keeping its error.
    pub fn keep<T>(&mut self, r: Result<T, ScenarioError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    pub fn push(&mut self, e: ScenarioError) {
        match e {
            ScenarioError::Several { errors, more } => {
                self.more += more;
                errors.into_iter().for_each(|e| self.push(e));
            }
            e if self.list.len() < MAX_REPORTED => self.list.push(e),
            _ => self.more += 1,
        }
    }

    /// `Ok` when no check failed; one error as itself; more as [`ScenarioError::Several`].
    pub fn finish(mut self) -> Result<(), ScenarioError> {
        match (self.list.len(), self.more) {
            (0, _) => Ok(()),
            (1, 0) => Err(self.list.remove(0)),
            _ => Err(ScenarioError::Several {
                errors: self.list,
                more: self.more,
            }),
        }
    }
}

impl ScenarioError {
    /// The message without its location prefix.
    /// The message without its location prefix (of the first problem, for several).
    pub fn message(&self) -> &str {
        match self {
            ScenarioError::Read { message, .. }
            | ScenarioError::At { message, .. }
            | ScenarioError::Override { message, .. }
            | ScenarioError::Until { message, .. } => message,
            ScenarioError::Several { errors, .. } => errors.first().map_or("", |e| e.message()),
        }
    }

    /// The line the error points at, where it points at one (the first problem's).
    pub fn line(&self) -> Option<usize> {
        match self {
            ScenarioError::At { line, .. } => Some(*line),
            ScenarioError::Several { errors, .. } => errors.first().and_then(|e| e.line()),
            _ => None,
        }
    }

    /// Each problem: the error itself, or the ones [`ScenarioError::Several`] holds.
    pub fn problems(&self) -> &[ScenarioError] {
        match self {
            ScenarioError::Several { errors, .. } => errors,
            one => std::slice::from_ref(one),
        }
    }
}

/// The scenario text, the files it `extends` and its overrides: turns spans into
/// located errors.
///
/// Parent files are parsed into the same tree as the scenario, their spans shifted
/// into a virtual range past the end of the scenario text (one slice per file, in the
/// order added); overrides come after all files.
#[derive(Debug)]
pub(crate) struct Source<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    /// Each parent file with the virtual offset its spans were shifted by.
    pub parents: Vec<(usize, &'a Path, &'a str)>,
    /// Each `--set` string with the virtual span its values and keys were given.
    pub sets: Vec<(Span, &'a str)>,
    /// Where each line starts, for the scenario (first) and each parent: a state's
    /// line is found by binary search, so locating every state of a large world stays
    /// linear in its size (it was a scan from the top per state: quadratic).
    lines: Vec<LineIndex>,
    /// What a child's `remove` deleted from its parents: (list, id, span of the id in
    /// the `remove`), so that a reference left dangling is reported at the `remove`.
    removed: std::cell::RefCell<Vec<(String, String, Span)>>,
}

impl<'a> Source<'a> {
    pub fn new(file: &'a Path, text: &'a str) -> Self {
        Source {
            file,
            text,
            parents: Vec::new(),
            sets: Vec::new(),
            lines: vec![LineIndex::new(text)],
            removed: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// Records that a `remove` at `span` deleted `id` from the list `coll` (`state`).
    pub fn note_removed(&self, coll: &str, id: &str, span: Span) {
        self.removed
            .borrow_mut()
            .push((coll.to_string(), id.to_string(), span));
    }

    /// Where a `remove` deleted `id` of the list `coll`, if one did.
    pub fn removed_at(&self, coll: &str, id: &str) -> Option<Span> {
        self.removed
            .borrow()
            .iter()
            .find(|(c, i, _)| c == coll && i == id)
            .map(|(_, _, s)| s.clone())
    }

    /// End of the virtual range of the files (scenario and parents).
    pub fn files_end(&self) -> usize {
        self.parents
            .last()
            .map_or(self.text.len(), |(base, _, text)| base + text.len())
    }

    /// Reserves the virtual range of a parent file and returns its offset. Call
    /// before any [`Source::add_set`].
    pub fn add_parent(&mut self, file: &'a Path, text: &'a str) -> usize {
        debug_assert!(self.sets.is_empty(), "parents come before overrides");
        let base = self.files_end() + 1;
        self.parents.push((base, file, text));
        self.lines.push(LineIndex::new(text));
        base
    }

    /// The file, its text, the offset of its first byte and its line index, for a span
    /// in the files.
    fn file_at(&self, at: usize) -> (&'a Path, &'a str, usize, &LineIndex) {
        match self.parents.iter().rposition(|(base, _, _)| *base <= at) {
            Some(i) => {
                let (base, file, text) = self.parents[i];
                (file, text, base, &self.lines[i + 1])
            }
            None => (self.file, self.text, 0, &self.lines[0]),
        }
    }

    /// Where `span` is, in words, for "already defined at …" messages: `line 12`
    /// in the scenario, `base.toml line 12` in a parent, `--set …` for an override.
    pub fn place(&self, span: &Span) -> String {
        if let Some(set) = self.set_at(span) {
            return format!("--set {set}");
        }
        let (file, text, base, lines) = self.file_at(span.start);
        let line = lines.line(text, span.start - base);
        if base == 0 {
            format!("line {line}")
        } else {
            format!("{} line {line}", file.display())
        }
    }

    /// Reserves the virtual span of the next override and returns it.
    pub fn add_set(&mut self, set: &'a str) -> Span {
        let start = self
            .sets
            .last()
            .map_or(self.files_end() + 1, |(s, _)| s.end + 1);
        let span = start..start + set.len().max(1);
        self.sets.push((span.clone(), set));
        span
    }

    /// The override whose virtual span contains `span`, if any.
    pub fn set_at(&self, span: &Span) -> Option<&'a str> {
        self.sets
            .iter()
            .find(|(s, _)| s.start <= span.start && span.start < s.end)
            .map(|(_, set)| *set)
    }

    /// An error at `span` of the scenario (or of the override that produced it).
    pub fn error(&self, span: &Span, message: impl Into<String>) -> ScenarioError {
        let message = message.into();
        if let Some(set) = self.set_at(span) {
            return ScenarioError::Override {
                file: self.file.to_path_buf(),
                set: set.to_string(),
                message,
            };
        }
        let (file, text, base, lines) = self.file_at(span.start);
        let (line, col) = lines.line_col(text, span.start - base);
        ScenarioError::At {
            file: file.to_path_buf(),
            line,
            col: Some(col),
            message,
        }
    }

    /// An error about an override as a whole (its path, not its value).
    pub fn set_error(&self, set: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Override {
            file: self.file.to_path_buf(),
            set: set.to_string(),
            message: message.into(),
        }
    }
}

/// The byte offsets at which the lines of a text start: 1-based line of an offset by
/// binary search (O(log n)), its column by counting the characters of that line only.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// 1-based line of byte offset `at` of `text` (the text this index was made of).
    pub fn line(&self, text: &str, at: usize) -> usize {
        // Lines that start at or before `at`; the first always does.
        self.starts.partition_point(|&s| s <= at.min(text.len()))
    }

    /// 1-based line and column (in characters), as [`line_col`].
    pub fn line_col(&self, text: &str, at: usize) -> (usize, usize) {
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let line = self.line(text, at);
        let start = self.starts[line - 1];
        (line, text[start..at].chars().count() + 1)
    }
}

/// Largest input file forumsim reads as text (scenario, state table, vote or category
/// file, experiment): far above the largest real input (a 1,000,000-state table is
/// about 60 MB), low enough that naming `/dev/zero` or a disk image fails at once
/// instead of filling memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Why a text file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextError {
    /// Not readable, or larger than [`MAX_INPUT_BYTES`]: the message says which.
    Io(String),
    /// Not UTF-8: where the first bad byte is, and a message saying so.
    Utf8 {
        line: usize,
        col: usize,
        message: String,
    },
}

/// Reads the text file at `path`: at most [`MAX_INPUT_BYTES`], and UTF-8 (the place
/// of the first bad byte is reported, never replaced silently).
pub(crate) fn read_text(path: &Path) -> Result<String, TextError> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| TextError::Io(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| TextError::Io(e.to_string()))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(TextError::Io(format!(
            "larger than {} MiB, the limit for an input file",
            MAX_INPUT_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // The prefix is valid UTF-8 by definition.
        let text = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
        let (line, col) = line_col(text, good);
        TextError::Utf8 {
            line,
            col,
            message: format!(
                "not UTF-8: byte 0x{:02x} cannot start a character here; save the file as UTF-8",
                bytes[good]
            ),
        }
    })
}

/// The text of the scenario file at `path` (see `read_text`: size-limited, and a
/// byte that is not UTF-8 is an error at its line and column).
pub fn read_scenario(path: &Path) -> Result<String, ScenarioError> {
    read_text(path).map_err(|e| match e {
        TextError::Io(message) => ScenarioError::Read {
            path: path.to_path_buf(),
            message,
        },
        TextError::Utf8 { line, col, message } => ScenarioError::At {
            file: path.to_path_buf(),
            line,
            col: Some(col),
            message,
        },
    })
}

/// At most [`EXCERPT_CHARS`] characters of `s`, control characters escaped: how a
/// message quotes input it could not read, so that naming the wrong file (a binary,
/// `/proc/self/environ`) never dumps its contents.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        let esc: Vec<char> = if c.is_control() {
            c.escape_default().collect()
        } else {
            vec![c]
        };
        if len + esc.len() > EXCERPT_CHARS {
            out.push('…');
            break;
        }
        len += esc.len();
        out.extend(esc);
    }
    out
}

/// Longest excerpt of input quoted in a message.
pub(crate) const EXCERPT_CHARS: usize = 40;

/// `message` with every `` `quoted` `` part shortened to an [`excerpt`], and control
/// characters escaped everywhere: for messages about files that may not be what the
/// user meant to name.
pub(crate) fn sanitize(message: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                excerpt(part)
            } else {
                part.chars()
                    .flat_map(|c| {
                        let esc: Vec<char> = if c.is_control() {
                            c.escape_default().collect()
                        } else {
                            vec![c]
                        };
                        esc
                    })
                    .collect()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub(crate) fn nearest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = 1 + word.chars().count() / 4;
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, c)| d <= limit && d < c.chars().count())
        .min_by_key(|&(d, c)| (d, c)) // ties broken by name, so hints never depend on hash order
        .map(|(_, c)| c)
}

/// `", did you mean `x`?"` when a candidate is close to `word`, else `""`.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> String {
    nearest(word, candidates).map_or_else(String::new, |c| format!("; did you mean `{c}`?"))
}

/// `ctx: message`, or just `message` at top level: how a message names the table it
/// is about (`venue "oewg": …`).
pub(crate) fn with_ctx(ctx: &str, msg: impl Display) -> String {
    if ctx.is_empty() {
        msg.to_string()
    } else {
        format!("{ctx}: {msg}")
    }
}

/// `` `a`, `b` or `c` ``: a readable list of alternatives.
pub(crate) fn one_of(words: &[&str]) -> String {
    listing(words, " or ")
}

/// `` `a`, `b` and `c` ``: a readable list of things that go together.
pub(crate) fn all_of(words: &[&str]) -> String {
    listing(words, " and ")
}

fn listing(words: &[&str], last: &str) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == words.len() { last } else { ", " });
        }
        let _ = write!(out, "`{w}`");
    }
    out
}

/// Rewrites a serde/TOML message in the house style: "key" rather than "field",
/// TOML type names rather than Rust ones, and a did-you-mean for unknown keys
/// (serde lists the expected fields; we pick the nearest instead of printing all).
pub(crate) fn rewrite_serde_message(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((key, expected)) = rest.split_once('`')
    {
        let accepted = backticked(expected);
        let accepted: Vec<&str> = accepted.iter().map(String::as_str).collect();
        return match nearest(key, accepted.iter().copied()) {
            Some(c) => format!("unknown key `{key}`; did you mean `{c}`?"),
            None if accepted.is_empty() => {
                format!("unknown key `{key}`: this table takes no keys")
            }
            None => format!("unknown key `{key}`; expected {}", one_of(&accepted)),
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field `")
        && let Some((key, _)) = rest.split_once('`')
    {
        return format!("missing key `{key}`");
    }
    let mut m = msg.to_string();
    for (rust, toml) in [
        ("expected f64", "expected a number"),
        ("expected i64", "expected an integer"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("expected a boolean", "expected true or false"),
        ("floating point `", "number `"),
        ("invalid type: sequence", "invalid type: array"),
        ("invalid type: map", "invalid type: table"),
    ] {
        m = m.replace(rust, toml);
    }
    if let Some(i) = m.find("expected struct ") {
        m.truncate(i);
        m.push_str("expected a table");
    }
    m
}

/// The words between backticks in `s`.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 9), (2, 3));
        assert_eq!(line_col(text, 1000), (3, 1));
        let ix = LineIndex::new(text);
        for at in 0..=text.len() + 2 {
            assert_eq!(ix.line_col(text, at), line_col(text, at), "at {at}");
        }
    }

    #[test]
    fn excerpts_are_short_and_escaped() {
        let long = "A=1\0B=2\0".repeat(100);
        let e = excerpt(&long);
        assert!(e.chars().count() <= EXCERPT_CHARS + 1, "{e}");
        assert!(!e.contains('\0'), "{e}");
        let m = sanitize(&format!("unknown column `{long}` (column 1)"));
        assert!(m.len() < 150 && m.ends_with("` (column 1)"), "{m}");
        assert_eq!(sanitize("got `x`"), "got `x`");
    }

    #[test]
    fn nearest_finds_typos_but_not_unrelated_words() {
        let keys = ["transparency", "privilege", "hosts", "id"];
        assert_eq!(nearest("transparancy", keys), Some("transparency"));
        assert_eq!(nearest("host", keys), Some("hosts"));
        assert_eq!(nearest("colour", keys), None);
        assert_eq!(nearest("xy", keys), None);
    }

    #[test]
    fn unknown_field_messages_get_a_did_you_mean() {
        let m = rewrite_serde_message(
            "unknown field `transparancy`, expected one of `id`, `transparency`, `hosts`",
        );
        assert_eq!(
            m,
            "unknown key `transparancy`; did you mean `transparency`?"
        );
        let m = rewrite_serde_message("unknown field `zzz`, expected `id` or `name`");
        assert_eq!(m, "unknown key `zzz`; expected `id` or `name`");
        assert_eq!(
            rewrite_serde_message("missing field `name`"),
            "missing key `name`"
        );
        assert_eq!(
            rewrite_serde_message("invalid type: string \"a\", expected f64"),
            "invalid type: string \"a\", expected a number"
        );
    }

    #[test]
    fn override_spans_map_to_their_set() {
        let mut src = Source::new(Path::new("w.toml"), "a = 1\n");
        let s1 = src.add_set("a=2");
        let s2 = src.add_set("b=3");
        assert!(s1.start > 6 && s2.start > s1.end);
        let e = src.error(&s2, "bad");
        assert_eq!(e.to_string(), "w.toml: --set b=3: bad");
        assert_eq!(src.error(&(2..3), "bad").to_string(), "w.toml:1:3: bad");
    }
}
