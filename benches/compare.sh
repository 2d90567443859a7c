#!/usr/bin/env bash
# Side-by-side CPU throughput: stance vs. the same model in Hugging Face
# transformers (PyTorch fp32 and bf16 autocast) and onnxruntime (fp32 and
# dynamic int8), every reference sorting quotes by length first as
# sentence-transformers' encode() does.
#
#   benches/compare.sh [N=5000] [THREADS=2]
#   MODELS="accurate fast" REPEAT=3 BF16=0|1 benches/compare.sh ...
#
# One command does everything: builds stance (scripts/setup.sh) when the binary
# is missing, installs the pinned Python packages into .venv when they are not
# importable, writes two files of N quotes (news: the length spread of real
# news quotes, median 26 words with a long tail; corpus: the lengths of
# data/*.jsonl), exports each model's ONNX graphs once (cached in
# bench-out/onnx-MODEL/), measures the machine's GEMM peak
# (benches/reference/peak.py), runs each system REPEAT times (default 3; the
# best run counts, as the machines here are shared and noisy) on each file
# with THREADS threads and batches of 32 on the CPU, for each shipped model
# (MODELS, default "accurate fast": MPNet and MiniLM), and prints Markdown
# tables for each model and file: quotes/s and ratios, then tokens/s, GFLOP/s
# and the share of the peak, with the CPU and its flags.
# Everything it writes goes under bench-out/ (git-ignored).
#
# stance rows: "stance" is the default (`--precision auto`: the precision it
# picks here is named), then each precision asked for by name. stance's time
# is the one `stance batch` reports itself: reading the file, tokenizing,
# scoring and writing, after the model is loaded (the load is timed apart,
# as one `stance classify "x"`). The references time only their scoring loop
# (tokenization + forward + heads + softmax) after one warm-up batch. The
# "labels agree" column is the share of quotes whose speaker and stance
# labels both match stance's f32 output.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-5000}"
THREADS="${2:-2}"
BATCH=32
MODELS="${MODELS:-accurate fast}"
REPEAT="${REPEAT:-3}"
TRANSFORMERS_PIN=transformers==4.44.2
ONNX_PIN=onnx==1.16.2
ORT_PIN=onnxruntime==1.19.2

usage() { echo "usage: benches/compare.sh [N=5000] [THREADS=2]" >&2; exit 2; }
case "$N" in ''|*[!0-9]*) usage ;; esac
case "$THREADS" in ''|*[!0-9]*) usage ;; esac
case "$REPEAT" in ''|*[!0-9]*) usage ;; esac
[ "$N" -ge 1 ] && [ "$THREADS" -ge 1 ] && [ "$REPEAT" -ge 1 ] || usage

say() { printf 'compare: %s\n' "$*" >&2; }
now() { date +%s.%N; }

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
PY=.venv/bin/python
STANCE=target/release/stance
REF=benches/reference
OUT=bench-out
mkdir -p "$OUT"

# 1. stance and the venv
if [ ! -x "$STANCE" ] || [ ! -x "$PY" ]; then
  say "building stance (scripts/setup.sh)"
  scripts/setup.sh
fi

# 2. pinned Python packages, only when they do not import
need=()
$PY -c "import transformers" 2>/dev/null || need+=("$TRANSFORMERS_PIN")
$PY -c "import onnx" 2>/dev/null || need+=("$ONNX_PIN")
$PY -c "import onnxruntime" 2>/dev/null || need+=("$ORT_PIN")
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]} into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check "${need[@]}"
fi

# 3. the quotes (rewritten each run: it takes milliseconds and follows data/)
for SET in news corpus; do
  $PY "$REF/make_quotes.py" --n "$N" --lengths "$SET" --out "$OUT/compare-quotes-$SET-$N.jsonl"
done

# 5. the machine's practical peak (best libtorch GEMM rate, same threads)
say "measuring the GEMM peak"
PEAK="$($PY "$REF/peak.py" --threads "$THREADS" 2> "$OUT/peak.log")" ||
  { cat "$OUT/peak.log" >&2; PEAK='{}'; }
CPU_MODEL="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
SOCKETS="$(lscpu | sed -n 's/^Socket(s): *//p' | head -1)"
CORES="$(lscpu | sed -n 's/^Core(s) per socket: *//p' | head -1)"
TPC="$(lscpu | sed -n 's/^Thread(s) per core: *//p' | head -1)"
# The flags that decide which kernels libtorch and onnxruntime can use.
FLAGS="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | tr ' ' '\n' |
  grep -E '^(avx2|fma|avx512f|avx512_bf16|avx512_vnni|avx_vnni|amx_bf16|amx_int8|amx_tile)$' |
  tr '\n' ' ' || true)"
VERSION="$("$STANCE" --version 2>/dev/null || echo stance)"
# bf16 without hardware support is emulated at a few quotes per second (1.5
# for transformers on a Zen 3 EPYC): skipped there unless BF16=1 asks.
case " $FLAGS " in
  *" avx512_bf16 "*|*" amx_bf16 "*) BF16="${BF16:-1}" ;;
  *) BF16="${BF16:-0}" ;;
esac
[ "$BF16" = 1 ] || say "this CPU has no native bf16 (avx512_bf16, amx_bf16): bf16 runs skipped (BF16=1 runs them)"

# The base encoder folder of a model directory (by the package its
# stance.json names).
base_of() {
  $PY -c 'import json,sys; n=json.load(open(sys.argv[1]+"/stance.json"))["base"]["name"].lower()
print("models/base/all-mpnet-base-v2" if "mpnet" in n else "models/base/all-minilm-l6-v2")' "$1"
}

# The best of REPEAT runs of a command that prints one JSON result line.
best_of() { # results-file command...
  local results="$1"; shift
  local best="" line r
  for ((r = 1; r <= REPEAT; r++)); do
    line="$("$@")" || return 1
    best="$($PY -c 'import json,sys
a=json.loads(sys.argv[1]) if sys.argv[1] else None; b=json.loads(sys.argv[2])
print(json.dumps(b if a is None or b["quotes_per_s"] > a["quotes_per_s"] else a))' "$best" "$line")"
  done
  echo "$best" >> "$results"
}

for MODEL in $MODELS; do
MODEL_DIR="models/$MODEL"
[ -f "$MODEL_DIR/stance.json" ] || { say "no model in $MODEL_DIR: skipped"; continue; }
BASE="$(base_of "$MODEL_DIR")"
ONNX="$OUT/onnx-$MODEL"
ARCH="$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]+"/config.json")).get("model_type","bert"))' "$BASE")"

# 4. ONNX graphs (skipped when up to date)
say "exporting $MODEL to ONNX (skipped when up to date)"
$PY "$REF/onnx_export.py" --out-dir "$ONNX" --base "$BASE" --model "$MODEL_DIR" 2> "$OUT/onnx-export-$MODEL.log" ||
  { cat "$OUT/onnx-export-$MODEL.log" >&2; exit 1; }

for SET in news corpus; do
QUOTES="$OUT/compare-quotes-$SET-$N.jsonl"
RESULTS="$OUT/compare-results-$MODEL-$SET.jsonl"
: > "$RESULTS"
LOAD_AVG="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
say "model $MODEL, quote file: $SET lengths ($QUOTES)"

# 6. stance: the default (auto) and each precision by name
stance_once() { # system precision output
  local system="$1" prec="$2" out="$3" flags=(--model "$MODEL_DIR" --device cpu --threads "$THREADS")
  [ "$prec" = auto ] || flags+=(--precision "$prec")
  local t0 t1 t2 t3 summary
  t0="$(now)"; "$STANCE" "${flags[@]}" classify "x" > /dev/null 2>&1; t1="$(now)"
  t2="$(now)"
  summary="$("$STANCE" "${flags[@]}" --batch-size "$BATCH" batch "$QUOTES" -o "$out" 2>&1 >/dev/null | grep 'records scored' | tail -1)"
  t3="$(now)"
  $PY - "$system" "$N" "$t0" "$t1" "$t2" "$t3" "$out" "$summary" <<'PY'
import json, re, sys
system, n, t0, t1, t2, t3, out, summary = sys.argv[1:]
m = re.search(r"in ([0-9.]+) s \(([0-9.]+) quotes/s, (\w+)\)", summary)
if not m:
    sys.exit(f"no summary line from stance batch: {summary!r}")
n = int(n)
rec = {"system": system, "quotes": n, "precision": m.group(3),
       "wall_seconds": round(float(t3) - float(t2), 4),
       "load_seconds": round(float(t1) - float(t0), 4), "out": out}
# stance's own timer (after the model is loaded), at full precision: the
# summary line rounds the seconds to 0.1.
rec["seconds"] = round(n / float(m.group(2)), 4) if float(m.group(2)) > 0 else float(m.group(1))
rec["quotes_per_s"] = round(n / rec["seconds"], 2)
print(json.dumps(rec))
PY
}
run_stance() { # system precision
  say "running $1 ($MODEL)"
  local flags=(--model "$MODEL_DIR" --device cpu --threads "$THREADS")
  [ "$2" = auto ] || flags+=(--precision "$2")
  "$STANCE" "${flags[@]}" classify "x" > /dev/null 2>&1  # warm-up: page cache
  best_of "$RESULTS" stance_once "$1" "$2" "$OUT/$1-$MODEL-$SET-out.jsonl" || say "FAILED: $1"
}
run_stance stance auto
run_stance stance-f32 f32
[ "$BF16" != 1 ] || run_stance stance-bf16 bf16
[ "$ARCH" = mpnet ] || run_stance stance-int8 int8   # int8 is refused for MPNet

# 7. the references
ref_once() { # output script args...
  local out="$1"; shift
  local line
  line="$($PY "$@" --threads "$THREADS" --batch-size "$BATCH" --out "$out" 2> "$out.log")" ||
    { cat "$out.log" >&2; return 1; }
  $PY -c 'import json,sys; r=json.loads(sys.argv[1]); r["out"]=sys.argv[2]; print(json.dumps(r))' "$line" "$out"
}
run_ref() { # name output script args...
  local name="$1"; shift
  say "running $name ($MODEL)"
  best_of "$RESULTS" ref_once "$@" || say "FAILED: $name"
}
for dtype in fp32 bf16; do
  [ "$dtype" = fp32 ] || [ "$BF16" = 1 ] || continue
  run_ref "transformers-$dtype" "$OUT/ref-transformers-$dtype-$MODEL-$SET-out.jsonl" \
    "$REF/hf_transformers.py" "$QUOTES" --dtype "$dtype" --base "$BASE" --model "$MODEL_DIR"
done
run_ref onnxruntime-fp32 "$OUT/ref-onnxruntime-fp32-$MODEL-$SET-out.jsonl" \
  "$REF/onnx_runtime.py" "$QUOTES" --model "$ONNX/stance-fp32.onnx" --base "$BASE"
run_ref onnxruntime-int8 "$OUT/ref-onnxruntime-int8-$MODEL-$SET-out.jsonl" \
  "$REF/onnx_runtime.py" "$QUOTES" --model "$ONNX/stance-int8.onnx" --base "$BASE"

# 8. the table
$PY - "$RESULTS" "$N" "$THREADS" "$BATCH" "${CPU_MODEL:-unknown CPU}" "$(nproc)" \
  "$(( ${SOCKETS:-1} * ${CORES:-0} ))" "${TPC:-?}" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  "$LOAD_AVG" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')" "$VERSION" "$PEAK" \
  "$SET" "${FLAGS:-none of avx2/avx512/amx}" "$BF16" "$MODEL_DIR" "$BASE" "$REPEAT" <<'PY'
import json, sys
(results, n, threads, batch, cpu, ncpu, cores, tpc, date, load, load_end, version, peak, qset,
 flags, bf16, model_dir, base_dir, repeat) = sys.argv[1:]
peak = json.loads(peak or "{}")
rows = [json.loads(l) for l in open(results) if l.strip()]
by = {r["system"]: r for r in rows}
meta = json.load(open(f"{model_dir}/stance.json"))
sp_labels, st_labels = meta["labels"]["speaker"], meta["labels"]["stance"]

def labels(path):
    out = []
    for line in open(path):
        r = json.loads(line)
        if isinstance(r["speaker"], str):  # stance's own output
            out.append((r["speaker"], r["stance"]))
        else:  # reference: probability lists
            sp, st = r["speaker"], r["stance"]
            out.append((sp_labels[max(range(len(sp)), key=sp.__getitem__)],
                        st_labels[max(range(len(st)), key=st.__getitem__)]))
    return out

base = by.get("stance")
f32 = by.get("stance-f32")
base_labels = labels(f32["out"]) if f32 else None
try:
    import torch, transformers, onnxruntime
    versions = f"torch {torch.__version__}, transformers {transformers.__version__}, onnxruntime {onnxruntime.__version__}"
except Exception:
    versions = ""

print()
print(f"## {model_dir} ({base_dir.split('/')[-1]}): stance vs. reference runtimes (CPU, {n} quotes, {qset} lengths)")
print()
print(f"- machine: {cpu}, {ncpu} CPUs ({cores} cores, {tpc} thread(s) per core); "
      f"load average {load} at start, {load_end} at end")
print(f"- CPU flags that matter here: {flags}")
if bf16 != "1":
    print("- bf16 rows skipped: this CPU has no native bf16 (avx512_bf16 or amx_bf16), "
          "where bf16 is emulated and slower than f32; BF16=1 runs them anyway")
try:
    if float(load.split()[0]) > 0.5 * int(ncpu):
        print("- CAUTION: the machine was busy when the run started; other work competes for "
              "the same cores and the figures are noisy (the systems run one after another)")
except ValueError:
    pass
print(f"- threads: {threads} per system; batch size {batch}; {n} quotes; best of {repeat} runs each; {date}")
if base:
    print(f"- `stance` is the default, `--precision auto`, which runs this model at {base.get('precision', '?')} here")
print(f"- {version}; {versions}")
if "transformers-fp32" in by:
    t = by["transformers-fp32"]
    print(f"- average real tokens per quote: {t['tokens'] / t['quotes']:.1f} "
          f"(incl. [CLS]/[SEP], max_length 256)")
print()
print("| system | quotes/s | stance ratio | seconds | labels agree with stance f32 |")
print("|---|---:|---:|---:|---:|")
for r in rows:
    ratio = f"{base['quotes_per_s'] / r['quotes_per_s']:.2f}x" if base else "?"
    if base_labels is None:
        agree = "?"
    elif r is f32:
        agree = "(reference)"
    else:
        other = labels(r["out"])
        same = sum(a == b for a, b in zip(base_labels, other))
        agree = f"{100 * same / len(base_labels):.1f}%"
    print(f"| {r['system']} | {r['quotes_per_s']:.1f} | {ratio} | {r['seconds']:.2f} | {agree} |")
print()
for r in rows:
    if r["system"].startswith("stance"):
        print(f"- {r['system']} ({r.get('precision', '?')}): {r['seconds']:.2f} s as `stance batch` "
              f"times itself (reading the file, tokenizing, scoring, writing {r['out']}); the whole "
              f"command took {r['wall_seconds']:.2f} s, of which about {r['load_seconds']:.2f} s is "
              f"start-up and model load (one timed `stance classify \"x\"`)")
print("- references: scoring loop only (tokenization + forward + pooling + heads + softmax), "
      "after one warm-up batch; model load excluded; quotes sorted by length (longest first, as "
      "sentence-transformers does), dynamic padding per batch, results put back in input order")
print("- stance ratio = stance (the default) quotes/s / that system's quotes/s (above 1: stance is faster)")

# Compute: FLOPs per token of the encoder, tokens/s and the share of the
# machine's GEMM peak each system reaches.
t = by.get("transformers-fp32")
if t and t.get("tokens"):
    cfg = json.load(open(f"{base_dir}/config.json"))
    h, inter, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    tpq = t["tokens"] / t["quotes"]
    linear = 2 * layers * (4 * h * h + 2 * h * inter)   # Q, K, V, O and the two FFN matrices
    attention = 2 * layers * 2 * tpq * h                 # scores and weighted sum, at the mean length
    flops = linear + attention
    print()
    print(f"### compute ({tpq:.1f} real tokens per quote)")
    print()
    print(f"- encoder FLOPs per token: {flops / 1e6:.1f} M "
          f"({linear / 1e6:.1f} M in the linear layers, {attention / 1e6:.2f} M in attention at the mean length; "
          f"pooling and heads are negligible; padding not counted)")
    f32p, bf16p = peak.get("f32_gflops"), peak.get("bf16_gflops")
    if f32p:
        print(f"- this machine's practical peak with {threads} threads (best libtorch GEMM, "
              f"benches/reference/peak.py): f32 {f32p:.0f} GFLOP/s, bf16 {bf16p:.0f} GFLOP/s")
    print()
    print("| system | tokens/s | GFLOP/s | share of the f32 GEMM peak | share of the bf16 GEMM peak |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        tps = r["quotes_per_s"] * tpq
        gf = tps * flops / 1e9
        a = f"{100 * gf / f32p:.0f}%" if f32p else "?"
        b = f"{100 * gf / bf16p:.0f}%" if bf16p else "?"
        print(f"| {r['system']} | {tps:.0f} | {gf:.1f} | {a} | {b} |")
    print()
    print("- int8 runs its linear layers in int8, so its share of a float peak "
          "is an effective rate, not a like-for-like one")
PY
done
done
