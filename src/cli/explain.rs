//! `forumsim explain SCENARIO`: one run told round by round, for reading aloud.

use super::error::CliError;
use super::print;
use super::set::{SetArgs, UntilArgs};
use clap::Args;
use forumsim::engine::{self, RunOptions};
use forumsim::explain::{self, Style};
use forumsim::scenario;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  forumsim explain scenarios/stylized.toml --rounds 2018..2022
  forumsim explain scenarios/teaching/join-or-abstain.toml --run 3 --rounds 0..4
  forumsim explain scenarios/stylized.toml --seed 7 --set parameters.cohesion=0.8
  forumsim explain scenarios/world.toml --until 2005

Runs run N of the scenario (the same run `forumsim run --run N` writes) with
votes, memberships and the reasons behind them recorded and prints, per year:
scheduled events, which venue each sponsor chose and why (expected utility and pass
probability of the choice and of the best alternative), who joined, left or stayed
out of open venues and why (value of joining = stake - legitimation cost, against 0
to join and minus the exit cost to leave), who applied to invitation venues with each
tally and the admission rule, each vote's tally and who broke with its home bloc,
openness reforms that passed, elections, new venues, and the AMI and fragmentation
at the end of the year. Same arguments, same text.";

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Master seed [default: the scenario's `seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Which run of the batch to tell (0-based).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub run: u64,
    /// Only these rounds: A..B, A.., ..B or A (0-based rounds, or years such as 2018..2022).
    #[arg(long, value_name = "A..B")]
    pub rounds: Option<String>,
    /// Also tell openness reforms that failed.
    #[arg(long)]
    pub all_reforms: bool,
    /// Names listed before "and N more".
    #[arg(long, value_name = "K", default_value_t = 6)]
    pub names: usize,
    #[command(flatten)]
    pub set: SetArgs,
    #[command(flatten)]
    pub until: UntilArgs,
}

pub fn explain(args: ExplainArgs) -> Result<(), CliError> {
    let (mut sc, cut) = scenario::load_until(&args.scenario, &args.set.values, args.until.until)?;
    UntilArgs::note(cut.as_ref());
    if let Some(seed) = args.seed {
        sc.seed = seed;
    }
    let range = args
        .rounds
        .as_deref()
        .map(|s| parse_rounds(s, sc.start_year, sc.rounds))
        .transpose()
        .map_err(CliError::Usage)?;
    let r = engine::run(
        &sc,
        args.run,
        RunOptions {
            votes: true,
            states: true,
            why: true,
        },
    );
    let style = Style {
        max_names: args.names.max(1),
        failed_reforms: args.all_reforms,
    };
    let lines = explain::explain(&sc, &r, range, style);
    print(|w| {
        for l in &lines {
            writeln!(w, "{l}")?;
        }
        Ok(())
    })
}

/// `A..B`, `A..`, `..B` or `A` as an inclusive round range; numbers of 1000 or more
/// are years. Errors say what was expected.
pub fn parse_rounds(s: &str, start_year: i32, rounds: u32) -> Result<(u32, u32), String> {
    let bad = |why: &str| {
        format!("--rounds {s}: {why}; expected A..B, A.., ..B or A (rounds 0-based, or years)")
    };
    let last = rounds.saturating_sub(1);
    let one = |t: &str, default: u32| -> Result<u32, String> {
        let t = t.trim();
        if t.is_empty() {
            return Ok(default);
        }
        let n: i64 = t
            .parse()
            .map_err(|_| bad(&format!("`{t}` is not a number")))?;
        let round = if n >= 1000 { n - start_year as i64 } else { n };
        if round < 0 || round > last as i64 {
            let last_year = start_year + last as i32;
            return Err(bad(&format!(
                "{n} is outside the run (rounds 0..{last}, years {start_year}..{last_year})"
            )));
        }
        Ok(round as u32)
    };
    let (a, b) = match s.split_once("..") {
        Some((a, b)) => (one(a, 0)?, one(b.trim_start_matches('='), last)?),
        None => {
            let a = one(s, 0)?;
            (a, a)
        }
    };
    if a > b {
        return Err(bad("the first round is after the last"));
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::parse_rounds;

    #[test]
    fn rounds_and_years_both_work() {
        assert_eq!(parse_rounds("2..4", 1998, 28), Ok((2, 4)));
        assert_eq!(parse_rounds("2018..2022", 1998, 28), Ok((20, 24)));
        assert_eq!(parse_rounds("25..", 1998, 28), Ok((25, 27)));
        assert_eq!(parse_rounds("..1", 1998, 28), Ok((0, 1)));
        assert_eq!(parse_rounds("2020", 1998, 28), Ok((22, 22)));
        assert_eq!(parse_rounds("1..=3", 1998, 28), Ok((1, 3)));
    }

    #[test]
    fn bad_ranges_say_what_was_expected() {
        for bad in ["x..3", "5..2", "30", "1990..2000", "-1"] {
            let e = parse_rounds(bad, 1998, 28).unwrap_err();
            assert!(e.contains("expected A..B"), "{bad}: {e}");
        }
    }
}
