#include "src/engine/mysql/change_statements.hpp"

#include <string>
#include <utility>
#include <vector>

#include "src/apply/change_batch.hpp"
#include "src/sql/key_range.hpp"
#include "src/sql/quote.hpp"

namespace omsql::engine {
namespace {

class MysqlChangeRenderer final : public ChangeRenderer {
 public:
  explicit MysqlChangeRenderer(const TableJob& job) : job_(job) {
    for (const auto& mapping : job.columns) {
      if (mapping.generated) continue;
      copied_columns_.push_back(job.source_def.column_index(mapping.source));
      target_columns_.push_back(mapping.target);
    }
    if (job.filter) {
      filter_row_columns_ = apply::filter_row_columns(job);
      for (const auto& mapping : job.columns)
        if (!mapping.generated)
          filter_select_list_ += (filter_select_list_.empty() ? "" : ", ") + sql::quote_identifier(mapping.source);
    }
    for (const auto& column : job.key.columns) {
      key_columns_.push_back(job.source_def.column_index(column));
      std::string target = column;
      for (const auto& mapping : job.columns)
        if (mapping.source == column) target = mapping.target;
      target_key_names_.push_back(target);
    }
  }

  std::vector<std::string> statements(const NetChanges& changes, size_t max_statement_bytes,
                                      std::vector<std::vector<std::string>>* row_keys) const override {
    std::vector<std::string> out;
    if (!changes.keyed) {
      for (const auto& operation : changes.operations) {
        const std::vector<Cell>& image = *operation.image;
        if (operation.insert) {
          std::string statement = "INSERT INTO " + sql::quote_name(job_.target) + " (" +
                                  sql::quote_identifier_list(target_columns_) + ") ";
          if (job_.filter) {
            statement += "SELECT " + filter_select_list_ + " FROM (" + filter_row(image) +
                         ") AS omsql_rows WHERE (" + *job_.filter + ")";
          } else {
            statement += "VALUES " + row_values(image);
          }
          out.push_back(std::move(statement));
        } else {
          out.push_back("DELETE FROM " + sql::quote_name(job_.target) + " WHERE " + whole_row_predicate(image) +
                        " LIMIT 1");
        }
        if (row_keys) row_keys->push_back({""});
      }
      return out;
    }
    // Every key the batch touches is deleted first when it ends deleted, or when a FILTER may drop
    // its new image; REPLACE then writes the final images.
    std::vector<std::string> quoted_keys;
    for (const auto& name : target_key_names_) quoted_keys.push_back(sql::quote_identifier(name));
    std::string head = "DELETE FROM " + sql::quote_name(job_.target) + " WHERE " + sql::row_in_open(quoted_keys);
    std::string statement;
    std::vector<std::string> keys;
    auto flush = [&] {
      out.push_back(statement + ")");
      if (row_keys) row_keys->push_back(std::move(keys));
      statement.clear();
      keys.clear();
    };
    for (const auto& change : changes.keys) {
      if (change.image && !job_.filter) continue;
      statement += statement.empty() ? head : ", ";
      if (row_keys) keys.push_back(change.described);
      std::vector<std::string> literals;
      for (size_t i = 0; i < key_columns_.size() && i < change.key.size(); ++i)
        literals.push_back(literal(key_columns_[i], change.key[i]));
      statement += sql::row_tuple(literals);
      if (statement.size() >= max_statement_bytes) flush();
    }
    if (!statement.empty()) flush();
    append_upserts(changes, out, max_statement_bytes, row_keys);
    return out;
  }

 private:
  std::string literal(size_t source_column, const Cell& cell) const {
    return apply::cell_literal(job_.source_def.columns[source_column], cell);
  }

  std::string row_values(const std::vector<Cell>& image) const {
    std::string out = "(";
    for (size_t i = 0; i < copied_columns_.size(); ++i) {
      if (i) out += ", ";
      out += literal(copied_columns_[i], image[copied_columns_[i]]);
    }
    return out + ")";
  }

  // "SELECT <literal> AS `col`, ...": the one-row derived table a FILTER is evaluated over.
  std::string filter_row(const std::vector<Cell>& image) const {
    std::string out = "SELECT ";
    for (size_t i = 0; i < filter_row_columns_.size(); ++i) {
      size_t index = filter_row_columns_[i];
      if (i) out += ", ";
      out += literal(index, image[index]) + " AS " + sql::quote_identifier(job_.source_def.columns[index].name);
    }
    return out;
  }

  std::string whole_row_predicate(const std::vector<Cell>& image) const {
    std::string out;
    size_t j = 0;
    for (const auto& mapping : job_.columns) {
      if (mapping.generated) continue;
      size_t index = copied_columns_[j++];
      if (!out.empty()) out += " AND ";
      out += sql::quote_identifier(mapping.target) + " <=> " + literal(index, image[index]);
    }
    return out.empty() ? "1" : out;
  }

  void append_upserts(const NetChanges& changes, std::vector<std::string>& out, size_t max_bytes,
                      std::vector<std::vector<std::string>>* row_keys) const {
    std::string head = "REPLACE INTO " + sql::quote_name(job_.target) + " (" +
                       sql::quote_identifier_list(target_columns_) + ") ";
    std::string statement;
    std::vector<std::string> keys;
    size_t rows = 0;
    auto flush = [&] {
      if (rows == 0) return;
      if (job_.filter) statement += ") AS omsql_rows WHERE (" + *job_.filter + ")";
      out.push_back(std::move(statement));
      // Rows the FILTER drops shift the server's row numbers: only a lone row is known for sure.
      if (job_.filter && keys.size() > 1) keys.assign(keys.size(), "");
      if (row_keys) row_keys->push_back(std::move(keys));
      statement.clear();
      keys.clear();
      rows = 0;
    };
    for (const auto& change : changes.keys) {
      if (!change.image) continue;
      if (row_keys) keys.push_back(change.described);
      if (rows == 0) {
        statement = head;
        // With a FILTER the target evaluates it over the source column names.
        statement += job_.filter ? "SELECT " + filter_select_list_ + " FROM (" : "VALUES ";
      } else {
        statement += job_.filter ? " UNION ALL " : ", ";
      }
      statement += job_.filter ? filter_row(*change.image) : row_values(*change.image);
      ++rows;
      if (statement.size() >= max_bytes) flush();
    }
    flush();
  }

  const TableJob& job_;
  std::vector<size_t> copied_columns_;      // source ordinal index of every copied column
  std::vector<std::string> target_columns_;  // their target names
  std::vector<size_t> filter_row_columns_;  // FILTER: the derived row's columns (filter_row_columns)
  std::string filter_select_list_;          // FILTER: the copied source columns, quoted, for the outer SELECT
  std::vector<size_t> key_columns_;         // source ordinal index of every key column
  std::vector<std::string> target_key_names_;
};

}  // namespace

std::unique_ptr<ChangeRenderer> mysql_change_renderer(const TableJob& job) {
  return std::make_unique<MysqlChangeRenderer>(job);
}

}  // namespace omsql::engine
