//! Marker extraction throughput on French news text: normalization + tokenization + lexicon
//! matching + features (`Analyzer::analyze` with the language given), and each stage alone.
//!
//! Corpus: the first 3,000 French articles of `../shared/datasets/fresada_train.jsonl.gz` when
//! present (real news and satire), else the seeds repeated, else a French paragraph written for
//! this bench. Run: `cargo bench --bench markers`.

mod common;

use common::{french_articles, load};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use partipris::{Analyzer, Article};

fn bench(c: &mut Criterion) {
    let texts = load();
    let (bytes, articles) = french_articles(&texts);
    // Markers and features only: the shipped classifiers are measured by their own benchmark.
    let analyzer = Analyzer::builder()
        .default_models(false)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));

    let mut g = c.benchmark_group("french_news");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("normalize", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| partipris::normalize::normalize(t).as_str().len())
                .sum::<usize>()
        })
    });
    g.bench_function("normalize+tokenize", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    let n = partipris::normalize::normalize(t);
                    partipris::tokenize::tokenize(t, &n).tokens.len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("analyze (markers + features)", |b| {
        b.iter(|| {
            articles
                .iter()
                .map(|a| analyzer.analyze(a).map_or(0, |r| r.markers().len()))
                .sum::<usize>()
        })
    });
    g.bench_function("analyze with language identification", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    analyzer
                        .analyze(&Article::new("x", t.as_str()))
                        .map_or(0, |r| r.markers().len())
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
