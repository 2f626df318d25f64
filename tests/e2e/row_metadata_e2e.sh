#!/usr/bin/env bash
# binlog_row_metadata=FULL (issue 12 §4, docs/binlog.md): `omsrun check` says what the source has
# and what FULL gains; with FULL, a definition capture would decode a table with that has other
# columns at the same places (same count and types: the count check cannot see it) stops capture
# at the first TABLE_MAP, naming the position, the table and both column lists, and no row of it
# reaches the target. The wrong definition is made by swapping two column names in the task's
# schema history while the task is stopped (what a change capture did not follow would leave).
# Sets the source's GLOBAL binlog_row_metadata, so it runs alone (is_parallel : false) and puts the
# old value back.
source "$(dirname "$0")/lib.sh"

db=e2e_rowmeta
old=$(src_sql -N -e "SELECT @@GLOBAL.binlog_row_metadata")
E2E_CLEANUP="src_sql -e \"SET GLOBAL binlog_row_metadata = '$old'\""
src_sql -e "SET GLOBAL binlog_row_metadata = 'NO_LOG'"
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
            CREATE TABLE $db.t (id INT PRIMARY KEY, a INT NOT NULL, b INT NOT NULL)"
src_sql $db -e "INSERT INTO t SELECT seq, seq, -seq FROM seq_1_to_100"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
task="$WORK/task"
script="$WORK/meta.omsql"
cat > "$script" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (task_dir = '$task');
EOF2

"$OMSRUN" check "$script" >"$WORK/check.log" 2>&1 || { cat "$WORK/check.log"; fail "omsrun check failed"; }
grep -q "^ok: .*binlog_row_metadata is NO_LOG: capture checks only the column count of each TABLE_MAP" "$WORK/check.log" ||
  { cat "$WORK/check.log"; fail "check does not say the source lacks FULL metadata"; }
src_sql -e "SET GLOBAL binlog_row_metadata = 'FULL'"
"$OMSRUN" check "$script" >"$WORK/check.log" 2>&1 || fail "omsrun check failed"
grep -q "^ok: .*binlog_row_metadata is FULL: capture checks the column names of every TABLE_MAP" "$WORK/check.log" ||
  { cat "$WORK/check.log"; fail "check does not say what FULL gains"; }

# A first run copies and catches up; the rows written meanwhile arrive (the names fit).
src_sql $db -e "UPDATE t SET a = a + 1000 WHERE id <= 10"
"$OMSRUN" "$script" --until caught-up >"$WORK/run.log" 2>&1 || fail "the first run failed"
[ "$(tgt_sql -N -e "SELECT a FROM ${db}_t.t WHERE id = 3")" = 1003 ] || fail "the first run's change"

# The history's definition of t now has b where the source has a, and a where it has b.
python3 - "$task/schema-history.jsonl" <<'PY'
import json, sys
path = sys.argv[1]
lines = [json.loads(l) for l in open(path)]
for record in lines:
    for table in record.get("tables", []) + ([record["after"]] if record.get("after") else []):
        if table["name"][1] == "t":
            for column in table["columns"]:
                column["name"] = {"a": "b", "b": "a"}.get(column["name"], column["name"])
            for index in table["indexes"]:
                for part in index["parts"]:
                    part["column"] = {"a": "b", "b": "a"}.get(part["column"], part["column"])
with open(path, "w") as out:
    for record in lines:
        out.write(json.dumps(record) + "\n")
PY
at=$(src_sql -N -e "SHOW MASTER STATUS" | cut -f1)
src_sql $db -e "UPDATE t SET a = 7, b = 8 WHERE id = 50"
set +e; "$OMSRUN" "$script" --until caught-up >>"$WORK/run.log" 2>&1; code=$?; set -e
[ "$code" = 1 ] || fail "capture decoded rows with a definition whose columns are at other places (exit $code)"
grep -qE "binlog $at:[0-9]+: TABLE_MAP of $db.t: column 2 is \`a\` in the binlog \(binlog_row_metadata=FULL\) but \`b\` in the definition capture decodes the table with; binlog columns \(\`id\`, \`a\`, \`b\`\), expected \(\`id\`, \`b\`, \`a\`\)" "$WORK/run.log" ||
  fail "the stop does not name position, table and both column lists"
[ "$(tgt_sql -N -e "SELECT CONCAT(a, ',', b) FROM ${db}_t.t WHERE id = 50")" = "50,-50" ] ||
  fail "a row of the mismatched table reached the target: $(tgt_sql -N -e "SELECT a, b FROM ${db}_t.t WHERE id = 50")"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "row_metadata_e2e: ok"
