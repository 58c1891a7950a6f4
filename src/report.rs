//! The per-article report: typed, serde-serializable results with byte spans into the caller's
//! original text.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::features::{CategoryFigure, StyleFigures};
use crate::language::Language;
use crate::lexicon::{Category, Polarity};

/// One lexicon match in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub(crate) term: String,
    pub(crate) phrase: String,
    pub(crate) category: Category,
    pub(crate) weight: f32,
    pub(crate) polarity: Polarity,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) target: Option<String>,
    pub(crate) text: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) sentence: usize,
    pub(crate) paragraph: usize,
    pub(crate) quoted: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub(crate) evasion: Vec<Evasion>,
}

/// A way the text of a match was disguised (see [`Marker::evasion`]). The match was found
/// through the disguise; the flag says that the author, or a tool, wrote the term so that
/// plain matching would miss it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Evasion {
    /// Invisible characters inside the term: zero-width characters, joiners, bidi controls,
    /// variation selectors, tags (soft hyphens, a legitimate hyphenation hint, are not counted).
    Invisible,
    /// Cyrillic or Greek look-alike letters, or Latin small capitals, standing for Latin letters.
    MixedScript,
    /// Compatibility forms standing for plain letters: full-width, mathematical, circled letters.
    CompatibilityForm,
    /// The term is written backwards under a right-to-left override (U+202E), so that it
    /// displays the right way round.
    Reversed,
    /// The letters are spaced out (`m i n o r i t é`, `m.i.n.o.r.i.t.é`, `m-i-n-o-r-i-t-é`).
    LetterSpacing,
    /// Digits stand for letters (`n3ocoloniales`, `pr0pagande`).
    Leetspeak,
}

impl Evasion {
    /// The flag's identifier, as written in reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Evasion::Invisible => "invisible",
            Evasion::MixedScript => "mixed_script",
            Evasion::CompatibilityForm => "compatibility_form",
            Evasion::Reversed => "reversed",
            Evasion::LetterSpacing => "letter_spacing",
            Evasion::Leetspeak => "leetspeak",
        }
    }
}

impl Marker {
    /// The term's id: `lexicon-name:line` of its entry.
    pub fn term(&self) -> &str {
        &self.term
    }
    /// The lexicon phrase that matched.
    pub fn phrase(&self) -> &str {
        &self.phrase
    }
    /// The term's category.
    pub fn category(&self) -> Category {
        self.category
    }
    /// The term's weight.
    pub fn weight(&self) -> f32 {
        self.weight
    }
    /// The term's polarity.
    pub fn polarity(&self) -> Polarity {
        self.polarity
    }
    /// Who the term is aimed at, if the lexicon says.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }
    /// The matched text, as written in the article.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// Start byte offset in the original text.
    pub fn start(&self) -> usize {
        self.start
    }
    /// End byte offset (exclusive) in the original text.
    pub fn end(&self) -> usize {
        self.end
    }
    /// Byte span in the original text: `&text[m.span()]` is the match.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }
    /// Index of the sentence holding the match.
    pub fn sentence(&self) -> usize {
        self.sentence
    }
    /// Index of the paragraph holding the match.
    pub fn paragraph(&self) -> usize {
        self.paragraph
    }
    /// Whether the match stands inside quotation marks (a quoted voice, not the author's).
    pub fn quoted(&self) -> bool {
        self.quoted
    }
    /// How the match was disguised, if it was (empty for plain text and ordinary typography:
    /// capitals, accents composed or not, NBSP, typographic apostrophes, soft hyphens).
    pub fn evasion(&self) -> &[Evasion] {
        &self.evasion
    }
}

/// A style marker found at a place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StyleKind {
    /// A single word between quotation marks (scare quotes).
    ScareQuote,
    /// A question in the author's voice.
    RhetoricalQuestion,
    /// A word in capitals (five letters or more).
    AllCaps,
}

/// A style marker with its span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyleMarker {
    pub(crate) kind: StyleKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl StyleMarker {
    /// What it is.
    pub fn kind(&self) -> StyleKind {
        self.kind
    }
    /// Byte span in the original text.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Where the report's language came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguageSource {
    /// The caller gave it with the article.
    Given,
    /// Language identification found it.
    Detected,
    /// Identification was unreliable, so the analyzer's default language was used.
    Default,
    /// Identification found nothing and no default was set.
    Unknown,
}

/// The language an article was analysed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageReport {
    /// The language (`None` when unknown).
    pub code: Option<Language>,
    /// Where it came from.
    pub source: LanguageSource,
    /// Identification confidence in [0, 1] (1 when given).
    pub confidence: f64,
    /// Whether the analyzer has lexicons for it; when not, only language-independent markers
    /// and style figures are reported.
    pub supported: bool,
}

/// Everything `partipris` found in one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleReport {
    pub(crate) id: String,
    pub(crate) language: LanguageReport,
    pub(crate) bytes: usize,
    pub(crate) word_count: usize,
    pub(crate) sentence_count: usize,
    pub(crate) paragraph_count: usize,
    pub(crate) loaded_language_density: f64,
    pub(crate) categories: Vec<CategoryFigure>,
    pub(crate) style: StyleFigures,
    pub(crate) markers: Vec<Marker>,
    pub(crate) style_markers: Vec<StyleMarker>,
    #[serde(default)]
    pub(crate) scores: Scores,
    /// Stances toward the targets the article mentions (empty when stance is off).
    #[serde(default)]
    pub(crate) stances: Vec<crate::stance::Stance>,
}

impl ArticleReport {
    /// The article id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The language the article was analysed in.
    pub fn language(&self) -> &LanguageReport {
        &self.language
    }
    /// Size of the article text in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.word_count
    }
    /// Number of sentences.
    pub fn sentence_count(&self) -> usize {
        self.sentence_count
    }
    /// Number of paragraphs.
    pub fn paragraph_count(&self) -> usize {
        self.paragraph_count
    }
    /// Loaded language: the summed weights of markers in loaded categories (all but hedges and
    /// attribution) per 1,000 words.
    pub fn loaded_language_density(&self) -> f64 {
        self.loaded_language_density
    }
    /// Per-category counts and densities, in [`Category::ALL`] order.
    pub fn categories(&self) -> &[CategoryFigure] {
        &self.categories
    }
    /// The figures of one category (zero when a report read back from JSON does not list it).
    pub fn category(&self, category: Category) -> &CategoryFigure {
        match self.categories.get(category.index()) {
            Some(f) if f.category == category => f,
            _ => self
                .categories
                .iter()
                .find(|f| f.category == category)
                .unwrap_or(&NO_FIGURES[category.index()]),
        }
    }
    /// Style figures.
    pub fn style(&self) -> &StyleFigures {
        &self.style
    }
    /// Every lexicon match, in text order.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }
    /// Style markers with spans (scare quotes, rhetorical questions, capitals), in text order.
    pub fn style_markers(&self) -> &[StyleMarker] {
        &self.style_markers
    }
    /// Scores of the trained classifiers.
    pub fn scores(&self) -> &Scores {
        &self.scores
    }
    /// The article's stance toward each target it mentions, in target order (empty when the
    /// analyzer has no targets, see [`crate::AnalyzerBuilder::targets`]).
    pub fn stances(&self) -> &[crate::stance::Stance] {
        &self.stances
    }
    /// The stance toward one target, if the article mentions it.
    pub fn stance(&self, target: &str) -> Option<&crate::stance::Stance> {
        self.stances.iter().find(|s| s.target() == target)
    }
}

/// The figures of a category without matches, for each category in [`Category::ALL`] order.
static NO_FIGURES: [CategoryFigure; Category::ALL.len()] = {
    const NONE: CategoryFigure = CategoryFigure {
        category: Category::PejorativeLabel,
        count: 0,
        weight: 0.0,
        per_1k_words: 0.0,
    };
    let mut figures = [NONE; Category::ALL.len()];
    let mut i = 0;
    while i < figures.len() {
        figures[i].category = Category::ALL[i];
        i += 1;
    }
    figures
};

/// The probability of one label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probability {
    /// The label.
    pub label: String,
    /// Its calibrated probability.
    pub probability: f32,
}

/// A feature's contribution to a score: its value in the input times its weight for the
/// predicted class against the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The feature's name (an n-gram, or a name from [`crate::FeatureSpec::names`]).
    pub feature: String,
    /// Its contribution to the predicted class's log-odds.
    pub contribution: f32,
}

/// Contributions reported per score.
pub(crate) const TOP_CONTRIBUTIONS: usize = 8;

/// The [`TOP_CONTRIBUTIONS`] largest of (feature, contribution) pairs, largest first, ties in
/// their order in `pairs`: what a stable sort by decreasing contribution would put first, found
/// without sorting them all (an input vector has hundreds of features).
pub(crate) fn strongest(pairs: Vec<(u32, f32)>) -> Vec<(u32, f32)> {
    let mut ranked: Vec<(usize, (u32, f32))> = pairs.into_iter().enumerate().collect();
    let order = |a: &(usize, (u32, f32)), b: &(usize, (u32, f32))| {
        b.1 .1.total_cmp(&a.1 .1).then(a.0.cmp(&b.0))
    };
    if ranked.len() > TOP_CONTRIBUTIONS {
        ranked.select_nth_unstable_by(TOP_CONTRIBUTIONS, order);
        ranked.truncate(TOP_CONTRIBUTIONS);
    }
    ranked.sort_unstable_by(order);
    ranked.into_iter().map(|(_, pair)| pair).collect()
}

/// The scores of an article-level classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    /// The predicted label: the model's decision, which is not always the most probable label.
    /// Heads of three classes (genre, leaning) add decision offsets to the log-probabilities,
    /// chosen on held-out training data for the macro-F1 of their classes, so that a class that
    /// is rare in training (reporting and satire in genre) is predicted when it is likely
    /// enough; binary heads decide with their threshold.
    pub label: String,
    /// The probability of every label (calibrated to the training data's class mix).
    pub probabilities: Vec<Probability>,
    /// The features that pushed the prediction most.
    pub contributions: Vec<Contribution>,
}

/// Persuasion scores of one paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParagraphScores {
    /// Byte span of the paragraph in the original text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Probability that the paragraph uses any persuasion technique.
    pub any: f32,
    /// Probability of each technique category.
    pub categories: Vec<Probability>,
}

/// Persuasion-technique scores of an article. Article figures aggregate the paragraphs,
/// weighted by their words (so that one-line headers, bylines and captions weigh as little as
/// they say, and a long article does not score higher for being long): a category's article
/// probability is the probability that a word drawn at random from the article stands in a
/// paragraph that uses the category (the paragraphs' probabilities weighted by their words);
/// `share` is the share of the article's words in paragraphs whose any-technique probability
/// passes the model's decision threshold. Each paragraph's own probabilities are in
/// `paragraphs` (their highest is the strongest single passage).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersuasionScores {
    /// Probability that a word drawn at random from the article stands in a paragraph that
    /// uses any persuasion technique.
    pub any: f32,
    /// The same for each technique category.
    pub categories: Vec<Probability>,
    /// Share of the article's words in paragraphs judged to use a technique.
    pub share: f32,
    /// The paragraphs; a paragraph of more than 200 words, longer than the model's training
    /// paragraphs, comes as passages of whole sentences of at most 60 words, each with its own
    /// span.
    pub paragraphs: Vec<ParagraphScores>,
}

/// A sentence judged biased.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BiasedSentence {
    /// Byte span of the sentence in the original text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Probability that the sentence is biased.
    pub probability: f32,
}

/// Sentence-level bias of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceBiasScores {
    /// Share of sentences judged biased.
    pub biased_share: f32,
    /// Sentences scored.
    pub sentences: usize,
    /// The sentences judged biased.
    pub biased: Vec<BiasedSentence>,
}

/// Scores of the trained classifiers; a classifier whose training languages do not include the
/// article's language leaves its field out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Scores {
    /// Persuasion techniques (paragraph level, aggregated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persuasion: Option<PersuasionScores>,
    /// Genre: opinion / reporting / satire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<ClassScores>,
    /// Satire: regular / satire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satire: Option<ClassScores>,
    /// Political leaning: left / center / right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaning: Option<ClassScores>,
    /// Share of biased sentences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence_bias: Option<SentenceBiasScores>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`strongest`] replaces: a stable sort of them all, then the first few.
    fn sorted_then_taken(mut pairs: Vec<(u32, f32)>) -> Vec<(u32, f32)> {
        pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
        pairs.truncate(TOP_CONTRIBUTIONS);
        pairs
    }

    #[test]
    fn strongest_keeps_ties_in_order() {
        let cases: [Vec<(u32, f32)>; 4] = [
            vec![],
            vec![(3, 1.0), (1, 2.0)],
            (0..20).map(|i| (i, 1.0)).collect(),
            (0..20).map(|i| (i, (i % 3) as f32)).collect(),
        ];
        for pairs in cases {
            let expected = sorted_then_taken(pairs.clone());
            assert_eq!(strongest(pairs), expected);
        }
    }

    #[test]
    fn a_report_read_back_without_its_categories_has_zero_figures_not_a_panic() {
        let text = "Les vassaux de Washington et la minorité planétaire, a déclaré le ministre.";
        let report = crate::Analyzer::default()
            .analyze(&crate::Article::new("x", text))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut json = serde_json::to_value(&report).unwrap_or_else(|e| panic!("{e}"));
        let mut reversed = json["categories"].clone();
        if let Some(a) = reversed.as_array_mut() {
            a.reverse();
        }
        // Categories left out, or listed in another order (the figures are the same).
        for categories in [serde_json::json!([]), reversed] {
            json["categories"] = categories;
            let back: ArticleReport =
                serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{e}"));
            for c in Category::ALL {
                let f = back.category(c);
                assert_eq!(f.category, c);
                if back.categories().is_empty() {
                    assert_eq!(f.count, 0);
                } else {
                    assert_eq!(f, report.category(c));
                }
            }
            let row = crate::output::headline_row(&back);
            assert_eq!(row.len(), crate::output::headline_header().len());
            if !back.categories().is_empty() {
                assert_eq!(row, crate::output::headline_row(&report));
            }
            let page = crate::html::explain::page(text, &back);
            assert!(page.contains("data-start"));
        }
    }

    proptest! {
        #[test]
        fn strongest_is_the_head_of_a_stable_sort(
            // Few distinct values, so that ties are common.
            values in proptest::collection::vec(-4i8..4, 0..40),
        ) {
            let pairs: Vec<(u32, f32)> = values
                .iter()
                .enumerate()
                .map(|(i, &v)| ((i * 7 % 40) as u32, f32::from(v) / 2.0))
                .collect();
            prop_assert_eq!(strongest(pairs.clone()), sorted_then_taken(pairs));
        }
    }
}
