//! Word n-gram features: unigrams and bigrams of normalized words (and of `!`, `?` and
//! quotation marks), selected per language on the training folds by chi-squared, weighted by
//! sublinear TF × IDF fixed at training, L2-normalized.
//!
//! N-grams are identified by a 64-bit hash computed from the tokens' [`Token::hash`], so
//! extraction at prediction time allocates no strings; the selected n-grams keep their text as
//! their feature name.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::tokenize::{word_hash, Token, TokenKind};

/// One selected n-gram feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ngram {
    /// The n-gram's words, space-separated (the feature's human-readable name).
    pub text: String,
    /// Inverse document frequency on the training data.
    pub idf: f32,
}

/// Punctuation kept as n-gram words.
fn kept_punct(p: &str) -> bool {
    matches!(p, "!" | "?" | "«" | "»" | "“" | "”" | "\"")
}

/// The hash of a bigram from its words' hashes.
fn bigram_hash(a: u64, b: u64) -> u64 {
    (a.rotate_left(29) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Calls `f(i, hash, text)` for every n-gram of a tokenized text, in order, with `i` the index
/// of its last token; `text` is built only when `with_text` is set (training).
pub(crate) fn for_each_ngram(
    normalized: &str,
    tokens: &[Token],
    with_text: bool,
    mut f: impl FnMut(usize, u64, Option<String>),
) {
    let mut prev: Option<(u64, &str, usize)> = None;
    for (i, t) in tokens.iter().enumerate() {
        let word = &normalized[t.norm_span()];
        let hash = match t.kind() {
            TokenKind::Punct if kept_punct(word) => word_hash(word),
            TokenKind::Punct => {
                prev = None;
                continue;
            }
            _ => t.hash(),
        };
        f(i, hash, with_text.then(|| word.to_string()));
        if let Some((ph, pw, sentence)) = prev {
            if sentence == t.sentence() {
                f(
                    i,
                    bigram_hash(ph, hash),
                    with_text.then(|| format!("{pw} {word}")),
                );
            }
        }
        prev = Some((hash, word, t.sentence()));
    }
}

/// The sparse TF-IDF vector (index, value), sorted by index, of n-gram counts (vocabulary
/// index, occurrences): sublinear TF × `idf`, L2-normalized. The norm is summed in the order
/// the counts come in (training gives them in the order the shipped models were trained with).
pub(crate) fn tf_idf(counts: impl IntoIterator<Item = (u32, u32)>, idf: &[f32]) -> Vec<(u32, f32)> {
    let counts = counts.into_iter();
    // Room for every count (`filter_map` would start the vector empty and grow it).
    let mut v: Vec<(u32, f32)> = Vec::with_capacity(counts.size_hint().0);
    v.extend(counts.filter_map(|(i, c)| Some((i, (1.0 + (c as f32).ln()) * idf.get(i as usize)?))));
    let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, x) in &mut v {
            *x /= norm;
        }
    }
    v.sort_unstable_by_key(|(i, _)| *i);
    v
}

/// The hash of an n-gram from its text (words separated by one space), equal to the hash
/// [`for_each_ngram`] computes from tokens.
pub(crate) fn ngram_text_hash(text: &str) -> u64 {
    let mut words = text.split(' ');
    let first = words.next().map(word_hash).unwrap_or(0);
    match words.next() {
        Some(second) => bigram_hash(first, word_hash(second)),
        None => first,
    }
}

/// A training document for n-gram selection: its language, its class indices (one for
/// single-label tasks, the positive labels for multi-label ones) and its distinct n-gram
/// hashes.
pub(crate) struct SelectionDoc {
    pub lang: String,
    pub classes: Vec<usize>,
    pub grams: Vec<u64>,
}

/// Chooses n-grams on training documents: for each language, the `per_language` n-grams with
/// the highest chi-squared statistic for any class (one class against the rest), among those
/// in at least `min_df` documents of that language; IDF over all documents. `texts` gives each
/// hash its n-gram text.
pub(crate) fn select(
    docs: &[SelectionDoc],
    texts: &FxHashMap<u64, String>,
    n_classes: usize,
    per_language: usize,
    min_df: u32,
) -> Vec<Ngram> {
    let mut languages: Vec<&str> = docs.iter().map(|d| d.lang.as_str()).collect();
    languages.sort_unstable();
    languages.dedup();
    let mut chosen: Vec<u64> = Vec::new();
    for lang in languages {
        let in_lang: Vec<&SelectionDoc> = docs.iter().filter(|d| d.lang == lang).collect();
        let n = in_lang.len() as f64;
        let mut class_docs = vec![0f64; n_classes];
        // n-gram → (df, df per class)
        let mut stats: FxHashMap<u64, (u32, Vec<u32>)> = FxHashMap::default();
        for d in &in_lang {
            for &c in &d.classes {
                class_docs[c] += 1.0;
            }
            for &g in &d.grams {
                let e = stats.entry(g).or_insert_with(|| (0, vec![0; n_classes]));
                e.0 += 1;
                for &c in &d.classes {
                    e.1[c] += 1;
                }
            }
        }
        let mut scored: Vec<(f64, &str, u64)> = stats
            .iter()
            .filter(|(_, (df, _))| *df >= min_df)
            .filter_map(|(g, (df, per_class))| {
                let best = (0..n_classes)
                    .map(|c| chi2(f64::from(per_class[c]), f64::from(*df), class_docs[c], n))
                    .fold(0.0, f64::max);
                Some((best, texts.get(g)?.as_str(), *g))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        chosen.extend(scored.into_iter().take(per_language).map(|(_, _, g)| g));
    }
    chosen.sort_unstable();
    chosen.dedup();
    let n = docs.len() as f64;
    let mut df: FxHashMap<u64, u32> = chosen.iter().map(|&g| (g, 0)).collect();
    for d in docs {
        for g in &d.grams {
            if let Some(x) = df.get_mut(g) {
                *x += 1;
            }
        }
    }
    let mut out: Vec<Ngram> = chosen
        .iter()
        .filter_map(|g| {
            Some(Ngram {
                text: texts.get(g)?.clone(),
                idf: (((1.0 + n) / (1.0 + f64::from(*df.get(g)?))).ln() + 1.0) as f32,
            })
        })
        .collect();
    out.sort_by(|a, b| a.text.cmp(&b.text));
    out
}

/// Chi-squared statistic of a 2×2 table: feature present in `a` documents of the class, in
/// `df` documents overall; `c` documents in the class, `n` in all.
fn chi2(a: f64, df: f64, c: f64, n: f64) -> f64 {
    let b = df - a; // present, other classes
    let cc = c - a; // absent, class
    let d = n - df - cc; // absent, other classes
    let num = n * (a * d - b * cc).powi(2);
    let den = (a + b) * (cc + d) * (a + cc) * (b + d);
    if den <= 0.0 {
        0.0
    } else {
        num / den
    }
}

#[cfg(test)]
mod tests {
    use super::super::lookup::Lookup;
    use super::*;
    use crate::normalize::normalize;
    use crate::tokenize::tokenize;

    fn grams(text: &str) -> Vec<(u64, String)> {
        let n = normalize(text);
        let t = tokenize(text, &n);
        let mut out = Vec::new();
        for_each_ngram(n.as_str(), &t.tokens, true, |_, h, s| {
            out.push((h, s.unwrap_or_default()))
        });
        out
    }

    #[test]
    fn ngram_hashes_match_their_text() {
        let got = grams("Les Vassaux ! Fin, enfin");
        let texts: Vec<&str> = got.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "les",
                "vassaux",
                "les vassaux",
                "!",
                "vassaux !",
                "fin",
                "enfin"
            ]
        );
        for (h, s) in &got {
            assert_eq!(*h, ngram_text_hash(s), "{s}");
        }
    }

    #[test]
    fn chi2_prefers_class_specific_ngrams() {
        let texts: FxHashMap<u64, String> = ["le", "vassaux"]
            .iter()
            .map(|w| (ngram_text_hash(w), w.to_string()))
            .collect();
        let docs: Vec<SelectionDoc> = (0..20)
            .map(|i| {
                let class = i % 2;
                let mut grams = vec![ngram_text_hash("le")];
                if class == 1 {
                    grams.push(ngram_text_hash("vassaux"));
                }
                SelectionDoc {
                    lang: "fr".into(),
                    classes: vec![class],
                    grams,
                }
            })
            .collect();
        let chosen = select(&docs, &texts, 2, 1, 2);
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].text, "vassaux");
        let lookup = Lookup::new(vec![std::sync::Arc::new(chosen)]);
        let text = "Des vassaux, des vassaux.";
        let n = normalize(text);
        let t = tokenize(text, &n);
        let grams = lookup.grams("fr", n.as_str(), &t.tokens);
        let (vec, evidence) = lookup.stretch(0, &grams, 0..t.tokens.len());
        assert!(evidence.is_empty());
        assert_eq!(vec.len(), 1);
        assert!((vec[0].1 - 1.0).abs() < 1e-6);
    }
}
