#!/usr/bin/env bash
# Runs every test: makes sure the set-up is complete (packages, build, models), then CTest, then every
# fuzz target for 20 s (scripts/fuzz.sh, docs/fuzzing.md; set PSYFACE_FUZZ_SECONDS=0 to skip). A fuzz
# finding fails the run like a failed test.
# Tests that read ../shared skip cleanly when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-sample
FUZZ_SECONDS=${PSYFACE_FUZZ_SECONDS:-20}
fuzz_status=0
if ((FUZZ_SECONDS > 0)); then
  scripts/fuzz.sh all "$FUZZ_SECONDS" || fuzz_status=$?
fi
ctest --preset release -j"$(nproc)" "$@"
if ((fuzz_status)); then
  echo "test.sh: a fuzz target found a problem (see the fuzz lines above)" >&2
  exit 1
fi
