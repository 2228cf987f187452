//! Forms 02 to 05 of TT 03/2025 Phụ lục I: the request to complete a dossier, the refusal,
//! the apology with a new date and the stop notice. All are addressed to the citizen and
//! follow the NĐ 30/2020 layout; the field lists come from NĐ 118 (domain.md §2) because the
//! official 2025 form bodies were not available.

use super::parts::{self, Style};
use crate::error::PrintError;
use crate::fonts::FaceKind;
use crate::input::{ApologyInput, RefusalInput, StopNoticeInput, SupplementRequestInput};
use crate::layout::{Align, Block, Flow, Paragraph};
use crate::{qr, text};

fn salutation(flow: &mut Flow, style: &Style, name: &str) -> Result<(), PrintError> {
    flow.paragraph(
        &Paragraph::new(style.body)
            .label(FaceKind::Regular, "Kính gửi: Ông/Bà ")
            .field(FaceKind::Bold, name.to_owned(), "citizen name")
            .align(Align::Center)
            .after(2.0),
    )
}

fn optional(value: Option<&str>, field: &'static str) -> Result<Option<String>, PrintError> {
    match value {
        Some(v) => {
            let v = text::clean(v, field)?;
            Ok((!v.is_empty()).then_some(v))
        }
        None => Ok(None),
    }
}

/// Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (NĐ 118 art. 17.1.c, 19.5). Every item
/// is listed at once: the citizen is asked only once (art. 11.2.c).
pub(crate) fn supplement_request(
    input: &SupplementRequestInput,
    style: &Style,
) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    let place_date = parts::place_and_date(&input.body, &input.issued_at)?;
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
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        None,
    )?;
    let name = text::required(&input.citizen_name, "citizen name")?;
    let body = text::required(&input.body.in_sentence, "issuing body")?;
    let code = text::required(&input.dossier_code, "dossier code")?;
    let procedure = text::required(&input.procedure_name, "procedure name")?;
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(
                FaceKind::Regular,
                format!("{body} tiếp nhận hồ sơ của Ông/Bà "),
            )
            .field(FaceKind::Bold, name.clone(), "citizen name")
            .label(FaceKind::Regular, " vào ")
            .field(
                FaceKind::Regular,
                text::time_and_date_kept(&input.received_at),
                "received at",
            )
            .label(FaceKind::Regular, "."),
    )?;
    if let Some(address) = optional(input.address.as_deref(), "address")? {
        flow.paragraph(&style.para().label(FaceKind::Regular, "Địa chỉ: ").field(
            FaceKind::Regular,
            address,
            "address",
        ))?;
    }
    flow.paragraph(&style.para().label(FaceKind::Regular, "Mã hồ sơ: ").field(
        FaceKind::Bold,
        code,
        "dossier code",
    ))?;
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "Nội dung yêu cầu giải quyết: ")
            .field(FaceKind::Regular, procedure, "procedure name"),
    )?;
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(FaceKind::Regular, "Sau khi xem xét, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"),
    )?;
    if input.items.is_empty() {
        return Err(PrintError::EmptyField {
            field: "supplement items",
        });
    }
    for (i, item) in input.items.iter().enumerate() {
        flow.paragraph(
            &style
                .para()
                .indent(style.indent_mm)
                .label(FaceKind::Regular, format!("{}. ", i + 1))
                .field(
                    FaceKind::Regular,
                    text::required(item, "supplement item")?,
                    "supplement item",
                ),
        )?;
    }
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(FaceKind::Regular, "Lý do: ")
            .field(
                FaceKind::Regular,
                text::required(&input.reason, "reason")?,
                "reason",
            ),
    )?;
    if let Some(guidance) = optional(input.guidance.as_deref(), "guidance")? {
        flow.paragraph(&style.para().indent(style.indent_mm).field(
            FaceKind::Regular,
            guidance,
            "guidance",
        ))?;
    }
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(FaceKind::Italic, "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ Bộ phận Một cửa để được hướng dẫn."),
    )?;
    parts::signature_row(
        &mut flow,
        style,
        Vec::new(),
        parts::signature_blocks(style, &input.signer, Some("(Ký và ghi rõ họ tên)"))?,
    )?;
    Ok(flow)
}

/// Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (NĐ 118 art. 17, 19.3): the reason is
/// mandatory.
pub(crate) fn refusal(input: &RefusalInput, style: &Style) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    let place_date = parts::place_and_date(&input.body, &input.issued_at)?;
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
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        None,
    )?;
    let name = text::required(&input.citizen_name, "citizen name")?;
    let body = text::required(&input.body.in_sentence, "issuing body")?;
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(
                FaceKind::Regular,
                format!("{body} tiếp nhận hồ sơ của Ông/Bà "),
            )
            .field(FaceKind::Bold, name.clone(), "citizen name")
            .label(FaceKind::Regular, "."),
    )?;
    if let Some(address) = optional(input.address.as_deref(), "address")? {
        flow.paragraph(&style.para().label(FaceKind::Regular, "Địa chỉ: ").field(
            FaceKind::Regular,
            address,
            "address",
        ))?;
    }
    if let Some(code) = optional(input.dossier_code.as_deref(), "dossier code")? {
        flow.paragraph(&style.para().label(FaceKind::Regular, "Mã hồ sơ: ").field(
            FaceKind::Bold,
            code,
            "dossier code",
        ))?;
    }
    flow.paragraph(
        &style
            .para()
            .label(FaceKind::Regular, "Nội dung yêu cầu giải quyết: ")
            .field(
                FaceKind::Regular,
                text::required(&input.procedure_name, "procedure name")?,
                "procedure name",
            ),
    )?;
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(FaceKind::Regular, "Qua xem xét, hồ sơ không đủ điều kiện tiếp nhận, giải quyết với lý do cụ thể như sau: ")
            .field(FaceKind::Regular, text::required(&input.reason, "reason")?, "reason"),
    )?;
    flow.paragraph(&style.para().indent(style.indent_mm).label(
        FaceKind::Regular,
        "Xin thông báo để Ông/Bà được biết và thực hiện./.",
    ))?;
    parts::signature_row(
        &mut flow,
        style,
        Vec::new(),
        parts::signature_blocks(style, &input.signer, Some("(Ký và ghi rõ họ tên)"))?,
    )?;
    Ok(flow)
}

/// Form 04: Văn bản xin lỗi và hẹn lại ngày trả kết quả (NĐ 118 art. 19.6): the reason for
/// the delay and the new return date, signed by the head of the competent body. It carries
/// the lookup QR code so the citizen can follow the dossier.
pub(crate) fn apology(
    input: &ApologyInput,
    style: &Style,
    lookup_base_url: &str,
) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    let place_date = parts::place_and_date(&input.body, &input.issued_at)?;
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
        "VĂN BẢN XIN LỖI",
        Some(Paragraph::new(style.body).label(
            FaceKind::Bold,
            "Về việc hẹn lại ngày trả kết quả giải quyết hồ sơ",
        )),
    )?;
    let name = text::required(&input.citizen_name, "citizen name")?;
    let body = text::required(&input.body.in_sentence, "issuing body")?;
    let code = text::required(&input.dossier_code, "dossier code")?;
    salutation(&mut flow, style, &name)?;
    let mut received = style
        .para()
        .indent(style.indent_mm)
        .label(FaceKind::Regular, "Ngày ")
        .field(
            FaceKind::Regular,
            text::date_short(&input.received_at),
            "received at",
        )
        .label(
            FaceKind::Regular,
            format!(", {body} tiếp nhận hồ sơ của Ông/Bà"),
        );
    if let Some(address) = optional(input.address.as_deref(), "address")? {
        received = received
            .label(FaceKind::Regular, " (địa chỉ: ")
            .field(FaceKind::Regular, address, "address")
            .label(FaceKind::Regular, ")");
    }
    received = received
        .label(FaceKind::Regular, " về ")
        .field(
            FaceKind::Regular,
            text::procedure_phrase(&text::required(&input.procedure_name, "procedure name")?),
            "procedure name",
        )
        .label(FaceKind::Regular, ", mã hồ sơ ")
        .field(FaceKind::Bold, code.clone(), "dossier code")
        .label(FaceKind::Regular, "; thời gian hẹn trả kết quả: ")
        .field(
            FaceKind::Regular,
            text::time_and_date_kept(&input.due_at),
            "due at",
        )
        .label(FaceKind::Regular, ".");
    flow.paragraph(&received)?;
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(
                FaceKind::Regular,
                "Đến nay, hồ sơ của Ông/Bà chưa được giải quyết đúng hạn. Lý do: ",
            )
            .field(
                FaceKind::Regular,
                text::required(&input.reason, "reason")?,
                "reason",
            ),
    )?;
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .field(
                FaceKind::Regular,
                text::required(&input.body.commune, "commune")?,
                "commune",
            )
            .label(
                FaceKind::Regular,
                " xin lỗi Ông/Bà vì sự chậm trễ này và hẹn lại thời gian trả kết quả: ",
            )
            .field(
                FaceKind::Bold,
                text::time_and_date_kept(&input.new_due_at),
                "new due at",
            )
            .label(FaceKind::Regular, "."),
    )?;
    flow.paragraph(&style.para().indent(style.indent_mm).label(
        FaceKind::Regular,
        "Rất mong nhận được sự thông cảm của Ông/Bà. Trân trọng!",
    ))?;
    let url = qr::lookup_url(&text::required(lookup_base_url, "lookup base url")?, &code);
    let mut left = parts::recipients(style, &name);
    left.push(Block::Space(2.0));
    left.push(Block::Qr {
        symbol: qr::symbol(&url, style.qr_module_mm)?,
        quiet_modules: 4,
        align: Align::Left,
    });
    parts::signature_row(
        &mut flow,
        style,
        left,
        parts::signature_blocks(style, &input.signer, None)?,
    )?;
    Ok(flow)
}

/// Form 05: Thông báo dừng giải quyết hồ sơ (NĐ 118 art. 21): the applicant asked to stop
/// before the decision was issued.
pub(crate) fn stop_notice(input: &StopNoticeInput, style: &Style) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    let place_date = parts::place_and_date(&input.body, &input.issued_at)?;
    parts::header(
        &mut flow,
        style,
        &input.body,
        Some(&input.number),
        Some(&place_date),
    )?;
    parts::title(&mut flow, style, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", None)?;
    let name = text::required(&input.citizen_name, "citizen name")?;
    let body = text::required(&input.body.in_sentence, "issuing body")?;
    salutation(&mut flow, style, &name)?;
    let mut request = style
        .para()
        .indent(style.indent_mm)
        .label(FaceKind::Regular, "Ngày ")
        .field(
            FaceKind::Regular,
            text::date_short(&input.requested_at),
            "requested at",
        )
        .label(FaceKind::Regular, ", Ông/Bà ")
        .field(FaceKind::Bold, name.clone(), "citizen name");
    if let Some(address) = optional(input.address.as_deref(), "address")? {
        request = request
            .label(FaceKind::Regular, " (địa chỉ: ")
            .field(FaceKind::Regular, address, "address")
            .label(FaceKind::Regular, ")");
    }
    request = request
        .label(FaceKind::Regular, " có yêu cầu dừng giải quyết hồ sơ ")
        .field(
            FaceKind::Regular,
            text::required(&input.procedure_name, "procedure name")?,
            "procedure name",
        )
        .label(FaceKind::Regular, ", mã hồ sơ ")
        .field(
            FaceKind::Bold,
            text::required(&input.dossier_code, "dossier code")?,
            "dossier code",
        )
        .label(FaceKind::Regular, ", tiếp nhận lúc ")
        .field(
            FaceKind::Regular,
            text::time_and_date_kept(&input.received_at),
            "received at",
        )
        .label(FaceKind::Regular, ".");
    flow.paragraph(&request)?;
    if let Some(reason) = optional(input.reason.as_deref(), "reason")? {
        flow.paragraph(
            &style
                .para()
                .indent(style.indent_mm)
                .label(FaceKind::Regular, "Lý do: ")
                .field(FaceKind::Regular, reason, "reason"),
        )?;
    }
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(FaceKind::Regular, format!("Căn cứ Điều 21 Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm 2025 của Chính phủ, {body} thông báo dừng giải quyết hồ sơ nêu trên.")),
    )?;
    if let Some(returned) = optional(input.return_of_documents.as_deref(), "return of documents")? {
        flow.paragraph(&style.para().indent(style.indent_mm).field(
            FaceKind::Regular,
            returned,
            "return of documents",
        ))?;
    }
    flow.paragraph(
        &style
            .para()
            .indent(style.indent_mm)
            .label(FaceKind::Regular, "Xin thông báo để Ông/Bà được biết./."),
    )?;
    parts::signature_row(
        &mut flow,
        style,
        parts::recipients(style, &name),
        parts::signature_blocks(style, &input.signer, None)?,
    )?;
    Ok(flow)
}
