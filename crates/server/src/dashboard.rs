//! The district dashboard: the counters' events projected into the facts the one
//! implementation of the indicators (`domain::report::compute`) reads, and the pages officers
//! see (server-rendered HTML, charts as inline SVG; no script, no outside resource).
//! Officers see codes, procedures and dates; no citizen's personal data is shown.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate};
use domain::dossier::{Channel, DossierStatus};
use domain::due::Timeliness;
use domain::report::{
    compute, level_of_tap, CutOff, DossierFacts, DueChange, Indicators, Outcome, PeriodReport,
    ReportPeriod, TapFact, ON_TIME_TARGET_BASIS_POINTS,
};
use serde_json::Value;

use crate::lookup::{escape, page};
use crate::storage::{SqlTx, SqlValue, StorageError};

fn instant(value: &Value) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(value.as_str()?).ok()
}

/// The counters of the server's communes, with when each last sent something.
pub fn communes(tx: &mut dyn SqlTx) -> Result<Vec<(String, Option<i64>)>, StorageError> {
    let rows = tx.query(
        "SELECT d.commune, MAX(e.server_ms) FROM devices d \
         LEFT JOIN events e ON e.device_id = d.device_id GROUP BY d.commune ORDER BY d.commune",
        &[],
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let last = match &r[1] {
                SqlValue::Int(ms) => Some(*ms),
                _ => None,
            };
            (r[0].text().to_string(), last)
        })
        .collect())
}

/// The facts of every dossier of `commune` and its satisfaction taps, from the events its
/// counters sent (the same fields the counter reads from its own store: intake, then each
/// status change at its device time).
pub fn commune_facts(
    tx: &mut dyn SqlTx,
    commune: &str,
) -> Result<(Vec<DossierFacts>, Vec<TapFact>), StorageError> {
    let rows = tx.query(
        "SELECT kind, payload FROM events WHERE commune = $1 AND rejected IS NULL AND dup = 0 \
         AND kind IN ('intake', 'status', 'tap') ORDER BY hlc, device_id, seq",
        &[SqlValue::from(commune)],
    )?;
    let mut dossiers: BTreeMap<String, DossierFacts> = BTreeMap::new();
    let mut raw_taps = Vec::new();
    for row in rows {
        let Ok(payload) = serde_json::from_str::<Value>(row[1].text()) else {
            continue;
        };
        match row[0].opt_text() {
            Some("intake") => {
                let (Some(code), Some(received_at)) =
                    (payload["code"].as_str(), instant(&payload["received_at"]))
                else {
                    continue;
                };
                let channel = serde_json::from_value::<Channel>(payload["channel"].clone())
                    .unwrap_or(Channel::Counter);
                dossiers.insert(
                    code.to_string(),
                    DossierFacts {
                        code: code.to_string(),
                        received_at,
                        channel,
                        procedure_code: payload["procedure_code"].as_str().unwrap_or("").into(),
                        procedure_name: payload["procedure_name"].as_str().unwrap_or("").into(),
                        clerk_id: payload["clerk_id"].as_str().unwrap_or("").into(),
                        due_history: vec![DueChange {
                            at: received_at,
                            due_at: instant(&payload["due_at"]),
                        }],
                        outcome: None,
                        supplement_requested_at: None,
                        apology_issued_at: None,
                    },
                );
            }
            Some("status") => {
                // The envelope's `dossier_code` names the dossier; the change happened at the
                // device time (a change entered later from a paper book carries its own time).
                let (Some(code), Some(at)) = (
                    payload["dossier_code"].as_str(),
                    instant(&payload["device_time"]),
                ) else {
                    continue;
                };
                let Some(facts) = dossiers.get_mut(code) else {
                    continue;
                };
                facts.due_history.push(DueChange {
                    at,
                    due_at: instant(&payload["due_at"]),
                });
                let action = payload["action"]
                    .as_str()
                    .or_else(|| payload["action"]["action"].as_str());
                match action {
                    Some("request_supplement") => {
                        facts.supplement_requested_at.get_or_insert(at);
                    }
                    Some("extend") => {
                        facts.apology_issued_at.get_or_insert(at);
                    }
                    _ => {}
                }
                if let Ok(to) = serde_json::from_value::<DossierStatus>(payload["to"].clone()) {
                    if to.is_final() {
                        facts.outcome = Some(Outcome {
                            status: to,
                            at,
                            timeliness: serde_json::from_value::<Timeliness>(
                                payload["timeliness"].clone(),
                            )
                            .ok(),
                        });
                    }
                }
            }
            Some("tap") => {
                // A tap about a dossier travels with its fields under `data` (its own
                // `dossier_code` would collide with the envelope's).
                let tap = if payload["data"].is_object() {
                    payload["data"].clone()
                } else {
                    payload
                };
                raw_taps.push(tap);
            }
            _ => {}
        }
    }
    let taps = raw_taps
        .iter()
        .filter_map(|tap| {
            let level = level_of_tap(
                u8::try_from(tap["level"].as_u64()?).ok()?,
                u8::try_from(tap["scale"].as_u64()?).ok()?,
            )?;
            let dossier = tap["dossier_code"].as_str().and_then(|c| dossiers.get(c));
            Some(TapFact {
                tapped_at: instant(&tap["tapped_at"])?,
                level,
                clerk_id: tap["clerk_id"]
                    .as_str()
                    .map(str::to_string)
                    .or_else(|| dossier.map(|d| d.clerk_id.clone())),
                procedure_code: dossier.map(|d| d.procedure_code.clone()),
            })
        })
        .collect();
    Ok((dossiers.into_values().collect(), taps))
}

/// The calendar month holding `day`, and the `n` months before it, oldest first.
pub fn last_months(day: NaiveDate, n: u32) -> Vec<ReportPeriod> {
    let first = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap_or(day);
    (0..n)
        .rev()
        .filter_map(|back| {
            let m = first.checked_sub_months(Months::new(back))?;
            ReportPeriod::month(m.year(), m.month(), CutOff::Calendar).ok()
        })
        .collect()
}

/// "98,36%"; a dash when nothing is rated.
pub fn rate(bp: Option<u32>) -> String {
    bp.map_or_else(|| "—".into(), |bp| format!("{},{:02}%", bp / 100, bp % 100))
}

/// The on-time rate against the 98% target in words and a sign, never colour alone.
pub fn target_mark(indicators: &Indicators) -> String {
    match indicators.meets_on_time_target() {
        Some(true) => "✔ Đạt".into(),
        Some(false) => "✘ Chưa đạt".into(),
        None => "Chưa có hồ sơ trả".into(),
    }
}

/// One commune's line of the table.
pub struct CommuneLine {
    /// The agency code.
    pub commune: String,
    /// Its report of the period.
    pub report: PeriodReport,
    /// Open dossiers overdue now.
    pub overdue_now: u64,
    /// When its counters last sent events (server time, ms).
    pub last_sync_ms: Option<i64>,
}

/// Builds a commune's report of `period` and its overdue-now count.
pub fn commune_line(
    tx: &mut dyn SqlTx,
    commune: &str,
    last_sync_ms: Option<i64>,
    period: &ReportPeriod,
    now: DateTime<FixedOffset>,
) -> Result<CommuneLine, StorageError> {
    let (facts, taps) = commune_facts(tx, commune)?;
    let report = compute(period, now, &facts, &taps);
    let today = ReportPeriod::custom(now.date_naive(), now.date_naive())
        .map(|p| compute(&p, now, &facts, &[]).totals.pending.overdue)
        .unwrap_or(0);
    Ok(CommuneLine {
        commune: commune.to_string(),
        report,
        overdue_now: today,
        last_sync_ms,
    })
}

fn since(now_ms: i64, then_ms: Option<i64>) -> String {
    let Some(then) = then_ms else {
        return "Chưa đồng bộ".into();
    };
    let minutes = (now_ms - then).max(0) / 60_000;
    match minutes {
        0 => "vừa xong".into(),
        m if m < 60 => format!("{m} phút trước"),
        m if m < 48 * 60 => format!("{} giờ trước", m / 60),
        m => format!("{} ngày trước", m / (24 * 60)),
    }
}

/// The commune table of the month holding `month`, with links to the 12 months up to `today`.
pub fn table_page(
    officer: &str,
    month: NaiveDate,
    today: NaiveDate,
    lines: &[CommuneLine],
    now_ms: i64,
) -> String {
    let label = format!("tháng {}", month.format("%m/%Y"));
    let choices: String = last_months(today, 12)
        .iter()
        .rev()
        .map(|period| {
            let first = period.range().0;
            let selected = if first.year() == month.year() && first.month() == month.month() {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{}\"{selected}>{}</option>",
                first.format("%Y-%m"),
                first.format("%m/%Y")
            )
        })
        .collect();
    let picker = format!(
        "<form method=\"get\" action=\"/dashboard\"><label for=\"thang\" style=\"display:inline\">Tháng \
         </label><select id=\"thang\" name=\"thang\">{choices}</select> <button type=\"submit\">Xem</button></form>"
    );
    let rows: String = lines
        .iter()
        .map(|line| {
            let totals = &line.report.totals;
            format!(
                "<tr data-commune=\"{code}\"><th scope=\"row\"><a href=\"/dashboard/xa/{code}\">{code}</a></th>\
                 <td>{received}</td><td data-field=\"on-time\">{rate}</td><td>{mark}</td>\
                 <td data-field=\"overdue\">{overdue}</td><td>{apologies}</td><td>{satisfaction}</td>\
                 <td>{last}</td></tr>",
                code = escape(&line.commune),
                received = totals.received.total(),
                rate = rate(totals.on_time_rate_basis_points()),
                mark = target_mark(totals),
                overdue = line.overdue_now,
                apologies = totals.apologies_issued,
                satisfaction = rate(totals.satisfaction_rate_basis_points()),
                last = since(now_ms, line.last_sync_ms),
            )
        })
        .collect();
    shell(
        officer,
        "Các xã",
        &format!(
            "{picker}<p>Kỳ: {label}. Chỉ tiêu đúng hạn: trên {target}%.</p>\
             <table id=\"communes\"><thead><tr><th>Xã</th><th>Tiếp nhận</th><th>Tỷ lệ đúng hạn</th>\
             <th>Chỉ tiêu 98%</th><th>Quá hạn hiện nay</th><th>Xin lỗi</th><th>Hài lòng</th>\
             <th>Đồng bộ lần cuối</th></tr></thead><tbody>{rows}</tbody></table>",
            label = escape(&label),
            target = ON_TIME_TARGET_BASIS_POINTS / 100,
        ),
    )
}

/// One commune: its figures, monthly charts, by-procedure table and overdue dossiers.
pub fn commune_page(
    officer: &str,
    line: &CommuneLine,
    label: &str,
    months: &[(String, Indicators)],
    overdue: &[(String, String, DateTime<FixedOffset>, i64)],
) -> String {
    let totals = &line.report.totals;
    let figures = [
        ("Tiếp nhận mới", totals.received.total().to_string()),
        ("Kỳ trước chuyển sang", totals.carried_over.to_string()),
        ("Trả trước hạn", totals.resolved.early.to_string()),
        ("Trả đúng hạn", totals.resolved.on_time.to_string()),
        ("Trả quá hạn", totals.resolved.late.to_string()),
        (
            "Đang giải quyết quá hạn",
            totals.pending.overdue.to_string(),
        ),
        ("Yêu cầu bổ sung", totals.supplement_requests.to_string()),
        ("Từ chối", totals.refused.to_string()),
        ("Dừng giải quyết", totals.stopped.to_string()),
        ("Văn bản xin lỗi", totals.apologies_issued.to_string()),
        ("Tỷ lệ đúng hạn", rate(totals.on_time_rate_basis_points())),
        ("Chỉ tiêu 98%", target_mark(totals)),
        (
            "Tỷ lệ hài lòng",
            rate(totals.satisfaction_rate_basis_points()),
        ),
    ];
    let figures: String = figures
        .iter()
        .map(|(k, v)| format!("<dt>{k}</dt><dd>{}</dd>", escape(v)))
        .collect();
    let procedures: String = line
        .report
        .by_procedure
        .iter()
        .map(|row| {
            format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&row.procedure_name),
                row.indicators.received.total(),
                row.indicators.resolved.late,
                rate(row.indicators.on_time_rate_basis_points())
            )
        })
        .collect();
    let overdue_rows: String = overdue
        .iter()
        .map(|(code, procedure, due, days)| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{days}</td></tr>",
                escape(code),
                escape(procedure),
                due.format("%H:%M %d/%m/%Y")
            )
        })
        .collect();
    let on_time: Vec<(String, Option<u32>)> = months
        .iter()
        .map(|(m, i)| (m.clone(), i.on_time_rate_basis_points()))
        .collect();
    let satisfaction: Vec<(String, Option<u32>)> = months
        .iter()
        .map(|(m, i)| (m.clone(), i.satisfaction_rate_basis_points()))
        .collect();
    shell(
        officer,
        &format!("Xã {}", line.commune),
        &format!(
            "<p><a href=\"/dashboard\">← Các xã</a> · Kỳ: {label}</p><dl id=\"figures\">{figures}</dl>\
             {chart_on_time}{chart_satisfaction}\
             <h2>Hồ sơ quá hạn hiện nay</h2>{overdue_table}\
             <h2>Theo thủ tục</h2><table><thead><tr><th>Thủ tục</th><th>Tiếp nhận</th>\
             <th>Trả quá hạn</th><th>Tỷ lệ đúng hạn</th></tr></thead><tbody>{procedures}</tbody></table>",
            label = escape(label),
            chart_on_time = bar_chart("chart-on-time", "Tỷ lệ đúng hạn theo tháng", &on_time, true),
            chart_satisfaction =
                bar_chart("chart-satisfaction", "Tỷ lệ hài lòng theo tháng", &satisfaction, false),
            overdue_table = if overdue.is_empty() {
                "<p id=\"overdue-none\">Không có hồ sơ quá hạn.</p>".to_string()
            } else {
                format!(
                    "<table id=\"overdue\"><thead><tr><th>Mã hồ sơ</th><th>Thủ tục</th>\
                     <th>Hẹn trả</th><th>Số ngày quá hạn</th></tr></thead><tbody>{overdue_rows}</tbody></table>"
                )
            },
        ),
    )
}

/// A month-by-month rate as SVG bars, each labelled with its value; the 98% line when asked.
fn bar_chart(id: &str, title: &str, points: &[(String, Option<u32>)], target: bool) -> String {
    let (width, height, left, bottom, top) = (640.0, 200.0, 36.0, 26.0, 12.0);
    let plot = height - bottom - top;
    let step = (width - left) / points.len().max(1) as f64;
    let y = |bp: u32| top + plot * (1.0 - f64::from(bp.min(10_000)) / 10_000.0);
    let mut svg = format!(
        "<figure><svg id=\"{id}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"{id}-t\" style=\"width:100%;max-width:44rem;background:#fff;border:1px solid #ccd\">\
         <title id=\"{id}-t\">{title}</title>"
    );
    for tick in [0u32, 5000, 10_000] {
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{width}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#dde\"/>\
             <text x=\"{x}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\">{p}%</text>",
            y = y(tick),
            x = left - 4.0,
            ty = y(tick) + 4.0,
            p = tick / 100
        ));
    }
    for (i, (label, value)) in points.iter().enumerate() {
        let x = left + i as f64 * step + step * 0.15;
        let mid = x + step * 0.35;
        match value {
            Some(bp) => svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"#2f6db5\"/>\
                 <text x=\"{mid:.1}\" y=\"{ty:.1}\" font-size=\"10\" text-anchor=\"middle\">{v}</text>",
                top = y(*bp),
                w = step * 0.7,
                h = y(0) - y(*bp),
                ty = y(*bp) - 3.0,
                v = rate(Some(*bp))
            )),
            None => svg.push_str(&format!(
                "<text x=\"{mid:.1}\" y=\"{ty:.1}\" font-size=\"10\" text-anchor=\"middle\">—</text>",
                ty = y(0) - 4.0
            )),
        }
        svg.push_str(&format!(
            "<text x=\"{mid:.1}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            escape(label),
            ty = height - 8.0
        ));
    }
    if target {
        let ty = y(ON_TIME_TARGET_BASIS_POINTS);
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{width}\" y1=\"{ty}\" y2=\"{ty}\" stroke=\"#333\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{x}\" y=\"{t2}\" font-size=\"11\" text-anchor=\"end\">Chỉ tiêu 98%</text>",
            x = width - 2.0,
            t2 = ty + 12.0
        ));
    }
    svg.push_str(&format!("</svg><figcaption>{title}</figcaption></figure>"));
    svg
}

/// The page frame of the dashboard, with the officer and a sign-out button.
fn shell(officer: &str, title: &str, body: &str) -> String {
    page(
        title,
        &format!(
            "<style>body{{max-width:64rem}}table{{border-collapse:collapse;margin:.5rem 0 1rem}}\
             th,td{{border:1px solid #ccd;padding:.2rem .5rem}}td{{text-align:right}}</style>\
             <form method=\"post\" action=\"/dashboard/logout\" style=\"float:right\">\
             <span>{who}</span> <button type=\"submit\">Đăng xuất</button></form>{body}",
            who = escape(officer)
        ),
    )
}

/// The sign-in page, with an optional message.
pub fn login_page(message: Option<&str>) -> String {
    page(
        "Đăng nhập - Bảng theo dõi các xã",
        &format!(
            "{}<form method=\"post\" action=\"/dashboard/login\">\
             <label for=\"login\">Tên đăng nhập</label><input id=\"login\" name=\"login\" autocomplete=\"username\" required>\
             <label for=\"password\">Mật khẩu</label><input id=\"password\" name=\"password\" type=\"password\" \
             autocomplete=\"current-password\" required>\
             <button type=\"submit\" id=\"sign-in\">Đăng nhập</button></form>",
            message.map_or(String::new(), |m| format!("<p role=\"alert\" id=\"login-error\">{}</p>", escape(m)))
        ),
    )
}
