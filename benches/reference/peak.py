#!/usr/bin/env python3
"""This machine's practical compute peak: the best sustained matrix-multiply
rate that libtorch reaches with the given thread count, in f32 and bf16.

stance's encoder is almost all matrix multiplies (the linear layers are ~98%
of its FLOPs), so the best square-GEMM rate of the same library on the same
cores is the ceiling it can approach; compare.sh divides each stance mode's
achieved FLOP/s by it.

Prints one JSON line: {"threads": T, "f32_gflops": X, "bf16_gflops": Y,
"size": N}. Each figure is the best of several timed runs after a warm-up.
"""
import argparse
import json
import time

import torch


def best_rate(dtype, n, repeats):
    a = torch.randn(n, n).to(dtype)
    b = torch.randn(n, n).to(dtype)
    torch.mm(a, b)  # warm-up: packing, thread pool
    best = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b)
        dt = time.perf_counter() - t0
        best = max(best, 2 * n**3 / dt / 1e9)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--size", type=int, default=2048)
    ap.add_argument("--repeats", type=int, default=8)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with torch.inference_mode():
        f32 = best_rate(torch.float32, args.size, args.repeats)
        bf16 = best_rate(torch.bfloat16, args.size, args.repeats)
    print(json.dumps({"threads": args.threads, "size": args.size,
                      "f32_gflops": round(f32, 1), "bf16_gflops": round(bf16, 1)}))


if __name__ == "__main__":
    main()
