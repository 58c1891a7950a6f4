//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared data directory (`../shared` beside the crate, or `$PARTIPRIS_SHARED`).
///
/// When it is absent the test is skipped with a printed notice, unless `CI` is set: then the
/// missing data is a failure.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PARTIPRIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    if dir.join("seeds").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI is set but the shared data is missing at {}",
            dir.display()
        );
    }
    eprintln!(
        "notice: skipping, shared data not found at {}",
        dir.display()
    );
    None
}

/// The text of a seed article, by its number prefix (`"000"`, `"004"`).
pub fn seed(dir: &std::path::Path, prefix: &str) -> String {
    let seeds = dir.join("seeds");
    let entries = std::fs::read_dir(&seeds).unwrap_or_else(|e| panic!("{}: {e}", seeds.display()));
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(".txt") {
            return std::fs::read_to_string(e.path()).unwrap_or_else(|err| panic!("{name}: {err}"));
        }
    }
    panic!("no seed {prefix}*.txt in {}", seeds.display())
}

/// The analyzer with the shipped defaults.
pub fn analyzer() -> partipris::Analyzer {
    partipris::Analyzer::try_default().unwrap_or_else(|e| panic!("{e}"))
}
