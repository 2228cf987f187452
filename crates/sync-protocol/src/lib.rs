//! The versioned wire types shared by the counter and the district server.
//!
//! One sync round trip is one `POST /api/v1/sync` carrying a [`PushRequest`] and answered by a
//! [`PushReply`] (sync.md §3): a byte-bounded batch of the device's outbox events keyed by
//! `(device, epoch, seq)` plus an event id, and in the reply the contiguous high-water mark, the
//! per-event rejections, the server time and the next page of every downstream channel the
//! counter follows. Bodies are postcard, compressed with zstd and a dictionary trained on
//! synthetic dossier events ([`codec`]). `docs/sync-protocol.md` is the prose description.
#![deny(missing_docs)]

pub mod codec;
mod columns;
mod compact;
pub mod synthetic;

use serde::{Deserialize, Serialize};

/// The protocol version this crate speaks; carried in every request and reply and in the
/// content type, so a server can keep decoding older counters after a change.
pub const PROTOCOL_VERSION: u16 = 2;

/// Content type of sync bodies: postcard, zstd-compressed with the v2 dictionary.
pub const SYNC_CONTENT_TYPE: &str = "application/vnd.motcua.sync.v2+zstd";

/// Largest compressed request body the server reads; larger bodies get 413.
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// Largest decompressed body either side accepts: a guard against compression bombs.
pub const MAX_DECODED_BYTES: usize = 16 * 1024 * 1024;

/// Largest single event payload (JSON text) the server accepts; larger events are quarantined.
pub const MAX_EVENT_PAYLOAD_BYTES: usize = 64 * 1024;

/// A downstream channel: reference data or commune data the server sends down to counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    /// The procedure catalogue (thủ tục hành chính) with legal processing times.
    Catalog,
    /// The holiday and make-up-day calendar used for working-time due dates.
    Calendar,
    /// The letter texts (apology, supplement request, refusal).
    Letters,
    /// Official dossier codes (NĐ 118 art. 28) assigned by the server to this commune's dossiers.
    OfficialCodes,
}

impl Channel {
    /// Every channel, in wire order.
    pub const ALL: [Channel; 4] = [
        Channel::Catalog,
        Channel::Calendar,
        Channel::Letters,
        Channel::OfficialCodes,
    ];

    /// Stable lower-case name, used in the database, the CLI and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Catalog => "catalog",
            Channel::Calendar => "calendar",
            Channel::Letters => "letters",
            Channel::OfficialCodes => "official_codes",
        }
    }

    /// Parses a name given by [`Channel::as_str`].
    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Whether the channel's data belongs to one commune (the device's) rather than to everyone.
    pub fn is_commune_scoped(self) -> bool {
        matches!(self, Channel::OfficialCodes)
    }
}

/// One outbox event as it travels up. Events are immutable; a correction is a new event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireEvent {
    /// Per-device, per-epoch sequence number, starting at 1 and without gaps.
    pub seq: u64,
    /// Globally unique event id chosen by the counter (ULID/UUIDv7 text): the second dedup key.
    pub event_id: String,
    /// Hybrid logical clock of the event (ordering only; never shown as a legal time).
    pub hlc: u64,
    /// The event as JSON text, exactly as the store wrote it; opaque to the protocol.
    pub payload: String,
}

/// Where a counter stands in one downstream channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelCursor {
    /// The channel.
    pub channel: Channel,
    /// The server epoch the position belongs to; a different epoch makes the cursor stale.
    pub server_epoch: u64,
    /// The last channel position applied; 0 means "nothing yet" (a snapshot follows).
    pub pos: u64,
}

impl ChannelCursor {
    /// The cursor of a counter that holds nothing of `channel` yet.
    pub fn start(channel: Channel) -> Self {
        ChannelCursor {
            channel,
            server_epoch: 0,
            pos: 0,
        }
    }
}

/// One request: a batch of events plus the cursors of the channels the counter follows.
///
/// Idempotent: sending the same request twice changes nothing the second time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    /// [`PROTOCOL_VERSION`] of the sender.
    pub protocol: u16,
    /// The device id the credential was issued to; a mismatch is a forged request (403).
    pub device_id: String,
    /// The device's epoch: regenerated when the counter's database is created or restored.
    pub epoch: u64,
    /// Events in increasing `seq`; may be empty ("nothing new" still pulls channels).
    #[serde(with = "compact")]
    pub events: Vec<WireEvent>,
    /// The cursor of every channel the counter follows.
    pub follows: Vec<ChannelCursor>,
    /// How many bytes of downstream items the counter wants at most in this reply.
    pub max_down_bytes: u32,
}

/// Why one event was quarantined. It still counts as received: it never blocks later events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The event's sequence number.
    pub seq: u64,
    /// A stable code, see [`RejectCode`]; a string so that older counters can read newer codes.
    pub code: String,
}

/// The stable rejection codes the server uses today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectCode {
    /// The payload is not a JSON object with a known `kind`.
    MalformedPayload,
    /// The same `(device, epoch, seq)` arrived earlier with a different payload (sync.md §4.7).
    ConflictingPayload,
    /// The payload is larger than [`MAX_EVENT_PAYLOAD_BYTES`].
    PayloadTooLarge,
    /// An intake event without a usable `dossier_code` or `received_at`.
    MissingField,
    /// More than 9,999 dossiers in one commune on one day: NĐ 118 art. 28's 4-digit sequence is full.
    DailySequenceExhausted,
    /// The event names a commune other than the device's.
    WrongCommune,
    /// The event's local dossier code belongs to a dossier another counter of the commune took
    /// in (two counters used the same prefix before enrolling). Kept for a person to handle,
    /// never merged into the other counter's dossier.
    LocalCodeTaken,
}

impl RejectCode {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::MalformedPayload => "malformed_payload",
            RejectCode::ConflictingPayload => "conflicting_payload",
            RejectCode::PayloadTooLarge => "payload_too_large",
            RejectCode::MissingField => "missing_field",
            RejectCode::DailySequenceExhausted => "daily_sequence_exhausted",
            RejectCode::WrongCommune => "wrong_commune",
            RejectCode::LocalCodeTaken => "local_code_taken",
        }
    }
}

/// One downstream item: the latest version of a keyed document in a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownItem {
    /// The document key within the channel (a file name, a dossier code...).
    pub key: String,
    /// The channel position this version was written at (the server's version number).
    pub pos: u64,
    /// The document as JSON text; opaque to the protocol.
    pub doc: String,
}

/// Whether a channel cursor could be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageStatus {
    /// Items follow the cursor.
    Page,
    /// HTTP-410 semantics: the cursor belongs to another server epoch or lies beyond what the
    /// server holds (the server was restored from a backup). The reply's `cursor` is the start
    /// of a snapshot, which the server can always serve: sending it next never loops.
    Gone,
}

/// The next page of one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelPage {
    /// The channel.
    pub channel: Channel,
    /// Served or gone.
    pub status: PageStatus,
    /// This page starts a snapshot: the counter drops its copy of the channel before applying.
    pub reset: bool,
    /// Items in increasing `pos`.
    pub items: Vec<DownItem>,
    /// The cursor to store together with the items, in one local transaction.
    pub cursor: ChannelCursor,
    /// More items wait after this page.
    pub has_more: bool,
}

/// The server's answer to a [`PushRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReply {
    /// [`PROTOCOL_VERSION`] of the server.
    pub protocol: u16,
    /// The server's epoch: a new one after the server database is restored from a backup.
    pub server_epoch: u64,
    /// Server wall-clock time in milliseconds since the Unix epoch, for clock-skew reports.
    pub server_time_ms: i64,
    /// The largest `seq` such that every event `1..=hwm` of `(device, epoch)` is committed.
    pub hwm: u64,
    /// Quarantined events of this request (and only of this request).
    pub rejected: Vec<Rejection>,
    /// One page per followed channel.
    pub pages: Vec<ChannelPage>,
}

/// `POST /api/v1/enroll` body (JSON): a one-time code exchanged for a device credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// The one-time code printed by `motcua-server enroll-code`.
    pub code: String,
    /// A label for the counter PC, shown to administrators (no personal data).
    pub label: String,
    /// The counter's own identity (its store's device id, kept across re-enrolments), so that
    /// a counter enrolling again keeps its counter prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter_id: Option<String>,
    /// The two-letter prefix of the counter's local dossier codes it would like to keep (the one
    /// it already used offline). The server grants it only if no other counter of the commune
    /// holds it (local codes are unique per commune only through distinct prefixes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter_prefix: Option<String>,
}

impl EnrollRequest {
    /// A request with only the code and the label (no counter identity, no prefix wish).
    pub fn new(code: &str, label: &str) -> EnrollRequest {
        EnrollRequest {
            code: code.to_owned(),
            label: label.to_owned(),
            counter_id: None,
            counter_prefix: None,
        }
    }
}

/// `POST /api/v1/enroll` reply (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollReply {
    /// The device id assigned by the server.
    pub device_id: String,
    /// The bearer token of the device; the server keeps only its SHA-256.
    pub token: String,
    /// The commune (agency identifier code) the device belongs to.
    pub commune: String,
    /// The counter prefix the device must use for its local dossier codes from now on: the
    /// one it asked for when free, otherwise the first free one of the commune. Older servers
    /// leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter_prefix: Option<String>,
}

/// The JSON body of every 4xx/5xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code (`unauthorized`, `payload_too_large`, ...).
    pub code: String,
    /// A human-readable message without personal data.
    pub message: String,
}
