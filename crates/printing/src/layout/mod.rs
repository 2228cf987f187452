//! The layout model: pages of positioned text runs, rules and QR symbols, in millimetres
//! from the top-left corner of the page. It is what the snapshot tests look at, and all the
//! renderer turns into PDF; no PDF type appears here.

mod flow;

pub use flow::{Align, Block, Column, Flow, PageSpec, Paragraph, Span, Table, TableColumn};

use serde::{Serialize, Serializer};

use crate::fonts::FaceKind;

/// A document laid out on pages, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaidOutDocument {
    /// Document title (goes into the PDF metadata).
    pub title: String,
    /// The PDF metadata subject: which form this is.
    pub subject: String,
    /// The PDF metadata author: the issuing body.
    pub author: String,
    /// The pages, in order.
    pub pages: Vec<Page>,
}

/// One page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// Paper width.
    #[serde(serialize_with = "hundredths")]
    pub width_mm: f32,
    /// Paper height (for the receipt roll: the height of the content plus margins).
    #[serde(serialize_with = "hundredths")]
    pub height_mm: f32,
    /// The margins the content was laid out inside.
    pub margins: Margins,
    /// What is drawn on it.
    pub items: Vec<Item>,
}

/// Page margins in millimetres (NĐ 30/2020 Phụ lục I: top and bottom 20-25 mm, left 30-35
/// mm, right 15-20 mm on A4 portrait).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Margins {
    /// Top margin.
    #[serde(serialize_with = "hundredths")]
    pub top: f32,
    /// Right margin.
    #[serde(serialize_with = "hundredths")]
    pub right: f32,
    /// Bottom margin.
    #[serde(serialize_with = "hundredths")]
    pub bottom: f32,
    /// Left margin.
    #[serde(serialize_with = "hundredths")]
    pub left: f32,
}

/// One thing drawn on a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// A run of text in one face on one baseline.
    Text(TextRun),
    /// A straight line (rules under headers, table borders).
    Rule(Rule),
    /// A QR symbol drawn as filled squares.
    Qr(QrSymbol),
}

/// Text in one face and size, starting at `x_mm` on the baseline `baseline_mm`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextRun {
    /// Left edge of the first glyph.
    #[serde(serialize_with = "hundredths")]
    pub x_mm: f32,
    /// Baseline, measured down from the top of the page.
    #[serde(serialize_with = "hundredths")]
    pub baseline_mm: f32,
    /// The face.
    pub face: FaceKind,
    /// Font size in points.
    #[serde(serialize_with = "hundredths")]
    pub size_pt: f32,
    /// The text, NFC, single spaces.
    pub text: String,
    /// Natural width of `text` (without the justification space).
    #[serde(serialize_with = "hundredths")]
    pub width_mm: f32,
    /// Extra space added after each space character, to justify the line.
    #[serde(serialize_with = "hundredths")]
    pub extra_space_mm: f32,
}

impl TextRun {
    /// The right edge of the run, justification included.
    pub fn right_mm(&self) -> f32 {
        let spaces = self.text.chars().filter(|c| *c == ' ').count() as f32;
        self.x_mm + self.width_mm + spaces * self.extra_space_mm
    }
}

/// A line segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// Start x.
    #[serde(serialize_with = "hundredths")]
    pub x1_mm: f32,
    /// Start y, down from the top.
    #[serde(serialize_with = "hundredths")]
    pub y1_mm: f32,
    /// End x.
    #[serde(serialize_with = "hundredths")]
    pub x2_mm: f32,
    /// End y.
    #[serde(serialize_with = "hundredths")]
    pub y2_mm: f32,
    /// Stroke width.
    #[serde(serialize_with = "hundredths")]
    pub thickness_mm: f32,
}

/// A QR symbol: `modules` × `modules` squares of `module_mm`, with its top-left corner at
/// (`x_mm`, `y_mm`). The quiet zone is outside this square and kept free by the layout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QrSymbol {
    /// Left edge of the first module.
    #[serde(serialize_with = "hundredths")]
    pub x_mm: f32,
    /// Top edge of the first module.
    #[serde(serialize_with = "hundredths")]
    pub y_mm: f32,
    /// Side of one module.
    #[serde(serialize_with = "hundredths")]
    pub module_mm: f32,
    /// Modules per side.
    pub modules: usize,
    /// What the symbol encodes.
    pub payload: String,
    /// Row-major dark modules; left out of snapshots (the payload says it all).
    #[serde(skip)]
    pub dark: Vec<bool>,
}

impl QrSymbol {
    /// Side of the symbol without its quiet zone.
    pub fn side_mm(&self) -> f32 {
        self.module_mm * self.modules as f32
    }
}

/// Rounds to 0.01 mm so snapshots do not churn on float noise.
fn hundredths<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64((f64::from(*value) * 100.0).round() / 100.0)
}
