//! The store's benchmark: builds a database of N dossiers with their events, then measures
//! durable intake latency, unaccented name search, the overdue list, open time and bytes per
//! dossier. Not part of `cargo test`.
//!
//! `cargo run --release -p motcua-store --bin store-bench -- --dossiers 1000000 [--dir PATH
//! [--reuse]] [--intakes N] [--no-quick-check]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, TimeZone};
use store::synthetic::{self, dossier, Synthetic, FAMILY, GIVEN, MIDDLE};
use store::{IntegrityCheck, OpenOptions, Store, StoreError, StoreKey};

fn hanoi(y: i32, m: u32, d: u32, h: u32) -> Result<DateTime<FixedOffset>, StoreError> {
    FixedOffset::east_opt(7 * 3600)
        .and_then(|tz| tz.with_ymd_and_hms(y, m, d, h, 0, 0).single())
        .ok_or_else(|| StoreError::InvalidInput("instant".into()))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("store-bench: {error} ({})", error.code());
            ExitCode::FAILURE
        }
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

fn build(
    path: &std::path::Path,
    key: &StoreKey,
    dossiers: u64,
    now: DateTime<FixedOffset>,
    random: &mut Synthetic,
) -> Result<(Duration, u64), StoreError> {
    let start = now - chrono::Duration::days(5 * 365);
    let build_started = Instant::now();
    let mut store = Store::create(path, key, start)?;
    let events = synthetic::fill(&mut store, dossiers, now, random, &mut |i| {
        eprintln!("  built {i} dossiers in {:?}", build_started.elapsed());
    })?;
    Ok((build_started.elapsed(), events))
}

fn run() -> Result<(), StoreError> {
    let args: Vec<String> = std::env::args().collect();
    let mut dossiers: u64 = 100_000;
    let mut dir: Option<PathBuf> = None;
    let mut reuse = false;
    let mut intakes: u64 = 1000;
    let mut quick_check = true;
    let mut arguments = args.iter().skip(1);
    while let Some(arg) = arguments.next() {
        match arg.as_str() {
            "--dossiers" => {
                dossiers = arguments
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| StoreError::InvalidInput("--dossiers N".into()))?;
            }
            "--dir" => dir = arguments.next().map(PathBuf::from),
            // Keep the built database in --dir and measure it again next time (the build takes
            // minutes at 1,000,000 dossiers); each run adds its intakes to it.
            "--reuse" => reuse = true,
            "--no-quick-check" => quick_check = false,
            "--intakes" => {
                intakes = arguments
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| StoreError::InvalidInput("--intakes N".into()))?;
            }
            other => {
                return Err(StoreError::InvalidInput(format!(
                    "unknown argument {other}"
                )))
            }
        }
    }
    if reuse && dir.is_none() {
        return Err(StoreError::InvalidInput("--reuse needs --dir".into()));
    }
    let temp = std::env::temp_dir().join(format!("store-bench-{}", std::process::id()));
    let keep = dir.is_some() && reuse;
    let dir = dir.unwrap_or(temp);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.db");
    let key_path = dir.join("bench.key");
    let now = hanoi(2026, 11, 23, 9)?;
    let mut random = Synthetic::new(0x9E37_79B9_7F4A_7C15);
    let reused = keep && path.exists() && key_path.exists();
    let (key, build_time, events) = if reused {
        eprintln!("reusing {}", path.display());
        let key = StoreKey::from_hex(std::fs::read_to_string(&key_path)?.trim())?;
        let store = Store::open(
            &path,
            &key,
            &OpenOptions {
                integrity_check: IntegrityCheck::Skip,
                ..OpenOptions::default()
            },
            now,
        )?;
        let events = store.outbox_stats()?.highest_seq as u64;
        // Fresh dossier numbers, after every earlier run's.
        random = Synthetic::new(0x9E37_79B9_7F4A_7C15 ^ events);
        (key, Duration::ZERO, events)
    } else {
        for suffix in ["", "-wal", "-shm", "-seq"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let key = StoreKey::generate()?;
        std::fs::write(&key_path, key.to_hex())?;
        let (build_time, events) = build(&path, &key, dossiers, now, &mut random)?;
        (key, build_time, events)
    };

    // Open and be ready: with the default quick_check (skipped on request: about a minute at
    // 1,000,000 dossiers), and without any check.
    let open_quick = if quick_check {
        let open_started = Instant::now();
        let store = Store::open(&path, &key, &OpenOptions::default(), now)?;
        let open_quick = open_started.elapsed();
        drop(store);
        Some(open_quick.as_secs_f64() * 1000.0)
    } else {
        None
    };
    let open_started = Instant::now();
    let skip = OpenOptions {
        integrity_check: IntegrityCheck::Skip,
        ..OpenOptions::default()
    };
    let mut store = Store::open(&path, &key, &skip, now)?;
    let open_skip = open_started.elapsed();

    let file_bytes = std::fs::metadata(&path)?.len()
        + std::fs::metadata(format!("{}-wal", path.display())).map_or(0, |m| m.len());

    // Durable intake (synchronous = FULL), one transaction per dossier, as at the counter.
    // Dossier numbers start after every event so far, so a reused database gets new codes.
    let first_number = events + 1;
    let mut intake = Vec::new();
    let mut maintenance = Vec::new();
    let wal_path = format!("{}-wal", path.display());
    let mut wal_sizes = Vec::new();
    for n in 0..intakes {
        let d = dossier(first_number + n, &mut random, now);
        let t = Instant::now();
        store.take_in(&d, now)?;
        intake.push(t.elapsed());
        // The clerk's pause before the next citizen: the app's idle housekeeping runs here.
        let t = Instant::now();
        while store.maintain()? {}
        maintenance.push(t.elapsed());
        if std::env::var_os("BENCH_TRACE").is_some() {
            wal_sizes.push(std::fs::metadata(&wal_path).map_or(0, |m| m.len() / 4096));
        }
    }
    if !wal_sizes.is_empty() {
        let mut order: Vec<usize> = (0..intake.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(intake[i]));
        for &i in order.iter().take(12) {
            eprintln!(
                "  #{i}: {:.1} ms, wal pages before {} after {}",
                intake[i].as_secs_f64() * 1e3,
                if i > 0 { wal_sizes[i - 1] } else { 0 },
                wal_sizes[i]
            );
        }
        eprintln!(
            "  wal growth per intake: {:.1} pages",
            (wal_sizes[wal_sizes.len() - 1] as f64 - wal_sizes[0] as f64) / wal_sizes.len() as f64
        );
    }
    let mut slowest: Vec<(usize, Duration)> = intake.iter().copied().enumerate().collect();
    slowest.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    eprintln!(
        "slowest durable intakes (index, ms): {:?}",
        slowest
            .iter()
            .take(8)
            .map(|(i, d)| (*i, (d.as_secs_f64() * 1e4).round() / 10.0))
            .collect::<Vec<_>>()
    );
    drop(store);
    let normal = OpenOptions {
        integrity_check: IntegrityCheck::Skip,
        durable_commits: false,
        ..OpenOptions::default()
    };
    let mut store = Store::open(&path, &key, &normal, now)?;
    let mut intake_normal = Vec::new();
    for n in intakes..2 * intakes {
        let d = dossier(first_number + n, &mut random, now);
        let t = Instant::now();
        store.take_in(&d, now)?;
        intake_normal.push(t.elapsed());
        while store.maintain()? {}
    }
    drop(store);
    let store = Store::open(&path, &key, &skip, now)?;

    // Unaccented name search as typed: full names and partial prefixes.
    let mut search = Vec::new();
    let mut hits = 0usize;
    for n in 0..300 {
        let full = format!(
            "{} {} {}",
            random.pick(FAMILY),
            random.pick(MIDDLE),
            random.pick(GIVEN)
        );
        let folded = store::fold::fold(&full);
        let typed = match n % 3 {
            0 => folded,
            1 => folded
                .chars()
                .take(folded.len().saturating_sub(2))
                .collect(),
            _ => folded
                .split(' ')
                .next()
                .unwrap_or("a")
                .chars()
                .take(3)
                .collect(),
        };
        let t = Instant::now();
        hits += store.search(&typed, 20)?.len();
        search.push(t.elapsed());
    }
    let mut number_search = Vec::new();
    for _ in 0..100 {
        let typed = format!("09{:04}", random.next_u64() % 10_000);
        let t = Instant::now();
        store.search(&typed, 20)?;
        number_search.push(t.elapsed());
    }

    let mut overdue = Vec::new();
    let mut overdue_count = 0;
    for _ in 0..50 {
        let t = Instant::now();
        overdue_count = store.overdue(now, 10_000)?.len();
        overdue.push(t.elapsed());
    }

    // The sync client's view: a 64 KB batch, then the stats with all but the last 600 acked.
    let epoch = store.identity().epoch;
    let t = Instant::now();
    let batch_events = store.pending_events(epoch, 0, 64 * 1024)?.len();
    let pending_batch_ms = t.elapsed().as_secs_f64() * 1000.0;
    drop(store);
    let mut store = Store::open(&path, &key, &skip, now)?;
    let highest = store.outbox_stats()?.highest_seq;
    store.mark_acked(epoch, highest - 600)?;
    let t = Instant::now();
    let waiting = store.outbox_stats()?.events_waiting;
    let stats_ms = t.elapsed().as_secs_f64() * 1000.0;

    let report = serde_json::json!({
        "pending_events_64kb_ms": pending_batch_ms,
        "pending_events_64kb_count": batch_events,
        "outbox_stats_ms": stats_ms,
        "outbox_waiting_after_ack": waiting,
        "dossiers": dossiers,
        "reused_database": reused,
        "intake_samples": intakes,
        "events": events,
        "build_seconds": build_time.as_secs_f64(),
        "bytes_per_dossier": file_bytes as f64 / dossiers.max(1) as f64,
        "file_mb": file_bytes as f64 / 1e6,
        "open_ready_ms_quick_check": open_quick,
        "open_ready_ms_no_check": open_skip.as_secs_f64() * 1000.0,
        "intake_full_p50_ms": percentile(&mut intake, 0.50),
        "intake_full_p99_ms": percentile(&mut intake, 0.99),
        "idle_maintenance_p50_ms": percentile(&mut maintenance, 0.50),
        "idle_maintenance_p99_ms": percentile(&mut maintenance, 0.99),
        "idle_maintenance_max_ms": percentile(&mut maintenance, 1.0),
        "intake_normal_p50_ms": percentile(&mut intake_normal, 0.50),
        "intake_normal_p99_ms": percentile(&mut intake_normal, 0.99),
        "name_search_p50_ms": percentile(&mut search, 0.50),
        "name_search_p95_ms": percentile(&mut search, 0.95),
        "name_search_avg_hits": hits as f64 / 300.0,
        "number_search_p95_ms": percentile(&mut number_search, 0.95),
        "overdue_p50_ms": percentile(&mut overdue, 0.50),
        "overdue_p95_ms": percentile(&mut overdue, 0.95),
        "overdue_rows": overdue_count,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    drop(store);
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
