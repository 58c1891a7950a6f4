//! The explain page of one article ([`page`]): a summary, the classifiers' scores with the
//! features that pushed them, the article text with every marker highlighted by category
//! (hovering a marker shows its term, category and weight), and tables of the figures and
//! markers.
//!
//! The page is a list of sections ([`SECTIONS`]), each a function that appends its HTML; a
//! new part of the report is shown by writing one such function and adding it to the list.

use std::fmt::Write as _;

use crate::lexicon::{Category, Polarity};
use crate::report::{ArticleReport, ClassScores, Contribution, Marker, StyleKind};
use crate::stance::Voice;

use super::{escape, num, page_end, page_start};

/// What a section is drawn from: the article's text and its report.
#[derive(Debug, Clone, Copy)]
pub struct Article<'a> {
    /// The text the report was made from (its spans are byte offsets into it).
    pub text: &'a str,
    /// The report.
    pub report: &'a ArticleReport,
}

/// A section of the page: appends its HTML to `out`.
pub type Section = fn(out: &mut String, article: &Article<'_>);

/// The page's sections, in order.
pub const SECTIONS: &[Section] = &[summary, scores, stances, text, categories, markers];

/// The page of an article: `text` is the text `report` was made from.
pub fn page(text: &str, report: &ArticleReport) -> String {
    let article = Article { text, report };
    let mut out = String::with_capacity(text.len() * 3 + 32 * 1024);
    let title = format!("partipris: {}", report.id());
    page_start(&mut out, &title, &css());
    for section in SECTIONS {
        section(&mut out, &article);
    }
    page_end(&mut out);
    out
}

/// Background and border colours of a category's highlight.
fn colours(category: Category) -> (&'static str, &'static str) {
    match category {
        Category::PejorativeLabel => ("#ffd6d6", "#d62728"),
        Category::IngroupGlorification => ("#d9f2d9", "#2ca02c"),
        Category::ConspiracyFrame => ("#e8dcf5", "#9467bd"),
        Category::ColonialFraming => ("#ffe2c6", "#e6730f"),
        Category::Dehumanizing => ("#f7c6cf", "#a3001b"),
        Category::Exaggeration => ("#fff2b3", "#c9a400"),
        Category::Intensifier => ("#fdf0d5", "#b8860b"),
        Category::FearAppeal => ("#e0d6cf", "#8c564b"),
        Category::LoadedEvaluative => ("#fcd9ef", "#d43fa1"),
        Category::PropagandaAccusation => ("#d5edf7", "#1f8fbf"),
        Category::Whataboutism => ("#dfe6c5", "#7f8c1a"),
        Category::CallToAction => ("#ffd8b8", "#c85000"),
        Category::IronicDistancing => ("#d7f1ee", "#16a08a"),
        Category::Sarcasm => ("#efe0f7", "#8e44ad"),
        Category::AppealToAuthority => ("#dbe4ff", "#3355cc"),
        Category::Hedge => ("#ececec", "#7f7f7f"),
        Category::Attribution => ("#e6eef2", "#5a7d8c"),
    }
}

fn css() -> String {
    let mut css = String::from(
        "\
.summary { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; margin: 0.5rem 0 1rem; }
.summary div { min-width: 9rem; }
.summary b { display: block; font-size: 1.25rem; }
.article { white-space: pre-wrap; font-family: Georgia, 'Times New Roman', serif; font-size: 1.05rem; line-height: 1.7; background: #fcfcfa; border: 1px solid #e3e6e8; border-radius: 6px; padding: 1rem 1.25rem; }
mark { padding: 0.05rem 0.1rem; border-radius: 3px; border-bottom: 2px solid; color: inherit; cursor: help; }
.legend { display: flex; flex-wrap: wrap; gap: 0.35rem 0.5rem; margin: 0.5rem 0; font-size: 0.85rem; }
.legend span { padding: 0.1rem 0.45rem; border-radius: 3px; border-bottom: 2px solid; }
.legend span.absent { opacity: 0.35; }
.style-scare_quote { text-decoration: underline wavy #9467bd; }
.style-rhetorical_question { text-decoration: underline dotted #1f8fbf; text-decoration-thickness: 2px; }
.style-all_caps { text-decoration: underline double #d62728; }
.biased { background-image: linear-gradient(transparent 88%, rgba(214, 39, 40, 0.35) 88%); }
.ev-favor { box-shadow: inset 0 2px 0 #2ca02c; }
.ev-against { box-shadow: inset 0 2px 0 #d62728; }
.ev-neutral { box-shadow: inset 0 2px 0 #9a9a9a; }
.mention { font-weight: 700; }
.scores { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 1rem; align-items: start; }
.card table { width: 100%; table-layout: fixed; }
.card td:first-child, .card th:first-child { width: 55%; }
.card td.n, .card th.n { width: 18%; }
.card { border: 1px solid #d5dbe1; border-radius: 6px; padding: 0.6rem 0.9rem; }
.card h3 { margin: 0 0 0.4rem; font-size: 1rem; }
.bar { display: inline-block; height: 0.7rem; vertical-align: middle; border-radius: 2px; }
.bar.p { background: #4c78a8; }
.bar.pos { background: #d62728; }
.bar.neg { background: #2ca02c; }
td.feature { font-family: ui-monospace, monospace; font-size: 0.8rem; overflow-wrap: anywhere; }
",
    );
    for c in Category::ALL {
        let (bg, border) = colours(c);
        let _ = writeln!(
            css,
            ".c-{c} {{ background: {bg}; border-bottom-color: {border}; }}"
        );
    }
    css
}

fn human(category: Category) -> String {
    category.as_str().replace('_', " ")
}

fn polarity(p: Polarity) -> &'static str {
    match p {
        Polarity::Positive => "positive",
        Polarity::Negative => "negative",
        Polarity::Neutral => "neutral",
    }
}

fn summary(out: &mut String, a: &Article<'_>) {
    let r = a.report;
    let lang = r.language();
    let language = match lang.code {
        Some(code) => format!(
            "{code} ({}{})",
            match lang.source {
                crate::report::LanguageSource::Given => "given".to_string(),
                crate::report::LanguageSource::Detected =>
                    format!("detected, confidence {:.2}", lang.confidence),
                crate::report::LanguageSource::Default => "default".to_string(),
                crate::report::LanguageSource::Unknown => "unknown".to_string(),
            },
            if lang.supported { "" } else { ", no lexicon" }
        ),
        None => "unknown".to_string(),
    };
    let _ = write!(
        out,
        "<h1>{}</h1>\n<p class=\"muted\">Loaded and one-sided language found by partipris. \
         Hover a highlighted term to see its lexicon entry, category and weight.</p>\n\
         <div class=\"summary\">",
        escape(r.id())
    );
    let loaded = r
        .markers()
        .iter()
        .filter(|m| m.category().is_loaded())
        .count();
    for (label, value) in [
        (
            "loaded language per 1,000 words",
            num(r.loaded_language_density(), 1),
        ),
        ("loaded terms", loaded.to_string()),
        ("markers in all", r.markers().len().to_string()),
        ("words", r.word_count().to_string()),
        ("sentences", r.sentence_count().to_string()),
        ("paragraphs", r.paragraph_count().to_string()),
        ("language", language),
    ] {
        let _ = write!(
            out,
            "<div><b>{}</b><span class=\"muted\">{}</span></div>",
            escape(&value),
            escape(label)
        );
    }
    out.push_str("</div>\n");
}

fn bar(out: &mut String, class: &str, fraction: f64) {
    let width = (fraction.clamp(0.0, 1.0) * 100.0).round();
    let _ = write!(
        out,
        "<span class=\"bar {class}\" style=\"width: {width}%\"></span>"
    );
}

fn class_card(out: &mut String, title: &str, s: &ClassScores) {
    let _ = write!(
        out,
        "<div class=\"card\"><h3>{}: {}</h3>\n<table>",
        escape(title),
        escape(&s.label)
    );
    for p in &s.probabilities {
        let _ = write!(out, "<tr><td>{}</td><td class=\"n\">", escape(&p.label));
        out.push_str(&num(f64::from(p.probability), 3));
        out.push_str("</td><td>");
        bar(out, "p", f64::from(p.probability));
        out.push_str("</td></tr>");
    }
    out.push_str("</table>\n");
    contributions(out, &s.label, &s.contributions);
    out.push_str("</div>\n");
}

fn contributions(out: &mut String, label: &str, contributions: &[Contribution]) {
    if contributions.is_empty() {
        return;
    }
    let max = contributions
        .iter()
        .map(|c| f64::from(c.contribution.abs()))
        .fold(0.0, f64::max)
        .max(1e-9);
    let _ = write!(
        out,
        "<p class=\"muted\">Features that pushed “{}” most (contribution to its log-odds):</p>\n\
         <table><tr><th>feature</th><th class=\"n\">log-odds</th><th></th></tr>",
        escape(label)
    );
    for c in contributions {
        let v = f64::from(c.contribution);
        let _ = write!(
            out,
            "<tr><td class=\"feature\">{}</td><td class=\"n\">{:+.3}</td><td>",
            escape(&c.feature),
            v
        );
        bar(out, if v >= 0.0 { "pos" } else { "neg" }, v.abs() / max);
        out.push_str("</td></tr>");
    }
    out.push_str("</table>\n");
}

fn scores(out: &mut String, a: &Article<'_>) {
    let s = a.report.scores();
    out.push_str("<h2>Scores</h2>\n");
    let none = s.persuasion.is_none()
        && s.genre.is_none()
        && s.satire.is_none()
        && s.leaning.is_none()
        && s.sentence_bias.is_none();
    if none {
        out.push_str(
            "<p class=\"muted\">No classifier scored this article: the shipped classifiers are \
             off (run with <code>--models</code>) or none was trained for its language.</p>\n",
        );
        return;
    }
    out.push_str("<div class=\"scores\">\n");
    if let Some(p) = &s.persuasion {
        let _ = write!(
            out,
            "<div class=\"card\"><h3>persuasion techniques</h3>\n<table>\
             <tr><td>any technique</td><td class=\"n\">{}</td><td>",
            num(f64::from(p.any), 3)
        );
        bar(out, "p", f64::from(p.any));
        let _ = write!(
            out,
            "</td></tr><tr><td>share of words</td><td class=\"n\">{}</td><td>",
            num(f64::from(p.share), 3)
        );
        bar(out, "p", f64::from(p.share));
        out.push_str("</td></tr>");
        for c in &p.categories {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>",
                escape(&c.label.replace('_', " ")),
                num(f64::from(c.probability), 3)
            );
            bar(out, "p", f64::from(c.probability));
            out.push_str("</td></tr>");
        }
        out.push_str(
            "</table>\n<p class=\"muted\">A category's article probability is the chance that \
             a word of the article stands in a paragraph using it (the paragraphs' probabilities \
             weighted by their words); share of words: in paragraphs judged to use a \
             technique.</p></div>\n",
        );
    }
    for (title, scores) in [
        ("genre", &s.genre),
        ("satire", &s.satire),
        ("leaning", &s.leaning),
    ] {
        if let Some(c) = scores {
            class_card(out, title, c);
        }
    }
    if let Some(b) = &s.sentence_bias {
        let _ = write!(
            out,
            "<div class=\"card\"><h3>sentence bias</h3>\n<table><tr><td>share of biased \
             sentences</td><td class=\"n\">{}</td><td>",
            num(f64::from(b.biased_share), 3)
        );
        bar(out, "p", f64::from(b.biased_share));
        let _ = write!(
            out,
            "</td></tr><tr><td>sentences scored</td><td class=\"n\">{}</td><td></td></tr>\
             </table>\n<p class=\"muted\">Sentences judged biased are underlined in red in the \
             text.</p></div>\n",
            b.sentences
        );
    }
    out.push_str("</div>\n");
}

fn voice(v: Voice) -> &'static str {
    match v {
        Voice::Author => "author",
        Voice::Reported => "reported speech",
        Voice::Quoted => "quotation",
    }
}

fn stances(out: &mut String, a: &Article<'_>) {
    let list = a.report.stances();
    out.push_str("<h2>Stances</h2>\n");
    if list.is_empty() {
        out.push_str(
            "<p class=\"muted\">No stance: stance is off (<code>--no-stance</code>) or the \
             article mentions none of the targets.</p>\n",
        );
        return;
    }
    out.push_str(
        "<p class=\"muted\">Score in [−1, 1]: positive for favor, negative for against, \
         aggregated over the sentences that mention the target (author's voice weighs 1, \
         reported speech 0.6, quotations 0.3).</p>\n<div class=\"scores\">\n",
    );
    for s in list {
        let score = f64::from(s.score());
        let _ = write!(
            out,
            "<div class=\"card\"><h3>{}: {} ({:+.2})</h3>\n<table><tr><td>score</td>\
             <td class=\"n\">{:+.3}</td><td>",
            escape(s.name()),
            s.label().as_str(),
            score,
            score
        );
        bar(out, if score >= 0.0 { "neg" } else { "pos" }, score.abs());
        let _ = write!(
            out,
            "</td></tr><tr><td>confidence</td><td class=\"n\">{}</td><td>",
            num(f64::from(s.confidence()), 3)
        );
        bar(out, "p", f64::from(s.confidence()));
        let _ = writeln!(
            out,
            "</td></tr><tr><td>mentions</td><td class=\"n\">{}</td><td></td></tr></table>",
            s.mentions().len()
        );
        if !s.evidence().is_empty() {
            out.push_str("<p class=\"muted\">Evidence, strongest first:</p>\n<ol>");
            for e in s.evidence() {
                let sentence = a.text.get(e.span()).unwrap_or_default();
                let cues: Vec<&str> = e.cues.iter().map(|c| c.text.as_str()).collect();
                let _ = write!(
                    out,
                    "<li>“<bdi>{}</bdi>” <span class=\"muted\">({}, {} {}, weight {}{}<bdi>{}</bdi>)\
                     </span></li>",
                    escape(sentence),
                    voice(e.voice),
                    e.label.as_str(),
                    num(f64::from(e.probability), 2),
                    num(f64::from(e.weight), 2),
                    if cues.is_empty() { "" } else { "; cues: " },
                    escape(&cues.join(", "))
                );
            }
            out.push_str("</ol>\n");
        }
        contributions(out, s.label().as_str(), s.contributions());
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
}

/// A layer drawn over the text: a span and how it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Biased,
    /// Evidence sentence `.1` of stance `.0`.
    Evidence(usize, usize),
    /// Mention `.1` of stance `.0`'s target.
    Mention(usize, usize),
    Style(usize),
    Marker(usize),
}

fn text(out: &mut String, a: &Article<'_>) {
    let r = a.report;
    let text = a.text;
    out.push_str("<h2>Text</h2>\n<div class=\"legend\">");
    for c in Category::ALL {
        let count = r.category(c).count;
        let _ = write!(
            out,
            "<span class=\"c-{c}{}\" title=\"{} term(s){}\">{} ({count})</span>",
            if count == 0 { " absent" } else { "" },
            count,
            if c.is_loaded() {
                ""
            } else {
                ": not counted as loaded"
            },
            escape(&human(c))
        );
    }
    out.push_str(
        "</div>\n<p class=\"muted\">Underlined: <span class=\"style-scare_quote\">scare \
         quotes</span>, <span class=\"style-rhetorical_question\">rhetorical questions</span>, \
         <span class=\"style-all_caps\">words in capitals</span>. Lined above: the sentences \
         a stance rests on (<span class=\"ev-favor\">favor</span>, <span \
         class=\"ev-against\">against</span>, <span class=\"ev-neutral\">neutral</span>); \
         <span class=\"mention\">bold</span>: a target's mentions.</p>\n",
    );

    // Cut the text at every span boundary; draw each piece with the layers covering it.
    let mut layers: Vec<(usize, usize, Layer)> = Vec::new();
    if let Some(b) = &r.scores().sentence_bias {
        layers.extend(b.biased.iter().map(|s| (s.start, s.end, Layer::Biased)));
    }
    for (i, s) in r.style_markers().iter().enumerate() {
        layers.push((s.span().start, s.span().end, Layer::Style(i)));
    }
    for (i, m) in r.markers().iter().enumerate() {
        layers.push((m.start(), m.end(), Layer::Marker(i)));
    }
    for (i, st) in r.stances().iter().enumerate() {
        for (j, e) in st.evidence().iter().enumerate() {
            layers.push((e.start, e.end, Layer::Evidence(i, j)));
        }
        for (j, m) in st.mentions().iter().enumerate() {
            layers.push((m.start, m.end, Layer::Mention(i, j)));
        }
    }
    let ok = |p: usize| p <= text.len() && text.is_char_boundary(p);
    layers.retain(|&(s, e, _)| s < e && ok(s) && ok(e));
    // Leading blank lines are not drawn (unless a span starts in them).
    let lead = text.len() - text.trim_start().len();
    let lead = layers.iter().map(|&(s, _, _)| s).fold(lead, usize::min);
    let lead = text[..lead].rfind('\n').map_or(0, |i| i + 1);
    let mut cuts: Vec<usize> = vec![lead, text.len()];
    for &(s, e, _) in &layers {
        cuts.push(s);
        cuts.push(e);
    }
    cuts.sort_unstable();
    cuts.dedup();
    out.push_str("<div class=\"article\">");
    // A marker is one `<mark>` element; the other layers that cut it (a word in capitals inside
    // it, a scare quote around it) are drawn as spans inside it. Markers do not overlap.
    let mut open: Option<usize> = None;
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        let piece = &text[s..e];
        let covering: Vec<Layer> = layers
            .iter()
            .filter(|&&(ls, le, _)| ls <= s && e <= le)
            .map(|&(_, _, l)| l)
            .collect();
        let biased = covering.contains(&Layer::Biased);
        let styles: Vec<StyleKind> = covering
            .iter()
            .filter_map(|l| match l {
                Layer::Style(i) => r.style_markers().get(*i).map(|m| m.kind()),
                _ => None,
            })
            .collect();
        let mark = covering.iter().find_map(|l| match l {
            Layer::Marker(i) => r.markers().get(*i).map(|m| (*i, m)),
            _ => None,
        });
        if open.is_some() && open != mark.map(|(i, _)| i) {
            out.push_str("</mark>");
            open = None;
        }
        if let (None, Some((i, m))) = (open, mark) {
            let _ = write!(
                out,
                "<mark class=\"c-{}\" data-start=\"{}\" data-end=\"{}\" title=\"{}\">",
                m.category(),
                m.start(),
                m.end(),
                escape(&marker_title(m))
            );
            open = Some(i);
        }
        // Stance evidence and mentions: their titles only outside a marker, whose own title
        // (term, category, weight) hovering must show.
        let mut stance_titles: Vec<String> = Vec::new();
        let (mut evidence, mut mention) = (None, false);
        for l in &covering {
            match *l {
                Layer::Evidence(i, j) => {
                    let Some(st) = r.stances().get(i) else {
                        continue;
                    };
                    let Some(e) = st.evidence().get(j) else {
                        continue;
                    };
                    evidence.get_or_insert(e.label);
                    stance_titles.push(format!(
                        "evidence of the stance toward {}: {} {} ({}, weight {})",
                        st.name(),
                        e.label.as_str(),
                        num(f64::from(e.probability), 2),
                        voice(e.voice),
                        num(f64::from(e.weight), 2)
                    ));
                }
                Layer::Mention(i, _) => {
                    mention = true;
                    if let Some(st) = r.stances().get(i) {
                        stance_titles.push(format!("mention of {}", st.name()));
                    }
                }
                _ => {}
            }
        }
        let span = biased || !styles.is_empty() || evidence.is_some() || mention;
        if span {
            let mut classes: Vec<&str> = styles.iter().map(|k| style_class(*k)).collect();
            if biased {
                classes.push("biased");
            }
            let ev_class = evidence.map(|l| format!("ev-{}", l.as_str()));
            classes.extend(ev_class.as_deref());
            if mention {
                classes.push("mention");
            }
            let _ = write!(out, "<span class=\"{}\"", classes.join(" "));
            if mark.is_none() && !stance_titles.is_empty() {
                let _ = write!(out, " title=\"{}\"", escape(&stance_titles.join("\n")));
            }
            out.push('>');
        }
        super::escape_into(out, piece);
        if span {
            out.push_str("</span>");
        }
    }
    if open.is_some() {
        out.push_str("</mark>");
    }
    out.push_str("</div>\n");
}

fn style_class(kind: StyleKind) -> &'static str {
    match kind {
        StyleKind::ScareQuote => "style-scare_quote",
        StyleKind::RhetoricalQuestion => "style-rhetorical_question",
        StyleKind::AllCaps => "style-all_caps",
    }
}

fn marker_title(m: &Marker) -> String {
    let mut t = format!(
        "“{}”: {} · weight {} · {}",
        m.phrase(),
        human(m.category()),
        num(f64::from(m.weight()), 2),
        polarity(m.polarity())
    );
    if let Some(target) = m.target() {
        let _ = write!(t, " · aimed at {target}");
    }
    if m.quoted() {
        t.push_str(" · inside a quotation");
    }
    let _ = write!(t, " · term {}", m.term());
    t
}

fn categories(out: &mut String, a: &Article<'_>) {
    let r = a.report;
    out.push_str(
        "<h2>Categories</h2>\n<table><tr><th>category</th><th>matches</th><th>summed \
         weight</th><th>per 1,000 words</th></tr>",
    );
    for f in r.categories().iter().filter(|f| f.count > 0) {
        let _ = write!(
            out,
            "<tr><td><span class=\"c-{}\">{}</span></td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            f.category,
            escape(&human(f.category)),
            f.count,
            num(f.weight, 2),
            num(f.per_1k_words, 2)
        );
    }
    out.push_str("</table>\n");
    let s = r.style();
    let _ = writeln!(
        out,
        "<p class=\"muted\">Style: {} exclamation marks, {} questions ({} rhetorical), {} scare \
         quotes, {} words in capitals, {} first-person plural and {} second-person words, {} \
         superlatives, {} words per sentence, type-token ratio {}.</p>",
        s.exclamations,
        s.questions,
        s.rhetorical_questions,
        s.scare_quotes,
        s.all_caps_words,
        s.first_person_plural,
        s.second_person,
        s.superlatives,
        num(s.avg_sentence_words, 1),
        num(s.type_token_ratio, 2)
    );
}

fn markers(out: &mut String, a: &Article<'_>) {
    let r = a.report;
    let _ = write!(
        out,
        "<h2>Markers ({})</h2>\n<table><tr><th>text</th><th>category</th><th>weight</th>\
         <th>lexicon phrase</th><th>term</th><th>bytes</th><th>quoted</th></tr>",
        r.markers().len()
    );
    for m in r.markers() {
        let _ = write!(
            out,
            "<tr><td><span class=\"c-{}\">{}</span></td><td>{}</td><td class=\"n\">{}</td>\
             <td>{}</td><td class=\"feature\">{}</td><td class=\"n\">{}–{}</td><td>{}</td></tr>",
            m.category(),
            escape(m.text()),
            escape(&human(m.category())),
            num(f64::from(m.weight()), 2),
            escape(m.phrase()),
            escape(m.term()),
            m.start(),
            m.end(),
            if m.quoted() { "yes" } else { "" }
        );
    }
    out.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Analyzer, Article as Input};

    #[test]
    fn hostile_text_is_escaped() {
        let text = "<script>alert('x')</script> & les vassaux de Washington \"ici\".\n\u{1}";
        let report = Analyzer::default()
            .analyze(&Input::new("<id>", text))
            .unwrap_or_else(|e| panic!("{e}"));
        let html = page(text, &report);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("&lt;id&gt;"));
        assert!(!html.contains('\u{1}'));
    }

    /// The report of `text` by the default analyzer with stances.
    fn with_stance(text: &str) -> ArticleReport {
        Analyzer::builder()
            .stance(true)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .analyze(&Input::new("x", text))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The classes drawn over each byte of the article's text, read back from the page's
    /// article block (a text without characters to escape), and whether a titled span was
    /// found inside a `<mark>` (whose own title hovering must show).
    fn drawn(html: &str, text: &str) -> (Vec<Vec<String>>, bool) {
        let start = html
            .find("<div class=\"article\">")
            .unwrap_or_else(|| panic!("no text"));
        let body = &html[start + "<div class=\"article\">".len()..];
        let lead = text.len() - text.trim_start().len();
        let mut classes = vec![Vec::new(); text.len()];
        let mut stack: Vec<(String, Vec<String>)> = Vec::new();
        let mut at = lead;
        let mut titled_inside_mark = false;
        let mut rest = body;
        while let Some(c) = rest.chars().next() {
            if c == '<' {
                let end = rest.find('>').unwrap_or_else(|| panic!("unclosed tag"));
                let tag = &rest[1..end];
                rest = &rest[end + 1..];
                if let Some(name) = tag.strip_prefix('/') {
                    if name == "div" {
                        break;
                    }
                    stack.pop();
                } else {
                    let name = tag.split(' ').next().unwrap_or_default().to_string();
                    let class = tag
                        .split("class=\"")
                        .nth(1)
                        .and_then(|c| c.split('"').next())
                        .unwrap_or_default();
                    if tag.contains(" title=") && name == "span" {
                        titled_inside_mark |= stack.iter().any(|(n, _)| n == "mark");
                    }
                    let class = class.split(' ').map(str::to_string).collect();
                    stack.push((name, class));
                }
            } else {
                for cl in stack.iter().flat_map(|(_, c)| c) {
                    for byte in &mut classes[at..at + c.len_utf8()] {
                        byte.push(cl.clone());
                    }
                }
                at += c.len_utf8();
                rest = &rest[c.len_utf8()..];
            }
        }
        assert_eq!(at, text.len(), "the whole text is drawn");
        (classes, titled_inside_mark)
    }

    #[test]
    fn stance_evidence_sentences_and_mentions_are_drawn_in_the_text() {
        let text = "La Russie défend avec courage la paix des peuples, dit-il.\n\n\
                    Les vassaux de Washington mentent sur la Russie.\n\nIl pleut à Niamey.";
        let report = with_stance(text);
        let html = page(text, &report);
        let (drawn, titled_inside_mark) = drawn(&html, text);
        assert!(
            !titled_inside_mark,
            "a marker's title is hidden by a span's"
        );
        let has = |k: usize, class: &str| drawn[k].iter().any(|c| c == class);
        let mut evidence = vec![false; text.len()];
        let mut n = 0;
        for st in report.stances() {
            for e in st.evidence() {
                n += 1;
                let class = format!("ev-{}", e.label.as_str());
                for k in e.span() {
                    assert!(has(k, &class), "{} at {k}: {:?}", st.name(), drawn[k]);
                    evidence[k] = true;
                }
            }
            for m in st.mentions() {
                for k in m.span() {
                    assert!(has(k, "mention"), "{} at {k}", m.text);
                }
            }
        }
        assert!(
            n >= 2,
            "the sample has evidence for two targets at least: {n}"
        );
        for (k, drawn) in drawn.iter().enumerate() {
            let lined = drawn.iter().any(|c| c.starts_with("ev-"));
            assert_eq!(lined, evidence[k], "byte {k}: {drawn:?}");
        }
    }

    #[test]
    fn a_bidi_override_in_evidence_stays_in_its_sentence() {
        // An unclosed right-to-left override in an evidence sentence must not reverse the
        // figures drawn after it: the sentence and its cues are isolated (`<bdi>`).
        let text = "La Russie défend avec courage la paix des peuples \u{202E} selon lui.\n\n\
                    Les vassaux de Washington mentent.";
        let html = page(text, &with_stance(text));
        let items: Vec<&str> = html
            .split("<li>")
            .skip(1)
            .filter_map(|li| li.split("</li>").next())
            .collect();
        assert!(
            items.iter().any(|li| li.contains('\u{202E}')),
            "the sample's evidence holds the override"
        );
        for li in items {
            assert!(li.starts_with("“<bdi>"), "{li}");
            assert!(li.contains("</bdi>” <span"), "{li}");
        }
    }
}
