#!/usr/bin/env bash
# ALTER TABLE, CREATE INDEX and DROP INDEX of migrated tables are replicated in the live link
# (issue 12 §2–4, docs/operations.md "DDL in the live link"): under a sysbench write load on 4
# apply lanes and a writer on a side table, columns are added (then written), modified and
# dropped, indexes created and dropped, on sysbench's own table too. The link goes on; once the
# load stops each target table has the source's definition (SHOW CREATE TABLE, AUTO_INCREMENT
# aside) and its rows (CHECKSUM TABLE, row comparison). Then the crash window: an ALTER captured,
# run on the target by hand as if the replayer had run it, kill -9 before its checkpoint: the
# rerun sees the target already has it and only moves the checkpoint.
source "$(dirname "$0")/lib.sh"

db=e2e_alter
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
sb_common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root
           --mysql-db=$db --tables=2 --table-size=3000)
sysbench oltp_write_only "${sb_common[@]}" prepare >/dev/null
src_sql $db -e "CREATE TABLE items (id INT PRIMARY KEY, qty INT NOT NULL DEFAULT 0, note VARCHAR(20), KEY k_qty (qty));
                INSERT INTO items SELECT seq, seq % 10, 'copied' FROM seq_1_to_500"

cat > "$WORK/alter.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_alter.* MAP e2e_alter.* TO e2e_alter_t.* WITH (parallel = 4);
EOF2
run_args=("$WORK/alter.omsql" --task-dir "$WORK/task")
status_field() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null |
                   python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))" 2>/dev/null || echo none; }
start_link() {
  "$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(status_field caught_up)" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the task ended before its link caught up"
    sleep 0.1
  done
  fail "the link never caught up"
}
definition() { # sql db table: SHOW CREATE TABLE without AUTO_INCREMENT
  $1 -N -e "SHOW CREATE TABLE \`$2\`.\`$3\`" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'
}
same_table() { # table: definition and rows equal
  [ "$(definition src_sql $db "$1")" = "$(definition tgt_sql ${db}_t "$1")" ] && same_checksum $db.$1 ${db}_t.$1
}
converged() { for t in sbtest1 sbtest2 items; do same_table $t || return 1; done; }
wait_converged() {
  for _ in $(seq 1 300); do
    converged && return 0
    kill -0 "$pid" 2>/dev/null || fail "the link ended: $1"
    sleep 0.1
  done
  for t in sbtest1 sbtest2 items; do
    diff <(definition src_sql $db $t) <(definition tgt_sql ${db}_t $t) >&2 || true
  done
  fail "the target did not converge: $1"
}
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

start_link
sysbench oltp_write_only "${sb_common[@]}" --threads=2 --rate=200 --time=14 run >"$WORK/sysbench.log" 2>&1 &
load=$!
# The side writer touches only columns every version of items has.
( for i in $(seq 1 150); do
    src_sql $db -e "INSERT INTO items (id, note) VALUES ($((1000 + i)), 'w$i'); UPDATE items SET note = 'u$i' WHERE id = $((i % 500 + 1));
                    DELETE FROM items WHERE id = $((1000 + i - 5))" || exit 1
    sleep 0.05
  done ) &
side=$!
sleep 1.5
src_sql $db -e "ALTER TABLE items ADD COLUMN extra INT NOT NULL DEFAULT 7 AFTER qty; UPDATE items SET extra = id WHERE id <= 50"
sleep 0.5
src_sql $db -e "CREATE INDEX ix_note ON items (note); ALTER TABLE items MODIFY note VARCHAR(40) NOT NULL DEFAULT '';
                UPDATE items SET note = REPEAT('n', 35) WHERE id = 3"
sleep 0.5
src_sql $db -e "ALTER TABLE sbtest1 ADD COLUMN tag INT NULL, ADD INDEX ix_tag (tag); UPDATE sbtest1 SET tag = 5 WHERE id <= 10"
sleep 0.5
src_sql $db -e "ALTER TABLE items DROP COLUMN qty; DROP INDEX ix_note ON items; ALTER TABLE items ADD UNIQUE KEY u_extra_id (extra, id)"
sleep 1
kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/run.log"; fail "a replicated ALTER stopped the link"; }
wait "$side" || fail "the side writer failed"
wait "$load" || { cat "$WORK/sysbench.log"; fail "sysbench failed"; }
wait_converged "after the ALTERs under load"
[ "$(grep -c "incremental: ALTER TABLE $db.items at " "$WORK/run.log")" -ge 3 ] || fail "the replayer did not apply the ALTERs of items"
grep -q "incremental: CREATE INDEX $db.items at " "$WORK/run.log" || fail "the replayer did not apply CREATE INDEX"
grep -q "incremental: DROP INDEX $db.items at " "$WORK/run.log" || fail "the replayer did not apply DROP INDEX"
compare --pair $db.sbtest1=${db}_t.sbtest1 --pair $db.items=${db}_t.items || fail "row comparison"

# --- the crash window: the ALTER ran on the target, its checkpoint did not move ---
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
src_sql $db -e "UPDATE items SET note = 'before' WHERE id = 1; ALTER TABLE items ADD COLUMN late INT NOT NULL DEFAULT 1;
                UPDATE items SET late = 2, note = 'after' WHERE id = 1"
wait_stored
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
tgt_sql -e "ALTER TABLE ${db}_t.items ADD COLUMN late INT NOT NULL DEFAULT 1"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the rerun after an ALTER without its checkpoint failed"
grep -q "already applied: the target table is as the statement leaves it" "$WORK/run.log" || fail "the rerun did not see the ALTER applied"
converged || fail "the target differs after the rerun"
[ "$(tgt_sql -N -e "SELECT CONCAT(note, ',', late) FROM ${db}_t.items WHERE id = 1")" = after,2 ] || fail "the change after the ALTER is missing"
echo "sysbench: $(grep -E 'transactions:' "$WORK/sysbench.log" | xargs)"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_alter_e2e: ok"
