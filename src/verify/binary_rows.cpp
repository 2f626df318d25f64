#include "src/verify/binary_rows.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>

namespace omsql::verify {

// How one result column is bound, and its buffers.
struct BinaryRowStream::Column {
  enum class Kind { kSigned, kUnsigned, kFloat, kDouble, kTime, kBytes } kind = Kind::kBytes;
  enum_field_types time_type = MYSQL_TYPE_DATETIME;
  long long integer = 0;
  float single = 0;
  double real = 0;
  MYSQL_TIME time{};
  std::string bytes;            // buffer for kBytes; grown when a value does not fit
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool truncated = 0;
};

namespace {

constexpr size_t kInitialBytes = 256;

void append_integer(long long value, bool is_unsigned, std::string& out) {
  char buffer[24];
  auto [end, ec] = is_unsigned ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<unsigned long long>(value))
                               : std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, end);
}

char* put_digits(char* p, unsigned long value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return p + width;
}

// The server's text for a MYSQL_TIME (fraction always in full; normalization trims it), written
// by hand: snprintf costs more than the rest of the row's encoding.
void append_time(const MYSQL_TIME& t, enum_field_types type, std::string& out) {
  char buffer[48];
  char* p = buffer;
  if (type == MYSQL_TYPE_TIME) {
    if (t.neg) *p++ = '-';
    unsigned long hours = t.day * 24UL + t.hour;
    int width = 2;
    for (unsigned long h = hours; h >= 100; h /= 10) ++width;
    p = put_digits(p, hours, width);
  } else {
    p = put_digits(p, t.year, 4);
    *p++ = '-';
    p = put_digits(p, t.month, 2);
    *p++ = '-';
    p = put_digits(p, t.day, 2);
    if (type == MYSQL_TYPE_DATE) {
      out.append(buffer, p);
      return;
    }
    *p++ = ' ';
    p = put_digits(p, t.hour, 2);
  }
  *p++ = ':';
  p = put_digits(p, t.minute, 2);
  *p++ = ':';
  p = put_digits(p, t.second, 2);
  if (t.second_part) {
    *p++ = '.';
    p = put_digits(p, t.second_part, 6);
  }
  out.append(buffer, p);
}

void append_double_text(double value, std::string& out) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, end);
}

}  // namespace

Result<std::unique_ptr<BinaryRowStream>> BinaryRowStream::open(Connection& connection, const std::string& sql,
                                                               std::vector<ValueClass> classes, std::string context) {
  MYSQL_STMT* statement = mysql_stmt_init(connection.raw());
  if (!statement) return connection.last_error(context + ": prepare");
  std::unique_ptr<BinaryRowStream> stream(
      new BinaryRowStream(connection, statement, std::move(classes), std::move(context)));
  if (mysql_stmt_prepare(statement, sql.data(), sql.size())) return stream->error("prepare");
  const unsigned count = mysql_stmt_field_count(statement);
  if (count < stream->classes_.size())
    return Status::invalid_argument(stream->context_ + ": the statement returns fewer columns than compared");
  MYSQL_RES* metadata = mysql_stmt_result_metadata(statement);
  if (!metadata) return stream->error("result metadata");
  MYSQL_FIELD* fields = mysql_fetch_fields(metadata);
  stream->columns_.resize(count);
  stream->binds_.assign(count, MYSQL_BIND{});
  for (unsigned i = 0; i < count; ++i) {
    Column& c = stream->columns_[i];
    MYSQL_BIND& b = stream->binds_[i];
    b.is_null = &c.is_null;
    b.length = &c.length;
    b.error = &c.truncated;
    switch (fields[i].type) {
      case MYSQL_TYPE_TINY:
      case MYSQL_TYPE_SHORT:
      case MYSQL_TYPE_INT24:
      case MYSQL_TYPE_LONG:
      case MYSQL_TYPE_LONGLONG:
      case MYSQL_TYPE_YEAR:
        c.kind = (fields[i].flags & UNSIGNED_FLAG) ? Column::Kind::kUnsigned : Column::Kind::kSigned;
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &c.integer;
        b.is_unsigned = c.kind == Column::Kind::kUnsigned;
        break;
      case MYSQL_TYPE_FLOAT:
        c.kind = Column::Kind::kFloat;
        b.buffer_type = MYSQL_TYPE_FLOAT;
        b.buffer = &c.single;
        break;
      case MYSQL_TYPE_DOUBLE:
        c.kind = Column::Kind::kDouble;
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &c.real;
        break;
      case MYSQL_TYPE_DATE:
      case MYSQL_TYPE_DATETIME:
      case MYSQL_TYPE_TIMESTAMP:
      case MYSQL_TYPE_TIME:
        c.kind = Column::Kind::kTime;
        c.time_type = fields[i].type == MYSQL_TYPE_TIMESTAMP ? MYSQL_TYPE_DATETIME : fields[i].type;
        b.buffer_type = c.time_type;
        b.buffer = &c.time;
        b.buffer_length = sizeof c.time;
        break;
      default:  // DECIMAL (as text), strings, BLOBs, ENUM, SET, JSON, BIT, geometry: the bytes
        c.kind = Column::Kind::kBytes;
        c.bytes.resize(kInitialBytes);
        b.buffer_type = MYSQL_TYPE_BLOB;
        b.buffer = c.bytes.data();
        b.buffer_length = c.bytes.size();
        break;
    }
  }
  mysql_free_result(metadata);
  if (mysql_stmt_execute(statement)) return stream->error("execute");
  if (mysql_stmt_bind_result(statement, stream->binds_.data())) return stream->error("bind");
  return stream;
}

BinaryRowStream::BinaryRowStream(Connection& connection, MYSQL_STMT* statement, std::vector<ValueClass> classes,
                                 std::string context)
    : connection_(connection), statement_(statement), classes_(std::move(classes)), context_(std::move(context)) {}

BinaryRowStream::~BinaryRowStream() { mysql_stmt_close(statement_); }

Status BinaryRowStream::error(const char* doing) const {
  unsigned number = mysql_stmt_errno(statement_);
  std::string message = connection_.describe() + ": " + context_ + ": " + doing + ": error " + std::to_string(number) +
                        ": " + mysql_stmt_error(statement_);
  return is_transient_error(number) ? Status::transient(message) : Status::server_error(message);
}

Result<bool> BinaryRowStream::next(std::string& encoded) {
  int rc = mysql_stmt_fetch(statement_);
  if (rc == MYSQL_NO_DATA) return false;
  if (rc == 1) return error("fetch");
  if (rc == MYSQL_DATA_TRUNCATED) {
    // A value longer than its buffer: grow the buffer, fetch the value again, and rebind so the
    // following rows fit without a second round.
    bool rebind = false;
    for (size_t i = 0; i < columns_.size(); ++i) {
      Column& c = columns_[i];
      if (!c.truncated || c.kind != Column::Kind::kBytes) continue;
      c.bytes.resize(std::max<size_t>(c.length, c.bytes.size() * 2));
      binds_[i].buffer = c.bytes.data();
      binds_[i].buffer_length = c.bytes.size();
      if (mysql_stmt_fetch_column(statement_, &binds_[i], static_cast<unsigned>(i), 0)) return error("fetch column");
      rebind = true;
    }
    if (rebind && mysql_stmt_bind_result(statement_, binds_.data())) return error("bind");
  }
  encoded.clear();
  std::string& text_value = scratch_;
  for (size_t i = 0; i < classes_.size(); ++i) {
    const Column& c = columns_[i];
    const ValueClass value_class = classes_[i];
    if (c.is_null) {
      append_canonical(value_class, nullptr, 0, encoded);
      continue;
    }
    const bool floating_class = value_class == ValueClass::kFloat || value_class == ValueClass::kDouble;
    switch (c.kind) {
      case Column::Kind::kBytes:
        append_canonical(value_class, c.bytes.data(), c.length, encoded);
        continue;
      case Column::Kind::kFloat:
        if (floating_class) {
          append_canonical_double(value_class, c.single, encoded);
          continue;
        }
        break;
      case Column::Kind::kDouble:
        if (floating_class) {
          append_canonical_double(value_class, c.real, encoded);
          continue;
        }
        break;
      default:
        break;
    }
    text_value.clear();
    append_text(c, text_value);
    append_canonical(value_class, text_value.data(), text_value.size(), encoded);
  }
  return true;
}

std::optional<std::string> BinaryRowStream::text(size_t index) const {
  const Column& c = columns_[index];
  if (c.is_null) return std::nullopt;
  std::string out;
  append_text(c, out);
  return out;
}

void BinaryRowStream::append_text(const Column& c, std::string& out) {
  switch (c.kind) {
    case Column::Kind::kSigned: append_integer(c.integer, false, out); break;
    case Column::Kind::kUnsigned: append_integer(c.integer, true, out); break;
    case Column::Kind::kFloat: append_double_text(c.single, out); break;
    case Column::Kind::kDouble: append_double_text(c.real, out); break;
    case Column::Kind::kTime: append_time(c.time, c.time_type, out); break;
    case Column::Kind::kBytes: out.append(c.bytes.data(), c.length); break;
  }
}

}  // namespace omsql::verify
