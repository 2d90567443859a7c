#!/usr/bin/env python3
"""Export stance's default model to ONNX: one graph with the encoder, mean
pooling over real tokens and both heads with their softmax.

  inputs:  input_ids, attention_mask   int64 [batch, sequence] (both axes dynamic)
  outputs: speaker_probs [batch, 2], stance_probs [batch, 3]   float32

Writes, in --out-dir (default bench-out/onnx/ of this checkout):
  stance-fp32.onnx   torch.onnx.export, opset 17
  stance-int8.onnx   onnxruntime.quantization.quantize_dynamic(weight_type=QInt8)
  source.json        what the files were made from (sha256 of the weights)
Both are skipped when present and made from the same weights (--force redoes
them). The model is built by hf_transformers.build_model(), so it is the same
one the transformers reference runs; the encoder is exported with the eager
attention (the plain MatMul/Softmax graph onnxruntime's fusions expect).
After writing, the fp32 graph is checked against PyTorch on a few quotes.
"""
import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_transformers as ref  # noqa: E402  (sets the offline environment first)

DEFAULT_OUT = os.path.join(ref.ROOT, "bench-out", "onnx")
OPSET = 17


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description="Export stance's model to ONNX (fp32 and dynamic int8)")
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    ap.add_argument("--base", default=ref.DEFAULT_BASE)
    ap.add_argument("--model", default=ref.DEFAULT_MODEL)
    ap.add_argument("--force", action="store_true", help="export again even when the files are there")
    args = ap.parse_args()

    fp32 = os.path.join(args.out_dir, "stance-fp32.onnx")
    int8 = os.path.join(args.out_dir, "stance-int8.onnx")
    stamp_path = os.path.join(args.out_dir, "source.json")
    source = {
        "weights_sha256": sha256(os.path.join(args.model, "weights.safetensors")),
        "base_sha256": sha256(os.path.join(args.base, "model.safetensors")),
        "opset": OPSET,
        # build_model() lives there: a change to how the model is rebuilt
        # (e.g. applying stored deltas) must re-export.
        "builder_sha256": sha256(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              "hf_transformers.py")),
    }
    try:
        with open(stamp_path, encoding="utf-8") as f:
            same = json.load(f) == source
    except (OSError, ValueError):
        same = False
    if same and os.path.exists(fp32) and os.path.exists(int8) and not args.force:
        print(f"onnx_export: {fp32} and {int8} are up to date", file=sys.stderr)
        return

    import numpy as np
    import torch
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    os.makedirs(args.out_dir, exist_ok=True)
    for p in (stamp_path, fp32, int8):
        if os.path.exists(p):
            os.remove(p)

    model, tokenizer = ref.build_model(args.base, args.model, attn_implementation="eager")
    sample = [
        "The ministry denies any wrongdoing.",
        "We will publish the full audit by the end of the year, and the regulator will see every page of it.",
        "Regulators allege the firm hid the defect.",
    ]
    enc = tokenizer(sample, padding=True, truncation=True, max_length=ref.MAX_LENGTH, return_tensors="pt")
    inputs = (enc["input_ids"], enc["attention_mask"])

    tmp = fp32 + ".tmp"
    with torch.no_grad():
        torch.onnx.export(
            model, inputs, tmp,
            input_names=["input_ids", "attention_mask"],
            output_names=["speaker_probs", "stance_probs"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "speaker_probs": {0: "batch"},
                "stance_probs": {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
        )
    os.replace(tmp, fp32)
    print(f"onnx_export: wrote {fp32} ({os.path.getsize(fp32) / 1e6:.1f} MB)", file=sys.stderr)

    tmp = int8 + ".tmp"
    quantize_dynamic(fp32, tmp, weight_type=QuantType.QInt8)
    os.replace(tmp, int8)
    print(f"onnx_export: wrote {int8} ({os.path.getsize(int8) / 1e6:.1f} MB)", file=sys.stderr)

    # Check against PyTorch on a batch with a different shape from the export's.
    check = sample + ["No comment.", "Both companies said talks were continuing."]
    enc = tokenizer(check, padding=True, truncation=True, max_length=ref.MAX_LENGTH, return_tensors="np")
    feeds = {"input_ids": enc["input_ids"].astype(np.int64),
             "attention_mask": enc["attention_mask"].astype(np.int64)}
    with torch.inference_mode():
        want = [t.numpy() for t in model(torch.from_numpy(feeds["input_ids"]),
                                         torch.from_numpy(feeds["attention_mask"]))]
    for path in (fp32, int8):
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        got = sess.run(["speaker_probs", "stance_probs"], feeds)
        diff = max(float(np.abs(g - w).max()) for g, w in zip(got, want))
        print(f"onnx_export: {os.path.basename(path)} vs PyTorch: max abs prob diff {diff:.2e}",
              file=sys.stderr)
        if path == fp32 and diff > 1e-3:
            sys.exit("onnx_export: the fp32 graph disagrees with PyTorch")

    with open(stamp_path, "w", encoding="utf-8") as f:
        json.dump(source, f, indent=2)


if __name__ == "__main__":
    main()
