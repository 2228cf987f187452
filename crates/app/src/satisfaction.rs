//! The citizen's satisfaction tap on the customer-facing screen (NĐ 118 art. 31–33).

use serde::{Deserialize, Serialize};
use store::SatisfactionTap;

use crate::{AppError, Counter};

/// What the satisfaction screen or `motcua tap` records.
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct TapRecorded {
    /// The tap as stored.
    #[serde(flatten)]
    pub tap: SatisfactionTap,
}

impl Counter {
    /// Records one satisfaction tap, with its event.
    pub fn record_tap(&mut self, input: &TapInput) -> Result<TapRecorded, AppError> {
        let level = domain::satisfaction::SatisfactionLevel::parse(&input.level)
            .map_err(|e| AppError::invalid("level", e.code(), e.to_string()))?;
        let criteria = input
            .criteria
            .iter()
            .map(|code| {
                domain::satisfaction::Criterion::parse(code)
                    .map(|criterion| criterion.code().to_string())
                    .map_err(|e| AppError::invalid("criteria", e.code(), e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.now();
        let tap = SatisfactionTap {
            level: level.score(),
            scale: domain::satisfaction::SatisfactionLevel::SCALE,
            criteria,
            dossier_code: input.dossier_code.clone().filter(|code| !code.trim().is_empty()),
            clerk_id: input.clerk_id.clone(),
            tapped_at: now,
        };
        self.store_mut().record_tap(&tap, now)?;
        Ok(TapRecorded { tap })
    }
}
