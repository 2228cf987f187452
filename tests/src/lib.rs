//! Shared helpers of the system tests in `tests/`: a small W3C WebDriver client and the
//! paths of the workspace.

pub mod webdriver;

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Where tests leave artifacts a person looks at (screenshots, PDFs); ignored by git.
pub fn artifacts_dir(kind: &str) -> PathBuf {
    let dir = repo_root().join("artifacts").join(kind);
    std::fs::create_dir_all(&dir).expect("artifacts dir is writable");
    dir
}
