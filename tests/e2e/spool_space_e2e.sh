#!/usr/bin/env bash
# The spool on a small filesystem: the task directory is a 24 MB tmpfs.
# 1. 80 MB of row changes pass through the live link with no pause: applied segments (4 MB) are
#    given back as replay goes.
# 2. Replay is paused, so the spool fills the filesystem: capture pauses with a warning naming the
#    directory and the free space, the task stays alive (status says capture waits), and when
#    replay resumes and gives the applied segments back, capture resumes by itself.
# 3. The filesystem is full again and the process is killed (-9): a rerun recovers the spool on
#    the full filesystem and catches up.
# The target ends identical by CHECKSUM TABLE. Mounting needs root (CI runs as root): without it
# the test fails, it does not skip.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/task"
mount -t tmpfs -o size=24m,mode=0700 tmpfs "$WORK/task" \
  || fail "cannot mount a tmpfs on $WORK/task (this test needs root, as CI runs it)"
E2E_CLEANUP='kill -9 ${pid:-} ${sampler:-} 2>/dev/null; sleep 0.2; umount "$WORK/task" 2>/dev/null || umount -l "$WORK/task"'

db=e2e_space
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db -e "CREATE TABLE big (id INT PRIMARY KEY, n INT NOT NULL, pad VARCHAR(1000) NOT NULL);
                INSERT INTO big SELECT seq, 0, REPEAT('a', 1000) FROM seq_1_to_20000;"
cat > "$WORK/space.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.big MAP $db.big TO ${db}_t.big WITH (parallel = 2, task_dir = '$WORK/task');
EOF2

# One pass updates rows FIRST..LAST once, 200 rows per transaction: each row image is ~1 KB and
# an update spools two, so a whole pass puts at least 20000 * 2 * 1000 bytes = 40 MB through the spool.
pass() {  # k [first last]
  python3 - "$1" "${2:-1}" "${3:-20000}" <<'PY' | src_sql $db || fail "source writes failed"
import sys
k, first, last = (int(a) for a in sys.argv[1:])
for start in range(first, last + 1, 200):
    print(f"UPDATE big SET n = n + 1, pad = REPEAT(CHAR(65 + {k} % 26), 1000) WHERE id BETWEEN {start} AND {min(start + 199, last)};")
PY
}
alive() { kill -0 "$pid" 2>/dev/null || fail "a full spool filesystem ended the task: $(tail -5 "$WORK/run.log")"; }
wait_applied() {  # until the target holds the source's n for every row
  local want; want=$(src_sql -N -e "SELECT SUM(n) FROM $db.big")
  for _ in $(seq 1 900); do
    [ "$(tgt_sql -N -e "SELECT SUM(n) FROM ${db}_t.big" 2>/dev/null)" = "$want" ] && return 0
    alive
    sleep 0.1
  done
  fail "the target did not reach the source's changes: $(tail -5 "$WORK/run.log")"
}
pause_warnings() { grep -c "is out of space" "$WORK/run.log" || true; }
wait_pause_warning() {  # until the n-th pause warning
  for _ in $(seq 1 600); do [ "$(pause_warnings)" -ge "$1" ] && return 0; alive; sleep 0.1; done
  fail "capture never paused on the full filesystem: $(tail -5 "$WORK/run.log")"
}

"$OMSRUN" "$WORK/space.omsql" >"$WORK/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q "caught up" "$WORK/run.log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
grep -q "caught up" "$WORK/run.log" || fail "the link did not catch up"

# 1. Two passes, 80 MB, through a 24 MB filesystem, without running out of space: written in
# slices of 2000 rows (~4 MB of spool) that replay applies before the next, so that only reclaim
# can keep the spool small.
(while :; do du -sb "$WORK/task/spool" 2>/dev/null | cut -f1; sleep 0.2; done) >"$WORK/spool-sizes.txt" &
sampler=$!
for k in 1 2; do
  for first in $(seq 1 2000 20000); do pass $k $first $((first + 1999)); wait_applied; done
done
kill "$sampler"; wait "$sampler" 2>/dev/null || true
[ "$(pause_warnings)" = 0 ] || fail "the spool ran out of space although replay kept up: $(grep "out of space" "$WORK/run.log")"
peak=$(sort -n "$WORK/spool-sizes.txt" | tail -1)
echo "phase 1: 80 MB of row images through the spool, largest spool seen ${peak} bytes"
[ "$peak" -lt $((20 << 20)) ] || fail "the spool grew to $peak bytes: applied segments were not given back"

# 2. Replay paused: the spool fills the filesystem, capture pauses, the task lives on; replay
# resumes, gives the applied segments back, and capture resumes by itself.
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
pass 4
pass 5
wait_pause_warning 1
grep "is out of space" "$WORK/run.log" | head -1
grep -q "warning: spool $WORK/task/spool is out of space ([0-9.]* MB free; .*No space left on device.*): binlog capture paused" \
  "$WORK/run.log" || fail "no pause warning naming the directory and the free space: $(tail -5 "$WORK/run.log")"
sleep 2
alive
"$OMSRUN" status --task "$WORK/task" >"$WORK/status.txt" 2>&1 || fail "omsrun status while capture waits for space: $(cat "$WORK/status.txt")"
grep -q "^capture    paused: spool $WORK/task/spool is out of space ([0-9.]* MB free)" "$WORK/status.txt" \
  || fail "omsrun status does not say that capture waits for space: $(cat "$WORK/status.txt")"
"$OMSRUN" status --task "$WORK/task" --json >"$WORK/status.json" || fail "omsrun status --json"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["caught_up"] is False and "out of space" in j["capture_paused"] else 1)' \
  "$WORK/status.json" || fail "status while capture waits must not be caught up: $(cat "$WORK/status.json")"
"$OMSRUN" resume --task "$WORK/task" >/dev/null || fail "omsrun resume"
for _ in $(seq 1 300); do grep -q "binlog capture resumes from" "$WORK/run.log" && break; alive; sleep 0.1; done
grep -q "spool $WORK/task/spool: [0-9.]* MB free again: binlog capture resumes from" "$WORK/run.log" \
  || fail "capture did not resume when replay gave the space back: $(tail -5 "$WORK/run.log")"
wait_applied
"$OMSRUN" status --task "$WORK/task" --json >"$WORK/status.json" || fail "omsrun status --json"
python3 -c 'import json,sys; sys.exit("capture_paused" in json.load(open(sys.argv[1])))' "$WORK/status.json" \
  || fail "status still says capture waits after it resumed: $(cat "$WORK/status.json")"
echo "phase 2: capture paused on the full filesystem and resumed once replay gave the applied segments back"

# 3. Full again, then kill -9: the rerun recovers the spool on the full filesystem and catches up.
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
pass 6
pass 7
wait_pause_warning 2
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
echo "phase 3: killed while capture waited for space ($(df -B1 --output=avail "$WORK/task" | tail -1) bytes free)"
"$OMSRUN" "$WORK/space.omsql" --until caught-up >"$WORK/final.log" 2>&1 || fail "rerun after kill -9: $(tail -5 "$WORK/final.log")"
same_checksum $db.big ${db}_t.big || fail "CHECKSUM TABLE big differs between source and target"
[ "$(src_sql -N -e "SELECT SUM(n) FROM $db.big")" = "$(tgt_sql -N -e "SELECT SUM(n) FROM ${db}_t.big")" ] \
  || fail "SUM(n) differs"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE ${db}_t"
echo "spool_space_e2e: ok"
