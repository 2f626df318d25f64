// compile_script on valid scripts: every statement and clause lands in the unbound Plan.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dsl/compiler.hpp"
#include "dsl/rules.hpp"

using namespace omsql;
using namespace omsql::dsl;

namespace {

std::shared_ptr<const CompiledScript> compile_ok(std::string_view text) {
  auto outcome = compile_script(text, "t.omsql");
  for (const auto& d : outcome.diagnostics) MESSAGE(d.format());
  REQUIRE(outcome.ok());
  return outcome.script;
}

const char* const kEndpoints =
    "SOURCE mysql 'root@127.0.0.1:33061';\n"
    "TARGET oceanbase 'admin@10.0.0.2:2881' PASSWORD ENV 'TGT_PW';\n";

}  // namespace

TEST_CASE("endpoints: dialects, ports, PASSWORD ENV and ${VAR}") {
  setenv("OMSQL_TEST_PORT", "40001", 1);
  setenv("OMSQL_TEST_HOST", "db.example", 1);
  auto script = compile_ok(
      "source MariaDB 'repl@${OMSQL_TEST_HOST}:${OMSQL_TEST_PORT}' password env 'SRC_PW';\n"
      "TARGET mysql 'root@localhost';\n"
      "MIGRATE shop.*;\n");
  const Plan& plan = unbound_plan(*script);
  CHECK(plan.source.dialect == Dialect::kMysql);
  CHECK(plan.source.user == "repl");
  CHECK(plan.source.host == "db.example");
  CHECK(plan.source.port == 40001);
  CHECK(plan.source.password_env == std::optional<std::string>("SRC_PW"));
  CHECK(plan.target.port == 3306);
  CHECK(plan.target.host == "localhost");
  CHECK_FALSE(plan.target.password_env.has_value());
  CHECK(plan.script_path == "t.omsql");
  CHECK(plan.has_migrate);
  CHECK(plan.tables.empty());

  auto ob = compile_ok(std::string(kEndpoints) + "MIGRATE a.b;");
  CHECK(unbound_plan(*ob).target.dialect == Dialect::kOceanBase);
  CHECK(unbound_plan(*ob).target.password_env == std::optional<std::string>("TGT_PW"));
}

TEST_CASE("TARGET oceanbase VERSION: parsed, before or without PASSWORD ENV") {
  auto script = compile_ok(
      "SOURCE mysql 'root@h:1';\n"
      "TARGET oceanbase 'admin@h:2881' VERSION '4.2.1' PASSWORD ENV 'TGT_PW';\n"
      "MIGRATE a.b;");
  const Plan& plan = unbound_plan(*script);
  REQUIRE(plan.target.version.has_value());
  CHECK(plan.target.version->text == "4.2.1");
  CHECK(plan.target.version->at_least(4, 2, 1));
  CHECK_FALSE(plan.target.version->at_least(4, 2, 2));
  CHECK(plan.target.password_env == std::optional<std::string>("TGT_PW"));
  CHECK_FALSE(plan.source.version.has_value());

  auto four_parts = compile_ok("SOURCE mysql 'root@h:1';\nTARGET oceanbase 'admin@h:2881' version '4.3.5.1';\nMIGRATE a.b;");
  CHECK(unbound_plan(*four_parts).target.version->parts == std::array<int, 4>{4, 3, 5, 1});
  auto undeclared = compile_ok(std::string(kEndpoints) + "MIGRATE a.b;");
  CHECK_FALSE(unbound_plan(*undeclared).target.version.has_value());
}

TEST_CASE("target versions: declared numbers and what OceanBase's VERSION() says") {
  CHECK(parse_version_number("4.2")->parts == std::array<int, 4>{4, 2, 0, 0});
  CHECK_FALSE(parse_version_number("4"));
  CHECK_FALSE(parse_version_number("4.2."));
  CHECK_FALSE(parse_version_number("4.2.1.2.3"));
  CHECK_FALSE(parse_version_number("v4.2"));
  CHECK_FALSE(parse_version_number("4.2 BP1"));
  CHECK_FALSE(parse_version_number("4.1234567"));
  CHECK(oceanbase_version_of("5.7.25-OceanBase_CE-v4.2.1.2")->parts == std::array<int, 4>{4, 2, 1, 2});
  CHECK(oceanbase_version_of("5.7.25-OceanBase-v4.3.5.1")->text == "4.3.5.1");
  CHECK_FALSE(oceanbase_version_of("10.11.6-MariaDB-log"));
  CHECK_FALSE(oceanbase_version_of("5.7.25-OceanBase_CE"));
  CHECK(*parse_version_number("4.2.2") > *parse_version_number("4.2.1.9"));
}

TEST_CASE("defaults when MIGRATE has no MODE, WITH or VERIFY") {
  auto script = compile_ok(std::string(kEndpoints) + "MIGRATE shop.*;");
  const Plan& plan = unbound_plan(*script);
  CHECK(plan.phases.schema);
  CHECK(plan.phases.full);
  CHECK(plan.phases.incremental);
  CHECK(plan.options.parallel == 4);
  CHECK(plan.options.chunk_rows == 20000);
  CHECK(plan.options.batch_bytes == 4 << 20);
  CHECK(plan.options.on_exists == OnExists::kFail);
  CHECK(plan.options.retry.patience == std::chrono::minutes(10));
  CHECK(plan.options.retry.max_delay == std::chrono::seconds(10));
  CHECK(plan.options.retry.first_delay == std::chrono::milliseconds(100));
  CHECK_FALSE(plan.verify.enabled);
  CHECK(plan.verify.settle_seconds == 60);
}

TEST_CASE("every MIGRATE clause, in any order, case-insensitive, with comments") {
  auto script = compile_ok(std::string(kEndpoints) +
                           "/* the whole shop */ migrate shop.*, crm.customers -- and one crm table\n"
                           "  with (Parallel = 8, chunk_rows = 5000, batch_rows = 2000, batch_bytes = '512KB',\n"
                           "        credits = 2, max_rows_per_sec = 1000, MAX_EVENTS_PER_SEC = 250, on_exists = 'truncate',\n"
                           "        task_dir = '/tmp/t',\n"
                           "        retry_patience = '2h', retry_max_delay = 2500ms)\n"
                           "  Exclude shop.audit_log, shop.tmp_*\n"
                           "  MAP shop.* TO shop_v2.*\n"
                           "  map crm.customers to shop_v2.clients\n"
                           "  MAP COLUMN shop.orders.amt TO amount\n"
                           "  FILTER shop.orders WHERE created_at >= '2024-01-01' AND note <> 'map; with' -- c\n"
                           "  COLUMNS shop.users EXCLUDE (password_hash, `secret col`)\n"
                           "  CAST shop.*.* TINYINT(1) TO BOOLEAN\n"
                           "  MODE schema, FULL\n"
                           "  VERIFY (chunk_rows = 100, repair = 'repair.sql', settle_seconds = 5);\n");
  const Plan& plan = unbound_plan(*script);
  CHECK(plan.options.parallel == 8);
  CHECK(plan.options.chunk_rows == 5000);
  CHECK(plan.options.batch_rows == 2000);
  CHECK(plan.options.batch_bytes == 512 * 1024);
  CHECK(plan.options.credits == 2);
  CHECK(plan.options.max_rows_per_sec == 1000);
  CHECK(plan.options.max_events_per_sec == 250);
  CHECK(plan.options.on_exists == OnExists::kTruncate);
  CHECK(plan.options.task_dir == "/tmp/t");
  CHECK(plan.options.retry.patience == std::chrono::hours(2));
  CHECK(plan.options.retry.max_delay == std::chrono::milliseconds(2500));
  CHECK(plan.phases.schema);
  CHECK(plan.phases.full);
  CHECK_FALSE(plan.phases.incremental);
  CHECK(plan.verify.enabled);
  CHECK(plan.verify.chunk_rows == 100);
  CHECK(plan.verify.repair_file == "repair.sql");
  CHECK_FALSE(plan.verify.repair_apply);
  CHECK(plan.verify.settle_seconds == 5);

  const MigrateRules& rules = *script->migrate;
  REQUIRE(rules.include.size() == 2);
  CHECK(rules.include[1].str() == "crm.customers");
  REQUIRE(rules.exclude.size() == 2);
  CHECK(rules.exclude[1].table.glob);
  REQUIRE(rules.maps.size() == 2);
  CHECK(rules.maps[0].target_of({"shop", "orders"}) == QualifiedName{"shop_v2", "orders"});
  CHECK(rules.maps[1].target_of({"crm", "customers"}) == QualifiedName{"shop_v2", "clients"});
  REQUIRE(rules.map_columns.size() == 1);
  CHECK(rules.map_columns[0].to == "amount");
  REQUIRE(rules.filters.size() == 1);
  CHECK(rules.filters[0].condition == "created_at >= '2024-01-01' AND note <> 'map; with'");
  REQUIRE(rules.column_excludes.size() == 1);
  CHECK(rules.column_excludes[0].columns[1].name == "secret col");
  REQUIRE(rules.casts.size() == 1);
  CHECK(rules.casts[0].from_type == "tinyint(1)");
  CHECK(rules.casts[0].to_type == "BOOLEAN");
}

TEST_CASE("FILTER conditions end at the right place") {
  struct Case {
    const char* clause;
    const char* condition;
  };
  const Case cases[] = {
      {"FILTER a.b WHERE x = 1;", "x = 1"},
      {"FILTER a.b WHERE x IN (SELECT id FROM t WHERE mode = 2) MODE FULL;",
       "x IN (SELECT id FROM t WHERE mode = 2)"},
      {"FILTER a.b WHERE `map` = 'cast' AND y = \"with;\" COLUMNS a.b EXCLUDE (c);",
       "`map` = 'cast' AND y = \"with;\""},
      {"FILTER a.b WHERE s = 'it''s' /* map */ AND t = 'a\\'b';", "s = 'it''s'   AND t = 'a\\'b'"},
      {"FILTER a.b WHERE mapping_id = 3\n  AND\tz > 0\nVERIFY;", "mapping_id = 3   AND z > 0"},
      // Qualified names cannot be replayed: MODE without INCREMENTAL.
      {"FILTER a.b WHERE t.mode = 1 AND map.x = 2 MODE SCHEMA, FULL MAP a.b TO c.d;", "t.mode = 1 AND map.x = 2"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.clause);
    auto script = compile_ok(std::string(kEndpoints) + "MIGRATE a.b " + c.clause);
    REQUIRE(script->migrate->filters.size() == 1);
    CHECK(script->migrate->filters[0].condition == c.condition);
  }
}

TEST_CASE("quoted identifiers: spaces, backquotes, reserved words and literal wildcards") {
  auto script = compile_ok(std::string(kEndpoints) +
                           "MIGRATE `my shop`.`order``s`, `select`.`from`, `odd`.`a*b`\n"
                           "  MAP `my shop`.`order``s` TO `new shop`.`orders`;");
  const auto& include = script->migrate->include;
  REQUIRE(include.size() == 3);
  CHECK(include[0].schema.text == "my shop");
  CHECK(include[0].table.text == "order`s");
  CHECK(include[0].str() == "`my shop`.`order``s`");
  CHECK(include[1].matches({"select", "from"}));
  CHECK_FALSE(include[2].table.glob);
  CHECK(include[2].matches({"odd", "a*b"}));
  CHECK_FALSE(include[2].matches({"odd", "axxb"}));
  CHECK(script->migrate->maps[0].target_of({"my shop", "order`s"}) == QualifiedName{"new shop", "orders"});
}

TEST_CASE("MAP wildcards carry what they matched") {
  auto script = compile_ok(std::string(kEndpoints) +
                           "MIGRATE shop.* MAP shop.tmp_* TO archive.old_* MAP s?op.* TO x?.*;");
  const auto& maps = script->migrate->maps;
  CHECK(maps[0].target_of({"shop", "tmp_2024"}) == QualifiedName{"archive", "old_2024"});
  CHECK(maps[1].target_of({"shop", "t"}) == QualifiedName{"xh", "t"});
}

TEST_CASE("options: sizes, on_exists, VERIFY repair = apply") {
  struct Case {
    const char* with;
    int64_t batch_bytes;
  };
  const Case cases[] = {{"'4MB'", 4 << 20}, {"'512KB'", 512 << 10}, {"'1GB'", int64_t{1} << 30},
                        {"65536", 65536},   {"'2k'", 2048},         {"8mb", 8 << 20}};
  for (const auto& c : cases) {
    CAPTURE(c.with);
    auto script = compile_ok(std::string(kEndpoints) + "MIGRATE a.* WITH (batch_bytes = " + c.with + ");");
    CHECK(unbound_plan(*script).options.batch_bytes == c.batch_bytes);
  }
  auto script = compile_ok(std::string(kEndpoints) +
                           "MIGRATE a.* WITH (on_exists = append) VERIFY (repair = 'APPLY');");
  CHECK(unbound_plan(*script).options.on_exists == OnExists::kAppend);
  CHECK(unbound_plan(*script).verify.repair_apply);
  CHECK(unbound_plan(*script).verify.enabled);
}

TEST_CASE("standalone VERIFY and a VERIFY-only script") {
  auto script = compile_ok(std::string(kEndpoints) + "VERIFY shop.orders, shop.items WITH (chunk_rows = 50);\n"
                                                     "verify crm.*;");
  const Plan& plan = unbound_plan(*script);
  CHECK_FALSE(plan.has_migrate);
  REQUIRE(script->verifies.size() == 2);
  CHECK(script->verifies[0].patterns.size() == 2);
  CHECK(script->verifies[0].options.chunk_rows == 50);
  CHECK(script->verifies[1].options.chunk_rows == 10000);
}

TEST_CASE("compile_file: the samples compile, an unreadable file is a diagnostic") {
  setenv("OMSQL_SRC_PORT", "33061", 1);
  setenv("OMSQL_TGT_PORT", "33062", 1);
  const char* root = std::getenv("OMSQL_SOURCE_ROOT");
  std::string base = root ? root : ".";
  for (const char* sample : {"/samples/quickstart.omsql", "/samples/shop.omsql"}) {
    CAPTURE(sample);
    auto outcome = compile_file(base + sample);
    for (const auto& d : outcome.diagnostics) MESSAGE(d.format());
    CHECK(outcome.ok());
  }
  auto missing = compile_file("/nonexistent/x.omsql");
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].format() == "/nonexistent/x.omsql: error: cannot read file: No such file or directory");
  CHECK_FALSE(missing.ok());
  auto directory = compile_file("/tmp");
  REQUIRE(directory.diagnostics.size() == 1);
  CHECK(directory.diagnostics[0].format() == "/tmp: error: cannot read file: Is a directory");
}

TEST_CASE("compile_file refuses devices, pipes and files over 16 MB before reading them") {
  auto device = compile_file("/dev/zero");  // read to the end, it would never end
  REQUIRE(device.diagnostics.size() == 1);
  CHECK(device.diagnostics[0].format() == "/dev/zero: error: cannot read file: not a regular file");

  char folder_template[] = "/tmp/omsql-compile-XXXXXX";
  std::string folder = ::mkdtemp(folder_template);
  std::string fifo = folder + "/script.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto pipe = compile_file(fifo);  // opening it must not wait for a writer
  REQUIRE(pipe.diagnostics.size() == 1);
  CHECK(pipe.diagnostics[0].format() == fifo + ": error: cannot read file: not a regular file");

  std::string large = folder + "/large.omsql";
  {
    std::ofstream out(large);
    out << "SOURCE mysql 'root@h:1';\n";
  }
  std::filesystem::resize_file(large, (16 << 20) + 1);  // sparse: no 16 MB written
  auto too_large = compile_file(large);
  REQUIRE(too_large.diagnostics.size() == 1);
  CHECK(too_large.diagnostics[0].format() == large + ": error: cannot read file: larger than 16 MB, too large for a script");
  std::filesystem::resize_file(large, 16 << 20);  // at the bound: read, then judged as a script
  auto at_bound = compile_file(large);
  REQUIRE_FALSE(at_bound.diagnostics.empty());
  CHECK(at_bound.diagnostics[0].message.find("cannot read file") == std::string::npos);
  std::filesystem::remove_all(folder);
}

TEST_CASE("Diagnostic::format keeps tabs under the caret") {
  Diagnostic d{"f.omsql", 3, 4, "boom", "\tab cd"};
  CHECK(d.format() == "f.omsql:3:4: error: boom\n\tab cd\n\t  ^");
}
