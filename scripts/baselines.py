#!/usr/bin/env python3
"""Baselines that partipris's own classifiers must beat, on the same folds.

Two baselines a user would pick instead of partipris, trained and evaluated per task:

  sklearn   TF-IDF (word 1-2 grams + char_wb 3-5 grams, sublinear tf, min_df 2; a FeatureUnion
            of two TfidfVectorizer) + LogisticRegression (liblinear, one-vs-rest per label or
            class, class_weight='balanced'; C tuned in {0.5, 2, 8} by 3-fold cross-validation on
            the training data only).
  fasttext  fastText supervised (wordNgrams 2, minn 3, maxn 6, other settings default; epoch in
            {10, 25} and lr in {0.1, 0.5} tuned on an 80/20 split of the training data only;
            allsides: epoch in {5, 10}), thread=1, fixed seed. Persuasion: one -loss ova model
            (threshold 0.5) and one binary model per label are both run; the better on
            validation is reported as the baseline, and both are in the JSON.

Budget (2 cores, about 20 minutes): allsides articles are cut after 500 words and the allsides
and fresada tuning runs on seeded subsamples (--leaning-max-words, --tune-max); two units
(task x baseline) run side by side (--jobs), each single-threaded; the throughput measurement
runs alone at the end.

Folds (the same as `src/task.rs`): where a corpus has splits they are used (semeval2023
train/dev, allsides train/valid); elsewhere a record is held out when FNV-1a 64 of its id's UTF-8
bytes is 0 modulo 5.

Usage, from the repository root:

    python3 -m pip install -r scripts/requirements-baselines.txt
    python3 scripts/baselines.py --data ../shared/datasets --out eval/

It writes eval/baselines.json (every figure) and eval/baselines.md (tables). The data stay where
they are: nothing from the corpora is written to the output but counts and scores.
"""

# Single-threaded numerics everywhere (fair comparison, stable timings): set before numpy loads.
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import concurrent.futures  # noqa: E402
import datetime  # noqa: E402
import gzip  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import pickle  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402

import numpy as np  # noqa: E402

SEED = 0
C_GRID = (0.5, 2.0, 8.0)
FT_GRID = tuple((epoch, lr) for epoch in (10, 25) for lr in (0.1, 0.5))
FT_PARAMS = dict(wordNgrams=2, minn=3, maxn=6, thread=1, seed=SEED, verbose=0)

PERSUASION_CATEGORIES = [
    "attack_on_reputation",
    "justification",
    "simplification",
    "distraction",
    "call",
    "manipulative_wording",
]
TECHNIQUE_CATEGORY = {
    **dict.fromkeys(
        [
            "Name_Calling-Labeling",
            "Guilt_by_Association",
            "Doubt",
            "Appeal_to_Hypocrisy",
            "Questioning_the_Reputation",
        ],
        0,
    ),
    **dict.fromkeys(
        [
            "Flag_Waving",
            "Appeal_to_Authority",
            "Appeal_to_Popularity",
            "Appeal_to_Values",
            "Appeal_to_Fear-Prejudice",
        ],
        1,
    ),
    **dict.fromkeys(
        [
            "Causal_Oversimplification",
            "False_Dilemma-No_Choice",
            "Consequential_Oversimplification",
        ],
        2,
    ),
    **dict.fromkeys(["Straw_Man", "Red_Herring", "Whataboutism"], 3),
    **dict.fromkeys(["Slogans", "Conversation_Killer", "Appeal_to_Time"], 4),
    **dict.fromkeys(
        [
            "Loaded_Language",
            "Obfuscation-Vagueness-Confusion",
            "Exaggeration-Minimisation",
            "Repetition",
        ],
        5,
    ),
}
PERSUASION_LABELS = ["any"] + PERSUASION_CATEGORIES

# Per task: level, classes (binary: positive class second, as in src/task.rs), tuning metric.
TASKS = {
    "persuasion": dict(level="paragraph", file="semeval2023_task3", labels=PERSUASION_LABELS),
    "genre": dict(level="article", file="semeval2023_task3", labels=["opinion", "reporting", "satire"]),
    "satire": dict(level="article", file="fresada_train", labels=["regular", "satire"]),
    "leaning": dict(level="article", file="allsides_leaning", labels=["left", "center", "right"]),
    "sentence_bias": dict(level="sentence", file="babe_sentences", labels=["non-biased", "biased"]),
    "stance": dict(level="text+target", file="semeval2016_stance", labels=["favor", "against", "none"]),
    "entity_stance": dict(level="entity span", file="semeval2025_narratives", labels=["favor", "against"]),
}
# Measured cost (seconds on 2 cores, two units side by side), largest first, so that a pool of
# two workers finishes close together.
UNIT_ORDER = [
    ("leaning", "fasttext"),  # ~880
    ("persuasion", "fasttext"),  # ~640
    ("leaning", "sklearn"),  # ~330
    ("satire", "fasttext"),  # ~260
    ("genre", "fasttext"),  # ~110
    ("persuasion", "sklearn"),  # ~90
    ("satire", "sklearn"),
    ("sentence_bias", "fasttext"),
    ("genre", "sklearn"),
    ("stance", "fasttext"),
    ("stance", "sklearn"),
    ("entity_stance", "fasttext"),
    ("entity_stance", "sklearn"),
    ("sentence_bias", "sklearn"),
]


# --------------------------------------------------------------------------------------------
# Data and folds


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def fold_of(record_id: str) -> int:
    return fnv1a64(record_id.encode("utf-8")) % 5


# Reference values of the algorithm (also checked by src/task.rs).
assert fnv1a64(b"") == 0xCBF29CE484222325
assert fnv1a64(b"a") == 0xAF63DC4C8601EC8C


def read_jsonl(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def truncate_words(text: str, max_words):
    """The text up to the end of its max_words-th whitespace-separated token."""
    if not max_words:
        return text
    for i, m in enumerate(re.finditer(r"\S+", text)):
        if i + 1 == max_words:
            return text[: m.end()]
    return text


def load_task(name, data_dir, leaning_max_words):
    """Training and evaluation sets of a task.

    Returns dict(train=Split, evals={name: Split}, notes=[...]); a Split is a dict with text,
    y (class names, or an (n, 7) 0/1 array for persuasion), lang, group (for tuning folds) and
    extra (per-example fields used for breakdowns).
    """
    spec = TASKS[name]
    path = os.path.join(data_dir, spec["file"] + ".jsonl.gz")
    notes = []

    def new_split():
        return dict(text=[], y=[], lang=[], group=[], extra=[])

    train, valid = new_split(), new_split()
    evals = {"valid": valid}

    def add(split, text, y, rec, group=None, extra=None):
        split["text"].append(text)
        split["y"].append(y)
        split["lang"].append(rec.get("lang") or "?")
        split["group"].append(group if group is not None else rec["id"])
        split["extra"].append(extra)

    if name == "persuasion":
        n_articles = Counter()
        for rec in read_jsonl(path):
            split = {"train": train, "dev": valid}.get(rec.get("split"))
            if split is None:
                continue
            n_articles[rec["split"]] += 1
            raw = rec["text"].encode("utf-8")
            for p in rec.get("paragraphs") or []:
                text = raw[p["start"] : p["end"]].decode("utf-8")
                if not text.strip():
                    continue
                y = [0] * len(PERSUASION_LABELS)
                for t in p["techniques"]:
                    y[1 + TECHNIQUE_CATEGORY[t]] = 1
                y[0] = int(bool(p["techniques"]))
                add(split, text, y, rec, group=rec["id"])
        for s in (train, valid):
            s["y"] = np.array(s["y"], dtype=np.int8).reshape(-1, len(PERSUASION_LABELS))
        notes.append(
            f"paragraphs of {n_articles['train']} train / {n_articles['dev']} dev articles; "
            "tuning folds grouped by article"
        )
    elif name == "genre":
        for rec in read_jsonl(path):
            if rec.get("genre") is None:
                continue
            # As in partipris: the held-out fold of the train articles validates; the other
            # train articles and the dev articles with a genre train.
            if rec.get("split") == "train":
                add(valid if fold_of(rec["id"]) == 0 else train, rec["text"], rec["genre"], rec)
            elif rec.get("split") == "dev":
                add(train, rec["text"], rec["genre"], rec)
    elif name == "satire":
        for rec in read_jsonl(path):
            add(valid if fold_of(rec["id"]) == 0 else train, rec["text"], rec["label"], rec)
        notes.append("text field only (the title field is not used)")
        notes.append(
            "the two classes come from different sites, so a model can key on each site's "
            "boilerplate and style: near-ceiling scores measure source identification as much as satire"
        )
    elif name == "leaning":
        for rec in read_jsonl(path):
            split = {"train": train, "valid": valid}.get(rec.get("split"))
            if split is not None:
                add(split, truncate_words(rec["text"], leaning_max_words), rec["label"], rec,
                    group=rec.get("source") or rec["id"])
        if leaning_max_words:
            notes.append(
                f"each article cut after its first {leaning_max_words} whitespace-separated words "
                "(both baselines; to fit the time budget)"
            )
        notes.append("text field only; tuning folds grouped by outlet (source), like the outlet-disjoint split")
    elif name == "sentence_bias":
        for rec in read_jsonl(path):
            add(valid if fold_of(rec["id"]) == 0 else train, rec["text"], rec["label"], rec)
    elif name == "stance":
        test = new_split()
        splits = Counter()
        for rec in read_jsonl(path):
            splits[rec.get("split")] += 1
            text = f"target: {rec['target']} | {rec['text']}"
            if rec.get("split") == "train":
                add(valid if fold_of(rec["id"]) == 0 else train, text, rec["label"], rec,
                    extra=rec["target"])
            elif rec.get("split") == "test":
                add(test, text, rec["label"], rec, extra=rec["target"])
        if test["text"]:
            evals["test"] = test
        else:
            notes.append(
                f"splits in the file: {dict(splits)}; no test split, so only the held-out fold is reported"
            )
        notes.append('input is "target: <target> | <tweet>"')
    elif name == "entity_stance":
        roles = {"Protagonist": "favor", "Innocent": "favor", "Antagonist": "against"}
        for rec in read_jsonl(path):
            raw = rec["text"].encode("utf-8")
            split = valid if fold_of(rec["id"]) == 0 else train
            for e in rec.get("entities") or []:
                add(split, entity_context(raw, e), roles[e["role"]], rec, group=rec["id"])
        notes.append("one example per annotated entity span: Protagonist or Innocent = favor, Antagonist = against")
        notes.append('input is "entity: <entity> | <the sentence holding the span>" (sentence: from the '
                     "last . ! ? or line break before the span to the next one after it); tuning folds "
                     "grouped by article")
    else:
        raise ValueError(name)
    return dict(train=train, evals=evals, notes=notes)


def entity_context(raw: bytes, e) -> str:
    """'entity: <entity> | <sentence>' for an entity span of a semeval2025 record (byte offsets)."""
    start, end = e["start"], e["end"]
    lo = max(raw.rfind(c, 0, start) for c in (b".", b"!", b"?", b"\n")) + 1
    his = [i for i in (raw.find(c, end) for c in (b".", b"!", b"?", b"\n")) if i >= 0]
    hi = min(his) + 1 if his else len(raw)
    sentence = raw[lo:hi].decode("utf-8", errors="replace").strip()
    return f"entity: {e['entity']} | {sentence}"


# --------------------------------------------------------------------------------------------
# Metrics


def _prf(y_true, y_pred, pos):
    tp = int(np.sum((y_true == pos) & (y_pred == pos)))
    fp = int(np.sum((y_true != pos) & (y_pred == pos)))
    fn = int(np.sum((y_true == pos) & (y_pred != pos)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def single_metrics(y_true, y_pred, labels):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    per_class = {}
    for lab in labels:
        p, r, f, *_ = _prf(y_true, y_pred, lab)
        per_class[lab] = dict(precision=p, recall=r, f1=f, support=int(np.sum(y_true == lab)))
    out = dict(
        n=int(len(y_true)),
        accuracy=float(np.mean(y_true == y_pred)) if len(y_true) else 0.0,
        macro_f1=float(np.mean([per_class[lab]["f1"] for lab in labels])),
        per_class=per_class,
        confusion={t: {p: int(np.sum((y_true == t) & (y_pred == p))) for p in labels} for t in labels},
    )
    if {"favor", "against"} <= set(labels):
        out["f_avg"] = (per_class["favor"]["f1"] + per_class["against"]["f1"]) / 2
    return out


def multi_metrics(Y_true, Y_pred):
    """'any' as a binary task, and the six categories (micro and macro F1 over the six)."""
    Y_true, Y_pred = np.asarray(Y_true), np.asarray(Y_pred)
    out = dict(n=int(len(Y_true)))
    p, r, f, *_ = _prf(Y_true[:, 0], Y_pred[:, 0], 1)
    _, _, f_neg, *_ = _prf(Y_true[:, 0], Y_pred[:, 0], 0)
    out["any"] = dict(
        macro_f1=(f + f_neg) / 2,
        f1=f,
        precision=p,
        recall=r,
        accuracy=float(np.mean(Y_true[:, 0] == Y_pred[:, 0])) if len(Y_true) else 0.0,
        support=int(Y_true[:, 0].sum()),
    )
    cats, tps, fps, fns = {}, 0, 0, 0
    for j, cat in enumerate(PERSUASION_CATEGORIES, start=1):
        p, r, f, tp, fp, fn = _prf(Y_true[:, j], Y_pred[:, j], 1)
        cats[cat] = dict(precision=p, recall=r, f1=f, support=int(Y_true[:, j].sum()))
        tps, fps, fns = tps + tp, fps + fp, fns + fn
    mp = tps / (tps + fps) if tps + fps else 0.0
    mr = tps / (tps + fns) if tps + fns else 0.0
    out["categories"] = cats
    out["micro_f1"] = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
    out["micro_precision"], out["micro_recall"] = mp, mr
    out["macro_f1_categories"] = float(np.mean([c["f1"] for c in cats.values()]))
    return out


def evaluate(task, split, pred):
    labels = TASKS[task]["labels"]
    multi = task == "persuasion"
    fn = multi_metrics if multi else (lambda t, p: single_metrics(t, p, labels))
    y = split["y"] if multi else np.array(split["y"])
    pred = np.asarray(pred)
    res = fn(y, pred)
    langs = np.array(split["lang"])
    if len(set(langs)) > 1:
        res["by_language"] = {lg: fn(y[langs == lg], pred[langs == lg]) for lg in sorted(set(langs))}
    if task == "stance":
        tg = np.array(split["extra"])
        res["by_target"] = {t: fn(y[tg == t], pred[tg == t]) for t in sorted(set(tg))}
    return res


def tuning_score(task, y_true, y_pred):
    """Model selection metric: macro-F1 (stance: f_avg; persuasion: micro-F1 over all 7 labels)."""
    if task == "persuasion":
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        tp = int(np.sum((y_true == 1) & (y_pred == 1)))
        fp = int(np.sum((y_true == 0) & (y_pred == 1)))
        fn = int(np.sum((y_true == 1) & (y_pred == 0)))
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    m = single_metrics(y_true, y_pred, TASKS[task]["labels"])
    return m.get("f_avg", m["macro_f1"])


# --------------------------------------------------------------------------------------------
# Tuning folds (training data only)


def tuning_folds(train, n_splits, tune_max):
    """(train_idx, test_idx) pairs over the training set, grouped by `group` and stratified by the
    label (persuasion: by 'any'); at most tune_max examples take part (seeded subsample)."""
    from sklearn.model_selection import StratifiedGroupKFold

    n = len(train["text"])
    idx = np.arange(n)
    if tune_max and n > tune_max:
        idx = np.sort(np.random.RandomState(SEED).choice(n, tune_max, replace=False))
    y = train["y"]
    strat = np.asarray(y)[:, 0] if isinstance(y, np.ndarray) and y.ndim == 2 else np.asarray(y)
    groups = np.asarray(train["group"])
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=SEED)
    return [(idx[a], idx[b]) for a, b in cv.split(idx, strat[idx], groups[idx])]


# --------------------------------------------------------------------------------------------
# Baseline 1: TF-IDF + logistic regression


def make_vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     min_df=2, dtype=np.float32)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     min_df=2, dtype=np.float32)),
        ],
        n_jobs=1,
    )


def make_lr(C, n_classes):
    """L2 logistic regression by liblinear's dual solver (the same solution as the primal one,
    about 5x faster on TF-IDF where features outnumber examples); one-vs-rest for 3 classes."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    lr = LogisticRegression(C=C, solver="liblinear", dual=True, class_weight="balanced",
                            max_iter=2000, random_state=SEED)
    return lr if n_classes == 2 else OneVsRestClassifier(lr, n_jobs=1)


def run_sklearn(task, data, cfg):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.pipeline import Pipeline

    train = data["train"]
    t0 = time.perf_counter()
    vec = make_vectorizer()
    X = vec.fit_transform(train["text"])
    t_vec = time.perf_counter() - t0
    folds = tuning_folds(train, 3, cfg["tune_max"].get(task))
    multi = task == "persuasion"
    columns = PERSUASION_LABELS if multi else [None]
    tuning, models = {}, {}
    n_warn = 0
    fold_X = [(X[a], X[b]) for a, b in folds]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        for j, col in enumerate(columns):
            y = train["y"][:, j] if multi else np.array(train["y"])
            n_classes = len(set(y.tolist()))
            scores = {}
            for C in C_GRID:
                fold_scores = []
                for (a, b), (Xa, Xb) in zip(folds, fold_X):
                    clf = make_lr(C, n_classes).fit(Xa, y[a])
                    pred = clf.predict(Xb)
                    if multi:
                        fold_scores.append(_prf(y[b], pred, 1)[2])
                    else:
                        fold_scores.append(tuning_score(task, y[b], pred))
                scores[C] = float(np.mean(fold_scores))
            best = max(C_GRID, key=lambda c: (scores[c], -c))
            key = col or task
            tuning[key] = dict(cv_scores={str(c): s for c, s in scores.items()}, chosen_C=best)
            models[key] = make_lr(best, n_classes).fit(X, y)
        n_warn = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    t_fit = time.perf_counter() - t0
    results = {}
    for ename, split in data["evals"].items():
        Xv = vec.transform(split["text"])
        if multi:
            pred = np.stack([models[c].predict(Xv) for c in PERSUASION_LABELS], axis=1)
        else:
            pred = models[task].predict(Xv)
        results[ename] = evaluate(task, split, pred)
    out = dict(
        model="TF-IDF word(1,2)+char_wb(3,5), sublinear_tf, min_df=2 -> LogisticRegression "
        "(L2, class_weight=balanced, liblinear dual; one-vs-rest for 3 classes)",
        n_features=int(X.shape[1]),
        tuning=dict(
            method=f"C in {list(C_GRID)} by 3-fold StratifiedGroupKFold CV on the training data "
            + ("(one C per label, scored by that label's F1)" if multi else
               f"(scored by {'f_avg' if task == 'stance' else 'macro-F1'})")
            + "; vocabulary and idf fitted once on all training data",
            tune_examples=int(sum(len(b) for _, b in folds)),
            chosen=tuning,
        ),
        convergence_warnings=n_warn,
        seconds=dict(vectorize=t_vec, tune_and_fit=t_fit - t_vec,
                      total=time.perf_counter() - t0),
        results=results,
    )
    if task == "genre" and cfg.get("model_dir"):
        path = os.path.join(cfg["model_dir"], "genre_sklearn.pkl")
        with open(path, "wb") as f:
            pickle.dump(Pipeline([("features", vec), ("clf", models[task])]), f)
        out["_model_path"] = path
    return out


# --------------------------------------------------------------------------------------------
# Baseline 2: fastText supervised

FT_TOKEN = re.compile(r"\w+|[^\w\s]")


def ft_text(text: str) -> str:
    """fastText input: lowercased, punctuation split off, one line (as in fastText's tutorial)."""
    return " ".join(FT_TOKEN.findall(text.lower()))


def ft_label(name: str) -> str:
    return "__label__" + name.replace(" ", "_")


def ft_train(path, lines, epoch, lr, loss):
    import fasttext

    with open(path, "w", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in lines)
    return fasttext.train_supervised(input=path, epoch=epoch, lr=lr, loss=loss, **FT_PARAMS)


def ft_predict_single(model, texts):
    labels, _ = model.predict(texts, k=1)
    return [lab[0][len("__label__"):] for lab in labels]


def ft_predict_ova(model, texts):
    labels, _ = model.predict(texts, k=-1, threshold=0.5)
    pred = np.zeros((len(texts), len(PERSUASION_LABELS)), dtype=np.int8)
    col = {ft_label(c): j for j, c in enumerate(PERSUASION_LABELS)}
    for i, labs in enumerate(labels):
        for lab in labs:
            if lab in col:
                pred[i, col[lab]] = 1
    return pred


def ova_lines(texts, Y):
    out = []
    for t, y in zip(texts, Y):
        labs = [ft_label(c) for j, c in enumerate(PERSUASION_LABELS) if y[j]] or [ft_label("none")]
        out.append(" ".join(labs) + " " + t)
    return out


def run_fasttext(task, data, cfg):
    import fasttext

    train = data["train"]
    t0 = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix=f"ft_{task}_")
    try:
        texts = [ft_text(t) for t in train["text"]]
        multi = task == "persuasion"
        y = train["y"] if multi else np.array(train["y"])
        a, b = tuning_folds(train, 5, cfg["tune_max"].get(task))[0]
        loss = "ova" if multi else "softmax"

        def lines_for(idx):
            if multi:
                return ova_lines([texts[i] for i in idx], y[idx])
            return [ft_label(y[i]) + " " + texts[i] for i in idx]

        scores = {}
        for epoch, lr in cfg["ft_grid"].get(task, FT_GRID):
            model = ft_train(os.path.join(tmp, "tune.txt"), lines_for(a), epoch, lr, loss)
            vt = [texts[i] for i in b]
            pred = ft_predict_ova(model, vt) if multi else ft_predict_single(model, vt)
            scores[(epoch, lr)] = tuning_score(task, y[b], pred)
            del model
        best = max(scores, key=lambda k: (scores[k], -k[0], k[1]))
        t_tune = time.perf_counter() - t0
        all_idx = np.arange(len(texts))
        model = ft_train(os.path.join(tmp, "train.txt"), lines_for(all_idx), best[0], best[1], loss)
        eval_texts = {e: [ft_text(t) for t in s["text"]] for e, s in data["evals"].items()}
        results = {}
        for ename, split in data["evals"].items():
            pred = ft_predict_ova(model, eval_texts[ename]) if multi else ft_predict_single(model, eval_texts[ename])
            results[ename] = evaluate(task, split, pred)
        out = dict(
            model=f"fastText supervised, loss={loss}, wordNgrams=2, minn=3, maxn=6, "
            "dim=100, bucket=2000000 (defaults otherwise), thread=1, seed=0; input lowercased with "
            "punctuation split off",
            tuning=dict(
                method="(epoch, lr) in {10, 25} x {0.1, 0.5}" if cfg["ft_grid"].get(task) is None
                else f"(epoch, lr) in {cfg['ft_grid'][task]}",
                split="80/20 StratifiedGroupKFold split of the training data"
                + (f" (a {cfg['tune_max'][task]}-example seeded subsample)" if cfg["tune_max"].get(task) else ""),
                scored_by="micro-F1 over the 7 labels" if multi else ("f_avg" if task == "stance" else "macro-F1"),
                scores={f"epoch={e},lr={lr}": s for (e, lr), s in scores.items()},
                chosen=dict(epoch=best[0], lr=best[1]),
                tune_examples=dict(train=int(len(a)), valid=int(len(b))),
            ),
            seconds=dict(tune=t_tune),
            results=results,
        )
        if multi:
            # The alternative: one binary (softmax) model per label, with the ova model's tuned
            # epoch and lr (not tuned again, to save time). The variant reported as the baseline
            # is the better of the two on validation micro-F1 over the six categories.
            pred_bin = {e: np.zeros((len(s["text"]), len(PERSUASION_LABELS)), dtype=np.int8)
                        for e, s in data["evals"].items()}
            for j, col in enumerate(PERSUASION_LABELS):
                lines = [ft_label("pos" if y[i, j] else "neg") + " " + texts[i] for i in all_idx]
                m = ft_train(os.path.join(tmp, "bin.txt"), lines, best[0], best[1], "softmax")
                for e in data["evals"]:
                    pred_bin[e][:, j] = [p == "pos" for p in ft_predict_single(m, eval_texts[e])]
                del m
            bin_results = {e: evaluate(task, data["evals"][e], pred_bin[e]) for e in data["evals"]}
            ova_score = results["valid"]["micro_f1"]
            bin_score = bin_results["valid"]["micro_f1"]
            out["variants"] = dict(
                ova=dict(description="one model, -loss ova, a label is predicted when p >= 0.5 "
                         "(a 'none' label marks paragraphs without technique)", results=results),
                binary_per_label=dict(description="7 softmax models (pos/neg), one per label, "
                                      "same epoch/lr", results=bin_results),
                chosen="ova" if ova_score >= bin_score else "binary_per_label",
                chosen_by="validation micro-F1 over the six categories",
            )
            out["results"] = results if ova_score >= bin_score else bin_results
        if task == "genre" and cfg.get("model_dir"):
            path = os.path.join(cfg["model_dir"], "genre_fasttext.bin")
            model.save_model(path)
            out["_model_path"] = path
        out["seconds"]["total"] = time.perf_counter() - t0
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# One unit of work (task x baseline), run in a worker process


# Typographic apostrophes and no-break spaces, folded as partipris's normalizer folds them.
HOUSE_STYLE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00a0": " ",
                             "\u202f": " "})


def run_unit(task, baseline, cfg):
    data = load_task(task, cfg["data"], cfg["leaning_max_words"])
    if cfg["fold_house_style"]:
        for split in [data["train"], *data["evals"].values()]:
            split["text"] = [t.translate(HOUSE_STYLE) for t in split["text"]]
    train = data["train"]
    res = run_sklearn(task, data, cfg) if baseline == "sklearn" else run_fasttext(task, data, cfg)
    multi = task == "persuasion"
    if multi:
        dist = {c: int(train["y"][:, j].sum()) for j, c in enumerate(PERSUASION_LABELS)}
    else:
        dist = dict(Counter(train["y"]))
    head = dict(
        task=task,
        baseline=baseline,
        level=TASKS[task]["level"],
        dataset=TASKS[task]["file"],
        labels=TASKS[task]["labels"],
        n_train=len(train["text"]),
        n_valid=len(data["evals"]["valid"]["text"]),
        train_label_counts=dist,
        train_languages=dict(Counter(train["lang"])),
        notes=data["notes"],
    )
    if "test" in data["evals"]:
        head["n_test"] = len(data["evals"]["test"]["text"])
    if not multi:
        # References: always predicting the training set's most frequent class, and (an oracle
        # floor, for reading only) always predicting the evaluation set's most frequent class.
        def constant(split, label):
            m = evaluate(task, split, [label] * len(split["text"]))
            return dict(predict=label, **{k: m[k] for k in ("accuracy", "macro_f1", "f_avg") if k in m})

        major = Counter(train["y"]).most_common(1)[0][0]
        head["majority_class_reference"] = {e: constant(s, major) for e, s in data["evals"].items()}
        head["eval_majority_class_oracle"] = {
            e: constant(s, Counter(s["y"]).most_common(1)[0][0]) for e, s in data["evals"].items()
        }
    head.update(res)
    return head


# --------------------------------------------------------------------------------------------
# Throughput of the genre models on French articles, one predict call per article


def throughput(data_dir, models, n_articles=2000):
    import fasttext

    texts = []
    for rec in read_jsonl(os.path.join(data_dir, "ppn_rrn.jsonl.gz")):
        if rec.get("lang") == "fr":
            texts.append(rec["text"])
            if len(texts) == n_articles:
                break
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    load_before = os.getloadavg()
    out = []
    for baseline, path in models.items():
        if baseline == "sklearn":
            with open(path, "rb") as f:
                pipe = pickle.load(f)

            def predict(t, pipe=pipe):
                return pipe.predict([t])[0]

            what = "Pipeline(FeatureUnion(tfidf word+char) -> LogisticRegression).predict([text])"
        else:
            model = fasttext.load_model(path)

            def predict(t, model=model):
                return model.predict(ft_text(t), k=1)[0][0]

            what = "model.predict(preprocess(text), k=1), preprocessing (lowercase, split punctuation) included"
        predict(texts[0])  # warm-up, not timed
        lat = np.empty(len(texts))
        for i, t in enumerate(texts):
            s = time.perf_counter()
            predict(t)
            lat[i] = time.perf_counter() - s
        total = float(lat.sum())
        out.append(dict(
            baseline=baseline,
            model="genre",
            call=what,
            articles=len(texts),
            bytes=n_bytes,
            seconds=total,
            mb_per_s=n_bytes / 1e6 / total,
            articles_per_s=len(texts) / total,
            latency_ms=dict(p50=float(np.percentile(lat, 50) * 1e3), p99=float(np.percentile(lat, 99) * 1e3),
                            max=float(lat.max() * 1e3)),
        ))
    return dict(
        corpus="ppn_rrn.jsonl.gz, first 2,000 records with lang == 'fr' in file order",
        method="one predict call per article, single thread (OMP/BLAS threads = 1), "
        "time.perf_counter around each call, after training (nothing else of this script running); "
        "MB = 10^6 bytes of UTF-8 text",
        loadavg_1min=dict(before=load_before[0], after=os.getloadavg()[0]),
        results=out,
    )


# --------------------------------------------------------------------------------------------
# Report


def machine_info():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = f.readline().split(":")[1].strip()
    except OSError:
        pass
    return dict(nproc=os.cpu_count(), affinity=len(os.sched_getaffinity(0)), cpu_model=cpu,
                mem_total=mem, platform=platform.platform(), python=platform.python_version())


def versions():
    import fasttext  # noqa: F401
    import importlib.metadata as md
    import scipy
    import sklearn

    def v(name):
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return None

    return dict(numpy=np.__version__, scipy=scipy.__version__, scikit_learn=sklearn.__version__,
                fasttext=v("fasttext") or v("fasttext-wheel"))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def f3(x):
    return f"{x:.3f}"


def earlier_runs(meta):
    """The runs a merged report's other figures come from, latest first (older reports kept one
    run as a dict)."""
    older = meta.get("merged_from") or []
    if isinstance(older, dict):
        older = [older]
    return [dict(date=meta["date"], command=meta["command"])] + older


def write_markdown(path, report):
    by = {(r["task"], r["baseline"]): r for r in report["results"]}
    bl = ["sklearn", "fasttext"]
    L = []
    meta = report["meta"]
    L.append("# Baselines\n")
    L.append(f"Generated by `{meta['command']}` on {meta['date']} ({meta['total_seconds'] / 60:.1f} min, "
             f"{meta['machine']['nproc']} cores, {meta['machine']['cpu_model']}). Every figure is in "
             "`baselines.json`.\n")
    if meta.get("merged_from"):
        runs = "; ".join(f"`{m['command']}` on {m['date']}" for m in meta["merged_from"])
        L.append(f"Only the tasks of that command were rerun; the others come from the earlier runs "
                 f"(latest first): {runs}.\n")
    L.append("- **sklearn**: TF-IDF word 1-2 grams + char_wb 3-5 grams (sublinear tf, min_df 2) + "
             "LogisticRegression (liblinear, one-vs-rest), class_weight balanced, C in {0.5, 2, 8} "
             "picked by 3-fold CV on the training data.")
    L.append("- **fasttext**: fastText supervised, wordNgrams 2, minn 3, maxn 6, thread 1, seed 0; epoch in "
             "{10, 25} x lr in {0.1, 0.5} picked on an 80/20 split of the training data.")
    L.append("- Folds: semeval2023 train/dev (persuasion), allsides train/valid (leaning); elsewhere "
             "held-out = FNV-1a 64(id) % 5 == 0. Tuning never sees the held-out data.")
    v = meta["versions"]
    L.append(f"- Versions: scikit-learn {v['scikit_learn']}, fastText {v['fasttext']}, numpy {v['numpy']}, "
             f"scipy {v['scipy']}, Python {meta['machine']['python']}.\n")

    L.append("## Headline (validation)\n")
    L.append("| task | n_train | n_valid | metric | sklearn | fasttext | majority class |")
    L.append("|---|---:|---:|---|---:|---:|---:|")
    for task in TASKS:
        rs = [by.get((task, b)) for b in bl]
        r0 = next((r for r in rs if r), None)
        if r0 is None:
            continue
        keys = {}
        if task == "persuasion":
            rows = [("any: macro-F1", lambda m: m["any"]["macro_f1"]),
                    ("categories: micro-F1", lambda m: m["micro_f1"]),
                    ("manipulative wording: F1", lambda m: m["categories"]["manipulative_wording"]["f1"])]
        else:
            rows = [("macro-F1", lambda m: m["macro_f1"]), ("accuracy", lambda m: m["accuracy"])]
            keys = {"macro-F1": "macro_f1", "accuracy": "accuracy", "f_avg (favor, against)": "f_avg"}
            if task in ("stance", "entity_stance"):
                rows.insert(0, ("f_avg (favor, against)", lambda m: m["f_avg"]))
        for name, get in rows:
            cells = [f3(get(r["results"]["valid"])) if r else "-" for r in rs]
            ref = r0.get("majority_class_reference", {}).get("valid", {})
            ref_cell = f3(ref[keys[name]]) if name in keys and keys[name] in ref else "-"
            L.append(f"| {task} | {r0['n_train']} | {r0['n_valid']} | {name} | {cells[0]} | {cells[1]} | {ref_cell} |")
    L.append("\nmajority class: always predicting the most frequent training class.")
    for task in TASKS:
        rs = [by.get((task, b)) for b in bl]
        r0 = next((r for r in rs if r), None)
        if r0 is None or "eval_majority_class_oracle" not in r0:
            continue
        o = r0["eval_majority_class_oracle"]["valid"]
        t = r0["majority_class_reference"]["valid"]
        if o["predict"] != t["predict"]:
            L.append(f"{task}: the training majority is {t['predict']} but the validation majority is "
                     f"{o['predict']}; always predicting {o['predict']} would score macro-F1 "
                     f"{f3(o['macro_f1'])} (accuracy {f3(o['accuracy'])}).")
    L.append("")

    for task in TASKS:
        rs = {b: by.get((task, b)) for b in bl}
        if not any(rs.values()):
            continue
        r0 = next(r for r in rs.values() if r)
        L.append(f"## {task}\n")
        L.append(f"Data: `{r0['dataset']}`, {r0['level']} level; n_train {r0['n_train']}, n_valid {r0['n_valid']}"
                 + (f", n_test {r0['n_test']}" if "n_test" in r0 else "") + ".")
        for note in r0["notes"]:
            L.append(f"- {note}")
        for b, r in rs.items():
            if r:
                L.append(f"- {b} tuning: " + json.dumps(
                    {k: v["chosen_C"] for k, v in r["tuning"]["chosen"].items()} if b == "sklearn"
                    else r["tuning"]["chosen"]) + (f"; variant: {r['variants']['chosen']}" if "variants" in r else ""))
        L.append("")
        for ename in r0["results"]:
            if task == "persuasion":
                L.append(f"### {ename}: per label (F1 / precision / recall)\n")
                L.append("| label | support | " + " | ".join(f"{b} F1 | {b} P | {b} R" for b in bl) + " |")
                L.append("|---|---:|" + "---:|" * 6)
                m0 = r0["results"][ename]
                L.append("| any | " + str(m0["any"]["support"]) + " | " + " | ".join(
                    " | ".join(f3(rs[b]["results"][ename]["any"][k]) for k in ("f1", "precision", "recall"))
                    if rs[b] else "- | - | -" for b in bl) + " |")
                for cat in PERSUASION_CATEGORIES:
                    L.append(f"| {cat} | {m0['categories'][cat]['support']} | " + " | ".join(
                        " | ".join(f3(rs[b]["results"][ename]["categories"][cat][k]) for k in ("f1", "precision", "recall"))
                        if rs[b] else "- | - | -" for b in bl) + " |")
                L.append("| **any macro-F1** | | " + " | ".join(
                    (f3(rs[b]["results"][ename]["any"]["macro_f1"]) + " | | ") if rs[b] else "- | | " for b in bl) + "|")
                L.append("| **micro-F1 (6 categories)** | | " + " | ".join(
                    (f3(rs[b]["results"][ename]["micro_f1"]) + " | | ") if rs[b] else "- | | " for b in bl) + "|")
                L.append("")
                if "variants" in (rs.get("fasttext") or {}):
                    var = rs["fasttext"]["variants"]
                    L.append("fastText variants on validation: " + ", ".join(
                        f"{k} any macro-F1 {f3(var[k]['results'][ename]['any']['macro_f1'])}, "
                        f"micro-F1 {f3(var[k]['results'][ename]['micro_f1'])}"
                        for k in ("ova", "binary_per_label")) + f"; reported: {var['chosen']}.\n")
                if "by_language" in m0:
                    L.append(f"### {ename}: by language\n")
                    L.append("| lang | n | " + " | ".join(
                        f"{b} any macro-F1 | {b} micro-F1 | {b} manip. wording F1" for b in bl) + " |")
                    L.append("|---|---:|" + "---:|" * 6)
                    for lg, ml in m0["by_language"].items():
                        cells = []
                        for b in bl:
                            if rs[b]:
                                x = rs[b]["results"][ename]["by_language"][lg]
                                cells.append(f"{f3(x['any']['macro_f1'])} | {f3(x['micro_f1'])} | "
                                             f"{f3(x['categories']['manipulative_wording']['f1'])}")
                            else:
                                cells.append("- | - | -")
                        L.append(f"| {lg} | {ml['n']} | " + " | ".join(cells) + " |")
                    L.append("")
                continue
            L.append(f"### {ename}\n")
            L.append("| class | support | " + " | ".join(f"{b} F1 | {b} P | {b} R" for b in bl) + " |")
            L.append("|---|---:|" + "---:|" * 6)
            m0 = r0["results"][ename]
            for lab in r0["labels"]:
                L.append(f"| {lab} | {m0['per_class'][lab]['support']} | " + " | ".join(
                    " | ".join(f3(rs[b]["results"][ename]["per_class"][lab][k]) for k in ("f1", "precision", "recall"))
                    if rs[b] else "- | - | -" for b in bl) + " |")
            extra = [("macro-F1", "macro_f1"), ("accuracy", "accuracy")] + (
                [("f_avg", "f_avg")] if "f_avg" in m0 else [])
            for name, k in extra:
                L.append(f"| **{name}** | {m0['n']} | " + " | ".join(
                    (f3(rs[b]["results"][ename][k]) + " | | ") if rs[b] else "- | | " for b in bl) + "|")
            L.append("")
            for key, title in (("by_language", "language"), ("by_target", "target")):
                if key in m0:
                    L.append(f"By {title} ({ename}):\n")
                    L.append(f"| {title} | n | " + " | ".join(f"{b} macro-F1 | {b} accuracy" for b in bl)
                             + (" | " + " | ".join(f"{b} f_avg" for b in bl) if "f_avg" in m0 else "") + " |")
                    L.append("|---|---:|" + "---:|" * (4 + (2 if "f_avg" in m0 else 0)))
                    for g, mg in m0[key].items():
                        cells = [f"{f3(rs[b]['results'][ename][key][g]['macro_f1'])} | "
                                 f"{f3(rs[b]['results'][ename][key][g]['accuracy'])}" if rs[b] else "- | -" for b in bl]
                        if "f_avg" in m0:
                            cells += [f3(rs[b]["results"][ename][key][g]["f_avg"]) if rs[b] else "-" for b in bl]
                        L.append(f"| {g} | {mg['n']} | " + " | ".join(cells) + " |")
                    L.append("")

    tp = report.get("throughput")
    if tp:
        L.append("## Throughput (genre models, French articles)\n")
        L.append(f"{tp['corpus']}; {tp['method']}. Machine load average (1 min) before/after: "
                 f"{tp['loadavg_1min']['before']:.2f}/{tp['loadavg_1min']['after']:.2f} "
                 "(above 1 means other programs shared the cores).\n")
        L.append("| baseline | articles | MB | seconds | MB/s | articles/s | p50 ms | p99 ms |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in tp["results"]:
            L.append(f"| {r['baseline']} | {r['articles']} | {r['bytes'] / 1e6:.2f} | {r['seconds']:.2f} | "
                     f"{r['mb_per_s']:.3f} | {r['articles_per_s']:.1f} | {r['latency_ms']['p50']:.2f} | "
                     f"{r['latency_ms']['p99']:.2f} |")
        L.append(f"\nMachine: {meta['machine']['nproc']} cores ({meta['machine']['cpu_model']}), "
                 f"{meta['machine']['mem_total']}.\n")
    L.append("## Training time\n")
    L.append("Wall seconds per task and baseline (each single-threaded; "
             f"{meta['jobs']} ran side by side, so these are indicative only).\n")
    L.append("| task | sklearn s | fasttext s |")
    L.append("|---|---:|---:|")
    for task in TASKS:
        cells = [f"{by[(task, b)]['wall_seconds']:.0f}" if (task, b) in by else "-" for b in bl]
        L.append(f"| {task} | {cells[0]} | {cells[1]} |")
    L.append("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(L))


# --------------------------------------------------------------------------------------------


def _timed_unit(task, baseline, cfg):
    t = time.perf_counter()
    r = run_unit(task, baseline, cfg)
    r["wall_seconds"] = time.perf_counter() - t
    return r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/datasets", help="folder with the *.jsonl.gz corpora")
    ap.add_argument("--out", default="eval/", help="folder for baselines.json and baselines.md")
    ap.add_argument("--jobs", type=int, default=2,
                    help="task/baseline units run side by side (each single-threaded; default 2)")
    ap.add_argument("--tasks", default=",".join(TASKS), help="comma-separated subset of tasks")
    ap.add_argument("--baselines", default="sklearn,fasttext")
    ap.add_argument("--leaning-max-words", type=int, default=500,
                    help="cut allsides articles after this many words (0: whole text)")
    ap.add_argument("--tune-max", default="leaning=6000,satire=3000",
                    help="TASK=N,...: tuning of that task uses a seeded subsample of N training "
                    "examples (both baselines)")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--fold-house-style", action="store_true",
                    help="fold typographic apostrophes and no-break spaces in every text (they "
                    "tell FreSaDa's sources apart), so that the baselines see what partipris's "
                    "models see")
    ap.add_argument("--merge", action="store_true",
                    help="keep the results of the other tasks (and the throughput, with "
                    "--no-throughput) from the existing baselines.json in --out")
    args = ap.parse_args(argv)

    t_start = time.perf_counter()
    tasks = [t for t in args.tasks.split(",") if t]
    baselines = [b for b in args.baselines.split(",") if b]
    for t in tasks:
        if t not in TASKS:
            ap.error(f"unknown task {t!r}")
    os.makedirs(args.out, exist_ok=True)
    model_dir = tempfile.mkdtemp(prefix="baselines_models_")
    cfg = dict(
        data=args.data,
        model_dir=model_dir,
        leaning_max_words=args.leaning_max_words,
        fold_house_style=args.fold_house_style,
        tune_max={k: int(v) for k, v in (x.split("=") for x in args.tune_max.split(",") if x)},
        # allsides (about 14M training words even when cut) gets smaller epoch counts for fastText.
        ft_grid={"leaning": ((5, 0.1), (5, 0.5), (10, 0.1), (10, 0.5))},
    )
    units = [u for u in UNIT_ORDER if u[0] in tasks and u[1] in baselines]
    results = []
    try:
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx) as pool:
            futs = {pool.submit(_timed_unit, t, b, cfg): (t, b) for t, b in units}
            for fut in concurrent.futures.as_completed(futs):
                t, b = futs[fut]
                r = fut.result()
                results.append(r)
                m = r["results"]["valid"]
                head = (f"any macro-F1 {m['any']['macro_f1']:.3f} micro-F1 {m['micro_f1']:.3f}"
                        if t == "persuasion" else f"macro-F1 {m['macro_f1']:.3f}")
                print(f"[{time.perf_counter() - t_start:7.0f}s] {t:14s} {b:9s} {head} "
                      f"({r['wall_seconds']:.0f}s)", flush=True)
        results.sort(key=lambda r: (list(TASKS).index(r["task"]), r["baseline"]))
        model_paths = {r["baseline"]: r.pop("_model_path") for r in results if "_model_path" in r}
        for r in results:
            r.pop("_model_path", None)
        tp = None
        if not args.no_throughput and model_paths:
            tp = throughput(args.data, model_paths)
            for x in tp["results"]:
                print(f"throughput {x['baseline']:9s} {x['mb_per_s']:.3f} MB/s "
                      f"{x['articles_per_s']:.1f} articles/s", flush=True)
    finally:
        shutil.rmtree(model_dir, ignore_errors=True)

    old_path = os.path.join(args.out, "baselines.json")
    old = None
    if args.merge and os.path.exists(old_path):
        with open(old_path, encoding="utf-8") as f:
            old = json.load(f)
        rerun = {(r["task"], r["baseline"]) for r in results}
        results = [r for r in old["results"] if (r["task"], r["baseline"]) not in rerun] + results
        results.sort(key=lambda r: (list(TASKS).index(r["task"]), r["baseline"]))
        if tp is None:
            tp = old.get("throughput")
        units = sorted({(r["task"], r["baseline"]) for r in results})
        tasks = sorted({r["task"] for r in results}, key=list(TASKS).index)
    files = sorted({TASKS[t]["file"] for t in tasks} | ({"ppn_rrn"} if tp else set()))
    report = dict(
        meta=dict(
            date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            command="python3 " + " ".join(shlex.quote(a) for a in [sys.argv[0]] + (argv or sys.argv[1:])),
            cwd=os.getcwd(),
            total_seconds=time.perf_counter() - t_start,
            jobs=args.jobs,
            seed=SEED,
            machine=machine_info(),
            versions=versions(),
            data={f + ".jsonl.gz": sha256(os.path.join(args.data, f + ".jsonl.gz")) for f in files},
            folds="semeval2023 split train/dev (persuasion); allsides split train/valid (leaning); "
            "otherwise held-out = FNV-1a 64-bit(UTF-8 id) % 5 == 0 (genre: semeval2023 train rows with "
            "a genre, the dev rows with a genre training; satire: fresada_train; sentence_bias: babe_sentences; stance: train rows; "
            "entity_stance: semeval2025_narratives records)",
            tuning="training data only: sklearn C in {0.5, 2, 8} by 3-fold StratifiedGroupKFold CV; "
            "fastText (epoch, lr) in {10, 25} x {0.1, 0.5} on an 80/20 StratifiedGroupKFold split "
            "(leaning: epoch in {5, 10}); leaning and satire tuning on a seeded subsample (--tune-max)",
            complete=set(units) == set(UNIT_ORDER) and tp is not None,
            merged_from=(earlier_runs(old["meta"]) if old else None),
        ),
        results=results,
        throughput=tp,
    )
    with open(os.path.join(args.out, "baselines.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)
        f.write("\n")
    write_markdown(os.path.join(args.out, "baselines.md"), report)
    print(f"wrote {os.path.join(args.out, 'baselines.json')} and baselines.md "
          f"in {report['meta']['total_seconds'] / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
