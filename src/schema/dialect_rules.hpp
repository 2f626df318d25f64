#pragma once
// Per-dialect decisions the DDL translator asks about one piece of a table at a time. `mysql` keeps
// everything as read (the target is MariaDB/MySQL); `oceanbase` applies the OceanBase 4.x MySQL-mode
// rules written down, each with its reason, in docs/dialects.md. `where` names the source table and
// column or index in warnings and errors ("shop.users.name").
#include <optional>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"

namespace omsql::schema {

struct CharsetChoice {
  std::optional<std::string> charset;
  std::optional<std::string> collation;
};

// The charset and collation to declare; an error when the dialect cannot store the charset.
Result<CharsetChoice> choose_charset(Dialect dialect, const std::optional<std::string>& charset,
                                     const std::optional<std::string>& collation, const std::string& where,
                                     std::vector<std::string>* warnings);

// The column type to declare (no CAST: CAST text is used as written).
std::string column_type(Dialect dialect, const ColumnDef& column, const std::string& where,
                        std::vector<std::string>* warnings);

// The DEFAULT text (without the keyword), or nullopt for no DEFAULT clause.
std::optional<std::string> column_default(Dialect dialect, const ColumnDef& column, const std::string& where,
                                          std::vector<std::string>* warnings);

// Extra column attributes the dialect keeps from EXTRA beyond AUTO_INCREMENT and generation:
// "ON UPDATE ...", "INVISIBLE".
std::string column_extra_attributes(Dialect dialect, const ColumnDef& column, const std::string& where,
                                    std::vector<std::string>* warnings);

// Whether the dialect can create `index` at all (false: dropped with a warning).
bool keep_index(Dialect dialect, const IndexDef& index, const TableDef& table, const std::string& where,
                std::vector<std::string>* warnings);
// Whether an index part keeps DESC (false: ascending, warned once per index by the caller).
bool keep_descending(Dialect dialect);
// "USING HASH" or "" for the index's kind (FULLTEXT/SPATIAL are written as the keyword instead).
std::string index_using(Dialect dialect, const IndexDef& index);

// Table options after the closing parenthesis, without COMMENT and AUTO_INCREMENT:
// "ENGINE=InnoDB ROW_FORMAT=DYNAMIC" for mysql, "" for oceanbase.
std::string table_options(Dialect dialect, const TableDef& table, const std::string& where,
                          std::vector<std::string>* warnings);

// Whether the dialect keeps CHECK constraints.
bool keep_checks(Dialect dialect);

}  // namespace omsql::schema
