//! Read-only questions the period reports ask (domain.md §7): which dossiers a period touches,
//! and the status changes that say when each was asked to complete, apologised for, and
//! resolved. No personal data is read: reports count, they do not name citizens.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use domain::dossier::{Channel, DossierStatus};
use serde::{Deserialize, Serialize};

use crate::dossiers::{enum_from_text, parse_instant};
use crate::error::StoreResult;
use crate::types::{EventKind, Timeliness};
use crate::Store;

/// Statuses that are not final: such a dossier is open whatever the period.
const OPEN: &str = "status IN ('received', 'in_progress', 'supplement_requested', 'result_ready')";

/// A dossier as a report sees it: no citizen data, plus its status changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDossier {
    /// The dossier code.
    pub code: String,
    /// The procedure's code.
    pub procedure_code: String,
    /// The procedure's name as at receipt.
    pub procedure_name: String,
    /// How it reached the commune.
    pub channel: Channel,
    /// When it was received.
    pub received_at: DateTime<FixedOffset>,
    /// The due date set at receipt (from the intake event; `None` for data brought in
    /// without one).
    pub intake_due_at: Option<DateTime<FixedOffset>>,
    /// The due date in force now.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Where it stands now.
    pub status: DossierStatus,
    /// The receiving clerk.
    pub clerk_id: String,
    /// When the result was handed over.
    pub returned_at: Option<DateTime<FixedOffset>>,
    /// Early / on time / late as recorded at the return.
    pub timeliness: Option<Timeliness>,
    /// Its status changes, oldest first.
    pub status_changes: Vec<RecordedStatusChange>,
}

/// One status change of the event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedStatusChange {
    /// When it happened (the instant the app recorded it at, `--at` for paper books).
    pub at: DateTime<FixedOffset>,
    /// The action's code (`request_supplement`, `extend`, `return`, ...).
    pub action: String,
    /// The status before.
    pub from: DossierStatus,
    /// The status after.
    pub to: DossierStatus,
    /// The due date in force after the change.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Early / on time / late, when the change resolved the dossier.
    pub timeliness: Option<Timeliness>,
}

/// The part of a `dossier_taken_in` payload a report reads (nothing about the citizen).
#[derive(Deserialize)]
struct TakenInPayload {
    #[serde(default)]
    due_at: Option<DateTime<FixedOffset>>,
}

/// The part of a `status_changed` payload a report reads.
#[derive(Deserialize)]
struct StatusChangedPayload {
    action: String,
    from: DossierStatus,
    to: DossierStatus,
    #[serde(default)]
    due_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    timeliness: Option<Timeliness>,
}

impl Store {
    /// The dossiers a report of `[start, end)` may count, each with its status changes:
    /// received before `end` and either still open or last written at or after `start` (a
    /// dossier resolved before `start` is left out; its last write is its resolution unless a
    /// later correction moved it on, so this is a superset and the report filters by the
    /// dates it finds). In tracking-book order.
    pub fn report_dossiers(
        &self,
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<ReportDossier>> {
        let filter = format!("d.received_ms < ?2 AND (d.{OPEN} OR d.updated_ms >= ?1)");
        let bounds = [start.timestamp_millis(), end.timestamp_millis()];
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT d.code, d.procedure_code, d.procedure_name, d.channel, d.received_at, \
             d.due_at, d.status, d.clerk_id, d.returned_at, d.timeliness FROM dossier d \
             WHERE {filter} ORDER BY d.received_ms, d.code"
        ))?;
        let rows = statement.query_map(bounds, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, String>(7)?,
                row.get::<_, Option<String>>(8)?,
                row.get::<_, Option<String>>(9)?,
            ))
        })?;
        let mut dossiers = Vec::new();
        let mut index_of: HashMap<String, usize> = HashMap::new();
        for row in rows {
            let raw = row?;
            index_of.insert(raw.0.clone(), dossiers.len());
            dossiers.push(ReportDossier {
                code: raw.0,
                procedure_code: raw.1,
                procedure_name: raw.2,
                channel: enum_from_text(&raw.3)?,
                received_at: parse_instant(&raw.4)?,
                intake_due_at: None,
                due_at: raw.5.as_deref().map(parse_instant).transpose()?,
                status: enum_from_text(&raw.6)?,
                clerk_id: raw.7,
                returned_at: raw.8.as_deref().map(parse_instant).transpose()?,
                timeliness: raw.9.as_deref().map(enum_from_text).transpose()?,
                status_changes: Vec::new(),
            });
        }

        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT e.dossier_code, e.kind, e.payload, e.device_time FROM event e \
             JOIN dossier d ON d.code = e.dossier_code \
             WHERE e.kind IN ('dossier_taken_in', 'status_changed') AND {filter} \
             ORDER BY e.position"
        ))?;
        let rows = statement.query_map(bounds, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (code, kind, payload, device_time) = row?;
            let Some(&index) = index_of.get(&code) else {
                continue;
            };
            if kind == EventKind::DossierTakenIn.as_str() {
                let payload: TakenInPayload = serde_json::from_str(&payload)?;
                dossiers[index].intake_due_at = payload.due_at;
                continue;
            }
            let payload: StatusChangedPayload = serde_json::from_str(&payload)?;
            dossiers[index].status_changes.push(RecordedStatusChange {
                at: parse_instant(&device_time)?,
                action: payload.action,
                from: payload.from,
                to: payload.to,
                due_at: payload.due_at,
                timeliness: payload.timeliness,
            });
        }
        Ok(dossiers)
    }
}
