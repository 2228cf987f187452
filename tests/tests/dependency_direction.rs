//! Dependencies point one way: hosts (`src-tauri`, `cli`) -> `app` -> `store` / `printing` /
//! `sync-client` -> `domain` (ARCHITECTURE.md). Read from `cargo metadata`, so a new edge or a
//! new crate fails here until the rule below says where it belongs.

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// The workspace crates each crate may depend on (normal and build dependencies; dev-dependencies
/// of tests are free).
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    BTreeMap::from([
        ("motcua-domain", &[][..]),
        ("motcua-sync-protocol", &[][..]),
        ("motcua-store", &["motcua-domain"][..]),
        ("motcua-printing", &["motcua-domain"][..]),
        ("motcua-sync-client", &["motcua-sync-protocol"][..]),
        (
            "motcua-app",
            &[
                "motcua-domain",
                "motcua-store",
                "motcua-printing",
                "motcua-sync-client",
                "motcua-sync-protocol",
            ][..],
        ),
        ("motcua-cli", &["motcua-app"][..]),
        ("motcua-desktop", &["motcua-app"][..]),
        // The server package also holds `sync-bench`, a binary that drives a real client
        // through the fault proxy; the server library itself uses neither.
        (
            "motcua-server",
            &[
                "motcua-domain",
                "motcua-sync-protocol",
                "motcua-sync-client",
                "motcua-fault-proxy",
            ][..],
        ),
        ("motcua-fault-proxy", &[][..]),
        ("motcua-system-tests", &[][..]),
    ])
}

fn workspace_metadata() -> Value {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("metadata is JSON")
}

fn workspace_edges() -> Vec<(String, String, String)> {
    let metadata = workspace_metadata();
    let packages = metadata["packages"].as_array().expect("packages");
    let names: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    let mut edges = Vec::new();
    for package in packages {
        let from = package["name"].as_str().unwrap_or_default();
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            let to = dep["name"].as_str().unwrap_or_default();
            let kind = dep["kind"].as_str().unwrap_or("normal").to_string();
            if names.contains(&to) {
                edges.push((from.to_string(), to.to_string(), kind));
            }
        }
    }
    edges
}

#[test]
fn every_workspace_crate_has_a_place_in_the_layering() {
    let metadata = workspace_metadata();
    let rules = allowed();
    for package in metadata["packages"].as_array().expect("packages") {
        let name = package["name"].as_str().unwrap_or_default();
        assert!(
            rules.contains_key(name),
            "{name} is new: give it a layer in this test"
        );
    }
}

#[test]
fn dependencies_point_one_way_from_hosts_to_domain() {
    let rules = allowed();
    let mut wrong = Vec::new();
    for (from, to, kind) in workspace_edges() {
        if kind == "dev" {
            continue;
        }
        let ok = rules
            .get(from.as_str())
            .is_some_and(|allowed| allowed.contains(&to.as_str()));
        if !ok {
            wrong.push(format!("{from} -> {to}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against the one-way direction: {wrong:?}"
    );
}

#[test]
fn domain_has_no_io_crates() {
    // The domain crate is pure: no database, HTTP, PDF or async runtime may reach it.
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "motcua-domain",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    for forbidden in ["rusqlite", "reqwest", "printpdf", "tokio", "axum", "tauri"] {
        assert!(!tree.contains(forbidden), "domain depends on {forbidden}");
    }
    assert!(
        tree.contains("motcua-domain"),
        "cargo tree printed the domain crate: {tree}"
    );
}
