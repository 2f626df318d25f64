#!/usr/bin/env bash
# `omsrun status` tells the truth about a running task, and pause/resume/stop answer in sentences:
# during a (throttled) copy the status shows each table's rows copied of its estimate, %, its own
# rows/s; a pause says so, a second pause says nothing changed, the status says it waits for a
# resume; once live, each table shows done and the link its lag; stop says the task is resumable,
# and a second stop says there is nothing to stop. A stop while a fresh run is still before its
# actors (its start position waits for a table another session has locked) is the same deliberate
# stop: exit 0, resumable, and the rerun migrates the table.
source "$(dirname "$0")/lib.sh"

db=e2e_sentences
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
src_sql $db -e "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO big SELECT seq, REPEAT('x', 40) FROM seq_1_to_30000;
  CREATE TABLE small (id INT PRIMARY KEY); INSERT INTO small SELECT seq FROM seq_1_to_10; ANALYZE TABLE big, small"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
cat > "$WORK/s.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.*
  WITH (parallel = 1, batch_rows = 1000, max_rows_per_sec = 3000);
EOF2
task="$WORK/task"
"$OMSRUN" "$WORK/s.omsql" --task-dir "$task" >"$WORK/run.log" 2>&1 &
pid=$!
eval "lib_$(declare -f fail)"
fail() { kill "$pid" 2>/dev/null || true; lib_fail "$@"; }
json() { "$OMSRUN" status --task "$task" --json 2>/dev/null; }
big_rows() { json | python3 -c "
import json, sys
s = json.load(sys.stdin)
print(next((t['rows'] for t in s.get('copy_progress', []) if t['source'] == '$db.big'), 0))" 2>/dev/null || echo 0; }
for _ in $(seq 1 100); do [ "$(big_rows)" -ge 2000 ] && break; sleep 0.1; done
[ "$(big_rows)" -ge 2000 ] || fail "the copy of big never showed progress"

"$OMSRUN" status --task "$task" >"$WORK/status-copy.txt" || fail "status during the copy"
cat "$WORK/status-copy.txt"
grep -q "(running, pid $pid)" "$WORK/status-copy.txt" || fail "status does not say running"
grep -Eq "^phase      full$" "$WORK/status-copy.txt" || fail "status: phase full"
grep -Eq "^  $db.big -> ${db}_t.big  [0-9]+ of ~[0-9]+ rows \([0-9.]+%\), [0-9]+ rows/s, copying$" "$WORK/status-copy.txt" ||
  fail "no progress line for big"
json | python3 -c "
import json, sys
s = json.load(sys.stdin)
big = next(t for t in s['copy_progress'] if t['source'] == '$db.big')
assert 0 < big['rows'] < 30000, big
assert big['estimated_rows'] > 20000, big
assert big['seconds'] > 0, big
assert big['chunks_done'] >= 0 and not big['done'], big
" || fail "status JSON copy_progress: $(json)"

out=$("$OMSRUN" pause --task "$task") || fail "pause: $out"
[ "$out" = "paused task $task: chunk reading and change applying hold, binlog capture goes on (omsrun resume --task $task to go on)" ] ||
  fail "pause said: $out"
out=$("$OMSRUN" pause --task "$task") || fail "second pause: $out"
[ "$out" = "task $task was already paused: nothing changed" ] || fail "second pause said: $out"
"$OMSRUN" status --task "$task" | grep -qx "waiting    for omsrun resume: the task is paused" || fail "status does not say it waits for a resume"
out=$("$OMSRUN" resume --task "$task") || fail "resume: $out"
[ "$out" = "resumed task $task: copy and apply go on" ] || fail "resume said: $out"
out=$("$OMSRUN" resume --task "$task") || fail "second resume: $out"
[ "$out" = "task $task was not paused: nothing changed" ] || fail "second resume said: $out"

"$OMSRUN" throttle --task "$task" --rows-per-sec 0 >/dev/null || fail "throttle"
for _ in $(seq 1 300); do grep -q "caught up" "$WORK/run.log" && break; sleep 0.1; done
grep -q "caught up" "$WORK/run.log" || fail "never caught up"
"$OMSRUN" status --task "$task" >"$WORK/status-live.txt" || fail "status live"
cat "$WORK/status-live.txt"
grep -Eq "^phase      incremental$" "$WORK/status-live.txt" || fail "status: phase incremental"
grep -Eq "^  $db.big -> ${db}_t.big  30000 of ~[0-9]+ rows \(100.0%\), [0-9]+ rows/s, done$" "$WORK/status-live.txt" ||
  grep -Eq "^  $db.big -> ${db}_t.big  30000 of ~[0-9]+ rows \([0-9.]+%\), [0-9]+ rows/s, done$" "$WORK/status-live.txt" ||
  fail "big not shown done with 30000 rows"
grep -Eq "^lag        [0-9.e-]+ s$" "$WORK/status-live.txt" || fail "no lag line"
grep -q "^waiting" "$WORK/status-live.txt" && fail "a caught-up link waits for something: $(grep ^waiting "$WORK/status-live.txt")"

out=$("$OMSRUN" stop --task "$task") || fail "stop: $out"
[ "$out" = "stopped task $task; it is resumable: run the same command to go on" ] || fail "stop said: $out"
wait "$pid" || fail "task exit code $?"
set +e
out=$("$OMSRUN" stop --task "$task" 2>&1); code=$?
set -e
[ "$code" = 1 ] || fail "second stop: exit $code"
case "$out" in "task $task is not running: nothing to stop"*) ;; *) fail "second stop said: $out" ;; esac
"$OMSRUN" status --task "$task" | grep -q "(not running: stopped on request)" || fail "status after stop"
compare --pair $db.big=${db}_t.big || fail "target differs"

# A stop before the actors run (no control endpoint yet): the start position waits for `locked`.
src_sql $db -e "CREATE TABLE locked (id INT PRIMARY KEY); INSERT INTO locked VALUES (1), (2)"
cat > "$WORK/early.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.locked MAP $db.* TO ${db}_t.*;
EOF2
src_sql $db -e "LOCK TABLES locked WRITE; SELECT SLEEP(4); UNLOCK TABLES" >/dev/null &
locker=$!
sleep 0.5
"$OMSRUN" "$WORK/early.omsql" --task-dir "$WORK/early" >"$WORK/early.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do [ -s "$WORK/early/lock" ] && break; sleep 0.1; done
sleep 0.5
[ -e "$WORK/early/control.json" ] && fail "the early run has a control endpoint already (the test must stop it before)"
out=$("$OMSRUN" stop --task "$WORK/early") || fail "stop before the actors: $out"
[ "$out" = "stopped task $WORK/early; it is resumable: run the same command to go on" ] || fail "early stop said: $out"
set +e; wait "$pid"; code=$?; set -e
[ "$code" = 0 ] || { cat "$WORK/early.log"; fail "a run stopped before its actors exited $code, want 0"; }
grep -q "stopped on request before the task's actors started" "$WORK/early/omsrun.log" || fail "the early stop is not in the log"
wait "$locker" || true
"$OMSRUN" "$WORK/early.omsql" --task-dir "$WORK/early" --until caught-up >"$WORK/early2.log" 2>&1 ||
  { cat "$WORK/early2.log"; fail "the rerun after an early stop failed"; }
compare --pair $db.locked=${db}_t.locked || fail "locked differs after the rerun"
echo "status_sentences_e2e: ok"
