//! `score` end to end in the library: reading JSON Lines (parsing every record), analysing
//! with every shipped model, and writing one JSON report per line, on 1 and 2 threads.
//! Corpus: see `benches/common` (as JSON Lines with `lang: fr`). Run: `cargo bench --bench score`.
//! `scripts/bench-score.sh` measures the `partipris score` binary on a 1 GB corpus.

mod common;

use std::io::Write;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use partipris::batch::ParallelMap;
use partipris::input::{InputFormat, InputItem, InputOptions, Inputs};
use partipris::output::{ReportParts, ReportView};
use partipris::Analyzer;

fn bench(c: &mut Criterion) {
    let texts = common::load();
    let (bytes, _) = common::french_articles(&texts);
    let mut jsonl = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let record = serde_json::json!({"id": format!("a{i}"), "lang": "fr", "text": t});
        let _ = writeln!(jsonl, "{record}");
    }
    let analyzer = Analyzer::builder()
        .default_models(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let options = InputOptions::default();
    let score = |jsonl: &[u8]| -> usize {
        let items = Inputs::from_reader(
            "bench.jsonl",
            Box::new(std::io::Cursor::new(jsonl.to_vec())),
            InputFormat::Jsonl,
            &options,
        );
        let analyze = |item: InputItem| -> Vec<u8> {
            let Ok(record) = item else { return Vec::new() };
            match analyzer.analyze(&record.article()) {
                Ok(report) => {
                    let mut v = serde_json::to_vec(&ReportView::new(&report, ReportParts::all()))
                        .unwrap_or_default();
                    v.push(b'\n');
                    v
                }
                Err(_) => Vec::new(),
            }
        };
        let mut out: Vec<u8> = Vec::new();
        for line in ParallelMap::new(items, analyze, |i| i.as_ref().map_or(0, |r| r.text.len())) {
            out.extend_from_slice(&line);
        }
        out.len()
    };
    let mut g = c.benchmark_group("score_jsonl_all_models");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        g.bench_function(format!("{threads} thread(s)"), |b| {
            b.iter(|| pool.install(|| score(&jsonl)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
