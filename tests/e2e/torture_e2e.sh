#!/usr/bin/env bash
# The schema-object torture database (tests/e2e/schemas/torture.sql, issue 13), MariaDB -> MariaDB:
# `omsrun check` gives every object its fate with the counts; the run migrates it; then SHOW CREATE
# DATABASE/TABLE are equal for every table (AUTO_INCREMENT normalised; t_wide's CASTs checked by
# charset and value instead), GEOMETRY_COLUMNS' SRIDs, object counts and CHECKSUM TABLE equal, the
# trigger did not fire on copied rows, the sequence continues where the source's stops; under
# TARGET oceanbase, check's report for the same schema is a pinned snapshot.
source "$(dirname "$0")/lib.sh"

DB=e2e_torture
src_sql -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB CHARACTER SET latin1 COLLATE latin1_swedish_ci"
tgt_sql -e "DROP DATABASE IF EXISTS $DB"
src_sql "$DB" < "$SOURCE_ROOT/tests/e2e/schemas/torture.sql"
src_sql -N -e "SELECT NEXTVAL($DB.s_ticket), NEXTVAL($DB.s_ticket)" > /dev/null

cat > "$WORK/torture.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $DB.*
  CAST $DB.t_wide.u2 VARCHAR(20) TO VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
  CAST $DB.t_wide.u16 VARCHAR(20) TO VARCHAR(20) CHARACTER SET utf8mb4
  CAST $DB.t_wide.u16le VARCHAR(20) TO VARCHAR(20) CHARSET utf8mb4
  CAST $DB.t_wide.u32 VARCHAR(20) TO TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  MODE SCHEMA, FULL;
EOF2

# The compatibility report: one line per object, every table exact but the CAST one.
"$OMSRUN" check "$WORK/torture.omsql" > "$WORK/check.log" 2>&1 || fail "check exited $?"
expect_line() { grep -qxF -- "$1" "$WORK/check.log" || fail "check lacks line: $1"; }
definer="DEFINER becomes the target user (definer = 'keep' keeps it)"
for t in t_audit t_big t_child t_columns t_indexes t_memory t_parent; do expect_line "object: table $DB.$t: exact"; done
grep -qE "^object: table $DB\.t_wide: changed \(.*CAST.*\)$" "$WORK/check.log" || fail "t_wide not reported changed by its CASTs"
expect_line "object: system-versioned table $DB.t_hist: not migrated (history rows cannot be written on MariaDB before 11.3; copy it by hand or drop versioning)"
expect_line "object: sequence $DB.s_ticket: exact (next value set from the source after the copy)"
expect_line "object: function $DB.parent_count: changed ($definer)"
expect_line "object: procedure $DB.add_parent: changed ($definer)"
expect_line "object: view $DB.v_names: changed ($definer)"
expect_line "object: view $DB.v_names_big: changed ($definer)"
expect_line "object: trigger $DB.t_parent_ai: changed ($definer)"
expect_line "object: event $DB.e_cleanup: changed ($definer; created DISABLED: it would write on the target; ALTER EVENT ... ENABLE at cut-over)"
# 7 exact tables + the sequence; t_wide + 6 objects changed; t_hist and the users line not migrated.
expect_line "objects: 8 exact, 7 changed, 2 not migrated"
[ "$(grep -c '^object: ' "$WORK/check.log")" = 17 ] || fail "check lists $(grep -c '^object: ' "$WORK/check.log") objects, 17 expected"

"$OMSRUN" "$WORK/torture.omsql" --task-dir "$WORK/task" > "$WORK/run.log" 2>&1 || fail "omsrun exited $?"
! grep -q "^objects: error" "$WORK/run.log" || fail "an object failed: $(grep '^objects: error' "$WORK/run.log")"

norm() { sed -E 's/ AUTO_INCREMENT=[0-9]+//'; }
tables="t_audit t_big t_child t_columns t_indexes t_memory t_parent"
show() { # sql_fn
  $1 -N --raw -e "SHOW CREATE DATABASE $DB" | cut -f2
  for t in $tables; do $1 -N --raw -e "SHOW CREATE TABLE $DB.$t" | cut -f2- | norm; done
}
diff <(show src_sql) <(show tgt_sql) > "$WORK/show.diff" || { cat "$WORK/show.diff" >&2; fail "SHOW CREATE differs"; }
geometry() { $1 -N -e "SELECT G_TABLE_NAME, G_GEOMETRY_COLUMN, SRID FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA = '$DB' ORDER BY 1, 2"; }
[ "$(geometry src_sql)" = "$(geometry tgt_sql)" ] || fail "GEOMETRY_COLUMNS differ: $(geometry src_sql) vs $(geometry tgt_sql)"
[ "$(tgt_sql -N -e "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME='t_big'")" \
  = "$(src_sql -N -e "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME='t_big'")" ] ||
  fail "AUTO_INCREMENT of t_big"

counts() { # sql_fn: objects by kind; the system-versioned table is the only one not migrated
  for view in VIEWS TRIGGERS ROUTINES EVENTS; do
    local col=TABLE_SCHEMA
    case $view in TRIGGERS) col=TRIGGER_SCHEMA ;; ROUTINES) col=ROUTINE_SCHEMA ;; EVENTS) col=EVENT_SCHEMA ;; esac
    echo "$view $($1 -N -e "SELECT COUNT(*) FROM information_schema.$view WHERE $col = '$DB'")"
  done
  $1 -N -e "SELECT TABLE_TYPE, COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB'
            AND TABLE_TYPE IN ('BASE TABLE', 'SEQUENCE') GROUP BY 1 ORDER BY 1"
}
[ "$(counts src_sql)" = "$(counts tgt_sql)" ] || fail "object counts differ: $(counts src_sql) vs $(counts tgt_sql)"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME = 't_hist'")" = 0 ] ||
  fail "the system-versioned table was created"

for t in $tables; do same_checksum "$DB.$t" "$DB.$t" || fail "CHECKSUM TABLE $t differs"; done
# omsrun's own verification agrees, t_wide (compared by value after conversion) included.
"$OMSRUN" verify "$WORK/torture.omsql" > "$WORK/verify.log" 2>&1 || fail "omsrun verify found differences"
# The trigger came after the copy: t_audit holds the source's rows only, and works on the target.
tgt_sql "$DB" -e "CALL add_parent(9)"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM $DB.t_audit WHERE parent_id = 9")" = 1 ] || fail "trigger did not fire on the target"
[ "$(tgt_sql -N -e "SELECT $DB.parent_count()")" = 4 ] || fail "function result"
[ "$(tgt_sql -N -e "SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '$DB'")" = DISABLED ] || fail "event not DISABLED"
[ "$(tgt_sql -N -e "SELECT NEXTVAL($DB.s_ticket)")" = "$(src_sql -N -e "SELECT next_not_cached_value FROM $DB.s_ticket")" ] ||
  fail "sequence not at the source's next value"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM $DB.v_names_big")" = 1 ] || fail "view over a view"

# t_wide: the CASTs name the target charsets, and the values arrive converted.
tgt_sql -N -e "SELECT CONCAT_WS(' ', COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME) FROM information_schema.COLUMNS
               WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME='t_wide' AND COLUMN_NAME LIKE 'u%' ORDER BY ORDINAL_POSITION" > "$WORK/cols"
printf '%s\n' "u2 utf8mb4 utf8mb4_bin" "u16 utf8mb4 utf8mb4_general_ci" "u16le utf8mb4 utf8mb4_general_ci" \
  "u32 utf8mb4 utf8mb4_unicode_ci" | diff - "$WORK/cols" || fail "CAST column charsets"
src_vals=$(src_sql -N -e "SELECT id, HEX(CONVERT(u2 USING utf8mb4)), HEX(CONVERT(u16 USING utf8mb4)),
                          HEX(CONVERT(u16le USING utf8mb4)), HEX(CONVERT(u32 USING utf8mb4)) FROM $DB.t_wide ORDER BY id")
tgt_vals=$(tgt_sql -N -e "SELECT id, HEX(u2), HEX(u16), HEX(u16le), HEX(u32) FROM $DB.t_wide ORDER BY id")
[ "$src_vals" = "$tgt_vals" ] || { diff <(echo "$src_vals") <(echo "$tgt_vals") >&2; fail "t_wide values differ"; }

# The same source under TARGET oceanbase: check's compatibility report, every object line and the
# counts, is pinned in tests/e2e/schemas/torture_oceanbase.check (pre-flight findings name ports and
# the sandbox's MariaDB, so only the report is compared). The MariaDB target stands in for the server
# (no OceanBase here: nothing is written). OMSQL_UPDATE_SNAPSHOTS=1 rewrites the file instead.
tgt_sql -e "DROP DATABASE $DB"
sed -e "s/^TARGET mysql \(.*\);/TARGET oceanbase \1 VERSION '4.3.1';/" "$WORK/torture.omsql" > "$WORK/torture_ob.omsql"
grep -q "^TARGET oceanbase .* VERSION '4.3.1';" "$WORK/torture_ob.omsql" || fail "no oceanbase script: $(cat "$WORK/torture_ob.omsql")"
set +e
"$OMSRUN" check "$WORK/torture_ob.omsql" > "$WORK/check_ob.log" 2>&1
set -e
# The source's account count depends on the sandbox (other tests add users): written as N.
grep -E '^objects?: ' "$WORK/check_ob.log" | sed -E 's/^(object: users and grants )[0-9]+ /\1N /' > "$WORK/report_ob.txt" ||
  fail "no report: $(cat "$WORK/check_ob.log")"
snapshot="$SOURCE_ROOT/tests/e2e/schemas/torture_oceanbase.check"
if [ "${OMSQL_UPDATE_SNAPSHOTS:-}" = 1 ]; then
  cp "$WORK/report_ob.txt" "$snapshot"
else
  diff "$snapshot" "$WORK/report_ob.txt" > "$WORK/report_ob.diff" ||
    { cat "$WORK/report_ob.diff" >&2; fail "the oceanbase compatibility report differs from $snapshot"; }
fi
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$DB'")" = 0 ] ||
  fail "check under TARGET oceanbase created the target database"

src_sql -e "DROP DATABASE $DB"
echo "torture e2e: ok"
