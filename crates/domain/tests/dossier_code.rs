//! Dossier codes: the provisional local code (design of domain.md §5) and the official code
//! (NĐ 118 art. 28, TT 01/2018/TT-VPCP art. 19 format).

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::code::{CounterPrefix, LocalCode, OfficialCode, PREFIX_COUNT};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn prefix(text: &str) -> CounterPrefix {
    CounterPrefix::parse(text).expect("valid prefix")
}

#[test]
fn local_code_format() {
    let code = LocalCode::new(prefix("AB"), date(2026, 11, 22), 7).expect("valid");
    assert_eq!(code.to_string(), "AB261122-007");
    let big = LocalCode::new(prefix("ZZ"), date(2026, 1, 2), 12345).expect("valid");
    assert_eq!(big.to_string(), "ZZ260102-12345");
}

/// Every counter number gets its own prefix, and the prefixes never use I or O.
#[test]
fn counter_prefixes_are_distinct_and_unambiguous() {
    let all: Vec<CounterPrefix> = (0..PREFIX_COUNT)
        .map(|index| CounterPrefix::from_index(index).expect("in range"))
        .collect();
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), usize::from(PREFIX_COUNT));
    for (index, prefix) in all.iter().enumerate() {
        assert_eq!(usize::from(prefix.index()), index);
        assert!(!prefix.as_str().contains(['I', 'O']), "{prefix}");
    }
    assert!(CounterPrefix::from_index(PREFIX_COUNT).is_none());
    assert!(CounterPrefix::parse("AI").is_err());
    assert!(CounterPrefix::parse("O1").is_err());
    assert!(CounterPrefix::parse("ABC").is_err());
}

#[test]
fn local_code_parse_is_lenient_about_case_spaces_and_lookalikes() {
    let expected = LocalCode::new(prefix("KM"), date(2026, 10, 8), 105).expect("valid");
    for typed in [
        "KM261008-105",
        "km261008-105",
        " km 261008 105 ",
        "KM-261008-105",
        "KM26I0O8-IO5",
        "KM261008-0105",
    ] {
        assert_eq!(LocalCode::parse(typed), Ok(expected), "{typed:?}");
    }
}

#[test]
fn local_code_parse_errors_have_stable_codes() {
    let code = |text: &str| LocalCode::parse(text).expect_err("invalid").code();
    assert_eq!(code("AB2611"), "local_code_length");
    assert_eq!(code("IB261122-001"), "local_code_prefix");
    assert_eq!(code("AB261322-001"), "local_code_date");
    assert_eq!(code("AB260230-001"), "local_code_date");
    assert_eq!(code("AB261122-000"), "local_code_sequence");
    assert_eq!(code("AB261122-0X1"), "local_code_sequence");
    assert_eq!(code("AB261122-1234567"), "local_code_length");
}

fn any_prefix() -> impl Strategy<Value = CounterPrefix> {
    (0..PREFIX_COUNT).prop_map(|index| CounterPrefix::from_index(index).expect("in range"))
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (2000i32..=2099, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| date(y, m, d))
}

proptest! {
    #[test]
    fn local_code_round_trips(prefix in any_prefix(), date in any_date(), seq in 1u32..=999_999) {
        let code = LocalCode::new(prefix, date, seq).expect("valid");
        let text = code.to_string();
        prop_assert_eq!(LocalCode::parse(&text), Ok(code));
        prop_assert_eq!(LocalCode::parse(&text.to_lowercase()), Ok(code));
        prop_assert!(text.len() <= 15, "short enough to read aloud: {}", text);
    }

    /// Two counters of one commune never issue the same code: different prefixes (or dates, or
    /// sequences) always give different texts.
    #[test]
    fn different_counters_never_collide(
        a in (any_prefix(), any_date(), 1u32..=999_999),
        b in (any_prefix(), any_date(), 1u32..=999_999),
    ) {
        let code_a = LocalCode::new(a.0, a.1, a.2).expect("valid");
        let code_b = LocalCode::new(b.0, b.1, b.2).expect("valid");
        prop_assert_eq!(code_a.to_string() == code_b.to_string(), a == b);
    }

    #[test]
    fn official_code_round_trips(date in any_date(), seq in 1u32..=9_999) {
        let code = OfficialCode::new("h15.50.05.13", date, seq).expect("valid");
        let text = code.to_string();
        prop_assert_eq!(text.len(), "H15.50.05.13-261008-0975".len());
        prop_assert_eq!(OfficialCode::parse(&text), Ok(code));
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,30}") {
        let _ = LocalCode::parse(&text);
        let _ = OfficialCode::parse(&text);
    }
}

/// The real example of domain.md §5.
#[test]
fn official_code_parses_the_provincial_example() {
    let code = OfficialCode::parse("H15.50.05.13-261008-0975").expect("valid");
    assert_eq!(code.agency(), "H15.50.05.13");
    assert_eq!(code.date(), date(2026, 10, 8));
    assert_eq!(code.sequence(), 975);
    assert_eq!(code.to_string(), "H15.50.05.13-261008-0975");
    // Case-insensitive; ministry systems use up to 7 digits, kept as written.
    assert_eq!(
        OfficialCode::parse("h15.50.05.13-261008-0975").map(|c| c.to_string()),
        Ok("H15.50.05.13-261008-0975".to_owned())
    );
    assert_eq!(
        OfficialCode::parse("G22-261008-0001234").map(|c| c.to_string()),
        Ok("G22-261008-0001234".to_owned())
    );
    assert!(
        OfficialCode::parse("H15.50.05.M13-261008-0975").is_ok(),
        "MX1X2 group"
    );
}

#[test]
fn official_code_errors_have_stable_codes() {
    let code = |text: &str| OfficialCode::parse(text).expect_err("invalid").code();
    assert_eq!(code("H15.50.05.13-261008"), "official_code_shape");
    assert_eq!(code("15.50.05.13-261008-0975"), "official_code_agency");
    assert_eq!(code("H15.5.05.13-261008-0975"), "official_code_agency");
    assert_eq!(code("H15.50.05.13.01-261008-0975"), "official_code_agency");
    assert_eq!(code("H15.50.05.13-261308-0975"), "official_code_date");
    assert_eq!(code("H15.50.05.13-261008-975"), "official_code_sequence");
    assert_eq!(code("H15.50.05.13-261008-0000"), "official_code_sequence");
    assert_eq!(
        OfficialCode::new("H15", date(2026, 1, 1), 0)
            .expect_err("zero")
            .code(),
        "official_code_sequence"
    );
}
