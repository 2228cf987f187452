//! The content of the letters a commune sends a citizen: the apology with a new return date
//! (form 04, NĐ 118 art. 19.6), and the thank-you, congratulation and condolence letters of the
//! local "Chính quyền thân thiện" (friendly government) practice (seed plans 003, 004; not
//! NĐ 118).
//!
//! Wording is data: [`LetterTemplates`] are parsed from JSON (`assets/letters/templates.json`,
//! later sent down by the server) with `{placeholders}`. A placeholder that does not exist, or
//! that the letter's kind cannot fill, is refused when the templates are parsed, never when a
//! letter is printed; so [`build_letter`] cannot fail.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};

use crate::procedure::FollowUpLetter;
use crate::validation::is_printable;

/// The kinds of letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// Thư xin lỗi và đề nghị gia hạn (form 04, NĐ 118 art. 19.6).
    Apology,
    /// Thư cảm ơn: after feedback or a completed procedure (seed plans 003, 004).
    ThankYou,
    /// Thư chúc mừng after a birth registration.
    BirthCongratulations,
    /// Thư chúc mừng after a marriage registration.
    MarriageCongratulations,
    /// Thư chia buồn after a death registration.
    Condolences,
}

impl LetterKind {
    /// Every kind; the template set must hold one template of each.
    pub const ALL: [LetterKind; 5] = [
        LetterKind::Apology,
        LetterKind::ThankYou,
        LetterKind::BirthCongratulations,
        LetterKind::MarriageCongratulations,
        LetterKind::Condolences,
    ];

    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            LetterKind::Apology => "apology",
            LetterKind::ThankYou => "thank_you",
            LetterKind::BirthCongratulations => "birth_congratulations",
            LetterKind::MarriageCongratulations => "marriage_congratulations",
            LetterKind::Condolences => "condolences",
        }
    }
}

impl From<FollowUpLetter> for LetterKind {
    fn from(letter: FollowUpLetter) -> LetterKind {
        match letter {
            FollowUpLetter::BirthCongratulations => LetterKind::BirthCongratulations,
            FollowUpLetter::MarriageCongratulations => LetterKind::MarriageCongratulations,
            FollowUpLetter::Condolences => LetterKind::Condolences,
        }
    }
}

/// A value a template may insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// `{citizen_name}`: the submitter's full name.
    CitizenName,
    /// `{dossier_code}`: the dossier code printed on the slip.
    DossierCode,
    /// `{procedure_name}`: the procedure's name.
    ProcedureName,
    /// `{received_date}`: "ngày dd tháng mm năm yyyy" of receipt.
    ReceivedDate,
    /// `{received_time}`: "hh giờ mm phút" of receipt.
    ReceivedTime,
    /// `{due_date}`: the return date on the slip.
    DueDate,
    /// `{due_time}`: the return time on the slip.
    DueTime,
    /// `{agency_name}`: "Ủy ban nhân dân xã ...".
    AgencyName,
    /// `{commune_name}`: "xã ...".
    CommuneName,
    /// `{issue_date}`: the letter's date.
    IssueDate,
    /// `{delay_reason}`: why the dossier is late (apology only).
    DelayReason,
    /// `{new_due_date}`: the new return date (apology only).
    NewDueDate,
    /// `{new_due_time}`: the new return time (apology only).
    NewDueTime,
    /// `{child_name}`: the registered child (birth congratulations only).
    ChildName,
    /// `{partner_name}`: the other spouse (marriage congratulations only).
    PartnerName,
    /// `{deceased_name}`: the person who died (condolences only).
    DeceasedName,
}

impl Placeholder {
    const ALL: [Placeholder; 16] = [
        Placeholder::CitizenName,
        Placeholder::DossierCode,
        Placeholder::ProcedureName,
        Placeholder::ReceivedDate,
        Placeholder::ReceivedTime,
        Placeholder::DueDate,
        Placeholder::DueTime,
        Placeholder::AgencyName,
        Placeholder::CommuneName,
        Placeholder::IssueDate,
        Placeholder::DelayReason,
        Placeholder::NewDueDate,
        Placeholder::NewDueTime,
        Placeholder::ChildName,
        Placeholder::PartnerName,
        Placeholder::DeceasedName,
    ];

    /// The name written between braces.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::CitizenName => "citizen_name",
            Placeholder::DossierCode => "dossier_code",
            Placeholder::ProcedureName => "procedure_name",
            Placeholder::ReceivedDate => "received_date",
            Placeholder::ReceivedTime => "received_time",
            Placeholder::DueDate => "due_date",
            Placeholder::DueTime => "due_time",
            Placeholder::AgencyName => "agency_name",
            Placeholder::CommuneName => "commune_name",
            Placeholder::IssueDate => "issue_date",
            Placeholder::DelayReason => "delay_reason",
            Placeholder::NewDueDate => "new_due_date",
            Placeholder::NewDueTime => "new_due_time",
            Placeholder::ChildName => "child_name",
            Placeholder::PartnerName => "partner_name",
            Placeholder::DeceasedName => "deceased_name",
        }
    }

    fn from_name(name: &str) -> Option<Placeholder> {
        Placeholder::ALL
            .into_iter()
            .find(|placeholder| placeholder.name() == name)
    }

    /// Whether a letter of `kind` always has a value for this placeholder.
    pub fn available_in(self, kind: LetterKind) -> bool {
        match self {
            Placeholder::DelayReason | Placeholder::NewDueDate | Placeholder::NewDueTime => {
                kind == LetterKind::Apology
            }
            Placeholder::ChildName => kind == LetterKind::BirthCongratulations,
            Placeholder::PartnerName => kind == LetterKind::MarriageCongratulations,
            Placeholder::DeceasedName => kind == LetterKind::Condolences,
            _ => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Value(Placeholder),
}

/// One text of a template, split into literal text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TemplateText(Vec<Segment>);

impl TemplateText {
    fn parse(
        kind: LetterKind,
        field: &'static str,
        text: &str,
    ) -> Result<TemplateText, LetterTemplateError> {
        if let Some(character) = text.chars().find(|&c| !is_printable(c) && c != '\n') {
            return Err(LetterTemplateError::UnprintableChar {
                kind,
                field,
                character,
            });
        }
        let mut segments = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match (rest.find('{'), rest.find('}')) {
                (None, None) => {
                    segments.push(Segment::Text(rest.to_owned()));
                    break;
                }
                (Some(open), Some(close)) if open < close => {
                    if open > 0 {
                        segments.push(Segment::Text(rest[..open].to_owned()));
                    }
                    let name = &rest[open + 1..close];
                    let placeholder = Placeholder::from_name(name).ok_or_else(|| {
                        LetterTemplateError::UnknownPlaceholder {
                            kind,
                            field,
                            placeholder: name.to_owned(),
                        }
                    })?;
                    if !placeholder.available_in(kind) {
                        return Err(LetterTemplateError::PlaceholderNotForKind {
                            kind,
                            field,
                            placeholder: name.to_owned(),
                        });
                    }
                    segments.push(Segment::Value(placeholder));
                    rest = &rest[close + 1..];
                }
                _ => return Err(LetterTemplateError::UnbalancedBrace { kind, field }),
            }
        }
        Ok(TemplateText(segments))
    }

    fn render(&self, values: &Values<'_>) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Value(placeholder) => out.push_str(&values.get(*placeholder)),
            }
        }
        out
    }
}

/// A letter template as written in the JSON file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    kind: LetterKind,
    title: String,
    salutation: String,
    paragraphs: Vec<String>,
    closing: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplates {
    #[serde(default, rename = "about")]
    _about: Option<String>,
    templates: Vec<RawTemplate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct LetterTemplate {
    title: TemplateText,
    salutation: TemplateText,
    paragraphs: Vec<TemplateText>,
    closing: TemplateText,
}

/// Why a template set was refused. [`LetterTemplateError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterTemplateError {
    /// Not JSON of the expected shape.
    #[error("letter templates are not valid JSON: {0}")]
    Json(String),
    /// A `{name}` that is no placeholder.
    #[error("{kind:?} template, {field}: unknown placeholder {{{placeholder}}}")]
    UnknownPlaceholder {
        /// The template's kind.
        kind: LetterKind,
        /// Which text.
        field: &'static str,
        /// The name between braces.
        placeholder: String,
    },
    /// A placeholder this kind of letter has no value for (e.g. `{child_name}` in an apology).
    #[error("{kind:?} template, {field}: placeholder {{{placeholder}}} is not available in this kind of letter")]
    PlaceholderNotForKind {
        /// The template's kind.
        kind: LetterKind,
        /// Which text.
        field: &'static str,
        /// The name between braces.
        placeholder: String,
    },
    /// A `{` without `}` or the reverse.
    #[error("{kind:?} template, {field}: unbalanced brace")]
    UnbalancedBrace {
        /// The template's kind.
        kind: LetterKind,
        /// Which text.
        field: &'static str,
    },
    /// A character the printing fonts cannot show.
    #[error("{kind:?} template, {field}: character {character:?} cannot be printed")]
    UnprintableChar {
        /// The template's kind.
        kind: LetterKind,
        /// Which text.
        field: &'static str,
        /// The character.
        character: char,
    },
    /// A title, salutation or closing is empty, or there is no paragraph.
    #[error("{kind:?} template: {field} is empty")]
    EmptyText {
        /// The template's kind.
        kind: LetterKind,
        /// Which text.
        field: &'static str,
    },
    /// Two templates of one kind.
    #[error("two templates of kind {0:?}")]
    DuplicateTemplate(LetterKind),
    /// No template for a kind.
    #[error("no template of kind {0:?}")]
    MissingTemplate(LetterKind),
}

impl LetterTemplateError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            LetterTemplateError::Json(_) => "letter_json",
            LetterTemplateError::UnknownPlaceholder { .. } => "letter_unknown_placeholder",
            LetterTemplateError::PlaceholderNotForKind { .. } => "letter_placeholder_not_for_kind",
            LetterTemplateError::UnbalancedBrace { .. } => "letter_unbalanced_brace",
            LetterTemplateError::UnprintableChar { .. } => "letter_unprintable_char",
            LetterTemplateError::EmptyText { .. } => "letter_empty_text",
            LetterTemplateError::DuplicateTemplate(_) => "letter_duplicate_template",
            LetterTemplateError::MissingTemplate(_) => "letter_missing_template",
        }
    }
}

/// A checked set of letter templates, one per [`LetterKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterTemplates(BTreeMap<LetterKind, LetterTemplate>);

impl LetterTemplates {
    /// Parses `{"about": "...", "templates": [{"kind", "title", "salutation", "paragraphs",
    /// "closing"}, ...]}`, checking every placeholder against the kind, braces, printability, and
    /// that each kind has exactly one template.
    pub fn parse_json(text: &str) -> Result<LetterTemplates, LetterTemplateError> {
        let raw: RawTemplates = serde_json::from_str(text)
            .map_err(|error| LetterTemplateError::Json(error.to_string()))?;
        let mut templates = BTreeMap::new();
        for template in raw.templates {
            let kind = template.kind;
            let text = |field: &'static str, value: &str| {
                if value.trim().is_empty() {
                    return Err(LetterTemplateError::EmptyText { kind, field });
                }
                TemplateText::parse(kind, field, value)
            };
            if template.paragraphs.is_empty() {
                return Err(LetterTemplateError::EmptyText {
                    kind,
                    field: "paragraphs",
                });
            }
            let parsed = LetterTemplate {
                title: text("title", &template.title)?,
                salutation: text("salutation", &template.salutation)?,
                paragraphs: template
                    .paragraphs
                    .iter()
                    .map(|paragraph| text("paragraphs", paragraph))
                    .collect::<Result<_, _>>()?,
                closing: text("closing", &template.closing)?,
            };
            if templates.insert(kind, parsed).is_some() {
                return Err(LetterTemplateError::DuplicateTemplate(kind));
            }
        }
        if let Some(missing) = LetterKind::ALL
            .into_iter()
            .find(|kind| !templates.contains_key(kind))
        {
            return Err(LetterTemplateError::MissingTemplate(missing));
        }
        Ok(LetterTemplates(templates))
    }
}

/// The commune that sends the letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneInfo {
    /// The agency in sentence case, e.g. "Ủy ban nhân dân xã An Khương".
    pub agency_name: String,
    /// The commune, e.g. "xã An Khương".
    pub commune_name: String,
    /// The place name of the date line, e.g. "An Khương".
    pub place_name: String,
    /// The signer's title block, e.g. "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".
    pub signer_title: String,
    /// The signer's full name.
    pub signer_name: String,
}

/// What a letter needs to know about the dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierFacts {
    /// The code printed on the slip (local or official).
    pub code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// The submitter's full name.
    pub citizen_name: String,
    /// When the complete dossier was received.
    pub received_at: DateTime<FixedOffset>,
    /// The return date-time on the slip.
    pub due_at: DateTime<FixedOffset>,
}

/// Why the letter is sent, with what that kind of letter needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Occasion {
    /// The dossier will be late (form 04, NĐ 118 art. 19.6).
    Apology {
        /// The reason for the delay, as a sentence fragment.
        delay_reason: String,
        /// The new return date-time.
        new_due_at: DateTime<FixedOffset>,
    },
    /// Thanks for feedback or for using the counter.
    ThankYou,
    /// A birth was registered.
    BirthCongratulations {
        /// The child's full name.
        child_name: String,
    },
    /// A marriage was registered.
    MarriageCongratulations {
        /// The other spouse's full name.
        partner_name: String,
    },
    /// A death was registered.
    Condolences {
        /// The deceased's full name.
        deceased_name: String,
    },
}

impl Occasion {
    /// The kind of letter this occasion calls for.
    pub fn kind(&self) -> LetterKind {
        match self {
            Occasion::Apology { .. } => LetterKind::Apology,
            Occasion::ThankYou => LetterKind::ThankYou,
            Occasion::BirthCongratulations { .. } => LetterKind::BirthCongratulations,
            Occasion::MarriageCongratulations { .. } => LetterKind::MarriageCongratulations,
            Occasion::Condolences { .. } => LetterKind::Condolences,
        }
    }
}

/// A letter ready for the printing crate to lay out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// The kind.
    pub kind: LetterKind,
    /// The sending agency, for the header.
    pub agency_name: String,
    /// "An Khương, ngày 22 tháng 11 năm 2026".
    pub place_and_date: String,
    /// The title, e.g. "THƯ XIN LỖI".
    pub title: String,
    /// "Kính gửi: ...".
    pub salutation: String,
    /// The body.
    pub paragraphs: Vec<String>,
    /// The closing line.
    pub closing: String,
    /// The signer's title block.
    pub signer_title: String,
    /// The signer's name.
    pub signer_name: String,
    /// The dossier code, for the reference line.
    pub dossier_code: String,
}

struct Values<'a> {
    occasion: &'a Occasion,
    dossier: &'a DossierFacts,
    commune: &'a CommuneInfo,
    issued_on: NaiveDate,
}

impl Values<'_> {
    fn get(&self, placeholder: Placeholder) -> String {
        let dossier = self.dossier;
        match (placeholder, self.occasion) {
            (Placeholder::CitizenName, _) => dossier.citizen_name.clone(),
            (Placeholder::DossierCode, _) => dossier.code.clone(),
            (Placeholder::ProcedureName, _) => dossier.procedure_name.clone(),
            (Placeholder::ReceivedDate, _) => format_date_vi(dossier.received_at.date_naive()),
            (Placeholder::ReceivedTime, _) => format_time_vi(dossier.received_at),
            (Placeholder::DueDate, _) => format_date_vi(dossier.due_at.date_naive()),
            (Placeholder::DueTime, _) => format_time_vi(dossier.due_at),
            (Placeholder::AgencyName, _) => self.commune.agency_name.clone(),
            (Placeholder::CommuneName, _) => self.commune.commune_name.clone(),
            (Placeholder::IssueDate, _) => format_date_vi(self.issued_on),
            (Placeholder::DelayReason, Occasion::Apology { delay_reason, .. }) => {
                delay_reason.clone()
            }
            (Placeholder::NewDueDate, Occasion::Apology { new_due_at, .. }) => {
                format_date_vi(new_due_at.date_naive())
            }
            (Placeholder::NewDueTime, Occasion::Apology { new_due_at, .. }) => {
                format_time_vi(*new_due_at)
            }
            (Placeholder::ChildName, Occasion::BirthCongratulations { child_name }) => {
                child_name.clone()
            }
            (Placeholder::PartnerName, Occasion::MarriageCongratulations { partner_name }) => {
                partner_name.clone()
            }
            (Placeholder::DeceasedName, Occasion::Condolences { deceased_name }) => {
                deceased_name.clone()
            }
            // Unreachable for parsed templates: `available_in` refused these at parse time.
            _ => String::new(),
        }
    }
}

/// Builds the letter for `occasion` from its template, the dossier and the commune, dated
/// `issued_on` (passed in: the domain never reads the clock).
pub fn build_letter(
    templates: &LetterTemplates,
    occasion: &Occasion,
    dossier: &DossierFacts,
    commune: &CommuneInfo,
    issued_on: NaiveDate,
) -> Letter {
    let kind = occasion.kind();
    let values = Values {
        occasion,
        dossier,
        commune,
        issued_on,
    };
    let render = |text: &TemplateText| text.render(&values);
    let (title, salutation, paragraphs, closing) = match templates.0.get(&kind) {
        Some(template) => (
            render(&template.title),
            render(&template.salutation),
            template.paragraphs.iter().map(render).collect(),
            render(&template.closing),
        ),
        // Parsing guarantees a template per kind; an empty letter is the harmless fallback.
        None => Default::default(),
    };
    Letter {
        kind,
        agency_name: commune.agency_name.clone(),
        place_and_date: format!("{}, {}", commune.place_name, format_date_vi(issued_on)),
        title,
        salutation,
        paragraphs,
        closing,
        signer_title: commune.signer_title.clone(),
        signer_name: commune.signer_name.clone(),
        dossier_code: dossier.code.clone(),
    }
}

/// A date as administrative documents write it: "ngày 05 tháng 02 năm 2026",
/// "ngày 22 tháng 11 năm 2026". Days below 10 and the months 1 and 2 take a leading zero, the
/// months 3 to 9 do not ("ngày 07 tháng 3 năm 2026"): Nghị định 30/2020/NĐ-CP, Phụ lục I
/// (thể thức văn bản hành chính), the rule for the place-and-date line.
pub fn format_date_vi(date: NaiveDate) -> String {
    let month = date.month();
    let month_text = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!(
        "ngày {:02} tháng {month_text} năm {}",
        date.day(),
        date.year()
    )
}

/// A time as "08 giờ 30 phút".
pub fn format_time_vi(at: DateTime<FixedOffset>) -> String {
    format!("{:02} giờ {:02} phút", at.hour(), at.minute())
}
