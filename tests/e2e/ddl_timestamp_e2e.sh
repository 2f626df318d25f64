#!/usr/bin/env bash
# An ALTER that fills the existing rows with the current time (ADD COLUMN ... DEFAULT
# CURRENT_TIMESTAMP and kin) is replayed at the source's time, as a MariaDB replica does it: the
# spool keeps the QUERY event's time (seconds and Q_HRNOW microseconds) and time_zone, and the
# barrier runs the target statements after SET timestamp (and SET time_zone for DATETIME) and puts
# the session back after. The source statements run with SET timestamp in the past, so a target
# that used its own clock could not match. A DATETIME filled in the source host's SYSTEM zone, which
# the target cannot be set to, stops loudly; adding the column by hand and `omsrun ddl applied`
# goes on. Rows written after each ALTER (defaults taken by the source) and the definitions end
# equal (SHOW CREATE TABLE, CHECKSUM TABLE).
source "$(dirname "$0")/lib.sh"

db=e2e_dts
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db -e "CREATE TABLE a (id INT PRIMARY KEY, v INT NOT NULL);
  INSERT INTO a SELECT seq, seq * 3 FROM seq_1_to_500"
task=$WORK/task
cat > "$WORK/dts.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (parallel = 2);
EOF2
script=("$WORK/dts.omsql" --task-dir "$task")
field() { "$OMSRUN" status --task "$task" --json 2>/dev/null | python3 -c "import json,sys; v=json.load(sys.stdin); print(v$1)" 2>/dev/null || echo none; }
start_link() {
  "$OMSRUN" "${script[@]}" >>"$WORK/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(field '["caught_up"]')" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the task ended before its link caught up"
    sleep 0.1
  done
  fail "the link never caught up"
}
definition() { $1 -N -e "SHOW CREATE TABLE \`$2\`.a" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'; }
converged() { [ "$(definition src_sql $db)" = "$(definition tgt_sql ${db}_t 2>/dev/null)" ] && same_checksum $db.a ${db}_t.a; }
wait_converged() {
  for _ in $(seq 1 300); do
    converged && return 0
    kill -0 "$pid" 2>/dev/null || fail "the link ended: $1"
    sleep 0.1
  done
  diff <(definition src_sql $db) <(definition tgt_sql ${db}_t 2>&1) >&2 || true
  fail "the target did not converge: $1"
}

start_link
# A TIMESTAMP keeps the instant: the statement's time (with microseconds) is all it needs.
src_sql $db -e "SET timestamp = 1500000000.123456;
  ALTER TABLE a ADD COLUMN created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);
  SET timestamp = 1500000100;
  ALTER TABLE a ADD COLUMN stamped TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP;
  SET timestamp = DEFAULT; INSERT INTO a (id, v) SELECT seq, 0 FROM seq_501_to_520"
wait_converged "TIMESTAMP columns filled at the source's time"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.a WHERE created = FROM_UNIXTIME(1500000000.123456)")" = 500 ] ||
  fail "the existing rows do not hold the source statement's time with its microseconds"
# A DATETIME keeps local time: the session's explicit zone goes with it, and the lane's own zone
# ('+00:00', in which it writes TIMESTAMP values) is put back after (the rows after prove it).
src_sql $db -e "SET time_zone = '+05:30', timestamp = 1500000200.5;
  ALTER TABLE a ADD COLUMN local_at DATETIME(6) DEFAULT NOW(6);
  SET time_zone = DEFAULT, timestamp = DEFAULT;
  INSERT INTO a (id, v, created) VALUES (521, 1, '2030-01-01 10:00:00.5'), (522, 2, '1999-12-31 23:59:59.999999');
  UPDATE a SET v = v + 1 WHERE id <= 50"
wait_converged "a DATETIME column filled in the session's zone"

# The source host's SYSTEM zone cannot be set on the target: a loud stop, then the way out.
src_sql $db -e "SET timestamp = 1500000300; ALTER TABLE a ADD COLUMN sys_at DATETIME DEFAULT CURRENT_TIMESTAMP;
  SET timestamp = DEFAULT; INSERT INTO a (id, v) VALUES (600, 6)"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "the SYSTEM-zone DATETIME did not stop the link"; fi
set +e; wait "$pid"; code=$?; set -e
[ "$code" = 1 ] || fail "the task ended with $code at the DDL, want 1"
[ "$(field '["ddl_stop"]["waiting"]')" = True ] || fail "status does not say the task waits for a DDL decision"
reason=$(field '["ddl_stop"]["reason"]')
grep -q "local time" <<<"$reason" && grep -q "SYSTEM" <<<"$reason" || fail "the stop does not say why: $reason"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.a WHERE id = 600")" = 0 ] || fail "a row after the stopped DDL was applied"
# By hand, as the stop says: the column with the source's values (both sandboxes run on this host,
# so its SYSTEM zone is the target's too), then ddl applied.
tgt_sql ${db}_t -e "SET timestamp = 1500000300; ALTER TABLE a ADD COLUMN sys_at DATETIME DEFAULT CURRENT_TIMESTAMP"
"$OMSRUN" ddl applied --task "$task" >"$WORK/ddl.txt" 2>&1 || { cat "$WORK/ddl.txt"; fail "omsrun ddl applied failed"; }
set +e; "$OMSRUN" "${script[@]}" --until caught-up >>"$WORK/run.log" 2>&1; code=$?; set -e
[ "$code" = 0 ] || fail "the run after ddl applied failed ($code)"
converged || { diff <(definition src_sql $db) <(definition tgt_sql ${db}_t) >&2 || true; fail "the target differs after ddl applied"; }
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_timestamp_e2e: ok"
