#!/usr/bin/env python3
"""Write a JSONL file of N quotes {"id", "text"} for the throughput comparison.

--lengths corpus (the default): texts drawn in turn from data/train.jsonl,
data/dev.jsonl and data/test.jsonl, cycling when N is larger than the corpus;
from the second pass on each text gets a short suffix (" (2)", " (3)", ...) so
that no two records are identical. Their lengths are the corpus's own (short:
most are one sentence).

--lengths news: the length spread of quotes in real news stories (mostly one
to three sentences): word counts drawn (seeded) from a log-normal with median
26 words and 10 % over 45 words, plus 1 % long statements of 100-180 words.
Each quote is whole texts of data/ (data/v2 included) joined until it is long
enough, then cut at the drawn word count and ended with a full stop.
Standard library only.
"""
import math
import random
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_texts(root, splits=("train", "dev", "test")):
    texts = []
    for split in splits:
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


# Log-normal word counts: median 26, 90th percentile 45 (z = 1.2816).
NEWS_MEDIAN = 26
NEWS_SIGMA = math.log(45 / 26) / 1.2816


def news_quotes(texts, n, seed=7):
    """n quotes with the word-count spread of real news quotes."""
    rng = random.Random(seed)
    pool = list(texts)
    rng.shuffle(pool)
    k = 0
    out = []
    for _ in range(n):
        if rng.random() < 0.01:
            want = rng.randint(100, 180)
        else:
            want = max(4, round(rng.lognormvariate(math.log(NEWS_MEDIAN), NEWS_SIGMA)))
        words = []
        while len(words) < want:
            words.extend(pool[k % len(pool)].split())
            k += 1
        text = " ".join(words[:want]).rstrip(".,;:") + "."
        out.append(text)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="number of quotes (default 5000)")
    ap.add_argument("--out", required=True, help="output JSONL path")
    ap.add_argument("--root", default=ROOT, help="project root holding data/ (default: this checkout)")
    ap.add_argument("--lengths", choices=["corpus", "news"], default="corpus",
                    help="the corpus's own quote lengths, or the spread of real news quotes")
    args = ap.parse_args()
    if args.n < 1:
        ap.error("--n must be at least 1")

    if args.lengths == "news":
        texts = load_texts(args.root, ("train", "dev", "test", "v2/train", "v2/dev", "v2/test"))
    else:
        texts = load_texts(args.root)
    if not texts:
        sys.exit("make_quotes: no texts found under data/")
    if args.lengths == "news":
        quotes = news_quotes(texts, args.n)
    else:
        quotes = []
        for i in range(args.n):
            rep, j = divmod(i, len(texts))
            quotes.append(texts[j] if rep == 0 else f"{texts[j]} ({rep + 1})")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for i, text in enumerate(quotes):
            f.write(json.dumps({"id": f"q{i + 1}", "text": text}, ensure_ascii=False) + "\n")
    os.replace(tmp, args.out)
    words = sorted(len(q.split()) for q in quotes)
    print(f"make_quotes: wrote {args.n} quotes ({args.lengths} lengths: median "
          f"{words[len(words) // 2]} words, {100 * sum(w > 45 for w in words) / len(words):.0f} % "
          f"over 45, {sum(w > 120 for w in words)} over 120) to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
