//! `motcua`: the counter's headless face, for scripting, support staff and tests.
//!
//! Each command parses its arguments, calls one function of the `app` crate and prints JSON.

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "motcua", version, about = "Một Cửa: the commune one-stop counter, headless")]
struct Cli {
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

fn parse_instant(text: &str) -> anyhow::Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text)
        .with_context(|| format!("{text:?} is not an RFC 3339 date-time like 2026-02-13T14:30:00+07:00"))
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Calendar { year } => print_json(&app::deadlines::calendar_exceptions(year)?),
        Command::Due(args) => {
            let received = parse_instant(&args.received)?;
            let request = match (args.limit.procedure, args.limit.working_days) {
                (Some(code), _) => app::deadlines::DueRequest::Procedure(code),
                (None, Some(days)) => app::deadlines::DueRequest::WorkingDays(days),
                (None, None) => app::deadlines::DueRequest::SameDay,
            };
            let due = app::deadlines::due_at(received, &request)?;
            println!("{}", due.to_rfc3339());
            Ok(())
        }
    }
}
