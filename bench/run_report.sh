#!/bin/sh
# Size and load time of the study report (index and a session page) for a 10-session and a 400-session
# synthetic study
# (docs/report.md, docs/benchmarks.md). Usage: bench/run_report.sh [BUILD_DIR]   (from the source folder)
set -e
build=${1:-build/release}
tmp=$(mktemp -d)
for n in 10 400; do
  echo "== $n sessions"
  per_patient=$([ "$n" -le 10 ] && echo 2 || echo 10)  # 5 patients x 2 sessions; 40 patients x 10 sessions
  "$build/bench_report_study" --sessions "$n" --sessions-per-patient "$per_patient" --out "$tmp/study$n"
  node bench/report_load.mjs "$tmp/study$n/report/index.html" --runs 5
  node bench/report_load.mjs "$tmp/study$n/report/sessions/S1.html" --runs 5  # a 50-min session page
done
rm -rf "$tmp"
