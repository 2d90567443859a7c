#!/usr/bin/env bash
# TF-IDF + logistic regression baseline on data/{train,dev,test}.jsonl.
# Installs the pinned scikit-learn into the project's venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || scripts/setup.sh
if ! .venv/bin/python -c "import sklearn" 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check scikit-learn==1.5.2
fi
exec .venv/bin/python scripts/baseline_tfidf.py "$@"
