#!/usr/bin/env bash
# The quickstart: installs packages, builds omsql, starts throwaway source and target servers,
# seeds the source with samples/seed/quickstart.sql, runs `omsrun samples/quickstart.omsql`, and
# compares the two sides with the servers' own SQL. The servers are removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh >/dev/null
omsrun=build/src/cli/omsrun

sandbox=$(mktemp -d /tmp/omsql-quickstart-XXXXXX)
trap 'bash scripts/sandbox.sh stop "$sandbox"' EXIT
bash scripts/sandbox.sh start "$sandbox"
# shellcheck disable=SC1091
. "$sandbox/env"
sql() { mariadb --default-character-set=utf8mb4 -h127.0.0.1 -uroot -P"$1" "${@:2}"; }

echo "== seeding the source (shop, crm)"
sql "$OMSQL_SRC_PORT" < samples/seed/quickstart.sql

echo "== omsrun check samples/quickstart.omsql"
$omsrun check samples/quickstart.omsql
echo
echo "== omsrun plan samples/quickstart.omsql"
$omsrun plan samples/quickstart.omsql
echo
echo "== omsrun samples/quickstart.omsql"
task_dir="$sandbox/task"
$omsrun samples/quickstart.omsql --task-dir "$task_dir"
echo
echo "== source vs target, by the servers' own SQL"
python3 scripts/compare_tables.py --source-port "$OMSQL_SRC_PORT" --target-port "$OMSQL_TGT_PORT" \
  --pair shop.customers=shop_v2.customers --pair shop.products=shop_v2.products \
  --pair shop.orders=shop_v2.orders --pair shop.order_items=shop_v2.order_items \
  --pair crm.contacts=crm.contacts --pair crm.events=crm.events \
  --rename shop.orders.amt=amount
