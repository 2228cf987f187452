//! Who writes the events: device id, sync epoch, the encryption key, and restore detection.
//!
//! sync.md §3: the server keys events by `(device_id, epoch, seq)`. A database restored from an
//! older backup would reuse seqs the server already has with different content, so a restore
//! must start a new epoch (sync.md scenario 10). [`crate::Store::restore_from`] always does;
//! a file copied back behind the app's back is caught at open by a small sidecar file next to
//! the database (`<db>-seq`) that records the last committed seq outside the database.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::error::{StoreError, StoreResult};

/// The identity under which this database writes events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceIdentity {
    /// Random at install (UUIDv7 text); never changes.
    pub device_id: String,
    /// Random 63-bit number, new when the database is created or restored.
    pub epoch: i64,
    /// Random id of this database file's lineage, kept across restores (tells the sidecar
    /// which database it describes).
    pub db_instance: String,
}

/// The 256-bit SQLCipher key. The store never persists it: the app keeps it in the OS key
/// store (Windows DPAPI / Credential Manager, macOS Keychain, Secret Service) and passes it in.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(<redacted>)")
    }
}

impl StoreKey {
    /// A new random key from the OS random source.
    pub fn generate() -> StoreResult<StoreKey> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
        Ok(StoreKey(bytes))
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> StoreKey {
        StoreKey(bytes)
    }

    /// The key as 64 hex digits, the form the app keeps in the OS key store.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Parses 64 hex digits.
    pub fn from_hex(hex: &str) -> StoreResult<StoreKey> {
        let hex = hex.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::InvalidInput(
                "a store key is 64 hex digits".into(),
            ));
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        }
        Ok(StoreKey(bytes))
    }

    /// Keys a fresh connection. A raw key skips SQLCipher's PBKDF2, so opening stays fast.
    pub(crate) fn apply(&self, conn: &Connection) -> StoreResult<()> {
        // The hex digits come from our own bytes, so the literal cannot be injected into.
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", self.to_hex()))?;
        Ok(())
    }
}

/// A new event id: a UUIDv8 (RFC 9562) of 48 bits of Unix milliseconds from the caller's
/// clock reading, 42 bits of the epoch and the 32-bit seq.
///
/// Unique without random bits of its own: a seq is used once per epoch, and the epoch is 63
/// random bits minted per database and per restore (two stores share an id only if 42 random
/// bits, the seq and the millisecond all agree). Ordered by time like a UUIDv7. And cheap to
/// sync: the part after the time is the same for a whole batch but for the seq, which the wire
/// form rebuilds from the event's own seq (sync-protocol `compact`), where the 74 random bits of
/// a UUIDv7 cost about 35 bytes per dossier (BENCHMARKS.md). A seq beyond 32 bits, which a
/// counter never reaches, falls back to a UUIDv7.
pub(crate) fn new_event_id(now: DateTime<FixedOffset>, epoch: i64, seq: i64) -> String {
    let Ok(seq) = u32::try_from(seq) else {
        return random_id(now);
    };
    let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    let tag = epoch as u64 & ((1 << 42) - 1);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    // Version 8 and 12 tag bits; variant 0b10 and 30 tag bits; the seq.
    bytes[6..8].copy_from_slice(&((0x8000 | (tag >> 30)) as u16).to_be_bytes());
    bytes[8..12].copy_from_slice(&((0x8000_0000 | (tag & 0x3FFF_FFFF)) as u32).to_be_bytes());
    bytes[12..].copy_from_slice(&seq.to_be_bytes());
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// A random UUIDv7 from the caller's clock reading (device ids, database instances).
fn random_id(now: DateTime<FixedOffset>) -> String {
    let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    let timestamp = uuid::Timestamp::from_unix(
        uuid::NoContext,
        millis / 1000,
        ((millis % 1000) * 1_000_000) as u32,
    );
    uuid::Uuid::new_v7(timestamp).to_string()
}

fn random_epoch() -> StoreResult<i64> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
    // 63 bits, positive, never 0.
    Ok((i64::from_le_bytes(bytes) & i64::MAX).max(1))
}

/// Writes a fresh identity into a new database.
pub(crate) fn initialise(conn: &mut Connection, now: DateTime<FixedOffset>) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let epoch = random_epoch()?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('device_id', ?1), ('epoch', ?2), ('db_instance', ?3)",
        rusqlite::params![random_id(now), epoch.to_string(), random_id(now)],
    )?;
    tx.execute(
        "INSERT INTO epoch_history (epoch, started_at, reason) VALUES (?1, ?2, 'created')",
        rusqlite::params![epoch, now.to_rfc3339()],
    )?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn load(conn: &Connection) -> StoreResult<DeviceIdentity> {
    let get = |key: &str| -> StoreResult<String> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?
        .ok_or(StoreError::NotInitialised)
    };
    Ok(DeviceIdentity {
        device_id: get("device_id")?,
        epoch: get("epoch")?
            .parse()
            .map_err(|_| StoreError::Decode("epoch".into()))?,
        db_instance: get("db_instance")?,
    })
}

/// Starts a new epoch (after a restore): later events are numbered from seq 1 under it, so no
/// `(device_id, epoch, seq)` the server has seen is ever reused with other content.
pub(crate) fn mint_epoch(
    conn: &mut Connection,
    path: &Path,
    reason: &str,
    now: DateTime<FixedOffset>,
) -> StoreResult<DeviceIdentity> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let epoch = random_epoch()?;
    tx.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'epoch'",
        [epoch.to_string()],
    )?;
    tx.execute(
        "INSERT INTO epoch_history (epoch, started_at, reason) VALUES (?1, ?2, ?3)",
        rusqlite::params![epoch, now.to_rfc3339(), reason],
    )?;
    tx.commit()?;
    let identity = load(conn)?;
    record_sidecar(path, &identity, 0);
    Ok(identity)
}

fn sidecar_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-seq");
    PathBuf::from(name)
}

/// Records the last committed seq outside the database. Best effort and not fsynced: it runs
/// after the commit (so it can lag, never lead) and a failure must not turn a committed write
/// into an error. A lagging sidecar only narrows detection, it never causes a false one.
pub(crate) fn record_sidecar(db: &Path, identity: &DeviceIdentity, seq: i64) {
    use std::io::{Seek, Write};
    let line = format!(
        "{} {} {} {}",
        identity.db_instance, identity.device_id, identity.epoch, seq
    );
    // Overwritten in place at a fixed width, never truncated: on ext4 a truncate-and-rewrite
    // makes the close wait for the data to reach the disk (auto_da_alloc), which cost every
    // intake ~4 ms.
    let record = format!("{line:<127}\n");
    let _ignored = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(sidecar_path(db))
        .and_then(|mut file| {
            file.seek(std::io::SeekFrom::Start(0))?;
            file.write_all(record.as_bytes())
        });
}

struct Sidecar {
    db_instance: String,
    epoch: i64,
    seq: i64,
}

fn read_sidecar(db: &Path) -> Option<Sidecar> {
    let text = std::fs::read_to_string(sidecar_path(db)).ok()?;
    let mut parts = text.split_whitespace();
    let db_instance = parts.next()?.to_string();
    let _device_id = parts.next()?;
    let epoch = parts.next()?.parse().ok()?;
    let seq = parts.next()?.parse().ok()?;
    Some(Sidecar {
        db_instance,
        epoch,
        seq,
    })
}

fn is_empty(conn: &Connection) -> StoreResult<bool> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM event) AND NOT EXISTS (SELECT 1 FROM dossier)",
        [],
        |row| row.get(0),
    )?)
}

/// Loads the identity; if the sidecar proves the file is older than what this device already
/// committed (a backup copied over it), starts a new epoch.
pub(crate) fn load_or_detect_restore(
    conn: &mut Connection,
    path: &Path,
    now: DateTime<FixedOffset>,
) -> StoreResult<DeviceIdentity> {
    let identity = match load(conn) {
        Ok(identity) => identity,
        // Killed during `Store::create`, after the schema but before the identity committed:
        // the file holds no data yet, so finishing the creation loses nothing.
        Err(StoreError::NotInitialised) if is_empty(conn)? => {
            initialise(conn, now)?;
            load(conn)?
        }
        Err(error) => return Err(error),
    };
    let highest: i64 = conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM event WHERE epoch = ?1",
        [identity.epoch],
        |row| row.get(0),
    )?;
    let restored = match read_sidecar(path) {
        Some(sidecar) if sidecar.db_instance == identity.db_instance => {
            if sidecar.epoch == identity.epoch {
                sidecar.seq > highest
            } else {
                // An epoch the file has never seen: the file predates it.
                let known: bool = conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM epoch_history WHERE epoch = ?1)",
                    [sidecar.epoch],
                    |row| row.get(0),
                )?;
                !known
            }
        }
        _ => false,
    };
    if restored {
        mint_epoch(conn, path, "restore_detected", now)
    } else {
        record_sidecar(path, &identity, highest);
        Ok(identity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> DateTime<FixedOffset> {
        chrono::DateTime::from_timestamp_millis(ms)
            .expect("instant")
            .fixed_offset()
    }

    /// Event ids are RFC 9562 UUIDv8s of (time, epoch, seq): two epochs (a restore) never give
    /// the same id for the same seq at the same millisecond, and a seq past 32 bits still gets
    /// a unique (random) id.
    #[test]
    fn event_ids_are_uuidv8_of_time_epoch_and_seq() {
        let now = at(1_795_000_000_123);
        let id = new_event_id(now, 0x1234_5678_9ABC_DEF0, 7);
        let uuid = uuid::Uuid::parse_str(&id).expect("uuid");
        assert_eq!(uuid.get_version_num(), 8);
        assert_eq!(uuid.get_variant(), uuid::Variant::RFC4122);
        assert!(id.ends_with("00000007"), "{id}");
        assert_eq!(
            &uuid.as_bytes()[..6],
            &1_795_000_000_123u64.to_be_bytes()[2..]
        );
        assert_ne!(id, new_event_id(now, 0x1234_5678_9ABC_DEF1, 7));
        assert_ne!(id, new_event_id(now, 0x1234_5678_9ABC_DEF0, 8));
        let big = new_event_id(now, 1, 1 << 32);
        assert_eq!(
            uuid::Uuid::parse_str(&big).expect("uuid").get_version_num(),
            7
        );
        assert_ne!(big, new_event_id(now, 1, 1 << 32));
    }
}
