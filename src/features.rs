//! Markers and features: per-category figures from lexicon matches, style figures from tokens,
//! and the named feature vector ([`FeatureSpec`]) that classifiers consume.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::language::Profile;
use crate::lexicon::Category;
use crate::report::{ArticleReport, Marker, StyleKind, StyleMarker};
use crate::tokenize::{word_hash, Sentence, Token, TokenKind};

/// Counts and density of one lexicon category in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryFigure {
    /// The category.
    pub category: Category,
    /// Number of matches.
    pub count: u32,
    /// Sum of the matches' weights.
    pub weight: f64,
    /// Matches per 1,000 words.
    pub per_1k_words: f64,
}

/// Style figures of an article. Counts are raw; `*_per_1k_words` figures are per 1,000 words.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StyleFigures {
    /// Exclamation marks.
    pub exclamations: u32,
    /// Question marks.
    pub questions: u32,
    /// Questions in the author's voice (outside quotations): news reports rarely ask them.
    pub rhetorical_questions: u32,
    /// Share of words inside quotation marks (direct quotes) rather than in the author's voice.
    pub quoted_word_share: f64,
    /// Single words between quotation marks (scare quotes).
    pub scare_quotes: u32,
    /// Words of five letters or more written in capitals.
    pub all_caps_words: u32,
    /// First-person plural pronouns and determiners in the author's voice (we, nous, notre).
    pub first_person_plural: u32,
    /// Second-person address in the author's voice (you, vous).
    pub second_person: u32,
    /// Superlatives (le plus, best, greatest).
    pub superlatives: u32,
    /// Average words per sentence.
    pub avg_sentence_words: f64,
    /// Mean segmental type-token ratio: the mean ratio of distinct words over consecutive
    /// 100-word segments (the plain ratio for shorter texts), so that it does not fall with
    /// length.
    pub type_token_ratio: f64,
    /// Apostrophes (in elisions, clitics and words).
    pub apostrophes: u32,
    /// Of those, apostrophes written typographically (’, ʼ, ...) rather than as `'`: a
    /// house-style cue of the source, not of the content.
    pub typographic_apostrophes: u32,
    /// Gaps between tokens that are not empty: white space, or only characters that
    /// normalization removes (a zero-width joiner between emoji, a bidi mark), which count too
    /// (the shipped models were trained so).
    pub spaced_gaps: u32,
    /// Of those, gaps holding a no-break space (U+00A0, U+202F), as French typography puts
    /// before `:;!?` and inside `« »`: another house-style cue.
    pub nonbreaking_gaps: u32,
}

/// What a listed word is, for the style figures (its code in a [`TokenStyles`] byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordClass {
    FirstPersonPlural = 1,
    SecondPerson = 2,
    Superlative = 3,
    SuperlativeAdverb = 4,
    SuperlativeArticle = 5,
}

/// A language's pronoun and superlative lists as one small open-addressing table keyed by the
/// tokens' [`word_hash`] (no second hashing of the word).
#[derive(Debug)]
pub(crate) struct WordClasses {
    slots: Vec<Option<(u64, &'static str, WordClass)>>,
    /// Length in bytes of the longest listed word: longer words skip the look-up.
    longest: usize,
    est_suffix: bool,
}

impl WordClasses {
    pub(crate) fn new(p: &Profile) -> WordClasses {
        let mut words: Vec<(&'static str, WordClass)> = Vec::new();
        let lists = [
            (p.superlative_articles, WordClass::SuperlativeArticle),
            (p.superlative_adverbs, WordClass::SuperlativeAdverb),
            (p.superlatives, WordClass::Superlative),
            (p.second_person, WordClass::SecondPerson),
            (p.first_person_plural, WordClass::FirstPersonPlural),
        ];
        for (list, class) in lists {
            words.extend(list.iter().map(|w| (*w, class)));
        }
        let size = (words.len() * 4).next_power_of_two().max(16);
        let mut slots = vec![None; size];
        for &(w, class) in &words {
            let hash = word_hash(w);
            let mut i = hash as usize & (size - 1);
            while slots[i].is_some_and(|(_, x, _)| x != w) {
                i = (i + 1) & (size - 1);
            }
            slots[i] = Some((hash, w, class));
        }
        WordClasses {
            longest: words.iter().map(|(w, _)| w.len()).max().unwrap_or(0),
            slots,
            est_suffix: p.est_suffix,
        }
    }

    /// The class of a word, given its [`word_hash`].
    fn get(&self, hash: u64, word: &str) -> Option<WordClass> {
        if word.len() > self.longest {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match self.slots[i] {
                None => return None,
                Some((h, w, class)) if h == hash && w == word => return Some(class),
                Some(_) => i = (i + 1) & mask,
            }
        }
    }
}

/// Segment length of the mean segmental type-token ratio.
const TTR_WINDOW: usize = 100;

/// Per-category figures from the markers.
pub(crate) fn category_figures(markers: &[Marker], words: usize) -> (Vec<CategoryFigure>, f64) {
    let mut figures: Vec<CategoryFigure> = Category::ALL
        .iter()
        .map(|&category| CategoryFigure {
            category,
            count: 0,
            weight: 0.0,
            per_1k_words: 0.0,
        })
        .collect();
    for m in markers {
        let f = &mut figures[m.category().index()];
        f.count += 1;
        f.weight += f64::from(m.weight());
    }
    let per_1k = |x: f64| {
        if words == 0 {
            0.0
        } else {
            x * 1000.0 / words as f64
        }
    };
    let mut loaded = 0.0;
    for f in &mut figures {
        f.per_1k_words = per_1k(f64::from(f.count));
        if f.category.is_loaded() {
            loaded += f.weight;
        }
    }
    (figures, per_1k(loaded))
}

/// What the style figures read of each token on its own, worked out once per article: one
/// byte per token (the gap before it, capitals, the listed word it is), so that the figures of
/// the article's paragraphs and sentences ([`style`] of a stretch) do not work it out again.
#[derive(Debug)]
pub(crate) struct TokenStyles(Vec<u8>);

/// In a [`TokenStyles`] byte: white space between the token and the one before it.
const GAP: u8 = 1;
/// ... and that space holds a no-break space.
const NO_BREAK_GAP: u8 = 2;
/// A word of five letters or more written in capitals.
const ALL_CAPS: u8 = 4;
/// The listed word's code starts at this bit: 0 for none, a [`WordClass`], or
/// [`EST_SUPERLATIVE`].
const CLASS_SHIFT: u8 = 3;
/// In the class bits: no listed word, but an `-est` superlative.
const EST_SUPERLATIVE: u8 = 6;
/// The word classes in the order of their codes (code − 1).
const CLASSES: [WordClass; 5] = [
    WordClass::FirstPersonPlural,
    WordClass::SecondPerson,
    WordClass::Superlative,
    WordClass::SuperlativeAdverb,
    WordClass::SuperlativeArticle,
];

impl TokenStyles {
    /// The bytes of an article's tokens; `classes`: its language's listed words, if any.
    pub(crate) fn new(
        original: &str,
        normalized: &str,
        tokens: &[Token],
        classes: Option<&WordClasses>,
    ) -> TokenStyles {
        // Token spans lie on character boundaries: the gaps between them are read as bytes.
        let bytes = original.as_bytes();
        let mut previous_end = None;
        let styles = tokens
            .iter()
            .map(|t| {
                let mut f = 0;
                if let Some(gap) = previous_end.and_then(|end| bytes.get(end..t.start())) {
                    if !gap.is_empty() {
                        f |= GAP;
                        // A no-break space (U+00A0, U+202F) takes two or three bytes.
                        if gap.len() > 1
                            && (gap.windows(2).any(|w| w == [0xC2, 0xA0])
                                || gap.windows(3).any(|w| w == [0xE2, 0x80, 0xAF]))
                        {
                            f |= NO_BREAK_GAP;
                        }
                    }
                }
                previous_end = Some(t.end());
                if t.kind() != TokenKind::Word {
                    return f;
                }
                let orig = &original[t.span()];
                // Most words start with a small letter, or with a capital and then one.
                let starts_small = match orig.as_bytes() {
                    [a, ..] if a.is_ascii_lowercase() => true,
                    [a, b, ..] => a.is_ascii_uppercase() && b.is_ascii_lowercase(),
                    _ => false,
                };
                if !starts_small
                    && orig.chars().next().is_some_and(char::is_uppercase)
                    && orig.chars().filter(|c| c.is_alphabetic()).count() >= 5
                    && !orig.chars().any(char::is_lowercase)
                {
                    f |= ALL_CAPS;
                }
                if let Some(c) = classes {
                    let norm = &normalized[t.norm_span()];
                    let code = match c.get(t.hash(), norm) {
                        Some(class) => class as u8,
                        None if c.est_suffix && is_est_superlative(norm) => EST_SUPERLATIVE,
                        None => 0,
                    };
                    f |= code << CLASS_SHIFT;
                }
                f
            })
            .collect();
        TokenStyles(styles)
    }

    /// The bytes of tokens `range`.
    pub(crate) fn of(&self, range: std::ops::Range<usize>) -> &[u8] {
        &self.0[range]
    }
}

/// Style figures and style markers of a stretch of tokens (a whole article, or one of its
/// paragraphs or sentences: the figures of a stretch are those of the same text analysed on its
/// own). `styles` are the tokens' [`TokenStyles`] bytes; `sentences` are the sentences inside
/// the stretch; their token indices are offset by `offset` from `toks`.
pub(crate) fn style(
    original: &str,
    normalized: &str,
    toks: &[Token],
    styles: &[u8],
    sentences: &[Sentence],
    offset: usize,
) -> (StyleFigures, Vec<StyleMarker>, usize) {
    let mut s = StyleFigures::default();
    let mut markers = Vec::new();
    let mut words = 0usize;
    let mut quoted_words = 0usize;
    let mut segment = SegmentSet::default();
    let mut previous = None;
    let mut ttr_sum = 0.0;
    let mut ttr_segments = 0usize;
    for (i, (t, &f)) in toks.iter().zip(styles).enumerate() {
        // The first token's gap lies before the stretch.
        if i > 0 && f & GAP != 0 {
            s.spaced_gaps += 1;
            if f & NO_BREAK_GAP != 0 {
                s.nonbreaking_gaps += 1;
            }
        }
        let norm = &normalized[t.norm_span()];
        if t.has_apostrophe() {
            let n = norm.bytes().filter(|&b| b == b'\'').count() as u32;
            let ascii = original[t.span()].bytes().filter(|&b| b == b'\'').count() as u32;
            s.apostrophes += n;
            s.typographic_apostrophes += n.saturating_sub(ascii);
        }
        match t.kind() {
            TokenKind::Word => {
                words += 1;
                segment.insert(t.hash());
                if words.is_multiple_of(TTR_WINDOW) {
                    ttr_sum += segment.distinct() as f64 / TTR_WINDOW as f64;
                    ttr_segments += 1;
                    segment.clear();
                }
                if t.is_quoted() {
                    quoted_words += 1;
                }
                if f & ALL_CAPS != 0 {
                    s.all_caps_words += 1;
                    markers.push(StyleMarker {
                        kind: StyleKind::AllCaps,
                        start: t.start(),
                        end: t.end(),
                    });
                }
                let code = f >> CLASS_SHIFT;
                let class = CLASSES.get(usize::from(code).wrapping_sub(1)).copied();
                match class {
                    Some(WordClass::FirstPersonPlural) if !t.is_quoted() => {
                        s.first_person_plural += 1
                    }
                    Some(WordClass::SecondPerson) if !t.is_quoted() => s.second_person += 1,
                    Some(WordClass::Superlative) => s.superlatives += 1,
                    Some(WordClass::SuperlativeAdverb)
                        if previous == Some(WordClass::SuperlativeArticle) =>
                    {
                        s.superlatives += 1
                    }
                    None if code == EST_SUPERLATIVE => s.superlatives += 1,
                    _ => {}
                }
                previous = class;
            }
            TokenKind::Punct => match norm {
                "!" => s.exclamations += 1,
                "?" => s.questions += 1,
                q if is_quote(q) => {
                    if let Some(end) = scare_quote_end(normalized, toks, i) {
                        s.scare_quotes += 1;
                        markers.push(StyleMarker {
                            kind: StyleKind::ScareQuote,
                            start: t.start(),
                            end,
                        });
                    }
                }
                _ => {}
            },
            TokenKind::Number => {}
        }
    }
    // Rhetorical questions: sentences ending with '?' in the author's voice.
    for sentence in sentences {
        let Some(st) = toks.get(sentence.tokens.start - offset..sentence.tokens.end - offset)
        else {
            continue;
        };
        let ends_with_question = st
            .iter()
            .rev()
            .find(|t| !is_quote(&normalized[t.norm_span()]))
            .is_some_and(|t| &normalized[t.norm_span()] == "?");
        if ends_with_question && st.iter().all(|t| !(t.is_word() && t.is_quoted())) {
            s.rhetorical_questions += 1;
            markers.push(StyleMarker {
                kind: StyleKind::RhetoricalQuestion,
                start: sentence.span.start,
                end: sentence.span.end,
            });
        }
    }
    markers.sort_by_key(|m| (m.start, m.end));
    s.type_token_ratio = if ttr_segments > 0 {
        ttr_sum / ttr_segments as f64
    } else if words > 0 {
        segment.distinct() as f64 / words as f64
    } else {
        0.0
    };
    s.quoted_word_share = if words == 0 {
        0.0
    } else {
        quoted_words as f64 / words as f64
    };
    s.avg_sentence_words = if sentences.is_empty() {
        0.0
    } else {
        words as f64 / sentences.len() as f64
    };
    (s, markers, words)
}

/// Words longer than this are not taken for `-est` superlatives.
const MAX_LISTED_WORD: usize = 16;

/// If the quotation mark at token `i` opens scare quotes (one word, with its elided article,
/// then a closing quotation mark), the end of the closing mark in the original text.
fn scare_quote_end(normalized: &str, toks: &[Token], i: usize) -> Option<usize> {
    let t = &toks[i];
    let mut j = i + 1;
    while toks.get(j).is_some_and(|w| w.is_elision()) {
        j += 1;
    }
    let (w, close) = (toks.get(j)?, toks.get(j + 1)?);
    let opening = i == 0 || toks[i - 1].end() < t.start() || toks[i - 1].kind() == TokenKind::Punct;
    let closes = close.kind() == TokenKind::Punct
        && is_quote(&normalized[close.norm_span()])
        && toks
            .get(j + 2)
            .is_none_or(|n| n.kind() == TokenKind::Punct || n.start() > close.end());
    (opening && w.is_word() && closes).then(|| close.end())
}

fn is_quote(p: &str) -> bool {
    match p.as_bytes() {
        [b] => *b == b'"' || *b == b'\'',
        [0xC2, _] | [0xE2, _, _] => matches!(p, "«" | "»" | "“" | "”" | "„" | "‹" | "›"),
        _ => false,
    }
}

fn is_est_superlative(word: &str) -> bool {
    word.len() >= 6
        && word.len() <= MAX_LISTED_WORD
        && word.ends_with("est")
        && !EST_NOT_SUPERLATIVE.iter().any(|x| word.ends_with(x))
}

/// The distinct word hashes of one type-token segment: an open-addressing set with room for
/// [`TTR_WINDOW`] words, cleared slot by slot.
struct SegmentSet {
    slots: [u64; 256],
    used: Vec<usize>,
}

impl Default for SegmentSet {
    fn default() -> Self {
        SegmentSet {
            slots: [0; 256],
            used: Vec::with_capacity(TTR_WINDOW),
        }
    }
}

impl SegmentSet {
    fn insert(&mut self, hash: u64) {
        let key = hash | 1; // 0 marks an empty slot
        let mut i = (key >> 56) as usize;
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = key;
                    self.used.push(i);
                    return;
                }
                k if k == key => return,
                _ => i = (i + 1) & 255,
            }
        }
    }

    fn distinct(&self) -> usize {
        self.used.len()
    }

    fn clear(&mut self) {
        for &i in &self.used {
            self.slots[i] = 0;
        }
        self.used.clear();
    }
}

/// English words in `-est` that are not superlatives.
const EST_NOT_SUPERLATIVE: &[&str] = &[
    "interest",
    "protest",
    "request",
    "suggest",
    "forest",
    "honest",
    "modest",
    "harvest",
    "arrest",
    "contest",
    "invest",
    "digest",
    "manifest",
    "conquest",
    "west",
    "attest",
    "detest",
    "inquest",
    "behest",
    "quest",
    "rest",
    "test",
    "nest",
    "chest",
    "guest",
    "vest",
    "pest",
    "crest",
    "zest",
    "jest",
    "infest",
    "divest",
    "unrest",
    "bequest",
    "dishonest",
    "ingest",
    "congest",
    "molest",
    "priest",
    "tempest",
    "earnest",
    "midwest",
    "northwest",
    "southwest",
    "everest",
    "budapest",
    "bucharest",
];

/// The named, versioned feature vector that classifiers consume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSpec {
    version: u32,
    names: Vec<String>,
}

/// Names of the style features, after the per-category ones.
const STYLE_FEATURES: &[&str] = &[
    "lexicon.loaded.weight_per_1k_words",
    "style.exclamations_per_1k_words",
    "style.questions_per_1k_words",
    "style.rhetorical_questions_per_1k_words",
    "style.quoted_word_share",
    "style.scare_quotes_per_1k_words",
    "style.all_caps_words_per_1k_words",
    "style.first_person_plural_per_1k_words",
    "style.second_person_per_1k_words",
    "style.superlatives_per_1k_words",
    "style.avg_sentence_words",
    "style.type_token_ratio",
    "style.log_words",
    "style.typographic_apostrophe_share",
    "style.nonbreaking_space_share",
];

impl Default for FeatureSpec {
    fn default() -> Self {
        let mut names: Vec<String> = Category::ALL
            .iter()
            .map(|c| format!("lexicon.{c}.per_1k_words"))
            .collect();
        names.extend(STYLE_FEATURES.iter().map(|s| s.to_string()));
        FeatureSpec { version: 2, names }
    }
}

impl FeatureSpec {
    /// The spec's version: it changes whenever a feature is added, removed or redefined.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The feature names, in vector order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the spec has no features.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// SHA-256 (hex) of the version and names: models record it and refuse a different spec.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.version.to_le_bytes());
        for n in &self.names {
            h.update(n.as_bytes());
            h.update([0]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The feature vector of a report, in [`FeatureSpec::names`] order.
    pub fn vector(&self, report: &ArticleReport) -> Vec<f32> {
        self.vector_of(
            report.word_count(),
            report.categories(),
            report.loaded_language_density(),
            report.style(),
        )
    }

    /// The feature vector from the figures of a stretch of text.
    pub(crate) fn vector_of(
        &self,
        word_count: usize,
        categories: &[CategoryFigure],
        loaded: f64,
        s: &StyleFigures,
    ) -> Vec<f32> {
        let words = word_count.max(1) as f64;
        let per_1k = |x: u32| f64::from(x) * 1000.0 / words;
        let mut v: Vec<f64> = Vec::with_capacity(categories.len() + 15);
        v.extend(categories.iter().map(|c| c.per_1k_words));
        v.extend([
            loaded,
            per_1k(s.exclamations),
            per_1k(s.questions),
            per_1k(s.rhetorical_questions),
            s.quoted_word_share,
            per_1k(s.scare_quotes),
            per_1k(s.all_caps_words),
            per_1k(s.first_person_plural),
            per_1k(s.second_person),
            per_1k(s.superlatives),
            s.avg_sentence_words,
            s.type_token_ratio,
            (word_count as f64).ln_1p(),
            if s.apostrophes == 0 {
                0.0
            } else {
                f64::from(s.typographic_apostrophes) / f64::from(s.apostrophes)
            },
            if s.spaced_gaps == 0 {
                0.0
            } else {
                f64::from(s.nonbreaking_gaps) / f64::from(s.spaced_gaps)
            },
        ]);
        v.into_iter().map(|x| x as f32).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_names_are_unique_and_stable() {
        let spec = FeatureSpec::default();
        let mut names = spec.names().to_vec();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), spec.len());
        assert_eq!(spec.len(), Category::ALL.len() + STYLE_FEATURES.len());
        assert_eq!(spec.fingerprint(), FeatureSpec::default().fingerprint());
    }

    /// A paragraph's figures from its article's token bytes equal those of the paragraph
    /// analysed on its own (the way training examples are), in both languages with word lists.
    #[test]
    fn stretch_figures_equal_the_stretch_analysed_alone() {
        let texts = [
            (
                crate::Language::FRENCH,
                "NOUS DISONS NON\u{a0}! Le plus grand «\u{a0}scandale\u{a0}» de l’année.\n\
                 Vous savez que nous avons raison. Pourquoi le pire arrive-t-il\u{a0}?\n\
                 « Le meilleur, c'est nous », dit-il. Votre ÉTAT-MAJOR ment.",
            ),
            (
                crate::Language::ENGLISH,
                "We are the greatest nation. You KNOW IT!\n\
                 Is this the best they can do? \"Experts\" say the latest plan is fine.\n\
                 Our BIGGEST test, the strongest case, yet you doubt us.",
            ),
        ];
        for (language, text) in texts {
            let classes = language.profile().map(WordClasses::new);
            let n = crate::normalize::normalize(text);
            let t = crate::tokenize::tokenize(text, &n);
            let styles = TokenStyles::new(text, n.as_str(), &t.tokens, classes.as_ref());
            assert!(t.paragraphs.len() >= 3, "{text}");
            let mut seen = StyleFigures::default();
            for p in &t.paragraphs {
                let sentences = &t.sentences[p.sentences.clone()];
                let (Some(first), Some(last)) = (sentences.first(), sentences.last()) else {
                    continue;
                };
                let range = first.tokens.start..last.tokens.end;
                let (s, _, words) = style(
                    text,
                    n.as_str(),
                    &t.tokens[range.clone()],
                    styles.of(range.clone()),
                    sentences,
                    range.start,
                );
                let alone = &text[p.span.clone()];
                let an = crate::normalize::normalize(alone);
                let at = crate::tokenize::tokenize(alone, &an);
                let astyles = TokenStyles::new(alone, an.as_str(), &at.tokens, classes.as_ref());
                let all = astyles.of(0..at.tokens.len());
                let (expected, _, expected_words) =
                    style(alone, an.as_str(), &at.tokens, all, &at.sentences, 0);
                seen.all_caps_words += s.all_caps_words;
                seen.superlatives += s.superlatives;
                seen.first_person_plural += s.first_person_plural;
                seen.second_person += s.second_person;
                seen.spaced_gaps += s.spaced_gaps;
                assert_eq!((s, words), (expected, expected_words), "{alone}");
            }
            // The texts exercise what the token bytes hold.
            assert!(seen.all_caps_words > 0 && seen.superlatives > 0, "{seen:?}");
            assert!(
                seen.first_person_plural > 0 && seen.second_person > 0,
                "{seen:?}"
            );
            assert!(seen.spaced_gaps > 0, "{seen:?}");
        }
    }

    #[test]
    fn house_style_cues_count_typographic_apostrophes_and_no_break_spaces() {
        type Counts = (u32, u32);
        let cases: &[(&str, Counts, Counts)] = &[
            // text, (apostrophes, typographic), (spaced gaps, no-break gaps)
            ("L'État n'a rien dit.", (2, 0), (3, 0)),
            ("L’État n’a rien dit\u{a0}!", (2, 2), (4, 1)),
            ("« Oui\u{202f}», dit-il aujourd’hui.", (1, 1), (4, 1)),
            ("Nothing here", (0, 0), (1, 0)),
        ];
        for (text, apostrophes, gaps) in cases {
            let n = crate::normalize::normalize(text);
            let t = crate::tokenize::tokenize(text, &n);
            let styles = TokenStyles::new(text, n.as_str(), &t.tokens, None);
            let all = styles.of(0..t.tokens.len());
            let (s, _, _) = style(text, n.as_str(), &t.tokens, all, &t.sentences, 0);
            assert_eq!(
                (s.apostrophes, s.typographic_apostrophes),
                *apostrophes,
                "{text}"
            );
            assert_eq!((s.spaced_gaps, s.nonbreaking_gaps), *gaps, "{text}");
        }
    }
}
