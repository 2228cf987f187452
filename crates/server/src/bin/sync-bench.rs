//! Sync benchmark.
fn main() {}
