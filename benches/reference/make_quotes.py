#!/usr/bin/env python3
"""Write a JSONL file of N quotes {"id", "text"} for the throughput comparison.

Texts are drawn in turn from data/train.jsonl, data/dev.jsonl and
data/test.jsonl, cycling when N is larger than the corpus, which keeps the
realistic length spread of news quotes. From the second pass on each text gets
a short suffix (" (2)", " (3)", ...) so that no two records are identical.
Standard library only.
"""
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_texts(root):
    texts = []
    for split in ("train", "dev", "test"):
        path = os.path.join(root, "data", f"{split}.jsonl")
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                text = json.loads(line).get("text")
                if isinstance(text, str) and text.strip():
                    texts.append(text)
    return texts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="number of quotes (default 5000)")
    ap.add_argument("--out", required=True, help="output JSONL path")
    ap.add_argument("--root", default=ROOT, help="project root holding data/ (default: this checkout)")
    args = ap.parse_args()
    if args.n < 1:
        ap.error("--n must be at least 1")

    texts = load_texts(args.root)
    if not texts:
        sys.exit("make_quotes: no texts found under data/")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for i in range(args.n):
            rep, j = divmod(i, len(texts))
            text = texts[j] if rep == 0 else f"{texts[j]} ({rep + 1})"
            f.write(json.dumps({"id": f"q{i + 1}", "text": text}, ensure_ascii=False) + "\n")
    os.replace(tmp, args.out)
    print(f"make_quotes: wrote {args.n} quotes ({len(texts)} distinct sources) to {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
