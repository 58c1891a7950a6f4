//! A harness to measure what stance costs in `analyze`, with instruction counts (stable on a
//! loaded machine, unlike wall time):
//!
//! ```sh
//! cargo build --release --example stance_cost
//! valgrind --tool=callgrind target/release/examples/stance_cost off 1  ../shared/seeds/*.txt
//! valgrind --tool=callgrind target/release/examples/stance_cost off 21 ../shared/seeds/*.txt
//! valgrind --tool=callgrind target/release/examples/stance_cost on 1  ../shared/seeds/*.txt
//! valgrind --tool=callgrind target/release/examples/stance_cost on 21 ../shared/seeds/*.txt
//! ```
//!
//! Arguments: `on` or `off` (stance), the number of passes over the files, the files. The
//! difference between 21 and 1 passes, divided by 20, is the cost of analysing the files once
//! with a warm analyzer; the 1-pass run minus that is the cost of building the analyzer.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(passes)) = (args.first(), args.get(1)) else {
        eprintln!("usage: stance_cost on|off PASSES FILE...");
        std::process::exit(2);
    };
    let passes: usize = passes.parse().unwrap_or(1);
    let texts: Vec<String> = args[2..]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let analyzer = partipris::Analyzer::builder()
        .stance(mode == "on")
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut stances = 0;
    for _ in 0..passes {
        for (i, t) in texts.iter().enumerate() {
            let a = partipris::Article::new(i.to_string(), t.as_str());
            stances += analyzer.analyze(&a).map_or(0, |r| r.stances().len());
        }
    }
    println!("{} texts x {passes} passes, {stances} stances", texts.len());
}
