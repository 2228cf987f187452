//! Hybrid logical clock (sync.md §3, "Ordering, time and conflicts"): physical milliseconds plus
//! a counter, so events of one device are totally ordered even when the wall clock jumps back
//! (NTP correction, a clerk fixing the date; sync.md scenario 11).

use serde::{Deserialize, Serialize};

/// One HLC reading. Ordered by `(physical_ms, counter)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch: the largest wall time seen so far.
    pub physical_ms: i64,
    /// Orders readings that share `physical_ms`.
    pub counter: u16,
}

impl Hlc {
    /// The zero reading, before any event.
    pub const ZERO: Hlc = Hlc {
        physical_ms: 0,
        counter: 0,
    };

    /// Packs the reading into one sortable integer (`physical_ms << 16 | counter`), the form
    /// stored in the `event.hlc` column. Fits in i64 until the year 10889.
    pub fn packed(self) -> i64 {
        (self.physical_ms << 16) | i64::from(self.counter)
    }

    /// The inverse of [`Hlc::packed`].
    pub fn from_packed(packed: i64) -> Hlc {
        Hlc {
            physical_ms: packed >> 16,
            // Masked to 16 bits first, so the cast cannot truncate.
            counter: (packed & 0xFFFF) as u16,
        }
    }

    /// The next reading for a local event at wall time `wall_ms`: strictly greater than `self`
    /// whatever `wall_ms` is. When the wall clock is behind, the physical part stays and the
    /// counter grows; a counter overflow carries into the physical part (still monotonic).
    pub fn tick(self, wall_ms: i64) -> Hlc {
        if wall_ms > self.physical_ms {
            Hlc {
                physical_ms: wall_ms,
                counter: 0,
            }
        } else if self.counter == u16::MAX {
            Hlc {
                physical_ms: self.physical_ms + 1,
                counter: 0,
            }
        } else {
            Hlc {
                physical_ms: self.physical_ms,
                counter: self.counter + 1,
            }
        }
    }

    /// Merges a reading received from elsewhere (the server's time on a sync response), so the
    /// next local event orders after everything this device has seen.
    pub fn observe(self, remote: Hlc, wall_ms: i64) -> Hlc {
        let latest = self.max(remote);
        latest.tick(wall_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// sync.md scenario 11: whatever the wall clock does (jumps back by years, stands still),
        /// each tick is strictly greater than the one before.
        #[test]
        fn hlc_is_strictly_monotonic_whatever_the_wall_clock_does(
            walls in proptest::collection::vec(0i64..4_000_000_000_000, 1..200)
        ) {
            let mut clock = Hlc::ZERO;
            for wall in walls {
                let next = clock.tick(wall);
                prop_assert!(next > clock);
                prop_assert!(next.physical_ms >= wall);
                prop_assert_eq!(Hlc::from_packed(next.packed()), next);
                prop_assert!(next.packed() > clock.packed());
                clock = next;
            }
        }
    }

    #[test]
    fn counter_overflow_carries_into_physical_time() {
        let clock = Hlc {
            physical_ms: 1_000,
            counter: u16::MAX,
        };
        assert_eq!(
            clock.tick(5),
            Hlc {
                physical_ms: 1_001,
                counter: 0
            }
        );
    }

    #[test]
    fn observing_a_remote_reading_orders_later_events_after_it() {
        let local = Hlc {
            physical_ms: 100,
            counter: 3,
        };
        let server = Hlc {
            physical_ms: 900,
            counter: 7,
        };
        let next = local.observe(server, 50);
        assert!(next > server);
    }
}
