// Schema evolution units: ALTER TABLE, CREATE/DROP INDEX: the column, index, constraint and option clauses, exact strings, no server. The source
// statements go through the real classifier; the TableJobs before and after are built by hand the
// way the binder builds them (MAP COLUMN, COLUMNS EXCLUDE, CAST).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/src/schema/evolution_fixture.hpp"

using namespace omsql;
using namespace omsql::testing;

TEST_CASE("ADD COLUMN: at the end without a position, elsewhere FIRST / AFTER, several in one statement") {
  TableDef after = orders();
  auto status = text("status", "varchar(10)", false);
  status.default_value = "'new'";
  after.columns.push_back(status);
  renumber(after);
  CHECK(evolve(orders(), after, "ALTER TABLE orders ADD COLUMN status VARCHAR(10) NOT NULL DEFAULT 'new'") ==
        Lines{std::string(kOrders) +
              "ADD COLUMN `status` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'new'"});

  TableDef placed = orders();
  placed.columns.insert(placed.columns.begin(), column("shard", "smallint(6)"));
  placed.columns.insert(placed.columns.begin() + 3, column("rank", "int(11)"));
  placed.columns.push_back(column("tail", "int(11)"));
  renumber(placed);
  CHECK(evolve(orders(), placed,
               "ALTER TABLE orders ADD shard SMALLINT FIRST, ADD `rank` INT AFTER customer, ADD tail INT") ==
        Lines{std::string(kOrders) +
              "ADD COLUMN `shard` smallint(6) NULL DEFAULT NULL FIRST, "
              "ADD COLUMN `rank` int(11) NULL DEFAULT NULL AFTER `customer`, "
              "ADD COLUMN `tail` int(11) NULL DEFAULT NULL"});
}

TEST_CASE("DROP COLUMN; an index that shrank with it is rebuilt as the source has it") {
  TableDef before = orders();
  before.indexes.push_back({"ix_pair", false, "BTREE", {{"customer", {}, false}, {"note", {}, false}}, ""});
  TableDef after = before;
  after.columns.erase(after.columns.begin() + 2);  // note
  renumber(after);
  after.indexes[2].parts.pop_back();
  CHECK(evolve(before, after, "ALTER TABLE orders DROP COLUMN note") ==
        Lines{std::string(kOrders) + "DROP INDEX `ix_pair`, DROP COLUMN `note`, ADD KEY `ix_pair` (`customer`)"});
}

TEST_CASE("MODIFY COLUMN: type, nullability, default, comment, charset; ALTER COLUMN SET DEFAULT") {
  TableDef after = orders();
  after.columns[2].column_type = "varchar(400)";
  after.columns[2].nullable = false;
  after.columns[2].default_value = "''";
  after.columns[2].comment = "free text";
  after.columns[2].charset = "latin1";
  after.columns[2].collation = "latin1_swedish_ci";
  CHECK(evolve(orders(), after,
               "ALTER TABLE orders MODIFY note VARCHAR(400) CHARACTER SET latin1 NOT NULL DEFAULT '' COMMENT 'free text'") ==
        Lines{std::string(kOrders) +
              "MODIFY COLUMN `note` varchar(400) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL DEFAULT '' "
              "COMMENT 'free text'"});

  TableDef defaulted = orders();
  defaulted.columns[3].default_value = "1.00";
  CHECK(evolve(orders(), defaulted, "ALTER TABLE orders ALTER COLUMN amount SET DEFAULT 1") ==
        Lines{std::string(kOrders) + "MODIFY COLUMN `amount` decimal(10,2) NOT NULL DEFAULT 1.00"});
}

TEST_CASE("oceanbase: the dialect's rules apply to the new definition (charset, defaults)") {
  TableDef after = orders();
  auto blob = text("body", "text");
  blob.data_type = "text";
  blob.default_value = "'x'";
  blob.charset = "utf8mb3";
  blob.collation = "utf8mb3_general_ci";
  after.columns.push_back(blob);
  renumber(after);
  TableJob b = Rules{}.bind(orders()), a = Rules{}.bind(after);
  auto out = evolve_target(&b, &a, classify("ALTER TABLE orders ADD body TEXT CHARSET utf8mb3 DEFAULT 'x'"),
                           Dialect::kOceanBase);
  REQUIRE(out);
  CHECK(out->statements ==
        Lines{std::string(kOrders) +
              "ADD COLUMN `body` text CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL"});
  REQUIRE(out->warnings.size() == 2);
  CHECK(out->warnings[0] == "shop.orders.body: charset utf8mb3 stored as utf8mb4 (OceanBase has no utf8mb3; utf8mb4 holds every character of it)");
  CHECK(out->warnings[1] == "shop.orders.body: DEFAULT 'x' dropped (OceanBase allows no default on TEXT/BLOB/JSON/geometry columns)");
}

TEST_CASE("CHANGE / RENAME COLUMN renames the target column: its data and place stay") {
  TableDef after = orders();
  after.columns[2].name = "remark";
  after.indexes.push_back({"ix_remark", false, "BTREE", {{"remark", 20, false}}, ""});
  TableDef before = orders();
  before.indexes.push_back({"ix_remark", false, "BTREE", {{"note", 20, false}}, ""});
  CHECK(evolve(before, after, "ALTER TABLE orders RENAME COLUMN note TO remark") ==
        Lines{std::string(kOrders) +
              "CHANGE COLUMN `note` `remark` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL "
              "DEFAULT NULL"});

  TableDef widened = after;
  widened.columns[2].column_type = "varchar(300)";
  CHECK(evolve(before, widened, "ALTER TABLE orders CHANGE note remark VARCHAR(300) AFTER customer") ==
        Lines{std::string(kOrders) +
              "CHANGE COLUMN `note` `remark` varchar(300) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL "
              "DEFAULT NULL"});

  // A rename and a move: CHANGE ... FIRST.
  TableDef moved = after;
  std::rotate(moved.columns.begin(), moved.columns.begin() + 2, moved.columns.begin() + 3);
  renumber(moved);
  CHECK(evolve(before, moved, "ALTER TABLE orders CHANGE note remark VARCHAR(200) FIRST") ==
        Lines{std::string(kOrders) +
              "CHANGE COLUMN `note` `remark` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL "
              "DEFAULT NULL FIRST"});
}

TEST_CASE("a column moved to the end is the one column moved (MODIFY ... AFTER)") {
  TableDef after = orders();
  std::rotate(after.columns.begin() + 1, after.columns.begin() + 2, after.columns.end());  // customer last
  renumber(after);
  CHECK(evolve(orders(), after, "ALTER TABLE orders MODIFY customer VARCHAR(50) NOT NULL AFTER flag") ==
        Lines{std::string(kOrders) +
              "MODIFY COLUMN `customer` varchar(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL AFTER `flag`"});
}

TEST_CASE("MAP COLUMN: a renamed MAPped column keeps its target name; a MAP the rename leaves behind is refused") {
  Rules mapped;
  mapped.map_column = {{"note", "comment_text"}, {"remark", "comment_text"}};
  TableDef after = orders();
  after.columns[2].name = "remark";
  CHECK(evolve(orders(), after, "ALTER TABLE orders RENAME COLUMN note TO remark", mapped) == Lines{});

  // The MAP names only the old name: following the rules would rename `comment_text` to `remark`.
  Rules old_only;
  old_only.map_column = {{"note", "comment_text"}};
  auto refused = evolve(orders(), after, "ALTER TABLE orders RENAME COLUMN note TO remark", old_only);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0] ==
        "error: shop.orders: ALTER TABLE: column `note` is renamed to `remark`, and the script maps `note` TO "
        "`comment_text` (MAP COLUMN) but not `remark`, so following the rules would rename the target column "
        "`comment_text` to `remark`: do that on the target by hand and mark the DDL applied, or, to keep "
        "`comment_text`, the rules must MAP COLUMN shop.orders.remark TO comment_text as well");

  // A MODIFY of a MAPped column is a MODIFY of its target column.
  TableDef widened = orders();
  widened.columns[2].column_type = "varchar(300)";
  CHECK(evolve(orders(), widened, "ALTER TABLE orders MODIFY note VARCHAR(300)", old_only) ==
        Lines{std::string(kOrders) +
              "MODIFY COLUMN `comment_text` varchar(300) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL "
              "DEFAULT NULL"});

  // A column renamed to a name the rules MAP gets the MAP's name.
  Rules new_only;
  new_only.map_column = {{"remark", "comment_text"}};
  CHECK(evolve(orders(), after, "ALTER TABLE orders RENAME COLUMN note TO remark", Rules{}, Dialect::kMysql, &new_only) ==
        Lines{std::string(kOrders) +
              "CHANGE COLUMN `note` `comment_text` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL "
              "DEFAULT NULL"});
}

TEST_CASE("COLUMNS EXCLUDE: an excluded column's DDL changes nothing; renames across the EXCLUDE are refused") {
  Rules excluded;
  excluded.exclude = {"note", "secret"};
  TableDef added = orders();
  added.columns.push_back(text("secret", "varchar(64)"));
  renumber(added);
  CHECK(evolve(orders(), added, "ALTER TABLE orders ADD secret VARCHAR(64)", excluded) == Lines{});

  TableDef modified = orders();
  modified.columns[2].column_type = "text";
  CHECK(evolve(orders(), modified, "ALTER TABLE orders MODIFY note TEXT", excluded) == Lines{});

  TableDef dropped = orders();
  dropped.columns.erase(dropped.columns.begin() + 2);
  renumber(dropped);
  CHECK(evolve(orders(), dropped, "ALTER TABLE orders DROP note", excluded) == Lines{});

  // Excluded `note` renamed to `remark`, which no rule excludes: the target would get an empty column.
  TableDef renamed = orders();
  renamed.columns[2].name = "remark";
  auto out = evolve(orders(), renamed, "ALTER TABLE orders RENAME COLUMN note TO remark", excluded);
  REQUIRE(out.size() == 1);
  CHECK(out[0] ==
        "error: shop.orders: ALTER TABLE: column `note` is excluded (COLUMNS ... EXCLUDE) and renamed to `remark`, "
        "which the rules do not exclude: the target would get a column without the values the copy left out; add it "
        "to the target by hand (rows copied before keep it empty) and mark the DDL applied, or the rules must "
        "exclude `remark` as well");

  // Kept `customer` renamed to `secret`, which the rules exclude: the target column would go unfed.
  TableDef hidden = orders();
  hidden.columns[1].name = "secret";
  hidden.indexes[1].parts[0].column = "secret";
  out = evolve(orders(), hidden, "ALTER TABLE orders CHANGE customer secret VARCHAR(50) NOT NULL", excluded);
  REQUIRE(out.size() == 1);
  CHECK(out[0] ==
        "error: shop.orders: ALTER TABLE: column `customer` is renamed to `secret`, which COLUMNS ... EXCLUDE "
        "excludes: the target column `customer` would no longer be written; drop it on the target by hand (or keep "
        "it unfed) and mark the DDL applied, or the rules must stop excluding `secret`");
}

TEST_CASE("CAST: the CAST type stays while its FROM type matches; after that the target follows the source") {
  Rules cast;
  cast.cast = {{"flag", {"tinyint(1)", "BOOLEAN"}}};
  TableDef nullable = orders();
  nullable.columns[4].nullable = true;
  nullable.columns[4].default_value = "NULL";
  CHECK(evolve(orders(), nullable, "ALTER TABLE orders MODIFY flag TINYINT(1) NULL", cast) ==
        Lines{std::string(kOrders) + "MODIFY COLUMN `flag` BOOLEAN NULL DEFAULT NULL"});

  TableDef widened = orders();
  widened.columns[4].column_type = "int(11)";
  widened.columns[4].data_type = "int";
  CHECK(evolve(orders(), widened, "ALTER TABLE orders MODIFY flag INT NOT NULL DEFAULT 0", cast) ==
        Lines{std::string(kOrders) + "MODIFY COLUMN `flag` int(11) NOT NULL DEFAULT 0"});

  // A DDL that leaves the CAST column alone leaves its CAST type alone.
  TableDef other = orders();
  other.columns.push_back(column("extra", "int(11)"));
  renumber(other);
  CHECK(evolve(orders(), other, "ALTER TABLE orders ADD extra INT", cast) ==
        Lines{std::string(kOrders) + "ADD COLUMN `extra` int(11) NULL DEFAULT NULL"});
}

TEST_CASE("indexes: ADD / DROP INDEX, UNIQUE, RENAME INDEX, CREATE / DROP INDEX statements") {
  TableDef after = orders();
  after.indexes.push_back({"ux_note", true, "BTREE", {{"note", 30, false}}, "one per note"});
  CHECK(evolve(orders(), after, "ALTER TABLE orders ADD UNIQUE KEY ux_note (note(30)) COMMENT 'one per note'") ==
        Lines{std::string(kOrders) + "ADD UNIQUE KEY `ux_note` (`note`(30)) COMMENT 'one per note'"});
  CHECK(evolve(orders(), after, "CREATE UNIQUE INDEX ux_note ON orders (note(30)) COMMENT 'one per note'") ==
        Lines{std::string(kOrders) + "ADD UNIQUE KEY `ux_note` (`note`(30)) COMMENT 'one per note'"});

  TableDef dropped = orders();
  dropped.indexes.pop_back();
  CHECK(evolve(orders(), dropped, "DROP INDEX ix_customer ON orders") ==
        Lines{std::string(kOrders) + "DROP INDEX `ix_customer`"});

  TableDef renamed = orders();
  renamed.indexes[1].name = "ix_buyer";
  CHECK(evolve(orders(), renamed, "ALTER TABLE orders RENAME INDEX ix_customer TO ix_buyer") ==
        Lines{std::string(kOrders) + "RENAME INDEX `ix_customer` TO `ix_buyer`"});

  // Changed columns of an index of the same name: dropped and added in one statement.
  TableDef changed = orders();
  changed.indexes[1].parts.push_back({"amount", {}, true});
  CHECK(evolve(orders(), changed, "ALTER TABLE orders DROP INDEX ix_customer, ADD INDEX ix_customer (customer, amount DESC)") ==
        Lines{std::string(kOrders) + "DROP INDEX `ix_customer`, ADD KEY `ix_customer` (`customer`, `amount` DESC)"});
  // OceanBase builds it ascending and says so.
  TableJob b = Rules{}.bind(orders()), a = Rules{}.bind(changed);
  auto ob = evolve_target(&b, &a, classify("ALTER TABLE orders ADD INDEX ix_customer (customer, amount DESC)"),
                          Dialect::kOceanBase);
  REQUIRE(ob);
  CHECK(ob->statements == Lines{std::string(kOrders) + "DROP INDEX `ix_customer`",
                                std::string(kOrders) + "ADD KEY `ix_customer` (`customer`, `amount`)"});
  CHECK(ob->warnings == Lines{"shop.orders: index `ix_customer` created ascending: OceanBase builds index parts "
                              "ascending only (DESC is not supported)"});

  // An index on an excluded column is not on the target: nothing to add or drop.
  Rules excluded;
  excluded.exclude = {"note"};
  CHECK(evolve(orders(), after, "CREATE UNIQUE INDEX ux_note ON orders (note(30))", excluded) == Lines{});
}

TEST_CASE("PRIMARY KEY changes say the row key changed; losing the last key says so too") {
  TableDef after = orders();
  after.indexes[0].parts.push_back({"customer", {}, false});
  TableJob b = Rules{}.bind(orders()), a = Rules{}.bind(after);
  auto out = evolve_target(&b, &a, classify("ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, customer)"),
                           Dialect::kMysql);
  REQUIRE(out);
  CHECK(out->statements == Lines{std::string(kOrders) + "DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `customer`)"});
  CHECK(out->key_change == RowKeyChange::kChanged);

  // No primary key and no UNIQUE NOT NULL left: whole-row identity from here on.
  TableDef keyless = orders();
  keyless.columns[0].extra.clear();
  keyless.indexes.erase(keyless.indexes.begin());
  TableJob k = Rules{}.bind(keyless);
  // The AUTO_INCREMENT went first (MODIFY id INT NOT NULL), then the key.
  TableDef no_auto = orders();
  no_auto.columns[0].extra.clear();
  TableJob n = Rules{}.bind(no_auto);
  out = evolve_target(&n, &k, classify("ALTER TABLE orders DROP PRIMARY KEY"), Dialect::kMysql);
  REQUIRE(out);
  CHECK(out->statements == Lines{std::string(kOrders) + "DROP PRIMARY KEY"});
  CHECK(out->key_change == RowKeyChange::kLost);
  CHECK(row_key_change(k, n) == RowKeyChange::kGained);

  // A key column renamed is the same key: same values, same lanes.
  TableDef renamed = orders();
  renamed.columns[0].name = "order_id";
  renamed.indexes[0].parts[0].column = "order_id";
  TableJob r = Rules{}.bind(renamed);
  out = evolve_target(&b, &r, classify("ALTER TABLE orders RENAME COLUMN id TO order_id"), Dialect::kMysql);
  REQUIRE(out);
  CHECK(out->statements ==
        Lines{std::string(kOrders) + "CHANGE COLUMN `id` `order_id` int(11) NOT NULL AUTO_INCREMENT"});
  CHECK(out->key_change == RowKeyChange::kSame);
  // A key column of another type may hash to another lane.
  TableDef wider = orders();
  wider.columns[0].column_type = "bigint(20)";
  TableJob w = Rules{}.bind(wider);
  CHECK(row_key_change(b, w) == RowKeyChange::kChanged);
}

TEST_CASE("CHECK and FOREIGN KEY constraints") {
  TableDef checked = orders();
  checked.checks.push_back({"positive", "`amount` >= 0", false});
  CHECK(evolve(orders(), checked, "ALTER TABLE orders ADD CONSTRAINT positive CHECK (amount >= 0)") ==
        Lines{std::string(kOrders) + "ADD CONSTRAINT `positive` CHECK (`amount` >= 0)"});
  CHECK(evolve(checked, orders(), "ALTER TABLE orders DROP CONSTRAINT positive") ==
        Lines{std::string(kOrders) + "DROP CONSTRAINT `positive`"});
  TableDef stricter = orders();
  stricter.checks.push_back({"positive", "`amount` > 0", false});
  CHECK(evolve(checked, stricter, "ALTER TABLE orders DROP CONSTRAINT positive, ADD CONSTRAINT positive CHECK (amount > 0)") ==
        Lines{std::string(kOrders) + "DROP CONSTRAINT `positive`, ADD CONSTRAINT `positive` CHECK (`amount` > 0)"});
  CHECK(evolve(checked, stricter, "ALTER TABLE orders DROP CONSTRAINT positive, ADD CONSTRAINT positive CHECK (amount > 0)",
               Rules{}, Dialect::kOceanBase) ==
        Lines{std::string(kOrders) + "DROP CONSTRAINT `positive`",
              std::string(kOrders) + "ADD CONSTRAINT `positive` CHECK (`amount` > 0)"});

  // A self-reference needs no other table; another parent comes from the task's tables.
  TableDef self = orders();
  self.columns.push_back(column("parent_id", "int(11)"));
  renumber(self);
  TableDef self_fk = self;
  self_fk.indexes.push_back({"fk_parent", false, "BTREE", {{"parent_id", {}, false}}, ""});
  self_fk.foreign_keys.push_back({"fk_parent", {"parent_id"}, {"shop", "orders"}, {"id"}, "RESTRICT", "CASCADE"});
  CHECK(evolve(self, self_fk, "ALTER TABLE orders ADD CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES orders (id) ON DELETE CASCADE") ==
        Lines{std::string(kOrders) + "ADD KEY `fk_parent` (`parent_id`), ADD CONSTRAINT `fk_parent` FOREIGN KEY "
                                     "(`parent_id`) REFERENCES `shop`.`orders` (`id`) ON DELETE CASCADE"});
  // Another rule under the same name: MariaDB cannot drop and add it in one statement (errno 121).
  TableDef set_null = self_fk;
  set_null.foreign_keys[0].on_delete = "SET NULL";
  CHECK(evolve(self_fk, set_null, "ALTER TABLE orders DROP FOREIGN KEY fk_parent, ADD CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES orders (id) ON DELETE SET NULL") ==
        Lines{std::string(kOrders) + "DROP FOREIGN KEY `fk_parent`",
              std::string(kOrders) + "ADD CONSTRAINT `fk_parent` FOREIGN KEY (`parent_id`) REFERENCES `shop`.`orders` "
                                     "(`id`) ON DELETE SET NULL"});
  // Renamed with a new self-reference: the foreign key names the new name, so it comes after the rename.
  TableDef moved = self_fk;
  moved.name = {"shop", "orders2"};
  moved.foreign_keys[0].referenced = {"shop", "orders2"};
  Rules moved_rules;
  moved_rules.target = {"shop", "orders2"};
  CHECK(evolve(self, moved, "ALTER TABLE orders ADD CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES orders (id) ON DELETE CASCADE, RENAME TO orders2",
               Rules{}, Dialect::kMysql, &moved_rules) ==
        Lines{std::string(kOrders) + "ADD KEY `fk_parent` (`parent_id`), RENAME TO `shop`.`orders2`",
              "ALTER TABLE `shop`.`orders2` ADD CONSTRAINT `fk_parent` FOREIGN KEY (`parent_id`) REFERENCES "
              "`shop`.`orders2` (`id`) ON DELETE CASCADE"});
  CHECK(evolve(self_fk, self, "ALTER TABLE orders DROP FOREIGN KEY fk_parent, DROP INDEX fk_parent") ==
        Lines{std::string(kOrders) + "DROP FOREIGN KEY `fk_parent`, DROP INDEX `fk_parent`"});

  TableDef customers;
  customers.name = {"shop", "customers"};
  customers.columns = {column("cid", "int(11)", false)};
  customers.indexes = {{"PRIMARY", true, "BTREE", {{"cid", {}, false}}, ""}};
  Rules customer_rules;
  customer_rules.target = {"crm", "clients"};
  customer_rules.map_column = {{"cid", "client_id"}};
  std::vector<TableJob> tables = {customer_rules.bind(customers)};
  TableDef other = self;
  other.foreign_keys.push_back({"fk_customer", {"parent_id"}, {"shop", "customers"}, {"cid"}, "RESTRICT", "RESTRICT"});
  TableJob b = Rules{}.bind(self), a = Rules{}.bind(other);
  auto sql = "ALTER TABLE orders ADD CONSTRAINT fk_customer FOREIGN KEY (parent_id) REFERENCES customers (cid)";
  auto out = evolve_statements(&b, &a, classify(sql), Dialect::kMysql, &tables);
  REQUIRE(out);
  CHECK(*out == Lines{std::string(kOrders) + "ADD CONSTRAINT `fk_customer` FOREIGN KEY (`parent_id`) REFERENCES "
                                             "`crm`.`clients` (`client_id`)"});
  auto without = evolve_statements(&b, &a, classify(sql), Dialect::kMysql);
  REQUIRE(!without);
  CHECK(without.status().code() == Status::Code::kUnsupported);
  CHECK(without.status().message() == "shop.orders: ALTER TABLE: foreign key `fk_customer` references shop.customers: "
                                      "its target name needs the task's tables (evolve_target's task_tables)");
  // A parent the task does not migrate: not created, as in the schema phase, with the warning.
  std::vector<TableJob> none;
  auto unmigrated = evolve_target(&b, &a, classify(sql), Dialect::kMysql, &none);
  REQUIRE(unmigrated);
  CHECK(unmigrated->statements.empty());
  CHECK(unmigrated->warnings == Lines{"shop.orders: foreign key `fk_customer` not created: it references "
                                      "shop.customers, which is not migrated"});
}

TEST_CASE("table and column comments, table options the dialect keeps, default charset, AUTO_INCREMENT ignored") {
  TableDef after = orders();
  after.comment = "all orders";
  after.columns[3].comment = "in cents";
  after.create_options = "row_format=COMPRESSED key_block_size=8";
  after.charset = "latin1";
  after.collation = "latin1_swedish_ci";
  after.auto_increment = 5000;
  CHECK(evolve(orders(), after,
               "ALTER TABLE orders COMMENT 'all orders', ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8, DEFAULT CHARSET latin1, "
               "MODIFY amount DECIMAL(10,2) NOT NULL DEFAULT 0.00 COMMENT 'in cents', AUTO_INCREMENT=5000") ==
        Lines{std::string(kOrders) +
              "MODIFY COLUMN `amount` decimal(10,2) NOT NULL DEFAULT 0.00 COMMENT 'in cents', key_block_size=8, "
              "row_format=COMPRESSED, DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci, COMMENT='all orders'"});
  CHECK(evolve(after, orders(), "ALTER TABLE orders ROW_FORMAT=DEFAULT, KEY_BLOCK_SIZE=0") ==
        Lines{std::string(kOrders) +
              "MODIFY COLUMN `amount` decimal(10,2) NOT NULL DEFAULT 0.00, KEY_BLOCK_SIZE=0, ROW_FORMAT=DEFAULT, "
              "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci, COMMENT=''"});
  // OceanBase keeps no storage options: only the comment changes.
  TableDef options = orders();
  options.create_options = "row_format=COMPRESSED";
  options.comment = "x";
  CHECK(evolve(orders(), options, "ALTER TABLE orders ROW_FORMAT=COMPRESSED COMMENT 'x'", Rules{}, Dialect::kOceanBase) ==
        Lines{std::string(kOrders) + "COMMENT='x'"});
  TableDef counter = orders();
  counter.auto_increment = 99;
  CHECK(evolve(orders(), counter, "ALTER TABLE orders AUTO_INCREMENT = 99") == Lines{});
}

TEST_CASE("CONVERT TO CHARACTER SET: every text column and the default, in one statement") {
  TableDef after = orders();
  for (int i : {1, 2}) {
    after.columns[i].charset = "utf8mb3";
    after.columns[i].collation = "utf8mb3_general_ci";
  }
  after.charset = "utf8mb3";
  after.collation = "utf8mb3_general_ci";
  CHECK(evolve(orders(), after, "ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb3") ==
        Lines{std::string(kOrders) +
              "MODIFY COLUMN `customer` varchar(50) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci NOT NULL, "
              "MODIFY COLUMN `note` varchar(200) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci NULL DEFAULT NULL, "
              "DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci"});
  // OceanBase stores utf8mb3 as utf8mb4: nothing changes there.
  CHECK(evolve(orders(), after, "ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb3", Rules{}, Dialect::kOceanBase) ==
        Lines{});
}

TEST_CASE("oceanbase: one statement per group, in an order that never drops what a later clause needs") {
  TableDef after = orders();
  after.columns.erase(after.columns.begin() + 2);  // note
  after.columns.push_back(column("extra", "int(11)"));
  renumber(after);
  after.indexes[1].name = "ix_buyer";
  after.indexes.push_back({"ix_extra", false, "BTREE", {{"extra", {}, false}}, ""});
  after.comment = "c";
  CHECK(evolve(orders(), after,
               "ALTER TABLE orders DROP note, ADD extra INT, RENAME INDEX ix_customer TO ix_buyer, ADD INDEX ix_extra (extra), "
               "COMMENT 'c', RENAME TO orders2",
               Rules{}, Dialect::kOceanBase) ==
        Lines{std::string(kOrders) + "RENAME INDEX `ix_customer` TO `ix_buyer`",
              std::string(kOrders) + "DROP COLUMN `note`, ADD COLUMN `extra` int(11) NULL DEFAULT NULL",
              std::string(kOrders) + "ADD KEY `ix_extra` (`extra`)", std::string(kOrders) + "COMMENT='c'"});
}

TEST_CASE("FILTER: a dropped or renamed column the FILTER uses stops the link with the FILTER named") {
  Rules filtered;
  filtered.filter_columns = {"flag"};
  TableDef dropped = orders();
  dropped.columns.pop_back();
  auto out = evolve(orders(), dropped, "ALTER TABLE orders DROP COLUMN flag", filtered);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == "error: shop.orders: ALTER TABLE: column `flag`, which the FILTER uses (flag = 0), is dropped: replay "
                  "could no longer evaluate the FILTER; change the FILTER in the script and copy the table again (omsrun FILE "
                  "--recopy)");
  TableDef renamed = orders();
  renamed.columns[4].name = "is_flagged";
  out = evolve(orders(), renamed, "ALTER TABLE orders RENAME COLUMN flag TO is_flagged", filtered);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == "error: shop.orders: ALTER TABLE: column `flag`, which the FILTER uses (flag = 0), is renamed to "
                  "`is_flagged`: replay could no longer evaluate the FILTER; change the FILTER in the script and copy the "
                  "table again (omsrun FILE --recopy)");
  // Other columns of a filtered table change as usual.
  TableDef added = orders();
  added.columns.push_back(column("extra", "int(11)"));
  CHECK(evolve(orders(), added, "ALTER TABLE orders ADD extra INT", filtered) ==
        Lines{std::string(kOrders) + "ADD COLUMN `extra` int(11) NULL DEFAULT NULL"});
}

TEST_CASE("names: a case-only rename, DROP INDEX `PRIMARY`, a multi-table RENAME translated pair by pair") {
  TableDef upper = orders();
  upper.columns[2].name = "Note";
  CHECK(evolve(orders(), upper, "ALTER TABLE orders CHANGE note Note VARCHAR(200)") ==
        Lines{std::string(kOrders) +
              "CHANGE COLUMN `note` `Note` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL"});

  TableDef no_primary = orders();
  no_primary.columns[0].extra.clear();
  no_primary.indexes.erase(no_primary.indexes.begin());
  TableDef before = orders();
  before.columns[0].extra.clear();
  CHECK(evolve(before, no_primary, "DROP INDEX `PRIMARY` ON orders") == Lines{std::string(kOrders) + "DROP PRIMARY KEY"});

  // RENAME TABLE a TO b, c TO a (a swap through the task's own names): each pair on its own, in order.
  TableDef a = orders(), b = orders(), c = orders();
  b.name = {"shop", "orders_old"};
  c.name = {"shop", "orders_new"};
  Rules to_a, to_b, to_c;
  to_b.target = {"shop", "orders_old"};
  to_c.target = {"shop", "orders_new"};
  ClassifiedStatement swap = classify("RENAME TABLE orders TO orders_old, orders_new TO orders");
  TableJob ja = to_a.bind(a), jb = to_b.bind(b), jc = to_c.bind(c);
  auto first = evolve_statements(&ja, &jb, swap, Dialect::kMysql);
  auto second = evolve_statements(&jc, &ja, swap, Dialect::kMysql);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(*first == Lines{"RENAME TABLE `shop`.`orders` TO `shop`.`orders_old`"});
  CHECK(*second == Lines{"RENAME TABLE `shop`.`orders_new` TO `shop`.`orders`"});
}

TEST_CASE("generated columns follow renames of the columns they use; a changed expression is a MODIFY") {
  TableDef before = orders();
  ColumnDef doubled = column("doubled", "decimal(11,2)");
  doubled.is_generated = true;
  doubled.generation_expression = "`amount` * 2";
  doubled.default_value.reset();
  before.columns.push_back(doubled);
  renumber(before);
  TableDef renamed = before;
  renamed.columns[3].name = "price";
  renamed.columns[5].generation_expression = "`price` * 2";
  Rules rules;
  rules.map_column = {{"price", "price_t"}};
  CHECK(evolve(before, renamed, "ALTER TABLE orders RENAME COLUMN amount TO price", Rules{}, Dialect::kMysql, &rules) ==
        Lines{std::string(kOrders) + "CHANGE COLUMN `amount` `price_t` decimal(10,2) NOT NULL DEFAULT 0.00"});
  TableDef tripled = before;
  tripled.columns[5].generation_expression = "`amount` * 3";
  CHECK(evolve(before, tripled, "ALTER TABLE orders MODIFY doubled DECIMAL(11,2) AS (amount * 3) VIRTUAL") ==
        Lines{std::string(kOrders) + "MODIFY COLUMN `doubled` decimal(11,2) GENERATED ALWAYS AS (`amount` * 3) VIRTUAL"});
}

TEST_CASE("what the dialect left off the target is not warned about again; a FILTER that changes with a rename stops") {
  TableDef before = orders();
  before.indexes.push_back({"ft_note", false, "FULLTEXT", {{"note", {}, false}}, ""});
  TableDef after = before;
  after.columns.push_back(column("extra", "int(11)"));
  renumber(after);
  TableJob b = Rules{}.bind(before), a = Rules{}.bind(after);
  auto out = evolve_target(&b, &a, classify("ALTER TABLE orders ADD extra INT"), Dialect::kOceanBase);
  REQUIRE(out);
  CHECK(out->statements == Lines{std::string(kOrders) + "ADD COLUMN `extra` int(11) NULL DEFAULT NULL"});
  CHECK(out->warnings.empty());
  // A new FULLTEXT index OceanBase 4.2 cannot build: nothing to run, and the warning.
  TableDef fulltext = orders();
  fulltext.indexes.push_back({"ft_note", false, "FULLTEXT", {{"note", {}, false}}, ""});
  TableJob f = Rules{}.bind(fulltext), o = Rules{}.bind(orders());
  out = evolve_target(&o, &f, classify("ALTER TABLE orders ADD FULLTEXT ft_note (note)"),
                      schema::DialectTarget(Dialect::kOceanBase, parse_version_number("4.2.1")));
  REQUIRE(out);
  CHECK(out->statements.empty());
  REQUIRE(out->warnings.size() == 1);
  CHECK(out->warnings[0].find("shop.orders: FULLTEXT index `ft_note` dropped: OceanBase 4.2.1 has no FULLTEXT index") == 0);

  Rules filtered;
  filtered.filter_columns = {"flag"};
  TableDef renamed = orders();
  renamed.name = {"shop", "orders_all"};
  Rules unfiltered;
  unfiltered.target = {"shop", "orders_all"};
  auto refused = evolve(orders(), renamed, "RENAME TABLE orders TO orders_all", filtered, Dialect::kMysql, &unfiltered);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0] == "error: shop.orders_all: RENAME TABLE: the FILTER changes with the new name (flag = 0 -> none): "
                      "the target holds the rows the old FILTER took; keep the FILTER for the new name, or copy the "
                      "table again");
}

TEST_CASE("an added column's value for the rows the table has: constants, the source's time, or a stop") {
  TableJob b = Rules{}.bind(orders());
  auto with = [&](ColumnDef added, const std::string& sql) {
    TableDef after = orders();
    after.columns.push_back(added);
    renumber(after);
    TableJob a = Rules{}.bind(after);
    return evolve_target(&b, &a, classify(sql), Dialect::kMysql);
  };
  auto stamped = column("created", "timestamp", false);
  stamped.default_value = "current_timestamp()";
  auto out = with(stamped, "ALTER TABLE orders ADD created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP");
  REQUIRE(out);
  CHECK(out->needs_source_timestamp);
  CHECK(out->statements == Lines{std::string(kOrders) + "ADD COLUMN `created` timestamp NOT NULL DEFAULT current_timestamp()"});

  auto constant = text("state", "varchar(5)", false);
  constant.default_value = "'new'";
  out = with(constant, "ALTER TABLE orders ADD state VARCHAR(5) NOT NULL DEFAULT 'new'");
  REQUIRE(out);
  CHECK(!out->needs_source_timestamp);

  auto random = text("token", "char(36)");
  random.default_value = "uuid()";
  out = with(random, "ALTER TABLE orders ADD token CHAR(36) DEFAULT (UUID())");
  REQUIRE(!out);
  CHECK(out.status().message() ==
        "shop.orders: ALTER TABLE: ADD COLUMN `token` DEFAULT uuid(): each server computes the value of the rows the "
        "table already has, so the target's would differ from the source's; set them on the target by hand and mark "
        "the DDL applied, or copy the table again (omsrun FILE --recopy)");

  // AUTO_INCREMENT numbers rows in primary key order: the same on both sides, unless there is none.
  TableDef keyless = orders();
  keyless.columns[0].extra.clear();
  keyless.indexes.erase(keyless.indexes.begin());
  TableDef numbered = keyless;
  auto serial = column("serial", "bigint(20) unsigned", false);
  serial.extra = "auto_increment";
  numbered.columns.push_back(serial);
  renumber(numbered);
  numbered.indexes.insert(numbered.indexes.begin(), IndexDef{"PRIMARY", true, "BTREE", {{"serial", {}, false}}, ""});
  TableJob k = Rules{}.bind(keyless), n = Rules{}.bind(numbered);
  auto refused = evolve_target(&k, &n, classify("ALTER TABLE orders ADD serial SERIAL PRIMARY KEY"), Dialect::kMysql);
  REQUIRE(!refused);
  CHECK(refused.status().message().find("shop.orders: ALTER TABLE: ADD COLUMN `serial` AUTO_INCREMENT numbers the "
                                        "existing rows in their physical order") == 0);
}

TEST_CASE("column order: the fewest moves, each placed after its new predecessor") {
  TableDef last_first = orders();
  std::rotate(last_first.columns.begin(), last_first.columns.end() - 1, last_first.columns.end());  // flag first
  renumber(last_first);
  CHECK(evolve(orders(), last_first, "ALTER TABLE orders MODIFY flag TINYINT(1) NOT NULL DEFAULT 0 FIRST") ==
        Lines{std::string(kOrders) + "MODIFY COLUMN `flag` tinyint(1) NOT NULL DEFAULT 0 FIRST"});
  // id, customer, note, amount, flag -> note, id, flag, customer, amount: id, customer, amount stay in
  // order, note and flag move, each after the column now before it.
  TableDef shuffled = orders();
  shuffled.columns = {orders().columns[2], orders().columns[0], orders().columns[4], orders().columns[1],
                      orders().columns[3]};
  renumber(shuffled);
  CHECK(evolve(orders(), shuffled, "ALTER TABLE orders MODIFY note VARCHAR(200) FIRST, MODIFY flag TINYINT(1) NOT NULL "
                                   "DEFAULT 0 AFTER id") ==
        Lines{std::string(kOrders) +
              "MODIFY COLUMN `note` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL "
              "FIRST, MODIFY COLUMN `flag` tinyint(1) NOT NULL DEFAULT 0 AFTER `id`"});
}
