//! `motcua-server`: the district server's command line.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use motcua_server::http::{serve, AppState};
use motcua_server::storage::Database;
use motcua_server::{devices, now_ms, officers, sync};
use sync_protocol::Channel;

#[derive(Parser)]
#[command(
    name = "motcua-server",
    about = "The district sync server of the Một Cửa counters"
)]
struct Cli {
    /// Database URL: sqlite://PATH (embedded) or postgres://USER@HOST:PORT/DB.
    #[arg(long, global = true, default_value = "sqlite://motcua-server.db")]
    db: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the sync API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Prints a one-time enrolment code for a counter of COMMUNE (valid 24 h).
    EnrollCode {
        /// The commune's agency identifier code, e.g. H15.50.05.13.
        #[arg(long)]
        commune: String,
    },
    /// Revokes a device: its token stops working at once.
    Revoke {
        /// The device id.
        #[arg(long)]
        device: String,
    },
    /// Publishes reference documents to a channel (one document per file, keyed by file name).
    Publish {
        /// catalog, calendar or letters.
        #[arg(long)]
        channel: String,
        /// JSON files.
        #[arg(long, required = true)]
        file: Vec<PathBuf>,
    },
    /// Starts a new server epoch: run once after restoring the database from a backup.
    RotateEpoch,
    /// District officers' dashboard accounts.
    Officer {
        #[command(subcommand)]
        action: OfficerAction,
    },
}

#[derive(Subcommand)]
enum OfficerAction {
    /// Creates or replaces an account; the password (10 characters or more) is read from the
    /// first line of standard input, never from the command line.
    Add {
        /// The login.
        #[arg(long)]
        login: String,
        /// `all`, or the commune codes the officer may see, separated by commas.
        #[arg(long, default_value = "all")]
        communes: String,
    },
    /// Disables an account and ends its sessions.
    Disable {
        /// The login.
        #[arg(long)]
        login: String,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .json()
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let db = Database::open(&cli.db).context("opening the database")?;
    match cli.command {
        Command::Serve { listen } => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&listen).await?;
                tracing::info!(listen = %listener.local_addr()?, postgres = db.is_postgres(), "serving");
                serve(listener, AppState::new(Arc::new(db)), shutdown_signal()).await?;
                tracing::info!("stopped");
                anyhow::Ok(())
            })?;
        }
        Command::EnrollCode { commune } => {
            println!("{}", devices::create_enrol_code(&db, &commune, now_ms())?);
        }
        Command::Revoke { device } => {
            if !devices::revoke(&db, &device, now_ms())? {
                anyhow::bail!("no active device {device}");
            }
            println!("revoked {device}");
        }
        Command::Publish { channel, file } => {
            let channel =
                Channel::parse(&channel).context("channel must be catalog, calendar or letters")?;
            let mut docs = Vec::new();
            for path in &file {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .context("file name")?
                    .to_owned();
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                docs.push((name, text));
            }
            let written = sync::publish(&db, channel, &docs)?;
            println!("{written} of {} documents changed", docs.len());
        }
        Command::RotateEpoch => {
            println!("{}", sync::rotate_server_epoch(&db)?);
        }
        Command::Officer {
            action: OfficerAction::Add { login, communes },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let scope = officers::Scope::parse(&communes)?;
            officers::add(
                &db,
                &login,
                password.trim_end_matches(['\r', '\n']),
                &scope,
                now_ms(),
            )?;
            println!("officer {login} can sign in at /dashboard");
        }
        Command::Officer {
            action: OfficerAction::Disable { login },
        } => {
            if !officers::disable(&db, &login, now_ms())? {
                anyhow::bail!("no active officer {login}");
            }
            println!("disabled {login}");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight batches");
}
