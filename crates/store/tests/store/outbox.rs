//! The event log as the sync outbox (sync.md §3).

use store::StoreError;

use crate::common::{at, new_dossier, new_store};

/// Batches are byte-bounded, in seq order, start after the ack, and always carry at least one
/// event so a big event cannot block the queue.
#[test]
fn pending_events_are_byte_bounded_and_resume_after_the_ack() {
    let mut fx = new_store();
    for i in 0..10 {
        fx.store
            .take_in(
                &new_dossier(&format!("O-{i:02}"), "Quàng Văn Pẻng", i, 600),
                at(20),
            )
            .expect("intake");
    }
    let epoch = fx.store.identity().epoch;
    assert_eq!(fx.store.pending_epochs().expect("epochs"), vec![epoch]);
    let one = fx.store.pending_events(epoch, 0, 1).expect("batch");
    assert_eq!(
        one.len(),
        1,
        "at least one event even when it exceeds max_bytes"
    );
    let size = one[0].payload.len();
    let batch = fx
        .store
        .pending_events(epoch, 0, size * 3 + 1)
        .expect("batch");
    assert_eq!(batch.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    fx.store.mark_acked(epoch, 3).expect("ack");
    let next = fx.store.pending_events(epoch, 0, 1 << 20).expect("rest");
    assert_eq!(next.first().map(|e| e.seq), Some(4));
    assert_eq!(next.len(), 7);
    let stats = fx.store.outbox_stats().expect("stats");
    assert_eq!(stats.events_waiting, 7);
    assert_eq!(stats.events_waiting, next.len() as i64);
}

/// The ack never runs ahead of written data, and never moves backwards (sync.md §4 invariant).
#[test]
fn ack_never_passes_the_highest_written_seq_nor_moves_back() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("A-1", "Lê Văn Tư", 0, 600), at(1))
        .expect("intake");
    fx.store
        .take_in(&new_dossier("A-2", "Lê Thị Năm", 0, 600), at(1))
        .expect("intake");
    let epoch = fx.store.identity().epoch;
    let error = fx.store.mark_acked(epoch, 3).unwrap_err();
    assert!(matches!(
        error,
        StoreError::AckBeyondWritten {
            hwm: 3,
            highest: 2,
            ..
        }
    ));
    assert_eq!(error.code(), "store.ack_beyond_written");
    assert_eq!(
        fx.store.mark_acked(epoch + 1, 1).unwrap_err().code(),
        "store.ack_beyond_written"
    );
    fx.store.mark_acked(epoch, 2).expect("ack");
    fx.store
        .mark_acked(epoch, 1)
        .expect("late duplicate response");
    assert_eq!(fx.store.acked_hwm(epoch).expect("hwm"), 2);
    assert!(fx.store.pending_epochs().expect("epochs").is_empty());
    assert_eq!(fx.store.outbox_stats().expect("stats").events_waiting, 0);
}

/// sync.md scenario 19: a crash after receiving the ack but before persisting it means the
/// events are simply offered again after reopening (the server dedups them).
#[test]
fn unpersisted_ack_means_events_are_offered_again_after_reopen() {
    let fx = new_store();
    let path = fx.path();
    let mut store = fx.store;
    store
        .take_in(&new_dossier("C-1", "Mùa A Chứ", 0, 600), at(1))
        .expect("intake");
    let epoch = store.identity().epoch;
    let sent = store.pending_events(epoch, 0, 1 << 16).expect("batch");
    drop(store); // "crash" before mark_acked
    let reopened =
        store::Store::open(&path, &crate::common::key(), &Default::default(), at(2)).expect("open");
    let again = reopened.pending_events(epoch, 0, 1 << 16).expect("batch");
    assert_eq!(sent, again);
    assert_eq!(
        reopened.identity().epoch,
        epoch,
        "a clean reopen keeps the epoch"
    );
}
