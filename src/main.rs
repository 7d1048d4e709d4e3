//! The `forumsim` binary: arguments -> library calls -> exit code; nothing else.

mod cli;

use clap::Parser;
use cli::args::{CheckArgs, Cli, Command, RunArgs};
use cli::error::CliError;
use cli::{plan, print};
use forumsim::engine::RunOptions;
use forumsim::{experiment, output, scenario};
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    // clap prints help/version (exit 0) and its own usage errors (exit 2) itself.
    let result = match Cli::parse().command {
        Command::Run(args) => run(args),
        Command::Check(args) => check(args),
        Command::Plot(args) => cli::plot::plot(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // With stderr gone there is nowhere left to report to; the code still says it.
            let _ = std::io::stderr().lock().write_all(e.report().as_bytes());
            ExitCode::from(e.exit_code())
        }
    }
}

fn check(args: CheckArgs) -> Result<(), CliError> {
    let sc = scenario::load_with(&args.scenario, &args.set.values)?;
    print(|w| output::summary::write_scenario(w, &sc))
}

fn run(args: RunArgs) -> Result<(), CliError> {
    let started = Instant::now();
    plan::check_run_flags(args.runs, args.run_index)?;
    let mut sc = scenario::load_with(&args.scenario, &args.set.values)?;
    let bytes = std::fs::read(&args.scenario).map_err(|source| CliError::Read {
        path: args.scenario.clone(),
        source,
    })?;
    if let Some(seed) = args.seed {
        sc.seed = seed;
    }
    let runs = plan::run_indices(args.runs, args.run_index, sc.runs)?;
    let out = plan::out_dir(args.out.as_deref(), &sc.name)?;
    // Fail on an unwritable folder now, not after the batch.
    output::prepare_dir(&out)?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |n| n as usize)) // 0 = all cores
        .build()
        .map_err(CliError::Pool)?;
    let opts = RunOptions {
        votes: args.votes,
        states: args.states,
    };
    // A panic in a run is a bug, not bad input: its message is already on stderr; exit 1.
    let results = panic::catch_unwind(AssertUnwindSafe(|| {
        pool.install(|| experiment::run_batch(&sc, &runs, opts))
    }))
    .map_err(|_| CliError::Crash {
        seed: sc.seed,
        runs: runs.clone(),
    })?;

    let batch = output::Batch {
        scenario: &sc,
        scenario_path: &args.scenario,
        scenario_bytes: &bytes,
        overrides: &args.set.values,
        runs: &runs,
        threads: pool.current_num_threads(),
        tables: output::Tables {
            votes: args.votes,
            states: args.states,
        },
        started,
    };
    let manifest = output::write_batch(&out, &batch, &results)?;
    if !args.quiet {
        print(|w| output::summary::write_results(w, &manifest, &out, &results))?;
    }
    if args.plot {
        cli::plot::plot_folder(&out, forumsim::plot::Format::Both, args.quiet)?;
    }
    Ok(())
}
