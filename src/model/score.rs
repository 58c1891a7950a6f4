//! Scoring an analysed article with the trained classifiers: article-level heads on the whole
//! text, persuasion on each paragraph, sentence bias on each sentence. A paragraph's or
//! sentence's features are computed from the article's tokens and markers inside it, which
//! gives the same values as analysing it on its own (the way the models were trained).

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::features::{self, FeatureSpec, TokenStyles};
use crate::language::Language;
use crate::lexicon::Lexicon;
use crate::report::{
    strongest, ArticleReport, BiasedSentence, ClassScores, Contribution, Marker, ParagraphScores,
    PersuasionScores, Probability, Scores, SentenceBiasScores,
};
use crate::task::Task;
use crate::tokenize::{Sentence, Tokens};

use super::lookup::{Grams, Lookup, TableSource};
use super::{Classifier, ModelFile};

/// The models shipped with the crate: (source name, file contents).
#[cfg(not(feature = "embedded-models"))]
const EMBEDDED: &[(&str, &[u8])] = &[];
/// The models shipped with the crate: (source name, file contents). Persuasion, the largest,
/// is stored gzip-compressed.
#[cfg(feature = "embedded-models")]
const EMBEDDED: &[(&str, &[u8])] = &[
    (
        "models/persuasion.json.gz",
        include_bytes!("../../models/persuasion.json.gz"),
    ),
    (
        "models/genre.json",
        include_bytes!("../../models/genre.json"),
    ),
    (
        "models/satire.json",
        include_bytes!("../../models/satire.json"),
    ),
    (
        "models/leaning.json",
        include_bytes!("../../models/leaning.json"),
    ),
    (
        "models/sentence_bias.json",
        include_bytes!("../../models/sentence_bias.json"),
    ),
];

/// Minimum training examples in a language for a model to score articles in it.
const MIN_LANGUAGE_EXAMPLES: usize = 50;

/// The trained classifiers an analyzer scores articles with (at most one per task).
#[derive(Debug, Clone, Default)]
pub struct Models {
    classifiers: Vec<(Classifier, String)>,
    /// The n-gram tables of all of them, merged: one look-up per n-gram.
    lookup: Lookup,
}

impl Models {
    /// No models: reports carry no scores.
    pub fn none() -> Models {
        Models::default()
    }

    /// The shipped models (embedded in the binary).
    pub fn embedded() -> Result<Models> {
        // Parsed side by side: parsing is most of an analyzer's start-up.
        let files = EMBEDDED
            .par_iter()
            .map(|(name, bytes)| Ok((ModelFile::from_bytes(bytes, name)?, name.to_string())))
            .collect::<Result<Vec<_>>>()?;
        Models::from_files(files)
    }

    /// Models from files on disk.
    pub fn load(paths: &[std::path::PathBuf]) -> Result<Models> {
        let files = paths
            .par_iter()
            .map(|p| Ok((ModelFile::load(p)?, p.display().to_string())))
            .collect::<Result<Vec<_>>>()?;
        Models::from_files(files)
    }

    /// Models from parsed files, with the names used in errors. Each is checked
    /// ([`ModelFile::validate`]); two models of one task are refused.
    pub fn from_files(files: Vec<(ModelFile, String)>) -> Result<Models> {
        Models::from_shared(files.into_iter().map(|(f, s)| (Arc::new(f), s)).collect())
    }

    /// [`Models::from_files`] of files the models' look-up tables share.
    fn from_shared(files: Vec<(Arc<ModelFile>, String)>) -> Result<Models> {
        let mut classifiers: Vec<(Classifier, String)> = Vec::new();
        for (file, source) in files {
            if matches!(file.task, Task::Stance | Task::EntityStance) {
                return Err(Error::Model {
                    file: source,
                    reason: "a stance model: give it to AnalyzerBuilder::stance_model".into(),
                });
            }
            file.validate(&source)?;
            if let Some((_, other)) = classifiers.iter().find(|(c, _)| c.task() == file.task) {
                return Err(Error::Model {
                    file: source,
                    reason: format!("a second {} model (the first is {other})", file.task),
                });
            }
            classifiers.push((Classifier::shared(file), source));
        }
        let sources = classifiers
            .iter()
            .map(|(c, _)| c.shared_file() as Arc<dyn TableSource>)
            .collect();
        Ok(Models {
            classifiers,
            lookup: Lookup::new(sources),
        })
    }

    /// These models with `files` in place of those of the same tasks (a user's retrained
    /// models next to the shipped ones), each checked like [`Models::from_files`].
    pub fn replaced_by(self, files: Vec<(ModelFile, String)>) -> Result<Models> {
        let mut all: Vec<(Arc<ModelFile>, String)> = self
            .classifiers
            .into_iter()
            .filter(|(c, _)| files.iter().all(|(f, _)| f.task != c.task()))
            .map(|(c, source)| (c.shared_file(), source))
            .collect();
        all.extend(files.into_iter().map(|(f, s)| (Arc::new(f), s)));
        Models::from_shared(all)
    }

    /// Whether there are no models.
    pub fn is_empty(&self) -> bool {
        self.classifiers.is_empty()
    }

    /// The merged n-gram tables of the models.
    #[cfg(test)]
    pub(crate) fn lookup(&self) -> &Lookup {
        &self.lookup
    }

    /// The models.
    pub fn classifiers(&self) -> impl Iterator<Item = &Classifier> {
        self.classifiers.iter().map(|(c, _)| c)
    }

    /// Checks every model against an analyzer's feature spec and lexicons.
    pub(crate) fn check(&self, spec: &FeatureSpec, lexicons: &[Lexicon]) -> Result<()> {
        for (c, source) in &self.classifiers {
            c.file().check_compatible(spec, lexicons, source)?;
        }
        Ok(())
    }
}

/// What scoring needs of an analysed article.
pub(crate) struct Context<'a> {
    pub original: &'a str,
    pub normalized: &'a str,
    pub tokens: &'a Tokens,
    pub markers: &'a [Marker],
    pub styles: &'a TokenStyles,
    pub spec: &'a FeatureSpec,
    pub language: Option<Language>,
}

impl Models {
    /// Scores an analysed article.
    pub(crate) fn score(&self, ctx: &Context<'_>, report: &ArticleReport) -> Scores {
        let mut scores = Scores::default();
        let used: Vec<(usize, &Classifier)> = self
            .classifiers
            .iter()
            .enumerate()
            .filter(|(_, (c, _))| supports(c, ctx.language))
            .map(|(m, (c, _))| (m, c))
            .collect();
        if used.is_empty() {
            return scores;
        }
        // The article's dense features, shared by the article-level models.
        let dense = ctx.spec.vector(report);
        let language = ctx.language.as_ref().map_or("", Language::as_str);
        let grams = self
            .lookup
            .grams(language, ctx.normalized, &ctx.tokens.tokens);
        for (m, c) in used {
            let model = Model {
                m,
                classifier: c,
                lookup: &self.lookup,
                grams: &grams,
            };
            match c.task() {
                Task::Persuasion => scores.persuasion = Some(persuasion(&model, ctx, &dense)),
                Task::SentenceBias => scores.sentence_bias = Some(sentence_bias(&model, ctx)),
                task => {
                    let input = model.input(0..ctx.tokens.tokens.len(), &dense, language, None);
                    let s = class_scores(c, &input);
                    match task {
                        Task::Genre => scores.genre = Some(s),
                        Task::Satire => scores.satire = Some(s),
                        _ => scores.leaning = Some(s),
                    }
                }
            }
        }
        scores
    }
}

/// One model scoring an article whose n-grams were looked up.
struct Model<'a> {
    m: usize,
    classifier: &'a Classifier,
    lookup: &'a Lookup,
    grams: &'a Grams<'a>,
}

impl Model<'_> {
    /// The input vector of the tokens `range` with dense features `dense` and the raw
    /// `article` context ([`Model::article_context`]).
    fn input(
        &self,
        range: Range<usize>,
        dense: &[f32],
        language: &str,
        article: Option<&[f32]>,
    ) -> Vec<(u32, f32)> {
        let (tf_idf, evidence) = self.lookup.stretch(self.m, self.grams, range);
        let evidence = self
            .classifier
            .file()
            .evidence
            .as_ref()
            .map(|_| evidence.as_slice());
        self.classifier
            .file()
            .input(tf_idf, dense, evidence, language, article)
    }

    /// The raw article context of a paragraph-level model (the article's dense features
    /// `dense`, then its raw evidence over its `tokens` tokens); `None` for a model without
    /// one.
    fn article_context(&self, dense: &[f32], tokens: usize) -> Option<Vec<f32>> {
        self.classifier.file().raw_article_context(dense, || {
            self.lookup.evidence(self.m, self.grams, 0..tokens)
        })
    }
}

fn supports(c: &Classifier, language: Option<Language>) -> bool {
    let Some(lang) = language else {
        return false;
    };
    c.file()
        .training
        .languages
        .iter()
        .any(|(l, n)| l == lang.as_str() && *n >= MIN_LANGUAGE_EXAMPLES)
}

/// The input vector of a stretch of the article (tokens `range`, the sentences inside it,
/// the raw `article` context) and the stretch's word count.
fn stretch_input(
    model: &Model<'_>,
    ctx: &Context<'_>,
    range: Range<usize>,
    sentences: &[Sentence],
    article: Option<&[f32]>,
) -> (Vec<(u32, f32)>, usize) {
    let toks = &ctx.tokens.tokens[range.clone()];
    let (style, _, words) = features::style(
        ctx.original,
        ctx.normalized,
        toks,
        ctx.styles.of(range.clone()),
        sentences,
        range.start,
    );
    let (start, end) = match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => (a.start(), b.end()),
        _ => (0, 0),
    };
    let lo = ctx.markers.partition_point(|m| m.start() < start);
    let hi = ctx.markers.partition_point(|m| m.start() < end);
    let (categories, loaded) = features::category_figures(&ctx.markers[lo..hi], words);
    let dense = ctx.spec.vector_of(words, &categories, loaded, &style);
    let language = ctx.language.as_ref().map_or("", Language::as_str);
    (model.input(range, &dense, language, article), words)
}

/// Paragraphs of more words than this, longer than the persuasion model's training paragraphs
/// (SemEval-2023's: median 33 words, 99% under 190), such as a whole article whose line breaks
/// were lost, are scored in passages ([`passages`]).
const LONG_PARAGRAPH_WORDS: usize = 200;

/// The most words of a passage of a long paragraph, unless one sentence has more.
const PASSAGE_WORDS: usize = 60;

/// What persuasion is scored on, as (byte span in the original text, sentence indices): each
/// paragraph, but a paragraph of more than [`LONG_PARAGRAPH_WORDS`] words in passages of
/// consecutive whole sentences of at most [`PASSAGE_WORDS`] words each. A model trained on
/// paragraphs reads a paragraph ten times their usual length as heavy with techniques (on
/// French articles whose line breaks were removed, manipulative wording 0.46 → 0.83 on
/// average; in passages, 0.59).
fn passages(tokens: &Tokens) -> Vec<(Range<usize>, Range<usize>)> {
    let words = |s: &Sentence| {
        tokens.tokens[s.tokens.clone()]
            .iter()
            .filter(|t| t.is_word())
            .count()
    };
    let mut out = Vec::with_capacity(tokens.paragraphs.len());
    for p in &tokens.paragraphs {
        let sentences = &tokens.sentences[p.sentences.clone()];
        // A paragraph of no more tokens than the limit has no more words: not counted.
        let token_count = match (sentences.first(), sentences.last()) {
            (Some(a), Some(b)) => b.tokens.end - a.tokens.start,
            _ => 0,
        };
        let counts: Vec<usize> = if token_count <= LONG_PARAGRAPH_WORDS {
            Vec::new()
        } else {
            sentences.iter().map(words).collect()
        };
        if counts.iter().sum::<usize>() <= LONG_PARAGRAPH_WORDS {
            out.push((p.span.clone(), p.sentences.clone()));
            continue;
        }
        let passage = |from: usize, to: usize| {
            let sentences = p.sentences.start + from..p.sentences.start + to;
            let span = tokens.sentences[sentences.start].span.start
                ..tokens.sentences[sentences.end - 1].span.end;
            (span, sentences)
        };
        let (mut from, mut n) = (0, 0);
        for (i, c) in counts.iter().enumerate() {
            if n > 0 && n + c > PASSAGE_WORDS {
                out.push(passage(from, i));
                (from, n) = (i, 0);
            }
            n += c;
        }
        out.push(passage(from, counts.len()));
    }
    out
}

/// Persuasion scores of every paragraph, read in the light of the article (its dense features
/// `dense`), and of the article.
fn persuasion(model: &Model<'_>, ctx: &Context<'_>, dense: &[f32]) -> PersuasionScores {
    let heads = &model.classifier.file().heads;
    let article = model.article_context(dense, ctx.tokens.tokens.len());
    let n_cat = heads.len().saturating_sub(1);
    // Each head's paragraph probabilities summed with the paragraphs' words as weights.
    let mut weighted = vec![0f64; heads.len()];
    // Words of the article's paragraphs, and of those that use a technique.
    let (mut words, mut flagged) = (0usize, 0usize);
    let mut paragraphs = Vec::with_capacity(ctx.tokens.paragraphs.len());
    for (span, sentences) in passages(ctx.tokens) {
        let sentences = &ctx.tokens.sentences[sentences];
        let (Some(first), Some(last)) = (sentences.first(), sentences.last()) else {
            continue;
        };
        let range = first.tokens.start..last.tokens.end;
        let (input, n) = stretch_input(model, ctx, range, sentences, article.as_deref());
        words += n;
        let probs = model.classifier.positive_probabilities(&input);
        for (w, p) in weighted.iter_mut().zip(&probs) {
            *w += f64::from(*p) * n as f64;
        }
        let any = probs.get(n_cat).copied().unwrap_or(0.0);
        if heads.get(n_cat).is_some_and(|h| h.is_positive(any)) {
            flagged += n;
        }
        paragraphs.push(ParagraphScores {
            start: span.start,
            end: span.end,
            any,
            categories: heads[..n_cat]
                .iter()
                .zip(&probs)
                .map(|(h, &p)| Probability {
                    label: h.name.clone(),
                    probability: p,
                })
                .collect(),
        });
    }
    let per_word = |x: f64| {
        if words == 0 {
            0.0
        } else {
            (x / words as f64) as f32
        }
    };
    PersuasionScores {
        any: weighted.get(n_cat).copied().map_or(0.0, per_word),
        categories: heads[..n_cat]
            .iter()
            .zip(&weighted)
            .map(|(h, &w)| Probability {
                label: h.name.clone(),
                probability: per_word(w),
            })
            .collect(),
        share: per_word(flagged as f64),
        paragraphs,
    }
}

fn sentence_bias(model: &Model<'_>, ctx: &Context<'_>) -> SentenceBiasScores {
    let Some(head) = model.classifier.file().heads.first() else {
        return SentenceBiasScores {
            biased_share: 0.0,
            sentences: 0,
            biased: Vec::new(),
        };
    };
    let mut biased = Vec::new();
    let sentences = &ctx.tokens.sentences;
    for (i, s) in sentences.iter().enumerate() {
        let (input, _) = stretch_input(model, ctx, s.tokens.clone(), &sentences[i..=i], None);
        let p = head.positive_probability(&input);
        if head.is_positive(p) {
            biased.push(BiasedSentence {
                start: s.span.start,
                end: s.span.end,
                probability: p,
            });
        }
    }
    SentenceBiasScores {
        biased_share: if sentences.is_empty() {
            0.0
        } else {
            biased.len() as f32 / sentences.len() as f32
        },
        sentences: sentences.len(),
        biased,
    }
}

fn class_scores(c: &Classifier, input: &[(u32, f32)]) -> ClassScores {
    let Some(head) = c.file().heads.first() else {
        return ClassScores {
            label: String::new(),
            probabilities: Vec::new(),
            contributions: Vec::new(),
        };
    };
    let probs = head.probabilities(input);
    let predicted = head.decide(&probs);
    let k = head.classes.len();
    let positive: Vec<(u32, f32)> = input
        .iter()
        .filter_map(|&(i, v)| {
            let row = head.weights.get(i as usize * k..(i as usize + 1) * k)?;
            let others = (row.iter().sum::<f32>() - row[predicted]) / (k - 1).max(1) as f32;
            let contribution = v * (row[predicted] - others);
            (contribution > 0.0).then_some((i, contribution))
        })
        .collect();
    // Only the features reported are named.
    let contributions = strongest(positive)
        .into_iter()
        .map(|(i, contribution)| Contribution {
            feature: c.feature_name(i as usize),
            contribution,
        })
        .collect();
    ClassScores {
        label: head.classes[predicted].clone(),
        probabilities: head
            .classes
            .iter()
            .zip(&probs)
            .map(|(l, &p)| Probability {
                label: l.clone(),
                probability: p,
            })
            .collect(),
        contributions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use crate::tokenize::tokenize;

    /// A sentence of `n` words.
    fn sentence(n: usize) -> String {
        let mut s = vec!["mot"; n].join(" ");
        s.replace_range(..1, "M");
        s + "."
    }

    /// A paragraph is scored whole up to [`LONG_PARAGRAPH_WORDS`] words; a longer one in
    /// passages of whole sentences of at most [`PASSAGE_WORDS`] words (a longer sentence
    /// alone), which together cover it.
    #[test]
    fn a_paragraph_longer_than_the_training_paragraphs_is_scored_in_passages() {
        let paragraph = |sizes: &[usize]| {
            sizes
                .iter()
                .map(|&n| sentence(n))
                .collect::<Vec<_>>()
                .join(" ")
        };
        // (sentence sizes of each paragraph, words of each passage)
        let table: &[(&[&[usize]], &[usize])] = &[
            (&[&[100, 100]], &[200]),
            (&[&[100, 100], &[5]], &[200, 5]),
            (&[&[100, 101]], &[100, 101]),
            (&[&[30, 30, 30, 30, 30, 30, 30]], &[60, 60, 60, 30]),
            (&[&[50, 20, 5, 130, 10]], &[50, 25, 130, 10]),
            (&[&[3], &[201]], &[3, 201]),
        ];
        for (paragraphs, expected) in table {
            let text = paragraphs
                .iter()
                .map(|p| paragraph(p))
                .collect::<Vec<_>>()
                .join("\n");
            let n = normalize(&text);
            let tokens = tokenize(&text, &n);
            let got = passages(&tokens);
            let words: Vec<usize> = got
                .iter()
                .map(|(_, s)| {
                    tokens.sentences[s.clone()]
                        .iter()
                        .map(|s| {
                            tokens.tokens[s.tokens.clone()]
                                .iter()
                                .filter(|t| t.is_word())
                                .count()
                        })
                        .sum()
                })
                .collect();
            assert_eq!(&words, expected, "{paragraphs:?}");
            // Each passage's span runs from its first sentence's start to its last one's end,
            // and the passages of a paragraph follow one another.
            for (span, s) in &got {
                let (first, last) = (&tokens.sentences[s.start], &tokens.sentences[s.end - 1]);
                assert_eq!(
                    span.clone(),
                    first.span.start..last.span.end,
                    "{paragraphs:?}"
                );
            }
            assert!(
                got.windows(2).all(|w| w[0].1.end == w[1].1.start),
                "{paragraphs:?}"
            );
        }
    }
}
