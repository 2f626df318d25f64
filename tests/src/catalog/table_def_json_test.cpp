// TableDef ⇄ JSON: every field of table_def.hpp survives, set and unset, and a damaged member is named.
#include <doctest/doctest.h>

#include "src/catalog/table_def_json.hpp"

using namespace omsql;

namespace {

// Every field set to something other than its default (and some optionals left unset elsewhere),
// partitioning with subpartitions included.
TableDef rich_definition() {
  TableDef t;
  t.name = {"shop", "orders \xc3\xa9t\xc3\xa9"};  // UTF-8 in a name
  ColumnDef id;
  id.name = "id";
  id.ordinal = 1;
  id.data_type = "bigint";
  id.column_type = "bigint(20) unsigned";
  id.nullable = false;
  id.is_unsigned = true;
  id.extra = "auto_increment";
  id.numeric_precision = 20;
  id.numeric_scale = 0;
  id.comment = "the key";
  ColumnDef note;
  note.name = "note";
  note.ordinal = 2;
  note.data_type = "varchar";
  note.column_type = "varchar(200)";
  note.default_value = "'it''s'";
  note.charset = "utf8mb4";
  note.collation = "utf8mb4_unicode_ci";
  note.char_max_length = 200;
  ColumnDef raw;
  raw.name = "raw";
  raw.ordinal = 3;
  raw.data_type = "binary";
  raw.column_type = "binary(2)";
  raw.default_value = std::string("\xff\x00", 2);  // not UTF-8: kept as hex
  ColumnDef total;
  total.name = "total";
  total.ordinal = 4;
  total.data_type = "decimal";
  total.column_type = "decimal(14,4)";
  total.is_generated = true;
  total.generation_expression = "`amt` * 2";
  total.generated_stored = true;
  total.numeric_precision = 14;
  total.numeric_scale = 4;
  ColumnDef at;
  at.name = "at";
  at.ordinal = 5;
  at.data_type = "timestamp";
  at.column_type = "timestamp(3)";
  at.default_value = "current_timestamp(3)";
  at.extra = "on update current_timestamp(3)";
  at.datetime_precision = 3;
  at.srid_enforced = true;  // not a geometry column, but the field round-trips all the same
  t.columns = {id, note, raw, total, at};
  IndexDef pk;
  pk.name = "PRIMARY";
  pk.unique = true;
  pk.parts = {{"id", std::nullopt, false}};
  pk.algorithm = "BTREE";
  IndexDef by_note;
  by_note.name = "by_note";
  by_note.kind = "FULLTEXT";
  by_note.parts = {{"note", 10, true}, {"at", std::nullopt, false}};
  by_note.comment = "search";
  by_note.algorithm = "";
  by_note.hidden_as = "IGNORED";
  t.indexes = {pk, by_note};
  ForeignKeyDef fk;
  fk.name = "fk_customer";
  fk.columns = {"id", "note"};
  fk.referenced = {"crm", "customers"};
  fk.referenced_columns = {"cid", "cnote"};
  fk.on_update = "CASCADE";
  fk.on_delete = "SET NULL";
  t.foreign_keys = {fk};
  t.engine = "Aria";
  t.charset = "utf8mb4";
  t.collation = "utf8mb4_bin";
  t.comment = "orders\nwith a newline and \"quotes\"";
  t.schema_charset = "latin1";
  t.schema_collation = "latin1_swedish_ci";
  t.auto_increment = 18446744073709551615ULL;
  t.check_constraints_sql = "CHECK (`id` > 0)";
  t.checks = {{"positive", "`id` > 0", false}, {"note", "json_valid(`note`)", true}};
  t.create_options = "row_format=DYNAMIC stats_persistent=1 partitioned";
  PartitioningDef parts;
  parts.method = PartitionMethod{"RANGE COLUMNS", std::nullopt, "", {"at", "id"}, "", std::nullopt};
  parts.sub = PartitionMethod{"LINEAR KEY", 2, "", {"id"}, "", 4};
  PartitionDef p0{"p0", "VALUES LESS THAN ('2024-01-01',10)", {{"ENGINE", "InnoDB"}, {"COMMENT", "'old'"}},
                  {PartitionDef{"s0", "", {{"DATA DIRECTORY", "'/x'"}}, {}}, PartitionDef{"s1", "", {}, {}}}};
  PartitionDef p1{"pmax", "VALUES LESS THAN (MAXVALUE,MAXVALUE)", {}, {}};
  parts.partitions = {p0, p1};
  parts.unreadable = "not read: why";
  t.partitioning = parts;
  t.estimated_rows = 123456789;
  t.estimated_bytes = 9876543210;
  return t;
}

}  // namespace

TEST_CASE("a rich definition survives to_json, dump, parse and table_def_from_json") {
  const TableDef rich = rich_definition();
  nlohmann::json j = to_json(rich);
  CHECK(j.at("columns").at(2).at("default_value") == nlohmann::json{{"hex", "ff00"}});
  auto back = table_def_from_json(nlohmann::json::parse(j.dump()));
  REQUIRE(back.is_ok());
  CHECK(*back == rich);
  CHECK(back->columns[2].default_value->size() == 2);

  // Defaults and unset optionals survive too.
  TableDef plain;
  plain.name = {"a", "b"};
  plain.columns.push_back(ColumnDef{});
  auto plain_back = table_def_from_json(nlohmann::json::parse(to_json(plain).dump()));
  REQUIRE(plain_back.is_ok());
  CHECK(*plain_back == plain);
  CHECK_FALSE(plain_back->auto_increment.has_value());

  // A record written before the USING clause was read has no "algorithm": not read, as then.
  nlohmann::json old = to_json(rich);
  for (auto& index : old.at("indexes")) index.erase("algorithm");
  auto old_back = table_def_from_json(old);
  REQUIRE(old_back.is_ok());
  CHECK_FALSE(old_back->indexes[0].algorithm.has_value());
  CHECK_FALSE(old_back->indexes[1].algorithm.has_value());

  // Nor, before this was read, "hidden_as" and "srid_enforced": an ordinary index, an unenforced SRID.
  nlohmann::json older = to_json(rich);
  for (auto& index : older.at("indexes")) index.erase("hidden_as");
  for (auto& column : older.at("columns")) column.erase("srid_enforced");
  auto older_back = table_def_from_json(older);
  REQUIRE(older_back.is_ok());
  CHECK(older_back->indexes[1].hidden_as.empty());
  CHECK_FALSE(older_back->columns[0].srid_enforced);
}

TEST_CASE("a damaged definition is a Corruption naming what is wrong") {
  nlohmann::json j = to_json(rich_definition());
  j.at("columns").at(0).erase("nullable");
  auto missing = table_def_from_json(j);
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.status().code() == Status::Code::kCorruption);
  CHECK(missing.status().message().find("nullable") != std::string::npos);

  nlohmann::json wrong = to_json(rich_definition());
  wrong["estimated_rows"] = "many";
  CHECK_FALSE(table_def_from_json(wrong).is_ok());
  CHECK_FALSE(qualified_name_from_json(nlohmann::json::array({"only"})).is_ok());
}
