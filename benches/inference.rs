//! Criterion benches: tokenization, model load (apart), forward passes at
//! batch sizes 1, 8, 32 and 64 on realistic quotes (f32, bf16, int8), and the
//! batch runner end to end.
//!
//! Run with `cargo bench` after `scripts/setup.sh`. Threads: $STANCE_BENCH_THREADS
//! (default 2).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use stance::model::device::Precision;
use stance::pipeline::{run, RunOptions, Sink, Source};
use stance::text::tokenize::Tokenized;
use stance::{Classifier, LoadOptions};
use std::path::PathBuf;
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// News-length quotes from the test split, in file order.
fn quotes(n: usize) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("data/test.jsonl")).expect("data/test.jsonl");
    let all: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(String::from))
        .collect();
    all.iter().cycle().take(n).cloned().collect()
}

fn load() -> Classifier {
    let threads: i32 = std::env::var("STANCE_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    tch::set_num_threads(threads);
    stance::model::device::keep_freed_memory();
    let options = LoadOptions {
        base_dir: Some(root().join("models/base/all-minilm-l6-v2")),
        device: stance::model::device::DeviceChoice::Cpu,
        limits: None,
        fast_only: true,
        no_source_cues: false,
    };
    Classifier::load(&root().join("models/fast"), &options).expect("default model")
}

fn bench_load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("default model", |b| b.iter(load));
    g.finish();
}

fn bench_tokenize(c: &mut Criterion) {
    let clf = load();
    let qs = quotes(256);
    let mut g = c.benchmark_group("tokenize");
    g.throughput(Throughput::Elements(qs.len() as u64));
    g.bench_function("256 quotes", |b| {
        b.iter(|| {
            qs.iter()
                .map(|q| clf.tokenize(q).map(|t| t.ids.len()).unwrap_or(0))
                .sum::<usize>()
        })
    });
    g.finish();
}

fn bench_forward(c: &mut Criterion) {
    let mut clf = load();
    let qs = quotes(64);
    let items: Vec<Tokenized> = qs
        .iter()
        .map(|q| clf.tokenize(q).expect("tokenize"))
        .collect();
    for precision in [Precision::F32, Precision::Bf16, Precision::Int8] {
        clf.set_precision(precision).expect("precision");
        let mut g = c.benchmark_group(format!("forward-{precision:?}").to_lowercase());
        g.sample_size(10).measurement_time(Duration::from_secs(8));
        for size in [1usize, 8, 32, 64] {
            let batch: Vec<&Tokenized> = items.iter().take(size).collect();
            g.throughput(Throughput::Elements(size as u64));
            g.bench_with_input(BenchmarkId::from_parameter(size), &batch, |b, batch| {
                b.iter(|| tch::no_grad(|| clf.logits(batch, false).map(|l| l.stance.size()[0])))
            });
        }
        g.finish();
    }
}

fn bench_runner(c: &mut Criterion) {
    let clf = load();
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("quotes.txt");
    std::fs::write(&input, quotes(1000).join("\n") + "\n").expect("write quotes");
    let output = dir.path().join("out.jsonl");
    let opts = RunOptions {
        source: Source::File(input.clone()),
        sink: Sink::File(output.clone()),
        format: None,
        window: 2048,
        resume: false,
        shard: None,
        count_total: false,
    };
    let mut g = c.benchmark_group("batch runner");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Elements(1000));
    g.bench_function("1000 quotes, file to file", |b| {
        b.iter(|| run(&clf, &opts, &stance::progress::Silent).map(|s| s.scored))
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_load,
    bench_tokenize,
    bench_forward,
    bench_runner
);
criterion_main!(benches);
