#include "src/schema/dialect_rules.hpp"

#include <algorithm>
#include <cctype>

#include "src/common/strings.hpp"
#include "src/sql/quote.hpp"

namespace omsql::schema {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Rules match whole names and whole words, never parts of them: a type, a collation word or an
// EXTRA flag is recognised only as itself ("utf8mb4_unicode_ci" has the word "unicode",
// "utf8mb4_unicodex_ci" does not; "multiset" is not "multipoint").
std::vector<std::string> split(std::string_view s, char separator) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == separator) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// OceanBase 4.x MySQL mode: the charsets it stores and each one's collations, default first.
struct ObCharset {
  const char* name;
  std::vector<const char*> collations;
};
const std::vector<ObCharset>& oceanbase_charsets() {
  static const std::vector<ObCharset> kCharsets = {
      {"utf8mb4", {"utf8mb4_general_ci", "utf8mb4_bin", "utf8mb4_unicode_ci"}},
      {"utf16", {"utf16_general_ci", "utf16_bin", "utf16_unicode_ci"}},
      {"gbk", {"gbk_chinese_ci", "gbk_bin"}},
      {"gb18030", {"gb18030_chinese_ci", "gb18030_bin"}},
      {"latin1", {"latin1_swedish_ci", "latin1_bin"}},
      {"binary", {"binary"}},
  };
  return kCharsets;
}

// Unicode charsets whose every character utf8mb4 also holds: stored as utf8mb4, nothing lost.
bool is_unicode_subset(const std::string& charset) {
  return charset == "utf8" || charset == "utf8mb3" || charset == "ascii" || charset == "ucs2" || charset == "utf16le" ||
         charset == "utf32";
}

// DATA_TYPE (lower-case) of the types OceanBase stores as LOBs or geometry: no default, no index.
bool is_lob_type(const std::string& data_type) {
  static const std::set<std::string> kLobTypes = {
      "tinytext", "text",  "mediumtext", "longtext", "tinyblob",   "blob",        "mediumblob",      "longblob",
      "json",     "geometry", "point",   "linestring", "polygon",  "multipoint",  "multilinestring", "multipolygon",
      "geometrycollection"};
  return kLobTypes.count(data_type) > 0;
}

// The length of the quoted literal starting at s[0] ('...', with '' and backslash escapes), or 0
// when it is not terminated.
size_t quoted_length(std::string_view s) {
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '\'') {
      if (i + 1 < s.size() && s[i + 1] == '\'') ++i;
      else return i + 1;
    }
  }
  return 0;
}

bool all_of(std::string_view s, const char* allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

// A whole decimal number: [+-] digits [. digits] [e [+-] digits], or .digits.
bool is_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i == s.size()) return false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  return i == s.size();
}

// The whole text is one literal (MariaDB prints expression defaults in parentheses or as calls,
// and `'a' || 'b'` or `1 + 1` are not literals however they start).
bool is_literal_default(const std::string& value) {
  if (value.empty()) return true;
  std::string lower = to_lower(value);
  if (lower == "null" || is_number(lower)) return true;
  std::string_view v = lower;
  if (starts_with(v, "_binary")) {  // an introducer before a string or hex literal
    v.remove_prefix(7);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  }
  if (!v.empty() && v.front() == '\'') return quoted_length(v) == v.size();
  if (starts_with(v, "b'") || starts_with(v, "x'"))
    return v.size() >= 3 && v.back() == '\'' && all_of(v.substr(2, v.size() - 3), v[0] == 'b' ? "01" : "0123456789abcdef");
  if (starts_with(v, "0x")) return all_of(v.substr(2), "0123456789abcdef");
  if (starts_with(v, "0b")) return all_of(v.substr(2), "01");
  return false;
}

// current_timestamp(), current_timestamp(6), now(), localtimestamp() ... as CURRENT_TIMESTAMP[(n)].
std::optional<std::string> as_current_timestamp(const std::string& value) {
  std::string lower = to_lower(value);
  for (const char* name : {"current_timestamp", "now", "localtimestamp", "localtime"}) {
    if (!starts_with(lower, name)) continue;
    std::string rest = lower.substr(std::string_view(name).size());
    if (rest.empty() || rest == "()") return std::string("CURRENT_TIMESTAMP");
    if (rest.size() > 2 && rest.front() == '(' && rest.back() == ')' &&
        std::all_of(rest.begin() + 1, rest.end() - 1,
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return "CURRENT_TIMESTAMP" + rest;
  }
  return std::nullopt;
}

// "row_format=DYNAMIC `page_compressed`='ON'" -> tokens, quotes respected.
std::vector<std::string> split_options(const std::string& options) {
  std::vector<std::string> out;
  std::string current;
  char quote = 0;
  for (char c : options) {
    if (quote) {
      current += c;
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      current += c;
    } else if (c == ' ') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

}  // namespace

Result<CharsetChoice> choose_charset(Dialect dialect, const std::optional<std::string>& charset,
                                     const std::optional<std::string>& collation, const std::string& where,
                                     std::vector<std::string>* warnings) {
  CharsetChoice choice{charset, collation};
  if (dialect == Dialect::kMysql || !charset) return choice;

  std::string source_charset = to_lower(*charset);
  std::string source_collation = to_lower(collation.value_or(""));
  std::string target_charset = source_charset;
  if (is_unicode_subset(source_charset)) {
    target_charset = "utf8mb4";
    warnings->push_back(where + ": charset " + source_charset + " stored as utf8mb4 (OceanBase has no " +
                        source_charset + "; utf8mb4 holds every character of it)");
  }
  const ObCharset* ob = nullptr;
  for (const auto& c : oceanbase_charsets())
    if (target_charset == c.name) ob = &c;
  if (!ob)
    return Status::unsupported(
        where + ": charset " + source_charset +
        " is not supported by OceanBase (utf8mb4, utf16, gbk, gb18030, latin1, binary); "
        "CAST the column to a type with an explicit CHARACTER SET utf8mb4, or convert the source");
  choice.charset = ob->name;
  if (source_collation.empty()) {
    choice.collation.reset();
    return choice;
  }
  // Same name under the (possibly new) charset, else the nearest family, else the default. The
  // collation's words after its charset's name (utf8mb3_general_ci -> general, ci), whatever the
  // charset is called (MariaDB reports utf8mb3_* collations of charset utf8 too).
  std::vector<std::string> words = split(source_collation, '_');
  words.erase(words.begin());
  std::string renamed = words.empty() ? target_charset : target_charset + "_" + join(words, "_");
  auto supported = [&](const std::string& name) {
    return std::any_of(ob->collations.begin(), ob->collations.end(), [&](const char* c) { return name == c; });
  };
  std::string chosen;
  if (supported(source_collation))
    chosen = source_collation;
  else if (supported(renamed))
    chosen = renamed;
  else if (!words.empty() && (words.back() == "bin" || words.back() == "cs") && supported(target_charset + "_bin"))
    chosen = target_charset + "_bin";  // keep case- and accent-sensitivity: unique keys accept the same rows
  else if (std::any_of(words.begin(), words.end(),
                       [](const std::string& w) {
                         return w == "unicode" || w == "0900" || (w.size() > 3 && starts_with(w, "uca") &&
                                                                  all_of(std::string_view(w).substr(3), "0123456789"));
                       }) &&
           supported(target_charset + "_unicode_ci"))
    chosen = target_charset + "_unicode_ci";
  else
    chosen = ob->collations.front();
  if (chosen != source_collation && !(chosen == renamed && is_unicode_subset(source_charset)))
    warnings->push_back(where + ": collation " + source_collation + " is not supported by OceanBase: using " + chosen +
                        " (comparisons and unique keys may treat some strings differently)");
  choice.collation = chosen;
  return choice;
}

std::string column_type(Dialect dialect, const ColumnDef& column, const std::string& where,
                        std::vector<std::string>* warnings) {
  if (dialect == Dialect::kMysql) return column.column_type;
  // MariaDB-only types: their text form is what the copy reads, so a string column holds it exactly.
  const char* replacement = nullptr;
  if (column.data_type == "uuid")
    replacement = "char(36)";
  else if (column.data_type == "inet6")
    replacement = "varchar(39)";
  else if (column.data_type == "inet4")
    replacement = "varchar(15)";
  if (!replacement) return column.column_type;
  warnings->push_back(where + ": MariaDB type " + column.column_type + " has no OceanBase equivalent: created as " +
                      replacement + " holding its text form");
  return replacement;
}

std::optional<std::string> column_default(Dialect dialect, const ColumnDef& column, const std::string& where,
                                          std::vector<std::string>* warnings) {
  if (column.is_generated || !column.default_value) return std::nullopt;
  const std::string& value = *column.default_value;
  if (dialect == Dialect::kMysql) return value;
  if (iequals(value, "NULL")) return value;
  if (is_lob_type(column.data_type)) {
    warnings->push_back(where + ": DEFAULT " + value +
                        " dropped (OceanBase allows no default on TEXT/BLOB/JSON/geometry columns)");
    return std::nullopt;
  }
  if (is_literal_default(value)) return value;
  if (auto now = as_current_timestamp(value)) return now;
  warnings->push_back(where + ": expression DEFAULT " + value +
                      " dropped (only literal and CURRENT_TIMESTAMP defaults are portable to OceanBase); "
                      "copied rows keep their values, new rows get NULL or the type's implicit default");
  return std::nullopt;
}

std::string column_extra_attributes(Dialect dialect, const ColumnDef& column, const std::string& /*where*/,
                                    std::vector<std::string>* /*warnings*/) {
  // EXTRA is words: "on update current_timestamp(6) INVISIBLE", "DEFAULT_GENERATED on update ...".
  std::vector<std::string> words = split(column.extra, ' ');
  std::string out;
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    if (!iequals(words[i], "on") || !iequals(words[i + 1], "update")) continue;
    std::string value = words[i + 2];
    if (dialect == Dialect::kOceanBase) value = as_current_timestamp(value).value_or(value);
    out += " ON UPDATE " + value;
    break;
  }
  // OceanBase's MySQL mode accepts the attribute (docs/dialects.md): kept on both dialects.
  if (std::any_of(words.begin(), words.end(), [](const std::string& w) { return iequals(w, "invisible"); }))
    out += " INVISIBLE";
  return out;
}

bool keep_index(const DialectTarget& target, const IndexDef& index, const TableDef& table, const std::string& where,
                std::vector<std::string>* warnings) {
  if (target.dialect == Dialect::kMysql) return true;
  std::string what = index.is_primary() ? "primary key" : "index `" + index.name + "`";
  std::string consequence = index.unique ? " (uniqueness is no longer enforced on the target)" : "";
  if (index.kind == "FULLTEXT") {
    if (!target.oceanbase_at_least(4, 3, 1)) {
      warnings->push_back(where + ": FULLTEXT " + what + " dropped: " + target.describe_oceanbase() +
                          " has no FULLTEXT index (OceanBase has them from 4.3.1: declare TARGET ... VERSION if the "
                          "target is newer, or create it by hand)");
      return false;
    }
    warnings->push_back(where + ": FULLTEXT " + what +
                        " created, but OceanBase tokenizes with its own parsers: MATCH ... AGAINST results and "
                        "relevance can differ from the source's");
    return true;
  }
  if (index.kind == "SPATIAL") {
    if (!target.oceanbase_at_least(4, 2, 2)) {
      warnings->push_back(where + ": SPATIAL " + what + " dropped: " + target.describe_oceanbase() +
                          " has no spatial index (OceanBase supports GIS from 4.2.2: declare TARGET ... VERSION if "
                          "the target is newer)");
      return false;
    }
    for (const auto& part : index.parts) {
      const ColumnDef* column = table.find_column(part.column);
      if (column && column->nullable) {
        warnings->push_back(where + ": SPATIAL " + what + " dropped: OceanBase requires its column `" + part.column +
                            "` to be NOT NULL");
        return false;
      }
    }
    // The SRID attribute would reject every row of another SRID, and MariaDB enforces none (not even
    // a declared REF_SYSTEM_ID): the column stays as on the source (any SRID) and the index is kept,
    // exact but unused by queries until the user, having checked the data, adds the SRID.
    const ColumnDef* column = index.parts.empty() ? nullptr : table.find_column(index.parts[0].column);
    std::string name = column ? column->name : "col";
    // A MySQL 8 SRID is enforced on the source: written on the column (column_reference_system), exact.
    if (column && column->srid && column->srid_enforced) return true;
    if (column && column->srid) {
      std::string srid = std::to_string(*column->srid);
      warnings->push_back(where + ": SPATIAL " + what + " created without an SRID on its column: the source's `" +
                          name + "` declares REF_SYSTEM_ID=" + srid +
                          ", which MariaDB does not enforce, while OceanBase refuses every row of another SRID; "
                          "OceanBase's optimizer uses the index only once the column has one: when SELECT COUNT(*) "
                          "... WHERE ST_SRID(`" + name + "`) <> " + srid +
                          " finds none, ALTER TABLE ... MODIFY the column with SRID " + srid);
    } else {
      warnings->push_back(where + ": SPATIAL " + what + " created without an SRID on its column (the source's `" +
                          name + "` declares none): OceanBase's optimizer uses it only once the column has one; "
                          "after checking SELECT DISTINCT ST_SRID(`" + name +
                          "`), ALTER TABLE ... MODIFY the column with SRID n");
    }
    return true;
  }
  for (const auto& part : index.parts) {
    const ColumnDef* column = table.find_column(part.column);
    if (column && is_lob_type(column->data_type)) {
      warnings->push_back(where + ": " + what + " dropped: OceanBase cannot index TEXT/BLOB/JSON column `" +
                          part.column + "`" + consequence);
      return false;
    }
  }
  return true;
}

Status check_generated_references(Dialect dialect, const ColumnDef& column, const std::set<std::string>& referenced,
                                  const TableDef& table, const std::string& where) {
  if (dialect == Dialect::kMysql || !column.is_generated) return Status::ok();
  for (const auto& other : table.columns) {
    if (!other.is_generated || iequals(other.name, column.name) || !referenced.count(to_lower(other.name))) continue;
    return Status::unsupported(where + ": generated column uses generated column `" + other.name +
                               "`, which OceanBase does not support (a generated column may only use ordinary "
                               "columns): exclude `" + column.name + "` (COLUMNS ... EXCLUDE) and recreate it by hand");
  }
  return Status::ok();
}

bool keep_foreign_key(const DialectTarget& target, const ForeignKeyDef& fk, const TableDef& parent,
                      const std::string& where, std::vector<std::string>* warnings) {
  if (target.dialect == Dialect::kMysql) return true;
  std::set<std::string> wanted;
  for (const auto& c : fk.referenced_columns) wanted.insert(to_lower(c));
  for (const auto& index : parent.indexes) {
    if (!index.unique || index.parts.size() != wanted.size()) continue;
    bool same = true;
    for (const auto& part : index.parts) same = same && !part.prefix_length && wanted.count(to_lower(part.column));
    if (!same) continue;
    // The key must also exist on the target: one the dialect drops (a LOB part) does not count.
    std::vector<std::string> ignored;
    if (keep_index(target, index, parent, where, &ignored)) return true;
  }
  std::string columns;
  for (const auto& c : fk.referenced_columns) columns += (columns.empty() ? "`" : ", `") + c + "`";
  warnings->push_back(where + ": foreign key `" + fk.name + "` dropped: OceanBase requires the referenced columns (" +
                      columns + ") of " + fk.referenced.str() +
                      " to be its PRIMARY KEY or a UNIQUE key, and they are not (add such a key on the target and "
                      "the foreign key by hand)");
  return false;
}

bool keep_descending(Dialect dialect) { return dialect == Dialect::kMysql; }

std::string index_using(Dialect dialect, const IndexDef& index, const std::string& what, std::vector<std::string>* warnings) {
  if (dialect == Dialect::kOceanBase) {
    // "OceanBase Database supports only USING BTREE" (CREATE INDEX, docs/dialects.md rule 18).
    if (index.algorithm == "BTREE") return " USING BTREE";
    if (index.algorithm && !index.algorithm->empty())
      warnings->push_back(what + ": USING " + *index.algorithm + " omitted (OceanBase supports only USING BTREE" +
                          (index.kind == "BTREE" ? "; InnoDB built this index as a B-tree too)" : ")"));
    return "";
  }
  // The clause as the source wrote it; INDEX_TYPE only when it was not read (a MEMORY index
  // without a clause reads HASH: writing USING HASH for it would add an option the source lacks).
  if (index.algorithm) return index.algorithm->empty() ? "" : " USING " + *index.algorithm;
  if (index.kind == "HASH") return " USING HASH";
  if (index.kind == "RTREE") return " USING RTREE";
  return "";
}

std::string column_reference_system(Dialect dialect, const ColumnDef& column) {
  if (!column.srid) return "";
  // Never MySQL's /*!80003 SRID n */ form: MariaDB skips such comments silently, while a plain
  // SRID it cannot parse stops the schema phase before any table is created.
  if (column.srid_enforced) return " SRID " + std::to_string(*column.srid);
  if (dialect != Dialect::kMysql) return "";
  return " REF_SYSTEM_ID=" + std::to_string(*column.srid);
}

std::string index_visibility(Dialect dialect, const IndexDef& index, const QualifiedName& target,
                             const std::string& what, std::vector<std::string>* warnings) {
  if (index.hidden_as.empty()) return "";
  // Plain keywords, never /*!80000 INVISIBLE */: MariaDB skips that comment and the index would be
  // used silently; a word the target lacks (INVISIBLE on MariaDB) stops the schema phase instead.
  if (dialect == Dialect::kMysql) return " " + index.hidden_as;
  // OceanBase: ALTER TABLE ... ALTER INDEX ... [VISIBLE | INVISIBLE] exists, no option of CREATE
  // TABLE or ADD INDEX does (docs/dialects.md rule 17b).
  warnings->push_back(what + " created visible: it is " + index.hidden_as +
                      " on the source (the optimizer does not use it), and OceanBase's CREATE TABLE and ADD INDEX "
                      "take no visibility option; ALTER TABLE " + sql::quote_name(target) + " ALTER INDEX " +
                      sql::quote_identifier(index.name) + " INVISIBLE hides it again");
  return "";
}

std::string table_options(Dialect dialect, const TableDef& table, const std::string& where,
                          std::vector<std::string>* warnings) {
  std::string out;
  std::vector<std::string> dropped;
  if (dialect == Dialect::kMysql && !table.engine.empty()) out += "ENGINE=" + table.engine;
  if (dialect == Dialect::kOceanBase && !table.engine.empty() && !iequals(table.engine, "InnoDB"))
    dropped.push_back("ENGINE=" + table.engine);
  for (const auto& option : split_options(table.create_options)) {
    if (iequals(option, "partitioned")) continue;  // the PARTITION BY clause: target_partitioning
    if (dialect == Dialect::kMysql) {
      out += (out.empty() ? "" : " ") + option;
    } else if (!iequals(option.substr(0, option.find('=')), "row_format")) {
      // ROW_FORMAT has no effect on OceanBase's storage and is dropped silently; anything else
      // (KEY_BLOCK_SIZE, PAGE_COMPRESSED, MAX_ROWS, STATS_*) may have been chosen with intent.
      dropped.push_back(option);
    }
  }
  if (!dropped.empty())
    warnings->push_back(where +
                        ": table options dropped for OceanBase (it has one storage engine with its own "
                        "block and compression settings): " +
                        join(dropped, " "));
  return out;
}

std::vector<std::string> key_partitioning_columns(const TableDef& table) {
  std::vector<std::string> out;
  const IndexDef* key = table.primary_key();
  for (const auto& index : table.indexes) {
    if (key) break;
    if (!index.unique || index.parts.empty()) continue;
    bool not_null = true;
    for (const auto& part : index.parts) {
      const ColumnDef* column = table.find_column(part.column);
      not_null = not_null && column && !column->nullable;
    }
    if (not_null) key = &index;
  }
  if (key)
    for (const auto& part : key->parts) out.push_back(part.column);
  return out;
}

std::optional<PartitioningDef> target_partitioning(const DialectTarget& target, const TableDef& table,
                                                   const std::string& where, std::vector<std::string>* warnings) {
  const std::string not_migrated = where + ": partitioning is not migrated (the table is created unpartitioned, "
                                           "every row is copied): ";
  if (!table.partitioning) {
    if (table.partitioned()) warnings->push_back(not_migrated + "its definition was not read from the source");
    return std::nullopt;
  }
  if (!table.partitioning->unreadable.empty()) {
    warnings->push_back(not_migrated + "SHOW CREATE TABLE's PARTITION BY clause could not be read (" +
                        table.partitioning->unreadable + ")");
    return std::nullopt;
  }
  PartitioningDef out = *table.partitioning;
  if (target.dialect == Dialect::kMysql) {
    // Directories are paths on the source host, as the table-level ones (not migrated either).
    std::vector<std::string> paths;
    auto drop_paths = [&](PartitionDef& p, const char* what) {
      auto path = [](const PartitionOption& o) { return o.name == "DATA DIRECTORY" || o.name == "INDEX DIRECTORY"; };
      for (const auto& o : p.options)
        if (path(o)) paths.push_back(std::string(what) + " `" + p.name + "` " + o.name + " = " + o.value);
      p.options.erase(std::remove_if(p.options.begin(), p.options.end(), path), p.options.end());
    };
    for (auto& p : out.partitions) {
      drop_paths(p, "partition");
      for (auto& sub : p.subpartitions) drop_paths(sub, "subpartition");
    }
    if (!paths.empty())
      warnings->push_back(where + ": partitioning kept, directories of the source host dropped (the target's "
                                  "datadir is used): " + join(paths, ", "));
    return out;
  }

  // OceanBase 4.x MySQL mode: RANGE [COLUMNS], LIST [COLUMNS], HASH, KEY, with HASH/KEY
  // subpartitions, PARTITIONS n and SUBPARTITIONS n (docs/dialects.md rule 20).
  std::vector<std::string> changes;
  for (PartitionMethod* m : {&out.method, out.sub ? &*out.sub : nullptr}) {
    if (!m) continue;
    if (m->kind == "SYSTEM_TIME") {
      warnings->push_back(not_migrated + "MariaDB's SYSTEM_TIME (history) partitioning has no OceanBase equivalent");
      return std::nullopt;
    }
    if (m->kind == "LINEAR HASH" || m->kind == "LINEAR KEY") {
      changes.push_back(m->kind + " written as " + m->kind.substr(7) +
                        " (OceanBase has no LINEAR partitioning: the same number of partitions, rows placed by "
                        "another hash function)");
      m->kind = m->kind.substr(7);
    }
    if (m->algorithm) {
      changes.push_back("KEY ALGORITHM = " + std::to_string(*m->algorithm) +
                        " omitted (a MySQL hashing variant; OceanBase hashes with its own function)");
      m->algorithm.reset();
    }
    if (m->kind == "KEY" && m->columns.empty()) {
      m->columns = key_partitioning_columns(table);
      if (m->columns.empty()) {
        warnings->push_back(not_migrated + "KEY () has no primary or NOT NULL unique key to hash on");
        return std::nullopt;
      }
      std::string list;
      for (const auto& c : m->columns) list += (list.empty() ? "`" : ", `") + c + "`";
      changes.push_back("KEY () written KEY (" + list + "), the key it hashes on the source");
    }
  }
  std::vector<std::string> dropped;
  auto drop_options = [&](PartitionDef& p, const std::string& what) {
    for (const auto& option : p.options) {
      // The storage engine is the table's (rule 1): InnoDB is dropped silently there too.
      if ((option.name == "ENGINE" || option.name == "STORAGE ENGINE") && iequals(option.value, "InnoDB")) continue;
      dropped.push_back(what + " `" + p.name + "` " + option.name + " = " + option.value);
    }
    p.options.clear();
  };
  for (auto& p : out.partitions) {
    if (p.bound == "DEFAULT") {
      warnings->push_back(not_migrated + "LIST partition `" + p.name +
                          "` is MariaDB's DEFAULT partition, which OceanBase's MySQL mode does not document");
      return std::nullopt;
    }
    drop_options(p, "partition");
    for (auto& s : p.subpartitions) drop_options(s, "subpartition");
  }
  if (!dropped.empty())
    changes.push_back("partition options dropped (not documented for OceanBase's MySQL mode): " + join(dropped, ", "));
  for (const auto& change : changes) warnings->push_back(where + ": partitioning kept, " + change);
  return out;
}

bool keep_checks(Dialect) { return true; }

}  // namespace omsql::schema
