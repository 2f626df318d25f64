#!/usr/bin/env bash
# The run report (docs/operations.md, "The run report"): `omsrun FILE --report R.json` writes, at
# the end of the run, per phase its start, end and seconds, per table rows, bytes, seconds, retries
# and the verification outcome, the totals and the outcome; 0600, no password; the same as the
# final summary table on stdout. 1. a clean run with VERIFY: every table's rows equal the source's
# COUNT(*), the phases are there, verification clean. 2. kill -9 during the copy, then the same
# command: the report counts the rows copied before the resume (rows_before_resume > 0, and
# rows_before_resume + rows_this_run = COUNT(*)). 3. a failing run still writes its report,
# outcome failed, with the error.
source "$(dirname "$0")/lib.sh"
umask 022

db=e2e_report
user=e2e_report_user
secret="Rp-$(date +%s%N | sha256sum | cut -c1-16)"
export E2E_REPORT_PW="$secret" E2E_REPORT_TGT_PW="$secret"
E2E_CLEANUP="src_sql -e \"DROP USER IF EXISTS $user@'%'\"; tgt_sql -e \"DROP USER IF EXISTS $user@'%'\""
for sql in src_sql tgt_sql; do
  $sql -e "DROP USER IF EXISTS $user@'%'; CREATE USER $user@'%' IDENTIFIED BY '$secret'; GRANT ALL ON *.* TO $user@'%'"
done
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
src_sql $db -e "CREATE TABLE big (id INT PRIMARY KEY, pad CHAR(60)); INSERT INTO big SELECT seq, REPEAT('p', 60) FROM seq_1_to_200000;
  CREATE TABLE small (id INT PRIMARY KEY, v INT); INSERT INTO small SELECT seq, seq FROM seq_1_to_700;
  CREATE TABLE nokey (v INT); INSERT INTO nokey SELECT seq FROM seq_1_to_300"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_a; DROP DATABASE IF EXISTS ${db}_b"
count() { src_sql -N -e "SELECT COUNT(*) FROM $db.$1"; }
script() { # name target-db more-with-options verify-clause
  cat > "$WORK/$1.omsql" <<EOF2
SOURCE mysql '$user@127.0.0.1:\${OMSQL_SRC_PORT}' PASSWORD ENV 'E2E_REPORT_PW';
TARGET mysql '$user@127.0.0.1:\${OMSQL_TGT_PORT}' PASSWORD ENV 'E2E_REPORT_TGT_PW';
MIGRATE $db.* MAP $db.* TO $2.* MODE SCHEMA, FULL WITH (parallel = 2, chunk_rows = 5000, batch_rows = 1000$3) $4;
EOF2
}
# check_report FILE OUTCOME EXIT [db.t=COUNT ...]: the report's JSON, checked in Python (assertions name what failed).
check_report() {
  python3 - "$@" <<'EOF2'
import json, os, stat, sys
path, want_outcome, want_exit = sys.argv[1], sys.argv[2], int(sys.argv[3])
counts = dict(kv.split("=") for kv in sys.argv[4:])
mode = stat.S_IMODE(os.stat(path).st_mode)
assert mode == 0o600, "report mode %o" % mode
r = json.load(open(path))
assert r["outcome"] == want_outcome, r["outcome"]
assert r["exit_code"] == want_exit, r["exit_code"]
assert r["ended_at_ms"] >= r["started_at_ms"] > 0, r
names = [p["name"] for p in r["phases"]]
for p in r["phases"]:
    assert p["ended_at_ms"] >= p["started_at_ms"] > 0 and p["seconds"] >= 0, p
tables = {t["source"]: t for t in r["tables"]}
for name, n in counts.items():
    t = tables[name]
    assert t["rows"] == int(n), (name, t, n)
    assert t["rows_before_resume"] + t["rows_this_run"] == t["rows"], t
    assert t["bytes"] > 0 and t["done"], t
assert r["total"]["retries"] == sum(r["retries"].values()), r["total"]
if counts:
    assert r["total"]["rows"] == sum(int(n) for n in counts.values()), r["total"]
print(" ".join(names), "|", r["total"]["rows"], "rows,", r["total"]["rows_before_resume"], "before the resume")
EOF2
}

# 1. A clean run with VERIFY.
script clean ${db}_a "" "VERIFY"
"$OMSRUN" "$WORK/clean.omsql" --task-dir "$WORK/clean" --report "$WORK/clean.json" >"$WORK/clean.out" 2>"$WORK/clean.log" ||
  fail "clean run: $(tail -5 "$WORK/clean.log")"
phases=$(check_report "$WORK/clean.json" done 0 "$db.big=$(count big)" "$db.small=$(count small)" "$db.nokey=$(count nokey)") ||
  fail "clean report: $(cat "$WORK/clean.json")"
echo "clean run: $phases"
for p in schema copy indexes verify; do echo "$phases" | grep -qw "$p" || fail "no $p phase in the report: $phases"; done
python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
assert r['verification']['outcome'] == 'clean', r.get('verification')
assert all(t['verification'] == 'clean' for t in r['tables']), r['tables']
assert r['total']['rows_before_resume'] == 0, r['total']
" "$WORK/clean.json" || fail "verification in the report: $(cat "$WORK/clean.json")"
grep -Eq "^total +$(( $(count big) + $(count small) + $(count nokey) )) " "$WORK/clean.out" || fail "no summary total on stdout: $(cat "$WORK/clean.out")"
grep -q "^outcome: done (exit 0)" "$WORK/clean.out" || fail "no outcome line on stdout"
grep -q "^copied " "$WORK/clean.out" || fail "the copy's summary line is gone"

# 2. kill -9 during the copy of big, then the same command: rows before the resume are counted.
script resumed ${db}_b ", max_rows_per_sec = 40000" ""
"$OMSRUN" "$WORK/resumed.omsql" --task-dir "$WORK/resumed" --report "$WORK/killed.json" >"$WORK/first.log" 2>&1 &
pid=$!
rows_copied() { python3 -c "
import json, sys
try: print(json.load(open(sys.argv[1]))['tables']['$db.big'].get('rows_copied', 0))
except Exception: print(0)" "$WORK/resumed/state.json"; }
for _ in $(seq 1 200); do [ "$(rows_copied)" -ge 40000 ] && break; sleep 0.05; done
kill -9 $pid; wait $pid 2>/dev/null || true
before=$(rows_copied)
[ "$before" -ge 40000 ] && [ "$before" -lt "$(count big)" ] || fail "killed with $before rows of big copied"
[ ! -e "$WORK/killed.json" ] || fail "a process killed with -9 wrote a report"
"$OMSRUN" "$WORK/resumed.omsql" --task-dir "$WORK/resumed" --report "$WORK/resumed.json" >"$WORK/resumed.out" 2>"$WORK/resumed.log" ||
  fail "resumed run: $(tail -5 "$WORK/resumed.log")"
out=$(check_report "$WORK/resumed.json" done 0 "$db.big=$(count big)" "$db.small=$(count small)" "$db.nokey=$(count nokey)") ||
  fail "resumed report: $(cat "$WORK/resumed.json")"
echo "resumed run: $out"
python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
big = next(t for t in r['tables'] if t['source'] == '$db.big')
assert big['rows_before_resume'] == $before, (big, $before)
assert big['rows_this_run'] == big['rows'] - $before, big
" "$WORK/resumed.json" || fail "rows before the resume: $(cat "$WORK/resumed.json")"
grep -q "of the rows were copied before the resume" "$WORK/resumed.out" || fail "the summary does not say rows were copied before the resume"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_b.big")" = "$(count big)" ] || fail "big differs on the target"

# 3. A failing run (the target's password is wrong: pre-flight cannot connect) writes its report.
export E2E_REPORT_TGT_PW="wrong-$secret"
script failing ${db}_a "" ""
set +e
"$OMSRUN" "$WORK/failing.omsql" --task-dir "$WORK/failing" --report "$WORK/failing.json" >"$WORK/failing.out" 2>"$WORK/failing.log"
code=$?
set -e
[ "$code" != 0 ] || fail "a run with a wrong password exited 0"
python3 -c "
import json, os, stat, sys
r = json.load(open(sys.argv[1]))
assert r['outcome'] == 'failed' and r['exit_code'] == $code and r.get('error'), r
assert stat.S_IMODE(os.stat(sys.argv[1]).st_mode) == 0o600
" "$WORK/failing.json" || fail "failing report: $(cat "$WORK/failing.json" 2>/dev/null)"
grep -rqF -- "$secret" "$WORK"/*.json && fail "a report holds the password"
echo "report_e2e: ok"
