#!/usr/bin/env bash
# RENAME TABLE of task tables in the live link (issue 12 §2, docs/operations.md "DDL in the live
# link"), under a sysbench write load on 4 apply lanes:
#  1. within the MIGRATE patterns: the target table is renamed at the statement's place and the rows
#     written under the new name follow it;
#  2. gh-ost's cut-over: CREATE TABLE _users_gho LIKE users, ALTER it, fill it, then
#     `RENAME TABLE users TO _users_del, _users_gho TO users` and DROP TABLE _users_del: the target's
#     users ends with the new definition and every row, the helper tables are gone;
#  3. out of the patterns (to another database): the table leaves the task, its target table keeps
#     the rows it had, table-set.json records where it went;
#     `omsrun verify --task` beside the link then compares the tables under their new names (and
#     `omsrun verify FILE` from outside the stopped task, at the end, too);
#  4. captured with replay paused, kill -9, rerun: renamed exactly once at its place; and with the
#     target renamed by hand before the rerun (the window between a DDL and its checkpoint): the
#     rerun sees it done and only moves the checkpoint.
source "$(dirname "$0")/lib.sh"

db=e2e_rename
src_sql -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_other; CREATE DATABASE $db; CREATE DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
sb_common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root
           --mysql-db=$db --tables=2 --table-size=3000)
sysbench oltp_write_only "${sb_common[@]}" prepare >/dev/null
for t in orders users legacy crash1 crash2; do
  src_sql $db -e "CREATE TABLE $t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO $t SELECT seq, 'copied' FROM seq_1_to_300"
done

cat > "$WORK/rename.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_rename.* MAP e2e_rename.* TO e2e_rename_t.* DDL (DROP TABLE = APPLY) WITH (parallel = 4);
EOF2
run_args=("$WORK/rename.omsql" --task-dir "$WORK/task")
target_has() { [ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}_t' AND TABLE_NAME = '$1'")" = 1 ]; }
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
definition() { # server db table: SHOW CREATE TABLE without the table's name line and AUTO_INCREMENT
  $1 -N -e "SHOW CREATE TABLE \`$2\`.\`$3\`" | cut -f2- | sed -e '1d' -e 's/ AUTO_INCREMENT=[0-9]*//'
}

# --- 1-3 under load ---
start_link
sysbench oltp_write_only "${sb_common[@]}" --threads=2 --rate=200 --time=10 run >"$WORK/sysbench.log" 2>&1 &
load=$!
sleep 2
src_sql $db -e "INSERT INTO orders VALUES (1001, 'before'); RENAME TABLE orders TO orders_2024;
                INSERT INTO orders_2024 VALUES (1002, 'after'); UPDATE orders_2024 SET v = 'updated' WHERE id = 1"
src_sql $db -e "CREATE TABLE _users_gho LIKE users; ALTER TABLE _users_gho ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'new';
                INSERT INTO _users_gho (id, v) SELECT id, v FROM users; INSERT INTO users VALUES (1001, 'during');
                INSERT INTO _users_gho (id, v) VALUES (1001, 'during');
                RENAME TABLE users TO _users_del, _users_gho TO users; DROP TABLE _users_del;
                INSERT INTO users VALUES (1002, 'after', 'cut over')"
src_sql $db -e "INSERT INTO legacy VALUES (1001, 'before'); RENAME TABLE legacy TO ${db}_other.legacy;
                INSERT INTO ${db}_other.legacy VALUES (1002, 'after')"
wait "$load" || { cat "$WORK/sysbench.log"; fail "sysbench failed"; }
wait_equal "after the renames under load" sbtest1 sbtest2 orders_2024 users crash1 crash2
kill -0 "$pid" 2>/dev/null || fail "a RENAME TABLE stopped the link"
target_has orders && fail "the target still has orders after it was renamed"
for t in _users_gho _users_del; do target_has $t && fail "the target still has $t"; done
[ "$(definition src_sql $db users)" = "$(definition tgt_sql ${db}_t users)" ] ||
  fail "users after the cut-over: $(definition tgt_sql ${db}_t users)"
[ "$(tgt_sql -N -e "SELECT note FROM ${db}_t.users WHERE id = 1002")" = "cut over" ] || fail "the row after the cut-over"
grep -q "incremental: RENAME TABLE at .*: renaming ${db}_t.orders to ${db}_t.orders_2024 on the target" "$WORK/run.log" ||
  fail "the replayer did not say it renamed orders"
grep -q "incremental: RENAME TABLE at .*: renaming ${db}_t.users to ${db}_t._users_del, ${db}_t._users_gho to ${db}_t.users on the target" "$WORK/run.log" ||
  fail "the replayer did not say it swapped users"
# legacy left the task: its target table has what it had up to the rename, not what came after.
target_has legacy || fail "the target table of legacy, renamed out of the task, was dropped"
[ "$(tgt_sql -N -e "SELECT COUNT(*), SUM(id = 1001), SUM(id = 1002) FROM ${db}_t.legacy")" = "301	1	0" ] ||
  fail "legacy on the target: $(tgt_sql -N -e "SELECT COUNT(*), SUM(id = 1001), SUM(id = 1002) FROM ${db}_t.legacy")"
python3 - "$WORK/task/table-set.json" <<'PY' || fail "table-set.json: $(cat "$WORK/task/table-set.json")"
import json, sys
s = json.load(open(sys.argv[1]))
left = {e['source'][1]: e.get('renamed_to') for e in s.get('left', [])}
assert left['orders'] == ['e2e_rename', 'orders_2024'], left
assert left['legacy'] == ['e2e_rename_other', 'legacy'], left
tables = {e['source'][1] for e in s['tables']}
assert {'orders_2024', 'users'} <= tables and not {'orders', 'legacy', '_users_gho', '_users_del'} & tables, tables
PY
# Verification beside the link covers the tables as the link left them: the renamed orders_2024
# and the cut-over users (which joined through the RENAME), none of the names that are gone.
"$OMSRUN" verify --task "$WORK/task" --json "$WORK/verify.json" >"$WORK/verify.log" 2>&1 ||
  fail "verify beside the link after the renames"
python3 - "$WORK/verify.json" <<'PY' || fail "the verification's tables: $(cat "$WORK/verify.json")"
import json, sys
r = json.load(open(sys.argv[1]))
names = {t['source'] for t in r['tables']}
want = {'e2e_rename.' + t for t in ('sbtest1', 'sbtest2', 'orders_2024', 'users', 'crash1', 'crash2')}
assert names == want, sorted(names)
assert r['outcome'] == 'clean', r['outcome']
PY

# --- 4a. captured, not applied, kill -9: the rerun renames once ---
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
src_sql $db -e "INSERT INTO crash1 VALUES (1001, 'before'); ALTER TABLE crash1 RENAME TO crash1_b;
                INSERT INTO crash1_b VALUES (1002, 'after')"
wait_stored
target_has crash1 || fail "replay was paused, yet crash1 was renamed on the target"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the rerun after the captured RENAME failed"
[ "$(grep -c "incremental: ALTER TABLE at .*: renaming ${db}_t.crash1 to ${db}_t.crash1_b on the target" "$WORK/run.log")" = 1 ] ||
  fail "the rerun did not rename crash1 exactly once at the barrier"
tables_equal sbtest1 sbtest2 orders_2024 users crash1_b crash2 || fail "the target differs after the rerun"

# --- 4b. renamed on the target already, its checkpoint did not move ---
start_link
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
src_sql $db -e "RENAME TABLE crash2 TO crash2_b; INSERT INTO crash2_b VALUES (1002, 'after')"
wait_stored
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
# The window between the DDL and its checkpoint (nothing of crash2 before it was left to apply):
# the rename ran on the target, the lanes' checkpoints are still before it.
tgt_sql -e "RENAME TABLE ${db}_t.crash2 TO ${db}_t.crash2_b"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the rerun after the rename ran without its checkpoint failed"
grep -q "incremental: RENAME TABLE at .*: renaming ${db}_t.crash2 to ${db}_t.crash2_b on the target (already renamed on the target)" "$WORK/run.log" ||
  fail "the rerun did not see the rename done"
tables_equal sbtest1 sbtest2 orders_2024 users crash1_b crash2_b || fail "the target differs after the second rerun"
compare --pair $db.sbtest1=${db}_t.sbtest1 --pair $db.orders_2024=${db}_t.orders_2024 --pair $db.users=${db}_t.users \
  --pair $db.crash2_b=${db}_t.crash2_b || fail "row comparison"
# --- 5. omsrun verify FILE from outside the (stopped) task: the tables as the link left the
# target (runner::plan_as_applied), not the script's start set, which names orders and crash1. ---
"$OMSRUN" verify "${run_args[@]}" --json "$WORK/verify_file.json" >"$WORK/verify_file.log" 2>&1 ||
  fail "omsrun verify FILE after the renames: $(tail -5 "$WORK/verify_file.log")"
python3 - "$WORK/verify_file.json" <<'PY' || fail "verify FILE's tables: $(cat "$WORK/verify_file.json")"
import json, sys
r = json.load(open(sys.argv[1]))
names = {t['source'] for t in r['tables']}
want = {'e2e_rename.' + t for t in ('sbtest1', 'sbtest2', 'orders_2024', 'users', 'crash1_b', 'crash2_b')}
assert names == want, sorted(names)
assert r['outcome'] == 'clean', r['outcome']
PY
src_sql -e "DROP DATABASE $db; DROP DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_rename_e2e: ok"
