#include "src/verify/verifier.hpp"

#include <algorithm>
#include <chrono>
#include <future>

#include "src/verify/chunk_hash.hpp"
#include "src/verify/repair.hpp"

namespace omsql::verify {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void count(TableReport& report, const RowDifference& d) {
  switch (d.kind) {
    case DifferenceKind::kMissingOnTarget: report.missing += d.copies; break;
    case DifferenceKind::kExtraOnTarget: report.extra += d.copies; break;
    case DifferenceKind::kDifferent: report.different += d.copies; break;
  }
}

// Both sides' server digests of one range, the source on a second thread when `parallel`.
std::pair<Result<std::optional<ChunkDigest>>, Result<std::optional<ChunkDigest>>> server_digests_of_both(
    Connection& source, Connection& target, const TableSpec& spec, const KeyRange& range, bool parallel) {
  auto read_source = [&] { return server_digest(source, Side::kSource, spec, range); };
  if (!parallel) {
    auto s = read_source();
    return {std::move(s), server_digest(target, Side::kTarget, spec, range)};
  }
  auto future = std::async(std::launch::async, read_source);
  auto t = server_digest(target, Side::kTarget, spec, range);
  return {future.get(), std::move(t)};
}

// The keyed walk with server-side digests: the chunk bounds are the source's keys every
// chunk_rows rows (FILTER applied: the same chunks as the client walk); while the target
// digests chunk i, the source digests it too and then finds the bound of chunk i+1. Only chunks
// whose digests differ are narrowed, by the client, down to rows.
Status walk_with_server_digests(Connection& source, Connection& target, const TableSpec& spec,
                                const VerifyOptions& options, const NarrowOptions& narrow, const RowsCompared& on_rows,
                                TableReport& report) {
  const int64_t chunk_rows = std::max<int64_t>(1, options.chunk_rows);
  auto bound_after = [&](const std::optional<KeyTuple>& lower) {
    return key_at_offset(source, Side::kSource, spec, KeyRange{lower, std::nullopt}, chunk_rows - 1, true);
  };
  struct SourceStep {
    Result<std::optional<ChunkDigest>> digest = std::optional<ChunkDigest>();
    Result<std::optional<KeyTuple>> next_bound = std::optional<KeyTuple>();
  };
  struct Mismatch {
    KeyRange range;
    ChunkDigest source_digest, target_digest;
  };
  std::vector<Mismatch> mismatches;
  auto first = bound_after(std::nullopt);
  if (!first) return first.status();
  KeyRange range{std::nullopt, std::move(*first)};
  while (true) {
    const bool last = !range.upper_inclusive.has_value();
    auto source_step = [&, range, last] {
      SourceStep step;
      step.digest = server_digest(source, Side::kSource, spec, range);
      if (step.digest && !last) step.next_bound = bound_after(range.upper_inclusive);
      return step;
    };
    std::future<SourceStep> pending =
        std::async(narrow.parallel ? std::launch::async : std::launch::deferred, source_step);
    auto target_digest = server_digest(target, Side::kTarget, spec, range);
    SourceStep step = pending.get();  // always joined before leaving, even on a target error
    if (!target_digest) return target_digest.status();
    if (!step.digest) return step.digest.status();
    if (!step.next_bound) return step.next_bound.status();
    ChunkDigest s, t;
    if (*step.digest && *target_digest) {
      s = **step.digest;
      t = **target_digest;
    } else {  // a row too large for the server's image: this range is hashed by the client
      auto digests = hash_both_sides(source, target, spec, range, narrow.parallel);
      if (!digests) return digests.status();
      s = digests->first;
      t = digests->second;
    }
    ++report.chunks;
    report.source_rows += s.rows;
    report.target_rows += t.rows;
    if (on_rows) on_rows(s.rows);
    if (!(s == t)) mismatches.push_back({range, s, t});
    if (last) break;
    range = KeyRange{range.upper_inclusive, std::move(*step.next_bound)};
  }
  NarrowStats stats;
  for (const Mismatch& m : mismatches) {
    ++report.chunks_mismatched;
    auto differences = narrow_range(source, target, spec, m.range, m.source_digest, m.target_digest, narrow, &stats);
    if (!differences) return differences.status();
    for (auto& d : *differences) report.differences.push_back(std::move(d));
  }
  report.ranges_rehashed = stats.ranges_rehashed;
  return Status::ok();
}

}  // namespace

Result<TableReport> verify_table(Connection& source, Connection& target, const TableJob& job,
                                 const VerifyOptions& options, const NarrowOptions& narrow,
                                 const RowsCompared& on_rows) {
  const auto start = std::chrono::steady_clock::now();
  TableReport report;
  report.source = job.source;
  report.target = job.target;
  auto spec = TableSpec::make(job);
  if (!spec) return spec.status();
  report.keyed = spec->keyed();
  if (narrow.server_digests) {
    auto obstacle = server_digest_obstacle(source, target, *spec);
    if (!obstacle) return obstacle.status();
    report.server_digests = obstacle->empty();
    report.client_digests_reason = std::move(*obstacle);
  }
  if (!spec->keyed()) {
    // Server-side: one digest of the whole table per side; the multiset comparison (every row
    // read) only when they differ.
    bool equal = false;
    if (report.server_digests) {
      auto [s, t] = server_digests_of_both(source, target, *spec, KeyRange{}, narrow.parallel);
      if (!s) return s.status();
      if (!t) return t.status();
      if (*s && *t && **s == **t) {
        equal = true;
        report.source_rows = (*s)->rows;
        report.target_rows = (*t)->rows;
      }
    }
    if (!equal) {
      auto differences =
          compare_as_multiset(source, target, *spec, narrow.parallel, &report.source_rows, &report.target_rows);
      if (!differences) return differences.status();
      report.chunks_mismatched = differences->empty() ? 0 : 1;
      report.differences = std::move(*differences);
    }
    report.chunks = 1;
    if (on_rows) on_rows(report.source_rows);
  } else if (report.server_digests) {
    OMSQL_RETURN_IF_ERROR(walk_with_server_digests(source, target, *spec, options, narrow, on_rows, report));
  } else {
    // Pipelined walk: the source reads and hashes chunk i+1 (which also finds its upper bound)
    // while the target hashes chunk i over the range the source found. Mismatches are narrowed
    // after the walk, when both connections are free.
    const int64_t chunk_rows = std::max<int64_t>(1, options.chunk_rows);
    auto read_source = [&](std::optional<KeyTuple> lower) {
      return hash_next_source_chunk(source, *spec, lower, chunk_rows);
    };
    struct Mismatch {
      KeyRange range;
      ChunkDigest source_digest, target_digest;
    };
    std::vector<Mismatch> mismatches;
    Result<SourceChunk> current = read_source(std::nullopt);
    while (true) {
      if (!current) return current.status();
      SourceChunk chunk = std::move(*current);
      std::future<Result<SourceChunk>> next;
      if (!chunk.last) {
        if (narrow.parallel) next = std::async(std::launch::async, read_source, chunk.range.upper_inclusive);
        else next = std::async(std::launch::deferred, read_source, chunk.range.upper_inclusive);
      }
      auto target_digest = hash_chunk(target, Side::kTarget, *spec, chunk.range);
      if (next.valid()) current = next.get();  // always joined before leaving, even on a target error
      if (!target_digest) return target_digest.status();
      ++report.chunks;
      report.source_rows += chunk.digest.rows;
      report.target_rows += target_digest->rows;
      if (on_rows) on_rows(chunk.digest.rows);
      if (!(chunk.digest == *target_digest)) mismatches.push_back({chunk.range, chunk.digest, *target_digest});
      if (chunk.last) break;
    }
    NarrowStats stats;
    for (const Mismatch& m : mismatches) {
      ++report.chunks_mismatched;
      auto differences = narrow_range(source, target, *spec, m.range, m.source_digest, m.target_digest, narrow, &stats);
      if (!differences) return differences.status();
      for (auto& d : *differences) report.differences.push_back(std::move(d));
    }
    report.ranges_rehashed = stats.ranges_rehashed;
  }
  for (const auto& d : report.differences) count(report, d);
  report.seconds = seconds_since(start);
  return report;
}

std::vector<std::string> repair_statements(const VerifyReport& report) {
  std::vector<std::string> out;
  for (const auto& table : report.tables) {
    for (const auto& d : table.differences)
      if (d.kind == DifferenceKind::kExtraOnTarget) out.push_back(d.repair);
    for (const auto& d : table.differences)
      if (d.kind != DifferenceKind::kExtraOnTarget) out.push_back(d.repair);
  }
  return out;
}

Result<VerifyReport> verify_tables(const Plan& plan, const VerifyOptions& options,
                                   const std::vector<QualifiedName>& only, const TableDone& on_table) {
  const auto start = std::chrono::steady_clock::now();
  auto source = Connection::open(plan.source, "source");
  if (!source) return source.status();
  auto target = Connection::open(plan.target, "target");
  if (!target) return target.status();
  OMSQL_RETURN_IF_ERROR(prepare_verify_session(**source));
  OMSQL_RETURN_IF_ERROR(prepare_verify_session(**target));

  VerifyReport report;
  for (const TableJob& job : plan.tables) {
    if (!only.empty() && std::find(only.begin(), only.end(), job.source) == only.end()) continue;
    auto table = verify_table(**source, **target, job, options);
    if (table) {
      report.tables.push_back(std::move(*table));
    } else {
      TableReport failed;
      failed.source = job.source;
      failed.target = job.target;
      failed.error = table.status().message();
      report.tables.push_back(std::move(failed));
    }
    if (on_table) on_table(report.tables.back());
  }

  if (!options.repair_file.empty() || options.repair_apply) {
    auto statements = repair_statements(report);
    report.repair_statements = statements.size();
    if (!options.repair_file.empty()) {
      OMSQL_RETURN_IF_ERROR(write_repair_file(options.repair_file, statements));
      report.repair_file = options.repair_file;
    }
    if (options.repair_apply && !statements.empty()) {
      OMSQL_RETURN_IF_ERROR(apply_repair_statements(**target, statements));
      report.repair_applied = true;
    }
  }
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace omsql::verify
