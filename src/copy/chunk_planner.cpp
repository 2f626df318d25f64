#include "src/copy/chunk_planner.hpp"

#include "src/sql/quote.hpp"

namespace omsql::copy {
namespace {

// A value for a message: printable text quoted, anything else as hex, long values shortened.
std::string describe_value(const std::string& bytes, bool numeric) {
  constexpr size_t kMax = 40;
  bool printable = true;
  for (unsigned char c : bytes)
    if (c < 0x20 || c == 0x7f) printable = false;
  std::string shown = bytes.size() > kMax ? bytes.substr(0, kMax) : bytes;
  std::string suffix = bytes.size() > kMax ? "..." : "";
  if (numeric) return shown + suffix;
  if (printable) return "'" + shown + suffix + "'";
  return "0x" + sql::hex_literal(shown).substr(2, shown.size() * 2) + suffix;
}

std::string describe_tuple(const TableJob& job, const KeyTuple& tuple) {
  auto value = [&](size_t i) {
    const ColumnDef* def = i < job.key.columns.size() ? job.source_def.find_column(job.key.columns[i]) : nullptr;
    std::string type = def ? def->data_type : std::string();
    // ENUM/SET bounds are their numbers (columns.hpp): shown bare, like numbers.
    bool numeric = def ? (is_numeric_type(type) || type == "enum" || type == "set") : false;
    if (!def) {  // no catalog (tests, messages built early): judge by the bytes
      numeric = !tuple[i].empty();
      for (char c : tuple[i])
        if (!((c >= '0' && c <= '9') || c == '-' || c == '.' || c == 'e' || c == '+')) numeric = false;
    }
    return describe_value(tuple[i], numeric);
  };
  if (tuple.size() == 1) return value(0);
  std::string out = "(";
  for (size_t i = 0; i < tuple.size(); ++i) out += (i ? ", " : "") + value(i);
  return out + ")";
}

}  // namespace

std::string ChunkRange::describe(const TableJob& job) const {
  std::string out = job.source.str();
  if (job.key.kind == RowKey::Kind::kNone || job.key.columns.empty()) return out + " (whole table: no usable key)";
  out += " (";
  for (size_t i = 0; i < job.key.columns.size(); ++i) out += (i ? ", " : "") + job.key.columns[i];
  out += ") in (";
  out += lower_exclusive ? describe_tuple(job, *lower_exclusive) : "-inf";
  out += ", ";
  out += upper_inclusive ? describe_tuple(job, *upper_inclusive) + "]" : "+inf)";
  return out;
}

ChunkPlanner::ChunkPlanner(const TableJob& job, int64_t chunk_rows)
    : job_(job), chunk_rows_(chunk_rows < 1 ? 1 : chunk_rows) {}

void ChunkPlanner::resume_after(KeyTuple lower, uint64_t next_id) {
  lower_ = std::move(lower);
  next_id_ = next_id;
  done_ = false;
}

Result<std::optional<ChunkRange>> ChunkPlanner::next(const KeyAtOffset& key_at_offset_of) {
  if (done_) return std::optional<ChunkRange>();
  ChunkRange range;
  range.id = next_id_;
  range.lower_exclusive = lower_;
  if (job_.key.kind == RowKey::Kind::kNone || job_.key.columns.empty()) {
    done_ = true;
    ++next_id_;
    return std::optional<ChunkRange>(std::move(range));
  }
  auto upper = key_at_offset_of(lower_, chunk_rows_ - 1);
  if (!upper) return upper.status().with_context("planning the chunk after " + range.describe(job_));
  if (!upper->has_value()) {
    done_ = true;  // fewer than chunk_rows rows remain: the last chunk is open-ended
  } else {
    range.upper_inclusive = **upper;
    lower_ = std::move(**upper);
  }
  ++next_id_;
  return std::optional<ChunkRange>(std::move(range));
}

}  // namespace omsql::copy
