//! The `partipris` command line.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use partipris::{Analyzer, Article, Error, Language, Result};

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
        /// The articles' language (ISO 639-1, such as `fr`); identified per article when absent.
        #[arg(long)]
        lang: Option<String>,
        /// Extra lexicon files (TOML, see models/lexicons/FORMAT.md).
        #[arg(long = "lexicon")]
        lexicons: Vec<PathBuf>,
        /// Use only the lexicons given with --lexicon.
        #[arg(long)]
        no_default_lexicons: bool,
        /// Print compact JSON even for one article.
        #[arg(long)]
        compact: bool,
    },
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Analyze {
            files,
            lang,
            lexicons,
            no_default_lexicons,
            compact,
        } => {
            let mut builder = Analyzer::builder().default_lexicons(!no_default_lexicons);
            for l in lexicons {
                builder = builder.lexicon_file(l);
            }
            let language = lang.as_deref().map(Language::new).transpose()?;
            if let Some(l) = language {
                builder = builder.language(l);
            }
            let analyzer = builder.build()?;
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
                        writeln!(out, "{json}").map_err(|source| Error::Io {
                            path: PathBuf::from("<stdout>"),
                            source,
                        })?;
                    }
                    Err(e) => {
                        failures += 1;
                        eprintln!("partipris: {e}");
                    }
                }
            }
            Ok(if failures == 0 { 0 } else { 1 })
        }
    }
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
