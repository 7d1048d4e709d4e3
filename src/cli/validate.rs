//! `forumsim validate`: run a batch, compare it with the scenario's `[[target]]`s and
//! `[[fact]]`s, print the tables, write the CSV files, the tallies and facts charts
//! and a manifest, and exit 1 only when `--fail-above` is given and exceeded (a poor
//! fit is a finding, not an error).

use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use forumsim::model::Ballot;
use forumsim::output::{self, atomic};
use forumsim::plot;
use forumsim::validate::facts::FactReport;
use forumsim::validate::{self, TargetKind, TargetReport, ValidationReport};

use super::args::ValidateArgs;
use super::error::CliError;
use super::{plan, print, table};

/// What a validate folder's manifest says in its `kind`.
pub const KIND_VALIDATE: &str = "validate";

pub fn validate(args: ValidateArgs) -> Result<(), CliError> {
    let started = Instant::now();
    if let Some(v) = args.fail_above
        && !(v.is_finite() && v >= 0.0)
    {
        return Err(CliError::Usage(format!(
            "--fail-above must be a number of votes >= 0, got {v}"
        )));
    }
    let loaded = plan::load(&args.scenario, &args.set.values, None, args.seed)?;
    let sc = &loaded.scenario;
    if sc.targets.is_empty() && sc.election_targets.is_empty() && sc.facts.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: the scenario has no [[target]] and no [[fact]] to validate against; add one \
             (see docs/SCENARIOS.md, sections Targets and Facts)",
            args.scenario.display()
        )));
    }
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => plan::out_dir(None, &sc.name)?.join("validate"),
    };
    // Written beside `out` and swapped in whole, as a run folder (issue #15): `out`
    // holds the previous complete report until the new one is (readers such as
    // `report` and `plot` check the manifest's SHA-256s).
    let staged = output::publish::stage(&out)?;
    let pool = plan::pool(args.threads)?;
    let runs: Vec<u64> = (0..u64::from(args.runs)).collect();
    let report = plan::guarded(&loaded, &pool, &runs, || validate::evaluate_runs(sc, &runs))?;

    let dir = staged.path();
    let files = validate::output::write(dir, &report)?;
    if !report.targets.is_empty() {
        let tallies = plot::tallies::Tallies::of_report(&sc.name, &report);
        plot::write_figures(&dir.join(plot::PLOTS), &[tallies], plot::Format::Both)?;
    }
    if !report.facts.is_empty() {
        let facts = plot::facts::FactsChart::of_report(&sc.name, &report);
        plot::write_figures(&dir.join(plot::PLOTS), &[facts], plot::Format::Both)?;
    }
    atomic::write(&dir.join(output::RESOLVED), loaded.resolved.as_bytes())?;
    let batch = loaded.batch(
        &runs,
        pool.current_num_threads(),
        output::Tables::default(),
        started,
    );
    let mut manifest = output::Manifest::new(&batch, files, started.elapsed().as_secs_f64());
    manifest.kind = KIND_VALIDATE.to_string();
    for f in &manifest.files {
        let path = dir.join(&f.name);
        let sum =
            output::vouch::sha256_file(&path).map_err(|source| CliError::Write { path, source })?;
        manifest.sha256.insert(f.name.clone(), sum);
    }
    manifest.write(dir)?;
    staged.publish()?;

    if !args.quiet {
        print(|w| write_report(w, &sc.name, &report, &out))?;
    }
    if let Some(limit) = args.fail_above {
        let failed = failures(&report, limit);
        if !failed.is_empty() {
            let mut e = io::stderr().lock();
            for f in &failed {
                let _ = writeln!(e, "validate: {f}");
            }
            return Err(CliError::Exit(1));
        }
    }
    Ok(())
}

/// Targets whose largest absolute tally error exceeds `limit` (or that were never
/// decided, which has no error to compare), as messages.
pub fn failures(r: &ValidationReport, limit: f64) -> Vec<String> {
    r.targets
        .iter()
        .filter_map(|t| {
            let e = t.max_abs_error();
            if t.decided == 0 {
                Some(format!(
                    "target `{}`: never decided in {} runs, so its error cannot be within --fail-above {limit}",
                    t.id, t.runs
                ))
            } else if e > limit {
                Some(format!(
                    "target `{}`: largest absolute tally error {e:.1} exceeds --fail-above {limit}",
                    t.id
                ))
            } else {
                None
            }
        })
        .collect()
}

fn num(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.digits$}")
    }
}

fn pct(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * x)
    }
}

/// The terminal report: one block per target, then the facts.
pub fn write_report(
    w: &mut dyn Write,
    name: &str,
    r: &ValidationReport,
    out: &Path,
) -> io::Result<()> {
    writeln!(
        w,
        "validate {name}: {} runs, seed {}, {}, {}",
        r.runs.len(),
        r.seed,
        plural(r.targets.len(), "target"),
        plural(r.facts.len(), "fact")
    )?;
    for t in &r.targets {
        write_target(w, t)?;
    }
    if !r.facts.is_empty() {
        write_facts(w, r)?;
    }
    let mut files: Vec<&str> = Vec::new();
    if !r.targets.is_empty() {
        files.extend([
            "validate.csv",
            "validate_countries.csv",
            "validate_summary.csv",
            "confusion.csv",
        ]);
    }
    if !r.facts.is_empty() {
        files.extend(["facts.csv", "facts_summary.csv"]);
    }
    files.push("manifest.json");
    if !r.targets.is_empty() {
        files.extend(["plots/tallies.png", "plots/tallies.svg"]);
    }
    if !r.facts.is_empty() {
        files.extend(["plots/facts.png", "plots/facts.svg"]);
    }
    writeln!(w, "\nfiles: {} ({})", out.display(), files.join(", "))
}

fn write_target(w: &mut dyn Write, t: &TargetReport) -> io::Result<()> {
    let what = match t.kind {
        TargetKind::Vote => "proposal",
        TargetKind::Election => "election",
    };
    writeln!(
        w,
        "\ntarget {}: {what} {} in {}, round {} ({})",
        t.id, t.subject, t.venue, t.round, t.year
    )?;
    if !t.source.is_empty() {
        writeln!(w, "  source: {}", t.source)?;
    }
    let (decided, adopted) = match t.kind {
        TargetKind::Vote => ("decided", "adopted"),
        TargetKind::Election => ("held", "won by the recorded winner"),
    };
    writeln!(
        w,
        "  {decided} in {} of {} runs ({}), {adopted} in {} ({})",
        t.decided,
        t.runs,
        pct(t.decided_share()),
        t.adopted,
        pct(t.adopted_share())
    )?;
    if let Some(i) = &t.instead {
        writeln!(
            w,
            "  in the {} runs that did not decide it here then:",
            i.runs
        )?;
        for line in i.lines(&t.venue) {
            writeln!(w, "    {line}")?;
        }
    }
    if t.kind == TargetKind::Election && t.decided < t.runs {
        writeln!(
            w,
            "  not held in {} runs: {} did not exist in {}",
            t.runs - t.decided,
            t.venue,
            t.year
        )?;
    }
    let first = match t.kind {
        TargetKind::Vote => "tally",
        TargetKind::Election => "votes",
    };
    let mut header = vec![first, "recorded", "mean", "sd", "90% interval", "error"];
    if let Some(label) = &t.reference {
        header.push(label);
    }
    let rows: Vec<Vec<String>> = t
        .measures
        .iter()
        .map(|s| {
            let mut row = vec![
                s.name.clone(),
                s.recorded.to_string(),
                num(s.mean, 1),
                num(s.sd, 1),
                if s.p05.is_nan() {
                    "-".into()
                } else {
                    format!("[{:.1}, {:.1}]", s.p05, s.p95)
                },
                if s.error.is_nan() {
                    "-".into()
                } else {
                    format!("{:+.1}", s.error)
                },
            ];
            if t.reference.is_some() {
                row.push(s.reference.map_or("-".into(), |n| n.to_string()));
            }
            row
        })
        .collect();
    table::write_aligned(w, 2, 1, &header, &rows)?;
    writeln!(w, "  largest |error|: {}", num(t.max_abs_error(), 1))?;

    let Some(c) = &t.countries else {
        return Ok(());
    };
    writeln!(
        w,
        "  countries ({}): modal simulated vote vs recorded vote; baseline = modal recorded vote of the state's regime category on this resolution (an in-sample oracle, deliberately generous)",
        c.rows.len()
    )?;
    let fits = [("model", c.model), ("baseline", c.baseline)];
    let rows: Vec<Vec<String>> = fits
        .iter()
        .map(|(n, f)| {
            vec![
                n.to_string(),
                f.map_or("-".into(), |f| pct(f.agreement)),
                f.map_or("-".into(), |f| pct(f.agreement_voting)),
                f.map_or("-".into(), |f| num(f.kappa, 3)),
            ]
        })
        .collect();
    table::write_aligned(
        w,
        2,
        1,
        &["predictor", "agreement", "among voters", "kappa"],
        &rows,
    )?;
    for (n, f) in fits {
        let Some(f) = f else { continue };
        writeln!(w, "  confusion, {n} (rows: recorded; columns: predicted)")?;
        let rows: Vec<Vec<String>> = Ballot::ALL
            .iter()
            .map(|r| {
                let mut row = vec![r.code().to_string()];
                row.extend(
                    Ballot::ALL
                        .iter()
                        .map(|p| f.confusion[r.index()][p.index()].to_string()),
                );
                row
            })
            .collect();
        table::write_aligned(w, 4, 1, &["", "Y", "N", "A", "X"], &rows)?;
    }
    Ok(())
}

/// `1998` or `1999-2017`.
pub fn years(f: &FactReport) -> String {
    if f.first_year == f.last_year {
        f.first_year.to_string()
    } else {
        format!("{}-{}", f.first_year, f.last_year)
    }
}

/// The facts: the summary line, one table row per fact, and for each fact some runs
/// missed, what those runs did instead.
fn write_facts(w: &mut dyn Write, r: &ValidationReport) -> io::Result<()> {
    let s = r.facts_summary();
    writeln!(
        w,
        "\nfacts: {} reproduced in >= 2/3 of runs, {} in >= 1/2, of {}; mean share {}",
        s.two_thirds,
        s.half,
        s.facts,
        pct(s.mean_share)
    )?;
    let rows: Vec<Vec<String>> = r
        .facts
        .iter()
        .map(|f| {
            let instead = f.alternative().map_or("-".to_string(), |(o, n)| {
                format!("{} ({})", o.phrase(), pct(n as f64 / f.runs as f64))
            });
            vec![
                years(f),
                f.id.clone(),
                f.venue.clone(),
                f.phrase.clone(),
                pct(f.share()),
                instead,
            ]
        })
        .collect();
    table::write_columns(
        w,
        2,
        &[false, false, false, false, true, false],
        &[
            "years",
            "fact",
            "venue",
            "recorded",
            "reproduced",
            "most often instead",
        ],
        &rows,
    )?;
    for f in &r.facts {
        let Some(i) = &f.instead else { continue };
        writeln!(
            w,
            "  {}, in the {} that did not reproduce it:",
            f.id,
            plural(i.runs, "run")
        )?;
        let others: Vec<String> = f
            .outcomes
            .iter()
            .filter(|(_, _, ok)| !ok)
            .map(|(o, n, _)| format!("{} in {}", o.phrase(), plural(*n, "run")))
            .collect();
        writeln!(w, "    {}", others.join(", "))?;
        for line in i.lines(&f.venue) {
            writeln!(w, "    {line}")?;
        }
    }
    Ok(())
}

/// `n` and the noun, with an `s` unless `n` is 1 ("1 run", "36 facts").
fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
