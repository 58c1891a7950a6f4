//! The `partipris` command line.

mod args;
mod eval_data;
mod explain;
mod score;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use partipris::lexicon::{
    self,
    learn::{self, Evidence, LearnParams},
};
use partipris::model::train::{self, Prepared, TrainParams};
use partipris::model::{Classifier, ModelFile, Models};
use partipris::task::{Gold, Partition, Task};
use partipris::{corpus, stance, Analyzer, Article, Category, Error, Lexicon, Result, StanceModel};
use partipris::{eval, html, output};

use args::{AnalyzerArgs, InputArgs};
use eval_data::LabelPair;
use explain::ExplainArgs;
use score::ScoreArgs;

/// Scores how loaded and one-sided news articles are, with the evidence for every score.
#[derive(Debug, Parser)]
#[command(name = "partipris", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyses articles (text files, or `-` for standard input) and prints one JSON report per
    /// article: pretty-printed for one article, one per line for several.
    Analyze {
        /// Article text files; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        analyzer: AnalyzerArgs,
        /// Print compact JSON even for one article.
        #[arg(long)]
        compact: bool,
    },
    /// Scores a corpus: JSON Lines, CSV/TSV, directories of .txt files or standard input, in
    /// parallel, streaming; one JSON report (or CSV row) per record, in input order. A record
    /// that cannot be scored becomes an error record; the exit code is then 1 (2 for a fatal
    /// error).
    Score(ScoreArgs),
    /// Writes a self-contained HTML page explaining one article: its text with every marker
    /// highlighted by category, and its scores with the features that pushed them.
    Explain(ExplainArgs),
    /// Evaluates a task's model on labelled data and prints the figures (JSON, Markdown or
    /// HTML).
    Eval {
        /// The task: persuasion, genre, satire, leaning, sentence_bias, stance, entity_stance.
        #[arg(long)]
        task: String,
        /// Data files: JSON Lines in the shared schema (plain or gzip), or any input `score`
        /// reads (CSV/TSV with a header, other field names) with a label field.
        #[arg(long = "data", required = true)]
        data: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// The field holding the label (default: `label`, `genre` for the genre task). Naming
        /// it reads the data with the input options instead of the datasets schema.
        #[arg(long)]
        label_field: Option<String>,
        /// Stance: the field holding the target the label is about (default: `target`; one of
        /// the SemEval-2016 targets). Naming it reads the data as `--label-field` does.
        #[arg(long)]
        target_field: Option<String>,
        /// Maps the data's label names onto the task's: `user=task,...`.
        #[arg(long, value_delimiter = ',')]
        label_map: Vec<LabelPair>,
        /// The model file (default: the shipped model of the task).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Output format: JSON, Markdown, or a self-contained HTML report (with the figures per
        /// language, a confusion matrix, a reliability diagram and the worst errors).
        #[arg(long, default_value = "json", value_parser = ["json", "md", "html"])]
        format: String,
        /// Write the output to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Break figures down by this field (only `lang`).
        #[arg(long, value_parser = ["lang"])]
        by: Option<String>,
        /// Evaluate only the examples of this partition of the task's fixed folds.
        #[arg(long, value_parser = ["train", "validation"])]
        partition: Option<String>,
        /// Bootstrap resamples for the 95% intervals.
        #[arg(long, default_value_t = 1000)]
        resamples: usize,
    },
    /// Induces learned lexicons (one per language) from annotated spans: SemEval-2023
    /// Loaded_Language and Name_Calling spans and BABE biased words, training folds only.
    LearnLexicon {
        /// SemEval-2023 Task 3 file.
        #[arg(long)]
        semeval: PathBuf,
        /// BABE sentences file.
        #[arg(long)]
        babe: PathBuf,
        /// Directory to write `learned-<lang>.toml` into.
        #[arg(long)]
        out_dir: PathBuf,
    },
    /// Trains the model of a task on labelled data and writes the model file.
    Train {
        /// The task: persuasion, genre, satire, leaning, sentence_bias, stance, entity_stance.
        #[arg(long)]
        task: String,
        /// Data files (JSON Lines, plain or gzip, in the shared schema).
        #[arg(long = "data", required = true)]
        data: Vec<PathBuf>,
        /// Where to write the model.
        #[arg(long)]
        out: PathBuf,
        /// Seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// N-grams kept per language.
        #[arg(long, default_value_t = 2000)]
        ngrams: usize,
        /// N-grams of each kind (word, character) kept per language (stance: per language and
        /// per target group) in the evidence tables (0: no evidence features; default 20000,
        /// stance 5000).
        #[arg(long)]
        evidence: Option<usize>,
        /// L2 strengths tried (comma-separated; default 0.3,3,30,300, stance 0.3,1,3).
        #[arg(long, value_delimiter = ',')]
        alphas: Vec<f32>,
        /// A dense feature to leave out of training (repeatable; see `FeatureSpec::names`); a name
        /// ending in `*` leaves out every feature it begins (`lexicon.*`).
        #[arg(long = "drop-feature")]
        drop_features: Vec<String>,
        /// Persuasion: score each paragraph without its article's features (by default a
        /// paragraph also reads the dense features and n-gram evidence of its whole article).
        #[arg(long)]
        no_article_context: bool,
        /// Stance: n-grams kept per target that has training examples of its own.
        #[arg(long, default_value_t = 500)]
        ngrams_per_target: usize,
        /// Stance: leave the examples of these languages out (carry-over experiments).
        #[arg(long = "exclude-lang")]
        exclude_lang: Vec<String>,
    },
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::LearnLexicon {
            semeval,
            babe,
            out_dir,
        } => {
            let mut evidence = Vec::new();
            for r in corpus::read_all(&semeval)? {
                if Task::Persuasion.partition(&r) != Some(Partition::Train) {
                    continue;
                }
                let spans: Vec<(usize, usize, Category)> = r
                    .spans
                    .iter()
                    .filter_map(|s| match s.technique.as_str() {
                        "Loaded_Language" => Some((s.start, s.end, Category::LoadedEvaluative)),
                        "Name_Calling-Labeling" => {
                            Some((s.start, s.end, Category::PejorativeLabel))
                        }
                        _ => None,
                    })
                    .collect();
                evidence.push(Evidence {
                    lang: r.lang.clone().unwrap_or_default(),
                    text: r.text,
                    spans,
                });
            }
            for r in corpus::read_all(&babe)? {
                if Task::SentenceBias.partition(&r) != Some(Partition::Train) {
                    continue;
                }
                let mut spans = Vec::new();
                for w in &r.biased_words {
                    for (at, m) in r.text.match_indices(w.as_str()) {
                        spans.push((at, at + m.len(), Category::LoadedEvaluative));
                    }
                }
                evidence.push(Evidence {
                    lang: r.lang.clone().unwrap_or_default(),
                    text: r.text,
                    spans,
                });
            }
            let curated: Vec<Lexicon> = Lexicon::embedded()?
                .into_iter()
                .filter(|l| lexicon::CURATED.contains(&l.name()))
                .collect();
            let learned = learn::learn(&evidence, &curated, &LearnParams::default())?;
            let sources = format!(
                "{} and {}, training folds",
                semeval
                    .file_name()
                    .map(|f| f.to_string_lossy())
                    .unwrap_or_default(),
                babe.file_name()
                    .map(|f| f.to_string_lossy())
                    .unwrap_or_default()
            );
            for (lang, terms) in learned {
                let path = out_dir.join(format!("learned-{lang}.toml"));
                output::write_file(&path, learn::to_toml(&lang, &terms, &sources).as_bytes())?;
                eprintln!("partipris: {}: {} terms", path.display(), terms.len());
            }
            Ok(0)
        }
        Command::Eval {
            task,
            data,
            input,
            label_field,
            target_field,
            label_map,
            model,
            format,
            out,
            by,
            partition,
            resamples,
        } => {
            let task: Task = task.parse()?;
            args::check_outputs(&[("--out", out.as_deref())], &data)?;
            // Texts up to --max-bytes are read, so they are analysed too.
            let analyzer = Analyzer::builder()
                .default_models(false)
                .stance(false)
                .max_article_bytes(input.max_bytes)
                .build()?;
            let only = match partition.as_deref() {
                Some("train") => Some(Partition::Train),
                Some(_) => Some(Partition::Validation),
                None => None,
            };
            let (records, left_out) = eval_data::read(
                task,
                &data,
                &input,
                label_field.as_deref(),
                target_field.as_deref(),
                &label_map,
                only,
            )?;
            let html = format == "html";
            let bootstrap = eval::Bootstrap {
                resamples,
                ..eval::Bootstrap::default()
            };
            if matches!(task, Task::Stance | Task::EntityStance) {
                let (model, source) = match &model {
                    Some(path) => (StanceModel::load(path)?, path.display().to_string()),
                    None => (
                        StanceModel::embedded()?,
                        "models/stance.json.gz (shipped)".to_string(),
                    ),
                };
                let options = stance::train::PrepareOptions {
                    only,
                    ..Default::default()
                };
                let prepared = stance::train::prepare(&records, &analyzer, &options)?;
                let r = stance::train::evaluate(
                    task,
                    &prepared,
                    &model,
                    by.is_some() || html,
                    &bootstrap,
                )?;
                let text = match format.as_str() {
                    "md" => r.to_markdown(),
                    "html" => {
                        let (reliability, misses) =
                            stance_page_parts(task, &r, &prepared, &records)?;
                        html::eval_report::page(&html::eval_report::EvalPage {
                            description: format!("{task} on {}, model {source}", describe(&data)),
                            figures: html::eval_report::Figures::Stance(&r),
                            reliability,
                            misses,
                        })
                    }
                    _ => serde_json::to_string_pretty(&r)
                        .map_err(|e| Error::Config(e.to_string()))?,
                };
                return finish_eval(&text, out.as_deref(), &left_out);
            }
            let (file, source) = match &model {
                Some(path) => (ModelFile::load(path)?, path.display().to_string()),
                None => {
                    let shipped = Models::embedded()?
                        .classifiers()
                        .find(|c| c.task() == task)
                        .map(|c| c.file().clone())
                        .ok_or_else(|| {
                            Error::Config(format!("no shipped {task} model: give --model"))
                        })?;
                    (shipped, format!("models/{task}.json (shipped)"))
                }
            };
            file.check_compatible(analyzer.feature_spec(), analyzer.lexicons(), &source)?;
            if file.task != task {
                return Err(Error::Model {
                    file: source,
                    reason: format!("is a {} model, not {task}", file.task),
                });
            }
            let classifier = Classifier::new(file);
            let prepared = Prepared::of_partition(task, &records, &analyzer, only)?;
            let indices: Vec<usize> = (0..prepared.examples.len()).collect();
            if indices.is_empty() {
                return Err(Error::Config(format!(
                    "the data holds no labelled {task} examples{}",
                    partition
                        .map(|p| format!(" in the {p} partition"))
                        .unwrap_or_default()
                )));
            }
            let inputs = prepared.inputs(&classifier, &indices);
            let probabilities: Vec<Vec<Vec<f32>>> =
                inputs.iter().map(|x| classifier.probabilities(x)).collect();
            let groups: Option<Vec<String>> = (by.is_some() || html).then(|| {
                indices
                    .iter()
                    .map(|&i| prepared.language(i).to_string())
                    .collect()
            });
            let heads = &classifier.file().heads;
            let (json, md, page) = if task.is_multilabel() {
                let n_cat = heads.len().saturating_sub(1);
                let categories: Vec<String> =
                    heads[..n_cat].iter().map(|h| h.name.clone()).collect();
                let gold: Vec<Vec<bool>> = indices
                    .iter()
                    .map(|&i| match &prepared.examples[i].gold {
                        Gold::Categories(v) => v.clone(),
                        Gold::Class(c) => vec![*c == 1],
                    })
                    .collect();
                let decide = |h: usize, p: &[f32]| heads[h].is_positive(p[1]);
                let predicted: Vec<Vec<bool>> = probabilities
                    .iter()
                    .map(|ps| (0..n_cat).map(|h| decide(h, &ps[h])).collect())
                    .collect();
                let any: Vec<bool> = probabilities
                    .iter()
                    .map(|ps| decide(n_cat, &ps[n_cat]))
                    .collect();
                let any_p: Vec<f64> = probabilities
                    .iter()
                    .map(|ps| f64::from(ps[n_cat][1]))
                    .collect();
                let r = eval::evaluate_multilabel(
                    task.name(),
                    &categories,
                    &gold,
                    &predicted,
                    Some(&any),
                    Some(&any_p),
                    groups.as_deref(),
                    &bootstrap,
                )?;
                let page = if html {
                    let gold_any: Vec<bool> = gold.iter().map(|g| g.contains(&true)).collect();
                    let label = |yes: bool| {
                        if yes {
                            eval::ANY_POSITIVE
                        } else {
                            eval::ANY_NEGATIVE
                        }
                    };
                    let wrong = indices
                        .iter()
                        .enumerate()
                        .filter(|&(k, _)| any[k] != gold_any[k])
                        .map(|(k, &i)| {
                            let p = if any[k] { any_p[k] } else { 1.0 - any_p[k] };
                            (
                                prepared.examples[i].id.as_str(),
                                prepared.language(i),
                                prepared.examples[i].text.as_str(),
                                label(gold_any[k]).to_string(),
                                label(any[k]).to_string(),
                                p,
                            )
                        });
                    Some(html::eval_report::page(&html::eval_report::EvalPage {
                        description: format!("{} on {}, model {source}", task, describe(&data)),
                        figures: html::eval_report::Figures::Multi(&r),
                        reliability: Some(eval::reliability(&gold_any, &any_p)?),
                        misses: eval_data::worst(wrong, 20),
                    }))
                } else {
                    None
                };
                (serde_json::to_string_pretty(&r), r.to_markdown(), page)
            } else {
                let head = &heads[0];
                let gold: Vec<usize> = indices
                    .iter()
                    .map(|&i| match &prepared.examples[i].gold {
                        Gold::Class(c) => *c,
                        Gold::Categories(_) => 0,
                    })
                    .collect();
                let predicted: Vec<usize> = inputs.iter().map(|x| head.predict(x)).collect();
                let positive: Option<Vec<f64>> = (head.classes.len() == 2)
                    .then(|| probabilities.iter().map(|p| f64::from(p[0][1])).collect());
                let r = eval::evaluate(
                    task.name(),
                    &head.classes,
                    &gold,
                    &predicted,
                    positive.as_deref(),
                    groups.as_deref(),
                    &bootstrap,
                )?;
                let page = if html {
                    let label = |c: usize| head.classes.get(c).cloned().unwrap_or_default();
                    let wrong = indices
                        .iter()
                        .enumerate()
                        .filter(|&(k, _)| predicted[k] != gold[k])
                        .map(|(k, &i)| {
                            let p = probabilities[k][0]
                                .get(predicted[k])
                                .copied()
                                .unwrap_or(0.0);
                            (
                                prepared.examples[i].id.as_str(),
                                prepared.language(i),
                                prepared.examples[i].text.as_str(),
                                label(gold[k]),
                                label(predicted[k]),
                                f64::from(p),
                            )
                        });
                    let reliability = match &positive {
                        Some(p) => {
                            let pos: Vec<bool> = gold.iter().map(|&g| g == 1).collect();
                            Some(eval::reliability(&pos, p)?)
                        }
                        None => None,
                    };
                    Some(html::eval_report::page(&html::eval_report::EvalPage {
                        description: format!("{} on {}, model {source}", task, describe(&data)),
                        figures: html::eval_report::Figures::Single(&r),
                        reliability,
                        misses: eval_data::worst(wrong, 20),
                    }))
                } else {
                    None
                };
                (serde_json::to_string_pretty(&r), r.to_markdown(), page)
            };
            let text = match (format.as_str(), page) {
                ("md", _) => md,
                (_, Some(page)) => page,
                _ => json.map_err(|e| Error::Config(e.to_string()))?,
            };
            finish_eval(&text, out.as_deref(), &left_out)
        }
        Command::Train {
            task,
            data,
            out,
            seed,
            ngrams,
            evidence,
            alphas,
            drop_features,
            no_article_context,
            ngrams_per_target,
            exclude_lang,
        } => {
            let task: Task = task.parse()?;
            args::check_outputs(&[("--out", Some(&out))], &data)?;
            let started = std::time::Instant::now();
            let mut records = Vec::new();
            for path in &data {
                records.extend(corpus::read_all(path)?);
            }
            let analyzer = Analyzer::builder()
                .default_models(false)
                .stance(false)
                .build()?;
            if matches!(task, Task::Stance | Task::EntityStance) {
                let options = stance::train::PrepareOptions {
                    exclude_languages: exclude_lang,
                    with_names: true,
                    ..Default::default()
                };
                let prepared = stance::train::prepare(&records, &analyzer, &options)?;
                eprintln!(
                    "partipris: stance: {} examples analysed in {:.1} s",
                    prepared.examples.len(),
                    started.elapsed().as_secs_f64()
                );
                let defaults = stance::train::TrainParams::default();
                let params = stance::train::TrainParams {
                    seed,
                    ngrams_per_language: ngrams,
                    ngrams_per_target,
                    evidence_per_group: evidence.unwrap_or(defaults.evidence_per_group),
                    alphas: if alphas.is_empty() {
                        defaults.alphas.clone()
                    } else {
                        alphas
                    },
                    data: data.iter().map(|p| p.display().to_string()).collect(),
                    ..defaults
                };
                let model = stance::train::train(&prepared, &analyzer, &params)?;
                model.save(&out)?;
                for v in &model.validation {
                    eprintln!(
                        "partipris: stance/{}: validation n={} macro-F1 {:.3} accuracy {:.3} f_avg {:.3}",
                        v.head,
                        v.n,
                        v.macro_f1,
                        v.accuracy,
                        v.f1.unwrap_or(f64::NAN)
                    );
                }
                eprintln!(
                    "partipris: wrote {} in {:.1} s",
                    out.display(),
                    started.elapsed().as_secs_f64()
                );
                return Ok(0);
            }
            let alphas = if alphas.is_empty() {
                TrainParams::default().alphas
            } else {
                alphas
            };
            let prepared = Prepared::new(task, &records, &analyzer)?;
            eprintln!(
                "partipris: {task}: {} examples analysed in {:.1} s",
                prepared.examples.len(),
                started.elapsed().as_secs_f64()
            );
            let params = TrainParams {
                seed,
                ngrams_per_language: ngrams,
                evidence_per_language: evidence
                    .unwrap_or(TrainParams::default().evidence_per_language),
                alphas,
                drop_features,
                data: data.iter().map(|p| p.display().to_string()).collect(),
                article_context: !no_article_context,
                ..TrainParams::default()
            };
            let model = train::train(&prepared, &analyzer, &params)?;
            model.save(&out)?;
            for v in &model.validation {
                eprintln!(
                    "partipris: {task}/{}: validation n={} macro-F1 {:.3} accuracy {:.3}{}",
                    v.head,
                    v.n,
                    v.macro_f1,
                    v.accuracy,
                    v.f1.map(|f| format!(" F1 {f:.3}")).unwrap_or_default()
                );
            }
            eprintln!(
                "partipris: wrote {} in {:.1} s",
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(0)
        }
        Command::Score(args) => score::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Analyze {
            files,
            analyzer,
            compact,
        } => {
            let analyzer = analyzer.build(None)?;
            let pretty = files.len() == 1 && !compact;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let mut failures = 0;
            for path in &files {
                let result = read_article(path)
                    .and_then(|(id, text)| analyzer.analyze(&Article::new(id, text)));
                match result {
                    Ok(report) => {
                        let json = if pretty {
                            serde_json::to_string_pretty(&report)
                        } else {
                            serde_json::to_string(&report)
                        };
                        let json = json.map_err(|e| Error::Config(e.to_string()))?;
                        writeln!(out, "{json}").map_err(stdout_error)?;
                    }
                    Err(e) => {
                        failures += 1;
                        eprintln!("partipris: {e}");
                    }
                }
            }
            // The process ends here: freeing the models' tables would only delay it.
            std::mem::forget(analyzer);
            Ok(if failures == 0 { 0 } else { 1 })
        }
    }
}

/// The reliability diagram (two-label tasks) and the worst errors of a stance evaluation's
/// page.
fn stance_page_parts(
    task: Task,
    r: &stance::train::StanceEvaluation,
    prepared: &stance::train::Prepared,
    records: &[corpus::Record],
) -> Result<(
    Option<Vec<eval::ReliabilityBin>>,
    Vec<html::eval_report::Miss>,
)> {
    let label = |c: usize| {
        task.labels()
            .get(c)
            .map(|l| l.to_string())
            .unwrap_or_default()
    };
    let wrong = r.outcomes.iter().filter_map(|o| {
        let e = prepared.examples.get(o.example)?;
        // By the record's index: ids need not be unique in a user's data.
        let text = records.get(e.record).map_or("", |rec| rec.text.as_str());
        (o.predicted != e.gold).then(|| {
            (
                e.id.as_str(),
                e.language_group(),
                text,
                label(e.gold),
                label(o.predicted),
                o.confidence,
            )
        })
    });
    let misses = eval_data::worst(wrong, 20);
    let positive: Option<Vec<f64>> = r.outcomes.iter().map(|o| o.positive).collect();
    let reliability = match positive {
        Some(p) if !p.is_empty() => {
            let gold: Vec<bool> = r
                .outcomes
                .iter()
                .map(|o| {
                    prepared
                        .examples
                        .get(o.example)
                        .is_some_and(|e| e.gold == 1)
                })
                .collect();
            Some(eval::reliability(&gold, &p)?)
        }
        _ => None,
    };
    Ok((reliability, misses))
}

/// Writes an evaluation's output to `out` (standard output when `None`); the exit code is 1
/// when records were left out (each was reported on standard error), else 0.
/// An error writing to standard output (closed by `| head`, say), named as such.
fn stdout_error(source: std::io::Error) -> Error {
    Error::Io {
        path: PathBuf::from("<stdout>"),
        source,
    }
}

fn finish_eval(text: &str, out: Option<&Path>, left_out: &eval_data::LeftOut) -> Result<i32> {
    match out {
        Some(path) => output::write_file(path, text.as_bytes())?,
        // Not `println!`, which panics when standard output is closed (`| head`).
        None => {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{text}")
                .and_then(|()| stdout.flush())
                .map_err(stdout_error)?;
        }
    }
    if left_out.total() > 0 {
        eprintln!("partipris: {left_out}");
        return Ok(1);
    }
    Ok(0)
}

/// The data files, for a report's description.
fn describe(data: &[PathBuf]) -> String {
    let names: Vec<String> = data.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// Reads an article file: (id = file stem, text).
fn read_article(path: &Path) -> Result<(String, String)> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let (id, bytes) = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(io)?;
        ("stdin".to_string(), buf)
    } else {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        (id, std::fs::read(path).map_err(io)?)
    };
    let text = String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok((id, text))
}
