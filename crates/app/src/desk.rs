//! The clerk's desk: the state behind the desktop app's screens, one method per IPC command.
//! Host-agnostic, so the Tauri shell stays a list of one-line commands and this can be tested
//! without a window.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use domain::dossier::Action;
use domain::report::ReportPeriod;
use serde::{Deserialize, Serialize};
use store::{EventKind, StoredEvent, WorkingPeriod};

use crate::citizen::{validate_field, CitizenField, FieldIssue};
use crate::counter::{Board, DossierView, InitInput, IntakeInput};
use crate::print::PrintKind;
use crate::{AppError, Counter, ErrorCode, SystemClock, TapInput};

/// What the first-run screen and the header show.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SetupStatus {
    /// Whether the counter is set up.
    pub configured: bool,
    /// The commune's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune_name: Option<String>,
    /// The counter's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter_name: Option<String>,
    /// The clerks.
    pub clerks: Vec<ClerkSummary>,
    /// Whether the counter holds a credential of the district server.
    pub enrolled: bool,
    /// Why enrolling during set-up failed: the counter is set up and works offline; the clerk
    /// can enrol later from the settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enroll_error: Option<AppError>,
}

/// A clerk to add (no `id`) or to change, from the settings screen.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(optional_fields)]
pub struct ClerkInput {
    /// The clerk's id; absent for a new clerk.
    #[serde(default)]
    pub id: Option<String>,
    /// Full name.
    pub name: String,
    /// Whether the clerk still works at the counter.
    pub active: bool,
}

/// A clerk as the header's picker shows it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ClerkSummary {
    /// Stable id.
    pub id: String,
    /// Full name.
    pub name: String,
}

/// What the first-run screen sends.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(optional_fields)]
pub struct SetupInput {
    /// The commune's administrative code.
    pub commune_code: String,
    /// The commune's name.
    pub commune_name: String,
    /// The counter's name.
    pub counter_name: String,
    /// The clerks' full names.
    #[serde(default)]
    pub clerks: Vec<String>,
    /// The district server's address, when enrolling now.
    #[serde(default)]
    pub server_url: Option<String>,
    /// The one-time enrolment code, when enrolling now.
    #[serde(default)]
    pub enroll_code: Option<String>,
}

/// A procedure as the intake picker shows it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ProcedureSummary {
    /// National (or local) code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Field (lĩnh vực), in Vietnamese.
    pub field: &'static str,
    /// The legal processing time, in words.
    pub processing_time_text: String,
    /// The fee, in words.
    pub fee_text: String,
    /// The documents to hand in.
    pub documents: Vec<domain::procedure::RequiredDocument>,
}

/// The due date shown before saving.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DuePreview {
    /// When the result would be due.
    pub due_at: DateTime<FixedOffset>,
    /// The legal processing time, in words.
    pub processing_time_text: String,
}

/// One line of a dossier's history.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HistoryLine {
    /// Sequence number of the event on this counter.
    pub seq: i64,
    /// The event's kind.
    pub kind: &'static str,
    /// When (device time).
    pub at: String,
    /// What happened, in Vietnamese.
    pub summary: String,
    /// The clerk, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clerk: Option<String>,
}

/// The dossier screen.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DossierDetail {
    /// The dossier.
    pub dossier: DossierView,
    /// Its history, oldest first.
    pub events: Vec<HistoryLine>,
    /// What can be printed for it now.
    pub printable: Vec<PrintKind>,
}

/// The counter's settings as the settings screen edits them.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct DeskSettings {
    /// Working periods of a working day.
    pub working_hours: Vec<PeriodText>,
    /// Paper for the slip: `a4`, `a5` or `receipt80`.
    #[ts(type = "\"a4\" | \"a5\" | \"receipt80\"")]
    pub paper: String,
    /// The printer's name, if not the default.
    #[serde(default)]
    pub printer: Option<String>,
    /// `vi` or `en`.
    #[ts(type = "\"vi\" | \"en\"")]
    pub language: String,
}

/// A working period as "HH:MM" texts.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct PeriodText {
    /// Start.
    pub start: String,
    /// End.
    pub end: String,
}

/// A saved PDF.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PrintedFile {
    /// Where it is.
    pub path: PathBuf,
}

/// The state behind the desktop app: the data folder and, once set up, the open counter.
pub struct Desk {
    data_dir: PathBuf,
    counter: Option<Counter>,
    /// When the last write happened, while housekeeping may be owed for it.
    housekeeping_owed_since: std::cell::Cell<Option<std::time::Instant>>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

fn not_set_up() -> AppError {
    AppError::new(ErrorCode::NotInitialised, "the counter is not set up yet")
}

fn event_summary(event: &StoredEvent) -> String {
    let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
    let reason = payload["reason"]
        .as_str()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    match event.kind {
        EventKind::DossierTakenIn => "Tiếp nhận hồ sơ".to_string(),
        EventKind::StatusChanged => {
            let action: Option<Action> = serde_json::from_value(payload.clone()).ok();
            let text = match action {
                Some(Action::StartProcessing) => "Chuyển xử lý",
                Some(Action::RequestSupplement { .. }) => "Yêu cầu bổ sung hồ sơ",
                Some(Action::Resubmit) => "Nhận lại hồ sơ đã bổ sung (tính lại thời hạn)",
                Some(Action::Refuse { .. }) => "Từ chối giải quyết",
                Some(Action::Stop { .. }) => "Dừng giải quyết theo đề nghị",
                Some(Action::Extend { .. }) => "Xin lỗi và hẹn lại ngày trả",
                Some(Action::ResultReady) => "Có kết quả",
                Some(Action::Return) => "Trả kết quả",
                Some(Action::Close) => "Đóng hồ sơ (không bổ sung trong 15 ngày)",
                None => "Thay đổi trạng thái",
            };
            format!("{text}{reason}")
        }
        EventKind::LetterPrinted => {
            format!("In {}", payload["letter"].as_str().unwrap_or("giấy tờ"))
        }
        EventKind::SatisfactionTapped => "Người dân đánh giá mức độ hài lòng".to_string(),
        EventKind::DossierCorrected => format!("Đính chính thông tin{reason}"),
        EventKind::SettingsChanged | EventKind::ClerkSaved => "Thay đổi cài đặt".to_string(),
    }
}

fn printable(view: &DossierView, events: &[StoredEvent]) -> Vec<PrintKind> {
    let mut kinds = vec![
        PrintKind::Slip,
        PrintKind::SlipA5,
        PrintKind::Receipt,
        PrintKind::Control,
    ];
    for event in events.iter().filter(|e| e.kind == EventKind::StatusChanged) {
        let action: Option<Action> = serde_json::from_str(&event.payload).ok();
        let kind = match action {
            Some(Action::RequestSupplement { .. }) => PrintKind::Supplement,
            Some(Action::Refuse { .. }) => PrintKind::Refusal,
            Some(Action::Extend { .. }) => PrintKind::Apology,
            Some(Action::Stop { .. }) => PrintKind::Stop,
            _ => continue,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if view.dossier.status == domain::dossier::DossierStatus::Returned {
        kinds.push(PrintKind::Thanks);
    }
    kinds
}

fn parse_time(text: &str) -> Result<chrono::NaiveTime, AppError> {
    chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| AppError::invalid("working_hours", "time", format!("{text:?} is not HH:MM")))
}

impl Desk {
    /// The desk over `data_dir`, opening the counter if it is set up.
    pub fn open(data_dir: &Path) -> Result<Desk, AppError> {
        let counter = if crate::counter::is_initialised(data_dir) {
            Some(Counter::open(data_dir, Box::new(SystemClock))?)
        } else {
            None
        };
        Ok(Desk {
            data_dir: data_dir.to_path_buf(),
            counter,
            // Work may be owed from an earlier run that never went idle.
            housekeeping_owed_since: std::cell::Cell::new(Some(std::time::Instant::now())),
        })
    }

    fn counter(&self) -> Result<&Counter, AppError> {
        self.counter.as_ref().ok_or_else(not_set_up)
    }

    fn counter_mut(&mut self) -> Result<&mut Counter, AppError> {
        self.counter.as_mut().ok_or_else(not_set_up)
    }

    /// Whether the counter is set up, and its names and clerks.
    pub fn setup_status(&self) -> Result<SetupStatus, AppError> {
        let Some(counter) = &self.counter else {
            return Ok(SetupStatus {
                configured: false,
                commune_name: None,
                counter_name: None,
                clerks: vec![],
                enrolled: false,
                enroll_error: None,
            });
        };
        let settings = counter.settings()?;
        let clerks = counter
            .clerks()?
            .into_iter()
            .filter(|c| c.active)
            .map(|c| ClerkSummary {
                id: c.id,
                name: c.full_name,
            })
            .collect();
        Ok(SetupStatus {
            configured: true,
            commune_name: Some(settings.commune_name),
            counter_name: Some(settings.counter_name),
            clerks,
            enrolled: crate::sync::load_credential(&self.data_dir)?.is_some(),
            enroll_error: None,
        })
    }

    /// Sets the counter up (first run), then enrols it when an address and a code are given.
    /// A failed enrolment does not undo the set-up: the counter works offline and says why in
    /// `enroll_error`.
    pub fn setup(&mut self, input: SetupInput) -> Result<SetupStatus, AppError> {
        let enrolment = match (input.server_url.as_deref(), input.enroll_code.as_deref()) {
            (Some(url), Some(code)) if !url.trim().is_empty() && !code.trim().is_empty() => {
                Some((url.to_string(), code.to_string()))
            }
            _ => None,
        };
        let init = InitInput {
            commune_code: input.commune_code,
            commune_name: input.commune_name,
            counter_name: input.counter_name,
            counter_prefix: None,
            clerks: input.clerks,
        };
        self.counter = Some(Counter::init(&self.data_dir, &init, Box::new(SystemClock))?);
        let enroll_error = match enrolment {
            Some((url, code)) => self.counter_mut()?.enroll(&url, &code).err(),
            None => None,
        };
        Ok(SetupStatus {
            enroll_error,
            ..self.setup_status()?
        })
    }

    /// Adds a clerk, or renames or retires one; returns the header's new clerk list.
    pub fn save_clerk(&mut self, input: &ClerkInput) -> Result<SetupStatus, AppError> {
        self.counter_mut()?
            .save_clerk(input.id.as_deref(), &input.name, input.active)?;
        self.wrote();
        self.setup_status()
    }

    /// Enrols the counter with the district server later (from the settings).
    pub fn enroll(&mut self, server_url: &str, code: &str) -> Result<SetupStatus, AppError> {
        self.counter_mut()?.enroll(server_url, code)?;
        self.setup_status()
    }

    /// The counter's data folder (the background sync opens its own connection there).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Wakes the background sync, when one runs in this process, after a local write.
    fn wrote(&self) {
        crate::sync::notify_local_write(&self.data_dir);
        self.housekeeping_owed_since
            .set(Some(std::time::Instant::now()));
    }

    /// The store's housekeeping, one short step at a time, once nothing was written for
    /// `quiet`: the host calls this every few seconds. Merging the name index and checkpointing
    /// the WAL inside intakes made every 64th intake take 40–60 ms at 1,000,000 dossiers; here
    /// a step takes a few ms while the clerk is between citizens. Returns whether a step ran.
    pub fn housekeep_when_idle(&mut self, quiet: std::time::Duration) -> Result<bool, AppError> {
        let Some(since) = self.housekeeping_owed_since.get() else {
            return Ok(false);
        };
        if since.elapsed() < quiet {
            return Ok(false);
        }
        let Some(counter) = self.counter.as_mut() else {
            return Ok(false);
        };
        if !counter.maintain()? {
            self.housekeeping_owed_since.set(None);
        }
        Ok(true)
    }

    /// The procedures in force today matching `query` (no diacritics needed); all when empty.
    pub fn list_procedures(&self, query: &str) -> Result<Vec<ProcedureSummary>, AppError> {
        let today = self
            .counter
            .as_ref()
            .map_or_else(|| crate::Clock::now(&SystemClock), Counter::now)
            .date_naive();
        let catalog = match &self.counter {
            Some(counter) => counter.catalog().clone(),
            None => crate::reference::shipped_catalog()?,
        };
        let found: Vec<_> = if query.trim().is_empty() {
            catalog.in_force_on(today).collect()
        } else {
            catalog.search_at(query, today)
        };
        Ok(found
            .into_iter()
            .map(|p| ProcedureSummary {
                code: p.code.clone(),
                name: p.name.clone(),
                field: p.field.label_vi(),
                processing_time_text: p.processing_time.standard.label_vi(),
                fee_text: p.fee.text.clone(),
                documents: p.documents.clone(),
            })
            .collect())
    }

    /// The due date a dossier of `procedure` received at `received_at` (now by default) gets.
    pub fn preview_due(
        &self,
        procedure: &str,
        received_at: Option<DateTime<FixedOffset>>,
    ) -> Result<DuePreview, AppError> {
        let counter = self.counter()?;
        let received_at = received_at.unwrap_or_else(|| counter.now());
        let found = counter
            .catalog()
            .procedure_at(procedure, received_at.date_naive())
            .ok_or_else(|| {
                AppError::invalid(
                    "procedure",
                    "procedure_unknown",
                    format!("no procedure {procedure}"),
                )
            })?;
        let limit = found.processing_time.standard;
        Ok(DuePreview {
            due_at: domain::due::due_at(received_at, limit, counter.calendar()),
            processing_time_text: limit.label_vi(),
        })
    }

    /// Checks one citizen field as typed.
    pub fn validate_field(&self, field: CitizenField, value: &str) -> Option<FieldIssue> {
        validate_field(field, value)
    }

    /// Takes a dossier in.
    pub fn intake(&mut self, input: IntakeInput) -> Result<DossierView, AppError> {
        let view = self.counter_mut()?.intake(input)?;
        self.wrote();
        Ok(view)
    }

    /// Today's board.
    pub fn board(&self) -> Result<Board, AppError> {
        self.counter()?.board()
    }

    /// One dossier with its history and what can be printed.
    pub fn dossier_detail(&self, code: &str) -> Result<DossierDetail, AppError> {
        let counter = self.counter()?;
        let dossier = counter.show(code)?;
        let stored = counter.history(code)?;
        let clerks = counter.clerks()?;
        let events = stored
            .iter()
            .map(|event| {
                let payload: serde_json::Value =
                    serde_json::from_str(&event.payload).unwrap_or_default();
                let clerk = payload["clerk_id"]
                    .as_str()
                    .and_then(|id| clerks.iter().find(|c| c.id == id))
                    .map(|c| c.full_name.clone());
                HistoryLine {
                    seq: event.seq,
                    kind: event.kind.as_str(),
                    at: event.device_time.clone(),
                    summary: event_summary(event),
                    clerk,
                }
            })
            .collect();
        let printable = printable(&dossier, &stored);
        Ok(DossierDetail {
            dossier,
            events,
            printable,
        })
    }

    /// Moves a dossier.
    pub fn transition(
        &mut self,
        code: &str,
        action: Action,
        clerk_id: Option<String>,
    ) -> Result<DossierView, AppError> {
        let view = self
            .counter_mut()?
            .transition(code, action, None, clerk_id)?;
        self.wrote();
        Ok(view)
    }

    /// Search as the clerk types.
    pub fn search(&self, text: &str) -> Result<Vec<DossierView>, AppError> {
        if text.trim().is_empty() {
            return Ok(vec![]);
        }
        self.counter()?.search(text)
    }

    /// Prints a document of a dossier into the data folder's `prints/` and returns its path;
    /// the host hands it to the operating system.
    pub fn print_document(
        &mut self,
        kind: PrintKind,
        code: &str,
        subject: Option<&str>,
    ) -> Result<PrintedFile, AppError> {
        let dir = self.data_dir.join("prints");
        std::fs::create_dir_all(&dir).map_err(|e| {
            AppError::new(
                ErrorCode::PrintFailed,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let safe_code: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let path = dir.join(format!(
            "{safe_code}-{}.pdf",
            serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ));
        let printed = self.counter_mut()?.print(kind, code, subject, &path)?;
        self.wrote();
        Ok(PrintedFile { path: printed.path })
    }

    /// Records a satisfaction tap.
    pub fn record_tap(
        &mut self,
        input: &TapInput,
    ) -> Result<crate::satisfaction::TapRecorded, AppError> {
        let recorded = self.counter_mut()?.record_tap(input)?;
        self.wrote();
        Ok(recorded)
    }

    /// The settings screen's values.
    pub fn settings(&self) -> Result<DeskSettings, AppError> {
        let settings = self.counter()?.settings()?;
        Ok(DeskSettings {
            working_hours: settings
                .working_hours
                .iter()
                .map(|p| PeriodText {
                    start: p.start.format("%H:%M").to_string(),
                    end: p.end.format("%H:%M").to_string(),
                })
                .collect(),
            paper: "a4".into(),
            printer: None,
            language: "vi".into(),
        })
    }

    /// Saves the working hours (the other settings live in the UI's own storage).
    pub fn save_settings(&mut self, input: &DeskSettings) -> Result<DeskSettings, AppError> {
        let periods = input
            .working_hours
            .iter()
            .map(|p| {
                Ok(WorkingPeriod {
                    start: parse_time(&p.start)?,
                    end: parse_time(&p.end)?,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        if periods.is_empty() || periods.iter().any(|p| p.start >= p.end) {
            return Err(AppError::invalid(
                "working_hours",
                "period_order",
                "each period must start before it ends",
            ));
        }
        let counter = self.counter_mut()?;
        let mut settings = counter.settings()?;
        settings.working_hours = periods;
        let now = counter.now();
        counter.store_mut().save_settings(&settings, now)?;
        counter.apply_working_hours()?;
        self.wrote();
        self.settings()
    }

    /// Events waiting to be synced, for the header.
    pub fn events_waiting(&self) -> Result<i64, AppError> {
        Ok(self.counter()?.store().outbox_stats()?.events_waiting)
    }
}

/// The period the reports screen asks for: a kind with its year and number (month 1–12 or
/// quarter 1–4) and the cut-off day, or `custom` with `from` and `to` (both included).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(optional_fields)]
pub struct ReportQuery {
    /// Month, quarter, half_year, nine_months, year or custom.
    pub kind: domain::report::PeriodKind,
    /// The year of the period.
    #[serde(default)]
    pub year: Option<i32>,
    /// The month or quarter.
    #[serde(default)]
    pub number: Option<u32>,
    /// The first day of a reporting month (domain.md §7: commonly the 15th); 0 = calendar months.
    #[serde(default)]
    pub cutoff_day: Option<u32>,
    /// First day of a custom period.
    #[serde(default)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day of a custom period.
    #[serde(default)]
    pub to: Option<chrono::NaiveDate>,
}

/// One month of the charts: on-time and satisfaction rates, in basis points (`None` when
/// nothing was returned or rated that month).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SeriesPoint {
    /// "11/2026".
    pub label: String,
    /// First day of the month's period.
    pub from: chrono::NaiveDate,
    /// Last day of the month's period.
    pub to: chrono::NaiveDate,
    /// On-time rate of the dossiers returned in the month.
    pub on_time_rate_basis_points: Option<u32>,
    /// Satisfaction rate of the month's taps.
    pub satisfaction_rate_basis_points: Option<u32>,
    /// Dossiers returned in the month (what the rate is out of).
    pub resolved: u64,
    /// Taps in the month.
    pub taps: u64,
}

/// A report saved to the data folder's `exports/`, handed to the operating system.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ExportedReport {
    /// Where it was written.
    pub path: PathBuf,
}

impl Desk {
    fn report_period(&self, query: &ReportQuery) -> Result<ReportPeriod, AppError> {
        use domain::report::PeriodKind;
        if query.kind == PeriodKind::Custom {
            let (Some(from), Some(to)) = (query.from, query.to) else {
                return Err(AppError::invalid(
                    "from",
                    "required",
                    "a custom period needs a first and a last day",
                ));
            };
            return ReportPeriod::custom(from, to)
                .map_err(|e| AppError::invalid("to", e.code(), e.to_string()));
        }
        let year = query.year.unwrap_or_else(|| {
            chrono::Datelike::year(
                &self
                    .counter()
                    .map_or_else(|_| crate::Clock::now(&SystemClock), Counter::now),
            )
        });
        crate::report::period(
            query.kind,
            year,
            query.number,
            query.cutoff_day.unwrap_or(0),
        )
    }

    /// The report of a period, as the reports screen shows it.
    pub fn report(&self, query: &ReportQuery) -> Result<crate::report::Report, AppError> {
        let period = self.report_period(query)?;
        self.counter()?.report_for(&period)
    }

    /// On-time and satisfaction rates for each of the last `months` months up to the one
    /// holding today (with the cut-off day), oldest first: the charts of the reports screen.
    /// Each point is the same report as [`Desk::report`] of that month, not a second count.
    pub fn report_series(
        &self,
        months: u32,
        cutoff_day: u32,
    ) -> Result<Vec<SeriesPoint>, AppError> {
        let counter = self.counter()?;
        let today = counter.now().date_naive();
        let cutoff = domain::report::CutOff::day(cutoff_day)
            .map_err(|e| AppError::invalid("cutoff_day", e.code(), e.to_string()))?;
        // The reporting month holding today: with a cut-off on the 15th, 20/11 is in December's.
        let mut month = chrono::NaiveDate::from_ymd_opt(
            chrono::Datelike::year(&today),
            chrono::Datelike::month(&today),
            1,
        )
        .ok_or_else(|| AppError::new(ErrorCode::Internal, "no first day of the month"))?;
        if cutoff_day > 0 && chrono::Datelike::day(&today) >= cutoff_day {
            month = month + chrono::Months::new(1);
        }
        let months = months.clamp(1, 36);
        let mut points = Vec::with_capacity(months as usize);
        for back in (0..months).rev() {
            let m = month - chrono::Months::new(back);
            let period = ReportPeriod::month(
                chrono::Datelike::year(&m),
                chrono::Datelike::month(&m),
                cutoff,
            )
            .map_err(|e| AppError::invalid("period", e.code(), e.to_string()))?;
            let report = counter.report_for(&period)?;
            let (from, to) = period.range();
            points.push(SeriesPoint {
                label: m.format("%m/%Y").to_string(),
                from,
                to,
                on_time_rate_basis_points: report.on_time_rate_basis_points,
                satisfaction_rate_basis_points: report.satisfaction_rate_basis_points,
                resolved: report.indicators.totals.resolved.total(),
                taps: report.indicators.totals.satisfaction.total(),
            });
        }
        Ok(points)
    }

    /// Writes the report of a period to the data folder's `exports/` in `format`.
    pub fn export_report(
        &self,
        query: &ReportQuery,
        format: crate::report::ReportFormat,
    ) -> Result<ExportedReport, AppError> {
        let period = self.report_period(query)?;
        let dir = self.data_dir.join("exports");
        std::fs::create_dir_all(&dir).map_err(|e| {
            AppError::new(
                ErrorCode::ReadOnly,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let (first, last) = period.range();
        let extension = serde_json::to_value(format)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let path = dir.join(format!(
            "bao-cao-{}-{}.{extension}",
            first.format("%Y%m%d"),
            last.format("%Y%m%d")
        ));
        self.counter()?.export_report(&period, format, &path)?;
        Ok(ExportedReport { path })
    }
}

/// The sync indicator's state (also the payload of the desktop's `sync-status` event).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(optional_fields)]
pub struct SyncStatus {
    /// `online`, `offline`, `syncing` or `not_enrolled`.
    #[ts(type = "\"online\" | \"offline\" | \"syncing\" | \"not_enrolled\"")]
    pub state: &'static str,
    /// Events written on this counter and not yet acknowledged by the server.
    pub waiting_events: i64,
    /// When the last sync finished without error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_success: Option<String>,
    /// Where the sync in progress stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<crate::sync::ProgressView>,
    /// Server time minus local time at the last contact; the UI warns beyond 300 s (sync.md §3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_skew_seconds: Option<f64>,
    /// Events the server quarantined for a person to resolve (none: absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarantined_events: Option<usize>,
}

impl Desk {
    /// The sync indicator's state, from the credential, the last recorded outcome and the
    /// background sync of this process.
    pub fn sync_status(&self) -> Result<SyncStatus, AppError> {
        if self.counter.is_none() {
            return Ok(SyncStatus {
                state: "not_enrolled",
                waiting_events: 0,
                last_success: None,
                progress: None,
                clock_skew_seconds: None,
                quarantined_events: None,
            });
        }
        crate::sync::sync_status(&self.data_dir, self.events_waiting()?)
    }

    /// Syncs now: wakes the background sync when it runs (one request in flight), else runs
    /// one sync here until nothing is left or the link fails.
    pub fn sync_now(&mut self) -> Result<SyncStatus, AppError> {
        if crate::sync::load_credential(&self.data_dir)?.is_none()
            || crate::sync::notify_local_write(&self.data_dir)
        {
            return self.sync_status();
        }
        match self.counter_mut()?.sync(None) {
            // A link failure is recorded and shows as `offline`; the indicator says it.
            Ok(_)
            | Err(AppError {
                code: ErrorCode::SyncFailed,
                ..
            }) => self.sync_status(),
            Err(other) => Err(other),
        }
    }
}
