#include "src/cli/verify_command.hpp"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/cli/script_loader.hpp"
#include "src/runner/control.hpp"
#include "src/runner/status.hpp"
#include "src/runner/verification.hpp"
#include "src/task/task_state.hpp"
#include "src/verify/request.hpp"
#include "src/log/log.hpp"

namespace omsql::cli {

namespace {

int print_report(const verify::VerifyReport& report, const std::string& json_report) {
  std::cout << report.to_text();
  std::cout.flush();
  if (!json_report.empty()) {
    if (auto st = write_file_atomically(json_report, report.to_json() + "\n"); !st) {
      log::error("verify") << st.message();
      return kExitFailure;
    }
  }
  return verify::outcome_exit_code(report.outcome());
}

std::string refusal_during_copy(const std::string& task_dir, const std::string& phase) {
  return "the task in " + task_dir + " is copying (phase " + phase +
         "): the target is not complete yet, so a verification now would only report missing rows. The "
         "script's VERIFY runs by itself after the copy; otherwise verify once the link runs (omsrun status "
         "--task " + task_dir + ": phase incremental)";
}

}  // namespace

int verify_plan(std::shared_ptr<const Plan> plan, const VerifyCommandOptions& options) {
  const std::string task_dir = task_directory_for(*plan, options.script, options.script_task_dir);
  const runner::LinkProbe link = plan->has_migrate ? runner::probe_link(task_dir) : runner::LinkProbe{};
  if (link.kind == runner::LinkProbe::kCopying) {
    log::error("verify") << refusal_during_copy(task_dir, link.phase);
    return kExitFailure;
  }
  verify::VerificationContext context;
  context.link = runner::link_state(link);
  context.task_id = task_id_for_directory(task_dir);
  context.task_dir = task_dir;
  const verify::Verification built =
      verify::build_verification(*plan, {options.repair_file, options.apply, options.settle_seconds}, context);
  if (built.repair_held) {
    // Writing to the target behind a link's back can undo changes it applies meanwhile.
    if (options.apply) {
      log::error("verify") << "--apply: the task in " << task_dir << " runs its link; repairs must go through its "
                << "apply queue: omsrun verify --task " << task_dir << " --apply";
      return kExitFailure;
    }
    log::warning("verify") << "repair = 'apply' is not done from this process while the task in " << task_dir
              << " runs its link (omsrun verify --task " << task_dir << " --apply repairs through its queue)";
  }
  auto report = runner::verify_here(plan, built.spec);
  if (!report) {
    log::error("verify") << report.status().message();
    return kExitFailure;
  }
  return print_report(*report, options.json_report);
}

int verify_script(const VerifyCommandOptions& options) {
  int exit_code = 0;
  auto bound = load_task_script(options.script, &exit_code, options.script_task_dir);
  if (!bound) return exit_code;
  bound->source.reset();  // the verifiers open their own connections
  std::shared_ptr<const Plan> plan = bound->plan;
  if (bound->task_exists) {
    // The tables as the link has left the target, not the script's start set.
    auto applied = runner::plan_as_applied(plan, task_directory_for(*plan, options.script, options.script_task_dir));
    if (!applied) {
      log::error("verify") << applied.status().message();
      return kExitFailure;
    }
    plan = std::move(applied).value();
  }
  return verify_plan(plan, options);
}

int verify_task(const VerifyCommandOptions& options) {
  const std::string& dir = options.task_dir;
  auto started = runner::start_verification(dir, {options.repair_file, options.apply, options.settle_seconds});
  if (!started) {
    log::error("verify") << started.status().message();
    return kExitFailure;
  }
  const uint64_t id = started->id;
  if (options.no_wait) {
    std::cout << "verification " << id << " started in " << dir << "; its report lands in " << started->report
              << " (omsrun status --task " << dir << ")\n";
    return 0;
  }
  log::info("verify") << "verify: verification " << id << " started in the task; waiting for its report (--no-wait: "
            << "return at once)";
  auto last = runner::await_verification(dir, id, [](const VerifyProgressStatus& p) {
    std::ostringstream line;
    line << "verify: " << p.tables_done << "/" << p.tables << " table(s), " << p.rows << " rows, "
         << static_cast<uint64_t>(p.rows_per_second) << " rows/s";
    if (!p.settling.empty()) line << "; settling " << p.settling;
    log::info("verify") << line.str();
  });
  if (!last) {
    log::error("verify") << last.status().message();
    return kExitFailure;
  }
  if (last->error) {
    log::error("verify") << "verification " << id << ": " << *last->error;
    return kExitFailure;
  }
  std::ifstream text_in(last->report_text.value_or(dir + "/verify-report.txt"));
  std::ifstream json_in(last->report.value_or(dir + "/verify-report.json"));
  std::stringstream text, json;
  text << text_in.rdbuf();
  json << json_in.rdbuf();
  auto report = nlohmann::json::parse(json.str(), nullptr, false);
  if (!text_in || !json_in || report.is_discarded() || report.value("id", uint64_t{0}) != id) {
    log::error("verify") << dir << ": the report of verification " << id
              << " is not in the task directory (a later verification may have replaced it)";
    return kExitFailure;
  }
  std::cout << text.str();
  std::cout.flush();
  if (!options.json_report.empty()) {
    if (auto st = write_file_atomically(options.json_report, json.str()); !st) {
      log::error("verify") << st.message();
      return kExitFailure;
    }
  }
  return last->exit_code;
}

}  // namespace omsql::cli
