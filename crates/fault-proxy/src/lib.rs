//! A TCP proxy that makes a link slow, late and unreliable, for sync tests and the sync
//! benchmark (sync.md §4 "How to run them" (b); toxiproxy is the off-the-shelf equivalent and is
//! not packaged here).
//!
//! Faults: a bandwidth cap shared by all connections in each direction, a one-way delay, one
//! round trip before a new connection opens, a cut after N more bytes upstream (a cut during
//! upload), dropping the next reply as its first byte arrives (the server has committed: a lost
//! ack), answering the next reply with other bytes (a gateway's 502 after the server committed),
//! random drops per chunk, and cutting every open connection at once (the link drops).
#![deny(missing_docs)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// The shape of the emulated link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkProfile {
    /// Bytes per second in each direction; `None` = unlimited.
    pub bytes_per_sec: Option<u64>,
    /// One-way delay added to every byte.
    pub one_way_delay: Duration,
    /// Whether opening a connection costs one round trip (TCP handshake).
    pub handshake_round_trip: bool,
}

impl LinkProfile {
    /// No emulation: a plain relay.
    pub fn transparent() -> Self {
        LinkProfile {
            bytes_per_sec: None,
            one_way_delay: Duration::ZERO,
            handshake_round_trip: false,
        }
    }

    /// The benchmark link of sync.md §2: 64 kbit/s each way, 300 ms one way, 1-RTT handshake.
    pub fn rural_64k() -> Self {
        LinkProfile {
            bytes_per_sec: Some(8_000),
            one_way_delay: Duration::from_millis(300),
            handshake_round_trip: true,
        }
    }
}

/// Byte and connection counters (bytes as forwarded on the emulated link).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Bytes client -> server.
    pub bytes_up: u64,
    /// Bytes server -> client.
    pub bytes_down: u64,
    /// Connections accepted.
    pub connections: u64,
    /// Connections the proxy killed (faults).
    pub cuts: u64,
}

#[derive(Debug)]
struct Faults {
    profile: LinkProfile,
    cut_up_remaining: Option<u64>,
    drop_next_reply: bool,
    replace_next_reply: Option<Vec<u8>>,
    drop_probability: f64,
    rng: u64,
}

impl Faults {
    fn random(&mut self) -> f64 {
        // SplitMix64: reproducible with `set_random_drops`'s seed.
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Shared {
    upstream: SocketAddr,
    faults: Mutex<Faults>,
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
    connections: AtomicU64,
    cuts: AtomicU64,
    /// Bumped by `cut_all`: every connection watching it dies.
    generation: watch::Sender<u64>,
    /// When each direction's transmitter is free again (the bandwidth cap is per link).
    free_at: [Mutex<Instant>; 2],
}

/// A running proxy; stops when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up = 0,
    Down = 1,
}

impl FaultProxy {
    /// Listens on a free loopback port and relays to `upstream` through `profile`.
    pub async fn start(upstream: SocketAddr, profile: LinkProfile) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (generation, _) = watch::channel(0u64);
        let shared = Arc::new(Shared {
            upstream,
            faults: Mutex::new(Faults {
                profile,
                cut_up_remaining: None,
                drop_next_reply: false,
                replace_next_reply: None,
                drop_probability: 0.0,
                rng: 1,
            }),
            bytes_up: AtomicU64::new(0),
            bytes_down: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            cuts: AtomicU64::new(0),
            generation,
            free_at: [Mutex::new(Instant::now()), Mutex::new(Instant::now())],
        });
        let accept_shared = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                accept_shared.connections.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(relay(client, accept_shared.clone()));
            }
        });
        Ok(FaultProxy {
            addr,
            shared,
            accept,
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The counters so far.
    pub fn stats(&self) -> ProxyStats {
        ProxyStats {
            bytes_up: self.shared.bytes_up.load(Ordering::Relaxed),
            bytes_down: self.shared.bytes_down.load(Ordering::Relaxed),
            connections: self.shared.connections.load(Ordering::Relaxed),
            cuts: self.shared.cuts.load(Ordering::Relaxed),
        }
    }

    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.shared.faults.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the link shape for bytes sent from now on.
    pub fn set_profile(&self, profile: LinkProfile) {
        self.faults().profile = profile;
    }

    /// Cuts the connection that carries the `n`-th next upstream byte (a cut during upload:
    /// the server gets a partial body).
    pub fn cut_upload_after(&self, n: u64) {
        self.faults().cut_up_remaining = Some(n);
    }

    /// Kills the connection carrying the next reply as its first byte arrives: the server has
    /// committed, the client never hears it (a lost ack).
    pub fn drop_next_reply(&self) {
        self.faults().drop_next_reply = true;
    }

    /// Replaces the next reply, as its first byte arrives, by `response` and closes the
    /// connection: the server has committed, the client hears something else (e.g. a gateway's
    /// `HTTP/1.1 502`, sync.md §4.4).
    pub fn replace_next_reply(&self, response: Vec<u8>) {
        self.faults().replace_next_reply = Some(response);
    }

    /// Each forwarded chunk kills its connection with probability `p` (reproducible by `seed`).
    pub fn set_random_drops(&self, p: f64, seed: u64) {
        let mut faults = self.faults();
        faults.drop_probability = p;
        faults.rng = seed;
    }

    /// Cuts every open connection now: the link dropped.
    pub fn cut_all(&self) {
        self.shared.generation.send_modify(|g| *g += 1);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut_all();
    }
}

async fn relay(client: TcpStream, shared: Arc<Shared>) {
    let profile = shared
        .faults
        .lock()
        .map(|f| f.profile)
        .unwrap_or(LinkProfile::transparent());
    if profile.handshake_round_trip {
        tokio::time::sleep(profile.one_way_delay * 2).await;
    }
    let Ok(server) = TcpStream::connect(shared.upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (kill, killed) = watch::channel(false);
    let kill = Arc::new(kill);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let up = pipe(
        client_read,
        server_write,
        Direction::Up,
        shared.clone(),
        kill.clone(),
        killed.clone(),
    );
    let down = pipe(
        server_read,
        client_write,
        Direction::Down,
        shared.clone(),
        kill.clone(),
        killed,
    );
    let mut generation = shared.generation.subscribe();
    tokio::select! {
        _ = async { tokio::join!(up, down) } => {}
        _ = generation.changed() => { shared.cuts.fetch_add(1, Ordering::Relaxed); }
    }
    // Dropping the halves closes both sockets.
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    direction: Direction,
    shared: Arc<Shared>,
    kill: Arc<watch::Sender<bool>>,
    mut killed: watch::Receiver<bool>,
) {
    // (when to deliver, bytes, whether the connection dies once they are written)
    let (sender, mut receiver) = mpsc::unbounded_channel::<(Instant, Vec<u8>, bool)>();
    let reader_shared = shared.clone();
    let reader = async move {
        let mut buf = vec![0u8; 1460];
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let mut chunk = buf[..n].to_vec();
            let (profile, cut) = {
                let mut faults = reader_shared
                    .faults
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                let mut cut =
                    faults.drop_probability > 0.0 && faults.random() < faults.drop_probability;
                match direction {
                    Direction::Up => {
                        if let Some(remaining) = faults.cut_up_remaining {
                            if (chunk.len() as u64) >= remaining {
                                chunk.truncate(remaining as usize);
                                faults.cut_up_remaining = None;
                                cut = true;
                            } else {
                                faults.cut_up_remaining = Some(remaining - chunk.len() as u64);
                            }
                        }
                    }
                    Direction::Down => {
                        if faults.drop_next_reply {
                            faults.drop_next_reply = false;
                            chunk.clear();
                            cut = true;
                        } else if let Some(response) = faults.replace_next_reply.take() {
                            chunk = response;
                            cut = true;
                        }
                    }
                }
                (faults.profile, cut)
            };
            let deliver_at = {
                let mut free_at = reader_shared.free_at[direction as usize]
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                let start = (*free_at).max(Instant::now());
                let transmit = profile.bytes_per_sec.map_or(Duration::ZERO, |bps| {
                    Duration::from_secs_f64(chunk.len() as f64 / bps as f64)
                });
                *free_at = start + transmit;
                *free_at + profile.one_way_delay
            };
            if cut {
                reader_shared.cuts.fetch_add(1, Ordering::Relaxed);
                // The writer delivers the partial bytes first, then kills the connection: a
                // replaced reply always arrives whole before the close.
                let _ = sender.send((deliver_at, chunk, true));
                return;
            }
            if !chunk.is_empty() && sender.send((deliver_at, chunk, false)).is_err() {
                return;
            }
        }
    };
    let writer_kill = kill.clone();
    let writer = async move {
        while let Some((deliver_at, chunk, then_close)) = receiver.recv().await {
            tokio::time::sleep_until(deliver_at).await;
            if !chunk.is_empty() && to.write_all(&chunk).await.is_err() {
                return;
            }
            let counter = match direction {
                Direction::Up => &shared.bytes_up,
                Direction::Down => &shared.bytes_down,
            };
            counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            if then_close {
                let _ = writer_kill.send(true);
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::select! {
        _ = async { tokio::join!(reader, writer) } => {}
        _ = killed.wait_for(|k| *k) => {}
    }
    let _ = kill.send(true);
}
