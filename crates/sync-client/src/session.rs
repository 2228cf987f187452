//! The sync rounds: batch building, batch-size adaptation, reply handling, retries.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sync_protocol::{codec, Channel, ChannelCursor, PageStatus, PushRequest, PROTOCOL_VERSION};

use crate::transport::{Transport, TransportError};
use crate::Outbox;

/// Tuning of the sync rounds. `Default` holds the values of sync.md §3.
#[derive(Clone)]
pub struct SyncConfig {
    /// The channels the counter follows.
    pub channels: Vec<Channel>,
    /// First batch size, compressed bytes (~8 KB).
    pub initial_batch_bytes: usize,
    /// Smallest batch size (a batch still holds at least one event).
    pub min_batch_bytes: usize,
    /// Largest batch size (~64 KB).
    pub max_batch_bytes: usize,
    /// Longest a batch should take on the link once the link has dropped during the run, by the
    /// throughput of the last exchange: later drops then waste at most this much of the link
    /// (sync.md §2: ≤ one batch, ≤ 8 KB, per drop at 64 kbit/s). The batch never goes below
    /// `initial_batch_bytes` for it. Until a drop, batches double up to `max_batch_bytes`:
    /// with one request in flight every batch costs a round trip of idle link, so a link that
    /// holds gets few, large batches (sync.md §3).
    pub max_batch_seconds: f64,
    /// Downstream bytes asked for per channel and round.
    pub max_down_bytes: u32,
    /// Consecutive failed exchanges after which [`sync_until_idle`] gives up (the loop retries later).
    pub max_consecutive_failures: u32,
    /// First backoff delay; doubles per failure, with jitter.
    pub backoff_base: Duration,
    /// Largest backoff delay.
    pub backoff_max: Duration,
    /// How to wait (tests and the simulation pass a fake).
    pub sleep: Arc<dyn Fn(Duration) + Send + Sync>,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            channels: Channel::ALL.to_vec(),
            initial_batch_bytes: 8 * 1024,
            min_batch_bytes: 512,
            max_batch_bytes: 64 * 1024,
            max_batch_seconds: 1.0,
            max_down_bytes: 32 * 1024,
            max_consecutive_failures: 8,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(60),
            sleep: Arc::new(std::thread::sleep),
        }
    }
}

/// Progress for the UI, sent after every round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncProgress {
    /// Events not yet acknowledged by the server.
    pub events_waiting: u64,
    /// Request bytes sent so far in this run (bodies).
    pub bytes_sent: u64,
    /// Reply bytes received so far in this run (bodies).
    pub bytes_received: u64,
    /// Seconds left at the throughput seen so far, if anything is waiting.
    pub estimated_seconds_left: Option<f64>,
    /// Whether the run has finished.
    pub finished: bool,
}

/// What a run did; the CLI prints it as JSON.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SyncSummary {
    /// Events sent (resends included).
    pub events_sent: u64,
    /// Events the server quarantined (acknowledged, never blocking).
    pub events_rejected: u64,
    /// Request body bytes.
    pub bytes_up: u64,
    /// Reply body bytes.
    pub bytes_down: u64,
    /// Exchanges attempted, failed ones included.
    pub requests: u64,
    /// Exchanges that failed.
    pub failures: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Downstream items applied.
    pub items_applied: u64,
    /// Server time minus local time, milliseconds, from the last reply (positive: we are late).
    pub clock_skew_ms: Option<i64>,
}

impl SyncSummary {
    /// Whether the local clock is more than 5 minutes off the server's (sync.md §3).
    pub fn clock_is_off(&self) -> bool {
        self.clock_skew_ms.is_some_and(|s| s.abs() > 5 * 60 * 1000)
    }
}

/// Why a run stopped before being idle.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The local store failed.
    #[error("local store: {0}")]
    Store(String),
    /// The credential is unknown or revoked: enrol again (no retry helps).
    #[error("the server refused the credential ({0})")]
    Unauthorized(String),
    /// The server refused the request (forged, cross-commune, malformed): a bug to report.
    #[error("the server refused the request: {status} ({code})")]
    Refused {
        /// HTTP status.
        status: u16,
        /// Stable code.
        code: String,
    },
    /// Too many consecutive failed exchanges; the background loop retries later.
    #[error("gave up after {failures} failed exchanges, last: {last}")]
    Unreachable {
        /// Consecutive failures.
        failures: u32,
        /// The last failure.
        last: TransportError,
    },
    /// The server keeps answering without advancing the high-water mark.
    #[error("the server does not advance past seq {hwm} of epoch {epoch}")]
    Stalled {
        /// Epoch.
        epoch: u64,
        /// High-water mark.
        hwm: u64,
    },
    /// Encoding failed.
    #[error("encoding: {0}")]
    Codec(String),
    /// Stopped with a partial summary attached (used by callers that want both).
    #[error("sync failed after partial progress: {0}")]
    Partial(Box<SyncError>, SyncSummary),
}

impl SyncError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Store(_) => "store",
            SyncError::Unauthorized(_) => "unauthorized",
            SyncError::Refused { .. } => "refused",
            SyncError::Unreachable { .. } => "unreachable",
            SyncError::Stalled { .. } => "stalled",
            SyncError::Codec(_) => "codec",
            SyncError::Partial(inner, _) => inner.code(),
        }
    }
}

fn store<E: std::error::Error>(e: E) -> SyncError {
    SyncError::Store(e.to_string())
}

fn jitter_fraction() -> f64 {
    let mut bytes = [0u8; 2];
    let _ = getrandom::fill(&mut bytes);
    f64::from(u16::from_le_bytes(bytes)) / f64::from(u16::MAX)
}

/// The delay before retry number `failures` (1-based): exponential, full jitter on the upper
/// half so that counters of a district that lost the link together do not retry together.
pub(crate) fn backoff(config: &SyncConfig, failures: u32) -> Duration {
    let exp = config
        .backoff_base
        .saturating_mul(1u32 << failures.saturating_sub(1).min(16))
        .min(config.backoff_max);
    exp.mul_f64(0.5 + 0.5 * jitter_fraction())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Syncs until nothing is left to send or fetch: one request in flight, each an idempotent
/// compressed batch sized to the link. Safe to interrupt at any point: the outbox is only
/// acknowledged with the server's committed high-water mark, and each downstream page is
/// applied with its cursor atomically by the outbox.
pub fn sync_until_idle<O: Outbox + ?Sized>(
    outbox: &O,
    transport: &mut dyn Transport,
    config: &SyncConfig,
    progress: &mut dyn FnMut(&crate::SyncProgress),
) -> Result<SyncSummary, SyncError> {
    let started = Instant::now();
    let mut summary = SyncSummary::default();
    match run(outbox, transport, config, progress, &mut summary) {
        Ok(()) => {
            summary.seconds = started.elapsed().as_secs_f64();
            Ok(summary)
        }
        Err(e) => {
            summary.seconds = started.elapsed().as_secs_f64();
            Err(SyncError::Partial(Box::new(e), summary))
        }
    }
}

fn run<O: Outbox + ?Sized>(
    outbox: &O,
    transport: &mut dyn Transport,
    config: &SyncConfig,
    progress: &mut dyn FnMut(&crate::SyncProgress),
    summary: &mut SyncSummary,
) -> Result<(), SyncError> {
    let device = outbox.device().map_err(store)?;
    let mut budget = config
        .initial_batch_bytes
        .clamp(config.min_batch_bytes, config.max_batch_bytes);
    // Raw payload bytes per compressed byte, learnt from each batch; starts conservative.
    let mut ratio = 3.0f64;
    // Where to resume per epoch: the server's last high-water mark (may be below what the store
    // acknowledged if the server was restored: then the retained events are replayed).
    let mut send_from: HashMap<u64, u64> = HashMap::new();
    // Snapshot cursors handed out by `Gone` pages; kept in memory only, so nothing local moves
    // before the snapshot's first page is applied.
    let mut overrides: HashMap<Channel, ChannelCursor> = HashMap::new();
    let mut failures = 0u32;
    let mut stalled_rounds = 0u32;
    // Bytes per second of the last successful exchange, and whether the link dropped this run.
    let mut link_bytes_per_second: Option<f64> = None;
    let mut link_dropped = false;
    let link_cap = |per_second: f64| {
        ((per_second * config.max_batch_seconds) as usize).max(config.initial_batch_bytes)
    };
    let started = Instant::now();
    loop {
        let epochs = outbox.pending_epochs().map_err(store)?;
        let epoch = epochs.first().copied().unwrap_or(device.epoch);
        let after = match send_from.get(&epoch) {
            Some(&hwm) => hwm,
            None => outbox.acked_hwm(epoch).map_err(store)?,
        };
        let raw_budget = ((budget as f64) * ratio) as usize;
        let mut events = outbox
            .pending(epoch, after, raw_budget.max(1))
            .map_err(store)?;
        let mut follows = Vec::with_capacity(config.channels.len());
        for &channel in &config.channels {
            let cursor = match overrides.get(&channel) {
                Some(c) => *c,
                None => outbox
                    .cursor(channel)
                    .map_err(store)?
                    .unwrap_or(ChannelCursor::start(channel)),
            };
            follows.push(cursor);
        }
        let mut request = PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id: device.device_id.clone(),
            epoch,
            events: Vec::new(),
            follows,
            max_down_bytes: config.max_down_bytes,
        };
        // Encode, trimming until the compressed body fits the budget (at least one event).
        let body = loop {
            request.events = events.clone();
            let body =
                codec::encode_request(&request).map_err(|e| SyncError::Codec(e.to_string()))?;
            if body.len() <= budget + budget / 4 || events.len() <= 1 {
                break body;
            }
            events.truncate(events.len() / 2);
        };
        let raw: usize = request.events.iter().map(|e| e.payload.len()).sum();
        let sent_events = request.events.len() as u64;
        let last_sent = request.events.last().map(|e| e.seq);
        summary.requests += 1;
        summary.bytes_up += body.len() as u64;
        let local_sent = now_ms();
        let exchange_started = Instant::now();
        let result = transport.round_trip(body.clone());
        let exchange_seconds = exchange_started.elapsed().as_secs_f64();
        let reply = match result.and_then(|bytes| {
            summary.bytes_down += bytes.len() as u64;
            codec::decode_reply(&bytes).map_err(|e| TransportError::Garbled(e.to_string()))
        }) {
            Ok(reply) => reply,
            Err(error) => {
                summary.failures += 1;
                failures += 1;
                match &error {
                    TransportError::Http {
                        status: 401, code, ..
                    } => return Err(SyncError::Unauthorized(code.clone())),
                    TransportError::Http { status: 413, .. } => {
                        budget = (budget / 2).max(config.min_batch_bytes)
                    }
                    TransportError::Http { status, code, .. }
                        if (400..500).contains(status) && *status != 408 && *status != 429 =>
                    {
                        return Err(SyncError::Refused {
                            status: *status,
                            code: code.clone(),
                        })
                    }
                    // A drop or timeout: the batch may have been too big for the link, and
                    // the link is one that drops: from now on a batch is what it carries in
                    // `max_batch_seconds`.
                    TransportError::Network(_) => {
                        link_dropped = true;
                        budget = (budget / 2).max(config.min_batch_bytes);
                        if let Some(per_second) = link_bytes_per_second {
                            budget = budget.min(link_cap(per_second));
                        }
                    }
                    _ => {}
                }
                if failures >= config.max_consecutive_failures {
                    return Err(SyncError::Unreachable {
                        failures,
                        last: error,
                    });
                }
                let mut delay = backoff(config, failures);
                if let TransportError::Http {
                    retry_after: Some(seconds),
                    ..
                } = &error
                {
                    delay = delay.max(Duration::from_secs(*seconds).min(config.backoff_max));
                }
                (config.sleep)(delay);
                continue;
            }
        };
        failures = 0;
        let local_received = now_ms();
        summary.clock_skew_ms = Some(reply.server_time_ms - (local_sent + local_received) / 2);
        summary.events_sent += sent_events;
        summary.events_rejected += reply.rejected.len() as u64;
        if sent_events > 0 && body.len() >= budget / 2 {
            budget = (budget * 2).min(config.max_batch_bytes);
        }
        // The whole exchange counts (latency and reply too), so the estimate is low and the
        // batch errs small on a slow link; on a fast one the cap is far above the maximum.
        if sent_events > 0 && exchange_seconds > 0.0 {
            let per_second = body.len() as f64 / exchange_seconds;
            link_bytes_per_second = Some(per_second);
            if link_dropped {
                budget = budget.min(link_cap(per_second));
            }
        }
        if raw > 0 {
            ratio = (raw as f64 / body.len() as f64).clamp(1.0, 50.0);
        }
        // Kept before the ack moves past them, so a crash in between loses no rejection.
        if !reply.rejected.is_empty() {
            outbox
                .record_rejections(epoch, &reply.rejected)
                .map_err(store)?;
        }
        if reply.hwm > outbox.acked_hwm(epoch).map_err(store)? {
            outbox.mark_acked(epoch, reply.hwm).map_err(store)?;
        }
        let previous = send_from.insert(epoch, reply.hwm);
        // Events went up but the mark did not move past them: a gap the server cannot fill.
        if last_sent.is_some_and(|last| reply.hwm < last) && previous == Some(reply.hwm) {
            stalled_rounds += 1;
            if stalled_rounds >= 3 {
                return Err(SyncError::Stalled {
                    epoch,
                    hwm: reply.hwm,
                });
            }
        } else {
            stalled_rounds = 0;
        }
        let mut more_down = false;
        for page in &reply.pages {
            match page.status {
                PageStatus::Gone => {
                    overrides.insert(page.channel, page.cursor);
                    more_down = true;
                }
                PageStatus::Page => {
                    let stored = overrides.get(&page.channel).copied().map_or_else(
                        || outbox.cursor(page.channel).map_err(store),
                        |c| Ok(Some(c)),
                    )?;
                    if !page.items.is_empty() || page.reset || stored != Some(page.cursor) {
                        outbox.apply_down_page(page).map_err(store)?;
                        summary.items_applied += page.items.len() as u64;
                    }
                    overrides.remove(&page.channel);
                    more_down |= page.has_more;
                }
            }
        }
        let waiting = outbox.waiting().map_err(store)?;
        let elapsed = started.elapsed().as_secs_f64();
        let per_event_seconds = if summary.events_sent > 0 {
            elapsed / summary.events_sent as f64
        } else {
            0.0
        };
        progress(&crate::SyncProgress {
            events_waiting: waiting,
            bytes_sent: summary.bytes_up,
            bytes_received: summary.bytes_down,
            estimated_seconds_left: (waiting > 0 && per_event_seconds > 0.0)
                .then_some(waiting as f64 * per_event_seconds),
            finished: false,
        });
        let more_up = !outbox
            .pending(epoch, reply.hwm, 1)
            .map_err(store)?
            .is_empty()
            || outbox
                .pending_epochs()
                .map_err(store)?
                .iter()
                .any(|&e| e != epoch);
        if !more_up && !more_down {
            progress(&crate::SyncProgress {
                events_waiting: waiting,
                bytes_sent: summary.bytes_up,
                bytes_received: summary.bytes_down,
                estimated_seconds_left: None,
                finished: true,
            });
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Backoff doubles per failure, stays within [half, full] of the exponential step (jitter)
    /// and never exceeds the cap (sync.md §1: retries must fire, but not in lockstep).
    #[test]
    fn backoff_is_exponential_jittered_and_capped() {
        let config = SyncConfig::default();
        for failures in 1..20u32 {
            let step = config
                .backoff_base
                .saturating_mul(1 << (failures - 1).min(16))
                .min(config.backoff_max);
            let delay = backoff(&config, failures);
            assert!(
                delay >= step / 2 && delay <= step,
                "{failures}: {delay:?} vs {step:?}"
            );
        }
    }
}
