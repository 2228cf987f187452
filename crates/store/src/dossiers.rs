//! Dossiers: intake, status changes, letters, corrections (each a row change plus its event in
//! one transaction), and the questions the screens and reports ask.

use chrono::{DateTime, FixedOffset};
use domain::dossier::{Action, Citizen, DossierStatus};
use rusqlite::{named_params, OptionalExtension, Row, Transaction};
use serde::{de::DeserializeOwned, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::fold::{fold, name_query};
use crate::hlc::Hlc;
use crate::types::{
    Dossier, DossierCorrection, EventKind, NewDossier, StatusChange, StoredEvent, Timeliness,
};
use crate::{EventAppender, Store};

/// The statuses in which the legal clock runs, so a dossier can be due or overdue. A dossier
/// sent back for completion has its clock stopped (NĐ 118 art. 19.5); one whose result is
/// ready has been processed. Mirrors the partial index `dossier_running_due`.
const RUNNING: &str = "status IN ('received', 'in_progress')";

const COLUMNS: &str = "code, official_code, procedure_code, procedure_name, citizen_name, \
    citizen_id_number, citizen_phone, citizen_address, channel, documents, received_at, due_at, \
    status, extended, supplement_count, clerk_id, returned_at, timeliness";

pub(crate) fn enum_text<T: Serialize>(value: &T) -> StoreResult<String> {
    match serde_json::to_value(value)? {
        serde_json::Value::String(text) => Ok(text),
        other => Err(StoreError::InvalidInput(format!(
            "not a unit variant: {other}"
        ))),
    }
}

pub(crate) fn enum_from_text<T: DeserializeOwned>(text: &str) -> StoreResult<T> {
    Ok(serde_json::from_value(serde_json::Value::String(
        text.to_string(),
    ))?)
}

pub(crate) fn parse_instant(text: &str) -> StoreResult<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).map_err(|e| StoreError::Decode(format!("instant: {e}")))
}

fn optional_instant(text: Option<String>) -> StoreResult<Option<DateTime<FixedOffset>>> {
    text.as_deref().map(parse_instant).transpose()
}

/// Reads a row selected with [`COLUMNS`].
fn dossier_from_row(row: &Row<'_>) -> rusqlite::Result<StoreResult<Dossier>> {
    let raw = (
        row.get::<_, String>(0)?,
        row.get::<_, Option<String>>(1)?,
        row.get::<_, String>(2)?,
        row.get::<_, String>(3)?,
        row.get::<_, String>(4)?,
        row.get::<_, Option<String>>(5)?,
        row.get::<_, Option<String>>(6)?,
        row.get::<_, Option<String>>(7)?,
        row.get::<_, String>(8)?,
        row.get::<_, String>(9)?,
        row.get::<_, String>(10)?,
        row.get::<_, Option<String>>(11)?,
        row.get::<_, String>(12)?,
        row.get::<_, bool>(13)?,
        row.get::<_, u32>(14)?,
        row.get::<_, String>(15)?,
        row.get::<_, Option<String>>(16)?,
        row.get::<_, Option<String>>(17)?,
    );
    Ok((|| {
        Ok(Dossier {
            code: raw.0,
            official_code: raw.1,
            procedure_code: raw.2,
            procedure_name: raw.3,
            citizen: Citizen {
                name: raw.4,
                id_number: raw.5,
                phone: raw.6,
                address: raw.7,
            },
            channel: enum_from_text(&raw.8)?,
            documents: serde_json::from_str(&raw.9)?,
            received_at: parse_instant(&raw.10)?,
            due_at: optional_instant(raw.11)?,
            status: enum_from_text(&raw.12)?,
            extended: raw.13,
            supplement_count: raw.14,
            clerk_id: raw.15,
            returned_at: optional_instant(raw.16)?,
            timeliness: raw
                .17
                .as_deref()
                .map(enum_from_text::<Timeliness>)
                .transpose()?,
        })
    })())
}

fn collect(
    statement: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
) -> StoreResult<Vec<Dossier>> {
    let rows = statement.query_map(params, dossier_from_row)?;
    let mut dossiers = Vec::new();
    for row in rows {
        dossiers.push(row??);
    }
    Ok(dossiers)
}

fn validate_new(dossier: &NewDossier) -> StoreResult<()> {
    let required = [
        ("code", dossier.code.as_str()),
        ("procedure_code", dossier.procedure_code.as_str()),
        ("citizen name", dossier.citizen.name.as_str()),
        ("clerk_id", dossier.clerk_id.as_str()),
    ];
    for (field, value) in required {
        if value.trim().is_empty() {
            return Err(StoreError::InvalidInput(format!("{field} is empty")));
        }
    }
    Ok(())
}

fn insert_dossier(
    tx: &Transaction<'_>,
    events: &mut EventAppender<'_>,
    dossier: &NewDossier,
    now_ms: i64,
) -> StoreResult<()> {
    validate_new(dossier)?;
    let inserted = tx
        .prepare_cached(
            "INSERT INTO dossier (code, procedure_code, procedure_name, citizen_name, \
             citizen_id_number, citizen_phone, citizen_address, channel, documents, received_at, \
             received_ms, due_at, due_ms, status, clerk_id, updated_ms) \
             VALUES (:code, :procedure_code, :procedure_name, :name, :id_number, :phone, \
             :address, :channel, :documents, :received_at, :received_ms, :due_at, :due_ms, \
             'received', :clerk, :now) ON CONFLICT (code) DO NOTHING",
        )?
        .execute(named_params! {
            ":code": dossier.code,
            ":procedure_code": dossier.procedure_code,
            ":procedure_name": dossier.procedure_name,
            ":name": dossier.citizen.name,
            ":id_number": dossier.citizen.id_number,
            ":phone": dossier.citizen.phone,
            ":address": dossier.citizen.address,
            ":channel": enum_text(&dossier.channel)?,
            ":documents": serde_json::to_string(&dossier.documents)?,
            ":received_at": dossier.received_at.to_rfc3339(),
            ":received_ms": dossier.received_at.timestamp_millis(),
            ":due_at": dossier.due_at.map(|d| d.to_rfc3339()),
            ":due_ms": dossier.due_at.map(|d| d.timestamp_millis()),
            ":clerk": dossier.clerk_id,
            ":now": now_ms,
        })?;
    if inserted == 0 {
        return Err(StoreError::DuplicateCode {
            code: dossier.code.clone(),
        });
    }
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO dossier_name_search (rowid, name_folded) VALUES (?1, ?2)")?
        .execute(rusqlite::params![id, fold(&dossier.citizen.name)])?;
    events.append(tx, EventKind::DossierTakenIn, Some(&dossier.code), dossier)?;
    Ok(())
}

fn apply_status_change(
    tx: &Transaction<'_>,
    events: &mut EventAppender<'_>,
    change: &StatusChange,
    now: DateTime<FixedOffset>,
) -> StoreResult<()> {
    let is_extension = matches!(change.action, Action::Extend { .. });
    let is_supplement = matches!(change.action, Action::RequestSupplement { .. });
    let is_return = matches!(change.action, Action::Return);

    let updated = tx
        .prepare_cached(
            "UPDATE dossier SET status = :to, due_at = :due_at, due_ms = :due_ms, \
                     extended = extended OR :extension, \
                     supplement_count = supplement_count + :supplement, \
                     returned_at = CASE WHEN :is_return THEN :now_text ELSE returned_at END, \
                     returned_ms = CASE WHEN :is_return THEN :now_ms ELSE returned_ms END, \
                     timeliness = coalesce(:timeliness, timeliness), updated_ms = :now_ms \
                     WHERE code = :code AND status = :from",
        )?
        .execute(named_params! {
            ":to": enum_text(&change.to)?,
            ":from": enum_text(&change.from)?,
            ":due_at": change.due_at.map(|d| d.to_rfc3339()),
            ":due_ms": change.due_at.map(|d| d.timestamp_millis()),
            ":extension": is_extension,
            ":supplement": i64::from(is_supplement),
            ":is_return": is_return,
            ":now_text": now.to_rfc3339(),
            ":now_ms": now.timestamp_millis(),
            ":timeliness": change.timeliness.as_ref().map(enum_text).transpose()?,
            ":code": change.code,
        })?;
    if updated == 0 {
        return Err(missing_or_stale(tx, &change.code)?);
    }
    events.append(
        tx,
        EventKind::StatusChanged,
        Some(&change.code),
        &StatusChangedPayload {
            action: &change.action,
            from: change.from,
            to: change.to,
            due_at: change.due_at,
            timeliness: change.timeliness,
            clerk_id: &change.clerk_id,
        },
    )?;
    Ok(())
}

#[derive(Serialize)]
struct StatusChangedPayload<'a> {
    #[serde(flatten)]
    action: &'a Action,
    from: DossierStatus,
    to: DossierStatus,
    due_at: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeliness: Option<Timeliness>,
    clerk_id: &'a str,
}

#[derive(Serialize)]
struct LetterPrintedPayload<'a> {
    letter: &'a str,
    clerk_id: &'a str,
}

#[derive(Serialize)]
struct CorrectionPayload<'a> {
    #[serde(flatten)]
    correction: &'a DossierCorrection,
    reason: &'a str,
    clerk_id: &'a str,
}

impl Store {
    /// Takes in a dossier (tiếp nhận, NĐ 118 art. 15–16): writes the row, its search entry and
    /// a `dossier_taken_in` event in one durable transaction. Returns the stored dossier.
    pub fn take_in(
        &mut self,
        dossier: &NewDossier,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Dossier> {
        let now_ms = now.timestamp_millis();
        self.write(now, |tx, events| {
            insert_dossier(tx, events, dossier, now_ms)
        })?;
        self.dossier(&dossier.code)
    }

    /// Takes in many dossiers in one transaction: all or none. For imports and for building
    /// benchmark databases; the counter takes dossiers in one by one with [`Store::take_in`].
    pub fn take_in_many(
        &mut self,
        dossiers: &[NewDossier],
        now: DateTime<FixedOffset>,
    ) -> StoreResult<()> {
        let now_ms = now.timestamp_millis();
        self.write(now, |tx, events| {
            for dossier in dossiers {
                insert_dossier(tx, events, dossier, now_ms)?;
            }
            Ok(())
        })
    }

    /// Records a status change the app computed (new status, new due date, timeliness) with
    /// its event, in one transaction. Extensions set `extended` (once only, NĐ 118 art. 19.6
    /// — the domain enforces it); supplement requests count up (art. 19.5); a return sets
    /// `returned_at` to `now`.
    pub fn change_status(
        &mut self,
        change: &StatusChange,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Dossier> {
        self.write(now, |tx, events| {
            apply_status_change(tx, events, change, now)
        })?;
        self.dossier(&change.code)
    }

    /// Records many status changes in one transaction: all or none. For imports and for
    /// building benchmark databases.
    pub fn change_status_many(
        &mut self,
        changes: &[StatusChange],
        now: DateTime<FixedOffset>,
    ) -> StoreResult<()> {
        self.write(now, |tx, events| {
            for change in changes {
                apply_status_change(tx, events, change, now)?;
            }
            Ok(())
        })
    }

    /// Records that a letter or slip was printed for a dossier (e.g. `"form_01_receipt"`,
    /// `"form_04_apology"`), for the audit trail.
    pub fn record_letter_printed(
        &mut self,
        code: &str,
        letter: &str,
        clerk_id: &str,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<()> {
        self.write(now, |tx, events| {
            ensure_exists(tx, code)?;
            events.append(
                tx,
                EventKind::LetterPrinted,
                Some(code),
                &LetterPrintedPayload { letter, clerk_id },
            )?;
            Ok(())
        })
    }

    /// Corrects a dossier's data: updates the row and writes a `dossier_corrected` event with
    /// the new values and the reason. Earlier events stay as they were.
    pub fn correct(
        &mut self,
        code: &str,
        correction: &DossierCorrection,
        reason: &str,
        clerk_id: &str,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Dossier> {
        if reason.trim().is_empty() {
            return Err(StoreError::InvalidInput(
                "a correction needs a reason".into(),
            ));
        }
        self.write(now, |tx, events| {
            let id: i64 = tx
                .query_row("SELECT id FROM dossier WHERE code = ?1", [code], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or_else(|| StoreError::DossierNotFound { code: code.into() })?;
            if let Some(citizen) = &correction.citizen {
                tx.execute(
                    "UPDATE dossier SET citizen_name = ?2, citizen_id_number = ?3, \
                     citizen_phone = ?4, citizen_address = ?5, updated_ms = ?6 WHERE id = ?1",
                    rusqlite::params![
                        id,
                        citizen.name,
                        citizen.id_number,
                        citizen.phone,
                        citizen.address,
                        now.timestamp_millis()
                    ],
                )?;
                tx.execute("DELETE FROM dossier_name_search WHERE rowid = ?1", [id])?;
                tx.execute(
                    "INSERT INTO dossier_name_search (rowid, name_folded) VALUES (?1, ?2)",
                    rusqlite::params![id, fold(&citizen.name)],
                )?;
            }
            if let Some(documents) = &correction.documents {
                tx.execute(
                    "UPDATE dossier SET documents = ?2 WHERE id = ?1",
                    rusqlite::params![id, serde_json::to_string(documents)?],
                )?;
            }
            if let Some(official_code) = &correction.official_code {
                tx.execute(
                    "UPDATE dossier SET official_code = ?2 WHERE id = ?1",
                    rusqlite::params![id, official_code],
                )?;
            }
            events.append(
                tx,
                EventKind::DossierCorrected,
                Some(code),
                &CorrectionPayload {
                    correction,
                    reason,
                    clerk_id,
                },
            )?;
            Ok(())
        })?;
        self.dossier(code)
    }

    /// One dossier by its code (or its official code).
    pub fn dossier(&self, code: &str) -> StoreResult<Dossier> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE code = ?1 \
             UNION ALL SELECT {COLUMNS} FROM dossier WHERE official_code = ?1 LIMIT 1"
        ))?;
        statement
            .query_row([code], dossier_from_row)
            .optional()?
            .transpose()?
            .ok_or_else(|| StoreError::DossierNotFound { code: code.into() })
    }

    /// The dossier's events, oldest first: its audit trail.
    pub fn events_of(&self, code: &str) -> StoreResult<Vec<StoredEvent>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT position, event_id, device_id, epoch, seq, kind, dossier_code, payload, \
             device_time, hlc FROM event WHERE dossier_code = ?1 ORDER BY position",
        )?;
        let rows = statement.query_map([code], stored_event_from_row)?;
        let mut events = Vec::new();
        for row in rows {
            events.push(row??);
        }
        Ok(events)
    }

    /// Running dossiers due in `[from, to)`: "due today" with the bounds of today, "due within
    /// the horizon" with `from = now` and the horizon the app computed in working time.
    pub fn due_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<Dossier>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE {RUNNING} AND due_ms >= ?1 AND due_ms < ?2 \
             ORDER BY due_ms, code"
        ))?;
        collect(
            &mut statement,
            [from.timestamp_millis(), to.timestamp_millis()],
        )
    }

    /// Running dossiers whose due instant is before `now` (quá hạn), most overdue first.
    pub fn overdue(&self, now: DateTime<FixedOffset>, limit: u32) -> StoreResult<Vec<Dossier>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE {RUNNING} AND due_ms < ?1 \
             ORDER BY due_ms, code LIMIT ?2"
        ))?;
        collect(
            &mut statement,
            rusqlite::params![now.timestamp_millis(), limit],
        )
    }

    /// Running dossiers not yet extended whose due instant is at or before `horizon`: the
    /// apology and extension must go out at least 1 day before the due date (NĐ 118 art. 19.6),
    /// so the app passes `horizon` = now + 1 working day.
    pub fn apology_due(&self, horizon: DateTime<FixedOffset>) -> StoreResult<Vec<Dossier>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE {RUNNING} AND NOT extended AND due_ms <= ?1 \
             ORDER BY due_ms, code"
        ))?;
        collect(&mut statement, [horizon.timestamp_millis()])
    }

    /// Dossiers in a status, newest first.
    pub fn by_status(&self, status: DossierStatus, limit: u32) -> StoreResult<Vec<Dossier>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE status = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        collect(
            &mut statement,
            rusqlite::params![enum_text(&status)?, limit],
        )
    }

    /// Dossiers of a procedure received in `[from, to)`, in tracking-book order.
    pub fn by_procedure(
        &self,
        procedure_code: &str,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<Dossier>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE procedure_code = ?1 \
             AND received_ms >= ?2 AND received_ms < ?3 ORDER BY received_ms, code"
        ))?;
        collect(
            &mut statement,
            rusqlite::params![
                procedure_code,
                from.timestamp_millis(),
                to.timestamp_millis()
            ],
        )
    }

    /// Dossiers received by a clerk in `[from, to)`, in tracking-book order.
    pub fn by_clerk(
        &self,
        clerk_id: &str,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<Dossier>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE clerk_id = ?1 \
             AND received_ms >= ?2 AND received_ms < ?3 ORDER BY received_ms, code"
        ))?;
        collect(
            &mut statement,
            rusqlite::params![clerk_id, from.timestamp_millis(), to.timestamp_millis()],
        )
    }

    /// Dossiers received in `[from, to)` in the order of the tracking book (sổ theo dõi hồ sơ,
    /// TT 03 form 06): by receipt time, then code. Also the "received in period" of reports.
    pub fn received_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<Dossier>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE received_ms >= ?1 AND received_ms < ?2 \
             ORDER BY received_ms, code"
        ))?;
        collect(
            &mut statement,
            [from.timestamp_millis(), to.timestamp_millis()],
        )
    }

    /// How many dossiers were received in `[from, to)`: the row of a dossier in the tracking
    /// book, counted on the (received_ms, code) index without reading a row.
    pub fn count_received_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> StoreResult<usize> {
        let count: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM dossier WHERE received_ms >= ?1 AND received_ms < ?2",
            )?
            .query_row([from.timestamp_millis(), to.timestamp_millis()], |row| {
                row.get(0)
            })?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Dossiers whose result was handed over in `[from, to)`, for the reports' resolved
    /// early / on time / late counts.
    pub fn returned_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<Dossier>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossier WHERE returned_ms >= ?1 AND returned_ms < ?2 \
             ORDER BY returned_ms, code"
        ))?;
        collect(
            &mut statement,
            [from.timestamp_millis(), to.timestamp_millis()],
        )
    }

    /// The highest dossier code starting with `prefix` (e.g. the counter's prefix and today's
    /// date), so the app can number the next dossier of the day (NĐ 118 art. 28).
    pub fn highest_code_with_prefix(&self, prefix: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT code FROM dossier WHERE code >= ?1 AND code < ?2 \
                 ORDER BY code DESC LIMIT 1",
            )?
            .query_row([prefix, &prefix_upper_bound(prefix)], |row| row.get(0))
            .optional()?)
    }

    /// Search as the clerk types: by dossier code (or official code) prefix, by identification
    /// number or phone prefix when the text is digits, and by name without diacritics (every
    /// word a prefix, any order). Code matches come first, then numbers, then names, newest
    /// first within each; at most `limit` dossiers.
    pub fn search(&self, typed: &str, limit: u32) -> StoreResult<Vec<Dossier>> {
        let typed = typed.trim();
        let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut found: Vec<Dossier> = Vec::new();
        let push_all = |found: &mut Vec<Dossier>, more: Vec<Dossier>| {
            for dossier in more {
                if found.len() < limit_usize && !found.iter().any(|d| d.code == dossier.code) {
                    found.push(dossier);
                }
            }
        };
        if typed.is_empty() || limit == 0 {
            return Ok(found);
        }
        let compact: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect();
        if !typed.contains(char::is_whitespace) {
            let code = typed.to_uppercase();
            let mut statement = self.conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM dossier WHERE code >= ?1 AND code < ?2 \
                 UNION SELECT {COLUMNS} FROM dossier WHERE official_code >= ?1 \
                 AND official_code < ?2 ORDER BY 1 DESC LIMIT ?3"
            ))?;
            let more = collect(
                &mut statement,
                rusqlite::params![code, prefix_upper_bound(&code), limit],
            )?;
            push_all(&mut found, more);
        }
        if !compact.is_empty() && compact.chars().all(|c| c.is_ascii_digit()) {
            // Ids from the covering indexes first, whole rows for the newest `limit` only: a
            // phone prefix matches ~100 dossiers at 1,000,000, and reading (decrypting) them
            // all cost ~40 ms.
            let mut statement = self.conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM dossier WHERE id IN (SELECT id FROM dossier \
                 WHERE citizen_id_number >= ?1 AND citizen_id_number < ?2 \
                 UNION SELECT id FROM dossier WHERE citizen_phone >= ?1 \
                 AND citizen_phone < ?2 ORDER BY 1 DESC LIMIT ?3) ORDER BY id DESC"
            ))?;
            let more = collect(
                &mut statement,
                rusqlite::params![compact, prefix_upper_bound(&compact), limit],
            )?;
            push_all(&mut found, more);
        }
        // Names are letters only (domain validation): digits alone never need the name index,
        // whose prefix scan for a 6-digit term costs tens of ms at 1,000,000 dossiers.
        if found.len() < limit_usize && typed.chars().any(char::is_alphabetic) {
            if let Some(query) = name_query(typed) {
                let mut statement = self.conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM dossier WHERE id IN (SELECT rowid FROM \
                     dossier_name_search WHERE dossier_name_search MATCH ?1 \
                     ORDER BY rowid DESC LIMIT ?2) ORDER BY id DESC"
                ))?;
                let more = collect(&mut statement, rusqlite::params![query, limit])?;
                push_all(&mut found, more);
            }
        }
        Ok(found)
    }

    /// Counts all dossiers (for status bars and the benchmark).
    pub fn dossier_count(&self) -> StoreResult<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM dossier", [], |row| row.get(0))?)
    }

    /// The folded last HLC, for tests of ordering.
    pub fn last_hlc(&self) -> Hlc {
        self.last_hlc
    }
}

/// The smallest string greater than every string starting with `prefix`, for index range
/// scans: U+10FFFF is the greatest code point, so `prefix || U+10FFFF` bounds them all.
pub(crate) fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

fn ensure_exists(tx: &Transaction<'_>, code: &str) -> StoreResult<()> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM dossier WHERE code = ?1)",
        [code],
        |row| row.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::DossierNotFound { code: code.into() })
    }
}

fn missing_or_stale(tx: &Transaction<'_>, code: &str) -> StoreResult<StoreError> {
    ensure_exists(tx, code)?;
    Ok(StoreError::StaleStatus { code: code.into() })
}

pub(crate) fn stored_event_from_row(row: &Row<'_>) -> rusqlite::Result<StoreResult<StoredEvent>> {
    let kind: String = row.get(5)?;
    let event = StoredEvent {
        position: row.get(0)?,
        event_id: row.get(1)?,
        device_id: row.get(2)?,
        epoch: row.get(3)?,
        seq: row.get(4)?,
        kind: match crate::types::EventKind::parse(&kind) {
            Some(kind) => kind,
            None => return Ok(Err(StoreError::Decode(format!("event kind {kind}")))),
        },
        dossier_code: row.get(6)?,
        payload: row.get(7)?,
        device_time: row.get(8)?,
        hlc: Hlc::from_packed(row.get(9)?),
    };
    Ok(Ok(event))
}
