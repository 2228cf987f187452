//! Text going onto paper: Unicode normalisation, refusal of unprintable characters, and the
//! date and time wording of administrative documents.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use unicode_normalization::UnicodeNormalization;

use crate::error::PrintError;

/// NFC-normalises `text`, turns every run of whitespace (line breaks and tabs included) into
/// one space and trims it. Decomposed Vietnamese ("a" + U+0302 + U+0301) would otherwise be
/// drawn as a base letter with floating marks, since the renderer maps one code point to one
/// glyph with no mark positioning.
///
/// Refuses other control characters, which have no place on an official paper.
pub fn clean(text: &str, field: &'static str) -> Result<String, PrintError> {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.nfc() {
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if ch.is_control() {
            return Err(PrintError::ControlCharacter {
                code_point: u32::from(ch),
                field,
            });
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(ch);
    }
    Ok(out)
}

/// Like [`clean`], but an empty result is an error: the field is mandatory on the form.
pub fn required(text: &str, field: &'static str) -> Result<String, PrintError> {
    let cleaned = clean(text, field)?;
    if cleaned.is_empty() {
        return Err(PrintError::EmptyField { field });
    }
    Ok(cleaned)
}

/// A procedure's name as it reads inside a sentence ("… về thủ tục đăng ký khai sinh"):
/// catalogue names usually start with "Thủ tục", which must not be doubled nor keep its capital.
pub fn procedure_phrase(name: &str) -> String {
    let head: String = name.chars().take(8).collect();
    let rest: String = if head.to_lowercase() == "thủ tục " {
        name.chars().skip(8).collect()
    } else {
        name.to_string()
    };
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => format!("thủ tục {}{}", first.to_lowercase(), chars.as_str()),
        None => "thủ tục".to_string(),
    }
}

#[cfg(test)]
mod procedure_phrase_tests {
    use super::procedure_phrase;

    /// Form 04's sentence names the procedure once, in lower case inside the sentence.
    #[test]
    fn the_word_thu_tuc_is_never_doubled() {
        assert_eq!(
            procedure_phrase("Thủ tục đăng ký khai sinh"),
            "thủ tục đăng ký khai sinh"
        );
        assert_eq!(
            procedure_phrase("Chứng thực bản sao từ bản chính"),
            "thủ tục chứng thực bản sao từ bản chính"
        );
        assert_eq!(procedure_phrase("THỦ TỤC cấp phép"), "thủ tục cấp phép");
    }
}

/// `dd/mm/yyyy`, the short date of the forms' tables and fields.
pub fn date_short(at: &DateTime<FixedOffset>) -> String {
    format!("{:02}/{:02}/{:04}", at.day(), at.month(), at.year())
}

/// "14 giờ 30 phút, ngày 13/02/2026": the receipt and return times of form 01 (TT 01/2018
/// layout, items 4 and 5).
pub fn time_and_date(at: &DateTime<FixedOffset>) -> String {
    format!(
        "{:02} giờ {:02} phút, ngày {}",
        at.hour(),
        at.minute(),
        date_short(at)
    )
}

/// The no-break space that keeps "14 giờ 30 phút" on one line. Text extraction (pdftotext)
/// gives it back as an ordinary space.
const NO_BREAK: char = '\u{a0}';

/// "14 giờ 30 phút" with no-break spaces, for layout: a time is never split across lines.
pub(crate) fn clock_kept(at: &DateTime<FixedOffset>) -> String {
    format!(
        "{:02}{NO_BREAK}giờ{NO_BREAK}{:02}{NO_BREAK}phút",
        at.hour(),
        at.minute()
    )
}

/// [`time_and_date`] with the time kept on one line, for layout.
pub(crate) fn time_and_date_kept(at: &DateTime<FixedOffset>) -> String {
    format!("{}, ngày {}", clock_kept(at), date_short(at))
}

/// "Tả Van, ngày 05 tháng 02 năm 2026": the place and date line of an administrative
/// document. NĐ 30/2020 Phụ lục I, mục II.5: a day below 10 and the months 1 and 2 take a
/// leading zero; other months are written without one ("tháng 3").
pub fn place_and_date(place: &str, at: &DateTime<FixedOffset>) -> String {
    let month = if at.month() <= 2 {
        format!("{:02}", at.month())
    } else {
        at.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {:04}",
        at.day(),
        at.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
        let tz = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
        tz.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("unambiguous fixed-offset time")
    }

    /// Decomposed input must come out precomposed, or the marks print misplaced.
    #[test]
    fn clean_composes_decomposed_vietnamese() {
        let decomposed = "Nguye\u{302}\u{303}n Va\u{306}n A\u{301}nh";
        let cleaned = clean(decomposed, "name").expect("printable");
        assert_eq!(cleaned, "Nguyễn Văn Ánh");
        assert!(cleaned
            .chars()
            .all(|c| !('\u{300}'..='\u{36f}').contains(&c)));
    }

    #[test]
    fn clean_collapses_whitespace_and_refuses_control_characters() {
        assert_eq!(clean("  a \n\t b  ", "f").expect("ok"), "a b");
        assert_eq!(
            clean("a\u{7}b", "address"),
            Err(PrintError::ControlCharacter {
                code_point: 7,
                field: "address"
            })
        );
        assert_eq!(
            required("  ", "name"),
            Err(PrintError::EmptyField { field: "name" })
        );
    }

    /// Times on form 01 read "hh giờ mm phút, ngày dd/mm/yyyy".
    #[test]
    fn time_and_date_uses_hours_minutes_and_short_date() {
        assert_eq!(
            time_and_date(&at(2026, 2, 13, 14, 30)),
            "14 giờ 30 phút, ngày 13/02/2026"
        );
        assert_eq!(
            time_and_date(&at(2026, 3, 2, 7, 5)),
            "07 giờ 05 phút, ngày 02/03/2026"
        );
    }

    /// NĐ 30/2020 Phụ lục I II.5: zero before days < 10 and months 1-2 only.
    #[test]
    fn place_and_date_follows_decree_30_zero_padding() {
        assert_eq!(
            place_and_date("Tả Van", &at(2026, 2, 13, 9, 0)),
            "Tả Van, ngày 13 tháng 02 năm 2026"
        );
        assert_eq!(
            place_and_date("Tả Van", &at(2026, 3, 5, 9, 0)),
            "Tả Van, ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            place_and_date("Tả Van", &at(2026, 12, 24, 9, 0)),
            "Tả Van, ngày 24 tháng 12 năm 2026"
        );
    }
}
