//! The stance classifier: a [`ModelFile`] (the format of the other models, checksummed) whose
//! dense features are the [`StanceSpec`] features and whose n-grams are grouped per language
//! and per target; linear heads ([`HEADS`]: short posts, sentences of news articles, and with
//! evidence sentences of news articles in a language without evidence) with the classes
//! `favor`, `against`, `none`.
//!
//! Its evidence tables ([`crate::model::Evidence`]) are those of the other classifiers, with
//! a group (`lang:en`, `target:russia`) in place of the language: a unit's evidence is looked
//! up in its language's group and in its target's ([`unit_evidence`]). The outputs
//! ([`evidence_outputs`]) are each class in the language group (`lang.favor`, ...), then each
//! class in the target group (`target.favor`, ...); a language group's ratios are zero for the
//! target outputs and the reverse, so that the two stay apart. A unit in a language without
//! tables (French) has no evidence (its evidence features stay at zero, the training mean) and
//! a long text's units are scored by the `dense` head. A model file without evidence (two
//! heads, trained before it) is read and predicts as it was trained.

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::lexicon::Lexicon;
use crate::model::lookup::Lookup;
use crate::model::{check_lexicon_refs, EvidenceOf, Head, LexiconRef, ModelFile};
use crate::task::Task;

use super::features::{
    language_group, ngram_name_hash, target_group, unit_gram_counts, unit_ngrams, StanceSpec,
    TextView, Unit, LANGUAGE_GROUP,
};
use super::vocabulary::Vocabulary;

/// The classes of the stance heads, in order.
pub const STANCE_CLASSES: [&str; 3] = ["favor", "against", "none"];

/// The evidence outputs: each class of [`STANCE_CLASSES`] in the language group, then in the
/// target group.
pub fn evidence_outputs() -> Vec<String> {
    ["lang", "target"]
        .iter()
        .flat_map(|g| STANCE_CLASSES.iter().map(move |c| format!("{g}.{c}")))
        .collect()
}

/// The raw evidence of a unit's word and character n-gram counts (model 0 of `lookup`): its
/// language group's plus its target group's (zeros for a group without tables).
pub(crate) fn unit_evidence(
    lookup: &Lookup,
    language: &str,
    target: Option<&str>,
    words: &[(u64, u32)],
    chars: &[(u64, u32)],
) -> Vec<f32> {
    let mut v = lookup.evidence_from_counts(0, &language_group(language), words, chars);
    if let Some(t) = target {
        let w = lookup.evidence_from_counts(0, &target_group(t), words, chars);
        for (x, y) in v.iter_mut().zip(w) {
            *x += y;
        }
    }
    v
}

/// The heads, in order: `posts` scores short texts (fewer than 60 words: posts, tweets,
/// headlines), `news` the sentences of longer texts, and `dense` (in models with evidence) the
/// sentences of longer texts in a language without evidence tables (French): the news head
/// fitted without evidence features.
pub const HEADS: [&str; 3] = ["posts", "news", "dense"];

/// The shipped stance model (source name, gzip-compressed JSON).
#[cfg(feature = "embedded-models")]
const EMBEDDED: Option<(&str, &[u8])> = Some((
    "models/stance.json.gz",
    include_bytes!("../../models/stance.json.gz"),
));
/// The shipped stance model (not embedded in this build).
#[cfg(not(feature = "embedded-models"))]
const EMBEDDED: Option<(&str, &[u8])> = None;

/// A stance model ready to predict.
#[derive(Debug, Clone)]
pub struct StanceModel {
    file: Arc<ModelFile>,
    source: String,
    index: FxHashMap<u64, u32>,
    /// Per n-gram: whether it belongs to a target group (else a language group).
    is_target: Vec<bool>,
    targets: Vec<String>,
    /// The evidence tables (none without evidence).
    lookup: Lookup,
    /// The language codes that evidence tables exist for (their group without `lang:`).
    evidence_languages: Vec<String>,
}

impl StanceModel {
    /// The shipped model (`models/stance.json.gz`, embedded in the binary).
    pub fn embedded() -> Result<StanceModel> {
        match EMBEDDED {
            Some((name, bytes)) => StanceModel::new(ModelFile::from_bytes(bytes, name)?, name),
            None => Err(Error::Model {
                file: "models/stance.json.gz".into(),
                reason: "this build does not embed the shipped models (feature embedded-models)"
                    .into(),
            }),
        }
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<StanceModel> {
        let file = ModelFile::load(path)?;
        StanceModel::new(file, &path.display().to_string())
    }

    /// Parses a model file's JSON; `source` names it in errors.
    pub fn from_json(json: &str, source: &str) -> Result<StanceModel> {
        StanceModel::new(ModelFile::from_json(json, source)?, source)
    }

    /// A model from a parsed file: refused unless it is a stance model with this build's
    /// stance features and one head of the stance classes.
    /// Its values and shapes are checked as [`ModelFile::validate`] checks them (a file built in
    /// code has not been through [`ModelFile::from_json`]).
    pub fn new(file: ModelFile, source: &str) -> Result<StanceModel> {
        if matches!(file.task, Task::Stance | Task::EntityStance) {
            file.validate(source)?;
        }
        StanceModel::unvalidated(file, source)
    }

    /// [`StanceModel::new`] without [`ModelFile::validate`]: training builds the model's
    /// input vectors with a file whose heads are not fitted yet.
    pub(crate) fn unvalidated(file: ModelFile, source: &str) -> Result<StanceModel> {
        let bad = |reason: String| Error::Model {
            file: source.to_string(),
            reason,
        };
        if !matches!(file.task, Task::Stance | Task::EntityStance) {
            return Err(bad(format!("is a {} model, not a stance model", file.task)));
        }
        let spec = StanceSpec::default();
        if file.feature_spec_fingerprint != spec.fingerprint()
            || file.dense_features != spec.names()
        {
            return Err(bad(format!(
                "trained with stance features version {} ({}), this build has version {} ({})",
                file.feature_spec_version,
                file.feature_spec_fingerprint,
                spec.version(),
                spec.fingerprint()
            )));
        }
        let expected = heads_of(&file);
        let heads_ok = file.heads.len() == expected.len()
            && file
                .heads
                .iter()
                .zip(expected)
                .all(|(h, name)| h.name == *name && h.classes == STANCE_CLASSES);
        if !heads_ok {
            return Err(bad(format!(
                "expected the heads {expected:?} with the classes {STANCE_CLASSES:?}"
            )));
        }
        let mut index = FxHashMap::default();
        let mut is_target = Vec::with_capacity(file.ngrams.len());
        let mut targets: Vec<String> = Vec::new();
        for (i, g) in file.ngrams.iter().enumerate() {
            index.insert(ngram_name_hash(&g.text), i as u32);
            let target = g
                .text
                .strip_prefix("target:")
                .and_then(|r| r.split_once('|'))
                .map(|(t, _)| t);
            if let Some(t) = target {
                if targets.last().map(String::as_str) != Some(t) && !targets.iter().any(|x| x == t)
                {
                    targets.push(t.to_string());
                }
            }
            is_target.push(target.is_some());
        }
        if file
            .evidence
            .as_ref()
            .is_some_and(|e| e.outputs != evidence_outputs())
        {
            return Err(bad(format!(
                "expected the evidence outputs {:?}",
                evidence_outputs()
            )));
        }
        let evidence_languages = file
            .evidence
            .iter()
            .flat_map(|e| &e.tables)
            .filter_map(|t| t.language.strip_prefix(LANGUAGE_GROUP).map(str::to_string))
            .collect();
        let file = Arc::new(file);
        let lookup = Lookup::new(vec![Arc::new(EvidenceOf(Arc::clone(&file)))]);
        Ok(StanceModel {
            file,
            source: source.to_string(),
            index,
            is_target,
            targets,
            lookup,
            evidence_languages,
        })
    }

    /// The model file.
    pub fn file(&self) -> &ModelFile {
        &self.file
    }

    /// The ids of the targets that have n-gram features of their own.
    pub fn trained_targets(&self) -> &[String] {
        &self.targets
    }

    /// The head for a unit of a text in `language`: `posts` for short texts, else `news`, or
    /// `dense` when the model has one and no evidence for the language.
    pub(crate) fn head(&self, short_text: bool, language: &str) -> &Head {
        let h = match short_text {
            true => 0,
            false if self.file.heads.len() > 2 && !self.has_evidence(language) => 2,
            false => 1,
        };
        &self.file.heads[h]
    }

    /// Checks that the model was trained with these lexicons and evaluative vocabularies.
    pub(crate) fn check(&self, lexicons: &[Lexicon], vocabularies: &[Vocabulary]) -> Result<()> {
        let mut refs: Vec<LexiconRef> = lexicon_refs(lexicons);
        refs.extend(vocabulary_refs(vocabularies));
        let bad = |reason: String| Error::Model {
            file: self.source.clone(),
            reason,
        };
        check_lexicon_refs(
            &self.file.lexicons,
            &refs,
            "lexicons and vocabularies",
            "the stance features",
        )
        .map_err(bad)
    }

    /// The input vector of a unit: TF-IDF of its n-grams (L2-normalized per group), then its
    /// standardized dense features, then its standardized evidence and language indicator.
    pub(crate) fn input(
        &self,
        view: &TextView<'_>,
        unit: &Unit,
        dense: &[f32],
        target: Option<&str>,
    ) -> Vec<(u32, f32)> {
        let lang = language_group(view.language);
        let tgroup = target.map(target_group);
        let groups: Vec<&str> = std::iter::once(lang.as_str())
            .chain(tgroup.as_deref())
            .collect();
        // A unigram and a bigram per token and group, at most.
        let mut hashes = Vec::with_capacity(2 * groups.len() * unit.scope.len());
        unit_ngrams(view, unit, &groups, false, |_, h, _| hashes.push(h));
        // Looked up in a loop of their own: the look-ups do not depend on each other, so the
        // processor overlaps their cache misses (the index is far larger than its caches).
        let found: Vec<u32> = hashes
            .iter()
            .filter_map(|h| self.index.get(h).copied())
            .collect();
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        for i in found {
            *counts.entry(i).or_insert(0) += 1;
        }
        let counts: Vec<(u32, u32)> = counts.into_iter().collect();
        let evidence = self.has_evidence(view.language).then(|| {
            let (words, chars, _) = unit_gram_counts(view, unit, false);
            unit_evidence(&self.lookup, view.language, target, &words, &chars)
        });
        self.input_from_counts(&counts, dense, evidence.as_deref(), view.language)
    }

    /// The input vector from n-gram counts by feature index, dense features and raw evidence
    /// (training gives out-of-fold evidence) of a unit in `language`.
    pub(crate) fn input_from_counts(
        &self,
        counts: &[(u32, u32)],
        dense: &[f32],
        evidence: Option<&[f32]>,
        language: &str,
    ) -> Vec<(u32, f32)> {
        let mut v: Vec<(u32, f32)> = counts
            .iter()
            .filter_map(|&(i, c)| {
                let g = self.file.ngrams.get(i as usize)?;
                Some((i, (1.0 + (c as f32).ln()) * g.idf))
            })
            .collect();
        for target in [false, true] {
            let norm = v
                .iter()
                .filter(|(i, _)| self.is_target[*i as usize] == target)
                .map(|(_, x)| x * x)
                .sum::<f32>()
                .sqrt();
            if norm > 0.0 {
                for (i, x) in v.iter_mut() {
                    if self.is_target[*i as usize] == target {
                        *x /= norm;
                    }
                }
            }
        }
        v.sort_unstable_by_key(|(i, _)| *i);
        self.file.input(v, dense, evidence, language, None)
    }

    /// Whether it has evidence tables for a language (else the unit's evidence features are
    /// left at zero).
    pub(crate) fn has_evidence(&self, language: &str) -> bool {
        self.evidence_languages.iter().any(|l| l == language)
    }

    /// The look-up tables of its evidence.
    pub(crate) fn lookup(&self) -> &Lookup {
        &self.lookup
    }

    /// The n-gram feature index of a hash, if selected.
    pub(crate) fn ngram_index(&self, hash: u64) -> Option<u32> {
        self.index.get(&hash).copied()
    }

    /// The name of input feature `i` ([`ModelFile::feature_name`]).
    pub fn feature_name(&self, i: usize) -> String {
        self.file.feature_name(i)
    }
}

/// The heads a model file must have, in order: [`HEADS`], without `dense` in a model without
/// evidence.
pub(crate) fn heads_of(file: &ModelFile) -> &'static [&'static str] {
    &HEADS[..if file.evidence.is_some() { 3 } else { 2 }]
}

/// The references a stance model records for lexicons.
pub(crate) fn lexicon_refs(lexicons: &[Lexicon]) -> Vec<LexiconRef> {
    lexicons
        .iter()
        .map(|l| LexiconRef {
            name: l.name().to_string(),
            version: l.version().to_string(),
            sha256: l.sha256().to_string(),
        })
        .collect()
}

/// The references a stance model records for evaluative vocabularies.
pub(crate) fn vocabulary_refs(vocabularies: &[Vocabulary]) -> Vec<LexiconRef> {
    vocabularies
        .iter()
        .map(|v| LexiconRef {
            name: v.name(),
            version: v.version().to_string(),
            sha256: v.sha256().to_string(),
        })
        .collect()
}
