# Shared helpers for the end-to-end tests: each test runs the real omsrun against the sandbox
# servers started by scripts/test.sh (OMSQL_SRC_PORT / OMSQL_TGT_PORT).
set -euo pipefail
: "${OMSQL_SRC_PORT:?run the tests through scripts/test.sh, which starts the sandboxes}"
: "${OMSQL_TGT_PORT:?run the tests through scripts/test.sh, which starts the sandboxes}"
OMSRUN=${OMSRUN:?path to omsrun}
SOURCE_ROOT=${OMSQL_SOURCE_ROOT:?}
WORK=$(mktemp -d /tmp/omsql-e2e-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

src_sql() { mariadb --default-character-set=utf8mb4 -h127.0.0.1 -uroot -P"$OMSQL_SRC_PORT" "$@"; }
tgt_sql() { mariadb --default-character-set=utf8mb4 -h127.0.0.1 -uroot -P"$OMSQL_TGT_PORT" "$@"; }
compare() { python3 "$SOURCE_ROOT/scripts/compare_tables.py" --source-port "$OMSQL_SRC_PORT" --target-port "$OMSQL_TGT_PORT" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
