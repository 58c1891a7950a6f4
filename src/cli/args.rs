//! Options shared by several commands: how the analyzer is built, how inputs are read, which
//! output files may be written.

use std::path::{Path, PathBuf};

use partipris::input::{Fields, InputFormat, InputOptions};
use partipris::model::{ModelFile, Models};
use partipris::stance::StanceModel;
use partipris::task::Task;
use partipris::{Analyzer, Error, Language, Result, Targets, DEFAULT_MAX_ARTICLE_BYTES};

/// Whether the shipped classifiers score articles when neither `--models` nor `--no-models`
/// is given. One switch for `analyze`, `score` and `explain`.
pub const MODELS_BY_DEFAULT: bool = true;

/// Whether stances toward the shipped targets are reported when `--no-stance` is not given
/// (the library leaves them opt-in, [`partipris::DEFAULT_STANCE`]; the command line is where
/// users ask "which side does this take").
pub const STANCE_BY_DEFAULT: bool = true;

/// How the analyzer is built (`analyze`, `score`, `explain`).
#[derive(Debug, Clone, clap::Args)]
pub struct AnalyzerArgs {
    /// The articles' language (ISO 639-1, such as `fr`), unless an article gives its own;
    /// identified per article when absent.
    #[arg(long)]
    pub lang: Option<String>,
    /// Extra lexicon files (TOML, see models/lexicons/FORMAT.md).
    #[arg(long = "lexicon")]
    pub lexicons: Vec<PathBuf>,
    /// Use only the lexicons given with --lexicon.
    #[arg(long)]
    pub no_default_lexicons: bool,
    /// Score with the shipped classifiers (the default; see models/MODEL_CARD.md).
    #[arg(long, overrides_with = "no_models")]
    pub models: bool,
    /// Do not score with the shipped classifiers.
    #[arg(long, overrides_with = "models")]
    pub no_models: bool,
    /// A model file to score with (`partipris train` output; repeatable): it replaces the
    /// shipped model of its task (with --no-models, only the files given score). A stance model
    /// replaces the shipped stance model.
    #[arg(long = "model")]
    pub model_files: Vec<PathBuf>,
    /// Leave out stances toward targets.
    #[arg(long)]
    pub no_stance: bool,
    /// Extra stance targets (TOML, see models/targets.md), added to the shipped ones.
    #[arg(long = "targets")]
    pub targets: Vec<PathBuf>,
}

impl AnalyzerArgs {
    /// Whether the shipped classifiers are asked for.
    pub fn wants_models(&self) -> bool {
        if self.no_models {
            false
        } else {
            self.models || MODELS_BY_DEFAULT
        }
    }

    /// Builds the analyzer; `max_bytes` limits an article's size. What the options leave out
    /// is said on standard error once the analyzer is built (not before an error about them).
    pub fn build(&self, max_bytes: Option<usize>) -> Result<Analyzer> {
        let mut notices = Vec::new();
        let custom = self.no_default_lexicons || !self.lexicons.is_empty();
        if self.no_default_lexicons && self.lexicons.is_empty() {
            notices.push(
                "--no-default-lexicons without --lexicon: no lexicons, so no markers (and no \
                 shipped models or stances)",
            );
        }
        let models = self.wants_models();
        if custom && models {
            notices.push(
                "custom lexicons: scoring without the shipped models (they were trained on the \
                 shipped lexicons' features)",
            );
        }
        let mut builder = Analyzer::builder()
            .default_lexicons(!self.no_default_lexicons)
            .default_models(models && !custom);
        let (mut stance_files, files): (Vec<_>, Vec<_>) = self
            .model_files
            .iter()
            .map(|p| Ok((ModelFile::load(p)?, p.display().to_string())))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .partition(|(f, _)| matches!(f.task, Task::Stance | Task::EntityStance));
        if !files.is_empty() {
            let base = if models && !custom {
                Models::embedded()?
            } else {
                Models::none()
            };
            builder = builder.models(base.replaced_by(files)?);
        }
        if stance_files.len() > 1 {
            return Err(Error::Config(
                "--model: two stance models given; one scores stances".into(),
            ));
        }
        let own_stance_model = !stance_files.is_empty();
        if self.no_stance && (own_stance_model || !self.targets.is_empty()) {
            let given = if own_stance_model {
                "--model (a stance model)"
            } else {
                "--targets"
            };
            return Err(Error::Config(format!(
                "{given} with --no-stance: stances are left out, so it would not be used; give \
                 one or the other"
            )));
        }
        if let (Some((file, source)), false) = (stance_files.pop(), self.no_stance) {
            builder = builder.stance_model(StanceModel::new(file, &source)?);
        }
        for l in &self.lexicons {
            builder = builder.lexicon_file(l);
        }
        if self.no_stance || (!STANCE_BY_DEFAULT && self.targets.is_empty()) {
            builder = builder.stance(false);
        } else if custom && self.targets.is_empty() {
            notices.push(
                "custom lexicons: no stances (the stance model was trained on the shipped \
                 lexicons' markers)",
            );
            builder = builder.stance(false);
        } else if self.targets.is_empty() {
            builder = builder.stance(true);
        } else if custom && !own_stance_model {
            return Err(Error::Config(
                "--targets with custom lexicons: the shipped stance model was trained on the \
                 shipped lexicons' markers; give a stance model trained with these lexicons \
                 (--model), or leave out --lexicon / --no-default-lexicons"
                    .into(),
            ));
        } else {
            let mut all = Targets::try_default()?;
            for t in &self.targets {
                all = all.extend(Targets::from_path(t)?);
            }
            builder = builder.targets(all);
        }
        if let Some(l) = self.lang.as_deref().map(Language::new).transpose()? {
            builder = builder.language(l);
        }
        if let Some(m) = max_bytes {
            builder = builder.max_article_bytes(m);
        }
        let analyzer = builder.build()?;
        for notice in notices {
            eprintln!("partipris: {notice}");
        }
        Ok(analyzer)
    }
}

/// How inputs are read (`score`, `eval`).
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Input format: told by each input's name when `auto` (.jsonl/.ndjson/.json, .csv, .tsv,
    /// .txt, each optionally .gz; a directory of .txt files; `-` is JSON Lines).
    #[arg(long, default_value = "auto", value_parser = ["auto", "jsonl", "csv", "tsv", "txt", "dir"])]
    pub input_format: String,
    /// The field (JSON key or CSV column) holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// The field holding the id (records without one get `FILE:LINE`).
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// The field holding the language code (optional in each record).
    #[arg(long, default_value = "lang")]
    pub lang_field: String,
    /// A field holding a title, analysed before the text (title, blank line, text; spans are
    /// offsets into that). Not read unless given.
    #[arg(long)]
    pub title_field: Option<String>,
    /// Records whose text is larger than this many bytes are error records.
    #[arg(long, default_value_t = DEFAULT_MAX_ARTICLE_BYTES)]
    pub max_bytes: usize,
}

impl InputArgs {
    /// Whether every field name is the datasets schema's default.
    pub fn default_fields(&self) -> bool {
        self.text_field == "text"
            && self.id_field == "id"
            && self.lang_field == "lang"
            && self.title_field.is_none()
    }

    /// The input format, when forced.
    pub fn format(&self) -> Option<InputFormat> {
        Some(match self.input_format.as_str() {
            "jsonl" => InputFormat::Jsonl,
            "csv" => InputFormat::Csv,
            "tsv" => InputFormat::Tsv,
            "txt" => InputFormat::Text,
            "dir" => InputFormat::TextDir,
            _ => return None,
        })
    }

    /// The reading options; `label` names a label field.
    pub fn options(&self, label: Option<String>) -> InputOptions {
        InputOptions {
            fields: Fields {
                text: self.text_field.clone(),
                id: self.id_field.clone(),
                lang: self.lang_field.clone(),
                title: self.title_field.clone(),
                label,
                target: None,
            },
            format: self.format(),
            max_bytes: self.max_bytes,
            read_counter: None,
        }
    }
}

/// Checks the output files of a command (each with its option's name; `None` when not given)
/// before any work is done: each can be created (its folder exists, it is not a folder), none
/// is one of the inputs (writing it would destroy what is to be read) or a `.txt` file in an
/// input folder (it would be read as an article), and no two are the same.
pub fn check_outputs(outputs: &[(&str, Option<&Path>)], inputs: &[PathBuf]) -> Result<()> {
    let same = |a: &Path, b: &Path| {
        same_file::is_same_file(a, b).unwrap_or(false)
            || std::path::absolute(a).ok() == std::path::absolute(b).ok()
    };
    let given: Vec<(&str, &Path)> = outputs
        .iter()
        .filter_map(|&(option, path)| Some((option, path?)))
        .collect();
    for (k, &(option, path)) in given.iter().enumerate() {
        let shown = path.display();
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        if path.is_dir() || folder.is_some_and(|f| !f.is_dir()) {
            return Err(Error::Config(format!(
                "{option} {shown}: cannot be written (it is a folder, or its folder does not exist)"
            )));
        }
        if let Some(input) = inputs.iter().find(|i| same(path, i)) {
            return Err(Error::Config(format!(
                "{option} {shown} is the input {}: writing it would destroy what is to be read",
                input.display()
            )));
        }
        let read = partipris::input::is_text_article(path);
        let in_folder = |dir: &PathBuf| dir.is_dir() && same(folder.unwrap_or(Path::new(".")), dir);
        if let Some(dir) = inputs.iter().find(|i| read && in_folder(i)) {
            return Err(Error::Config(format!(
                "{option} {shown} is in the input folder {}: it would be read as one of its \
                 articles",
                dir.display()
            )));
        }
        if let Some((other, _)) = given[..k].iter().find(|(_, p)| same(path, p)) {
            return Err(Error::Config(format!(
                "{other} and {option} are the same file ({shown}): give each a file of its own"
            )));
        }
    }
    Ok(())
}
