//! `partipris explain`: a self-contained HTML page explaining one article.

use std::path::PathBuf;

use partipris::html::explain;
use partipris::{Article, Result};

use super::args::{check_outputs, AnalyzerArgs};

/// The `explain` command's options.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The article: a text file, or `-` for standard input.
    pub article: PathBuf,
    /// Where to write the page.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub analyzer: AnalyzerArgs,
}

/// Runs the command; returns the exit code.
pub fn run(args: ExplainArgs) -> Result<i32> {
    check_outputs(
        &[("--out", Some(&args.out))],
        std::slice::from_ref(&args.article),
    )?;
    let analyzer = args.analyzer.build(None)?;
    let (id, text) = super::read_article(&args.article)?;
    let report = analyzer.analyze(&Article::new(id, text.as_str()))?;
    let page = explain::page(&text, &report);
    partipris::output::write_file(&args.out, page.as_bytes())?;
    eprintln!(
        "partipris: wrote {} ({} markers)",
        args.out.display(),
        report.markers().len()
    );
    Ok(0)
}
