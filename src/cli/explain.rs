//! `partipris explain`: a self-contained HTML page explaining one article.

use std::path::PathBuf;

use partipris::html::explain;
use partipris::{Article, Error, Result};

use super::args::AnalyzerArgs;

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
    let analyzer = args.analyzer.build(None)?;
    let (id, text) = super::read_article(&args.article)?;
    let report = analyzer.analyze(&Article::new(id, text.as_str()))?;
    let page = explain::page(&text, &report);
    std::fs::write(&args.out, page).map_err(|source| Error::Io {
        path: args.out.clone(),
        source,
    })?;
    eprintln!(
        "partipris: wrote {} ({} markers)",
        args.out.display(),
        report.markers().len()
    );
    Ok(0)
}
