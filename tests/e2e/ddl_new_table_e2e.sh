#!/usr/bin/env bash
# New tables in the MIGRATE patterns in the live link (docs/operations.md "DDL in the live link"):
#  1. tables created, renamed and dropped outside the patterns (another database, an EXCLUDEd
#     name) keep the link running, and a change made after them arrives;
#  2. CREATE TABLE in a migrated database joins the task: created on the target under the MAP's
#     name, its rows arrive (ddl_join_e2e covers LIKE, ... SELECT and crashes under load);
#  3. RENAME TABLE from another database into the pattern: the table joins the task with a copy of
#     the rows it had (they are not in the binlog), made at the rename's barrier while the lanes
#     wait; the changes after the rename arrive too; a kill -9 right after another such rename
#     converges on the rerun (the copy is redone from table-copies.json);
#     A keyless table renamed in joins too: copied in one snapshot, whose changes replay skips
#     (duplicate rows stay duplicates);
#  4. a table renamed in with a foreign key action to a task table stops the link, exit 1, naming
#     the table, the position and the ways out; a rerun stops at it again; the way out "EXCLUDE
#     it": the same task run again with the table excluded passes it.
source "$(dirname "$0")/lib.sh"

db=e2e_ddlnew
src_sql -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_other; CREATE DATABASE $db; CREATE DATABASE ${db}_other"
src_sql $db -e "CREATE TABLE $db.t (id INT PRIMARY KEY, v INT); INSERT INTO $db.t SELECT seq, seq FROM seq_1_to_500;
            CREATE TABLE ${db}_other.z (id INT PRIMARY KEY, note VARCHAR(20) CHARACTER SET utf8mb4, b VARBINARY(8));
            INSERT INTO ${db}_other.z SELECT seq, IF(seq % 7 = 0, NULL, CONCAT('zé', seq)), IF(seq % 5 = 0, '', UNHEX('00FF'))
              FROM seq_1_to_3000;
            CREATE TABLE ${db}_other.w (id INT PRIMARY KEY, v INT); INSERT INTO ${db}_other.w SELECT seq, seq FROM seq_1_to_2000;
            CREATE TABLE ${db}_other.k (v INT, note TEXT); INSERT INTO ${db}_other.k VALUES (1, 'a'), (1, 'a'), (2, NULL);
            CREATE TABLE ${db}_other.fk (id INT PRIMARY KEY, t_id INT, FOREIGN KEY (t_id) REFERENCES $db.t (id) ON DELETE CASCADE)"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"

script() { # extra EXCLUDE patterns
  cat > "$WORK/new.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* EXCLUDE $db.skip_*$1 MAP $db.* TO ${db}_t.* WITH (parallel = 2, task_dir = '$WORK/task');
EOF2
}
field() { # python-subscript
  "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null |
    python3 -c "import json,sys; v=json.load(sys.stdin); print(v$1)" 2>/dev/null || echo none
}
start_link() { # log: runs the task until its link has caught up; sets $pid
  "$OMSRUN" "$WORK/new.omsql" >"$WORK/$1.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(field '["caught_up"]')" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the task ended before its link caught up"
    sleep 0.1
  done
  fail "the task never caught up"
}
expect_stop() { # log what...: the link stops by itself, exit 1, the log holding each `what`
  local log=$1 code; shift
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "$log: the DDL did not stop the link"; fi
  set +e; wait "$pid"; code=$?; set -e
  [ "$code" = 1 ] || fail "$log: the task ended with $code after the DDL, want 1"
  for what in "$@"; do
    grep -qF -- "$what" "$WORK/$log.log" || { cat "$WORK/$log.log"; fail "$log: the stop message lacks: $what"; }
  done
}
arrives() { # id v: waits until the target's t holds v at id (while the link runs)
  for _ in $(seq 1 100); do
    [ "$(tgt_sql -N -e "SELECT v FROM ${db}_t.t WHERE id = $1")" = "$2" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$WORK"/*.log; fail "the link stopped before v = $2 arrived"; }
    sleep 0.1
  done
  fail "v = $2 at id $1 never arrived"
}

# --- 1. new tables outside the patterns ---
script ""
start_link run1
src_sql -e "CREATE TABLE ${db}_other.x (id INT PRIMARY KEY); RENAME TABLE ${db}_other.x TO ${db}_other.y;
            CREATE TABLE ${db}_other.c LIKE $db.t; CREATE TABLE ${db}_other.s AS SELECT * FROM $db.t LIMIT 2;
            CREATE TABLE $db.skip_load (id INT PRIMARY KEY); RENAME TABLE ${db}_other.y TO $db.skip_y;
            DROP TABLE $db.skip_load, $db.skip_y, ${db}_other.c, ${db}_other.s; UPDATE $db.t SET v = 111 WHERE id = 1"
arrives 1 111

# --- 2. CREATE TABLE in the migrated database joins the task ---
src_sql $db -e "CREATE TABLE fresh (id INT PRIMARY KEY, note TEXT); INSERT INTO fresh VALUES (1, 'joined')"
for _ in $(seq 1 100); do
  [ "$(tgt_sql -N -e "SELECT note FROM ${db}_t.fresh WHERE id = 1" 2>/dev/null)" = joined ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$WORK"/*.log; fail "the link stopped at CREATE TABLE"; }
  sleep 0.1
done
[ "$(tgt_sql -N -e "SELECT note FROM ${db}_t.fresh WHERE id = 1")" = joined ] || fail "the new table's row never arrived"
grep -q "binlog: $db.fresh was created on the source at .*: it joins the task (to ${db}_t.fresh)" "$WORK/run1.log" ||
  fail "the tailer did not say the table joins"

# --- 3. a RENAME into the pattern: the table joins with a copy of its rows ---
src_sql -e "RENAME TABLE ${db}_other.z TO $db.moved; UPDATE $db.moved SET note = 'after' WHERE id = 10;
            DELETE FROM $db.moved WHERE id = 11; INSERT INTO $db.moved VALUES (5000, 'new', NULL)"
for _ in $(seq 1 200); do
  [ "$(tgt_sql -N -e "SELECT note FROM ${db}_t.moved WHERE id = 5000" 2>/dev/null)" = new ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$WORK/run1.log"; fail "the link stopped at the RENAME into the pattern"; }
  sleep 0.1
done
src_sql -e "UPDATE $db.t SET v = 222 WHERE id = 2"
arrives 2 222
same_checksum $db.moved ${db}_t.moved || fail "moved differs on the target"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.moved")" = 3000 ] || fail "moved does not hold its 3000 rows"
grep -q "binlog: $db.moved was renamed into the MIGRATE patterns on the source at .*: it joins the task (to ${db}_t.moved)" \
  "$WORK/run1.log" || fail "the tailer did not say the renamed table joins"
grep -q "incremental: copied $db.moved at .*: 3000 row(s)" "$WORK/run1.log" || { cat "$WORK/run1.log"; fail "replay did not copy moved at the rename"; }
"$OMSRUN" status --task "$WORK/task" | grep -q "joined.*$db.moved" || fail "status does not show moved joining"

# A keyless table renamed in: one snapshot copy, then its changes after the snapshot.
src_sql -e "RENAME TABLE ${db}_other.k TO $db.keyless; INSERT INTO $db.keyless VALUES (2, NULL), (3, 'c');
            UPDATE $db.keyless SET note = 'b' WHERE v = 1 LIMIT 1"
src_sql -e "DELETE FROM $db.keyless WHERE v = 3; UPDATE $db.t SET v = 223 WHERE id = 2"
arrives 2 223
same_checksum $db.keyless ${db}_t.keyless || { tgt_sql -e "SELECT * FROM ${db}_t.keyless"; fail "keyless differs on the target"; }
grep -q "incremental: copied $db.keyless at" "$WORK/run1.log" || fail "replay did not copy keyless at the rename"

# A kill -9 right after another rename into the pattern: the rerun converges.
src_sql -e "RENAME TABLE ${db}_other.w TO $db.moved2; UPDATE $db.moved2 SET v = -v WHERE id <= 100"
sleep 0.3
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
src_sql -e "UPDATE $db.moved2 SET v = 7 WHERE id BETWEEN 1000 AND 1010; DELETE FROM $db.moved2 WHERE id = 1999"
start_link run1b
same_checksum $db.moved2 ${db}_t.moved2 || { cat "$WORK/run1b.log"; fail "moved2 differs after the kill and rerun"; }
same_checksum $db.moved ${db}_t.moved || fail "moved differs after the kill and rerun"

# --- 4. a table renamed in with an FK action to a task table stops the link; excluded, it passes ---
src_sql -e "RENAME TABLE ${db}_other.fk TO $db.cascading"
expect_stop run1b "RENAME TABLE ${db}_other.fk TO $db.cascading" "$db.cascading (renamed into the MIGRATE patterns) has the foreign key" \
  "with an ON DELETE/UPDATE action" "Run again with --recopy, or EXCLUDE it"
grep -qE "source DDL at [^ ]+:[0-9]+ (gtid [^ ]+ )?.*renames task tables" "$WORK/run1b.log" || fail "the stop message names no position"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}_t' AND TABLE_NAME = 'cascading'")" = 0 ] ||
  fail "the refused table was created on the target"
# A rerun meets the same statement and stops again: nothing passes it silently.
set +e; timeout 60 "$OMSRUN" "$WORK/new.omsql" >"$WORK/run2.log" 2>&1; code=$?; set -e
[ "$code" = 1 ] || fail "the rerun ended with $code, want 1"
grep -qF "$db.cascading" "$WORK/run2.log" || fail "the rerun's stop does not name $db.cascading"
script ", $db.cascading"
start_link run3
src_sql -e "UPDATE $db.t SET v = 333 WHERE id = 3; UPDATE $db.fresh SET note = 'still fed' WHERE id = 1;
            UPDATE $db.moved SET note = 'fed' WHERE id = 12"
arrives 3 333
for _ in $(seq 1 100); do
  [ "$(tgt_sql -N -e "SELECT note FROM ${db}_t.fresh WHERE id = 1")" = "still fed" ] && break
  sleep 0.1
done
[ "$(tgt_sql -N -e "SELECT note FROM ${db}_t.fresh WHERE id = 1")" = "still fed" ] || fail "the joined table is no longer fed after the rerun"
[ "$(tgt_sql -N -e "SELECT note FROM ${db}_t.moved WHERE id = 12")" = "fed" ] || fail "the renamed-in table is no longer fed after the rerun"
kill "$pid"; wait "$pid" 2>/dev/null || true
same_checksum $db.t ${db}_t.t || fail "t differs"
same_checksum $db.moved ${db}_t.moved || fail "moved differs"

src_sql -e "DROP DATABASE $db; DROP DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_new_table_e2e: ok"
