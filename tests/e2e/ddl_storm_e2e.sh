#!/usr/bin/env bash
# A small DDL storm (issue 12 §3): 40 rounds of ALTER TABLE ADD/DROP COLUMN and CREATE/DROP INDEX
# interleaved with inserts, updates and deletes on two migrated tables, while omsrun is killed
# with -9 at random moments and started again; a last run with --until caught-up must leave each
# target table with the source's definition (SHOW CREATE TABLE, AUTO_INCREMENT aside) and rows.
source "$(dirname "$0")/lib.sh"

db=e2e_storm
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
for t in s1 s2; do
  src_sql $db -e "CREATE TABLE $t (id INT PRIMARY KEY, a INT NOT NULL DEFAULT 0, note VARCHAR(30));
                  INSERT INTO $t SELECT seq, seq % 13, 'copied' FROM seq_1_to_2000"
done
cat > "$WORK/storm.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_storm.* MAP e2e_storm.* TO e2e_storm_t.* WITH (parallel = 3);
EOF2
run_args=("$WORK/storm.omsql" --task-dir "$WORK/task")

# The storm: each round one DDL on a random table (a column or an index added, or one added
# earlier dropped), then a few writes of the columns every version has.
python3 - "$db" > "$WORK/storm.sql" <<'PY'
import random, sys
db = sys.argv[1]
random.seed()
added = {"s1": [], "s2": []}
indexes = {"s1": [], "s2": []}
out = []
for i in range(1, 41):
    t = random.choice(["s1", "s2"])
    r = random.random()
    if r < 0.35 or not (added[t] or indexes[t]):
        c = f"c{i}"; added[t].append(c)
        out.append(f"ALTER TABLE {t} ADD COLUMN {c} INT NOT NULL DEFAULT {i};")
    elif r < 0.55 and added[t]:
        c = added[t].pop(random.randrange(len(added[t])))
        indexes[t] = [x for x in indexes[t] if x[1] != c]
        out.append(f"ALTER TABLE {t} DROP COLUMN {c};")
    elif r < 0.8:
        col = random.choice(["a", "note"] + added[t])
        ix = f"ix{i}"; indexes[t].append((ix, col))
        out.append(f"CREATE INDEX {ix} ON {t} ({col});" if random.random() < 0.5 else f"ALTER TABLE {t} ADD INDEX {ix} ({col});")
    elif indexes[t]:
        ix, _ = indexes[t].pop(random.randrange(len(indexes[t])))
        out.append(f"DROP INDEX {ix} ON {t};" if random.random() < 0.5 else f"ALTER TABLE {t} DROP INDEX {ix};")
    for _ in range(3):
        u = random.choice(["s1", "s2"]); k = random.randint(1, 2600)
        out.append(random.choice([
            f"REPLACE INTO {u} (id, a, note) VALUES ({k}, {i}, 'r{i}');",
            f"UPDATE {u} SET a = a + 1, note = 'u{i}' WHERE id BETWEEN {k} AND {k + 20};",
            f"DELETE FROM {u} WHERE id = {k};"]))
    out.append("DO SLEEP(0.15);")
print("\n".join(out))
PY
# The storm starts once the link runs (DDL while the task starts, between its catalog read and its
# start position, is not handled: see docs/operations.md).
"$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ "$("$OMSRUN" status --task "$WORK/task" --json 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin).get('caught_up'))" 2>/dev/null)" = True ] && break
  kill -0 "$pid" 2>/dev/null || fail "the first run ended before its link caught up"
  sleep 0.1
done
src_sql $db < "$WORK/storm.sql" &
storm=$!
for window in 1 2 2.5 3; do
  [ "$window" = 1 ] || { "$OMSRUN" "${run_args[@]}" >>"$WORK/run.log" 2>&1 & pid=$!; }
  sleep "$(python3 -c "import random; print(round($window + random.uniform(0, 1.5), 2))")"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
wait "$storm" || fail "the storm's statements failed"
"$OMSRUN" "${run_args[@]}" --until caught-up >>"$WORK/run.log" 2>&1 || fail "the last run after the storm failed"
definition() { $1 -N -e "SHOW CREATE TABLE \`$2\`.\`$3\`" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'; }
for t in s1 s2; do
  if [ "$(definition src_sql $db $t)" != "$(definition tgt_sql ${db}_t $t)" ]; then
    diff <(definition src_sql $db $t) <(definition tgt_sql ${db}_t $t) >&2 || true
    fail "$t: the target definition differs after the storm"
  fi
  same_checksum $db.$t ${db}_t.$t || fail "$t: the target rows differ after the storm"
done
echo "storm: $(grep -cE '^(ALTER|CREATE|DROP)' "$WORK/storm.sql") DDL, $(grep -c "incremental: .* at .*statement(s) on\|does not change" "$WORK/run.log") applied by replay (some twice across kills), $(grep -c "already applied" "$WORK/run.log") found already applied"
src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
echo "ddl_storm_e2e: ok"
