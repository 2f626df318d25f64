#include "src/engine/mysql/mysql_catalog.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <set>

#include "src/catalog/shadow_names.hpp"
#include "src/common/strings.hpp"
#include "src/engine/mysql/mysql_catalog_indexes.hpp"
#include "src/engine/mysql/partition_clause.hpp"
#include "src/sql/quote.hpp"

namespace omsql {
namespace {

// The SQL condition that leaves out is_system_schema's databases (catalog.hpp): kSystemSchemas and
// the shadow databases (`_`, LIKE's wildcard, escaped by '!': no sql_mode changes its meaning).
std::string not_system_schema_sql() {
  std::string list;
  for (auto schema : kSystemSchemas) list += (list.empty() ? "('" : ", '") + std::string(schema) + "'";
  std::string prefix;
  for (char c : kShadowSchemaPrefix) prefix += c == '_' ? std::string("!_") : std::string(1, c);
  return "TABLE_SCHEMA NOT IN " + list + ") AND TABLE_SCHEMA NOT LIKE '" + prefix + "%' ESCAPE '!'";
}

using catalog_rows::Row;

std::string text(const Row& row, size_t i) { return i < row.size() ? row[i].value_or("") : std::string(); }


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

// Whether COLUMN_TYPE has the attribute word `word` ("unsigned", "zerofill") after the type: a
// word outside the parentheses and quotes, so enum('x unsigned') is not unsigned.
bool has_type_attribute(const std::string& column_type, std::string_view word) {
  std::string current;
  int depth = 0;
  char quote = 0;
  auto matches = [&] { return iequals(current, word); };
  for (size_t i = 0; i < column_type.size(); ++i) {
    char c = column_type[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (depth == 0 && c == ' ') {
      if (matches()) return true;
      current.clear();
    } else if (depth == 0) {
      current += c;
    }
  }
  return matches();
}

}  // namespace

namespace catalog_rows {
namespace {

Status short_row(const Row& row, size_t want, const char* view) {
  return Status::corruption(std::string("information_schema.") + view + " returned a row of " +
                            std::to_string(row.size()) + " columns, " + std::to_string(want) + " expected");
}

template <typename T>
Result<std::optional<T>> integer(const std::optional<std::string>& value, const std::string& what) {
  if (!value || value->empty()) return std::optional<T>();
  T out{};
  const char* begin = value->data();
  const char* end = begin + value->size();
  auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ec == std::errc::result_out_of_range)
    return Status::corruption(what + ": value " + *value + " is out of range");
  if (ec != std::errc() || ptr != end) return Status::corruption(what + ": '" + *value + "' is not an integer");
  return std::optional<T>(out);
}

// A narrower integer (ORDINAL_POSITION, precisions): the value must fit in int.
Result<std::optional<int>> small(const std::optional<std::string>& value, const std::string& what) {
  auto v = integer<int64_t>(value, what);
  if (!v) return v.status();
  if (!*v) return std::optional<int>();
  if (**v < std::numeric_limits<int>::min() || **v > std::numeric_limits<int>::max())
    return Status::corruption(what + ": value " + *value + " is out of range");
  return std::optional<int>(static_cast<int>(**v));
}

}  // namespace

Result<std::optional<int64_t>> signed_value(const std::optional<std::string>& value, const std::string& what) {
  return integer<int64_t>(value, what);
}

Result<std::optional<uint64_t>> unsigned_value(const std::optional<std::string>& value, const std::string& what) {
  if (value && !value->empty() && (*value)[0] == '-') return Status::corruption(what + ": '" + *value + "' is negative");
  return integer<uint64_t>(value, what);
}

Result<TableDef> table_from_row(const Row& row) {
  if (row.size() < 9) return short_row(row, 9, "TABLES");
  TableDef t;
  t.name = {text(row, 0), text(row, 1)};
  const std::string where = "table " + t.name.str();
  t.engine = text(row, 2);
  // The charset is the collation's prefix (utf8mb4_general_ci -> utf8mb4), true of every
  // MariaDB and MySQL collation name.
  if (row[3]) {
    t.collation = *row[3];
    t.charset = row[3]->substr(0, row[3]->find('_'));
  }
  t.comment = text(row, 4);
  auto ai = unsigned_value(row[5], where + " AUTO_INCREMENT");
  if (!ai) return ai.status();
  t.auto_increment = *ai;
  auto rows = unsigned_value(row[6], where + " TABLE_ROWS");
  if (!rows) return rows.status();
  t.estimated_rows = rows->value_or(0);
  auto bytes = unsigned_value(row[7], where + " DATA_LENGTH");
  if (!bytes) return bytes.status();
  t.estimated_bytes = bytes->value_or(0);
  t.create_options = text(row, 8);
  return t;
}

Result<ColumnDef> column_from_row(const Row& row, bool mysql_server) {
  if (row.size() < 17) return short_row(row, 17, "COLUMNS");
  ColumnDef col;
  col.name = text(row, 2);
  const std::string where = "column " + text(row, 0) + "." + text(row, 1) + "." + col.name;
  auto ordinal = small(row[3], where + " ORDINAL_POSITION");
  if (!ordinal) return ordinal.status();
  col.ordinal = ordinal->value_or(0);
  col.nullable = text(row, 5) == "YES";
  col.data_type = to_lower(text(row, 6));
  auto length = signed_value(row[7], where + " CHARACTER_MAXIMUM_LENGTH");
  if (!length) return length.status();
  col.char_max_length = *length;
  auto precision = small(row[8], where + " NUMERIC_PRECISION");
  if (!precision) return precision.status();
  col.numeric_precision = *precision;
  auto scale = small(row[9], where + " NUMERIC_SCALE");
  if (!scale) return scale.status();
  col.numeric_scale = *scale;
  auto datetime = small(row[10], where + " DATETIME_PRECISION");
  if (!datetime) return datetime.status();
  col.datetime_precision = *datetime;
  col.charset = row[11];
  col.collation = row[12];
  col.column_type = text(row, 13);
  col.is_unsigned = has_type_attribute(col.column_type, "unsigned");
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
  return col;
}

Result<StatisticsRow> statistics_from_row(const Row& row) {
  if (row.size() < 10) return short_row(row, 10, "STATISTICS");
  StatisticsRow out;
  out.table = {text(row, 0), text(row, 1)};
  out.index.name = text(row, 2);
  const std::string where = "index " + out.table.str() + "." + out.index.name;
  out.index.unique = text(row, 3) == "0";
  out.index.kind = upper(text(row, 8));
  out.index.comment = text(row, 9);
  auto seq = signed_value(row[4], where + " SEQ_IN_INDEX");
  if (!seq) return seq.status();
  out.seq = seq->value_or(0);
  out.part.column = text(row, 5);
  auto prefix = signed_value(row[6], where + " SUB_PART");
  if (!prefix) return prefix.status();
  out.part.prefix_length = *prefix;
  out.part.descending = text(row, 7) == "D";
  if (row.size() > 10) {
    out.index.hidden_as = text(row, 10);
    if (out.index.hidden_as != "" && out.index.hidden_as != "IGNORED" && out.index.hidden_as != "INVISIBLE")
      return Status::corruption(where + ": unexpected visibility '" + out.index.hidden_as + "'");
  }
  return out;
}

Status apply_srs_id(const Row& row, ColumnDef& column) {
  if (row.size() < 4) return short_row(row, 4, "COLUMNS (SRS_ID)");
  const std::string where = "column " + text(row, 0) + "." + text(row, 1) + "." + text(row, 2) + " SRS_ID";
  auto srid = unsigned_value(row[3], where);
  if (!srid) return srid.status();
  if (!*srid) return Status::ok();  // NULL: no SRID attribute
  if (**srid > std::numeric_limits<uint32_t>::max())
    return Status::corruption(where + ": '" + text(row, 3) + "' is not an SRID");
  column.srid = static_cast<uint32_t>(**srid);
  column.srid_enforced = true;
  return Status::ok();
}

}  // namespace catalog_rows

Result<std::vector<QualifiedName>> MysqlCatalog::list_tables() const {
  auto result = connection_->query(
      std::string("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
                  "AND ") +
      not_system_schema_sql() + " ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!result) return result.status().with_context("listing tables");
  std::vector<QualifiedName> names;
  for (const auto& row : result->rows) names.push_back({text(row, 0), text(row, 1)});
  // ORDER BY uses the column collation; the contract promises byte order.
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::map<QualifiedName, std::string>> MysqlCatalog::list_other_tables() const {
  auto result = connection_->query(
      std::string("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_TYPE IN "
                  "('SYSTEM VERSIONED', 'SEQUENCE') AND ") +
      not_system_schema_sql());
  if (!result) return result.status().with_context("listing sequences and system-versioned tables");
  std::map<QualifiedName, std::string> out;
  for (const auto& row : result->rows) out[{text(row, 0), text(row, 1)}] = text(row, 2);
  return out;
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

  // Tables.
  auto tables = c.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, AUTO_INCREMENT, TABLE_ROWS, "
      "DATA_LENGTH, CREATE_OPTIONS FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND " +
      table_filter(c, wanted, "TABLE_SCHEMA", "TABLE_NAME"));
  if (!tables) return tables.status().with_context("reading information_schema.TABLES");
  for (const auto& row : tables->rows) {
    auto t = catalog_rows::table_from_row(row);
    if (!t) return t.status().with_context(c.describe());
    defs.emplace(t->name, std::move(*t));
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
    auto col = catalog_rows::column_from_row(row, mysql_server);
    if (!col) return col.status().with_context(c.describe());
    it->second.columns.push_back(std::move(*col));
  }

  // What this server's information_schema has: STATISTICS.IGNORED (MariaDB 10.6+) or IS_VISIBLE
  // (MySQL 8) for indexes the optimizer does not use, COLUMNS.SRS_ID (MySQL 8) for SRIDs.
  std::string hidden_expression = "''";
  bool has_srs_id = false;
  {
    auto capabilities = c.query(
        "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' "
        "AND ((TABLE_NAME = 'STATISTICS' AND COLUMN_NAME IN ('IGNORED', 'IS_VISIBLE')) OR "
        "(TABLE_NAME = 'COLUMNS' AND COLUMN_NAME = 'SRS_ID'))");
    if (!capabilities) return capabilities.status().with_context("reading information_schema's own columns");
    for (const auto& row : capabilities->rows) {
      const std::string column = upper(text(row, 1));
      if (column == "IGNORED") hidden_expression = "IF(IGNORED = 'YES', 'IGNORED', '')";
      else if (column == "IS_VISIBLE") hidden_expression = "IF(IS_VISIBLE = 'NO', 'INVISIBLE', '')";
      else if (column == "SRS_ID") has_srs_id = true;
    }
  }

  // MySQL 8's SRID attribute (enforced), when the server has one.
  if (has_srs_id) {
    auto srids = c.query("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, SRS_ID FROM information_schema.COLUMNS "
                         "WHERE SRS_ID IS NOT NULL AND " + table_filter(c, wanted, "TABLE_SCHEMA", "TABLE_NAME"));
    if (!srids) return srids.status().with_context("reading information_schema.COLUMNS.SRS_ID");
    for (const auto& row : srids->rows) {
      auto it = defs.find({text(row, 0), text(row, 1)});
      if (it == defs.end()) continue;
      for (auto& column : it->second.columns)
        if (iequals(column.name, text(row, 2)))
          if (Status applied = catalog_rows::apply_srs_id(row, column); !applied)
            return applied.with_context(c.describe());
    }
  }

  // MariaDB's REF_SYSTEM_ID of geometry columns (MySQL has no such view).
  if (!mysql_server) {
    auto geometry = c.query(
        "SELECT G_TABLE_SCHEMA, G_TABLE_NAME, G_GEOMETRY_COLUMN, SRID FROM information_schema.GEOMETRY_COLUMNS "
        "WHERE SRID <> 0 AND " + table_filter(c, wanted, "G_TABLE_SCHEMA", "G_TABLE_NAME"));
    if (!geometry) return geometry.status().with_context("reading information_schema.GEOMETRY_COLUMNS");
    for (const auto& row : geometry->rows) {
      auto it = defs.find({text(row, 0), text(row, 1)});
      if (it == defs.end()) continue;
      const std::string where = "column " + it->first.str() + "." + text(row, 2) + " SRID";
      auto srid = catalog_rows::unsigned_value(row.size() > 3 ? row[3] : std::nullopt, where);
      if (!srid) return srid.status().with_context(c.describe());
      if (!*srid || **srid > std::numeric_limits<uint32_t>::max())
        return Status::corruption(c.describe() + ": " + where + ": '" + text(row, 3) + "' is not an SRID");
      for (auto& column : it->second.columns)
        if (iequals(column.name, text(row, 2))) column.srid = static_cast<uint32_t>(**srid);
    }
  }

  // No ORDER BY: the view returns each table's indexes in the server's key order (primary key
  // first), which SHOW CREATE TABLE also uses; sorting by name would lose it.
  auto statistics = c.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, COLLATION, "
      "INDEX_TYPE, INDEX_COMMENT, " + hidden_expression + " FROM information_schema.STATISTICS WHERE " +
      table_filter(c, wanted, "TABLE_SCHEMA", "TABLE_NAME"));
  if (!statistics) return statistics.status().with_context("reading information_schema.STATISTICS");
  struct PendingPart {
    int64_t seq;
    IndexPart part;
  };
  std::map<std::pair<QualifiedName, std::string>, std::vector<PendingPart>> parts;
  for (const auto& row : statistics->rows) {
    auto stat = catalog_rows::statistics_from_row(row);
    if (!stat) return stat.status().with_context(c.describe());
    auto it = defs.find(stat->table);
    if (it == defs.end()) continue;
    auto& indexes = it->second.indexes;
    const std::string& index_name = stat->index.name;
    auto index = std::find_if(indexes.begin(), indexes.end(), [&](const IndexDef& i) { return i.name == index_name; });
    if (index == indexes.end()) indexes.push_back(stat->index);
    parts[{stat->table, index_name}].push_back({stat->seq, std::move(stat->part)});
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

  // The databases' defaults, so CREATE DATABASE on the target keeps them.
  std::set<std::string> schemas;
  for (const auto& name : wanted) schemas.insert(name.schema);
  std::string schema_list;
  for (const auto& schema : schemas) schema_list += (schema_list.empty() ? "'" : ", '") + c.escape(schema) + "'";
  auto schemata = c.query(
      "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
      "WHERE SCHEMA_NAME IN (" + schema_list + ")");
  if (!schemata) return schemata.status().with_context("reading information_schema.SCHEMATA");
  for (const auto& row : schemata->rows)
    for (auto& [name, def] : defs)
      if (name.schema == text(row, 0)) {
        if (row.size() > 1) def.schema_charset = row[1];
        if (row.size() > 2) def.schema_collation = row[2];
      }

  // SHOW CREATE TABLE, one statement per table: the USING clause of each index (information_schema
  // cannot tell it, mysql_catalog_indexes.hpp) and the exact partitioning (partition_clause.hpp says
  // why not information_schema.PARTITIONS).
  for (auto& [name, def] : defs) {
    auto created = c.query("SHOW CREATE TABLE " + sql::quote_name(name));
    if (!created) return created.status().with_context("reading SHOW CREATE TABLE " + name.str());
    if (created->rows.empty() || created->rows[0].size() < 2 || !created->rows[0][1])
      return Status::corruption(c.describe() + ": SHOW CREATE TABLE " + name.str() + " returned no definition");
    const std::string& text = *created->rows[0][1];
    auto algorithms = index_algorithms(text);
    for (auto& index : def.indexes)
      if (auto it = algorithms.find(index.name); it != algorithms.end()) index.algorithm = it->second;
    if (!def.partitioned()) continue;
    def.partitioning = parse_partition_clause(text);
    if (!def.partitioning) def.partitioning = PartitioningDef{{}, {}, {}, "no PARTITION BY clause in SHOW CREATE TABLE"};
  }

  out.reserve(wanted.size());
  for (const auto& name : wanted) out.push_back(defs.at(name));
  return out;
}

}  // namespace omsql
