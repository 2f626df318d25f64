#!/usr/bin/env bash
# A resumed task keeps its own table set (issue 12 §6, docs/operations.md "Resuming"):
#  1. a copy killed -9 half-way, then a change of the script's MAP: refused (exit 1), naming the
#     table and both targets, nothing written on the target; an EXCLUDE of a table of the set:
#     refused the same way; a FILTER added to a table of the set: refused, naming it;
#  2. a table of the set renamed away on the source: refused, naming it;
#  3. a table that appeared on the source meanwhile: the rerun names it, finishes the copy of the
#     set, and does not create it on the target;
#  4. verify, check and plan of the same script work on the task's set too: the table that
#     appeared is left out (named in a warning), not reported missing; a changed MAP is refused.
source "$(dirname "$0")/lib.sh"

db=e2e_tset
src_sql -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_away; CREATE DATABASE $db; CREATE DATABASE ${db}_away"
src_sql $db -e "CREATE TABLE $db.big (id INT PRIMARY KEY, pad CHAR(40) NOT NULL);
            INSERT INTO $db.big SELECT seq, REPEAT('x', 40) FROM seq_1_to_30000;
            CREATE TABLE $db.small (id INT PRIMARY KEY); INSERT INTO $db.small SELECT seq FROM seq_1_to_10"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t; DROP DATABASE IF EXISTS ${db}_x"

script() { # map-target extra-clause
  cat > "$WORK/set.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* $2 MAP $db.* TO $1.* MODE SCHEMA, FULL
  WITH (parallel = 2, chunk_rows = 1000, batch_rows = 500, max_rows_per_sec = 6000, task_dir = '$WORK/task');
EOF2
}
phase() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['phase'])" "$WORK/task/state.json" 2>/dev/null || echo none; }

# --- the first run, killed half-way through the copy ---
script ${db}_t ""
"$OMSRUN" "$WORK/set.omsql" >"$WORK/first.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ "$(phase)" = full ] && break; sleep 0.1; done
sleep 1
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ "$(phase)" = full ] || fail "the first run was not killed in the copy (phase $(phase))"
[ -f "$WORK/task/table-set.json" ] || fail "the first run kept no table set"
[ "$(stat -c %a "$WORK/task/table-set.json")" = 600 ] || fail "table-set.json is not 0600"
before=$(fingerprint tgt_sql ${db}_t ${db}_x)

# --- 1. the script changed: refused, naming what differs ---
script ${db}_x ""
expect_refusal 1 "$OMSRUN" "$WORK/set.omsql"
for what in "the script's MIGRATE patterns or MAPs give another table set than the task started with" \
            "$db.big was migrated to ${db}_t.big, the script now maps it to ${db}_x.big" \
            "$db.small was migrated to ${db}_t.small, the script now maps it to ${db}_x.small" "--recopy"; do
  echo "$out" | grep -qF -- "$what" || fail "the MAP change refusal lacks: $what: $out"
done
script ${db}_t "EXCLUDE $db.small"
expect_refusal 1 "$OMSRUN" "$WORK/set.omsql"
echo "$out" | grep -qF "$db.small (to ${db}_t.small) is in the task's table set; the script no longer takes it" ||
  fail "the EXCLUDE refusal does not name $db.small: $out"
script ${db}_t "FILTER $db.big WHERE id > 0"
expect_refusal 1 "$OMSRUN" "$WORK/set.omsql"
echo "$out" | grep -qF "$db.big: now FILTER WHERE id > 0" || fail "the FILTER change refusal does not name $db.big: $out"
[ "$(fingerprint tgt_sql ${db}_t ${db}_x)" = "$before" ] || fail "a refused run wrote on the target"

# --- 2. a table of the set gone from the source ---
script ${db}_t ""
src_sql -e "RENAME TABLE $db.small TO ${db}_away.small"
expect_refusal 1 "$OMSRUN" "$WORK/set.omsql"
echo "$out" | grep -qF "the task's table $db.small is no longer on the source" || fail "the refusal does not name $db.small: $out"
src_sql -e "RENAME TABLE ${db}_away.small TO $db.small"

# --- 3. a table that appeared meanwhile is named, not added ---
src_sql -e "CREATE TABLE $db.late (id INT PRIMARY KEY); INSERT INTO $db.late VALUES (1)"
"$OMSRUN" "$WORK/set.omsql" >"$WORK/second.log" 2>&1 || { cat "$WORK/second.log"; fail "the resumed run failed"; }
grep -qF "warning: table $db.late appeared on the source after the task in $WORK/task started: not in its table set" "$WORK/second.log" ||
  fail "the resumed run does not name $db.late"
[ "$(grep -c "$db.late" "$WORK/second.log")" = 1 ] || fail "$db.late is named more than once"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}_t' AND TABLE_NAME = 'late'")" = 0 ] ||
  fail "the table that appeared later was created on the target"
compare --pair $db.big=${db}_t.big --pair $db.small=${db}_t.small || fail "the task's tables differ"
[ "$(phase)" = done ] || fail "the resumed task did not finish (phase $(phase))"

# --- 4. verify, check and plan describe the task's set ---
"$OMSRUN" verify "$WORK/set.omsql" >"$WORK/verify.log" 2>&1 || { cat "$WORK/verify.log"; fail "verify of the task's set is not clean"; }
grep -qF "warning: $db.late appeared on the source after the task in $WORK/task started" "$WORK/verify.log" ||
  fail "verify does not name the table left out: $(cat "$WORK/verify.log")"
for command in check plan; do
  "$OMSRUN" $command "$WORK/set.omsql" >"$WORK/$command.log" 2>&1 || { cat "$WORK/$command.log"; fail "$command failed"; }
  grep -q "^$db.late\|  $db.late " "$WORK/$command.log" && fail "$command lists $db.late: $(cat "$WORK/$command.log")"
  grep -qF "2 table(s)" "$WORK/$command.log" || fail "$command does not count the task's 2 tables: $(cat "$WORK/$command.log")"
done
script ${db}_x ""
expect_refusal 1 "$OMSRUN" verify "$WORK/set.omsql"
echo "$out" | grep -qF "the script now maps it to ${db}_x.big" || fail "verify of a changed script is not refused: $out"

src_sql -e "DROP DATABASE $db; DROP DATABASE ${db}_away"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t; DROP DATABASE IF EXISTS ${db}_x"
echo "table_set_e2e: ok"
