#include "src/verify/differ.hpp"

#include <algorithm>
#include <future>
#include <unordered_map>
#include <unordered_set>

#include "src/verify/repair.hpp"

namespace omsql::verify {
namespace {

// Deep enough for any table (halving 2^64 rows); only a table changing under the check gets here.
constexpr int kMaxDepth = 64;

// Runs `read_source` on a second thread (when parallel) while `read_target` runs on this one.
template <typename T, typename SourceFn, typename TargetFn>
std::pair<Result<T>, Result<T>> both_sides(bool parallel, SourceFn read_source, TargetFn read_target) {
  if (!parallel) {
    Result<T> s = read_source();
    Result<T> t = read_target();
    return {std::move(s), std::move(t)};
  }
  auto source_future = std::async(std::launch::async, read_source);
  Result<T> t = read_target();
  Result<T> s = source_future.get();
  return {std::move(s), std::move(t)};
}

Status leaf_compare(Connection& source, Connection& target, const TableSpec& spec, const KeyRange& range,
                    const NarrowOptions& options, NarrowStats* stats, std::vector<RowDifference>& out) {
  auto [s, t] = both_sides<std::vector<FetchedRow>>(
      options.parallel, [&] { return fetch_rows(source, Side::kSource, spec, range); },
      [&] { return fetch_rows(target, Side::kTarget, spec, range); });
  if (!s) return s.status();
  if (!t) return t.status();
  if (stats) {
    ++stats->leaves;
    stats->rows_fetched += s->size() + t->size();
  }
  for (auto& d : compare_rows(spec, *s, *t)) out.push_back(std::move(d));
  return Status::ok();
}

Status narrow(Connection& source, Connection& target, const TableSpec& spec, const KeyRange& range,
              ChunkDigest source_digest, ChunkDigest target_digest, const NarrowOptions& options, NarrowStats* stats,
              int depth, std::vector<RowDifference>& out) {
  if (source_digest == target_digest) return Status::ok();
  const uint64_t larger = std::max(source_digest.rows, target_digest.rows);
  if (larger <= static_cast<uint64_t>(std::max<int64_t>(1, options.leaf_rows)) || depth >= kMaxDepth)
    return leaf_compare(source, target, spec, range, options, stats, out);
  // Halve by the larger side's rows: the key half-way through it bounds the left half.
  const bool by_source = source_digest.rows >= target_digest.rows;
  auto middle = key_at_offset(by_source ? source : target, by_source ? Side::kSource : Side::kTarget, spec, range,
                              static_cast<int64_t>(larger / 2) - 1, true);
  if (!middle) return middle.status();
  if (!middle->has_value())  // the range shrank since it was hashed: compare what is there now
    return leaf_compare(source, target, spec, range, options, stats, out);
  KeyRange halves[2] = {{range.lower_exclusive, **middle}, {**middle, range.upper_inclusive}};
  for (const KeyRange& half : halves) {
    auto digests = hash_both_sides(source, target, spec, half, options.parallel);
    if (!digests) return digests.status();
    if (stats) ++stats->ranges_rehashed;
    OMSQL_RETURN_IF_ERROR(narrow(source, target, spec, half, digests->first, digests->second, options, stats,
                                 depth + 1, out));
  }
  return Status::ok();
}

std::string row_label(uint64_t hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "row hash 0x";
  for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[(hash >> shift) & 15];
  return out;
}

// Streams one whole side of a table without a key: the count of each row hash.
Result<std::unordered_map<uint64_t, int64_t>> count_rows(Connection& connection, Side side, const TableSpec& spec) {
  auto stream = connection.stream(spec.select_rows_sql(side, KeyRange{}));
  const std::string context = "count rows " + std::string(side_name(side)) + " " + spec.job().source.str();
  if (!stream) return stream.status().with_context(context);
  std::unordered_map<uint64_t, int64_t> counts;
  std::string encoded;
  unsigned long* lengths = nullptr;
  const auto& columns = spec.columns();
  while (MYSQL_ROW row = stream->next(&lengths)) {
    encoded.clear();
    for (size_t i = 0; i < columns.size(); ++i) append_canonical(columns[i].value_class, row[i], lengths[i], encoded);
    ++counts[row_hash(encoded)];
  }
  OMSQL_RETURN_IF_ERROR(stream->status().with_context(context));
  return counts;
}

// Streams one side again and keeps the values of the first row with each wanted hash.
Result<std::unordered_map<uint64_t, RowValues>> capture_rows(Connection& connection, Side side, const TableSpec& spec,
                                                             const std::unordered_set<uint64_t>& wanted) {
  std::unordered_map<uint64_t, RowValues> found;
  if (wanted.empty()) return found;
  auto stream = connection.stream(spec.select_rows_sql(side, KeyRange{}));
  const std::string context = "capture rows " + std::string(side_name(side)) + " " + spec.job().source.str();
  if (!stream) return stream.status().with_context(context);
  std::string encoded;
  unsigned long* lengths = nullptr;
  const auto& columns = spec.columns();
  while (MYSQL_ROW row = stream->next(&lengths)) {
    encoded.clear();
    for (size_t i = 0; i < columns.size(); ++i) append_canonical(columns[i].value_class, row[i], lengths[i], encoded);
    uint64_t hash = row_hash(encoded);
    if (!wanted.count(hash) || found.count(hash)) continue;
    RowValues values(columns.size());
    for (size_t i = 0; i < columns.size(); ++i)
      if (row[i]) values[i] = std::string(row[i], lengths[i]);
    found.emplace(hash, std::move(values));
  }
  OMSQL_RETURN_IF_ERROR(stream->status().with_context(context));
  return found;
}

}  // namespace

const char* difference_kind_name(DifferenceKind kind) {
  switch (kind) {
    case DifferenceKind::kMissingOnTarget: return "missing";
    case DifferenceKind::kExtraOnTarget: return "extra";
    case DifferenceKind::kDifferent: return "different";
  }
  return "?";
}

Result<std::pair<ChunkDigest, ChunkDigest>> hash_both_sides(Connection& source, Connection& target,
                                                            const TableSpec& spec, const KeyRange& range,
                                                            bool parallel) {
  auto [s, t] = both_sides<ChunkDigest>(
      parallel, [&] { return hash_chunk(source, Side::kSource, spec, range); },
      [&] { return hash_chunk(target, Side::kTarget, spec, range); });
  if (!s) return s.status();
  if (!t) return t.status();
  return std::make_pair(*s, *t);
}

Result<std::vector<RowDifference>> narrow_range(Connection& source, Connection& target, const TableSpec& spec,
                                                const KeyRange& range, ChunkDigest source_digest,
                                                ChunkDigest target_digest, const NarrowOptions& options,
                                                NarrowStats* stats) {
  std::vector<RowDifference> out;
  OMSQL_RETURN_IF_ERROR(narrow(source, target, spec, range, source_digest, target_digest, options, stats, 0, out));
  return out;
}

std::vector<RowDifference> compare_rows(const TableSpec& spec, const std::vector<FetchedRow>& source,
                                        const std::vector<FetchedRow>& target) {
  std::unordered_map<std::string_view, size_t> by_key;
  for (size_t i = 0; i < target.size(); ++i) by_key.emplace(target[i].match_key, i);
  std::vector<bool> matched(target.size(), false);
  std::vector<RowDifference> out;
  auto difference = [&](DifferenceKind kind, const FetchedRow& row, std::string repair) {
    RowDifference d;
    d.kind = kind;
    d.key = spec.describe_key(key_of(spec, row));
    d.repair = std::move(repair);
    d.key_values = row.key;
    return d;
  };
  for (const FetchedRow& row : source) {
    auto it = by_key.find(row.match_key);
    if (it == by_key.end() || matched[it->second]) {
      out.push_back(difference(DifferenceKind::kMissingOnTarget, row, replace_statement(spec, row.values)));
      continue;
    }
    matched[it->second] = true;
    const FetchedRow& other = target[it->second];
    if (other.hash == row.hash && other.cells == row.cells) continue;
    RowDifference d = difference(DifferenceKind::kDifferent, row, replace_statement(spec, row.values));
    for (size_t i = 0; i < row.cells.size(); ++i)
      if (row.cells[i] != other.cells[i]) d.columns.push_back(spec.columns()[i].target_name);
    out.push_back(std::move(d));
  }
  for (size_t i = 0; i < target.size(); ++i) {
    if (matched[i]) continue;
    out.push_back(difference(DifferenceKind::kExtraOnTarget, target[i], delete_by_key_statement(spec, target[i].values)));
  }
  return out;
}

Result<std::vector<RowDifference>> compare_as_multiset(Connection& source, Connection& target, const TableSpec& spec,
                                                       bool parallel, uint64_t* source_rows, uint64_t* target_rows) {
  using Counts = std::unordered_map<uint64_t, int64_t>;
  auto [s, t] = both_sides<Counts>(
      parallel, [&] { return count_rows(source, Side::kSource, spec); },
      [&] { return count_rows(target, Side::kTarget, spec); });
  if (!s) return s.status();
  if (!t) return t.status();
  Counts& balance = *s;  // source count minus target count, per row hash
  uint64_t rows = 0;
  for (auto& [hash, n] : balance) rows += n;
  if (source_rows) *source_rows = rows;
  rows = 0;
  for (auto& [hash, n] : *t) {
    rows += n;
    balance[hash] -= n;
  }
  if (target_rows) *target_rows = rows;
  std::unordered_set<uint64_t> missing, extra;
  for (auto& [hash, n] : balance) {
    if (n > 0) missing.insert(hash);
    if (n < 0) extra.insert(hash);
  }
  std::vector<RowDifference> out;
  if (missing.empty() && extra.empty()) return out;
  using Captured = std::unordered_map<uint64_t, RowValues>;
  auto [source_values, target_values] = both_sides<Captured>(
      parallel, [&] { return capture_rows(source, Side::kSource, spec, missing); },
      [&] { return capture_rows(target, Side::kTarget, spec, extra); });
  if (!source_values) return source_values.status();
  if (!target_values) return target_values.status();
  for (auto& [hash, values] : *target_values) {
    uint64_t copies = static_cast<uint64_t>(-balance[hash]);
    out.push_back({DifferenceKind::kExtraOnTarget, row_label(hash), {}, copies, delete_row_statement(spec, values, copies),
                   std::nullopt});
  }
  for (auto& [hash, values] : *source_values) {
    uint64_t copies = static_cast<uint64_t>(balance[hash]);
    out.push_back({DifferenceKind::kMissingOnTarget, row_label(hash), {}, copies, insert_statement(spec, values, copies),
                   std::nullopt});
  }
  return out;
}

}  // namespace omsql::verify
