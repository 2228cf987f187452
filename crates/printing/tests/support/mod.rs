//! Shared checks for the PDF tests: render, then read the PDF back with the real tools
//! (qpdf, poppler's pdftotext/pdftoppm/pdfinfo, zbar's zbarimg).

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use printing::layout::{Item, LaidOutDocument};
use printing::{samples, Document, Paper, RenderOptions};

pub fn options(paper: Paper) -> RenderOptions {
    RenderOptions {
        paper,
        created_at: samples::vn_time(2026, 2, 13, 14, 35),
        lookup_base_url: samples::LOOKUP_BASE_URL.to_owned(),
    }
}

/// A PDF written to a scratch directory, with its extracted text.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub path: PathBuf,
    /// pdftotext output with every whitespace run collapsed to one space.
    pub text: String,
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("motcua-printing-{}-{}", std::process::id(), name));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn run(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} must be installed (poppler-utils, qpdf, zbar-tools): {e}")
        })
}

pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Renders, checks the file with `qpdf --check`, rasterises every page with `pdftoppm` and
/// extracts the text.
pub fn render_checked(name: &str, doc: &Document, paper: Paper) -> Rendered {
    let bytes = printing::render(doc, &options(paper)).expect("renders");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF header");
    let dir = scratch_dir(name);
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, &bytes).expect("write pdf");
    let p = path.to_str().expect("utf-8 path");

    let check = run("qpdf", &["--check", p]);
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && report.contains("No syntax or stream encoding errors"),
        "qpdf --check failed for {name}: {report}"
    );

    let prefix = dir.join("page");
    let ppm = run(
        "pdftoppm",
        &["-r", "40", "-png", p, prefix.to_str().expect("path")],
    );
    assert!(ppm.status.success(), "pdftoppm failed for {name}");
    let pngs = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter(|e| {
            e.as_ref()
                .map(|e| e.path().extension().is_some_and(|x| x == "png"))
                .unwrap_or(false)
        })
        .count();
    assert!(pngs >= 1, "pdftoppm produced no page image for {name}");

    let out = run("pdftotext", &["-enc", "UTF-8", p, "-"]);
    assert!(out.status.success(), "pdftotext failed for {name}");
    let text = collapse(&String::from_utf8(out.stdout).expect("utf-8 text"));
    Rendered { bytes, path, text }
}

impl Rendered {
    /// Asserts the extracted text holds `expected` exactly (diacritics included).
    pub fn assert_has(&self, expected: &str) {
        let expected = collapse(expected);
        assert!(
            self.text.contains(&expected),
            "extracted text lacks {expected:?}\n--- text ---\n{}",
            self.text
        );
    }

    /// `pdfinfo` output.
    pub fn info(&self) -> String {
        let out = run("pdfinfo", &["-isodates", self.path.to_str().expect("path")]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Decodes the QR codes of page `page` (1-based) with zbarimg at 300 dpi.
    pub fn qr_payloads(&self, page: usize) -> Vec<String> {
        let dir = self.path.parent().expect("dir");
        let prefix = dir.join(format!("qr{page}"));
        let p = self.path.to_str().expect("path");
        let page_s = page.to_string();
        let ppm = run(
            "pdftoppm",
            &[
                "-r",
                "300",
                "-f",
                &page_s,
                "-l",
                &page_s,
                "-singlefile",
                "-png",
                p,
                prefix.to_str().expect("path"),
            ],
        );
        assert!(ppm.status.success());
        let png = prefix.with_extension("png");
        let out = run("zbarimg", &["-q", "--raw", png.to_str().expect("path")]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Number of pages per `pdfinfo`.
    pub fn page_count(&self) -> usize {
        self.info()
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("pdfinfo prints Pages")
    }
}

/// Every text run, rule and QR symbol lies inside the page margins.
pub fn assert_inside_margins(doc: &LaidOutDocument) {
    const SLACK: f32 = 0.05;
    for (n, page) in doc.pages.iter().enumerate() {
        let m = page.margins;
        let (left, right) = (m.left - SLACK, page.width_mm - m.right + SLACK);
        let (top, bottom) = (m.top - SLACK, page.height_mm - m.bottom + SLACK);
        for item in &page.items {
            let (x1, y1, x2, y2) = match item {
                // The ascender of Liberation Serif is 0.891 em; 1 pt = 0.3528 mm.
                Item::Text(t) => (
                    t.x_mm,
                    t.baseline_mm - 0.891 * t.size_pt * 0.3528,
                    t.right_mm(),
                    t.baseline_mm,
                ),
                Item::Rule(r) => (
                    r.x1_mm.min(r.x2_mm),
                    r.y1_mm.min(r.y2_mm),
                    r.x1_mm.max(r.x2_mm),
                    r.y1_mm.max(r.y2_mm),
                ),
                Item::Qr(q) => (q.x_mm, q.y_mm, q.x_mm + q.side_mm(), q.y_mm + q.side_mm()),
            };
            assert!(
                x1 >= left && x2 <= right && y1 >= top && y2 <= bottom,
                "page {} item outside the margins ({x1:.2},{y1:.2})-({x2:.2},{y2:.2}) vs [{left:.2},{top:.2}]-[{right:.2},{bottom:.2}]: {item:?}",
                n + 1
            );
        }
    }
}

/// All the text of one page, runs joined by spaces.
pub fn page_text(doc: &LaidOutDocument, page: usize) -> String {
    doc.pages[page]
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Replaces dates and times in the layout's text with placeholders, so snapshots do not
/// depend on the fixture's clock values.
pub fn redact_dates(doc: &mut LaidOutDocument) {
    for page in &mut doc.pages {
        for item in &mut page.items {
            if let Item::Text(t) = item {
                t.text = redact(&t.text);
            }
        }
    }
}

fn redact(text: &str) -> String {
    // Layout keeps "14 giờ 30 phút" together with no-break spaces.
    let text = text.replace('\u{a0}', " ");
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    let is_num =
        |w: &str, n: usize| w.len() <= n && !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
    while i < words.len() {
        let w = words[i];
        // "14 giờ 30 phút" -> "[hh] giờ [mm] phút"
        if i + 3 < words.len()
            && is_num(w, 2)
            && words[i + 1] == "giờ"
            && is_num(words[i + 2], 2)
            && words[i + 3].starts_with("phút")
        {
            out.push("[hh] giờ [mm]".to_owned());
            out.push(words[i + 3].to_owned());
            i += 4;
            continue;
        }
        // "ngày 13 tháng 02 năm 2026" -> "ngày [d] tháng [m] năm [y]"
        if i + 4 < words.len() && is_num(w, 2) && words[i + 1] == "tháng" && words[i + 3] == "năm"
        {
            out.push("[d] tháng [m] năm [y]".to_owned());
            i += 5;
            continue;
        }
        // dd/mm/yyyy, possibly followed by punctuation
        let core: String = w.chars().take(10).collect();
        let parts: Vec<&str> = core.split('/').collect();
        if parts.len() == 3 && is_num(parts[0], 2) && is_num(parts[1], 2) && is_num(parts[2], 4) {
            out.push(format!("[dd/mm/yyyy]{}", &w[core.len()..]));
            i += 1;
            continue;
        }
        out.push(w.to_owned());
        i += 1;
    }
    out.join(" ")
}
