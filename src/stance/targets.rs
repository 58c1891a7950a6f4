//! Stance targets: who or what an article can be for or against, with the aliases that name
//! it in each language. The file format is documented in `models/targets.md`; the default
//! targets (`models/targets.toml`) are embedded in the binary.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::language::Language;
use crate::lexicon::LineIndex;
use crate::normalize::normalize;
use crate::tokenize::{tokenize, TokenKind};

/// The targets file format version this crate reads.
pub const TARGETS_FORMAT_VERSION: i64 = 1;

const EMBEDDED: (&str, &str) = (
    "models/targets.toml",
    include_str!("../../models/targets.toml"),
);

/// How an alias constrains the case of the words it matches, as written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseRule {
    /// Written in lowercase: matches any case.
    Any,
    /// Written with a capital initial ("Paris"): matches only words with a capital initial
    /// (not "paris", bets).
    Capital,
    /// Written in capitals, two letters or more ("US"): matches only capitals (not "us").
    Capitals,
}

impl CaseRule {
    /// The rule of an alias as written.
    pub fn of(phrase: &str) -> CaseRule {
        let letters: Vec<char> = phrase.chars().filter(|c| c.is_alphabetic()).collect();
        let Some(first) = letters.first() else {
            return CaseRule::Any;
        };
        if letters.len() >= 2 && letters.iter().all(|c| !c.is_lowercase()) && first.is_uppercase() {
            CaseRule::Capitals
        } else if first.is_uppercase() {
            CaseRule::Capital
        } else {
            CaseRule::Any
        }
    }

    /// Whether the text of a match, as written in the article (in reading order), satisfies
    /// the rule. Latin small capitals (`ᴘᴀʀɪs`) count as capitals.
    pub fn accepts(&self, written: &str) -> bool {
        let mut letters = written.chars().filter(|c| c.is_alphabetic());
        let capital = |c: char| !c.is_lowercase() || is_small_capital(c);
        match self {
            CaseRule::Any => true,
            CaseRule::Capital => letters.next().is_some_and(capital),
            CaseRule::Capitals => {
                let first = letters.next();
                first.is_some_and(capital) && letters.all(capital)
            }
        }
    }
}

/// Whether a letter is a Latin small capital: a lowercase letter by Unicode, read as a capital.
fn is_small_capital(c: char) -> bool {
    "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ".contains(c)
}

/// One alias (or excluded name) of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    phrase: String,
    language: Option<Language>,
    line: Option<usize>,
    /// The file it was read from (none for aliases added in code).
    #[serde(skip)]
    file: Option<String>,
}

impl Alias {
    /// The phrase as written.
    pub fn phrase(&self) -> &str {
        &self.phrase
    }
    /// Its language; `None` for aliases of every language (`"*"` in the file).
    pub fn language(&self) -> Option<Language> {
        self.language
    }
    /// The 1-based line of the alias in its file (none for aliases added in code).
    pub fn line(&self) -> Option<usize> {
        self.line
    }
    /// The file the alias was read from, as named when it was loaded (none for aliases added
    /// in code).
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
    /// Its case rule.
    pub fn case_rule(&self) -> CaseRule {
        CaseRule::of(&self.phrase)
    }
}

/// A stance target: an id, a display name, aliases per language, and longer names that hold an
/// alias but name something else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    id: String,
    name: String,
    notes: Option<String>,
    aliases: Vec<Alias>,
    exclusions: Vec<Alias>,
}

fn check_id(id: &str) -> std::result::Result<(), String> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(format!("target id {id:?} is not an id of [a-z_]+"));
    }
    Ok(())
}

fn check_phrase(phrase: &str) -> std::result::Result<(), String> {
    let n = normalize(phrase);
    let has_word = tokenize(phrase, &n)
        .tokens
        .iter()
        .any(|t| t.kind() != TokenKind::Punct);
    if has_word {
        Ok(())
    } else {
        Err(format!("alias {phrase:?} has no words"))
    }
}

fn parse_language(code: &str) -> std::result::Result<Option<Language>, String> {
    if code == "*" {
        return Ok(None);
    }
    Language::new(code)
        .map(Some)
        .map_err(|_| format!("{code:?} is not a language code (ISO 639-1) or \"*\""))
}

impl Target {
    /// A target without aliases. The id must be of `[a-z_]+` (the ids of the lexicons'
    /// `target` field).
    pub fn new(id: &str, name: &str) -> Result<Target> {
        check_id(id).map_err(Error::Config)?;
        if name.trim().is_empty() {
            return Err(Error::Config(format!("target {id:?}: empty name")));
        }
        Ok(Target {
            id: id.to_string(),
            name: name.to_string(),
            notes: None,
            aliases: Vec::new(),
            exclusions: Vec::new(),
        })
    }

    /// Adds an alias in a language (`"*"`: every language).
    pub fn alias(mut self, language: &str, phrase: &str) -> Result<Target> {
        let language = parse_language(language).map_err(Error::Config)?;
        check_phrase(phrase).map_err(Error::Config)?;
        self.aliases.push(Alias {
            phrase: phrase.to_string(),
            language,
            line: None,
            file: None,
        });
        Ok(self)
    }

    /// Adds a longer name that holds an alias but does not name this target ("fleuve Niger").
    pub fn exclude(mut self, language: &str, phrase: &str) -> Result<Target> {
        let language = parse_language(language).map_err(Error::Config)?;
        check_phrase(phrase).map_err(Error::Config)?;
        self.exclusions.push(Alias {
            phrase: phrase.to_string(),
            language,
            line: None,
            file: None,
        });
        Ok(self)
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The curator's notes.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }
    /// The aliases.
    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }
    /// The excluded longer names.
    pub fn exclusions(&self) -> &[Alias] {
        &self.exclusions
    }
}

/// A set of stance targets: the shipped defaults ([`Targets::default`]), a file
/// ([`Targets::from_path`]), or targets built in code ([`Targets::with`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    targets: Vec<Target>,
    sources: Vec<String>,
}

#[derive(Deserialize)]
struct Header {
    format_version: Option<toml::Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    format_version: i64,
    name: String,
    #[allow(dead_code)]
    version: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    target: Vec<toml::Spanned<RawTarget>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: toml::Spanned<String>,
    name: String,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    aliases: BTreeMap<String, Vec<toml::Spanned<String>>>,
    #[serde(default)]
    not: BTreeMap<String, Vec<toml::Spanned<String>>>,
}

impl Default for Targets {
    /// The shipped targets (`models/targets.toml`, embedded). The file is a constant checked by
    /// the crate's tests; [`Targets::try_default`] returns its loading error instead.
    fn default() -> Targets {
        match Targets::try_default() {
            Ok(t) => t,
            // Unreachable for a tested build: the embedded file is a constant.
            Err(e) => panic!("partipris: {e}"),
        }
    }
}

impl Targets {
    /// No targets.
    pub fn empty() -> Targets {
        Targets {
            targets: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// The shipped targets, embedded in the binary.
    pub fn try_default() -> Result<Targets> {
        Targets::from_toml_str(EMBEDDED.1, EMBEDDED.0)
    }

    /// Loads a targets file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Targets> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
            path: path.to_path_buf(),
            offset: e.utf8_error().valid_up_to(),
        })?;
        Targets::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses a targets file from TOML text; `source` names it in errors.
    pub fn from_toml_str(text: &str, source: &str) -> Result<Targets> {
        let err = |line: Option<usize>, entry: Option<&str>, reason: String| Error::StanceData {
            file: source.to_string(),
            line,
            entry: entry.map(str::to_string),
            reason,
        };
        let lines = LineIndex::new(text);
        let toml_err = |e: toml::de::Error| {
            let line = e.span().map(|s| lines.line_of(s.start));
            err(line, None, e.message().to_string())
        };
        let header: Header = toml::from_str(text).map_err(toml_err)?;
        match header.format_version {
            None => return Err(err(Some(1), None, "missing format_version".into())),
            Some(v) if *v.get_ref() != TARGETS_FORMAT_VERSION => {
                return Err(err(
                    Some(lines.line_of(v.span().start)),
                    None,
                    format!(
                        "unknown format_version {} (this build reads {TARGETS_FORMAT_VERSION})",
                        v.get_ref()
                    ),
                ))
            }
            Some(_) => {}
        }
        let raw: RawFile = toml::from_str(text).map_err(toml_err)?;
        if raw.name.trim().is_empty() {
            return Err(err(None, None, "empty name".into()));
        }
        let mut out = Targets {
            targets: Vec::new(),
            sources: vec![source.to_string()],
        };
        for spanned in raw.target {
            let t = spanned.into_inner();
            let id_line = lines.line_of(t.id.span().start);
            let id = t.id.into_inner();
            check_id(&id).map_err(|r| err(Some(id_line), Some(&id), r))?;
            if out.targets.iter().any(|x| x.id == id) {
                return Err(err(
                    Some(id_line),
                    Some(&id),
                    "a second target with this id".into(),
                ));
            }
            if t.name.trim().is_empty() {
                return Err(err(Some(id_line), Some(&id), "empty name".into()));
            }
            let mut target = Target {
                id: id.clone(),
                name: t.name,
                notes: t.notes,
                aliases: Vec::new(),
                exclusions: Vec::new(),
            };
            for (list, into) in [(t.aliases, false), (t.not, true)] {
                for (code, phrases) in list {
                    let first_line = phrases
                        .first()
                        .map_or(id_line, |p| lines.line_of(p.span().start));
                    let language =
                        parse_language(&code).map_err(|r| err(Some(first_line), Some(&id), r))?;
                    for p in phrases {
                        let line = lines.line_of(p.span().start);
                        let phrase = p.into_inner();
                        check_phrase(&phrase).map_err(|r| {
                            err(Some(line), Some(&phrase), format!("target {id:?}: {r}"))
                        })?;
                        let alias = Alias {
                            phrase,
                            language,
                            line: Some(line),
                            file: Some(source.to_string()),
                        };
                        if into {
                            target.exclusions.push(alias);
                        } else {
                            target.aliases.push(alias);
                        }
                    }
                }
            }
            // A target with excluded names only adds them (to a target of the same id loaded
            // before, or to every target's matching: see `not`).
            if target.aliases.is_empty() && target.exclusions.is_empty() {
                return Err(err(
                    Some(id_line),
                    Some(&id),
                    "the target has no aliases and no excluded names".into(),
                ));
            }
            out.targets.push(target);
        }
        Ok(out)
    }

    /// Adds a target; a target whose id is already present adds its aliases and exclusions to
    /// that target.
    pub fn with(mut self, target: Target) -> Targets {
        match self.targets.iter_mut().find(|t| t.id == target.id) {
            Some(t) => {
                t.aliases.extend(target.aliases);
                t.exclusions.extend(target.exclusions);
            }
            None => self.targets.push(target),
        }
        self
    }

    /// Adds every target of another set (see [`Targets::with`] for shared ids).
    pub fn extend(mut self, other: Targets) -> Targets {
        self.sources.extend(other.sources);
        for t in other.targets {
            self = self.with(t);
        }
        self
    }

    /// The targets, in file order.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// The target with this id.
    pub fn get(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }

    /// The target whose display name is `name` (case-insensitive).
    pub fn by_name(&self, name: &str) -> Option<&Target> {
        self.targets
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
    }

    /// Number of targets.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no targets.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Where the targets were loaded from.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"format_version = 1
name = "t"
version = "1"

[[target]]
id = "russia"
name = "Russia"
aliases.fr = ["Russie",
  "Moscou"]
not.fr = ["Russie blanche"]
"#;

    #[test]
    fn the_default_targets_load_with_at_least_fifteen_targets() {
        let t = Targets::try_default().unwrap_or_else(|e| panic!("{e}"));
        assert!(t.len() >= 15, "{}", t.len());
        for id in [
            "russia",
            "west",
            "united_states",
            "france",
            "sahel_states",
            "nato",
        ] {
            let target = t.get(id).unwrap_or_else(|| panic!("no {id}"));
            for lang in ["fr", "en"] {
                assert!(
                    target
                        .aliases()
                        .iter()
                        .any(|a| a.language().map(|l| l.to_string()).as_deref() == Some(lang)),
                    "{id} has no {lang} alias"
                );
            }
        }
    }

    #[test]
    fn parses_with_lines() {
        let t = Targets::from_toml_str(GOOD, "t.toml").unwrap_or_else(|e| panic!("{e}"));
        let r = &t.targets()[0];
        assert_eq!(r.aliases()[1].phrase(), "Moscou");
        assert_eq!(r.aliases()[1].line(), Some(9));
        assert_eq!(r.exclusions()[0].line(), Some(10));
    }

    #[test]
    fn case_rules() {
        assert_eq!(CaseRule::of("Paris"), CaseRule::Capital);
        assert_eq!(CaseRule::of("US"), CaseRule::Capitals);
        assert_eq!(CaseRule::of("U.S"), CaseRule::Capitals);
        assert_eq!(CaseRule::of("russe"), CaseRule::Any);
        assert!(!CaseRule::Capital.accepts("paris"));
        assert!(CaseRule::Capital.accepts("PARIS"));
        assert!(!CaseRule::Capitals.accepts("Us"));
        assert!(CaseRule::Capitals.accepts("US"));
        // Small capitals read as capitals; IPA letters that pass for lowercase do not.
        assert!(CaseRule::Capital.accepts("ᴘᴀʀɪs"));
        assert!(CaseRule::Capitals.accepts("ᴏᴛᴀɴ"));
        assert!(!CaseRule::Capital.accepts("ɑcme"));
    }

    #[test]
    fn errors_name_file_line_and_entry() {
        let cases: &[(String, Option<usize>, &str)] = &[
            (
                GOOD.replace("\"russia\"", "\"Russia!\""),
                Some(6),
                "not an id",
            ),
            (
                GOOD.replace("aliases.fr", "aliases.xx1"),
                Some(8),
                "not a language code",
            ),
            (
                GOOD.replace("\"Moscou\"", "\"  \""),
                Some(9),
                "has no words",
            ),
            (
                GOOD.replace("format_version = 1", "format_version = 3"),
                Some(1),
                "unknown format_version",
            ),
            (
                GOOD.replace("name = \"Russia\"", "name = \"Russia\"\ncolour = 2"),
                Some(8),
                "unknown field",
            ),
            (
                format!(
                    "{GOOD}\n[[target]]\nid = \"russia\"\nname = \"R\"\naliases.fr = [\"x\"]\n"
                ),
                Some(13),
                "a second target",
            ),
        ];
        for (text, line, reason) in cases {
            match Targets::from_toml_str(text, "bad.toml") {
                Err(Error::StanceData {
                    file,
                    line: l,
                    reason: r,
                    ..
                }) => {
                    assert_eq!(file, "bad.toml");
                    assert_eq!(l, *line, "{r}");
                    assert!(r.contains(reason), "{r:?} should say {reason:?}");
                }
                other => panic!("expected an error for {reason}, got {other:?}"),
            }
        }
    }

    #[test]
    fn builder_adds_targets_and_aliases() {
        let t = Targets::empty()
            .with(
                Target::new("acme", "ACME")
                    .and_then(|t| t.alias("*", "Acme Corp"))
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .with(
                Target::new("acme", "ACME")
                    .and_then(|t| t.alias("fr", "la société Acme"))
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        assert_eq!(t.len(), 1);
        assert_eq!(t.targets()[0].aliases().len(), 2);
        assert!(Target::new("Bad Id", "x").is_err());
        assert!(Target::new("ok", "x")
            .and_then(|t| t.alias("??", "x"))
            .is_err());
    }
}
