#!/usr/bin/env bash
# The source purges the binlog a stopped task still needs. The next run stops with the purge
# message and says to re-copy (never "the task can be resumed"); a plain run after that refuses at
# once with the same advice. `--recopy` refuses while a table the task did not create holds rows
# (nothing changes), then — once that table is emptied — drops the tables the task created, copies
# everything again from a new position in the same task directory, and the link goes on from there:
# identical by CHECKSUM TABLE.
# Purges the shared source's binlogs: registered is_parallel : false.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_recopy; CREATE DATABASE e2e_recopy;
            CREATE TABLE e2e_recopy.orders (id INT PRIMARY KEY, qty INT NOT NULL);
            CREATE TABLE e2e_recopy.notes (txt VARCHAR(20));
            CREATE TABLE e2e_recopy.legacy (id INT PRIMARY KEY, v INT)"
src_sql e2e_recopy -e "INSERT INTO orders SELECT seq, seq % 7 FROM seq_1_to_5000;
                       INSERT INTO notes SELECT CONCAT('n', seq) FROM seq_1_to_300;
                       INSERT INTO legacy SELECT seq, seq FROM seq_1_to_100"
# `legacy` exists on the target before the task (on_exists = 'append'): not the task's to drop.
tgt_sql -e "DROP DATABASE IF EXISTS e2e_recopy_t; CREATE DATABASE e2e_recopy_t;
            CREATE TABLE e2e_recopy_t.legacy (id INT PRIMARY KEY, v INT)"
cat > "$WORK/recopy.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_recopy.* MAP e2e_recopy.* TO e2e_recopy_t.* WITH (parallel = 2, on_exists = 'append');
EOF2
run() { "$OMSRUN" "$WORK/recopy.omsql" --task-dir "$WORK/task" "$@"; }
run --until caught-up >"$WORK/first.log" 2>&1 || fail "first run failed"

# While the task is stopped: changes, then the binlogs holding them are purged.
src_sql e2e_recopy -e "UPDATE orders SET qty = qty + 100 WHERE id <= 50; DELETE FROM orders WHERE id > 4990;
                       INSERT INTO notes VALUES ('lost'); UPDATE legacy SET v = -v WHERE id <= 10"
src_sql -e "FLUSH BINARY LOGS"
current=$(src_sql -N -e "SHOW MASTER STATUS" | cut -f1)
# The start position's payload is the MySQL family's "FILE:OFFSET gtid G".
start_file=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["start_position"]["payload"].split(" gtid ")[0].rsplit(":", 1)[0])' "$WORK/task/state.json")
# The server keeps a file until its transactions are checkpointed (and while a binlog dump thread
# reads it): purge until the task's start file is gone.
purged=0
for _ in $(seq 1 100); do
  src_sql -e "PURGE BINARY LOGS TO '$current'" 2>/dev/null || true
  if ! src_sql -N -e "SHOW BINARY LOGS" | cut -f1 | grep -qx "$start_file"; then purged=1; break; fi
  sleep 0.1
done
[ "$purged" = 1 ] || fail "the source kept $start_file (is another binlog reader connected?)"

expect_refusal 1 run --until caught-up
echo "$out" >"$WORK/purged.log"
echo "$out" | grep -q "needed by the task was purged" || fail "no purge message: $out"
echo "$out" | grep -q -- "--recopy" || fail "no re-copy advice: $out"
echo "$out" | grep -qi "can be resumed" && fail "a purged binlog is said to be resumable: $out"
expect_refusal 1 run --until caught-up
echo "$out" | grep -q -- "omsrun $WORK/recopy.omsql --recopy" || fail "a plain rerun does not refuse with the advice: $out"

before=$(fingerprint tgt_sql e2e_recopy_t)
expect_refusal 1 run --recopy --until caught-up
echo "$out" | grep -q "target table e2e_recopy_t.legacy (from e2e_recopy.legacy) was not created by this task and holds rows" \
  || fail "--recopy did not refuse the pre-existing table: $out"
echo "$out" | grep -q "nothing was changed" || fail "no 'nothing was changed': $out"
[ "$before" = "$(fingerprint tgt_sql e2e_recopy_t)" ] || fail "a refused --recopy changed the target"

tgt_sql -e "TRUNCATE TABLE e2e_recopy_t.legacy"
run --recopy --until caught-up >"$WORK/recopy.log" 2>&1 || fail "--recopy failed"
grep -q "re-copy: dropped 2 target table(s) this task created" "$WORK/recopy.log" || fail "the re-copy did not say what it dropped"
# (the progress table names every task table, legacy too: only the drop line counts)
grep "re-copy: dropped" "$WORK/recopy.log" | grep -q "legacy" && fail "the re-copy dropped legacy"
for t in orders notes legacy; do same_checksum "e2e_recopy.$t" "e2e_recopy_t.$t" || fail "$t differs after the re-copy"; done

# Same task (same directory, same checkpoint rows), now live from the new position.
src_sql e2e_recopy -e "UPDATE orders SET qty = 0 WHERE id % 3 = 0; INSERT INTO notes VALUES ('after'); DELETE FROM legacy WHERE id = 1"
run --until caught-up >"$WORK/after.log" 2>&1 || fail "the run after the re-copy failed"
grep -q "resuming task" "$WORK/after.log" || fail "the task was not resumed after the re-copy"
for t in orders notes legacy; do same_checksum "e2e_recopy.$t" "e2e_recopy_t.$t" || fail "$t differs after the link"; done
echo "recopy_e2e: ok"
