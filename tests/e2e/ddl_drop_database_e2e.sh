#!/usr/bin/env bash
# DROP DATABASE of a database holding task tables, with DDL (DROP DATABASE = APPLY) (issue 12 §2,
# docs/operations.md "DDL in the live link"), under a sysbench write load on another database of
# the task:
#  1. the link goes on; the target tables of the dropped database's task tables are dropped at the
#     statement's place (the rows written before it reached them first), table-set.json records
#     that they left, the other database's tables stay equal to the source;
#  2. CREATE OR REPLACE DATABASE of another one: the same for its task tables;
#  3. the same command resumes (the patterns of the dropped databases matched tables that left);
#     --recopy, a fresh start, refuses them.
source "$(dirname "$0")/lib.sh"

a=e2e_dropdb_a b=e2e_dropdb_b c=e2e_dropdb_c
src_sql -e "DROP DATABASE IF EXISTS $a; DROP DATABASE IF EXISTS $b; DROP DATABASE IF EXISTS $c;
            CREATE DATABASE $a; CREATE DATABASE $b; CREATE DATABASE $c"
tgt_sql -e "DROP DATABASE IF EXISTS ${a}_t; DROP DATABASE IF EXISTS ${b}_t; DROP DATABASE IF EXISTS ${c}_t"
sb_common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root
           --mysql-db=$b --tables=2 --table-size=3000)
sysbench oltp_write_only "${sb_common[@]}" prepare >/dev/null
for t in x y; do
  src_sql $a -e "CREATE TABLE $t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO $t SELECT seq, 'copied' FROM seq_1_to_200"
  src_sql $c -e "CREATE TABLE $t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO $t SELECT seq, 'copied' FROM seq_1_to_200"
done

cat > "$WORK/dropdb.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_dropdb_a.*, e2e_dropdb_b.*, e2e_dropdb_c.*
  MAP e2e_dropdb_a.* TO e2e_dropdb_a_t.*  MAP e2e_dropdb_b.* TO e2e_dropdb_b_t.*  MAP e2e_dropdb_c.* TO e2e_dropdb_c_t.*
  DDL (DROP DATABASE = APPLY) WITH (parallel = 4);
EOF2
run_args=("$WORK/dropdb.omsql" --task-dir "$WORK/task")
tables_in() { tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$1'"; }
left_tables() { python3 -c "import json,sys; print(','.join(e['source'][0] + '.' + e['source'][1] for e in json.load(open(sys.argv[1])).get('left', [])))" "$WORK/task/table-set.json"; }
b_equal() { for t in sbtest1 sbtest2; do same_checksum $b.$t ${b}_t.$t || return 1; done; }

# --- 1. DROP DATABASE under load ---
start_link
[ "$(tables_in ${a}_t)" = 2 ] || fail "the tables of $a were not copied"
sysbench oltp_write_only "${sb_common[@]}" --threads=2 --rate=200 --time=6 run >"$WORK/sysbench.log" 2>&1 &
load=$!
sleep 2
src_sql -e "INSERT INTO $a.x VALUES (1001, 'before'); DROP DATABASE $a"
for _ in $(seq 1 100); do [ "$(tables_in ${a}_t)" = 0 ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null || fail "DROP DATABASE with DROP DATABASE = APPLY stopped the link"
[ "$(tables_in ${a}_t)" = 0 ] || fail "the target tables of $a are still there"
[ "$(left_tables)" = "$a.x,$a.y" ] || fail "table-set.json does not record that $a's tables left: $(cat "$WORK/task/table-set.json")"
grep -q "incremental: DROP DATABASE $a (its task tables $a.x, $a.y) at .*: dropping ${a}_t.x, ${a}_t.y on the target" "$WORK/run.log" ||
  fail "the replayer did not say it dropped $a's tables"
wait "$load" || { cat "$WORK/sysbench.log"; fail "sysbench failed"; }
for _ in $(seq 1 300); do b_equal && break; sleep 0.1; done
b_equal || fail "the target's $b did not converge after the DROP DATABASE under load"

# --- 2. CREATE OR REPLACE DATABASE: its task tables are dropped too ---
src_sql -e "INSERT INTO $c.y VALUES (1001, 'before'); CREATE OR REPLACE DATABASE $c; INSERT INTO $b.sbtest1 (k, c, pad) VALUES (1, 'after', 'after')"
for _ in $(seq 1 100); do [ "$(tables_in ${c}_t)" = 0 ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
[ "$(tables_in ${c}_t)" = 0 ] || fail "the target tables of $c are still there after CREATE OR REPLACE DATABASE"
grep -q "incremental: CREATE DATABASE (OR REPLACE) $c (its task tables $c.x, $c.y) at " "$WORK/run.log" ||
  fail "the replayer did not say it dropped $c's tables"
for _ in $(seq 1 300); do b_equal && break; sleep 0.1; done
b_equal || fail "the target's $b differs after the CREATE OR REPLACE DATABASE"
[ "$(left_tables)" = "$a.x,$a.y,$c.x,$c.y" ] || fail "table-set.json: $(cat "$WORK/task/table-set.json")"
kill "$pid"; wait "$pid" 2>/dev/null || true

# --- 3. The same command resumes: its MIGRATE and MAP of the dropped databases match no table on
# the source any more, but they matched the task's tables that left (table-set.json), so the
# script binds as before and the link goes on with $b. ---
src_sql $b -e "INSERT INTO sbtest1 (k, c, pad) VALUES (2, 'resumed', 'resumed')"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || { tail -20 "$WORK/run.log"; fail "the rerun after the replicated DROP DATABASE failed"; }
grep -q "matches no table" "$WORK/run.log" && fail "the rerun refused the patterns of the dropped databases"
b_equal || fail "the target's $b differs after the rerun"
# status names the tables the link took out of the task, and --json lists the same lines.
"$OMSRUN" status --task "$WORK/task" >"$WORK/status.txt" 2>&1 || fail "omsrun status: $(cat "$WORK/status.txt")"
[ "$(grep -c "^table set  left    e2e_dropdb_[ac]\.[xy] (to e2e_dropdb_[ac]_t\.[xy]) at .*: dropped, its target table with it (DROP DATABASE\|^table set  left    e2e_dropdb_[ac]\.[xy] (to e2e_dropdb_[ac]_t\.[xy]) at .*: dropped, its target table with it (CREATE OR REPLACE DATABASE" "$WORK/status.txt")" = 4 ] ||
  fail "status does not list the four tables that left: $(cat "$WORK/status.txt")"
"$OMSRUN" status --task "$WORK/task" --json | python3 -c "import json,sys; c=json.load(sys.stdin)['table_set_changes']; assert len(c) == 4 and all(l.startswith('left') for l in c), c" ||
  fail "status --json has no table_set_changes"
# A fresh start of the same script is refused, at the pattern's place: nothing matches it now.
expect_refusal 2 "$OMSRUN" "${run_args[@]}" --recopy
grep -q "matches no table in the source" <<<"$out" || fail "the --recopy refusal does not name the pattern: $out"
src_sql -e "DROP DATABASE $b; DROP DATABASE IF EXISTS $c"
tgt_sql -e "DROP DATABASE IF EXISTS ${a}_t; DROP DATABASE IF EXISTS ${b}_t; DROP DATABASE IF EXISTS ${c}_t"
echo "ddl_drop_database_e2e: ok"
