#!/usr/bin/env python3
"""Reference: score quotes with Hugging Face transformers + PyTorch (fp32, CPU).

The model is the same one `stance` runs by default: the base MiniLM-L6 encoder
(models/base/all-minilm-l6-v2) with the tuned tensors of
models/fast/weights.safetensors laid over it, mean pooling over real
tokens, and the speaker (2) and stance (3) linear heads with a softmax
(temperature-scaled as in models/fast/stance.json, which costs nothing).

It is written the way a competent user would write it: quotes sorted by
length first (as sentence-transformers' encode() does), batches of
--batch-size tokenized with dynamic padding (padding=True, truncation=True,
max_length=256), torch.inference_mode(), fp32 or (--dtype bf16) bf16 under
torch.autocast, the mixed-precision path PyTorch documents for CPUs.

Prints one JSON line:
  {"system": "transformers-fp32" (or -bf16), "quotes": N, "seconds": S,
   "quotes_per_s": Q, "tokens": total_real_tokens}
The time covers the scoring loop only (tokenization + forward + heads +
softmax, results copied out to numpy), after one untimed warm-up batch; model
load and reading the input file are not timed.

onnx_export.py imports build_model() from here, so both references run the
same weights.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BASE = os.path.join(ROOT, "models", "base", "all-minilm-l6-v2")
DEFAULT_MODEL = os.path.join(ROOT, "models", "default")
MAX_LENGTH = 256


def read_quotes(path):
    texts = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            text = rec.get("text")
            if not isinstance(text, str):
                sys.exit(f"{path}:{n}: no string `text`")
            texts.append(text)
    if not texts:
        sys.exit(f"{path}: no quotes")
    return texts


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def timed_scoring(score, texts, batch_size):
    """Runs score(batch) -> (speaker, stance, real_tokens) over texts in
    batches after one untimed warm-up batch, as sentence-transformers'
    encode() does it: the quotes sorted by length (longest first), so each
    batch pads to a quote of about its own length, and the results put back
    in input order. Returns one (speaker, stance) result holding every
    quote's probabilities in input order, the real-token count and the
    seconds of the timed loop (sorting and reordering included)."""
    import numpy as np
    score(texts[:batch_size])  # warm-up, untimed
    tokens = 0
    start = time.perf_counter()
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    speakers, stances = [], []
    for chunk in batches(order, batch_size):
        speaker, stance, n_tok = score([texts[i] for i in chunk])
        speakers.append(speaker)
        stances.append(stance)
        tokens += n_tok
    back = np.argsort(np.array(order))
    speaker = np.concatenate(speakers)[back]
    stance = np.concatenate(stances)[back]
    return [(speaker, stance)], tokens, time.perf_counter() - start


def write_probs(path, results):
    """Writes one {"speaker": [...], "stance": [...]} line per quote."""
    import numpy as np
    sp = np.concatenate([r[0] for r in results])
    st = np.concatenate([r[1] for r in results])
    with open(path, "w", encoding="utf-8") as f:
        for i in range(len(sp)):
            f.write(json.dumps({"speaker": sp[i].tolist(), "stance": st[i].tolist()}) + "\n")


def build_model(base=DEFAULT_BASE, model_dir=DEFAULT_MODEL, attn_implementation=None):
    """Return (model, tokenizer): an nn.Module mapping (input_ids, attention_mask)
    to (speaker_probs [B,2], stance_probs [B,3]) in fp32, in eval mode."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel, AutoTokenizer

    kwargs = {}
    if attn_implementation:
        kwargs["attn_implementation"] = attn_implementation
    tokenizer = AutoTokenizer.from_pretrained(base, clean_up_tokenization_spaces=True)
    encoder = AutoModel.from_pretrained(base, torch_dtype=torch.float32, **kwargs)

    tuned = load_file(os.path.join(model_dir, "weights.safetensors"))
    state = encoder.state_dict()
    overlay = {k: v.to(torch.float32) for k, v in tuned.items() if k in state}
    # Tuned matrices stored as deltas from the base (stance's int8 `X.delta`
    # with a scale per row, or int4 `X.delta4`, two codes a byte, low nibble
    # first, offset 8, with a scale per run of 64 columns): base + codes *
    # scale, exactly as stance loads them.
    for name, codes in tuned.items():
        for suffix, bits in ((".delta", 8), (".delta4", 4)):
            if not name.endswith(suffix):
                continue
            target = name[: -len(suffix)]
            if target not in state:
                continue
            base_w = state[target].to(torch.float32)
            rows, cols = base_w.shape
            scale = tuned[target + ".delta_scale"].to(torch.float32).reshape(rows, -1)
            if bits == 8:
                q = codes.to(torch.float32)
            else:
                b = codes.to(torch.int16)
                q = (torch.stack([b % 16, b // 16], dim=2).reshape(rows, cols) - 8).to(torch.float32)
            groups = scale.shape[1]
            delta = (q.reshape(rows, groups, cols // groups) * scale.unsqueeze(2)).reshape(rows, cols)
            overlay[target] = base_w + delta
    for k, v in overlay.items():
        if tuple(v.shape) != tuple(state[k].shape):
            sys.exit(f"weights.safetensors: {k} has shape {tuple(v.shape)}, "
                     f"the encoder wants {tuple(state[k].shape)}")
    encoder.load_state_dict(overlay, strict=False)

    def head(name):
        w = tuned[f"{name}.weight"].to(torch.float32)
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(w)
            lin.bias.copy_(tuned[f"{name}.bias"].to(torch.float32))
        return lin

    temps = {"speaker": 1.0, "stance": 1.0}
    meta_path = os.path.join(model_dir, "stance.json")
    if os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as f:
            temps.update((json.load(f).get("temperature") or {}))

    model = StanceModel(encoder, head("speaker_head"), head("stance_head"),
                        float(temps["speaker"]), float(temps["stance"]))
    model.eval()
    model.overlaid = len(overlay)  # for the log line
    return model, tokenizer


import torch  # noqa: E402  (after the environment variables above)


class StanceModel(torch.nn.Module):
    """Encoder + mean pooling over real tokens + two linear heads + softmax."""

    def __init__(self, encoder, speaker_head, stance_head, t_speaker=1.0, t_stance=1.0):
        super().__init__()
        self.encoder = encoder
        self.speaker_head = speaker_head
        self.stance_head = stance_head
        self.t_speaker = t_speaker
        self.t_stance = t_stance

    def forward(self, input_ids, attention_mask):
        extra = {}
        if getattr(self.encoder.config, "type_vocab_size", 0):  # BERT; MPNet has no token types
            extra["token_type_ids"] = torch.zeros_like(input_ids)
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              **extra).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        speaker = torch.softmax(self.speaker_head(pooled) / self.t_speaker, dim=-1)
        stance = torch.softmax(self.stance_head(pooled) / self.t_stance, dim=-1)
        return speaker, stance


def main():
    ap = argparse.ArgumentParser(description="Reference throughput: transformers + PyTorch")
    ap.add_argument("quotes", help="JSONL file of {\"id\", \"text\"} records")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--base", default=DEFAULT_BASE, help="base encoder folder")
    ap.add_argument("--model", default=DEFAULT_MODEL, help="stance model folder (weights.safetensors)")
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32",
                    help="fp32, or bf16 under torch.autocast (default fp32)")
    ap.add_argument("--out", help="also write the scores as JSONL (not timed separately; for checks)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    texts = read_quotes(args.quotes)
    model, tokenizer = build_model(args.base, args.model)
    print(f"hf_transformers: {len(texts)} quotes, {model.overlaid} tuned tensors overlaid, "
          f"attention={model.encoder.config._attn_implementation}, threads={args.threads}, "
          f"dtype={args.dtype}",
          file=sys.stderr)

    def score(chunk):
        enc = tokenizer(chunk, padding=True, truncation=True, max_length=MAX_LENGTH,
                        return_tensors="pt")
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.dtype == "bf16"):
            speaker, stance = model(enc["input_ids"], enc["attention_mask"])
        return (speaker.float().numpy(), stance.float().numpy(),
                int(enc["attention_mask"].sum()))

    with torch.inference_mode():
        results, tokens, seconds = timed_scoring(score, texts, args.batch_size)

    if args.out:
        write_probs(args.out, results)

    print(json.dumps({"system": f"transformers-{args.dtype}", "quotes": len(texts),
                      "seconds": round(seconds, 4),
                      "quotes_per_s": round(len(texts) / seconds, 2), "tokens": tokens}))


if __name__ == "__main__":
    main()
