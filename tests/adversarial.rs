//! The founding terms survive adversarial rewrites (soft hyphens, NBSP, Cyrillic look-alikes,
//! capitals, decomposed accents, typographic apostrophes) and are found with the exact span of
//! the rewritten text, both in a synthetic sentence and inside seed 004 (when `../shared` is
//! present).

mod common;

use partipris::{Article, Language};
use unicode_normalization::UnicodeNormalization;

const TERMS: &[&str] = &[
    "minorité planétaire",
    "néocoloniales",
    "vassaux",
    "propagande hexagonale",
    "establishment otanesque",
];

/// A named rewrite of a term.
type Rewrite = (&'static str, fn(&str) -> String);

/// The rewrites.
fn rewrites() -> Vec<Rewrite> {
    vec![
        ("soft hyphen inside a word", |t| {
            let mut out = String::new();
            for (i, c) in t.chars().enumerate() {
                out.push(c);
                if i == 3 {
                    out.push('\u{00AD}');
                }
            }
            out
        }),
        ("zero-width space inside a word", |t| {
            let mut out = String::new();
            for (i, c) in t.chars().enumerate() {
                if i == 2 {
                    out.push('\u{200B}');
                }
                out.push(c);
            }
            out
        }),
        ("NBSP between words", |t| t.replace(' ', "\u{00A0}")),
        ("narrow NBSP between words", |t| t.replace(' ', "\u{202F}")),
        ("Cyrillic look-alike letter", |t| {
            // Replace the first a, e, o or p with its Cyrillic twin.
            let mut done = false;
            t.chars()
                .map(|c| {
                    let twin = match c {
                        'a' => 'а',
                        'e' => 'е',
                        'o' => 'о',
                        'p' => 'р',
                        _ => return c,
                    };
                    if done {
                        c
                    } else {
                        done = true;
                        twin
                    }
                })
                .collect()
        }),
        ("all capitals", |t| t.to_uppercase()),
        ("decomposed accents (NFD)", |t| t.nfd().collect()),
        ("full-width letters", |t| {
            t.chars()
                .map(|c| match c {
                    'a'..='z' => char::from_u32(c as u32 - 'a' as u32 + 0xFF41).unwrap_or(c),
                    _ => c,
                })
                .collect()
        }),
    ]
}

/// Checks that `term` (as written in `text` at `at`) is matched with exactly its span.
fn assert_found(text: &str, at: usize, term: &str, what: &str) {
    let report = common::analyzer()
        .analyze(&Article::new("t", text).with_language(Language::FRENCH))
        .unwrap_or_else(|e| panic!("{e}"));
    let span = at..at + term.len();
    assert!(
        report.markers().iter().any(|m| m.span() == span),
        "{what}: {term:?} at {span:?} not matched with its span; got {:?}",
        report
            .markers()
            .iter()
            .map(|m| (m.span(), m.text().to_string()))
            .collect::<Vec<_>>()
    );
    for m in report.markers() {
        assert!(text.is_char_boundary(m.start()) && text.is_char_boundary(m.end()));
    }
}

#[test]
fn rewrites_in_a_sentence_keep_their_span() {
    for term in TERMS {
        for (name, rewrite) in rewrites() {
            let rewritten = rewrite(term);
            if &rewritten == term {
                continue; // e.g. NBSP between words, for a one-word term
            }
            let prefix = "Selon l\u{2019}analyste, c\u{2019}est \u{00AB}\u{00A0}la ";
            let text = format!("{prefix}{rewritten}\u{00A0}\u{00BB} qu\u{2019}on craint.");
            assert_found(&text, prefix.len(), &rewritten, name);
        }
    }
}

#[test]
fn typographic_apostrophes_around_terms() {
    for term in TERMS {
        for apostrophe in ['\u{2019}', '\u{02BC}', '\u{2032}', '`'] {
            let prefix = format!("jusqu{apostrophe}aux ");
            let text = format!("{prefix}{term} d{apostrophe}aujourd{apostrophe}hui");
            assert_found(&text, prefix.len(), term, "typographic apostrophes");
        }
    }
}

#[test]
fn rewrites_inside_seed_004_keep_their_spans() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let original = common::seed(&dir, "004");
    for (name, rewrite) in rewrites() {
        // Rewrite every occurrence of every term, then check each rewritten span.
        let mut text = original.clone();
        for term in TERMS {
            text = text.replace(term, &rewrite(term));
        }
        let report = common::analyzer()
            .analyze(&Article::new("004", text.as_str()))
            .unwrap_or_else(|e| panic!("{e}"));
        for term in TERMS {
            let rewritten = rewrite(term);
            for (at, _) in text.match_indices(rewritten.as_str()) {
                let span = at..at + rewritten.len();
                assert!(
                    report.markers().iter().any(|m| m.span() == span),
                    "{name}: {term} at {span:?} not matched in 004"
                );
            }
        }
    }
}
