#!/usr/bin/env bash
# Installs Python's `onnx` (pinned, with numpy and protobuf) into .deps/onnx-py, for
# scripts/make_tiny_models.py, which writes the tiny ONNX models the semantic tests load.
# Idempotent; no virtualenv (Debian's python3 may lack venv). scripts/setup.sh runs it, and the
# tests run it when the folder is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

ONNX_PY_VERSION=1.23.2
dir=.deps/onnx-py
if grep -qx "Version: $ONNX_PY_VERSION" "$dir"/onnx-*.dist-info/METADATA 2>/dev/null; then
  exit 0
fi
printf '\033[1m==> %s\033[0m\n' "installing onnx $ONNX_PY_VERSION (Python) into $dir" >&2
rm -rf "$dir.tmp"
python3 -m pip install --quiet --disable-pip-version-check --target "$dir.tmp" "onnx==$ONNX_PY_VERSION"
rm -rf "$dir" && mv "$dir.tmp" "$dir"
