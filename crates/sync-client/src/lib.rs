//! HTTP sync from the counter to the district server (sync.md §3).
//!
//! - [`Outbox`]: what the client needs from the local store (the app implements it over
//!   `crates/store`); [`memory::MemoryOutbox`] is an in-memory implementation for tests.
//! - [`Transport`]: one request/reply exchange; [`HttpTransport`] is the real one (reqwest,
//!   keep-alive). Tests and the simulation plug in their own.
//! - [`sync_until_idle`]: rounds of one idempotent compressed batch each, one in flight, with
//!   byte-sized batches adapted to the link, until nothing is left to send or to fetch.
//! - [`SyncLoop`]: a background thread driven by a timer and by connectivity changes, never only
//!   by the next local write (the PowerSync Rust SDK bug, sync.md §1).
#![deny(missing_docs)]

pub mod memory;
mod session;
mod transport;

pub use session::{sync_until_idle, SyncConfig, SyncError, SyncProgress, SyncSummary};
pub use sync_protocol::{
    Channel, ChannelCursor, ChannelPage, EnrollRequest, WireEvent as OutboxEvent,
};
pub use transport::{enroll, DeviceCredential, HttpTransport, Transport, TransportError};

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// The device's identity as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxDevice {
    /// The device id given at enrolment.
    pub device_id: String,
    /// The current epoch (new when the local database was created or restored).
    pub epoch: u64,
}

/// What the sync client needs from the counter's store. Implementations must make
/// [`Outbox::apply_down_page`] atomic: items and cursor commit together or not at all.
pub trait Outbox: Send + Sync {
    /// The store's error.
    type Error: std::error::Error + Send + Sync + 'static;
    /// Device id and current epoch.
    fn device(&self) -> Result<OutboxDevice, Self::Error>;
    /// Epochs that still hold unacknowledged events, oldest first (after a restore, an old
    /// epoch may still have some).
    fn pending_epochs(&self) -> Result<Vec<u64>, Self::Error>;
    /// The highest seq of `epoch` acknowledged by the server so far.
    fn acked_hwm(&self, epoch: u64) -> Result<u64, Self::Error>;
    /// Events of `epoch` with `seq > after_seq` in seq order, acknowledged or not (a restored
    /// server asks for a replay), stopping once their payloads exceed `max_bytes` (at least one).
    fn pending(
        &self,
        epoch: u64,
        after_seq: u64,
        max_bytes: usize,
    ) -> Result<Vec<OutboxEvent>, Self::Error>;
    /// Records that the server committed every event of `epoch` up to `hwm`. Never lowers.
    fn mark_acked(&self, epoch: u64, hwm: u64) -> Result<(), Self::Error>;
    /// How many events wait for an acknowledgement (for the progress display).
    fn waiting(&self) -> Result<u64, Self::Error>;
    /// The stored cursor of a channel, if any.
    fn cursor(&self, channel: Channel) -> Result<Option<ChannelCursor>, Self::Error>;
    /// Applies a page and stores its cursor in one transaction; `page.reset` first drops the
    /// local copy of the channel (a snapshot begins).
    fn apply_down_page(&self, page: &ChannelPage) -> Result<(), Self::Error>;
    /// The server quarantined these events of `epoch` (acknowledged all the same: they never
    /// block later ones). A person must see them; the default keeps nothing. A resend reports
    /// the same rejections again, so keep them by `(epoch, seq)`.
    fn record_rejections(
        &self,
        _epoch: u64,
        _rejected: &[sync_protocol::Rejection],
    ) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Why the background loop should sync now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncTrigger {
    /// The clerk pressed "sync" or a local write happened.
    Now,
    /// The network came back (or changed).
    ConnectivityChanged,
    /// Stop the loop.
    Stop,
}

/// A running background sync loop.
pub struct SyncLoop {
    sender: mpsc::Sender<SyncTrigger>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SyncLoop {
    /// Starts the loop: it syncs at once, then every `interval` and on every trigger; after a
    /// failure it retries with exponential backoff and jitter, capped at `interval`.
    /// `report` receives progress and the end of each run.
    pub fn spawn<O, T>(
        outbox: Arc<O>,
        mut transport: T,
        config: SyncConfig,
        interval: Duration,
        mut report: impl FnMut(&SyncProgress) + Send + 'static,
    ) -> SyncLoop
    where
        O: Outbox + 'static,
        T: Transport + Send + 'static,
    {
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let mut failures = 0u32;
            let mut wait = Duration::ZERO;
            loop {
                match receiver.recv_timeout(wait) {
                    Ok(SyncTrigger::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    Ok(SyncTrigger::ConnectivityChanged) => failures = 0,
                    Ok(SyncTrigger::Now) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
                // Coalesce a burst of triggers into one run: one request in flight.
                while let Ok(trigger) = receiver.try_recv() {
                    if trigger == SyncTrigger::Stop {
                        return;
                    }
                }
                match sync_until_idle(outbox.as_ref(), &mut transport, &config, &mut report) {
                    Ok(_) => {
                        failures = 0;
                        wait = interval;
                    }
                    Err(_) => {
                        failures += 1;
                        wait = session::backoff(&config, failures).min(interval);
                    }
                }
            }
        });
        SyncLoop {
            sender,
            thread: Some(thread),
        }
    }

    /// Asks the loop to sync now (or after the run in progress).
    pub fn trigger(&self, trigger: SyncTrigger) {
        let _ = self.sender.send(trigger);
    }

    /// Stops the loop after the run in progress and waits for it.
    pub fn stop(mut self) {
        let _ = self.sender.send(SyncTrigger::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SyncLoop {
    fn drop(&mut self) {
        let _ = self.sender.send(SyncTrigger::Stop);
    }
}
