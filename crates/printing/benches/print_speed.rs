//! Warm time and size of the slip (target ≤ 10 ms, ≤ 80 KB) and of a 500-row tracking book:
//! `cargo bench -p motcua-printing`. Plain `main`, no harness: prints median and worst times.

use std::time::{Duration, Instant};

use printing::{samples, Document, Paper, RenderOptions};

fn measure(name: &str, doc: &Document, paper: Paper, runs: usize) {
    let opts = RenderOptions {
        paper,
        created_at: samples::vn_time(2026, 2, 13, 14, 35),
        lookup_base_url: samples::LOOKUP_BASE_URL.to_owned(),
    };
    // Warm up: font parsing and other one-time work.
    let first = Instant::now();
    let bytes = printing::render(doc, &opts).expect("renders");
    let cold = first.elapsed();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let out = printing::render(doc, &opts).expect("renders");
            std::hint::black_box(out);
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    let mut layout_times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(printing::layout(doc, &opts).expect("lays out"));
            start.elapsed()
        })
        .collect();
    layout_times.sort();
    let layout_median = layout_times[layout_times.len() / 2];
    let pages = printing::layout(doc, &opts).expect("lays out").pages.len();
    println!(
        "{name:<28} cold {:>8.2} ms  warm median {:>8.2} ms  worst {:>8.2} ms  (layout alone {:>6.2} ms)  size {:>7.1} KB  pages {pages}",
        cold.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        layout_median.as_secs_f64() * 1e3,
        bytes.len() as f64 / 1024.0
    );
}

fn main() {
    measure("slip A4", &Document::Slip(samples::slip()), Paper::A4, 50);
    measure("slip A5", &Document::Slip(samples::slip()), Paper::A5, 50);
    measure(
        "slip 80 mm roll",
        &Document::Slip(samples::slip()),
        Paper::Receipt80,
        50,
    );
    measure(
        "tracking book, 500 rows",
        &Document::TrackingBook(samples::tracking_book(500)),
        Paper::A4,
        5,
    );
}
