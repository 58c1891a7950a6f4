//! Full analysis throughput with every shipped model loaded (lexicon markers, features,
//! persuasion per paragraph, genre, satire, leaning, sentence bias), then with stance as well
//! (as `partipris analyze` and `score` run by default), and the cost of loading the shipped
//! models. Corpus: see `benches/common`. Run: `cargo bench --bench analyze`.

mod common;

use common::{french_articles, load};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use partipris::model::Models;
use partipris::Analyzer;

fn bench(c: &mut Criterion) {
    let texts = load();
    let (bytes, articles) = french_articles(&texts);
    let mut g = c.benchmark_group("french_news_all_models");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    for (name, stance) in [("analyze", false), ("analyze with stance", true)] {
        let analyzer = Analyzer::builder()
            .default_models(true)
            .stance(stance)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        g.bench_function(name, |b| {
            b.iter(|| {
                articles
                    .iter()
                    .map(|a| analyzer.analyze(a).map_or(0, |r| r.markers().len()))
                    .sum::<usize>()
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("loading");
    g.sample_size(10);
    g.bench_function("shipped models", |b| {
        b.iter(|| Models::embedded().map_or(0, |m| m.classifiers().count()))
    });
    g.bench_function("analyzer with lexicons and models", |b| {
        b.iter(|| {
            Analyzer::builder()
                .default_models(true)
                .build()
                .map_or(0, |a| a.lexicons().len())
        })
    });
    g.bench_function("analyzer with lexicons, models and stance", |b| {
        b.iter(|| {
            Analyzer::builder()
                .default_models(true)
                .stance(true)
                .build()
                .map_or(0, |a| a.lexicons().len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
