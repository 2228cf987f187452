//! Validation of what the clerk types: identification numbers (NĐ 137/2015 art. 7, TT 07/2016
//! art. 7), phone numbers, names and addresses. All people here are invented.

use chrono::NaiveDate;
use domain::validation::{
    birth_province, is_printable, normalize_address, normalize_name, printable_repertoire, Gender,
    PersonalIdNumber, PhoneKind, PhoneNumber, ValidationError, BIRTH_PROVINCES,
};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

#[test]
fn sixty_three_unique_province_codes_from_001_to_096() {
    assert_eq!(BIRTH_PROVINCES.len(), 63);
    assert!(
        BIRTH_PROVINCES.windows(2).all(|w| w[0].code < w[1].code),
        "sorted, unique"
    );
    assert_eq!(birth_province(1).map(|p| p.name), Some("Hà Nội"));
    assert_eq!(birth_province(79).map(|p| p.name), Some("Hồ Chí Minh"));
    assert_eq!(birth_province(96).map(|p| p.name), Some("Cà Mau"));
    for gap in [0, 3, 5, 9, 97, 99] {
        assert!(birth_province(gap).is_none(), "{gap:03} is a gap");
    }
}

/// 4th digit: gender and century (0/1 = 1900s, 2/3 = 2000s, 4/5 = 2100s).
#[test]
fn id_number_decodes_province_gender_and_birth_year() {
    let man = PersonalIdNumber::parse("001 0 85 012345", Some(date(1985, 3, 2))).expect("valid");
    assert_eq!(man.province_code(), 1);
    assert_eq!(man.gender(), Gender::Male);
    assert_eq!(man.birth_year(), 1985);
    assert_eq!(man.as_str(), "001085012345");
    let girl = PersonalIdNumber::parse("010326123456", None).expect("valid");
    assert_eq!(girl.province().map(|p| p.name), Some("Lào Cai"));
    assert_eq!(girl.gender(), Gender::Female);
    assert_eq!(girl.birth_year(), 2026);
    let future = PersonalIdNumber::parse("096401000001", None).expect("valid");
    assert_eq!(future.birth_year(), 2101);
}

#[test]
fn id_number_errors() {
    let code = |text: &str, birth: Option<NaiveDate>| {
        PersonalIdNumber::parse(text, birth)
            .expect_err("invalid")
            .code()
    };
    assert_eq!(code("00108501234", None), "id_number_length");
    assert_eq!(code("", None), "id_number_length");
    assert_eq!(code("0010850123456", None), "id_number_length");
    assert_eq!(code("00108501234a", None), "id_number_digit");
    assert_eq!(code("003085012345", None), "id_number_province");
    assert_eq!(code("099085012345", None), "id_number_province");
    // Century digit says 2000s but the person was born in 1985.
    assert_eq!(
        code("001285012345", Some(date(1985, 3, 2))),
        "id_number_birth_year"
    );
    assert_eq!(
        code("001084012345", Some(date(1985, 3, 2))),
        "id_number_birth_year"
    );
    assert_eq!(
        PersonalIdNumber::parse("0010850123x5", None),
        Err(ValidationError::IdNumberDigit {
            position: 10,
            character: 'x'
        })
    );
}

/// Personal data never in logs: Debug does not show the number.
#[test]
fn id_number_and_phone_debug_are_redacted() {
    let number = PersonalIdNumber::parse("001085012345", None).expect("valid");
    assert!(!format!("{number:?}").contains("012345"));
    let phone = PhoneNumber::parse("0912345678").expect("valid");
    assert!(!format!("{phone:?}").contains("345678"));
}

#[test]
fn phone_numbers_normalise_to_national_form() {
    for (typed, national, kind) in [
        ("0912345678", "0912345678", PhoneKind::Mobile),
        ("0912 345 678", "0912345678", PhoneKind::Mobile),
        ("0912.345.678", "0912345678", PhoneKind::Mobile),
        ("+84 912 345 678", "0912345678", PhoneKind::Mobile),
        ("+84 (0) 362-345-678", "0362345678", PhoneKind::Mobile),
        ("84582345678", "0582345678", PhoneKind::Mobile),
        ("0084 78 234 5678", "0782345678", PhoneKind::Mobile),
        ("0869 123 456", "0869123456", PhoneKind::Mobile),
        ("024 3825 1234", "02438251234", PhoneKind::Landline),
        ("+84 28 3822 1234", "02838221234", PhoneKind::Landline),
    ] {
        let phone = PhoneNumber::parse(typed).expect(typed);
        assert_eq!(phone.as_str(), national, "{typed}");
        assert_eq!(phone.kind(), kind, "{typed}");
    }
}

#[test]
fn phone_errors() {
    let code = |text: &str| PhoneNumber::parse(text).expect_err(text).code();
    assert_eq!(code("0412345678"), "phone_prefix", "04 is no mobile block");
    assert_eq!(
        code("01234567890"),
        "phone_prefix",
        "old 11-digit mobiles were renumbered in 2018"
    );
    assert_eq!(code("+1 555 123 4567"), "phone_prefix");
    assert_eq!(code("091234567"), "phone_length");
    assert_eq!(code("09123456789"), "phone_length");
    assert_eq!(code("0243825123"), "phone_length");
    assert_eq!(code(""), "phone_length");
    assert_eq!(code("0912 345 67a"), "phone_char");
    assert_eq!(code("09+12345678"), "phone_char");
}

/// Invented names of many ethnic groups must pass unchanged (Kinh, Tày, Thái, Hmông, Dao,
/// Khmer, Ê Đê, Jrai, Mường, Chăm, Nùng).
#[test]
fn names_of_many_ethnic_groups_are_accepted() {
    for name in [
        "Nguyễn Thị Ngọc Ánh", // Kinh
        "Trần Văn Đức",        // Kinh
        "Nông Văn Dền",        // Tày
        "Hoàng Thị Slam",      // Tày
        "Lò Văn Pọm",          // Thái
        "Lường Thị Ỏn",        // Thái
        "Thào A Páo",          // Hmông
        "Giàng Thị Mỷ",        // Hmông
        "Sùng Seo Chứ",        // Hmông
        "Triệu Tả Mẩy",        // Dao
        "Bàn Văn Sinh",        // Dao
        "Thạch Thị Sa Rươne",  // Khmer
        "Danh Sóc Kha",        // Khmer
        "H'Hen Niê",           // Ê Đê
        "Y Ŏn Êban",           // Ê Đê, breve vowel
        "H'Bia Byă",           // Ê Đê
        "Ksor H'Ñuh",          // Jrai
        "Rơ Mah Thị Hlinh",    // Jrai
        "Bùi Văn Quyết",       // Mường
        "Đinh Thị Khuyên",     // Mường
        "Thập Thị Ngọc Hằng",  // Chăm
        "Vi Văn Sằn",          // Nùng
    ] {
        assert_eq!(normalize_name(name).as_deref(), Ok(name), "{name}");
    }
}

#[test]
fn names_are_tidied() {
    // Typographic apostrophe, NBSP, runs of spaces, decomposed diacritics (NFD) -> NFC.
    let typed = "  H\u{2019}Hen\u{00A0}\u{00A0} Nie\u{0302}  ";
    assert_eq!(normalize_name(typed).as_deref(), Ok("H'Hen Niê"));
    let decomposed: String = "Giàng Thị Mỷ".nfd().collect();
    assert_eq!(normalize_name(&decomposed).as_deref(), Ok("Giàng Thị Mỷ"));
    // ơ with a combining breve stays (no precomposed form exists).
    assert!(normalize_name("Y Mơ\u{0306}").is_ok());
}

#[test]
fn name_errors_name_the_character_and_its_position() {
    assert_eq!(
        normalize_name("   ").map_err(|e| e.code()),
        Err("name_empty")
    );
    assert_eq!(
        normalize_name(&"a".repeat(101)).map_err(|e| e.code()),
        Err("name_too_long")
    );
    assert_eq!(
        normalize_name("Nguyễn Văn 3"),
        Err(ValidationError::NameInvalidChar {
            position: 11,
            character: '3'
        })
    );
    assert_eq!(
        normalize_name("Lê Thị Ǹ"),
        Err(ValidationError::NameUnprintableChar {
            position: 7,
            character: 'Ǹ'
        })
    );
    assert_eq!(
        normalize_name("Trần 😀").map_err(|e| e.code()),
        Err("name_unprintable_char")
    );
    assert_eq!(
        normalize_name("李小龍").map_err(|e| e.code()),
        Err("name_unprintable_char")
    );
    assert_eq!(
        normalize_name("\u{0306}An").map_err(|e| e.code()),
        Err("name_invalid_char"),
        "a breve must sit on a letter"
    );
}

#[test]
fn addresses_allow_digits_and_punctuation_but_not_unprintable_characters() {
    assert_eq!(
        normalize_address("Thôn 3,  xã Tà Xùa – tỉnh Sơn La").as_deref(),
        Ok("Thôn 3, xã Tà Xùa - tỉnh Sơn La")
    );
    assert_eq!(
        normalize_address("Số 12/4 ngõ 5, buôn Ko Sia (đội 2)").as_deref(),
        Ok("Số 12/4 ngõ 5, buôn Ko Sia (đội 2)")
    );
    assert_eq!(
        normalize_address("").map_err(|e| e.code()),
        Err("address_empty")
    );
    assert_eq!(
        normalize_address("Thôn ★ 3").map_err(|e| e.code()),
        Err("address_unprintable_char")
    );
    assert_eq!(
        normalize_address(&"x".repeat(301)).map_err(|e| e.code()),
        Err("address_too_long")
    );
}

/// Every Vietnamese vowel with every tone mark, upper and lower case, is printable after NFC.
#[test]
fn repertoire_holds_every_vietnamese_letter() {
    let tones = [
        "", "\u{0300}", "\u{0301}", "\u{0309}", "\u{0303}", "\u{0323}",
    ];
    for base in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] {
        for case in [base.to_owned(), base.to_uppercase()] {
            for tone in tones {
                let letter: String = format!("{case}{tone}").nfc().collect();
                assert_eq!(letter.chars().count(), 1, "{letter} has a precomposed form");
                assert!(letter.chars().all(is_printable), "{letter}");
            }
        }
    }
    assert!(is_printable('đ') && is_printable('Đ'));
    let repertoire: Vec<char> = printable_repertoire().collect();
    assert!(repertoire.contains(&'ỹ') && repertoire.contains(&'ŏ') && repertoire.contains(&'~'));
    assert!(!repertoire.contains(&'€'));
}

fn any_message_error() -> impl Strategy<Value = ValidationError> {
    prop_oneof![
        (0usize..20).prop_map(|length| ValidationError::IdNumberLength { length }),
        (0usize..20, any::<char>()).prop_map(|(position, character)| {
            ValidationError::IdNumberDigit {
                position,
                character,
            }
        }),
        (0u16..1000).prop_map(|code| ValidationError::IdNumberProvince { code }),
        Just(ValidationError::IdNumberBirthYear),
        Just(ValidationError::PhonePrefix),
        (0usize..20).prop_map(|length| ValidationError::PhoneLength { length }),
        Just(ValidationError::NameEmpty),
        (0usize..20, any::<char>()).prop_map(|(position, character)| {
            ValidationError::NameUnprintableChar {
                position,
                character,
            }
        }),
        Just(ValidationError::AddressEmpty),
    ]
}

proptest! {
    /// Parsers never panic on arbitrary input, and whatever they accept is printable.
    #[test]
    fn validators_never_panic(text in "\\PC{0,60}") {
        let _ = PersonalIdNumber::parse(&text, None);
        let _ = PhoneNumber::parse(&text);
        if let Ok(name) = normalize_name(&text) {
            prop_assert!(name.chars().all(is_printable));
            prop_assert_eq!(name.trim(), name.as_str());
            prop_assert!(!name.contains("  "));
        }
        if let Ok(address) = normalize_address(&text) {
            prop_assert!(address.chars().all(is_printable));
        }
    }

    /// Tidying is idempotent: a stored name re-validates to itself.
    #[test]
    fn name_normalisation_is_idempotent(text in "[a-zA-ZàáạảãăằắặẳẵâầấậẩẫđĐêềếệểễơờớợởỡưừứựửữ' \u{2019}-]{1,40}") {
        if let Ok(name) = normalize_name(&text) {
            prop_assert_eq!(normalize_name(&name), Ok(name.clone()));
        }
    }

    /// Every error has a code and a Vietnamese message that says "vui lòng" or asks to enter.
    #[test]
    fn every_error_has_a_polite_message(error in any_message_error()) {
        prop_assert!(!error.code().is_empty());
        let message = error.message_vi();
        prop_assert!(message.contains("Xin vui lòng"), "{}", message);
    }
}
