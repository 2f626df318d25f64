#include "src/verify/report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace omsql::verify {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kFailed: return "failed";
    case Outcome::kDifferent: return "different";
    case Outcome::kUnsettled: return "unsettled";
    case Outcome::kClean: return "clean";
  }
  return "?";
}

int outcome_exit_code(Outcome outcome) {
  switch (outcome) {
    case Outcome::kClean: return 0;
    case Outcome::kDifferent: return 3;
    case Outcome::kUnsettled: return 4;
    case Outcome::kFailed: return 1;
  }
  return 1;
}

Outcome VerifyReport::outcome() const {
  Outcome worst = Outcome::kClean;
  for (const auto& t : tables) {
    if (!t.error.empty()) return Outcome::kFailed;
    if (t.difference_count() != 0) worst = Outcome::kDifferent;
    else if (!t.unsettled.empty() && worst == Outcome::kClean) worst = Outcome::kUnsettled;
  }
  return worst;
}

uint64_t VerifyReport::unsettled_count() const {
  uint64_t n = 0;
  for (const auto& t : tables) n += t.unsettled.size();
  return n;
}

namespace {

std::string difference_line(const RowDifference& d) {
  std::string out = std::string(difference_kind_name(d.kind)) + " " + d.key;
  if (d.copies != 1) out += " x" + std::to_string(d.copies);
  if (!d.columns.empty()) {
    out += " columns:";
    for (const auto& c : d.columns) out += " " + c;
  }
  return out;
}

nlohmann::json difference_json(const RowDifference& d) {
  nlohmann::json item = {{"kind", difference_kind_name(d.kind)}, {"key", d.key}};
  if (d.copies != 1) item["copies"] = d.copies;
  if (!d.columns.empty()) item["columns"] = d.columns;
  return item;
}

}  // namespace

uint64_t VerifyReport::difference_count() const {
  uint64_t n = 0;
  for (const auto& t : tables) n += t.difference_count();
  return n;
}

std::string VerifyReport::to_text(size_t max_listed) const {
  std::string out;
  char line[512];
  for (const auto& t : tables) {
    std::snprintf(line, sizeof line,
                  "%s -> %s: %llu/%llu rows (source/target), %llu chunks (%llu mismatched), missing %llu, extra %llu, "
                  "different %llu, %.2f s%s\n",
                  t.source.str().c_str(), t.target.str().c_str(), (unsigned long long)t.source_rows,
                  (unsigned long long)t.target_rows, (unsigned long long)t.chunks,
                  (unsigned long long)t.chunks_mismatched, (unsigned long long)t.missing, (unsigned long long)t.extra,
                  (unsigned long long)t.different, t.seconds, t.keyed ? "" : " (no key: compared as a multiset)");
    out += line;
    if (!t.server_digests && !t.client_digests_reason.empty())
      out += "  client-side digests (every row read): " + t.client_digests_reason + "\n";
    if (t.rechecks != 0)
      out += "  re-checked " + std::to_string(t.rechecks) + " time" + (t.rechecks == 1 ? "" : "s") + ": " +
             std::to_string(t.cleared_by_recheck) + " cleared (changes in flight)\n";
    if (!t.error.empty()) out += "  error: " + t.error + "\n";
    for (size_t i = 0; i < t.differences.size() && i < max_listed; ++i)
      out += "  " + difference_line(t.differences[i]) + "\n";
    if (t.differences.size() > max_listed)
      out += "  ... " + std::to_string(t.differences.size() - max_listed) + " more\n";
    if (!t.unsettled.empty()) {
      out += "  could not settle " + std::to_string(t.unsettled.size()) + " row(s): " + t.unsettled_reason + "\n";
      for (size_t i = 0; i < t.unsettled.size() && i < max_listed; ++i)
        out += "  unsettled " + difference_line(t.unsettled[i]) + "\n";
      if (t.unsettled.size() > max_listed)
        out += "  ... " + std::to_string(t.unsettled.size() - max_listed) + " more\n";
    }
  }
  if (!mode.empty()) out += "mode: " + mode + "\n";
  const Outcome result = outcome();
  const char* label = result == Outcome::kClean       ? "clean"
                      : result == Outcome::kDifferent ? "DIFFERENT"
                      : result == Outcome::kUnsettled ? "UNSETTLED"
                                                      : "FAILED";
  std::snprintf(line, sizeof line, "%s: %llu differences in %zu tables", label, (unsigned long long)difference_count(),
                tables.size());
  out += line;
  if (const uint64_t unsettled = unsettled_count(); unsettled != 0)
    out += ", " + std::to_string(unsettled) + " row(s) could not be settled (neither proven equal nor different)";
  std::snprintf(line, sizeof line, ", %.2f s\n", seconds);
  out += line;
  if (!repair_file.empty())
    out += "repair: " + std::to_string(repair_statements) + " statements in " + repair_file +
           (repair_applied ? " (applied)" : "") + "\n";
  else if (repair_applied)
    out += "repair: " + std::to_string(repair_statements) + " statements applied to the target\n";
  if (repair_queued) out += "repair: the differing rows go through the live link's apply queue\n";
  return out;
}

std::string VerifyReport::to_json(size_t max_listed) const {
  nlohmann::json root;
  root["clean"] = clean();
  root["outcome"] = outcome_name(outcome());
  root["seconds"] = seconds;
  root["differences"] = difference_count();
  root["unsettled"] = unsettled_count();
  if (!mode.empty()) root["mode"] = mode;
  if (id != 0) root["id"] = id;
  if (repair_queued) root["repair_queued"] = true;
  if (!repair_file.empty() || repair_applied) {
    if (!repair_file.empty()) root["repair_file"] = repair_file;
    root["repair_statements"] = repair_statements;
    root["repair_applied"] = repair_applied;
  }
  root["tables"] = nlohmann::json::array();
  for (const auto& t : tables) {
    nlohmann::json table = {{"source", t.source.str()},
                            {"target", t.target.str()},
                            {"keyed", t.keyed},
                            {"rows_source", t.source_rows},
                            {"rows_target", t.target_rows},
                            {"chunks", t.chunks},
                            {"chunks_mismatched", t.chunks_mismatched},
                            {"ranges_rehashed", t.ranges_rehashed},
                            {"missing", t.missing},
                            {"extra", t.extra},
                            {"different", t.different},
                            {"seconds", t.seconds},
                            {"rechecks", t.rechecks},
                            {"cleared_by_recheck", t.cleared_by_recheck},
                            {"unsettled", t.unsettled.size()}};
    if (!t.error.empty()) table["error"] = t.error;
    table["digests"] = t.server_digests ? "server" : "client";
    if (!t.client_digests_reason.empty()) table["client_digests_reason"] = t.client_digests_reason;
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < t.differences.size() && i < max_listed; ++i) list.push_back(difference_json(t.differences[i]));
    table["differences"] = std::move(list);
    table["differences_listed_all"] = t.differences.size() <= max_listed;
    if (!t.unsettled.empty()) {
      nlohmann::json rows = nlohmann::json::array();
      for (size_t i = 0; i < t.unsettled.size() && i < max_listed; ++i) rows.push_back(difference_json(t.unsettled[i]));
      table["unsettled_rows"] = std::move(rows);
      table["unsettled_reason"] = t.unsettled_reason;
    }
    root["tables"].push_back(std::move(table));
  }
  // Keys may hold any bytes: replace invalid UTF-8 rather than throw.
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace omsql::verify
