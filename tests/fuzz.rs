//! A bounded, seeded mutation run of the fuzz target (`forumsim::fuzzing::run`) inside
//! `cargo test`, so that CI fuzzes on every push without nightly: the seed corpus
//! (every scenario, experiment and state table of `scenarios/` and `tests/fixtures/`),
//! then mutants of it for `FORUMSIM_FUZZ_SECS` seconds (default 45). Any panic, or an
//! input that takes more than 10 s, fails the test and prints the input. The long runs
//! use cargo-fuzz (docs/RELIABILITY.md).

use forumsim::fuzzing;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha12Rng;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Most CPU time an input may take (the definition of a hang, for inputs under
/// 1 MB).
const HANG: Duration = Duration::from_secs(10);

/// Pieces that make mutants interesting: limits, overflows, odd syntax, bad bytes.
const TOKENS: &[&str] = &[
    "1e999",
    "-1e999",
    "inf",
    "-inf",
    "nan",
    "-1",
    "0",
    "4294967295",
    "9223372036854775807",
    "1000000",
    "[0.1, 0.2, 0.3]",
    "[0.5, 0.5]",
    "[]",
    "{}",
    "\"\"",
    "\n[[state]]\nid = \"Z\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\n",
    "\n[[venue]]\nid = \"w\"\nmembership = \"open\"\ndecision = \"majority\"\ntransparency = 0.5\nhosts = [\"norms\"]\n",
    "\n[[population]]\nlabel = \"g\"\ncount = 1000000\nid_prefix = \"G\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\n",
    "rounds = 100000\n",
    "negotiation_rounds = 10000\n",
    "extends = \"base.toml\"\n",
    "states_csv = \"/proc/self/environ\"\n",
    "remove = { state = [\"A\"] }\n",
    // Issue #13's keys: terms, recurring and ratifying texts, positions, facts.
    "until_year = 9223372036854775807\n",
    "repeat_until = 4294967295\n",
    "ratifies = \"p\"\n",
    "acquis = \"v\"\n",
    "decision = \"consensus_first\"\n",
    "position = { rule_of = [\"v\"] }\n",
    "position = \"compromise\"\n",
    "chair = true\n",
    "\n[[fact]]\nid = \"f\"\nvenue = \"v\"\nmembers = 4294967295\nyears = [-9223372036854775808, 9223372036854775807]\n",
    "\u{0}",
    "\u{feff}",
    ",,,",
    ";",
    "\"\"\"",
    "'",
    "=",
    "\n",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One mutation of `input`, using `other` (another seed) for splices.
fn mutate(rng: &mut ChaCha12Rng, input: &mut Vec<u8>, other: &[u8]) {
    let n = input.len().max(1);
    match rng.random_range(0..8) {
        0 => {
            let i = rng.random_range(0..n).min(input.len().saturating_sub(1));
            if let Some(b) = input.get_mut(i) {
                *b ^= 1 << rng.random_range(0..8);
            }
        }
        1 => {
            let i = rng.random_range(0..=input.len());
            input.insert(i, rng.random());
        }
        2 if input.len() > 2 => {
            let i = rng.random_range(1..input.len());
            let len = rng.random_range(1..=(input.len() - i).min(64));
            input.drain(i..i + len);
        }
        3 if input.len() > 2 => {
            let i = rng.random_range(1..input.len());
            let len = rng.random_range(1..=(input.len() - i).min(256));
            let piece = input[i..i + len].to_vec();
            let at = rng.random_range(1..=input.len());
            input.splice(at..at, piece);
        }
        4 if other.len() > 2 => {
            let i = rng.random_range(1..other.len());
            let len = rng.random_range(1..=(other.len() - i).min(512));
            let at = rng.random_range(1..=input.len());
            input.splice(at..at, other[i..i + len].iter().copied());
        }
        5 if !input.is_empty() => input[0] = fuzzing::KINDS[rng.random_range(0..3)],
        _ => {
            // Replace a number-like run (or insert) with a token.
            let token = TOKENS[rng.random_range(0..TOKENS.len())].as_bytes();
            let at = rng.random_range(1..=input.len().max(1)).min(input.len());
            let end = input[at..]
                .iter()
                .position(|b| !(b.is_ascii_digit() || *b == b'.'))
                .map_or(input.len(), |p| at + p);
            input.splice(at..end, token.iter().copied());
        }
    }
}

/// CPU time of this thread: a machine busy with other work slows the wall clock, not
/// the work an input asks for (falls back to the wall clock off Linux).
fn cpu_time(start: Instant) -> Duration {
    #[cfg(target_os = "linux")]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32);
        }
    }
    start.elapsed()
}

/// Runs one input; returns the CPU time it took, or the panic message.
fn check(input: &[u8]) -> Result<Duration, String> {
    let zero = Instant::now();
    let before = cpu_time(zero);
    panic::catch_unwind(AssertUnwindSafe(|| fuzzing::run(input))).map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })?;
    Ok(cpu_time(zero).saturating_sub(before))
}

fn fail(what: &str, input: &[u8]) -> ! {
    let dir = root().join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("input-{}", forumsim::output::sha256_hex(input)));
    let _ = std::fs::write(&path, input);
    panic!(
        "{what}; input saved to {} (replay: forumsim::fuzzing::run on its bytes):\n{}",
        path.display(),
        String::from_utf8_lossy(&input[..input.len().min(2000)])
    );
}

#[test]
fn seeded_mutations_never_panic_or_hang() {
    let seeds = fuzzing::seed_corpus(&root());
    assert!(seeds.len() >= 50, "only {} seeds", seeds.len());
    let secs: u64 = std::env::var("FORUMSIM_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(45);
    let seed: u64 = std::env::var("FORUMSIM_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let budget = Duration::from_secs(secs);
    let start = Instant::now();
    let mut execs = 0u64;
    for (name, input) in &seeds {
        match check(input) {
            Ok(t) if t > HANG => fail(&format!("seed {name} took {t:?}"), input),
            Ok(_) => {}
            Err(m) => fail(&format!("seed {name} panicked: {m}"), input),
        }
        execs += 1;
    }
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    while start.elapsed() < budget {
        let (_, base) = &seeds[rng.random_range(0..seeds.len())];
        let (_, other) = &seeds[rng.random_range(0..seeds.len())];
        let mut input = base.clone();
        for _ in 0..rng.random_range(1..=6) {
            mutate(&mut rng, &mut input, other);
        }
        match check(&input) {
            Ok(t) if t > HANG => fail(&format!("took {t:?}"), &input),
            Ok(_) => {}
            Err(m) => fail(&format!("panicked: {m}"), &input),
        }
        execs += 1;
    }
    eprintln!(
        "fuzz: {execs} inputs ({} seeds) in {:.1?}, seed {seed}",
        seeds.len(),
        start.elapsed()
    );
}

/// Writes the seed corpus for cargo-fuzz: `cargo test --test fuzz -- --ignored`.
#[test]
#[ignore = "writes fuzz/corpus/loaders; run by hand before cargo fuzz (docs/RELIABILITY.md)"]
fn write_seed_corpus() {
    let dir = root().join("fuzz/corpus/loaders");
    std::fs::create_dir_all(&dir).unwrap();
    for (_, input) in fuzzing::seed_corpus(&root()) {
        let path: &Path = &dir.join(forumsim::output::sha256_hex(&input));
        std::fs::write(path, &input).unwrap();
    }
}
