#!/usr/bin/env bash
# Everything a task keeps on disk is its owner's alone, whatever the umask: after a run with the
# spool, a verification, a repair file and a standalone verify writing its report and repair SQL
# into the task directory, every folder there is 0700 and every file 0600; a directory left
# 0755/0644 (an older omsql) is tightened on the next start. And a replay statement the target
# rejects is reported by table, key and column, without the row's values.
source "$(dirname "$0")/lib.sh"
umask 000

db=e2e_files
marker=c0ffee5ecret
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, v VARCHAR(40), note VARCHAR(40))"
src_sql $db -e "INSERT INTO t SELECT seq, MD5(seq), 'n' FROM seq_1_to_2000"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
task="$WORK/task"
cat > "$WORK/files.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.* WITH (task_dir = '$task') VERIFY (repair = '$task/repair.sql');
EOF2
"$OMSRUN" "$WORK/files.omsql" --until caught-up >"$WORK/run.log" 2>&1 || fail "run until caught up"
grep -q "clean" "$WORK/run.log" || fail "no verification ran"
tgt_sql ${db}_t -e "UPDATE t SET v = 'drift' WHERE id = 5"
set +e; "$OMSRUN" verify "$WORK/files.omsql" --repair "$task/fix.sql" --json "$task/verify.json" >"$WORK/verify.log" 2>&1
code=$?; set -e
[ "$code" = 3 ] || fail "verify of a drifted target exited $code"
grep -q "REPLACE" "$task/fix.sql" || fail "no repair statement written"
tgt_sql < "$task/fix.sql" || fail "the repair file does not apply"

check_modes() {
  local files dirs loose
  files=$(find "$task" -type f | wc -l)
  dirs=$(find "$task" -type d | wc -l)
  for f in state.json lock status.json verify-report.json verify-report.txt repair.sql fix.sql verify.json; do
    [ -f "$task/$f" ] || fail "$1: $f is missing"
  done
  ls "$task"/spool/* >/dev/null 2>&1 || fail "$1: no spool segment"
  loose=$(find "$task" \( -type f ! -perm 600 \) -o \( -type d ! -perm 700 \))
  [ -z "$loose" ] || fail "$1: not private: $(ls -ld $loose)"
  echo "$1: $files files and $dirs folders, all private"
}
check_modes "after the run"

# A task directory from an older omsql: opened up, then the next start tightens it.
chmod 755 "$task" "$task/spool"
chmod 644 "$task"/*.json "$task"/*.sql "$task"/spool/*
"$OMSRUN" "$WORK/files.omsql" --until caught-up >>"$WORK/run.log" 2>&1 || fail "second run"
check_modes "after a start on an older directory"

# A change the target rejects (the target column became too short): the error names the table,
# the key and the column; the row's values (the marker, in text or hex) appear nowhere.
tgt_sql ${db}_t -e "ALTER TABLE t MODIFY note VARCHAR(8)"
src_sql $db -e "UPDATE t SET note = CONCAT('$marker', id) WHERE id IN (7, 8, 9)"
set +e; "$OMSRUN" "$WORK/files.omsql" --until caught-up >"$WORK/reject.log" 2>&1; code=$?; set -e
[ "$code" = 1 ] || fail "a rejected change exited $code"
hex=$(python3 -c "import sys; print(sys.argv[1].encode().hex())" "$marker")
grep -qi -e "$marker" -e "$hex" "$WORK/reject.log" && fail "the error shows row values: $(cat "$WORK/reject.log")"
grep -q "${db}_t" "$WORK/reject.log" || fail "the error does not name the table: $(cat "$WORK/reject.log")"
grep -q "column 'note'" "$WORK/reject.log" || fail "the error does not name the column: $(cat "$WORK/reject.log")"
grep -q 'key `id` = [789]' "$WORK/reject.log" || fail "the error does not name the key: $(cat "$WORK/reject.log")"
grep "error" "$WORK/reject.log" | head -2
echo "task_files_e2e: ok"
