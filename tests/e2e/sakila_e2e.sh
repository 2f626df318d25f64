#!/usr/bin/env bash
# Acceptance (issue 13): a Sakila-style rental database — our own schema in the shape of MySQL's
# sample: a store/staff FK cycle, ON UPDATE CASCADE / ON DELETE RESTRICT and SET NULL chains, YEAR,
# ENUM, SET, DECIMAL, BLOB, TIMESTAMP ON UPDATE, a FULLTEXT table kept by triggers, a SPATIAL index
# on a NOT NULL point, views over views, functions and procedures — migrates whole while the
# source takes writes: SHOW CREATE TABLE equal for every table (AUTO_INCREMENT normalised), the
# counts of views, triggers and routines equal after `omsrun finish`, and the data equal.
source "$(dirname "$0")/lib.sh"

DB=e2e_sakila
TDB=e2e_sakila_t
src_sql -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
tgt_sql -e "DROP DATABASE IF EXISTS $TDB"
src_sql $DB <<'SQL'
CREATE TABLE language (language_id TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name CHAR(20) NOT NULL,
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
CREATE TABLE country (country_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, country VARCHAR(50) NOT NULL,
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
CREATE TABLE city (city_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, city VARCHAR(50) NOT NULL,
  country_id SMALLINT UNSIGNED NOT NULL, KEY idx_fk_country_id (country_id),
  CONSTRAINT fk_city_country FOREIGN KEY (country_id) REFERENCES country (country_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE address (address_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, address VARCHAR(50) NOT NULL,
  district VARCHAR(20) NOT NULL, city_id SMALLINT UNSIGNED NOT NULL, postal_code VARCHAR(10) DEFAULT NULL,
  phone VARCHAR(20) NOT NULL, location POINT NOT NULL, KEY idx_fk_city_id (city_id), SPATIAL KEY idx_location (location),
  CONSTRAINT fk_address_city FOREIGN KEY (city_id) REFERENCES city (city_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE category (category_id TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(25) NOT NULL);
CREATE TABLE actor (actor_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(45) NOT NULL,
  last_name VARCHAR(45) NOT NULL, KEY idx_actor_last_name (last_name));
CREATE TABLE film (film_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, title VARCHAR(128) NOT NULL,
  description TEXT, release_year YEAR DEFAULT NULL, language_id TINYINT UNSIGNED NOT NULL,
  rental_duration TINYINT UNSIGNED NOT NULL DEFAULT 3, rental_rate DECIMAL(4,2) NOT NULL DEFAULT 4.99,
  length SMALLINT UNSIGNED DEFAULT NULL, replacement_cost DECIMAL(5,2) NOT NULL DEFAULT 19.99,
  rating ENUM('G','PG','PG-13','R','NC-17') DEFAULT 'G',
  special_features SET('Trailers','Commentaries','Deleted Scenes','Behind the Scenes') DEFAULT NULL,
  KEY idx_title (title), KEY idx_fk_language_id (language_id),
  CONSTRAINT fk_film_language FOREIGN KEY (language_id) REFERENCES language (language_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE film_text (film_id SMALLINT UNSIGNED NOT NULL PRIMARY KEY, title VARCHAR(255) NOT NULL, description TEXT,
  FULLTEXT KEY idx_title_description (title, description));
CREATE TABLE film_actor (actor_id SMALLINT UNSIGNED NOT NULL, film_id SMALLINT UNSIGNED NOT NULL,
  PRIMARY KEY (actor_id, film_id), KEY idx_fk_film_id (film_id),
  CONSTRAINT fk_film_actor_actor FOREIGN KEY (actor_id) REFERENCES actor (actor_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT fk_film_actor_film FOREIGN KEY (film_id) REFERENCES film (film_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE film_category (film_id SMALLINT UNSIGNED NOT NULL, category_id TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (film_id, category_id),
  CONSTRAINT fk_film_category_film FOREIGN KEY (film_id) REFERENCES film (film_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT fk_film_category_category FOREIGN KEY (category_id) REFERENCES category (category_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE staff (staff_id TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(45) NOT NULL,
  last_name VARCHAR(45) NOT NULL, address_id SMALLINT UNSIGNED NOT NULL, picture BLOB DEFAULT NULL, email VARCHAR(50),
  store_id TINYINT UNSIGNED NOT NULL, active BOOLEAN NOT NULL DEFAULT TRUE, username VARCHAR(16) NOT NULL,
  password VARCHAR(40) BINARY DEFAULT NULL, KEY idx_fk_store_id (store_id), KEY idx_fk_address_id (address_id),
  CONSTRAINT fk_staff_address FOREIGN KEY (address_id) REFERENCES address (address_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE store (store_id TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, manager_staff_id TINYINT UNSIGNED NOT NULL,
  address_id SMALLINT UNSIGNED NOT NULL, UNIQUE KEY idx_unique_manager (manager_staff_id),
  CONSTRAINT fk_store_staff FOREIGN KEY (manager_staff_id) REFERENCES staff (staff_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT fk_store_address FOREIGN KEY (address_id) REFERENCES address (address_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE customer (customer_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, store_id TINYINT UNSIGNED NOT NULL,
  first_name VARCHAR(45) NOT NULL, last_name VARCHAR(45) NOT NULL, email VARCHAR(50) DEFAULT NULL,
  address_id SMALLINT UNSIGNED NOT NULL, active BOOLEAN NOT NULL DEFAULT TRUE, create_date DATETIME NOT NULL,
  KEY idx_fk_store_id (store_id), KEY idx_last_name (last_name),
  CONSTRAINT fk_customer_address FOREIGN KEY (address_id) REFERENCES address (address_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT fk_customer_store FOREIGN KEY (store_id) REFERENCES store (store_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE inventory (inventory_id MEDIUMINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, film_id SMALLINT UNSIGNED NOT NULL,
  store_id TINYINT UNSIGNED NOT NULL, KEY idx_store_id_film_id (store_id, film_id),
  CONSTRAINT fk_inventory_store FOREIGN KEY (store_id) REFERENCES store (store_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT fk_inventory_film FOREIGN KEY (film_id) REFERENCES film (film_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE rental (rental_id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, rental_date DATETIME NOT NULL,
  inventory_id MEDIUMINT UNSIGNED NOT NULL, customer_id SMALLINT UNSIGNED NOT NULL, return_date DATETIME DEFAULT NULL,
  staff_id TINYINT UNSIGNED NOT NULL, UNIQUE KEY (rental_date, inventory_id, customer_id),
  CONSTRAINT fk_rental_staff FOREIGN KEY (staff_id) REFERENCES staff (staff_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT fk_rental_inventory FOREIGN KEY (inventory_id) REFERENCES inventory (inventory_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT fk_rental_customer FOREIGN KEY (customer_id) REFERENCES customer (customer_id) ON DELETE RESTRICT ON UPDATE CASCADE);
CREATE TABLE payment (payment_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id SMALLINT UNSIGNED NOT NULL,
  staff_id TINYINT UNSIGNED NOT NULL, rental_id INT DEFAULT NULL, amount DECIMAL(5,2) NOT NULL, payment_date DATETIME NOT NULL,
  CONSTRAINT fk_payment_rental FOREIGN KEY (rental_id) REFERENCES rental (rental_id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT fk_payment_customer FOREIGN KEY (customer_id) REFERENCES customer (customer_id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT fk_payment_staff FOREIGN KEY (staff_id) REFERENCES staff (staff_id) ON DELETE RESTRICT ON UPDATE CASCADE);

-- The store/staff cycle: staff first (no FK to store yet), then the FK once both have rows.
CREATE TRIGGER customer_create_date BEFORE INSERT ON customer FOR EACH ROW SET NEW.create_date = IFNULL(NEW.create_date, NOW());
CREATE TRIGGER ins_film AFTER INSERT ON film FOR EACH ROW
  INSERT INTO film_text (film_id, title, description) VALUES (NEW.film_id, NEW.title, NEW.description);
CREATE TRIGGER upd_film AFTER UPDATE ON film FOR EACH ROW
  UPDATE film_text SET title = NEW.title, description = NEW.description, film_id = NEW.film_id WHERE film_id = OLD.film_id;
CREATE TRIGGER del_film AFTER DELETE ON film FOR EACH ROW DELETE FROM film_text WHERE film_id = OLD.film_id;

CREATE VIEW film_list AS SELECT f.film_id AS fid, f.title, c.name AS category, f.rental_rate AS price, f.rating
  FROM film f LEFT JOIN film_category fc ON fc.film_id = f.film_id LEFT JOIN category c ON c.category_id = fc.category_id;
CREATE VIEW popular_film_list AS SELECT fid, title, category FROM film_list WHERE rating IN ('PG', 'PG-13');
CREATE VIEW customer_list AS SELECT cu.customer_id AS id, CONCAT(cu.first_name, ' ', cu.last_name) AS name, a.address,
  ci.city, co.country, cu.store_id AS sid FROM customer cu JOIN address a ON cu.address_id = a.address_id
  JOIN city ci ON a.city_id = ci.city_id JOIN country co ON ci.country_id = co.country_id;
CREATE VIEW sales_by_store AS SELECT s.store_id, SUM(p.amount) AS total_sales FROM payment p
  JOIN rental r ON p.rental_id = r.rental_id JOIN inventory i ON r.inventory_id = i.inventory_id
  JOIN store s ON i.store_id = s.store_id GROUP BY s.store_id;

CREATE FUNCTION inventory_in_stock(p_inventory_id INT) RETURNS BOOLEAN READS SQL DATA
  RETURN NOT EXISTS (SELECT 1 FROM rental WHERE inventory_id = p_inventory_id AND return_date IS NULL);
CREATE FUNCTION get_customer_balance(p_customer_id INT) RETURNS DECIMAL(7,2) READS SQL DATA
  RETURN (SELECT IFNULL(SUM(amount), 0) FROM payment WHERE customer_id = p_customer_id);
CREATE PROCEDURE film_in_stock(IN p_film_id INT, IN p_store_id INT, OUT p_film_count INT) READS SQL DATA
  SELECT COUNT(*) INTO p_film_count FROM inventory WHERE film_id = p_film_id AND store_id = p_store_id AND inventory_in_stock(inventory_id);

INSERT INTO language (name) VALUES ('English'), ('Italian'), ('Japanese'), ('Mandarin'), ('French'), ('German');
INSERT INTO country (country) SELECT CONCAT('Country ', seq) FROM seq_1_to_40;
INSERT INTO city (city, country_id) SELECT CONCAT('City ', seq), 1 + seq % 40 FROM seq_1_to_300;
INSERT INTO address (address, district, city_id, postal_code, phone, location)
  SELECT CONCAT(seq, ' Main Street'), CONCAT('District ', seq % 17), 1 + seq % 300, IF(seq % 9 = 0, NULL, LPAD(seq, 5, '0')),
         CONCAT('555-', LPAD(seq, 4, '0')), POINT(seq / 10, -seq / 7) FROM seq_1_to_700;
INSERT INTO category (name) SELECT CONCAT('Category ', seq) FROM seq_1_to_16;
INSERT INTO actor (first_name, last_name) SELECT CONCAT('First', seq), CONCAT('Last', seq % 120) FROM seq_1_to_200;
INSERT INTO film (title, description, release_year, language_id, rental_duration, rental_rate, length, replacement_cost, rating, special_features)
  SELECT CONCAT('FILM TITLE ', seq), IF(seq % 13 = 0, NULL, CONCAT('A Thoughtful story of a ', ELT(1 + seq % 4, 'dog', 'cat', 'robot', 'astronaut'), ' #', seq)),
         1990 + seq % 30, 1 + seq % 6, 3 + seq % 5, ELT(1 + seq % 3, 0.99, 2.99, 4.99), 46 + seq % 140, 9.99 + seq % 21,
         ELT(1 + seq % 5, 'G', 'PG', 'PG-13', 'R', 'NC-17'),
         IF(seq % 7 = 0, NULL, ELT(1 + seq % 4, 'Trailers', 'Trailers,Commentaries', 'Deleted Scenes,Behind the Scenes', ''))
    FROM seq_1_to_1000;
INSERT INTO film_actor SELECT 1 + seq % 200, 1 + (seq * 7) % 1000 FROM seq_1_to_5000 ON DUPLICATE KEY UPDATE film_id = film_actor.film_id;
INSERT INTO film_category SELECT seq, 1 + seq % 16 FROM seq_1_to_1000;
INSERT INTO staff (first_name, last_name, address_id, picture, email, store_id, username, password)
  VALUES ('Mike', 'Hillyer', 3, UNHEX('89504E470D0A1A0A0000000D49484452'), 'mike@example.com', 1, 'Mike', SHA1('x')),
         ('Jon', 'Stephens', 4, NULL, 'jon@example.com', 2, 'Jon', NULL);
INSERT INTO store (manager_staff_id, address_id) VALUES (1, 1), (2, 2);
ALTER TABLE staff ADD CONSTRAINT fk_staff_store FOREIGN KEY (store_id) REFERENCES store (store_id) ON DELETE RESTRICT ON UPDATE CASCADE;
INSERT INTO customer (store_id, first_name, last_name, email, address_id, active, create_date)
  SELECT 1 + seq % 2, CONCAT('Cust', seq), CONCAT('Omer', seq % 90), IF(seq % 5 = 0, NULL, CONCAT('c', seq, '@example.org')),
         5 + seq % 690, seq % 11 <> 0, '2006-02-14 22:04:36' + INTERVAL seq MINUTE FROM seq_1_to_600;
INSERT INTO inventory (film_id, store_id) SELECT 1 + seq % 1000, 1 + seq % 2 FROM seq_1_to_4000;
INSERT INTO rental (rental_date, inventory_id, customer_id, return_date, staff_id)
  SELECT '2005-05-24 22:53:30' + INTERVAL seq * 17 MINUTE, 1 + seq % 4000, 1 + seq % 600,
         IF(seq % 23 = 0, NULL, '2005-05-26 22:04:30' + INTERVAL seq * 17 MINUTE), 1 + seq % 2 FROM seq_1_to_8000;
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
  SELECT 1 + seq % 600, 1 + seq % 2, IF(seq % 50 = 0, NULL, seq), ELT(1 + seq % 4, 0.99, 2.99, 4.99, 10.99),
         '2005-05-25 11:30:37' + INTERVAL seq * 17 MINUTE FROM seq_1_to_8000;
SQL

cat > "$WORK/sakila.omsql" <<EOF
SOURCE mariadb 'root@127.0.0.1:\${OMSQL_SRC_PORT}';
TARGET mariadb 'root@127.0.0.1:\${OMSQL_TGT_PORT}';
MIGRATE $DB.*
  MAP $DB.* TO $TDB.*
  MODE SCHEMA, FULL, INCREMENTAL
  WITH (parallel = 3, chunk_rows = 700);
EOF

"$OMSRUN" check "$WORK/sakila.omsql" > "$WORK/check.log" 2>&1 || fail "check exited $?"

# The business goes on while the copy runs: rentals and payments, returns, a film retitled (its
# trigger rewrites film_text, whose rows the binlog carries), a country renumbered (ON UPDATE
# CASCADE down to city), a rental deleted (its payments' rental_id SET NULL), new customers.
writes() {
  for i in $(seq 1 40); do
    src_sql $DB -e "
      INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES (NOW() + INTERVAL $i SECOND, 1 + $i * 37 % 4000, 1 + $i * 13 % 600, 1 + $i % 2);
      INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) VALUES (1 + $i * 13 % 600, 1, LAST_INSERT_ID(), 3.99, NOW());
      UPDATE rental SET return_date = NOW() WHERE rental_id = $i * 97;
      UPDATE film SET title = CONCAT(title, ' (restored)'), description = CONCAT('Restored: ', IFNULL(description, '')) WHERE film_id = $i * 11;
      UPDATE country SET country_id = 100 + $i WHERE country_id = $i;
      DELETE FROM rental WHERE rental_id = 5000 + $i;
      INSERT INTO customer (store_id, first_name, last_name, address_id) VALUES (1, 'New$i', 'Customer', 10 + $i);
      INSERT INTO film (title, description, language_id, special_features) VALUES ('NEW RELEASE $i', 'Fresh', 1, 'Trailers,Behind the Scenes');"
    sleep 0.1
  done
}
writes > "$WORK/writes.log" 2>&1 &
writer=$!
"$OMSRUN" "$WORK/sakila.omsql" --task-dir "$WORK/task" --until caught-up > "$WORK/run.log" 2>&1 || { kill $writer 2>/dev/null; fail "omsrun exited $?"; }
wait $writer || fail "the source writes failed"
# The rest of the writes, then the link catches up again and the task is finished (triggers last).
"$OMSRUN" "$WORK/sakila.omsql" --task-dir "$WORK/task" --until caught-up >> "$WORK/run.log" 2>&1 || fail "second run exited $?"
"$OMSRUN" finish "$WORK/sakila.omsql" --task-dir "$WORK/task" > "$WORK/finish.log" 2>&1 || fail "finish exited $?"

# Every table's definition, as the server prints it, AUTO_INCREMENT counters aside.
tables=$(src_sql -N -e "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1")
[ "$(echo "$tables" | wc -l)" = 16 ] || fail "expected 16 source tables, got: $tables"
pairs=()
for t in $tables; do
  s=$(src_sql -N -e "SHOW CREATE TABLE $DB.$t" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//')
  d=$(tgt_sql -N -e "SHOW CREATE TABLE $TDB.$t" | cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//')
  [ "$s" = "$d" ] || fail "SHOW CREATE TABLE $t differs:
source: $s
target: $d"
  pairs+=(--pair "$DB.$t=$TDB.$t")
done
compare "${pairs[@]}" || fail "data differs"
counts() { # sql db
  echo "views $($1 -N -e "SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '$2'")"
  echo "triggers $($1 -N -e "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '$2'")"
  echo "routines $($1 -N -e "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '$2'")"
}
[ "$(counts src_sql $DB)" = "$(counts tgt_sql $TDB)" ] || fail "object counts differ: $(counts src_sql $DB) vs $(counts tgt_sql $TDB)"
# The objects work on the target over the migrated rows.
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM $TDB.popular_film_list")" = "$(src_sql -N -e "SELECT COUNT(*) FROM $DB.popular_film_list")" ] || fail "view over a view"
[ "$(tgt_sql -N -e "SELECT $TDB.get_customer_balance(7)")" = "$(src_sql -N -e "SELECT $DB.get_customer_balance(7)")" ] || fail "function result"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM $TDB.film_text WHERE MATCH (title, description) AGAINST ('robot')")" = \
  "$(src_sql -N -e "SELECT COUNT(*) FROM $DB.film_text WHERE MATCH (title, description) AGAINST ('robot')")" ] || fail "fulltext search"
tgt_sql $TDB -e "INSERT INTO film (title, description, language_id) VALUES ('AFTER CUTOVER', 'x', 1)"
[ "$(tgt_sql -N -e "SELECT COUNT(*) FROM $TDB.film_text WHERE title = 'AFTER CUTOVER'")" = 1 ] || fail "trigger does not fire on the target after finish"

src_sql -e "DROP DATABASE $DB"
tgt_sql -e "DROP DATABASE $TDB"
echo "sakila e2e: ok"
