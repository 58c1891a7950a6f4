//! Fuzzes `Analyzer::analyze` on arbitrary UTF-8: it must never panic, and every span it
//! reports must be a char boundary inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partipris::{Analyzer, Article};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // With the shipped classifiers, so that scoring is fuzzed too.
    static ANALYZER: std::sync::OnceLock<Analyzer> = std::sync::OnceLock::new();
    let analyzer = ANALYZER.get_or_init(|| {
        Analyzer::builder()
            .default_models(true)
            .build()
            .unwrap_or_else(|e| panic!("shipped analyzer: {e}"))
    });
    if let Ok(report) = analyzer.analyze(&Article::new("fuzz", text)) {
        for m in report.markers() {
            assert!(text.is_char_boundary(m.start()) && text.is_char_boundary(m.end()));
            assert_eq!(&text[m.span()], m.text());
        }
        for s in report.style_markers() {
            assert!(text.get(s.span()).is_some());
        }
    }
});
