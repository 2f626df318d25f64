#!/usr/bin/env bash
# Verification never says "clean" while rows differ (issue 9 §2):
#  1. stopped link (the task ran --until caught-up, then the source changed): `verify FILE`
#     compares directly, at once, and reports the rows as missing (exit 3); `--apply` repairs them;
#  2. paused link with a backlog: nothing applies changes, so `verify --task` compares directly
#     (exit 3, rows listed, --repair FILE written, --apply queued and applied on resume);
#  3. live link that cannot apply (a target row locked by another session): rows are neither
#     proven equal nor different within the settle bound → "could not settle", exit 4, rows listed,
#     progress lines on stderr while it waits; a stop while it settles ends the task; once the
#     link has applied everything, the same verification is clean.
source "$(dirname "$0")/lib.sh"

db=e2e_vout
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, v INT)"
src_sql $db -e "INSERT INTO t SELECT seq, seq FROM seq_1_to_2000"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
cat > "$WORK/vout.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (parallel = 2, task_dir = '$WORK/task');
EOF2
run_verify() { # expected exit code, log name, omsrun verify arguments...
  local want=$1 log=$2; shift 2
  set +e
  "$OMSRUN" verify "$@" >"$WORK/$log.out" 2>"$WORK/$log.err"
  local code=$?
  set -e
  [ "$code" = "$want" ] || fail "verify $* exit $code, want $want: $(cat "$WORK/$log.out" "$WORK/$log.err" | tail -8)"
}
json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }

# --- 1. stopped link ---
"$OMSRUN" "$WORK/vout.omsql" --until caught-up >"$WORK/run1.log" 2>&1 || fail "first run"
src_sql $db -e "INSERT INTO t VALUES (5001, 1), (5002, 2)"
run_verify 3 stopped "$WORK/vout.omsql" --json "$WORK/stopped.json"
grep -q "^  missing (id) = ('5001')" "$WORK/stopped.out" || fail "row 5001 not listed: $(cat "$WORK/stopped.out")"
grep -q "^  missing (id) = ('5002')" "$WORK/stopped.out" || fail "row 5002 not listed"
grep -q "^mode: compared directly: no link runs" "$WORK/stopped.out" || fail "a stopped link must be compared directly"
[ "$(json_field "$WORK/stopped.json" '["tables"][0]["rechecks"]')" = 0 ] || fail "a stopped link was re-checked (waited)"
grep -q "^verify: 1/1 table(s), 2002 rows" "$WORK/stopped.err" || fail "no progress line: $(cat "$WORK/stopped.err")"
# --apply without a repair file runs the statements (the option used to be ignored without one).
run_verify 3 apply "$WORK/vout.omsql" --apply
grep -q "^repair: 2 statements applied to the target" "$WORK/apply.out" || fail "--apply: $(cat "$WORK/apply.out")"
run_verify 0 after_apply "$WORK/vout.omsql"
# The link later replays the two inserts as well: REPLACE by key, the rows stay as they are.

# --- 2. paused link with a backlog ---
"$OMSRUN" "$WORK/vout.omsql" >"$WORK/run2.log" 2>&1 &
pid=$!
status_field() { "$OMSRUN" status --task "$WORK/task" --json | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))"; }
wait_for() { for _ in $(seq 1 300); do [ "$(eval "$1")" = "$2" ] && return 0; sleep 0.1; done; return 1; }
wait_for "status_field caught_up" True || fail "link never caught up"
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "pause"
src_sql $db -e "INSERT INTO t VALUES (6001, 1); UPDATE t SET v = -v WHERE id = 10"
tgt_sql ${db}_t -e "DELETE FROM t WHERE id = 20"   # drift no binlog event explains
run_verify 3 paused --task "$WORK/task" --repair "$WORK/fix.sql" --apply --json "$WORK/paused.json"
grep -q "^mode: compared directly: the link is paused" "$WORK/paused.out" || fail "paused: $(cat "$WORK/paused.out")"
for row in "missing (id) = ('6001')" "different (id) = ('10') columns: v" "missing (id) = ('20')"; do
  grep -qF "  $row" "$WORK/paused.out" || fail "paused link: '$row' not listed: $(cat "$WORK/paused.out")"
done
grep -q "^repair: 3 statements in $WORK/fix.sql" "$WORK/paused.out" || fail "--repair file not written by the task"
grep -q "apply queue" "$WORK/paused.out" || fail "--apply on a paused link must queue the repairs"
[ "$(grep -c '^REPLACE\|^DELETE' "$WORK/fix.sql")" -ge 2 ] || fail "repair file: $(cat "$WORK/fix.sql")"
# verify FILE from another process sees the paused link too, and refuses to write behind its back.
run_verify 3 paused_file "$WORK/vout.omsql"
grep -q "is paused" "$WORK/paused_file.out" || fail "verify FILE did not see the paused link"
run_verify 1 paused_apply "$WORK/vout.omsql" --apply
grep -q "apply queue" "$WORK/paused_apply.err" || fail "verify FILE --apply beside a link: $(cat "$WORK/paused_apply.err")"
"$OMSRUN" resume --task "$WORK/task" >/dev/null || fail "resume"
wait_for "tgt_sql -N -e 'SELECT COUNT(*) FROM ${db}_t.t WHERE id IN (20, 6001)'" 2 || fail "backlog and queued repair not applied"
run_verify 0 resumed --task "$WORK/task"
grep -q "^mode: settled against the live link" "$WORK/resumed.out" || fail "a running link must be settled against"

# --- 3. a link that cannot apply: could not settle ---
# Another session holds row 7 of the target: the lane that must change it waits on the lock.
tgt_sql ${db}_t -e "START TRANSACTION; SELECT id FROM t WHERE id = 7 FOR UPDATE; SELECT SLEEP(40), 'e2e_vout_lock'; COMMIT" \
  >/dev/null 2>&1 &
locker=$!
sleep 0.5
src_sql $db -e "UPDATE t SET v = 70 WHERE id = 7"
run_verify 4 frozen "$WORK/vout.omsql" --settle-seconds 6 --json "$WORK/frozen.json"
grep -q "^UNSETTLED: 0 differences in 1 tables, 1 row(s) could not be settled" "$WORK/frozen.out" \
  || fail "frozen link: $(cat "$WORK/frozen.out")"
grep -q "could not settle 1 row(s): the link did not apply source position" "$WORK/frozen.out" || fail "no reason given"
grep -qF "  unsettled different (id) = ('7') columns: v" "$WORK/frozen.out" || fail "row 7 not listed"
[ "$(json_field "$WORK/frozen.json" '["outcome"]')" = unsettled ] || fail "JSON outcome"
[ "$(json_field "$WORK/frozen.json" '["clean"]')" = False ] || fail "JSON clean"
[ "$(json_field "$WORK/frozen.json" '["tables"][0]["unsettled_rows"][0]["key"]')" = "(id) = ('7')" ] || fail "JSON rows"
grep -q "settling 1 row(s) of $db.t, waiting for the link to apply" "$WORK/frozen.err" \
  || fail "no progress line while settling: $(cat "$WORK/frozen.err")"
run_verify 4 frozen_task --task "$WORK/task" --settle-seconds 2
grep -qF "  unsettled different (id) = ('7') columns: v" "$WORK/frozen_task.out" \
  || fail "verify --task: $(cat "$WORK/frozen_task.out")"
# A stop while a verification waits for the link ends the task: the verifiers end with it.
"$OMSRUN" verify --task "$WORK/task" --settle-seconds 60 --no-wait >/dev/null || fail "verify --no-wait"
sleep 1
"$OMSRUN" stop --task "$WORK/task" >"$WORK/stop.log" 2>&1 &
stopper=$!
sleep 1
# The lock goes (the blocked lane can finish its transaction; the settling verifier must not hold
# the process for the rest of its 60 s).
lock_id=$(tgt_sql -N -e "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%e2e_vout_lock%' AND INFO NOT LIKE '%PROCESSLIST%'")
[ -n "$lock_id" ] && tgt_sql -e "KILL $lock_id"
wait "$locker" || true
for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the task did not end within 15 s of the stop while a verification was settling"
wait "$pid" || fail "stopped task exit code $?"
wait "$stopper" || fail "omsrun stop: $(cat "$WORK/stop.log")"
"$OMSRUN" "$WORK/vout.omsql" --until caught-up >"$WORK/run3.log" 2>&1 || fail "final catch-up"
run_verify 0 final "$WORK/vout.omsql"
compare --pair $db.t=${db}_t.t || fail "target differs from source at the end"
echo "verify_outcomes_e2e: ok"
