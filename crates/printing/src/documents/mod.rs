//! Every document of the counter, each laid out from its input.

mod letter;
mod notices;
mod parts;
mod records;
mod slip;

use chrono::{DateTime, FixedOffset};

use crate::error::PrintError;
use crate::input::{
    ApologyInput, ControlSheetInput, LetterInput, PeriodReportInput, RefusalInput, SlipInput,
    StopNoticeInput, SupplementRequestInput, TrackingBookInput,
};
use crate::layout::LaidOutDocument;
use parts::Style;

/// A document to print.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// Form 01: receipt and appointment slip.
    Slip(SlipInput),
    /// Form 02: request to complete the dossier.
    SupplementRequest(SupplementRequestInput),
    /// Form 03: refusal.
    Refusal(RefusalInput),
    /// Form 04: apology and new return date.
    Apology(ApologyInput),
    /// Form 05: stop notice.
    StopNotice(StopNoticeInput),
    /// Form 06: process control sheet.
    ControlSheet(ControlSheetInput),
    /// Form 07: tracking book.
    TrackingBook(TrackingBookInput),
    /// A thank-you, congratulations or condolences letter.
    Letter(LetterInput),
    /// The report of a period: indicators and breakdowns (not a TT 03/2025 form).
    PeriodReport(PeriodReportInput),
}

impl Document {
    /// A short name for errors and metadata.
    pub fn kind(&self) -> &'static str {
        match self {
            Document::Slip(_) => "form 01",
            Document::SupplementRequest(_) => "form 02",
            Document::Refusal(_) => "form 03",
            Document::Apology(_) => "form 04",
            Document::StopNotice(_) => "form 05",
            Document::ControlSheet(_) => "form 06",
            Document::TrackingBook(_) => "form 07",
            Document::Letter(_) => "letter",
            Document::PeriodReport(_) => "period report",
        }
    }
}

/// The paper to print on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// A4, portrait (landscape for the tracking book).
    #[default]
    A4,
    /// A5 portrait.
    A5,
    /// An 80 mm thermal receipt roll at 203 dpi (the slip only).
    Receipt80,
}

impl Paper {
    fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A5 => "A5",
            Paper::Receipt80 => "the 80 mm receipt roll",
        }
    }
}

/// How to print.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// The paper.
    pub paper: Paper,
    /// The PDF creation date. Passed in: the crate never reads the clock.
    pub created_at: DateTime<FixedOffset>,
    /// Base of the lookup address encoded in QR codes ("https://motcua.example/tra-cuu").
    pub lookup_base_url: String,
}

fn portrait(paper: Paper, document: &'static str, roll_allowed: bool) -> Result<Style, PrintError> {
    match paper {
        Paper::A4 => Ok(Style::a4_portrait()),
        Paper::A5 => Ok(Style::a5_portrait()),
        Paper::Receipt80 if roll_allowed => Ok(Style::receipt_80mm()),
        Paper::Receipt80 => Err(PrintError::PaperNotSupported {
            document,
            paper: paper.name(),
        }),
    }
}

/// Lays a document out on pages: the box model the renderer draws and the snapshot tests
/// check.
pub fn layout(doc: &Document, opts: &RenderOptions) -> Result<LaidOutDocument, PrintError> {
    let kind = doc.kind();
    let style = match doc {
        Document::Slip(_) => portrait(opts.paper, kind, true)?,
        Document::TrackingBook(_) | Document::PeriodReport(_) => match opts.paper {
            Paper::A4 => Style::a4_landscape(),
            other => {
                return Err(PrintError::PaperNotSupported {
                    document: kind,
                    paper: other.name(),
                })
            }
        },
        _ => portrait(opts.paper, kind, false)?,
    };
    let base = opts.lookup_base_url.as_str();
    let (flow, title, subject, body) = match doc {
        Document::Slip(i) => (
            slip::lay_out(i, &style, base)?,
            format!(
                "Giấy tiếp nhận hồ sơ và hẹn trả kết quả {}",
                i.dossier_code.trim()
            ),
            "Mẫu số 01, Thông tư 03/2025/TT-VPCP",
            &i.body,
        ),
        Document::SupplementRequest(i) => (
            notices::supplement_request(i, &style)?,
            format!(
                "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ {}",
                i.dossier_code.trim()
            ),
            "Mẫu số 02, Thông tư 03/2025/TT-VPCP",
            &i.body,
        ),
        Document::Refusal(i) => (
            notices::refusal(i, &style)?,
            format!(
                "Phiếu từ chối tiếp nhận giải quyết hồ sơ {}",
                i.dossier_code.as_deref().unwrap_or("").trim()
            )
            .trim_end()
            .to_owned(),
            "Mẫu số 03, Thông tư 03/2025/TT-VPCP",
            &i.body,
        ),
        Document::Apology(i) => (
            notices::apology(i, &style, base)?,
            format!(
                "Văn bản xin lỗi và hẹn lại ngày trả kết quả {}",
                i.dossier_code.trim()
            ),
            "Mẫu số 04, Thông tư 03/2025/TT-VPCP",
            &i.body,
        ),
        Document::StopNotice(i) => (
            notices::stop_notice(i, &style)?,
            format!("Thông báo dừng giải quyết hồ sơ {}", i.dossier_code.trim()),
            "Mẫu số 05, Thông tư 03/2025/TT-VPCP",
            &i.body,
        ),
        Document::ControlSheet(i) => (
            records::control_sheet(i, &style)?,
            format!(
                "Phiếu kiểm soát quá trình giải quyết hồ sơ {}",
                i.dossier_code.trim()
            ),
            "Mẫu số 06, Thông tư 03/2025/TT-VPCP",
            &i.body,
        ),
        Document::TrackingBook(i) => (
            records::tracking_book(i, &style)?,
            format!("Sổ theo dõi hồ sơ, quyển số {}", i.book_no.trim()),
            "Mẫu số 07, Thông tư 03/2025/TT-VPCP",
            &i.body,
        ),
        Document::Letter(i) => (
            letter::lay_out(i, &style, base)?,
            i.kind.name_vi().to_owned(),
            "Thư của chính quyền thân thiện",
            &i.body,
        ),
        Document::PeriodReport(i) => (
            records::period_report(i, &style)?,
            format!(
                "Báo cáo kết quả giải quyết thủ tục hành chính {}",
                i.period.trim()
            ),
            "Báo cáo định kỳ của Bộ phận Một cửa",
            &i.body,
        ),
    };
    Ok(LaidOutDocument {
        title: crate::text::clean(&title, "title")?,
        subject: subject.to_owned(),
        author: crate::text::clean(&body.commune, "commune")?,
        pages: flow.finish(true)?,
    })
}
