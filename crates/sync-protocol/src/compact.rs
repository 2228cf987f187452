//! Compact wire form of an event batch (serde `with` module for [`crate::PushRequest::events`]).
//!
//! Measured (sync-bench, `docs/sync-protocol.md`): the random bits of event ids and HLCs cost
//! more than the payloads themselves once zstd has squeezed the JSON. So on the wire:
//! - `seq` is the gap to the previous event's seq (0 for a contiguous batch: one byte);
//! - `hlc` is the signed delta to the previous event's HLC (a few bytes instead of eight);
//! - a canonical lower-case UUIDv7 event id (what the store writes) travels as its 48-bit
//!   timestamp, as a delta to the event's HLC milliseconds (usually 0), plus its 10 other bytes,
//!   instead of 36 hex characters. Any other id travels as text, so nothing is lost.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::WireEvent;

#[derive(Serialize, Deserialize)]
enum CompactId {
    Uuid7 { ms_delta: i64, rest: [u8; 10] },
    Text(String),
}

#[derive(Serialize, Deserialize)]
struct CompactEvent {
    seq_gap: u64,
    hlc_delta: i64,
    id: CompactId,
    payload: String,
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Parses a canonical lower-case UUID text into its 16 bytes.
fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|&i| bytes[i] != b'-') {
        return None;
    }
    let mut out = [0u8; 16];
    let mut nibbles = bytes.iter().filter(|&&c| c != b'-');
    for byte in out.iter_mut() {
        let hi = hex_value(*nibbles.next()?)?;
        let lo = hex_value(*nibbles.next()?)?;
        *byte = hi << 4 | lo;
    }
    Some(out)
}

fn format_uuid(bytes: &[u8; 16]) -> String {
    let mut text = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

fn compact_id(event_id: &str, hlc_ms: i64) -> CompactId {
    match parse_uuid(event_id) {
        Some(bytes) if bytes[6] >> 4 == 7 => {
            let mut ms = [0u8; 8];
            ms[2..].copy_from_slice(&bytes[..6]);
            let mut rest = [0u8; 10];
            rest.copy_from_slice(&bytes[6..]);
            CompactId::Uuid7 {
                ms_delta: i64::from_be_bytes(ms).wrapping_sub(hlc_ms),
                rest,
            }
        }
        _ => CompactId::Text(event_id.to_owned()),
    }
}

fn expand_id(id: CompactId, hlc_ms: i64) -> String {
    match id {
        CompactId::Text(text) => text,
        CompactId::Uuid7 { ms_delta, rest } => {
            let ms = hlc_ms.wrapping_add(ms_delta).to_be_bytes();
            let mut bytes = [0u8; 16];
            bytes[..6].copy_from_slice(&ms[2..]);
            bytes[6..].copy_from_slice(&rest);
            format_uuid(&bytes)
        }
    }
}

fn hlc_ms(hlc: u64) -> i64 {
    (hlc >> 16) as i64
}

/// Serializes events in compact form.
pub fn serialize<S: Serializer>(events: &[WireEvent], serializer: S) -> Result<S::Ok, S::Error> {
    let mut prev_seq = 0u64;
    let mut prev_hlc = 0u64;
    let compact: Vec<CompactEvent> = events
        .iter()
        .map(|e| {
            let item = CompactEvent {
                // Wrapping arithmetic: out-of-order input still round-trips exactly.
                seq_gap: e.seq.wrapping_sub(prev_seq).wrapping_sub(1),
                hlc_delta: e.hlc.wrapping_sub(prev_hlc) as i64,
                id: compact_id(&e.event_id, hlc_ms(e.hlc)),
                payload: e.payload.clone(),
            };
            prev_seq = e.seq;
            prev_hlc = e.hlc;
            item
        })
        .collect();
    compact.serialize(serializer)
}

/// Deserializes events written by [`serialize`].
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<WireEvent>, D::Error> {
    let compact = Vec::<CompactEvent>::deserialize(deserializer)?;
    let mut prev_seq = 0u64;
    let mut prev_hlc = 0u64;
    Ok(compact
        .into_iter()
        .map(|c| {
            let seq = prev_seq.wrapping_add(c.seq_gap).wrapping_add(1);
            let hlc = prev_hlc.wrapping_add(c.hlc_delta as u64);
            prev_seq = seq;
            prev_hlc = hlc;
            WireEvent {
                seq,
                event_id: expand_id(c.id, hlc_ms(hlc)),
                hlc,
                payload: c.payload,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any event id (UUID-shaped or not) and any seq/hlc order survive the compact form.
        #[test]
        fn compact_form_round_trips(events in proptest::collection::vec(
            (any::<u64>(), any::<u64>(), prop_oneof![
                "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                "[0-9A-Fa-f-]{36}",
                ".{0,40}",
            ], ".{0,20}"), 0..20)) {
            let events: Vec<WireEvent> = events.into_iter().map(|(seq, hlc, event_id, payload)| WireEvent { seq, hlc, event_id, payload }).collect();
            #[derive(Serialize, Deserialize)]
            struct Wrap(#[serde(with = "super")] Vec<WireEvent>);
            let bytes = postcard::to_stdvec(&Wrap(events.clone())).expect("encode");
            let back: Wrap = postcard::from_bytes(&bytes).expect("decode");
            prop_assert_eq!(back.0, events);
        }
    }
}
