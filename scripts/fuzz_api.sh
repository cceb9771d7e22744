#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document with schemathesis (`--checks all`): every
# request the document allows must get a documented answer, every request it forbids a 4xx,
# and no request a 500 or a crash.
#
#   scripts/fuzz_api.sh                 long run: 300 examples per operation, random seed
#   scripts/fuzz_api.sh --bounded       the CI pass (scripts/test.sh): 25 examples, fixed seed
#   scripts/fuzz_api.sh -n 1000 --seed 7
#
# It starts its own `visage serve` on a free loopback port with an empty data folder and a key
# holding every scope (sent as `Authorization: Bearer`), with URL input off (the fuzzer's
# random URLs would otherwise be fetched from the internet; URL parsing still runs first).
# schemathesis (pinned) is installed into .deps/schemathesis. Reports go to
# .build/fuzz-api/ (JUnit, and the server's log).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
examples=300
seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bounded) examples=25; seed=20261126 ;;
    -n|--max-examples) examples=$2; shift ;;
    --seed) seed=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
  shift
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# schemathesis, pinned, in its own folder (no virtualenv: Debian's python3 may lack venv).
st_dir=.deps/schemathesis
if ! grep -qx "Version: $SCHEMATHESIS_VERSION" "$st_dir"/schemathesis-*.dist-info/METADATA 2>/dev/null; then
  say "installing schemathesis $SCHEMATHESIS_VERSION into $st_dir"
  rm -rf "$st_dir.tmp"
  python3 -m pip install --quiet --disable-pip-version-check --target "$st_dir.tmp" "schemathesis==$SCHEMATHESIS_VERSION"
  rm -rf "$st_dir" && mv "$st_dir.tmp" "$st_dir"
fi
st() { PYTHONPATH="$PWD/$st_dir" python3 -c 'import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())' "$@"; }

bin=${VISAGE_BIN:-.build/debug/visage}
[ -x "$bin" ] || { say "building visage (debug)"; swift build --product visage; }

out=.build/fuzz-api
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export VISAGE_DATA_DIR=$work/data VISAGE_INPUT_ROOTS=$work/photos VISAGE_ALLOW_URLS=0
mkdir -p "$work/photos"
cp ../shared/testdata/faces_group/*.jpg "$work/photos/" 2>/dev/null || true
# The default pack, as setup installs it (a no-op when it is there; VISAGE_MODEL_DIR and
# VISAGE_MODEL_MIRROR are honoured as everywhere).
"$bin" models fetch >/dev/null
# The tests' tiny CLIP, DINOv2 and captioner (scripts/make_tiny_models.py), so that the routes
# that need them are fuzzed through their whole path rather than answering 503
# model_not_installed (which schemathesis counts as a server error). A real captioner in the
# model directory is used where there is one.
[ -d .deps/onnx-py/onnx ] || bash scripts/install_onnx_py.sh >/dev/null
PYTHONPATH="$PWD/.deps/onnx-py" python3 scripts/make_tiny_models.py "$work/models" --vocab ../shared/models/clip/bpe_simple_vocab_16e6.txt.gz >/dev/null \
  || { echo "the tiny test models could not be made (scripts/install_onnx_py.sh)" >&2; exit 1; }
export VISAGE_CLIP_MODEL=$work/models/clip VISAGE_DINOV2_MODEL=$work/models/dinov2
model_dir=${VISAGE_MODEL_DIR:-$("$bin" models list 2>/dev/null | sed -n 's/^Model directory: //p')}
if [ -z "${VISAGE_CAPTION_MODEL:-}" ] && [ ! -d "${model_dir:-/nonexistent}/vit-gpt2-image-captioning" ]; then
  export VISAGE_CAPTION_MODEL=$work/models/captioner
fi
key=$("$bin" keys create --name fuzz-api --scope faces:read faces:write facedb:read facedb:write classifiers:read classifiers:write jobs:read jobs:write extract review admin metrics \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')

"$bin" serve --host 127.0.0.1 --port 0 >"$out/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/server.log" | head -1)
  [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$port" ] || { echo "the server did not start" >&2; cat "$out/server.log" >&2; exit 1; }
say "fuzzing http://127.0.0.1:$port with $examples examples per operation${seed:+, seed $seed}"

# DELETE /keys/{key_id} is left out: the stateful phase finds the fuzzer's own key in GET /keys
# and would revoke it, leaving every later request a 401. AccessHTTPTests walks the key routes.
status=0
st --config-file scripts/schemathesis.toml run "http://127.0.0.1:$port/openapi.json" \
  --checks all --max-examples "$examples" ${seed:+--seed "$seed" --generation-deterministic} \
  -H "Authorization: Bearer $key" --exclude-operation-id revokeApiKey \
  --report junit --report-dir "$out" || status=$?

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the server died during the run; its log is in $out/server.log" >&2
  exit 1
fi
if grep -q '"internal_error"\| 500 ' "$out/server.log"; then
  echo "the server answered 500 during the run; see $out/server.log" >&2
  status=1
fi
exit $status
