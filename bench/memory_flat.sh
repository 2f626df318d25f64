#!/usr/bin/env bash
# Peak resident memory of `omsrun` copying one table of N rows, for several N: with credit-based
# backpressure it is bounded by parallel x credits x batch size, not by the table.
#
#   bash bench/memory_flat.sh [ROWS...]        (default: 1000000 5000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000000 5000000)
bash scripts/install-deps.sh >/dev/null
bash scripts/build.sh >/dev/null
omsrun=$PWD/build/src/cli/omsrun
sandbox=$(mktemp -d /tmp/omsql-mem-XXXXXX)
trap 'bash scripts/sandbox.sh stop "$sandbox"' EXIT
OMSQL_SANDBOX_BUFFER_POOL=2G bash scripts/sandbox.sh start "$sandbox" >/dev/null
# shellcheck disable=SC1091
. "$sandbox/env"
src() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" "$@"; }
tgt() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_TGT_PORT" "$@"; }
cat > "$sandbox/mem.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE memdb.* MODE SCHEMA, FULL WITH (parallel = 2, credits = 4, batch_rows = 10000, batch_bytes = '4MB');
EOF2
printf '%12s %10s %12s %14s\n' rows seconds rows/s "peak RSS (MB)"
for n in "${sizes[@]}"; do
  src -e "DROP DATABASE IF EXISTS memdb; CREATE DATABASE memdb;
          CREATE TABLE memdb.t (id BIGINT PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL)"
  src memdb -e "INSERT INTO memdb.t SELECT seq, seq % 100000, REPEAT(CHAR(65 + seq % 26), 120), REPEAT('p', 60) FROM seq_1_to_$n"
  tgt -e "DROP DATABASE IF EXISTS memdb"
  rm -rf "$sandbox/task"
  start=$(date +%s.%N)
  /usr/bin/time -v "$omsrun" "$sandbox/mem.omsql" --task-dir "$sandbox/task" >/dev/null 2>"$sandbox/time.log"
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  peak_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$sandbox/time.log")
  [ "$(tgt -N -e 'SELECT COUNT(*) FROM memdb.t')" = "$n" ] || { echo "row count differs for $n" >&2; exit 1; }
  printf '%12d %10.1f %12.0f %14.1f\n' "$n" "$seconds" "$(echo "$n / $seconds" | bc -l)" "$(echo "$peak_kb / 1024" | bc -l)"
done
