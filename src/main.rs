//! The `partipris` binary: see `partipris --help`.

mod cli;

use clap::Parser;

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
