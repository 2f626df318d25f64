#!/usr/bin/env bash
# One source transaction far larger than replay may hold in memory: a 150k-row UPDATE of a keyed
# table, 20k rows into a keyless table and an FK cascade delete, all in one transaction, replayed
# on 3 lanes in pieces (src/apply/replay_group.hpp, TransactionAssembler). omsrun is killed with -9
# once its applied position is inside the transaction (a piece committed, the rest not), then
# resumed: the target must end identical by CHECKSUM TABLE, and omsrun's peak RSS stay under 256 MB
# in both runs (it held the whole transaction before: ~700 MB for 400k such rows).
source "$(dirname "$0")/lib.sh"

db=e2e_bigtx
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db -e "CREATE TABLE w (id INT PRIMARY KEY, pad CHAR(200) NOT NULL, n INT NOT NULL);
  CREATE TABLE bag (v INT, note VARCHAR(20));
  CREATE TABLE parent (id INT PRIMARY KEY);
  CREATE TABLE child (id INT PRIMARY KEY, pid INT NOT NULL, FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE);
  INSERT INTO w SELECT seq, REPEAT('p', 200), seq FROM seq_1_to_150000;
  INSERT INTO bag SELECT seq % 100, 'copied' FROM seq_1_to_1000;
  INSERT INTO parent SELECT seq FROM seq_1_to_3000;
  INSERT INTO child SELECT seq, 1 + seq % 3000 FROM seq_1_to_9000"
cat > "$WORK/big.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_bigtx.* MAP e2e_bigtx.* TO e2e_bigtx_t.* WITH (parallel = 3);
EOF2
run_args=("$WORK/big.omsql" --task-dir "$WORK/task")
status_field() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))" 2>/dev/null; }
# The process may end between the caller's kill -0 and the read: an empty answer, not an error.
peak_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }
master() { src_sql -N -e "SHOW MASTER STATUS" | awk '{print $1 ":" $2}'; }

"$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ "$(status_field caught_up)" = True ] && break
  kill -0 "$pid" 2>/dev/null || fail "the first run ended before its link caught up"
  sleep 0.1
done
[ "$(status_field caught_up)" = True ] || fail "the link did not catch up after the copy"

# Throttled to 20k changes/s, the ~172k changes of the transaction take ~9 s to apply, in pieces
# of about one second's budget: the poll below sees the applied position inside it even on a
# loaded machine (unthrottled, the whole transaction can pass between two polls).
"$OMSRUN" throttle --task "$WORK/task" --events-per-sec 20000 >/dev/null || fail "throttle"
before=$(master)
src_sql $db -e "START TRANSACTION;
  UPDATE w SET n = n + 1, pad = REPEAT('q', 200);
  INSERT INTO bag SELECT seq % 7, 'big' FROM seq_1_to_20000;
  DELETE FROM parent WHERE id % 3 = 0;
  UPDATE w SET n = n + 1 WHERE id <= 1000;
  DELETE FROM bag WHERE v = 3 AND note = 'copied';
  COMMIT"
after=$(master)

# Kill -9 once a piece of the transaction is committed and the rest is not.
where() { # position text "file:offset gtid ..." -> before | inside | beyond the transaction
  python3 - "$1" "$before" "$after" <<'PY'
import sys
def key(p):
    f, o = p.split()[0].rsplit(":", 1)
    return (f, int(o))
a, lo, hi = (key(x) for x in sys.argv[1:4])
print("before" if a <= lo else "inside" if a < hi else "beyond")
PY
}
peak=0
caught_inside=""
for _ in $(seq 1 1200); do
  kb=$(peak_kb "$pid"); [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
  applied=$(status_field applied_position)
  if [ -n "$applied" ] && [ "$applied" != None ]; then
    case $(where "$applied") in
      inside) caught_inside=$applied; break ;;
      beyond) break ;;
    esac
  fi
  kill -0 "$pid" 2>/dev/null || fail "the run ended while replaying the transaction"
  sleep 0.05
done
[ -n "$caught_inside" ] || fail "the applied position never stopped inside the transaction ($before .. $after): it was not applied in pieces"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
echo "killed with the applied position at $caught_inside, inside the transaction $before .. $after; peak RSS so far $((peak / 1024)) MB"
[ "$peak" -lt $((256 * 1024)) ] || fail "the first run's peak RSS was $((peak / 1024)) MB (limit 256 MB)"

"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  kb=$(peak_kb "$pid"); [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
  sleep 0.05
done
wait "$pid" || fail "the resumed run failed: $(tail -5 "$WORK/run.log")"
echo "resumed run: peak RSS $((peak / 1024)) MB"
[ "$peak" -lt $((256 * 1024)) ] || fail "the resumed run's peak RSS was $((peak / 1024)) MB (limit 256 MB)"
for t in w bag parent child; do
  same_checksum $db.$t ${db}_t.$t || fail "$t: the target rows differ after the large transaction"
done
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.child")" = 6000 ] || fail "the cascade's child rows are not gone on the target"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "large_transaction_e2e: ok"
