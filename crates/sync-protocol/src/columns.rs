//! Event payloads laid out by column for the wire: the JSON text of a batch's payloads is split
//! into templates (the text with its keys and punctuation, each value replaced by a marker) and
//! the values, grouped by (template, position) and typed where that is smaller.
//!
//! Why (measured by `sync-bench`, docs/sync-protocol.md): zstd on whole JSON payloads pays a
//! match for every key and a literal run for every value, a few bytes each, 15 or more times per
//! intake event. Sent once per batch, a template costs nothing per event; values of one column
//! (all the names, all the receipt times) sit together where zstd finds their repeats; digit
//! strings (identity numbers, phones) travel as integers, RFC 3339 times as a day delta and the
//! minute of the day.
//!
//! The split is lossless for every string, JSON or not: a payload is cut into key strings,
//! value strings, numbers and the bytes between them, and joined back byte for byte. A payload
//! holding the marker bytes or an unterminated string travels whole. Each typed value is checked
//! to print back to its exact text before it is sent typed, or it travels as text.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Template marker of a string value (the quotes are part of the template, not of the value).
const STRING_SLOT: u8 = 0x01;
/// Template marker of a number value.
const NUMBER_SLOT: u8 = 0x02;

/// How one value travels; the tag stream of a column is nearly constant and costs ~nothing.
mod tag {
    /// Text as it is (string contents without quotes, or a number's text).
    pub const TEXT: u8 = 0;
    /// A number that is a canonical `i64`: zigzag varint.
    pub const INT: u8 = 1;
    /// An RFC 3339 time: day delta, minute of day, second, fraction, offset.
    pub const TIME: u8 = 2;
    /// Text seen before under the same key: its position in that key's most-recently-used
    /// list (so a status event's dossier code, a clerk or an action costs a small number).
    pub const SEEN: u8 = 3;
    /// A string of `n` ASCII digits (1..=19) as an integer: tag `DIGITS + n`.
    pub const DIGITS: u8 = 10;
}

/// The payloads of one batch by column. Values of template `t`, position `k`, are in
/// `columns[first_column(t) + k]`, in payload order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct PayloadColumns {
    /// Distinct templates, in order of first use.
    templates: Vec<String>,
    /// Per payload: its template's index plus one, or 0 for a payload sent whole in `whole`.
    shapes: Vec<u32>,
    whole: Vec<String>,
    columns: Vec<Column>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Column {
    tags: Vec<u8>,
    numbers: Vec<u64>,
    texts: Vec<String>,
    /// `None` in the many columns that hold no time (one byte instead of six).
    times: Option<TimeStreams>,
}

/// The fields of a column's times, each in its own stream: the constant ones (second, offset)
/// then cost zstd one match per batch instead of a few bits per value.
#[derive(Debug, Default, Serialize, Deserialize)]
struct TimeStreams {
    day_deltas: Vec<u64>,
    minutes: Vec<u64>,
    seconds: Vec<u64>,
    fraction_digits: Vec<u64>,
    fractions: Vec<u64>,
    offsets: Vec<u64>,
}

/// The item of `stream` at `*at`, moving `at` past it.
fn next<'a, T>(stream: &'a [T], at: &mut usize) -> Result<&'a T, &'static str> {
    let item = stream.get(*at).ok_or("payload column too short")?;
    *at += 1;
    Ok(item)
}

/// Read positions in a column's [`TimeStreams`].
#[derive(Default)]
struct TimeCursor([usize; 6]);

impl TimeStreams {
    fn streams(&self) -> [&Vec<u64>; 6] {
        [
            &self.day_deltas,
            &self.minutes,
            &self.seconds,
            &self.fraction_digits,
            &self.fractions,
            &self.offsets,
        ]
    }

    fn take(&self, cursor: &mut TimeCursor, stream: usize) -> Result<u64, &'static str> {
        next(self.streams()[stream], &mut cursor.0[stream]).copied()
    }

    fn is_exhausted(&self, cursor: &TimeCursor) -> bool {
        self.streams()
            .iter()
            .zip(cursor.0)
            .all(|(stream, at)| stream.len() == at)
    }
}

/// One lexical piece of a payload.
enum Piece<'a> {
    /// Bytes copied into the template (punctuation, keys with their quotes, `true`, ...).
    Verbatim(&'a str),
    /// A string value's contents, between its quotes, escapes untouched.
    String(&'a str),
    Number(&'a str),
}

/// Cuts `text` into pieces, or `None` when it must travel whole.
fn pieces(text: &str) -> Option<Vec<Piece<'_>>> {
    let bytes = text.as_bytes();
    if bytes.iter().any(|&b| b == STRING_SLOT || b == NUMBER_SLOT) {
        return None;
    }
    let mut out = Vec::new();
    let mut verbatim_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= bytes.len() {
                    return None;
                }
                if bytes.get(j + 1) == Some(&b':') {
                    // A key: part of the template.
                    i = j + 1;
                    continue;
                }
                if verbatim_from < i {
                    out.push(Piece::Verbatim(&text[verbatim_from..i]));
                }
                out.push(Piece::String(&text[start..j]));
                i = j + 1;
                verbatim_from = i;
            }
            b'-' | b'0'..=b'9' => {
                let mut j = i + 1;
                while j < bytes.len()
                    && matches!(bytes[j], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    j += 1;
                }
                if verbatim_from < i {
                    out.push(Piece::Verbatim(&text[verbatim_from..i]));
                }
                out.push(Piece::Number(&text[i..j]));
                i = j;
                verbatim_from = i;
            }
            _ => i += 1,
        }
    }
    if verbatim_from < bytes.len() {
        out.push(Piece::Verbatim(&text[verbatim_from..]));
    }
    Some(out)
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    (n >> 1) as i64 ^ -((n & 1) as i64)
}

/// Days from 0001-01-01 to 1970-01-01: the wire counts days from 1970.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// Days since 1970-01-01 of a proleptic Gregorian date; `None` for a date that does not exist.
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )?;
    Some(i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE)
}

/// The date of a day number (inverse of [`days_from_civil`]); `None` beyond chrono's range.
fn civil_from_days(days: i64) -> Option<(i64, i64, i64)> {
    let from_ce = i32::try_from(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?).ok()?;
    let date = NaiveDate::from_num_days_from_ce_opt(from_ce)?;
    Some((
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    ))
}

/// An RFC 3339 time as written by chrono: `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`.
#[derive(Debug, PartialEq)]
struct Time {
    day: i64,
    minute_of_day: u64,
    second: u64,
    fraction_digits: u64,
    fraction: u64,
    /// 0 for `Z`, else 1 + zigzag of the offset in minutes.
    offset: u64,
}

fn digits(text: &[u8]) -> Option<u64> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    text.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

impl Time {
    fn parse(text: &str) -> Option<Time> {
        let b = text.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
            return None;
        }
        if b[16] != b':' {
            return None;
        }
        let (year, month, day) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
        let (hour, minute, second) = (
            digits(&b[11..13])?,
            digits(&b[14..16])?,
            digits(&b[17..19])?,
        );
        let mut rest = &b[19..];
        let (mut fraction_digits, mut fraction) = (0, 0);
        if rest.first() == Some(&b'.') {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if !(1..=9).contains(&n) {
                return None;
            }
            fraction = digits(&rest[1..=n])?;
            fraction_digits = n as u64;
            rest = &rest[1 + n..];
        }
        let offset = match rest {
            [b'Z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let minutes = (digits(&[*h1, *h2])? * 60 + digits(&[*m1, *m2])?) as i64;
                1 + zigzag(if *sign == b'-' { -minutes } else { minutes })
            }
            _ => return None,
        };
        let time = Time {
            day: days_from_civil(year as i64, month as i64, day as i64)?,
            minute_of_day: hour * 60 + minute,
            second,
            fraction_digits,
            fraction,
            offset,
        };
        // Only what prints back to the very same text is sent as a time (no 31 February).
        (time.format().as_deref() == Some(text)).then_some(time)
    }

    fn format(&self) -> Option<String> {
        let (year, month, day) = civil_from_days(self.day)?;
        if !(0..=9999).contains(&year) || self.minute_of_day >= 24 * 60 || self.second >= 60 {
            return None;
        }
        let mut text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            self.minute_of_day / 60,
            self.minute_of_day % 60,
            self.second
        );
        if self.fraction_digits > 0 {
            let width = usize::try_from(self.fraction_digits)
                .ok()
                .filter(|w| *w <= 9)?;
            if self.fraction >= 10u64.pow(width as u32) {
                return None;
            }
            text.push_str(&format!(".{:0width$}", self.fraction));
        }
        if self.offset == 0 {
            text.push('Z');
        } else {
            let minutes = unzigzag(self.offset - 1);
            if minutes.abs() >= 24 * 60 {
                return None;
            }
            let sign = if minutes < 0 { '-' } else { '+' };
            text.push_str(&format!(
                "{sign}{:02}:{:02}",
                minutes.abs() / 60,
                minutes.abs() % 60
            ));
        }
        Some(text)
    }
}

const TOO_LARGE: &str = "payloads expand beyond the decoded size limit";

/// Longest most-recently-used list kept per key; older texts are sent again in full.
const RECENT_TEXTS: usize = 1024;

/// The texts seen under one key, most recent first (move-to-front coding).
#[derive(Default)]
struct Recent(Vec<String>);

impl Recent {
    /// Position of `text`, moved to the front; `None` (and `text` put in front) if absent.
    fn find_and_promote(&mut self, text: &str) -> Option<usize> {
        match self.0.iter().position(|t| t == text) {
            Some(pos) => {
                let found = self.0.remove(pos);
                self.0.insert(0, found);
                Some(pos)
            }
            None => {
                self.remember(text.to_owned());
                None
            }
        }
    }

    fn remember(&mut self, text: String) {
        self.0.insert(0, text);
        self.0.truncate(RECENT_TEXTS);
    }

    /// The text at `pos`, moved to the front.
    fn promote(&mut self, pos: usize) -> Option<&str> {
        if pos >= self.0.len() {
            return None;
        }
        let found = self.0.remove(pos);
        self.0.insert(0, found);
        Some(&self.0[0])
    }
}

/// The key each value slot of a template belongs to (the last key before it), in slot order.
fn slot_keys(template: &str) -> Vec<&str> {
    let bytes = template.as_bytes();
    let mut keys = Vec::new();
    let mut key = "";
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(bytes.len());
                if bytes.get(j + 1) == Some(&b':') {
                    key = &template[i + 1..end];
                } else if bytes[i + 1..end] == [STRING_SLOT] {
                    keys.push(key);
                }
                i = end + 1;
            }
            NUMBER_SLOT => {
                keys.push(key);
                i += 1;
            }
            _ => i += 1,
        }
    }
    keys
}

impl Column {
    /// Appends a value; `last_day` is this column's previous time's day (times go as deltas),
    /// `recent` the texts seen under the slot's key.
    fn push(&mut self, piece: &Piece<'_>, last_day: &mut i64, recent: &mut Recent) {
        match piece {
            Piece::Number(text) => match text.parse::<i64>() {
                Ok(n) if n.to_string() == *text => {
                    self.tags.push(tag::INT);
                    self.numbers.push(zigzag(n));
                }
                _ => self.push_text(text, recent),
            },
            Piece::String(text) => {
                if let (1..=19, Some(n)) = (text.len(), digits(text.as_bytes())) {
                    self.tags.push(tag::DIGITS + text.len() as u8);
                    self.numbers.push(n);
                } else if let Some(time) = Time::parse(text) {
                    self.tags.push(tag::TIME);
                    let times = self.times.get_or_insert_with(TimeStreams::default);
                    times.day_deltas.push(zigzag(time.day - *last_day));
                    times.minutes.push(time.minute_of_day);
                    times.seconds.push(time.second);
                    times.fraction_digits.push(time.fraction_digits);
                    if time.fraction_digits > 0 {
                        times.fractions.push(time.fraction);
                    }
                    times.offsets.push(time.offset);
                    *last_day = time.day;
                } else {
                    self.push_text(text, recent);
                }
            }
            Piece::Verbatim(_) => unreachable!("verbatim pieces belong to the template"),
        }
    }

    fn push_text(&mut self, text: &str, memory: &mut Recent) {
        if let Some(pos) = memory.find_and_promote(text) {
            self.tags.push(tag::SEEN);
            self.numbers.push(pos as u64);
        } else {
            self.tags.push(tag::TEXT);
            self.texts.push(text.to_owned());
        }
    }
}

/// Reads a column back, value by value.
struct ColumnReader<'a> {
    column: &'a Column,
    tag: usize,
    number: usize,
    text: usize,
    time: TimeCursor,
    last_day: i64,
}

impl<'a> ColumnReader<'a> {
    fn new(column: &'a Column) -> Self {
        ColumnReader {
            column,
            tag: 0,
            number: 0,
            text: 0,
            time: TimeCursor::default(),
            last_day: 0,
        }
    }

    fn number(&mut self) -> Result<u64, &'static str> {
        next(&self.column.numbers, &mut self.number).copied()
    }

    fn text(&mut self) -> Result<&'a str, &'static str> {
        next(&self.column.texts, &mut self.text).map(String::as_str)
    }

    /// Appends the next value's text to `out`, refusing to grow it beyond `limit` bytes (a few
    /// bytes of references must not expand into gigabytes).
    fn read_into(
        &mut self,
        out: &mut String,
        memory: &mut Recent,
        limit: usize,
    ) -> Result<(), &'static str> {
        let tag = *next(&self.column.tags, &mut self.tag)?;
        match tag {
            tag::TEXT => {
                let text = self.text()?;
                out.push_str(text);
                memory.remember(text.to_owned());
            }
            tag::SEEN => {
                let pos = usize::try_from(self.number()?).map_err(|_| "bad text reference")?;
                out.push_str(memory.promote(pos).ok_or("bad text reference")?);
            }
            tag::INT => out.push_str(&unzigzag(self.number()?).to_string()),
            tag::TIME => {
                let times = self
                    .column
                    .times
                    .as_ref()
                    .ok_or("payload column too short")?;
                let at = &mut self.time;
                let day = self
                    .last_day
                    .checked_add(unzigzag(times.take(at, 0)?))
                    .ok_or("time out of range")?;
                let (minute_of_day, second, fraction_digits) =
                    (times.take(at, 1)?, times.take(at, 2)?, times.take(at, 3)?);
                let fraction = if fraction_digits > 0 {
                    times.take(at, 4)?
                } else {
                    0
                };
                let offset = times.take(at, 5)?;
                let time = Time {
                    day,
                    minute_of_day,
                    second,
                    fraction_digits,
                    fraction,
                    offset,
                };
                out.push_str(&time.format().ok_or("time out of range")?);
                self.last_day = day;
            }
            t if (tag::DIGITS + 1..=tag::DIGITS + 19).contains(&t) => {
                let width = usize::from(t - tag::DIGITS);
                let n = self.number()?;
                if width < 20 && n >= 10u64.checked_pow(width as u32).unwrap_or(u64::MAX) {
                    return Err("digit string longer than its width");
                }
                out.push_str(&format!("{n:0width$}"));
            }
            _ => return Err("unknown payload value tag"),
        }
        if out.len() > limit {
            return Err(TOO_LARGE);
        }
        Ok(())
    }

    fn is_exhausted(&self) -> bool {
        self.tag == self.column.tags.len()
            && self.number == self.column.numbers.len()
            && self.text == self.column.texts.len()
            && self
                .column
                .times
                .as_ref()
                .is_none_or(|times| times.is_exhausted(&self.time))
    }
}

fn slot_count(template: &str) -> usize {
    template
        .bytes()
        .filter(|&b| b == STRING_SLOT || b == NUMBER_SLOT)
        .count()
}

impl PayloadColumns {
    /// Splits the payloads of a batch.
    pub(crate) fn split<'a>(payloads: impl IntoIterator<Item = &'a str>) -> PayloadColumns {
        let mut out = PayloadColumns::default();
        // Per template: its first column and the day of each column's last time.
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut first_column: Vec<usize> = Vec::new();
        let mut last_days: Vec<i64> = Vec::new();
        let mut column_keys: Vec<String> = Vec::new();
        let mut recent: std::collections::HashMap<String, Recent> = Default::default();
        for payload in payloads {
            let Some(pieces) = pieces(payload) else {
                out.shapes.push(0);
                out.whole.push(payload.to_owned());
                continue;
            };
            let mut template = String::with_capacity(payload.len() / 2);
            for piece in &pieces {
                match piece {
                    Piece::Verbatim(text) => template.push_str(text),
                    Piece::String(_) => template.extend(['"', char::from(STRING_SLOT), '"']),
                    Piece::Number(_) => template.push(char::from(NUMBER_SLOT)),
                }
            }
            let t = *index.entry(template).or_insert_with_key(|template| {
                out.templates.push(template.clone());
                first_column.push(out.columns.len());
                let keys = slot_keys(template);
                out.columns.extend(keys.iter().map(|_| Column::default()));
                last_days.extend(keys.iter().map(|_| 0));
                column_keys.extend(keys.into_iter().map(str::to_owned));
                out.templates.len() - 1
            });
            out.shapes.push(t as u32 + 1);
            let values = pieces.iter().filter(|p| !matches!(p, Piece::Verbatim(_)));
            for (k, piece) in values.enumerate() {
                let c = first_column[t] + k;
                let recent = recent.entry(column_keys[c].clone()).or_default();
                out.columns[c].push(piece, &mut last_days[c], recent);
            }
        }
        out
    }

    /// Joins the payloads back, refusing anything [`PayloadColumns::split`] cannot have made and
    /// any total beyond `max_bytes` (a small batch must not expand into gigabytes).
    pub(crate) fn join(&self, max_bytes: usize) -> Result<Vec<String>, &'static str> {
        let mut first_column = Vec::with_capacity(self.templates.len());
        let mut column_keys: Vec<&str> = Vec::new();
        for template in &self.templates {
            first_column.push(column_keys.len());
            let keys = slot_keys(template);
            if keys.len() != slot_count(template) {
                return Err("malformed payload template");
            }
            column_keys.extend(keys);
        }
        let mut recent: std::collections::HashMap<&str, Recent> = Default::default();
        if column_keys.len() != self.columns.len() {
            return Err("payload columns do not match the templates");
        }
        let mut readers: Vec<ColumnReader<'_>> =
            self.columns.iter().map(ColumnReader::new).collect();
        let mut whole = self.whole.iter();
        let mut total = 0usize;
        let mut out = Vec::with_capacity(self.shapes.len());
        for &shape in &self.shapes {
            let payload = if shape == 0 {
                whole.next().ok_or("missing whole payload")?.clone()
            } else {
                let t = shape as usize - 1;
                let template = self.templates.get(t).ok_or("unknown payload template")?;
                let mut text = String::with_capacity(template.len() * 2);
                let mut k = first_column[t];
                for ch in template.chars() {
                    if ch == char::from(STRING_SLOT) || ch == char::from(NUMBER_SLOT) {
                        let memory = recent.entry(column_keys[k]).or_default();
                        readers[k].read_into(&mut text, memory, max_bytes - total)?;
                        k += 1;
                    } else {
                        text.push(ch);
                    }
                }
                text
            };
            total += payload.len();
            if total > max_bytes {
                return Err(TOO_LARGE);
            }
            out.push(payload);
        }
        if whole.next().is_some() || !readers.iter().all(ColumnReader::is_exhausted) {
            return Err("payload columns hold values no payload uses");
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip(payloads: &[String]) -> Vec<String> {
        let columns = PayloadColumns::split(payloads.iter().map(String::as_str));
        let bytes = postcard::to_stdvec(&columns).expect("encode");
        let back: PayloadColumns = postcard::from_bytes(&bytes).expect("decode");
        back.join(usize::MAX).expect("join")
    }

    /// Dates over four centuries: the day number and the calendar agree both ways.
    #[test]
    fn civil_days_round_trip() {
        for days in -150_000..150_000 {
            let (y, m, d) = civil_from_days(days).expect("in range");
            assert_eq!(days_from_civil(y, m, d), Some(days));
        }
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2026, 12, 4), Some(20_791));
    }

    /// The times the store and chrono write are sent as times; text that only looks like one
    /// (31 February, 24:00, a two-digit fraction of ten digits) stays text and still comes back.
    #[test]
    fn only_times_that_print_back_exactly_are_typed() {
        for text in [
            "2026-02-13T14:30:00+07:00",
            "2026-12-04T12:48:39.123456789+07:00",
            "2026-12-04T05:48:39.120Z",
            "1999-01-01T00:00:00-03:30",
        ] {
            assert_eq!(
                Time::parse(text).and_then(|t| t.format()).as_deref(),
                Some(text)
            );
        }
        for text in [
            "2026-02-31T14:30:00+07:00",
            "2026-02-13T24:00:00+07:00",
            "2026-02-13T14:30:00.1234567891+07:00",
            "2026-02-13T14:30:00+0700",
            "2026-02-13 14:30:00+07:00",
        ] {
            assert_eq!(Time::parse(text), None, "{text}");
            assert_eq!(
                round_trip(&[format!("{{\"at\":\"{text}\"}}")]),
                [format!("{{\"at\":\"{text}\"}}")]
            );
        }
    }

    /// Store-shaped payloads: same-shaped events share one template; leading zeros of identity
    /// numbers and phones survive.
    #[test]
    fn store_shaped_payloads_round_trip_and_share_templates() {
        let payloads: Vec<String> = (0..50)
            .map(|i| {
                format!(
                    r#"{{"kind":"dossier_taken_in","dossier_code":"AA261204-{i:03}","device_time":"2026-12-04T08:{:02}:13.52{i}+07:00","citizen":{{"name":"Lò Thị Dìn","id_number":"00119001{i:04}","phone":"091234{i:04}"}},"copies":{i},"ratio":0.5,"ok":true,"note":null}}"#,
                    i % 60
                )
            })
            .collect();
        let columns = PayloadColumns::split(payloads.iter().map(String::as_str));
        assert_eq!(columns.templates.len(), 1);
        assert!(columns.whole.is_empty());
        assert_eq!(round_trip(&payloads), payloads);
    }

    /// A forged batch that reuses a template a million times is refused, not expanded.
    #[test]
    fn expansion_beyond_the_limit_is_refused() {
        let mut columns = PayloadColumns::split(["{\"a\":true}"]);
        columns.shapes = vec![1; 1_000_000];
        assert!(columns.join(1 << 20).is_err());
    }

    /// One text repeated in many slots costs a few bytes on the wire; its expansion is refused
    /// as soon as it passes the limit, not after.
    #[test]
    fn repeated_texts_cannot_expand_beyond_the_limit() {
        let long = "x".repeat(1000);
        let fields: Vec<String> = (0..2000).map(|_| format!("\"n\":\"{long}\"")).collect();
        let payload = format!("{{{}}}", fields.join(","));
        let columns = PayloadColumns::split([payload.as_str()]);
        assert_eq!(columns.columns[0].texts.len(), 1);
        assert_eq!(columns.columns[1999].tags, [tag::SEEN]);
        assert_eq!(columns.join(1 << 20), Err(TOO_LARGE));
        assert_eq!(columns.join(4 << 20).expect("join"), [payload]);
    }

    /// Columns that do not match their templates are refused, never panic.
    #[test]
    fn inconsistent_columns_are_refused() {
        let mut columns = PayloadColumns::split(["{\"a\":1,\"b\":\"x\"}", "{\"a\":2,\"b\":\"y\"}"]);
        columns.columns[0].numbers.pop();
        assert!(columns.join(usize::MAX).is_err());
        let mut extra = PayloadColumns::split(["{\"a\":1}"]);
        extra.columns[0].tags.push(tag::INT);
        extra.columns[0].numbers.push(4);
        assert!(extra.join(usize::MAX).is_err());
    }

    proptest! {
        /// Any text at all comes back byte for byte, JSON or not.
        #[test]
        fn any_text_round_trips(payloads in proptest::collection::vec(".{0,60}", 0..12)) {
            prop_assert_eq!(round_trip(&payloads), payloads);
        }

        /// JSON-like text with numbers, digit strings, times and escapes comes back byte for byte.
        #[test]
        fn json_like_payloads_round_trip(payloads in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![
                Just("{\"k\":".to_owned()),
                Just(",".to_owned()),
                Just("}".to_owned()),
                Just("[".to_owned()),
                Just("\"\\\"x\\\\\"".to_owned()),
                "-?[0-9]{1,22}(\\.[0-9]{1,3})?(e[+-]?[0-9])?",
                "\"[0-9]{0,21}\"",
                "\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,10})?(Z|[+-][0-9]{2}:[0-9]{2})\"",
                "\"[^\"\\\\]{0,8}\"",
            ], 0..12).prop_map(|parts| parts.concat()), 0..8)) {
            prop_assert_eq!(round_trip(&payloads), payloads);
        }

        /// Arbitrary columns never panic the join.
        #[test]
        fn arbitrary_columns_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(columns) = postcard::from_bytes::<PayloadColumns>(&bytes) {
                let _ = columns.join(1 << 20);
            }
        }
    }
}
