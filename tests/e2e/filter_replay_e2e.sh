#!/usr/bin/env bash
# FILTERs and the incremental phase. A filter replay cannot decide from the changed row alone (a
# subquery here) is refused before anything is written, with its file:line:col, both at compile
# time and when --mode adds INCREMENTAL; without INCREMENTAL it copies exactly. A row-local filter
# that reads an excluded and a generated column replays changes that move rows in and out of it.
source "$(dirname "$0")/lib.sh"

db=e2e_fr
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db <<'SQL'
CREATE TABLE other (id INT PRIMARY KEY);
INSERT INTO other SELECT seq * 3 FROM seq_1_to_500;
CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(10) NOT NULL, amount INT NOT NULL, internal_flag INT NOT NULL,
                     doubled INT AS (amount * 2) VIRTUAL);
INSERT INTO orders (id, status, amount, internal_flag)
  SELECT seq, ELT(1 + seq % 3, 'new', 'paid', 'shipped'), seq % 50, seq % 2 FROM seq_1_to_3000;
SQL

cat > "$WORK/sub.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.orders MAP $db.orders TO ${db}_t.orders
  FILTER $db.orders WHERE id IN (SELECT id FROM $db.other)
  WITH (task_dir = '$WORK/task-sub');
EOF2
expected="$WORK/sub.omsql:4:37: error: FILTER on $db.orders: a subquery (SELECT ...) cannot be evaluated when changes are replayed"
for command in check run; do
  set +e
  "$OMSRUN" $command "$WORK/sub.omsql" >"$WORK/sub-$command.log" 2>&1
  code=$?
  set -e
  [ "$code" = 2 ] || fail "$command of a subquery FILTER with INCREMENTAL: exit $code, expected 2"
  grep -qF "$expected" "$WORK/sub-$command.log" || fail "$command: no located refusal: $(cat "$WORK/sub-$command.log")"
  grep -q "copy the table without the INCREMENTAL phase (MODE SCHEMA, FULL" "$WORK/sub-$command.log" \
    || fail "$command: the refusal does not say what to do instead"
  # The caret sits under SELECT.
  grep -A2 -F "$expected" "$WORK/sub-$command.log" | tail -1 | grep -qx ' \{36\}^' || fail "$command: caret misplaced"
done
[ -z "$(tgt_sql -N -e "SHOW DATABASES LIKE '${db}_t'")" ] || fail "a refused task wrote to the target"

# Without INCREMENTAL the subquery runs once, on the source, in the copy: exact.
sed -i 's/  WITH (task_dir/  MODE SCHEMA, FULL WITH (task_dir/' "$WORK/sub.omsql"
set +e
"$OMSRUN" "$WORK/sub.omsql" --mode schema,full,incremental >"$WORK/sub-mode.log" 2>&1
code=$?
set -e
[ "$code" != 0 ] || fail "--mode adding INCREMENTAL to a subquery FILTER must be refused"
grep -qF "sub.omsql:4:37: FILTER on $db.orders: a subquery (SELECT ...)" "$WORK/sub-mode.log" \
  || fail "--mode: pre-flight does not name the FILTER's place: $(cat "$WORK/sub-mode.log")"
[ -z "$(tgt_sql -N -e "SHOW DATABASES LIKE '${db}_t'")" ] || fail "a refused --mode run wrote to the target"
"$OMSRUN" "$WORK/sub.omsql" >"$WORK/sub-full.log" 2>&1 || fail "the FULL copy with a subquery FILTER failed: $(tail -5 "$WORK/sub-full.log")"
want=$(src_sql -N -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, status, amount))) FROM $db.orders WHERE id IN (SELECT id FROM $db.other)")
got=$(tgt_sql -N -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, status, amount))) FROM ${db}_t.orders")
[ "$want" = "$got" ] || fail "subquery FILTER copy: source $want, target $got"
tgt_sql -e "DROP DATABASE ${db}_t"

# A row-local filter over an excluded column and a generated one, live.
cat > "$WORK/live.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.orders MAP $db.orders TO ${db}_t.orders
  COLUMNS $db.orders EXCLUDE (internal_flag)
  FILTER $db.orders WHERE status IN ('paid', 'shipped') AND internal_flag = 0 AND doubled > 20
  WITH (parallel = 2, task_dir = '$WORK/task-live');
EOF2
"$OMSRUN" check "$WORK/live.omsql" >"$WORK/live-check.log" 2>&1 || fail "check of a row-local FILTER: $(tail -5 "$WORK/live-check.log")"
"$OMSRUN" "$WORK/live.omsql" >"$WORK/live.log" 2>&1 &
pid=$!
for i in $(seq 1 40); do
  src_sql $db -e "UPDATE orders SET status = IF(status = 'new', 'paid', 'new') WHERE id % 40 = $i % 40;
                  UPDATE orders SET internal_flag = 1 - internal_flag WHERE id % 37 = $i;
                  UPDATE orders SET amount = (amount + 7) % 50 WHERE id % 29 = $i % 29;
                  INSERT INTO orders (id, status, amount, internal_flag) VALUES (10000 + $i, 'paid', 40, $i % 2);
                  DELETE FROM orders WHERE id = 3 * $i;" || fail "source writes"
  sleep 0.05
done
for _ in $(seq 1 300); do grep -q "caught up" "$WORK/live.log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
"$OMSRUN" stop --task "$WORK/task-live" >/dev/null || fail "stop: $(tail -5 "$WORK/live.log")"
wait "$pid" || fail "the live FILTER task failed: $(tail -5 "$WORK/live.log")"
"$OMSRUN" "$WORK/live.omsql" --until caught-up >"$WORK/final.log" 2>&1 || fail "final catch-up: $(tail -5 "$WORK/final.log")"
want=$(src_sql -N -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, status, amount, doubled))) FROM $db.orders
                      WHERE status IN ('paid', 'shipped') AND internal_flag = 0 AND doubled > 20")
got=$(tgt_sql -N -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, status, amount, doubled))) FROM ${db}_t.orders")
[ "$want" = "$got" ] || fail "live FILTER: source $want, target $got"
tgt_sql -N -e "SHOW CREATE TABLE ${db}_t.orders" | grep -q internal_flag && fail "the excluded column exists on the target"
echo "filtered rows: $want"
echo "filter_replay_e2e: ok"
