//! The public lookup page: the citizen scans the QR on the slip (`<server>/tra-cuu/<commune>/
//! <dossier code>`) and sees the dossier's status and due date. No login, so nothing personal
//! beyond a masked name (NĐ 13/2023 on personal data, domain.md §9), and rate-limited per
//! address so that codes cannot be walked.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use domain::dossier::DossierStatus;

use crate::storage::{SqlTx, SqlValue, StorageError};

/// What the page shows of one dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupView {
    /// The counter's code of the dossier.
    pub dossier_code: String,
    /// The official code (NĐ 118 art. 28), once assigned.
    pub official_code: Option<String>,
    /// The procedure's name.
    pub procedure_name: String,
    /// The citizen's name, masked by [`masked_name`].
    pub masked_name: String,
    /// The status now, in Vietnamese.
    pub status: &'static str,
    /// When the dossier was received (RFC 3339, Vietnam time).
    pub received_at: String,
    /// The due date in force (after a supplement or an extension), if any.
    pub due_at: Option<String>,
}

/// A name the citizen recognises and a stranger cannot use: the family name whole, then each
/// other word as its first letter followed by one star per remaining letter
/// ("Nguyễn Văn An" → "Nguyễn V** A*").
pub fn masked_name(full_name: &str) -> String {
    let mut words = full_name.split_whitespace();
    let Some(family) = words.next() else {
        return String::new();
    };
    let mut masked = family.to_string();
    for word in words {
        let mut letters = word.chars();
        if let Some(first) = letters.next() {
            masked.push(' ');
            masked.push(first);
            masked.extend(letters.map(|_| '*'));
        }
    }
    masked
}

/// The dossier `dossier_code` of `commune`, from the events the counters sent: the intake
/// gives the procedure, name and first due date; each status change the status and the due
/// date in force. `None` when the server holds no intake of it.
pub fn find(
    tx: &mut dyn SqlTx,
    commune: &str,
    dossier_code: &str,
) -> Result<Option<LookupView>, StorageError> {
    let rows = tx.query(
        "SELECT kind, payload FROM events WHERE commune = $1 AND dossier_code = $2 \
         AND rejected IS NULL AND dup = 0 ORDER BY hlc, seq",
        &[SqlValue::from(commune), SqlValue::from(dossier_code)],
    )?;
    let mut view: Option<LookupView> = None;
    for row in rows {
        let Ok(payload) = serde_json::from_str::<serde_json::Value>(row[1].text()) else {
            continue;
        };
        let text = |key: &str| payload[key].as_str().map(str::to_string);
        match row[0].opt_text() {
            Some("intake") => {
                view = Some(LookupView {
                    dossier_code: dossier_code.to_string(),
                    official_code: None,
                    procedure_name: text("procedure_name").unwrap_or_default(),
                    masked_name: masked_name(payload["citizen"]["name"].as_str().unwrap_or("")),
                    status: DossierStatus::Received.label_vi(),
                    received_at: text("received_at").unwrap_or_default(),
                    due_at: text("due_at"),
                });
            }
            Some("status") => {
                if let Some(view) = view.as_mut() {
                    if let Ok(status) =
                        serde_json::from_value::<DossierStatus>(payload["to"].clone())
                    {
                        view.status = status.label_vi();
                    }
                    // The clock stops while the citizen completes the dossier: no due date then.
                    view.due_at = text("due_at");
                }
            }
            _ => {}
        }
    }
    if let Some(view) = view.as_mut() {
        view.official_code = tx
            .query_opt(
                "SELECT official_code FROM official_codes WHERE commune = $1 AND dossier_code = $2",
                &[SqlValue::from(commune), SqlValue::from(dossier_code)],
            )?
            .map(|row| row[0].text().to_string());
    }
    Ok(view)
}

/// A token bucket per client address: `capacity` lookups at once, refilled at one every
/// `refill_seconds`. The map is cleared when it grows past `MAX_CLIENTS` (an attack from many
/// addresses then only resets buckets, it never grows memory without bound).
pub struct RateLimiter {
    capacity: f64,
    refill_seconds: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

const MAX_CLIENTS: usize = 10_000;

impl RateLimiter {
    /// A limiter allowing bursts of `capacity` and one more lookup every `refill_seconds`.
    pub fn new(capacity: u32, refill_seconds: f64) -> RateLimiter {
        RateLimiter {
            capacity: f64::from(capacity),
            refill_seconds,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `client` may look up now (and takes one token if so).
    pub fn allow(&self, client: IpAddr, now: Instant) -> bool {
        let Ok(mut buckets) = self.buckets.lock() else {
            return false;
        };
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            buckets.clear();
        }
        let (tokens, since) = buckets.entry(client).or_insert((self.capacity, now));
        let refilled = now.saturating_duration_since(*since).as_secs_f64() / self.refill_seconds;
        *tokens = (*tokens + refilled).min(self.capacity);
        *since = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// "16 giờ 30 phút, ngày 25/11/2026" from an RFC 3339 instant, read in the instant's own offset
/// (the counters write Vietnam time).
pub fn when_vi(instant: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(instant) {
        Ok(at) => at.format("%H giờ %M phút, ngày %d/%m/%Y").to_string(),
        Err(_) => instant.to_string(),
    }
}

/// A whole page in the counter's plain style: Vietnamese, no script, no outside resource.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;color:#111}}\
         h1{{font-size:1.3rem}}dl{{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}}\
         dt{{font-weight:600}}dd{{margin:0}}.note{{color:#333;font-size:.9rem}}\
         label{{display:block;margin:.5rem 0 .2rem}}input{{font-size:1rem;padding:.3rem;width:100%}}\
         button{{margin-top:.6rem;font-size:1rem;padding:.4rem 1rem}}</style></head>\
         <body><h1>{title}</h1>{body}</body></html>",
        title = escape(title)
    )
}

/// The page of one dossier.
pub fn dossier_page(view: &LookupView) -> String {
    let mut rows = vec![
        ("Mã hồ sơ", escape(&view.dossier_code)),
        ("Người nộp", escape(&view.masked_name)),
        ("Thủ tục", escape(&view.procedure_name)),
        ("Tình trạng", escape(view.status)),
        ("Ngày tiếp nhận", escape(&when_vi(&view.received_at))),
    ];
    if let Some(official) = &view.official_code {
        rows.insert(1, ("Mã hồ sơ chính thức", escape(official)));
    }
    rows.push((
        "Hẹn trả kết quả",
        match &view.due_at {
            Some(due) => escape(&when_vi(due)),
            None => "Chưa có (đang chờ bổ sung hồ sơ hoặc đã kết thúc)".to_string(),
        },
    ));
    let list: String = rows
        .iter()
        .map(|(label, value)| format!("<dt>{label}</dt><dd data-field=\"{label}\">{value}</dd>"))
        .collect();
    page(
        "Tra cứu hồ sơ",
        &format!(
            "<dl id=\"ho-so\">{list}</dl><p class=\"note\">Thông tin được cập nhật khi Bộ phận \
             Một cửa của xã đồng bộ với máy chủ; tình trạng mới nhất có thể chưa hiện ngay.</p>"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The family name stays; every other letter of the given names is hidden.
    #[test]
    fn masked_name_keeps_the_family_name_and_initials_only() {
        assert_eq!(masked_name("Nguyễn Văn An"), "Nguyễn V** A*");
        assert_eq!(masked_name("  Giàng   Thị  Mỷ "), "Giàng T** M*");
        assert_eq!(masked_name("Lò"), "Lò");
        assert_eq!(masked_name(""), "");
        let masked = masked_name("Thào Seo Chúng");
        assert!(!masked.contains("Seo") && !masked.contains("Chúng"));
    }

    /// A burst of `capacity` passes, the next is refused, and time refills the bucket; other
    /// addresses are not affected.
    #[test]
    fn the_rate_limit_allows_a_burst_then_refills_with_time() {
        let limiter = RateLimiter::new(3, 10.0);
        let start = Instant::now();
        let one: IpAddr = "192.0.2.1".parse().expect("ip");
        let other: IpAddr = "192.0.2.2".parse().expect("ip");
        assert!((0..3).all(|_| limiter.allow(one, start)));
        assert!(!limiter.allow(one, start));
        assert!(limiter.allow(other, start));
        assert!(!limiter.allow(one, start + Duration::from_secs(5)));
        assert!(limiter.allow(one, start + Duration::from_secs(11)));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
