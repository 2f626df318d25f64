#!/usr/bin/env bash
# Builds and runs the server-less tests (meson suite `unit`) under AddressSanitizer and
# UndefinedBehaviorSanitizer in ./build-asan. Any finding fails its test (halt_on_error).
# Usage: bash scripts/test-sanitizers.sh [meson test arguments]   (scripts/test.sh calls it)
set -uo pipefail
cd "$(dirname "$0")/.."
# -O1 -g1: ASan's recommended optimisation, and line tables so findings come with file:line; it
# compiles 2.6x faster than -O2 -g (measured on actors/replayer.cpp, docs/architecture.md
# "Sanitizers"), which is most of this pass's cost. b_lundef=false because the sanitizer runtimes
# resolve their symbols at load time. Benchmarks are not built here.
[ -f build-asan/build.ninja ] || meson setup build-asan --buildtype=plain \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbenchmarks=disabled \
  "-Dcpp_args=-O1 -g1 -fno-omit-frame-pointer" >/dev/null || exit 1
rm -f build-asan/meson-logs/testlog.json
# Regenerates build.ninja and the introspection files if a meson.build changed since.
ninja -C build-asan build.ninja >/dev/null || exit 1
# Only the executables of the `unit` tests (and what they link): no omsrun, no server tests, no
# actors; the sanitizer build is the slow part of CI. OMSQL_SANITIZE_JOBS: ninja -j (default 2).
mapfile -t targets < <(python3 - build-asan <<'PY'
import json, os, sys
wd = sys.argv[1]
info = os.path.join(wd, 'meson-info')
files = {t['id']: t['filename'] for t in json.load(open(os.path.join(info, 'intro-targets.json')))}
for test in json.load(open(os.path.join(info, 'intro-tests.json'))):
    if any(s.endswith(':unit') for s in test['suite']):
        for dep in test['depends']:
            for f in files[dep]:
                print(os.path.relpath(f, wd))
PY
)
[ ${#targets[@]} -gt 0 ] || { echo "test-sanitizers.sh: no unit tests found in build-asan"; exit 1; }
ninja -C build-asan -j "${OMSQL_SANITIZE_JOBS:-2}" "${targets[@]}" || exit 1
export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
meson test -C build-asan --no-rebuild --print-errorlogs --num-processes 2 --timeout-multiplier 3 \
  --suite unit "$@"
