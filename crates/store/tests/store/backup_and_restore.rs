//! Online backup and restore; a restore always starts a new sync epoch (sync.md scenario 10).

use std::collections::HashSet;

use store::{OpenOptions, Store};

use crate::common::{at, key, new_dossier, new_store};

fn event_keys(store: &Store, codes: &[&str]) -> Vec<(i64, i64, String)> {
    codes
        .iter()
        .flat_map(|c| store.events_of(c).expect("events"))
        .map(|e| (e.epoch, e.seq, e.event_id))
        .collect()
}

/// Restoring an older backup brings its data back, starts a new epoch, and numbers new events
/// from 1 under it: no (device, epoch, seq) already written is ever reused.
#[test]
fn restore_mints_a_new_epoch_and_never_reuses_a_seq() {
    let mut fx = new_store();
    let backup = fx.dir.path().join("backup.db");
    fx.store
        .take_in(&new_dossier("K-1", "Lầu A Sình", 0, 600), at(1))
        .expect("intake");
    fx.store.backup_to(&backup).expect("backup");
    // Written after the backup: (epoch0, seq 2) exists only in the live file (and maybe on the
    // server).
    fx.store
        .take_in(&new_dossier("K-2", "Lầu Thị Mai", 0, 600), at(2))
        .expect("intake");
    let before = event_keys(&fx.store, &["K-1", "K-2"]);
    let old_epoch = fx.store.identity().epoch;

    fx.store.restore_from(&backup, at(3)).expect("restore");
    let new_epoch = fx.store.identity().epoch;
    assert_ne!(new_epoch, old_epoch);
    assert_eq!(
        fx.store.dossier("K-2").unwrap_err().code(),
        "store.dossier_not_found"
    );
    fx.store
        .take_in(&new_dossier("K-3", "Lầu Văn Dình", 0, 600), at(4))
        .expect("intake");
    let after = event_keys(&fx.store, &["K-1", "K-3"]);
    assert_eq!(after[1].0, new_epoch);
    assert_eq!(after[1].1, 1);
    let used: HashSet<(i64, i64)> = before.iter().map(|k| (k.0, k.1)).collect();
    assert!(after
        .iter()
        .all(|k| !used.contains(&(k.0, k.1)) || before.contains(k)));
    // Event ids are the second dedup key: none is shared between the epochs (K-1's event keeps
    // its id; K-3's is new), and each ends in its own seq (identity::new_event_id).
    let ids: HashSet<&String> = before.iter().chain(&after).map(|k| &k.2).collect();
    assert_eq!(ids.len(), 3, "{before:?} {after:?}");
    for (_, seq, id) in before.iter().chain(&after) {
        assert!(id.ends_with(&format!("{seq:08x}")), "{id}");
    }
    // The old epoch's unacknowledged tail is still offered, before the new epoch.
    assert_eq!(
        fx.store.pending_epochs().expect("epochs"),
        vec![old_epoch, new_epoch]
    );
}

/// A backup copied over the database behind the app's back is detected at open through the
/// sidecar, and a new epoch is minted.
#[test]
fn backup_copied_over_the_file_is_detected_at_open() {
    let fx = new_store();
    let path = fx.path();
    let backup = fx.dir.path().join("backup.db");
    let mut store = fx.store;
    store
        .take_in(&new_dossier("M-1", "Mè Văn Khải", 0, 600), at(1))
        .expect("intake");
    store.backup_to(&backup).expect("backup");
    store
        .take_in(&new_dossier("M-2", "Mè Thị Lả", 0, 600), at(2))
        .expect("intake");
    let old_epoch = store.identity().epoch;
    drop(store);
    std::fs::copy(&backup, &path).expect("copy over");
    let reopened = Store::open(&path, &key(), &OpenOptions::default(), at(3)).expect("open");
    assert_ne!(
        reopened.identity().epoch,
        old_epoch,
        "restore detected, new epoch"
    );
    // A clean reopen does not mint another one.
    let epoch = reopened.identity().epoch;
    drop(reopened);
    let again = Store::open(&path, &key(), &OpenOptions::default(), at(4)).expect("open");
    assert_eq!(again.identity().epoch, epoch);
}

/// A backup is taken while the app keeps writing, passes its check, and restores into a new
/// file (the path when the live file is damaged).
#[test]
fn backup_while_writing_restores_into_a_new_file() {
    let mut fx = new_store();
    for i in 0..50 {
        fx.store
            .take_in(
                &new_dossier(&format!("W-{i:02}"), "Chu Văn Thịnh", i, 600),
                at(60),
            )
            .expect("intake");
    }
    let backup = fx.dir.path().join("backup.db");
    fx.store.backup_to(&backup).expect("backup");
    fx.store
        .take_in(&new_dossier("W-50", "Chu Thị Hằng", 0, 600), at(61))
        .expect("intake");
    let target = fx.dir.path().join("restored.db");
    let restored = Store::restore_to_new_file(&backup, &target, &key(), at(62)).expect("restore");
    assert_eq!(restored.dossier_count().expect("count"), 50);
    assert_ne!(restored.identity().epoch, fx.store.identity().epoch);
    assert_eq!(restored.identity().device_id, fx.store.identity().device_id);
    restored.check_integrity().expect("integrity");
    assert_eq!(
        Store::restore_to_new_file(&backup, &target, &key(), at(63))
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );
}

/// The backup is encrypted like the database: without the key it cannot be read.
#[test]
fn backup_is_unreadable_without_the_key() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("E-1", "Lục Văn Pao", 0, 600), at(1))
        .expect("intake");
    let backup = fx.dir.path().join("backup.db");
    fx.store.backup_to(&backup).expect("backup");
    let bytes = std::fs::read(&backup).expect("read");
    assert!(
        !bytes.windows(12).any(|w| w == b"001090012345"),
        "id number in clear"
    );
    assert!(
        !bytes.windows(10).any(|w| w == b"0912345678"),
        "phone in clear"
    );
    assert!(!bytes.windows(15).any(|w| w == b"SQLite format 3"));
    let wrong = store::StoreKey::from_bytes([9; 32]);
    let error = Store::restore_to_new_file(&backup, &fx.dir.path().join("x.db"), &wrong, at(2))
        .unwrap_err();
    assert_eq!(error.code(), "store.not_a_database_or_wrong_key");
}
