#!/usr/bin/env bash
# Drives the web UI in a real headless Chromium (Debian's chromium and chromium-driver) through
# WebDriver: Tests/ui/test_web_ui.py starts its own `visage serve` on a free loopback port with a
# fresh data folder, recognises testdata photos, and works through every page as a user would.
# Screenshots of each page go to .build/ui-test/screenshots/.
#
#   scripts/ui_test.sh                    the whole browser suite
#   scripts/ui_test.sh ReviewTests        one class (unittest names)
#
# selenium (pinned) is installed into .deps/selenium; the browser and its driver come from
# `scripts/setup.sh --with-browser`.
set -euo pipefail
cd "$(dirname "$0")/.."

SELENIUM_VERSION=4.27.1
dir=.deps/selenium
if ! grep -qx "Version: $SELENIUM_VERSION" "$dir"/selenium-*.dist-info/METADATA 2>/dev/null; then
  echo "==> installing selenium $SELENIUM_VERSION into $dir" >&2
  rm -rf "$dir.tmp"
  python3 -m pip install --quiet --disable-pip-version-check --target "$dir.tmp" "selenium==$SELENIUM_VERSION"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi

export VISAGE_BIN=${VISAGE_BIN:-$PWD/.build/debug/visage}
[ -x "$VISAGE_BIN" ] || swift build --product visage
export VISAGE_MODEL_MIRROR=${VISAGE_MODEL_MIRROR:-$(cd .. && pwd)/shared/models}
export VISAGE_TESTDATA=${VISAGE_TESTDATA:-$(cd .. && pwd)/shared/testdata}
PYTHONPATH="$PWD/$dir:$PWD/Tests/ui" python3 -m unittest -v "test_web_ui${1:+.$1}"
