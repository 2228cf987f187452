//! Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (TT 03/2025 Phụ lục I; NĐ 118 art. 17).
//! Field order follows the TT 01/2018 layout (domain.md §2): the official 2025 layout has
//! not been checked against the published PDF.

use domain::dossier::DocumentForm;

use super::parts::{self, Style};
use crate::error::PrintError;
use crate::fonts::FaceKind;
use crate::input::{Signer, SlipInput};
use crate::layout::{Align, Block, Column, Flow, Paragraph, Span, Table, TableColumn};
use crate::{qr, text};

/// The printed form of a received document.
pub(crate) fn form_label(form: DocumentForm) -> &'static str {
    match form {
        DocumentForm::Original => "Bản chính",
        DocumentForm::CertifiedCopy => "Bản sao chứng thực",
        DocumentForm::Copy => "Bản chụp",
    }
}

pub(crate) fn lay_out(
    input: &SlipInput,
    style: &Style,
    lookup_base_url: &str,
) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    let place_date = parts::place_and_date(&input.body, &input.received_at)?;
    parts::header(
        &mut flow,
        style,
        &input.body,
        Some(&input.number),
        Some(&place_date),
    )?;
    parts::title(
        &mut flow,
        style,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        None,
    )?;

    let code = text::required(&input.dossier_code, "dossier code")?;
    let url = qr::lookup_url(&text::required(lookup_base_url, "lookup base url")?, &code);
    let symbol = qr::symbol(&url, style.qr_module_mm)?;

    // The dossier code and where to look it up, with the QR code beside them (below them on
    // the roll).
    let mut code_blocks = vec![Block::Para(
        style.para().label(FaceKind::Regular, "Mã hồ sơ: ").field(
            FaceKind::Bold,
            code.clone(),
            "dossier code",
        ),
    )];
    if let Some(official) = &input.official_code {
        let official = text::clean(official, "official code")?;
        if !official.is_empty() && official != code {
            code_blocks.push(Block::Para(
                style
                    .para()
                    .label(FaceKind::Regular, "Mã hồ sơ trên hệ thống tỉnh: ")
                    .field(FaceKind::Bold, official, "official code"),
            ));
        }
    }
    code_blocks.push(Block::Para(
        Paragraph::new(style.small)
            .label(FaceKind::Italic, "Tra cứu tình trạng hồ sơ tại: ")
            .field(FaceKind::Italic, url.clone(), "lookup url")
            .after(1.0),
    ));
    let qr_block = Block::Qr {
        symbol,
        quiet_modules: 4,
        align: if style.stacked {
            Align::Center
        } else {
            Align::Right
        },
    };
    if style.stacked {
        code_blocks.push(qr_block);
        flow.keep_together(code_blocks)?;
    } else {
        let qr_width = 45.0_f32.min(style.width() / 3.0);
        flow.columns(&[
            Column {
                x_mm: 0.0,
                width_mm: style.width() - qr_width,
                blocks: code_blocks,
            },
            Column {
                x_mm: style.width() - qr_width,
                width_mm: qr_width,
                blocks: vec![qr_block],
            },
        ])?;
    }

    let name = text::required(&input.citizen_name, "citizen name")?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "Tiếp nhận hồ sơ của: ")
            .field(FaceKind::Bold, name.clone(), "citizen name"),
    )?;
    flow.paragraph(&parts::labelled(
        style,
        "Địa chỉ",
        input.address.as_deref(),
        FaceKind::Regular,
        "address",
    )?)?;
    flow.paragraph(&parts::labelled(
        style,
        "Số điện thoại",
        input.phone.as_deref(),
        FaceKind::Regular,
        "phone",
    )?)?;
    if input.email.as_deref().is_some_and(|e| !e.trim().is_empty()) {
        flow.paragraph(&parts::labelled(
            style,
            "Email",
            input.email.as_deref(),
            FaceKind::Regular,
            "email",
        )?)?;
    }
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "Nội dung yêu cầu giải quyết: ")
            .field(
                FaceKind::Bold,
                text::required(&input.procedure_name, "procedure name")?,
                "procedure name",
            ),
    )?;

    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "1. Thành phần hồ sơ nộp gồm:"),
    )?;
    let mut rows = Vec::with_capacity(input.documents.len());
    for (i, doc) in input.documents.iter().enumerate() {
        rows.push(vec![
            vec![Span::label(FaceKind::Regular, (i + 1).to_string())],
            vec![Span::field(
                FaceKind::Regular,
                text::required(&doc.name, "document name")?,
                "document name",
            )],
            vec![Span::label(FaceKind::Regular, form_label(doc.form))],
            vec![Span::label(FaceKind::Regular, doc.count.to_string())],
        ]);
    }
    let narrow = style.stacked;
    flow.table(&Table {
        columns: vec![
            TableColumn {
                header: "TT".to_owned(),
                weight: if narrow { 6.0 } else { 10.0 },
                align: Align::Center,
            },
            TableColumn {
                header: "Tên giấy tờ".to_owned(),
                weight: if narrow { 36.0 } else { 90.0 },
                align: Align::Left,
            },
            TableColumn {
                header: if narrow {
                    "Hình thức"
                } else {
                    "Hình thức (bản chính, bản sao hoặc bản chụp)"
                }
                .to_owned(),
                weight: if narrow { 18.0 } else { 42.0 },
                align: Align::Center,
            },
            TableColumn {
                header: if narrow { "SL" } else { "Số lượng" }.to_owned(),
                weight: if narrow { 7.0 } else { 15.0 },
                align: Align::Center,
            },
        ],
        rows,
        size_pt: style.table,
        padding_mm: if narrow { 0.8 } else { 1.2 },
        min_row_lines: 1,
    })?;
    flow.space(1.5);
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "2. Số lượng hồ sơ: ")
            .field(FaceKind::Regular, format!("{:02}", input.sets), "sets")
            .label(FaceKind::Regular, " (bộ)"),
    )?;
    flow.paragraph(
        &style
            .para()
            .label(
                FaceKind::Regular,
                "3. Thời gian giải quyết hồ sơ theo quy định là: ",
            )
            .field(
                FaceKind::Regular,
                text::required(&input.processing_time_text, "processing time")?,
                "processing time",
            ),
    )?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "4. Thời gian nhận hồ sơ: ")
            .field(
                FaceKind::Regular,
                text::time_and_date_kept(&input.received_at),
                "received at",
            ),
    )?;
    flow.paragraph(
        &style
            .para()
            .label(
                FaceKind::Regular,
                "5. Thời gian trả kết quả giải quyết hồ sơ: ",
            )
            .field(
                FaceKind::Bold,
                text::time_and_date_kept(&input.due_at),
                "due at",
            ),
    )?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "6. Đăng ký nhận kết quả tại: ")
            .field(
                FaceKind::Regular,
                text::required(&input.return_place, "return place")?,
                "return place",
            ),
    )?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Italic, "Vào Sổ theo dõi hồ sơ, Quyển số: ")
            .field(
                FaceKind::Italic,
                text::required(&input.book_no, "book number")?,
                "book number",
            )
            .label(FaceKind::Italic, " Số thứ tự: ")
            .field(
                FaceKind::Italic,
                text::required(&input.row_no, "row number")?,
                "row number",
            ),
    )?;

    let hint = Some("(Ký và ghi rõ họ tên)");
    let submitter = Signer {
        on_behalf: None,
        title: "NGƯỜI NỘP HỒ SƠ".to_owned(),
        name,
    };
    let receiver = Signer {
        on_behalf: None,
        title: "NGƯỜI TIẾP NHẬN HỒ SƠ".to_owned(),
        name: input.receiver_name.clone(),
    };
    parts::signature_row(
        &mut flow,
        style,
        parts::signature_blocks(style, &submitter, hint)?,
        parts::signature_blocks(style, &receiver, hint)?,
    )?;
    Ok(flow)
}
