#!/usr/bin/env bash
# Issue 10 §5-§7, the local side: `stop` signals only the omsrun that holds the task's lock (a stale
# lock naming the source's mariadbd must not kill it); a task_dir that is /, a system directory,
# $HOME or someone else's non-empty directory is refused, and a planted lock symlink is not followed;
# a script that is a device, a pipe or over 16 MB is refused at once. Nothing reaches either server.
source "$(dirname "$0")/lib.sh"

db=e2e_rails_local
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, v INT)"
src_sql $db -e "INSERT INTO t SELECT seq, seq FROM seq_1_to_1000"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
before_source=$(fingerprint src_sql $db)
before_target=$(fingerprint tgt_sql ${db}_t)
unchanged() {
  [ "$(fingerprint src_sql $db)" = "$before_source" ] || fail "$1: the source changed"
  [ "$(fingerprint tgt_sql ${db}_t)" = "$before_target" ] || fail "$1: the target changed"
}
cat > "$WORK/local.omsql" <<'EOF2'
SOURCE mysql 'root@127.0.0.1:${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:${OMSQL_TGT_PORT}';
MIGRATE e2e_rails_local.* MAP e2e_rails_local.* TO e2e_rails_local_t.* MODE SCHEMA, FULL;
EOF2

# §7: scripts that never end or are too large: exit 2 at once.
expect_refusal 2 timeout 10 "$OMSRUN" check /dev/zero
echo "$out" | grep -q "^/dev/zero: error: cannot read file: not a regular file$" || fail "/dev/zero: $out"
mkfifo "$WORK/script.fifo"
expect_refusal 2 timeout 10 "$OMSRUN" "$WORK/script.fifo"
echo "$out" | grep -q "script.fifo: error: cannot read file: not a regular file" || fail "fifo: $out"
cp "$WORK/local.omsql" "$WORK/large.omsql"
truncate -s 17M "$WORK/large.omsql"
expect_refusal 2 timeout 10 "$OMSRUN" "$WORK/large.omsql"
echo "$out" | grep -q "large.omsql: error: cannot read file: larger than 16 MB, too large for a script" || fail "17 MB: $out"
unchanged "scripts"

# §6: task directories that are not omsrun's to use.
mkdir -p "$WORK/home" "$WORK/project/src"
echo "my notes" >"$WORK/project/README"
project_before=$(ls -la "$WORK/project")
for dir in / /etc /usr /var /tmp /proc "$WORK/home"; do
  expect_refusal 1 env HOME="$WORK/home" "$OMSRUN" "$WORK/local.omsql" --task-dir "$dir"
  echo "$out" | grep -q "is a system or home directory" || fail "task dir $dir not refused: $out"
done
expect_refusal 1 "$OMSRUN" "$WORK/local.omsql" --task-dir "$WORK/project"
echo "$out" | grep -q "task directory $WORK/project is not empty and holds no omsql task" || fail "foreign dir: $out"
[ "$(ls -la "$WORK/project")" = "$project_before" ] || fail "the foreign directory was written into"
# A task directory with a lock symlink planted in it: not followed, its target intact.
mkdir -p "$WORK/planted"
echo '{}' >"$WORK/planted/state.json"
echo "precious" >"$WORK/victim"
ln -s "$WORK/victim" "$WORK/planted/lock"
expect_refusal 1 "$OMSRUN" "$WORK/local.omsql" --task-dir "$WORK/planted"
echo "$out" | grep -q "planted/lock is a symbolic link: refusing to follow it" || fail "planted lock: $out"
[ "$(cat "$WORK/victim")" = precious ] || fail "the symlink's target was overwritten"
expect_refusal 1 "$OMSRUN" stop --task "$WORK/planted"
[ "$(cat "$WORK/victim")" = precious ] || fail "stop followed the symlink"
unchanged "task directories"

# §5: a stale lock naming the source's mariadbd: not signalled, "task is not running".
mariadbd_pid=$(cat "$(src_sql -N -e 'SELECT @@pid_file')")
kill -0 "$mariadbd_pid" || fail "cannot find the source server's pid"
mkdir -p "$WORK/stale"
echo '{"phase": "full"}' >"$WORK/stale/state.json"
echo "$mariadbd_pid" >"$WORK/stale/lock"
expect_refusal 1 "$OMSRUN" stop --task "$WORK/stale"
echo "$out" | grep -q "task is not running" || fail "stale lock: $out"
sleep 0.5
kill -0 "$mariadbd_pid" || fail "omsrun stop killed the source server"
# Held, but by a process that is not omsrun (a python holding the flock): not signalled either.
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(60)' \
  "$WORK/stale/lock" "$WORK/held" &
holder=$!
for _ in $(seq 1 100); do [ -e "$WORK/held" ] && break; sleep 0.1; done
expect_refusal 1 "$OMSRUN" stop --task "$WORK/stale"
echo "$out" | grep -q "is held by process $holder (.*python3[^)]*), which is not omsrun: not signalled" || fail "foreign holder: $out"
kill -0 "$holder" || fail "the lock's holder was signalled"
kill "$holder"
wait "$holder" 2>/dev/null || true
src_sql -N -e "SELECT 1" >/dev/null || fail "the source server is gone"
unchanged "stop"
src_sql -e "DROP DATABASE $db"
echo "safety_local_e2e: ok"
