#!/usr/bin/env bash
# Runs bench_analyze on the OpenFace sample and on a synthetic two-person 1280x720 session (two dev clips
# side by side, looped to 30 min and to 1 min), every frame and at --fps 5. Needs ../shared and ffmpeg.
# Usage: bench/run_analyze.sh [build dir]   (results are printed; copy them into docs/benchmarks.md)
# With OPENFACE_BIN=/path/to/FeatureExtraction (OpenFace 2.0.6), OpenFace runs on the same sample in the
# same run (from the binary's folder, with its model/ files), alternating with `psyface analyze` on it, both
# timed as whole processes, and the fps and CPU-seconds ratios are printed. OPENFACE_ONLY=1 skips the
# bench_analyze set (just that comparison).
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

# OpenFace on the sample, between psyface runs of the same sample (xnnpack engine), so that both see the
# same machine load. Both are timed as whole processes with /usr/bin/time (start-up, model loading and
# writing their CSV files included): wall-clock frames/s ratio and CPU-seconds ratio. ROUNDS=N (default 2)
# repeats the psyface / OpenFace / psyface triple; the medians are reported.
if [[ -n "${OPENFACE_BIN:-}" ]]; then
  OF_OUT=$(mktemp -d)
  PF_OUT=$(mktemp -d)
  SAMPLE_ABS=$(realpath "$SAMPLE")
  FRAMES=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$SAMPLE_ABS")
  run_psyface() {  # appends "wall cpu" to $PF_OUT/runs
    /usr/bin/time -f "%e %U %S %M" -o "$PF_OUT/time.txt" "$BUILD/psyface" analyze "$SAMPLE_ABS" -o "$PF_OUT" --quiet >/dev/null
    read -r w u s m < "$PF_OUT/time.txt"
    echo "$w $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') $m" >> "$PF_OUT/runs"
  }
  run_openface() {
    ( cd "$(dirname "$OPENFACE_BIN")" &&
      /usr/bin/time -f "%e %U %S %M" -o "$OF_OUT/time.txt" "$OPENFACE_BIN" -f "$SAMPLE_ABS" -out_dir "$OF_OUT" \
        -mloc model/main_clnf_general.txt -aus -pose -gaze -2Dfp >"$OF_OUT/log.txt" 2>&1 )
    read -r w u s m < "$OF_OUT/time.txt"
    echo "$w $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') $m" >> "$OF_OUT/runs"
  }
  echo "## OpenFace 2.0.6: $OPENFACE_BIN -f $SAMPLE -mloc model/main_clnf_general.txt -aus -pose -gaze -2Dfp"
  echo "## psyface: $BUILD/psyface analyze $SAMPLE -o DIR --quiet (defaults: every frame, ensemble, persons, roles)"
  run_psyface
  for _ in $(seq 1 "${ROUNDS:-2}"); do run_openface; run_psyface; done
  OF_FRAMES=$(( $(wc -l < "$OF_OUT/$(basename "${SAMPLE%.*}").csv") - 1 ))
  PF_ROWS=$(( $(wc -l < "$PF_OUT/$(basename "${SAMPLE%.*}").frames.csv") - 1 ))
  median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  OF_WALL=$(cut -d' ' -f1 "$OF_OUT/runs" | median); OF_CPU=$(cut -d' ' -f2 "$OF_OUT/runs" | median)
  PF_WALL=$(cut -d' ' -f1 "$PF_OUT/runs" | median); PF_CPU=$(cut -d' ' -f2 "$PF_OUT/runs" | median)
  echo "OpenFace runs   (wall s, CPU s, peak KB): $(tr '\n' ';' < "$OF_OUT/runs")"
  echo "psyface runs    (wall s, CPU s, peak KB): $(tr '\n' ';' < "$PF_OUT/runs")"
  OF_FPS=$(awk -v n="$OF_FRAMES" -v t="$OF_WALL" 'BEGIN { printf "%.1f", n / t }')
  PF_FPS=$(awk -v n="$FRAMES" -v t="$PF_WALL" 'BEGIN { printf "%.1f", n / t }')
  echo "OpenFace         $OF_FRAMES frames, median wall $OF_WALL s: $OF_FPS frames/s, CPU $OF_CPU s"
  echo "psyface          $FRAMES frames ($PF_ROWS rows), median wall $PF_WALL s: $PF_FPS frames/s, CPU $PF_CPU s"
  echo "ratio            frames/s: psyface $PF_FPS / OpenFace $OF_FPS = $(awk -v a="$PF_FPS" -v b="$OF_FPS" 'BEGIN { printf "%.2f", a / b }')x;" \
       "CPU seconds: OpenFace $OF_CPU / psyface $PF_CPU = $(awk -v a="$OF_CPU" -v b="$PF_CPU" 'BEGIN { printf "%.2f", a / b }')x"
  rm -rf "$OF_OUT" "$PF_OUT"
fi
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
