#!/usr/bin/env bash
# Throwaway MariaDB sandboxes on loopback for omsql tests, the quickstart and benchmarks.
#
#   scripts/sandbox.sh start DIR   start a source (log-bin, ROW/FULL, GTID) and a target under DIR,
#                                  on free ports; writes DIR/env (source it for OMSQL_* variables)
#   scripts/sandbox.sh stop DIR    stop both servers and delete DIR
#   scripts/sandbox.sh restart-source DIR   stop and start the source again (same data and binlog)
#   scripts/sandbox.sh stop-source|start-source|stop-target|start-target|restart-target DIR
#                                  one server down or up again (for fault tests: an outage as long
#                                  as the test wants, between a stop and a start)
#
# Both servers run as root (this project's CI is root), root has no password, and each listens on
# 127.0.0.1 only. A server that is not up within 60 s makes the script fail with its error log.
set -euo pipefail

die() { echo "sandbox: $*" >&2; exit 1; }

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

write_config() { # name port server_id extra...
  local dir=$1 name=$2 port=$3 server_id=$4; shift 4
  cat > "$dir/$name.cnf" <<CNF
[mariadbd]
user=root
datadir=$dir/$name/data
socket=$dir/$name/mysqld.sock
pid-file=$dir/$name/mysqld.pid
log-error=$dir/$name/error.log
tmpdir=$dir/$name/tmp
port=$port
bind-address=127.0.0.1
server-id=$server_id
skip-name-resolve
innodb_buffer_pool_size=${OMSQL_SANDBOX_BUFFER_POOL:-512M}
innodb_log_file_size=256M
innodb_flush_log_at_trx_commit=2
sync_binlog=0
max_connections=500
max_allowed_packet=256M
local_infile=1
character_set_server=utf8mb4
collation_server=utf8mb4_general_ci
CNF
  for line in "$@"; do echo "$line" >> "$dir/$name.cnf"; done
}

start_server() { # dir name
  local dir=$1 name=$2
  local cnf="$dir/$name.cnf"
  if [ ! -d "$dir/$name/data/mysql" ]; then
    mkdir -p "$dir/$name/data" "$dir/$name/tmp"
    # A private TMPDIR: mariadb-install-db's bootstrap has been seen to fail on a busy shared /tmp.
    TMPDIR="$dir/$name/tmp" mariadb-install-db --defaults-file="$cnf" --auth-root-authentication-method=normal \
      --skip-test-db >"$dir/$name/install.log" 2>&1 || { cat "$dir/$name/install.log" >&2; die "install of $name failed"; }
  fi
  mariadbd --defaults-file="$cnf" >>"$dir/$name/stdout.log" 2>&1 &
  local port; port=$(sed -n 's/^port=//p' "$cnf")
  for _ in $(seq 1 600); do
    if mariadb --protocol=tcp -h127.0.0.1 -P"$port" -uroot -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  tail -30 "$dir/$name/error.log" >&2 || true
  die "$name on port $port did not come up"
}

stop_server() { # dir name
  local dir=$1 name=$2
  local pidfile="$dir/$name/mysqld.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: $0 start|stop|restart-source|stop-source|start-source|stop-target|start-target|restart-target DIR"
case "$cmd" in
  start)
    mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
    src_port=$(free_port); tgt_port=$(free_port)
    while [ "$tgt_port" = "$src_port" ]; do tgt_port=$(free_port); done
    write_config "$dir" source "$src_port" 1 \
      "log-bin=$dir/source/binlog/mariadb-bin" "binlog_format=ROW" "binlog_row_image=FULL" \
      "gtid_domain_id=0" "log_slave_updates=1" "expire_logs_days=1" "max_binlog_size=64M"
    write_config "$dir" target "$tgt_port" 2
    mkdir -p "$dir/source/binlog" "$dir/target/binlog"
    start_server "$dir" source & s=$!
    start_server "$dir" target & t=$!
    wait $s; wait $t
    cat > "$dir/env" <<ENV
export OMSQL_SANDBOX_DIR=$dir
export OMSQL_SRC_HOST=127.0.0.1
export OMSQL_SRC_PORT=$src_port
export OMSQL_TGT_HOST=127.0.0.1
export OMSQL_TGT_PORT=$tgt_port
export OMSQL_SRC_USER=root
export OMSQL_TGT_USER=root
ENV
    echo "sandbox: source 127.0.0.1:$src_port, target 127.0.0.1:$tgt_port (env in $dir/env)"
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    stop_server "$dir" source & stop_server "$dir" target & wait
    rm -rf "$dir"
    ;;
  restart-source)
    stop_server "$dir" source; start_server "$dir" source ;;
  restart-target)
    stop_server "$dir" target; start_server "$dir" target ;;
  stop-source|stop-target)
    stop_server "$dir" "${cmd#stop-}" ;;
  start-source|start-target)
    start_server "$dir" "${cmd#start-}" ;;
  *) die "unknown command $cmd" ;;
esac
