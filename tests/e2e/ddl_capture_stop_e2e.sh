#!/usr/bin/env bash
# A DDL capture cannot take stops the link with a stop record, like one replay stops at (issue 12
# §5, docs/operations.md "Stopped at a DDL"), under a writer on another task table the whole time:
#  1. `CREATE TABLE n LIKE other.x` in the migrated database reads a table that is not the task's,
#     so capture cannot work out the new table's definition: it stops before the statement; the
#     rows written before it are on the target, those after it are not; the task ends with exit 1
#     waiting for a DDL decision (ddl-stop.json 0600, `omsrun status` text and --json).
#  2. `omsrun ddl applied` is refused (omsql cannot tell what the target should hold); `retry`
#     reads the statement again and stops again at the same place.
#  3. `omsrun ddl skip`: the rerun passes it (the table does not join the task, its rows are not
#     replicated), the rows after it arrive, the stop record is gone; every task table equals the
#     source's (CHECKSUM TABLE).
source "$(dirname "$0")/lib.sh"

db=e2e_cstop
src_sql -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_other; CREATE DATABASE $db;
            CREATE DATABASE ${db}_other; CREATE TABLE ${db}_other.x (id INT PRIMARY KEY, w VARCHAR(10));
            CREATE TABLE $db.t (id INT PRIMARY KEY, v VARCHAR(20)); CREATE TABLE $db.busy (id INT PRIMARY KEY, n INT)"
src_sql $db -e "INSERT INTO t SELECT seq, 'copied' FROM seq_1_to_1000; INSERT INTO busy SELECT seq, 0 FROM seq_1_to_200"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
task="$WORK/task"
script="$WORK/cstop.omsql"
cat > "$script" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (parallel = 2, task_dir = '$task');
EOF2
field() { "$OMSRUN" status --task "$task" --json 2>/dev/null |
            python3 -c "import json,sys; v=json.load(sys.stdin); print(v$1)" 2>/dev/null || echo none; }
start_link() {
  "$OMSRUN" "$script" >>"$WORK/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(field '["caught_up"]')" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the task ended before its link caught up"
    sleep 0.1
  done
  fail "the link never caught up"
}
expect_stop() { # the task ends by itself with exit 1, waiting for a DDL decision
  local code
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "the DDL did not stop the link"; fi
  set +e; wait "$pid"; code=$?; set -e
  [ "$code" = 1 ] || fail "the task ended with $code at the DDL, want 1"
  [ "$(field '["ddl_stop"]["waiting"]')" = True ] || fail "status does not say the task waits for a DDL decision"
}
rerun() { set +e; "$OMSRUN" "$script" --until caught-up >>"$WORK/run.log" 2>&1; code=$?; set -e; }
rows() { tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.t WHERE id BETWEEN $1 AND $2"; }
( i=0; while [ ! -e "$WORK/stop-writer" ]; do
    i=$((i + 1)); src_sql $db -e "UPDATE busy SET n = n + 1 WHERE id = $((i % 200 + 1))" || exit 1; sleep 0.02
  done ) &
writer=$!
E2E_CLEANUP="touch $WORK/stop-writer"

# --- 1. the stop ---
start_link
src_sql $db -e "INSERT INTO t SELECT seq, 'before' FROM seq_2001_to_2100;
                CREATE TABLE n LIKE ${db}_other.x;
                INSERT INTO t SELECT seq, 'after' FROM seq_3001_to_3010; INSERT INTO n VALUES (1, 'n')"
expect_stop
grep -q "creates $db.n, a table the MIGRATE rules take: it cannot join the task: it reads ${db}_other.x, which is not a task table" \
  <<<"$(field '["ddl_stop"]["reason"]')" || fail "the stop does not say why: $(field '["ddl_stop"]["reason"]')"
grep -q "binlog: capture stops before the DDL at " "$WORK/run.log" || fail "the log does not say capture stopped"
grep -qF "omsrun ddl skip --task $task" "$WORK/run.log" || fail "the stop does not say how to go on"
[ "$(rows 2001 2100)" = 100 ] || fail "rows written before the DDL are not on the target ($(rows 2001 2100) of 100)"
[ "$(rows 3001 3010)" = 0 ] || fail "rows written after the DDL were applied"
[ "$(stat -c %a "$task/ddl-stop.json")" = 600 ] || fail "ddl-stop.json is not 0600"
[ "$(field '["ddl_stop"]["statement"]')" = "CREATE TABLE n LIKE ${db}_other.x" ] || fail "status --json ddl_stop.statement"
position=$(field '["ddl_stop"]["position"]')
"$OMSRUN" status --task "$task" >"$WORK/status.txt"
grep -q "^ddl stop   at $position: \"CREATE TABLE n LIKE ${db}_other.x\"" "$WORK/status.txt" ||
  { cat "$WORK/status.txt"; fail "status text lacks the DDL stop"; }

# --- 2. applied is refused; retry meets the same stop ---
set +e; out=$("$OMSRUN" ddl applied --task "$task" 2>&1); c=$?; set -e
[ "$c" = 1 ] || fail "ddl applied of a statement capture could not take was accepted ($c): $out"
grep -q "cannot check that the statement at $position is applied on the target: capture recorded no definition of $db.n at it" <<<"$out" || fail "ddl applied refusal: $out"
"$OMSRUN" ddl retry --task "$task" >"$WORK/ddl.txt" 2>&1 || { cat "$WORK/ddl.txt"; fail "omsrun ddl retry"; }
rerun
[ "$code" = 1 ] || fail "the retried CREATE did not stop again (exit $code)"
[ "$(field '["ddl_stop"]["position"]')" = "$position" ] || fail "the retry stopped elsewhere"
[ "$(rows 3001 3010)" = 0 ] || fail "rows after the DDL were applied after the retry"

# --- 3. skip ---
"$OMSRUN" ddl skip --task "$task" >"$WORK/ddl.txt" 2>&1 || { cat "$WORK/ddl.txt"; fail "omsrun ddl skip"; }
rerun
[ "$code" = 0 ] || fail "the run after ddl skip failed ($code)"
grep -q "binlog: the DDL at $position is skipped (omsrun ddl skip)" "$WORK/run.log" || fail "capture did not skip the DDL"
grep -q "passed the DDL at $position as resolved (skip)" "$WORK/run.log" || fail "the run did not pass the skipped DDL"
[ "$(rows 3001 3010)" = 10 ] || fail "the rows after the skipped DDL are missing ($(rows 3001 3010) of 10)"
[ -z "$(tgt_sql -N -e "SHOW TABLES FROM ${db}_t LIKE 'n'")" ] || fail "the skipped table reached the target"
[ ! -e "$task/ddl-stop.json" ] && [ ! -e "$task/ddl-resolution.json" ] || fail "the stop record outlived the DDL"
touch "$WORK/stop-writer"; wait "$writer" || fail "the writer failed"
rerun
[ "$code" = 0 ] || fail "the last run failed ($code)"
for t in t busy; do same_checksum $db.$t ${db}_t.$t || fail "$t differs"; done
src_sql -e "DROP DATABASE $db; DROP DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_capture_stop_e2e: ok"
