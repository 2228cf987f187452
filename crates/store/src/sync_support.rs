//! What the app's sync adapter needs beyond the outbox API (sync.md §3): replaying events the
//! server already acknowledged, and official dossier codes (NĐ 118 art. 28) written together with
//! the downstream page and cursor that carried them.

use chrono::{DateTime, FixedOffset};
use rusqlite::TransactionBehavior;

use crate::error::{StoreError, StoreResult};
use crate::hlc::Hlc;
use crate::outbox::OutboxEvent;
use crate::reference::ReferencePage;
use crate::Store;

/// One official code received from the server for a dossier of this commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialCode {
    /// The counter's dossier code.
    pub dossier_code: String,
    /// The official code the server assigned (NĐ 118 art. 28).
    pub official_code: String,
}

impl Store {
    /// Events of `epoch` with seq above `after_seq`, in seq order, **acknowledged or not**:
    /// a server restored from a backup reports a lower high-water mark and the retained events
    /// are sent again from there (sync.md §4.9). Adds events while their payloads fit in
    /// `max_bytes`, always at least one.
    pub fn events_after(
        &self,
        epoch: i64,
        after_seq: i64,
        max_bytes: usize,
    ) -> StoreResult<Vec<OutboxEvent>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT event_id, device_id, epoch, seq, kind, dossier_code, payload, device_time, \
             hlc FROM event WHERE epoch = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let mut rows = statement.query(rusqlite::params![epoch, after_seq])?;
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

    /// Applies a downstream page, its cursor, and the official codes it carries in **one**
    /// transaction, so a crash or a full disk never leaves the cursor ahead of the codes
    /// (sync.md §4.20). A code is written only on a dossier of this database that has none or
    /// another one; a code already held by another dossier is left out rather than failing the
    /// page (a page that can never apply would stop the channel for good). Returns how many
    /// dossiers received their official code.
    pub fn apply_page_with_official_codes(
        &mut self,
        page: &ReferencePage,
        official_codes: &[OfficialCode],
        now: DateTime<FixedOffset>,
    ) -> StoreResult<u64> {
        for item in &page.upserts {
            serde_json::from_str::<serde::de::IgnoredAny>(&item.body).map_err(|e| {
                StoreError::InvalidInput(format!("reference item {} is not JSON: {e}", item.key))
            })?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if page.replace_all {
            tx.execute(
                "DELETE FROM reference_item WHERE channel = ?1",
                [&page.channel],
            )?;
        }
        let mut updated = 0u64;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO reference_item (channel, key, body) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (channel, key) DO UPDATE SET body = excluded.body",
            )?;
            for item in &page.upserts {
                upsert.execute([&page.channel, &item.key, &item.body])?;
            }
            let mut delete =
                tx.prepare_cached("DELETE FROM reference_item WHERE channel = ?1 AND key = ?2")?;
            for key in &page.deletes {
                delete.execute([&page.channel, key])?;
            }
            let mut set_code = tx.prepare_cached(
                "UPDATE OR IGNORE dossier SET official_code = ?2, updated_ms = ?3 \
                 WHERE code = ?1 AND official_code IS NOT ?2",
            )?;
            for code in official_codes {
                updated += set_code.execute(rusqlite::params![
                    code.dossier_code,
                    code.official_code,
                    now.timestamp_millis()
                ])? as u64;
            }
        }
        tx.execute(
            "INSERT INTO reference_cursor (channel, server_epoch, cursor, version, applied_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (channel) DO UPDATE SET \
             server_epoch = excluded.server_epoch, cursor = excluded.cursor, \
             version = excluded.version, applied_at = excluded.applied_at",
            [
                &page.channel,
                &page.server_epoch,
                &page.cursor,
                &page.version,
                &now.to_rfc3339(),
            ],
        )?;
        tx.commit()?;
        Ok(updated)
    }
}
