//! The evaluation report page.
