//! The HTTP API: enrolment, authentication, refusals of bad input, official codes, channels.

use std::time::Duration;

use motcua_server::{devices, now_ms, sync as server_sync};
use sync_client::memory::MemoryOutbox;
use sync_client::{sync_until_idle, DeviceCredential, Outbox};
use sync_protocol::synthetic::SyntheticCounter;
use sync_protocol::{
    codec, Channel, ChannelCursor, PushRequest, WireEvent, PROTOCOL_VERSION, SYNC_CONTENT_TYPE,
};

use crate::backend_tests;
use crate::common::*;

fn post(
    server: &TestServer,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Vec<u8>) {
    let client = reqwest::blocking::Client::new();
    let mut request = client
        .post(format!("{}/api/v1/sync", server.base_url()))
        .header("content-type", content_type)
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().expect("send");
    let status = response.status().as_u16();
    (status, response.bytes().expect("body").to_vec())
}

fn push_body(device_id: &str, epoch: u64, events: Vec<WireEvent>) -> Vec<u8> {
    codec::encode_request(&PushRequest {
        protocol: PROTOCOL_VERSION,
        device_id: device_id.to_owned(),
        epoch,
        events,
        follows: vec![ChannelCursor::start(Channel::OfficialCodes)],
        max_down_bytes: 32 * 1024,
    })
    .expect("encode")
}

fn error_code(body: &[u8]) -> String {
    serde_json::from_slice::<sync_protocol::ErrorBody>(body)
        .map(|b| b.code)
        .unwrap_or_default()
}

fn state_fingerprint(server: &TestServer) -> Vec<Vec<String>> {
    let mut rows = server.query("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM events");
    rows.extend(
        server.query("SELECT COUNT(*), CAST(COALESCE(SUM(hwm), 0) AS BIGINT) FROM device_epochs"),
    );
    rows.extend(server.query("SELECT COUNT(*) FROM official_codes"));
    rows
}

/// Enrolment: a one-time code gives a credential once; reuse is refused; the token works
/// until the device is revoked, then every request gets 401 (issue: device revocation).
fn enrolment_is_one_time_and_revocation_locks_out(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let code = devices::create_enrol_code(&server.db, COMMUNE, now_ms()).expect("code");
    let credential = sync_client::enroll(
        &server.base_url(),
        &sync_client::EnrollRequest::new(&code, "quầy 1"),
    )
    .expect("first use");
    assert_eq!(credential.commune, COMMUNE);
    let again = sync_client::enroll(
        &server.base_url(),
        &sync_client::EnrollRequest::new(&code, "quầy 2"),
    )
    .expect_err("second use");
    assert!(
        matches!(again, sync_client::TransportError::Http { status: 401, ref code, .. } if code == "enrol_code_used")
    );
    // Only hashes are stored.
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM devices WHERE token_hash = '{}'",
            credential.token
        )),
        0
    );
    let (status, _) = post(
        &server,
        Some(&credential.token),
        SYNC_CONTENT_TYPE,
        push_body(&credential.device_id, 1, vec![]),
    );
    assert_eq!(status, 200);
    assert!(devices::revoke(&server.db, &credential.device_id, now_ms()).expect("revoke"));
    let (status, body) = post(
        &server,
        Some(&credential.token),
        SYNC_CONTENT_TYPE,
        push_body(&credential.device_id, 1, vec![]),
    );
    assert_eq!((status, error_code(&body).as_str()), (401, "unknown_token"));
    // Expired codes are refused too.
    let expired = devices::create_enrol_code(
        &server.db,
        COMMUNE,
        now_ms() - devices::ENROL_CODE_TTL_MS - 1,
    )
    .expect("code");
    assert!(sync_client::enroll(
        &server.base_url(),
        &sync_client::EnrollRequest::new(&expired, "x")
    )
    .is_err());
}

/// Bad input gets a clear 4xx and changes nothing: no token, unknown token, wrong content type,
/// garbage, wrong compression, oversized body, forged device id, another commune's events.
#[allow(clippy::type_complexity)] // one table row per bad request
fn bad_requests_get_4xx_and_change_nothing(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let events = SyntheticCounter::new(3, COMMUNE).wire_events(3, 1);
    let (status, _) = post(
        &server,
        Some(&credential.token),
        SYNC_CONTENT_TYPE,
        push_body(&credential.device_id, 5, events.clone()),
    );
    assert_eq!(status, 200);
    let before = state_fingerprint(&server);
    let good = push_body(
        &credential.device_id,
        5,
        SyntheticCounter::new(4, COMMUNE).wire_events(2, 20),
    );
    let token = Some(credential.token.as_str());
    let cases: Vec<(&str, Option<&str>, &str, Vec<u8>, u16, &str)> = vec![
        (
            "no token",
            None,
            SYNC_CONTENT_TYPE,
            good.clone(),
            401,
            "missing_token",
        ),
        (
            "unknown token",
            Some("00ff"),
            SYNC_CONTENT_TYPE,
            good.clone(),
            401,
            "unknown_token",
        ),
        (
            "json content type",
            token,
            "application/json",
            good.clone(),
            415,
            "unsupported_media_type",
        ),
        (
            "garbage",
            token,
            SYNC_CONTENT_TYPE,
            b"<html>hello</html>".to_vec(),
            400,
            "bad_compression",
        ),
        (
            "gzip instead of zstd",
            token,
            SYNC_CONTENT_TYPE,
            vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 0, 0, 255, 255],
            400,
            "bad_compression",
        ),
        (
            "zstd of garbage",
            token,
            SYNC_CONTENT_TYPE,
            // The current version, then bytes that are no request.
            codec::compress(
                &[PROTOCOL_VERSION as u8, 0, 0xff, 0xff, 0xff, 0xff, 0xff],
                3,
            )
            .expect("c"),
            400,
            "malformed_body",
        ),
        (
            "oversized",
            token,
            SYNC_CONTENT_TYPE,
            vec![0u8; sync_protocol::MAX_REQUEST_BYTES + 10],
            413,
            "payload_too_large",
        ),
        (
            "forged device id",
            token,
            SYNC_CONTENT_TYPE,
            push_body("dev-someone-else", 5, vec![]),
            403,
            "device_mismatch",
        ),
        (
            "seqs not increasing",
            token,
            SYNC_CONTENT_TYPE,
            push_body(&credential.device_id, 5, {
                let mut e = SyntheticCounter::new(5, COMMUNE).wire_events(2, 30);
                e[1].seq = 30;
                e
            }),
            400,
            "bad_sequence",
        ),
        (
            "cross commune",
            token,
            SYNC_CONTENT_TYPE,
            push_body(
                &credential.device_id,
                5,
                SyntheticCounter::new(6, "H15.50.05.99").wire_events(1, 40),
            ),
            403,
            "cross_commune",
        ),
    ];
    for (name, token, content_type, body, status, code) in cases {
        let (got, reply) = post(&server, token, content_type, body);
        assert_eq!((got, error_code(&reply).as_str()), (status, code), "{name}");
        assert_eq!(
            state_fingerprint(&server),
            before,
            "{name} changed the database"
        );
    }
    // A replayed request is a retry: 200, the same reply, nothing new stored.
    let first = post(
        &server,
        token,
        SYNC_CONTENT_TYPE,
        push_body(&credential.device_id, 5, events.clone()),
    );
    let second = post(
        &server,
        token,
        SYNC_CONTENT_TYPE,
        push_body(&credential.device_id, 5, events),
    );
    assert_eq!(first.0, 200);
    let (a, b) = (
        codec::decode_reply(&first.1).expect("a"),
        codec::decode_reply(&second.1).expect("b"),
    );
    assert_eq!((a.hwm, a.rejected, a.pages), (b.hwm, b.rejected, b.pages));
    assert_eq!(state_fingerprint(&server), before);
}

/// NĐ 118 art. 28 (format TT 01/2018 art. 19): each new intake gets `agency-YYMMDD-NNNN`, the
/// sequence counting per commune per receipt day (Vietnam time) from 0001; a resent intake keeps
/// its code; codes come back down on the official-codes channel of that commune only.
fn official_codes_follow_nd118_art28_per_commune_and_day(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let a = server.enrol(COMMUNE);
    let b = server.enrol("H15.50.05.21");
    let intake = |commune: &str, code: &str, at: &str, seq: u64| {
        WireEvent {
        seq,
        event_id: format!("ev-{commune}-{seq}"),
        hlc: seq << 16,
        payload: format!("{{\"kind\":\"intake\",\"dossier_code\":\"{code}\",\"received_at\":\"{at}\",\"procedure\":\"1.001193\",\"commune\":\"{commune}\"}}"),
    }
    };
    let events_a = vec![
        intake(COMMUNE, "A261008-0001", "2026-10-08T08:00:00+07:00", 1),
        intake(COMMUNE, "A261008-0002", "2026-10-08T16:59:00+07:00", 2),
        // 23:30 UTC on the 8th is the 9th in Vietnam: a new day, sequence back to 0001.
        intake(COMMUNE, "A261009-0001", "2026-10-08T23:30:00Z", 3),
    ];
    let (status, body) = post(
        &server,
        Some(&a.token),
        SYNC_CONTENT_TYPE,
        push_body(&a.device_id, 1, events_a.clone()),
    );
    assert_eq!(status, 200);
    let reply = codec::decode_reply(&body).expect("reply");
    let codes: Vec<String> = reply.pages[0]
        .items
        .iter()
        .map(|i| {
            serde_json::from_str::<serde_json::Value>(&i.doc).expect("doc")["official_code"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(
        codes,
        [
            "H15.50.05.13-261008-0001",
            "H15.50.05.13-261008-0002",
            "H15.50.05.13-261009-0001"
        ]
    );
    // Another commune on the same day starts its own sequence and sees only its own codes.
    let (_, body) = post(
        &server,
        Some(&b.token),
        SYNC_CONTENT_TYPE,
        push_body(
            &b.device_id,
            1,
            vec![intake(
                "H15.50.05.21",
                "A261008-0001",
                "2026-10-08T09:00:00+07:00",
                1,
            )],
        ),
    );
    let reply_b = codec::decode_reply(&body).expect("reply");
    assert_eq!(reply_b.pages[0].items.len(), 1);
    assert!(reply_b.pages[0].items[0]
        .doc
        .contains("H15.50.05.21-261008-0001"));
    // Resending gives no new code.
    post(
        &server,
        Some(&a.token),
        SYNC_CONTENT_TYPE,
        push_body(&a.device_id, 1, events_a),
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM official_codes"), 4);
    // An intake without received_at is quarantined (missing_field) but does not block seq 5.
    let bad = WireEvent {
        seq: 4,
        event_id: "ev-bad".into(),
        hlc: 9 << 16,
        payload: "{\"kind\":\"intake\",\"dossier_code\":\"X\"}".into(),
    };
    let next = intake(COMMUNE, "A261010-0001", "2026-10-10T08:00:00+07:00", 5);
    let (_, body) = post(
        &server,
        Some(&a.token),
        SYNC_CONTENT_TYPE,
        push_body(&a.device_id, 1, vec![bad, next]),
    );
    let reply = codec::decode_reply(&body).expect("reply");
    assert_eq!(reply.hwm, 5);
    assert_eq!(
        reply.rejected,
        vec![sync_protocol::Rejection {
            seq: 4,
            code: "missing_field".into()
        }]
    );
}

/// The 4-digit daily sequence (TT 01/2018 art. 19) is never overflowed: dossier 10,000 of a
/// day is quarantined, not given a 5-digit code.
fn daily_sequence_stops_at_9999(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let a = server.enrol(COMMUNE);
    server
        .db
        .transaction(|tx| {
            tx.exec(
                "INSERT INTO daily_counters (commune, day, last) VALUES ($1, '261008', 9998)",
                &[COMMUNE.into()],
            )
        })
        .expect("seed");
    let events: Vec<WireEvent> = (1..=2).map(|seq| WireEvent { seq, event_id: format!("e{seq}"), hlc: seq, payload: format!("{{\"kind\":\"intake\",\"dossier_code\":\"A{seq}\",\"received_at\":\"2026-10-08T08:00:00+07:00\"}}") }).collect();
    let (_, body) = post(
        &server,
        Some(&a.token),
        SYNC_CONTENT_TYPE,
        push_body(&a.device_id, 1, events),
    );
    let reply = codec::decode_reply(&body).expect("reply");
    assert!(reply.pages[0].items[0].doc.contains("-261008-9999"));
    assert_eq!(
        reply.rejected,
        vec![sync_protocol::Rejection {
            seq: 2,
            code: "daily_sequence_exhausted".into()
        }]
    );
    assert_eq!(reply.hwm, 2);
}

/// sync.md §4.7 and §4.16: the same key with another payload is quarantined and never
/// overwrites; a malformed event is acknowledged and quarantined and later events continue.
fn conflicting_and_poison_events_are_quarantined_without_blocking(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let a = server.enrol(COMMUNE);
    let mut events = SyntheticCounter::new(8, COMMUNE).wire_events(2, 1);
    let n = events.len() as u64;
    events[1].payload = "not json".into();
    let (_, body) = post(
        &server,
        Some(&a.token),
        SYNC_CONTENT_TYPE,
        push_body(&a.device_id, 1, events.clone()),
    );
    let reply = codec::decode_reply(&body).expect("reply");
    assert_eq!(reply.hwm, n);
    assert_eq!(reply.rejected[0].code, "malformed_payload");
    let mut forged = events[0].clone();
    forged.payload = forged.payload.replace("intake", "status");
    let (_, body) = post(
        &server,
        Some(&a.token),
        SYNC_CONTENT_TYPE,
        push_body(&a.device_id, 1, vec![forged]),
    );
    let reply = codec::decode_reply(&body).expect("reply");
    assert_eq!(reply.rejected[0].code, "conflicting_payload");
    let stored = server.query(&format!(
        "SELECT payload FROM events WHERE device_id = '{}' AND seq = 1",
        a.device_id
    ));
    assert_eq!(stored[0][0], events[0].payload, "first payload kept");
    assert_eq!(server.count("SELECT COUNT(*) FROM event_conflicts"), 1);
}

/// Published reference data converges on the counter; a server epoch change (restored backup,
/// sync.md §4.9/§4.21) answers Gone, then a snapshot replaces the channel, without looping.
fn channels_converge_and_stale_cursors_lead_to_one_snapshot(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let credential = server.enrol(COMMUNE);
    let docs: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("proc-{i}.json"),
                format!(
                    "{{\"code\":\"1.00{i}\",\"name\":\"Thủ tục {i}\",\"pad\":\"{}\"}}",
                    "x".repeat(2000)
                ),
            )
        })
        .collect();
    server_sync::publish(&server.db, Channel::Catalog, &docs).expect("publish");
    let outbox = MemoryOutbox::new(&credential.device_id, 1);
    let mut config = fast_config();
    config.max_down_bytes = 16 * 1024;
    let mut transport = transport(&credential, &server.base_url(), Duration::from_secs(10));
    let summary = sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("sync");
    assert!(summary.requests > 2, "paged: {summary:?}");
    assert_eq!(outbox.snapshot().channels[&Channel::Catalog].len(), 40);
    // Nothing new: one request.
    let summary = sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("sync");
    assert_eq!(summary.requests, 1);
    // Server restored: new epoch; one document changed meanwhile.
    server_sync::rotate_server_epoch(&server.db).expect("rotate");
    server_sync::publish(
        &server.db,
        Channel::Catalog,
        &docs[..1]
            .iter()
            .map(|(k, _)| (k.clone(), "{\"code\":\"new\"}".to_owned()))
            .collect::<Vec<_>>(),
    )
    .expect("publish");
    let summary =
        sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("resnapshot");
    assert!(
        summary.requests <= 2 + 40 * 2000 / 16_000 + 1,
        "no loop: {summary:?}"
    );
    let state = outbox.snapshot();
    assert_eq!(state.channels[&Channel::Catalog].len(), 40);
    assert_eq!(
        state.channels[&Channel::Catalog]["proc-0.json"].1,
        "{\"code\":\"new\"}"
    );
    let epoch = server.query("SELECT value FROM meta WHERE key = 'server_epoch'")[0][0]
        .parse::<u64>()
        .expect("epoch");
    assert_eq!(
        outbox
            .cursor(Channel::Catalog)
            .expect("cursor")
            .map(|c| c.server_epoch),
        Some(epoch)
    );
}

fn enrol_counter(
    server: &TestServer,
    commune: &str,
    counter_id: &str,
    prefix: &str,
) -> DeviceCredential {
    let code = devices::create_enrol_code(&server.db, commune, now_ms()).expect("code");
    let request = sync_client::EnrollRequest {
        counter_id: Some(counter_id.to_owned()),
        counter_prefix: Some(prefix.to_owned()),
        ..sync_client::EnrollRequest::new(&code, "quầy")
    };
    sync_client::enroll(&server.base_url(), &request).expect("enrol")
}

/// Local dossier codes are unique in a commune only through distinct counter prefixes
/// (domain `code`), so the server hands them out at enrolment: the prefix asked for when no
/// other counter of the commune holds it, else the first free one; the same counter enrolling
/// again keeps its own; another commune's prefixes do not count.
fn counter_prefixes_are_unique_within_a_commune(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let granted = |c: &DeviceCredential| c.counter_prefix.clone().expect("prefix");
    let first = enrol_counter(&server, COMMUNE, "counter-1", "AA");
    assert_eq!(granted(&first), "AA");
    let second = enrol_counter(&server, COMMUNE, "counter-2", "AA");
    assert_eq!(granted(&second), "AB", "AA is taken: the first free prefix");
    let third = enrol_counter(&server, COMMUNE, "counter-3", "KM");
    assert_eq!(granted(&third), "KM", "a free prefix asked for is granted");
    let elsewhere = enrol_counter(&server, "H15.50.05.21", "counter-9", "AA");
    assert_eq!(granted(&elsewhere), "AA", "prefixes are per commune");
    // The first counter enrols again (say, after its credential was revoked): it keeps AA even
    // though it now asks for another one, and nobody else can take AA later.
    assert!(devices::revoke(&server.db, &first.device_id, now_ms()).expect("revoke"));
    let again = enrol_counter(&server, COMMUNE, "counter-1", "XY");
    assert_eq!(granted(&again), "AA");
    let fourth = enrol_counter(&server, COMMUNE, "counter-4", "AA");
    assert_eq!(granted(&fourth), "AC");
    // A counter that sends no identity or wish still gets a free prefix.
    let code = devices::create_enrol_code(&server.db, COMMUNE, now_ms()).expect("code");
    let plain = sync_client::enroll(
        &server.base_url(),
        &sync_client::EnrollRequest::new(&code, "quầy"),
    )
    .expect("enrol");
    assert_eq!(granted(&plain), "AD");
}

/// Two counters that both used prefix AA before enrolling issue the same local code. The first
/// to sync owns it; the other counter's intake and later events for that code are quarantined
/// (`local_code_taken`) instead of being merged into the first counter's dossier, and the
/// official code is never handed to the wrong dossier.
fn a_local_code_used_by_two_counters_is_never_merged(backend: Backend) {
    let Some(server) = TestServer::start(backend) else {
        return;
    };
    let a = enrol_counter(&server, COMMUNE, "counter-a", "AA");
    let b = enrol_counter(&server, COMMUNE, "counter-b", "AA");
    let event = |counter: &str, seq: u64, payload: String| WireEvent {
        seq,
        event_id: format!("ev-{counter}-{seq}"),
        hlc: seq << 16,
        payload,
    };
    let intake = |code: &str| {
        format!("{{\"kind\":\"intake\",\"dossier_code\":\"{code}\",\"received_at\":\"2026-10-08T08:00:00+07:00\",\"procedure\":\"1.001193\"}}")
    };
    let status = |code: &str| {
        format!("{{\"kind\":\"status_changed\",\"dossier_code\":\"{code}\",\"action\":\"result_ready\"}}")
    };
    let push = |credential: &DeviceCredential, events: Vec<WireEvent>| {
        let (http, body) = post(
            &server,
            Some(&credential.token),
            SYNC_CONTENT_TYPE,
            push_body(&credential.device_id, 1, events),
        );
        assert_eq!(http, 200);
        codec::decode_reply(&body).expect("reply")
    };
    let reply_a = push(&a, vec![event("a", 1, intake("AA261008-001"))]);
    assert!(reply_a.rejected.is_empty());
    let reply_b = push(
        &b,
        vec![
            event("b", 1, intake("AA261008-001")),
            event("b", 2, status("AA261008-001")),
            event("b", 3, intake("AB261008-001")),
        ],
    );
    let rejected: Vec<(u64, &str)> = reply_b
        .rejected
        .iter()
        .map(|r| (r.seq, r.code.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [(1, "local_code_taken"), (2, "local_code_taken")],
        "B's own dossier under its new prefix goes through"
    );
    assert_eq!(reply_b.hwm, 3, "quarantined events never block later ones");
    // B is sent only the official code of its own dossier, never A's for the shared code
    // (official codes are scoped to the counter that took the dossier in).
    let docs: Vec<&str> = reply_b.pages[0]
        .items
        .iter()
        .map(|i| i.doc.as_str())
        .collect();
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert!(docs[0].contains("AB261008-001"), "{docs:?}");
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM official_codes WHERE dossier_code = 'AA261008-001' AND counter_id = 'counter-a'"
        ),
        1
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM official_codes"), 2);
    // A's own later event for its dossier is accepted as before.
    let reply_a = push(&a, vec![event("a", 2, status("AA261008-001"))]);
    assert!(reply_a.rejected.is_empty());
    assert_eq!(reply_a.hwm, 2);
}

backend_tests!(
    enrolment_is_one_time_and_revocation_locks_out,
    bad_requests_get_4xx_and_change_nothing,
    official_codes_follow_nd118_art28_per_commune_and_day,
    daily_sequence_stops_at_9999,
    conflicting_and_poison_events_are_quarantined_without_blocking,
    channels_converge_and_stale_cursors_lead_to_one_snapshot,
    counter_prefixes_are_unique_within_a_commune,
    a_local_code_used_by_two_counters_is_never_merged,
);
