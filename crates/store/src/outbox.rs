//! The event log seen as the sync outbox (sync.md §3): what is waiting, in byte-bounded
//! batches, and the server's contiguous acknowledgement per epoch.

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::error::{StoreError, StoreResult};
use crate::hlc::Hlc;
use crate::Store;

/// One event as the sync client sends it. Server key: `(device_id, epoch, seq)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEvent {
    /// UUIDv8 of (time, epoch, seq), the second dedup key (`identity::new_event_id`).
    pub event_id: String,
    /// The writing device.
    pub device_id: String,
    /// The epoch it was written in.
    pub epoch: i64,
    /// Its seq within the epoch (1, 2, 3… without gaps).
    pub seq: i64,
    /// The event kind's stored name.
    pub kind: String,
    /// The dossier concerned, if any.
    pub dossier_code: Option<String>,
    /// Compact JSON.
    pub payload: String,
    /// Device wall time, RFC 3339.
    pub device_time: String,
    /// Hybrid logical clock reading.
    pub hlc: Hlc,
}

/// What waits to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutboxStats {
    /// Events not yet acknowledged, all epochs.
    pub events_waiting: i64,
    /// The current epoch.
    pub current_epoch: i64,
    /// The highest seq written in the current epoch.
    pub highest_seq: i64,
}

impl Store {
    /// The epochs that still have unacknowledged events, oldest first. After a restore the old
    /// epoch's unsent tail is sent under its own (old) key before the new epoch's events.
    pub fn pending_epochs(&self) -> StoreResult<Vec<i64>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT h.epoch FROM epoch_history h \
             WHERE EXISTS (SELECT 1 FROM event e WHERE e.epoch = h.epoch AND e.seq > \
               coalesce((SELECT hwm FROM outbox_ack a WHERE a.epoch = h.epoch), 0)) \
             ORDER BY (SELECT position FROM event e WHERE e.epoch = h.epoch AND e.seq = 1)",
        )?;
        let epochs = statement
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(epochs)
    }

    /// The next batch of `epoch`: events with seq above both `after_seq` and the acknowledged
    /// high-water mark, in seq order, adding events while their payloads fit in `max_bytes`.
    /// Always at least one event when any waits, so one large event cannot block the queue.
    pub fn pending_events(
        &self,
        epoch: i64,
        after_seq: i64,
        max_bytes: usize,
    ) -> StoreResult<Vec<OutboxEvent>> {
        let hwm = self.acked_hwm(epoch)?;
        let mut statement = self.conn.prepare_cached(
            "SELECT event_id, device_id, epoch, seq, kind, dossier_code, payload, device_time, \
             hlc FROM event WHERE epoch = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let mut rows = statement.query(rusqlite::params![epoch, after_seq.max(hwm)])?;
        let mut batch = Vec::new();
        let mut bytes = 0usize;
        while let Some(row) = rows.next()? {
            let payload: String = row.get(6)?;
            if !batch.is_empty() && bytes + payload.len() > max_bytes {
                break;
            }
            bytes += payload.len();
            batch.push(OutboxEvent {
                event_id: row.get(0)?,
                device_id: row.get(1)?,
                epoch: row.get(2)?,
                seq: row.get(3)?,
                kind: row.get(4)?,
                dossier_code: row.get(5)?,
                payload,
                device_time: row.get(7)?,
                hlc: Hlc::from_packed(row.get(8)?),
            });
        }
        Ok(batch)
    }

    /// Records the server's contiguous high-water mark for `epoch`. Never moves backwards
    /// (a late duplicate response is harmless) and never beyond the highest seq written
    /// ([`StoreError::AckBeyondWritten`]: a server confused about our epoch must not make us
    /// skip events).
    pub fn mark_acked(&mut self, epoch: i64, hwm: i64) -> StoreResult<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let highest: i64 = tx.query_row(
            "SELECT coalesce(max(seq), 0) FROM event WHERE epoch = ?1",
            [epoch],
            |row| row.get(0),
        )?;
        if hwm > highest || hwm < 0 {
            return Err(StoreError::AckBeyondWritten {
                epoch,
                hwm,
                highest,
            });
        }
        tx.execute(
            "INSERT INTO outbox_ack (epoch, hwm) VALUES (?1, ?2) \
             ON CONFLICT (epoch) DO UPDATE SET hwm = max(hwm, excluded.hwm)",
            [epoch, hwm],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The acknowledged high-water mark of `epoch` (0 when nothing was acknowledged).
    pub fn acked_hwm(&self, epoch: i64) -> StoreResult<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT hwm FROM outbox_ack WHERE epoch = ?1")?
            .query_row([epoch], |row| row.get(0))
            .optional()?
            .unwrap_or(0))
    }

    /// Counts and bytes waiting, for the sync indicator.
    pub fn outbox_stats(&self) -> StoreResult<OutboxStats> {
        let epochs: Vec<i64> = self
            .conn
            .prepare_cached("SELECT epoch FROM epoch_history")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        // Seqs run 1, 2, 3… without gaps within an epoch, so what waits is the highest seq
        // minus the acknowledged one: two index lookups, where counting (and summing the
        // payloads of) the unacknowledged tail read every row of it — 13 s for a counter with
        // 4,000,000 events never synced, at every refresh of the sync indicator.
        let mut events_waiting = 0i64;
        for epoch in epochs {
            let hwm = self.acked_hwm(epoch)?;
            let highest: i64 = self
                .conn
                .prepare_cached("SELECT coalesce(max(seq), 0) FROM event WHERE epoch = ?1")?
                .query_row([epoch], |row| row.get(0))?;
            events_waiting += (highest - hwm).max(0);
        }
        let highest_seq = self.conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM event WHERE epoch = ?1",
            [self.identity.epoch],
            |row| row.get(0),
        )?;
        Ok(OutboxStats {
            events_waiting,
            current_epoch: self.identity.epoch,
            highest_seq,
        })
    }
}
