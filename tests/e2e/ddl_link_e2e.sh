#!/usr/bin/env bash
# Source DDL in the live link (issue 12 §1, docs/operations.md "DDL in the live link"):
#  1. statements that change no migrated table's rows or definition keep the link running even
#     when they name one (partition maintenance and a rebuild of it, a trigger on it, an event
#     and a procedure named like it, a view over it, CREATE TABLE ... LIKE / AS SELECT from it,
#     DDL of a same-named table in another database, temporary tables, SET STATEMENT ... FOR);
#     a change made after them reaches the target;
#  2. a RENAME chain that swaps another table in under a migrated name is replicated: the task
#     table is renamed on the target, the other one joins with a copy of its rows, and the link goes
#     on; TRUNCATE and a DROP TABLE list holding a migrated table are replicated and
#     the link goes on; an ALTER that renames the table and changes it too (not replicated yet)
#     stops it at the barrier, after the changes before it were applied.
source "$(dirname "$0")/lib.sh"

db=e2e_ddl
src_sql -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_other; CREATE DATABASE $db; CREATE DATABASE ${db}_other;
            CREATE TABLE $db.t (id INT PRIMARY KEY, v INT) PARTITION BY HASH (id) PARTITIONS 2;
            CREATE TABLE $db.\`we\`\`ird t\` (id INT PRIMARY KEY, v INT);
            CREATE TABLE ${db}_other.t (id INT PRIMARY KEY, v INT)"
src_sql $db -e "INSERT INTO t SELECT seq, seq FROM seq_1_to_1000; INSERT INTO \`we\`\`ird t\` SELECT seq, seq FROM seq_1_to_100;
                INSERT INTO ${db}_other.t SELECT seq, seq FROM seq_1_to_10"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t1; DROP DATABASE IF EXISTS ${db}_t2; DROP DATABASE IF EXISTS ${db}_t3; DROP DATABASE IF EXISTS ${db}_t4"

script() { # n: a task migrating $db into ${db}_tn
  cat > "$WORK/ddl$1.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t$1.* DDL (TRUNCATE TABLE = APPLY, DROP TABLE = APPLY) WITH (parallel = 2, task_dir = '$WORK/task$1');
EOF2
}
field() { # n python-subscript
  "$OMSRUN" status --task "$WORK/task$1" --json 2>/dev/null |
    python3 -c "import json,sys; v=json.load(sys.stdin); print(v$2)" 2>/dev/null || echo none
}
start_link() { # n: runs task n until its link has caught up; sets $pid
  script "$1"
  "$OMSRUN" "$WORK/ddl$1.omsql" >"$WORK/run$1.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(field "$1" '["caught_up"]')" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "task $1 ended before its link caught up"
    sleep 0.1
  done
  fail "task $1 never caught up"
}
expect_stop() { # n what...: the link of task n stops by itself, exit 1, its log holding each `what`
  local n=$1 code; shift
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "task $n: the DDL did not stop the link"; fi
  set +e; wait "$pid"; code=$?; set -e
  [ "$code" = 1 ] || fail "task $n ended with $code after the DDL, want 1"
  for what in "$@"; do
    grep -qF -- "$what" "$WORK/run$n.log" || { cat "$WORK/run$n.log"; fail "task $n: the stop message lacks: $what"; }
  done
}

# --- 1. harmless statements, then a change that must arrive ---
start_link 1
src_sql $db -e "ANALYZE TABLE t; ALTER TABLE t ANALYZE PARTITION p0; ALTER TABLE t OPTIMIZE PARTITION p1;
                ALTER TABLE t FORCE; ALTER TABLE \`we\`\`ird t\` FORCE, ALGORITHM = INPLACE, LOCK = NONE;
                SET STATEMENT max_statement_time = 60 FOR OPTIMIZE TABLE t;
                CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW SET NEW.v = NEW.v; DROP TRIGGER trg;
                CREATE EVENT t ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM t; DROP EVENT t;
                CREATE PROCEDURE t() DELETE FROM t; DROP PROCEDURE t;
                CREATE VIEW ${db}_other.v AS SELECT * FROM $db.t; DROP VIEW ${db}_other.v;
                CREATE TABLE ${db}_other.shape LIKE t; CREATE TABLE ${db}_other.few AS SELECT * FROM t LIMIT 3;
                ALTER TABLE ${db}_other.t ADD x INT; TRUNCATE ${db}_other.t; CREATE INDEX i ON ${db}_other.t (v);
                CREATE TEMPORARY TABLE t (a INT); DROP TEMPORARY TABLE t;
                UPDATE t SET v = 424242 WHERE id = 1; UPDATE \`we\`\`ird t\` SET v = 7 WHERE id = 1" >/dev/null
for _ in $(seq 1 100); do
  [ "$(tgt_sql -N -e "SELECT v FROM ${db}_t1.\`we\`\`ird t\` WHERE id = 1")" = 7 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null || { cat "$WORK/run1.log"; fail "a statement that changes no migrated table stopped the link"; }
[ "$(tgt_sql -N -e "SELECT v FROM ${db}_t1.t WHERE id = 1")" = 424242 ] || fail "the change after the harmless statements was not applied"
[ "$(tgt_sql -N -e "SELECT v FROM ${db}_t1.\`we\`\`ird t\` WHERE id = 1")" = 7 ] || fail "the change of \`we\`\`ird t\` was not applied"
same_checksum $db.t ${db}_t1.t || fail "t differs after the harmless statements"

# --- 2. DDL that replaces, empties or drops a migrated table ---
# A swap of another table in under a migrated name: the task table is renamed on the target, the
# other one joins with a copy of its rows (a cut-over whose new table lives in another database).
src_sql -e "INSERT INTO ${db}_other.t VALUES (1, 10, 100), (2, NULL, NULL)"
src_sql $db -e "RENAME TABLE \`we\`\`ird t\` TO old_w, ${db}_other.t TO \`we\`\`ird t\`; INSERT INTO \`we\`\`ird t\` VALUES (3, 30, 300);
                UPDATE old_w SET v = 8 WHERE id = 1"
for _ in $(seq 1 100); do
  [ "$(tgt_sql -N -e "SELECT v FROM ${db}_t1.old_w WHERE id = 1" 2>/dev/null)" = 8 ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$WORK/run1.log"; fail "the swap of another table in stopped the link"; }
  sleep 0.1
done
same_checksum "$db.\`we\`\`ird t\`" "${db}_t1.\`we\`\`ird t\`" || { cat "$WORK/run1.log"; fail "the table swapped in differs"; }
same_checksum $db.old_w ${db}_t1.old_w || fail "the table swapped out differs"
grep -qE "incremental: copied $db.we\`ird t at .*: [23] row\\(s\\)" "$WORK/run1.log" || { cat "$WORK/run1.log"; fail "the table swapped in was not copied"; }
"$OMSRUN" stop --task "$WORK/task1" >/dev/null || fail "omsrun stop"
wait "$pid" || fail "a stopped task must exit 0"

# TRUNCATE is replicated (ddl_truncate_e2e shows it under load): the link goes on, the target empties.
start_link 2
src_sql $db -e "TRUNCATE TABLE t; INSERT INTO t VALUES (5, 55)"
for _ in $(seq 1 100); do
  [ "$(tgt_sql -N -e "SELECT GROUP_CONCAT(id) FROM ${db}_t2.t")" = 5 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null || { cat "$WORK/run2.log"; fail "TRUNCATE of a migrated table stopped the link"; }
[ "$(tgt_sql -N -e "SELECT GROUP_CONCAT(id) FROM ${db}_t2.t")" = 5 ] || fail "TRUNCATE was not replicated"
"$OMSRUN" stop --task "$WORK/task2" >/dev/null || fail "omsrun stop"
wait "$pid" || fail "a stopped task must exit 0"

# A DROP list holding a migrated table is replicated (ddl_drop_e2e): the table leaves the task.
start_link 3
src_sql $db -e "DROP TABLE IF EXISTS not_there, ${db}_other.shape, old_w; UPDATE t SET v = 77 WHERE id = 5"
for _ in $(seq 1 100); do
  [ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}_t3' AND TABLE_NAME = 'old_w'")" = 0 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null || { cat "$WORK/run3.log"; fail "DROP TABLE of a migrated table stopped the link"; }
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}_t3' AND TABLE_NAME = 'old_w'")" = 0 ] ||
  fail "the DROP list was not replicated"
# A DDL the link does not replicate (a rename with another change) stops it at the barrier: the changes before it are applied
# first (replay was paused, so they waited in the spool), none after it.
"$OMSRUN" pause --task "$WORK/task3" >/dev/null || fail "omsrun pause"
src_sql $db -e "UPDATE t SET v = 88 WHERE id = 5; INSERT INTO t VALUES (6, 66); ALTER TABLE t ADD COLUMN w INT, RENAME TO t_old;
                UPDATE t_old SET v = 99 WHERE id = 5"
sleep 1.5  # captured meanwhile (heartbeat 1 s)
"$OMSRUN" resume --task "$WORK/task3" >/dev/null || fail "omsrun resume"
expect_stop 3 "source DDL on migrated table $db.t at " "(ALTER TABLE changes it: ADD COLUMN w, RENAME TO $db.t_old)"
[ "$(tgt_sql -N -e "SELECT GROUP_CONCAT(v ORDER BY id) FROM ${db}_t3.t")" = 88,66 ] ||
  fail "the changes before the ALTER ... RENAME were not applied before the link stopped"
grep -q "binlog: capture halts at the DDL at " "$WORK/run3.log" || fail "capture did not halt at the ALTER ... RENAME"

# The DROP DATABASE of a migrated database stops the link by default (the policy's STOP; with
# DDL (DROP DATABASE = APPLY) its task tables are dropped, ddl_drop_database_e2e).
start_link 4
src_sql -e "DROP DATABASE $db"
expect_stop 4 "source DDL on migrated table $db.t_old at " "DROP DATABASE stops by default (it destroys rows on the target"

src_sql -e "DROP DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t1; DROP DATABASE IF EXISTS ${db}_t2; DROP DATABASE IF EXISTS ${db}_t3; DROP DATABASE IF EXISTS ${db}_t4"
echo "ddl_link_e2e: ok"
