//! Deterministic simulation (sync.md §4 "How to run them" (a)): the real client rounds and the
//! real server logic over an in-memory transport, with proptest-generated schedules of drops,
//! lost replies, duplicates, late (reordered) deliveries and client crashes. After the faults
//! stop, the invariants must hold: every event on the server exactly once, hwm monotonic, the
//! local ack never ahead of the server, the channel converged.

use motcua_server::devices::authenticate;
use motcua_server::storage::Database;
use motcua_server::sync::{handle_push, publish, validate_request};
use proptest::prelude::*;
use sync_client::memory::MemoryOutbox;
use sync_client::{sync_until_idle, Transport, TransportError};
use sync_protocol::synthetic::SyntheticCounter;
use sync_protocol::{codec, Channel};

use crate::common::{fast_config, COMMUNE};

#[derive(Debug, Clone, Copy)]
enum Fault {
    Deliver,
    DropRequest,
    DropReply,
    Duplicate,
    /// Keep the request and deliver it again later, after newer ones (a reordered retry).
    DeliverLate,
}

struct SimTransport<'a> {
    db: &'a Database,
    token: String,
    schedule: Vec<Fault>,
    step: usize,
    late: Vec<Vec<u8>>,
    hwm_seen: u64,
}

impl SimTransport<'_> {
    fn deliver(&mut self, body: &[u8]) -> Result<Vec<u8>, TransportError> {
        let device = self
            .db
            .transaction(|tx| authenticate(tx, &self.token))
            .ok()
            .flatten()
            .ok_or_else(|| TransportError::Network("auth".into()))?;
        let request =
            codec::decode_request(body).map_err(|e| TransportError::Garbled(e.to_string()))?;
        validate_request(&device, &request).map_err(|e| TransportError::Network(e.to_string()))?;
        let reply = self
            .db
            .transaction(|tx| handle_push(tx, &device, &request, 0))
            .map_err(|e| TransportError::Network(e.to_string()))?;
        // Invariant: within one epoch the server's hwm never goes back.
        assert!(
            reply.hwm >= self.hwm_seen,
            "hwm went back: {} < {}",
            reply.hwm,
            self.hwm_seen
        );
        self.hwm_seen = reply.hwm;
        codec::encode_reply(&reply).map_err(|e| TransportError::Garbled(e.to_string()))
    }
}

impl Transport for SimTransport<'_> {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let fault = self
            .schedule
            .get(self.step)
            .copied()
            .unwrap_or(Fault::Deliver);
        self.step += 1;
        if fault != Fault::DeliverLate || self.late.len() > 3 {
            // Late requests from earlier rounds arrive now, before this one.
            for late in std::mem::take(&mut self.late) {
                let _ = self.deliver(&late);
            }
        }
        match fault {
            Fault::Deliver => self.deliver(&body),
            Fault::DropRequest => Err(TransportError::Network("dropped".into())),
            Fault::DropReply => {
                let _ = self.deliver(&body);
                Err(TransportError::Network("reply lost".into()))
            }
            Fault::Duplicate => {
                let _ = self.deliver(&body);
                self.deliver(&body)
            }
            Fault::DeliverLate => {
                self.late.push(body);
                Err(TransportError::Network("timeout".into()))
            }
        }
    }
}

impl PartialEq for Fault {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        4 => Just(Fault::Deliver),
        1 => Just(Fault::DropRequest),
        1 => Just(Fault::DropReply),
        1 => Just(Fault::Duplicate),
        1 => Just(Fault::DeliverLate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// sync.md §4 invariants under generated fault schedules, client crashes (a run cut short
    /// and restarted from the outbox alone) and writes between runs.
    #[test]
    fn invariants_hold_under_generated_fault_schedules(
        schedule in proptest::collection::vec(fault(), 0..40),
        writes in proptest::collection::vec(1usize..6, 1..4),
        crash_after in proptest::collection::vec(1u32..6, 0..3),
        seed in any::<u64>(),
    ) {
        let db = Database::open("sqlite://:memory:").expect("db");
        let code = motcua_server::devices::create_enrol_code(&db, COMMUNE, 0).expect("code");
        let (device_id, token, _) = motcua_server::devices::enrol(&db, &code, "sim", 0).expect("enrol");
        publish(&db, Channel::Calendar, &[("2026.json".into(), "{\"holidays\":[\"2026-09-02\"]}".into())]).expect("publish");
        let outbox = MemoryOutbox::new(&device_id, 9);
        let mut generator = SyntheticCounter::new(seed, COMMUNE);
        let mut transport = SimTransport { db: &db, token, schedule, step: 0, late: Vec::new(), hwm_seen: 0 };
        let mut config = fast_config();
        config.sleep = std::sync::Arc::new(|_| {});
        config.initial_batch_bytes = 1024;
        let mut crashes = crash_after.into_iter();
        for dossiers in writes {
            outbox.append(generator.wire_events(dossiers, 1));
            // A crash: the run stops after a few failures; the next run starts from the outbox.
            let mut crashed = config.clone();
            crashed.max_consecutive_failures = crashes.next().unwrap_or(100);
            let _ = sync_until_idle(&outbox, &mut transport, &crashed, &mut |_| {});
            // Invariant: the local ack never runs ahead of what the server committed.
            let acked = outbox.snapshot().acked.get(&9).copied().unwrap_or(0);
            prop_assert!(acked <= transport.hwm_seen);
        }
        // Faults stop: converge.
        transport.schedule.clear();
        sync_until_idle(&outbox, &mut transport, &config, &mut |_| {}).expect("final sync");
        let state = outbox.snapshot();
        let events = &state.events[&9];
        let last = *events.keys().next_back().expect("events");
        prop_assert_eq!(state.acked[&9], last);
        for event in events.values() {
            let n = db.transaction(|tx| tx.query("SELECT COUNT(*) FROM events WHERE event_id = $1 AND dup = 0", &[event.event_id.as_str().into()])).expect("q")[0][0].int();
            prop_assert_eq!(n, 1);
        }
        let stored = db.transaction(|tx| tx.query("SELECT COUNT(*) FROM events", &[])).expect("q")[0][0].int();
        prop_assert_eq!(stored as u64, last);
        prop_assert!(state.channels[&Channel::Calendar].contains_key("2026.json"));
    }
}
