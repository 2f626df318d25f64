#!/usr/bin/env bash
# The command line: --help and --version; a script error gives file:line:col and exit 2 before any
# connection; a wrong password names the user and host but never the password; plan lists every
# table with its target name; check reports the binlog settings; a bad --set, --vary or --mode is
# refused with exit 2 in the DSL's words (one option table), naming the flag, before anything is written;
# so are verify --settle-seconds and throttle --rows-per-sec (the VERIFY and WITH options they set).
source "$(dirname "$0")/lib.sh"

"$OMSRUN" --help | grep -q "check" || fail "--help"
"$OMSRUN" --version | grep -qE "^omsrun [0-9]+\.[0-9]+\.[0-9]+" || fail "--version"

printf "SOURCE mysql 'root@127.0.0.1:1';\nTARGET mysql 'root@127.0.0.1:2'\nMIGRATE a.*;\n" > "$WORK/bad.omsql"
set +e
out=$("$OMSRUN" "$WORK/bad.omsql" 2>&1); code=$?
set -e
[ "$code" = 2 ] || fail "script error exit code $code, want 2: $out"
echo "$out" | grep -q "bad.omsql:[0-9]*:[0-9]*: error:" || fail "no file:line:col in: $out"

src_sql -e "CREATE DATABASE IF NOT EXISTS e2e_cli; CREATE TABLE IF NOT EXISTS e2e_cli.t (id INT PRIMARY KEY); CREATE TABLE IF NOT EXISTS e2e_cli.nokey (v INT)"
export E2E_SECRET='s3cr3t-Pa55'
cat > "$WORK/pw.omsql" <<'EOF2'
SOURCE mysql 'nobody@127.0.0.1:${OMSQL_SRC_PORT}' PASSWORD ENV 'E2E_SECRET';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_cli.*;
EOF2
set +e
out=$("$OMSRUN" check "$WORK/pw.omsql" 2>&1); code=$?
set -e
[ "$code" != 0 ] || fail "wrong password accepted"
echo "$out" | grep -q "s3cr3t" && fail "password printed: $out"
echo "$out" | grep -q "nobody@127.0.0.1" || fail "error does not name user and host: $out"

cat > "$WORK/ok.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_cli.* MAP e2e_cli.* TO e2e_cli_new.*;
EOF2
plan=$("$OMSRUN" plan "$WORK/ok.omsql")
echo "$plan" | grep -q "e2e_cli.t .*e2e_cli_new.t" || fail "plan lacks a table: $plan"
echo "$plan" | grep -q "e2e_cli.nokey .*e2e_cli_new.nokey" || fail "plan lacks a table: $plan"
"$OMSRUN" plan --dot "$WORK/ok.omsql" | grep -q "digraph" || fail "plan --dot"
# plan --sql: every statement the run sends to the target, in order, and nothing written.
tgt_sql -e "DROP DATABASE IF EXISTS e2e_cli_new"
sql=$("$OMSRUN" plan --sql "$WORK/ok.omsql") || fail "plan --sql exited $?"
[[ "$(grep '^-- phase: ' <<<"$sql" | cut -d' ' -f3 | tr '\n' ' ')" == "schema copy "* ]] || fail "plan --sql phases: $sql"
grep -q '^CREATE DATABASE IF NOT EXISTS `e2e_cli_new`' <<<"$sql" || fail "plan --sql lacks CREATE DATABASE: $sql"
grep -q '^CREATE TABLE `e2e_cli_new`.`t` (' <<<"$sql" || fail "plan --sql lacks CREATE TABLE: $sql"
grep -q '^LOAD DATA LOCAL INFILE .* INTO TABLE `e2e_cli_new`.`nokey`' <<<"$sql" || fail "plan --sql lacks the copy: $sql"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'e2e_cli_new'")" = 0 ] || fail "plan --sql wrote"
check=$("$OMSRUN" check "$WORK/ok.omsql" 2>&1) || fail "check failed: $check"
echo "$check" | grep -qi "nokey" || fail "check does not warn about the keyless table: $check"
# --set / --vary / --mode share the script's option table and MODE reader: the same checks, the
# same words, exit 2, and nothing written to the target.
tgt_sql -e "DROP DATABASE IF EXISTS e2e_cli_new"
expect_refusal 2 "$OMSRUN" "$WORK/ok.omsql" --task-dir "$WORK/task_set" --set parallel=2k
echo "$out" | grep -qF "error: --set parallel=2k: bad value '2k' for parallel: expected an integer from 1 to 256" \
  || fail "--set parallel=2k not refused in the DSL's words: $out"
expect_refusal 2 "$OMSRUN" "$WORK/ok.omsql" --task-dir "$WORK/task_set" --set on_exists=replace
echo "$out" | grep -qF "bad value 'replace' for on_exists: expected one of: 'fail', 'truncate', 'append'" \
  || fail "--set on_exists=replace: $out"
expect_refusal 2 "$OMSRUN" "$WORK/ok.omsql" --task-dir "$WORK/task_set" --set paralel=4
echo "$out" | grep -qF "error: --set paralel=4: unknown option 'paralel'; expected one of: parallel, chunk_rows," \
  || fail "--set paralel=4 does not list the known options: $out"
expect_refusal 2 "$OMSRUN" "$WORK/ok.omsql" --task-dir "$WORK/task_set" --mode schema,fast
echo "$out" | grep -qF "error: --mode schema,fast: unknown phase 'fast'; expected one of: SCHEMA, FULL, INCREMENTAL" \
  || fail "--mode schema,fast: $out"
expect_refusal 2 "$OMSRUN" bench "$WORK/ok.omsql" --vary parallel=1,2k
echo "$out" | grep -qF "error: --vary parallel=1,2k: bad value '2k' for parallel: expected an integer from 1 to 256" \
  || fail "--vary parallel=1,2k: $out"
expect_refusal 2 "$OMSRUN" verify "$WORK/ok.omsql" --settle-seconds 0
echo "$out" | grep -qF "error: --settle-seconds 0: bad value '0' for settle_seconds: expected an integer from 1 to 86400" \
  || fail "verify --settle-seconds 0: $out"
expect_refusal 2 "$OMSRUN" throttle --task "$WORK/task_set" --rows-per-sec 2k
echo "$out" | grep -qF "error: --rows-per-sec 2k: bad value '2k' for max_rows_per_sec: expected an integer >= 0" \
  || fail "throttle --rows-per-sec 2k: $out"
[ -z "$(tgt_sql -N -e "SHOW DATABASES LIKE 'e2e_cli_new'")" ] || fail "a refused --set/--mode run wrote to the target"
"$OMSRUN" run --help | grep -qE "^  parallel +integer 1\.\.256" || fail "run --help does not list the WITH options"
echo "cli_e2e: ok"
