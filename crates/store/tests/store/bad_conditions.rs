//! Bad conditions give a clear error code and leave no partial write (sync.md scenario 17).

use std::time::Duration;

use store::{OpenOptions, ReferenceItem, ReferencePage, Store, StoreError};

use crate::common::{at, key, new_dossier, new_store};

/// Disk full during intake (SQLITE_FULL, simulated with max_page_count): `store.disk_full`,
/// neither the row nor the event is written, and intake works again once space is freed.
#[test]
fn disk_full_during_intake_writes_nothing_and_recovers() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("F-0000", "Tòng Văn Ái", 0, 600), at(1))
        .expect("intake");
    let current = fx.store.set_max_page_count(1).expect("cap");
    fx.store
        .set_max_page_count(current)
        .expect("cap at current size");
    let mut failed_at = None;
    for i in 1..5000 {
        let mut dossier = new_dossier(&format!("F-{i:04}"), "Tòng Văn Ái", 0, 600);
        dossier.procedure_name = "x".repeat(2000);
        match fx.store.take_in(&dossier, at(2)) {
            Ok(_) => {}
            Err(error) => {
                assert_eq!(error.code(), "store.disk_full", "{error}");
                failed_at = Some(i);
                break;
            }
        }
    }
    let failed_at = failed_at.expect("the cap must be reached");
    let failed_code = format!("F-{failed_at:04}");
    assert_eq!(
        fx.store.dossier(&failed_code).unwrap_err().code(),
        "store.dossier_not_found"
    );
    assert!(fx.store.events_of(&failed_code).expect("events").is_empty());
    let stats = fx.store.outbox_stats().expect("stats");
    assert_eq!(
        stats.highest_seq,
        i64::from(failed_at),
        "one event per committed dossier"
    );
    fx.store.check_integrity().expect("integrity");
    // Space freed: the same intake now succeeds.
    fx.store.set_max_page_count(1 << 30).expect("uncap");
    fx.store
        .take_in(&new_dossier(&failed_code, "Tòng Văn Ái", 0, 600), at(3))
        .expect("retry");
}

/// Disk full while applying a downstream page: data and cursor roll back together
/// (sync.md scenarios 17 and 20).
#[test]
fn disk_full_during_reference_apply_moves_neither_data_nor_cursor() {
    let mut fx = new_store();
    let current = fx.store.set_max_page_count(1).expect("cap");
    fx.store.set_max_page_count(current + 2).expect("cap");
    let page = ReferencePage {
        channel: "letters".into(),
        server_epoch: "s1".into(),
        cursor: "7".into(),
        version: "v7".into(),
        replace_all: false,
        upserts: (0..200)
            .map(|i| ReferenceItem {
                key: format!("k{i}"),
                body: format!("\"{}\"", "t".repeat(500)),
            })
            .collect(),
        deletes: vec![],
    };
    let error = fx.store.apply_reference_page(&page, at(1)).unwrap_err();
    assert_eq!(error.code(), "store.disk_full");
    assert!(fx
        .store
        .reference_items("letters")
        .expect("items")
        .is_empty());
    assert_eq!(fx.store.reference_cursor("letters").expect("cursor"), None);
}

/// Another program holds the write lock past the busy timeout: `store.busy`, nothing written.
#[test]
fn locked_database_gives_busy_after_the_timeout() {
    let fx = new_store();
    let path = fx.path();
    drop(fx.store);
    let options = OpenOptions {
        busy_timeout: Duration::from_millis(200),
        ..OpenOptions::default()
    };
    let mut store = Store::open(&path, &key(), &options, at(1)).expect("open");
    let other = rusqlite::Connection::open(&path).expect("other");
    other
        .execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; BEGIN IMMEDIATE;",
            key().to_hex()
        ))
        .expect("lock");
    let started = std::time::Instant::now();
    let error = store
        .take_in(&new_dossier("L-1", "Phàn Văn Lở", 0, 600), at(2))
        .unwrap_err();
    assert_eq!(error.code(), "store.busy");
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "waited for the timeout first"
    );
    other.execute_batch("ROLLBACK").expect("unlock");
    assert_eq!(
        store.dossier("L-1").unwrap_err().code(),
        "store.dossier_not_found"
    );
    store
        .take_in(&new_dossier("L-1", "Phàn Văn Lở", 0, 600), at(3))
        .expect("after unlock");
}

/// Makes a file unwritable even for root (the test machine runs as root, which ignores
/// permission bits): `chattr +i` where available, else `chmod 444`. Undone on drop.
struct Unwritable(std::path::PathBuf, bool);

impl Unwritable {
    fn new(path: &std::path::Path) -> Unwritable {
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        if !immutable {
            let mut permissions = std::fs::metadata(path).expect("meta").permissions();
            permissions.set_readonly(true);
            std::fs::set_permissions(path, permissions).expect("chmod");
        }
        Unwritable(path.to_path_buf(), immutable)
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        if self.1 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        }
    }
}

/// A read-only database file is refused at open with `store.read_only`.
#[test]
fn read_only_file_is_refused_with_a_clear_code() {
    let fx = new_store();
    let path = fx.path();
    drop(fx.store);
    let _guard = Unwritable::new(&path);
    let error = Store::open(&path, &key(), &OpenOptions::default(), at(1)).unwrap_err();
    assert_eq!(error.code(), "store.read_only", "{error}");
}

/// A damaged page is caught by the check at open: `store.corrupt` (or, when the damage hits
/// the header page, `store.not_a_database_or_wrong_key`), never a panic or silent use.
#[test]
fn corrupt_file_is_caught_at_open() {
    let mut fx = new_store();
    for i in 0..300 {
        fx.store
            .take_in(
                &new_dossier(&format!("Z-{i:03}"), "Ninh Văn Khoa", i, 600),
                at(400),
            )
            .expect("intake");
    }
    let path = fx.path();
    drop(fx.store);
    let mut bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() > 40_000, "{} bytes", bytes.len());
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 4096] {
        *byte ^= 0x5A;
    }
    std::fs::write(&path, &bytes).expect("write");
    let error = Store::open(&path, &key(), &OpenOptions::default(), at(1)).unwrap_err();
    assert_eq!(error.code(), "store.corrupt", "{error}");
    // Damage to the first page reads as "not a database".
    bytes[100] ^= 0xFF;
    bytes[2000] ^= 0xFF;
    std::fs::write(&path, &bytes).expect("write");
    let error = Store::open(&path, &key(), &OpenOptions::default(), at(1)).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::NotADatabaseOrWrongKey | StoreError::Corrupt { .. }
        ),
        "{error}"
    );
}

/// The wrong key, or a file that is not a database at all.
#[test]
fn wrong_key_and_foreign_file_are_refused() {
    let fx = new_store();
    let path = fx.path();
    drop(fx.store);
    let wrong = store::StoreKey::from_bytes([1; 32]);
    assert_eq!(
        Store::open(&path, &wrong, &OpenOptions::default(), at(1))
            .unwrap_err()
            .code(),
        "store.not_a_database_or_wrong_key"
    );
    let text = fx.dir.path().join("notes.txt");
    std::fs::write(&text, "không phải cơ sở dữ liệu".repeat(200)).expect("write");
    assert_eq!(
        Store::open(&text, &key(), &OpenOptions::default(), at(1))
            .unwrap_err()
            .code(),
        "store.not_a_database_or_wrong_key"
    );
    assert_eq!(
        Store::open(
            &fx.dir.path().join("missing.db"),
            &key(),
            &OpenOptions::default(),
            at(1)
        )
        .unwrap_err()
        .code(),
        "store.io"
    );
}

/// An older app refuses a newer database, and reopening a current one is idempotent.
#[test]
fn newer_schema_is_refused_and_reopen_is_idempotent() {
    let fx = new_store();
    let path = fx.path();
    let dump = fx.store.schema_dump().expect("dump");
    let epoch = fx.store.identity().epoch;
    drop(fx.store);
    let reopened = Store::open(&path, &key(), &OpenOptions::default(), at(1)).expect("reopen");
    assert_eq!(reopened.schema_dump().expect("dump"), dump);
    assert_eq!(reopened.identity().epoch, epoch);
    drop(reopened);
    let conn = rusqlite::Connection::open(&path).expect("raw");
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA user_version = 99;",
        key().to_hex()
    ))
    .expect("bump");
    drop(conn);
    let error = Store::open(&path, &key(), &OpenOptions::default(), at(2)).unwrap_err();
    assert!(matches!(error, StoreError::NewerSchema { found: 99, .. }));
    assert_eq!(error.code(), "store.newer_schema");
}

/// A process killed during `Store::create` (schema written, identity not yet) leaves a file
/// that the next open finishes creating, instead of an unusable file.
#[test]
fn file_left_by_a_create_killed_halfway_is_finished_at_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("half.db");
    let mut conn = rusqlite::Connection::open(&path).expect("raw");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key().to_hex()))
        .expect("key");
    store::schema::migrate(&mut conn, store::schema::MIGRATIONS).expect("schema only");
    drop(conn);
    let store = Store::open(&path, &key(), &OpenOptions::default(), at(1)).expect("open");
    assert!(store.identity().epoch > 0);
    assert!(!store.identity().device_id.is_empty());
}
