//! Concurrency: `Analyzer` is `Send + Sync` (checked at compile time), and one analyzer shared
//! by many threads gives the same reports as a fresh analyzer in each thread and as a single
//! thread, whatever the order in which threads reach the shared per-thread caches.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use partipris::{Analyzer, Article, Language};

/// Compile-time check: this function only type-checks if the types are `Send + Sync`.
const fn assert_send_sync<T: Send + Sync>() {}
const _: () = assert_send_sync::<Analyzer>();
const _: () = assert_send_sync::<partipris::ArticleReport>();
const _: () = assert_send_sync::<partipris::Lexicon>();
const _: () = assert_send_sync::<partipris::model::Models>();

/// Texts in French and English with loaded terms, evasions, quotes, and text in other
/// languages; the seeds too when `../shared` is present.
fn texts() -> Vec<(String, Option<Language>)> {
    let mut out: Vec<(String, Option<Language>)> = vec![
        ("Les vassaux de Washington et la minorité planétaire s\u{2019}inquiètent, a déclaré le ministre. Selon lui, c\u{2019}est une «\u{00A0}propagande\u{00A0}» totalement absurde !".into(), None),
        ("The puppet regime\u{2019}s so-called reforms are a total disaster, according to officials. Why would anyone believe them?".into(), Some(Language::ENGLISH)),
        ("Note : la m i n o r i t é p l a n é t a i r e, les n3ocoloniales et l\u{2019}\u{202E}xuassav\u{202C} ; VАSSАUX.".into(), Some(Language::FRENCH)),
        ("El gobierno anunció nuevas medidas, dijo un portavoz.".into(), None),
        ("Правительство объявило о новых мерах, сообщил представитель.".into(), None),
    ];
    if let Some(dir) = common::shared_dir() {
        for seed in ["000", "004"] {
            out.push((common::seed(&dir, seed), None));
        }
    }
    out
}

fn report_json(analyzer: &Analyzer, i: usize, text: &str, lang: Option<Language>) -> String {
    let mut article = Article::new(format!("a{i}"), text);
    if let Some(l) = lang {
        article = article.with_language(l);
    }
    let report = analyzer.analyze(&article).unwrap_or_else(|e| panic!("{e}"));
    serde_json::to_string(&report).unwrap_or_else(|e| panic!("{e}"))
}

fn build() -> Analyzer {
    // With the shipped models, so that scoring runs concurrently too.
    Analyzer::builder()
        .default_models(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_shared_analyzer_gives_the_same_reports_as_fresh_ones() {
    let texts = texts();
    // Reference: one fresh analyzer, one thread.
    let reference: Vec<String> = {
        let a = build();
        texts
            .iter()
            .enumerate()
            .map(|(i, (t, l))| report_json(&a, i, t, *l))
            .collect()
    };
    let shared = build();
    const THREADS: usize = 8;
    const ROUNDS: usize = 2;
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|k| {
                let (shared, texts, reference, next) = (&shared, &texts, &reference, &next);
                scope.spawn(move || {
                    // Each thread also builds its own analyzer (its own caches).
                    let fresh = build();
                    let mut done = 0;
                    // Threads take texts from a shared counter, each starting elsewhere, so
                    // that different threads warm the caches with different words first.
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= texts.len() * ROUNDS * THREADS {
                            break;
                        }
                        let i = (n + k) % texts.len();
                        let (text, lang) = &texts[i];
                        let from_shared = report_json(shared, i, text, *lang);
                        let from_fresh = report_json(&fresh, i, text, *lang);
                        assert_eq!(from_shared, reference[i], "shared analyzer, text {i}");
                        assert_eq!(from_fresh, reference[i], "fresh analyzer, text {i}");
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        let total: usize = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| panic!("a thread panicked")))
            .sum();
        assert_eq!(total, texts.len() * ROUNDS * THREADS);
    });
}

#[test]
fn clones_share_state_and_agree() {
    let a = common::analyzer();
    let b = a.clone();
    let texts = texts();
    std::thread::scope(|scope| {
        let ha = scope.spawn(|| {
            texts
                .iter()
                .enumerate()
                .map(|(i, (t, l))| report_json(&a, i, t, *l))
                .collect::<Vec<_>>()
        });
        let hb = scope.spawn(|| {
            texts
                .iter()
                .enumerate()
                .rev()
                .map(|(i, (t, l))| report_json(&b, i, t, *l))
                .collect::<Vec<_>>()
        });
        let ra = ha.join().unwrap_or_else(|_| panic!("thread a panicked"));
        let mut rb = hb.join().unwrap_or_else(|_| panic!("thread b panicked"));
        rb.reverse();
        assert_eq!(ra, rb);
    });
}
