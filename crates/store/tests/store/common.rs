//! Fixtures: invented people only.

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use domain::dossier::{Channel, Citizen, DocumentForm, ReceivedDocument};
use store::{NewDossier, Store, StoreKey};
use tempfile::TempDir;

pub fn key() -> StoreKey {
    StoreKey::from_bytes([7; 32])
}

/// 2026-11-23 08:00 +07:00 plus `minutes`.
pub fn at(minutes: i64) -> DateTime<FixedOffset> {
    let hanoi = FixedOffset::east_opt(7 * 3600).expect("offset");
    hanoi
        .with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .expect("instant")
        + Duration::minutes(minutes)
}

pub struct Fixture {
    pub dir: TempDir,
    pub store: Store,
}

impl Fixture {
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("motcua.db")
    }
}

pub fn new_store() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::create(&dir.path().join("motcua.db"), &key(), at(0)).expect("create");
    Fixture { dir, store }
}

pub fn citizen(name: &str, id_number: Option<&str>, phone: Option<&str>) -> Citizen {
    Citizen {
        name: name.to_string(),
        id_number: id_number.map(str::to_string),
        phone: phone.map(str::to_string),
        address: Some("Thôn Nà Làng, xã Minh Sơn".to_string()),
    }
}

pub fn new_dossier(code: &str, name: &str, received_minute: i64, due_minute: i64) -> NewDossier {
    NewDossier {
        code: code.to_string(),
        procedure_code: "1.001193".to_string(),
        procedure_name: "Đăng ký khai sinh".to_string(),
        citizen: citizen(name, Some("001090012345"), Some("0912345678")),
        channel: Channel::Counter,
        documents: vec![ReceivedDocument {
            name: "Tờ khai đăng ký khai sinh".to_string(),
            form: DocumentForm::Original,
            count: 1,
        }],
        received_at: at(received_minute),
        due_at: Some(at(due_minute)),
        clerk_id: "clerk-1".to_string(),
    }
}
