#!/usr/bin/env bash
# Verification while the link is live and sysbench keeps writing: rows in flight are re-checked
# until the applier has moved on, so a correct migration reports zero differences, through the
# running task (verify --task) and from a separate process (verify FILE).
source "$(dirname "$0")/lib.sh"

db=e2e_vlive
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
sb=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root --mysql-db=$db
    --tables=2 --table-size=20000)
sysbench oltp_write_only "${sb[@]}" prepare >/dev/null
# The task directory is named in the script, so `omsrun verify FILE` finds the task's live link.
cat > "$WORK/live.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE e2e_vlive.* MAP e2e_vlive.* TO e2e_vlive_t.* WITH (parallel = 2, task_dir = '$WORK/task');
EOF2
"$OMSRUN" "$WORK/live.omsql" >"$WORK/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "caught up" "$WORK/run.log" && break; sleep 0.1; done
grep -q "caught up" "$WORK/run.log" || fail "link never caught up"

sysbench oltp_write_only "${sb[@]}" --threads=2 --rate=100 --time=20 run >"$WORK/sysbench.log" 2>&1 &
load=$!
sleep 3
"$OMSRUN" verify --task "$WORK/task" --json "$WORK/live-report.json" >"$WORK/verify-task.log" 2>&1 \
  || fail "verify --task under load exit $?: $(tail -5 "$WORK/verify-task.log")"
python3 - "$WORK/live-report.json" <<'PY' || fail "live verification reported differences"
import json, sys
report = json.load(open(sys.argv[1]))
for t in report["tables"]:
    print(t["source"], "rows", t.get("rows_source"), "cleared by re-check", t.get("cleared_by_recheck", 0))
assert report["clean"], json.dumps(report)[:2000]
PY
set +e
"$OMSRUN" verify "$WORK/live.omsql" >"$WORK/verify.log" 2>&1
code=$?
set -e
[ "$code" = 0 ] || fail "verify FILE under load exit $code: $(tail -5 "$WORK/verify.log")"
wait "$load" || fail "sysbench failed"
"$OMSRUN" stop --task "$WORK/task" >/dev/null
wait "$pid" || fail "stopped task exit code"
echo "verify_live_e2e: ok"
