//! Finding target mentions and evaluative cues in a tokenized text, with the lexicons' matcher
//! (normalized, accents folded, inflection-aware, leftmost-longest), one automaton per language.
//!
//! Every alias, every excluded longer name and every vocabulary word of a language is one
//! pattern of that language's automaton. Leftmost-longest matching makes a longer name win over
//! an alias inside it ("fleuve Niger" over "Niger", "West Bank" over "West"); a match of an
//! excluded name yields nothing. An alias match is kept only when the text, as written, satisfies
//! the alias's case rule ([`CaseRule`]).
//!
//! An analyzer takes a language's automaton into its lexicon matcher of that language
//! ([`StanceMatcher::lend_to`], [`Matcher::join`]), so that one walk over an article finds the
//! markers and the stance phrases; the stage then reads its phrases from the analyzer's matches.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::language::Language;
use crate::lexicon::{Matcher, RawMatch};
use crate::normalize::NormalizedText;
use crate::tokenize::Token;

use super::targets::{CaseRule, Targets};
use super::vocabulary::{CueKind, Vocabulary};

/// What a pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Alias { target: usize, case: CaseRule },
    Excluded { target: usize },
    Cue(CueKind),
}

/// One language's automaton and the meanings of its patterns.
#[derive(Debug)]
struct LanguageMatcher {
    /// The automaton, or `None` when lent to the analyzer's matcher of the language, where it
    /// is phrase set `set`.
    matcher: Option<Matcher>,
    set: usize,
    /// Pattern index (as reported by the matcher) → meanings.
    meanings: FxHashMap<usize, Vec<Meaning>>,
    has_vocabulary: bool,
}

/// A target mention found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundMention {
    /// Index of the target in the [`Targets`].
    pub target: usize,
    /// Tokens covered.
    pub tokens: Range<usize>,
    /// Byte span in the original text.
    pub span: Range<usize>,
    /// Byte span in the normalized text.
    pub norm: Range<usize>,
}

/// An evaluative cue (or negator, or opposition word) found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundCue {
    pub kind: CueKind,
    /// Tokens covered.
    pub tokens: Range<usize>,
    /// Byte span in the original text.
    pub span: Range<usize>,
}

/// Mentions and cues of one text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Found {
    pub mentions: Vec<FoundMention>,
    pub cues: Vec<FoundCue>,
    /// Whether the text's language has an evaluative vocabulary.
    pub has_vocabulary: bool,
}

/// The stance matcher of an analyzer: one automaton per language with aliases or a vocabulary,
/// and one for the other languages (aliases of every language only).
#[derive(Debug)]
pub(crate) struct StanceMatcher {
    languages: Vec<(Language, LanguageMatcher)>,
    other: Option<LanguageMatcher>,
}

impl StanceMatcher {
    /// Builds the automata. An excluded name that folds to the same words as an alias is an
    /// error naming both.
    pub fn new(
        targets: &Targets,
        vocabularies: &[Vocabulary],
        fold_accents: bool,
    ) -> Result<StanceMatcher> {
        let mut codes: Vec<Language> = targets
            .targets()
            .iter()
            .flat_map(|t| t.aliases().iter().chain(t.exclusions()))
            .filter_map(|a| a.language())
            .chain(vocabularies.iter().map(|v| v.language()))
            .collect();
        codes.sort();
        codes.dedup();
        let mut languages = Vec::new();
        for lang in codes {
            if let Some(m) = build(Some(lang), targets, vocabularies, fold_accents)? {
                languages.push((lang, m));
            }
        }
        let other = build(None, targets, vocabularies, fold_accents)?;
        Ok(StanceMatcher { languages, other })
    }

    /// Moves the automaton of each language that `hosts` has a matcher for into that matcher
    /// ([`Matcher::join`]; one it refuses stays here). The analyzer then finds this stage's
    /// phrases with its own and hands them to [`StanceMatcher::find`].
    pub fn lend_to(&mut self, hosts: &mut [(Language, Matcher)]) {
        for (lang, lm) in &mut self.languages {
            let Some(host) = hosts.iter_mut().find(|(l, _)| l == lang).map(|(_, m)| m) else {
                continue;
            };
            if let Some(set) = host.join(&mut lm.matcher) {
                lm.set = set;
            }
        }
    }

    /// Finds the mentions and cues of a tokenized text in a language; `lent` holds what the
    /// analyzer's matcher found, for a language whose automaton it was lent
    /// ([`StanceMatcher::lend_to`]).
    pub fn find(
        &self,
        language: Option<Language>,
        original: &str,
        normalized: &NormalizedText,
        tokens: &[Token],
        lent: &[RawMatch],
    ) -> Found {
        let lm = language
            .and_then(|l| self.languages.iter().find(|(x, _)| *x == l))
            .map(|(_, m)| m)
            .or(self.other.as_ref());
        let Some(lm) = lm else {
            return Found::default();
        };
        let mut own: Vec<RawMatch> = Vec::new();
        let raw = match &lm.matcher {
            Some(m) => {
                m.find(normalized.as_str(), tokens, &mut own);
                own.as_slice()
            }
            None => lent,
        };
        let mut found = Found {
            has_vocabulary: lm.has_vocabulary,
            ..Found::default()
        };
        for r in raw.iter().filter(|r| r.set == lm.set) {
            let Some(meanings) = lm.meanings.get(&r.entry.1) else {
                continue;
            };
            if meanings
                .iter()
                .any(|m| matches!(m, Meaning::Excluded { .. }))
            {
                continue;
            }
            let last = tokens.partition_point(|t| t.norm_span().start < r.norm_end);
            let token_range = r.token..last.max(r.token + 1);
            let span = normalized.to_original_span(r.norm_start..r.norm_end);
            let written = original.get(span.clone()).unwrap_or("");
            let reversed = normalized
                .reversed_runs()
                .iter()
                .any(|run| run.start < span.end && span.start < run.end);
            let accepts = |case: CaseRule| {
                if !reversed {
                    return case.accepts(written);
                }
                // Written backwards under a right-to-left override: the span is the whole run,
                // read in display order. When the run holds more than the match, the match's
                // own letters cannot be told apart, and the case is not checked.
                let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).count();
                let matched = normalized.as_str().get(r.norm_start..r.norm_end);
                letters(written) != letters(matched.unwrap_or_default())
                    || case.accepts(&written.chars().rev().collect::<String>())
            };
            let mut targets_seen: Vec<usize> = Vec::new();
            for m in meanings {
                match *m {
                    Meaning::Alias { target, case } => {
                        if accepts(case) && !targets_seen.contains(&target) {
                            targets_seen.push(target);
                        }
                    }
                    Meaning::Cue(kind) => {
                        if !found
                            .cues
                            .last()
                            .is_some_and(|c| c.span == span && c.kind == kind)
                        {
                            found.cues.push(FoundCue {
                                kind,
                                tokens: token_range.clone(),
                                span: span.clone(),
                            });
                        }
                    }
                    Meaning::Excluded { .. } => {}
                }
            }
            for target in targets_seen {
                found.mentions.push(FoundMention {
                    target,
                    tokens: token_range.clone(),
                    span: span.clone(),
                    norm: r.norm_start..r.norm_end,
                });
            }
        }
        found
    }
}

/// The automaton of one language (`None`: aliases of every language only).
fn build(
    language: Option<Language>,
    targets: &Targets,
    vocabularies: &[Vocabulary],
    fold_accents: bool,
) -> Result<Option<LanguageMatcher>> {
    let mut phrases: Vec<&str> = Vec::new();
    let mut meanings: Vec<Meaning> = Vec::new();
    // Per phrase: its owner (a target id or a vocabulary), file, line and text.
    let mut origins: Vec<(String, Option<String>, Option<usize>, String)> = Vec::new();
    let applies = |l: Option<Language>| l.is_none() || l == language;
    for (ti, t) in targets.targets().iter().enumerate() {
        for a in t.aliases().iter().filter(|a| applies(a.language())) {
            phrases.push(a.phrase());
            meanings.push(Meaning::Alias {
                target: ti,
                case: a.case_rule(),
            });
            origins.push((
                t.id().to_string(),
                a.file().map(str::to_string),
                a.line(),
                a.phrase().to_string(),
            ));
        }
        for a in t.exclusions().iter().filter(|a| applies(a.language())) {
            phrases.push(a.phrase());
            meanings.push(Meaning::Excluded { target: ti });
            origins.push((
                t.id().to_string(),
                a.file().map(str::to_string),
                a.line(),
                a.phrase().to_string(),
            ));
        }
    }
    let vocabulary = vocabularies
        .iter()
        .find(|v| language.is_some_and(|l| l == v.language()));
    if let Some(v) = vocabulary {
        for (w, kind, line) in v.words() {
            phrases.push(w);
            meanings.push(Meaning::Cue(*kind));
            origins.push((
                v.source().to_string(),
                Some(v.source().to_string()),
                Some(*line),
                w.clone(),
            ));
        }
    }
    if phrases.is_empty() {
        return Ok(None);
    }
    let (matcher, canonical) = Matcher::from_phrases(language, &phrases, fold_accents)?;
    let mut by_pattern: FxHashMap<usize, Vec<Meaning>> = FxHashMap::default();
    for (i, &c) in canonical.iter().enumerate() {
        let list = by_pattern.entry(c).or_default();
        let m = meanings[i];
        // An excluded name of one target may be an alias of another ("West Bank"): the alias
        // stands. The same target excluding its own alias is an error.
        let clash = match m {
            Meaning::Excluded { target } => list
                .iter()
                .find(|x| matches!(x, Meaning::Alias { target: t, .. } if *t == target)),
            Meaning::Alias { target, .. } => {
                list.iter().find(|x| **x == Meaning::Excluded { target })
            }
            Meaning::Cue(_) => None,
        };
        if clash.is_some() {
            let (owner, file, line, phrase) = &origins[i];
            let (first_owner, first_file, first_line, first) = &origins[c];
            // Where the first phrase is: its line, and its file when it is another one.
            let first_at = match (first_file, first_line) {
                (Some(f), Some(l)) if first_file != file => format!(" ({f}, line {l})"),
                (_, Some(l)) => format!(" (line {l})"),
                (Some(f), None) if first_file != file => format!(" ({f})"),
                _ => String::new(),
            };
            return Err(Error::StanceData {
                file: file.clone().unwrap_or_else(|| targets.sources().join(", ")),
                line: *line,
                entry: Some(phrase.clone()),
                reason: format!(
                    "target {owner:?}: matches the same words as {first:?} of target \
                     {first_owner:?}{first_at} once case, accents and inflection are folded, \
                     one as an alias and one as an excluded name of the same target"
                ),
            });
        }
        if !list.contains(&m) {
            list.push(m);
        }
    }
    for list in by_pattern.values_mut() {
        if list.iter().any(|x| matches!(x, Meaning::Alias { .. })) {
            list.retain(|x| !matches!(x, Meaning::Excluded { .. }));
        }
    }
    Ok(Some(LanguageMatcher {
        matcher: Some(matcher),
        set: 0,
        meanings: by_pattern,
        has_vocabulary: vocabulary.is_some(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use crate::tokenize::tokenize;

    fn mentions(text: &str, lang: Language) -> Vec<(String, String)> {
        let targets = Targets::default();
        let voc = Vocabulary::embedded().unwrap_or_else(|e| panic!("{e}"));
        let m = StanceMatcher::new(&targets, &voc, true).unwrap_or_else(|e| panic!("{e}"));
        let n = normalize(text);
        let t = tokenize(text, &n);
        m.find(Some(lang), text, &n, &t.tokens, &[])
            .mentions
            .iter()
            .map(|x| {
                (
                    targets.targets()[x.target].id().to_string(),
                    text[x.span.clone()].to_string(),
                )
            })
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn aliases_metonyms_demonyms_and_adjectives() {
        let got = mentions(
            "Moscou et les Russes saluent l'Élysée ; la propagande hexagonale et les médias occidentaux.",
            Language::FRENCH,
        );
        assert_eq!(
            got,
            pairs(&[
                ("russia", "Moscou"),
                ("russia", "Russes"),
                ("france", "Élysée"),
                ("france", "hexagonale"),
                ("west", "occidentaux"),
            ])
        );
    }

    #[test]
    fn the_river_niger_is_not_the_country() {
        let got = mentions(
            "Le Niger a signé. Le fleuve Niger déborde, comme le delta du Niger au Nigeria.",
            Language::FRENCH,
        );
        assert_eq!(got, pairs(&[("sahel_states", "Niger")]));
        let got = mentions(
            "Floods on the Niger River; Niger's junta reacted.",
            Language::ENGLISH,
        );
        assert_eq!(got, pairs(&[("sahel_states", "Niger")]));
    }

    #[test]
    fn aliases_inside_longer_names_and_case_rules() {
        let got = mentions(
            "Les paris sportifs, l'accord de Paris, Radio France et l'Île-de-France ; Paris proteste.",
            Language::FRENCH,
        );
        assert_eq!(got, pairs(&[("france", "Paris")]));
        let got = mentions(
            "Tell us more: the West Bank, West Africa and the Washington Post. The West and the US disagree.",
            Language::ENGLISH,
        );
        assert_eq!(
            got,
            pairs(&[
                ("palestine", "West Bank"),
                ("africa", "West Africa"),
                ("west", "West"),
                ("united_states", "US")
            ])
        );
        // Longer names that hold an alias name something else: a currency, a writer.
        for (text, language) in [
            (
                "Le franc CFA baisse. Washington Irving écrit.",
                Language::FRENCH,
            ),
            (
                "The CFA franc fell. Washington Irving wrote.",
                Language::ENGLISH,
            ),
        ] {
            assert_eq!(mentions(text, language), pairs(&[]), "{text}");
        }
        // A region of a target, excluded from the West, is a mention of that target.
        let got = mentions(
            "L'Afrique occidentale souffre. L'Afrique aussi.",
            Language::FRENCH,
        );
        assert_eq!(
            got,
            pairs(&[("africa", "Afrique occidentale"), ("africa", "Afrique")])
        );
        let got = mentions(
            "Western Ukraine is shelled. Western Africa too. Western leaders wait.",
            Language::ENGLISH,
        );
        assert_eq!(
            got,
            pairs(&[
                ("ukraine", "Western Ukraine"),
                ("africa", "Western Africa"),
                ("west", "Western")
            ])
        );
    }

    #[test]
    fn an_exclusion_equal_to_an_alias_is_refused() {
        let t = Targets::from_toml_str(
            "format_version = 1\nname = \"t\"\nversion = \"1\"\n[[target]]\nid = \"a\"\nname = \"A\"\naliases.fr = [\"Niger\"]\nnot.fr = [\"niger\"]\n",
            "t.toml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        match StanceMatcher::new(&t, &[], true) {
            Err(Error::StanceData { line, reason, .. }) => {
                assert_eq!(line, Some(8));
                assert!(reason.contains("excluded"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// A clash between a user's file and the shipped targets names each side's file and line.
    #[test]
    fn a_clash_across_files_names_both_files() {
        let mine = Targets::from_toml_str(
            "format_version = 1\nname = \"m\"\nversion = \"1\"\n[[target]]\nid = \"russia\"\nname = \"Russia\"\naliases.fr = [\"Rossiya\"]\nnot.fr = [\"Moscou\"]\n",
            "mine.toml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let all = Targets::default().extend(mine);
        match StanceMatcher::new(&all, &[], true) {
            Err(Error::StanceData {
                file, line, reason, ..
            }) => {
                assert_eq!((file.as_str(), line), ("mine.toml", Some(8)));
                assert!(reason.contains("(models/targets.toml, line "), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// A file may add only excluded names to a loaded target; a target with neither aliases
    /// nor excluded names is refused.
    #[test]
    fn a_file_adds_excluded_names_to_a_shipped_target() {
        let head = "format_version = 1\nname = \"m\"\nversion = \"1\"\n[[target]]\nid = \"france\"\nname = \"France\"\n";
        let mine = Targets::from_toml_str(
            &format!("{head}not.fr = [\"Paris Saint-Germain\"]\n"),
            "m.toml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let all = Targets::default().extend(mine);
        let voc = Vocabulary::embedded().unwrap_or_else(|e| panic!("{e}"));
        let m = StanceMatcher::new(&all, &voc, true).unwrap_or_else(|e| panic!("{e}"));
        let text = "Le Paris Saint-Germain a gagné. Paris proteste.";
        let n = normalize(text);
        let t = tokenize(text, &n);
        let found = m.find(Some(Language::FRENCH), text, &n, &t.tokens, &[]);
        let got: Vec<&str> = found
            .mentions
            .iter()
            .map(|x| &text[x.span.clone()])
            .collect();
        assert_eq!(got, ["Paris"]);
        assert_eq!(
            found.mentions[0].span.start,
            text.rfind("Paris").unwrap_or(0)
        );
        match Targets::from_toml_str(head, "m.toml") {
            Err(Error::StanceData { line, reason, .. }) => {
                assert_eq!(line, Some(5));
                assert!(
                    reason.contains("no aliases and no excluded names"),
                    "{reason}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// Capitalised aliases match small capitals and text written backwards under a
    /// right-to-left override, read in display order; lowercase look-alikes stay refused.
    #[test]
    fn case_rules_read_small_capitals_and_reversed_text() {
        for (text, want) in [
            (
                "Le gouvernement de \u{202E}siraP\u{202C} ment.",
                vec![("france", "siraP")],
            ),
            ("Le gouvernement de ᴘᴀʀɪs ment.", vec![("france", "ᴘᴀʀɪs")]),
            ("Les pays de l'ᴏᴛᴀɴ mentent.", vec![("nato", "ᴏᴛᴀɴ")]),
            ("Le gouvernement de \u{202E}sirap\u{202C} ment.", vec![]),
        ] {
            let got = mentions(text, Language::FRENCH);
            assert_eq!(got, pairs(&want), "{text:?}");
        }
    }
}
