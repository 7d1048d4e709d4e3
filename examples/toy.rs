fn main() {
    let sc = forumsim::model::testkit::toy();
    let r = forumsim::engine::run(&sc, 0, Default::default());
    for row in &r.rounds {
        println!("{row:?}");
    }
    for d in &r.decisions {
        println!(
            "{} {} {:?} {} y{} n{} a{} x{} {} {:?}",
            d.round,
            r.venue_names[d.venue as usize],
            d.what,
            if d.proposal == u32::MAX {
                "-".into()
            } else {
                r.proposal_names[d.proposal as usize].clone()
            },
            d.yes,
            d.no,
            d.abstain,
            d.absent,
            d.adopted,
            d.position
        );
    }
    for c in &r.choices {
        println!(
            "choice r{} {} {} create={} eu={:.4} p={:.3} chosen={}",
            c.round,
            r.proposal_names[c.proposal as usize],
            r.venue_names
                .get(c.venue as usize)
                .cloned()
                .unwrap_or("new".into()),
            c.create,
            c.eu,
            c.p_pass,
            c.chosen
        );
    }
}
