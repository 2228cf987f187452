//! Writes the TypeScript types of every IPC payload (ts-rs, from the Rust types themselves) into
//! the folder given, for the UI: `make ui` runs it before building, into
//! `ui/src/lib/api/generated/` (not committed). A payload whose Rust shape changes changes its
//! TypeScript type, and `npm run check` fails where the UI no longer fits.

use std::process::ExitCode;

use ts_rs::{Config, TS};

fn export<T: TS + 'static>(config: &Config) -> Result<(), ts_rs::ExportError> {
    T::export_all(config)
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: export-ts-types OUT_DIR");
        return ExitCode::FAILURE;
    };
    // Every integer the IPC carries fits a JavaScript number (counts, basis points, years).
    let config = Config::new().with_out_dir(dir).with_large_int("number");
    let exported = (|| {
        use app::desk::*;
        export::<app::About>(&config)?;
        export::<SetupStatus>(&config)?;
        export::<SetupInput>(&config)?;
        export::<ClerkInput>(&config)?;
        export::<ProcedureSummary>(&config)?;
        export::<DuePreview>(&config)?;
        export::<app::citizen::CitizenField>(&config)?;
        export::<app::citizen::FieldIssue>(&config)?;
        export::<app::IntakeInput>(&config)?;
        export::<app::DossierView>(&config)?;
        export::<app::counter::Board>(&config)?;
        export::<DossierDetail>(&config)?;
        export::<PrintedFile>(&config)?;
        export::<app::print::PrintKind>(&config)?;
        export::<app::TapInput>(&config)?;
        export::<app::satisfaction::TapRecorded>(&config)?;
        export::<SyncStatus>(&config)?;
        export::<DeskSettings>(&config)?;
        export::<ReportQuery>(&config)?;
        export::<app::report::Report>(&config)?;
        export::<SeriesPoint>(&config)?;
        export::<app::report::ReportFormat>(&config)?;
        export::<ExportedReport>(&config)?;
        export::<app::ErrorCode>(&config)?;
        export::<app::Action>(&config)?;
        export::<app::AppError>(&config)
    })();
    match exported {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("export-ts-types: {error}");
            ExitCode::FAILURE
        }
    }
}
