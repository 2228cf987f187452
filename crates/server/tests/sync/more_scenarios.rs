//! The sync.md §4 scenarios that `scenarios.rs` does not cover yet and that run on one machine
//! against the real server (SQLite and PostgreSQL), the real client and the fault proxy. The
//! scenarios of the counter's own store (11, 12, 17) are in `crates/cli/tests/sync/whole_path.rs`;
//! docs/sync-protocol.md maps every scenario to its test.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fault_proxy::LinkProfile;
use motcua_server::sync as server_sync;
use sync_client::memory::MemoryOutbox;
use sync_client::{
    sync_until_idle, DeviceCredential, HttpTransport, SyncConfig, SyncError, Transport,
    TransportError,
};
use sync_protocol::synthetic::SyntheticCounter;
use sync_protocol::{
    codec, Channel, ChannelCursor, PushReply, PushRequest, WireEvent, PROTOCOL_VERSION,
    SYNC_CONTENT_TYPE,
};

use crate::backend_tests;
use crate::common::*;

const EPOCH: u64 = 77;

fn link(bytes_per_sec: u64) -> LinkProfile {
    LinkProfile {
        bytes_per_sec: Some(bytes_per_sec),
        one_way_delay: Duration::from_millis(2),
        handshake_round_trip: true,
    }
}

fn backlog(device_id: &str, dossiers: usize, seed: u64) -> MemoryOutbox {
    let outbox = MemoryOutbox::new(device_id, EPOCH);
    outbox.append(SyntheticCounter::new(seed, COMMUNE).wire_events(dossiers, 1));
    outbox
}

fn hwm(server: &TestServer, device_id: &str) -> i64 {
    server
        .query(&format!(
            "SELECT hwm FROM device_epochs WHERE device_id = '{device_id}' AND epoch = {EPOCH}"
        ))
        .first()
        .map_or(0, |row| row[0].parse().expect("hwm"))
}

/// What one exchange of a [`Recording`] transport did.
#[derive(Debug, Clone)]
struct Exchange {
    body_bytes: usize,
    events: usize,
    outcome: Result<u64, TransportError>,
}

/// Called with the exchange's index and request body before it is sent.
type BeforeHook = Box<dyn FnMut(usize, &[u8]) + Send>;

/// A real transport that records each exchange (body size, events, hwm or error) and can run
/// a hook before each exchange (to arm a fault for that request).
struct Recording<T> {
    inner: T,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    before: BeforeHook,
}

impl<T: Transport> Recording<T> {
    fn new(inner: T) -> Self {
        Recording {
            inner,
            exchanges: Arc::default(),
            before: Box::new(|_, _| {}),
        }
    }

    fn log(&self) -> Vec<Exchange> {
        self.exchanges.lock().expect("log").clone()
    }
}

impl<T: Transport> Transport for Recording<T> {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let n = self.exchanges.lock().expect("log").len();
        (self.before)(n, &body);
        let events = codec::decode_request(&body).map_or(0, |r| r.events.len());
        let body_bytes = body.len();
        let result = self.inner.round_trip(body);
        let outcome = match &result {
            Ok(bytes) => codec::decode_reply(bytes)
                .map(|r| r.hwm)
                .map_err(|e| TransportError::Garbled(e.to_string())),
            Err(e) => Err(e.clone()),
        };
        self.exchanges.lock().expect("log").push(Exchange {
            body_bytes,
            events,
            outcome,
        });
        result
    }
}

fn via_proxy(credential: &DeviceCredential, proxy: &fault_proxy::FaultProxy) -> HttpTransport {
    transport(
        credential,
        &format!("http://{}", proxy.addr()),
        Duration::from_secs(10),
    )
}

/// One raw sync request with the device's token; the decoded reply.
fn push(server: &TestServer, credential: &DeviceCredential, events: &[WireEvent]) -> PushReply {
    let body = codec::encode_request(&PushRequest {
        protocol: PROTOCOL_VERSION,
        device_id: credential.device_id.clone(),
        epoch: EPOCH,
        events: events.to_vec(),
        follows: vec![ChannelCursor::start(Channel::OfficialCodes)],
        max_down_bytes: 32 * 1024,
    })
    .expect("encode");
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/sync", server.base_url()))
        .bearer_auth(&credential.token)
        .header("content-type", SYNC_CONTENT_TYPE)
        .body(body)
        .send()
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);
    codec::decode_reply(&response.bytes().expect("body")).expect("reply")
}

/// §4.4 "Server 5xx after commit (post-commit hook fails) → idempotent retry." A gateway in front
/// of the server answers 502 after the server committed the batch. When the client retries, the
/// server already holds the batch (its hwm is there); the retry stores nothing twice and gets the
/// same hwm.
fn scenario_04_5xx_after_commit_retries_idempotently(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let proxy = server.proxy(link(400_000));
    let outbox = backlog(&credential.device_id, 5, 4);
    let n = outbox.snapshot().events[&EPOCH].len() as i64;
    proxy.replace_next_reply(
        b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 11\r\n\
          connection: close\r\n\r\nBad Gateway"
            .to_vec(),
    );
    // The hwm on the server at the moment the client waits to retry.
    let at_retry = Arc::new(Mutex::new(Vec::new()));
    let mut config = fast_config();
    let db = server.db.clone();
    let (seen, device) = (at_retry.clone(), credential.device_id.clone());
    config.sleep = Arc::new(move |_| {
        let hwm = db
            .transaction(|tx| {
                tx.query(
                    &format!("SELECT hwm FROM device_epochs WHERE device_id = '{device}'"),
                    &[],
                )
            })
            .expect("hwm")
            .first()
            .map_or(0, |r| r[0].int());
        seen.lock().expect("lock").push(hwm);
    });
    let mut transport = Recording::new(via_proxy(&credential, &proxy));
    let summary = sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("sync");
    let log = transport.log();
    assert!(
        matches!(
            log[0].outcome,
            Err(TransportError::Http { status: 502, .. })
        ),
        "{log:?}"
    );
    assert_eq!(
        *at_retry.lock().expect("lock"),
        vec![n],
        "committed before the 502"
    );
    assert_eq!(log[1].events, log[0].events, "the same batch again");
    assert_eq!(log[1].outcome.as_ref().ok(), Some(&(n as u64)), "same hwm");
    assert_eq!(summary.requests, 2);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM events"),
        n,
        "stored once"
    );
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.6 "Reordered retries: batch k+1 arrives before batch k; overlapping ranges (1–100 then
/// 50–150)." Events that arrive ahead of a gap are kept but the hwm stays at the gap; the
/// overlapping batch fills it and the hwm jumps over everything stored; the replies' hwm never
/// goes back; each event is stored once; the client then converges.
fn scenario_06_reordered_and_overlapping_batches(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let outbox = backlog(&credential.device_id, 50, 6);
    let events: Vec<WireEvent> = outbox.snapshot().events[&EPOCH].values().cloned().collect();
    assert!(events.len() > 160);
    let range = |from: u64, to: u64| -> Vec<WireEvent> {
        events[(from - 1) as usize..to as usize].to_vec()
    };
    let mut marks = Vec::new();
    // Batch k+1 (51-100) before batch k (1-60, overlapping it), then 50-150, then 1-100 again.
    for (from, to) in [(51, 100), (1, 60), (50, 150), (1, 100)] {
        let reply = push(&server, &credential, &range(from, to));
        assert!(reply.rejected.is_empty(), "{:?}", reply.rejected);
        marks.push(reply.hwm);
    }
    assert_eq!(marks, vec![0, 100, 150, 150]);
    assert_eq!(hwm(&server, &credential.device_id), 150);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM events"),
        150,
        "each key once"
    );
    assert_eq!(
        server.count("SELECT COUNT(DISTINCT event_id) FROM events WHERE dup = 0"),
        150
    );
    let mut transport = transport(&credential, &server.base_url(), Duration::from_secs(10));
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.13 "Huge backlog (30 days offline, ~10k–50k events) on 64 kbit/s → bounded memory,
/// progress after every request, ≤ 1 batch redone per drop." 600 dossiers (≈2,250 events) on
/// loopback with batches capped at 6 KiB and the link cut in the middle of every third upload
/// (the full size, 3,000 dossiers ≈ 11,000 events at 64 kbit/s with drops, runs in
/// `make bench-sync`, too slow for `make test`): every request stays within the batch cap (the
/// client never holds more than one batch), every successful request moves the hwm forward, and
/// each drop wastes only the request it cut — no event is carried twice by successful requests.
fn scenario_13_huge_backlog_progresses_every_request(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let proxy = Arc::new(server.proxy(LinkProfile::transparent()));
    let outbox = backlog(&credential.device_id, 600, 13);
    let total = outbox.snapshot().events[&EPOCH].len() as u64;
    assert!(total > 2000, "{total}");
    let config = SyncConfig {
        max_batch_bytes: 6 * 1024,
        max_consecutive_failures: 20,
        ..fast_config()
    };
    let cap = config.max_batch_bytes + config.max_batch_bytes / 4;
    let mut transport = Recording::new(via_proxy(&credential, &proxy));
    let cutter = proxy.clone();
    transport.before = Box::new(move |n, body| {
        if n % 3 == 2 {
            cutter.cut_upload_after(body.len() as u64 / 2);
        }
    });
    let mut waiting = Vec::new();
    let summary = sync_until_idle(&outbox, &mut transport, &config, &mut |p| {
        waiting.push(p.events_waiting)
    })
    .expect("sync");
    let log = transport.log();
    assert!(summary.failures >= 2, "{summary:?}");
    assert!(
        log.iter().all(|e| e.body_bytes <= cap),
        "bounded batches: {:?}",
        log.iter().map(|e| e.body_bytes).max()
    );
    let mut previous = 0;
    for exchange in &log {
        if let Ok(hwm) = exchange.outcome {
            assert!(
                hwm > previous || exchange.events == 0,
                "progress: {previous} -> {hwm}"
            );
            previous = hwm;
        }
    }
    assert!(
        waiting.windows(2).all(|w| w[1] < w[0] || w[1] == 0),
        "waiting shrinks after every successful request"
    );
    assert_eq!(
        summary.events_sent, total,
        "no event carried twice: a drop cost only the request it cut"
    );
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.15 "Request timeout shorter than transfer time; server slow to respond (long GC) → no
/// infinite retry of the same too-large batch." The link carries 16 kB/s and the client gives
/// an exchange 400 ms, so batches above ~6 KB cannot make it (the server may still commit one
/// after the client gave up: a slow server looks the same). After every timeout the next
/// request is smaller than the one that failed, never the same batch again, and the backlog
/// gets through.
fn scenario_15_timeout_shorter_than_transfer_shrinks_the_batch(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let proxy = server.proxy(link(16_000));
    let outbox = backlog(&credential.device_id, 120, 15);
    let inner = transport(
        &credential,
        &format!("http://{}", proxy.addr()),
        Duration::from_millis(400),
    );
    let mut transport = Recording::new(inner);
    let config = SyncConfig {
        max_consecutive_failures: 10,
        ..fast_config()
    };
    let summary = sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("sync");
    let log = transport.log();
    assert!(
        log.iter()
            .any(|e| matches!(e.outcome, Err(TransportError::Network(_)))),
        "a batch timed out: {log:?}"
    );
    for pair in log.windows(2) {
        if pair[0].outcome.is_err() {
            assert!(
                pair[1].body_bytes < pair[0].body_bytes,
                "after a timeout the batch shrinks: {} then {}",
                pair[0].body_bytes,
                pair[1].body_bytes
            );
        }
    }
    assert!(summary.failures > 0, "{summary:?}");
    assert_converged(&server, &outbox, &credential.device_id);
}

/// Makes the server's database refuse writes (SQLite: the file may not grow, as on a full disk;
/// PostgreSQL: the database becomes read-only and open sessions end), or undoes it.
fn set_database_full(server: &TestServer, backend: Backend, full: bool) {
    match backend {
        Backend::Sqlite => {
            let pages = if full {
                server.count("PRAGMA page_count")
            } else {
                1 << 30
            };
            server
                .db
                .transaction(|tx| tx.query(&format!("PRAGMA max_page_count = {pages}"), &[]))
                .expect("max_page_count");
        }
        Backend::Postgres => {
            let base = std::env::var("MOTCUA_TEST_POSTGRES_URL").expect("postgres url");
            let name = server.url_db.rsplit('/').next().expect("database name");
            let mut admin = ::postgres::Client::connect(&base, ::postgres::NoTls).expect("admin");
            let setting = if full { "on" } else { "off" };
            admin
                .batch_execute(&format!(
                    "ALTER DATABASE {name} SET default_transaction_read_only = {setting}; \
                     SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = '{name}' AND pid <> pg_backend_pid();"
                ))
                .expect("read-only switch");
        }
    }
}

/// §4.18 "Disk full / DB read-only on the server → 503 + Retry-After, client backs off, no
/// partial commit." The server's database refuses writes; the client gets 503, waits at least
/// the Retry-After of 30 s (its wait is recorded, not slept), nothing of the batch is stored;
/// once space is back the same batch goes through, exactly once.
fn scenario_18_server_database_full_gives_503_and_the_client_waits(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let outbox = backlog(&credential.device_id, 30, 18);
    set_database_full(&server, backend, true);
    let waits = Arc::new(Mutex::new(Vec::new()));
    let stored_while_full = Arc::new(Mutex::new(Vec::new()));
    let server = Arc::new(server);
    let mut config = fast_config();
    config.backoff_max = Duration::from_secs(120);
    {
        let (waits, stored, server) = (waits.clone(), stored_while_full.clone(), server.clone());
        config.sleep = Arc::new(move |delay| {
            let mut waits = waits.lock().expect("lock");
            waits.push(delay);
            if waits.len() == 1 {
                // The operator frees space while the counter waits.
                stored
                    .lock()
                    .expect("lock")
                    .push(server.count("SELECT COUNT(*) FROM events"));
                set_database_full(&server, backend, false);
            }
        });
    }
    let mut transport = Recording::new(transport(
        &credential,
        &server.base_url(),
        Duration::from_secs(10),
    ));
    sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("sync");
    let log = transport.log();
    assert!(
        matches!(
            &log[0].outcome,
            Err(TransportError::Http { status: 503, code, retry_after: Some(30) })
                if code == "database_unavailable"
        ),
        "{log:?}"
    );
    assert!(
        waits.lock().expect("lock")[0] >= Duration::from_secs(30),
        "the client honours Retry-After"
    );
    assert_eq!(
        *stored_while_full.lock().expect("lock"),
        vec![0],
        "no partial commit"
    );
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.22 "Reference data changes while events reference old versions (procedure renamed/
/// retired) → server validates against the version the client saw." The server does not check
/// events against its current catalogue at all: an intake recorded under the old catalogue
/// carries the procedure as the clerk saw it and is accepted after the catalogue changed (not
/// quarantined, official code given, payload kept as sent), while the counter's catalogue
/// channel moves to the new version.
fn scenario_22_reference_change_does_not_reject_events_of_the_old_version(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let old = r#"{"code":"1.001193","name":"Đăng ký khai sinh","days":1}"#;
    let new = r#"{"code":"1.001193","name":"Đăng ký khai sinh (đã thay thế)","retired":true}"#;
    server_sync::publish(
        &server.db,
        Channel::Catalog,
        &[("1.001193.json".into(), old.into())],
    )
    .expect("publish v1");
    let outbox = MemoryOutbox::new(&credential.device_id, EPOCH);
    let mut transport = transport(&credential, &server.base_url(), Duration::from_secs(10));
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync v1");
    assert_eq!(
        outbox.snapshot().channels[&Channel::Catalog]["1.001193.json"].1,
        old
    );
    // The clerk takes a dossier in under v1 while the district publishes v2.
    let intake = format!(
        r#"{{"kind":"intake","dossier_code":"AA261122-001","received_at":"2026-11-22T09:00:00+07:00","procedure":"1.001193","procedure_name":"Đăng ký khai sinh","commune":"{COMMUNE}"}}"#
    );
    outbox.append(vec![WireEvent {
        seq: 0,
        event_id: "0190a5b2-0000-7000-8000-000000000022".into(),
        hlc: 1 << 20,
        payload: intake.clone(),
    }]);
    server_sync::publish(
        &server.db,
        Channel::Catalog,
        &[("1.001193.json".into(), new.into())],
    )
    .expect("publish v2");
    let summary =
        sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync v2");
    assert_eq!(summary.events_rejected, 0, "not quarantined");
    assert_eq!(
        server.query("SELECT payload, rejected FROM events WHERE dossier_code = 'AA261122-001'"),
        vec![vec![intake, String::new()]],
        "kept as sent"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM official_codes WHERE dossier_code = 'AA261122-001'"),
        1
    );
    assert_eq!(
        outbox.snapshot().channels[&Channel::Catalog]["1.001193.json"].1,
        new,
        "the catalogue converged to v2"
    );
    assert_converged(&server, &outbox, &credential.device_id);
}

/// A transport that rewrites each request as a newer counter would send it (protocol 2).
struct NewerClient(HttpTransport);

impl Transport for NewerClient {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let mut request = codec::decode_request(&body).expect("own request");
        request.protocol = PROTOCOL_VERSION + 1;
        self.0
            .round_trip(codec::encode_request(&request).expect("encode"))
    }
}

/// §4.23 "Version skew: old client ↔ new server and vice versa (unknown fields, new event
/// kinds)." Within v1, an event kind this server does not know and fields it does not read are
/// stored as sent and acknowledged (a newer counter is not blocked by an older server). A
/// request of a newer protocol is refused whole with `unsupported_protocol`, changes nothing,
/// and the client stops at once instead of retrying in a loop; a v2 content type gets 415.
fn scenario_23_version_skew_unknown_kinds_kept_newer_protocol_refused(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let outbox = backlog(&credential.device_id, 2, 23);
    let future = r#"{"kind":"appointment_booked","dossier_code":"A261101-0001","slot":"2026-12-01T08:00:00+07:00","new_field":{"nested":[1,2]}}"#;
    outbox.append(vec![WireEvent {
        seq: 0,
        event_id: "0190a5b2-0000-7000-8000-000000000023".into(),
        hlc: u64::from(u32::MAX) << 16,
        payload: future.into(),
    }]);

    let mut newer = NewerClient(transport(
        &credential,
        &server.base_url(),
        Duration::from_secs(10),
    ));
    let error =
        sync_until_idle(&outbox, &mut newer, &fast_config(), &mut |_| {}).expect_err("refused");
    assert!(
        matches!(&error, SyncError::Partial(inner, s)
            if matches!(&**inner, SyncError::Refused { status: 400, code } if code == "unsupported_protocol")
                && s.requests == 1),
        "{error:?}"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM events"),
        0,
        "nothing changed"
    );
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/sync", server.base_url()))
        .bearer_auth(&credential.token)
        .header(
            "content-type",
            format!("application/vnd.motcua.sync.v{}+zstd", PROTOCOL_VERSION + 1),
        )
        .body(vec![0u8; 16])
        .send()
        .expect("send");
    assert_eq!(response.status().as_u16(), 415);

    let mut transport = transport(&credential, &server.base_url(), Duration::from_secs(10));
    let summary =
        sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("sync");
    assert_eq!(summary.events_rejected, 0);
    assert_eq!(
        server
            .query("SELECT kind, payload, rejected FROM events WHERE kind = 'appointment_booked'"),
        vec![vec![
            "appointment_booked".to_string(),
            future.to_string(),
            String::new()
        ]]
    );
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.25 "Stale keep-alive socket reused after server closed it → safe retry (the request is
/// idempotent)." After a first sync the client keeps its connection; the far end closes it while
/// idle. The next sync, on the same client, goes through (on a new connection) and stores
/// every event once.
fn scenario_25_stale_keepalive_socket_is_retried_safely(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let proxy = server.proxy(link(400_000));
    let outbox = backlog(&credential.device_id, 3, 25);
    let mut transport = via_proxy(&credential, &proxy);
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("first sync");
    let before = proxy.stats();
    assert_eq!(before.connections, 1, "one kept-alive connection");
    proxy.cut_all();
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        proxy.stats().cuts,
        before.cuts + 1,
        "the idle connection was open and is now closed"
    );
    outbox.append(SyntheticCounter::new(26, COMMUNE).wire_events(3, 1));
    sync_until_idle(&outbox, &mut transport, &fast_config(), &mut |_| {}).expect("second sync");
    assert!(
        proxy.stats().connections > before.connections,
        "reconnected"
    );
    assert_converged(&server, &outbox, &credential.device_id);
}

/// §4.14 with the target of sync.md §2 "under drops every 15–45 s: ≤ 1 batch (≤ 8 KB) wasted per
/// drop": the batch is capped to what the link carries in `max_batch_seconds` (1 s by default:
/// 8 KB at 64 kbit/s) once the link has dropped. Scaled down here: a 40 kB/s link and 0.1 s give
/// batches of about 4 kB after the first drop, whatever the backlog, and each later drop loses
/// at most one of them; without the cap the same backlog goes up in batches larger than the cap
/// allows (so the test sees the cap at work).
#[test]
fn scenario_14_batches_fit_the_link_so_a_drop_wastes_at_most_one() {
    let Some(server) = TestServer::start(Backend::Sqlite) else {
        return;
    };
    let run = |seconds: f64, cuts: bool, seed: u64| {
        let credential = server.enrol(COMMUNE);
        let proxy = Arc::new(server.proxy(link(40_000)));
        let outbox = backlog(&credential.device_id, 300, seed);
        let config = SyncConfig {
            initial_batch_bytes: 2048,
            max_batch_seconds: seconds,
            max_consecutive_failures: 30,
            ..fast_config()
        };
        let mut transport = Recording::new(via_proxy(&credential, &proxy));
        let cutter = proxy.clone();
        transport.before = Box::new(move |n, body| {
            // The link drops half-way through every third upload.
            if cuts && n % 3 == 2 {
                cutter.cut_upload_after(body.len() as u64 / 2);
            }
        });
        sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("sync");
        assert_converged(&server, &outbox, &credential.device_id);
        transport.log()
    };
    let capped = run(0.1, true, 141);
    // Until the link first drops, batches grow; from then on they fit 0.1 s of 40 kB/s (with
    // the encoder's 25 % slack over the budget), and so does what each later drop wastes.
    let first_drop = capped
        .iter()
        .position(|e| e.outcome.is_err())
        .expect("drops happened");
    let after = &capped[first_drop + 1..];
    let largest = after.iter().map(|e| e.body_bytes).max().unwrap_or(0);
    assert!(largest <= 5_000, "largest batch after a drop {largest} B");
    let wasted: Vec<usize> = after
        .iter()
        .filter(|e| e.outcome.is_err())
        .map(|e| e.body_bytes)
        .collect();
    assert!(!wasted.is_empty(), "later drops happened");
    assert!(wasted.iter().all(|&b| b <= 5_000), "{wasted:?}");
    // Without the cap the same backlog goes up in batches the cap would not allow.
    let uncapped = run(1e9, false, 142);
    let largest_uncapped = uncapped.iter().map(|e| e.body_bytes).max().unwrap_or(0);
    assert!(
        largest_uncapped > 5_000,
        "{largest_uncapped} B vs {largest} B"
    );
}

backend_tests!(
    scenario_04_5xx_after_commit_retries_idempotently,
    scenario_06_reordered_and_overlapping_batches,
    scenario_13_huge_backlog_progresses_every_request,
    scenario_15_timeout_shorter_than_transfer_shrinks_the_batch,
    scenario_18_server_database_full_gives_503_and_the_client_waits,
    scenario_22_reference_change_does_not_reject_events_of_the_old_version,
    scenario_23_version_skew_unknown_kinds_kept_newer_protocol_refused,
    scenario_25_stale_keepalive_socket_is_retried_safely,
);
