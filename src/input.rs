//! Articles to score, read from files: JSON Lines (plain or gzip), CSV or TSV with a header row
//! (plain or gzip), a directory of `.txt` files, one text file, or standard input (`-`).
//!
//! [`Inputs`] reads several sources one after the other, record by record, holding one record
//! at a time. Every record carries where it came from ([`Location`]: file and line). A record
//! that cannot be read is not dropped and does not stop the reading: it comes out as a
//! [`RecordError`] (its id when known, else `FILE:LINE`; its location; the field at fault; a
//! [`RecordErrorKind`] and a reason), in its place in the input order.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analyzer::{Article, DEFAULT_MAX_ARTICLE_BYTES};
use crate::corpus::Location;
use crate::error::Error;
use crate::language::Language;
use crate::lines::{decompressed, Line, Lines};

/// How a source is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// A directory of `.txt` files, one article each (id: the file name without `.txt`), read
    /// in file-name order.
    TextDir,
    /// One text file holding one article (id: the file name without its extension).
    Text,
}

impl InputFormat {
    /// The format of a path, told by what it is: a directory is [`InputFormat::TextDir`]; a
    /// name ending in `.jsonl`, `.ndjson` or `.json` is JSON Lines, `.csv` CSV, `.tsv` or
    /// `.tab` TSV, `.txt` a text file, each optionally followed by `.gz`; `-` (standard
    /// input) is JSON Lines. Anything else is `None`: the caller must say.
    pub fn detect(path: &Path) -> Option<InputFormat> {
        if path.as_os_str() == "-" {
            return Some(InputFormat::Jsonl);
        }
        if path.is_dir() {
            return Some(InputFormat::TextDir);
        }
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "jsonl" | "ndjson" | "json" => InputFormat::Jsonl,
            "csv" => InputFormat::Csv,
            "tsv" | "tab" => InputFormat::Tsv,
            "txt" => InputFormat::Text,
            _ => return None,
        })
    }
}

/// The names of the fields (JSON keys, CSV header names) that hold an article's parts. The
/// defaults are those of the shared datasets schema: `text`, `id`, `lang`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields {
    /// The article text (required).
    pub text: String,
    /// The article id; when a record has none, its id is `FILE:LINE`.
    pub id: String,
    /// The language (ISO 639-1 or 639-3 code); optional in each record.
    pub lang: String,
    /// The title. When set and present in a record, the text analysed is the title, a blank
    /// line, then the text (so report spans are offsets into that). Off by default.
    pub title: Option<String>,
    /// A label (for evaluation); off by default.
    pub label: Option<String>,
    /// A stance target, the label's subject (for evaluating stance); off by default. Like the
    /// label, a CSV or TSV header must have its column.
    #[serde(default)]
    pub target: Option<String>,
}

impl Default for Fields {
    fn default() -> Fields {
        Fields {
            text: "text".to_string(),
            id: "id".to_string(),
            lang: "lang".to_string(),
            title: None,
            label: None,
            target: None,
        }
    }
}

/// What went wrong with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// The source could not be opened or read (a missing file, a damaged gzip stream).
    Read,
    /// The record is not valid UTF-8.
    InvalidUtf8,
    /// The line is not valid JSON, or a CSV row is malformed.
    Malformed,
    /// The JSON line is valid but not an object.
    NotAnObject,
    /// The text field is missing.
    MissingField,
    /// A field has the wrong type (text not a string, for instance).
    WrongType,
    /// A field's value is not acceptable (a language code that is not one).
    InvalidValue,
    /// A CSV or TSV row has fewer columns than the header needs.
    TooFewColumns,
    /// The text is empty or whitespace only.
    EmptyText,
    /// The text is over the size limit.
    TooLarge,
    /// Reading succeeded, analysis failed for another reason.
    Analysis,
}

/// A record that could not be read or scored, where it came from, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordError {
    /// The record's id when it could be read, else `FILE:LINE`.
    pub id: String,
    /// The source file (`-` for standard input).
    pub file: String,
    /// 1-based line of the record in its file (for a CSV record spanning several lines, its
    /// first line; 0 when the file itself could not be opened).
    pub line: usize,
    /// The field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What went wrong.
    pub kind: RecordErrorKind,
    /// What went wrong, in words.
    pub reason: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, line {}", self.file, self.line)?;
        if self.id != format!("{}:{}", self.file, self.line) {
            write!(f, ", id {:?}", self.id)?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field {field:?}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl RecordError {
    /// The error of a record whose analysis failed ([`Error::EmptyText`],
    /// [`Error::ArticleTooLarge`], ...).
    pub fn from_analysis(record: &InputRecord, error: &Error) -> RecordError {
        let (kind, field) = match error {
            Error::EmptyText { .. } => (RecordErrorKind::EmptyText, Some(record.text_field())),
            Error::ArticleTooLarge { .. } => (RecordErrorKind::TooLarge, Some(record.text_field())),
            _ => (RecordErrorKind::Analysis, None),
        };
        RecordError {
            id: record.id.clone(),
            file: record.location.file.display().to_string(),
            line: record.location.line,
            field,
            kind,
            reason: error.to_string(),
        }
    }

    /// The error as an [`Error::Input`].
    pub fn to_error(&self) -> Error {
        Error::Input {
            file: self.file.clone(),
            line: self.line,
            field: self.field.clone(),
            reason: self.reason.clone(),
        }
    }
}

/// An article read from an input, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRecord {
    /// File and line.
    pub location: Location,
    /// The id (from the id field, the file name, or `FILE:LINE`).
    pub id: String,
    /// The text to analyse (with the title in front when a title field is set).
    pub text: String,
    /// The language the record gives.
    pub lang: Option<Language>,
    /// The label the record gives, when a label field is set.
    pub label: Option<String>,
    /// The stance target the record gives, when a target field is set.
    pub target: Option<String>,
    text_field: Option<String>,
}

impl InputRecord {
    /// The article to analyse (borrowing this record).
    pub fn article(&self) -> Article<'_> {
        let article = Article::new(self.id.as_str(), self.text.as_str());
        match self.lang {
            Some(l) => article.with_language(l),
            None => article,
        }
    }

    fn text_field(&self) -> String {
        self.text_field
            .clone()
            .unwrap_or_else(|| "text".to_string())
    }
}

/// Options of [`Inputs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputOptions {
    /// Field names.
    pub fields: Fields,
    /// The format of every source; `None` tells each by its name ([`InputFormat::detect`]).
    pub format: Option<InputFormat>,
    /// Texts larger than this many bytes become [`RecordErrorKind::TooLarge`] errors, read
    /// without holding them whole where the format allows (JSON lines, text files).
    pub max_bytes: usize,
    /// When set, counts the bytes read from the sources (before decompression), for progress.
    pub read_counter: Option<ReadCounter>,
}

impl Default for InputOptions {
    fn default() -> InputOptions {
        InputOptions {
            fields: Fields::default(),
            format: None,
            max_bytes: DEFAULT_MAX_ARTICLE_BYTES,
            read_counter: None,
        }
    }
}

/// A shared count of the bytes read from the sources, before decompression: compare it with
/// the sources' sizes to tell progress.
#[derive(Debug, Clone, Default)]
pub struct ReadCounter(Arc<AtomicU64>);

impl ReadCounter {
    /// The bytes read so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl PartialEq for ReadCounter {
    fn eq(&self, other: &ReadCounter) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for ReadCounter {}

/// A reader that adds what it reads to a [`ReadCounter`].
struct Counted<R> {
    inner: R,
    counter: ReadCounter,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// `reader`, counted when the options have a counter.
fn counted(reader: Box<dyn Read + Send>, options: &InputOptions) -> Box<dyn Read + Send> {
    match &options.read_counter {
        Some(c) => Box::new(Counted {
            inner: reader,
            counter: c.clone(),
        }),
        None => reader,
    }
}

/// One item read: an article, or the error that stands in its place.
pub type InputItem = Result<InputRecord, RecordError>;

/// Reads several sources, one after the other, one record at a time.
pub struct Inputs {
    pending: std::vec::IntoIter<PathBuf>,
    options: InputOptions,
    current: Option<Box<dyn Iterator<Item = InputItem> + Send>>,
}

impl std::fmt::Debug for Inputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs")
            .field("pending", &self.pending.as_slice())
            .field("options", &self.options)
            .finish()
    }
}

impl Inputs {
    /// Reads these sources (`-` is standard input) with these options. Nothing is opened
    /// before the first record is asked for; a source that cannot be opened, or whose format
    /// cannot be told, comes out as one [`RecordErrorKind::Read`] error.
    pub fn new(paths: impl IntoIterator<Item = PathBuf>, options: InputOptions) -> Inputs {
        Inputs {
            pending: paths.into_iter().collect::<Vec<_>>().into_iter(),
            options,
            current: None,
        }
    }

    /// Reads one source that is already open (such as a byte buffer); `name` names it in
    /// locations and errors. Gzip is recognized by its first bytes. `format` cannot be
    /// [`InputFormat::TextDir`].
    pub fn from_reader(
        name: &str,
        reader: Box<dyn Read + Send>,
        format: InputFormat,
        options: &InputOptions,
    ) -> Box<dyn Iterator<Item = InputItem> + Send> {
        let file = PathBuf::from(name);
        let reader = match decompressed(BufReader::new(counted(reader, options))) {
            Ok(r) => r,
            Err(e) => return Box::new(std::iter::once(Err(open_error(&file, &e)))),
        };
        source(file, reader, format, options)
    }

    fn open(&self, path: PathBuf) -> Box<dyn Iterator<Item = InputItem> + Send> {
        let format = match self.options.format {
            Some(InputFormat::TextDir) | None if path.is_dir() => InputFormat::TextDir,
            Some(InputFormat::TextDir) => {
                let reason = "not a directory".to_string();
                return Box::new(std::iter::once(Err(file_error(&path, reason))));
            }
            Some(f) => f,
            None => match InputFormat::detect(&path) {
                Some(f) => f,
                None => {
                    let reason = "cannot tell the input format from the file name (give it \
                                  with --input-format)"
                        .to_string();
                    return Box::new(std::iter::once(Err(file_error(&path, reason))));
                }
            },
        };
        if format == InputFormat::TextDir {
            return Box::new(TextDir::new(path, self.options.clone()));
        }
        match crate::lines::open(&path, |r| counted(r, &self.options)) {
            Ok(r) => source(path, r, format, &self.options),
            Err(e) => Box::new(std::iter::once(Err(open_error(&path, &e)))),
        }
    }
}

impl Iterator for Inputs {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        loop {
            if let Some(item) = self.current.as_mut().and_then(Iterator::next) {
                return Some(item);
            }
            let path = self.pending.next()?;
            self.current = Some(self.open(path));
        }
    }
}

fn source(
    file: PathBuf,
    reader: Box<dyn BufRead + Send>,
    format: InputFormat,
    options: &InputOptions,
) -> Box<dyn Iterator<Item = InputItem> + Send> {
    match format {
        InputFormat::Jsonl => Box::new(JsonLines::new(file, reader, options.clone())),
        InputFormat::Csv => Box::new(Delimited::new(file, reader, b',', options.clone())),
        InputFormat::Tsv => Box::new(Delimited::new(file, reader, b'\t', options.clone())),
        InputFormat::Text | InputFormat::TextDir => {
            let id = match file.file_stem() {
                Some(s) if file.as_os_str() != "-" => s.to_string_lossy().into_owned(),
                _ => "stdin".to_string(),
            };
            Box::new(std::iter::once(read_text(
                &file,
                id,
                reader,
                options.max_bytes,
            )))
        }
    }
}

fn file_name(file: &Path) -> String {
    file.display().to_string()
}

fn file_error(file: &Path, reason: String) -> RecordError {
    RecordError {
        id: format!("{}:0", file_name(file)),
        file: file_name(file),
        line: 0,
        field: None,
        kind: RecordErrorKind::Read,
        reason,
    }
}

fn open_error(file: &Path, e: &std::io::Error) -> RecordError {
    file_error(file, format!("cannot read: {e}"))
}

/// A record's optional fields as read (raw values), for [`Maker::record`].
struct Parts {
    lang: Option<String>,
    title: Option<String>,
    label: Option<String>,
    target: Option<String>,
}

/// Builds records and errors of one source.
struct Maker {
    file: PathBuf,
    name: String,
    options: InputOptions,
}

impl Maker {
    fn error(
        &self,
        line: usize,
        id: Option<String>,
        field: Option<&str>,
        kind: RecordErrorKind,
        reason: String,
    ) -> RecordError {
        RecordError {
            id: id.unwrap_or_else(|| format!("{}:{line}", self.name)),
            file: self.name.clone(),
            line,
            field: field.map(str::to_string),
            kind,
            reason,
        }
    }

    /// A record from its parts (raw field values), checked.
    fn record(&self, line: usize, id: Option<String>, text: String, parts: Parts) -> InputItem {
        let Parts {
            lang,
            title,
            label,
            target,
        } = parts;
        let fields = &self.options.fields;
        let id = id.filter(|s| !s.is_empty());
        let lang = match lang.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(code) => match Language::new(code) {
                Ok(l) => Some(l),
                Err(e) => {
                    return Err(self.error(
                        line,
                        id,
                        Some(&fields.lang),
                        RecordErrorKind::InvalidValue,
                        e.to_string(),
                    ))
                }
            },
        };
        let text = match title.filter(|t| !t.trim().is_empty()) {
            Some(t) => format!("{t}\n\n{text}"),
            None => text,
        };
        if let Some((kind, reason)) = unusable_text(&text, self.options.max_bytes) {
            return Err(self.error(line, id, Some(&fields.text), kind, reason));
        }
        Ok(InputRecord {
            location: Location {
                file: self.file.clone(),
                line,
            },
            id: id.unwrap_or_else(|| format!("{}:{line}", self.name)),
            text,
            lang,
            label: label.filter(|l| !l.is_empty()),
            target: target.filter(|t| !t.is_empty()),
            text_field: Some(fields.text.clone()),
        })
    }
}

/// Why a record's text cannot be scored, as its error record says it: over `max_bytes`
/// ([`RecordErrorKind::TooLarge`]) or empty ([`RecordErrorKind::EmptyText`]). `partipris
/// eval` applies the same rule to the records it reads in the datasets schema.
pub fn unusable_text(text: &str, max_bytes: usize) -> Option<(RecordErrorKind, String)> {
    if text.len() > max_bytes {
        let reason = format!(
            "{} bytes is over the limit of {max_bytes} bytes",
            text.len()
        );
        Some((RecordErrorKind::TooLarge, reason))
    } else if text.trim().is_empty() {
        Some((RecordErrorKind::EmptyText, "text is empty".to_string()))
    } else {
        None
    }
}

/// JSON Lines: one object per line; blank lines are skipped. A line longer than the size
/// limit allows (with room for JSON escapes) is skipped to its end without being held.
struct JsonLines {
    maker: Maker,
    lines: Lines,
}

impl JsonLines {
    fn new(file: PathBuf, reader: Box<dyn BufRead + Send>, options: InputOptions) -> JsonLines {
        JsonLines {
            lines: Lines::new(reader, line_limit(options.max_bytes)),
            maker: Maker {
                name: file_name(&file),
                file,
                options,
            },
        }
    }
}

/// The longest line read: room for a text at the size limit `max_bytes` written with escapes
/// only (`\u0001` is 6 bytes for 1 of UTF-8), and 1 MiB for the other fields. The text's own
/// size is checked once it is decoded.
fn line_limit(max_bytes: usize) -> usize {
    max_bytes.saturating_mul(6).saturating_add(1 << 20)
}

impl Maker {
    /// A record from the text of its JSON line `line`.
    fn parse(&self, line: usize, text: &str) -> InputItem {
        let m = self;
        let fields = &m.options.fields;
        let value: Value = serde_json::from_str(text).map_err(|e| {
            m.error(
                line,
                None,
                None,
                RecordErrorKind::Malformed,
                format!("not valid JSON: {e}"),
            )
        })?;
        let Value::Object(mut object) = value else {
            return Err(m.error(
                line,
                None,
                None,
                RecordErrorKind::NotAnObject,
                format!("a JSON {}, not an object", json_kind(&value)),
            ));
        };
        let id = match object.get(&fields.id) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => match crate::corpus::numeric_id(n) {
                Ok(id) => Some(id),
                Err(reason) => {
                    return Err(m.error(
                        line,
                        None,
                        Some(&fields.id),
                        RecordErrorKind::InvalidValue,
                        reason,
                    ))
                }
            },
            None | Some(Value::Null) => None,
            Some(other) => {
                return Err(m.error(
                    line,
                    None,
                    Some(&fields.id),
                    RecordErrorKind::WrongType,
                    format!("a JSON {}, not a string or an integer", json_kind(other)),
                ))
            }
        };
        let text = match object.remove(&fields.text) {
            Some(Value::String(s)) => s,
            None | Some(Value::Null) => {
                return Err(m.error(
                    line,
                    id,
                    Some(&fields.text),
                    RecordErrorKind::MissingField,
                    "no text field".to_string(),
                ))
            }
            Some(other) => {
                return Err(m.error(
                    line,
                    id,
                    Some(&fields.text),
                    RecordErrorKind::WrongType,
                    format!("a JSON {}, not a string", json_kind(&other)),
                ))
            }
        };
        let mut optional = |name: Option<&String>| -> Result<Option<String>, RecordError> {
            let Some(name) = name else { return Ok(None) };
            match object.remove(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(Value::Number(n)) => Ok(Some(n.to_string())),
                Some(Value::Bool(b)) => Ok(Some(b.to_string())),
                Some(other) => Err(m.error(
                    line,
                    id.clone(),
                    Some(name),
                    RecordErrorKind::WrongType,
                    format!("a JSON {}, not a string", json_kind(&other)),
                )),
            }
        };
        let parts = Parts {
            lang: optional(Some(&fields.lang))?,
            title: optional(fields.title.as_ref())?,
            label: optional(fields.label.as_ref())?,
            target: optional(fields.target.as_ref())?,
        };
        m.record(line, id, text, parts)
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl Iterator for JsonLines {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        let (line, read) = self.lines.next_line()?;
        let m = &self.maker;
        let error = |id, kind, reason| m.error(line, id, None, kind, reason);
        Some(match read {
            Line::Text(text) => m.parse(line, text),
            Line::Unreadable(reason) => Err(error(None, RecordErrorKind::Read, reason)),
            Line::InvalidUtf8(reason) => Err(error(None, RecordErrorKind::InvalidUtf8, reason)),
            Line::TooLong(head) => {
                let id = id_prefix(head, &m.options.fields.id);
                let reason = format!(
                    "line longer than {} bytes (six times the text limit of {} bytes, and 1 MiB \
                     for other fields): not read",
                    line_limit(m.options.max_bytes),
                    m.options.max_bytes
                );
                Err(error(id, RecordErrorKind::TooLarge, reason))
            }
        })
    }
}

/// The id of a JSON object whose start is `head`, when it stands near the start (best effort,
/// for naming a line too long to parse).
fn id_prefix(head: &[u8], field: &str) -> Option<String> {
    let head = String::from_utf8_lossy(head);
    let key = format!("\"{field}\"");
    let at = head.find(&key)? + key.len();
    let rest = head[at..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].to_string())
}

/// CSV or TSV with a header row; columns are found by header name. CSV cells may be quoted
/// (RFC 4180); TSV cells are read as they stand, one row per line (a quote is a character
/// like any other), as the TSV format defines them.
struct Delimited {
    maker: Maker,
    reader: csv::Reader<Tap>,
    columns: Option<Columns>,
    record: csv::ByteRecord,
    delimiter: u8,
    done: bool,
    /// The byte offset of the tap's first byte: the end of the last record read.
    base: u64,
    /// The line of the byte at `base` (1-based).
    base_line: usize,
}

/// Keeps the bytes the CSV reader reads until its records are located in them: the reader
/// tells where a record's reading started, before the blank lines it skips, and counts line
/// feeds only, so a record's first line is counted here, in its raw bytes.
struct Tap {
    inner: Box<dyn BufRead + Send>,
    bytes: Vec<u8>,
}

impl Read for Tap {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl Tap {
    /// The line breaks in the first `end` bytes: `\n`, `\r\n` (counted at its `\n`) and a
    /// lone `\r` (old Mac files).
    fn breaks(&mut self, end: usize) -> usize {
        let b = &self.bytes[..end];
        let feeds = memchr::memchr_iter(b'\n', b).count();
        let returns = memchr::memchr_iter(b'\r', b)
            .filter(|&i| i + 1 < end && b[i + 1] != b'\n')
            .count();
        let last = b.last() == Some(&b'\r') && self.peek(end) != Some(b'\n');
        feeds + returns + usize::from(last)
    }

    /// The byte at `at`, read ahead from the source when the reader has not read it yet.
    fn peek(&mut self, at: usize) -> Option<u8> {
        match self.bytes.get(at) {
            Some(&c) => Some(c),
            None => self.inner.fill_buf().ok()?.first().copied(),
        }
    }
}

/// Whether cells may be quoted: in CSV, not in TSV (whose cells are read as they stand).
fn quoted(delimiter: u8) -> bool {
    delimiter != b'\t'
}

/// Whether a record's raw bytes leave a quoted cell open: then the CSV reader, which takes the
/// end of the input as the end of the cell, has read the rest of the file into it.
fn quote_left_open(raw: &[u8], delimiter: u8) -> bool {
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let (mut out, mut ends) = ([0u8; 4096], [0usize; 64]);
    let mut input = raw;
    let mut ended = false;
    loop {
        let (result, read, _, _) = core.read_record(input, &mut out, &mut ends);
        input = &input[read..];
        match result {
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
            }
            csv_core::ReadRecordResult::InputEmpty if !ended => {
                // A line end where the record was closed ends it; inside a quote it does not.
                input = b"\n";
                ended = true;
            }
            csv_core::ReadRecordResult::InputEmpty => return true,
            csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => return false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    text: usize,
    id: Option<usize>,
    lang: Option<usize>,
    title: Option<usize>,
    label: Option<usize>,
    target: Option<usize>,
}

impl Delimited {
    fn new(
        file: PathBuf,
        reader: Box<dyn BufRead + Send>,
        delimiter: u8,
        options: InputOptions,
    ) -> Delimited {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .quoting(quoted(delimiter))
            .flexible(true)
            .has_headers(false)
            .from_reader(Tap {
                inner: reader,
                bytes: Vec::new(),
            });
        Delimited {
            maker: Maker {
                name: file_name(&file),
                file,
                options,
            },
            reader,
            columns: None,
            record: csv::ByteRecord::new(),
            delimiter,
            done: false,
            base: 0,
            base_line: 1,
        }
    }

    /// After a record is read: its first line, past the blank lines before it; a `malformed`
    /// error there when a quote it opened is never closed. Forgets the record's bytes.
    fn locate(&mut self) -> Result<usize, RecordError> {
        let end = self.reader.position().byte();
        let tap = self.reader.get_mut();
        let len = usize::try_from(end.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .min(tap.bytes.len());
        let lead = tap.bytes[..len]
            .iter()
            .take_while(|&&c| c == b'\r' || c == b'\n')
            .count();
        let line = self.base_line + tap.breaks(lead);
        // Only a record that ran to the end of the input can have an open quote.
        let at_end = len == tap.bytes.len() && tap.peek(len).is_none();
        let open = quoted(self.delimiter)
            && at_end
            && quote_left_open(&tap.bytes[lead..len], self.delimiter);
        // A `\r` last is kept when the byte after it is not known yet (it may start `\r\n`).
        let keep = usize::from(len == tap.bytes.len() && tap.bytes[..len].ends_with(b"\r"));
        let drained = len - keep;
        self.base_line += tap.breaks(drained);
        tap.bytes.drain(..drained);
        self.base += drained as u64;
        if open {
            let reason = "a quote opened in this row is never closed, so the row runs to the end \
                          of the file";
            return Err(self.maker.error(
                line,
                None,
                None,
                RecordErrorKind::Malformed,
                reason.to_string(),
            ));
        }
        Ok(line)
    }

    /// Reads the header; an error ends the source.
    fn header(&mut self) -> Result<Columns, RecordError> {
        let fields = self.maker.options.fields.clone();
        let fail = |me: &Self, line, field: Option<&str>, reason: String| {
            me.maker
                .error(line, None, field, RecordErrorKind::Malformed, reason)
        };
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return Err(fail(self, 1, None, "no header row".to_string())),
            Err(e) => return Err(fail(self, 1, None, format!("header: {e}"))),
        }
        let names: Vec<String> = self
            .record
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let line = self.locate()?;
        let text = find(&fields.text).ok_or_else(|| {
            self.maker.error(
                line,
                None,
                Some(&fields.text),
                RecordErrorKind::MissingField,
                format!(
                    "the header has no {:?} column (it has: {})",
                    fields.text,
                    names.join(", ")
                ),
            )
        })?;
        let required = |name: &Option<String>| match name {
            None => Ok(None),
            Some(name) => find(name).map(Some).ok_or_else(|| {
                self.maker.error(
                    line,
                    None,
                    Some(name),
                    RecordErrorKind::MissingField,
                    format!(
                        "the header has no {name:?} column (it has: {})",
                        names.join(", ")
                    ),
                )
            }),
        };
        Ok(Columns {
            text,
            id: find(&fields.id),
            lang: find(&fields.lang),
            title: fields.title.as_deref().and_then(find),
            label: required(&fields.label)?,
            target: required(&fields.target)?,
        })
    }

    fn row(&self, cols: Columns, line: usize) -> InputItem {
        let m = &self.maker;
        let fields = &m.options.fields;
        let r = &self.record;
        let cell = |i: Option<usize>, name: &str| -> Result<Option<String>, RecordError> {
            let Some(i) = i else { return Ok(None) };
            match r.get(i) {
                None => Ok(None),
                Some(bytes) => std::str::from_utf8(bytes)
                    .map(|s| Some(s.to_string()))
                    .map_err(|e| {
                        m.error(
                            line,
                            None,
                            Some(name),
                            RecordErrorKind::InvalidUtf8,
                            format!(
                                "not valid UTF-8 (first invalid byte at byte {} of the field)",
                                e.valid_up_to() + 1
                            ),
                        )
                    }),
            }
        };
        let id = cell(cols.id, &fields.id)?;
        let needed = [
            Some(cols.text),
            cols.id,
            cols.lang,
            cols.title,
            cols.label,
            cols.target,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
            + 1;
        if r.len() < needed {
            return Err(m.error(
                line,
                id.filter(|s| !s.is_empty()),
                None,
                RecordErrorKind::TooFewColumns,
                format!("{} columns, the header needs {needed}", r.len()),
            ));
        }
        let with_id = |e: RecordError| RecordError {
            id: id.clone().filter(|s| !s.is_empty()).unwrap_or(e.id.clone()),
            ..e
        };
        let text = cell(Some(cols.text), &fields.text)
            .map_err(with_id)?
            .unwrap_or_default();
        // A field that is not named is not read.
        let named = |i: Option<usize>, name: &Option<String>| match name {
            Some(name) => cell(i, name).map_err(with_id),
            None => Ok(None),
        };
        let parts = Parts {
            lang: cell(cols.lang, &fields.lang).map_err(with_id)?,
            title: named(cols.title, &fields.title)?,
            label: named(cols.label, &fields.label)?,
            target: named(cols.target, &fields.target)?,
        };
        m.record(line, id, text, parts)
    }
}

impl Iterator for Delimited {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        if self.done {
            return None;
        }
        let cols = match self.columns {
            Some(c) => c,
            None => match self.header() {
                Ok(c) => {
                    self.columns = Some(c);
                    c
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            },
        };
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => Some(self.locate().and_then(|line| self.row(cols, line))),
            Err(e) => {
                let kind = if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    self.done = true;
                    RecordErrorKind::Read
                } else {
                    RecordErrorKind::Malformed
                };
                Some(Err(self.maker.error(
                    self.base_line,
                    None,
                    None,
                    kind,
                    e.to_string(),
                )))
            }
        }
    }
}

/// Reads a whole text file (or stream) as one article, refusing it unread past the limit.
fn read_text(
    file: &Path,
    id: String,
    reader: Box<dyn BufRead + Send>,
    max_bytes: usize,
) -> InputItem {
    let name = file_name(file);
    let error = |kind, field: Option<&str>, reason| RecordError {
        id: id.clone(),
        file: name.clone(),
        line: 1,
        field: field.map(str::to_string),
        kind,
        reason,
    };
    let mut bytes = Vec::new();
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    if let Err(e) = reader.take(limit).read_to_end(&mut bytes) {
        return Err(error(
            RecordErrorKind::Read,
            None,
            format!("read error: {e}"),
        ));
    }
    if bytes.len() > max_bytes {
        return Err(error(
            RecordErrorKind::TooLarge,
            None,
            format!("over the limit of {max_bytes} bytes"),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        error(
            RecordErrorKind::InvalidUtf8,
            None,
            format!(
                "not valid UTF-8 (first invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Err(error(
            RecordErrorKind::EmptyText,
            None,
            "text is empty".to_string(),
        ));
    }
    Ok(InputRecord {
        location: Location {
            file: file.to_path_buf(),
            line: 1,
        },
        id,
        text,
        lang: None,
        label: None,
        target: None,
        text_field: None,
    })
}

/// Whether a directory input reads this file as an article: its name ends in `.txt` (in any
/// case).
pub fn is_text_article(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("txt"))
}

/// A directory of `.txt` files, in file-name order.
struct TextDir {
    dir: PathBuf,
    files: Option<std::vec::IntoIter<PathBuf>>,
    options: InputOptions,
}

impl TextDir {
    fn new(dir: PathBuf, options: InputOptions) -> TextDir {
        TextDir {
            dir,
            files: None,
            options,
        }
    }
}

impl Iterator for TextDir {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        if self.files.is_none() {
            let listed = std::fs::read_dir(&self.dir).and_then(|entries| {
                let mut files = Vec::new();
                for e in entries {
                    let e = e?;
                    let path = e.path();
                    // Not `path.is_file()`: a link that leads nowhere is an error record.
                    if is_text_article(&path) && !e.file_type()?.is_dir() {
                        files.push(path);
                    }
                }
                files.sort();
                Ok(files)
            });
            match listed {
                Ok(files) => self.files = Some(files.into_iter()),
                Err(e) => {
                    self.files = Some(Vec::new().into_iter());
                    return Some(Err(open_error(&self.dir, &e)));
                }
            }
        }
        let path = self.files.as_mut()?.next()?;
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let opened = crate::lines::open(&path, |r| counted(r, &self.options));
        Some(match opened {
            Ok(reader) => read_text(&path, id, reader, self.options.max_bytes),
            Err(e) => Err(RecordError {
                id,
                ..open_error(&path, &e)
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_oversized_texts_are_unusable() {
        for (text, max, unusable) in [
            ("Un texte.", 100, None),
            (" \n\t", 100, Some(RecordErrorKind::EmptyText)),
            ("", 100, Some(RecordErrorKind::EmptyText)),
            ("Un texte.", 9, None),
            ("Un texte.", 8, Some(RecordErrorKind::TooLarge)),
        ] {
            assert_eq!(
                unusable_text(text, max).map(|(k, _)| k),
                unusable,
                "{text:?} {max}"
            );
        }
    }

    fn read(format: InputFormat, bytes: &[u8], options: &InputOptions) -> Vec<InputItem> {
        Inputs::from_reader(
            "in",
            Box::new(std::io::Cursor::new(bytes.to_vec())),
            format,
            options,
        )
        .collect()
    }

    fn kind(item: &InputItem) -> Option<RecordErrorKind> {
        item.as_ref().err().map(|e| e.kind)
    }

    #[test]
    fn jsonl_records_and_every_kind_of_bad_line() {
        let mut input = concat!(
            "{\"id\":\"a\",\"text\":\"Bonjour\",\"lang\":\"fr\"}\n",
            "\n",
            "{\"id\":\"b\"}\n",
            "not json\n",
            "[1,2]\n",
            "{\"id\":7,\"text\":\"   \"}\n",
            "{\"id\":\"c\",\"text\":3}\n",
            "{\"id\":\"d\",\"text\":\"x\",\"lang\":\"f1\"}\n",
            "{\"text\":\"no id\"}\n",
        )
        .as_bytes()
        .to_vec();
        input.extend(b"{\"id\":\"e\",\"text\":\"\xff\"}\n");
        input.extend(b"{\"id\":\"f\",\"text\":\"0123456789abc\"}");
        let options = InputOptions {
            max_bytes: 12,
            ..InputOptions::default()
        };
        let got = read(InputFormat::Jsonl, &input, &options);
        assert_eq!(got.len(), 10);
        let a = got[0].as_ref().map_err(|e| e.to_string());
        assert_eq!(
            a.map(|r| (r.id.as_str(), r.location.line, r.lang)),
            Ok(("a", 1, Some(Language::FRENCH)))
        );
        let kinds: Vec<_> = got.iter().map(kind).collect();
        use RecordErrorKind::*;
        assert_eq!(
            kinds,
            [
                None,
                Some(MissingField),
                Some(Malformed),
                Some(NotAnObject),
                Some(EmptyText),
                Some(WrongType),
                Some(InvalidValue),
                None,
                Some(InvalidUtf8),
                Some(TooLarge),
            ]
        );
        let lines: Vec<usize> = got
            .iter()
            .map(|i| match i {
                Ok(r) => r.location.line,
                Err(e) => e.line,
            })
            .collect();
        assert_eq!(lines, [1, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        let b = got[1].as_ref().err();
        assert_eq!(
            b.map(|e| (e.id.as_str(), e.field.as_deref())),
            Some(("b", Some("text")))
        );
        assert_eq!(got[3].as_ref().err().map(|e| e.id.as_str()), Some("in:5"));
        assert_eq!(got[4].as_ref().err().map(|e| e.id.as_str()), Some("7"));
        assert_eq!(got[7].as_ref().map(|r| r.id.as_str()).ok(), Some("in:9"));
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_unheld() {
        let options = InputOptions {
            max_bytes: 10,
            ..InputOptions::default()
        };
        let long = format!(
            "{{\"id\":\"big\",\"text\":\"{}\"}}\n{{\"id\":\"ok\",\"text\":\"fine\"}}\n",
            "x".repeat(3 << 20)
        );
        let got = read(InputFormat::Jsonl, long.as_bytes(), &options);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0]
                .as_ref()
                .err()
                .map(|e| (e.kind, e.id.as_str(), e.line)),
            Some((RecordErrorKind::TooLarge, "big", 1))
        );
        assert_eq!(got[1].as_ref().map(|r| r.location.line).ok(), Some(2));
    }

    #[test]
    fn custom_fields_title_label_and_gzip() {
        use std::io::Write;
        let options = InputOptions {
            fields: Fields {
                text: "body".into(),
                id: "key".into(),
                lang: "language".into(),
                title: Some("headline".into()),
                label: Some("verdict".into()),
                target: Some("about".into()),
            },
            ..InputOptions::default()
        };
        let plain = b"{\"key\":\"k\",\"body\":\"Corps.\",\"headline\":\"Titre\",\"verdict\":\"fake\",\"about\":\"EU\",\"language\":\"fr\"}\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = gz.write_all(plain);
        let gz = gz.finish().unwrap_or_default();
        for bytes in [plain.to_vec(), gz] {
            let got = read(InputFormat::Jsonl, &bytes, &options);
            let r = got[0].as_ref().map_err(|e| e.to_string());
            assert_eq!(
                r.map(|r| (
                    r.id.as_str(),
                    r.text.as_str(),
                    r.label.as_deref(),
                    r.target.as_deref()
                )),
                Ok(("k", "Titre\n\nCorps.", Some("fake"), Some("EU")))
            );
        }
    }

    #[test]
    fn csv_rows_ended_by_lone_carriage_returns_get_distinct_lines_and_ids() {
        // Found by the `csv` fuzz target: the CSV reader counts line feeds only.
        let got = read(
            InputFormat::Csv,
            b"text\rUn\rDeux\r\"non ferm\xc3\xa9\n",
            &InputOptions::default(),
        );
        let ids: Vec<String> = got
            .iter()
            .map(|i| match i {
                Ok(r) => format!("{}@{}", r.id, r.location.line),
                Err(e) => format!("{}@{}", e.id, e.line),
            })
            .collect();
        assert_eq!(ids, ["in:2@2", "in:3@3", "in:4@4"]);
    }

    /// Each item as `id@line` or `Kind@line`.
    fn located(items: &[InputItem]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Ok(r) => format!("{}@{}", r.id, r.location.line),
                Err(e) => format!("{:?}@{}", e.kind, e.line),
            })
            .collect()
    }

    #[test]
    fn csv_and_tsv_rows_get_their_own_first_line_and_none_is_lost() {
        let table: &[(InputFormat, &str, &[&str])] = &[
            (
                InputFormat::Csv,
                "text,id\n\n\nA,a\n\nB,b\n",
                &["a@4", "b@6"],
            ),
            (InputFormat::Csv, "text\r\n\r\n\r\nA\r\n", &["in:4@4"]),
            (
                InputFormat::Csv,
                "text\n\"\"\nB\n",
                &["EmptyText@2", "in:3@3"],
            ),
            (
                InputFormat::Csv,
                "text,id\n\"\"\nB,b\n",
                &["TooFewColumns@2", "b@3"],
            ),
            (
                InputFormat::Csv,
                "text,id\r\n\"a\r\nb\",x\r\nC,y\r\nD,z\r\n",
                &["x@2", "y@4", "z@5"],
            ),
            (InputFormat::Csv, "text,id\n\"a\nb\",x", &["x@2"]),
            (InputFormat::Csv, "text,id\nab\"c,x", &["x@2"]),
            (InputFormat::Csv, "\u{feff}text,id\nA,a\n", &["a@2"]),
            (
                InputFormat::Csv,
                "text,id\nA,a\n\"open,b\nB,c\nC,d\n",
                &["a@2", "Malformed@3"],
            ),
            (InputFormat::Csv, "\"text,id\nA,a\n", &["Malformed@1"]),
            (
                InputFormat::Tsv,
                "text\tid\n\"Nous vaincrons, dit-il\tt1\nSuite\tt2\n",
                &["t1@2", "t2@3"],
            ),
            (InputFormat::Tsv, "text\tid\n\n\"\"\tq\n", &["q@3"]),
        ];
        for (format, input, expected) in table {
            let got = read(*format, input.as_bytes(), &InputOptions::default());
            assert_eq!(located(&got), *expected, "{format:?} {input:?}");
        }
        let quoted = read(
            InputFormat::Tsv,
            b"text\tid\n\"Nous vaincrons, dit-il\tt1\n",
            &InputOptions::default(),
        );
        assert_eq!(
            quoted[0].as_ref().map(|r| r.text.as_str()).ok(),
            Some("\"Nous vaincrons, dit-il")
        );
    }

    #[test]
    fn jsonl_byte_order_mark_escaped_texts_and_numeric_ids() {
        let got = read(
            InputFormat::Jsonl,
            "\u{feff}{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":12,\"text\":\"y\"}\n\
             {\"id\":123456789012345678901,\"text\":\"z\"}\n"
                .as_bytes(),
            &InputOptions::default(),
        );
        assert_eq!(located(&got), ["a@1", "12@2", "InvalidValue@3"]);
        let mistyped = read(
            InputFormat::Jsonl,
            b"{\"id\":[1],\"text\":\"x\"}\n{\"id\":true,\"text\":\"x\"}\n{\"id\":null,\"text\":\"x\"}\n",
            &InputOptions::default(),
        );
        assert_eq!(located(&mistyped), ["WrongType@1", "WrongType@2", "in:3@3"]);
        assert_eq!(
            got[2].as_ref().err().and_then(|e| e.field.as_deref()),
            Some("id")
        );
        // A text within the limit, written with escapes only, is not refused for its line.
        let options = InputOptions {
            max_bytes: 1 << 20,
            ..InputOptions::default()
        };
        let line = format!(
            "{{\"id\":\"e\",\"text\":\"{}\"}}\n",
            "\\u0041".repeat(1 << 20)
        );
        let got = read(InputFormat::Jsonl, line.as_bytes(), &options);
        assert_eq!(located(&got), ["e@1"]);
        assert_eq!(got[0].as_ref().map(|r| r.text.len()).ok(), Some(1 << 20));
    }

    #[test]
    fn csv_and_tsv_with_quoted_newlines_short_rows_and_bad_utf8() {
        let mut csv =
            b"id,text,lang,label\n1,\"Un texte,\nsur deux lignes\",fr,x\n2,court\n".to_vec();
        csv.extend(b"3,\"\xff\xfe\",fr,y\n4,\"Quatre\",,z\n");
        let options = InputOptions {
            fields: Fields {
                label: Some("label".into()),
                ..Fields::default()
            },
            ..InputOptions::default()
        };
        let got = read(InputFormat::Csv, &csv, &options);
        assert_eq!(got.len(), 4);
        let first = got[0].as_ref().map_err(|e| e.to_string());
        assert_eq!(
            first.map(|r| (r.id.as_str(), r.location.line, r.text.contains('\n'))),
            Ok(("1", 2, true))
        );
        assert_eq!(
            got[1]
                .as_ref()
                .err()
                .map(|e| (e.kind, e.line, e.id.as_str())),
            Some((RecordErrorKind::TooFewColumns, 4, "2"))
        );
        assert_eq!(
            got[2].as_ref().err().map(|e| (e.kind, e.field.as_deref())),
            Some((RecordErrorKind::InvalidUtf8, Some("text")))
        );
        let fourth = got[3].as_ref().map_err(|e| e.to_string());
        assert_eq!(
            fourth.map(|r| (r.lang, r.label.as_deref())),
            Ok((None, Some("z")))
        );
        let tsv = b"text\tid\nBonjour le monde\tt1\n";
        let got = read(InputFormat::Tsv, tsv, &InputOptions::default());
        assert_eq!(got[0].as_ref().map(|r| r.id.as_str()).ok(), Some("t1"));
        let missing = read(
            InputFormat::Csv,
            b"id,body\n1,x\n",
            &InputOptions::default(),
        );
        assert_eq!(
            missing.iter().map(kind).collect::<Vec<_>>(),
            [Some(RecordErrorKind::MissingField)]
        );
    }

    #[test]
    fn directories_files_and_missing_sources() {
        let dir = std::env::temp_dir().join(format!("partipris-input-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("{e}"))
        };
        write("b.txt", b"Deuxieme article.");
        write("a.txt", b"Premier article.");
        write("c.txt", b"\xff");
        write("notes.md", b"ignored");
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("d.txt"))
            .unwrap_or_else(|e| panic!("{e}"));
        let inputs = Inputs::new(
            [dir.clone(), dir.join("missing.jsonl"), dir.join("a.txt")],
            InputOptions::default(),
        );
        let got: Vec<InputItem> = inputs.collect();
        let ids: Vec<String> = got
            .iter()
            .map(|i| match i {
                Ok(r) => r.id.clone(),
                Err(e) => format!("{:?}:{}", e.kind, e.id),
            })
            .collect();
        assert_eq!(ids[..3], ["a", "b", "InvalidUtf8:c"]);
        // A link to nothing is an error record, not skipped.
        let rest = if cfg!(unix) {
            assert_eq!(ids[3], "Read:d");
            &ids[4..]
        } else {
            &ids[3..]
        };
        assert!(rest[0].starts_with("Read:"));
        assert_eq!(rest[1], "a");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn formats_are_told_by_name() {
        let f = |s: &str| InputFormat::detect(Path::new(s));
        assert_eq!(f("x.jsonl.gz"), Some(InputFormat::Jsonl));
        assert_eq!(f("x.CSV"), Some(InputFormat::Csv));
        assert_eq!(f("x.tsv.gz"), Some(InputFormat::Tsv));
        assert_eq!(f("x.txt"), Some(InputFormat::Text));
        assert_eq!(f("-"), Some(InputFormat::Jsonl));
        assert_eq!(f("x.bin"), None);
    }
}
