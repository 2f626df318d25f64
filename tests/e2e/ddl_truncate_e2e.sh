#!/usr/bin/env bash
# TRUNCATE TABLE of a migrated table is replicated in the live link (issue 12 §2–3, docs/operations.md
# "DDL in the live link"): under a sysbench write load on 4 apply lanes, sbtest1 and a marks table
# are truncated mid-sync. The link goes on; a row written just before the TRUNCATE never reappears
# on the target, a row written just after it is there, and once the load stops every table is
# equal to the source by CHECKSUM TABLE and the row comparison. Then kill -9 right after a
# TRUNCATE, and a rerun: the DDL is neither lost nor run again over later rows.
source "$(dirname "$0")/lib.sh"

db=e2e_trunc
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
sb_common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root
           --mysql-db=$db --tables=2 --table-size=5000)
sysbench oltp_write_only "${sb_common[@]}" prepare >/dev/null
src_sql $db -e "CREATE TABLE marks (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO marks SELECT seq, 'copied' FROM seq_1_to_500"

cat > "$WORK/trunc.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_trunc.* MAP e2e_trunc.* TO e2e_trunc_t.* DDL (TRUNCATE TABLE = APPLY) WITH (parallel = 4);
EOF2
run_args=("$WORK/trunc.omsql" --task-dir "$WORK/task")
caught_up() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null |
                python3 -c "import json,sys; print(json.load(sys.stdin).get('caught_up'))" 2>/dev/null || echo none; }
start_link() { # runs the task in the background until its link has caught up; sets $pid
  "$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(caught_up)" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the task ended before its link caught up"
    sleep 0.1
  done
  fail "the link never caught up"
}
tables_equal() {
  for t in sbtest1 sbtest2 marks; do same_checksum $db.$t ${db}_t.$t || return 1; done
}
wait_equal() { # what: the target converges on the source while the link runs
  for _ in $(seq 1 300); do
    tables_equal && return 0
    kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/run.log"; fail "the link ended: $1"; }
    sleep 0.1
  done
  fail "the target did not converge: $1"
}

start_link
sysbench oltp_write_only "${sb_common[@]}" --threads=2 --rate=200 --time=12 run >"$WORK/sysbench.log" 2>&1 &
load=$!
sleep 2
# Mid-load, on the table sysbench writes and on a quiet one, each between a row written just
# before and one written just after it.
src_sql $db -e "INSERT INTO sbtest1 (id, k, c, pad) VALUES (999001, 1, 'before', 'x'); INSERT INTO marks VALUES (1001, 'before');
                TRUNCATE TABLE sbtest1; TRUNCATE marks;
                INSERT INTO sbtest1 (id, k, c, pad) VALUES (999002, 2, 'after', 'y'); INSERT INTO marks VALUES (1002, 'after')"
sleep 3
kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/run.log"; fail "TRUNCATE TABLE of a migrated table stopped the link"; }
wait "$load" || { cat "$WORK/sysbench.log"; fail "sysbench failed"; }
wait_equal "after the TRUNCATE under load"
grep -q "incremental: TRUNCATE TABLE $db.sbtest1 at .*: emptying ${db}_t.sbtest1 on the target" "$WORK/run.log" ||
  fail "the replayer did not say it applied the TRUNCATE"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.sbtest1 WHERE id = 999001")" = 0 ] || fail "a row written before the TRUNCATE reappeared"
[ "$(tgt_sql -N -e "SELECT c FROM ${db}_t.sbtest1 WHERE id = 999002")" = after ] || fail "the row written after the TRUNCATE is missing"
[ "$(tgt_sql -N -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM ${db}_t.marks")" = 1002 ] || fail "marks: want only the row written after the TRUNCATE"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.sbtest1")" -gt 1 ] || fail "sysbench's rows after the TRUNCATE are missing"
compare --pair $db.sbtest1=${db}_t.sbtest1 --pair $db.sbtest2=${db}_t.sbtest2 --pair $db.marks=${db}_t.marks ||
  fail "target differs from source (row comparison)"

# kill -9 right after a TRUNCATE the link applies, then rows on top of it; a rerun converges.
src_sql $db -e "INSERT INTO marks VALUES (2001, 'before'); TRUNCATE marks; INSERT INTO marks VALUES (2002, 'after')"
sleep 0.$((RANDOM % 5))
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
src_sql $db -e "INSERT INTO marks VALUES (2003, 'while down')"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the rerun after kill -9 failed"
tables_equal || fail "the target differs after kill -9 at the TRUNCATE and a rerun"
[ "$(tgt_sql -N -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM ${db}_t.marks")" = 2002,2003 ] || fail "marks after the rerun"
echo "sysbench: $(grep -E 'transactions:' "$WORK/sysbench.log" | xargs)"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_truncate_e2e: ok"
