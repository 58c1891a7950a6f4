//! Fuzz target `csv`: see `checks::csv` in `fuzz/checks.rs` for the properties it checks.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::csv(data);
});
