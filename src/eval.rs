//! Classification metrics for benchmarking, used by `partipris eval` and by library users who
//! benchmark in code: accuracy, per-class precision, recall and F1, macro- and micro-F1,
//! confusion matrices and, for binary decisions with probabilities, ROC AUC, Brier score and
//! expected calibration error. Every headline figure ([`Estimate`]) carries a 95% percentile
//! bootstrap interval.
//!
//! Two entry points: [`evaluate`] for single-label tasks (each example has one gold and one
//! predicted class, given as indices into `labels`) and [`evaluate_multilabel`] for multi-label
//! tasks such as persuasion techniques (each example has a yes/no per category, and an "any
//! technique" decision).
//!
//! # Conventions
//!
//! - Precision, recall and F1 whose denominator is zero are 0; F1 is computed as
//!   `2·TP / (2·TP + FP + FN)`.
//! - Macro-F1 averages the F1 of the classes given in `labels` (categories in the multi-label
//!   case) that occur, in gold or in predictions, in the data evaluated (the whole data, or one
//!   group). A class absent from both is still listed in `per_class`, with zeros, but left out of
//!   the average. That set of classes is fixed on the data evaluated and kept in every bootstrap
//!   resample, where a class that the resample happens to miss counts with F1 0. Macro-F1 over
//!   no class at all is 0.
//! - Bootstrap intervals resample examples (rows) with replacement, `n` draws per resample,
//!   [`Bootstrap::resamples`] times, from a SplitMix64 generator seeded with
//!   [`Bootstrap::seed`]: the same data and seed give the same intervals. The interval is the
//!   2.5th and 97.5th percentiles of the resampled figure (linear interpolation between order
//!   statistics). Resamples where a figure is undefined (ROC AUC of a resample with one class)
//!   are left out of that figure's interval.
//! - ROC AUC is the Mann–Whitney rank statistic with ties counted one half. It is undefined
//!   (NaN, `null` in JSON) when the data hold only one gold class.
//! - Brier score is the mean of `(p − y)²`, `y` being 1 for the positive class.
//! - Expected calibration error uses the predicted probability of the positive class in 10
//!   equal-width bins (bin `min(⌊10·p⌋, 9)`): `Σ_b (n_b / n) · |mean(y)_b − mean(p)_b|`.
//! - Empty input is refused with [`Error::Config`], as are mismatched lengths, out-of-range
//!   indices, duplicate labels and probabilities outside `[0, 1]`.
//!
//! # JSON
//!
//! Reports serialize with serde. An [`Estimate`] is `{"value": v, "low": l, "high": h}`, with
//! `null` for an undefined figure or a missing interval (NaN in Rust). `per_class` and
//! `categories` are objects keyed by label (in label order), for instance
//! `"per_class": {"pro": {"precision": 0.8, "recall": 0.75, "f1": 0.77, "support": 40}}`;
//! in Rust they are typed vectors ([`PerClass`], [`PerCategory`]). `binary` and `by_group` are
//! left out when absent. The figures ([`SingleLabelFigures`], [`MultiLabelFigures`]), a field
//! `figures` of a report and of each of its groups in Rust, stand in JSON at the level of that
//! report or group, beside `task` or `group` and `n`.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// The name of the group of examples given an empty group name (by `partipris eval --by
/// lang`: whose language could not be identified): `und`, the code of an undetermined
/// language in ISO 639-2 and BCP 47.
pub const UNKNOWN_GROUP: &str = "und";

/// The label of the "no technique" class of the any-technique decision in multi-label reports.
pub const ANY_NEGATIVE: &str = "none";
/// The label of the "at least one technique" class of the any-technique decision in multi-label
/// reports; the positive class of its [`BinaryFigures`].
pub const ANY_POSITIVE: &str = "technique";

/// Number of equal-width bins of the expected calibration error.
const ECE_BINS: usize = 10;

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/// A headline figure with its 95% percentile bootstrap interval.
///
/// Serialized as `{"value": v, "low": l, "high": h}`. An undefined figure (ROC AUC when only one
/// class is present) and an interval that could not be computed (no resamples, or the figure
/// undefined in every resample) are NaN in Rust and `null` in JSON; `null` reads back as NaN.
///
/// Displays as `0.712 [0.690, 0.734]` (three decimals unless a precision is given, `n/a` when
/// undefined, the value alone when there is no interval).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The figure on all the examples.
    #[serde(with = "nan_as_null")]
    pub value: f64,
    /// Lower bound: the 2.5th percentile of the figure over the bootstrap resamples.
    #[serde(with = "nan_as_null")]
    pub low: f64,
    /// Upper bound: the 97.5th percentile of the figure over the bootstrap resamples.
    #[serde(with = "nan_as_null")]
    pub high: f64,
}

impl fmt::Display for Estimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(3);
        if self.value.is_nan() {
            return f.write_str("n/a");
        }
        write!(f, "{:.p$}", self.value)?;
        if !self.low.is_nan() && !self.high.is_nan() {
            write!(f, " [{:.p$}, {:.p$}]", self.low, self.high)?;
        }
        Ok(())
    }
}

/// How bootstrap intervals are computed: the number of resamples of the examples and the seed
/// of the deterministic generator. The same data and settings always give the same intervals.
///
/// `resamples: 0` computes no interval (`low` and `high` are NaN, `null` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bootstrap {
    /// Number of resamples (each draws `n` examples with replacement).
    pub resamples: usize,
    /// Seed of the generator.
    pub seed: u64,
}

impl Bootstrap {
    /// The default number of resamples: 1,000.
    pub const DEFAULT_RESAMPLES: usize = 1000;
    /// The default, fixed seed.
    pub const DEFAULT_SEED: u64 = 0x7061_7274_6970_7269; // "partipri"
}

impl Default for Bootstrap {
    fn default() -> Bootstrap {
        Bootstrap {
            resamples: Bootstrap::DEFAULT_RESAMPLES,
            seed: Bootstrap::DEFAULT_SEED,
        }
    }
}

/// Precision, recall, F1 and support of one class, on all the examples (no interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassFigures {
    /// The class label.
    pub label: String,
    /// TP / (TP + FP); 0 when the class is never predicted.
    pub precision: f64,
    /// TP / (TP + FN); 0 when the class has no gold example.
    pub recall: f64,
    /// 2·TP / (2·TP + FP + FN); 0 when the class is neither in gold nor predicted.
    pub f1: f64,
    /// Number of gold examples of the class.
    pub support: usize,
}

/// Per-class figures, in label order. Serialized as a JSON object keyed by label:
/// `{"label": {"precision": .., "recall": .., "f1": .., "support": ..}, ..}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PerClass(
    /// The classes' figures, in label order.
    pub Vec<ClassFigures>,
);

impl PerClass {
    /// The figures of the class `label`, if it is one of the labels.
    pub fn get(&self, label: &str) -> Option<&ClassFigures> {
        self.0.iter().find(|c| c.label == label)
    }
}

/// Precision, recall, F1 and support of one category of a multi-label task (no interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryFigures {
    /// The category.
    pub category: String,
    /// 2·TP / (2·TP + FP + FN); 0 when the category is neither in gold nor predicted.
    pub f1: f64,
    /// TP / (TP + FP); 0 when the category is never predicted.
    pub precision: f64,
    /// TP / (TP + FN); 0 when the category has no gold example.
    pub recall: f64,
    /// Number of examples with the category in gold.
    pub support: usize,
}

/// Per-category figures, in category order. Serialized as a JSON object keyed by category:
/// `{"category": {"f1": .., "precision": .., "recall": .., "support": ..}, ..}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PerCategory(
    /// The categories' figures, in category order.
    pub Vec<CategoryFigures>,
);

impl PerCategory {
    /// The figures of `category`, if it is one of the categories.
    pub fn get(&self, category: &str) -> Option<&CategoryFigures> {
        self.0.iter().find(|c| c.category == category)
    }
}

/// A confusion matrix: `counts[g][p]` is the number of examples of gold class `labels[g]`
/// predicted as `labels[p]` (rows are gold, columns are predicted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// The class labels, in the order of rows and columns.
    pub labels: Vec<String>,
    /// Counts, `labels.len()` rows of `labels.len()` columns.
    pub counts: Vec<Vec<usize>>,
}

/// Probability figures of a binary decision, computed from the predicted probability of the
/// positive class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryFigures {
    /// The positive class (`labels[1]` for [`evaluate`], [`ANY_POSITIVE`] for
    /// [`evaluate_multilabel`]).
    pub positive: String,
    /// Area under the ROC curve (rank statistic, ties counted one half); NaN (`null`) when only
    /// one class is present.
    pub roc_auc: Estimate,
    /// Brier score: mean squared difference between probability and outcome (lower is better).
    pub brier: Estimate,
    /// Expected calibration error over 10 equal-width probability bins, weighted by bin size
    /// (lower is better).
    pub ece: Estimate,
}

/// The figures of a single-label task on one set of examples: the whole data in
/// [`SingleLabelReport`], one group in [`GroupReport`]. Its fields stand in JSON at the level of
/// the report that holds it (`accuracy`, `macro_f1`, `per_class`, `confusion`, `binary`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SingleLabelFigures {
    /// Share of examples predicted correctly.
    pub accuracy: Estimate,
    /// Mean F1 over the classes present in gold or predictions (see the module's conventions).
    pub macro_f1: Estimate,
    /// Figures per class, keyed by label in JSON.
    pub per_class: PerClass,
    /// The confusion matrix (rows gold, columns predicted).
    pub confusion: Confusion,
    /// ROC AUC, Brier score and ECE of the positive class, when probabilities were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<BinaryFigures>,
}

/// The figures of a single-label task on one group of examples (such as one language).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// The group's name ([`UNKNOWN_GROUP`] for examples given an empty one).
    pub group: String,
    /// Number of examples in the group.
    pub n: usize,
    /// The group's figures (flattened into this object in JSON).
    #[serde(flatten)]
    pub figures: SingleLabelFigures,
}

/// The evaluation of a single-label task, as returned by [`evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SingleLabelReport {
    /// The task's name, as given.
    pub task: String,
    /// Number of examples.
    pub n: usize,
    /// The figures on all the examples (flattened into this object in JSON).
    #[serde(flatten)]
    pub figures: SingleLabelFigures,
    /// The same figures per group, sorted by group name, when groups were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_group: Option<Vec<GroupReport>>,
}

/// Figures of the any-technique decision of a multi-label task: whether an example uses at least
/// one category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnyFigures {
    /// Mean F1 of the two classes [`ANY_NEGATIVE`] and [`ANY_POSITIVE`] (those present).
    pub macro_f1: Estimate,
    /// F1 of the positive class ([`ANY_POSITIVE`]).
    pub f1: Estimate,
    /// Precision of the positive class.
    pub precision: Estimate,
    /// Recall of the positive class.
    pub recall: Estimate,
}

/// The figures of a multi-label task on one set of examples: the whole data in
/// [`MultiLabelReport`], one group in [`MultiLabelGroupReport`]. Its fields stand in JSON at the
/// level of the report that holds it.
///
/// `accuracy`, `per_class`, `confusion`, `any` and `binary` are about the any-technique decision
/// (classes [`ANY_NEGATIVE`] and [`ANY_POSITIVE`]); `macro_f1`, `micro_f1` and `categories` are
/// about the categories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiLabelFigures {
    /// Accuracy of the any-technique decision.
    pub accuracy: Estimate,
    /// Mean F1 over the categories present in gold or predictions.
    pub macro_f1: Estimate,
    /// F1 over all (example, category) decisions pooled: `2·ΣTP / (2·ΣTP + ΣFP + ΣFN)`.
    pub micro_f1: Estimate,
    /// The any-technique decision's figures.
    pub any: AnyFigures,
    /// Figures per category, keyed by category in JSON.
    pub categories: PerCategory,
    /// Figures of the two classes of the any-technique decision, keyed by label in JSON.
    pub per_class: PerClass,
    /// Confusion matrix of the any-technique decision.
    pub confusion: Confusion,
    /// ROC AUC, Brier score and ECE of the any-technique decision, when probabilities were
    /// given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<BinaryFigures>,
}

/// The figures of a multi-label task on one group of examples (such as one language).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiLabelGroupReport {
    /// The group's name ([`UNKNOWN_GROUP`] for examples given an empty one).
    pub group: String,
    /// Number of examples in the group.
    pub n: usize,
    /// The group's figures (flattened into this object in JSON).
    #[serde(flatten)]
    pub figures: MultiLabelFigures,
}

/// The evaluation of a multi-label task, as returned by [`evaluate_multilabel`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiLabelReport {
    /// The task's name, as given.
    pub task: String,
    /// Number of examples.
    pub n: usize,
    /// The figures on all the examples (flattened into this object in JSON).
    #[serde(flatten)]
    pub figures: MultiLabelFigures,
    /// The same figures per group, sorted by group name, when groups were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_group: Option<Vec<MultiLabelGroupReport>>,
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/// Evaluates a single-label task.
///
/// `gold` and `predicted` are indices into `labels`, one per example. `positive_proba`, for
/// binary tasks only (`labels.len() == 2`), is the predicted probability of the positive class,
/// which is `labels[1]`; it adds [`BinaryFigures`]. `groups` (such as each example's language)
/// adds the same figures per group, sorted by name, each with its own bootstrap (same settings).
///
/// # Errors
///
/// [`Error::Config`] when there are no examples, when lengths differ, when an index is not below
/// `labels.len()`, when labels are empty or repeated, or when probabilities are given for a task
/// that is not binary or are not in `[0, 1]`.
pub fn evaluate(
    task: &str,
    labels: &[String],
    gold: &[usize],
    predicted: &[usize],
    positive_proba: Option<&[f64]>,
    groups: Option<&[String]>,
    bootstrap: &Bootstrap,
) -> Result<SingleLabelReport> {
    check_names("labels", labels)?;
    let n = gold.len();
    check_columns(
        n,
        &[
            ("predicted", Some(predicted.len())),
            ("positive_proba", positive_proba.map(<[f64]>::len)),
            ("groups", groups.map(<[String]>::len)),
        ],
    )?;
    check_indices("gold", gold, labels.len())?;
    check_indices("predicted", predicted, labels.len())?;
    if let Some(p) = positive_proba {
        if labels.len() != 2 {
            return Err(config(format!(
                "positive_proba is for binary tasks, but there are {} labels",
                labels.len()
            )));
        }
        check_proba("positive_proba", p)?;
    }

    let data = SingleLabelData {
        labels,
        gold,
        predicted,
        positive_proba,
    };
    Ok(SingleLabelReport {
        task: task.to_owned(),
        n,
        figures: data.figures(&all_rows(n), bootstrap),
        by_group: by_group(groups, |group, rows| GroupReport {
            group: group.to_owned(),
            n: rows.len(),
            figures: data.figures(rows, bootstrap),
        }),
    })
}

/// Evaluates a multi-label task such as persuasion techniques.
///
/// `gold[i]` and `predicted[i]` hold one yes/no per category for example `i`. The gold
/// any-technique decision is "some category is true in gold". The predicted one is
/// `predicted_any` when given (a model may decide it separately), else "some category is
/// predicted". `any_proba`, the predicted probability that an example uses some technique, adds
/// [`BinaryFigures`] for the any-technique decision. `groups` adds the same figures per group,
/// sorted by name.
///
/// # Errors
///
/// [`Error::Config`] when there are no examples, when lengths differ (including a row whose
/// length is not `categories.len()`), when categories are empty or repeated, or when a
/// probability is not in `[0, 1]`.
#[allow(clippy::too_many_arguments)] // one argument per column of the data, as in `evaluate`
pub fn evaluate_multilabel(
    task: &str,
    categories: &[String],
    gold: &[Vec<bool>],
    predicted: &[Vec<bool>],
    predicted_any: Option<&[bool]>,
    any_proba: Option<&[f64]>,
    groups: Option<&[String]>,
    bootstrap: &Bootstrap,
) -> Result<MultiLabelReport> {
    check_names("categories", categories)?;
    let n = gold.len();
    check_columns(
        n,
        &[
            ("predicted", Some(predicted.len())),
            ("predicted_any", predicted_any.map(<[bool]>::len)),
            ("any_proba", any_proba.map(<[f64]>::len)),
            ("groups", groups.map(<[String]>::len)),
        ],
    )?;
    for (what, rows) in [("gold", gold), ("predicted", predicted)] {
        if let Some((i, row)) = rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != categories.len())
        {
            return Err(config(format!(
                "{what}[{i}] has {} values but there are {} categories",
                row.len(),
                categories.len()
            )));
        }
    }
    if let Some(p) = any_proba {
        check_proba("any_proba", p)?;
    }

    let any_of =
        |rows: &[Vec<bool>]| -> Vec<bool> { rows.iter().map(|r| r.contains(&true)).collect() };
    let data = MultiLabelData {
        categories,
        gold,
        predicted,
        gold_any: any_of(gold),
        predicted_any: predicted_any.map_or_else(|| any_of(predicted), <[bool]>::to_vec),
        any_proba,
    };
    Ok(MultiLabelReport {
        task: task.to_owned(),
        n,
        figures: data.figures(&all_rows(n), bootstrap),
        by_group: by_group(groups, |group, rows| MultiLabelGroupReport {
            group: group.to_owned(),
            n: rows.len(),
            figures: data.figures(rows, bootstrap),
        }),
    })
}

/// One probability bin of a reliability diagram: the examples whose predicted probability of
/// the positive class falls in `[low, high)` (the last bin includes 1), as in the expected
/// calibration error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Lower edge of the bin.
    pub low: f64,
    /// Upper edge of the bin.
    pub high: f64,
    /// Number of examples in the bin.
    pub n: usize,
    /// Mean predicted probability in the bin (NaN when empty).
    pub mean_predicted: f64,
    /// Share of positive examples in the bin (NaN when empty).
    pub observed: f64,
}

/// The reliability diagram of binary probabilities: the 10 equal-width bins of the expected
/// calibration error, each with its mean predicted probability and its observed share of
/// positives. `positive[i]` says whether example `i` is of the positive class; `proba[i]` is
/// its predicted probability of it.
///
/// # Errors
///
/// [`Error::Config`] when the lengths differ, there are no examples, or a probability is not in
/// `[0, 1]`.
pub fn reliability(positive: &[bool], proba: &[f64]) -> Result<Vec<ReliabilityBin>> {
    check_columns(positive.len(), &[("proba", Some(proba.len()))])?;
    check_proba("proba", proba)?;
    let mut sums = [(0usize, 0.0f64, 0usize); ECE_BINS];
    for (&y, &p) in positive.iter().zip(proba) {
        let b = ((p * ECE_BINS as f64) as usize).min(ECE_BINS - 1);
        sums[b].0 += 1;
        sums[b].1 += p;
        sums[b].2 += usize::from(y);
    }
    Ok(sums
        .iter()
        .enumerate()
        .map(|(b, &(n, p, y))| ReliabilityBin {
            low: b as f64 / ECE_BINS as f64,
            high: (b + 1) as f64 / ECE_BINS as f64,
            n,
            mean_predicted: if n == 0 { f64::NAN } else { p / n as f64 },
            observed: if n == 0 {
                f64::NAN
            } else {
                y as f64 / n as f64
            },
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

fn config(message: String) -> Error {
    Error::Config(format!("eval: {message}"))
}

/// Checks that each given column (name, length) has one entry per example, then that there are
/// examples.
fn check_columns(n: usize, columns: &[(&str, Option<usize>)]) -> Result<()> {
    if let Some((what, len)) = columns
        .iter()
        .find_map(|&(what, len)| Some((what, len.filter(|&len| len != n)?)))
    {
        return Err(config(format!("{what} has {len} entries but gold has {n}")));
    }
    if n == 0 {
        return Err(config("no examples to evaluate (gold is empty)".to_owned()));
    }
    Ok(())
}

fn check_names(what: &str, names: &[String]) -> Result<()> {
    if names.is_empty() {
        return Err(config(format!("{what} is empty")));
    }
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(config(format!("{what}: {name:?} is given twice")));
        }
    }
    Ok(())
}

fn check_indices(what: &str, indices: &[usize], k: usize) -> Result<()> {
    match indices.iter().enumerate().find(|(_, &c)| c >= k) {
        Some((i, c)) => Err(config(format!(
            "{what}[{i}] = {c} is out of range: there are {k} labels (indices 0 to {})",
            k - 1
        ))),
        None => Ok(()),
    }
}

fn check_proba(what: &str, proba: &[f64]) -> Result<()> {
    match proba
        .iter()
        .enumerate()
        .find(|(_, p)| !(0.0..=1.0).contains(*p))
    {
        Some((i, p)) => Err(config(format!(
            "{what}[{i}] = {p} is not a probability in [0, 1]"
        ))),
        None => Ok(()),
    }
}

/// The indices of all `n` examples.
fn all_rows(n: usize) -> Vec<usize> {
    (0..n).collect()
}

/// `report(group, rows)` for each group, sorted by name, `rows` being the indices of the
/// group's examples (an empty name is [`UNKNOWN_GROUP`]); `None` when no groups are given.
fn by_group<T>(groups: Option<&[String]>, report: impl Fn(&str, &[usize]) -> T) -> Option<Vec<T>> {
    let mut map: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, g) in groups?.iter().enumerate() {
        let name = if g.is_empty() { UNKNOWN_GROUP } else { g };
        map.entry(name).or_default().push(i);
    }
    Some(map.into_iter().map(|(g, rows)| report(g, &rows)).collect())
}

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn f1(tp: u64, fp: u64, fn_: u64) -> f64 {
    ratio(2 * tp, 2 * tp + fp + fn_)
}

/// Precision, recall, F1 and support from (TP, FP, FN).
fn prf((tp, fp, fn_): (u64, u64, u64)) -> (f64, f64, f64, usize) {
    (
        ratio(tp, tp + fp),
        ratio(tp, tp + fn_),
        f1(tp, fp, fn_),
        (tp + fn_) as usize,
    )
}

/// Mean F1 of the `active` classes, given the (TP, FP, FN) of every class; 0 when none is
/// active.
fn mean_f1(counts: impl Iterator<Item = (u64, u64, u64)>, active: &[bool]) -> f64 {
    let (mut sum, mut count) = (0.0, 0usize);
    for ((tp, fp, fn_), _) in counts.zip(active).filter(|(_, &a)| a) {
        sum += f1(tp, fp, fn_);
        count += 1;
    }
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

/// A weighted k×k confusion with the buffers to derive accuracy and macro-F1, reused across
/// resamples.
struct ConfusionScratch {
    k: usize,
    cells: Vec<u64>,
    rows: Vec<u64>,
    cols: Vec<u64>,
}

impl ConfusionScratch {
    fn new(k: usize) -> ConfusionScratch {
        ConfusionScratch {
            k,
            cells: vec![0; k * k],
            rows: vec![0; k],
            cols: vec![0; k],
        }
    }

    /// Fills the row (gold) and column (predicted) sums.
    fn sum(&mut self) {
        self.rows.fill(0);
        self.cols.fill(0);
        for g in 0..self.k {
            for p in 0..self.k {
                let v = self.cells[g * self.k + p];
                self.rows[g] += v;
                self.cols[p] += v;
            }
        }
    }

    /// (TP, FP, FN) of class `c`; call [`ConfusionScratch::sum`] first.
    fn counts(&self, c: usize) -> (u64, u64, u64) {
        let tp = self.cells[c * self.k + c];
        (tp, self.cols[c] - tp, self.rows[c] - tp)
    }

    /// Accuracy and macro-F1 over the `active` classes.
    fn accuracy_macro_f1(&mut self, active: &[bool]) -> (f64, f64) {
        self.sum();
        let total: u64 = self.rows.iter().sum();
        let correct: u64 = (0..self.k).map(|c| self.cells[c * self.k + c]).sum();
        let accuracy = if total == 0 {
            f64::NAN
        } else {
            correct as f64 / total as f64
        };
        (
            accuracy,
            mean_f1((0..self.k).map(|c| self.counts(c)), active),
        )
    }

    /// Per-class figures and the confusion matrix (unweighted counts).
    fn tables(&mut self, labels: &[String]) -> (PerClass, Confusion) {
        self.sum();
        let per_class = PerClass(
            labels
                .iter()
                .enumerate()
                .map(|(c, label)| {
                    let (precision, recall, f1, support) = prf(self.counts(c));
                    ClassFigures {
                        label: label.clone(),
                        precision,
                        recall,
                        f1,
                        support,
                    }
                })
                .collect(),
        );
        let confusion = Confusion {
            labels: labels.to_vec(),
            counts: self
                .cells
                .chunks(self.k.max(1))
                .map(|row| row.iter().map(|&v| v as usize).collect())
                .collect(),
        };
        (per_class, confusion)
    }

    /// Classes present in gold or predictions; call [`ConfusionScratch::sum`] first.
    fn active(&self) -> Vec<bool> {
        self.rows
            .iter()
            .zip(&self.cols)
            .map(|(&r, &c)| r + c > 0)
            .collect()
    }
}

/// Example indices grouped by counter (a confusion cell, a category outcome), so that the counts
/// of a resample are sums of the examples' weights: no branch and no scattered write per
/// example.
struct Tally {
    /// Example indices, counter by counter, increasing within a counter.
    members: Vec<usize>,
    /// End (exclusive) in `members` of each counter.
    ends: Vec<usize>,
}

impl Tally {
    /// `pairs` are (counter, example), counters below `counters`.
    fn new(counters: usize, pairs: &[(usize, usize)]) -> Tally {
        let mut sizes = vec![0usize; counters];
        for &(c, _) in pairs {
            sizes[c] += 1;
        }
        let mut next = Vec::with_capacity(counters);
        let mut ends = Vec::with_capacity(counters);
        let mut end = 0;
        for size in sizes {
            next.push(end);
            end += size;
            ends.push(end);
        }
        let mut members = vec![0; pairs.len()];
        for &(c, i) in pairs {
            members[next[c]] = i;
            next[c] += 1;
        }
        Tally { members, ends }
    }

    /// Weighted counts, one per counter, into `out`.
    fn count(&self, w: &[u32], out: &mut [u64]) {
        let mut start = 0;
        for (o, &end) in out.iter_mut().zip(&self.ends) {
            *o = self.members[start..end]
                .iter()
                .map(|&i| u64::from(w[i]))
                .sum();
            start = end;
        }
    }
}

/// The examples `rows` in the order in which they are resampled and, when there are
/// probabilities, their [`BinaryData`]. With probabilities the order is by increasing
/// probability, positives (`positive(i)`) first among equal probabilities and then as given;
/// without, as given.
fn resampling_order(
    rows: &[usize],
    positive: impl Fn(usize) -> bool,
    proba: Option<&[f64]>,
) -> (Vec<usize>, Option<BinaryData>) {
    let mut order = rows.to_vec();
    let binary = proba.map(|p| {
        order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(positive(b).cmp(&positive(a))));
        BinaryData::new(&order, &positive, p)
    });
    (order, binary)
}

/// A run of examples with the same probability: positives in `start..mid`, negatives in
/// `mid..end` of the resampling order.
struct Run {
    mid: usize,
    end: usize,
    proba: f64,
    bin: usize,
}

/// A binary decision with probabilities, for ROC AUC, Brier and ECE. The examples are taken in
/// [`resampling_order`], so that each figure only needs the summed weights of the positives and
/// negatives of each run of equal probabilities.
struct BinaryData {
    runs: Vec<Run>,
}

impl BinaryData {
    /// The examples `order` (in resampling order), `positive(i)` telling whether example `i` is
    /// of the positive class and `proba[i]` its probability.
    fn new(order: &[usize], positive: impl Fn(usize) -> bool, proba: &[f64]) -> BinaryData {
        let mut runs: Vec<Run> = Vec::new();
        for (j, &i) in order.iter().enumerate() {
            let (y, p) = (positive(i), proba[i]);
            match runs.last_mut() {
                Some(run) if run.proba == p => {
                    if y {
                        run.mid = j + 1;
                    }
                    run.end = j + 1;
                }
                _ => runs.push(Run {
                    mid: if y { j + 1 } else { j },
                    end: j + 1,
                    proba: p,
                    bin: ((p * ECE_BINS as f64) as usize).min(ECE_BINS - 1),
                }),
            }
        }
        BinaryData { runs }
    }

    /// ROC AUC, Brier score and ECE with weights `w` (in resampling order).
    fn stats(&self, w: &[u32]) -> [f64; 3] {
        let sum = |range: &[u32]| range.iter().map(|&x| u64::from(x)).sum::<u64>() as f64;
        let (mut neg_below, mut pos_total, mut auc_sum, mut squares) = (0.0, 0.0, 0.0, 0.0);
        // Per bin: weight, summed probability, summed outcome.
        let mut bins = [[0.0f64; 3]; ECE_BINS];
        let mut start = 0;
        for run in &self.runs {
            let pos = sum(&w[start..run.mid]);
            let neg = sum(&w[run.mid..run.end]);
            let p = run.proba;
            auc_sum += pos * (neg_below + 0.5 * neg);
            neg_below += neg;
            pos_total += pos;
            squares += pos * (1.0 - p) * (1.0 - p) + neg * p * p;
            let b = &mut bins[run.bin];
            b[0] += pos + neg;
            b[1] += (pos + neg) * p;
            b[2] += pos;
            start = run.end;
        }
        let total = pos_total + neg_below;
        let auc = if pos_total > 0.0 && neg_below > 0.0 {
            auc_sum / (pos_total * neg_below)
        } else {
            f64::NAN
        };
        if total == 0.0 {
            return [auc, f64::NAN, f64::NAN];
        }
        // (n_b / n) · |mean(y)_b − mean(p)_b| = |Σy_b − Σp_b| / n.
        let ece = bins.iter().map(|b| (b[2] - b[1]).abs()).sum::<f64>() / total;
        [auc, squares / total, ece]
    }
}

/// The [`BinaryFigures`] of the positive class `positive` from the estimates of ROC AUC, Brier
/// score and ECE, when there is [`BinaryData`].
fn binary_figures(
    binary: Option<&BinaryData>,
    positive: &str,
    [roc_auc, brier, ece]: [Estimate; 3],
) -> Option<BinaryFigures> {
    binary.map(|_| BinaryFigures {
        positive: positive.to_owned(),
        roc_auc,
        brier,
        ece,
    })
}

/// ROC AUC, Brier score and ECE with weights `w`; NaN without [`BinaryData`].
fn binary_stats(binary: Option<&BinaryData>, w: &[u32]) -> [f64; 3] {
    binary.map_or([f64::NAN; 3], |b| b.stats(w))
}

/// A validated single-label task's examples.
struct SingleLabelData<'a> {
    labels: &'a [String],
    gold: &'a [usize],
    predicted: &'a [usize],
    positive_proba: Option<&'a [f64]>,
}

impl SingleLabelData<'_> {
    /// The figures of the examples `rows` (indices, increasing).
    fn figures(&self, rows: &[usize], bootstrap: &Bootstrap) -> SingleLabelFigures {
        let (labels, gold, predicted) = (self.labels, self.gold, self.predicted);
        let k = labels.len();
        let (order, binary) = resampling_order(rows, |i| gold[i] == 1, self.positive_proba);
        let pairs: Vec<(usize, usize)> = order
            .iter()
            .enumerate()
            .map(|(j, &i)| (gold[i] * k + predicted[i], j))
            .collect();
        let tally = Tally::new(k * k, &pairs);

        let mut scratch = ConfusionScratch::new(k);
        tally.count(&vec![1; rows.len()], &mut scratch.cells);
        let (per_class, confusion) = scratch.tables(labels);
        let active = scratch.active();
        let [accuracy, macro_f1, roc_auc, brier, ece] = run_bootstrap(rows.len(), bootstrap, |w| {
            tally.count(w, &mut scratch.cells);
            let (accuracy, macro_f1) = scratch.accuracy_macro_f1(&active);
            let [auc, brier, ece] = binary_stats(binary.as_ref(), w);
            [accuracy, macro_f1, auc, brier, ece]
        });
        let positive = labels.get(1).map_or("", String::as_str);
        SingleLabelFigures {
            accuracy,
            macro_f1,
            per_class,
            confusion,
            binary: binary_figures(binary.as_ref(), positive, [roc_auc, brier, ece]),
        }
    }
}

/// (TP, FP, FN) of each category, from the counters of [`MultiLabelData::figures`].
fn category_counts(counts: &[u64]) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
    counts[4..].chunks(3).map(|c| (c[0], c[1], c[2]))
}

/// A validated multi-label task's examples, with the gold and predicted any-technique decisions
/// of every example.
struct MultiLabelData<'a> {
    categories: &'a [String],
    gold: &'a [Vec<bool>],
    predicted: &'a [Vec<bool>],
    gold_any: Vec<bool>,
    predicted_any: Vec<bool>,
    any_proba: Option<&'a [f64]>,
}

impl MultiLabelData<'_> {
    /// The figures of the examples `rows` (indices, increasing).
    fn figures(&self, rows: &[usize], bootstrap: &Bootstrap) -> MultiLabelFigures {
        let n = rows.len();
        let m = self.categories.len();
        let gold_any = &self.gold_any;
        let (order, binary) = resampling_order(rows, |i| gold_any[i], self.any_proba);
        // Counters: the any decision's 2×2 confusion (gold · 2 + predicted), then for each
        // category its true positives, false positives and false negatives
        // (`4 + 3·category + outcome`).
        let mut pairs: Vec<(usize, usize)> = Vec::with_capacity(2 * n);
        for (j, &i) in order.iter().enumerate() {
            pairs.push((
                usize::from(gold_any[i]) * 2 + usize::from(self.predicted_any[i]),
                j,
            ));
            for (c, (&g, &p)) in self.gold[i].iter().zip(&self.predicted[i]).enumerate() {
                match (g, p) {
                    (true, true) => pairs.push((4 + 3 * c, j)),
                    (false, true) => pairs.push((4 + 3 * c + 1, j)),
                    (true, false) => pairs.push((4 + 3 * c + 2, j)),
                    (false, false) => {}
                }
            }
        }
        let tally = Tally::new(4 + 3 * m, &pairs);

        let mut counts = vec![0u64; 4 + 3 * m];
        tally.count(&vec![1; n], &mut counts);
        let cat_active: Vec<bool> = category_counts(&counts)
            .map(|(tp, fp, fn_)| tp + fp + fn_ > 0)
            .collect();
        let categories = PerCategory(
            self.categories
                .iter()
                .zip(category_counts(&counts))
                .map(|(category, c)| {
                    let (precision, recall, f1, support) = prf(c);
                    CategoryFigures {
                        category: category.clone(),
                        f1,
                        precision,
                        recall,
                        support,
                    }
                })
                .collect(),
        );
        let mut any = ConfusionScratch::new(2);
        any.cells.copy_from_slice(&counts[..4]);
        let (per_class, confusion) =
            any.tables(&[ANY_NEGATIVE.to_owned(), ANY_POSITIVE.to_owned()]);
        let any_active = any.active();

        let stats = run_bootstrap(n, bootstrap, |w| {
            tally.count(w, &mut counts);
            any.cells.copy_from_slice(&counts[..4]);
            let (accuracy, any_macro_f1) = any.accuracy_macro_f1(&any_active);
            let (any_precision, any_recall, any_f1, _) = prf(any.counts(1));
            let (tp, fp, fn_) = category_counts(&counts).fold((0, 0, 0), |(tp, fp, fn_), c| {
                (tp + c.0, fp + c.1, fn_ + c.2)
            });
            let [auc, brier, ece] = binary_stats(binary.as_ref(), w);
            [
                accuracy,
                mean_f1(category_counts(&counts), &cat_active),
                f1(tp, fp, fn_),
                any_macro_f1,
                any_f1,
                any_precision,
                any_recall,
                auc,
                brier,
                ece,
            ]
        });
        let [accuracy, macro_f1, micro_f1, any_macro_f1, any_f1, any_precision, any_recall, roc_auc, brier, ece] =
            stats;
        MultiLabelFigures {
            accuracy,
            macro_f1,
            micro_f1,
            any: AnyFigures {
                macro_f1: any_macro_f1,
                f1: any_f1,
                precision: any_precision,
                recall: any_recall,
            },
            categories,
            per_class,
            confusion,
            binary: binary_figures(binary.as_ref(), ANY_POSITIVE, [roc_auc, brier, ece]),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bootstrap
// ---------------------------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, deterministic generator, enough for
/// drawing bootstrap indices.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (multiply-shift; the bias, below n / 2⁶⁴, is negligible).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// Computes `K` figures on all `n` examples (every weight 1) and their percentile intervals over
/// `bootstrap.resamples` resamples, where `w[i]` is how many times example `i` was drawn.
fn run_bootstrap<const K: usize>(
    n: usize,
    bootstrap: &Bootstrap,
    mut figures: impl FnMut(&[u32]) -> [f64; K],
) -> [Estimate; K] {
    let mut weights = vec![1u32; n];
    let point = figures(&weights);
    let mut samples: [Vec<f64>; K] =
        std::array::from_fn(|_| Vec::with_capacity(bootstrap.resamples));
    let mut rng = SplitMix64(bootstrap.seed);
    for _ in 0..bootstrap.resamples {
        weights.fill(0);
        for _ in 0..n {
            weights[rng.below(n)] += 1;
        }
        for (s, v) in samples.iter_mut().zip(figures(&weights)) {
            s.push(v);
        }
    }
    std::array::from_fn(|k| {
        let (low, high) = percentile_interval(&mut samples[k]);
        Estimate {
            value: point[k],
            low,
            high,
        }
    })
}

/// The 2.5th and 97.5th percentiles of the defined values; NaN when there are none.
fn percentile_interval(samples: &mut Vec<f64>) -> (f64, f64) {
    samples.retain(|v| !v.is_nan());
    if samples.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    samples.sort_unstable_by(f64::total_cmp);
    (quantile(samples, 0.025), quantile(samples, 0.975))
}

/// Quantile `q` of sorted, non-empty values, interpolating linearly between order statistics.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len() - 1;
    let pos = q * last as f64;
    let lo = (pos.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

// ---------------------------------------------------------------------------------------------
// Serde
// ---------------------------------------------------------------------------------------------

/// An `f64` that is `null` in JSON when NaN (or infinite), and NaN when read from `null`.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_some(v)
        } else {
            s.serialize_none()
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// A row of a table serialized as a JSON object keyed by one of its fields.
trait KeyedRow: Sized {
    /// The other fields.
    type Body: Serialize + DeserializeOwned;
    const EXPECTING: &'static str;
    fn key(&self) -> &str;
    fn body(&self) -> Self::Body;
    fn from_parts(key: String, body: Self::Body) -> Self;
}

fn serialize_rows<R: KeyedRow, S: Serializer>(
    rows: &[R],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(rows.len()))?;
    for row in rows {
        map.serialize_entry(row.key(), &row.body())?;
    }
    map.end()
}

fn deserialize_rows<'de, R: KeyedRow, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Vec<R>, D::Error> {
    struct RowsVisitor<R>(PhantomData<R>);

    impl<'de, R: KeyedRow> Visitor<'de> for RowsVisitor<R> {
        type Value = Vec<R>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(R::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Vec<R>, A::Error> {
            let mut rows: Vec<R> = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
            while let Some((key, body)) = map.next_entry::<String, R::Body>()? {
                if rows.iter().any(|r| r.key() == key) {
                    return Err(de::Error::custom(format_args!("duplicate key {key:?}")));
                }
                rows.push(R::from_parts(key, body));
            }
            Ok(rows)
        }
    }

    deserializer.deserialize_map(RowsVisitor(PhantomData))
}

#[derive(Serialize, Deserialize)]
struct ClassBody {
    #[serde(with = "nan_as_null")]
    precision: f64,
    #[serde(with = "nan_as_null")]
    recall: f64,
    #[serde(with = "nan_as_null")]
    f1: f64,
    support: usize,
}

impl KeyedRow for ClassFigures {
    type Body = ClassBody;
    const EXPECTING: &'static str = "an object mapping each label to its figures";

    fn key(&self) -> &str {
        &self.label
    }

    fn body(&self) -> ClassBody {
        ClassBody {
            precision: self.precision,
            recall: self.recall,
            f1: self.f1,
            support: self.support,
        }
    }

    fn from_parts(label: String, b: ClassBody) -> ClassFigures {
        ClassFigures {
            label,
            precision: b.precision,
            recall: b.recall,
            f1: b.f1,
            support: b.support,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CategoryBody {
    #[serde(with = "nan_as_null")]
    f1: f64,
    #[serde(with = "nan_as_null")]
    precision: f64,
    #[serde(with = "nan_as_null")]
    recall: f64,
    support: usize,
}

impl KeyedRow for CategoryFigures {
    type Body = CategoryBody;
    const EXPECTING: &'static str = "an object mapping each category to its figures";

    fn key(&self) -> &str {
        &self.category
    }

    fn body(&self) -> CategoryBody {
        CategoryBody {
            f1: self.f1,
            precision: self.precision,
            recall: self.recall,
            support: self.support,
        }
    }

    fn from_parts(category: String, b: CategoryBody) -> CategoryFigures {
        CategoryFigures {
            category,
            f1: b.f1,
            precision: b.precision,
            recall: b.recall,
            support: b.support,
        }
    }
}

impl Serialize for PerClass {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        serialize_rows(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for PerClass {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<PerClass, D::Error> {
        deserialize_rows(d).map(PerClass)
    }
}

impl Serialize for PerCategory {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        serialize_rows(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for PerCategory {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<PerCategory, D::Error> {
        deserialize_rows(d).map(PerCategory)
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/// A table cell: `|` escaped, line breaks as spaces.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// What the Markdown of a report shows of a set of figures; [`markdown`] lays it out.
trait MarkdownFigures {
    /// Prefix of the binary figures' names in the headline table.
    const BINARY_PREFIX: &'static str;
    /// Prefix of the binary figures' columns in the by-group table.
    const BINARY_COLUMN_PREFIX: &'static str;
    /// Title of the table of F1 by group.
    const F1_TITLE: &'static str;

    /// The headline figures, named, but the binary ones.
    fn headline(&self) -> Vec<(&'static str, Estimate)>;
    /// The figures of the by-group table, named, but the binary ones.
    fn group_row(&self) -> Vec<(&'static str, Estimate)>;
    /// The probability figures, if any.
    fn binary(&self) -> Option<&BinaryFigures>;
    /// The tables after the headline table.
    fn tables(&self, out: &mut String);
    /// The rows of the table of F1 by group: (class or category, F1).
    fn f1s(&self) -> Vec<(&str, f64)>;
}

impl MarkdownFigures for SingleLabelFigures {
    const BINARY_PREFIX: &'static str = "";
    const BINARY_COLUMN_PREFIX: &'static str = "";
    const F1_TITLE: &'static str = "F1 by class and group";

    fn headline(&self) -> Vec<(&'static str, Estimate)> {
        vec![("accuracy", self.accuracy), ("macro-F1", self.macro_f1)]
    }

    fn group_row(&self) -> Vec<(&'static str, Estimate)> {
        self.headline()
    }

    fn binary(&self) -> Option<&BinaryFigures> {
        self.binary.as_ref()
    }

    fn tables(&self, out: &mut String) {
        per_class_table(out, "Per class", &self.per_class);
        confusion_table(out, "Confusion", &self.confusion);
    }

    fn f1s(&self) -> Vec<(&str, f64)> {
        self.per_class
            .0
            .iter()
            .map(|c| (c.label.as_str(), c.f1))
            .collect()
    }
}

impl MarkdownFigures for MultiLabelFigures {
    const BINARY_PREFIX: &'static str = "any technique: ";
    const BINARY_COLUMN_PREFIX: &'static str = "any: ";
    const F1_TITLE: &'static str = "F1 by category and group";

    fn headline(&self) -> Vec<(&'static str, Estimate)> {
        vec![
            ("macro-F1 (categories)", self.macro_f1),
            ("micro-F1 (categories)", self.micro_f1),
            ("any technique: accuracy", self.accuracy),
            ("any technique: macro-F1", self.any.macro_f1),
            ("any technique: F1", self.any.f1),
            ("any technique: precision", self.any.precision),
            ("any technique: recall", self.any.recall),
        ]
    }

    fn group_row(&self) -> Vec<(&'static str, Estimate)> {
        vec![
            ("macro-F1", self.macro_f1),
            ("micro-F1", self.micro_f1),
            ("any: accuracy", self.accuracy),
            ("any: F1", self.any.f1),
        ]
    }

    fn binary(&self) -> Option<&BinaryFigures> {
        self.binary.as_ref()
    }

    fn tables(&self, out: &mut String) {
        figures_table(
            out,
            "Per category",
            "category",
            self.categories
                .0
                .iter()
                .map(|c| (c.category.as_str(), c.precision, c.recall, c.f1, c.support)),
        );
        per_class_table(out, "Any technique, per class", &self.per_class);
        confusion_table(out, "Any technique, confusion", &self.confusion);
    }

    fn f1s(&self) -> Vec<(&str, f64)> {
        self.categories
            .0
            .iter()
            .map(|c| (c.category.as_str(), c.f1))
            .collect()
    }
}

/// A report as Markdown: a heading with the task and n, the headline figures with their 95%
/// intervals, the figures' tables and, when there are `groups` (name, n, figures), the
/// group figures and the F1 of each class or category by group.
fn markdown<F: MarkdownFigures>(
    task: &str,
    n: usize,
    figures: &F,
    groups: Option<Vec<(&str, usize, &F)>>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {} (n = {n})\n", cell(task));
    out.push_str("| figure | value [95% CI] |\n|---|---|\n");
    for (name, e) in figures.headline() {
        let _ = writeln!(out, "| {name} | {e} |");
    }
    if let Some(b) = figures.binary() {
        let p = F::BINARY_PREFIX;
        let positive = cell(&b.positive);
        let _ = writeln!(out, "| {p}ROC AUC (positive: {positive}) | {} |", b.roc_auc);
        let _ = writeln!(out, "| {p}Brier score | {} |", b.brier);
        let _ = writeln!(out, "| {p}ECE (10 bins) | {} |", b.ece);
    }
    out.push('\n');
    figures.tables(&mut out);
    if let Some(groups) = groups {
        group_table(&mut out, figures, &groups);
        f1_by_group_table(&mut out, figures, &groups);
    }
    out
}

/// A table of precision, recall, F1 and support, one row per class or category.
fn figures_table<'a>(
    out: &mut String,
    title: &str,
    what: &str,
    rows: impl Iterator<Item = (&'a str, f64, f64, f64, usize)>,
) {
    let _ = writeln!(out, "### {title}\n");
    let _ = writeln!(out, "| {what} | precision | recall | F1 | support |");
    out.push_str("|---|---:|---:|---:|---:|\n");
    for (name, precision, recall, f1, support) in rows {
        let _ = writeln!(
            out,
            "| {} | {precision:.3} | {recall:.3} | {f1:.3} | {support} |",
            cell(name)
        );
    }
    out.push('\n');
}

fn per_class_table(out: &mut String, title: &str, per_class: &PerClass) {
    let rows = per_class
        .0
        .iter()
        .map(|c| (c.label.as_str(), c.precision, c.recall, c.f1, c.support));
    figures_table(out, title, "class", rows);
}

fn confusion_table(out: &mut String, title: &str, confusion: &Confusion) {
    let _ = writeln!(out, "### {title} (rows: gold, columns: predicted)\n");
    out.push_str("| gold \\ predicted |");
    for l in &confusion.labels {
        let _ = write!(out, " {} |", cell(l));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(confusion.labels.len()));
    out.push('\n');
    for (label, row) in confusion.labels.iter().zip(&confusion.counts) {
        let _ = write!(out, "| {} |", cell(label));
        for v in row {
            let _ = write!(out, " {v} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

/// A table with one row per group: its name, n, then its figures (the binary ones when some
/// group has them), in the columns of `all`'s figures.
fn group_table<F: MarkdownFigures>(out: &mut String, all: &F, groups: &[(&str, usize, &F)]) {
    let mut columns: Vec<String> = all.group_row().iter().map(|(c, _)| c.to_string()).collect();
    if groups.iter().any(|(_, _, f)| f.binary().is_some()) {
        let p = F::BINARY_COLUMN_PREFIX;
        columns.extend([
            format!("{p}ROC AUC"),
            format!("{p}Brier"),
            format!("{p}ECE"),
        ]);
    }
    out.push_str("### By group\n\n| group | n |");
    for c in &columns {
        let _ = write!(out, " {c} |");
    }
    out.push_str("\n|---|---:|");
    out.push_str(&"---|".repeat(columns.len()));
    out.push('\n');
    for (name, n, figures) in groups {
        let _ = write!(out, "| {} | {n} |", cell(name));
        let mut values: Vec<Estimate> = figures.group_row().iter().map(|&(_, e)| e).collect();
        if let Some(b) = figures.binary() {
            values.extend([b.roc_auc, b.brier, b.ece]);
        }
        for e in values {
            let _ = write!(out, " {e} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

/// A table of F1 with one row per class (or category) of `all` and one column per group.
fn f1_by_group_table<F: MarkdownFigures>(out: &mut String, all: &F, groups: &[(&str, usize, &F)]) {
    let _ = writeln!(out, "### {}\n", F::F1_TITLE);
    out.push_str("| |");
    for (g, _, _) in groups {
        let _ = write!(out, " {} |", cell(g));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(groups.len()));
    out.push('\n');
    let f1s: Vec<Vec<(&str, f64)>> = groups.iter().map(|(_, _, f)| f.f1s()).collect();
    for (i, (name, _)) in all.f1s().into_iter().enumerate() {
        let _ = write!(out, "| {} |", cell(name));
        for group in &f1s {
            match group.get(i) {
                Some((_, v)) => {
                    let _ = write!(out, " {v:.3} |");
                }
                None => out.push_str(" |"),
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

impl SingleLabelReport {
    /// The report as Markdown: a heading with the task and n, the headline figures with their
    /// 95% intervals, the per-class figures, the confusion matrix and, when groups were given,
    /// the headline figures and per-class F1 by group.
    pub fn to_markdown(&self) -> String {
        let groups = self.by_group.as_ref().map(|groups| {
            groups
                .iter()
                .map(|g| (g.group.as_str(), g.n, &g.figures))
                .collect()
        });
        markdown(&self.task, self.n, &self.figures, groups)
    }
}

impl MultiLabelReport {
    /// The report as Markdown: a heading with the task and n, the headline figures with their
    /// 95% intervals, the per-category figures, the any-technique decision's per-class figures
    /// and confusion matrix and, when groups were given, the headline figures and per-category
    /// F1 by group.
    pub fn to_markdown(&self) -> String {
        let groups = self.by_group.as_ref().map(|groups| {
            groups
                .iter()
                .map(|g| (g.group.as_str(), g.n, &g.figures))
                .collect()
        });
        markdown(&self.task, self.n, &self.figures, groups)
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-9;

    fn strings(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| (*s).to_owned()).collect()
    }

    fn no_interval() -> Bootstrap {
        Bootstrap {
            resamples: 0,
            seed: 0,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < EPS
    }

    struct SingleCase {
        name: &'static str,
        labels: &'static [&'static str],
        gold: &'static [usize],
        predicted: &'static [usize],
        accuracy: f64,
        macro_f1: f64,
        /// (precision, recall, f1, support) per label.
        per_class: &'static [(f64, f64, f64, usize)],
        confusion: &'static [&'static [usize]],
    }

    #[test]
    fn single_label_known_cases() {
        let cases = [
            SingleCase {
                name: "three classes",
                labels: &["a", "b", "c"],
                gold: &[0, 0, 0, 1, 1, 2, 2, 2],
                predicted: &[0, 0, 1, 1, 2, 2, 2, 0],
                accuracy: 5.0 / 8.0,
                macro_f1: 11.0 / 18.0,
                per_class: &[
                    (2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 3),
                    (0.5, 0.5, 0.5, 2),
                    (2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 3),
                ],
                confusion: &[&[2, 1, 0], &[0, 1, 1], &[1, 0, 2]],
            },
            SingleCase {
                name: "a label absent everywhere is left out of macro-F1",
                labels: &["a", "b", "c", "d"],
                gold: &[0, 0, 0, 1, 1, 2, 2, 2],
                predicted: &[0, 0, 1, 1, 2, 2, 2, 0],
                accuracy: 5.0 / 8.0,
                macro_f1: 11.0 / 18.0,
                per_class: &[
                    (2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 3),
                    (0.5, 0.5, 0.5, 2),
                    (2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 3),
                    (0.0, 0.0, 0.0, 0),
                ],
                confusion: &[&[2, 1, 0, 0], &[0, 1, 1, 0], &[1, 0, 2, 0], &[0, 0, 0, 0]],
            },
            SingleCase {
                name: "a class only predicted counts with F1 0",
                labels: &["a", "b"],
                gold: &[0, 0],
                predicted: &[0, 1],
                accuracy: 0.5,
                macro_f1: 1.0 / 3.0,
                per_class: &[(1.0, 0.5, 2.0 / 3.0, 2), (0.0, 0.0, 0.0, 0)],
                confusion: &[&[1, 1], &[0, 0]],
            },
            SingleCase {
                name: "binary",
                labels: &["neg", "pos"],
                gold: &[0, 0, 1, 1],
                predicted: &[0, 1, 1, 1],
                accuracy: 0.75,
                macro_f1: (2.0 / 3.0 + 0.8) / 2.0,
                per_class: &[(1.0, 0.5, 2.0 / 3.0, 2), (2.0 / 3.0, 1.0, 0.8, 2)],
                confusion: &[&[1, 1], &[0, 2]],
            },
            SingleCase {
                name: "perfect",
                labels: &["x", "y"],
                gold: &[1, 0, 1],
                predicted: &[1, 0, 1],
                accuracy: 1.0,
                macro_f1: 1.0,
                per_class: &[(1.0, 1.0, 1.0, 1), (1.0, 1.0, 1.0, 2)],
                confusion: &[&[1, 0], &[0, 2]],
            },
        ];
        for case in &cases {
            let labels = strings(case.labels);
            let r = evaluate(
                "t",
                &labels,
                case.gold,
                case.predicted,
                None,
                None,
                &no_interval(),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert_eq!(r.n, case.gold.len(), "{}", case.name);
            assert!(
                close(r.figures.accuracy.value, case.accuracy),
                "{}: accuracy {:?}",
                case.name,
                r.figures.accuracy
            );
            assert!(
                close(r.figures.macro_f1.value, case.macro_f1),
                "{}: macro-F1 {:?}",
                case.name,
                r.figures.macro_f1
            );
            assert!(
                r.figures.accuracy.low.is_nan() && r.figures.accuracy.high.is_nan(),
                "{}",
                case.name
            );
            assert_eq!(r.figures.per_class.0.len(), labels.len(), "{}", case.name);
            for (c, &(p, rec, f, s)) in r.figures.per_class.0.iter().zip(case.per_class) {
                assert!(
                    close(c.precision, p)
                        && close(c.recall, rec)
                        && close(c.f1, f)
                        && c.support == s,
                    "{}: {c:?}",
                    case.name
                );
            }
            let expected: Vec<Vec<usize>> = case.confusion.iter().map(|r| r.to_vec()).collect();
            assert_eq!(r.figures.confusion.counts, expected, "{}", case.name);
            assert_eq!(r.figures.confusion.labels, labels, "{}", case.name);
            assert!(r.figures.binary.is_none() && r.by_group.is_none());
        }
    }

    struct BinaryCase {
        name: &'static str,
        gold: &'static [usize],
        proba: &'static [f64],
        roc_auc: f64,
        brier: f64,
        ece: f64,
    }

    #[test]
    fn binary_known_cases() {
        let cases = [
            BinaryCase {
                name: "scikit-learn's example",
                gold: &[0, 0, 1, 1],
                proba: &[0.1, 0.4, 0.35, 0.8],
                roc_auc: 0.75,
                brier: 0.6325 / 4.0,
                ece: 1.35 / 4.0,
            },
            BinaryCase {
                name: "a tie between a positive and a negative counts one half",
                gold: &[0, 1, 0, 1],
                proba: &[0.5, 0.5, 0.2, 0.9],
                roc_auc: 3.5 / 4.0,
                brier: (0.25 + 0.25 + 0.04 + 0.01) / 4.0,
                // Bins 5 (two examples: mean p 0.5, mean y 0.5), 2 and 9.
                ece: (0.0 + 0.2 + 0.1) / 4.0,
            },
            BinaryCase {
                name: "all tied",
                gold: &[0, 1, 1, 0],
                proba: &[0.3, 0.3, 0.3, 0.3],
                roc_auc: 0.5,
                brier: (0.09 + 0.49 + 0.49 + 0.09) / 4.0,
                ece: 0.2,
            },
            BinaryCase {
                name: "shared bins",
                gold: &[0, 1, 1, 1],
                proba: &[0.12, 0.18, 0.85, 0.95],
                roc_auc: 1.0,
                brier: (0.0144 + 0.6724 + 0.0225 + 0.0025) / 4.0,
                ece: 0.5 * 0.35 + 0.25 * 0.15 + 0.25 * 0.05,
            },
            BinaryCase {
                name: "inverted, with probabilities 0 and 1",
                gold: &[1, 0],
                proba: &[0.0, 1.0],
                roc_auc: 0.0,
                brier: 1.0,
                ece: 1.0,
            },
            BinaryCase {
                name: "one class only: AUC undefined",
                gold: &[1, 1, 1],
                proba: &[0.9, 0.6, 0.9],
                roc_auc: f64::NAN,
                brier: (0.01 + 0.16 + 0.01) / 3.0,
                ece: (0.1 + 0.1 + 0.4) / 3.0,
            },
        ];
        let labels = strings(&["neg", "pos"]);
        for case in &cases {
            let predicted: Vec<usize> = case.proba.iter().map(|&p| usize::from(p >= 0.5)).collect();
            let r = evaluate(
                "t",
                &labels,
                case.gold,
                &predicted,
                Some(case.proba),
                None,
                &Bootstrap::default(),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let b = r
                .figures
                .binary
                .unwrap_or_else(|| panic!("{}: no binary figures", case.name));
            assert_eq!(b.positive, "pos");
            if case.roc_auc.is_nan() {
                assert!(b.roc_auc.value.is_nan(), "{}: {:?}", case.name, b.roc_auc);
                assert!(
                    b.roc_auc.low.is_nan() && b.roc_auc.high.is_nan(),
                    "{}",
                    case.name
                );
            } else {
                assert!(
                    close(b.roc_auc.value, case.roc_auc),
                    "{}: AUC {:?}",
                    case.name,
                    b.roc_auc
                );
            }
            assert!(
                close(b.brier.value, case.brier),
                "{}: Brier {:?}",
                case.name,
                b.brier
            );
            assert!(
                close(b.ece.value, case.ece),
                "{}: ECE {:?}",
                case.name,
                b.ece
            );
        }
    }

    struct MultiCase {
        name: &'static str,
        gold: &'static [[bool; 3]],
        predicted: &'static [[bool; 3]],
        predicted_any: Option<&'static [bool]>,
        macro_f1: f64,
        micro_f1: f64,
        /// (f1, precision, recall, support) per category.
        categories: &'static [(f64, f64, f64, usize)],
        accuracy: f64,
        /// any: macro-F1, F1, precision, recall.
        any: [f64; 4],
        confusion: [[usize; 2]; 2],
    }

    const T: bool = true;
    const F: bool = false;
    const ML_GOLD: &[[bool; 3]] = &[[T, F, F], [F, T, F], [F, F, F], [T, T, F], [F, F, F]];
    const ML_PRED: &[[bool; 3]] = &[[T, F, F], [F, F, F], [F, F, T], [T, F, F], [F, F, F]];

    #[test]
    fn multilabel_known_cases() {
        let categories_fig = &[(1.0, 1.0, 1.0, 2), (0.0, 0.0, 0.0, 2), (0.0, 0.0, 0.0, 0)];
        let cases = [
            MultiCase {
                name: "any derived from the categories",
                gold: ML_GOLD,
                predicted: ML_PRED,
                predicted_any: None,
                macro_f1: 1.0 / 3.0,
                micro_f1: 4.0 / 7.0,
                categories: categories_fig,
                accuracy: 0.6,
                any: [7.0 / 12.0, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0],
                confusion: [[1, 1], [1, 2]],
            },
            MultiCase {
                name: "any given separately",
                gold: ML_GOLD,
                predicted: ML_PRED,
                predicted_any: Some(&[T, T, T, T, F]),
                macro_f1: 1.0 / 3.0,
                micro_f1: 4.0 / 7.0,
                categories: categories_fig,
                accuracy: 0.8,
                any: [(6.0 / 7.0 + 2.0 / 3.0) / 2.0, 6.0 / 7.0, 0.75, 1.0],
                confusion: [[1, 1], [0, 3]],
            },
            MultiCase {
                name: "nothing anywhere",
                gold: &[[F, F, F], [F, F, F]],
                predicted: &[[F, F, F], [F, F, F]],
                predicted_any: None,
                macro_f1: 0.0,
                micro_f1: 0.0,
                categories: &[(0.0, 0.0, 0.0, 0); 3],
                accuracy: 1.0,
                any: [1.0, 0.0, 0.0, 0.0],
                confusion: [[2, 0], [0, 0]],
            },
        ];
        let cats = strings(&["x", "y", "z"]);
        for case in &cases {
            let gold: Vec<Vec<bool>> = case.gold.iter().map(|r| r.to_vec()).collect();
            let predicted: Vec<Vec<bool>> = case.predicted.iter().map(|r| r.to_vec()).collect();
            let r = evaluate_multilabel(
                "persuasion",
                &cats,
                &gold,
                &predicted,
                case.predicted_any,
                None,
                None,
                &Bootstrap::default(),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert_eq!(r.n, gold.len());
            assert!(
                close(r.figures.macro_f1.value, case.macro_f1),
                "{}: {:?}",
                case.name,
                r.figures.macro_f1
            );
            assert!(
                close(r.figures.micro_f1.value, case.micro_f1),
                "{}: {:?}",
                case.name,
                r.figures.micro_f1
            );
            assert!(
                close(r.figures.accuracy.value, case.accuracy),
                "{}: {:?}",
                case.name,
                r.figures.accuracy
            );
            let any = [
                r.figures.any.macro_f1,
                r.figures.any.f1,
                r.figures.any.precision,
                r.figures.any.recall,
            ];
            for (got, want) in any.iter().zip(case.any) {
                assert!(
                    close(got.value, want),
                    "{}: any {:?}",
                    case.name,
                    r.figures.any
                );
                assert!(
                    got.low <= got.value + EPS && got.value <= got.high + EPS,
                    "{}",
                    case.name
                );
            }
            for (c, &(f, p, rec, s)) in r.figures.categories.0.iter().zip(case.categories) {
                assert!(
                    close(c.f1, f)
                        && close(c.precision, p)
                        && close(c.recall, rec)
                        && c.support == s,
                    "{}: {c:?}",
                    case.name
                );
            }
            assert_eq!(
                r.figures.confusion.labels,
                strings(&[ANY_NEGATIVE, ANY_POSITIVE])
            );
            let expected: Vec<Vec<usize>> = case.confusion.iter().map(|r| r.to_vec()).collect();
            assert_eq!(r.figures.confusion.counts, expected, "{}", case.name);
            let tech = r
                .figures
                .per_class
                .get(ANY_POSITIVE)
                .expect("technique class");
            assert!(close(tech.f1, case.any[1]), "{}", case.name);
        }
    }

    /// `n` examples of `k` classes, about 70% right, with a probability that class 1 is right
    /// (informative but noisy) and a group per example (fr, en, de in turn).
    fn synthetic(n: usize, k: usize) -> (Vec<usize>, Vec<usize>, Vec<f64>, Vec<String>) {
        let mut rng = SplitMix64(42);
        let mut gold = Vec::new();
        let mut predicted = Vec::new();
        let mut proba = Vec::new();
        let mut groups = Vec::new();
        for i in 0..n {
            let g = rng.below(k);
            let right = rng.below(10) < 7;
            let p = if right { g } else { rng.below(k) };
            gold.push(g);
            predicted.push(p);
            let noise = rng.below(1000) as f64 / 2000.0;
            proba.push(if g == 1 { 0.45 + noise } else { 0.05 + noise });
            groups.push(["fr", "en", "de"][i % 3].to_owned());
        }
        (gold, predicted, proba, groups)
    }

    #[test]
    fn bootstrap_interval_contains_the_estimate_and_is_deterministic() {
        let (gold, predicted, proba, groups) = synthetic(300, 2);
        let labels = strings(&["neg", "pos"]);
        let run = |seed| {
            evaluate(
                "t",
                &labels,
                &gold,
                &predicted,
                Some(&proba),
                Some(&groups),
                &Bootstrap {
                    resamples: 500,
                    seed,
                },
            )
        };
        let a = run(7).expect("valid");
        let b = run(7).expect("valid");
        let c = run(8).expect("valid");
        assert_eq!(a, b);
        assert_ne!(a, c, "another seed gives other intervals");
        let bin = a.figures.binary.as_ref().expect("binary");
        for e in [
            a.figures.accuracy,
            a.figures.macro_f1,
            bin.roc_auc,
            bin.brier,
            bin.ece,
        ] {
            assert!(e.low <= e.value && e.value <= e.high, "{e:?}");
            assert!(e.high - e.low > 0.0 && e.high - e.low < 0.3, "{e:?}");
        }
        // Groups: sorted by name, each the same as evaluating its examples alone.
        let by_group = a.by_group.as_ref().expect("groups");
        let names: Vec<&str> = by_group.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(names, ["de", "en", "fr"]);
        assert_eq!(by_group.iter().map(|g| g.n).sum::<usize>(), 300);
        let idx: Vec<usize> = (0..300).filter(|i| groups[*i] == "en").collect();
        let sub = |v: &[usize]| idx.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let sub_proba: Vec<f64> = idx.iter().map(|&i| proba[i]).collect();
        let en = evaluate(
            "t",
            &labels,
            &sub(&gold),
            &sub(&predicted),
            Some(&sub_proba),
            None,
            &Bootstrap {
                resamples: 500,
                seed: 7,
            },
        )
        .expect("valid");
        assert_eq!(by_group[1].figures.accuracy, en.figures.accuracy);
        assert_eq!(by_group[1].figures.binary, en.figures.binary);
        assert_eq!(by_group[1].figures.per_class, en.figures.per_class);
    }

    #[test]
    fn multilabel_bootstrap_contains_the_estimate() {
        let mut rng = SplitMix64(3);
        let (mut gold, mut predicted, mut proba, mut groups) = (vec![], vec![], vec![], vec![]);
        for i in 0..400 {
            let g: Vec<bool> = (0..6).map(|_| rng.below(5) == 0).collect();
            let p: Vec<bool> = g
                .iter()
                .map(|&x| if rng.below(5) == 0 { !x } else { x })
                .collect();
            proba.push(
                if g.iter().any(|&x| x) { 0.7 } else { 0.2 } + rng.below(100) as f64 / 1000.0,
            );
            gold.push(g);
            predicted.push(p);
            groups.push(if i % 4 == 0 { "en" } else { "fr" }.to_owned());
        }
        let cats = strings(&["a", "b", "c", "d", "e", "f"]);
        let run = || {
            evaluate_multilabel(
                "persuasion",
                &cats,
                &gold,
                &predicted,
                None,
                Some(&proba),
                Some(&groups),
                &Bootstrap::default(),
            )
            .expect("valid")
        };
        let r = run();
        assert_eq!(r, run());
        let b = r.figures.binary.as_ref().expect("binary");
        for e in [
            r.figures.accuracy,
            r.figures.macro_f1,
            r.figures.micro_f1,
            r.figures.any.macro_f1,
            r.figures.any.f1,
            r.figures.any.precision,
            r.figures.any.recall,
            b.roc_auc,
            b.brier,
            b.ece,
        ] {
            assert!(e.low <= e.value && e.value <= e.high, "{e:?}");
        }
        let by_group = r.by_group.as_ref().expect("groups");
        assert_eq!(by_group.len(), 2);
        assert_eq!((by_group[0].group.as_str(), by_group[0].n), ("en", 100));
    }

    #[test]
    fn an_empty_group_name_is_the_unknown_group() {
        let labels = strings(&["a", "b"]);
        let groups = strings(&["", "fr", "", "en"]);
        let r = evaluate(
            "t",
            &labels,
            &[0, 1, 0, 1],
            &[0, 1, 1, 1],
            None,
            Some(&groups),
            &no_interval(),
        );
        let names: Vec<(String, usize)> = r
            .map(|r| r.by_group.unwrap_or_default())
            .unwrap_or_default()
            .into_iter()
            .map(|g| (g.group, g.n))
            .collect();
        let want = [("en", 1), ("fr", 1), (UNKNOWN_GROUP, 2)];
        assert_eq!(names, want.map(|(g, n)| (g.to_string(), n)));
    }

    #[test]
    fn invalid_input_is_a_config_error() {
        let l2 = strings(&["a", "b"]);
        let l3 = strings(&["a", "b", "c"]);
        let b = no_interval();
        let cases: Vec<(&str, Result<SingleLabelReport>)> = vec![
            (
                "predicted has 1 entries but gold has 2",
                evaluate("t", &l2, &[0, 1], &[0], None, None, &b),
            ),
            (
                "positive_proba has 1",
                evaluate("t", &l2, &[0, 1], &[0, 1], Some(&[0.5]), None, &b),
            ),
            (
                "groups has 1",
                evaluate("t", &l2, &[0, 1], &[0, 1], None, Some(&strings(&["x"])), &b),
            ),
            (
                "gold[1] = 2 is out of range",
                evaluate("t", &l2, &[0, 2], &[0, 1], None, None, &b),
            ),
            (
                "predicted[0] = 5 is out of range",
                evaluate("t", &l2, &[0, 1], &[5, 1], None, None, &b),
            ),
            ("no examples", evaluate("t", &l2, &[], &[], None, None, &b)),
            (
                "labels is empty",
                evaluate("t", &[], &[0], &[0], None, None, &b),
            ),
            (
                "\"a\" is given twice",
                evaluate("t", &strings(&["a", "a"]), &[0], &[0], None, None, &b),
            ),
            (
                "binary tasks",
                evaluate("t", &l3, &[0, 1], &[0, 1], Some(&[0.1, 0.2]), None, &b),
            ),
            (
                "positive_proba[1] = 1.5",
                evaluate("t", &l2, &[0, 1], &[0, 1], Some(&[0.1, 1.5]), None, &b),
            ),
            (
                "positive_proba[0] = NaN",
                evaluate("t", &l2, &[0, 1], &[0, 1], Some(&[f64::NAN, 0.5]), None, &b),
            ),
        ];
        for (want, got) in cases {
            match got {
                Err(Error::Config(msg)) => assert!(msg.contains(want), "{msg:?} lacks {want:?}"),
                other => panic!("{want}: expected Error::Config, got {other:?}"),
            }
        }
        let cats = strings(&["x", "y"]);
        let row = |a: bool, b: bool| vec![a, b];
        let gold = vec![row(true, false), row(false, false)];
        let ml = |g: &[Vec<bool>], p: &[Vec<bool>], any: Option<&[bool]>, proba: Option<&[f64]>| {
            evaluate_multilabel("p", &cats, g, p, any, proba, None, &b)
        };
        let cases: Vec<(&str, Result<MultiLabelReport>)> = vec![
            ("predicted has 1 entries", ml(&gold, &gold[..1], None, None)),
            (
                "predicted[1] has 3 values but there are 2 categories",
                ml(&gold, &[row(true, true), vec![true; 3]], None, None),
            ),
            (
                "gold[0] has 1 values",
                ml(&[vec![true], row(true, true)], &gold, None, None),
            ),
            (
                "predicted_any has 3",
                ml(&gold, &gold, Some(&[true, true, false]), None),
            ),
            ("any_proba has 1", ml(&gold, &gold, None, Some(&[0.5]))),
            (
                "any_proba[0] = -0.1",
                ml(&gold, &gold, None, Some(&[-0.1, 0.5])),
            ),
            ("no examples", ml(&[], &[], None, None)),
            (
                "categories is empty",
                evaluate_multilabel("p", &[], &gold, &gold, None, None, None, &b),
            ),
        ];
        for (want, got) in cases {
            match got {
                Err(Error::Config(msg)) => assert!(msg.contains(want), "{msg:?} lacks {want:?}"),
                other => panic!("{want}: expected Error::Config, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_class_absent_everywhere_does_not_panic() {
        let labels = strings(&["a", "b", "never"]);
        let gold = [0, 1, 1, 0, 1];
        let predicted = [0, 1, 0, 0, 1];
        let groups = strings(&["x", "y", "y", "x", "y"]);
        let r = evaluate(
            "t",
            &labels,
            &gold,
            &predicted,
            None,
            Some(&groups),
            &Bootstrap::default(),
        )
        .expect("valid");
        let never = r.figures.per_class.get("never").expect("listed");
        assert_eq!((never.f1, never.support), (0.0, 0));
        assert!(r.figures.macro_f1.value > 0.7, "{:?}", r.figures.macro_f1);
        // Group "x" has a single class in gold and predictions: macro-F1 over that one class.
        let x = &r.by_group.as_ref().expect("groups")[0];
        assert_eq!(x.n, 2);
        assert!(close(x.figures.macro_f1.value, 1.0));
        // A single example.
        let one =
            evaluate("t", &labels, &[2], &[0], None, None, &Bootstrap::default()).expect("valid");
        assert_eq!(one.figures.accuracy.value, 0.0);
        assert_eq!(
            (one.figures.accuracy.low, one.figures.accuracy.high),
            (0.0, 0.0)
        );
    }

    /// The same JSON, numbers equal to 1e-12 (serde_json's float parsing may change the last
    /// digit) and object keys in the same order.
    fn assert_json_close(a: &serde_json::Value, b: &serde_json::Value) {
        use serde_json::Value;
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (
                    x.as_f64().unwrap_or(f64::NAN),
                    y.as_f64().unwrap_or(f64::NAN),
                );
                assert!((x - y).abs() <= 1e-12, "{x} != {y}");
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len());
                x.iter().zip(y).for_each(|(x, y)| assert_json_close(x, y));
            }
            (Value::Object(x), Value::Object(y)) => {
                assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
                x.values()
                    .zip(y.values())
                    .for_each(|(x, y)| assert_json_close(x, y));
            }
            _ => assert_eq!(a, b),
        }
    }

    #[test]
    fn json_keeps_per_class_keyed_by_label_and_round_trips() {
        let (gold, predicted, proba, groups) = synthetic(60, 2);
        let labels = strings(&["against", "for"]);
        let r = evaluate(
            "stance",
            &labels,
            &gold,
            &predicted,
            Some(&proba),
            Some(&groups),
            &Bootstrap {
                resamples: 50,
                seed: 1,
            },
        )
        .expect("valid");
        let json = serde_json::to_string(&r).expect("serializes");
        let v: serde_json::Value = serde_json::from_str(&json).expect("parses");
        for key in [
            "task",
            "n",
            "accuracy",
            "macro_f1",
            "per_class",
            "confusion",
            "binary",
            "by_group",
        ] {
            assert!(v.get(key).is_some(), "missing {key} in {json}");
        }
        let per_class = v["per_class"].as_object().expect("per_class is an object");
        assert_eq!(per_class.keys().collect::<Vec<_>>(), ["against", "for"]);
        for field in ["precision", "recall", "f1", "support"] {
            assert!(per_class["for"].get(field).is_some(), "missing {field}");
        }
        assert!(v["accuracy"]["value"].is_f64() && v["accuracy"]["low"].is_f64());
        assert!(v["binary"]["roc_auc"]["high"].is_f64());
        assert!(v["by_group"][0]["per_class"].is_object());
        let back: SingleLabelReport = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back.figures.per_class.0.len(), 2);
        assert_eq!(back.figures.confusion, r.figures.confusion);
        assert_json_close(&serde_json::to_value(&back).expect("serializes"), &v);

        // Undefined figures are null and read back as NaN; absent parts are left out.
        let one_class = evaluate(
            "t",
            &labels,
            &[1, 1],
            &[1, 0],
            Some(&[0.9, 0.2]),
            None,
            &no_interval(),
        )
        .expect("valid");
        let json = serde_json::to_string(&one_class).expect("serializes");
        let v: serde_json::Value = serde_json::from_str(&json).expect("parses");
        assert!(v["binary"]["roc_auc"]["value"].is_null());
        assert!(v["accuracy"]["low"].is_null());
        assert!(v.get("by_group").is_none());
        let back: SingleLabelReport = serde_json::from_str(&json).expect("deserializes");
        assert!(back
            .figures
            .binary
            .as_ref()
            .expect("binary")
            .roc_auc
            .value
            .is_nan());
        assert_eq!(serde_json::to_string(&back).expect("serializes"), json);

        // Multi-label: categories keyed by category, the any figures, micro-F1.
        let cats = strings(&["loaded", "fear", "authority"]);
        let gold: Vec<Vec<bool>> = ML_GOLD.iter().map(|r| r.to_vec()).collect();
        let predicted: Vec<Vec<bool>> = ML_PRED.iter().map(|r| r.to_vec()).collect();
        let m = evaluate_multilabel(
            "persuasion",
            &cats,
            &gold,
            &predicted,
            None,
            Some(&[0.9, 0.4, 0.6, 0.8, 0.1]),
            Some(&strings(&["fr", "fr", "en", "en", "fr"])),
            &Bootstrap::default(),
        )
        .expect("valid");
        let json = serde_json::to_string(&m).expect("serializes");
        let v: serde_json::Value = serde_json::from_str(&json).expect("parses");
        for key in [
            "task",
            "n",
            "accuracy",
            "macro_f1",
            "micro_f1",
            "any",
            "categories",
            "per_class",
            "confusion",
            "binary",
        ] {
            assert!(v.get(key).is_some(), "missing {key} in {json}");
        }
        assert_eq!(v["categories"].as_object().expect("object").len(), 3);
        assert!(v["categories"]["loaded"]["f1"].is_f64());
        // In category order in the text, and read back in that order.
        let at = |k: &str| {
            json.find(&format!("\"{k}\":{{\"f1\""))
                .unwrap_or(usize::MAX)
        };
        assert!(
            at("loaded") < at("fear") && at("fear") < at("authority"),
            "{json}"
        );
        assert!(v["per_class"]["technique"]["recall"].is_f64());
        for field in ["macro_f1", "f1", "precision", "recall"] {
            assert!(v["any"][field]["value"].is_f64(), "any.{field}");
        }
        let back: MultiLabelReport = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back.figures.categories, m.figures.categories);
        assert_json_close(&serde_json::to_value(&back).expect("serializes"), &v);

        // A duplicate key is refused.
        let dup = r#"{"a": {"precision": 1, "recall": 1, "f1": 1, "support": 1},
                      "a": {"precision": 1, "recall": 1, "f1": 1, "support": 1}}"#;
        assert!(serde_json::from_str::<PerClass>(dup).is_err());
    }

    #[test]
    fn markdown_has_heading_figures_and_tables() {
        let labels = strings(&["neg", "p|s"]);
        let r = evaluate(
            "stance",
            &labels,
            &[0, 0, 1, 1],
            &[0, 1, 1, 1],
            Some(&[0.1, 0.4, 0.35, 0.8]),
            Some(&strings(&["fr", "en", "fr", "en"])),
            &Bootstrap::default(),
        )
        .expect("valid");
        let md = r.to_markdown();
        assert!(md.starts_with("## stance (n = 4)\n"), "{md}");
        assert!(
            md.contains(&format!("| accuracy | {} |", r.figures.accuracy)),
            "{md}"
        );
        assert!(md.contains("| accuracy | 0.750 ["), "{md}");
        assert!(md.contains("ROC AUC (positive: p\\|s) | 0.750 ["), "{md}");
        assert!(md.contains("| neg | 1.000 | 0.500 | 0.667 | 2 |"), "{md}");
        assert!(md.contains("| gold \\ predicted | neg | p\\|s |\n|---|---:|---:|\n| neg | 1 | 1 |\n| p\\|s | 0 | 2 |"), "{md}");
        assert!(md.contains("### By group"), "{md}");
        assert!(md.contains("| en | 2 |"), "{md}");

        let no_ci =
            evaluate("t", &labels, &[0, 1], &[0, 1], None, None, &no_interval()).expect("valid");
        assert!(no_ci.to_markdown().contains("| accuracy | 1.000 |"));

        let cats = strings(&["x", "y", "z"]);
        let gold: Vec<Vec<bool>> = ML_GOLD.iter().map(|r| r.to_vec()).collect();
        let predicted: Vec<Vec<bool>> = ML_PRED.iter().map(|r| r.to_vec()).collect();
        let m = evaluate_multilabel(
            "persuasion",
            &cats,
            &gold,
            &predicted,
            None,
            None,
            Some(&strings(&["fr", "fr", "en", "en", "fr"])),
            &Bootstrap::default(),
        )
        .expect("valid")
        .to_markdown();
        assert!(m.starts_with("## persuasion (n = 5)\n"), "{m}");
        assert!(m.contains("| micro-F1 (categories) | 0.571 ["), "{m}");
        assert!(m.contains("| x | 1.000 | 1.000 | 1.000 | 2 |"), "{m}");
        assert!(
            m.contains("| technique | 0.667 | 0.667 | 0.667 | 3 |"),
            "{m}"
        );
        assert!(m.contains("F1 by category and group"), "{m}");
    }

    #[test]
    fn estimate_display() {
        let e = Estimate {
            value: 0.7123,
            low: 0.69,
            high: 0.7341,
        };
        assert_eq!(e.to_string(), "0.712 [0.690, 0.734]");
        assert_eq!(format!("{e:.1}"), "0.7 [0.7, 0.7]");
        let nan = Estimate {
            value: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
        assert_eq!(nan.to_string(), "n/a");
    }

    #[test]
    fn splitmix64_matches_the_reference() {
        let mut rng = SplitMix64(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn quantiles_interpolate() {
        let mut v: Vec<f64> = (0..=40).rev().map(f64::from).collect();
        v.push(f64::NAN);
        let (low, high) = percentile_interval(&mut v);
        assert!(close(low, 1.0) && close(high, 39.0), "{low} {high}");
        assert!(percentile_interval(&mut vec![f64::NAN]).0.is_nan());
    }
}
