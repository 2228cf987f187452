//! Tauri commands: each one locks the desk, calls one `app` function and returns its result.
//! Arguments keep the snake_case names of the IPC contract (ui/src/lib/api/types.ts).

use std::sync::Mutex;

use app::citizen::{CitizenField, FieldIssue};
use app::desk::{
    ClerkInput, Desk, DeskSettings, DossierDetail, DuePreview, ExportedReport, PrintedFile,
    ProcedureSummary, ReportQuery, SeriesPoint, SetupInput, SetupStatus,
};
use app::{Action, AppError, DossierView, ErrorCode, IntakeInput, TapInput};
use chrono::{DateTime, FixedOffset};
use tauri::{Emitter, Manager, State};

/// The desk behind both windows.
pub struct DeskState(pub Mutex<Desk>);

/// The background sync, once the counter is enrolled; stopped when the app exits.
#[derive(Default)]
pub struct BackgroundSyncState(pub Mutex<Option<app::sync::BackgroundSync>>);

/// Starts the background sync if the counter is enrolled and none runs yet. Each change of
/// its state reaches the UI as a `sync-status` event (progress, online/offline, waiting).
pub fn start_background_sync(app: &tauri::AppHandle) -> Reply<()> {
    let sync_state = app.state::<BackgroundSyncState>();
    let mut running = sync_state
        .0
        .lock()
        .map_err(|_| AppError::new(ErrorCode::Internal, "the sync lock was poisoned"))?;
    if running.is_some() {
        return Ok(());
    }
    let data_dir = desk(&app.state::<DeskState>())?.data_dir().to_path_buf();
    let events = app.clone();
    *running = app::sync::spawn_background_sync(&data_dir, move |status| {
        let _ = events.emit("sync-status", status);
    })?;
    Ok(())
}

/// Stops the background sync after the exchange in progress (app exit).
pub fn stop_background_sync(app: &tauri::AppHandle) {
    if let Ok(mut running) = app.state::<BackgroundSyncState>().0.lock() {
        if let Some(sync) = running.take() {
            sync.stop();
        }
    }
}

/// Runs the store's housekeeping while the clerk is between citizens: every 2 s, once nothing
/// was written for 3 s, short steps (the desk lock is released between them) for at most
/// 100 ms per round, so a command never waits for more than one step.
pub fn spawn_housekeeping(app: tauri::AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(2));
        let round = std::time::Instant::now();
        while round.elapsed() < std::time::Duration::from_millis(100) {
            let state = app.state::<DeskState>();
            let Ok(mut desk) = state.0.lock() else {
                return;
            };
            match desk.housekeep_when_idle(std::time::Duration::from_secs(3)) {
                Ok(true) => continue,
                Ok(false) => break,
                Err(error) => {
                    eprintln!("housekeeping skipped: {:?}", error.code);
                    break;
                }
            }
        }
    });
}

type Reply<T> = Result<T, AppError>;

fn desk<'a>(state: &'a State<'_, DeskState>) -> Reply<std::sync::MutexGuard<'a, Desk>> {
    state
        .0
        .lock()
        .map_err(|_| AppError::new(ErrorCode::Internal, "the desk lock was poisoned"))
}

#[derive(serde::Serialize, Clone)]
struct ServeCitizen {
    dossier_code: String,
    clerk_id: Option<String>,
}

/// Tells the citizen-facing window which dossier and clerk the next tap belongs to.
fn serve_citizen(app: &tauri::AppHandle, dossier: &DossierView) {
    let payload = ServeCitizen {
        dossier_code: dossier.dossier.code.clone(),
        clerk_id: Some(dossier.dossier.clerk_id.clone()),
    };
    let _ = app.emit("serve-citizen", payload);
}

#[tauri::command]
pub fn app_info() -> Reply<app::About> {
    app::about(&app::SystemClock)
}

#[tauri::command]
pub fn setup_status(state: State<'_, DeskState>) -> Reply<SetupStatus> {
    desk(&state)?.setup_status()
}

#[tauri::command]
pub fn setup(
    app: tauri::AppHandle,
    state: State<'_, DeskState>,
    input: SetupInput,
) -> Reply<SetupStatus> {
    let status = desk(&state)?.setup(input)?;
    if status.enrolled {
        start_background_sync(&app)?;
    }
    Ok(status)
}

#[tauri::command]
pub fn save_clerk(state: State<'_, DeskState>, clerk: ClerkInput) -> Reply<SetupStatus> {
    desk(&state)?.save_clerk(&clerk)
}

#[tauri::command(rename_all = "snake_case")]
pub fn enroll(
    app: tauri::AppHandle,
    state: State<'_, DeskState>,
    server_url: String,
    code: String,
) -> Reply<SetupStatus> {
    let status = desk(&state)?.enroll(&server_url, &code)?;
    start_background_sync(&app)?;
    Ok(status)
}

#[tauri::command]
pub fn list_procedures(state: State<'_, DeskState>, query: String) -> Reply<Vec<ProcedureSummary>> {
    desk(&state)?.list_procedures(&query)
}

#[tauri::command(rename_all = "snake_case")]
pub fn preview_due(
    state: State<'_, DeskState>,
    procedure: String,
    received_at: Option<DateTime<FixedOffset>>,
) -> Reply<DuePreview> {
    desk(&state)?.preview_due(&procedure, received_at)
}

#[tauri::command]
pub fn validate_field(
    state: State<'_, DeskState>,
    field: CitizenField,
    value: String,
) -> Reply<Option<FieldIssue>> {
    Ok(desk(&state)?.validate_field(field, &value))
}

#[tauri::command]
pub fn intake(
    app: tauri::AppHandle,
    state: State<'_, DeskState>,
    input: IntakeInput,
) -> Reply<DossierView> {
    let dossier = desk(&state)?.intake(input)?;
    serve_citizen(&app, &dossier);
    Ok(dossier)
}

#[tauri::command]
pub fn board(state: State<'_, DeskState>) -> Reply<app::counter::Board> {
    desk(&state)?.board()
}

#[tauri::command]
pub fn dossier_detail(state: State<'_, DeskState>, code: String) -> Reply<DossierDetail> {
    desk(&state)?.dossier_detail(&code)
}

#[tauri::command(rename_all = "snake_case")]
pub fn transition(
    app: tauri::AppHandle,
    state: State<'_, DeskState>,
    code: String,
    action: Action,
    clerk_id: Option<String>,
) -> Reply<DossierView> {
    let dossier = desk(&state)?.transition(&code, action, clerk_id)?;
    let _ = app.emit(
        "dossier-changed",
        serde_json::json!({"code": dossier.dossier.code}),
    );
    if dossier.dossier.status == app::DossierStatus::Returned {
        serve_citizen(&app, &dossier);
    }
    Ok(dossier)
}

#[tauri::command]
pub fn search(state: State<'_, DeskState>, text: String) -> Reply<Vec<DossierView>> {
    desk(&state)?.search(&text)
}

#[tauri::command]
pub fn print_document(
    state: State<'_, DeskState>,
    kind: String,
    code: String,
    subject: Option<String>,
) -> Reply<PrintedFile> {
    let kind = app::print::PrintKind::parse(&kind)?;
    let printed = desk(&state)?.print_document(kind, &code, subject.as_deref())?;
    app::print::hand_to_os(&printed.path)?;
    Ok(printed)
}

#[tauri::command]
pub fn record_tap(
    state: State<'_, DeskState>,
    input: TapInput,
) -> Reply<app::satisfaction::TapRecorded> {
    desk(&state)?.record_tap(&input)
}

#[tauri::command]
pub fn sync_status(state: State<'_, DeskState>) -> Reply<app::desk::SyncStatus> {
    desk(&state)?.sync_status()
}

#[tauri::command]
pub fn sync_now(state: State<'_, DeskState>) -> Reply<app::desk::SyncStatus> {
    desk(&state)?.sync_now()
}

#[tauri::command]
pub fn settings(state: State<'_, DeskState>) -> Reply<DeskSettings> {
    desk(&state)?.settings()
}

#[tauri::command]
pub fn save_settings(state: State<'_, DeskState>, settings: DeskSettings) -> Reply<DeskSettings> {
    desk(&state)?.save_settings(&settings)
}

#[tauri::command]
pub fn report(state: State<'_, DeskState>, query: ReportQuery) -> Reply<app::report::Report> {
    desk(&state)?.report(&query)
}

#[tauri::command(rename_all = "snake_case")]
pub fn report_series(
    state: State<'_, DeskState>,
    months: u32,
    cutoff_day: u32,
) -> Reply<Vec<SeriesPoint>> {
    desk(&state)?.report_series(months, cutoff_day)
}

#[tauri::command]
pub fn export_report(
    state: State<'_, DeskState>,
    query: ReportQuery,
    format: app::report::ReportFormat,
) -> Reply<ExportedReport> {
    let exported = desk(&state)?.export_report(&query, format)?;
    app::print::open_with_os(&exported.path)?;
    Ok(exported)
}
