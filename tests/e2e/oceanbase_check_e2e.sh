#!/usr/bin/env bash
# `omsrun check` under TARGET oceanbase (issue 13), pointed at the MariaDB target sandbox: no copy runs
# (the DDL is OceanBase's), only pre-flight and the compatibility report. The declared VERSION picks
# the rules (FULLTEXT from 4.3.1), a unique key whose collation the dialect remaps is checked for rows
# that collide under the target collation (on the source, before anything is written), a chained
# generated column is refused with its reason, and a bad VERSION is an error at file:line:col.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_ob; CREATE DATABASE e2e_ob CHARACTER SET utf8mb4"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_ob"
src_sql e2e_ob <<'SQL'
CREATE TABLE plain (id INT PRIMARY KEY, qty INT);
CREATE TABLE users (id INT PRIMARY KEY, login VARCHAR(20) COLLATE utf8mb4_nopad_bin, UNIQUE KEY ux_login (login));
INSERT INTO users VALUES (1, 'ann'), (2, 'ann '), (3, 'bob'), (4, NULL), (5, NULL);
CREATE TABLE docs (id INT PRIMARY KEY, body TEXT, FULLTEXT KEY ft (body));
CREATE TABLE calc (a INT PRIMARY KEY, b INT AS (a + 1) VIRTUAL, c INT AS (b * 2) VIRTUAL);
CREATE TABLE sales (id INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (id, d)) PARTITION BY RANGE (YEAR(d))
  (PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE);
CREATE TABLE hashed (id INT PRIMARY KEY) PARTITION BY LINEAR HASH (id) PARTITIONS 4;
CREATE TABLE tags (id INT PRIMARY KEY) PARTITION BY LIST (id) (PARTITION p0 VALUES IN (1, 2), PARTITION pd DEFAULT);
SQL

script() { # VERSION clause
  cat <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET oceanbase 'root@127.0.0.1:\${OMSQL_TGT_PORT}' $1;
MIGRATE e2e_ob.* MODE SCHEMA, FULL;
EOF2
}
script "VERSION '4.2.1'" > "$WORK/ob421.omsql"
expect_refusal 1 "$OMSRUN" check "$WORK/ob421.omsql"
echo "$out" > "$WORK/check421.log"
has() { grep -qxF -- "$1" "$WORK/$2" || fail "$2 lacks line: $1 (got: $(cat "$WORK/$2"))"; }
has "error: e2e_ob.users: unique key \`ux_login\` (\`login\` utf8mb4_nopad_bin -> utf8mb4_bin): 1 group(s) of source rows are one key value on the target, where the copy's REPLACE would keep one row of each (CAST the column with an explicit COLLATE the target has, or change the rows):" check421.log
has "  - 'ann' = 'ann ' (2 rows)" check421.log
has "error: e2e_ob.calc.c: generated column uses generated column \`b\`, which OceanBase does not support (a generated column may only use ordinary columns): exclude \`c\` (COLUMNS ... EXCLUDE) and recreate it by hand" check421.log
has "object: table e2e_ob.calc: not migrated (c: generated column uses generated column \`b\`, which OceanBase does not support (a generated column may only use ordinary columns): exclude \`c\` (COLUMNS ... EXCLUDE) and recreate it by hand)" check421.log
has "object: table e2e_ob.docs: changed (FULLTEXT index \`ft\` dropped: OceanBase 4.2.1 has no FULLTEXT index (OceanBase has them from 4.3.1: declare TARGET ... VERSION if the target is newer, or create it by hand))" check421.log
has "object: table e2e_ob.plain: exact" check421.log
has "object: table e2e_ob.users: changed (login: collation utf8mb4_nopad_bin is not supported by OceanBase: using utf8mb4_bin (comparisons and unique keys may treat some strings differently))" check421.log
# Partitioning (rule 20): kept as is, kept with a named change, or not migrated with the reason.
has "object: table e2e_ob.sales: exact" check421.log
has "object: table e2e_ob.hashed: changed (partitioning kept, LINEAR HASH written as HASH (OceanBase has no LINEAR partitioning: the same number of partitions, rows placed by another hash function))" check421.log
has "object: table e2e_ob.tags: changed (partitioning is not migrated (the table is created unpartitioned, every row is copied): LIST partition \`pd\` is MariaDB's DEFAULT partition, which OceanBase's MySQL mode does not document)" check421.log
has "objects: 2 exact, 4 changed, 2 not migrated" check421.log  # the other one: users and grants
grep -q "^warning: target root@127.0.0.1:$OMSQL_TGT_PORT: the script says TARGET oceanbase but the server reports" "$WORK/check421.log" || fail "no dialect mismatch warning"
# The copy would write with INSERT: LOAD DATA's local_infile is not a concern on OceanBase.
! grep -q "local_infile" "$WORK/check421.log" || fail "local_infile checked for an INSERT target"

# VERSION '4.3.1': the FULLTEXT index is kept (with what differs); without the colliding row the key is clean.
src_sql -e "DELETE FROM e2e_ob.users WHERE id = 2"
script "VERSION '4.3.1'" > "$WORK/ob431.omsql"
expect_refusal 1 "$OMSRUN" check "$WORK/ob431.omsql"
echo "$out" > "$WORK/check431.log"
has "object: table e2e_ob.docs: changed (FULLTEXT index \`ft\` created, but OceanBase tokenizes with its own parsers: MATCH ... AGAINST results and relevance can differ from the source's)" check431.log
has "ok: e2e_ob.users: unique key \`ux_login\` (\`login\` utf8mb4_nopad_bin -> utf8mb4_bin): no two rows are equal under the target collation" check431.log

# No VERSION: a warning that says what is assumed.
script "" > "$WORK/obnone.omsql"
expect_refusal 1 "$OMSRUN" check "$WORK/obnone.omsql"
grep -qF "TARGET oceanbase declares no VERSION: the rules assume the oldest OceanBase 4.x (no FULLTEXT or SPATIAL indexes); add VERSION '4.x.y' to the TARGET statement" <<<"$out" || fail "no missing-VERSION warning: $out"

# A bad VERSION is refused before any connection, at the string.
script "VERSION '4.2.x'" > "$WORK/obbad.omsql"
expect_refusal 2 "$OMSRUN" check "$WORK/obbad.omsql"
grep -qF "obbad.omsql:2:" <<<"$out" || fail "no file:line:col: $out"
grep -qF "bad VERSION '4.2.x': expected an OceanBase version such as '4.2.1' or '4.3.5.1'" <<<"$out" || fail "bad VERSION not named: $out"

# check wrote nothing on the target.
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'e2e_ob'")" = 0 ] || fail "check created the target database"
src_sql -e "DROP DATABASE e2e_ob"
echo "oceanbase_check_e2e: ok"
