#!/usr/bin/env bash
# Installs, builds and runs every omsql test against throwaway sandbox servers, then the server-less
# suite again under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/test-sanitizers.sh).
# Usage: bash scripts/test.sh [meson test arguments, e.g. --suite unit]; with arguments the sanitizer
# pass is not run (it says so), since the arguments select tests of the release build.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1
bash scripts/build.sh || exit 1

sandbox=$(mktemp -d /tmp/omsql-test-XXXXXX)
trap 'bash scripts/sandbox.sh stop "$sandbox"' EXIT
bash scripts/sandbox.sh start "$sandbox" || exit 1
# shellcheck disable=SC1091
. "$sandbox/env"
# The binlog stream test may restart the source server: it runs alone (is_parallel: false).
export OMSQL_TEST_RESTART_SOURCE=1

meson test -C build --print-errorlogs --num-processes 2 --timeout-multiplier 3 "$@"
status=$?
logs=(build/meson-logs/testlog.json)
if [ $# -eq 0 ]; then
  bash scripts/test-sanitizers.sh || status=1
  logs+=(build-asan/meson-logs/testlog.json)
else
  echo "test.sh: sanitizer pass not run (test arguments given); run bash scripts/test-sanitizers.sh"
fi
# The plain summary line over both builds, from meson's own JSON logs of this run. A missing log
# (the sanitizer build failed before any test ran) counts as one failure.
python3 - "${logs[@]}" <<'PY'
import json, os, sys
passed = failed = skipped = 0
for log in sys.argv[1:]:
    if not os.path.exists(log):
        print(f"{log}: missing (build failed?)")
        failed += 1
        continue
    for line in open(log):
        result = json.loads(line)["result"]
        if result in ("OK", "EXPECTEDFAIL"): passed += 1
        elif result == "SKIP": skipped += 1
        else: failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
