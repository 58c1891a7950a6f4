//! The evaluation report page ([`page`]): headline figures with their 95% intervals, figures
//! per class (or category), the confusion matrix and the reliability diagram as inline SVG,
//! the figures per language, and the examples the model got most confidently wrong. A stance
//! evaluation adds `f_avg` and the figures per target.

use std::fmt::Write as _;

use crate::eval::{
    BinaryFigures, Confusion, Estimate, MultiLabelFigures, MultiLabelReport, ReliabilityBin,
    SingleLabelFigures, SingleLabelReport,
};
use crate::stance::train::{StanceEvaluation, TargetFigures};

use super::{escape, num, page_end, page_start};

/// The figures of an evaluation.
#[derive(Debug, Clone, Copy)]
pub enum Figures<'a> {
    /// A single-label task.
    Single(&'a SingleLabelReport),
    /// A multi-label task (persuasion).
    Multi(&'a MultiLabelReport),
    /// A stance task: the single-label figures, `f_avg` and the figures per target.
    Stance(&'a StanceEvaluation),
}

/// An example the model got wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    /// The example's id.
    pub id: String,
    /// Its language, when known.
    pub lang: Option<String>,
    /// The gold label.
    pub gold: String,
    /// The predicted label.
    pub predicted: String,
    /// The probability the model gave the predicted label.
    pub confidence: f64,
    /// The first line of the example's text.
    pub first_line: String,
}

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct EvalPage<'a> {
    /// What was evaluated (task, data, model), shown under the title.
    pub description: String,
    /// The figures (with per-language groups when they were computed).
    pub figures: Figures<'a>,
    /// The reliability diagram of the positive class (binary tasks, any-technique decision).
    pub reliability: Option<Vec<ReliabilityBin>>,
    /// The worst errors, most confident first.
    pub misses: Vec<Miss>,
}

const CSS: &str = "\
.figures td.n { min-width: 5rem; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
.charts figure { margin: 0; }
figcaption { font-size: 0.85rem; color: #5f6b76; max-width: 24rem; }
svg text { font-family: system-ui, sans-serif; }
td.text, td.id { max-width: 36rem; overflow-wrap: anywhere; }
";

/// The page.
pub fn page(p: &EvalPage<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let task = match p.figures {
        Figures::Single(r) | Figures::Stance(StanceEvaluation { report: r, .. }) => (&r.task, r.n),
        Figures::Multi(r) => (&r.task, r.n),
    };
    page_start(&mut out, &format!("partipris eval: {}", task.0), CSS);
    let _ = write!(
        out,
        "<h1>Evaluation: {}</h1>\n<p class=\"muted\">{} · {} examples · intervals are 95% \
         bootstrap percentile intervals.</p>\n",
        escape(task.0),
        escape(&p.description),
        task.1
    );
    match p.figures {
        Figures::Single(r) => single(&mut out, &r.figures, None),
        Figures::Stance(s) => {
            single(&mut out, &s.report.figures, Some(s.f_avg));
            targets(&mut out, &s.by_target);
        }
        Figures::Multi(r) => multi(&mut out, &r.figures),
    }
    out.push_str("<div class=\"charts\">\n");
    let confusion = match p.figures {
        Figures::Single(r) | Figures::Stance(StanceEvaluation { report: r, .. }) => {
            &r.figures.confusion
        }
        Figures::Multi(r) => &r.figures.confusion,
    };
    let caption = match p.figures {
        Figures::Single(_) | Figures::Stance(_) => {
            "Confusion matrix: rows are gold labels, columns predictions; \
                               shading is the share of the row."
        }
        Figures::Multi(_) => {
            "Confusion matrix of the any-technique decision: rows are gold, \
                              columns predictions; shading is the share of the row."
        }
    };
    let _ = write!(out, "<figure>");
    confusion_svg(&mut out, confusion);
    let _ = writeln!(out, "<figcaption>{}</figcaption></figure>", escape(caption));
    if let Some(bins) = &p.reliability {
        let positive = match p.figures {
            Figures::Single(r) | Figures::Stance(StanceEvaluation { report: r, .. }) => {
                r.figures.binary.as_ref().map(|b| b.positive.as_str())
            }
            Figures::Multi(r) => r.figures.binary.as_ref().map(|b| b.positive.as_str()),
        };
        out.push_str("<figure>");
        reliability_svg(&mut out, bins);
        let _ = writeln!(
            out,
            "<figcaption>Reliability diagram of the positive class{}: observed share of \
             positives against the mean predicted probability, per 0.1-wide probability bin \
             (dot area: examples in the bin). A calibrated model stays on the diagonal.\
             </figcaption></figure>",
            positive
                .map(|l| format!(" ({})", escape(l)))
                .unwrap_or_default()
        );
    }
    out.push_str("</div>\n");
    match p.figures {
        Figures::Single(r) | Figures::Stance(StanceEvaluation { report: r, .. }) => {
            if let Some(groups) = &r.by_group {
                languages(
                    &mut out,
                    groups
                        .iter()
                        .map(|g| {
                            (
                                g.group.as_str(),
                                g.n,
                                vec![g.figures.accuracy, g.figures.macro_f1],
                            )
                        })
                        .collect(),
                    &["accuracy", "macro-F1"],
                );
            }
        }
        Figures::Multi(r) => {
            if let Some(groups) = &r.by_group {
                languages(
                    &mut out,
                    groups
                        .iter()
                        .map(|g| {
                            (
                                g.group.as_str(),
                                g.n,
                                vec![
                                    g.figures.any.macro_f1,
                                    g.figures.any.f1,
                                    g.figures.macro_f1,
                                    g.figures.micro_f1,
                                ],
                            )
                        })
                        .collect(),
                    &[
                        "any: macro-F1",
                        "any: F1",
                        "categories: macro-F1",
                        "categories: micro-F1",
                    ],
                );
            }
        }
    }
    misses(&mut out, &p.misses);
    page_end(&mut out);
    out
}

fn estimate_cells(out: &mut String, e: &Estimate) {
    let interval = if e.low.is_nan() || e.high.is_nan() {
        String::new()
    } else {
        format!("{} – {}", num(e.low, 3), num(e.high, 3))
    };
    let _ = write!(
        out,
        "<td class=\"n\"><b>{}</b></td><td class=\"n\">{}</td>",
        num(e.value, 3),
        interval
    );
}

fn headline(out: &mut String, rows: &[(String, Estimate)]) {
    out.push_str(
        "<h2>Headline figures</h2>\n<table class=\"figures\"><tr><th>figure</th><th>value</th>\
         <th>95% interval</th></tr>",
    );
    for (name, e) in rows {
        let _ = write!(out, "<tr><td>{}</td>", escape(name));
        estimate_cells(out, e);
        out.push_str("</tr>");
    }
    out.push_str("</table>\n");
}

/// The headline rows of the probability figures, named with `prefix` and, as in the Markdown
/// report, the positive class they are about.
fn binary_rows(prefix: &str, b: &BinaryFigures) -> [(String, Estimate); 3] {
    [
        (
            format!("{prefix}ROC AUC (positive: {})", b.positive),
            b.roc_auc,
        ),
        (format!("{prefix}Brier score (lower is better)"), b.brier),
        (
            format!("{prefix}expected calibration error (lower is better)"),
            b.ece,
        ),
    ]
}

/// The headline and per-class figures; `f_avg` for a stance task.
fn single(out: &mut String, f: &SingleLabelFigures, f_avg: Option<Estimate>) {
    let mut rows = vec![("accuracy", f.accuracy), ("macro-F1", f.macro_f1)];
    if let Some(e) = f_avg {
        rows.push(("f_avg (mean F1 of favor and against)", e));
    }
    let mut rows: Vec<(String, Estimate)> =
        rows.into_iter().map(|(n, e)| (n.to_string(), e)).collect();
    if let Some(b) = &f.binary {
        rows.extend(binary_rows("", b));
    }
    headline(out, &rows);
    out.push_str(
        "<h2>Per class</h2>\n<table><tr><th>class</th><th>precision</th><th>recall</th>\
         <th>F1</th><th>support</th></tr>",
    );
    for c in &f.per_class.0 {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            escape(&c.label),
            num(c.precision, 3),
            num(c.recall, 3),
            num(c.f1, 3),
            c.support
        );
    }
    out.push_str("</table>\n");
}

/// The stance figures per target.
fn targets(out: &mut String, targets: &[TargetFigures]) {
    out.push_str(
        "<h2>Per target</h2>\n<table><tr><th>target</th><th>n</th><th>f_avg</th>\
         <th>macro-F1</th></tr>",
    );
    for t in targets {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            escape(&t.target),
            t.n,
            num(t.f_avg, 3),
            num(t.macro_f1, 3)
        );
    }
    out.push_str("</table>\n");
}

fn multi(out: &mut String, f: &MultiLabelFigures) {
    let mut rows: Vec<(String, Estimate)> = [
        ("any technique: macro-F1", f.any.macro_f1),
        ("any technique: F1", f.any.f1),
        ("any technique: precision", f.any.precision),
        ("any technique: recall", f.any.recall),
        ("any technique: accuracy", f.accuracy),
        ("categories: macro-F1", f.macro_f1),
        ("categories: micro-F1", f.micro_f1),
    ]
    .into_iter()
    .map(|(n, e)| (n.to_string(), e))
    .collect();
    if let Some(b) = &f.binary {
        rows.extend(binary_rows("any technique: ", b));
    }
    headline(out, &rows);
    out.push_str(
        "<h2>Per category</h2>\n<table><tr><th>category</th><th>precision</th><th>recall</th>\
         <th>F1</th><th>support</th></tr>",
    );
    for c in &f.categories.0 {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            escape(&c.category.replace('_', " ")),
            num(c.precision, 3),
            num(c.recall, 3),
            num(c.f1, 3),
            c.support
        );
    }
    out.push_str("</table>\n");
}

fn languages(out: &mut String, groups: Vec<(&str, usize, Vec<Estimate>)>, names: &[&str]) {
    out.push_str("<h2>Per language</h2>\n<table class=\"figures\"><tr><th>language</th><th>n</th>");
    for n in names {
        let _ = write!(out, "<th>{}</th><th>95% interval</th>", escape(n));
    }
    out.push_str("</tr>");
    for (group, n, estimates) in groups {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{n}</td>",
            escape(group)
        );
        for e in &estimates {
            estimate_cells(out, e);
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>\n");
}

fn misses(out: &mut String, misses: &[Miss]) {
    let _ = write!(
        out,
        "<h2>Worst errors</h2>\n<p class=\"muted\">The {} wrong predictions the model was most \
         confident in.</p>\n",
        misses.len()
    );
    if misses.is_empty() {
        return;
    }
    out.push_str(
        "<table><tr><th>id</th><th>language</th><th>gold</th><th>predicted</th>\
         <th>confidence</th><th>first line of the text</th></tr>",
    );
    for m in misses {
        // `dir="auto"`: a right-to-left text (or id) is laid out as such, its own direction
        // told by its first strong character.
        let _ = write!(
            out,
            "<tr><td class=\"id\" dir=\"auto\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"text\" dir=\"auto\">{}</td></tr>",
            escape(&m.id),
            escape(m.lang.as_deref().unwrap_or("")),
            escape(&m.gold),
            escape(&m.predicted),
            num(m.confidence, 3),
            escape(&m.first_line)
        );
    }
    out.push_str("</table>\n");
}

/// Blends white into `#4c78a8` by `t` in [0, 1].
fn shade(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mix = |c: f64| (255.0 + (c - 255.0) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(76.0), mix(120.0), mix(168.0))
}

fn confusion_svg(out: &mut String, c: &Confusion) {
    let k = c.labels.len();
    let cell = if k <= 3 { 90.0 } else { 60.0 };
    let (left, top) = (120.0, 70.0);
    let width = left + cell * k as f64 + 20.0;
    let height = top + cell * k as f64 + 20.0;
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"confusion matrix\">\
         <text x=\"{}\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" fill=\"#5f6b76\">predicted</text>",
        left + cell * k as f64 / 2.0
    );
    let _ = write!(
        out,
        "<text x=\"14\" y=\"{}\" font-size=\"13\" fill=\"#5f6b76\" transform=\"rotate(-90 14 {})\" \
         text-anchor=\"middle\">gold</text>",
        top + cell * k as f64 / 2.0,
        top + cell * k as f64 / 2.0
    );
    for (j, label) in c.labels.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{}</text>",
            left + cell * (j as f64 + 0.5),
            top - 10.0,
            escape(label)
        );
    }
    for (i, row) in c.counts.iter().enumerate() {
        let total: usize = row.iter().sum();
        let y = top + cell * i as f64;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
            left - 8.0,
            y + cell / 2.0 + 4.0,
            escape(c.labels.get(i).map_or("", String::as_str))
        );
        for (j, &n) in row.iter().enumerate() {
            let share = if total == 0 {
                0.0
            } else {
                n as f64 / total as f64
            };
            let x = left + cell * j as f64;
            let ink = if share > 0.55 { "#ffffff" } else { "#1d232a" };
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{}\" \
                 stroke=\"#ffffff\" stroke-width=\"2\"><title>gold {}, predicted {}: {n} ({:.1}% \
                 of the row)</title></rect><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
                 font-size=\"14\" fill=\"{ink}\">{n}</text>",
                shade(share),
                escape(c.labels.get(i).map_or("", String::as_str)),
                escape(c.labels.get(j).map_or("", String::as_str)),
                share * 100.0,
                x + cell / 2.0,
                y + cell / 2.0 + 5.0
            );
        }
    }
    out.push_str("</svg>");
}

fn reliability_svg(out: &mut String, bins: &[ReliabilityBin]) {
    let (size, left, top, bottom) = (280.0, 50.0, 15.0, 45.0);
    let width = left + size + 20.0;
    let height = top + size + bottom;
    let x = |p: f64| left + p * size;
    let y = |p: f64| top + (1.0 - p) * size;
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"reliability diagram\">\
         <rect x=\"{left}\" y=\"{top}\" width=\"{size}\" height=\"{size}\" fill=\"#fafbfc\" \
         stroke=\"#b8c2cc\"/>"
    );
    for t in 0..=10 {
        let p = f64::from(t) / 10.0;
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e6e8\"/>\
             <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e6e8\"/>",
            x(p),
            y(0.0),
            x(p),
            y(1.0),
            x(0.0),
            y(p),
            x(1.0),
            y(p)
        );
        if t % 2 == 0 {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\">{p:.1}</text>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\">{p:.1}</text>",
                x(p),
                y(0.0) + 15.0,
                x(0.0) - 5.0,
                y(p) + 4.0
            );
        }
    }
    let _ = write!(
        out,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#7f7f7f\" stroke-dasharray=\"4 4\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#5f6b76\">mean \
         predicted probability</text><text x=\"14\" y=\"{}\" font-size=\"12\" fill=\"#5f6b76\" \
         text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">observed share</text>",
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0),
        left + size / 2.0,
        y(0.0) + 35.0,
        top + size / 2.0,
        top + size / 2.0
    );
    let total: usize = bins.iter().map(|b| b.n).sum::<usize>().max(1);
    let points: Vec<(f64, f64)> = bins
        .iter()
        .filter(|b| b.n > 0 && b.mean_predicted.is_finite() && b.observed.is_finite())
        .map(|b| (x(b.mean_predicted), y(b.observed)))
        .collect();
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#4c78a8\" stroke-width=\"2\"/>",
            path.join(" ")
        );
    }
    for b in bins
        .iter()
        .filter(|b| b.n > 0 && b.mean_predicted.is_finite() && b.observed.is_finite())
    {
        let r = 3.0 + 9.0 * (b.n as f64 / total as f64).sqrt();
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r:.1}\" fill=\"#4c78a8\" fill-opacity=\"0.7\">\
             <title>p in [{:.1}, {:.1}): {} examples, mean predicted {:.3}, observed {:.3}</title>\
             </circle>",
            x(b.mean_predicted),
            y(b.observed),
            b.low,
            b.high,
            b.n,
            b.mean_predicted,
            b.observed
        );
    }
    out.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{evaluate, reliability, Bootstrap};

    fn report() -> SingleLabelReport {
        let labels = vec!["regular".to_string(), "satire".to_string()];
        let result = evaluate(
            "satire",
            &labels,
            &[0, 1, 1, 0],
            &[0, 1, 0, 1],
            Some(&[0.2, 0.9, 0.4, 0.7]),
            None,
            &Bootstrap {
                resamples: 10,
                seed: 1,
            },
        );
        result.unwrap_or_else(|e| panic!("{e}"))
    }

    fn miss(id: &str, first_line: &str) -> Miss {
        Miss {
            id: id.to_string(),
            lang: Some("ar".to_string()),
            gold: "satire".to_string(),
            predicted: "regular".to_string(),
            confidence: 0.6,
            first_line: first_line.to_string(),
        }
    }

    /// The user's texts and ids are escaped and laid out in their own direction (a
    /// right-to-left first line is not shown left-to-right), and may break anywhere.
    #[test]
    fn worst_errors_are_escaped_and_take_their_own_direction() {
        let r = report();
        let page = page(&EvalPage {
            description: "d".to_string(),
            figures: Figures::Single(&r),
            reliability: None,
            misses: vec![
                miss("<b>&\"'</b>", "هذا خبر <script>x</script> عاجل؟"),
                miss("a", &"x".repeat(200)),
            ],
        });
        for want in [
            "<td class=\"id\" dir=\"auto\">&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;</td>",
            "<td class=\"text\" dir=\"auto\">هذا خبر &lt;script&gt;x&lt;/script&gt; عاجل؟</td>",
            "td.text, td.id { max-width: 36rem; overflow-wrap: anywhere; }",
        ] {
            assert!(page.contains(want), "{want} not in {page}");
        }
        assert!(!page.contains("<script>") && !page.contains("<b>&"));
    }

    /// The page names the positive class of the probability figures, as the Markdown does
    /// (for `entity_stance` it is `against`, not the first class).
    #[test]
    fn the_probability_figures_name_their_positive_class() {
        let r = report();
        let bins = reliability(&[false, true, true, false], &[0.2, 0.9, 0.4, 0.7]);
        let page = page(&EvalPage {
            description: "d".to_string(),
            figures: Figures::Single(&r),
            reliability: Some(bins.unwrap_or_else(|e| panic!("{e}"))),
            misses: Vec::new(),
        });
        for want in [
            "<td>ROC AUC (positive: satire)</td>",
            "Reliability diagram of the positive class (satire):",
        ] {
            assert!(page.contains(want), "{want} not in {page}");
        }
    }
}
