//! `forumsim new NAME`: writes `scenarios/NAME.toml`, a commented scenario that
//! `extends` a shipped one, for a new user to edit.

use super::error::CliError;
use super::print;
use clap::Args;
use forumsim::model::PARAM_DEFS;
use forumsim::model::generate::{self, Size};
use forumsim::scenario;
use std::fmt::Write as _;
use std::path::{Component, Path};

pub const EXAMPLES: &str = "\
Examples:
  forumsim new mine                   # scenarios/mine.toml, extending stylized
  forumsim new mine --from stylized
  forumsim new big --generate 2000x60          # a generated world: 2,000 states, 60 venues
  forumsim new big --generate 20000x6x40x5 --seed 3

Run it from the folder that holds `scenarios/`. The new file changes nothing yet: it
inherits everything from its parent and lists, as comments, what you may change.
An existing file is never overwritten.

--generate STATESxVENUES[xPROPOSALS[xROUNDS]] writes a generated world instead (40
proposals and 28 rounds unless given): states in five regions and an authoritarian bloc,
venues repeating six templates (universal majority, appointed expert group, liberal
invitation club, standards body, individuals venue, authoritarian invitation club); the
worlds of the scaling benches (docs/PERFORMANCE.md). The same size and seed give the
same file.";

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Name of the new scenario (a plain file name, without `.toml`).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The scenario under `scenarios/` to start from.
    #[arg(long, value_name = "SCENARIO", default_value = "stylized")]
    pub from: String,
    /// Write a generated world of this size instead: STATESxVENUES[xPROPOSALS[xROUNDS]].
    #[arg(long, value_name = "SIZE", conflicts_with = "from", value_parser = parse_size)]
    pub generate: Option<Size>,
    /// Seed of the generated world (with --generate).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "generate")]
    pub seed: u64,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `STATESxVENUES[xPROPOSALS[xROUNDS]]`, each a positive whole number.
fn parse_size(s: &str) -> Result<Size, String> {
    let parts: Vec<&str> = s.split('x').collect();
    let bad = || {
        format!(
            "{s:?} is not a size: write STATESxVENUES[xPROPOSALS[xROUNDS]], e.g. 2000x60 or 2000x60x40x28"
        )
    };
    if !(2..=4).contains(&parts.len()) {
        return Err(bad());
    }
    const WHAT: [&str; 4] = ["states", "venues", "proposals", "rounds"];
    // Beyond these the file alone is hundreds of megabytes (1,000,000 states ≈ 190 MB).
    const MAX: [usize; 4] = [1_000_000, 10_000, 100_000, 1_000];
    let mut n = Vec::new();
    for (k, p) in parts.iter().enumerate() {
        match p.trim().parse::<usize>() {
            Ok(0) => {
                return Err(format!(
                    "{s:?}: the number of {} must be at least 1",
                    WHAT[k]
                ));
            }
            Ok(x) if x > MAX[k] => {
                return Err(format!(
                    "{s:?}: at most {} {} in a generated world",
                    MAX[k], WHAT[k]
                ));
            }
            Ok(x) => n.push(x),
            _ => return Err(bad()),
        }
    }
    if n[0] < 5 {
        return Err(format!(
            "{s:?}: a generated world needs at least 5 states (one per region)"
        ));
    }
    let rounds = n.get(3).copied().unwrap_or(28);
    Ok(Size {
        states: n[0],
        venues: n[1],
        proposals: n.get(2).copied().unwrap_or(40),
        rounds: u32::try_from(rounds).map_err(|_| bad())?,
    })
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
    let path = dir.join(format!("{name}.toml"));
    let text = match args.generate {
        Some(size) => {
            if !dir.is_dir() {
                return Err(CliError::Usage(
                    "no scenarios/ folder here: run `forumsim new` from the folder that holds `scenarios/`"
                        .into(),
                ));
            }
            generate::toml(size, args.seed, Some(name))
        }
        None => {
            let parent_path = dir.join(format!("{from}.toml"));
            if !parent_path.is_file() {
                return Err(CliError::Usage(format!(
                    "{}: no such scenario to start from (run `forumsim new` from the folder that holds `scenarios/`)",
                    parent_path.display()
                )));
            }
            let parent = scenario::load(&parent_path)?;
            template(name, from, &parent)
        }
    };
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
    if args.quiet {
        return Ok(());
    }
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
