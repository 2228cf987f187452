//! The rules of the commune one-stop counter (Bộ phận Một cửa cấp xã), as pure functions and types.
//!
//! Invariant: no IO and no clock reads. Every instant comes in as an argument, every piece of
//! reference data (catalogue, calendar, letter texts) comes in as a value parsed from a string.
//! The law behind each rule is cited in the doc comment where the rule lives; "NĐ 118" is
//! Nghị định 118/2025/NĐ-CP, "TT 03" is Thông tư 03/2025/TT-VPCP.

#![deny(missing_docs)]

pub mod calendar;
pub mod catalog;
pub mod code;
pub mod dossier;
pub mod due;
pub mod letter;
pub mod lunar;
pub mod procedure;
pub mod report;
pub mod satisfaction;
pub mod status;
pub mod validation;
