//! `--set PATH=VALUE`, the flag group shared by every command that loads a scenario
//! (run, check, validate, explain), and `--until YEAR`, shared by the commands that
//! run one (run, explain, animate). Their own file so that the commands which flatten
//! them need not import each other.

use clap::Args;
use forumsim::scenario::Cut;

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Override a scenario value, e.g. parameters.legit_cost=0.5 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    pub values: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UntilArgs {
    /// Run only up to YEAR (a year of the scenario, e.g. 2010): the run stops after
    /// that year's round; recorded votes and outcomes dated later are left out, events
    /// and proposals dated later are never reached (a note on stderr says how many).
    #[arg(long, value_name = "YEAR", allow_negative_numbers = true)]
    pub until: Option<i64>,
}

impl UntilArgs {
    /// Prints what the cut did, as one note on stderr.
    pub fn note(cut: Option<&Cut>) {
        if let Some(cut) = cut {
            eprintln!("note: {cut}");
        }
    }
}

/// Checks the shape only; the scenario module resolves the path and the value.
fn parse_set(s: &str) -> Result<String, String> {
    match s.split_once('=') {
        Some((path, _)) if !path.trim().is_empty() => Ok(s.to_string()),
        _ => Err("expected PATH=VALUE, e.g. parameters.legit_cost=0.5".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_needs_a_path_and_an_equals_sign() {
        assert!(parse_set("parameters.alpha=0.3").is_ok());
        assert!(parse_set("name=").is_ok());
        assert!(parse_set("alpha").is_err());
        assert!(parse_set("=0.3").is_err());
    }
}
