#!/usr/bin/env bash
# Foreign-key actions under replay: MariaDB does not binlog the rows that ON DELETE / ON UPDATE
# CASCADE and SET NULL change, so replay derives them. The cascade matrix (ON DELETE CASCADE, ON
# DELETE SET NULL, ON UPDATE CASCADE, ON UPDATE SET NULL, a grandparent -> parent -> child chain,
# a self-referencing tree, a cycle of two tables, a Sakila-like category/film_category and
# rental/payment, a keyless child, REPLACE on a parent, a delete with foreign_key_checks=0) runs
# on parallel = 4 lanes while the copy runs and with the link live, with kill -9 of omsrun in
# between; the target must end identical by CHECKSUM TABLE ... EXTENDED, with no FK error.
# Parent keys are never reused by a cascaded update (see docs/architecture.md, "FK actions").
source "$(dirname "$0")/lib.sh"

db=e2e_fk
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db <<'SQL'
CREATE TABLE p1 (id INT PRIMARY KEY, v INT);
CREATE TABLE c_del (id INT PRIMARY KEY, pid INT, v INT, FOREIGN KEY (pid) REFERENCES p1 (id) ON DELETE CASCADE);
CREATE TABLE c_null (id INT PRIMARY KEY, pid INT, v INT, FOREIGN KEY (pid) REFERENCES p1 (id) ON DELETE SET NULL);
CREATE TABLE audit (pid INT, note VARCHAR(20), FOREIGN KEY (pid) REFERENCES p1 (id) ON DELETE CASCADE);
CREATE TABLE p2 (id INT PRIMARY KEY, code INT NOT NULL UNIQUE, v INT);
CREATE TABLE c_upd (id INT PRIMARY KEY, code INT, FOREIGN KEY (code) REFERENCES p2 (code) ON UPDATE CASCADE);
CREATE TABLE c_updnull (id INT PRIMARY KEY, code INT, FOREIGN KEY (code) REFERENCES p2 (code) ON UPDATE SET NULL);
CREATE TABLE g (id INT PRIMARY KEY, v INT);
CREATE TABLE gp (id INT PRIMARY KEY, gid INT, FOREIGN KEY (gid) REFERENCES g (id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE gc (id INT PRIMARY KEY, gpid INT, FOREIGN KEY (gpid) REFERENCES gp (id) ON DELETE CASCADE);
CREATE TABLE tree (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES tree (id) ON DELETE CASCADE);
CREATE TABLE ca (id INT PRIMARY KEY, b_id INT, KEY (b_id));
CREATE TABLE cb (id INT PRIMARY KEY, a_id INT, FOREIGN KEY (a_id) REFERENCES ca (id) ON DELETE CASCADE);
ALTER TABLE ca ADD FOREIGN KEY (b_id) REFERENCES cb (id) ON DELETE SET NULL;
CREATE TABLE category (category_id INT PRIMARY KEY, name VARCHAR(25) NOT NULL);
CREATE TABLE film_category (film_id INT NOT NULL, category_id INT NOT NULL, PRIMARY KEY (film_id, category_id),
  FOREIGN KEY (category_id) REFERENCES category (category_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE rental (rental_id INT PRIMARY KEY, customer INT NOT NULL);
CREATE TABLE payment (payment_id INT PRIMARY KEY, rental_id INT, amount DECIMAL(5,2) NOT NULL,
  FOREIGN KEY (rental_id) REFERENCES rental (rental_id) ON DELETE SET NULL ON UPDATE CASCADE);
CREATE TABLE filler (id INT PRIMARY KEY, pad CHAR(200) NOT NULL);

INSERT INTO p1 SELECT seq, seq FROM seq_1_to_400;
INSERT INTO c_del SELECT seq, 1 + seq % 400, seq FROM seq_1_to_2000;
INSERT INTO c_null SELECT seq, 1 + seq % 400, seq FROM seq_1_to_2000;
INSERT INTO audit SELECT 1 + seq % 400, 'a' FROM seq_1_to_1000;
INSERT INTO p2 SELECT seq, seq, seq FROM seq_1_to_400;
INSERT INTO c_upd SELECT seq, 1 + seq % 400 FROM seq_1_to_2000;
INSERT INTO c_updnull SELECT seq, 1 + seq % 400 FROM seq_1_to_2000;
INSERT INTO g SELECT seq, seq FROM seq_1_to_100;
INSERT INTO gp SELECT seq, 1 + seq % 100 FROM seq_1_to_500;
INSERT INTO gc SELECT seq, 1 + seq % 500 FROM seq_1_to_2000;
-- Trees under roots 1..50, up to four levels deep.
INSERT INTO tree SELECT seq, NULL FROM seq_1_to_50;
INSERT INTO tree SELECT seq, seq DIV 10 - 9 FROM seq_100_to_599;
INSERT INTO tree SELECT seq, seq DIV 10 FROM seq_1000_to_1499;
INSERT INTO tree SELECT seq, seq DIV 10 FROM seq_10000_to_10199;
INSERT INTO ca SELECT seq, NULL FROM seq_1_to_300;
INSERT INTO cb SELECT seq, 1 + seq % 300 FROM seq_1_to_600;
UPDATE ca SET b_id = 1 + (id * 7) % 600;
INSERT INTO category SELECT seq, CONCAT('cat', seq) FROM seq_1_to_16;
INSERT INTO film_category SELECT seq, 1 + seq % 16 FROM seq_1_to_1000;
INSERT INTO rental SELECT seq, seq % 50 FROM seq_1_to_1500;
INSERT INTO payment SELECT seq, 1 + seq % 1500, seq % 10 FROM seq_1_to_3000;
-- Parents no workload statement touches, for the foreign_key_checks=0 delete at the end.
INSERT INTO p1 VALUES (999, 0); INSERT INTO c_del VALUES (9999, 999, 0); INSERT INTO audit VALUES (999, 'k');
INSERT INTO g VALUES (999, 0); INSERT INTO gp VALUES (9999, 999); INSERT INTO gc VALUES (9999, 9999);
INSERT INTO filler SELECT seq, REPEAT('x', 200) FROM seq_1_to_150000;
SQL

cat > "$WORK/fk.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_fk.* MAP e2e_fk.* TO e2e_fk_t.*
  MAP COLUMN e2e_fk.c_null.pid TO parent_ref
  WITH (parallel = 4, chunk_rows = 5000, batch_rows = 2000);
EOF2

# check reports the graph it honours; an FK to a table left out of the task is a warning.
"$OMSRUN" check "$WORK/fk.omsql" >"$WORK/check.log" 2>&1 || { cat "$WORK/check.log"; fail "check failed"; }
honoured=$(grep -c "honoured by replay" "$WORK/check.log" || true)
[ "$honoured" = 12 ] || { cat "$WORK/check.log"; fail "check lists $honoured honoured FKs, expected 12"; }
grep -q 'ok: foreign key `film_category_ibfk_1` e2e_fk.film_category (category_id) -> e2e_fk.category (category_id) ON DELETE RESTRICT ON UPDATE CASCADE: honoured by replay' "$WORK/check.log" \
  || { cat "$WORK/check.log"; fail "check does not show the film_category FK"; }
sed 's/MIGRATE e2e_fk.\*/MIGRATE e2e_fk.* EXCLUDE e2e_fk.rental/' "$WORK/fk.omsql" >"$WORK/partial.omsql"
"$OMSRUN" check "$WORK/partial.omsql" >"$WORK/partial.log" 2>&1 || true
grep -q "warning: foreign key .*e2e_fk.payment (rental_id) -> e2e_fk.rental (rental_id).*is not in the task" "$WORK/partial.log" \
  || { cat "$WORK/partial.log"; fail "check does not warn about the FK to a table outside the task"; }

# The write load, from 4 clients: every statement that triggers an FK action, with fresh keys (a
# cascaded update never moves a key onto a value that existed before), mixed with plain writes.
workload() {
  local client=$1 rounds=$2
  for i in $(seq 1 "$rounds"); do
    local n=$((client * 100000 + i)) r=$((RANDOM % 400 + 1)) q=$((RANDOM % 100 + 1))
    src_sql $db -e "
      INSERT INTO p1 VALUES ($n, 0);
      INSERT INTO c_del VALUES ($n, $n, 1);
      INSERT INTO c_del SELECT $((n + 50000)), id, 1 FROM p1 WHERE id = $r;
      INSERT INTO c_null VALUES ($n, $n, 1);
      INSERT INTO audit VALUES ($n, 'n');
      INSERT INTO audit SELECT id, 'r' FROM p1 WHERE id = $r;
      DELETE FROM p1 WHERE id = $((RANDOM % 400 + 1));
      REPLACE INTO p1 VALUES ($r, $i);
      UPDATE c_del SET v = v + 1 WHERE id = $((RANDOM % 2000 + 1));
      START TRANSACTION;
        DELETE FROM p1 WHERE id = $n;
        INSERT INTO p1 VALUES ($n, 1);
        INSERT INTO c_del VALUES ($((n + 70000)), $n, 2);
      COMMIT;
      UPDATE p2 SET code = code + 1000000 WHERE id = $((RANDOM % 400 + 1));
      INSERT INTO p2 VALUES ($n, $n, 0);
      INSERT INTO c_upd VALUES ($n, $n);
      INSERT INTO c_updnull VALUES ($n, $n);
      UPDATE p2 SET v = v + 1, code = code + 1000000 WHERE id = $n;
      DELETE FROM p2 WHERE id = $((RANDOM % 400 + 1)) AND NOT EXISTS (SELECT 1 FROM c_upd WHERE c_upd.code = p2.code)
        AND NOT EXISTS (SELECT 1 FROM c_updnull WHERE c_updnull.code = p2.code);
      UPDATE g SET id = id + 1000000 WHERE id = $q;
      DELETE FROM g WHERE id = $((RANDOM % 100 + 1000001));
      INSERT INTO g VALUES ($n, 0);
      INSERT INTO gp VALUES ($n, $n);
      INSERT INTO gc VALUES ($n, $n);
      INSERT INTO gc SELECT $((n + 50000)), id FROM gp WHERE id = $((RANDOM % 500 + 1));
      INSERT INTO tree VALUES ($n, NULL), ($((n + 10000)), $n), ($((n + 20000)), $((n + 10000)));
      DELETE FROM tree WHERE id = $((RANDOM % 50 + 1));
      DELETE FROM tree WHERE id = $((n - 3 + 10000));
      INSERT INTO ca VALUES ($n, NULL);
      INSERT INTO cb VALUES ($n, $n);
      UPDATE ca SET b_id = $n WHERE id = $n;
      DELETE FROM ca WHERE id = $((RANDOM % 300 + 1));
      DELETE FROM cb WHERE id = $((RANDOM % 600 + 1));
      SET @category = (SELECT MIN(category_id) FROM category);
      UPDATE category SET category_id = category_id + 1000 WHERE category_id = @category;
      DELETE FROM rental WHERE rental_id = $((RANDOM % 1500 + 1));
      UPDATE rental SET rental_id = rental_id + 1000000 WHERE rental_id = $((RANDOM % 1500 + 1));
      INSERT INTO payment SELECT $n, rental_id, 1.50 FROM rental WHERE rental_id = $((RANDOM % 1500 + 1000001));
      UPDATE filler SET pad = 'y$i' WHERE id = $((RANDOM % 150000 + 1));
    " || echo "workload $client round $i: statement failed" >&2
    sleep 0.1
  done
}

run_args=("$WORK/fk.omsql" --task-dir "$WORK/task")
# kill -9 of the running omsrun, then the same command again in the background.
kill_and_rerun() {
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local phase
  phase=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['phase'])" "$WORK/task/state.json" 2>/dev/null || echo none)
  echo "kill -9 in phase $phase"
  "$OMSRUN" "${run_args[@]}" >>"$WORK/runs.log" 2>&1 &
  pid=$!
}
"$OMSRUN" "${run_args[@]}" >>"$WORK/runs.log" 2>&1 &
pid=$!
started=$SECONDS
for c in 1 2 3 4; do workload $c 60 2>>"$WORK/workload.log" & done
sleep 1.5
kill_and_rerun
sleep 6
kill_and_rerun
for job in $(jobs -p); do [ "$job" = "$pid" ] || wait "$job"; done
echo "workload: $((SECONDS - started)) s"
# Rows the source keeps orphaned: a delete made with foreign_key_checks=0 cascades nothing.
src_sql $db -e "SET foreign_key_checks = 0; DELETE FROM p1 WHERE id = 999; DELETE FROM g WHERE id = 999;
                SET foreign_key_checks = 1"
"$OMSRUN" stop --task "$WORK/task" || fail "omsrun stop"
wait "$pid" || fail "a stopped task must exit 0"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/runs.log" 2>&1 || { tail -30 "$WORK/runs.log"; fail "final catch-up run failed (or its verification found differences)"; }
grep -q "caught up" "$WORK/runs.log" || fail "no catch-up reported"
[ -s "$WORK/workload.log" ] && { cat "$WORK/workload.log"; fail "the workload had failing statements"; }
grep -iE "foreign key constraint|error 14(51|52)" "$WORK/runs.log" && fail "FK errors on the target"
orphans=$(src_sql -N $db -e "SELECT COUNT(*) FROM c_del WHERE pid = 999")
[ "$orphans" -gt 0 ] || fail "the foreign_key_checks=0 delete was expected to leave orphans on the source"

tables="p1 c_del c_null audit p2 c_upd c_updnull g gp gc tree ca cb category film_category rental payment filler"
for t in $tables; do
  a=$(src_sql -N -e "CHECKSUM TABLE $db.$t EXTENDED" | cut -f2)
  b=$(tgt_sql -N -e "CHECKSUM TABLE ${db}_t.$t EXTENDED" | cut -f2)
  rows=$(src_sql -N -e "SELECT COUNT(*) FROM $db.$t")
  echo "$t: $rows rows, checksum $a / $b"
  if [ "$a" != "$b" ]; then
    # For the post-mortem (the work folder is kept): the rows that differ, by key, and where the
    # task stood (the lanes' checkpoint rows).
    tail -30 "$WORK/runs.log"
    compare --pair "$db.$t=${db}_t.$t" $([ "$t" = c_null ] && echo --rename "$db.c_null.pid=parent_ref") 2>&1 | head -40 || true
    tgt_sql -e "SELECT * FROM omsql_meta.checkpoint" 2>&1 | head -10 || true
    fail "CHECKSUM TABLE $t: source $a, target $b"
  fi
done
pairs=()
for t in $tables; do pairs+=(--pair "$db.$t=${db}_t.$t"); done
compare "${pairs[@]}" --rename "$db.c_null.pid=parent_ref" >/dev/null || fail "compare_tables differs"
echo "fk_cascade_e2e: ok"
