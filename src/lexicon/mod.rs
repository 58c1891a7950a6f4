//! Lexicons: versioned TOML files of loaded terms and reporting-style counter-markers, their
//! categories, and the matcher that finds them in text.
//!
//! The file format is documented in `models/lexicons/FORMAT.md`. The curated French and English
//! lexicons are embedded in the binary ([`Lexicon::embedded`]); others load from files at run
//! time ([`Lexicon::from_path`]). A malformed file is refused with an [`Error::Lexicon`] naming
//! the file, the line and the entry.

mod cache;
pub mod learn;
mod matcher;

pub(crate) use matcher::{Matcher, RawMatch};

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::language::Language;

/// The lexicon file format version this crate reads.
pub const FORMAT_VERSION: i64 = 1;

/// What a lexicon term marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// Pejorative labels for an out-group ("vassaux", "establishment otanesque").
    PejorativeLabel,
    /// Glorification of the in-group ("peuples libres et réellement souverains").
    IngroupGlorification,
    /// Conspiracy and destabilization frames ("campagnes hybrides").
    ConspiracyFrame,
    /// (Anti-)colonial and bloc framing ("néocoloniales", "minorité planétaire").
    ColonialFraming,
    /// Dehumanizing terms.
    Dehumanizing,
    /// Exaggeration and absolutes.
    Exaggeration,
    /// Intensifiers.
    Intensifier,
    /// Fear appeals.
    FearAppeal,
    /// Emotionally loaded evaluation.
    LoadedEvaluative,
    /// Accusing the other side of lies or propaganda.
    PropagandaAccusation,
    /// Double standards and hypocrisy frames.
    Whataboutism,
    /// Slogans and calls to action.
    CallToAction,
    /// Ironic distancing, the lexical twin of scare quotes ("soi-disant").
    IronicDistancing,
    /// Sarcasm markers.
    Sarcasm,
    /// Appeals to authority.
    AppealToAuthority,
    /// Hedges and doubt (reporting caution; not loaded).
    Hedge,
    /// Neutral attribution and sourcing ("a déclaré", "according to"): a counter-marker of
    /// reporting style.
    Attribution,
}

impl Category {
    /// Every category, in the order of the feature vector.
    pub const ALL: [Category; 17] = [
        Category::PejorativeLabel,
        Category::IngroupGlorification,
        Category::ConspiracyFrame,
        Category::ColonialFraming,
        Category::Dehumanizing,
        Category::Exaggeration,
        Category::Intensifier,
        Category::FearAppeal,
        Category::LoadedEvaluative,
        Category::PropagandaAccusation,
        Category::Whataboutism,
        Category::CallToAction,
        Category::IronicDistancing,
        Category::Sarcasm,
        Category::AppealToAuthority,
        Category::Hedge,
        Category::Attribution,
    ];

    /// The category's identifier, as written in lexicon files and reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Category::PejorativeLabel => "pejorative_label",
            Category::IngroupGlorification => "ingroup_glorification",
            Category::ConspiracyFrame => "conspiracy_frame",
            Category::ColonialFraming => "colonial_framing",
            Category::Dehumanizing => "dehumanizing",
            Category::Exaggeration => "exaggeration",
            Category::Intensifier => "intensifier",
            Category::FearAppeal => "fear_appeal",
            Category::LoadedEvaluative => "loaded_evaluative",
            Category::PropagandaAccusation => "propaganda_accusation",
            Category::Whataboutism => "whataboutism",
            Category::CallToAction => "call_to_action",
            Category::IronicDistancing => "ironic_distancing",
            Category::Sarcasm => "sarcasm",
            Category::AppealToAuthority => "appeal_to_authority",
            Category::Hedge => "hedge",
            Category::Attribution => "attribution",
        }
    }

    /// Whether the category counts towards loaded language (all but hedges and attribution).
    pub fn is_loaded(&self) -> bool {
        !matches!(self, Category::Hedge | Category::Attribution)
    }

    /// Position of the category in [`Category::ALL`].
    pub fn index(&self) -> usize {
        Category::ALL.iter().position(|c| c == self).unwrap_or(0)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Category, String> {
        Category::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                format!("unknown category {s:?} (known: {})", known.join(", "))
            })
    }
}

/// How a term casts what it refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// Favourably.
    Positive,
    /// Unfavourably.
    Negative,
    /// Neither.
    #[default]
    Neutral,
}

impl FromStr for Polarity {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Polarity, String> {
        match s {
            "positive" => Ok(Polarity::Positive),
            "negative" => Ok(Polarity::Negative),
            "neutral" => Ok(Polarity::Neutral),
            _ => Err(format!(
                "unknown polarity {s:?} (known: positive, negative, neutral)"
            )),
        }
    }
}

/// One lexicon entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    phrase: String,
    category: Category,
    weight: f32,
    polarity: Polarity,
    target: Option<String>,
    notes: Option<String>,
    line: usize,
}

impl Entry {
    /// The phrase as written in the lexicon.
    pub fn phrase(&self) -> &str {
        &self.phrase
    }
    /// Its category.
    pub fn category(&self) -> Category {
        self.category
    }
    /// Its weight, in (0, 3].
    pub fn weight(&self) -> f32 {
        self.weight
    }
    /// Its polarity.
    pub fn polarity(&self) -> Polarity {
        self.polarity
    }
    /// The target it is aimed at, if any.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }
    /// The curator's notes.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }
    /// The 1-based line of the entry in its file.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// A loaded lexicon.
#[derive(Debug, Clone, PartialEq)]
pub struct Lexicon {
    name: String,
    language: Option<Language>,
    version: String,
    description: String,
    entries: Vec<Entry>,
    source: String,
    sha256: String,
}

/// The lexicons embedded in the binary: (source name, TOML text).
const EMBEDDED: &[(&str, &str)] = &[
    (
        "models/lexicons/fr.toml",
        include_str!("../../models/lexicons/fr.toml"),
    ),
    (
        "models/lexicons/en.toml",
        include_str!("../../models/lexicons/en.toml"),
    ),
    (
        "models/lexicons/learned-fr.toml",
        include_str!("../../models/lexicons/learned-fr.toml"),
    ),
    (
        "models/lexicons/learned-en.toml",
        include_str!("../../models/lexicons/learned-en.toml"),
    ),
    (
        "models/lexicons/learned-de.toml",
        include_str!("../../models/lexicons/learned-de.toml"),
    ),
    (
        "models/lexicons/learned-it.toml",
        include_str!("../../models/lexicons/learned-it.toml"),
    ),
    (
        "models/lexicons/learned-pl.toml",
        include_str!("../../models/lexicons/learned-pl.toml"),
    ),
    (
        "models/lexicons/learned-ru.toml",
        include_str!("../../models/lexicons/learned-ru.toml"),
    ),
];

/// Names of the curated lexicons among the embedded ones: learned lexicons are induced with
/// these as the reference.
pub const CURATED: [&str; 2] = ["curated-fr", "curated-en"];

#[derive(Deserialize)]
struct Header {
    format_version: Option<toml::Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[allow(dead_code)]
    format_version: i64,
    name: toml::Spanned<String>,
    language: toml::Spanned<String>,
    version: String,
    #[serde(default)]
    description: String,
    entries: Vec<toml::Spanned<RawEntry>>,
}

/// The entries of a lexicon read loosely (any fields, any types), to name the entry a parse
/// error stands in.
#[derive(Deserialize)]
struct LooseLexicon {
    #[serde(default)]
    entries: Vec<toml::Spanned<toml::Table>>,
}

/// The phrase of the entry whose table holds byte `at` of `text`, when it has one.
fn entry_at(text: &str, at: usize) -> Option<String> {
    let loose: LooseLexicon = toml::from_str(text).ok()?;
    let entry = loose.entries.into_iter().find(|e| e.span().contains(&at))?;
    Some(entry.get_ref().get("phrase")?.as_str()?.to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    phrase: String,
    category: String,
    weight: Option<f64>,
    polarity: Option<String>,
    target: Option<String>,
    notes: Option<String>,
}

/// The language of a lexicon from its `language` value: `"*"` (language-independent, `None`),
/// an ISO 639-1 code, or an ISO 639-3 code for a language without a 639-1 code. A three-letter
/// code of a language the crate knows by its two-letter code (`"fra"`, or the ISO 639-2/B
/// `"fre"`) is refused with the code to write: identification and `--lang` give the two-letter
/// code, so such a lexicon would never be used.
fn lexicon_language(value: &str) -> std::result::Result<Option<Language>, String> {
    if value == "*" {
        return Ok(None);
    }
    let language = Language::new(value).map_err(|_| {
        format!(
            "language {value:?} is not an ISO 639-1 code (two letters), an ISO 639-3 code of a \
             language without one (three letters), or \"*\""
        )
    })?;
    if let Some(two) = crate::language::iso639_1_of(language.as_str()) {
        return Err(format!(
            "language {value:?}: write the ISO 639-1 code {two:?} (lexicons are chosen by the \
             two-letter code that language identification and --lang give)"
        ));
    }
    Ok(Some(language))
}

impl Lexicon {
    /// The lexicons shipped with the crate: curated French and English, and the learned
    /// lexicons (`learned-<lang>`) induced from annotated corpora.
    pub fn embedded() -> Result<Vec<Lexicon>> {
        EMBEDDED
            .iter()
            .map(|(name, text)| Lexicon::from_toml_str(text, name))
            .collect()
    }

    /// Loads a lexicon file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Lexicon> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
            path: path.to_path_buf(),
            offset: e.utf8_error().valid_up_to(),
        })?;
        Lexicon::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses a lexicon from TOML text; `source` names it in errors (a file path, usually).
    pub fn from_toml_str(text: &str, source: &str) -> Result<Lexicon> {
        let err = |line: Option<usize>, entry: Option<&str>, reason: String| Error::Lexicon {
            file: source.to_string(),
            line,
            entry: entry.map(str::to_string),
            reason,
        };
        let lines = LineIndex::new(text);
        let line_of = |offset: usize| lines.line_of(offset);
        let toml_err = |e: toml::de::Error| {
            let at = e.span().map(|s| s.start);
            let entry = at.and_then(|at| entry_at(text, at));
            err(at.map(line_of), entry.as_deref(), e.message().to_string())
        };
        let header: Header = toml::from_str(text).map_err(toml_err)?;
        match header.format_version {
            None => return Err(err(Some(1), None, "missing format_version".into())),
            Some(v) if *v.get_ref() != FORMAT_VERSION => {
                return Err(err(
                    Some(line_of(v.span().start)),
                    None,
                    format!(
                        "unknown format_version {} (this build reads {FORMAT_VERSION})",
                        v.get_ref()
                    ),
                ))
            }
            Some(_) => {}
        }
        let raw: RawLexicon = toml::from_str(text).map_err(toml_err)?;
        if raw.name.get_ref().trim().is_empty() {
            return Err(err(
                Some(line_of(raw.name.span().start)),
                None,
                "empty name".into(),
            ));
        }
        let language = lexicon_language(raw.language.get_ref())
            .map_err(|reason| err(Some(line_of(raw.language.span().start)), None, reason))?;
        let mut entries = Vec::with_capacity(raw.entries.len());
        for spanned in raw.entries {
            let line = line_of(spanned.span().start);
            let e = spanned.into_inner();
            let bad = |reason: String| err(Some(line), Some(&e.phrase), reason);
            if e.phrase.trim().is_empty() {
                return Err(bad("empty phrase".into()));
            }
            let category = e.category.parse::<Category>().map_err(bad)?;
            let weight = e.weight.unwrap_or(1.0);
            if !(weight > 0.0 && weight <= 3.0) {
                return Err(bad(format!("weight {weight} is outside (0, 3]")));
            }
            // Weights are kept as `f32`: one too small for it would be a weight of 0.
            if weight as f32 == 0.0 {
                return Err(bad(format!(
                    "weight {weight} is too small (it would be 0; the smallest is {:e})",
                    f32::from_bits(1)
                )));
            }
            let polarity = match &e.polarity {
                Some(p) => p.parse::<Polarity>().map_err(bad)?,
                None => Polarity::Neutral,
            };
            if let Some(t) = &e.target {
                if t.is_empty() || !t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    return Err(bad(format!("target {t:?} is not an id of [a-z_]+")));
                }
            }
            entries.push(Entry {
                phrase: e.phrase,
                category,
                weight: weight as f32,
                polarity,
                target: e.target,
                notes: e.notes,
                line,
            });
        }
        let sha256 = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Lexicon {
            name: raw.name.into_inner(),
            language,
            version: raw.version,
            description: raw.description,
            entries,
            source: source.to_string(),
            sha256,
        })
    }

    /// The lexicon's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its language; `None` for language-independent lexicons (`language = "*"`).
    pub fn language(&self) -> Option<Language> {
        self.language
    }
    /// Its version.
    pub fn version(&self) -> &str {
        &self.version
    }
    /// Its description.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// Its entries.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
    /// Where it was loaded from.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// SHA-256 of the file's bytes, in hex: models record it to detect a changed lexicon.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// Byte offsets of line starts, to turn offsets into 1-based line numbers.
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex(starts)
    }

    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"format_version = 1
name = "t"
language = "fr"
version = "1.0.0"
entries = [
  { phrase = "minorité planétaire", category = "colonial_framing", weight = 2.0, polarity = "negative", target = "west" },
  { phrase = "selon", category = "attribution" },
]
"#;

    #[test]
    fn parses() {
        let lex = Lexicon::from_toml_str(GOOD, "t.toml");
        let lex = match lex {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(lex.entries().len(), 2);
        assert_eq!(lex.entries()[0].line(), 6);
        assert_eq!(lex.entries()[1].category(), Category::Attribution);
        assert_eq!(lex.entries()[1].weight(), 1.0);
    }

    /// (broken file, expected line, expected fragment of the reason, expected entry)
    #[test]
    fn errors_name_file_line_and_entry() {
        let mp = Some("minorité planétaire");
        let cases: &[(String, Option<usize>, &str, Option<&str>)] = &[
            (
                GOOD.replace("colonial_framing", "nope"),
                Some(6),
                "unknown category",
                mp,
            ),
            (
                GOOD.replace("weight = 2.0", "weight = 9.0"),
                Some(6),
                "outside (0, 3]",
                mp,
            ),
            (
                GOOD.replace("weight = 2.0", "weight = 1e-50"),
                Some(6),
                "too small",
                mp,
            ),
            (
                GOOD.replace("\"negative\"", "\"bad\""),
                Some(6),
                "unknown polarity",
                mp,
            ),
            (
                GOOD.replace("\"west\"", "\"West!\""),
                Some(6),
                "not an id",
                mp,
            ),
            (
                GOOD.replace("format_version = 1", "format_version = 7"),
                Some(1),
                "unknown format_version",
                None,
            ),
            (
                GOOD.replace("format_version = 1\n", ""),
                Some(1),
                "missing format_version",
                None,
            ),
            // Errors of the TOML reader itself name the entry too.
            (
                GOOD.replace(
                    "category = \"attribution\"",
                    "category = \"attribution\", colour = 1",
                ),
                Some(7),
                "unknown field",
                Some("selon"),
            ),
            (
                GOOD.replace("weight = 2.0", "weight = \"2\""),
                Some(6),
                "invalid type",
                mp,
            ),
            (
                GOOD.replace(", category = \"attribution\"", ""),
                Some(7),
                "missing field",
                Some("selon"),
            ),
            (
                GOOD.replace("{ phrase = \"selon\"", "{ phrase = \"selon"),
                Some(7),
                "",
                None,
            ),
            // Header values name their line, and the language error is the lexicon's own.
            (
                GOOD.replace("name = \"t\"", "name = \"  \""),
                Some(2),
                "empty name",
                None,
            ),
            (
                GOOD.replace("\"fr\"", "\"français\""),
                Some(3),
                "language \"français\" is not an ISO 639-1 code (two letters), an ISO 639-3",
                None,
            ),
            (
                GOOD.replace("language = \"fr\"", "language = \"\""),
                Some(3),
                "is not an ISO 639-1 code",
                None,
            ),
            // A three-letter code of a language known by its two-letter code is refused with
            // the code to write (identification and --lang give the two-letter code).
            (
                GOOD.replace("\"fr\"", "\"fra\""),
                Some(3),
                "language \"fra\": write the ISO 639-1 code \"fr\"",
                None,
            ),
            (
                GOOD.replace("\"fr\"", "\"FRA\""),
                Some(3),
                "language \"FRA\": write the ISO 639-1 code \"fr\"",
                None,
            ),
            (
                GOOD.replace("\"fr\"", "\"fre\""),
                Some(3),
                "write the ISO 639-1 code \"fr\"",
                None,
            ),
            (
                GOOD.replace("\"fr\"", "\"eng\""),
                Some(3),
                "write the ISO 639-1 code \"en\"",
                None,
            ),
            (
                GOOD.replace("\"fr\"", "\"deu\""),
                Some(3),
                "write the ISO 639-1 code \"de\"",
                None,
            ),
            (
                GOOD.replace("\"fr\"", "\"rus\""),
                Some(3),
                "write the ISO 639-1 code \"ru\"",
                None,
            ),
        ];
        for (text, line, reason, entry) in cases {
            match Lexicon::from_toml_str(text, "broken.toml") {
                Err(Error::Lexicon {
                    file,
                    line: l,
                    reason: r,
                    entry: e,
                }) => {
                    assert_eq!(file, "broken.toml");
                    assert_eq!(l, *line, "line for {reason:?}: {r}");
                    assert!(r.contains(reason), "{r:?} should contain {reason:?}");
                    assert!(!r.contains("invalid configuration"), "{r:?}");
                    assert_eq!(e.as_deref(), *entry, "entry for {reason:?}: {r}");
                }
                other => panic!("expected a lexicon error for {reason:?}, got {other:?}"),
            }
        }
    }

    /// Language values that are read: ISO 639-1 codes (any case), 639-3 codes of languages
    /// without a 639-1 code, and "*".
    #[test]
    fn language_values_that_are_read() {
        let cases: &[(&str, Option<&str>)] = &[
            ("fr", Some("fr")),
            ("FR", Some("fr")),
            ("de", Some("de")),
            ("cym", Some("cym")),
            ("*", None),
        ];
        for (value, want) in cases {
            let text = GOOD.replace("\"fr\"", &format!("{value:?}"));
            match Lexicon::from_toml_str(&text, "t.toml") {
                Ok(lex) => assert_eq!(
                    lex.language().map(|l| l.to_string()).as_deref(),
                    *want,
                    "{value}"
                ),
                Err(e) => panic!("{value}: {e}"),
            }
        }
    }

    #[test]
    fn embedded_lexicons_load() {
        let lexicons = match Lexicon::embedded() {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(lexicons.len(), 8);
        for lex in lexicons.iter().filter(|l| CURATED.contains(&l.name())) {
            assert!(
                lex.entries().len() >= 800,
                "{} has {}",
                lex.name(),
                lex.entries().len()
            );
            let mut cats: Vec<Category> = lex.entries().iter().map(|e| e.category()).collect();
            cats.sort();
            cats.dedup();
            assert!(
                cats.len() >= 14,
                "{} covers {} categories",
                lex.name(),
                cats.len()
            );
        }
    }
}
