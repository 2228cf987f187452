//! Sample inputs with invented people, for tests, benchmarks, the example binary and the
//! UI's print preview. No real person's data.

use chrono::{DateTime, FixedOffset, TimeZone};
use domain::dossier::{DocumentForm, ReceivedDocument};

use crate::input::{
    ApologyInput, ControlSheetInput, ControlStep, IssuingBody, LetterInput, LetterKind,
    PeriodReportInput, RefusalInput, ReportTable, Signer, SlipInput, StopNoticeInput,
    SupplementRequestInput, Timeliness, TrackingBookInput, TrackingRow,
};
use crate::{Document, Paper};

/// A time in Vietnam (UTC+7).
///
/// # Panics
/// On an impossible date: the samples only pass constants.
pub fn vn_time(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(7 * 3600)
        .and_then(|tz| {
            tz.with_ymd_and_hms(year, month, day, hour, minute, 0)
                .single()
        })
        .expect("sample dates are valid")
}

/// The base of the lookup address used in samples.
pub const LOOKUP_BASE_URL: &str = "https://motcua.example/tra-cuu";

/// A birth registration received at the Tả Van counter on 13/02/2026 at 14:30.
pub fn slip() -> SlipInput {
    SlipInput {
        body: IssuingBody::one_stop_counter("Tả Van"),
        number: "12/TNHS".to_owned(),
        dossier_code: "H15.50.05.13-260213-0007".to_owned(),
        official_code: None,
        citizen_name: "Nguyễn Thị Ánh Tuyết".to_owned(),
        address: Some("Thôn Tả Van Giáy 1, xã Tả Van, tỉnh Lào Cai".to_owned()),
        phone: Some("0912345678".to_owned()),
        email: None,
        procedure_name: "Đăng ký khai sinh".to_owned(),
        documents: vec![
            ReceivedDocument {
                name: "Tờ khai đăng ký khai sinh".to_owned(),
                form: DocumentForm::Original,
                count: 1,
            },
            ReceivedDocument {
                name: "Giấy chứng sinh".to_owned(),
                form: DocumentForm::Original,
                count: 1,
            },
            ReceivedDocument {
                name: "Giấy chứng nhận kết hôn của cha, mẹ".to_owned(),
                form: DocumentForm::CertifiedCopy,
                count: 1,
            },
        ],
        sets: 1,
        processing_time_text:
            "Ngay trong ngày làm việc; nhận sau 15 giờ trả trong ngày làm việc tiếp theo".to_owned(),
        received_at: vn_time(2026, 2, 13, 14, 30),
        due_at: vn_time(2026, 2, 23, 10, 0),
        return_place: "Bộ phận Một cửa xã Tả Van".to_owned(),
        book_no: "01".to_owned(),
        row_no: "0007".to_owned(),
        receiver_name: "Lò Văn Sáng".to_owned(),
    }
}

fn chairman() -> Signer {
    Signer {
        on_behalf: Some("TM. ỦY BAN NHÂN DÂN".to_owned()),
        title: "CHỦ TỊCH".to_owned(),
        name: "Giàng A Páo".to_owned(),
    }
}

fn clerk(title: &str) -> Signer {
    Signer {
        on_behalf: None,
        title: title.to_owned(),
        name: "Lò Văn Sáng".to_owned(),
    }
}

/// Form 02 for the sample dossier.
pub fn supplement_request() -> SupplementRequestInput {
    SupplementRequestInput {
        body: IssuingBody::one_stop_counter("Tả Van"),
        number: "03/YCBS".to_owned(),
        issued_at: vn_time(2026, 2, 13, 15, 10),
        dossier_code: "H15.50.05.13-260213-0007".to_owned(),
        citizen_name: "Nguyễn Thị Ánh Tuyết".to_owned(),
        address: Some("Thôn Tả Van Giáy 1, xã Tả Van, tỉnh Lào Cai".to_owned()),
        procedure_name: "Đăng ký khai sinh".to_owned(),
        received_at: vn_time(2026, 2, 13, 14, 30),
        items: vec![
            "Giấy chứng sinh do cơ sở y tế cấp (bản chính)".to_owned(),
            "Tờ khai đăng ký khai sinh ghi thiếu quê quán của người mẹ".to_owned(),
        ],
        reason: "Hồ sơ thiếu giấy tờ bắt buộc theo quy định của thủ tục.".to_owned(),
        guidance: Some("Ông/Bà nộp bổ sung tại Bộ phận Một cửa xã Tả Van trong giờ hành chính; quá 15 ngày không bổ sung, hồ sơ sẽ được trả lại.".to_owned()),
        signer: clerk("NGƯỜI HƯỚNG DẪN"),
    }
}

/// Form 03 for a dossier outside the commune's competence.
pub fn refusal() -> RefusalInput {
    RefusalInput {
        body: IssuingBody::one_stop_counter("Tả Van"),
        number: "01/TCHS".to_owned(),
        issued_at: vn_time(2026, 2, 13, 9, 15),
        dossier_code: None,
        citizen_name: "Trần Văn Đức".to_owned(),
        address: Some("Bản Hầu Chư Ngài, xã Tả Van, tỉnh Lào Cai".to_owned()),
        procedure_name: "Cấp giấy phép xây dựng nhà ở riêng lẻ".to_owned(),
        reason: "Thửa đất nằm trong khu vực đã có quyết định thu hồi đất; hồ sơ không đủ điều kiện giải quyết theo quy định.".to_owned(),
        signer: clerk("NGƯỜI TIẾP NHẬN HỒ SƠ"),
    }
}

/// Form 04 for a late land dossier.
pub fn apology() -> ApologyInput {
    ApologyInput {
        body: IssuingBody::peoples_committee("Tả Van"),
        number: "15/UBND-VP".to_owned(),
        issued_at: vn_time(2026, 3, 2, 8, 0),
        citizen_name: "Phạm Thị Hường".to_owned(),
        address: Some("Thôn Lồ Ô, xã Tả Van, tỉnh Lào Cai".to_owned()),
        dossier_code: "H15.50.05.13-260210-0003".to_owned(),
        procedure_name: "Chứng thực hợp đồng, giao dịch liên quan đến quyền sử dụng đất".to_owned(),
        received_at: vn_time(2026, 2, 10, 10, 20),
        due_at: vn_time(2026, 3, 3, 16, 30),
        new_due_at: vn_time(2026, 3, 6, 10, 0),
        reason: "cần xác minh thêm thông tin về ranh giới thửa đất với các hộ liền kề.".to_owned(),
        signer: chairman(),
    }
}

/// Form 05 after the applicant withdrew.
pub fn stop_notice() -> StopNoticeInput {
    StopNoticeInput {
        body: IssuingBody::one_stop_counter("Tả Van"),
        number: "02/TB-MC".to_owned(),
        issued_at: vn_time(2026, 2, 16, 9, 0),
        citizen_name: "Sùng Thị Mỷ".to_owned(),
        address: Some("Thôn Séo Mý Tỷ, xã Tả Van, tỉnh Lào Cai".to_owned()),
        dossier_code: "H15.50.05.13-260211-0005".to_owned(),
        procedure_name: "Đăng ký kết hôn".to_owned(),
        received_at: vn_time(2026, 2, 11, 8, 45),
        requested_at: vn_time(2026, 2, 13, 9, 30),
        reason: Some("Người nộp hồ sơ đề nghị rút hồ sơ để bổ sung giấy tờ.".to_owned()),
        return_of_documents: Some(
            "Giấy tờ bản chính trong hồ sơ được trả lại cho Ông/Bà tại Bộ phận Một cửa.".to_owned(),
        ),
        signer: clerk("NGƯỜI TIẾP NHẬN HỒ SƠ"),
    }
}

/// Form 06 for the sample dossier, two hand-overs done.
pub fn control_sheet() -> ControlSheetInput {
    ControlSheetInput {
        body: IssuingBody::one_stop_counter("Tả Van"),
        dossier_code: "H15.50.05.13-260213-0007".to_owned(),
        citizen_name: "Nguyễn Thị Ánh Tuyết".to_owned(),
        address: Some("Thôn Tả Van Giáy 1, xã Tả Van, tỉnh Lào Cai".to_owned()),
        procedure_name: "Đăng ký khai sinh".to_owned(),
        received_at: vn_time(2026, 2, 13, 14, 30),
        due_at: vn_time(2026, 2, 23, 10, 0),
        steps: vec![
            ControlStep {
                step: "Bộ phận Một cửa giao công chức Tư pháp - Hộ tịch".to_owned(),
                handed_at: Some(vn_time(2026, 2, 13, 14, 45)),
                handed_by: "Lò Văn Sáng".to_owned(),
                received_by: "Vàng Thị Dính".to_owned(),
                result: Some(Timeliness::Early),
                note: None,
            },
            ControlStep {
                step: "Công chức Tư pháp - Hộ tịch trình Chủ tịch UBND xã ký".to_owned(),
                handed_at: Some(vn_time(2026, 2, 23, 8, 15)),
                handed_by: "Vàng Thị Dính".to_owned(),
                received_by: "Giàng A Páo".to_owned(),
                result: Some(Timeliness::OnTime),
                note: Some("Đã ký".to_owned()),
            },
        ],
    }
}

const SURNAMES: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Lò"];
const GIVEN: [&str; 8] = [
    "Thị Hương",
    "Văn Đức",
    "Ngọc Ánh",
    "Minh Khuê",
    "Thị Mỷ",
    "A Páo",
    "Quỳnh Anh",
    "Văn Sáng",
];
const PROCEDURES: [&str; 4] = [
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "Đăng ký khai tử",
];

/// Form 07 with `rows` invented dossiers in February and March 2026.
pub fn tracking_book(rows: usize) -> TrackingBookInput {
    let rows = (0..rows)
        .map(|i| {
            let day = 2 + (i % 26) as u32;
            let result = match i % 10 {
                0 => Some(Timeliness::Late),
                1..=3 => Some(Timeliness::Early),
                4..=8 => Some(Timeliness::OnTime),
                _ => None,
            };
            TrackingRow {
                row_no: (i + 1) as u32,
                dossier_code: format!("H15.50.05.13-2602{:02}-{:04}", day, i + 1),
                procedure_name: PROCEDURES[i % PROCEDURES.len()].to_owned(),
                citizen_name: format!("{} {}", SURNAMES[i % 8], GIVEN[(i / 8) % 8]),
                address: Some(format!(
                    "Thôn {}, xã Tả Van",
                    ["Tả Van Giáy 1", "Lồ Ô", "Séo Mý Tỷ", "Hầu Chư Ngài"][i % 4]
                )),
                received_at: vn_time(2026, 2, day, 8 + (i % 8) as u32, (i * 7 % 60) as u32),
                due_at: vn_time(2026, 3, day, 16, 30),
                transferred_to: Some("Công chức Tư pháp - Hộ tịch".to_owned()),
                returned_at: result.map(|_| vn_time(2026, 3, day, 10, 0)),
                result,
            }
        })
        .collect();
    TrackingBookInput {
        body: IssuingBody::one_stop_counter("Tả Van"),
        book_no: "01".to_owned(),
        period: "Năm 2026".to_owned(),
        issued_at: vn_time(2026, 3, 31, 17, 0),
        rows,
    }
}

/// A letter of `kind` following the sample dossier, with wording as the domain crate
/// would compose it.
pub fn letter(kind: LetterKind) -> LetterInput {
    let paragraphs = match kind {
        LetterKind::Congratulations => vec![
            "Nhân dịp gia đình Ông/Bà đăng ký khai sinh cho cháu Nguyễn Minh Khôi, Ủy ban nhân dân xã Tả Van xin gửi tới gia đình lời chúc mừng tốt đẹp nhất.".to_owned(),
            "Chúc cháu luôn khỏe mạnh, ngoan ngoãn, lớn lên trong tình yêu thương của gia đình; chúc gia đình Ông/Bà hạnh phúc, an khang và thịnh vượng.".to_owned(),
        ],
        LetterKind::Condolences => vec![
            "Được tin Cụ Hoàng Văn Chử đã từ trần, Ủy ban nhân dân xã Tả Van xin gửi tới Ông/Bà và toàn thể gia đình lời chia buồn sâu sắc nhất.".to_owned(),
            "Mong gia đình sớm vượt qua nỗi đau mất mát to lớn này. Mọi thủ tục liên quan, Bộ phận Một cửa xã sẵn sàng hướng dẫn, hỗ trợ gia đình.".to_owned(),
        ],
        LetterKind::ThankYou => vec![
            "Ủy ban nhân dân xã Tả Van trân trọng cảm ơn Ông/Bà đã dành thời gian đánh giá mức độ hài lòng và góp ý về việc giải quyết thủ tục hành chính tại Bộ phận Một cửa xã.".to_owned(),
            "Những ý kiến của Ông/Bà giúp chúng tôi cải tiến quy trình, nâng cao chất lượng phục vụ Nhân dân ngày càng tốt hơn.".to_owned(),
        ],
    };
    LetterInput {
        kind,
        body: IssuingBody::peoples_committee("Tả Van"),
        number: None,
        issued_at: vn_time(2026, 2, 23, 10, 0),
        salutation: "Kính gửi: Ông Nguyễn Văn Hùng và Bà Nguyễn Thị Ánh Tuyết".to_owned(),
        paragraphs,
        closing: Some("Trân trọng!".to_owned()),
        signer: chairman(),
        dossier_code: Some("H15.50.05.13-260213-0007".to_owned()),
    }
}

/// Every sample document with a file name and its paper.
pub fn all_documents() -> Vec<(&'static str, Document, Paper)> {
    vec![
        ("01-slip-a4", Document::Slip(slip()), Paper::A4),
        ("01-slip-a5", Document::Slip(slip()), Paper::A5),
        (
            "01-slip-receipt80",
            Document::Slip(slip()),
            Paper::Receipt80,
        ),
        (
            "02-supplement-request",
            Document::SupplementRequest(supplement_request()),
            Paper::A4,
        ),
        ("03-refusal", Document::Refusal(refusal()), Paper::A4),
        ("04-apology", Document::Apology(apology()), Paper::A4),
        (
            "05-stop-notice",
            Document::StopNotice(stop_notice()),
            Paper::A4,
        ),
        (
            "06-control-sheet",
            Document::ControlSheet(control_sheet()),
            Paper::A4,
        ),
        (
            "07-tracking-book",
            Document::TrackingBook(tracking_book(60)),
            Paper::A4,
        ),
        (
            "letter-thank-you",
            Document::Letter(letter(LetterKind::ThankYou)),
            Paper::A4,
        ),
        (
            "letter-congratulations",
            Document::Letter(letter(LetterKind::Congratulations)),
            Paper::A4,
        ),
        (
            "letter-condolences",
            Document::Letter(letter(LetterKind::Condolences)),
            Paper::A4,
        ),
    ]
}

/// A period report with `procedures` invented rows in its by-procedure table.
pub fn period_report(procedures: usize) -> PeriodReportInput {
    let figure = |i: usize, k: usize| ((i * 7 + k * 3) % 40).to_string();
    PeriodReportInput {
        body: IssuingBody::one_stop_counter("Tả Van"),
        period: "Tháng 11 năm 2026 (từ 15/10/2026 đến 14/11/2026)".to_owned(),
        issued_at: vn_time(2026, 11, 16, 9, 0),
        summary: vec![
            ("Tổng tiếp nhận mới trong kỳ".to_owned(), "137".to_owned()),
            ("Đã trả kết quả đúng hạn".to_owned(), "120".to_owned()),
            ("Đã trả kết quả quá hạn".to_owned(), "2".to_owned()),
            ("Tỷ lệ giải quyết đúng hạn".to_owned(), "98,36%".to_owned()),
            ("Đạt chỉ tiêu trên 98%".to_owned(), "Đạt".to_owned()),
        ],
        tables: vec![
            ReportTable {
                heading: "Theo thủ tục hành chính".to_owned(),
                columns: [
                    "Thủ tục",
                    "Tiếp nhận",
                    "Đúng hạn",
                    "Quá hạn",
                    "Tỷ lệ đúng hạn",
                ]
                .map(str::to_owned)
                .to_vec(),
                rows: (0..procedures)
                    .map(|i| {
                        vec![
                            format!("Thủ tục mẫu (số {})", i + 1),
                            figure(i, 1),
                            figure(i, 2),
                            figure(i, 3),
                            format!("{},{:02}%", 90 + i % 10, i % 100),
                        ]
                    })
                    .collect(),
            },
            ReportTable {
                heading: "Theo công chức".to_owned(),
                columns: ["Công chức", "Tiếp nhận"].map(str::to_owned).to_vec(),
                rows: vec![],
            },
        ],
    }
}
