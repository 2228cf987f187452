//! Body encoding: postcard, then zstd with a dictionary trained on synthetic dossier events.
//!
//! Why postcard and not JSON: event payloads are already JSON text, so a JSON envelope would
//! escape every quote of every payload; postcard frames them as length-prefixed strings and
//! numbers as varints; inside, the payloads themselves go by column ([`crate::columns`]).
//! Why a dictionary: a one-dossier batch (the common "+1 intake" sync) compresses poorly on its
//! own; the dictionary supplies the field names and common values (sync.md §2 floors).
//! Decoding is bounded by [`MAX_DECODED_BYTES`] so a compression bomb cannot exhaust memory.

use std::io::{Read, Write};
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{PushReply, PushRequest, MAX_DECODED_BYTES, PROTOCOL_VERSION};

/// The zstd dictionary of protocol v2, trained by `train-sync-dictionary` on synthetic events.
/// Never change it in place: a new dictionary needs a new protocol version and content type.
pub const DICTIONARY_V2: &[u8] = include_bytes!("../assets/events-v2.dict");

/// zstd level for requests: batches are small and counters have CPU to spare; the link does not.
pub const REQUEST_LEVEL: i32 = 19;

/// zstd level for replies: the server answers many counters at once.
pub const REPLY_LEVEL: i32 = 3;

/// Why a body could not be encoded or decoded.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The body is not a zstd frame made with the v2 dictionary, or is truncated.
    #[error("body is not a valid zstd frame: {0}")]
    Decompress(String),
    /// The decompressed body exceeds [`MAX_DECODED_BYTES`].
    #[error("decompressed body exceeds {MAX_DECODED_BYTES} bytes")]
    TooLarge,
    /// The decompressed bytes are not a postcard message of the expected type.
    #[error("body does not decode: {0}")]
    Decode(String),
    /// The sender speaks a protocol version this build cannot read.
    #[error("unsupported protocol version {0}")]
    UnsupportedVersion(u16),
    /// Compression failed (only on allocation failure in practice).
    #[error("compression failed: {0}")]
    Compress(String),
}

impl CodecError {
    /// A stable code for error bodies and logs.
    pub fn code(&self) -> &'static str {
        match self {
            CodecError::Decompress(_) => "bad_compression",
            CodecError::TooLarge => "body_too_large",
            CodecError::Decode(_) => "malformed_body",
            CodecError::UnsupportedVersion(_) => "unsupported_protocol",
            CodecError::Compress(_) => "compression_failed",
        }
    }
}

fn encoder_dictionary(level: i32) -> &'static zstd::dict::EncoderDictionary<'static> {
    static REQUEST: OnceLock<zstd::dict::EncoderDictionary<'static>> = OnceLock::new();
    static REPLY: OnceLock<zstd::dict::EncoderDictionary<'static>> = OnceLock::new();
    let cell = if level == REQUEST_LEVEL {
        &REQUEST
    } else {
        &REPLY
    };
    cell.get_or_init(|| zstd::dict::EncoderDictionary::copy(DICTIONARY_V2, level))
}

fn decoder_dictionary() -> &'static zstd::dict::DecoderDictionary<'static> {
    static CELL: OnceLock<zstd::dict::DecoderDictionary<'static>> = OnceLock::new();
    CELL.get_or_init(|| zstd::dict::DecoderDictionary::copy(DICTIONARY_V2))
}

/// Compresses `raw` with the v2 dictionary at `level` ([`REQUEST_LEVEL`] or [`REPLY_LEVEL`]).
pub fn compress(raw: &[u8], level: i32) -> Result<Vec<u8>, CodecError> {
    let err = |e: std::io::Error| CodecError::Compress(e.to_string());
    let mut encoder = zstd::stream::Encoder::with_prepared_dictionary(
        Vec::with_capacity(raw.len() / 3 + 64),
        encoder_dictionary(level),
    )
    .map_err(err)?;
    encoder.include_checksum(true).map_err(err)?;
    encoder.write_all(raw).map_err(err)?;
    encoder.finish().map_err(err)
}

/// Decompresses a body made by [`compress`], refusing to produce more than [`MAX_DECODED_BYTES`].
pub fn decompress(body: &[u8]) -> Result<Vec<u8>, CodecError> {
    let decoder = zstd::stream::Decoder::with_prepared_dictionary(body, decoder_dictionary())
        .map_err(|e| CodecError::Decompress(e.to_string()))?;
    let mut out = Vec::new();
    decoder
        .take(MAX_DECODED_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| CodecError::Decompress(e.to_string()))?;
    if out.len() > MAX_DECODED_BYTES {
        return Err(CodecError::TooLarge);
    }
    Ok(out)
}

fn encode<T: Serialize>(value: &T, level: i32) -> Result<Vec<u8>, CodecError> {
    let raw = postcard::to_stdvec(value).map_err(|e| CodecError::Decode(e.to_string()))?;
    compress(&raw, level)
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    let raw = decompress(body)?;
    // The version is the first field of both messages: read it alone first so that a newer
    // sender gets "unsupported protocol" rather than a confusing decode error.
    let (version, _) =
        postcard::take_from_bytes::<u16>(&raw).map_err(|e| CodecError::Decode(e.to_string()))?;
    if version != PROTOCOL_VERSION {
        return Err(CodecError::UnsupportedVersion(version));
    }
    let (value, rest) =
        postcard::take_from_bytes::<T>(&raw).map_err(|e| CodecError::Decode(e.to_string()))?;
    if !rest.is_empty() {
        return Err(CodecError::Decode("trailing bytes".into()));
    }
    Ok(value)
}

/// Encodes a request body.
pub fn encode_request(request: &PushRequest) -> Result<Vec<u8>, CodecError> {
    encode(request, REQUEST_LEVEL)
}

/// Decodes a request body; every failure is a clean error, never a panic.
pub fn decode_request(body: &[u8]) -> Result<PushRequest, CodecError> {
    decode(body)
}

/// Encodes a reply body.
pub fn encode_reply(reply: &PushReply) -> Result<Vec<u8>, CodecError> {
    encode(reply, REPLY_LEVEL)
}

/// Decodes a reply body.
pub fn decode_reply(body: &[u8]) -> Result<PushReply, CodecError> {
    decode(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::SyntheticCounter;
    use crate::{Channel, ChannelCursor, WireEvent};
    use proptest::prelude::*;

    fn sample_request(n_dossiers: usize) -> PushRequest {
        let mut counter = SyntheticCounter::new(7, "H15.50.05.13");
        let events: Vec<WireEvent> = counter.wire_events(n_dossiers, 1);
        PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id: "dev-1".into(),
            epoch: 42,
            events,
            follows: vec![ChannelCursor::start(Channel::Catalog)],
            max_down_bytes: 32 * 1024,
        }
    }

    /// Round trip: what the counter encodes the server decodes unchanged.
    #[test]
    fn request_round_trips() {
        let request = sample_request(20);
        let body = encode_request(&request).expect("encode");
        assert_eq!(decode_request(&body).expect("decode"), request);
    }

    /// Bodies from a newer protocol are refused with their own code, not a decode error.
    #[test]
    fn newer_protocol_version_is_refused_by_code() {
        let mut request = sample_request(1);
        request.protocol = PROTOCOL_VERSION + 1;
        let body = encode_request(&request).expect("encode");
        let err = decode_request(&body).expect_err("must refuse");
        assert_eq!(err.code(), "unsupported_protocol");
    }

    /// A compression bomb (64 MiB of zeros in a few KB) is refused, not inflated (sync.md §3).
    #[test]
    fn compression_bomb_is_refused() {
        let zeros = vec![0u8; 4 * MAX_DECODED_BYTES];
        let body = compress(&zeros, 1).expect("compress");
        assert!(body.len() < 64 * 1024);
        assert!(matches!(decompress(&body), Err(CodecError::TooLarge)));
    }

    /// A 100-dossier batch (intake + 2-3 status events each) costs at most 64 B/dossier, well
    /// under the 80 B target of sync.md §2 (before the payloads went by column: 83 B).
    #[test]
    fn batch_of_100_dossiers_is_under_64_bytes_per_dossier() {
        let body = encode_request(&sample_request(100)).expect("encode");
        let per_dossier = body.len() / 100;
        assert!(per_dossier <= 64, "{per_dossier} B/dossier");
    }

    proptest! {
        /// Fuzz: arbitrary bytes never panic the request decoder.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = decode_request(&bytes);
        }

        /// Fuzz: valid frames whose inner bytes are arbitrary never panic the decoder either.
        #[test]
        fn arbitrary_inner_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let body = compress(&bytes, 1).expect("compress");
            let _ = decode_request(&body);
        }

        /// Fuzz: a truncated or bit-flipped valid body is rejected or decodes, never panics, and
        /// thanks to the frame checksum never decodes into a different request.
        #[test]
        fn corrupted_bodies_never_decode_into_other_requests(cut in 0usize..4000, flip in any::<(usize, u8)>()) {
            let request = sample_request(5);
            let mut body = encode_request(&request).expect("encode");
            let idx = flip.0 % body.len();
            body[idx] ^= flip.1 | 1;
            body.truncate(cut.min(body.len()));
            if let Ok(decoded) = decode_request(&body) {
                prop_assert_eq!(decoded, request);
            }
        }
    }
}
