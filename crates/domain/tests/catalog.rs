//! The procedure catalogue: the shipped data and the parser's checks.

use chrono::NaiveDate;
use domain::catalog::Catalog;
use domain::procedure::{FollowUpLetter, TimeLimit};

const SHIPPED: &str = include_str!("../../../assets/catalog/procedures.json");

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn shipped() -> Catalog {
    Catalog::parse_json(SHIPPED).expect("the shipped catalogue parses")
}

/// The shipped catalogue holds the 25 commune procedures of domain.md §10, each with a legal
/// source, all in force on 22/11/2026.
#[test]
fn shipped_catalogue_has_25_procedures_in_force_each_with_a_legal_source() {
    let catalog = shipped();
    let in_force: Vec<_> = catalog.in_force_on(date(2026, 11, 22)).collect();
    assert_eq!(in_force.len(), 25);
    for procedure in &in_force {
        assert!(
            !procedure.legal_source.trim().is_empty(),
            "{} has no legal source",
            procedure.code
        );
        assert!(
            !procedure.documents.is_empty(),
            "{} has no documents",
            procedure.code
        );
    }
}

/// The civil-status procedures follow Luật Hộ tịch 2014 until 28/02/2027; from 01/3/2027 the
/// 2026 law applies (Luật Hộ tịch 03/2026/QH16), so the shipped 2014-law versions stop there.
#[test]
fn civil_status_versions_end_when_the_2026_law_takes_effect() {
    let catalog = shipped();
    assert!(catalog
        .procedure_at("1.001193", date(2027, 2, 28))
        .is_some());
    assert!(catalog.procedure_at("1.001193", date(2027, 3, 1)).is_none());
    // Certification is not civil status: still in force.
    assert!(catalog
        .procedure_at("LOCAL.CT.22", date(2027, 3, 1))
        .is_some());
}

/// domain.md §10 times: birth registration same day; marriage immediately, verification ≤ 5 WD;
/// contract certification ≤ 2 WD.
#[test]
fn shipped_times_match_the_domain_table() {
    let catalog = shipped();
    let at = date(2026, 11, 22);
    let birth = catalog
        .procedure_at("1.001193", at)
        .expect("birth registration");
    assert_eq!(birth.processing_time.standard, TimeLimit::SameDay);
    let marriage = catalog
        .procedure_at("1.000894", at)
        .expect("marriage registration");
    assert_eq!(marriage.processing_time.standard, TimeLimit::Immediate);
    assert_eq!(
        marriage.processing_time.with_verification,
        Some(TimeLimit::WorkingDays(5))
    );
    let contract = catalog
        .procedure_at("LOCAL.CT.24", at)
        .expect("contract certification");
    assert_eq!(contract.processing_time.standard, TimeLimit::WorkingDays(2));
}

/// Seed plan 003: congratulations after birth and marriage registration, condolences after a
/// death registration.
#[test]
fn follow_up_letters_are_suggested_for_birth_marriage_and_death() {
    let catalog = shipped();
    let at = date(2026, 11, 22);
    let letter = |code: &str| {
        catalog
            .procedure_at(code, at)
            .expect("procedure exists")
            .follow_up_letter
    };
    assert_eq!(
        letter("1.001193"),
        Some(FollowUpLetter::BirthCongratulations)
    );
    assert_eq!(
        letter("1.000894"),
        Some(FollowUpLetter::MarriageCongratulations)
    );
    assert_eq!(letter("1.000656"), Some(FollowUpLetter::Condolences));
    assert_eq!(letter("LOCAL.CT.23"), None);
}

/// Local codes are clearly marked and never shaped like national ones.
#[test]
fn codes_are_national_or_marked_local() {
    for procedure in shipped().procedures() {
        let national = procedure.code.len() == 8 && procedure.code.as_bytes()[1] == b'.';
        assert!(national || procedure.has_local_code(), "{}", procedure.code);
    }
}

#[test]
fn search_ignores_diacritics_and_matches_word_prefixes() {
    let catalog = shipped();
    let names = |query: &str| -> Vec<String> {
        catalog
            .search(query)
            .into_iter()
            .map(|procedure| procedure.code.clone())
            .collect()
    };
    let hits = names("dang ky khai sinh");
    assert!(hits.contains(&"1.001193".to_owned()));
    assert!(
        hits.contains(&"1.004746".to_owned()),
        "re-registration of birth"
    );
    assert!(
        !hits.contains(&"1.000656".to_owned()),
        "death registration is not a birth"
    );
    // Prefix by word, đ folded to d, case ignored.
    assert!(
        names("ĐK KHAI TU").is_empty(),
        "ĐK is not a prefix of any word"
    );
    assert!(names("đăng ký khai tử").contains(&"1.000656".to_owned()));
    assert!(names("chung th chu").contains(&"LOCAL.CT.23".to_owned()));
    // Code search, exact code first.
    assert_eq!(
        names("1.001193").first().map(String::as_str),
        Some("1.001193")
    );
    assert!(names("").is_empty());
    assert!(names("   ").is_empty());
}

#[test]
fn search_at_only_returns_versions_in_force() {
    let catalog = shipped();
    assert!(!catalog
        .search_at("khai sinh", date(2026, 11, 22))
        .is_empty());
    assert!(catalog.search_at("khai sinh", date(2027, 3, 1)).is_empty());
}

fn catalog_json(versions: &[(&str, &str, Option<&str>, &str)]) -> String {
    let procedures: Vec<String> = versions
        .iter()
        .map(|(code, from, until, time)| {
            let until = until.map_or(String::new(), |u| format!(r#","valid_until":"{u}""#));
            format!(
                r#"{{"code":"{code}","name":"Thủ tục thử","field":"civil_status",
                "processing_time":{time},"fee":{{"text":"Miễn lệ phí","amount_vnd":0}},
                "documents":[{{"name":"Tờ khai","form":"original"}}],
                "legal_source":"Luật thử điều 1","valid_from":"{from}"{until}}}"#
            )
        })
        .collect();
    format!(r#"{{"procedures":[{}]}}"#, procedures.join(","))
}

const THREE_DAYS: &str = r#"{"standard":{"kind":"working_days","value":3}}"#;

/// A dossier follows the version in force on its receipt date (Luật Hộ tịch 2026 art. 30).
#[test]
fn procedure_at_picks_the_version_in_force() {
    let text = catalog_json(&[
        ("1.000001", "2025-07-01", Some("2027-02-28"), THREE_DAYS),
        (
            "1.000001",
            "2027-03-01",
            None,
            r#"{"standard":{"kind":"working_hours","value":24}}"#,
        ),
    ]);
    let catalog = Catalog::parse_json(&text).expect("valid catalogue");
    let old = catalog
        .procedure_at("1.000001", date(2027, 2, 28))
        .expect("old");
    assert_eq!(old.processing_time.standard, TimeLimit::WorkingDays(3));
    let new = catalog
        .procedure_at("1.000001", date(2027, 3, 1))
        .expect("new");
    assert_eq!(new.processing_time.standard, TimeLimit::WorkingHours(24));
    assert!(catalog
        .procedure_at("1.000001", date(2025, 6, 30))
        .is_none());
    assert!(catalog.procedure_at("1.000002", date(2026, 1, 1)).is_none());
}

fn error_code(text: &str) -> &'static str {
    Catalog::parse_json(text)
        .expect_err("must be refused")
        .code()
}

#[test]
fn parse_refuses_duplicate_and_overlapping_versions() {
    let duplicate = catalog_json(&[
        ("1.000001", "2025-07-01", None, THREE_DAYS),
        ("1.000001", "2025-07-01", None, THREE_DAYS),
    ]);
    assert_eq!(error_code(&duplicate), "catalog_duplicate_version");
    let overlapping = catalog_json(&[
        ("1.000001", "2025-07-01", Some("2027-03-01"), THREE_DAYS),
        ("1.000001", "2027-03-01", None, THREE_DAYS),
    ]);
    assert_eq!(error_code(&overlapping), "catalog_overlapping_validity");
    let open_ended = catalog_json(&[
        ("1.000001", "2025-07-01", None, THREE_DAYS),
        ("1.000001", "2027-03-01", None, THREE_DAYS),
    ]);
    assert_eq!(error_code(&open_ended), "catalog_overlapping_validity");
    let backwards = catalog_json(&[("1.000001", "2025-07-01", Some("2025-06-30"), THREE_DAYS)]);
    assert_eq!(error_code(&backwards), "catalog_empty_validity");
}

#[test]
fn parse_refuses_insane_times_and_bad_codes() {
    let zero = catalog_json(&[(
        "1.000001",
        "2025-07-01",
        None,
        r#"{"standard":{"kind":"working_days","value":0}}"#,
    )]);
    assert_eq!(error_code(&zero), "catalog_time_not_sane");
    let shorter_verification = catalog_json(&[(
        "1.000001",
        "2025-07-01",
        None,
        r#"{"standard":{"kind":"working_days","value":5},
            "with_verification":{"kind":"working_days","value":3}}"#,
    )]);
    assert_eq!(error_code(&shorter_verification), "catalog_time_not_sane");
    let too_long = catalog_json(&[(
        "1.000001",
        "2025-07-01",
        None,
        r#"{"standard":{"kind":"calendar_days","value":400}}"#,
    )]);
    assert_eq!(error_code(&too_long), "catalog_time_not_sane");
    let bad_code = catalog_json(&[("1001193", "2025-07-01", None, THREE_DAYS)]);
    assert_eq!(error_code(&bad_code), "catalog_invalid_code");
    assert_eq!(error_code("{"), "catalog_json");
    assert_eq!(
        error_code(r#"{"procedures":[],"unknown":1}"#),
        "catalog_json",
        "unknown keys are typos"
    );
}
