//! The schema is snapshotted: any change to it shows up in review as a diff of
//! `tests/store/expected_schema.sql`. Regenerate with `UPDATE_SCHEMA_SNAPSHOT=1`.

use crate::common::new_store;

#[test]
fn schema_matches_the_checked_in_snapshot() {
    let fx = new_store();
    let dump = fx.store.schema_dump().expect("dump");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/store/expected_schema.sql");
    if std::env::var_os("UPDATE_SCHEMA_SNAPSHOT").is_some() {
        std::fs::write(&path, &dump).expect("write snapshot");
    }
    let expected = std::fs::read_to_string(&path).expect("snapshot file");
    assert_eq!(
        dump, expected,
        "schema changed: add a migration, then UPDATE_SCHEMA_SNAPSHOT=1"
    );
    assert!(dump.starts_with(&format!(
        "-- user_version {}\n",
        store::schema::SCHEMA_VERSION
    )));
}
