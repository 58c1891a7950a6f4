//! Self-contained HTML pages (inline CSS and SVG, no script, no external resource):
//! [`explain`] shows one article with its markers highlighted and its scores explained;
//! [`eval_report`] shows an evaluation of a model on labelled data.
//!
//! The markup is also well-formed XML (every element closed, attributes quoted, text escaped),
//! so it can be checked with an XML parser.

pub mod eval_report;
pub mod explain;

use std::fmt::Write as _;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    out
}

/// [`escape`], appending to `out`.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0; show them as a replacement.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{FFFD}'),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// The start of a page: doctype, head with the title and the style sheet, opened body.
pub(crate) fn page_start(out: &mut String, title: &str, css: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n\
         <meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{}</title>\n<style>\n{BASE_CSS}{css}</style>\n</head>\n<body>\n",
        escape(title)
    );
}

/// The end of a page.
pub(crate) fn page_end(out: &mut String) {
    let _ = write!(
        out,
        "<footer>Made by partipris {}.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
}

/// A number with `digits` decimals, or `n/a` when not finite.
pub(crate) fn num(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "n/a".to_string()
    }
}

const BASE_CSS: &str = "\
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; color: #1d232a; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d5dbe1; padding-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
th, td { border: 1px solid #d5dbe1; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f1f4f7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: #5f6b76; font-size: 0.9rem; }
footer { margin-top: 3rem; color: #5f6b76; font-size: 0.8rem; }
";
