#!/usr/bin/env bash
# Action units, gaze and head pose of `psyface analyze` against OpenFace 2.0.6 FeatureExtraction, frame by
# frame on the same clips: the dev videos with a face throughout and clips composed from them (mirrored,
# smaller and tilted, so that the comparison covers pose and size). Prints the tables of docs/action-units.md:
# each tool against OpenFace, and each tool against itself on the composed clips (transform-retest).
# Usage: OPENFACE_BIN=/path/to/FeatureExtraction bench/au_openface.sh [build dir]
#   (../shared/peers/openface/build.sh builds OpenFace; it runs from its binary's folder with the model/
#   files, -mloc model/main_clnf_general.txt -aus -gaze -pose -2Dfp; the 2-D landmarks give the jaw and lip
#   table). Needs ../shared, ffmpeg and Rscript.
#   KEEP=1 keeps the outputs in bench/out/au/ (they are reused when present: delete them after a change).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
: "${OPENFACE_BIN:?set OPENFACE_BIN to OpenFace 2.0.6 FeatureExtraction}"
V=$(realpath ../shared/data/videos)
OUT=$(realpath -m bench/out/au)
mkdir -p "$OUT/clips" "$OUT/psyface" "$OUT/openface"

compose() {  # $1 = source clip, $2 = filter, $3 = output name
  [[ -f "$OUT/clips/$3.mp4" ]] && return
  ffmpeg -v error -y -i "$V/$1" -vf "$2" -an -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p "$OUT/clips/$3.tmp.mp4"
  mv "$OUT/clips/$3.tmp.mp4" "$OUT/clips/$3.mp4"
}
for c in pyfeat_WolfgangLanger_Pexels.mp4 fer_woman2.mp4 openface_sample_2015-10-15-15-14.avi \
         sadtalker_result_art2_RD_Radio31.mp4 sadtalker_result_camera_RD_Radio31.mp4; do
  ln -sf "$V/$c" "$OUT/clips/$c"
done
# Mirrored (yaw and roll change sign; the expression does not).
compose pyfeat_WolfgangLanger_Pexels.mp4 "hflip" pyfeat_mirrored
# Half size, turned 12° counter-clockwise on a grey 640x360 canvas (the face ~60 px between the eyes).
compose fer_woman2.mp4 "scale=iw/2:-2,pad=640:360:(ow-iw)/2:(oh-ih)/2:color=gray,rotate=-12*PI/180:fillcolor=gray" fer_woman2_small_tilted
compose pyfeat_WolfgangLanger_Pexels.mp4 "rotate=15*PI/180:fillcolor=black" pyfeat_tilted

for clip in "$OUT"/clips/*; do
  stem=$(basename "${clip%.*}")
  [[ -f "$OUT/psyface/$stem.frames.csv" ]] || "$BUILD/psyface" analyze "$clip" -o "$OUT/psyface" --quiet >/dev/null
  [[ -f "$OUT/openface/$stem.csv" ]] || ( cd "$(dirname "$OPENFACE_BIN")" &&
    "$OPENFACE_BIN" -f "$(realpath "$clip")" -out_dir "$OUT/openface" -mloc model/main_clnf_general.txt \
      -aus -gaze -pose -2Dfp >"$OUT/openface/$stem.log" 2>&1 )
done
Rscript bench/au_openface.R "$OUT"
[[ -n "${KEEP:-}" ]] || rm -rf "$OUT"
