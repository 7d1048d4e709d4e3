//! Parallel efficiency, measured so that a shared machine's slow phases cancel out:
//! `cargo run --release --example throughput -- PATH [RUNS] [REPS]`.
//!
//! Each repetition times the same batch of RUNS runs (default 256) on one thread and then
//! on every thread, back to back, so both halves of a pair see the same machine. Prints
//! every pair, then the medians of runs/s and of the per-pair efficiency
//! (`t1 / (threads × tN)`). Criterion's `batch/` bench measures the same batches, but
//! its 1-thread and N-thread samples are taken minutes apart.
use forumsim::engine::RunOptions;
use forumsim::experiment::run_batch;
use std::hint::black_box;
use std::time::Instant;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        0.5 * (xs[n / 2 - 1] + xs[n / 2])
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("scenarios/stylized.toml");
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(256);
    let reps: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let sc = match forumsim::scenario::load(std::path::Path::new(path)) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let all = std::thread::available_parallelism().map_or(1, |k| k.get());
    let pool = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .expect("a thread pool")
    };
    let (one, many) = (pool(1), pool(all));
    let runs: Vec<u64> = (0..n).collect();
    let time = |p: &rayon::ThreadPool| {
        let t = Instant::now();
        p.install(|| black_box(run_batch(&sc, &runs, RunOptions::default())));
        t.elapsed().as_secs_f64()
    };
    // One untimed batch per pool: page faults and thread start-up are not the engine's.
    time(&one);
    time(&many);
    let (mut r1, mut rn, mut eff) = (Vec::new(), Vec::new(), Vec::new());
    for rep in 0..reps {
        let t1 = time(&one);
        let tn = time(&many);
        let e = t1 / (all as f64 * tn);
        println!(
            "rep {rep}: 1 thread {:.1} runs/s, {all} threads {:.1} runs/s, efficiency {:.1} %",
            n as f64 / t1,
            n as f64 / tn,
            100.0 * e
        );
        r1.push(n as f64 / t1);
        rn.push(n as f64 / tn);
        eff.push(e);
    }
    println!(
        "median of {reps}: 1 thread {:.1} runs/s ({:.3} ms/run), {all} threads {:.1} runs/s, efficiency {:.1} %",
        median(r1.clone()),
        1000.0 / median(r1),
        median(rn),
        100.0 * median(eff)
    );
}
