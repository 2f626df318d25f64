#!/usr/bin/env bash
# Stopped at a DDL, and the three ways on (issue 12 §5, docs/operations.md "Stopped at a DDL"),
# under a sysbench write load on another table of the task the whole time:
#  1. `DDL (ALTER TABLE = STOP)`: an ALTER of a migrated table stops the link by itself; the rows
#     written just before it are on the target, those after it are not; `omsrun status` (text and
#     --json) says it waits for a DDL decision, names the statement and the three commands; the
#     commands refuse while the task runs, without a task, and for another position (--at).
#  2. applied: the ADD COLUMN made by hand on the target with a wrong type is refused (nothing
#     written), with the right definition accepted; the rerun passes it and the rows after it
#     arrive with the column's values.
#  3. skip of that ADD COLUMN is refused at the barrier (the rows after it carry the column); retry:
#     the target was changed under the link (a column of the same name already there), so the
#     retried ALTER stops again ("someone changed it"); after the target is fixed, a second retry
#     runs the ALTER and the link goes on.
#  4. skip: an ADD INDEX is passed; the target has no such index, the rows after it arrive.
#  5. applied of a TRUNCATE (it stops by default): refused while the target table still holds
#     rows, accepted once it is emptied by hand; the rows after it arrive.
# The stop record and the resolution are 0600 and gone once replay has passed the statement. At
# the end every table's rows equal the source's (CHECKSUM TABLE and a row digest).
source "$(dirname "$0")/lib.sh"

db=e2e_ddlres
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
            CREATE TABLE $db.t (id INT PRIMARY KEY, v VARCHAR(20)); CREATE TABLE $db.u (id INT PRIMARY KEY)"
src_sql $db -e "INSERT INTO t SELECT seq, 'copied' FROM seq_1_to_1000; INSERT INTO u SELECT seq FROM seq_1_to_50"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
sb=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root --mysql-db=$db
    --tables=1 --table-size=2000)
sysbench oltp_write_only "${sb[@]}" prepare >/dev/null

task="$WORK/task"
script="$WORK/res.omsql"
cat > "$script" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.*
  DDL (ALTER TABLE = STOP)
  WITH (parallel = 2, task_dir = '$task');
EOF2
status_json() { "$OMSRUN" status --task "$task" --json 2>/dev/null; }
field() { status_json | python3 -c "import json,sys; v=json.load(sys.stdin); print(v$1)" 2>/dev/null || echo none; }
start_link() { # runs the task until its link has caught up; sets $pid
  "$OMSRUN" "$script" >>"$WORK/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(field '["caught_up"]')" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the task ended before its link caught up"
    sleep 0.1
  done
  fail "the link never caught up"
}
expect_stop() { # the running task stops by itself with exit 1, waiting for a DDL decision
  local code
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "the DDL did not stop the link"; fi
  set +e; wait "$pid"; code=$?; set -e
  [ "$code" = 1 ] || fail "the task ended with $code at the DDL, want 1"
  [ "$(field '["ddl_stop"]["waiting"]')" = True ] || fail "status does not say the task waits for a DDL decision"
}
rerun() { # the task after a resolution, until caught up; exit code in $code
  set +e; "$OMSRUN" "$script" --until caught-up >>"$WORK/run.log" 2>&1; code=$?; set -e
}
rows() { tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.t WHERE id BETWEEN $1 AND $2"; }
resolve() { # word [args]: omsrun ddl WORD --task DIR, output in $WORK/ddl.txt
  local w=$1; shift
  "$OMSRUN" ddl "$w" --task "$task" "$@" >"$WORK/ddl.txt" 2>&1 || { cat "$WORK/ddl.txt"; fail "omsrun ddl $w failed"; }
}
began=$(date +%s)

# --- refusals before there is anything to resolve ---
expect_refusal 1 "$OMSRUN" ddl skip --task "$task"
grep -q "holds no task" <<<"$out" || fail "ddl skip without a task: $out"
start_link
sysbench oltp_write_only "${sb[@]}" --threads=2 --rate=100 --time=300 run >"$WORK/sysbench.log" 2>&1 &
load=$!
E2E_CLEANUP="kill $load 2>/dev/null || true"
expect_refusal 1 "$OMSRUN" ddl skip --task "$task"
grep -q "the task is running (pid $pid)" <<<"$out" || fail "ddl skip of a running task: $out"
[ ! -e "$task/ddl-resolution.json" ] || fail "a refused ddl skip wrote a resolution"

# --- 1. the stop: rows just before the ALTER are applied, rows after it are not ---
src_sql $db -e "INSERT INTO t SELECT seq, 'before' FROM seq_2001_to_2100;
                ALTER TABLE t ADD COLUMN n INT NOT NULL DEFAULT 7;
                INSERT INTO t SELECT seq, 'after', 8 FROM seq_3001_to_3010"
expect_stop
grep -qF "the script's DDL policy (line 4): ALTER TABLE = STOP" "$WORK/run.log" || fail "the stop does not name the policy"
grep -qF "omsrun ddl applied --task $task" "$WORK/run.log" || fail "the stop does not say how to go on"
[ "$(rows 2001 2100)" = 100 ] || fail "rows written before the stopping DDL are not on the target ($(rows 2001 2100) of 100)"
[ "$(rows 3001 3010)" = 0 ] || fail "rows written after the stopping DDL were applied"
[ "$(stat -c %a "$task/ddl-stop.json")" = 600 ] || fail "ddl-stop.json is not 0600"
"$OMSRUN" status --task "$task" >"$WORK/status.txt"
grep -q '^ddl stop   at .*: "ALTER TABLE t ADD COLUMN n INT NOT NULL DEFAULT 7"' "$WORK/status.txt" ||
  { cat "$WORK/status.txt"; fail "status text lacks the DDL stop"; }
grep -q "^waiting    for a DDL decision" "$WORK/status.txt" || { cat "$WORK/status.txt"; fail "status text does not say it waits"; }
for w in skip applied retry; do
  grep -q "^           omsrun ddl $w --task $task " "$WORK/status.txt" || { cat "$WORK/status.txt"; fail "status text lacks ddl $w"; }
done
[ "$(field '["ddl_stop"]["statement"]')" = "ALTER TABLE t ADD COLUMN n INT NOT NULL DEFAULT 7" ] || fail "status --json ddl_stop.statement"
position=$(field '["ddl_stop"]["position"]')
grep -q "ALTER TABLE = STOP" <<<"$(field '["ddl_stop"]["reason"]')" || fail "status --json ddl_stop.reason"
expect_refusal 1 "$OMSRUN" ddl skip --task "$task" --at "${position%%:*}:4"
grep -q "a resolution is only for the statement the task stopped at" <<<"$out" || fail "--at another position: $out"

# --- 2. applied by hand: a wrong definition is refused, the right one accepted ---
tgt_sql ${db}_t -e "ALTER TABLE t ADD COLUMN n BIGINT NULL"
expect_refusal 1 "$OMSRUN" ddl applied --task "$task"
grep -q "is not applied on the target: the target table ${db}_t.t is not as the statement leaves it" <<<"$out" ||
  fail "ddl applied with a wrong target change: $out"
[ ! -e "$task/ddl-resolution.json" ] || fail "a refused ddl applied wrote a resolution"
tgt_sql ${db}_t -e "ALTER TABLE t DROP COLUMN n, ADD COLUMN n INT NOT NULL DEFAULT 7"
resolve applied
grep -q "^target     checked: it is as the statement leaves it" "$WORK/ddl.txt" || { cat "$WORK/ddl.txt"; fail "ddl applied output"; }
[ "$(stat -c %a "$task/ddl-resolution.json")" = 600 ] || fail "ddl-resolution.json is not 0600"
[ "$(field '["ddl_stop"]["resolution"]')" = applied ] || fail "status does not show the resolution"
rerun
[ "$code" = 0 ] || fail "the run after ddl applied failed ($code)"
grep -q "passed the DDL at $position as resolved (applied)" "$WORK/run.log" || fail "the run did not say it passed the DDL"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.t WHERE id BETWEEN 3001 AND 3010 AND n = 8")" = 10 ] ||
  fail "the rows after the ALTER lack the new column's values"
[ ! -e "$task/ddl-stop.json" ] && [ ! -e "$task/ddl-resolution.json" ] || fail "the stop record outlived the DDL"
[ "$(field '.get("ddl_stop")')" = None ] || fail "status still shows a DDL stop"

# --- 3. retry: stopped again while the target is wrong, applied once it is fixed ---
start_link
src_sql $db -e "INSERT INTO t VALUES (4001, 'before', 1); ALTER TABLE t ADD COLUMN r INT NULL;
                INSERT INTO t VALUES (4002, 'after', 2, 3)"
expect_stop
retry_at=$(field '["ddl_stop"]["position"]')
[ "$(rows 4001 4001)" = 1 ] && [ "$(rows 4002 4002)" = 0 ] || fail "rows around the second ALTER"
tgt_sql ${db}_t -e "ALTER TABLE t ADD COLUMN r VARCHAR(5) NULL"  # someone's change on the target
# skip cannot pass a column the rows after it carry: the run stops there again, saying so.
resolve skip
rerun
[ "$code" = 1 ] || fail "a skipped ADD COLUMN did not stop again (exit $code)"
grep -q "omsrun ddl skip\` cannot pass it: it changes the columns replay writes" <<<"$(field '["ddl_stop"]["reason"]')" ||
  fail "the skipped ADD COLUMN stop does not say why: $(field '["ddl_stop"]["reason"]')"
[ "$(rows 4002 4002)" = 0 ] || fail "a row after the refused skip was applied"
resolve retry
grep -q "^resolution retry: the next run runs the target statements of the statement at $retry_at again" "$WORK/ddl.txt" ||
  { cat "$WORK/ddl.txt"; fail "ddl retry output"; }
rerun
[ "$code" = 1 ] || fail "the retried ALTER on a wrong target did not stop again (exit $code)"
[ "$(field '["ddl_stop"]["position"]')" = "$retry_at" ] || fail "the retry stopped elsewhere"
grep -q "someone changed it" <<<"$(field '["ddl_stop"]["reason"]')" || fail "the second stop does not say the target changed"
[ ! -e "$task/ddl-resolution.json" ] || fail "the used retry is still on file"
tgt_sql ${db}_t -e "ALTER TABLE t DROP COLUMN r"
resolve retry
rerun
[ "$code" = 0 ] || fail "the run after the second retry failed ($code)"
[ "$(tgt_sql -N -e "SELECT r FROM ${db}_t.t WHERE id = 4002")" = 3 ] || fail "the row after the retried ALTER"

# --- 4. skip: the index is not created, the rows after it arrive ---
start_link
src_sql $db -e "INSERT INTO t VALUES (5001, 'before', 1, 1); ALTER TABLE t ADD INDEX iv (v);
                INSERT INTO t VALUES (5002, 'after', 2, 2)"
expect_stop
skip_at=$(field '["ddl_stop"]["position"]')
resolve skip --at "$skip_at"
grep -q "^resolution skip: the next run passes the statement at $skip_at without applying it" "$WORK/ddl.txt" ||
  { cat "$WORK/ddl.txt"; fail "ddl skip output"; }
"$OMSRUN" ddl retry --task "$task" >"$WORK/ddl2.txt" && grep -q "^replaces   skip" "$WORK/ddl2.txt" ||
  fail "a second word does not say it replaces the first"
resolve skip
rerun
[ "$code" = 0 ] || fail "the run after ddl skip failed ($code)"
grep -q "passed the DDL at $skip_at as resolved (skip)" "$WORK/run.log" || fail "the run did not say it passed the skipped DDL"
[ "$(rows 5001 5002)" = 2 ] || fail "the rows around the skipped ALTER"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA='${db}_t' AND INDEX_NAME='iv'")" = 0 ] ||
  fail "the skipped ALTER reached the target"

# --- 5. applied of a TRUNCATE: the target table must be empty ---
start_link
src_sql $db -e "INSERT INTO u VALUES (51); TRUNCATE TABLE u; INSERT INTO u VALUES (1001), (1002)"
expect_stop
grep -q "TRUNCATE TABLE stops by default" <<<"$(field '["ddl_stop"]["reason"]')" || fail "the TRUNCATE stop's reason"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.u")" = 51 ] || fail "the rows before the TRUNCATE"
expect_refusal 1 "$OMSRUN" ddl applied --task "$task"
grep -q "the target table ${db}_t.u still holds rows (the statement empties it)" <<<"$out" || fail "ddl applied of a TRUNCATE not done: $out"
tgt_sql -e "TRUNCATE TABLE ${db}_t.u"
resolve applied
rerun
[ "$code" = 0 ] || fail "the run after the applied TRUNCATE failed ($code)"
[ "$(tgt_sql -N -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM ${db}_t.u")" = 1001,1002 ] || fail "the rows after the TRUNCATE"

# --- converged: the load stops, the link catches up, the rows are the source's ---
kill "$load" 2>/dev/null || true
wait "$load" 2>/dev/null || true
rerun
[ "$code" = 0 ] || fail "the last catch-up failed ($code)"
compare --pair $db.t=${db}_t.t --pair $db.u=${db}_t.u --pair $db.sbtest1=${db}_t.sbtest1 || fail "the target's rows differ from the source's"
same_checksum $db.t ${db}_t.t || fail "t: checksums differ"
same_checksum $db.sbtest1 ${db}_t.sbtest1 || fail "sbtest1: checksums differ"
echo "ddl_resolve_e2e: $(( $(date +%s) - began )) s under the load"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_resolve_e2e: ok"
