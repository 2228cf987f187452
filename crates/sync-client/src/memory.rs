//! An in-memory [`Outbox`] for tests, the simulation and the benchmark: the reference
//! semantics the store-backed implementation of the app must match.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use sync_protocol::{Channel, ChannelCursor, ChannelPage, WireEvent};

use crate::{Outbox, OutboxDevice};

/// The in-memory outbox never fails; this error exists to satisfy the trait.
#[derive(Debug, thiserror::Error)]
#[error("in-memory outbox failure: {0}")]
pub struct MemoryOutboxError(pub String);

/// What a [`MemoryOutbox`] holds; public so tests can inspect it.
#[derive(Debug, Clone, Default)]
pub struct MemoryState {
    /// Current epoch.
    pub epoch: u64,
    /// Events per epoch, by seq.
    pub events: BTreeMap<u64, BTreeMap<u64, WireEvent>>,
    /// Acknowledged high-water mark per epoch.
    pub acked: HashMap<u64, u64>,
    /// Channel documents: channel -> key -> (pos, doc).
    pub channels: HashMap<Channel, BTreeMap<String, (u64, String)>>,
    /// Channel cursors.
    pub cursors: HashMap<Channel, ChannelCursor>,
    /// When set, the next `apply_down_page` fails before changing anything (crash mid-apply,
    /// sync.md §4.20).
    pub fail_next_apply: bool,
}

/// An outbox in memory.
#[derive(Debug, Default)]
pub struct MemoryOutbox {
    device_id: String,
    /// The state, behind a lock.
    pub state: Mutex<MemoryState>,
}

impl MemoryOutbox {
    /// An empty outbox of `device_id` in `epoch`.
    pub fn new(device_id: &str, epoch: u64) -> Self {
        MemoryOutbox {
            device_id: device_id.to_owned(),
            state: Mutex::new(MemoryState {
                epoch,
                ..MemoryState::default()
            }),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, MemoryState>, MemoryOutboxError> {
        self.state
            .lock()
            .map_err(|_| MemoryOutboxError("poisoned".into()))
    }

    /// Appends payloads as new events of the current epoch; returns their seqs.
    pub fn append(&self, events: Vec<WireEvent>) -> Vec<u64> {
        let Ok(mut state) = self.lock() else {
            return Vec::new();
        };
        let epoch = state.epoch;
        let log = state.events.entry(epoch).or_default();
        let mut seqs = Vec::new();
        for mut event in events {
            event.seq = log.keys().next_back().copied().unwrap_or(0) + 1;
            seqs.push(event.seq);
            log.insert(event.seq, event);
        }
        seqs
    }

    /// Starts a new epoch (the local database was restored, sync.md §4.10).
    pub fn new_epoch(&self, epoch: u64) {
        if let Ok(mut state) = self.lock() {
            state.epoch = epoch;
        }
    }

    /// A copy of the state.
    pub fn snapshot(&self) -> MemoryState {
        self.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Outbox for MemoryOutbox {
    type Error = MemoryOutboxError;

    fn device(&self) -> Result<OutboxDevice, Self::Error> {
        Ok(OutboxDevice {
            device_id: self.device_id.clone(),
            epoch: self.lock()?.epoch,
        })
    }

    fn pending_epochs(&self) -> Result<Vec<u64>, Self::Error> {
        let state = self.lock()?;
        Ok(state
            .events
            .iter()
            .filter(|(epoch, log)| {
                let acked = state.acked.get(epoch).copied().unwrap_or(0);
                log.keys().next_back().is_some_and(|&last| last > acked)
            })
            .map(|(epoch, _)| *epoch)
            .collect())
    }

    fn acked_hwm(&self, epoch: u64) -> Result<u64, Self::Error> {
        Ok(self.lock()?.acked.get(&epoch).copied().unwrap_or(0))
    }

    fn pending(
        &self,
        epoch: u64,
        after_seq: u64,
        max_bytes: usize,
    ) -> Result<Vec<WireEvent>, Self::Error> {
        let state = self.lock()?;
        let mut out = Vec::new();
        let mut bytes = 0;
        if let Some(log) = state.events.get(&epoch) {
            for event in log.range(after_seq.saturating_add(1)..).map(|(_, e)| e) {
                if !out.is_empty() && bytes + event.payload.len() > max_bytes {
                    break;
                }
                bytes += event.payload.len();
                out.push(event.clone());
            }
        }
        Ok(out)
    }

    fn mark_acked(&self, epoch: u64, hwm: u64) -> Result<(), Self::Error> {
        let mut state = self.lock()?;
        let highest = state
            .events
            .get(&epoch)
            .and_then(|l| l.keys().next_back().copied())
            .unwrap_or(0);
        if hwm > highest {
            return Err(MemoryOutboxError(format!(
                "ack {hwm} beyond last seq {highest}"
            )));
        }
        let acked = state.acked.entry(epoch).or_insert(0);
        *acked = (*acked).max(hwm);
        Ok(())
    }

    fn waiting(&self) -> Result<u64, Self::Error> {
        let state = self.lock()?;
        Ok(state
            .events
            .iter()
            .map(|(epoch, log)| {
                let acked = state.acked.get(epoch).copied().unwrap_or(0);
                log.range(acked + 1..).count() as u64
            })
            .sum())
    }

    fn cursor(&self, channel: Channel) -> Result<Option<ChannelCursor>, Self::Error> {
        Ok(self.lock()?.cursors.get(&channel).copied())
    }

    fn apply_down_page(&self, page: &ChannelPage) -> Result<(), Self::Error> {
        let mut state = self.lock()?;
        if state.fail_next_apply {
            state.fail_next_apply = false;
            return Err(MemoryOutboxError("simulated crash while applying".into()));
        }
        // Build the new channel copy aside, then swap it in with the cursor: atomic.
        let mut docs = if page.reset {
            BTreeMap::new()
        } else {
            state
                .channels
                .get(&page.channel)
                .cloned()
                .unwrap_or_default()
        };
        for item in &page.items {
            docs.insert(item.key.clone(), (item.pos, item.doc.clone()));
        }
        state.channels.insert(page.channel, docs);
        state.cursors.insert(page.channel, page.cursor);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_protocol::synthetic::SyntheticCounter;

    /// The reference outbox refuses an ack beyond its last seq and never lowers an ack: the
    /// invariant "no ack runs ahead of committed data" the store must keep too (sync.md §4).
    #[test]
    fn acks_never_run_ahead_or_go_back() {
        let outbox = MemoryOutbox::new("dev", 1);
        let seqs = outbox.append(SyntheticCounter::new(1, "X").wire_events(2, 1));
        let last = *seqs.last().expect("events");
        assert!(outbox.mark_acked(1, last + 1).is_err());
        outbox.mark_acked(1, last).expect("ack");
        outbox.mark_acked(1, 1).expect("lower ack is a no-op");
        assert_eq!(outbox.acked_hwm(1).expect("hwm"), last);
        assert_eq!(outbox.waiting().expect("waiting"), 0);
        assert_eq!(
            outbox.pending(1, 0, 1).expect("pending").len(),
            1,
            "acked rows stay for replay"
        );
    }
}
