#!/usr/bin/env bash
# Full copy, side by side, on the same throwaway sandboxes in one run:
#   omsql (omsrun, MODE SCHEMA, FULL)  vs  mydumper | myloader  vs  mariadb-dump | mariadb
# and the target's own LOAD DATA of the same rows from a local file as the ceiling.
# Data: sysbench tables (default 4 x 250k rows). Each tool runs RUNS times (target reset
# between runs); the median wall time is reported with rows/s and the ratios.
#
#   bash bench/full_copy_vs_peers.sh [TABLES] [ROWS_PER_TABLE] [THREADS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
tables=${1:-4}; rows=${2:-250000}; threads=${3:-2}; runs=${4:-3}
bash scripts/install-deps.sh >/dev/null
bash scripts/build.sh >/dev/null
omsrun=$PWD/build/src/cli/omsrun

sandbox=$(mktemp -d /tmp/omsql-bench-XXXXXX)
trap 'bash scripts/sandbox.sh stop "$sandbox"' EXIT
bash scripts/sandbox.sh start "$sandbox" >/dev/null
# shellcheck disable=SC1091
. "$sandbox/env"
src() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" "$@"; }
tgt() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_TGT_PORT" "$@"; }

src -e "CREATE DATABASE sbtest"
sysbench oltp_read_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root \
  --mysql-db=sbtest --tables="$tables" --table-size="$rows" --threads="$threads" prepare >/dev/null
total_rows=$((tables * rows))
reset_target() { tgt -e "DROP DATABASE IF EXISTS sbtest; DROP DATABASE IF EXISTS omsql_meta"; }
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

cat > "$sandbox/bench.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE sbtest.* MODE SCHEMA, FULL WITH (parallel = $threads);
EOF2

declare -A times
run_omsql() {
  rm -rf "$sandbox/task"
  /usr/bin/time -v "$omsrun" "$sandbox/bench.omsql" --task-dir "$sandbox/task" >/dev/null 2>"$sandbox/omsql.time"
}
run_mydumper() {
  rm -rf "$sandbox/dump"
  mydumper -h 127.0.0.1 -P "$OMSQL_SRC_PORT" -u root -B sbtest -t "$threads" -r 20000 -o "$sandbox/dump" >/dev/null 2>&1
  myloader -h 127.0.0.1 -P "$OMSQL_TGT_PORT" -u root -d "$sandbox/dump" -t "$threads" -o >/dev/null 2>&1
}
run_mariadb_dump() {
  mariadb-dump -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" --single-transaction --databases sbtest | tgt
}
# The ceiling: the target loading the same rows from local files it already has (no reading of the
# source, no network), one LOAD DATA per table, tables in parallel, secondary index built after.
for i in $(seq 1 "$tables"); do
  src -N -e "SELECT * FROM sbtest.sbtest$i" > "$sandbox/sbtest$i.tsv"
done
run_load_data() {
  tgt -e "CREATE DATABASE sbtest"
  for i in $(seq 1 "$tables"); do
    src -N -e "SHOW CREATE TABLE sbtest.sbtest$i" | cut -f2 | sed 's/\\n/ /g' | sed 's/KEY `k_[0-9]*` (`k`),\{0,1\}//' \
      | sed 's/, *)/)/' | tgt sbtest
  done
  for i in $(seq 1 "$tables"); do
    tgt --local-infile=1 sbtest -e "LOAD DATA LOCAL INFILE '$sandbox/sbtest$i.tsv' INTO TABLE sbtest$i; ALTER TABLE sbtest$i ADD KEY k_$i (k)" &
    while [ "$(jobs -r | wc -l)" -ge "$threads" ]; do sleep 0.05; done
  done
  wait
}

for tool in omsql mydumper mariadb_dump load_data; do
  samples=()
  for r in $(seq 1 "$runs"); do
    reset_target
    start=$(now)
    "run_$tool"
    samples+=("$(echo "$(now) - $start" | bc)")
    count=$(tgt -N -e "SELECT SUM(TABLE_ROWS) >= 0, (SELECT COUNT(*) FROM sbtest.sbtest1) FROM information_schema.TABLES WHERE TABLE_SCHEMA='sbtest'" | cut -f2)
    [ "$count" = "$rows" ] || { echo "$tool: sbtest1 has $count rows on the target, want $rows" >&2; exit 1; }
  done
  times[$tool]=$(printf '%s\n' "${samples[@]}" | median)
  echo "$tool: runs ${samples[*]} s" >&2
done

peak_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$sandbox/omsql.time")
printf '\nfull copy of %d rows (%d tables x %d), %d threads, median of %d runs\n' "$total_rows" "$tables" "$rows" "$threads" "$runs"
printf '%-22s %10s %12s %10s\n' tool seconds rows/s "vs omsql"
for tool in omsql mydumper mariadb_dump load_data; do
  t=${times[$tool]}
  printf '%-22s %10.2f %12.0f %10.2f\n' "$tool" "$t" "$(echo "$total_rows / $t" | bc -l)" "$(echo "$t / ${times[omsql]}" | bc -l)"
done
printf 'omsrun peak RSS: %s MB\n' "$((peak_kb / 1024))"
printf 'omsql / load_data ceiling: %.2fx the ceiling time\n' "$(echo "${times[omsql]} / ${times[load_data]}" | bc -l)"
