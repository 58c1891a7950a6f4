//! `partipris score`: scores a corpus, streaming, in parallel, in input order.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use partipris::batch::{ChunkLimits, ParallelMap};
use partipris::input::{InputItem, Inputs, ReadCounter, RecordError};
use partipris::output::{
    error_row, headline_header, headline_row, ErrorLine, ReportPart, ReportParts, ReportView,
};
use partipris::{ArticleReport, Error, Result};

use super::args::{check_outputs, AnalyzerArgs, InputArgs};

thread_local! {
    /// Each scoring thread's buffer for serializing reports (see [`json_line`]).
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A report as one line of JSON. Written into the thread's buffer, which keeps the capacity of
/// the longest report so far, then copied out at its size: a report runs to two to fifteen
/// times its text, which is not known before it is written.
fn json_line(report: &ArticleReport, parts: ReportParts) -> Result<Vec<u8>> {
    SCRATCH.with_borrow_mut(|v| {
        v.clear();
        serde_json::to_writer(&mut *v, &ReportView::new(report, parts))
            .map_err(|e| Error::Config(format!("serializing the report: {e}")))?;
        v.push(b'\n');
        Ok(v.clone())
    })
}

/// Exit code when some records could not be scored (each is an error record).
pub const EXIT_RECORD_ERRORS: i32 = 1;

/// The `score` command's options.
#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Inputs: JSON Lines (.jsonl, .jsonl.gz), CSV or TSV with a header, directories of .txt
    /// files, .txt files; `-` reads JSON Lines from standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub analyzer: AnalyzerArgs,
    /// Output format: one JSON report per line, or CSV of the headline scores.
    #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
    pub format: String,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write error records to this file (JSON Lines: id, file, line, field when one is at
    /// fault, kind, reason) instead of in the output.
    #[arg(long)]
    pub errors: Option<PathBuf>,
    /// Report parts to keep in JSON output (comma-separated: language, counts, density,
    /// categories, style, markers, style_markers, scores, stances); the id is always kept.
    /// Default: all.
    #[arg(long, value_delimiter = ',')]
    pub fields: Vec<ReportPart>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Articles per parallel chunk (memory grows with it).
    #[arg(long, default_value_t = ChunkLimits::default().items)]
    pub chunk: usize,
    /// No summary on standard error.
    #[arg(long)]
    pub quiet: bool,
}

/// One scored input, serialized.
enum Scored {
    /// A report as a JSON line (with its newline) or a CSV row; the text's size in bytes.
    Report(Line, usize),
    /// An error record.
    Error(Box<RecordError>),
}

enum Line {
    Json(Vec<u8>),
    Csv(Vec<String>),
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `value` as one line of JSON to `w`, the file `path`; a failed write names the file.
fn write_json_line(w: &mut impl Write, value: &impl serde::Serialize, path: &Path) -> Result<()> {
    let mut line = serde_json::to_vec(value)
        .map_err(|e| Error::Config(format!("serializing an error record: {e}")))?;
    line.push(b'\n');
    w.write_all(&line).map_err(io_error(path))
}

fn csv_error(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}

/// Where reports go.
enum Sink {
    Json(Box<dyn Write + Send>),
    Csv(Box<csv::Writer<Box<dyn Write + Send>>>),
}

/// Runs the command; returns the exit code.
pub fn run(args: ScoreArgs) -> Result<i32> {
    let started = Instant::now();
    let outputs = [
        ("--out", args.out.as_deref()),
        ("--errors", args.errors.as_deref()),
    ];
    check_outputs(&outputs, &args.inputs)?;
    let analyzer = args.analyzer.build(Some(args.input.max_bytes))?;
    let csv = args.format == "csv";
    let parts = if args.fields.is_empty() {
        ReportParts::all()
    } else {
        args.fields.iter().copied().collect()
    };
    if csv && !args.fields.is_empty() {
        eprintln!("partipris: --fields applies to JSON output; the CSV has the headline columns");
    }
    let out_name = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("<stdout>"));
    let writer: Box<dyn Write + Send> = match &args.out {
        Some(p) => Box::new(BufWriter::with_capacity(
            1 << 16,
            File::create(p).map_err(io_error(p))?,
        )),
        None => Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout())),
    };
    let mut sink = if csv {
        let mut w = csv::Writer::from_writer(writer);
        w.write_record(headline_header())
            .map_err(csv_error(&out_name))?;
        Sink::Csv(Box::new(w))
    } else {
        Sink::Json(writer)
    };
    let mut errors_out: Option<(BufWriter<File>, &Path)> = match &args.errors {
        Some(p) => Some((BufWriter::new(File::create(p).map_err(io_error(p))?), p)),
        None => None,
    };

    let counter = ReadCounter::default();
    let mut options = args.input.options(None);
    options.read_counter = Some(counter.clone());
    let total_bytes: Option<u64> = args
        .inputs
        .iter()
        .map(|p| {
            (p.as_os_str() != "-")
                .then(|| std::fs::metadata(p).ok().filter(|m| m.is_file()))
                .flatten()
                .map(|m| m.len())
        })
        .sum();
    let progress = progress_bar(total_bytes);
    let inputs = Inputs::new(args.inputs.clone(), options);

    let score = |item: InputItem| -> Scored {
        let record = match item {
            Ok(r) => r,
            Err(e) => return Scored::Error(Box::new(e)),
        };
        match partipris::batch::guarded(&record.id, || analyzer.analyze(&record.article())) {
            Ok(report) => {
                let line = if csv {
                    Line::Csv(headline_row(&report))
                } else {
                    match json_line(&report, parts) {
                        Ok(v) => Line::Json(v),
                        Err(e) => {
                            return Scored::Error(Box::new(RecordError::from_analysis(&record, &e)))
                        }
                    }
                };
                Scored::Report(line, record.text.len())
            }
            Err(e) => Scored::Error(Box::new(RecordError::from_analysis(&record, &e))),
        }
    };
    let weight: fn(&InputItem) -> usize = |i| i.as_ref().map_or(0, |r| r.text.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Config(format!("thread pool: {e}")))?;
    let threads = pool.current_num_threads();
    let limits = ChunkLimits {
        items: args.chunk.max(1),
        ..ChunkLimits::default()
    };

    let (mut scored, mut failed, mut text_bytes) = (0u64, 0u64, 0u64);
    pool.install(|| -> Result<()> {
        for item in ParallelMap::new(inputs, score, weight).chunk_limits(limits) {
            match item {
                Scored::Report(line, bytes) => {
                    scored += 1;
                    text_bytes += bytes as u64;
                    match (&mut sink, line) {
                        (Sink::Json(w), Line::Json(v)) => {
                            w.write_all(&v).map_err(io_error(&out_name))?
                        }
                        (Sink::Csv(w), Line::Csv(row)) => {
                            w.write_record(&row).map_err(csv_error(&out_name))?
                        }
                        _ => {
                            return Err(Error::Config(
                                "internal: a line of the wrong format".to_string(),
                            ))
                        }
                    }
                }
                Scored::Error(e) => {
                    failed += 1;
                    if failed <= 10 && !args.quiet {
                        progress.suspend(|| eprintln!("partipris: {e}"));
                    }
                    if failed == 11 && !args.quiet {
                        progress.suspend(|| {
                            eprintln!("partipris: more error records follow (not shown here)")
                        });
                    }
                    if let Some((w, path)) = errors_out.as_mut() {
                        write_json_line(w, &e, path)?;
                    } else {
                        match &mut sink {
                            Sink::Json(w) => {
                                let line = ErrorLine {
                                    id: e.id.clone(),
                                    error: *e,
                                };
                                write_json_line(w, &line, &out_name)?;
                            }
                            Sink::Csv(w) => w
                                .write_record(error_row(&e))
                                .map_err(csv_error(&out_name))?,
                        }
                    }
                }
            }
            if !progress.is_hidden() {
                let secs = started.elapsed().as_secs_f64().max(1e-9);
                progress.set_position(counter.get());
                progress.set_message(format!(
                    "{} articles, {:.1} MB/s, errors: {}",
                    scored + failed,
                    text_bytes as f64 / 1e6 / secs,
                    failed
                ));
            }
        }
        Ok(())
    })?;
    progress.finish_and_clear();
    match sink {
        Sink::Json(mut w) => w.flush().map_err(io_error(&out_name))?,
        Sink::Csv(mut w) => w.flush().map_err(io_error(&out_name))?,
    }
    if let Some((mut w, path)) = errors_out {
        w.flush().map_err(io_error(path))?;
    }
    // The process ends here: freeing the models' tables one by one would only delay it.
    std::mem::forget(analyzer);
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        eprintln!(
            "partipris: scored {scored} articles, {failed} error records, in {secs:.1} s \
             ({:.2} MB/s of text, {:.0} articles/s, {threads} threads)",
            text_bytes as f64 / 1e6 / secs,
            scored as f64 / secs,
        );
    }
    Ok(if failed == 0 { 0 } else { EXIT_RECORD_ERRORS })
}

/// A progress bar on standard error when it is a terminal, hidden otherwise.
fn progress_bar(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(t) => ProgressBar::new(t).with_style(
            ProgressStyle::with_template(
                "{spinner} {elapsed_precise} {msg} [{wide_bar}] {percent:>3}% ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}, {bytes} read")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}
