#!/usr/bin/env bash
# Runs bench_analyze on the OpenFace sample and on a synthetic two-person 1280x720 session (two dev clips
# side by side, looped to 30 min and to 1 min), every frame and at --fps 5. Needs ../shared and ffmpeg.
# Usage: bench/run_analyze.sh [build dir]   (results are printed; copy them into docs/benchmarks.md)
# With OPENFACE_BIN=/path/to/FeatureExtraction (OpenFace 2.0.6), OpenFace runs on the same sample in the
# same run (from the binary's folder, with its model/ files) and the fps ratio is printed.
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
  SETS=("$SAMPLE" "$OUT/session_1min.mp4" "$OUT/session_1min.mp4 --fps 5")
  [[ -n "${QUICK:-}" ]] || SETS+=("$OUT/session_30min.mp4" "$OUT/session_30min.mp4 --fps 5")
  for args in "${SETS[@]}"; do
    for tta in none ${TTA:+flip}; do
      echo "## bench_analyze $args --engine $engine --tta $tta"
      # shellcheck disable=SC2086
      "$BUILD/bench_analyze" $args --engine "$engine" --tta "$tta" 2>/dev/null | tee "$OUT/last.txt"
      if [[ "$args" == "$SAMPLE" && "$tta" == none ]]; then fps_of "$OUT/last.txt" > "$OUT/sample_fps_$engine.txt"; fi
    done
  done
done

if [[ -n "${OPENFACE_BIN:-}" ]]; then
  echo "## OpenFace 2.0.6: $OPENFACE_BIN -f $SAMPLE -mloc model/main_clnf_general.txt -aus -pose -gaze -2Dfp"
  OF_OUT=$(mktemp -d)
  SAMPLE_ABS=$(realpath "$SAMPLE")
  ( cd "$(dirname "$OPENFACE_BIN")" &&
    /usr/bin/time -f "%e %M" -o "$OF_OUT/time.txt" "$OPENFACE_BIN" -f "$SAMPLE_ABS" -out_dir "$OF_OUT" \
      -mloc model/main_clnf_general.txt -aus -pose -gaze -2Dfp >"$OF_OUT/log.txt" 2>&1 )
  read -r OF_WALL OF_RSS_KB < "$OF_OUT/time.txt"
  OF_FRAMES=$(( $(wc -l < "$OF_OUT/$(basename "${SAMPLE%.*}").csv") - 1 ))
  OF_FPS=$(awk -v n="$OF_FRAMES" -v t="$OF_WALL" 'BEGIN { printf "%.1f", n / t }')
  echo "OpenFace         $OF_FRAMES frames in $OF_WALL s wall: $OF_FPS frames/s, peak RSS $((OF_RSS_KB / 1024)) MB"
  for engine in ${ENGINES:-xnnpack}; do
    PF=$(cat "$OUT/sample_fps_$engine.txt")
    echo "ratio            psyface ($engine) $PF frames/s / OpenFace $OF_FPS frames/s = $(awk -v a="$PF" -v b="$OF_FPS" 'BEGIN { printf "%.2f", a / b }')x"
  done
  rm -rf "$OF_OUT"
fi
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
