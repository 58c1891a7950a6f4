//! Damaged models and lexicons are refused with an error naming the file and the reason:
//! truncated, edited (checksum mismatch), of an unknown format version, with values out of
//! range behind a valid checksum, or trained with another feature spec or another set of
//! lexicons. Table-driven, on copies of the shipped files written to a temporary directory, and
//! loaded the way a user loads them (`ModelFile::load`, `Models::load` with the builder,
//! `Lexicon::from_path`).

use std::path::{Path, PathBuf};

use partipris::model::{ModelFile, Models};
use partipris::{Analyzer, Error, Lexicon};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("damaged_models");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir.join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The shipped satire model (the smallest), as JSON.
fn shipped() -> String {
    read(&root().join("models/satire.json"))
}

/// Edits a model's fields and saves it again with a valid checksum: the damage is behind the
/// checksum, as in a model trained or written by other code.
fn resealed(edit: fn(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&shipped()).unwrap_or_else(|e| panic!("{e}"));
    edit(&mut v);
    let mut model: ModelFile = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
    model.checksum.clear();
    model.to_json().unwrap_or_else(|e| panic!("{e}"))
}

/// Edits the JSON text itself (checksum left as it was).
fn edited(from: &str, to: &str) -> String {
    let json = shipped();
    assert!(json.contains(from), "{from}");
    json.replacen(from, to, 1)
}

/// Where a damaged model is caught.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    /// `ModelFile::load` refuses it.
    Load,
    /// It loads, and the analyzer refuses it at `build()` (it does not fit the analyzer).
    Build,
}

#[test]
fn damaged_model_files_are_refused_naming_file_and_reason() {
    let json = shipped();
    let cases: Vec<(&str, String, Stage, &str)> = vec![
        ("empty file", String::new(), Stage::Load, "truncated"),
        (
            "truncated to 1 byte",
            json[..1].to_string(),
            Stage::Load,
            "truncated",
        ),
        (
            "truncated at 10%",
            json[..json.len() / 10].to_string(),
            Stage::Load,
            "truncated",
        ),
        (
            "truncated at 50%",
            json[..json.len() / 2].to_string(),
            Stage::Load,
            "truncated",
        ),
        (
            "truncated by one byte",
            json[..json.len() - 1].to_string(),
            Stage::Load,
            "truncated",
        ),
        (
            "not JSON",
            "PK\u{3}\u{4} zip?".into(),
            Stage::Load,
            "not a model file",
        ),
        (
            "a JSON array",
            "[1, 2, 3]".into(),
            Stage::Load,
            "not a model file",
        ),
        (
            "a lexicon given as a model",
            read(&root().join("models/lexicons/fr.toml")),
            Stage::Load,
            "not a model file",
        ),
        (
            "format version 4",
            edited("\"format_version\":2", "\"format_version\":4"),
            Stage::Load,
            "unknown format_version 4",
        ),
        (
            "format version 0",
            edited("\"format_version\":2", "\"format_version\":0"),
            Stage::Load,
            "unknown format_version 0",
        ),
        (
            "format version as a string",
            edited("\"format_version\":2", "\"format_version\":\"2\""),
            Stage::Load,
            "not a model file",
        ),
        (
            "no format version",
            edited("\"format_version\":2,", ""),
            Stage::Load,
            "missing format_version",
        ),
        (
            "edited: a weight",
            {
                let at = json.find("\"weights\":[").unwrap_or(0) + 11;
                let digit = json[at..]
                    .find(|c: char| c.is_ascii_digit())
                    .map_or(at, |i| at + i);
                let d = json.as_bytes()[digit];
                format!(
                    "{}{}{}",
                    &json[..digit],
                    if d == b'9' { '8' } else { (d + 1) as char },
                    &json[digit + 1..]
                )
            },
            Stage::Load,
            "checksum mismatch",
        ),
        (
            "edited: the task",
            edited("\"task\":\"satire\"", "\"task\":\"genre\""),
            Stage::Load,
            "checksum mismatch",
        ),
        (
            "edited: the threshold",
            {
                let at = json
                    .find("\"threshold\":")
                    .unwrap_or_else(|| panic!("the satire model has no threshold"))
                    + "\"threshold\":".len();
                format!("{}0.123{}", &json[..at], &json[at + 3..])
            },
            Stage::Load,
            "checksum mismatch",
        ),
        (
            "edited: the checksum",
            {
                let at = json.rfind("\"checksum\":\"").unwrap_or(0) + 12;
                format!("{}{}{}", &json[..at], "0".repeat(64), &json[at + 64..])
            },
            Stage::Load,
            "checksum mismatch",
        ),
        (
            "checksum removed",
            {
                let at = json.rfind(",\"checksum\":\"").unwrap_or(json.len());
                format!("{}}}", &json[..at])
            },
            Stage::Load,
            "checksum mismatch",
        ),
        (
            "resealed: weights of the wrong length",
            resealed(|v| {
                if let Some(w) = v["heads"][0]["weights"].as_array_mut() {
                    w.pop();
                }
            }),
            Stage::Load,
            "has weights for",
        ),
        (
            "resealed: a scale of zero",
            resealed(|v| v["scaler"]["scale"][3] = 0.0.into()),
            Stage::Load,
            "scale that is not positive",
        ),
        (
            // JSON has no infinity: an overflowing number is refused by the parser.
            "an overflowing weight",
            resealed(|v| v["heads"][0]["weights"][0] = 1e39.into()).replacen(
                "\"weights\":[null",
                "\"weights\":[1e39",
                1,
            ),
            Stage::Load,
            "out of range",
        ),
        (
            // Finite, but the scores summed over an input would overflow: NaN probabilities.
            "resealed: huge weights",
            resealed(|v| {
                if let Some(w) = v["heads"][0]["weights"].as_array_mut() {
                    for (i, x) in w.iter_mut().enumerate() {
                        *x = if i % 2 == 0 { -3e38 } else { 3e38 }.into();
                    }
                }
            }),
            Stage::Load,
            "out of range",
        ),
        (
            "resealed: a huge intercept",
            resealed(|v| v["heads"][0]["intercept"][1] = 1e30.into()),
            Stage::Load,
            "out of range",
        ),
        (
            "resealed: a huge calibration slope",
            resealed(|v| v["heads"][0]["platt"]["a"] = (-1e20).into()),
            Stage::Load,
            "out of range",
        ),
        (
            "resealed: a huge IDF",
            resealed(|v| v["ngrams"][0]["idf"] = 3e38.into()),
            Stage::Load,
            "IDF of",
        ),
        (
            "resealed: the classes in another order",
            resealed(|v| v["heads"][0]["classes"] = serde_json::json!(["satire", "regular"])),
            Stage::Load,
            "must have the heads",
        ),
        (
            "resealed: classes of another task",
            resealed(|v| v["heads"][0]["classes"] = serde_json::json!(["non-biased", "biased"])),
            Stage::Load,
            "must have the heads",
        ),
        (
            "resealed: a head named otherwise",
            resealed(|v| v["heads"][0]["name"] = "genre".into()),
            Stage::Load,
            "must have the heads",
        ),
        (
            "resealed: a class more",
            resealed(|v| {
                let head = &mut v["heads"][0];
                let w: Vec<serde_json::Value> = head["weights"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .chunks(2)
                    .flat_map(|row| [row[0].clone(), row[1].clone(), 0.0.into()])
                    .collect();
                head["weights"] = w.into();
                head["classes"] = serde_json::json!(["regular", "satire", "other"]);
                if let Some(i) = head["intercept"].as_array_mut() {
                    i.push(0.0.into());
                }
            }),
            Stage::Load,
            "must have the heads",
        ),
        (
            "resealed: a head more",
            resealed(|v| {
                let mut second = v["heads"][0].clone();
                second["name"] = "second".into();
                if let Some(h) = v["heads"].as_array_mut() {
                    h.push(second);
                }
            }),
            Stage::Load,
            "must have the heads",
        ),
        (
            "resealed: a threshold above 1",
            resealed(|v| v["heads"][0]["threshold"] = 1.5.into()),
            Stage::Load,
            "threshold outside",
        ),
        (
            "resealed: no heads",
            resealed(|v| v["heads"] = serde_json::json!([])),
            Stage::Load,
            "no heads",
        ),
        (
            "resealed: a dense feature less",
            resealed(|v| {
                for key in ["mean", "scale"] {
                    if let Some(a) = v["scaler"][key].as_array_mut() {
                        a.pop();
                    }
                }
                if let Some(a) = v["dense_features"].as_array_mut() {
                    a.pop();
                }
                if let Some(w) = v["heads"][0]["weights"].as_array_mut() {
                    w.truncate(w.len() - 2);
                }
            }),
            Stage::Build,
            "feature spec",
        ),
        (
            "trained with another feature spec",
            resealed(|v| v["feature_spec_fingerprint"] = "0".repeat(64).into()),
            Stage::Build,
            "feature spec version",
        ),
        (
            "trained with an edited lexicon",
            resealed(|v| v["lexicons"][0]["sha256"] = "f".repeat(64).into()),
            Stage::Build,
            "trained with lexicon curated-fr",
        ),
        (
            "trained without a lexicon the analyzer loads",
            resealed(|v| {
                if let Some(a) = v["lexicons"].as_array_mut() {
                    a.pop();
                }
            }),
            Stage::Build,
            "trained with lexicons",
        ),
        (
            // Where two lexicons hold one phrase the earlier wins: the order changes markers.
            "trained with the same lexicons in another order",
            resealed(|v| {
                if let Some(a) = v["lexicons"].as_array_mut() {
                    a.swap(0, 2);
                }
            }),
            Stage::Build,
            "in this order",
        ),
        (
            "trained with a lexicon the analyzer lacks",
            resealed(|v| v["lexicons"][7]["name"] = "learned-xx".into()),
            Stage::Build,
            "which the analyzer does not load",
        ),
    ];
    for (name, contents, stage, reason) in cases {
        let path = tmp(&format!("{}.json", name.replace([' ', ':'], "_")));
        std::fs::write(&path, &contents).unwrap_or_else(|e| panic!("{e}"));
        let file = path.display().to_string();
        let err = match (stage, ModelFile::load(&path)) {
            (Stage::Load, Err(e)) => e,
            (Stage::Build, Ok(_)) => {
                let models = Models::load(std::slice::from_ref(&path))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                match Analyzer::builder().models(models).build() {
                    Err(e) => e,
                    Ok(_) => panic!("{name}: the analyzer accepted the model"),
                }
            }
            (_, got) => panic!(
                "{name}: refused at the wrong stage ({stage:?}): {:?}",
                got.err()
            ),
        };
        match &err {
            Error::Model { file: f, reason: r } => {
                assert_eq!(f, &file, "{name}");
                assert!(r.contains(reason), "{name}: {r:?} should say {reason:?}");
            }
            other => panic!("{name}: expected Error::Model, got {other:?}"),
        }
        let shown = err.to_string();
        assert!(
            shown.contains(&file) && shown.contains(reason),
            "{name}: {shown}"
        );
    }
}

/// A file cut short inside a multi-byte character is truncated like any other, not "not valid
/// UTF-8"; bytes that are not UTF-8 before the end still are.
#[test]
fn a_model_cut_inside_a_character_is_truncated_not_invalid_utf8() {
    let json = shipped();
    let at = json
        .char_indices()
        .find(|(_, c)| c.len_utf8() > 1)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("the satire model holds no multi-byte character"));
    let path = tmp("cut-inside-a-character.json");
    std::fs::write(&path, &json.as_bytes()[..at]).unwrap_or_else(|e| panic!("{e}"));
    match ModelFile::load(&path) {
        Err(Error::Model { file, reason }) => {
            assert_eq!(file, path.display().to_string());
            assert!(reason.contains("truncated"), "{reason}");
        }
        other => panic!("expected a truncated model, got {other:?}"),
    }
    let mut bytes = json.into_bytes();
    bytes[at - 1] = 0xFF;
    let path = tmp("not-utf8-inside.json");
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    match ModelFile::load(&path) {
        Err(Error::InvalidUtf8 { offset, .. }) => assert_eq!(offset, at - 1),
        other => panic!("expected Error::InvalidUtf8, got {other:?}"),
    }
}

#[test]
fn the_shipped_models_load_and_two_models_of_one_task_are_refused() {
    let path = tmp("satire-copy.json");
    std::fs::write(&path, shipped()).unwrap_or_else(|e| panic!("{e}"));
    let one = Models::load(std::slice::from_ref(&path)).unwrap_or_else(|e| panic!("{e}"));
    assert!(Analyzer::builder().models(one).build().is_ok());
    match Models::load(&[path.clone(), root().join("models/satire.json")]) {
        Err(Error::Model { file, reason }) => {
            assert!(file.ends_with("models/satire.json"), "{file}");
            assert!(reason.contains("a second satire model"), "{reason}");
        }
        other => panic!("expected a duplicate-task error, got {other:?}"),
    }
}

/// A model is refused next to lexicons other than those it was trained with: an edited shipped
/// lexicon (same name, other bytes), a lexicon more, or a lexicon less.
#[test]
fn models_are_refused_with_other_lexicons() {
    let shipped_lexicons = Lexicon::embedded().unwrap_or_else(|e| panic!("{e}"));
    let fr = read(&root().join("models/lexicons/fr.toml"));
    let edited_fr = tmp("fr-edited.toml");
    std::fs::write(&edited_fr, fr.replacen("weight = 2.0", "weight = 2.5", 1))
        .unwrap_or_else(|e| panic!("{e}"));
    let extra = tmp("extra.toml");
    std::fs::write(
        &extra,
        "format_version = 1\nname = \"extra\"\nlanguage = \"fr\"\nversion = \"1\"\nentries = [\n  { phrase = \"zzyzx\", category = \"sarcasm\" },\n]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));

    type Build = Box<dyn Fn() -> partipris::Result<Analyzer>>;
    let with = |lexicons: Vec<Lexicon>| -> partipris::Result<Analyzer> {
        let mut b = Analyzer::builder()
            .default_lexicons(false)
            .default_models(true);
        for l in lexicons {
            b = b.lexicon(l);
        }
        b.build()
    };
    let edited = {
        let shipped = shipped_lexicons.clone();
        let path = edited_fr.clone();
        Box::new(move || {
            let mut lexicons = shipped.clone();
            lexicons[0] = Lexicon::from_path(&path)?;
            with(lexicons)
        }) as Build
    };
    let cases: Vec<(&str, Build, &str)> = vec![
        (
            "edited curated-fr",
            edited,
            "trained with lexicon curated-fr",
        ),
        (
            "a lexicon more",
            Box::new(move || {
                Analyzer::builder()
                    .lexicon_file(&extra)
                    .default_models(true)
                    .build()
            }),
            "trained with lexicons",
        ),
        (
            "a lexicon less",
            {
                let shipped = shipped_lexicons.clone();
                Box::new(move || with(shipped[..7].to_vec()))
            },
            "trained with lexicons",
        ),
    ];
    assert!(
        with(shipped_lexicons.clone()).is_ok(),
        "the shipped lexicons fit"
    );
    for (name, build, reason) in cases {
        match build() {
            Err(Error::Model { file, reason: r }) => {
                assert!(
                    file.starts_with("models/")
                        && (file.ends_with(".json") || file.ends_with(".json.gz")),
                    "{name}: {file}"
                );
                assert!(r.contains(reason), "{name}: {r}");
            }
            other => panic!("{name}: expected a model error, got {:?}", other.err()),
        }
    }
}

/// Truncated copies of a shipped lexicon are refused naming the file and a line.
#[test]
fn truncated_lexicons_are_refused_naming_file_and_line() {
    let fr = read(&root().join("models/lexicons/fr.toml"));
    for percent in [1, 10, 50, 90, 99] {
        let mut cut = fr.len() * percent / 100;
        while !fr.is_char_boundary(cut) {
            cut -= 1;
        }
        let path = tmp(&format!("fr-truncated-{percent}.toml"));
        std::fs::write(&path, &fr[..cut]).unwrap_or_else(|e| panic!("{e}"));
        match Lexicon::from_path(&path) {
            Err(Error::Lexicon { file, line, .. }) => {
                assert_eq!(file, path.display().to_string());
                assert!(line.is_some(), "{percent}%: no line");
            }
            other => panic!("{percent}%: expected a lexicon error, got {other:?}"),
        }
    }
}

/// Models built in code (not read from a file) get the same checks when handed to the
/// analyzer: `Models::from_files` refuses values out of range and shapes that do not fit.
#[test]
fn models_built_in_code_are_checked_too() {
    let good: ModelFile = serde_json::from_str(&shipped()).unwrap_or_else(|e| panic!("{e}"));
    type Edit = fn(&mut ModelFile);
    let cases: &[(&str, Edit, &str)] = &[
        (
            "an infinite weight",
            |m| m.heads[0].weights[0] = f32::INFINITY,
            "non-finite",
        ),
        (
            "a NaN intercept",
            |m| m.heads[0].intercept[0] = f32::NAN,
            "non-finite",
        ),
        (
            "a negative scale",
            |m| m.scaler.scale[0] = -1.0,
            "not positive",
        ),
        (
            "a NaN IDF",
            |m| m.ngrams[0].idf = f32::NAN,
            "non-finite IDF",
        ),
        (
            "weights cut short",
            |m| m.heads[0].weights.truncate(10),
            "has weights for",
        ),
        (
            "no classes",
            |m| m.heads[0].classes.clear(),
            "has weights for",
        ),
    ];
    assert!(Models::from_files(vec![(good.clone(), "code".into())]).is_ok());
    for (name, edit, reason) in cases {
        let mut m = good.clone();
        edit(&mut m);
        match Models::from_files(vec![(m, "built-in-code".into())]) {
            Err(Error::Model { file, reason: r }) => {
                assert_eq!(file, "built-in-code", "{name}");
                assert!(r.contains(reason), "{name}: {r}");
            }
            other => panic!("{name}: expected a model error, got {:?}", other.err()),
        }
    }
}

/// A persuasion model's heads must be its six categories then `any`, each with its two
/// classes: the reports and the CSV columns name the categories after the heads.
#[test]
fn persuasion_heads_must_be_the_categories_then_any() {
    let good = ModelFile::load(&root().join("models/persuasion.json.gz"))
        .unwrap_or_else(|e| panic!("{e}"));
    type Edit = fn(&mut ModelFile);
    let cases: &[(&str, Edit)] = &[
        ("categories swapped", |m| m.heads.swap(0, 1)),
        ("a category renamed", |m| {
            m.heads[2].name = "simplistic".into()
        }),
        ("any without its classes", |m| {
            m.heads[6].classes = vec!["none".into(), "any".into()]
        }),
        ("no any head", |m| {
            m.heads.pop();
        }),
    ];
    assert!(Models::from_files(vec![(good.clone(), "p".into())]).is_ok());
    for (name, edit) in cases {
        let mut m = good.clone();
        edit(&mut m);
        match Models::from_files(vec![(m, "p".into())]) {
            Err(Error::Model { file, reason }) => {
                assert_eq!(file, "p", "{name}");
                assert!(reason.contains("must have the heads"), "{name}: {reason}");
            }
            other => panic!("{name}: expected a model error, got {:?}", other.err()),
        }
    }
}

/// A stance model built in code gets the checks of a file read from disk
/// (`StanceModel::new`), and one trained with the same lexicons in another order is refused
/// by the analyzer.
#[test]
fn stance_models_are_checked_too() {
    use partipris::StanceModel;
    let good =
        ModelFile::load(&root().join("models/stance.json.gz")).unwrap_or_else(|e| panic!("{e}"));
    assert!(StanceModel::new(good.clone(), "s").is_ok());
    type Edit = fn(&mut ModelFile);
    let cases: &[(&str, Edit, &str)] = &[
        (
            "a NaN weight",
            |m| m.heads[1].weights[0] = f32::NAN,
            "non-finite",
        ),
        (
            "a huge weight",
            |m| m.heads[0].weights[3] = 1e30,
            "out of range",
        ),
        (
            "weights cut short",
            |m| m.heads[2].weights.truncate(6),
            "has weights for",
        ),
    ];
    for (name, edit, reason) in cases {
        let mut m = good.clone();
        edit(&mut m);
        match StanceModel::new(m, "s") {
            Err(Error::Model { file, reason: r }) => {
                assert_eq!(file, "s", "{name}");
                assert!(r.contains(reason), "{name}: {r}");
            }
            other => panic!("{name}: expected a model error, got {:?}", other.err()),
        }
    }
    let mut reordered = good.clone();
    reordered.lexicons.swap(0, 1);
    let model = StanceModel::new(reordered, "reordered").unwrap_or_else(|e| panic!("{e}"));
    match Analyzer::builder().stance_model(model).build() {
        Err(Error::Model { file, reason }) => {
            assert_eq!(file, "reordered");
            assert!(reason.contains("in this order"), "{reason}");
        }
        other => panic!("expected a model error, got {:?}", other.err()),
    }
}

/// A gzip-compressed model is read whatever its name says, and whole when it is made of
/// several gzip members (as `bgzip` writes); a `.gz` name on plain JSON is refused.
#[test]
fn gzip_models_are_read_by_their_bytes_and_every_member() {
    use std::io::Write;
    let json = shipped();
    let gzip = |bytes: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
        gz.finish().unwrap_or_else(|e| panic!("{e}"))
    };
    let half = json.len() / 2;
    let mut members = gzip(&json.as_bytes()[..half]);
    members.extend(gzip(&json.as_bytes()[half..]));
    let cases: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
        ("gzip-named-json.json", gzip(json.as_bytes()), None),
        ("gzip-no-extension", gzip(json.as_bytes()), None),
        ("two-members.json.gz", members, None),
        (
            "plain.json.gz",
            json.clone().into_bytes(),
            Some("not a gzip-compressed model"),
        ),
    ];
    let expected: ModelFile = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    for (name, bytes, refusal) in cases {
        let path = tmp(name);
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        match (ModelFile::load(&path), refusal) {
            (Ok(m), None) => assert_eq!(m, expected, "{name}"),
            (Err(Error::Model { reason, .. }), Some(r)) => {
                assert!(reason.contains(r), "{name}: {reason}")
            }
            (got, _) => panic!("{name}: {:?}", got.err()),
        }
    }
}

/// A file that never ends (`/dev/zero`) is refused once it passes the largest model this build
/// reads, not read until memory runs out.
#[cfg(unix)]
#[test]
fn a_model_file_that_never_ends_is_refused_at_the_size_limit() {
    let path = Path::new("/dev/zero");
    if !path.exists() {
        return;
    }
    match ModelFile::load(path) {
        Err(Error::Model { file, reason }) => {
            assert_eq!(file, "/dev/zero");
            assert!(reason.contains("larger than"), "{reason}");
        }
        other => panic!("expected a model error, got {:?}", other.err()),
    }
}
