//! The sync benchmark (sync.md §2 targets): real server, real counters, the fault proxy set to
//! 64 kbit/s each way, 300 ms one way and one round trip per new connection.
//!
//! Run: `cargo run --release -p motcua-server --bin sync-bench`. With
//! `MOTCUA_TEST_POSTGRES_URL` set, the ingest figure is also measured on PostgreSQL.
//! Bytes are counted by the proxy (everything on the wire: HTTP headers included).

use std::sync::Arc;
use std::time::{Duration, Instant};

use fault_proxy::{FaultProxy, LinkProfile};
use motcua_server::http::{serve, AppState};
use motcua_server::storage::Database;
use motcua_server::{devices, now_ms};
use sync_client::memory::MemoryOutbox;
use sync_client::{
    sync_until_idle, DeviceCredential, HttpTransport, SyncConfig, Transport, TransportError,
};
use sync_protocol::synthetic::{SplitMix64, SyntheticCounter};

const COMMUNE: &str = "H15.50.05.13";

struct Bench {
    rt: tokio::runtime::Runtime,
    db: Arc<Database>,
    addr: std::net::SocketAddr,
}

impl Bench {
    fn start(url: &str) -> anyhow::Result<Bench> {
        let rt = tokio::runtime::Runtime::new()?;
        let db = Arc::new(Database::open(url)?);
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        rt.spawn(serve(
            listener,
            AppState::new(db.clone()),
            std::future::pending(),
        ));
        Ok(Bench { rt, db, addr })
    }

    fn enrol(&self) -> anyhow::Result<DeviceCredential> {
        let code = devices::create_enrol_code(&self.db, COMMUNE, now_ms())?;
        Ok(sync_client::enroll(
            &format!("http://{}", self.addr),
            &sync_client::EnrollRequest::new(&code, "bench"),
        )?)
    }
}

fn transport_via(
    credential: &DeviceCredential,
    addr: std::net::SocketAddr,
) -> anyhow::Result<HttpTransport> {
    let mut credential = credential.clone();
    credential.server_url = format!("http://{addr}");
    Ok(HttpTransport::new(&credential, Duration::from_secs(30))?)
}

/// Counts the request bodies of failed exchanges: what a drop wasted and must send again.
struct Wasted<T> {
    inner: T,
    failed: u64,
    bytes: u64,
    largest: usize,
    largest_sent: usize,
}

impl<T: Transport> Transport for Wasted<T> {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let size = body.len();
        self.largest_sent = self.largest_sent.max(size);
        let result = self.inner.round_trip(body);
        if result.is_err() {
            self.failed += 1;
            self.bytes += size as u64;
            self.largest = self.largest.max(size);
        }
        result
    }
}

fn run(
    label: &str,
    proxy: &FaultProxy,
    outbox: &MemoryOutbox,
    transport: &mut dyn Transport,
    dossiers: usize,
) -> anyhow::Result<()> {
    let before = proxy.stats();
    let started = Instant::now();
    let summary = sync_until_idle(outbox, transport, &SyncConfig::default(), &mut |_| {})?;
    let seconds = started.elapsed().as_secs_f64();
    let after = proxy.stats();
    let up = after.bytes_up - before.bytes_up;
    let down = after.bytes_down - before.bytes_down;
    println!(
        "{label}: {seconds:.2} s, {} requests, {} failed, {} new connections, up {up} B{}, down {down} B, events {}",
        summary.requests,
        summary.failures,
        after.connections - before.connections,
        if dossiers > 0 { format!(" ({} B/dossier)", up / dossiers as u64) } else { String::new() },
        summary.events_sent
    );
    Ok(())
}

fn ingest(url: &str, label: &str) -> anyhow::Result<()> {
    let bench = Bench::start(url)?;
    let devices: Vec<DeviceCredential> =
        (0..300).map(|_| bench.enrol()).collect::<Result<_, _>>()?;
    let outboxes: Vec<Arc<MemoryOutbox>> = devices
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let outbox = MemoryOutbox::new(&d.device_id, 1);
            outbox.append(SyntheticCounter::new(1000 + i as u64, COMMUNE).wire_events(20, 1));
            Arc::new(outbox)
        })
        .collect();
    let total: usize = outboxes.iter().map(|o| o.snapshot().events[&1].len()).sum();
    let barrier = Arc::new(std::sync::Barrier::new(devices.len()));
    let started = Instant::now();
    let handles: Vec<_> = devices
        .into_iter()
        .zip(outboxes)
        .map(|(credential, outbox)| {
            let addr = bench.addr;
            let barrier = barrier.clone();
            std::thread::spawn(move || -> anyhow::Result<()> {
                let mut transport = transport_via(&credential, addr)?;
                barrier.wait();
                sync_until_idle(
                    outbox.as_ref(),
                    &mut transport,
                    &SyncConfig::default(),
                    &mut |_| {},
                )?;
                Ok(())
            })
        })
        .collect();
    for handle in handles {
        handle
            .join()
            .map_err(|_| anyhow::anyhow!("thread panicked"))??;
    }
    let seconds = started.elapsed().as_secs_f64();
    let stored = bench
        .db
        .transaction(|tx| tx.query("SELECT COUNT(*) FROM events", &[]))?[0][0]
        .int();
    anyhow::ensure!(stored as usize == total, "stored {stored} of {total}");
    println!("ingest {label}: 300 devices x 20 dossiers, {total} events in {seconds:.2} s = {:.0} events/s", total as f64 / seconds);
    drop(bench.rt);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("motcua-sync-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let bench = Bench::start(&format!("sqlite://{}/bench.db", dir.display()))?;
    let proxy = bench
        .rt
        .block_on(FaultProxy::start(bench.addr, LinkProfile::rural_64k()))?;
    println!("link: 64 kbit/s each way, 300 ms one way, 1 RTT per new connection; bytes counted on the wire");

    let credential = bench.enrol()?;
    let outbox = MemoryOutbox::new(&credential.device_id, 1);
    let mut generator = SyntheticCounter::new(500, COMMUNE);
    outbox.append(generator.wire_events(1000, 1));
    let raw: usize = outbox.snapshot().events[&1]
        .values()
        .map(|e| e.payload.len())
        .sum();
    println!(
        "backlog: 1000 dossiers, {} events, {raw} B of JSON",
        outbox.snapshot().events[&1].len()
    );
    let mut transport = transport_via(&credential, proxy.addr())?;
    run(
        "1000-dossier backlog",
        &proxy,
        &outbox,
        &mut transport,
        1000,
    )?;
    outbox.append(generator.wire_events(10, 1));
    run("+10 dossiers", &proxy, &outbox, &mut transport, 10)?;
    run("nothing new", &proxy, &outbox, &mut transport, 0)?;

    // Link dropped every 15-45 s during an 8000-dossier backlog (long enough to see several
    // drops: 3000 dossiers went up before the first one once payloads went by column).
    let credential = bench.enrol()?;
    let outbox = MemoryOutbox::new(&credential.device_id, 1);
    outbox.append(SyntheticCounter::new(501, COMMUNE).wire_events(8000, 1));
    let proxy = Arc::new(proxy);
    let dropper = {
        let proxy = proxy.clone();
        bench.rt.spawn(async move {
            let mut rng = SplitMix64::new(15);
            loop {
                tokio::time::sleep(Duration::from_secs(15 + rng.below(31))).await;
                proxy.cut_all();
            }
        })
    };
    let cuts_before = proxy.stats().cuts;
    let mut transport = Wasted {
        inner: transport_via(&credential, proxy.addr())?,
        failed: 0,
        bytes: 0,
        largest: 0,
        largest_sent: 0,
    };
    run(
        "8000 dossiers, link dropped every 15-45 s",
        &proxy,
        &outbox,
        &mut transport,
        8000,
    )?;
    dropper.abort();
    println!(
        "  drops during that run: {}; failed requests: {}, their bodies {} B in all, largest {} B (resent per drop); largest request {} B",
        proxy.stats().cuts - cuts_before,
        transport.failed,
        transport.bytes,
        transport.largest,
        transport.largest_sent
    );

    ingest(&format!("sqlite://{}/ingest.db", dir.display()), "SQLite")?;
    if let Ok(url) = std::env::var("MOTCUA_TEST_POSTGRES_URL") {
        let name = format!("motcua_bench_{}", std::process::id());
        let mut admin = postgres::Client::connect(&url, postgres::NoTls)?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let cut = url.rfind('/').unwrap_or(url.len());
        ingest(&format!("{}/{name}", &url[..cut]), "PostgreSQL")?;
    } else {
        println!("ingest PostgreSQL: skipped (set MOTCUA_TEST_POSTGRES_URL)");
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
