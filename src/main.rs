//! The `forumsim` binary: arguments -> library calls -> exit code; nothing else.

mod cli;

use clap::{CommandFactory, FromArgMatches};
use cli::args::{CheckArgs, Cli, Command, MergeArgs, RunArgs, SweepArgs};
use cli::error::CliError;
use cli::{plan, print};
use forumsim::engine::RunOptions;
use forumsim::{experiment, output, scenario};
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Instant;

fn main() -> ExitCode {
    // clap prints help/version (exit 0) and its own usage errors (exit 2) itself.
    // `--seed -1` is a bad value for `--seed`, not an unknown argument `-1`: so say it.
    let matches = Cli::command()
        .mut_subcommands(|c| c.allow_negative_numbers(true))
        .get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Check(args) => check(args),
        Command::Params(args) => cli::params::params(args),
        Command::Diff(args) => cli::diff::diff(args),
        Command::Verify(args) => cli::verify::verify(args),
        Command::New(args) => cli::new::new(args),
        Command::Sweep(args) => sweep(args),
        Command::Merge(args) => merge(args),
        Command::Plot(args) => cli::plot::plot(args),
        Command::Calibrate(args) => cli::calibrate::calibrate(args),
        Command::Validate(args) => cli::validate::validate(args),
        Command::Explain(args) => cli::explain::explain(args),
        Command::Animate(args) => cli::animate::animate(args),
        Command::Sensitivity(args) => cli::sensitivity::sensitivity(args),
        Command::Design(args) => cli::sensitivity::design(args),
        Command::Report(args) => cli::report::report(args),
        Command::Serve(args) => cli::serve::serve(args),
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
    if args.resolved {
        let r = scenario::load_resolved(&args.scenario, &args.set.values)?;
        return print(|w| w.write_all(r.text_with_overrides.as_bytes()));
    }
    let sc = scenario::load_with(&args.scenario, &args.set.values)?;
    print(|w| output::summary::write_scenario(w, &sc))
}

fn run(args: RunArgs) -> Result<(), CliError> {
    let started = Instant::now();
    plan::check_run_flags(args.runs, args.run_index)?;
    let loaded = plan::load(
        &args.scenario,
        &args.set.values,
        args.until.until,
        args.seed,
    )?;
    if !args.quiet {
        cli::set::UntilArgs::note(loaded.cut.as_ref());
    }
    let sc = &loaded.scenario;
    let runs = plan::run_indices(args.runs, args.run_index, sc.runs)?;
    let out = plan::out_dir(args.out.as_deref(), &sc.name)?;
    // Fail on an unwritable folder now, not after the batch (the folder itself is
    // left as it is until the new batch is complete).
    output::check_out_dir(&out)?;

    // An unknown id fails now, before the batch.
    let votes_on = if args.votes_on.is_empty() {
        None
    } else {
        let on = output::votes_on::VotesOn::parse(&args.votes_on, sc)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        Some(on)
    };
    let votes = args.votes || votes_on.is_some();

    let pool = plan::pool(args.threads)?;
    let opts = RunOptions {
        votes,
        states: args.states,
        why: false,
    };
    let tables = output::Tables {
        votes,
        states: args.states,
        votes_on,
    };
    // Each run's rows are formatted by the worker that played it and appended to the
    // staged tables in run order as the runs finish: the batch is never held whole
    // (issue #17 item 1). The folder is swapped in only once complete, as before.
    let layout = output::Layout::new(&out, sc.start_year, &tables);
    let mut writer = output::BatchWriter::create(&out, &layout)?;
    let (stop, done) = (AtomicBool::new(false), AtomicUsize::new(0));
    plan::guarded(&loaded, &pool, &runs, || {
        experiment::batch::run_streamed(
            sc,
            &runs,
            opts,
            &stop,
            &done,
            |r| layout.format(&r),
            |rows| writer.push(rows?),
        )
    })??;
    let batch = loaded.batch(&runs, pool.current_num_threads(), tables, started);
    let written = writer.finish(&batch)?;
    if !args.quiet {
        print(|w| {
            output::summary::write_results(
                w,
                &written.manifest,
                &out,
                written.runs,
                written.final_ami,
            )
        })?;
    }
    if args.plot {
        cli::plot::plot_folder(&out, forumsim::plot::Format::Both, args.quiet)?;
    }
    Ok(())
}

/// Test hook: start at most this many chunks, then stop as if interrupted.
const STOP_AFTER_ENV: &str = "FORUMSIM_SWEEP_STOP_AFTER";

fn sweep(args: SweepArgs) -> Result<(), CliError> {
    use experiment::sweep::{self, Outcome};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let (exp, exp_bytes, sc_bytes) = match &args.design {
        Some(design) => experiment::extdesign::load(&experiment::extdesign::External {
            scenario: &args.experiment,
            design,
            problem: args.problem.as_deref(),
            replicates: args.replicates,
            overrides: &args.set.values,
            seed: args.seed,
        })?,
        None => experiment::design::load_with(&args.experiment, &args.set.values, args.seed)?,
    };
    let out = plan::out_dir(args.out.as_deref(), &exp.name)?;
    let pool = plan::pool(args.threads)?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // Without a handler (one already set, e.g. in a test harness) Ctrl-C just kills:
        // finished chunks are still on disk and --resume continues.
        let _ = ctrlc::set_handler(move || {
            if !stop.swap(true, Ordering::SeqCst) {
                eprintln!("\nstopping after the chunks in progress (Ctrl-C again to kill)");
            } else {
                std::process::exit(130);
            }
        });
    }
    let max_chunks = std::env::var(STOP_AFTER_ENV)
        .ok()
        .and_then(|v| v.parse().ok());
    let reporter = cli::progress::Reporter::new(args.quiet);
    let opts = sweep::Options {
        out: out.clone(),
        shard: args.shard.unwrap_or((1, 1)),
        resume: args.resume,
        traces: args.traces,
        stop: &stop,
        max_chunks,
        progress: &reporter,
    };
    let outcome = pool.install(|| sweep::run(&exp, &exp_bytes, &sc_bytes, &opts));
    reporter.finish();
    match outcome? {
        Outcome::Interrupted { done, total } => Err(CliError::Interrupted { done, total }),
        Outcome::ShardDone { chunks } => {
            if !args.quiet {
                let (k, n) = opts.shard;
                eprintln!(
                    "shard {k}/{n}: {chunks} chunks done in {}; run `forumsim merge` on all {n} shard folders",
                    out.display()
                );
            }
            Ok(())
        }
        Outcome::Complete(m) => {
            if args.quiet {
                return Ok(());
            }
            let ran = m.state.runs.saturating_sub(reporter.resumed());
            print(|w| cli::table::write_sweep(w, &m, &out, ran, m.wall_seconds))
        }
    }
}

fn merge(args: MergeArgs) -> Result<(), CliError> {
    let m = experiment::sweep::merge(&args.dirs, &args.out, false)?;
    if args.quiet {
        return Ok(());
    }
    print(|w| cli::table::write_sweep(w, &m, &args.out, 0, m.wall_seconds))
}
