//! Stance toward targets: for every target an article mentions, whether it is for or against
//! it, with a score, a confidence, the mentions and the evidence.
//!
//! The pipeline, after the markers: target mentions and evaluative cues are found
//! (`matching`: aliases from [`Targets`], vocabularies from [`Vocabulary`]); every sentence that
//! mentions a target is a *unit*, described by the stance features of `features`; the
//! trained [`StanceModel`] gives each unit probabilities of favor / against / none; the article's
//! stance on the target aggregates its units ([`aggregate`], documented there); the evidence is
//! the units that voted for the article's label and the cues in their windows.
//!
//! Training and evaluation from the shared corpora are in [`train`].

mod features;
mod matching;
mod model;
mod targets;
pub mod train;
mod vocabulary;

pub use features::{StanceSpec, MENTION_WORD, STANCE_SPEC_VERSION, WINDOW};
pub use model::{StanceModel, HEADS, STANCE_CLASSES};
pub use targets::{Alias, CaseRule, Target, Targets, TARGETS_FORMAT_VERSION};
pub use vocabulary::{Vocabulary, VOCABULARY_FORMAT_VERSION};

pub(crate) use features::{TextView, Unit};
pub(crate) use matching::StanceMatcher;

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::language::Language;
use crate::lexicon::{Category, Lexicon, Matcher, Polarity, RawMatch};
use crate::normalize::NormalizedText;
use crate::report::{strongest, Contribution, Marker, Probability};
use crate::tokenize::Tokens;

/// The side an article takes on a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StanceLabel {
    /// For the target.
    Favor,
    /// Against the target.
    Against,
    /// Neither, or as much for as against.
    Neutral,
}

impl StanceLabel {
    /// The label's name: `favor`, `against` or `neutral` (as serialized).
    pub fn as_str(&self) -> &'static str {
        match self {
            StanceLabel::Favor => "favor",
            StanceLabel::Against => "against",
            StanceLabel::Neutral => "neutral",
        }
    }
}

/// Whose words a mention stands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// The author's own words.
    Author,
    /// The author's words reporting someone else's (the sentence holds an attribution marker
    /// such as "a déclaré", "according to").
    Reported,
    /// Inside quotation marks: a quoted speaker's words.
    Quoted,
}

impl Voice {
    /// How much a unit in this voice weighs in the article's stance.
    pub fn weight(&self) -> f32 {
        match self {
            Voice::Author => 1.0,
            Voice::Reported => 0.6,
            Voice::Quoted => 0.3,
        }
    }
}

/// One mention of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// The text as written in the article.
    pub text: String,
    /// Start byte offset in the original text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Index of its sentence.
    pub sentence: usize,
    /// Whose words it stands in.
    pub voice: Voice,
}

impl Mention {
    /// Byte span in the original text.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// An evaluative word or lexicon marker near a mention, shown as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// The text as written.
    pub text: String,
    /// Start byte offset in the original text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// How it casts what it is said of (after negation).
    pub polarity: Polarity,
    /// Whether a negation precedes it (its polarity is then reversed).
    pub negated: bool,
    /// The lexicon category, for lexicon markers (none for words of the evaluative vocabulary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The lexicon term id, for lexicon markers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// Whether the marker is aimed at this target (the lexicon's `target` field).
    #[serde(default)]
    pub aimed_at_target: bool,
}

/// A sentence that weighed in the article's stance on a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Start byte offset of the sentence in the original text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// The voice of the sentence's mentions.
    pub voice: Voice,
    /// The sentence's own label.
    pub label: StanceLabel,
    /// The sentence's probability of that label.
    pub probability: f32,
    /// Its weight in the article's score (voice weight × probability).
    pub weight: f32,
    /// The cues near the mentions that agree with the label.
    pub cues: Vec<Cue>,
}

impl Evidence {
    /// Byte span of the sentence in the original text.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// An article's stance on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stance {
    pub(crate) target: String,
    pub(crate) name: String,
    pub(crate) label: StanceLabel,
    pub(crate) score: f32,
    pub(crate) confidence: f32,
    pub(crate) probabilities: Vec<Probability>,
    pub(crate) mentions: Vec<Mention>,
    pub(crate) evidence: Vec<Evidence>,
    pub(crate) contributions: Vec<Contribution>,
}

impl Stance {
    /// The target's id.
    pub fn target(&self) -> &str {
        &self.target
    }
    /// The target's display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The side taken.
    pub fn label(&self) -> StanceLabel {
        self.label
    }
    /// The score in [-1, 1]: positive for favor, negative for against (see [`aggregate`]).
    pub fn score(&self) -> f32 {
        self.score
    }
    /// How sure the label is, in [0, 1] (see [`aggregate`]).
    pub fn confidence(&self) -> f32 {
        self.confidence
    }
    /// The mean probabilities of favor, against and none over the sentences mentioning the
    /// target, weighted by voice.
    pub fn probabilities(&self) -> &[Probability] {
        &self.probabilities
    }
    /// Every mention of the target, in text order.
    pub fn mentions(&self) -> &[Mention] {
        &self.mentions
    }
    /// The sentences that weighed most, strongest first.
    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }
    /// The features that pushed the label most, summed over the evidence sentences.
    pub fn contributions(&self) -> &[Contribution] {
        &self.contributions
    }
}

/// A score from this value on is favor (against from its opposite on).
pub const SIDE_THRESHOLD: f32 = 0.2;

/// Evidence sentences reported per stance.
const TOP_EVIDENCE: usize = 3;

/// One classified unit, for aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitVote {
    /// Probabilities of favor, against, none.
    pub probabilities: [f32; 3],
    /// The unit's voice.
    pub voice: Voice,
}

/// The article-level label, score and confidence from its units (sentences mentioning the
/// target).
///
/// Each unit votes for its most probable class with the weight `voice weight × probability`
/// (author 1.0, reported speech 0.6, quotation 0.3: a quoted speaker's stance is not the
/// article's). With `F` and `A` the summed votes for favor and against, the score is
/// `(F − A) / (F + A + 1)`: it needs several or strong votes to approach ±1, and neutral units
/// do not dilute a clear side. The label is favor at a score ≥ [`SIDE_THRESHOLD`], against at
/// ≤ −[`SIDE_THRESHOLD`], else neutral. The confidence is the mean probability of the label
/// over the units that voted for it, weighted by voice (for neutral: the mean probability of
/// none over all units, times `1 − |score|`).
pub fn aggregate(units: &[UnitVote]) -> (StanceLabel, f32, f32) {
    let (mut f, mut a) = (0f32, 0f32);
    for u in units {
        match argmax3(&u.probabilities) {
            0 => f += u.voice.weight() * u.probabilities[0],
            1 => a += u.voice.weight() * u.probabilities[1],
            _ => {}
        }
    }
    let score = (f - a) / (f + a + 1.0);
    let label = if score >= SIDE_THRESHOLD {
        StanceLabel::Favor
    } else if score <= -SIDE_THRESHOLD {
        StanceLabel::Against
    } else {
        StanceLabel::Neutral
    };
    let class = match label {
        StanceLabel::Favor => 0,
        StanceLabel::Against => 1,
        StanceLabel::Neutral => 2,
    };
    let (mut num, mut den) = (0f32, 0f32);
    for u in units {
        if class == 2 || argmax3(&u.probabilities) == class {
            num += u.voice.weight() * u.probabilities[class];
            den += u.voice.weight();
        }
    }
    let mut confidence = if den > 0.0 { num / den } else { 0.0 };
    if class == 2 {
        confidence *= 1.0 - score.abs();
    }
    (label, score, confidence)
}

fn argmax3(p: &[f32; 3]) -> usize {
    let mut best = 0;
    for i in 1..3 {
        if p[i] > p[best] {
            best = i;
        }
    }
    best
}

/// The stance stage of an analyzer: targets, their matcher, the model.
#[derive(Debug)]
pub(crate) struct StanceEngine {
    targets: Targets,
    matcher: StanceMatcher,
    model: StanceModel,
    spec: StanceSpec,
}

/// What the stance stage reads of an analysed article.
pub(crate) struct ArticleView<'a> {
    pub original: &'a str,
    pub normalized: &'a NormalizedText,
    pub tokens: &'a Tokens,
    pub markers: &'a [Marker],
    pub language: Option<Language>,
    pub word_count: usize,
    /// What the analyzer's matcher found of the automata lent to it
    /// ([`StanceEngine::lend_matchers`]).
    pub lent: &'a [RawMatch],
}

impl StanceEngine {
    /// Builds the stage; the model is checked against the lexicons and the vocabularies.
    pub fn new(
        targets: Targets,
        model: StanceModel,
        lexicons: &[Lexicon],
        fold_accents: bool,
    ) -> Result<StanceEngine> {
        let vocabularies = Vocabulary::embedded()?;
        model.check(lexicons, &vocabularies)?;
        let matcher = StanceMatcher::new(&targets, &vocabularies, fold_accents)?;
        Ok(StanceEngine {
            targets,
            matcher,
            model,
            spec: StanceSpec::default(),
        })
    }

    /// Lends the stage's automaton of each language the analyzer has a lexicon matcher for to
    /// that matcher ([`matching::StanceMatcher::lend_to`]): the analyzer then finds this
    /// stage's phrases in the same walk as its markers, and passes them in
    /// [`ArticleView::lent`].
    pub fn lend_matchers(&mut self, hosts: &mut [(Language, Matcher)]) {
        self.matcher.lend_to(hosts);
    }

    /// The stances of an analysed article, one per mentioned target, in target order.
    pub fn stances(&self, a: &ArticleView<'_>) -> Vec<Stance> {
        let found = self.matcher.find(
            a.language,
            a.original,
            a.normalized,
            &a.tokens.tokens,
            a.lent,
        );
        if found.mentions.is_empty() {
            return Vec::new();
        }
        let code = a
            .language
            .map(|l| l.to_string())
            .unwrap_or_else(|| "xx".into());
        let view = TextView {
            original: a.original,
            normalized: a.normalized.as_str(),
            tokens: a.tokens,
            markers: a.markers,
            found: &found,
            language: &code,
            word_count: a.word_count,
            figures: Default::default(),
        };
        let mut out = Vec::new();
        for (ti, target) in self.targets.targets().iter().enumerate() {
            let mentions: Vec<&matching::FoundMention> =
                found.mentions.iter().filter(|m| m.target == ti).collect();
            if mentions.is_empty() {
                continue;
            }
            out.push(self.stance(&view, ti, target, &mentions));
        }
        out
    }

    fn stance(
        &self,
        view: &TextView<'_>,
        ti: usize,
        target: &Target,
        mentions: &[&matching::FoundMention],
    ) -> Stance {
        let toks = &view.tokens.tokens;
        // Whether the last sentence looked at holds an attribution marker: mentions come in
        // text order, and looking once per mention made a long sentence cost its square.
        let mut attributed: Option<(usize, bool)> = None;
        let mut voice_of = |m: &matching::FoundMention| -> Voice {
            let Some(t) = toks.get(m.tokens.start) else {
                return Voice::Author;
            };
            if t.is_quoted() {
                return Voice::Quoted;
            }
            let Some(s) = view.tokens.sentences.get(t.sentence()) else {
                return Voice::Author;
            };
            let reported = match attributed {
                Some((at, reported)) if at == t.sentence() => reported,
                _ => {
                    let reported = features::has_attribution(view.markers, &s.span);
                    attributed = Some((t.sentence(), reported));
                    reported
                }
            };
            if reported {
                Voice::Reported
            } else {
                Voice::Author
            }
        };
        let report_mentions: Vec<Mention> = mentions
            .iter()
            .map(|m| Mention {
                text: view.original.get(m.span.clone()).unwrap_or("").to_string(),
                start: m.span.start,
                end: m.span.end,
                sentence: toks.get(m.tokens.start).map_or(0, |t| t.sentence()),
                voice: voice_of(m),
            })
            .collect();
        // Units: one per sentence.
        struct Scored {
            sentence: usize,
            voice: Voice,
            probs: [f32; 3],
            input: Vec<(u32, f32)>,
            cues: Vec<features::WindowCue>,
        }
        let mut units: Vec<Scored> = Vec::new();
        let mut i = 0;
        while i < mentions.len() {
            let sentence = report_mentions[i].sentence;
            let mut j = i;
            while j < mentions.len() && report_mentions[j].sentence == sentence {
                j += 1;
            }
            let Some(s) = view.tokens.sentences.get(sentence) else {
                i = j;
                continue;
            };
            let unit = Unit {
                scope: s.tokens.clone(),
                mentions: mentions[i..j].iter().map(|m| m.tokens.clone()).collect(),
            };
            let voice = report_mentions[i..j]
                .iter()
                .map(|m| m.voice)
                .min_by_key(|v| match v {
                    Voice::Author => 0,
                    Voice::Reported => 1,
                    Voice::Quoted => 2,
                })
                .unwrap_or(Voice::Author);
            let f = features::unit_features(&self.spec, view, &unit, Some(target.id()), Some(ti));
            let input = self.model.input(view, &unit, &f.dense, Some(target.id()));
            let p = self
                .model
                .head(view.word_count < features::SHORT_TEXT, view.language)
                .probabilities(&input);
            let probs = [
                p.first().copied().unwrap_or(0.0),
                p.get(1).copied().unwrap_or(0.0),
                p.get(2).copied().unwrap_or(0.0),
            ];
            units.push(Scored {
                sentence,
                voice,
                probs,
                input,
                cues: f.cues,
            });
            i = j;
        }
        let votes: Vec<UnitVote> = units
            .iter()
            .map(|u| UnitVote {
                probabilities: u.probs,
                voice: u.voice,
            })
            .collect();
        let (label, score, confidence) = aggregate(&votes);
        let class = match label {
            StanceLabel::Favor => 0,
            StanceLabel::Against => 1,
            StanceLabel::Neutral => 2,
        };
        let total: f32 = units
            .iter()
            .map(|u| u.voice.weight())
            .sum::<f32>()
            .max(f32::EPSILON);
        let probabilities = STANCE_CLASSES
            .iter()
            .enumerate()
            .map(|(c, l)| Probability {
                label: (*l).to_string(),
                probability: units
                    .iter()
                    .map(|u| u.voice.weight() * u.probs[c])
                    .sum::<f32>()
                    / total,
            })
            .collect();
        // Evidence: the units that voted for the label, strongest first.
        let mut order: Vec<usize> = (0..units.len())
            .filter(|&u| argmax3(&units[u].probs) == class)
            .collect();
        order.sort_by(|&x, &y| {
            let wx = units[x].voice.weight() * units[x].probs[class];
            let wy = units[y].voice.weight() * units[y].probs[class];
            wy.total_cmp(&wx).then(x.cmp(&y))
        });
        order.truncate(TOP_EVIDENCE);
        let head = self
            .model
            .head(view.word_count < features::SHORT_TEXT, view.language);
        let k = head.classes.len();
        // Each feature's contribution summed over the evidence units, in order of first
        // appearance (`at`: where a feature's sum is).
        let mut contrib: Vec<(u32, f32)> = Vec::new();
        let mut at: FxHashMap<u32, usize> = FxHashMap::default();
        let evidence = order
            .iter()
            .map(|&u| {
                let unit = &units[u];
                for &(fi, v) in &unit.input {
                    let Some(row) = head.weights.get(fi as usize * k..(fi as usize + 1) * k) else {
                        continue;
                    };
                    let others = (row.iter().sum::<f32>() - row[class]) / (k - 1).max(1) as f32;
                    let c = v * (row[class] - others) * unit.voice.weight();
                    match at.entry(fi) {
                        Entry::Occupied(e) => contrib[*e.get()].1 += c,
                        Entry::Vacant(e) => {
                            e.insert(contrib.len());
                            contrib.push((fi, c));
                        }
                    }
                }
                let wanted = match label {
                    StanceLabel::Favor => Some(Polarity::Positive),
                    StanceLabel::Against => Some(Polarity::Negative),
                    StanceLabel::Neutral => None,
                };
                let mut cues: Vec<Cue> = unit
                    .cues
                    .iter()
                    .filter_map(|c| {
                        let polarity = match (c.polarity, c.negated) {
                            (Polarity::Positive, true) => Polarity::Negative,
                            (Polarity::Negative, true) => Polarity::Positive,
                            (p, _) => p,
                        };
                        if wanted != Some(polarity) {
                            return None;
                        }
                        let marker = c.marker.and_then(|i| view.markers.get(i));
                        Some(Cue {
                            text: view.original.get(c.span.clone()).unwrap_or("").to_string(),
                            start: c.span.start,
                            end: c.span.end,
                            polarity,
                            negated: c.negated,
                            category: marker.map(|m| m.category()),
                            term: marker.map(|m| m.term().to_string()),
                            aimed_at_target: marker
                                .is_some_and(|m| m.target() == Some(target.id())),
                        })
                    })
                    .collect();
                // A word that is both an evaluative word and a lexicon marker is reported once,
                // as the marker (with its category, term and aim).
                cues.sort_by_key(|c| (c.start, c.end, c.category.is_none()));
                cues.dedup_by_key(|c| (c.start, c.end));
                let span = view
                    .tokens
                    .sentences
                    .get(unit.sentence)
                    .map_or(0..0, |s| s.span.clone());
                Evidence {
                    start: span.start,
                    end: span.end,
                    voice: unit.voice,
                    label,
                    probability: unit.probs[class],
                    weight: unit.voice.weight() * unit.probs[class],
                    cues,
                }
            })
            .collect();
        contrib.retain(|&(_, c)| c > 0.0);
        let contributions = strongest(contrib)
            .into_iter()
            .map(|(i, c)| Contribution {
                feature: self.model.feature_name(i as usize),
                contribution: c,
            })
            .collect();
        Stance {
            target: target.id().to_string(),
            name: target.name().to_string(),
            label,
            score,
            confidence,
            probabilities,
            mentions: report_mentions,
            evidence,
            contributions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(p: [f32; 3], voice: Voice) -> UnitVote {
        UnitVote {
            probabilities: p,
            voice,
        }
    }

    #[test]
    fn aggregation_takes_a_side_on_clear_votes_only() {
        let against = [0.1, 0.8, 0.1];
        let neutral = [0.2, 0.2, 0.6];
        let (l, s, c) = aggregate(&[
            vote(against, Voice::Author),
            vote(against, Voice::Author),
            vote(neutral, Voice::Author),
        ]);
        assert_eq!(l, StanceLabel::Against);
        assert!(s < -0.5 && c > 0.7, "{s} {c}");
        // Neutral units do not dilute, quoted ones weigh little.
        let (l, _, _) = aggregate(&[vote(neutral, Voice::Author), vote(neutral, Voice::Author)]);
        assert_eq!(l, StanceLabel::Neutral);
        let (l, s, _) = aggregate(&[vote([0.45, 0.3, 0.25], Voice::Quoted)]);
        assert_eq!(l, StanceLabel::Neutral, "{s}");
        let (l, _, _) = aggregate(&[
            vote([0.9, 0.05, 0.05], Voice::Author),
            vote([0.05, 0.9, 0.05], Voice::Author),
        ]);
        assert_eq!(l, StanceLabel::Neutral);
    }
}
