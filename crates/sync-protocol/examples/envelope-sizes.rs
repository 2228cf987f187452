//! Prints compressed bytes per dossier of a request (`full`), of the same without ids/HLCs, and
//! of the payloads' JSON texts compressed whole with and without the dictionary: the measurement
//! behind the encoding in `docs/sync-protocol.md`. Run: `cargo run -p motcua-sync-protocol --example envelope-sizes`.
use sync_protocol::synthetic::SyntheticCounter;
use sync_protocol::*;
fn main() {
    for n in [1usize, 10, 100, 1000] {
        let mut c = SyntheticCounter::new(7, "H15.50.05.13");
        let events = c.wire_events(n, 1);
        let raw: usize = events.iter().map(|e| e.payload.len()).sum();
        let mk = |ev: Vec<WireEvent>| PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id: "d".into(),
            epoch: 1,
            events: ev,
            follows: vec![],
            max_down_bytes: 0,
        };
        let full = codec::encode_request(&mk(events.clone())).unwrap().len();
        let noid = codec::encode_request(&mk(events
            .iter()
            .cloned()
            .map(|mut e| {
                e.event_id.clear();
                e.hlc = 0;
                e
            })
            .collect()))
        .unwrap()
        .len();
        let payloads: String = events
            .iter()
            .map(|e| e.payload.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let plain19 = zstd::bulk::compress(payloads.as_bytes(), 19).unwrap().len();
        let dict19 = codec::compress(payloads.as_bytes(), 9).unwrap().len();
        println!(
            "n={n} raw/doss={} full={} noid/hlc={} whole-payloads-dict={} whole-payloads-zstd19={}",
            raw / n,
            full / n,
            noid / n,
            dict19 / n,
            plain19 / n
        );
    }
}
