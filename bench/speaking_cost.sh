#!/usr/bin/env bash
# Issue 17's cost: `psyface analyze --fps 5` with and without --no-audio, alternating, on a 3-min 1280x720
# two-face video with AAC speech (the two SadTalker clips side by side, looped; the CG face's audio, stereo
# 48 kHz). Prints one line per run: load average before it, wall/user/sys seconds, the sidecar-reported
# "audio and VAD" seconds. Needs ../shared and ffmpeg. Usage: bench/speaking_cost.sh [build dir] [pairs]
set -euo pipefail
cd "$(dirname "$0")/.."
P=${1:-build/release}/psyface
PAIRS=${2:-5}
V=../shared/data/videos
OUT=bench/out/speaking_cost
mkdir -p "$OUT"
VIDEO="$OUT/talking_3min.mp4"
[[ -f "$VIDEO" ]] || ffmpeg -v error -y -stream_loop -1 -i "$V/sadtalker_result_camera_RD_Radio31.mp4" \
  -stream_loop -1 -i "$V/sadtalker_result_art2_RD_Radio31.mp4" \
  -filter_complex "[0:v]scale=640:640,pad=640:720:0:40,fps=30[a];[1:v]scale=640:640,pad=640:720:0:40,fps=30[b];[a][b]hstack=inputs=2[v]" \
  -map "[v]" -map 0:a -t 180 -c:v libx264 -preset veryfast -crf 26 -pix_fmt yuv420p -c:a aac -ar 48000 -ac 2 -b:a 96k "$VIDEO"
echo "# $(date -u +%F\ %T) on $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p')"
for i in $(seq "$PAIRS"); do
  for mode in audio noaudio; do
    extra=""; [[ $mode == noaudio ]] && extra="--no-audio"
    rm -rf "$OUT/out_$mode"
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" "$P" analyze "$VIDEO" --fps 5 --out "$OUT/out_$mode" --quiet $extra \
      2> "$OUT/err_$mode.txt" > /dev/null
    av=$(sed -n 's/.*audio and VAD \([0-9.]*\) s/\1/p' "$OUT/err_$mode.txt")
    echo "pair $i $mode load $load wall_user_sys $(cat "$OUT/time.txt") audio_vad_s ${av:-0}"
  done
done
