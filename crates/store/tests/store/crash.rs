//! Crash test: a child process takes dossiers in and is killed with SIGKILL at random moments,
//! 200 times. After every kill the database passes `integrity_check`, every change the child
//! reported as committed is there with its event, and no event exists without its row or the
//! reverse (the row and its event are one transaction).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use store::{OpenOptions, Store};

use crate::common::{at, key};

const KILLS: u32 = 200;

/// xorshift64*: a seeded, dependency-free source of kill delays (the seed is printed so a
/// failing run can be replayed with `CRASH_SEED`).
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

#[test]
fn sigkill_at_random_moments_never_loses_or_splits_a_committed_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crash.db");
    let mut seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("crash test seed: {seed}");
    // code -> number of events the child reported committed (1 = intake, 2 = + status change).
    let mut reported: HashMap<String, usize> = HashMap::new();
    let started = Instant::now();
    for run in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_store-crash-child"))
            .arg(&path)
            .arg(key().to_hex())
            .arg(run.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut lines = Vec::new();
        if run % 10 == 0 {
            // Any moment, including while the child opens or creates the database.
            std::thread::sleep(Duration::from_millis(next_random(&mut seed) % 40));
        } else {
            // Inside the intake loop: wait for the first commit, then a random moment.
            let mut first = String::new();
            stdout.read_line(&mut first).expect("first line");
            assert!(
                !first.is_empty(),
                "run {run}: the child stopped before committing"
            );
            lines.push(first.trim_end().to_string());
            std::thread::sleep(Duration::from_millis(next_random(&mut seed) % 40));
        }
        child.kill().expect("SIGKILL");
        for line in stdout.lines() {
            lines.push(line.expect("line"));
        }
        for line in lines {
            let (what, code) = line.split_once(' ').expect("reported line");
            let count = reported.entry(code.to_string()).or_default();
            *count = (*count).max(if what == "T" { 1 } else { 2 });
        }
        child.wait().expect("reap");
        check_after_kill(&path, &reported, run);
    }
    // Nine runs in ten committed at least one dossier before their kill.
    assert!(
        reported.len() >= usize::try_from(KILLS * 9 / 10).unwrap_or(0),
        "the child must have committed work between kills ({} dossiers)",
        reported.len()
    );
    eprintln!(
        "{KILLS} kills, {} dossiers reported, {:?}",
        reported.len(),
        started.elapsed()
    );
}

fn check_after_kill(path: &std::path::Path, reported: &HashMap<String, usize>, run: u32) {
    if !path.exists() {
        assert!(reported.is_empty(), "run {run}: file gone after commits");
        return;
    }
    let store = match Store::open(path, &key(), &OpenOptions::default(), at(0)) {
        Ok(store) => store,
        // Killed while creating the database, before the identity was committed.
        Err(error) if error.code() == "store.not_initialised" && reported.is_empty() => return,
        Err(error) => panic!("run {run}: reopen failed: {error} ({})", error.code()),
    };
    store
        .check_integrity()
        .expect("integrity_check after SIGKILL");
    for (code, events) in reported {
        let dossier = store
            .dossier(code)
            .unwrap_or_else(|e| panic!("run {run}: {code} lost: {e}"));
        let stored = store.events_of(code).expect("events");
        assert!(stored.len() >= *events, "run {run}: {code} lost an event");
        if *events == 2 {
            assert_eq!(dossier.status, domain::dossier::DossierStatus::InProgress);
        }
    }
    drop(store);
    // Rows and events agree exactly, and seqs have no gap.
    let conn = rusqlite::Connection::open(path).expect("raw open");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key().to_hex()))
        .expect("key");
    let mismatches: i64 = conn
        .query_row(
            "SELECT \
               (SELECT count(*) FROM dossier d WHERE NOT EXISTS (SELECT 1 FROM event e \
                  WHERE e.dossier_code = d.code AND e.kind = 'dossier_taken_in')) \
             + (SELECT count(*) FROM dossier d WHERE (d.status = 'in_progress') <> EXISTS \
                  (SELECT 1 FROM event e WHERE e.dossier_code = d.code AND e.kind = 'status_changed')) \
             + (SELECT count(*) FROM event e WHERE e.dossier_code IS NOT NULL AND NOT EXISTS \
                  (SELECT 1 FROM dossier d WHERE d.code = e.dossier_code)) \
             + (SELECT count(*) FROM (SELECT epoch FROM event GROUP BY epoch \
                  HAVING max(seq) <> count(*)))",
            [],
            |row| row.get(0),
        )
        .expect("consistency query");
    assert_eq!(mismatches, 0, "run {run}: rows and events disagree");
}
