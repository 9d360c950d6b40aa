//! Work over the segments of an index generation, side by side.
//!
//! A library is written by one thread per core, into as many segments; a search's passes
//! over them (collecting, re-scoring, the test for a strict match) run each segment on a
//! thread of the process's pool (one thread per core, started on first use), so a
//! question takes about the time of its largest segment. One segment, or one core, runs
//! on the caller's thread alone. (Threads scoped to each pass were tried instead: starting
//! them cost more than the pool's idle threads, 4.4–4.6 ms against 3.4–3.6 ms for the laws
//! questions in the same runs.)

use std::sync::OnceLock;
use tantivy::Executor;

/// `f` of each item, in the items' order: on the pool when there are several items and
/// cores, here otherwise. The first error is returned; a panic in `f` resumes here.
pub(crate) fn map<T: Send, R: Send>(
    items: impl IntoIterator<Item = T>,
    f: impl Fn(T) -> tantivy::Result<R> + Sync,
) -> tantivy::Result<Vec<R>> {
    let items: Vec<T> = items.into_iter().collect();
    let pool = if items.len() < 2 || IN_TURN.with(std::cell::Cell::get) {
        None
    } else {
        pool()
    };
    match pool {
        Some(pool) => pool.map(f, items.into_iter()),
        None => items.into_iter().map(f).collect(),
    }
}

/// The process's pool, one thread per core; `None` on one core or when it cannot start.
fn pool() -> Option<&'static Executor> {
    static POOL: OnceLock<Option<Executor>> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        Executor::multi_thread(cores, "zhengce-search-")
            .map_err(|e| tracing::warn!("no segment pool, segments run in turn: {e}"))
            .ok()
    })
    .as_ref()
}

thread_local! {
    /// Whether [`map`] runs every item on this thread ([`in_turn`]).
    static IN_TURN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `f`, with every [`map`] it calls on this thread running its items in turn, here (a
/// reference for the side-by-side runs).
#[cfg(test)]
pub(crate) fn in_turn<R>(f: impl FnOnce() -> R) -> R {
    IN_TURN.with(|t| t.set(true));
    let r = f();
    IN_TURN.with(|t| t.set(false));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_whatever_thread_ran_them() {
        for n in [0usize, 1, 2, 3, 7] {
            let got = map(0..n, |i| Ok((i, std::thread::current().id()))).expect("map");
            let order: Vec<usize> = got.iter().map(|&(i, _)| i).collect();
            assert_eq!(order, (0..n).collect::<Vec<_>>(), "{n} items");
            if n > 1 && pool().is_some() {
                let threads: std::collections::HashSet<_> = got.iter().map(|&(_, t)| t).collect();
                assert!(
                    !threads.contains(&std::thread::current().id()),
                    "{n} items on the pool"
                );
            }
        }
    }

    #[test]
    fn in_turn_runs_every_item_here() {
        let here = std::thread::current().id();
        let got = in_turn(|| map(0..5, |_| Ok(std::thread::current().id()))).expect("map");
        assert!(got.iter().all(|&t| t == here));
    }

    #[test]
    fn the_first_error_is_returned() {
        let got = map(0..4, |i| {
            if i == 2 {
                Err(tantivy::TantivyError::InternalError(format!("item {i}")))
            } else {
                Ok(i)
            }
        });
        assert!(matches!(got, Err(tantivy::TantivyError::InternalError(m)) if m == "item 2"));
    }

    #[test]
    fn a_panic_in_another_thread_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| {
            map(0..4, |i| {
                assert!(i != 3, "item 3");
                Ok(i)
            })
        });
        assert!(caught.is_err());
    }
}
