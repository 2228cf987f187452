//! Pieces shared by every document: paper styles, the NĐ 30/2020 header, titles, labelled
//! fields and signature blocks.

use crate::error::PrintError;
use crate::fonts::FaceKind;
use crate::input::{IssuingBody, Signer};
use crate::layout::{Align, Block, Column, Flow, Margins, PageSpec, Paragraph};
use crate::text;

/// Printer dot pitch of a 203 dpi thermal receipt printer.
pub(crate) const RECEIPT_DOT_MM: f32 = 25.4 / 203.0;

/// Sizes and geometry for one paper.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub spec: PageSpec,
    /// Body text.
    pub body: f32,
    /// Issuing body and national name lines.
    pub header: f32,
    /// The motto line and the place-and-date line.
    pub motto: f32,
    /// Document title.
    pub title: f32,
    /// Table cells.
    pub table: f32,
    /// Hints such as "(Ký và ghi rõ họ tên)".
    pub small: f32,
    /// Width of the header's left column; the right column takes the rest.
    pub left_column_mm: f32,
    /// Header as one centred stack (narrow paper) instead of two columns.
    pub stacked: bool,
    /// Side of one QR module.
    pub qr_module_mm: f32,
    /// Room left for a handwritten signature.
    pub signature_space_mm: f32,
    /// First-line indent of body paragraphs (NĐ 30: 1 to 1.27 cm).
    pub indent_mm: f32,
    /// Space above the title.
    pub title_space_mm: f32,
}

impl Style {
    /// A4 portrait with the NĐ 30/2020 Phụ lục I margins and sizes (body 13 pt).
    pub fn a4_portrait() -> Style {
        Style {
            spec: PageSpec {
                width_mm: 210.0,
                height_mm: 297.0,
                margins: Margins {
                    top: 20.0,
                    right: 15.0,
                    bottom: 20.0,
                    left: 30.0,
                },
                continuous: false,
                dot_mm: None,
                footer_mm: 6.0,
            },
            body: 13.0,
            header: 12.0,
            motto: 13.0,
            title: 14.0,
            table: 12.0,
            small: 11.0,
            left_column_mm: 68.0,
            stacked: false,
            qr_module_mm: 0.6,
            signature_space_mm: 20.0,
            indent_mm: 10.0,
            title_space_mm: 8.0,
        }
    }

    /// A4 landscape for the tracking book.
    pub fn a4_landscape() -> Style {
        let mut style = Style::a4_portrait();
        style.spec.width_mm = 297.0;
        style.spec.height_mm = 210.0;
        style.spec.margins = Margins {
            top: 15.0,
            right: 15.0,
            bottom: 12.0,
            left: 20.0,
        };
        style.table = 9.0;
        style.left_column_mm = 110.0;
        style
    }

    /// A5 portrait: the slip at half size, for counters that cut A4 sheets.
    pub fn a5_portrait() -> Style {
        Style {
            spec: PageSpec {
                width_mm: 148.0,
                height_mm: 210.0,
                margins: Margins {
                    top: 12.0,
                    right: 10.0,
                    bottom: 12.0,
                    left: 15.0,
                },
                continuous: false,
                dot_mm: None,
                footer_mm: 5.0,
            },
            body: 10.5,
            header: 9.0,
            motto: 10.0,
            title: 11.5,
            table: 9.5,
            small: 9.0,
            left_column_mm: 50.0,
            stacked: false,
            qr_module_mm: 0.5,
            signature_space_mm: 11.0,
            indent_mm: 7.0,
            title_space_mm: 4.0,
        }
    }

    /// The 80 mm thermal roll (72 mm printable), one page as long as its content; QR modules
    /// are 4 printer dots of a 203 dpi head so they print sharp.
    pub fn receipt_80mm() -> Style {
        Style {
            spec: PageSpec {
                width_mm: 80.0,
                height_mm: 0.0,
                margins: Margins {
                    top: 4.0,
                    right: 4.0,
                    bottom: 10.0,
                    left: 4.0,
                },
                continuous: true,
                dot_mm: Some(RECEIPT_DOT_MM),
                footer_mm: 0.0,
            },
            body: 9.0,
            header: 8.0,
            motto: 8.5,
            title: 10.0,
            table: 8.0,
            small: 7.5,
            left_column_mm: 72.0,
            stacked: true,
            qr_module_mm: 4.0 * RECEIPT_DOT_MM,
            signature_space_mm: 12.0,
            indent_mm: 0.0,
            title_space_mm: 3.0,
        }
    }

    pub fn right_column_mm(&self) -> f32 {
        self.width() - self.left_column_mm
    }

    pub fn width(&self) -> f32 {
        self.spec.width_mm - self.spec.margins.left - self.spec.margins.right
    }

    /// A body paragraph: justified on sheets, left-aligned on the narrow roll.
    pub fn para(&self) -> Paragraph {
        let align = if self.stacked {
            Align::Left
        } else {
            Align::Justify
        };
        Paragraph::new(self.body).align(align).after(0.8)
    }
}

/// The national name and motto, exactly as NĐ 30/2020 Phụ lục I writes them.
pub(crate) const NATIONAL_NAME: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// The motto; NĐ 30 puts a hyphen with a space on each side between the words.
pub(crate) const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// The issuer's lines: each `\n`-separated part of a name is its own centred line.
fn issuer_blocks(style: &Style, body: &IssuingBody) -> Result<Vec<Block>, PrintError> {
    let mut blocks = Vec::new();
    let mut lines = |text: &str, face: FaceKind| -> Result<(), PrintError> {
        let mut any = false;
        for line in text.split('\n') {
            let line = text::clean(line, "issuing body")?;
            if line.is_empty() {
                continue;
            }
            any = true;
            blocks.push(Block::Para(
                Paragraph::new(style.header)
                    .field(face, line, "issuing body")
                    .align(Align::Center)
                    .leading(1.15),
            ));
        }
        if any {
            Ok(())
        } else {
            Err(PrintError::EmptyField {
                field: "issuing body",
            })
        }
    };
    if let Some(superior) = &body.superior {
        lines(superior, FaceKind::Regular)?;
    }
    lines(&body.name, FaceKind::Bold)?;
    // NĐ 30: a rule a third to a half as long as the issuer's name, centred under it.
    blocks.push(Block::Underline { fraction: 0.4 });
    Ok(blocks)
}

fn motto_blocks(style: &Style) -> Vec<Block> {
    vec![
        Block::Para(
            Paragraph::new(style.header)
                .label(FaceKind::Bold, NATIONAL_NAME)
                .align(Align::Center)
                .leading(1.15),
        ),
        Block::Para(
            Paragraph::new(style.motto)
                .label(FaceKind::Bold, MOTTO)
                .align(Align::Center)
                .leading(1.15),
        ),
        // NĐ 30: the rule under the motto is as long as the motto.
        Block::Underline { fraction: 1.0 },
    ]
}

/// The NĐ 30/2020 header: issuer on the left, national name and motto on the right, then
/// "Số: …" under the issuer and the italic place and date under the motto.
pub(crate) fn header(
    flow: &mut Flow,
    style: &Style,
    body: &IssuingBody,
    number: Option<&str>,
    place_and_date: Option<&str>,
) -> Result<(), PrintError> {
    let number_block = match number {
        Some(n) => Some(Block::Para(
            Paragraph::new(style.motto)
                .label(FaceKind::Regular, "Số: ")
                .field(FaceKind::Regular, text::required(n, "number")?, "number")
                .align(Align::Center),
        )),
        None => None,
    };
    let date_block = match place_and_date {
        Some(line) => Some(Block::Para(
            Paragraph::new(style.motto)
                .field(FaceKind::Italic, text::required(line, "place")?, "place")
                .align(Align::Center),
        )),
        None => None,
    };
    if style.stacked {
        let mut blocks = motto_blocks(style);
        blocks.push(Block::Space(1.5));
        blocks.extend(issuer_blocks(style, body)?);
        blocks.extend(number_block);
        blocks.extend(date_block);
        return flow.keep_together(blocks);
    }
    flow.columns(&[
        Column {
            x_mm: 0.0,
            // Keep a small gutter so a long issuer wraps instead of touching the national name.
            width_mm: style.left_column_mm * 0.97,
            blocks: issuer_blocks(style, body)?,
        },
        Column {
            x_mm: style.left_column_mm,
            width_mm: style.right_column_mm(),
            blocks: motto_blocks(style),
        },
    ])?;
    flow.space(2.0);
    flow.columns(&[
        Column {
            x_mm: 0.0,
            width_mm: style.left_column_mm,
            blocks: number_block.into_iter().collect(),
        },
        Column {
            x_mm: style.left_column_mm,
            width_mm: style.right_column_mm(),
            blocks: date_block.into_iter().collect(),
        },
    ])
}

/// The document title in bold capitals, with an optional subtitle line.
pub(crate) fn title(
    flow: &mut Flow,
    style: &Style,
    title: &str,
    subtitle: Option<Paragraph>,
) -> Result<(), PrintError> {
    let mut blocks = vec![
        Block::Space(style.title_space_mm),
        Block::Para(
            Paragraph::new(style.title)
                .label(FaceKind::Bold, title)
                .align(Align::Center),
        ),
    ];
    if let Some(sub) = subtitle {
        blocks.push(Block::Para(sub.align(Align::Center)));
    }
    blocks.push(Block::Space(style.title_space_mm / 2.0));
    flow.keep_together(blocks)
}

/// "Label: value" with the value cleaned; an empty optional value prints dots for
/// handwriting, as on the paper forms.
pub(crate) fn labelled(
    style: &Style,
    label: &str,
    value: Option<&str>,
    face: FaceKind,
    field: &'static str,
) -> Result<Paragraph, PrintError> {
    let value = match value {
        Some(v) => text::clean(v, field)?,
        None => String::new(),
    };
    let p = style.para().label(FaceKind::Regular, format!("{label}: "));
    Ok(if value.is_empty() {
        p.label(FaceKind::Regular, "…………………………")
    } else {
        p.field(face, value, field)
    })
}

/// A signature block: on-behalf line, position, hint, room to sign, name.
pub(crate) fn signature_blocks(
    style: &Style,
    signer: &Signer,
    hint: Option<&str>,
) -> Result<Vec<Block>, PrintError> {
    let centred = |size: f32, face: FaceKind, text: String, field: &'static str| {
        Block::Para(
            Paragraph::new(size)
                .field(face, text, field)
                .align(Align::Center)
                .leading(1.15),
        )
    };
    let mut blocks = Vec::new();
    if let Some(on_behalf) = &signer.on_behalf {
        blocks.push(centred(
            style.header + 1.0,
            FaceKind::Bold,
            text::required(on_behalf, "signer")?,
            "signer",
        ));
    }
    blocks.push(centred(
        style.header + 1.0,
        FaceKind::Bold,
        text::required(&signer.title, "signer")?,
        "signer",
    ));
    if let Some(hint) = hint {
        blocks.push(centred(
            style.small,
            FaceKind::Italic,
            hint.to_owned(),
            "hint",
        ));
    }
    blocks.push(Block::Space(style.signature_space_mm));
    let name = text::clean(&signer.name, "signer name")?;
    if !name.is_empty() {
        blocks.push(centred(
            style.header + 1.0,
            FaceKind::Bold,
            name,
            "signer name",
        ));
    }
    Ok(blocks)
}

/// A row with something on the left (a second signature, "Nơi nhận", a QR code) and a
/// signature on the right, kept on one page.
pub(crate) fn signature_row(
    flow: &mut Flow,
    style: &Style,
    left: Vec<Block>,
    right: Vec<Block>,
) -> Result<(), PrintError> {
    flow.space(if style.stacked { 3.0 } else { 5.0 });
    if style.stacked {
        let mut blocks = left;
        blocks.push(Block::Space(3.0));
        blocks.extend(right);
        return flow.keep_together(blocks);
    }
    let half = style.width() / 2.0;
    flow.columns(&[
        Column {
            x_mm: 0.0,
            width_mm: half,
            blocks: left,
        },
        Column {
            x_mm: half,
            width_mm: half,
            blocks: right,
        },
    ])
}

/// "Nơi nhận:" (NĐ 30/2020 Phụ lục I, mục II.10) for documents sent to a citizen.
pub(crate) fn recipients(style: &Style, citizen: &str) -> Vec<Block> {
    let size = style.small;
    vec![
        Block::Para(
            Paragraph::new(size + 1.0)
                .label(FaceKind::Bold, "Nơi nhận:")
                .leading(1.1),
        ),
        Block::Para(
            Paragraph::new(size)
                .label(FaceKind::Regular, "- Ông/Bà ")
                .field(FaceKind::Regular, citizen.to_owned(), "citizen name")
                .label(FaceKind::Regular, ";")
                .leading(1.1),
        ),
        Block::Para(
            Paragraph::new(size)
                .label(FaceKind::Regular, "- Lưu: VT.")
                .leading(1.1),
        ),
    ]
}

/// The dates of a document's place-and-date line.
pub(crate) fn place_and_date(
    body: &IssuingBody,
    at: &chrono::DateTime<chrono::FixedOffset>,
) -> Result<String, PrintError> {
    Ok(text::place_and_date(
        &text::required(&body.place, "place")?,
        at,
    ))
}
