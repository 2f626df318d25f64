#!/usr/bin/env bash
# Incremental apply, side by side on one machine in one run: omsql's replayer vs native MariaDB
# replication (slave_parallel_threads = THREADS, optimistic mode), catching up the same backlog.
#
#   1. source with sysbench tables; omsql copies them and catches up (--until caught-up);
#   2. a second target is loaded with a dump taken at the same moment and set up as a native
#      replica (not started);
#   3. sysbench oltp_write_only writes for SECONDS with both followers stopped: the backlog;
#   4. each follower catches up alone and is timed: transactions/s applied.
#
# Steps 3-4 repeat RUNS times (a fresh backlog each time); the medians are reported.
#
#   bash bench/incremental_vs_replica.sh [TABLES] [ROWS] [SECONDS] [THREADS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
tables=${1:-4}; rows=${2:-50000}; seconds=${3:-20}; threads=${4:-4}; runs=${5:-3}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
bash scripts/install-deps.sh >/dev/null
bash scripts/build.sh >/dev/null
omsrun=$PWD/build/src/cli/omsrun
a=$(mktemp -d /tmp/omsql-inc-a-XXXXXX); b=$(mktemp -d /tmp/omsql-inc-b-XXXXXX)
trap 'bash scripts/sandbox.sh stop "$a"; bash scripts/sandbox.sh stop "$b"' EXIT
bash scripts/sandbox.sh start "$a" >/dev/null
bash scripts/sandbox.sh start "$b" >/dev/null
# shellcheck disable=SC1091
. "$a/env"
replica_port=$(sed -n 's/^export OMSQL_TGT_PORT=//p' "$b/env")
src() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" "$@"; }
tgt() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_TGT_PORT" "$@"; }
rep() { mariadb -h127.0.0.1 -uroot -P"$replica_port" "$@"; }
now() { date +%s.%N; }

src -e "CREATE DATABASE sbtest"
sb=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root --mysql-db=sbtest
    --tables="$tables" --table-size="$rows")
sysbench oltp_write_only "${sb[@]}" --threads=2 prepare >/dev/null

cat > "$a/inc.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE sbtest.* WITH (parallel = $threads);
EOF2
"$omsrun" "$a/inc.omsql" --task-dir "$a/task" --until caught-up >/dev/null 2>&1

# The native replica starts from a dump of the same moment (no writes run now).
mariadb-dump -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" --single-transaction --gtid --master-data=1 --databases sbtest \
  > "$b/dump.sql"
rep -e "SET GLOBAL slave_parallel_threads = $threads, GLOBAL slave_parallel_mode = 'optimistic'"
rep < "$b/dump.sql"
gtid=$(sed -n "s/.*SET GLOBAL gtid_slave_pos='\([^']*\)'.*/\1/p" "$b/dump.sql" | head -1)
rep -e "SET GLOBAL gtid_slave_pos = '$gtid'; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$OMSQL_SRC_PORT,
        MASTER_USER='root', MASTER_USE_GTID=slave_pos"

native_runs=(); omsql_runs=(); transaction_runs=()
for run in $(seq 1 "$runs"); do
  echo "run $run: backlog of sysbench oltp_write_only, ${seconds}s, 4 threads, both followers stopped" >&2
  sysbench oltp_write_only "${sb[@]}" --threads=4 --time="$seconds" run > "$a/sysbench.log"
  transactions=$(sed -n 's/.*transactions: *\([0-9]*\).*/\1/p' "$a/sysbench.log")
  end_gtid=$(src -N -e "SELECT @@gtid_binlog_pos")

  start=$(now)
  rep -e "START SLAVE"
  until [ "$(rep -N -e "SELECT @@gtid_slave_pos")" = "$end_gtid" ]; do sleep 0.05; done
  native=$(echo "$(now) - $start" | bc)
  rep -e "STOP SLAVE"

  start=$(now)
  "$omsrun" "$a/inc.omsql" --task-dir "$a/task" --until caught-up >/dev/null 2>"$a/omsql.log"
  omsql=$(echo "$(now) - $start" | bc)
  echo "run $run: $transactions transactions, native ${native}s, omsql ${omsql}s" >&2
  native_runs+=("$(echo "$transactions / $native" | bc -l)")
  omsql_runs+=("$(echo "$transactions / $omsql" | bc -l)")
  transaction_runs+=("$transactions")
done
native_rate=$(printf '%s\n' "${native_runs[@]}" | median)
omsql_rate=$(printf '%s\n' "${omsql_runs[@]}" | median)
transactions=$(printf '%s\n' "${transaction_runs[@]}" | median)

python3 scripts/compare_tables.py --source-port "$OMSQL_SRC_PORT" --target-port "$OMSQL_TGT_PORT" \
  $(for i in $(seq 1 "$tables"); do echo --pair sbtest.sbtest$i=sbtest.sbtest$i; done) >/dev/null \
  || { echo "omsql target differs from source" >&2; exit 1; }
python3 scripts/compare_tables.py --source-port "$OMSQL_SRC_PORT" --target-port "$replica_port" \
  $(for i in $(seq 1 "$tables"); do echo --pair sbtest.sbtest$i=sbtest.sbtest$i; done) >/dev/null \
  || { echo "native replica differs from source" >&2; exit 1; }

printf '\ncatch-up of a backlog of ~%d sysbench write transactions (%d tables x %d rows), %d apply threads, median of %d runs\n' \
  "$transactions" "$tables" "$rows" "$threads" "$runs"
printf '%-32s %14s\n' follower "transactions/s"
printf '%-32s %14.0f\n' "native replica (parallel $threads)" "$native_rate"
printf '%-32s %14.0f\n' "omsql ($threads apply lanes)" "$omsql_rate"
printf 'omsql apply rate / native: %.2f\n' "$(echo "$omsql_rate / $native_rate" | bc -l)"
