//! A thread's cache from a text word (its normalized form) to its lexicon word ids (one per
//! phrase set of the matcher, see [`super::matcher`]).
//!
//! Stemming costs about a microsecond a word, so the matcher looks each distinct word up once
//! per thread and keeps the result here. The cache is probed once per word of every article,
//! and on a large vocabulary most probes of rare words miss the processor's caches: the time
//! goes into waiting for memory, not into hashing. So the table is laid out for that:
//!
//! - a word of at most 24 bytes (nearly every word) is stored packed in three machine words
//!   inside its slot, next to its ids, so a probe reads one 32-byte slot and compares three
//!   integers (no pointer to chase, no `memcmp`); longer words go to a small side map;
//! - open addressing with linear probing over a power-of-two array, so the home slot of a word
//!   is a plain index computed from its hash, and [`WordCache::homes`] reads the home slots
//!   of a whole article's words before any result is needed: those loads are independent, and the
//!   processor overlaps their memory latency instead of waiting for each in turn.
//!
//! The cache is bounded: it is emptied when it holds [`CAPACITY`] words.

use rustc_hash::FxHashMap;

use crate::tokenize::word_hash;

/// Phrase sets a matcher holds at most: a word's ids in all of them fit in its slot.
pub(super) const MAX_SETS: usize = 2;

/// A word's id in each phrase set of a matcher (unused sets hold 0, "unknown").
pub(super) type Ids = [u32; MAX_SETS];

/// Most words a thread's cache holds before it is emptied.
pub(super) const CAPACITY: usize = 160_000;
/// Slots of a new cache.
const INITIAL_SLOTS: usize = 1 << 12;

/// A word packed into three little-endian machine words, zero-padded (words hold no NUL byte,
/// so the padding is unambiguous and a packed word's first machine word is never zero).
pub(super) type Packed = [u64; 3];

/// A key that no word packs to (UTF-8 has no 0xFF byte) and no empty slot holds.
pub(super) const NO_KEY: Packed = [u64::MAX; 3];

/// Not ids: what [`WordCache::homes`] gives for a word not in its home slot.
pub(super) const NOT_HOME: Ids = [u32::MAX; MAX_SETS];

/// A word of at most 24 bytes as a [`Packed`] key, else `None`.
pub(super) fn pack(word: &str) -> Option<Packed> {
    let bytes = word.as_bytes();
    if bytes.len() > 24 || bytes.is_empty() {
        return None;
    }
    let mut buf = [0u8; 24];
    buf[..bytes.len()].copy_from_slice(bytes);
    let word = |k: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&buf[8 * k..8 * k + 8]);
        u64::from_le_bytes(w)
    };
    Some([word(0), word(1), word(2)])
}

/// The word a [`Packed`] key holds.
fn unpack(key: &Packed) -> [u8; 24] {
    let mut buf = [0u8; 24];
    for (chunk, w) in buf.chunks_exact_mut(8).zip(key) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    buf
}

/// The hash of the word a [`Packed`] key holds ([`word_hash`], as the matcher computed it).
fn packed_hash(key: &Packed) -> u64 {
    let buf = unpack(key);
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    std::str::from_utf8(&buf[..len]).map_or(0, word_hash)
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The word; `key[0] == 0` marks an empty slot. (Its hash, to re-insert it when the table
    /// grows, is computed again from it.)
    key: Packed,
    ids: Ids,
}

/// Word → lexicon word ids, for one thread (see the module documentation).
#[derive(Debug)]
pub(super) struct WordCache {
    slots: Vec<Slot>,
    /// Words stored in `slots`.
    len: usize,
    /// Words over 24 bytes.
    long: FxHashMap<Box<str>, Ids>,
}

impl Default for WordCache {
    fn default() -> Self {
        WordCache {
            slots: vec![Slot::default(); INITIAL_SLOTS],
            len: 0,
            long: FxHashMap::default(),
        }
    }
}

impl WordCache {
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// For each (hash, packed word), its ids if the word sits in its home slot (the common
    /// case), else [`NOT_HOME`] ("look further" with [`WordCache::get`], not "absent"). One
    /// load per word and no branch on what it holds, so the loads overlap.
    pub fn homes(&self, words: &[(u64, Packed)]) -> Vec<Ids> {
        let mask = self.mask();
        words
            .iter()
            .map(|(hash, key)| {
                let slot = &self.slots[*hash as usize & mask];
                if slot.key == *key {
                    slot.ids
                } else {
                    NOT_HOME
                }
            })
            .collect()
    }

    /// The ids of a word, given its hash and its packed form when it has one.
    pub fn get(&self, hash: u64, key: Option<&Packed>, word: &str) -> Option<Ids> {
        let Some(key) = key else {
            return self.long.get(word).copied();
        };
        let mask = self.mask();
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.key == *key {
                return Some(slot.ids);
            }
            if slot.key[0] == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Records the ids of a word that [`WordCache::get`] did not find.
    pub fn insert(&mut self, hash: u64, key: Option<Packed>, word: &str, ids: Ids) {
        if self.len + self.long.len() >= CAPACITY {
            self.clear();
        }
        let Some(key) = key else {
            self.long.insert(word.into(), ids);
            return;
        };
        // Load factor at most 5/8: most words then sit in their home slot.
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            self.grow();
        }
        self.place(hash, Slot { key, ids });
        self.len += 1;
    }

    fn place(&mut self, hash: u64, slot: Slot) {
        let mask = self.mask();
        let mut i = hash as usize & mask;
        while self.slots[i].key[0] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    fn grow(&mut self) {
        let bigger = vec![Slot::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        for slot in old.into_iter().filter(|s| s.key[0] != 0) {
            self.place(packed_hash(&slot.key), slot);
        }
    }

    fn clear(&mut self) {
        self.slots.fill(Slot::default());
        self.len = 0;
        self.long.clear();
    }

    /// Words held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.len + self.long.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(cache: &WordCache, word: &str) -> Option<u32> {
        let ids = cache.get(word_hash(word), pack(word).as_ref(), word)?;
        assert_eq!(ids[1], ids[0] + 1, "{word}: the ids of the second set");
        Some(ids[0])
    }

    fn insert(cache: &mut WordCache, word: &str, id: u32) {
        cache.insert(word_hash(word), pack(word), word, [id, id + 1]);
    }

    #[test]
    fn words_short_and_long_come_back_with_their_ids() {
        let mut cache = WordCache::default();
        let long = "anticonstitutionnellement-anticonstitutionnellement";
        let cases = [
            ("a", 7),
            ("l'état", 8),
            ("néocoloniales", 9),
            ("abcdefghijklmnopqrstuvwx", 10),
            (long, 11),
        ];
        for (w, id) in cases {
            assert_eq!(get(&cache, w), None, "{w}");
            insert(&mut cache, w, id);
        }
        for (w, id) in cases {
            assert_eq!(get(&cache, w), Some(id), "{w}");
        }
        // A prefix or an extension of a stored word is another word.
        assert_eq!(get(&cache, "néocolonial"), None);
        assert_eq!(get(&cache, "aa"), None);
    }

    #[test]
    fn growing_keeps_every_word_and_the_cache_stays_bounded() {
        let mut cache = WordCache::default();
        let words: Vec<String> = (0..20_000).map(|i| format!("mot{i}")).collect();
        for (i, w) in words.iter().enumerate() {
            insert(&mut cache, w, i as u32);
        }
        assert!(cache.slots.len() > INITIAL_SLOTS);
        // After growing, most words are in their home slot again (their hash was recomputed).
        let at_home = words
            .iter()
            .filter(|w| cache.homes(&[(word_hash(w), pack(w).unwrap_or(NO_KEY))])[0] != NOT_HOME)
            .count();
        assert!(
            at_home * 2 > words.len(),
            "{at_home} of {} at home",
            words.len()
        );
        for (i, w) in words.iter().enumerate() {
            assert_eq!(get(&cache, w), Some(i as u32), "{w}");
            let home = cache.homes(&[(word_hash(w), pack(w).unwrap_or(NO_KEY))])[0];
            assert!(home == NOT_HOME || home == [i as u32, i as u32 + 1]);
        }
        for i in 0..CAPACITY {
            insert(&mut cache, &format!("autre{i}"), 1);
        }
        assert!(cache.len() <= CAPACITY);
    }
}
