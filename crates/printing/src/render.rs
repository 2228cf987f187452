//! Draws a [`LaidOutDocument`] with printpdf. The only module that knows PDF.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, TextItem, TextMatrix,
    WindingOrder,
};

use crate::documents::{layout, Document, RenderOptions};
use crate::error::PrintError;
use crate::fonts::{FaceKind, MM_PER_PT};
use crate::layout::{Item, LaidOutDocument, QrSymbol, TextRun};

/// Lays out and renders `doc` to PDF bytes.
pub fn render(doc: &Document, opts: &RenderOptions) -> Result<Vec<u8>, PrintError> {
    let laid_out = layout(doc, opts)?;
    render_layout(&laid_out, &opts.created_at)
}

fn parsed_fonts() -> Result<&'static [ParsedFont; 3], PrintError> {
    static FONTS: OnceLock<Result<[ParsedFont; 3], PrintError>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let parse = |face: FaceKind| {
                let mut warnings = Vec::new();
                ParsedFont::from_bytes(face.bytes(), 0, &mut warnings)
                    .ok_or(PrintError::FontUnreadable { face })
            };
            Ok([
                parse(FaceKind::Regular)?,
                parse(FaceKind::Bold)?,
                parse(FaceKind::Italic)?,
            ])
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn face_index(face: FaceKind) -> usize {
    match face {
        FaceKind::Regular => 0,
        FaceKind::Bold => 1,
        FaceKind::Italic => 2,
    }
}

/// printpdf writes every date with a `+00'00'` offset, so the instant goes in as UTC.
fn pdf_date(at: &DateTime<FixedOffset>) -> printpdf::OffsetDateTime {
    let at = at.with_timezone(&Utc);
    printpdf::OffsetDateTime {
        date: printpdf::Date {
            year: at.year(),
            month: u8::try_from(at.month()).unwrap_or(1),
            day: u8::try_from(at.day()).unwrap_or(1),
        },
        time: printpdf::Time {
            hour: u8::try_from(at.hour()).unwrap_or(0),
            minute: u8::try_from(at.minute()).unwrap_or(0),
            second: u8::try_from(at.second()).unwrap_or(0),
            millisecond: 0,
        },
        offset: printpdf::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    }
}

fn mm_to_pt(mm: f32) -> Pt {
    Pt(mm / MM_PER_PT)
}

/// Renders an already laid-out document. `created_at` becomes the PDF creation and
/// modification date.
pub fn render_layout(
    laid_out: &LaidOutDocument,
    created_at: &DateTime<FixedOffset>,
) -> Result<Vec<u8>, PrintError> {
    let fonts = parsed_fonts()?;
    let mut doc = PdfDocument::new(&laid_out.title);
    let date = pdf_date(created_at);
    let info = &mut doc.metadata.info;
    info.author = laid_out.author.clone();
    info.subject = laid_out.subject.clone();
    info.creator = "Một Cửa".to_owned();
    info.producer = "Một Cửa (printpdf 0.12)".to_owned();
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;

    // Register only the faces in use: an unused face would still be embedded.
    let mut font_ids: BTreeMap<FaceKind, FontId> = BTreeMap::new();
    for page in &laid_out.pages {
        for item in &page.items {
            if let Item::Text(run) = item {
                font_ids
                    .entry(run.face)
                    .or_insert_with(|| doc.add_font(&fonts[face_index(run.face)]));
            }
        }
    }

    let mut pages = Vec::with_capacity(laid_out.pages.len());
    for page in &laid_out.pages {
        let height = page.height_mm;
        let mut ops = vec![Op::SetFillColor {
            col: Color::Greyscale(Greyscale::new(0.0, None)),
        }];
        let mut thickness = -1.0_f32;
        ops.push(Op::SetOutlineColor {
            col: Color::Greyscale(Greyscale::new(0.0, None)),
        });
        for item in &page.items {
            match item {
                Item::Rule(rule) => {
                    if (rule.thickness_mm - thickness).abs() > f32::EPSILON {
                        thickness = rule.thickness_mm;
                        ops.push(Op::SetOutlineThickness {
                            pt: mm_to_pt(thickness),
                        });
                    }
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint {
                                    p: Point::new(Mm(rule.x1_mm), Mm(height - rule.y1_mm)),
                                    bezier: false,
                                },
                                LinePoint {
                                    p: Point::new(Mm(rule.x2_mm), Mm(height - rule.y2_mm)),
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    });
                }
                Item::Qr(symbol) => ops.push(qr_ops(symbol, height)),
                Item::Text(_) => {}
            }
        }
        // All text of the page in one text object.
        ops.push(Op::StartTextSection);
        let mut current: Option<(FaceKind, f32)> = None;
        for item in &page.items {
            if let Item::Text(run) = item {
                if current != Some((run.face, run.size_pt)) {
                    if let Some(id) = font_ids.get(&run.face) {
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(id.clone()),
                            size: Pt(run.size_pt),
                        });
                    }
                    current = Some((run.face, run.size_pt));
                }
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(
                        mm_to_pt(run.x_mm),
                        mm_to_pt(height - run.baseline_mm),
                    ),
                });
                ops.push(Op::ShowText {
                    items: text_items(run),
                });
            }
        }
        ops.push(Op::EndTextSection);
        pages.push(PdfPage::new(Mm(page.width_mm), Mm(height), ops));
    }

    let mut warnings = Vec::new();
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    Ok(doc.with_pages(pages).save(&options, &mut warnings))
}

/// A justified run spaces its words with TJ offsets, since the word-spacing operator does not
/// apply to the two-byte encoding of an embedded TrueType font.
fn text_items(run: &TextRun) -> Vec<TextItem> {
    if run.extra_space_mm <= 0.0 || !run.text.contains(' ') {
        return vec![TextItem::Text(run.text.clone())];
    }
    // TJ offsets are thousandths of an em, positive moving left.
    let offset = -run.extra_space_mm / (run.size_pt * MM_PER_PT) * 1000.0;
    let mut items = Vec::new();
    let mut pieces = run.text.split(' ').peekable();
    while let Some(piece) = pieces.next() {
        if pieces.peek().is_some() {
            items.push(TextItem::Text(format!("{piece} ")));
            items.push(TextItem::Offset(offset));
        } else {
            items.push(TextItem::Text(piece.to_owned()));
        }
    }
    items
}

/// One filled path for the whole symbol: each horizontal run of dark modules is a rectangle
/// ring, so the PDF stays small and no seams appear between modules.
fn qr_ops(symbol: &QrSymbol, page_height: f32) -> Op {
    let n = symbol.modules;
    let m = symbol.module_mm;
    let mut rings = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if !symbol.dark[row * n + col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && symbol.dark[row * n + col] {
                col += 1;
            }
            let x1 = symbol.x_mm + start as f32 * m;
            let x2 = symbol.x_mm + col as f32 * m;
            let top = page_height - (symbol.y_mm + row as f32 * m);
            let bottom = top - m;
            let corner = |x: f32, y: f32| LinePoint {
                p: Point::new(Mm(x), Mm(y)),
                bezier: false,
            };
            rings.push(PolygonRing {
                points: vec![
                    corner(x1, bottom),
                    corner(x2, bottom),
                    corner(x2, top),
                    corner(x1, top),
                ],
            });
        }
    }
    Op::DrawPolygon {
        polygon: Polygon {
            rings,
            mode: PaintMode::Fill,
            winding_order: WindingOrder::NonZero,
        },
    }
}
