//! N-gram evidence: for each language, the naive-Bayes log-count ratio of every frequent word
//! n-gram and character n-gram for each output of a model (a class against the rest), summed
//! over a text's n-grams. A model gets two dense features per output (word evidence and
//! character evidence) that carry a whole vocabulary — hundreds of thousands of n-grams, far
//! beyond what linfa's dense solver can take as separate features — into a few numbers the
//! logistic heads weigh (Wang & Manning's NB features, stacked).
//!
//! - Word n-grams are those of [`super::ngrams`] (unigrams and bigrams of normalized words).
//! - Character n-grams are the 3- to 5-character windows of every token padded with one space
//!   on each side (`" vassaux "` → `" va"`, `"vas"`, ..., `"aux "`), like scikit-learn's
//!   `char_wb`: they catch inflections, compounds and typography that whole words miss.
//! - A text's evidence for an output is `Σ count(g) · r(g) / √N`, over its n-grams `g` of one
//!   kind, with `N` the number of n-gram occurrences of that kind in the text.
//! - The ratio `r(g) = ln(p(g) / q(g))`, with `p` and `q` the smoothed (add-one) document
//!   frequencies of `g` in the output's documents and in the others, each normalized to sum to
//!   one, computed per language on the training folds only. Training examples get their
//!   evidence out of fold (from tables fitted without their fold), so the heads learn how far
//!   to trust it on unseen text.
//! - Only the n-grams that weigh most (document frequency × largest |ratio|) are kept per
//!   language and kind; ratios are stored in thousandths.
//!
//! The sums are computed by [`super::lookup`], with the tables of every model merged.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::ngrams::for_each_ngram;
use super::Scaler;
use crate::tokenize::{word_hash, Token};

/// Character n-gram lengths.
const CHAR_MIN: usize = 3;
const CHAR_MAX: usize = 5;

/// The two kinds of n-grams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GramKind {
    /// Word unigrams and bigrams.
    Word,
    /// Character 3- to 5-grams within padded tokens.
    Char,
}

impl GramKind {
    /// Both kinds, in feature order.
    pub const ALL: [GramKind; 2] = [GramKind::Word, GramKind::Char];

    fn name(self) -> &'static str {
        match self {
            GramKind::Word => "word",
            GramKind::Char => "char",
        }
    }
}

/// The ratios of one language and kind, as stored in a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceTable {
    /// Language code.
    pub language: String,
    /// N-gram kind.
    pub kind: GramKind,
    /// The kept n-grams (words separated by one space; character n-grams as they are).
    pub grams: Vec<String>,
    /// Log-count ratios in thousandths, `grams.len() × outputs`, n-gram-major.
    pub ratios: Vec<i32>,
}

/// The evidence part of a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The outputs (a class, or a head's positive class), one feature per output and kind.
    pub outputs: Vec<String>,
    /// Tables per language and kind.
    pub tables: Vec<EvidenceTable>,
    /// Standardization of the evidence features (kind-major: every output's word evidence,
    /// then every output's character evidence).
    pub scaler: Scaler,
    /// Languages with an indicator feature each (after the evidence features).
    pub languages: Vec<String>,
}

impl Evidence {
    /// Number of input features it adds: evidence, then language indicators.
    pub fn n_features(&self) -> usize {
        2 * self.outputs.len() + self.languages.len()
    }

    /// The name of its feature `i`.
    pub fn feature_name(&self, i: usize) -> Option<String> {
        let k = self.outputs.len();
        if i < 2 * k {
            let kind = GramKind::ALL[i / k];
            return Some(format!("evidence.{}.{}", kind.name(), self.outputs[i % k]));
        }
        self.languages
            .get(i - 2 * k)
            .map(|l| format!("language.{l}"))
    }

    /// Checks the shapes; returns what is wrong.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        let k = self.outputs.len();
        if self.scaler.mean.len() != 2 * k || self.scaler.scale.len() != 2 * k {
            return Err(format!(
                "evidence scaler has {} means and {} scales for {} outputs × 2 kinds",
                self.scaler.mean.len(),
                self.scaler.scale.len(),
                k
            ));
        }
        for t in &self.tables {
            if t.ratios.len() != t.grams.len() * k {
                return Err(format!(
                    "evidence table {} {} has {} ratios for {} n-grams × {k} outputs",
                    t.language,
                    t.kind.name(),
                    t.ratios.len(),
                    t.grams.len()
                ));
            }
        }
        Ok(())
    }
}

/// Calls `f(hash, gram)` for every character n-gram of a token's normalized text.
pub(crate) fn for_each_char_gram(token: &str, mut f: impl FnMut(u64, &str)) {
    char_windows(&format!(" {token} "), |gram| f(word_hash(gram), gram));
}

/// Calls `f` with every window of 3 to 5 characters of a padded word, shorter windows first,
/// each length in order (the character n-grams here and in the stance model).
pub(crate) fn char_windows(padded: &str, mut f: impl FnMut(&str)) {
    let bounds: Vec<usize> = padded
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(padded.len()))
        .collect();
    for n in CHAR_MIN..=CHAR_MAX {
        for w in bounds.windows(n + 1) {
            f(&padded[w[0]..w[n]]);
        }
    }
}

/// Word and character n-gram counts of tokens (sorted by hash), and (`with_text`) the text of
/// each n-gram: what evidence tables are fitted and looked up on.
pub(crate) fn gram_counts(normalized: &str, tokens: &[Token], with_text: bool) -> GramCounts {
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    let mut texts = Vec::new();
    for_each_ngram(normalized, tokens, with_text, |_, h, t| {
        let c = counts.entry(h).or_insert(0);
        if *c == 0 {
            if let Some(t) = t {
                texts.push((h, t));
            }
        }
        *c += 1;
    });
    let mut char_counts: FxHashMap<u64, u32> = FxHashMap::default();
    for t in tokens {
        for_each_char_gram(&normalized[t.norm_span()], |h, g| {
            let c = char_counts.entry(h).or_insert(0);
            if *c == 0 && with_text {
                texts.push((h, g.to_string()));
            }
            *c += 1;
        });
    }
    let sorted = |m: FxHashMap<u64, u32>| {
        let mut v: Vec<(u64, u32)> = m.into_iter().collect();
        v.sort_unstable();
        v
    };
    (sorted(counts), sorted(char_counts), texts)
}

/// Word n-gram counts, character n-gram counts (by hash, sorted) and n-gram texts by hash.
pub(crate) type GramCounts = (Vec<(u64, u32)>, Vec<(u64, u32)>, Vec<(u64, String)>);

/// A training document for fitting tables: its language, distinct n-gram hashes of each
/// kind, and whether it is positive for each output.
pub(crate) struct FitDoc<'a> {
    pub language: &'a str,
    pub words: &'a [(u64, u32)],
    pub chars: &'a [(u64, u32)],
    pub positive: Vec<bool>,
}

/// Fits the tables of every language and kind on `docs`; `texts` names the hashes. Keeps per
/// language and kind the `keep` n-grams of highest document frequency × largest |ratio| among
/// those in at least `min_df` documents.
pub(crate) fn fit_tables(
    docs: &[FitDoc<'_>],
    texts: &FxHashMap<u64, String>,
    k: usize,
    min_df: u32,
    keep: usize,
) -> Vec<EvidenceTable> {
    let mut languages: Vec<&str> = docs.iter().map(|d| d.language).collect();
    languages.sort_unstable();
    languages.dedup();
    let mut tables = Vec::new();
    for language in languages {
        let in_lang: Vec<&FitDoc<'_>> = docs.iter().filter(|d| d.language == language).collect();
        for kind in GramKind::ALL {
            // hash → [df, df of each output]
            let mut stats: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
            let mut positives = vec![0u32; k];
            for d in &in_lang {
                for (o, &p) in d.positive.iter().enumerate() {
                    positives[o] += u32::from(p);
                }
                let grams = match kind {
                    GramKind::Word => d.words,
                    GramKind::Char => d.chars,
                };
                for &(h, _) in grams {
                    let e = stats.entry(h).or_insert_with(|| vec![0; k + 1]);
                    e[0] += 1;
                    for (o, &p) in d.positive.iter().enumerate() {
                        e[o + 1] += u32::from(p);
                    }
                }
            }
            stats.retain(|_, s| s[0] >= min_df);
            let v = stats.len() as f64;
            // Normalizers: Σ over kept n-grams of the smoothed frequencies, per output.
            let mut pos_total = vec![v; k];
            let mut neg_total = vec![v; k];
            for s in stats.values() {
                for o in 0..k {
                    pos_total[o] += f64::from(s[o + 1]);
                    neg_total[o] += f64::from(s[0] - s[o + 1]);
                }
            }
            let mut scored: Vec<(f64, &str, Vec<i32>)> = stats
                .iter()
                .filter_map(|(h, s)| {
                    let ratios: Vec<i32> = (0..k)
                        .map(|o| {
                            let p = (1.0 + f64::from(s[o + 1])) / pos_total[o];
                            let q = (1.0 + f64::from(s[0] - s[o + 1])) / neg_total[o];
                            ((p / q).ln() * 1000.0).round() as i32
                        })
                        .collect();
                    let largest = ratios.iter().map(|r| r.unsigned_abs()).max().unwrap_or(0);
                    let weight = f64::from(s[0]) * f64::from(largest);
                    (largest > 0).then_some((weight, texts.get(h)?.as_str(), ratios))
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            scored.truncate(keep);
            scored.sort_by(|a, b| a.1.cmp(b.1));
            if scored.is_empty() {
                continue;
            }
            let mut table = EvidenceTable {
                language: language.to_string(),
                kind,
                grams: Vec::with_capacity(scored.len()),
                ratios: Vec::with_capacity(scored.len() * k),
            };
            for (_, g, r) in scored {
                table.grams.push(g.to_string());
                table.ratios.extend(r);
            }
            tables.push(table);
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::super::lookup::Lookup;
    use super::super::ngrams::for_each_ngram;
    use super::*;
    use crate::normalize::normalize;
    use crate::tokenize::tokenize;

    #[test]
    fn char_grams_are_padded_windows() {
        let mut grams = Vec::new();
        for_each_char_gram("été", |h, g| {
            assert_eq!(h, word_hash(g));
            grams.push(g.to_string());
        });
        assert_eq!(
            grams,
            [" ét", "été", "té ", " été", "été ", " été "].map(String::from)
        );
    }

    type Counts = Vec<(u64, u32)>;

    fn counts(text: &str) -> (Counts, Counts, FxHashMap<u64, String>) {
        let n = normalize(text);
        let t = tokenize(text, &n);
        let mut texts = FxHashMap::default();
        let mut w: FxHashMap<u64, u32> = FxHashMap::default();
        for_each_ngram(n.as_str(), &t.tokens, true, |_, h, s| {
            *w.entry(h).or_default() += 1;
            if let Some(s) = s {
                texts.insert(h, s);
            }
        });
        let mut c: FxHashMap<u64, u32> = FxHashMap::default();
        for tok in &t.tokens {
            for_each_char_gram(&n.as_str()[tok.norm_span()], |h, g| {
                *c.entry(h).or_default() += 1;
                texts.insert(h, g.to_string());
            });
        }
        let mut w: Vec<_> = w.into_iter().collect();
        let mut c: Vec<_> = c.into_iter().collect();
        w.sort_unstable();
        c.sort_unstable();
        (w, c, texts)
    }

    #[test]
    fn evidence_separates_classes_and_counts_equal_tokens() {
        let docs_text = [
            ("Les vassaux de l'empire obéissent !", true),
            ("Ces vassaux serviles, quelle honte !", true),
            ("Le conseil a voté le budget mardi.", false),
            ("Le ministre a présenté le budget.", false),
        ];
        let prepared: Vec<_> = docs_text.iter().map(|(t, p)| (counts(t), *p)).collect();
        let mut texts = FxHashMap::default();
        for ((_, _, t), _) in &prepared {
            texts.extend(t.clone());
        }
        let docs: Vec<FitDoc<'_>> = prepared
            .iter()
            .map(|((w, c, _), p)| FitDoc {
                language: "fr",
                words: w,
                chars: c,
                positive: vec![*p],
            })
            .collect();
        let tables = fit_tables(&docs, &texts, 1, 1, 1000);
        assert_eq!(tables.len(), 2);
        let evidence = Evidence {
            outputs: vec!["loaded".into()],
            tables,
            scaler: Scaler {
                mean: vec![0.0; 2],
                scale: vec![1.0; 2],
            },
            languages: vec!["fr".into()],
        };
        assert!(evidence.check().is_ok());
        let lookup = Lookup::new(vec![std::sync::Arc::new(evidence.clone())]);
        let text = "Des vassaux ! Le budget.";
        let n = normalize(text);
        let t = tokenize(text, &n);
        let (w, c, _) = counts(text);
        let all = 0..t.tokens.len();
        let (_, from_tokens) = lookup.stretch(0, &lookup.grams("fr", n.as_str(), &t.tokens), all);
        // Twice: the second look-up reads the cache.
        let (_, again) = lookup.stretch(
            0,
            &lookup.grams("fr", n.as_str(), &t.tokens),
            0..t.tokens.len(),
        );
        assert_eq!(from_tokens, again);
        let from_counts = lookup.evidence_from_counts(0, "fr", &w, &c);
        for (a, b) in from_tokens.iter().zip(&from_counts) {
            assert!((a - b).abs() < 1e-4, "{from_tokens:?} vs {from_counts:?}");
        }
        let loaded = lookup.evidence_from_counts(0, "fr", &counts("vassaux serviles").0, &[]);
        let plain = lookup.evidence_from_counts(0, "fr", &counts("le budget").0, &[]);
        assert!(loaded[0] > 0.0 && plain[0] < 0.0, "{loaded:?} {plain:?}");
        let (_, english) = lookup.stretch(
            0,
            &lookup.grams("en", n.as_str(), &t.tokens),
            0..t.tokens.len(),
        );
        assert_eq!(english, vec![0.0; 2]);
        assert_eq!(
            evidence.feature_name(1).as_deref(),
            Some("evidence.char.loaded")
        );
        assert_eq!(evidence.feature_name(2).as_deref(), Some("language.fr"));
    }
}
