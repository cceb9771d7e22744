#!/usr/bin/env bash
# Prints the people-quality figures (docs/CLUSTERING.md):
#   1. the people benchmark (`visage bench-people`, release build): faces_identity's photos clean
#      and degraded, with strangers, BCubed of Visage as answered and after recluster against
#      Immich's algorithm on the same embeddings; seeds 1 and 2;
#   2. faces_identity through HTTP and the density clustering against Immich (from the tests).
# Usage: scripts/bench_clustering.sh   (after scripts/setup.sh, or scripts/test.sh once)
set -euo pipefail
cd "$(dirname "$0")/.."
export VISAGE_MODEL_MIRROR="${VISAGE_MODEL_MIRROR:-$(cd .. && pwd)/shared/models}"
export VISAGE_MODEL_DIR="${VISAGE_MODEL_DIR:-$PWD/.build/test-models}"
swift build -c release --product visage >/dev/null
.build/release/visage models fetch >/dev/null
for seed in 1 2; do
  .build/release/visage bench-people --seed "$seed" --out ".build/people-bench-$seed"
done
swift build --build-tests >/dev/null
swift test --skip-build --filter 'RecognitionClusteringTests|ClusteringTests/densityClusteringBeatsImmichBaseline' 2>&1 \
  | grep -E '^(people from|clustering faces_identity)' | sed 's/; /\n    /g'
