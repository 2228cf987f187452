//! The bundled faces and their metrics.
//!
//! Liberation Serif 2.1.5 (SIL OFL 1.1, `assets/fonts/`), metric-compatible with Times New
//! Roman, the typeface NĐ 30/2020 Phụ lục I requires for administrative documents. Widths
//! come straight from the font's `hmtx`, so the layout measures exactly what the renderer
//! draws (printpdf maps one character to one glyph, with no shaping or kerning).

use std::sync::OnceLock;

use serde::Serialize;

use crate::error::PrintError;

/// One of the three faces a document uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaceKind {
    /// Body text.
    Regular,
    /// Headings, the national motto, field values that must stand out.
    Bold,
    /// Place and date line, signature hints.
    Italic,
}

impl FaceKind {
    /// Every face, in a fixed order.
    pub const ALL: [FaceKind; 3] = [FaceKind::Regular, FaceKind::Bold, FaceKind::Italic];

    /// The font file's bytes.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            FaceKind::Regular => REGULAR,
            FaceKind::Bold => BOLD,
            FaceKind::Italic => ITALIC,
        }
    }
}

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Italic.ttf");

/// Measured facts about one face, in font units.
struct FaceMetrics {
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
    ascender: f32,
}

struct Faces {
    regular: FaceMetrics,
    bold: FaceMetrics,
    italic: FaceMetrics,
}

fn faces() -> Result<&'static Faces, PrintError> {
    static FACES: OnceLock<Result<Faces, PrintError>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let load = |kind: FaceKind| -> Result<FaceMetrics, PrintError> {
                let face = ttf_parser::Face::parse(kind.bytes(), 0)
                    .map_err(|_| PrintError::FontUnreadable { face: kind })?;
                Ok(FaceMetrics {
                    units_per_em: f32::from(face.units_per_em()),
                    ascender: f32::from(face.ascender()),
                    face,
                })
            };
            Ok(Faces {
                regular: load(FaceKind::Regular)?,
                bold: load(FaceKind::Bold)?,
                italic: load(FaceKind::Italic)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn metrics(kind: FaceKind) -> Result<&'static FaceMetrics, PrintError> {
    let all = faces()?;
    Ok(match kind {
        FaceKind::Regular => &all.regular,
        FaceKind::Bold => &all.bold,
        FaceKind::Italic => &all.italic,
    })
}

/// Millimetres per typographic point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

/// Whether `face` has a real glyph (not `.notdef`) for `ch`.
pub fn covers(face: FaceKind, ch: char) -> Result<bool, PrintError> {
    Ok(metrics(face)?
        .face
        .glyph_index(ch)
        .is_some_and(|glyph| glyph.0 != 0))
}

/// Width of `text` set in `face` at `size_pt`, in millimetres. Fails on the first
/// character the face lacks.
pub fn text_width_mm(
    text: &str,
    face: FaceKind,
    size_pt: f32,
    field: &'static str,
) -> Result<f32, PrintError> {
    let m = metrics(face)?;
    let mut units = 0.0_f32;
    for ch in text.chars() {
        let glyph =
            m.face
                .glyph_index(ch)
                .filter(|g| g.0 != 0)
                .ok_or(PrintError::MissingGlyph {
                    code_point: u32::from(ch),
                    face,
                    field,
                })?;
        units += f32::from(m.face.glyph_hor_advance(glyph).unwrap_or(0));
    }
    Ok(units / m.units_per_em * size_pt * MM_PER_PT)
}

/// Distance from the top of a line box to the baseline, in millimetres: the face's ascender.
pub fn ascent_mm(face: FaceKind, size_pt: f32) -> Result<f32, PrintError> {
    let m = metrics(face)?;
    Ok(m.ascender / m.units_per_em * size_pt * MM_PER_PT)
}
