#!/usr/bin/env bash
# The test command: set-up (venv, base encoder, build), formatting, lints,
# the data validator, then every test. Run it on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== cargo fmt --check" >&2
cargo fmt --check
echo "== cargo clippy" >&2
cargo clippy --release --all-targets --quiet -- -D warnings
if [ -f data/train.jsonl ]; then
  echo "== stance data check" >&2
  target/release/stance data check data/train.jsonl data/dev.jsonl data/test.jsonl data/test-shapes.jsonl \
    data/v2/train.jsonl data/v2/dev.jsonl data/v2/test.jsonl
fi
echo "== library without the cli feature" >&2
if cargo tree -e normal --no-default-features | grep -E '(^|[ ─])(clap|anyhow|indicatif) v'; then
  echo "the library depends on a command-line crate" >&2
  exit 1
fi
echo "== cargo test (slow tests included)" >&2
cargo test --release --quiet -- --include-ignored
