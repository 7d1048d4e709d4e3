//! Quick timing of one scenario's runs, single-threaded: `cargo run --release --example timing -- PATH [N]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("scenarios/stylized.toml");
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let sc = match forumsim::scenario::load(std::path::Path::new(path)) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
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
