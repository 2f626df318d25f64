#!/usr/bin/env bash
# DDL the link has nothing to apply for, and DDL after one it passed (issue 12 §2–3,
# docs/operations.md "DDL in the live link"), under a writer on the table the whole time:
#  1. ALTERs that leave the definition as it was (ENGINE=InnoDB, FORCE, a MODIFY to the column's
#     own type, twice in a row) pass: the link goes on, the log says there is nothing to apply.
#  2. `DDL (CREATE INDEX = IGNORE)`: CREATE INDEX ix_note is passed (the target never gets it);
#     the next ALTER (ADD COLUMN) is applied although the target lacks that index (its barrier
#     compares only what it changes); then a kill -9 and a rerun (the table bound from the schema
#     history, the index in its definition) take a second ADD COLUMN and a DROP INDEX of the
#     index the target never had (already as it leaves it).
#  3. The shadow databases: one a killed omsql left (its time long past) is dropped when capture
#     opens the shadow schema; a fresh one (another task's evaluation) and a user's database that
#     only begins with omsql_shadow_ are left alone.
# Each step ends with the target table's rows equal to the source's (CHECKSUM TABLE) and its
# definition equal to the source's but for the passed index.
source "$(dirname "$0")/lib.sh"

db=e2e_noop
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
            CREATE TABLE $db.items (id INT PRIMARY KEY, qty INT NOT NULL DEFAULT 0, note VARCHAR(20)) ENGINE=InnoDB"
src_sql $db -e "INSERT INTO items SELECT seq, seq % 10, 'copied' FROM seq_1_to_2000"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
cat > "$WORK/noop.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_noop.* MAP e2e_noop.* TO e2e_noop_t.* DDL (CREATE INDEX = IGNORE) WITH (parallel = 2);
EOF2
run_args=("$WORK/noop.omsql" --task-dir "$WORK/task")
status_field() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null |
                   python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))" 2>/dev/null || echo none; }
start_link() {
  "$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(status_field caught_up)" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || { tail -5 "$WORK/run.log" >&2; fail "the task ended before its link caught up"; }
    sleep 0.1
  done
  fail "the link never caught up"
}
start_writer() { # inserts, updates and deletes on items until stopped; sets $writer
  ( i=0
    while [ ! -e "$WORK/stop-writer" ]; do
      i=$((i + 1))
      src_sql $db -e "INSERT INTO items (id, note) VALUES ($((100000 + i)), 'w$i');
                      UPDATE items SET qty = qty + 1, note = 'u$i' WHERE id = $((i % 2000 + 1));
                      DELETE FROM items WHERE id = $((100000 + i - 3))" || exit 1
      sleep 0.02
    done ) &
  writer=$!
}
stop_writer() {
  touch "$WORK/stop-writer"; wait "$writer" || fail "the writer failed"; rm -f "$WORK/stop-writer"
}
definition() { # sql db: SHOW CREATE TABLE items without AUTO_INCREMENT
  $1 -N -e "SHOW CREATE TABLE \`$2\`.items" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'
}
wait_equal() { # what: the target's rows equal the source's; its definition the source's without ix_note
  for _ in $(seq 1 300); do
    if same_checksum $db.items ${db}_t.items &&
       [ "$(definition src_sql $db | sed -E 's/,\\n  KEY `ix_note` \(`note`\)//')" = "$(definition tgt_sql ${db}_t)" ]; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/run.log" >&2; fail "the link ended: $1"; }
    sleep 0.1
  done
  diff <(definition src_sql $db) <(definition tgt_sql ${db}_t) >&2 || true
  fail "the target did not converge: $1"
}

now=$(tgt_sql -N -e "SELECT UNIX_TIMESTAMP()")
stale=omsql_shadow_0123456789ab_$((now - 3600))_0_0
fresh=omsql_shadow_0123456789ab_${now}_1_0
tgt_sql -e "DROP DATABASE IF EXISTS omsql_shadow_mine; CREATE DATABASE $stale; CREATE TABLE $stale.items (id INT);
            CREATE DATABASE $fresh; CREATE DATABASE omsql_shadow_mine"
E2E_CLEANUP="tgt_sql -e 'DROP DATABASE IF EXISTS $stale; DROP DATABASE IF EXISTS $fresh; DROP DATABASE IF EXISTS omsql_shadow_mine'"
start_link
start_writer
# --- 1. nothing to apply ---
sleep 0.5
src_sql $db -e "ALTER TABLE items ENGINE=InnoDB"
sleep 0.3
src_sql $db -e "ALTER TABLE items FORCE"
sleep 0.3
src_sql $db -e "ALTER TABLE items MODIFY note VARCHAR(20)"
sleep 0.3
src_sql $db -e "ALTER TABLE items ENGINE=InnoDB"
sleep 0.5
stop_writer
wait_equal "after the ALTERs that change nothing"
[ "$(grep -c "incremental: ALTER TABLE $db.items at .*: passed, the table's definition after it equals the one before (nothing to apply)" \
     "$WORK/run.log")" -ge 3 ] || { grep -i "alter" "$WORK/run.log" >&2; fail "the log does not say the ALTERs had nothing to apply"; }

# --- 3. (capture opened the shadow schema at the first ALTER) ---
databases=$(tgt_sql -N -e "SELECT GROUP_CONCAT(SCHEMA_NAME ORDER BY SCHEMA_NAME) FROM information_schema.SCHEMATA
                           WHERE SCHEMA_NAME LIKE 'omsql!_shadow!_%' ESCAPE '!' AND SCHEMA_NAME IN ('$stale', '$fresh', 'omsql_shadow_mine')")
[ "$databases" = "$fresh,omsql_shadow_mine" ] || fail "the shadow databases left are '$databases', want '$fresh,omsql_shadow_mine'"
tgt_sql -e "DROP DATABASE $fresh; DROP DATABASE omsql_shadow_mine"

# --- 2. an index the policy passes, then ALTERs of the table ---
start_writer
sleep 0.3
src_sql $db -e "CREATE INDEX ix_note ON items (note)"
sleep 0.3
src_sql $db -e "ALTER TABLE items ADD COLUMN extra INT NOT NULL DEFAULT 5 AFTER qty; UPDATE items SET extra = id WHERE id <= 20"
sleep 0.5
stop_writer
wait_equal "after the ALTER that followed the passed index"
grep -q "incremental: CREATE INDEX $db.items at .*: passed, the script's DDL policy says CREATE INDEX = IGNORE" "$WORK/run.log" ||
  fail "the log does not say CREATE INDEX was passed"
[ -z "$(tgt_sql -N -e "SHOW INDEX FROM ${db}_t.items WHERE Key_name = 'ix_note'")" ] || fail "the passed index reached the target"
[ "$(tgt_sql -N -e "SELECT extra FROM ${db}_t.items WHERE id = 7")" = 7 ] || fail "the rows after the ALTER are missing"

# A rerun binds the table from the schema history (ix_note in it) and meets both ALTERs.
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
src_sql $db -e "ALTER TABLE items ADD COLUMN late INT NULL; UPDATE items SET late = 3 WHERE id <= 5;
                DROP INDEX ix_note ON items; UPDATE items SET late = 4 WHERE id = 1"
start_link
start_writer
sleep 0.5
stop_writer
wait_equal "after the rerun's ALTER and DROP INDEX"
grep -q "incremental: DROP INDEX $db.items at .*(already applied: the target table is as the statement leaves it)" "$WORK/run.log" ||
  { grep "incremental: " "$WORK/run.log" | tail -5 >&2; fail "the DROP INDEX of the passed index did not settle as already applied"; }
[ "$(tgt_sql -N -e "SELECT CONCAT(extra, ',', late) FROM ${db}_t.items WHERE id = 1")" = 1,4 ] || fail "the rows after the rerun's DDL"
kill "$pid"; wait "$pid" 2>/dev/null || true
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_noop_e2e: ok"
