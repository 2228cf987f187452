//! The one error type of the crate, with stable codes the hosts can switch on.

use crate::fonts::FaceKind;

/// Why a document could not be printed.
///
/// Messages never quote the citizen's data (names, addresses): only code points, field
/// names and sizes, so an error can be logged without leaking personal data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    /// The font has no glyph for a character. Printing it would show an empty box or a
    /// wrong letter on an official paper, so it is refused.
    #[error("the {face:?} font has no glyph for U+{code_point:04X} (in {field})")]
    MissingGlyph {
        /// The character's Unicode scalar value.
        code_point: u32,
        /// The face that was asked for it.
        face: FaceKind,
        /// Which input field held it (a field name, never its value).
        field: &'static str,
    },
    /// A control character (other than line breaks and tabs) in a field.
    #[error("control character U+{code_point:04X} in {field}")]
    ControlCharacter {
        /// The character's Unicode scalar value.
        code_point: u32,
        /// Which input field held it.
        field: &'static str,
    },
    /// A required field is empty after trimming.
    #[error("the field {field} is empty")]
    EmptyField {
        /// Which input field.
        field: &'static str,
    },
    /// A table row has a different number of cells than the table has columns.
    #[error("a row of the table {table} has {cells} cells for {columns} columns")]
    RaggedTable {
        /// The table's heading.
        table: String,
        /// Cells in the row.
        cells: usize,
        /// Columns of the table.
        columns: usize,
    },
    /// This document is not made for that paper (e.g. a letter on the 80 mm receipt roll).
    #[error("{document} cannot be printed on {paper}")]
    PaperNotSupported {
        /// The document kind.
        document: &'static str,
        /// The paper asked for.
        paper: &'static str,
    },
    /// The QR payload does not fit in a QR code.
    #[error("the QR code payload ({bytes} bytes) is too long")]
    QrTooLong {
        /// Payload length in bytes.
        bytes: usize,
    },
    /// A bundled font failed to parse (a build defect, not a user error).
    #[error("the bundled font {face:?} could not be parsed")]
    FontUnreadable {
        /// The face.
        face: FaceKind,
    },
}

impl PrintError {
    /// A stable, machine-readable code for the UI and the logs.
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::MissingGlyph { .. } => "print.missing_glyph",
            PrintError::ControlCharacter { .. } => "print.control_character",
            PrintError::EmptyField { .. } => "print.empty_field",
            PrintError::PaperNotSupported { .. } => "print.paper_not_supported",
            PrintError::RaggedTable { .. } => "print.ragged_table",
            PrintError::QrTooLong { .. } => "print.qr_too_long",
            PrintError::FontUnreadable { .. } => "print.font_unreadable",
        }
    }
}
