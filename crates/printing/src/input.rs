//! What the caller hands in for each document. Plain data: the app crate maps its dossiers
//! and settings onto these. Every string is cleaned (NFC, single spaces) before layout.

use chrono::{DateTime, FixedOffset};
use domain::dossier::ReceivedDocument;

/// The body that issues a document: the left column of the NĐ 30/2020 header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuingBody {
    /// The governing body, printed above the issuer in regular capitals (none for the
    /// commune People's Committee itself).
    pub superior: Option<String>,
    /// The issuer, in bold capitals ("BỘ PHẬN MỘT CỬA"). A `\n` forces a line break, as in
    /// "ỦY BAN NHÂN DÂN\nXÃ TẢ VAN".
    pub name: String,
    /// The issuer's name inside a sentence ("Bộ phận Một cửa xã Tả Van").
    pub in_sentence: String,
    /// The commune, as in the PDF author field ("Ủy ban nhân dân xã Tả Van").
    pub commune: String,
    /// The place of the place-and-date line ("Tả Van").
    pub place: String,
}

impl IssuingBody {
    /// The one-stop counter of commune `commune` ("Tả Van"): Bộ phận Một cửa under the
    /// Ủy ban nhân dân xã (NĐ 118 art. 3.3).
    pub fn one_stop_counter(commune: &str) -> Self {
        let commune = commune.trim();
        IssuingBody {
            superior: Some(format!("ỦY BAN NHÂN DÂN XÃ {}", commune.to_uppercase())),
            name: "BỘ PHẬN MỘT CỬA".to_owned(),
            in_sentence: format!("Bộ phận Một cửa xã {commune}"),
            commune: format!("Ủy ban nhân dân xã {commune}"),
            place: commune.to_owned(),
        }
    }

    /// The People's Committee of commune `commune`, the body competent to decide most
    /// commune procedures and the one that apologises for a late dossier (NĐ 118 art. 19.6).
    pub fn peoples_committee(commune: &str) -> Self {
        let commune = commune.trim();
        IssuingBody {
            superior: None,
            name: format!("ỦY BAN NHÂN DÂN\nXÃ {}", commune.to_uppercase()),
            in_sentence: format!("Ủy ban nhân dân xã {commune}"),
            commune: format!("Ủy ban nhân dân xã {commune}"),
            place: commune.to_owned(),
        }
    }
}

/// Who signs, printed in the signature block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH": signing on behalf (NĐ 30/2020 art. 13).
    pub on_behalf: Option<String>,
    /// The signer's position ("CHỦ TỊCH", "NGƯỜI TIẾP NHẬN HỒ SƠ").
    pub title: String,
    /// Full name; empty leaves the line blank for a handwritten name.
    pub name: String,
}

/// Giấy tiếp nhận hồ sơ và hẹn trả kết quả (form 01, TT 03/2025; NĐ 118 art. 17).
#[derive(Debug, Clone, PartialEq)]
pub struct SlipInput {
    /// The counter that receives.
    pub body: IssuingBody,
    /// Document number, printed "Số: {number}" ("12/TNHS").
    pub number: String,
    /// The dossier code (mã số hồ sơ, NĐ 118 art. 28), local or official.
    pub dossier_code: String,
    /// The official code from the provincial system, when it differs from `dossier_code`.
    pub official_code: Option<String>,
    /// Who submits.
    pub citizen_name: String,
    /// The submitter's address.
    pub address: Option<String>,
    /// The submitter's phone.
    pub phone: Option<String>,
    /// The submitter's email.
    pub email: Option<String>,
    /// The procedure asked for (nội dung yêu cầu giải quyết).
    pub procedure_name: String,
    /// Documents received (item 1).
    pub documents: Vec<ReceivedDocument>,
    /// Number of sets (item 2).
    pub sets: u32,
    /// The legal processing time, as words ("05 ngày làm việc") (item 3).
    pub processing_time_text: String,
    /// When the complete, valid dossier was received: the clock starts here (item 4,
    /// NĐ 118 art. 17.3).
    pub received_at: DateTime<FixedOffset>,
    /// When the result is due (item 5).
    pub due_at: DateTime<FixedOffset>,
    /// Where the result is collected (item 6).
    pub return_place: String,
    /// Quyển số of the tracking book.
    pub book_no: String,
    /// Số thứ tự in the tracking book.
    pub row_no: String,
    /// The clerk who received it.
    pub receiver_name: String,
}

/// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (form 02; NĐ 118 art. 17.1.c, 19.5): given once,
/// listing every missing or incorrect item (art. 11.2.c).
#[derive(Debug, Clone, PartialEq)]
pub struct SupplementRequestInput {
    /// The issuer.
    pub body: IssuingBody,
    /// Document number.
    pub number: String,
    /// Date of the request.
    pub issued_at: DateTime<FixedOffset>,
    /// The dossier code.
    pub dossier_code: String,
    /// Who submitted.
    pub citizen_name: String,
    /// Their address.
    pub address: Option<String>,
    /// The procedure.
    pub procedure_name: String,
    /// When the dossier was received.
    pub received_at: DateTime<FixedOffset>,
    /// What to add or correct, one item each.
    pub items: Vec<String>,
    /// Why.
    pub reason: String,
    /// How to complete it (where, how long: the dossier closes after 15 days, art. 19.5).
    pub guidance: Option<String>,
    /// Who signs.
    pub signer: Signer,
}

/// Phiếu từ chối tiếp nhận giải quyết hồ sơ (form 03; NĐ 118 art. 17, 19.3).
#[derive(Debug, Clone, PartialEq)]
pub struct RefusalInput {
    /// The issuer.
    pub body: IssuingBody,
    /// Document number.
    pub number: String,
    /// Date of the refusal.
    pub issued_at: DateTime<FixedOffset>,
    /// The dossier code, if one was issued.
    pub dossier_code: Option<String>,
    /// Who submitted.
    pub citizen_name: String,
    /// Their address.
    pub address: Option<String>,
    /// The procedure asked for.
    pub procedure_name: String,
    /// The reason for refusal (mandatory, art. 19.3).
    pub reason: String,
    /// Who signs.
    pub signer: Signer,
}

/// Văn bản xin lỗi và hẹn lại ngày trả kết quả (form 04; NĐ 118 art. 19.6): sent at least
/// one day before the due date, with the reason and the one new return date.
#[derive(Debug, Clone, PartialEq)]
pub struct ApologyInput {
    /// The competent body (usually the commune People's Committee).
    pub body: IssuingBody,
    /// Document number.
    pub number: String,
    /// Date of the letter.
    pub issued_at: DateTime<FixedOffset>,
    /// The citizen.
    pub citizen_name: String,
    /// Their address.
    pub address: Option<String>,
    /// The dossier code.
    pub dossier_code: String,
    /// The procedure.
    pub procedure_name: String,
    /// When it was received.
    pub received_at: DateTime<FixedOffset>,
    /// The due date on the slip.
    pub due_at: DateTime<FixedOffset>,
    /// The new return time.
    pub new_due_at: DateTime<FixedOffset>,
    /// Why it is late.
    pub reason: String,
    /// Who signs (the head of the body).
    pub signer: Signer,
}

/// Thông báo dừng giải quyết hồ sơ (form 05; NĐ 118 art. 21): the applicant asked to stop.
#[derive(Debug, Clone, PartialEq)]
pub struct StopNoticeInput {
    /// The issuer.
    pub body: IssuingBody,
    /// Document number.
    pub number: String,
    /// Date of the notice.
    pub issued_at: DateTime<FixedOffset>,
    /// The citizen.
    pub citizen_name: String,
    /// Their address.
    pub address: Option<String>,
    /// The dossier code.
    pub dossier_code: String,
    /// The procedure.
    pub procedure_name: String,
    /// When it was received.
    pub received_at: DateTime<FixedOffset>,
    /// When the applicant asked to stop.
    pub requested_at: DateTime<FixedOffset>,
    /// The applicant's stated reason, if any.
    pub reason: Option<String>,
    /// How paper documents and fees are returned (per the sector law, art. 21.2).
    pub return_of_documents: Option<String>,
    /// Who signs.
    pub signer: Signer,
}

/// Result of a step or of a dossier against its deadline (trước hạn / đúng hạn / quá hạn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    /// Trước hạn.
    Early,
    /// Đúng hạn.
    OnTime,
    /// Quá hạn.
    Late,
}

impl Timeliness {
    /// The wording of forms 06 and 07.
    pub fn label_vi(self) -> &'static str {
        match self {
            Timeliness::Early => "Trước hạn",
            Timeliness::OnTime => "Đúng hạn",
            Timeliness::Late => "Quá hạn",
        }
    }
}

/// One hand-over in the process control sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlStep {
    /// The step or agency ("Bộ phận Một cửa chuyển công chức Tư pháp - Hộ tịch").
    pub step: String,
    /// When the dossier changed hands.
    pub handed_at: Option<DateTime<FixedOffset>>,
    /// Người giao.
    pub handed_by: String,
    /// Người nhận.
    pub received_by: String,
    /// Result of the step.
    pub result: Option<Timeliness>,
    /// Notes.
    pub note: Option<String>,
}

/// Phiếu kiểm soát quá trình giải quyết hồ sơ (form 06).
#[derive(Debug, Clone, PartialEq)]
pub struct ControlSheetInput {
    /// The counter.
    pub body: IssuingBody,
    /// The dossier code.
    pub dossier_code: String,
    /// The applicant.
    pub citizen_name: String,
    /// Their address.
    pub address: Option<String>,
    /// The procedure.
    pub procedure_name: String,
    /// Received.
    pub received_at: DateTime<FixedOffset>,
    /// Due.
    pub due_at: DateTime<FixedOffset>,
    /// The hand-overs so far (blank rows are added for handwriting).
    pub steps: Vec<ControlStep>,
}

/// One row of the tracking book.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackingRow {
    /// Số thứ tự.
    pub row_no: u32,
    /// The dossier code.
    pub dossier_code: String,
    /// The procedure.
    pub procedure_name: String,
    /// The applicant.
    pub citizen_name: String,
    /// Their address.
    pub address: Option<String>,
    /// Received.
    pub received_at: DateTime<FixedOffset>,
    /// Due.
    pub due_at: DateTime<FixedOffset>,
    /// Where it was transferred for processing.
    pub transferred_to: Option<String>,
    /// Returned to the applicant.
    pub returned_at: Option<DateTime<FixedOffset>>,
    /// Early, on time or late.
    pub result: Option<Timeliness>,
}

/// Sổ theo dõi hồ sơ (form 07): one row per dossier, landscape, header on every page.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackingBookInput {
    /// The counter.
    pub body: IssuingBody,
    /// Quyển số.
    pub book_no: String,
    /// The period the book covers, as words ("Năm 2026").
    pub period: String,
    /// Date printed.
    pub issued_at: DateTime<FixedOffset>,
    /// The rows.
    pub rows: Vec<TrackingRow>,
}

/// Which friendly-government letter (local "Chính quyền thân thiện" practice, not NĐ 118).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterKind {
    /// Thư cảm ơn: after feedback.
    ThankYou,
    /// Thư chúc mừng: after a birth or marriage registration.
    Congratulations,
    /// Thư chia buồn: after a death registration or a disaster.
    Condolences,
}

impl LetterKind {
    /// The letter's name in a sentence ("Thư cảm ơn").
    pub fn name_vi(self) -> &'static str {
        match self {
            LetterKind::ThankYou => "Thư cảm ơn",
            LetterKind::Congratulations => "Thư chúc mừng",
            LetterKind::Condolences => "Thư chia buồn",
        }
    }

    /// The printed title.
    pub fn title_vi(self) -> &'static str {
        match self {
            LetterKind::ThankYou => "THƯ CẢM ƠN",
            LetterKind::Congratulations => "THƯ CHÚC MỪNG",
            LetterKind::Condolences => "THƯ CHIA BUỒN",
        }
    }
}

/// A letter whose wording the domain crate composed: this crate only sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterInput {
    /// Which letter.
    pub kind: LetterKind,
    /// Who sends it.
    pub body: IssuingBody,
    /// Document number, if the commune numbers its letters.
    pub number: Option<String>,
    /// Date of the letter.
    pub issued_at: DateTime<FixedOffset>,
    /// "Kính gửi: Ông Nguyễn Văn An".
    pub salutation: String,
    /// Body paragraphs, justified with a first-line indent.
    pub paragraphs: Vec<String>,
    /// The closing line ("Trân trọng!").
    pub closing: Option<String>,
    /// Who signs.
    pub signer: Signer,
    /// The dossier it follows; with it the letter carries the lookup QR code.
    pub dossier_code: Option<String>,
}

/// A table of a period report: a heading, column headers, and rows of ready-made text (the
/// caller formats counts and rates; printing only lays them out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTable {
    /// The heading above the table ("Theo thủ tục hành chính").
    pub heading: String,
    /// Column headers; the first column is the wide one (names), the others share the rest.
    pub columns: Vec<String>,
    /// The rows, each as many cells as there are columns.
    pub rows: Vec<Vec<String>>,
}

/// The report of a period (domain.md §7): the counter's figures for the commune head and the
/// district, on A4 landscape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodReportInput {
    /// The counter.
    pub body: IssuingBody,
    /// The period, in words ("Tháng 11 năm 2026 (từ 15/10/2026 đến 14/11/2026)").
    pub period: String,
    /// Date printed.
    pub issued_at: DateTime<FixedOffset>,
    /// The indicators of the whole period as label/value pairs, in the report's order.
    pub summary: Vec<(String, String)>,
    /// The breakdowns (by procedure, by clerk).
    pub tables: Vec<ReportTable>,
}
