//! Trains the zstd dictionary shipped as `assets/events-v2.dict` from synthetic events.
//!
//! Run: `cargo run -p motcua-sync-protocol --bin train-sync-dictionary -- crates/sync-protocol/assets/events-v2.dict`.
//! Seeds differ from the ones tests and the benchmark use, so measured sizes are not trained on
//! the very events they measure (the vocabulary is shared: real data will compress less).

use sync_protocol::synthetic::SyntheticCounter;
use sync_protocol::{PushRequest, PROTOCOL_VERSION};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: train-sync-dictionary OUT_FILE")?;
    let mut samples: Vec<Vec<u8>> = Vec::new();
    for seed in 10_000..10_040u64 {
        let mut counter = SyntheticCounter::new(
            seed,
            &format!("H{:02}.5{}.0{}.13", seed % 60, seed % 9, seed % 7),
        );
        // Samples shaped like what is compressed: postcard batches of a few dossiers.
        for _ in 0..40 {
            let events = counter.wire_events(3, 1 + seed * 100);
            let request = PushRequest {
                protocol: PROTOCOL_VERSION,
                device_id: format!("dev-{seed}"),
                epoch: seed,
                events,
                follows: Vec::new(),
                max_down_bytes: 32768,
            };
            samples.push(postcard::to_stdvec(&request)?);
        }
    }
    let dict = zstd::dict::from_samples(&samples, 16 * 1024)?;
    std::fs::write(&out, &dict)?;
    println!(
        "wrote {} bytes to {out} from {} samples",
        dict.len(),
        samples.len()
    );
    Ok(())
}
