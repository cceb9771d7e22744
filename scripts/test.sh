#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up (idempotent), the format lint, `swift test`,
# the web UI in a real headless Chromium (scripts/ui_test.sh), a bounded schemathesis pass over the
# HTTP API (scripts/fuzz_api.sh), then every libFuzzer target briefly (scripts/fuzz.sh).
# Tests use the real models, copied from VISAGE_MODEL_MIRROR (default ../shared/models, the
# folder CI provides beside the checkout) into a private model folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export VISAGE_MODEL_MIRROR=${VISAGE_MODEL_MIRROR:-$(cd .. && pwd)/shared/models}
export VISAGE_MODEL_DIR=${VISAGE_TEST_MODEL_DIR:-$PWD/.build/test-models}
scripts/setup.sh --debug --with-browser
# The code passes swift-format with the project's .swift-format (Hummingbird's line length, 150);
# `swift format format -i -r Sources Tests Package.swift` fixes what this reports.
swift format lint --strict --recursive Sources Tests Package.swift
swift test
scripts/ui_test.sh
scripts/fuzz_api.sh --bounded
# Every fuzz target briefly (scripts/fuzz.sh; its sanitizer build takes about 10 minutes on 2
# cores): what clients send must never crash the server. VISAGE_FUZZ_SECONDS=0 skips it.
fuzz_seconds=${VISAGE_FUZZ_SECONDS:-15}
if [ "$fuzz_seconds" != 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
fi
