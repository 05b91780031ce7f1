#!/usr/bin/env bash
# Builds and runs every test:
#   1. the release build (RelWithDebInfo) and its unit tests;
#   2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan);
#   3. each libFuzzer target for a bounded time (build-fuzz, clang);
#   4. cross-build determinism: the demo trace is byte-identical in Release, Debug and ASan builds.
# Prints a closing "N passed, N failed" line and exits non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
fuzz_seconds=${WS2SIM_FUZZ_SECONDS:-30}
jobs=${WS2SIM_TEST_JOBS:-2}

passed=0
failed=0
failures=()
step() {  # step NAME COMMAND...
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "=== $name: ok in $((SECONDS - start)) s"
  else
    failed=$((failed + 1)); failures+=("$name")
    echo "=== FAILED: $name (after $((SECONDS - start)) s)"
  fi
}

"$here/tools/setup.sh" || { echo "setup failed"; exit 1; }

step "build (release)" tools/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
step "unit tests (release)" ctest --test-dir build -j"$jobs" --output-on-failure --timeout 600

# -O1 and line tables only: the sanitizer build is the longest step of CI, and its reports still
# name files and lines.
step "build (asan+ubsan)" tools/build.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DWS2SIM_SANITIZE=ON -DWS2SIM_BENCH=OFF
step "unit tests (asan+ubsan)" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j"$jobs" --output-on-failure --timeout 900

step "build (debug, ws2sim only)" tools/build.sh build-debug --target ws2sim -DCMAKE_BUILD_TYPE=Debug -DWS2SIM_BENCH=OFF
step "build (fuzz, clang)" env CC=clang CXX=clang++ tools/build.sh build-fuzz \
  --target trace_reader_fuzz --target scenario_loader_fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWS2SIM_FUZZ=ON

run_fuzzers() {
  local ok=0 target name corpus
  for target in build-fuzz/tests/fuzz/*_fuzz; do
    [ -x "$target" ] || continue
    name=$(basename "$target")
    corpus="build-fuzz/corpus/$name"
    mkdir -p "$corpus"
    [ -d "tests/fuzz/corpus/$name" ] && cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
    echo "--- $name for ${fuzz_seconds}s"
    if ! "$target" -max_total_time="$fuzz_seconds" -print_final_stats=0 -timeout=10 -rss_limit_mb=2048 \
         "$corpus" > "build-fuzz/$name.log" 2>&1; then
      tail -40 "build-fuzz/$name.log"; ok=1
    else
      tail -1 "build-fuzz/$name.log"
    fi
  done
  return $ok
}
step "fuzz targets" run_fuzzers

# The same run must write the same trace bytes in every build: the engine demo and the lossy
# echo scenario (guests, DLL, provider, network) with a random schedule.
cross_build_determinism() {
  local seed=7 b job sum
  local -A ref=()
  for b in build build-debug build-asan; do
    "$b/scenarios/ws2sim" demo --seed=$seed --trace="$b/demo.w2t" --quiet > /dev/null || return 1
    "$b/scenarios/ws2sim" run scenarios/examples/echo_lossy.textproto --seed=$seed \
      --strategy=random --trace="$b/echo.w2t" --quiet > /dev/null || return 1
    for job in demo echo; do
      sum=$(sha256sum "$b/$job.w2t" | cut -d' ' -f1)
      echo "$b $job: $sum"
      if [ -z "${ref[$job]:-}" ]; then ref[$job]=$sum; elif [ "$sum" != "${ref[$job]}" ]; then
        echo "the $job trace of $b differs from build's (seed $seed): compare with"
        echo "  ws2sim trace dump build/$job.w2t > a; ws2sim trace dump $b/$job.w2t > b; diff a b"
        return 1
      fi
    done
  done
}
step "cross-build determinism" cross_build_determinism

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "failed: $f"; done
echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
