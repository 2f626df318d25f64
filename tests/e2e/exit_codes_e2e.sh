#!/usr/bin/env bash
# Exit codes that scripts can rely on: SIGINT / SIGTERM during an unfinished copy exit 130 / 143
# (so `omsrun x && cutover` cannot go on after half a copy) and the task resumes to an equal
# target; usage errors exit 2; --help and --version exit 0.
source "$(dirname "$0")/lib.sh"

# Usage errors.
expect_code() {
  local want=$1; shift
  set +e; "$OMSRUN" "$@" >"$WORK/usage.out" 2>&1; local got=$?; set -e
  [ "$got" = "$want" ] || fail "omsrun $* exited $got, expected $want: $(cat "$WORK/usage.out")"
}
expect_code 2 --no-such-option
expect_code 2 status
expect_code 2 run
expect_code 2 pause --task
expect_code 2 run "$WORK/x.omsql" --until never
expect_code 2 check a.omsql b.omsql
expect_code 2 verify
expect_code 0 --help
expect_code 0 --version

db=e2e_exit
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, v VARCHAR(40))"
src_sql $db -e "INSERT INTO t SELECT seq, MD5(seq) FROM seq_1_to_200000"
pid=
eval "lib_$(declare -f fail)"
fail() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; lib_fail "$@"; }
# interrupted SIGNAL WANT: a copy (no live link: it would end by itself with exit 0) paused through
# the control endpoint so the signal surely lands before the copy is done.
interrupted() {
  local signal=$1 want=$2 target=${db}_$1
  tgt_sql -e "DROP DATABASE IF EXISTS $target"
  cat > "$WORK/$signal.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO $target.* WITH (parallel = 1, chunk_rows = 500);
EOF2
  "$OMSRUN" "$WORK/$signal.omsql" --mode schema,full --task-dir "$WORK/task-$signal" >"$WORK/$signal.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do [ -f "$WORK/task-$signal/control.json" ] && break; sleep 0.02; done
  "$OMSRUN" pause --task "$WORK/task-$signal" >/dev/null || fail "$signal: pause"
  local copied
  copied=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['tables']['$db.t']['copy_done'])" \
    "$WORK/task-$signal/state.json" 2>/dev/null || echo False)
  [ "$copied" = False ] || fail "$signal: the copy finished before the pause (table too small for this machine)"
  kill -"$signal" "$pid"
  set +e; wait "$pid"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "$signal during the copy: exit $got, expected $want"
  grep -q "not finished" "$WORK/$signal.log" || fail "$signal: no message that the task is not finished"
  # Resumable: the same command finishes the copy, exit 0, and the target equals the source.
  "$OMSRUN" "$WORK/$signal.omsql" --mode schema,full --task-dir "$WORK/task-$signal" >>"$WORK/$signal.log" 2>&1 \
    || fail "$signal: the resumed run failed"
  grep -q "resuming task" "$WORK/$signal.log" || fail "$signal: the second run did not resume"
  compare --pair $db.t=$target.t || fail "$signal: target differs after the resumed copy"
}
interrupted INT 130
interrupted TERM 143
echo "exit_codes_e2e: ok"
