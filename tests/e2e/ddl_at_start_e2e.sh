#!/usr/bin/env bash
# The DDL-at-first-start race (issue 12 §4): the definitions the script was bound with and the
# start binlog position must be of one moment. A loop adds columns to a migrated table (and writes
# rows that fill them) every 0.3 s while omsrun starts, until the task has
# saved its start position; then the link must catch up with the source's definition and rows.
# Without the re-read after the position, a column added between the bind and the position made
# capture decode the rows after it with the definition before it (a dead end). Three rounds.
source "$(dirname "$0")/lib.sh"

db=e2e_dstart
cat > "$WORK/start.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_dstart.* MAP e2e_dstart.* TO e2e_dstart_t.* DDL (ALTER TABLE = APPLY) WITH (parallel = 2);
EOF2
status_field() { "$OMSRUN" status --task "$1" --json 2>/dev/null |
                   python3 -c "import json,sys; print(json.load(sys.stdin).get('$2'))" 2>/dev/null || echo none; }
definition() { $1 -N -e "SHOW CREATE TABLE \`$2\`.\`$3\`" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'; }
same_table() { [ "$(definition src_sql $db "$1")" = "$(definition tgt_sql ${db}_t "$1")" ] && same_checksum $db.$1 ${db}_t.$1; }
changed_at_start=0
for round in 1 2 3; do
  src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
  tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
  src_sql $db -e "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO t SELECT seq, seq FROM seq_1_to_2000;
                  CREATE TABLE other (id INT PRIMARY KEY); INSERT INTO other SELECT seq FROM seq_1_to_100"
  task="$WORK/task$round"
  rm -f "$WORK/stop_ddl"
  # Columns c1, c2, ... each added, then a row written that fills every one of them.
  ( i=0
    while [ ! -e "$WORK/stop_ddl" ] && [ $i -lt 400 ]; do
      i=$((i + 1))
      src_sql $db -e "ALTER TABLE t ADD COLUMN c$i INT NOT NULL DEFAULT $i; INSERT INTO t (id, v, c$i) VALUES ($((10000 + i)), $i, -$i)" || exit 1
      # A pause the start's two reads around one position fit in even on a loaded machine (at
      # 0.1 s, a CI run saw 10 tries in a row overlap an ALTER: the designed loud stop).
      sleep 0.3
    done ) &
  ddl=$!
  sleep 0.3
  "$OMSRUN" "$WORK/start.omsql" --task-dir "$task" >"$WORK/run$round.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    grep -q '"start_position"' "$task/state.json" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || fail "round $round: the task ended before taking its start position"
    sleep 0.02
  done
  touch "$WORK/stop_ddl"
  wait "$ddl" || fail "round $round: the DDL loop failed"
  src_sql $db -e "UPDATE t SET v = v + 1 WHERE id % 10 = 0; INSERT INTO other VALUES (1000)"
  ok=0
  for _ in $(seq 1 300); do
    if [ "$(status_field "$task" caught_up)" = True ] && same_table t && same_table other; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || { tail -15 "$WORK/run$round.log"; fail "round $round: the task ended (DDL at its start)"; }
    sleep 0.1
  done
  [ $ok = 1 ] || { diff <(definition src_sql $db t) <(definition tgt_sql ${db}_t t) >&2 || true; fail "round $round: the target did not converge"; }
  grep -q "changed on the source while the task started" "$WORK/run$round.log" && changed_at_start=$((changed_at_start + 1))
  echo "round $round: $(src_sql -N -e "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='$db' AND TABLE_NAME='t'") columns; $(grep -c '' "$WORK/run$round.log") log lines"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "rounds in which a DDL fell between the bind and the start position: $changed_at_start of 3"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_at_start_e2e: ok"
