//! The reference data shipped with the app: the procedure catalogue, the official holiday
//! schedules and the letter texts. The server can send newer versions down; these are the
//! versions a counter starts with.

use domain::calendar::{OfficialSchedule, WorkingCalendar, WorkingHours};
use domain::catalog::Catalog;

use crate::{AppError, ErrorCode};

/// The procedure catalogue shipped in `assets/catalog/procedures.json`.
pub const SHIPPED_CATALOG: &str = include_str!("../../../assets/catalog/procedures.json");

/// The official holiday schedules shipped in `assets/calendar/`, one JSON document per year.
pub const SHIPPED_SCHEDULES: [&str; 2] = [
    include_str!("../../../assets/calendar/2025.json"),
    include_str!("../../../assets/calendar/2026.json"),
];

fn broken(what: &str, error: impl std::fmt::Display) -> AppError {
    AppError::new(
        ErrorCode::ReferenceData,
        format!("shipped {what} is invalid: {error}"),
    )
}

/// The shipped procedure catalogue.
pub fn shipped_catalog() -> Result<Catalog, AppError> {
    Catalog::parse_json(SHIPPED_CATALOG).map_err(|e| broken("catalogue", e))
}

/// The shipped official schedules.
pub fn shipped_schedules() -> Result<Vec<OfficialSchedule>, AppError> {
    SHIPPED_SCHEDULES
        .iter()
        .map(|json| OfficialSchedule::parse_json(json).map_err(|e| broken("calendar", e)))
        .collect()
}

/// The working calendar with the default working hours and the shipped schedules.
pub fn shipped_calendar() -> Result<WorkingCalendar, AppError> {
    Ok(WorkingCalendar::new(
        WorkingHours::default(),
        shipped_schedules()?,
    ))
}

/// How many procedures of the shipped catalogue are in force on `on`.
pub fn procedure_count(on: chrono::NaiveDate) -> Result<usize, AppError> {
    Ok(shipped_catalog()?.in_force_on(on).count())
}
