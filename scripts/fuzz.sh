#!/usr/bin/env bash
# Fuzzes what clients send (Sources/visage-fuzz: xmp, json, multipart, base64, query) with
# libFuzzer and AddressSanitizer.
#   scripts/fuzz.sh [SECONDS] [TARGET...]    SECONDS per target (default 600), every target by default
# The build goes to .build-fuzz: every module compiled again with -sanitize=fuzzer,address.
# Each target starts from Fuzz/corpus/TARGET and Fuzz/regressions/TARGET; inputs that reach new
# code collect in .build-fuzz/corpus/TARGET (kept between runs, not committed) and finds (a crash,
# an input slower than 10 s, a leak, over 4 GB) in .build-fuzz/finds/TARGET. Exits 1 when a target
# found something. A find becomes a regression test: fix the code, then copy the input into
# Fuzz/regressions/TARGET, which `swift test` replays (FuzzRegressionTests).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(xmp json multipart base64 query)

# lld: gold stops with an internal error on the sanitized objects.
build=(swift build --build-path .build-fuzz --product visage-fuzz
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DVISAGE_LIBFUZZER -Xswiftc -use-ld=lld)
"${build[@]}" 2>&1 | grep -v "Cannot export local symbol '__asan" >&2
fuzzer="$("${build[@]}" --show-bin-path)/visage-fuzz"

# Swift's crash backtracer would wait on the crashed process; libFuzzer and ASan report instead.
export SWIFT_BACKTRACE=enable=no
# Leaks in the toolchain's libraries, not in Visage (see the file).
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
found=()
for target in "${targets[@]}"; do
  mkdir -p ".build-fuzz/corpus/$target" ".build-fuzz/finds/$target"
  seeds=()
  for folder in "Fuzz/corpus/$target" "Fuzz/regressions/$target"; do
    [ -d "$folder" ] && seeds+=("$folder")
  done
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
    -artifact_prefix=".build-fuzz/finds/$target/")
  [ -f "Fuzz/dictionaries/$target.dict" ] && options+=(-dict="Fuzz/dictionaries/$target.dict")
  echo "==> fuzzing $target for ${seconds}s" >&2
  if ! "$fuzzer" "$target" "${options[@]}" ".build-fuzz/corpus/$target" "${seeds[@]}"; then
    found+=("$target")
  fi
done

if [ ${#found[@]} -gt 0 ]; then
  echo "==> finds in: ${found[*]} (inputs under .build-fuzz/finds/)" >&2
  exit 1
fi
echo "==> no finds" >&2
