//! The counter's local SQLite database; the only crate that knows SQL.
//!
//! Invariants:
//! - Every change is an immutable event written in the same transaction as the rows the screens
//!   read. The event log is at once the audit trail and the sync outbox (sync.md §3).
//! - The store computes no due date and no status transition: the app computes them with the
//!   domain crate and hands the results in. Queries that depend on working time take instants.
//! - The store never reads the clock: every write takes `now` from the caller.
//! - The file is encrypted at rest with SQLCipher (DESIGN.md); the key comes from the caller.
//!
//! Entry point: [`Store::create`] / [`Store::open`].

#![deny(missing_docs)]

mod backup;
mod dossiers;
mod error;
pub mod fold;
pub mod hlc;
mod identity;
mod outbox;
mod reference;
pub mod report_queries;
pub mod schema;
mod settings;
mod sync_support;
pub mod synthetic;
mod types;

pub use error::{StoreError, StoreResult};
pub use hlc::Hlc;
pub use identity::{DeviceIdentity, StoreKey};
pub use outbox::{OutboxEvent, OutboxStats};
pub use reference::{ReferenceCursor, ReferenceItem, ReferencePage};
pub use settings::{Clerk, CommuneSettings, SatisfactionTap, WorkingPeriod};
pub use sync_support::OfficialCode;
pub use types::{
    Dossier, DossierCorrection, EventKind, NewDossier, StatusChange, StoredEvent, Timeliness,
};

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

/// How thoroughly to check the file when opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrityCheck {
    /// `PRAGMA quick_check`: every page and record, not the index contents. The default.
    Quick,
    /// `PRAGMA integrity_check`: also checks that indexes match their tables. Slower.
    Full,
    /// No check (benchmarks of the check itself, child processes of tests).
    Skip,
}

/// Options for [`Store::open`].
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// How long to wait for a lock held by another process before [`StoreError::Busy`].
    pub busy_timeout: Duration,
    /// The check run at open.
    pub integrity_check: IntegrityCheck,
    /// `synchronous = FULL` (true, the default): every commit is on disk when the call returns.
    /// `false` gives `NORMAL`, which can lose the last commits on power loss; it exists only so
    /// the benchmark can measure what durability costs.
    pub durable_commits: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: Duration::from_secs(5),
            integrity_check: IntegrityCheck::Quick,
            durable_commits: true,
        }
    }
}

/// Pages of name-index merge work per [`Store::maintain`] step: a few milliseconds.
const MERGE_PAGES_PER_STEP: i64 = 256;

/// The open local database of one counter device.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    key: StoreKey,
    identity: DeviceIdentity,
    /// The HLC of the last committed event; the next event ticks from here.
    last_hlc: Hlc,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Creates a new database at `path` (which must not exist) with a fresh device id and epoch.
    pub fn create(path: &Path, key: &StoreKey, now: DateTime<FixedOffset>) -> StoreResult<Store> {
        if path.exists() {
            return Err(StoreError::InvalidInput(format!(
                "{} already exists",
                path.display()
            )));
        }
        let mut conn = connect(
            path,
            key,
            OpenFlags::SQLITE_OPEN_CREATE,
            &OpenOptions::default(),
        )?;
        schema::migrate(&mut conn, schema::MIGRATIONS)?;
        identity::initialise(&mut conn, now)?;
        Store::finish_open(conn, path, key, now)
    }

    /// Opens an existing database: checks it, migrates it, and detects a restore done behind
    /// the app's back (sync.md scenario 10), minting a new epoch if so.
    pub fn open(
        path: &Path,
        key: &StoreKey,
        options: &OpenOptions,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Store> {
        if !path.exists() {
            return Err(StoreError::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} does not exist", path.display()),
            )));
        }
        let mut conn = connect(path, key, OpenFlags::empty(), options)?;
        schema::migrate(&mut conn, schema::MIGRATIONS)?;
        Store::finish_open(conn, path, key, now)
    }

    fn finish_open(
        mut conn: Connection,
        path: &Path,
        key: &StoreKey,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Store> {
        let identity = identity::load_or_detect_restore(&mut conn, path, now)?;
        let last_hlc = conn
            .query_row(
                "SELECT hlc FROM event ORDER BY position DESC LIMIT 1",
                [],
                |row| row.get::<_, i64>(0),
            )
            .optional()?
            .map_or(Hlc::ZERO, Hlc::from_packed);
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            key: key.clone(),
            identity,
            last_hlc,
        })
    }

    /// This device's identity and current sync epoch.
    pub fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Merges a clock reading from the server (sync response), so later local events order
    /// after it (sync.md §3).
    pub fn observe_remote_clock(&mut self, remote: Hlc, now: DateTime<FixedOffset>) {
        self.last_hlc = self.last_hlc.observe(remote, now.timestamp_millis());
    }

    /// The schema as SQLite reports it, with its version (for the schema snapshot test).
    pub fn schema_dump(&self) -> StoreResult<String> {
        schema::schema_dump(&self.conn)
    }

    /// Caps the database file at `max_pages` pages (`PRAGMA max_page_count`, for this
    /// connection): a size quota, and the way tests produce `SQLITE_FULL` without filling a
    /// disk. Returns the cap in force (never below the current size).
    pub fn set_max_page_count(&self, max_pages: u32) -> StoreResult<u32> {
        Ok(self
            .conn
            .query_row(&format!("PRAGMA max_page_count = {max_pages}"), [], |row| {
                row.get(0)
            })?)
    }

    /// Copies the write-ahead log into the database file (`wal_checkpoint(TRUNCATE)`). Call
    /// it when the counter is idle, so no intake pays for it.
    pub fn checkpoint(&self) -> StoreResult<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Housekeeping the write path leaves for idle moments; the app calls it when the counter
    /// has been quiet for a few seconds, and it is always safe to skip.
    ///
    /// At 1,000,000 dossiers an intake commits in about 1 ms, but every 64th also merged the
    /// name index (~650 pages, 40–60 ms) and now and then one copied the WAL back into the file.
    /// Both now happen here, each step in its own short transaction: one bounded step of the
    /// name index's merge (`merge` with a page budget, only where a level has 4 segments), then
    /// a passive WAL checkpoint, which never waits for readers or writers. Returns whether merge
    /// work is left (call again later).
    pub fn maintain(&mut self) -> StoreResult<bool> {
        let before = self.conn.total_changes();
        self.conn.execute(
            "INSERT INTO dossier_name_search (dossier_name_search, rank) VALUES ('merge', ?1)",
            [MERGE_PAGES_PER_STEP],
        )?;
        // FTS5's documented test: the command itself counts one change; two or more mean the
        // merge did work.
        let merged = self.conn.total_changes() - before >= 2;
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(merged)
    }

    /// Runs `PRAGMA quick_check` now (what [`IntegrityCheck::Quick`] runs at open), for an app
    /// that opens large files with [`IntegrityCheck::Skip`] and checks in the background.
    pub fn quick_check(&self) -> StoreResult<()> {
        run_check(&self.conn, "quick_check")
    }

    /// Runs `PRAGMA integrity_check` now; [`StoreError::Corrupt`] if it fails.
    pub fn check_integrity(&self) -> StoreResult<()> {
        run_check(&self.conn, "integrity_check")
    }

    /// Runs `write` in one IMMEDIATE transaction with an event appender; commits both or
    /// nothing, then advances the in-memory HLC and the restore-detection sidecar.
    fn write<T>(
        &mut self,
        now: DateTime<FixedOffset>,
        write: impl FnOnce(&Transaction<'_>, &mut EventAppender<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut appender = EventAppender {
            identity: &self.identity,
            hlc: self.last_hlc,
            now,
            last_seq: None,
        };
        let value = write(&tx, &mut appender)?;
        let (hlc, last_seq) = (appender.hlc, appender.last_seq);
        tx.commit()?;
        self.last_hlc = hlc;
        if let Some(seq) = last_seq {
            identity::record_sidecar(&self.path, &self.identity, seq);
        }
        Ok(value)
    }
}

/// Appends events inside a write transaction, numbering them and ticking the HLC.
pub(crate) struct EventAppender<'a> {
    identity: &'a DeviceIdentity,
    hlc: Hlc,
    now: DateTime<FixedOffset>,
    last_seq: Option<i64>,
}

impl EventAppender<'_> {
    /// Writes one event; returns its seq.
    pub(crate) fn append(
        &mut self,
        tx: &Transaction<'_>,
        kind: EventKind,
        dossier_code: Option<&str>,
        payload: &impl serde::Serialize,
    ) -> StoreResult<i64> {
        let seq = match self.last_seq {
            Some(seq) => seq + 1,
            None => {
                tx.query_row(
                    "SELECT coalesce(max(seq), 0) FROM event WHERE epoch = ?1",
                    [self.identity.epoch],
                    |row| row.get::<_, i64>(0),
                )? + 1
            }
        };
        let hlc = self.hlc.tick(self.now.timestamp_millis());
        let payload = serde_json::to_string(payload)
            .map_err(|e| StoreError::InvalidInput(format!("event payload: {e}")))?;
        tx.prepare_cached(
            "INSERT INTO event (event_id, device_id, epoch, seq, kind, dossier_code, payload, \
             device_time, hlc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(rusqlite::params![
            identity::new_event_id(self.now, self.identity.epoch, seq),
            self.identity.device_id,
            self.identity.epoch,
            seq,
            kind.as_str(),
            dossier_code,
            payload,
            self.now.to_rfc3339(),
            hlc.packed(),
        ])?;
        self.hlc = hlc;
        self.last_seq = Some(seq);
        Ok(seq)
    }
}

fn connect(
    path: &Path,
    key: &StoreKey,
    extra_flags: OpenFlags,
    options: &OpenOptions,
) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | extra_flags;
    let conn = Connection::open_with_flags(path, flags)?;
    // The key must be the first statement on the connection (SQLCipher).
    key.apply(&conn)?;
    conn.busy_timeout(options.busy_timeout)?;
    // A write-protected file opens read-only without complaint; say so now, not at the first
    // intake.
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(StoreError::ReadOnly);
    }
    match options.integrity_check {
        IntegrityCheck::Quick => run_check(&conn, "quick_check")?,
        IntegrityCheck::Full => run_check(&conn, "integrity_check")?,
        IntegrityCheck::Skip => {
            // Still touch the file, so a wrong key or a non-database fails here.
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        }
    }
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::ReadOnly);
    }
    // FULL in WAL mode: each commit is fsynced, so a committed dossier survives power loss
    // (NORMAL could lose the last commits). Cost measured in DESIGN.md.
    let synchronous = if options.durable_commits {
        "FULL"
    } else {
        "NORMAL"
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // 32 MB of decrypted pages: the indexes of a large file stay in memory.
    conn.pragma_update(None, "cache_size", -32_000)?;
    // Checkpoints copy the WAL into the file with an fsync; left to SQLite's default (every
    // 1000 pages, ~60 intakes) an intake pays for it now and then. [`Store::maintain`]
    // checkpoints while the counter is idle; this threshold is only the safety net for a
    // process that never calls it.
    conn.pragma_update(None, "wal_autocheckpoint", 8_000)?;
    Ok(conn)
}

fn run_check(conn: &Connection, pragma: &str) -> StoreResult<()> {
    // A check that cannot even run over the file's pages (SQLCipher refuses a page whose MAC
    // does not match with a bare "SQL logic error") has found damage too. A full disk, a lock
    // or a wrong key keep their own codes.
    let damaged = |error: rusqlite::Error| match StoreError::from(error) {
        StoreError::Sqlite(inner) => StoreError::Corrupt {
            detail: format!("{pragma} could not run: {inner}"),
        },
        other => other,
    };
    let mut statement = conn.prepare(&format!("PRAGMA {pragma}")).map_err(damaged)?;
    let findings: Vec<String> = statement
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(damaged)?
        .collect::<Result<_, _>>()
        .map_err(damaged)?;
    if findings.len() == 1 && findings[0] == "ok" {
        Ok(())
    } else {
        Err(StoreError::Corrupt {
            detail: findings.into_iter().take(5).collect::<Vec<_>>().join("; "),
        })
    }
}
