//! The counter's side of sync with the district server (sync.md §3, docs/sync-protocol.md).
//!
//! - Enrolment: a one-time code becomes the counter's credential (server URL, device id, bearer
//!   token), kept in [`CREDENTIAL_FILE`] in the data folder with owner-only permissions. The
//!   token is a secret: it is never printed, logged or put in an error message.
//! - [`StoreOutbox`]: the store's event log seen as the sync client's [`Outbox`]. Events go up
//!   with a `kind` the server understands (`intake` gets the official code, NĐ 118 art. 28);
//!   downstream pages are applied with their cursor in one transaction, and official codes on
//!   the `official_codes` channel are written onto the dossiers in that same transaction.
//! - [`Counter::sync`]: one run until nothing is left (the CLI's `motcua sync`).
//! - [`spawn_background_sync`]: the desktop's background loop (timer, connectivity, local
//!   writes) reporting a [`SyncStatus`] after every round.

use std::borrow::BorrowMut;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Deserialize, Serialize};
use store::{OfficialCode, ReferenceItem, ReferencePage, Store, StoreError, StoreKey};
use sync_client::{
    Channel, ChannelCursor, ChannelPage, DeviceCredential, HttpTransport, Outbox, OutboxDevice,
    OutboxEvent, SyncConfig, SyncError, SyncLoop, SyncProgress, SyncTrigger, Transport,
    TransportError,
};

use crate::desk::SyncStatus;
use crate::{AppError, Clock, Counter, ErrorCode, SystemClock};
use domain::code::CounterPrefix;

/// The file in the data folder holding the credential (JSON, mode 0600 on Unix).
pub const CREDENTIAL_FILE: &str = "sync-credential.json";
/// The file in the data folder recording the last sync outcome (no secret in it).
pub const SYNC_RECORD_FILE: &str = "sync-state.json";

/// How long one exchange may take: a 64 KiB batch needs ~8 s at 64 kbit/s plus the latency
/// of a rural link; a proxy that holds the connection longer is treated as a drop.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(120);
/// How often the background loop syncs when nothing else triggers it.
const BACKGROUND_INTERVAL: Duration = Duration::from_secs(120);
/// How often the background loop probes the server while the link is down.
const PROBE_INTERVAL: Duration = Duration::from_secs(15);

/// What the counter shows about its enrolment (never the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enrollment {
    /// The district server's base URL.
    pub server_url: String,
    /// The device id the server gave this counter.
    pub device_id: String,
    /// The commune (agency identifier code) the credential belongs to.
    pub commune: String,
    /// The counter prefix the server granted (local codes start with it from now on).
    pub counter_prefix: Option<String>,
}

impl From<&DeviceCredential> for Enrollment {
    fn from(credential: &DeviceCredential) -> Self {
        Enrollment {
            server_url: credential.server_url.clone(),
            device_id: credential.device_id.clone(),
            commune: credential.commune.clone(),
            counter_prefix: credential.counter_prefix.clone(),
        }
    }
}

/// What one sync run did (`motcua sync` prints it as JSON).
#[derive(Debug, Clone, Serialize)]
pub struct SyncSummary {
    /// Requests, bytes, events and timing of the run.
    #[serde(flatten)]
    pub run: sync_client::SyncSummary,
    /// Dossiers that received their official code (NĐ 118 art. 28) in this run.
    pub official_codes_received: u64,
    /// Events still waiting for an acknowledgement after the run.
    pub events_waiting: i64,
    /// Server time minus local time, seconds (positive: the local clock is late).
    pub clock_skew_seconds: Option<f64>,
    /// Whether the local clock is more than 5 minutes off the server's (sync.md §3).
    pub clock_is_off: bool,
}

/// The last outcome of a sync, kept in [`SYNC_RECORD_FILE`] so a restarted app can show it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncRecord {
    /// When the last run finished with nothing left to send or fetch (RFC 3339).
    pub last_success: Option<String>,
    /// When the server last answered (RFC 3339).
    pub last_contact: Option<String>,
    /// When the last exchange failed (RFC 3339).
    pub last_failure: Option<String>,
    /// Its stable code (`network`, `garbled`, `http_503`, `unauthorized`...).
    pub last_failure_code: Option<String>,
    /// Server time minus local time at the last contact, milliseconds.
    pub clock_skew_ms: Option<i64>,
    /// Events the server quarantined (`"epoch:seq"` → rejection code): acknowledged but not
    /// applied there, for a person to resolve (e.g. `local_code_taken`).
    #[serde(default)]
    pub quarantined: BTreeMap<String, String>,
}

impl SyncRecord {
    /// Whether the last exchange reached the server.
    pub fn link_up(&self) -> Option<bool> {
        match (&self.last_contact, &self.last_failure) {
            (None, None) => None,
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            // RFC 3339 instants written by this module share one offset: text order is time order.
            (Some(contact), Some(failure)) => Some(contact >= failure),
        }
    }
}

fn failed(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::SyncFailed, message)
}

fn io_failure(what: &str, path: &Path, error: std::io::Error) -> AppError {
    let code = match error.kind() {
        std::io::ErrorKind::PermissionDenied => ErrorCode::ReadOnly,
        _ => ErrorCode::Internal,
    };
    AppError::new(code, format!("{what} {}: {error}", path.display()))
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a crash leaves the old
/// file or the new one, never half of one. `private` makes the file owner-only (0600).
fn write_atomically(path: &Path, bytes: &[u8], private: bool) -> Result<(), AppError> {
    use std::io::Write;
    let temporary = path.with_extension("tmp");
    let _ = std::fs::remove_file(&temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options
        .open(&temporary)
        .map_err(|e| io_failure("cannot create", &temporary, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_failure("cannot write", &temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| io_failure("cannot replace", path, e))
}

/// The stored credential of the counter in `data_dir`, if it is enrolled.
pub fn load_credential(data_dir: &Path) -> Result<Option<DeviceCredential>, AppError> {
    let path = data_dir.join(CREDENTIAL_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            // serde's message names the field, never the token's value.
            AppError::new(
                ErrorCode::Internal,
                format!("{} is damaged: {e}; enrol again", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_failure("cannot read", &path, e)),
    }
}

fn save_credential(data_dir: &Path, credential: &DeviceCredential) -> Result<(), AppError> {
    let text = serde_json::to_vec_pretty(credential)
        .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
    write_atomically(&data_dir.join(CREDENTIAL_FILE), &text, true)
}

/// The last sync outcome recorded in `data_dir` (empty when none).
pub fn load_record(data_dir: &Path) -> SyncRecord {
    std::fs::read_to_string(data_dir.join(SYNC_RECORD_FILE))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn update_record(data_dir: &Path, change: impl FnOnce(&mut SyncRecord)) {
    // The record only feeds the status display: failing to write it must not fail a sync.
    let _guard = RECORD_LOCK.lock();
    let mut record = load_record(data_dir);
    change(&mut record);
    if let Ok(text) = serde_json::to_vec_pretty(&record) {
        let _ = write_atomically(&data_dir.join(SYNC_RECORD_FILE), &text, false);
    }
}

static RECORD_LOCK: Mutex<()> = Mutex::new(());

fn rfc3339(at: DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// Checks and normalises a server URL typed by a person: `http(s)://host[:port][/path]`.
pub fn normalise_server_url(url: &str) -> Result<String, AppError> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(url.to_string())
        }
        _ => Err(AppError::invalid(
            "server_url",
            "url",
            format!("{url:?} is not an http:// or https:// address"),
        )),
    }
}

/// Maps a failed enrolment to an error a clerk can act on.
fn enroll_error(error: TransportError) -> AppError {
    match error {
        TransportError::Http { status, code, .. } => AppError::new(
            ErrorCode::EnrollFailed,
            format!("the server refused the enrolment code ({status} {code})"),
        ),
        other => failed(format!("the server could not be reached: {other}")),
    }
}

/// Stable code of a failed exchange for the record and the status display.
fn transport_code(error: &TransportError) -> String {
    match error {
        TransportError::Network(_) => "network".into(),
        TransportError::Garbled(_) => "garbled".into(),
        TransportError::Http { status: 401, .. } => "unauthorized".into(),
        TransportError::Http { status, .. } => format!("http_{status}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The store as the sync client's outbox.

/// Why the store-backed outbox failed.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The store failed (disk full, locked, damaged...): nothing was half-applied.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A number did not fit the other side's range (a negative epoch, a seq beyond 2^63).
    #[error("out of range: {0}")]
    OutOfRange(String),
    /// Another thread panicked while holding the store.
    #[error("the store lock was poisoned")]
    Poisoned,
}

impl OutboxError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            OutboxError::Store(e) => e.code(),
            OutboxError::OutOfRange(_) => "sync.out_of_range",
            OutboxError::Poisoned => "sync.poisoned",
        }
    }
}

fn to_u64(value: i64, what: &str) -> Result<u64, OutboxError> {
    u64::try_from(value).map_err(|_| OutboxError::OutOfRange(format!("{what} {value}")))
}

fn to_i64(value: u64, what: &str) -> Result<i64, OutboxError> {
    i64::try_from(value).map_err(|_| OutboxError::OutOfRange(format!("{what} {value}")))
}

/// The name the server gives an event kind: `intake` is the one it assigns official codes to
/// (docs/sync-protocol.md); the others keep the store's name, shortened like the protocol's.
fn wire_kind(stored: &str) -> &str {
    match stored {
        "dossier_taken_in" => "intake",
        "status_changed" => "status",
        "satisfaction_tapped" => "tap",
        other => other,
    }
}

/// The payload as it travels up: the stored JSON object with `kind`, `dossier_code` and
/// `device_time` added at the top (where the server reads them). Deterministic, so a resend
/// after a lost reply carries the same bytes and the server sees the same content hash.
pub fn wire_payload(event: &store::OutboxEvent) -> String {
    use serde_json::Value;
    let mut object = serde_json::Map::new();
    object.insert("kind".into(), Value::from(wire_kind(&event.kind)));
    if let Some(code) = &event.dossier_code {
        object.insert("dossier_code".into(), Value::from(code.as_str()));
    }
    object.insert(
        "device_time".into(),
        Value::from(event.device_time.as_str()),
    );
    match serde_json::from_str::<Value>(&event.payload) {
        Ok(Value::Object(fields)) if !fields.keys().any(|k| object.contains_key(k)) => {
            object.extend(fields);
        }
        Ok(other) => {
            object.insert("data".into(), other);
        }
        Err(_) => {
            object.insert("data".into(), Value::from(event.payload.as_str()));
        }
    }
    Value::Object(object).to_string()
}

/// The counter's store seen as the sync client's [`Outbox`]. `S` is an owned [`Store`] (the
/// background loop opens its own connection on the same file: SQLite WAL lets both work) or a
/// `&mut Store` borrowed from the [`Counter`] for one run.
pub struct StoreOutbox<S> {
    store: Mutex<S>,
    device_id: String,
    now: Box<dyn Fn() -> DateTime<FixedOffset> + Send + Sync>,
    official_codes_received: AtomicU64,
    /// Where rejections are recorded for the status display (the data folder), if anywhere.
    record_dir: Option<PathBuf>,
}

impl<S: BorrowMut<Store> + Send> StoreOutbox<S> {
    /// An outbox over `store`, sending as `device_id` (the id of the credential, which the
    /// server checks against the token). `now` stamps applied pages.
    pub fn new(
        store: S,
        device_id: &str,
        now: Box<dyn Fn() -> DateTime<FixedOffset> + Send + Sync>,
    ) -> Self {
        StoreOutbox {
            store: Mutex::new(store),
            device_id: device_id.to_string(),
            now,
            official_codes_received: AtomicU64::new(0),
            record_dir: None,
        }
    }

    /// Records the events the server quarantines in the sync record of `data_dir`, where the
    /// sync indicator counts them.
    pub fn recording_rejections_in(mut self, data_dir: &Path) -> Self {
        self.record_dir = Some(data_dir.to_path_buf());
        self
    }

    /// How many dossiers received their official code through this outbox so far.
    pub fn official_codes_received(&self) -> u64 {
        self.official_codes_received.load(Ordering::Relaxed)
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, OutboxError>,
    ) -> Result<T, OutboxError> {
        let mut guard = self.store.lock().map_err(|_| OutboxError::Poisoned)?;
        f(BorrowMut::<Store>::borrow_mut(&mut *guard))
    }
}

/// The official-code documents of a page, as the server writes them:
/// `{"dossier_code": local, "official_code": ...}`. A document that does not read is stored as
/// an item but changes no dossier.
fn official_codes_of(page: &ChannelPage) -> Vec<OfficialCode> {
    #[derive(Deserialize)]
    struct Doc {
        dossier_code: String,
        official_code: String,
    }
    if page.channel != Channel::OfficialCodes {
        return Vec::new();
    }
    page.items
        .iter()
        .filter_map(|item| serde_json::from_str::<Doc>(&item.doc).ok())
        .filter(|doc| !doc.dossier_code.is_empty() && !doc.official_code.is_empty())
        .map(|doc| OfficialCode {
            dossier_code: doc.dossier_code,
            official_code: doc.official_code,
        })
        .collect()
}

impl<S: BorrowMut<Store> + Send> Outbox for StoreOutbox<S> {
    type Error = OutboxError;

    fn record_rejections(
        &self,
        epoch: u64,
        rejected: &[sync_protocol::Rejection],
    ) -> Result<(), Self::Error> {
        if let Some(dir) = &self.record_dir {
            update_record(dir, |record| {
                for rejection in rejected {
                    record
                        .quarantined
                        .insert(format!("{epoch}:{}", rejection.seq), rejection.code.clone());
                }
            });
        }
        Ok(())
    }

    fn device(&self) -> Result<OutboxDevice, Self::Error> {
        let epoch = self.with(|store| Ok(store.identity().epoch))?;
        Ok(OutboxDevice {
            device_id: self.device_id.clone(),
            epoch: to_u64(epoch, "epoch")?,
        })
    }

    fn pending_epochs(&self) -> Result<Vec<u64>, Self::Error> {
        self.with(|store| {
            store
                .pending_epochs()?
                .into_iter()
                .map(|e| to_u64(e, "epoch"))
                .collect()
        })
    }

    fn acked_hwm(&self, epoch: u64) -> Result<u64, Self::Error> {
        let epoch = to_i64(epoch, "epoch")?;
        self.with(|store| to_u64(store.acked_hwm(epoch)?, "hwm"))
    }

    fn pending(
        &self,
        epoch: u64,
        after_seq: u64,
        max_bytes: usize,
    ) -> Result<Vec<OutboxEvent>, Self::Error> {
        let epoch = to_i64(epoch, "epoch")?;
        let after = to_i64(after_seq, "seq")?;
        self.with(|store| {
            store
                .events_after(epoch, after, max_bytes)?
                .into_iter()
                .map(|event| {
                    Ok(OutboxEvent {
                        seq: to_u64(event.seq, "seq")?,
                        hlc: to_u64(event.hlc.packed(), "hlc")?,
                        payload: wire_payload(&event),
                        event_id: event.event_id,
                    })
                })
                .collect()
        })
    }

    fn mark_acked(&self, epoch: u64, hwm: u64) -> Result<(), Self::Error> {
        let (epoch, hwm) = (to_i64(epoch, "epoch")?, to_i64(hwm, "hwm")?);
        self.with(|store| Ok(store.mark_acked(epoch, hwm)?))
    }

    fn waiting(&self) -> Result<u64, Self::Error> {
        self.with(|store| to_u64(store.outbox_stats()?.events_waiting, "waiting"))
    }

    fn cursor(&self, channel: Channel) -> Result<Option<ChannelCursor>, Self::Error> {
        let stored = self.with(|store| Ok(store.reference_cursor(channel.as_str())?))?;
        // A cursor that does not read as numbers (written by an older build) is dropped: the
        // server then sends a snapshot, which always converges.
        Ok(stored.and_then(|c| {
            Some(ChannelCursor {
                channel,
                server_epoch: c.server_epoch.parse().ok()?,
                pos: c.cursor.parse().ok()?,
            })
        }))
    }

    fn apply_down_page(&self, page: &ChannelPage) -> Result<(), Self::Error> {
        let reference = ReferencePage {
            channel: page.channel.as_str().to_string(),
            server_epoch: page.cursor.server_epoch.to_string(),
            cursor: page.cursor.pos.to_string(),
            version: format!("{}:{}", page.cursor.server_epoch, page.cursor.pos),
            replace_all: page.reset,
            upserts: page
                .items
                .iter()
                .map(|item| ReferenceItem {
                    key: item.key.clone(),
                    body: item.doc.clone(),
                })
                .collect(),
            deletes: Vec::new(),
        };
        let codes = official_codes_of(page);
        let now = (self.now)();
        let updated =
            self.with(|store| Ok(store.apply_page_with_official_codes(&reference, &codes, now)?))?;
        self.official_codes_received
            .fetch_add(updated, Ordering::Relaxed);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// What the desktop's indicator shows while syncs run in this process.

#[derive(Debug, Clone, Default)]
struct LiveState {
    syncing: bool,
    progress: Option<SyncProgress>,
}

static LIVE: Mutex<BTreeMap<PathBuf, LiveState>> = Mutex::new(BTreeMap::new());
static LOOPS: Mutex<BTreeMap<PathBuf, Weak<SyncLoop>>> = Mutex::new(BTreeMap::new());

fn live_update(data_dir: &Path, change: impl FnOnce(&mut LiveState)) {
    if let Ok(mut live) = LIVE.lock() {
        change(live.entry(data_dir.to_path_buf()).or_default());
    }
}

fn live_state(data_dir: &Path) -> LiveState {
    LIVE.lock()
        .ok()
        .and_then(|live| live.get(data_dir).cloned())
        .unwrap_or_default()
}

fn running_loop(data_dir: &Path) -> Option<Arc<SyncLoop>> {
    LOOPS.lock().ok()?.get(data_dir)?.upgrade()
}

/// A transport that records, for the indicator, whether the server answers and how far its
/// clock is from ours, around any real transport.
struct WatchedTransport<T> {
    inner: T,
    data_dir: PathBuf,
    clock: Arc<dyn Clock>,
    /// Server time minus this counter's clock at the last reply, milliseconds. Measured with
    /// the counter's clock, not the system's: the skew that matters is the one of the times
    /// the counter writes into its events.
    last_skew_ms: Option<i64>,
}

impl<T: Transport> Transport for WatchedTransport<T> {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        live_update(&self.data_dir, |live| live.syncing = true);
        let sent = self.clock.now();
        let started = Instant::now();
        let result = self.inner.round_trip(body);
        let received = self.clock.now();
        match &result {
            Ok(bytes) => {
                // The session decodes the reply again; this costs a few ms per round and keeps
                // the session's API unchanged.
                let skew = sync_protocol::codec::decode_reply(bytes).ok().map(|reply| {
                    let half_trip = started.elapsed().as_millis() as i64 / 2;
                    reply.server_time_ms - (sent.timestamp_millis() + half_trip)
                });
                if skew.is_some() {
                    self.last_skew_ms = skew;
                }
                update_record(&self.data_dir, |record| {
                    record.last_contact = Some(rfc3339(received));
                    if skew.is_some() {
                        record.clock_skew_ms = skew;
                    }
                });
            }
            Err(error) => {
                live_update(&self.data_dir, |live| live.syncing = false);
                let code = transport_code(error);
                update_record(&self.data_dir, |record| {
                    record.last_failure = Some(rfc3339(received));
                    record.last_failure_code = Some(code);
                });
            }
        }
        result
    }
}

fn progress_finished(data_dir: &Path, progress: &SyncProgress, now: DateTime<FixedOffset>) {
    live_update(data_dir, |live| {
        live.syncing = !progress.finished;
        live.progress = (!progress.finished).then(|| progress.clone());
    });
    if progress.finished {
        update_record(data_dir, |record| {
            record.last_success = Some(rfc3339(now));
        });
    }
}

/// Where a sync's progress stands, for the indicator (part of [`SyncStatus`]).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ProgressView {
    /// Events not yet acknowledged.
    pub events_waiting: u64,
    /// Request bytes sent in this run.
    pub bytes_sent: u64,
    /// Reply bytes received in this run.
    pub bytes_received: u64,
    /// Seconds left at the throughput seen so far.
    pub estimated_seconds_left: Option<f64>,
}

/// The sync indicator's state of the counter in `data_dir`, from the credential, the recorded
/// last outcome and any sync running in this process. `waiting_events` comes from the store.
pub fn sync_status(data_dir: &Path, waiting_events: i64) -> Result<SyncStatus, AppError> {
    if load_credential(data_dir)?.is_none() {
        return Ok(SyncStatus {
            state: "not_enrolled",
            waiting_events,
            last_success: None,
            progress: None,
            clock_skew_seconds: None,
            quarantined_events: None,
        });
    }
    let record = load_record(data_dir);
    let live = live_state(data_dir);
    let state = if live.syncing {
        "syncing"
    } else {
        match record.link_up() {
            Some(false) => "offline",
            _ => "online",
        }
    };
    Ok(SyncStatus {
        state,
        waiting_events,
        last_success: record.last_success,
        progress: live.progress.map(|p| ProgressView {
            events_waiting: p.events_waiting,
            bytes_sent: p.bytes_sent,
            bytes_received: p.bytes_received,
            estimated_seconds_left: p.estimated_seconds_left,
        }),
        clock_skew_seconds: record.clock_skew_ms.map(|ms| ms as f64 / 1000.0),
        quarantined_events: (!record.quarantined.is_empty()).then_some(record.quarantined.len()),
    })
}

/// Asks the background loop of `data_dir`, if one runs in this process, to sync now (after a
/// local write, or when the clerk presses "sync"). Returns whether a loop was there.
pub fn notify_local_write(data_dir: &Path) -> bool {
    match running_loop(data_dir) {
        Some(sync_loop) => {
            sync_loop.trigger(SyncTrigger::Now);
            true
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Use cases.

impl Counter {
    /// Enrols this counter with the district server (`POST /api/v1/enroll`) using the one-time
    /// code printed by `motcua-server enroll-code`, and keeps the credential in the data folder
    /// (owner-only file). Enrolling again replaces the credential (a new device id: the server
    /// sees the retained events again under it and deduplicates them by event id).
    pub fn enroll(&mut self, server_url: &str, code: &str) -> Result<Enrollment, AppError> {
        let server_url = normalise_server_url(server_url)?;
        let code = code.trim();
        if code.is_empty() {
            return Err(AppError::invalid(
                "code",
                "required",
                "the enrolment code is required",
            ));
        }
        // The label helps the district administrator tell counters apart; no personal data.
        let mut settings = self.settings()?;
        let label = format!("{} – {}", settings.commune_name, settings.counter_name);
        let request = sync_client::EnrollRequest {
            code: code.to_owned(),
            label,
            counter_id: Some(self.store_mut().identity().device_id.clone()),
            counter_prefix: Some(settings.code_prefix.clone()),
        };
        let credential = sync_client::enroll(&server_url, &request).map_err(enroll_error)?;
        if credential.commune != settings.commune_code {
            // Events would land in another commune's books; refuse before keeping anything.
            return Err(AppError::new(
                ErrorCode::EnrollWrongCommune,
                format!(
                    "wrong_commune: the enrolment code belongs to commune {}, this counter is {}",
                    credential.commune, settings.commune_code
                ),
            ));
        }
        // The server decides the counter prefix: it alone sees every counter of the commune,
        // and two counters with one prefix would issue the same local codes (domain `code`).
        if let Some(granted) = credential.counter_prefix.as_deref() {
            let granted = CounterPrefix::parse(granted)
                .map_err(|e| failed(format!("the server sent a bad counter prefix: {e}")))?;
            if granted.as_str() != settings.code_prefix {
                settings.code_prefix = granted.as_str().to_owned();
                let now = self.now();
                self.store_mut().save_settings(&settings, now)?;
            }
        }
        save_credential(self.data_dir(), &credential)?;
        let now = self.now();
        update_record(self.data_dir(), |record| {
            record.last_contact = Some(rfc3339(now));
        });
        Ok(Enrollment::from(&credential))
    }

    /// The counter's enrolment, if any.
    pub fn enrollment(&self) -> Result<Option<Enrollment>, AppError> {
        Ok(load_credential(self.data_dir())?
            .as_ref()
            .map(Enrollment::from))
    }

    /// Syncs until nothing is left to send or fetch, or the link fails (sync.md §3).
    /// `server_override` replaces the enrolled address for this run only.
    pub fn sync(&mut self, server_override: Option<&str>) -> Result<SyncSummary, AppError> {
        self.sync_with(server_override, &SyncConfig::default())
    }

    /// [`Counter::sync`] with explicit tuning (tests shorten the backoff).
    pub fn sync_with(
        &mut self,
        server_override: Option<&str>,
        config: &SyncConfig,
    ) -> Result<SyncSummary, AppError> {
        let mut credential = load_credential(self.data_dir())?.ok_or_else(|| {
            failed("not_enrolled: this counter is not enrolled; run `motcua enroll` first")
        })?;
        if let Some(url) = server_override {
            credential.server_url = normalise_server_url(url)?;
        }
        let data_dir = self.data_dir().to_path_buf();
        let transport = HttpTransport::new(&credential, EXCHANGE_TIMEOUT)
            .map_err(|e| failed(format!("cannot start the HTTP client: {e}")))?;
        let clock = Arc::new(ElapsedClock {
            start: self.now(),
            started: Instant::now(),
        });
        let mut transport = WatchedTransport {
            inner: transport,
            data_dir: data_dir.clone(),
            clock: clock.clone(),
            last_skew_ms: None,
        };
        let page_clock = clock.clone();
        let now = Box::new(move || page_clock.now());
        let outbox = StoreOutbox::new(self.store_mut(), &credential.device_id, now)
            .recording_rejections_in(&data_dir);
        let result = sync_client::sync_until_idle(
            &outbox,
            &mut transport,
            config,
            &mut |progress: &SyncProgress| progress_finished(&data_dir, progress, clock.now()),
        );
        let official_codes_received = outbox.official_codes_received();
        drop(outbox);
        let counter_skew_ms = transport.last_skew_ms;
        live_update(&data_dir, |live| {
            live.syncing = false;
            live.progress = None;
        });
        match result {
            Ok(mut run) => {
                // The client library measures against the system clock; the counter's own
                // clock is the one its events carry (the same in production, not in tests).
                run.clock_skew_ms = counter_skew_ms.or(run.clock_skew_ms);
                if let Some(skew) = run.clock_skew_ms {
                    // Later local events order after everything the server has seen (HLC).
                    let now = self.now();
                    let server = store::Hlc {
                        physical_ms: now.timestamp_millis() + skew,
                        counter: 0,
                    };
                    self.store_mut().observe_remote_clock(server, now);
                }
                Ok(SyncSummary {
                    official_codes_received,
                    events_waiting: self.store().outbox_stats()?.events_waiting,
                    clock_skew_seconds: run.clock_skew_ms.map(|ms| ms as f64 / 1000.0),
                    clock_is_off: run.clock_is_off(),
                    run,
                })
            }
            Err(error) => Err(sync_failure(error)),
        }
    }
}

/// A clock that runs from `start` by the monotonic clock (a sync run's own time line).
struct ElapsedClock {
    start: DateTime<FixedOffset>,
    started: Instant,
}

impl Clock for ElapsedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.start + chrono::Duration::from_std(self.started.elapsed()).unwrap_or_default()
    }
}

fn sync_failure(error: SyncError) -> AppError {
    let (inner, summary) = match error {
        SyncError::Partial(inner, summary) => (*inner, Some(summary)),
        other => (other, None),
    };
    let progress = summary.map_or(String::new(), |s| {
        format!(
            " after {} requests ({} events sent, {} failed exchanges)",
            s.requests, s.events_sent, s.failures
        )
    });
    failed(format!(
        "sync stopped ({}): {inner}{progress}",
        inner.code()
    ))
}

// ---------------------------------------------------------------------------------------------
// The desktop's background loop.

/// The background sync of the desktop app, running while this handle lives.
pub struct BackgroundSync {
    sync_loop: Arc<SyncLoop>,
    data_dir: PathBuf,
    probe_stop: Arc<AtomicBool>,
    probe: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for BackgroundSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackgroundSync")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl BackgroundSync {
    /// A local write happened (intake, transition, tap...): sync soon.
    pub fn local_write(&self) {
        self.sync_loop.trigger(SyncTrigger::Now);
    }

    /// The OS reported a network change: retry at once, forgetting the backoff.
    pub fn connectivity_changed(&self) {
        self.sync_loop.trigger(SyncTrigger::ConnectivityChanged);
    }

    /// Stops the loop after the exchange in progress.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.probe_stop.store(true, Ordering::Relaxed);
        if let Some(probe) = self.probe.take() {
            probe.thread().unpark();
            let _ = probe.join();
        }
        if let Ok(mut loops) = LOOPS.lock() {
            loops.remove(&self.data_dir);
        }
        self.sync_loop.trigger(SyncTrigger::Stop);
    }
}

impl Drop for BackgroundSync {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn open_store_for_sync(data_dir: &Path) -> Result<Store, AppError> {
    let key_path = data_dir.join(crate::counter::KEY_FILE);
    let hex =
        std::fs::read_to_string(&key_path).map_err(|e| io_failure("cannot read", &key_path, e))?;
    let key = StoreKey::from_hex(hex.trim())?;
    let options = store::OpenOptions {
        // The app's own connection checked the file at start-up.
        integrity_check: store::IntegrityCheck::Skip,
        ..Default::default()
    };
    Ok(Store::open(
        &data_dir.join(crate::counter::DATABASE_FILE),
        &key,
        &options,
        SystemClock.now(),
    )?)
}

/// `host:port` of a server URL, for the connectivity probe.
fn probe_address(server_url: &str) -> Option<String> {
    let (default_port, rest) = if let Some(rest) = server_url.strip_prefix("https://") {
        (443, rest)
    } else {
        (80, server_url.strip_prefix("http://")?)
    };
    let authority = rest.split('/').next()?;
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.parse::<u16>().is_ok() && !authority.ends_with(']'));
    Some(if has_port {
        authority.to_string()
    } else {
        format!("{authority}:{default_port}")
    })
}

/// Starts the desktop's background sync for the counter in `data_dir`: a sync at once, then
/// every two minutes, after every [`BackgroundSync::local_write`] (or [`notify_local_write`]),
/// and when the server becomes reachable again (a TCP probe every 15 s while the link is down,
/// or [`BackgroundSync::connectivity_changed`]). Never only on the next local write (the
/// PowerSync bug of sync.md §1). `report` receives the indicator's state after every round and
/// at the end of every run, from the loop's thread. `Ok(None)` when the counter is not enrolled
/// (call again after enrolling).
pub fn spawn_background_sync(
    data_dir: &Path,
    mut report: impl FnMut(&SyncStatus) + Send + 'static,
) -> Result<Option<BackgroundSync>, AppError> {
    let Some(credential) = load_credential(data_dir)? else {
        return Ok(None);
    };
    let store = open_store_for_sync(data_dir)?;
    let outbox = Arc::new(
        StoreOutbox::new(store, &credential.device_id, Box::new(|| SystemClock.now()))
            .recording_rejections_in(data_dir),
    );
    let transport = WatchedTransport {
        inner: HttpTransport::new(&credential, EXCHANGE_TIMEOUT)
            .map_err(|e| failed(format!("cannot start the HTTP client: {e}")))?,
        data_dir: data_dir.to_path_buf(),
        clock: Arc::new(SystemClock),
        last_skew_ms: None,
    };
    let dir = data_dir.to_path_buf();
    let waiting_outbox = Arc::clone(&outbox);
    let sync_loop = Arc::new(SyncLoop::spawn(
        outbox,
        transport,
        SyncConfig::default(),
        BACKGROUND_INTERVAL,
        move |progress: &SyncProgress| {
            progress_finished(&dir, progress, SystemClock.now());
            let waiting = waiting_outbox
                .waiting()
                .map_or(progress.events_waiting as i64, |w| w as i64);
            if let Ok(status) = sync_status(&dir, waiting) {
                report(&status);
            }
        },
    ));
    if let Ok(mut loops) = LOOPS.lock() {
        loops.insert(data_dir.to_path_buf(), Arc::downgrade(&sync_loop));
    }
    let probe_stop = Arc::new(AtomicBool::new(false));
    let probe = probe_address(&credential.server_url).map(|address| {
        let stop = Arc::clone(&probe_stop);
        let weak = Arc::downgrade(&sync_loop);
        let dir = data_dir.to_path_buf();
        std::thread::spawn(move || probe_while_offline(&address, &dir, &stop, &weak))
    });
    Ok(Some(BackgroundSync {
        sync_loop,
        data_dir: data_dir.to_path_buf(),
        probe_stop,
        probe,
    }))
}

/// While the recorded link is down, tries a TCP connection to the server every
/// [`PROBE_INTERVAL`]; the first success triggers a sync at once (connectivity came back).
fn probe_while_offline(
    address: &str,
    data_dir: &Path,
    stop: &AtomicBool,
    sync_loop: &Weak<SyncLoop>,
) {
    use std::net::ToSocketAddrs;
    while !stop.load(Ordering::Relaxed) {
        std::thread::park_timeout(PROBE_INTERVAL);
        if stop.load(Ordering::Relaxed) {
            return;
        }
        if load_record(data_dir).link_up() != Some(false) || live_state(data_dir).syncing {
            continue;
        }
        let reachable = address.to_socket_addrs().ok().is_some_and(|mut addrs| {
            addrs.any(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(3)).is_ok())
        });
        if reachable {
            match sync_loop.upgrade() {
                Some(sync_loop) => sync_loop.trigger(SyncTrigger::ConnectivityChanged),
                None => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, payload: &str) -> store::OutboxEvent {
        store::OutboxEvent {
            event_id: "0190-test".into(),
            device_id: "dev".into(),
            epoch: 7,
            seq: 1,
            kind: kind.into(),
            dossier_code: Some("AA-260213-0001".into()),
            payload: payload.into(),
            device_time: "2026-02-13T09:00:00+07:00".into(),
            hlc: store::Hlc::ZERO,
        }
    }

    /// An intake goes up as `kind: intake` with `dossier_code` and `received_at` at the top:
    /// what the server needs to assign the official code (NĐ 118 art. 28).
    #[test]
    fn intake_goes_up_with_the_fields_the_server_assigns_official_codes_from() {
        let payload = wire_payload(&event(
            "dossier_taken_in",
            r#"{"code":"AA-260213-0001","received_at":"2026-02-13T09:00:00+07:00"}"#,
        ));
        let value: serde_json::Value = serde_json::from_str(&payload).expect("json");
        assert_eq!(value["kind"], "intake");
        assert_eq!(value["dossier_code"], "AA-260213-0001");
        assert_eq!(value["received_at"], "2026-02-13T09:00:00+07:00");
        assert!(
            value.get("commune").is_none(),
            "the server takes the commune from the token"
        );
    }

    /// The same stored event always gives the same bytes: a resend after a lost reply must hash
    /// the same on the server, or it would be quarantined as a conflict (sync.md §4.2, §4.7).
    #[test]
    fn wire_payload_is_deterministic_and_keeps_a_colliding_payload_whole() {
        let stored = event(
            "status_changed",
            r#"{"action":"start_processing","to":"in_progress"}"#,
        );
        assert_eq!(wire_payload(&stored), wire_payload(&stored));
        let colliding = wire_payload(&event("settings_changed", r#"{"kind":"x"}"#));
        let value: serde_json::Value = serde_json::from_str(&colliding).expect("json");
        assert_eq!(value["kind"], "settings_changed");
        assert_eq!(value["data"]["kind"], "x");
    }

    #[test]
    fn server_urls_are_checked_and_probe_addresses_get_default_ports() {
        assert_eq!(
            normalise_server_url(" http://10.0.0.5:8080/ ").expect("url"),
            "http://10.0.0.5:8080"
        );
        assert!(normalise_server_url("10.0.0.5").is_err());
        assert!(normalise_server_url("https://").is_err());
        assert_eq!(
            probe_address("https://sync.example.vn/api").as_deref(),
            Some("sync.example.vn:443")
        );
        assert_eq!(
            probe_address("http://127.0.0.1:9000").as_deref(),
            Some("127.0.0.1:9000")
        );
    }

    /// The indicator says offline only when the last exchange failed after the last contact.
    #[test]
    fn link_state_follows_the_latest_exchange() {
        let mut record = SyncRecord::default();
        assert_eq!(record.link_up(), None);
        record.last_contact = Some("2026-02-13T09:00:00.000+07:00".into());
        assert_eq!(record.link_up(), Some(true));
        record.last_failure = Some("2026-02-13T09:05:00.000+07:00".into());
        assert_eq!(record.link_up(), Some(false));
        record.last_contact = Some("2026-02-13T09:06:00.000+07:00".into());
        assert_eq!(record.link_up(), Some(true));
    }
}
