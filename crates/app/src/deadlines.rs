//! Due dates and the working-time calendar as the counter uses them: the shipped (or synced)
//! calendar and catalogue applied to the rules of `domain`.

use chrono::{DateTime, Datelike, FixedOffset};
use domain::calendar::{CalendarException, WorkingCalendar};
use domain::procedure::TimeLimit;

use crate::{reference, AppError, ErrorCode};

/// How the due date of `motcua due` is asked for.
#[derive(Debug, Clone)]
pub enum DueRequest {
    /// By a procedure of the catalogue, with its standard processing time in force on the date
    /// of receipt.
    Procedure(String),
    /// A number of working days.
    WorkingDays(u32),
    /// A same-day procedure (15:00 cut-off).
    SameDay,
}

/// Every weekday of `year` that is not a working day and every weekend day that is, with why.
pub fn calendar_exceptions(year: i32) -> Result<Vec<CalendarException>, AppError> {
    if !(1990..=2100).contains(&year) {
        return Err(AppError::new(
            ErrorCode::Validation,
            format!("year {year} is outside the supported range 1990-2100"),
        ));
    }
    Ok(reference::shipped_calendar()?.exceptions(year))
}

/// The due date-time of a dossier received at `received_at`.
pub fn due_at(
    received_at: DateTime<FixedOffset>,
    request: &DueRequest,
) -> Result<DateTime<FixedOffset>, AppError> {
    let calendar: WorkingCalendar = reference::shipped_calendar()?;
    let limit = match request {
        DueRequest::WorkingDays(days) => TimeLimit::WorkingDays(*days),
        DueRequest::SameDay => TimeLimit::SameDay,
        DueRequest::Procedure(code) => {
            let catalog = reference::shipped_catalog()?;
            let on = received_at.date_naive();
            let procedure = catalog.procedure_at(code, on).ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    format!("no procedure {code} in force on {on} (year {})", on.year()),
                )
            })?;
            procedure.processing_time.standard
        }
    };
    Ok(domain::due::due_at(received_at, limit, &calendar))
}
