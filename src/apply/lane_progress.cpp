#include "src/apply/lane_progress.hpp"

#include <algorithm>

namespace omsql::apply {

void LaneProgress::begin(std::vector<SourcePosition> committed) {
  committed_ = std::move(committed);
  checkpoint_ = *std::min_element(committed_.begin(), committed_.end());
  in_flight_ = 0;
}

void LaneProgress::relane(size_t lanes, const SourcePosition& at) { committed_.assign(lanes, at); }

std::optional<SourcePosition> LaneProgress::agreed() const {
  if (in_flight() || committed_.empty()) return std::nullopt;
  for (const auto& position : committed_)
    if (!(position == committed_.front())) return std::nullopt;
  return committed_.front();
}

Status LaneProgress::check_ordered(const SourcePosition& end) const {
  for (const auto& position : committed_)
    if (!position.empty() && !(position < end))
      return Status::invalid_argument("internal error: a lane has committed " + position.str() +
                                      ", past the FK-ordered group ending at " + end.str());
  return Status::ok();
}

Status LaneProgress::check_barrier(const SourcePosition& at) const {
  if (in_flight())
    return Status::invalid_argument("internal error: the DDL at " + at.str() + " was reached with a group in flight");
  for (const auto& position : committed_)
    if (!position.empty() && !(position < at))
      return Status::invalid_argument("internal error: a lane has committed " + position.str() +
                                      ", at or past the DDL at " + at.str() + " that the others have not passed");
  return Status::ok();
}

void LaneProgress::group_sent(const SourcePosition& end, size_t acknowledgements, uint64_t changes) {
  sending_ = end;
  sending_changes_ = changes;
  in_flight_ = acknowledgements;
}

std::optional<uint64_t> LaneProgress::group_acknowledged() {
  if (in_flight_ == 0 || --in_flight_ > 0) return std::nullopt;
  checkpoint_ = sending_;
  for (auto& position : committed_)
    if (position.empty() || position < sending_) position = sending_;
  return sending_changes_;
}

bool LaneProgress::check_caught_up() {
  if (!caught_up_ && !catch_up_target_.empty() && !(checkpoint_ < catch_up_target_)) caught_up_ = true;
  return caught_up_;
}

}  // namespace omsql::apply
