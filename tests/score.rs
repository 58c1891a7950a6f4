//! `partipris score`, `explain` and `eval` through the binary: output order and determinism
//! whatever the thread count, error records, CSV output, report parts, input formats,
//! well-formed HTML pages, and how `eval` reads labelled data (records left out, label errors,
//! stance targets).

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_partipris"))
}

fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running partipris: {e}"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("partipris-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

const SENTENCES: [&str; 6] = [
    "Les vassaux de Washington et la minorité planétaire s'inquiètent, a déclaré le ministre.",
    "Le gouvernement a présenté lundi son projet de budget pour l'année prochaine.",
    "Cette propagande hexagonale ne trompe plus personne : l'establishment otanesque panique !",
    "The senator said on Tuesday that the bill would be debated next week.",
    "Les élites mondialistes veulent détruire notre souveraineté, réveillez-vous !",
    "Selon l'Insee, le chômage a légèrement reculé au troisième trimestre.",
];

/// A JSON Lines corpus of `n` synthetic articles, with bad records in known places.
fn corpus(n: usize) -> (String, Vec<Option<&'static str>>) {
    let mut out = String::new();
    let mut expected = Vec::new();
    for i in 0..n {
        match i % 50 {
            7 => {
                out.push_str("{\"id\":\"broken\",\"text\":\n");
                expected.push(Some("malformed"));
            }
            19 => {
                out.push_str(&format!("{{\"id\":\"empty-{i}\",\"text\":\"  \"}}\n"));
                expected.push(Some("empty_text"));
            }
            31 => {
                out.push_str(&format!("{{\"id\":\"notext-{i}\"}}\n"));
                expected.push(Some("missing_field"));
            }
            _ => {
                let text: Vec<&str> = (0..1 + i % 5)
                    .map(|k| SENTENCES[(i + k) % SENTENCES.len()])
                    .collect();
                let record = serde_json::json!({"id": format!("a{i}"), "text": text.join("\n\n")});
                out.push_str(&record.to_string());
                out.push('\n');
                expected.push(None);
            }
        }
    }
    (out, expected)
}

#[test]
fn output_is_in_input_order_identical_for_any_thread_count_and_loses_nothing() {
    let dir = temp_dir("threads");
    let input = dir.join("in.jsonl");
    let (text, expected) = corpus(230);
    write(&input, text.as_bytes());
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = dir.join(format!("out-{threads}.jsonl"));
        let o = run(&[
            "score",
            input.to_str().unwrap_or_default(),
            "--models",
            "--threads",
            threads,
            "--chunk",
            "16",
            "--out",
            out.to_str().unwrap_or_default(),
        ]);
        assert_eq!(o.status.code(), Some(1), "errors give exit code 1");
        let summary = String::from_utf8_lossy(&o.stderr);
        assert!(
            summary.contains("scored 216 articles, 14 error records"),
            "{summary}"
        );
        outputs.push(read(&out));
    }
    assert!(
        outputs.iter().all(|o| *o == outputs[0]),
        "output depends on --threads"
    );
    let got = lines(&outputs[0]);
    assert_eq!(got.len(), expected.len());
    for (i, (line, exp)) in got.iter().zip(&expected).enumerate() {
        match exp {
            None => {
                assert_eq!(line["id"], format!("a{i}"));
                assert!(line["markers"].is_array() && line["scores"].is_object());
            }
            Some(kind) => {
                assert_eq!(line["error"]["kind"], *kind, "line {i}: {line}");
                assert_eq!(line["error"]["line"], i + 1);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_file_csv_output_and_fields() {
    let dir = temp_dir("errors");
    let input = dir.join("in.jsonl");
    let (text, expected) = corpus(60);
    write(&input, text.as_bytes());
    let (out, errors) = (dir.join("out.jsonl"), dir.join("errors.jsonl"));
    let o = run(&[
        "score",
        input.to_str().unwrap_or_default(),
        "--fields",
        "density,scores",
        "--out",
        out.to_str().unwrap_or_default(),
        "--errors",
        errors.to_str().unwrap_or_default(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stderr.is_empty(), "--quiet");
    let reports = lines(&read(&out));
    assert_eq!(
        reports.len(),
        expected.iter().filter(|e| e.is_none()).count()
    );
    for r in &reports {
        let mut keys: Vec<&str> = r
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "loaded_language_density", "scores"]);
    }
    let errs = lines(&read(&errors));
    let kinds: Vec<&str> = errs.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["malformed", "empty_text", "missing_field", "malformed"]
    );
    assert_eq!(errs[1]["id"], "empty-19");
    assert_eq!(errs[1]["line"], 20);
    assert_eq!(errs[1]["field"], "text");
    assert!(errs[0]["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("in.jsonl")));

    let o = run(&[
        "score",
        input.to_str().unwrap_or_default(),
        "--format",
        "csv",
    ]);
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    let header = reader.headers().cloned().unwrap_or_default();
    let error_col = header.iter().position(|h| h == "error");
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(|r| r.ok()).collect();
    assert_eq!(rows.len(), expected.len());
    for (row, exp) in rows.iter().zip(&expected) {
        let err = error_col.and_then(|c| row.get(c)).unwrap_or_default();
        assert_eq!(err.is_empty(), exp.is_none(), "{row:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn csv_tsv_directories_and_stdin_in_one_call() {
    let dir = temp_dir("formats");
    let csv_path = dir.join("in.csv");
    write(
        &csv_path,
        format!(
            "doc,body,language\nc1,\"{}\",fr\nc2,\"{}\",\n",
            SENTENCES[0], SENTENCES[1]
        )
        .as_bytes(),
    );
    let texts = dir.join("texts");
    std::fs::create_dir_all(&texts).unwrap_or_else(|e| panic!("{e}"));
    write(&texts.join("b.txt"), SENTENCES[2].as_bytes());
    write(&texts.join("a.txt"), SENTENCES[4].as_bytes());
    let mut child = bin()
        .args([
            "score",
            "-",
            csv_path.to_str().unwrap_or_default(),
            texts.to_str().unwrap_or_default(),
            "--text-field",
            "body",
            "--id-field",
            "doc",
            "--lang-field",
            "language",
            "--fields",
            "language",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let line = serde_json::json!({"doc": "s1", "body": SENTENCES[3], "language": "en"});
        let _ = writeln!(stdin, "{line}");
    }
    let o = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got = lines(&o.stdout);
    let ids: Vec<&str> = got.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["s1", "c1", "c2", "a", "b"]);
    assert_eq!(got[0]["language"]["source"], "given");
    assert_eq!(got[1]["language"]["code"], "fr");
    assert_eq!(got[1]["language"]["source"], "given");
    assert_eq!(got[2]["language"]["source"], "detected", "empty cell");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_output_that_is_an_input_another_output_or_unwritable_is_refused_before_any_work() {
    let dir = temp_dir("same-output");
    let input = dir.join("in.jsonl");
    let original = format!(
        "{}\n",
        serde_json::json!({"id": "a", "text": SENTENCES[1], "label": "regular"})
    );
    write(&input, original.as_bytes());
    let article = dir.join("a.txt");
    write(&article, SENTENCES[0].as_bytes());
    let out = dir.join("out.jsonl");
    let (i, o, a) = (
        input.to_str().unwrap_or_default(),
        out.to_str().unwrap_or_default(),
        article.to_str().unwrap_or_default(),
    );
    let spelled_otherwise = format!("{}/./in.jsonl", dir.display());
    let nowhere = format!("{}/no-such-folder/out.json", dir.display());
    let folder = dir.to_str().unwrap_or_default();
    let table: &[&[&str]] = &[
        &["score", i, "--out", i],
        &["score", i, "--out", &spelled_otherwise],
        &["score", i, "--errors", i],
        &["score", i, "--out", o, "--errors", o],
        &["score", i, "--out", &nowhere],
        &["score", i, "--out", folder],
        &["train", "--task", "satire", "--data", i, "--out", i],
        &["train", "--task", "satire", "--data", i, "--out", &nowhere],
        &["eval", "--task", "satire", "--data", i, "--out", i],
        &["explain", a, "--out", a],
        &["score", folder, "--out", &format!("{folder}/out.txt")],
    ];
    for args in table {
        let got = run(args);
        let stderr = String::from_utf8_lossy(&got.stderr);
        assert_eq!(got.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("--out") || stderr.contains("--errors"),
            "{stderr}"
        );
        assert_eq!(
            read(&input),
            original.as_bytes(),
            "{args:?} damaged the input"
        );
        assert_eq!(read(&article), SENTENCES[0].as_bytes(), "{args:?}");
        assert!(!out.exists(), "{args:?} created the output");
        assert!(!dir.join("out.txt").exists(), "{args:?} created the output");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A failed write of error records names the file written to, as a failed write of reports does.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_of_error_records_names_the_file() {
    let dir = temp_dir("full-errors");
    let input = dir.join("in.jsonl");
    let records: String = (0..3000)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"id": format!("e{i}"), "text": ""})
            )
        })
        .collect();
    write(&input, records.as_bytes());
    let i = input.to_str().unwrap_or_default();
    for args in [
        &["score", i, "--errors", "/dev/full", "--out", "/dev/null"][..],
        &["score", i, "--out", "/dev/full"][..],
    ] {
        let got = run(args);
        let stderr = String::from_utf8_lossy(&got.stderr);
        assert_eq!(got.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("/dev/full"), "{args:?}: {stderr}");
        assert!(!stderr.contains("configuration"), "{args:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A targets file of one target, Acme.
const ACME_TARGETS: &[u8] =
    b"format_version = 1\nname = \"t\"\nversion = \"1\"\n[[target]]\nid = \"acme\"\nname = \"Acme\"\naliases.fr = [\"Acme\"]\n";

/// `--targets` next to custom lexicons, without a stance model trained with them, is refused
/// with the reason, before any work.
#[test]
fn targets_next_to_custom_lexicons_need_their_own_stance_model() {
    let dir = temp_dir("targets-custom");
    let lexicon = dir.join("lex.toml");
    write(
        &lexicon,
        b"format_version = 1\nname = \"mine\"\nlanguage = \"fr\"\nversion = \"1.0.0\"\nentries = [\n  { phrase = \"vassaux\", category = \"pejorative_label\" },\n]\n",
    );
    let targets = dir.join("targets.toml");
    write(&targets, ACME_TARGETS);
    let article = dir.join("a.txt");
    write(&article, SENTENCES[0].as_bytes());
    let got = run(&[
        "analyze",
        "--lang",
        "fr",
        "--lexicon",
        lexicon.to_str().unwrap_or_default(),
        "--targets",
        targets.to_str().unwrap_or_default(),
        article.to_str().unwrap_or_default(),
    ]);
    let stderr = String::from_utf8_lossy(&got.stderr);
    assert_eq!(got.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--targets with custom lexicons"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// What custom lexicons leave out (the shipped models, stances) is said once the analyzer is
/// built, and not before the error of a lexicon that is refused.
#[test]
fn custom_lexicon_notices_come_after_the_lexicon_loads_and_not_before_its_error() {
    let dir = temp_dir("lexicon-notices");
    let article = dir.join("a.txt");
    write(&article, SENTENCES[0].as_bytes());
    for (category, loads) in [("pejorative_label", true), ("no_such_category", false)] {
        let lexicon = dir.join(format!("{category}.toml"));
        write(
            &lexicon,
            format!(
                "format_version = 1\nname = \"mine\"\nlanguage = \"fr\"\nversion = \"1.0.0\"\nentries = [\n  {{ phrase = \"vassaux\", category = \"{category}\" }},\n]\n"
            )
            .as_bytes(),
        );
        let got = run(&[
            "analyze",
            "--lexicon",
            lexicon.to_str().unwrap_or_default(),
            article.to_str().unwrap_or_default(),
        ]);
        let stderr = String::from_utf8_lossy(&got.stderr);
        assert_eq!(
            got.status.code(),
            Some(if loads { 0 } else { 2 }),
            "{stderr}"
        );
        assert_eq!(
            stderr.contains("custom lexicons:"),
            loads,
            "{category}: {stderr}"
        );
        assert_eq!(stderr.contains(category), !loads, "{category}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Parses a page as XML (the pages are XHTML-compatible) and returns the text of every
/// `<mark>` with its `data-start`, and whether the parse reached the end.
fn parse_page(html: &str) -> Vec<((usize, usize), String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(html);
    let mut marks = Vec::new();
    let mut open: Option<((usize, usize), String)> = None;
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                if e.name().as_ref() == b"mark" {
                    let at = |key: &[u8]| -> usize {
                        e.attributes()
                            .filter_map(|a| a.ok())
                            .find(|a| a.key.as_ref() == key)
                            .and_then(|a| String::from_utf8_lossy(&a.value).parse().ok())
                            .unwrap_or_else(|| panic!("a mark without data-start or data-end"))
                    };
                    open = Some(((at(b"data-start"), at(b"data-end")), String::new()));
                }
            }
            Ok(Event::End(e)) => {
                depth -= 1;
                if e.name().as_ref() == b"mark" {
                    marks.extend(open.take());
                }
            }
            Ok(Event::Text(t)) => {
                if let Some((_, s)) = open.as_mut() {
                    let raw = String::from_utf8_lossy(&t).into_owned();
                    let text = quick_xml::escape::unescape(&raw)
                        .unwrap_or_else(|e| panic!("{e}"))
                        .into_owned();
                    s.push_str(&text);
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    _ => match &*r {
                        b"amp" => '&',
                        b"lt" => '<',
                        b"gt" => '>',
                        b"quot" => '"',
                        b"apos" => '\'',
                        other => panic!("unknown entity {}", String::from_utf8_lossy(other)),
                    },
                };
                if let Some((_, s)) = open.as_mut() {
                    s.push(c);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at byte {}: {e}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    marks
}

fn check_explain(text: &str, name: &str) {
    let dir = temp_dir(name);
    let article = dir.join(format!("{name}.txt"));
    let page = dir.join("page.html");
    write(&article, text.as_bytes());
    let o = run(&[
        "explain",
        article.to_str().unwrap_or_default(),
        "--out",
        page.to_str().unwrap_or_default(),
        "--models",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = String::from_utf8(read(&page)).unwrap_or_else(|e| panic!("{e}"));
    let marks = parse_page(&html);
    let report = common::analyzer()
        .analyze(&partipris::Article::new(name, text))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!report.markers().is_empty());
    // Every mark names a marker's span, and every marker is one mark showing its text (the
    // layers that cut it, a word in capitals inside it, are drawn inside the mark).
    for (span, _) in &marks {
        assert!(
            report
                .markers()
                .iter()
                .any(|m| (m.start(), m.end()) == *span),
            "a mark of {span:?} is no marker's span"
        );
    }
    for m in report.markers() {
        let shown: Vec<&str> = marks
            .iter()
            .filter(|(span, _)| *span == (m.start(), m.end()))
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(shown, [m.text()], "marker {m:?}");
        assert!(html.contains(&format!("class=\"c-{}\"", m.category())));
    }
    let categories: HashSet<String> = report
        .markers()
        .iter()
        .map(|m| m.category().to_string())
        .collect();
    for c in categories {
        assert!(
            html.contains(&format!(".c-{c} {{")),
            "legend colour for {c}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_page_is_well_formed_and_shows_every_marker() {
    // A marker with a word in capitals inside it, one in scare quotes.
    let hostile = format!(
        "<b>Titre</b> & « {} »\n\n{}\n\nLa MINORITÉ planétaire. Les « vassaux » ? Vraiment ?",
        SENTENCES[0], SENTENCES[2]
    );
    check_explain(&hostile, "inline");
    if let Some(shared) = common::shared_dir() {
        for seed in ["000", "004"] {
            check_explain(&common::seed(&shared, seed), seed);
        }
    }
}

#[test]
fn eval_reads_a_users_csv_with_a_label_map_and_writes_html() {
    let dir = temp_dir("eval");
    let data = dir.join("labelled.csv");
    let mut csv = String::from("key,content,verdict\n");
    for i in 0..40 {
        let verdict = if i % 2 == 0 { "fake" } else { "real" };
        let text = format!("{} {}", SENTENCES[i % 6], SENTENCES[(i + 1) % 6]);
        csv.push_str(&format!("k{i},\"{text}\",{verdict}\n"));
    }
    csv.push_str("short-row\n");
    write(&data, csv.as_bytes());
    let page = dir.join("eval.html");
    let args = |format: &'static str| {
        vec![
            "eval".to_string(),
            "--task".into(),
            "satire".into(),
            "--data".into(),
            data.display().to_string(),
            "--text-field".into(),
            "content".into(),
            "--id-field".into(),
            "key".into(),
            "--label-field".into(),
            "verdict".into(),
            "--label-map".into(),
            "fake=satire,real=regular".into(),
            "--resamples".into(),
            "50".into(),
            "--format".into(),
            format.into(),
        ]
    };
    let o = bin()
        .args(args("json"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        o.status.code(),
        Some(1),
        "a skipped record gives exit code 1"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 42"));
    let json: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["n"], 40);
    assert_eq!(json["per_class"]["satire"]["support"], 20);
    let mut html_args = args("html");
    html_args.extend(["--out".to_string(), page.display().to_string()]);
    let o = bin()
        .args(html_args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status.code(), Some(1));
    let html = String::from_utf8(read(&page)).unwrap_or_else(|e| panic!("{e}"));
    parse_page(&html);
    assert!(html.contains("aria-label=\"confusion matrix\""));
    assert!(html.contains("aria-label=\"reliability diagram\""));
    assert!(html.contains("Per language"));
    // The worst errors say the language each record was read in, identified here.
    let misses = html.matches("<tr><td class=\"id\" dir=\"auto\">k").count();
    assert!(misses > 0, "no worst errors listed");
    assert_eq!(
        html.matches("</td><td></td><td>").count(),
        0,
        "a blank language"
    );
    let unmapped = bin()
        .args(&args("json")[..11])
        .args(["--resamples", "10"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        unmapped.status.code(),
        Some(2),
        "labels outside the task's are refused"
    );
    assert!(String::from_utf8_lossy(&unmapped.stderr).contains("\"fake\""));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_identifies_the_language_of_records_without_one_as_score_does() {
    // The same labelled French texts with and without a language column: the model must
    // read them in French either way (its n-gram tables are per language).
    let dir = temp_dir("eval-lang");
    let figures = |with_lang: bool| {
        let data = dir.join(format!("labelled-{with_lang}.csv"));
        let mut csv = String::from(if with_lang {
            "id,text,label,lang\n"
        } else {
            "id,text,label\n"
        });
        for i in 0..30 {
            let label = if i % 3 == 0 { "satire" } else { "regular" };
            let text = format!("{} {}", SENTENCES[i % 6], SENTENCES[(i + 2) % 6]);
            let lang = if with_lang { ",fr" } else { "" };
            csv.push_str(&format!("r{i},\"{text}\",{label}{lang}\n"));
        }
        write(&data, csv.as_bytes());
        let o = bin()
            .args(["eval", "--task", "satire", "--label-field", "label"])
            .args(["--resamples", "10", "--by", "lang", "--data"])
            .arg(&data)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let json: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
        // The figures, and `--by lang` grouping by the language read.
        (
            json["n"].clone(),
            json["binary"]["brier"]["value"].as_f64(),
            json["per_class"].clone(),
            json["by_group"].clone(),
        )
    };
    let (with, without) = (figures(true), figures(false));
    assert_eq!(with.0, 30);
    assert!(with.1.is_some(), "a Brier score: {with:?}");
    assert_eq!(without.3[0]["group"], "fr", "{:?}", without.3);
    assert_eq!(with, without);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Tweets in the SemEval-2016 stance schema's manner (written for the tests), with their labels
/// toward the target "Hillary Clinton".
const TWEETS: [(&str, &str); 6] = [
    ("Hillary Clinton is the most qualified candidate this country has ever seen, vote for her", "favor"),
    ("I am proud to stand with Hillary Clinton, she fought for children and families all her life", "favor"),
    ("Hillary Clinton lied about her emails and cannot be trusted with the security of this nation", "against"),
    ("Never again, Hillary Clinton is a corrupt career politician who only serves the big banks", "against"),
    ("The debate tonight starts at nine, both candidates will answer questions from the audience", "none"),
    ("Watching the news about the primaries with my family, the weather is nice this evening", "none"),
];

/// 24 stance records of [`TWEETS`] as JSON Lines, with or without their language.
fn stance_jsonl(with_lang: bool) -> String {
    let mut jsonl = String::new();
    for (i, (text, label)) in TWEETS.iter().cycle().take(24).enumerate() {
        let mut record = serde_json::json!({
            "id": format!("t{i}"), "dataset": "semeval2016-task6", "target": "Hillary Clinton",
            "text": text, "label": label, "split": "test",
        });
        if with_lang {
            record["lang"] = "en".into();
        }
        jsonl.push_str(&format!("{record}\n"));
    }
    jsonl
}

#[test]
fn stance_eval_identifies_the_language_of_records_without_one() {
    let dir = temp_dir("eval-stance-lang");
    let figures = |with_lang: bool| {
        let data = dir.join(format!("stance-{with_lang}.jsonl"));
        write(&data, stance_jsonl(with_lang).as_bytes());
        let o = bin()
            .args(["eval", "--task", "stance", "--resamples", "10", "--data"])
            .arg(&data)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<Value>(&o.stdout).unwrap_or_else(|e| panic!("{e}"))
    };
    let (with, without) = (figures(true), figures(false));
    assert_eq!(with["n"], 24, "{with}");
    assert_eq!(with, without);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_users_retrained_model_replaces_the_shipped_one_of_its_task() {
    let dir = temp_dir("model");
    let data = dir.join("satire.jsonl");
    let mut jsonl = String::new();
    for i in 0..60 {
        let label = if i % 2 == 0 { "satire" } else { "regular" };
        let text = format!(
            "{} {} Numéro {i}.",
            SENTENCES[i % 6],
            SENTENCES[(i + 3) % 6]
        );
        let record =
            serde_json::json!({"id": format!("r{i}"), "lang": "fr", "text": text, "label": label});
        jsonl.push_str(&format!("{record}\n"));
    }
    write(&data, jsonl.as_bytes());
    let model = dir.join("satire.json");
    let path = |p: &Path| p.display().to_string();
    let o = run(&[
        "train",
        "--task",
        "satire",
        "--data",
        &path(&data),
        "--out",
        &path(&model),
        "--ngrams",
        "50",
        "--evidence",
        "200",
        "--alphas",
        "1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let article = dir.join("article.txt");
    write(&article, SENTENCES.join(" ").as_bytes());
    let scores = |extra: &[&str]| -> Value {
        let mut args = vec!["analyze", "--lang", "fr", "--no-stance"];
        args.extend(extra);
        let a = path(&article);
        args.push(&a);
        let o = run(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let report: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}"));
        report["scores"].clone()
    };
    let m = path(&model);
    let shipped = scores(&[]);
    let replaced = scores(&["--model", &m]);
    let only = scores(&["--no-models", "--model", &m]);
    assert_ne!(
        shipped["satire"], replaced["satire"],
        "the user's model scores satire"
    );
    assert_eq!(replaced["satire"], only["satire"]);
    assert_eq!(
        shipped["genre"], replaced["genre"],
        "the other shipped models stay"
    );
    assert!(only["genre"].is_null(), "--no-models: only the given files");
    // A damaged file is refused, named.
    let damaged = dir.join("damaged.json");
    write(&damaged, &read(&model)[..100]);
    let o = run(&["analyze", "--model", &path(&damaged), &path(&article)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("damaged.json"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `partipris eval` with `stdin` as its standard input: (exit code, standard output,
/// standard error).
fn eval(args: &[&str], stdin: &[u8]) -> (Option<i32>, String, String) {
    let mut child = bin()
        .arg("eval")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin);
    }
    let o = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

/// The `n` of a JSON evaluation report (`None` when the output is not one).
fn n_of(stdout: &str) -> Option<u64> {
    serde_json::from_str::<Value>(stdout).ok()?["n"].as_u64()
}

/// 20 French satire records in the datasets schema, one JSON line each; `label(i)` gives the
/// label field of record `i` (a JSON value, `None` to leave the field out).
fn satire_lines(label: impl Fn(usize) -> Option<Value>) -> Vec<String> {
    (0..20)
        .map(|i| {
            let text = format!("{} {}", SENTENCES[i % 6], SENTENCES[(i + 1) % 6]);
            let mut record = serde_json::json!({"id": format!("r{i}"), "lang": "fr", "text": text});
            if let Some(l) = label(i) {
                record["label"] = l;
            }
            record.to_string()
        })
        .collect()
}

fn satire_label(i: usize) -> Option<Value> {
    Some(
        if i.is_multiple_of(2) {
            "satire"
        } else {
            "regular"
        }
        .into(),
    )
}

#[test]
fn stance_eval_writes_every_format_to_out() {
    let dir = temp_dir("eval-stance-out");
    let data = dir.join("stance.jsonl");
    // One gold label changed, so that the page has an error to list.
    let jsonl = stance_jsonl(true).replacen("\"label\":\"favor\"", "\"label\":\"none\"", 1);
    write(&data, jsonl.as_bytes());
    let data = data.display().to_string();
    for (format, check) in [
        (
            "json",
            &(|t: &str| n_of(t) == Some(24)) as &dyn Fn(&str) -> bool,
        ),
        ("md", &|t: &str| t.contains("**f_avg**")),
        ("html", &|t: &str| {
            parse_page(t);
            [
                "Per target",
                "f_avg",
                "aria-label=\"confusion matrix\"",
                "Per language",
                "first line of the text",
            ]
            .iter()
            .all(|part| t.contains(part))
        }),
    ] {
        let out = dir.join(format!("stance.{format}"));
        let out_arg = out.display().to_string();
        let args = ["--task", "stance", "--resamples", "10", "--data", &data];
        let (code, stdout, stderr) = eval(
            &[&args[..], &["--format", format, "--out", &out_arg]].concat(),
            b"",
        );
        assert_eq!(code, Some(0), "{format}: {stderr}");
        assert_eq!(stdout, "", "{format}: the output goes to --out only");
        let written = String::from_utf8(read(&out)).unwrap_or_else(|e| panic!("{e}"));
        assert!(check(&written), "{format}: {written}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stance_eval_reads_the_target_of_a_users_csv() {
    let dir = temp_dir("eval-stance-csv");
    let jsonl = dir.join("stance.jsonl");
    write(&jsonl, stance_jsonl(false).as_bytes());
    let (code, reference, stderr) = eval(
        &[
            "--task",
            "stance",
            "--resamples",
            "10",
            "--data",
            &jsonl.display().to_string(),
        ],
        b"",
    );
    assert_eq!(code, Some(0), "{stderr}");
    // (case, CSV header, target of row i, extra arguments, exit code, n, what stderr says)
    type Case = (
        &'static str,
        &'static str,
        fn(usize) -> &'static str,
        &'static [&'static str],
        Option<i32>,
        Option<u64>,
        &'static [&'static str],
    );
    let cases: [Case; 5] = [
        (
            "a target column",
            "id,text,target,stance",
            |_| "Hillary Clinton",
            &["--label-field", "stance"],
            Some(0),
            Some(24),
            &[],
        ),
        (
            "--target-field, trimmed, any case",
            "id,text,about,label",
            |_| " hillary clinton ",
            &["--target-field", "about"],
            Some(0),
            Some(24),
            &[],
        ),
        (
            "a row without a target",
            "id,text,target,label",
            |i| if i == 4 { "" } else { "Hillary Clinton" },
            &["--label-field", "label"],
            Some(1),
            Some(23),
            &[
                "stance.csv, line 6, field \"target\": no target",
                "1 had no target",
            ],
        ),
        (
            "no target column",
            "id,text,label,other",
            |_| "Hillary Clinton",
            &["--label-field", "label"],
            Some(2),
            None,
            &["line 1, field \"target\": the header has no \"target\" column"],
        ),
        (
            "an unknown target",
            "id,text,target,label",
            |i| if i == 2 { "Mars" } else { "Hillary Clinton" },
            &["--label-field", "label"],
            Some(2),
            None,
            &["stance.csv, line 4, field \"target\": target \"Mars\" is not a target"],
        ),
    ];
    for (case, header, target, args, want_code, want_n, says) in cases {
        let csv = dir.join("stance.csv");
        let mut rows = format!("{header}\n");
        for (i, (text, label)) in TWEETS.iter().cycle().take(24).enumerate() {
            rows.push_str(&format!("t{i},\"{text}\",{},{label}\n", target(i)));
        }
        write(&csv, rows.as_bytes());
        let data = csv.display().to_string();
        let base = ["--task", "stance", "--resamples", "10", "--data", &data];
        let (code, stdout, stderr) = eval(&[&base[..], args].concat(), b"");
        assert_eq!(code, want_code, "{case}: {stderr}");
        assert_eq!(n_of(&stdout), want_n, "{case}: {stderr}");
        for s in says {
            assert!(stderr.contains(s), "{case}: {s:?} not in {stderr}");
        }
        if want_n == Some(24) {
            assert_eq!(
                stdout, reference,
                "{case}: the figures of the same data in JSON Lines"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_reports_and_leaves_out_the_records_it_cannot_use() {
    let dir = temp_dir("eval-left-out");
    let path = dir.join("data.jsonl");
    let file = path.display().to_string();
    let with = |lines: Vec<String>, at: &[(usize, &str)]| {
        let mut lines = lines;
        for &(line, text) in at {
            lines.insert(line - 1, text.to_string());
        }
        lines.join("\n") + "\n"
    };
    let numbers = |i: usize| Some(Value::from(i % 2));
    let spaced =
        |i: usize| satire_label(i).map(|l| format!(" {}\t", l.as_str().unwrap_or("")).into());
    // (case, data, from stdin, extra arguments, exit code, n, what stderr says)
    type Case = (
        &'static str,
        String,
        bool,
        Vec<&'static str>,
        Option<i32>,
        Option<u64>,
        Vec<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            "clean",
            with(satire_lines(satire_label), &[]),
            false,
            vec![],
            Some(0),
            Some(20),
            vec![],
        ),
        (
            "stdin",
            with(satire_lines(satire_label), &[]),
            true,
            vec![],
            Some(0),
            Some(20),
            vec![],
        ),
        (
            "a malformed line and a record without text",
            with(
                satire_lines(satire_label),
                &[
                    (3, "{\"id\":\"broken\",\"text\":"),
                    (6, "{\"id\":\"x\",\"label\":\"satire\"}"),
                ],
            ),
            false,
            vec![],
            Some(1),
            Some(20),
            vec![
                "data.jsonl, line 3:",
                "data.jsonl, line 6, field \"text\"",
                "2 could not be read",
            ],
        ),
        (
            "stdin with a malformed line",
            with(satire_lines(satire_label), &[(2, "not json")]),
            true,
            vec![],
            Some(1),
            Some(20),
            vec!["-, line 2:"],
        ),
        (
            "records without a label",
            with(
                satire_lines(|i| {
                    if i == 3 || i == 7 {
                        None
                    } else {
                        satire_label(i)
                    }
                }),
                &[(9, "{\"id\":\"b\",\"text\":\"Un texte.\",\"label\":\"  \"}")],
            ),
            false,
            vec![],
            Some(1),
            Some(18),
            vec![
                "line 4, field \"label\": no label",
                "line 8, field \"label\": no label",
                "line 9, field \"label\": no label",
                "3 had no label",
            ],
        ),
        (
            "records without a label, in a partition of the task's folds",
            with(
                satire_lines(|i| if i == 3 { None } else { satire_label(i) }),
                &[],
            ),
            false,
            vec!["--partition", "train"],
            Some(0),
            None,
            vec![],
        ),
        (
            "numeric labels mapped",
            with(satire_lines(numbers), &[]),
            false,
            vec!["--label-map", "1=satire,0=regular"],
            Some(0),
            Some(20),
            vec![],
        ),
        (
            "numeric labels mapped, with --label-field",
            with(satire_lines(numbers), &[]),
            false,
            vec![
                "--label-map",
                "1=satire,0=regular",
                "--label-field",
                "label",
            ],
            Some(0),
            Some(20),
            vec![],
        ),
        (
            "labels with spaces around them",
            with(satire_lines(spaced), &[]),
            false,
            vec![],
            Some(0),
            Some(20),
            vec![],
        ),
        (
            "integer and missing ids, as with --label-field",
            with(satire_lines(satire_label), &[])
                .replacen("\"id\":\"r0\",", "\"id\":0,", 1)
                .replacen("\"id\":\"r1\",", "", 1),
            false,
            vec![],
            Some(0),
            Some(20),
            vec![],
        ),
        (
            "an empty text",
            with(
                satire_lines(satire_label),
                &[(4, "{\"id\":\"e\",\"text\":\" \",\"label\":\"satire\"}")],
            ),
            false,
            vec![],
            Some(1),
            Some(20),
            vec!["data.jsonl, line 4, field \"text\"", "text is empty"],
        ),
        (
            "a text over --max-bytes",
            with(
                satire_lines(satire_label),
                &[(
                    2,
                    &format!(
                        "{{\"id\":\"big\",\"text\":\"{}\",\"label\":\"satire\"}}",
                        "Un texte. ".repeat(100)
                    ),
                )],
            ),
            false,
            vec!["--max-bytes", "900"],
            Some(1),
            Some(20),
            vec![
                "data.jsonl, line 2, field \"text\"",
                "1000 bytes is over the limit of 900 bytes",
            ],
        ),
        (
            "labels with spaces around them, mapped",
            with(satire_lines(spaced), &[]),
            false,
            vec!["--label-map", " satire =satire,regular=regular"],
            Some(0),
            Some(20),
            vec![],
        ),
    ];
    for (case, data, stdin, args, want_code, want_n, says) in cases {
        write(&path, data.as_bytes());
        let source = if stdin { "-" } else { file.as_str() };
        let base = ["--task", "satire", "--resamples", "10", "--data", source];
        let input = if stdin { data.as_bytes() } else { b"" };
        let (code, stdout, stderr) = eval(&[&base[..], &args].concat(), input);
        assert_eq!(code, want_code, "{case}: {stderr}");
        if want_n.is_some() {
            assert_eq!(n_of(&stdout), want_n, "{case}: {stderr}");
        }
        for s in &says {
            assert!(stderr.contains(s), "{case}: {s:?} not in {stderr}");
        }
        if says.is_empty() {
            assert!(!stderr.contains("skipped"), "{case}: {stderr}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_names_the_file_line_field_and_map_entry_of_a_label_outside_the_task() {
    let dir = temp_dir("eval-bad-label");
    let jsonl = dir.join("data.jsonl");
    let mut lines = satire_lines(satire_label);
    lines[4] = lines[4].replace("\"satire\"", "\"maybe\"");
    write(&jsonl, (lines.join("\n") + "\n").as_bytes());
    let genre = dir.join("genre.jsonl");
    write(
        &genre,
        b"{\"id\":\"g\",\"text\":\"Un texte.\",\"genre\":\"news\"}\n",
    );
    let csv = dir.join("labelled.csv");
    let mut rows = String::from("key,content,verdict\n");
    for i in 0..10 {
        let verdict = if i % 2 == 0 { "fake" } else { "real" };
        rows.push_str(&format!("k{i},\"{}\",{verdict}\n", SENTENCES[i % 6]));
    }
    write(&csv, rows.as_bytes());
    let csv_args = |map: &'static str| {
        let mut args = vec![
            "--task",
            "satire",
            "--text-field",
            "content",
            "--id-field",
            "key",
        ];
        args.extend(["--label-field", "verdict", "--label-map", map]);
        args
    };
    let (jsonl, genre, csv) = (
        jsonl.display().to_string(),
        genre.display().to_string(),
        csv.display().to_string(),
    );
    let cases: Vec<(&str, Vec<&str>, &str, Vec<&str>)> = vec![
        (
            "the datasets schema",
            vec!["--task", "satire"],
            &jsonl,
            vec!["data.jsonl, line 5, field \"label\": label \"maybe\" is not a label of task satire"],
        ),
        (
            "the genre field",
            vec!["--task", "genre"],
            &genre,
            vec!["genre.jsonl, line 1, field \"genre\": label \"news\""],
        ),
        (
            "a user's field, unmapped",
            csv_args("real=regular"),
            &csv,
            vec!["labelled.csv, line 2, field \"verdict\": label \"fake\" is not a label"],
        ),
        (
            "a map entry with a target outside the task",
            csv_args("fake=satyre,real=regular"),
            &csv,
            vec![
                "labelled.csv, line 2, field \"verdict\"",
                "--label-map entry \"fake=satyre\" maps label \"fake\" to \"satyre\"",
            ],
        ),
        (
            "a label mapped twice",
            csv_args("fake=satire,real=regular,fake=regular"),
            &csv,
            vec!["--label-map maps \"fake\" twice: fake=satire and fake=regular"],
        ),
        (
            "a map for a task whose labels are not mapped",
            vec!["--task", "persuasion", "--label-map", "yes=Doubt"],
            &jsonl,
            vec!["--label-map: the persuasion task reads its labels from the datasets schema"],
        ),
    ];
    for (case, args, data, says) in cases {
        let (code, _, stderr) = eval(
            &[&args[..], &["--resamples", "10", "--data", data]].concat(),
            b"",
        );
        assert_eq!(code, Some(2), "{case}: {stderr}");
        for s in says {
            assert!(stderr.contains(s), "{case}: {s:?} not in {stderr}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_names_the_unidentified_language_group_as_html_does_and_help_names_html() {
    let dir = temp_dir("eval-und");
    let data = dir.join("data.jsonl");
    let mut lines = satire_lines(satire_label);
    for (i, line) in lines.iter_mut().enumerate().take(4) {
        let record =
            serde_json::json!({"id": format!("u{i}"), "text": "12345 67890", "label": "regular"});
        *line = record.to_string();
    }
    write(&data, (lines.join("\n") + "\n").as_bytes());
    let page = dir.join("eval.html");
    let base = ["--task", "satire", "--resamples", "10", "--by", "lang"];
    let data = data.display().to_string();
    let (code, stdout, stderr) = eval(&[&base[..], &["--data", &data]].concat(), b"");
    assert_eq!(code, Some(0), "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}"));
    let groups: Vec<&str> = json["by_group"]
        .as_array()
        .map(|g| g.iter().filter_map(|g| g["group"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(groups, ["fr", "und"]);
    let (_, md, _) = eval(
        &[&base[..], &["--data", &data, "--format", "md"]].concat(),
        b"",
    );
    assert!(md.contains("| und | 4 |"), "{md}");
    let out = page.display().to_string();
    let (code, _, stderr) = eval(
        &[
            &base[..],
            &["--data", &data, "--format", "html", "--out", &out],
        ]
        .concat(),
        b"",
    );
    assert_eq!(code, Some(0), "{stderr}");
    let html = String::from_utf8(read(&page)).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        html.contains("<td>und</td>") && !html.contains("(none)"),
        "{html}"
    );
    // The worst errors name the language as the figures per language do, not with a blank.
    assert!(html.contains("dir=\"auto\">u0</td><td>und</td>"), "{html}");
    let help = run(&["--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("(JSON, Markdown or HTML)"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_to_a_closed_standard_output_is_an_error_not_a_panic() {
    let dir = temp_dir("eval-closed-stdout");
    let data = dir.join("data.jsonl");
    write(
        &data,
        (satire_lines(satire_label).join("\n") + "\n").as_bytes(),
    );
    let mut child = bin()
        .args(["eval", "--task", "satire", "--resamples", "10", "--data"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // The reader goes away before the report is written (`partipris eval ... | head -0`).
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("<stdout>") && !stderr.contains("panicked"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_worst_stance_errors_show_their_own_texts_when_ids_repeat() {
    let dir = temp_dir("eval-stance-same-id");
    let data = dir.join("stance.jsonl");
    let texts = [
        "Hillary Clinton will make a great president, proud to vote for her!",
        "Never trust Hillary Clinton, she lies about everything.",
    ];
    // Both gold labels are the opposite of what the texts say: both are errors.
    let lines: Vec<String> = texts
        .iter()
        .zip(["against", "favor"])
        .map(|(text, label)| {
            serde_json::json!({"id": "same", "lang": "en", "text": text,
                "target": "Hillary Clinton", "label": label})
            .to_string()
        })
        .collect();
    write(&data, (lines.join("\n") + "\n").as_bytes());
    let page = dir.join("stance.html");
    let (data, out) = (data.display().to_string(), page.display().to_string());
    let (code, _, stderr) = eval(
        &[
            "--task",
            "stance",
            "--resamples",
            "10",
            "--data",
            &data,
            "--format",
            "html",
            "--out",
            &out,
        ],
        b"",
    );
    assert_eq!(code, Some(0), "{stderr}");
    let html = String::from_utf8(read(&page)).unwrap_or_else(|e| panic!("{e}"));
    parse_page(&html);
    let rows: Vec<&str> = html
        .split("<tr>")
        .filter(|r| r.contains("class=\"text\""))
        .collect();
    for (text, gold) in texts.iter().zip(["against", "favor"]) {
        let row = rows
            .iter()
            .find(|r| r.contains(&format!("<td>en</td><td>{gold}</td>")));
        let escaped = text.replace('\'', "&#39;");
        assert!(
            row.is_some_and(|r| r.contains(&escaped)),
            "the error with gold {gold} shows another text: {rows:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_analyses_the_texts_it_reads_up_to_max_bytes() {
    // A text over the analyzer's default limit (16 MiB) but within --max-bytes is read, so it
    // must be analysed too (it stopped the evaluation with exit code 2).
    let dir = temp_dir("eval-max-bytes");
    let data = dir.join("data.jsonl");
    let mut lines = satire_lines(satire_label);
    let big =
        serde_json::json!({"id": "big", "text": "x".repeat((16 << 20) + 1), "label": "regular"});
    lines.push(big.to_string());
    write(&data, (lines.join("\n") + "\n").as_bytes());
    let data = data.display().to_string();
    for args in [&[][..], &["--label-field", "label"][..]] {
        let base = [
            "--task",
            "satire",
            "--resamples",
            "0",
            "--max-bytes",
            "20000000",
        ];
        let (code, stdout, stderr) = eval(&[&base[..], args, &["--data", &data]].concat(), b"");
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert_eq!(n_of(&stdout), Some(21), "{args:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stance model or targets given next to `--no-stance` would be silently unused: refused
/// with the reason, before any work.
#[test]
fn a_stance_model_or_targets_with_no_stance_are_refused() {
    let dir = temp_dir("no-stance-conflict");
    let targets = dir.join("targets.toml");
    write(&targets, ACME_TARGETS);
    let article = dir.join("a.txt");
    write(&article, SENTENCES[0].as_bytes());
    let stance_model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/stance.json.gz");
    let (targets, stance_model, article) = (
        targets.to_str().unwrap_or_default(),
        stance_model.to_str().unwrap_or_default(),
        article.to_str().unwrap_or_default(),
    );
    for (option, value, named) in [
        ("--targets", targets, "--targets with --no-stance"),
        (
            "--model",
            stance_model,
            "--model (a stance model) with --no-stance",
        ),
    ] {
        for command in ["analyze", "score"] {
            let got = run(&[command, "--no-stance", option, value, article]);
            let stderr = String::from_utf8_lossy(&got.stderr);
            assert_eq!(got.status.code(), Some(2), "{command} {option}: {stderr}");
            assert!(stderr.contains(named), "{command} {option}: {stderr}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
