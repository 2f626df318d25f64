// Pre-flight (`omsrun check`) against the sandboxes, plus its pure helpers. Lives beside the schema
// tests: tests/src/check/ has no meson entry yet.
#include <doctest/doctest.h>

#include <cstdlib>

#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/check/collation_collisions.hpp"
#include "src/check/preflight.hpp"
#include "src/schema/migrator.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::check;
using namespace omsql::testing;

namespace {

ColumnDef column_of(std::string type, std::optional<int64_t> char_max_length = std::nullopt) {
  ColumnDef c;
  c.name = "c";
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.char_max_length = char_max_length;
  return c;
}

Plan plan_for(Connection& source, const std::vector<QualifiedName>& tables) {
  MysqlCatalog catalog(source);
  auto defs = catalog.describe_tables(tables);
  if (!defs) throw std::runtime_error(defs.status().message());
  Plan plan;
  for (auto& def : *defs) {
    TableJob job;
    job.source = job.target = def.name;
    for (const auto& c : def.columns) job.columns.push_back({c.name, c.name, std::nullopt, c.is_generated});
    job.key = choose_row_key(def);
    job.source_def = std::move(def);
    plan.tables.push_back(std::move(job));
  }
  return plan;
}

std::vector<std::string> messages(const std::vector<Finding>& findings, Finding::Severity severity) {
  std::vector<std::string> out;
  for (const auto& f : findings)
    if (f.severity == severity) out.push_back(f.message);
  return out;
}

bool any_contains(const std::vector<std::string>& list, const std::string& part) {
  for (const auto& m : list)
    if (m.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("lossy CASTs are named, safe ones are not") {
  struct Case {
    const char* from;
    std::optional<int64_t> length;
    const char* to;
    const char* reason;  // part of the reason, nullptr when the CAST is safe
  };
  const Case cases[] = {
      {"tinyint(1)", {}, "BOOLEAN", nullptr},
      {"tinyint(4)", {}, "SMALLINT", nullptr},
      {"int(11)", {}, "BIGINT", nullptr},
      {"bigint(20)", {}, "INT", "narrows the integer range"},
      {"int(10) unsigned", {}, "INT", "unsigned to signed"},
      {"int(10) unsigned", {}, "BIGINT", nullptr},
      {"int(11)", {}, "INT UNSIGNED", "negative values"},
      {"int(11)", {}, "DECIMAL(10,0)", nullptr},
      {"bigint(20)", {}, "DECIMAL(10,2)", "too few integer digits"},
      {"int(11)", {}, "DOUBLE", nullptr},
      {"bigint(20)", {}, "DOUBLE", "mantissa"},
      {"decimal(10,2)", {}, "DECIMAL(12,2)", nullptr},
      {"decimal(10,4)", {}, "DECIMAL(12,2)", "rounded"},
      {"decimal(12,2)", {}, "DECIMAL(10,2)", "fewer integer digits"},
      {"double", {}, "FLOAT", "rounded"},
      {"float", {}, "DOUBLE", nullptr},
      {"varchar(100)", 100, "VARCHAR(200)", nullptr},
      {"varchar(100)", 100, "VARCHAR(50)", "shorter"},
      {"varchar(100)", 100, "TEXT", nullptr},
      {"text", 65535, "VARCHAR(255)", "shorter"},
      {"varchar(10)", 10, "CHAR(10)", "CHAR pads"},
      {"varbinary(16)", 16, "VARCHAR(16)", "bytes become text"},
      {"datetime(6)", {}, "DATETIME", "fractional-second"},
      {"datetime", {}, "TIMESTAMP", "1970-2038"},
      {"timestamp", {}, "DATETIME", nullptr},
      {"datetime", {}, "DATE", "time of day"},
      {"int(11)", {}, "VARCHAR(20)", nullptr},
      {"bigint(20)", {}, "VARCHAR(5)", "text form"},
      {"enum('a','bb')", 2, "VARCHAR(10)", nullptr},
      {"enum('a','bbbb')", 4, "CHAR(2)", "longest value"},
      {"varchar(10)", 10, "INT", "different type"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.from);
    CAPTURE(c.to);
    auto reason = lossy_cast_reason(column_of(c.from, c.length), c.to);
    if (!c.reason) {
      CHECK_MESSAGE(!reason, reason.value_or(""));
    } else {
      REQUIRE(reason);
      CHECK(reason->find(c.reason) != std::string::npos);
      CHECK(reason->find(std::string(c.from) + " to " + c.to) == 0);
    }
  }
}

TEST_CASE("grants are read globally and per database") {
  const std::vector<std::string> grants = {
      "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `u`@`%`",
      "GRANT SELECT, INSERT ON `shop`.* TO `u`@`%`",
      "GRANT SELECT (a) ON `crm`.`t` TO `u`@`%`",
  };
  CHECK(grants_cover(grants, "REPLICATION SLAVE", ""));
  CHECK(grants_cover(grants, "BINLOG MONITOR", ""));
  CHECK(!grants_cover(grants, "REPLICATION CLIENT", ""));
  CHECK(grants_cover(grants, "SELECT", "shop"));
  CHECK(grants_cover(grants, "insert", "shop"));
  CHECK(!grants_cover(grants, "SELECT", "crm"));
  CHECK(!grants_cover(grants, "DELETE", "shop"));
  CHECK(grants_cover({"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"}, "DELETE", "any"));
  const std::vector<std::string> patterns = {"GRANT SELECT ON `app\\_v2`.* TO `u`@`%`",
                                             "GRANT INSERT ON `crm_%`.* TO `u`@`%`"};
  CHECK(grants_cover(patterns, "SELECT", "app_v2"));
  CHECK(!grants_cover(patterns, "SELECT", "appXv2"));
  CHECK(grants_cover(patterns, "INSERT", "crm_eu"));
  CHECK(grants_cover(patterns, "INSERT", "crmXeu"));  // '_' is a wildcard when not escaped
  CHECK(!grants_cover(patterns, "INSERT", "crm"));
}

TEST_CASE("pre-flight on the sandboxes: binlog ROW/FULL passes, a keyless table and a clash are reported") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_preflight");
  must(*source, "CREATE DATABASE omsql_test_preflight");
  must(*source, "CREATE TABLE omsql_test_preflight.keyed (id INT PRIMARY KEY, wide BIGINT)");
  must(*source, "CREATE TABLE omsql_test_preflight.t (a INT, b VARCHAR(10))");
  must(*source, "CREATE TABLE omsql_test_preflight.uk (a INT NOT NULL, UNIQUE KEY ua (a))");
  must(*target, "DROP DATABASE IF EXISTS omsql_test_preflight");
  must(*target, "CREATE DATABASE omsql_test_preflight");
  must(*target, "CREATE TABLE omsql_test_preflight.keyed (id INT PRIMARY KEY)");
  Plan plan = plan_for(*source, {{"omsql_test_preflight", "keyed"},
                                 {"omsql_test_preflight", "t"},
                                 {"omsql_test_preflight", "uk"}});
  plan.tables[0].columns[1].cast_to = "INT";

  auto findings = run_preflight(*source, *target, plan);
  auto errors = messages(findings, Finding::kError);
  auto warnings = messages(findings, Finding::kWarning);
  auto infos = messages(findings, Finding::kInfo);
  // The only error is the existing target table under on_exists = 'fail'.
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("target table omsql_test_preflight.keyed (from omsql_test_preflight.keyed) already exists") !=
        std::string::npos);
  CHECK(any_contains(warnings,
                     "omsql_test_preflight.t has no primary key or NOT NULL unique key: copied as one streamed chunk, "
                     "incremental changes matched on the whole row"));
  CHECK(any_contains(warnings, "omsql_test_preflight.keyed.wide: CAST bigint(20) to INT: narrows the integer range"));
  CHECK(any_contains(infos, "omsql_test_preflight.uk has no primary key: rows are identified by unique key `ua`"));
  CHECK(any_contains(infos, "server version"));
  CHECK(!any_contains(errors, "binlog"));

  // 'append' into the existing table, which lacks a column of the job: refused, the difference named.
  plan.options.on_exists = OnExists::kAppend;
  errors = messages(run_preflight(*source, *target, plan), Finding::kError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("target table omsql_test_preflight.keyed (from omsql_test_preflight.keyed) exists but does not "
                       "match the job, so nothing was emptied or written (fix or drop the table, or MAP to another "
                       "name):\n  - column `wide` is missing") != std::string::npos);
  must(*target, "ALTER TABLE omsql_test_preflight.keyed ADD COLUMN wide INT");
  CHECK(messages(run_preflight(*source, *target, plan), Finding::kError).empty());

  // Nothing was written on either side.
  auto tables = target->query_value(
      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'omsql_test_preflight'");
  REQUIRE(tables);
  CHECK(tables->value() == "1");

  must(*source, "DROP DATABASE omsql_test_preflight");
  must(*target, "DROP DATABASE omsql_test_preflight");
}

TEST_CASE("tables omsql creates match their jobs: table_differences finds nothing to refuse") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_match");
  must(*source, "CREATE DATABASE omsql_test_match");
  must(*source,
       "CREATE TABLE omsql_test_match.wide (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
       "code VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL, name VARCHAR(100) NOT NULL DEFAULT '', "
       "note TEXT, price DECIMAL(12,4), flags BIT(8), kind ENUM('a','b') NOT NULL, tags SET('x','y'), "
       "doc JSON, at DATETIME(6), ts TIMESTAMP(3) NULL, day DATE, raw VARBINARY(64), blobby MEDIUMBLOB, "
       "f FLOAT, d DOUBLE, y YEAR, u UUID, ip INET6, total DECIMAL(14,4) AS (price * 2) VIRTUAL, "
       "UNIQUE KEY uk_code (code), KEY k_name (name))");
  must(*source, "CREATE TABLE omsql_test_match.by_unique (a INT NOT NULL, b VARCHAR(10) COLLATE utf8mb4_bin NOT NULL, "
                "c INT, UNIQUE KEY ab (b, a))");
  must(*source, "CREATE TABLE omsql_test_match.keyless (a INT, b TEXT)");
  must(*target, "DROP DATABASE IF EXISTS omsql_test_match_t");
  Plan plan = plan_for(*source, {{"omsql_test_match", "wide"}, {"omsql_test_match", "by_unique"},
                                 {"omsql_test_match", "keyless"}});
  for (auto& job : plan.tables) job.target.schema = "omsql_test_match_t";
  REQUIRE(schema::create_target_schema(*target, plan, nullptr));
  MysqlCatalog target_catalog(*target);
  for (const auto& job : plan.tables) {
    CAPTURE(job.target.str());
    auto def = target_catalog.describe(job.target);
    REQUIRE(def);
    std::string differences;
    for (const auto& d : table_differences(job, *def)) differences += d + "\n";
    CHECK(differences == "");
  }
  plan.options.on_exists = OnExists::kTruncate;
  CHECK(messages(run_preflight(*source, *target, plan), Finding::kError).empty());
  must(*source, "DROP DATABASE omsql_test_match");
  must(*target, "DROP DATABASE omsql_test_match_t");
}

TEST_CASE("server identity: two connections to one server agree, the two sandboxes differ") {
  auto source = connect_source();
  auto again = connect_source();
  auto target = connect_target();
  auto a = read_server_identity(*source);
  auto b = read_server_identity(*again);
  auto c = read_server_identity(*target);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  CHECK_FALSE(a->hostname.empty());
  CHECK(a->uuid_node.size() == 17);
  CHECK(same_server(*a, *b));
  CHECK_FALSE(same_server(*a, *c));
  // Both sandboxes of a run share host and MAC: only port, datadir and the UUID clock sequence differ.
  CHECK(a->hostname == c->hostname);
  Plan plan;
  CHECK(any_contains(messages(run_preflight(*source, *again, plan), Finding::kError),
                     "are the same server (the same host and port)"));
}

TEST_CASE("pre-flight names missing source privileges") {
  auto root = connect_source();
  must(*root, "DROP USER IF EXISTS 'omsql_test_preflight'@'127.0.0.1'");
  must(*root, "CREATE USER 'omsql_test_preflight'@'127.0.0.1' IDENTIFIED BY 'pf-secret'");
  must(*root, "DROP DATABASE IF EXISTS omsql_test_preflight_grants");
  must(*root, "CREATE DATABASE omsql_test_preflight_grants");
  must(*root, "CREATE TABLE omsql_test_preflight_grants.t (id INT PRIMARY KEY)");
  must(*root, "GRANT SELECT ON omsql_test_preflight_grants.* TO 'omsql_test_preflight'@'127.0.0.1'");
  Plan plan = plan_for(*root, {{"omsql_test_preflight_grants", "t"}});
  plan.tables[0].target = {"omsql_test_preflight_grants_target", "t"};

  setenv("OMSQL_TEST_PREFLIGHT_PW", "pf-secret", 1);
  Endpoint e = source_endpoint();
  e.user = "omsql_test_preflight";
  e.password_env = "OMSQL_TEST_PREFLIGHT_PW";
  auto limited = connect(e, "source");
  auto target = connect_target();
  auto errors = messages(run_preflight(*limited, *target, plan), Finding::kError);
  CHECK(any_contains(errors, "REPLICATION SLAVE is not granted on *.*"));
  CHECK(any_contains(errors, "neither REPLICATION CLIENT nor BINLOG MONITOR"));
  CHECK(!any_contains(errors, "SELECT is not granted"));
  for (const auto& m : errors) CHECK(m.find("pf-secret") == std::string::npos);

  plan.phases.incremental = false;
  CHECK(messages(run_preflight(*limited, *target, plan), Finding::kError).empty());

  must(*root, "DROP USER 'omsql_test_preflight'@'127.0.0.1'");
  must(*root, "DROP DATABASE omsql_test_preflight_grants");
}

TEST_CASE("pre-flight: a FILTER replay could not evaluate on the target is an error with the INCREMENTAL phase") {
  auto source = connect_source();
  auto target = connect_target();
  const std::string db = "omsql_test_preflight_filter";
  must(*source, "DROP DATABASE IF EXISTS " + db);
  must(*source, "CREATE DATABASE " + db);
  must(*source, "CREATE TABLE " + db + ".orders (id INT PRIMARY KEY, status VARCHAR(10), amount INT)");
  // A stored function the source has and the target does not: no tokenizer can tell it from a built-in.
  must(*source, "CREATE FUNCTION " + db + ".big(x INT) RETURNS INT DETERMINISTIC RETURN x > 100");
  must(*target, "DROP DATABASE IF EXISTS " + db);
  Plan plan = plan_for(*source, {{db, "orders"}});
  TableJob& orders = plan.tables[0];
  orders.target = {db + "_t", "orders"};

  orders.filter = "status = 'paid' AND amount > 5";
  orders.filter_columns = {"status", "amount"};
  CHECK(!any_contains(messages(run_preflight(*source, *target, plan), Finding::kError), "FILTER"));

  // Qualified: the copy reads with no default database, so `big(amount)` alone would not run on
  // the source either (pre-flight's source check says so).
  orders.filter = "status = 'paid' AND " + db + ".big(amount)";
  auto errors = messages(run_preflight(*source, *target, plan), Finding::kError);
  CHECK(any_contains(errors, ": FILTER on " + db + ".orders cannot be evaluated on the target, where replay evaluates "
                             "it on each changed row: "));
  CHECK(any_contains(errors, "big does not exist"));
  // Without the INCREMENTAL phase the filter only runs on the source, in the copy.
  plan.phases.incremental = false;
  CHECK(!any_contains(messages(run_preflight(*source, *target, plan), Finding::kError), "FILTER"));

  // What the compiler found (kept in the job for `--mode` adding INCREMENTAL) is reported as it is.
  plan.phases.incremental = true;
  orders.filter = "id IN (SELECT id FROM " + db + ".orders)";
  orders.filter_replay_problem = "x.omsql:3:40: FILTER on " + db + ".orders: a subquery (SELECT ...) cannot be ...";
  errors = messages(run_preflight(*source, *target, plan), Finding::kError);
  CHECK(any_contains(errors, *orders.filter_replay_problem));
  must(*source, "DROP DATABASE " + db);
}

TEST_CASE("pre-flight, TARGET oceanbase (pointed at the MariaDB target): unique keys the collation remaps would merge") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_ob_collide");
  must(*source, "CREATE DATABASE omsql_test_ob_collide");
  must(*source, "CREATE TABLE omsql_test_ob_collide.users (id INT PRIMARY KEY, "
                "login VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin, "
                "surname VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_german2_ci NOT NULL, "
                "UNIQUE KEY ux_login (login), UNIQUE KEY ux_surname (surname))");
  // 'ann' and 'ann ' differ under NOPAD and are equal under utf8mb4_bin (PAD SPACE); Müller and Myller
  // differ under latin1_german2_ci and are equal under latin1_swedish_ci. NULLs never collide.
  must(*source, "INSERT INTO omsql_test_ob_collide.users VALUES (1, 'ann', _latin1 X'4DFC6C6C6572'), "
                "(2, 'ann ', 'Myller'), (3, 'bob', 'Smith'), (4, NULL, 'Jones'), (5, NULL, 'Brown')");
  must(*source, "CREATE TABLE omsql_test_ob_collide.clean (id INT PRIMARY KEY, "
                "code VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL, UNIQUE KEY ux_code (code))");
  must(*source, "INSERT INTO omsql_test_ob_collide.clean VALUES (1, 'x'), (2, 'y')");
  must(*target, "DROP DATABASE IF EXISTS omsql_test_ob_collide");
  Plan plan = plan_for(*source, {{"omsql_test_ob_collide", "clean"}, {"omsql_test_ob_collide", "users"}});
  plan.target.dialect = Dialect::kOceanBase;
  plan.target.version = parse_version_number("4.2.1");

  auto findings = collation_collision_findings(*source, plan);
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].severity == Finding::kInfo);
  CHECK(findings[0].message ==
        "omsql_test_ob_collide.clean: unique key `ux_code` (`code` utf8mb4_nopad_bin -> utf8mb4_bin): no two rows are "
        "equal under the target collation");
  // The catalog lists a table's indexes in the server's order: find each key's finding by name.
  auto about = [&](const std::string& key) -> const Finding& {
    for (const auto& f : findings)
      if (f.message.find(key) != std::string::npos) return f;
    FAIL("no finding about " << key);
    return findings[0];
  };
  const Finding& login = about("unique key `ux_login`");
  CHECK(login.severity == Finding::kError);
  CHECK(login.code == FindingCode::kCollationCollision);
  CHECK(login.message ==
        "omsql_test_ob_collide.users: unique key `ux_login` (`login` utf8mb4_nopad_bin -> utf8mb4_bin): 1 group(s) of "
        "source rows are one key value on the target, where the copy's REPLACE would keep one row of each (CAST the "
        "column with an explicit COLLATE the target has, or change the rows):\n"
        "  - 'ann' = 'ann ' (2 rows)");
  const Finding& surname = about("unique key `ux_surname`");
  CHECK(surname.severity == Finding::kError);
  CHECK(surname.message ==
        "omsql_test_ob_collide.users: unique key `ux_surname` (`surname` latin1_german2_ci -> latin1_swedish_ci): 1 "
        "group(s) of source rows are one key value on the target, where the copy's REPLACE would keep one row of each "
        "(CAST the column with an explicit COLLATE the target has, or change the rows):\n"
        "  - 'Müller' = 'Myller' (2 rows)");

  // run_preflight reports them too, and a FILTER that leaves one of the pair out clears the key.
  auto errors = messages(run_preflight(*source, *target, plan), Finding::kError);
  CHECK(any_contains(errors, "unique key `ux_login`"));
  plan.tables[1].filter = "id <> 2";
  CHECK(messages(collation_collision_findings(*source, plan), Finding::kError).empty());
  // The mysql dialect keeps every collation: nothing to check.
  plan.target.dialect = Dialect::kMysql;
  plan.tables[1].filter.reset();
  CHECK(collation_collision_findings(*source, plan).empty());

  must(*source, "DROP DATABASE omsql_test_ob_collide");
}
