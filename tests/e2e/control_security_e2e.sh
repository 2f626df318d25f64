#!/usr/bin/env bash
# Nobody but the task's owner drives a running task: requests without the token, with a wrong
# token, a foreign Origin or Host, or a GET for a state change are refused and change nothing
# (the link keeps applying); another local user (nobody) can neither read control.json nor get a
# guessed request through; `omsrun stop` ends the task with exit 0 and says it is resumable.
source "$(dirname "$0")/lib.sh"

db=e2e_ctlsec
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, v INT)"
src_sql $db -e "INSERT INTO t SELECT seq, 0 FROM seq_1_to_100"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
cat > "$WORK/sec.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.*;
EOF2
task="$WORK/task"
"$OMSRUN" "$WORK/sec.omsql" --task-dir "$task" >"$WORK/run.log" 2>&1 &
pid=$!
# A failing check must not leave the task running.
eval "lib_$(declare -f fail)"
fail() { kill -9 "$pid" 2>/dev/null || true; lib_fail "$@"; }
for _ in $(seq 1 300); do grep -q "caught up" "$WORK/run.log" && break; sleep 0.1; done
grep -q "caught up" "$WORK/run.log" || fail "link never caught up"

read -r port token < <(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(c['port'], c['token'])" "$task/control.json")
[ "${#token}" = 64 ] || fail "token is not 32 bytes in hex: '$token'"
[ "$(stat -c %a "$task/control.json")" = 600 ] || fail "control.json mode $(stat -c %a "$task/control.json")"
[ "$(stat -c %a "$task")" = 700 ] || fail "task directory mode $(stat -c %a "$task")"
url="http://127.0.0.1:$port"
# code METHOD PATH [curl options...]: the HTTP status of one request.
# POSTs carry an empty body (Content-Length: 0), as HTTP/1.1 clients send; without one the server
# answers 400 whoever asks.
code() {
  local method=$1 path=$2 body=()
  shift 2
  [ "$method" = POST ] && body=(--data '')
  curl -s -o "$WORK/body" -w '%{http_code}' -X "$method" "${body[@]}" "$@" "$url$path"
}
auth=(-H "Authorization: Bearer $token")

# The link still applies: a change on the source reaches the target (so nothing paused or stopped it).
round=0
still_applying() {
  round=$((round + 1))
  src_sql $db -e "UPDATE t SET v = $round WHERE id = 1"
  for _ in $(seq 1 100); do
    [ "$(tgt_sql -N -e "SELECT v FROM ${db}_t.t WHERE id = 1")" = "$round" ] && return 0
    sleep 0.1
  done
  fail "$1: the link stopped applying"
}

[ "$(code GET /status)" = 401 ] || fail "status without token: $(cat "$WORK/body")"
grep -q "token" "$WORK/body" || fail "401 body does not say a token is needed"
[ "$(code POST /pause)" = 401 ] || fail "pause without token"
still_applying "pause without token"
[ "$(code POST /stop)" = 401 ] || fail "stop without token"
[ "$(code POST /pause -H "Authorization: Bearer $(printf '%064d' 0)")" = 401 ] || fail "pause with a wrong token"
[ "$(code POST /pause -H "Authorization: Bearer ${token:0:63}")" = 401 ] || fail "pause with a token prefix"
[ "$(code POST /pause -H "Authorization: Basic $token")" = 401 ] || fail "pause with another scheme"
still_applying "wrong tokens"
[ "$(code POST /pause "${auth[@]}" -H "Origin: http://evil.example")" = 403 ] || fail "pause from a foreign origin"
[ "$(code POST /stop "${auth[@]}" -H "Origin: http://127.0.0.1:1")" = 403 ] || fail "stop from another port's origin"
[ "$(code POST /pause "${auth[@]}" -H "Host: evil.example:$port")" = 403 ] || fail "pause with a rebound Host"
[ "$(code GET /status "${auth[@]}" -H "Host: evil.example:$port")" = 403 ] || fail "status with a rebound Host"
still_applying "foreign Origin and Host"
[ "$(code GET /stop "${auth[@]}")" = 405 ] || fail "GET /stop: $(cat "$WORK/body")"
[ "$(code GET /pause "${auth[@]}")" = 405 ] || fail "GET /pause"
still_applying "GET for state changes"
kill -0 "$pid" 2>/dev/null || fail "the task ended on a refused request"

[ "$(code GET /status "${auth[@]}")" = 200 ] || fail "status with the token"
[ "$(code POST /pause "${auth[@]}" -H "Origin: http://127.0.0.1:$port")" = 200 ] || fail "pause with the token from the own origin"
"$OMSRUN" status --task "$task" | grep -q "(paused)" || fail "status does not say paused"
"$OMSRUN" resume --task "$task" >/dev/null || fail "omsrun resume (reads the token)"
still_applying "after resume"

# Another local user. Only the task directory's own modes stand in the way: $WORK is opened up.
chmod 755 "$WORK"
as_nobody() { su nobody -s /bin/sh -c "$1"; }
as_nobody "cat '$task/control.json'" >/dev/null 2>&1 && fail "nobody read control.json"
out=$(as_nobody "'$OMSRUN' pause --task '$task'" 2>&1) && fail "nobody paused the task"
echo "$out" | grep -q "permission denied" || fail "nobody's pause does not say permission denied: $out"
out=$(as_nobody "'$OMSRUN' status --task '$task'" 2>&1) && fail "nobody read the status"
echo "$out" | grep -q "permission denied" || fail "nobody's status does not say permission denied: $out"
# Even with the directory traversable, control.json itself (0600) keeps the token.
chmod 711 "$task"
as_nobody "cat '$task/control.json'" >/dev/null 2>&1 && fail "nobody read control.json in a traversable directory"
out=$(as_nobody "'$OMSRUN' stop --task '$task'" 2>&1) && fail "nobody stopped the task"
echo "$out" | grep -q "permission denied" || fail "nobody's stop does not say permission denied: $out"
chmod 700 "$task"
for request in "-d '' $url/pause" "-d '' $url/stop" "-d '' -H 'Authorization: Bearer $(printf '%064d' 1)' $url/stop" "$url/status"; do
  status=$(as_nobody "curl -s -o /dev/null -w '%{http_code}' $request")
  [ "$status" = 401 ] || fail "nobody's guessed request ($request) got $status"
done
still_applying "nobody's attempts"
kill -0 "$pid" 2>/dev/null || fail "nobody stopped the task"

out=$("$OMSRUN" stop --task "$task") || fail "omsrun stop"
echo "$out" | grep -q "resumable" || fail "omsrun stop does not say the task is resumable: $out"
wait "$pid" || fail "the stopped task exited $? (expected 0)"
grep -q "resumable" "$WORK/run.log" || fail "the stopped task does not say it is resumable"
[ -e "$task/control.json" ] && fail "control.json left behind"
out=$("$OMSRUN" pause --task "$task" 2>&1) && fail "pause of a stopped task must fail"
echo "$out" | grep -q "not running" || fail "pause of a stopped task does not say it is not running: $out"
echo "control_security_e2e: ok"
