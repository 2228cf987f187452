//! `motcua`: the counter's headless face, for scripting, support staff and tests.
//!
//! Each command parses its arguments, calls one function of the `app` crate and prints JSON.
//! Errors go to stderr as `{"code": ..., "message": ...}` with exit status 1.

use std::io::Read;
use std::path::{Path, PathBuf};

use app::{Action, AppError, Counter, ErrorCode, SystemClock};
use chrono::{DateTime, FixedOffset};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "motcua",
    version,
    about = "Một Cửa: the commune one-stop counter, headless"
)]
struct Cli {
    /// The counter's data folder (default: $MOTCUA_DATA_DIR, else the platform's data folder).
    #[arg(long, global = true, env = "MOTCUA_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print, as JSON, every weekday of YEAR that is not a working day and every weekend day
    /// that is, each with its reason.
    Calendar {
        /// The year, 1990-2100.
        year: i32,
    },
    /// Print the due date-time (RFC 3339, +07:00) of a dossier received at --received.
    Due(DueArgs),
    /// Set up a new counter in the data folder.
    Init {
        /// The commune's administrative code.
        #[arg(long)]
        commune_code: String,
        /// The commune's name.
        #[arg(long)]
        commune_name: String,
        /// The counter's name.
        #[arg(long)]
        counter: String,
        /// The counter's two-letter dossier-code prefix, unique within the commune.
        #[arg(long)]
        counter_prefix: Option<String>,
        /// A clerk's full name (repeat for several).
        #[arg(long = "clerk")]
        clerks: Vec<String>,
    },
    /// Take a dossier in from JSON (a file, or - for stdin); print it with its code and due date.
    Intake {
        /// The JSON file, or - for stdin.
        #[arg(long)]
        json: String,
    },
    /// Print one dossier as JSON.
    Show {
        /// The dossier code.
        code: String,
        /// Include its history of events.
        #[arg(long)]
        history: bool,
    },
    /// List dossiers due soon, overdue, or in a status.
    List(ListArgs),
    /// Search dossiers by code, identification number, phone, or name without diacritics.
    Search {
        /// What the clerk typed.
        text: String,
    },
    /// Move a dossier: supplement, resubmit, refuse, stop, extend, start, result-ready, return, close.
    Transition(TransitionArgs),
    /// Record a citizen's satisfaction tap.
    Tap {
        /// very-satisfied, satisfied or dissatisfied (or 3, 2, 1).
        #[arg(long)]
        level: String,
        /// The dossier just served.
        #[arg(long)]
        dossier: Option<String>,
        /// A criterion of NĐ 118 art. 33 the citizen picked (repeat for several).
        #[arg(long = "criterion")]
        criteria: Vec<String>,
    },
    /// Print a dossier's form or letter (slip, slip-a5, receipt, supplement, refusal, apology,
    /// stop, control, thanks, congrats, condolence) to a PDF, or the tracking book
    /// (`print book --from DATE --to DATE`).
    Print(PrintArgs),
    /// Write the report of a period (received, resolved early / on time / late, pending,
    /// on-time rate vs 98 %, satisfaction; by procedure and clerk) as json, csv or xlsx.
    Report(ReportArgs),
    /// Check the whole database file (PRAGMA integrity_check).
    Check,
    /// Copy the live database to FILE (online backup).
    Backup {
        /// The backup file to write.
        file: PathBuf,
    },
    /// Replace the database with the backup in FILE; the counter gets a new sync epoch.
    Restore {
        /// The backup file to read.
        file: PathBuf,
    },
    /// Enrol this counter with the district server using a one-time code from
    /// `motcua-server enroll-code` (the credential is kept in the data folder, owner-only).
    Enroll {
        /// The server's address, e.g. http://10.0.0.5:8080.
        #[arg(long)]
        server: String,
        /// The one-time enrolment code (XXXXX-XXXXX).
        #[arg(long)]
        code: String,
    },
    /// Sync with the district server until nothing is left to send or fetch; print a summary.
    Sync {
        /// Use this server address for this run instead of the enrolled one.
        #[arg(long)]
        server: Option<String>,
    },
}

#[derive(Args)]
#[group(id = "limit", required = true, multiple = false)]
struct DueLimit {
    /// A procedure code of the shipped catalogue, e.g. 1.001193.
    #[arg(long, group = "limit")]
    procedure: Option<String>,
    /// A processing time of N working days.
    #[arg(long, group = "limit")]
    working_days: Option<u32>,
    /// A same-day procedure (15:00 cut-off).
    #[arg(long, group = "limit")]
    same_day: bool,
}

#[derive(Args)]
struct DueArgs {
    /// When the complete dossier was received, RFC 3339 (e.g. 2026-02-13T14:30:00+07:00).
    #[arg(long)]
    received: String,
    #[command(flatten)]
    limit: DueLimit,
}

#[derive(Args)]
#[group(id = "filter", required = true, multiple = false)]
struct ListArgs {
    /// Due within N working days from now.
    #[arg(long, group = "filter")]
    due_within: Option<u32>,
    /// Past the due date and not resolved.
    #[arg(long, group = "filter")]
    overdue: bool,
    /// In a status: received, in_progress, supplement_requested, result_ready, returned,
    /// refused, stopped, closed.
    #[arg(long, group = "filter")]
    status: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum TransitionAction {
    Start,
    Supplement,
    Resubmit,
    Refuse,
    Stop,
    Extend,
    ResultReady,
    Return,
    Close,
}

#[derive(Args)]
struct TransitionArgs {
    /// The dossier code.
    code: String,
    /// What happened.
    action: TransitionAction,
    /// Why (required for supplement, refuse and extend).
    #[arg(long)]
    reason: Option<String>,
    /// The new due date-time for extend, RFC 3339.
    #[arg(long)]
    new_due: Option<String>,
    /// When it happened, RFC 3339 (for data brought in from paper books); now by default.
    #[arg(long)]
    at: Option<String>,
}

#[derive(Args)]
struct PrintArgs {
    /// What to print: a form or letter kind, or `book`.
    kind: String,
    /// The dossier code (not for `book`).
    code: Option<String>,
    /// The PDF file to write.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// For `book`: the first day of receipt, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// For `book`: the last day of receipt, YYYY-MM-DD.
    #[arg(long)]
    to: Option<String>,
    /// For congrats and condolence: the child, spouse or deceased the letter names.
    #[arg(long)]
    subject: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportPeriodKind {
    Month,
    Quarter,
    Half,
    NineMonths,
    Year,
}

#[derive(Args)]
struct ReportArgs {
    /// The first day, YYYY-MM-DD (with --to; or use --period).
    #[arg(long, requires = "to", conflicts_with = "period")]
    from: Option<String>,
    /// The last day, included, YYYY-MM-DD.
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// A reporting period instead of --from/--to, cut on --cutoff-day.
    #[arg(long, value_enum, requires = "year")]
    period: Option<ReportPeriodKind>,
    /// The period's year.
    #[arg(long)]
    year: Option<i32>,
    /// The month (1-12) or quarter (1-4).
    #[arg(long)]
    number: Option<u32>,
    /// Periods run from this day of the previous month to the day before it (15: 15/10-14/11);
    /// 0 for calendar periods.
    #[arg(long, default_value_t = 15)]
    cutoff_day: u32,
    /// json, csv, xlsx or pdf.
    #[arg(long, default_value = "json")]
    format: String,
    /// The file to write.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
}

fn report_period(args: &ReportArgs) -> Result<app::report::ReportPeriod, AppError> {
    use app::report::PeriodKind;
    let Some(kind) = args.period else {
        let from = parse_date("from", args.from.as_deref())?;
        let to = parse_date("to", args.to.as_deref())?;
        return app::report::ReportPeriod::custom(from, to)
            .map_err(|e| AppError::invalid("to", e.code(), e.to_string()));
    };
    let kind = match kind {
        ReportPeriodKind::Month => PeriodKind::Month,
        ReportPeriodKind::Quarter => PeriodKind::Quarter,
        ReportPeriodKind::Half => PeriodKind::HalfYear,
        ReportPeriodKind::NineMonths => PeriodKind::NineMonths,
        ReportPeriodKind::Year => PeriodKind::Year,
    };
    let year = args
        .year
        .ok_or_else(|| AppError::invalid("year", "required", "--period needs --year"))?;
    app::report::period(kind, year, args.number, args.cutoff_day)
}

fn parse_date(field: &'static str, text: Option<&str>) -> Result<chrono::NaiveDate, AppError> {
    let text =
        text.ok_or_else(|| AppError::invalid(field, "required", format!("--{field} is required")))?;
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            field,
            "date",
            format!("{text:?} is not a date like 2026-02-13"),
        )
    })
}

fn parse_instant(field: &'static str, text: &str) -> Result<DateTime<FixedOffset>, AppError> {
    DateTime::parse_from_rfc3339(text).map_err(|_| {
        AppError::invalid(
            field,
            "rfc3339",
            format!("{text:?} is not an RFC 3339 date-time like 2026-02-13T14:30:00+07:00"),
        )
    })
}

fn print_json(value: &impl serde::Serialize) -> Result<(), AppError> {
    use std::io::Write;
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
    // A reader that stops early (`| head`) is not an error of ours.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(())
}

fn data_dir(cli_value: Option<PathBuf>) -> Result<PathBuf, AppError> {
    cli_value.or_else(app::default_data_dir).ok_or_else(|| {
        AppError::invalid(
            "data_dir",
            "required",
            "no data folder: pass --data-dir or set MOTCUA_DATA_DIR",
        )
    })
}

fn open(dir: &Path) -> Result<Counter, AppError> {
    Counter::open(dir, Box::new(SystemClock))
}

fn read_input(source: &str) -> Result<String, AppError> {
    let mut text = String::new();
    if source == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| AppError::new(ErrorCode::Internal, format!("stdin: {e}")))?;
    } else {
        text = std::fs::read_to_string(source)
            .map_err(|e| AppError::new(ErrorCode::NotFound, format!("{source}: {e}")))?;
    }
    Ok(text)
}

fn action_of(args: &TransitionArgs) -> Result<Action, AppError> {
    let reason = || args.reason.clone().unwrap_or_default();
    Ok(match args.action {
        TransitionAction::Start => Action::StartProcessing,
        TransitionAction::Supplement => Action::RequestSupplement { reason: reason() },
        TransitionAction::Resubmit => Action::Resubmit,
        TransitionAction::Refuse => Action::Refuse { reason: reason() },
        TransitionAction::Stop => Action::Stop { reason: reason() },
        TransitionAction::Extend => {
            let text = args.new_due.as_deref().ok_or_else(|| {
                AppError::invalid("new_due", "required", "extend needs --new-due")
            })?;
            Action::Extend {
                reason: reason(),
                new_due_at: parse_instant("new_due", text)?,
            }
        }
        TransitionAction::ResultReady => Action::ResultReady,
        TransitionAction::Return => Action::Return,
        TransitionAction::Close => Action::Close,
    })
}

fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Calendar { year } => print_json(&app::deadlines::calendar_exceptions(year)?),
        Command::Due(args) => {
            let received = parse_instant("received", &args.received)?;
            let request = match (args.limit.procedure, args.limit.working_days) {
                (Some(code), _) => app::deadlines::DueRequest::Procedure(code),
                (None, Some(days)) => app::deadlines::DueRequest::WorkingDays(days),
                (None, None) => app::deadlines::DueRequest::SameDay,
            };
            println!(
                "{}",
                app::deadlines::due_at(received, &request)?.to_rfc3339()
            );
            Ok(())
        }
        Command::Init {
            commune_code,
            commune_name,
            counter,
            counter_prefix,
            clerks,
        } => {
            let dir = data_dir(cli.data_dir)?;
            let input = app::InitInput {
                commune_code,
                commune_name,
                counter_name: counter,
                counter_prefix,
                clerks,
            };
            let counter = Counter::init(&dir, &input, Box::new(SystemClock))?;
            print_json(&counter.settings()?)
        }
        Command::Intake { json } => {
            let text = read_input(&json)?;
            let input: app::IntakeInput = serde_json::from_str(&text)
                .map_err(|e| AppError::invalid("json", "malformed", e.to_string()))?;
            let mut counter = open(&data_dir(cli.data_dir)?)?;
            print_json(&counter.intake(input)?)
        }
        Command::Show { code, history } => {
            let counter = open(&data_dir(cli.data_dir)?)?;
            let view = counter.show(&code)?;
            if history {
                let events = counter.history(&code)?;
                print_json(&serde_json::json!({"dossier": view, "events": events}))
            } else {
                print_json(&view)
            }
        }
        Command::List(args) => {
            let filter = if let Some(days) = args.due_within {
                app::ListFilter::DueWithin(days)
            } else if args.overdue {
                app::ListFilter::Overdue
            } else {
                let status = args.status.unwrap_or_default();
                let parsed =
                    serde_json::from_value(serde_json::Value::String(status.replace('-', "_")))
                        .map_err(|_| {
                            AppError::invalid(
                                "status",
                                "status_unknown",
                                format!("unknown status {status:?}"),
                            )
                        })?;
                app::ListFilter::Status(parsed)
            };
            print_json(&open(&data_dir(cli.data_dir)?)?.list(&filter)?)
        }
        Command::Search { text } => print_json(&open(&data_dir(cli.data_dir)?)?.search(&text)?),
        Command::Transition(args) => {
            let action = action_of(&args)?;
            let at = args
                .at
                .as_deref()
                .map(|text| parse_instant("at", text))
                .transpose()?;
            let mut counter = open(&data_dir(cli.data_dir)?)?;
            print_json(&counter.transition(&args.code, action, at, None)?)
        }
        Command::Tap {
            level,
            dossier,
            criteria,
        } => {
            let mut counter = open(&data_dir(cli.data_dir)?)?;
            let input = app::TapInput {
                level,
                criteria,
                dossier_code: dossier,
                clerk_id: None,
            };
            print_json(&counter.record_tap(&input)?)
        }
        Command::Print(args) => {
            let mut counter = open(&data_dir(cli.data_dir)?)?;
            let printed = if args.kind == "book" {
                let from = parse_date("from", args.from.as_deref())?;
                let to = parse_date("to", args.to.as_deref())?;
                counter.print_book(from, to, &args.output)?
            } else {
                let kind = app::print::PrintKind::parse(&args.kind)?;
                let code = args.code.ok_or_else(|| {
                    AppError::invalid("code", "required", "the dossier code is required")
                })?;
                counter.print(kind, &code, args.subject.as_deref(), &args.output)?
            };
            print_json(&printed)
        }
        Command::Report(args) => {
            let period = report_period(&args)?;
            let format = app::report::ReportFormat::parse(&args.format)?;
            let counter = open(&data_dir(cli.data_dir)?)?;
            let report = counter.export_report(&period, format, &args.output)?;
            print_json(&serde_json::json!({
                "output": args.output,
                "period": report.indicators.period,
                "totals": report.indicators.totals,
            }))
        }
        Command::Check => {
            open(&data_dir(cli.data_dir)?)?.check()?;
            print_json(&serde_json::json!({"integrity": "ok"}))
        }
        Command::Backup { file } => {
            open(&data_dir(cli.data_dir)?)?.backup(&file)?;
            print_json(&serde_json::json!({"backup": file}))
        }
        Command::Restore { file } => {
            let mut counter = open(&data_dir(cli.data_dir)?)?;
            counter.restore(&file)?;
            print_json(&serde_json::json!({"restored_from": file}))
        }
        Command::Enroll { server, code } => {
            let mut counter = open(&data_dir(cli.data_dir)?)?;
            print_json(&counter.enroll(&server, &code)?)
        }
        Command::Sync { server } => {
            let mut counter = open(&data_dir(cli.data_dir)?)?;
            print_json(&counter.sync(server.as_deref())?)
        }
    }
}

fn main() {
    let cli = Cli::parse();
    if let Err(error) = run(cli) {
        let text = serde_json::to_string(&error).unwrap_or_else(|_| error.to_string());
        eprintln!("{text}");
        std::process::exit(1);
    }
}
