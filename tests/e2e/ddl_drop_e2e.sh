#!/usr/bin/env bash
# DROP TABLE of a migrated table is replicated in the live link, and a DDL survives a crash between
# the moment capture recorded it and its checkpoint (issue 12 §2–3, docs/operations.md "DDL in the
# live link"):
#  1. under a sysbench write load on 4 apply lanes, `DROP TABLE gone1, <a table outside the task>`:
#     the link goes on, the target table omsql created is dropped, table-set.json records that it
#     left, the other tables stay equal to the source;
#  2. replay paused, a DROP and a TRUNCATE captured, kill -9: the rerun (not refused for the table the
#     source no longer has) drops the target table and empties the other at their place;
#  3. the same crash with the DDL already run on the target (the window between a DDL and its
#     checkpoint, made by hand): the rerun neither fails nor runs it over later rows.
source "$(dirname "$0")/lib.sh"

db=e2e_drop
src_sql -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_other; CREATE DATABASE $db; CREATE DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
sb_common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root
           --mysql-db=$db --tables=2 --table-size=3000)
sysbench oltp_write_only "${sb_common[@]}" prepare >/dev/null
src_sql $db -e "CREATE TABLE ${db}_other.x (id INT);
                CREATE TABLE marks (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO marks SELECT seq, 'copied' FROM seq_1_to_100;
                CREATE TABLE loose (k INT, v VARCHAR(20)); INSERT INTO loose SELECT seq % 7, 'copied' FROM seq_1_to_100;"
for t in gone1 gone2 gone3; do
  src_sql $db -e "CREATE TABLE $t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO $t SELECT seq, 'copied' FROM seq_1_to_200"
done

cat > "$WORK/drop.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_drop.* MAP e2e_drop.* TO e2e_drop_t.* DDL (DROP TABLE = APPLY, TRUNCATE TABLE = APPLY) WITH (parallel = 4);
EOF2
run_args=("$WORK/drop.omsql" --task-dir "$WORK/task")
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
target_has() { [ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}_t' AND TABLE_NAME = '$1'")" = 1 ]; }
left_tables() { python3 -c "import json,sys; print(','.join(e['source'][1] for e in json.load(open(sys.argv[1])).get('left', [])))" "$WORK/task/table-set.json"; }
tables_equal() { for t in "$@"; do same_checksum $db.$t ${db}_t.$t || return 1; done; }
wait_equal() { # what tables...: the target converges on the source while the link runs
  local what=$1; shift
  for _ in $(seq 1 300); do
    tables_equal "$@" && return 0
    kill -0 "$pid" 2>/dev/null || fail "the link ended: $what"
    sleep 0.1
  done
  fail "the target did not converge: $what"
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

# --- 1. DROP under load ---
start_link
target_has gone1 || fail "gone1 was not copied"
sysbench oltp_write_only "${sb_common[@]}" --threads=2 --rate=200 --time=8 run >"$WORK/sysbench.log" 2>&1 &
load=$!
sleep 2
src_sql $db -e "INSERT INTO gone1 VALUES (1001, 'before'); DROP TABLE gone1, ${db}_other.x; INSERT INTO marks VALUES (1001, 'after')"
for _ in $(seq 1 100); do target_has gone1 || break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null || fail "DROP TABLE of a migrated table stopped the link"
target_has gone1 && fail "the target table of the dropped gone1 is still there"
[ "$(left_tables)" = gone1 ] || fail "table-set.json does not record that gone1 left: $(cat "$WORK/task/table-set.json")"
grep -q "incremental: DROP TABLE $db.gone1 at .*: dropping ${db}_t.gone1 on the target; the table leaves the task" "$WORK/run.log" ||
  fail "the replayer did not say it dropped gone1"
wait "$load" || { cat "$WORK/sysbench.log"; fail "sysbench failed"; }
wait_equal "after the DROP under load" sbtest1 sbtest2 marks loose gone2 gone3

# --- 2. captured, not applied, kill -9: the rerun applies them ---
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
src_sql $db -e "INSERT INTO gone2 VALUES (2001, 'before'); INSERT INTO loose VALUES (1, 'before'); DROP TABLE gone2;
                TRUNCATE loose; INSERT INTO loose VALUES (2, 'after'); INSERT INTO marks VALUES (2001, 'after')"
wait_stored
[ "$(left_tables)" = gone1,gone2 ] || fail "capture did not record that gone2 left"
target_has gone2 || fail "replay was paused, yet gone2 was dropped on the target"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the rerun after the captured DROP failed (refused?)"
target_has gone2 && fail "the rerun did not drop the target table of gone2"
[ "$(grep -c "incremental: DROP TABLE $db.gone2 at .*: dropping ${db}_t.gone2 on the target" "$WORK/run.log")" = 1 ] ||
  fail "the rerun did not drop gone2 exactly once at the barrier"
tables_equal sbtest1 sbtest2 marks loose gone3 || fail "the target differs after the rerun"
[ "$(tgt_sql -N -e "SELECT GROUP_CONCAT(v) FROM ${db}_t.loose")" = after ] || fail "loose: want only the row written after the TRUNCATE"

# --- 3. the DDL already ran on the target, its checkpoint did not move ---
start_link
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
src_sql $db -e "INSERT INTO gone3 VALUES (3001, 'before'); INSERT INTO loose VALUES (3, 'before'); DROP TABLE gone3;
                TRUNCATE loose; INSERT INTO loose VALUES (4, 'after'); INSERT INTO marks VALUES (3001, 'after')"
wait_stored
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
tgt_sql -e "DROP TABLE ${db}_t.gone3; TRUNCATE TABLE ${db}_t.loose"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the rerun after the DDL ran without its checkpoint failed"
target_has gone3 && fail "gone3 is back on the target"
grep -q "incremental: DROP TABLE $db.gone3 at " "$WORK/run.log" || fail "the rerun did not meet the DROP of gone3 again"
tables_equal sbtest1 sbtest2 marks loose || fail "the target differs after the rerun"
[ "$(tgt_sql -N -e "SELECT GROUP_CONCAT(v) FROM ${db}_t.loose")" = after ] || fail "loose: want only the row written after the TRUNCATE"
[ "$(left_tables)" = gone1,gone2,gone3 ] || fail "table-set.json: $(cat "$WORK/task/table-set.json")"
compare --pair $db.sbtest1=${db}_t.sbtest1 --pair $db.sbtest2=${db}_t.sbtest2 --pair $db.marks=${db}_t.marks || fail "row comparison"
src_sql -e "DROP DATABASE $db; DROP DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_drop_e2e: ok"
