// table_differences and same_server: pure decisions of the pre-flight, table by table.
#include <doctest/doctest.h>

#include "src/check/preflight.hpp"

using namespace omsql;
using namespace omsql::check;

namespace {

ColumnDef column(std::string name, std::string type, bool nullable = true) {
  ColumnDef c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.nullable = nullable;
  if (c.data_type == "varchar" || c.data_type == "char" || c.data_type == "text") {
    c.charset = "utf8mb4";
    c.collation = "utf8mb4_general_ci";
  }
  return c;
}

TableDef table(std::vector<ColumnDef> columns, std::vector<std::string> primary_key) {
  TableDef t;
  t.name = {"db", "t"};
  t.columns = std::move(columns);
  if (!primary_key.empty()) {
    IndexDef pk;
    pk.name = "PRIMARY";
    pk.unique = true;
    for (auto& c : primary_key) pk.parts.push_back({c, std::nullopt, false});
    t.indexes.push_back(pk);
  }
  return t;
}

TableJob job_for(const TableDef& source) {
  TableJob job;
  job.source = job.target = source.name;
  job.source_def = source;
  for (const auto& c : source.columns) job.columns.push_back({c.name, c.name, std::nullopt, c.is_generated});
  job.key = choose_row_key(source);
  return job;
}

const TableDef kSource = table({column("id", "int(11)", false), column("name", "varchar(40)"),
                                column("amount", "decimal(10,2)")},
                               {"id"});

std::string all(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

TEST_CASE("an existing table like the source matches; wider types and display widths are fine") {
  CHECK(table_differences(job_for(kSource), kSource).empty());
  TableDef wider = table({column("ID", "int", false), column("name", "varchar(100)"), column("amount", "decimal(12,2)")},
                         {"id"});
  CHECK(all(table_differences(job_for(kSource), wider)) == "");
}

TEST_CASE("every difference is listed, each naming its column") {
  TableDef other = table({column("id", "smallint(6)", false), column("name", "varchar(40)", false),
                          column("extra", "int(11)")},
                         {});
  other.columns[1].charset = "latin1";
  CHECK(all(table_differences(job_for(kSource), other)) ==
        "column `id`: int(11) to smallint(6): narrows the integer range: larger values are rejected or clipped\n"
        "column `name` is NOT NULL in the target but allows NULL in the source\n"
        "column `name`: character set latin1 in the target, utf8mb4 in the source (text is copied as bytes, "
        "unconverted)\n"
        "column `amount` is missing\n"
        "column `extra` is in the target but not in the job\n"
        "no PRIMARY KEY or UNIQUE index on (`id`) in the target: rows are replaced by that key, so without it they "
        "would be duplicated");
}

TEST_CASE("the key: a UNIQUE index will do, a prefix or another collation will not") {
  TableDef unique = table({column("id", "int(11)", false), column("name", "varchar(40)"),
                           column("amount", "decimal(10,2)")},
                          {});
  unique.indexes.push_back(IndexDef{"uk", true, "BTREE", {{"id", std::nullopt, false}}, ""});
  CHECK(table_differences(job_for(kSource), unique).empty());

  TableDef text_key_source = table({column("code", "varchar(20)", false), column("v", "int(11)")}, {"code"});
  text_key_source.columns[0].collation = "utf8mb4_bin";
  TableDef prefixed = text_key_source;
  prefixed.indexes[0].parts[0].prefix_length = 10;
  CHECK(all(table_differences(job_for(text_key_source), prefixed)).find("no PRIMARY KEY or UNIQUE index on (`code`)") == 0);
  TableDef case_insensitive = text_key_source;
  case_insensitive.columns[0].collation = "utf8mb4_general_ci";
  CHECK(all(table_differences(job_for(text_key_source), case_insensitive)) ==
        "key column `code`: collation utf8mb4_general_ci in the target, utf8mb4_bin in the source (keys distinct in "
        "the source could collide)");
}

TEST_CASE("MAP COLUMN, CAST and generated columns are judged as the job writes them") {
  TableJob job = job_for(kSource);
  job.columns[1].target = "full_name";
  job.columns[2].cast_to = "BIGINT";
  TableDef target = table({column("id", "int(11)", false), column("full_name", "varchar(40)"),
                           column("amount", "bigint(20)")},
                          {"id"});
  CHECK(table_differences(job, target).empty());

  TableDef source = kSource;
  source.columns.push_back(column("total", "decimal(12,2)"));
  source.columns.back().is_generated = true;
  TableDef plain = source;
  plain.columns.back().is_generated = false;
  CHECK(all(table_differences(job_for(source), plain)) ==
        "column `total` is generated in the source but not in the target");
  CHECK(all(table_differences(job_for(plain), source)) ==
        "column `total` is generated in the target but copied from the source");
}

TEST_CASE("same_server: server_uuid decides where both have one, else every identity fact") {
  ServerIdentity a{"", "vm", "3306", "/var/lib/mysql/", "1", "ad93-02fc00000001"};
  CHECK(same_server(a, a));
  ServerIdentity clone = a;
  clone.uuid_node = "adb5-02fc00000001";  // same machine image, another server process
  CHECK_FALSE(same_server(a, clone));
  ServerIdentity other_port = a;
  other_port.port = "3307";
  CHECK_FALSE(same_server(a, other_port));
  ServerIdentity no_node = a;
  no_node.uuid_node.clear();
  CHECK(same_server(a, no_node));  // cannot be told apart: treated as one server
  ServerIdentity mysql_a{"3e11fa47-71ca-11e1-9e33-c80aa9429562", "h", "3306", "/d/", "1", ""};
  ServerIdentity mysql_b = mysql_a;
  mysql_b.server_uuid = "4f22fa47-71ca-11e1-9e33-c80aa9429562";
  CHECK_FALSE(same_server(mysql_a, mysql_b));
  mysql_b.hostname = "elsewhere";
  mysql_b.server_uuid = mysql_a.server_uuid;
  CHECK(same_server(mysql_a, mysql_b));
}
