//! Synthetic dossiers for benchmarks (store-bench, desk-bench): invented names from many
//! ethnic groups, no real person, reproducible from a seed. Not used by the app.

use chrono::{DateTime, FixedOffset};
use domain::dossier::{Action, Channel, Citizen, DocumentForm, DossierStatus, ReceivedDocument};

use crate::{NewDossier, StatusChange, Store, StoreResult, Timeliness};

/// Family names.
pub const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Giàng", "Thào", "Vàng", "Sùng", "Lò", "Lường", "Quàng", "Triệu",
    "Bàn", "Nông", "Hà", "Mùa", "Lầu", "Cầm", "Thạch", "Sơn", "Đinh", "Quách", "Vi", "Lục",
];
/// Middle names.
pub const MIDDLE: &[&str] = &[
    "Văn", "Thị", "A", "Seo", "Đức", "Minh", "Tả", "Ngọc", "Hữu", "Thanh", "Xuân", "Quốc",
];
/// Given names.
pub const GIVEN: &[&str] = &[
    "An", "Bình", "Páo", "Mỷ", "Mẩy", "Quẩy", "Dền", "Hùng", "Lan", "Hoa", "Dính", "Chử", "Sình",
    "Pẻng", "Nhung", "Tám", "Khoa", "Đào", "Thắng", "Ơn", "Ánh", "Dũng", "Hạnh", "Lả", "Chớ", "Dợ",
    "Khải", "Mai", "Nặm", "Ưởn", "Phúc", "Quang", "Sô Phia", "Tâm", "Vinh", "Yến",
];

/// A reproducible stream of synthetic dossiers (xorshift).
pub struct Synthetic(u64);

impl Synthetic {
    /// A stream fixed by `seed` (not 0).
    pub fn new(seed: u64) -> Synthetic {
        Synthetic(seed.max(1))
    }

    /// The next random number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// One item of `list`.
    pub fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

/// Dossier number `i` (its code), received at `received`.
pub fn dossier(i: u64, random: &mut Synthetic, received: DateTime<FixedOffset>) -> NewDossier {
    let name = format!(
        "{} {} {}",
        random.pick(FAMILY),
        random.pick(MIDDLE),
        random.pick(GIVEN)
    );
    NewDossier {
        code: format!("H15.50.05.13-{}-{:07}", received.format("%y%m%d"), i),
        procedure_code: format!("1.00{}", 1000 + random.below(60)),
        procedure_name: "Đăng ký khai sinh".into(),
        citizen: Citizen {
            name,
            id_number: Some(format!("0{:011}", random.next_u64() % 100_000_000_000)),
            phone: Some(format!("09{:08}", random.next_u64() % 100_000_000)),
            address: Some("Thôn Nà Làng, xã Minh Sơn, tỉnh Tuyên Quang".into()),
        },
        channel: Channel::Counter,
        documents: vec![
            ReceivedDocument {
                name: "Tờ khai".into(),
                form: DocumentForm::Original,
                count: 1,
            },
            ReceivedDocument {
                name: "Giấy chứng sinh".into(),
                form: DocumentForm::CertifiedCopy,
                count: 1,
            },
        ],
        received_at: received,
        due_at: Some(received + chrono::Duration::days(3)),
        clerk_id: format!("clerk-{}", random.below(4)),
    }
}

fn change(
    code: &str,
    action: Action,
    from: DossierStatus,
    to: DossierStatus,
    due: DateTime<FixedOffset>,
) -> StatusChange {
    StatusChange {
        code: code.to_string(),
        timeliness: matches!(action, Action::Return).then_some(Timeliness::OnTime),
        action,
        from,
        to,
        due_at: Some(due),
        clerk_id: "clerk-0".into(),
    }
}

/// Builds the database: `dossiers` spread over the 5 years before `now`, in receipt order, with
/// their status events. Returns the time taken and the number of events.
/// Fills `store` with `dossiers` dossiers spread over the 5 years before `now`, in receipt
/// order, 20,000 per transaction: those older than 10 days processed and returned (3 more
/// events), half of the younger ones started. Calls `progress` with the count every 200,000.
/// Returns the number of events written.
pub fn fill(
    store: &mut Store,
    dossiers: u64,
    now: DateTime<FixedOffset>,
    random: &mut Synthetic,
    progress: &mut dyn FnMut(u64),
) -> StoreResult<u64> {
    let span_ms = 5 * 365 * 24 * 3600 * 1000i64;
    let step_ms = span_ms / dossiers.max(1) as i64;
    let start = now - chrono::Duration::milliseconds(span_ms);
    let batch = 20_000u64;
    let mut events = 0u64;
    let mut i = 0u64;
    while i < dossiers {
        let end = (i + batch).min(dossiers);
        let new: Vec<NewDossier> = (i..end)
            .map(|n| {
                dossier(
                    n,
                    random,
                    start + chrono::Duration::milliseconds(step_ms * n as i64),
                )
            })
            .collect();
        let batch_time = new.last().map_or(start, |d| d.received_at);
        store.take_in_many(&new, batch_time)?;
        events += new.len() as u64;
        // Older than 10 days: processed and returned (3 more events). Younger: half started.
        let mut changes = Vec::new();
        for d in &new {
            let due = d.due_at.unwrap_or(now);
            if now - d.received_at > chrono::Duration::days(10) {
                changes.push(change(
                    &d.code,
                    Action::StartProcessing,
                    DossierStatus::Received,
                    DossierStatus::InProgress,
                    due,
                ));
                changes.push(change(
                    &d.code,
                    Action::ResultReady,
                    DossierStatus::InProgress,
                    DossierStatus::ResultReady,
                    due,
                ));
                changes.push(change(
                    &d.code,
                    Action::Return,
                    DossierStatus::ResultReady,
                    DossierStatus::Returned,
                    due,
                ));
            } else if random.below(2) == 0 {
                changes.push(change(
                    &d.code,
                    Action::StartProcessing,
                    DossierStatus::Received,
                    DossierStatus::InProgress,
                    due,
                ));
            }
        }
        events += changes.len() as u64;
        store.change_status_many(&changes, batch_time + chrono::Duration::days(3))?;
        i = end;
        if i.is_multiple_of(200_000) {
            progress(i);
        }
    }
    Ok(events)
}
