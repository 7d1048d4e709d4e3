//! Work items run in parallel and handed over in order as they finish, with a bounded
//! number in flight: how `forumsim run` writes its tables while the batch runs
//! (issue #17 item 1).
//!
//! [`in_order`] starts item `i + window` only once item `i` has been handed to the
//! sink, so at most `window` items are ever computed-but-not-yet-consumed, whatever
//! the number of items: memory stays flat while the sink still sees items strictly in
//! index order (output never depends on scheduling). No task ever waits for another:
//! whichever worker deposits the item the sink needs next drains the ready items in
//! order (one drainer at a time), and starts the items that free slots allow. So it
//! runs on any rayon pool, nested parallelism included, without a dedicated thread.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How a streamed batch ended, and how much it held at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streamed {
    /// Every item was handed to the sink (false: `work` said stop).
    pub complete: bool,
    /// Items handed to the sink.
    pub handed: usize,
    /// Most items started and not yet handed to the sink at any time (≤ `window`).
    pub max_in_flight: usize,
    /// Most finished items waiting for an earlier one at any time (< `window`).
    pub max_waiting: usize,
}

struct State<T, E> {
    /// Finished items waiting for their turn, by index.
    ready: BTreeMap<usize, T>,
    /// The index the sink takes next.
    next: usize,
    /// Some task is handing items to the sink.
    draining: bool,
    /// Started (spawned) and not yet handed over.
    in_flight: usize,
    max_in_flight: usize,
    max_waiting: usize,
    stopped: bool,
    failed: Option<E>,
}

struct Shared<T, E, W, S> {
    n: usize,
    window: usize,
    work: W,
    /// Used only by the draining task (`State::draining`): never contended.
    sink: Mutex<S>,
    state: Mutex<State<T, E>>,
}

fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
    // A panic elsewhere (a run's bug) is propagated by rayon's scope; the state it
    // left is still consistent enough to wind down.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `work(i)` for `i` in `0..n` on the current rayon pool, at most `window` (≥ 1)
/// at a time ahead of the sink, and hands each result to `sink(i, result)` in order of
/// `i`. `work` returning `None` stops the batch: items not started are never started
/// and the result is `complete: false`. The sink's first error stops it too and is
/// returned. A panic in `work` or `sink` is propagated once the started items end.
pub fn in_order<T, E, W, S>(n: usize, window: usize, work: W, sink: S) -> Result<Streamed, E>
where
    T: Send,
    E: Send,
    W: Fn(usize) -> Option<T> + Sync,
    S: FnMut(usize, T) -> Result<(), E> + Send,
{
    let window = window.max(1);
    let shared = Shared {
        n,
        window,
        work,
        sink: Mutex::new(sink),
        state: Mutex::new(State {
            ready: BTreeMap::new(),
            next: 0,
            draining: false,
            in_flight: 0,
            max_in_flight: 0,
            max_waiting: 0,
            stopped: false,
            failed: None,
        }),
    };
    // FIFO: a worker starts the oldest item it holds first, so items tend to finish
    // in order and few wait for an earlier one (a plain scope runs the newest first).
    rayon::scope_fifo(|s| {
        let mut st = lock(&shared.state);
        for i in 0..n.min(window) {
            start(s, &shared, &mut st, i);
        }
    });
    let st = shared
        .state
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(e) = st.failed {
        return Err(e);
    }
    Ok(Streamed {
        complete: !st.stopped && st.next == n,
        handed: st.next,
        max_in_flight: st.max_in_flight,
        max_waiting: st.max_waiting,
    })
}

/// Spawns item `i` (the state is locked by the caller).
fn start<'s, T, E, W, S>(
    s: &rayon::ScopeFifo<'s>,
    shared: &'s Shared<T, E, W, S>,
    st: &mut State<T, E>,
    i: usize,
) where
    T: Send,
    E: Send,
    W: Fn(usize) -> Option<T> + Sync,
    S: FnMut(usize, T) -> Result<(), E> + Send,
{
    st.in_flight += 1;
    st.max_in_flight = st.max_in_flight.max(st.in_flight);
    s.spawn_fifo(move |s| item(s, shared, i));
}

/// Computes item `i`, deposits it, and drains the ready items if nobody else is.
fn item<'s, T, E, W, S>(s: &rayon::ScopeFifo<'s>, shared: &'s Shared<T, E, W, S>, i: usize)
where
    T: Send,
    E: Send,
    W: Fn(usize) -> Option<T> + Sync,
    S: FnMut(usize, T) -> Result<(), E> + Send,
{
    let halted = |st: &State<T, E>| st.stopped || st.failed.is_some();
    if halted(&lock(&shared.state)) {
        return;
    }
    let out = (shared.work)(i);
    let mut st = lock(&shared.state);
    let Some(out) = out else {
        st.stopped = true;
        st.ready.clear();
        return;
    };
    if halted(&st) {
        return;
    }
    st.ready.insert(i, out);
    st.max_waiting = st.max_waiting.max(st.ready.len() - 1);
    if st.draining {
        // The drainer looks at `ready` again (under this lock) before it stops.
        return;
    }
    st.draining = true;
    while !halted(&st) {
        let next = st.next;
        let Some(out) = st.ready.remove(&next) else {
            break;
        };
        drop(st);
        let handed = (lock(&shared.sink))(next, out);
        st = lock(&shared.state);
        match handed {
            Ok(()) => {
                st.next += 1;
                st.in_flight -= 1;
                let more = next + shared.window;
                if more < shared.n && !halted(&st) {
                    start(s, shared, &mut st, more);
                }
            }
            Err(e) => {
                st.failed = Some(e);
                st.ready.clear();
            }
        }
    }
    st.draining = false;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn pool(n: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    }

    #[test]
    fn items_reach_the_sink_in_order_with_a_bounded_number_in_flight() {
        for threads in [1, 2, 4] {
            for window in [1, 3, 8] {
                let mut seen = Vec::new();
                let st = pool(threads)
                    .install(|| {
                        in_order(
                            100,
                            window,
                            |i| {
                                // Early items are slow: later ones finish first.
                                if i % 7 == 0 {
                                    std::thread::sleep(Duration::from_millis(2));
                                }
                                Some(i * 10)
                            },
                            |i, x| {
                                seen.push((i, x));
                                Ok::<(), ()>(())
                            },
                        )
                    })
                    .unwrap();
                let want: Vec<(usize, usize)> = (0..100).map(|i| (i, i * 10)).collect();
                assert_eq!(seen, want, "{threads} threads, window {window}");
                assert!(st.complete);
                assert_eq!(st.handed, 100);
                assert!(
                    st.max_in_flight <= window && st.max_waiting < window,
                    "{threads} threads, window {window}: {st:?}"
                );
                if threads == 1 {
                    // FIFO: one worker finishes the items in order; none waits.
                    assert_eq!(st.max_waiting, 0, "window {window}");
                }
            }
        }
    }

    #[test]
    fn the_sinks_first_error_stops_the_batch() {
        let mut calls = 0;
        let err = pool(2)
            .install(|| {
                in_order(50, 4, Some, |i, _| {
                    calls += 1;
                    if i == 5 { Err(i) } else { Ok(()) }
                })
            })
            .unwrap_err();
        assert_eq!(err, 5);
        assert_eq!(calls, 6);
    }

    #[test]
    fn work_saying_stop_ends_the_batch_incomplete() {
        let mut seen = Vec::new();
        let st = pool(2)
            .install(|| {
                in_order(
                    50,
                    4,
                    |i| (i != 10).then_some(i),
                    |i, _| {
                        seen.push(i);
                        Ok::<(), ()>(())
                    },
                )
            })
            .unwrap();
        assert!(!st.complete);
        assert!(st.handed <= 10, "{st:?}");
        assert_eq!(seen, (0..st.handed).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_is_a_complete_batch() {
        let st = in_order(0, 4, Some, |_, _: usize| Ok::<(), ()>(())).unwrap();
        assert!(st.complete);
        assert_eq!(st.handed, 0);
    }
}
