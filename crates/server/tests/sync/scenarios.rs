//! sync.md §4 fault scenarios through the real TCP fault proxy, real server and real client.
//! Delays are scaled down (milliseconds instead of the benchmark's 300 ms) to keep the suite fast.

use std::time::Duration;

use fault_proxy::LinkProfile;
use sync_client::memory::MemoryOutbox;
use sync_client::{sync_until_idle, SyncError};
use sync_protocol::synthetic::SyntheticCounter;

use crate::backend_tests;
use crate::common::*;

fn slow_link() -> LinkProfile {
    LinkProfile {
        bytes_per_sec: Some(400_000),
        one_way_delay: Duration::from_millis(2),
        handshake_round_trip: true,
    }
}

fn counter_with_backlog(device_id: &str, dossiers: usize, seed: u64) -> MemoryOutbox {
    let outbox = MemoryOutbox::new(device_id, 77);
    outbox.append(SyntheticCounter::new(seed, COMMUNE).wire_events(dossiers, 1));
    outbox
}

/// §4.1: the connection is cut while the body uploads; the partial body is not applied and
/// the retry completes with every event exactly once.
fn s01_cut_during_upload_applies_nothing_then_completes(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let proxy = server.proxy(slow_link());
    let outbox = counter_with_backlog(&credential.device_id, 30, 1);
    proxy.cut_upload_after(1500);
    let mut transport = transport(
        &credential,
        &format!("http://{}", proxy.addr()),
        Duration::from_secs(10),
    );
    let summary =
        sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    assert!(summary.failures >= 1, "the cut happened: {summary:?}");
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.2 and §4.19: the server commits, the reply is lost; the resend gets the same hwm and no
/// duplicate is stored.
fn s02_lost_ack_after_commit_resends_without_duplicate(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let proxy = server.proxy(slow_link());
    let outbox = counter_with_backlog(&credential.device_id, 5, 2);
    proxy.drop_next_reply();
    let mut transport = transport(
        &credential,
        &format!("http://{}", proxy.addr()),
        Duration::from_secs(10),
    );
    let summary =
        sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    assert_eq!(summary.failures, 1);
    let n = outbox.snapshot().events[&77].len() as u64;
    assert_eq!(summary.requests, 2, "the batch was sent twice: {summary:?}");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM events"),
        n as i64,
        "stored once"
    );
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.3: a captive portal answers 200 with HTML; nothing is acknowledged or applied.
fn s03_garbled_reply_advances_nothing(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let portal = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let portal_addr = portal.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in portal.incoming().take(3) {
            let Ok(mut stream) = stream else { continue };
            use std::io::{Read, Write};
            let mut buf = [0u8; 65536];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 20\r\nconnection: close\r\n\r\n<html>login</html>\r\n");
        }
    });
    let outbox = counter_with_backlog(&credential.device_id, 3, 3);
    let mut config = fast_config();
    config.max_consecutive_failures = 3;
    let mut transport = transport(
        &credential,
        &format!("http://{portal_addr}"),
        Duration::from_secs(5),
    );
    let error = sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect_err("portal");
    assert_eq!(error.code(), "unreachable");
    assert_eq!(
        outbox.snapshot().acked.get(&77),
        None,
        "nothing acknowledged"
    );
    assert!(outbox.snapshot().cursors.is_empty(), "no cursor moved");
    // Back on the real server, everything goes through.
    let mut transport = transport_for(&credential, &server);
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    assert_converged(&server, &outbox, &credential.device_id);
}

fn transport_for(
    credential: &sync_client::DeviceCredential,
    server: &TestServer,
) -> sync_client::HttpTransport {
    transport(credential, &server.base_url(), Duration::from_secs(10))
}

/// §4.5: two windows send the same batch at the same time: stored once, same hwm.
fn s05_concurrent_duplicate_batches_store_once(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let outbox = std::sync::Arc::new(counter_with_backlog(&credential.device_id, 20, 5));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let outbox = outbox.clone();
            let credential = credential.clone();
            let url = server.base_url();
            std::thread::spawn(move || {
                let mut transport = transport(&credential, &url, Duration::from_secs(10));
                sync_until_idle(outbox.as_ref(), &mut transport, &fast_config(), &mut |_| {})
                    .map(|s| s.events_sent)
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("thread").expect("sync");
    }
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.8: the server is stopped gracefully and restarted between commit and response; the
/// counter resends and converges.
fn s08_server_restart_between_commit_and_reply(backend: Backend) {
    let Some(mut server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let outbox = counter_with_backlog(&credential.device_id, 10, 8);
    let proxy = server.proxy(slow_link());
    proxy.drop_next_reply();
    let mut config = fast_config();
    config.max_consecutive_failures = 1;
    let mut transport = transport(
        &credential,
        &format!("http://{}", proxy.addr()),
        Duration::from_secs(10),
    );
    sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect_err("reply lost");
    assert!(
        server.count("SELECT COUNT(*) FROM events") > 0,
        "committed before the reply was lost"
    );
    server.restart();
    let mut transport = transport_for(&credential, &server);
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.9: the server database is rolled back (events after a point lost, new epoch): the
/// counter replays its retained outbox from the new hwm.
fn s09_server_rollback_replays_retained_outbox(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let outbox = counter_with_backlog(&credential.device_id, 10, 9);
    let mut transport = transport_for(&credential, &server);
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    // Emulate restoring a backup taken after seq 7.
    server
        .db
        .transaction(|tx| {
            tx.exec("DELETE FROM events WHERE seq > 7", &[])?;
            tx.exec("UPDATE device_epochs SET hwm = 7", &[])
        })
        .expect("rollback");
    motcua_server::sync::rotate_server_epoch(&server.db).expect("rotate");
    let summary =
        sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    let n = outbox.snapshot().events[&77].len() as u64;
    assert_eq!(
        summary.events_sent,
        n - 7,
        "replayed exactly the lost events"
    );
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.10: the desktop database is restored from an older backup: a new epoch re-sends events
/// under new keys; the event id dedups them, each event is on the server once.
fn s10_desktop_restore_new_epoch_dedups_by_event_id(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let events = SyntheticCounter::new(10, COMMUNE).wire_events(4, 1);
    let outbox = MemoryOutbox::new(&credential.device_id, 1);
    outbox.append(events.clone());
    let mut transport = transport_for(&credential, &server);
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    let restored = MemoryOutbox::new(&credential.device_id, 2);
    restored.append(events[2..].to_vec());
    restored.append(SyntheticCounter::new(11, COMMUNE).wire_events(1, 1));
    sync_until_idle(&restored, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    assert_converged(&server, &restored, &credential.device_id);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM events WHERE dup = 1"),
        (events.len() - 2) as i64
    );
}

/// §4.13/§4.14: random drops on a slow link with a larger backlog: the batch shrinks, the sync
/// makes progress and finishes, every event exactly once.
fn s14_random_drops_still_finish(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let proxy = server.proxy(slow_link());
    proxy.set_random_drops(0.02, 14);
    let outbox = counter_with_backlog(&credential.device_id, 200, 14);
    let mut config = fast_config();
    config.max_consecutive_failures = 50;
    let mut transport = transport(
        &credential,
        &format!("http://{}", proxy.addr()),
        Duration::from_secs(10),
    );
    let summary = sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("sync");
    assert!(proxy.stats().cuts > 0, "drops happened");
    assert!(summary.failures > 0);
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.20: a crash while applying a downstream page rolls data and cursor back together; the
/// next sync converges.
fn s20_crash_while_applying_page_moves_nothing(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    motcua_server::sync::publish(
        &server.db,
        sync_protocol::Channel::Letters,
        &[("apology.json".into(), "{\"text\":\"Xin lỗi\"}".into())],
    )
    .expect("publish");
    let outbox = MemoryOutbox::new(&credential.device_id, 1);
    outbox.state.lock().expect("lock").fail_next_apply = true;
    let mut transport = transport_for(&credential, &server);
    let error =
        sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect_err("crash");
    assert_eq!(error.code(), "store");
    assert!(outbox.snapshot().cursors.is_empty() && outbox.snapshot().channels.is_empty());
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    assert!(
        outbox.snapshot().channels[&sync_protocol::Channel::Letters].contains_key("apology.json")
    );
}

/// §4.24: the device is revoked mid-run: the client stops with `unauthorized`, no retry loop.
fn s24_revoked_mid_sync_stops_cleanly(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    motcua_server::devices::revoke(&server.db, &credential.device_id, motcua_server::now_ms())
        .expect("revoke");
    let outbox = counter_with_backlog(&credential.device_id, 2, 24);
    let mut transport = transport_for(&credential, &server);
    let error =
        sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect_err("revoked");
    assert!(
        matches!(error, SyncError::Partial(ref inner, ref s) if matches!(**inner, SyncError::Unauthorized(_)) && s.requests == 1)
    );
}

backend_tests!(
    s01_cut_during_upload_applies_nothing_then_completes,
    s02_lost_ack_after_commit_resends_without_duplicate,
    s03_garbled_reply_advances_nothing,
    s05_concurrent_duplicate_batches_store_once,
    s08_server_restart_between_commit_and_reply,
    s09_server_rollback_replays_retained_outbox,
    s10_desktop_restore_new_epoch_dedups_by_event_id,
    s14_random_drops_still_finish,
    s20_crash_while_applying_page_moves_nothing,
    s24_revoked_mid_sync_stops_cleanly,
);
