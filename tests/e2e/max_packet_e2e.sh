#!/usr/bin/env bash
# The target's max_allowed_packet bounds every statement replay sends: the server drops the
# connection on a longer one, which looked like a target that went away and was retried for the
# whole retry patience (10 min) before the link died. With the target at 4 MB, 40 rows of 512 KB
# in one source transaction replay in statements cut at half the packet; a 3 MB row, whose
# statement cannot fit, stops the link at once with the key and the fix; once the target's packet
# is raised, the same command resumes and the target ends identical by CHECKSUM TABLE.
# Sets the target's GLOBAL max_allowed_packet: registered is_parallel : false.
source "$(dirname "$0")/lib.sh"

db=e2e_packet
old_packet=$(tgt_sql -N -e "SELECT @@GLOBAL.max_allowed_packet")
E2E_CLEANUP="tgt_sql -e 'SET GLOBAL max_allowed_packet = $old_packet'"
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db -e "CREATE TABLE b (id INT PRIMARY KEY, data LONGBLOB, note VARCHAR(20));
  INSERT INTO b SELECT seq, REPEAT('c', 1000), 'copied' FROM seq_1_to_100"
tgt_sql -e "SET GLOBAL max_allowed_packet = 4 * 1024 * 1024"
cat > "$WORK/packet.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_packet.* MAP e2e_packet.* TO e2e_packet_t.* WITH (parallel = 2);
EOF2
run_args=("$WORK/packet.omsql" --task-dir "$WORK/task")
status_field() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))" 2>/dev/null; }

"$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ "$(status_field caught_up)" = True ] && break
  kill -0 "$pid" 2>/dev/null || fail "the first run ended before its link caught up: $(tail -3 "$WORK/run.log")"
  sleep 0.1
done
# 40 rows of 512 KB (1 MB as hex literals) in one transaction: one 4 MB statement would not fit.
src_sql $db -e "INSERT INTO b SELECT 1000 + seq, REPEAT('m', 512 * 1024), 'mid' FROM seq_1_to_40"
for _ in $(seq 1 600); do
  [ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.b WHERE note = 'mid'" 2>/dev/null)" = 40 ] && break
  kill -0 "$pid" 2>/dev/null || fail "the link ended on rows that fit the packet: $(tail -3 "$WORK/run.log")"
  sleep 0.1
done
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.b WHERE note = 'mid'")" = 40 ] || fail "the 512 KB rows did not reach the target"
grep -q "max_allowed_packet\|gone away" "$WORK/run.log" && fail "rows that fit the packet met it: $(grep -m1 "max_allowed_packet\|gone away" "$WORK/run.log")"

# A 3 MB row: its statement (6 MB of hex) cannot fit a 4 MB packet.
src_sql $db -e "INSERT INTO b VALUES (700, REPEAT('x', 3 * 1024 * 1024), 'big'); INSERT INTO b VALUES (800, 'after', 'after')"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "the link did not stop on a statement longer than the target's max_allowed_packet"; fi
code=0; wait "$pid" || code=$?
[ "$code" != 0 ] || fail "the run ended with 0 on a statement it could not send"
grep -q "REPLACE INTO \`${db}_t\`.\`b\` (key \`id\` = 700) needs a 6.0 MB statement, more than the target's max_allowed_packet (4.0 MB): raise it on the target" "$WORK/run.log" ||
  fail "the stop does not name the row, the sizes and the fix: $(grep -v '^ ' "$WORK/run.log" | tail -4)"
grep -q "gone away" "$WORK/run.log" && fail "the oversized statement was still sent and retried"

tgt_sql -e "SET GLOBAL max_allowed_packet = 64 * 1024 * 1024"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the run after raising the packet failed: $(tail -3 "$WORK/run.log")"
same_checksum $db.b ${db}_t.b || fail "the target rows differ after the resume"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "max_packet_e2e: ok"
