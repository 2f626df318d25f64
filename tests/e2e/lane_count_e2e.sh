#!/usr/bin/env bash
# The apply lane count is part of a task's routing (a key's lane is its hash modulo the count):
# runs with another `--set parallel` must not move keys to a lane whose checkpoint is ahead. Under
# a write load, omsrun is killed -9 with parallel=4, run again with parallel=2 (killed -9 again),
# then with parallel=3; the lanes move to the new count only once they agree, and the target ends
# identical by CHECKSUM TABLE ... EXTENDED.
source "$(dirname "$0")/lib.sh"

db=e2e_lanes
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db -e "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL, pad VARCHAR(40));
                INSERT INTO t SELECT seq, 0, REPEAT('p', 40) FROM seq_1_to_20000;
                CREATE TABLE u (k VARCHAR(20) PRIMARY KEY, n INT);
                INSERT INTO u SELECT CONCAT('k', seq), 0 FROM seq_1_to_2000;"

cat > "$WORK/lanes.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_lanes.* MAP e2e_lanes.* TO e2e_lanes_t.* WITH (parallel = 4, chunk_rows = 4000);
EOF2

# Every statement changes many keys, so every group touches every lane.
writer() {
  local client=$1
  for i in $(seq 1 150); do
    src_sql $db -e "UPDATE t SET v = v + 1 WHERE id % 97 = $(((i + client) % 97));
                    DELETE FROM t WHERE id = $((RANDOM % 20000 + 1));
                    INSERT INTO t VALUES ($((100000 * client + i)), $i, 'n') ON DUPLICATE KEY UPDATE v = v + 1;
                    UPDATE u SET n = n + 1 WHERE k LIKE 'k$((RANDOM % 9 + 1))%';
                    INSERT INTO u VALUES ('c$client-$i', $i);" || echo "writer $client round $i failed" >&2
    sleep 0.05
  done
}
started=$SECONDS
for c in 1 2; do writer $c 2>>"$WORK/writer.log" & done

run() {  # seconds, then kill -9; the remaining arguments go to omsrun
  local seconds=$1; shift
  "$OMSRUN" "$WORK/lanes.omsql" --task-dir "$WORK/task" "$@" >>"$WORK/runs.log" 2>&1 &
  local pid=$!
  sleep "$seconds"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
run 5                    # the copy and the first groups on 4 lanes
run 4 --set parallel=2   # starts on the 4 lanes it finds, moves to 2 once they agree
"$OMSRUN" "$WORK/lanes.omsql" --task-dir "$WORK/task" --set parallel=3 >>"$WORK/runs.log" 2>&1 &
pid=$!
for job in $(jobs -p); do [ "$job" = "$pid" ] || wait "$job"; done
echo "load: $((SECONDS - started)) s"
"$OMSRUN" stop --task "$WORK/task" >/dev/null || fail "omsrun stop"
wait "$pid" || fail "a stopped task must exit 0"
"$OMSRUN" "$WORK/lanes.omsql" --task-dir "$WORK/task" --set parallel=3 --until caught-up >>"$WORK/runs.log" 2>&1 \
  || fail "final catch-up run failed"
[ -s "$WORK/writer.log" ] && { cat "$WORK/writer.log"; fail "the write load had failing statements"; }

grep "apply lanes\|apply lane(s)" "$WORK/runs.log"
grep -q "apply lanes 4 -> 2" "$WORK/runs.log" || fail "the lanes never moved from 4 to 2"
grep -q "apply lanes 2 -> 3" "$WORK/runs.log" || fail "the lanes never moved from 2 to 3"
task_id=$(cd "$WORK/task" && pwd)
lanes=$(tgt_sql -N -e "SELECT COUNT(*) FROM omsql_meta.checkpoint WHERE task LIKE '$task_id#%'")
[ "$lanes" = 3 ] || fail "the task has $lanes lane rows, expected 3"
for t in t u; do
  a=$(src_sql -N -e "CHECKSUM TABLE $db.$t EXTENDED" | cut -f2)
  b=$(tgt_sql -N -e "CHECKSUM TABLE ${db}_t.$t EXTENDED" | cut -f2)
  echo "$t: checksum $a / $b"
  [ "$a" = "$b" ] || { tail -20 "$WORK/runs.log"; fail "CHECKSUM TABLE $t: source $a, target $b"; }
done
tgt_sql -e "DELETE FROM omsql_meta.checkpoint WHERE task LIKE '$task_id#%'"
echo "lane_count_e2e: ok"
