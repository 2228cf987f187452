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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClerkName {
    /// The clerk's id.
    pub id: String,
    /// Their full name (staff data: reports name the clerk, NĐ 118 art. 12.8, 34).
    pub full_name: String,
}

/// The report of a period as the counter exports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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
        ReportFormat::Pdf => to_pdf(report),
    }
}

/// A rate for people: "98,36%" with the Vietnamese decimal comma; a dash when nothing is rated.
fn rate_text(basis_points: Option<u32>) -> String {
    basis_points.map_or_else(
        || "—".to_string(),
        |bp| format!("{},{:02}%", bp / 100, bp % 100),
    )
}

fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Count(count) => count.to_string(),
        Cell::Rate(rate) => rate_text(rate),
        Cell::Met(Some(true)) => "Đạt".to_string(),
        Cell::Met(Some(false)) => "Không đạt".to_string(),
        Cell::Met(None) => "—".to_string(),
    }
}

/// The columns of the breakdown tables: what a commune head reads per procedure or clerk.
const BREAKDOWN: [Column; 8] = [
    ("Tiếp nhận", |i| Cell::Count(i.received.total())),
    ("Kỳ trước chuyển sang", |i| {
        Cell::Count(i.carried_over)
    }),
    ("Trả trước hạn", |i| Cell::Count(i.resolved.early)),
    ("Trả đúng hạn", |i| Cell::Count(i.resolved.on_time)),
    ("Trả quá hạn", |i| Cell::Count(i.resolved.late)),
    ("Đang giải quyết quá hạn", |i| {
        Cell::Count(i.pending.overdue)
    }),
    ("Xin lỗi (Mẫu 04)", |i| Cell::Count(i.apologies_issued)),
    ("Tỷ lệ đúng hạn", |i| {
        Cell::Rate(i.on_time_rate_basis_points())
    }),
];

/// The report as a PDF through the printing crate: every indicator of the period, then the
/// tables by procedure and by clerk, on A4 landscape.
pub fn to_pdf(report: &Report) -> Result<Vec<u8>, AppError> {
    let commune = report
        .commune_name
        .trim()
        .trim_start_matches("Xã ")
        .trim_start_matches("xã ");
    let breakdown = |first: &str, rows: Vec<(String, &Indicators)>| printing::ReportTable {
        heading: String::new(),
        columns: std::iter::once(first.to_string())
            .chain(BREAKDOWN.iter().map(|(label, _)| label.to_string()))
            .collect(),
        rows: rows
            .into_iter()
            .map(|(name, indicators)| {
                std::iter::once(name)
                    .chain(
                        BREAKDOWN
                            .iter()
                            .map(|(_, value)| cell_text(value(indicators))),
                    )
                    .collect()
            })
            .collect(),
    };
    let by_procedure = printing::ReportTable {
        heading: "Theo thủ tục hành chính".to_string(),
        ..breakdown(
            "Thủ tục",
            report
                .indicators
                .by_procedure
                .iter()
                .map(|row| {
                    (
                        format!("{} ({})", row.procedure_name, row.procedure_code),
                        &row.indicators,
                    )
                })
                .collect(),
        )
    };
    let by_clerk = printing::ReportTable {
        heading: "Theo công chức tiếp nhận".to_string(),
        ..breakdown(
            "Công chức",
            report
                .indicators
                .by_clerk
                .iter()
                .map(|row| {
                    (
                        report.clerk_name(&row.clerk_id).to_string(),
                        &row.indicators,
                    )
                })
                .collect(),
        )
    };
    let input = printing::PeriodReportInput {
        body: printing::IssuingBody::one_stop_counter(commune),
        period: format!(
            "{} ({})",
            report.counter_name.trim(),
            report.indicators.period.label_vi()
        ),
        issued_at: report.generated_at,
        summary: COLUMNS
            .iter()
            .map(|(label, value)| {
                (
                    label.to_string(),
                    cell_text(value(&report.indicators.totals)),
                )
            })
            .collect(),
        tables: vec![by_procedure, by_clerk],
    };
    let options = printing::RenderOptions {
        paper: printing::Paper::A4,
        created_at: report.generated_at,
        lookup_base_url: crate::print::DEFAULT_LOOKUP_BASE.into(),
    };
    printing::render(&printing::Document::PeriodReport(input), &options)
        .map_err(|e| AppError::new(ErrorCode::PrintFailed, e.to_string()))
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

#[cfg(test)]
mod tests {
    //! A generated counter (deterministic seed, 240 dossiers through the real store and status
    //! machine) whose report is compared with a count kept by the script itself; the XLSX is
    //! read back with calamine.

    use super::*;
    use crate::counter::DocumentInput;
    use crate::{FixedClock, InitInput, IntakeInput};
    use chrono::{Duration, TimeZone};
    use domain::dossier::{Action, Channel, Citizen, DossierStatus};

    struct Seeded(u64);

    impl Seeded {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
        }
    }

    fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
        crate::clock::vietnam()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid instant")
    }

    /// What the script did to one dossier, as it saw it happen.
    struct Ledger {
        received_at: DateTime<FixedOffset>,
        channel: Channel,
        procedure: &'static str,
        clerk: String,
        /// (from when, due date in force), oldest first.
        dues: Vec<(DateTime<FixedOffset>, Option<DateTime<FixedOffset>>)>,
        outcome: Option<(DossierStatus, DateTime<FixedOffset>, Option<&'static str>)>,
        supplement_at: Option<DateTime<FixedOffset>>,
        apology_at: Option<DateTime<FixedOffset>>,
    }

    fn due_of(view: &crate::DossierView) -> Option<DateTime<FixedOffset>> {
        view.dossier.due_at
    }

    /// Early / on time / late spelled out again: after the due instant is late; on an earlier
    /// calendar day is early; otherwise on time (Phiếu kiểm soát).
    fn judge(at: DateTime<FixedOffset>, due: DateTime<FixedOffset>) -> &'static str {
        if at > due {
            "late"
        } else if at.date_naive() < due.date_naive() {
            "early"
        } else {
            "on_time"
        }
    }

    fn run_script(counter: &mut Counter, rng: &mut Seeded, count: usize) -> Vec<Ledger> {
        let procedures = ["1.004746", "LOCAL.HT.11", "2.000806"];
        let mut ledgers = Vec::new();
        for _ in 0..count {
            let received_at = vn(2025, 11, 3, 8, 0)
                + Duration::days(rng.below(200) as i64)
                + Duration::minutes(rng.below(480) as i64);
            let channel = [Channel::Counter, Channel::Post, Channel::Online][rng.below(3) as usize];
            let procedure = procedures[rng.below(3) as usize];
            let clerk = format!("clerk-{}", 1 + rng.below(3));
            let view = counter
                .intake(IntakeInput {
                    procedure: procedure.to_string(),
                    citizen: Citizen {
                        name: "Đỗ Thị Mẫu".to_string(),
                        id_number: None,
                        phone: None,
                        address: None,
                    },
                    channel,
                    documents: vec![DocumentInput::Name("Tờ khai".to_string())],
                    received_at: Some(received_at),
                    clerk_id: Some(clerk.clone()),
                })
                .expect("intake");
            let code = view.dossier.code.clone();
            let mut ledger = Ledger {
                received_at,
                channel,
                procedure,
                clerk,
                dues: vec![(received_at, due_of(&view))],
                outcome: None,
                supplement_at: None,
                apology_at: None,
            };
            let mut due = due_of(&view).expect("due at intake");
            let mut act = |action: Action, at: DateTime<FixedOffset>| {
                counter.transition(&code, action, Some(at), None)
            };
            let hand_over = |at: DateTime<FixedOffset>,
                             act: &mut dyn FnMut(
                Action,
                DateTime<FixedOffset>,
            )
                -> Result<crate::DossierView, AppError>,
                             ledger: &mut Ledger,
                             due: DateTime<FixedOffset>| {
                act(Action::StartProcessing, at - Duration::minutes(20)).expect("start");
                act(Action::ResultReady, at - Duration::minutes(10)).expect("result");
                act(Action::Return, at).expect("return");
                ledger.outcome = Some((DossierStatus::Returned, at, Some(judge(at, due))));
            };
            match rng.below(10) {
                0 => {
                    let at = received_at + Duration::hours(1);
                    act(Action::Refuse { reason: "x".into() }, at).expect("refuse");
                    ledger.outcome = Some((DossierStatus::Refused, at, None));
                }
                1 => {
                    let at = received_at + Duration::hours(2);
                    act(Action::Stop { reason: "x".into() }, at).expect("stop");
                    ledger.outcome = Some((DossierStatus::Stopped, at, None));
                }
                2 => {
                    let asked = received_at + Duration::hours(1);
                    act(Action::RequestSupplement { reason: "x".into() }, asked)
                        .expect("supplement");
                    ledger.supplement_at = Some(asked);
                    ledger.dues.push((asked, None));
                    if rng.below(2) == 0 {
                        let back = asked + Duration::days(3);
                        let view = act(Action::Resubmit, back).expect("resubmit");
                        due = due_of(&view).expect("due restarts");
                        ledger.dues.push((back, Some(due)));
                        let at = due - Duration::days(1);
                        hand_over(at, &mut act, &mut ledger, due);
                    }
                }
                3 => {
                    let issued = received_at + Duration::hours(1);
                    let new_due = due + Duration::days(7);
                    let extend = Action::Extend {
                        reason: "x".into(),
                        new_due_at: new_due,
                    };
                    // A new date on a holiday is refused (NĐ 118 art. 19.6): then no apology.
                    if act(extend, issued).is_ok() {
                        ledger.apology_at = Some(issued);
                        ledger.dues.push((issued, Some(new_due)));
                        due = new_due;
                    }
                    let at = due - Duration::days(1);
                    hand_over(at, &mut act, &mut ledger, due);
                }
                4..=8 => {
                    let at = match rng.below(4) {
                        0 => due - Duration::days(2),
                        1 => due - Duration::minutes(30),
                        2 => due + Duration::days(1),
                        _ => due + Duration::days(3),
                    };
                    hand_over(at, &mut act, &mut ledger, due);
                }
                _ => {}
            }
            ledgers.push(ledger);
        }
        ledgers
    }

    /// The script's own count of the indicators of `[start, end)`, judged at `end`.
    fn count(
        ledgers: &[&Ledger],
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
    ) -> Indicators {
        let mut out = Indicators::default();
        let inside = |at: DateTime<FixedOffset>| start <= at && at < end;
        for l in ledgers {
            if inside(l.received_at) {
                match l.channel {
                    Channel::Counter => out.received.counter += 1,
                    Channel::Post => out.received.post += 1,
                    Channel::Online => out.received.online += 1,
                }
            }
            let finished = l.outcome.map(|(_, at, _)| at);
            let open = |t| l.received_at < t && finished.is_none_or(|f| f >= t);
            if l.received_at < start && open(start) {
                out.carried_over += 1;
            }
            if let Some((status, at, timeliness)) = l.outcome {
                if inside(at) {
                    match (status, timeliness) {
                        (DossierStatus::Returned, Some("early")) => out.resolved.early += 1,
                        (DossierStatus::Returned, Some("on_time")) => out.resolved.on_time += 1,
                        (DossierStatus::Returned, _) => {
                            out.resolved.late += 1;
                            if l.apology_at.is_none() {
                                out.late_without_apology += 1;
                            }
                        }
                        (DossierStatus::Refused, _) => out.refused += 1,
                        _ => out.stopped += 1,
                    }
                }
            }
            if open(end) {
                let mut due = None;
                for (from, value) in &l.dues {
                    if *from <= end {
                        due = *value;
                    }
                }
                match due {
                    None => out.pending.awaiting_supplement += 1,
                    Some(due) if end > due => out.pending.overdue += 1,
                    Some(_) => out.pending.not_yet_due += 1,
                }
            }
            if l.supplement_at.is_some_and(inside) {
                out.supplement_requests += 1;
            }
            if l.apology_at.is_some_and(inside) {
                out.apologies_issued += 1;
            }
        }
        out
    }

    fn counter_in(dir: &Path) -> Counter {
        let input = InitInput {
            commune_code: "99999".into(),
            commune_name: "Xã Sinh Dữ Liệu".into(),
            counter_name: "Quầy 1".into(),
            counter_prefix: None,
            clerks: vec!["Cán Bộ Một".into(), "Cán Bộ Hai".into(), "Cán Bộ Ba".into()],
        };
        Counter::init(
            &dir.join("counter"),
            &input,
            Box::new(FixedClock(vn(2026, 8, 1, 9, 0))),
        )
        .expect("init")
    }

    /// The report of the counter equals the script's own count, for the totals and each clerk
    /// and procedure, for a quarter and a month cut on the 15th (domain.md §7); the XLSX
    /// summary and the by-clerk sheet hold the same numbers.
    #[test]
    fn report_of_240_generated_dossiers_matches_the_scripts_count() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut counter = counter_in(dir.path());
        let ledgers = run_script(&mut counter, &mut Seeded(0x00C0_FFEE), 240);
        let periods = [
            ReportPeriod::quarter(2026, 1, CutOff::FIFTEENTH).expect("period"),
            ReportPeriod::month(2026, 4, CutOff::FIFTEENTH).expect("period"),
        ];
        for period in periods {
            let (start, end) = period.instants();
            let report = counter.report_for(&period).expect("report");
            let all: Vec<&Ledger> = ledgers.iter().collect();
            let want = count(&all, start, end);
            assert_eq!(report.indicators.totals, want, "{period:?}");
            assert!(want.resolved.early > 0 && want.resolved.on_time > 0);
            assert!(want.resolved.late > 0 && want.carried_over > 0);
            assert!(want.pending.total() > 0 && want.refused + want.stopped > 0);
            for row in &report.indicators.by_clerk {
                let of: Vec<&Ledger> = ledgers.iter().filter(|l| l.clerk == row.clerk_id).collect();
                assert_eq!(row.indicators, count(&of, start, end), "{}", row.clerk_id);
            }
            for row in &report.indicators.by_procedure {
                let of: Vec<&Ledger> = ledgers
                    .iter()
                    .filter(|l| l.procedure == row.procedure_code)
                    .collect();
                assert_eq!(
                    row.indicators,
                    count(&of, start, end),
                    "{}",
                    row.procedure_code
                );
            }

            let bytes = render_report(&report, ReportFormat::Xlsx).expect("xlsx");
            read_back(&bytes, &report, &want);
        }
    }

    fn read_back(bytes: &[u8], report: &Report, want: &Indicators) {
        use calamine::{Data, Reader, Xlsx};
        let mut workbook =
            Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("the xlsx opens in calamine");
        let summary = workbook.worksheet_range("Tổng hợp").expect("summary");
        for (label, value) in COLUMNS {
            let row = summary
                .rows()
                .find(|row| row.first() == Some(&Data::String(label.to_string())))
                .unwrap_or_else(|| panic!("no row {label}"));
            let expected = match value(want) {
                Cell::Count(n) => Data::Float(n as f64),
                Cell::Rate(Some(bp)) => Data::Float(f64::from(bp) / 10_000.0),
                Cell::Met(Some(true)) => Data::String("Đạt".into()),
                Cell::Met(Some(false)) => Data::String("Không đạt".into()),
                Cell::Rate(None) | Cell::Met(None) => Data::String(String::new()),
            };
            let found = match &row[1] {
                Data::Empty => Data::String(String::new()),
                other => other.clone(),
            };
            assert_eq!(found, expected, "{label}");
        }
        let by_clerk = workbook.worksheet_range("Theo cán bộ").expect("by clerk");
        let received_column = 3 + COLUMNS
            .iter()
            .position(|(label, _)| *label == "Tổng tiếp nhận mới trong kỳ")
            .expect("column");
        for row in &report.indicators.by_clerk {
            let sheet_row = by_clerk
                .rows()
                .find(|r| r.get(1) == Some(&Data::String(row.clerk_id.clone())))
                .expect("clerk row");
            assert_eq!(
                sheet_row[2],
                Data::String(report.clerk_name(&row.clerk_id).to_string())
            );
            assert_eq!(
                sheet_row[received_column],
                Data::Float(row.indicators.received.total() as f64)
            );
        }
    }
}
