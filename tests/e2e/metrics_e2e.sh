#!/usr/bin/env bash
# GET /metrics of a running task (Prometheus text format 0.0.4): refused without the bearer token
# (401) like every other route; per-table copy counters equal the rows copied; under a write load
# with replay throttled the lag gauge rises and the apply counter moves, and once the throttle is
# lifted the lag falls back to 0. Every line of every scrape is checked against the format.
source "$(dirname "$0")/lib.sh"

db=e2e_metrics
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
src_sql $db -e "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t SELECT seq, 0 FROM seq_1_to_2000;
  CREATE TABLE u (id INT PRIMARY KEY, s VARCHAR(20)); INSERT INTO u SELECT seq, 'x' FROM seq_1_to_300"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
cat > "$WORK/m.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.*
  WITH (parallel = 2, max_events_per_sec = 100);
EOF2
task="$WORK/task"
"$OMSRUN" "$WORK/m.omsql" --task-dir "$task" >"$WORK/run.log" 2>&1 &
pid=$!
eval "lib_$(declare -f fail)"
fail() { kill "$pid" 2>/dev/null || true; lib_fail "$@"; }
for _ in $(seq 1 300); do grep -q "caught up" "$WORK/run.log" && break; sleep 0.1; done
grep -q "caught up" "$WORK/run.log" || fail "link never caught up"
read -r port token < <(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(c['port'], c['token'])" "$task/control.json")
url="http://127.0.0.1:$port/metrics"

code=$(curl -s -o "$WORK/body" -w '%{http_code}' "$url")
[ "$code" = 401 ] || fail "/metrics without the token: HTTP $code"
grep -q "omsql_" "$WORK/body" && fail "/metrics without the token leaked metrics"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $(printf '%064d' 0)" "$url")
[ "$code" = 401 ] || fail "/metrics with a wrong token: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data '' -H "Authorization: Bearer $token" "$url")
[ "$code" = 405 ] || fail "POST /metrics: HTTP $code"

n=0
# scrape: the metrics into $WORK/scrape-N.txt ($S), each line checked against the text format.
scrape() {
  n=$((n + 1))
  local out="$WORK/scrape-$n.txt"
  curl -s -D "$WORK/headers-$n" -H "Authorization: Bearer $token" "$url" >"$out" || fail "scrape $n"
  grep -qi '^content-type: text/plain; version=0.0.4' "$WORK/headers-$n" || fail "scrape $n: $(grep -i content-type "$WORK/headers-$n")"
  python3 - "$out" <<'PY' || fail "scrape $n is not the text exposition format"
import re, sys
name = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
value = r'(?:[-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|Inf)|NaN)'
label = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
sample = re.compile(rf'^({name})(?:\{{{label}(?:,{label})*\}})? {value}$')
typed = {}
for line in open(sys.argv[1]).read().split('\n')[:-1]:
    if line.startswith('# HELP '): continue
    m = re.match(rf'^# TYPE ({name}) (counter|gauge)$', line)
    if m: typed[m.group(1)] = m.group(2); continue
    m = sample.match(line)
    if not m or not m.group(1).startswith('omsql_') or m.group(1) not in typed:
        sys.exit('bad line: %r' % line)
PY
  S=$out
}
metric() { # file name [label-match]: the value of the first sample of `name` whose labels contain the match
  python3 - "$@" <<'PY'
import sys
f, name = sys.argv[1], sys.argv[2]
want = sys.argv[3] if len(sys.argv) > 3 else ''
for line in open(f):
    if line.startswith(name + '{') or line.startswith(name + ' '):
        if want in line:
            print(line.rsplit(' ', 1)[1].strip()); break
PY
}
scrape; first=$S
[ "$(metric "$first" omsql_copy_rows_total "source_table=\"$db.t\"")" = 2000 ] || fail "rows copied of t: $(grep copy_rows "$first")"
[ "$(metric "$first" omsql_copy_rows_total "source_table=\"$db.u\",target_table=\"${db}_t.u\"")" = 300 ] || fail "rows copied of u"
[ "$(metric "$first" omsql_copy_table_done "$db.t")" = 1 ] || fail "t not done"
[ "$(metric "$first" omsql_copy_chunks_total "$db.t")" -ge 1 ] || fail "no chunk counted for t"
[ "$(metric "$first" omsql_copy_bytes_total "$db.t")" -gt 0 ] || fail "no bytes counted for t"
[ "$(metric "$first" omsql_phase 'phase="incremental"')" = 1 ] || fail "phase gauge: $(grep omsql_phase "$first")"
[ "$(metric "$first" omsql_phase 'phase="full"')" = 0 ] || fail "phase gauge full"
[ "$(metric "$first" omsql_process_resident_memory_bytes)" -gt 1000000 ] || fail "RSS"
[ -n "$(metric "$first" omsql_retries_total 'kind="apply"')" ] || fail "no retries_total{kind=apply}"
[ -n "$(metric "$first" omsql_spool_bytes)" ] || fail "no spool bytes"
applied0=$(metric "$first" omsql_apply_events_total)

# A write load of 1500 row changes against replay held to 100/s: the lag must rise.
(for i in $(seq 0 14); do
   src_sql $db -e "UPDATE t SET v = v + 1 WHERE id > $(( i * 100 )) AND id <= $(( i * 100 + 100 ))"
   sleep 0.1
 done) &
load=$!
max_lag=0
for _ in $(seq 1 8); do
  sleep 0.5
  scrape; s=$S
  lag=$(metric "$s" omsql_lag_seconds)
  max_lag=$(python3 -c "print(max($max_lag, $lag))")
done
wait $load
scrape; during=$S
applied1=$(metric "$during" omsql_apply_events_total)
echo "lag up to $max_lag s under load; applied $applied0 -> $applied1"
python3 -c "import sys; sys.exit(0 if $max_lag >= 1 else 1)" || fail "lag never reached 1 s under a throttled load (max $max_lag)"
[ "$applied1" -gt "$applied0" ] || fail "apply counter did not move ($applied0 -> $applied1)"
[ "$(metric "$during" omsql_caught_up)" = 0 ] || fail "caught_up while the lag is $max_lag s"
[ "$(metric "$during" omsql_throttle_events_per_second)" = 100 ] || fail "throttle gauge"

"$OMSRUN" throttle --task "$task" --events-per-sec 0 >/dev/null || fail "throttle"
for _ in $(seq 1 100); do
  scrape; s=$S
  [ "$(metric "$s" omsql_lag_seconds)" = 0 ] && [ "$(metric "$s" omsql_apply_events_total)" -ge $((applied0 + 1500)) ] && break
  sleep 0.2
done
[ "$(metric "$s" omsql_lag_seconds)" = 0 ] || fail "lag did not fall back to 0: $(grep lag "$s")"
[ "$(metric "$s" omsql_apply_events_total)" -ge $((applied0 + 1500)) ] || fail "not every change counted as applied"

"$OMSRUN" stop --task "$task" >/dev/null || fail "stop"
wait "$pid" || fail "task exit code $?"
compare --pair $db.t=${db}_t.t || fail "target differs from source"
echo "metrics_e2e: ok ($n scrapes, max lag $max_lag s)"
