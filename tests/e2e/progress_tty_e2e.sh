#!/usr/bin/env bash
# The terminal's progress (docs/operations.md, "Watching a run"), on a real terminal: omsrun runs in
# a tmux pane of 60 x 20. During the copy the pane shows the progress table (header, tables,
# total) and no line is wider than the pane (tmux joins wrapped lines with -J, so a line that
# wrapped shows as one wider line); a table name too long for the pane is shortened, never
# wrapped. Once the link is live, one "live: " line shows its state, lag, rate and position, and it
# changes while changes are applied. The pane is then widened to 200 columns (SIGWINCH): the next
# redraw is the full, uncut line.
source "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || fail "tmux is not installed (scripts/install-deps.sh installs it)"

db=e2e_tty
long=a_table_with_a_name_far_too_long_for_a_narrow_terminal
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
src_sql $db -e "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO big SELECT seq, REPEAT('x', 40) FROM seq_1_to_24000;
  CREATE TABLE $long (id INT PRIMARY KEY); INSERT INTO $long SELECT seq FROM seq_1_to_2000;
  CREATE TABLE feed (id INT AUTO_INCREMENT PRIMARY KEY, v INT); ANALYZE TABLE big, $long"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_t"
cat > "$WORK/s.omsql" <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.* MAP $db.* TO ${db}_t.*
  WITH (parallel = 1, batch_rows = 500, max_rows_per_sec = 4000);
EOF2
task="$WORK/task"
# The pane's shell gets what omsrun needs explicitly (a tmux server may keep an older
# environment); omsrun writes the area on stderr, which must be the pane itself: no pipe.
cat > "$WORK/run.sh" <<EOF2
export OMSQL_SRC_PORT=$OMSQL_SRC_PORT OMSQL_TGT_PORT=$OMSQL_TGT_PORT TERM=xterm
"$OMSRUN" "$WORK/s.omsql" --task-dir "$task"
echo \$? > "$WORK/rc"
EOF2
socket="omsql-e2e-$$"
tm() { tmux -L "$socket" -f /dev/null "$@"; }
feeder=""
E2E_CLEANUP='[ -n "$feeder" ] && kill $feeder 2>/dev/null; "$OMSRUN" stop --task "$task" >/dev/null 2>&1; tmux -L "$socket" kill-server 2>/dev/null'
tm new-session -d -s run -x 60 -y 20 "bash $WORK/run.sh; sleep 600"
capture() { tm capture-pane -p -J -t run > "$1"; }
# Every line of the status area in the capture (the table's, the live line) fits `width` columns
# (Python counts code points: the text is ASCII and "…", one column each). Messages above the
# area (the console's address) may wrap: they are printed once, not redrawn.
fits() { # file width
  python3 - "$1" "$2" <<'EOF2'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
area = [l for l in lines if l.startswith(("table ", "total ", "live: ", "…", "e2e_tty."))]
if not area:
    sys.exit("no status area in the capture")
wide = [l for l in area if len(l.rstrip()) > int(sys.argv[2])]
if wide:
    sys.exit("wider than %s: %r" % (sys.argv[2], wide))
EOF2
}

# 1. The copy: the table, in 60 columns, the long name shortened.
for _ in $(seq 1 100); do capture "$WORK/copy.txt"; grep -q "^total" "$WORK/copy.txt" && break; sleep 0.1; done
grep -q "^total" "$WORK/copy.txt" || fail "no progress table on the terminal: $(cat "$WORK/copy.txt")"
cat "$WORK/copy.txt"
fits "$WORK/copy.txt" 60 || fail "a line of the copy's table is wider than the pane"
grep -Eq "^table +rows +% +rows/s +time +ETA$" "$WORK/copy.txt" || fail "the table's header at 60 columns: $(grep ^table "$WORK/copy.txt")"
grep -q "^$db.big " "$WORK/copy.txt" || fail "no line for big"
grep -q "^…" "$WORK/copy.txt" || fail "the long table name is not shortened with …"

# 2. Live: one line, changing while changes are applied.
for _ in $(seq 1 300); do capture "$WORK/live1.txt"; grep -q "^live: " "$WORK/live1.txt" && break; sleep 0.1; done
grep -q "^live: " "$WORK/live1.txt" || fail "no live line on the terminal: $(cat "$WORK/live1.txt")"
( while true; do src_sql $db -e "INSERT INTO feed (v) VALUES (1), (2), (3)"; sleep 0.1; done ) &
feeder=$!
sleep 3
capture "$WORK/live2.txt"
cat "$WORK/live2.txt"
fits "$WORK/live2.txt" 60 || fail "a line of the live pane is wider than the pane"
[ "$(grep -c "^live: " "$WORK/live2.txt")" = 1 ] || fail "not exactly one live line: $(grep "^live: " "$WORK/live2.txt")"
first=$(grep "^live: " "$WORK/live1.txt")
second=$(grep "^live: " "$WORK/live2.txt")
[ "$first" != "$second" ] || fail "the live line did not change while changes were applied: $second"
echo "$second" | grep -Eq "^live: (caught up|catching up), lag [0-9.]+ s" || fail "live line: $second"

# 3. Wider (SIGWINCH): the next redraw is the whole line, uncut.
tm resize-window -t run -x 200 -y 20
sleep 2
capture "$WORK/wide.txt"
fits "$WORK/wide.txt" 200 || fail "a line is wider than 200 columns"
wide=$(grep "^live: " "$WORK/wide.txt" | tail -1)
echo "$wide"
echo "$wide" | grep -Eq "^live: .*, [0-9]+ applied, at [^…]+$" || fail "the live line at 200 columns is cut: $wide"

kill $feeder; feeder=""
"$OMSRUN" stop --task "$task" >/dev/null || fail "stop"
for _ in $(seq 1 100); do [ -f "$WORK/rc" ] && break; sleep 0.1; done
[ "$(cat "$WORK/rc" 2>/dev/null)" = 0 ] || fail "omsrun exit $(cat "$WORK/rc" 2>/dev/null)"
echo "progress on a 60-column terminal: table and live line fit; 200 columns after a resize"
