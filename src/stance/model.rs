//! The stance classifier: a [`ModelFile`] (the format of the other models, checksummed; it has no evidence tables) whose dense features
//! are the [`StanceSpec`] features and whose n-grams are grouped per language and per target;
//! two linear heads ([`HEADS`]: short posts, sentences of news articles) with the classes
//! `favor`, `against`, `none`.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::lexicon::Lexicon;
use crate::model::{Head, LexiconRef, ModelFile};
use crate::task::Task;

use super::features::{
    language_group, ngram_name_hash, target_group, unit_ngrams, StanceSpec, TextView, Unit,
};
use super::vocabulary::Vocabulary;

/// The classes of the stance heads, in order.
pub const STANCE_CLASSES: [&str; 3] = ["favor", "against", "none"];

/// The heads, in order: `posts` scores short texts (fewer than 60 words: posts, tweets,
/// headlines), `news` scores the sentences of longer texts.
pub const HEADS: [&str; 2] = ["posts", "news"];

/// The shipped stance model (source name, JSON).
#[cfg(feature = "embedded-models")]
const EMBEDDED: Option<(&str, &str)> = Some((
    "models/stance.json",
    include_str!("../../models/stance.json"),
));
/// The shipped stance model (not embedded in this build).
#[cfg(not(feature = "embedded-models"))]
const EMBEDDED: Option<(&str, &str)> = None;

/// A stance model ready to predict.
#[derive(Debug, Clone)]
pub struct StanceModel {
    file: ModelFile,
    source: String,
    index: FxHashMap<u64, u32>,
    /// Per n-gram: whether it belongs to a target group (else a language group).
    is_target: Vec<bool>,
    targets: Vec<String>,
}

impl StanceModel {
    /// The shipped model (`models/stance.json`, embedded in the binary).
    pub fn embedded() -> Result<StanceModel> {
        match EMBEDDED {
            Some((name, json)) => StanceModel::from_json(json, name),
            None => Err(Error::Model {
                file: "models/stance.json".into(),
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
    pub fn new(file: ModelFile, source: &str) -> Result<StanceModel> {
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
        let heads_ok = file.heads.len() == HEADS.len()
            && file
                .heads
                .iter()
                .zip(HEADS)
                .all(|(h, name)| h.name == name && h.classes == STANCE_CLASSES);
        if !heads_ok {
            return Err(bad(format!(
                "expected the heads {HEADS:?} with the classes {STANCE_CLASSES:?}"
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
        Ok(StanceModel {
            file,
            source: source.to_string(),
            index,
            is_target,
            targets,
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

    /// The head for a text: `posts` for short texts, `news` otherwise.
    pub(crate) fn head(&self, short_text: bool) -> &Head {
        &self.file.heads[usize::from(!short_text)]
    }

    /// The head of this name (the news head when there is none of that name).
    pub(crate) fn head_named(&self, name: &str) -> &Head {
        self.file
            .heads
            .iter()
            .find(|h| h.name == name)
            .unwrap_or(&self.file.heads[1])
    }

    /// Checks that the model was trained with these lexicons and evaluative vocabularies.
    pub(crate) fn check(&self, lexicons: &[Lexicon], vocabularies: &[Vocabulary]) -> Result<()> {
        let mut refs: Vec<LexiconRef> = lexicon_refs(lexicons);
        refs.extend(vocabulary_refs(vocabularies));
        let bad = |reason: String| Error::Model {
            file: self.source.clone(),
            reason,
        };
        if refs.len() != self.file.lexicons.len() {
            let names: Vec<&str> = refs.iter().map(|l| l.name.as_str()).collect();
            let trained: Vec<&str> = self.file.lexicons.iter().map(|l| l.name.as_str()).collect();
            return Err(bad(format!(
                "trained with lexicons and vocabularies {trained:?}, the analyzer loads {names:?}: \
                 the stance features would differ"
            )));
        }
        for l in &self.file.lexicons {
            match refs.iter().find(|x| x.name == l.name) {
                Some(x) if x.sha256 == l.sha256 => {}
                Some(x) => {
                    return Err(bad(format!(
                        "trained with {} {} (sha256 {}), the analyzer has {} (sha256 {})",
                        l.name, l.version, l.sha256, x.version, x.sha256
                    )))
                }
                None => {
                    return Err(bad(format!(
                        "trained with {} {}, which the analyzer does not load",
                        l.name, l.version
                    )))
                }
            }
        }
        Ok(())
    }

    /// The input vector of a unit: TF-IDF of its n-grams (L2-normalized per group), then its
    /// standardized dense features.
    pub(crate) fn input(
        &self,
        view: &TextView<'_>,
        unit: &Unit,
        dense: &[f32],
        target: Option<&str>,
    ) -> Vec<(u32, f32)> {
        let lang = language_group(view.language);
        let tgroup = target.map(target_group);
        let mut groups: Vec<&str> = vec![lang.as_str()];
        if let Some(t) = &tgroup {
            groups.push(t.as_str());
        }
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        unit_ngrams(view, unit, &groups, false, |_, h, _| {
            if let Some(&i) = self.index.get(&h) {
                *counts.entry(i).or_insert(0) += 1;
            }
        });
        let counts: Vec<(u32, u32)> = counts.into_iter().collect();
        self.input_from_counts(&counts, dense)
    }

    /// The input vector from n-gram counts by feature index.
    pub(crate) fn input_from_counts(
        &self,
        counts: &[(u32, u32)],
        dense: &[f32],
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
        let offset = self.file.ngrams.len() as u32;
        let s = &self.file.scaler;
        for (j, x) in dense.iter().enumerate() {
            let (Some(m), Some(sd)) = (s.mean.get(j), s.scale.get(j)) else {
                break;
            };
            let z = (x - m) / sd;
            if z != 0.0 && z.is_finite() {
                v.push((offset + j as u32, z.clamp(-10.0, 10.0)));
            }
        }
        v
    }

    /// The n-gram feature index of a hash, if selected.
    pub(crate) fn ngram_index(&self, hash: u64) -> Option<u32> {
        self.index.get(&hash).copied()
    }

    /// The name of input feature `i`.
    pub fn feature_name(&self, i: usize) -> String {
        match self.file.ngrams.get(i) {
            Some(g) => g.text.clone(),
            None => self
                .file
                .dense_features
                .get(i - self.file.ngrams.len())
                .cloned()
                .unwrap_or_default(),
        }
    }
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
