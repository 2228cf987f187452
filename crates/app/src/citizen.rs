//! The citizen's data as typed at the counter, tidied and checked by the domain's rules.

use domain::dossier::Citizen;
use domain::validation::{normalize_address, normalize_name, PersonalIdNumber, PhoneNumber};
use serde::Serialize;

use crate::AppError;

/// A field of the intake form that is checked as the clerk types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CitizenField {
    /// Họ và tên.
    Name,
    /// Số định danh cá nhân.
    IdNumber,
    /// Số điện thoại.
    Phone,
    /// Địa chỉ.
    Address,
}

impl CitizenField {
    fn name(self) -> &'static str {
        match self {
            CitizenField::Name => "name",
            CitizenField::IdNumber => "id_number",
            CitizenField::Phone => "phone",
            CitizenField::Address => "address",
        }
    }
}

/// Why a typed value was refused: the field and the rule's stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FieldIssue {
    /// The rule's code (`id_number_length`, `phone_prefix`, ...).
    pub code: &'static str,
    /// The field.
    pub field: &'static str,
}

fn check(field: CitizenField, value: &str) -> Result<String, AppError> {
    let refused = |e: domain::validation::ValidationError| {
        AppError::invalid(field.name(), e.code(), e.to_string())
    };
    match field {
        CitizenField::Name => normalize_name(value).map_err(refused),
        CitizenField::IdNumber => PersonalIdNumber::parse(value, None)
            .map(|n| n.as_str().to_string())
            .map_err(refused),
        CitizenField::Phone => PhoneNumber::parse(value)
            .map(|p| p.as_str().to_string())
            .map_err(refused),
        CitizenField::Address => normalize_address(value).map_err(refused),
    }
}

/// Checks one field as the clerk types; `None` when the value is acceptable.
pub fn validate_field(field: CitizenField, value: &str) -> Option<FieldIssue> {
    check(field, value).err().map(|error| FieldIssue {
        code: error.rule.unwrap_or("invalid"),
        field: field.name(),
    })
}

/// The citizen with every field tidied (NFC, spaces) and checked; optional fields left empty
/// become absent.
pub fn normalize(citizen: &Citizen) -> Result<Citizen, AppError> {
    let optional =
        |field: CitizenField, value: &Option<String>| -> Result<Option<String>, AppError> {
            match value.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(text) => check(field, text).map(Some),
            }
        };
    Ok(Citizen {
        name: check(CitizenField::Name, &citizen.name)?,
        id_number: optional(CitizenField::IdNumber, &citizen.id_number)?,
        phone: optional(CitizenField::Phone, &citizen.phone)?,
        address: optional(CitizenField::Address, &citizen.address)?,
    })
}
