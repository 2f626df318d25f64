#include "src/runner/verification.hpp"

#include <caf/all.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "actors/protocol.hpp"
#include "actors/verify_actors.hpp"
#include "src/engine/mysql/checkpoint.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/runner/status.hpp"
#include "src/task/tables_at.hpp"
#include "src/task/task_state.hpp"

namespace omsql::runner {

LinkProbe probe_link(const std::string& task_dir) {
  LinkProbe probe;
  std::error_code ec;
  if (!std::filesystem::exists(task_dir, ec)) return probe;
  auto classify = [&](const std::string& phase, bool paused) {
    probe.phase = phase;
    if (phase != "incremental")
      probe.kind = LinkProbe::kCopying;
    else
      probe.kind = paused ? LinkProbe::kPaused : LinkProbe::kLive;
  };
  if (auto live = running_status(task_dir)) {
    classify(live->phase.value_or("?"), live->paused);
    return probe;
  }
  if (!task_directory_in_use(task_dir)) return probe;
  std::ifstream in(task_dir + "/state.json");
  auto state = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  classify(state.is_object() ? state.value("phase", std::string("?")) : std::string("?"), false);
  return probe;
}

verify::LinkState link_state(const LinkProbe& probe) {
  switch (probe.kind) {
    case LinkProbe::kLive:
      return verify::LinkState::kLive;
    case LinkProbe::kPaused:
      return verify::LinkState::kPaused;
    case LinkProbe::kNone:
    case LinkProbe::kCopying:
      break;
  }
  return verify::LinkState::kNone;
}

Result<std::shared_ptr<const Plan>> plan_as_applied(std::shared_ptr<const Plan> plan, const std::string& task_dir) {
  if (!plan->has_migrate || !plan->phases.incremental || !std::filesystem::exists(task_dir + "/schema-history.jsonl"))
    return plan;
  auto target = Connection::open(plan->target, "target");
  if (!target) return target.status();
  auto applied = checkpoint::applied_position(**target, task_id_for_directory(task_dir));
  if (!applied) return applied.status().with_context("reading the task's applied position on the target");
  if (applied->empty()) return plan;
  auto at = task_plan_at(*plan, task_dir, *applied);
  if (!at) return at.status().with_context("the task's tables at " + applied->str());
  return std::make_shared<const Plan>(std::move(at).value());
}

Result<verify::VerifyReport> verify_here(std::shared_ptr<const Plan> plan, const verify::VerificationSpec& spec) {
  caf::actor_system_config config;
  actors::add_message_types(config);
  caf::actor_system system{config};
  actors::VerificationRequest request;
  static_cast<verify::VerificationSpec&>(request) = spec;
  return actors::verify_blocking(system, std::move(plan), std::move(request));
}

}  // namespace omsql::runner
