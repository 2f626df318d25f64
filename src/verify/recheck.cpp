#include "src/verify/recheck.hpp"

#include <algorithm>
#include <future>
#include <set>
#include <thread>

#include "src/verify/chunk_hash.hpp"

namespace omsql::verify {

Result<std::vector<RowDifference>> recheck_rows(Connection& source, Connection& target, const TableSpec& spec,
                                                const std::vector<RowDifference>& differences) {
  if (!spec.keyed()) return differences;  // a multiset difference names no row to look up
  std::vector<RowDifference> out;
  std::vector<KeyTuple> keys;
  std::set<KeyTuple> seen;
  for (const RowDifference& d : differences) {
    if (!d.key_values || d.key_values->size() != spec.key().size()) {
      out.push_back(d);  // nothing to look it up by: kept as found
      continue;
    }
    if (seen.insert(*d.key_values).second) keys.push_back(*d.key_values);
  }
  for (size_t begin = 0; begin < keys.size(); begin += kRecheckKeysPerStatement) {
    const std::vector<KeyTuple> batch(keys.begin() + begin,
                                      keys.begin() + std::min(keys.size(), begin + kRecheckKeysPerStatement));
    auto source_future =
        std::async(std::launch::async, [&] { return fetch_rows_by_key(source, Side::kSource, spec, batch); });
    auto target_rows = fetch_rows_by_key(target, Side::kTarget, spec, batch);
    auto source_rows = source_future.get();  // joined before any return
    if (!source_rows) return source_rows.status();
    if (!target_rows) return target_rows.status();
    for (auto& d : compare_rows(spec, *source_rows, *target_rows)) out.push_back(std::move(d));
  }
  return out;
}

Result<TableReport> recheck_table(Connection& source, Connection& target, const TableJob& job, const TableReport& first,
                                  int attempts, std::chrono::milliseconds delay) {
  TableReport report = first;
  if (first.differences.empty() || !first.error.empty() || !first.keyed || attempts <= 0) return report;
  auto spec = TableSpec::make(job);
  if (!spec) return spec.status();
  if (!spec->keyed()) return report;
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 0; attempt < attempts && !report.differences.empty(); ++attempt) {
    std::this_thread::sleep_for(delay);  // give the applier time to pass the changes in flight
    auto still = recheck_rows(source, target, *spec, report.differences);
    if (!still) return still.status();
    report.differences = std::move(*still);
    ++report.rechecks;
  }
  report.missing = report.extra = report.different = 0;
  for (const RowDifference& d : report.differences) {
    switch (d.kind) {
      case DifferenceKind::kMissingOnTarget: report.missing += d.copies; break;
      case DifferenceKind::kExtraOnTarget: report.extra += d.copies; break;
      case DifferenceKind::kDifferent: report.different += d.copies; break;
    }
  }
  const uint64_t before = first.difference_count();
  const uint64_t after = report.difference_count();
  report.cleared_by_recheck = before > after ? before - after : 0;
  report.seconds = first.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace omsql::verify
