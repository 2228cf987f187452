//! End to end through the `motcua` binary: a counter set up in a temporary folder, dossiers
//! taken in and moved with past dates (`received_at`, `--at`), then `motcua report` in JSON,
//! XLSX (read back with calamine), CSV, and PDF (refused). The expected figures are worked out
//! by hand from the script below (domain.md §7 indicators, NĐ 118 art. 19).

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Duration, FixedOffset};
use serde_json::Value;

const CLERK: &str = "Lê Thị Thử Nghiệm";

struct Counter {
    dir: tempfile::TempDir,
}

impl Counter {
    fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    fn run_raw(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_motcua"))
            .arg("--data-dir")
            .arg(self.data_dir().join("counter"))
            .args(args)
            .output()
            .expect("motcua runs")
    }

    fn run(&self, args: &[&str]) -> Value {
        let output = self.run_raw(args);
        assert!(
            output.status.success(),
            "motcua {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("JSON on stdout")
    }

    fn intake(
        &self,
        procedure: &str,
        channel: &str,
        received_at: &str,
    ) -> (String, DateTime<FixedOffset>) {
        let input = serde_json::json!({
            "procedure": procedure,
            "citizen": {"name": "Phạm Văn Giả Định"},
            "channel": channel,
            "documents": ["Tờ khai"],
            "received_at": received_at,
        });
        let file = self.data_dir().join(format!("intake-{received_at}.json"));
        std::fs::write(&file, input.to_string()).expect("write intake file");
        let view = self.run(&["intake", "--json", file.to_str().expect("utf-8 path")]);
        let code = view["code"].as_str().expect("code").to_string();
        let due = DateTime::parse_from_rfc3339(view["due_at"].as_str().expect("due_at"))
            .expect("due_at is RFC 3339");
        (code, due)
    }

    fn transition(&self, code: &str, action: &str, at: DateTime<FixedOffset>, extra: &[&str]) {
        let at = at.to_rfc3339();
        let mut args = vec!["transition", code, action, "--at", &at];
        args.extend_from_slice(extra);
        self.run(&args);
    }

    fn hand_over(&self, code: &str, at: DateTime<FixedOffset>) {
        self.transition(code, "start", at - Duration::minutes(30), &[]);
        self.transition(code, "result-ready", at - Duration::minutes(10), &[]);
        self.transition(code, "return", at, &[]);
    }

    fn output(&self, name: &str) -> PathBuf {
        self.data_dir().join(name)
    }
}

fn instant(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("test instant")
}

/// Sets up the March 2026 script: every kind of dossier the report counts once or twice.
fn march_counter() -> (Counter, String) {
    let counter = Counter {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    counter.run(&[
        "init",
        "--commune-code",
        "99999",
        "--commune-name",
        "Xã Thử Nghiệm",
        "--counter",
        "Bộ phận Một cửa",
        "--clerk",
        CLERK,
    ]);
    // 1.004746 (đăng ký lại khai sinh): 5 working days. 2.000806: 10 working days.
    let (early, due) = counter.intake("1.004746", "counter", "2026-03-02T09:00:00+07:00");
    counter.hand_over(&early, due - Duration::days(3));
    let (on_time, due) = counter.intake("1.004746", "post", "2026-03-03T09:00:00+07:00");
    counter.hand_over(&on_time, due - Duration::hours(1));
    let (late, due) = counter.intake("1.004746", "online", "2026-03-04T09:00:00+07:00");
    counter.hand_over(&late, due + Duration::days(2));
    let (refused, _) = counter.intake("1.004746", "counter", "2026-03-05T09:00:00+07:00");
    counter.transition(
        &refused,
        "refuse",
        instant("2026-03-06T10:00:00+07:00"),
        &["--reason", "Không thuộc thẩm quyền"],
    );
    let (waiting, _) = counter.intake("1.004746", "counter", "2026-03-05T10:00:00+07:00");
    counter.transition(
        &waiting,
        "supplement",
        instant("2026-03-06T11:00:00+07:00"),
        &["--reason", "Thiếu bản sao giấy tờ"],
    );
    // Received in February, never resolved: carried over, overdue at the end of March.
    let (_carried, due) = counter.intake("1.004746", "counter", "2026-02-20T09:00:00+07:00");
    assert!(due < instant("2026-03-31T00:00:00+07:00"), "due {due}");
    // Received at the end of March with 10 working days: not yet due on 31/3.
    let (_open, due) = counter.intake("2.000806", "online", "2026-03-30T09:00:00+07:00");
    assert!(due > instant("2026-04-01T00:00:00+07:00"), "due {due}");
    // Apology and new date (form 04), then returned before the new date.
    let (extended, due) = counter.intake("1.004746", "post", "2026-03-09T09:00:00+07:00");
    let new_due = (due + Duration::days(7)).to_rfc3339();
    counter.transition(
        &extended,
        "extend",
        instant("2026-03-10T10:00:00+07:00"),
        &["--reason", "Cần xác minh", "--new-due", &new_due],
    );
    counter.hand_over(&extended, due + Duration::days(2));
    let (stopped, _) = counter.intake("1.004746", "counter", "2026-03-09T10:00:00+07:00");
    counter.transition(
        &stopped,
        "stop",
        instant("2026-03-12T09:00:00+07:00"),
        &["--reason", "Công dân rút hồ sơ"],
    );
    // After the period: not counted.
    counter.intake("1.004746", "counter", "2026-04-02T09:00:00+07:00");
    (counter, early)
}

fn count(totals: &Value, path: &[&str]) -> u64 {
    let mut value = totals;
    for key in path {
        value = &value[key];
    }
    value
        .as_u64()
        .unwrap_or_else(|| panic!("{path:?} is not a count: {value}"))
}

/// The March 2026 figures, worked out from the script: 8 received (4 at the counter, 2 by
/// post, 2 online), 1 carried over, returned 2 early / 1 on time / 1 late (the late one
/// without an apology, NĐ 118 art. 19.6), 1 refused, 1 stopped, 1 waiting for completion,
/// 1 overdue, 1 not yet due; on-time rate 3/4 = 75 %, below the 98 % target.
#[test]
fn report_json_and_xlsx_give_the_figures_of_the_script() {
    let (counter, _) = march_counter();
    let json_path = counter.output("march.json");
    let json_file = json_path.to_str().expect("utf-8 path");
    counter.run(&[
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        "json",
        "-o",
        json_file,
    ]);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("report written"))
            .expect("report is JSON");
    let totals = &report["totals"];
    let expected = [
        (vec!["received", "counter"], 4),
        (vec!["received", "post"], 2),
        (vec!["received", "online"], 2),
        (vec!["carried_over"], 1),
        (vec!["resolved", "early"], 2),
        (vec!["resolved", "on_time"], 1),
        (vec!["resolved", "late"], 1),
        (vec!["refused"], 1),
        (vec!["stopped"], 1),
        (vec!["closed"], 0),
        (vec!["pending", "not_yet_due"], 1),
        (vec!["pending", "overdue"], 1),
        (vec!["pending", "awaiting_supplement"], 1),
        (vec!["supplement_requests"], 1),
        (vec!["apologies_issued"], 1),
        (vec!["late_without_apology"], 1),
    ];
    for (path, want) in &expected {
        assert_eq!(count(totals, path), *want, "{path:?}");
    }
    assert_eq!(report["on_time_rate_basis_points"], 7_500);
    assert_eq!(report["meets_on_time_target"], false);
    assert_eq!(report["commune_name"], "Xã Thử Nghiệm");
    let procedures = report["by_procedure"].as_array().expect("by procedure");
    assert_eq!(procedures.len(), 2);
    let ten_days = procedures
        .iter()
        .find(|row| row["procedure_code"] == "2.000806")
        .expect("the 10-day procedure has a row");
    assert_eq!(count(&ten_days["indicators"], &["received", "online"]), 1);
    assert_eq!(
        count(&ten_days["indicators"], &["pending", "not_yet_due"]),
        1
    );
    let clerks = report["by_clerk"].as_array().expect("by clerk");
    assert_eq!(clerks.len(), 1);
    assert_eq!(
        clerks[0]["indicators"], *totals,
        "one clerk received everything"
    );

    // The same period as XLSX, read back.
    let xlsx_path = counter.output("march.xlsx");
    counter.run(&[
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        "xlsx",
        "-o",
        xlsx_path.to_str().expect("utf-8 path"),
    ]);
    let mut workbook: Xlsx<_> = open_workbook(&xlsx_path).expect("xlsx opens");
    assert_eq!(
        workbook.sheet_names(),
        vec!["Tổng hợp", "Theo thủ tục", "Theo cán bộ", "Hài lòng"]
    );
    let summary = workbook.worksheet_range("Tổng hợp").expect("summary sheet");
    let value_of = |label: &str| -> Data {
        summary
            .rows()
            .find(|row| row.first() == Some(&Data::String(label.to_string())))
            .and_then(|row| row.get(1).cloned())
            .unwrap_or_else(|| panic!("no row {label:?} in the summary"))
    };
    assert_eq!(value_of("Xã"), Data::String("Xã Thử Nghiệm".into()));
    assert_eq!(
        value_of("Thời gian"),
        Data::String("từ ngày 01/03/2026 đến ngày 31/03/2026".into())
    );
    assert_eq!(value_of("Tiếp nhận trực tiếp"), Data::Float(4.0));
    assert_eq!(value_of("Từ kỳ trước chuyển sang"), Data::Float(1.0));
    assert_eq!(value_of("Đã trả kết quả trước hạn"), Data::Float(2.0));
    assert_eq!(value_of("Đã trả kết quả quá hạn"), Data::Float(1.0));
    assert_eq!(value_of("Đang giải quyết quá hạn"), Data::Float(1.0));
    assert_eq!(value_of("Tỷ lệ giải quyết đúng hạn"), Data::Float(0.75));
    assert_eq!(
        value_of("Đạt chỉ tiêu trên 98%"),
        Data::String("Không đạt".into())
    );
    assert_eq!(value_of("Chỉ tiêu tỷ lệ đúng hạn"), Data::Float(0.98));

    let by_clerk = workbook
        .worksheet_range("Theo cán bộ")
        .expect("clerk sheet");
    let clerk_row = by_clerk
        .rows()
        .find(|row| row.get(2) == Some(&Data::String(CLERK.to_string())))
        .expect("the clerk's row, by full name");
    let header: Vec<Data> = by_clerk.rows().next().expect("header").to_vec();
    let column = |label: &str| {
        header
            .iter()
            .position(|cell| *cell == Data::String(label.to_string()))
            .unwrap_or_else(|| panic!("no column {label:?}"))
    };
    assert_eq!(
        clerk_row[column("Tổng tiếp nhận mới trong kỳ")],
        Data::Float(8.0)
    );
    assert_eq!(clerk_row[column("Dừng giải quyết")], Data::Float(1.0));
}

/// A month cut on the 15th (domain.md §7) with the taps of today; CSV starts with the UTF-8
/// byte-order mark; the PDF prints the same figures as the JSON.
#[test]
fn report_by_period_counts_taps_and_exports_csv_with_bom() {
    let (counter, early) = march_counter();
    counter.run(&["tap", "--level", "satisfied", "--dossier", &early]);
    counter.run(&["tap", "--level", "dissatisfied"]);
    counter.run(&["tap", "--level", "very-satisfied"]);
    // The month that holds today under a 15th cut-off.
    let vietnam = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    let today = chrono::Utc::now().with_timezone(&vietnam).date_naive();
    let (year, month) = if chrono::Datelike::day(&today) >= 15 {
        let next = today + chrono::Months::new(1);
        (
            chrono::Datelike::year(&next),
            chrono::Datelike::month(&next),
        )
    } else {
        (
            chrono::Datelike::year(&today),
            chrono::Datelike::month(&today),
        )
    };
    let json_path = counter.output("month.json");
    let summary = counter.run(&[
        "report",
        "--period",
        "month",
        "--year",
        &year.to_string(),
        "--number",
        &month.to_string(),
        "--cutoff-day",
        "15",
        "--format",
        "json",
        "-o",
        json_path.to_str().expect("utf-8 path"),
    ]);
    let totals = &summary["totals"];
    assert_eq!(count(totals, &["satisfaction", "very_satisfied"]), 1);
    assert_eq!(count(totals, &["satisfaction", "satisfied"]), 1);
    assert_eq!(count(totals, &["satisfaction", "dissatisfied"]), 1);
    // The three dossiers open at the end of March and the one received in April are open now.
    assert_eq!(count(totals, &["carried_over"]), 4);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("written")).expect("JSON");
    assert_eq!(report["satisfaction_rate_basis_points"], 6_667);
    // The tap about a dossier counts for the clerk who received it.
    let clerk = &report["by_clerk"][0]["indicators"]["satisfaction"];
    assert_eq!(clerk["satisfied"], 1);
    assert_eq!(clerk["dissatisfied"], 0);

    let csv_path = counter.output("march.csv");
    counter.run(&[
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        "csv",
        "-o",
        csv_path.to_str().expect("utf-8 path"),
    ]);
    let csv = std::fs::read(&csv_path).expect("csv written");
    assert!(
        csv.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 byte-order mark"
    );
    let text = String::from_utf8(csv).expect("UTF-8");
    let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').lines().collect();
    assert!(lines[0].starts_with("Từ ngày,Đến ngày,Phạm vi,Mã,Tên,Tiếp nhận trực tiếp"));
    assert!(lines[1].starts_with("01/03/2026,31/03/2026,Tổng cộng,99999,Xã Thử Nghiệm"));
    assert!(lines[1].contains(",75.00,Không đạt,"), "{}", lines[1]);
    assert_eq!(
        lines.len(),
        1 + 1 + 2 + 1,
        "header, totals, 2 procedures, 1 clerk"
    );

    // The same month as a PDF through the printing crate: each indicator's line carries the
    // value of the JSON report of the same range.
    let pdf_path = counter.output("march.pdf");
    let march = counter.run(&[
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        "pdf",
        "-o",
        pdf_path.to_str().expect("utf-8 path"),
    ]);
    let layout = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(layout.status.success(), "pdftotext reads the report");
    let text = String::from_utf8_lossy(&layout.stdout).into_owned();
    assert!(text.contains("BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"));
    assert!(text.contains("từ ngày 01/03/2026 đến ngày 31/03/2026"));
    let totals = &march["totals"];
    let expected = [
        (
            "Tổng tiếp nhận mới trong kỳ",
            count(totals, &["received", "counter"])
                + count(totals, &["received", "post"])
                + count(totals, &["received", "online"]),
        ),
        (
            "Đã trả kết quả trước hạn",
            count(totals, &["resolved", "early"]),
        ),
        (
            "Đã trả kết quả đúng hạn",
            count(totals, &["resolved", "on_time"]),
        ),
        (
            "Đã trả kết quả quá hạn",
            count(totals, &["resolved", "late"]),
        ),
        ("Dừng giải quyết", count(totals, &["stopped"])),
    ];
    for (label, value) in expected {
        let line = text
            .lines()
            .find(|line| line.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no line for {label}:\n{text}"));
        assert_eq!(
            line.split_whitespace().last(),
            Some(value.to_string().as_str()),
            "{label}: {line}"
        );
    }
    let rate = text
        .lines()
        .find(|line| line.trim_start().starts_with("Tỷ lệ giải quyết đúng hạn"))
        .expect("the on-time rate line");
    assert!(rate.trim_end().ends_with("75,00%"), "{rate}");
    assert!(text.contains("Không đạt"), "below the 98% target");
    assert!(text.contains("Theo thủ tục hành chính") && text.contains("Theo công chức tiếp nhận"));
}
