//! Migrations: embedded `.sql` files, one per schema version, tracked by `PRAGMA user_version`.
//!
//! Each step runs in its own transaction together with the `user_version` bump, so a step that
//! fails halfway leaves the database exactly at the previous version. An app that finds a newer
//! version than it knows refuses to open the file instead of guessing.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{StoreError, StoreResult};

/// One migration step: the schema version it produces and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The version reached after this step.
    pub version: i64,
    /// The SQL, run as one batch.
    pub sql: &'static str,
}

/// Every migration of this build, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/0002_search_merges_when_idle.sql"),
    },
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 2;

/// The schema version recorded in the file (0 for a new, empty file).
pub fn schema_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Brings the database up to the newest of `migrations`, refusing a newer file.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> StoreResult<()> {
    let supported = migrations.last().map_or(0, |m| m.version);
    let found = schema_version(conn)?;
    if found > supported {
        return Err(StoreError::NewerSchema { found, supported });
    }
    for migration in migrations.iter().filter(|m| m.version > found) {
        let failed = |error: rusqlite::Error| match StoreError::from(error) {
            // Environmental failures keep their own code: the fix is the same (free space,
            // fix permissions) and the migration is simply retried at the next open.
            e @ (StoreError::DiskFull | StoreError::ReadOnly | StoreError::Busy) => e,
            other => StoreError::MigrationFailed {
                version: migration.version,
                detail: other.to_string(),
            },
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        tx.execute_batch(migration.sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", migration.version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(())
}

/// The schema as SQLite reports it (`sqlite_schema`, sorted), for the snapshot test.
pub fn schema_dump(conn: &Connection) -> StoreResult<String> {
    let mut statement = conn.prepare(
        "SELECT type, name, sql FROM sqlite_schema \
         WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(format!(
            "-- {} {}\n{};\n",
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?
        ))
    })?;
    let mut dump = format!("-- user_version {}\n", schema_version(conn)?);
    for row in rows {
        dump.push_str(&row?);
    }
    Ok(dump)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2_ADDS_A_COLUMN: Migration = Migration {
        version: 2,
        sql: "ALTER TABLE clerk ADD COLUMN title TEXT;",
    };

    const V2_FAILS_HALFWAY: Migration = Migration {
        version: 2,
        sql: "ALTER TABLE clerk ADD COLUMN title TEXT; INSERT INTO no_such_table VALUES (1);",
    };

    fn v1_database_with_a_clerk() -> Connection {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        migrate(&mut conn, &MIGRATIONS[..1]).expect("v1");
        conn.execute(
            "INSERT INTO clerk (id, full_name) VALUES ('c1', 'Clerk One')",
            [],
        )
        .expect("clerk");
        conn
    }

    /// The mechanism carries a v1 database with data to v2 and keeps the data.
    #[test]
    fn v1_database_migrates_to_v2_keeping_its_rows() {
        let mut conn = v1_database_with_a_clerk();
        migrate(&mut conn, &[MIGRATIONS[0], V2_ADDS_A_COLUMN]).expect("v2");
        assert_eq!(schema_version(&conn).expect("version"), 2);
        let (name, title): (String, Option<String>) = conn
            .query_row("SELECT full_name, title FROM clerk", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("row");
        assert_eq!((name.as_str(), title), ("Clerk One", None));
    }

    /// A step that fails halfway leaves the database at the previous version with no partial
    /// change (the column added before the failing statement is rolled back).
    #[test]
    fn migration_failing_halfway_leaves_the_previous_version_untouched() {
        let mut conn = v1_database_with_a_clerk();
        let before = schema_dump(&conn).expect("dump");
        let error = migrate(&mut conn, &[MIGRATIONS[0], V2_FAILS_HALFWAY]).unwrap_err();
        assert_eq!(error.code(), "store.migration_failed");
        assert_eq!(schema_version(&conn).expect("version"), 1);
        assert_eq!(schema_dump(&conn).expect("dump"), before);
    }

    /// An older app refuses a database written by a newer one.
    #[test]
    fn older_app_refuses_a_newer_database() {
        let mut conn = v1_database_with_a_clerk();
        migrate(&mut conn, &[MIGRATIONS[0], V2_ADDS_A_COLUMN]).expect("v2");
        let error = migrate(&mut conn, &MIGRATIONS[..1]).unwrap_err();
        assert!(matches!(
            error,
            StoreError::NewerSchema {
                found: 2,
                supported: 1
            }
        ));
        assert_eq!(error.code(), "store.newer_schema");
    }

    /// The real step 2: a version-1 database keeps its folded names and stops merging the
    /// search index inside writes (FTS5 `automerge` 0; `Store::maintain` merges instead).
    #[test]
    fn real_v1_database_migrates_to_v2_with_search_merges_off_the_write_path() {
        let mut conn = v1_database_with_a_clerk();
        conn.execute(
            "INSERT INTO dossier_name_search (rowid, name_folded) VALUES (1, 'sung a pao')",
            [],
        )
        .expect("name");
        migrate(&mut conn, MIGRATIONS).expect("v2");
        assert_eq!(schema_version(&conn).expect("version"), SCHEMA_VERSION);
        let automerge: i64 = conn
            .query_row(
                "SELECT v FROM dossier_name_search_config WHERE k = 'automerge'",
                [],
                |r| r.get(0),
            )
            .expect("automerge set");
        assert_eq!(automerge, 0);
        let found: i64 = conn
            .query_row(
                "SELECT rowid FROM dossier_name_search WHERE dossier_name_search MATCH '\"pa\" *'",
                [],
                |r| r.get(0),
            )
            .expect("still found");
        assert_eq!(found, 1);
    }

    /// Running the migrations again on an up-to-date database changes nothing.
    #[test]
    fn migrating_twice_is_idempotent() {
        let mut conn = v1_database_with_a_clerk();
        migrate(&mut conn, MIGRATIONS).expect("current");
        let before = schema_dump(&conn).expect("dump");
        migrate(&mut conn, MIGRATIONS).expect("again");
        assert_eq!(schema_dump(&conn).expect("dump"), before);
    }
}
