//! Backup while the app runs (SQLite's online backup API) and restore, which always starts a
//! new sync epoch (sync.md scenario 10).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use crate::error::{StoreError, StoreResult};
use crate::{identity, OpenOptions, Store};

/// Pages copied per step: small steps let the app keep writing between them.
const PAGES_PER_STEP: std::ffi::c_int = 1024;

fn temporary_sibling(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

impl Store {
    /// Copies the live database to `destination` (encrypted with the same key), checks the
    /// copy, and only then moves it into place: a failed backup never leaves a half-written
    /// file under the destination's name.
    pub fn backup_to(&self, destination: &Path) -> StoreResult<()> {
        let partial = temporary_sibling(destination);
        let _ignored = std::fs::remove_file(&partial);
        let result = (|| {
            let mut target = Connection::open_with_flags(
                &partial,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            )?;
            self.key.apply(&target)?;
            {
                let backup = Backup::new(&self.conn, &mut target)?;
                backup.run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)?;
            }
            // The copy is a single self-contained file, not in WAL mode.
            target.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
            let check: String = target.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
            if check != "ok" {
                return Err(StoreError::Corrupt { detail: check });
            }
            drop(target);
            std::fs::rename(&partial, destination)?;
            Ok(())
        })();
        if result.is_err() {
            let _ignored = std::fs::remove_file(&partial);
        }
        result
    }

    /// Replaces this database's content with the backup at `source` (checked first) and starts
    /// a new epoch, so no `(device, epoch, seq)` written since the backup is ever reused.
    pub fn restore_from(&mut self, source: &Path, now: DateTime<FixedOffset>) -> StoreResult<()> {
        let backup = open_backup(source, &self.key)?;
        {
            let restore = Backup::new(&backup, &mut self.conn)?;
            restore.run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)?;
        }
        crate::schema::migrate(&mut self.conn, crate::schema::MIGRATIONS)?;
        self.identity = identity::mint_epoch(&mut self.conn, &self.path, "restored", now)?;
        self.last_hlc = self.last_hlc.max(
            self.conn
                .query_row("SELECT coalesce(max(hlc), 0) FROM event", [], |row| {
                    row.get::<_, i64>(0)
                })
                .map(crate::Hlc::from_packed)?,
        );
        Ok(())
    }

    /// Creates `target` (which must not exist) from the backup at `source`, with a new epoch:
    /// the path when the live file is lost or damaged (move the damaged file aside first).
    pub fn restore_to_new_file(
        source: &Path,
        target: &Path,
        key: &crate::StoreKey,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Store> {
        if target.exists() {
            return Err(StoreError::InvalidInput(format!(
                "{} already exists",
                target.display()
            )));
        }
        let backup = open_backup(source, key)?;
        {
            let mut conn = Connection::open(target)?;
            key.apply(&conn)?;
            let restore = Backup::new(&backup, &mut conn)?;
            restore.run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)?;
        }
        let mut store = Store::open(target, key, &OpenOptions::default(), now)?;
        store.identity = identity::mint_epoch(&mut store.conn, target, "restored", now)?;
        Ok(store)
    }
}

fn open_backup(source: &Path, key: &crate::StoreKey) -> StoreResult<Connection> {
    if !source.exists() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} does not exist", source.display()),
        )));
    }
    let conn = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    key.apply(&conn)?;
    let check: String = conn.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
    if check != "ok" {
        return Err(StoreError::Corrupt { detail: check });
    }
    Ok(conn)
}
