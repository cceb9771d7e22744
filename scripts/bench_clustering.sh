#!/usr/bin/env bash
# Prints the people-quality figures: BCubed precision/recall/F1 of Visage's incremental
# clustering (faces posted over HTTP in random order), of `recluster`, and of Immich's algorithm
# on the same embeddings, all against testdata/faces_identity's manifest, measured in one run.
# Usage: scripts/bench_clustering.sh   (after scripts/setup.sh --debug, or scripts/test.sh once)
set -euo pipefail
cd "$(dirname "$0")/.."
export VISAGE_MODEL_MIRROR="${VISAGE_MODEL_MIRROR:-$(cd .. && pwd)/shared/models}"
export VISAGE_MODEL_DIR="${VISAGE_MODEL_DIR:-$PWD/.build/test-models}"
swift build --build-tests >/dev/null
swift test --skip-build --filter 'RecognitionClusteringTests|ClusteringTests/densityClusteringBeatsImmichBaseline' 2>&1 \
  | grep -E '^(people from|clustering faces_identity)' | sed 's/; /\n    /g'
