#include "src/engine/mysql/copy/batch_writer.hpp"

#include <mysql.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "src/common/strings.hpp"
#include "src/sql/key_range.hpp"
#include "src/sql/quote.hpp"

namespace omsql::copy {
namespace {

// Feeds LOAD DATA LOCAL from the batch buffer (Connector/C local infile callbacks).
struct InfileSource {
  const char* data;
  size_t size;
  size_t offset = 0;
};

int infile_init(void** state, const char* /*filename*/, void* userdata) {
  *state = userdata;
  return 0;
}
int infile_read(void* state, char* buffer, unsigned int length) {
  auto* source = static_cast<InfileSource*>(state);
  size_t n = std::min<size_t>(length, source->size - source->offset);
  std::memcpy(buffer, source->data + source->offset, n);
  source->offset += n;
  return static_cast<int>(n);
}
void infile_end(void* /*state*/) {}
int infile_error(void* /*state*/, char* message, unsigned int length) {
  std::snprintf(message, length, "omsql batch buffer error");
  return 2000;  // CR_UNKNOWN_ERROR
}

// Reads "Records: N" and the count after `field` ("Skipped: ", "Duplicates: ", "Warnings: ") from
// mysql_info() text; -1 when absent.
long long info_count(const char* info, const char* field) {
  if (!info) return -1;
  const char* at = std::strstr(info, field);
  if (!at) return -1;
  return std::atoll(at + std::strlen(field));
}

}  // namespace

Result<std::string> load_data_sql(const TableJob& job, WireFormat format) {
  auto columns = copy_columns(job);
  if (!columns) return columns.status();
  std::string list, set;
  for (size_t i = 0; i < columns->size(); ++i) {
    const CopyColumn& c = (*columns)[i];
    if (i) list += ", ";
    if (!c.load_expression.empty()) {
      std::string variable = "@omsql_v" + std::to_string(i);
      list += variable;
      std::string expression;
      for (char ch : c.load_expression) {
        if (ch == '@') expression += variable;
        else expression += ch;
      }
      set += (set.empty() ? " SET " : ", ") + sql::quote_identifier(c.target_name) + " = " + expression;
    } else {
      list += sql::quote_identifier(c.target_name);
    }
  }
  // CHARACTER SET binary: the bytes go into the columns unconverted (they are already in each
  // column's character set: the source sent them with character_set_results=binary).
  const char* duplicates = format == WireFormat::kLoadDataIgnore ? " IGNORE" : " REPLACE";
  return std::string("LOAD DATA LOCAL INFILE 'omsql-batch'") + duplicates + " INTO TABLE " + sql::quote_name(job.target) +
         " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" + list +
         ")" + set;
}

std::vector<sql::KeyPart> target_key_parts(const TableJob& job, const std::vector<CopyColumn>& columns) {
  std::vector<sql::KeyPart> parts;
  if (job.key.kind == RowKey::Kind::kNone) return parts;
  for (const auto& name : job.key.columns) {
    auto it = std::find_if(columns.begin(), columns.end(), [&](const CopyColumn& c) { return c.source_name == name; });
    const ColumnDef* def = job.source_def.find_column(name);
    if (it == columns.end() || !def) return {};
    sql::KeyPart part;
    part.lhs = sql::quote_identifier(it->target_name);
    switch (it->kind) {
      case ValueKind::kNumber: part.form = sql::LiteralForm::kNumber; break;
      case ValueKind::kText: part.form = sql::LiteralForm::kText; break;
      case ValueKind::kBytes:
        if (def->charset && !iequals(*def->charset, "binary")) {
          part.form = sql::LiteralForm::kString;
          part.charset = to_lower(*def->charset);
        } else {
          part.form = sql::LiteralForm::kBinary;
        }
        break;
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

Result<std::unique_ptr<BatchWriter>> BatchWriter::open(Connection& target, const TableJob& job, WireFormat format) {
  auto columns = copy_columns(job);
  if (!columns) return columns.status();
  std::unique_ptr<BatchWriter> writer(new BatchWriter(target, job, format));
  writer->columns_ = std::move(*columns);
  if (is_load_data(format)) {
    auto sql = load_data_sql(job, format);
    if (!sql) return sql.status();
    writer->load_sql_ = std::move(*sql);
  }
  if (format == WireFormat::kLoadDataIgnore) writer->target_key_ = target_key_parts(job, writer->columns_);
  return writer;
}

Status BatchWriter::fail(const RowBatch& batch, std::string_view doing) {
  Status status = target_.last_error(std::string(doing) + " " + sql::quote_name(job_.target) + " (chunk " +
                                     batch.chunk + ")");
  if (status.is_transient()) return status;
  std::string named = with_source_column(status.message());
  return named == status.message() ? status : Status::server_error(named);
}

std::string BatchWriter::with_source_column(const std::string& message) const {
  // Name the source column when the server names a renamed target column.
  auto at = message.find("column '");
  if (at == std::string::npos) return message;
  auto end = message.find('\'', at + 8);
  std::string target_column = message.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
  for (const auto& c : columns_)
    if (c.target_name == target_column && c.source_name != c.target_name)
      return message + " (source column " + job_.source.str() + "." + c.source_name + ")";
  return message;
}

Status BatchWriter::check_outcome(const RowBatch& batch, long long* duplicates_skipped) {
  MYSQL* mysql = target_.raw();
  // mysql_info() belongs to the last statement: read it before SHOW WARNINGS replaces it.
  const char* info = mysql_info(mysql);
  const long long records = info_count(info, "Records: ");
  const long long skipped = info_count(info, "Skipped: ");
  const unsigned warning_count = mysql_warning_count(mysql);
  std::string where = target_.describe() + ": writing " + job_.target.str() + " (chunk " + batch.chunk + ")";
  // Under IGNORE a skipped row is a duplicate key (its warning is ER_DUP_ENTRY, 1062); every other
  // warning is a value strict mode would have refused. With nothing skipped, every warning counts
  // (SHOW WARNINGS lists max_error_count of them: with duplicates among them, the second load,
  // after the delete, lists the rest).
  const bool tolerate_duplicates = duplicates_skipped && skipped > 0;
  if (duplicates_skipped) *duplicates_skipped = std::max(0LL, skipped);
  if (warning_count > 0) {
    // Notes are harmless; a Warning or Error means a value was changed or dropped.
    auto shown = target_.query("SHOW WARNINGS");
    if (!shown) return shown.status().with_context(where + ": reading the warnings of the write");
    std::string warnings;
    int count = 0;
    for (const auto& row : shown->rows) {
      if (row.size() < 3 || (row[0] && *row[0] == "Note")) continue;
      if (tolerate_duplicates && row[1] && *row[1] == "1062") continue;
      if (++count <= 3) warnings += (warnings.empty() ? "" : "; ") + row[2].value_or("");
    }
    if (count > 0)
      return Status::server_error(with_source_column(where + ": the target changed values (" + std::to_string(count) +
                                                     " warnings): " + warnings));
  }
  if (records >= 0 && static_cast<uint64_t>(records) != batch.rows)
    return Status::server_error(where + ": sent " + std::to_string(batch.rows) + " rows, the target read " +
                                std::to_string(records));
  if (skipped > 0 && !duplicates_skipped)
    return Status::server_error(where + ": the target skipped " + std::to_string(skipped) + " rows");
  return Status::ok();
}

Status BatchWriter::restart_chunk(const ChunkRange& range) {
  if (job_.key.kind != RowKey::Kind::kNone && !job_.key.columns.empty()) return Status::ok();
  return empty_table().with_context("to copy " + range.describe(job_) + " again");
}

Status BatchWriter::empty_table() {
  return target_.execute("DELETE FROM " + sql::quote_name(job_.target)).with_context("emptying " + job_.target.str());
}

Status BatchWriter::write(const RowBatch& batch) {
  if (batch.format != format_)
    return Status::invalid_argument("writing " + job_.target.str() + ": batch is " + wire_format_name(batch.format) +
                                    ", writer expects " + wire_format_name(format_));
  if (batch.rows == 0) return Status::ok();
  if (format_ == WireFormat::kInsertValues) {
    if (mysql_real_query(target_.raw(), batch.data.data(), batch.data.size())) return fail(batch, "REPLACE INTO");
    return check_outcome(batch);
  }
  OMSQL_RETURN_IF_ERROR(load(batch));
  if (format_ == WireFormat::kLoadData) return check_outcome(batch);

  long long skipped = 0;
  OMSQL_RETURN_IF_ERROR(check_outcome(batch, &skipped));
  if (skipped == 0) return Status::ok();
  // Rows of this batch were on the target already (the batch, or its chunk, is written again): the
  // load kept the old rows. Delete them by key and load the batch again, as REPLACE would have.
  OMSQL_RETURN_IF_ERROR(delete_keys(batch));
  OMSQL_RETURN_IF_ERROR(load(batch));
  long long skipped_again = 0;
  OMSQL_RETURN_IF_ERROR(check_outcome(batch, &skipped_again));
  if (skipped_again > 0)
    return Status::server_error(target_.describe() + ": writing " + job_.target.str() + " (chunk " + batch.chunk +
                                "): the target skipped " + std::to_string(skipped_again) +
                                " rows as duplicates after their row keys were deleted: they collide on another "
                                "unique key (LOAD DATA LOCAL ignores duplicates on OceanBase 4.2.2+)");
  return Status::ok();
}

Status BatchWriter::load(const RowBatch& batch) {
  MYSQL* mysql = target_.raw();
  InfileSource source{batch.data.data(), batch.data.size()};
  mysql_set_local_infile_handler(mysql, infile_init, infile_read, infile_end, infile_error, &source);
  int failed = mysql_real_query(mysql, load_sql_.data(), load_sql_.size());
  mysql_set_local_infile_default(mysql);
  if (failed) return fail(batch, "LOAD DATA into");
  return Status::ok();
}

Status BatchWriter::delete_keys(const RowBatch& batch) {
  std::string where = target_.describe() + ": writing " + job_.target.str() + " (chunk " + batch.chunk + ")";
  if (target_key_.empty() || batch.keys.size() != batch.rows)
    return Status::server_error(where + ": the target skipped rows as duplicates (LOAD DATA LOCAL ignores them on "
                                "OceanBase 4.2.2+) and the table has no copied row key to replace them by");
  // Statements of at most 1000 keys: one index lookup each, far below max_allowed_packet.
  constexpr size_t kKeysPerStatement = 1000;
  for (size_t begin = 0; begin < batch.keys.size(); begin += kKeysPerStatement) {
    std::vector<KeyTuple> keys(batch.keys.begin() + static_cast<std::ptrdiff_t>(begin),
                               batch.keys.begin() + static_cast<std::ptrdiff_t>(std::min(batch.keys.size(), begin + kKeysPerStatement)));
    Status status = target_.execute("DELETE FROM " + sql::quote_name(job_.target) + " WHERE " +
                                    sql::key_equals_any(target_key_, keys));
    if (!status) return status.with_context(where + ": deleting the rows an IGNORE load skipped");
  }
  return Status::ok();
}

}  // namespace omsql::copy
