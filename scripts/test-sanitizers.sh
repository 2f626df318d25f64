#!/usr/bin/env bash
# Builds and runs the server-less tests (meson suite `unit`) under AddressSanitizer and
# UndefinedBehaviorSanitizer in ./build-asan. Any finding fails its test (halt_on_error).
# Usage: bash scripts/test-sanitizers.sh [meson test arguments]   (scripts/test.sh calls it)
set -uo pipefail
cd "$(dirname "$0")/.."
# debugoptimized: -O2 -g, so findings come with file:line; b_lundef=false because the sanitizer
# runtimes resolve their symbols at load time. Benchmarks are not built here.
[ -f build-asan/build.ninja ] || meson setup build-asan --buildtype=debugoptimized \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbenchmarks=disabled \
  -Dcpp_args=-fno-omit-frame-pointer >/dev/null || exit 1
# No suppressions: every finding so far was a real defect and was fixed in the code.
export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
rm -f build-asan/meson-logs/testlog.json
# `meson test` builds only the targets the selected tests need (no omsrun, no benchmarks).
meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3 --suite unit "$@"
