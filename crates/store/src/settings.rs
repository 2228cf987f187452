//! The commune's settings, its clerks, and citizens' satisfaction taps.

use chrono::{DateTime, FixedOffset, NaiveTime};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::dossiers::parse_instant;
use crate::error::{StoreError, StoreResult};
use crate::types::EventKind;
use crate::Store;

/// One working period of the day (e.g. 07:30–11:30), in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingPeriod {
    /// Start.
    pub start: NaiveTime,
    /// End.
    pub end: NaiveTime,
}

/// The commune's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneSettings {
    /// The commune's administrative code.
    pub commune_code: String,
    /// The commune's name.
    pub commune_name: String,
    /// The counter's name (Bộ phận Một cửa …).
    pub counter_name: String,
    /// The agency prefix of dossier codes (NĐ 118 art. 28).
    pub code_prefix: String,
    /// The working periods of a working day.
    pub working_hours: Vec<WorkingPeriod>,
}

/// A clerk of the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clerk {
    /// A stable id (login or staff number).
    pub id: String,
    /// Full name, as printed on slips.
    pub full_name: String,
    /// Whether the clerk still works at the counter.
    pub active: bool,
}

/// One tap on the counter's satisfaction device (NĐ 118 art. 31; criteria art. 33). The scale
/// is not fixed by law (domain.md §6), so the tap carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SatisfactionTap {
    /// The level tapped, 1 = least satisfied.
    pub level: u8,
    /// The number of levels on the device (3 or 5 in practice).
    pub scale: u8,
    /// Criteria codes the citizen picked (art. 33), possibly none.
    pub criteria: Vec<String>,
    /// The dossier, when known.
    pub dossier_code: Option<String>,
    /// The clerk at the counter, when known.
    pub clerk_id: Option<String>,
    /// When.
    pub tapped_at: DateTime<FixedOffset>,
}

impl Store {
    /// Saves the commune's settings, with a `settings_changed` event.
    pub fn save_settings(
        &mut self,
        settings: &CommuneSettings,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<()> {
        if settings.working_hours.iter().any(|p| p.start >= p.end) {
            return Err(StoreError::InvalidInput(
                "a working period must end after it starts".into(),
            ));
        }
        self.write(now, |tx, events| {
            tx.execute(
                "INSERT INTO commune_settings (id, commune_code, commune_name, counter_name, \
                 code_prefix, working_hours) VALUES (1, ?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (id) DO UPDATE SET commune_code = excluded.commune_code, \
                 commune_name = excluded.commune_name, counter_name = excluded.counter_name, \
                 code_prefix = excluded.code_prefix, working_hours = excluded.working_hours",
                rusqlite::params![
                    settings.commune_code,
                    settings.commune_name,
                    settings.counter_name,
                    settings.code_prefix,
                    serde_json::to_string(&settings.working_hours)?,
                ],
            )?;
            events.append(tx, EventKind::SettingsChanged, None, settings)?;
            Ok(())
        })
    }

    /// The commune's settings, `None` before the first save.
    pub fn settings(&self) -> StoreResult<Option<CommuneSettings>> {
        let row = self
            .conn
            .query_row(
                "SELECT commune_code, commune_name, counter_name, code_prefix, working_hours \
                 FROM commune_settings WHERE id = 1",
                [],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(commune_code, commune_name, counter_name, code_prefix, hours)| {
                Ok(CommuneSettings {
                    commune_code,
                    commune_name,
                    counter_name,
                    code_prefix,
                    working_hours: serde_json::from_str(&hours)?,
                })
            },
        )
        .transpose()
    }

    /// Adds or updates a clerk, with a `clerk_saved` event.
    pub fn save_clerk(&mut self, clerk: &Clerk, now: DateTime<FixedOffset>) -> StoreResult<()> {
        if clerk.id.trim().is_empty() {
            return Err(StoreError::InvalidInput("clerk id is empty".into()));
        }
        self.write(now, |tx, events| {
            tx.execute(
                "INSERT INTO clerk (id, full_name, active) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, \
                 active = excluded.active",
                rusqlite::params![clerk.id, clerk.full_name, clerk.active],
            )?;
            events.append(tx, EventKind::ClerkSaved, None, clerk)?;
            Ok(())
        })
    }

    /// All clerks, by id.
    pub fn clerks(&self) -> StoreResult<Vec<Clerk>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, full_name, active FROM clerk ORDER BY id")?;
        let clerks = statement
            .query_map([], |row| {
                Ok(Clerk {
                    id: row.get(0)?,
                    full_name: row.get(1)?,
                    active: row.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(clerks)
    }

    /// Records a satisfaction tap with its event.
    pub fn record_tap(
        &mut self,
        tap: &SatisfactionTap,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<()> {
        if tap.scale < 2 || tap.level < 1 || tap.level > tap.scale {
            return Err(StoreError::InvalidInput(format!(
                "level {} is not on a 1..={} scale",
                tap.level, tap.scale
            )));
        }
        self.write(now, |tx, events| {
            tx.execute(
                "INSERT INTO satisfaction_tap (level, scale, criteria, dossier_code, clerk_id, \
                 tapped_at, tapped_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    tap.level,
                    tap.scale,
                    serde_json::to_string(&tap.criteria)?,
                    tap.dossier_code,
                    tap.clerk_id,
                    tap.tapped_at.to_rfc3339(),
                    tap.tapped_at.timestamp_millis(),
                ],
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    StoreError::DossierNotFound {
                        code: tap.dossier_code.clone().unwrap_or_default(),
                    }
                }
                other => other,
            })?;
            events.append(
                tx,
                EventKind::SatisfactionTapped,
                tap.dossier_code.as_deref(),
                tap,
            )?;
            Ok(())
        })
    }

    /// Taps in `[from, to)`, oldest first, for the satisfaction report (domain.md §6–7).
    pub fn taps_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<SatisfactionTap>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT level, scale, criteria, dossier_code, clerk_id, tapped_at \
             FROM satisfaction_tap WHERE tapped_ms >= ?1 AND tapped_ms < ?2 ORDER BY tapped_ms, id",
        )?;
        let rows =
            statement.query_map([from.timestamp_millis(), to.timestamp_millis()], |row| {
                Ok((
                    row.get::<_, u8>(0)?,
                    row.get::<_, u8>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, String>(5)?,
                ))
            })?;
        let mut taps = Vec::new();
        for row in rows {
            let (level, scale, criteria, dossier_code, clerk_id, tapped_at) = row?;
            taps.push(SatisfactionTap {
                level,
                scale,
                criteria: serde_json::from_str(&criteria)?,
                dossier_code,
                clerk_id,
                tapped_at: parse_instant(&tapped_at)?,
            });
        }
        Ok(taps)
    }
}
