//! Dossier codes (mã số hồ sơ): the provisional local code a counter issues offline, and the
//! official code of the provincial system.
//!
//! **Official code** (NĐ 118 art. 28; format of TT 01/2018/TT-VPCP art. 19, not known to be
//! changed by TT 03/2025): `{agency code}-{YYMMDD}-{XXXX}`, e.g. `H15.50.05.13-261008-0975`.
//! The provincial system issues it; an offline counter cannot, because two counters would take
//! the same daily sequence number.
//!
//! **Provisional local code** (design, domain.md §5 [I]): `{PP}{YYMMDD}-{SSS}`, e.g.
//! `AB261122-007`, where
//! - `PP` is the counter's two-letter prefix, assigned once when the counter is set up, unique
//!   within the commune ([`CounterPrefix::from_index`] maps counter numbers 0..576 one-to-one);
//! - `YYMMDD` is the receipt date;
//! - `SSS` is the counter's own daily sequence, from 1, at least three digits (up to six).
//!
//! Two counters of one commune never collide: their codes differ in the prefix. One counter
//! never collides with itself: its store hands out each (date, sequence) once. Across communes
//! the code is unique together with the commune's agency code, which the sync carries.
//!
//! The prefix alphabet leaves out I and O, which read and look like 1 and 0; when parsing, O, I
//! and L typed in the digit part are read as 0, 1 and 1 (as in Crockford's base 32), and case and
//! spaces are ignored, so a code read aloud over the phone or typed from a slip still parses.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Letters a counter prefix may use: A–Z without I and O.
pub const PREFIX_ALPHABET: &[u8; 24] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

/// How many distinct counter prefixes exist (24 × 24).
pub const PREFIX_COUNT: u16 = 24 * 24;

/// The largest daily sequence a local code carries.
pub const MAX_LOCAL_SEQUENCE: u32 = 999_999;

/// The two-letter prefix of one counter (quầy) of a commune, assigned at set-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CounterPrefix([u8; 2]);

impl CounterPrefix {
    /// The prefix of counter number `index` (0-based); `None` beyond [`PREFIX_COUNT`].
    /// Distinct indexes give distinct prefixes.
    pub fn from_index(index: u16) -> Option<CounterPrefix> {
        if index >= PREFIX_COUNT {
            return None;
        }
        let first = PREFIX_ALPHABET[usize::from(index / 24)];
        let second = PREFIX_ALPHABET[usize::from(index % 24)];
        Some(CounterPrefix([first, second]))
    }

    /// The counter number this prefix stands for (inverse of [`CounterPrefix::from_index`]).
    pub fn index(self) -> u16 {
        let position = |letter: u8| {
            PREFIX_ALPHABET
                .iter()
                .position(|&candidate| candidate == letter)
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(0)
        };
        position(self.0[0]) * 24 + position(self.0[1])
    }

    /// Parses two letters of the prefix alphabet, case-insensitively.
    pub fn parse(text: &str) -> Result<CounterPrefix, LocalCodeError> {
        let bytes = text.trim().as_bytes();
        if bytes.len() != 2 {
            return Err(LocalCodeError::Prefix);
        }
        prefix_from_bytes(bytes[0], bytes[1])
    }

    /// The prefix as text.
    pub fn as_str(&self) -> &str {
        // Both bytes come from PREFIX_ALPHABET, which is ASCII.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

fn prefix_from_bytes(first: u8, second: u8) -> Result<CounterPrefix, LocalCodeError> {
    let first = first.to_ascii_uppercase();
    let second = second.to_ascii_uppercase();
    if PREFIX_ALPHABET.contains(&first) && PREFIX_ALPHABET.contains(&second) {
        Ok(CounterPrefix([first, second]))
    } else {
        Err(LocalCodeError::Prefix)
    }
}

impl fmt::Display for CounterPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CounterPrefix {
    type Error = LocalCodeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        CounterPrefix::parse(&text)
    }
}

impl From<CounterPrefix> for String {
    fn from(prefix: CounterPrefix) -> String {
        prefix.as_str().to_owned()
    }
}

/// Why a local code was refused. [`LocalCodeError::code`] is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocalCodeError {
    /// Too short or too long to be a local code.
    #[error("a local dossier code has 2 letters, 6 date digits and a 1–6 digit sequence")]
    Length,
    /// The prefix is not two letters of the prefix alphabet.
    #[error("the counter prefix must be two letters other than I and O")]
    Prefix,
    /// The date part is not a valid YYMMDD date.
    #[error("the date part is not a valid YYMMDD date")]
    Date,
    /// The sequence is not digits, zero, or too large.
    #[error("the sequence must be a number from 1 to 999999")]
    Sequence,
}

impl LocalCodeError {
    /// A stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            LocalCodeError::Length => "local_code_length",
            LocalCodeError::Prefix => "local_code_prefix",
            LocalCodeError::Date => "local_code_date",
            LocalCodeError::Sequence => "local_code_sequence",
        }
    }
}

/// A provisional dossier code issued offline by one counter (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalCode {
    prefix: CounterPrefix,
    date: NaiveDate,
    sequence: u32,
}

impl LocalCode {
    /// The code of the `sequence`-th dossier (from 1) received at counter `prefix` on `date`.
    /// Refuses dates outside 2000–2099 (two-digit year) and sequences outside 1..=999999.
    pub fn new(
        prefix: CounterPrefix,
        date: NaiveDate,
        sequence: u32,
    ) -> Result<LocalCode, LocalCodeError> {
        if !(2000..=2099).contains(&date.year()) {
            return Err(LocalCodeError::Date);
        }
        if sequence == 0 || sequence > MAX_LOCAL_SEQUENCE {
            return Err(LocalCodeError::Sequence);
        }
        Ok(LocalCode {
            prefix,
            date,
            sequence,
        })
    }

    /// The counter prefix.
    pub fn prefix(&self) -> CounterPrefix {
        self.prefix
    }

    /// The receipt date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The daily sequence number of the counter.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// Parses a local code, ignoring case, spaces, dashes and dots; O, I and L in the digit part
    /// read as 0, 1, 1.
    pub fn parse(text: &str) -> Result<LocalCode, LocalCodeError> {
        let compact: Vec<u8> = text
            .bytes()
            .filter(|byte| !byte.is_ascii_whitespace() && !matches!(byte, b'-' | b'.'))
            .collect();
        if compact.len() < 2 + 6 + 1 {
            return Err(LocalCodeError::Length);
        }
        let prefix = prefix_from_bytes(compact[0], compact[1])?;
        let date_digits: Vec<u32> = compact[2..8]
            .iter()
            .map(|&byte| lenient_digit(byte).ok_or(LocalCodeError::Date))
            .collect::<Result<_, _>>()?;
        let rest = &compact[8..];
        if rest.is_empty() || rest.len() > 6 {
            return Err(LocalCodeError::Length);
        }
        let sequence = rest.iter().try_fold(0u32, |value, &byte| {
            lenient_digit(byte)
                .map(|digit| value * 10 + digit)
                .ok_or(LocalCodeError::Sequence)
        })?;
        let date = date_from_digits(&date_digits).ok_or(LocalCodeError::Date)?;
        LocalCode::new(prefix, date, sequence)
    }
}

/// A digit, reading the letters people confuse with digits as those digits.
fn lenient_digit(byte: u8) -> Option<u32> {
    match byte.to_ascii_uppercase() {
        b'O' => Some(0),
        b'I' | b'L' => Some(1),
        digit @ b'0'..=b'9' => Some(u32::from(digit - b'0')),
        _ => None,
    }
}

/// YYMMDD digits to a date in 2000–2099.
fn date_from_digits(digits: &[u32]) -> Option<NaiveDate> {
    let [y1, y2, m1, m2, d1, d2] = digits else {
        return None;
    };
    let year = 2000 + i32::try_from(y1 * 10 + y2).ok()?;
    NaiveDate::from_ymd_opt(year, m1 * 10 + m2, d1 * 10 + d2)
}

fn write_yymmdd(f: &mut fmt::Formatter<'_>, date: NaiveDate) -> fmt::Result {
    write!(
        f,
        "{:02}{:02}{:02}",
        date.year().rem_euclid(100),
        date.month(),
        date.day()
    )
}

impl fmt::Display for LocalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix.as_str())?;
        write_yymmdd(f, self.date)?;
        write!(f, "-{:03}", self.sequence)
    }
}

impl FromStr for LocalCode {
    type Err = LocalCodeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        LocalCode::parse(text)
    }
}

impl TryFrom<String> for LocalCode {
    type Error = LocalCodeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        LocalCode::parse(&text)
    }
}

impl From<LocalCode> for String {
    fn from(code: LocalCode) -> String {
        code.to_string()
    }
}

/// Why an official code was refused. [`OfficialCodeError::code`] is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OfficialCodeError {
    /// Not three parts separated by "-".
    #[error("an official dossier code is agency-YYMMDD-sequence")]
    Shape,
    /// The agency code does not follow the TT 10/2016/TT-BTTTT structure.
    #[error("the agency code is not of the form A00.00.00.00")]
    Agency,
    /// The date part is not a valid YYMMDD date.
    #[error("the date part is not a valid YYMMDD date")]
    Date,
    /// The sequence is not 4 to 7 digits, or is zero.
    #[error("the sequence must be 4 to 7 digits, not zero")]
    Sequence,
}

impl OfficialCodeError {
    /// A stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            OfficialCodeError::Shape => "official_code_shape",
            OfficialCodeError::Agency => "official_code_agency",
            OfficialCodeError::Date => "official_code_date",
            OfficialCodeError::Sequence => "official_code_sequence",
        }
    }
}

/// The official dossier code issued by the provincial system (NĐ 118 art. 28), e.g.
/// `H15.50.05.13-261008-0975`: agency identifier code (TT 10/2016/TT-BTTTT structure
/// `V1V2V3.Z1Z2.Y1Y2.MX1X2`), receipt date YYMMDD, daily sequence (4 digits at provincial level;
/// ministry systems use up to 7, which are accepted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficialCode {
    agency: String,
    date: NaiveDate,
    sequence: u32,
    sequence_width: usize,
}

impl OfficialCode {
    /// Builds a code with a 4-digit (or wider, when needed) sequence.
    pub fn new(
        agency: &str,
        date: NaiveDate,
        sequence: u32,
    ) -> Result<OfficialCode, OfficialCodeError> {
        let agency = agency.trim().to_ascii_uppercase();
        if !is_agency_code(&agency) {
            return Err(OfficialCodeError::Agency);
        }
        if !(2000..=2099).contains(&date.year()) {
            return Err(OfficialCodeError::Date);
        }
        if sequence == 0 || sequence > 9_999_999 {
            return Err(OfficialCodeError::Sequence);
        }
        let sequence_width = sequence.to_string().len().max(4);
        Ok(OfficialCode {
            agency,
            date,
            sequence,
            sequence_width,
        })
    }

    /// Parses an official code, case-insensitively, keeping the sequence's width.
    pub fn parse(text: &str) -> Result<OfficialCode, OfficialCodeError> {
        let upper = text.trim().to_ascii_uppercase();
        let mut parts = upper.split('-');
        let (Some(agency), Some(date), Some(sequence), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(OfficialCodeError::Shape);
        };
        if !is_agency_code(agency) {
            return Err(OfficialCodeError::Agency);
        }
        let date_digits: Vec<u32> = date
            .bytes()
            .map(|byte| byte.is_ascii_digit().then(|| u32::from(byte - b'0')))
            .collect::<Option<_>>()
            .ok_or(OfficialCodeError::Date)?;
        let date = date_from_digits(&date_digits).ok_or(OfficialCodeError::Date)?;
        if !(4..=7).contains(&sequence.len()) || !sequence.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OfficialCodeError::Sequence);
        }
        let value: u32 = sequence.parse().map_err(|_| OfficialCodeError::Sequence)?;
        if value == 0 {
            return Err(OfficialCodeError::Sequence);
        }
        Ok(OfficialCode {
            agency: agency.to_owned(),
            date,
            sequence: value,
            sequence_width: sequence.len(),
        })
    }

    /// The agency identifier code (e.g. "H15.50.05.13").
    pub fn agency(&self) -> &str {
        &self.agency
    }

    /// The receipt date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The daily sequence number.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

/// TT 10/2016/TT-BTTTT identifier: 1 to 4 groups separated by dots; the first is a letter and
/// two digits (H15), the others two digits, the last may be a letter and two digits (MX1X2).
fn is_agency_code(agency: &str) -> bool {
    let groups: Vec<&[u8]> = agency.split('.').map(str::as_bytes).collect();
    if groups.is_empty() || groups.len() > 4 {
        return false;
    }
    let last = groups.len() - 1;
    groups.iter().enumerate().all(|(index, group)| match group {
        [letter, d1, d2] if index == 0 || (index == last && index > 0) => {
            letter.is_ascii_uppercase() && d1.is_ascii_digit() && d2.is_ascii_digit()
        }
        [d1, d2] if index > 0 => d1.is_ascii_digit() && d2.is_ascii_digit(),
        _ => false,
    })
}

impl fmt::Display for OfficialCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-", self.agency)?;
        write_yymmdd(f, self.date)?;
        write!(f, "-{:0width$}", self.sequence, width = self.sequence_width)
    }
}

impl FromStr for OfficialCode {
    type Err = OfficialCodeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        OfficialCode::parse(text)
    }
}

impl TryFrom<String> for OfficialCode {
    type Error = OfficialCodeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        OfficialCode::parse(&text)
    }
}

impl From<OfficialCode> for String {
    fn from(code: OfficialCode) -> String {
        code.to_string()
    }
}
