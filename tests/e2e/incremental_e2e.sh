#!/usr/bin/env bash
# Full + incremental under a running sysbench write load, with kill -9 of omsrun at several
# moments (copy, replay, live sync); after the load stops, one more run with --until caught-up
# must leave the target equal to the source by the servers' own SQL. Then a DDL on a migrated
# table stops the link with a message that names the statement.
source "$(dirname "$0")/lib.sh"

db=e2e_inc
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
sb_common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root
           --mysql-db=$db --tables=2 --table-size=30000)
sysbench oltp_write_only "${sb_common[@]}" prepare >/dev/null
# A table without a key and one with a FILTER ride along with the sysbench tables.
src_sql $db -e "CREATE TABLE events (k INT, v VARCHAR(20)); INSERT INTO events SELECT seq % 50, 'e' FROM seq_1_to_2000;
                CREATE TABLE recent (id INT PRIMARY KEY, day INT NOT NULL, v VARCHAR(10));
                INSERT INTO recent SELECT seq, seq % 10, 'r' FROM seq_1_to_1000;"

cat > "$WORK/inc.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_inc.* MAP e2e_inc.* TO e2e_inc_t.*
  FILTER e2e_inc.recent WHERE day >= 5
  WITH (parallel = 2, chunk_rows = 3000, batch_rows = 1000);
EOF2

# The write load: sysbench on the sbtest tables plus a side writer for the other two.
sysbench oltp_write_only "${sb_common[@]}" --threads=2 --rate=150 --time=24 run >"$WORK/sysbench.log" 2>&1 &
load=$!
(
  for i in $(seq 1 120); do
    src_sql $db -e "INSERT INTO events VALUES ($i, 'n'); DELETE FROM events WHERE k = $((i % 50)) LIMIT 1;
                    UPDATE recent SET day = (day + 3) % 10, v = 'u$i' WHERE id = $((i * 7 % 1000 + 1));
                    INSERT INTO recent VALUES ($((1000 + i)), $((i % 10)), 'n');" || true
    sleep 0.2
  done
) &
side=$!

# Started directly (no shell function in between), so that $! is omsrun itself.
run_args=("$WORK/inc.omsql" --task-dir "$WORK/task")
# Kill moments: a random offset within each window, so every run hits other instants of the copy,
# the replay and the live sync.
for window in 0.2 1.2 2.5 5 8; do
  delay=$(python3 -c "import random; print(round($window + random.uniform(0, 1.0), 2))")
  "$OMSRUN" "${run_args[@]}" >>"$WORK/runs.log" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  phase=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['phase'])" "$WORK/task/state.json" 2>/dev/null || echo none)
  echo "kill -9 after ${delay}s in phase $phase"
done
# A live link for a while, then a clean stop by signal.
"$OMSRUN" "${run_args[@]}" >>"$WORK/runs.log" 2>&1 &
pid=$!
sleep 4
"$OMSRUN" status --task "$WORK/task" || true
"$OMSRUN" stop --task "$WORK/task" || fail "omsrun stop"
wait "$pid" || fail "a stopped task must exit 0"

wait "$load" || { cat "$WORK/sysbench.log"; fail "sysbench failed"; }
wait "$side"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/runs.log" 2>&1 || { tail -30 "$WORK/runs.log"; fail "final catch-up run failed"; }
grep -q "caught up" "$WORK/runs.log" || fail "no catch-up reported"
grep -q "in use by another omsrun" "$WORK/runs.log" && fail "a killed omsrun left its task locked"

compare --pair $db.sbtest1=${db}_t.sbtest1 --pair $db.sbtest2=${db}_t.sbtest2 --pair $db.events=${db}_t.events \
  || { tail -40 "$WORK/runs.log"; fail "target differs from source"; }
# And by the server's own CHECKSUM TABLE, table by table.
for t in sbtest1 sbtest2 events; do
  a=$(src_sql -N -e "CHECKSUM TABLE $db.$t EXTENDED" | cut -f2)
  b=$(tgt_sql -N -e "CHECKSUM TABLE ${db}_t.$t EXTENDED" | cut -f2)
  [ "$a" = "$b" ] || fail "CHECKSUM TABLE $t: source $a, target $b"
done
# The filtered table holds exactly the source rows that pass the filter.
want=$(src_sql -N -e "SELECT COUNT(*), IFNULL(SUM(CRC32(CONCAT_WS('|', id, day, v))), 0) FROM $db.recent WHERE day >= 5")
got=$(tgt_sql -N -e "SELECT COUNT(*), IFNULL(SUM(CRC32(CONCAT_WS('|', id, day, v))), 0) FROM ${db}_t.recent")
[ "$want" = "$got" ] || fail "filtered table: source $want, target $got"
echo "sysbench: $(grep -E 'transactions:' "$WORK/sysbench.log" | xargs)"

# DDL on a migrated table during sync stops the link and names the statement.
"$OMSRUN" "${run_args[@]}" >"$WORK/ddl.log" 2>&1 &
pid=$!
sleep 2
# First, statements that change no migrated table's rows or definition: the link goes on.
src_sql -e "DROP DATABASE IF EXISTS ${db}_side; CREATE DATABASE ${db}_side; DROP USER IF EXISTS e2e_inc_reader"
src_sql $db -e "ANALYZE TABLE recent; OPTIMIZE TABLE events; CHECK TABLE sbtest1; REPAIR TABLE sbtest2;
                CREATE TABLE ${db}_side.shape LIKE $db.recent;
                CREATE TABLE ${db}_side.few AS SELECT * FROM $db.sbtest1 LIMIT 5;
                CREATE USER e2e_inc_reader; GRANT SELECT ON $db.recent TO e2e_inc_reader;
                REVOKE SELECT ON $db.recent FROM e2e_inc_reader; DROP USER e2e_inc_reader;
                CREATE TRIGGER e2e_inc_trg BEFORE UPDATE ON recent FOR EACH ROW SET @e2e_inc = 1;
                CREATE EVENT recent ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM recent WHERE id < 0;
                CREATE VIEW ${db}_side.v AS SELECT * FROM $db.recent;
                ALTER TABLE sbtest2 FORCE, ALGORITHM=INPLACE;
                DROP TRIGGER e2e_inc_trg; DROP EVENT recent; DROP VIEW ${db}_side.v;
                UPDATE sbtest1 SET k = 424242 WHERE id = 1" >/dev/null
for _ in $(seq 1 100); do
  [ "$(tgt_sql -N -e "SELECT k FROM ${db}_t.sbtest1 WHERE id = 1")" = 424242 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null || { cat "$WORK/ddl.log"; fail "a maintenance, account, trigger, event, view, rebuild or CREATE TABLE ... LIKE statement stopped the link"; }
[ "$(tgt_sql -N -e "SELECT k FROM ${db}_t.sbtest1 WHERE id = 1")" = 424242 ] || fail "the change after the harmless statements was not applied"
src_sql -e "DROP DATABASE ${db}_side"
# (ALTER TABLE and RENAME TABLE are replicated now, ddl_alter_e2e and ddl_rename_e2e; an ALTER
# that renames the table and changes it too still stops.)
src_sql $db -e "ALTER TABLE recent ADD COLUMN z INT, RENAME TO recent_old"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "DDL did not stop the link"; fi
set +e; wait "$pid"; code=$?; set -e
[ "$code" != 0 ] || fail "DDL stop must exit non-zero"
grep -q "ALTER TABLE recent ADD COLUMN z INT, RENAME TO recent_old" "$WORK/ddl.log" || { cat "$WORK/ddl.log"; fail "DDL message lacks the statement"; }
echo "incremental_e2e: ok"
