//! `forumsim new NAME`: writes `scenarios/NAME.toml`, a commented scenario that
//! `extends` a shipped one, for a new user to edit.

use super::error::CliError;
use super::print;
use clap::Args;
use forumsim::model::PARAM_DEFS;
use forumsim::scenario;
use std::fmt::Write as _;
use std::path::{Component, Path};

pub const EXAMPLES: &str = "\
Examples:
  forumsim new mine                   # scenarios/mine.toml, extending stylized
  forumsim new mine --from stylized

Run it from the folder that holds `scenarios/`. The new file changes nothing yet: it
inherits everything from its parent and lists, as comments, what you may change.
An existing file is never overwritten.";

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Name of the new scenario (a plain file name, without `.toml`).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The scenario under `scenarios/` to start from.
    #[arg(long, value_name = "SCENARIO", default_value = "stylized")]
    pub from: String,
}

/// A plain file name: one normal path component, no extension games.
fn plain(name: &str, what: &str) -> Result<(), CliError> {
    let mut parts = Path::new(name).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(n)), None) if n == name && !name.starts_with('.') => Ok(()),
        _ => Err(CliError::Usage(format!(
            "{what} {name:?} is not a plain scenario name (like `mine`)"
        ))),
    }
}

pub fn new(args: NewArgs) -> Result<(), CliError> {
    let name = args.name.strip_suffix(".toml").unwrap_or(&args.name);
    let from = args.from.strip_suffix(".toml").unwrap_or(&args.from);
    plain(name, "NAME")?;
    plain(from, "--from")?;
    let dir = Path::new("scenarios");
    let parent_path = dir.join(format!("{from}.toml"));
    if !parent_path.is_file() {
        return Err(CliError::Usage(format!(
            "{}: no such scenario to start from (run `forumsim new` from the folder that holds `scenarios/`)",
            parent_path.display()
        )));
    }
    let parent = scenario::load(&parent_path)?;
    let path = dir.join(format!("{name}.toml"));
    let text = template(name, from, &parent);
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(CliError::Usage(format!(
                "{}: already exists; choose another name or remove it first",
                path.display()
            )));
        }
        Err(source) => {
            return Err(CliError::Write {
                path: path.clone(),
                source,
            });
        }
    };
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|source| CliError::Write {
        path: path.clone(),
        source,
    })?;
    print(|w| {
        writeln!(w, "wrote {}", path.display())?;
        writeln!(w, "next: edit it, then `forumsim check {}`", path.display())
    })
}

/// The commented scenario text.
fn template(name: &str, from: &str, parent: &forumsim::model::Scenario) -> String {
    let ids = |v: Vec<&str>| {
        let mut s = String::new();
        for (i, id) in v.iter().enumerate() {
            s.push_str(if i == 0 { "" } else { ", " });
            s.push_str(id);
        }
        s
    };
    let venues = ids(parent.venues.iter().map(|v| v.id.as_str()).collect());
    let proposals = ids(parent.proposals.iter().map(|p| p.id.as_str()).collect());
    let blocs = ids(parent.blocs.iter().map(|b| b.id.as_str()).collect());
    let mut s = format!(
        "# {name}: a scenario built on `{from}` (scenarios/{from}.toml).
#
# It lists only what differs from its parent; everything else is inherited.
#   check it:        forumsim check scenarios/{name}.toml
#   see it whole:    forumsim check --resolved scenarios/{name}.toml
#   compare:         forumsim diff scenarios/{from}.toml scenarios/{name}.toml
#   run it:          forumsim run scenarios/{name}.toml
# Every parameter: `forumsim params` or docs/PARAMETERS.md. The format and the
# inheritance rules: docs/SCENARIOS.md.

extends = \"{from}.toml\"
name = \"{name}\"
# rounds = {rounds}
# seed = {seed}
# runs = {runs}

# Delete inherited tables by id (top-level key: keep it above the first [table]).
# remove = {{ proposal = [\"some-proposal\"], event = [\"some-event\"] }}

# ---- parameters: uncomment a line to change it (values shown are the parent's) ----
[parameters]
",
        rounds = parent.rounds,
        seed = parent.seed,
        runs = parent.runs,
    );
    for d in PARAM_DEFS {
        if let Some(x) = parent.params.get(d.name) {
            let _ = writeln!(s, "# {} = {}   # {}", d.name, toml::Value::Float(x), d.doc);
        }
    }
    let _ = writeln!(s, "# allow_create = {}", parent.params.allow_create);
    let _ = write!(
        s,
        "
# ---- change a table of the parent by its id: each key you write replaces the parent's
# value (a whole `membership` or `decision` table is replaced, not merged).
# Venues of `{from}`: {venues}
# [[venue]]
# id = \"{v0}\"
# transparency = 0.6

# Blocs of `{from}`: {blocs}
# Proposals of `{from}`: {proposals}
# A table with a new id is added; it needs every key a new table needs:
# [[proposal]]
# id = \"my-proposal\"
# kind = \"norms\"
# sponsor = \"{sponsor}\"
# position = [0.3, 0.3]
# introduced = 5
",
        v0 = parent
            .venues
            .first()
            .map_or("some-venue", |v| v.id.as_str()),
        sponsor = parent
            .states
            .first()
            .map_or("some-state", |s| s.id.as_str()),
    );
    s
}
