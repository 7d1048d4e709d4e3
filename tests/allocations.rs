//! Allocations in the round loop (issue #17 item 3), counted by a global allocator that
//! counts the blocks each thread asks for: the engine's rounds should reuse their
//! buffers, so a round after the first allocates little or nothing. The counts are
//! exact and deterministic for a build (no clock is read), so the bounds below are
//! regression guards: a change that allocates in the round loop again fails here.

use forumsim::engine::{RunOptions, Stepper};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

struct Counting;

thread_local! {
    static BLOCKS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the allocator also runs while a thread's locals are torn down.
    let _ = BLOCKS.try_with(|b| b.set(b.get() + 1));
}

// SAFETY: every call is forwarded to the system allocator unchanged; counting touches
// only a thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn blocks() -> u64 {
    BLOCKS.with(Cell::get)
}

/// Blocks allocated by each round of one run of `path` (run 0), on this thread.
fn per_round(path: &str) -> Vec<u64> {
    let sc = forumsim::scenario::load(Path::new(path)).expect("loads");
    let mut st = Stepper::new(&sc, 0, RunOptions::default());
    let mut rounds = Vec::new();
    loop {
        let before = blocks();
        let more = st.step();
        rounds.push(blocks() - before);
        if !more {
            break;
        }
    }
    rounds
}

/// The engine keeps its working lists from round to round, so a round allocates only
/// for growth: the rows of the run's tables, a venue coming into being (its state,
/// first members, rules, attention), the mandate text a creating resolution tables
/// there, and the before/after agendas of a procedural text that changes a venue (a
/// list per forecast). Today's counts (docs/PERFORMANCE.md has their history): world
/// 5.1 blocks per round after the first, stylized 8.3; the bounds leave a margin.
#[test]
fn rounds_after_the_first_allocate_little() {
    for (path, bound) in [
        ("scenarios/world.toml", 7.0),
        ("scenarios/stylized.toml", 11.0),
    ] {
        let rounds = per_round(path);
        let later: u64 = rounds[1..].iter().sum();
        let per = later as f64 / (rounds.len() - 1) as f64;
        eprintln!(
            "{path}: first round {} blocks, later rounds {per:.1} per round: {rounds:?}",
            rounds[0]
        );
        assert!(
            per <= bound,
            "{path}: {per:.1} blocks per round (bound {bound})"
        );
    }
}
