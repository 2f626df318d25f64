#!/usr/bin/env bash
# Changes the link cannot replay: a session writes a migrated table with binlog_row_image=MINIMAL
# (a partial row image), then another with binlog_format=STATEMENT (no row images at all). Each
# time the run stops naming the table and the binlog position, says to fix the session and re-copy
# (never "the task can be resumed": the binlog still holds the same event), a plain rerun refuses
# at once with the same advice, and `--recopy` converges: identical by CHECKSUM TABLE.
source "$(dirname "$0")/lib.sh"

db=e2e_unrep
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
            CREATE TABLE $db.orders (id INT PRIMARY KEY, qty INT NOT NULL, note VARCHAR(20));
            CREATE TABLE $db.plain (id INT PRIMARY KEY, v INT)"
src_sql $db -e "INSERT INTO orders SELECT seq, seq % 7, 'n' FROM seq_1_to_2000;
                INSERT INTO plain SELECT seq, seq FROM seq_1_to_100"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
cat > "$WORK/unrep.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (parallel = 2);
EOF2
run() { "$OMSRUN" "$WORK/unrep.omsql" --task-dir "$WORK/task" "$@"; }
run --until caught-up >"$WORK/first.log" 2>&1 || fail "first run failed: $(tail -3 "$WORK/first.log")"

# refused WHAT: the run stops on the change, says what and how to get out, and so does a rerun.
refused() {
  expect_refusal 1 run --until caught-up
  echo "$out" | grep -q "$1" || fail "no '$1' in: $out"
  echo "$out" | grep -q "$db.orders" || fail "the table is not named: $out"
  echo "$out" | grep -q "omsrun $WORK/unrep.omsql --recopy" || fail "no re-copy advice: $out"
  echo "$out" | grep -qi "can be resumed" && fail "an unreplayable change is said to be resumable: $out"
  expect_refusal 1 run --until caught-up
  echo "$out" | grep -q "$1" || fail "a rerun does not refuse with the cause: $out"
  echo "$out" | grep -q -- "--recopy" || fail "a rerun does not refuse with the advice: $out"
}
converges() {
  run --recopy --until caught-up >"$WORK/recopy.log" 2>&1 || fail "--recopy failed: $(tail -3 "$WORK/recopy.log")"
  for t in orders plain; do same_checksum "$db.$t" "${db}_t.$t" || fail "$t differs after the re-copy"; done
  src_sql $db -e "UPDATE orders SET qty = qty + 1 WHERE id <= 30; INSERT INTO plain VALUES (1000 + FLOOR(RAND() * 1000000), 1)"
  run --until caught-up >"$WORK/after.log" 2>&1 || fail "the run after the re-copy failed: $(tail -3 "$WORK/after.log")"
  for t in orders plain; do same_checksum "$db.$t" "${db}_t.$t" || fail "$t differs after the link"; done
}

src_sql $db -e "SET SESSION binlog_row_image = 'MINIMAL'; UPDATE orders SET qty = qty + 10 WHERE id <= 5"
refused "partial row image"
converges

src_sql $db -e "SET SESSION binlog_format = 'STATEMENT'; INSERT INTO orders VALUES (5001, 1, 'stmt')"
refused "statement-based change"
converges
echo "unreplayable_e2e: ok"
