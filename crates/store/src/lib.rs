//! The counter's local SQLite database; the only crate that knows SQL.
