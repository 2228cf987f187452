//! The citizen's satisfaction tap on the customer-facing screen (NĐ 118 art. 31–33).

use domain::satisfaction::{Criterion, SatisfactionLevel};
use serde::{Deserialize, Serialize};
use store::SatisfactionTap;

use crate::{AppError, Counter};

/// What the satisfaction screen or `motcua tap` records.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(optional_fields)]
pub struct TapInput {
    /// `very_satisfied`, `satisfied` or `dissatisfied` (also `3`, `2`, `1`).
    pub level: String,
    /// Codes of the art. 33 criteria the citizen picked.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// The dossier just served, when known.
    #[serde(default)]
    pub dossier_code: Option<String>,
    /// The clerk at the counter, when known.
    #[serde(default)]
    pub clerk_id: Option<String>,
}

/// The recorded tap.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TapRecorded {
    /// The tap as stored.
    #[serde(flatten)]
    pub tap: SatisfactionTap,
}

impl Counter {
    /// Records one satisfaction tap, with its event.
    pub fn record_tap(&mut self, input: &TapInput) -> Result<TapRecorded, AppError> {
        let level = parse_level(&input.level)?;
        let criteria = input
            .criteria
            .iter()
            .map(|code| {
                serde_json::from_value::<Criterion>(serde_json::Value::String(code.clone()))
                    .map(|_| code.clone())
                    .map_err(|_| {
                        AppError::invalid(
                            "criteria",
                            "criterion_unknown",
                            format!("unknown criterion {code:?}"),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.now();
        let tap = SatisfactionTap {
            level: score(level),
            scale: SatisfactionLevel::ALL.len() as u8,
            criteria,
            dossier_code: input
                .dossier_code
                .clone()
                .filter(|code| !code.trim().is_empty()),
            clerk_id: input.clerk_id.clone(),
            tapped_at: now,
        };
        self.store_mut().record_tap(&tap, now)?;
        Ok(TapRecorded { tap })
    }
}

/// A level by its code (`very_satisfied`, `satisfied`, `dissatisfied`) or its score (3, 2, 1).
fn parse_level(text: &str) -> Result<SatisfactionLevel, AppError> {
    let code = text.trim().replace('-', "_");
    let by_score = code.parse::<usize>().ok().and_then(|score| {
        let count = SatisfactionLevel::ALL.len();
        (1..=count)
            .contains(&score)
            .then(|| SatisfactionLevel::ALL[count - score])
    });
    by_score
        .or_else(|| serde_json::from_value(serde_json::Value::String(code)).ok())
        .ok_or_else(|| {
            AppError::invalid("level", "level_unknown", format!("unknown level {text:?}"))
        })
}

/// The stored score: 1 = least satisfied, 3 = very satisfied.
fn score(level: SatisfactionLevel) -> u8 {
    let index = SatisfactionLevel::ALL
        .iter()
        .position(|l| *l == level)
        .unwrap_or(0);
    (SatisfactionLevel::ALL.len() - index) as u8
}
