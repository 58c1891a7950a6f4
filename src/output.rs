//! How batch results are written: a selection of a report's parts ([`ReportPart`],
//! [`ReportView`]), the headline scores as a CSV row ([`headline_header`], [`headline_row`]),
//! error lines ([`ErrorLine`]), and whole files written so that a failure leaves no half file
//! ([`write_file`]).

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::{CategoryFigure, StyleFigures};
use crate::input::RecordError;
use crate::lexicon::Category;
use crate::report::{
    ArticleReport, ClassScores, LanguageReport, Marker, Probability, Scores, StyleMarker,
};
use crate::stance::Stance;
use crate::task::{Task, PERSUASION_CATEGORIES};

/// A part of an [`ArticleReport`] to keep in the output (`partipris score --fields`). The id
/// is always kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReportPart {
    /// `language`.
    Language,
    /// `bytes`, `word_count`, `sentence_count`, `paragraph_count`.
    Counts,
    /// `loaded_language_density`.
    Density,
    /// `categories`: per-category counts and densities.
    Categories,
    /// `style`: the style figures.
    Style,
    /// `markers`: every lexicon match with its span.
    Markers,
    /// `style_markers`.
    StyleMarkers,
    /// `scores`: the classifiers' scores.
    Scores,
    /// `stances`: the stances toward targets, with mentions and evidence.
    Stances,
}

impl ReportPart {
    /// Every part, in report order.
    pub const ALL: [ReportPart; 9] = [
        ReportPart::Language,
        ReportPart::Counts,
        ReportPart::Density,
        ReportPart::Categories,
        ReportPart::Style,
        ReportPart::Markers,
        ReportPart::StyleMarkers,
        ReportPart::Scores,
        ReportPart::Stances,
    ];

    /// The part's name (as in `--fields`).
    pub fn name(&self) -> &'static str {
        match self {
            ReportPart::Language => "language",
            ReportPart::Counts => "counts",
            ReportPart::Density => "density",
            ReportPart::Categories => "categories",
            ReportPart::Style => "style",
            ReportPart::Markers => "markers",
            ReportPart::StyleMarkers => "style_markers",
            ReportPart::Scores => "scores",
            ReportPart::Stances => "stances",
        }
    }
}

impl fmt::Display for ReportPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ReportPart {
    type Err = Error;
    /// A part's name, spaces around it ignored (`--fields 'markers, scores'`).
    fn from_str(s: &str) -> Result<ReportPart> {
        let s = s.trim();
        ReportPart::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = ReportPart::ALL.iter().map(|p| p.name()).collect();
                Error::Config(format!(
                    "unknown report part {s:?} (known: {})",
                    names.join(", ")
                ))
            })
    }
}

/// A set of [`ReportPart`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportParts(u16);

impl ReportParts {
    /// Every part: the whole report.
    pub fn all() -> ReportParts {
        ReportParts::from_iter(ReportPart::ALL)
    }

    /// Whether the set holds `part`.
    pub fn contains(&self, part: ReportPart) -> bool {
        self.0 & (1 << part as u16) != 0
    }
}

impl FromIterator<ReportPart> for ReportParts {
    fn from_iter<T: IntoIterator<Item = ReportPart>>(iter: T) -> ReportParts {
        ReportParts(iter.into_iter().fold(0, |m, p| m | (1 << p as u16)))
    }
}

/// The selected parts of a report, serialized like [`ArticleReport`] without the others: with
/// every part, its JSON is the report's.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a LanguageReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    word_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentence_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paragraph_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loaded_language_density: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    categories: Option<&'a [CategoryFigure]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    style: Option<&'a StyleFigures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    markers: Option<&'a [Marker]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    style_markers: Option<&'a [StyleMarker]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scores: Option<&'a Scores>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stances: Option<&'a [Stance]>,
}

impl<'a> ReportView<'a> {
    /// The parts of `report` in `parts`.
    pub fn new(report: &'a ArticleReport, parts: ReportParts) -> ReportView<'a> {
        let has = |p| parts.contains(p);
        let counts = has(ReportPart::Counts);
        ReportView {
            id: report.id(),
            language: has(ReportPart::Language).then(|| report.language()),
            bytes: counts.then(|| report.bytes()),
            word_count: counts.then(|| report.word_count()),
            sentence_count: counts.then(|| report.sentence_count()),
            paragraph_count: counts.then(|| report.paragraph_count()),
            loaded_language_density: has(ReportPart::Density)
                .then(|| report.loaded_language_density()),
            categories: has(ReportPart::Categories).then(|| report.categories()),
            style: has(ReportPart::Style).then(|| report.style()),
            markers: has(ReportPart::Markers).then(|| report.markers()),
            style_markers: has(ReportPart::StyleMarkers).then(|| report.style_markers()),
            scores: has(ReportPart::Scores).then(|| report.scores()),
            stances: has(ReportPart::Stances).then(|| report.stances()),
        }
    }
}

/// A record that could not be scored, as one line of JSONL output in place of its report:
/// `{"id": .., "error": {"file": .., "line": .., "field": .., "kind": .., "reason": ..}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorLine {
    /// The record's id (or `FILE:LINE`).
    pub id: String,
    /// What went wrong and where.
    pub error: RecordError,
}

/// The columns of the headline CSV: the id, language, counts, loaded-language density, the
/// density of each category (in [`Category::ALL`] order), the classifiers' headline
/// probabilities (empty when a classifier did not score the article), `stances` (each target
/// the article mentions, neutral ones included, as `target:label:score` separated by spaces,
/// e.g. `russia:favor:+0.412 west:neutral:+0.000`), and `error` (the error's
/// kind and reason for a record that could not be scored, else empty).
pub fn headline_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "id",
        "language",
        "language_supported",
        "bytes",
        "words",
        "sentences",
        "paragraphs",
        "markers",
        "loaded_language_density",
    ]
    .map(str::to_string)
    .to_vec();
    h.extend(Category::ALL.iter().map(|c| format!("density_{c}")));
    h.push("persuasion_any".into());
    h.push("persuasion_share".into());
    h.extend(
        PERSUASION_CATEGORIES
            .iter()
            .map(|c| format!("persuasion_{c}")),
    );
    for task in [Task::Genre, Task::Satire, Task::Leaning] {
        h.push(format!("{task}_label"));
        h.extend(task.labels().iter().map(|l| format!("{task}_{l}")));
    }
    h.push("sentence_bias_share".into());
    h.push("stances".into());
    h.push("error".into());
    h
}

fn fmt_f64(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.4}")
    } else {
        String::new()
    }
}

fn probability(ps: &[Probability], label: &str) -> String {
    ps.iter()
        .find(|p| p.label == label)
        .map(|p| fmt_f64(f64::from(p.probability)))
        .unwrap_or_default()
}

/// The headline CSV row of a report (see [`headline_header`]).
pub fn headline_row(report: &ArticleReport) -> Vec<String> {
    let lang = report.language();
    let mut row = vec![
        report.id().to_string(),
        lang.code.map(|c| c.to_string()).unwrap_or_default(),
        lang.supported.to_string(),
        report.bytes().to_string(),
        report.word_count().to_string(),
        report.sentence_count().to_string(),
        report.paragraph_count().to_string(),
        report.markers().len().to_string(),
        fmt_f64(report.loaded_language_density()),
    ];
    row.extend(
        Category::ALL
            .iter()
            .map(|&c| fmt_f64(report.category(c).per_1k_words)),
    );
    let scores = report.scores();
    match &scores.persuasion {
        Some(p) => {
            row.push(fmt_f64(f64::from(p.any)));
            row.push(fmt_f64(f64::from(p.share)));
            row.extend(
                PERSUASION_CATEGORIES
                    .iter()
                    .map(|c| probability(&p.categories, c)),
            );
        }
        None => row.extend(std::iter::repeat_n(
            String::new(),
            2 + PERSUASION_CATEGORIES.len(),
        )),
    }
    for (task, s) in [
        (Task::Genre, &scores.genre),
        (Task::Satire, &scores.satire),
        (Task::Leaning, &scores.leaning),
    ] {
        let s: Option<&ClassScores> = s.as_ref();
        row.push(s.map(|s| s.label.clone()).unwrap_or_default());
        row.extend(task.labels().iter().map(|l| {
            s.map(|s| probability(&s.probabilities, l))
                .unwrap_or_default()
        }));
    }
    row.push(
        scores
            .sentence_bias
            .as_ref()
            .map(|b| fmt_f64(f64::from(b.biased_share)))
            .unwrap_or_default(),
    );
    let stances: Vec<String> = report
        .stances()
        .iter()
        .map(|s| format!("{}:{}:{:+.3}", s.target(), s.label().as_str(), s.score()))
        .collect();
    row.push(stances.join(" "));
    row.push(String::new());
    row
}

/// The headline CSV row of a record that could not be scored: its id and, in the `error`
/// column, `kind: reason (file, line)`; the other cells are empty.
pub fn error_row(error: &RecordError) -> Vec<String> {
    let n = headline_header().len();
    let mut row = vec![String::new(); n];
    row[0] = error.id.clone();
    let kind = serde_json::to_value(error.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    row[n - 1] = format!(
        "{kind}: {} ({}, line {})",
        error.reason, error.file, error.line
    );
    row
}

/// Writes a whole file (a model, a page, a report) so that it is either written whole or not
/// at all: into a temporary file beside it, then renamed over it. A failure (a full disk, an
/// unwritable folder) leaves whatever was at `path` as it was, and no half file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        // As `File::create` makes them: the umask applies (a temporary file is 0600).
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.as_file().sync_all().map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Analyzer, Article};

    #[test]
    fn a_file_is_written_whole_or_not_at_all() {
        let dir = std::env::temp_dir().join(format!("partipris-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("model.json");
        write_file(&path, b"first").unwrap_or_else(|e| panic!("{e}"));
        write_file(&path, b"second").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"second"[..]));
        // Into a folder that does not exist: an error naming the file, nothing written.
        let missing = dir.join("missing").join("model.json");
        match write_file(&missing, b"x") {
            Err(Error::Io { path, .. }) => assert_eq!(path, missing),
            other => panic!("{other:?}"),
        }
        let names: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["model.json"], "no temporary file is left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let made = dir.join("made");
            std::fs::File::create(&made).unwrap_or_else(|e| panic!("{e}"));
            let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode()).ok();
            assert_eq!(mode(&path), mode(&made), "the mode File::create gives");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn report() -> ArticleReport {
        Analyzer::builder()
            .stance(true)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .analyze(&Article::new(
                "x",
                "Les vassaux de Washington et la minorité planétaire s'inquiètent, a déclaré le ministre.",
            ))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_whole_view_is_the_report() {
        let r = report();
        assert!(!r.stances().is_empty(), "the sample names Washington");
        let view = serde_json::to_string(&ReportView::new(&r, ReportParts::all()));
        assert_eq!(view.ok(), serde_json::to_string(&r).ok());
    }

    #[test]
    fn a_view_keeps_only_its_parts() {
        let r = report();
        let parts: ReportParts = [ReportPart::Scores, ReportPart::Density]
            .into_iter()
            .collect();
        let json = serde_json::to_value(ReportView::new(&r, parts)).unwrap_or_default();
        let mut keys: Vec<&str> = json
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "loaded_language_density", "scores"]);
        assert_eq!(
            "markers".parse::<ReportPart>().ok(),
            Some(ReportPart::Markers)
        );
        assert_eq!(
            " scores ".parse::<ReportPart>().ok(),
            Some(ReportPart::Scores)
        );
        assert!("nope".parse::<ReportPart>().is_err());
        assert!("".parse::<ReportPart>().is_err());
    }

    #[test]
    fn rows_match_the_header() {
        let r = report();
        assert_eq!(headline_row(&r).len(), headline_header().len());
        let e = RecordError {
            id: "f:3".into(),
            file: "f".into(),
            line: 3,
            field: None,
            kind: crate::input::RecordErrorKind::Malformed,
            reason: "bad".into(),
        };
        let row = error_row(&e);
        assert_eq!(row.len(), headline_header().len());
        assert_eq!(
            row.last().map(String::as_str),
            Some("malformed: bad (f, line 3)")
        );
    }
}
