#!/usr/bin/env bash
# A table copied again inside the live link (docs/architecture.md "A table copied inside the live
# link") survives kill -9: a column of a big table is widened on the source while its copy runs;
# replay applies the ALTER at its barrier and copies the table again (throttled, so it takes a few
# seconds); the process is killed during that copy. table-copies.json names the table and the
# barrier; the rerun empties the table and copies it again before replaying past the barrier, and
# ends equal (SHOW CREATE TABLE, CHECKSUM TABLE EXTENDED) under a write load.
# Then the same for a table renamed into the MIGRATE patterns from another database: it joins with
# the in-link copy of its rows, the process is killed during that copy, and the rerun copies it
# again (its target table is the task's: table-copies.json says so) and ends equal.
source "$(dirname "$0")/lib.sh"

db=e2e_incopy
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db -e "CREATE TABLE big (id INT PRIMARY KEY, qty INT NOT NULL DEFAULT 0, note VARCHAR(10) NOT NULL DEFAULT '',
                  pad CHAR(60) NOT NULL DEFAULT '');
                INSERT INTO big SELECT seq, seq % 100, LEFT(MD5(seq), 10), REPEAT('p', 60) FROM seq_1_to_50000"
cat > "$WORK/incopy.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_incopy.* MAP e2e_incopy.* TO e2e_incopy_t.* DDL (ALTER TABLE = APPLY)
  WITH (parallel = 2, chunk_rows = 2000, batch_rows = 500, max_rows_per_sec = 10000);
EOF2
run_args=("$WORK/incopy.omsql" --task-dir "$WORK/task")
definition() { $1 -N -e "SHOW CREATE TABLE \`$2\`.\`$3\`" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'; }
same_table() { [ "$(definition src_sql $db "$1")" = "$(definition tgt_sql ${db}_t "$1")" ] && same_checksum $db.$1 ${db}_t.$1; }

"$OMSRUN" "${run_args[@]}" >"$WORK/run.log" 2>&1 &
pid=$!
( for i in $(seq 1 200); do
    src_sql $db -e "UPDATE big SET qty = qty + 1 WHERE id = $(( (i * 97) % 50000 + 1 )); INSERT INTO big (id, qty) VALUES ($((100000 + i)), $i)" || exit 1
    sleep 0.03
  done ) &
writer=$!
sleep 1.5
src_sql $db -e "ALTER TABLE big MODIFY note VARCHAR(40) NOT NULL DEFAULT ''; UPDATE big SET note = REPEAT('w', 30) WHERE id % 11 = 0"
for _ in $(seq 1 300); do
  grep -q "incremental: copying $db.big again at" "$WORK/run.log" && break
  kill -0 "$pid" 2>/dev/null || fail "the task ended before copying big again"
  sleep 0.1
done
grep -q "incremental: copying $db.big again at" "$WORK/run.log" || fail "replay did not copy big again"
sleep 1.5
grep -q "incremental: copied $db.big again" "$WORK/run.log" && fail "the in-link copy ended before the kill (make it slower)"
python3 - "$WORK/task/table-copies.json" <<'PY' || fail "table-copies.json does not name the copy under way"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["copying"]["table"] == "e2e_incopy.big", r
PY
"$OMSRUN" status --task "$WORK/task" | grep -q "waiting    for the in-link copy: copying $db.big again at" ||
  fail "status does not say replay waits for the in-link copy"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
echo "killed during the in-link copy: target big has $(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.big") rows"
wait "$writer" || fail "the writer failed"
"$OMSRUN" "${run_args[@]}" --until caught-up >"$WORK/rerun.log" 2>&1 || fail "the rerun after kill -9 failed"
grep -q "incremental: copying $db.big again at" "$WORK/rerun.log" || fail "the rerun did not copy big again first"
grep -q "incremental: copied $db.big again" "$WORK/rerun.log" || fail "the rerun's copy did not finish"
same_table big || { diff <(definition src_sql $db big) <(definition tgt_sql ${db}_t big) >&2 || true; fail "big differs after the rerun"; }
python3 - "$WORK/task/table-copies.json" <<'PY' || fail "table-copies.json still names a copy under way"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["copying"] is None and "read_by" in r["tables"]["e2e_incopy.big"], r
PY

# --- a table renamed into the patterns, killed during its copy ---
src_sql $db -e "DROP DATABASE IF EXISTS ${db}_other; CREATE DATABASE ${db}_other;
            CREATE TABLE ${db}_other.staged (id INT PRIMARY KEY, v VARCHAR(20) CHARACTER SET utf8mb4, b BLOB);
            INSERT INTO ${db}_other.staged SELECT seq, IF(seq % 9 = 0, NULL, CONCAT('é', seq)), IF(seq % 4 = 0, '', UNHEX(HEX(seq)))
              FROM seq_1_to_40000"
"$OMSRUN" "${run_args[@]}" >"$WORK/run2.log" 2>&1 &
pid=$!
src_sql -e "RENAME TABLE ${db}_other.staged TO $db.staged"
( for i in $(seq 1 150); do
    src_sql $db -e "UPDATE staged SET v = 'w$i' WHERE id = $(( (i * 89) % 40000 + 1 )); DELETE FROM staged WHERE id = $((i * 7));
                    INSERT INTO staged VALUES ($((100000 + i)), NULL, 'new')" || exit 1
    sleep 0.03
  done ) &
writer=$!
for _ in $(seq 1 300); do
  grep -q "incremental: copying $db.staged at" "$WORK/run2.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$WORK/run2.log"; fail "the task ended before copying staged"; }
  sleep 0.1
done
grep -q "incremental: copying $db.staged at" "$WORK/run2.log" || fail "replay did not copy the renamed table"
sleep 1
grep -q "incremental: copied $db.staged" "$WORK/run2.log" && fail "the copy of staged ended before the kill (make it slower)"
python3 - "$WORK/task/table-copies.json" <<'PY' || fail "table-copies.json does not name the copy of staged"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["copying"]["table"] == "e2e_incopy.staged" and r["copying"]["joined"] is True, r
PY
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
echo "killed during the copy of a renamed table: target staged has $(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.staged") rows"
wait "$writer" || fail "the writer failed"
"$OMSRUN" "${run_args[@]}" --until caught-up >"$WORK/rerun2.log" 2>&1 || { cat "$WORK/rerun2.log"; fail "the rerun after kill -9 failed"; }
grep -q "incremental: copied $db.staged at" "$WORK/rerun2.log" || fail "the rerun did not copy staged"
same_table staged || { diff <(definition src_sql $db staged) <(definition tgt_sql ${db}_t staged) >&2 || true; fail "staged differs after the rerun"; }
same_table big || fail "big differs after the second rerun"

src_sql -e "DROP DATABASE $db; DROP DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "incopy_kill_e2e: ok"
