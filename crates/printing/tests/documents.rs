//! Forms 02 to 07 of TT 03/2025 Phụ lục I and the friendly-government letters: every field
//! comes back out of the PDF exactly, the files pass `qpdf --check`, QR codes decode, long
//! tables break across pages with their header repeated.

mod support;

use printing::LetterKind;
use printing::{layout, samples, Document, Paper, PrintError};
use support::{assert_inside_margins, page_text, redact_dates, render_checked};

const HEADER: [&str; 3] = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ỦY BAN NHÂN DÂN XÃ TẢ VAN",
];

/// Form 02 (NĐ 118 art. 17.1.c, 19.5): items, reason and guidance all printed.
#[test]
fn supplement_request_prints_every_item_and_the_reason() {
    let input = samples::supplement_request();
    let r = render_checked(
        "form02",
        &Document::SupplementRequest(input.clone()),
        Paper::A4,
    );
    for h in HEADER {
        r.assert_has(h);
    }
    r.assert_has("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
    r.assert_has("Số: 03/YCBS");
    r.assert_has("Tả Van, ngày 13 tháng 02 năm 2026");
    r.assert_has(&format!(
        "Ông/Bà {} vào 14 giờ 30 phút, ngày 13/02/2026",
        input.citizen_name
    ));
    r.assert_has(&format!("Mã hồ sơ: {}", input.dossier_code));
    for (i, item) in input.items.iter().enumerate() {
        r.assert_has(&format!("{}. {item}", i + 1));
    }
    r.assert_has(&format!("Lý do: {}", input.reason));
    r.assert_has(input.guidance.as_deref().unwrap_or_default());
    r.assert_has("NGƯỜI HƯỚNG DẪN");
    r.assert_has("Lò Văn Sáng");
}

/// Form 02 must list what is missing: an empty list is refused (art. 11.2.c: all at once).
#[test]
fn supplement_request_without_items_is_refused() {
    let mut input = samples::supplement_request();
    input.items.clear();
    let err = layout(
        &Document::SupplementRequest(input),
        &support::options(Paper::A4),
    )
    .expect_err("refused");
    assert_eq!(
        err,
        PrintError::EmptyField {
            field: "supplement items"
        }
    );
}

/// Form 03 (NĐ 118 art. 19.3): the reason for refusal is printed.
#[test]
fn refusal_prints_the_reason() {
    let input = samples::refusal();
    let r = render_checked("form03", &Document::Refusal(input.clone()), Paper::A4);
    r.assert_has("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
    r.assert_has("Số: 01/TCHS");
    r.assert_has(&input.citizen_name);
    r.assert_has(input.address.as_deref().unwrap_or_default());
    r.assert_has(&format!(
        "Nội dung yêu cầu giải quyết: {}",
        input.procedure_name
    ));
    r.assert_has(&input.reason);
}

/// Form 04 (NĐ 118 art. 19.6): reason for the delay, the original and the one new return
/// time, signed for the People's Committee; the QR code leads to the dossier.
#[test]
fn apology_prints_reason_both_dates_and_a_readable_qr() {
    let input = samples::apology();
    let r = render_checked("form04", &Document::Apology(input.clone()), Paper::A4);
    r.assert_has("ỦY BAN NHÂN DÂN XÃ TẢ VAN");
    r.assert_has("VĂN BẢN XIN LỖI");
    r.assert_has("Số: 15/UBND-VP");
    r.assert_has("Tả Van, ngày 02 tháng 3 năm 2026");
    r.assert_has(&format!("Kính gửi: Ông/Bà {}", input.citizen_name));
    r.assert_has("Ngày 10/02/2026");
    // The catalogue name sits inside the sentence, lower case, "thủ tục" once.
    r.assert_has("về thủ tục chứng thực hợp đồng, giao dịch");
    r.assert_has(&input.dossier_code);
    r.assert_has("16 giờ 30 phút, ngày 03/03/2026");
    r.assert_has(&input.reason);
    r.assert_has("hẹn lại thời gian trả kết quả: 10 giờ 00 phút, ngày 06/03/2026");
    r.assert_has("TM. ỦY BAN NHÂN DÂN");
    r.assert_has("CHỦ TỊCH");
    r.assert_has("Giàng A Páo");
    assert_eq!(
        r.qr_payloads(1),
        vec![format!(
            "{}/{}",
            samples::LOOKUP_BASE_URL,
            input.dossier_code
        )]
    );
}

/// Form 05 (NĐ 118 art. 21): the request date, the dossier and how documents come back.
#[test]
fn stop_notice_prints_request_and_return_of_documents() {
    let input = samples::stop_notice();
    let r = render_checked("form05", &Document::StopNotice(input.clone()), Paper::A4);
    r.assert_has("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ");
    r.assert_has("Ngày 13/02/2026, Ông/Bà Sùng Thị Mỷ");
    r.assert_has(&input.dossier_code);
    r.assert_has("tiếp nhận lúc 08 giờ 45 phút, ngày 11/02/2026");
    r.assert_has("Điều 21 Nghị định số 118/2025/NĐ-CP");
    r.assert_has(input.return_of_documents.as_deref().unwrap_or_default());
}

/// Form 06: each hand-over with its time, both names and early/on time/late.
#[test]
fn control_sheet_prints_each_hand_over_with_names_and_result() {
    let input = samples::control_sheet();
    let r = render_checked("form06", &Document::ControlSheet(input.clone()), Paper::A4);
    r.assert_has("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    r.assert_has(&format!("Mã hồ sơ: {}", input.dossier_code));
    r.assert_has("Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 13/02/2026");
    r.assert_has("Thời gian hẹn trả kết quả: 10 giờ 00 phút, ngày 23/02/2026");
    for name in [
        "Lò Văn Sáng",
        "Vàng Thị Dính",
        "Giàng A Páo",
        "Trước hạn",
        "Đúng hạn",
        "Đã ký",
    ] {
        r.assert_has(name);
    }
    r.assert_has("14 giờ 45 phút, ngày 13/02/2026");
}

/// Form 07: 500 dossiers on landscape pages, the header row on every page, every dossier
/// code present once, pages numbered.
#[test]
fn tracking_book_of_500_rows_repeats_its_header_on_every_page() {
    let input = samples::tracking_book(500);
    let laid = layout(
        &Document::TrackingBook(input.clone()),
        &support::options(Paper::A4),
    )
    .expect("lays out");
    assert_inside_margins(&laid);
    let pages = laid.pages.len();
    assert!(pages > 10, "500 rows need many pages, got {pages}");
    for page in &laid.pages {
        assert!(page.width_mm > page.height_mm, "landscape");
    }
    for n in 0..pages {
        let text = page_text(&laid, n);
        for header in [
            "Mã hồ sơ",
            "Tên thủ tục hành chính",
            "Người nộp",
            "Hẹn trả kết quả",
            "Ký nhận",
        ] {
            assert!(
                text.contains(header),
                "page {} lacks header {header}",
                n + 1
            );
        }
        assert!(text.contains(&format!("Trang {}/{pages}", n + 1)));
    }
    let r = render_checked("form07", &Document::TrackingBook(input.clone()), Paper::A4);
    assert_eq!(r.page_count(), pages);
    for row in &input.rows {
        assert_eq!(
            r.text.matches(&row.dossier_code).count(),
            1,
            "{} printed once",
            row.dossier_code
        );
    }
    r.assert_has("SỔ THEO DÕI HỒ SƠ");
    r.assert_has("Quyển số: 01 - Năm 2026");
    r.assert_has("02/02/2026 08 giờ 00 phút");
    r.assert_has("Quá hạn");
}

#[test]
fn tracking_book_is_only_printed_on_a4() {
    let err = layout(
        &Document::TrackingBook(samples::tracking_book(3)),
        &support::options(Paper::A5),
    )
    .expect_err("A4 only");
    assert_eq!(err.code(), "print.paper_not_supported");
    let err = layout(
        &Document::Letter(samples::letter(LetterKind::ThankYou)),
        &support::options(Paper::Receipt80),
    )
    .expect_err("no roll");
    assert_eq!(err.code(), "print.paper_not_supported");
}

/// The period report (domain.md §7) prints every indicator with its value, and a long
/// by-procedure table breaks across landscape pages with its header repeated; an empty
/// breakdown says so in words.
#[test]
fn period_report_prints_every_figure_and_repeats_table_headers() {
    let input = samples::period_report(120);
    let laid = layout(
        &Document::PeriodReport(input.clone()),
        &support::options(Paper::A4),
    )
    .expect("lays out");
    assert_inside_margins(&laid);
    let pages = laid.pages.len();
    assert!(
        pages >= 3,
        "120 procedure rows need several pages, got {pages}"
    );
    for n in 1..pages {
        let text = page_text(&laid, n);
        assert!(
            text.contains("Tỷ lệ đúng hạn"),
            "page {} repeats the header",
            n + 1
        );
    }
    let r = render_checked("report", &Document::PeriodReport(input.clone()), Paper::A4);
    r.assert_has("BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");
    r.assert_has(&input.period);
    for (label, value) in &input.summary {
        r.assert_has(label);
        r.assert_has(value);
    }
    for n in 1..=120 {
        let label = format!("Thủ tục mẫu (số {n})");
        assert_eq!(r.text.matches(&label).count(), 1, "{label} printed once");
    }
    r.assert_has("Theo công chức");
    r.assert_has("Không có hồ sơ trong kỳ.");

    let mut ragged = input;
    ragged.tables[0].rows[0].pop();
    let error = layout(
        &Document::PeriodReport(ragged),
        &support::options(Paper::A4),
    )
    .expect_err("a short row is refused");
    assert_eq!(error.code(), "print.ragged_table");
}

/// Thank-you, congratulations and condolences letters (local "Chính quyền thân thiện"
/// practice): title, salutation, every paragraph, signature, and the QR code.
#[test]
fn letters_print_title_paragraphs_signature_and_qr() {
    for (kind, title) in [
        (LetterKind::ThankYou, "THƯ CẢM ƠN"),
        (LetterKind::Congratulations, "THƯ CHÚC MỪNG"),
        (LetterKind::Condolences, "THƯ CHIA BUỒN"),
    ] {
        let input = samples::letter(kind);
        let r = render_checked(
            &format!("letter-{kind:?}"),
            &Document::Letter(input.clone()),
            Paper::A4,
        );
        r.assert_has(title);
        r.assert_has("Tả Van, ngày 23 tháng 02 năm 2026");
        r.assert_has(&input.salutation);
        for p in &input.paragraphs {
            r.assert_has(p);
        }
        r.assert_has("Trân trọng!");
        r.assert_has("Giàng A Páo");
        let code = input.dossier_code.clone().unwrap_or_default();
        assert_eq!(
            r.qr_payloads(1),
            vec![format!("{}/{code}", samples::LOOKUP_BASE_URL)]
        );
        let info = r.info();
        assert!(
            info.contains("Author:          Ủy ban nhân dân xã Tả Van"),
            "{info}"
        );
    }
}

/// Every document of the counter in A5 too (except the book), and none leaves the margins.
#[test]
fn every_portrait_document_fits_a5_and_a4_margins() {
    for (name, doc, paper) in samples::all_documents() {
        let laid = layout(&doc, &support::options(paper)).expect(name);
        assert_inside_margins(&laid);
        if !matches!(doc, Document::TrackingBook(_)) && paper == Paper::A4 {
            let a5 = layout(&doc, &support::options(Paper::A5)).expect(name);
            assert_inside_margins(&a5);
        }
    }
}

/// A letter whose paragraphs run over a page continues on the next one, inside the margins.
#[test]
fn a_long_letter_breaks_across_pages() {
    let mut input = samples::letter(LetterKind::ThankYou);
    input.paragraphs = (1..=30)
        .map(|i| format!("Đoạn thứ {i}: {}", input.paragraphs[0]))
        .collect();
    let laid = layout(&Document::Letter(input), &support::options(Paper::A4)).expect("lays out");
    assert!(laid.pages.len() >= 2);
    assert_inside_margins(&laid);
}

/// Snapshots of each document's box model, dates redacted.
#[test]
fn document_layout_snapshots() {
    let docs = [
        (
            "form02",
            Document::SupplementRequest(samples::supplement_request()),
        ),
        ("form03", Document::Refusal(samples::refusal())),
        ("form04", Document::Apology(samples::apology())),
        ("form05", Document::StopNotice(samples::stop_notice())),
        ("form06", Document::ControlSheet(samples::control_sheet())),
        (
            "form07_25_rows",
            Document::TrackingBook(samples::tracking_book(25)),
        ),
        (
            "letter_condolences",
            Document::Letter(samples::letter(LetterKind::Condolences)),
        ),
    ];
    for (name, doc) in docs {
        let mut laid = layout(&doc, &support::options(Paper::A4)).expect(name);
        redact_dates(&mut laid);
        insta::assert_yaml_snapshot!(name, laid);
    }
}
