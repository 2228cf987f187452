//! Benchmark, not a test (issue: counter app): the real desktop app, started on a data folder
//! holding 1,000,000 dossiers, until its intake form lists the procedures and can be used.
//! `make bench-desktop` builds the folder with `desk-bench` and runs this under Xvfb; the
//! result goes to BENCHMARKS.md.

use motcua_system_tests::repo_root;
use motcua_system_tests::webdriver::Driver;
use std::time::{Duration, Instant};

#[test]
#[ignore = "benchmark: run by `make bench-desktop`"]
fn start_to_an_interactive_intake_form_on_a_large_folder() {
    let dir = std::env::var("MOTCUA_BENCH_DATA_DIR")
        .expect("MOTCUA_BENCH_DATA_DIR: a counter folder built by desk-bench");
    let binary = repo_root().join("target/debug/motcua-desktop");
    let driver = Driver::start(&[
        ("MOTCUA_DATA_DIR", &dir),
        ("MOTCUA_PRINT_ROUTE", "save-only"),
    ]);
    let mut samples = Vec::new();
    for _ in 0..5 {
        // From asking WebKitWebDriver for a session (it starts the app) to the first procedure
        // of the intake form on screen: process start, database open, webview, bundle, IPC.
        let started = Instant::now();
        let session = driver.session(&binary);
        session.find(
            "[data-testid=intake-procedure-option]",
            Duration::from_secs(60),
        );
        samples.push(started.elapsed());
        session.quit();
    }
    samples.sort();
    let ms = |d: Duration| (d.as_secs_f64() * 1000.0).round();
    println!(
        "{}",
        serde_json::json!({
            "samples": samples.len(),
            "start_to_intake_form_min_ms": ms(samples[0]),
            "start_to_intake_form_median_ms": ms(samples[samples.len() / 2]),
            "start_to_intake_form_max_ms": ms(samples[samples.len() - 1]),
            "build": "debug (as `make run`)",
        })
    );
}
