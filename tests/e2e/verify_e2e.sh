#!/usr/bin/env bash
# A migration with a VERIFY clause verifies clean by itself; then differences of every kind are
# injected into the target, `omsrun verify` reports each one (and nothing else) and writes a repair
# script; after it is applied, omsrun verifies clean and an independent tool (pt-table-sync
# --print) has nothing to say.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_verify; CREATE DATABASE e2e_verify"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_verify"
src_sql e2e_verify <<'SQL'
CREATE TABLE items (id INT PRIMARY KEY, code VARCHAR(20) COLLATE utf8mb4_bin NOT NULL, note VARCHAR(40),
                    data BLOB, price DECIMAL(12,3));
INSERT INTO items SELECT seq, CONCAT('Code', seq), IF(seq % 4 = 0, NULL, CONCAT('n', seq)),
                         UNHEX(REPEAT(LPAD(HEX(seq % 256), 2, '0'), 8)), seq / 8 FROM seq_1_to_20000;
SQL
cat > "$WORK/verify.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE e2e_verify.* MODE SCHEMA, FULL WITH (parallel = 2, chunk_rows = 3000) VERIFY (chunk_rows = 2000);
EOF2
"$OMSRUN" "$WORK/verify.omsql" --task-dir "$WORK/task" >"$WORK/run.log" 2>&1 || fail "migration with VERIFY failed"
grep -q "^clean: 0 differences" "$WORK/run.log" || fail "the migration did not verify clean"

tgt_sql e2e_verify <<'SQL'
DELETE FROM items WHERE id IN (10, 11, 12);                        -- missing x3
INSERT INTO items VALUES (30001, 'x', NULL, NULL, 1), (30002, 'y', '', '', 2);   -- extra x2
UPDATE items SET price = price + 1 WHERE id = 100;                 -- changed cell
UPDATE items SET note = '' WHERE id = 200;                         -- NULL -> ''
UPDATE items SET note = NULL WHERE id = 201;                       -- '' <- value: NULL
UPDATE items SET data = CONCAT(LEFT(data, 7), 'Z') WHERE id = 300; -- one byte of a BLOB
UPDATE items SET code = LOWER(code) WHERE id = 400;                -- case change in a _bin column
SQL
set +e
"$OMSRUN" verify "$WORK/verify.omsql" --repair "$WORK/repair.sql" --json "$WORK/report.json" >"$WORK/verify.log" 2>&1
code=$?
set -e
[ "$code" = 3 ] || fail "verify exit code $code, want 3 (differences)"
python3 - "$WORK/report.json" <<'PY' || fail "report does not match the injected differences"
import json, sys
t = json.load(open(sys.argv[1]))["tables"][0]
got = (t["missing"], t["extra"], t["different"])
assert got == (3, 2, 5), got
cols = sorted(c for d in t["differences"] if d["kind"] == "different" for c in d["columns"])
assert cols == ["code", "data", "note", "note", "price"], cols
PY
tgt_sql < "$WORK/repair.sql" || fail "the repair script does not apply"
"$OMSRUN" verify "$WORK/verify.omsql" >"$WORK/verify2.log" 2>&1 || fail "not clean after repair"
out=$(pt-table-sync --print "h=127.0.0.1,P=$OMSQL_SRC_PORT,u=root,D=e2e_verify,t=items" \
                           "h=127.0.0.1,P=$OMSQL_TGT_PORT,u=root,D=e2e_verify,t=items" 2>&1)
[ -z "$out" ] || fail "pt-table-sync still sees differences: $(echo "$out" | head -5)"
echo "verify_e2e: ok"
