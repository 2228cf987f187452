//! Letter content: the apology of form 04 (NĐ 118 art. 19.6) and the friendly-government
//! letters (seed plans 003, 004). All people are invented.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use domain::letter::{
    build_letter, format_date_vi, format_time_vi, CommuneInfo, DossierFacts, LetterKind,
    LetterTemplates, Occasion,
};
use domain::procedure::FollowUpLetter;

const SHIPPED: &str = include_str!("../../../assets/letters/templates.json");

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(7 * 3600)
        .and_then(|zone| zone.with_ymd_and_hms(y, m, d, h, min, 0).single())
        .expect("valid test instant")
}

fn templates() -> LetterTemplates {
    LetterTemplates::parse_json(SHIPPED).expect("shipped templates parse")
}

fn commune() -> CommuneInfo {
    CommuneInfo {
        agency_name: "Ủy ban nhân dân xã An Khương".to_owned(),
        commune_name: "xã An Khương".to_owned(),
        place_name: "An Khương".to_owned(),
        signer_title: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".to_owned(),
        signer_name: "Hà Văn Thắng".to_owned(),
    }
}

fn dossier() -> DossierFacts {
    DossierFacts {
        code: "AB261118-004".to_owned(),
        procedure_name: "Thủ tục đăng ký lại khai sinh".to_owned(),
        citizen_name: "Giàng Thị Mỷ".to_owned(),
        received_at: at(2026, 11, 18, 9, 5),
        due_at: at(2026, 11, 25, 16, 30),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// NĐ 30/2020/NĐ-CP: days below 10 and months 1, 2 take a leading zero.
#[test]
fn dates_and_times_in_administrative_style() {
    assert_eq!(
        format_date_vi(date(2026, 11, 22)),
        "ngày 22 tháng 11 năm 2026"
    );
    assert_eq!(
        format_date_vi(date(2026, 2, 5)),
        "ngày 05 tháng 02 năm 2026"
    );
    assert_eq!(
        format_date_vi(date(2026, 1, 10)),
        "ngày 10 tháng 01 năm 2026"
    );
    assert_eq!(format_date_vi(date(2026, 3, 7)), "ngày 07 tháng 3 năm 2026");
    assert_eq!(format_time_vi(at(2026, 1, 1, 8, 5)), "08 giờ 05 phút");
    assert_eq!(format_time_vi(at(2026, 1, 1, 16, 30)), "16 giờ 30 phút");
}

/// Form 04 content (NĐ 118 art. 19.6; HCMC practice): citizen, procedure, dossier code, reason
/// for the delay, the new return date, and the apology itself.
#[test]
fn apology_carries_the_content_of_form_04() {
    let occasion = Occasion::Apology {
        delay_reason:
            "hồ sơ cần xác minh thêm thông tin tại Ủy ban nhân dân xã nơi cư trú trước đây"
                .to_owned(),
        new_due_at: at(2026, 12, 2, 10, 0),
    };
    let letter = build_letter(
        &templates(),
        &occasion,
        &dossier(),
        &commune(),
        date(2026, 11, 24),
    );
    assert_eq!(letter.kind, LetterKind::Apology);
    assert_eq!(
        letter.place_and_date,
        "An Khương, ngày 24 tháng 11 năm 2026"
    );
    assert_eq!(letter.salutation, "Kính gửi: Ông/Bà Giàng Thị Mỷ");
    assert_eq!(letter.dossier_code, "AB261118-004");
    let body = letter.paragraphs.join("\n");
    for expected in [
        "ngày 18 tháng 11 năm 2026",
        "Thủ tục đăng ký lại khai sinh",
        "AB261118-004",
        "16 giờ 30 phút, ngày 25 tháng 11 năm 2026",
        "Lý do: hồ sơ cần xác minh thêm",
        "xin lỗi",
        "10 giờ 00 phút, ngày 02 tháng 12 năm 2026",
    ] {
        assert!(body.contains(expected), "missing {expected:?} in {body}");
    }
    assert!(
        !body.contains('{') && !body.contains('}'),
        "all placeholders filled"
    );
    assert_eq!(letter.signer_name, "Hà Văn Thắng");
}

#[test]
fn follow_up_letters_use_the_event_names() {
    let templates = templates();
    let build = |occasion: Occasion| {
        build_letter(
            &templates,
            &occasion,
            &dossier(),
            &commune(),
            date(2026, 11, 25),
        )
    };
    let birth = build(Occasion::BirthCongratulations {
        child_name: "Thào Thị Mai".to_owned(),
    });
    assert_eq!(birth.title, "THƯ CHÚC MỪNG");
    assert!(birth.paragraphs.join(" ").contains("cháu Thào Thị Mai"));
    let marriage = build(Occasion::MarriageCongratulations {
        partner_name: "Thào A Páo".to_owned(),
    });
    assert!(
        marriage.salutation.contains("Giàng Thị Mỷ") && marriage.salutation.contains("Thào A Páo")
    );
    let condolences = build(Occasion::Condolences {
        deceased_name: "Giàng A Chử".to_owned(),
    });
    assert_eq!(condolences.closing, "Thành kính chia buồn!");
    assert!(condolences.paragraphs.join(" ").contains("Giàng A Chử"));
    let thanks = build(Occasion::ThankYou);
    assert_eq!(thanks.title, "THƯ CẢM ƠN");
    for letter in [birth, marriage, condolences, thanks] {
        let text = format!(
            "{} {} {}",
            letter.salutation,
            letter.paragraphs.join(" "),
            letter.closing
        );
        assert!(!text.contains('{'), "{text}");
    }
}

#[test]
fn follow_up_letter_of_a_procedure_maps_to_a_letter_kind() {
    assert_eq!(
        LetterKind::from(FollowUpLetter::Condolences),
        LetterKind::Condolences
    );
    assert_eq!(
        LetterKind::from(FollowUpLetter::BirthCongratulations),
        LetterKind::BirthCongratulations
    );
}

fn with_apology_paragraph(paragraph: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(SHIPPED).expect("json");
    value["templates"][0]["paragraphs"][0] = serde_json::Value::String(paragraph.to_owned());
    value.to_string()
}

fn parse_error(text: &str) -> &'static str {
    LetterTemplates::parse_json(text)
        .expect_err("must be refused")
        .code()
}

/// Unknown placeholders are caught when the templates are loaded, not when printing.
#[test]
fn template_errors_are_caught_at_parse_time() {
    assert_eq!(
        parse_error(&with_apology_paragraph("Kính gửi {citizen_nam}")),
        "letter_unknown_placeholder"
    );
    assert_eq!(
        parse_error(&with_apology_paragraph("Chúc mừng cháu {child_name}")),
        "letter_placeholder_not_for_kind"
    );
    assert_eq!(
        parse_error(&with_apology_paragraph("Mã số {dossier_code")),
        "letter_unbalanced_brace"
    );
    assert_eq!(
        parse_error(&with_apology_paragraph("Mã số dossier_code}")),
        "letter_unbalanced_brace"
    );
    assert_eq!(
        parse_error(&with_apology_paragraph("Xin lỗi ★")),
        "letter_unprintable_char"
    );
    let mut value: serde_json::Value = serde_json::from_str(SHIPPED).expect("json");
    if let Some(list) = value["templates"].as_array_mut() {
        list.pop();
    }
    assert_eq!(parse_error(&value.to_string()), "letter_missing_template");
    let mut value: serde_json::Value = serde_json::from_str(SHIPPED).expect("json");
    let first = value["templates"][0].clone();
    if let Some(list) = value["templates"].as_array_mut() {
        list.push(first);
    }
    assert_eq!(parse_error(&value.to_string()), "letter_duplicate_template");
    assert_eq!(parse_error("[]"), "letter_json");
}
