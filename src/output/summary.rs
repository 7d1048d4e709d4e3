//! Human-readable summaries for the terminal: what a scenario contains (`check`) and
//! what a batch produced (`run`). Plain `key=value` text, so it is easy to grep.

use super::manifest::Manifest;
use crate::engine::RunResult;
use crate::model::*;
use std::io::{self, Write};
use std::path::Path;

/// Run indices for a message (`0, 1, 2`; `0 to 99` when more than eight): the one
/// way every command names runs.
pub fn runs_text(runs: &[u64]) -> String {
    match runs {
        [] => "none".into(),
        [one] => one.to_string(),
        [first, .., last] if runs.len() > 8 => format!("{first} to {last}"),
        _ => runs
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Writes what `sc` contains, parameters last with the changed ones marked.
pub fn write_scenario(w: &mut dyn Write, sc: &Scenario) -> io::Result<()> {
    let last_year = i64::from(sc.start_year) + i64::from(sc.rounds) - 1;
    writeln!(w, "scenario  {}", sc.name)?;
    if !sc.description.is_empty() {
        writeln!(w, "          {}", sc.description.trim())?;
    }
    writeln!(
        w,
        "rounds    {} ({}-{})",
        sc.rounds, sc.start_year, last_year
    )?;
    writeln!(w, "seed      {}", sc.seed)?;
    writeln!(w, "runs      {}", sc.runs)?;
    let threshold = sc.params.camp_threshold;
    let authoritarian = sc
        .states
        .iter()
        .filter(|s| Camp::of(s.regime, threshold) == Camp::Authoritarian)
        .count();
    writeln!(
        w,
        "states    {} ({} authoritarian, {} liberal; camp_threshold {})",
        sc.states.len(),
        authoritarian,
        sc.states.len() - authoritarian,
        threshold
    )?;

    writeln!(w, "\nblocs ({})", sc.blocs.len())?;
    for (b, bloc) in sc.blocs.iter().enumerate() {
        let members = sc.states.iter().filter(|s| s.blocs.contains(&b)).count();
        let cohesion = bloc
            .cohesion
            .map(|c| format!(" cohesion={c}"))
            .unwrap_or_default();
        writeln!(
            w,
            "  {}  members={} shift=({}, {}){}  {}",
            bloc.id, members, bloc.shift.m, bloc.shift.s, cohesion, bloc.name
        )?;
    }

    writeln!(w, "\nvenues ({})", sc.venues.len())?;
    for v in &sc.venues {
        writeln!(
            w,
            "  {}  membership={} decision={} stakeholders={} transparency={} privilege={} hosts={} reach={}{} founders={} origin={}",
            v.id,
            membership(sc, &v.membership),
            decision(v.decision),
            stakeholders(v.stakeholders),
            v.transparency,
            v.privilege,
            kinds(v.hosts),
            match v.reach {
                Reach::Members => "members",
                Reach::Global => "global",
            },
            if v.binding { " binding" } else { "" },
            v.founders.len(),
            origin(sc, v.origin),
        )?;
    }

    writeln!(w, "\nproposals ({})", sc.proposals.len())?;
    for p in &sc.proposals {
        let venue = p
            .venue
            .map(|v| format!(" venue={}", venue_id(sc, v)))
            .unwrap_or_default();
        let parent = p
            .procedural
            .as_ref()
            .map(|pr| format!(" parent={}", venue_id(sc, pr.parent)))
            .unwrap_or_default();
        writeln!(
            w,
            "  {}  kind={} sponsor={} introduced={}{}{}",
            p.id,
            p.kind.as_str(),
            p.sponsor.map_or("(chair)".into(), |s| state_id(sc, s)),
            sc.year(p.introduced),
            venue,
            parent
        )?;
    }

    writeln!(w, "\nevents ({})", sc.events.len())?;
    for e in &sc.events {
        writeln!(
            w,
            "  round {} ({})  {}  {}",
            e.round,
            sc.year(e.round),
            e.label,
            event_type(&e.event)
        )?;
    }

    let targets = sc.targets.len() + sc.election_targets.len();
    if targets > 0 {
        writeln!(w, "\ntargets ({targets})")?;
    }
    for t in &sc.targets {
        let r = t.recorded;
        let votes = t
            .votes_file
            .as_ref()
            .map(|f| format!(" votes={f} ({} states)", t.votes.len()))
            .unwrap_or_default();
        writeln!(
            w,
            "  round {} ({})  {}  {} on {}  recorded {}-{}-{} ({} absent){votes}",
            t.round,
            sc.year(t.round),
            t.id,
            venue_id(sc, t.venue),
            sc.proposals[t.proposal].id,
            r.yes,
            r.no,
            r.abstain,
            r.absent
        )?;
    }
    for t in &sc.election_targets {
        let votes: Vec<String> = t
            .candidates
            .iter()
            .map(|&(c, n)| format!("{} {n}", state_id(sc, c)))
            .collect();
        let absent = t.absent.map_or(String::new(), |a| format!(" ({a} absent)"));
        writeln!(
            w,
            "  round {} ({})  {}  election {} in {}  recorded {}{absent}",
            t.round,
            sc.year(t.round),
            t.id,
            sc.events[t.event].label,
            venue_id(sc, t.venue),
            votes.join(", ")
        )?;
    }

    if !sc.facts.is_empty() {
        writeln!(w, "\nfacts ({})", sc.facts.len())?;
    }
    for f in &sc.facts {
        let years = if f.first == f.last {
            sc.year(f.first).to_string()
        } else {
            format!("{}-{}", sc.year(f.first), sc.year(f.last))
        };
        let what = match &f.what {
            FactWhat::Proposal {
                proposal,
                venue,
                outcome,
            } => format!(
                "{} in {}: {}",
                sc.proposals[*proposal].id,
                venue_id(sc, *venue),
                outcome.as_str()
            ),
            FactWhat::Election {
                event,
                venue,
                candidate,
            } => format!(
                "election {} in {}: {} elected",
                sc.events[*event].label,
                venue_id(sc, *venue),
                state_id(sc, *candidate)
            ),
            FactWhat::Members { venue, members } => {
                format!("{}: {members} members", venue_id(sc, *venue))
            }
        };
        writeln!(w, "  {years}  {}  {what}", f.id)?;
    }

    writeln!(w, "\nparameters (* = changed from the default)")?;
    let width = Params::names().map(str::len).max().unwrap_or(0);
    for d in PARAM_DEFS {
        let value = sc.params.get(d.name).unwrap_or(f64::NAN);
        // Exact comparison: a value is "changed" when it is not the default bit for bit.
        param_line(
            w,
            width,
            d.name,
            &value.to_string(),
            value != d.default,
            &d.default.to_string(),
        )?;
    }
    let defaults = Params::default();
    let allow = sc.params.allow_create;
    param_line(
        w,
        width,
        "allow_create",
        &allow.to_string(),
        allow != defaults.allow_create,
        &defaults.allow_create.to_string(),
    )?;
    let legacy = Pos::new(0.15, 0.2);
    param_line(
        w,
        width,
        "legacy",
        &pos(sc.legacy),
        sc.legacy != legacy,
        &pos(legacy),
    )?;
    let actor = |a: StakeholderActor| format!("ideal {} salience {}", pos(a.ideal), a.salience);
    let default_actor = StakeholderActor::default();
    param_line(
        w,
        width,
        "stakeholder",
        &actor(sc.stakeholder),
        sc.stakeholder != default_actor,
        &actor(default_actor),
    )
}

fn param_line(
    w: &mut dyn Write,
    width: usize,
    name: &str,
    value: &str,
    changed: bool,
    default: &str,
) -> io::Result<()> {
    if changed {
        writeln!(w, "* {name:<width$} = {value}  (default {default})")
    } else {
        writeln!(w, "  {name:<width$} = {value}")
    }
}

/// Writes what a batch produced: runs, files, folder, final AMI ([`final_ami_mean`]
/// of the batch, or as [`super::BatchWriter`] adds it up), wall time.
pub fn write_results(
    w: &mut dyn Write,
    m: &Manifest,
    dir: &Path,
    runs: usize,
    final_ami: Option<f64>,
) -> io::Result<()> {
    let files: Vec<&str> = m.files.iter().map(|f| f.name.as_str()).collect();
    writeln!(
        w,
        "{} run{} of {} (seed {}, {} rounds) on {} thread{}",
        runs,
        if runs == 1 { "" } else { "s" },
        m.scenario.name,
        m.seed,
        m.scenario.rounds,
        m.threads,
        if m.threads == 1 { "" } else { "s" },
    )?;
    writeln!(
        w,
        "wrote {} and manifest.json to {}",
        files.join(", "),
        dir.display()
    )?;
    match final_ami {
        Some(ami) => writeln!(w, "final AMI (mean over runs): {ami:.4}")?,
        None => writeln!(w, "final AMI: no rounds recorded")?,
    }
    writeln!(w, "wall time: {:.2} s", m.timing.wall_seconds)
}

/// Mean over runs of the AMI of each run's last round, summed in run order (so the
/// result does not depend on threads). `None` when no run recorded a round.
pub fn final_ami_mean(results: &[RunResult]) -> Option<f64> {
    let last: Vec<f64> = results
        .iter()
        .filter_map(|r| r.rounds.last())
        .map(|row| row.ami)
        .collect();
    (!last.is_empty()).then(|| crate::stats::mean(&last))
}

// Lookups below fall back to `#ix` instead of panicking: the scenario is validated,
// but a summary is no place to crash.

fn venue_id(sc: &Scenario, v: VenueIx) -> String {
    sc.venues
        .get(v)
        .map_or_else(|| format!("#{v}"), |x| x.id.clone())
}

fn state_id(sc: &Scenario, s: StateIx) -> String {
    sc.states
        .get(s)
        .map_or_else(|| format!("#{s}"), |x| x.id.clone())
}

fn tag_id(sc: &Scenario, t: TagIx) -> String {
    sc.tags.get(t).cloned().unwrap_or_else(|| format!("#{t}"))
}

fn bloc_id(sc: &Scenario, b: BlocIx) -> String {
    sc.blocs
        .get(b)
        .map_or_else(|| format!("#{b}"), |x| x.id.clone())
}

fn pos(p: Pos) -> String {
    format!("({}, {})", p.m, p.s)
}

fn kinds(k: KindSet) -> String {
    k.iter().map(Kind::as_str).collect::<Vec<_>>().join(",")
}

fn membership(sc: &Scenario, m: &Membership) -> String {
    match m {
        Membership::Open { universal: true } => "open(all)".into(),
        Membership::Open { universal: false } => "open".into(),
        Membership::Appointed {
            seats,
            reserved,
            term,
            quota_by,
        } => {
            let reserved: Vec<String> = reserved.iter().map(|&t| tag_id(sc, t)).collect();
            let quota: Vec<String> = quota_by.iter().map(|&b| bloc_id(sc, b)).collect();
            format!(
                "appointed(seats={seats},reserved={},term={term},quota_by={})",
                reserved.join("+"),
                quota.join("+")
            )
        }
        Membership::Invitation { admit } => format!("invitation({})", admit.as_str()),
        Membership::Individuals => "individuals".into(),
    }
}

fn decision(d: Decision) -> String {
    match d {
        Decision::Consensus => "consensus".into(),
        Decision::ConsensusFirst { threshold } => format!("consensus_first({threshold})"),
        Decision::Majority { threshold } => format!("majority({threshold})"),
        Decision::Supermajority { threshold } => format!("supermajority({threshold})"),
        Decision::RoughConsensus { threshold } => format!("rough_consensus({threshold})"),
    }
}

fn stakeholders(s: Stakeholders) -> String {
    match s {
        Stakeholders::None => "none".into(),
        Stakeholders::Consultative { weight } => format!("consultative({weight})"),
        Stakeholders::Full { weight } => format!("full({weight})"),
    }
}

fn origin(sc: &Scenario, o: Origin) -> String {
    match o {
        Origin::Initial => "initial".into(),
        Origin::Event { round } => format!("event(round {round}, {})", sc.year(round)),
        Origin::Proposal { proposal } => format!(
            "proposal({})",
            sc.proposals
                .get(proposal)
                .map_or_else(|| format!("#{proposal}"), |p| p.id.clone())
        ),
    }
}

fn event_type(e: &Event) -> &'static str {
    match e {
        Event::LegitimacyShock { .. } => "legitimacy_shock",
        Event::IdealShift { .. } => "ideal_shift",
        Event::VenueChange { .. } => "venue_change",
        Event::NewVenue { .. } => "new_venue",
        Event::Membership { .. } => "membership",
        Event::Tag { .. } => "tag",
        Event::Election { .. } => "election",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testdata::{result, scenario};

    #[test]
    fn scenario_summary_lists_everything_and_marks_changed_parameters() {
        let mut out = Vec::new();
        write_scenario(&mut out, &scenario()).unwrap();
        let s = String::from_utf8(out).unwrap();
        for want in [
            "scenario  tiny",
            "rounds    2 (2000-2001)",
            "states    2 (1 authoritarian, 1 liberal; camp_threshold 0.4)",
            "  sco  members=1 shift=(0.15, 0.15) cohesion=0.8  SCO",
            "  unga  membership=open(all) decision=majority(0.5) stakeholders=none transparency=0.5 \
             privilege=0 hosts=norms,procedural reach=members founders=0 origin=initial",
            "membership=invitation(unanimity) decision=consensus stakeholders=consultative(0.1)",
            "origin=event(round 1, 2001)",
            "  p1  kind=norms sponsor=RUS introduced=2000 venue=unga",
            "  round 1 (2001)  sco-founded  new_venue",
            "= 0.5  (default 0.3)",
        ] {
            assert!(s.contains(want), "missing {want:?} in\n{s}");
        }
        let legit = s.lines().find(|l| l.contains("legit_cost")).unwrap();
        assert!(legit.starts_with("* legit_cost"), "{legit}");
        let alpha = s.lines().find(|l| l.contains(" alpha ")).unwrap();
        assert!(
            alpha.starts_with("  alpha") && !alpha.contains("default"),
            "{alpha}"
        );
        assert!(
            s.lines()
                .any(|l| l.starts_with("  allow_create") && l.ends_with("= true")),
            "{s}"
        );
    }

    #[test]
    fn final_ami_is_the_mean_of_last_rounds() {
        let rs = [result(0, 1), result(1, 1)];
        let mean = final_ami_mean(&rs).unwrap();
        assert!((mean - 0.3).abs() < 1e-12, "{mean}");
        assert_eq!(final_ami_mean(&[]), None);
    }
}
