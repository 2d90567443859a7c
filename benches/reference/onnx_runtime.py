#!/usr/bin/env python3
"""Reference: score quotes with onnxruntime (CPU) on a graph from onnx_export.py.

Same batching and tokenization as hf_transformers.py: quotes sorted by length,
batches of --batch-size, the transformers fast tokenizer with dynamic padding
(padding=True, truncation=True, max_length=256). Session: --threads intra-op
threads, 1 inter-op thread, sequential execution, all graph optimizations.

Prints one JSON line:
  {"system": "onnxruntime-fp32" | "onnxruntime-int8", "quotes": N, "seconds": S,
   "quotes_per_s": Q, "tokens": total_real_tokens}
The time covers the scoring loop only (tokenization + session.run, which
includes pooling, heads and softmax), after one untimed warm-up batch.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_transformers as ref  # noqa: E402  (sets the offline environment first)


def main():
    ap = argparse.ArgumentParser(description="Reference throughput: onnxruntime on CPU")
    ap.add_argument("quotes", help="JSONL file of {\"id\", \"text\"} records")
    ap.add_argument("--model", required=True, help="ONNX file from onnx_export.py (fp32 or int8)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2, help="intra_op_num_threads (default 2)")
    ap.add_argument("--base", default=ref.DEFAULT_BASE, help="base encoder folder (tokenizer)")
    ap.add_argument("--system", help="name to report (default: onnxruntime-int8 when the "
                    "file name says int8, else onnxruntime-fp32)")
    ap.add_argument("--out", help="also write the scores as JSONL (for checks)")
    args = ap.parse_args()

    import numpy as np
    import onnxruntime as ort
    from transformers import AutoTokenizer

    system = args.system or ("onnxruntime-int8" if "int8" in os.path.basename(args.model)
                             else "onnxruntime-fp32")
    texts = ref.read_quotes(args.quotes)
    tokenizer = AutoTokenizer.from_pretrained(args.base, clean_up_tokenization_spaces=True)

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(args.model, sess_options=opts, providers=["CPUExecutionProvider"])
    print(f"onnx_runtime: {len(texts)} quotes, {os.path.basename(args.model)}, "
          f"onnxruntime {ort.__version__}, threads={args.threads}", file=sys.stderr)

    def score(chunk):
        enc = tokenizer(chunk, padding=True, truncation=True, max_length=ref.MAX_LENGTH,
                        return_tensors="np")
        ids = enc["input_ids"].astype(np.int64, copy=False)
        mask = enc["attention_mask"].astype(np.int64, copy=False)
        speaker, stance = sess.run(["speaker_probs", "stance_probs"],
                                   {"input_ids": ids, "attention_mask": mask})
        return speaker, stance, int(mask.sum())

    results, tokens, seconds = ref.timed_scoring(score, texts, args.batch_size)

    if args.out:
        ref.write_probs(args.out, results)

    print(json.dumps({"system": system, "quotes": len(texts), "seconds": round(seconds, 4),
                      "quotes_per_s": round(len(texts) / seconds, 2), "tokens": tokens}))


if __name__ == "__main__":
    main()
