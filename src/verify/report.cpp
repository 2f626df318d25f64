#include "src/verify/report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace omsql::verify {

bool VerifyReport::clean() const {
  for (const auto& t : tables)
    if (!t.error.empty() || t.difference_count() != 0) return false;
  return true;
}

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
    if (t.rechecks != 0)
      out += "  re-checked " + std::to_string(t.rechecks) + " time" + (t.rechecks == 1 ? "" : "s") + ": " +
             std::to_string(t.cleared_by_recheck) + " cleared (changes in flight)\n";
    if (t.unsettled != 0) {
      out += "  " + std::to_string(t.unsettled) + " row(s) kept changing on the source while re-checked (not compared):";
      for (size_t i = 0; i < t.unsettled_keys.size() && i < 5; ++i) out += " " + t.unsettled_keys[i];
      out += "\n";
    }
    if (!t.error.empty()) out += "  error: " + t.error + "\n";
    for (size_t i = 0; i < t.differences.size() && i < max_listed; ++i) {
      const RowDifference& d = t.differences[i];
      out += std::string("  ") + difference_kind_name(d.kind) + " " + d.key;
      if (d.copies != 1) out += " x" + std::to_string(d.copies);
      if (!d.columns.empty()) {
        out += " columns:";
        for (const auto& c : d.columns) out += " " + c;
      }
      out += "\n";
    }
    if (t.differences.size() > max_listed)
      out += "  ... " + std::to_string(t.differences.size() - max_listed) + " more\n";
  }
  std::snprintf(line, sizeof line, "%s: %llu differences in %zu tables, %.2f s\n", clean() ? "clean" : "DIFFERENT",
                (unsigned long long)difference_count(), tables.size(), seconds);
  out += line;
  if (!repair_file.empty())
    out += "repair: " + std::to_string(repair_statements) + " statements in " + repair_file +
           (repair_applied ? " (applied)" : "") + "\n";
  return out;
}

std::string VerifyReport::to_json(size_t max_listed) const {
  nlohmann::json root;
  root["clean"] = clean();
  root["seconds"] = seconds;
  root["differences"] = difference_count();
  if (!repair_file.empty()) {
    root["repair_file"] = repair_file;
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
                            {"unsettled", t.unsettled},
                            {"unsettled_keys", t.unsettled_keys}};
    if (!t.error.empty()) table["error"] = t.error;
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < t.differences.size() && i < max_listed; ++i) {
      const RowDifference& d = t.differences[i];
      nlohmann::json item = {{"kind", difference_kind_name(d.kind)}, {"key", d.key}};
      if (d.copies != 1) item["copies"] = d.copies;
      if (!d.columns.empty()) item["columns"] = d.columns;
      list.push_back(std::move(item));
    }
    table["differences"] = std::move(list);
    table["differences_listed_all"] = t.differences.size() <= max_listed;
    root["tables"].push_back(std::move(table));
  }
  // Keys may hold any bytes: replace invalid UTF-8 rather than throw.
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace omsql::verify
