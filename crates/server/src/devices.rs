//! Device enrolment, authentication and revocation.
//!
//! An administrator prints a one-time code for a commune (`motcua-server enroll-code`); the
//! counter exchanges it once for its own bearer token. Codes and tokens are stored as SHA-256
//! hashes only: a leaked database does not let anyone sync as a counter.

use domain::code::{CounterPrefix, PREFIX_COUNT};
use sha2::{Digest, Sha256};

use crate::storage::{Database, SqlTx, StorageError};
use crate::ServerError;

/// How long an enrolment code stays valid.
pub const ENROL_CODE_TTL_MS: i64 = 24 * 3600 * 1000;

/// An authenticated counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The device id.
    pub device_id: String,
    /// The commune (agency identifier code) it belongs to.
    pub commune: String,
    /// The counter's own identity, kept across re-enrolments (absent for devices enrolled by
    /// counters that did not send one).
    pub counter_id: Option<String>,
}

/// SHA-256, hex: enough for high-entropy secrets (tokens, one-time codes that expire).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], ServerError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| ServerError::Internal(e.to_string()))?;
    Ok(out)
}

/// Whether `commune` looks like an agency identifier code (TT 01/2018 art. 19, e.g.
/// `H15.50.05.13`): 1-32 upper-case letters, digits and dots.
pub fn valid_commune_code(commune: &str) -> bool {
    (1..=32).contains(&commune.len())
        && commune
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.')
}

/// Creates a one-time enrolment code for `commune`, valid [`ENROL_CODE_TTL_MS`].
pub fn create_enrol_code(db: &Database, commune: &str, now_ms: i64) -> Result<String, ServerError> {
    if !valid_commune_code(commune) {
        return Err(ServerError::BadRequest(
            "bad_commune",
            "commune code must be like H15.50.05.13".into(),
        ));
    }
    // 10 characters from a 31-letter alphabet without look-alikes: ~49 bits, typed by hand once.
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let random = random_bytes::<10>()?;
    let mut code: String = random
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    code.insert(5, '-');
    let hash = sha256_hex(normalise_code(&code).as_bytes());
    db.transaction(|tx| {
        tx.exec(
            "INSERT INTO enrol_codes (code_hash, commune, expires_ms) VALUES ($1, $2, $3)",
            &[
                hash.clone().into(),
                commune.into(),
                (now_ms + ENROL_CODE_TTL_MS).into(),
            ],
        )
    })?;
    Ok(code)
}

fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What a counter asks for when it enrols (`POST /api/v1/enroll`).
#[derive(Debug, Clone, Default)]
pub struct EnrolRequest<'a> {
    /// The one-time code.
    pub code: &'a str,
    /// A label for administrators (no personal data).
    pub label: &'a str,
    /// The counter's own stable identity, if it sent one.
    pub counter_id: Option<&'a str>,
    /// The counter prefix it would like to keep, if any.
    pub counter_prefix: Option<&'a str>,
}

/// A new device credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The new device id.
    pub device_id: String,
    /// The bearer token (only its hash is stored).
    pub token: String,
    /// The commune of the one-time code.
    pub commune: String,
    /// The counter prefix the device must use from now on.
    pub counter_prefix: String,
}

/// Exchanges a one-time code for a new device credential: `(device_id, token, commune)`.
pub fn enrol(
    db: &Database,
    code: &str,
    label: &str,
    now_ms: i64,
) -> Result<(String, String, String), ServerError> {
    let enrolled = enrol_counter(
        db,
        &EnrolRequest {
            code,
            label,
            ..EnrolRequest::default()
        },
        now_ms,
    )?;
    Ok((enrolled.device_id, enrolled.token, enrolled.commune))
}

/// Exchanges a one-time code for a new device credential and hands the counter its prefix.
///
/// Local dossier codes are unique in a commune only because each counter has its own
/// two-letter prefix (domain `code` module), and a counter cannot know the others' prefixes
/// offline; so the server, which sees every counter of the commune, decides: the same counter
/// enrolling again (same `counter_id`) keeps its prefix; otherwise the prefix asked for is
/// granted when no other counter of the commune ever held it, else the first free one is.
/// Prefixes of revoked devices stay taken: their codes are still on slips and on the server.
pub fn enrol_counter(
    db: &Database,
    request: &EnrolRequest<'_>,
    now_ms: i64,
) -> Result<Enrolled, ServerError> {
    let hash = sha256_hex(normalise_code(request.code).as_bytes());
    let device_id = format!("dev-{}", hex(&random_bytes::<8>()?));
    let token = hex(&random_bytes::<32>()?);
    let token_hash = sha256_hex(token.as_bytes());
    let label: String = request.label.chars().take(80).collect();
    let counter_id: Option<String> = request
        .counter_id
        .map(|id| id.chars().take(80).collect())
        .filter(|id: &String| !id.is_empty());
    let wanted = request
        .counter_prefix
        .and_then(|p| CounterPrefix::parse(p).ok());
    db.transaction(|tx| {
        let row = tx.query_opt(
            &format!(
                "SELECT commune, expires_ms, used_ms FROM enrol_codes WHERE code_hash = $1{}",
                tx.for_update()
            ),
            &[hash.clone().into()],
        )?;
        let Some(row) = row else {
            return Err(ServerError::Unauthorized("unknown_enrol_code"));
        };
        if !row[2].is_null() {
            return Err(ServerError::Unauthorized("enrol_code_used"));
        }
        if row[1].int() < now_ms {
            return Err(ServerError::Unauthorized("enrol_code_expired"));
        }
        let commune = row[0].text().to_owned();
        tx.exec(
            "UPDATE enrol_codes SET used_ms = $1 WHERE code_hash = $2",
            &[now_ms.into(), hash.clone().into()],
        )?;
        let prefix = grant_prefix(tx, &commune, counter_id.as_deref(), wanted)?;
        tx.exec(
            "INSERT INTO devices (device_id, commune, token_hash, label, created_ms, counter_id, \
             counter_prefix) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                device_id.clone().into(),
                commune.clone().into(),
                token_hash.clone().into(),
                label.clone().into(),
                now_ms.into(),
                counter_id.clone().into(),
                prefix.as_str().into(),
            ],
        )?;
        Ok(Enrolled {
            device_id: device_id.clone(),
            token: token.clone(),
            commune,
            counter_prefix: prefix.as_str().to_owned(),
        })
    })
}

/// The prefix a counter gets at enrolment (see [`enrol_counter`]).
fn grant_prefix(
    tx: &mut dyn SqlTx,
    commune: &str,
    counter_id: Option<&str>,
    wanted: Option<CounterPrefix>,
) -> Result<CounterPrefix, ServerError> {
    // Two counters of one commune enrolling at the same instant must not both read a prefix as
    // free. SQLite transactions here are `BEGIN IMMEDIATE` (one writer at a time); PostgreSQL
    // takes a per-commune advisory lock until the transaction ends.
    if !tx.for_update().is_empty() {
        tx.exec(
            "SELECT pg_advisory_xact_lock(7242002, hashtext($1))",
            &[commune.into()],
        )?;
    }
    let rows = tx.query(
        "SELECT counter_id, counter_prefix FROM devices WHERE commune = $1 AND counter_prefix IS NOT NULL",
        &[commune.into()],
    )?;
    let mut taken = std::collections::HashSet::new();
    for row in &rows {
        let Ok(prefix) = CounterPrefix::parse(row[1].text()) else {
            continue;
        };
        if counter_id.is_some() && row[0].opt_text() == counter_id {
            return Ok(prefix);
        }
        taken.insert(prefix);
    }
    if let Some(prefix) = wanted.filter(|p| !taken.contains(p)) {
        return Ok(prefix);
    }
    (0..PREFIX_COUNT)
        .filter_map(CounterPrefix::from_index)
        .find(|p| !taken.contains(p))
        .ok_or(ServerError::BadRequest(
            "no_counter_prefix_left",
            "every counter prefix of this commune is taken".into(),
        ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The device a bearer token belongs to, if the token is known and not revoked.
pub fn authenticate(tx: &mut dyn SqlTx, token: &str) -> Result<Option<Device>, StorageError> {
    let row = tx.query_opt(
        "SELECT device_id, commune, counter_id FROM devices WHERE token_hash = $1 AND revoked_ms IS NULL",
        &[sha256_hex(token.as_bytes()).into()],
    )?;
    Ok(row.map(|r| Device {
        device_id: r[0].text().to_owned(),
        commune: r[1].text().to_owned(),
        counter_id: r[2].opt_text().map(str::to_owned),
    }))
}

/// Revokes a device: its token stops working at once. Returns whether the device existed.
pub fn revoke(db: &Database, device_id: &str, now_ms: i64) -> Result<bool, ServerError> {
    let changed = db.transaction(|tx| {
        tx.exec(
            "UPDATE devices SET revoked_ms = $1 WHERE device_id = $2 AND revoked_ms IS NULL",
            &[now_ms.into(), device_id.into()],
        )
    })?;
    Ok(changed == 1)
}
