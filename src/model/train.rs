//! Training: from corpus records to a [`ModelFile`], deterministically for a given seed.
//!
//! 1. Every example of the task is analysed (the dense [`crate::FeatureSpec`] features) and its word
//!    n-grams counted.
//! 2. N-grams are selected per language on the training folds by chi-squared
//!    ([`TrainParams::ngrams_per_language`]); dense features are standardized on the training
//!    folds. N-gram evidence tables (word and character n-grams, see [`super::Evidence`]) are
//!    fitted per language on the training folds; training examples get their evidence out of
//!    fold (five folds by record).
//! 3. For each head, the L2 strength is chosen among [`TrainParams::alphas`] on an inner
//!    validation fold of the training data (never on the validation partition); binary heads
//!    are then Platt-calibrated and their decision threshold set on that inner fold (for the
//!    macro-F1 of the head, or the F1 of a persuasion category), heads of more classes get
//!    decision offsets there (for macro-F1). Classes rarer than a third of the largest are
//!    oversampled (linfa has no class weights).
//! 4. The head is refitted on all training folds with the chosen strength.
//! 5. The validation partition is scored and its figures stored in the model file.

use std::sync::Arc;

use ndarray::Array2;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::evidence::{self, EvidenceTable, FitDoc};
use super::linear::{self, Head, Platt};
use super::lookup::{Lookup, TableSource};
use super::ngrams::{self, SelectionDoc};
use super::{
    Classifier, Counts, Evidence, LexiconRef, ModelFile, Scaler, TrainingSummary,
    ValidationSummary, MODEL_FORMAT_VERSION,
};
use crate::analyzer::{Analyzer, Article};
use crate::corpus::Record;
use crate::error::{Error, Result};
use crate::language::Language;
use crate::task::{fnv1a, Example, Gold, Partition, Task, PERSUASION_CATEGORIES};

/// Training parameters, checked when training starts.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    /// Seed (recorded in the model; the procedure has no other randomness).
    pub seed: u64,
    /// N-grams kept per language.
    pub ngrams_per_language: usize,
    /// Minimum document frequency of an n-gram within its language.
    pub min_df: u32,
    /// N-grams of each kind kept per language in the evidence tables (0: no evidence).
    pub evidence_per_language: usize,
    /// L2 strengths tried.
    pub alphas: Vec<f32>,
    /// L-BFGS iterations.
    pub max_iterations: u64,
    /// Dense features ([`crate::FeatureSpec::names`]) to leave out: held at zero in training,
    /// so that the model gives them no weight (recorded in the model, one name per feature).
    /// A name ending in `*` stands for every feature it is the beginning of (`lexicon.*`).
    pub drop_features: Vec<String>,
    /// Names of the data files (recorded in the model).
    pub data: Vec<String>,
    /// (Paragraph-level tasks) whether each paragraph also reads its article's dense
    /// features and evidence ([`ModelFile::article_context`]).
    pub article_context: bool,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            seed: 42,
            ngrams_per_language: 2000,
            min_df: 3,
            evidence_per_language: 20_000,
            alphas: vec![0.3, 3.0, 30.0, 300.0],
            max_iterations: 100,
            drop_features: Vec::new(),
            data: Vec::new(),
            article_context: true,
        }
    }
}

impl TrainParams {
    fn check(&self) -> Result<()> {
        if self.ngrams_per_language == 0 && self.alphas.is_empty() {
            return Err(Error::Config("no features and no alphas".into()));
        }
        if self.alphas.is_empty() || self.alphas.iter().any(|a| !(*a > 0.0 && a.is_finite())) {
            return Err(Error::Config(format!(
                "alphas must be positive and finite, got {:?}",
                self.alphas
            )));
        }
        if self.max_iterations == 0 {
            return Err(Error::Config("max_iterations must be positive".into()));
        }
        Ok(())
    }
}

/// Examples of a task, analysed once, ready for training or evaluation.
#[derive(Debug)]
pub struct Prepared {
    /// The task.
    pub task: Task,
    /// The examples.
    pub examples: Vec<Example>,
    /// The partition of each example.
    pub partitions: Vec<Partition>,
    /// The language code each example was analysed in: its own, else (paragraph-level tasks)
    /// its article's, else the identified one (empty when unknown), as scoring would.
    languages: Vec<String>,
    dense: Vec<Vec<f32>>,
    grams: Vec<Vec<(u64, u32)>>,
    chars: Vec<Vec<(u64, u32)>>,
    texts: FxHashMap<u64, String>,
    /// (Paragraph-level tasks) the article of each example: an index into `articles`.
    article_of: Vec<usize>,
    /// (Paragraph-level tasks) the whole text of each record with examples, analysed, and
    /// the index of its first example (which gives its record, language and partition).
    articles: Vec<(Analysed, usize)>,
}

/// One analysed example.
#[derive(Debug)]
struct Analysed {
    /// The code of the language it was analysed in (given or identified; empty when unknown).
    language: String,
    dense: Vec<f32>,
    /// Word n-gram counts by hash, sorted.
    grams: Vec<(u64, u32)>,
    /// Character n-gram counts by hash, sorted.
    chars: Vec<(u64, u32)>,
    /// (Training) the texts of its n-grams.
    texts: Vec<(u64, String)>,
}

impl Prepared {
    /// Collects and analyses the task's examples from records (in parallel, results in input
    /// order).
    pub fn new(task: Task, records: &[Record], analyzer: &Analyzer) -> Result<Prepared> {
        Prepared::of_partition(task, records, analyzer, None)
    }

    /// [`Prepared::new`] for the records of one partition only (all when `None`); records no
    /// partition holds are kept as training examples when `only` is `None` and the task has no
    /// fold for them (a user's own labelled file).
    pub fn of_partition(
        task: Task,
        records: &[Record],
        analyzer: &Analyzer,
        only: Option<Partition>,
    ) -> Result<Prepared> {
        let mut examples = Vec::new();
        let mut partitions = Vec::new();
        // (Paragraph-level tasks) each record with examples: its text and first example.
        let mut whole: Vec<(&Record, usize)> = Vec::new();
        let mut article_of = Vec::new();
        for r in records {
            let p = match (task.partition(r), only) {
                (Some(p), Some(o)) if p != o => continue,
                (Some(p), _) => p,
                (None, None) => Partition::Train,
                (None, Some(_)) => continue,
            };
            let first = examples.len();
            for e in task.examples(r)? {
                examples.push(e);
                partitions.push(p);
            }
            if task.is_paragraph_level() && examples.len() > first {
                article_of.resize(examples.len(), whole.len());
                whole.push((r, first));
            }
        }
        let analysed: Vec<Result<Analysed>> = examples
            .par_iter()
            .zip(partitions.par_iter())
            .map(|(e, p)| {
                let text = (e.id.as_str(), e.text.as_str(), e.lang.as_deref());
                analyse(analyzer, text, *p == Partition::Train)
            })
            .collect();
        let articles = whole
            .par_iter()
            .map(|&(r, first)| {
                let text = (r.id.as_str(), r.text.as_str(), r.lang.as_deref());
                Ok((analyse(analyzer, text, false)?, first))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut languages = Vec::with_capacity(examples.len());
        let mut dense = Vec::with_capacity(examples.len());
        let mut grams = Vec::with_capacity(examples.len());
        let mut chars = Vec::with_capacity(examples.len());
        let mut texts = FxHashMap::default();
        for (i, a) in analysed.into_iter().enumerate() {
            let a = a?;
            let article = article_of.get(i).and_then(|&r| articles.get(r));
            languages.push(article.map_or(a.language, |(r, _)| r.language.clone()));
            dense.push(a.dense);
            grams.push(a.grams);
            chars.push(a.chars);
            for (h, s) in a.texts {
                texts.entry(h).or_insert(s);
            }
        }
        Ok(Prepared {
            task,
            examples,
            partitions,
            languages,
            dense,
            grams,
            chars,
            texts,
            article_of,
            articles,
        })
    }

    /// The classifier's input vectors of the examples at `indices`.
    pub fn inputs(&self, classifier: &Classifier, indices: &[usize]) -> Vec<Vec<(u32, f32)>> {
        indices
            .par_iter()
            .map(|&i| {
                let article = self.article(i).map(|a| a.counts());
                classifier.input_from_counts(self.counts(i), article, self.language(i))
            })
            .collect()
    }

    /// Example `i`'s n-gram counts and dense features.
    fn counts(&self, i: usize) -> Counts<'_> {
        Counts {
            words: &self.grams[i],
            chars: &self.chars[i],
            dense: &self.dense[i],
        }
    }

    /// (Paragraph-level tasks) the analysed article of example `i`.
    fn article(&self, i: usize) -> Option<&Analysed> {
        let &a = self.article_of.get(i)?;
        self.articles.get(a).map(|(analysed, _)| analysed)
    }

    /// The code of the language example `i` was analysed in (its own, else its article's,
    /// else the identified one; empty when unknown).
    pub fn language(&self, i: usize) -> &str {
        &self.languages[i]
    }

    /// Indices of the examples in a partition.
    pub fn indices(&self, partition: Partition) -> Vec<usize> {
        (0..self.examples.len())
            .filter(|&i| self.partitions[i] == partition)
            .collect()
    }
}

/// Analyses text `id` in `lang` (identified when absent); `with_text` keeps its n-grams'
/// texts.
fn analyse(
    analyzer: &Analyzer,
    (id, text, lang): (&str, &str, Option<&str>),
    with_text: bool,
) -> Result<Analysed> {
    let mut article = Article::new(id, text);
    let given = lang.and_then(|l| Language::new(l).ok());
    if let Some(l) = given {
        article = article.with_language(l);
    }
    let parts = match analyzer.analyze_parts(&article) {
        Ok(p) => p,
        Err(Error::EmptyText { .. }) => {
            return Ok(Analysed {
                language: given.as_ref().map_or("", Language::as_str).to_string(),
                dense: vec![0.0; analyzer.feature_spec().len()],
                grams: Vec::new(),
                chars: Vec::new(),
                texts: Vec::new(),
            })
        }
        Err(err) => return Err(err),
    };
    let dense = analyzer.feature_spec().vector(&parts.report);
    let (grams, chars, texts) =
        evidence::gram_counts(parts.normalized.as_str(), &parts.tokens.tokens, with_text);
    let language = parts.report.language().code.as_ref();
    Ok(Analysed {
        language: language.map_or("", Language::as_str).to_string(),
        dense,
        grams,
        chars,
        texts,
    })
}

impl Analysed {
    fn counts(&self) -> Counts<'_> {
        Counts {
            words: &self.grams,
            chars: &self.chars,
            dense: &self.dense,
        }
    }
}

/// A head to train: its name, classes, the class of every example, and what its decision
/// threshold maximizes (binary heads).
struct HeadSpec {
    name: String,
    classes: Vec<String>,
    targets: Vec<usize>,
    objective: Objective,
}

/// What a binary head's decision threshold is chosen to maximize on the inner fold.
#[derive(Clone, Copy)]
enum Objective {
    /// Macro-F1 of the two classes (the headline of binary tasks and of "any technique").
    MacroF1,
    /// F1 of the positive class: persuasion categories, whose headline is the micro-F1 over
    /// the categories' positive decisions.
    PositiveF1,
}

fn head_specs(task: Task, examples: &[Example]) -> Vec<HeadSpec> {
    let single = |e: &Example| match &e.gold {
        Gold::Class(c) => *c,
        Gold::Categories(v) => usize::from(v.iter().any(|&x| x)),
    };
    if !task.is_multilabel() {
        return vec![HeadSpec {
            name: task.name().to_string(),
            classes: task.labels().iter().map(|s| s.to_string()).collect(),
            targets: examples.iter().map(single).collect(),
            objective: Objective::MacroF1,
        }];
    }
    let mut specs: Vec<HeadSpec> = PERSUASION_CATEGORIES
        .iter()
        .enumerate()
        .map(|(c, name)| HeadSpec {
            name: (*name).to_string(),
            classes: vec!["none".into(), (*name).to_string()],
            targets: examples
                .iter()
                .map(|e| match &e.gold {
                    Gold::Categories(v) => usize::from(v.get(c).copied().unwrap_or(false)),
                    Gold::Class(_) => 0,
                })
                .collect(),
            objective: Objective::PositiveF1,
        })
        .collect();
    specs.push(HeadSpec {
        name: "any".into(),
        classes: vec!["none".into(), "technique".into()],
        targets: examples.iter().map(single).collect(),
        objective: Objective::MacroF1,
    });
    specs
}

/// Refuses training data whose main decision holds fewer than two classes on the training
/// examples (the one head of a single-label task; the `any` head of a multi-label one), since
/// its head could only be a constant. A persuasion category without positive examples is
/// allowed: [`linear::fit`] gives a class absent from the data a bias of -30, so that its head
/// never decides for it.
fn check_classes(task: Task, specs: &[HeadSpec], train_idx: &[usize]) -> Result<()> {
    let main = if task.is_multilabel() {
        specs.last()
    } else {
        specs.first()
    };
    let Some(spec) = main else {
        return Ok(());
    };
    let head = if task.is_multilabel() {
        format!(", head {}", spec.name)
    } else {
        String::new()
    };
    two_classes(
        &format!("task {task}{head}"),
        train_idx
            .iter()
            .filter_map(|&i| spec.targets.get(i).copied()),
        &spec.classes,
    )
}

/// Refuses the training classes `targets` (indices into `classes`, one per training example)
/// of a head when they are fewer than two, since the head could only be a constant; `what`
/// names the head in the error (`task satire`, `task stance, head posts`). Also used by the
/// stance trainer.
pub(crate) fn two_classes(
    what: &str,
    targets: impl IntoIterator<Item = usize>,
    classes: &[impl AsRef<str>],
) -> Result<()> {
    let mut present: Vec<usize> = targets.into_iter().collect();
    present.sort_unstable();
    present.dedup();
    if present.len() >= 2 {
        return Ok(());
    }
    let names: Vec<&str> = present
        .iter()
        .map(|&c| classes.get(c).map_or("?", AsRef::as_ref))
        .collect();
    Err(Error::Config(format!(
        "{what}: the training data has only class {} (2 classes are needed)",
        names.join(", ")
    )))
}

/// Whether the input vectors of the rows `rows` are all the same (zeros left out), so that a
/// head could learn nothing from them (also used by the stance trainer).
pub(crate) fn all_the_same(inputs: &[Vec<(u32, f32)>], rows: &[usize]) -> bool {
    let nonzero = |r: usize| {
        inputs
            .get(r)
            .into_iter()
            .flatten()
            .filter(|(_, v)| *v != 0.0)
    };
    let Some((&first, rest)) = rows.split_first() else {
        return true;
    };
    rest.iter().all(|&r| nonzero(r).eq(nonzero(first)))
}

/// Whether a training record falls in the inner validation fold (model selection).
fn inner_validation(record_id: &str) -> bool {
    (fnv1a(record_id) / 5).is_multiple_of(5)
}

/// The fold (of five) of a training record for out-of-fold evidence.
pub(crate) fn evidence_fold(record_id: &str) -> u64 {
    (fnv1a(record_id) / 125) % 5
}

/// The evidence outputs of a task's heads, and whether example `i` is positive for each.
fn evidence_outputs(task: Task, specs: &[HeadSpec]) -> (Vec<String>, Vec<Vec<bool>>) {
    let n = specs.first().map_or(0, |s| s.targets.len());
    if task.is_multilabel() {
        let names = specs.iter().map(|s| s.name.clone()).collect();
        let positive = (0..n)
            .map(|i| specs.iter().map(|s| s.targets[i] == 1).collect())
            .collect();
        return (names, positive);
    }
    let Some(spec) = specs.first() else {
        return (Vec::new(), Vec::new());
    };
    let k = spec.classes.len();
    // A binary head needs one output (the other is its negation).
    let classes: Vec<usize> = if k == 2 { vec![1] } else { (0..k).collect() };
    let names = classes.iter().map(|&c| spec.classes[c].clone()).collect();
    let positive = spec
        .targets
        .iter()
        .map(|&t| classes.iter().map(|&c| t == c).collect())
        .collect();
    (names, positive)
}

/// Fits the evidence of a model on the training examples; returns it (without its scaler
/// filled in) and the raw evidence of every example, then of every article (paragraph-level
/// tasks): out of fold for training examples and their articles, from the final tables for
/// the others.
fn fit_evidence(
    prepared: &Prepared,
    train_idx: &[usize],
    specs: &[HeadSpec],
    params: &TrainParams,
) -> (Evidence, Vec<Vec<f32>>, Vec<Vec<f32>>) {
    let (outputs, positive) = evidence_outputs(prepared.task, specs);
    let k = outputs.len();
    let doc = |i: usize| FitDoc {
        language: prepared.language(i),
        words: &prepared.grams[i],
        chars: &prepared.chars[i],
        positive: positive[i].clone(),
    };
    let fit = |rows: &[usize]| {
        let docs: Vec<FitDoc<'_>> = rows.iter().map(|&i| doc(i)).collect();
        evidence::fit_tables(
            &docs,
            &prepared.texts,
            k,
            params.min_df.min(2),
            params.evidence_per_language,
        )
    };
    let empty_scaler = Scaler {
        mean: vec![0.0; 2 * k],
        scale: vec![1.0; 2 * k],
    };
    let mut languages: Vec<String> = Vec::new();
    for &i in train_idx {
        let l = prepared.language(i);
        if !languages.iter().any(|x| x == l) {
            languages.push(l.to_string());
        }
    }
    languages.sort();
    if languages.len() < 2 {
        languages.clear();
    }
    let evidence = Arc::new(Evidence {
        outputs,
        tables: fit(train_idx),
        scaler: empty_scaler,
        languages,
    });
    // Rows: the examples, then the articles (each read through its first example).
    let n = prepared.examples.len();
    let example_of = |i: usize| match i.checked_sub(n) {
        None => i,
        Some(a) => prepared.articles[a].1,
    };
    let score = |lookup: &Lookup, i: usize| {
        let counts = match i.checked_sub(n) {
            None => prepared.counts(i),
            Some(a) => prepared.articles[a].0.counts(),
        };
        lookup.evidence_from_counts(
            0,
            prepared.language(example_of(i)),
            counts.words,
            counts.chars,
        )
    };
    let mut held = train_idx.to_vec();
    held.extend(
        (n..n + prepared.articles.len())
            .filter(|&i| prepared.partitions[example_of(i)] == Partition::Train),
    );
    let mut values = out_of_fold_evidence(
        &evidence,
        n + prepared.articles.len(),
        (train_idx, &held),
        |i| evidence_fold(&prepared.examples[example_of(i)].record_id),
        fit,
        score,
    );
    let articles = values.split_off(n);
    // The look-ups that shared it are gone: no copy.
    (Arc::unwrap_or_clone(evidence), values, articles)
}

/// The raw evidence of each of `n` rows: from `evidence`'s tables for the rows outside
/// `held`; out of fold for the rows in `held`, from the tables `fit` fits on the training rows
/// `train_idx` of the other four folds (`fold`: [`evidence_fold`] of the row's record), so
/// that the heads learn how far to trust evidence on unseen text. `held` is the training rows,
/// and any other row whose record trains (the articles of training paragraphs). `score` reads
/// one row's evidence from look-up tables (model 0).
pub(crate) fn out_of_fold_evidence(
    evidence: &Arc<Evidence>,
    n: usize,
    (train_idx, held): (&[usize], &[usize]),
    fold: impl Fn(usize) -> u64 + Sync,
    fit: impl Fn(&[usize]) -> Vec<EvidenceTable> + Sync,
    score: impl Fn(&Lookup, usize) -> Vec<f32> + Sync,
) -> Vec<Vec<f32>> {
    // The held rows get theirs from the folds below.
    let mut in_training = vec![false; n];
    for &i in held {
        in_training[i] = true;
    }
    let final_lookup = Lookup::new(vec![Arc::clone(evidence) as Arc<dyn TableSource>]);
    let mut values: Vec<Vec<f32>> = (0..n)
        .into_par_iter()
        .map(|i| {
            if in_training[i] {
                Vec::new()
            } else {
                score(&final_lookup, i)
            }
        })
        .collect();
    let folds: Vec<Vec<(usize, Vec<f32>)>> = (0..5u64)
        .into_par_iter()
        .map(|f| {
            let rest: Vec<usize> = train_idx
                .iter()
                .copied()
                .filter(|&i| fold(i) != f)
                .collect();
            let lookup = Lookup::new(vec![Arc::new(Evidence {
                outputs: evidence.outputs.clone(),
                tables: fit(&rest),
                scaler: evidence.scaler.clone(),
                languages: Vec::new(),
            })]);
            held.iter()
                .copied()
                .filter(|&i| fold(i) == f)
                .map(|i| (i, score(&lookup, i)))
                .collect()
        })
        .collect();
    for (i, v) in folds.into_iter().flatten() {
        values[i] = v;
    }
    values
}

/// Mean and standard deviation of each column of `rows` (1 where constant).
pub(crate) fn standardize<'a>(rows: impl Iterator<Item = &'a [f32]>, d: usize) -> Scaler {
    let mut mean = vec![0f64; d];
    let mut sq = vec![0f64; d];
    let mut n = 0f64;
    for row in rows {
        n += 1.0;
        for (j, x) in row.iter().enumerate().take(d) {
            mean[j] += f64::from(*x);
            sq[j] += f64::from(*x) * f64::from(*x);
        }
    }
    let n = n.max(1.0);
    Scaler {
        mean: mean.iter().map(|m| (m / n) as f32).collect(),
        scale: mean
            .iter()
            .zip(&sq)
            .map(|(m, s)| {
                let var = s / n - (m / n) * (m / n);
                if var > 1e-12 {
                    var.sqrt() as f32
                } else {
                    1.0
                }
            })
            .collect(),
    }
}

/// The indices of the dense features `patterns` name (see [`TrainParams::drop_features`]), in
/// feature order; a pattern that names no feature is an error.
fn dropped_features(names: &[String], patterns: &[String]) -> Result<Vec<usize>> {
    let mut dropped = Vec::new();
    for p in patterns {
        let matches = |n: &String| match p.strip_suffix('*') {
            Some(prefix) => n.starts_with(prefix),
            None => n == p,
        };
        let before = dropped.len();
        dropped.extend((0..names.len()).filter(|&j| matches(&names[j])));
        if dropped.len() == before {
            return Err(Error::Config(format!(
                "--drop-feature {p:?}: no such dense feature"
            )));
        }
    }
    dropped.sort_unstable();
    dropped.dedup();
    Ok(dropped)
}

/// Trains a model on the training partition of prepared examples.
pub fn train(prepared: &Prepared, analyzer: &Analyzer, params: &TrainParams) -> Result<ModelFile> {
    params.check()?;
    let task = prepared.task;
    let train_idx = prepared.indices(Partition::Train);
    if train_idx.is_empty() {
        return Err(Error::Config(format!(
            "task {task}: the data holds no training examples"
        )));
    }
    let specs = head_specs(task, &prepared.examples);
    check_classes(task, &specs, &train_idx)?;
    let names = analyzer.feature_spec().names();
    let dropped = dropped_features(names, &params.drop_features)?;
    if params.ngrams_per_language == 0
        && params.evidence_per_language == 0
        && dropped.len() == names.len()
    {
        return Err(Error::Config(format!(
            "task {task}: no feature is left to train on: no n-grams (--ngrams 0), no n-gram \
             evidence (--evidence 0) and all {} dense features dropped (--drop-feature)",
            names.len()
        )));
    }
    let dropped_names: Vec<String> = dropped.iter().map(|&j| names[j].clone()).collect();
    let mask = |row: &[f32]| {
        let mut row = row.to_vec();
        for &j in &dropped {
            row[j] = 0.0;
        }
        row
    };
    let masked: Vec<Vec<f32>>;
    let dense: &[Vec<f32>] = if dropped.is_empty() {
        &prepared.dense
    } else {
        masked = prepared.dense.iter().map(|row| mask(row)).collect();
        &masked
    };

    // N-gram selection on the training folds, and again on the inner training fold alone for
    // model selection (so that the inner validation fold stays unseen).
    let (inner_train, inner_valid): (Vec<usize>, Vec<usize>) = train_idx
        .iter()
        .partition(|&&i| !inner_validation(&prepared.examples[i].record_id));
    let selection = |rows: &[usize]| -> Vec<SelectionDoc> {
        rows.iter()
            .map(|&i| {
                let e = &prepared.examples[i];
                let classes = match &e.gold {
                    Gold::Class(c) => vec![*c],
                    Gold::Categories(v) => (0..v.len()).filter(|&c| v[c]).collect(),
                };
                SelectionDoc {
                    lang: e.lang.clone().unwrap_or_default(),
                    classes,
                    grams: prepared.grams[i].iter().map(|(h, _)| *h).collect(),
                }
            })
            .collect()
    };
    let n_select_classes = if task.is_multilabel() {
        PERSUASION_CATEGORIES.len()
    } else {
        task.labels().len()
    };
    let choose = |rows: &[usize]| {
        ngrams::select(
            &selection(rows),
            &prepared.texts,
            n_select_classes,
            params.ngrams_per_language,
            params.min_df,
        )
    };

    // Standardization of the dense features on the training folds.
    let d = analyzer.feature_spec().len();
    let scaler = standardize(train_idx.iter().map(|&i| dense[i].as_slice()), d);

    // N-gram evidence, standardized on the training folds.
    let (evidence, evidence_values, article_evidence) = if params.evidence_per_language > 0 {
        let (mut e, values, articles) = fit_evidence(prepared, &train_idx, &specs, params);
        e.scaler = standardize(
            train_idx.iter().map(|&i| values[i].as_slice()),
            2 * e.outputs.len(),
        );
        (Some(e), values, articles)
    } else {
        (None, Vec::new(), Vec::new())
    };

    // (Paragraph-level tasks) each example's raw article context: its article's dense
    // features, then the article's raw evidence; standardized on the training folds.
    let article_values: Vec<Vec<f32>> = if params.article_context {
        prepared
            .article_of
            .iter()
            .map(|&a| {
                let mut v = mask(&prepared.articles[a].0.dense);
                v.extend(article_evidence.get(a).into_iter().flatten());
                v
            })
            .collect()
    } else {
        Vec::new()
    };
    let article_context = (!article_values.is_empty()).then(|| {
        let len = article_values[0].len();
        standardize(train_idx.iter().map(|&i| article_values[i].as_slice()), len)
    });

    let mut file = ModelFile {
        format_version: MODEL_FORMAT_VERSION,
        task,
        trained_by: format!("partipris {}", env!("CARGO_PKG_VERSION")),
        feature_spec_version: analyzer.feature_spec().version(),
        feature_spec_fingerprint: analyzer.feature_spec().fingerprint(),
        lexicons: analyzer
            .lexicons()
            .iter()
            .map(|l| LexiconRef {
                name: l.name().to_string(),
                version: l.version().to_string(),
                sha256: l.sha256().to_string(),
            })
            .collect(),
        dense_features: analyzer.feature_spec().names().to_vec(),
        ngrams: choose(&train_idx),
        scaler,
        evidence,
        article_context,
        heads: Vec::new(),
        training: summary(prepared, &train_idx, &specs, params, dropped_names),
        validation: Vec::new(),
        checksum: String::new(),
    };
    let inputs_of = |file: &ModelFile| -> Features {
        let classifier = Classifier::new(file.clone());
        let rows = (0..prepared.examples.len())
            .into_par_iter()
            .map(|i| {
                classifier.input_with_evidence(
                    &prepared.grams[i],
                    &dense[i],
                    evidence_values.get(i).map(Vec::as_slice),
                    prepared.language(i),
                    article_values.get(i).map(Vec::as_slice),
                )
            })
            .collect();
        (rows, file.n_features())
    };
    let all = inputs_of(&file);
    if all_the_same(&all.0, &train_idx) {
        return Err(Error::Config(format!(
            "task {task}: no feature is left to train on: every training example has the same \
             input ({} n-grams selected, {} of {} dense features dropped, {})",
            file.ngrams.len(),
            dropped.len(),
            d,
            if file.evidence.is_some() {
                "n-gram evidence"
            } else {
                "no n-gram evidence"
            }
        )));
    }
    let inner = inputs_of(&ModelFile {
        ngrams: choose(&inner_train),
        ..file.clone()
    });
    let inputs = &all.0;
    let valid_idx = prepared.indices(Partition::Validation);
    // Multi-label tasks choose the L2 strength on their last head ("any") and reuse it for the
    // categories; heads are trained in parallel.
    let (tuned, rest) = match specs.split_last() {
        Some((last, rest)) if task.is_multilabel() => (Some(last), rest),
        _ => (None, &specs[..]),
    };
    let fit = |spec: &HeadSpec, alphas: &[f32]| {
        fit_head(
            spec,
            (&inner, &all),
            &train_idx,
            &inner_train,
            &inner_valid,
            alphas,
            params,
        )
    };
    let mut heads: Vec<Head> = Vec::new();
    let mut alphas = params.alphas.clone();
    if let Some(spec) = tuned {
        let head = fit(spec, &alphas)?;
        alphas = vec![head.alpha];
        heads.push(head);
    }
    let fitted: Vec<Result<Head>> = rest.par_iter().map(|spec| fit(spec, &alphas)).collect();
    let mut fitted = fitted.into_iter().collect::<Result<Vec<Head>>>()?;
    fitted.extend(heads);
    for (spec, head) in specs.iter().zip(&fitted) {
        if !valid_idx.is_empty() {
            let gold: Vec<usize> = valid_idx.iter().map(|&i| spec.targets[i]).collect();
            let pred: Vec<usize> = valid_idx
                .iter()
                .map(|&i| head.predict(&inputs[i]))
                .collect();
            let k = spec.classes.len();
            file.validation.push(ValidationSummary {
                head: spec.name.clone(),
                n: gold.len(),
                macro_f1: macro_f1(&gold, &pred, k),
                accuracy: accuracy(&gold, &pred),
                f1: (k == 2).then(|| f1_of(&gold, &pred, 1)),
            });
        }
    }
    file.heads = fitted;
    file.seal()?;
    Ok(file)
}

fn summary(
    prepared: &Prepared,
    train_idx: &[usize],
    specs: &[HeadSpec],
    params: &TrainParams,
    dropped_features: Vec<String>,
) -> TrainingSummary {
    let class_counts = if prepared.task.is_multilabel() {
        specs
            .iter()
            .map(|s| train_idx.iter().filter(|&&i| s.targets[i] == 1).count())
            .collect()
    } else {
        let k = specs[0].classes.len();
        (0..k)
            .map(|c| {
                train_idx
                    .iter()
                    .filter(|&&i| specs[0].targets[i] == c)
                    .count()
            })
            .collect()
    };
    let languages =
        TrainingSummary::count_languages(train_idx.iter().map(|&i| prepared.language(i)));
    TrainingSummary {
        data: params.data.clone(),
        n_train: train_idx.len(),
        n_validation: prepared.examples.len() - train_idx.len(),
        class_counts,
        languages,
        seed: params.seed,
        dropped_features,
    }
}

/// Rows (with oversampling of rare classes) as a dense matrix.
fn matrix(
    inputs: &[Vec<(u32, f32)>],
    rows: &[usize],
    targets: &[usize],
    k: usize,
    n_features: usize,
) -> (Array2<f32>, Vec<usize>) {
    let mut per_class: Vec<Vec<usize>> = vec![Vec::new(); k];
    for &r in rows {
        if let Some(v) = per_class.get_mut(targets[r]) {
            v.push(r);
        }
    }
    let largest = per_class.iter().map(Vec::len).max().unwrap_or(0);
    let mut order: Vec<usize> = rows.to_vec();
    for members in &per_class {
        if members.is_empty() {
            continue;
        }
        let mut extra = (largest / 3).saturating_sub(members.len());
        let mut j = 0;
        while extra > 0 {
            order.push(members[j % members.len()]);
            j += 1;
            extra -= 1;
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
    let y = order.iter().map(|&r| targets[r]).collect();
    (x, y)
}

/// Input vectors of every example, and their dimension.
type Features = (Vec<Vec<(u32, f32)>>, usize);

/// Fits a head: chooses its L2 strength on the inner fold (`features.0`: n-grams selected on
/// the inner training fold), then refits it on all training folds (`features.1`).
#[allow(clippy::too_many_arguments)]
fn fit_head(
    spec: &HeadSpec,
    features: (&Features, &Features),
    train_idx: &[usize],
    inner_train: &[usize],
    inner_valid: &[usize],
    alphas: &[f32],
    params: &TrainParams,
) -> Result<Head> {
    let k = spec.classes.len();
    // Model selection on the inner fold.
    let ((inputs, n_features), (all_inputs, all_features)) = features;
    let (x, y) = matrix(inputs, inner_train, &spec.targets, k, *n_features);
    let candidates: Vec<Result<(f64, Head)>> = alphas
        .par_iter()
        .map(|&alpha| {
            let mut head = linear::fit(
                &spec.name,
                &spec.classes,
                &x,
                &y,
                alpha,
                params.max_iterations,
            )?;
            let score = tune(
                &mut head,
                inputs,
                inner_valid,
                &spec.targets,
                spec.objective,
            );
            Ok((score, head))
        })
        .collect();
    drop(x);
    let mut best: Option<(f64, Head)> = None;
    let mut last_error = None;
    for c in candidates {
        match c {
            Ok((score, head)) => {
                if best.as_ref().is_none_or(|(s, _)| score > *s) {
                    best = Some((score, head));
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    let Some((_, selected)) = best else {
        return Err(last_error.unwrap_or_else(|| Error::Config("no candidate head".into())));
    };
    // Refit on all training folds.
    let (x, y) = matrix(all_inputs, train_idx, &spec.targets, k, *all_features);
    let mut head = linear::fit(
        &spec.name,
        &spec.classes,
        &x,
        &y,
        selected.alpha,
        params.max_iterations,
    )?;
    head.platt = selected.platt;
    head.threshold = selected.threshold;
    head.offsets = selected.offsets;
    Ok(head)
}

/// Decision offsets of a head with more than two classes that maximize macro-F1 on held-out
/// rows: coordinate ascent over the classes after the first (whose offset stays 0), each among
/// -3, -2.75, ... 3, three rounds; ties keep the offset nearest 0.
fn decision_offsets(
    head: &Head,
    inputs: &[Vec<(u32, f32)>],
    rows: &[usize],
    gold: &[usize],
) -> Vec<f32> {
    let k = head.classes.len();
    let probs: Vec<Vec<f32>> = rows
        .iter()
        .map(|&r| head.probabilities(&inputs[r]))
        .collect();
    let f1_with = |offsets: &[f32]| {
        let pred: Vec<usize> = probs
            .iter()
            .map(|p| linear::offset_argmax(p, offsets))
            .collect();
        macro_f1(gold, &pred, k)
    };
    let mut offsets = vec![0.0f32; k];
    let mut best = f1_with(&offsets);
    for _ in 0..3 {
        for c in 1..k {
            for step in -12..=12 {
                let o = step as f32 * 0.25;
                let mut trial = offsets.clone();
                trial[c] = o;
                let f = f1_with(&trial);
                if f > best || (f == best && o.abs() < offsets[c].abs()) {
                    best = f;
                    offsets = trial;
                }
            }
        }
    }
    offsets
}

/// Calibrates a binary head and sets its threshold on held-out rows (the one that maximizes
/// the objective, among 0.02, 0.03, ... 0.98); returns the negative mean log-likelihood of its
/// (calibrated) probabilities there, the model-selection criterion (smoother than F1 on a small
/// fold).
fn tune(
    head: &mut Head,
    inputs: &[Vec<(u32, f32)>],
    rows: &[usize],
    targets: &[usize],
    objective: Objective,
) -> f64 {
    let gold: Vec<usize> = rows.iter().map(|&r| targets[r]).collect();
    let k = head.classes.len();
    if rows.is_empty() || k < 2 {
        return -log_loss(head, inputs, rows, &gold);
    }
    if k > 2 {
        head.offsets = Some(decision_offsets(head, inputs, rows, &gold));
        return -log_loss(head, inputs, rows, &gold);
    }
    let logits: Vec<f32> = rows
        .iter()
        .map(|&r| {
            let s = head.scores(&inputs[r]);
            s[1] - s[0]
        })
        .collect();
    let positive: Vec<bool> = gold.iter().map(|&g| g == 1).collect();
    let platt = Platt::fit(&logits, &positive);
    let probs: Vec<f32> = logits.iter().map(|&l| platt.apply(l)).collect();
    let mut best = (f64::NEG_INFINITY, 0.5f32);
    for step in 2..99 {
        let t = step as f32 * 0.01;
        let pred: Vec<usize> = probs.iter().map(|&p| usize::from(p >= t)).collect();
        let f = match objective {
            Objective::MacroF1 => macro_f1(&gold, &pred, 2),
            Objective::PositiveF1 => f1_of(&gold, &pred, 1),
        };
        if f > best.0 {
            best = (f, t);
        }
    }
    head.platt = Some(platt);
    head.threshold = Some(best.1);
    -log_loss(head, inputs, rows, &gold)
}

/// Mean negative log-likelihood of the gold classes.
fn log_loss(head: &Head, inputs: &[Vec<(u32, f32)>], rows: &[usize], gold: &[usize]) -> f64 {
    let total: f64 = rows
        .iter()
        .zip(gold)
        .map(|(&r, &g)| {
            let p = head
                .probabilities(&inputs[r])
                .get(g)
                .copied()
                .unwrap_or(0.0);
            -f64::from(p.max(1e-6)).ln()
        })
        .sum();
    total / rows.len().max(1) as f64
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

fn macro_f1(gold: &[usize], pred: &[usize], k: usize) -> f64 {
    (0..k).map(|c| f1_of(gold, pred, c)).sum::<f64>() / k.max(1) as f64
}

fn accuracy(gold: &[usize], pred: &[usize]) -> f64 {
    let ok = gold.iter().zip(pred).filter(|(g, p)| g == p).count();
    ok as f64 / gold.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_offsets_recover_a_class_the_scores_underrate() {
        // One feature; class 2 ("c") is right whenever the feature is on, but class 0 ("a")
        // always scores highest: only an offset on class 2 gets those rows right.
        let head = Head {
            name: "t".into(),
            classes: vec!["a".into(), "b".into(), "c".into()],
            weights: vec![0.0, 0.0, 0.8],
            intercept: vec![1.0, 0.0, 0.0],
            platt: None,
            threshold: None,
            offsets: None,
            alpha: 1.0,
        };
        let inputs: Vec<Vec<(u32, f32)>> = (0..30)
            .map(|i| match i % 3 {
                0 => vec![(0, 1.0)],
                _ => Vec::new(),
            })
            .collect();
        let gold: Vec<usize> = (0..30).map(|i| if i % 3 == 0 { 2 } else { 0 }).collect();
        let rows: Vec<usize> = (0..30).collect();
        assert!(rows.iter().all(|&r| head.predict(&inputs[r]) == 0));
        let offsets = decision_offsets(&head, &inputs, &rows, &gold);
        assert_eq!(offsets[0], 0.0);
        let tuned = Head {
            offsets: Some(offsets),
            ..head
        };
        for &r in &rows {
            assert_eq!(tuned.predict(&inputs[r]), gold[r], "row {r}");
        }
    }

    /// The labels of the records of a test: record `i`'s.
    type Labels = Box<dyn Fn(usize) -> &'static str>;

    /// Twelve records of `task` (French sentences), record `i`'s labels set by `label(i)`.
    fn records(task: Task, label: impl Fn(usize) -> &'static str) -> Vec<Record> {
        const SENTENCES: [&str; 4] = [
            "Le ministre a déclaré que le budget serait voté mardi.",
            "Une catastrophe absolue, hurlent les vassaux de Washington !",
            "Le conseil municipal a adopté le plan de circulation.",
            "Ces traîtres mentent encore, comme toujours, au peuple.",
        ];
        (0..12)
            .map(|i| {
                let text = format!("{} Numéro {i}.", SENTENCES[i % 4]);
                let mut r = serde_json::json!({"id": format!("r{i}"), "lang": "fr", "text": text});
                match task {
                    Task::Persuasion => {
                        let techniques: Vec<&str> = match label(i) {
                            "" => Vec::new(),
                            t => vec![t],
                        };
                        r["split"] = "train".into();
                        r["paragraphs"] = serde_json::json!([
                            {"line": 1, "start": 0, "end": text.len(), "techniques": techniques}
                        ]);
                    }
                    Task::Genre => {
                        r["split"] = "dev".into();
                        r["genre"] = label(i).into();
                    }
                    Task::Leaning => {
                        r["split"] = "train".into();
                        r["label"] = label(i).into();
                    }
                    _ => r["label"] = label(i).into(),
                }
                serde_json::from_value(r).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect()
    }

    /// Training data whose main decision holds one class, or that leaves no feature to learn
    /// from, is refused with an error saying so (it gave a constant model); two classes train.
    #[test]
    fn one_class_or_no_feature_is_refused() {
        let analyzer = Analyzer::builder()
            .default_models(false)
            .stance(false)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let small = TrainParams {
            ngrams_per_language: 50,
            min_df: 1,
            evidence_per_language: 200,
            alphas: vec![1.0],
            ..TrainParams::default()
        };
        let no_features = TrainParams {
            ngrams_per_language: 0,
            evidence_per_language: 0,
            drop_features: vec!["*".into()],
            ..small.clone()
        };
        let no_evidence = TrainParams {
            evidence_per_language: 0,
            ..small.clone()
        };
        let one = |l: &'static str| -> Labels { Box::new(move |_| l) };
        let two = |a: &'static str, b: &'static str| -> Labels {
            Box::new(move |i| if i % 2 == 0 { a } else { b })
        };
        let only = "the training data has only class";
        let no_feature = "no feature is left to train on";
        // (task, labels, whether every record has the same text, params, expected error)
        let table: Vec<(Task, Labels, bool, &TrainParams, Option<String>)> = vec![
            (Task::Satire, one("satire"), false, &small, Some(format!("task satire: {only} satire (2 classes are needed)"))),
            (Task::Satire, one("regular"), false, &small, Some(format!("task satire: {only} regular (2 classes are needed)"))),
            (Task::SentenceBias, one("biased"), false, &small, Some(format!("task sentence_bias: {only} biased (2 classes are needed)"))),
            (Task::Genre, one("opinion"), false, &small, Some(format!("task genre: {only} opinion (2 classes are needed)"))),
            (Task::Leaning, one("center"), false, &small, Some(format!("task leaning: {only} center (2 classes are needed)"))),
            (Task::Persuasion, one(""), false, &small, Some(format!("task persuasion, head any: {only} none (2 classes are needed)"))),
            (Task::Persuasion, one("Doubt"), false, &small, Some(format!("task persuasion, head any: {only} technique (2 classes are needed)"))),
            (Task::Satire, two("satire", "regular"), false, &no_features, Some(format!("task satire: {no_feature}: no n-grams (--ngrams 0), no n-gram evidence (--evidence 0) and all"))),
            (Task::Persuasion, two("Doubt", ""), false, &no_features, Some(format!("task persuasion: {no_feature}: no n-grams"))),
            (Task::Satire, two("satire", "regular"), true, &no_evidence, Some(format!("task satire: {no_feature}: every training example has the same input"))),
            // Two classes train; a persuasion category without examples is allowed.
            (Task::Satire, two("satire", "regular"), false, &small, None),
            (Task::Genre, two("opinion", "reporting"), false, &small, None),
            (Task::Persuasion, two("Doubt", ""), false, &small, None),
        ];
        for (task, label, same_text, params, want) in table {
            let mut records = records(task, label);
            if same_text {
                for r in &mut records {
                    r.text = "Le ministre a déclaré que le budget serait voté mardi.".into();
                    for p in &mut r.paragraphs {
                        p.end = r.text.len();
                    }
                }
            }
            let prepared =
                Prepared::new(task, &records, &analyzer).unwrap_or_else(|e| panic!("{e}"));
            let got = train(&prepared, &analyzer, params);
            match (want, got) {
                (None, Ok(model)) => assert_eq!(model.task, task),
                (None, Err(e)) => panic!("{task}: {e}"),
                (Some(want), Ok(_)) => panic!("{task}: trained, expected {want:?}"),
                (Some(want), Err(Error::Config(m))) => {
                    assert!(m.starts_with(&want), "{task}: {m:?}, expected {want:?}")
                }
                (Some(_), Err(e)) => panic!("{task}: {e:?}"),
            }
        }
    }

    #[test]
    fn dropped_features_are_named_or_matched_by_prefix() {
        let names: Vec<String> = ["lexicon.a", "lexicon.b", "style.c", "style.lexicon"]
            .map(String::from)
            .to_vec();
        let table: &[(&[&str], Option<&[usize]>)] = &[
            (&[], Some(&[])),
            (&["style.c"], Some(&[2])),
            (&["lexicon.*"], Some(&[0, 1])),
            (&["style.c", "lexicon.*", "lexicon.a"], Some(&[0, 1, 2])),
            (&["*"], Some(&[0, 1, 2, 3])),
            (&["lexicon"], None),
            (&["style.d*"], None),
        ];
        for (patterns, want) in table {
            let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
            let got = dropped_features(&names, &patterns).ok();
            assert_eq!(got.as_deref(), *want, "{patterns:?}");
        }
    }
}
