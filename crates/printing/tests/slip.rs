//! Form 01, the receipt and appointment slip (TT 03/2025 Phụ lục I; NĐ 118 art. 17): every
//! field comes back out of the PDF exactly, the QR code decodes to the lookup address, and
//! long inputs stay inside the margins on A4, A5 and the 80 mm roll.

mod support;

use domain::dossier::{DocumentForm, ReceivedDocument};
use printing::layout::Item;
use printing::{layout, samples, Document, Paper, PrintError, SlipInput};
use support::{assert_inside_margins, page_text, redact_dates, render_checked};

fn expected_fields(slip: &SlipInput) -> Vec<String> {
    let mut fields = vec![
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_owned(),
        "Độc lập - Tự do - Hạnh phúc".to_owned(),
        "ỦY BAN NHÂN DÂN XÃ TẢ VAN".to_owned(),
        "BỘ PHẬN MỘT CỬA".to_owned(),
        "Số: 12/TNHS".to_owned(),
        "Tả Van, ngày 13 tháng 02 năm 2026".to_owned(),
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".to_owned(),
        format!("Mã hồ sơ: {}", slip.dossier_code),
        format!("Tiếp nhận hồ sơ của: {}", slip.citizen_name),
        "Số điện thoại: 0912345678".to_owned(),
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh".to_owned(),
        "2. Số lượng hồ sơ: 01 (bộ)".to_owned(),
        "4. Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 13/02/2026".to_owned(),
        "5. Thời gian trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 23/02/2026".to_owned(),
        "6. Đăng ký nhận kết quả tại: Bộ phận Một cửa xã Tả Van".to_owned(),
        "Quyển số: 01 Số thứ tự: 0007".to_owned(),
        "NGƯỜI NỘP HỒ SƠ".to_owned(),
        "NGƯỜI TIẾP NHẬN HỒ SƠ".to_owned(),
        "Lò Văn Sáng".to_owned(),
        slip.processing_time_text.clone(),
    ];
    if let Some(address) = &slip.address {
        fields.push(format!("Địa chỉ: {address}"));
    }
    for doc in &slip.documents {
        fields.push(doc.name.clone());
    }
    fields.push("Bản sao chứng thực".to_owned());
    fields
}

/// Every field of form 01 is in the PDF text, exactly, on each paper; the QR code decodes
/// to the lookup address carrying the dossier code (NĐ 118 art. 28: the slip carries the
/// code; TT 01/2018 art. 19 allows a QR code).
#[test]
fn slip_prints_every_field_and_a_readable_qr_on_each_paper() {
    let slip = samples::slip();
    let url = format!("{}/{}", samples::LOOKUP_BASE_URL, slip.dossier_code);
    for (name, paper) in [
        ("slip-a4", Paper::A4),
        ("slip-a5", Paper::A5),
        ("slip-roll", Paper::Receipt80),
    ] {
        let rendered = render_checked(name, &Document::Slip(slip.clone()), paper);
        for field in expected_fields(&slip) {
            rendered.assert_has(&field);
        }
        assert_eq!(rendered.qr_payloads(1), vec![url.clone()], "QR on {name}");
        assert_eq!(rendered.page_count(), 1, "{name} fits one page");
    }
}

/// The PDF carries the creation date passed in (never the clock) and the metadata.
#[test]
fn slip_metadata_has_title_author_subject_and_the_given_creation_date() {
    let rendered = render_checked("slip-meta", &Document::Slip(samples::slip()), Paper::A4);
    let info = rendered.info();
    assert!(
        info.contains("Author:          Ủy ban nhân dân xã Tả Van"),
        "{info}"
    );
    assert!(
        info.contains("Subject:         Mẫu số 01, Thông tư 03/2025/TT-VPCP"),
        "{info}"
    );
    assert!(
        info.contains(
            "Title:           Giấy tiếp nhận hồ sơ và hẹn trả kết quả H15.50.05.13-260213-0007"
        ),
        "{info}"
    );
    // 14:35 in UTC+7 is 07:35 UTC.
    assert!(
        info.contains("CreationDate:    2026-02-13T07:35:00"),
        "{info}"
    );
}

/// Fonts are subset on save: the whole three faces weigh over 1 MB, a subset slip well
/// under the 80 KB target.
#[test]
fn slip_embeds_subset_fonts_and_stays_small() {
    let rendered = render_checked("slip-size", &Document::Slip(samples::slip()), Paper::A4);
    assert!(
        rendered.bytes.len() < 80 * 1024,
        "slip is {} bytes",
        rendered.bytes.len()
    );
    let fonts = std::process::Command::new("pdffonts")
        .arg(&rendered.path)
        .output()
        .expect("pdffonts (poppler-utils)");
    let listing = String::from_utf8_lossy(&fonts.stdout);
    let subset_lines = listing
        .lines()
        .filter(|l| l.contains('+') && l.contains("LiberationSerif"))
        .count();
    assert_eq!(subset_lines, 3, "three subset faces (tag+name): {listing}");
}

fn long_slip() -> SlipInput {
    let mut slip = samples::slip();
    slip.citizen_name =
        "Hoàng Thị Phương Thảo Nguyễn Lê Minh Khuê Trịnh Đặng Quỳnh Anh Vũ Ngọc Ánh Dương"
            .to_owned();
    slip.address = Some(
        "Số nhà 1234, ngõ 56, ngách 78, hẻm 90, tổ dân phố số 12, thôn Tả Van Giáy 1, bản Lech Mông, \
         khu tái định cư phía Bắc suối Mường Hoa, xã Tả Van, tỉnh Lào Cai, gần trường Tiểu học và \
         Trung học cơ sở Tả Van, đối diện trạm y tế xã"
            .to_owned(),
    );
    slip.documents = (1..=40)
        .map(|i| ReceivedDocument {
            name: format!("Giấy tờ chứng minh quyền sử dụng đất, quyền sở hữu nhà ở số {i} kèm bản vẽ sơ đồ thửa đất"),
            form: if i % 2 == 0 { DocumentForm::Original } else { DocumentForm::Copy },
            count: 1 + i % 3,
        })
        .collect();
    slip
}

/// A very long name, a long address and a 40-line checklist stay inside the margins; the
/// checklist breaks onto further pages with its header row repeated.
#[test]
fn long_slip_stays_inside_margins_and_repeats_the_table_header() {
    for paper in [Paper::A4, Paper::A5, Paper::Receipt80] {
        let laid =
            layout(&Document::Slip(long_slip()), &support::options(paper)).expect("lays out");
        assert_inside_margins(&laid);
        if paper != Paper::Receipt80 {
            assert!(
                laid.pages.len() >= 2,
                "{paper:?}: 40 rows need more than one page"
            );
            for page in 1..laid.pages.len() {
                let text = page_text(&laid, page);
                if text.contains("Giấy tờ chứng minh") {
                    assert!(
                        text.contains("Tên giấy tờ"),
                        "{paper:?} page {}: header repeated",
                        page + 1
                    );
                }
                assert!(text.contains(&format!("Trang {}/{}", page + 1, laid.pages.len())));
            }
        } else {
            assert_eq!(laid.pages.len(), 1, "the roll is one long page");
        }
    }
    let rendered = render_checked("slip-long", &Document::Slip(long_slip()), Paper::A4);
    rendered.assert_has(
        "Hoàng Thị Phương Thảo Nguyễn Lê Minh Khuê Trịnh Đặng Quỳnh Anh Vũ Ngọc Ánh Dương",
    );
    rendered.assert_has("đối diện trạm y tế xã");
}

/// The roll page is exactly as long as its content (plus the bottom margin), in whole
/// printer dots, and the QR modules sit on whole dots of the 203 dpi head.
#[test]
fn receipt_roll_fits_its_content_and_puts_qr_modules_on_whole_dots() {
    let dot = 25.4 / 203.0;
    let laid = layout(
        &Document::Slip(samples::slip()),
        &support::options(Paper::Receipt80),
    )
    .expect("lays out");
    let page = &laid.pages[0];
    assert!((page.width_mm - 80.0).abs() < 1e-3);
    let on_grid = |v: f32| ((v / dot) - (v / dot).round()).abs() < 1e-3;
    assert!(
        on_grid(page.height_mm),
        "height {} is whole dots",
        page.height_mm
    );
    let lowest = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) => Some(t.baseline_mm),
            _ => None,
        })
        .fold(0.0_f32, f32::max);
    assert!(page.height_mm > lowest && page.height_mm < lowest + page.margins.bottom + 5.0);
    let qr = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Qr(q) => Some(q),
            _ => None,
        })
        .expect("a QR code");
    assert!(
        on_grid(qr.x_mm) && on_grid(qr.y_mm) && on_grid(qr.module_mm),
        "{qr:?}"
    );
    // y from the bottom of the page too, as the PDF stores it.
    assert!(on_grid(page.height_mm - qr.y_mm));
}

/// A character the font lacks is refused with a typed error naming the field, never drawn
/// as an empty box.
#[test]
fn a_character_missing_from_the_font_is_refused() {
    let mut slip = samples::slip();
    slip.citizen_name = "Nguyễn 阮 An".to_owned();
    let err =
        printing::render(&Document::Slip(slip), &support::options(Paper::A4)).expect_err("refused");
    assert_eq!(err.code(), "print.missing_glyph");
    assert!(
        matches!(
            err,
            PrintError::MissingGlyph {
                code_point: 0x962E,
                field: "citizen name",
                ..
            }
        ),
        "{err:?}"
    );
}

/// Decomposed input (as some keyboards and copy-paste produce) prints the same as the
/// precomposed form.
#[test]
fn decomposed_names_are_normalised_before_layout() {
    let mut decomposed = samples::slip();
    decomposed.citizen_name =
        "Nguye\u{302}\u{303}n Thi\u{323} A\u{301}nh Tuye\u{302}\u{301}t".to_owned();
    let a = layout(&Document::Slip(decomposed), &support::options(Paper::A4)).expect("lays out");
    let b = layout(
        &Document::Slip(samples::slip()),
        &support::options(Paper::A4),
    )
    .expect("lays out");
    assert_eq!(a, b);
}

#[test]
fn an_empty_mandatory_field_is_an_error() {
    let mut slip = samples::slip();
    slip.citizen_name = "   ".to_owned();
    let err = layout(&Document::Slip(slip), &support::options(Paper::A4)).expect_err("refused");
    assert_eq!(
        err,
        PrintError::EmptyField {
            field: "citizen name"
        }
    );
}

/// Snapshot of the slip's box model (dates redacted).
#[test]
fn slip_layout_snapshot() {
    for (name, paper) in [("slip_a4", Paper::A4), ("slip_receipt80", Paper::Receipt80)] {
        let mut laid =
            layout(&Document::Slip(samples::slip()), &support::options(paper)).expect("lays out");
        redact_dates(&mut laid);
        insta::assert_yaml_snapshot!(name, laid);
    }
}
