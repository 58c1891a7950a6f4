//! The founding seed articles: the loaded terms of 004 are found with their exact spans, and 004
//! is far more loaded than 000. Needs `../shared`.

mod common;

use partipris::{Article, Language};

/// The five terms the project was founded on.
const TERMS: &[&str] = &[
    "minorité planétaire",
    "néocoloniales",
    "vassaux",
    "propagande hexagonale",
    "establishment otanesque",
];

#[test]
fn every_founding_term_of_004_is_found_with_its_span() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let text = common::seed(&dir, "004");
    let report = common::analyzer()
        .analyze(&Article::new("004", text.as_str()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.language().code, Some(Language::FRENCH));
    for term in TERMS {
        let occurrences: Vec<_> = text.match_indices(term).collect();
        assert!(!occurrences.is_empty(), "{term} does not occur in 004");
        for (start, found) in occurrences {
            let span = start..start + found.len();
            assert!(
                report.markers().iter().any(|m| m.span() == span),
                "{term} at {span:?} not found; markers near it: {:?}",
                report
                    .markers()
                    .iter()
                    .filter(|m| m.end() > span.start && m.start() < span.end)
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn loaded_density_of_004_is_at_least_five_times_000() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let analyzer = common::analyzer();
    let density = |prefix: &str| {
        let text = common::seed(&dir, prefix);
        let r = analyzer
            .analyze(&Article::new(prefix, text.as_str()))
            .unwrap_or_else(|e| panic!("{e}"));
        r.loaded_language_density()
    };
    let (d000, d004) = (density("000"), density("004"));
    println!("loaded-language density: 000 = {d000:.2}, 004 = {d004:.2} per 1,000 words");
    assert!(d004 >= 5.0 * d000, "004 {d004:.2} vs 000 {d000:.2}");
}

#[test]
#[ignore = "acceptance test of the classifiers: the shipped models do not pass it yet (see models/MODEL_CARD.md)"]
fn seed_004_scores_far_above_000_for_persuasion_and_opinion() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let analyzer = partipris::Analyzer::builder()
        .default_models(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let scores = |prefix: &str| {
        let text = common::seed(&dir, prefix);
        let r = analyzer
            .analyze(&Article::new(prefix, text.as_str()))
            .unwrap_or_else(|e| panic!("{e}"));
        let s = r.scores().clone();
        let persuasion = s
            .persuasion
            .unwrap_or_else(|| panic!("{prefix}: no persuasion score"));
        let wording = persuasion
            .categories
            .iter()
            .find(|c| c.label == "manipulative_wording")
            .map_or(0.0, |c| c.probability);
        let genre = s
            .genre
            .unwrap_or_else(|| panic!("{prefix}: no genre score"));
        let opinion = genre
            .probabilities
            .iter()
            .find(|p| p.label == "opinion")
            .map_or(0.0, |p| p.probability);
        (persuasion.share, wording, opinion)
    };
    let (s0, w0, o0) = scores("000");
    let (s4, w4, o4) = scores("004");
    println!("000: technique share {s0:.2}, manipulative wording {w0:.2}, opinion {o0:.2}");
    println!("004: technique share {s4:.2}, manipulative wording {w4:.2}, opinion {o4:.2}");
    // "Far above": at least 0.25 higher on the probability scale, or twice as high.
    let far_above = |a: f32, b: f32| a >= b + 0.25 || (b > 0.0 && a >= 2.0 * b && a >= 0.3);
    assert!(
        far_above(s4, s0),
        "any technique: 004 {s4:.2} vs 000 {s0:.2}"
    );
    assert!(
        far_above(w4, w0),
        "manipulative wording: 004 {w4:.2} vs 000 {w0:.2}"
    );
    assert!(far_above(o4, o0), "opinion: 004 {o4:.2} vs 000 {o0:.2}");
}
