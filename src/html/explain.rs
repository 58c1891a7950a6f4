//! The explain page of one article.

use crate::report::ArticleReport;

/// The page of an article: `text` is the text `report` was made from.
pub fn page(text: &str, report: &ArticleReport) -> String {
    let _ = (text, report);
    String::new()
}
