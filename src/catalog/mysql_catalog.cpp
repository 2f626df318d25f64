#include "src/catalog/mysql_catalog.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "src/common/strings.hpp"
#include "src/sql/quote.hpp"

namespace omsql {
namespace {

// The SQL list of kSystemSchemas (catalog.hpp).
std::string system_schema_list() {
  std::string list;
  for (auto schema : kSystemSchemas) list += (list.empty() ? "('" : ", '") + std::string(schema) + "'";
  return list + ")";
}

using Row = std::vector<std::optional<std::string>>;

std::string text(const Row& row, size_t i) { return row[i].value_or(""); }

std::optional<int64_t> number(const Row& row, size_t i) {
  if (!row[i] || row[i]->empty()) return std::nullopt;
  return std::stoll(*row[i]);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// The WHERE condition selecting `tables` in a view whose columns are named `schema_column` and
// `table_column`. Per-table conditions for a handful; for many, whole schemas (filtered afterwards)
// keep the statement short and let the server use its per-schema lookup.
std::string table_filter(Connection& c, const std::vector<QualifiedName>& tables, const char* schema_column,
                         const char* table_column) {
  auto literal = [&](const std::string& s) {
    std::string quoted(1, '\'');
    quoted += c.escape(s);
    quoted += '\'';
    return quoted;
  };
  std::string out;
  if (tables.size() <= 16) {
    for (const auto& t : tables) {
      if (!out.empty()) out += " OR ";
      out += std::string("(") + schema_column + " = " + literal(t.schema) + " AND " + table_column + " = " +
             literal(t.table) + ")";
    }
    return "(" + out + ")";
  }
  std::set<std::string> schemas;
  for (const auto& t : tables) schemas.insert(t.schema);
  for (const auto& s : schemas) out += (out.empty() ? "" : ", ") + literal(s);
  return std::string(schema_column) + " IN (" + out + ")";
}

// MySQL (not MariaDB) prints literal defaults unquoted and marks expressions DEFAULT_GENERATED:
// rewrite to MariaDB's convention so every consumer sees one form.
std::optional<std::string> normalise_mysql_default(const std::optional<std::string>& value, const ColumnDef& column) {
  if (!value) return value;
  if (column.extra.find("DEFAULT_GENERATED") != std::string::npos) {
    std::string lower = to_lower(*value);
    if (lower.rfind("current_timestamp", 0) == 0) return *value;
    return "(" + *value + ")";
  }
  if (column.data_type == "bit") return *value;  // already b'...'
  return sql::text_literal(*value);
}

}  // namespace

Result<std::vector<QualifiedName>> MysqlCatalog::list_tables() const {
  auto result = connection_->query(
      std::string("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
                  "AND TABLE_SCHEMA NOT IN ") +
      system_schema_list() + " ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!result) return result.status().with_context("listing tables");
  std::vector<QualifiedName> names;
  for (const auto& row : result->rows) names.push_back({text(row, 0), text(row, 1)});
  // ORDER BY uses the column collation; the contract promises byte order.
  std::sort(names.begin(), names.end());
  return names;
}

Result<TableDef> MysqlCatalog::describe(const QualifiedName& table) const {
  auto tables = describe_tables({table});
  if (!tables) return tables.status();
  return std::move(tables->front());
}

Result<std::vector<TableDef>> MysqlCatalog::describe_tables(const std::vector<QualifiedName>& wanted) const {
  std::vector<TableDef> out;
  if (wanted.empty()) return out;
  Connection& c = *connection_;
  std::map<QualifiedName, TableDef> defs;
  bool mysql_server = false;
  {
    auto version = c.query_value("SELECT VERSION()");
    if (!version) return version.status();
    mysql_server = version->value_or("").find("MariaDB") == std::string::npos;
  }

  // Tables. The charset is the collation's prefix (utf8mb4_general_ci -> utf8mb4), true of
  // every MariaDB and MySQL collation name.
  auto tables = c.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, AUTO_INCREMENT, TABLE_ROWS, "
      "DATA_LENGTH, CREATE_OPTIONS FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND " +
      table_filter(c, wanted, "TABLE_SCHEMA", "TABLE_NAME"));
  if (!tables) return tables.status().with_context("reading information_schema.TABLES");
  for (const auto& row : tables->rows) {
    TableDef t;
    t.name = {text(row, 0), text(row, 1)};
    t.engine = text(row, 2);
    if (row[3]) {
      t.collation = *row[3];
      t.charset = row[3]->substr(0, row[3]->find('_'));
    }
    t.comment = text(row, 4);
    if (auto ai = number(row, 5)) t.auto_increment = static_cast<uint64_t>(*ai);
    t.estimated_rows = static_cast<uint64_t>(number(row, 6).value_or(0));
    t.estimated_bytes = static_cast<uint64_t>(number(row, 7).value_or(0));
    t.create_options = text(row, 8);
    defs.emplace(t.name, std::move(t));
  }
  for (const auto& name : wanted)
    if (!defs.count(name)) return Status::not_found(c.describe() + ": table " + name.str() + " does not exist");

  auto columns = c.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, "
      "CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, "
      "COLLATION_NAME, COLUMN_TYPE, EXTRA, COLUMN_COMMENT, GENERATION_EXPRESSION "
      "FROM information_schema.COLUMNS WHERE " +
      table_filter(c, wanted, "TABLE_SCHEMA", "TABLE_NAME"));
  if (!columns) return columns.status().with_context("reading information_schema.COLUMNS");
  for (const auto& row : columns->rows) {
    auto it = defs.find({text(row, 0), text(row, 1)});
    if (it == defs.end()) continue;
    ColumnDef col;
    col.name = text(row, 2);
    col.ordinal = static_cast<int>(number(row, 3).value_or(0));
    col.nullable = text(row, 5) == "YES";
    col.data_type = to_lower(text(row, 6));
    col.char_max_length = number(row, 7);
    if (auto v = number(row, 8)) col.numeric_precision = static_cast<int>(*v);
    if (auto v = number(row, 9)) col.numeric_scale = static_cast<int>(*v);
    if (auto v = number(row, 10)) col.datetime_precision = static_cast<int>(*v);
    col.charset = row[11];
    col.collation = row[12];
    col.column_type = text(row, 13);
    col.is_unsigned = col.column_type.find(" unsigned") != std::string::npos;
    col.extra = text(row, 14);
    col.comment = text(row, 15);
    std::string extra = upper(col.extra);
    if (extra.find("VIRTUAL GENERATED") != std::string::npos || extra.find("STORED GENERATED") != std::string::npos ||
        extra.find("PERSISTENT GENERATED") != std::string::npos) {
      col.is_generated = true;
      col.generated_stored = extra.find("VIRTUAL") == std::string::npos;
      col.generation_expression = text(row, 16);
    } else {
      col.default_value = mysql_server ? normalise_mysql_default(row[4], col) : row[4];
    }
    it->second.columns.push_back(std::move(col));
  }

  // No ORDER BY: the view returns each table's indexes in the server's key order (primary key
  // first), which SHOW CREATE TABLE also uses; sorting by name would lose it.
  auto statistics = c.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, COLLATION, "
      "INDEX_TYPE, INDEX_COMMENT FROM information_schema.STATISTICS WHERE " +
      table_filter(c, wanted, "TABLE_SCHEMA", "TABLE_NAME"));
  if (!statistics) return statistics.status().with_context("reading information_schema.STATISTICS");
  struct PendingPart {
    int64_t seq;
    IndexPart part;
  };
  std::map<std::pair<QualifiedName, std::string>, std::vector<PendingPart>> parts;
  for (const auto& row : statistics->rows) {
    QualifiedName name{text(row, 0), text(row, 1)};
    auto it = defs.find(name);
    if (it == defs.end()) continue;
    std::string index_name = text(row, 2);
    auto& indexes = it->second.indexes;
    auto index = std::find_if(indexes.begin(), indexes.end(), [&](const IndexDef& i) { return i.name == index_name; });
    if (index == indexes.end()) {
      IndexDef def;
      def.name = index_name;
      def.unique = text(row, 3) == "0";
      def.kind = upper(text(row, 8));
      def.comment = text(row, 9);
      indexes.push_back(std::move(def));
    }
    IndexPart part;
    part.column = text(row, 5);
    part.prefix_length = number(row, 6);
    part.descending = text(row, 7) == "D";
    parts[{name, index_name}].push_back({number(row, 4).value_or(0), std::move(part)});
  }
  for (auto& [name, def] : defs) {
    for (auto& index : def.indexes) {
      auto& pending = parts[{name, index.name}];
      std::sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
      for (auto& p : pending) index.parts.push_back(std::move(p.part));
      // MariaDB reports SUB_PART=32 for SPATIAL parts: an internal key length, not a prefix.
      if (index.kind == "SPATIAL")
        for (auto& part : index.parts) part.prefix_length.reset();
    }
    std::stable_partition(def.indexes.begin(), def.indexes.end(), [](const IndexDef& i) { return i.is_primary(); });
    std::sort(def.columns.begin(), def.columns.end(),
              [](const auto& a, const auto& b) { return a.ordinal < b.ordinal; });
  }

  auto foreign_keys = c.query(
      "SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.ORDINAL_POSITION, "
      "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE "
      "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
      "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME "
      "AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND " +
      table_filter(c, wanted, "k.TABLE_SCHEMA", "k.TABLE_NAME") + " ORDER BY k.ORDINAL_POSITION");
  if (!foreign_keys) return foreign_keys.status().with_context("reading information_schema.KEY_COLUMN_USAGE");
  for (const auto& row : foreign_keys->rows) {
    auto it = defs.find({text(row, 0), text(row, 1)});
    if (it == defs.end()) continue;
    auto& fks = it->second.foreign_keys;
    std::string fk_name = text(row, 2);
    auto fk = std::find_if(fks.begin(), fks.end(), [&](const ForeignKeyDef& f) { return f.name == fk_name; });
    if (fk == fks.end()) {
      ForeignKeyDef def;
      def.name = fk_name;
      def.referenced = {text(row, 5), text(row, 6)};
      def.on_update = text(row, 8);
      def.on_delete = text(row, 9);
      fks.push_back(std::move(def));
      fk = fks.end() - 1;
    }
    fk->columns.push_back(text(row, 3));
    fk->referenced_columns.push_back(text(row, 7));
  }
  for (auto& [name, def] : defs)
    std::sort(def.foreign_keys.begin(), def.foreign_keys.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });

  // CHECK_CONSTRAINTS exists from MariaDB 10.2 / MySQL 8.0.16; MariaDB adds TABLE_NAME (and LEVEL
  // from 10.5.10), MySQL has neither and is joined to TABLE_CONSTRAINTS for the table. An old
  // server without the view has no checks to copy.
  auto check_view = c.query(
      "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' "
      "AND TABLE_NAME = 'CHECK_CONSTRAINTS'");
  if (!check_view) return check_view.status();
  std::set<std::string> check_columns;
  for (const auto& row : check_view->rows) check_columns.insert(upper(text(row, 0)));
  std::string check_query;
  if (check_columns.count("TABLE_NAME")) {
    check_query = std::string("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, ") +
                  (check_columns.count("LEVEL") ? "LEVEL" : "'Table'") +
                  " FROM information_schema.CHECK_CONSTRAINTS WHERE " +
                  table_filter(c, wanted, "CONSTRAINT_SCHEMA", "TABLE_NAME");
  } else if (check_columns.count("CHECK_CLAUSE")) {
    check_query =
        "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.CONSTRAINT_NAME, k.CHECK_CLAUSE, 'Table' "
        "FROM information_schema.TABLE_CONSTRAINTS t JOIN information_schema.CHECK_CONSTRAINTS k "
        "ON k.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = t.CONSTRAINT_NAME "
        "WHERE t.CONSTRAINT_TYPE = 'CHECK' AND " +
        table_filter(c, wanted, "t.TABLE_SCHEMA", "t.TABLE_NAME");
  }
  if (!check_query.empty()) {
    auto checks = c.query(check_query);
    if (!checks) return checks.status().with_context("reading information_schema.CHECK_CONSTRAINTS");
    for (const auto& row : checks->rows) {
      auto it = defs.find({text(row, 0), text(row, 1)});
      if (it == defs.end()) continue;
      it->second.checks.push_back({text(row, 2), text(row, 3), text(row, 4) == "Column"});
    }
  }

  out.reserve(wanted.size());
  for (const auto& name : wanted) out.push_back(defs.at(name));
  return out;
}

}  // namespace omsql
