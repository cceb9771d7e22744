#!/usr/bin/env bash
# The web UI benchmark (scripts/bench_ui.py): the people page of a generated 10,000-face library
# against a 1,000-face baseline, server time and time to render in headless Chromium.
# Needs `scripts/setup.sh --with-browser`; uses selenium from .deps/selenium (scripts/ui_test.sh
# installs it). VISAGE_BIN picks the binary (default .build/release/visage).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d .deps/selenium ] || { echo "run scripts/ui_test.sh once first (it installs selenium)" >&2; exit 1; }
export VISAGE_BIN=${VISAGE_BIN:-$PWD/.build/release/visage}
export VISAGE_MODEL_MIRROR=${VISAGE_MODEL_MIRROR:-$(cd .. && pwd)/shared/models}
export VISAGE_TESTDATA=${VISAGE_TESTDATA:-$(cd .. && pwd)/shared/testdata}
PYTHONPATH="$PWD/.deps/selenium" python3 scripts/bench_ui.py
