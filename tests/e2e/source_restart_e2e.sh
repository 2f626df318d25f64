#!/usr/bin/env bash
# The source restarts while a keyed chunk and a keyless table are both half read (and the binlog
# tailer is capturing): the keyed chunk is read again from its start, the keyless table is copied
# again from a new snapshot, capture resumes from its last durable position, and the one run
# ends caught up and identical by CHECKSUM TABLE — no rerun.
# Restarts the shared source server: registered is_parallel : false.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_restart; CREATE DATABASE e2e_restart;
            CREATE TABLE e2e_restart.keyed (id INT PRIMARY KEY, pad CHAR(200) NOT NULL);
            CREATE TABLE e2e_restart.loose (n INT, pad CHAR(200))"
src_sql e2e_restart -e "INSERT INTO keyed SELECT seq, REPEAT(CHAR(65 + seq % 26), 200) FROM seq_1_to_300000;
                        INSERT INTO loose SELECT seq % 1000, REPEAT('x', 200) FROM seq_1_to_100000"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_restart_t"
# One chunk per table, small batches and one credit: each read lasts seconds, so the restart
# lands inside both.
cat > "$WORK/restart.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_restart.* MAP e2e_restart.* TO e2e_restart_t.*
  WITH (parallel = 2, chunk_rows = 300000, batch_rows = 500, credits = 1, retry_max_delay = '1s');
EOF2
"$OMSRUN" "$WORK/restart.omsql" --task-dir "$WORK/task" --until caught-up >"$WORK/run.log" 2>&1 &
pid=$!
E2E_CLEANUP='kill $pid 2>/dev/null; sandbox start-source >/dev/null 2>&1 || true'
reading() { # table: the reader's streaming SELECT (every column; the chunker selects only the key)
  src_sql -N -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST
                 WHERE INFO LIKE 'SELECT%\`pad\`%e2e_restart%$1%' AND INFO NOT LIKE '%PROCESSLIST%'"
}
both=0
for _ in $(seq 1 300); do
  if [ "$(reading keyed)" -ge 1 ] && [ "$(reading loose)" -ge 1 ] &&
     [ "$(tgt_sql -N -e "SELECT COUNT(*) FROM e2e_restart_t.keyed" 2>/dev/null || echo 0)" -gt 0 ]; then
    both=1; break
  fi
  sleep 0.05
done
[ "$both" = 1 ] || fail "never saw both tables being read"
copied=$(tgt_sql -N -e "SELECT COUNT(*) FROM e2e_restart_t.keyed")
echo "restarting the source with $copied of 300000 keyed rows on the target"
[ "$copied" -lt 300000 ] || fail "the keyed chunk was already copied"
sandbox restart-source
# A change after the restart, which the link must capture from the restarted source.
src_sql e2e_restart -e "UPDATE keyed SET pad = 'after restart' WHERE id <= 10; INSERT INTO loose VALUES (-1, 'after')"
E2E_CLEANUP='kill $pid 2>/dev/null'
wait "$pid" || fail "omsrun failed after a source restart: $(tail -3 "$WORK/run.log")"
grep -q "source connection lost; re-reading e2e_restart.keyed" "$WORK/run.log" || fail "the keyed chunk was not re-read"
grep -q "source connection lost; copying e2e_restart.loose again from a new snapshot" "$WORK/run.log" \
  || fail "the keyless table was not copied again"
grep -q "retrying reading the source binlog" "$WORK/run.log" || fail "the tailer did not reconnect"
same_checksum e2e_restart.keyed e2e_restart_t.keyed || fail "keyed differs"
same_checksum e2e_restart.loose e2e_restart_t.loose || fail "loose differs"
echo "source_restart_e2e: ok"
