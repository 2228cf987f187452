//! Compact wire form of an event batch (serde `with` module for [`crate::PushRequest::events`]).
//!
//! Measured (sync-bench, `docs/sync-protocol.md`): the random bits of event ids and HLCs cost
//! more than the payloads themselves once zstd has squeezed the JSON. So on the wire:
//! - `seq` is the gap to the previous event's seq (0 for a contiguous batch: one byte);
//! - the HLC travels as the gap in milliseconds to the previous event's and its 16-bit logical
//!   counter apart (usually 0), not as one 64-bit delta whose low 16 zero bits zstd cannot see;
//! - a UUID whose last 32 bits are the event's seq — the store's ids are UUIDv8s of the time,
//!   42 bits of the epoch and the seq — travels as the gap to the HLC milliseconds (usually 0)
//!   and, only when they change within the batch, its 6 middle bytes: about three bytes instead
//!   of 36 hex characters, and almost nothing after zstd;
//! - any other UUIDv7 travels as its 10 non-time bytes; any other id as text, so nothing is lost;
//! - each of these fields travels as a column of the batch, and the payloads are split into
//!   templates and typed value columns ([`crate::columns`]).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::columns::PayloadColumns;
use crate::{WireEvent, MAX_DECODED_BYTES};

#[derive(Serialize, Deserialize)]
enum CompactId {
    Uuid7 {
        ms_delta: i64,
        rest: [u8; 10],
    },
    Text(String),
    /// A UUID ending in this event's 32-bit seq; `middle` (bytes 6..12) is `None` when equal to
    /// the previous such id's in the batch.
    Sequenced {
        ms_delta: i64,
        middle: Option<[u8; 6]>,
    },
}

/// A batch on the wire: each field of the events in its own column (zstd finds the repeats of a
/// column better than those of interleaved fields), the payloads split by [`PayloadColumns`].
#[derive(Serialize, Deserialize)]
struct CompactBatch {
    seq_gaps: Vec<u64>,
    hlc_ms_gaps: Vec<i64>,
    hlc_counters: Vec<u16>,
    ids: Vec<CompactId>,
    payloads: PayloadColumns,
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

/// Compacts one id; `last_middle` holds the middle bytes of the batch's previous sequenced id.
fn compact_id(
    event_id: &str,
    seq: u64,
    hlc_ms: i64,
    last_middle: &mut Option<[u8; 6]>,
) -> CompactId {
    let Some(bytes) = parse_uuid(event_id) else {
        return CompactId::Text(event_id.to_owned());
    };
    let mut ms = [0u8; 8];
    ms[2..].copy_from_slice(&bytes[..6]);
    let ms_delta = i64::from_be_bytes(ms).wrapping_sub(hlc_ms);
    let ends_in_seq = u32::try_from(seq).is_ok_and(|seq| bytes[12..] == seq.to_be_bytes());
    if ends_in_seq {
        let mut middle = [0u8; 6];
        middle.copy_from_slice(&bytes[6..12]);
        let middle = if *last_middle == Some(middle) {
            None
        } else {
            *last_middle = Some(middle);
            Some(middle)
        };
        CompactId::Sequenced { ms_delta, middle }
    } else if bytes[6] >> 4 == 7 {
        let mut rest = [0u8; 10];
        rest.copy_from_slice(&bytes[6..]);
        CompactId::Uuid7 { ms_delta, rest }
    } else {
        CompactId::Text(event_id.to_owned())
    }
}

fn expand_id(
    id: CompactId,
    seq: u64,
    hlc_ms: i64,
    last_middle: &mut Option<[u8; 6]>,
) -> Result<String, &'static str> {
    let mut bytes = [0u8; 16];
    let mut put_ms = |ms_delta: i64| {
        bytes[..6].copy_from_slice(&hlc_ms.wrapping_add(ms_delta).to_be_bytes()[2..]);
    };
    match id {
        CompactId::Text(text) => return Ok(text),
        CompactId::Uuid7 { ms_delta, rest } => {
            put_ms(ms_delta);
            bytes[6..].copy_from_slice(&rest);
        }
        CompactId::Sequenced { ms_delta, middle } => {
            put_ms(ms_delta);
            if middle.is_some() {
                *last_middle = middle;
            }
            let middle = last_middle.ok_or("sequenced event id without its middle bytes")?;
            let seq = u32::try_from(seq).map_err(|_| "sequenced event id beyond 32 bits")?;
            bytes[6..12].copy_from_slice(&middle);
            bytes[12..].copy_from_slice(&seq.to_be_bytes());
        }
    }
    Ok(format_uuid(&bytes))
}

/// The HLC's physical milliseconds (48 bits) and logical counter (16 bits).
fn hlc_parts(hlc: u64) -> (i64, u16) {
    ((hlc >> 16) as i64, (hlc & 0xFFFF) as u16)
}

/// Serializes events in compact form.
pub fn serialize<S: Serializer>(events: &[WireEvent], serializer: S) -> Result<S::Ok, S::Error> {
    let mut prev_seq = 0u64;
    let mut prev_ms = 0i64;
    let mut last_middle = None;
    let mut batch = CompactBatch {
        seq_gaps: Vec::with_capacity(events.len()),
        hlc_ms_gaps: Vec::with_capacity(events.len()),
        hlc_counters: Vec::with_capacity(events.len()),
        ids: Vec::with_capacity(events.len()),
        payloads: PayloadColumns::split(events.iter().map(|e| e.payload.as_str())),
    };
    for e in events {
        let (ms, counter) = hlc_parts(e.hlc);
        // Wrapping arithmetic: out-of-order input still round-trips exactly.
        batch
            .seq_gaps
            .push(e.seq.wrapping_sub(prev_seq).wrapping_sub(1));
        batch.hlc_ms_gaps.push(ms - prev_ms);
        batch.hlc_counters.push(counter);
        batch
            .ids
            .push(compact_id(&e.event_id, e.seq, ms, &mut last_middle));
        prev_seq = e.seq;
        prev_ms = ms;
    }
    batch.serialize(serializer)
}

/// Deserializes events written by [`serialize`].
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<WireEvent>, D::Error> {
    use serde::de::Error;
    let batch = CompactBatch::deserialize(deserializer)?;
    let n = batch.seq_gaps.len();
    if [
        batch.hlc_ms_gaps.len(),
        batch.hlc_counters.len(),
        batch.ids.len(),
    ] != [n; 3]
    {
        return Err(D::Error::custom("event columns of different lengths"));
    }
    let payloads = batch
        .payloads
        .join(MAX_DECODED_BYTES)
        .map_err(D::Error::custom)?;
    if payloads.len() != n {
        return Err(D::Error::custom(
            "payload count differs from the event count",
        ));
    }
    let mut prev_seq = 0u64;
    let mut prev_ms = 0i64;
    let mut last_middle = None;
    let columns = batch
        .seq_gaps
        .into_iter()
        .zip(batch.hlc_ms_gaps)
        .zip(batch.hlc_counters)
        .zip(batch.ids)
        .zip(payloads);
    columns
        .map(|((((seq_gap, hlc_ms_gap), hlc_counter), id), payload)| {
            let seq = prev_seq.wrapping_add(seq_gap).wrapping_add(1);
            // 48 bits of milliseconds: anything else is not an HLC this codec wrote.
            let ms = prev_ms
                .checked_add(hlc_ms_gap)
                .filter(|ms| (0..1 << 48).contains(ms))
                .ok_or_else(|| D::Error::custom("HLC out of range"))?;
            prev_seq = seq;
            prev_ms = ms;
            Ok(WireEvent {
                seq,
                event_id: expand_id(id, seq, ms, &mut last_middle).map_err(D::Error::custom)?,
                hlc: (ms as u64) << 16 | u64::from(hlc_counter),
                payload,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An id shaped like the store's: time, 6 bytes fixed per epoch, the seq.
    fn store_like_id(ms: u64, epoch: u64, seq: u32) -> String {
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
        bytes[6..12].copy_from_slice(&epoch.to_be_bytes()[2..]);
        bytes[12..].copy_from_slice(&seq.to_be_bytes());
        format_uuid(&bytes)
    }

    proptest! {
        /// Any event id (UUID-shaped or not) and any seq/hlc order survive the compact form.
        #[test]
        fn compact_form_round_trips(events in proptest::collection::vec(
            (any::<u64>(), any::<u64>(), prop_oneof![
                "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                "[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
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

        /// Ids ending in their seq (any epoch, seq and time, epochs changing mid-batch as after
        /// a restore) round-trip.
        #[test]
        fn sequenced_ids_round_trip(events in proptest::collection::vec(
            (0u64..1 << 33, 0u64..1 << 48, 0u16..3, 0u64..4, ".{0,20}"), 0..20)) {
            let events: Vec<WireEvent> = events.into_iter().map(|(seq, ms, counter, epoch, payload)| WireEvent {
                seq,
                hlc: ms << 16 | u64::from(counter),
                event_id: u32::try_from(seq).map_or_else(|_| format!("big-{seq}"), |s| store_like_id(ms, epoch, s)),
                payload,
            }).collect();
            #[derive(Serialize, Deserialize)]
            struct Wrap(#[serde(with = "super")] Vec<WireEvent>);
            let bytes = postcard::to_stdvec(&Wrap(events.clone())).expect("encode");
            let back: Wrap = postcard::from_bytes(&bytes).expect("decode");
            prop_assert_eq!(back.0, events);
        }
    }

    /// A contiguous batch of one epoch, events seconds apart: seq, HLC and id together take a
    /// handful of bytes per event before compression (36 hex characters of id alone before).
    #[test]
    fn a_contiguous_batch_of_the_store_ids_costs_a_few_bytes_per_event() {
        let epoch = 0x5A5A_1234_5678_9ABC;
        let events: Vec<WireEvent> = (1..=100u64)
            .map(|seq| {
                let ms = 1_767_312_000_000 + seq * 45_000;
                WireEvent {
                    seq,
                    hlc: ms << 16,
                    event_id: store_like_id(ms, epoch, seq as u32),
                    payload: String::new(),
                }
            })
            .collect();
        #[derive(Serialize, Deserialize)]
        struct Wrap(#[serde(with = "super")] Vec<WireEvent>);
        let bytes = postcard::to_stdvec(&Wrap(events.clone())).expect("encode");
        // seq gap 1 + ms gap 3 + counter 1 + id (variant, delta, no middle) 3 + empty payload 1
        // = 9, plus the first event's middle bytes and absolute time.
        assert!(bytes.len() <= 100 * 9 + 20, "{} bytes", bytes.len());
        let back: Wrap = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(back.0, events);
    }
}
