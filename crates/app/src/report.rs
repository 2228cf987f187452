//! Period reports of the counter (báo cáo định kỳ, domain.md §7): the facts gathered from the
//! store, the indicators computed by [`domain::report`], and the exports officers send on
//! (XLSX, CSV, JSON).
//!
//! PDF is not produced here: the printing crate has no report or table document yet, and a
//! summary squeezed into one of the form documents would not be the report officers file.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use domain::report::{DossierFacts, DueChange, Indicators, Outcome, PeriodReport, TapFact};
use domain::satisfaction::SatisfactionLevel;
use serde::{Deserialize, Serialize};
use store::report_queries::ReportDossier;

pub use domain::report::{CutOff, PeriodKind, ReportPeriod, ON_TIME_TARGET_BASIS_POINTS};

use crate::{AppError, Counter, ErrorCode};

/// A clerk named in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClerkName {
    /// The clerk's id.
    pub id: String,
    /// Their full name (staff data: reports name the clerk, NĐ 118 art. 12.8, 34).
    pub full_name: String,
}

/// The report of a period as the counter exports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The commune's administrative code.
    pub commune_code: String,
    /// The commune's name.
    pub commune_name: String,
    /// The counter's name.
    pub counter_name: String,
    /// When the report was made.
    pub generated_at: DateTime<FixedOffset>,
    /// The on-time rate of the period in basis points (see
    /// [`Indicators::on_time_rate_basis_points`]); `None` when nothing was returned.
    pub on_time_rate_basis_points: Option<u32>,
    /// The target: above this many basis points.
    pub on_time_target_basis_points: u32,
    /// Whether the period's on-time rate is above the target.
    pub meets_on_time_target: Option<bool>,
    /// The satisfaction rate in basis points; `None` without evaluations.
    pub satisfaction_rate_basis_points: Option<u32>,
    /// The indicators: totals, by procedure, by clerk.
    #[serde(flatten)]
    pub indicators: PeriodReport,
    /// The clerks of the counter, to name the rows by clerk.
    pub clerks: Vec<ClerkName>,
}

impl Report {
    /// The full name of a clerk, or the id when the clerk is unknown here.
    pub fn clerk_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.clerks
            .iter()
            .find(|clerk| clerk.id == id)
            .map_or(id, |clerk| clerk.full_name.as_str())
    }
}

/// The formats a report is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// The indicators as JSON (serde).
    Json,
    /// One table, UTF-8 with a byte-order mark so Excel reads the Vietnamese correctly.
    Csv,
    /// A workbook: summary, by procedure, by clerk, satisfaction.
    Xlsx,
    /// Not available yet (see the module documentation).
    Pdf,
}

impl ReportFormat {
    /// Parses `json`, `csv`, `xlsx` or `pdf`.
    pub fn parse(text: &str) -> Result<ReportFormat, AppError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(ReportFormat::Json),
            "csv" => Ok(ReportFormat::Csv),
            "xlsx" => Ok(ReportFormat::Xlsx),
            "pdf" => Ok(ReportFormat::Pdf),
            _ => Err(AppError::invalid(
                "format",
                "report_format_unknown",
                format!("unknown report format {text:?}: json, csv, xlsx or pdf"),
            )),
        }
    }
}

/// A period of a kind, by the numbers a user types: `--period quarter --year 2026 --number 4
/// --cutoff-day 15`. `number` is the month (1–12) or the quarter (1–4), unused otherwise.
pub fn period(
    kind: PeriodKind,
    year: i32,
    number: Option<u32>,
    cutoff_day: u32,
) -> Result<ReportPeriod, AppError> {
    let cutoff = CutOff::day(cutoff_day).map_err(period_error("cutoff_day"))?;
    let number_of = |what: &'static str| {
        number.ok_or_else(|| {
            AppError::invalid("number", "required", format!("a {what} needs --number"))
        })
    };
    match kind {
        PeriodKind::Month => ReportPeriod::month(year, number_of("month")?, cutoff),
        PeriodKind::Quarter => ReportPeriod::quarter(year, number_of("quarter")?, cutoff),
        PeriodKind::HalfYear => ReportPeriod::half_year(year, cutoff),
        PeriodKind::NineMonths => ReportPeriod::nine_months(year, cutoff),
        PeriodKind::Year => ReportPeriod::year(year, cutoff),
        PeriodKind::Custom => {
            return Err(AppError::invalid(
                "period",
                "period_custom",
                "a custom period is given with --from and --to",
            ))
        }
    }
    .map_err(period_error("period"))
}

fn period_error(field: &'static str) -> impl Fn(domain::report::PeriodError) -> AppError {
    move |error| AppError::invalid(field, error.code(), error.to_string())
}

/// The domain's timeliness from the store's record.
fn timeliness(value: store::Timeliness) -> domain::due::Timeliness {
    match value {
        store::Timeliness::Early => domain::due::Timeliness::Early,
        store::Timeliness::OnTime => domain::due::Timeliness::OnTime,
        store::Timeliness::Late => domain::due::Timeliness::Late,
    }
}

/// The facts of a stored dossier: due dates over time and the dates of form 02, form 04 and
/// the final status, from its status changes.
pub fn facts_of(dossier: &ReportDossier) -> DossierFacts {
    let mut due_history = vec![DueChange {
        at: dossier.received_at,
        due_at: dossier
            .intake_due_at
            .or(if dossier.status_changes.is_empty() {
                dossier.due_at
            } else {
                None
            }),
    }];
    let mut outcome = None;
    let mut supplement_requested_at = None;
    let mut apology_issued_at = None;
    for change in &dossier.status_changes {
        due_history.push(DueChange {
            at: change.at,
            due_at: change.due_at,
        });
        match change.action.as_str() {
            "request_supplement" => {
                supplement_requested_at.get_or_insert(change.at);
            }
            "extend" => {
                apology_issued_at.get_or_insert(change.at);
            }
            _ => {}
        }
        if change.to.is_final() {
            outcome = Some(Outcome {
                status: change.to,
                at: change.at,
                timeliness: change.timeliness.map(timeliness),
            });
        }
    }
    DossierFacts {
        code: dossier.code.clone(),
        received_at: dossier.received_at,
        channel: dossier.channel,
        procedure_code: dossier.procedure_code.clone(),
        procedure_name: dossier.procedure_name.clone(),
        clerk_id: dossier.clerk_id.clone(),
        due_history,
        outcome,
        supplement_requested_at,
        apology_issued_at,
    }
}

impl Counter {
    /// The report of the days `from` to `to`, **both included** (like `print book`).
    pub fn report(&self, from: NaiveDate, to: NaiveDate) -> Result<Report, AppError> {
        let period = ReportPeriod::custom(from, to).map_err(period_error("to"))?;
        self.report_for(&period)
    }

    /// The report of a period (month, quarter, 6 or 9 months, year, or custom).
    pub fn report_for(&self, period: &ReportPeriod) -> Result<Report, AppError> {
        let now = self.now();
        let (start, end) = period.instants();
        let stored = self.store().report_dossiers(start, end)?;
        let dossiers: Vec<DossierFacts> = stored.iter().map(facts_of).collect();

        let by_code: HashMap<&str, &DossierFacts> =
            dossiers.iter().map(|d| (d.code.as_str(), d)).collect();
        let mut taps = Vec::new();
        for tap in self.store().taps_between(start, end)? {
            let Some(level) = domain::report::level_of_tap(tap.level, tap.scale) else {
                continue;
            };
            let dossier = match tap.dossier_code.as_deref() {
                None => None,
                Some(code) => match by_code.get(code) {
                    Some(facts) => Some((facts.clerk_id.clone(), facts.procedure_code.clone())),
                    None => match self.store().dossier(code) {
                        Ok(found) => Some((found.clerk_id, found.procedure_code)),
                        Err(store::StoreError::DossierNotFound { .. }) => None,
                        Err(other) => return Err(other.into()),
                    },
                },
            };
            taps.push(TapFact {
                tapped_at: tap.tapped_at,
                level,
                clerk_id: tap
                    .clerk_id
                    .or_else(|| dossier.as_ref().map(|(clerk, _)| clerk.clone())),
                procedure_code: dossier.map(|(_, procedure)| procedure),
            });
        }

        let indicators = domain::report::compute(period, now, &dossiers, &taps);
        let settings = self.settings()?;
        let totals = indicators.totals;
        Ok(Report {
            commune_code: settings.commune_code,
            commune_name: settings.commune_name,
            counter_name: settings.counter_name,
            generated_at: now,
            on_time_rate_basis_points: totals.on_time_rate_basis_points(),
            on_time_target_basis_points: ON_TIME_TARGET_BASIS_POINTS,
            meets_on_time_target: totals.meets_on_time_target(),
            satisfaction_rate_basis_points: totals.satisfaction_rate_basis_points(),
            indicators,
            clerks: self
                .clerks()?
                .into_iter()
                .map(|clerk| ClerkName {
                    id: clerk.id,
                    full_name: clerk.full_name,
                })
                .collect(),
        })
    }

    /// Makes the report of `period` and writes it to `out` in `format`.
    pub fn export_report(
        &self,
        period: &ReportPeriod,
        format: ReportFormat,
        out: &Path,
    ) -> Result<Report, AppError> {
        let report = self.report_for(period)?;
        write_report(&report, format, out)?;
        Ok(report)
    }
}

/// The bytes of the report in `format`.
pub fn render_report(report: &Report, format: ReportFormat) -> Result<Vec<u8>, AppError> {
    match format {
        ReportFormat::Json => serde_json::to_vec_pretty(report)
            .map_err(|e| AppError::new(ErrorCode::Internal, format!("report json: {e}"))),
        ReportFormat::Csv => Ok(to_csv(report).into_bytes()),
        ReportFormat::Xlsx => to_xlsx(report),
        ReportFormat::Pdf => Err(AppError::invalid(
            "format",
            "report_pdf_unavailable",
            "PDF reports need a report document in the printing crate; use xlsx, csv or json",
        )),
    }
}

/// Writes the report to `out` in `format`.
pub fn write_report(report: &Report, format: ReportFormat, out: &Path) -> Result<(), AppError> {
    let bytes = render_report(report, format)?;
    std::fs::write(out, bytes).map_err(|error| {
        let code = match error.kind() {
            std::io::ErrorKind::NotFound => ErrorCode::NotFound,
            std::io::ErrorKind::PermissionDenied => ErrorCode::ReadOnly,
            _ => ErrorCode::Internal,
        };
        AppError::new(code, format!("cannot write {}: {error}", out.display()))
    })
}

/// A value of an indicator, as a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A count of dossiers or taps.
    Count(u64),
    /// A rate in basis points; `None` when there is nothing to rate.
    Rate(Option<u32>),
    /// Whether a target is met; `None` when there is nothing to judge.
    Met(Option<bool>),
}

/// Rows of a breakdown sheet: key, label, indicators.
type KeyedRows = Vec<(String, String, Indicators)>;

type Column = (&'static str, fn(&Indicators) -> Cell);

/// The indicators in the order of the report, with their Vietnamese labels (domain.md §7).
pub const COLUMNS: [Column; 26] = [
    ("Tiếp nhận trực tiếp", |i| {
        Cell::Count(i.received.counter)
    }),
    ("Tiếp nhận qua bưu chính", |i| {
        Cell::Count(i.received.post)
    }),
    ("Tiếp nhận trực tuyến", |i| {
        Cell::Count(i.received.online)
    }),
    ("Tổng tiếp nhận mới trong kỳ", |i| {
        Cell::Count(i.received.total())
    }),
    ("Từ kỳ trước chuyển sang", |i| {
        Cell::Count(i.carried_over)
    }),
    ("Tổng số hồ sơ phải giải quyết", |i| {
        Cell::Count(i.carried_over + i.received.total())
    }),
    ("Đã trả kết quả trước hạn", |i| {
        Cell::Count(i.resolved.early)
    }),
    ("Đã trả kết quả đúng hạn", |i| {
        Cell::Count(i.resolved.on_time)
    }),
    ("Đã trả kết quả quá hạn", |i| {
        Cell::Count(i.resolved.late)
    }),
    ("Tổng đã trả kết quả", |i| {
        Cell::Count(i.resolved.total())
    }),
    ("Từ chối giải quyết", |i| Cell::Count(i.refused)),
    ("Dừng giải quyết", |i| Cell::Count(i.stopped)),
    ("Đóng do không bổ sung trong 15 ngày", |i| {
        Cell::Count(i.closed)
    }),
    ("Đang giải quyết trong hạn", |i| {
        Cell::Count(i.pending.not_yet_due)
    }),
    ("Đang giải quyết quá hạn", |i| {
        Cell::Count(i.pending.overdue)
    }),
    ("Chờ công dân bổ sung", |i| {
        Cell::Count(i.pending.awaiting_supplement)
    }),
    ("Phiếu yêu cầu bổ sung (Mẫu 02)", |i| {
        Cell::Count(i.supplement_requests)
    }),
    ("Văn bản xin lỗi, gia hạn (Mẫu 04)", |i| {
        Cell::Count(i.apologies_issued)
    }),
    ("Trả quá hạn không có văn bản xin lỗi", |i| {
        Cell::Count(i.late_without_apology)
    }),
    ("Tỷ lệ giải quyết đúng hạn", |i| {
        Cell::Rate(i.on_time_rate_basis_points())
    }),
    ("Đạt chỉ tiêu trên 98%", |i| {
        Cell::Met(i.meets_on_time_target())
    }),
    ("Rất hài lòng", |i| {
        Cell::Count(i.satisfaction.very_satisfied)
    }),
    ("Hài lòng", |i| Cell::Count(i.satisfaction.satisfied)),
    ("Không hài lòng", |i| {
        Cell::Count(i.satisfaction.dissatisfied)
    }),
    ("Tổng lượt đánh giá", |i| {
        Cell::Count(i.satisfaction.total())
    }),
    ("Tỷ lệ hài lòng", |i| {
        Cell::Rate(i.satisfaction_rate_basis_points())
    }),
];

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_value(cell: Cell) -> String {
    match cell {
        Cell::Count(count) => count.to_string(),
        // A percentage with two decimals and a point, which every spreadsheet reads as a
        // number; the header says "(%)".
        Cell::Rate(Some(bp)) => format!("{}.{:02}", bp / 100, bp % 100),
        Cell::Met(Some(true)) => "Đạt".to_string(),
        Cell::Met(Some(false)) => "Không đạt".to_string(),
        Cell::Rate(None) | Cell::Met(None) => String::new(),
    }
}

/// The report as one CSV table, UTF-8 with a byte-order mark: a row for the totals, one per
/// procedure and one per clerk; the first columns say which.
pub fn to_csv(report: &Report) -> String {
    let (first, last) = report.indicators.period.range();
    let (first, last) = (
        first.format("%d/%m/%Y").to_string(),
        last.format("%d/%m/%Y").to_string(),
    );
    let mut header = vec![
        "Từ ngày".to_string(),
        "Đến ngày".to_string(),
        "Phạm vi".to_string(),
        "Mã".to_string(),
        "Tên".to_string(),
    ];
    for (label, value) in COLUMNS {
        let is_rate = matches!(value(&Indicators::default()), Cell::Rate(_));
        header.push(if is_rate {
            format!("{label} (%)")
        } else {
            label.to_string()
        });
    }
    let mut rows = vec![header];
    let mut push_row = |scope: &str, code: &str, name: &str, indicators: &Indicators| {
        let mut fields = vec![
            first.clone(),
            last.clone(),
            scope.to_string(),
            code.to_string(),
            name.to_string(),
        ];
        fields.extend(
            COLUMNS
                .iter()
                .map(|(_, value)| csv_value(value(indicators))),
        );
        rows.push(fields);
    };
    let commune = format!("{} - {}", report.commune_name, report.counter_name);
    push_row(
        "Tổng cộng",
        &report.commune_code,
        &commune,
        &report.indicators.totals,
    );
    for row in &report.indicators.by_procedure {
        push_row(
            "Thủ tục",
            &row.procedure_code,
            &row.procedure_name,
            &row.indicators,
        );
    }
    for row in &report.indicators.by_clerk {
        push_row(
            "Cán bộ",
            &row.clerk_id,
            report.clerk_name(&row.clerk_id),
            &row.indicators,
        );
    }
    // The byte-order mark makes Excel read UTF-8 (it assumes the ANSI code page otherwise).
    let mut text = String::from("\u{FEFF}");
    for fields in rows {
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        text.push_str(&line.join(","));
        text.push_str("\r\n");
    }
    text
}

fn xlsx_error(error: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::new(ErrorCode::Internal, format!("report xlsx: {error}"))
}

/// The report as an XLSX workbook: "Tổng hợp" (commune, period, each indicator with its
/// value, the on-time rate against the 98 % target), "Theo thủ tục", "Theo cán bộ" and
/// "Hài lòng".
pub fn to_xlsx(report: &Report) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let percent = Format::new()
        .set_num_format("0.00%")
        .set_border(FormatBorder::Thin);

    let write_cell = |sheet: &mut Worksheet,
                      row: u32,
                      col: u16,
                      value: Cell|
     -> Result<(), rust_xlsxwriter::XlsxError> {
        match value {
            Cell::Count(count) => {
                sheet.write_number_with_format(row, col, count as f64, &cell)?;
            }
            Cell::Rate(Some(bp)) => {
                sheet.write_number_with_format(row, col, f64::from(bp) / 10_000.0, &percent)?;
            }
            Cell::Met(Some(met)) => {
                sheet.write_string_with_format(
                    row,
                    col,
                    if met { "Đạt" } else { "Không đạt" },
                    &cell,
                )?;
            }
            Cell::Rate(None) | Cell::Met(None) => {
                sheet.write_string_with_format(row, col, "", &cell)?;
            }
        }
        Ok(())
    };

    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut workbook = Workbook::new();
        let period = &report.indicators.period;
        let totals = &report.indicators.totals;

        // Summary.
        let sheet = workbook.add_worksheet();
        sheet.set_name("Tổng hợp")?;
        sheet.set_column_width(0, 48)?;
        sheet.set_column_width(1, 18)?;
        sheet.write_string_with_format(
            0,
            0,
            "BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
            &title,
        )?;
        let info = [
            ("Xã", report.commune_name.clone()),
            ("Mã xã", report.commune_code.clone()),
            ("Bộ phận Một cửa", report.counter_name.clone()),
            ("Kỳ báo cáo", period.kind().label_vi().to_string()),
            ("Thời gian", period.label_vi()),
            (
                "Số liệu tính đến",
                report.indicators.as_of.format("%H:%M %d/%m/%Y").to_string(),
            ),
        ];
        for (index, (label, value)) in info.iter().enumerate() {
            let row = 2 + index as u32;
            sheet.write_string_with_format(row, 0, *label, &bold)?;
            sheet.write_string(row, 1, value)?;
        }
        let table = 2 + info.len() as u32 + 1;
        sheet.write_string_with_format(table, 0, "Chỉ tiêu", &header)?;
        sheet.write_string_with_format(table, 1, "Giá trị", &header)?;
        for (index, (label, value)) in COLUMNS.iter().enumerate() {
            let row = table + 1 + index as u32;
            sheet.write_string_with_format(row, 0, *label, &cell)?;
            write_cell(sheet, row, 1, value(totals))?;
        }
        let after = table + 1 + COLUMNS.len() as u32 + 1;
        sheet.write_string_with_format(after, 0, "Chỉ tiêu tỷ lệ đúng hạn", &bold)?;
        sheet.write_number_with_format(
            after,
            1,
            f64::from(report.on_time_target_basis_points) / 10_000.0,
            &percent,
        )?;

        // By procedure and by clerk: one row each, the indicators across.
        let tables: [(&str, [&str; 2], KeyedRows); 2] = [
            (
                "Theo thủ tục",
                ["Mã thủ tục", "Tên thủ tục"],
                report
                    .indicators
                    .by_procedure
                    .iter()
                    .map(|r| {
                        (
                            r.procedure_code.clone(),
                            r.procedure_name.clone(),
                            r.indicators,
                        )
                    })
                    .collect(),
            ),
            (
                "Theo cán bộ",
                ["Mã cán bộ", "Họ và tên"],
                report
                    .indicators
                    .by_clerk
                    .iter()
                    .map(|r| {
                        (
                            r.clerk_id.clone(),
                            report.clerk_name(&r.clerk_id).to_string(),
                            r.indicators,
                        )
                    })
                    .collect(),
            ),
        ];
        for (name, keys, rows) in tables {
            let sheet = workbook.add_worksheet();
            sheet.set_name(name)?;
            sheet.set_column_width(0, 14)?;
            sheet.set_column_width(1, 40)?;
            sheet.write_string_with_format(0, 0, "STT", &header)?;
            sheet.write_string_with_format(0, 1, keys[0], &header)?;
            sheet.write_string_with_format(0, 2, keys[1], &header)?;
            for (index, (label, _)) in COLUMNS.iter().enumerate() {
                let col = 3 + index as u16;
                sheet.set_column_width(col, 14)?;
                sheet.write_string_with_format(0, col, *label, &header)?;
            }
            sheet.set_row_height(0, 60)?;
            for (index, (code, label, indicators)) in rows.iter().enumerate() {
                let row = 1 + index as u32;
                sheet.write_number_with_format(row, 0, (index + 1) as f64, &cell)?;
                sheet.write_string_with_format(row, 1, code, &cell)?;
                sheet.write_string_with_format(row, 2, label, &cell)?;
                for (col_index, (_, value)) in COLUMNS.iter().enumerate() {
                    write_cell(sheet, row, 3 + col_index as u16, value(indicators))?;
                }
            }
            let total_row = 1 + rows.len() as u32;
            sheet.write_string_with_format(total_row, 2, "Tổng cộng", &header)?;
            for (col_index, (_, value)) in COLUMNS.iter().enumerate() {
                write_cell(sheet, total_row, 3 + col_index as u16, value(totals))?;
            }
            sheet.set_freeze_panes(1, 3)?;
        }

        // Satisfaction: the three levels, their share, the rate; then by clerk.
        let sheet = workbook.add_worksheet();
        sheet.set_name("Hài lòng")?;
        sheet.set_column_width(0, 36)?;
        sheet.set_column_width(1, 14)?;
        sheet.set_column_width(2, 14)?;
        sheet.write_string_with_format(0, 0, "Mức độ hài lòng", &header)?;
        sheet.write_string_with_format(0, 1, "Số lượt", &header)?;
        sheet.write_string_with_format(0, 2, "Tỷ lệ", &header)?;
        let tally = totals.satisfaction;
        let total = tally.total();
        for (index, level) in SatisfactionLevel::ALL.iter().enumerate() {
            let row = 1 + index as u32;
            let count = match level {
                SatisfactionLevel::VerySatisfied => tally.very_satisfied,
                SatisfactionLevel::Satisfied => tally.satisfied,
                SatisfactionLevel::Dissatisfied => tally.dissatisfied,
            };
            sheet.write_string_with_format(row, 0, level.label_vi(), &cell)?;
            write_cell(sheet, row, 1, Cell::Count(count))?;
            let share = (total > 0).then(|| {
                u32::try_from(
                    (u128::from(count) * 20_000 + u128::from(total)) / (2 * u128::from(total)),
                )
                .unwrap_or(0)
            });
            write_cell(sheet, row, 2, Cell::Rate(share))?;
        }
        sheet.write_string_with_format(4, 0, "Tổng lượt đánh giá", &header)?;
        write_cell(sheet, 4, 1, Cell::Count(total))?;
        sheet.write_string_with_format(5, 0, "Tỷ lệ hài lòng", &header)?;
        write_cell(sheet, 5, 2, Cell::Rate(tally.rate_basis_points()))?;

        sheet.write_string_with_format(7, 0, "Cán bộ", &header)?;
        for (index, level) in SatisfactionLevel::ALL.iter().enumerate() {
            sheet.write_string_with_format(7, 1 + index as u16, level.label_vi(), &header)?;
        }
        sheet.write_string_with_format(7, 4, "Tỷ lệ hài lòng", &header)?;
        sheet.set_column_width(3, 14)?;
        sheet.set_column_width(4, 14)?;
        let rated = report
            .indicators
            .by_clerk
            .iter()
            .filter(|r| r.indicators.satisfaction.total() > 0);
        for (index, clerk) in rated.enumerate() {
            let row = 8 + index as u32;
            let tally = clerk.indicators.satisfaction;
            sheet.write_string_with_format(row, 0, report.clerk_name(&clerk.clerk_id), &cell)?;
            write_cell(sheet, row, 1, Cell::Count(tally.very_satisfied))?;
            write_cell(sheet, row, 2, Cell::Count(tally.satisfied))?;
            write_cell(sheet, row, 3, Cell::Count(tally.dissatisfied))?;
            write_cell(sheet, row, 4, Cell::Rate(tally.rate_basis_points()))?;
        }

        workbook.save_to_buffer()
    };
    build().map_err(xlsx_error)
}
