#!/usr/bin/env bash
# The target is down for 60 s while the link is live and the source keeps changing: omsrun stays
# up, answers status and pause/resume during the outage, and once the target is back it converges
# (the servers' own CHECKSUM TABLE) without a rerun. Then, with the target down again, `omsrun
# stop` ends the process within a few seconds, and a rerun resumes and converges.
# Restarts the shared target server: registered is_parallel : false.
source "$(dirname "$0")/lib.sh"
OUTAGE_SECONDS=${OMSQL_TEST_OUTAGE_SECONDS:-60}

src_sql -e "DROP DATABASE IF EXISTS e2e_outage; CREATE DATABASE e2e_outage;
            CREATE TABLE e2e_outage.orders (id INT PRIMARY KEY, qty INT NOT NULL, note VARCHAR(40));
            CREATE TABLE e2e_outage.events (kind VARCHAR(10), n INT)"
src_sql e2e_outage -e "INSERT INTO orders SELECT seq, seq % 10, CONCAT('o', seq) FROM seq_1_to_20000;
                       INSERT INTO events SELECT 'init', seq FROM seq_1_to_500"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_outage_t"
cat > "$WORK/outage.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_outage.* MAP e2e_outage.* TO e2e_outage_t.*
  WITH (parallel = 2, retry_max_delay = '2s');
EOF2
"$OMSRUN" "$WORK/outage.omsql" --task-dir "$WORK/task" >"$WORK/run.log" 2>&1 &
pid=$!
E2E_CLEANUP='kill $pid 2>/dev/null; kill $load 2>/dev/null; sandbox start-target >/dev/null 2>&1 || true'
load=
for _ in $(seq 1 300); do grep -q "incremental: caught up" "$WORK/run.log" && break; sleep 0.1; done
grep -q "incremental: caught up" "$WORK/run.log" || fail "the link never caught up"

# Source changes all through the outage: updates, inserts and deletes, keyed and keyless.
( i=0; while :; do
    i=$((i + 1))
    src_sql e2e_outage -e "BEGIN; UPDATE orders SET qty = qty + 1 WHERE id % 97 = $((i % 97));
                           INSERT INTO orders VALUES ($((100000 + i)), $i, 'new');
                           DELETE FROM orders WHERE id = $((i * 7));
                           INSERT INTO events VALUES ('tick', $i); DELETE FROM events WHERE n = $i AND kind = 'init';
                           COMMIT" || exit 1
    sleep 0.05
  done ) &
load=$!

sandbox stop-target
down_at=$(date +%s)
sleep 3
time_command() { local t0; t0=$(now_ms); "$@" >"$WORK/answer.out" 2>&1; local rc=$?; echo $(( $(now_ms) - t0 )); return $rc; }
ms=$(time_command "$OMSRUN" status --task "$WORK/task") || fail "status failed during the outage: $(cat "$WORK/answer.out")"
grep -q "(running, pid $pid)" "$WORK/answer.out" || fail "status does not say running: $(cat "$WORK/answer.out")"
echo "status answered in $ms ms with the target down"
# status is answered from the coordinator, never from the target: far under the retry patience
[ "$ms" -lt 10000 ] || fail "status took $ms ms with the target down (it must not wait on the target)"
ms=$(time_command "$OMSRUN" pause --task "$WORK/task") || fail "pause failed during the outage: $(cat "$WORK/answer.out")"
echo "pause answered in $ms ms with the target down"
[ "$ms" -lt 10000 ] || fail "pause took $ms ms with the target down (it must not wait on the target)"
grep -q "^paused task $WORK/task: " "$WORK/answer.out" || fail "pause did not pause: $(cat "$WORK/answer.out")"
sleep 2
"$OMSRUN" resume --task "$WORK/task" >"$WORK/answer.out" 2>&1 || fail "resume failed: $(cat "$WORK/answer.out")"
grep -q "^resumed task $WORK/task: " "$WORK/answer.out" || fail "resume did not resume: $(cat "$WORK/answer.out")"

while [ $(( $(date +%s) - down_at )) -lt "$OUTAGE_SECONDS" ]; do
  kill -0 "$pid" 2>/dev/null || fail "omsrun ended during the target outage: $(tail -3 "$WORK/run.log")"
  sleep 1
done
kill -0 "$pid" 2>/dev/null || fail "omsrun ended during the target outage"
sandbox start-target
sleep 2
kill "$load"; wait "$load" 2>/dev/null || true
load=

converged=0
for _ in $(seq 1 60); do
  if same_checksum e2e_outage.orders e2e_outage_t.orders && same_checksum e2e_outage.events e2e_outage_t.events; then
    converged=1; break
  fi
  sleep 1
done
[ "$converged" = 1 ] || fail "the target did not converge after the outage"
kill -0 "$pid" 2>/dev/null || fail "omsrun is not running after the outage"
grep -q "target root@127.0.0.1:$OMSQL_TGT_PORT.*retrying applying changes" "$WORK/run.log" \
  || fail "no retry warning naming the target"
grep -q "gave up" "$WORK/run.log" && fail "something gave up: $(grep 'gave up' "$WORK/run.log" | head -1)"

# Stop while the target is down and a group waits for it: the process ends promptly.
sandbox stop-target
src_sql e2e_outage -e "UPDATE orders SET note = 'during stop' WHERE id <= 100"
sleep 3
ms=$(time_command "$OMSRUN" stop --task "$WORK/task") || fail "stop failed with the target down: $(cat "$WORK/answer.out")"
echo "stop ended the process in $ms ms with the target down"
[ "$ms" -lt 3000 ] || fail "stop took $ms ms with the target down"
wait "$pid" || fail "omsrun exited non-zero after stop"
sandbox start-target
E2E_CLEANUP=
"$OMSRUN" "$WORK/outage.omsql" --task-dir "$WORK/task" --until caught-up >"$WORK/rerun.log" 2>&1 || fail "rerun failed"
same_checksum e2e_outage.orders e2e_outage_t.orders || fail "orders differ after the rerun"
same_checksum e2e_outage.events e2e_outage_t.events || fail "events differ after the rerun"
echo "target_outage_e2e: ok (outage ${OUTAGE_SECONDS} s)"
