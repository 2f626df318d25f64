#!/usr/bin/env bash
# The source connection of a reader is killed in mid-chunk: the reader reconnects, reads the chunk
# again, and the copy ends complete and equal, with no restart of omsrun.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_loss; CREATE DATABASE e2e_loss;
            CREATE TABLE e2e_loss.t (id INT PRIMARY KEY, pad CHAR(200) NOT NULL)"
src_sql e2e_loss -e "INSERT INTO t SELECT seq, REPEAT(CHAR(65 + seq % 26), 200) FROM seq_1_to_400000"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_loss_t"
cat > "$WORK/loss.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_loss.* MAP e2e_loss.* TO e2e_loss_t.* MODE SCHEMA, FULL
  WITH (parallel = 1, chunk_rows = 400000, batch_rows = 500, credits = 1);
EOF2
"$OMSRUN" "$WORK/loss.omsql" --task-dir "$WORK/task" >"$WORK/run.log" 2>&1 &
pid=$!
# Kill the reader's streaming SELECT (it selects every column; the chunker selects only the key)
# once it is under way.
killed=0
for _ in $(seq 1 200); do
  ids=$(src_sql -N -e "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT%\`pad\`%e2e_loss%' AND INFO NOT LIKE '%PROCESSLIST%'")
  for id in $ids; do src_sql -e "KILL CONNECTION $id" 2>/dev/null && killed=1; done
  [ "$killed" = 1 ] && break
  sleep 0.05
done
[ "$killed" = 1 ] || fail "never saw the reader's query"
wait "$pid" || fail "omsrun failed after a lost source connection: $(tail -3 "$WORK/run.log")"
grep -q "source connection lost; re-reading" "$WORK/run.log" || fail "no re-read reported"
compare --pair e2e_loss.t=e2e_loss_t.t || fail "target differs"
echo "source_loss_e2e: ok"
