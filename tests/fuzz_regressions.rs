//! Replays the fuzz targets' seeds (`tests/fixtures/fuzz-seeds/TARGET/`) and the inputs the fuzzers found
//! (`fuzz/regressions/TARGET/`, minimized crashes and interesting cases) through the same checks
//! as the fuzz targets (`fuzz/checks.rs`), under `cargo test`. The seeds must also reach the end
//! of the pipeline, so that the fuzzers start from inputs that exercise all of it.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

use checks::Depth;

type Check = fn(&[u8]) -> Depth;

const TARGETS: &[(&str, Check)] = &[
    ("analyze", checks::analyze),
    ("lexicon", checks::lexicon),
    ("model", checks::model),
    ("jsonl", checks::jsonl),
    ("csv", checks::csv),
];

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && !p.ends_with("README.md"))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

#[test]
fn seeds_pass_and_reach_the_end_of_the_pipeline() {
    for (target, check) in TARGETS {
        let seeds = files(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/fuzz-seeds")
                .join(target),
        );
        assert!(!seeds.is_empty(), "no seeds for {target}");
        for path in seeds {
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let depth = check(&data);
            assert_eq!(depth, Depth::Complete, "{target} seed {}", path.display());
        }
    }
}

#[test]
fn regressions_found_by_the_fuzzers_pass() {
    let mut n = 0;
    for (target, check) in TARGETS {
        for path in files(&root().join("regressions").join(target)) {
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let result = std::panic::catch_unwind(|| check(&data));
            assert!(
                result.is_ok(),
                "{target} regression {} panics",
                path.display()
            );
            n += 1;
        }
    }
    println!("{n} regression inputs replayed");
}
