//! The reference data shipped with the app: the procedure catalogue and the holiday calendar.

use crate::{AppError, ErrorCode};

/// The procedure catalogue shipped in `assets/catalog/procedures.json`.
pub const SHIPPED_CATALOG: &str = include_str!("../../../assets/catalog/procedures.json");

/// How many procedures the shipped catalogue lists.
pub fn procedure_count() -> Result<usize, AppError> {
    let catalog: serde_json::Value = serde_json::from_str(SHIPPED_CATALOG)
        .map_err(|e| AppError::new(ErrorCode::ReferenceData, format!("catalogue: {e}")))?;
    Ok(catalog["procedures"].as_array().map_or(0, Vec::len))
}
