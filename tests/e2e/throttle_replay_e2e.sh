#!/usr/bin/env bash
# max_events_per_sec holds replay to a rate while the source writes (the lag grows, nothing is
# lost); `omsrun throttle --events-per-sec 0` lifts it and the target converges on the source.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_thr_r; CREATE DATABASE e2e_thr_r"
src_sql e2e_thr_r -e "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t SELECT seq, 0 FROM seq_1_to_1000"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_thr_rt"
cat > "$WORK/r.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_thr_r.* MAP e2e_thr_r.* TO e2e_thr_rt.*
  WITH (parallel = 2, max_events_per_sec = 200)
  VERIFY (chunk_rows = 1000);
EOF2
"$OMSRUN" "$WORK/r.omsql" --task-dir "$WORK/task" >"$WORK/run.log" 2>&1 &
pid=$!
# A failing check must not leave the task running.
eval "lib_$(declare -f fail)"
fail() { kill "$pid" 2>/dev/null || true; lib_fail "$@"; }
status() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null; }
field() { status | python3 -c "import json,sys; print(json.load(sys.stdin).get(sys.argv[1]))" "$1" 2>/dev/null; }
for _ in $(seq 1 300); do [ "$(field caught_up)" = True ] && break; sleep 0.1; done
[ "$(field caught_up)" = True ] || fail "link never caught up"
[ "$(field max_events_per_sec)" = 200 ] || fail "status does not show max_events_per_sec 200"
"$OMSRUN" status --task "$WORK/task" | grep -q "200 events/s (replay)" || fail "status text lacks the replay limit"

before=$(field events_applied)
start=$(date +%s.%N)
# 30 transactions of 100 row changes each, while replay runs at 200 changes/s.
for i in $(seq 0 29); do
  src_sql e2e_thr_r -e "UPDATE t SET v = v + 1 WHERE id > $(( (i % 10) * 100 )) AND id <= $(( (i % 10) * 100 + 100 ))"
  sleep 0.05
done
sleep 2
after=$(field events_applied)
elapsed=$(python3 -c "print($(date +%s.%N) - $start)")
applied=$((after - before))
echo "replay at 200 events/s: $applied of 3000 changes in ${elapsed}s"
# The bucket holds at most one second's budget when the writes begin: at most 200 x (elapsed + 1).
python3 -c "import sys; a, e = int(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if 0 < a <= 200 * (e + 1) else 1)" \
  "$applied" "$elapsed" || fail "$applied changes applied in ${elapsed}s at max_events_per_sec = 200"
[ "$(field applied_position)" != "$(field source_position)" ] || fail "throttled replay shows no lag"

"$OMSRUN" throttle --task "$WORK/task" --events-per-sec 0 | grep -q "unlimited events/s (replay)" || fail "throttle"
target_sum() { tgt_sql -N -e "SELECT SUM(v) FROM e2e_thr_rt.t" 2>/dev/null || echo none; }
for _ in $(seq 1 200); do [ "$(target_sum)" = 3000 ] && break; sleep 0.1; done
[ "$(target_sum)" = 3000 ] || fail "not converged after the throttle was lifted (sum $(target_sum))"
"$OMSRUN" stop --task "$WORK/task" >/dev/null || fail "stop"
wait "$pid" || fail "task exit code $?"
compare --pair e2e_thr_r.t=e2e_thr_rt.t || fail "target differs from source"
echo "throttle_replay_e2e: ok"
