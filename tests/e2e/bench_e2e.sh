#!/usr/bin/env bash
# `omsrun bench` runs the full copy once per combination, resetting the target, and reports
# rows/s, MB/s, peak memory and CPU per combination as a table, CSV and JSON.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_bench; CREATE DATABASE e2e_bench;
            CREATE TABLE e2e_bench.t (id INT PRIMARY KEY, v VARCHAR(40));"
src_sql e2e_bench -e "INSERT INTO t SELECT seq, REPEAT('v', seq % 40) FROM seq_1_to_20000"
cat > "$WORK/bench.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_bench.* MAP e2e_bench.* TO e2e_bench_t.*;
EOF2
"$OMSRUN" bench "$WORK/bench.omsql" --vary parallel=1,2 --vary batch_rows=500,5000 \
  --csv "$WORK/bench.csv" --json "$WORK/bench.json" >"$WORK/bench.out" 2>&1 || fail "bench failed"
python3 - "$WORK/bench.csv" "$WORK/bench.json" <<'PY' || fail "bench results are wrong"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [(r["parallel"], r["batch_rows"]) for r in rows] == [("1", "500"), ("1", "5000"), ("2", "500"), ("2", "5000")], rows
for r in rows:
    assert int(r["rows"]) == 20000, r
    assert float(r["rows_per_second"]) > 0 and float(r["peak_rss_mb"]) > 0, r
assert len(json.load(open(sys.argv[2]))) == 4
PY
# The last run left a complete copy behind.
[ "$(tgt_sql -N -e 'SELECT COUNT(*) FROM e2e_bench_t.t')" = 20000 ] || fail "target incomplete after bench"
echo "bench_e2e: ok"
