//! The properties the fuzz targets check, shared by `fuzz_targets/*.rs` (libFuzzer) and by the
//! crate's `tests/fuzz_regressions.rs`, which replays the seeds and the inputs the fuzzers found
//! (`tests/fixtures/fuzz-seeds/TARGET/`, `fuzz/regressions/TARGET/`) under `cargo test`.
//!
//! Each check panics when a property fails and returns how far the input got, so that the
//! regression tests can also check that the seeds reach the deep end of the pipeline.
#![allow(dead_code)]

use std::sync::OnceLock;

use partipris::corpus::JsonlReader;
use partipris::model::{ModelFile, Models};
use partipris::normalize::normalize;
use partipris::task::Task;
use partipris::{Analyzer, Article, Error, Language, Lexicon};

/// How far an input got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// Not UTF-8 (for the text targets) or refused by the first parser.
    Refused,
    /// Parsed, then refused by a later check (a lexicon that does not compile, a model that does
    /// not fit the analyzer...).
    Parsed,
    /// Went through the whole pipeline (analysed, scored, read).
    Complete,
}

/// `Analyzer::analyze` on arbitrary UTF-8, with the shipped classifiers: no panic, every span a
/// char boundary of the text, marker text equal to its span.
pub fn analyze(data: &[u8]) -> Depth {
    let Ok(text) = std::str::from_utf8(data) else {
        return Depth::Refused;
    };
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    let analyzer = ANALYZER.get_or_init(|| {
        Analyzer::builder()
            .default_models(true)
            .build()
            .unwrap_or_else(|e| panic!("shipped analyzer: {e}"))
    });
    match analyzer.analyze(&Article::new("fuzz", text)) {
        Ok(report) => {
            for m in report.markers() {
                assert!(text.is_char_boundary(m.start()) && text.is_char_boundary(m.end()));
                assert_eq!(text.get(m.span()), Some(m.text()));
                assert!(!m.text().is_empty(), "empty marker {m:?}");
            }
            for s in report.style_markers() {
                assert!(text.get(s.span()).is_some());
            }
            let json = serde_json::to_string(&report).unwrap_or_else(|e| panic!("{e}"));
            assert!(!json.is_empty());
            Depth::Complete
        }
        Err(Error::EmptyText { .. }) => {
            assert!(normalize(text).as_str().trim().is_empty());
            Depth::Parsed
        }
        Err(e) => panic!("analyze: unexpected error {e:?}"),
    }
}

/// The lexicon loader on arbitrary text; a lexicon that loads is compiled into an analyzer (its
/// own entries only) and run on a text made of its own phrases.
pub fn lexicon(data: &[u8]) -> Depth {
    let Ok(text) = std::str::from_utf8(data) else {
        return Depth::Refused;
    };
    let lexicon = match Lexicon::from_toml_str(text, "fuzz.toml") {
        Ok(l) => l,
        Err(Error::Lexicon { file, .. }) => {
            assert_eq!(file, "fuzz.toml");
            return Depth::Refused;
        }
        Err(e) => panic!("a lexicon error must be Error::Lexicon, got {e:?}"),
    };
    let phrases: Vec<String> = lexicon
        .entries()
        .iter()
        .take(64)
        .map(|e| e.phrase().to_string())
        .collect();
    let language = lexicon.language();
    let analyzer = match Analyzer::builder()
        .default_lexicons(false)
        .lexicon(lexicon)
        .build()
    {
        Ok(a) => a,
        Err(Error::Lexicon { file, .. }) => {
            assert_eq!(file, "fuzz.toml");
            return Depth::Parsed;
        }
        Err(Error::Config(_)) => return Depth::Parsed,
        Err(e) => panic!("unexpected build error {e:?}"),
    };
    let body = phrases.join(". Puis ");
    let mut article = Article::new("fuzz", body.as_str());
    if let Some(lang) = language {
        article = article.with_language(lang);
    }
    match analyzer.analyze(&article) {
        Ok(report) => {
            for m in report.markers() {
                assert_eq!(body.get(m.span()), Some(m.text()));
                assert!(!m.text().is_empty(), "empty marker {m:?}");
            }
            Depth::Complete
        }
        Err(Error::EmptyText { .. }) => Depth::Parsed,
        Err(e) => panic!("unexpected analyze error {e:?}"),
    }
}

const MODEL_TEXT: &str = "Les vassaux de Washington et la minorité planétaire s'inquiètent, a \
                          déclaré le ministre. Selon lui, c'est une « propagande » totalement \
                          absurde !\n\nUn second paragraphe, plus calme, sur le budget 2024.";

/// The model loader. Arbitrary bytes go to `ModelFile::from_json` (a typed error naming the
/// file, or a model). Input that deserializes as a model is re-saved with a valid checksum, so
/// that the checks behind the checksum (shapes, compatibility with the analyzer) and scoring
/// with a hostile model are reached too.
pub fn model(data: &[u8]) -> Depth {
    let Ok(json) = std::str::from_utf8(data) else {
        return Depth::Refused;
    };
    match ModelFile::from_json(json, "fuzz.json") {
        Ok(_) => {}
        Err(Error::Model { file, .. }) => assert_eq!(file, "fuzz.json"),
        Err(e) => panic!("a model error must be Error::Model, got {e:?}"),
    }
    let Ok(mut model) = serde_json::from_str::<ModelFile>(json) else {
        return Depth::Refused;
    };
    model.checksum = String::new();
    let Ok(resaved) = model.to_json() else {
        return Depth::Parsed;
    };
    let model = match ModelFile::from_json(&resaved, "fuzz.json") {
        Ok(m) => m,
        Err(Error::Model { file, .. }) => {
            assert_eq!(file, "fuzz.json");
            return Depth::Parsed;
        }
        Err(e) => panic!("a model error must be Error::Model, got {e:?}"),
    };
    let Ok(models) = Models::from_files(vec![(model, "fuzz.json".into())]) else {
        return Depth::Parsed;
    };
    let analyzer = match Analyzer::builder().models(models).build() {
        Ok(a) => a,
        Err(Error::Model { file, .. }) => {
            assert_eq!(file, "fuzz.json");
            return Depth::Parsed;
        }
        Err(e) => panic!("unexpected build error {e:?}"),
    };
    for lang in [Language::FRENCH, Language::ENGLISH] {
        let report = analyzer
            .analyze(&Article::new("fuzz", MODEL_TEXT).with_language(lang))
            .unwrap_or_else(|e| panic!("{e}"));
        serde_json::to_string(&report).unwrap_or_else(|e| panic!("{e}"));
    }
    Depth::Complete
}

/// The JSON Lines corpus reader: every line gives a record or a typed input error naming the
/// file and line, line numbers increase, a bad line never stops the reading, and each record's
/// task examples are built or refused without panicking.
pub fn jsonl(data: &[u8]) -> Depth {
    let lines = data.split(|&b| b == b'\n').count();
    let reader = JsonlReader::new("fuzz.jsonl", Box::new(std::io::Cursor::new(data.to_vec())));
    let mut last = 0;
    let mut records = 0;
    for item in reader {
        let line = match item {
            Ok((loc, record)) => {
                records += 1;
                for task in Task::ALL {
                    let _ = task.partition(&record);
                    if let Ok(examples) = task.examples(&record) {
                        for e in examples {
                            assert!(e.text.len() <= record.text.len());
                        }
                    }
                }
                loc.line
            }
            Err(Error::Input { file, line, .. }) => {
                assert_eq!(file, "fuzz.jsonl");
                line
            }
            Err(e) => panic!("a reader error must be Error::Input, got {e:?}"),
        };
        assert!(
            line > last && line <= lines,
            "line {line} after {last} of {lines}"
        );
        last = line;
    }
    if records > 0 {
        Depth::Complete
    } else {
        Depth::Parsed
    }
}

/// The CSV and TSV reader (`partipris score` inputs): every row gives a record or a typed
/// record error naming the file and a line within it, lines increase, no record has an empty
/// text or a text over the size limit, and a bad row never stops the reading. The first byte
/// chooses the options (bit 0: TSV; bit 1: a 64-byte size limit; bit 2: a `title` field); the
/// rest is the file.
pub fn csv(data: &[u8]) -> Depth {
    use partipris::input::{InputFormat, InputOptions, Inputs};
    let Some((&options, file)) = data.split_first() else {
        return Depth::Refused;
    };
    let format = if options & 1 == 1 {
        InputFormat::Tsv
    } else {
        InputFormat::Csv
    };
    let mut opts = InputOptions::default();
    if options & 2 == 2 {
        opts.max_bytes = 64;
    }
    if options & 4 == 4 {
        opts.fields.title = Some("title".to_string());
    }
    // Lines end with a line feed, or a carriage return not followed by one (as the CSV reader
    // ends rows).
    let lines = 1 + file
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && file.get(i + 1) != Some(&b'\n')))
        .count();
    let items = Inputs::from_reader(
        "fuzz.csv",
        Box::new(std::io::Cursor::new(file.to_vec())),
        format,
        &opts,
    );
    let mut last = 0;
    let mut records = 0;
    for item in items {
        let line = match item {
            Ok(record) => {
                records += 1;
                assert_eq!(record.location.file.to_str(), Some("fuzz.csv"));
                assert!(
                    !record.text.trim().is_empty(),
                    "a record with an empty text"
                );
                assert!(!record.id.is_empty(), "a record without an id");
                if opts.fields.title.is_none() {
                    assert!(record.text.len() <= opts.max_bytes, "a text over the limit");
                }
                record.location.line
            }
            Err(e) => {
                assert_eq!(e.file, "fuzz.csv");
                assert!(!e.reason.is_empty(), "an error without a reason");
                assert!(!e.id.is_empty(), "an error without an id");
                e.line
            }
        };
        assert!(
            line > last && line <= lines,
            "line {line} after {last} of {lines}"
        );
        last = line;
    }
    if records > 0 {
        Depth::Complete
    } else {
        Depth::Parsed
    }
}
