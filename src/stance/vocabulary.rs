//! Evaluative vocabularies for stance: per language, words that cast what they describe
//! favourably or unfavourably, negators, and opposition words ("contre", "against"). Hand-curated
//! files in `models/stance/evaluative-<lang>.toml` (format in `models/targets.md`), embedded in the
//! binary. They feed only the stance features; they are not lexicons.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::language::Language;
use crate::lexicon::LineIndex;

/// The evaluative vocabulary format version this crate reads.
pub const VOCABULARY_FORMAT_VERSION: i64 = 1;

const EMBEDDED: &[(&str, &str)] = &[
    (
        "models/stance/evaluative-fr.toml",
        include_str!("../../models/stance/evaluative-fr.toml"),
    ),
    (
        "models/stance/evaluative-en.toml",
        include_str!("../../models/stance/evaluative-en.toml"),
    ),
];

/// What a vocabulary word marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum CueKind {
    /// A favourable evaluation.
    Positive,
    /// An unfavourable evaluation.
    Negative,
    /// A negation.
    Negator,
    /// Opposition ("against").
    Against,
}

/// One language's evaluative vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    language: Language,
    version: String,
    words: Vec<(String, CueKind, usize)>,
    source: String,
    sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVocabulary {
    format_version: toml::Spanned<i64>,
    language: String,
    version: String,
    #[serde(default)]
    positive: Vec<toml::Spanned<String>>,
    #[serde(default)]
    negative: Vec<toml::Spanned<String>>,
    #[serde(default)]
    negators: Vec<toml::Spanned<String>>,
    #[serde(default)]
    against: Vec<toml::Spanned<String>>,
}

impl Vocabulary {
    /// The shipped vocabularies (French and English).
    pub fn embedded() -> Result<Vec<Vocabulary>> {
        EMBEDDED
            .iter()
            .map(|(name, text)| Vocabulary::from_toml_str(text, name))
            .collect()
    }

    /// Parses a vocabulary file; `source` names it in errors.
    pub fn from_toml_str(text: &str, source: &str) -> Result<Vocabulary> {
        let lines = LineIndex::new(text);
        let err = |line: Option<usize>, entry: Option<&str>, reason: String| Error::StanceData {
            file: source.to_string(),
            line,
            entry: entry.map(str::to_string),
            reason,
        };
        let raw: RawVocabulary = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| lines.line_of(s.start));
            err(line, None, e.message().to_string())
        })?;
        if *raw.format_version.get_ref() != VOCABULARY_FORMAT_VERSION {
            return Err(err(
                Some(lines.line_of(raw.format_version.span().start)),
                None,
                format!(
                    "unknown format_version {} (this build reads {VOCABULARY_FORMAT_VERSION})",
                    raw.format_version.get_ref()
                ),
            ));
        }
        let language = Language::new(&raw.language).map_err(|e| err(None, None, e.to_string()))?;
        let mut words = Vec::new();
        for (list, kind) in [
            (raw.positive, CueKind::Positive),
            (raw.negative, CueKind::Negative),
            (raw.negators, CueKind::Negator),
            (raw.against, CueKind::Against),
        ] {
            for w in list {
                let line = lines.line_of(w.span().start);
                let word = w.into_inner();
                if word.trim().is_empty() {
                    return Err(err(Some(line), Some(&word), "empty word".into()));
                }
                words.push((word, kind, line));
            }
        }
        let sha256 = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Vocabulary {
            language,
            version: raw.version,
            words,
            source: source.to_string(),
            sha256,
        })
    }

    /// The language.
    pub fn language(&self) -> Language {
        self.language
    }
    /// The name a model records it under: `evaluative-<lang>`.
    pub fn name(&self) -> String {
        format!("evaluative-{}", self.language)
    }
    /// Its version.
    pub fn version(&self) -> &str {
        &self.version
    }
    /// Number of words (all kinds).
    pub fn len(&self) -> usize {
        self.words.len()
    }
    /// Whether it holds no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
    /// Where it was loaded from.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// SHA-256 of the file.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
    pub(crate) fn words(&self) -> &[(String, CueKind, usize)] {
        &self.words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_vocabularies_load() {
        let v = Vocabulary::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.len(), 2);
        for voc in &v {
            let count = |k| voc.words().iter().filter(|(_, x, _)| *x == k).count();
            assert!(count(CueKind::Positive) >= 100, "{}", voc.name());
            assert!(count(CueKind::Negative) >= 150, "{}", voc.name());
            assert!(count(CueKind::Negator) >= 5, "{}", voc.name());
        }
    }

    #[test]
    fn errors_name_the_line() {
        let text = "format_version = 1\nlanguage = \"fr\"\nversion = \"1\"\npositive = [\n  \"bon\",\n  \"  \",\n]\n";
        match Vocabulary::from_toml_str(text, "v.toml") {
            Err(Error::StanceData { line, .. }) => assert_eq!(line, Some(6)),
            other => panic!("{other:?}"),
        }
        let text = "format_version = 2\nlanguage = \"fr\"\nversion = \"1\"\n";
        assert!(matches!(
            Vocabulary::from_toml_str(text, "v.toml"),
            Err(Error::StanceData { line: Some(1), .. })
        ));
    }
}
