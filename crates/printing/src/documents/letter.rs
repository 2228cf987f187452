//! The friendly-government letters (thư cảm ơn, chúc mừng, chia buồn): local "Chính quyền
//! thân thiện" practice, not NĐ 118 (domain.md §4). The domain crate writes the wording;
//! this module sets it in the NĐ 30/2020 layout with the lookup QR code.

use super::parts::{self, Style};
use crate::error::PrintError;
use crate::fonts::FaceKind;
use crate::input::LetterInput;
use crate::layout::{Align, Block, Flow, Paragraph};
use crate::{qr, text};

pub(crate) fn lay_out(
    input: &LetterInput,
    style: &Style,
    lookup_base_url: &str,
) -> Result<Flow, PrintError> {
    let mut flow = Flow::new(style.spec);
    let place_date = parts::place_and_date(&input.body, &input.issued_at)?;
    parts::header(
        &mut flow,
        style,
        &input.body,
        input.number.as_deref(),
        Some(&place_date),
    )?;
    parts::title(&mut flow, style, input.kind.title_vi(), None)?;
    flow.paragraph(
        &Paragraph::new(style.body)
            .field(
                FaceKind::Bold,
                text::required(&input.salutation, "salutation")?,
                "salutation",
            )
            .align(Align::Center)
            .after(2.0),
    )?;
    if input.paragraphs.is_empty() {
        return Err(PrintError::EmptyField {
            field: "paragraphs",
        });
    }
    for paragraph in &input.paragraphs {
        let cleaned = text::clean(paragraph, "paragraph")?;
        if cleaned.is_empty() {
            continue;
        }
        flow.paragraph(&style.para().indent(style.indent_mm).field(
            FaceKind::Regular,
            cleaned,
            "paragraph",
        ))?;
    }
    if let Some(closing) = &input.closing {
        let closing = text::clean(closing, "closing")?;
        if !closing.is_empty() {
            flow.paragraph(&style.para().indent(style.indent_mm).field(
                FaceKind::Italic,
                closing,
                "closing",
            ))?;
        }
    }
    let mut left = Vec::new();
    if let Some(code) = &input.dossier_code {
        let code = text::required(code, "dossier code")?;
        let url = qr::lookup_url(&text::required(lookup_base_url, "lookup base url")?, &code);
        left.push(Block::Qr {
            symbol: qr::symbol(&url, style.qr_module_mm)?,
            quiet_modules: 4,
            align: Align::Left,
        });
        left.push(Block::Para(
            Paragraph::new(style.small)
                .label(FaceKind::Italic, "Mã hồ sơ: ")
                .field(FaceKind::Italic, code, "dossier code"),
        ));
    }
    parts::signature_row(
        &mut flow,
        style,
        left,
        parts::signature_blocks(style, &input.signer, None)?,
    )?;
    Ok(flow)
}
