//! The one storage abstraction of the server: a SQL transaction ([`SqlTx`]) that SQLite (embedded
//! default) and PostgreSQL (production) both implement, so every rule of the server (idempotent
//! ingest, high-water marks, official codes, channel logs) is written once and the same test
//! suite runs against both backends.
//!
//! SQL is written once in PostgreSQL's `$1` style with types both engines accept (`BIGINT`,
//! `TEXT`); the SQLite side rewrites `$` to `?`. Each transaction of SQLite is `BEGIN IMMEDIATE`
//! on a single connection (writers are serialised anyway); PostgreSQL uses a small connection
//! pool and row locks (`FOR UPDATE`, see [`SqlTx::for_update`]).

use std::sync::{Condvar, Mutex};

/// Why the database could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The `--db` URL is neither `sqlite://PATH` nor `postgres://...`.
    #[error("unsupported database URL (use sqlite://PATH or postgres://...)")]
    BadUrl,
    /// The database is full, read-only or unreachable: the client should retry later (503).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Sql(String),
}

impl StorageError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            StorageError::BadUrl => "bad_database_url",
            StorageError::Unavailable(_) => "database_unavailable",
            StorageError::Sql(_) => "database_error",
        }
    }
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        match e.sqlite_error_code() {
            Some(
                DiskFull | ReadOnly | CannotOpen | DatabaseBusy | DatabaseLocked | SystemIoFailure,
            ) => StorageError::Unavailable(e.to_string()),
            _ => StorageError::Sql(e.to_string()),
        }
    }
}

impl From<postgres::Error> for StorageError {
    fn from(e: postgres::Error) -> Self {
        let unavailable = e.is_closed()
            || e.code().is_some_and(|c| {
                let c = c.code();
                // Class 53: insufficient resources (disk full...); 08: connection; 25006 read-only.
                c.starts_with("53") || c.starts_with("08") || c == "25006" || c.starts_with("57P")
            });
        if unavailable {
            StorageError::Unavailable(e.to_string())
        } else {
            StorageError::Sql(e.to_string())
        }
    }
}

/// A value bound to or read from SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    /// A 64-bit integer.
    Int(i64),
    /// A text.
    Text(String),
    /// NULL in an integer column.
    NullInt,
    /// NULL in a text column.
    NullText,
}

impl SqlValue {
    /// The integer, or 0 for NULL/text.
    pub fn int(&self) -> i64 {
        match self {
            SqlValue::Int(v) => *v,
            _ => 0,
        }
    }

    /// The text, if any.
    pub fn opt_text(&self) -> Option<&str> {
        match self {
            SqlValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The text, or "" for NULL.
    pub fn text(&self) -> &str {
        self.opt_text().unwrap_or("")
    }

    /// Whether the value is NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, SqlValue::NullInt | SqlValue::NullText)
    }
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        SqlValue::Int(v)
    }
}
impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        SqlValue::Text(v.to_owned())
    }
}
impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        SqlValue::Text(v)
    }
}
impl From<Option<String>> for SqlValue {
    fn from(v: Option<String>) -> Self {
        v.map_or(SqlValue::NullText, SqlValue::Text)
    }
}
impl From<Option<i64>> for SqlValue {
    fn from(v: Option<i64>) -> Self {
        v.map_or(SqlValue::NullInt, SqlValue::Int)
    }
}

/// One row of a result.
pub type SqlRow = Vec<SqlValue>;

/// One open transaction: the storage trait the server logic is written against.
pub trait SqlTx {
    /// Runs a statement, returning the number of rows changed.
    fn exec(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, StorageError>;
    /// Runs a query, returning every row.
    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<SqlRow>, StorageError>;
    /// `" FOR UPDATE"` where the engine needs a row lock to serialise writers, else `""`.
    fn for_update(&self) -> &'static str;

    /// The first row of a query, if any.
    fn query_opt(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<SqlRow>, StorageError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// The schema, valid in both engines. Versioned by `meta.schema_version`.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS enrol_codes (code_hash TEXT PRIMARY KEY, commune TEXT NOT NULL, \
     expires_ms BIGINT NOT NULL, used_ms BIGINT)",
    "CREATE TABLE IF NOT EXISTS devices (device_id TEXT PRIMARY KEY, commune TEXT NOT NULL, \
     token_hash TEXT NOT NULL UNIQUE, label TEXT NOT NULL, created_ms BIGINT NOT NULL, revoked_ms BIGINT)",
    "CREATE TABLE IF NOT EXISTS device_epochs (device_id TEXT NOT NULL, epoch BIGINT NOT NULL, \
     hwm BIGINT NOT NULL, PRIMARY KEY (device_id, epoch))",
    // Every received key, including quarantined events (`rejected` = code) and events whose id
    // was already stored under another key (`dup` = 1): all count for the high-water mark.
    "CREATE TABLE IF NOT EXISTS events (device_id TEXT NOT NULL, epoch BIGINT NOT NULL, \
     seq BIGINT NOT NULL, event_id TEXT NOT NULL, hash TEXT NOT NULL, hlc BIGINT NOT NULL, \
     commune TEXT NOT NULL, kind TEXT, dossier_code TEXT, received_at TEXT, payload TEXT NOT NULL, \
     server_ms BIGINT NOT NULL, rejected TEXT, dup BIGINT NOT NULL, \
     PRIMARY KEY (device_id, epoch, seq))",
    "CREATE INDEX IF NOT EXISTS events_by_event_id ON events (event_id)",
    "CREATE INDEX IF NOT EXISTS events_by_dossier ON events (commune, dossier_code)",
    // Same key, different payload (sync.md §4.7): kept aside, never overwrites the first.
    "CREATE TABLE IF NOT EXISTS event_conflicts (device_id TEXT NOT NULL, epoch BIGINT NOT NULL, \
     seq BIGINT NOT NULL, event_id TEXT NOT NULL, hash TEXT NOT NULL, payload TEXT NOT NULL, \
     server_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS daily_counters (commune TEXT NOT NULL, day TEXT NOT NULL, \
     last BIGINT NOT NULL, PRIMARY KEY (commune, day))",
    "CREATE TABLE IF NOT EXISTS official_codes (commune TEXT NOT NULL, dossier_code TEXT NOT NULL, \
     official_code TEXT NOT NULL UNIQUE, PRIMARY KEY (commune, dossier_code))",
    // Downstream channels: the latest version of each key, at an increasing position per
    // (channel, scope). The head row is locked by writers so positions commit in order and no
    // reader's cursor can skip a position that commits later.
    "CREATE TABLE IF NOT EXISTS channel_heads (channel TEXT NOT NULL, scope TEXT NOT NULL, \
     pos BIGINT NOT NULL, PRIMARY KEY (channel, scope))",
    "CREATE TABLE IF NOT EXISTS channel_docs (channel TEXT NOT NULL, scope TEXT NOT NULL, \
     key TEXT NOT NULL, pos BIGINT NOT NULL, hash TEXT NOT NULL, doc TEXT NOT NULL, \
     PRIMARY KEY (channel, scope, key))",
    "CREATE INDEX IF NOT EXISTS channel_docs_by_pos ON channel_docs (channel, scope, pos)",
    // District officers (made from the command line) and their dashboard sessions.
    "CREATE TABLE IF NOT EXISTS officers (login TEXT PRIMARY KEY, password_hash TEXT NOT NULL, \
     communes TEXT NOT NULL, created_ms BIGINT NOT NULL, disabled_ms BIGINT)",
    "CREATE TABLE IF NOT EXISTS officer_sessions (token_hash TEXT PRIMARY KEY, \
     login TEXT NOT NULL, expires_ms BIGINT NOT NULL)",
];

/// Steps from schema version `n + 1` to `n + 2` (version 1 is [`SCHEMA`]).
const MIGRATIONS: &[&[&str]] = &[
    // 2: counter prefixes are handed out at enrolment, and each official code remembers which
    // counter took the dossier in, so that two counters that used one prefix offline are told
    // apart instead of merged.
    &[
        "ALTER TABLE devices ADD COLUMN counter_id TEXT",
        "ALTER TABLE devices ADD COLUMN counter_prefix TEXT",
        "ALTER TABLE official_codes ADD COLUMN counter_id TEXT",
    ],
];

/// The schema version this server writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len() + 1;

/// A connection pool for PostgreSQL: blocking clients, used from `spawn_blocking`.
struct PgPool {
    url: String,
    max: usize,
    idle: Mutex<(Vec<postgres::Client>, usize)>,
    freed: Condvar,
}

impl PgPool {
    fn get(&self) -> Result<postgres::Client, StorageError> {
        let mut guard = self
            .idle
            .lock()
            .map_err(|_| StorageError::Sql("pool poisoned".into()))?;
        loop {
            if let Some(client) = guard.0.pop() {
                if !client.is_closed() {
                    return Ok(client);
                }
                guard.1 -= 1;
                continue;
            }
            if guard.1 < self.max {
                guard.1 += 1;
                drop(guard);
                return postgres::Client::connect(&self.url, postgres::NoTls).map_err(|e| {
                    if let Ok(mut g) = self.idle.lock() {
                        g.1 -= 1;
                    }
                    StorageError::Unavailable(e.to_string())
                });
            }
            guard = self
                .freed
                .wait(guard)
                .map_err(|_| StorageError::Sql("pool poisoned".into()))?;
        }
    }

    fn put(&self, client: postgres::Client) {
        if let Ok(mut guard) = self.idle.lock() {
            if client.is_closed() {
                guard.1 -= 1;
            } else {
                guard.0.push(client);
            }
        }
        self.freed.notify_one();
    }
}

enum Engine {
    Sqlite(Mutex<rusqlite::Connection>),
    Postgres(PgPool),
}

/// The server database, SQLite or PostgreSQL, chosen by URL.
pub struct Database {
    engine: Engine,
}

struct SqliteTx<'a>(&'a rusqlite::Connection);

impl SqlTx for SqliteTx<'_> {
    fn exec(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, StorageError> {
        let mut stmt = self.0.prepare_cached(&sql.replace('$', "?"))?;
        Ok(stmt.execute(rusqlite::params_from_iter(params.iter().map(to_sqlite)))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<SqlRow>, StorageError> {
        let mut stmt = self.0.prepare_cached(&sql.replace('$', "?"))?;
        let n = stmt.column_count();
        let rows = stmt.query_map(
            rusqlite::params_from_iter(params.iter().map(to_sqlite)),
            |row| {
                (0..n)
                    .map(|i| {
                        Ok(match row.get_ref(i)? {
                            rusqlite::types::ValueRef::Integer(v) => SqlValue::Int(v),
                            rusqlite::types::ValueRef::Text(t) => {
                                SqlValue::Text(String::from_utf8_lossy(t).into_owned())
                            }
                            rusqlite::types::ValueRef::Real(v) => SqlValue::Int(v as i64),
                            rusqlite::types::ValueRef::Blob(b) => {
                                SqlValue::Text(String::from_utf8_lossy(b).into_owned())
                            }
                            rusqlite::types::ValueRef::Null => SqlValue::NullText,
                        })
                    })
                    .collect::<Result<SqlRow, rusqlite::Error>>()
            },
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn for_update(&self) -> &'static str {
        ""
    }
}

fn to_sqlite(value: &SqlValue) -> rusqlite::types::Value {
    match value {
        SqlValue::Int(v) => rusqlite::types::Value::Integer(*v),
        SqlValue::Text(s) => rusqlite::types::Value::Text(s.clone()),
        SqlValue::NullInt | SqlValue::NullText => rusqlite::types::Value::Null,
    }
}

struct PgTx<'a, 'b>(&'a mut postgres::Transaction<'b>);

fn pg_params(params: &[SqlValue]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn postgres::types::ToSql + Sync> {
            match p {
                SqlValue::Int(v) => Box::new(*v),
                SqlValue::Text(s) => Box::new(s.clone()),
                SqlValue::NullInt => Box::new(None::<i64>),
                SqlValue::NullText => Box::new(None::<String>),
            }
        })
        .collect()
}

impl SqlTx for PgTx<'_, '_> {
    fn exec(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, StorageError> {
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        Ok(self.0.execute(sql, &refs)?)
    }

    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<SqlRow>, StorageError> {
        use postgres::types::Type;
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        let rows = self.0.query(sql, &refs)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let ty = column.type_();
                let value = if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(i)?.into()
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(i)?.map(i64::from).into()
                } else {
                    row.try_get::<_, Option<String>>(i)?.into()
                };
                values.push(value);
            }
            out.push(values);
        }
        Ok(out)
    }

    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }
}

impl Database {
    /// Opens (and creates if needed) the database at `url`: `sqlite://PATH` or `postgres://...`.
    pub fn open(url: &str) -> Result<Database, StorageError> {
        let engine = if let Some(path) = url.strip_prefix("sqlite://") {
            let conn = rusqlite::Connection::open(path)?;
            // WAL + FULL: an acknowledged batch survives a power cut (sync.md §4.8).
            conn.execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;",
            )?;
            Engine::Sqlite(Mutex::new(conn))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres(PgPool {
                url: url.to_owned(),
                max: 16,
                idle: Mutex::new((Vec::new(), 0)),
                freed: Condvar::new(),
            })
        } else {
            return Err(StorageError::BadUrl);
        };
        let db = Database { engine };
        db.migrate()?;
        Ok(db)
    }

    /// Whether this is the PostgreSQL backend.
    pub fn is_postgres(&self) -> bool {
        matches!(self.engine, Engine::Postgres(_))
    }

    fn migrate(&self) -> Result<(), StorageError> {
        self.transaction(|tx| {
            if tx.for_update().is_empty() {
                for stmt in SCHEMA {
                    tx.exec(stmt, &[])?;
                }
            } else {
                // Concurrent first starts (tests) must not race on CREATE TABLE.
                tx.exec("SELECT pg_advisory_xact_lock(7242001)", &[])?;
                for stmt in SCHEMA {
                    tx.exec(stmt, &[])?;
                }
            }
            tx.exec(
                "INSERT INTO meta (key, value) VALUES ('schema_version', '1') ON CONFLICT (key) DO NOTHING",
                &[],
            )?;
            let version = tx
                .query_opt("SELECT value FROM meta WHERE key = 'schema_version'", &[])?
                .and_then(|r| r[0].text().parse::<usize>().ok())
                .unwrap_or(0);
            if version == 0 || version > SCHEMA_VERSION {
                return Err(StorageError::Sql("database written by a newer server".into()));
            }
            // Each step is valid in both engines and runs in this one transaction.
            for step in &MIGRATIONS[version - 1..] {
                for stmt in *step {
                    tx.exec(stmt, &[])?;
                }
            }
            tx.exec(
                "UPDATE meta SET value = $1 WHERE key = 'schema_version'",
                &[SCHEMA_VERSION.to_string().into()],
            )?;
            Ok(())
        })
    }

    /// Runs `f` in one transaction: committed if it returns `Ok`, rolled back otherwise (and if
    /// the process dies half-way, the engine rolls it back at restart).
    pub fn transaction<R, E>(&self, f: impl FnOnce(&mut dyn SqlTx) -> Result<R, E>) -> Result<R, E>
    where
        E: From<StorageError>,
    {
        match &self.engine {
            Engine::Sqlite(conn) => {
                let conn = conn
                    .lock()
                    .map_err(|_| StorageError::Sql("connection poisoned".into()))?;
                conn.execute_batch("BEGIN IMMEDIATE")
                    .map_err(StorageError::from)?;
                let mut tx = SqliteTx(&conn);
                match f(&mut tx) {
                    Ok(value) => match conn.execute_batch("COMMIT") {
                        Ok(()) => Ok(value),
                        Err(e) => {
                            let _ = conn.execute_batch("ROLLBACK");
                            Err(StorageError::from(e).into())
                        }
                    },
                    Err(e) => {
                        let _ = conn.execute_batch("ROLLBACK");
                        Err(e)
                    }
                }
            }
            Engine::Postgres(pool) => {
                let mut client = pool.get()?;
                let result = (|| {
                    let mut pg_tx = client.transaction().map_err(StorageError::from)?;
                    let value = f(&mut PgTx(&mut pg_tx))?;
                    pg_tx.commit().map_err(StorageError::from)?;
                    Ok(value)
                })();
                pool.put(client);
                result
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "motcua-server-schema-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("server.db")
    }

    /// A database written by the first server version (schema 1) is brought to the current
    /// schema at open, keeping its rows; the devices enrolled then have no counter prefix.
    #[test]
    fn a_schema_1_database_is_migrated_in_place() {
        let path = temp_path("v1");
        {
            let conn = rusqlite::Connection::open(&path).expect("open");
            for stmt in SCHEMA {
                conn.execute_batch(stmt).expect("schema 1");
            }
            conn.execute_batch(
                "INSERT INTO meta VALUES ('schema_version', '1');
                 INSERT INTO devices (device_id, commune, token_hash, label, created_ms)
                 VALUES ('dev-old', 'H15.50.05.13', 'h', 'quầy', 0);",
            )
            .expect("rows");
        }
        let db = Database::open(&format!("sqlite://{}", path.display())).expect("migrated");
        let rows = db
            .transaction(|tx| {
                tx.query(
                    "SELECT device_id, counter_prefix FROM devices UNION ALL \
                     SELECT value, NULL FROM meta WHERE key = 'schema_version'",
                    &[],
                )
            })
            .expect("query");
        assert_eq!(rows[0][0].text(), "dev-old");
        assert!(rows[0][1].is_null());
        assert_eq!(rows[1][0].text(), SCHEMA_VERSION.to_string());
        drop(db);
        // Opening again runs no step twice.
        Database::open(&format!("sqlite://{}", path.display())).expect("reopen");
    }

    /// A database written by a newer server is refused, never half-understood.
    #[test]
    fn a_newer_schema_is_refused() {
        let path = temp_path("newer");
        let url = format!("sqlite://{}", path.display());
        drop(Database::open(&url).expect("create"));
        {
            let conn = rusqlite::Connection::open(&path).expect("open");
            conn.execute_batch("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
                .expect("bump");
        }
        let error = Database::open(&url).err().expect("refused");
        assert!(error.to_string().contains("newer server"), "{error}");
    }
}
