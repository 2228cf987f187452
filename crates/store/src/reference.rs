//! Reference data from the server (catalogue, calendar, letter texts), one channel at a time,
//! each page applied together with its cursor (sync.md §3 "Downstream", scenario 20).

use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::Store;

/// One item of a channel: its key and its JSON body as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceItem {
    /// The key within the channel (procedure code, year, letter id…).
    pub key: String,
    /// The JSON body.
    pub body: String,
}

/// One downstream page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferencePage {
    /// The channel: `catalog`, `calendar`, `letters`…
    pub channel: String,
    /// The server's epoch for this channel's log.
    pub server_epoch: String,
    /// The cursor after this page.
    pub cursor: String,
    /// The data version after this page (events cite the version the clerk saw).
    pub version: String,
    /// A snapshot page (after a 410): drop the channel's items first.
    pub replace_all: bool,
    /// Items added or changed.
    pub upserts: Vec<ReferenceItem>,
    /// Keys removed.
    pub deletes: Vec<String>,
}

/// Where a channel's download stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceCursor {
    /// The server's epoch.
    pub server_epoch: String,
    /// The cursor to resume from.
    pub cursor: String,
    /// The data version.
    pub version: String,
}

impl Store {
    /// Applies a page and advances the channel's cursor in one transaction: both or neither,
    /// so a crash or a full disk never leaves the cursor ahead of the data.
    pub fn apply_reference_page(
        &mut self,
        page: &ReferencePage,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<()> {
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
        Ok(())
    }

    /// The channel's cursor, `None` before the first page.
    pub fn reference_cursor(&self, channel: &str) -> StoreResult<Option<ReferenceCursor>> {
        Ok(self
            .conn
            .query_row(
                "SELECT server_epoch, cursor, version FROM reference_cursor WHERE channel = ?1",
                [channel],
                |row| {
                    Ok(ReferenceCursor {
                        server_epoch: row.get(0)?,
                        cursor: row.get(1)?,
                        version: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every item of a channel, by key.
    pub fn reference_items(&self, channel: &str) -> StoreResult<Vec<ReferenceItem>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT key, body FROM reference_item WHERE channel = ?1 ORDER BY key",
        )?;
        let items = statement
            .query_map([channel], |row| {
                Ok(ReferenceItem {
                    key: row.get(0)?,
                    body: row.get(1)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(items)
    }
}
