//! Search as the clerk types: names without diacritics across ethnic groups, codes, numbers.

use crate::common::{at, citizen, new_dossier, new_store, Fixture};

/// Invented people of many ethnic groups (Kinh, Tày, Thái, Hmông, Dao, Nùng, Mường, Khmer…).
const PEOPLE: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    (
        "S-01",
        "Nguyễn Văn An",
        Some("001090000001"),
        Some("0912000001"),
    ),
    ("S-02", "Nguyễn Thị Ánh", None, Some("0912000002")),
    ("S-03", "Đặng Đình Đức", Some("001090000003"), None),
    ("S-04", "Giàng A Páo", None, None),
    ("S-05", "Thào Thị Mỷ", Some("011199000005"), None),
    ("S-06", "Triệu Tả Mẩy", None, Some("0987000006")),
    ("S-07", "Bàn Văn Quẩy", None, None),
    ("S-08", "Hoàng Văn Nặm", None, None),
    ("S-09", "Lò Thị Ưởn", None, None),
    ("S-10", "Vàng Seo Chử", None, None),
    ("S-11", "Sùng Thị Dợ", None, None),
    ("S-12", "Lường Văn Ơn", None, None),
    ("S-13", "Bùi Thị Mờn", None, None),
    ("S-14", "Thạch Thị Sô Phia", None, None),
    ("S-15", "Nông Đức Mạnh Hùng", None, None),
];

fn populated() -> Fixture {
    let mut fx = new_store();
    for (i, (code, name, id_number, phone)) in PEOPLE.iter().enumerate() {
        let mut dossier = new_dossier(code, name, i as i64, 600);
        dossier.citizen = citizen(name, *id_number, *phone);
        fx.store.take_in(&dossier, at(100)).expect("intake");
    }
    fx
}

fn found(fx: &Fixture, typed: &str) -> Vec<String> {
    fx.store
        .search(typed, 20)
        .expect("search")
        .into_iter()
        .map(|d| d.code)
        .collect()
}

/// The acceptance example: "nguyen van an" finds "Nguyễn Văn An" and only him.
#[test]
fn unaccented_full_name_finds_the_accented_citizen() {
    let fx = populated();
    assert_eq!(found(&fx, "nguyen van an"), ["S-01"]);
}

/// đ folds to d: "dang dinh duc" finds "Đặng Đình Đức".
#[test]
fn d_bar_folds_to_d() {
    let fx = populated();
    assert_eq!(found(&fx, "dang dinh duc"), ["S-03"]);
    assert_eq!(found(&fx, "ĐẶNG"), ["S-03"]);
}

/// Names of ethnic minorities (Hmông, Dao, Thái, Tày, Khmer) are found unaccented, by any
/// word, as prefixes.
#[test]
fn ethnic_minority_names_are_found_unaccented_and_by_prefix() {
    let fx = populated();
    assert_eq!(found(&fx, "giang a pao"), ["S-04"]);
    assert_eq!(found(&fx, "thao thi my"), ["S-05"]);
    assert_eq!(found(&fx, "trieu ta may"), ["S-06"]);
    assert_eq!(found(&fx, "ban van quay"), ["S-07"]);
    assert_eq!(found(&fx, "lo thi uon"), ["S-09"]);
    assert_eq!(found(&fx, "vang seo"), ["S-10"]);
    assert_eq!(found(&fx, "so phia"), ["S-14"]);
    // Prefixes while typing, any word order.
    assert_eq!(found(&fx, "qua"), ["S-07"]);
    assert_eq!(found(&fx, "pao gia"), ["S-04"]);
}

/// Accented input works too, and newest dossiers come first when several match.
#[test]
fn accented_input_matches_and_newest_come_first() {
    let fx = populated();
    assert_eq!(found(&fx, "Nguyễn"), ["S-02", "S-01"]);
    assert_eq!(found(&fx, "nguyen thi"), ["S-02"]);
}

/// Dossier code prefix, identification-number prefix and phone prefix (spaces ignored).
#[test]
fn code_id_number_and_phone_prefixes_are_found() {
    let fx = populated();
    assert_eq!(
        found(&fx, "s-1"),
        ["S-15", "S-14", "S-13", "S-12", "S-11", "S-10"]
    );
    assert_eq!(found(&fx, "0111990"), ["S-05"]);
    assert_eq!(found(&fx, "0987 000"), ["S-06"]);
    assert_eq!(found(&fx, "001090000003"), ["S-03"]);
}

/// FTS5 syntax typed by a clerk is treated as text, never as a query error.
#[test]
fn fts_syntax_in_input_is_harmless() {
    let fx = populated();
    for typed in ["\"", "*", "a OR b", "NEAR(", "-", "^", "an:", "()", ""] {
        assert!(fx.store.search(typed, 20).is_ok(), "{typed:?}");
    }
    assert!(found(&fx, "xyz").is_empty());
}

/// Intakes no longer merge the name index (migration 2); `Store::maintain` does it in idle
/// steps. With one intake per transaction the index gains a segment each time; maintenance
/// merges them (it reports work, then none), and search finds every dossier before and after.
#[test]
fn idle_maintenance_merges_the_name_index_and_search_still_finds_everyone() {
    let mut fx = new_store();
    for i in 0..40 {
        let name = if i % 2 == 0 {
            "Sùng A Páo"
        } else {
            "Lầu Thị Mỷ"
        };
        fx.store
            .take_in(&new_dossier(&format!("M-{i:03}"), name, i, 600), at(100))
            .expect("intake");
    }
    // FTS5 keeps each segment's pages as rows of `_data`: many one-dossier segments take more
    // rows than the merged one. Read through a second connection with the same key.
    let segments = |fx: &Fixture| -> i64 {
        let conn = rusqlite::Connection::open(fx.path()).expect("open");
        conn.execute_batch(&format!(
            "PRAGMA key = \"x'{}'\";",
            crate::common::key().to_hex()
        ))
        .expect("key");
        conn.query_row("SELECT count(*) FROM dossier_name_search_data", [], |r| {
            r.get(0)
        })
        .expect("count")
    };
    let before = segments(&fx);
    assert_eq!(
        fx.store.search("sung a pao", 100).expect("search").len(),
        20
    );
    let mut steps = 0;
    while fx.store.maintain().expect("maintain") {
        steps += 1;
        assert!(steps < 100, "maintenance must finish");
    }
    assert!(
        steps >= 1,
        "40 one-dossier segments must have needed merging"
    );
    assert!(segments(&fx) < before, "{} → {}", before, segments(&fx));
    assert!(!fx.store.maintain().expect("again"), "nothing left");
    assert_eq!(
        fx.store.search("sung a pao", 100).expect("search").len(),
        20
    );
    assert_eq!(
        fx.store.search("lau thi my", 100).expect("search").len(),
        20
    );
}
