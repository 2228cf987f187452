//! Integration tests of the store: one binary, one module per concern.

mod backup_and_restore;
mod bad_conditions;
mod common;
mod crash;
mod dossiers;
mod outbox;
mod reference;
mod schema_snapshot;
mod search;
