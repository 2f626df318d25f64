#!/usr/bin/env bash
# Schema fidelity (issue 13 §4-§8): SHOW CREATE DATABASE/TABLE equal on both sides (AUTO_INCREMENT
# and the MAP-ed database name normalised) for a latin1 database, every foreign-key rule, a BIGINT
# UNSIGNED AUTO_INCREMENT near its maximum, a ROW_FORMAT=COMPRESSED table (refused as TEMPORARY only); ucs2/utf16/utf16le/utf32 columns CAST to utf8mb4
# arrive converted, by copy and by replay; a table the target refuses creates no table at all.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_sf; CREATE DATABASE e2e_sf CHARACTER SET latin1 COLLATE latin1_german1_ci;
            DROP DATABASE IF EXISTS e2e_sf_atomic; CREATE DATABASE e2e_sf_atomic"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_sf_t; DROP DATABASE IF EXISTS e2e_sf_atomic"
src_sql e2e_sf <<'SQL'
CREATE TABLE parent (id INT PRIMARY KEY, k INT NOT NULL, UNIQUE KEY uk (k));
CREATE TABLE child (
  id INT PRIMARY KEY, a INT, b INT, c INT, d INT, e INT,
  name VARCHAR(20),
  KEY ix_name (name),
  CONSTRAINT f_default FOREIGN KEY (a) REFERENCES parent (id),
  CONSTRAINT f_restrict FOREIGN KEY (b) REFERENCES parent (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  CONSTRAINT f_no_action FOREIGN KEY (c) REFERENCES parent (id) ON DELETE NO ACTION,
  CONSTRAINT f_cascade FOREIGN KEY (d) REFERENCES parent (k) ON DELETE CASCADE ON UPDATE SET NULL,
  CONSTRAINT f_upd FOREIGN KEY (e) REFERENCES parent (id) ON UPDATE CASCADE
);
INSERT INTO parent VALUES (1, 10), (2, 20);
INSERT INTO child VALUES (1, 1, 1, 1, 10, 1, 'x'), (2, 2, 2, 2, 20, 2, 'y');
CREATE TABLE big (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5)) AUTO_INCREMENT=18446744073709551000;
INSERT INTO big (v) VALUES ('a'), ('b');
CREATE TABLE packed (id INT PRIMARY KEY, v VARCHAR(10)) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8;
INSERT INTO packed VALUES (1, 'p');
CREATE TABLE texts (
  id INT PRIMARY KEY,
  u2 VARCHAR(20) CHARACTER SET ucs2,
  u16 VARCHAR(20) CHARACTER SET utf16,
  u16le VARCHAR(20) CHARACTER SET utf16le,
  u32 VARCHAR(20) CHARACTER SET utf32,
  l1 VARCHAR(20)
);
INSERT INTO texts VALUES (1, 'abc', 'abc', 'abc', 'abc', 'abc'),
  (2, 'äöü ß', '🌍 𝄞 中文', 'é€', '𝄞 z', 'Müller'), (3, '', '', '', '', ''), (4, NULL, NULL, NULL, NULL, NULL);
SQL
src_sql e2e_sf_atomic -e "CREATE TABLE a_ok (id INT PRIMARY KEY); CREATE TABLE b_wide (id INT PRIMARY KEY, x VARCHAR(10), y VARCHAR(10));
                          CREATE TABLE c_ok (id INT PRIMARY KEY)"

cat > "$WORK/sf.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_sf.*
  MAP e2e_sf.* TO e2e_sf_t.*
  CAST e2e_sf.texts.u2 VARCHAR(20) TO VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
  CAST e2e_sf.texts.u16 VARCHAR(20) TO VARCHAR(20) CHARACTER SET utf8mb4
  CAST e2e_sf.texts.u16le VARCHAR(20) TO VARCHAR(20) CHARSET utf8mb4
  CAST e2e_sf.texts.u32 VARCHAR(20) TO TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  MODE SCHEMA, FULL, INCREMENTAL
  WITH (parallel = 2);
EOF2
"$OMSRUN" check "$WORK/sf.omsql" >"$WORK/check.log" 2>&1 || fail "check exited $? on the extreme AUTO_INCREMENT"
"$OMSRUN" plan "$WORK/sf.omsql" >"$WORK/plan.log" 2>&1 || fail "plan exited $?"
"$OMSRUN" "$WORK/sf.omsql" --task-dir "$WORK/task" --until caught-up >"$WORK/run1.log" 2>&1 || fail "first run exited $?"

# Changes after the copy travel through the binlog: their bytes are in the source column's charset.
src_sql e2e_sf -e "INSERT INTO texts VALUES (5, 'rëplay', '🎉 ok', 'ünï', '𝄞𝄞', 'x');
                   UPDATE texts SET u2 = 'upd ä', u32 = 'upd 🌍' WHERE id = 1; DELETE FROM texts WHERE id = 3"
"$OMSRUN" "$WORK/sf.omsql" --task-dir "$WORK/task" --until caught-up >"$WORK/run2.log" 2>&1 || fail "second run exited $?"

norm() { sed -E 's/ AUTO_INCREMENT=[0-9]+//; s/e2e_sf_t/e2e_sf/g'; }
show() { # sql_fn db object...
  local sql=$1 db=$2; shift 2
  $sql -N --raw -e "SHOW CREATE DATABASE \`$db\`" | cut -f2 | norm
  for t in "$@"; do $sql -N --raw -e "SHOW CREATE TABLE \`$db\`.\`$t\`" | cut -f2- | norm; done
}
diff <(show src_sql e2e_sf parent child big packed) <(show tgt_sql e2e_sf_t parent child big packed) >"$WORK/show.diff" ||
  { cat "$WORK/show.diff" >&2; fail "SHOW CREATE differs"; }
tgt_sql -N -e "SHOW CREATE DATABASE e2e_sf_t" | grep -q "CHARACTER SET latin1 COLLATE latin1_german1_ci" ||
  fail "database defaults not kept"
[ "$(tgt_sql -N -e "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA='e2e_sf_t' AND TABLE_NAME='big'")" \
  = 18446744073709551002 ] || fail "AUTO_INCREMENT of big"
# The CASTs name the target columns' charset and collation exactly.
tgt_sql -N -e "SELECT CONCAT_WS(' ', COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME) FROM information_schema.COLUMNS
               WHERE TABLE_SCHEMA='e2e_sf_t' AND TABLE_NAME='texts' AND COLUMN_NAME LIKE 'u%' ORDER BY ORDINAL_POSITION" >"$WORK/cols"
printf '%s\n' "u2 utf8mb4 utf8mb4_bin" "u16 utf8mb4 utf8mb4_general_ci" "u16le utf8mb4 utf8mb4_general_ci" \
  "u32 utf8mb4 utf8mb4_unicode_ci" | diff - "$WORK/cols" || fail "CAST column charsets"
# By value: the source converted to utf8mb4 equals the target, as hex so nothing is lost in printing.
src_vals=$(src_sql -N -e "SELECT id, HEX(CONVERT(u2 USING utf8mb4)), HEX(CONVERT(u16 USING utf8mb4)), HEX(CONVERT(u16le USING utf8mb4)),
                          HEX(CONVERT(u32 USING utf8mb4)), HEX(l1) FROM e2e_sf.texts ORDER BY id")
tgt_vals=$(tgt_sql -N -e "SELECT id, HEX(u2), HEX(u16), HEX(u16le), HEX(u32), HEX(l1) FROM e2e_sf_t.texts ORDER BY id")
[ "$src_vals" = "$tgt_vals" ] || { diff <(echo "$src_vals") <(echo "$tgt_vals") >&2; fail "converted values differ"; }
[ "$(tgt_sql -N -e "SELECT u2 FROM e2e_sf_t.texts WHERE id = 1")" = "upd ä" ] || fail "replayed ucs2 update"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM e2e_sf_t.texts")" = 4 ] || fail "row count after replay"
# Verification compares the converted values as equal.
"$OMSRUN" verify "$WORK/sf.omsql" >"$WORK/verify.log" 2>&1 || fail "omsrun verify found differences"

# Atomic schema phase: the target refuses b_wide (row size over 65535 bytes): nothing is created.
cat > "$WORK/atomic.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_sf_atomic.*
  CAST e2e_sf_atomic.b_wide.x VARCHAR(10) TO VARCHAR(40000) CHARACTER SET latin1
  CAST e2e_sf_atomic.b_wide.y VARCHAR(10) TO VARCHAR(40000) CHARACTER SET latin1
  MODE SCHEMA, FULL;
EOF2
expect_refusal 1 "$OMSRUN" "$WORK/atomic.omsql" --task-dir "$WORK/task_atomic"
grep -q "b_wide" <<<"$out" || fail "the refusal does not name the table: $out"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='e2e_sf_atomic'")" = 0 ] ||
  fail "a refused schema phase created tables"

# A CAST naming a column that does not exist is an error with a caret.
sed 's/texts\.u2 VARCHAR/texts.nope VARCHAR/' "$WORK/sf.omsql" >"$WORK/bad.omsql"
expect_refusal 2 "$OMSRUN" check "$WORK/bad.omsql"
grep -q "unknown column 'nope'" <<<"$out" && grep -q '\^' <<<"$out" || fail "no caret for an unknown CAST column: $out"
echo OK
