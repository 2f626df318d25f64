#include "src/verify/request.hpp"

#include <algorithm>

namespace omsql::verify {

std::vector<uint32_t> tables_to_verify(const Plan& plan) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < plan.tables.size(); ++i) {
    bool named = plan.verify_requests.empty();
    for (const auto& request : plan.verify_requests)
      for (const auto& table : request.tables) named = named || table == plan.tables[i].source;
    if (named) out.push_back(i);
  }
  return out;
}

VerifyOptions verify_options_of(const Plan& plan) {
  VerifyOptions options = plan.verify;
  if (!plan.verify_requests.empty()) {
    const VerifyOptions& statement = plan.verify_requests.front().options;
    options.chunk_rows = statement.chunk_rows;
    options.settle_seconds = statement.settle_seconds;
    if (!statement.repair_file.empty()) options.repair_file = statement.repair_file;
    options.repair_apply = options.repair_apply || statement.repair_apply;
  }
  return options;
}

Verification build_verification(const Plan& plan, const VerifyOverrides& overrides,
                                const VerificationContext& context) {
  Verification out;
  VerificationSpec& spec = out.spec;
  spec.tables = tables_to_verify(plan);
  spec.options = verify_options_of(plan);
  if (!overrides.repair_file.empty()) spec.options.repair_file = overrides.repair_file;
  if (overrides.apply) spec.options.repair_apply = true;
  if (overrides.settle_seconds > 0) spec.options.settle_seconds = overrides.settle_seconds;
  spec.parallel = std::max(1, plan.options.parallel);
  if (context.link != LinkState::kNone && spec.options.repair_apply) {
    out.repair_held = true;
    spec.options.repair_apply = false;
  }
  const bool self = context.task_dir.empty();
  const std::string of_task = self ? "" : " of the task in " + context.task_dir;
  switch (context.link) {
    case LinkState::kLive:
      spec.live_task_id = context.task_id;
      spec.mode = "settled against the live link" + of_task +
                  ": a differing row is re-checked once the link has applied the source position it was read at "
                  "(settle_seconds = " +
                  std::to_string(spec.options.settle_seconds) + ")";
      break;
    case LinkState::kPaused:
      spec.mode = std::string("compared directly: ") + (self ? "the link" : "the task in " + context.task_dir) +
                  " is paused, so nothing applies changes to the target; rows it has not applied yet count as "
                  "differences until it resumes";
      break;
    case LinkState::kNone:
      spec.mode = self ? "compared directly: no link applies changes to the target"
                  : plan.has_migrate
                      ? "compared directly: no link runs for this script's task (" + context.task_dir + ")"
                      : "compared directly";
      break;
  }
  return out;
}

}  // namespace omsql::verify
