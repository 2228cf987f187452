//! Forms 06 and 07: the process control sheet that travels with the dossier, and the
//! tracking book of the counter.

use super::parts::{self, Style};
use crate::error::PrintError;
use crate::fonts::FaceKind;
use crate::input::{ControlSheetInput, PeriodReportInput, ReportTable, TrackingBookInput};
use crate::layout::{Align, Flow, Paragraph, Span, Table, TableColumn};
use crate::text;

fn column(header: &str, weight: f32, align: Align) -> TableColumn {
    TableColumn {
        header: header.to_owned(),
        weight,
        align,
    }
}

fn cell(text: String, field: &'static str) -> Vec<Span> {
    vec![Span::field(FaceKind::Regular, text, field)]
}

/// Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ. One row per hand-over with the
/// names of who handed and who received, and whether the step finished early, on time or
/// late (TT 01/2018 layout, domain.md §2). Two blank rows are left for handwriting.
pub(crate) fn control_sheet(input: &ControlSheetInput, style: &Style) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    parts::header(&mut flow, style, &input.body, None, None)?;
    parts::title(
        &mut flow,
        style,
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        Some(
            Paragraph::new(style.body)
                .label(FaceKind::Regular, "Mã hồ sơ: ")
                .field(
                    FaceKind::Bold,
                    text::required(&input.dossier_code, "dossier code")?,
                    "dossier code",
                ),
        ),
    )?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "Người nộp hồ sơ: ")
            .field(
                FaceKind::Bold,
                text::required(&input.citizen_name, "citizen name")?,
                "citizen name",
            ),
    )?;
    flow.paragraph(&parts::labelled(
        style,
        "Địa chỉ",
        input.address.as_deref(),
        FaceKind::Regular,
        "address",
    )?)?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "Thủ tục hành chính: ")
            .field(
                FaceKind::Regular,
                text::required(&input.procedure_name, "procedure name")?,
                "procedure name",
            ),
    )?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "Thời gian nhận hồ sơ: ")
            .field(
                FaceKind::Regular,
                text::time_and_date_kept(&input.received_at),
                "received at",
            ),
    )?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "Thời gian hẹn trả kết quả: ")
            .field(
                FaceKind::Bold,
                text::time_and_date_kept(&input.due_at),
                "due at",
            )
            .after(2.0),
    )?;
    let mut rows = Vec::with_capacity(input.steps.len() + 2);
    for (i, step) in input.steps.iter().enumerate() {
        rows.push(vec![
            cell((i + 1).to_string(), "row"),
            cell(text::required(&step.step, "step")?, "step"),
            cell(
                step.handed_at
                    .as_ref()
                    .map(text::time_and_date_kept)
                    .unwrap_or_default(),
                "handed at",
            ),
            cell(text::clean(&step.handed_by, "handed by")?, "handed by"),
            cell(
                text::clean(&step.received_by, "received by")?,
                "received by",
            ),
            cell(
                step.result
                    .map(|r| r.label_vi().to_owned())
                    .unwrap_or_default(),
                "result",
            ),
            cell(
                text::clean(step.note.as_deref().unwrap_or(""), "note")?,
                "note",
            ),
        ]);
    }
    for i in 0..2 {
        rows.push(vec![cell((input.steps.len() + i + 1).to_string(), "row")]);
    }
    flow.table(&Table {
        columns: vec![
            column("TT", 8.0, Align::Center),
            column("Cơ quan, bước xử lý", 28.0, Align::Left),
            column("Thời gian giao, nhận hồ sơ", 22.0, Align::Center),
            column("Người giao (ký, ghi rõ họ tên)", 20.0, Align::Center),
            column("Người nhận (ký, ghi rõ họ tên)", 20.0, Align::Center),
            column(
                "Kết quả (trước hạn/ đúng hạn/ quá hạn)",
                19.0,
                Align::Center,
            ),
            column("Ghi chú", 12.0, Align::Left),
        ],
        rows,
        size_pt: style.table - 1.0,
        padding_mm: 1.5,
        // Room for the two signatures of each hand-over.
        min_row_lines: 4,
    })?;
    Ok(flow)
}

/// Form 07: Sổ theo dõi hồ sơ. One row per dossier on A4 landscape; the column header is
/// repeated on each page and pages are numbered.
pub(crate) fn tracking_book(input: &TrackingBookInput, style: &Style) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    let place_date = parts::place_and_date(&input.body, &input.issued_at)?;
    parts::header(&mut flow, style, &input.body, None, Some(&place_date))?;
    parts::title(
        &mut flow,
        style,
        "SỔ THEO DÕI HỒ SƠ",
        Some(
            Paragraph::new(style.body)
                .label(FaceKind::Regular, "Quyển số: ")
                .field(
                    FaceKind::Regular,
                    text::required(&input.book_no, "book number")?,
                    "book number",
                )
                .label(FaceKind::Regular, " - ")
                .field(
                    FaceKind::Regular,
                    text::required(&input.period, "period")?,
                    "period",
                ),
        ),
    )?;
    let mut rows = Vec::with_capacity(input.rows.len());
    for row in &input.rows {
        let when = |at: &chrono::DateTime<chrono::FixedOffset>| {
            format!("{} {}", text::date_short(at), text::clock_kept(at))
        };
        rows.push(vec![
            cell(row.row_no.to_string(), "row number"),
            cell(
                text::required(&row.dossier_code, "dossier code")?,
                "dossier code",
            ),
            cell(
                text::required(&row.procedure_name, "procedure name")?,
                "procedure name",
            ),
            cell(
                text::required(&row.citizen_name, "citizen name")?,
                "citizen name",
            ),
            cell(
                text::clean(row.address.as_deref().unwrap_or(""), "address")?,
                "address",
            ),
            cell(when(&row.received_at), "received at"),
            cell(when(&row.due_at), "due at"),
            cell(
                text::clean(
                    row.transferred_to.as_deref().unwrap_or(""),
                    "transferred to",
                )?,
                "transferred to",
            ),
            cell(
                row.returned_at.as_ref().map(when).unwrap_or_default(),
                "returned at",
            ),
            cell(
                row.result
                    .map(|r| r.label_vi().to_owned())
                    .unwrap_or_default(),
                "result",
            ),
            Vec::new(),
        ]);
    }
    flow.table(&Table {
        columns: vec![
            column("STT", 6.5, Align::Center),
            // Wide enough for a whole official code (H15.50.05.13-260213-0007) on one line.
            column("Mã hồ sơ", 27.0, Align::Left),
            column("Tên thủ tục hành chính", 26.0, Align::Left),
            column("Người nộp", 19.0, Align::Left),
            column("Địa chỉ", 20.0, Align::Left),
            // Wide enough for "08 giờ 00 phút" on one line.
            column("Ngày, giờ nhận", 16.5, Align::Center),
            column("Hẹn trả kết quả", 16.5, Align::Center),
            column("Chuyển xử lý", 15.0, Align::Left),
            column("Ngày, giờ trả", 16.5, Align::Center),
            column(
                "Kết quả (trước hạn/ đúng hạn/ quá hạn)",
                12.0,
                Align::Center,
            ),
            column("Ký nhận", 11.0, Align::Center),
        ],
        rows,
        size_pt: style.table,
        padding_mm: 0.8,
        min_row_lines: 1,
    })?;
    Ok(flow)
}

/// The report of a period: title with the period, the summary of indicators as a two-column
/// table, then each breakdown with its heading. An empty breakdown says so in words rather
/// than printing a header with no rows.
pub(crate) fn period_report(input: &PeriodReportInput, style: &Style) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    let place_date = parts::place_and_date(&input.body, &input.issued_at)?;
    parts::header(&mut flow, style, &input.body, None, Some(&place_date))?;
    parts::title(
        &mut flow,
        style,
        "BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        Some(Paragraph::new(style.body).field(
            FaceKind::Regular,
            text::required(&input.period, "period")?,
            "period",
        )),
    )?;
    let mut summary = Vec::with_capacity(input.summary.len());
    for (label, value) in &input.summary {
        summary.push(vec![
            cell(text::required(label, "indicator")?, "indicator"),
            cell(text::clean(value, "value")?, "value"),
        ]);
    }
    flow.table(&Table {
        columns: vec![
            column("Chỉ tiêu", 70.0, Align::Left),
            column("Kết quả", 30.0, Align::Right),
        ],
        rows: summary,
        size_pt: style.table,
        padding_mm: 0.8,
        min_row_lines: 1,
    })?;
    for table in &input.tables {
        report_table(&mut flow, style, table)?;
    }
    Ok(flow)
}

fn report_table(flow: &mut Flow, style: &Style, table: &ReportTable) -> Result<(), PrintError> {
    flow.space(style.title_space_mm / 2.0);
    flow.paragraph(&style.para().label(
        FaceKind::Bold,
        text::required(&table.heading, "table heading")?,
    ))?;
    if table.rows.is_empty() {
        return flow.paragraph(
            &style
                .para()
                .label(FaceKind::Italic, "Không có hồ sơ trong kỳ."),
        );
    }
    let Some((first, others)) = table.columns.split_first() else {
        return Err(PrintError::EmptyField {
            field: "table columns",
        });
    };
    // The names get the room they need; the figures share the rest equally.
    let mut columns = vec![column(first, 34.0, Align::Left)];
    let share = 66.0 / others.len().max(1) as f32;
    columns.extend(others.iter().map(|h| column(h, share, Align::Right)));
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        if row.len() != table.columns.len() {
            return Err(PrintError::RaggedTable {
                table: table.heading.clone(),
                cells: row.len(),
                columns: table.columns.len(),
            });
        }
        let mut cells = Vec::with_capacity(row.len());
        for value in row {
            cells.push(cell(text::clean(value, "table cell")?, "table cell"));
        }
        rows.push(cells);
    }
    flow.table(&Table {
        columns,
        rows,
        size_pt: style.table - 1.0,
        padding_mm: 0.8,
        min_row_lines: 1,
    })
}
