//! Allocations in the round loop (issue #17 item 3), counted by a global allocator that
//! counts the blocks each thread asks for: the engine's rounds should reuse their
//! buffers, so a round after the first allocates little or nothing. The counts are
//! exact and deterministic for a build (no clock is read), so the bounds below are
//! regression guards: a change that allocates in the round loop again fails here.

use forumsim::engine::{Room, RunOptions, Stepper};
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

/// Blocks allocated by each round of a fresh run of `path` (run 0), on this thread.
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

/// Blocks per round after the first, and the whole list for the message.
fn later(path: &str, rounds: &[u64]) -> f64 {
    let later: u64 = rounds[1..].iter().sum();
    let per = later as f64 / (rounds.len() - 1) as f64;
    eprintln!(
        "{path}: first round {} blocks, later rounds {per:.2} per round: {rounds:?}",
        rounds[0]
    );
    per
}

/// The engine makes its working lists at their largest when a run is set up (every
/// state, venue and proposal the scenario can hold), so a fresh run's round allocates
/// only for growth: the rows of the run's tables as they double, and what is new in the
/// world (below). Today's counts (docs/PERFORMANCE.md has their history): world 1.0
/// blocks per round after the first, stylized 3.7; the bounds leave a margin.
#[test]
fn a_fresh_run_allocates_little_after_its_first_round() {
    for (path, bound) in [
        ("scenarios/world.toml", 2.0),
        ("scenarios/stylized.toml", 5.0),
    ] {
        let per = later(path, &per_round(path));
        assert!(
            per <= bound,
            "{path}: {per:.1} blocks per round (bound {bound})"
        );
    }
}

/// A batch's later runs are made with the room its earlier ones took
/// (`experiment::batch::Rooms`), so their tables do not grow either. Then a round after the first allocates only when something new
/// comes into the world: a venue states create (its state, and its slot in the lists
/// kept per venue), a mandate tabled in a new venue (its id and co-sponsor list), or an
/// election (its row's tally list). In the world that is one block in 28 rounds (the
/// ITU election of 2022); in the stylized world 2.9 blocks per round, in 5 rounds.
#[test]
fn a_run_with_room_allocates_only_for_new_things() {
    use forumsim::model::spec::Event;
    for (path, bound) in [("scenarios/world.toml", 1), ("scenarios/stylized.toml", 90)] {
        let sc = forumsim::scenario::load(Path::new(path)).expect("loads");
        let room = Room::of(&forumsim::engine::run(&sc, 0, RunOptions::default()));
        let mut st = Stepper::with_room(&sc, 0, RunOptions::default(), room);
        let mut rounds = Vec::new();
        for round in 0.. {
            let (venues, proposals) = (st.world().venues.len(), st.world().proposals.len());
            let before = blocks();
            let more = st.step();
            let n = blocks() - before;
            rounds.push(n);
            if !more {
                break;
            }
            let election = sc
                .events
                .iter()
                .any(|e| e.round == round && matches!(e.event, Event::Election { .. }));
            let new = st.world().venues.len() > venues
                || st.world().proposals.len() > proposals
                || election;
            assert!(
                round == 0 || n == 0 || new,
                "{path}: round {round} allocated {n} blocks and nothing new came into the world"
            );
        }
        later(path, &rounds);
        let total: u64 = rounds[1..].iter().sum();
        assert!(
            total <= bound,
            "{path}: {total} blocks after the first round (bound {bound}): {rounds:?}"
        );
    }
}

/// Room changes allocations only: a run made with another scenario's room (the world's,
/// with every table recorded, for the stylized world, and the stylized world's for the
/// world) is the same run.
#[test]
fn room_changes_no_row() {
    let opts = RunOptions {
        votes: true,
        states: true,
        why: true,
    };
    let load = |path: &str| forumsim::scenario::load(Path::new(path)).expect("loads");
    let (world, stylized) = (
        load("scenarios/world.toml"),
        load("scenarios/stylized.toml"),
    );
    let room = |sc| Room::of(&forumsim::engine::run(sc, 0, opts));
    for (sc, other) in [(&world, room(&stylized)), (&stylized, room(&world))] {
        let plain = forumsim::engine::run(sc, 3, opts);
        let mut st = Stepper::with_room(sc, 3, opts, other);
        while st.step() {}
        assert!(st.finish() == plain, "{}: run 3 differs with room", sc.name);
    }
}
