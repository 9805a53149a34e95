//! The cost of the multiset digest per entry, against the SHA-256 content digest's, in the
//! same run: what a delta's check costs per changed entry (one `h()` each), and what the
//! publisher pays per entry of the list.
//!
//! Run: `cargo bench -p callguard-format --bench lthash`.

use std::hint::black_box;

use callguard_format::wire::{ContentDigest, LtHash16, Section};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn keys() -> Vec<Vec<u8>> {
    (0..1024u64)
        .map(|i| format!("86138{:08}", i * 7919).into_bytes())
        .collect()
}

fn per_entry(c: &mut Criterion) {
    let keys = keys();
    let mut group = c.benchmark_group("digest per entry");
    group.throughput(Throughput::Elements(keys.len() as u64));
    group.bench_function("lthash16 add (BLAKE3 XOF 2048 B + 1024 lanes)", |b| {
        b.iter(|| {
            let mut h = LtHash16::new();
            for key in &keys {
                h.add(Section::Numbers, key, 23050);
            }
            black_box(h)
        })
    });
    group.bench_function("sha256 content digest", |b| {
        b.iter(|| {
            let mut d = ContentDigest::new();
            for key in &keys {
                d.add(Section::Numbers, key, 23050);
            }
            black_box(d.finish())
        })
    });
    group.finish();
}

criterion_group!(benches, per_entry);
criterion_main!(benches);
