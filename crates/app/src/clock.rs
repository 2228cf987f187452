//! The clock the app reads, injected so tests and imports of paper books control "now".

use chrono::{DateTime, FixedOffset, Utc};

/// Vietnam's offset (UTC+7, no daylight saving): every instant the counter shows or prints is in it.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    /// The current instant, in Vietnam time.
    fn now(&self) -> DateTime<FixedOffset>;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        Utc::now().with_timezone(&vietnam())
    }
}

/// A clock stopped at one instant, for tests and for data brought in from paper books.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<FixedOffset>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.0
    }
}
