#!/usr/bin/env bash
# MariaDB long unique keys (UNIQUE on TEXT/BLOB, UNIQUE ... USING HASH): the binlog carries a hidden
# DB_ROW_HASH_n column per key. Inserts, updates (of the hashed columns too), deletes and REPLACEs
# that resolve a long-unique conflict run during the copy and on the live link; the target must
# have the same long unique keys (enforced) and end identical by CHECKSUM TABLE.
source "$(dirname "$0")/lib.sh"

db=e2e_lu
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
src_sql $db <<'SQL'
CREATE TABLE docs (id INT PRIMARY KEY, body TEXT, tag VARCHAR(100), payload BLOB, n INT NOT NULL DEFAULT 0,
                   UNIQUE KEY ub (body), UNIQUE KEY utp (tag, payload) USING HASH, KEY (n));
INSERT INTO docs SELECT seq, CONCAT('body-', seq, REPEAT('x', seq % 300)), CONCAT('t', seq % 97), UNHEX(HEX(seq)), seq % 10
  FROM seq_1_to_30000;
-- No primary key and only a long unique key: copied and replayed as a table without a key.
CREATE TABLE notes (body TEXT NOT NULL, n INT, UNIQUE KEY (body));
INSERT INTO notes SELECT CONCAT('note-', seq), seq FROM seq_1_to_3000;
SQL

cat > "$WORK/lu.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (parallel = 2, chunk_rows = 2000, batch_rows = 500, task_dir = '$WORK/task');
EOF2

writes() {  # $1 = first id of this round's new rows
  local base=$1
  for i in $(seq 1 60); do
    local id=$(( (i * 487 + base) % 30000 + 1 ))
    src_sql $db -e "
      UPDATE docs SET body = CONCAT('moved-', $base + $i) WHERE id = $id;
      UPDATE docs SET tag = CONCAT('u', $i), payload = UNHEX(HEX($base + $i)), n = n + 1 WHERE id = $(( id % 30000 + 1 ));
      DELETE FROM docs WHERE id = $(( (id + 7) % 30000 + 1 ));
      INSERT INTO docs VALUES ($base + 100000 + $i, CONCAT('new-', $base + $i), 'n', UNHEX(HEX($base + $i)), 1);
      REPLACE INTO docs VALUES ($base + 200000 + $i, CONCAT('body-', $(( (id + 20) % 30000 + 1 ))), 'r', UNHEX(HEX($base + $i)), 2);
      START TRANSACTION;
        UPDATE docs SET body = 'swap-tmp' WHERE id = $(( (id + 40) % 30000 + 1 ));
        UPDATE docs SET body = CONCAT('swap-', $base + $i) WHERE id = $(( (id + 41) % 30000 + 1 ));
        UPDATE docs SET body = CONCAT('swapped-', $base + $i) WHERE body = 'swap-tmp';
      COMMIT;
      UPDATE notes SET n = n + 1, body = CONCAT(body, '+') WHERE body = CONCAT('note-', $(( i + base / 10 )));
      DELETE FROM notes WHERE body = CONCAT('note-', 2000 + $i);
      INSERT INTO notes VALUES (CONCAT('extra-', $base + $i), $i);" || fail "source writes failed"
    sleep 0.02
  done
}

# Writes while the copy runs, then on the live link.
"$OMSRUN" "$WORK/lu.omsql" >"$WORK/run.log" 2>&1 &
pid=$!
writes 0
for _ in $(seq 1 600); do grep -q "caught up" "$WORK/run.log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
grep -q "caught up" "$WORK/run.log" || fail "the link did not catch up"
writes 1000
"$OMSRUN" stop --task "$WORK/task" >/dev/null || fail "omsrun stop"
wait "$pid" || fail "the stopped task must exit 0"
grep -q "TABLE_MAP" "$WORK/run.log" && fail "the link met a TABLE_MAP it could not decode"
"$OMSRUN" "$WORK/lu.omsql" --until caught-up >"$WORK/final.log" 2>&1 || fail "final catch-up run failed"

for t in docs notes; do
  a=$(src_sql -N -e "CHECKSUM TABLE $db.$t EXTENDED" | cut -f2)
  b=$(tgt_sql -N -e "CHECKSUM TABLE ${db}_t.$t EXTENDED" | cut -f2)
  [ "$a" = "$b" ] || fail "CHECKSUM TABLE $t: source $a, target $b"
done
compare --pair $db.docs=${db}_t.docs --pair $db.notes=${db}_t.notes || fail "target differs from source"
# omsql's own verification agrees (and reads neither table's hidden column).
"$OMSRUN" verify "$WORK/lu.omsql" >"$WORK/verify.log" 2>&1 || fail "verify: $(tail -5 "$WORK/verify.log")"
grep -q "clean" "$WORK/verify.log" || fail "verify did not report clean: $(tail -5 "$WORK/verify.log")"
# The long unique keys exist on the target and are enforced there.
tgt_sql -N -e "SHOW CREATE TABLE ${db}_t.docs" | grep -q 'UNIQUE KEY `ub` (`body`) USING HASH' || fail "docs lost UNIQUE (body)"
tgt_sql -N -e "SHOW CREATE TABLE ${db}_t.docs" | grep -q 'UNIQUE KEY `utp` (`tag`,`payload`) USING HASH' || fail "docs lost UNIQUE (tag, payload)"
tgt_sql -N -e "SHOW CREATE TABLE ${db}_t.notes" | grep -q 'UNIQUE KEY `body` (`body`) USING HASH' || fail "notes lost UNIQUE (body)"
if tgt_sql -e "INSERT INTO ${db}_t.docs (id, body) SELECT 999999, body FROM ${db}_t.docs LIMIT 1" 2>/dev/null; then
  fail "the target accepted a duplicate body"
fi
echo "docs: $(src_sql -N -e "SELECT COUNT(*) FROM $db.docs") rows, notes: $(src_sql -N -e "SELECT COUNT(*) FROM $db.notes") rows"
echo "long_unique_e2e: ok"
