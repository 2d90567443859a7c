#!/usr/bin/env bash
# Renders a page written by `stance extract --html` in headless Chromium and
# saves a screenshot, to check the page as a reader sees it.
#   scripts/html_screenshot.sh OUT.html OUT.png [WIDTHxHEIGHT]
# Needs chromium on PATH (Debian: apt-get install chromium).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 PAGE.html SHOT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
page=$(realpath "$1")
shot=$2
size=${3:-1100x1600}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "$0: no chromium on PATH (Debian: apt-get install chromium)" >&2
    exit 1
fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size="${size/x/,}" --screenshot="$shot" "file://$page" 2>/dev/null
test -s "$shot"
echo "wrote $shot ($size) from $page"
