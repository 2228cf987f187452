//! One sync round trip on the server (sync.md §3), in one database transaction: store the batch
//! idempotently, advance the contiguous high-water mark, assign official dossier codes to new
//! intakes, then read the next page of every channel the counter follows.

use chrono::{DateTime, FixedOffset};
use sync_protocol::{
    Channel, ChannelCursor, ChannelPage, DownItem, PageStatus, PushReply, PushRequest, RejectCode,
    Rejection, WireEvent, MAX_EVENT_PAYLOAD_BYTES, PROTOCOL_VERSION,
};

use crate::devices::{sha256_hex, Device};
use crate::storage::{Database, SqlTx, SqlValue, StorageError};
use crate::ServerError;

/// Largest downstream page the server builds for one channel, whatever the counter asks.
pub const MAX_PAGE_BYTES: u32 = 256 * 1024;

/// Reads the server epoch, creating it on first use.
pub fn server_epoch(tx: &mut dyn SqlTx) -> Result<u64, StorageError> {
    if let Some(row) = tx.query_opt("SELECT value FROM meta WHERE key = 'server_epoch'", &[])? {
        return row[0]
            .text()
            .parse()
            .map_err(|_| StorageError::Sql("corrupt server_epoch".into()));
    }
    let epoch = new_epoch()?;
    tx.exec(
        "INSERT INTO meta (key, value) VALUES ('server_epoch', $1)",
        &[epoch.to_string().into()],
    )?;
    Ok(epoch)
}

fn new_epoch() -> Result<u64, StorageError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| StorageError::Sql(e.to_string()))?;
    // 53 bits, never 0: fits every JSON number and the BIGINT columns.
    Ok((u64::from_le_bytes(bytes) & ((1 << 53) - 1)).max(1))
}

/// Gives the server a new epoch: run after restoring the database from a backup (sync.md §4.9),
/// so every counter's channel cursors become stale (snapshot) and counters replay their retained
/// outbox from the high-water mark the restored database reports.
pub fn rotate_server_epoch(db: &Database) -> Result<u64, StorageError> {
    db.transaction(|tx| {
        let epoch = new_epoch()?;
        tx.exec("DELETE FROM meta WHERE key = 'server_epoch'", &[])?;
        tx.exec(
            "INSERT INTO meta (key, value) VALUES ('server_epoch', $1)",
            &[epoch.to_string().into()],
        )?;
        Ok(epoch)
    })
}

fn event_hash(event: &WireEvent) -> String {
    let mut bytes = Vec::with_capacity(event.payload.len() + 48);
    bytes.extend_from_slice(event.event_id.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(&event.hlc.to_be_bytes());
    bytes.extend_from_slice(event.payload.as_bytes());
    sha256_hex(&bytes)
}

/// The fields of a payload the server reads; the rest stays opaque.
struct ParsedPayload {
    kind: Option<String>,
    dossier_code: Option<String>,
    received_at: Option<String>,
}

fn parse_payload(payload: &str) -> Option<(ParsedPayload, Option<String>)> {
    let value: serde_json::Value = serde_json::from_str(payload).ok()?;
    let object = value.as_object()?;
    let text = |k: &str| object.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let kind = text("kind")?;
    Some((
        ParsedPayload {
            kind: Some(kind),
            dossier_code: text("dossier_code"),
            received_at: text("received_at"),
        },
        text("commune"),
    ))
}

/// Checks a decoded request before any write: a request that fails here changes nothing.
pub fn validate_request(device: &Device, request: &PushRequest) -> Result<(), ServerError> {
    if request.protocol != PROTOCOL_VERSION {
        return Err(ServerError::BadRequest(
            "unsupported_protocol",
            "unsupported protocol version".into(),
        ));
    }
    if request.device_id != device.device_id {
        return Err(ServerError::Forbidden("device_mismatch"));
    }
    if request.epoch == 0 || request.epoch > i64::MAX as u64 {
        return Err(ServerError::BadRequest(
            "bad_epoch",
            "epoch must be in 1..2^63".into(),
        ));
    }
    let mut previous = 0u64;
    for event in &request.events {
        if event.seq <= previous || event.seq > i64::MAX as u64 || event.hlc > i64::MAX as u64 {
            return Err(ServerError::BadRequest(
                "bad_sequence",
                "event seqs must increase from 1".into(),
            ));
        }
        previous = event.seq;
        if event.event_id.is_empty() || event.event_id.len() > 64 {
            return Err(ServerError::BadRequest(
                "bad_event_id",
                "event id must be 1-64 bytes".into(),
            ));
        }
        // A payload that names another commune is a forged or misrouted request: refuse it
        // whole (403) rather than storing another commune's data (NĐ 118 art. 5.1.d).
        if event.payload.len() <= MAX_EVENT_PAYLOAD_BYTES {
            if let Some((_, Some(commune))) = parse_payload(&event.payload) {
                if commune != device.commune {
                    return Err(ServerError::Forbidden("cross_commune"));
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for cursor in &request.follows {
        if !seen.insert(cursor.channel) {
            return Err(ServerError::BadRequest(
                "duplicate_channel",
                "a channel is followed twice".into(),
            ));
        }
    }
    Ok(())
}

/// The official dossier code of NĐ 118 art. 28 (format of TT 01/2018 art. 19):
/// agency identifier code, date of receipt `YYMMDD`, 4-digit sequence within the day.
pub fn official_code(commune: &str, receipt_day: &str, daily_seq: i64) -> String {
    format!("{commune}-{receipt_day}-{daily_seq:04}")
}

/// The receipt date `YYMMDD` in Vietnam time (UTC+7) of an RFC 3339 `received_at`.
pub fn receipt_day(received_at: &str) -> Option<String> {
    let at = DateTime::parse_from_rfc3339(received_at).ok()?;
    let vietnam = FixedOffset::east_opt(7 * 3600)?;
    Some(at.with_timezone(&vietnam).format("%y%m%d").to_string())
}

/// Handles one authenticated, validated request in the open transaction `tx`.
pub fn handle_push(
    tx: &mut dyn SqlTx,
    device: &Device,
    request: &PushRequest,
    now_ms: i64,
) -> Result<PushReply, ServerError> {
    let epoch = request.epoch as i64;
    let device_id: SqlValue = device.device_id.as_str().into();
    tx.exec(
        "INSERT INTO device_epochs (device_id, epoch, hwm) VALUES ($1, $2, 0) ON CONFLICT (device_id, epoch) DO NOTHING",
        &[device_id.clone(), epoch.into()],
    )?;
    // Locks the (device, epoch) row: two concurrent copies of one batch (sync.md §4.5) run
    // one after the other.
    let hwm_row = tx.query_opt(
        &format!(
            "SELECT hwm FROM device_epochs WHERE device_id = $1 AND epoch = $2{}",
            tx.for_update()
        ),
        &[device_id.clone(), epoch.into()],
    )?;
    let old_hwm = hwm_row.map_or(0, |r| r[0].int());
    let mut rejected = Vec::new();
    for event in &request.events {
        if let Some(code) = store_event(tx, device, epoch, event, now_ms)? {
            rejected.push(Rejection {
                seq: event.seq,
                code: code.to_owned(),
            });
        }
    }
    // Advance the contiguous high-water mark over whatever is stored, in any arrival order.
    let later = tx.query(
        "SELECT seq FROM events WHERE device_id = $1 AND epoch = $2 AND seq > $3 ORDER BY seq",
        &[device_id.clone(), epoch.into(), old_hwm.into()],
    )?;
    let mut hwm = old_hwm;
    for row in later {
        if row[0].int() != hwm + 1 {
            break;
        }
        hwm += 1;
    }
    if hwm != old_hwm {
        tx.exec(
            "UPDATE device_epochs SET hwm = $1 WHERE device_id = $2 AND epoch = $3",
            &[hwm.into(), device_id, epoch.into()],
        )?;
    }
    let server_epoch = server_epoch(tx)?;
    let budget = request.max_down_bytes.min(MAX_PAGE_BYTES) as usize;
    let mut pages = Vec::with_capacity(request.follows.len());
    for cursor in &request.follows {
        pages.push(read_page(tx, device, server_epoch, cursor, budget)?);
    }
    Ok(PushReply {
        protocol: PROTOCOL_VERSION,
        server_epoch,
        server_time_ms: now_ms,
        hwm: hwm as u64,
        rejected,
        pages,
    })
}

/// Stores one event; returns the rejection code if it is quarantined (it is still stored and
/// still counts for the high-water mark, so it never blocks later events).
fn store_event(
    tx: &mut dyn SqlTx,
    device: &Device,
    epoch: i64,
    event: &WireEvent,
    now_ms: i64,
) -> Result<Option<&'static str>, ServerError> {
    let hash = event_hash(event);
    let key = [
        device.device_id.as_str().into(),
        epoch.into(),
        (event.seq as i64).into(),
    ];
    if let Some(existing) = tx.query_opt(
        "SELECT hash, rejected FROM events WHERE device_id = $1 AND epoch = $2 AND seq = $3",
        &key,
    )? {
        if existing[0].text() == hash {
            // A resend (lost ack, duplicate delivery): nothing changes; the same rejection, if
            // any, is reported again so the reply is the same.
            return Ok(existing[1].opt_text().and_then(known_code));
        }
        tx.exec(
            "INSERT INTO event_conflicts (device_id, epoch, seq, event_id, hash, payload, server_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                key[0].clone(),
                key[1].clone(),
                key[2].clone(),
                event.event_id.as_str().into(),
                hash.into(),
                event.payload.as_str().into(),
                now_ms.into(),
            ],
        )?;
        return Ok(Some(RejectCode::ConflictingPayload.as_str()));
    }
    let too_large = event.payload.len() > MAX_EVENT_PAYLOAD_BYTES;
    let parsed = if too_large {
        None
    } else {
        parse_payload(&event.payload).map(|p| p.0)
    };
    let mut rejected: Option<&'static str> = match (&parsed, too_large) {
        (_, true) => Some(RejectCode::PayloadTooLarge.as_str()),
        (None, _) => Some(RejectCode::MalformedPayload.as_str()),
        _ => None,
    };
    let duplicate = !tx
        .query(
            "SELECT 1 FROM events WHERE event_id = $1 AND dup = 0",
            &[event.event_id.as_str().into()],
        )?
        .is_empty();
    let parsed = parsed.unwrap_or(ParsedPayload {
        kind: None,
        dossier_code: None,
        received_at: None,
    });
    if rejected.is_none() && !duplicate {
        rejected = if parsed.kind.as_deref() == Some("intake") {
            assign_official_code(tx, device, &parsed)?
        } else {
            check_dossier_owner(tx, device, parsed.dossier_code.as_deref())?
        };
    }
    tx.exec(
        "INSERT INTO events (device_id, epoch, seq, event_id, hash, hlc, commune, kind, dossier_code, \
         received_at, payload, server_ms, rejected, dup) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        &[
            key[0].clone(),
            key[1].clone(),
            key[2].clone(),
            event.event_id.as_str().into(),
            hash.into(),
            (event.hlc as i64).into(),
            device.commune.as_str().into(),
            parsed.kind.into(),
            parsed.dossier_code.into(),
            parsed.received_at.into(),
            // A too-large payload is not kept: the quarantine records that it came, not its bytes.
            if too_large { "".into() } else { event.payload.as_str().into() },
            now_ms.into(),
            rejected.map(str::to_owned).into(),
            i64::from(duplicate).into(),
        ],
    )?;
    Ok(rejected)
}

fn known_code(code: &str) -> Option<&'static str> {
    [
        RejectCode::MalformedPayload,
        RejectCode::ConflictingPayload,
        RejectCode::PayloadTooLarge,
        RejectCode::MissingField,
        RejectCode::DailySequenceExhausted,
        RejectCode::WrongCommune,
        RejectCode::LocalCodeTaken,
    ]
    .into_iter()
    .map(RejectCode::as_str)
    .find(|c| *c == code)
}

/// Assigns the official code of a new intake (NĐ 118 art. 28) in the ingest transaction and
/// appends it to the commune's official-codes channel.
fn assign_official_code(
    tx: &mut dyn SqlTx,
    device: &Device,
    parsed: &ParsedPayload,
) -> Result<Option<&'static str>, ServerError> {
    let (Some(dossier_code), Some(day)) = (
        parsed
            .dossier_code
            .as_deref()
            .filter(|c| !c.is_empty() && c.len() <= 64),
        parsed.received_at.as_deref().and_then(receipt_day),
    ) else {
        return Ok(Some(RejectCode::MissingField.as_str()));
    };
    let commune: SqlValue = device.commune.as_str().into();
    if let Some(owner) = tx.query_opt(
        "SELECT counter_id FROM official_codes WHERE commune = $1 AND dossier_code = $2",
        &[commune.clone(), dossier_code.into()],
    )? {
        return Ok(taken_by_another_counter(device, owner[0].opt_text()));
    }
    tx.exec(
        "INSERT INTO daily_counters (commune, day, last) VALUES ($1, $2, 0) ON CONFLICT (commune, day) DO NOTHING",
        &[commune.clone(), day.as_str().into()],
    )?;
    let last = tx
        .query_opt(
            &format!(
                "SELECT last FROM daily_counters WHERE commune = $1 AND day = $2{}",
                tx.for_update()
            ),
            &[commune.clone(), day.as_str().into()],
        )?
        .map_or(0, |r| r[0].int());
    // The sequence has four digits (TT 01/2018 art. 19): the 10,000th dossier of a day cannot
    // get a code; it is quarantined for a person to handle rather than given a malformed one.
    if last >= 9999 {
        return Ok(Some(RejectCode::DailySequenceExhausted.as_str()));
    }
    let next = last + 1;
    tx.exec(
        "UPDATE daily_counters SET last = $1 WHERE commune = $2 AND day = $3",
        &[next.into(), commune.clone(), day.as_str().into()],
    )?;
    let code = official_code(&device.commune, &day, next);
    tx.exec(
        "INSERT INTO official_codes (commune, dossier_code, official_code, counter_id) \
         VALUES ($1, $2, $3, $4)",
        &[
            commune,
            dossier_code.into(),
            code.as_str().into(),
            device.counter_id.clone().into(),
        ],
    )?;
    let doc =
        serde_json::json!({ "dossier_code": dossier_code, "official_code": code }).to_string();
    append_doc(
        tx,
        Channel::OfficialCodes,
        &scope_of(Channel::OfficialCodes, device),
        dossier_code,
        &doc,
    )?;
    Ok(None)
}

/// Quarantines an event about a dossier that another counter of the commune took in under the
/// same local code (both used one prefix before enrolling): applying it would change the other
/// counter's dossier. Counters that did not say who they are are not checked.
fn check_dossier_owner(
    tx: &mut dyn SqlTx,
    device: &Device,
    dossier_code: Option<&str>,
) -> Result<Option<&'static str>, ServerError> {
    let (Some(code), Some(_)) = (dossier_code, device.counter_id.as_deref()) else {
        return Ok(None);
    };
    let owner = tx.query_opt(
        "SELECT counter_id FROM official_codes WHERE commune = $1 AND dossier_code = $2",
        &[device.commune.as_str().into(), code.into()],
    )?;
    Ok(owner.and_then(|row| taken_by_another_counter(device, row[0].opt_text())))
}

fn taken_by_another_counter(device: &Device, owner: Option<&str>) -> Option<&'static str> {
    match (owner, device.counter_id.as_deref()) {
        (Some(owner), Some(me)) if owner != me => Some(RejectCode::LocalCodeTaken.as_str()),
        _ => None,
    }
}

/// Writes the latest version of `key` in a channel at the next position. Returns the position,
/// or `None` when the document is unchanged (nothing to send down).
pub fn append_doc(
    tx: &mut dyn SqlTx,
    channel: Channel,
    scope: &str,
    key: &str,
    doc: &str,
) -> Result<Option<i64>, StorageError> {
    let hash = sha256_hex(doc.as_bytes());
    let ch: SqlValue = channel.as_str().into();
    if let Some(row) = tx.query_opt(
        "SELECT hash FROM channel_docs WHERE channel = $1 AND scope = $2 AND key = $3",
        &[ch.clone(), scope.into(), key.into()],
    )? {
        if row[0].text() == hash {
            return Ok(None);
        }
    }
    tx.exec(
        "INSERT INTO channel_heads (channel, scope, pos) VALUES ($1, $2, 0) ON CONFLICT (channel, scope) DO NOTHING",
        &[ch.clone(), scope.into()],
    )?;
    // Locking the head makes positions commit in order (see the schema comment).
    let pos = tx
        .query_opt(
            &format!(
                "SELECT pos FROM channel_heads WHERE channel = $1 AND scope = $2{}",
                tx.for_update()
            ),
            &[ch.clone(), scope.into()],
        )?
        .map_or(0, |r| r[0].int())
        + 1;
    tx.exec(
        "UPDATE channel_heads SET pos = $1 WHERE channel = $2 AND scope = $3",
        &[pos.into(), ch.clone(), scope.into()],
    )?;
    tx.exec(
        "INSERT INTO channel_docs (channel, scope, key, pos, hash, doc) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (channel, scope, key) DO UPDATE SET pos = excluded.pos, hash = excluded.hash, doc = excluded.doc",
        &[ch, scope.into(), key.into(), pos.into(), hash.into(), doc.into()],
    )?;
    Ok(Some(pos))
}

/// Whose documents a channel holds for `device`: the operator's reference data is everyone's;
/// official codes are the counter's own (scope `commune/counter_id`), so a counter neither
/// downloads the other counters' codes nor applies one to a dossier of its own that happens to
/// share a local code (two counters that used one prefix before enrolling). Devices enrolled
/// without a counter identity keep the commune-wide scope.
fn scope_of(channel: Channel, device: &Device) -> String {
    match (channel, device.counter_id.as_deref()) {
        (Channel::OfficialCodes, Some(counter)) => format!("{}/{counter}", device.commune),
        _ if channel.is_commune_scoped() => device.commune.clone(),
        _ => String::new(),
    }
}

/// The next page of a channel after `cursor`, or `Gone` when the cursor cannot be served.
pub fn read_page(
    tx: &mut dyn SqlTx,
    device: &Device,
    server_epoch: u64,
    cursor: &ChannelCursor,
    budget_bytes: usize,
) -> Result<ChannelPage, StorageError> {
    let scope = scope_of(cursor.channel, device);
    let scope = scope.as_str();
    let ch: SqlValue = cursor.channel.as_str().into();
    let head = tx
        .query_opt(
            "SELECT pos FROM channel_heads WHERE channel = $1 AND scope = $2",
            &[ch.clone(), scope.into()],
        )?
        .map_or(0, |r| r[0].int()) as u64;
    let snapshot_start = ChannelCursor {
        channel: cursor.channel,
        server_epoch,
        pos: 0,
    };
    // pos 0 is a snapshot request, valid in any epoch; otherwise the cursor must be of this
    // epoch and not beyond what the server holds.
    if cursor.pos != 0 && (cursor.server_epoch != server_epoch || cursor.pos > head) {
        return Ok(ChannelPage {
            channel: cursor.channel,
            status: PageStatus::Gone,
            reset: false,
            items: Vec::new(),
            cursor: snapshot_start,
            has_more: false,
        });
    }
    let rows = tx.query(
        "SELECT key, pos, doc FROM channel_docs WHERE channel = $1 AND scope = $2 AND pos > $3 \
         ORDER BY pos LIMIT 1000",
        &[ch, scope.into(), (cursor.pos as i64).into()],
    )?;
    let mut items = Vec::new();
    let mut used = 0usize;
    let mut has_more = false;
    for row in rows.iter() {
        let doc = row[2].text();
        // Always at least one item, so a document larger than the budget still moves.
        if !items.is_empty() && used + doc.len() > budget_bytes {
            has_more = true;
            break;
        }
        used += doc.len() + row[0].text().len();
        items.push(DownItem {
            key: row[0].text().to_owned(),
            pos: row[1].int() as u64,
            doc: doc.to_owned(),
        });
    }
    if rows.len() == 1000 && !has_more {
        has_more = items.last().map(|i| i.pos) < Some(head);
    }
    let last = items.last().map_or(cursor.pos, |i| i.pos);
    Ok(ChannelPage {
        channel: cursor.channel,
        status: PageStatus::Page,
        reset: cursor.pos == 0,
        items,
        cursor: ChannelCursor {
            channel: cursor.channel,
            server_epoch,
            pos: last,
        },
        has_more,
    })
}

/// Publishes reference documents to a global channel. Each `(key, JSON text)` becomes the newest
/// version of `key`; unchanged documents are skipped. Returns how many were written.
pub fn publish(
    db: &Database,
    channel: Channel,
    docs: &[(String, String)],
) -> Result<usize, ServerError> {
    if channel.is_commune_scoped() {
        return Err(ServerError::BadRequest(
            "not_publishable",
            "this channel is written by the server itself".into(),
        ));
    }
    for (key, doc) in docs {
        serde_json::from_str::<serde_json::Value>(doc).map_err(|_| {
            ServerError::BadRequest("malformed_document", format!("{key} is not JSON"))
        })?;
    }
    db.transaction(|tx| {
        let mut written = 0;
        for (key, doc) in docs {
            if append_doc(tx, channel, "", key, doc)?.is_some() {
                written += 1;
            }
        }
        Ok(written)
    })
}
