//! Work over the segments of an index generation, side by side.
//!
//! A library is written by one thread per core, into as many segments; a search's passes
//! over them (collecting, re-scoring, the test for a strict match) run the first segment
//! on the caller's thread and the others on the process's pool (one thread per core but
//! one, started on first use) meanwhile, so a question takes about the time of its
//! largest segment. One segment, or one core, runs on the caller's thread alone, and so
//! does a search while another one has the pool: under load every core already has a
//! search of its own, and spreading would only add the pool's waits.
//!
//! Tried instead, on the laws questions (medians in the same runs): threads scoped to each
//! pass cost more to start than the pool's idle threads (4.4–4.6 ms against 3.4–3.6 ms);
//! a pool of one thread per core with the caller waiting was 2–3% slower than the caller
//! working too.

use rayon_core::{ThreadPool, ThreadPoolBuilder};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of each item, in the items' order: the first here, the others on the pool's
/// threads meanwhile, when there are several items and cores; all here otherwise. The
/// first error is returned; a panic in `f` resumes here.
pub(crate) fn map<T: Send, R: Send>(
    items: impl IntoIterator<Item = T>,
    f: impl Fn(T) -> tantivy::Result<R> + Sync,
) -> tantivy::Result<Vec<R>> {
    let mut items: Vec<T> = items.into_iter().collect();
    let pool = if items.len() < 2 || in_turn_here() {
        None
    } else {
        pool()
    };
    let Some(pool) = pool else {
        return items.into_iter().map(f).collect();
    };
    // While another search has the other cores, sharing them would make neither faster
    // (and a pool thread's wait between passes costs CPU): this one runs in turn.
    let Some(_spreading) = Spreading::start() else {
        return items.into_iter().map(f).collect();
    };
    let others = items.split_off(1);
    let mut done: Vec<Option<tantivy::Result<R>>> = (0..=others.len()).map(|_| None).collect();
    let (here, there) = done.split_at_mut(1);
    let f = &f;
    pool.in_place_scope(|s| {
        for (slot, item) in there.iter_mut().zip(others) {
            s.spawn(move |_| *slot = Some(f(item)));
        }
        if let Some(item) = items.pop() {
            here[0] = Some(f(item));
        }
    });
    done.into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(tantivy::TantivyError::InternalError(
                    "a segment's work did not run".into(),
                ))
            })
        })
        .collect()
}

/// The process's pool: one thread per core but one (the caller works too); `None` on one
/// core or when it cannot start.
fn pool() -> Option<&'static ThreadPool> {
    static POOL: OnceLock<Option<ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        ThreadPoolBuilder::new()
            .num_threads(cores - 1)
            .thread_name(|i| format!("zhengce-search-{i}"))
            .build()
            .map_err(|e| tracing::warn!("no segment pool, segments run in turn: {e}"))
            .ok()
    })
    .as_ref()
}

/// How many [`map`]s have items on the pool now (at most one).
static SPREADING: AtomicUsize = AtomicUsize::new(0);

/// A [`map`]'s hold on the pool, given back when dropped (also by a panic).
struct Spreading;

impl Spreading {
    /// The hold, unless another map has it.
    fn start() -> Option<Spreading> {
        SPREADING
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| Spreading)
    }
}

impl Drop for Spreading {
    fn drop(&mut self) {
        SPREADING.store(0, Ordering::Release);
    }
}

#[cfg(test)]
thread_local! {
    /// Whether [`map`] runs every item on this thread ([`in_turn`]).
    static IN_TURN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a test asked this thread's maps to run in turn ([`in_turn`]); never outside tests.
fn in_turn_here() -> bool {
    #[cfg(test)]
    return IN_TURN.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
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
        let here = std::thread::current().id();
        for n in [0usize, 1, 2, 3, 7] {
            // Another test's map may hold the pool at that moment: then this one runs
            // in turn, here; it spreads once the pool is free.
            let mut spread = false;
            for _ in 0..50 {
                let got = map(0..n, |i| Ok((i, std::thread::current().id()))).expect("map");
                let order: Vec<usize> = got.iter().map(|&(i, _)| i).collect();
                assert_eq!(order, (0..n).collect::<Vec<_>>(), "{n} items");
                let all_here = got.iter().all(|&(_, t)| t == here);
                let first_here_others_there =
                    n > 1 && got[0].1 == here && got[1..].iter().all(|&(_, t)| t != here);
                assert!(all_here || first_here_others_there, "{n} items: {got:?}");
                spread |= first_here_others_there;
                if spread || n < 2 || pool().is_none() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            assert!(
                spread || n < 2 || pool().is_none(),
                "{n} items spread on the pool"
            );
        }
    }

    #[test]
    fn a_map_while_another_holds_the_pool_runs_in_turn() {
        if pool().is_none() {
            return;
        }
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Mutex::new(wait);
        let first = std::thread::spawn(move || {
            map(0..2, |i| {
                if i == 1 {
                    // On the pool: hold it until the other map is done (or 5 s).
                    let w = wait.lock().map_err(|_| tantivy::TantivyError::Poisoned)?;
                    let _ = w.recv_timeout(std::time::Duration::from_secs(5));
                }
                Ok(i)
            })
        });
        // The first map holds the pool once its second item waits there.
        let mut held = false;
        for _ in 0..500 {
            if SPREADING.load(Ordering::Acquire) > 0 {
                held = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let here = std::thread::current().id();
        let got = map(0..3, |_| Ok(std::thread::current().id())).expect("map");
        let _ = go.send(());
        assert_eq!(first.join().expect("first").expect("map"), vec![0, 1]);
        if held {
            assert!(got.iter().all(|&t| t == here), "in turn, here: {got:?}");
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
