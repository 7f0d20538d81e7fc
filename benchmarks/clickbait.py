"""Clickbait (标题党): 5-fold cross-validation of the rule weights and of a fitted model; optionally write the weights.

    python benchmarks/clickbait.py [--folds 5] [--seed S] [--write]

Needs scikit-learn (``pip install -e '.[train]'``) for the fitted model; the engine itself does not.

Data: ``$ZILU_SHARED_DIR/data/clickbait/hancd_sina.csv`` (default ``<repo>/../shared/data``), the Sina part of HanCD
(zhuyiYZU/SPT-CD): 496 news items, no header, columns ``label,title,content,source`` with label 1 for clickbait
(248) and 0 for not (248). Headlines are news headlines from November 2022; the clickbait ones are mostly questions,
teasers (有何深意, 如何看待, 何去何从), forward references (这个反华举动) and emotive phrasing, the others plain reports
(北京11月6日新增本土"41+18"). Exits 0 with a message when the file is absent.

Features are :func:`zilu.screening.clickbait.features` (the engine's own code, so training and run time agree).
Reported: precision, recall and F1 of the clickbait class at threshold 0.5, pooled over the folds, for

* the rule weights (``RULE_WEIGHTS``, hand-set, no fitting: the folds only split the data the same way);
* logistic regression (scikit-learn, ``C`` chosen by inner cross-validation on each training fold).

``--write`` fits the logistic regression on all rows and writes ``src/zilu/screening/data/clickbait.json``
(``zilu-clickbait/1``: feature names, weights, bias, version, training data and CV figures), which the engine
evaluates with numpy.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from zilu.screening.clickbait import FEATURES, FORMAT, RULE_BIAS, RULE_WEIGHTS, WEIGHTS_FILE, features

REPO = Path(__file__).resolve().parents[1]
VERSION = 1
CS = [0.1, 1.0, 10.0]  # inverse regularization strengths tried by the inner cross-validation


def prf(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    tp = int((truth & predicted).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(truth.sum()), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--write", action="store_true", help=f"fit on all rows and write {WEIGHTS_FILE.name}")
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
    print(f"data: {len(rows)} items ({int(y.sum())} clickbait), {len(FEATURES)} features, {rate:,.0f} items/CPU s")

    import warnings

    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV

    warnings.filterwarnings("ignore", category=FutureWarning)  # scikit-learn's announcements of new defaults
    from sklearn.model_selection import StratifiedKFold

    rules = np.array([RULE_WEIGHTS[name] for name in FEATURES])
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    rule_pred = np.zeros(len(y), dtype=bool)
    model_pred = np.zeros(len(y), dtype=bool)
    for train, test in folds.split(x, y):
        rule_pred[test] = x[test] @ rules + RULE_BIAS > 0
        fitted = LogisticRegressionCV(Cs=CS, cv=5, max_iter=2000).fit(x[train], y[train])
        model_pred[test] = fitted.predict_proba(x[test])[:, 1] >= 0.5
    figures = {}
    print(f"\n{args.folds}-fold cross-validation, threshold 0.5, clickbait class:\n")
    print("| scorer | precision | recall | F1 |")
    print("| --- | ---: | ---: | ---: |")
    for name, predicted in (("rules only (hand-set weights)", rule_pred), ("logistic regression", model_pred)):
        precision, recall, f1 = prf(y, predicted)
        figures[name] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}
        print(f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")

    final = LogisticRegressionCV(Cs=CS, cv=5, max_iter=2000).fit(x, y)
    c_value = float(final.C_[0])
    final = LogisticRegression(C=c_value, max_iter=2000).fit(x, y)
    print(f"\nweights fitted on all rows (C={c_value:g}):")
    for name, weight in zip(FEATURES, final.coef_[0], strict=True):
        print(f"  {name:>14} {weight:+.3f}")
    print(f"  {'bias':>14} {final.intercept_[0]:+.3f}")
    if args.write:
        document = {
            "format": FORMAT,
            "version": VERSION,
            "model": f"logistic regression (scikit-learn, C={c_value:g})",
            "trained_on": "HanCD, Sina part (hancd_sina.csv, 496 items), all rows",
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in final.coef_[0]],
            "bias": round(float(final.intercept_[0]), 6),
            "cross_validation": {"folds": args.folds, "threshold": 0.5, **figures},
        }
        WEIGHTS_FILE.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
