#!/usr/bin/env bash
# Verification, end to end, side by side in one run on the same throwaway sandboxes:
#   omsrun verify FILE   vs   pt-table-sync --print   vs   CHECKSUM TABLE EXTENDED (both servers at once)
# on TABLES sysbench tables of ROWS_PER_TABLE identical rows (default 4 x 250k = 1M rows). The rows are
# created on the source by sysbench and copied to the target by `omsrun FILE` (MODE SCHEMA, FULL), so
# both sides hold the same bytes. Each tool runs RUNS times, alternating (omsql, pt, checksum, omsql,
# ...) after one warm-up of each, so a change in machine load hits all three alike; every run prints
# its wall time and the load average, the summary prints the medians and the ratios of medians.
# omsrun verify must exit 0 (clean) and pt-table-sync must print no statement.
#
#   bash bench/verify_vs_pt_table_sync.sh [TABLES] [ROWS_PER_TABLE] [RUNS]
#
# Works from a fresh clone after the README's set-up (it installs and builds like the other bench
# scripts). OMSRUN_VERIFY_ARGS adds arguments to `omsrun verify`. OMSQL_BENCH_KEEP=1 leaves the
# sandboxes running (their directory is printed); OMSQL_BENCH_SANDBOX=DIR reuses such a directory
# (the rows are not prepared again; stop it with scripts/sandbox.sh stop DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
tables=${1:-4}; rows=${2:-250000}; runs=${3:-3}
command -v pt-table-sync >/dev/null || { echo "pt-table-sync not found (apt-get install percona-toolkit)" >&2; exit 1; }
command -v sysbench >/dev/null || { echo "sysbench not found (apt-get install sysbench)" >&2; exit 1; }
[ -n "${OMSQL_BENCH_NO_BUILD:-}" ] || { bash scripts/install-deps.sh >/dev/null; bash scripts/build.sh >/dev/null; }
omsrun=$PWD/build/src/cli/omsrun
[ -x "$omsrun" ] || { echo "$omsrun not built (bash scripts/build.sh)" >&2; exit 1; }

if [ -n "${OMSQL_BENCH_SANDBOX:-}" ]; then
  sandbox=$OMSQL_BENCH_SANDBOX; reuse=1
else
  sandbox=$(mktemp -d /tmp/omsql-verify-bench-XXXXXX); reuse=
  OMSQL_SANDBOX_BUFFER_POOL=${OMSQL_SANDBOX_BUFFER_POOL:-1G} bash scripts/sandbox.sh start "$sandbox" >/dev/null
fi
if [ -n "${OMSQL_BENCH_KEEP:-}" ] || [ -n "$reuse" ]; then
  echo "sandboxes in $sandbox (stop: bash scripts/sandbox.sh stop $sandbox)" >&2
else
  trap 'bash scripts/sandbox.sh stop "$sandbox" >/dev/null 2>&1 || true' EXIT
fi
# shellcheck disable=SC1091
. "$sandbox/env"
src() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" "$@"; }
tgt() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_TGT_PORT" "$@"; }

if [ -z "$reuse" ]; then
  echo "preparing $tables x $rows sysbench rows on the source, copying them with omsrun..." >&2
  src -e "CREATE DATABASE sbtest"
sysbench oltp_read_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root \
  --mysql-db=sbtest --tables="$tables" --table-size="$rows" --threads=2 prepare >/dev/null
cat > "$sandbox/copy.omsql" <<EOF
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE sbtest.* MODE SCHEMA, FULL WITH (parallel = 2);
EOF
"$omsrun" "$sandbox/copy.omsql" --task-dir "$sandbox/copy-task" >/dev/null
fi
# The script verified: the same tables, nothing else (no copy: `omsrun verify` only reads).
cat > "$sandbox/verify.omsql" <<EOF
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE sbtest.* MODE FULL WITH (parallel = 2);
EOF
tlist=$(seq -f 'sbtest.sbtest%g' -s ', ' 1 "$tables")

# Let InnoDB flush the load's dirty pages first: background flushing on a 2-core machine would
# otherwise slow whichever tool runs while it happens.
settle() { # port
  mariadb -h127.0.0.1 -uroot -P"$1" -e "SET GLOBAL innodb_max_dirty_pages_pct = 0"
  for _ in $(seq 1 240); do
    dirty=$(mariadb -h127.0.0.1 -uroot -P"$1" -N -e \
      "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")
    [ "$dirty" -lt 100 ] && break
    sleep 0.5
  done
}
settle "$OMSQL_SRC_PORT"; settle "$OMSQL_TGT_PORT"

# shellcheck disable=SC2086
run_omsql() { "$omsrun" verify "$sandbox/verify.omsql" ${OMSRUN_VERIFY_ARGS:-} >"$sandbox/omsql.out" 2>&1; }
run_pt() {
  pt-table-sync --print --verbose --databases sbtest "h=127.0.0.1,P=$OMSQL_SRC_PORT,u=root" \
    "h=127.0.0.1,P=$OMSQL_TGT_PORT,u=root" >"$sandbox/pt.out" 2>&1
}
run_checksum() {
  src -N -e "CHECKSUM TABLE $tlist EXTENDED" >"$sandbox/checksum.src" &
  tgt -N -e "CHECKSUM TABLE $tlist EXTENDED" >"$sandbox/checksum.tgt"
  wait
}
check() { # tool: what it found must be "nothing"
  case $1 in
    omsql) grep -q '^clean: 0 differences' "$sandbox/omsql.out" || { echo "omsrun verify did not report clean:" >&2; cat "$sandbox/omsql.out" >&2; exit 1; } ;;
    pt) if grep -v '^#' "$sandbox/pt.out" | grep -q .; then echo "pt-table-sync printed statements:" >&2; head "$sandbox/pt.out" >&2; exit 1; fi ;;
    checksum) cmp -s "$sandbox/checksum.src" "$sandbox/checksum.tgt" || { echo "CHECKSUM TABLE differs" >&2; exit 1; } ;;
  esac
}
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

tools=(omsql pt checksum)
for tool in "${tools[@]}"; do "run_$tool" || { echo "$tool failed:" >&2; cat "$sandbox/$tool.out" >&2 2>/dev/null; exit 1; }; check "$tool"; done  # warm-up
declare -A samples
for r in $(seq 1 "$runs"); do
  line="run $r:"
  for tool in "${tools[@]}"; do
    start=$(now)
    "run_$tool" || { echo "$tool failed:" >&2; cat "$sandbox/$tool.out" >&2 2>/dev/null; exit 1; }
    t=$(echo "$(now) - $start" | bc)
    check "$tool"
    samples[$tool]+="$t "
    line+=" $tool ${t}s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
  echo "$line"
done
m() { printf '%s\n' ${samples[$1]} | median; }
omsql=$(m omsql); pt=$(m pt); checksum=$(m checksum)
printf 'rows=%s (%s tables), medians of %s: omsrun verify=%.3fs  pt-table-sync --print=%.3fs  CHECKSUM TABLE=%.3fs\n' \
  "$((tables * rows))" "$tables" "$runs" "$omsql" "$pt" "$checksum"
printf 'ratios: omsrun verify / pt-table-sync = %.2f   omsrun verify / CHECKSUM TABLE = %.2f   (%s cores, %s, load %s)\n' \
  "$(echo "$omsql / $pt" | bc -l)" "$(echo "$omsql / $checksum" | bc -l)" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(cut -d' ' -f1-3 /proc/loadavg)"
grep -i 'server-side\|client-side\|fallback' "$sandbox/omsql.out" >&2 || true
