//! Deadlines that stop work: a point in time that long loops check.
//!
//! The HTTP layer gives each request a [`Deadline`] a little before its timeout; cite,
//! context and search check it in their loops ([`Deadline::check`]) and give up with
//! [`Error::Timeout`] once it has passed, so that the work of a request answered with 408
//! stops instead of running on in the background. Checking is cheap (one clock read);
//! loops check every few hundred steps ([`Deadline::check_every`]).

use crate::{Error, Result};
use std::time::{Duration, Instant};

/// A point in time after which work is abandoned. `Copy`: pass it by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
}

impl Deadline {
    /// The deadline `d` from now.
    pub fn after(d: Duration) -> Self {
        Deadline {
            at: Instant::now() + d,
        }
    }

    /// The deadline at `at`.
    pub fn at(at: Instant) -> Self {
        Deadline { at }
    }

    /// When the deadline falls.
    pub fn instant(&self) -> Instant {
        self.at
    }

    /// Whether the deadline has passed.
    pub fn expired(&self) -> bool {
        Instant::now() >= self.at
    }

    /// Time left (zero once passed).
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// [`Error::Timeout`] once the deadline has passed.
    pub fn check(&self) -> Result<()> {
        if self.expired() {
            Err(Error::Timeout)
        } else {
            Ok(())
        }
    }

    /// [`check`](Self::check) on every `every`-th step `i` only (the clock is read once
    /// per `every` steps).
    pub fn check_every(&self, i: usize, every: usize) -> Result<()> {
        if i.is_multiple_of(every.max(1)) {
            self.check()
        } else {
            Ok(())
        }
    }
}

/// Checks an optional deadline: no deadline never expires.
pub fn check(deadline: Option<Deadline>) -> Result<()> {
    deadline.map_or(Ok(()), |d| d.check())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires() {
        let d = Deadline::after(Duration::from_millis(20));
        assert!(!d.expired());
        assert!(d.check().is_ok());
        std::thread::sleep(Duration::from_millis(30));
        assert!(d.expired());
        assert!(matches!(d.check(), Err(Error::Timeout)));
        assert!(matches!(d.check_every(4, 4), Err(Error::Timeout)));
        assert!(d.check_every(5, 4).is_ok());
        assert_eq!(d.remaining(), Duration::ZERO);
        assert!(check(None).is_ok());
        assert!(check(Some(d)).is_err());
    }
}
