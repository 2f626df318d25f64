#!/usr/bin/env bash
# omsrun copies schema and data of several kinds of tables (type-rich, composite key, no key,
# renamed database, renamed and excluded columns) and the target equals the source by the servers'
# own SQL.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_copy; CREATE DATABASE e2e_copy CHARACTER SET utf8mb4"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_copy_v2"
src_sql e2e_copy <<'SQL'
CREATE TABLE kinds (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  t TINYINT, u TINYINT UNSIGNED, m MEDIUMINT, bi BIGINT, bu BIGINT UNSIGNED,
  d DECIMAL(65,30), f FLOAT, g DOUBLE,
  dt DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(6), y YEAR, da DATE,
  c CHAR(10), v VARCHAR(100), vb VARBINARY(300), b BLOB, tx TEXT,
  e ENUM('a','b','c'), s SET('x','y','z'), bt BIT(64), j JSON,
  `select` INT, `we ird``name` VARCHAR(10),
  gen INT AS (t + 1) VIRTUAL
);
INSERT INTO kinds (id,t,u,m,bi,bu,d,f,g,dt,ts,tm,y,da,c,v,vb,b,tx,e,s,bt,j,`select`,`we ird``name`) VALUES
 (1,-128,255,-8388608,-9223372036854775808,18446744073709551615,
  '-99999999999999999999999999999999999.999999999999999999999999999999',-3.40282e38,-1.7976931348623157e308,
  '1000-01-01 00:00:00.000000','1970-01-01 00:00:01.000000','-838:59:59.000000',1901,'1000-01-01',
  '', '', '', '', '', 'a', '', 0, '[]', 0, ''),
 (2,127,0,8388607,9223372036854775807,0,
  '99999999999999999999999999999999999.999999999999999999999999999999',3.40282e38,1.7976931348623157e308,
  '9999-12-31 23:59:59.999999','2038-01-19 03:14:07.999999','838:59:59.000000',2155,'9999-12-31',
  'NULL','NULL','NULL','NULL','NULL','c','x,y,z',18446744073709551615,'{"k": [1, 2.5, "z\\u00e9"]}',1,'x'),
 (3,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL),
 (4,0,1,0,0,1,'0.000000000000000000000000000001',1.17549e-38,2.2250738585072014e-308,
  '2024-02-29 12:34:56.123456','2024-02-29 12:34:56.654321','-00:00:00.000001',2000,'2024-02-29',
  'tab\there','new\nline','\\N','back\\slash','🌍 𝄞 中文 ä','b','y',1,'{"a": null}',-1,'`');
UPDATE kinds SET vb = (SELECT GROUP_CONCAT(CHAR(seq) SEPARATOR '') FROM seq_0_to_255), b = vb WHERE id = 4;
INSERT INTO kinds (id, v, d) SELECT 100 + seq, REPEAT('r', seq % 90), seq / 7 FROM seq_1_to_3000;

CREATE TABLE pairs (a VARCHAR(20) NOT NULL, b INT NOT NULL, amt DECIMAL(10,2), secret VARCHAR(20), PRIMARY KEY (a, b));
INSERT INTO pairs SELECT CONCAT('k', seq % 37), seq, seq * 1.5, 'hidden' FROM seq_1_to_5000;

CREATE TABLE nokey (x INT, y VARCHAR(10));
INSERT INTO nokey SELECT seq % 10, IF(seq % 3 = 0, NULL, 'v') FROM seq_1_to_2500;
INSERT INTO nokey VALUES (1, 'v'), (1, 'v');
SQL

cat > "$WORK/copy.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_copy.*
  MAP e2e_copy.* TO e2e_copy_v2.*
  MAP COLUMN e2e_copy.pairs.amt TO amount
  COLUMNS e2e_copy.pairs EXCLUDE (secret)
  MODE SCHEMA, FULL
  WITH (parallel = 3, chunk_rows = 500, batch_rows = 200, credits = 2);
EOF2
"$OMSRUN" "$WORK/copy.omsql" --task-dir "$WORK/task" || fail "omsrun exited $?"
compare --pair e2e_copy.kinds=e2e_copy_v2.kinds --pair e2e_copy.pairs=e2e_copy_v2.pairs \
        --pair e2e_copy.nokey=e2e_copy_v2.nokey --rename e2e_copy.pairs.amt=amount || fail "tables differ"
# Generated columns are recomputed by the target, and secondary structure survives.
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM e2e_copy_v2.kinds WHERE gen <=> t + 1")" = 3004 ] || fail "generated column"
tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='e2e_copy_v2' AND TABLE_NAME='pairs' AND COLUMN_NAME='secret'" | grep -qx 0 || fail "excluded column exists on target"
# A second run of a finished task does nothing and succeeds.
"$OMSRUN" "$WORK/copy.omsql" --task-dir "$WORK/task" | grep -q "already done" || fail "rerun of a done task"
echo "copy_e2e: ok"
