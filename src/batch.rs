//! Batch scoring: many items processed in parallel (rayon) inside bounded chunks, results
//! yielded in input order. [`crate::Analyzer::analyze_batch`] is built on it.
//!
//! A chunk holds at most [`ChunkLimits::items`] items and at most [`ChunkLimits::bytes`] bytes
//! of text (but always at least one item), so memory stays bounded by a chunk and its results
//! whatever the length of the input. The work runs in the current rayon thread pool: to choose
//! the number of threads, iterate inside `rayon::ThreadPool::install`.

use std::collections::VecDeque;

use rayon::prelude::*;

use crate::analyzer::{Analyzer, Article};
use crate::error::{Error, Result};
use crate::report::ArticleReport;

/// `f()`, the analysis of article `id`, with a panic (a bug) turned into [`Error::Internal`]
/// for that article alone, so that a batch goes on and loses no record: what
/// [`Analyzer::analyze_batch`] and `partipris score` run each article in, for callers who
/// build their own loop over [`ParallelMap`]. The panic is still reported on standard error
/// by the panic hook.
pub fn guarded<T>(id: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let reason = match (
            payload.downcast_ref::<&str>(),
            payload.downcast_ref::<String>(),
        ) {
            (Some(s), _) => (*s).to_string(),
            (_, Some(s)) => s.clone(),
            _ => "a panic without a message".to_string(),
        };
        Err(Error::Internal {
            id: id.to_string(),
            reason,
        })
    })
}

/// The size of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChunkLimits {
    /// Most items in a chunk (at least 1).
    pub items: usize,
    /// Most bytes of text in a chunk; a chunk always takes at least one item, however large.
    pub bytes: usize,
}

impl Default for ChunkLimits {
    /// 512 items or 16 MiB of text.
    fn default() -> ChunkLimits {
        ChunkLimits {
            items: 512,
            bytes: 16 << 20,
        }
    }
}

/// Takes the next chunk of `iter`: items until a limit is reached.
fn take_chunk<I: Iterator>(
    iter: &mut I,
    limits: ChunkLimits,
    weight: impl Fn(&I::Item) -> usize,
) -> Vec<I::Item> {
    let mut chunk = Vec::new();
    let mut bytes = 0usize;
    while chunk.len() < limits.items.max(1) && (chunk.is_empty() || bytes < limits.bytes) {
        let Some(item) = iter.next() else { break };
        bytes = bytes.saturating_add(weight(&item));
        chunk.push(item);
    }
    chunk
}

/// Maps the items of an iterator with a function run in parallel on chunks of them, yielding
/// the results in input order: `f` is called once per item, and the `n`-th result is
/// `f(n-th item)`.
pub struct ParallelMap<I: Iterator, F, R> {
    iter: I,
    f: F,
    weight: fn(&I::Item) -> usize,
    limits: ChunkLimits,
    ready: VecDeque<R>,
}

impl<I: Iterator, F, R> std::fmt::Debug for ParallelMap<I, F, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParallelMap")
            .field("limits", &self.limits)
            .field("ready", &self.ready.len())
            .finish()
    }
}

impl<I, F, R> ParallelMap<I, F, R>
where
    I: Iterator,
    I::Item: Send,
    F: Fn(I::Item) -> R + Sync,
    R: Send,
{
    /// Maps `iter` with `f`, in chunks of [`ChunkLimits::default`] items, each item weighing
    /// `weight(item)` bytes.
    pub fn new(iter: I, f: F, weight: fn(&I::Item) -> usize) -> Self {
        ParallelMap {
            iter,
            f,
            weight,
            limits: ChunkLimits::default(),
            ready: VecDeque::new(),
        }
    }

    /// Sets the chunk size.
    pub fn chunk_limits(mut self, limits: ChunkLimits) -> Self {
        self.limits = limits;
        self
    }
}

impl<I, F, R> Iterator for ParallelMap<I, F, R>
where
    I: Iterator,
    I::Item: Send,
    F: Fn(I::Item) -> R + Sync,
    R: Send,
{
    type Item = R;

    fn next(&mut self) -> Option<R> {
        if self.ready.is_empty() {
            let chunk = take_chunk(&mut self.iter, self.limits, self.weight);
            if chunk.is_empty() {
                return None;
            }
            let f = &self.f;
            let results: Vec<R> = chunk.into_par_iter().map(f).collect();
            self.ready = results.into();
        }
        self.ready.pop_front()
    }
}

/// The reports of many articles, in input order: what [`Analyzer::analyze_batch`] returns.
/// Each article gives exactly one item, its report or the error [`Analyzer::analyze`] would
/// give for it.
pub struct Batch<'a, I: Iterator<Item = Article<'a>>> {
    analyzer: Analyzer,
    iter: I,
    limits: ChunkLimits,
    ready: VecDeque<Result<ArticleReport>>,
}

impl<'a, I: Iterator<Item = Article<'a>>> std::fmt::Debug for Batch<'a, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("limits", &self.limits)
            .field("ready", &self.ready.len())
            .finish()
    }
}

impl<'a, I: Iterator<Item = Article<'a>>> Batch<'a, I> {
    pub(crate) fn new(analyzer: Analyzer, iter: I) -> Self {
        Batch {
            analyzer,
            iter,
            limits: ChunkLimits::default(),
            ready: VecDeque::new(),
        }
    }

    /// Sets the chunk size (default: [`ChunkLimits::default`]).
    pub fn chunk_limits(mut self, limits: ChunkLimits) -> Self {
        self.limits = limits;
        self
    }
}

impl<'a, I: Iterator<Item = Article<'a>>> Iterator for Batch<'a, I> {
    type Item = Result<ArticleReport>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ready.is_empty() {
            let chunk = take_chunk(&mut self.iter, self.limits, |a| a.text().len());
            if chunk.is_empty() {
                return None;
            }
            let analyzer = &self.analyzer;
            let results: Vec<Result<ArticleReport>> = chunk
                .par_iter()
                .map(|a| guarded(a.id(), || analyzer.analyze(a)))
                .collect();
            self.ready = results.into();
        }
        self.ready.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_respect_both_limits_and_take_at_least_one() {
        let limits = ChunkLimits {
            items: 3,
            bytes: 10,
        };
        let mut it = [4usize, 4, 4, 4, 20, 1, 1, 1, 1].into_iter();
        let mut sizes = Vec::new();
        loop {
            let c = take_chunk(&mut it, limits, |x| *x);
            if c.is_empty() {
                break;
            }
            sizes.push(c);
        }
        assert_eq!(
            sizes,
            vec![vec![4, 4, 4], vec![4, 20], vec![1, 1, 1], vec![1]]
        );
    }

    #[test]
    fn parallel_map_keeps_order_across_chunks_and_pools() {
        let expected: Vec<u64> = (0..1000u64).map(|x| x * x).collect();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap_or_else(|e| panic!("{e}"));
            let got: Vec<u64> = pool.install(|| {
                ParallelMap::new(0..1000u64, |x| x * x, |_| 1)
                    .chunk_limits(ChunkLimits {
                        items: 7,
                        bytes: usize::MAX,
                    })
                    .collect()
            });
            assert_eq!(got, expected);
        }
    }

    /// A panic in one item's analysis (a bug) is that item's [`Error::Internal`], in its place;
    /// the items around it, in the same chunk and after, are done as usual.
    #[test]
    fn a_panic_in_one_item_is_its_error_and_the_batch_goes_on() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let work = |x: u32| {
            guarded(&format!("a{x}"), || {
                if x % 5 == 3 {
                    panic!("bug on {x}");
                }
                Ok(x * 2)
            })
        };
        let got: Vec<Result<u32>> = pool.install(|| {
            ParallelMap::new(0..20u32, work, |_| 1)
                .chunk_limits(ChunkLimits {
                    items: 4,
                    bytes: usize::MAX,
                })
                .collect()
        });
        assert_eq!(got.len(), 20);
        for (x, r) in (0..20u32).zip(&got) {
            match r {
                Ok(v) => assert_eq!((x % 5 != 3, *v), (true, x * 2)),
                Err(Error::Internal { id, reason }) => {
                    assert_eq!(x % 5, 3);
                    assert_eq!(
                        (id.clone(), reason.clone()),
                        (format!("a{x}"), format!("bug on {x}"))
                    );
                }
                Err(e) => panic!("{x}: {e}"),
            }
        }
        let message = guarded("a", || -> Result<()> { std::panic::panic_any(7u8) });
        assert!(
            matches!(message, Err(Error::Internal { reason, .. }) if reason.contains("without a message"))
        );
    }

    #[test]
    fn batch_gives_one_result_per_article_in_order() {
        let analyzer = Analyzer::default();
        let texts = [
            "Le ministre a déclaré que la réforme serait votée.",
            "   ",
            "Les vassaux de Washington s'inquiètent.",
            "",
            "A plain English sentence about the weather.",
        ];
        let articles = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Article::new(format!("a{i}"), *t));
        let got: Vec<Result<ArticleReport>> = analyzer
            .analyze_batch(articles)
            .chunk_limits(ChunkLimits {
                items: 2,
                bytes: usize::MAX,
            })
            .collect();
        assert_eq!(got.len(), texts.len());
        for (i, (r, t)) in got.iter().zip(texts).enumerate() {
            let single = analyzer.analyze(&Article::new(format!("a{i}"), t));
            match (r, single) {
                (Ok(a), Ok(b)) => assert_eq!(*a, b),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("article {i}: batch {a:?}, single {b:?}"),
            }
        }
        assert!(got[1].is_err() && got[3].is_err());
    }
}
