#include "src/verify/recheck.hpp"

#include <map>

#include <algorithm>
#include <future>
#include <set>
#include <thread>

#include "src/verify/chunk_hash.hpp"

namespace omsql::verify {

namespace {

// The distinct keys to look the differences up by, in order. A difference without a usable key
// cannot be looked up: it is appended to `kept` as found.
std::vector<KeyTuple> lookup_keys(const TableSpec& spec, const std::vector<RowDifference>& differences,
                                  std::vector<RowDifference>* kept) {
  std::vector<KeyTuple> keys;
  std::set<KeyTuple> seen;
  for (const RowDifference& d : differences) {
    if (!d.key_values || d.key_values->size() != spec.key().size()) {
      kept->push_back(d);
      continue;
    }
    if (seen.insert(*d.key_values).second) keys.push_back(*d.key_values);
  }
  return keys;
}

}  // namespace

Result<std::vector<RowDifference>> recheck_rows(Connection& source, Connection& target, const TableSpec& spec,
                                                const std::vector<RowDifference>& differences) {
  if (!spec.keyed()) return differences;  // a multiset difference names no row to look up
  std::vector<RowDifference> out;
  const std::vector<KeyTuple> keys = lookup_keys(spec, differences, &out);
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

namespace {

// Sets the report's missing/extra/different counts from its list of differences.
void count_differences(TableReport& report) {
  report.missing = report.extra = report.different = 0;
  for (const RowDifference& d : report.differences) {
    switch (d.kind) {
      case DifferenceKind::kMissingOnTarget: report.missing += d.copies; break;
      case DifferenceKind::kExtraOnTarget: report.extra += d.copies; break;
      case DifferenceKind::kDifferent: report.different += d.copies; break;
    }
  }
}

}  // namespace

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
  count_differences(report);
  const uint64_t before = first.difference_count();
  const uint64_t after = report.difference_count();
  report.cleared_by_recheck = before > after ? before - after : 0;
  report.seconds = first.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Result<TableReport> recheck_settled(Connection& source, Connection& target, const TableJob& job,
                                    const TableReport& first, int rounds, const WaitForApplied& wait_for_applied) {
  TableReport report = first;
  if (first.differences.empty() || !first.error.empty() || !first.keyed || rounds <= 0) return report;
  auto spec = TableSpec::make(job);
  if (!spec) return spec.status();
  if (!spec->keyed()) return report;
  const auto start = std::chrono::steady_clock::now();
  std::vector<RowDifference> pending = first.differences;  // not yet seen still
  std::vector<RowDifference> settled;                      // differences of rows that held still
  for (int round = 0; round < rounds && !pending.empty(); ++round) {
    const std::vector<KeyTuple> keys = lookup_keys(*spec, pending, &settled);
    std::vector<RowDifference> next_round;
    for (size_t begin = 0; begin < keys.size(); begin += kRecheckKeysPerStatement) {
      const std::vector<KeyTuple> batch(keys.begin() + begin,
                                        keys.begin() + std::min(keys.size(), begin + kRecheckKeysPerStatement));
      auto first_read = fetch_rows_by_key(source, Side::kSource, *spec, batch);
      if (!first_read) return first_read.status();
      auto position = current_position(source);
      if (!position) return position.status();
      if (!wait_for_applied(*position)) {
        // The applier did not get there in time: these rows wait for the next round.
        for (const RowDifference& d : pending)
          if (d.key_values && std::find(batch.begin(), batch.end(), *d.key_values) != batch.end())
            next_round.push_back(d);
        continue;
      }
      auto target_rows = fetch_rows_by_key(target, Side::kTarget, *spec, batch);
      if (!target_rows) return target_rows.status();
      auto second_read = fetch_rows_by_key(source, Side::kSource, *spec, batch);
      if (!second_read) return second_read.status();

      // A source row that appeared, disappeared or changed between the two reads is unsettled.
      std::map<std::string, uint64_t> before, after;
      for (const auto& row : *first_read) before[row.match_key] = row.hash;
      for (const auto& row : *second_read) after[row.match_key] = row.hash;
      std::set<std::string> moving;
      for (const auto& [identity, hash] : before)
        if (auto it = after.find(identity); it == after.end() || it->second != hash) moving.insert(identity);
      for (const auto& [identity, hash] : after)
        if (!before.count(identity)) moving.insert(identity);
      std::set<KeyTuple> moving_keys;
      std::vector<FetchedRow> still_source, still_target;
      for (const auto& row : *first_read) {
        if (moving.count(row.match_key)) moving_keys.insert(row.key);
        else still_source.push_back(row);
      }
      for (const auto& row : *second_read)
        if (moving.count(row.match_key)) moving_keys.insert(row.key);
      for (const auto& row : *target_rows)
        if (!moving.count(row.match_key)) still_target.push_back(row);
      for (auto& d : compare_rows(*spec, still_source, still_target)) settled.push_back(std::move(d));
      for (const RowDifference& d : pending)
        if (d.key_values && moving_keys.count(*d.key_values)) next_round.push_back(d);
    }
    pending = std::move(next_round);
    ++report.rechecks;
  }
  report.differences = std::move(settled);
  report.unsettled = pending.size();
  report.unsettled_keys.clear();
  for (const RowDifference& d : pending) report.unsettled_keys.push_back(d.key);
  count_differences(report);
  const uint64_t before = first.difference_count();
  const uint64_t after = report.difference_count() + report.unsettled;
  report.cleared_by_recheck = before > after ? before - after : 0;
  report.seconds = first.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace omsql::verify
