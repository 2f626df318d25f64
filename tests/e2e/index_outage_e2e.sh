#!/usr/bin/env bash
# The target goes down while the secondary indexes are being added after a table's copy: the
# index step is retried when the target is back, and the one run ends with every index in place
# and the rows identical by CHECKSUM TABLE.
# Stops the shared target server: registered is_parallel : false.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_ixout; CREATE DATABASE e2e_ixout;
            CREATE TABLE e2e_ixout.t (id INT PRIMARY KEY, a CHAR(64), b CHAR(64), c INT)"
# Rows first, then the keys: one sort per index instead of random inserts into four of them.
src_sql e2e_ixout -e "INSERT INTO t SELECT seq, MD5(seq), SHA1(seq), seq % 1000 FROM seq_1_to_300000;
                      ALTER TABLE t ADD KEY ia (a), ADD KEY ib (b), ADD KEY ic (c, a), ADD KEY iba (b, a)"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_ixout_t"
cat > "$WORK/ix.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_ixout.* MAP e2e_ixout.* TO e2e_ixout_t.* MODE SCHEMA, FULL WITH (retry_max_delay = '1s');
EOF2
"$OMSRUN" "$WORK/ix.omsql" --task-dir "$WORK/task" >"$WORK/run.log" 2>&1 &
pid=$!
E2E_CLEANUP='kill $pid 2>/dev/null; sandbox start-target >/dev/null 2>&1 || true'
seen=0
for _ in $(seq 1 1200); do
  if [ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST
                         WHERE INFO LIKE 'ALTER TABLE%e2e_ixout_t%' AND INFO NOT LIKE '%PROCESSLIST%'")" -ge 1 ]; then
    seen=1; break
  fi
  sleep 0.05
done
[ "$seen" = 1 ] || fail "never saw the index build"
sandbox stop-target
sleep 4
kill -0 "$pid" 2>/dev/null || fail "omsrun ended while the target was down: $(tail -3 "$WORK/run.log")"
sandbox start-target
E2E_CLEANUP='kill $pid 2>/dev/null'
wait "$pid" || fail "omsrun failed after a target outage in the index step: $(tail -3 "$WORK/run.log")"
grep -q "retrying adding the" "$WORK/run.log" || fail "the index step was not retried"
indexes=$(tgt_sql -N -e "SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS
                         WHERE TABLE_SCHEMA = 'e2e_ixout_t' AND TABLE_NAME = 't'")
[ "$indexes" = 5 ] || fail "the target has $indexes indexes, expected 5 (PRIMARY and 4 secondary)"
same_checksum e2e_ixout.t e2e_ixout_t.t || fail "rows differ"
echo "index_outage_e2e: ok"
