//! Languages: codes, identification (whatlang), and the per-language resources the pipeline uses
//! (stemmer, pronoun and superlative lists). Adding a language means adding a row to
//! [`PROFILES`] and a lexicon file; nothing else in the pipeline changes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use crate::error::{Error, Result};

/// A language, by its ISO 639-1 code (or ISO 639-3 where there is no 639-1 code).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language {
    code: [u8; 3],
}

impl Language {
    /// French.
    pub const FRENCH: Language = Language { code: *b"fr\0" };
    /// English.
    pub const ENGLISH: Language = Language { code: *b"en\0" };

    /// A language from its ISO 639-1 (or 639-3) code, such as `"fr"`. Any two or three ASCII
    /// letters are read (lowercased) as they are: a three-letter code is not mapped to its
    /// two-letter equivalent (lexicon files refuse such codes, naming the code to write).
    pub fn new(code: &str) -> Result<Language> {
        let lower = code.trim().to_ascii_lowercase();
        let b = lower.as_bytes();
        if !(2..=3).contains(&b.len()) || !b.iter().all(u8::is_ascii_lowercase) {
            return Err(Error::Config(format!(
                "language code {code:?} is not an ISO 639-1 or 639-3 code"
            )));
        }
        let mut c = [0u8; 3];
        c[..b.len()].copy_from_slice(b);
        Ok(Language { code: c })
    }

    /// The code, such as `"fr"`.
    pub fn as_str(&self) -> &str {
        let len = if self.code[2] == 0 { 2 } else { 3 };
        std::str::from_utf8(&self.code[..len]).unwrap_or("und")
    }

    /// The resources the pipeline has for this language, if it is supported.
    pub fn profile(&self) -> Option<&'static Profile> {
        PROFILES.iter().find(|p| p.code == self.as_str())
    }

    /// Whether the language is written in the Latin script (look-alike letters from other scripts
    /// inside its words are then folded to Latin).
    pub fn is_latin_script(&self) -> bool {
        LATIN_SCRIPT.contains(&self.as_str())
    }
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Language({})", self.as_str())
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = Error;
    fn from_str(s: &str) -> Result<Language> {
        Language::new(s)
    }
}

impl Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Language, D::Error> {
        let s = String::deserialize(d)?;
        Language::new(&s).map_err(serde::de::Error::custom)
    }
}

/// What the pipeline knows about one supported language.
#[derive(Debug)]
pub struct Profile {
    /// ISO 639-1 code.
    pub code: &'static str,
    /// Snowball stemmer for inflection-aware matching.
    pub stemmer: rust_stemmers::Algorithm,
    /// First-person plural pronouns and determiners (in-group address).
    pub first_person_plural: &'static [&'static str],
    /// Second-person pronouns and determiners (addressing the reader).
    pub second_person: &'static [&'static str],
    /// Superlative words.
    pub superlatives: &'static [&'static str],
    /// Words that, followed by `plus`/`most`-like words, form a superlative (`le plus`).
    pub superlative_articles: &'static [&'static str],
    /// Comparative adverbs that form a superlative after one of `superlative_articles`.
    pub superlative_adverbs: &'static [&'static str],
    /// Whether English-style `-est` superlatives are counted.
    pub est_suffix: bool,
}

/// The supported languages.
pub static PROFILES: &[Profile] = &[
    Profile {
        code: "fr",
        stemmer: rust_stemmers::Algorithm::French,
        first_person_plural: &["nous", "notre", "nos", "nôtre", "nôtres"],
        second_person: &[
            "vous", "votre", "vos", "vôtre", "vôtres", "tu", "toi", "ton", "ta", "tes",
        ],
        superlatives: &[
            "meilleur",
            "meilleure",
            "meilleurs",
            "meilleures",
            "pire",
            "pires",
        ],
        superlative_articles: &["le", "la", "les", "du", "des"],
        superlative_adverbs: &["plus", "moins"],
        est_suffix: false,
    },
    Profile {
        code: "en",
        stemmer: rust_stemmers::Algorithm::English,
        first_person_plural: &["we", "us", "our", "ours", "ourselves"],
        second_person: &["you", "your", "yours", "yourself", "yourselves"],
        superlatives: &["best", "worst", "most", "least"],
        superlative_articles: &[],
        superlative_adverbs: &[],
        est_suffix: true,
    },
];

const LATIN_SCRIPT: &[&str] = &[
    "fr", "en", "de", "it", "es", "pt", "pl", "nl", "ro", "cs", "sk", "sl", "hr", "hu", "sv", "da",
    "nb", "fi", "et", "lv", "lt", "tr", "ca", "id", "ms", "tl", "vi", "af", "la", "eo", "sq",
];

/// A language identification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// The language found.
    pub language: Language,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Whether whatlang deems the guess reliable.
    pub reliable: bool,
}

/// How many bytes of a text language identification reads (enough for a news article's lead).
pub const DETECTION_SAMPLE_BYTES: usize = 600;

/// The fewest letters (alphabetic characters) a sample of [`DETECTION_SAMPLE_BYTES`] bytes
/// must hold for [`detect`] to read it as it is; a sample with fewer is mostly something else
/// (a rule of `=`, a table of numbers, emoji), and the sample is taken from the letters.
pub const DETECTION_MIN_LETTERS: usize = 100;

/// The most bytes from the start of a text that [`detect`] looks at (so that its cost stays
/// bounded whatever comes before the letters).
pub const DETECTION_SCAN_BYTES: usize = 64 * 1024;

/// The part of `text` that [`detect`] reads. Its first [`DETECTION_SAMPLE_BYTES`] bytes (the
/// whole text when shorter) when they hold at least [`DETECTION_MIN_LETTERS`] letters or are
/// the whole text, as for nearly every article; otherwise [`DETECTION_SAMPLE_BYTES`] bytes from
/// its first letter, extended until they hold [`DETECTION_MIN_LETTERS`] letters or reach the
/// end of the text or [`DETECTION_SCAN_BYTES`] bytes from its start. Empty when no letter
/// comes within [`DETECTION_SCAN_BYTES`] bytes of the start (past the first sample).
pub fn detection_sample(text: &str) -> &str {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).count();
    let first = &text[..floor(DETECTION_SAMPLE_BYTES)];
    if first.len() == text.len() || letters(first) >= DETECTION_MIN_LETTERS {
        return first;
    }
    let scan = &text[..floor(DETECTION_SCAN_BYTES)];
    let Some(start) = scan.find(char::is_alphabetic) else {
        return "";
    };
    let mut end = floor(start + DETECTION_SAMPLE_BYTES);
    let mut count = letters(&text[start..end]);
    for c in scan.get(end..).unwrap_or("").chars() {
        if count >= DETECTION_MIN_LETTERS {
            break;
        }
        count += usize::from(c.is_alphabetic());
        end += c.len_utf8();
    }
    &text[start..end.max(start)]
}

/// Identifies the language of `text` from its [`detection_sample`]: its first
/// [`DETECTION_SAMPLE_BYTES`] bytes, or, when those hold few letters (a long rule, table or
/// row of emoji before the text), a sample from its first letter.
pub fn detect(text: &str) -> Option<Detection> {
    let sample = detection_sample(text);
    // Full-width and mathematical letters, ligatures and decomposed accents are read as the
    // letters they stand for (NFKC), as the rest of the analysis reads them.
    let info = if is_nfkc_quick(sample.chars()) == IsNormalized::Yes {
        whatlang::detect(sample)?
    } else {
        whatlang::detect(&sample.nfkc().collect::<String>())?
    };
    let language = Language::new(iso639_1(info.lang())).ok()?;
    Some(Detection {
        language,
        confidence: info.confidence(),
        reliable: info.is_reliable(),
    })
}

/// The ISO 639-1 code of a language the crate knows (one that [`detect`] can give) from its
/// ISO 639-3 code (`"fra"`) or ISO 639-2/B code (`"fre"`); `None` for any other code,
/// including the 639-3 codes of languages without a 639-1 code.
pub(crate) fn iso639_1_of(code: &str) -> Option<&'static str> {
    // ISO 639-2/B codes that differ from the 639-3 code, for the languages `iso639_1` maps.
    const BIBLIOGRAPHIC: &[(&str, &str)] = &[
        ("fre", "fra"),
        ("ger", "deu"),
        ("dut", "nld"),
        ("rum", "ron"),
        ("gre", "ell"),
        ("cze", "ces"),
        ("slo", "slk"),
        ("per", "pes"),
        ("fas", "pes"),
        ("chi", "cmn"),
        ("zho", "cmn"),
        ("geo", "kat"),
        ("arm", "hye"),
        ("bur", "mya"),
        ("mac", "mkd"),
        ("nor", "nob"),
    ];
    let code = code.to_ascii_lowercase();
    let three = BIBLIOGRAPHIC
        .iter()
        .find(|(b, _)| *b == code)
        .map_or(code.as_str(), |(_, t)| t);
    let two = iso639_1(whatlang::Lang::from_code(three)?);
    (two.len() == 2).then_some(two)
}

fn iso639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Eng => "en",
        Fra => "fr",
        Deu => "de",
        Ita => "it",
        Pol => "pl",
        Rus => "ru",
        Spa => "es",
        Por => "pt",
        Bul => "bg",
        Hin => "hi",
        Ara => "ar",
        Heb => "he",
        Ukr => "uk",
        Nld => "nl",
        Swe => "sv",
        Dan => "da",
        Nob => "nb",
        Fin => "fi",
        Hun => "hu",
        Ron => "ro",
        Tur => "tr",
        Ell => "el",
        Ces => "cs",
        Slk => "sk",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Bel => "be",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Vie => "vi",
        Tha => "th",
        Ind => "id",
        Tgl => "tl",
        Pes => "fa",
        Urd => "ur",
        Ben => "bn",
        Tam => "ta",
        Tel => "te",
        Mar => "mr",
        Guj => "gu",
        Pan => "pa",
        Kan => "kn",
        Mal => "ml",
        Ori => "or",
        Nep => "ne",
        Sin => "si",
        Mya => "my",
        Khm => "km",
        Amh => "am",
        Kat => "ka",
        Hye => "hy",
        Aze => "az",
        Uzb => "uz",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Epo => "eo",
        Afr => "af",
        Zul => "zu",
        Sna => "sn",
        Aka => "ak",
        Cat => "ca",
        Lat => "la",
        Yid => "yi",
        Jav => "jv",
        Tuk => "tk",
        Mkd => "mk",
        other => other.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(
            Language::new("FR").map(|l| l.to_string()).ok(),
            Some("fr".into())
        );
        assert_eq!(
            Language::new("fra").map(|l| l.to_string()).ok(),
            Some("fra".into())
        );
        assert!(Language::new("f").is_err());
        assert!(Language::new("français").is_err());
        assert!(Language::FRENCH.profile().is_some());
        assert!(Language::new("de")
            .map(|l| l.profile().is_none())
            .unwrap_or(false));
    }

    /// A junk prefix longer than the sample (a rule of `=`, a table of numbers, emoji,
    /// whitespace) does not hide the text after it; an ordinary text keeps its first
    /// [`DETECTION_SAMPLE_BYTES`] bytes as its sample.
    #[test]
    fn junk_before_the_text_does_not_hide_its_language() {
        let sentence = "Les vassaux de Washington et la minorité planétaire s’inquiètent, a \
                        déclaré le ministre.";
        let table: String = (0..60)
            .map(|i| format!("{i:>4} | {:>8} | {:>6.2}\n", i * 1237, f64::from(i) * 0.37))
            .collect();
        let prefixes = [
            ("601 =", "=".repeat(601)),
            ("number table", table),
            ("151 emoji", "😀".repeat(151)),
            ("whitespace", " \t\n".repeat(300)),
            (
                "mixed",
                format!("{}\n{}", "-".repeat(400), "12345 ".repeat(200)),
            ),
            ("none", String::new()),
        ];
        for (name, prefix) in prefixes {
            let text = format!("{prefix}\n{sentence}");
            let d = detect(&text);
            assert_eq!(d.map(|d| d.language), Some(Language::FRENCH), "{name}");
            assert!(
                detection_sample(&text)
                    .trim_start()
                    .starts_with("Les vassaux"),
                "{name}"
            );
        }
        // An ordinary text's sample is its first 600 bytes (on a character boundary).
        let long = format!("« {} »", sentence.repeat(20));
        let sample = detection_sample(&long);
        assert!(long.starts_with(sample) && sample.len() > DETECTION_SAMPLE_BYTES - 4);
        assert!(sample.len() <= DETECTION_SAMPLE_BYTES);
        // No letter: nothing to read; the scan is bounded.
        assert_eq!(detection_sample(&"1 ".repeat(100_000)), "");
        assert!(detect(&"=".repeat(100_000)).is_none());
        let far = format!("{}{sentence}", "=".repeat(DETECTION_SCAN_BYTES));
        assert_eq!(detection_sample(&far), "");
    }

    #[test]
    fn detects_french_and_english() {
        let fr = detect("La Russie et le Niger confirment leur volonté commune de rapprochement.");
        assert_eq!(fr.map(|d| d.language), Some(Language::FRENCH));
        let en = detect("Russia and Niger confirm their common will to strengthen their ties.");
        assert_eq!(en.map(|d| d.language), Some(Language::ENGLISH));
    }

    /// Full-width letters are read as the Latin letters they stand for.
    #[test]
    fn full_width_text_is_identified_by_its_letters() {
        let plain = "La Russie et le Niger confirment leur volonté commune de rapprochement.";
        let wide: String = plain
            .chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
                ' ' => '\u{3000}',
                _ => c,
            })
            .collect();
        assert_ne!(wide, plain);
        let fr = detect(&wide);
        assert_eq!(fr.map(|d| d.language), Some(Language::FRENCH), "{wide}");
    }
}
