//! Training and evaluating the stance model on the shared corpora.
//!
//! # Data and label mapping
//!
//! - `semeval2016_stance` (tweets with a `target` and `label` favor / against / none): one
//!   example per tweet, the whole tweet as the unit, the target from
//!   `models/stance/semeval2016-targets.toml` (matched by name). Labels as they are (none =
//!   none).
//! - `semeval2025_narratives` `entities[]`: one example per annotated entity span, the unit
//!   being the span's sentence: Protagonist and Innocent → favor (the article casts the entity
//!   as a hero or a victim), Antagonist → against. The entity's target, for the markers aimed
//!   at it and the per-target n-grams, is the default target whose alias the span holds, if any.
//! - `semeval2025_narratives`, neutral mentions: in articles without any narrative of the
//!   taxonomy (`narratives` = `["Other"]`) or of the climate domain, sentences that mention a
//!   default target which no annotated entity of the article names → none (at most three per
//!   target and article). Annotators marked the entities the article takes a side on; a target
//!   an article without a narrative leaves unmarked is taken as neutral.
//! - `fignews_bias` (posts with a majority vote on bias; the English text or its English
//!   translation `english_mt`): "Biased against Israel" → against `israel`, "Biased against
//!   Palestine" → against `palestine`, "Biased against both…" → against both, "Unbiased" → none
//!   for each of the two the post mentions; other votes are left out. The whole post is the unit.
//!
//! Folds: a record is held out for validation when FNV-1a 64 of its id is 0 modulo 5 (the
//! rule of [`crate::task`] and `scripts/baselines.py`); the L2 strength is chosen on an inner
//! fold of the training records (the mean of each corpus's headline figure), and with it an
//! offset on the score of "none".
//!
//! Evidence (see [`crate::StanceModel`]): naive-Bayes tables per language group and per
//! target group, training examples getting theirs out of fold. A third head, `dense`, is the
//! news head fitted without evidence: it scores the long texts of languages without tables
//! (French).

use std::ops::Range;
use std::sync::Arc;

use ndarray::Array2;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::features::{
    language_group, target_group, unit_features, unit_gram_counts, unit_ngrams, StanceSpec,
    TextView, Unit, STANCE_SPEC_VERSION,
};
use super::matching::StanceMatcher;
use super::model::{
    evidence_outputs, heads_of, lexicon_refs, unit_evidence, vocabulary_refs, StanceModel, HEADS,
    STANCE_CLASSES,
};
use super::targets::Targets;
use super::vocabulary::Vocabulary;
use crate::analyzer::{Analyzer, Article};
use crate::corpus::Record;
use crate::error::{Error, Result};
use crate::eval::{self, Bootstrap, Estimate, SingleLabelReport};
use crate::language::Language;
use crate::model::evidence::{self, FitDoc};
use crate::model::lookup::Lookup;
use crate::model::train::{evidence_fold, out_of_fold_evidence, standardize};
use crate::model::{
    linear, ngrams, Evidence, ModelFile, Scaler, TrainingSummary, ValidationSummary,
    MODEL_FORMAT_VERSION,
};
use crate::task::{fnv1a, fold_of, Partition, Task};

const SEMEVAL2016_TARGETS: (&str, &str) = (
    "models/stance/semeval2016-targets.toml",
    include_str!("../../models/stance/semeval2016-targets.toml"),
);

/// The SemEval-2016 targets (for training and evaluation).
pub fn semeval2016_targets() -> Result<Targets> {
    Targets::from_toml_str(SEMEVAL2016_TARGETS.1, SEMEVAL2016_TARGETS.0)
}

/// Where an example comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// SemEval-2016 Task 6 tweets.
    Semeval2016,
    /// SemEval-2025 Task 10 entity spans.
    Semeval2025Entity,
    /// SemEval-2025 Task 10 neutral mentions (see the module documentation).
    Semeval2025Neutral,
    /// FIGNEWS 2024 posts.
    Fignews,
}

/// One analysed stance example.
#[derive(Debug, Clone)]
pub struct Example {
    /// Example id.
    pub id: String,
    /// Record id (folds).
    pub record_id: String,
    /// The index of its record in the records given to [`prepare`] (ids need not be unique).
    pub record: usize,
    /// Where it comes from.
    pub source: Source,
    /// Language of the text analysed.
    pub lang: String,
    /// The target id, when known.
    pub target: Option<String>,
    /// Gold class index into [`STANCE_CLASSES`].
    pub gold: usize,
    /// Partition.
    pub partition: Partition,
    dense: Vec<f32>,
    /// (group 0 = language, 1 = target; hash; count)
    grams: Vec<(u8, u64, u32)>,
    /// Word n-gram counts of the unit by hash (evidence).
    words: Vec<(u64, u32)>,
    /// Character n-gram counts of the unit by hash (evidence).
    chars: Vec<(u64, u32)>,
}

impl Example {
    /// The example's language as evaluation reports group it: a language that could not be
    /// identified (`xx` to the model) is [`crate::eval::UNKNOWN_GROUP`], as in the other tasks'
    /// reports.
    pub fn language_group(&self) -> &str {
        if self.lang == "xx" {
            crate::eval::UNKNOWN_GROUP
        } else {
            &self.lang
        }
    }
}

/// Analysed examples, ready for training or evaluation.
#[derive(Debug)]
pub struct Prepared {
    /// The examples.
    pub examples: Vec<Example>,
    texts: FxHashMap<u64, String>,
}

/// Options of [`prepare`].
#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    /// Languages to leave out (carry-over experiments).
    pub exclude_languages: Vec<String>,
    /// Keep only this partition.
    pub only: Option<Partition>,
    /// Build n-gram names (training).
    pub with_names: bool,
}

struct Context<'a> {
    analyzer: &'a Analyzer,
    targets: Targets,
    matcher: StanceMatcher,
    spec: StanceSpec,
    default_count: usize,
}

/// Which datasets a record belongs to.
fn source_of(r: &Record) -> Option<Source> {
    if r.target.is_some() && r.label.is_some() {
        Some(Source::Semeval2016)
    } else if !r.entities.is_empty() || r.domain.is_some() {
        Some(Source::Semeval2025Entity)
    } else if r.bias_majority.is_some() {
        Some(Source::Fignews)
    } else {
        None
    }
}

/// Analyses the stance examples of records (in parallel; results in input order).
pub fn prepare(
    records: &[Record],
    analyzer: &Analyzer,
    options: &PrepareOptions,
) -> Result<Prepared> {
    let defaults = Targets::try_default()?;
    let default_count = defaults.len();
    let targets = defaults.extend(semeval2016_targets()?);
    let vocabularies = Vocabulary::embedded()?;
    let matcher = StanceMatcher::new(&targets, &vocabularies, true)?;
    let ctx = Context {
        analyzer,
        targets,
        matcher,
        spec: StanceSpec::default(),
        default_count,
    };
    let results: Vec<Result<Analysed>> = records
        .par_iter()
        .enumerate()
        .filter(|(_, r)| {
            let p = if fold_of(&r.id) == 0 {
                Partition::Validation
            } else {
                Partition::Train
            };
            options.only.is_none_or(|o| o == p)
        })
        .map(|(i, r)| examples_of(&ctx, (i, r), options))
        .collect();
    let mut examples = Vec::new();
    let mut texts = FxHashMap::default();
    for r in results {
        let (e, t) = r?;
        examples.extend(e);
        for (h, s) in t {
            texts.entry(h).or_insert(s);
        }
    }
    Ok(Prepared { examples, texts })
}

/// A record's examples and the names of their n-grams (by hash).
type Analysed = (Vec<Example>, Vec<(u64, String)>);

/// The examples of record `r`, the `index`-th of the records prepared.
fn examples_of(
    ctx: &Context<'_>,
    (index, r): (usize, &Record),
    options: &PrepareOptions,
) -> Result<Analysed> {
    let Some(source) = source_of(r) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let partition = if fold_of(&r.id) == 0 {
        Partition::Validation
    } else {
        Partition::Train
    };
    let (text, given) = match source {
        Source::Fignews => match (r.lang.as_deref(), &r.english_mt) {
            (Some("en"), _) | (_, None) => (r.text.as_str(), Some("en".to_string())),
            (_, Some(mt)) => (mt.as_str(), Some("en".to_string())),
        },
        _ => (r.text.as_str(), r.lang.clone()),
    };
    if text.trim().is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut article = Article::new(r.id.as_str(), text);
    if let Some(l) = given.as_deref().and_then(|l| Language::new(l).ok()) {
        article = article.with_language(l);
    }
    let parts = ctx.analyzer.analyze_parts(&article)?;
    // A record without a language is read in the identified one, as scoring reads it.
    let (language, lang) = match given {
        Some(lang) => (Language::new(&lang).ok(), lang),
        None => {
            let code = parts.report.language().code;
            (
                code,
                code.as_ref().map_or("xx", Language::as_str).to_string(),
            )
        }
    };
    if options.exclude_languages.contains(&lang) {
        return Ok((Vec::new(), Vec::new()));
    }
    let found = ctx
        .matcher
        .find(language, text, &parts.normalized, &parts.tokens.tokens, &[]);
    let view = TextView {
        original: text,
        normalized: parts.normalized.as_str(),
        tokens: &parts.tokens,
        markers: &parts.report.markers,
        found: &found,
        language: &lang,
        word_count: parts.report.word_count,
        figures: Default::default(),
    };
    let toks = &parts.tokens.tokens;
    let whole = 0..toks.len();
    let target_index = |id: &str| ctx.targets.targets().iter().position(|t| t.id() == id);
    let mentions_of = |ti: usize| -> Vec<Range<usize>> {
        found
            .mentions
            .iter()
            .filter(|m| m.target == ti)
            .map(|m| m.tokens.clone())
            .collect()
    };
    // (id suffix, target id, unit, gold)
    let mut specs: Vec<(String, Option<String>, Unit, usize)> = Vec::new();
    let mut source_of_spec: Vec<Source> = Vec::new();
    match source {
        Source::Semeval2016 => {
            let name = r.target.as_deref().unwrap_or("");
            let label = r.label.as_deref().unwrap_or("");
            let target = ctx.targets.targets()[ctx.default_count..]
                .iter()
                .find(|t| t.name().eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    r.error(
                        Some("target"),
                        format!("unknown SemEval-2016 target {name:?}"),
                    )
                })?;
            let gold = Task::Stance.class_of(label).ok_or_else(|| {
                r.error(
                    Some("label"),
                    format!("label {label:?} is not one of {STANCE_CLASSES:?}"),
                )
            })?;
            let ti = target_index(target.id());
            let mentions = ti.map(mentions_of).unwrap_or_default();
            specs.push((
                String::new(),
                Some(target.id().to_string()),
                Unit {
                    scope: whole.clone(),
                    mentions,
                },
                gold,
            ));
            source_of_spec.push(source);
        }
        Source::Fignews => {
            let majority = r.bias_majority.as_deref().unwrap_or("");
            let labels: Vec<(&str, usize)> = match majority {
                "Biased against Israel" => vec![("israel", 1)],
                "Biased against Palestine" => vec![("palestine", 1)],
                "Biased against both Palestine and Israel" => vec![("israel", 1), ("palestine", 1)],
                "Unbiased" => ["israel", "palestine"]
                    .iter()
                    .filter(|id| target_index(id).is_some_and(|ti| !mentions_of(ti).is_empty()))
                    .map(|id| (*id, 2))
                    .collect(),
                _ => Vec::new(),
            };
            for (id, gold) in labels {
                let mentions = target_index(id).map(mentions_of).unwrap_or_default();
                specs.push((
                    format!("#{id}"),
                    Some(id.to_string()),
                    Unit {
                        scope: whole.clone(),
                        mentions,
                    },
                    gold,
                ));
                source_of_spec.push(source);
            }
        }
        _ => {
            let token_at = |byte: usize| toks.partition_point(|t| t.end() <= byte);
            let mut annotated_targets: Vec<usize> = Vec::new();
            let mut spans: Vec<Range<usize>> = Vec::new();
            for e in &r.entities {
                r.slice(e.start, e.end)?;
                let gold = match e.role.as_str() {
                    "Protagonist" | "Innocent" => 0,
                    "Antagonist" => 1,
                    other => {
                        return Err(r.error(
                            Some("entities"),
                            format!(
                                "entity role {other:?} is not Protagonist, Antagonist or Innocent"
                            ),
                        ))
                    }
                };
                let first = token_at(e.start);
                let Some(t) = toks.get(first) else { continue };
                let last = toks.partition_point(|t| t.start() < e.end).max(first + 1);
                let Some(sentence) = parts.tokens.sentences.get(t.sentence()) else {
                    continue;
                };
                let ti = found
                    .mentions
                    .iter()
                    .find(|m| {
                        m.target < ctx.default_count && m.span.start < e.end && e.start < m.span.end
                    })
                    .map(|m| m.target);
                if let Some(ti) = ti {
                    annotated_targets.push(ti);
                }
                spans.push(e.start..e.end);
                specs.push((
                    format!("@{}", e.start),
                    ti.map(|ti| ctx.targets.targets()[ti].id().to_string()),
                    Unit {
                        scope: sentence.tokens.clone(),
                        mentions: std::iter::once(first..last).collect(),
                    },
                    gold,
                ));
                source_of_spec.push(Source::Semeval2025Entity);
            }
            let no_narrative =
                r.narratives.iter().all(|n| n == "Other") || r.domain.as_deref() == Some("climate");
            if no_narrative {
                let mut per_target: FxHashMap<usize, usize> = FxHashMap::default();
                let mut seen: Vec<(usize, usize)> = Vec::new();
                for m in &found.mentions {
                    if m.target >= ctx.default_count
                        || annotated_targets.contains(&m.target)
                        || spans
                            .iter()
                            .any(|s| s.start < m.span.end && m.span.start < s.end)
                    {
                        continue;
                    }
                    let Some(t) = toks.get(m.tokens.start) else {
                        continue;
                    };
                    let key = (m.target, t.sentence());
                    if seen.contains(&key) {
                        continue;
                    }
                    let n = per_target.entry(m.target).or_insert(0);
                    if *n >= 3 {
                        continue;
                    }
                    *n += 1;
                    seen.push(key);
                    let Some(sentence) = parts.tokens.sentences.get(t.sentence()) else {
                        continue;
                    };
                    let mentions: Vec<Range<usize>> = found
                        .mentions
                        .iter()
                        .filter(|o| {
                            o.target == m.target && sentence.tokens.contains(&o.tokens.start)
                        })
                        .map(|o| o.tokens.clone())
                        .collect();
                    specs.push((
                        format!("~{}:{}", ctx.targets.targets()[m.target].id(), t.sentence()),
                        Some(ctx.targets.targets()[m.target].id().to_string()),
                        Unit {
                            scope: sentence.tokens.clone(),
                            mentions,
                        },
                        2,
                    ));
                    source_of_spec.push(Source::Semeval2025Neutral);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(specs.len());
    let mut texts = Vec::new();
    let lgroup = language_group(&lang);
    for ((suffix, target, unit, gold), source) in specs.into_iter().zip(source_of_spec) {
        let ti = target.as_deref().and_then(target_index);
        let f = unit_features(&ctx.spec, &view, &unit, target.as_deref(), ti);
        let tgroup = target.as_deref().map(target_group);
        let mut groups: Vec<&str> = vec![lgroup.as_str()];
        if let Some(t) = &tgroup {
            groups.push(t.as_str());
        }
        let mut counts: FxHashMap<(u8, u64), u32> = FxHashMap::default();
        unit_ngrams(&view, &unit, &groups, options.with_names, |g, h, name| {
            let c = counts.entry((g as u8, h)).or_insert(0);
            if *c == 0 {
                if let Some(n) = name {
                    texts.push((h, n));
                }
            }
            *c += 1;
        });
        let mut grams: Vec<(u8, u64, u32)> =
            counts.into_iter().map(|((g, h), c)| (g, h, c)).collect();
        grams.sort_unstable();
        let (words, chars, names) = unit_gram_counts(&view, &unit, options.with_names);
        texts.extend(names);
        out.push(Example {
            id: format!("{}{suffix}", r.id),
            record_id: r.id.clone(),
            record: index,
            source,
            lang: lang.clone(),
            target,
            gold,
            partition,
            dense: f.dense,
            grams,
            words,
            chars,
        });
    }
    Ok((out, texts))
}

/// Training parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    /// Seed (recorded; the procedure has no other randomness).
    pub seed: u64,
    /// N-grams kept per language group (at most one per training example of the language).
    pub ngrams_per_language: usize,
    /// N-grams kept per target group.
    pub ngrams_per_target: usize,
    /// Minimum training examples of a target for it to get n-grams of its own.
    pub min_target_examples: usize,
    /// Minimum document frequency of an n-gram within its group.
    pub min_df: u32,
    /// N-grams of each kind (word, character) kept per group in the evidence tables (0: no
    /// evidence features).
    pub evidence_per_group: usize,
    /// L2 strengths tried.
    pub alphas: Vec<f32>,
    /// L-BFGS iterations.
    pub max_iterations: u64,
    /// Data files (recorded).
    pub data: Vec<String>,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            seed: 42,
            ngrams_per_language: 600,
            ngrams_per_target: 500,
            min_target_examples: 150,
            min_df: 2,
            evidence_per_group: 5000,
            alphas: vec![0.3, 1.0, 3.0],
            max_iterations: 100,
            data: Vec::new(),
        }
    }
}

/// The model selection score on held-out rows: the mean, over the corpora present, of their
/// headline figure (SemEval-2016: `f_avg`; entity spans: macro-F1 of favor and against; the
/// neutral mentions and FIGNEWS pooled: macro-F1), so that no corpus outweighs the others by its
/// size; a corpus whose held-out gold holds one class only is left out.
fn selection_score(rows: &[usize], ex: &[Example], gold: &[usize], pred: &[usize]) -> f64 {
    let mut scores = Vec::new();
    for group in [
        &[Source::Semeval2016][..],
        &[Source::Semeval2025Entity],
        &[Source::Fignews, Source::Semeval2025Neutral],
    ] {
        let idx: Vec<usize> = (0..rows.len())
            .filter(|&j| group.contains(&ex[rows[j]].source))
            .collect();
        if idx.is_empty() {
            continue;
        }
        let g: Vec<usize> = idx.iter().map(|&j| gold[j]).collect();
        if g.iter().all(|&c| c == g[0]) {
            continue; // one gold class (the neutral mentions alone): no F1 to average
        }
        let p: Vec<usize> = idx.iter().map(|&j| pred[j]).collect();
        scores.push(if group[0] == Source::Fignews {
            macro_f1(&g, &p)
        } else {
            f_avg(&g, &p)
        });
    }
    scores.iter().sum::<f64>() / scores.len().max(1) as f64
}

/// Offsets tried on the score of "none" (see [`train`]).
/// Zero first: on ties the score of "none" is left as fitted.
const NONE_OFFSETS: [f32; 7] = [0.0, -0.5, 0.5, -1.0, 1.0, -1.5, 1.5];

fn inner_validation(record_id: &str) -> bool {
    (fnv1a(record_id) / 5).is_multiple_of(5)
}

/// Trains the stance model on the training partition of prepared examples.
pub fn train(prepared: &Prepared, analyzer: &Analyzer, params: &TrainParams) -> Result<ModelFile> {
    if params.alphas.is_empty() || params.alphas.iter().any(|a| !(*a > 0.0 && a.is_finite())) {
        return Err(Error::Config(format!(
            "alphas must be positive and finite, got {:?}",
            params.alphas
        )));
    }
    let ex = &prepared.examples;
    let train_idx: Vec<usize> = (0..ex.len())
        .filter(|&i| ex[i].partition == Partition::Train)
        .collect();
    if train_idx.is_empty() {
        return Err(Error::Config(
            "the data holds no stance training examples".into(),
        ));
    }
    // Targets with enough training examples get n-grams of their own.
    let mut per_target: FxHashMap<&str, usize> = FxHashMap::default();
    for &i in &train_idx {
        if let Some(t) = &ex[i].target {
            *per_target.entry(t.as_str()).or_insert(0) += 1;
        }
    }
    let keep_target = |t: &Option<String>| {
        t.as_deref()
            .is_some_and(|t| per_target.get(t).copied().unwrap_or(0) >= params.min_target_examples)
    };
    let doc = |i: usize, group: u8| -> Option<ngrams::SelectionDoc> {
        let e = &ex[i];
        let name = if group == 0 {
            language_group(&e.lang)
        } else if keep_target(&e.target) {
            target_group(e.target.as_deref().unwrap_or(""))
        } else {
            return None;
        };
        Some(ngrams::SelectionDoc {
            lang: name,
            classes: vec![e.gold],
            grams: e
                .grams
                .iter()
                .filter(|(g, _, _)| *g == group)
                .map(|(_, h, _)| *h)
                .collect(),
        })
    };
    let lang_docs: Vec<ngrams::SelectionDoc> =
        train_idx.iter().filter_map(|&i| doc(i, 0)).collect();
    let target_docs: Vec<ngrams::SelectionDoc> =
        train_idx.iter().filter_map(|&i| doc(i, 1)).collect();
    let k = STANCE_CLASSES.len();
    // Per language, at most one n-gram per training example (the non-English corpora are small).
    let mut chosen = Vec::new();
    let mut groups: Vec<String> = lang_docs.iter().map(|d| d.lang.clone()).collect();
    groups.sort_unstable();
    groups.dedup();
    for g in groups {
        let docs: Vec<ngrams::SelectionDoc> = lang_docs
            .iter()
            .filter(|d| d.lang == g)
            .map(|d| ngrams::SelectionDoc {
                lang: d.lang.clone(),
                classes: d.classes.clone(),
                grams: d.grams.clone(),
            })
            .collect();
        let budget = params.ngrams_per_language.min(docs.len());
        chosen.extend(ngrams::select(
            &docs,
            &prepared.texts,
            k,
            budget,
            params.min_df,
        ));
    }
    chosen.extend(ngrams::select(
        &target_docs,
        &prepared.texts,
        k,
        params.ngrams_per_target,
        params.min_df,
    ));
    chosen.sort_by(|a, b| a.text.cmp(&b.text));
    chosen.dedup_by(|a, b| a.text == b.text);

    let spec = StanceSpec::default();
    let d = spec.len();
    let scaler = standardize(train_idx.iter().map(|&i| ex[i].dense.as_slice()), d);
    let (evidence, evidence_values) = if params.evidence_per_group > 0 {
        let kept: Vec<bool> = ex.iter().map(|e| keep_target(&e.target)).collect();
        let (e, values) = fit_evidence(prepared, &train_idx, &kept, params);
        (Some(e), Some(values))
    } else {
        (None, None)
    };
    let vocabularies = Vocabulary::embedded()?;
    let mut lexicons = lexicon_refs(analyzer.lexicons());
    lexicons.extend(vocabulary_refs(&vocabularies));
    let mut class_counts = vec![0usize; k];
    for &i in &train_idx {
        class_counts[ex[i].gold] += 1;
    }
    let languages =
        TrainingSummary::count_languages(train_idx.iter().map(|&i| ex[i].lang.as_str()));
    let mut file = ModelFile {
        format_version: MODEL_FORMAT_VERSION,
        task: Task::Stance,
        trained_by: format!("partipris {}", env!("CARGO_PKG_VERSION")),
        feature_spec_version: STANCE_SPEC_VERSION,
        feature_spec_fingerprint: spec.fingerprint(),
        lexicons,
        dense_features: spec.names().to_vec(),
        ngrams: chosen,
        evidence,
        article_context: None,
        scaler,
        heads: Vec::new(),
        training: TrainingSummary {
            data: params.data.clone(),
            n_train: train_idx.len(),
            n_validation: ex.len() - train_idx.len(),
            class_counts,
            languages,
            seed: params.seed,
            dropped_features: Vec::new(),
        },
        validation: Vec::new(),
        checksum: String::new(),
    };
    let n_features = file.ngrams.len() + d + file.evidence.as_ref().map_or(0, Evidence::n_features);
    file.heads = heads_of(&file)
        .iter()
        .map(|name| linear::Head {
            name: (*name).to_string(),
            classes: STANCE_CLASSES.iter().map(|s| s.to_string()).collect(),
            weights: vec![0.0; n_features * k],
            intercept: vec![0.0; k],
            platt: None,
            threshold: None,
            offsets: None,
            alpha: 1.0,
        })
        .collect();
    let model = StanceModel::unvalidated(file.clone(), "training")?;
    // The inputs without evidence too (the `dense` head).
    let without = ModelFile {
        evidence: None,
        heads: file.heads[..2].to_vec(),
        ..file.clone()
    };
    let dense_inputs = match evidence_values {
        Some(_) => inputs(
            prepared,
            &StanceModel::unvalidated(without, "training")?,
            None,
        ),
        None => Vec::new(),
    };
    let inputs = inputs(prepared, &model, evidence_values.as_deref());

    // One head per genre, each with its own model selection: short target-centric posts
    // (SemEval-2016, FIGNEWS) and sentences of news articles (SemEval-2025), the latter also
    // without evidence.
    let fitted: Vec<Result<(linear::Head, f32, f32)>> = (0..file.heads.len())
        .into_par_iter()
        .map(|h| {
            let rows: Vec<usize> = train_idx
                .iter()
                .copied()
                .filter(|&i| head_of(ex[i].source) == h.min(1))
                .collect();
            let x = if h == 2 { &dense_inputs } else { &inputs };
            fit_head(HEADS[h], &rows, ex, x, n_features, params)
        })
        .collect();
    let mut heads = Vec::new();
    for (h, f) in fitted.into_iter().enumerate() {
        let (head, alpha, offset) = f?;
        eprintln!(
            "partipris: stance/{}: alpha {alpha}, none offset {offset:+}",
            HEADS[h]
        );
        heads.push(head);
    }
    for source in [
        Source::Semeval2016,
        Source::Semeval2025Entity,
        Source::Fignews,
        Source::Semeval2025Neutral,
    ] {
        let idx: Vec<usize> = (0..ex.len())
            .filter(|&i| ex[i].partition == Partition::Validation && ex[i].source == source)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let head = &heads[head_of(source)];
        let gold: Vec<usize> = idx.iter().map(|&i| ex[i].gold).collect();
        let pred: Vec<usize> = idx
            .iter()
            .map(|&i| decide(source, &head.probabilities(&inputs[i])))
            .collect();
        let ok = gold.iter().zip(&pred).filter(|(g, p)| g == p).count();
        file.validation.push(ValidationSummary {
            head: format!(
                "{}/{}",
                HEADS[head_of(source)],
                format!("{source:?}").to_lowercase()
            ),
            n: idx.len(),
            macro_f1: macro_f1(&gold, &pred),
            accuracy: ok as f64 / idx.len() as f64,
            f1: Some(f_avg(&gold, &pred)),
        });
    }
    file.heads = heads;
    file.seal()?;
    Ok(file)
}

/// The head that scores a corpus's examples (an index into [`HEADS`]).
fn head_of(source: Source) -> usize {
    match source {
        Source::Semeval2016 | Source::Fignews => 0,
        Source::Semeval2025Entity | Source::Semeval2025Neutral => 1,
    }
}

/// Fits one head on training rows: the L2 strength, then an offset added to the score of
/// "none" (a prior correction), chosen on the inner fold; then a refit on all the rows.
fn fit_head(
    name: &str,
    rows: &[usize],
    ex: &[Example],
    inputs: &[Vec<(u32, f32)>],
    n_features: usize,
    params: &TrainParams,
) -> Result<(linear::Head, f32, f32)> {
    let classes: Vec<String> = STANCE_CLASSES.iter().map(|s| s.to_string()).collect();
    if rows.is_empty() {
        return Err(Error::Config(format!(
            "stance head {name}: no training examples"
        )));
    }
    // One class, or one input for every row, could only give a constant head.
    crate::model::train::two_classes(
        &format!("task stance, head {name}"),
        rows.iter().map(|&i| ex[i].gold),
        &STANCE_CLASSES,
    )?;
    if crate::model::train::all_the_same(inputs, rows) {
        return Err(Error::Config(format!(
            "task stance, head {name}: no feature is left to train on: every training example \
             has the same input ({n_features} features)"
        )));
    }
    let (inner_train, inner_valid): (Vec<usize>, Vec<usize>) = rows
        .iter()
        .partition(|&&i| !inner_validation(&ex[i].record_id));
    let gold_inner: Vec<usize> = inner_valid.iter().map(|&i| ex[i].gold).collect();
    let candidates: Vec<Result<(f64, f32, f32)>> = params
        .alphas
        .par_iter()
        .map(|&alpha| {
            let (x, y) = matrix(inputs, &inner_train, ex, n_features);
            let mut head = linear::fit(name, &classes, &x, &y, alpha, params.max_iterations)?;
            let base = head.intercept[2];
            let mut best = (f64::NEG_INFINITY, 0f32);
            // The offset is tuned only where the held-out gold holds all three classes.
            let tuned = (0..STANCE_CLASSES.len()).all(|c| gold_inner.contains(&c));
            let offsets: &[f32] = if tuned { &NONE_OFFSETS } else { &[0.0] };
            for &offset in offsets {
                head.intercept[2] = base + offset;
                let pred: Vec<usize> = inner_valid
                    .iter()
                    .map(|&i| decide(ex[i].source, &head.probabilities(&inputs[i])))
                    .collect();
                let score = selection_score(&inner_valid, ex, &gold_inner, &pred);
                if score > best.0 {
                    best = (score, offset);
                }
            }
            Ok((best.0, alpha, best.1))
        })
        .collect();
    let mut best: Option<(f64, f32, f32)> = None;
    let mut last_error = None;
    for c in candidates {
        match c {
            Ok((score, alpha, offset)) => {
                eprintln!(
                    "partipris: stance/{name}: alpha {alpha}: inner selection score {score:.3} \
                     (none offset {offset:+})"
                );
                if best.is_none_or(|(s, _, _)| score > s) {
                    best = Some((score, alpha, offset));
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    let Some((_, alpha, offset)) = best else {
        return Err(last_error.unwrap_or_else(|| Error::Config("no candidate head".into())));
    };
    let (x, y) = matrix(inputs, rows, ex, n_features);
    let mut head = linear::fit(name, &classes, &x, &y, alpha, params.max_iterations)?;
    head.intercept[2] += offset;
    Ok((head, alpha, offset))
}

/// The input vectors of every example, with its raw evidence `values` when given (out of
/// fold, training), else from the model's tables.
fn inputs(
    prepared: &Prepared,
    model: &StanceModel,
    values: Option<&[Vec<f32>]>,
) -> Vec<Vec<(u32, f32)>> {
    prepared
        .examples
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            let counts: Vec<(u32, u32)> = e
                .grams
                .iter()
                .filter_map(|(_, h, c)| model.ngram_index(*h).map(|i| (i, *c)))
                .collect();
            let evidence = match values {
                _ if !model.has_evidence(&e.lang) => None,
                Some(v) => v.get(i).cloned(),
                None => Some(example_evidence(model.lookup(), e)),
            };
            model.input_from_counts(&counts, &e.dense, evidence.as_deref(), &e.lang)
        })
        .collect()
}

/// An example's raw evidence from look-up tables.
fn example_evidence(lookup: &Lookup, e: &Example) -> Vec<f32> {
    unit_evidence(lookup, &e.lang, e.target.as_deref(), &e.words, &e.chars)
}

/// Fits the evidence tables on the training rows (each example a document of its language group
/// and, when `kept[i]`, of its target group; see [`super::model`]); returns them, standardized
/// on the training rows, and the raw evidence of every example, out of fold for the training
/// rows.
fn fit_evidence(
    prepared: &Prepared,
    train_idx: &[usize],
    kept: &[bool],
    params: &TrainParams,
) -> (Evidence, Vec<Vec<f32>>) {
    let ex = &prepared.examples;
    let k = STANCE_CLASSES.len();
    let outputs = evidence_outputs();
    let groups: Vec<(String, Option<String>)> = ex
        .iter()
        .zip(kept)
        .map(|(e, &kept)| {
            let target = e.target.as_deref().filter(|_| kept).map(target_group);
            (language_group(&e.lang), target)
        })
        .collect();
    let fit = |rows: &[usize]| {
        let mut docs: Vec<FitDoc<'_>> = Vec::new();
        for &i in rows {
            let positive: Vec<bool> = (0..k).map(|c| ex[i].gold == c).collect();
            let (lang, target) = &groups[i];
            for group in std::iter::once(lang).chain(target) {
                docs.push(FitDoc {
                    language: group,
                    words: &ex[i].words,
                    chars: &ex[i].chars,
                    positive: positive.clone(),
                });
            }
        }
        let mut tables = evidence::fit_tables(
            &docs,
            &prepared.texts,
            k,
            params.min_df,
            params.evidence_per_group,
        );
        // A group's ratios go to its own outputs, zeros to the other group's.
        for t in &mut tables {
            let at = if t.language.starts_with("target:") {
                k
            } else {
                0
            };
            t.ratios = t
                .ratios
                .chunks_exact(k)
                .flat_map(|r| {
                    let mut row = vec![0; 2 * k];
                    row[at..at + k].copy_from_slice(r);
                    row
                })
                .collect();
        }
        tables
    };
    let n = 2 * outputs.len();
    // No language indicator: a unit in a language without training data (French) would look
    // like no training unit.
    let evidence = Arc::new(Evidence {
        outputs,
        tables: fit(train_idx),
        scaler: Scaler {
            mean: vec![0.0; n],
            scale: vec![1.0; n],
        },
        languages: Vec::new(),
    });
    let values = out_of_fold_evidence(
        &evidence,
        ex.len(),
        (train_idx, train_idx),
        |i| evidence_fold(&ex[i].record_id),
        fit,
        |lookup, i| example_evidence(lookup, &ex[i]),
    );
    // The look-ups that shared it are gone: no copy.
    let mut evidence = Arc::unwrap_or_clone(evidence);
    evidence.scaler = standardize(train_idx.iter().map(|&i| values[i].as_slice()), n);
    (evidence, values)
}

/// The predicted class: the most probable; for entity spans (which always have a role), the
/// more probable of favor and against.
fn decide(source: Source, p: &[f32]) -> usize {
    let favor = p.first().copied().unwrap_or(0.0);
    let against = p.get(1).copied().unwrap_or(0.0);
    let none = p.get(2).copied().unwrap_or(0.0);
    if source == Source::Semeval2025Entity {
        return usize::from(against > favor);
    }
    if none >= favor && none >= against {
        2
    } else {
        usize::from(against > favor)
    }
}

/// Rows with rare classes oversampled to half the largest class.
fn matrix(
    inputs: &[Vec<(u32, f32)>],
    rows: &[usize],
    ex: &[Example],
    n_features: usize,
) -> (Array2<f32>, Vec<usize>) {
    let k = STANCE_CLASSES.len();
    let mut per_class: Vec<Vec<usize>> = vec![Vec::new(); k];
    for &r in rows {
        per_class[ex[r].gold].push(r);
    }
    let largest = per_class.iter().map(Vec::len).max().unwrap_or(0);
    let mut order: Vec<usize> = rows.to_vec();
    for members in &per_class {
        if members.is_empty() {
            continue;
        }
        for j in 0..(largest / 2).saturating_sub(members.len()) {
            order.push(members[j % members.len()]);
        }
    }
    let mut x = Array2::<f32>::zeros((order.len(), n_features));
    for (row, &r) in order.iter().enumerate() {
        for &(i, v) in &inputs[r] {
            if (i as usize) < n_features {
                x[(row, i as usize)] = v;
            }
        }
    }
    (x, order.iter().map(|&r| ex[r].gold).collect())
}

fn f1_of(gold: &[usize], pred: &[usize], class: usize) -> f64 {
    let tp = gold
        .iter()
        .zip(pred)
        .filter(|(g, p)| **g == class && **p == class)
        .count() as f64;
    let fp = pred.iter().filter(|&&p| p == class).count() as f64 - tp;
    let fn_ = gold.iter().filter(|&&g| g == class).count() as f64 - tp;
    if tp == 0.0 {
        0.0
    } else {
        2.0 * tp / (2.0 * tp + fp + fn_)
    }
}

/// SemEval-2016's official measure: the mean of the F1 of favor (class 0) and of against
/// (class 1).
pub fn f_avg(gold: &[usize], pred: &[usize]) -> f64 {
    (f1_of(gold, pred, 0) + f1_of(gold, pred, 1)) / 2.0
}

fn macro_f1(gold: &[usize], pred: &[usize]) -> f64 {
    let present: Vec<usize> = (0..STANCE_CLASSES.len())
        .filter(|c| gold.contains(c) || pred.contains(c))
        .collect();
    present.iter().map(|&c| f1_of(gold, pred, c)).sum::<f64>() / present.len().max(1) as f64
}

/// The evaluation of the stance model on one task: the figures of [`eval::evaluate`] plus
/// `f_avg` (with a bootstrap interval) and figures per target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StanceEvaluation {
    /// The usual single-label figures.
    #[serde(flatten)]
    pub report: SingleLabelReport,
    /// Mean F1 of favor and against, with its 95% bootstrap interval.
    pub f_avg: Estimate,
    /// `f_avg`, macro-F1 and size per target (the SemEval-2016 target names, or the entity's
    /// default target id, `other` when it has none).
    pub by_target: Vec<TargetFigures>,
    /// What the model said of each example evaluated, in the order of the prepared examples
    /// (for a report's worst errors and reliability diagram; not serialized).
    #[serde(skip)]
    pub outcomes: Vec<Outcome>,
}

/// What the stance model said of one evaluated example.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The example: its index in [`Prepared::examples`].
    pub example: usize,
    /// The predicted class, an index into the task's labels.
    pub predicted: usize,
    /// The probability the model gave the predicted class.
    pub confidence: f64,
    /// For a two-label task (`entity_stance`), the probability of the second label.
    pub positive: Option<f64>,
}

/// Figures of one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetFigures {
    /// The target.
    pub target: String,
    /// Examples.
    pub n: usize,
    /// Mean F1 of favor and against.
    pub f_avg: f64,
    /// Macro-F1.
    pub macro_f1: f64,
}

impl StanceEvaluation {
    /// The figures as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = self.report.to_markdown();
        out.push_str(&format!(
            "\n\n**f_avg** (mean F1 of favor and against): {}\n\n",
            self.f_avg
        ));
        out.push_str("| target | n | f_avg | macro-F1 |\n|---|---:|---:|---:|\n");
        for t in &self.by_target {
            out.push_str(&format!(
                "| {} | {} | {:.3} | {:.3} |\n",
                t.target, t.n, t.f_avg, t.macro_f1
            ));
        }
        out
    }
}

/// Evaluates a stance model on the examples of a task (`stance`: SemEval-2016 tweets;
/// `entity_stance`: SemEval-2025 entity spans, decided between favor and against).
pub fn evaluate(
    task: Task,
    prepared: &Prepared,
    model: &StanceModel,
    by_lang: bool,
    bootstrap: &Bootstrap,
) -> Result<StanceEvaluation> {
    let source = match task {
        Task::Stance => Source::Semeval2016,
        Task::EntityStance => Source::Semeval2025Entity,
        other => return Err(Error::Config(format!("task {other} is not a stance task"))),
    };
    let idx: Vec<usize> = (0..prepared.examples.len())
        .filter(|&i| prepared.examples[i].source == source)
        .collect();
    if idx.is_empty() {
        return Err(Error::Config(format!("the data holds no {task} examples")));
    }
    let sub = Prepared {
        examples: idx.iter().map(|&i| prepared.examples[i].clone()).collect(),
        texts: FxHashMap::default(),
    };
    let inputs = inputs(&sub, model, None);
    let probs: Vec<Vec<f32>> = inputs
        .iter()
        .zip(&sub.examples)
        .map(|(x, e)| model.head(head_of(source) == 0, &e.lang).probabilities(x))
        .collect();
    let gold: Vec<usize> = sub.examples.iter().map(|e| e.gold).collect();
    let pred: Vec<usize> = probs.iter().map(|p| decide(source, p)).collect();
    let labels: Vec<String> = task.labels().iter().map(|s| s.to_string()).collect();
    let groups: Option<Vec<String>> = by_lang.then(|| {
        sub.examples
            .iter()
            .map(|e| e.language_group().to_string())
            .collect()
    });
    let positive: Option<Vec<f64>> = (labels.len() == 2).then(|| {
        probs
            .iter()
            .map(|p| {
                let (f, a) = (p[0], p[1]);
                f64::from(a / (f + a).max(f32::EPSILON)).clamp(0.0, 1.0)
            })
            .collect()
    });
    let report = eval::evaluate(
        task.name(),
        &labels,
        &gold,
        &pred,
        positive.as_deref(),
        groups.as_deref(),
        bootstrap,
    )?;
    let f_avg_estimate = bootstrap_f_avg(&gold, &pred, bootstrap);
    let mut names: Vec<String> = sub
        .examples
        .iter()
        .map(|e| e.target.clone().unwrap_or_else(|| "other".into()))
        .collect();
    let by: Vec<String> = names.clone();
    names.sort();
    names.dedup();
    let by_target = names
        .into_iter()
        .map(|t| {
            let rows: Vec<usize> = (0..by.len()).filter(|&i| by[i] == t).collect();
            let g: Vec<usize> = rows.iter().map(|&i| gold[i]).collect();
            let p: Vec<usize> = rows.iter().map(|&i| pred[i]).collect();
            TargetFigures {
                target: t,
                n: rows.len(),
                f_avg: f_avg(&g, &p),
                macro_f1: macro_f1(&g, &p),
            }
        })
        .collect();
    let outcomes = idx
        .iter()
        .enumerate()
        .map(|(k, &example)| {
            let p_pos = positive.as_ref().map(|p| p[k]);
            let confidence = match p_pos {
                Some(p) if pred[k] == 1 => p,
                Some(p) => 1.0 - p,
                None => f64::from(probs[k].get(pred[k]).copied().unwrap_or(0.0)),
            };
            Outcome {
                example,
                predicted: pred[k],
                confidence,
                positive: p_pos,
            }
        })
        .collect();
    Ok(StanceEvaluation {
        report,
        f_avg: f_avg_estimate,
        by_target,
        outcomes,
    })
}

/// `f_avg` with a 95% percentile bootstrap interval over examples (SplitMix64 seeded with the
/// bootstrap's seed; no interval when `resamples` is 0).
fn bootstrap_f_avg(gold: &[usize], pred: &[usize], b: &Bootstrap) -> Estimate {
    let value = f_avg(gold, pred);
    let n = gold.len();
    if b.resamples == 0 || n == 0 {
        return Estimate {
            value,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let mut state = b.seed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut samples: Vec<f64> = Vec::with_capacity(b.resamples);
    let (mut g, mut p) = (vec![0usize; n], vec![0usize; n]);
    for _ in 0..b.resamples {
        for j in 0..n {
            let i = (next() % n as u64) as usize;
            g[j] = gold[i];
            p[j] = pred[i];
        }
        samples.push(f_avg(&g, &p));
    }
    samples.sort_by(f64::total_cmp);
    let q = |f: f64| {
        let pos = f * (samples.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        samples[lo] + (samples[hi] - samples[lo]) * (pos - lo as f64)
    };
    Estimate {
        value,
        low: q(0.025),
        high: q(0.975),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f_avg_is_the_mean_of_favor_and_against_f1() {
        let gold = [0, 0, 1, 1, 2, 2];
        let pred = [0, 1, 1, 1, 2, 0];
        // favor: tp 1, fp 1, fn 1 -> 0.5; against: tp 2, fp 1, fn 0 -> 0.8
        assert!((f_avg(&gold, &pred) - 0.65).abs() < 1e-9);
        let e = bootstrap_f_avg(
            &gold,
            &pred,
            &Bootstrap {
                resamples: 200,
                seed: 1,
            },
        );
        assert!(e.low <= e.value && e.value <= e.high, "{e:?}");
    }

    /// Training data whose head holds one class, or gives every example the same input, is
    /// refused with an error saying so (it gave a constant head); three and two classes train.
    #[test]
    fn one_class_or_no_feature_is_refused() {
        const TWEETS: [&str; 4] = [
            "Hillary Clinton will make a great president, proud to vote for her! #SemST",
            "Never trust Hillary Clinton, she lies about everything. #SemST",
            "Watching the debate tonight with friends. #SemST",
            "Hillary Clinton fights for working families every single day. #SemST",
        ];
        const NEWS: [&str; 4] = [
            "Zelensky praised the brave soldiers who defended the city.",
            "Putin ordered new strikes on the civilian power grid.",
            "Zelensky met European leaders to ask for more air defence.",
            "Putin threatened the West again in a long televised speech.",
        ];
        let analyzer = Analyzer::builder()
            .default_models(false)
            .stance(false)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        // (tweet stances, entity roles, whether the texts are all the first one, expected error)
        type Case = (
            fn(usize) -> &'static str,
            fn(usize) -> &'static str,
            bool,
            Option<&'static str>,
        );
        let table: [Case; 5] = [
            (
                |_| "favor",
                |i| ["Protagonist", "Antagonist"][i % 2],
                false,
                Some("task stance, head posts: the training data has only class favor (2 classes are needed)"),
            ),
            (
                |i| ["favor", "against", "none"][i % 3],
                |_| "Antagonist",
                false,
                Some("task stance, head news: the training data has only class against (2 classes are needed)"),
            ),
            (
                |i| ["favor", "against"][i % 2],
                |i| ["Protagonist", "Antagonist"][i % 2],
                true,
                Some("task stance, head posts: no feature is left to train on: every training example has the same input"),
            ),
            (
                |i| ["favor", "against", "none"][i % 3],
                |i| ["Innocent", "Antagonist"][i % 2],
                false,
                None,
            ),
            (
                |i| ["favor", "against"][i % 2],
                |i| ["Protagonist", "Antagonist"][i % 2],
                false,
                None,
            ),
        ];
        for (n, (stance, role, same, want)) in table.into_iter().enumerate() {
            let mut records = Vec::new();
            for i in 0..24 {
                let tweet = if same { TWEETS[0] } else { TWEETS[i % 4] };
                records.push(serde_json::json!({
                    "id": format!("t{i}"), "lang": "en", "target": "Hillary Clinton",
                    "text": tweet, "label": stance(i),
                }));
                let news = if same { NEWS[0] } else { NEWS[i % 4] };
                let entity = news.split(' ').next().unwrap_or_default();
                records.push(serde_json::json!({
                    "id": format!("n{i}"), "lang": "en", "domain": "ukraine_war",
                    "narratives": ["URW: Blaming the war on others"], "text": news,
                    "entities": [{"entity": entity, "start": 0, "end": entity.len(), "role": role(i)}],
                }));
            }
            let records: Vec<Record> = records
                .into_iter()
                .map(|r| serde_json::from_value(r).unwrap_or_else(|e| panic!("{e}")))
                .collect();
            let options = PrepareOptions {
                with_names: true,
                ..PrepareOptions::default()
            };
            let prepared =
                prepare(&records, &analyzer, &options).unwrap_or_else(|e| panic!("case {n}: {e}"));
            let params = TrainParams {
                ngrams_per_language: if same { 0 } else { 50 },
                ngrams_per_target: if same { 0 } else { 50 },
                min_df: 1,
                evidence_per_group: 0,
                alphas: vec![1.0],
                ..TrainParams::default()
            };
            match (want, train(&prepared, &analyzer, &params)) {
                (None, Ok(model)) => assert_eq!(model.heads.len(), 2, "case {n}"),
                (None, Err(e)) => panic!("case {n}: {e}"),
                (Some(want), Ok(_)) => panic!("case {n}: trained, expected {want:?}"),
                (Some(want), Err(Error::Config(m))) => {
                    assert!(m.starts_with(want), "case {n}: {m:?}, expected {want:?}")
                }
                (Some(_), Err(e)) => panic!("case {n}: {e:?}"),
            }
        }
    }

    #[test]
    fn semeval2016_targets_load() {
        let t = semeval2016_targets().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.len(), 5);
        assert!(t.by_name("Hillary Clinton").is_some());
    }
}
