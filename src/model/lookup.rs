//! One look-up per n-gram for every model. The word n-grams of the selected vocabularies
//! ([`super::ngrams`]) and of the evidence tables ([`super::evidence`]) of all the models an
//! analyzer holds are merged, per language, into one hash table whose entries list what each
//! model makes of the n-gram; character n-grams likewise, with each token's character evidence
//! for all models cached per thread. An article is hashed and looked up once
//! ([`Lookup::grams`]); each model then sums what it needs over its stretches (the article,
//! each paragraph, each sentence) without hashing again ([`Lookup::stretch`]). A language's
//! tables are built the first time a text in it is looked up (the look-up shares the model
//! files it merges), so that scoring a corpus in one language builds and holds that
//! language's tables only.
//!
//! Training and evaluation, which see texts as n-gram counts, go through the same tables
//! ([`Lookup::vector_from_counts`], [`Lookup::evidence_from_counts`]), so that prediction and
//! training compute the same values by construction.
//!
//! The character cache is keyed by a token's 64-bit hash; a collision, about one in 10^7 for a
//! million distinct words, would give one word another's evidence.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use thread_local::ThreadLocal;

use super::evidence::{for_each_char_gram, Evidence, GramKind};
use super::ngrams::{for_each_ngram, ngram_text_hash, tf_idf, Ngram};
use crate::tokenize::{word_hash, Token, TokenKind};

/// No index.
const NONE: u32 = u32::MAX;
/// Cached tokens per thread and language at which the cache is emptied (before an article).
const CACHE_LIMIT: usize = 1 << 18;

/// What one model (a source) brings to the look-up: its selected n-grams and its evidence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'a> {
    /// Selected n-grams (TF-IDF features).
    pub ngrams: &'a [Ngram],
    /// N-gram evidence tables.
    pub evidence: Option<&'a Evidence>,
}

/// What a model makes of an n-gram: its vocabulary index (word n-grams) and where its
/// evidence ratios start in its table's `ratios` ([`NONE`] for either when it has none).
#[derive(Debug, Clone, Copy)]
struct Item {
    model: u32,
    vocab: u32,
    ratios: u32,
}

/// Hash → a non-empty range (start, length) of another array, in open addressing with linear
/// probing over 16-byte slots. Look-ups mostly wait for memory (the tables are far larger than
/// the processor's caches), so [`RangeIndex::get_all`] takes a whole article's hashes at once:
/// it first reads every hash's home slot in a loop whose loads do not depend on each other,
/// which lets the processor overlap their latency, and only then walks the few probe chains.
#[derive(Debug, Clone)]
struct RangeIndex {
    /// A power of two of slots; `len == 0` marks an empty slot.
    slots: Vec<Slot>,
    used: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slot {
    hash: u64,
    start: u32,
    len: u32,
}

/// In [`RangeIndex::get_all`], a length that no range has: the hash is not in its home slot;
/// walk its chain.
const PROBE: u32 = u32::MAX;

impl Default for RangeIndex {
    fn default() -> Self {
        RangeIndex::with_capacity(0)
    }
}

impl RangeIndex {
    /// An empty index with room for `n` hashes before it grows.
    fn with_capacity(n: usize) -> RangeIndex {
        RangeIndex {
            slots: vec![Slot::default(); (2 * n).next_power_of_two().max(16)],
            used: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The range of `hash`, as (start, length); length 0 when absent.
    fn get(&self, hash: u64) -> (u32, u32) {
        let mask = self.mask();
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.len == 0 || slot.hash == hash {
                return (slot.start, slot.len);
            }
            i = (i + 1) & mask;
        }
    }

    /// [`RangeIndex::get`] of every hash, in order.
    fn get_all(&self, hashes: &[u64]) -> Vec<(u32, u32)> {
        let mut out = Vec::with_capacity(hashes.len());
        self.get_all_into(hashes, &mut out);
        out
    }

    /// [`RangeIndex::get_all`] into `out` (emptied first).
    fn get_all_into(&self, hashes: &[u64], out: &mut Vec<(u32, u32)>) {
        let mask = self.mask();
        out.clear();
        out.extend(hashes.iter().map(|&h| {
            let slot = self.slots[h as usize & mask];
            if slot.len == 0 || slot.hash == h {
                (slot.start, slot.len)
            } else {
                (0, PROBE)
            }
        }));
        for (found, &h) in out.iter_mut().zip(hashes) {
            if found.1 == PROBE {
                *found = self.get(h);
            }
        }
    }

    /// Records the range of a hash that is not in the index; `len` must be neither 0 nor
    /// [`PROBE`].
    fn insert(&mut self, hash: u64, start: u32, len: u32) {
        if 2 * (self.used + 1) > self.slots.len() {
            let old = std::mem::replace(self, RangeIndex::with_capacity(self.slots.len()));
            for slot in old.slots.into_iter().filter(|s| s.len != 0) {
                self.place(slot);
            }
        }
        self.place(Slot { hash, start, len });
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.mask();
        let mut i = slot.hash as usize & mask;
        while self.slots[i].len != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
        self.used += 1;
    }

    fn len(&self) -> usize {
        self.used
    }

    fn is_empty(&self) -> bool {
        self.used == 0
    }
}

/// N-gram hash → its record in `data`: the items (one or two per model that has the n-gram,
/// three words each: model, vocabulary index, where its ratios start), then the items' evidence
/// ratios (as `f32` bits). A record lies in one stretch of memory, so that a look-up, once its
/// index slot is read, touches one or two adjacent cache lines.
#[derive(Debug, Clone, Default)]
struct Table {
    /// Hash → (start of its record, number of items).
    index: RangeIndex,
    data: Vec<u32>,
}

/// An item before its table is built: its n-gram's hash, model, vocabulary index and evidence
/// ratios in thousandths (empty when it has none).
type Pending<'a> = (u64, u32, u32, &'a [i32]);

/// Words of an item in a [`Table`] record.
const ITEM_WORDS: usize = 3;

impl Table {
    fn new(mut pending: Vec<Pending<'_>>) -> Table {
        // The order of an n-gram's items does not matter: each model sums its own.
        pending.sort_unstable_by_key(|p| p.0);
        let runs: Vec<&[Pending<'_>]> = pending.chunk_by(|a, b| a.0 == b.0).collect();
        let mut index = RangeIndex::with_capacity(runs.len());
        let mut data = Vec::with_capacity(pending.len() * ITEM_WORDS);
        for run in runs {
            let start = data.len();
            let mut ratios_at = start + run.len() * ITEM_WORDS;
            for &(_, model, vocab, row) in run {
                let at = if row.is_empty() {
                    NONE
                } else {
                    ratios_at += row.len();
                    (ratios_at - row.len()) as u32
                };
                data.extend([model, vocab, at]);
            }
            for &(_, _, _, row) in run {
                data.extend(row.iter().map(|&r| (r as f32 / 1000.0).to_bits()));
            }
            index.insert(run[0].0, start as u32, run.len() as u32);
        }
        Table { index, data }
    }

    /// The items of an n-gram.
    fn get(&self, hash: u64) -> impl Iterator<Item = Item> + '_ {
        self.items_at(self.index.get(hash))
    }

    /// The items of the record at a range that [`RangeIndex::get`] gave.
    fn items_at(&self, (start, len): (u32, u32)) -> impl Iterator<Item = Item> + '_ {
        let start = start as usize;
        self.data[start..start + len as usize * ITEM_WORDS]
            .chunks_exact(ITEM_WORDS)
            .map(|w| Item {
                model: w[0],
                vocab: w[1],
                ratios: w[2],
            })
    }

    /// [`touch`]es the records at ranges [`RangeIndex::get`] gave: their items, and the
    /// ratios after them.
    fn touch(&self, found: &[(u32, u32)]) {
        touch(
            &self.data,
            found,
            |start, items| [start, start + items * ITEM_WORDS],
            |w| w,
        );
    }

    /// Model `item.model`'s `k` ratios of an item.
    fn ratios(&self, item: &Item, k: usize) -> impl Iterator<Item = f32> + '_ {
        let r = item.ratios as usize;
        self.data[r..r + k].iter().map(|&b| f32::from_bits(b))
    }

    /// `sums += ratios` of an item, `sums.len()` of them ([`add_bits`]).
    fn add_ratios(&self, item: &Item, sums: &mut [f32]) {
        let r = item.ratios as usize;
        if let Some(bits) = self.data.get(r..r + sums.len()) {
            add_bits(sums, bits);
        }
    }

    fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

/// A thread's character cache: token key → the token's row in `values`.
#[derive(Debug, Default)]
struct Cache {
    rows: RangeIndex,
    values: Vec<f32>,
}

/// The tables of one language (or, with an empty code, of the languages no model has evidence
/// for: vocabularies only).
#[derive(Debug, Clone)]
struct LanguageLookup {
    words: Table,
    chars: Table,
    /// Per model, where its word evidence sums sit in a token's word row, [`NONE`] when it
    /// has no word table in this language.
    word_slots: Vec<u32>,
    /// Floats per token word row: every model's sums over the n-grams ending at the token.
    word_width: usize,
    /// Per model, where its character sums sit in a token's character row (after the n-gram
    /// count), [`NONE`] when it has no character table in this language.
    char_slots: Vec<u32>,
    /// Floats per token character row: the character n-gram count, then every model's sums.
    char_width: usize,
    cache: PerThread<Cache>,
}

/// A value per thread (caches, spare vectors), which a clone starts without.
#[derive(Debug, Default)]
struct PerThread<T: Send>(ThreadLocal<RefCell<T>>);

impl<T: Send> Clone for PerThread<T> {
    fn clone(&self) -> Self {
        PerThread(ThreadLocal::new())
    }
}

impl<T: Send + Default> PerThread<T> {
    /// This thread's value (a default one the first time).
    fn get(&self) -> &RefCell<T> {
        self.0.get_or_default()
    }
}

impl LanguageLookup {
    /// Appends the character row (see [`LanguageLookup::char_width`]) of each token to `out`,
    /// from the thread's cache or computed and cached.
    fn char_rows(&self, normalized: &str, tokens: &[Token], k: &[usize], out: &mut Vec<f32>) {
        let w = self.char_width;
        out.reserve(tokens.len() * w);
        let mut cache = self.cache.get().borrow_mut();
        // Emptied between articles only, so that the rows found below stay valid.
        if cache.rows.len() >= CACHE_LIMIT {
            *cache = Cache::default();
        }
        let keys: Vec<u64> = tokens
            .iter()
            .map(|t| match t.kind() {
                TokenKind::Punct => word_hash(&normalized[t.norm_span()]),
                _ => t.hash(),
            })
            .collect();
        let found = cache.rows.get_all(&keys);
        // A row's first and last values (a row may straddle two cache lines).
        touch(
            &cache.values,
            &found,
            |at, w| [at, at + w - 1],
            f32::to_bits,
        );
        let (mut grams, mut records) = (Vec::new(), Vec::new());
        for ((t, &key), mut row) in tokens.iter().zip(&keys).zip(found) {
            if row.1 == 0 {
                // Not cached when the article started; maybe since, by an earlier token.
                row = cache.rows.get(key);
            }
            if row.1 != 0 {
                let at = row.0 as usize;
                out.extend_from_slice(&cache.values[at..at + w]);
                continue;
            }
            grams.clear();
            for_each_char_gram(&normalized[t.norm_span()], |h, _| grams.push(h));
            let start = out.len();
            out.resize(start + w, 0.0);
            let row = &mut out[start..];
            row[0] = grams.len() as f32;
            // Batched like the article's word n-grams: the word's n-grams are new to this
            // thread, and their slots and records are mostly not in the processor's caches.
            self.chars.index.get_all_into(&grams, &mut records);
            self.chars.touch(&records);
            for &found in &records {
                for item in self.chars.items_at(found) {
                    let m = item.model as usize;
                    let slot = self.char_slots[m] as usize;
                    self.chars.add_ratios(&item, &mut row[slot..slot + k[m]]);
                }
            }
            let at = cache.values.len() as u32;
            cache.values.extend_from_slice(row);
            cache.rows.insert(key, at, w as u32);
        }
    }
}

/// What a look-up's tables are built from: a model's selected n-grams and evidence, owned
/// by the look-up (shared), so that it can build a language's tables when it first needs them.
pub(crate) trait TableSource: std::fmt::Debug + Send + Sync {
    /// The n-grams and evidence.
    fn source(&self) -> Source<'_>;
}

impl TableSource for Evidence {
    fn source(&self) -> Source<'_> {
        Source {
            ngrams: &[],
            evidence: Some(self),
        }
    }
}

#[cfg(test)]
impl TableSource for Vec<Ngram> {
    fn source(&self) -> Source<'_> {
        Source {
            ngrams: self,
            evidence: None,
        }
    }
}

/// The merged look-up tables of a list of models (see the module documentation). A
/// language's tables are built the first time a text in it is looked up: a corpus in one
/// language costs the start-up time and memory of that language's tables only.
#[derive(Debug, Clone)]
pub(crate) struct Lookup {
    sources: Vec<Arc<dyn TableSource>>,
    /// Per model: evidence outputs (0 without evidence).
    k: Vec<usize>,
    /// Per model: the IDF of each selected n-gram.
    idf: Vec<Vec<f32>>,
    /// Languages with evidence, then the vocabulary-only fallback (empty code).
    codes: Vec<String>,
    /// The tables of each of `codes`, once built.
    languages: Vec<OnceLock<LanguageLookup>>,
    /// Each thread's [`Grams`] vectors, handed back when an article is done with them.
    spare: PerThread<GramsBuffers>,
}

/// The vectors of a [`Grams`], kept per thread from one article to the next instead of being
/// allocated anew (most are a few to tens of kilobytes: past the allocator's fast path).
#[derive(Debug, Default)]
struct GramsBuffers {
    /// Per model, (token index, vocabulary index) of its selected n-grams found, in text
    /// order (an n-gram's token is its last).
    vocab: Vec<Vec<(u32, u32)>>,
    /// Word n-grams of the tokens before each token (one more than the tokens).
    words_before: Vec<u32>,
    /// Each token's word row ([`LanguageLookup::word_width`] floats).
    words: Vec<f32>,
    /// Each token's character row ([`LanguageLookup::char_width`] floats).
    chars: Vec<f32>,
    /// Counting room for [`Lookup::stretch`].
    tally: RefCell<Tally>,
    /// Working vectors of [`Lookup::grams`]: each n-gram's token, hash, and range found.
    at: Vec<usize>,
    hashes: Vec<u64>,
    found: Vec<(u32, u32)>,
}

/// Floats a thread keeps in a spare row vector: the vectors of an article far longer than most
/// are freed with it, not kept.
const SPARE_LIMIT: usize = 1 << 18;

impl Default for Lookup {
    fn default() -> Self {
        Lookup::new(Vec::new())
    }
}

/// An article's n-grams as looked up once for every model.
#[derive(Debug)]
pub(crate) struct Grams<'a> {
    lang: &'a LanguageLookup,
    /// Its vectors.
    b: GramsBuffers,
    /// Where they go back to.
    spare: &'a PerThread<GramsBuffers>,
}

impl Drop for Grams<'_> {
    fn drop(&mut self) {
        if self.b.words.capacity().max(self.b.chars.capacity()) > SPARE_LIMIT {
            return;
        }
        *self.spare.get().borrow_mut() = std::mem::take(&mut self.b);
    }
}

/// Occurrences of vocabulary indices in a stretch, counted in place of sorting them: a count
/// per index of the largest vocabulary and a bit per index that has one.
#[derive(Debug, Default)]
struct Tally {
    counts: Vec<u32>,
    seen: Vec<u64>,
}

impl Tally {
    /// Room for indices below `n`, all counts 0.
    fn new(n: usize) -> Tally {
        Tally {
            counts: vec![0; n],
            seen: vec![0; n.div_ceil(64)],
        }
    }

    /// (index, occurrences) of `indices` (each below the size given to [`Tally::new`]) in
    /// increasing order of index; leaves every count at 0 again.
    fn runs(&mut self, indices: impl Iterator<Item = u32>) -> Vec<(u32, u32)> {
        let mut distinct = 0;
        for v in indices {
            let v = v as usize;
            if self.counts[v] == 0 {
                self.seen[v / 64] |= 1 << (v % 64);
                distinct += 1;
            }
            self.counts[v] += 1;
        }
        let mut out = Vec::with_capacity(distinct);
        for (w, word) in self.seen.iter_mut().enumerate() {
            let mut bits = std::mem::take(word);
            while bits != 0 {
                let v = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                out.push((v as u32, std::mem::take(&mut self.counts[v])));
            }
            if out.len() == distinct {
                break;
            }
        }
        out
    }
}

impl LanguageLookup {
    /// The tables of language `code` (with an empty code, the vocabularies only) merged
    /// from `sources` (model `m` is `sources[m]`, with `k[m]` evidence outputs).
    fn new(code: &str, sources: &[Source<'_>], k: &[usize]) -> LanguageLookup {
        let mut words: Vec<Pending<'_>> = sources
            .iter()
            .enumerate()
            .flat_map(|(m, s)| {
                s.ngrams
                    .iter()
                    .enumerate()
                    .map(move |(i, g)| (ngram_text_hash(&g.text), m as u32, i as u32, &[][..]))
            })
            .collect();
        let mut chars = Vec::new();
        let mut word_slots = vec![NONE; sources.len()];
        let mut word_width = 0;
        let mut char_slots = vec![NONE; sources.len()];
        let mut char_width = 1;
        for (m, s) in sources.iter().enumerate() {
            let Some(e) = s.evidence.filter(|_| k[m] > 0) else {
                continue;
            };
            for t in e.tables.iter().filter(|t| t.language == code) {
                let rows = t.grams.iter().zip(t.ratios.chunks_exact(k[m]));
                match t.kind {
                    GramKind::Word => {
                        words.extend(rows.map(|(g, r)| (ngram_text_hash(g), m as u32, NONE, r)));
                        word_slots[m] = word_width as u32;
                        word_width += k[m];
                    }
                    GramKind::Char => {
                        chars.extend(rows.map(|(g, r)| (word_hash(g), m as u32, NONE, r)));
                        char_slots[m] = char_width as u32;
                        char_width += k[m];
                    }
                }
            }
        }
        LanguageLookup {
            words: Table::new(words),
            chars: Table::new(chars),
            word_slots,
            word_width,
            char_slots,
            char_width,
            cache: PerThread::default(),
        }
    }
}

impl Lookup {
    /// The merged tables of `sources` (model `i` is `sources[i]`); no language's tables are
    /// built yet.
    pub fn new(sources: Vec<Arc<dyn TableSource>>) -> Lookup {
        let views: Vec<Source<'_>> = sources.iter().map(|s| s.source()).collect();
        let k: Vec<usize> = views
            .iter()
            .map(|s| s.evidence.map_or(0, |e| e.outputs.len()))
            .collect();
        let idf = views
            .iter()
            .map(|s| s.ngrams.iter().map(|g| g.idf).collect())
            .collect();
        let mut codes: Vec<String> = views
            .iter()
            .filter_map(|s| s.evidence)
            .flat_map(|e| e.tables.iter().map(|t| t.language.clone()))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes.push(String::new());
        let languages = codes.iter().map(|_| OnceLock::new()).collect();
        Lookup {
            sources,
            k,
            idf,
            codes,
            languages,
            spare: PerThread::default(),
        }
    }

    /// The tables of a language (the vocabulary-only fallback for others), built on first use.
    fn language(&self, language: &str) -> &LanguageLookup {
        let fallback = self.codes.len() - 1;
        let i = self.codes[..fallback]
            .iter()
            .position(|c| c == language)
            .unwrap_or(fallback);
        self.language_at(i)
    }

    /// The tables of `codes[i]`, built on first use.
    fn language_at(&self, i: usize) -> &LanguageLookup {
        self.languages[i].get_or_init(|| {
            let sources: Vec<Source<'_>> = self.sources.iter().map(|s| s.source()).collect();
            LanguageLookup::new(&self.codes[i], &sources, &self.k)
        })
    }

    /// Hashes and looks up a tokenized text's n-grams once for every model.
    pub fn grams(&self, language: &str, normalized: &str, tokens: &[Token]) -> Grams<'_> {
        let lang = self.language(language);
        let ww = lang.word_width;
        let mut b = self.spare.get().take();
        b.vocab.resize_with(self.k.len(), Vec::new);
        b.vocab.iter_mut().for_each(Vec::clear);
        let GramsBuffers {
            vocab,
            words_before,
            words,
            chars,
            at,
            hashes,
            found,
            ..
        } = &mut b;
        words.clear();
        words.resize(tokens.len() * ww, 0.0);
        words_before.clear();
        words_before.resize(tokens.len() + 1, 0);
        // A unigram and at most one bigram per token.
        at.clear();
        hashes.clear();
        for_each_ngram(normalized, tokens, false, |i, h, _| {
            words_before[i + 1] += 1;
            at.push(i);
            hashes.push(h);
        });
        lang.words.index.get_all_into(hashes, found);
        lang.words.touch(found);
        for (&i, &found) in at.iter().zip(found.iter()) {
            for item in lang.words.items_at(found) {
                let m = item.model as usize;
                if item.vocab != NONE {
                    vocab[m].push((i as u32, item.vocab));
                }
                if item.ratios != NONE {
                    let (slot, k) = (i * ww + lang.word_slots[m] as usize, self.k[m]);
                    lang.words.add_ratios(&item, &mut words[slot..slot + k]);
                }
            }
        }
        for i in 0..tokens.len() {
            words_before[i + 1] += words_before[i];
        }
        chars.clear();
        if !lang.chars.is_empty() {
            lang.char_rows(normalized, tokens, &self.k, chars);
        }
        let largest = self.idf.iter().map(Vec::len).max().unwrap_or(0);
        let tally = b.tally.get_mut();
        if tally.counts.len() < largest {
            *tally = Tally::new(largest);
        }
        Grams {
            lang,
            b,
            spare: &self.spare,
        }
    }

    /// Model `m`'s TF-IDF vector and raw evidence (word outputs, then character outputs;
    /// empty without evidence) of the tokens `range` of a text looked up with [`Lookup::grams`].
    pub fn stretch(
        &self,
        m: usize,
        grams: &Grams<'_>,
        range: Range<usize>,
    ) -> (Vec<(u32, f32)>, Vec<f32>) {
        let found = &grams.b.vocab[m];
        let lo = found.partition_point(|&(t, _)| (t as usize) < range.start);
        let hi = found.partition_point(|&(t, _)| (t as usize) < range.end);
        let runs = grams
            .b
            .tally
            .borrow_mut()
            .runs(found[lo..hi].iter().map(|&(_, v)| v));
        (tf_idf(runs, &self.idf[m]), self.evidence(m, grams, range))
    }

    /// Model `m`'s raw evidence (word outputs, then character outputs; empty without
    /// evidence) of the tokens `range` of a text looked up with [`Lookup::grams`].
    pub fn evidence(&self, m: usize, grams: &Grams<'_>, range: Range<usize>) -> Vec<f32> {
        let k = self.k[m];
        let mut evidence = vec![0f32; 2 * k];
        let lang = grams.lang;
        if lang.word_slots[m] != NONE {
            let (w, slot) = (lang.word_width, lang.word_slots[m] as usize);
            let rows = &grams.b.words[range.start * w..range.end * w];
            column_sums(rows, w, slot, &mut evidence[..k]);
            let n = grams.b.words_before[range.end] - grams.b.words_before[range.start];
            scale(&mut evidence[..k], n as f32);
        }
        if lang.char_slots[m] != NONE && !grams.b.chars.is_empty() {
            let (w, slot) = (lang.char_width, lang.char_slots[m] as usize);
            let rows = &grams.b.chars[range.start * w..range.end * w];
            let mut n = 0f32;
            for row in rows.chunks_exact(w) {
                n += row[0];
            }
            column_sums(rows, w, slot, &mut evidence[k..]);
            scale(&mut evidence[k..], n);
        }
        evidence
    }

    /// Model `m`'s TF-IDF vector of word n-gram counts by hash.
    pub fn vector_from_counts(&self, m: usize, words: &[(u64, u32)]) -> Vec<(u32, f32)> {
        let fallback = self.language_at(self.codes.len() - 1);
        // Counted in a hash map and normalized in its order, as the shipped models were
        // trained: the float sums, and so the trained weights, stay bit-identical.
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        for &(h, c) in words {
            if let Some(item) = fallback
                .words
                .get(h)
                .find(|i| i.model as usize == m && i.vocab != NONE)
            {
                *counts.entry(item.vocab).or_insert(0) += c;
            }
        }
        tf_idf(counts, &self.idf[m])
    }

    /// Model `m`'s raw evidence of word and character n-gram counts by hash (training and
    /// evaluation); zeros in a language it has no tables for.
    pub fn evidence_from_counts(
        &self,
        m: usize,
        language: &str,
        words: &[(u64, u32)],
        chars: &[(u64, u32)],
    ) -> Vec<f32> {
        let k = self.k[m];
        let mut out = vec![0f32; 2 * k];
        let lang = self.language(language);
        // A model without a table of a kind in this language has no items there: zeros.
        let mut n = 0u32;
        for &(h, c) in words {
            n += c;
            for item in lang.words.get(h) {
                if item.model as usize == m && item.ratios != NONE {
                    add(&mut out[..k], lang.words.ratios(&item, k), c as f32);
                }
            }
        }
        scale(&mut out[..k], n as f32);
        let mut n = 0u32;
        for &(h, c) in chars {
            n += c;
            for item in lang.chars.get(h) {
                if item.model as usize == m {
                    add(&mut out[k..], lang.chars.ratios(&item, k), c as f32);
                }
            }
        }
        scale(&mut out[k..], n as f32);
        out
    }
}

/// Reads the values at `at(start, length)` of every range found (length 0: none), in a loop
/// whose loads do not depend on each other, so that the processor overlaps their cache misses
/// (an article's records lie all over tables far larger than its caches) before the loop that
/// uses them walks the ranges one by one.
fn touch<T: Copy>(
    values: &[T],
    found: &[(u32, u32)],
    at: impl Fn(usize, usize) -> [usize; 2],
    bits: impl Fn(T) -> u32,
) {
    let mut any = 0u32;
    for &(start, len) in found {
        if len != 0 {
            for i in at(start as usize, len as usize) {
                if let Some(&v) = values.get(i) {
                    any ^= bits(v);
                }
            }
        }
    }
    std::hint::black_box(any);
}

/// `out[j]` = the sum of `row[slot + j]` over the rows (of `w` values each) of `rows`, added
/// in row order from zero (as [`add`] would, bit for bit). The common output counts get a loop
/// of fixed width, whose sums stay in registers instead of going through memory on every row.
fn column_sums(rows: &[f32], w: usize, slot: usize, out: &mut [f32]) {
    fn fixed<const N: usize>(rows: &[f32], w: usize, slot: usize, out: &mut [f32]) {
        let mut acc = [0f32; N];
        for row in rows.chunks_exact(w) {
            for (a, r) in acc.iter_mut().zip(&row[slot..slot + N]) {
                *a += r;
            }
        }
        out.copy_from_slice(&acc);
    }
    match out.len() {
        1 => fixed::<1>(rows, w, slot, out),
        2 => fixed::<2>(rows, w, slot, out),
        3 => fixed::<3>(rows, w, slot, out),
        4 => fixed::<4>(rows, w, slot, out),
        5 => fixed::<5>(rows, w, slot, out),
        6 => fixed::<6>(rows, w, slot, out),
        7 => fixed::<7>(rows, w, slot, out),
        8 => fixed::<8>(rows, w, slot, out),
        k => {
            out.fill(0.0);
            for row in rows.chunks_exact(w) {
                add(out, row[slot..slot + k].iter().copied(), 1.0);
            }
        }
    }
}

/// `sums += ratios` given as bits, bit for bit as [`add`] with count 1; the common lengths in a
/// loop of fixed width (the look-up adds a record's ratios for every n-gram of an article).
fn add_bits(sums: &mut [f32], bits: &[u32]) {
    fn fixed<const N: usize>(sums: &mut [f32], bits: &[u32]) {
        if let (Ok(sums), Ok(bits)) = (<&mut [f32; N]>::try_from(sums), <&[u32; N]>::try_from(bits))
        {
            for (s, &b) in sums.iter_mut().zip(bits) {
                *s += f32::from_bits(b);
            }
        }
    }
    match sums.len() {
        1 => fixed::<1>(sums, bits),
        2 => fixed::<2>(sums, bits),
        3 => fixed::<3>(sums, bits),
        4 => fixed::<4>(sums, bits),
        5 => fixed::<5>(sums, bits),
        6 => fixed::<6>(sums, bits),
        7 => fixed::<7>(sums, bits),
        8 => fixed::<8>(sums, bits),
        _ => add(sums, bits.iter().map(|&b| f32::from_bits(b)), 1.0),
    }
}

/// `sums += count · ratios`.
fn add(sums: &mut [f32], ratios: impl IntoIterator<Item = f32>, count: f32) {
    for (s, r) in sums.iter_mut().zip(ratios) {
        *s += count * r;
    }
}

/// Divides evidence sums by the square root of the n-gram occurrences they were summed over.
fn scale(sums: &mut [f32], n: f32) {
    if n > 0.0 {
        let s = n.sqrt();
        for x in sums {
            *x /= s;
        }
    }
}

#[cfg(test)]
mod stretch_tests {
    use super::{add, add_bits, column_sums, Tally};

    /// Adding ratios given as bits, of every length, equals `add` with count 1, bit for bit.
    #[test]
    fn added_bits_equal_added_ratios() {
        for k in 1..=10 {
            let bits: Vec<u32> = (0..k)
                .map(|i| (((i * 7919) % 1000) as f32 / 37.0 - 11.0).to_bits())
                .collect();
            let start: Vec<f32> = (0..k).map(|i| i as f32 * 0.3 - 1.0).collect();
            let mut expected = start.clone();
            add(&mut expected, bits.iter().map(|&b| f32::from_bits(b)), 1.0);
            let mut got = start.clone();
            add_bits(&mut got, &bits);
            let bits_of = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits_of(&got), bits_of(&expected), "k = {k}");
            assert_ne!(bits_of(&got), bits_of(&start), "k = {k}");
        }
    }

    /// Column sums of every width, fixed or not, equal adding the rows one by one, bit for bit.
    #[test]
    fn column_sums_add_rows_in_order() {
        let w = 13;
        let rows: Vec<f32> = (0..w * 9)
            .map(|i| ((i * 7919) % 1000) as f32 / 37.0 - 11.0)
            .collect();
        for k in 1..=10 {
            for slot in [0, w - k] {
                let mut expected = vec![0f32; k];
                for row in rows.chunks_exact(w) {
                    add(&mut expected, row[slot..slot + k].iter().copied(), 1.0);
                }
                let mut got = vec![f32::NAN; k];
                column_sums(&rows, w, slot, &mut got);
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&got), bits(&expected), "k {k}, slot {slot}");
            }
        }
    }

    /// Indices tallied, and the (index, occurrences) expected.
    type Case = (&'static [u32], &'static [(u32, u32)]);

    /// A tally gives each index's occurrences in increasing order of index, and is empty
    /// again afterwards.
    #[test]
    fn tally_counts_indices_in_order_and_resets() {
        let cases: &[Case] = &[
            (&[], &[]),
            (&[5], &[(5, 1)]),
            (
                &[3, 1, 3, 0, 199, 64, 63, 3],
                &[(0, 1), (1, 1), (3, 3), (63, 1), (64, 1), (199, 1)],
            ),
            (&[128, 128, 127], &[(127, 1), (128, 2)]),
        ];
        let mut tally = Tally::new(200);
        for (indices, expected) in cases {
            assert_eq!(
                tally.runs(indices.iter().copied()),
                *expected,
                "{indices:?}"
            );
            assert!(tally.counts.iter().all(|&c| c == 0), "{indices:?}");
            assert!(tally.seen.iter().all(|&w| w == 0), "{indices:?}");
        }
    }
}

#[cfg(all(test, feature = "embedded-models"))]
mod tests {
    use rustc_hash::FxHashMap;

    use super::super::{Counts, Models};
    use super::*;
    use crate::normalize::normalize;
    use crate::tokenize::tokenize;

    fn sorted(m: FxHashMap<u64, u32>) -> Vec<(u64, u32)> {
        let mut v: Vec<(u64, u32)> = m.into_iter().collect();
        v.sort_unstable();
        v
    }

    /// The names of the languages whose tables are built.
    fn built(lookup: &Lookup) -> Vec<&str> {
        lookup
            .codes
            .iter()
            .zip(&lookup.languages)
            .filter(|(_, l)| l.get().is_some())
            .map(|(c, _)| c.as_str())
            .collect()
    }

    /// A language's tables are built when a text in it is first looked up, and only then.
    #[test]
    fn tables_are_built_for_the_languages_looked_up_only() {
        let models = Models::embedded().unwrap_or_else(|e| panic!("{e}"));
        let lookup = models.lookup();
        assert!(lookup.codes.len() > 2, "{:?}", lookup.codes);
        assert!(built(lookup).is_empty());
        let text = "Les vassaux de l'establishment otanesque.";
        let n = normalize(text);
        let t = tokenize(text, &n);
        let first = lookup.grams("fr", n.as_str(), &t.tokens).b.words.clone();
        assert_eq!(built(lookup), ["fr"]);
        // Again, from the built tables: the same rows; and the same after a longer text has
        // left its vectors to this thread.
        assert_eq!(lookup.grams("fr", n.as_str(), &t.tokens).b.words, first);
        let long = "Les vassaux de la propagande hexagonale. ".repeat(40);
        let (ln, lt) = (normalize(&long), tokenize(&long, &normalize(&long)));
        let long_rows = lookup.grams("fr", ln.as_str(), &lt.tokens).b.words.clone();
        assert!(long_rows.len() > first.len());
        assert_eq!(lookup.grams("fr", n.as_str(), &t.tokens).b.words, first);
        // A language without tables of its own: the vocabulary-only fallback.
        lookup.grams("es", n.as_str(), &t.tokens);
        assert_eq!(built(lookup), ["fr", ""]);
    }

    /// The merged tables give every shipped model, on any stretch, what its own tables give
    /// from n-gram counts (the training path).
    #[test]
    fn merged_lookup_equals_each_models_own_tables() {
        let models = Models::embedded().unwrap_or_else(|e| panic!("{e}"));
        let text = "Les vassaux de l'establishment otanesque répètent la propagande !\n\n\
                    Selon le ministère, la délégation a signé mardi un accord de coopération. \
                    « C'est une victoire », a déclaré le porte-parole.";
        let n = normalize(text);
        let t = tokenize(text, &n);
        // Stretches are whole sentences (no bigram crosses their edges).
        let second = t.sentences[1].tokens.start;
        let stretches = [0..t.tokens.len(), 0..second, second..t.tokens.len()];
        let counts_of = |toks: &[Token]| {
            let mut words: FxHashMap<u64, u32> = FxHashMap::default();
            for_each_ngram(n.as_str(), toks, false, |_, h, _| {
                *words.entry(h).or_default() += 1;
            });
            let mut chars: FxHashMap<u64, u32> = FxHashMap::default();
            for tok in toks {
                for_each_char_gram(&n.as_str()[tok.norm_span()], |h, _| {
                    *chars.entry(h).or_default() += 1;
                });
            }
            (sorted(words), sorted(chars))
        };
        let whole = counts_of(&t.tokens);
        for language in ["fr", "en", "es"] {
            // Twice: the second look-up reads the character cache.
            for _ in 0..2 {
                let grams = models.lookup().grams(language, n.as_str(), &t.tokens);
                for (m, c) in models.classifiers().enumerate() {
                    for range in stretches.clone() {
                        let (tf_idf, evidence) = models.lookup().stretch(m, &grams, range.clone());
                        let (words, chars) = counts_of(&t.tokens[range]);
                        let dense = vec![0.0; c.file().scaler.mean.len()];
                        let counts = |words, chars| Counts {
                            words,
                            chars,
                            dense: &dense,
                        };
                        // The stretch read in the light of the whole text (article context).
                        let (all_words, all_chars) = whole.clone();
                        let article = counts(&all_words, &all_chars);
                        let expected =
                            c.input_from_counts(counts(&words, &chars), Some(article), language);
                        let has_evidence = c.file().evidence.is_some();
                        let context = c.file().article_context.as_ref().map(|_| {
                            let mut v = dense.clone();
                            if has_evidence {
                                v.extend(models.lookup().evidence(m, &grams, 0..t.tokens.len()));
                            }
                            v
                        });
                        let got = c.file().input(
                            tf_idf,
                            &dense,
                            has_evidence.then_some(evidence.as_slice()),
                            language,
                            context.as_deref(),
                        );
                        assert_eq!(got.len(), expected.len(), "{} {language}", c.task());
                        for (a, b) in got.iter().zip(&expected) {
                            assert_eq!(a.0, b.0, "{} {language}", c.task());
                            assert!(
                                (a.1 - b.1).abs() < 1e-4,
                                "{} {language}: {a:?} {b:?}",
                                c.task()
                            );
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod range_index_tests {
    use super::RangeIndex;

    #[test]
    fn ranges_come_back_one_by_one_and_in_batches_through_probe_chains_and_growth() {
        let mut index = RangeIndex::with_capacity(4);
        // Hashes sharing their low bits share a home slot: long probe chains.
        let crowded: Vec<u64> = (1..=40u64).map(|i| i << 40 | 5).collect();
        let spread: Vec<u64> = (1..=200u64)
            .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .collect();
        let hashes: Vec<u64> = crowded.iter().chain(&spread).copied().collect();
        for (i, &h) in hashes.iter().enumerate() {
            assert_eq!(index.get(h).1, 0, "absent before insertion");
            index.insert(h, 3 * i as u32, 1 + i as u32 % 3);
        }
        assert_eq!(index.len(), hashes.len());
        let absent = [0u64, 6 << 40 | 6, u64::MAX];
        let queries: Vec<u64> = hashes.iter().chain(&absent).copied().collect();
        let batch = index.get_all(&queries);
        for (i, &h) in hashes.iter().enumerate() {
            let expected = (3 * i as u32, 1 + i as u32 % 3);
            assert_eq!(index.get(h), expected);
            assert_eq!(batch[i], expected);
        }
        for (k, &h) in absent.iter().enumerate() {
            assert_eq!(index.get(h).1, 0);
            assert_eq!(batch[hashes.len() + k].1, 0);
        }
    }
}
