//! A deterministic generator of realistic synthetic counter events, for tests, the sync
//! benchmark and dictionary training. Every person and village is invented from small lists of
//! common Vietnamese name parts; identity numbers are random digits and never real ones.
//!
//! An intake event is about 390 bytes of JSON and each dossier has 2-3 status events after it,
//! the figures sync.md §2 measured the baseline with.

use crate::WireEvent;

/// A small, fast, deterministic PRNG (SplitMix64): reproducible fixtures without a dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Lò", "Hà", "Sùng", "Vàng", "Đinh", "Triệu",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu", "Bảo", "Kim", "A",
    "Seo",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
    "Tuấn", "Vy", "Yến", "Chiến", "Dìn", "Páo", "Lềnh", "Thắm", "Nhung", "Khoa",
];
const VILLAGES: &[&str] = &[
    "Thôn Đông Hà",
    "Xóm Bãi Sậy",
    "Bản Nà Phặc",
    "Thôn Tân Lập",
    "Tổ dân phố 3",
    "Thôn Trung Hòa",
    "Bản Pác Ngòi",
    "Xóm Cầu Đá",
    "Thôn Phú Mỹ",
    "Ấp Bình Thạnh",
    "Thôn Làng Mới",
    "Bản Khuổi Tát",
    "Tổ dân phố Đồng Tâm",
    "Thôn Hạ Long",
    "Xóm Chùa",
    "Ấp Mỹ Phước",
];
const PROCEDURES: &[&str] = &[
    "1.001193", "1.000894", "1.001022", "2.000986", "1.004227", "1.003583", "2.001263", "1.000656",
    "1.004837", "2.000908", "1.001612", "1.000689",
];
const FORMS: &[&str] = &[
    "to_khai",
    "ban_sao",
    "giay_xac_nhan",
    "anh_the",
    "so_ho_khau",
    "hop_dong",
];
const ACTIONS: &[&str] = &[
    "transfer",
    "process",
    "approve",
    "return_result",
    "request_supplement",
];
const NOTES: &[&str] = &[
    "",
    "đủ thành phần",
    "chuyển công chức tư pháp",
    "chờ ký",
    "đã trả kết quả",
    "bổ sung bản sao",
];

/// Days in each month of 2026 (a common year): enough calendar for fixtures without chrono.
const DAYS_IN_MONTH: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// One counter's stream of synthetic dossiers.
#[derive(Debug, Clone)]
pub struct SyntheticCounter {
    rng: SplitMix64,
    commune: String,
    /// Day index from 2026-01-02; about 25 dossiers per day.
    day: u32,
    daily: u32,
    hlc: u64,
    /// 42 random bits of the counter's epoch, in its event ids.
    epoch_tag: u64,
}

impl SyntheticCounter {
    /// A counter of `commune` whose stream is fixed by `seed`.
    pub fn new(seed: u64, commune: &str) -> Self {
        let mut rng = SplitMix64::new(seed);
        let epoch_tag = rng.next_u64() & ((1 << 42) - 1);
        SyntheticCounter {
            rng,
            epoch_tag,
            commune: commune.to_owned(),
            day: 0,
            daily: 0,
            hlc: 1_767_312_000_000 << 16,
        }
    }

    fn date(&self, day_offset: u32) -> (u32, u32) {
        let mut d = (self.day + day_offset) % 360;
        let mut month = 0;
        while d >= DAYS_IN_MONTH[month] - 1 {
            d -= DAYS_IN_MONTH[month] - 1;
            month += 1;
        }
        (month as u32 + 1, d + 2)
    }

    fn timestamp(&mut self, day_offset: u32) -> String {
        let (month, day) = self.date(day_offset);
        let hour = 7 + self.rng.below(10);
        let minute = self.rng.below(60);
        format!("2026-{month:02}-{day:02}T{hour:02}:{minute:02}:00+07:00")
    }

    fn person(&mut self) -> String {
        let surname = self.rng.pick(SURNAMES);
        let middle = self.rng.pick(MIDDLE);
        let given = self.rng.pick(GIVEN);
        format!("{surname} {middle} {given}")
    }

    /// The event id the store would write for `seq` (store `identity::new_event_id`): a UUIDv8
    /// of the HLC's milliseconds, 42 bits of this counter's (random) epoch and the seq.
    pub fn event_id(&self, seq: u64) -> String {
        let ms = self.hlc >> 16;
        let tag = self.epoch_tag;
        format!(
            "{:08x}-{:04x}-8{:03x}-{:04x}-{:04x}{:08x}",
            ms >> 16,
            ms & 0xFFFF,
            (tag >> 30) & 0xFFF,
            0x8000 | ((tag >> 16) & 0x3FFF),
            tag & 0xFFFF,
            seq as u32
        )
    }

    /// The payloads of one dossier: an intake event then 2-3 status events.
    pub fn dossier(&mut self) -> Vec<String> {
        self.daily += 1;
        if self.daily > 25 {
            self.daily = 1;
            self.day += 1;
        }
        let (month, day) = self.date(0);
        let code = format!("A26{month:02}{day:02}-{:04}", self.daily);
        let received_at = self.timestamp(0);
        let due_offset = 3 + self.rng.below(10) as u32;
        let due_at = self.timestamp(due_offset);
        let name = self.person();
        let id_number = format!("0{:011}", self.rng.below(100_000_000_000));
        let phone = format!("09{:08}", self.rng.below(100_000_000));
        let birth_year = 1950 + self.rng.below(56);
        let village = self.rng.pick(VILLAGES);
        let procedure = self.rng.pick(PROCEDURES);
        let n_docs = 1 + self.rng.below(3);
        let documents: Vec<String> = (0..n_docs)
            .map(|_| {
                format!(
                    "{{\"form\":\"{}\",\"copies\":{}}}",
                    self.rng.pick(FORMS),
                    1 + self.rng.below(2)
                )
            })
            .collect();
        let clerk = format!("cb{:02}", 1 + self.rng.below(4));
        let mut payloads = vec![format!(
            "{{\"kind\":\"intake\",\"dossier_code\":\"{code}\",\"received_at\":\"{received_at}\",\
\"procedure\":\"{procedure}\",\"commune\":\"{commune}\",\"channel\":\"in_person\",\
\"applicant\":{{\"name\":\"{name}\",\"birth_year\":{birth_year},\"id_number\":\"{id_number}\",\
\"phone\":\"{phone}\",\"address\":\"{village}\"}},\"documents\":[{docs}],\
\"due_at\":\"{due_at}\",\"clerk\":\"{clerk}\"}}",
            commune = self.commune,
            docs = documents.join(","),
        )];
        let n_status = 2 + self.rng.below(2);
        for i in 0..n_status {
            let action = if i + 1 == n_status {
                "return_result"
            } else {
                self.rng.pick(ACTIONS)
            };
            let at = self.timestamp(1 + i as u32);
            let note = self.rng.pick(NOTES);
            payloads.push(format!(
                "{{\"kind\":\"status\",\"dossier_code\":\"{code}\",\"action\":\"{action}\",\
\"at\":\"{at}\",\"clerk\":\"{clerk}\",\"note\":\"{note}\"}}"
            ));
        }
        if self.rng.below(4) == 0 {
            let score = 1 + self.rng.below(3);
            payloads.push(format!(
                "{{\"kind\":\"tap\",\"dossier_code\":\"{code}\",\"score\":{score}}}"
            ));
        }
        payloads
    }

    /// `n_dossiers` dossiers as outbox events numbered from `first_seq`.
    pub fn wire_events(&mut self, n_dossiers: usize, first_seq: u64) -> Vec<WireEvent> {
        let mut events = Vec::new();
        let mut seq = first_seq;
        for _ in 0..n_dossiers {
            for payload in self.dossier() {
                // A clerk's events are seconds to minutes apart; the HLC counter is usually 0.
                self.hlc += (1 + self.rng.below(90_000)) << 16;
                events.push(WireEvent {
                    seq,
                    event_id: self.event_id(seq),
                    hlc: self.hlc,
                    payload,
                });
                seq += 1;
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixtures match the sizes the benchmark targets are stated for (sync.md §2).
    #[test]
    fn intake_events_are_about_390_bytes_and_dossiers_have_2_to_3_status_events() {
        let mut counter = SyntheticCounter::new(1, "H15.50.05.13");
        let mut intake_bytes = 0;
        for _ in 0..200 {
            let payloads = counter.dossier();
            let statuses = payloads.iter().filter(|p| p.contains("\"status\"")).count();
            assert!((2..=3).contains(&statuses));
            let intake: serde_json::Value = serde_json::from_str(&payloads[0]).expect("json");
            assert_eq!(intake["kind"], "intake");
            intake_bytes += payloads[0].len();
            for p in &payloads[1..] {
                serde_json::from_str::<serde_json::Value>(p).expect("status json");
            }
        }
        let mean = intake_bytes / 200;
        assert!((340..=440).contains(&mean), "mean intake {mean} B");
    }

    /// Same seed, same stream: tests and benchmarks are reproducible.
    #[test]
    fn same_seed_gives_same_events() {
        let a = SyntheticCounter::new(9, "X").wire_events(5, 1);
        let b = SyntheticCounter::new(9, "X").wire_events(5, 1);
        assert_eq!(a, b);
        assert!(a
            .windows(2)
            .all(|w| w[1].seq == w[0].seq + 1 && w[1].hlc > w[0].hlc));
    }
}
