#!/usr/bin/env bash
# Issue 10 §1: SOURCE and TARGET on one server. With on_exists = 'truncate' this emptied the source
# table. Refused in pre-flight, before anything is written, whether the endpoints are the same
# text or the target is reached through a port forward (the servers' identities decide); allowed
# into other databases only with same_server = 'allow', and never into a source table of the task.
source "$(dirname "$0")/lib.sh"

db=e2e_same
src_sql -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_copy; CREATE DATABASE $db;
            CREATE TABLE $db.a (id INT PRIMARY KEY, v VARCHAR(20)); CREATE TABLE $db.b (id INT PRIMARY KEY, v INT)"
src_sql $db -e "INSERT INTO a SELECT seq, CONCAT('row ', seq) FROM seq_1_to_3000; INSERT INTO b SELECT seq, seq FROM seq_1_to_500"
before_source=$(fingerprint src_sql $db ${db}_copy omsql_meta)
before_source_tables=$(fingerprint src_sql $db omsql_meta)
before_target=$(fingerprint tgt_sql $db ${db}_copy)
unchanged() {
  [ "$(fingerprint src_sql $db ${db}_copy omsql_meta)" = "$before_source" ] || fail "$1: the source server changed"
  [ "$(fingerprint tgt_sql $db ${db}_copy)" = "$before_target" ] || fail "$1: the target server changed"
}

# 1. The same endpoint twice.
cat > "$WORK/same.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
MIGRATE e2e_same.* WITH (on_exists = truncate);
EOF2
expect_refusal 1 "$OMSRUN" "$WORK/same.omsql" --task-dir "$WORK/task1"
echo "$out" | grep -q "are the same server (the same host and port)" || fail "no same-server error: $out"
echo "$out" | grep -q "pre-flight failed: nothing was written" || fail "not refused in pre-flight: $out"
unchanged "same endpoint"

# 2. The same server through a TCP port forward: different endpoints, one server.
cat > "$WORK/forward.py" <<'PY'
import socket, sys, threading
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(listener.getsockname()[1], flush=True)
def pump(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
while True:
    client, _ = listener.accept()
    server = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    threading.Thread(target=pump, args=(client, server), daemon=True).start()
    threading.Thread(target=pump, args=(server, client), daemon=True).start()
PY
timeout 120 python3 "$WORK/forward.py" "$OMSQL_SRC_PORT" >"$WORK/forward.port" &
forwarder=$!
for _ in $(seq 1 50); do [ -s "$WORK/forward.port" ] && break; sleep 0.1; done
export E2E_FORWARD_PORT=$(cat "$WORK/forward.port")
[ -n "$E2E_FORWARD_PORT" ] || fail "port forward did not start"
cat > "$WORK/forward.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${E2E_FORWARD_PORT}';
MIGRATE e2e_same.* WITH (on_exists = truncate);
EOF2
expect_refusal 1 "$OMSRUN" "$WORK/forward.omsql" --task-dir "$WORK/task2"
echo "$out" | grep -q "root@127.0.0.1:$OMSQL_SRC_PORT and target root@127.0.0.1:$E2E_FORWARD_PORT are the same server (hostname .*, port $OMSQL_SRC_PORT, datadir " \
  || fail "forwarded target not recognised as the source: $out"
expect_refusal 1 "$OMSRUN" check "$WORK/forward.omsql"
echo "$out" | grep -q "error: .* are the same server" || fail "check does not report the same server: $out"
unchanged "port forward"

# 3. same_server = 'allow' still refuses a target table that is a source table of the task.
cat > "$WORK/allow_self.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${E2E_FORWARD_PORT}';
MIGRATE e2e_same.* MAP e2e_same.a TO e2e_same.b MAP e2e_same.b TO e2e_same_copy.b
  WITH (on_exists = truncate, same_server = allow);
EOF2
expect_refusal 1 "$OMSRUN" "$WORK/allow_self.omsql" --task-dir "$WORK/task3"
echo "$out" | grep -q "target table e2e_same.b (from e2e_same.a) is a source table of this task on the same server" \
  || fail "a source table as target not refused: $out"
unchanged "allow into a source table"
kill "$forwarder" 2>/dev/null || true

# 4. same_server = 'allow' into other databases: copied, the source unchanged.
cat > "$WORK/allow.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
MIGRATE e2e_same.* MAP e2e_same.* TO e2e_same_copy.* MODE SCHEMA, FULL WITH (same_server = allow);
EOF2
"$OMSRUN" "$WORK/allow.omsql" --task-dir "$WORK/task4" >"$WORK/allow.log" 2>&1 || fail "allowed same-server copy failed"
[ "$(fingerprint src_sql $db omsql_meta)" = "$before_source_tables" ] || fail "source tables changed"
for t in a b; do
  [ "$(src_sql -N -e "CHECKSUM TABLE $db.$t" | cut -f2)" = "$(src_sql -N -e "CHECKSUM TABLE ${db}_copy.$t" | cut -f2)" ] \
    || fail "copy of $t differs"
done
src_sql -e "DROP DATABASE $db; DROP DATABASE ${db}_copy"
echo "safety_same_server_e2e: ok"
