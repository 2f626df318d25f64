#!/usr/bin/env bash
# Installs, builds and runs every omsql test against throwaway sandbox servers.
# Usage: bash scripts/test.sh [meson test arguments, e.g. --suite unit]
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
# The plain summary line, from meson's own JSON log of this run.
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    result = json.loads(line)["result"]
    if result in ("OK", "EXPECTEDFAIL"): passed += 1
    elif result == "SKIP": skipped += 1
    else: failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
