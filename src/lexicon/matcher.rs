//! Inflection-aware, leftmost-longest matching of lexicon phrases over tokens.
//!
//! Every word of a phrase and of the text is folded ([`fold_word`]) and stemmed (Snowball). Two
//! words are the same lexicon word when their stems are equal *and* they differ only by an
//! inflection-sized ending: after their longest common prefix, neither has more than
//! [`MAX_ENDING`] characters left. Snowball alone is derivational (French `relativement` and
//! `relations` share the stem `relat`, `globalement` and `globalistes` the stem `global`); the
//! ending test keeps `néocolonial`/`néocoloniaux`/`néocoloniales` and `vassal`/`vassaux` together
//! and those apart. Each such lexicon word gets an id. A text becomes a stream of ids, one per word
//! (or compound part), with a barrier id at sentence ends and strong punctuation and an
//! "unknown" id for words no phrase contains. Each id is written as one UTF-8 character (3 bytes,
//! or 4 for vocabularies past 57,344 words; see [`IdCode`]), so a phrase is a short string of
//! such characters and one Aho-Corasick automaton
//! (leftmost-longest) finds every phrase in one pass. Because UTF-8 is self-synchronizing, a
//! match always starts and ends on a word boundary, and `minorité planétaire` wins over
//! `minorité`.
//!
//! Stemming costs about a microsecond a word, so each thread keeps a cache from a word's
//! normalized form to its id ([`thread_local::ThreadLocal`], bounded; see [`super::cache`]).
//!
//! A matcher may hold a second phrase set over the same words ([`Matcher::join`]: the stance
//! stage's aliases and cue words next to a language's lexicons). Each set keeps its own
//! vocabulary and automaton, so it finds exactly what it would find alone, but a text is
//! walked, and each of its words looked up in the cache, once for both.

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;
use thread_local::ThreadLocal;

use crate::error::{Error, Result};
use crate::language::Language;
use crate::normalize::{fold_word, join_spaced, normalize, FoldOptions};
use crate::tokenize::{tokenize, word_hash, Token, TokenKind};

use super::cache::{pack, Ids, Packed, WordCache, MAX_SETS, NOT_HOME, NO_KEY};
use super::Lexicon;

const UNKNOWN: u32 = 0;
const BARRIER: u32 = 1;
const FIRST_STEM: u32 = 2;
const MAX_IDS: u32 = 0x10_FFFF - 0x1_0000;
/// The lead bytes of 3-byte characters that take any continuation byte (not E0, whose second
/// byte must be A0..BF, nor ED, whose second byte A0..BF would make a surrogate).
const LEADS: [u8; 14] = [
    0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xEE, 0xEF,
];

/// How a phrase set writes its word ids as characters. A 3-byte character gives an id as a
/// lead byte and two continuation bytes, each continuation byte holding `bits` bits (4, 5 or
/// 6: the fewest that give the set's ids room). The automaton's
/// transition table has a column per distinct byte, rounded up to a power of two: a
/// vocabulary of 1,700 words written this way uses 7 lead bytes and 16 continuation bytes,
/// 32 columns, where characters counted up from U+0800 used 65 bytes (128 columns). The
/// table, walked one dependent load per byte of the stream, is a quarter of the size (the
/// French lexicons': 0.78 instead of 2.78 MB, within the processor's L2 cache). Past 57,344
/// ids, 4-byte characters counted up from U+10000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IdCode {
    /// Bytes per id in the stream (3 or 4).
    width: usize,
    /// Bits per continuation byte of a 3-byte id.
    bits: u32,
}

impl IdCode {
    /// The code for ids below `n`.
    fn for_ids(n: u32) -> IdCode {
        let bits = [4, 5, 6]
            .into_iter()
            .find(|&b| n <= (LEADS.len() as u32) << (2 * b));
        match bits {
            Some(bits) => IdCode { width: 3, bits },
            None => IdCode { width: 4, bits: 0 },
        }
    }

    /// An id as one UTF-8 character of [`IdCode::width`] bytes.
    fn char_of(self, id: u32) -> char {
        let cp = if self.width == 3 {
            let (b, mask) = (self.bits, (1 << self.bits) - 1);
            let lead = LEADS.get((id >> (2 * b)) as usize).copied().unwrap_or(0xEF);
            (u32::from(lead & 0x0F) << 12) | (((id >> b) & mask) << 6) | (id & mask)
        } else {
            0x1_0000 + id
        };
        char::from_u32(cp).unwrap_or('\u{FFFD}')
    }
}
/// Longest ending (in characters) by which two inflections of one lexicon word may differ.
const MAX_ENDING: usize = 3;

/// Which entry a pattern stands for: (index of the lexicon, index of the entry).
pub(crate) type EntryRef = (usize, usize);

/// A phrase found in a text: which entry, and which units (word parts) it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawMatch {
    /// Which phrase set of the matcher (0 unless sets were joined, [`Matcher::join`]).
    pub set: usize,
    pub entry: EntryRef,
    /// Normalized byte span of the match.
    pub norm_start: usize,
    /// Normalized byte end (exclusive).
    pub norm_end: usize,
    /// Index of the first token of the match.
    pub token: usize,
}

/// The matcher for one language (or for language-independent lexicons).
pub(crate) struct Matcher {
    language: Option<Language>,
    stemmer: Option<rust_stemmers::Stemmer>,
    fold: FoldOptions,
    /// At most [`MAX_SETS`].
    sets: Vec<PhraseSet>,
    cache: ThreadLocal<RefCell<WordCache>>,
}

/// Phrases over their own words: the vocabulary their ids come from, and their automaton.
struct PhraseSet {
    /// Stem → the lexicon words (folded surface, id) that have it.
    vocab: FxHashMap<Box<str>, Vec<(Box<str>, u32)>>,
    words: u32,
    /// How its ids are written in the stream.
    code: IdCode,
    automaton: Option<AhoCorasick>,
    patterns: Vec<EntryRef>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sets: Vec<(u32, usize)> = self
            .sets
            .iter()
            .map(|s| (s.words, s.patterns.len()))
            .collect();
        f.debug_struct("Matcher")
            .field("language", &self.language)
            .field("sets (words, patterns)", &sets)
            .finish()
    }
}

/// One phrase set's stream of ids over a text, and the units they stand for.
struct Stream {
    units: Vec<Unit>,
    ids: String,
    last_unknown: bool,
}

impl Stream {
    fn push(&mut self, id: u32, unit: Unit, code: IdCode) {
        // No phrase holds an unknown word: a run of them is one unit.
        if id == UNKNOWN && self.last_unknown {
            return;
        }
        self.last_unknown = id == UNKNOWN;
        self.units.push(unit);
        self.ids.push(code.char_of(id));
    }
}

/// One matchable unit of a text: a word or a part of a hyphenated compound (or a barrier).
#[derive(Clone, Copy)]
struct Unit {
    norm_start: u32,
    norm_end: u32,
    token: u32,
}

impl Matcher {
    /// Builds a matcher over the entries of `lexicons` (given with their index in the
    /// analyzer's list). Entries whose phrase normalizes like an earlier one of the same
    /// lexicon under the default folding (accents folded) are refused, an authoring error,
    /// whatever lexicons come before it; across lexicons the earlier lexicon wins. Under
    /// another folding (`fold_accents` false) two
    /// entries that the default folding keeps apart may still match the same words (their
    /// stems collide once accents stay, as French `absurde` and `absurdité`): then the earlier
    /// entry wins, in lexicon order and within a lexicon in file order, and the later one's
    /// matches are reported as the earlier one's.
    pub fn new(
        language: Option<Language>,
        lexicons: &[(usize, &Lexicon)],
        fold_accents: bool,
    ) -> Result<Matcher> {
        let mut m = Matcher::empty(language, fold_accents);
        let mut seen: FxHashMap<Vec<u32>, (usize, usize)> = FxHashMap::default();
        // The duplicate check's own matcher under the default folding, when that is not `m`'s.
        let mut check = (!fold_accents).then(|| Matcher::empty(language, true));
        let mut pattern_strings = Vec::new();
        for &(lex_idx, lexicon) in lexicons {
            // The lexicon's own entries by pattern under the default folding: a file's own
            // duplicates are refused whatever lexicons come before it.
            let mut own: FxHashMap<Vec<u32>, usize> = FxHashMap::default();
            for (entry_idx, entry) in lexicon.entries().iter().enumerate() {
                let err = |reason: String| Error::Lexicon {
                    file: lexicon.source().to_string(),
                    line: Some(entry.line()),
                    entry: Some(entry.phrase().to_string()),
                    reason,
                };
                // A phrase's own errors (too many words) name the file, line and entry.
                let in_entry = |e: Error| match e {
                    Error::Config(reason) => err(reason),
                    other => other,
                };
                let pattern = m.phrase_pattern(entry.phrase()).map_err(in_entry)?;
                if pattern.iter().all(|&id| id == BARRIER) {
                    return Err(err(
                        "the phrase has no words: a phrase needs at least one word (punctuation \
                         alone is never matched)"
                            .into(),
                    ));
                }
                let default = match check.as_mut() {
                    None => pattern.clone(),
                    Some(check) => check.phrase_pattern(entry.phrase()).map_err(in_entry)?,
                };
                if let Some(&e) = own.get(&default) {
                    let other = lexicon
                        .entries()
                        .get(e)
                        .map_or(("?", 0), |o| (o.phrase(), o.line()));
                    return Err(err(format!(
                        "matches the same words as {:?} (line {}) once case, accents and \
                         inflection are folded",
                        other.0, other.1
                    )));
                }
                own.insert(default, entry_idx);
                match seen.get(&pattern) {
                    Some(_) => continue,
                    None => {
                        seen.insert(pattern.clone(), (lex_idx, entry_idx));
                        pattern_strings.push(pattern);
                        m.sets[0].patterns.push((lex_idx, entry_idx));
                    }
                }
            }
        }
        m.build(&pattern_strings)?;
        Ok(m)
    }

    /// A matcher over free phrases rather than lexicon entries (stance target aliases, cue
    /// words): phrase `i` is reported as entry `(0, i)`. A phrase that folds to the same words
    /// as an earlier one is reported as that one; the returned vector gives, for each phrase,
    /// the index it is reported under. A phrase without words is an error naming it.
    pub(crate) fn from_phrases(
        language: Option<Language>,
        phrases: &[&str],
        fold_accents: bool,
    ) -> Result<(Matcher, Vec<usize>)> {
        let mut m = Matcher::empty(language, fold_accents);
        let mut seen: FxHashMap<Vec<u32>, usize> = FxHashMap::default();
        let mut pattern_strings = Vec::new();
        let mut canonical = Vec::with_capacity(phrases.len());
        for (i, phrase) in phrases.iter().enumerate() {
            let pattern = m.phrase_pattern(phrase)?;
            if pattern.is_empty() {
                return Err(Error::Config(format!("the phrase {phrase:?} has no words")));
            }
            match seen.get(&pattern) {
                Some(&first) => canonical.push(first),
                None => {
                    seen.insert(pattern.clone(), i);
                    pattern_strings.push(pattern);
                    m.sets[0].patterns.push((0, i));
                    canonical.push(i);
                }
            }
        }
        m.build(&pattern_strings)?;
        Ok((m, canonical))
    }

    fn empty(language: Option<Language>, fold_accents: bool) -> Matcher {
        let stemmer = language
            .and_then(|l| l.profile())
            .map(|p| rust_stemmers::Stemmer::create(p.stemmer));
        let fold = FoldOptions {
            accents: fold_accents,
            latin_context: language.is_some_and(|l| l.is_latin_script()),
        };
        Matcher {
            language,
            stemmer,
            fold,
            sets: vec![PhraseSet {
                vocab: FxHashMap::default(),
                words: 0,
                code: IdCode::for_ids(MAX_IDS),
                automaton: None,
                patterns: Vec::new(),
            }],
            cache: ThreadLocal::new(),
        }
    }

    /// Builds the automaton over the patterns (as word ids) of the first phrase set.
    fn build(&mut self, patterns: &[Vec<u32>]) -> Result<()> {
        let set = &mut self.sets[0];
        set.code = IdCode::for_ids(FIRST_STEM + set.words);
        let pattern_strings: Vec<String> = patterns
            .iter()
            .map(|ids| ids.iter().map(|&id| set.code.char_of(id)).collect())
            .collect();
        if !pattern_strings.is_empty() {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(&pattern_strings)
                .map_err(|e| Error::Config(format!("cannot build the lexicon automaton: {e}")))?;
            set.automaton = Some(ac);
        }
        Ok(())
    }

    /// Takes in the phrase sets of `other`, a matcher of the same language and folding, so
    /// that one walk over a text finds the phrases of both ([`RawMatch::set`] tells them
    /// apart; each set finds what it found alone), and gives the index of `other`'s first set.
    /// Leaves `other` where it is (and gives `None`) when the two differ in language or folding
    /// or would hold more than [`MAX_SETS`] sets.
    pub fn join(&mut self, other: &mut Option<Matcher>) -> Option<usize> {
        let o = other.as_ref()?;
        if o.language != self.language
            || o.fold != self.fold
            || self.sets.len() + o.sets.len() > MAX_SETS
        {
            return None;
        }
        let first = self.sets.len();
        self.sets.extend(other.take()?.sets);
        self.cache = ThreadLocal::new();
        Some(first)
    }

    /// The ids of a phrase's words, adding new words to the vocabulary.
    fn phrase_pattern(&mut self, phrase: &str) -> Result<Vec<u32>> {
        let normalized = normalize(phrase);
        let tokens = tokenize(phrase, &normalized);
        let text = normalized.as_str();
        let mut pattern = Vec::new();
        for token in &tokens.tokens {
            match token.kind() {
                TokenKind::Punct => {
                    // Barriers in a row are one, as in a text (see `find_in`).
                    if is_barrier(&text[token.norm_span()]) && pattern.last() != Some(&BARRIER) {
                        pattern.push(BARRIER);
                    }
                }
                _ => {
                    let word = &text[token.norm_span()];
                    let joined;
                    let parts: Vec<&str> = if token.is_spaced() {
                        joined = join_spaced(word);
                        vec![joined.as_str()]
                    } else {
                        word.split('-').filter(|p| !p.is_empty()).collect()
                    };
                    for part in parts {
                        let (folded, stem) = self.fold_and_stem(part);
                        let set = &mut self.sets[0];
                        let id = match set.word_id(&folded, &stem) {
                            UNKNOWN => {
                                let id = FIRST_STEM + set.words;
                                if id >= MAX_IDS {
                                    return Err(Error::Config(
                                        "lexicons hold too many distinct words".into(),
                                    ));
                                }
                                set.words += 1;
                                set.vocab
                                    .entry(stem.into_boxed_str())
                                    .or_default()
                                    .push((folded.into_boxed_str(), id));
                                id
                            }
                            id => id,
                        };
                        pattern.push(id);
                    }
                }
            }
        }
        Ok(pattern)
    }

    /// The ids of a phrase's words (adding unknown words to the vocabulary of this matcher's
    /// first phrase set; the automaton is not rebuilt).
    pub fn pattern_ids(&mut self, phrase: &str) -> Result<Vec<u32>> {
        self.phrase_pattern(phrase)
    }

    /// Whether any of this matcher's phrases occurs inside `text`.
    pub fn matches_inside(&self, text: &str) -> bool {
        let normalized = normalize(text);
        let tokens = tokenize(text, &normalized);
        let mut found = Vec::new();
        self.find(normalized.as_str(), &tokens.tokens, &mut found);
        !found.is_empty()
    }

    /// A normalized word's folded form and stem.
    fn fold_and_stem(&self, word: &str) -> (String, String) {
        let folded = fold_word(word, self.fold);
        let stem = match &self.stemmer {
            Some(s) => s.stem(&folded).into_owned(),
            None => folded.to_string(),
        };
        (folded.into_owned(), stem)
    }

    /// The ids of a word (a token, or a part of a compound token) in each phrase set, through
    /// the thread's cache.
    fn cached_ids(&self, cache: &mut WordCache, token: &Token, part: &str) -> Ids {
        let hash = if token.is_compound() {
            word_hash(part)
        } else {
            token.hash()
        };
        let key = pack(part);
        if let Some(ids) = cache.get(hash, key.as_ref(), part) {
            return ids;
        }
        // A letter-spaced word is looked up without its separators.
        let (folded, stem) = if token.is_spaced() {
            self.fold_and_stem(&join_spaced(part))
        } else {
            self.fold_and_stem(part)
        };
        let mut ids = [UNKNOWN; MAX_SETS];
        for (id, set) in ids.iter_mut().zip(&self.sets) {
            *id = set.word_id(&folded, &stem);
        }
        cache.insert(hash, key, part, ids);
        ids
    }

    /// Finds every phrase of every set in a tokenized text, leftmost-longest within a set, in
    /// text order within a set (the first set's matches first).
    pub fn find(&self, text: &str, tokens: &[Token], out: &mut Vec<RawMatch>) {
        if self.sets.iter().all(|s| s.automaton.is_none()) {
            return;
        }
        // The number of sets as a constant, so that the per-word loops over them unroll.
        const _: () = assert!(MAX_SETS == 2, "find handles one or two phrase sets");
        if let Ok(sets) = <&[PhraseSet; 1]>::try_from(self.sets.as_slice()) {
            self.find_in(sets, text, tokens, out);
        } else if let Ok(sets) = <&[PhraseSet; 2]>::try_from(self.sets.as_slice()) {
            self.find_in(sets, text, tokens, out);
        }
    }

    /// [`Matcher::find`] with the matcher's `N` sets.
    fn find_in<const N: usize>(
        &self,
        sets: &[PhraseSet; N],
        text: &str,
        tokens: &[Token],
        out: &mut Vec<RawMatch>,
    ) {
        let mut streams: [Stream; N] = std::array::from_fn(|s| Stream {
            units: Vec::with_capacity(tokens.len()),
            ids: String::with_capacity(tokens.len() * sets[s].code.width),
            last_unknown: false,
        });
        let cache = self.cache.get_or(Default::default);
        let mut cache = cache.borrow_mut();
        // First the home slot of every one-part word, in a loop of its own: these loads do not
        // depend on each other, so the processor overlaps their memory latency (see `cache`).
        let words: Vec<(u64, Packed)> = tokens
            .iter()
            .map(|t| {
                let key = if t.kind() == TokenKind::Punct || t.is_compound() {
                    None
                } else {
                    pack(&text[t.norm_span()])
                };
                (t.hash(), key.unwrap_or(NO_KEY))
            })
            .collect();
        let homes = cache.homes(&words);
        let mut last_sentence = usize::MAX;
        // Whether the last unit pushed is a barrier: barriers in a row (a full stop, then the
        // next sentence's start) are one, so that a phrase written `non. jamais` matches.
        let mut after_barrier = false;
        for (ti, token) in tokens.iter().enumerate() {
            let slice = &text[token.norm_span()];
            let barrier = token.sentence() != last_sentence
                || token.kind() == TokenKind::Punct && is_barrier(slice);
            last_sentence = token.sentence();
            if barrier && !after_barrier {
                after_barrier = true;
                push_barrier(&mut streams, sets, token.norm_span().start, ti);
            }
            if token.kind() == TokenKind::Punct {
                continue;
            }
            after_barrier = false;
            let mut offset = token.norm_span().start;
            let parts = if token.is_compound() {
                Either::Parts(slice.split('-'))
            } else {
                Either::One(Some(slice))
            };
            for part in parts {
                let start = offset;
                offset += part.len() + 1;
                if part.is_empty() {
                    continue;
                }
                let ids = match homes[ti] {
                    NOT_HOME => self.cached_ids(&mut cache, token, part),
                    ids => ids,
                };
                let unit = Unit {
                    norm_start: start as u32,
                    norm_end: (start + part.len()) as u32,
                    token: ti as u32,
                };
                for ((stream, set), &id) in streams.iter_mut().zip(sets).zip(&ids) {
                    stream.push(id, unit, set.code);
                }
            }
        }
        // The end of the text ends a sentence as its start begins one: a phrase written
        // `honte !` matches `honte` as the text's last word.
        if let (Some(last), false) = (tokens.last(), after_barrier) {
            push_barrier(&mut streams, sets, last.norm_span().end, tokens.len() - 1);
        }
        for (si, (stream, set)) in streams.iter().zip(sets).enumerate() {
            let Some(ac) = &set.automaton else {
                continue;
            };
            for m in ac.find_iter(&stream.ids) {
                let w = set.code.width;
                // The span runs from the first word to the last: a barrier at either end (a
                // phrase written `honte !`) is a place between tokens, left out of it.
                let units = stream
                    .units
                    .get(m.start() / w..m.end() / w)
                    .unwrap_or_default();
                let mut words = units.iter().filter(|u| u.norm_end > u.norm_start);
                let Some(a) = words.next() else {
                    continue;
                };
                let b = words.next_back().unwrap_or(a);
                out.push(RawMatch {
                    set: si,
                    entry: set.patterns[m.pattern().as_usize()],
                    norm_start: a.norm_start as usize,
                    norm_end: b.norm_end as usize,
                    token: a.token as usize,
                });
            }
        }
    }
}

/// Adds a barrier (a sentence's edge or sentence punctuation) at normalized offset `at`, by
/// token `token`, to every stream.
fn push_barrier<const N: usize>(
    streams: &mut [Stream; N],
    sets: &[PhraseSet; N],
    at: usize,
    token: usize,
) {
    let unit = Unit {
        norm_start: at as u32,
        norm_end: at as u32,
        token: token as u32,
    };
    for (stream, set) in streams.iter_mut().zip(sets) {
        stream.units.push(unit);
        stream.ids.push(set.code.char_of(BARRIER));
        stream.last_unknown = false;
    }
}

impl PhraseSet {
    /// The id of the word of this set that a folded word with this stem inflects, or
    /// `UNKNOWN`.
    fn word_id(&self, folded: &str, stem: &str) -> u32 {
        let Some(words) = self.vocab.get(stem) else {
            return UNKNOWN;
        };
        words
            .iter()
            .filter_map(|(surface, id)| inflection_prefix(folded, surface).map(|p| (p, *id)))
            .max_by_key(|&(p, _)| p)
            .map_or(UNKNOWN, |(_, id)| id)
    }
}

/// The parts of a word: itself, or the parts of a hyphenated compound.
enum Either<'a> {
    One(Option<&'a str>),
    Parts(std::str::Split<'a, char>),
}

impl<'a> Iterator for Either<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        match self {
            Either::One(one) => one.take(),
            Either::Parts(parts) => parts.next(),
        }
    }
}

/// If `a` and `b` differ only by endings of at most [`MAX_ENDING`] characters, the length of
/// their common prefix in characters.
fn inflection_prefix(a: &str, b: &str) -> Option<usize> {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let (la, lb) = (a.chars().count(), b.chars().count());
    (la - common <= MAX_ENDING && lb - common <= MAX_ENDING).then_some(common)
}

/// Punctuation that no phrase spans: sentence ends, semicolons, colons and brackets. Commas,
/// quotes and dashes do not break a phrase.
fn is_barrier(punct: &str) -> bool {
    match punct.as_bytes() {
        [b] => matches!(
            b,
            b'.' | b'!' | b'?' | b';' | b':' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
        ),
        _ => punct == "…",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Category;

    /// Every code writes distinct ids as distinct characters of its width, and a 3-byte code
    /// uses few distinct bytes (the automaton's columns).
    #[test]
    fn id_codes_are_distinct_characters_of_few_bytes() {
        for (n, width, bits) in [
            (3, 3, 4),
            (14 * 16 * 16, 3, 4),
            (14 * 16 * 16 + 1, 3, 5),
            (14 * 64 * 64, 3, 6),
            (14 * 64 * 64 + 1, 4, 0),
        ] {
            let code = IdCode::for_ids(n);
            assert_eq!((code.width, code.bits), (width, bits), "{n} ids");
            let chars: Vec<char> = (0..n).map(|id| code.char_of(id)).collect();
            assert!(chars.iter().all(|c| c.len_utf8() == width));
            let distinct: std::collections::HashSet<char> = chars.iter().copied().collect();
            assert_eq!(distinct.len(), n as usize, "{n} ids");
            if width == 3 {
                let mut bytes = [false; 256];
                for c in &chars {
                    for b in c.to_string().bytes() {
                        bytes[usize::from(b)] = true;
                    }
                }
                let used = bytes.iter().filter(|&&b| b).count();
                let leads = (n as usize).div_ceil(1 << (2 * bits));
                assert!(used <= leads + (1 << bits), "{n} ids: {used} bytes");
            }
        }
    }

    fn lexicon(entries: &[(&str, &str)]) -> Lexicon {
        lexicon_in("t.toml", entries)
    }

    /// A French lexicon read from `source` (its name too).
    fn lexicon_in(source: &str, entries: &[(&str, &str)]) -> Lexicon {
        let mut text = format!(
            "format_version = 1\nname = {source:?}\nlanguage = \"fr\"\nversion = \"1\"\nentries = [\n"
        );
        for (phrase, cat) in entries {
            text.push_str(&format!(
                "{{ phrase = \"{phrase}\", category = \"{cat}\" }},\n"
            ));
        }
        text.push_str("]\n");
        match Lexicon::from_toml_str(&text, source) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        }
    }

    fn found(lex: &Lexicon, text: &str) -> Vec<(String, String)> {
        found_folding(lex, text, true)
    }

    fn found_folding(lex: &Lexicon, text: &str, fold_accents: bool) -> Vec<(String, String)> {
        let m = match Matcher::new(Some(Language::FRENCH), &[(0, lex)], fold_accents) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        let n = normalize(text);
        let t = tokenize(text, &n);
        let mut out = Vec::new();
        m.find(n.as_str(), &t.tokens, &mut out);
        out.iter()
            .map(|r| {
                let span = n.to_original_span(r.norm_start..r.norm_end);
                (
                    lex.entries()[r.entry.1].phrase().to_string(),
                    text[span].to_string(),
                )
            })
            .collect()
    }

    /// Sentence punctuation in a phrase stands for any sentence end, semicolon, colon or
    /// bracket (barriers in a row are one); the marker's span runs from its first word to its
    /// last, without the punctuation or the space before it.
    #[test]
    fn punctuation_in_a_phrase_is_a_barrier_left_out_of_the_span() {
        let lex = lexicon(&[("honte !", "exaggeration"), ("non. jamais", "exaggeration")]);
        let table: &[(&str, &[(&str, &str)])] = &[
            ("Quelle honte !", &[("honte !", "honte")]),
            ("Quelle honte ; vraiment.", &[("honte !", "honte")]),
            ("Quelle honte\nSuite.", &[("honte !", "honte")]),
            // The text's end is a sentence's end.
            ("Quelle honte", &[("honte !", "honte")]),
            ("Quelle honte »", &[("honte !", "honte")]),
            ("Une honte pour tous.", &[]),
            ("Une honte pour tous", &[]),
            ("Non. Jamais.", &[("non. jamais", "Non. Jamais")]),
            ("Non. « Jamais » !", &[("non. jamais", "Non. « Jamais")]),
            ("Non, jamais.", &[]),
        ];
        for (text, want) in table {
            let got = found(&lex, text);
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn leftmost_longest_and_inflection() {
        let lex = lexicon(&[
            ("minorité", "pejorative_label"),
            ("minorité planétaire", "colonial_framing"),
            ("néocolonial", "colonial_framing"),
        ]);
        let got = found(
            &lex,
            "La minorité planétaire, une minorité. Forces néocoloniales et néocoloniaux.",
        );
        let want = [
            ("minorité planétaire", "minorité planétaire"),
            ("minorité", "minorité"),
            ("néocolonial", "néocoloniales"),
            ("néocolonial", "néocoloniaux"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn joined_sets_find_what_each_finds_alone() {
        let lex = lexicon(&[
            ("minorité planétaire", "colonial_framing"),
            ("colonial", "colonial_framing"),
            ("vassal", "pejorative_label"),
        ]);
        // The second set shares stems with the first ("colonialement", "planétaire") and has
        // words of its own; each set keeps its own inflection rule and unknown words.
        let phrases = [
            "colonialement",
            "planétaire",
            "Niger",
            "la Russie",
            "minorité",
        ];
        let build = || -> (Matcher, Matcher) {
            let a = Matcher::new(Some(Language::FRENCH), &[(0, &lex)], true);
            let b = Matcher::from_phrases(Some(Language::FRENCH), &phrases, true);
            match (a, b) {
                (Ok(a), Ok((b, _))) => (a, b),
                (Err(e), _) | (_, Err(e)) => panic!("{e}"),
            }
        };
        let run = |m: &Matcher, text: &str| {
            let n = normalize(text);
            let t = tokenize(text, &n);
            let mut out = Vec::new();
            m.find(n.as_str(), &t.tokens, &mut out);
            out
        };
        let texts = [
            "La minorité planétaire, colonialement et coloniales, vassaux de la Russie au Niger.",
            "Minorité ; planétaire. Les colonialistes et la Russie, minorité planétaire-colonial.",
            "Rien ici.",
        ];
        for text in texts {
            let (a, b) = build();
            let alone: Vec<RawMatch> = run(&a, text)
                .into_iter()
                .chain(run(&b, text).into_iter().map(|r| RawMatch { set: 1, ..r }))
                .collect();
            let (mut joined, b) = build();
            assert_eq!(joined.join(&mut Some(b)), Some(1));
            assert_eq!(run(&joined, text), alone, "{text}");
        }
        // Both sets find something on their own in the first text.
        let (a, b) = build();
        assert_eq!((run(&a, texts[0]).len(), run(&b, texts[0]).len()), (3, 5));
        // Another language, or a third set, is refused and left in place.
        let (mut a, b) = build();
        assert!(a.join(&mut Some(b)).is_some());
        let mut c = Some(build().1);
        assert!(a.join(&mut c).is_none() && c.is_some());
        let english = match Matcher::from_phrases(Some(Language::ENGLISH), &["Russia"], true) {
            Ok((m, _)) => m,
            Err(e) => panic!("{e}"),
        };
        assert!(build().0.join(&mut Some(english)).is_none());
    }

    #[test]
    fn phrases_do_not_cross_sentences_or_partial_words() {
        let lex = lexicon(&[("minorité planétaire", "colonial_framing")]);
        assert!(found(&lex, "une minorité. Planétaire").is_empty());
        assert!(found(&lex, "minoritéx planétaire").is_empty());
        assert_eq!(found(&lex, "la minorité, planétaire").len(), 1);
    }

    #[test]
    fn duplicates_within_a_lexicon_are_refused() {
        let lex = lexicon(&[
            ("vassal", "pejorative_label"),
            ("Vassaux", "pejorative_label"),
        ]);
        match Matcher::new(Some(Language::FRENCH), &[(0, &lex)], true) {
            Err(Error::Lexicon { line, reason, .. }) => {
                assert_eq!(line, Some(7));
                assert!(reason.contains("line 6"), "{reason}");
            }
            other => panic!("expected a duplicate error, got {other:?}"),
        }
    }

    /// A lexicon's own duplicates are refused whatever lexicons are loaded before it, with
    /// the error it gets alone; duplicates across lexicons are allowed, the earlier winning.
    #[test]
    fn own_duplicates_are_refused_whatever_comes_first() {
        let dup_b: &[(&str, &str)] = &[
            ("vassal", "pejorative_label"),
            ("Vassaux", "pejorative_label"),
        ];
        let vassal: &[(&str, &str)] = &[("vassal", "loaded_evaluative")];
        let other: &[(&str, &str)] = &[("horde", "dehumanizing")];
        let vassaux: &[(&str, &str)] = &[("vassaux", "exaggeration")];
        // (lexicons in load order as (file, entries), fold_accents, expected: Err((file,
        // line, entry)) of the duplicate or Ok(category of the "vassaux" match))
        type Case<'a> = (
            Vec<(&'a str, &'a [(&'a str, &'a str)])>,
            bool,
            std::result::Result<&'a str, (&'a str, usize, &'a str)>,
        );
        let refused = Err(("dup_b.toml", 7, "Vassaux"));
        let table: Vec<Case<'_>> = vec![
            (vec![("dup_b.toml", dup_b)], true, refused),
            (vec![("dup_b.toml", dup_b)], false, refused),
            (
                vec![("a.toml", vassal), ("dup_b.toml", dup_b)],
                true,
                refused,
            ),
            (
                vec![("a.toml", vassal), ("dup_b.toml", dup_b)],
                false,
                refused,
            ),
            (
                vec![("a.toml", other), ("dup_b.toml", dup_b)],
                true,
                refused,
            ),
            (
                vec![("dup_b.toml", dup_b), ("a.toml", vassal)],
                true,
                refused,
            ),
            // Across files: allowed, the earlier lexicon wins.
            (
                vec![("a.toml", vassal), ("c.toml", vassaux)],
                true,
                Ok("loaded_evaluative"),
            ),
            (
                vec![("c.toml", vassaux), ("a.toml", vassal)],
                false,
                Ok("exaggeration"),
            ),
        ];
        for (files, fold_accents, want) in table {
            let lexicons: Vec<Lexicon> = files.iter().map(|(f, e)| lexicon_in(f, e)).collect();
            let indexed: Vec<(usize, &Lexicon)> = lexicons.iter().enumerate().collect();
            let built = Matcher::new(Some(Language::FRENCH), &indexed, fold_accents);
            let name = format!(
                "{:?} {fold_accents}",
                files.iter().map(|f| f.0).collect::<Vec<_>>()
            );
            match (built, want) {
                (
                    Err(Error::Lexicon {
                        file,
                        line,
                        entry,
                        reason,
                    }),
                    Err((f, l, e)),
                ) => {
                    assert_eq!(
                        (file.as_str(), line, entry.as_deref()),
                        (f, Some(l), Some(e)),
                        "{name}"
                    );
                    assert!(
                        reason.contains("\"vassal\" (line 6)")
                            && reason.contains("matches the same words"),
                        "{name}: {reason}"
                    );
                }
                (Ok(m), Ok(category)) => {
                    let text = "Les vassaux.";
                    let n = normalize(text);
                    let t = tokenize(text, &n);
                    let mut out = Vec::new();
                    m.find(n.as_str(), &t.tokens, &mut out);
                    let got: Vec<Category> = out
                        .iter()
                        .map(|r| lexicons[r.entry.0].entries()[r.entry.1].category())
                        .collect();
                    assert_eq!(got.len(), 1, "{name}");
                    assert_eq!(got[0].as_str(), category, "{name}");
                }
                (other, want) => panic!("{name}: got {other:?}, want {want:?}"),
            }
        }
    }

    /// The duplicate check is an authoring check made under the default folding, whatever the
    /// matcher's: a real duplicate is refused under every folding, and entries that only
    /// collide with accents kept (`absurde`, `absurdité`) are accepted, the earlier one
    /// winning.
    #[test]
    fn duplicates_are_checked_under_the_default_folding() {
        // (entries, fold_accents, text, expected: Ok(found (entry, text)) or Err(duplicate line))
        type Case<'a> = (
            &'a [(&'a str, &'a str)],
            bool,
            &'a str,
            std::result::Result<&'a [(&'a str, &'a str)], usize>,
        );
        let dup: &[(&str, &str)] = &[
            ("vassal", "pejorative_label"),
            ("Vassaux", "pejorative_label"),
        ];
        let absurd: &[(&str, &str)] = &[
            ("absurde", "loaded_evaluative"),
            ("absurdité", "loaded_evaluative"),
        ];
        let table: [Case<'_>; 5] = [
            (dup, true, "", Err(7)),
            (dup, false, "", Err(7)),
            (
                absurd,
                true,
                "Une absurdité absurde.",
                Ok(&[("absurdité", "absurdité"), ("absurde", "absurde")]),
            ),
            (
                absurd,
                false,
                "Une absurdité absurde.",
                Ok(&[("absurde", "absurdité"), ("absurde", "absurde")]),
            ),
            (
                &absurd[1..],
                false,
                "Une absurdité.",
                Ok(&[("absurdité", "absurdité")]),
            ),
        ];
        for (entries, fold_accents, text, want) in table {
            let lex = lexicon(entries);
            let built = Matcher::new(Some(Language::FRENCH), &[(0, &lex)], fold_accents);
            match (built, want) {
                (Err(Error::Lexicon { line, reason, .. }), Err(want)) => {
                    assert_eq!(line, Some(want), "{entries:?} {fold_accents}: {reason}");
                    assert!(reason.contains("matches the same words"), "{reason}");
                }
                (Ok(_), Ok(want)) => {
                    let got = found_folding(&lex, text, fold_accents);
                    let want: Vec<(String, String)> = want
                        .iter()
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                        .collect();
                    assert_eq!(got, want, "{entries:?} {fold_accents}");
                }
                (other, _) => panic!("{entries:?} {fold_accents}: got {other:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn derivations_are_not_inflections() {
        let lex = lexicon(&[
            ("relativement", "hedge"),
            ("globaliste", "pejorative_label"),
        ]);
        assert!(found(&lex, "les relations globalement").is_empty());
        assert_eq!(found(&lex, "les globalistes").len(), 1);
    }

    #[test]
    fn phrases_without_words_are_refused() {
        for phrase in ["!!!", ".", "( )", "…", "—", "–", "« »", ","] {
            let lex = lexicon(&[("vassaux", "pejorative_label"), (phrase, "exaggeration")]);
            match Matcher::new(Some(Language::FRENCH), &[(0, &lex)], true) {
                Err(Error::Lexicon {
                    file,
                    line,
                    entry,
                    reason,
                }) => {
                    assert_eq!(file, "t.toml", "{phrase}");
                    assert_eq!(line, Some(7), "{phrase}");
                    assert_eq!(entry.as_deref(), Some(phrase), "{phrase}");
                    assert!(reason.contains("no words"), "{reason}");
                    assert!(reason.contains("needs at least one word"), "{reason}");
                    assert!(!reason.contains("brackets"), "{phrase:?}: {reason}");
                }
                other => panic!("{phrase:?}: expected an error, got {other:?}"),
            }
        }
    }

    #[test]
    fn compound_parts_match_separately() {
        let lex = lexicon(&[("otanesque", "pejorative_label")]);
        assert_eq!(found(&lex, "l'axe euro-otanesque")[0].1, "otanesque");
    }
}
