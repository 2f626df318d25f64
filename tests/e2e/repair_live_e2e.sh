#!/usr/bin/env bash
# Repairs during live sync go through the apply queue: drift injected on the target while sysbench
# writes is found by `omsrun verify --task`, repaired between two apply groups from the source's
# current rows, and after the load the target equals the source (server-side digests and
# CHECKSUM TABLE) — no repair undid a newer change.
source "$(dirname "$0")/lib.sh"

db=e2e_rlive
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
sb=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root --mysql-db=$db
    --tables=1 --table-size=20000)
sysbench oltp_write_only "${sb[@]}" prepare >/dev/null
cat > "$WORK/repair.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (parallel = 2, task_dir = '$WORK/task') VERIFY (repair = 'apply');
EOF2
"$OMSRUN" "$WORK/repair.omsql" >"$WORK/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "^clean: 0 differences" "$WORK/run.log" && break; sleep 0.1; done
grep -q "^clean: 0 differences" "$WORK/run.log" || fail "the first live verification was not clean"

sysbench oltp_write_only "${sb[@]}" --threads=2 --rate=100 --time=12 run >"$WORK/sysbench.log" 2>&1 &
load=$!
sleep 2
# Drift that no binlog event explains: rows lost, changed and added on the target.
tgt_sql ${db}_t -e "DELETE FROM sbtest1 WHERE id BETWEEN 100 AND 149;
                    UPDATE sbtest1 SET c = 'drift' WHERE id BETWEEN 1000 AND 1049;
                    INSERT INTO sbtest1 (id, k, c, pad) VALUES (900001, 1, 'x', 'y'), (900002, 2, 'x', 'y');"
set +e
"$OMSRUN" verify --task "$WORK/task" --json "$WORK/drift-report.json" >"$WORK/verify-task.log" 2>&1
code=$?
set -e
[ "$code" = 3 ] || fail "verify --task exit $code, want 3 (differences): $(tail -5 "$WORK/verify-task.log")"
python3 - "$WORK/drift-report.json" <<'PY' || fail "the drift was not found"
import json, sys
t = json.load(open(sys.argv[1]))["tables"][0]
print("found: missing", t["missing"], "extra", t["extra"], "different", t["different"])
assert t["missing"] >= 45 and t["extra"] == 2 and t["different"] >= 45, t
PY
wait "$load" || fail "sysbench failed"
# Let the link apply the end of the load, then stop it and compare.
for _ in $(seq 1 100); do
  "$OMSRUN" status --task "$WORK/task" --json | python3 -c "import json,sys; s=json.load(sys.stdin); sys.exit(0 if s.get('caught_up') and s.get('lag_seconds', 1) == 0 else 1)" && break
  sleep 0.2
done
sleep 2
"$OMSRUN" stop --task "$WORK/task" >/dev/null
wait "$pid" || true
grep -q "through the apply queue" "$WORK/run.log" || fail "no repair went through the apply queue"
"$OMSRUN" "$WORK/repair.omsql" --until caught-up >>"$WORK/run.log" 2>&1 || true
compare --pair $db.sbtest1=${db}_t.sbtest1 || fail "target differs from source after the repair"
a=$(src_sql -N -e "CHECKSUM TABLE $db.sbtest1 EXTENDED" | cut -f2)
b=$(tgt_sql -N -e "CHECKSUM TABLE ${db}_t.sbtest1 EXTENDED" | cut -f2)
[ "$a" = "$b" ] || fail "CHECKSUM TABLE differs: $a vs $b"
echo "repair_live_e2e: ok"
