//! A thread's cache from a text word (its normalized form) to its lexicon word id.
//!
//! Stemming costs about a microsecond a word, so the matcher looks each distinct word up once
//! per thread and keeps the result here. The cache is probed once per word of every article,
//! and on a large vocabulary most probes of rare words miss the processor's caches: the time
//! goes into waiting for memory, not into hashing. So the table is laid out for that:
//!
//! - a word of at most 24 bytes (nearly every word) is stored packed in three machine words
//!   inside its slot, so a probe reads one 32-byte slot and compares three integers (no pointer
//!   to chase, no `memcmp`); longer words go to a small side map;
//! - open addressing with linear probing over a power-of-two array, so the home slot of a word
//!   is a plain index computed from its hash, and [`WordCache::homes`] reads the home slots
//!   of a whole article's words before any result is needed: those loads are independent, and the
//!   processor overlaps their memory latency instead of waiting for each in turn.
//!
//! The cache is bounded: it is emptied when it holds [`CAPACITY`] words.

use rustc_hash::FxHashMap;

/// Most words a thread's cache holds before it is emptied.
pub(super) const CAPACITY: usize = 160_000;
/// Slots of a new cache.
const INITIAL_SLOTS: usize = 1 << 12;

/// A word packed into three little-endian machine words, zero-padded (words hold no NUL byte,
/// so the padding is unambiguous and a packed word's first machine word is never zero).
pub(super) type Packed = [u64; 3];

/// A key that no word packs to (UTF-8 has no 0xFF byte) and no empty slot holds.
pub(super) const NO_KEY: Packed = [u64::MAX; 3];

/// Not an id: what [`WordCache::homes`] gives for a word not in its home slot.
pub(super) const NOT_HOME: u32 = u32::MAX;

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

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The word; `key[0] == 0` marks an empty slot.
    key: Packed,
    /// The low 32 bits of the word's hash (to re-insert it when the table grows).
    tag: u32,
    id: u32,
}

/// Word → lexicon word id, for one thread (see the module documentation).
#[derive(Debug)]
pub(super) struct WordCache {
    slots: Vec<Slot>,
    /// Words stored in `slots`.
    len: usize,
    /// Words over 24 bytes.
    long: FxHashMap<Box<str>, u32>,
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

    /// For each (hash, packed word), its id if the word sits in its home slot (the common
    /// case), else [`NOT_HOME`] ("look further" with [`WordCache::get`], not "absent"). One
    /// load per word and no branch on what it holds, so the loads overlap.
    pub fn homes(&self, words: &[(u64, Packed)]) -> Vec<u32> {
        let mask = self.mask();
        words
            .iter()
            .map(|(hash, key)| {
                let slot = &self.slots[*hash as usize & mask];
                if slot.key == *key {
                    slot.id
                } else {
                    NOT_HOME
                }
            })
            .collect()
    }

    /// The id of a word, given its hash and its packed form when it has one.
    pub fn get(&self, hash: u64, key: Option<&Packed>, word: &str) -> Option<u32> {
        let Some(key) = key else {
            return self.long.get(word).copied();
        };
        let mask = self.mask();
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.key == *key {
                return Some(slot.id);
            }
            if slot.key[0] == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Records the id of a word that [`WordCache::get`] did not find.
    pub fn insert(&mut self, hash: u64, key: Option<Packed>, word: &str, id: u32) {
        if self.len + self.long.len() >= CAPACITY {
            self.clear();
        }
        let Some(key) = key else {
            self.long.insert(word.into(), id);
            return;
        };
        // Load factor at most 5/8: most words then sit in their home slot.
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            self.grow();
        }
        self.place(Slot {
            key,
            tag: hash as u32,
            id,
        });
        self.len += 1;
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.mask();
        let mut i = slot.tag as usize & mask;
        while self.slots[i].key[0] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    fn grow(&mut self) {
        let bigger = vec![Slot::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        for slot in old.into_iter().filter(|s| s.key[0] != 0) {
            self.place(slot);
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
    use crate::tokenize::word_hash;

    fn get(cache: &WordCache, word: &str) -> Option<u32> {
        cache.get(word_hash(word), pack(word).as_ref(), word)
    }

    fn insert(cache: &mut WordCache, word: &str, id: u32) {
        cache.insert(word_hash(word), pack(word), word, id);
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
        for (i, w) in words.iter().enumerate() {
            assert_eq!(get(&cache, w), Some(i as u32), "{w}");
            let home = cache.homes(&[(word_hash(w), pack(w).unwrap_or(NO_KEY))])[0];
            assert!(home == NOT_HOME || home == i as u32);
        }
        for i in 0..CAPACITY {
            insert(&mut cache, &format!("autre{i}"), 1);
        }
        assert!(cache.len() <= CAPACITY);
    }
}
