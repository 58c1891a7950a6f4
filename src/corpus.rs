//! Labelled corpora: JSON Lines files (plain or gzip) in the shared schema of
//! `../shared/datasets/README.md`, read record by record with errors that name the file and line.
//!
//! Offsets in the schema (`start`, `end`) are UTF-8 byte offsets into `text`, end exclusive.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lines::{Line, Lines};

/// One record of a corpus file. Fields a dataset does not have are `None` or empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Unique id. An integer is read as its text; a record without one (absent, `null` or
    /// empty) is given `FILE:LINE` by [`JsonlReader`], as [`crate::input`] does.
    #[serde(default, deserialize_with = "id_text")]
    pub id: String,
    /// The text (article, paragraph, sentence or post).
    pub text: String,
    /// The dataset's name.
    #[serde(default)]
    pub dataset: Option<String>,
    /// ISO 639-1 language code.
    #[serde(default)]
    pub lang: Option<String>,
    /// Title of the article.
    #[serde(default)]
    pub title: Option<String>,
    /// Article- or sentence-level label (satire/regular, left/center/right, biased/non-biased,
    /// favor/against/none...). A number or boolean in the file is read as its JSON text.
    #[serde(default, deserialize_with = "label_text")]
    pub label: Option<String>,
    /// Genre (opinion / reporting / satire), semeval2023 train articles only. Read as `label`.
    #[serde(default, deserialize_with = "label_text")]
    pub genre: Option<String>,
    /// `train`, `dev` or `valid` where the dataset has splits.
    #[serde(default)]
    pub split: Option<String>,
    /// Stance target (semeval2016).
    #[serde(default)]
    pub target: Option<String>,
    /// Outlet.
    #[serde(default)]
    pub source: Option<String>,
    /// Topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Domain (semeval2025: ukraine_war / climate).
    #[serde(default)]
    pub domain: Option<String>,
    /// Media frames (semeval2023).
    #[serde(default)]
    pub frames: Option<Vec<String>>,
    /// Paragraphs with their persuasion techniques (semeval2023).
    #[serde(default)]
    pub paragraphs: Vec<ParagraphLabels>,
    /// Technique spans (semeval2023 train split).
    #[serde(default)]
    pub spans: Vec<TechniqueSpan>,
    /// Entities with their roles (semeval2025).
    #[serde(default)]
    pub entities: Vec<EntityRole>,
    /// Narratives (semeval2025).
    #[serde(default)]
    pub narratives: Vec<String>,
    /// Where the record was read ([`JsonlReader`] sets it), so that an error about it (a
    /// label outside its task's) can name the file and line. Not part of the schema.
    #[serde(skip)]
    pub location: Option<Location>,
    /// Sub-narratives (semeval2025).
    #[serde(default)]
    pub subnarratives: Vec<String>,
    /// Words annotators marked as biased (babe).
    #[serde(default)]
    pub biased_words: Vec<String>,
    /// Machine translation into English (fignews).
    #[serde(default)]
    pub english_mt: Option<String>,
    /// Majority bias vote (fignews).
    #[serde(default)]
    pub bias_majority: Option<String>,
}

/// A label as a file may write it: a string, a number or a boolean (`1`, `true`).
#[derive(Deserialize)]
#[serde(untagged, expecting = "a label: a string, a number or a boolean")]
enum LabelText {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

/// Reads an optional label written as a string, a number or a boolean, as its text (the way
/// [`crate::input`] reads a label field).
fn label_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<LabelText>::deserialize(d)?.map(|l| match l {
        LabelText::Text(s) => s,
        LabelText::Number(n) => n.to_string(),
        LabelText::Bool(b) => b.to_string(),
    }))
}

/// An id as a file may write it: a string or an integer.
#[derive(Deserialize)]
#[serde(untagged, expecting = "an id: a string or an integer")]
enum IdText {
    Text(String),
    Number(serde_json::Number),
}

/// Reads an id written as a string or an integer ([`numeric_id`]), as its text; `null` is no
/// id (empty).
fn id_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Option::<IdText>::deserialize(d)? {
        None => Ok(String::new()),
        Some(IdText::Text(s)) => Ok(s),
        Some(IdText::Number(n)) => numeric_id(&n).map_err(serde::de::Error::custom),
    }
}

/// An id written as a JSON number, as its text: an integer of at most 64 bits, which reads as
/// written; any other number is refused with the reason (read as a float, past 64 bits digits
/// are lost). The rule of [`crate::input`] too.
pub(crate) fn numeric_id(n: &serde_json::Number) -> std::result::Result<String, String> {
    if n.is_f64() {
        Err(format!(
            "a numeric id that is not an integer of at most 64 bits does not come out as \
             written (it reads as {n}): write it as a string"
        ))
    } else {
        Ok(n.to_string())
    }
}

/// A paragraph of a semeval2023 article and its persuasion techniques.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParagraphLabels {
    /// 1-based line of the paragraph in the article.
    pub line: usize,
    /// Start byte offset in the record's text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Technique names (empty: none).
    #[serde(default)]
    pub techniques: Vec<String>,
}

/// A persuasion technique span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechniqueSpan {
    /// Technique name.
    pub technique: String,
    /// Start byte offset in the record's text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

/// An entity mention with its narrative role (semeval2025).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRole {
    /// The entity as written.
    pub entity: String,
    /// Start byte offset in the record's text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Protagonist, Antagonist or Innocent.
    pub role: String,
    /// Fine-grained roles.
    #[serde(default)]
    pub fine_roles: Vec<String>,
}

impl Record {
    /// The record's text between two byte offsets, or an error naming the record when the
    /// offsets are out of range or not on character boundaries.
    pub fn slice(&self, start: usize, end: usize) -> Result<&str> {
        self.text.get(start..end).ok_or_else(|| {
            self.error(
                None,
                format!(
                    "span {start}..{end} is not inside its text of {} bytes on char boundaries",
                    self.text.len()
                ),
            )
        })
    }

    /// An error about this record (its `field` when given): an [`Error::Input`] naming the
    /// file and line when the record knows where it was read, else an [`Error::Config`]; the
    /// reason is prefixed with the record's id either way.
    pub fn error(&self, field: Option<&str>, reason: String) -> Error {
        let reason = format!("record {:?}: {reason}", self.id);
        match &self.location {
            Some(at) => Error::Input {
                file: at.file.display().to_string(),
                line: at.line,
                field: field.map(str::to_string),
                reason,
            },
            None => Error::Config(reason),
        }
    }
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

/// Reads a JSON Lines corpus file (gzip-compressed or plain, told by its first bytes) record by
/// record. Every malformed line is an [`Error::Input`] naming the file, the line and, when
/// known, the field; reading goes on with the next line.
pub struct JsonlReader {
    file: PathBuf,
    lines: Lines,
}

impl std::fmt::Debug for JsonlReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonlReader")
            .field("file", &self.file)
            .field("line", &self.lines.line())
            .finish()
    }
}

impl JsonlReader {
    /// Opens a file; `-` reads standard input.
    pub fn open(path: impl AsRef<Path>) -> Result<JsonlReader> {
        let path = path.as_ref();
        let lines = crate::lines::open(path, |r| r).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(JsonlReader::new(path, lines))
    }

    /// Reads from any buffered source; `name` names it in errors.
    pub fn new(name: impl Into<PathBuf>, lines: Box<dyn BufRead + Send>) -> JsonlReader {
        JsonlReader {
            file: name.into(),
            lines: Lines::new(lines, usize::MAX),
        }
    }
}

/// An error about line `line` of `file`.
fn line_error(file: &Path, line: usize, field: Option<String>, reason: String) -> Error {
    Error::Input {
        file: file.display().to_string(),
        line,
        field,
        reason,
    }
}

/// A record from the text of a line of `file`.
fn parse(file: &Path, line: usize, text: &str) -> Result<(Location, Record)> {
    let error = |field, reason| line_error(file, line, field, reason);
    let location = Location {
        file: file.to_path_buf(),
        line,
    };
    if !text.starts_with('{') {
        let reason = "not a JSON object (a record is one object per line)".to_string();
        return Err(error(None, reason));
    }
    let mut json = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, Record>(&mut json) {
        Ok(record) => {
            // A record without an id is named by where it stands, as in `crate::input`.
            let id = if record.id.is_empty() {
                format!("{}:{line}", file.display())
            } else {
                record.id
            };
            Ok((
                location.clone(),
                Record {
                    id,
                    location: Some(location),
                    ..record
                },
            ))
        }
        Err(e) => {
            // The path of the field at fault (`paragraphs[0].start`), none for a line that is
            // not an object; the reason without serde_json's "at line 1 column N", which would
            // contradict the file's line.
            let path = e.path().to_string();
            let inner = e.inner();
            // A line that is not JSON is not about a field.
            let data = inner.classify() == serde_json::error::Category::Data;
            let mut field = (data && path != ".").then_some(path);
            let at = format!(" at line {} column {}", inner.line(), inner.column());
            let reason = inner.to_string();
            let reason = match reason.strip_suffix(&at) {
                Some(r) => format!("{r} (column {})", inner.column()),
                None => reason,
            };
            let missing = reason.strip_prefix("missing field `");
            if let Some(name) = missing.and_then(|r| r.split('`').next()) {
                field = Some(match field {
                    Some(parent) => format!("{parent}.{name}"),
                    None => name.to_string(),
                });
            }
            Err(error(field, reason))
        }
    }
}

impl Iterator for JsonlReader {
    type Item = Result<(Location, Record)>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, read) = self.lines.next_line()?;
        let file = self.file.as_path();
        Some(match read {
            Line::Text(text) => parse(file, line, text),
            Line::Unreadable(reason) | Line::InvalidUtf8(reason) => {
                Err(line_error(file, line, None, reason))
            }
            // Not with `usize::MAX` as the limit; said all the same.
            Line::TooLong(_) => Err(line_error(
                file,
                line,
                None,
                "line too long: not read".to_string(),
            )),
        })
    }
}

/// Reads all records of a file (`-`: standard input), failing on the first malformed one.
pub fn read_all(path: impl AsRef<Path>) -> Result<Vec<Record>> {
    JsonlReader::open(path)?
        .map(|r| r.map(|(_, rec)| rec))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(text: &str) -> JsonlReader {
        JsonlReader::new(
            "t.jsonl",
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        )
    }

    #[test]
    fn reads_records_and_names_bad_lines() {
        let input = concat!(
            "{\"id\":\"a\",\"text\":\"Bonjour\",\"lang\":\"fr\",\"label\":\"satire\"}\n",
            "\n",
            "{\"id\":\"b\"}\n",
            "not json\n",
            "[1,2]\n",
            "{\"id\":\"c\",\"text\":\"x\",\"paragraphs\":[{\"line\":1,\"start\":0,\"end\":1,\"techniques\":[\"Doubt\"]}]}\n",
        );
        let got: Vec<Result<(Location, Record)>> = reader(input).collect();
        assert_eq!(got.len(), 5);
        match &got[0] {
            Ok((loc, r)) => {
                assert_eq!(
                    (loc.line, r.id.as_str(), r.lang.as_deref()),
                    (1, "a", Some("fr"))
                )
            }
            Err(e) => panic!("{e}"),
        }
        match &got[1] {
            Err(Error::Input { line, field, .. }) => {
                assert_eq!((*line, field.as_deref()), (3, Some("text")))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&got[2], Err(Error::Input { line: 4, .. })));
        assert!(matches!(&got[3], Err(Error::Input { line: 5, .. })));
        match &got[4] {
            Ok((_, r)) => assert_eq!(r.paragraphs[0].techniques, ["Doubt"]),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn labels_written_as_numbers_or_booleans_are_read_as_text() {
        for (label, want) in [
            (r#""satire""#, Some("satire")),
            ("1", Some("1")),
            ("0.5", Some("0.5")),
            ("true", Some("true")),
            ("null", None),
        ] {
            let line = format!(r#"{{"id":"a","text":"t","label":{label},"genre":{label}}}"#);
            let got: Vec<_> = reader(&line).collect();
            match &got[0] {
                Ok((_, r)) => assert_eq!((r.label.as_deref(), r.genre.as_deref()), (want, want)),
                Err(e) => panic!("{label}: {e}"),
            }
        }
        let got: Vec<_> = reader(r#"{"id":"a","text":"t","label":["x"]}"#).collect();
        match &got[0] {
            Err(e) => assert!(
                e.to_string().contains("a string, a number or a boolean"),
                "{e}"
            ),
            Ok(_) => panic!("an array is not a label"),
        }
    }

    #[test]
    fn errors_name_the_field_at_fault_and_the_file_line_only() {
        let table: &[(&str, Option<&str>)] = &[
            (r#"{"id":1.5,"text":"x"}"#, Some("id")),
            (r#"{"id":true,"text":"x"}"#, Some("id")),
            (r#"{"id":"a","text":5}"#, Some("text")),
            (r#"{"id":"a"}"#, Some("text")),
            (r#"{"id":"a","text":"x","label":{"k":7}}"#, Some("label")),
            (
                r#"{"id":"a","text":"x","paragraphs":[{"line":1,"start":"0","end":1,"techniques":[]}]}"#,
                Some("paragraphs[0].start"),
            ),
            (
                r#"{"id":"a","text":"x","paragraphs":[{"line":1,"start":0,"techniques":[]}]}"#,
                Some("paragraphs[0].end"),
            ),
            ("[1]", None),
            (r#"{"id":"a","text":"#, None),
        ];
        for (line, field) in table {
            let got: Vec<_> = reader(&format!("\n{line}\n")).collect();
            match &got[0] {
                Err(Error::Input {
                    line: 2,
                    field: f,
                    reason,
                    ..
                }) => {
                    assert_eq!(f.as_deref(), *field, "{line}: {reason}");
                    assert!(!reason.contains("line 1"), "{line}: {reason}");
                }
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    /// An id is read as `crate::input` reads it (`partipris eval` reads the same file either
    /// way): an integer as its text, a record without one named `FILE:LINE`.
    #[test]
    fn integer_and_missing_ids_are_read_as_the_input_layer_reads_them() {
        for (id, want) in [
            (r#""a""#, "a"),
            ("7", "7"),
            ("-3", "-3"),
            ("18446744073709551615", "18446744073709551615"),
            ("null", "t.jsonl:2"),
            (r#""""#, "t.jsonl:2"),
        ] {
            let text = format!("\n{{\"id\":{id},\"text\":\"x\"}}\n{{\"text\":\"y\"}}\n");
            let got: Vec<_> = reader(&text).collect();
            match (&got[0], &got[1]) {
                (Ok((_, a)), Ok((_, b))) => {
                    assert_eq!((a.id.as_str(), b.id.as_str()), (want, "t.jsonl:3"), "{id}")
                }
                other => panic!("{id}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_records_know_where_they_were_read() {
        let got: Vec<_> = reader("\u{feff}{\"id\":\"a\",\"text\":\"x\"}\n").collect();
        match &got[0] {
            Ok((loc, r)) => assert_eq!(r.location.as_ref(), Some(loc)),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn invalid_utf8_is_an_error_record() {
        let mut bytes = b"{\"id\":\"a\",\"text\":\"".to_vec();
        bytes.extend([0xff, 0xfe]);
        bytes.extend(b"\"}\n{\"id\":\"b\",\"text\":\"ok\"}\n");
        let r = JsonlReader::new("t", Box::new(std::io::Cursor::new(bytes)));
        let got: Vec<_> = r.collect();
        assert!(matches!(&got[0], Err(Error::Input { line: 1, .. })));
        assert!(got[1].is_ok());
    }
}
