//! The procedure catalogue (danh mục thủ tục hành chính) of the commune: versioned by effective
//! date, parsed and checked from JSON (shipped in `assets/catalog/procedures.json`, later sent
//! down by the server), searchable without diacritics.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::procedure::{Procedure, TimeLimit, LOCAL_CODE_PREFIX};

/// The longest limit a commune procedure may carry, in nominal working hours (90 working days).
/// Anything longer is a typo in the data, not a rule of law.
const MAX_NOMINAL_WORKING_HOURS: u64 = 90 * 8;

/// Why a catalogue was refused. Each variant has a stable [`CatalogError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The text is not JSON of the catalogue's shape.
    #[error("catalogue is not valid JSON: {0}")]
    Json(String),
    /// A code is neither a national database code ("d.dddddd") nor a local "LOCAL." code.
    #[error("procedure code {code:?} is neither a national code (d.dddddd) nor LOCAL.*")]
    InvalidCode {
        /// The code as written.
        code: String,
    },
    /// A required text (name, legal source, document name) is empty.
    #[error("procedure {code}: {field} is empty")]
    EmptyText {
        /// The procedure code.
        code: String,
        /// Which field.
        field: &'static str,
    },
    /// Two versions share a code and a start date.
    #[error("procedure {code} has two versions starting {valid_from}")]
    DuplicateVersion {
        /// The procedure code.
        code: String,
        /// The shared start date.
        valid_from: NaiveDate,
    },
    /// A version ends before it starts.
    #[error("procedure {code}: valid_until {valid_until} is before valid_from {valid_from}")]
    EmptyValidity {
        /// The procedure code.
        code: String,
        /// Start date.
        valid_from: NaiveDate,
        /// End date.
        valid_until: NaiveDate,
    },
    /// Two versions of one procedure are in force on the same day.
    #[error("procedure {code}: version from {later_from} starts while the version from {earlier_from} is still in force")]
    OverlappingValidity {
        /// The procedure code.
        code: String,
        /// Start of the earlier version.
        earlier_from: NaiveDate,
        /// Start of the later version.
        later_from: NaiveDate,
    },
    /// A processing time is zero, absurdly long, or a verification limit is not longer than
    /// the standard limit.
    #[error("procedure {code}: processing time not sane: {reason}")]
    TimeNotSane {
        /// The procedure code.
        code: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A document is listed with a count of zero.
    #[error("procedure {code}: document {index} has count 0")]
    ZeroDocumentCount {
        /// The procedure code.
        code: String,
        /// Position of the document in the list (0-based).
        index: usize,
    },
}

impl CatalogError {
    /// A stable machine-readable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogError::Json(_) => "catalog_json",
            CatalogError::InvalidCode { .. } => "catalog_invalid_code",
            CatalogError::EmptyText { .. } => "catalog_empty_text",
            CatalogError::DuplicateVersion { .. } => "catalog_duplicate_version",
            CatalogError::EmptyValidity { .. } => "catalog_empty_validity",
            CatalogError::OverlappingValidity { .. } => "catalog_overlapping_validity",
            CatalogError::TimeNotSane { .. } => "catalog_time_not_sane",
            CatalogError::ZeroDocumentCount { .. } => "catalog_zero_document_count",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    /// Free text describing the data's origin; kept so the file can document itself.
    #[serde(default, rename = "about")]
    _about: Option<String>,
    procedures: Vec<Procedure>,
}

/// A checked, versioned set of procedures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    procedures: Vec<Procedure>,
    /// Folded search text of each procedure, same index as `procedures`.
    search_words: Vec<Vec<String>>,
}

impl Catalog {
    /// Parses and checks a catalogue: `{"about": "...", "procedures": [Procedure, ...]}`.
    ///
    /// Checks: codes well formed; names, legal sources and document names not empty; one
    /// version per (code, valid_from); no two versions of a code in force on the same day;
    /// processing times non-zero, at most 90 working days, and a verification limit longer than
    /// the standard one; document counts at least 1.
    pub fn parse_json(text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile =
            serde_json::from_str(text).map_err(|error| CatalogError::Json(error.to_string()))?;
        Catalog::from_procedures(file.procedures)
    }

    /// Checks a list of procedures (see [`Catalog::parse_json`] for the rules).
    pub fn from_procedures(procedures: Vec<Procedure>) -> Result<Catalog, CatalogError> {
        for procedure in &procedures {
            check_procedure(procedure)?;
        }
        let mut versions: BTreeMap<&str, Vec<&Procedure>> = BTreeMap::new();
        for procedure in &procedures {
            versions.entry(&procedure.code).or_default().push(procedure);
        }
        for (code, list) in &mut versions {
            list.sort_by_key(|procedure| procedure.valid_from);
            for pair in list.windows(2) {
                let (earlier, later) = (pair[0], pair[1]);
                if earlier.valid_from == later.valid_from {
                    return Err(CatalogError::DuplicateVersion {
                        code: (*code).to_owned(),
                        valid_from: later.valid_from,
                    });
                }
                if earlier
                    .valid_until
                    .is_none_or(|until| until >= later.valid_from)
                {
                    return Err(CatalogError::OverlappingValidity {
                        code: (*code).to_owned(),
                        earlier_from: earlier.valid_from,
                        later_from: later.valid_from,
                    });
                }
            }
        }
        let search_words = procedures
            .iter()
            .map(|procedure| {
                let mut words = fold_words(&procedure.name);
                words.push(fold_for_search(&procedure.code));
                words
            })
            .collect();
        Ok(Catalog {
            procedures,
            search_words,
        })
    }

    /// Every version of every procedure, in file order.
    pub fn procedures(&self) -> &[Procedure] {
        &self.procedures
    }

    /// The versions in force on `date`, in file order.
    pub fn in_force_on(&self, date: NaiveDate) -> impl Iterator<Item = &Procedure> {
        self.procedures
            .iter()
            .filter(move |procedure| procedure.in_force_on(date))
    }

    /// The version of procedure `code` in force on `date` (the receipt date of a dossier), if
    /// any. At most one exists: overlapping versions are refused at parse time.
    pub fn procedure_at(&self, code: &str, date: NaiveDate) -> Option<&Procedure> {
        self.procedures
            .iter()
            .find(|procedure| procedure.code == code && procedure.in_force_on(date))
    }

    /// Procedures whose name or code matches `text`, ignoring case and diacritics (đ folds to
    /// d): every word of the query must be the start of some word of the name or code, or the
    /// whole query must be the start of the code ("1.0011" finds "1.001193").
    /// All versions are searched; an exact code match comes first, then file order.
    /// An empty query matches nothing.
    pub fn search(&self, text: &str) -> Vec<&Procedure> {
        let query = fold_words(text);
        if query.is_empty() {
            return Vec::new();
        }
        let folded_query = fold_for_search(text.trim());
        let mut hits: Vec<(bool, usize)> = self
            .search_words
            .iter()
            .enumerate()
            .filter(|(index, words)| {
                let code_prefix =
                    fold_for_search(&self.procedures[*index].code).starts_with(&folded_query);
                code_prefix
                    || query
                        .iter()
                        .all(|wanted| words.iter().any(|word| word.starts_with(wanted.as_str())))
            })
            .map(|(index, _)| {
                let exact_code = fold_for_search(&self.procedures[index].code) == folded_query;
                (!exact_code, index)
            })
            .collect();
        hits.sort();
        hits.into_iter()
            .map(|(_, index)| &self.procedures[index])
            .collect()
    }

    /// Like [`Catalog::search`], limited to the versions in force on `date`.
    pub fn search_at(&self, text: &str, date: NaiveDate) -> Vec<&Procedure> {
        self.search(text)
            .into_iter()
            .filter(|procedure| procedure.in_force_on(date))
            .collect()
    }
}

fn check_procedure(procedure: &Procedure) -> Result<(), CatalogError> {
    let code = &procedure.code;
    if !is_valid_procedure_code(code) {
        return Err(CatalogError::InvalidCode { code: code.clone() });
    }
    let empty = |field| CatalogError::EmptyText {
        code: code.clone(),
        field,
    };
    if procedure.name.trim().is_empty() {
        return Err(empty("name"));
    }
    if procedure.legal_source.trim().is_empty() {
        return Err(empty("legal_source"));
    }
    if procedure.fee.text.trim().is_empty() {
        return Err(empty("fee.text"));
    }
    for (index, document) in procedure.documents.iter().enumerate() {
        if document.name.trim().is_empty() {
            return Err(empty("documents.name"));
        }
        if document.count == 0 {
            return Err(CatalogError::ZeroDocumentCount {
                code: code.clone(),
                index,
            });
        }
    }
    if let Some(until) = procedure.valid_until {
        if until < procedure.valid_from {
            return Err(CatalogError::EmptyValidity {
                code: code.clone(),
                valid_from: procedure.valid_from,
                valid_until: until,
            });
        }
    }
    check_time(code, procedure.processing_time.standard)?;
    if let Some(verification) = procedure.processing_time.with_verification {
        check_time(code, verification)?;
        if verification.nominal_working_hours()
            <= procedure.processing_time.standard.nominal_working_hours()
        {
            return Err(CatalogError::TimeNotSane {
                code: code.clone(),
                reason: "the limit with verification is not longer than the standard limit",
            });
        }
    }
    Ok(())
}

fn check_time(code: &str, limit: TimeLimit) -> Result<(), CatalogError> {
    let not_sane = |reason| CatalogError::TimeNotSane {
        code: code.to_owned(),
        reason,
    };
    if limit.count() == Some(0) {
        return Err(not_sane("a limit of zero days or hours"));
    }
    if limit.nominal_working_hours() > MAX_NOMINAL_WORKING_HOURS {
        return Err(not_sane("a limit longer than 90 working days"));
    }
    Ok(())
}

/// National database codes look like "1.001193" or "2.000635"; local codes start "LOCAL." and
/// continue with upper-case letters, digits and dots.
fn is_valid_procedure_code(code: &str) -> bool {
    if let Some(rest) = code.strip_prefix(LOCAL_CODE_PREFIX) {
        return !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.');
    }
    let bytes = code.as_bytes();
    bytes.len() == 8
        && bytes[0].is_ascii_digit()
        && bytes[1] == b'.'
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

/// Lower-cases `text` and strips Vietnamese diacritics (NFD, drop combining marks; đ and Đ
/// become d), so "Đăng ký khai sinh" and "dang ky khai sinh" compare equal.
pub fn fold_for_search(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn fold_words(text: &str) -> Vec<String> {
    fold_for_search(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_strips_vietnamese_diacritics_and_d_bar() {
        assert_eq!(fold_for_search("Đăng ký KHAI SINH"), "dang ky khai sinh");
        assert_eq!(fold_for_search("Chứng thực chữ ký"), "chung thuc chu ky");
        assert_eq!(fold_for_search("Ỷ ỹ ự ờ"), "y y u o");
    }

    #[test]
    fn procedure_code_shapes() {
        assert!(is_valid_procedure_code("1.001193"));
        assert!(is_valid_procedure_code("LOCAL.HT.05"));
        assert!(!is_valid_procedure_code("1.00119"));
        assert!(!is_valid_procedure_code("LOCAL."));
        assert!(!is_valid_procedure_code("local.ht.05"));
        assert!(!is_valid_procedure_code("A.001193"));
    }
}
