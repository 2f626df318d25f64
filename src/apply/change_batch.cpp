#include "src/apply/change_batch.hpp"

#include <algorithm>

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

}  // namespace

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

std::string filter_probe_sql(const TableJob& job) {
  std::string row;
  for (size_t index : filter_row_columns(job))
    row += std::string(row.empty() ? "" : ", ") + "NULL AS " + sql::quote_identifier(job.source_def.columns[index].name);
  return "SELECT 1 FROM (SELECT " + (row.empty() ? std::string("1 AS omsql_none") : row) + ") AS omsql_rows WHERE (" +
         job.filter.value_or("1") + ") LIMIT 0";
}

ChangeBatch::ChangeBatch(const TableJob& job, const engine::Engine* target_engine)
    : job_(job), engine_(engine::engine_or_default(target_engine, Dialect::kMysql)) {
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

std::vector<std::string> ChangeBatch::statements(size_t max_statement_bytes,
                                                 std::vector<std::vector<std::string>>* row_keys) const {
  engine::NetChanges changes;
  changes.keyed = !key_columns_.empty();
  if (!changes.keyed) {
    for (const auto& [insert, image] : keyless_operations_) changes.operations.push_back({insert, &image});
  } else {
    changes.keys.reserve(final_images_.size());
    for (const auto& [key, image] : final_images_) {
      engine::NetChanges::KeyChange change;
      // The key bytes decode back into cells: the image is gone for deleted keys.
      size_t offset = 0;
      for (size_t i = 0; i < key_columns_.size(); ++i) {
        Cell cell;
        Cell::read_canonical(key.data(), key.size(), &offset, &cell);
        change.key.push_back(std::move(cell));
      }
      if (row_keys) change.described = describe_key(key);
      change.image = image ? &*image : nullptr;
      changes.keys.push_back(std::move(change));
    }
  }
  if (!renderer_) renderer_ = engine_.change_renderer(job_);
  return renderer_->statements(changes, max_statement_bytes, row_keys);
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
