#!/usr/bin/env bash
# Verification speed: omsql's verifier vs pt-table-sync --print on ROWS identical rows.
#
#   bench/verify_vs_pt_table_sync.sh [ROWS] [BUILD_DIR]     (defaults: 1000000, build-verify)
#
# Starts its own sandboxes (scripts/sandbox.sh) under /tmp/omsql-verify-bench, loads the same
# generated rows into both servers, times the verifier (tests/src/verify/verify_cli: chunk_rows
# 10000, both sides hashed in parallel) and pt-table-sync --print --verbose (its default Chunk
# algorithm, checksums computed by the servers), checks both find nothing, prints the ratio, and
# stops the sandboxes. Each timing is the best of RUNS (default 3) after one warm-up read, the two
# tools alternating; CPU seconds (client + both mariadbd) are printed too, a measure that a busy
# machine disturbs less than wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
BUILD=${2:-build-verify}
RUNS=${RUNS:-3}
DIR=/tmp/omsql-verify-bench
DB=omsql_test_verify_bench

command -v pt-table-sync >/dev/null || { echo "pt-table-sync not found (percona-toolkit)" >&2; exit 1; }
ninja -j1 -C "$BUILD" tests/src/verify/verify_cli >/dev/null
CLI=$BUILD/tests/src/verify/verify_cli

bash scripts/sandbox.sh stop "$DIR" >/dev/null 2>&1 || true
OMSQL_SANDBOX_BUFFER_POOL=${OMSQL_SANDBOX_BUFFER_POOL:-1G} bash scripts/sandbox.sh start "$DIR" >/dev/null
trap 'bash scripts/sandbox.sh stop "$DIR" >/dev/null 2>&1 || true' EXIT
. "$DIR/env"

load() { # port
  mariadb --protocol=tcp -h127.0.0.1 -P"$1" -uroot <<SQL
SET SESSION sql_log_bin = 0;
CREATE DATABASE $DB;
CREATE TABLE $DB.t (
  id INT NOT NULL PRIMARY KEY,
  k INT NOT NULL,
  c CHAR(120) NOT NULL,
  pad VARCHAR(60) NOT NULL,
  amount DECIMAL(12,2),
  ratio DOUBLE,
  created DATETIME,
  note VARCHAR(100) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO $DB.t SELECT seq, seq * 7919 % 1000003, REPEAT(SHA1(seq), 3), SHA1(seq * 3), seq / 100, seq / 7,
  '2024-01-01' + INTERVAL seq SECOND, IF(seq % 10 = 0, NULL, CONCAT('note ', seq)) FROM mysql.seq_1_to_$ROWS;
ANALYZE TABLE $DB.t;
SQL
}
echo "loading $ROWS rows into both sandboxes..."
load "$OMSQL_SRC_PORT" & a=$!
load "$OMSQL_TGT_PORT" & b=$!
wait $a; wait $b

# Let InnoDB flush the load's dirty pages first: background flushing on a 2-core machine would
# otherwise slow whichever tool runs while it happens.
settle() { # port
  mariadb --protocol=tcp -h127.0.0.1 -P"$1" -uroot -e "SET GLOBAL innodb_max_dirty_pages_pct = 0"
  for _ in $(seq 1 240); do
    dirty=$(mariadb --protocol=tcp -h127.0.0.1 -P"$1" -uroot -N -e \
      "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")
    [ "$dirty" -lt 100 ] && break
    sleep 0.5
  done
}
settle "$OMSQL_SRC_PORT"; settle "$OMSQL_TGT_PORT"
SRC_PID=$(cat "$DIR/source/mysqld.pid"); TGT_PID=$(cat "$DIR/target/mysqld.pid")
TICKS=$(getconf CLK_TCK)
server_ticks() { echo $(( $(awk '{print $14+$15}' /proc/$SRC_PID/stat) + $(awk '{print $14+$15}' /proc/$TGT_PID/stat) )); }

VERIFY_CMD=("$CLI" "$OMSQL_SRC_PORT" "$OMSQL_TGT_PORT" "$DB.t" --chunk-rows 10000)
# CHECKSUM TABLE ... EXTENDED on both servers at once: a table-level answer only (no chunks, no rows).
CHECKSUM_CMD=(bash -c "mariadb -h127.0.0.1 -uroot -P$OMSQL_SRC_PORT -N -e 'CHECKSUM TABLE $DB.t EXTENDED' & \
  mariadb -h127.0.0.1 -uroot -P$OMSQL_TGT_PORT -N -e 'CHECKSUM TABLE $DB.t EXTENDED'; wait")
PT_CMD=(pt-table-sync --print --verbose "h=127.0.0.1,P=$OMSQL_SRC_PORT,u=root,D=$DB,t=t" "h=127.0.0.1,P=$OMSQL_TGT_PORT,u=root")
seconds() { # OUTPUT_FILE COMMAND...: runs it, prints "wall_seconds cpu_seconds" (cpu: both servers + client)
  local start end t0 client out=$1
  shift
  t0=$(server_ticks)
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o /tmp/omsql-verify-bench.time "$@" >"$out" 2>&1 ||
    { echo "$1 failed:" >&2; cat /tmp/omsql-verify-bench.verify /tmp/omsql-verify-bench.pt >&2; exit 1; }
  end=$(date +%s.%N)
  client=$(awk '{print $1 + $2}' /tmp/omsql-verify-bench.time)
  echo "$(echo "$end - $start" | bc) $(echo "scale=2; $client + ($(server_ticks) - $t0) / $TICKS" | bc)"
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
verify_all=(); pt_all=(); checksum_all=()

seconds /tmp/omsql-verify-bench.verify "${VERIFY_CMD[@]}" >/dev/null  # warm-up: both buffer pools hold the table
# Alternate the two tools so that a change in machine load hits both alike; keep each one's best.
verify_s=""; pt_s=""; verify_cpu=""; pt_cpu=""; checksum_s=""
for run in $(seq 1 "$RUNS"); do
  read -r v vc < <(seconds /tmp/omsql-verify-bench.verify "${VERIFY_CMD[@]}")
  read -r p pc < <(seconds /tmp/omsql-verify-bench.pt "${PT_CMD[@]}")
  read -r k kc < <(seconds /tmp/omsql-verify-bench.checksum "${CHECKSUM_CMD[@]}")
  echo "run $run: omsql verify ${v}s (cpu ${vc}s), pt-table-sync ${p}s (cpu ${pc}s), CHECKSUM TABLE ${k}s"
  checksum_s=$(min "$checksum_s" "$k")
  verify_all+=("$v"); pt_all+=("$p"); checksum_all+=("$k")
  verify_s=$(min "$verify_s" "$v"); pt_s=$(min "$pt_s" "$p")
  verify_cpu=$(min "$verify_cpu" "$vc"); pt_cpu=$(min "$pt_cpu" "$pc")
done
tail -1 /tmp/omsql-verify-bench.verify | grep -q '^clean' || { echo "verifier found differences" >&2; exit 1; }
if grep -v '^#' /tmp/omsql-verify-bench.pt | grep -q .; then echo "pt-table-sync printed statements" >&2; exit 1; fi

ratio=$(echo "scale=2; $pt_s / $verify_s" | bc)
cpu_ratio=$(echo "scale=2; $pt_cpu / $verify_cpu" | bc)
printf 'rows=%s  omsql verify=%.2fs  pt-table-sync --print=%.2fs  ratio (pt/omsql)=%sx  (best of %s, %s cores, load %s)\n' \
  "$ROWS" "$verify_s" "$pt_s" "$ratio" "$RUNS" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf 'medians of %s runs: omsql verify=%.2fs  pt-table-sync --print=%.2fs  CHECKSUM TABLE=%.2fs  ratio (pt/omsql)=%.2fx\n' \
  "$RUNS" "$(printf '%s\n' "${verify_all[@]}" | median)" "$(printf '%s\n' "${pt_all[@]}" | median)" \
  "$(printf '%s\n' "${checksum_all[@]}" | median)" \
  "$(echo "$(printf '%s\n' "${pt_all[@]}" | median) / $(printf '%s\n' "${verify_all[@]}" | median)" | bc -l)"
printf 'CHECKSUM TABLE EXTENDED on both servers in parallel (whole-table answer, no rows): %.2fs\n' "$checksum_s"
printf 'cpu seconds (client + both servers): omsql verify=%.2f  pt-table-sync=%.2f  ratio=%sx\n' \
  "$verify_cpu" "$pt_cpu" "$cpu_ratio"
