# Shared helpers for the end-to-end tests: each test runs the real omsrun against the sandbox
# servers started by scripts/test.sh (OMSQL_SRC_PORT / OMSQL_TGT_PORT).
set -euo pipefail
: "${OMSQL_SRC_PORT:?run the tests through scripts/test.sh, which starts the sandboxes}"
: "${OMSQL_TGT_PORT:?run the tests through scripts/test.sh, which starts the sandboxes}"
OMSRUN=${OMSRUN:?path to omsrun}
SOURCE_ROOT=${OMSQL_SOURCE_ROOT:?}
WORK=$(mktemp -d /tmp/omsql-e2e-XXXXXX)
# The work folder (logs, task directory) is kept when a test fails, for the post-mortem.
# E2E_CLEANUP (shell code) runs first: e.g. a test that stopped a server starts it again.
trap 'code=$?; eval "${E2E_CLEANUP:-}" || true; if [ $code = 0 ]; then rm -rf "$WORK"; else echo "kept $WORK for inspection" >&2; fi' EXIT

src_sql() { mariadb --default-character-set=utf8mb4 -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" "$@"; }
tgt_sql() { mariadb --default-character-set=utf8mb4 -h127.0.0.1 -uroot -P"$OMSQL_TGT_PORT" "$@"; }
compare() { python3 "$SOURCE_ROOT/scripts/compare_tables.py" --source-port "$OMSQL_SRC_PORT" --target-port "$OMSQL_TGT_PORT" "$@"; }
fail() {
  echo "FAIL: $*" >&2
  for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- tail of $log" >&2; tail -15 "$log" >&2; }; done
  exit 1
}
# Which of the given databases exist, and the row count and CHECKSUM TABLE of each of their tables:
# taken before and after a refused command, the two must be equal (nothing was written).
fingerprint() { # src_sql|tgt_sql db...
  local sql=$1 db t; shift
  for db in "$@"; do
    echo "database $db: $($sql -N -e "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$db'")"
    for t in $($sql -N -e "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' ORDER BY 1"); do
      echo "$db.$t rows $($sql -N -e "SELECT COUNT(*) FROM \`$db\`.\`$t\`") checksum $($sql -N -e "CHECKSUM TABLE \`$db\`.\`$t\`" | cut -f2)"
    done
  done
}
# Runs a command that must be refused: sets $out (stdout and stderr) and fails unless it exits `want`.
expect_refusal() { # want command...
  local want=$1 code; shift
  set +e
  out=$("$@" 2>&1); code=$?
  set -e
  [ "$code" = "$want" ] || fail "exit $code, want $want, from $*: $out"
}
# Stops, starts or restarts one shared sandbox server (scripts/sandbox.sh stop-target, ...). Tests
# that use it restart a server every other test uses: register them `is_parallel : false`.
sandbox() {
  : "${OMSQL_SANDBOX_DIR:?this test stops and starts a sandbox server: run it through scripts/test.sh (or source the sandbox env)}"
  bash "$SOURCE_ROOT/scripts/sandbox.sh" "$1" "$OMSQL_SANDBOX_DIR"
}
# Milliseconds since the epoch, for "answers within a second" checks.
now_ms() { date +%s%3N; }
# The servers' own checksums of a table on both sides: equal or fail.
same_checksum() { # source_table target_table
  local s t
  s=$(src_sql -N -e "CHECKSUM TABLE $1 EXTENDED" | awk '{print $2}')
  t=$(tgt_sql -N -e "CHECKSUM TABLE $2 EXTENDED" | awk '{print $2}')
  [ -n "$s" ] && [ "$s" = "$t" ]
}

# --- the live link, for the tests that drive it (run_args: the omsrun arguments; $WORK/task the
# task directory); a test may define its own versions after sourcing this file ---
status_field() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null |
                   python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))" 2>/dev/null || echo none; }
start_link() { # runs the task in the background until its link has caught up; sets $pid
  "$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(status_field caught_up)" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the task ended before its link caught up"
    sleep 0.1
  done
  fail "the link never caught up"
}
# Waits until capture has stored everything the source has written so far (replay may be paused).
wait_stored() {
  local want; want=$(src_sql -N -e "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
  for _ in $(seq 1 100); do
    python3 - "$want" "$(status_field source_position)" <<'PY' && return 0
import sys
def key(p):
    f, _, o = p.partition(':'); return (f, int(o.split()[0] if o else 0))
try: sys.exit(0 if key(sys.argv[2]) >= key(sys.argv[1]) else 1)
except Exception: sys.exit(1)
PY
    sleep 0.1
  done
  fail "capture did not reach $want"
}
