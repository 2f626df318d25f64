#!/usr/bin/env bash
# The log seam (docs/operations.md, "Logging"): a run writes DIR/omsrun.log, 0600 whatever the
# umask, every line with a UTC timestamp, a level and a component, holding what the terminal said
# (the same words); the password of a PASSWORD ENV user appears nowhere (output, log, task files),
# also under --verbose; --quiet prints nothing on a clean run and only error lines on a failed one,
# while its log file still records the run; a bad --log-level is a usage error.
source "$(dirname "$0")/lib.sh"
umask 000

db=e2e_logs
user=e2e_logs_user
secret="Lg-$(date +%s%N | sha256sum | cut -c1-16)"
export E2E_LOGS_PW="$secret" E2E_LOGS_BAD_PW="not-$secret"
E2E_CLEANUP="src_sql -e \"DROP USER IF EXISTS $user@'%'\"; tgt_sql -e \"DROP USER IF EXISTS $user@'%'\""
for sql in src_sql tgt_sql; do
  $sql -e "DROP USER IF EXISTS $user@'%'; CREATE USER $user@'%' IDENTIFIED BY '$secret'; GRANT ALL ON *.* TO $user@'%'"
done
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
  CREATE TABLE $db.t (id INT PRIMARY KEY, v VARCHAR(40)); CREATE TABLE $db.u (id INT PRIMARY KEY, w INT)"
src_sql $db -e "INSERT INTO t SELECT seq, MD5(seq) FROM seq_1_to_3000; INSERT INTO u SELECT seq, seq FROM seq_1_to_500"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_a; DROP DATABASE IF EXISTS ${db}_b; DROP DATABASE IF EXISTS ${db}_c"

script() { # name target-db password-env
  cat > "$WORK/$1.omsql" <<EOF2
SOURCE mysql '$user@127.0.0.1:\${OMSQL_SRC_PORT}' PASSWORD ENV 'E2E_LOGS_PW';
TARGET mysql '$user@127.0.0.1:\${OMSQL_TGT_PORT}' PASSWORD ENV '$3';
MIGRATE $db.* MAP $db.* TO $2.* WITH (task_dir = '$WORK/$1');
EOF2
}
lines_ok() { # file: every line is "<UTC time> <level> [<component>] text"
  local bad
  bad=$(grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z (debug|info|warning|error) +\[[a-z]+\] ' "$1" || true)
  [ "$bad" = 0 ] || fail "$1: $bad line(s) without time, level and component: $(grep -vE '^[0-9]{4}-' "$1" | head -3)"
}

# 1. --verbose: the log file, its mode, its lines, the terminal's words in it, no password anywhere.
script verbose ${db}_a E2E_LOGS_PW
"$OMSRUN" "$WORK/verbose.omsql" --until caught-up --verbose >"$WORK/verbose.out" 2>"$WORK/verbose.err" \
  || fail "verbose run: $(tail -5 "$WORK/verbose.err")"
log="$WORK/verbose/omsrun.log"
[ -f "$log" ] || fail "no log file in the task directory"
[ "$(stat -c %a "$log")" = 600 ] || fail "log file mode $(stat -c %a "$log"), want 600"
lines_ok "$log"
grep -qE "^[0-9:.]+ debug: task: phase " "$WORK/verbose.err" || fail "--verbose printed no debug line"
grep -qE " debug +\[[a-z]+\] " "$log" || fail "the log of a --verbose run has no debug line"
grep -q "info    \[task\] omsrun .*: run of $WORK/verbose.omsql (pid [0-9]*)" "$log" || fail "no run header in the log"
grep -q "incremental: caught up at " "$WORK/verbose.err" || fail "no caught-up line on the terminal"
grep -q "info    \[replay\] incremental: caught up at " "$log" || fail "the log lacks the caught-up line"
grep -q "\[copy\] copied 3500 rows" "$log" || fail "the log lacks the copy summary: $(grep copy "$log" | tail -3)"
grep -q "^copied 3500 rows" "$WORK/verbose.out" || fail "no copy summary on stdout"
grep -rqF -- "$secret" "$WORK/verbose" "$WORK/verbose.out" "$WORK/verbose.err" && fail "the password is written somewhere"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM ${db}_a.t")" = 3000 ] || fail "rows missing on the target"

# 2. --quiet on a clean run: nothing on either stream; the file still records the run.
script quiet ${db}_b E2E_LOGS_PW
"$OMSRUN" "$WORK/quiet.omsql" --until caught-up --quiet >"$WORK/quiet.out" 2>"$WORK/quiet.err" || fail "quiet run"
[ ! -s "$WORK/quiet.out" ] || fail "--quiet printed on stdout: $(head -3 "$WORK/quiet.out")"
[ ! -s "$WORK/quiet.err" ] || fail "--quiet printed on stderr: $(head -3 "$WORK/quiet.err")"
lines_ok "$WORK/quiet/omsrun.log"
grep -q "incremental: caught up at " "$WORK/quiet/omsrun.log" || fail "the quiet run's log lacks the caught-up line"
grep -qE " debug +\[" "$WORK/quiet/omsrun.log" && fail "a quiet run's log holds debug lines"

# 3. --quiet on a failing run (the target refuses the password): error lines only.
script failing ${db}_c E2E_LOGS_BAD_PW
set +e; "$OMSRUN" "$WORK/failing.omsql" --quiet >"$WORK/failing.out" 2>"$WORK/failing.err"; code=$?; set -e
[ "$code" != 0 ] || fail "a run with a wrong target password succeeded"
[ -s "$WORK/failing.err" ] || fail "--quiet hid the error"
grep -qv "^error: " "$WORK/failing.err" && fail "--quiet printed more than errors: $(grep -v '^error: ' "$WORK/failing.err" | head -3)"
[ ! -s "$WORK/failing.out" ] || fail "--quiet printed on stdout"
grep -q "Access denied" "$WORK/failing.err" || fail "the error does not say why: $(cat "$WORK/failing.err")"
grep -rqF -- "not-$secret" "$WORK/failing.err" "$WORK/failing" 2>/dev/null && fail "the wrong password is written somewhere"

# 4. A bad --log-level is a usage error, naming the accepted words.
expect_refusal 2 "$OMSRUN" "$WORK/quiet.omsql" --log-level loud
grep -qF "error: --log-level loud: expected one of debug, info, warning, error" <<<"$out" || fail "bad --log-level: $out"
expect_refusal 2 "$OMSRUN" "$WORK/quiet.omsql" --quiet --verbose
echo "logging: log files private and timestamped, no password, --quiet quiet"
