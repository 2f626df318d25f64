#!/usr/bin/env bash
# Schema objects under a MAP of the database (issue 13 §1-3): views (one over another), a trigger, a
# procedure, a function, an event, a sequence and a system-versioned table. `check` names each
# object's fate; the run creates them after the data (the trigger not firing on copied rows, the
# event DISABLED, the sequence at the source's next value); with INCREMENTAL the trigger waits for
# `omsrun finish`, so replayed changes do not fire it twice, and the task cannot run after it; an
# object the target refuses makes the run exit 1 and `finish` creates it once the cause is fixed.
source "$(dirname "$0")/lib.sh"

src_sql -e "DROP DATABASE IF EXISTS e2e_obj; CREATE DATABASE e2e_obj CHARACTER SET utf8mb4"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_obj_v2; DROP DATABASE IF EXISTS e2e_obj_v3"
src_sql e2e_obj <<'SQL'
CREATE TABLE film (id INT PRIMARY KEY, title VARCHAR(50) NOT NULL, rating ENUM('G','PG','R') NOT NULL);
CREATE TABLE film_log (id INT AUTO_INCREMENT PRIMARY KEY, film_id INT NOT NULL, note VARCHAR(30));
CREATE TABLE hist (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING;
CREATE SEQUENCE ticket START WITH 100 INCREMENT BY 5;
CREATE VIEW v_film AS SELECT id, title, rating FROM film;
CREATE VIEW v_film_g AS SELECT id, title FROM e2e_obj.v_film WHERE rating = 'G';
CREATE TRIGGER film_ai AFTER INSERT ON film FOR EACH ROW INSERT INTO film_log (film_id, note) VALUES (NEW.id, 'added');
CREATE FUNCTION film_count(r VARCHAR(2)) RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM film WHERE rating = r);
CREATE PROCEDURE add_film(i INT, t VARCHAR(50)) MODIFIES SQL DATA INSERT INTO e2e_obj.film VALUES (i, t, 'G');
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY STARTS '2035-01-01 00:00:00' DO DELETE FROM film_log WHERE note = 'old';
INSERT INTO film SELECT seq, CONCAT('film ', seq), ELT(1 + seq % 3, 'G', 'PG', 'R') FROM seq_1_to_300;
INSERT INTO hist VALUES (1, 1), (2, 2);
UPDATE hist SET v = 10 WHERE id = 1;
SQL
src_sql -N -e "SELECT NEXTVAL(e2e_obj.ticket), NEXTVAL(e2e_obj.ticket)" > /dev/null
[ "$(src_sql -N -e "SELECT COUNT(*) FROM e2e_obj.film_log")" = 300 ] || fail "source trigger did not fill film_log"

script() { # target-database mode
  cat <<EOF2
SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE e2e_obj.*
  MAP e2e_obj.* TO $1.*
  MODE $2;
EOF2
}
script e2e_obj_v2 "SCHEMA, FULL" > "$WORK/objects.omsql"

# Naming the system-versioned table says why it matches no table.
printf "SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';\nTARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';\nMIGRATE e2e_obj.hist MODE SCHEMA, FULL;\n" > "$WORK/hist.omsql"
expect_refusal 2 "$OMSRUN" check "$WORK/hist.omsql"
grep -q "e2e_obj.hist (SYSTEM VERSIONED), which are not migrated as tables" <<<"$out" || fail "versioned table not named: $out"

# The compatibility report: each object and its fate, counts at the end.
"$OMSRUN" check "$WORK/objects.omsql" > "$WORK/check.log" 2>&1 || fail "check exited $?"
expect_line() { grep -qxF -- "$1" "$WORK/check.log" || fail "check lacks line: $1"; }
definer="DEFINER becomes the target user (definer = 'keep' keeps it)"
expect_line "object: table e2e_obj.film -> e2e_obj_v2.film: exact"
expect_line "object: table e2e_obj.film_log -> e2e_obj_v2.film_log: exact"
expect_line "object: sequence e2e_obj.ticket -> e2e_obj_v2.ticket: exact (next value set from the source after the copy)"
expect_line "object: function e2e_obj.film_count -> e2e_obj_v2.film_count: changed ($definer)"
expect_line "object: procedure e2e_obj.add_film -> e2e_obj_v2.add_film: changed (references follow the MAP; $definer)"
expect_line "object: view e2e_obj.v_film -> e2e_obj_v2.v_film: changed (references follow the MAP; $definer)"
expect_line "object: view e2e_obj.v_film_g -> e2e_obj_v2.v_film_g: changed (references follow the MAP; $definer)"
expect_line "object: trigger e2e_obj.film_ai -> e2e_obj_v2.film_ai: changed ($definer)"
expect_line "object: event e2e_obj.nightly -> e2e_obj_v2.nightly: changed ($definer; created DISABLED: it would write on the target; ALTER EVENT ... ENABLE at cut-over)"
expect_line "object: system-versioned table e2e_obj.hist: not migrated (history rows cannot be written on MariaDB before 11.3; copy it by hand or drop versioning)"
grep -qE "^object: users and grants [0-9]+ account\(s\) on the source: not migrated \(accounts and GRANTs are not migrated: create them on the target\)$" "$WORK/check.log" || fail "no users line"
expect_line "objects: 3 exact, 6 changed, 2 not migrated"
# Views come after the views they select from.
[ "$(grep -n "^object: view" "$WORK/check.log" | cut -d: -f3-)" = " view e2e_obj.v_film -> e2e_obj_v2.v_film: changed (references follow the MAP; $definer)
 view e2e_obj.v_film_g -> e2e_obj_v2.v_film_g: changed (references follow the MAP; $definer)" ] || fail "view order"

"$OMSRUN" "$WORK/objects.omsql" --task-dir "$WORK/task" > "$WORK/run.log" 2>&1 || fail "omsrun exited $?"
grep -q "^objects: trigger e2e_obj.film_ai -> e2e_obj_v2.film_ai: changed (.*) \[created\]$" "$WORK/run.log" || fail "trigger not reported created"
grep -q "^objects: system-versioned table e2e_obj.hist: not migrated" "$WORK/run.log" || fail "versioned table not reported by the run"
! grep -q "^objects: error" "$WORK/run.log" || fail "an object failed: $(grep '^objects: error' "$WORK/run.log")"

counts() { # sql db
  for view in VIEWS TRIGGERS ROUTINES EVENTS; do
    local col=TABLE_SCHEMA
    case $view in TRIGGERS) col=TRIGGER_SCHEMA ;; ROUTINES) col=ROUTINE_SCHEMA ;; EVENTS) col=EVENT_SCHEMA ;; esac
    echo "$view $($1 -N -e "SELECT COUNT(*) FROM information_schema.$view WHERE $col = '$2'")"
  done
  echo "SEQUENCES $($1 -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$2' AND TABLE_TYPE = 'SEQUENCE'")"
}
[ "$(counts src_sql e2e_obj)" = "$(counts tgt_sql e2e_obj_v2)" ] || fail "object counts differ: $(counts src_sql e2e_obj) vs $(counts tgt_sql e2e_obj_v2)"
# Data equal, and the trigger did not fire on the copied rows (film_log would have 600).
compare --pair e2e_obj.film=e2e_obj_v2.film --pair e2e_obj.film_log=e2e_obj_v2.film_log || fail "tables differ"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'e2e_obj_v2' AND TABLE_NAME = 'hist'")" = 0 ] || fail "versioned table created"
# Definitions reference the MAP-ed database, never the source's.
tgt_sql -N -e "SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'e2e_obj_v2' AND TABLE_NAME = 'v_film_g'" | grep -q '`e2e_obj_v2`.`v_film`' || fail "view not over the MAP-ed view"
! tgt_sql -N -e "SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'e2e_obj_v2' UNION ALL SELECT ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'e2e_obj_v2'" | grep -q '`e2e_obj`\|e2e_obj\.' || fail "a definition references the source database"
[ "$(tgt_sql -N -e "SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'e2e_obj_v2'")" = DISABLED ] || fail "event not DISABLED"
# The sequence continues past every value the source handed out or cached.
src_next=$(src_sql -N -e "SELECT next_not_cached_value FROM e2e_obj.ticket")
[ "$(tgt_sql -N -e "SELECT NEXTVAL(e2e_obj_v2.ticket)")" = "$src_next" ] || fail "sequence not at the source's next value $src_next"
# The objects work on the target: the procedure inserts, the trigger fires, the function counts.
tgt_sql e2e_obj_v2 -e "CALL add_film(1001, 'new')"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM e2e_obj_v2.film_log WHERE film_id = 1001")" = 1 ] || fail "trigger did not fire on the target"
g_films=$(src_sql -N -e "SELECT COUNT(*) FROM e2e_obj.film WHERE rating = 'G'")
[ "$(tgt_sql -N -e "SELECT e2e_obj_v2.film_count('G')")" = "$((g_films + 1))" ] || fail "function result"

# With INCREMENTAL the trigger is deferred to `omsrun finish`: replayed film rows bring their
# film_log rows with them, and a trigger on the target would add them again.
script e2e_obj_v3 "SCHEMA, FULL, INCREMENTAL" > "$WORK/live.omsql"
"$OMSRUN" "$WORK/live.omsql" --task-dir "$WORK/live" --until caught-up > "$WORK/live.log" 2>&1 || fail "live run exited $?"
grep -q "^objects: trigger e2e_obj.film_ai -> e2e_obj_v3.film_ai: changed (.*omsrun finish.*) \[deferred\]$" "$WORK/live.log" || fail "trigger not deferred"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'e2e_obj_v3'")" = 0 ] || fail "trigger created during the live link"
src_sql e2e_obj -e "CALL add_film(2001, 'live'); INSERT INTO film VALUES (2002, 'live 2', 'R')"
"$OMSRUN" "$WORK/live.omsql" --task-dir "$WORK/live" --until caught-up >> "$WORK/live.log" 2>&1 || fail "second live run exited $?"
compare --pair e2e_obj.film=e2e_obj_v3.film --pair e2e_obj.film_log=e2e_obj_v3.film_log || fail "live tables differ"
src_sql -N -e "SELECT NEXTVAL(e2e_obj.ticket)" > /dev/null
"$OMSRUN" finish "$WORK/live.omsql" --task-dir "$WORK/live" > "$WORK/finish.log" 2>&1 || fail "finish exited $?"
grep -q "^objects: trigger e2e_obj.film_ai -> e2e_obj_v3.film_ai: .* \[created\]$" "$WORK/finish.log" || fail "finish did not create the trigger"
[ "$(counts src_sql e2e_obj)" = "$(counts tgt_sql e2e_obj_v3)" ] || fail "object counts differ after finish"
src_next=$(src_sql -N -e "SELECT next_not_cached_value FROM e2e_obj.ticket")
[ "$(tgt_sql -N -e "SELECT NEXTVAL(e2e_obj_v3.ticket)")" = "$src_next" ] || fail "finish did not set the sequence to $src_next"
# A finished task never replays again: its changes would go through the trigger on the target.
src_sql e2e_obj -e "INSERT INTO film VALUES (2003, 'after', 'G')"
expect_refusal 1 "$OMSRUN" "$WORK/live.omsql" --task-dir "$WORK/live" --until caught-up
grep -q "the task was finished (omsrun finish" <<<"$out" || fail "run after finish not refused: $out"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM e2e_obj_v3.film WHERE id = 2003")" = 0 ] || fail "a run after finish replayed"

# An object the target refuses (a view over a database the target lacks) does not pass silently:
# the rows are copied, the run exits 1 saying so, and `omsrun finish` creates it once fixed.
src_sql -e "DROP DATABASE IF EXISTS e2e_obj_ref; CREATE DATABASE e2e_obj_ref; CREATE TABLE e2e_obj_ref.r (id INT PRIMARY KEY);
            DROP DATABASE IF EXISTS e2e_obj_bad; CREATE DATABASE e2e_obj_bad; CREATE TABLE e2e_obj_bad.t (id INT PRIMARY KEY);
            INSERT INTO e2e_obj_bad.t VALUES (1), (2); CREATE VIEW e2e_obj_bad.v_ref AS SELECT id FROM e2e_obj_ref.r"
tgt_sql -e "DROP DATABASE IF EXISTS e2e_obj_ref; DROP DATABASE IF EXISTS e2e_obj_bad_t"
printf "SOURCE mysql 'root@127.0.0.1:\${OMSQL_SRC_PORT}';\nTARGET mysql 'root@127.0.0.1:\${OMSQL_TGT_PORT}';\nMIGRATE e2e_obj_bad.* MAP e2e_obj_bad.* TO e2e_obj_bad_t.* MODE SCHEMA, FULL;\n" > "$WORK/bad.omsql"
expect_refusal 1 "$OMSRUN" "$WORK/bad.omsql" --task-dir "$WORK/bad"
grep -q "^objects: error: view e2e_obj_bad.v_ref -> e2e_obj_bad_t.v_ref: .*not created" <<<"$out" || fail "no error line for the refused view: $out"
grep -q "1 object(s) could not be created on the target" <<<"$out" || fail "the run does not say an object is missing: $out"
compare --pair e2e_obj_bad.t=e2e_obj_bad_t.t || fail "rows of a task with a refused object"
tgt_sql -e "CREATE DATABASE e2e_obj_ref; CREATE TABLE e2e_obj_ref.r (id INT PRIMARY KEY)"
"$OMSRUN" finish "$WORK/bad.omsql" --task-dir "$WORK/bad" > "$WORK/finish_bad.log" 2>&1 || fail "finish after the fix exited $?: $(cat "$WORK/finish_bad.log")"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'e2e_obj_bad_t'")" = 1 ] || fail "finish did not create the view"

src_sql -e "DROP DATABASE e2e_obj; DROP DATABASE e2e_obj_bad; DROP DATABASE e2e_obj_ref"
tgt_sql -e "DROP DATABASE e2e_obj_v2; DROP DATABASE e2e_obj_v3; DROP DATABASE e2e_obj_bad_t; DROP DATABASE e2e_obj_ref"
echo "objects e2e: ok"
