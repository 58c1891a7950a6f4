//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong in `partipris`, with what went wrong and where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A lexicon file is malformed: unparsable TOML, an unknown format version, a bad entry.
    #[error("lexicon {file}{}{}: {reason}", line.map(|l| format!(", line {l}")).unwrap_or_default(), entry.as_ref().map(|e| format!(", entry {e:?}")).unwrap_or_default())]
    Lexicon {
        /// The file (or embedded resource) name.
        file: String,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// The entry's phrase, when the problem is in one entry.
        entry: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// An article's text is empty or whitespace only.
    #[error("article {id:?}: text is empty")]
    EmptyText {
        /// The article id.
        id: String,
    },
    /// An article is larger than the analyzer's configured limit.
    #[error("article {id:?}: {bytes} bytes is over the limit of {limit} bytes")]
    ArticleTooLarge {
        /// The article id.
        id: String,
        /// The article's size in bytes.
        bytes: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A file's content is not valid UTF-8.
    #[error("{path}: not valid UTF-8 (first invalid byte at offset {offset})")]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A record of an input file is malformed: bad JSON, a missing or mistyped field, bad UTF-8.
    #[error("{file}, line {line}{}: {reason}", field.as_ref().map(|f| format!(", field {f:?}")).unwrap_or_default())]
    Input {
        /// The file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// The field at fault, when known.
        field: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// A model file is malformed, damaged, of an unknown format version, or was trained with
    /// other features or lexicons than the analyzer's.
    #[error("model {file}: {reason}")]
    Model {
        /// The file (or embedded resource) name.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A configuration value given to a builder is invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A stance data file (targets, evaluative vocabulary) is malformed: unparsable TOML, an
    /// unknown format version, a bad target or alias.
    #[error("stance data {file}{}{}: {reason}", line.map(|l| format!(", line {l}")).unwrap_or_default(), entry.as_ref().map(|e| format!(", entry {e:?}")).unwrap_or_default())]
    StanceData {
        /// The file (or embedded resource) name.
        file: String,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// The target id or alias at fault, when the problem is in one entry.
        entry: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// Analysing an article hit a bug (a panic), caught by batch scoring
    /// ([`crate::Analyzer::analyze_batch`], `partipris score`) so that the other articles are
    /// still scored. Please report it with the article.
    #[error("article {id:?}: internal error (a bug, please report it with the article): {reason}")]
    Internal {
        /// The article id.
        id: String,
        /// The panic's message.
        reason: String,
    },
}

/// Shorthand for `Result<T, partipris::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
