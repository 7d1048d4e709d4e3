//! Quick timing of one scenario's runs, single-threaded: `cargo run --release --example timing -- PATH [N]`
//! (PATH may be `gen:STATES:VENUES[:ROUNDS]` for a generated world, see `forumsim::model::generate`).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("scenarios/stylized.toml");
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    // `gen:STATES:VENUES[:ROUNDS]` times a generated world (40 proposals) instead of a file.
    let sc = if let Some(spec) = path.strip_prefix("gen:") {
        let n: Vec<usize> = spec.split(':').filter_map(|x| x.parse().ok()).collect();
        let size = forumsim::model::generate::Size {
            states: n.first().copied().unwrap_or(2000),
            venues: n.get(1).copied().unwrap_or(6),
            proposals: 40,
            rounds: n.get(2).copied().unwrap_or(5) as u32,
        };
        forumsim::model::generate::world(size, 1)
    } else {
        match forumsim::scenario::load(std::path::Path::new(path)) {
            Ok(sc) => sc,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    };
    let t = std::time::Instant::now();
    let mut x = 0.0;
    for r in 0..n {
        x += forumsim::engine::run(&sc, r, Default::default())
            .rounds
            .last()
            .map_or(0.0, |r| r.ami);
    }
    println!(
        "{:?} per run (mean final AMI {:.4})",
        t.elapsed() / n as u32,
        x / n as f64
    );
}
