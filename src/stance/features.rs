//! Stance features of one *unit*: a stretch of text (a sentence of an article, or a whole short
//! text such as a post) with the mentions of one target in it.
//!
//! Dense, language-independent features (named in [`StanceSpec`]): evaluative words of the
//! vocabularies and lexicon markers (by polarity and by category) in a window of [`WINDOW`] words
//! around each mention, evaluative words in the rest of the unit, with negation; markers aimed at the target (the lexicons' `target`
//! field) in the unit and anywhere in the text; whether the mentions stand inside quotation
//! marks or in reported speech; cheap positional signals (sentence-initial mention, a preceding
//! "against"-word, an `anti-`/`pro-` prefix, first paragraph, how often the target is
//! mentioned). Per-mention figures are averaged over the unit's mentions.
//!
//! Sparse features: word unigrams and bigrams of the unit, with each mention replaced by one
//! mention word (`@t`), in two groups: per language (`lang:fr|…`) and per target
//! (`target:russia|…`, for targets that had training data); the target group also has the
//! character 3- to 5-grams of the words of short texts (`target:atheism|~^god`) and, in short
//! texts, a constant feature (`target:atheism|@bias`), the target's own intercept.
//!
//! Evidence: the unit's word unigrams and bigrams and character 3- to 5-grams as the other
//! classifiers count them ([`unit_gram_counts`]), weighed by naive-Bayes log-count ratios
//! fitted per language group and per target group (see [`super::model`]).

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};

use crate::lexicon::{Category, Polarity};
use crate::model::evidence::{char_windows, gram_counts, GramCounts};
use crate::report::Marker;
use crate::tokenize::{word_hash, TokenKind, Tokens};

use super::matching::Found;
use super::vocabulary::CueKind;

/// Words on each side of a mention that make its window.
pub const WINDOW: usize = 8;

/// Words before an evaluative word within which a negator negates it.
const NEGATION_REACH: usize = 3;

/// Texts shorter than this many words are "short" (posts).
pub(crate) const SHORT_TEXT: usize = 60;

/// The version of the stance feature set.
pub const STANCE_SPEC_VERSION: u32 = 2;

/// The word that stands for a mention of the target in n-grams (`@t`).
pub const MENTION_WORD: &str = "@t";

const NAMES_FIXED: &[&str] = &[
    "window.positive",
    "window.negative",
    "window.positive_negated",
    "window.negative_negated",
    "window.negators",
    "window.against",
    "window.marker_positive",
    "window.marker_negative",
    "window.balance",
    "unit.positive",
    "unit.negative",
    "unit.balance",
    "targeted.negative",
    "targeted.positive",
    "targeted.negative_in_unit",
    "targeted.positive_in_unit",
    "other_targeted.negative_in_unit",
    "mention.quoted",
    "mention.reported",
    "window.cues_quoted",
    "mention.sentence_initial",
    "mention.after_against",
    "mention.anti_prefix",
    "mention.pro_prefix",
    "mention.first_paragraph",
    "mention.question",
    "mention.exclamation",
    "mention.co_mention",
    "target.mentions_log",
    "target.sentence_share",
    "unit.no_mention",
    "unit.short_text",
    "unit.words_log",
    "language.vocabulary",
];

/// The names of the dense stance features, in vector order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StanceSpec {
    names: Vec<String>,
}

impl Default for StanceSpec {
    fn default() -> StanceSpec {
        let mut names: Vec<String> = NAMES_FIXED.iter().map(|s| s.to_string()).collect();
        for c in Category::ALL {
            names.push(format!("window.markers.{c}"));
        }
        StanceSpec { names }
    }
}

impl StanceSpec {
    /// The feature names.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// Number of features.
    pub fn len(&self) -> usize {
        self.names.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    /// The version.
    pub fn version(&self) -> u32 {
        STANCE_SPEC_VERSION
    }
    /// SHA-256 of the version and names: a model records it and is refused by a build whose
    /// stance features differ.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(format!("stance-v{STANCE_SPEC_VERSION}\n"));
        for n in &self.names {
            h.update(n.as_bytes());
            h.update(b"\n");
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What the features of a text's units are computed from.
pub(crate) struct TextView<'a> {
    pub original: &'a str,
    pub normalized: &'a str,
    pub tokens: &'a Tokens,
    pub markers: &'a [Marker],
    pub found: &'a Found,
    /// Language code for the n-gram group (`"xx"` when unknown).
    pub language: &'a str,
    pub word_count: usize,
    /// The text-wide figures every unit reads, computed at the first unit
    /// ([`TextView::figures`]; build the view with `Default::default()` here).
    pub figures: OnceLock<TextFigures>,
}

/// Text-wide figures of a [`TextView`] that every unit reads: computed once per text, so that
/// the units' features cost time in their own size, not in the text's (an article of many
/// sentences, or one long sentence, mentioning a target thousands of times).
#[derive(Debug, Default)]
pub(crate) struct TextFigures {
    /// Per target index: its mentions, and its runs of mentions in one sentence (the sentences
    /// mentioning it, for mentions in text order).
    targets: Vec<(usize, usize)>,
    /// Per target id: the summed weights of the negative and of the positive markers aimed at
    /// it, in text order.
    aimed: FxHashMap<String, (f32, f32)>,
    /// `(first token, target index)` of every mention, ordered by first token.
    by_start: Vec<(usize, usize)>,
}

impl TextView<'_> {
    /// The text-wide figures, computed at the first call.
    fn figures(&self) -> &TextFigures {
        self.figures.get_or_init(|| {
            let toks = &self.tokens.tokens;
            let mut targets: Vec<(usize, usize)> = Vec::new();
            let mut last_sentence: Vec<Option<usize>> = Vec::new();
            for m in &self.found.mentions {
                if targets.len() <= m.target {
                    targets.resize(m.target + 1, (0, 0));
                    last_sentence.resize(m.target + 1, None);
                }
                targets[m.target].0 += 1;
                if let Some(t) = toks.get(m.tokens.start) {
                    if last_sentence[m.target] != Some(t.sentence()) {
                        targets[m.target].1 += 1;
                        last_sentence[m.target] = Some(t.sentence());
                    }
                }
            }
            let mut aimed: FxHashMap<String, (f32, f32)> = FxHashMap::default();
            for m in self.markers {
                let Some(t) = m.target() else {
                    continue;
                };
                let sums = aimed.entry(t.to_string()).or_default();
                match m.polarity() {
                    Polarity::Negative => sums.0 += m.weight(),
                    Polarity::Positive => sums.1 += m.weight(),
                    Polarity::Neutral => {}
                }
            }
            let mut by_start: Vec<(usize, usize)> = self
                .found
                .mentions
                .iter()
                .map(|m| (m.tokens.start, m.target))
                .collect();
            by_start.sort_by_key(|&(start, _)| start);
            TextFigures {
                targets,
                aimed,
                by_start,
            }
        })
    }
}

/// A unit: the token range it covers and the token ranges of its mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    pub scope: Range<usize>,
    pub mentions: Vec<Range<usize>>,
}

/// A cue in a unit's windows that the report can show as evidence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WindowCue {
    pub span: Range<usize>,
    pub polarity: Polarity,
    pub negated: bool,
    /// Index of the marker, for lexicon markers.
    pub marker: Option<usize>,
}

/// The features of a unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UnitFeatures {
    pub dense: Vec<f32>,
    pub cues: Vec<WindowCue>,
}

fn balance(pos: f32, neg: f32) -> f32 {
    (pos - neg) / (pos + neg + 1.0)
}

fn log1p(x: f32) -> f32 {
    x.max(0.0).ln_1p()
}

/// Which words of a text are negated evaluative cues: for each cue, whether a negator ends
/// within [`NEGATION_REACH`] words before it in the same sentence.
fn negated(view: &TextView<'_>, cue: usize) -> bool {
    let cues = &view.found.cues;
    let c = &cues[cue];
    let toks = &view.tokens.tokens;
    let Some(start) = toks.get(c.tokens.start) else {
        return false;
    };
    let sentence = start.sentence();
    let mut words = 0;
    let mut i = c.tokens.start;
    while i > 0 && words < NEGATION_REACH {
        i -= 1;
        let t = &toks[i];
        if t.sentence() != sentence {
            break;
        }
        if t.kind() == TokenKind::Punct {
            continue;
        }
        words += 1;
        if cues[..cue]
            .iter()
            .rev()
            .take(8)
            .any(|n| n.kind == CueKind::Negator && n.tokens.contains(&i))
        {
            return true;
        }
    }
    false
}

/// The word-token range of the window around a mention inside the unit's scope.
fn window(view: &TextView<'_>, scope: &Range<usize>, mention: &Range<usize>) -> Range<usize> {
    let toks = &view.tokens.tokens;
    let mut lo = mention.start;
    let mut words = 0;
    while lo > scope.start && words < WINDOW {
        lo -= 1;
        if toks[lo].kind() != TokenKind::Punct {
            words += 1;
        }
    }
    let mut hi = mention.end.min(scope.end);
    words = 0;
    while hi < scope.end && words < WINDOW {
        if toks[hi].kind() != TokenKind::Punct {
            words += 1;
        }
        hi += 1;
    }
    lo..hi
}

/// Whether an attribution marker (`selon`, `said`) starts in `span` (a sentence's); `markers`
/// sorted by start.
pub(crate) fn has_attribution(markers: &[Marker], span: &Range<usize>) -> bool {
    let lo = markers.partition_point(|m| m.start() < span.start);
    let hi = markers.partition_point(|m| m.start() < span.end);
    markers[lo..hi.max(lo)]
        .iter()
        .any(|m| m.category() == Category::Attribution)
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Ranges asked which of them hold a point or overlap a span: by binary search when their
/// starts and their ends both run in increasing order (a unit's windows and mentions do), by a
/// scan otherwise. A scan per cue made a sentence with thousands of mentions and cues cost
/// their product.
struct Ranges<'a> {
    ranges: &'a [Range<usize>],
    ordered: bool,
}

impl<'a> Ranges<'a> {
    fn new(ranges: &'a [Range<usize>]) -> Ranges<'a> {
        let ordered = ranges.iter().all(|r| r.start <= r.end)
            && ranges
                .windows(2)
                .all(|w| w[0].start <= w[1].start && w[0].end <= w[1].end);
        Ranges { ranges, ordered }
    }

    /// How many of the ranges contain `x`.
    fn holding(&self, x: usize) -> usize {
        if !self.ordered {
            return self.ranges.iter().filter(|r| r.contains(&x)).count();
        }
        // Those that start at or before `x`, less those of them that end at or before it.
        let started = self.ranges.partition_point(|r| r.start <= x);
        let ended = self.ranges.partition_point(|r| r.end <= x);
        started - ended.min(started)
    }

    /// Whether one of the ranges overlaps `span`.
    fn overlap(&self, span: &Range<usize>) -> bool {
        if !self.ordered {
            return self.ranges.iter().any(|r| overlaps(r, span));
        }
        // The first range that ends after the span starts has the smallest start of those.
        let first = self.ranges.partition_point(|r| r.end <= span.start);
        self.ranges.get(first).is_some_and(|r| overlaps(r, span))
    }
}

/// The dense features of a unit for a target (`target`: its id, for the markers aimed at it;
/// `target_index`: its index among the found mentions' targets, for co-mentions).
pub(crate) fn unit_features(
    spec: &StanceSpec,
    view: &TextView<'_>,
    unit: &Unit,
    target: Option<&str>,
    target_index: Option<usize>,
) -> UnitFeatures {
    let mut x = vec![0f32; spec.len()];
    let toks = &view.tokens.tokens;
    let scope = unit.scope.start.min(toks.len())..unit.scope.end.min(toks.len());
    let mut cues_out = Vec::new();
    let byte_span = |r: &Range<usize>| -> Range<usize> {
        match (
            toks.get(r.start),
            r.end.checked_sub(1).and_then(|e| toks.get(e)),
        ) {
            (Some(a), Some(b)) if r.start < r.end => a.start()..b.end(),
            _ => 0..0,
        }
    };
    let scope_bytes = byte_span(&scope);
    let mention_bytes: Vec<Range<usize>> = unit.mentions.iter().map(byte_span).collect();
    let mention_ranges = Ranges::new(&mention_bytes);
    let in_mention = |span: &Range<usize>| mention_ranges.overlap(span);
    // Windows: the whole scope when there is no mention.
    let windows: Vec<Range<usize>> = if unit.mentions.is_empty() {
        vec![scope.clone()]
    } else {
        unit.mentions
            .iter()
            .map(|m| window(view, &scope, m))
            .collect()
    };
    let n_windows = windows.len().max(1) as f32;
    let window_ranges = Ranges::new(&windows);
    let cue_lo = view
        .found
        .cues
        .partition_point(|c| c.tokens.start < scope.start);
    let cue_hi = view
        .found
        .cues
        .partition_point(|c| c.tokens.start < scope.end);
    let (mut wpos, mut wneg, mut wposn, mut wnegn, mut wnegators, mut wagainst) =
        (0f32, 0f32, 0f32, 0f32, 0f32, 0f32);
    let (mut upos, mut uneg) = (0f32, 0f32);
    let mut quoted_cues = 0f32;
    let mut window_cues = 0f32;
    for ci in cue_lo..cue_hi {
        let c = &view.found.cues[ci];
        if in_mention(&c.span) {
            continue;
        }
        let inside = window_ranges.holding(c.tokens.start) as f32;
        let neg = matches!(c.kind, CueKind::Positive | CueKind::Negative) && negated(view, ci);
        let quoted = toks.get(c.tokens.start).is_some_and(|t| t.is_quoted());
        match c.kind {
            CueKind::Positive | CueKind::Negative => {
                let positive = c.kind == CueKind::Positive;
                if inside > 0.0 {
                    window_cues += inside;
                    if quoted {
                        quoted_cues += inside;
                    }
                    match (positive, neg) {
                        (true, false) => wpos += inside,
                        (false, false) => wneg += inside,
                        (true, true) => wposn += inside,
                        (false, true) => wnegn += inside,
                    }
                    cues_out.push(WindowCue {
                        span: c.span.clone(),
                        polarity: if positive {
                            Polarity::Positive
                        } else {
                            Polarity::Negative
                        },
                        negated: neg,
                        marker: None,
                    });
                } else if positive != neg {
                    upos += 1.0;
                } else {
                    uneg += 1.0;
                }
            }
            CueKind::Negator => wnegators += inside,
            CueKind::Against => wagainst += inside,
        }
    }
    // Markers.
    let window_bytes: Vec<Range<usize>> = windows.iter().map(byte_span).collect();
    let window_byte_ranges = Ranges::new(&window_bytes);
    let m_lo = view
        .markers
        .partition_point(|m| m.start() < scope_bytes.start);
    let m_hi = view
        .markers
        .partition_point(|m| m.start() < scope_bytes.end);
    let (mut mpos, mut mneg) = (0f32, 0f32);
    let mut categories = [0f32; Category::ALL.len()];
    let (mut t_neg_unit, mut t_pos_unit, mut other_neg_unit) = (0f32, 0f32, 0f32);
    for (mi, m) in view.markers[m_lo..m_hi].iter().enumerate() {
        let span = m.span();
        let aimed = target.is_some() && m.target() == target;
        match (m.polarity(), aimed) {
            (Polarity::Negative, true) => t_neg_unit += m.weight(),
            (Polarity::Positive, true) => t_pos_unit += m.weight(),
            (Polarity::Negative, false) if m.target().is_some() => other_neg_unit += m.weight(),
            _ => {}
        }
        let inside = window_byte_ranges.holding(span.start) as f32;
        let part_of_mention = in_mention(&span);
        if inside > 0.0 && !part_of_mention {
            categories[m.category().index()] += inside;
        }
        if (inside > 0.0 || aimed) && m.polarity() != Polarity::Neutral {
            if inside > 0.0 && !part_of_mention {
                match m.polarity() {
                    Polarity::Positive => mpos += inside * m.weight(),
                    _ => mneg += inside * m.weight(),
                }
            }
            cues_out.push(WindowCue {
                span: span.clone(),
                polarity: m.polarity(),
                negated: false,
                marker: Some(m_lo + mi),
            });
        }
    }
    let figures = view.figures();
    let (t_neg, t_pos) = target
        .and_then(|t| figures.aimed.get(t))
        .copied()
        .unwrap_or((0.0, 0.0));
    // Mentions: voice and position.
    let (mut quoted, mut reported, mut initial, mut after_against, mut anti, mut pro) =
        (0f32, 0f32, 0f32, 0f32, 0f32, 0f32);
    let (mut first_par, mut question, mut exclamation, mut co) = (0f32, 0f32, 0f32, 0f32);
    // Whether the last sentence looked at mentions another target: a unit's mentions share
    // their sentence.
    let mut co_in: Option<(usize, bool)> = None;
    // Whether the last sentence looked at holds an attribution marker.
    let mut attributed_in: Option<(usize, bool)> = None;
    for (mention, bytes) in unit.mentions.iter().zip(&mention_bytes) {
        let Some(first) = toks.get(mention.start) else {
            continue;
        };
        if first.is_quoted() {
            quoted += 1.0;
        }
        let sentence = view.tokens.sentences.get(first.sentence());
        if let Some(s) = sentence {
            let attributed = match attributed_in {
                Some((at, attributed)) if at == first.sentence() => attributed,
                _ => {
                    let attributed = has_attribution(view.markers, &s.span);
                    attributed_in = Some((first.sentence(), attributed));
                    attributed
                }
            };
            if attributed {
                reported += 1.0;
            }
            let words_before = toks[s.tokens.start..mention.start]
                .iter()
                .filter(|t| t.kind() != TokenKind::Punct)
                .take(3)
                .count();
            if words_before <= 2 {
                initial += 1.0;
            }
            let last = s.tokens.end.checked_sub(1).and_then(|i| toks.get(i));
            match last.map(|t| &view.normalized[t.norm_span()]) {
                Some("?") => question += 1.0,
                Some("!") => exclamation += 1.0,
                _ => {}
            }
            let other = match co_in {
                Some((at, other)) if at == first.sentence() => other,
                _ => {
                    let by_start = &figures.by_start;
                    let lo = by_start.partition_point(|&(t, _)| t < s.tokens.start);
                    let hi = by_start.partition_point(|&(t, _)| t < s.tokens.end);
                    let other = by_start[lo..hi.max(lo)]
                        .iter()
                        .any(|&(_, t)| Some(t) != target_index);
                    co_in = Some((first.sentence(), other));
                    other
                }
            };
            if other {
                co += 1.0;
            }
        }
        if first.paragraph() == 0 {
            first_par += 1.0;
        }
        // A preceding "against"-word within three words.
        let c_hi = view
            .found
            .cues
            .partition_point(|c| c.tokens.start < mention.start);
        if view.found.cues[..c_hi].iter().rev().take(4).any(|c| {
            c.kind == CueKind::Against && mention.start - c.tokens.end.min(mention.start) <= 3
        }) {
            after_against += 1.0;
        }
        // anti-/pro- prefixes inside the mention's compound word.
        let word = &view.normalized[first.norm_span()];
        let before = bytes.start.saturating_sub(first.start());
        if first.is_compound() && before > 0 {
            let prefix = word.get(..before).unwrap_or("");
            if prefix.starts_with("anti") {
                anti += 1.0;
            } else if prefix.starts_with("pro") {
                pro += 1.0;
            }
        }
    }
    let n_m = unit.mentions.len().max(1) as f32;
    let unit_words = toks[scope.clone()]
        .iter()
        .filter(|t| t.kind() != TokenKind::Punct)
        .count() as f32;
    let (target_mentions, sentences_with) = match target_index {
        Some(ti) => figures.targets.get(ti).copied().unwrap_or((0, 0)),
        None => (unit.mentions.len(), 0),
    };
    let values = [
        wpos / n_windows,
        wneg / n_windows,
        wposn / n_windows,
        wnegn / n_windows,
        wnegators / n_windows,
        wagainst / n_windows,
        mpos / n_windows,
        mneg / n_windows,
        balance(wpos + wnegn + mpos, wneg + wposn + mneg),
        log1p(upos),
        log1p(uneg),
        balance(upos, uneg),
        log1p(t_neg),
        log1p(t_pos),
        log1p(t_neg_unit),
        log1p(t_pos_unit),
        log1p(other_neg_unit),
        quoted / n_m,
        reported / n_m,
        if window_cues > 0.0 {
            quoted_cues / window_cues
        } else {
            0.0
        },
        initial / n_m,
        after_against / n_m,
        anti / n_m,
        pro / n_m,
        first_par / n_m,
        question / n_m,
        exclamation / n_m,
        co / n_m,
        log1p(target_mentions as f32),
        sentences_with as f32 / view.tokens.sentences.len().max(1) as f32,
        f32::from(unit.mentions.is_empty()),
        f32::from(view.word_count < SHORT_TEXT),
        log1p(unit_words),
        f32::from(view.found.has_vocabulary),
    ];
    x[..values.len()].copy_from_slice(&values);
    for (i, c) in categories.iter().enumerate() {
        x[values.len() + i] = log1p(*c / n_windows);
    }
    UnitFeatures {
        dense: x,
        cues: cues_out,
    }
}

/// Mixes two hashes (bigrams, groups).
fn mix(a: u64, b: u64) -> u64 {
    (a.rotate_left(29) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Punctuation kept as n-gram words.
fn kept_punct(p: &str) -> bool {
    matches!(p, "!" | "?" | "«" | "»" | "“" | "”" | "\"")
}

/// The hash of an n-gram feature from its name (`group|w1 w2`), equal to the hash
/// [`unit_ngrams`] computes from tokens.
pub(crate) fn ngram_name_hash(name: &str) -> u64 {
    let (group, gram) = name.split_once('|').unwrap_or(("", name));
    let mut words = gram.split(' ');
    let first = words.next().map(word_hash).unwrap_or(0);
    let h = match words.next() {
        Some(second) => mix(first, word_hash(second)),
        None => first,
    };
    mix(word_hash(group), h)
}

/// What the n-gram group of a language begins with.
pub(crate) const LANGUAGE_GROUP: &str = "lang:";

/// The n-gram group of a language.
pub(crate) fn language_group(code: &str) -> String {
    format!("{LANGUAGE_GROUP}{code}")
}

/// The n-gram group of a target.
pub(crate) fn target_group(id: &str) -> String {
    format!("target:{id}")
}

/// The first of a unit's mentions that holds a token, for tokens asked for in increasing order:
/// in constant time per token when the mentions are in text order and do not overlap (a unit's
/// are), by a scan of them otherwise. A scan per token made a sentence with thousands of mentions
/// cost their square.
struct Holder<'a> {
    mentions: &'a [Range<usize>],
    ordered: bool,
    next: usize,
}

impl<'a> Holder<'a> {
    fn new(mentions: &'a [Range<usize>]) -> Holder<'a> {
        let ordered = mentions.windows(2).all(|w| w[0].end <= w[1].start);
        Holder {
            mentions,
            ordered,
            next: 0,
        }
    }

    /// The first mention that contains token `i` (`i` no smaller than at the last call).
    fn at(&mut self, i: usize) -> Option<&'a Range<usize>> {
        if !self.ordered {
            return self.mentions.iter().find(|m| m.contains(&i));
        }
        while self.mentions.get(self.next).is_some_and(|m| m.end <= i) {
            self.next += 1;
        }
        self.mentions.get(self.next).filter(|m| m.contains(&i))
    }
}

/// Calls `f(hash, name)` for every n-gram of the unit in each group; `name` is built only when
/// `with_names` is set (training).
pub(crate) fn unit_ngrams(
    view: &TextView<'_>,
    unit: &Unit,
    groups: &[&str],
    with_names: bool,
    mut f: impl FnMut(usize, u64, Option<String>),
) {
    let toks = &view.tokens.tokens;
    let scope = unit.scope.start.min(toks.len())..unit.scope.end.min(toks.len());
    let mention_word = word_hash(MENTION_WORD);
    let group_hashes: Vec<u64> = groups.iter().map(|g| word_hash(g)).collect();
    // A constant feature per target group in short texts: the target's own intercept where the
    // training posts are about one target. (Not in articles: there it would learn a corpus's
    // prior on the target, which does not carry over to other sources and languages.)
    if view.word_count < SHORT_TEXT {
        let bias = word_hash(BIAS);
        for (g, gh) in group_hashes.iter().enumerate().skip(1) {
            f(
                g,
                mix(*gh, bias),
                with_names.then(|| format!("{}|{BIAS}", groups[g])),
            );
        }
    }
    let mut prev: Option<(u64, String, usize)> = None;
    let mut holder = Holder::new(&unit.mentions);
    let mut i = scope.start;
    while i < scope.end {
        let t = &toks[i];
        let (hash, word, next) = match holder.at(i) {
            Some(m) => (mention_word, MENTION_WORD, m.end.max(i + 1)),
            None => {
                let w = &view.normalized[t.norm_span()];
                match t.kind() {
                    TokenKind::Punct if kept_punct(w) => (word_hash(w), w, i + 1),
                    TokenKind::Punct => {
                        prev = None;
                        i += 1;
                        continue;
                    }
                    _ => (t.hash(), w, i + 1),
                }
            }
        };
        for (g, gh) in group_hashes.iter().enumerate() {
            f(
                g,
                mix(*gh, hash),
                with_names.then(|| format!("{}|{word}", groups[g])),
            );
            if let Some((ph, pw, sentence)) = &prev {
                if *sentence == t.sentence() {
                    f(
                        g,
                        mix(*gh, mix(*ph, hash)),
                        with_names.then(|| format!("{}|{pw} {word}", groups[g])),
                    );
                }
            }
        }
        prev = Some((
            hash,
            if with_names {
                word.to_string()
            } else {
                String::new()
            },
            t.sentence(),
        ));
        // Character n-grams of words, in the target groups (after the first) of short texts
        // (posts, where spelling and hashtags vary) only.
        if hash != mention_word
            && t.kind() == TokenKind::Word
            && group_hashes.len() > 1
            && view.word_count < SHORT_TEXT
        {
            let padded = format!("^{word}$");
            if padded.chars().count() >= 5 {
                let mut buf = String::with_capacity(24);
                char_windows(&padded, |w| {
                    buf.clear();
                    buf.push('~');
                    buf.push_str(w);
                    let h = word_hash(&buf);
                    for (g, gh) in group_hashes.iter().enumerate().skip(1) {
                        f(
                            g,
                            mix(*gh, h),
                            with_names.then(|| format!("{}|{buf}", groups[g])),
                        );
                    }
                });
            }
        }
        i = next;
    }
}

/// Words on each side of a mention whose words count as near the mention in its evidence.
const NEAR: usize = 3;

/// The word and character n-gram counts of a unit's tokens (and, with `with_names`, their
/// texts), for its evidence features ([`crate::model::evidence::gram_counts`]), plus what the text
/// makes of the entity: each word of its mentions as a word of its own (`@t:zelensky`), with its
/// character n-grams (`@t:zel`), and each word within [`NEAR`] words of a mention (`~t:attacked`).
pub(crate) fn unit_gram_counts(view: &TextView<'_>, unit: &Unit, with_names: bool) -> GramCounts {
    let toks = &view.tokens.tokens;
    let scope = unit.scope.start.min(toks.len())..unit.scope.end.min(toks.len());
    let (mut words, mut chars, mut texts) =
        gram_counts(view.normalized, &toks[scope.clone()], with_names);
    let mut add = |counts: &mut Vec<(u64, u32)>, name: String| {
        let h = word_hash(&name);
        match counts.binary_search_by_key(&h, |&(x, _)| x) {
            Ok(at) => counts[at].1 += 1,
            Err(at) => {
                counts.insert(at, (h, 1));
                if with_names {
                    texts.push((h, name));
                }
            }
        }
    };
    for m in &unit.mentions {
        let near = m.start.saturating_sub(NEAR).max(scope.start)..(m.end + NEAR).min(scope.end);
        for i in near {
            let Some(t) = toks.get(i).filter(|t| t.kind() == TokenKind::Word) else {
                continue;
            };
            let w = &view.normalized[t.norm_span()];
            if !m.contains(&i) {
                add(&mut words, format!("~t:{w}"));
                continue;
            }
            add(&mut words, format!("{MENTION_WORD}:{w}"));
            char_windows(&format!(" {w} "), |g| {
                add(&mut chars, format!("{MENTION_WORD}:{g}"))
            });
        }
    }
    (words, chars, texts)
}

/// The name of the constant feature of each target group.
pub const BIAS: &str = "@bias";

#[cfg(test)]
mod tests {
    use super::*;

    /// The look-ups that replace scans answer as the scans do, on ordered ranges (binary
    /// search) and on unordered ones (scan).
    #[test]
    fn range_look_ups_answer_as_scans() {
        let cases: &[&[Range<usize>]] = &[
            &[],
            &[2..5, 7..7],
            &[0..3, 2..6, 4..9, 9..9, 9..12],
            &[1..4, 6..8, 8..10],
            &[5..9, 0..3],
            &[0..10, 2..4],
            &[3..3, 1..2],
        ];
        for ranges in cases {
            let r = Ranges::new(ranges);
            for x in 0..14 {
                let want = ranges.iter().filter(|w| w.contains(&x)).count();
                assert_eq!(r.holding(x), want, "{ranges:?} holding {x}");
                for end in x..14 {
                    let span = x..end;
                    let want = ranges.iter().any(|m| overlaps(m, &span));
                    assert_eq!(r.overlap(&span), want, "{ranges:?} overlap {span:?}");
                }
            }
            let mut holder = Holder::new(ranges);
            for i in 0..14 {
                let want = ranges.iter().find(|m| m.contains(&i));
                assert_eq!(holder.at(i), want, "{ranges:?} at {i}");
            }
        }
    }

    #[test]
    fn spec_names_are_unique_and_fingerprinted() {
        let s = StanceSpec::default();
        let mut n = s.names().to_vec();
        n.sort();
        n.dedup();
        assert_eq!(n.len(), s.len());
        assert_eq!(s.fingerprint().len(), 64);
    }

    #[test]
    fn ngram_names_hash_like_tokens() {
        use crate::normalize::normalize;
        use crate::tokenize::tokenize;
        let text = "Les vassaux de Moscou ! Fin";
        let n = normalize(text);
        let tokens = tokenize(text, &n);
        let found = Found::default();
        let view = TextView {
            original: text,
            normalized: n.as_str(),
            tokens: &tokens,
            markers: &[],
            found: &found,
            language: "fr",
            word_count: 5,
            figures: Default::default(),
        };
        let unit = Unit {
            scope: 0..tokens.tokens.len(),
            mentions: std::iter::once(3..4).collect(),
        };
        let mut got = Vec::new();
        unit_ngrams(
            &view,
            &unit,
            &["lang:fr", "target:russia"],
            true,
            |g, h, name| got.push((g, h, name.unwrap_or_default())),
        );
        let names: Vec<&str> = got
            .iter()
            .filter(|x| x.0 == 0)
            .map(|x| x.2.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "lang:fr|les",
                "lang:fr|vassaux",
                "lang:fr|les vassaux",
                "lang:fr|de",
                "lang:fr|vassaux de",
                "lang:fr|@t",
                "lang:fr|de @t",
                "lang:fr|!",
                "lang:fr|@t !",
                "lang:fr|fin",
            ]
        );
        for (_, h, name) in &got {
            assert_eq!(*h, ngram_name_hash(name), "{name}");
        }
    }
}
