//! The analyzer: configuration (a builder validated at `build()`), and the pipeline that turns an
//! [`Article`] into an [`ArticleReport`].

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::features::{self, FeatureSpec, WordClasses};
use crate::language::{self, Language};
use crate::lexicon::{Lexicon, Matcher, RawMatch};
use crate::model::{Context, Models};
use crate::normalize::{detect_evasions, normalize, NormalizedText};
use crate::report::{ArticleReport, LanguageReport, LanguageSource, Marker, Scores};
use crate::stance::{ArticleView, StanceEngine, StanceModel, Targets};
use crate::tokenize::{tokenize, Tokens};

/// Default limit on an article's size: 16 MiB.
pub const DEFAULT_MAX_ARTICLE_BYTES: usize = 16 << 20;

/// The largest limit [`AnalyzerBuilder::max_article_bytes`] accepts: 1 GiB.
pub const MAX_ARTICLE_BYTES_LIMIT: usize = 1 << 30;

/// An article to analyse: an id, its text, and optionally its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article<'a> {
    id: Cow<'a, str>,
    text: Cow<'a, str>,
    language: Option<Language>,
}

impl<'a> Article<'a> {
    /// An article with an id and a text; its language is identified when analysed.
    pub fn new(id: impl Into<Cow<'a, str>>, text: impl Into<Cow<'a, str>>) -> Article<'a> {
        Article {
            id: id.into(),
            text: text.into(),
            language: None,
        }
    }

    /// Sets the article's language (no identification is then made).
    pub fn with_language(mut self, language: Language) -> Article<'a> {
        self.language = Some(language);
        self
    }

    /// The article id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The article text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The language given with the article, if any.
    pub fn language(&self) -> Option<Language> {
        self.language
    }
}

/// A report with the intermediate results it was made from.
#[derive(Debug)]
pub(crate) struct Analysis {
    pub report: ArticleReport,
    pub normalized: NormalizedText,
    pub tokens: Tokens,
}

/// Configures an [`Analyzer`]. Values are checked when [`AnalyzerBuilder::build`] is called.
#[derive(Debug, Clone)]
pub struct AnalyzerBuilder {
    lexicons: Vec<Lexicon>,
    lexicon_files: Vec<PathBuf>,
    default_lexicons: bool,
    language: Option<Language>,
    default_language: Option<Language>,
    fold_accents: bool,
    max_article_bytes: usize,
    models: Option<Models>,
    /// `None`: the shipped models when the lexicons are the shipped ones.
    default_models: Option<bool>,
    targets: Option<Targets>,
    stance: Option<bool>,
    stance_model: Option<StanceModel>,
}

/// Whether an analyzer reports stances when its builder says nothing about them (see
/// [`AnalyzerBuilder::stance`]): no. Stance roughly doubles the work of `analyze` on
/// target-dense articles (1.8 times the instructions on the two founding seeds, measured with
/// callgrind) and building the stance stage costs more than the rest of the analyzer, so the
/// library leaves it opt-in; `partipris analyze` turns it on.
pub const DEFAULT_STANCE: bool = false;

impl Default for AnalyzerBuilder {
    fn default() -> Self {
        AnalyzerBuilder {
            lexicons: Vec::new(),
            lexicon_files: Vec::new(),
            default_lexicons: true,
            language: None,
            default_language: None,
            fold_accents: true,
            max_article_bytes: DEFAULT_MAX_ARTICLE_BYTES,
            models: None,
            default_models: None,
            targets: None,
            stance: None,
            stance_model: None,
        }
    }
}

impl AnalyzerBuilder {
    /// Adds a lexicon. Lexicons added here take precedence over the shipped ones when two
    /// entries match the same words.
    pub fn lexicon(mut self, lexicon: Lexicon) -> Self {
        self.lexicons.push(lexicon);
        self
    }

    /// Adds a lexicon file, loaded at [`AnalyzerBuilder::build`].
    pub fn lexicon_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.lexicon_files.push(path.into());
        self
    }

    /// Whether to load the shipped lexicons (default: yes).
    pub fn default_lexicons(mut self, yes: bool) -> Self {
        self.default_lexicons = yes;
        self
    }

    /// Analyses every article in this language unless the article gives its own (no
    /// identification is made).
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// The language to fall back on when identification is unreliable.
    pub fn default_language(mut self, language: Language) -> Self {
        self.default_language = Some(language);
        self
    }

    /// Whether matching ignores accents (default: yes). Lexicon entries are checked for
    /// duplicates under the default folding either way; without accent folding, two entries
    /// may still match the same words (French `absurde` and `absurdité`, whose stems meet once
    /// accents stay): the earlier one, in lexicon order and then file order, is reported.
    pub fn fold_accents(mut self, yes: bool) -> Self {
        self.fold_accents = yes;
        self
    }

    /// Articles larger than this many bytes are refused with [`Error::ArticleTooLarge`].
    pub fn max_article_bytes(mut self, bytes: usize) -> Self {
        self.max_article_bytes = bytes;
        self
    }

    /// Scores articles with these models instead of the shipped ones.
    pub fn models(mut self, models: Models) -> Self {
        self.models = Some(models);
        self
    }

    /// Whether to score with the shipped models (`models/*.json`) when no others are given.
    /// By default they are used when the analyzer has exactly the shipped lexicons (their
    /// validation figures and limits are in `models/MODEL_CARD.md`), and left out otherwise:
    /// they were trained on the features of the shipped lexicons, so `default_models(true)`
    /// next to other lexicons is an error.
    pub fn default_models(mut self, yes: bool) -> Self {
        self.default_models = Some(yes);
        self
    }

    /// Reports stances toward these targets (instead of the shipped ones, [`Targets::default`];
    /// extend those with [`Targets::extend`] or [`Targets::with`]). Turns stance on.
    pub fn targets(mut self, targets: Targets) -> Self {
        self.targets = Some(targets);
        self
    }

    /// Whether to report stances ([`ArticleReport::stances`]), with the shipped targets unless
    /// [`AnalyzerBuilder::targets`] gives others. Off by default ([`DEFAULT_STANCE`]). The
    /// stance model was trained on the markers of the shipped lexicons: asking for stances next
    /// to other lexicons is an error at `build()` (when the default is on, stance is then left
    /// out instead).
    pub fn stance(mut self, yes: bool) -> Self {
        self.stance = Some(yes);
        self
    }

    /// Scores stance with this model instead of the shipped one. Turns stance on.
    pub fn stance_model(mut self, model: StanceModel) -> Self {
        self.stance_model = Some(model);
        self
    }

    /// Loads the lexicons and models and builds the analyzer. Models trained with other
    /// features or lexicons are refused.
    pub fn build(self) -> Result<Analyzer> {
        if self.max_article_bytes == 0 || self.max_article_bytes > MAX_ARTICLE_BYTES_LIMIT {
            return Err(Error::Config(format!(
                "max_article_bytes must be in 1..={MAX_ARTICLE_BYTES_LIMIT}, not {}",
                self.max_article_bytes
            )));
        }
        let shipped_lexicons =
            self.default_lexicons && self.lexicons.is_empty() && self.lexicon_files.is_empty();
        let mut lexicons = self.lexicons;
        for path in &self.lexicon_files {
            lexicons.push(Lexicon::from_path(path)?);
        }
        if self.default_lexicons {
            lexicons.extend(Lexicon::embedded()?);
        }
        for (i, a) in lexicons.iter().enumerate() {
            if let Some(b) = lexicons[..i].iter().find(|b| b.name() == a.name()) {
                return Err(Error::Config(format!(
                    "two lexicons are named {:?} ({} and {})",
                    a.name(),
                    b.source(),
                    a.source()
                )));
            }
        }
        let mut languages: Vec<Language> = lexicons.iter().filter_map(|l| l.language()).collect();
        languages.sort();
        languages.dedup();
        let universal: Vec<(usize, &Lexicon)> = lexicons
            .iter()
            .enumerate()
            .filter(|(_, l)| l.language().is_none())
            .collect();
        let mut matchers: Vec<(Language, Matcher)> = Vec::new();
        for lang in languages {
            let own: Vec<(usize, &Lexicon)> = lexicons
                .iter()
                .enumerate()
                .filter(|(_, l)| l.language() == Some(lang))
                .collect();
            matchers.push((lang, Matcher::new(Some(lang), &own, self.fold_accents)?));
        }
        let universal = if universal.is_empty() {
            None
        } else {
            Some(Matcher::new(None, &universal, self.fold_accents)?)
        };
        let spec = FeatureSpec::default();
        let explicit =
            self.stance == Some(true) || self.targets.is_some() || self.stance_model.is_some();
        let wanted = self.stance.unwrap_or(explicit || DEFAULT_STANCE);
        let shipped_models = self.default_models.unwrap_or(shipped_lexicons);
        let load_stance = wanted && self.stance_model.is_none();
        // The shipped classifiers and stance model are parsed side by side: parsing them is
        // most of an analyzer's start-up.
        let (models, shipped_stance) = rayon::join(
            || match self.models {
                Some(m) => Ok(m),
                None if shipped_models => Models::embedded(),
                None => Ok(Models::none()),
            },
            || load_stance.then(StanceModel::embedded),
        );
        let models = models?;
        models.check(&spec, &lexicons)?;
        let stance = if !wanted {
            None
        } else {
            let targets = match self.targets {
                Some(t) => t,
                None => Targets::try_default()?,
            };
            let built = match self.stance_model {
                Some(m) => Ok(m),
                None => shipped_stance.unwrap_or_else(StanceModel::embedded),
            }
            .and_then(|m| StanceEngine::new(targets, m, &lexicons, self.fold_accents));
            match built {
                Ok(mut engine) => {
                    engine.lend_matchers(&mut matchers);
                    Some(engine)
                }
                Err(e) if explicit => return Err(e),
                // Stance by default: left out when the lexicons differ from the model's.
                Err(Error::Model { .. }) => None,
                Err(e) => return Err(e),
            }
        };
        Ok(Analyzer {
            inner: Arc::new(Inner {
                stance,
                models,
                lexicons,
                matchers,
                universal,
                language: self.language,
                default_language: self.default_language,
                max_article_bytes: self.max_article_bytes,
                spec,
                word_classes: language::PROFILES
                    .iter()
                    .filter_map(|p| Some((Language::new(p.code).ok()?, WordClasses::new(p))))
                    .collect(),
            }),
        })
    }
}

/// Analyses articles. Cheap to clone (the lexicons and automata are shared), `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Analyzer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    lexicons: Vec<Lexicon>,
    matchers: Vec<(Language, Matcher)>,
    universal: Option<Matcher>,
    language: Option<Language>,
    default_language: Option<Language>,
    max_article_bytes: usize,
    spec: FeatureSpec,
    word_classes: Vec<(Language, WordClasses)>,
    models: Models,
    stance: Option<StanceEngine>,
}

impl Default for Analyzer {
    /// The analyzer with the shipped lexicons and default settings, built once per process and
    /// shared. The shipped lexicons are compiled into the binary and checked by the crate's
    /// tests; use [`Analyzer::try_default`] to get their loading error as a `Result` instead.
    fn default() -> Self {
        match Analyzer::try_default() {
            Ok(a) => a,
            // Unreachable for a tested build: the embedded lexicons are constants.
            Err(e) => panic!("partipris: {e}"),
        }
    }
}

impl Analyzer {
    /// A builder to configure an analyzer.
    pub fn builder() -> AnalyzerBuilder {
        AnalyzerBuilder::default()
    }

    /// The analyzer with the shipped lexicons and default settings (built once, then shared).
    pub fn try_default() -> Result<Analyzer> {
        static DEFAULT: OnceLock<std::result::Result<Analyzer, String>> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                AnalyzerBuilder::default()
                    .build()
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|e| Error::Config(format!("shipped lexicons: {e}")))
    }

    /// Whether the analyzer reports stances.
    pub fn reports_stance(&self) -> bool {
        self.inner.stance.is_some()
    }

    /// The lexicons in use, in precedence order.
    pub fn lexicons(&self) -> &[Lexicon] {
        &self.inner.lexicons
    }

    /// The feature spec of [`FeatureSpec::vector`] for this analyzer's reports.
    pub fn feature_spec(&self) -> &FeatureSpec {
        &self.inner.spec
    }

    /// The languages the analyzer has lexicons for.
    pub fn languages(&self) -> Vec<Language> {
        self.inner.matchers.iter().map(|(l, _)| *l).collect()
    }

    /// Analyses one article.
    ///
    /// Fails with [`Error::EmptyText`] for an empty or whitespace-only text and with
    /// [`Error::ArticleTooLarge`] above the configured size. An article in a language without
    /// lexicons is analysed with the language-independent markers, and its report says so
    /// ([`LanguageReport::supported`]).
    pub fn analyze(&self, article: &Article<'_>) -> Result<ArticleReport> {
        self.analyze_parts(article).map(|parts| parts.report)
    }

    /// Analyses many articles in parallel (rayon, in the current thread pool) and yields one
    /// item per article, in input order: its report or the error [`Analyzer::analyze`] gives
    /// for it. Articles are taken from `articles` in bounded chunks
    /// ([`crate::batch::ChunkLimits`]), so memory does not grow with the number of articles.
    /// Should an article's analysis panic (a bug), that article's item is
    /// [`Error::Internal`] and the batch goes on.
    ///
    /// ```
    /// use partipris::{Analyzer, Article};
    ///
    /// let analyzer = Analyzer::default();
    /// let texts = ["Les vassaux de Washington s'inquiètent.", "  "];
    /// let articles = texts.iter().enumerate().map(|(i, t)| Article::new(i.to_string(), *t));
    /// let results: Vec<_> = analyzer.analyze_batch(articles).collect();
    /// assert!(results[0].is_ok() && results[1].is_err());
    /// ```
    pub fn analyze_batch<'a, I>(&self, articles: I) -> crate::batch::Batch<'a, I::IntoIter>
    where
        I: IntoIterator<Item = Article<'a>>,
    {
        crate::batch::Batch::new(self.clone(), articles.into_iter())
    }

    /// [`Analyzer::analyze`], also returning the normalized text and the tokens, for the
    /// stages after the report (classifiers).
    pub(crate) fn analyze_parts(&self, article: &Article<'_>) -> Result<Analysis> {
        let inner = &*self.inner;
        let text = article.text();
        if text.len() > inner.max_article_bytes {
            return Err(Error::ArticleTooLarge {
                id: article.id().to_string(),
                bytes: text.len(),
                limit: inner.max_article_bytes,
            });
        }
        let normalized = normalize(text);
        if normalized.as_str().trim().is_empty() {
            return Err(Error::EmptyText {
                id: article.id().to_string(),
            });
        }
        let mut language = self.language_of(article);
        let matcher = language
            .code
            .and_then(|code| inner.matchers.iter().find(|(l, _)| *l == code))
            .map(|(_, m)| m);
        language.supported = matcher.is_some();
        let tokens = tokenize(text, &normalized);

        let mut raw: Vec<RawMatch> = Vec::new();
        for m in matcher.iter().copied().chain(inner.universal.as_ref()) {
            m.find(normalized.as_str(), &tokens.tokens, &mut raw);
        }
        // Phrases of the stance stage's automata, which the language's matcher holds as its
        // later sets (see `StanceEngine::lend_matchers`).
        let lent: Vec<RawMatch> = raw.extract_if(.., |r| r.set != 0).collect();
        leftmost_longest(&mut raw);
        let markers: Vec<Marker> = raw
            .iter()
            .filter_map(|r| {
                let lexicon = inner.lexicons.get(r.entry.0)?;
                let entry = lexicon.entries().get(r.entry.1)?;
                let token = tokens.tokens.get(r.token)?;
                let span = normalized.to_original_span(r.norm_start..r.norm_end);
                let matched = text.get(span.clone())?;
                let spaced = tokens.tokens[r.token..]
                    .iter()
                    .take_while(|t| t.norm_span().start < r.norm_end)
                    .any(|t| t.is_spaced());
                let reversed = normalized
                    .reversed_runs()
                    .iter()
                    .any(|run| run.start < span.end && span.start < run.end);
                Some(Marker {
                    term: format!("{}:{}", lexicon.name(), entry.line()),
                    phrase: entry.phrase().to_string(),
                    category: entry.category(),
                    weight: entry.weight(),
                    polarity: entry.polarity(),
                    target: entry.target().map(str::to_string),
                    text: matched.to_string(),
                    evasion: detect_evasions(matched, entry.phrase(), spaced, reversed),
                    start: span.start,
                    end: span.end,
                    sentence: token.sentence(),
                    paragraph: token.paragraph(),
                    quoted: token.is_quoted(),
                })
            })
            .collect();

        let classes = language
            .code
            .and_then(|code| inner.word_classes.iter().find(|(l, _)| *l == code))
            .map(|(_, c)| c);
        let styles = features::TokenStyles::new(text, normalized.as_str(), &tokens.tokens, classes);
        let (style, style_markers, words) = features::style(
            text,
            normalized.as_str(),
            &tokens.tokens,
            styles.of(0..tokens.tokens.len()),
            &tokens.sentences,
            0,
        );
        let (categories, loaded) = features::category_figures(&markers, words);
        let report = ArticleReport {
            id: article.id().to_string(),
            language,
            bytes: text.len(),
            word_count: words,
            sentence_count: tokens.sentences.len(),
            paragraph_count: tokens.paragraphs.len(),
            loaded_language_density: loaded,
            categories,
            style,
            markers,
            style_markers,
            scores: Scores::default(),
            stances: Vec::new(),
        };
        let mut report = report;
        if !inner.models.is_empty() {
            let ctx = Context {
                original: text,
                normalized: normalized.as_str(),
                tokens: &tokens,
                markers: &report.markers,
                styles: &styles,
                spec: &inner.spec,
                language: report.language.code,
            };
            report.scores = inner.models.score(&ctx, &report);
        }
        if let Some(engine) = &inner.stance {
            report.stances = engine.stances(&ArticleView {
                original: text,
                normalized: &normalized,
                tokens: &tokens,
                markers: &report.markers,
                language: report.language.code,
                word_count: report.word_count,
                lent: &lent,
            });
        }
        Ok(Analysis {
            report,
            normalized,
            tokens,
        })
    }

    fn language_of(&self, article: &Article<'_>) -> LanguageReport {
        let inner = &*self.inner;
        let given = |code| LanguageReport {
            code: Some(code),
            source: LanguageSource::Given,
            confidence: 1.0,
            supported: false,
        };
        if let Some(code) = article.language().or(inner.language) {
            return given(code);
        }
        match (language::detect(article.text()), inner.default_language) {
            (Some(d), None) => LanguageReport {
                code: Some(d.language),
                source: LanguageSource::Detected,
                confidence: d.confidence,
                supported: false,
            },
            (Some(d), Some(_)) if d.reliable => LanguageReport {
                code: Some(d.language),
                source: LanguageSource::Detected,
                confidence: d.confidence,
                supported: false,
            },
            (d, Some(default)) => LanguageReport {
                code: Some(default),
                source: LanguageSource::Default,
                confidence: d.map_or(0.0, |d| d.confidence),
                supported: false,
            },
            (None, None) => LanguageReport {
                code: None,
                source: LanguageSource::Unknown,
                confidence: 0.0,
                supported: false,
            },
        }
    }
}

/// Sorts the matches of the language's lexicons and of the every-language ones
/// (`language = "*"`) by span, resolved as one automaton would: leftmost-longest, and of two
/// matches of one span, the earlier lexicon's. Each automaton's own matches do not overlap, so
/// with one automaton this only sorts them.
fn leftmost_longest(raw: &mut Vec<RawMatch>) {
    raw.sort_by_key(|r| (r.norm_start, std::cmp::Reverse(r.norm_end), r.entry.0));
    let mut end = 0;
    raw.retain(|r| {
        let keep = r.norm_start >= end;
        if keep {
            end = r.norm_end;
        }
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyzer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Analyzer>();
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let a = Analyzer::default();
        assert!(matches!(
            a.analyze(&Article::new("e", " \u{200B}\n\t")),
            Err(Error::EmptyText { id }) if id == "e"
        ));
        let small = Analyzer::builder().max_article_bytes(10).build();
        let small = match small {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        assert!(matches!(
            small.analyze(&Article::new("big", "x".repeat(11))),
            Err(Error::ArticleTooLarge {
                bytes: 11,
                limit: 10,
                ..
            })
        ));
    }

    /// An every-language lexicon next to a language's lexicons: one marker per span, the
    /// earlier lexicon's (user lexicons come first), and a longer match wins over one inside it.
    #[test]
    fn every_language_lexicons_do_not_count_a_span_twice() {
        let star = Lexicon::from_toml_str(
            "format_version = 1\nname = \"star\"\nlanguage = \"*\"\nversion = \"1.0.0\"\nentries = [\n  { phrase = \"vassal\", category = \"pejorative_label\" },\n  { phrase = \"minorité planétaire\", category = \"colonial_framing\" },\n  { phrase = \"planétaire\", category = \"exaggeration\" },\n]\n",
            "star.toml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let analyzer = Analyzer::builder()
            .lexicon(star)
            .default_models(false)
            .stance(false)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = "Les vassaux et le vassal. La minorité planétaire parle.";
        let report = analyzer
            .analyze(&Article::new("t", text).with_language(Language::FRENCH))
            .unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(&str, &str)> = report
            .markers()
            .iter()
            .map(|m| (&text[m.span()], m.term().split(':').next().unwrap_or("")))
            .collect();
        assert_eq!(
            got,
            [
                ("vassaux", "curated-fr"),
                ("vassal", "star"),
                ("minorité planétaire", "star"),
            ]
        );
    }

    /// Every folding of the builder ([`AnalyzerBuilder::fold_accents`]) builds with the shipped
    /// lexicons, with and without stance, and finds the markers of a short French text (without
    /// accent folding the lexicon entries `absurde` and `absurdité` were refused as duplicates).
    #[test]
    fn every_folding_builds_with_the_shipped_lexicons() {
        let text = "Les vassaux de Washington et la minorité planétaire s’inquiètent de cette \
                    absurdité, a déclaré le ministre.";
        for fold_accents in [true, false] {
            for stance in [false, true] {
                let analyzer = Analyzer::builder()
                    .fold_accents(fold_accents)
                    .stance(stance)
                    .build()
                    .unwrap_or_else(|e| {
                        panic!("fold_accents({fold_accents}), stance {stance}: {e}")
                    });
                let report = analyzer
                    .analyze(&Article::new("fr", text))
                    .unwrap_or_else(|e| panic!("{e}"));
                // (Without accent folding, `absurdité` is found as the entry `absurde`.)
                let terms: Vec<&str> = report.markers().iter().map(|m| m.text()).collect();
                for want in ["vassaux", "minorité planétaire", "absurdité"] {
                    assert!(
                        terms.contains(&want),
                        "fold_accents({fold_accents}), stance {stance}: {want:?} not in {terms:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn unsupported_language_is_reported_not_failed() {
        let a = Analyzer::default();
        let text =
            "El gobierno anunció el lunes nuevas medidas para los agricultores, dijo un portavoz.";
        let r = match a.analyze(&Article::new("es", text)) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            r.language().code.map(|l| l.to_string()).as_deref(),
            Some("es")
        );
        assert!(!r.language().supported);
        assert!(r.word_count() > 5);
    }
}
