//! The `partipris` binary: see `partipris --help`.

mod cli;

use clap::Parser;

/// Scoring allocates many small, short-lived vectors per article; jemalloc serves them faster
/// than the system allocator (README, Performance). The library leaves the choice to its users
/// (the `jemalloc` feature only builds it for this binary).
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let code = match cli::run(cli::Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("partipris: {e}");
            2
        }
    };
    std::process::exit(code);
}
