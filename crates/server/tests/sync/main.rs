//! Server + client + fault proxy tests: the API's refusals, the fault scenarios of sync.md §4
//! through a real TCP proxy, and a deterministic simulation with generated fault schedules.
//! Each test runs against SQLite and PostgreSQL (`MOTCUA_TEST_POSTGRES_URL`).

mod api;
mod common;
mod more_scenarios;
mod scenarios;
mod simulation;
