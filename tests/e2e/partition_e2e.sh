#!/usr/bin/env bash
# Partitioned tables (issue 13) MariaDB -> MariaDB with omsrun: RANGE, LIST (with a DEFAULT partition),
# HASH, KEY and a subpartitioned table are created partitioned exactly as on the source (SHOW CREATE
# TABLE equal), copied, then kept in sync through rows that move between partitions; a MAP COLUMN
# rename reaches the partitioning expression; a COLUMNS EXCLUDE of a partitioning column is refused
# before anything is written, naming the table and the column.
source "$(dirname "$0")/lib.sh"

db=e2e_part
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db <<'SQL'
CREATE TABLE sales (id INT NOT NULL, sold DATE NOT NULL, amount DECIMAL(10,2), PRIMARY KEY (id, sold))
  PARTITION BY RANGE (YEAR(sold)) (PARTITION p2022 VALUES LESS THAN (2023) COMMENT 'closed',
                                   PARTITION p2023 VALUES LESS THAN (2024), PARTITION pmax VALUES LESS THAN MAXVALUE);
CREATE TABLE regions (id INT NOT NULL, region INT NOT NULL, name VARCHAR(20), PRIMARY KEY (id, region))
  PARTITION BY LIST (region) (PARTITION eu VALUES IN (1, 2), PARTITION us VALUES IN (3), PARTITION other DEFAULT);
CREATE TABLE hashed (id INT NOT NULL PRIMARY KEY, v VARCHAR(30)) PARTITION BY HASH (id) PARTITIONS 4;
CREATE TABLE keyed (code VARCHAR(16) NOT NULL PRIMARY KEY, n INT) PARTITION BY KEY () PARTITIONS 3;
-- No key at all: any column may be excluded, but not the one the table is partitioned by.
CREATE TABLE logs (at DATETIME NOT NULL, msg VARCHAR(50)) PARTITION BY RANGE COLUMNS (at)
  (PARTITION p0 VALUES LESS THAN ('2023-01-01'), PARTITION p1 VALUES LESS THAN (MAXVALUE));
CREATE TABLE sub (id INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (id, d))
  PARTITION BY RANGE COLUMNS (d) SUBPARTITION BY HASH (id) SUBPARTITIONS 2
  (PARTITION old VALUES LESS THAN ('2023-01-01'), PARTITION cur VALUES LESS THAN (MAXVALUE));
INSERT INTO sales SELECT seq, '2022-01-01' + INTERVAL (seq % 900) DAY, seq / 100 FROM seq_1_to_6000;
INSERT INTO regions SELECT seq, seq % 6, CONCAT('r', seq) FROM seq_1_to_3000;
INSERT INTO hashed SELECT seq, CONCAT('h', seq) FROM seq_1_to_4000;
INSERT INTO keyed SELECT CONCAT('k', seq), seq FROM seq_1_to_2000;
INSERT INTO logs SELECT '2022-06-01' + INTERVAL seq HOUR, CONCAT('m', seq) FROM seq_1_to_1000;
INSERT INTO sub SELECT seq, '2022-06-01' + INTERVAL (seq % 400) DAY FROM seq_1_to_2000;
SQL

cat > "$WORK/part.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (parallel = 2, chunk_rows = 1000, batch_rows = 500, task_dir = '$WORK/task');
EOF2
"$OMSRUN" "$WORK/part.omsql" --until caught-up >"$WORK/run.log" 2>&1 || fail "first run: $(tail -5 "$WORK/run.log")"
grep -qi "partitioning is not migrated" "$WORK/run.log" && fail "partitioning dropped on a mariadb target"

# Writes on the link, rows moving across partitions (the partitioning columns are in every key).
src_sql $db -e "
  UPDATE sales SET sold = sold + INTERVAL 400 DAY WHERE id % 7 = 0;
  DELETE FROM sales WHERE id % 11 = 0;
  INSERT INTO sales VALUES (100001, '2030-01-01', 1), (100002, '2022-12-31', 2);
  UPDATE regions SET region = 9 WHERE id % 5 = 0;
  UPDATE hashed SET id = id + 10000 WHERE id % 9 = 0;
  REPLACE INTO keyed VALUES ('k1', -1), ('new', 7);
  UPDATE sub SET d = '2024-02-02' WHERE id % 4 = 0;" || fail "source writes failed"
"$OMSRUN" "$WORK/part.omsql" --until caught-up >"$WORK/final.log" 2>&1 || fail "catch-up run: $(tail -5 "$WORK/final.log")"

pairs=()
for t in sales regions hashed keyed logs sub; do
  s=$(src_sql -N -e "SHOW CREATE TABLE $db.$t" | cut -f2-)
  g=$(tgt_sql -N -e "SHOW CREATE TABLE ${db}_t.$t" | cut -f2-)
  [ "$s" = "$g" ] || fail "SHOW CREATE TABLE $t differs: source [$s] target [$g]"
  grep -q "PARTITION BY" <<<"$g" || fail "$t is not partitioned on the target"
  same_checksum "$db.$t" "${db}_t.$t" || fail "CHECKSUM TABLE $t differs"
  pairs+=(--pair "$db.$t=${db}_t.$t")
done
compare "${pairs[@]}" || fail "target differs from source"
# Rows sit in the same partitions on both sides (exact counts per partition, not TABLE_ROWS estimates).
for spec in regions:eu regions:us regions:other sales:p2022 sales:pmax sub:old sub:cur; do
  t=${spec%%:*} p=${spec#*:}
  a=$(src_sql -N -e "SELECT COUNT(*) FROM $db.$t PARTITION ($p)")
  b=$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_t.$t PARTITION ($p)")
  [ "$a" = "$b" ] || fail "partition $t.$p: $a rows on the source, $b on the target"
done
[ "$(src_sql -N -e "SELECT COUNT(*) FROM $db.regions PARTITION (other)")" -gt 0 ] || fail "nothing in the DEFAULT partition"

# MAP COLUMN renames the partitioning column in the expression too.
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_m"
cat > "$WORK/map.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.sales MAP $db.sales TO ${db}_m.sales MAP COLUMN $db.sales.sold TO sold_on MODE SCHEMA, FULL WITH (task_dir = '$WORK/task_m');
EOF2
"$OMSRUN" "$WORK/map.omsql" >"$WORK/map.log" 2>&1 || fail "MAP COLUMN run: $(tail -5 "$WORK/map.log")"
tgt_sql -N -e "SHOW CREATE TABLE ${db}_m.sales" | grep -qF 'PARTITION BY RANGE (year(`sold_on`))' ||
  fail "the rename did not reach the partitioning: $(tgt_sql -N -e "SHOW CREATE TABLE ${db}_m.sales")"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_m.sales")" = "$(src_sql -N -e "SELECT COUNT(*) FROM $db.sales")" ] ||
  fail "MAP COLUMN copy lost rows"

# COLUMNS EXCLUDE of the partitioning column: refused by check and by the run, nothing written.
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_x"
cat > "$WORK/excl.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.logs MAP $db.logs TO ${db}_x.logs COLUMNS $db.logs EXCLUDE (at) MODE SCHEMA, FULL WITH (task_dir = '$WORK/task_x');
EOF2
want="$db.logs.at: column is excluded (COLUMNS ... EXCLUDE) but the table is partitioned by it (PARTITION BY RANGE COLUMNS)"
expect_refusal 1 "$OMSRUN" check "$WORK/excl.omsql"
grep -qF "$want" <<<"$out" || fail "check does not name the excluded partitioning column: $out"
set +e; "$OMSRUN" "$WORK/excl.omsql" >"$WORK/excl.log" 2>&1; code=$?; set -e
[ "$code" != 0 ] || fail "the run with an excluded partitioning column succeeded"
grep -qF "$want" "$WORK/excl.log" || fail "the run does not name the excluded partitioning column: $(tail -5 "$WORK/excl.log")"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}_x'")" = 0 ] ||
  fail "a table was created despite the refusal"

src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE ${db}_t; DROP DATABASE ${db}_m; DROP DATABASE IF EXISTS ${db}_x"
echo "partition_e2e: ok"
