//! `partipris explain`: a self-contained HTML page explaining one article.

use std::io::Read;
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
    let path = &args.article;
    let io = |source| Error::Io {
        path: path.clone(),
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
        path: path.clone(),
        offset: e.utf8_error().valid_up_to(),
    })?;
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
