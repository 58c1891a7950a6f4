//! Learned lexicons: loaded terms induced from annotated spans.
//!
//! The evidence is text that annotators marked: SemEval-2023 `Loaded_Language` and
//! `Name_Calling-Labeling` spans, and BABE's biased words. Word unigrams and bigrams inside the
//! marked text are compared with the rest of the same language's text by the log-odds ratio
//! with an informative Dirichlet prior (Monroe, Colaresi and Quinn, 2008); candidates with a
//! high z-score, seen in several documents, that are not frequent function words and that the
//! curated lexicon does not already hold become entries of a learned lexicon, one per language,
//! written in the ordinary lexicon format (`models/lexicons/FORMAT.md`).

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Category, Lexicon, Matcher};
use crate::error::Result;
use crate::language::Language;
use crate::normalize::normalize;
use crate::tokenize::{tokenize, TokenKind};

/// One document of evidence: its language, its text, and the byte spans annotators marked
/// (with the category they support).
#[derive(Debug, Clone)]
pub struct Evidence {
    /// ISO 639-1 language.
    pub lang: String,
    /// The text.
    pub text: String,
    /// Marked spans (byte offsets into `text`) and the category each supports.
    pub spans: Vec<(usize, usize, Category)>,
}

/// Parameters of lexicon induction.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnParams {
    /// Minimum z-score of the log-odds ratio.
    pub min_z: f64,
    /// Minimum number of marked documents a term appears in.
    pub min_docs: usize,
    /// Terms in more than this share of a language's documents are function words.
    pub max_df_share: f64,
    /// At most this many entries per language.
    pub max_entries: usize,
    /// Strength of the Dirichlet prior.
    pub prior: f64,
}

impl Default for LearnParams {
    fn default() -> Self {
        LearnParams {
            min_z: 3.0,
            min_docs: 3,
            max_df_share: 0.05,
            max_entries: 400,
            prior: 500.0,
        }
    }
}

/// A learned term.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedTerm {
    /// The term (normalized words).
    pub phrase: String,
    /// The category most of its evidence supports.
    pub category: Category,
    /// Its z-score.
    pub z: f64,
    /// Occurrences inside marked spans.
    pub marked: u32,
    /// Marked documents it appears in.
    pub docs: usize,
}

#[derive(Default)]
struct Counts {
    marked: u32,
    other: u32,
    docs: FxHashSet<u32>,
    all_docs: FxHashSet<u32>,
    by_category: FxHashMap<Category, u32>,
}

/// Induces terms per language from evidence, leaving out those `curated` already matches.
pub fn learn(
    evidence: &[Evidence],
    curated: &[Lexicon],
    params: &LearnParams,
) -> Result<Vec<(String, Vec<LearnedTerm>)>> {
    let mut languages: Vec<&str> = evidence.iter().map(|e| e.lang.as_str()).collect();
    languages.sort_unstable();
    languages.dedup();
    let mut out = Vec::new();
    for lang in languages {
        let docs: Vec<&Evidence> = evidence.iter().filter(|e| e.lang == lang).collect();
        let mut counts: FxHashMap<String, Counts> = FxHashMap::default();
        let (mut n_marked, mut n_other) = (0f64, 0f64);
        for (d, e) in docs.iter().enumerate() {
            let normalized = normalize(&e.text);
            let tokens = tokenize(&e.text, &normalized);
            let norm = normalized.as_str();
            let mut prev: Option<(String, Option<Category>, usize)> = None;
            for t in &tokens.tokens {
                if t.kind() != TokenKind::Word {
                    prev = None;
                    continue;
                }
                let word = norm[t.norm_span()].to_string();
                let category = e
                    .spans
                    .iter()
                    .find(|(s, en, _)| t.start() >= *s && t.end() <= *en)
                    .map(|(_, _, c)| *c);
                let mut grams = vec![(word.clone(), category)];
                if let Some((pw, pc, sentence)) = &prev {
                    if *sentence == t.sentence() {
                        let both = if pc.is_some() && category.is_some() {
                            category
                        } else {
                            None
                        };
                        // An elided word is written joined to the word after it (`l'occident`),
                        // a clitic (English `'s`) to the word before it (`putin's`), so that
                        // the term matches the text it comes from.
                        let sep = if pw.ends_with('\'') || word.starts_with('\'') {
                            ""
                        } else {
                            " "
                        };
                        grams.push((format!("{pw}{sep}{word}"), both));
                    }
                }
                for (g, c) in grams {
                    let entry = counts.entry(g).or_default();
                    entry.all_docs.insert(d as u32);
                    match c {
                        Some(c) => {
                            entry.marked += 1;
                            entry.docs.insert(d as u32);
                            *entry.by_category.entry(c).or_insert(0) += 1;
                            n_marked += 1.0;
                        }
                        None => {
                            entry.other += 1;
                            n_other += 1.0;
                        }
                    }
                }
                prev = Some((word, category, t.sentence()));
            }
        }
        let total = n_marked + n_other;
        let max_df = (params.max_df_share * docs.len() as f64).max(2.0);
        let mut terms: Vec<LearnedTerm> = counts
            .iter()
            .filter(|(g, c)| {
                // A clitic is no term, nor the start of one (`'s thugs`).
                !g.starts_with('\'')
                    && c.docs.len() >= params.min_docs
                    && (c.all_docs.len() as f64) <= max_df
                    && g.chars().filter(|ch| ch.is_alphabetic()).count() >= 4
            })
            .filter_map(|(g, c)| {
                let (a, b) = (f64::from(c.marked), f64::from(c.other));
                let alpha = params.prior * (a + b) / total.max(1.0);
                let a0 = params.prior;
                let la = ((a + alpha) / (n_marked + a0 - a - alpha)).ln();
                let lb = ((b + alpha) / (n_other + a0 - b - alpha)).ln();
                let z = (la - lb) / (1.0 / (a + alpha) + 1.0 / (b + alpha)).sqrt();
                let category = c
                    .by_category
                    .iter()
                    .max_by_key(|(cat, n)| (**n, std::cmp::Reverse(**cat)))
                    .map(|(cat, _)| *cat)?;
                (z >= params.min_z && z.is_finite()).then(|| LearnedTerm {
                    phrase: g.clone(),
                    category,
                    z,
                    marked: c.marked,
                    docs: c.docs.len(),
                })
            })
            .collect();
        terms.sort_by(|a, b| b.z.total_cmp(&a.z).then_with(|| a.phrase.cmp(&b.phrase)));
        let language = Language::new(lang).ok();
        let terms = keep_new(language, curated, terms, params.max_entries)?;
        if !terms.is_empty() {
            out.push((lang.to_string(), terms));
        }
    }
    Ok(out)
}

/// Keeps, in order, terms that neither the curated lexicons of the language nor an earlier kept
/// term match (once case, accents and inflection are folded).
fn keep_new(
    language: Option<Language>,
    curated: &[Lexicon],
    terms: Vec<LearnedTerm>,
    max: usize,
) -> Result<Vec<LearnedTerm>> {
    let own: Vec<(usize, &Lexicon)> = curated
        .iter()
        .enumerate()
        .filter(|(_, l)| l.language() == language && language.is_some())
        .collect();
    let mut matcher = Matcher::new(language, &own, true)?;
    // A learned bigram must not overlap a curated phrase either: its second word may not start
    // one, its first word may not end one (leftmost-longest would then hide the curated term).
    let (mut firsts, mut lasts) = (FxHashSet::default(), FxHashSet::default());
    for (_, lexicon) in &own {
        for e in lexicon.entries() {
            let ids = matcher.pattern_ids(e.phrase())?;
            if let (Some(&f), Some(&l)) = (ids.first(), ids.last()) {
                firsts.insert(f);
                lasts.insert(l);
            }
        }
    }
    let mut seen: FxHashSet<Vec<u32>> = FxHashSet::default();
    let mut kept = Vec::new();
    for t in terms {
        if kept.len() >= max {
            break;
        }
        // A term holding a curated one would hide it (leftmost-longest): leave it out.
        if matcher.matches_inside(&t.phrase) {
            continue;
        }
        let ids = matcher.pattern_ids(&t.phrase)?;
        if ids.len() > 1
            && (ids.last().is_some_and(|l| firsts.contains(l))
                || ids.first().is_some_and(|f| lasts.contains(f)))
        {
            continue;
        }
        if seen.insert(ids) {
            kept.push(t);
        }
    }
    Ok(kept)
}

/// Writes learned terms as a lexicon file (format version 1).
pub fn to_toml(lang: &str, terms: &[LearnedTerm], sources: &str) -> String {
    let mut out = format!(
        "# Learned {lang} lexicon: terms induced by `partipris learn-lexicon` from annotated spans\n\
         # ({sources}); the phrases are word n-grams the code selected, not copied text.\n\
         format_version = 1\nname = \"learned-{lang}\"\nlanguage = \"{lang}\"\nversion = \"1.0.0\"\n\
         description = \"Loaded terms induced from annotated spans by log-odds with an informative Dirichlet prior\"\n\n\
         entries = [\n"
    );
    for t in terms {
        let weight = (1.0 + ((t.z - 3.0) / 5.0).clamp(0.0, 1.0)).min(2.0);
        out.push_str(&format!(
            "  {{ phrase = {}, category = \"{}\", weight = {:.1}, notes = \"learned: z {:.1}, {} marked occurrences in {} documents\" }},\n",
            toml_string(&t.phrase), t.category, weight, t.z, t.marked, t.docs
        ));
    }
    out.push_str("]\n");
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_marked_terms_and_skips_curated_ones() {
        let mut evidence = Vec::new();
        for i in 0..30 {
            let text = format!(
                "Le régime corrompu et ses laquais serviles agissent. Rapport numéro {i} publié."
            );
            let a = text.find("régime corrompu").unwrap_or(0);
            let b = text.find("laquais serviles").unwrap_or(0);
            evidence.push(Evidence {
                lang: "fr".into(),
                text: text.clone(),
                spans: vec![
                    (a, a + "régime corrompu".len(), Category::LoadedEvaluative),
                    (b, b + "laquais serviles".len(), Category::PejorativeLabel),
                ],
            });
            evidence.push(Evidence {
                lang: "fr".into(),
                text: format!("Le conseil a publié son rapport numéro {i} mardi."),
                spans: vec![],
            });
        }
        let curated = Lexicon::from_toml_str(
            "format_version = 1\nname = \"c\"\nlanguage = \"fr\"\nversion = \"1\"\nentries = [\n{ phrase = \"laquais\", category = \"pejorative_label\" },\n]\n",
            "c.toml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let params = LearnParams {
            max_df_share: 1.0,
            min_z: 1.0,
            ..LearnParams::default()
        };
        let learned = learn(&evidence, &[curated], &params).unwrap_or_else(|e| panic!("{e}"));
        let phrases: Vec<&str> = learned[0].1.iter().map(|t| t.phrase.as_str()).collect();
        assert!(phrases.contains(&"corrompu"), "{phrases:?}");
        assert!(
            !phrases.iter().any(|p| p.contains("laquais")),
            "{phrases:?}"
        );
        assert!(!phrases.contains(&"rapport"), "{phrases:?}");
        let toml = to_toml("fr", &learned[0].1, "test");
        let lex = Lexicon::from_toml_str(&toml, "learned.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lex.entries().len(), learned[0].1.len());
    }

    /// An English clitic is joined to the word before it, and no term starts with one: the
    /// joined term matches the text it was learned from.
    #[test]
    fn clitics_join_the_word_before_them() {
        let mut evidence = Vec::new();
        for i in 0..30 {
            let text = format!("Putin's thugs attacked again. Report number {i} was published.");
            let a = text.find("Putin's thugs").unwrap_or(0);
            evidence.push(Evidence {
                lang: "en".into(),
                text: text.clone(),
                spans: vec![(a, a + "Putin's thugs".len(), Category::PejorativeLabel)],
            });
            evidence.push(Evidence {
                lang: "en".into(),
                text: format!("The council published its report number {i} on Tuesday."),
                spans: vec![],
            });
        }
        let params = LearnParams {
            max_df_share: 1.0,
            min_z: 1.0,
            ..LearnParams::default()
        };
        let learned = learn(&evidence, &[], &params).unwrap_or_else(|e| panic!("{e}"));
        let phrases: Vec<&str> = learned[0].1.iter().map(|t| t.phrase.as_str()).collect();
        assert!(phrases.contains(&"putin's"), "{phrases:?}");
        assert!(!phrases.iter().any(|p| p.contains(" '")), "{phrases:?}");
        assert!(!phrases.iter().any(|p| p.starts_with('\'')), "{phrases:?}");
        let toml = to_toml("en", &learned[0].1, "test");
        let lex = Lexicon::from_toml_str(&toml, "learned.toml").unwrap_or_else(|e| panic!("{e}"));
        let m = Matcher::new(Some(Language::ENGLISH), &[(0, &lex)], true)
            .unwrap_or_else(|e| panic!("{e}"));
        let text = &evidence[0].text;
        let n = crate::normalize::normalize(text);
        let t = crate::tokenize::tokenize(text, &n);
        let mut found = Vec::new();
        m.find(n.as_str(), &t.tokens, &mut found);
        let joined = lex
            .entries()
            .iter()
            .position(|e| e.phrase() == "putin's")
            .unwrap_or(usize::MAX);
        assert!(found.iter().any(|r| r.entry.1 == joined), "{found:?}");
    }
}
