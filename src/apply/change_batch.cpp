#include "src/apply/change_batch.hpp"

#include <algorithm>

#include "src/sql/key_range.hpp"
#include "src/sql/quote.hpp"

namespace omsql::apply {

namespace {

// Whether the server compares values of the column by their bytes. Binary strings and the
// _nopad_bin collations do; every other collation folds case, accents or trailing spaces.
bool compares_bytewise(const ColumnDef& column) {
  const std::string& type = column.data_type;
  if (type == "float" || type == "double" || type == "real") return false;  // -0 = 0
  if (!column.charset || *column.charset == "binary") return true;           // numbers, temporals, binary
  if (type == "enum" || type == "set") return true;                          // stored as indexes
  return column.collation.value_or("").ends_with("_nopad_bin");
}

// The source columns of the one-row derived table a FILTER is evaluated over: the copied ones and
// every column the filter names (an excluded or generated column too), in ordinal order.
std::vector<size_t> filter_row_columns(const TableJob& job) {
  std::vector<size_t> out;
  for (size_t i = 0; i < job.source_def.columns.size(); ++i) {
    const ColumnDef& column = job.source_def.columns[i];
    const ColumnMapping* mapping = job.find_column(column.name);
    bool copied = mapping && !mapping->generated;
    bool named = std::find(job.filter_columns.begin(), job.filter_columns.end(), column.name) != job.filter_columns.end();
    if (copied || named) out.push_back(i);
  }
  return out;
}

}  // namespace

std::string filter_probe_sql(const TableJob& job) {
  std::string row;
  for (size_t index : filter_row_columns(job))
    row += std::string(row.empty() ? "" : ", ") + "NULL AS " + sql::quote_identifier(job.source_def.columns[index].name);
  return "SELECT 1 FROM (SELECT " + (row.empty() ? std::string("1 AS omsql_none") : row) + ") AS omsql_rows WHERE (" +
         job.filter.value_or("1") + ") LIMIT 0";
}

ChangeBatch::ChangeBatch(const TableJob& job) : job_(job) {
  for (const auto& mapping : job.columns) {
    if (mapping.generated) continue;
    copied_columns_.push_back(job.source_def.column_index(mapping.source));
  }
  if (job.filter) {
    filter_row_columns_ = filter_row_columns(job);
    for (const auto& mapping : job.columns)
      if (!mapping.generated) filter_select_list_ += (filter_select_list_.empty() ? "" : ", ") + sql::quote_identifier(mapping.source);
  }
  for (const auto& column : job.key.columns) {
    key_columns_.push_back(job.source_def.column_index(column));
    if (key_columns_.back() < job.source_def.columns.size() &&
        !compares_bytewise(job.source_def.columns[key_columns_.back()]))
      key_is_bytewise_ = false;
    std::string target = column;
    for (const auto& mapping : job.columns)
      if (mapping.source == column) target = mapping.target;
    target_key_names_.push_back(target);
  }
}

std::string ChangeBatch::literal(size_t source_column, const Cell& cell) const {
  return cell_literal(job_.source_def.columns[source_column], cell);
}

std::string cell_literal(const ColumnDef& column, const Cell& cell) {
  if (cell.kind() == Cell::Kind::kBytes && column.charset && *column.charset != "binary") {
    std::string out = "_" + *column.charset + " " + sql::hex_literal(cell.text());
    if (cell.text().empty()) out = "_" + *column.charset + " ''";
    if (column.collation) out += " COLLATE " + *column.collation;
    return out;
  }
  return cell.to_sql_literal();
}

std::string ChangeBatch::key_of(const std::vector<Cell>& image) const {
  std::string key;
  for (size_t index : key_columns_) image[index].append_canonical(key);
  return key;
}

std::string ChangeBatch::row_values(const std::vector<Cell>& image) const {
  std::string out = "(";
  for (size_t i = 0; i < copied_columns_.size(); ++i) {
    if (i) out += ", ";
    out += literal(copied_columns_[i], image[copied_columns_[i]]);
  }
  return out + ")";
}

std::string ChangeBatch::filter_row(const std::vector<Cell>& image) const {
  std::string out = "SELECT ";
  for (size_t i = 0; i < filter_row_columns_.size(); ++i) {
    size_t index = filter_row_columns_[i];
    if (i) out += ", ";
    out += literal(index, image[index]) + " AS " + sql::quote_identifier(job_.source_def.columns[index].name);
  }
  return out;
}

std::string ChangeBatch::whole_row_predicate(const std::vector<Cell>& image) const {
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

Status ChangeBatch::add(const RowChange& change) {
  size_t expected = job_.source_def.columns.size();
  auto check = [&](const std::vector<Cell>& image) -> Status {
    if (image.size() != expected)
      return Status::invalid_argument(job_.source.str() + ": a change at " + change.position.str() + " has " +
                                      std::to_string(image.size()) + " columns, the task knows " +
                                      std::to_string(expected) + " (was the table altered?)");
    return Status::ok();
  };
  if (change.kind != RowChange::kInsert) OMSQL_RETURN_IF_ERROR(check(change.before));
  if (change.kind != RowChange::kDelete) OMSQL_RETURN_IF_ERROR(check(change.after));
  ++changes_;
  const auto& sizing_image = change.kind == RowChange::kDelete ? change.before : change.after;
  for (const auto& cell : sizing_image) approximate_bytes_ += 4 + cell.text().size() * 2;

  if (key_columns_.empty()) {
    if (change.kind != RowChange::kInsert) keyless_operations_.emplace_back(false, change.before);
    if (change.kind != RowChange::kDelete) keyless_operations_.emplace_back(true, change.after);
    return Status::ok();
  }
  if (change.kind != RowChange::kInsert) {
    std::string old_key = key_of(change.before);
    if (change.kind == RowChange::kDelete) {
      final_images_[old_key] = std::nullopt;
      return Status::ok();
    }
    std::string new_key = key_of(change.after);
    if (new_key != old_key) final_images_[old_key] = std::nullopt;
    final_images_[new_key] = change.after;
    return Status::ok();
  }
  final_images_[key_of(change.after)] = change.after;
  return Status::ok();
}

void ChangeBatch::append_upserts(std::vector<std::string>& out, size_t max_bytes,
                                 std::vector<std::vector<std::string>>* row_keys) const {
  std::vector<std::string> target_columns;
  for (const auto& mapping : job_.columns)
    if (!mapping.generated) target_columns.push_back(mapping.target);
  std::string head = "REPLACE INTO " + sql::quote_name(job_.target) + " (" +
                     sql::quote_identifier_list(target_columns) + ") ";
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
  for (const auto& [key, image] : final_images_) {
    if (!image) continue;
    if (row_keys) keys.push_back(describe_key(key));
    if (rows == 0) {
      statement = head;
      // With a FILTER the target evaluates it over the source column names.
      statement += job_.filter ? "SELECT " + filter_select_list_ + " FROM (" : "VALUES ";
    } else {
      statement += job_.filter ? " UNION ALL " : ", ";
    }
    if (job_.filter) {
      statement += filter_row(*image);
    } else {
      statement += row_values(*image);
    }
    ++rows;
    if (statement.size() >= max_bytes) flush();
  }
  flush();
}

std::vector<std::string> ChangeBatch::statements(size_t max_statement_bytes,
                                                 std::vector<std::vector<std::string>>* row_keys) const {
  std::vector<std::string> out;
  if (key_columns_.empty()) {
    for (const auto& [insert, image] : keyless_operations_) {
      if (insert) {
        std::vector<std::string> target_columns;
        for (const auto& mapping : job_.columns)
          if (!mapping.generated) target_columns.push_back(mapping.target);
        std::string statement = "INSERT INTO " + sql::quote_name(job_.target) + " (" +
                                sql::quote_identifier_list(target_columns) + ") ";
        if (job_.filter) {
          statement += "SELECT " + filter_select_list_ + " FROM (" + filter_row(image) + ") AS omsql_rows WHERE (" +
                       *job_.filter + ")";
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
  for (const auto& [key, image] : final_images_) {
    if (image && !job_.filter) continue;
    statement += statement.empty() ? head : ", ";
    if (row_keys) keys.push_back(describe_key(key));
    // The key bytes decode back into cells: the image is gone for deleted keys.
    size_t offset = 0;
    std::vector<std::string> literals;
    for (size_t i = 0; i < key_columns_.size(); ++i) {
      Cell cell;
      Cell::read_canonical(key.data(), key.size(), &offset, &cell);
      literals.push_back(literal(key_columns_[i], cell));
    }
    statement += sql::row_tuple(literals);
    if (statement.size() >= max_statement_bytes) flush();
  }
  if (!statement.empty()) flush();
  append_upserts(out, max_statement_bytes, row_keys);
  return out;
}

std::string ChangeBatch::describe_key(const std::string& key) const {
  constexpr size_t kMax = 40;
  std::vector<std::string> names, values;
  size_t offset = 0;
  for (size_t i = 0; i < key_columns_.size(); ++i) {
    Cell cell;
    if (!Cell::read_canonical(key.data(), key.size(), &offset, &cell)) break;
    names.push_back(sql::quote_identifier(target_key_names_[i]));  // as the target's messages name it
    std::string value;
    if (cell.kind() == Cell::Kind::kBytes) {
      const std::string& bytes = cell.text();
      std::string shown = bytes.substr(0, kMax);
      bool printable = true;
      for (unsigned char c : shown)
        if (c < 0x20 || c == 0x7f) printable = false;
      value = printable ? sql::text_literal(shown) : sql::hex_literal(shown);
      if (bytes.size() > kMax) value += "...";
    } else {
      value = cell.to_sql_literal();
    }
    values.push_back(std::move(value));
  }
  if (names.size() == 1) return names[0] + " = " + values[0];
  std::string out = "(";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  out += ") = (";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + values[i];
  return out + ")";
}

std::string failing_row_note(std::string_view server_message, const std::vector<std::string>& row_keys) {
  size_t row = 0;
  // MariaDB's data errors end "... at row N" (1-based within the statement).
  constexpr std::string_view kAtRow = " at row ";
  if (auto at = server_message.rfind(kAtRow); at != std::string_view::npos) {
    for (size_t i = at + kAtRow.size(); i < server_message.size() && server_message[i] >= '0' && server_message[i] <= '9'; ++i)
      row = row * 10 + static_cast<size_t>(server_message[i] - '0');
  } else if (row_keys.size() == 1) {
    row = 1;
  }
  if (row == 0 || row > row_keys.size() || row_keys[row - 1].empty()) return "";
  return " (key " + row_keys[row - 1] + ")";
}

void ChangeBatch::clear() {
  final_images_.clear();
  keyless_operations_.clear();
  changes_ = 0;
  approximate_bytes_ = 0;
}

}  // namespace omsql::apply
