#!/usr/bin/env bash
# `omsrun bench` runs the full copy once per combination into scratch databases of its own, and
# reports rows/s, MB/s, peak memory and CPU per combination as a table, CSV and JSON. It never
# touches the script's target tables (issue 10 §4: it used to drop and recreate them), drops its
# scratch databases afterwards, and refuses to start when one of them exists already.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_bench; CREATE DATABASE e2e_bench;
            CREATE TABLE e2e_bench.t (id INT PRIMARY KEY, v VARCHAR(40));"
src_sql e2e_bench -e "INSERT INTO t SELECT seq, REPEAT('v', seq % 40) FROM seq_1_to_20000"
# The script's target table exists and holds someone's rows, with another definition.
tgt_sql -e "DROP DATABASE IF EXISTS e2e_bench_t; CREATE DATABASE e2e_bench_t;
            CREATE TABLE e2e_bench_t.t (id INT PRIMARY KEY, keep TEXT); INSERT INTO e2e_bench_t.t VALUES (1, 'not yours')"
before_target=$(fingerprint tgt_sql e2e_bench_t)
before_source=$(fingerprint src_sql e2e_bench)
scratch_left() { tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'omsql\\_bench\\_%\\_e2e\\_bench\\_t'"; }
cat > "$WORK/bench.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_bench.* MAP e2e_bench.* TO e2e_bench_t.*;
EOF2
"$OMSRUN" bench "$WORK/bench.omsql" --vary parallel=1,2 --vary batch_rows=500,5000 \
  --csv "$WORK/bench.csv" --json "$WORK/bench.json" >"$WORK/bench.out" 2>"$WORK/bench.log" || fail "bench failed"
python3 - "$WORK/bench.csv" "$WORK/bench.json" <<'PY' || fail "bench results are wrong"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [(r["parallel"], r["batch_rows"]) for r in rows] == [("1", "500"), ("1", "5000"), ("2", "500"), ("2", "5000")], rows
for r in rows:
    assert int(r["rows"]) == 20000, r
    assert float(r["rows_per_second"]) > 0 and float(r["peak_rss_mb"]) > 0, r
assert len(json.load(open(sys.argv[2]))) == 4
PY
grep -q "into scratch database(s) omsql_bench_[0-9]*_e2e_bench_t on .*the script's target tables are not touched" "$WORK/bench.log" \
  || fail "bench does not say where it copies: $(cat "$WORK/bench.log")"
[ "$(fingerprint tgt_sql e2e_bench_t)" = "$before_target" ] || fail "bench touched the script's target table"
[ "$(fingerprint src_sql e2e_bench)" = "$before_source" ] || fail "bench changed the source"
[ "$(scratch_left)" = 0 ] || fail "scratch database left behind"

# A scratch database that exists already (here: made under the pid the bench will have) is not ours.
export OMSRUN WORK OMSQL_TGT_PORT
expect_refusal 1 bash -c 'mariadb -h127.0.0.1 -uroot -P"$OMSQL_TGT_PORT" -e "CREATE DATABASE omsql_bench_$$_e2e_bench_t;
    CREATE TABLE omsql_bench_$$_e2e_bench_t.t (id INT PRIMARY KEY); INSERT INTO omsql_bench_$$_e2e_bench_t.t VALUES (42)"
  exec "$OMSRUN" bench "$WORK/bench.omsql" --vary parallel=1'
echo "$out" | grep -q "scratch database omsql_bench_[0-9]*_e2e_bench_t already exists; bench only drops databases it created itself" \
  || fail "existing scratch database not refused: $out"
leftover=$(tgt_sql -N -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'omsql\\_bench\\_%\\_e2e\\_bench\\_t'")
[ "$(tgt_sql -N -e "SELECT id FROM \`$leftover\`.t")" = 42 ] || fail "the existing scratch database was touched"
tgt_sql -e "DROP DATABASE \`$leftover\`; DROP DATABASE e2e_bench_t"
src_sql -e "DROP DATABASE e2e_bench"
echo "bench_e2e: ok"
