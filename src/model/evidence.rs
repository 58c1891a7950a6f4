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
//! At prediction time a token's character evidence is cached per thread (keyed by the token's
//! hash; a 64-bit collision, about one in 10^7 for a million distinct words, would give one
//! word another's evidence).

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use thread_local::ThreadLocal;

use super::ngrams::{for_each_ngram, ngram_text_hash};
use super::Scaler;
use crate::tokenize::{word_hash, Token, TokenKind};

/// Character n-gram lengths.
const CHAR_MIN: usize = 3;
const CHAR_MAX: usize = 5;
/// Cached tokens per thread and table before the cache is cleared.
const CACHE_LIMIT: usize = 1 << 18;

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
    let mut padded = String::with_capacity(token.len() + 2);
    padded.push(' ');
    padded.push_str(token);
    padded.push(' ');
    let bounds: Vec<usize> = padded
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(padded.len()))
        .collect();
    for n in CHAR_MIN..=CHAR_MAX {
        for w in bounds.windows(n + 1) {
            let gram = &padded[w[0]..w[n]];
            f(word_hash(gram), gram);
        }
    }
}

/// A token's key in the character cache.
fn token_key(token: &Token, text: &str) -> u64 {
    match token.kind() {
        TokenKind::Punct => word_hash(text),
        _ => token.hash(),
    }
}

/// One table ready to look up.
#[derive(Debug, Clone)]
struct Table {
    index: FxHashMap<u64, u32>,
    ratios: Vec<f32>,
}

impl Table {
    fn new(t: &EvidenceTable, k: usize) -> Table {
        let index = t
            .grams
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let h = match t.kind {
                    GramKind::Word => ngram_text_hash(g),
                    GramKind::Char => word_hash(g),
                };
                (h, i as u32)
            })
            .collect();
        let ratios = t
            .ratios
            .iter()
            .take(t.grams.len() * k)
            .map(|&r| r as f32 / 1000.0)
            .collect();
        Table { index, ratios }
    }

    fn add(&self, hash: u64, count: f32, k: usize, sums: &mut [f32]) {
        if let Some(&i) = self.index.get(&hash) {
            let row = &self.ratios[i as usize * k..(i as usize + 1) * k];
            for (s, r) in sums.iter_mut().zip(row) {
                *s += count * r;
            }
        }
    }
}

/// A thread's character cache: token key → offset in `values` of `[occurrences, sums...]`.
#[derive(Debug, Default)]
struct Cache {
    offsets: FxHashMap<u64, u32>,
    values: Vec<f32>,
}

/// The tables of one language.
#[derive(Debug)]
struct LanguageTables {
    language: String,
    word: Option<Table>,
    char: Option<Table>,
    cache: ThreadLocal<RefCell<Cache>>,
}

/// Evidence ready to compute.
#[derive(Debug)]
pub(crate) struct Scorer {
    k: usize,
    languages: Vec<LanguageTables>,
}

impl Clone for Scorer {
    fn clone(&self) -> Self {
        // A clone starts with empty caches.
        Scorer {
            k: self.k,
            languages: self
                .languages
                .iter()
                .map(|l| LanguageTables {
                    language: l.language.clone(),
                    word: l.word.clone(),
                    char: l.char.clone(),
                    cache: ThreadLocal::new(),
                })
                .collect(),
        }
    }
}

impl Scorer {
    /// Look-up tables from a model's evidence.
    pub fn new(e: &Evidence) -> Scorer {
        let k = e.outputs.len();
        let mut languages: Vec<LanguageTables> = Vec::new();
        for t in &e.tables {
            let pos = match languages.iter().position(|l| l.language == t.language) {
                Some(p) => p,
                None => {
                    languages.push(LanguageTables {
                        language: t.language.clone(),
                        word: None,
                        char: None,
                        cache: ThreadLocal::new(),
                    });
                    languages.len() - 1
                }
            };
            let table = Some(Table::new(t, k));
            match t.kind {
                GramKind::Word => languages[pos].word = table,
                GramKind::Char => languages[pos].char = table,
            }
        }
        Scorer { k, languages }
    }

    fn tables(&self, language: &str) -> Option<&LanguageTables> {
        self.languages.iter().find(|l| l.language == language)
    }

    /// The raw evidence (word outputs, then character outputs) of a tokenized text.
    pub fn values(&self, language: &str, normalized: &str, tokens: &[Token]) -> Vec<f32> {
        let k = self.k;
        let mut out = vec![0f32; 2 * k];
        let Some(lt) = self.tables(language) else {
            return out;
        };
        if let Some(table) = &lt.word {
            let mut n = 0u32;
            for_each_ngram(normalized, tokens, false, |h, _| {
                n += 1;
                table.add(h, 1.0, k, &mut out[..k]);
            });
            scale(&mut out[..k], n);
        }
        if let Some(table) = &lt.char {
            let mut cache = lt.cache.get_or(Default::default).borrow_mut();
            let mut n = 0f32;
            for t in tokens {
                let text = &normalized[t.norm_span()];
                let key = token_key(t, text);
                let at = match cache.offsets.get(&key) {
                    Some(&at) => at as usize,
                    None => {
                        if cache.offsets.len() >= CACHE_LIMIT {
                            cache.offsets.clear();
                            cache.values.clear();
                        }
                        let at = cache.values.len();
                        let mut entry = vec![0f32; k + 1];
                        for_each_char_gram(text, |h, _| {
                            entry[0] += 1.0;
                            table.add(h, 1.0, k, &mut entry[1..]);
                        });
                        cache.values.extend_from_slice(&entry);
                        cache.offsets.insert(key, at as u32);
                        at
                    }
                };
                n += cache.values[at];
                for (o, v) in out[k..].iter_mut().zip(&cache.values[at + 1..at + 1 + k]) {
                    *o += v;
                }
            }
            scale(&mut out[k..], n as u32);
        }
        out
    }

    /// The raw evidence from n-gram counts by hash (training and evaluation).
    pub fn values_from_counts(
        &self,
        language: &str,
        words: &[(u64, u32)],
        chars: &[(u64, u32)],
    ) -> Vec<f32> {
        let k = self.k;
        let mut out = vec![0f32; 2 * k];
        let Some(lt) = self.tables(language) else {
            return out;
        };
        for (table, counts, range) in [(&lt.word, words, 0..k), (&lt.char, chars, k..2 * k)] {
            if let Some(table) = table {
                let mut n = 0u32;
                for &(h, c) in counts {
                    n += c;
                    table.add(h, c as f32, k, &mut out[range.clone()]);
                }
                scale(&mut out[range], n);
            }
        }
        out
    }
}

fn scale(sums: &mut [f32], n: u32) {
    if n > 0 {
        let s = (n as f32).sqrt();
        for x in sums {
            *x /= s;
        }
    }
}

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
        for_each_ngram(n.as_str(), &t.tokens, true, |h, s| {
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
        let scorer = Scorer::new(&evidence);
        let text = "Des vassaux ! Le budget.";
        let n = normalize(text);
        let t = tokenize(text, &n);
        let (w, c, _) = counts(text);
        let from_tokens = scorer.values("fr", n.as_str(), &t.tokens);
        // Twice: the second call reads the cache.
        assert_eq!(from_tokens, scorer.values("fr", n.as_str(), &t.tokens));
        let from_counts = scorer.values_from_counts("fr", &w, &c);
        for (a, b) in from_tokens.iter().zip(&from_counts) {
            assert!((a - b).abs() < 1e-4, "{from_tokens:?} vs {from_counts:?}");
        }
        let loaded = scorer.values_from_counts("fr", &counts("vassaux serviles").0, &[]);
        let plain = scorer.values_from_counts("fr", &counts("le budget").0, &[]);
        assert!(loaded[0] > 0.0 && plain[0] < 0.0, "{loaded:?} {plain:?}");
        assert_eq!(scorer.values("en", n.as_str(), &t.tokens), vec![0.0; 2]);
        assert_eq!(
            evidence.feature_name(1).as_deref(),
            Some("evidence.char.loaded")
        );
        assert_eq!(evidence.feature_name(2).as_deref(), Some("language.fr"));
    }
}
