//! Writes every sample document to PDF files in a directory (default `target/print-samples`):
//! `cargo run -p motcua-printing --example print_samples -- <dir>`.

use std::path::PathBuf;

use printing::{samples, RenderOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/print-samples".to_owned()),
    );
    std::fs::create_dir_all(&dir)?;
    let created_at = samples::vn_time(2026, 2, 13, 14, 35);
    for (name, doc, paper) in samples::all_documents() {
        let opts = RenderOptions {
            paper,
            created_at,
            lookup_base_url: samples::LOOKUP_BASE_URL.to_owned(),
        };
        let bytes = printing::render(&doc, &opts)?;
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, &bytes)?;
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}
