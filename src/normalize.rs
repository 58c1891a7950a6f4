//! Normalization for matching, with an alignment back to the caller's original text.
//!
//! Two stages live here:
//!
//! 1. [`normalize`] rewrites a whole text: NFKC, full lowercase, default-ignorable characters
//!    removed, apostrophe variants folded to `'`, dash variants to `-`, Unicode spaces to one ASCII
//!    space, line and paragraph separators to `\n`. The result, a [`NormalizedText`], keeps an
//!    alignment so that every normalized byte position maps back to a byte offset of the original
//!    text that is a valid UTF-8 boundary ([`NormalizedText::to_original_span`]).
//! 2. [`fold_word`] folds one normalized word further for lexicon look-up: accents (NFD, combining
//!    marks dropped) and Cyrillic/Greek look-alike letters inside Latin words. It works per word, so
//!    it needs no alignment: a word's span is the span of its token.
//!
//! The whole-text stage has an ASCII fast path: an ASCII byte that is not followed by a combining
//! mark is lowercased in place, and a non-ASCII character that NFKC leaves alone and whose
//! lowercase has the same UTF-8 length is copied with no alignment entry. Only the characters that
//! change length (NBSP, typographic apostrophes, ligatures, decomposed accents...) cost an entry.

use std::borrow::Cow;
use std::ops::Range;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use crate::report::Evasion;

/// A normalized text and its alignment with the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedText {
    text: String,
    edits: Vec<Edit>,
    original_len: usize,
    /// Original byte ranges of text written backwards under a right-to-left override.
    reversed: Vec<Range<usize>>,
}

/// One place where the normalized text is not a byte-for-byte copy of the original:
/// `orig` was rewritten as `norm` (either side may be empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edit {
    norm_start: usize,
    norm_end: usize,
    orig_start: usize,
    orig_end: usize,
}

impl NormalizedText {
    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length in bytes of the original text.
    pub fn original_len(&self) -> usize {
        self.original_len
    }

    /// Number of places where normalization changed the length of the text.
    pub fn edit_count(&self) -> usize {
        self.edits.len()
    }

    /// Original byte ranges of the runs written backwards under a right-to-left override
    /// (U+202E), which the normalized text holds the right way round. A span inside such a
    /// run maps to the whole run.
    pub fn reversed_runs(&self) -> &[Range<usize>] {
        &self.reversed
    }

    /// Maps a normalized byte position, taken as the start of a span, to the original text.
    ///
    /// A position inside a rewritten character maps to the start of that character; characters
    /// removed at this position (zero-width, soft hyphens) are skipped, so a span never starts with
    /// them.
    pub fn to_original_start(&self, pos: usize) -> usize {
        let idx = self.edits.partition_point(|e| e.norm_end <= pos);
        if let Some(e) = self.edits.get(idx) {
            if e.norm_start <= pos {
                return e.orig_start;
            }
        }
        self.shifted(idx, pos)
    }

    /// Maps a normalized byte position, taken as the (exclusive) end of a span, to the original
    /// text. Characters removed right at this position are left out of the span.
    pub fn to_original_end(&self, pos: usize) -> usize {
        let idx = self.edits.partition_point(|e| e.norm_end < pos);
        if let Some(e) = self.edits.get(idx) {
            if e.norm_start < pos {
                return e.orig_end;
            }
        }
        self.shifted(idx, pos)
    }

    /// Maps a normalized span to the original text: the result is always a pair of UTF-8 char
    /// boundaries of the original, with `start <= end`.
    pub fn to_original_span(&self, span: Range<usize>) -> Range<usize> {
        let start = self.to_original_start(span.start);
        let end = self.to_original_end(span.end).max(start);
        start..end
    }

    /// A mapper for spans given in increasing order (as a tokenizer produces them): the same
    /// results as [`NormalizedText::to_original_span`], in amortized constant time.
    pub fn span_mapper(&self) -> SpanMapper<'_> {
        SpanMapper {
            text: self,
            start_idx: 0,
            end_idx: 0,
        }
    }

    /// Position in the original text of `pos`, which lies in an unedited stretch after the
    /// first `idx` edits.
    fn shifted(&self, idx: usize, pos: usize) -> usize {
        let mapped = match idx.checked_sub(1).and_then(|i| self.edits.get(i)) {
            Some(prev) => prev.orig_end + pos.saturating_sub(prev.norm_end),
            None => pos,
        };
        mapped.min(self.original_len)
    }
}

/// Maps spans whose starts and ends never decrease to the original text (see
/// [`NormalizedText::span_mapper`]). A span out of order is mapped correctly, only slower.
#[derive(Debug, Clone)]
pub struct SpanMapper<'a> {
    text: &'a NormalizedText,
    start_idx: usize,
    end_idx: usize,
}

impl SpanMapper<'_> {
    /// Maps a normalized span to the original text, like [`NormalizedText::to_original_span`].
    pub fn map(&mut self, span: Range<usize>) -> Range<usize> {
        let edits = &self.text.edits;
        if edits.is_empty() {
            return span;
        }
        if self.start_idx > 0 && edits[self.start_idx - 1].norm_end > span.start
            || self.end_idx > 0 && edits[self.end_idx - 1].norm_end >= span.end
        {
            return self.text.to_original_span(span);
        }
        while edits
            .get(self.start_idx)
            .is_some_and(|e| e.norm_end <= span.start)
        {
            self.start_idx += 1;
        }
        // No edit inside the span: both ends shift alike.
        if span.start < span.end
            && edits
                .get(self.start_idx)
                .is_none_or(|e| e.norm_start >= span.end)
        {
            self.end_idx = self.end_idx.max(self.start_idx);
            let start = self.text.shifted(self.start_idx, span.start);
            let end = self.text.shifted(self.start_idx, span.end);
            return start..end.max(start);
        }
        while edits
            .get(self.end_idx)
            .is_some_and(|e| e.norm_end < span.end)
        {
            self.end_idx += 1;
        }
        let start = match edits.get(self.start_idx) {
            Some(e) if e.norm_start <= span.start => e.orig_start,
            _ => self.text.shifted(self.start_idx, span.start),
        };
        let end = match edits.get(self.end_idx) {
            Some(e) if e.norm_start < span.end => e.orig_end,
            _ => self.text.shifted(self.end_idx, span.end),
        };
        start..end.max(start)
    }
}

/// Normalizes a text for matching (see the [module documentation](self)).
///
/// Beyond the foldings above, two hostile-text cases are undone here because they need the
/// original's context: a run of text under a right-to-left override (U+202E, up to the
/// matching U+202C or the end of the line) is put back in reading order, since Latin letters
/// under an override display backwards (an author can write `xuassav` so that it shows as
/// `vassaux`); and the Greek capitals Ν, Υ, Η and Μ inside a word holding Latin letters become
/// n, y, h and m (their lowercase forms look like other Latin letters: ν, υ, η, μ).
pub fn normalize(original: &str) -> NormalizedText {
    normalize_with(original, true)
}

fn normalize_with(original: &str, overrides: bool) -> NormalizedText {
    let bytes = original.as_bytes();
    let mut text = String::with_capacity(original.len());
    let mut edits = Vec::new();
    let mut reversed = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII fast path: a run of ASCII bytes, less its last byte when a non-ASCII character
        // (perhaps a combining mark) follows, is copied and lowercased in place.
        if bytes[i] < 0x80 {
            let mut j = i + ascii_run_len(&bytes[i..]);
            if j < bytes.len() {
                j -= 1;
            }
            if j > i {
                let start = text.len();
                text.push_str(&original[i..j]);
                let run = &mut text[start..];
                run.make_ascii_lowercase();
                if run.contains('`') {
                    let folded = run.replace('`', "'");
                    text.truncate(start);
                    text.push_str(&folded);
                }
                i = j;
                continue;
            }
        }
        let rest = &original[i..];
        let mut chars = rest.char_indices();
        let first = match chars.next() {
            Some((_, c)) => c,
            None => break,
        };
        let mut seg_len = first.len_utf8();
        for (off, c) in chars {
            if !c.is_ascii() && is_combining_mark(c) {
                seg_len = off + c.len_utf8();
            } else {
                break;
            }
        }
        let seg = &rest[..seg_len];
        let out_start = text.len();
        // Hostile-text cases, all above U+0396 (one comparison for the common letters).
        let latin = match first {
            '\u{0000}'..='\u{0396}' => None,
            RLO if overrides => {
                i = reverse_override(original, i, &mut text, &mut edits, &mut reversed);
                continue;
            }
            '\u{0397}' | '\u{039C}' | '\u{039D}' | '\u{03A5}' => {
                greek_capital_in_latin_word(original, i, first, seg_len)
            }
            _ => None,
        };
        // One call site, so that `normalize_segment` stays inlined in this loop.
        let folded;
        let (input_first, input) = match latin {
            Some(latin) => {
                folded = format!("{latin}{}", &seg[first.len_utf8()..]);
                (latin, folded.as_str())
            }
            None => (first, seg),
        };
        normalize_segment(input_first, input, &mut text);
        let produced = &text[out_start..];
        let one_for_one = seg_len == first.len_utf8()
            && produced.len() == seg_len
            && produced.chars().nth(1).is_none();
        if !(one_for_one || produced == seg) {
            edits.push(Edit {
                norm_start: out_start,
                norm_end: text.len(),
                orig_start: i,
                orig_end: i + seg_len,
            });
        }
        i += seg_len;
    }
    NormalizedText {
        text,
        edits,
        original_len: original.len(),
        reversed,
    }
}

/// Right-to-left override, and the characters that open and close embeddings.
const RLO: char = '\u{202E}';
const PDF: char = '\u{202C}';

/// Normalizes the run under the right-to-left override at `at` (the override, the text up to
/// its matching pop or the end of the line, and the pop) onto `text`, in reading order: its
/// characters, each with its combining marks, reversed. The override and the pop are removed
/// characters; the run's text is one edit, so any span inside it maps to the whole run.
/// Returns where the run ends in the original.
fn reverse_override(
    original: &str,
    at: usize,
    text: &mut String,
    edits: &mut Vec<Edit>,
    reversed: &mut Vec<Range<usize>>,
) -> usize {
    let content_start = at + RLO.len_utf8();
    let mut depth = 1usize;
    let mut content_end = original.len();
    let mut end = original.len();
    for (off, c) in original[content_start..].char_indices() {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | RLO => depth += 1,
            PDF => {
                depth -= 1;
                if depth == 0 {
                    content_end = content_start + off;
                    end = content_end + PDF.len_utf8();
                    break;
                }
            }
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{0085}' => {
                content_end = content_start + off;
                end = content_end;
                break;
            }
            _ => {}
        }
    }
    let pos = text.len();
    edits.push(Edit {
        norm_start: pos,
        norm_end: pos,
        orig_start: at,
        orig_end: content_start,
    });
    let inner = normalize_with(&original[content_start..content_end], false);
    let inner = inner.as_str();
    let mut clusters: Vec<&str> = Vec::new();
    let mut start = 0;
    for (off, c) in inner.char_indices().skip(1) {
        if !is_combining_mark(c) {
            clusters.push(&inner[start..off]);
            start = off;
        }
    }
    if start < inner.len() {
        clusters.push(&inner[start..]);
    }
    for cluster in clusters.iter().rev() {
        text.push_str(cluster);
    }
    if content_end > content_start {
        edits.push(Edit {
            norm_start: pos,
            norm_end: text.len(),
            orig_start: content_start,
            orig_end: content_end,
        });
        reversed.push(content_start..content_end);
    }
    if end > content_end {
        edits.push(Edit {
            norm_start: text.len(),
            norm_end: text.len(),
            orig_start: content_end,
            orig_end: end,
        });
    }
    end
}

/// The Latin letter that the Greek capital `first` (at byte `at`, followed by its combining
/// marks up to `at + seg_len`) stands for, when it is one whose lowercase looks like another
/// letter (Ν, Υ, Η, Μ) and the word around it holds Latin letters or only look-alikes.
fn greek_capital_in_latin_word(
    original: &str,
    at: usize,
    first: char,
    seg_len: usize,
) -> Option<char> {
    let latin = match first {
        '\u{039D}' => 'n',
        '\u{03A5}' => 'y',
        '\u{0397}' => 'h',
        '\u{039C}' => 'm',
        _ => return None,
    };
    // The word around it: Latin letters, or look-alikes only (a disguised Latin word).
    let in_word =
        |c: &char| c.is_alphanumeric() || is_combining_mark(*c) || is_default_ignorable(*c);
    let (mut latin_letters, mut others) = (0, 0);
    let before = original[..at].chars().rev().take_while(in_word).take(64);
    let after = original[at + seg_len..]
        .chars()
        .take_while(in_word)
        .take(64);
    for c in before.chain(after).filter(|c| c.is_alphabetic()) {
        if is_latin_letter(c) {
            latin_letters += 1;
        } else if !c.to_lowercase().any(|l| lookalike_base(l).is_some()) {
            others += 1;
        }
    }
    (latin_letters > 0 || others == 0).then_some(latin)
}

/// Length of the run of ASCII bytes at the start of `bytes`, eight bytes at a time.
fn ascii_run_len(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let high = u64::from_le_bytes(word) & 0x8080_8080_8080_8080;
        if high != 0 {
            return n + (high.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + chunks
        .remainder()
        .iter()
        .position(|&b| b >= 0x80)
        .unwrap_or(chunks.remainder().len())
}

/// Normalizes one segment (a character and the combining marks after it) onto `out`.
fn normalize_segment(first: char, seg: &str, out: &mut String) {
    if seg.len() == first.len_utf8() {
        if let Some(lower) = latin_fast_lowercase(first) {
            out.push(lower);
            return;
        }
        if let Some(mapped) = fold_punctuation(first) {
            if let Some(m) = mapped {
                out.push(m);
            }
            return;
        }
        if is_nfkc_quick(std::iter::once(first)) == IsNormalized::Yes {
            out.extend(first.to_lowercase());
            return;
        }
    }
    let start = out.len();
    for c in seg.chars().nfkc() {
        match fold_punctuation(c) {
            Some(Some(m)) => out.push(m),
            Some(None) => {}
            None => out.extend(c.to_lowercase()),
        }
    }
    // Lowercasing can leave marks to compose or to reorder (`Ϋ\u{301}` gives `ϋ\u{301}`, which
    // composes to `ΰ`; `İ\u{329}` gives `i\u{307}\u{329}`): normalized again, so that a text
    // and its normalized form normalize alike.
    if is_nfkc_quick(out[start..].chars()) != IsNormalized::Yes {
        let again: String = out[start..].nfkc().collect();
        out.truncate(start);
        out.push_str(&again);
    }
}

/// Lowercase of a Latin-1 or Latin Extended-A letter that NFKC leaves alone and whose lowercase
/// has the same UTF-8 length (é, È, ç, œ, ł...): the common non-ASCII case in European text.
fn latin_fast_lowercase(c: char) -> Option<char> {
    match c {
        'à'..='ÿ' if c != '÷' => Some(c),
        '«' | '»' => Some(c),
        'À'..='Þ' if c != '×' => char::from_u32(c as u32 + 0x20),
        '\u{0100}'..='\u{012F}'
        | '\u{0134}'..='\u{013E}'
        | '\u{0141}'..='\u{0148}'
        | '\u{014A}'..='\u{017E}' => c.to_lowercase().next(),
        _ => None,
    }
}

/// The fixed foldings: `Some(None)` drops the character, `Some(Some(c))` replaces it, `None`
/// leaves it to NFKC and lowercasing.
fn fold_punctuation(c: char) -> Option<Option<char>> {
    if is_default_ignorable(c) {
        return Some(None);
    }
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '`' | '\u{00B4}' | '\u{201B}'
        | '\u{FF07}' | '\u{02B9}' | '\u{02BB}' => Some(Some('\'')),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' | '\u{2043}' | '\u{2E3A}'
        | '\u{2E3B}' => Some(Some('-')),
        '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => Some(Some(' ')),
        '\u{2028}' | '\u{2029}' | '\u{0085}' => Some(Some('\n')),
        _ => None,
    }
}

/// Whether `c` is a Unicode default-ignorable code point (soft hyphen, zero-width characters,
/// bidi controls, variation selectors, tags...).
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// How [`fold_word`] folds a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoldOptions {
    /// Drop accents and other combining marks (after NFD), and spell out ligatures (œ → oe).
    pub accents: bool,
    /// The text is in a Latin-script language: a word made only of Cyrillic or Greek look-alike
    /// letters is then folded to Latin too (it can only be a disguised Latin word).
    pub latin_context: bool,
}

impl Default for FoldOptions {
    fn default() -> Self {
        FoldOptions {
            accents: true,
            latin_context: false,
        }
    }
}

/// Folds one normalized (lowercase) word for lexicon look-up.
///
/// Look-alike Cyrillic and Greek letters (and Latin small capitals) are folded to Latin when the
/// word also holds Latin letters (`"оccident"` with a Cyrillic `о` becomes `"occident"`), or
/// when it is made only of look-alikes and [`FoldOptions::latin_context`] is set. Accents are
/// dropped when [`FoldOptions::accents`] is set. Leetspeak digits are read as letters under the
/// conservative rule of [`unleet`]. ASCII words without digits are returned as they are,
/// without copying.
pub fn fold_word<'a>(word: &'a str, options: FoldOptions) -> Cow<'a, str> {
    match unleet(word) {
        Some(plain) => Cow::Owned(fold_letters(&plain, options).into_owned()),
        None => fold_letters(word, options),
    }
}

fn fold_letters<'a>(word: &'a str, options: FoldOptions) -> Cow<'a, str> {
    if word.is_ascii() {
        return Cow::Borrowed(word);
    }
    let mut has_latin = false;
    let mut has_lookalike = false;
    let mut all_lookalike = true;
    for c in word.chars() {
        if !c.is_alphabetic() {
            continue;
        }
        if lookalike_base(c).is_some() {
            has_lookalike = true;
        } else {
            all_lookalike = false;
            if is_latin_letter(c) {
                has_latin = true;
            }
        }
    }
    let fold_lookalikes = has_lookalike && (has_latin || (options.latin_context && all_lookalike));
    if !fold_lookalikes && !options.accents {
        return Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        let c = match fold_lookalikes {
            // A look-alike with a diacritic (Greek ό) loses it only when accents are folded.
            true if options.accents => lookalike_base(c).unwrap_or(c),
            true => lookalike_to_latin(c).unwrap_or(c),
            false => c,
        };
        if options.accents {
            push_without_accents(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The Latin letter a look-alike stands for, also when it carries a diacritic (Greek `ό`,
/// Cyrillic `ӧ`): the letter its canonical decomposition starts with passes for.
fn lookalike_base(c: char) -> Option<char> {
    if let Some(l) = lookalike_to_latin(c) {
        return Some(l);
    }
    if !matches!(c, '\u{0370}'..='\u{04FF}' | '\u{1F00}'..='\u{1FFF}') {
        return None;
    }
    let mut base = None;
    let mut first = true;
    decompose_canonical(c, |d| {
        if first {
            base = lookalike_to_latin(d);
            first = false;
        }
    });
    base
}

/// The letter a leetspeak digit stands for.
fn leet_letter(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        _ => return None,
    })
}

/// A word with leetspeak digits read as letters (`n3ocoloniales` → `neocoloniales`,
/// `pr0pagande` → `propagande`), or `None` when the word is not taken for leetspeak.
///
/// The rule is conservative, so that numbers, ordinals, model names and codes stay as they are
/// (`2024`, `1er`, `3e`, `G7`, `covid-19`, `mp3`, `A320`, `B52`): the word has at least four
/// characters and two letters, every digit in it is one of 0 1 3 4 5 7, and at least one digit
/// stands between two letters. A word that passes and spells nothing in a lexicon matches
/// nothing, so the rule only has to keep ordinary words from folding into lexicon words.
pub fn unleet(word: &str) -> Option<String> {
    if !word.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (mut chars, mut letters) = (0usize, 0usize);
    let (mut seen_letter, mut digit_after_letter, mut interior) = (false, false, false);
    for c in word.chars() {
        chars += 1;
        if c.is_ascii_digit() {
            leet_letter(c)?;
            digit_after_letter |= seen_letter;
        } else if c.is_alphabetic() {
            letters += 1;
            seen_letter = true;
            interior |= digit_after_letter;
        }
    }
    (interior && letters >= 2 && chars >= 4)
        .then(|| word.chars().map(|c| leet_letter(c).unwrap_or(c)).collect())
}

/// A letter-spaced word (a [`crate::tokenize::Token::is_spaced`] token: `m i n o r i t é`,
/// `m.i.n.o.r.i.t.é`, `m-i-n-o-r-i-t-é`) with its separators removed.
pub fn join_spaced(word: &str) -> String {
    word.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect()
}

/// How the original text of a match (`matched`) disguises the lexicon phrase it matched
/// (`phrase`): invisible characters, look-alike letters, compatibility forms, leetspeak
/// digits, from the characters of `matched`; letter-spacing and reversal are told by the
/// tokenizer and the normalizer (`spaced`, `reversed`). Ordinary typography is no evasion:
/// capitals, accents (composed or not), NBSP and other spaces, typographic apostrophes and
/// dashes, soft hyphens, ligatures. Characters that the phrase holds itself (Cyrillic in a
/// Russian phrase, digits in `Agenda 2030`) are not counted either.
pub fn detect_evasions(matched: &str, phrase: &str, spaced: bool, reversed: bool) -> Vec<Evasion> {
    let digits = |s: &str| s.bytes().any(|b| b.is_ascii_digit());
    let mut out = Vec::new();
    if matched.is_ascii() && !spaced && !reversed && !digits(matched) {
        return out;
    }
    let (mut invisible, mut lookalike, mut compatibility) = (false, false, false);
    for c in matched.chars().filter(|c| !c.is_ascii()) {
        if is_default_ignorable(c) {
            invisible |= c != '\u{00AD}';
        } else if latin_fast_lowercase(c).is_some() {
            // Latin-1 and Latin Extended-A letters: ordinary.
        } else if c.is_alphabetic() && c.to_lowercase().any(|l| lookalike_base(l).is_some()) {
            lookalike |=
                !phrase.contains(|p: char| p.to_lowercase().any(|l| lookalike_base(l).is_some()));
        } else {
            let mut nfkc = std::iter::once(c).nfkc();
            compatibility |=
                matches!((nfkc.next(), nfkc.next()), (Some(a), None) if a.is_ascii_alphanumeric());
        }
    }
    let flags = [
        (invisible, Evasion::Invisible),
        (lookalike, Evasion::MixedScript),
        (compatibility, Evasion::CompatibilityForm),
        (reversed, Evasion::Reversed),
        (spaced, Evasion::LetterSpacing),
        (digits(matched) && !digits(phrase), Evasion::Leetspeak),
    ];
    out.extend(flags.iter().filter(|(on, _)| *on).map(|&(_, e)| e));
    out
}

/// Drops the accents of a whole string (NFD, combining marks removed, ligatures spelled out):
/// the accent-insensitive comparison form.
pub fn strip_accents(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_without_accents(c, &mut out);
    }
    Cow::Owned(out)
}

fn push_without_accents(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c);
        return;
    }
    match c {
        'œ' => out.push_str("oe"),
        'æ' => out.push_str("ae"),
        'ß' => out.push_str("ss"),
        'ø' => out.push('o'),
        'đ' => out.push('d'),
        'ł' => out.push('l'),
        'ı' => out.push('i'),
        _ => decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.push(d);
            }
        }),
    }
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
            && c != '\u{00D7}'
            && c != '\u{00F7}'
}

/// The Latin letter that a lowercase Cyrillic or Greek letter, or a Latin small capital, passes
/// for, if any.
pub fn lookalike_to_latin(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' => 'a',
        'в' => 'b',
        'е' => 'e',
        'ё' => 'ë',
        'һ' => 'h',
        'н' => 'h',
        'і' => 'i',
        'ї' => 'ï',
        'ј' => 'j',
        'к' => 'k',
        'ӏ' => 'l',
        'м' => 'm',
        'о' => 'o',
        'р' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'ү' => 'y',
        'ԝ' => 'w',
        'х' => 'x',
        'ԁ' => 'd',
        'ɡ' => 'g',
        'ь' => 'b',
        'ѡ' => 'w',
        'п' => 'n',
        // Greek
        'α' => 'a',
        'β' => 'b',
        'ε' => 'e',
        'η' => 'n',
        'ι' => 'i',
        'κ' => 'k',
        'μ' => 'u',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'ζ' => 'z',
        'ω' => 'w',
        'ϲ' => 'c',
        'ϳ' => 'j',
        // Latin small capitals and IPA letters that pass for plain lowercase letters
        'ᴀ' => 'a',
        'ʙ' => 'b',
        'ᴄ' => 'c',
        'ᴅ' => 'd',
        'ᴇ' => 'e',
        'ꜰ' => 'f',
        'ɢ' => 'g',
        'ʜ' => 'h',
        'ɪ' => 'i',
        'ᴊ' => 'j',
        'ᴋ' => 'k',
        'ʟ' => 'l',
        'ᴍ' => 'm',
        'ɴ' => 'n',
        'ᴏ' => 'o',
        'ᴘ' => 'p',
        'ʀ' => 'r',
        'ꜱ' => 's',
        'ᴛ' => 't',
        'ᴜ' => 'u',
        'ᴠ' => 'v',
        'ᴡ' => 'w',
        'ʏ' => 'y',
        'ᴢ' => 'z',
        'ɑ' => 'a',
        'ɩ' => 'i',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (original, normalized) pairs.
    const CASES: &[(&str, &str)] = &[
        ("Minorité Planétaire", "minorité planétaire"),
        ("neo\u{00AD}coloniales", "neocoloniales"),
        ("l\u{2019}Occident", "l'occident"),
        ("l\u{02BC}Occident", "l'occident"),
        ("propagande\u{00A0}hexagonale", "propagande hexagonale"),
        ("propagande\u{202F}hexagonale", "propagande hexagonale"),
        ("militaro\u{2013}sécuritaire", "militaro-sécuritaire"),
        ("ne\u{0301}ocoloniales", "néocoloniales"),
        ("VASSAUX", "vassaux"),
        ("ＯＴＡＮ", "otan"),
        ("a\u{200B}b\u{FEFF}c\u{2060}d", "abcd"),
        ("ligne\u{2028}suivante", "ligne\nsuivante"),
        ("\u{FB01}n", "fin"),
        ("Ça «va»", "ça «va»"),
        // Lowercase that composes or reorders marks again.
        ("\u{03AB}\u{0301}", "\u{03B0}"),
        ("\u{03D4}\u{0340}", "\u{1FE2}"),
        ("\u{0130}\u{0329}", "i\u{0329}\u{0307}"),
    ];

    #[test]
    fn table() {
        for (orig, want) in CASES {
            assert_eq!(normalize(orig).as_str(), *want, "normalizing {orig:?}");
        }
    }

    #[test]
    fn spans_map_back() {
        let orig = "Les vas\u{00AD}saux\u{00A0}de l\u{2019}OTAN";
        let n = normalize(orig);
        let norm = n.as_str();
        let start = norm.find("vassaux").unwrap_or(0);
        let span = n.to_original_span(start..start + "vassaux".len());
        assert_eq!(&orig[span], "vas\u{00AD}saux");
        let start = norm.find("otan").unwrap_or(0);
        let span = n.to_original_span(start..start + 4);
        assert_eq!(&orig[span], "OTAN");
    }

    #[test]
    fn removed_characters_stay_out_of_span_edges() {
        let orig = "\u{200B}abc\u{200B} def";
        let n = normalize(orig);
        assert_eq!(n.as_str(), "abc def");
        assert_eq!(&orig[n.to_original_span(0..3)], "abc");
    }

    #[test]
    fn right_to_left_override_is_read_in_display_order() {
        let orig = "les \u{202E}xuassav\u{202C} de";
        let n = normalize(orig);
        assert_eq!(n.as_str(), "les vassaux de");
        let start = n.as_str().find("vassaux").unwrap_or(0);
        let span = n.to_original_span(start..start + "vassaux".len());
        assert_eq!(&orig[span.clone()], "xuassav");
        assert_eq!(n.reversed_runs(), [span]);
        // Up to the end of the line when the override is not closed; marks stay on their letter.
        assert_eq!(normalize("\u{202E}e\u{0301}tno\ncba").as_str(), "onté\ncba");
        // Nested and unbalanced overrides never recurse deeply.
        let hostile = "\u{202E}\u{202D}ab".repeat(50_000);
        assert!(normalize(&hostile).as_str().len() <= 100_000);
    }

    #[test]
    fn greek_capitals_inside_latin_words() {
        // Ν (nu), Υ (upsilon), Η (eta), Μ (mu) read as N, Y, H, M inside a Latin word...
        assert_eq!(normalize("\u{039D}ÉOCOLONIALES").as_str(), "néocoloniales");
        assert_eq!(normalize("MA\u{03A5}HEM").as_str(), "mayhem");
        // ...and in a word made only of look-alikes (ΝΑΤΟ written in Greek capitals)...
        assert_eq!(
            normalize("\u{039D}\u{0391}\u{03A4}\u{039F}").as_str(),
            "nατο"
        );
        // ...but not in Greek words.
        assert_eq!(normalize("ΝΕΦΕΛΗ").as_str(), "νεφελη");
    }

    #[test]
    fn leetspeak_is_read_only_inside_words() {
        for (word, plain) in [
            ("n3ocoloniales", "neocoloniales"),
            ("pr0pagande", "propagande"),
            ("v4ss4ux", "vassaux"),
            ("m1n0r1t3", "minorite"),
        ] {
            assert_eq!(unleet(word).as_deref(), Some(plain), "{word}");
        }
        for word in [
            "2024", "1er", "1ère", "3e", "g7", "19", "mp3", "a320", "b52", "4x4", "x86", "france5",
            "t0", "covid19", "10ème", "web3", "s0",
        ] {
            assert_eq!(unleet(word), None, "{word}");
        }
        assert_eq!(
            fold_word("n3ocoloniales", FoldOptions::default()),
            "neocoloniales"
        );
    }

    #[test]
    fn small_capitals_and_accented_lookalikes_fold() {
        let opts = FoldOptions::default();
        assert_eq!(fold_word("ᴠᴀssᴀᴜx", opts), "vassaux");
        assert_eq!(fold_word("pr\u{03CC}pagande", opts), "propagande");
        assert_eq!(fold_word("ηéocoloniales", opts), "neocoloniales");
    }

    #[test]
    fn evasions_are_told_from_typography() {
        use Evasion::*;
        let cases: &[(&str, &str, bool, bool, &[Evasion])] = &[
            ("vassaux", "vassaux", false, false, &[]),
            ("Néocoloniales", "néocolonial", false, false, &[]),
            ("ne\u{0301}ocoloniales", "néocolonial", false, false, &[]),
            ("vas\u{00AD}saux", "vassaux", false, false, &[]),
            (
                "propagande\u{00A0}hexagonale",
                "propagande hexagonale",
                false,
                false,
                &[],
            ),
            ("\u{FB01}nance", "finance", false, false, &[]),
            ("vas\u{200B}saux", "vassaux", false, false, &[Invisible]),
            ("v\u{0430}ssaux", "vassaux", false, false, &[MixedScript]),
            ("\u{0432}\u{0430}ssaux", "вассалы", false, false, &[]),
            (
                "ＶＡＳＳＡＵＸ",
                "vassaux",
                false,
                false,
                &[CompatibilityForm],
            ),
            ("xuassav", "vassaux", false, true, &[Reversed]),
            ("v a s s a u x", "vassaux", true, false, &[LetterSpacing]),
            ("v4ssaux", "vassaux", false, false, &[Leetspeak]),
            ("Agenda 2030", "Agenda 2030", false, false, &[]),
        ];
        for (matched, phrase, spaced, reversed, want) in cases {
            assert_eq!(
                detect_evasions(matched, phrase, *spaced, *reversed),
                *want,
                "{matched:?}"
            );
        }
    }

    #[test]
    fn lookalikes_fold_inside_latin_words_only() {
        let opts = FoldOptions::default();
        assert_eq!(fold_word("оccident", opts), "occident");
        assert_eq!(fold_word("россия", opts), "россия");
        let latin = FoldOptions {
            latin_context: true,
            ..opts
        };
        assert_eq!(fold_word("ѕос", latin), "soc");
        assert_eq!(fold_word("néocoloniales", opts), "neocoloniales");
        assert_eq!(fold_word("manœuvres", opts), "manoeuvres");
    }
}
