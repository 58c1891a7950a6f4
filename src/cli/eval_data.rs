//! `partipris eval` inputs beyond the datasets schema (a user's own labelled CSV, JSON Lines
//! with other field names), label mapping, and the HTML report's extra data.

use std::fmt;
use std::path::PathBuf;

use partipris::corpus::{self, Location, Record};
use partipris::eval::UNKNOWN_GROUP;
use partipris::html::eval_report::Miss;
use partipris::input::{unusable_text, InputFormat, Inputs};
use partipris::stance::train::semeval2016_targets;
use partipris::task::{Partition, Task};
use partipris::{Error, Result};

use super::args::InputArgs;

/// One `user=task` pair of `--label-map`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelPair {
    /// The label as the data writes it (trimmed).
    pub from: String,
    /// The task's label (trimmed).
    pub to: String,
}

impl std::str::FromStr for LabelPair {
    type Err = Error;
    fn from_str(s: &str) -> Result<LabelPair> {
        // At the last `=`: the task's labels hold none, the data's may (`score=1=satire`).
        match s.rsplit_once('=') {
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

impl fmt::Display for LabelPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.from, self.to)
    }
}

/// Refuses a map that sends one data label to two task labels.
fn check_map(map: &[LabelPair]) -> Result<()> {
    for (i, a) in map.iter().enumerate() {
        if let Some(b) = map[..i].iter().find(|b| b.from == a.from && b.to != a.to) {
            return Err(Error::Config(format!(
                "--label-map maps {:?} twice: {b} and {a}",
                a.from
            )));
        }
    }
    Ok(())
}

/// A data label (trimmed) through the map: the task's label, and the map entry that gave it.
fn map_label<'a>(map: &'a [LabelPair], label: &str) -> (String, Option<&'a LabelPair>) {
    let label = label.trim();
    match map.iter().find(|p| p.from == label) {
        Some(p) => (p.to.clone(), Some(p)),
        None => (label.to_string(), None),
    }
}

/// The records `eval` left out; each is reported on standard error (the first 20).
#[derive(Debug, Default)]
pub struct LeftOut {
    /// Records that could not be read.
    pub unreadable: usize,
    /// Records without a label.
    pub unlabelled: usize,
    /// Stance records without a target.
    pub untargeted: usize,
}

impl LeftOut {
    const REPORTED: usize = 20;

    fn report(&self, problem: &dyn fmt::Display) {
        if self.total() < Self::REPORTED {
            eprintln!("partipris: skipped: {problem}");
        }
    }

    fn unreadable(&mut self, problem: &dyn fmt::Display) {
        self.report(problem);
        self.unreadable += 1;
    }

    fn lacking(&mut self, location: &Location, field: &str, lacks: Lacks) {
        self.report(&Error::Input {
            file: location.file.display().to_string(),
            line: location.line,
            field: Some(field.to_string()),
            reason: format!("no {}", lacks.name()),
        });
        match lacks {
            Lacks::Target => self.untargeted += 1,
            _ => self.unlabelled += 1,
        }
    }

    /// Records left out in all.
    pub fn total(&self) -> usize {
        self.unreadable + self.unlabelled + self.untargeted
    }
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            (self.unreadable, "could not be read"),
            (self.unlabelled, "had no label"),
            (self.untargeted, "had no target"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        write!(
            f,
            "{} records were left out ({}{})",
            self.total(),
            parts.join(", "),
            if self.total() > Self::REPORTED {
                format!("; the first {} are listed above", Self::REPORTED)
            } else {
                String::new()
            }
        )
    }
}

/// Reads labelled records: in the datasets schema (every field, paragraphs and splits) when
/// the inputs are JSON Lines (`-`: standard input) with the default field names and no label
/// or target field is named; otherwise with the input layer, the label taken from
/// `label_field` (default `label`, or `genre` for the genre task) and, for the stance task,
/// the target from `target_field` (default `target`).
///
/// Labels are trimmed and mapped with `label_map`. A record that cannot be read, or (unless
/// `only` selects a partition of the task's folds, which holds labelled records only) that
/// has no label (stance: or no target), is reported on standard error and left out. A label
/// outside the task's, or an unknown stance target, is an error naming the file, the line,
/// the field and the map entry that gave it.
pub fn read(
    task: Task,
    data: &[PathBuf],
    input: &InputArgs,
    label_field: Option<&str>,
    target_field: Option<&str>,
    label_map: &[LabelPair],
    only: Option<Partition>,
) -> Result<(Vec<Record>, LeftOut)> {
    check_map(label_map)?;
    if !label_map.is_empty() && (task.is_multilabel() || task == Task::EntityStance) {
        return Err(Error::Config(format!(
            "--label-map: the {task} task reads its labels from the datasets schema (technique \
             names in paragraphs, or entity roles), which are not mapped"
        )));
    }
    if target_field.is_some() && task != Task::Stance {
        return Err(Error::Config(format!(
            "--target-field: the {task} task has no target (only stance does)"
        )));
    }
    let jsonl = data.iter().all(|p| {
        input
            .format()
            .or_else(|| InputFormat::detect(p))
            .is_some_and(|f| f == InputFormat::Jsonl)
    });
    let default_label = if task == Task::Genre {
        "genre"
    } else {
        "label"
    };
    // Records, and the errors of those that could not be read, in input order.
    let mut records: Vec<std::result::Result<(Location, Record), String>> = Vec::new();
    if jsonl && input.default_fields() && label_field.is_none() && target_field.is_none() {
        for path in data {
            match corpus::JsonlReader::open(path) {
                Ok(reader) => {
                    records.extend(reader.map(|item| item.map_err(|e| e.to_string())));
                }
                Err(e) => records.push(Err(e.to_string())),
            }
        }
    } else {
        if task.is_multilabel() || task == Task::EntityStance {
            return Err(Error::Config(format!(
                "the {task} task needs the datasets schema (paragraphs with their techniques, \
                 or entities with their roles): give JSON Lines with the default field names"
            )));
        }
        let mut options = input.options(Some(label_field.unwrap_or(default_label).to_string()));
        if task == Task::Stance {
            options.fields.target = Some(target_field.unwrap_or("target").to_string());
        }
        for item in Inputs::new(data.to_vec(), options) {
            match item {
                Ok(r) => {
                    let (label, genre) = match task {
                        Task::Genre => (None, r.label),
                        _ => (r.label, None),
                    };
                    let record = Record {
                        id: r.id,
                        text: r.text,
                        lang: r.lang.map(|l| l.to_string()),
                        target: r.target,
                        label,
                        genre,
                        location: Some(r.location.clone()),
                        ..Record::default()
                    };
                    records.push(Ok((r.location, record)));
                }
                Err(e) => records.push(Err(e.to_string())),
            }
        }
    }
    let check = Check {
        task,
        label_field: label_field.unwrap_or(default_label),
        target_field: target_field.unwrap_or("target"),
        map: label_map,
        targets: match task {
            Task::Stance => semeval2016_targets()?
                .targets()
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
            _ => Vec::new(),
        },
    };
    let mut left_out = LeftOut::default();
    let mut kept = Vec::with_capacity(records.len());
    for item in records {
        let (location, mut record) = match item {
            Ok(read) => read,
            Err(e) => {
                left_out.unreadable(&e);
                continue;
            }
        };
        // What the input layer refuses, refused in the datasets schema too.
        if let Some((_, reason)) = unusable_text(&record.text, input.max_bytes) {
            left_out.unreadable(&Error::Input {
                file: location.file.display().to_string(),
                line: location.line,
                field: Some("text".to_string()),
                reason: format!("record {:?}: {reason}", record.id),
            });
            continue;
        }
        match check.record(&location, &mut record)? {
            Lacks::Nothing => kept.push(record),
            // A partition holds labelled records only: the others are in neither.
            _ if only.is_some() => kept.push(record),
            Lacks::Label => left_out.lacking(&location, check.label_field, Lacks::Label),
            Lacks::Target => left_out.lacking(&location, check.target_field, Lacks::Target),
        }
    }
    Ok((kept, left_out))
}

/// What a record lacks for its task.
#[derive(Debug, Clone, Copy)]
enum Lacks {
    Nothing,
    Label,
    Target,
}

impl Lacks {
    fn name(self) -> &'static str {
        match self {
            Lacks::Nothing => "nothing",
            Lacks::Label => "label",
            Lacks::Target => "target",
        }
    }
}

/// How the labels (and stance targets) of a task's records are checked.
struct Check<'a> {
    task: Task,
    /// The field the data gives labels in.
    label_field: &'a str,
    /// The field the data gives stance targets in.
    target_field: &'a str,
    map: &'a [LabelPair],
    /// The names of the stance task's targets (empty for the other tasks).
    targets: Vec<String>,
}

impl Check<'_> {
    /// Trims and maps a record's label (and stance target) and checks them; tells what the
    /// record lacks (persuasion and entity stance: nothing, their labels are checked when
    /// their examples are built). A label outside the task's, or an unknown stance target,
    /// is an error naming where it stands.
    fn record(&self, location: &Location, record: &mut Record) -> Result<Lacks> {
        let task = self.task;
        let error = |field: &str, reason: String| Error::Input {
            file: location.file.display().to_string(),
            line: location.line,
            field: Some(field.to_string()),
            reason,
        };
        let slot = match task {
            Task::Persuasion | Task::EntityStance => return Ok(Lacks::Nothing),
            Task::Genre => &mut record.genre,
            _ => &mut record.label,
        };
        let Some(given) = slot.take().filter(|l| !l.trim().is_empty()) else {
            return Ok(Lacks::Label);
        };
        let (label, entry) = map_label(self.map, &given);
        // The rule of `Task::examples`, which checks the label again when it builds the
        // examples (where `train` has no other check); here the error can name the user's
        // field and the map entry.
        if task.class_of(&label).is_none() {
            let expected = task.labels().join(", ");
            return Err(error(
                self.label_field,
                match entry {
                    Some(entry) => format!(
                        "--label-map entry {:?} maps label {given:?} to {label:?}, which is not \
                         a label of task {task} (expected one of {expected})",
                        entry.to_string()
                    ),
                    None => format!(
                        "label {given:?} is not a label of task {task} (expected one of \
                         {expected}; --label-map maps the data's labels onto these)"
                    ),
                },
            ));
        }
        *slot = Some(label);
        if task != Task::Stance {
            return Ok(Lacks::Nothing);
        }
        let target = record.target.take().map(|t| t.trim().to_string());
        let Some(target) = target.filter(|t| !t.is_empty()) else {
            return Ok(Lacks::Target);
        };
        let Some(target) = self
            .targets
            .iter()
            .find(|t| t.eq_ignore_ascii_case(&target))
        else {
            return Err(error(
                self.target_field,
                format!(
                    "target {target:?} is not a target of the stance task (expected one of {})",
                    self.targets.join(", ")
                ),
            ));
        };
        record.target = Some(target.clone());
        Ok(Lacks::Nothing)
    }
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

/// A wrong prediction: the example's id, the language it was read in (given or identified;
/// empty when unknown), its text, the gold and predicted labels, and the probability of the
/// prediction.
pub type Wrong<'a> = (&'a str, &'a str, &'a str, String, String, f64);

/// The `limit` wrong predictions made with the highest confidence; an unknown language is
/// named as the figures per language name it ([`UNKNOWN_GROUP`]).
pub fn worst<'a>(wrong: impl Iterator<Item = Wrong<'a>>, limit: usize) -> Vec<Miss> {
    let mut misses: Vec<Miss> = wrong
        .map(|(id, lang, text, gold, predicted, confidence)| Miss {
            id: id.to_string(),
            lang: Some(if lang.is_empty() { UNKNOWN_GROUP } else { lang }.to_string()),
            gold,
            predicted,
            confidence,
            first_line: first_line(text),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(map: &str) -> Vec<LabelPair> {
        map.split(',')
            .map(|p| p.parse().unwrap_or_else(|e| panic!("{p}: {e}")))
            .collect()
    }

    #[test]
    fn labels_are_trimmed_on_both_sides_of_the_map() {
        let map = pairs(" fake = satire,real=regular ");
        for (label, want, entry) in [
            ("fake", "satire", Some("fake=satire")),
            ("  fake\t", "satire", Some("fake=satire")),
            (" real", "regular", Some("real=regular")),
            (" satire ", "satire", None),
            ("other", "other", None),
        ] {
            let (got, used) = map_label(&map, label);
            assert_eq!(
                (got.as_str(), used.map(ToString::to_string).as_deref()),
                (want, entry),
                "{label:?}"
            );
        }
    }

    #[test]
    fn a_map_entry_splits_at_its_last_equals_sign() {
        for (entry, want) in [
            ("fake=satire", Some(("fake", "satire"))),
            ("score=1=satire", Some(("score=1", "satire"))),
            (" a = b = regular ", Some(("a = b", "regular"))),
            ("=satire", None),
            ("fake=", None),
            ("fake", None),
        ] {
            let got = entry.parse::<LabelPair>().ok();
            assert_eq!(
                got.as_ref().map(|p| (p.from.as_str(), p.to.as_str())),
                want,
                "{entry:?}"
            );
        }
    }

    #[test]
    fn an_unknown_language_is_named_in_the_worst_errors_as_in_the_figures() {
        let wrong = [
            (
                "a",
                "",
                "Texte.",
                "satire".to_string(),
                "regular".to_string(),
                0.9,
            ),
            (
                "b",
                "fr",
                "Texte.",
                "satire".to_string(),
                "regular".to_string(),
                0.8,
            ),
        ];
        let langs: Vec<Option<String>> = worst(wrong.into_iter(), 10)
            .into_iter()
            .map(|m| m.lang)
            .collect();
        assert_eq!(langs, [Some("und".to_string()), Some("fr".to_string())]);
    }

    #[test]
    fn a_label_mapped_to_two_task_labels_is_refused() {
        for (map, ok) in [
            ("fake=satire,real=regular", true),
            ("fake=satire,fake=satire", true),
            ("fake=satire,fake=regular", false),
            ("fake=satire, fake =regular", false),
        ] {
            let got = check_map(&pairs(map));
            assert_eq!(got.is_ok(), ok, "{map}: {got:?}");
            if let Err(e) = got {
                assert!(e.to_string().contains("\"fake\""), "{e}");
            }
        }
    }
}
