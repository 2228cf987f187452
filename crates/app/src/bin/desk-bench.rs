//! The counter app's benchmark (issue: counter app): on a data folder holding 1,000,000
//! dossiers, how long from starting the app to an intake form with its data, and from the
//! clerk's Enter to a printable slip. Not part of `cargo test`.
//!
//! `cargo run --release -p motcua-app --bin desk-bench -- --dossiers 1000000 [--dir PATH
//! [--reuse]] [--starts N] [--saves N]`
//!
//! - **Start**: each sample is a new process (`desk-bench --start-once DIR`), timed by the
//!   parent from spawn to exit: process start, opening the encrypted database, and every read
//!   the clerk's window makes before the intake form is usable (set-up status, app info,
//!   settings, the whole procedure list, the sync status). The webview's own start is not in
//!   it (see BENCHMARKS.md).
//! - **Save to slip**: `Desk::intake` (durable commit) then `Desk::print_document(Slip)` (the
//!   PDF written and ready for the printer), the two calls behind Enter on the intake form,
//!   with the idle housekeeping the desktop runs between citizens.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use app::desk::{Desk, SetupInput};
use app::print::PrintKind;
use app::{AppError, IntakeInput};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("desk-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn app_error(error: AppError) -> Box<dyn std::error::Error> {
    format!("{:?}: {}", error.code, error.message).into()
}

/// What the clerk's window asks for before the intake form can be used.
fn start_once(dir: &Path) -> BenchResult<()> {
    let started = Instant::now();
    let mut steps = Vec::new();
    let mut step = |name: &'static str| steps.push((name, started.elapsed()));
    let desk = Desk::open(dir).map_err(app_error)?;
    step("open");
    let status = desk.setup_status().map_err(app_error)?;
    if !status.configured {
        return Err("the bench folder is not set up".into());
    }
    app::about(&app::SystemClock).map_err(app_error)?;
    desk.settings().map_err(app_error)?;
    step("status+settings");
    let procedures = desk.list_procedures("").map_err(app_error)?;
    if procedures.is_empty() {
        return Err("no procedures".into());
    }
    step("procedures");
    desk.sync_status().map_err(app_error)?;
    step("sync status");
    if std::env::var_os("BENCH_TRACE").is_some() {
        eprintln!("{steps:?}");
    }
    Ok(())
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

fn build(dir: &Path, dossiers: u64) -> BenchResult<Duration> {
    let started = Instant::now();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let mut desk = Desk::open(dir).map_err(app_error)?;
    desk.setup(SetupInput {
        commune_code: "H15.50.05.13".into(),
        commune_name: "Xã Thử Nghiệm".into(),
        counter_name: "Quầy 1".into(),
        clerks: vec!["Người Thử Một".into()],
        server_url: None,
        enroll_code: None,
    })
    .map_err(app_error)?;
    drop(desk);
    let key = std::fs::read_to_string(dir.join(app::counter::KEY_FILE))?;
    let key = store::StoreKey::from_hex(key.trim())?;
    let options = store::OpenOptions {
        integrity_check: store::IntegrityCheck::Skip,
        ..store::OpenOptions::default()
    };
    let now = chrono::Local::now().fixed_offset();
    let path = dir.join(app::counter::DATABASE_FILE);
    let mut store = store::Store::open(&path, &key, &options, now)?;
    let mut random = store::synthetic::Synthetic::new(0x005E_ED0F_D35C);
    store::synthetic::fill(&mut store, dossiers, now, &mut random, &mut |i| {
        eprintln!("  built {i} dossiers in {:?}", started.elapsed());
    })?;
    // As after a day's first idle minutes: the imported index merged, the WAL checkpointed.
    while store.maintain()? {}
    store.checkpoint()?;
    Ok(started.elapsed())
}

fn run() -> BenchResult<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--start-once") {
        let dir = args.get(2).ok_or("--start-once DIR")?;
        return start_once(Path::new(dir));
    }
    let mut dossiers: u64 = 100_000;
    let mut dir: Option<PathBuf> = None;
    let mut reuse = false;
    let mut starts = 20usize;
    let mut saves = 200usize;
    let mut arguments = args.iter().skip(1);
    while let Some(arg) = arguments.next() {
        let mut number = || -> BenchResult<u64> {
            Ok(arguments
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{arg} N"))?)
        };
        match arg.as_str() {
            "--dossiers" => dossiers = number()?,
            "--starts" => starts = number()? as usize,
            "--saves" => saves = number()? as usize,
            "--reuse" => reuse = true,
            "--dir" => dir = arguments.next().map(PathBuf::from),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if reuse && dir.is_none() {
        return Err("--reuse needs --dir".into());
    }
    let keep = reuse;
    let dir = dir
        .unwrap_or_else(|| std::env::temp_dir().join(format!("desk-bench-{}", std::process::id())));
    let reused = reuse && dir.join(app::counter::DATABASE_FILE).exists();
    let build_time = if reused {
        eprintln!("reusing {}", dir.display());
        Duration::ZERO
    } else {
        build(&dir, dossiers)?
    };

    let exe = std::env::current_exe()?;
    let mut start_samples = Vec::with_capacity(starts);
    for _ in 0..starts {
        let t = Instant::now();
        let status = Command::new(&exe).arg("--start-once").arg(&dir).status()?;
        start_samples.push(t.elapsed());
        if !status.success() {
            return Err("a start failed".into());
        }
    }

    let mut desk = Desk::open(&dir).map_err(app_error)?;
    let mut save_samples = Vec::with_capacity(saves);
    let mut slip_bytes = 0u64;
    let mut random = store::synthetic::Synthetic::new(0xD35C_5A7E ^ reused as u64);
    for _ in 0..saves {
        let name = format!(
            "{} {} {}",
            random.pick(store::synthetic::FAMILY),
            random.pick(store::synthetic::MIDDLE),
            random.pick(store::synthetic::GIVEN)
        );
        let input: IntakeInput = serde_json::from_value(serde_json::json!({
            "procedure": "1.001193",
            "citizen": {"name": name, "phone": format!("09{:08}", random.next_u64() % 100_000_000)},
            "channel": "counter",
            "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        }))?;
        let t = Instant::now();
        let saved = desk.intake(input).map_err(app_error)?;
        if std::env::var_os("BENCH_TRACE").is_some() {
            eprintln!("intake {:?}", t.elapsed());
        }
        let printed = desk
            .print_document(PrintKind::Slip, &saved.dossier.code, None)
            .map_err(app_error)?;
        save_samples.push(t.elapsed());
        slip_bytes = std::fs::metadata(&printed.path)?.len();
        // The clerk hands the slip over and greets the next citizen: the desktop's idle
        // housekeeping runs now (every 2 s after 3 quiet seconds), not inside the next save.
        while desk
            .housekeep_when_idle(Duration::ZERO)
            .map_err(app_error)?
        {}
    }
    drop(desk);

    let report = serde_json::json!({
        "dossiers_in_database": if reused { serde_json::Value::Null } else { dossiers.into() },
        "reused_database": reused,
        "build_seconds": build_time.as_secs_f64(),
        "start_samples": starts,
        "start_to_intake_form_p50_ms": percentile(&mut start_samples, 0.5),
        "start_to_intake_form_max_ms": percentile(&mut start_samples, 1.0),
        "save_samples": saves,
        "save_to_slip_p50_ms": percentile(&mut save_samples, 0.5),
        "save_to_slip_p99_ms": percentile(&mut save_samples, 0.99),
        "slip_pdf_bytes": slip_bytes,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
