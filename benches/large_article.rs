//! One 50 MB article analysed with a raised size limit (`max_article_bytes(64 MiB)`): time and
//! peak memory. The article is the bench corpus (see `benches/common`) joined into one text of
//! 50 MB, as a huge scraped page would be. The peak resident set size of the process (Linux
//! `VmHWM`) is printed before and after, so that the memory one article costs can be read off.
//! Then articles dense with mentions of a target (stance on), in one long sentence or in many,
//! at two sizes: the stance stage's time must grow with the text (four times the mentions, about
//! four times the time), not with the square of its mentions.
//! Run: `cargo bench --bench large_article`.

#[allow(dead_code)] // french_articles is for the other benches
mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use partipris::{Analyzer, Article, Language};

const SIZE: usize = 50 * 1000 * 1000;

/// Peak resident set size of this process in MiB (Linux), if known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn bench(c: &mut Criterion) {
    let texts = common::load();
    let mut text = String::with_capacity(SIZE + 100_000);
    'fill: loop {
        for t in &texts {
            if text.len() >= SIZE {
                break 'fill;
            }
            text.push_str(t);
            text.push_str("\n\n");
        }
    }
    let analyzer = Analyzer::builder()
        .max_article_bytes(64 << 20)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let article = Article::new("large", text.as_str()).with_language(Language::FRENCH);
    let before = peak_rss_mib();
    let report = analyzer.analyze(&article).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "one article of {:.1} MB: {} words, {} markers; peak RSS {:.0} MiB before analysing, \
         {:.0} MiB after (text held: {:.0} MiB)",
        text.len() as f64 / 1e6,
        report.word_count(),
        report.markers().len(),
        before.unwrap_or(f64::NAN),
        peak_rss_mib().unwrap_or(f64::NAN),
        text.len() as f64 / (1 << 20) as f64,
    );
    drop(report);
    let mut g = c.benchmark_group("large_article");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("analyze 50 MB", |b| {
        b.iter(|| analyzer.analyze(&article).map_or(0, |r| r.markers().len()))
    });
    g.finish();

    let analyzer = Analyzer::builder()
        .stance(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("many_mentions");
    g.sample_size(10);
    for (shape, phrase) in [
        (
            "one sentence",
            "la Russie ment contre l'ingérence de la propagande selon Macron, ",
        ),
        ("sentences", "La Russie ment selon Macron. "),
    ] {
        for n in [1_500, 6_000] {
            let text = phrase.repeat(n);
            let article = Article::new("mentions", text.as_str()).with_language(Language::FRENCH);
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_function(format!("{shape}, {n} mentions"), |b| {
                b.iter(|| analyzer.analyze(&article).map_or(0, |r| r.stances().len()))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
