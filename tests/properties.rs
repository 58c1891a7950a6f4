//! Property tests: `analyze` never panics, every span is a char boundary inside the text,
//! normalization offsets are monotonic, and an article's persuasion share is the share of its
//! words in the paragraphs reported as using a technique.

use partipris::normalize::normalize;
use partipris::{Analyzer, Article};
use proptest::prelude::*;

/// Characters that stress boundaries: combining marks, emoji and joiners, look-alikes,
/// ignorables, typographic punctuation, spaces and line breaks.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        1 => proptest::char::range('\u{0300}', '\u{036F}'),
        1 => proptest::char::range('\u{1F300}', '\u{1F64F}'),
        1 => proptest::char::range('\u{0400}', '\u{04FF}'),
        1 => proptest::char::range('\u{0370}', '\u{03FF}'),
        1 => proptest::char::range('\u{FF01}', '\u{FF5E}'),
        1 => proptest::char::range('\u{2000}', '\u{206F}'),
        1 => proptest::sample::select(vec![
            ' ', '\n', '\'', '"', '-', '.', '!', '?', ',', '«', '»', '’', '\u{00AD}', '\u{00A0}',
            '\u{FEFF}', '\u{200D}', 'é', 'É', 'œ', 'ß', 'İ', 'ﬁ', '\u{FDFA}', '\u{0130}', '\u{1E9E}',
        ]),
        1 => any::<char>(),
    ]
}

fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(tricky_char(), 0..200).prop_map(|v| v.into_iter().collect()),
        any::<String>(),
    ]
}

fn check_span(text: &str, start: usize, end: usize) -> Result<(), TestCaseError> {
    prop_assert!(
        start <= end && end <= text.len(),
        "span {start}..{end} outside 0..{}",
        text.len()
    );
    prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn analyze_never_panics_and_spans_are_boundaries(text in tricky_string()) {
        // With the shipped classifiers, so that scoring is exercised too.
        static WITH_MODELS: std::sync::OnceLock<Analyzer> = std::sync::OnceLock::new();
        let analyzer = WITH_MODELS.get_or_init(|| {
            Analyzer::builder().default_models(true).build().unwrap_or_else(|e| panic!("{e}"))
        });
        match analyzer.analyze(&Article::new("p", text.as_str())) {
            Ok(report) => {
                for m in report.markers() {
                    check_span(&text, m.start(), m.end())?;
                    prop_assert_eq!(&text[m.span()], m.text());
                }
                for s in report.style_markers() {
                    check_span(&text, s.span().start, s.span().end)?;
                }
            }
            Err(partipris::Error::EmptyText { .. }) => prop_assert!(normalize(&text).as_str().trim().is_empty()),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn normalization_offsets_are_monotonic_boundaries(text in tricky_string()) {
        let n = normalize(&text);
        let norm = n.as_str();
        let mut last_start = 0;
        let mut last_end = 0;
        for p in (0..=norm.len()).filter(|&p| norm.is_char_boundary(p)) {
            let s = n.to_original_start(p);
            let e = n.to_original_end(p);
            prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
            prop_assert!(s >= last_start && e >= last_end, "not monotonic at {p}");
            last_start = s;
            last_end = e;
        }
    }

    #[test]
    fn span_mapper_agrees_with_direct_mapping(text in tricky_string(), cuts in proptest::collection::vec(0usize..400, 0..40)) {
        let n = normalize(&text);
        let norm = n.as_str();
        let mut points: Vec<usize> = cuts
            .iter()
            .map(|c| c % (norm.len() + 1))
            .filter(|&p| norm.is_char_boundary(p))
            .collect();
        points.sort_unstable();
        let mut mapper = n.span_mapper();
        for w in points.windows(2) {
            prop_assert_eq!(mapper.map(w[0]..w[1]), n.to_original_span(w[0]..w[1]));
        }
    }

    #[test]
    fn tokens_map_inside_the_text(text in tricky_string()) {
        let n = normalize(&text);
        let t = partipris::tokenize::tokenize(&text, &n);
        for tok in &t.tokens {
            check_span(&text, tok.start(), tok.end())?;
        }
        for s in &t.sentences {
            check_span(&text, s.span.start, s.span.end)?;
        }
    }
}

/// One line of tricky text: no line end of any convention inside it.
fn tricky_line() -> impl Strategy<Value = String> {
    tricky_string().prop_map(|s| {
        s.chars()
            .filter(|c| {
                !matches!(
                    c,
                    '\n' | '\r' | '\u{B}' | '\u{C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
                )
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Tokens, sentences and paragraphs nest: every token lies in exactly one sentence and every
    /// sentence in one paragraph, in text order, with the indices the tokens carry; a sentence
    /// spans its first token's start to its last token's end, a paragraph its sentences; token
    /// spans never go backwards.
    #[test]
    fn tokens_sentences_and_paragraphs_nest(text in tricky_string()) {
        let n = normalize(&text);
        let t = partipris::tokenize::tokenize(&text, &n);
        for w in t.tokens.windows(2) {
            prop_assert!(w[0].start() <= w[1].start() && w[0].end() <= w[1].end(), "{w:?}");
        }
        let mut next_token = 0;
        for (i, s) in t.sentences.iter().enumerate() {
            prop_assert!(!s.tokens.is_empty() && s.tokens.start == next_token, "sentence {i}: {s:?}");
            next_token = s.tokens.end;
            let (first, last) = (&t.tokens[s.tokens.start], &t.tokens[s.tokens.end - 1]);
            prop_assert_eq!(s.span.clone(), first.start()..last.end());
            for tok in &t.tokens[s.tokens.clone()] {
                prop_assert_eq!((tok.sentence(), tok.paragraph()), (i, s.paragraph));
            }
        }
        prop_assert_eq!(next_token, t.tokens.len());
        let mut next_sentence = 0;
        for (i, p) in t.paragraphs.iter().enumerate() {
            prop_assert!(!p.sentences.is_empty() && p.sentences.start == next_sentence, "paragraph {i}: {p:?}");
            next_sentence = p.sentences.end;
            let sentences = &t.sentences[p.sentences.clone()];
            prop_assert!(sentences.iter().all(|s| s.paragraph == i));
            prop_assert_eq!(p.span.clone(), sentences[0].span.start..sentences[sentences.len() - 1].span.end);
        }
        prop_assert_eq!(next_sentence, t.sentences.len());
    }

    /// The line-end convention of a text (LF, CRLF, a lone CR) changes nothing but the offsets:
    /// the same tokens, sentences and paragraphs.
    #[test]
    fn line_end_convention_does_not_change_the_tokens(lines in proptest::collection::vec(tricky_line(), 1..6)) {
        let shape = |sep: &str| {
            let text = lines.join(sep);
            let n = normalize(&text);
            let t = partipris::tokenize::tokenize(&text, &n);
            let tokens: Vec<String> = t.tokens.iter().map(|tok| n.as_str()[tok.norm_span()].to_string()).collect();
            let sentences: Vec<_> = t.sentences.iter().map(|s| (s.tokens.clone(), s.paragraph)).collect();
            (tokens, sentences, t.paragraphs.len())
        };
        let lf = shape("\n");
        prop_assert_eq!(&shape("\r\n"), &lf);
        prop_assert_eq!(&shape("\r"), &lf);
    }

    /// Normalizing a normalized text changes nothing (a lexicon phrase written in its normalized
    /// form is matched as it is written). Not so when a removed character stands between a
    /// letter and its combining mark (`e\u{200B}\u{301}` gives `e\u{301}`, not `é`): such texts
    /// are left out.
    #[test]
    fn normalization_is_idempotent(text in tricky_string()) {
        use partipris::normalize::is_default_ignorable;
        let text: String = text.chars().filter(|c| !is_default_ignorable(*c)).collect();
        let once = normalize(&text);
        let twice = normalize(once.as_str());
        prop_assert_eq!(twice.as_str(), once.as_str());
    }

    /// A token's span never starts or ends with a character that normalization removes (zero-width
    /// characters, soft hyphens, bidi controls), unless it is a combining mark that belongs to
    /// the letter before it (a variation selector). (A token made of combining marks alone may
    /// start with the removed character before them; a token under a right-to-left override
    /// spans the whole run.)
    #[test]
    fn token_spans_do_not_start_or_end_with_removed_characters(text in tricky_string()) {
        use partipris::normalize::is_default_ignorable;
        let n = normalize(&text);
        let t = partipris::tokenize::tokenize(&text, &n);
        let removed = |c: &char| is_default_ignorable(*c) && !unicode_normalization::char::is_combining_mark(*c);
        let mark_first = |tok: &partipris::tokenize::Token| {
            n.as_str()[tok.norm_span()].chars().next().is_some_and(unicode_normalization::char::is_combining_mark)
        };
        // A span inside a run under a right-to-left override maps to the whole run.
        let reversed = |tok: &partipris::tokenize::Token| {
            n.reversed_runs().iter().any(|r| r.start < tok.end() && tok.start() < r.end)
        };
        for tok in t.tokens.iter().filter(|tok| !mark_first(tok) && !reversed(tok)) {
            let s = &text[tok.span()];
            prop_assert!(!s.chars().next().is_some_and(|c| removed(&c)), "{s:?} starts with a removed character");
            prop_assert!(!s.chars().next_back().is_some_and(|c| removed(&c)), "{s:?} ends with a removed character");
        }
    }
}

/// Paragraphs of French words, some loaded, some one-line.
fn french_paragraphs() -> impl Strategy<Value = String> {
    let word = proptest::sample::select(vec![
        "le",
        "gouvernement",
        "a",
        "annoncé",
        "mardi",
        "une",
        "réforme",
        "des",
        "retraites",
        "les",
        "vassaux",
        "de",
        "Washington",
        "propagande",
        "honteuse",
        "minorité",
        "planétaire",
        "selon",
        "ministre",
        "traîtres",
        "scandale",
        "et",
        "qui",
        "veulent",
        "détruire",
        "France",
    ]);
    let sentence = proptest::collection::vec(word, 1..25).prop_map(|w| w.join(" ") + ".");
    let paragraph = proptest::collection::vec(sentence, 1..4).prop_map(|s| s.join(" "));
    proptest::collection::vec(paragraph, 1..8).prop_map(|p| p.join("\n\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn persuasion_article_figures_weigh_paragraphs_by_their_words(text in french_paragraphs()) {
        static ANALYZER: std::sync::OnceLock<(Analyzer, f32)> = std::sync::OnceLock::new();
        let (analyzer, threshold) = ANALYZER.get_or_init(|| {
            let analyzer = Analyzer::builder().default_models(true).build().unwrap_or_else(|e| panic!("{e}"));
            let models = partipris::model::Models::embedded().unwrap_or_else(|e| panic!("{e}"));
            let threshold = models
                .classifiers()
                .find(|c| c.task() == partipris::task::Task::Persuasion)
                .and_then(|c| c.file().heads.iter().find(|h| h.name == "any").and_then(|h| h.threshold))
                .unwrap_or_else(|| panic!("no persuasion any-technique threshold"));
            (analyzer, threshold)
        });
        let article = Article::new("p", text.as_str()).with_language(partipris::Language::FRENCH);
        let report = analyzer.analyze(&article).unwrap_or_else(|e| panic!("{e}"));
        let p = report.scores().persuasion.as_ref().unwrap_or_else(|| panic!("no persuasion score"));
        let tokens = partipris::tokenize::tokenize(&text, &normalize(&text));
        let words_in = |start: usize, end: usize| {
            tokens.tokens.iter().filter(|t| t.is_word() && t.start() >= start && t.end() <= end).count()
        };
        let (mut all, mut flagged) = (0, 0);
        // The paragraphs' any-technique and category probabilities weighted by their words.
        let mut weighted = vec![0f64; 1 + p.categories.len()];
        for par in &p.paragraphs {
            let n = words_in(par.start, par.end);
            all += n;
            if par.any >= *threshold {
                flagged += n;
            }
            weighted[0] += f64::from(par.any) * n as f64;
            for (w, c) in weighted[1..].iter_mut().zip(&par.categories) {
                *w += f64::from(c.probability) * n as f64;
            }
        }
        prop_assert!(all > 0);
        prop_assert!((p.share - flagged as f32 / all as f32).abs() < 1e-6, "share {} vs {flagged}/{all}", p.share);
        let article = std::iter::once(p.any).chain(p.categories.iter().map(|c| c.probability));
        for (got, w) in article.zip(&weighted) {
            let expected = w / all as f64;
            prop_assert!((f64::from(got) - expected).abs() < 1e-5, "{got} vs {expected}");
        }
    }
}

/// CSV and TSV bodies made of the bytes that decide rows: cells, delimiters, quotes, and every
/// kind of line end.
fn delimited_body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        proptest::sample::select(vec![b'a', b'b', b',', b'\t', b'"', b'\r', b'\n', b' ']),
        0..60,
    )
}

/// The lines of a file as the input readers count them: a line feed, a carriage return and
/// line feed, or a lone carriage return ends one.
fn line_count(file: &[u8]) -> usize {
    1 + file
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && file.get(i + 1) != Some(&b'\n')))
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every CSV or TSV row comes out as a record or an error record on its own line, lines
    /// increasing within the file; in TSV, where a quote is a character, every line that is not
    /// blank is one row.
    #[test]
    fn delimited_rows_get_increasing_lines_and_tsv_loses_no_line(body in delimited_body()) {
        use partipris::input::{InputFormat, InputOptions, Inputs};
        for format in [InputFormat::Csv, InputFormat::Tsv] {
            let mut file = b"text\n".to_vec();
            file.extend(&body);
            let items: Vec<_> = Inputs::from_reader(
                "f",
                Box::new(std::io::Cursor::new(file.clone())),
                format,
                &InputOptions::default(),
            )
            .collect();
            let lines: Vec<usize> = items
                .iter()
                .map(|i| match i {
                    Ok(r) => r.location.line,
                    Err(e) => e.line,
                })
                .collect();
            let total = line_count(&file);
            prop_assert!(
                lines.windows(2).all(|w| w[0] < w[1]) && lines.iter().all(|&l| l >= 2 && l <= total),
                "{format:?} {:?}: lines {lines:?} of {total}",
                String::from_utf8_lossy(&file)
            );
            if format == InputFormat::Tsv {
                let rows = String::from_utf8_lossy(&body)
                    .split(['\n', '\r'])
                    .filter(|l| !l.is_empty())
                    .count();
                prop_assert_eq!(items.len(), rows, "{:?}", String::from_utf8_lossy(&file));
            }
        }
    }
}
