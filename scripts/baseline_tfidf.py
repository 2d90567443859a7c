#!/usr/bin/env python3
"""TF-IDF + logistic regression baseline for both heads.

Trains on data/train.jsonl (C chosen on data/dev.jsonl) and reports
macro-F1 on data/test.jsonl, so the transformer's figures have something
to beat. Run it with the project's venv:

    scripts/baseline.sh            # installs scikit-learn into .venv if needed
"""
import argparse
import json
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline, make_union


def read(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [r["text"] for r in rows], {h: [r[h] for r in rows] for h in ("speaker", "stance")}


def model(c):
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    return make_pipeline(features, LogisticRegression(C=c, max_iter=2000, class_weight="balanced"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", default="data/train.jsonl")
    ap.add_argument("--dev", default="data/dev.jsonl")
    ap.add_argument("--test", default="data/test.jsonl")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    xtr, ytr = read(a.train)
    xdv, ydv = read(a.dev)
    xte, yte = read(a.test)
    out = {}
    for head in ("speaker", "stance"):
        best = None
        for c in (0.3, 1, 3, 10, 30):
            m = model(c).fit(xtr, ytr[head])
            f = f1_score(ydv[head], m.predict(xdv), average="macro")
            if best is None or f > best[0]:
                best = (f, c, m)
        f_dev, c, m = best
        f_test = f1_score(yte[head], m.predict(xte), average="macro")
        out[head] = {"C": c, "dev_macro_f1": round(f_dev, 4), "test_macro_f1": round(f_test, 4)}
    if a.json:
        print(json.dumps(out))
    else:
        for head, r in out.items():
            print(f"{head:8} TF-IDF+LR (C={r['C']}): dev macro-F1 {r['dev_macro_f1']:.4f}, test macro-F1 {r['test_macro_f1']:.4f}")


if __name__ == "__main__":
    sys.exit(main())
