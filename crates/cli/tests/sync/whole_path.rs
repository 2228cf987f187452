//! The whole sync path of sync.md §4 "How to run them" (b): a real counter (the `app` crate's
//! `Counter` on its encrypted SQLite file) working offline, then syncing through the TCP fault
//! proxy (bandwidth cap, delay, a lost reply, a cut upload, random drops) to the real district
//! server on loopback, on SQLite and on PostgreSQL (`MOTCUA_TEST_POSTGRES_URL`).
//!
//! A monitor thread reads the counter's store and the server's tables every few milliseconds
//! while the syncs run, so the invariants of sync.md §4 are checked *during* the faults, not only
//! at the end: the server's hwm never goes back within an epoch, and the local ack never runs
//! ahead of what the server committed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::{Action, Counter, InitInput, IntakeInput, SystemClock};
use fault_proxy::{FaultProxy, LinkProfile};
use motcua_server::http::{serve, AppState};
use motcua_server::storage::{Database, SqlValue};
use motcua_server::{devices, now_ms};
use sync_client::SyncConfig;

use super::{TempDir, COMMUNE, GIVEN_NAMES};

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// The district server on 127.0.0.1:0, on a fresh SQLite file or a fresh PostgreSQL database.
struct District {
    runtime: tokio::runtime::Runtime,
    db: Arc<Database>,
    url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: TempDir,
}

impl District {
    /// `None` when PostgreSQL is asked for and `MOTCUA_TEST_POSTGRES_URL` is unset outside CI
    /// (under CI the test fails instead: `make test-rust` always sets it).
    fn start(backend: Backend) -> Option<District> {
        let dir = TempDir::new("district");
        let db_url = match backend {
            Backend::Sqlite => format!("sqlite://{}/server.db", dir.0.display()),
            Backend::Postgres => {
                let Ok(base) = std::env::var("MOTCUA_TEST_POSTGRES_URL") else {
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "MOTCUA_TEST_POSTGRES_URL must be set under CI"
                    );
                    eprintln!("skipped: MOTCUA_TEST_POSTGRES_URL unset");
                    return None;
                };
                // The temporary folder's name is unique (pid, time, counter): reuse it.
                let name = dir
                    .0
                    .file_name()
                    .and_then(|n| n.to_str())
                    .expect("folder name")
                    .replace('-', "_");
                let mut admin =
                    postgres::Client::connect(&base, postgres::NoTls).expect("test postgres");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create database");
                let cut = base.rfind('/').expect("the URL names a database");
                format!("{}/{name}", &base[..cut])
            }
        };
        let db = Arc::new(Database::open(&db_url).expect("server database"));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(serve(listener, AppState::new(db.clone()), async move {
            let _ = stopped.await;
        }));
        Some(District {
            runtime,
            db,
            url,
            shutdown: Some(shutdown),
            _dir: dir,
        })
    }

    fn proxy(&self, profile: LinkProfile) -> FaultProxy {
        let addr = self
            .url
            .strip_prefix("http://")
            .and_then(|a| a.parse().ok())
            .expect("server address");
        self.runtime
            .block_on(FaultProxy::start(addr, profile))
            .expect("fault proxy")
    }

    fn query(&self, sql: &str, params: &[SqlValue]) -> Vec<Vec<SqlValue>> {
        self.db
            .transaction(|tx| tx.query(sql, params))
            .expect("server query")
    }

    fn count(&self, sql: &str, params: &[SqlValue]) -> i64 {
        self.query(sql, params)[0][0].int()
    }

    /// The server's hwm of `(device, epoch)`, 0 before the first event.
    fn hwm(&self, device_id: &str, epoch: i64) -> i64 {
        self.query(
            "SELECT hwm FROM device_epochs WHERE device_id = $1 AND epoch = $2",
            &[device_id.into(), SqlValue::Int(epoch)],
        )
        .first()
        .map_or(0, |row| row[0].int())
    }
}

impl Drop for District {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.runtime.block_on(async {
            tokio::time::sleep(Duration::from_millis(20)).await;
        });
    }
}

/// A second, read-mostly connection on the counter's encrypted database (as the desktop's
/// background sync opens one): what the outbox holds and acknowledged.
fn open_store(data_dir: &Path) -> store::Store {
    let hex = std::fs::read_to_string(data_dir.join(app::counter::KEY_FILE)).expect("key");
    let key = store::StoreKey::from_hex(hex.trim()).expect("key reads");
    let options = store::OpenOptions {
        integrity_check: store::IntegrityCheck::Skip,
        ..Default::default()
    };
    let now = chrono::Utc::now().fixed_offset();
    store::Store::open(
        &data_dir.join(app::counter::DATABASE_FILE),
        &key,
        &options,
        now,
    )
    .expect("second connection")
}

/// Watches the invariants while syncs run: the server's hwm of `(device, epoch)` never goes
/// back, and the local ack, read *before* the server's hwm, is never above it (an ack read at
/// t1 came from a reply committed before t1; the hwm read at t2 > t1 can only be higher).
struct Monitor {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<Result<usize, String>>>,
}

impl Monitor {
    fn start(district: &District, data_dir: PathBuf, device_id: String) -> Monitor {
        let stop = Arc::new(AtomicBool::new(false));
        let db = district.db.clone();
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let local = open_store(&data_dir);
            let epoch = local.identity().epoch;
            let mut highest = 0i64;
            let mut samples = 0usize;
            while !stopped.load(Ordering::Relaxed) {
                let acked = local.acked_hwm(epoch).map_err(|e| e.to_string())?;
                let hwm = db
                    .transaction(|tx| {
                        tx.query(
                            "SELECT hwm FROM device_epochs WHERE device_id = $1 AND epoch = $2",
                            &[device_id.as_str().into(), SqlValue::Int(epoch)],
                        )
                    })
                    .map_err(|e| e.to_string())?
                    .first()
                    .map_or(0, |row| row[0].int());
                if hwm < highest {
                    return Err(format!(
                        "the server's hwm went back from {highest} to {hwm}"
                    ));
                }
                if acked > hwm {
                    return Err(format!(
                        "local ack {acked} ran ahead of the server's hwm {hwm}"
                    ));
                }
                highest = hwm;
                samples += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(samples)
        });
        Monitor {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the watch; panics with the first violation seen.
    fn finish(mut self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        let thread = self.thread.take().expect("running");
        let samples = thread
            .join()
            .expect("monitor thread")
            .unwrap_or_else(|violation| panic!("invariant broken during sync: {violation}"));
        assert!(samples > 0, "the monitor looked at least once");
        samples
    }
}

/// sync.md §4 invariants once the link is back: every event of the counter's outbox is on the
/// server exactly once (its `(device, epoch, seq)` key and its event id, never flagged as a
/// duplicate), the server's hwm and the local ack both equal the last seq, every dossier taken
/// in carries the official code the server gave it (NĐ 118 art. 28), and the counter's cursor
/// of the `official_codes` channel is the server's head (the channel converged).
fn assert_converged(district: &District, counter: &Counter, device_id: &str) {
    let local = open_store(counter.data_dir());
    let epoch = local.identity().epoch;
    let events = local.events_after(epoch, 0, usize::MAX).expect("outbox");
    let last = events.last().map_or(0, |e| e.seq);
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=last).collect::<Vec<_>>(),
        "the outbox has no gap"
    );
    let device = SqlValue::from(device_id);
    assert_eq!(
        district.count(
            "SELECT count(*) FROM events WHERE device_id = $1",
            std::slice::from_ref(&device)
        ),
        last,
        "the server holds as many keys as the outbox has events"
    );
    for event in &events {
        let rows = district.query(
            "SELECT epoch, seq, dup FROM events WHERE event_id = $1",
            &[event.event_id.as_str().into()],
        );
        assert_eq!(rows.len(), 1, "event {} stored exactly once", event.seq);
        assert_eq!(
            (rows[0][0].int(), rows[0][1].int(), rows[0][2].int()),
            (epoch, event.seq, 0),
            "event {} under its own key",
            event.seq
        );
    }
    assert_eq!(district.hwm(device_id, epoch), last, "server hwm");
    assert_eq!(local.acked_hwm(epoch).expect("ack"), last, "local ack");

    let intakes: Vec<&str> = events
        .iter()
        .filter(|e| e.kind == "dossier_taken_in")
        .filter_map(|e| e.dossier_code.as_deref())
        .collect();
    assert!(!intakes.is_empty());
    for code in &intakes {
        let on_server = district.query(
            "SELECT official_code FROM official_codes WHERE commune = $1 AND dossier_code = $2",
            &[COMMUNE.into(), (*code).into()],
        );
        assert_eq!(on_server.len(), 1, "{code} got one official code");
        let shown = counter.show(code).expect("dossier");
        assert_eq!(
            shown.dossier.official_code.as_deref(),
            Some(on_server[0][0].text()),
            "{code}: the official code came down"
        );
    }
    let head = district.count(
        "SELECT pos FROM channel_heads WHERE channel = 'official_codes' AND scope = $1",
        &[COMMUNE.into()],
    );
    let cursor = local
        .reference_cursor("official_codes")
        .expect("cursor")
        .expect("the channel was followed");
    assert_eq!(
        cursor.cursor,
        head.to_string(),
        "channel cursor at the head"
    );
}

fn intake(counter: &mut Counter, i: usize) -> String {
    let input: IntakeInput = serde_json::from_value(serde_json::json!({
        "procedure": "1.001193",
        "citizen": {
            "name": format!("Người Thử {}", GIVEN_NAMES[i % GIVEN_NAMES.len()]),
            "phone": "0912345678",
        },
        "channel": "counter",
        "documents": ["Tờ khai đăng ký khai sinh"],
    }))
    .expect("intake input");
    counter.intake(input).expect("intake").dossier.code
}

/// `n` dossiers taken in; every third is processed to the end (three status events more).
fn take_in(counter: &mut Counter, from: usize, n: usize) {
    for i in from..from + n {
        let code = intake(counter, i);
        if i % 3 == 0 {
            for action in [Action::StartProcessing, Action::ResultReady, Action::Return] {
                counter
                    .transition(&code, action, None, None)
                    .expect("transition");
            }
        }
    }
}

/// Fast retries for the test (real waits, scaled down); small batches so that a backlog takes
/// several requests and the faults land between and inside them.
fn test_config() -> SyncConfig {
    SyncConfig {
        initial_batch_bytes: 2048,
        max_batch_bytes: 4096,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(50),
        max_consecutive_failures: 40,
        ..SyncConfig::default()
    }
}

/// The whole path (sync.md §4 (b); §4.1, §4.2, §4.13, §4.14 on the real counter): a counter
/// takes dossiers in while it has no server, then syncs through a slow, late link that loses a
/// reply after the server committed, cuts an upload half-way and drops at random. After every
/// run the invariants hold: each event on the server exactly once, the hwm never back (watched
/// during the runs), no ack ahead of the server, the official codes down on every dossier and
/// the channel at its head. A last run finds nothing new and costs one request.
fn counter_to_district_through_faults(backend: Backend) {
    let Some(district) = District::start(backend) else {
        return;
    };
    let dir = TempDir::new("whole-path");
    let mut counter = Counter::init(
        &dir.0,
        &InitInput {
            commune_code: COMMUNE.into(),
            commune_name: "Xã Thử Nghiệm".into(),
            counter_name: "Quầy 1".into(),
            counter_prefix: None,
            clerks: vec!["Lò Văn Thử".into()],
        },
        Box::new(SystemClock),
    )
    .expect("set up");

    // Offline: dossiers taken in, nothing acknowledged.
    take_in(&mut counter, 0, 12);
    let code = devices::create_enrol_code(&district.db, COMMUNE, now_ms()).expect("enrol code");
    let enrolled = counter.enroll(&district.url, &code).expect("enrol");
    let device_id = enrolled.device_id;
    let mut offline = test_config();
    offline.max_consecutive_failures = 2;
    let refused = counter
        .sync_with(Some("http://127.0.0.1:9"), &offline)
        .expect_err("no server on the discard port");
    assert_eq!(refused.code, app::ErrorCode::SyncFailed);
    let local = open_store(&dir.0);
    let epoch = local.identity().epoch;
    assert_eq!(
        local.acked_hwm(epoch).expect("ack"),
        0,
        "nothing acked offline"
    );
    assert_eq!(district.hwm(&device_id, epoch), 0);

    // A slow, late link: 1.6 Mbit/s, 5 ms one way, a round trip per new connection.
    let proxy = district.proxy(LinkProfile {
        bytes_per_sec: Some(200_000),
        one_way_delay: Duration::from_millis(5),
        handshake_round_trip: true,
    });
    let via_proxy = format!("http://{}", proxy.addr());
    let monitor = Monitor::start(&district, dir.0.clone(), device_id.clone());

    // §4.2: the first reply is lost after the server committed; the resend stores nothing twice.
    proxy.drop_next_reply();
    let first = counter
        .sync_with(Some(&via_proxy), &test_config())
        .expect("sync after a lost reply");
    assert!(
        first.run.failures >= 1,
        "the reply was lost: {:?}",
        first.run
    );
    assert_eq!(first.events_waiting, 0);
    assert_converged(&district, &counter, &device_id);

    // §4.1: new work, and the upload is cut half-way through the first request.
    take_in(&mut counter, 12, 10);
    proxy.cut_upload_after(900);
    let second = counter
        .sync_with(Some(&via_proxy), &test_config())
        .expect("sync after a cut upload");
    assert!(
        second.run.failures >= 1,
        "the cut happened: {:?}",
        second.run
    );
    assert_converged(&district, &counter, &device_id);

    // §4.13/§4.14: a larger backlog over a link that drops at random.
    take_in(&mut counter, 22, 40);
    let cuts = proxy.stats().cuts;
    proxy.set_random_drops(0.04, 17);
    let third = counter
        .sync_with(Some(&via_proxy), &test_config())
        .expect("sync over random drops");
    proxy.set_random_drops(0.0, 0);
    assert!(proxy.stats().cuts > cuts, "drops happened");
    assert!(third.run.requests > 1, "{:?}", third.run);
    assert_converged(&district, &counter, &device_id);

    // Nothing new: one request, nothing sent or applied.
    let idle = counter
        .sync_with(Some(&via_proxy), &test_config())
        .expect("idle sync");
    assert_eq!(
        (
            idle.run.requests,
            idle.run.events_sent,
            idle.run.items_applied
        ),
        (1, 0, 0)
    );
    let samples = monitor.finish();
    eprintln!("{backend:?}: invariants watched {samples} times during the runs");
    assert_converged(&district, &counter, &device_id);
}

#[test]
fn whole_path_counter_to_district_through_faults_sqlite() {
    counter_to_district_through_faults(Backend::Sqlite);
}

#[test]
fn whole_path_counter_to_district_through_faults_postgres() {
    counter_to_district_through_faults(Backend::Postgres);
}
