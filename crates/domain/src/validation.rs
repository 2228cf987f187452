//! Checking what a clerk types about a citizen: the 12-digit personal identification number,
//! phone numbers, names and addresses.
//!
//! Every failure is a [`ValidationError`] with a stable [`ValidationError::code`] for the UI and
//! a polite Vietnamese [`ValidationError::message_vi`]. Errors never carry the whole value typed
//! (personal data, Luật 91/2025/QH15; NĐ 118 art. 5.1.d): at most one offending character and its
//! position. For the same reason [`PersonalIdNumber`] and [`PhoneNumber`] print redacted in
//! `Debug`.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

/// The longest full name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// The longest address accepted, in characters.
pub const MAX_ADDRESS_CHARS: usize = 300;

/// One of the 63 provinces (before the 2025 merger) whose code opens a personal identification
/// number: the province where the birth was registered (Nghị định 137/2015/NĐ-CP; Thông tư
/// 07/2016/TT-BCA art. 7, codes as in the list of administrative units). Numbers already issued
/// keep these codes after the 2025 merger into 34 provinces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthProvince {
    /// The three-digit code, e.g. 1 for "001" (Hà Nội).
    pub code: u16,
    /// The province's name before 01/7/2025.
    pub name: &'static str,
}

/// The 63 province codes of personal identification numbers, in code order.
pub const BIRTH_PROVINCES: [BirthProvince; 63] = {
    const fn p(code: u16, name: &'static str) -> BirthProvince {
        BirthProvince { code, name }
    }
    [
        p(1, "Hà Nội"),
        p(2, "Hà Giang"),
        p(4, "Cao Bằng"),
        p(6, "Bắc Kạn"),
        p(8, "Tuyên Quang"),
        p(10, "Lào Cai"),
        p(11, "Điện Biên"),
        p(12, "Lai Châu"),
        p(14, "Sơn La"),
        p(15, "Yên Bái"),
        p(17, "Hòa Bình"),
        p(19, "Thái Nguyên"),
        p(20, "Lạng Sơn"),
        p(22, "Quảng Ninh"),
        p(24, "Bắc Giang"),
        p(25, "Phú Thọ"),
        p(26, "Vĩnh Phúc"),
        p(27, "Bắc Ninh"),
        p(30, "Hải Dương"),
        p(31, "Hải Phòng"),
        p(33, "Hưng Yên"),
        p(34, "Thái Bình"),
        p(35, "Hà Nam"),
        p(36, "Nam Định"),
        p(37, "Ninh Bình"),
        p(38, "Thanh Hóa"),
        p(40, "Nghệ An"),
        p(42, "Hà Tĩnh"),
        p(44, "Quảng Bình"),
        p(45, "Quảng Trị"),
        p(46, "Thừa Thiên Huế"),
        p(48, "Đà Nẵng"),
        p(49, "Quảng Nam"),
        p(51, "Quảng Ngãi"),
        p(52, "Bình Định"),
        p(54, "Phú Yên"),
        p(56, "Khánh Hòa"),
        p(58, "Ninh Thuận"),
        p(60, "Bình Thuận"),
        p(62, "Kon Tum"),
        p(64, "Gia Lai"),
        p(66, "Đắk Lắk"),
        p(67, "Đắk Nông"),
        p(68, "Lâm Đồng"),
        p(70, "Bình Phước"),
        p(72, "Tây Ninh"),
        p(74, "Bình Dương"),
        p(75, "Đồng Nai"),
        p(77, "Bà Rịa - Vũng Tàu"),
        p(79, "Hồ Chí Minh"),
        p(80, "Long An"),
        p(82, "Tiền Giang"),
        p(83, "Bến Tre"),
        p(84, "Trà Vinh"),
        p(86, "Vĩnh Long"),
        p(87, "Đồng Tháp"),
        p(89, "An Giang"),
        p(91, "Kiên Giang"),
        p(92, "Cần Thơ"),
        p(93, "Hậu Giang"),
        p(94, "Sóc Trăng"),
        p(95, "Bạc Liêu"),
        p(96, "Cà Mau"),
    ]
};

/// The birth province with this code, if it exists.
pub fn birth_province(code: u16) -> Option<&'static BirthProvince> {
    BIRTH_PROVINCES
        .binary_search_by_key(&code, |province| province.code)
        .ok()
        .map(|index| &BIRTH_PROVINCES[index])
}

/// Gender as encoded in the 4th digit of the personal identification number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// Even digit: nam.
    Male,
    /// Odd digit: nữ.
    Female,
}

/// A checked 12-digit personal identification number (số định danh cá nhân, the CCCD number).
///
/// Structure (Nghị định 137/2015/NĐ-CP art. 7; Thông tư 07/2016/TT-BCA art. 7): 3 digits of the
/// birth-registration province, 1 digit of gender and century (0/1: 20th century male/female,
/// 2/3: 21st, 4/5: 22nd, 6/7: 23rd, 8/9: 24th), 2 digits of the birth year, 6 random digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonalIdNumber(String);

impl fmt::Debug for PersonalIdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonalIdNumber(<redacted>)")
    }
}

impl PersonalIdNumber {
    /// Parses a number typed with or without spaces and, when the birth date is known, checks
    /// that the century digit and the year digits agree with it.
    pub fn parse(
        text: &str,
        birth_date: Option<NaiveDate>,
    ) -> Result<PersonalIdNumber, ValidationError> {
        let mut digits = String::with_capacity(12);
        for (position, character) in text.trim().chars().enumerate() {
            if character.is_whitespace() {
                continue;
            }
            if !character.is_ascii_digit() {
                return Err(ValidationError::IdNumberDigit {
                    position,
                    character,
                });
            }
            digits.push(character);
        }
        if digits.len() != 12 {
            return Err(ValidationError::IdNumberLength {
                length: digits.len(),
            });
        }
        let number = PersonalIdNumber(digits);
        let province = number.province_code();
        if birth_province(province).is_none() {
            return Err(ValidationError::IdNumberProvince { code: province });
        }
        if let Some(date) = birth_date {
            if date.year() != number.birth_year() {
                return Err(ValidationError::IdNumberBirthYear);
            }
        }
        Ok(number)
    }

    fn digit(&self, index: usize) -> u16 {
        self.0
            .as_bytes()
            .get(index)
            .map_or(0, |byte| u16::from(byte.saturating_sub(b'0')))
    }

    /// The digits, for storage (encrypted at rest, domain.md §8).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code of the birth-registration province (first three digits).
    pub fn province_code(&self) -> u16 {
        self.digit(0) * 100 + self.digit(1) * 10 + self.digit(2)
    }

    /// The birth-registration province.
    pub fn province(&self) -> Option<&'static BirthProvince> {
        birth_province(self.province_code())
    }

    /// The gender encoded in the 4th digit.
    pub fn gender(&self) -> Gender {
        match self.digit(3) {
            0 | 2 | 4 | 6 | 8 => Gender::Male,
            _ => Gender::Female,
        }
    }

    /// The birth year: century from the 4th digit, year from the 5th and 6th.
    pub fn birth_year(&self) -> i32 {
        let century_start = 1900 + 100 * i32::from(self.digit(3) / 2);
        century_start + i32::from(self.digit(4) * 10 + self.digit(5))
    }
}

/// What kind of line a phone number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    /// Mobile: 0 + 9 digits, starting 03, 05, 07, 08 or 09 (the 2018 ten-digit plan).
    Mobile,
    /// Landline: 02 + area code + subscriber, 11 digits in all.
    Landline,
}

/// A Vietnamese phone number in national form ("0912345678" or "02438251234").
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    digits: String,
    kind: PhoneKind,
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({:?}, <redacted>)", self.kind)
    }
}

impl PhoneNumber {
    /// Parses a number typed as "0912 345 678", "0912.345.678", "+84 912 345 678",
    /// "+84 (0) 912345678" or "84912345678", into national form.
    ///
    /// Mobile numbers must start 03, 05, 07, 08 or 09 and have 10 digits; landlines start 02 and
    /// have 11. Prefix ranges, not per-carrier lists, so a newly assigned block needs no update.
    pub fn parse(text: &str) -> Result<PhoneNumber, ValidationError> {
        let mut digits = String::with_capacity(12);
        let mut international = false;
        for (position, character) in text.trim().chars().enumerate() {
            match character {
                ' ' | '.' | '-' | '(' | ')' => {}
                '+' if position == 0 => international = true,
                c if c.is_ascii_digit() => digits.push(c),
                c => {
                    return Err(ValidationError::PhoneChar {
                        position,
                        character: c,
                    })
                }
            }
        }
        let national = if international {
            match digits.strip_prefix("84") {
                Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
                None => return Err(ValidationError::PhonePrefix),
            }
        } else if let Some(rest) = digits.strip_prefix("0084") {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        } else if digits.len() == 11 && digits.starts_with("84") {
            format!("0{}", &digits[2..])
        } else {
            digits
        };
        let kind = match national.as_bytes() {
            [] => return Err(ValidationError::PhoneLength { length: 0 }),
            [b'0', b'3' | b'5' | b'7' | b'8' | b'9', ..] => PhoneKind::Mobile,
            [b'0', b'2', ..] => PhoneKind::Landline,
            _ => return Err(ValidationError::PhonePrefix),
        };
        let expected = match kind {
            PhoneKind::Mobile => 10,
            PhoneKind::Landline => 11,
        };
        if national.len() != expected {
            return Err(ValidationError::PhoneLength {
                length: national.len(),
            });
        }
        Ok(PhoneNumber {
            digits: national,
            kind,
        })
    }

    /// The number in national form.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// Mobile or landline.
    pub fn kind(&self) -> PhoneKind {
        self.kind
    }
}

/// The characters the printed forms can show, as inclusive ranges: the repertoire of the
/// printing fonts (Liberation Serif), and what names and addresses may contain.
///
/// - Basic Latin printable characters (letters, digits, punctuation, space);
/// - the Vietnamese letters: those of Latin-1 (À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý and lower case),
///   Ă ă Đ đ Ĩ ĩ Ũ ũ Ơ ơ Ư ư, and U+1EA0–U+1EF9 (Latin Extended Additional: Ạ … ỹ);
/// - letters of ethnic-minority orthographies written in Latin script (Ê Đê, Jrai, Bahnar…):
///   Ñ ñ, the breve vowels Ĕ ĕ Ĭ ĭ Ŏ ŏ Ŭ ŭ, and the combining breve U+0306 for ơ̆ and ư̆, which
///   have no precomposed form.
pub const PRINTABLE_RANGES: &[(char, char)] = &[
    (' ', '~'),
    ('À', 'Ã'),
    ('È', 'Ê'),
    ('Ì', 'Í'),
    ('Ñ', 'Ñ'),
    ('Ò', 'Õ'),
    ('Ù', 'Ú'),
    ('Ý', 'Ý'),
    ('à', 'ã'),
    ('è', 'ê'),
    ('ì', 'í'),
    ('ñ', 'ñ'),
    ('ò', 'õ'),
    ('ù', 'ú'),
    ('ý', 'ý'),
    ('Ă', 'ă'),
    ('Đ', 'đ'),
    ('Ĕ', 'ĕ'),
    ('Ĩ', 'ĩ'),
    ('Ĭ', 'ĭ'),
    ('Ŏ', 'ŏ'),
    ('Ũ', 'ũ'),
    ('Ŭ', 'ŭ'),
    ('Ơ', 'ơ'),
    ('Ư', 'ư'),
    ('\u{0306}', '\u{0306}'),
    ('\u{1EA0}', '\u{1EF9}'),
];

/// Every character of [`PRINTABLE_RANGES`], for the font-coverage test of the printing crate.
pub fn printable_repertoire() -> impl Iterator<Item = char> {
    PRINTABLE_RANGES
        .iter()
        .flat_map(|&(first, last)| first..=last)
}

/// Whether the printed forms can show `character`.
pub fn is_printable(character: char) -> bool {
    PRINTABLE_RANGES
        .iter()
        .any(|&(first, last)| (first..=last).contains(&character))
}

/// NFC, typographic apostrophes and dashes to ASCII, whitespace runs to one space, trimmed.
///
/// Apostrophes matter in Ê Đê and Jrai names (H'Hen Niê): phones and word processors type ’ or
/// ʼ, and one spelling keeps search and de-duplication working.
fn tidy(text: &str) -> String {
    let mut tidied = String::with_capacity(text.len());
    let mut pending_space = false;
    for character in text.nfc() {
        if character.is_whitespace() {
            pending_space = !tidied.is_empty();
            continue;
        }
        if pending_space {
            tidied.push(' ');
            pending_space = false;
        }
        tidied.push(match character {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '`' => '\'',
            '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => '-',
            other => other,
        });
    }
    tidied
}

/// Tidies a person's full name (NFC, spaces collapsed, apostrophes unified) and checks it: not
/// empty, at most [`MAX_NAME_CHARS`] characters, only printable letters, spaces, apostrophes and
/// hyphens (a combining breve only after a letter).
pub fn normalize_name(text: &str) -> Result<String, ValidationError> {
    let name = tidy(text);
    if name.is_empty() {
        return Err(ValidationError::NameEmpty);
    }
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(ValidationError::NameTooLong {
            max: MAX_NAME_CHARS,
        });
    }
    let mut previous: Option<char> = None;
    for (position, character) in name.chars().enumerate() {
        if !is_printable(character) {
            return Err(ValidationError::NameUnprintableChar {
                position,
                character,
            });
        }
        let allowed = match character {
            ' ' | '\'' | '-' => true,
            '\u{0306}' => previous.is_some_and(char::is_alphabetic),
            c => c.is_alphabetic(),
        };
        if !allowed {
            return Err(ValidationError::NameInvalidChar {
                position,
                character,
            });
        }
        previous = Some(character);
    }
    Ok(name)
}

/// Tidies an address like a name and checks it: not empty, at most [`MAX_ADDRESS_CHARS`]
/// characters, every character printable (digits and punctuation are fine).
pub fn normalize_address(text: &str) -> Result<String, ValidationError> {
    let address = tidy(text);
    if address.is_empty() {
        return Err(ValidationError::AddressEmpty);
    }
    if address.chars().count() > MAX_ADDRESS_CHARS {
        return Err(ValidationError::AddressTooLong {
            max: MAX_ADDRESS_CHARS,
        });
    }
    if let Some((position, character)) = address
        .chars()
        .enumerate()
        .find(|&(_, character)| !is_printable(character))
    {
        return Err(ValidationError::AddressUnprintableChar {
            position,
            character,
        });
    }
    Ok(address)
}

/// Why a value was refused. Positions count characters from 0 in the tidied text (for names and
/// addresses) or in the trimmed input (for numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// The identification number does not have 12 digits.
    #[error("the identification number has {length} digits, not 12")]
    IdNumberLength {
        /// How many digits were typed.
        length: usize,
    },
    /// A character of the identification number is not a digit.
    #[error("character {position} of the identification number is not a digit")]
    IdNumberDigit {
        /// Its position.
        position: usize,
        /// The character.
        character: char,
    },
    /// The first three digits are not a province code.
    #[error("{code:03} is not a province code")]
    IdNumberProvince {
        /// The three digits read as a number.
        code: u16,
    },
    /// The century and year digits disagree with the birth date.
    #[error("the identification number does not match the birth year")]
    IdNumberBirthYear,
    /// A phone number with a character other than digits, spaces, dots, dashes, brackets and a
    /// leading +.
    #[error("character {position} of the phone number is not allowed")]
    PhoneChar {
        /// Its position.
        position: usize,
        /// The character.
        character: char,
    },
    /// The number does not start like a Vietnamese number.
    #[error("the phone number does not start with 02, 03, 05, 07, 08, 09 or +84")]
    PhonePrefix,
    /// Wrong number of digits for its kind.
    #[error("the phone number has {length} digits")]
    PhoneLength {
        /// How many digits (national form).
        length: usize,
    },
    /// The name is empty.
    #[error("the name is empty")]
    NameEmpty,
    /// The name is too long.
    #[error("the name is longer than {max} characters")]
    NameTooLong {
        /// The limit.
        max: usize,
    },
    /// The name holds a character the printed forms cannot show.
    #[error("character {position} of the name cannot be printed")]
    NameUnprintableChar {
        /// Its position.
        position: usize,
        /// The character.
        character: char,
    },
    /// The name holds a printable character that has no place in a name (digit, symbol).
    #[error("character {position} of the name is not a letter")]
    NameInvalidChar {
        /// Its position.
        position: usize,
        /// The character.
        character: char,
    },
    /// The address is empty.
    #[error("the address is empty")]
    AddressEmpty,
    /// The address is too long.
    #[error("the address is longer than {max} characters")]
    AddressTooLong {
        /// The limit.
        max: usize,
    },
    /// The address holds a character the printed forms cannot show.
    #[error("character {position} of the address cannot be printed")]
    AddressUnprintableChar {
        /// Its position.
        position: usize,
        /// The character.
        character: char,
    },
}

impl ValidationError {
    /// A stable machine-readable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            ValidationError::IdNumberLength { .. } => "id_number_length",
            ValidationError::IdNumberDigit { .. } => "id_number_digit",
            ValidationError::IdNumberProvince { .. } => "id_number_province",
            ValidationError::IdNumberBirthYear => "id_number_birth_year",
            ValidationError::PhoneChar { .. } => "phone_char",
            ValidationError::PhonePrefix => "phone_prefix",
            ValidationError::PhoneLength { .. } => "phone_length",
            ValidationError::NameEmpty => "name_empty",
            ValidationError::NameTooLong { .. } => "name_too_long",
            ValidationError::NameUnprintableChar { .. } => "name_unprintable_char",
            ValidationError::NameInvalidChar { .. } => "name_invalid_char",
            ValidationError::AddressEmpty => "address_empty",
            ValidationError::AddressTooLong { .. } => "address_too_long",
            ValidationError::AddressUnprintableChar { .. } => "address_unprintable_char",
        }
    }

    /// A polite message in Vietnamese for the clerk's screen (positions count from 1 there).
    pub fn message_vi(&self) -> String {
        match *self {
            ValidationError::IdNumberLength { length } => format!(
                "Số định danh cá nhân phải gồm đúng 12 chữ số (hiện có {length} chữ số). \
                 Xin vui lòng kiểm tra lại."
            ),
            ValidationError::IdNumberDigit {
                position,
                character,
            } => format!(
                "Số định danh cá nhân chỉ gồm chữ số; ký tự thứ {} («{character}») không phải \
                 chữ số. Xin vui lòng kiểm tra lại.",
                position + 1
            ),
            ValidationError::IdNumberProvince { code } => format!(
                "Ba chữ số đầu của số định danh cá nhân ({code:03}) không phải mã tỉnh, thành \
                 phố nơi đăng ký khai sinh. Xin vui lòng kiểm tra lại."
            ),
            ValidationError::IdNumberBirthYear => "Số định danh cá nhân không khớp với năm sinh \
                 đã nhập (chữ số thứ 4 đến thứ 6 thể hiện thế kỷ và năm sinh). Xin vui lòng \
                 kiểm tra lại số định danh hoặc ngày sinh."
                .to_owned(),
            ValidationError::PhoneChar {
                position,
                character,
            } => format!(
                "Số điện thoại chỉ gồm chữ số (có thể có dấu cách, dấu chấm hoặc +84 ở đầu); ký \
                 tự thứ {} («{character}») không hợp lệ. Xin vui lòng kiểm tra lại.",
                position + 1
            ),
            ValidationError::PhonePrefix => "Số điện thoại không đúng đầu số Việt Nam: số di \
                 động bắt đầu bằng 03, 05, 07, 08, 09; số cố định bắt đầu bằng 02. Xin vui lòng \
                 kiểm tra lại."
                .to_owned(),
            ValidationError::PhoneLength { length } => format!(
                "Số điện thoại chưa đúng độ dài (hiện có {length} chữ số): số di động gồm 10 chữ \
                 số, số cố định gồm 11 chữ số. Xin vui lòng kiểm tra lại."
            ),
            ValidationError::NameEmpty => "Xin vui lòng nhập họ, chữ đệm và tên.".to_owned(),
            ValidationError::NameTooLong { max } => {
                format!("Họ và tên không được dài quá {max} ký tự. Xin vui lòng kiểm tra lại.")
            }
            ValidationError::NameUnprintableChar {
                position,
                character,
            } => format!(
                "Ký tự thứ {} của họ tên («{character}») không in được trên giấy tờ. Xin vui \
                 lòng nhập bằng chữ cái tiếng Việt.",
                position + 1
            ),
            ValidationError::NameInvalidChar {
                position,
                character,
            } => format!(
                "Họ tên chỉ gồm chữ cái, dấu cách, dấu nháy (') và dấu gạch nối; ký tự thứ {} \
                 («{character}») không hợp lệ. Xin vui lòng kiểm tra lại.",
                position + 1
            ),
            ValidationError::AddressEmpty => "Xin vui lòng nhập địa chỉ.".to_owned(),
            ValidationError::AddressTooLong { max } => {
                format!("Địa chỉ không được dài quá {max} ký tự. Xin vui lòng rút gọn.")
            }
            ValidationError::AddressUnprintableChar {
                position,
                character,
            } => format!(
                "Ký tự thứ {} của địa chỉ («{character}») không in được trên giấy tờ. Xin vui \
                 lòng nhập lại bằng chữ cái tiếng Việt, chữ số và dấu câu thông dụng.",
                position + 1
            ),
        }
    }
}
