#!/usr/bin/env bash
# kill -9 of omsrun at several moments of the schema and full-copy phases, then the same command
# again: the task resumes from its state and the target ends equal to the source.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_resume; CREATE DATABASE e2e_resume"
src_sql e2e_resume <<'SQL'
CREATE TABLE big (id INT NOT NULL PRIMARY KEY, k INT NOT NULL, pad CHAR(60) NOT NULL, note VARCHAR(40), KEY (k));
INSERT INTO big SELECT seq, seq % 1000, REPEAT(CHAR(65 + seq % 26), 60), IF(seq % 5 = 0, NULL, 'n') FROM seq_1_to_300000;
CREATE TABLE words (w VARCHAR(32) NOT NULL PRIMARY KEY, n INT);
INSERT INTO words SELECT CONCAT('w', seq * 7919 % 100003), seq FROM seq_1_to_40000;
SQL

cat > "$WORK/resume.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_resume.* MAP e2e_resume.* TO e2e_resume_t.*
  MODE SCHEMA, FULL WITH (parallel = 2, chunk_rows = 5000, batch_rows = 1000);
EOF2

for delay in 0.2 0.6 1.0 1.5; do
  tgt_sql -e "DROP DATABASE IF EXISTS e2e_resume_t"
  rm -rf "$WORK/task"
  "$OMSRUN" "$WORK/resume.omsql" --task-dir "$WORK/task" >"$WORK/first.log" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  phase=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['phase'])" "$WORK/task/state.json" 2>/dev/null || echo none)
  echo "killed after ${delay}s in phase $phase"
  "$OMSRUN" "$WORK/resume.omsql" --task-dir "$WORK/task" >"$WORK/second.log" 2>&1 || { cat "$WORK/second.log"; fail "resume after ${delay}s failed"; }
  compare --pair e2e_resume.big=e2e_resume_t.big --pair e2e_resume.words=e2e_resume_t.words \
    || fail "target differs after kill at ${delay}s"
done
echo "resume_e2e: ok"
