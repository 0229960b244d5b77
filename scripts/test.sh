#!/usr/bin/env bash
# Runs every test: makes sure the set-up is complete (packages, build, models), then CTest.
# Tests that read ../shared skip cleanly when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-sample
ctest --preset release -j"$(nproc)" "$@"
