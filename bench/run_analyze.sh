#!/usr/bin/env bash
# Runs bench_analyze on the OpenFace sample and on a synthetic two-person 1280x720 session (two dev clips
# side by side, looped to 30 min and to 1 min), every frame and at --fps 5. Needs ../shared and ffmpeg.
# Usage: bench/run_analyze.sh [build dir]   (results are printed; copy them into docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
V=../shared/data/videos
OUT=bench/out
mkdir -p "$OUT"
make_session() {  # $1 = seconds, $2 = output
  [[ -f "$2" ]] && return
  ffmpeg -v error -y -stream_loop -1 -i "$V/fer_woman2.mp4" -stream_loop -1 -i "$V/pyfeat_WolfgangLanger_Pexels.mp4" \
    -filter_complex "[0:v]scale=640:720:force_original_aspect_ratio=decrease,pad=640:720:(ow-iw)/2:(oh-ih)/2,fps=30[a];[1:v]scale=640:720:force_original_aspect_ratio=decrease,pad=640:720:(ow-iw)/2:(oh-ih)/2,fps=30[b];[a][b]hstack=inputs=2" \
    -t "$1" -an -c:v libx264 -preset veryfast -crf 26 -pix_fmt yuv420p "$2.tmp.mp4"
  mv "$2.tmp.mp4" "$2"
}
make_session 60 "$OUT/session_1min.mp4"
make_session 1800 "$OUT/session_30min.mp4"
echo "# $(date -u +%F) on $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for args in "$V/openface_sample_2015-10-15-15-14.avi" \
            "$OUT/session_1min.mp4" "$OUT/session_30min.mp4" \
            "$OUT/session_1min.mp4 --fps 5" "$OUT/session_30min.mp4 --fps 5"; do
  echo "## bench_analyze $args"
  # shellcheck disable=SC2086
  "$BUILD/bench_analyze" $args 2>/dev/null
done
