#!/usr/bin/env bash
# DDL during the full copy (issue 12 §4: no "no DDL while copying" rule). A big table is copied
# slowly (max_rows_per_sec) under a write load while the source changes it: MODIFY a column's
# type (then writes values only the new type holds), DROP COLUMN, and TRUNCATE of a second
# table. The link must go on; once the load stops, every target table has the source's
# definition (SHOW CREATE TABLE, AUTO_INCREMENT aside) and rows (CHECKSUM TABLE EXTENDED).
# Before the in-link copy, the copy failed (target error 1406: Data too long for column 'note',
# rows read after the MODIFY) and every rerun failed the same way. Now capture's report of the
# MODIFY cancels big's copy; replay applies the MODIFY at its barrier and copies big again there
# (which the DROP COLUMN after it cuts off: the source no longer has `pad`), then applies the
# DROP COLUMN and copies big once more. side (TRUNCATE) needs no copy again: every row after a
# TRUNCATE is in the binlog after it.
# Then a table renamed within the patterns during its copy (a second task): capture cancels the
# copy at the rename, replay renames the target table at the barrier and copies it again under its
# new name; the target ends with the new name only, equal. Last, a keyless table altered during
# its copy (a third task) is copied again in one snapshot at the ALTER's barrier.
source "$(dirname "$0")/lib.sh"

db=e2e_dcopy
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db -e "CREATE TABLE big (id INT PRIMARY KEY, qty INT NOT NULL DEFAULT 0, note VARCHAR(10) NOT NULL DEFAULT '',
                  pad CHAR(60) NOT NULL DEFAULT '', KEY k_qty (qty));
                INSERT INTO big SELECT seq, seq % 100, LEFT(MD5(seq), 10), REPEAT('p', 60) FROM seq_1_to_60000;
                CREATE TABLE side (id INT PRIMARY KEY, v INT NOT NULL);
                INSERT INTO side SELECT seq, seq FROM seq_1_to_20000"

cat > "$WORK/dcopy.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_dcopy.* MAP e2e_dcopy.* TO e2e_dcopy_t.*
  DDL (ALTER TABLE = APPLY, TRUNCATE TABLE = APPLY)
  WITH (parallel = 2, chunk_rows = 2000, batch_rows = 500, max_rows_per_sec = 12000);
EOF2
run_args=("$WORK/dcopy.omsql" --task-dir "$WORK/task")
status_field() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null |
                   python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))" 2>/dev/null || echo none; }
definition() { $1 -N -e "SHOW CREATE TABLE \`$2\`.\`$3\`" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'; }
same_table() { [ "$(definition src_sql $db "$1")" = "$(definition tgt_sql ${db}_t "$1")" ] && same_checksum $db.$1 ${db}_t.$1; }
converged() { for t in big side; do same_table $t || return 1; done; }
# Until the target table holds 4000 copied rows (at most 10 s): the DDL then falls into its copy.
wait_copying() {
  for _ in $(seq 1 200); do
    [ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.$1" 2>/dev/null || echo 0)" -gt 4000 ] && break
    sleep 0.05
  done
}

"$OMSRUN" "${run_args[@]}" >"$WORK/run.log" 2>&1 &
pid=$!
# A writer on both tables for the whole test, touching only columns every version has.
( for i in $(seq 1 400); do
    src_sql $db -e "UPDATE big SET qty = qty + 1 WHERE id = $(( (i * 137) % 60000 + 1 ));
                    INSERT INTO big (id, qty) VALUES ($((100000 + i)), $i);
                    INSERT INTO side VALUES ($((50000 + i)), $i) ON DUPLICATE KEY UPDATE v = v + 1" 2>>"$WORK/writer.log" || true
    sleep 0.02
  done ) &
writer=$!
# The copy of big takes about 5 s: the DDL falls into it.
wait_copying big
src_sql $db -e "ALTER TABLE big MODIFY note VARCHAR(40) NOT NULL DEFAULT '';
                UPDATE big SET note = REPEAT('w', 35) WHERE id > 50000 AND id % 7 = 0"
sleep 0.3
src_sql $db -e "TRUNCATE TABLE side; INSERT INTO side SELECT seq, -seq FROM seq_1_to_300"
sleep 0.3
src_sql $db -e "ALTER TABLE big DROP COLUMN pad"
wait "$writer" || true
for _ in $(seq 1 450); do
  converged && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/run.log"; fail "the task ended: DDL during the copy stopped it"; }
  sleep 0.1
done
if ! converged; then
  for t in big side; do diff <(definition src_sql $db $t) <(definition tgt_sql ${db}_t $t) >&2 || true; done
  echo "big: source $(src_sql -N -e "SELECT COUNT(*), SUM(LENGTH(note)) FROM $db.big") target $(tgt_sql -N -e "SELECT COUNT(*), SUM(LENGTH(note)) FROM ${db}_t.big")" >&2
  fail "the target did not converge after DDL during the copy"
fi
grep -q "copy: $db.big changed on the source during its copy" "$WORK/run.log" || fail "the copy of big was not cancelled"
grep -q "incremental: copied $db.big again at" "$WORK/run.log" || fail "big was not copied again in the link"
grep -q "incremental: copying $db.side again" "$WORK/run.log" && fail "side was copied again (TRUNCATE needs no copy)"
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "in-link copies: $(grep -c "incremental: copying $db.big again at" "$WORK/run.log") started, $(grep -c "incremental: copied $db.big again at" "$WORK/run.log") finished"

# --- a RENAME TABLE within the patterns during the table's copy ---
src_sql $db -e "DROP TABLE big, side; CREATE TABLE moving (id INT PRIMARY KEY, v VARCHAR(30), KEY k_v (v));
                INSERT INTO moving SELECT seq, CONCAT('v', seq) FROM seq_1_to_50000"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
run_args=("$WORK/dcopy.omsql" --task-dir "$WORK/task2")
"$OMSRUN" "${run_args[@]}" >"$WORK/run2.log" 2>&1 &
pid=$!
wait_copying moving
src_sql $db -e "UPDATE moving SET v = 'before' WHERE id = 3; RENAME TABLE moving TO moved;
                UPDATE moved SET v = 'after' WHERE id IN (4, 49999); DELETE FROM moved WHERE id = 5; INSERT INTO moved VALUES (60000, 'new')"
renamed_done() {
  [ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}_t' AND TABLE_NAME = 'moving'")" = 0 ] &&
    same_table moved
}
for _ in $(seq 1 450); do
  renamed_done && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/run2.log"; fail "the task ended: a RENAME during the copy stopped it"; }
  sleep 0.1
done
renamed_done || { tail -20 "$WORK/run2.log"; fail "the renamed table did not converge"; }
grep -q "incremental: copied $db.moved again at" "$WORK/run2.log" || { tail -20 "$WORK/run2.log"; fail "moved was not copied again at the rename"; }
kill "$pid"; wait "$pid" 2>/dev/null || true

# --- an ALTER of a keyless table during its copy ---
# Its copy is one snapshot read (no key to chunk by), whose transaction holds the table's metadata
# lock: the ALTER waits on the source until the read is done, so it lands after the snapshot and
# replay applies it like any other (a keyless table is copied in the link when it is renamed into
# the patterns: ddl_new_table_e2e). What must hold: the link goes on, the target ends equal, and
# duplicate rows stay duplicates.
src_sql $db -e "DROP TABLE moved; CREATE TABLE heap (a INT NOT NULL, b VARCHAR(20) NOT NULL DEFAULT '');
                INSERT INTO heap SELECT seq % 1000, CONCAT('r', seq % 500) FROM seq_1_to_40000"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
run_args=("$WORK/dcopy.omsql" --task-dir "$WORK/task3")
"$OMSRUN" "${run_args[@]}" >"$WORK/run3.log" 2>&1 &
pid=$!
wait_copying heap
src_sql $db -e "INSERT INTO heap VALUES (1, 'before'), (1, 'before'); ALTER TABLE heap ADD COLUMN c INT NOT NULL DEFAULT 7;
                INSERT INTO heap (a, b) VALUES (1, 'r1'), (1, 'r1'); DELETE FROM heap WHERE a = 2 LIMIT 1;
                UPDATE heap SET c = 9 WHERE a = 3"
heap_done() { same_table heap; }
for _ in $(seq 1 450); do
  heap_done && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/run3.log"; fail "the task ended: an ALTER during a keyless copy stopped it"; }
  sleep 0.1
done
heap_done || { tail -20 "$WORK/run3.log"; diff <(definition src_sql $db heap) <(definition tgt_sql ${db}_t heap) >&2 || true
               echo "heap: source $(src_sql -N -e "SELECT COUNT(*), SUM(c) FROM $db.heap") target $(tgt_sql -N -e "SELECT COUNT(*), SUM(c) FROM ${db}_t.heap")" >&2
               fail "the keyless table altered during its copy did not converge"; }
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.heap WHERE a = 1 AND b = 'before'")" = 2 ] || fail "heap's duplicate rows did not stay duplicates"
kill "$pid"; wait "$pid" 2>/dev/null || true

src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_during_copy_e2e: ok"
