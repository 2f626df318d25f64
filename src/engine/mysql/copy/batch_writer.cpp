#include "src/engine/mysql/copy/batch_writer.hpp"

#include <mysql.h>

#include <cstdio>
#include <cstring>

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

Result<std::string> load_data_sql(const TableJob& job) {
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
  return "LOAD DATA LOCAL INFILE 'omsql-batch' REPLACE INTO TABLE " + sql::quote_name(job.target) +
         " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" + list +
         ")" + set;
}

Result<std::unique_ptr<BatchWriter>> BatchWriter::open(Connection& target, const TableJob& job, WireFormat format) {
  auto columns = copy_columns(job);
  if (!columns) return columns.status();
  std::unique_ptr<BatchWriter> writer(new BatchWriter(target, job, format));
  writer->columns_ = std::move(*columns);
  if (format == WireFormat::kLoadData) {
    auto sql = load_data_sql(job);
    if (!sql) return sql.status();
    writer->load_sql_ = std::move(*sql);
  }
  return writer;
}

Status BatchWriter::fail(const RowBatch& batch, std::string_view doing) {
  Status status = target_.last_error(std::string(doing) + " " + sql::quote_name(job_.target) + " (chunk " +
                                     batch.chunk + ")");
  // Name the source column when the server names a renamed target column.
  const std::string& message = status.message();
  auto at = message.find("column '");
  if (at != std::string::npos) {
    auto end = message.find('\'', at + 8);
    std::string target_column = message.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
    for (const auto& c : columns_)
      if (c.target_name == target_column && c.source_name != c.target_name && !status.is_transient())
        return Status::server_error(message + " (source column " + job_.source.str() + "." + c.source_name + ")");
  }
  return status;
}

Status BatchWriter::check_outcome(const RowBatch& batch) {
  MYSQL* mysql = target_.raw();
  // mysql_info() belongs to the last statement: read it before SHOW WARNINGS replaces it.
  const char* info = mysql_info(mysql);
  const long long records = info_count(info, "Records: ");
  const long long skipped = info_count(info, "Skipped: ");
  const unsigned warning_count = mysql_warning_count(mysql);
  std::string where = target_.describe() + ": writing " + job_.target.str() + " (chunk " + batch.chunk + ")";
  if (warning_count > 0) {
    // Notes are harmless; a Warning or Error means a value was changed or dropped.
    auto shown = target_.query("SHOW WARNINGS");
    if (!shown) return shown.status().with_context(where + ": reading the warnings of the write");
    std::string warnings;
    int count = 0;
    for (const auto& row : shown->rows) {
      if (row.size() < 3 || (row[0] && *row[0] == "Note")) continue;
      if (++count <= 3) warnings += (warnings.empty() ? "" : "; ") + row[2].value_or("");
    }
    if (count > 0)
      return Status::server_error(where + ": the target changed values (" + std::to_string(count) +
                                  " warnings): " + warnings);
  }
  if (records >= 0 && static_cast<uint64_t>(records) != batch.rows)
    return Status::server_error(where + ": sent " + std::to_string(batch.rows) + " rows, the target read " +
                                std::to_string(records));
  if (skipped > 0)
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
  MYSQL* mysql = target_.raw();
  if (format_ == WireFormat::kLoadData) {
    InfileSource source{batch.data.data(), batch.data.size()};
    mysql_set_local_infile_handler(mysql, infile_init, infile_read, infile_end, infile_error, &source);
    int failed = mysql_real_query(mysql, load_sql_.data(), load_sql_.size());
    mysql_set_local_infile_default(mysql);
    if (failed) return fail(batch, "LOAD DATA into");
  } else {
    if (mysql_real_query(mysql, batch.data.data(), batch.data.size())) return fail(batch, "REPLACE INTO");
  }
  return check_outcome(batch);
}

}  // namespace omsql::copy
