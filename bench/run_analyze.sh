#!/usr/bin/env bash
# Runs bench_analyze on the OpenFace sample and on a synthetic two-person 1280x720 session (two dev clips
# side by side, looped to 30 min and to 1 min), every frame and at --fps 5. Needs ../shared and ffmpeg.
# Usage: bench/run_analyze.sh [build dir]   (results are printed; copy them into docs/benchmarks.md)
# With OPENFACE_BIN=/path/to/FeatureExtraction (OpenFace 2.0.6), OpenFace runs on the same sample in the
# same run (from the binary's folder, with its model/ files), between two psyface runs of the sample, and
# the fps and CPU-seconds ratios are printed. OPENFACE_ONLY=1 skips the psyface set (just that comparison).
# ENGINES="xnnpack opencv" (default: xnnpack) runs the set once per engine; TTA=1 adds --tta flip runs;
# QUICK=1 leaves out the 30-minute session.
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
[[ -n "${QUICK:-}" ]] || make_session 1800 "$OUT/session_30min.mp4"
echo "# $(date -u +%F) on $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
SAMPLE="$V/openface_sample_2015-10-15-15-14.avi"
fps_of() { sed -n 's/^end-to-end *\([0-9.]*\) frames\/s.*/\1/p' "$1"; }
for engine in ${ENGINES:-xnnpack}; do
  [[ -n "${OPENFACE_ONLY:-}" ]] && break
  SETS=("$SAMPLE" "$OUT/session_1min.mp4" "$OUT/session_1min.mp4 --fps 5")
  [[ -n "${QUICK:-}" ]] || SETS+=("$OUT/session_30min.mp4" "$OUT/session_30min.mp4 --fps 5")
  for args in "${SETS[@]}"; do
    for tta in none ${TTA:+flip}; do
      echo "## bench_analyze $args --engine $engine --tta $tta"
      # shellcheck disable=SC2086
      "$BUILD/bench_analyze" $args --engine "$engine" --tta "$tta" 2>/dev/null | tee "$OUT/last.txt"
    done
  done
done

# OpenFace on the sample, between two psyface runs of the same sample (xnnpack engine), so that both see
# the same machine load; wall-clock fps ratio and CPU-seconds ratio.
cpu_of() { sed -n 's/^end-to-end.*CPU \([0-9.]*\) s.*/\1/p' "$1"; }
if [[ -n "${OPENFACE_BIN:-}" ]]; then
  OF_OUT=$(mktemp -d)
  SAMPLE_ABS=$(realpath "$SAMPLE")
  "$BUILD/bench_analyze" "$SAMPLE" 2>/dev/null > "$OUT/before.txt"
  echo "## OpenFace 2.0.6: $OPENFACE_BIN -f $SAMPLE -mloc model/main_clnf_general.txt -aus -pose -gaze -2Dfp (load $(cut -d' ' -f1 /proc/loadavg))"
  ( cd "$(dirname "$OPENFACE_BIN")" &&
    /usr/bin/time -f "%e %U %S %M" -o "$OF_OUT/time.txt" "$OPENFACE_BIN" -f "$SAMPLE_ABS" -out_dir "$OF_OUT" \
      -mloc model/main_clnf_general.txt -aus -pose -gaze -2Dfp >"$OF_OUT/log.txt" 2>&1 )
  "$BUILD/bench_analyze" "$SAMPLE" 2>/dev/null > "$OUT/after.txt"
  read -r OF_WALL OF_USER OF_SYS OF_RSS_KB < "$OF_OUT/time.txt"
  OF_FRAMES=$(( $(wc -l < "$OF_OUT/$(basename "${SAMPLE%.*}").csv") - 1 ))
  OF_FPS=$(awk -v n="$OF_FRAMES" -v t="$OF_WALL" 'BEGIN { printf "%.1f", n / t }')
  OF_CPU=$(awk -v u="$OF_USER" -v s="$OF_SYS" 'BEGIN { printf "%.1f", u + s }')
  echo "OpenFace         $OF_FRAMES frames in $OF_WALL s wall: $OF_FPS frames/s, CPU $OF_CPU s, peak RSS $((OF_RSS_KB / 1024)) MB"
  PF=$(awk -v a="$(fps_of "$OUT/before.txt")" -v b="$(fps_of "$OUT/after.txt")" 'BEGIN { printf "%.1f", (a + b) / 2 }')
  PC=$(awk -v a="$(cpu_of "$OUT/before.txt")" -v b="$(cpu_of "$OUT/after.txt")" 'BEGIN { printf "%.1f", (a + b) / 2 }')
  echo "psyface          xnnpack, runs just before and after: $(fps_of "$OUT/before.txt") and $(fps_of "$OUT/after.txt") frames/s, CPU $(cpu_of "$OUT/before.txt") and $(cpu_of "$OUT/after.txt") s"
  echo "ratio            frames/s: psyface $PF / OpenFace $OF_FPS = $(awk -v a="$PF" -v b="$OF_FPS" 'BEGIN { printf "%.2f", a / b }')x;" \
       "CPU seconds: OpenFace $OF_CPU / psyface $PC = $(awk -v a="$OF_CPU" -v b="$PC" 'BEGIN { printf "%.2f", a / b }')x"
  rm -rf "$OF_OUT"
fi
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
