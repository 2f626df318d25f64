#!/usr/bin/env bash
# The lag a replicated DDL adds to the live link (issue 12: "a benchmark of the lag added by a DDL
# barrier under load"). One run, same servers, same load, two phases of SECONDS each:
#
#   baseline  sysbench oltp_write_only at RATE transactions/s on 2 tables, no DDL;
#   ddl       the same load, and every INTERVAL seconds one ALTER of a task table (alternately
#             ADD COLUMN, ADD INDEX, DROP INDEX, DROP COLUMN, so each is applied at its barrier:
#             every lane flushes and checkpoints, the statement runs on the target, then the lanes
#             go on).
#
# The link's lag (`omsrun status --json` lag_seconds: the age of the oldest change not yet
# applied) is sampled every 0.2 s in both phases; p50 / p99 / max are printed per phase, with the
# number of barriers passed. Both phases end with the target equal to the source (checked).
#
#   bash bench/ddl_barrier_lag.sh [ROWS] [RATE] [SECONDS] [INTERVAL]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-50000}; rate=${2:-300}; seconds=${3:-20}; interval=${4:-2}
bash scripts/install-deps.sh >/dev/null
bash scripts/build.sh >/dev/null
omsrun=$PWD/build/src/cli/omsrun
sb_dir=$(mktemp -d /tmp/omsql-ddl-lag-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; bash scripts/sandbox.sh stop "$sb_dir"' EXIT
bash scripts/sandbox.sh start "$sb_dir" >/dev/null
# shellcheck disable=SC1091
. "$sb_dir/env"
src() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" "$@"; }
tgt() { mariadb -h127.0.0.1 -uroot -P"$OMSQL_TGT_PORT" "$@"; }

src -e "CREATE DATABASE sbtest"
sb=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root --mysql-db=sbtest
    --tables=2 --table-size="$rows")
sysbench oltp_write_only "${sb[@]}" --threads=2 prepare >/dev/null
cat > "$sb_dir/lag.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE sbtest.* WITH (parallel = 4);
EOF2
"$omsrun" "$sb_dir/lag.omsql" --task-dir "$sb_dir/task" >"$sb_dir/run.log" 2>&1 &
pid=$!
field() { "$omsrun" status --task "$sb_dir/task" --json 2>/dev/null |
          python3 -c "import json,sys; v=json.load(sys.stdin).get('$1'); print('' if v is None else v)" 2>/dev/null || true; }
for _ in $(seq 1 600); do [ "$(field caught_up)" = True ] && break; sleep 0.2; done
[ "$(field caught_up)" = True ] || { tail "$sb_dir/run.log"; echo "the link did not catch up" >&2; exit 1; }

equal() {
  for t in sbtest1 sbtest2; do
    [ "$(src -N -e "CHECKSUM TABLE sbtest.$t EXTENDED" | cut -f2)" = "$(tgt -N -e "CHECKSUM TABLE sbtest.$t EXTENDED" | cut -f2)" ] || return 1
  done
}
# Runs the load for SECONDS, sampling the lag into FILE; with DDL, one ALTER every INTERVAL s.
phase() { # name with_ddl
  local name=$1 with_ddl=$2 file="$sb_dir/lag.$1" load n=0 next
  : > "$file"
  sysbench oltp_write_only "${sb[@]}" --threads=4 --rate="$rate" --time="$seconds" run >"$sb_dir/sysbench.$name" 2>&1 &
  load=$!
  next=$(date +%s.%N)
  while kill -0 "$load" 2>/dev/null; do
    field lag_seconds >> "$file"
    if [ "$with_ddl" = 1 ] && [ "$(echo "$(date +%s.%N) >= $next" | bc)" = 1 ]; then
      n=$((n + 1))
      case $((n % 4)) in
        1) src -e "ALTER TABLE sbtest.sbtest1 ADD COLUMN extra$n INT NULL" ;;
        2) src -e "ALTER TABLE sbtest.sbtest1 ADD INDEX k_pad_$n (pad)" ;;
        3) src -e "ALTER TABLE sbtest.sbtest1 DROP INDEX k_pad_$((n - 1))" ;;
        0) src -e "ALTER TABLE sbtest.sbtest1 DROP COLUMN extra$((n - 3))" ;;
      esac
      next=$(echo "$next + $interval" | bc)
    fi
    sleep 0.2
  done
  wait "$load" || { cat "$sb_dir/sysbench.$name"; echo "sysbench failed" >&2; exit 1; }
  for _ in $(seq 1 300); do equal && break; sleep 0.2; done
  equal || { echo "$name: the target differs from the source" >&2; exit 1; }
  kill -0 "$pid" 2>/dev/null || { tail "$sb_dir/run.log"; echo "the link stopped" >&2; exit 1; }
  echo "$n" > "$sb_dir/ddl.$name"
}
phase baseline 0
phase ddl 1
barriers=$(grep -c "incremental: ALTER TABLE .* at .*" "$sb_dir/run.log" || true)

stats() { # file -> "p50 p99 max samples"
  python3 - "$1" <<'PY'
import sys
v = sorted(float(x) for x in open(sys.argv[1]) if x.strip())
if not v:
    print("- - - 0"); sys.exit()
q = lambda p: v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
print(f"{q(0.5):.2f} {q(0.99):.2f} {v[-1]:.2f} {len(v)}")
PY
}
tps() { sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p' "$sb_dir/sysbench.$1"; }
printf '\nlive-link lag under sysbench oltp_write_only (2 tables x %d rows, 4 threads, --rate=%d), %d s per phase, lag sampled every 0.2 s\n' \
  "$rows" "$rate" "$seconds"
printf '%-10s %8s %10s %8s %8s %8s %8s\n' phase DDLs "source tx/s" "p50 s" "p99 s" "max s" samples
for p in baseline ddl; do
  read -r p50 p99 max n <<<"$(stats "$sb_dir/lag.$p")"
  printf '%-10s %8s %10s %8s %8s %8s %8s\n' "$p" "$(cat "$sb_dir/ddl.$p")" "$(tps "$p")" "$p50" "$p99" "$max" "$n"
done
echo "barriers applied by the link: $barriers; target equal to the source after each phase"
