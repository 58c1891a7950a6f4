//! `partipris eval` inputs beyond the datasets schema (a user's own labelled CSV, JSON Lines
//! with other field names), label mapping, and the HTML report's extra data.

use std::path::PathBuf;

use partipris::corpus::{self, Record};
use partipris::html::eval_report::Miss;
use partipris::input::{InputFormat, Inputs};
use partipris::task::{Example, Task};
use partipris::{Error, Result};

use super::args::InputArgs;

/// One `user=task` pair of `--label-map`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelPair {
    /// The label as the data writes it.
    pub from: String,
    /// The task's label.
    pub to: String,
}

impl std::str::FromStr for LabelPair {
    type Err = Error;
    fn from_str(s: &str) -> Result<LabelPair> {
        match s.split_once('=') {
            Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => Ok(LabelPair {
                from: from.trim().to_string(),
                to: to.trim().to_string(),
            }),
            _ => Err(Error::Config(format!(
                "--label-map: {s:?} is not of the form user_label=task_label"
            ))),
        }
    }
}

fn map_label(map: &[LabelPair], label: Option<String>) -> Option<String> {
    let label = label?;
    Some(
        map.iter()
            .find(|p| p.from == label)
            .map_or(label, |p| p.to.clone()),
    )
}

/// Reads labelled records: in the datasets schema (every field, paragraphs and splits) when
/// the inputs are JSON Lines with the default field names and no label field is named;
/// otherwise with the input layer, the label taken from `label_field` (default `label`, or
/// `genre` for the genre task). Returns the records and the number of records that could not
/// be read (each reported on standard error).
pub fn read(
    task: Task,
    data: &[PathBuf],
    input: &InputArgs,
    label_field: Option<&str>,
    label_map: &[LabelPair],
) -> Result<(Vec<Record>, usize)> {
    let jsonl = data.iter().all(|p| {
        input
            .format()
            .or_else(|| InputFormat::detect(p))
            .is_some_and(|f| f == InputFormat::Jsonl)
    });
    if jsonl && input.default_fields() && label_field.is_none() {
        let mut records = Vec::new();
        for path in data {
            records.extend(corpus::read_all(path)?);
        }
        for r in &mut records {
            r.label = map_label(label_map, r.label.take());
            r.genre = map_label(label_map, r.genre.take());
        }
        return Ok((records, 0));
    }
    if task.is_multilabel() {
        return Err(Error::Config(format!(
            "the {task} task needs the datasets schema (paragraphs with their techniques): \
             give JSON Lines with the default field names"
        )));
    }
    let default_label = if task == Task::Genre {
        "genre"
    } else {
        "label"
    };
    let label_field = label_field.unwrap_or(default_label).to_string();
    let options = input.options(Some(label_field));
    let mut records = Vec::new();
    let mut errors = 0;
    for item in Inputs::new(data.to_vec(), options) {
        match item {
            Ok(r) => {
                let label = map_label(label_map, r.label);
                let mut value = serde_json::json!({
                    "id": r.id,
                    "text": r.text,
                    "lang": r.lang.map(|l| l.to_string()),
                });
                value[default_label] = serde_json::json!(label);
                let record: Record = serde_json::from_value(value)
                    .map_err(|e| Error::Config(format!("record {:?}: {e}", r.id)))?;
                records.push(record);
            }
            Err(e) => {
                errors += 1;
                if errors <= 20 {
                    eprintln!("partipris: skipped: {e}");
                }
            }
        }
    }
    if errors > 20 {
        eprintln!("partipris: {errors} records skipped in all");
    }
    Ok((records, errors))
}

/// The first non-blank line of a text, cut to 200 characters.
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut cut: String = line.chars().take(200).collect();
    if cut.len() < line.len() {
        cut.push('…');
    }
    cut
}

/// The `limit` wrong predictions made with the highest confidence: `(example, gold,
/// predicted, probability of the prediction)`.
pub fn worst<'a>(
    wrong: impl Iterator<Item = (&'a Example, String, String, f64)>,
    limit: usize,
) -> Vec<Miss> {
    let mut misses: Vec<Miss> = wrong
        .map(|(e, gold, predicted, confidence)| Miss {
            id: e.id.clone(),
            lang: e.lang.clone(),
            gold,
            predicted,
            confidence,
            first_line: first_line(&e.text),
        })
        .collect();
    misses.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then_with(|| a.id.cmp(&b.id))
    });
    misses.truncate(limit);
    misses
}
