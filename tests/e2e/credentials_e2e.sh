#!/usr/bin/env bash
# Credentials from MySQL option files, on real servers: PASSWORD FILE in the script and
# --defaults-extra-file on the command line (a password with a space and a '#', quoted in the file)
# copy a table exactly; a file others can read is refused at the script's place; a wrong password
# names the user, never the password. The password appears in no file of the task directories and
# in no output. An endpoint 'user@localhost:PORT' connects over TCP to that port (the client library
# would take its Unix socket). `omsrun check` finds a FILTER's unknown column on the source, at the
# FILTER's file:line:col with the host, and the compiler a stray UNION.
source "$(dirname "$0")/lib.sh"

db=e2e_cred
user=e2e_cred_user
pw="cred pw#$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
for sql in src_sql tgt_sql; do
  $sql -e "DROP USER IF EXISTS '$user'@'127.0.0.1'; CREATE USER '$user'@'127.0.0.1' IDENTIFIED BY '$pw';
           GRANT ALL PRIVILEGES ON *.* TO '$user'@'127.0.0.1'"
done
E2E_CLEANUP="src_sql -e \"DROP USER IF EXISTS '$user'@'127.0.0.1'\"; tgt_sql -e \"DROP USER IF EXISTS '$user'@'127.0.0.1'\""
src_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
src_sql $db -e "CREATE TABLE $db.t (id INT PRIMARY KEY, note VARCHAR(40) NOT NULL);
            INSERT INTO $db.t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_2000"
tgt_sql -e "DROP DATABASE IF EXISTS ${db}_a; DROP DATABASE IF EXISTS ${db}_b"

# The source's file gives the password only; the target's gives user, port and password too.
printf '[client]\n# the password has a space and a #: quoted\npassword = "%s"\n' "$pw" > "$WORK/src.cnf"
printf '[client]\nuser=%s\nport=%s\npassword="%s"   # trailing comment\n' "$user" "$OMSQL_TGT_PORT" "$pw" > "$WORK/tgt.cnf"
chmod 644 "$WORK/src.cnf"
chmod 600 "$WORK/tgt.cnf"
cat > "$WORK/a.omsql" <<EOF2
SOURCE mariadb '$user@localhost:\${OMSQL_SRC_PORT}' PASSWORD FILE 'src.cnf';
TARGET mariadb '127.0.0.1' PASSWORD FILE '$WORK/tgt.cnf';
MIGRATE $db.t MAP $db.* TO ${db}_a.* MODE SCHEMA, FULL WITH (task_dir = '$WORK/task-a');
EOF2
expect_refusal 2 "$OMSRUN" check "$WORK/a.omsql"
echo "$out" | grep -qF "$WORK/a.omsql:1:75: error: option file '$WORK/src.cnf': readable by other users (mode 0644); a file that holds a password must not be: chmod o-rwx '$WORK/src.cnf'" \
  || fail "a world-readable option file is not refused at its place: $out"
chmod 600 "$WORK/src.cnf"
"$OMSRUN" check "$WORK/a.omsql" >"$WORK/check-a.log" 2>&1 || fail "check with PASSWORD FILE: $(cat "$WORK/check-a.log")"
"$OMSRUN" plan "$WORK/a.omsql" >"$WORK/plan-a.log" 2>&1 || fail "plan: $(cat "$WORK/plan-a.log")"
grep -qF "source mysql $user@localhost:$OMSQL_SRC_PORT" "$WORK/plan-a.log" || fail "source endpoint: $(head -3 "$WORK/plan-a.log")"
grep -qF "target mysql $user@127.0.0.1:$OMSQL_TGT_PORT" "$WORK/plan-a.log" \
  || fail "the target's user and port do not come from its option file: $(head -3 "$WORK/plan-a.log")"
"$OMSRUN" "$WORK/a.omsql" >"$WORK/run-a.log" 2>&1 || fail "run with PASSWORD FILE"
same_checksum $db.t ${db}_a.t || fail "PASSWORD FILE copy differs"

# --defaults-extra-file: one file, each endpoint its own group; before the script and after it.
printf '[client]\nuser=%s\npassword="%s"\n[omsql-source]\nport=%s\n[omsql-target]\nport=%s\n' \
  "$user" "$pw" "$OMSQL_SRC_PORT" "$OMSQL_TGT_PORT" > "$WORK/both.cnf"
chmod 600 "$WORK/both.cnf"
cat > "$WORK/b.omsql" <<EOF2
SOURCE mariadb '127.0.0.1';
TARGET mariadb 'localhost';
MIGRATE $db.t MAP $db.* TO ${db}_b.* MODE SCHEMA, FULL WITH (task_dir = '$WORK/task-b');
EOF2
"$OMSRUN" check "$WORK/b.omsql" --defaults-extra-file "$WORK/both.cnf" >"$WORK/check-b.log" 2>&1 \
  || fail "check --defaults-extra-file: $(cat "$WORK/check-b.log")"
"$OMSRUN" --defaults-extra-file="$WORK/both.cnf" "$WORK/b.omsql" >"$WORK/run-b.log" 2>&1 || fail "run --defaults-extra-file"
same_checksum $db.t ${db}_b.t || fail "--defaults-extra-file copy differs"
# Without the file the endpoints have no user: a script error, not a connection.
expect_refusal 2 "$OMSRUN" check "$WORK/b.omsql"
echo "$out" | grep -qF "b.omsql:1:17: error: endpoint '127.0.0.1' has no user: expected 'user@host:port'" \
  || fail "an endpoint without a user and no option file: $out"

# A wrong password in the file: the user and host are named, the password is not.
printf '[client]\npassword=wrong-%s\n' "$pw" > "$WORK/wrong.cnf"
chmod 600 "$WORK/wrong.cnf"
sed "s|PASSWORD FILE 'src.cnf'|PASSWORD FILE 'wrong.cnf'|" "$WORK/a.omsql" > "$WORK/wrong.omsql"
expect_refusal 1 "$OMSRUN" check "$WORK/wrong.omsql"
echo "$out" | grep -qF "source $user@localhost:$OMSQL_SRC_PORT: cannot connect: Access denied for user '$user'" \
  || fail "a wrong password is not reported as such: $out"
echo "$out" > "$WORK/wrong-check.log"

# The password is in the option files only: no task file, no output, no log holds it.
leaks=$(grep -rlF "$pw" "$WORK" --exclude='*.cnf' || true)
[ -z "$leaks" ] || fail "the password is written in: $leaks"

# localhost:PORT is TCP to PORT: root@localhost over the socket would be another account, or no server.
cat > "$WORK/lh.omsql" <<EOF2
SOURCE mariadb 'root@localhost:\${OMSQL_SRC_PORT}';
TARGET mariadb 'root@localhost:\${OMSQL_TGT_PORT}';
VERIFY $db.t;
EOF2
tgt_sql -e "CREATE DATABASE IF NOT EXISTS $db; CREATE TABLE IF NOT EXISTS $db.t LIKE ${db}_a.t;
            REPLACE INTO $db.t SELECT * FROM ${db}_a.t"
"$OMSRUN" verify "$WORK/lh.omsql" >"$WORK/verify-lh.log" 2>&1 || fail "verify over localhost:PORT: $(cat "$WORK/verify-lh.log")"

# A FILTER's unknown column is found by check, on the source, at the FILTER's place.
cat > "$WORK/f.omsql" <<EOF2
SOURCE mariadb 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mariadb 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $db.t MAP $db.* TO ${db}_f.*
  FILTER $db.t WHERE nope > 1 MODE SCHEMA, FULL WITH (task_dir = '$WORK/task-f');
EOF2
expect_refusal 1 "$OMSRUN" check "$WORK/f.omsql"
echo "$out" | grep -qF "$WORK/f.omsql:4:3: FILTER on $db.t: the condition does not run on the source table: source root@127.0.0.1:$OMSQL_SRC_PORT" \
  || fail "check does not place the bad FILTER: $out"
echo "$out" | grep -qF "Unknown column 'nope'" || fail "check does not say which column: $out"
expect_refusal 1 "$OMSRUN" "$WORK/f.omsql"
[ -z "$(tgt_sql -N -e "SHOW DATABASES LIKE '${db}_f'")" ] || fail "a run with a bad FILTER wrote to the target"
# A stray UNION is the compiler's: exit 2 at the word.
sed -i 's/WHERE nope > 1/WHERE id > 1 UNION SELECT 1, 2/' "$WORK/f.omsql"
expect_refusal 2 "$OMSRUN" check "$WORK/f.omsql"
echo "$out" | grep -qF "$WORK/f.omsql:4:34: error: FILTER on $db.t: UNION is not part of a condition" \
  || fail "a stray UNION is not refused at its place: $out"

src_sql -e "DROP DATABASE $db"
tgt_sql -e "DROP DATABASE ${db}_a; DROP DATABASE ${db}_b; DROP DATABASE $db"
echo "credentials: PASSWORD FILE, --defaults-extra-file, localhost:PORT over TCP, FILTER checked on the source"
