//! Trained classifiers: the versioned model file, loading with integrity checks, and
//! prediction. Training lives in [`train`].
//!
//! A model file is one JSON document. Its `format_version` comes first and a file of an unknown
//! version is refused; it records the feature spec and lexicon hashes it was trained with (a
//! model is refused by an analyzer whose features differ), a summary of its training data, its
//! validation figures, and a SHA-256 checksum of everything else, so that a truncated or edited
//! file is refused with the reason.

pub(crate) mod evidence;
pub(crate) mod linear;
pub(crate) mod lookup;
pub(crate) mod ngrams;
mod score;
pub mod train;

pub use evidence::{Evidence, EvidenceTable, GramKind};
use linear::BinaryHeads;
pub use linear::{Head, Platt};
pub use ngrams::Ngram;
pub(crate) use score::Context;
pub use score::Models;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::features::FeatureSpec;
use crate::lexicon::Lexicon;
use crate::task::Task;

use lookup::{Lookup, Source, TableSource};

/// The newest model file format version this build writes (version 2 added [`Evidence`],
/// version 3 the article context of paragraph-level models,
/// [`ModelFile::article_context`]). A file is written with the lowest version that holds
/// what it contains ([`ModelFile::needed_format_version`]), so that builds which read only
/// older versions still read the files that do not use the newer parts.
pub const MODEL_FORMAT_VERSION: u32 = 3;

/// The model file format versions this build reads.
pub const READABLE_FORMAT_VERSIONS: [u32; 3] = [1, 2, 3];

/// The largest model file this build reads, in bytes (once decompressed): a hundred times the
/// largest shipped model, so that `--model /dev/zero` or a gzip bomb is refused rather than read
/// until memory runs out.
pub const MAX_MODEL_BYTES: usize = 1 << 30;

/// Reads `from` into `out`, stopping one byte past [`MAX_MODEL_BYTES`] (a length that
/// [`ModelFile::from_bytes`] refuses).
fn read_limited(from: impl std::io::Read, out: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    from.take(MAX_MODEL_BYTES as u64 + 1).read_to_end(out)?;
    Ok(())
}

/// A lexicon a model was trained with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LexiconRef {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of its file.
    pub sha256: String,
}

/// Standardization of the dense features: `(x - mean) / scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    /// Means on the training data.
    pub mean: Vec<f32>,
    /// Standard deviations on the training data (1 where a feature is constant).
    pub scale: Vec<f32>,
}

/// What a model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    /// Data files, as given to `partipris train`.
    pub data: Vec<String>,
    /// Training examples.
    pub n_train: usize,
    /// Validation examples.
    pub n_validation: usize,
    /// Training examples per class (for `persuasion`, positive examples per category).
    pub class_counts: Vec<usize>,
    /// Training examples per language.
    pub languages: Vec<(String, usize)>,
    /// Random seed.
    pub seed: u64,
    /// Dense features left out of training (held at zero, so their weights are zero), such as
    /// house-style cues of the training sources that would not carry over to other outlets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_features: Vec<String>,
}

impl TrainingSummary {
    /// Training examples per language (sorted by code) from each example's language.
    pub(crate) fn count_languages<'a>(
        languages: impl Iterator<Item = &'a str>,
    ) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for l in languages {
            match counts.iter_mut().find(|(x, _)| x == l) {
                Some((_, n)) => *n += 1,
                None => counts.push((l.to_string(), 1)),
            }
        }
        counts.sort();
        counts
    }
}

/// Headline validation figures of one head, measured when the model was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationSummary {
    /// The head.
    pub head: String,
    /// Examples.
    pub n: usize,
    /// Macro-F1.
    pub macro_f1: f64,
    /// Accuracy.
    pub accuracy: f64,
    /// F1 of the positive class (binary heads).
    pub f1: Option<f64>,
}

/// The contents of a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Format version: [`MODEL_FORMAT_VERSION`].
    pub format_version: u32,
    /// The task.
    pub task: Task,
    /// The crate version that trained it.
    pub trained_by: String,
    /// Version and fingerprint of the feature spec of the dense features.
    pub feature_spec_version: u32,
    /// [`FeatureSpec::fingerprint`] at training.
    pub feature_spec_fingerprint: String,
    /// Lexicons the dense features were computed with.
    pub lexicons: Vec<LexiconRef>,
    /// Names of the dense features ([`FeatureSpec::names`]).
    pub dense_features: Vec<String>,
    /// The selected n-grams (the first features).
    pub ngrams: Vec<Ngram>,
    /// Standardization of the dense features (after the n-grams).
    pub scaler: Scaler,
    /// N-gram evidence features (after the dense features); absent in format version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// (Paragraph-level models, format version 3) standardization of the article-context
    /// features, which come after the evidence features: the dense features of the whole
    /// article a paragraph stands in, then the article's raw n-gram evidence under this
    /// model's evidence tables. Every paragraph of an article gets the same values, so that
    /// a paragraph is read in the light of its article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_context: Option<Scaler>,
    /// The heads: one for single-label tasks; for `persuasion`, one per category then "any".
    pub heads: Vec<Head>,
    /// Training data summary.
    pub training: TrainingSummary,
    /// Validation figures.
    pub validation: Vec<ValidationSummary>,
    /// SHA-256 (hex) of the file's JSON with this field empty.
    #[serde(default)]
    pub checksum: String,
}

/// The largest magnitude of a head's weights, intercepts, calibration and decision offsets,
/// and of an n-gram's IDF, that a model file may hold (the shipped models' stay below 10):
/// far enough below `f32::MAX` that no score summed over an input vector overflows to an
/// infinity, whose differences would make the probabilities NaN.
pub const MAX_PARAMETER: f32 = 1e6;

/// The heads (name, classes, in order) that a model of `task` has, as [`train`] writes them:
/// one head named after the task with the task's labels, or for `persuasion` one head per
/// category (`none` and the category) then `any` (`none`, `technique`). `None` for the stance
/// tasks, whose heads [`crate::stance::StanceModel::new`] checks.
pub(crate) fn expected_heads(task: Task) -> Option<Vec<(&'static str, Vec<&'static str>)>> {
    match task {
        Task::Stance | Task::EntityStance => None,
        Task::Persuasion => Some(
            crate::task::PERSUASION_CATEGORIES
                .iter()
                .map(|c| (*c, vec![crate::eval::ANY_NEGATIVE, *c]))
                .chain(std::iter::once((
                    "any",
                    vec![crate::eval::ANY_NEGATIVE, crate::eval::ANY_POSITIVE],
                )))
                .collect(),
        ),
        task => Some(vec![(task.name(), task.labels().to_vec())]),
    }
}

#[derive(Deserialize)]
struct VersionOnly {
    format_version: Option<u32>,
}

/// Refuses a missing or unknown format version.
fn check_version(version: Option<u32>) -> std::result::Result<(), String> {
    match version {
        Some(v) if READABLE_FORMAT_VERSIONS.contains(&v) => Ok(()),
        Some(v) => Err(format!(
            "unknown format_version {v} (this build reads {READABLE_FORMAT_VERSIONS:?})"
        )),
        None => Err("missing format_version".into()),
    }
}

/// The checksum of a file as [`ModelFile::to_json`] writes it (compact, `checksum` last),
/// computed on its text: the text with the checksum's value emptied is the JSON the checksum
/// was computed on. `None` for a file laid out otherwise (reformatted, say), whose checksum
/// is then computed from the parsed model.
fn checksum_of_written_file(json: &str) -> Option<String> {
    const KEY: &str = "\"checksum\":\"";
    let body = json.strip_suffix("\"}")?;
    let at = body.rfind(KEY)? + KEY.len();
    if !body[at..].bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut hasher = Sha256::new();
    hasher.update(&json.as_bytes()[..at]);
    hasher.update(b"\"}");
    Some(hex(&hasher.finalize()))
}

/// The first two bytes of gzip data (JSON never starts with them).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether a model file's name says it is gzip-compressed.
fn is_gzip_name(name: &str) -> bool {
    name.ends_with(".gz")
}

/// Lower-case hexadecimal digits of bytes.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl ModelFile {
    /// The checksum of the file's contents (with `checksum` itself empty).
    pub fn compute_checksum(&self) -> Result<String> {
        let mut copy = self.clone();
        copy.checksum = String::new();
        let json = serde_json::to_vec(&copy)
            .map_err(|e| Error::Config(format!("cannot serialize the model: {e}")))?;
        Ok(hex(&Sha256::digest(&json)))
    }

    /// Seals a trained model: its format version becomes the lowest that holds it
    /// ([`ModelFile::needed_format_version`]) and its checksum that of its contents.
    pub fn seal(&mut self) -> Result<()> {
        self.format_version = self.needed_format_version();
        self.checksum = self.compute_checksum()?;
        Ok(())
    }

    /// Serializes the model, with its checksum, as JSON.
    pub fn to_json(&self) -> Result<String> {
        let mut copy = self.clone();
        copy.checksum = self.compute_checksum()?;
        serde_json::to_string(&copy)
            .map_err(|e| Error::Config(format!("cannot serialize the model: {e}")))
    }

    /// Writes the model to a file, gzip-compressed when its name ends in `.gz`, whole or not
    /// at all ([`crate::output::write_file`]): a failure leaves a model already there as it was.
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = self.to_json()?;
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes = if is_gzip_name(&path.to_string_lossy()) {
            use std::io::Write;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(json.as_bytes()).map_err(io)?;
            gz.finish().map_err(io)?
        } else {
            json.into_bytes()
        };
        crate::output::write_file(path, &bytes)
    }

    /// Parses a model file's bytes: JSON, or gzip-compressed JSON when `source` (the file's
    /// name, also used in errors) ends in `.gz` or the bytes start as gzip data do (one gzip
    /// member or several, as `bgzip` writes). A model over [`MAX_MODEL_BYTES`] is refused.
    pub fn from_bytes(bytes: &[u8], source: &str) -> Result<ModelFile> {
        let mut text = Vec::new();
        let bytes = if is_gzip_name(source) || bytes.starts_with(&GZIP_MAGIC) {
            read_limited(flate2::read::MultiGzDecoder::new(bytes), &mut text).map_err(|e| {
                Error::Model {
                    file: source.to_string(),
                    reason: format!("not a gzip-compressed model: {e}"),
                }
            })?;
            &text[..]
        } else {
            bytes
        };
        if bytes.len() > MAX_MODEL_BYTES {
            return Err(Error::Model {
                file: source.to_string(),
                reason: format!("larger than {MAX_MODEL_BYTES} bytes (decompressed): not read"),
            });
        }
        let json = std::str::from_utf8(bytes).map_err(|e| match e.error_len() {
            // The bytes stop inside a character: a file cut short, like any other truncation.
            None => Error::Model {
                file: source.to_string(),
                reason: format!(
                    "truncated: the file ends inside a character at byte {}, before the model \
                     is complete",
                    e.valid_up_to()
                ),
            },
            Some(_) => Error::InvalidUtf8 {
                path: source.into(),
                offset: e.valid_up_to(),
            },
        })?;
        ModelFile::from_json(json, source)
    }

    /// Parses a model file's JSON; `source` names it in errors. Refuses unknown format
    /// versions, malformed JSON and files whose checksum does not match.
    pub fn from_json(json: &str, source: &str) -> Result<ModelFile> {
        let bad = |reason: String| Error::Model {
            file: source.to_string(),
            reason,
        };
        let not_json = |e: serde_json::Error| {
            if e.is_eof() {
                bad(format!(
                    "truncated: the JSON ends before the model is complete ({e})"
                ))
            } else {
                bad(format!("not a model file: {e}"))
            }
        };
        // The whole file is parsed first; only when that fails is the version read on its own,
        // so that a file of another format version is refused for that reason.
        let model: ModelFile = match serde_json::from_str(json) {
            Ok(model) => model,
            Err(e) => {
                let version: VersionOnly = serde_json::from_str(json).map_err(not_json)?;
                check_version(version.format_version).map_err(bad)?;
                return Err(if e.is_eof() {
                    not_json(e)
                } else {
                    bad(format!("malformed model: {e}"))
                });
            }
        };
        check_version(Some(model.format_version)).map_err(bad)?;
        if checksum_of_written_file(json).is_none_or(|c| c != model.checksum) {
            let expected = model.compute_checksum()?;
            if model.checksum != expected {
                return Err(bad(format!(
                    "checksum mismatch (file says {:?}, contents hash to {expected}): the file \
                     was edited or damaged",
                    model.checksum
                )));
            }
        }
        model.validate(source)?;
        Ok(model)
    }

    /// Checks what the checksum cannot: that the scaler, the n-grams, the evidence and the
    /// heads fit together and hold finite values in range (weights, intercepts, calibration,
    /// decision offsets and IDF at most [`MAX_PARAMETER`] in magnitude), and that the heads
    /// are those of the model's task, with its classes in its order (for `persuasion`, one
    /// head per category then `any`; the stance tasks' heads are checked by
    /// [`crate::stance::StanceModel::new`]). [`ModelFile::from_json`], [`Models::from_files`]
    /// and [`crate::stance::StanceModel::new`] call it; `source` names the model in errors.
    pub fn validate(&self, source: &str) -> Result<()> {
        let bad = |reason: String| Error::Model {
            file: source.to_string(),
            reason,
        };
        if let Some(e) = &self.evidence {
            e.check().map_err(bad)?;
        }
        if self.format_version < self.needed_format_version() {
            return Err(bad(format!(
                "format version {} cannot hold what the file holds (evidence needs version 2, \
                 an article context version 3; this file needs {})",
                self.format_version,
                self.needed_format_version()
            )));
        }
        if let Some(a) = &self.article_context {
            let expected = self.article_context_len();
            if a.mean.len() != expected || a.scale.len() != expected {
                return Err(bad(format!(
                    "article context scaler has {} means and {} scales, expected {expected} (the \
                     dense features, then the raw evidence)",
                    a.mean.len(),
                    a.scale.len()
                )));
            }
        }
        let n_features = self.n_features();
        if self.scaler.mean.len() != self.scaler.scale.len()
            || self.scaler.mean.len() != self.dense_features.len()
        {
            return Err(bad(
                "scaler mean, scale and dense feature names differ in length".into(),
            ));
        }
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        let scaler_ok =
            |s: &Scaler| finite(&s.mean) && s.scale.iter().all(|x| x.is_finite() && *x > 0.0);
        if !scaler_ok(&self.scaler) || !self.article_context.as_ref().is_none_or(scaler_ok) {
            return Err(bad(
                "the scaler holds a non-finite mean or a scale that is not positive".into(),
            ));
        }
        if let Some(g) = self.ngrams.iter().find(|g| !g.idf.is_finite()) {
            return Err(bad(format!("n-gram {:?} has a non-finite IDF", g.text)));
        }
        if let Some(g) = self.ngrams.iter().find(|g| g.idf.abs() > MAX_PARAMETER) {
            return Err(bad(format!(
                "n-gram {:?} has an IDF of {}, out of range (at most {MAX_PARAMETER:e} in \
                 magnitude)",
                g.text, g.idf
            )));
        }
        if self.heads.is_empty() {
            return Err(bad("the model has no heads".into()));
        }
        for h in &self.heads {
            let platt_ok = h.platt.is_none_or(|p| p.a.is_finite() && p.b.is_finite());
            let threshold_ok = h.threshold.is_none_or(|t| (0.0..=1.0).contains(&t));
            let offsets_ok = h
                .offsets
                .as_ref()
                .is_none_or(|o| o.len() == h.classes.len() && finite(o));
            if !finite(&h.weights)
                || !finite(&h.intercept)
                || !platt_ok
                || !threshold_ok
                || !offsets_ok
            {
                return Err(bad(format!(
                    "head {:?} holds a non-finite weight, intercept, calibration or decision \
                     offset, a threshold outside [0, 1], or offsets that are not one per class",
                    h.name
                )));
            }
            let in_range = |v: &[f32]| v.iter().all(|x| x.abs() <= MAX_PARAMETER);
            let platt = h.platt.map_or([0.0; 2], |p| [p.a, p.b]);
            if !in_range(&h.weights)
                || !in_range(&h.intercept)
                || !in_range(&platt)
                || !in_range(h.offsets.as_deref().unwrap_or_default())
            {
                return Err(bad(format!(
                    "head {:?} holds a weight, intercept, calibration or decision offset out of \
                     range (at most {MAX_PARAMETER:e} in magnitude): its scores would overflow",
                    h.name
                )));
            }
            if h.classes.is_empty()
                || h.weights.len() != n_features * h.classes.len()
                || h.intercept.len() != h.classes.len()
            {
                return Err(bad(format!(
                    "head {:?} has weights for {} values, expected {} features × {} classes",
                    h.name,
                    h.weights.len(),
                    n_features,
                    h.classes.len()
                )));
            }
        }
        if let Some(expected) = expected_heads(self.task) {
            let found: Vec<(&str, Vec<&str>)> = self
                .heads
                .iter()
                .map(|h| {
                    (
                        h.name.as_str(),
                        h.classes.iter().map(String::as_str).collect(),
                    )
                })
                .collect();
            if found != expected {
                return Err(bad(format!(
                    "a {} model must have the heads (name, classes) {expected:?}, this one has \
                     {found:?}",
                    self.task
                )));
            }
        }
        Ok(())
    }

    /// Loads a model file (gzip-compressed when its name ends in `.gz` or its bytes are gzip
    /// data, [`ModelFile::from_bytes`]). A file that is not
    /// UTF-8 is refused with [`Error::InvalidUtf8`] naming it, any other damage (also a file
    /// cut short inside a character) with [`Error::Model`] (see [`ModelFile::from_json`]).
    pub fn load(path: &Path) -> Result<ModelFile> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut bytes = Vec::new();
        read_limited(std::fs::File::open(path).map_err(io)?, &mut bytes).map_err(io)?;
        ModelFile::from_bytes(&bytes, &path.display().to_string())
    }

    /// Checks that the model was trained with this feature spec and these lexicons.
    pub fn check_compatible(
        &self,
        spec: &FeatureSpec,
        lexicons: &[Lexicon],
        source: &str,
    ) -> Result<()> {
        let bad = |reason: String| Error::Model {
            file: source.to_string(),
            reason,
        };
        if self.feature_spec_fingerprint != spec.fingerprint()
            || self.scaler.mean.len() != spec.len()
        {
            return Err(bad(format!(
                "trained with feature spec version {} ({}), the analyzer has version {} ({})",
                self.feature_spec_version,
                self.feature_spec_fingerprint,
                spec.version(),
                spec.fingerprint()
            )));
        }
        let loaded: Vec<LexiconRef> = lexicons
            .iter()
            .map(|l| LexiconRef {
                name: l.name().to_string(),
                version: l.version().to_string(),
                sha256: l.sha256().to_string(),
            })
            .collect();
        check_lexicon_refs(
            &self.lexicons,
            &loaded,
            "lexicons",
            "the markers, and so the features",
        )
        .map_err(bad)
    }
}

/// Checks that the lexicons an analyzer loads (`loaded`, in its order) are those a model was
/// trained with (`trained`): the same files, by name and SHA-256, in the same order (where
/// two lexicons hold one phrase, the earlier one's entry is matched, so their order changes
/// the markers). `what` names the lists in the message (`lexicons`), `differ` what would
/// differ. Returns the reason of a refusal.
pub(crate) fn check_lexicon_refs(
    trained: &[LexiconRef],
    loaded: &[LexiconRef],
    what: &str,
    differ: &str,
) -> std::result::Result<(), String> {
    let names =
        |refs: &[LexiconRef]| -> Vec<String> { refs.iter().map(|l| l.name.clone()).collect() };
    if trained.len() != loaded.len() {
        return Err(format!(
            "trained with {what} {:?}, the analyzer loads {:?}: {differ} would differ",
            names(trained),
            names(loaded)
        ));
    }
    for l in trained {
        match loaded.iter().find(|x| x.name == l.name) {
            Some(x) if x.sha256 == l.sha256 => {}
            Some(x) => {
                return Err(format!(
                    "trained with lexicon {} {} (sha256 {}), the analyzer has {} (sha256 {})",
                    l.name, l.version, l.sha256, x.version, x.sha256
                ))
            }
            None => {
                return Err(format!(
                    "trained with lexicon {} {}, which the analyzer does not load",
                    l.name, l.version
                ))
            }
        }
    }
    let same = |a: &LexiconRef, b: &LexiconRef| a.name == b.name && a.sha256 == b.sha256;
    if !trained.iter().zip(loaded).all(|(a, b)| same(a, b)) {
        return Err(format!(
            "trained with {what} {:?} in this order, the analyzer loads them as {:?}: where two \
             lexicons hold one phrase the earlier one's entry is matched, so {differ} would \
             differ",
            names(trained),
            names(loaded)
        ));
    }
    Ok(())
}

impl TableSource for ModelFile {
    fn source(&self) -> Source<'_> {
        Source {
            ngrams: &self.ngrams,
            evidence: self.evidence.as_ref(),
        }
    }
}

/// A model file's evidence without its n-grams (a stance model looks those up itself).
#[derive(Debug)]
pub(crate) struct EvidenceOf(pub(crate) Arc<ModelFile>);

impl TableSource for EvidenceOf {
    fn source(&self) -> Source<'_> {
        Source {
            ngrams: &[],
            evidence: self.0.evidence.as_ref(),
        }
    }
}

/// A text's word and character n-gram counts by hash (sorted) and its dense features
/// ([`FeatureSpec::vector`]): what training and evaluation read of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counts<'a> {
    /// Word n-gram counts.
    pub words: &'a [(u64, u32)],
    /// Character n-gram counts.
    pub chars: &'a [(u64, u32)],
    /// Dense features.
    pub dense: &'a [f32],
}

/// A model ready to predict.
#[derive(Debug, Clone)]
pub struct Classifier {
    file: Arc<ModelFile>,
    /// Its n-gram tables, built on first use: an analyzer's [`Models`] look n-grams up in
    /// tables merged across its models instead.
    lookup: OnceLock<Lookup>,
    /// Its heads interleaved when it has several binary ones (persuasion).
    binary_heads: Option<BinaryHeads>,
}

impl Classifier {
    /// A classifier from a checked model file.
    pub fn new(file: ModelFile) -> Classifier {
        Classifier::shared(Arc::new(file))
    }

    /// A classifier from a checked model file that look-up tables may share.
    pub(crate) fn shared(file: Arc<ModelFile>) -> Classifier {
        Classifier {
            binary_heads: BinaryHeads::new(&file.heads),
            file,
            lookup: OnceLock::new(),
        }
    }

    /// The model file.
    pub fn file(&self) -> &ModelFile {
        &self.file
    }

    /// Every head's positive probability of an input vector ([`Head::positive_probability`]
    /// of each), in one pass when the heads are binary.
    pub(crate) fn positive_probabilities(&self, input: &[(u32, f32)]) -> Vec<f32> {
        match &self.binary_heads {
            Some(b) => b.positive_probabilities(&self.file.heads, input),
            None => self
                .file
                .heads
                .iter()
                .map(|h| h.positive_probability(input))
                .collect(),
        }
    }

    /// The model file, shared.
    pub(crate) fn shared_file(&self) -> Arc<ModelFile> {
        Arc::clone(&self.file)
    }

    /// The task.
    pub fn task(&self) -> Task {
        self.file.task
    }

    fn lookup(&self) -> &Lookup {
        self.lookup
            .get_or_init(|| Lookup::new(vec![self.shared_file()]))
    }

    /// The input vector of a text from its n-gram counts and dense features (training and
    /// evaluation); `article`: those of the article it stands in, for a model with an article
    /// context.
    pub(crate) fn input_from_counts(
        &self,
        text: Counts<'_>,
        article: Option<Counts<'_>>,
        language: &str,
    ) -> Vec<(u32, f32)> {
        let values = self.file.evidence.as_ref().map(|_| {
            self.lookup()
                .evidence_from_counts(0, language, text.words, text.chars)
        });
        let article = article.and_then(|a| self.article_from_counts(a, language));
        self.input_with_evidence(
            text.words,
            text.dense,
            values.as_deref(),
            language,
            article.as_deref(),
        )
    }

    /// The raw article-context vector of an article from its counts (dense features, then
    /// raw evidence); `None` for a model without an article context.
    pub(crate) fn article_from_counts(
        &self,
        article: Counts<'_>,
        language: &str,
    ) -> Option<Vec<f32>> {
        self.file.raw_article_context(article.dense, || {
            self.lookup()
                .evidence_from_counts(0, language, article.words, article.chars)
        })
    }

    /// The input vector from word n-gram counts, dense features, raw evidence `values`
    /// (training gives out-of-fold evidence) and the raw article context.
    pub(crate) fn input_with_evidence(
        &self,
        words: &[(u64, u32)],
        dense: &[f32],
        values: Option<&[f32]>,
        language: &str,
        article: Option<&[f32]>,
    ) -> Vec<(u32, f32)> {
        let tf_idf = self.lookup().vector_from_counts(0, words);
        self.file.input(tf_idf, dense, values, language, article)
    }

    /// The name of input feature `i`: an n-gram, a dense feature name, an evidence feature
    /// (`evidence.word.any`) or a language indicator (`language.fr`).
    pub fn feature_name(&self, i: usize) -> String {
        self.file.feature_name(i)
    }

    /// Probabilities of each head's classes for an input vector.
    pub fn probabilities(&self, input: &[(u32, f32)]) -> Vec<Vec<f32>> {
        self.file
            .heads
            .iter()
            .map(|h| h.probabilities(input))
            .collect()
    }
}

impl ModelFile {
    /// The name of input feature `i`: an n-gram, a dense feature name, an evidence feature
    /// (`evidence.word.any`), a language indicator (`language.fr`) or an article-context
    /// feature (`article.` and one of the names before); empty past the last.
    pub fn feature_name(&self, i: usize) -> String {
        let n = self.ngrams.len();
        let d = self.dense_features.len();
        let e = self.evidence.as_ref().map_or(0, Evidence::n_features);
        if let Some(g) = self.ngrams.get(i) {
            return g.text.clone();
        }
        if let Some(name) = self.dense_features.get(i - n) {
            return name.clone();
        }
        if i - n - d < e {
            return self
                .evidence
                .as_ref()
                .and_then(|x| x.feature_name(i - n - d))
                .unwrap_or_default();
        }
        let j = i - n - d - e;
        if self.article_context.is_none() || j >= self.article_context_len() {
            return String::new();
        }
        let name = match self.dense_features.get(j) {
            Some(name) => name.clone(),
            None => self
                .evidence
                .as_ref()
                .and_then(|x| x.feature_name(j - d))
                .unwrap_or_default(),
        };
        format!("article.{name}")
    }

    /// Number of input features: n-grams, dense features, evidence features and language
    /// indicators, article context.
    pub fn n_features(&self) -> usize {
        self.ngrams.len()
            + self.scaler.mean.len()
            + self.evidence.as_ref().map_or(0, Evidence::n_features)
            + self.article_context.as_ref().map_or(0, |a| a.mean.len())
    }

    /// Length of an article-context vector for this model: its dense features, then its raw
    /// evidence (two values per evidence output).
    pub fn article_context_len(&self) -> usize {
        self.dense_features.len() + self.evidence.as_ref().map_or(0, |e| 2 * e.outputs.len())
    }

    /// The raw article-context vector of an article (its `dense` features, then its raw
    /// evidence, computed by `evidence` only for a model with evidence); `None` for a model
    /// without an article context. Scoring and training differ only in where the evidence
    /// comes from.
    pub(crate) fn raw_article_context(
        &self,
        dense: &[f32],
        evidence: impl FnOnce() -> Vec<f32>,
    ) -> Option<Vec<f32>> {
        self.article_context.as_ref()?;
        let mut v = dense.to_vec();
        if self.evidence.is_some() {
            v.extend(evidence());
        }
        Some(v)
    }

    /// The lowest format version that holds this model: 3 with an article context, else 2
    /// with evidence, else 1.
    pub fn needed_format_version(&self) -> u32 {
        if self.article_context.is_some() {
            3
        } else if self.evidence.is_some() {
            2
        } else {
            1
        }
    }

    /// The sparse input vector of a text in `language` from its parts: its n-gram TF-IDF
    /// values, then its standardized dense features (`dense`: [`FeatureSpec::vector`]), then
    /// its standardized raw n-gram `evidence` and language indicator, then (models with an
    /// article context) the standardized raw `article` context
    /// ([`ModelFile::article_context`]).
    pub(crate) fn input(
        &self,
        mut v: Vec<(u32, f32)>,
        dense: &[f32],
        evidence: Option<&[f32]>,
        language: &str,
        article: Option<&[f32]>,
    ) -> Vec<(u32, f32)> {
        let offset = self.ngrams.len() as u32;
        v.reserve(
            dense.len() + evidence.map_or(0, <[f32]>::len) + 1 + article.map_or(0, <[f32]>::len),
        );
        push_scaled(&mut v, offset, dense, &self.scaler);
        let offset = offset + self.scaler.mean.len() as u32;
        if let (Some(e), Some(values)) = (&self.evidence, evidence) {
            push_scaled(&mut v, offset, values, &e.scaler);
            if let Some(i) = e.languages.iter().position(|l| l == language) {
                v.push((offset + values.len() as u32 + i as u32, 1.0));
            }
        }
        if let (Some(s), Some(values)) = (&self.article_context, article) {
            let offset = offset + self.evidence.as_ref().map_or(0, Evidence::n_features) as u32;
            push_scaled(&mut v, offset, values, s);
        }
        v
    }
}

/// Appends `(x - mean) / scale`, clamped to ±10, of each value, at indices from `offset`.
fn push_scaled(v: &mut Vec<(u32, f32)>, offset: u32, values: &[f32], s: &Scaler) {
    for (j, x) in values.iter().enumerate() {
        let (Some(m), Some(sd)) = (s.mean.get(j), s.scale.get(j)) else {
            break;
        };
        // A scale so small that the quotient overflows clamps too; only NaN is left out.
        let z = ((x - m) / sd).clamp(-10.0, 10.0);
        if z != 0.0 && !z.is_nan() {
            v.push((offset + j as u32, z));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::train::{train, Prepared, TrainParams};
    use super::*;
    use crate::analyzer::Analyzer;
    use crate::corpus::Record;

    #[test]
    fn scaled_values_are_clamped_even_when_the_quotient_overflows() {
        let s = Scaler {
            mean: vec![0.0, 0.0, 1.0, 0.0],
            scale: vec![1e-45, 1.0, 1.0, 1e-45],
        };
        let mut v = Vec::new();
        push_scaled(&mut v, 5, &[1.0, -30.0, 1.0, -2.0], &s);
        assert_eq!(v, [(5, 10.0), (6, -10.0), (8, -10.0)]);
    }

    fn records() -> Vec<Record> {
        let sat = [
            "Le président annonce qu'il va interdire les lundis, une mesure totalement absurde !",
            "Un chat élu maire promet des croquettes gratuites pour tous, quelle surprise !",
            "Scandale : le ministre se téléporte par erreur dans une réunion de chiens.",
        ];
        let reg = [
            "Le gouvernement a présenté mardi un projet de loi sur l'énergie, selon un communiqué.",
            "La Banque centrale a maintenu ses taux inchangés, a indiqué son porte-parole.",
            "Le conseil municipal a voté le budget 2024, a précisé la mairie dans un communiqué.",
        ];
        (0..60)
            .map(|i| {
                let satire = i % 2 == 0;
                let base = if satire { sat[i % 3] } else { reg[i % 3] };
                Record {
                    id: format!("doc-{i}"),
                    text: format!("{base} Numéro {i}."),
                    lang: Some("fr".into()),
                    label: Some(if satire { "satire" } else { "regular" }.into()),
                    ..serde_json::from_str(r#"{"id":"","text":""}"#)
                        .unwrap_or_else(|e| panic!("{e}"))
                }
            })
            .collect()
    }

    fn model() -> ModelFile {
        let analyzer = Analyzer::default();
        let prepared =
            Prepared::new(Task::Satire, &records(), &analyzer).unwrap_or_else(|e| panic!("{e}"));
        let params = TrainParams {
            ngrams_per_language: 50,
            min_df: 2,
            alphas: vec![1.0],
            max_iterations: 30,
            ..TrainParams::default()
        };
        train(&prepared, &analyzer, &params).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn training_is_deterministic_and_learns() {
        let (a, b) = (model(), model());
        assert_eq!(a.to_json().ok(), b.to_json().ok());
        let v = &a.validation[0];
        assert!(v.macro_f1 > 0.9, "{v:?}");
    }

    #[test]
    fn damaged_files_are_refused_with_the_reason() {
        let json = model().to_json().unwrap_or_default();
        assert!(ModelFile::from_json(&json, "m.json").is_ok());
        // Laid out otherwise (the checksum is then computed from the parsed model).
        let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        assert!(ModelFile::from_json(&pretty, "m.json").is_ok());
        assert!(ModelFile::from_json(&format!("{json}\n"), "m.json").is_ok());
        let cases: Vec<(String, &str)> = vec![
            (json[..json.len() / 2].to_string(), "truncated"),
            (
                json.replacen("\"format_version\":2", "\"format_version\":9", 1),
                "unknown format_version",
            ),
            (
                json.replacen("\"alpha\":1.0", "\"alpha\":2.0", 1),
                "checksum mismatch",
            ),
            ("{}".to_string(), "missing format_version"),
        ];
        for (text, reason) in cases {
            match ModelFile::from_json(&text, "m.json") {
                Err(Error::Model { file, reason: r }) => {
                    assert_eq!(file, "m.json");
                    assert!(r.contains(reason), "{r} should say {reason}");
                }
                other => panic!("expected {reason}, got {other:?}"),
            }
        }
    }

    #[test]
    fn decision_offsets_must_be_one_per_class() {
        let mut m = model();
        m.heads[0].offsets = Some(vec![0.0; m.heads[0].classes.len() + 1]);
        m.checksum = m.compute_checksum().unwrap_or_default();
        let json = m.to_json().unwrap_or_default();
        match ModelFile::from_json(&json, "m.json") {
            Err(Error::Model { reason, .. }) => assert!(reason.contains("offset"), "{reason}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        m.heads[0].offsets = Some(vec![0.0; m.heads[0].classes.len()]);
        m.checksum = m.compute_checksum().unwrap_or_default();
        let json = m.to_json().unwrap_or_default();
        assert!(ModelFile::from_json(&json, "m.json").is_ok());
    }

    #[test]
    fn gzip_model_files_round_trip_and_damage_is_named() {
        let m = model();
        let dir = std::env::temp_dir().join(format!("partipris-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("m.json.gz");
        m.save(&path).unwrap_or_else(|e| panic!("{e}"));
        let loaded = ModelFile::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.to_json().ok(), m.to_json().ok());
        let bytes = std::fs::read(&path).unwrap_or_default();
        let name = path.display().to_string();
        match ModelFile::from_bytes(&bytes[..bytes.len() / 2], &name) {
            Err(Error::Model { file, reason }) => {
                assert_eq!(file, name);
                assert!(reason.contains("gzip"), "{reason}");
            }
            other => panic!("expected a damaged gzip error, got {other:?}"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_model_for_other_features_is_refused() {
        let mut m = model();
        m.feature_spec_fingerprint = "0".repeat(64);
        let analyzer = Analyzer::default();
        let err = m.check_compatible(analyzer.feature_spec(), analyzer.lexicons(), "m.json");
        assert!(matches!(err, Err(Error::Model { .. })));
        let m = model();
        assert!(m
            .check_compatible(analyzer.feature_spec(), analyzer.lexicons(), "m.json")
            .is_ok());
    }

    /// Persuasion records of two paragraphs: a plain first paragraph, whose label follows the
    /// second one (loaded or plain), so that only its article tells its label.
    fn persuasion_records() -> Vec<Record> {
        let plain = "La délégation a signé un accord mardi, selon le ministère.";
        let loaded = "Les vassaux de la propagande hexagonale mentent encore, quelle honte !";
        let other = "Le conseil municipal a voté le budget, a précisé la mairie.";
        (0..60)
            .map(|i| {
                let second = if i % 2 == 0 { loaded } else { other };
                let text = format!("{plain} Numéro {i}.\n{second}");
                let cut = text.find('\n').unwrap_or(0);
                let techniques = if i % 2 == 0 {
                    r#"["Loaded_Language"]"#
                } else {
                    "[]"
                };
                let json = format!(
                    r#"{{"id":"art-{i}","lang":"fr","split":"{}","text":{},"paragraphs":[
                    {{"line":0,"start":0,"end":{cut},"techniques":{techniques}}},
                    {{"line":1,"start":{},"end":{},"techniques":{techniques}}}]}}"#,
                    if i % 5 == 0 { "dev" } else { "train" },
                    serde_json::to_string(&text).unwrap_or_default(),
                    cut + 1,
                    text.len()
                );
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
            })
            .collect()
    }

    fn persuasion_model(article_context: bool) -> ModelFile {
        let analyzer = Analyzer::builder()
            .default_models(false)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let prepared = Prepared::new(Task::Persuasion, &persuasion_records(), &analyzer)
            .unwrap_or_else(|e| panic!("{e}"));
        let params = TrainParams {
            ngrams_per_language: 50,
            min_df: 2,
            alphas: vec![1.0],
            max_iterations: 30,
            article_context,
            ..TrainParams::default()
        };
        train(&prepared, &analyzer, &params).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The first paragraph's "any technique" probability in an article whose second
    /// paragraph is `second`.
    fn first_paragraph_any(model: &ModelFile, second: &str) -> f32 {
        let models = Models::from_files(vec![(model.clone(), "m.json".into())])
            .unwrap_or_else(|e| panic!("{e}"));
        let analyzer = Analyzer::builder()
            .models(models)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = format!(
            "La délégation a signé un accord mardi, selon le ministère. Numéro 7.\n{second}"
        );
        let article = crate::analyzer::Article::new("a", text.as_str())
            .with_language(crate::language::Language::FRENCH);
        let report = analyzer.analyze(&article).unwrap_or_else(|e| panic!("{e}"));
        let persuasion = report
            .scores
            .persuasion
            .unwrap_or_else(|| panic!("no persuasion"));
        persuasion.paragraphs[0].any
    }

    #[test]
    fn paragraphs_are_read_in_the_light_of_their_article() {
        let loaded = "Les vassaux de la propagande hexagonale mentent encore, quelle honte !";
        let plain = "Le conseil municipal a voté le budget, a précisé la mairie.";
        let with = persuasion_model(true);
        assert_eq!(with.format_version, 3);
        let context = with.article_context.as_ref().map_or(0, |a| a.mean.len());
        assert_eq!(context, with.dense_features.len() + 2 * 7);
        let n = with.n_features();
        let names: Vec<String> = (n - context..n).map(|i| with.feature_name(i)).collect();
        assert!(
            names.contains(&"article.evidence.word.any".to_string()),
            "{names:?}"
        );
        assert!(names.iter().all(|x| x.starts_with("article.")), "{names:?}");
        assert_eq!(with.feature_name(n), "");
        let (in_loaded, in_plain) = (
            first_paragraph_any(&with, loaded),
            first_paragraph_any(&with, plain),
        );
        assert!(in_loaded > in_plain + 0.2, "{in_loaded} vs {in_plain}");

        // Without the context the paragraph is read alone, and the file stays version 2.
        let without = persuasion_model(false);
        assert_eq!(without.format_version, 2);
        assert!(without.article_context.is_none());
        assert_eq!(
            first_paragraph_any(&without, loaded),
            first_paragraph_any(&without, plain)
        );
    }

    #[test]
    fn an_article_context_needs_format_version_3_and_its_length() {
        let mut m = persuasion_model(true);
        let json = m.to_json().unwrap_or_default();
        assert!(ModelFile::from_json(&json, "m.json").is_ok());
        m.format_version = 2;
        m.checksum = m.compute_checksum().unwrap_or_default();
        match ModelFile::from_json(&m.to_json().unwrap_or_default(), "m.json") {
            Err(Error::Model { reason, .. }) => {
                assert!(reason.contains("an article context version 3"), "{reason}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        m.format_version = 3;
        if let Some(a) = m.article_context.as_mut() {
            a.mean.pop();
        }
        m.checksum = m.compute_checksum().unwrap_or_default();
        match ModelFile::from_json(&m.to_json().unwrap_or_default(), "m.json") {
            Err(Error::Model { reason, .. }) => {
                assert!(reason.contains("article context scaler"), "{reason}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
