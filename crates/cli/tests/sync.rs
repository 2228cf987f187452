//! `motcua enroll` and `motcua sync` against the real district server (SQLite backend) started
//! in-process on a loopback port: no mocks. sync.md §3 and docs/sync-protocol.md.

use chrono::Datelike;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use motcua_server::http::{serve, AppState};
use motcua_server::storage::{Database, SqlValue};
use motcua_server::{devices, now_ms};

// In a folder of its own so Cargo does not make it a test binary (link time on CI).
#[path = "sync/whole_path.rs"]
mod whole_path;

const COMMUNE: &str = "H15.50.05.13";

/// A temporary directory removed on drop (the CLI crate has no tempfile dependency).
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "motcua-cli-{tag}-{}-{nanos}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The district server on 127.0.0.1:0 with a SQLite file, stopped on drop.
struct Server {
    runtime: tokio::runtime::Runtime,
    db: Arc<Database>,
    url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = TempDir::new("server");
        let db = Arc::new(
            Database::open(&format!("sqlite://{}/server.db", dir.0.display())).expect("server db"),
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(serve(listener, AppState::new(db.clone()), async move {
            let _ = stopped.await;
        }));
        Server {
            runtime,
            db,
            url,
            shutdown: Some(shutdown),
            _dir: dir,
        }
    }

    fn enrol_code(&self) -> String {
        devices::create_enrol_code(&self.db, COMMUNE, now_ms()).expect("enrol code")
    }

    fn query(&self, sql: &str, params: &[SqlValue]) -> Vec<Vec<SqlValue>> {
        self.db
            .transaction(|tx| tx.query(sql, params))
            .expect("server query")
    }

    fn count(&self, sql: &str, params: &[SqlValue]) -> i64 {
        self.query(sql, params)[0][0].int()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.runtime.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        });
    }
}

fn motcua(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run motcua");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("motcua output")
}

fn motcua_json(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> serde_json::Value {
    let output = motcua(data_dir, args, stdin);
    assert!(
        output.status.success(),
        "motcua {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

/// Invented given names: a name holds letters only (domain validation), so no numbering.
const GIVEN_NAMES: [&str; 8] = ["An", "Bình", "Chi", "Dũng", "Đào", "Giang", "Hà", "Khánh"];

/// A counter set up in a fresh data folder, with `n` dossiers taken in (invented people).
fn counter_with_dossiers(n: usize) -> (TempDir, Vec<String>) {
    let dir = TempDir::new("counter");
    motcua_json(
        &dir.0,
        &[
            "init",
            "--commune-code",
            COMMUNE,
            "--commune-name",
            "Xã Thử Nghiệm",
            "--counter",
            "Quầy 1",
            "--clerk",
            "Lò Văn Thử",
        ],
        None,
    );
    let codes = (0..n)
        .map(|i| {
            let input = serde_json::json!({
                "procedure": "1.001193",
                "citizen": {"name": format!("Người Thử {}", GIVEN_NAMES[i % GIVEN_NAMES.len()]), "phone": "0912345678"},
                "channel": "counter",
                "documents": ["Tờ khai đăng ký khai sinh"],
            });
            let view = motcua_json(&dir.0, &["intake", "--json", "-"], Some(&input.to_string()));
            view["code"].as_str().expect("dossier code").to_string()
        })
        .collect();
    (dir, codes)
}

fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn take_in(dir: &Path, name: &str) -> String {
    let input = serde_json::json!({
        "procedure": "1.001193",
        "citizen": {"name": name, "phone": "0912345678"},
        "channel": "counter",
        "documents": ["Tờ khai đăng ký khai sinh"],
    });
    let view = motcua_json(dir, &["intake", "--json", "-"], Some(&input.to_string()));
    view["code"].as_str().expect("dossier code").to_string()
}

/// Two counters of one commune set up the same way (both would start their local codes with
/// the default prefix AA): enrolment gives the second its own prefix, so on the same day they
/// issue different local codes and each dossier gets its own official code (NĐ 118 art. 28).
/// An enrolment code of another commune is refused before anything is kept.
#[test]
fn two_counters_of_one_commune_never_share_a_local_code() {
    let server = Server::start();
    let (first, _) = counter_with_dossiers(0);
    let (second, _) = counter_with_dossiers(0);
    let mut prefixes = Vec::new();
    for dir in [&first, &second] {
        let enrolled = motcua_json(
            &dir.0,
            &[
                "enroll",
                "--server",
                &server.url,
                "--code",
                &server.enrol_code(),
            ],
            None,
        );
        prefixes.push(
            enrolled["counter_prefix"]
                .as_str()
                .expect("prefix")
                .to_owned(),
        );
    }
    assert_eq!(prefixes, ["AA", "AB"]);
    let code_first = take_in(&first.0, "Người Thử An");
    let code_second = take_in(&second.0, "Người Thử Bình");
    assert!(code_first.starts_with("AA"), "{code_first}");
    assert!(code_second.starts_with("AB"), "{code_second}");
    for dir in [&first, &second] {
        let summary = motcua_json(&dir.0, &["sync"], None);
        assert_eq!(summary["events_rejected"], 0, "{summary}");
        assert_eq!(summary["official_codes_received"], 1, "{summary}");
    }
    let official = |dir: &TempDir, code: &str| {
        motcua_json(&dir.0, &["show", code], None)["official_code"]
            .as_str()
            .expect("official code")
            .to_owned()
    };
    let (a, b) = (
        official(&first, &code_first),
        official(&second, &code_second),
    );
    assert_ne!(a, b);
    assert!(a.starts_with(COMMUNE) && b.starts_with(COMMUNE));

    // Two more counters that worked offline before enrolling, both with the default prefix:
    // their first dossiers share a local code. The first to sync owns it; the second counter's
    // events about it are quarantined on the server, never merged, and its sync record keeps
    // them so the indicator can tell the clerk (app::sync::SyncRecord::quarantined).
    // (A district of their own: the counters above already used today's AA code.)
    let district = Server::start();
    let (early, early_codes) = counter_with_dossiers(1);
    let (late, late_codes) = counter_with_dossiers(1);
    assert_eq!(
        early_codes, late_codes,
        "same prefix, same day: same local code"
    );
    for dir in [&early, &late] {
        motcua_json(
            &dir.0,
            &[
                "enroll",
                "--server",
                &district.url,
                "--code",
                &district.enrol_code(),
            ],
            None,
        );
    }
    let first = motcua_json(&early.0, &["sync"], None);
    assert_eq!(first["events_rejected"], 0, "{first}");
    let second = motcua_json(&late.0, &["sync"], None);
    assert!(
        second["events_rejected"].as_u64().unwrap_or(0) >= 1,
        "{second}"
    );
    assert_eq!(
        second["events_waiting"], 0,
        "quarantined events are acknowledged: {second}"
    );
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(late.0.join("sync-state.json")).expect("sync record"),
    )
    .expect("record JSON");
    let quarantined = record["quarantined"].as_object().expect("quarantined map");
    assert!(!quarantined.is_empty(), "{record}");
    assert!(
        quarantined.values().all(|code| code == "local_code_taken"),
        "{record}"
    );
    let owner = motcua_json(&early.0, &["show", &early_codes[0]], None);
    let other = motcua_json(&late.0, &["show", &late_codes[0]], None);
    assert!(owner["official_code"].is_string(), "{owner}");
    assert!(
        other["official_code"].is_null(),
        "never given the other counter's official code: {other}"
    );

    // A code made for another commune: refused, and the counter stays unenrolled.
    let (third, _) = counter_with_dossiers(0);
    let foreign = devices::create_enrol_code(&server.db, "H15.50.05.99", now_ms()).expect("code");
    let refused = motcua(
        &third.0,
        &["enroll", "--server", &server.url, "--code", &foreign],
        None,
    );
    assert!(!refused.status.success());
    let error: serde_json::Value = serde_json::from_slice(&refused.stderr).expect("error JSON");
    assert_eq!(error["code"], "enroll_wrong_commune");
    assert!(!third.0.join("sync-credential.json").exists());
}

/// The journey of sync.md §3: a counter works offline, enrols, syncs once; the server holds
/// every event exactly once (key `(device, epoch, seq)` without gaps, no event id twice), gives
/// each intake its official code (NĐ 118 art. 28), the codes come down on the official-codes
/// channel, and the slip printed afterwards shows the official code. A second sync finds
/// nothing new and costs one request.
#[test]
fn offline_dossiers_sync_once_and_the_slip_prints_the_official_code() {
    let server = Server::start();
    let (dir, codes) = counter_with_dossiers(20);

    // Not enrolled yet: sync refuses with a stable code and contacts nobody.
    let refused = motcua(&dir.0, &["sync"], None);
    assert!(!refused.status.success());
    let error: serde_json::Value = serde_json::from_slice(&refused.stderr).expect("error JSON");
    assert_eq!(error["code"], "sync_failed");
    assert!(error["message"]
        .as_str()
        .unwrap_or("")
        .contains("not_enrolled"));

    let code = server.enrol_code();
    let enrolled = motcua_json(
        &dir.0,
        &["enroll", "--server", &server.url, "--code", &code],
        None,
    );
    assert_eq!(enrolled["commune"], COMMUNE);
    let device_id = enrolled["device_id"]
        .as_str()
        .expect("device id")
        .to_string();
    let credential = std::fs::read_to_string(dir.0.join("sync-credential.json")).expect("cred");
    let token = serde_json::from_str::<serde_json::Value>(&credential).expect("json")["token"]
        .as_str()
        .expect("token")
        .to_string();
    assert!(token.len() >= 32);
    assert!(
        !enrolled.to_string().contains(&token),
        "the token is a secret: never printed"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.0.join("sync-credential.json"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the credential file is owner-only");
    }
    // The one-time code cannot enrol a second counter.
    let (other, _) = counter_with_dossiers(0);
    let reused = motcua(
        &other.0,
        &["enroll", "--server", &server.url, "--code", &code],
        None,
    );
    assert!(!reused.status.success());
    let error: serde_json::Value = serde_json::from_slice(&reused.stderr).expect("error JSON");
    assert_eq!(error["code"], "enroll_failed");

    let first = motcua_json(&dir.0, &["sync"], None);
    assert_eq!(first["events_waiting"], 0, "{first}");
    assert_eq!(first["events_rejected"], 0, "{first}");
    assert_eq!(first["official_codes_received"], 20, "{first}");
    assert!(first["bytes_up"].as_u64().unwrap_or(0) > 0);
    assert!(first["bytes_down"].as_u64().unwrap_or(0) > 0);
    assert!(first["seconds"].as_f64().is_some());
    assert!(first["clock_skew_seconds"]
        .as_f64()
        .is_some_and(|s| s.abs() < 60.0));

    // Exactly once on the server: seqs 1..=n without gaps, every event id once, none
    // quarantined, the contiguous high-water mark at n.
    let device = SqlValue::from(device_id.as_str());
    let stored = server.count(
        "SELECT count(*) FROM events WHERE device_id = $1",
        std::slice::from_ref(&device),
    );
    let highest = server.count(
        "SELECT max(seq) FROM events WHERE device_id = $1",
        std::slice::from_ref(&device),
    );
    let distinct_ids = server.count(
        "SELECT count(DISTINCT event_id) FROM events WHERE device_id = $1 AND dup = 0 \
         AND rejected IS NULL",
        std::slice::from_ref(&device),
    );
    let hwm = server.count(
        "SELECT hwm FROM device_epochs WHERE device_id = $1",
        std::slice::from_ref(&device),
    );
    assert!(stored > 20, "20 intakes plus the set-up events");
    assert_eq!((highest, distinct_ids, hwm), (stored, stored, stored));
    assert_eq!(
        first["events_sent"].as_i64(),
        Some(stored),
        "no event was sent twice on a clean link"
    );
    assert_eq!(
        server.count(
            "SELECT count(*) FROM events WHERE device_id = $1 AND kind = 'intake'",
            std::slice::from_ref(&device)
        ),
        20
    );

    for code in &codes {
        // Each local event of the dossier is on the server once, under its own event id.
        let shown = motcua_json(&dir.0, &["show", code, "--history"], None);
        for event in shown["events"].as_array().expect("events") {
            let id = event["event_id"].as_str().expect("event id");
            assert_eq!(
                server.count(
                    "SELECT count(*) FROM events WHERE event_id = $1",
                    &[id.into()]
                ),
                1
            );
        }
        let official = shown["dossier"]["official_code"]
            .as_str()
            .unwrap_or_else(|| panic!("{code} has no official code"));
        let on_server = server.query(
            "SELECT official_code FROM official_codes WHERE dossier_code = $1",
            &[code.as_str().into()],
        );
        assert_eq!(on_server[0][0].text(), official);
        // NĐ 118 art. 28: agency code, receipt date YYMMDD, 4-digit daily sequence.
        let parts: Vec<&str> = official.rsplitn(3, '-').collect();
        assert_eq!(parts.len(), 3, "{official}");
        assert_eq!(parts[2], COMMUNE);
        assert!(parts[1].len() == 6 && parts[1].bytes().all(|b| b.is_ascii_digit()));
        assert!(parts[0].len() == 4 && parts[0].bytes().all(|b| b.is_ascii_digit()));
    }

    // Nothing new: one request, no event, no item.
    let second = motcua_json(&dir.0, &["sync"], None);
    assert_eq!(second["requests"], 1, "{second}");
    assert_eq!(second["events_sent"], 0, "{second}");
    assert_eq!(second["items_applied"], 0, "{second}");
    assert_eq!(
        server.count(
            "SELECT count(*) FROM events WHERE device_id = $1",
            std::slice::from_ref(&device)
        ),
        stored
    );

    // The slip printed now carries the official code.
    let pdf = dir.0.join("slip.pdf");
    motcua_json(
        &dir.0,
        &[
            "print",
            "slip",
            &codes[0],
            "-o",
            pdf.to_str().expect("utf-8 path"),
        ],
        None,
    );
    let shown = motcua_json(&dir.0, &["show", &codes[0]], None);
    let official = shown["official_code"].as_str().expect("official code");
    let text = pdf_text(&pdf);
    assert!(
        text.contains(official),
        "the slip shows the official code {official}:\n{text}"
    );
}

/// A plain HTTP/1.1 exchange on loopback (the CLI crate has no HTTP client): status, head and
/// body. `extra` holds whole header lines.
fn http(method: &str, url: &str, extra: &[String], body: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(authority).expect("connect");
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for line in extra {
        head.push_str(line);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(head.as_bytes()).expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let (head, body) = response
        .split_once("\r\n\r\n")
        .map_or((response.clone(), String::new()), |(h, b)| {
            (h.to_string(), b.to_string())
        });
    (status, head, body)
}

fn http_get(url: &str) -> (u16, String) {
    let (status, _, body) = http("GET", url, &[], "");
    (status, body)
}

/// Signs an officer in through the form; the session cookie, or the status when refused.
fn sign_in(server: &Server, login: &str, password: &str) -> Result<String, u16> {
    let form = format!("login={login}&password={password}");
    let (status, head, _) = http(
        "POST",
        &format!("{}/dashboard/login", server.url),
        &["Content-Type: application/x-www-form-urlencoded".to_string()],
        &form,
    );
    if status != 303 {
        return Err(status);
    }
    let cookie = head
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    Ok(cookie.split(';').next().expect("name=value").to_string())
}

/// The district dashboard (issue #7): officers made from the server's command line sign in; the
/// commune table shows the month's on-time rate from the same indicators as the counter's
/// report, the overdue-now count and the last sync; the drill-down lists the overdue dossier by
/// code without any personal data; no session, a wrong password, another commune or a disabled
/// account get nothing.
#[test]
fn district_officers_see_their_communes_and_the_overdue_dossiers() {
    let server = Server::start();
    let dir = TempDir::new("dashboard");
    motcua_json(
        &dir.0,
        &[
            "init",
            "--commune-code",
            COMMUNE,
            "--commune-name",
            "Xã Thử Nghiệm",
            "--counter",
            "Quầy 1",
            "--clerk",
            "Lò Văn Thử",
        ],
        None,
    );
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    let now = chrono::Utc::now().with_timezone(&vietnam);
    let intake = |name: &str, at: chrono::DateTime<chrono::FixedOffset>| {
        let input = serde_json::json!({
            "procedure": "1.001193",
            "citizen": {"name": name, "phone": "0912345678"},
            "channel": "counter",
            "documents": ["Tờ khai đăng ký khai sinh"],
            "received_at": at.to_rfc3339(),
        });
        motcua_json(&dir.0, &["intake", "--json", "-"], Some(&input.to_string()))["code"]
            .as_str()
            .expect("code")
            .to_string()
    };
    // Returned minutes after intake: on time, this month. Received 40 days ago and still open:
    // overdue now.
    let returned = intake("Hầu Thị Dua", now - chrono::Duration::minutes(10));
    for (step, back) in [("start", 8), ("result-ready", 6), ("return", 4)] {
        let at = (now - chrono::Duration::minutes(back)).to_rfc3339();
        motcua_json(&dir.0, &["transition", &returned, step, "--at", &at], None);
    }
    let late = intake("Vàng Văn Chứ", now - chrono::Duration::days(40));
    motcua_json(
        &dir.0,
        &[
            "enroll",
            "--server",
            &server.url,
            "--code",
            &server.enrol_code(),
        ],
        None,
    );
    motcua_json(&dir.0, &["sync"], None);

    // A second commune whose data the restricted officer must not see.
    let other = TempDir::new("dashboard-other");
    motcua_json(
        &other.0,
        &[
            "init",
            "--commune-code",
            "H15.50.05.14",
            "--commune-name",
            "Xã Bên Cạnh",
            "--counter",
            "Quầy 1",
            "--clerk",
            "Lò Văn Thử",
        ],
        None,
    );
    let code = devices::create_enrol_code(&server.db, "H15.50.05.14", now_ms()).expect("code");
    motcua_json(
        &other.0,
        &["enroll", "--server", &server.url, "--code", &code],
        None,
    );
    motcua_json(&other.0, &["sync"], None);

    use motcua_server::officers::{self, Scope};
    officers::add_with_rounds(
        &server.db,
        "huyen",
        "mat-khau-dai-1",
        &Scope::All,
        1000,
        now_ms(),
    )
    .expect("officer");
    // Few hashing rounds keep the debug build fast; the rounds travel in each stored hash.
    officers::add_with_rounds(
        &server.db,
        "xa13",
        "mat-khau-dai-2",
        &Scope::Communes(vec![COMMUNE.into()]),
        1000,
        now_ms(),
    )
    .expect("officer");

    // No session: the sign-in page, never the data.
    let (status, head, _) = http("GET", &format!("{}/dashboard", server.url), &[], "");
    assert_eq!(status, 303);
    assert!(head.to_lowercase().contains("location: /dashboard/login"));
    assert_eq!(sign_in(&server, "huyen", "sai-mat-khau"), Err(401));
    assert_eq!(sign_in(&server, "khong-co", "mat-khau-dai-1"), Err(401));

    let cookie = sign_in(&server, "huyen", "mat-khau-dai-1").expect("signed in");
    let with_cookie = [format!("Cookie: {cookie}")];
    let (status, _, table) = http(
        "GET",
        &format!("{}/dashboard", server.url),
        &with_cookie,
        "",
    );
    assert_eq!(status, 200, "{table}");
    let row = table
        .split("<tr data-commune=")
        .find(|row| row.starts_with(&format!("\"{COMMUNE}\"")))
        .expect("the commune's row");
    assert!(
        row.contains("<td data-field=\"on-time\">100,00%</td>"),
        "{row}"
    );
    assert!(row.contains("✔ Đạt"), "{row}");
    assert!(row.contains("<td data-field=\"overdue\">1</td>"), "{row}");
    assert!(
        table.contains("H15.50.05.14"),
        "the district sees every commune"
    );
    // Last month: nothing was returned then, so no rate (a dash, not 0% nor 100%).
    let last_month = (now.date_naive().with_day(1).expect("first") - chrono::Duration::days(1))
        .format("%Y-%m")
        .to_string();
    let (status, _, earlier) = http(
        "GET",
        &format!("{}/dashboard?thang={last_month}", server.url),
        &with_cookie,
        "",
    );
    assert_eq!(status, 200);
    let row = earlier
        .split("<tr data-commune=")
        .find(|row| row.starts_with(&format!("\"{COMMUNE}\"")))
        .expect("the commune's row");
    assert!(row.contains("<td data-field=\"on-time\">—</td>"), "{row}");

    let (status, _, page) = http(
        "GET",
        &format!("{}/dashboard/xa/{COMMUNE}", server.url),
        &with_cookie,
        "",
    );
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&late),
        "the overdue dossier is listed: {page}"
    );
    assert!(
        !page.contains(&format!("<td>{returned}</td>")),
        "a returned dossier is not overdue"
    );
    assert!(page.contains("id=\"chart-on-time\"") && page.contains("Chỉ tiêu 98%"));
    assert!(
        !page.contains("Vàng Văn Chứ") && !page.contains("0912345678"),
        "no personal data"
    );

    // A commune officer sees their own commune only.
    let restricted = [format!(
        "Cookie: {}",
        sign_in(&server, "xa13", "mat-khau-dai-2").expect("in")
    )];
    let (_, _, table) = http("GET", &format!("{}/dashboard", server.url), &restricted, "");
    assert!(
        table.contains(COMMUNE) && !table.contains("H15.50.05.14"),
        "{table}"
    );
    let (status, _, _) = http(
        "GET",
        &format!("{}/dashboard/xa/H15.50.05.14", server.url),
        &restricted,
        "",
    );
    assert_eq!(status, 403);

    // Disabling an account ends its sessions at once.
    assert!(officers::disable(&server.db, "huyen", now_ms()).expect("disable"));
    let (status, _, _) = http(
        "GET",
        &format!("{}/dashboard", server.url),
        &with_cookie,
        "",
    );
    assert_eq!(status, 303);
    assert_eq!(sign_in(&server, "huyen", "mat-khau-dai-1"), Err(401));
}

/// The slip's QR code opens the server's public lookup page of that dossier (`<server>/tra-cuu/
/// <commune>/<code>`): status, official code and due date, the name masked and never whole
/// (domain.md §9); an unknown code is a 404 page; a burst of lookups from one address is
/// refused with 429 before the database is read.
#[test]
fn the_slip_qr_opens_the_public_lookup_page_with_a_masked_name() {
    let server = Server::start();
    let (dir, codes) = counter_with_dossiers(1);
    motcua_json(
        &dir.0,
        &[
            "enroll",
            "--server",
            &server.url,
            "--code",
            &server.enrol_code(),
        ],
        None,
    );
    motcua_json(&dir.0, &["sync"], None);
    let pdf = dir.0.join("slip.pdf");
    motcua_json(
        &dir.0,
        &[
            "print",
            "slip",
            &codes[0],
            "-o",
            pdf.to_str().expect("utf-8 path"),
        ],
        None,
    );
    let png = dir.0.join("slip");
    let rendered = Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(rendered.success());
    let scanned = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(dir.0.join("slip.png"))
        .output()
        .expect("zbarimg (zbar-tools) must be installed");
    let qr = String::from_utf8_lossy(&scanned.stdout).trim().to_string();
    assert_eq!(qr, format!("{}/tra-cuu/{COMMUNE}/{}", server.url, codes[0]));

    let (status, page) = http_get(&qr);
    assert_eq!(status, 200, "{page}");
    let shown = motcua_json(&dir.0, &["show", &codes[0]], None);
    let official = shown["official_code"].as_str().expect("official code");
    assert!(page.contains(official), "{page}");
    assert!(page.contains("Đã tiếp nhận"), "{page}");
    assert!(page.contains("Người T** A*"), "masked name: {page}");
    assert!(
        !page.contains("Thử An") && !page.contains("0912345678"),
        "{page}"
    );

    let (status, page) = http_get(&format!("{}/tra-cuu/{COMMUNE}/AA991231-999", server.url));
    assert_eq!(status, 404);
    assert!(page.contains("Không tìm thấy hồ sơ"));

    let statuses: Vec<u16> = (0..12).map(|_| http_get(&qr).0).collect();
    assert!(
        statuses.contains(&429),
        "a burst from one address is limited: {statuses:?}"
    );
}

/// `--server` replaces the enrolled address for one run only: a counter enrolled with an
/// address that no longer answers syncs through the one given on the command line.
#[test]
fn server_override_is_used_for_one_run() {
    let server = Server::start();
    let (dir, _codes) = counter_with_dossiers(2);
    motcua_json(
        &dir.0,
        &[
            "enroll",
            "--server",
            &server.url,
            "--code",
            &server.enrol_code(),
        ],
        None,
    );
    // Point the stored credential at a dead address, as after a server move.
    let path = dir.0.join("sync-credential.json");
    let mut credential: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("cred")).expect("json");
    credential["server_url"] = "http://127.0.0.1:9".into();
    std::fs::write(&path, credential.to_string()).expect("rewrite credential");

    let summary = motcua_json(&dir.0, &["sync", "--server", &server.url], None);
    assert_eq!(summary["events_waiting"], 0, "{summary}");
    assert_eq!(summary["official_codes_received"], 2, "{summary}");
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("cred")).expect("json");
    assert_eq!(
        kept["server_url"], "http://127.0.0.1:9",
        "the override is not saved"
    );
    let bad = motcua(&dir.0, &["sync", "--server", "ftp://example"], None);
    let error: serde_json::Value = serde_json::from_slice(&bad.stderr).expect("error JSON");
    assert_eq!(error["code"], "validation");
}
