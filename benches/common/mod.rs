//! The French news sample the benchmarks run on.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;

fn shared() -> PathBuf {
    std::env::var_os("PARTIPRIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// (description, texts): the first 3,000 articles of the French FreSaDa corpus when
/// `../shared` is present, else the seeds repeated, else a French paragraph written for the
/// benchmarks.
pub fn corpus() -> (String, Vec<String>) {
    let path = shared().join("datasets/fresada_train.jsonl.gz");
    if let Ok(file) = std::fs::File::open(&path) {
        let reader = BufReader::new(flate2::read::GzDecoder::new(file));
        let texts: Vec<String> = reader
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
            .filter_map(|v| v.get("text")?.as_str().map(str::to_string))
            .take(3000)
            .collect();
        if !texts.is_empty() {
            return (format!("{} (first 3,000 articles)", path.display()), texts);
        }
    }
    let seeds = shared().join("seeds");
    let mut texts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&seeds) {
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") {
                if let Ok(t) = std::fs::read_to_string(e.path()) {
                    texts.push(t);
                }
            }
        }
    }
    if !texts.is_empty() {
        let n = texts.len();
        let texts = texts.iter().cycle().take(n * 200).cloned().collect();
        return (format!("{} repeated", seeds.display()), texts);
    }
    let paragraph = "Le gouvernement a annoncé mardi une série de mesures destinées à soutenir \
        les agriculteurs, selon un communiqué publié à l\u{2019}issue du Conseil des ministres. \
        Les syndicats dénoncent pourtant une «\u{00A0}mascarade\u{00A0}» et promettent de \
        poursuivre la mobilisation : «\u{00A0}Nous ne lâcherons rien\u{00A0}!\u{00A0}», a déclaré \
        leur porte-parole. L\u{2019}opposition fustige un plan totalement insuffisant face à \
        une crise sans précédent.\n";
    (
        "synthetic French paragraphs".into(),
        vec![paragraph.repeat(12); 500],
    )
}

/// The byte count of texts, and the texts as French articles.
pub fn french_articles(texts: &[String]) -> (usize, Vec<partipris::Article<'_>>) {
    let bytes: usize = texts.iter().map(String::len).sum();
    let articles = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            partipris::Article::new(i.to_string(), t.as_str())
                .with_language(partipris::Language::FRENCH)
        })
        .collect();
    (bytes, articles)
}

/// Loads the corpus and prints what it is.
pub fn load() -> Vec<String> {
    let (source, texts) = corpus();
    let bytes: usize = texts.iter().map(String::len).sum();
    eprintln!(
        "corpus: {source}: {} articles, {:.1} MB",
        texts.len(),
        bytes as f64 / 1e6
    );
    texts
}
