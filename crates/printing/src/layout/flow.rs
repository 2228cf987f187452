//! The layout engine: words measured from the font, greedy line breaking with justification,
//! blocks kept together (headers, signature blocks), tables with wrapped cells, and page breaks
//! that repeat a table's header row.

use crate::error::PrintError;
use crate::fonts::{self, FaceKind, MM_PER_PT};

use super::{Item, Margins, Page, QrSymbol, Rule, TextRun};

/// Horizontal alignment of a paragraph or a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left, ragged right.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
    /// Both edges flush, the last line flush left (body text of NĐ 30/2020 documents).
    Justify,
}

/// A piece of text in one face. `field` names the input field it came from, so a missing
/// glyph can be reported without quoting the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The face.
    pub face: FaceKind,
    /// Cleaned text (see [`crate::text::clean`]).
    pub text: String,
    /// Input field name, for errors.
    pub field: &'static str,
}

impl Span {
    /// Fixed wording of the form (labels, titles).
    pub fn label(face: FaceKind, text: impl Into<String>) -> Self {
        Span {
            face,
            text: text.into(),
            field: "form wording",
        }
    }

    /// Text that came from an input field.
    pub fn field(face: FaceKind, text: impl Into<String>, field: &'static str) -> Self {
        Span {
            face,
            text: text.into(),
            field,
        }
    }
}

/// A paragraph: spans set as one flow of words.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// The text.
    pub spans: Vec<Span>,
    /// Font size.
    pub size_pt: f32,
    /// Alignment.
    pub align: Align,
    /// Indent of the first line (NĐ 30: 1-1.27 cm for body paragraphs).
    pub first_indent_mm: f32,
    /// Line height as a multiple of the font size.
    pub leading: f32,
    /// Space above (dropped at the top of a page).
    pub space_before_mm: f32,
    /// Space below.
    pub space_after_mm: f32,
}

impl Paragraph {
    /// An empty left-aligned paragraph at `size_pt`, single-and-a-bit line spacing.
    pub fn new(size_pt: f32) -> Self {
        Paragraph {
            spans: Vec::new(),
            size_pt,
            align: Align::Left,
            first_indent_mm: 0.0,
            leading: 1.2,
            space_before_mm: 0.0,
            space_after_mm: 0.0,
        }
    }

    /// Appends form wording.
    pub fn label(mut self, face: FaceKind, text: impl Into<String>) -> Self {
        self.spans.push(Span::label(face, text));
        self
    }

    /// Appends text from an input field.
    pub fn field(mut self, face: FaceKind, text: impl Into<String>, field: &'static str) -> Self {
        self.spans.push(Span::field(face, text, field));
        self
    }

    /// Sets the alignment.
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    /// Sets the first-line indent.
    pub fn indent(mut self, mm: f32) -> Self {
        self.first_indent_mm = mm;
        self
    }

    /// Sets the space above.
    pub fn before(mut self, mm: f32) -> Self {
        self.space_before_mm = mm;
        self
    }

    /// Sets the space below.
    pub fn after(mut self, mm: f32) -> Self {
        self.space_after_mm = mm;
        self
    }

    /// Sets the line height factor.
    pub fn leading(mut self, factor: f32) -> Self {
        self.leading = factor;
        self
    }

    fn line_height_mm(&self) -> f32 {
        self.size_pt * MM_PER_PT * self.leading
    }
}

/// Something stacked inside a block that is kept on one page.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph.
    Para(Paragraph),
    /// A rule centred under the previous paragraph's last line, `fraction` of its width
    /// (NĐ 30: the line under the motto is as long as the motto, the one under the issuing
    /// body one third to one half of it).
    Underline {
        /// Share of the last line's width.
        fraction: f32,
    },
    /// Vertical space.
    Space(f32),
    /// A QR symbol with a quiet zone of `quiet_modules` on each side.
    Qr {
        /// The encoded symbol.
        symbol: QrSymbol,
        /// Quiet zone width in modules (ISO/IEC 18004 asks for 4).
        quiet_modules: usize,
        /// Horizontal placement in the column.
        align: Align,
    },
}

/// A column of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub struct TableColumn {
    /// Header text (bold, centred).
    pub header: String,
    /// Relative width; the columns are scaled to fill the body width.
    pub weight: f32,
    /// Alignment of the cells.
    pub align: Align,
}

/// A table with wrapped cells and borders, whose header row repeats on every page it spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Columns.
    pub columns: Vec<TableColumn>,
    /// Rows of cells; a cell is a list of spans.
    pub rows: Vec<Vec<Vec<Span>>>,
    /// Size of the cell text.
    pub size_pt: f32,
    /// Inner padding of a cell.
    pub padding_mm: f32,
    /// Lines every row is at least tall (room for handwritten signatures).
    pub min_row_lines: usize,
}

/// Page geometry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSpec {
    /// Paper width.
    pub width_mm: f32,
    /// Paper height; ignored when `continuous`.
    pub height_mm: f32,
    /// Margins.
    pub margins: Margins,
    /// A roll (receipt printer): one page as long as its content.
    pub continuous: bool,
    /// Printer dot pitch, if QR modules must sit on whole dots.
    pub dot_mm: Option<f32>,
    /// Space kept free above the bottom margin for the page number.
    pub footer_mm: f32,
}

/// One measured, unbreakable piece of a word in one face.
#[derive(Debug, Clone)]
struct Piece {
    face: FaceKind,
    text: String,
    width: f32,
}

/// A word: the text between two spaces, possibly in several faces.
#[derive(Debug, Clone)]
struct Word {
    pieces: Vec<Piece>,
    width: f32,
    /// Width of the space that follows it, in the face of its last piece.
    space: f32,
}

#[derive(Debug, Clone, Default)]
struct Line {
    words: Vec<Word>,
    natural: f32,
}

/// Splits spans into measured words. Breaks are allowed only at spaces, so "Số:" + "12"
/// written as two spans stays one word.
fn measure_words(spans: &[Span], size_pt: f32) -> Result<Vec<Word>, PrintError> {
    let mut words: Vec<Word> = Vec::new();
    let mut current: Vec<(FaceKind, String, &'static str)> = Vec::new();
    let finish = |current: &mut Vec<(FaceKind, String, &'static str)>,
                  words: &mut Vec<Word>|
     -> Result<(), PrintError> {
        if current.is_empty() {
            return Ok(());
        }
        let mut pieces = Vec::with_capacity(current.len());
        let mut width = 0.0;
        let mut last_face = FaceKind::Regular;
        let mut last_field = "form wording";
        for (face, text, field) in current.drain(..) {
            let w = fonts::text_width_mm(&text, face, size_pt, field)?;
            width += w;
            last_face = face;
            last_field = field;
            pieces.push(Piece {
                face,
                text,
                width: w,
            });
        }
        let space = fonts::text_width_mm(" ", last_face, size_pt, last_field)?;
        words.push(Word {
            pieces,
            width,
            space,
        });
        Ok(())
    };
    for span in spans {
        for ch in span.text.chars() {
            if ch == ' ' {
                finish(&mut current, &mut words)?;
                continue;
            }
            match current.last_mut() {
                Some((face, text, _)) if *face == span.face => text.push(ch),
                _ => current.push((span.face, ch.to_string(), span.field)),
            }
        }
    }
    finish(&mut current, &mut words)?;
    Ok(words)
}

/// Cuts a word wider than `max` into chunks that fit (a long URL or code in a narrow cell).
fn split_long_word(word: Word, max: f32, size_pt: f32) -> Result<Vec<Word>, PrintError> {
    let mut out = Vec::new();
    let mut chunk: Vec<Piece> = Vec::new();
    let mut chunk_width = 0.0;
    for piece in word.pieces {
        for ch in piece.text.chars() {
            let mut buf = [0u8; 4];
            let w = fonts::text_width_mm(ch.encode_utf8(&mut buf), piece.face, size_pt, "text")?;
            if chunk_width + w > max && chunk_width > 0.0 {
                out.push(Word {
                    pieces: std::mem::take(&mut chunk),
                    width: chunk_width,
                    space: 0.0,
                });
                chunk_width = 0.0;
            }
            match chunk.last_mut() {
                Some(last) if last.face == piece.face => {
                    last.text.push(ch);
                    last.width += w;
                }
                _ => chunk.push(Piece {
                    face: piece.face,
                    text: ch.to_string(),
                    width: w,
                }),
            }
            chunk_width += w;
        }
    }
    if !chunk.is_empty() {
        out.push(Word {
            pieces: chunk,
            width: chunk_width,
            space: word.space,
        });
    }
    Ok(out)
}

/// Greedy line breaking: the first line is `first_width` wide, the others `width`.
fn wrap(
    words: Vec<Word>,
    first_width: f32,
    width: f32,
    size_pt: f32,
) -> Result<Vec<Line>, PrintError> {
    let mut lines = Vec::new();
    let mut line = Line::default();
    let mut queue: std::collections::VecDeque<Word> = words.into();
    while let Some(word) = queue.pop_front() {
        let available = if lines.is_empty() { first_width } else { width };
        let gap = line.words.last().map_or(0.0, |w| w.space);
        if line.words.is_empty() && word.width > available {
            let mut parts = split_long_word(word, available.max(1.0), size_pt)?;
            // Put the chunks back in front, so each one gets its own line.
            while let Some(part) = parts.pop() {
                queue.push_front(part);
            }
            if let Some(first) = queue.pop_front() {
                line.natural = first.width;
                line.words.push(first);
                lines.push(std::mem::take(&mut line));
            }
            continue;
        }
        if !line.words.is_empty() && line.natural + gap + word.width > available + 0.001 {
            lines.push(std::mem::take(&mut line));
            queue.push_front(word);
            continue;
        }
        line.natural += gap + word.width;
        line.words.push(word);
    }
    if !line.words.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Where and how one line is set.
#[derive(Debug, Clone, Copy)]
struct Slot {
    x: f32,
    width: f32,
    align: Align,
    is_last: bool,
    baseline: f32,
    size_pt: f32,
}

/// Emits the runs of one line. Consecutive pieces in the same face become one run, the space
/// after a word belongs to the run of the word before it.
fn place_line(line: &Line, slot: Slot, out: &mut Vec<Item>) -> (f32, f32) {
    let Slot {
        x,
        width,
        align,
        is_last,
        baseline,
        size_pt,
    } = slot;
    let gaps = line.words.len().saturating_sub(1);
    let extra = if align == Align::Justify && !is_last && gaps > 0 && width > line.natural {
        (width - line.natural) / gaps as f32
    } else {
        0.0
    };
    let start = match align {
        Align::Left | Align::Justify => x,
        Align::Center => x + (width - line.natural).max(0.0) / 2.0,
        Align::Right => x + (width - line.natural).max(0.0),
    };
    let mut cursor = start;
    let mut run: Option<TextRun> = None;
    for (index, word) in line.words.iter().enumerate() {
        for piece in &word.pieces {
            match run.as_mut() {
                Some(r) if r.face == piece.face => {
                    r.text.push_str(&piece.text);
                    r.width_mm += piece.width;
                }
                _ => {
                    if let Some(done) = run.take() {
                        out.push(Item::Text(done));
                    }
                    run = Some(TextRun {
                        x_mm: cursor,
                        baseline_mm: baseline,
                        face: piece.face,
                        size_pt,
                        text: piece.text.clone(),
                        width_mm: piece.width,
                        extra_space_mm: extra,
                    });
                }
            }
            cursor += piece.width;
        }
        if index + 1 < line.words.len() {
            if let Some(r) = run.as_mut() {
                r.text.push(' ');
                r.width_mm += word.space;
            }
            cursor += word.space + extra;
        }
    }
    if let Some(done) = run.take() {
        out.push(Item::Text(done));
    }
    (start, cursor - start)
}

/// Where the baseline sits in a line box `line_h` tall: half the leading above the ascender.
fn baseline_offset(size_pt: f32, line_h: f32) -> Result<f32, PrintError> {
    let ascent = fonts::ascent_mm(FaceKind::Regular, size_pt)?;
    let em = size_pt * MM_PER_PT;
    // Liberation Serif's ascender + descender is 1.107 em; centre that box in the line.
    Ok((line_h - 1.107 * em) / 2.0 + ascent)
}

/// Lays out `blocks` in a column `width` wide starting at (`x`, 0), without page breaks.
/// Returns the items and the height used.
pub(crate) fn stack(blocks: &[Block], x: f32, width: f32) -> Result<(Vec<Item>, f32), PrintError> {
    let mut items = Vec::new();
    let mut y = 0.0_f32;
    let mut last_line: Option<(f32, f32)> = None;
    for block in blocks {
        match block {
            Block::Para(p) => {
                y += p.space_before_mm;
                let lh = p.line_height_mm();
                let words = measure_words(&p.spans, p.size_pt)?;
                let lines = wrap(words, width - p.first_indent_mm, width, p.size_pt)?;
                let count = lines.len();
                for (i, line) in lines.iter().enumerate() {
                    let (lx, lw) = if i == 0 {
                        (x + p.first_indent_mm, width - p.first_indent_mm)
                    } else {
                        (x, width)
                    };
                    let base = y + baseline_offset(p.size_pt, lh)?;
                    let (start, used) = place_line(
                        line,
                        Slot {
                            x: lx,
                            width: lw,
                            align: p.align,
                            is_last: i + 1 == count,
                            baseline: base,
                            size_pt: p.size_pt,
                        },
                        &mut items,
                    );
                    last_line = Some((start, used));
                    y += lh;
                }
                y += p.space_after_mm;
            }
            Block::Underline { fraction } => {
                if let Some((start, used)) = last_line {
                    let len = used * fraction;
                    let x1 = start + (used - len) / 2.0;
                    items.push(Item::Rule(Rule {
                        x1_mm: x1,
                        y1_mm: y + 0.9,
                        x2_mm: x1 + len,
                        y2_mm: y + 0.9,
                        thickness_mm: 0.3,
                    }));
                    y += 1.8;
                }
            }
            Block::Space(mm) => y += mm,
            Block::Qr {
                symbol,
                quiet_modules,
                align,
            } => {
                let quiet = symbol.module_mm * *quiet_modules as f32;
                let outer = symbol.side_mm() + 2.0 * quiet;
                let left = match align {
                    Align::Left | Align::Justify => x,
                    Align::Center => x + (width - outer) / 2.0,
                    Align::Right => x + width - outer,
                };
                let mut placed = symbol.clone();
                placed.x_mm = left + quiet;
                placed.y_mm = y + quiet;
                items.push(Item::Qr(placed));
                y += outer;
            }
        }
    }
    Ok((items, y))
}

/// A column of blocks kept side by side with others (the two-column header of NĐ 30/2020,
/// the signature blocks).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Offset from the left margin.
    pub x_mm: f32,
    /// Width.
    pub width_mm: f32,
    /// Content.
    pub blocks: Vec<Block>,
}

/// The page-filling engine. Content goes down the page; when it does not fit, a new page
/// starts.
#[derive(Debug)]
pub struct Flow {
    spec: PageSpec,
    pages: Vec<Page>,
    items: Vec<Item>,
    y: f32,
}

impl Flow {
    /// Starts on an empty first page.
    pub fn new(spec: PageSpec) -> Self {
        Flow {
            spec,
            pages: Vec::new(),
            items: Vec::new(),
            y: spec.margins.top,
        }
    }

    /// Left edge of the body.
    pub fn left(&self) -> f32 {
        self.spec.margins.left
    }

    /// Width of the body.
    pub fn width(&self) -> f32 {
        self.spec.width_mm - self.spec.margins.left - self.spec.margins.right
    }

    fn bottom(&self) -> f32 {
        if self.spec.continuous {
            f32::INFINITY
        } else {
            self.spec.height_mm - self.spec.margins.bottom - self.spec.footer_mm
        }
    }

    fn at_page_top(&self) -> bool {
        (self.y - self.spec.margins.top).abs() < 0.001
    }

    /// Closes the current page and starts the next.
    pub fn new_page(&mut self) {
        let items = std::mem::take(&mut self.items);
        self.pages.push(Page {
            width_mm: self.spec.width_mm,
            height_mm: self.spec.height_mm,
            margins: self.spec.margins,
            items,
        });
        self.y = self.spec.margins.top;
    }

    /// Vertical space (dropped at the top of a page).
    pub fn space(&mut self, mm: f32) {
        if !self.at_page_top() {
            self.y = (self.y + mm).min(self.bottom());
        }
    }

    /// Adds items laid out relative to y = 0 at the current position, snapping QR symbols to
    /// whole printer dots where the page asks for it.
    fn commit(&mut self, items: Vec<Item>, height: f32) {
        let dy = self.y;
        for mut item in items {
            match &mut item {
                Item::Text(t) => t.baseline_mm += dy,
                Item::Rule(r) => {
                    r.y1_mm += dy;
                    r.y2_mm += dy;
                }
                Item::Qr(q) => {
                    q.y_mm += dy;
                    if let Some(dot) = self.spec.dot_mm {
                        q.x_mm = (q.x_mm / dot).round() * dot;
                        q.y_mm = (q.y_mm / dot).round() * dot;
                    }
                }
            }
            self.items.push(item);
        }
        self.y += height;
    }

    /// Lays out columns side by side, all on the same page.
    pub fn columns(&mut self, columns: &[Column]) -> Result<(), PrintError> {
        let mut all = Vec::new();
        let mut height = 0.0_f32;
        for column in columns {
            let (items, h) = stack(&column.blocks, self.left() + column.x_mm, column.width_mm)?;
            all.extend(items);
            height = height.max(h);
        }
        if self.y + height > self.bottom() && !self.at_page_top() {
            self.new_page();
        }
        self.commit(all, height);
        Ok(())
    }

    /// Lays out blocks over the full body width, all on the same page.
    pub fn keep_together(&mut self, blocks: Vec<Block>) -> Result<(), PrintError> {
        let width = self.width();
        self.columns(&[Column {
            x_mm: 0.0,
            width_mm: width,
            blocks,
        }])
    }

    /// A paragraph over the full body width, breaking across pages between lines.
    pub fn paragraph(&mut self, p: &Paragraph) -> Result<(), PrintError> {
        self.space(p.space_before_mm);
        let width = self.width();
        let left = self.left();
        let lh = p.line_height_mm();
        let words = measure_words(&p.spans, p.size_pt)?;
        let lines = wrap(words, width - p.first_indent_mm, width, p.size_pt)?;
        let count = lines.len();
        for (i, line) in lines.iter().enumerate() {
            if self.y + lh > self.bottom() && !self.at_page_top() {
                self.new_page();
            }
            let (lx, lw) = if i == 0 {
                (left + p.first_indent_mm, width - p.first_indent_mm)
            } else {
                (left, width)
            };
            let base = self.y + baseline_offset(p.size_pt, lh)?;
            let mut items = Vec::new();
            place_line(
                line,
                Slot {
                    x: lx,
                    width: lw,
                    align: p.align,
                    is_last: i + 1 == count,
                    baseline: base,
                    size_pt: p.size_pt,
                },
                &mut items,
            );
            self.items.extend(items);
            self.y += lh;
        }
        self.space(p.space_after_mm);
        Ok(())
    }

    /// A bordered table. Rows break across pages between their lines when they must; the
    /// header row is repeated at the top of each page the table continues on.
    pub fn table(&mut self, table: &Table) -> Result<(), PrintError> {
        let total_weight: f32 = table.columns.iter().map(|c| c.weight).sum();
        if table.columns.is_empty() || total_weight <= 0.0 {
            return Ok(());
        }
        let width = self.width();
        let mut edges = vec![self.left()];
        for c in &table.columns {
            let last = edges.last().copied().unwrap_or(0.0);
            edges.push(last + width * c.weight / total_weight);
        }
        let pad = table.padding_mm;
        let lh = table.size_pt * MM_PER_PT * 1.2;
        let base = baseline_offset(table.size_pt, lh)?;
        let inner = |i: usize| (edges[i] + pad, edges[i + 1] - edges[i] - 2.0 * pad);

        let mut header_lines = Vec::new();
        for (i, c) in table.columns.iter().enumerate() {
            let words = measure_words(
                &[Span::label(FaceKind::Bold, c.header.clone())],
                table.size_pt,
            )?;
            header_lines.push(wrap(words, inner(i).1, inner(i).1, table.size_pt)?);
        }
        let header_h =
            header_lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * lh + 2.0 * pad;

        // Returns the y where body rows start on this page.
        let draw_header = |flow: &mut Flow| -> f32 {
            if flow.y + header_h + lh + 2.0 * pad > flow.bottom() && !flow.at_page_top() {
                flow.new_page();
            }
            let top = flow.y;
            for (i, lines) in header_lines.iter().enumerate() {
                let (x, w) = inner(i);
                for (k, line) in lines.iter().enumerate() {
                    let baseline = top + pad + k as f32 * lh + base;
                    place_line(
                        line,
                        Slot {
                            x,
                            width: w,
                            align: Align::Center,
                            is_last: true,
                            baseline,
                            size_pt: table.size_pt,
                        },
                        &mut flow.items,
                    );
                }
            }
            flow.hline(edges[0], edges[edges.len() - 1], top);
            flow.y = top + header_h;
            flow.hline(edges[0], edges[edges.len() - 1], flow.y);
            top
        };
        let close_segment = |flow: &mut Flow, top: f32| {
            for &x in &edges {
                flow.items.push(Item::Rule(Rule {
                    x1_mm: x,
                    y1_mm: top,
                    x2_mm: x,
                    y2_mm: flow.y,
                    thickness_mm: 0.2,
                }));
            }
        };

        let mut segment_top = draw_header(self);
        let mut rows_top = self.y;
        let body_h = self.bottom() - self.spec.margins.top - header_h;
        for row in &table.rows {
            let mut cells = Vec::with_capacity(table.columns.len());
            for i in 0..table.columns.len() {
                let spans = row.get(i).map(Vec::as_slice).unwrap_or(&[]);
                let words = measure_words(spans, table.size_pt)?;
                cells.push(wrap(words, inner(i).1, inner(i).1, table.size_pt)?);
            }
            let total = cells
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(0)
                .max(table.min_row_lines)
                .max(1);
            let mut done = 0;
            while done < total {
                let remaining = total - done;
                let need = remaining as f32 * lh + 2.0 * pad;
                let available = self.bottom() - self.y;
                let mut take = remaining;
                if need > available {
                    let fit = ((available - 2.0 * pad) / lh).floor().max(0.0) as usize;
                    let fresh = (self.y - rows_top).abs() < 0.001;
                    if !fresh && (need <= body_h || fit == 0) {
                        close_segment(self, segment_top);
                        self.new_page();
                        segment_top = draw_header(self);
                        rows_top = self.y;
                        continue;
                    }
                    take = fit.clamp(1, remaining);
                }
                for (i, lines) in cells.iter().enumerate() {
                    let (x, w) = inner(i);
                    let align = table.columns[i].align;
                    for (k, line) in lines.iter().enumerate().skip(done).take(take) {
                        let baseline = self.y + pad + (k - done) as f32 * lh + base;
                        let last = k + 1 == lines.len();
                        place_line(
                            line,
                            Slot {
                                x,
                                width: w,
                                align,
                                is_last: last,
                                baseline,
                                size_pt: table.size_pt,
                            },
                            &mut self.items,
                        );
                    }
                }
                self.y += take as f32 * lh + 2.0 * pad;
                self.hline(edges[0], edges[edges.len() - 1], self.y);
                done += take;
                if done < total {
                    close_segment(self, segment_top);
                    self.new_page();
                    segment_top = draw_header(self);
                    rows_top = self.y;
                }
            }
        }
        close_segment(self, segment_top);
        Ok(())
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32) {
        self.items.push(Item::Rule(Rule {
            x1_mm: x1,
            y1_mm: y,
            x2_mm: x2,
            y2_mm: y,
            thickness_mm: 0.2,
        }));
    }

    /// Ends the document. A roll page gets the height of its content plus the bottom margin,
    /// rounded up to whole printer dots. With `page_numbers`, each page of a multi-page
    /// document gets "Trang i/n" centred in the space kept above the bottom margin.
    pub fn finish(mut self, page_numbers: bool) -> Result<Vec<Page>, PrintError> {
        let end = self.y;
        self.new_page();
        let mut pages = self.pages;
        if self.spec.continuous {
            if let Some(page) = pages.last_mut() {
                let mut height = end + self.spec.margins.bottom;
                if let Some(dot) = self.spec.dot_mm {
                    height = (height / dot).ceil() * dot;
                }
                page.height_mm = height;
            }
        }
        let count = pages.len();
        if page_numbers && count > 1 && !self.spec.continuous {
            let size = 10.0;
            for (i, page) in pages.iter_mut().enumerate() {
                let text = format!("Trang {}/{}", i + 1, count);
                let width = fonts::text_width_mm(&text, FaceKind::Regular, size, "page number")?;
                let inner_w = page.width_mm - page.margins.left - page.margins.right;
                page.items.push(Item::Text(TextRun {
                    x_mm: page.margins.left + (inner_w - width) / 2.0,
                    baseline_mm: page.height_mm - page.margins.bottom - 1.0,
                    face: FaceKind::Regular,
                    size_pt: size,
                    text,
                    width_mm: width,
                    extra_space_mm: 0.0,
                }));
            }
        }
        Ok(pages)
    }
}
