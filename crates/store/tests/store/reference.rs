//! Reference data pages applied with their cursor (sync.md §3 "Downstream", scenario 20).

use store::{ReferenceItem, ReferencePage};

use crate::common::{at, new_store};

fn page(
    cursor: &str,
    upserts: &[(&str, &str)],
    deletes: &[&str],
    replace_all: bool,
) -> ReferencePage {
    ReferencePage {
        channel: "catalog".into(),
        server_epoch: "s1".into(),
        cursor: cursor.into(),
        version: format!("v{cursor}"),
        replace_all,
        upserts: upserts
            .iter()
            .map(|(k, b)| ReferenceItem {
                key: (*k).into(),
                body: (*b).into(),
            })
            .collect(),
        deletes: deletes.iter().map(|k| (*k).into()).collect(),
    }
}

#[test]
fn pages_apply_with_their_cursor_and_snapshots_replace_the_channel() {
    let mut fx = new_store();
    assert_eq!(fx.store.reference_cursor("catalog").expect("cursor"), None);
    fx.store
        .apply_reference_page(
            &page(
                "1",
                &[("1.001193", r#"{"name":"Khai sinh"}"#), ("2.000", "{}")],
                &[],
                false,
            ),
            at(1),
        )
        .expect("page 1");
    fx.store
        .apply_reference_page(&page("2", &[], &["2.000"], false), at(2))
        .expect("page 2");
    let items = fx.store.reference_items("catalog").expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(
        fx.store
            .reference_cursor("catalog")
            .expect("cursor")
            .map(|c| c.cursor),
        Some("2".into())
    );
    fx.store
        .apply_reference_page(&page("9", &[("3.000", "[]")], &[], true), at(3))
        .expect("snapshot");
    let keys: Vec<_> = fx
        .store
        .reference_items("catalog")
        .expect("items")
        .into_iter()
        .map(|i| i.key)
        .collect();
    assert_eq!(keys, ["3.000"]);
}

/// A page with a bad item is refused whole: neither the data nor the cursor moves.
#[test]
fn a_bad_page_moves_neither_data_nor_cursor() {
    let mut fx = new_store();
    fx.store
        .apply_reference_page(&page("1", &[("a", "{}")], &[], false), at(1))
        .expect("page 1");
    let error = fx
        .store
        .apply_reference_page(
            &page("2", &[("b", "{}"), ("c", "not json")], &[], false),
            at(2),
        )
        .unwrap_err();
    assert_eq!(error.code(), "store.invalid_input");
    assert_eq!(fx.store.reference_items("catalog").expect("items").len(), 1);
    assert_eq!(
        fx.store
            .reference_cursor("catalog")
            .expect("cursor")
            .map(|c| c.cursor),
        Some("1".into())
    );
}
