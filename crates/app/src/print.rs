//! Printing a dossier's forms and letters: the app maps the stored dossier, its events and the
//! commune's settings onto the printing crate's inputs, renders the PDF, saves it, and records
//! the print in the event log (audit trail).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use domain::dossier::Action;
use domain::letter::{build_letter, CommuneInfo, DossierFacts, LetterTemplates, Occasion};
use domain::procedure::FollowUpLetter;
use printing::{
    ApologyInput, ControlSheetInput, ControlStep, Document, IssuingBody, LetterInput, LetterKind,
    Paper, RefusalInput, RenderOptions, Signer, SlipInput, StopNoticeInput, SupplementRequestInput,
    TrackingBookInput, TrackingRow,
};
use serde::{Deserialize, Serialize};
use store::{EventKind, StoredEvent};

use crate::{AppError, Counter, ErrorCode};

/// The letter texts shipped in `assets/letters/templates.json` (the server may send newer ones).
pub const SHIPPED_LETTERS: &str = include_str!("../../../assets/letters/templates.json");

/// Where the QR code on slips and letters points: the public lookup page of the district server.
pub const DEFAULT_LOOKUP_BASE: &str = "https://motcua.example/tra-cuu";

/// Every document the counter prints for one dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum PrintKind {
    /// Form 01 on A4.
    Slip,
    /// Form 01 on A5.
    SlipA5,
    /// Form 01 on an 80 mm receipt roll.
    Receipt,
    /// Form 02: request to complete the dossier.
    Supplement,
    /// Form 03: refusal.
    Refusal,
    /// Form 04: apology and new date.
    Apology,
    /// Form 05: stop notice.
    Stop,
    /// Form 06: process control sheet.
    Control,
    /// Thank-you letter.
    Thanks,
    /// Congratulations (birth or marriage registration).
    Congrats,
    /// Condolences (death registration).
    Condolence,
}

impl PrintKind {
    /// Parses the CLI and IPC name (`slip`, `slip-a5`, ...).
    pub fn parse(text: &str) -> Result<PrintKind, AppError> {
        serde_json::from_value(serde_json::Value::String(text.trim().to_string())).map_err(|_| {
            AppError::invalid(
                "kind",
                "print_kind_unknown",
                format!("unknown document {text:?}"),
            )
        })
    }

    fn name(self) -> &'static str {
        match self {
            PrintKind::Slip => "form_01_slip",
            PrintKind::SlipA5 => "form_01_slip_a5",
            PrintKind::Receipt => "form_01_receipt",
            PrintKind::Supplement => "form_02_supplement",
            PrintKind::Refusal => "form_03_refusal",
            PrintKind::Apology => "form_04_apology",
            PrintKind::Stop => "form_05_stop",
            PrintKind::Control => "form_06_control",
            PrintKind::Thanks => "letter_thanks",
            PrintKind::Congrats => "letter_congratulations",
            PrintKind::Condolence => "letter_condolences",
        }
    }
}

/// A printed document saved to disk.
#[derive(Debug, Clone, Serialize)]
pub struct Printed {
    /// The PDF file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: usize,
}

fn print_failed(error: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorCode::PrintFailed, error.to_string())
}

/// What a dossier's events say, read once for every form.
#[derive(Default)]
struct History {
    supplement_reason: Option<String>,
    refusal_reason: Option<String>,
    stop: Option<(DateTime<FixedOffset>, String)>,
    extension: Option<(String, DateTime<FixedOffset>, DateTime<FixedOffset>)>,
    steps: Vec<ControlStep>,
}

#[derive(Deserialize)]
struct StatusPayload {
    #[serde(flatten)]
    action: Action,
    due_at: Option<DateTime<FixedOffset>>,
}

#[derive(Deserialize)]
struct IntakePayload {
    due_at: Option<DateTime<FixedOffset>>,
}

fn read_history(events: &[StoredEvent], clerk_name: &dyn Fn(&str) -> String) -> History {
    let mut history = History::default();
    let mut due_before: Option<DateTime<FixedOffset>> = None;
    for event in events {
        let at = DateTime::parse_from_rfc3339(&event.device_time).ok();
        match event.kind {
            EventKind::DossierTakenIn => {
                due_before = serde_json::from_str::<IntakePayload>(&event.payload)
                    .ok()
                    .and_then(|p| p.due_at);
            }
            EventKind::StatusChanged => {
                let Ok(payload) = serde_json::from_str::<StatusPayload>(&event.payload) else {
                    continue;
                };
                let clerk = serde_json::from_str::<serde_json::Value>(&event.payload)
                    .ok()
                    .and_then(|v| v["clerk_id"].as_str().map(clerk_name))
                    .unwrap_or_default();
                let step = match &payload.action {
                    Action::StartProcessing => "Chuyển xử lý",
                    Action::RequestSupplement { reason } => {
                        history.supplement_reason = Some(reason.clone());
                        "Yêu cầu bổ sung hồ sơ"
                    }
                    Action::Resubmit => "Nhận lại hồ sơ đã bổ sung",
                    Action::Refuse { reason } => {
                        history.refusal_reason = Some(reason.clone());
                        "Từ chối giải quyết"
                    }
                    Action::Stop { reason } => {
                        if let Some(at) = at {
                            history.stop = Some((at, reason.clone()));
                        }
                        "Dừng giải quyết"
                    }
                    Action::Extend { reason, new_due_at } => {
                        if let Some(old_due) = due_before {
                            history.extension = Some((reason.clone(), old_due, *new_due_at));
                        }
                        "Xin lỗi, hẹn lại ngày trả"
                    }
                    Action::ResultReady => "Có kết quả",
                    Action::Return => "Trả kết quả",
                    Action::Close => "Đóng hồ sơ",
                };
                history.steps.push(ControlStep {
                    step: step.to_string(),
                    handed_at: at,
                    handed_by: clerk,
                    received_by: String::new(),
                    result: None,
                    note: None,
                });
                due_before = payload.due_at.or(due_before);
            }
            _ => {}
        }
    }
    history
}

fn printing_timeliness(value: store::Timeliness) -> printing::Timeliness {
    match value {
        store::Timeliness::Early => printing::Timeliness::Early,
        store::Timeliness::OnTime => printing::Timeliness::OnTime,
        store::Timeliness::Late => printing::Timeliness::Late,
    }
}

impl Counter {
    /// The base of the address the QR codes open: the enrolled server's public lookup page for
    /// this commune (`<server>/tra-cuu/<commune code>`, then `/<dossier code>`), so that a
    /// citizen's phone reaches the status of the dossier; before enrolment, the placeholder.
    fn lookup_base(&self) -> Result<String, AppError> {
        let commune = self.settings()?.commune_code;
        let server = crate::sync::load_credential(self.data_dir())?.map_or_else(
            || DEFAULT_LOOKUP_BASE.to_string(),
            |c| format!("{}/tra-cuu", c.server_url),
        );
        Ok(printing::lookup_url(&server, &commune))
    }

    fn issuing_bodies(&self) -> Result<(IssuingBody, IssuingBody), AppError> {
        let settings = self.settings()?;
        let commune = settings
            .commune_name
            .trim()
            .trim_start_matches("Xã ")
            .trim_start_matches("xã ");
        Ok((
            IssuingBody::one_stop_counter(commune),
            IssuingBody::peoples_committee(commune),
        ))
    }

    fn clerk_name(&self, id: &str) -> String {
        self.clerks()
            .ok()
            .and_then(|clerks| clerks.into_iter().find(|c| c.id == id))
            .map(|c| c.full_name)
            .unwrap_or_default()
    }

    /// The row number of a dossier in this year's tracking book (sổ theo dõi hồ sơ): its rank
    /// by time of receipt since 1 January.
    fn book_row(&self, dossier: &store::Dossier) -> Result<usize, AppError> {
        let received = dossier.received_at;
        let year_start = NaiveDate::from_yo_opt(received.year(), 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|d| d.and_local_timezone(*received.offset()).single())
            .unwrap_or(received);
        let until = received + chrono::Duration::milliseconds(1);
        // Counted, not loaded: the year's dossiers were all read to print one slip (1 s at
        // 1,000,000 dossiers, BENCHMARKS.md).
        Ok(self.store().count_received_between(year_start, until)?)
    }

    /// Renders `kind` for dossier `code` into `out` (a PDF), and records the print.
    /// `subject` is the child, spouse or deceased named in a congratulations or condolences
    /// letter.
    pub fn print(
        &mut self,
        kind: PrintKind,
        code: &str,
        subject: Option<&str>,
        out: &Path,
    ) -> Result<Printed, AppError> {
        let now = self.now();
        let dossier = self.store().dossier(code.trim())?;
        let events = self.store().events_of(&dossier.code)?;
        let history = read_history(&events, &|id| self.clerk_name(id));
        let (counter_body, committee) = self.issuing_bodies()?;
        let printed_code = dossier
            .official_code
            .clone()
            .unwrap_or_else(|| dossier.code.clone());
        let official_code = dossier.official_code.clone();
        let procedure = self
            .catalog()
            .procedure_at(&dossier.procedure_code, dossier.received_at.date_naive())
            .cloned();
        let due_at = dossier.due_at.unwrap_or(dossier.received_at);
        let chairman = Signer {
            on_behalf: Some("TM. ỦY BAN NHÂN DÂN".into()),
            title: "CHỦ TỊCH".into(),
            name: String::new(),
        };
        let receiver = self.clerk_name(&dossier.clerk_id);
        let missing = |what: &str| {
            AppError::new(
                ErrorCode::IllegalTransition,
                format!("the dossier has no {what} to print"),
            )
        };
        let (document, paper) = match kind {
            PrintKind::Slip | PrintKind::SlipA5 | PrintKind::Receipt => {
                let row = self.book_row(&dossier)?;
                let paper = match kind {
                    PrintKind::SlipA5 => Paper::A5,
                    PrintKind::Receipt => Paper::Receipt80,
                    _ => Paper::A4,
                };
                let slip = SlipInput {
                    body: counter_body,
                    number: format!("{row}/TNHS"),
                    dossier_code: dossier.code.clone(),
                    official_code,
                    citizen_name: dossier.citizen.name.clone(),
                    address: dossier.citizen.address.clone(),
                    phone: dossier.citizen.phone.clone(),
                    email: None,
                    procedure_name: dossier.procedure_name.clone(),
                    documents: dossier.documents.clone(),
                    sets: 1,
                    processing_time_text: procedure
                        .as_ref()
                        .map(|p| p.processing_time.standard.label_vi())
                        .unwrap_or_default(),
                    received_at: dossier.received_at,
                    due_at,
                    return_place: "Bộ phận Một cửa".into(),
                    book_no: format!("01/{}", dossier.received_at.format("%Y")),
                    row_no: row.to_string(),
                    receiver_name: receiver,
                };
                (Document::Slip(slip), paper)
            }
            PrintKind::Supplement => {
                let reason = history
                    .supplement_reason
                    .clone()
                    .ok_or_else(|| missing("supplement request"))?;
                (
                    Document::SupplementRequest(SupplementRequestInput {
                        body: counter_body,
                        number: format!("{}/PYCBS", dossier.code),
                        issued_at: now,
                        dossier_code: printed_code,
                        citizen_name: dossier.citizen.name.clone(),
                        address: dossier.citizen.address.clone(),
                        procedure_name: dossier.procedure_name.clone(),
                        received_at: dossier.received_at,
                        items: reason
                            .lines()
                            .map(str::to_string)
                            .filter(|l| !l.trim().is_empty())
                            .collect(),
                        reason,
                        guidance: None,
                        signer: Signer {
                            on_behalf: None,
                            title: "NGƯỜI TIẾP NHẬN HỒ SƠ".into(),
                            name: receiver,
                        },
                    }),
                    Paper::A4,
                )
            }
            PrintKind::Refusal => {
                let reason = history
                    .refusal_reason
                    .clone()
                    .ok_or_else(|| missing("refusal"))?;
                (
                    Document::Refusal(RefusalInput {
                        body: counter_body,
                        number: format!("{}/PTC", dossier.code),
                        issued_at: now,
                        dossier_code: Some(printed_code),
                        citizen_name: dossier.citizen.name.clone(),
                        address: dossier.citizen.address.clone(),
                        procedure_name: dossier.procedure_name.clone(),
                        reason,
                        signer: Signer {
                            on_behalf: None,
                            title: "NGƯỜI TIẾP NHẬN HỒ SƠ".into(),
                            name: receiver,
                        },
                    }),
                    Paper::A4,
                )
            }
            PrintKind::Apology => {
                let (reason, old_due, new_due) = history
                    .extension
                    .clone()
                    .ok_or_else(|| missing("extension"))?;
                (
                    Document::Apology(ApologyInput {
                        body: committee,
                        number: format!("{}/XL", dossier.code),
                        issued_at: now,
                        citizen_name: dossier.citizen.name.clone(),
                        address: dossier.citizen.address.clone(),
                        dossier_code: printed_code,
                        procedure_name: dossier.procedure_name.clone(),
                        received_at: dossier.received_at,
                        due_at: old_due,
                        new_due_at: new_due,
                        reason,
                        signer: chairman,
                    }),
                    Paper::A4,
                )
            }
            PrintKind::Stop => {
                let (requested_at, reason) = history
                    .stop
                    .clone()
                    .ok_or_else(|| missing("stop request"))?;
                (
                    Document::StopNotice(StopNoticeInput {
                        body: committee,
                        number: format!("{}/TB", dossier.code),
                        issued_at: now,
                        citizen_name: dossier.citizen.name.clone(),
                        address: dossier.citizen.address.clone(),
                        dossier_code: printed_code,
                        procedure_name: dossier.procedure_name.clone(),
                        received_at: dossier.received_at,
                        requested_at,
                        reason: Some(reason).filter(|r| !r.trim().is_empty()),
                        return_of_documents: None,
                        signer: chairman,
                    }),
                    Paper::A4,
                )
            }
            PrintKind::Control => {
                let mut steps = vec![ControlStep {
                    step: "Tiếp nhận hồ sơ".into(),
                    handed_at: Some(dossier.received_at),
                    handed_by: receiver,
                    received_by: String::new(),
                    result: None,
                    note: None,
                }];
                steps.extend(history.steps.clone());
                if let (Some(last), Some(result)) = (steps.last_mut(), dossier.timeliness) {
                    last.result = Some(printing_timeliness(result));
                }
                (
                    Document::ControlSheet(ControlSheetInput {
                        body: counter_body,
                        dossier_code: printed_code,
                        citizen_name: dossier.citizen.name.clone(),
                        address: dossier.citizen.address.clone(),
                        procedure_name: dossier.procedure_name.clone(),
                        received_at: dossier.received_at,
                        due_at,
                        steps,
                    }),
                    Paper::A4,
                )
            }
            PrintKind::Thanks | PrintKind::Congrats | PrintKind::Condolence => {
                let occasion = self.occasion(
                    kind,
                    procedure.as_ref().and_then(|p| p.follow_up_letter),
                    subject,
                )?;
                let templates = LetterTemplates::parse_json(SHIPPED_LETTERS).map_err(|e| {
                    AppError::new(
                        ErrorCode::ReferenceData,
                        format!("shipped letter texts: {e}"),
                    )
                })?;
                let commune_info = CommuneInfo {
                    agency_name: committee.in_sentence.clone(),
                    commune_name: format!("xã {}", committee.place),
                    place_name: committee.place.clone(),
                    signer_title: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".into(),
                    signer_name: String::new(),
                };
                let facts = DossierFacts {
                    code: printed_code.clone(),
                    procedure_name: dossier.procedure_name.clone(),
                    citizen_name: dossier.citizen.name.clone(),
                    received_at: dossier.received_at,
                    due_at,
                };
                let letter = build_letter(
                    &templates,
                    &occasion,
                    &facts,
                    &commune_info,
                    now.date_naive(),
                );
                let letter_kind = match kind {
                    PrintKind::Thanks => LetterKind::ThankYou,
                    PrintKind::Congrats => LetterKind::Congratulations,
                    _ => LetterKind::Condolences,
                };
                (
                    Document::Letter(LetterInput {
                        kind: letter_kind,
                        body: committee,
                        number: None,
                        issued_at: now,
                        salutation: letter.salutation,
                        paragraphs: letter.paragraphs,
                        closing: Some(letter.closing).filter(|c| !c.is_empty()),
                        signer: chairman,
                        dossier_code: Some(printed_code),
                    }),
                    Paper::A4,
                )
            }
        };
        let options = RenderOptions {
            paper,
            created_at: now,
            lookup_base_url: self.lookup_base()?,
        };
        let pdf = printing::render(&document, &options).map_err(print_failed)?;
        write_atomically(out, &pdf)?;
        let clerk = dossier.clerk_id.clone();
        self.store_mut()
            .record_letter_printed(&dossier.code, kind.name(), &clerk, now)?;
        Ok(Printed {
            path: out.to_path_buf(),
            bytes: pdf.len(),
        })
    }

    fn occasion(
        &self,
        kind: PrintKind,
        follow_up: Option<FollowUpLetter>,
        subject: Option<&str>,
    ) -> Result<Occasion, AppError> {
        let subject = || {
            subject
                .map(domain::validation::normalize_name)
                .transpose()
                .map_err(|e| AppError::invalid("subject", e.code(), e.to_string()))?
                .ok_or_else(|| {
                    AppError::invalid(
                        "subject",
                        "required",
                        "the letter names a person: pass --subject",
                    )
                })
        };
        Ok(match kind {
            PrintKind::Thanks => Occasion::ThankYou,
            PrintKind::Congrats => match follow_up {
                Some(FollowUpLetter::MarriageCongratulations) => {
                    Occasion::MarriageCongratulations {
                        partner_name: subject()?,
                    }
                }
                _ => Occasion::BirthCongratulations {
                    child_name: subject()?,
                },
            },
            _ => Occasion::Condolences {
                deceased_name: subject()?,
            },
        })
    }

    /// Prints the tracking book (form 07) of the dossiers received from `from` to `to`
    /// (inclusive dates), in the order of receipt.
    pub fn print_book(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        out: &Path,
    ) -> Result<Printed, AppError> {
        if to < from {
            return Err(AppError::invalid(
                "to",
                "range_reversed",
                "--to is before --from",
            ));
        }
        let now = self.now();
        let offset = *now.offset();
        let start = from
            .and_hms_opt(0, 0, 0)
            .and_then(|d| d.and_local_timezone(offset).single());
        let end = to
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|d| d.and_local_timezone(offset).single());
        let (Some(start), Some(end)) = (start, end) else {
            return Err(AppError::invalid(
                "from",
                "date_range",
                "dates out of range",
            ));
        };
        let dossiers = self.store().received_between(start, end)?;
        let (counter_body, _) = self.issuing_bodies()?;
        let rows = dossiers
            .into_iter()
            .enumerate()
            .map(|(index, d)| TrackingRow {
                row_no: index as u32 + 1,
                dossier_code: d.official_code.clone().unwrap_or(d.code.clone()),
                procedure_name: d.procedure_name,
                citizen_name: d.citizen.name,
                address: d.citizen.address,
                received_at: d.received_at,
                due_at: d.due_at.unwrap_or(d.received_at),
                transferred_to: None,
                returned_at: d.returned_at,
                result: d.timeliness.map(printing_timeliness),
            })
            .collect();
        let book = TrackingBookInput {
            body: counter_body,
            book_no: format!("01/{}", from.format("%Y")),
            period: format!(
                "Từ ngày {} đến ngày {}",
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            ),
            issued_at: now,
            rows,
        };
        let options = RenderOptions {
            paper: Paper::A4,
            created_at: now,
            lookup_base_url: self.lookup_base()?,
        };
        let pdf =
            printing::render(&Document::TrackingBook(book), &options).map_err(print_failed)?;
        write_atomically(out, &pdf)?;
        Ok(Printed {
            path: out.to_path_buf(),
            bytes: pdf.len(),
        })
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a crash never leaves a
/// half-written PDF under the final name.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    use std::io::Write;
    let tmp = path.with_extension("pdf.part");
    let result = std::fs::File::create(&tmp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    result.map_err(|e| {
        AppError::new(
            ErrorCode::PrintFailed,
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

/// Hands a saved PDF to the operating system to print: on Linux `lp` when CUPS has a default
/// printer, else the default viewer (`xdg-open`), whose print dialog the clerk uses; on Windows
/// the shell's "print" verb of the default PDF application. `MOTCUA_PRINT_ROUTE=save-only`
/// keeps the file without printing (tests, counters without a printer).
pub fn hand_to_os(path: &Path) -> Result<(), AppError> {
    use std::process::{Command, Stdio};
    if std::env::var("MOTCUA_PRINT_ROUTE").is_ok_and(|route| route == "save-only") {
        return Ok(());
    }
    let spawned = if cfg!(windows) {
        Command::new("powershell")
            .args(["-NoProfile", "-Command", "Start-Process", "-FilePath"])
            .arg(path)
            .args(["-Verb", "Print"])
            .spawn()
    } else {
        let has_default_printer = Command::new("lpstat").arg("-d").output().is_ok_and(|out| {
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains(':')
        });
        let mut command = if has_default_printer {
            Command::new("lp")
        } else {
            Command::new("xdg-open")
        };
        command
            .arg(path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    };
    spawned.map(|_| ()).map_err(|e| {
        AppError::new(
            ErrorCode::PrintFailed,
            format!("cannot hand the PDF to the system: {e}"),
        )
    })
}

/// Opens a saved export (a report in PDF, XLSX or CSV) with the system's default application,
/// for the clerk to read, print or send: `xdg-open` on Linux, `Start-Process` on Windows.
/// `MOTCUA_PRINT_ROUTE=save-only` keeps the file without opening it (tests).
pub fn open_with_os(path: &Path) -> Result<(), AppError> {
    use std::process::{Command, Stdio};
    if std::env::var("MOTCUA_PRINT_ROUTE").is_ok_and(|route| route == "save-only") {
        return Ok(());
    }
    let mut command = if cfg!(windows) {
        let mut command = Command::new("powershell");
        command.args(["-NoProfile", "-Command", "Start-Process", "-FilePath"]);
        command
    } else {
        Command::new("xdg-open")
    };
    command
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| {
            AppError::new(
                ErrorCode::Internal,
                format!("cannot open {} with the system: {e}", path.display()),
            )
        })
}
