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
