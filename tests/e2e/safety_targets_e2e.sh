#!/usr/bin/env bash
# Issue 10 §2 and §3: a MAP into a system schema is a script error with a caret (it emptied
# mysql.help_topic); a MIGRATE of a system schema says so; 'truncate' or 'append' into an existing
# table that does not match the job is refused with the differences listed, by run and by check,
# before anything is emptied; a matching one is still emptied and filled.
source "$(dirname "$0")/lib.sh"

db=e2e_rails_tgt
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
            CREATE TABLE $db.t (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(10,2))"
src_sql $db -e "INSERT INTO t SELECT seq, CONCAT('n', seq), seq / 4 FROM seq_1_to_2000"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t; CREATE DATABASE ${db}_t;
            CREATE TABLE ${db}_t.t (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount INT, extra INT NOT NULL)"
tgt_sql ${db}_t -e "INSERT INTO t SELECT seq, 'keep me', seq, 7 FROM seq_1_to_300"
help_topic() { tgt_sql -N -e "SELECT COUNT(*) FROM mysql.help_topic; CHECKSUM TABLE mysql.help_topic"; }
before_source=$(fingerprint src_sql $db)
before_target=$(fingerprint tgt_sql ${db}_t; help_topic)
unchanged() {
  [ "$(fingerprint src_sql $db)" = "$before_source" ] || fail "$1: the source changed"
  [ "$(fingerprint tgt_sql ${db}_t; help_topic)" = "$before_target" ] || fail "$1: the target changed"
}

# §2: MAP into mysql.help_topic with truncate: exit 2, file:line:col and a caret, before connecting.
cat > "$WORK/system.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_rails_tgt.t MAP e2e_rails_tgt.t TO mysql.help_topic WITH (on_exists = truncate);
EOF2
expect_refusal 2 "$OMSRUN" "$WORK/system.omsql" --task-dir "$WORK/task_system"
echo "$out" | grep -q "system.omsql:3:48: error: MAP target 'mysql.help_topic' is in the system schema mysql" \
  || fail "no caret error for a MAP into mysql: $out"
echo "$out" | grep -q "^ *\^$" || fail "no caret line: $out"
expect_refusal 2 "$OMSRUN" check "$WORK/system.omsql"
unchanged "MAP into mysql"

cat > "$WORK/migrate_system.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE mysql.* MAP mysql.* TO e2e_rails_tgt_t.*;
EOF2
expect_refusal 2 "$OMSRUN" "$WORK/migrate_system.omsql" --task-dir "$WORK/task_migrate_system"
echo "$out" | grep -q "migrate_system.omsql:3:9: error: 'mysql.\*': mysql is a system schema, not migrated" \
  || fail "MIGRATE mysql.* not named a system schema: $out"
unchanged "MIGRATE mysql.*"

# §3: the existing target table has an INT amount, an extra NOT NULL column: refused for truncate
# and append, the differences listed; its 300 rows stay.
for mode in truncate append; do
  cat > "$WORK/$mode.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.t MAP $db.t TO ${db}_t.t MODE SCHEMA, FULL WITH (on_exists = $mode);
EOF2
  expect_refusal 1 "$OMSRUN" "$WORK/$mode.omsql" --task-dir "$WORK/task_$mode"
  differences="  - column \`amount\`: decimal(10,2) to int(11): fractions are rounded and large values rejected
  - column \`extra\` is in the target but not in the job"
  for part in "target table ${db}_t.t (from $db.t) exists but does not match the job, so nothing was emptied or written" \
              "$differences" "pre-flight failed: nothing was written"; do
    [[ "$out" == *"$part"* ]] || fail "on_exists = $mode: '$part' missing from: $out"
  done
  expect_refusal 1 "$OMSRUN" check "$WORK/$mode.omsql"
  [[ "$out" == *"exists but does not match the job"*"$differences"* ]] || fail "check does not report what run refused: $out"
  unchanged "on_exists = $mode"
done

# A table that matches (wider name, no extra column) is emptied and filled as asked.
tgt_sql -e "DROP TABLE ${db}_t.t; CREATE TABLE ${db}_t.t (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL, amount DECIMAL(12,2));
            INSERT INTO ${db}_t.t VALUES (999999, 'stale', 1)"
"$OMSRUN" "$WORK/truncate.omsql" --task-dir "$WORK/task_ok" >"$WORK/ok.log" 2>&1 || fail "truncate into a matching table failed"
[ "$(tgt_sql -N -e "SELECT COUNT(*), SUM(id = 999999) FROM ${db}_t.t")" = "$(printf '2000\t0')" ] || fail "matching table not emptied and filled"
[ "$(fingerprint src_sql $db)" = "$before_source" ] || fail "the source changed"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE ${db}_t"
echo "safety_targets_e2e: ok"
