//! The largest inputs forumsim accepts, each refused up front (exit 2, at the key that
//! asks for more) rather than met with an allocation failure or a run without end.
//!
//! They are set from what one machine of the project's size (24 GiB, 2 cores; see
//! `docs/SCENARIOS.md`, "Limits") can hold with a run per core, far above every real
//! scenario and experiment. A run's memory grows with rounds × (venues + proposals)
//! for its records and with states × venues for its world; its time with the same
//! products and with `negotiation_rounds`.

/// `rounds`: a run keeps about 64 bytes per round plus one row per venue and round;
/// 100,000 rounds of a 60-venue world is about 0.5 GB a run.
pub const MAX_ROUNDS: i64 = 100_000;

/// States in the world, from the CSV table, `[[state]]` tables and `[[population]]`
/// groups together: 50 times the 20,000-state worlds of docs/PERFORMANCE.md.
pub const MAX_STATES: usize = 1_000_000;

/// States × named venues (a venue holds a few bytes per state: membership,
/// attention, absence): 50,000,000 cells is about 1 GB a run.
pub const MAX_STATE_VENUES: u64 = 50_000_000;

/// A venue's `negotiation_rounds` (tries per proposal and round): at about 40 ns a
/// try, 10,000 is 0.4 ms per proposal and round.
pub const MAX_NEGOTIATION_ROUNDS: i64 = 10_000;

/// Points of an experiment's design times its axes. `sweep.json` records the design,
/// not its points (grid and Sobol' points are made on demand); a Latin hypercube or
/// Morris design is drawn whole (the draw is sequential), 8 bytes a value, and
/// `sensitivity` holds every point's values: 1,048,576 values is 8 MB of them. A
/// million-sample Latin hypercube on one axis fits.
pub const MAX_DESIGN_VALUES: u64 = 1 << 20;
