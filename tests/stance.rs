//! Stance toward targets: the founding seeds (needs `../shared`), and the API on short texts.

mod common;

use partipris::stance::Cue;
use partipris::{Analyzer, Article, Language, Polarity, StanceLabel, Target, Targets, Voice};

fn analyzer() -> Analyzer {
    Analyzer::builder()
        .targets(Targets::default())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn show(text: &str, report: &partipris::ArticleReport) {
    for s in report.stances() {
        println!(
            "{:14} {:?} {:+.2} conf {:.2} ({} mentions)",
            s.target(),
            s.label(),
            s.score(),
            s.confidence(),
            s.mentions().len()
        );
        for e in s.evidence() {
            let cues: Vec<&str> = e.cues.iter().map(|c| &text[c.start..c.end]).collect();
            println!("    {:.2} {:?} {:?}", e.weight, &text[e.span()], cues);
        }
    }
}

/// The cue agrees with the label.
fn agrees(c: &Cue, label: StanceLabel) -> bool {
    match label {
        StanceLabel::Favor => c.polarity == Polarity::Positive,
        StanceLabel::Against => c.polarity == Polarity::Negative,
        StanceLabel::Neutral => true,
    }
}

#[test]
fn seed_004_favors_russia_and_the_sahel_states_and_opposes_the_west_france_and_the_us() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let text = common::seed(&dir, "004");
    let report = analyzer()
        .analyze(&Article::new("004", text.as_str()))
        .unwrap_or_else(|e| panic!("{e}"));
    show(&text, &report);
    let expected = [
        ("russia", StanceLabel::Favor),
        ("sahel_states", StanceLabel::Favor),
        ("west", StanceLabel::Against),
        ("france", StanceLabel::Against),
        ("united_states", StanceLabel::Against),
    ];
    for (target, label) in expected {
        let s = report
            .stance(target)
            .unwrap_or_else(|| panic!("no stance on {target}"));
        assert_eq!(s.label(), label, "{target}: score {:+.2}", s.score());
        // Evidence a reader accepts: sentences that mention the target, in the author's voice
        // or reported, with a cue of the label's polarity near the mention.
        assert!(!s.evidence().is_empty(), "{target}: no evidence");
        let top = &s.evidence()[0];
        let sentence = &text[top.span()];
        assert!(
            s.mentions()
                .iter()
                .any(|m| top.start <= m.start && m.end <= top.end),
            "{target}: the top evidence sentence does not mention it: {sentence:?}"
        );
        assert!(
            top.voice != Voice::Quoted,
            "{target}: top evidence is a quotation"
        );
        assert!(
            s.evidence()
                .iter()
                .any(|e| e.cues.iter().any(|c| agrees(c, label))),
            "{target}: no cue of the label's polarity in the evidence"
        );
        for e in s.evidence() {
            for c in &e.cues {
                assert_eq!(&text[c.start..c.end], c.text);
            }
        }
    }
    // The loaded terms that make the case against the West are in its evidence.
    let west = report
        .stance("west")
        .map(|s| s.evidence())
        .unwrap_or_default();
    let cues: Vec<&str> = west
        .iter()
        .flat_map(|e| e.cues.iter().map(|c| c.text.as_str()))
        .collect();
    assert!(
        cues.iter().any(|c| c.contains("minorité")
            || c.contains("propagandistes")
            || c.contains("nostalgique")),
        "{cues:?}"
    );
}

#[test]
fn seed_000_is_not_against_russia_and_has_no_stance_on_targets_it_never_mentions() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let text = common::seed(&dir, "000");
    let report = analyzer()
        .analyze(&Article::new("000", text.as_str()))
        .unwrap_or_else(|e| panic!("{e}"));
    show(&text, &report);
    let russia = report
        .stance("russia")
        .unwrap_or_else(|| panic!("no stance on russia"));
    assert!(
        matches!(russia.label(), StanceLabel::Favor | StanceLabel::Neutral),
        "{:?} {:+.2}",
        russia.label(),
        russia.score()
    );
    for never in [
        "west",
        "france",
        "united_states",
        "nato",
        "ukraine",
        "china",
        "israel",
    ] {
        assert!(report.stance(never).is_none(), "000 never mentions {never}");
    }
    for s in report.stances() {
        assert!(!s.mentions().is_empty());
        for m in s.mentions() {
            assert_eq!(&text[m.span()], m.text);
        }
    }
}

#[test]
fn stances_come_with_mentions_voices_and_spans() {
    let text = "Le Kremlin a salué « la sagesse de Paris », a déclaré le porte-parole. \
                Les paris sportifs progressent. Moscou dénonce l'arrogance occidentale.";
    let report = analyzer()
        .analyze(&Article::new("t", text).with_language(Language::FRENCH))
        .unwrap_or_else(|e| panic!("{e}"));
    let russia = report
        .stance("russia")
        .unwrap_or_else(|| panic!("no russia"));
    let texts: Vec<&str> = russia.mentions().iter().map(|m| &text[m.span()]).collect();
    assert_eq!(texts, ["Kremlin", "Moscou"]);
    assert_eq!(russia.mentions()[0].voice, Voice::Reported);
    let france = report
        .stance("france")
        .unwrap_or_else(|| panic!("no france"));
    assert_eq!(france.mentions().len(), 1, "'paris' (bets) is not Paris");
    assert_eq!(france.mentions()[0].voice, Voice::Quoted);
    assert!(report.stance("west").is_some());
    assert!(report.stance("china").is_none());
    let json = serde_json::to_string(&report).unwrap_or_default();
    assert!(json.contains("\"stances\""));
}

/// A word that is both an evaluative word and a lexicon marker aimed at the target is one cue,
/// reported as the marker: its category, term and aim.
#[test]
fn a_marker_that_is_also_an_evaluative_word_is_reported_as_the_marker() {
    let text = "Les laquais de l'Occident applaudissent. L'Occident et ses laquais mentent encore.";
    let report = analyzer()
        .analyze(&Article::new("t", text).with_language(Language::FRENCH))
        .unwrap_or_else(|e| panic!("{e}"));
    let marker = report
        .markers()
        .iter()
        .find(|m| &text[m.span()] == "laquais")
        .unwrap_or_else(|| panic!("no marker for laquais"));
    assert_eq!(marker.target(), Some("west"));
    let west = report.stance("west").unwrap_or_else(|| panic!("no west"));
    let cues: Vec<&Cue> = west
        .evidence()
        .iter()
        .flat_map(|e| &e.cues)
        .filter(|c| &text[c.start..c.end] == "laquais")
        .collect();
    assert!(!cues.is_empty(), "laquais is a cue");
    for c in cues {
        assert_eq!(c.category, Some(marker.category()), "{c:?}");
        assert_eq!(c.term.as_deref(), Some(marker.term()), "{c:?}");
        assert!(c.aimed_at_target, "{c:?}");
    }
}

#[test]
fn users_add_targets_and_can_turn_stance_off() {
    let acme = Target::new("acme", "ACME")
        .and_then(|t| t.alias("fr", "Acme"))
        .and_then(|t| t.exclude("fr", "Acme Junior"))
        .unwrap_or_else(|e| panic!("{e}"));
    let analyzer = Analyzer::builder()
        .targets(Targets::default().with(acme))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = "Acme Junior recrute. Acme est un partenaire fiable et sincère.";
    let r = analyzer
        .analyze(&Article::new("a", text).with_language(Language::FRENCH))
        .unwrap_or_else(|e| panic!("{e}"));
    let s = r.stance("acme").unwrap_or_else(|| panic!("no acme"));
    assert_eq!(s.mentions().len(), 1);
    assert_eq!(s.mentions()[0].start, text.rfind("Acme").unwrap_or(0));
    let off = Analyzer::builder()
        .stance(false)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let r = off
        .analyze(&Article::new("a", text).with_language(Language::FRENCH))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(r.stances().is_empty());
}

#[test]
fn explicit_stance_next_to_other_lexicons_is_refused() {
    let lexicon = partipris::Lexicon::from_toml_str(
        "format_version = 1\nname = \"mine\"\nlanguage = \"fr\"\nversion = \"1\"\nentries = [\n{ phrase = \"truc\", category = \"hedge\" },\n]\n",
        "mine.toml",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let err = Analyzer::builder()
        .lexicon(lexicon.clone())
        .targets(Targets::default())
        .build();
    assert!(
        matches!(err, Err(partipris::Error::Model { .. })),
        "{err:?}"
    );
    // By default, stance is left out instead.
    let a = Analyzer::builder()
        .lexicon(lexicon)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!a.reports_stance());
}

#[test]
fn targets_files_are_checked_with_file_line_and_entry() {
    let path = std::env::temp_dir().join(format!("partipris-targets-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "format_version = 1\nname = \"t\"\nversion = \"1\"\n[[target]]\nid = \"x\"\nname = \"X\"\naliases.fr = [\"Xland\",\n  \"\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    match Targets::from_path(&path) {
        Err(partipris::Error::StanceData {
            file, line, entry, ..
        }) => {
            assert!(file.ends_with(".toml"));
            assert_eq!(line, Some(8));
            assert_eq!(entry.as_deref(), Some(""));
        }
        other => panic!("{other:?}"),
    }
    let _ = std::fs::remove_file(&path);
}

/// The stance stage costs time in proportion to the text, not to the square of its mentions:
/// four times the mentions, in one long sentence (with cues and attribution markers near every
/// mention) or in as many sentences, take about four times as long, not sixteen. Every unit
/// once scanned all the mentions, cues and markers of the text or of its sentence.
#[test]
fn stance_time_grows_linearly_with_the_mentions() {
    let analyzer = analyzer();
    let time = |text: &str| {
        (0..3)
            .map(|_| {
                let start = std::time::Instant::now();
                let report = analyzer
                    .analyze(&Article::new("long", text).with_language(Language::FRENCH))
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(report.stance("russia").is_some());
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    for (shape, phrase) in [
        (
            "one sentence",
            "la Russie ment contre l'ingérence de la propagande selon Macron, ",
        ),
        ("sentences", "La Russie ment selon Macron. "),
    ] {
        let small = time(&phrase.repeat(1_500));
        let large = time(&phrase.repeat(6_000));
        let ratio = large / small;
        println!("{shape}: {small:.3} s, four times the mentions {large:.3} s ({ratio:.1}x)");
        assert!(
            ratio < 9.0,
            "{shape}: {ratio:.1}x the time for 4x the mentions"
        );
    }
}
