#!/usr/bin/env bash
# Tables created on the source while the link runs join the task (issue 12 §2, docs/operations.md
# "DDL in the live link"): under a sysbench write load, CREATE TABLE in the `MIGRATE e2e_join.*`
# database — plain, LIKE a task table, CREATE ... SELECT with and without a key — is created on the
# target under the MAP's name at its place in the binlog, and the rows written to it after (and a
# CREATE ... SELECT's own rows) reach the target; an ALTER of a joined table is replicated too.
# CREATE TABLE IF NOT EXISTS of a task table changes nothing (MariaDB does not even log it); a table created outside the patterns
# is not created on the target. Once the load stops every table has the source's definition (SHOW
# CREATE TABLE, AUTO_INCREMENT aside) and rows (CHECKSUM TABLE). Then the crash window: kill -9
# after capture recorded a join and before replay created the table (the rerun creates it), and
# after the target table was created but before its checkpoint (the rerun only moves it).
source "$(dirname "$0")/lib.sh"

db=e2e_join
src_sql -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_other; CREATE DATABASE $db; CREATE DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t; DROP DATABASE IF EXISTS ${db}_other"
sb_common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$OMSQL_SRC_PORT" --mysql-user=root
           --mysql-db=$db --tables=1 --table-size=2000)
sysbench oltp_write_only "${sb_common[@]}" prepare >/dev/null

cat > "$WORK/join.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_join.* MAP e2e_join.* TO e2e_join_t.* WITH (parallel = 2);
EOF2
run_args=("$WORK/join.omsql" --task-dir "$WORK/task")
status_field() { "$OMSRUN" status --task "$WORK/task" --json 2>/dev/null |
                   python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))" 2>/dev/null || echo none; }
start_link() {
  "$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(status_field caught_up)" = True ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the task ended before its link caught up"
    sleep 0.1
  done
  fail "the link never caught up"
}
definition() { # sql db table: SHOW CREATE TABLE without AUTO_INCREMENT
  $1 -N -e "SHOW CREATE TABLE \`$2\`.\`$3\`" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'
}
same_table() { # table: definition and rows equal
  [ "$(definition src_sql $db "$1")" = "$(definition tgt_sql ${db}_t "$1" 2>/dev/null)" ] && same_checksum $db.$1 ${db}_t.$1
}
converged() { for t in "$@"; do same_table "$t" || return 1; done; }
wait_converged() { # what table...
  local what=$1; shift
  for _ in $(seq 1 300); do
    converged "$@" && return 0
    [ -z "${pid:-}" ] || kill -0 "$pid" 2>/dev/null || fail "the link ended: $what"
    sleep 0.1
  done
  for t in "$@"; do diff <(definition src_sql $db $t) <(definition tgt_sql ${db}_t $t 2>&1) >&2 || true; done
  fail "the target did not converge: $what"
}
wait_stored() {
  local want; want=$(src_sql -N -e "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
  for _ in $(seq 1 100); do
    python3 - "$want" "$(status_field source_position)" <<'PY' && return 0
import sys
def key(p):
    f, _, o = p.partition(':'); return (f, int(o.split()[0] if o else 0))
try: sys.exit(0 if key(sys.argv[2]) >= key(sys.argv[1]) else 1)
except Exception: sys.exit(1)
PY
    sleep 0.1
  done
  fail "capture did not reach $want"
}
on_target() { tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$1' AND TABLE_NAME = '$2'"; }

start_link
sysbench oltp_write_only "${sb_common[@]}" --threads=2 --rate=200 --time=10 run >"$WORK/sysbench.log" 2>&1 &
load=$!
sleep 1
src_sql $db -e "CREATE TABLE fresh (id INT PRIMARY KEY, note VARCHAR(20) NOT NULL DEFAULT '', KEY k_note (note));
                INSERT INTO fresh SELECT seq, CONCAT('n', seq) FROM seq_1_to_300; UPDATE fresh SET note = 'upd' WHERE id <= 10;
                DELETE FROM fresh WHERE id > 290"
src_sql $db -e "CREATE TABLE liked LIKE sbtest1; INSERT INTO liked SELECT * FROM sbtest1 WHERE id <= 100"
src_sql $db -e "CREATE TABLE picked (PRIMARY KEY (id)) SELECT id, k, c FROM sbtest1 WHERE id <= 200"
src_sql $db -e "CREATE TABLE nokey AS SELECT id, k FROM sbtest1 WHERE id <= 50; INSERT INTO nokey VALUES (1, 1), (1, 1)"
src_sql $db -e "CREATE TABLE IF NOT EXISTS sbtest1 (id INT PRIMARY KEY)"
src_sql -e "CREATE TABLE ${db}_other.outside (id INT PRIMARY KEY); INSERT INTO ${db}_other.outside VALUES (1)"
sleep 0.5
src_sql $db -e "ALTER TABLE fresh ADD COLUMN extra INT NOT NULL DEFAULT 5; UPDATE fresh SET extra = id WHERE id <= 20;
                UPDATE picked SET k = k + 1 WHERE id <= 30; DELETE FROM nokey WHERE id = 2"
kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/run.log"; fail "a CREATE TABLE stopped the link"; }
wait "$load" || { cat "$WORK/sysbench.log"; fail "sysbench failed"; }
wait_converged "after the CREATE TABLEs under load" sbtest1 fresh liked picked nokey
for t in fresh liked picked nokey; do
  grep -q "incremental: CREATE TABLE $db.$t at .*: creating ${db}_t.$t on the target; the table joins the task" "$WORK/run.log" ||
    fail "the replayer did not say $t joined"
done
[ "$(on_target ${db}_other outside)" = 0 ] || fail "a table outside the patterns was created on the target"
[ "$(on_target ${db}_t outside)" = 0 ] || fail "a table outside the patterns was created on the target"
compare --pair $db.fresh=${db}_t.fresh --pair $db.picked=${db}_t.picked || fail "row comparison"
python3 - "$WORK/task/table-set.json" <<'PY' || fail "table-set.json does not record the joined tables"
import json, sys
s = json.load(open(sys.argv[1]))
joined = {tuple(t["source"]) for t in s["tables"] if "joined" in t}
assert joined == {("e2e_join", n) for n in ("fresh", "liked", "picked", "nokey")}, joined
PY

# --- crash after capture recorded a join, before replay created the table ---
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
src_sql $db -e "CREATE TABLE crash1 (id INT PRIMARY KEY, v INT); INSERT INTO crash1 SELECT seq, seq FROM seq_1_to_100;
                UPDATE fresh SET note = 'after-crash1' WHERE id = 1"
wait_stored
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
[ "$(on_target ${db}_t crash1)" = 0 ] || fail "crash1 was created while replay was paused"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the rerun after a captured CREATE failed"
converged sbtest1 fresh liked picked nokey crash1 || fail "the target differs after the rerun (crash1)"

# --- crash after the target table was created, before its checkpoint ---
start_link
"$OMSRUN" pause --task "$WORK/task" >/dev/null || fail "omsrun pause"
src_sql $db -e "CREATE TABLE crash2 (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO crash2 VALUES (1, 'a'), (2, 'b')"
wait_stored
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
tgt_sql ${db}_t -e "$(src_sql -N -e "SHOW CREATE TABLE $db.crash2" | cut -f2-)"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the rerun after a CREATE without its checkpoint failed"
grep -q "already created: the target table is as the statement leaves it" "$WORK/run.log" || fail "the rerun did not see crash2 created"
pid=
wait_converged "after the reruns" sbtest1 fresh liked picked nokey crash1 crash2
echo "sysbench: $(grep -E 'transactions:' "$WORK/sysbench.log" | xargs)"
src_sql -e "DROP DATABASE $db; DROP DATABASE ${db}_other"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_join_e2e: ok"
