//! The whole sync path of sync.md §4 "How to run them" (b): a real counter (the `app` crate's
//! `Counter` on its encrypted SQLite file) working offline, then syncing through the TCP fault
//! proxy (bandwidth cap, delay, a lost reply, a cut upload, random drops) to the real district
//! server on loopback, on SQLite and on PostgreSQL (`MOTCUA_TEST_POSTGRES_URL`).
//!
//! A monitor thread reads the counter's store and the server's tables every few milliseconds
//! while the syncs run, so the invariants of sync.md §4 are checked *during* the faults, not only
//! at the end: the server's hwm never goes back within an epoch, and the local ack never runs
//! ahead of what the server committed.
//!
//! The sync.md §4 scenarios that need the counter's own store are here too: 11 (wrong and
//! jumping desktop clock), 12 (two desktops of one commune), 17 (disk full on the desktop).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::{Action, Clock, Counter, InitInput, IntakeInput, SystemClock};
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
    // Official codes are this counter's own channel (scope `commune/counter id`).
    let scope = format!("{COMMUNE}/{}", local.identity().device_id);
    let head = district.count(
        "SELECT pos FROM channel_heads WHERE channel = 'official_codes' AND scope = $1",
        &[scope.as_str().into()],
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
    take_in(&mut counter, 22, 120);
    let cuts = proxy.stats().cuts;
    // Per forwarded chunk of ≤ 1460 bytes: enough dossiers that the backlog spans many chunks
    // (event ids no longer carry random bits, so batches shrank).
    proxy.set_random_drops(0.08, 17);
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

fn set_up_counter(dir: &Path, prefix: &str, clock: Box<dyn app::Clock>) -> Counter {
    Counter::init(
        dir,
        &InitInput {
            commune_code: COMMUNE.into(),
            commune_name: "Xã Thử Nghiệm".into(),
            counter_name: format!("Quầy {prefix}"),
            counter_prefix: Some(prefix.into()),
            clerks: vec!["Lò Văn Thử".into()],
        },
        clock,
    )
    .expect("set up")
}

fn enrol(district: &District, counter: &mut Counter) -> String {
    let code = devices::create_enrol_code(&district.db, COMMUNE, now_ms()).expect("enrol code");
    counter
        .enroll(&district.url, &code)
        .expect("enrol")
        .device_id
}

/// A desktop clock that is wrong: shifted from the true time, in the wrong time zone, and able
/// to jump (NTP correcting it mid-session).
struct WrongClock {
    shift: Arc<std::sync::Mutex<chrono::Duration>>,
    zone: chrono::FixedOffset,
}

impl app::Clock for WrongClock {
    fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        let shift = *self.shift.lock().expect("shift");
        (chrono::Utc::now() + shift).with_timezone(&self.zone)
    }
}

/// §4.11 "Desktop clock wrong by days/years, wrong timezone, DST change; clock jumps backwards
/// mid-session (NTP) → ordering via HLC, due dates unaffected." The desktop's clock is 400 days
/// late, set to UTC instead of Vietnam time, and jumps back two hours between two dossiers.
/// The events' HLCs still grow with their seq and the server orders them as the counter
/// recorded them; the sync reports the skew (`clock_is_off`); the official code's date is the
/// Vietnam day of the receipt time the counter recorded (NĐ 118 art. 28); the sync changes no
/// due date; after the sync, new events order after the server's time.
#[test]
fn scenario_11_wrong_and_jumping_desktop_clock() {
    let district = District::start(Backend::Sqlite).expect("sqlite");
    let dir = TempDir::new("wrong-clock");
    // 400 days ago at 20:30 UTC: already the next day (03:30) in Vietnam.
    let late = chrono::Utc::now() - chrono::Duration::days(400);
    let evening = late
        .date_naive()
        .and_hms_opt(20, 30, 0)
        .expect("time")
        .and_utc();
    let shift = Arc::new(std::sync::Mutex::new(evening - chrono::Utc::now()));
    let clock = WrongClock {
        shift: shift.clone(),
        zone: chrono::FixedOffset::east_opt(0).expect("UTC"),
    };
    let mut counter = set_up_counter(&dir.0, "AA", Box::new(clock));
    let device_id = enrol(&district, &mut counter);
    let first = intake(&mut counter, 0);
    counter
        .transition(&first, Action::StartProcessing, None, None)
        .expect("start");
    // NTP (or a clerk) sets the clock back two hours.
    *shift.lock().expect("shift") -= chrono::Duration::hours(2);
    let second = intake(&mut counter, 1);
    counter
        .transition(&second, Action::StartProcessing, None, None)
        .expect("start");
    let due_before: Vec<_> = [&first, &second]
        .iter()
        .map(|code| counter.show(code).expect("dossier").dossier.due_at)
        .collect();
    assert!(due_before.iter().all(Option::is_some));

    let proxy = district.proxy(LinkProfile::transparent());
    let synced_at = chrono::Utc::now().timestamp_millis();
    let summary = counter
        .sync_with(Some(&format!("http://{}", proxy.addr())), &test_config())
        .expect("sync");
    assert!(summary.clock_is_off, "the skew is reported");
    let skew_days = summary.clock_skew_seconds.expect("skew") / 86_400.0;
    assert!((399.0..=401.0).contains(&skew_days), "{skew_days} days");
    assert_converged(&district, &counter, &device_id);

    let local = open_store(&dir.0);
    let events = local
        .events_after(local.identity().epoch, 0, usize::MAX)
        .expect("events");
    assert!(
        events.windows(2).all(|w| w[1].hlc > w[0].hlc),
        "HLCs grow with seq although the wall clock went back"
    );
    let served: Vec<i64> = district
        .query(
            "SELECT seq FROM events WHERE device_id = $1 ORDER BY hlc, device_id, seq",
            &[device_id.as_str().into()],
        )
        .iter()
        .map(|row| row[0].int())
        .collect();
    assert_eq!(
        served,
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        "the server orders the events as the counter recorded them"
    );
    for code in [&first, &second] {
        let shown = counter.show(code).expect("dossier");
        let vietnam_day = shown
            .dossier
            .received_at
            .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7"))
            .format("%y%m%d")
            .to_string();
        let official = shown.dossier.official_code.expect("official code");
        assert!(
            official.starts_with(&format!("{COMMUNE}-{vietnam_day}-")),
            "{official} carries the Vietnam day {vietnam_day}"
        );
    }
    let due_after: Vec<_> = [&first, &second]
        .iter()
        .map(|code| counter.show(code).expect("dossier").dossier.due_at)
        .collect();
    assert_eq!(due_before, due_after, "the sync changes no due date");

    // After the sync the counter's HLC has seen the server's time: a new event orders after it
    // even though the wall clock is still 400 days late.
    intake(&mut counter, 2);
    let last = local
        .events_after(local.identity().epoch, events.len() as i64, usize::MAX)
        .expect("events");
    assert!(
        last.iter().all(|e| e.hlc.physical_ms >= synced_at),
        "new events order after the server's time"
    );
}

/// §4.12 "Two desktops in one commune create dossiers and change the same dossier's status
/// concurrently → no id collision, deterministic merge, both histories kept." Two counters of
/// one commune (prefixes AA and AB) take dossiers in offline and sync at the same time through
/// one slow link: their local codes never collide, the server gives each dossier its own
/// official code from one gap-free daily sequence, each counter's history is on the server
/// exactly once, and both counters' copies of their official-codes channels converge to
/// the server's. A dossier's status is changed only by the counter that holds it (the other
/// has no copy to change), so concurrent changes of one dossier cannot arise.
#[test]
fn scenario_12_two_desktops_of_one_commune_sync_at_once() {
    let district = District::start(Backend::Sqlite).expect("sqlite");
    let (dir_a, dir_b) = (TempDir::new("desk-a"), TempDir::new("desk-b"));
    let mut a = set_up_counter(&dir_a.0, "AA", Box::new(SystemClock));
    let mut b = set_up_counter(&dir_b.0, "AB", Box::new(SystemClock));
    let device_a = enrol(&district, &mut a);
    let device_b = enrol(&district, &mut b);
    take_in(&mut a, 0, 8);
    take_in(&mut b, 0, 8);
    let proxy = district.proxy(LinkProfile {
        bytes_per_sec: Some(100_000),
        one_way_delay: Duration::from_millis(5),
        handshake_round_trip: true,
    });
    let via_proxy = format!("http://{}", proxy.addr());
    std::thread::scope(|scope| {
        for counter in [&mut a, &mut b] {
            let url = via_proxy.clone();
            scope.spawn(move || counter.sync_with(Some(&url), &test_config()).expect("sync"));
        }
    });
    // A second round: one more request each, which must find nothing left to fetch.
    for counter in [&mut a, &mut b] {
        counter
            .sync_with(Some(&via_proxy), &test_config())
            .expect("sync");
    }
    assert_converged(&district, &a, &device_a);
    assert_converged(&district, &b, &device_b);

    let codes = |counter: &Counter| -> Vec<String> {
        let local = open_store(counter.data_dir());
        local
            .events_after(local.identity().epoch, 0, usize::MAX)
            .expect("events")
            .into_iter()
            .filter(|e| e.kind == "dossier_taken_in")
            .filter_map(|e| e.dossier_code)
            .collect()
    };
    let (codes_a, codes_b) = (codes(&a), codes(&b));
    assert_eq!((codes_a.len(), codes_b.len()), (8, 8));
    assert!(
        codes_a.iter().all(|c| !codes_b.contains(c)),
        "no local code shared"
    );
    let official = district.query(
        "SELECT official_code FROM official_codes WHERE commune = $1 ORDER BY official_code",
        &[COMMUNE.into()],
    );
    let sequences: Vec<i64> = official
        .iter()
        .map(|row| {
            row[0]
                .text()
                .rsplit('-')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("sequence")
        })
        .collect();
    assert_eq!(
        sequences,
        (1..=16).collect::<Vec<_>>(),
        "one gap-free daily sequence"
    );
}

/// §4.17 "Disk full on the desktop during domain+outbox write, and during downstream apply →
/// atomic failure, nothing half-applied, recovers after space is freed." The counter's store
/// (the app's `StoreOutbox` on its own connection, as the desktop's background sync runs it) may
/// not grow while a sync brings down a 24 kB letter: the run stops with a store error, the
/// channel's items and cursor stay as they were, no official code is written, and the local
/// ack is never above the server's hwm; once space is back, the next run converges. (Disk full
/// during the domain+outbox write itself: `crates/store/tests/store/bad_conditions.rs`,
/// `disk_full_during_intake_writes_nothing_and_recovers`.)
#[test]
fn scenario_17_desktop_disk_full_during_sync_applies_nothing_then_recovers() {
    use sync_client::Outbox;
    let district = District::start(Backend::Sqlite).expect("sqlite");
    let letter = format!(
        "{{\"text\":\"{}\"}}",
        "Xin lỗi vì đã trễ hẹn. ".repeat(1000)
    );
    motcua_server::sync::publish(
        &district.db,
        sync_client::Channel::Letters,
        &[("apology.json".into(), letter)],
    )
    .expect("publish");
    let dir = TempDir::new("disk-full");
    let mut counter = set_up_counter(&dir.0, "AA", Box::new(SystemClock));
    let device_id = enrol(&district, &mut counter);
    take_in(&mut counter, 0, 5);
    let credential = app::sync::load_credential(&dir.0)
        .expect("credential")
        .expect("enrolled");
    let mut transport =
        sync_client::HttpTransport::new(&credential, Duration::from_secs(10)).expect("client");

    let mut store = open_store(&dir.0);
    let epoch = store.identity().epoch;
    store.set_max_page_count(1).expect("no room to grow");
    {
        let outbox =
            app::sync::StoreOutbox::new(&mut store, &device_id, Box::new(|| SystemClock.now()));
        let error =
            sync_client::sync_until_idle(&outbox, &mut transport, &test_config(), &mut |_| {})
                .expect_err("the disk is full");
        assert_eq!(error.code(), "store", "{error}");
        assert_eq!(
            outbox
                .cursor(sync_client::Channel::Letters)
                .expect("cursor"),
            None,
            "the cursor did not move"
        );
    }
    assert!(store.reference_items("letters").expect("items").is_empty());
    assert!(
        store.acked_hwm(epoch).expect("ack") <= district.hwm(&device_id, epoch),
        "no ack ahead of the server"
    );
    let first = intake(&mut counter, 9);
    assert_eq!(
        counter.show(&first).expect("dossier").dossier.official_code,
        None
    );

    store.set_max_page_count(1 << 30).expect("space freed");
    let outbox =
        app::sync::StoreOutbox::new(&mut store, &device_id, Box::new(|| SystemClock.now()));
    sync_client::sync_until_idle(&outbox, &mut transport, &test_config(), &mut |_| {})
        .expect("sync after space is freed");
    drop(outbox);
    assert_eq!(store.reference_items("letters").expect("items").len(), 1);
    assert_converged(&district, &counter, &device_id);
}
