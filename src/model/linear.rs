//! Linear classification heads: training with linfa's multinomial logistic regression on dense
//! matrices, prediction with a sparse-aware dot product, Platt calibration.

use linfa::traits::Fit;
use linfa::Dataset;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A trained linear head: `classes.len()` scores from `n_features` inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    /// What the head predicts (a task label set, or one persuasion category).
    pub name: String,
    /// Its classes; for binary heads the positive class is the second.
    pub classes: Vec<String>,
    /// Weights, row-major: `n_features` rows of `classes.len()` values.
    pub weights: Vec<f32>,
    /// One intercept per class.
    pub intercept: Vec<f32>,
    /// Platt scaling of the positive-class log-odds (binary heads).
    #[serde(default)]
    pub platt: Option<Platt>,
    /// Decision threshold on the calibrated positive probability (binary heads).
    #[serde(default)]
    pub threshold: Option<f32>,
    /// Decision offsets of heads with more than two classes: the predicted class is the one
    /// with the largest `ln p + offset` (chosen on held-out rows to maximize macro-F1; the
    /// probabilities themselves are left as they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offsets: Option<Vec<f32>>,
    /// The L2 strength it was trained with.
    pub alpha: f32,
}

/// Binary heads over the same inputs (a persuasion model's categories), with their weights
/// interleaved feature by feature: one pass over an input vector gives every head's
/// probability, each head's scores summed with the same additions in the same order as
/// [`Head::positive_probability`] (rows past the end skipped likewise), so the results are
/// the same bit for bit. For the common head counts the scores are fixed-width arrays, which
/// stay in registers and whose additions the compiler can do several at a time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BinaryHeads {
    /// Per feature, each head's two weights.
    weights: Vec<f32>,
    /// Each head's two intercepts.
    intercepts: Vec<f32>,
}

impl BinaryHeads {
    /// The interleaved weights of `heads`, if there are at least two, all binary, with the
    /// same number of weights.
    pub(crate) fn new(heads: &[Head]) -> Option<BinaryHeads> {
        let first = heads.first()?;
        let binary = |h: &Head| h.classes.len() == 2 && h.intercept.len() == 2;
        if heads.len() < 2
            || !heads
                .iter()
                .all(|h| binary(h) && h.weights.len() == first.weights.len())
        {
            return None;
        }
        let rows = first.weights.len() / 2;
        let mut weights = Vec::with_capacity(rows * 2 * heads.len());
        for i in 0..rows {
            for h in heads {
                weights.extend_from_slice(&h.weights[2 * i..2 * i + 2]);
            }
        }
        let intercepts = heads.iter().flat_map(|h| h.intercept.clone()).collect();
        Some(BinaryHeads {
            weights,
            intercepts,
        })
    }

    /// Each head's [`Head::positive_probability`] of `input`; `heads` are the heads these
    /// weights were made from.
    pub(crate) fn positive_probabilities(&self, heads: &[Head], input: &[(u32, f32)]) -> Vec<f32> {
        /// `s` plus each input value times its feature's row of weights (`s.len()` of them).
        fn sums<S: AsMut<[f32]>>(mut s: S, weights: &[f32], input: &[(u32, f32)]) -> S {
            let w = s.as_mut().len();
            for &(i, v) in input {
                if let Some(row) = weights.get(i as usize * w..(i as usize + 1) * w) {
                    for (s, w) in s.as_mut().iter_mut().zip(row) {
                        *s += v * w;
                    }
                }
            }
            s
        }
        fn fixed<const W: usize>(
            weights: &[f32],
            intercepts: &[f32],
            input: &[(u32, f32)],
        ) -> Vec<f32> {
            let mut s = [0f32; W];
            s.copy_from_slice(&intercepts[..W]);
            sums(s, weights, input).to_vec()
        }
        let (weights, intercepts) = (&self.weights, &self.intercepts);
        let scores = match intercepts.len() {
            4 => fixed::<4>(weights, intercepts, input),
            6 => fixed::<6>(weights, intercepts, input),
            8 => fixed::<8>(weights, intercepts, input),
            10 => fixed::<10>(weights, intercepts, input),
            12 => fixed::<12>(weights, intercepts, input),
            14 => fixed::<14>(weights, intercepts, input),
            16 => fixed::<16>(weights, intercepts, input),
            _ => sums(intercepts.clone(), weights, input),
        };
        heads
            .iter()
            .zip(scores.chunks_exact(2))
            .map(|(h, s)| h.calibrated([s[0], s[1]]))
            .collect()
    }
}

/// `p = 1 / (1 + exp(-(a * logit + b)))`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// Slope.
    pub a: f32,
    /// Offset.
    pub b: f32,
}

impl Platt {
    /// Calibrated probability of a log-odds value.
    pub fn apply(&self, logit: f32) -> f32 {
        sigmoid(self.a * logit + self.b)
    }

    /// Fits Platt scaling to held-out (log-odds, is positive) pairs: Newton's method with a
    /// backtracking line search on the log-loss, Platt's smoothed targets and initialization
    /// (Lin, Lin and Weng, 2007).
    pub fn fit(scores: &[f32], positive: &[bool]) -> Platt {
        let n_pos = positive.iter().filter(|&&p| p).count() as f64;
        let n_neg = positive.len() as f64 - n_pos;
        let hi = (n_pos + 1.0) / (n_pos + 2.0);
        let lo = 1.0 / (n_neg + 2.0);
        let data: Vec<(f64, f64)> = scores
            .iter()
            .zip(positive)
            .map(|(&s, &p)| (f64::from(s), if p { hi } else { lo }))
            .collect();
        // Log-loss of p = sigmoid(a s + b), computed stably.
        let loss = |a: f64, b: f64| -> f64 {
            data.iter()
                .map(|&(s, t)| {
                    let z = a * s + b;
                    // -[t log σ(z) + (1 - t) log(1 - σ(z))] = log(1 + e^z) - t z
                    let softplus = if z > 0.0 {
                        z + (-z).exp().ln_1p()
                    } else {
                        z.exp().ln_1p()
                    };
                    softplus - t * z
                })
                .sum()
        };
        let (mut a, mut b) = (0.0f64, ((n_pos + 1.0) / (n_neg + 1.0)).ln());
        let mut f = loss(a, b);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
            for &(s, t) in &data {
                let q = 1.0 / (1.0 + (-(a * s + b)).exp());
                let d = q - t;
                ga += d * s;
                gb += d;
                let w = q * (1.0 - q);
                haa += w * s * s;
                hab += w * s;
                hbb += w;
            }
            if ga.abs() < 1e-7 && gb.abs() < 1e-7 {
                break;
            }
            let det = haa * hbb - hab * hab;
            let (da, db) = if det.abs() > 1e-18 {
                ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det)
            } else {
                (ga, gb)
            };
            let mut step = 1.0;
            let mut improved = false;
            while step > 1e-10 {
                let (na, nb) = (a - step * da, b - step * db);
                let nf = loss(na, nb);
                if nf < f {
                    (a, b, f) = (na, nb, nf);
                    improved = true;
                    break;
                }
                step /= 2.0;
            }
            if !improved {
                break;
            }
        }
        if !(a.is_finite() && b.is_finite()) {
            return Platt { a: 1.0, b: 0.0 };
        }
        Platt {
            a: a as f32,
            b: b as f32,
        }
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Head {
    /// Number of input features.
    pub fn n_features(&self) -> usize {
        self.weights.len() / self.classes.len().max(1)
    }

    /// Raw class scores of an input given as sparse (index, value) pairs.
    pub fn scores(&self, input: &[(u32, f32)]) -> Vec<f32> {
        /// The sums for `N` classes held in registers (same additions in the same order).
        fn fixed<const N: usize>(head: &Head, input: &[(u32, f32)], out: &mut [f32]) {
            let Ok(out) = <&mut [f32; N]>::try_from(out) else {
                return;
            };
            let mut acc = *out;
            for &(i, v) in input {
                let at = i as usize * N;
                if let Some(row) = head.weights.get(at..at + N) {
                    for (o, w) in acc.iter_mut().zip(row) {
                        *o += v * w;
                    }
                }
            }
            *out = acc;
        }
        let k = self.classes.len();
        let mut out = self.intercept.clone();
        match k {
            3 => fixed::<3>(self, input, &mut out),
            4 => fixed::<4>(self, input, &mut out),
            _ => {
                for &(i, v) in input {
                    let at = i as usize * k;
                    if let Some(row) = self.weights.get(at..at + k) {
                        for (o, w) in out.iter_mut().zip(row) {
                            *o += v * w;
                        }
                    }
                }
            }
        }
        out
    }

    /// Class probabilities (softmax of the scores; calibrated for binary heads).
    pub fn probabilities(&self, input: &[(u32, f32)]) -> Vec<f32> {
        if self.classes.len() == 2 {
            let p = self.positive_probability(input);
            return vec![1.0 - p, p];
        }
        softmax(&self.scores(input))
    }

    /// The (calibrated) probability of the second class of a binary head, without the vectors
    /// [`Head::probabilities`] returns; the softmax probability of the second class otherwise.
    pub fn positive_probability(&self, input: &[(u32, f32)]) -> f32 {
        if self.classes.len() != 2 || self.intercept.len() != 2 {
            return softmax(&self.scores(input)).get(1).copied().unwrap_or(0.0);
        }
        let mut s = [self.intercept[0], self.intercept[1]];
        for &(i, v) in input {
            if let Some(w) = self.weights.get(i as usize * 2..i as usize * 2 + 2) {
                s[0] += v * w[0];
                s[1] += v * w[1];
            }
        }
        self.calibrated(s)
    }

    /// A binary head's calibrated positive probability from its two class scores.
    fn calibrated(&self, s: [f32; 2]) -> f32 {
        let logit = s[1] - s[0];
        match &self.platt {
            Some(platt) => platt.apply(logit),
            None => sigmoid(logit),
        }
    }

    /// The predicted class index.
    pub fn predict(&self, input: &[(u32, f32)]) -> usize {
        self.decide(&self.probabilities(input))
    }

    /// Whether a binary head decides for its positive class at this probability (its
    /// threshold, 0.5 without one).
    pub fn is_positive(&self, p: f32) -> bool {
        p >= self.threshold.unwrap_or(0.5)
    }

    /// The class index that [`Head::predict`] gives for these class probabilities (binary
    /// heads compare the positive class with their threshold, others add their offsets to
    /// the log-probabilities).
    pub fn decide(&self, p: &[f32]) -> usize {
        if p.len() == 2 {
            return usize::from(self.is_positive(p[1]));
        }
        match &self.offsets {
            Some(offsets) if offsets.len() == p.len() => offset_argmax(p, offsets),
            _ => argmax(p),
        }
    }
}

/// Softmax.
pub fn softmax(s: &[f32]) -> Vec<f32> {
    let m = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = s.iter().map(|x| (x - m).exp()).collect();
    let z: f32 = e.iter().sum();
    e.iter().map(|x| x / z).collect()
}

/// Index of the largest `ln p + offset` (the first on ties).
pub(crate) fn offset_argmax(p: &[f32], offsets: &[f32]) -> usize {
    let shifted: Vec<f32> = p
        .iter()
        .zip(offsets)
        .map(|(p, o)| p.max(f32::MIN_POSITIVE).ln() + o)
        .collect();
    argmax(&shifted)
}

/// Index of the largest value (the first on ties).
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}

/// Fits a head on a dense matrix (`x`: one row per example) with linfa's multinomial logistic
/// regression. Classes absent from `y` get no weights of their own: their scores stay at a
/// large negative intercept. Solver failures (such as linfa's line-search errors on badly
/// scaled data) are reported as errors, never panics.
pub fn fit(
    name: &str,
    classes: &[String],
    x: &Array2<f32>,
    y: &[usize],
    alpha: f32,
    max_iterations: u64,
) -> Result<Head> {
    if x.nrows() != y.len() || x.nrows() == 0 {
        return Err(Error::Config(format!(
            "head {name}: {} rows for {} labels",
            x.nrows(),
            y.len()
        )));
    }
    let k = classes.len();
    let targets = Array1::from_iter(y.iter().copied());
    // When linfa's line search fails on its first step (a large gradient sends the f32 loss to
    // infinity), it returns the starting point, all zeros, without an error. The same problem
    // on inputs scaled by `s`, with L2 strength `alpha·s²`, has the same solution divided by
    // `s` and a gentler first step: retry with smaller scales.
    for scale in [1f32, 0.1, 0.01] {
        let dataset = Dataset::new(x.mapv(|v| v * scale), targets.clone());
        let fitted = MultiLogisticRegression::<f32>::default()
            .alpha(alpha * scale * scale)
            .max_iterations(max_iterations)
            .fit(&dataset)
            .map_err(|e| Error::Config(format!("head {name}: training failed: {e}")))?;
        let present = fitted.classes();
        let params = fitted.params();
        let intercept = fitted.intercept();
        if params.iter().chain(intercept.iter()).all(|&w| w == 0.0) && present.len() > 1 {
            continue;
        }
        let n = x.ncols();
        let mut weights = vec![0f32; n * k];
        let mut bias = vec![-30f32; k];
        for (j, &class) in present.iter().enumerate() {
            if class >= k {
                continue;
            }
            bias[class] = intercept[j];
            for i in 0..n {
                weights[i * k + class] = params[(i, j)] * scale;
            }
        }
        return finish(name, classes, weights, bias, alpha);
    }
    Err(Error::Config(format!(
        "head {name}: the solver did not move from its starting point, even on rescaled inputs"
    )))
}

fn finish(
    name: &str,
    classes: &[String],
    weights: Vec<f32>,
    bias: Vec<f32>,
    alpha: f32,
) -> Result<Head> {
    if weights.iter().chain(&bias).any(|w| !w.is_finite()) {
        return Err(Error::Config(format!(
            "head {name}: training diverged (non-finite weights)"
        )));
    }
    Ok(Head {
        name: name.to_string(),
        classes: classes.to_vec(),
        weights,
        intercept: bias,
        platt: None,
        threshold: None,
        offsets: None,
        alpha,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary head over `rows` features with weights from `seed`, Platt-scaled or not.
    fn binary_head(rows: usize, seed: usize) -> Head {
        let value = |i: usize| (((i * 7919 + seed * 104_729) % 1000) as f32 / 37.0 - 13.0) / 7.0;
        Head {
            name: format!("h{seed}"),
            classes: vec!["none".into(), format!("c{seed}")],
            weights: (0..2 * rows).map(value).collect(),
            intercept: vec![value(seed), value(seed + 1)],
            platt: seed.is_multiple_of(2).then_some(Platt { a: 0.9, b: -0.3 }),
            threshold: None,
            offsets: None,
            alpha: 1.0,
        }
    }

    /// Interleaved heads give each head's own probability, bit for bit, for every head count
    /// (fixed-width or not), with input indices past the last row skipped.
    #[test]
    fn binary_heads_equal_each_head() {
        let rows = 50;
        let input: Vec<(u32, f32)> = (0..70u32)
            .step_by(3)
            .map(|i| (i, (i as f32 * 0.37).sin()))
            .collect();
        for n in 2..=9 {
            let heads: Vec<Head> = (0..n).map(|s| binary_head(rows, s)).collect();
            let fused = BinaryHeads::new(&heads).unwrap_or_else(|| panic!("{n} heads"));
            let got: Vec<u32> = fused
                .positive_probabilities(&heads, &input)
                .iter()
                .map(|p| p.to_bits())
                .collect();
            let expected: Vec<u32> = heads
                .iter()
                .map(|h| h.positive_probability(&input).to_bits())
                .collect();
            assert_eq!(got, expected, "{n} heads");
        }
        // Not interleaved: one head, a three-class head, heads of different sizes.
        let mut three = binary_head(rows, 1);
        three.classes.push("other".into());
        three.intercept.push(0.0);
        three.weights = (0..3 * rows).map(|i| i as f32).collect();
        for heads in [
            vec![binary_head(rows, 0)],
            vec![binary_head(rows, 0), three],
            vec![binary_head(rows, 0), binary_head(rows + 1, 1)],
        ] {
            assert!(BinaryHeads::new(&heads).is_none());
        }
    }

    #[test]
    fn fits_a_separable_problem() {
        let x = Array2::from_shape_fn((40, 2), |(i, j)| {
            let c = (i % 2) as f32;
            if j == 0 {
                c * 2.0 - 1.0 + (i as f32 * 0.01)
            } else {
                0.5
            }
        });
        let y: Vec<usize> = (0..40).map(|i| i % 2).collect();
        let classes = vec!["a".to_string(), "b".to_string()];
        let head = match fit("t", &classes, &x, &y, 0.1, 100) {
            Ok(h) => h,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(head.predict(&[(0, 1.0), (1, 0.5)]), 1);
        assert_eq!(head.predict(&[(0, -1.0), (1, 0.5)]), 0);
    }

    #[test]
    fn offsets_shift_the_decisions_of_multiclass_heads() {
        let head = |offsets: Option<Vec<f32>>| Head {
            name: "t".into(),
            classes: vec!["a".into(), "b".into(), "c".into()],
            weights: vec![0.0; 3],
            intercept: vec![0.0; 3],
            platt: None,
            threshold: None,
            offsets,
            alpha: 1.0,
        };
        let p = [0.5, 0.3, 0.2];
        let cases: &[(Option<Vec<f32>>, usize)] = &[
            (None, 0),
            (Some(vec![0.0, 0.0, 0.0]), 0),
            // ln 0.3 + 1 = -0.20 > ln 0.5 = -0.69
            (Some(vec![0.0, 1.0, 0.0]), 1),
            (Some(vec![0.0, 0.0, 1.0]), 2),
            (Some(vec![0.0, -1.0, 1.0]), 2),
            // One offset per class or none at all.
            (Some(vec![0.0, 1.0]), 0),
        ];
        for (offsets, expected) in cases {
            assert_eq!(head(offsets.clone()).decide(&p), *expected, "{offsets:?}");
        }
    }

    #[test]
    fn platt_calibrates_overconfident_scores() {
        let scores: Vec<f32> = (0..200)
            .map(|i| if i % 2 == 0 { 8.0 } else { -8.0 })
            .collect();
        // Half of the high scores are wrong: the calibrated probability must drop near 0.5.
        let positive: Vec<bool> = (0..200).map(|i| i % 4 == 0).collect();
        let p = Platt::fit(&scores, &positive);
        let high = p.apply(8.0);
        assert!((high - 0.5).abs() < 0.05, "{high}");
    }
}
