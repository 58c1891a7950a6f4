//! The explain page of one article.
