#include "src/task/start_moment.hpp"

namespace omsql {

bool same_definition(const TableDef& a, const TableDef& b) {
  auto plain = [](TableDef d) {
    d.estimated_rows = 0;
    d.estimated_bytes = 0;
    d.auto_increment.reset();
    return d;
  };
  return plain(a) == plain(b);
}

Result<StartMoment> settle_start_moment(const std::vector<TableDef>& bound,
                                        const std::function<Result<SourcePosition>()>& position,
                                        const std::function<Result<std::vector<TableDef>>()>& definitions,
                                        int max_attempts, bool locked) {
  std::vector<TableDef> known = bound;
  std::string changing;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    auto at = position();
    if (!at) return at.status();
    auto now = definitions();
    if (!now) return now.status();
    if (now->size() != known.size())
      return Status::server_error("reading the task's table definitions gave " + std::to_string(now->size()) +
                              " tables, want " + std::to_string(known.size()));
    changing.clear();
    for (size_t i = 0; i < known.size(); ++i)
      if (!same_definition(known[i], (*now)[i])) changing += (changing.empty() ? "" : ", ") + known[i].name.str();
    if (changing.empty()) return StartMoment{*at, std::move(known), attempt};
    if (locked) return StartMoment{*at, std::move(now).value(), attempt};
    known = std::move(now).value();
  }
  return Status::server_error("the source's definitions of " + changing + " changed between every two reads (" +
                             std::to_string(max_attempts) +
                             " tries): the task cannot take a start position they are valid at; run again when "
                             "the DDL on them has stopped");
}

}  // namespace omsql
