#!/usr/bin/env bash
# The control endpoint of a running task: pause holds the apply while the source changes (and
# status says so), resume applies the backlog, verify runs while the link is live and reports
# clean (waiting for the report, or started with --no-wait), stop ends the task with exit 0.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_ctl; CREATE DATABASE e2e_ctl; CREATE TABLE e2e_ctl.t (id INT PRIMARY KEY, v INT)"
src_sql e2e_ctl -e "INSERT INTO t SELECT seq, seq FROM seq_1_to_1000"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_ctl_t"
cat > "$WORK/ctl.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_ctl.* MAP e2e_ctl.* TO e2e_ctl_t.*;
EOF2
"$OMSRUN" "$WORK/ctl.omsql" --task-dir "$WORK/task" >"$WORK/run.log" 2>&1 &
pid=$!
target_sum() { tgt_sql -N -e "SELECT IFNULL(SUM(v), 0) FROM e2e_ctl_t.t" 2>/dev/null || echo none; }
wait_for() { for _ in $(seq 1 200); do [ "$(eval "$1")" = "$2" ] && return 0; sleep 0.1; done; return 1; }
wait_for target_sum 500500 || fail "copy did not land"
wait_for "\"$OMSRUN\" status --task \"$WORK/task\" --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get(\"caught_up\"))'" True \
  || fail "link never caught up"

"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "pause"
src_sql -e "UPDATE e2e_ctl.t SET v = v + 1 WHERE id <= 100"
sleep 2
[ "$(target_sum)" = 500500 ] || fail "changes applied while paused"
"$OMSRUN" status --task "$WORK/task" | grep -q "(paused)" || fail "status does not say paused"
"$OMSRUN" resume --task "$WORK/task" >/dev/null || fail "resume"
wait_for target_sum 500600 || fail "backlog not applied after resume"

# verify --task waits for the task's report and prints it; --no-wait only starts one.
"$OMSRUN" verify --task "$WORK/task" >"$WORK/verify.log" 2>"$WORK/verify.err" || fail "live verification exit $?"
grep -q "^clean: 0 differences" "$WORK/verify.log" || fail "live verification not clean: $(cat "$WORK/verify.log")"
grep -q "^mode: settled against the live link" "$WORK/verify.log" || fail "the live verification did not settle"
"$OMSRUN" verify --task "$WORK/task" --no-wait | grep -q "verification 2 started" || fail "verify --no-wait"
wait_for "test -f \"$WORK/task/verify-report.json\" && python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r.get(\"id\") == 2 and r[\"clean\"])' \"$WORK/task/verify-report.json\"" True \
  || fail "verification started with --no-wait did not report clean"

"$OMSRUN" stop --task "$WORK/task" >/dev/null || fail "stop"
wait "$pid" || fail "stopped task exit code $?"
"$OMSRUN" pause --task "$WORK/task" 2>/dev/null && fail "pause of a stopped task must fail"
echo "control_e2e: ok"
