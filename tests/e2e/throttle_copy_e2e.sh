#!/usr/bin/env bash
# max_rows_per_sec is one budget for all readers of a task: a copy of N rows at limit L takes at
# least N/L seconds even with 4 readers and batches larger than a second's budget, and ends
# identical. `omsrun throttle` changes the limit of a running copy: raised, the copy finishes long
# before N/low; `omsrun status` shows the limits in force.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_thr; CREATE DATABASE e2e_thr"
src_sql e2e_thr -e "CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO a SELECT seq, MD5(seq) FROM seq_1_to_6000"
src_sql e2e_thr -e "CREATE TABLE b (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO b SELECT seq, MD5(seq) FROM seq_1_to_30000"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_thr_a; DROP DATABASE IF EXISTS e2e_thr_b"
now() { date +%s.%N; }
# Prints 1 when $1 >= $2 (decimal seconds).
at_least() { python3 -c "import sys; print(1 if float(sys.argv[1]) >= float(sys.argv[2]) else 0)" "$1" "$2"; }

# --- 6000 rows, 1000 rows/s (--set over the script's WITH), 4 readers, 1500-row batches (each
# bigger than a second's budget) ---
cat > "$WORK/a.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_thr.a MAP e2e_thr.* TO e2e_thr_a.*
  MODE SCHEMA, FULL
  WITH (parallel = 4, chunk_rows = 1500, max_rows_per_sec = 1000000);
EOF2
expect_refusal 2 "$OMSRUN" "$WORK/a.omsql" --task-dir "$WORK/task_a" --set max_rows_per_sec=-1
start=$(now)
"$OMSRUN" "$WORK/a.omsql" --task-dir "$WORK/task_a" --set max_rows_per_sec=1000 >"$WORK/a.log" 2>&1 \
  || fail "throttled copy exited $?"
elapsed=$(python3 -c "print($(now) - $start)")
echo "6000 rows at 1000 rows/s with 4 readers: ${elapsed}s"
[ "$(at_least "$elapsed" 6.0)" = 1 ] || fail "6000 rows at max_rows_per_sec = 1000 copied in ${elapsed}s (< 6 s)"
compare --pair e2e_thr.a=e2e_thr_a.a || fail "throttled copy differs"

# --- 30000 rows at 500 rows/s (60 s), raised to unlimited at run time ---
cat > "$WORK/b.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_thr.b MAP e2e_thr.* TO e2e_thr_b.*
  MODE SCHEMA, FULL
  WITH (parallel = 2, chunk_rows = 1000, batch_rows = 250, max_rows_per_sec = 500);
EOF2
start=$(now)
"$OMSRUN" "$WORK/b.omsql" --task-dir "$WORK/task_b" >"$WORK/b.log" 2>&1 &
pid=$!
# A failing check must not leave the task running.
eval "lib_$(declare -f fail)"
fail() { kill "$pid" 2>/dev/null || true; lib_fail "$@"; }
target_rows() { tgt_sql -N -e "SELECT COUNT(*) FROM e2e_thr_b.b" 2>/dev/null || echo 0; }
for _ in $(seq 1 100); do [ "$(target_rows)" -gt 0 ] && break; sleep 0.1; done
[ "$(target_rows)" -gt 0 ] || fail "throttled copy did not start"
"$OMSRUN" status --task "$WORK/task_b" | grep -q "throttle   500 rows/s (copy)" || fail "status does not show 500 rows/s"
sleep 1
rows=$(target_rows)
elapsed=$(python3 -c "print($(now) - $start)")
echo "at 500 rows/s: $rows rows after ${elapsed}s"
[ "$(at_least "$(python3 -c "print(500 * $elapsed)")" "$rows")" = 1 ] || fail "$rows rows in ${elapsed}s at 500 rows/s"
expect_refusal 2 "$OMSRUN" throttle --task "$WORK/task_b" --rows-per-sec -5
expect_refusal 2 "$OMSRUN" throttle --task "$WORK/task_b"
# The endpoint itself: a bad body is 400, no token is 401; neither changes the limit.
port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$WORK/task_b/control.json")
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$WORK/task_b/control.json")
post() { curl -s -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$port/throttle"; }
[ "$(post -H "Authorization: Bearer $token" -d '{"max_rows_per_sec": -1}')" = 400 ] || fail "a negative limit is not 400"
[ "$(post -H "Authorization: Bearer $token" -d '{"rows": 5}')" = 400 ] || fail "an unknown field is not 400"
[ "$(post -d '{"max_rows_per_sec": 0}')" = 401 ] || fail "a request without the token is not 401"
"$OMSRUN" status --task "$WORK/task_b" | grep -q "throttle   500 rows/s (copy)" || fail "a refused request changed the limit"
out=$("$OMSRUN" throttle --task "$WORK/task_b" --rows-per-sec 0) || fail "omsrun throttle exited $?"
echo "$out" | grep -q "unlimited rows/s (copy)" || fail "throttle answer: $out"
wait "$pid" || fail "copy exited $? after the throttle change"
elapsed=$(python3 -c "print($(now) - $start)")
echo "30000 rows, 500 rows/s raised to unlimited after a few seconds: ${elapsed}s (60 s at 500 rows/s)"
[ "$(at_least 30 "$elapsed")" = 1 ] || fail "the raised limit did not take effect (${elapsed}s)"
grep -q "throttle: max_rows_per_sec 500 -> unlimited" "$WORK/b.log" || fail "the change is not logged"
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); assert s['max_rows_per_sec'] == 0, s" "$WORK/task_b/status.json" \
  || fail "status.json does not show the new limit"
compare --pair e2e_thr.b=e2e_thr_b.b || fail "copy differs after the throttle change"
echo "throttle_copy_e2e: ok"
