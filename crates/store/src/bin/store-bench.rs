//! The store's benchmark: builds a database of N dossiers with their events, then measures
//! durable intake latency, unaccented name search, the overdue list, open time and bytes per
//! dossier. Not part of `cargo test`.
//!
//! `cargo run --release -p motcua-store --bin store-bench -- --dossiers 1000000 [--dir PATH]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, TimeZone};
use domain::dossier::{Action, Channel, Citizen, DocumentForm, DossierStatus, ReceivedDocument};
use store::{
    IntegrityCheck, NewDossier, OpenOptions, StatusChange, Store, StoreError, StoreKey, Timeliness,
};

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Giàng", "Thào", "Vàng", "Sùng", "Lò", "Lường", "Quàng", "Triệu",
    "Bàn", "Nông", "Hà", "Mùa", "Lầu", "Cầm", "Thạch", "Sơn", "Đinh", "Quách", "Vi", "Lục",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "A", "Seo", "Đức", "Minh", "Tả", "Ngọc", "Hữu", "Thanh", "Xuân", "Quốc",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Páo", "Mỷ", "Mẩy", "Quẩy", "Dền", "Hùng", "Lan", "Hoa", "Dính", "Chử", "Sình",
    "Pẻng", "Nhung", "Tám", "Khoa", "Đào", "Thắng", "Ơn", "Ánh", "Dũng", "Hạnh", "Lả", "Chớ", "Dợ",
    "Khải", "Mai", "Nặm", "Ưởn", "Phúc", "Quang", "Sô Phia", "Tâm", "Vinh", "Yến",
];

struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

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

fn dossier(i: u64, random: &mut Random, received: DateTime<FixedOffset>) -> NewDossier {
    let name = format!(
        "{} {} {}",
        random.pick(FAMILY),
        random.pick(MIDDLE),
        random.pick(GIVEN)
    );
    NewDossier {
        code: format!("H15.50.05.13-{}-{:07}", received.format("%y%m%d"), i),
        procedure_code: format!("1.00{}", 1000 + random.below(60)),
        procedure_name: "Đăng ký khai sinh".into(),
        citizen: Citizen {
            name,
            id_number: Some(format!("0{:011}", random.next() % 100_000_000_000)),
            phone: Some(format!("09{:08}", random.next() % 100_000_000)),
            address: Some("Thôn Nà Làng, xã Minh Sơn, tỉnh Tuyên Quang".into()),
        },
        channel: Channel::Counter,
        documents: vec![
            ReceivedDocument {
                name: "Tờ khai".into(),
                form: DocumentForm::Original,
                count: 1,
            },
            ReceivedDocument {
                name: "Giấy chứng sinh".into(),
                form: DocumentForm::CertifiedCopy,
                count: 1,
            },
        ],
        received_at: received,
        due_at: Some(received + chrono::Duration::days(3)),
        clerk_id: format!("clerk-{}", random.below(4)),
    }
}

fn change(
    code: &str,
    action: Action,
    from: DossierStatus,
    to: DossierStatus,
    due: DateTime<FixedOffset>,
) -> StatusChange {
    StatusChange {
        code: code.to_string(),
        timeliness: matches!(action, Action::Return).then_some(Timeliness::OnTime),
        action,
        from,
        to,
        due_at: Some(due),
        clerk_id: "clerk-0".into(),
    }
}

fn run() -> Result<(), StoreError> {
    let args: Vec<String> = std::env::args().collect();
    let mut dossiers: u64 = 100_000;
    let mut dir: Option<PathBuf> = None;
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
            other => {
                return Err(StoreError::InvalidInput(format!(
                    "unknown argument {other}"
                )))
            }
        }
    }
    let temp = std::env::temp_dir().join(format!("store-bench-{}", std::process::id()));
    let dir = dir.unwrap_or(temp);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm", "-seq"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let key = StoreKey::generate()?;
    let now = hanoi(2026, 11, 23, 9)?;
    // Dossiers spread over the 5 years before `now`, in receipt order.
    let span_ms = 5 * 365 * 24 * 3600 * 1000i64;
    let step_ms = span_ms / dossiers.max(1) as i64;
    let start = now - chrono::Duration::milliseconds(span_ms);
    let mut random = Random(0x9E37_79B9_7F4A_7C15);

    let build_started = Instant::now();
    let mut store = Store::create(&path, &key, start)?;
    let batch = 20_000u64;
    let mut events = 0u64;
    let mut i = 0u64;
    while i < dossiers {
        let end = (i + batch).min(dossiers);
        let new: Vec<NewDossier> = (i..end)
            .map(|n| {
                dossier(
                    n,
                    &mut random,
                    start + chrono::Duration::milliseconds(step_ms * n as i64),
                )
            })
            .collect();
        let batch_time = new.last().map_or(start, |d| d.received_at);
        store.take_in_many(&new, batch_time)?;
        events += new.len() as u64;
        // Older than 10 days: processed and returned (3 more events). Younger: half started.
        let mut changes = Vec::new();
        for d in &new {
            let due = d.due_at.unwrap_or(now);
            if now - d.received_at > chrono::Duration::days(10) {
                changes.push(change(
                    &d.code,
                    Action::StartProcessing,
                    DossierStatus::Received,
                    DossierStatus::InProgress,
                    due,
                ));
                changes.push(change(
                    &d.code,
                    Action::ResultReady,
                    DossierStatus::InProgress,
                    DossierStatus::ResultReady,
                    due,
                ));
                changes.push(change(
                    &d.code,
                    Action::Return,
                    DossierStatus::ResultReady,
                    DossierStatus::Returned,
                    due,
                ));
            } else if random.below(2) == 0 {
                changes.push(change(
                    &d.code,
                    Action::StartProcessing,
                    DossierStatus::Received,
                    DossierStatus::InProgress,
                    due,
                ));
            }
        }
        events += changes.len() as u64;
        store.change_status_many(&changes, batch_time + chrono::Duration::days(3))?;
        i = end;
        if i.is_multiple_of(200_000) {
            eprintln!("  built {i} dossiers in {:?}", build_started.elapsed());
        }
    }
    let build_time = build_started.elapsed();
    drop(store);

    // Open and be ready: with the default quick_check, and without any check.
    let open_started = Instant::now();
    let store = Store::open(&path, &key, &OpenOptions::default(), now)?;
    let open_quick = open_started.elapsed();
    drop(store);
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
    let mut intake = Vec::new();
    for n in 0..300u64 {
        let d = dossier(dossiers + n, &mut random, now);
        let t = Instant::now();
        store.take_in(&d, now)?;
        intake.push(t.elapsed());
    }
    drop(store);
    let normal = OpenOptions {
        integrity_check: IntegrityCheck::Skip,
        durable_commits: false,
        ..OpenOptions::default()
    };
    let mut store = Store::open(&path, &key, &normal, now)?;
    let mut intake_normal = Vec::new();
    for n in 300..600u64 {
        let d = dossier(dossiers + n, &mut random, now);
        let t = Instant::now();
        store.take_in(&d, now)?;
        intake_normal.push(t.elapsed());
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
        let typed = format!("09{:04}", random.next() % 10_000);
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
        "events": events,
        "build_seconds": build_time.as_secs_f64(),
        "bytes_per_dossier": file_bytes as f64 / dossiers.max(1) as f64,
        "file_mb": file_bytes as f64 / 1e6,
        "open_ready_ms_quick_check": open_quick.as_secs_f64() * 1000.0,
        "open_ready_ms_no_check": open_skip.as_secs_f64() * 1000.0,
        "intake_full_p50_ms": percentile(&mut intake, 0.50),
        "intake_full_p99_ms": percentile(&mut intake, 0.99),
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
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
