//! The counter: one data folder holding the encrypted database of one counter device, and the
//! use cases a clerk performs on it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveTime};
use domain::calendar::{WorkingCalendar, WorkingHours};
use domain::catalog::Catalog;
use domain::code::{CounterPrefix, LocalCode};
use domain::dossier::{Action, Channel, Citizen, DocumentForm, DossierStatus, ReceivedDocument};
use domain::status::{ClockEffect, DossierState};
use serde::{Deserialize, Serialize};
use store::{Clerk, CommuneSettings, NewDossier, StatusChange, Store, StoreKey, WorkingPeriod};

use crate::{citizen, reference, AppError, Clock, ErrorCode};

/// The database file inside a data folder.
pub const DATABASE_FILE: &str = "counter.db";
/// The file holding the database key inside a data folder (see ARCHITECTURE.md, personal data).
pub const KEY_FILE: &str = "counter.key";

/// What `motcua init` and the first-run screen ask for.
#[derive(Debug, Clone, Deserialize)]
pub struct InitInput {
    /// The commune's administrative code (also the agency part of official codes).
    pub commune_code: String,
    /// The commune's name, e.g. "Xã Tả Van".
    pub commune_name: String,
    /// The counter's name, e.g. "Quầy 1".
    pub counter_name: String,
    /// The counter's two-letter code prefix, unique within the commune (default "AA").
    #[serde(default)]
    pub counter_prefix: Option<String>,
    /// The clerks' full names.
    #[serde(default)]
    pub clerks: Vec<String>,
}

/// A document as the intake input names it: just a name, or a name with its form and count.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(untagged)]
pub enum DocumentInput {
    /// Only the name: one plain copy.
    Name(String),
    /// Name, form and count.
    Full(ReceivedDocument),
}

/// What the clerk enters at intake (`motcua intake --json`, the intake screen).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(optional_fields)]
pub struct IntakeInput {
    /// The procedure's code in the catalogue.
    pub procedure: String,
    /// The citizen, as typed; normalised and validated here.
    pub citizen: Citizen,
    /// How the dossier reached the commune.
    pub channel: Channel,
    /// The documents received.
    #[serde(default)]
    pub documents: Vec<DocumentInput>,
    /// When the complete dossier was received; now when absent (set it only for data brought
    /// in from paper books).
    #[serde(default)]
    pub received_at: Option<DateTime<FixedOffset>>,
    /// The receiving clerk's id; the first clerk when absent.
    #[serde(default)]
    pub clerk_id: Option<String>,
}

/// A dossier as the screens and the CLI show it: the stored state plus what follows from the
/// rules (the apology deadline, the actions allowed now).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DossierView {
    /// The stored dossier.
    #[serde(flatten)]
    pub dossier: store::Dossier,
    /// The latest moment to issue the apology and new date (NĐ 118 art. 19.6), while a due
    /// date runs.
    pub apology_deadline: Option<DateTime<FixedOffset>>,
    /// The actions the status machine allows now (the `action` tags of [`domain::dossier::Action`]).
    #[ts(
        type = "Array<\"start_processing\" | \"request_supplement\" | \"resubmit\" | \"refuse\" | \"stop\" | \"extend\" | \"result_ready\" | \"return\" | \"close\">"
    )]
    pub allowed_actions: Vec<&'static str>,
}

/// Which dossiers `motcua list` shows.
#[derive(Debug, Clone)]
pub enum ListFilter {
    /// Due from now to the end of the Nth working day from today.
    DueWithin(u32),
    /// Past their due date and not resolved.
    Overdue,
    /// In one status.
    Status(DossierStatus),
}

/// The dossiers a clerk must look at today (the board of the clerk's window).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Board {
    /// Past their due date and not resolved.
    pub overdue: Vec<DossierView>,
    /// The apology must go out now: its deadline (one working day before the due date) passed
    /// or is today, and the date was not reset yet.
    pub apology_due: Vec<DossierView>,
    /// Due before the end of today.
    pub due_today: Vec<DossierView>,
    /// Due within the next two working days.
    pub due_soon: Vec<DossierView>,
}

/// One counter's data folder, open.
pub struct Counter {
    store: Store,
    clock: Box<dyn Clock>,
    catalog: Catalog,
    calendar: WorkingCalendar,
    data_dir: PathBuf,
}

impl std::fmt::Debug for Counter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counter")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

const LIST_LIMIT: u32 = 500;

/// Databases up to this size get `PRAGMA quick_check` at every open (about 1 s per 50 MB here).
const QUICK_CHECK_MAX_BYTES: u64 = 64 * 1024 * 1024;

fn io_error(what: &str, path: &Path, error: std::io::Error) -> AppError {
    let code = match error.kind() {
        std::io::ErrorKind::NotFound => ErrorCode::NotFound,
        std::io::ErrorKind::PermissionDenied => ErrorCode::ReadOnly,
        _ => ErrorCode::Internal,
    };
    AppError::new(code, format!("{what} {}: {error}", path.display()))
}

/// Whether `data_dir` holds a set-up counter.
pub fn is_initialised(data_dir: &Path) -> bool {
    data_dir.join(DATABASE_FILE).exists()
}

fn write_key(path: &Path, key: &StoreKey) -> Result<(), AppError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| io_error("cannot create", path, e))?;
    file.write_all(key.to_hex().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error("cannot write", path, e))
}

fn read_key(data_dir: &Path) -> Result<StoreKey, AppError> {
    let path = data_dir.join(KEY_FILE);
    let hex = std::fs::read_to_string(&path).map_err(|e| io_error("cannot read", &path, e))?;
    StoreKey::from_hex(hex.trim()).map_err(AppError::from)
}

fn default_working_hours() -> Vec<WorkingPeriod> {
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
    vec![
        WorkingPeriod {
            start: at(7, 30),
            end: at(11, 30),
        },
        WorkingPeriod {
            start: at(13, 30),
            end: at(17, 0),
        },
    ]
}

impl Counter {
    /// Sets up a new counter in `data_dir`: a fresh encrypted database, its key, the commune's
    /// settings and clerks. Refuses a folder that already holds one.
    pub fn init(
        data_dir: &Path,
        input: &InitInput,
        clock: Box<dyn Clock>,
    ) -> Result<Counter, AppError> {
        if is_initialised(data_dir) {
            return Err(AppError::new(
                ErrorCode::AlreadyInitialised,
                format!("{} already holds a counter", data_dir.display()),
            ));
        }
        let required = |field: &'static str, value: &str| {
            if value.trim().is_empty() {
                Err(AppError::invalid(
                    field,
                    "required",
                    format!("{field} is required"),
                ))
            } else {
                Ok(value.trim().to_string())
            }
        };
        let commune_code = required("commune_code", &input.commune_code)?;
        let commune_name = required("commune_name", &input.commune_name)?;
        let counter_name = required("counter_name", &input.counter_name)?;
        let prefix_text = input.counter_prefix.as_deref().unwrap_or("AA");
        let prefix = CounterPrefix::parse(prefix_text)
            .map_err(|e| AppError::invalid("counter_prefix", e.code(), e.to_string()))?;
        let clerks = input
            .clerks
            .iter()
            .map(|name| {
                domain::validation::normalize_name(name)
                    .map_err(|e| AppError::invalid("clerks", e.code(), e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;

        std::fs::create_dir_all(data_dir).map_err(|e| io_error("cannot create", data_dir, e))?;
        let key = StoreKey::generate()?;
        let key_path = data_dir.join(KEY_FILE);
        if key_path.exists() {
            // A key without a database is left from a set-up that failed before the database
            // was created; nothing can be encrypted with it yet.
            std::fs::remove_file(&key_path)
                .map_err(|e| io_error("cannot replace", &key_path, e))?;
        }
        write_key(&key_path, &key)?;
        let now = clock.now();
        let mut store = Store::create(&data_dir.join(DATABASE_FILE), &key, now)?;
        let settings = CommuneSettings {
            commune_code,
            commune_name,
            counter_name,
            code_prefix: prefix.as_str().to_string(),
            working_hours: default_working_hours(),
        };
        store.save_settings(&settings, now)?;
        for (index, full_name) in clerks.into_iter().enumerate() {
            let clerk = Clerk {
                id: format!("clerk-{}", index + 1),
                full_name,
                active: true,
            };
            store.save_clerk(&clerk, now)?;
        }
        Counter::from_store(store, clock, data_dir)
    }

    /// Opens the counter set up in `data_dir`.
    pub fn open(data_dir: &Path, clock: Box<dyn Clock>) -> Result<Counter, AppError> {
        if !is_initialised(data_dir) {
            return Err(AppError::new(
                ErrorCode::NotInitialised,
                format!(
                    "no counter in {}: run `motcua init` first",
                    data_dir.display()
                ),
            ));
        }
        let key = read_key(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        // quick_check reads and decrypts every page: about a minute on a database of a million
        // dossiers. Small files are checked at every open; a large one is opened at once, and
        // `motcua check` (or the nightly backup) checks it in full.
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let integrity_check = if size <= QUICK_CHECK_MAX_BYTES {
            store::IntegrityCheck::Quick
        } else {
            store::IntegrityCheck::Skip
        };
        let options = store::OpenOptions {
            integrity_check,
            ..Default::default()
        };
        let store = Store::open(&path, &key, &options, clock.now())?;
        Counter::from_store(store, clock, data_dir)
    }

    fn from_store(
        store: Store,
        clock: Box<dyn Clock>,
        data_dir: &Path,
    ) -> Result<Counter, AppError> {
        let mut counter = Counter {
            store,
            clock,
            catalog: reference::shipped_catalog()?,
            calendar: reference::shipped_calendar()?,
            data_dir: data_dir.to_path_buf(),
        };
        counter.apply_working_hours()?;
        Ok(counter)
    }

    /// Rebuilds the calendar with the commune's working hours (the 15:00 cut-off of
    /// NĐ 118 art. 18.2 stays).
    pub(crate) fn apply_working_hours(&mut self) -> Result<(), AppError> {
        let Some(settings) = self.store.settings()? else {
            return Ok(());
        };
        let intervals = settings
            .working_hours
            .iter()
            .map(|p| (p.start, p.end))
            .collect();
        let cutoff = NaiveTime::from_hms_opt(15, 0, 0).expect("15:00 is a valid time");
        let hours = WorkingHours::new(intervals, cutoff)
            .map_err(|e| AppError::invalid("working_hours", e.code(), e.to_string()))?;
        self.calendar = WorkingCalendar::new(hours, reference::shipped_schedules()?);
        Ok(())
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The current instant by this counter's clock.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.clock.now()
    }

    /// The procedure catalogue in use.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The working calendar in use.
    pub fn calendar(&self) -> &WorkingCalendar {
        &self.calendar
    }

    /// The open store, for the other use cases of this crate.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// One step of the store's idle housekeeping (name-index merge, WAL checkpoint); returns
    /// whether more is left. See [`store::Store::maintain`].
    pub fn maintain(&mut self) -> Result<bool, AppError> {
        Ok(self.store.maintain()?)
    }

    /// The open store, writable, for the other use cases of this crate.
    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The commune's settings.
    pub fn settings(&self) -> Result<CommuneSettings, AppError> {
        self.store
            .settings()?
            .ok_or_else(|| AppError::new(ErrorCode::NotInitialised, "no settings"))
    }

    /// The counter's clerks.
    pub fn clerks(&self) -> Result<Vec<Clerk>, AppError> {
        Ok(self.store.clerks()?)
    }

    /// Adds a clerk (no `id`) or renames / retires one (`id` given), with a `clerk_saved`
    /// event. A clerk is never deleted: old events and reports still name them. The last
    /// working clerk cannot be retired: every intake needs one.
    pub fn save_clerk(
        &mut self,
        id: Option<&str>,
        full_name: &str,
        active: bool,
    ) -> Result<Clerk, AppError> {
        let full_name = domain::validation::normalize_name(full_name)
            .map_err(|e| AppError::invalid("clerks", e.code(), e.to_string()))?;
        let clerks = self.store.clerks()?;
        let id = match id {
            Some(id) => {
                if !clerks.iter().any(|clerk| clerk.id == id) {
                    return Err(AppError::new(ErrorCode::NotFound, "no such clerk"));
                }
                id.to_string()
            }
            None => {
                // Ids are `clerk-N`; the next N is one past the highest, never a reused one.
                let highest = clerks
                    .iter()
                    .filter_map(|clerk| clerk.id.strip_prefix("clerk-")?.parse::<u32>().ok())
                    .max()
                    .unwrap_or(0);
                format!("clerk-{}", highest + 1)
            }
        };
        let others_working = clerks.iter().any(|clerk| clerk.active && clerk.id != id);
        if !active && !others_working {
            return Err(AppError::invalid(
                "clerks",
                "last_clerk",
                "the last working clerk cannot be retired",
            ));
        }
        let clerk = Clerk {
            id,
            full_name,
            active,
        };
        let now = self.now();
        self.store.save_clerk(&clerk, now)?;
        Ok(clerk)
    }

    fn default_clerk(&self) -> Result<String, AppError> {
        Ok(self
            .store
            .clerks()?
            .into_iter()
            .find(|clerk| clerk.active)
            .map_or_else(|| "clerk-1".to_string(), |clerk| clerk.id))
    }

    fn next_code(&self, received_at: DateTime<FixedOffset>) -> Result<String, AppError> {
        let settings = self.settings()?;
        let prefix = CounterPrefix::parse(&settings.code_prefix)
            .map_err(|e| AppError::new(ErrorCode::Internal, format!("stored prefix: {e}")))?;
        let date = received_at.date_naive();
        let first = LocalCode::new(prefix, date, 1)
            .map_err(|e| AppError::invalid("received_at", e.code(), e.to_string()))?;
        let day_prefix = first.to_string();
        let day_prefix = day_prefix.trim_end_matches(char::is_numeric);
        let next = match self.store.highest_code_with_prefix(day_prefix)? {
            None => 1,
            Some(code) => {
                let highest = LocalCode::parse(&code)
                    .map_err(|e| AppError::new(ErrorCode::Internal, format!("stored code: {e}")))?;
                highest.sequence() + 1
            }
        };
        let code = LocalCode::new(prefix, date, next)
            .map_err(|e| AppError::invalid("received_at", e.code(), e.to_string()))?;
        Ok(code.to_string())
    }

    /// Takes a dossier in (tiếp nhận hồ sơ, NĐ 118 art. 15–17): validates the citizen, finds the
    /// procedure in force on the day of receipt, computes the due date, issues the code, and
    /// writes the dossier and its event in one durable transaction.
    pub fn intake(&mut self, input: IntakeInput) -> Result<DossierView, AppError> {
        let now = self.clock.now();
        let received_at = input.received_at.unwrap_or(now);
        let procedure = self
            .catalog
            .procedure_at(&input.procedure, received_at.date_naive())
            .ok_or_else(|| {
                AppError::invalid(
                    "procedure",
                    "procedure_unknown",
                    format!(
                        "no procedure {} in force on {}",
                        input.procedure,
                        received_at.date_naive()
                    ),
                )
            })?
            .clone();
        let citizen = citizen::normalize(&input.citizen)?;
        let documents: Vec<ReceivedDocument> = input
            .documents
            .into_iter()
            .map(|document| match document {
                DocumentInput::Name(name) => ReceivedDocument {
                    name,
                    form: DocumentForm::Copy,
                    count: 1,
                },
                DocumentInput::Full(document) => document,
            })
            .collect();
        if documents.is_empty() {
            return Err(AppError::invalid(
                "documents",
                "documents_required",
                "no document received",
            ));
        }
        for document in &documents {
            if document.name.trim().is_empty() || document.count == 0 {
                return Err(AppError::invalid(
                    "documents",
                    "document_invalid",
                    "a document has no name or count",
                ));
            }
            domain::validation::normalize_address(&document.name)
                .map_err(|e| AppError::invalid("documents", e.code(), e.to_string()))?;
        }
        let clerk_id = match input.clerk_id {
            Some(id) => id,
            None => self.default_clerk()?,
        };
        let due_at = domain::due::due_at(
            received_at,
            procedure.processing_time.standard,
            &self.calendar,
        );
        let new = NewDossier {
            code: self.next_code(received_at)?,
            procedure_code: procedure.code.clone(),
            procedure_name: procedure.name.clone(),
            citizen,
            channel: input.channel,
            documents,
            received_at,
            due_at: Some(due_at),
            clerk_id,
        };
        let stored = self.store.take_in(&new, now)?;
        Ok(self.view(stored))
    }

    /// The dossier with this code.
    pub fn show(&self, code: &str) -> Result<DossierView, AppError> {
        Ok(self.view(self.store.dossier(code.trim())?))
    }

    /// The dossier's events, oldest first: its history and audit trail.
    pub fn history(&self, code: &str) -> Result<Vec<store::StoredEvent>, AppError> {
        Ok(self.store.events_of(code.trim())?)
    }

    /// Dossiers by a filter.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<DossierView>, AppError> {
        let now = self.clock.now();
        let dossiers = match filter {
            ListFilter::DueWithin(days) => {
                let horizon = domain::due::working_day_horizon(now, *days, &self.calendar);
                self.store.due_between(now, horizon)?
            }
            ListFilter::Overdue => self.store.overdue(now, LIST_LIMIT)?,
            ListFilter::Status(status) => self.store.by_status(*status, LIST_LIMIT)?,
        };
        Ok(dossiers.into_iter().map(|d| self.view(d)).collect())
    }

    /// What a clerk must look at today.
    pub fn board(&self) -> Result<Board, AppError> {
        let now = self.clock.now();
        let end_of_today = domain::due::working_day_horizon(now, 0, &self.calendar).max(now);
        let soon = domain::due::working_day_horizon(now, 2, &self.calendar);
        let overdue = self.list(&ListFilter::Overdue)?;
        let upcoming = self.store.due_between(now, soon)?;
        let mut board = Board {
            overdue,
            apology_due: vec![],
            due_today: vec![],
            due_soon: vec![],
        };
        for dossier in upcoming {
            let view = self.view(dossier);
            let Some(due) = view.dossier.due_at else {
                continue;
            };
            let apology_window = view.apology_deadline.is_some();
            if apology_window
                && !view.dossier.extended
                && domain::due::is_apology_due(now, due, &self.calendar)
            {
                board.apology_due.push(view.clone());
            }
            if due <= end_of_today {
                board.due_today.push(view);
            } else {
                board.due_soon.push(view);
            }
        }
        Ok(board)
    }

    /// Search as the clerk types: dossier code, identification number, phone, or the name
    /// without diacritics.
    pub fn search(&self, text: &str) -> Result<Vec<DossierView>, AppError> {
        Ok(self
            .store
            .search(text, 50)?
            .into_iter()
            .map(|d| self.view(d))
            .collect())
    }

    /// Moves a dossier by the status machine of the domain (NĐ 118 art. 19, 21) and records the
    /// event. `at` is when it happened (for paper books); now when absent.
    pub fn transition(
        &mut self,
        code: &str,
        action: Action,
        at: Option<DateTime<FixedOffset>>,
        clerk_id: Option<String>,
    ) -> Result<DossierView, AppError> {
        let at = at.unwrap_or_else(|| self.clock.now());
        let dossier = self.store.dossier(code.trim())?;
        let state = state_of(&dossier);
        let transition = domain::status::apply(&state, &action)?;
        let due_at = match &transition.clock {
            ClockEffect::Unchanged | ClockEffect::Ended => dossier.due_at,
            ClockEffect::Suspended => None,
            ClockEffect::Restarted => {
                let procedure = self
                    .catalog
                    .procedure_at(&dossier.procedure_code, at.date_naive());
                let limit = procedure
                    .map(|p| p.processing_time.standard)
                    .ok_or_else(|| {
                        AppError::new(
                            ErrorCode::ReferenceData,
                            "procedure no longer in the catalogue",
                        )
                    })?;
                Some(domain::due::due_at(at, limit, &self.calendar))
            }
            ClockEffect::Rescheduled { new_due_at } => Some(*new_due_at),
        };
        let timeliness = match transition.next.status {
            DossierStatus::Returned => dossier
                .due_at
                .map(|due| crate::timeliness(domain::due::classify(at, due, &self.calendar))),
            _ => None,
        };
        let clerk_id = match clerk_id {
            Some(id) => id,
            None => self.default_clerk()?,
        };
        let change = StatusChange {
            code: dossier.code.clone(),
            action,
            from: dossier.status,
            to: transition.next.status,
            due_at,
            timeliness,
            clerk_id,
        };
        let stored = self.store.change_status(&change, at)?;
        Ok(self.view(stored))
    }

    /// Runs SQLite's full `integrity_check` on the database; [`ErrorCode::Corrupt`] if it fails.
    pub fn check(&self) -> Result<(), AppError> {
        Ok(self.store.check_integrity()?)
    }

    /// Copies the live database to `destination` with SQLite's online backup (the app keeps
    /// running). The backup is encrypted with the same key, which is not in the backup.
    pub fn backup(&self, destination: &Path) -> Result<(), AppError> {
        Ok(self.store.backup_to(destination)?)
    }

    /// Replaces the database with the backup at `source`; the restored database gets a new
    /// sync epoch so no sequence number is ever reused (shared/sync.md scenario 10).
    pub fn restore(&mut self, source: &Path) -> Result<(), AppError> {
        let now = self.clock.now();
        Ok(self.store.restore_from(source, now)?)
    }

    pub(crate) fn view(&self, dossier: store::Dossier) -> DossierView {
        let state = state_of(&dossier);
        // A processing time of one working day or less leaves no day for an apology before
        // the due date: such a dossier shows as overdue when late, not as "apology due".
        let apology_deadline = match (dossier.due_at, dossier.status.is_final()) {
            (Some(due), false) => Some(domain::due::apology_deadline(due, &self.calendar))
                .filter(|deadline| *deadline > dossier.received_at),
            _ => None,
        };
        let allowed_actions = allowed_actions(&state);
        DossierView {
            dossier,
            apology_deadline,
            allowed_actions,
        }
    }
}

fn state_of(dossier: &store::Dossier) -> DossierState {
    DossierState {
        status: dossier.status,
        due_at: dossier.due_at,
        extended: dossier.extended,
        supplement_requests: dossier.supplement_count,
    }
}

/// The actions the status machine accepts now, asked of the machine itself so the buttons never
/// disagree with the rule.
fn allowed_actions(state: &DossierState) -> Vec<&'static str> {
    let reason = "-".to_string();
    let later = state.due_at.map(|due| due + chrono::Duration::days(1));
    let mut candidates = vec![
        Action::StartProcessing,
        Action::RequestSupplement {
            reason: reason.clone(),
        },
        Action::Resubmit,
        Action::Refuse {
            reason: reason.clone(),
        },
        Action::Stop {
            reason: reason.clone(),
        },
        Action::ResultReady,
        Action::Return,
        Action::Close,
    ];
    if let Some(new_due_at) = later {
        candidates.push(Action::Extend { reason, new_due_at });
    }
    candidates
        .into_iter()
        .filter(|action| domain::status::apply(state, action).is_ok())
        .map(|action| action.code())
        .collect()
}

#[cfg(test)]
mod ts_tests {
    /// The TypeScript type of `allowed_actions` is written out by hand (ts-rs cannot derive it
    /// from `&'static str`): it must name every tag of `domain::dossier::Action`.
    #[test]
    fn allowed_actions_type_lists_every_action_tag() {
        use ts_rs::TS;
        let decl = super::DossierView::decl(&ts_rs::Config::new());
        let action = domain::dossier::Action::decl(&ts_rs::Config::new());
        let tags: Vec<&str> = action
            .split("\"action\": \"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(tags.len(), 9, "{action}");
        for tag in tags {
            assert!(
                decl.contains(&format!("\"{tag}\"")),
                "{tag} missing from {decl}"
            );
        }
    }
}
