#!/usr/bin/env bash
# The web console in a real browser (Debian's headless Chromium, driven through the DevTools
# protocol by tests/e2e/support/cdp.py): `omsrun console --task` prints its address; ?token= once
# becomes an HttpOnly SameSite=Strict session cookie and is dropped from the address; the page
# shows the copy's tables with real numbers while copying, then the live link with positions and
# a drawn chart; its Pause and Resume buttons change the task. With curl: no token, a wrong
# token, a POST without the CSRF header or from another origin are refused; the token is in no
# page. OMSQL_SCREENSHOTS=DIR also saves console-copy.png and console-live.png there.
source "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || fail "chromium is not installed (scripts/install-deps.sh installs it): the console cannot be tested"
cdp() { timeout 90 python3 "$SOURCE_ROOT/tests/e2e/support/cdp.py" "$@"; }

db=e2e_console
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
src_sql $db -e "CREATE TABLE orders (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO orders SELECT seq, REPEAT('o', 40) FROM seq_1_to_40000;
  CREATE TABLE items (id INT PRIMARY KEY, n INT); INSERT INTO items SELECT seq, 0 FROM seq_1_to_500; ANALYZE TABLE orders, items"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
cat > "$WORK/c.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.*
  WITH (parallel = 1, batch_rows = 1000, max_rows_per_sec = 4000);
EOF2
task="$WORK/task"
"$OMSRUN" "$WORK/c.omsql" --task-dir "$task" >"$WORK/run.log" 2>&1 &
pid=$!
eval "lib_$(declare -f fail)"
fail() { kill "$pid" 2>/dev/null || true; lib_fail "$@"; }
for _ in $(seq 1 100); do [ -f "$task/control.json" ] && break; sleep 0.1; done
url=$("$OMSRUN" console --task "$task") || fail "omsrun console: $url"
read -r port token < <(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(c['port'], c['token'])" "$task/control.json")
[ "$url" = "http://127.0.0.1:$port/?token=$token" ] || fail "console URL: $url"
grep -q "$token" "$WORK/run.log" && fail "the token is in the run's log"
grep -q "console: omsrun console --task $task prints its address" "$WORK/run.log" || fail "omsrun did not say where the console is"
base="http://127.0.0.1:$port"

# --- access, with curl ---
code() { curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@"; }
[ "$(code "$base/")" = 401 ] || fail "GET / without a token"
[ "$(code "$base/?token=$(printf '%064d' 0)")" = 401 ] || fail "GET / with a wrong token"
[ "$(code "$base/status?token=$token")" = 401 ] || fail "?token= opened another route than /"
[ "$(code "$base/?token=$token")" = 303 ] || fail "login: $(cat "$WORK/headers")"
grep -qi "^location: /\s*$" "$WORK/headers" || fail "login does not send the browser to /"
cookie_line=$(grep -i "^set-cookie:" "$WORK/headers" | tr -d '\r')
case "$cookie_line" in *"omsql_session_$port="*"HttpOnly"*"SameSite=Strict"*) ;; *) fail "cookie: $cookie_line" ;; esac
cookie=$(sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/' <<<"$cookie_line")
[ "${cookie#*=}" != "$token" ] || fail "the cookie holds the bearer token"
[ "$(code -H "Cookie: $cookie" "$base/")" = 200 ] || fail "GET / with the cookie"
grep -q "$token" "$WORK/body" && fail "the page holds the token"
grep -qi "^content-security-policy: default-src 'self'" "$WORK/headers" || fail "no CSP on the page"
for asset in /console.js /console.css /dygraph.min.js; do
  [ "$(code -H "Cookie: $cookie" "$base$asset")" = 200 ] || fail "GET $asset"
  grep -q "$token" "$WORK/body" && fail "$asset holds the token"
done
[ "$(code -H "Cookie: $cookie" "$base/session")" = 200 ] || fail "GET /session"
csrf=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['csrf'])" "$WORK/body")
[ "${#csrf}" = 64 ] || fail "no CSRF value: $(cat "$WORK/body")"
[ "$(code -X POST --data '' -H "Cookie: $cookie" "$base/pause")" = 403 ] || fail "POST with the cookie, without CSRF header"
[ "$(code -X POST --data '' -H "Cookie: $cookie" -H "X-Omsql-Csrf: $csrf" -H "Origin: http://evil.example" "$base/pause")" = 403 ] ||
  fail "POST from another origin"
[ "$(code -X POST --data '' -H "Cookie: omsql_session_$port=$(printf '%064d' 1)" -H "X-Omsql-Csrf: $csrf" "$base/pause")" = 401 ] ||
  fail "POST with a made-up session"
"$OMSRUN" status --task "$task" | grep -q "(paused)" && fail "a refused request paused the task"

# --- the page in Chromium, during the copy ---
shots=${OMSQL_SCREENSHOTS:-}
table_row='document.querySelector("#tables tr[data-table=\"'$db'.orders\"]")'
cdp "$url" \
  "until:!!$table_row && Number($table_row.children[2].textContent.replace(/,/g, \"\")) > 0" \
  "eval:location.pathname + location.search" \
  "eval:document.querySelector(\"#phase-timeline li.current\").dataset.phase" \
  "eval:Array.from($table_row.children).map((td) => td.textContent).join(\"|\")" \
  "eval:document.querySelectorAll(\"#tables tbody tr\").length" \
  ${shots:+"shot:$shots/console-copy.png"} \
  >"$WORK/copy.out" || fail "the console did not show the copy: $(cat "$WORK/copy.out")"
cat "$WORK/copy.out"
[ "$(sed -n 1p "$WORK/copy.out")" = '"/"' ] || fail "the token stayed in the address bar"
[ "$(sed -n 2p "$WORK/copy.out")" = '"copy"' ] || fail "timeline phase during the copy"
python3 - "$(sed -n 3p "$WORK/copy.out")" <<'PY' || fail "orders row: $(sed -n 3p "$WORK/copy.out")"
import json, sys
cells = json.loads(sys.argv[1]).split('|')
rows, estimate, percent = int(cells[2].replace(',', '')), int(cells[3].lstrip('~').replace(',', '')), float(cells[4].rstrip('%'))
assert cells[0] == 'e2e_console.orders → e2e_console_t.orders', cells
assert 0 < rows < 40000 and estimate > 30000 and 0 < percent < 100, cells
assert int(cells[5].replace(',', '')) > 0, cells  # rows/s
PY
[ "$(sed -n 4p "$WORK/copy.out")" = 2 ] || fail "table rows in the page"

"$OMSRUN" throttle --task "$task" --rows-per-sec 0 >/dev/null || fail "throttle"
for _ in $(seq 1 300); do grep -q "caught up" "$WORK/run.log" && break; sleep 0.1; done
grep -q "caught up" "$WORK/run.log" || fail "never caught up"
# A write load, so the chart has an apply rate to draw.
(for i in $(seq 1 20); do src_sql $db -e "UPDATE items SET n = n + 1 WHERE id <= 250"; sleep 0.1; done) &
load=$!

# --- the page in Chromium, live: positions, the chart, and its Pause / Resume buttons ---
cdp "$url" \
  "until:document.querySelector(\"#phase-timeline li.current\")?.dataset.phase === \"live\" && Number(document.getElementById(\"chart\").dataset.points) >= 3 && !!document.querySelector(\"#chart canvas\")" \
  "eval:document.getElementById(\"applied-position\").textContent" \
  "eval:Number(document.getElementById(\"chart\").dataset.points)" \
  "eval:document.querySelectorAll(\"#chart canvas\").length" \
  "eval:Array.from(document.querySelector(\"#tables tr[data-table=\\\"$db.orders\\\"]\").children).map((td) => td.textContent).join(\"|\")" \
  ${shots:+"shot:$shots/console-live.png"} \
  "eval:document.getElementById(\"btn-pause\").click()" \
  "until:document.getElementById(\"running\").textContent === \"paused\"" \
  "eval:document.getElementById(\"message\").textContent" \
  >"$WORK/live.out" || fail "the console did not show the live link: $(cat "$WORK/live.out")"
cat "$WORK/live.out"
sed -n 1p "$WORK/live.out" | grep -Eq '^"[^–]+"$' || fail "no applied position in the page"
[ "$(sed -n 2p "$WORK/live.out")" -ge 3 ] || fail "chart points"
[ "$(sed -n 3p "$WORK/live.out")" -ge 1 ] || fail "the chart drew no canvas"
sed -n 4p "$WORK/live.out" | grep -q '|40,000|.*|100%|.*|done"$' || fail "orders not shown done with 40,000 rows"
[ "$(sed -n 6p "$WORK/live.out")" = '"pause: done"' ] || fail "the page's answer to Pause"
"$OMSRUN" status --task "$task" | grep -q "(paused)" || fail "the page's Pause button did not pause the task"
cdp "$url" "until:document.getElementById(\"running\").textContent === \"paused\"" \
  "eval:document.getElementById(\"btn-resume\").click()" \
  "until:document.getElementById(\"running\").textContent === \"running\"" >/dev/null || fail "the page's Resume button"
"$OMSRUN" status --task "$task" | grep -q "(paused)" && fail "still paused after the page's Resume"
wait $load

"$OMSRUN" stop --task "$task" >/dev/null || fail "stop"
wait "$pid" || fail "task exit code $?"
compare --pair $db.items=${db}_t.items || fail "items differ"
echo "console_e2e: ok"
