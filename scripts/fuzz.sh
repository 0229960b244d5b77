#!/usr/bin/env bash
# Runs the libFuzzer harnesses of fuzz/ (docs/fuzzing.md), building build/fuzz with clang first when needed.
#   scripts/fuzz.sh --list                 the targets
#   scripts/fuzz.sh TARGET [SECONDS]       one target (default 60 s)
#   scripts/fuzz.sh all [SECONDS]          every target in turn (default 20 s each), then a summary line
#   --cpu (before the target)              SECONDS is CPU time, not wall time (campaigns on a busy machine)
# Each run starts from fuzz/corpus/TARGET copied into a work folder outside the sources
# ($PSYFACE_FUZZ_WORK, default build/fuzz/work/TARGET; new inputs and crash files stay there).
# PSYFACE_FUZZ_NO_BUILD=1 uses the harness as built (for campaigns started while other targets build).
# Prints "fuzz: TARGET cpu_sec=… execs=… findings=…" per target; exits 1 on any finding (crash, sanitizer
# report, leak, hang over 10 s, out-of-memory, an exception other than psyface::Error escaping a reader).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build/fuzz
WORK=${PSYFACE_FUZZ_WORK:-$BUILD/work}
CPU_MODE=0

targets() { ls fuzz/fuzz_*.cpp | sed 's|fuzz/fuzz_||; s|\.cpp$||'; }

build() {
  [[ -n ${PSYFACE_FUZZ_NO_BUILD:-} ]] && return 0  # campaigns started beside a build of other targets
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    CXX=clang++-14 cmake -S . -B "$BUILD" -G Ninja -DPSYFACE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" "${launcher[@]}" >/dev/null
  fi
  local t0=$SECONDS
  cmake --build "$BUILD" -j"$(nproc)" --target "${@/#/fuzz_}"
  echo "fuzz: build took $((SECONDS - t0)) s" >&2
}

# run TARGET SECONDS: one campaign; prints the figures line, returns 1 on a finding.
run() {
  local target=$1 seconds=$2 dir=$WORK/$1
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp"
  cp fuzz/corpus/"$target"/* "$dir/corpus/"
  local args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1
              -artifact_prefix="$dir/artifacts/" "$dir/corpus")
  local wall=$seconds
  ((CPU_MODE)) && wall=$((seconds * 20))
  TMPDIR=$dir/tmp "$BUILD/fuzz/fuzz_$target" -max_total_time="$wall" "${args[@]}" >"$dir/log" 2>&1 &
  local pid=$! ticks cpu_ticks=0 hz
  hz=$(getconf CLK_TCK)
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || break
    cpu_ticks=$ticks
    if ((CPU_MODE && cpu_ticks >= seconds * hz)); then kill -INT "$pid"; fi
  done
  local rc=0
  wait "$pid" || rc=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  [[ -n $execs ]] || execs=$(grep -o '^#[0-9]*' "$dir/log" | tail -1 | tr -d '#')
  local findings=0
  # 72: libFuzzer's exit after our SIGINT in --cpu mode
  if [[ $rc -ne 0 && ! ($CPU_MODE -eq 1 && $rc -eq 72) ]]; then findings=1; fi
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|psyface fuzz: ' "$dir/log"; then
    findings=1
  fi
  local cpu_sec
  cpu_sec=$(awk -v t="$cpu_ticks" -v hz="$hz" 'BEGIN { printf "%.0f", t / hz }')
  echo "fuzz: $target cpu_sec=$cpu_sec execs=${execs:-0} findings=$findings corpus=$(ls "$dir/corpus" | wc -l) log=$dir/log"
  if ((findings)); then
    grep -E -m5 -A12 'ERROR:|runtime error:|psyface fuzz: |uncaught exception' "$dir/log" >&2 || tail -20 "$dir/log" >&2
    ls "$dir/artifacts" >&2
    return 1
  fi
}

if [[ ${1:-} == --cpu ]]; then CPU_MODE=1; shift; fi
case ${1:-} in
  --list) targets ;;
  "" | -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  all)
    mapfile -t ALL < <(targets)
    build "${ALL[@]}"
    failed=0 t0=$SECONDS
    for t in "${ALL[@]}"; do run "$t" "${2:-20}" || failed=$((failed + 1)); done
    echo "fuzz: ${#ALL[@]} targets in $((SECONDS - t0)) s: $((${#ALL[@]} - failed)) clean, $failed with findings"
    ((failed == 0)) ;;
  *)
    targets | grep -qx "$1" || { echo "fuzz.sh: unknown target '$1' (see --list)" >&2; exit 2; }
    build "$1"
    run "$1" "${2:-60}" ;;
esac
