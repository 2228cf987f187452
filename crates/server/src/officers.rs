//! District officers' accounts and their dashboard sessions. Accounts are made from the server
//! command line only (never from the web); passwords are stored as salted PBKDF2-HMAC-SHA256
//! (600,000 rounds, OWASP 2023), session tokens as SHA-256 of 32 random bytes.

use pbkdf2::pbkdf2_hmac;
use sha2::Sha256;

use crate::devices::{random_bytes, sha256_hex};
use crate::storage::{Database, SqlTx, SqlValue, StorageError};
use crate::ServerError;

const ROUNDS: u32 = 600_000;
/// A dashboard session lasts a working day.
pub const SESSION_MS: i64 = 9 * 3600 * 1000;

/// Which communes an officer sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every commune of the server (the district or province office).
    All,
    /// These communes only.
    Communes(Vec<String>),
}

impl Scope {
    /// Parses `all` or a comma-separated list of commune codes.
    pub fn parse(text: &str) -> Result<Scope, ServerError> {
        if text.trim() == "all" {
            return Ok(Scope::All);
        }
        let communes: Vec<String> = text
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        if communes.is_empty()
            || !communes
                .iter()
                .all(|c| crate::devices::valid_commune_code(c))
        {
            return Err(ServerError::BadRequest(
                "bad_communes",
                "communes must be `all` or agency codes separated by commas".into(),
            ));
        }
        Ok(Scope::Communes(communes))
    }

    fn as_text(&self) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Communes(communes) => communes.join(","),
        }
    }

    /// Whether the officer may see `commune`.
    pub fn allows(&self, commune: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Communes(communes) => communes.iter().any(|c| c == commune),
        }
    }
}

/// A signed-in officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    /// The login.
    pub login: String,
    /// What they may see.
    pub scope: Scope,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_password(password: &str, salt: &[u8], rounds: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, rounds, &mut out);
    hex(&out)
}

/// Constant-time equality of two hex strings of the same length.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Creates or replaces the account `login` (re-enabling it), with `password` of at least 10
/// characters, hashed with the production number of rounds.
pub fn add(
    db: &Database,
    login: &str,
    password: &str,
    scope: &Scope,
    now_ms: i64,
) -> Result<(), ServerError> {
    add_with_rounds(db, login, password, scope, ROUNDS, now_ms)
}

/// [`add`] with a chosen number of PBKDF2 rounds: each stored hash carries its own, so tests
/// (debug builds hash ~10 times slower) can use few, and a later raise of [`add`]'s rounds
/// keeps old hashes valid.
pub fn add_with_rounds(
    db: &Database,
    login: &str,
    password: &str,
    scope: &Scope,
    rounds: u32,
    now_ms: i64,
) -> Result<(), ServerError> {
    let login = login.trim();
    if login.is_empty()
        || login.len() > 64
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(ServerError::BadRequest(
            "bad_login",
            "a login is 1-64 letters, digits, dots, dashes or underscores".into(),
        ));
    }
    if password.chars().count() < 10 {
        return Err(ServerError::BadRequest(
            "weak_password",
            "a password has at least 10 characters".into(),
        ));
    }
    let salt: [u8; 16] = random_bytes()?;
    let rounds = rounds.max(1);
    let stored = format!(
        "pbkdf2-sha256${rounds}${}${}",
        hex(&salt),
        hash_password(password, &salt, rounds)
    );
    db.transaction(|tx| {
        tx.exec("DELETE FROM officers WHERE login = $1", &[login.into()])?;
        tx.exec(
            "INSERT INTO officers (login, password_hash, communes, created_ms, disabled_ms) \
             VALUES ($1, $2, $3, $4, NULL)",
            &[
                login.into(),
                stored.as_str().into(),
                scope.as_text().into(),
                now_ms.into(),
            ],
        )
    })?;
    Ok(())
}

/// Disables an account and ends its sessions. Returns whether it existed.
pub fn disable(db: &Database, login: &str, now_ms: i64) -> Result<bool, ServerError> {
    Ok(db.transaction(|tx| {
        tx.exec(
            "DELETE FROM officer_sessions WHERE login = $1",
            &[login.into()],
        )?;
        tx.exec(
            "UPDATE officers SET disabled_ms = $2 WHERE login = $1 AND disabled_ms IS NULL",
            &[login.into(), now_ms.into()],
        )
    })? > 0)
}

fn parse_stored(stored: &str) -> Option<(u32, Vec<u8>, &str)> {
    let mut parts = stored.split('$');
    if parts.next()? != "pbkdf2-sha256" {
        return None;
    }
    let rounds = parts.next()?.parse().ok()?;
    let salt_hex = parts.next()?;
    let salt = (0..salt_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(salt_hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some((rounds, salt, parts.next()?))
}

/// Checks a login and password; on success opens a session and returns its token (for the
/// cookie). A wrong login and a wrong password take the same time and give the same `None`.
pub fn sign_in(
    db: &Database,
    login: &str,
    password: &str,
    now_ms: i64,
) -> Result<Option<String>, ServerError> {
    let row = db.transaction(|tx| {
        tx.query_opt(
            "SELECT password_hash FROM officers WHERE login = $1 AND disabled_ms IS NULL",
            &[login.trim().into()],
        )
    })?;
    let stored = row.map(|r| r[0].text().to_string());
    // An unknown login still pays for one hash, so timing does not tell which logins exist.
    let (rounds, salt, expected) = match stored.as_deref().and_then(parse_stored) {
        Some((rounds, salt, expected)) => (rounds, salt, Some(expected.to_string())),
        None => (ROUNDS, vec![0u8; 16], None),
    };
    let computed = hash_password(password, &salt, rounds);
    let Some(expected) = expected else {
        return Ok(None);
    };
    if !same(&computed, &expected) {
        return Ok(None);
    }
    let token = hex(&random_bytes::<32>()?);
    db.transaction(|tx| {
        tx.exec(
            "DELETE FROM officer_sessions WHERE expires_ms < $1",
            &[now_ms.into()],
        )?;
        tx.exec(
            "INSERT INTO officer_sessions (token_hash, login, expires_ms) VALUES ($1, $2, $3)",
            &[
                sha256_hex(token.as_bytes()).into(),
                login.trim().into(),
                (now_ms + SESSION_MS).into(),
            ],
        )
    })?;
    Ok(Some(token))
}

/// The officer of a session token, if the session is live and the account enabled.
pub fn session(
    tx: &mut dyn SqlTx,
    token: &str,
    now_ms: i64,
) -> Result<Option<Officer>, StorageError> {
    let row = tx.query_opt(
        "SELECT o.login, o.communes FROM officer_sessions s JOIN officers o ON o.login = s.login \
         WHERE s.token_hash = $1 AND s.expires_ms > $2 AND o.disabled_ms IS NULL",
        &[
            SqlValue::from(sha256_hex(token.as_bytes())),
            SqlValue::from(now_ms),
        ],
    )?;
    Ok(row.and_then(|r| {
        Some(Officer {
            login: r[0].text().to_string(),
            scope: Scope::parse(r[1].text()).ok()?,
        })
    }))
}

/// Ends a session.
pub fn sign_out(db: &Database, token: &str) -> Result<(), ServerError> {
    db.transaction(|tx| {
        tx.exec(
            "DELETE FROM officer_sessions WHERE token_hash = $1",
            &[sha256_hex(token.as_bytes()).into()],
        )
    })?;
    Ok(())
}
