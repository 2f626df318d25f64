#include "src/verify/recheck.hpp"

#include "src/engine/mysql/binlog/position.hpp"

#include <map>

#include <algorithm>
#include <future>
#include <set>

#include "src/verify/chunk_hash.hpp"
#include "src/verify/verifier.hpp"

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

namespace {

std::vector<KeyTuple> keys_of(const std::vector<RowDifference>& differences) {
  std::vector<KeyTuple> keys;
  std::set<KeyTuple> seen;
  for (const RowDifference& d : differences)
    if (d.key_values && seen.insert(*d.key_values).second) keys.push_back(*d.key_values);
  return keys;
}

// Reads `keys` on one side in statements of kRecheckKeysPerStatement keys.
Result<std::vector<FetchedRow>> fetch_all(Connection& connection, Side side, const TableSpec& spec,
                                          const std::vector<KeyTuple>& keys) {
  std::vector<FetchedRow> rows;
  for (size_t begin = 0; begin < keys.size(); begin += kRecheckKeysPerStatement) {
    const std::vector<KeyTuple> batch(keys.begin() + begin,
                                      keys.begin() + std::min(keys.size(), begin + kRecheckKeysPerStatement));
    auto fetched = fetch_rows_by_key(connection, side, spec, batch);
    if (!fetched) return fetched.status();
    for (auto& row : *fetched) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

SettledRecheck::SettledRecheck(const TableJob& job, const VerifyOptions& options, TableSpec spec, TableReport first)
    : job_(&job), options_(options), spec_(std::move(spec)), report_(std::move(first)) {
  if (!spec_.keyed()) {
    pending_ = report_.differences;
    return;
  }
  std::vector<RowDifference> no_key;
  (void)lookup_keys(spec_, report_.differences, &no_key);
  // A difference without key values cannot be looked up again: it stays a difference, as found.
  for (auto& d : no_key) settled_.push_back(std::move(d));
  for (const RowDifference& d : report_.differences)
    if (d.key_values && d.key_values->size() == spec_.key().size()) pending_.push_back(d);
}

Result<SettledRecheck> SettledRecheck::begin(const TableJob& job, const VerifyOptions& options, TableReport first) {
  auto spec = TableSpec::make(job);
  if (!spec) return spec.status();
  if (!first.error.empty()) return Status::invalid_argument("a table that failed to verify cannot be re-checked");
  return SettledRecheck(job, options, std::move(*spec), std::move(first));
}

Result<SourcePosition> SettledRecheck::read_source(Connection& source) {
  first_read_.clear();
  keys_.clear();
  if (spec_.keyed()) {
    keys_ = keys_of(pending_);
    auto rows = fetch_all(source, Side::kSource, spec_, keys_);
    if (!rows) return rows.status();
    first_read_ = std::move(*rows);
  }
  return current_source_position(source);
}

Status SettledRecheck::compare(Connection& source, Connection& target) {
  ++rounds_;
  if (!spec_.keyed()) {
    // The table again, as it is once the link has applied every change up to the position.
    auto again = verify_table(source, target, *job_, options_);
    if (!again) return again.status();
    pending_.clear();
    report_.source_rows = again->source_rows;
    report_.target_rows = again->target_rows;
    if (!again->differences.empty()) {
      pending_ = std::move(again->differences);
      give_up("a table without a key cannot be re-checked row by row while the link applies changes; these "
              "rows still differed after the link had applied the position of the first check (verify again "
              "with the link paused or stopped to compare directly)");
    }
    finished_ = true;
    return Status::ok();
  }
  auto target_rows = fetch_all(target, Side::kTarget, spec_, keys_);
  if (!target_rows) return target_rows.status();
  auto second_read = fetch_all(source, Side::kSource, spec_, keys_);
  if (!second_read) return second_read.status();

  // A source row that appeared, disappeared or changed between the two reads moved.
  std::map<std::string, uint64_t> before, after;
  for (const auto& row : first_read_) before[row.match_key] = row.hash;
  for (const auto& row : *second_read) after[row.match_key] = row.hash;
  std::set<std::string> moving;
  for (const auto& [identity, hash] : before)
    if (auto it = after.find(identity); it == after.end() || it->second != hash) moving.insert(identity);
  for (const auto& [identity, hash] : after)
    if (!before.count(identity)) moving.insert(identity);
  std::set<KeyTuple> moving_keys;
  std::vector<FetchedRow> still_source, still_target;
  for (const auto& row : first_read_) {
    if (moving.count(row.match_key)) moving_keys.insert(row.key);
    else still_source.push_back(row);
  }
  for (const auto& row : *second_read)
    if (moving.count(row.match_key)) moving_keys.insert(row.key);
  for (const auto& row : *target_rows)
    if (!moving.count(row.match_key)) still_target.push_back(row);

  std::vector<RowDifference> next_round;
  std::set<KeyTuple> differing_now;
  for (auto& d : compare_rows(spec_, still_source, still_target)) {
    if (!d.key_values) {
      settled_.push_back(std::move(d));  // cannot be looked up again: reported as found
      continue;
    }
    differing_now.insert(*d.key_values);
    if (seen_different_once_.count(*d.key_values)) settled_.push_back(std::move(d));
    else {
      seen_different_once_.insert(*d.key_values);
      next_round.push_back(std::move(d));  // fresh values: the next round confirms it
    }
  }
  for (const RowDifference& d : pending_)
    if (d.key_values && moving_keys.count(*d.key_values)) next_round.push_back(d);
  // Still and equal: proven equal, dropped. Forget a first sighting that did not repeat.
  for (auto it = seen_different_once_.begin(); it != seen_different_once_.end();)
    it = differing_now.count(*it) ? std::next(it) : seen_different_once_.erase(it);
  pending_ = std::move(next_round);
  first_read_.clear();
  keys_.clear();
  if (!pending_.empty() && rounds_ >= kMaxSettleRounds)
    give_up("kept changing on the source through " + std::to_string(rounds_) + " re-checks");
  return Status::ok();
}

void SettledRecheck::give_up(const std::string& reason) {
  if (unsettled_reason_.empty()) unsettled_reason_ = reason;
  finished_ = true;
}

TableReport SettledRecheck::finish() {
  TableReport report = std::move(report_);
  const uint64_t before = report.difference_count();
  report.differences = std::move(settled_);
  report.unsettled.clear();
  // Pending rows include those seen different only once: suspects, not proven, so unsettled too.
  for (auto& d : pending_) report.unsettled.push_back(std::move(d));
  pending_.clear();
  report.unsettled_reason = report.unsettled.empty() ? "" : unsettled_reason_;
  report.rechecks = static_cast<uint64_t>(rounds_);
  count_differences(report);
  uint64_t unsettled_rows = 0;
  for (const auto& d : report.unsettled) unsettled_rows += d.copies;
  const uint64_t after = report.difference_count() + unsettled_rows;
  report.cleared_by_recheck = before > after ? before - after : 0;
  report.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return report;
}

}  // namespace omsql::verify
