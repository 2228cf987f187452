//! Child process of the crash test (`tests/store/crash.rs`): takes dossiers in, and starts
//! processing every other one, in a loop, printing each committed change on stdout
//! (`T <code>` after an intake commit, `S <code>` after a status change commit) until it is
//! killed. Usage: `store-crash-child <db path> <key hex> <run number>`.

use std::io::Write;
use std::process::ExitCode;

use chrono::{FixedOffset, TimeZone};
use domain::dossier::{Action, Channel, Citizen, DossierStatus};
use store::{IntegrityCheck, NewDossier, OpenOptions, StatusChange, Store, StoreKey};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("store-crash-child: {} ({})", error, error.code());
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), store::StoreError> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, key, run] = args.as_slice() else {
        return Err(store::StoreError::InvalidInput(
            "usage: store-crash-child <db> <key hex> <run>".into(),
        ));
    };
    let key = StoreKey::from_hex(key)?;
    let path = std::path::Path::new(path);
    let hanoi = FixedOffset::east_opt(7 * 3600)
        .ok_or_else(|| store::StoreError::InvalidInput("offset".into()))?;
    let now = hanoi
        .with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .ok_or_else(|| store::StoreError::InvalidInput("instant".into()))?;
    let mut store = if path.exists() {
        let options = OpenOptions {
            integrity_check: IntegrityCheck::Skip,
            ..OpenOptions::default()
        };
        Store::open(path, &key, &options, now)?
    } else {
        Store::create(path, &key, now)?
    };
    let stdout = std::io::stdout();
    for i in 0u64.. {
        let code = format!("C{run}-{i:05}");
        store.take_in(
            &NewDossier {
                code: code.clone(),
                procedure_code: "1.001193".into(),
                procedure_name: "Đăng ký khai sinh".into(),
                citizen: Citizen {
                    name: "Vừ A Dính".into(),
                    id_number: Some("001090012345".into()),
                    phone: None,
                    address: None,
                },
                channel: Channel::Counter,
                documents: vec![],
                received_at: now,
                due_at: Some(now + chrono::Duration::days(3)),
                clerk_id: "clerk-1".into(),
            },
            now,
        )?;
        let mut out = stdout.lock();
        let _ = writeln!(out, "T {code}").and_then(|()| out.flush());
        drop(out);
        if i % 2 == 0 {
            store.change_status(
                &StatusChange {
                    code: code.clone(),
                    action: Action::StartProcessing,
                    from: DossierStatus::Received,
                    to: DossierStatus::InProgress,
                    due_at: Some(now + chrono::Duration::days(3)),
                    timeliness: None,
                    clerk_id: "clerk-1".into(),
                },
                now,
            )?;
            let mut out = stdout.lock();
            let _ = writeln!(out, "S {code}").and_then(|()| out.flush());
        }
    }
    Ok(())
}
