//! Tasks: which fields of a corpus record hold a task's text and labels, and how records are
//! split into training and validation folds.
//!
//! The folds are fixed so that every tool (the Rust trainer, the baseline script in
//! `scripts/baselines.py`) uses the same ones: where a dataset has splits they are used
//! (semeval2023 `train`/`dev`, allsides `train`/`valid`); elsewhere a record is held out when
//! the FNV-1a 64-bit hash of its id is 0 modulo 5 ([`fold_of`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::corpus::Record;
use crate::error::{Error, Result};

/// A classification task. The names are part of the interface (`partipris train --task`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Task {
    /// Paragraph level, multi-label: the six persuasion-technique categories of SemEval-2023
    /// Task 3 (and "any technique").
    Persuasion,
    /// Article level: opinion / reporting / satire.
    Genre,
    /// Article level: regular / satire.
    Satire,
    /// Article level: left / center / right.
    Leaning,
    /// Sentence level: non-biased / biased.
    SentenceBias,
    /// Text + target level: favor / against / none (SemEval-2016 Task 6 schema); the stance
    /// model of [`crate::stance`].
    Stance,
    /// Entity-mention level: favor / against (SemEval-2025 Task 10 `entities[]`: Protagonist or
    /// Innocent = favor, Antagonist = against); scored by the same stance model. Its examples
    /// are built by [`crate::stance`], not by [`Task::examples`].
    EntityStance,
}

/// The six persuasion-technique categories, in the order of [`Gold::Categories`].
pub const PERSUASION_CATEGORIES: [&str; 6] = [
    "attack_on_reputation",
    "justification",
    "simplification",
    "distraction",
    "call",
    "manipulative_wording",
];

/// The category index of a SemEval-2023 technique name.
pub fn technique_category(technique: &str) -> Option<usize> {
    Some(match technique {
        "Name_Calling-Labeling"
        | "Guilt_by_Association"
        | "Doubt"
        | "Appeal_to_Hypocrisy"
        | "Questioning_the_Reputation" => 0,
        "Flag_Waving"
        | "Appeal_to_Authority"
        | "Appeal_to_Popularity"
        | "Appeal_to_Values"
        | "Appeal_to_Fear-Prejudice" => 1,
        "Causal_Oversimplification"
        | "False_Dilemma-No_Choice"
        | "Consequential_Oversimplification" => 2,
        "Straw_Man" | "Red_Herring" | "Whataboutism" => 3,
        "Slogans" | "Conversation_Killer" | "Appeal_to_Time" => 4,
        "Loaded_Language"
        | "Obfuscation-Vagueness-Confusion"
        | "Exaggeration-Minimisation"
        | "Repetition" => 5,
        _ => return None,
    })
}

/// Whether a record trains or validates a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Partition {
    /// Training folds.
    Train,
    /// Held-out validation fold.
    Validation,
}

/// The gold labels of an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gold {
    /// Index into [`Task::labels`].
    Class(usize),
    /// One flag per [`PERSUASION_CATEGORIES`] entry.
    Categories(Vec<bool>),
}

/// One labelled example of a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// The example's id: the record id, with `#line` for a paragraph.
    pub id: String,
    /// The record it comes from.
    pub record_id: String,
    /// Its language, when the record says.
    pub lang: Option<String>,
    /// Its text.
    pub text: String,
    /// Its gold labels.
    pub gold: Gold,
}

impl Task {
    /// Every task.
    pub const ALL: [Task; 7] = [
        Task::Persuasion,
        Task::Genre,
        Task::Satire,
        Task::Leaning,
        Task::SentenceBias,
        Task::Stance,
        Task::EntityStance,
    ];

    /// The task's name.
    pub fn name(&self) -> &'static str {
        match self {
            Task::Persuasion => "persuasion",
            Task::Genre => "genre",
            Task::Satire => "satire",
            Task::Leaning => "leaning",
            Task::SentenceBias => "sentence_bias",
            Task::Stance => "stance",
            Task::EntityStance => "entity_stance",
        }
    }

    /// The class labels (for `persuasion`, the categories). For binary tasks the positive
    /// class comes second.
    pub fn labels(&self) -> &'static [&'static str] {
        match self {
            Task::Persuasion => &PERSUASION_CATEGORIES,
            Task::Genre => &["opinion", "reporting", "satire"],
            Task::Satire => &["regular", "satire"],
            Task::Leaning => &["left", "center", "right"],
            Task::SentenceBias => &["non-biased", "biased"],
            Task::Stance => &crate::stance::STANCE_CLASSES,
            Task::EntityStance => &["favor", "against"],
        }
    }

    /// The index in [`Task::labels`] of a label, `None` when it is not one of the task's. Both
    /// checks of a label use it: the building of examples ([`Task::examples`]) and
    /// `partipris eval`'s when it reads records.
    pub fn class_of(&self, label: &str) -> Option<usize> {
        self.labels().iter().position(|l| *l == label)
    }

    /// Whether examples carry several labels at once.
    pub fn is_multilabel(&self) -> bool {
        matches!(self, Task::Persuasion)
    }

    /// Whether examples are parts of an article (paragraphs), which a model can read in the
    /// light of the whole article ([`crate::model::ModelFile::article_context`]).
    pub fn is_paragraph_level(&self) -> bool {
        matches!(self, Task::Persuasion)
    }

    /// Whether a record trains or validates this task, or is not used by it.
    pub fn partition(&self, record: &Record) -> Option<Partition> {
        let split = record.split.as_deref();
        let by_fold = || {
            if fold_of(&record.id) == 0 {
                Partition::Validation
            } else {
                Partition::Train
            }
        };
        match self {
            Task::Persuasion => match split {
                Some("train") => Some(Partition::Train),
                Some("dev") => Some(Partition::Validation),
                _ => None,
            },
            // The dev articles' genres are never validation (the held-out fold of the train
            // articles is), so they train.
            Task::Genre => match (split, record.genre.is_some()) {
                (Some("train"), true) => Some(by_fold()),
                (Some("dev"), true) => Some(Partition::Train),
                _ => None,
            },
            Task::Satire | Task::SentenceBias => record.label.is_some().then(by_fold),
            Task::Leaning => match split {
                Some("train") => Some(Partition::Train),
                Some("valid") => Some(Partition::Validation),
                _ => None,
            },
            Task::Stance => (record.target.is_some() && record.label.is_some()).then(by_fold),
            Task::EntityStance => (!record.entities.is_empty()).then(by_fold),
        }
    }

    /// The labelled examples a record holds for this task (paragraphs for `persuasion`, the
    /// record itself otherwise). A label outside the task's labels is an error naming the
    /// record and the field, and the file and line when the record knows where it was read.
    pub fn examples(&self, record: &Record) -> Result<Vec<Example>> {
        let bad = |field: &str, value: &str| {
            let reason = format!(
                "{field} {value:?} is not a label of task {} (expected one of {})",
                self.name(),
                self.labels().join(", ")
            );
            record.error(Some(field), reason)
        };
        let class = |field: &str, value: Option<&str>| -> Result<Option<usize>> {
            match value {
                None => Ok(None),
                Some(v) => self.class_of(v).map(Some).ok_or_else(|| bad(field, v)),
            }
        };
        let whole = |gold| Example {
            id: record.id.clone(),
            record_id: record.id.clone(),
            lang: record.lang.clone(),
            text: record.text.clone(),
            gold,
        };
        let single = match self {
            Task::Persuasion => None,
            Task::EntityStance => return Ok(Vec::new()),
            Task::Genre => Some(class("genre", record.genre.as_deref())?),
            _ => Some(class("label", record.label.as_deref())?),
        };
        if let Some(class) = single {
            return Ok(class.map(|c| whole(Gold::Class(c))).into_iter().collect());
        }
        let mut out = Vec::new();
        for p in &record.paragraphs {
            let text = record.slice(p.start, p.end)?;
            if text.trim().is_empty() {
                continue;
            }
            let mut cats = vec![false; PERSUASION_CATEGORIES.len()];
            for t in &p.techniques {
                let c = technique_category(t).ok_or_else(|| bad("technique", t))?;
                cats[c] = true;
            }
            out.push(Example {
                id: format!("{}#{}", record.id, p.line),
                record_id: record.id.clone(),
                lang: record.lang.clone(),
                text: text.to_string(),
                gold: Gold::Categories(cats),
            });
        }
        Ok(out)
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Task {
    type Err = Error;
    fn from_str(s: &str) -> Result<Task> {
        Task::ALL
            .iter()
            .copied()
            .find(|t| t.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Task::ALL.iter().map(|t| t.name()).collect();
                Error::Config(format!("unknown task {s:?} (known: {})", names.join(", ")))
            })
    }
}

/// The fold (0 to 4) of a record id: FNV-1a 64-bit of its UTF-8 bytes, modulo 5. Fold 0 is
/// held out for validation where a dataset has no split of its own.
pub fn fold_of(id: &str) -> u64 {
    fnv1a(id) % 5
}

/// FNV-1a 64-bit hash of a string's UTF-8 bytes.
pub fn fnv1a(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_outside_the_task_names_the_file_and_line_it_was_read_on() {
        let lines = "{\"id\":\"a\",\"text\":\"x\",\"label\":\"satire\"}\n\
                     {\"id\":\"b\",\"text\":\"y\",\"label\":\"Satire\"}\n";
        let reader = crate::corpus::JsonlReader::new(
            "data.jsonl",
            Box::new(std::io::Cursor::new(lines.as_bytes().to_vec())),
        );
        let records: Vec<Record> = reader
            .map(|r| r.map(|(_, rec)| rec))
            .collect::<Result<_>>()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(Task::Satire.examples(&records[0]).is_ok());
        match Task::Satire.examples(&records[1]) {
            Err(Error::Input {
                file, line, field, ..
            }) => assert_eq!(
                (file.as_str(), line, field.as_deref()),
                ("data.jsonl", 2, Some("label"))
            ),
            other => panic!("{other:?}"),
        }
    }

    fn record(json: &str) -> Record {
        match serde_json::from_str(json) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn fnv1a_matches_reference_values() {
        // FNV-1a 64 of "" and "a" (reference values of the algorithm), modulo 5.
        assert_eq!(fold_of(""), 0xcbf2_9ce4_8422_2325 % 5);
        assert_eq!(fold_of("a"), 0xaf63_dc4c_8601_ec8c % 5);
    }

    #[test]
    fn persuasion_paragraphs_and_categories() {
        let r = record(
            r#"{"id":"x","text":"Un.\n\nDeux !","split":"train","paragraphs":[
            {"line":1,"start":0,"end":3,"techniques":[]},
            {"line":3,"start":5,"end":11,"techniques":["Loaded_Language","Doubt"]}]}"#,
        );
        let ex = Task::Persuasion.examples(&r).unwrap_or_default();
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[1].text, "Deux !");
        assert_eq!(
            ex[1].gold,
            Gold::Categories(vec![true, false, false, false, false, true])
        );
        assert_eq!(Task::Persuasion.partition(&r), Some(Partition::Train));
    }

    #[test]
    fn unknown_labels_and_bad_spans_are_errors() {
        let r = record(r#"{"id":"x","text":"t","label":"maybe"}"#);
        assert!(Task::Satire.examples(&r).is_err());
        let r = record(
            r#"{"id":"x","text":"é","paragraphs":[{"line":1,"start":0,"end":1,"techniques":[]}]}"#,
        );
        assert!(Task::Persuasion.examples(&r).is_err());
    }

    #[test]
    fn names_round_trip() {
        for t in Task::ALL {
            assert_eq!(t.name().parse::<Task>().ok(), Some(t));
        }
        assert!("nope".parse::<Task>().is_err());
    }
}
