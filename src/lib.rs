#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

// The pipeline (DESIGN.md): `normalize` (text → normalized text with alignment) →
// `tokenize` (tokens, sentences, paragraphs) → `language` → `lexicon` (markers) → `features`
// (figures, feature vector) → `model` (classifiers) and `stance` (targets, stance) → `report`;
// `analyzer` runs it.
// Around it: `corpus` (labelled data), `task` (what to learn from it), `eval` (metrics),
// `input` (articles read from files), `batch` (parallel scoring in input order), `output`
// (what `score` writes), `html` (self-contained report pages). `corpus` and `input` read
// JSON Lines with `lines`.
mod analyzer;
pub mod batch;
pub mod corpus;
mod error;
pub mod eval;
pub mod features;
pub mod html;
pub mod input;
pub mod language;
pub mod lexicon;
mod lines;
pub mod model;
pub mod normalize;
pub mod output;
pub mod report;
pub mod stance;
pub mod task;
pub mod tokenize;

pub use analyzer::{Analyzer, AnalyzerBuilder, Article, DEFAULT_MAX_ARTICLE_BYTES, DEFAULT_STANCE};
pub use error::{Error, Result};
pub use features::{CategoryFigure, FeatureSpec, StyleFigures};
pub use language::Language;
pub use lexicon::{Category, Entry, Lexicon, Polarity};
pub use report::{
    ArticleReport, Evasion, LanguageReport, LanguageSource, Marker, StyleKind, StyleMarker,
};
pub use stance::{Mention, Stance, StanceLabel, StanceModel, Target, Targets, Voice};
