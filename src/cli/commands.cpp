#include "src/cli/commands.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>

#include "dsl/compiler.hpp"
#include "src/check/compatibility_report.hpp"
#include "src/check/preflight.hpp"
#include "src/cli/script_loader.hpp"
#include "src/cli/verify_command.hpp"
#include "src/common/strings.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/log/log.hpp"
#include "src/runner/check.hpp"
#include "actors/control_server.hpp"
#include "src/runner/control.hpp"
#include "src/runner/status_text.hpp"
#include "src/runner/finish.hpp"
#include "src/runner/task_runner.hpp"
#include "src/task/run_report.hpp"
#include "src/schema/objects.hpp"
#include "src/task/actor_graph.hpp"

namespace omsql::cli {

namespace {

std::string key_text(const RowKey& key) {
  switch (key.kind) {
    case RowKey::Kind::kPrimary: return "PRIMARY (" + join(key.columns, ", ") + ")";
    case RowKey::Kind::kUniqueNotNull: return key.index_name + " (" + join(key.columns, ", ") + ")";
    case RowKey::Kind::kNone: return "none: one chunk";
  }
  return "?";
}

std::string phases_text(const Phases& p) {
  std::vector<std::string> names;
  if (p.schema) names.push_back("SCHEMA");
  if (p.full) names.push_back("FULL");
  if (p.incremental) names.push_back("INCREMENTAL");
  return join(names, ", ");
}

void print_actor_graph(const Plan& plan, bool dot) {
  const ActorGraph graph = actor_graph(plan);
  if (dot) {
    std::cout << render_dot(graph);
    return;
  }
  auto pool = [&](ActorRole role) { return std::to_string(graph.count(role)); };
  std::cout << "actor graph:\n";
  if (graph.count(ActorRole::kSchemaMigrator))
    std::cout << "  coordinator ── schema_migrator (SCHEMA before the copy), index_builder ×" << pool(ActorRole::kIndexBuilder)
              << " (INDEXES after it)\n";
  if (graph.count(ActorRole::kReader))
    std::cout << "  chunker ──ChunkWork──► reader ×" << pool(ActorRole::kReader) << " ──RowBatch──► applier ×"
              << pool(ActorRole::kApplier) << " ──progress──► reporter\n"
              << "  backpressure: " << plan.options.credits << " credits per reader × batch ≤ " << plan.options.batch_rows
              << " rows / " << plan.options.batch_bytes / (1 << 20) << " MB → at most "
              << graph.count(ActorRole::kReader) * plan.options.credits << " batches in flight\n";
  if (graph.count(ActorRole::kBinlogTailer))
    std::cout << "  binlog_tailer ──stored──► replayer ──LaneWork──► apply_lane ×" << pool(ActorRole::kApplyLane)
              << " (the task's lane count once recorded)\n";
  if (graph.count(ActorRole::kVerifier)) {
    bool on_request = false;
    for (const auto& node : graph.nodes) on_request |= node.role == ActorRole::kVerification && node.on_request;
    std::cout << "  coordinator ──verify──► verification ──verify table──► verifier ×" << pool(ActorRole::kVerifier)
              << " ──rows──► verify_progress" << (on_request ? " (on request: omsrun verify --task)" : "") << "\n";
  }
  auto limit = [](int64_t value, const char* unit) {
    return value == 0 ? std::string("unlimited") : std::to_string(value) + " " + unit;
  };
  std::cout << "  throttle: copy " << limit(plan.options.max_rows_per_sec, "rows/s, all readers together")
            << "; replay " << limit(plan.options.max_events_per_sec, "changes/s") << "\n";
}


}  // namespace

int show_plan(const std::string& script, bool dot) {
  int exit_code = 0;
  auto bound = load_task_script(script, &exit_code);
  if (!bound) return exit_code;
  const Plan& plan = *bound->plan;
  if (dot) {
    print_actor_graph(plan, true);
    return 0;
  }
  std::cout << "source " << dialect_name(plan.source.dialect) << " " << plan.source.describe() << "\n"
            << "target " << dialect_name(plan.target.dialect) << " " << plan.target.describe() << "\n"
            << "phases " << phases_text(plan.phases) << "\n\n";
  std::cout << std::left << std::setw(32) << "source" << std::setw(32) << "target" << std::setw(28) << "key"
            << std::right << std::setw(12) << "est. rows" << std::setw(8) << "chunks" << "  notes\n";
  for (const auto& job : plan.tables) {
    uint64_t rows = job.source_def.estimated_rows;
    uint64_t chunks = job.key.kind == RowKey::Kind::kNone
                          ? 1
                          : std::max<uint64_t>(1, (rows + plan.options.chunk_rows - 1) / plan.options.chunk_rows);
    std::vector<std::string> notes;
    for (const auto& c : job.columns) {
      if (c.source != c.target) notes.push_back(c.source + "→" + c.target);
      if (c.cast_to) notes.push_back(c.source + " AS " + *c.cast_to);
    }
    size_t excluded = job.source_def.columns.size() - job.columns.size();
    if (excluded) notes.push_back(std::to_string(excluded) + " column(s) excluded");
    if (job.filter) notes.push_back("WHERE " + *job.filter);
    std::cout << std::left << std::setw(32) << job.source.str() << std::setw(32) << job.target.str()
              << std::setw(28) << key_text(job.key) << std::right << std::setw(12) << rows << std::setw(8) << chunks
              << "  " << join(notes, "; ") << "\n";
  }
  std::cout << "\n" << plan.tables.size() << " table(s)\n\n";
  print_actor_graph(plan, false);
  return 0;
}

int show_plan_sql(const std::string& script) {
  int exit_code = 0;
  auto bound = load_task_script(script, &exit_code);
  if (!bound) return exit_code;
  auto statements = runner::plan_statements(*bound->plan, *bound->source);
  if (!statements) {
    log::error("cli") << statements.status().message();
    return kExitFailure;
  }
  std::string phase;
  for (const auto& s : *statements) {
    if (s.phase != phase) std::cout << (phase.empty() ? "" : "\n") << "-- phase: " << (phase = s.phase) << "\n";
    if (!s.note.empty()) std::cout << "-- " << s.note << "\n";
    std::cout << s.sql << ";\n";
  }
  std::cout << "\n-- " << statements->size() << " statement(s); replay statements depend on the changes and are not listed\n";
  return 0;
}

int check_script(const std::string& script) {
  int exit_code = 0;
  auto bound = load_task_script(script, &exit_code);
  if (!bound) return exit_code;
  const Plan& plan = *bound->plan;
  auto report = runner::check_task(plan, *bound->source, bound->task_exists);
  if (!report) {
    log::error("cli") << report.status().message();
    return kExitFailure;
  }
  int errors = 0, warnings = 0;
  for (const auto& f : report->findings) {
    const char* label = f.severity == check::Finding::kError     ? "error"
                        : f.severity == check::Finding::kWarning ? "warning"
                                                                 : "ok";
    if (f.severity == check::Finding::kError) ++errors;
    if (f.severity == check::Finding::kWarning) ++warnings;
    std::cout << label << ": " << f.message << "\n";
  }
  // The compatibility report: every source object and its fate on the target.
  if (!report->objects_status) {
    std::cout << "error: " << report->objects_status.message() << "\n";
    ++errors;
  } else {
    // The dialect's changes to each table come in as notes (src/check/compatibility_report).
    for (const auto& line : check::compatibility_report(plan, report->objects).lines()) std::cout << line << "\n";
  }
  std::cout << script << ": " << plan.tables.size() << " table(s), " << errors << " error(s), " << warnings
            << " warning(s)\n";
  return errors ? kExitFailure : 0;
}

namespace {

// Tells what the runner says while it prepares a run: through the log seam (stderr and the task's
// log file), in the words `omsrun FILE` always used.
class PrintingListener : public runner::RunListener {
 public:
  explicit PrintingListener(std::string script) : script_(std::move(script)) {}
  void recopy_refused(const std::vector<std::string>& refusals) override {
    for (const auto& refusal : refusals) log::error("task") << "--recopy: " << refusal;
    log::error("task") << "--recopy refused: nothing was changed";
  }
  void recopy_resumed(const std::string& directory) override {
    log::info("task") << "finishing the re-copy begun earlier in " << directory;
  }
  void recopy_done(const std::vector<std::string>& dropped) override {
    log::info("task") << "re-copy: dropped " << dropped.size() << " target table(s) this task created"
                      << (dropped.empty() ? "" : " (" + join(dropped, ", ") + ")")
                      << "; removed its checkpoints and spool; copying every table again from a new binlog position ("
                      << script_ << ")";
  }
  void already_done(const std::string& directory) override {
    log::result("task", "task in " + directory + " is already done (remove the directory to run it again)");
  }
  void finding(const check::Finding& finding, bool blocks) override {
    if (blocks)
      log::error("check") << finding.message;
    else if (finding.severity == check::Finding::kWarning)
      log::warning("check") << finding.message;
    else
      log::debug("check") << "ok: " << finding.message;
  }
  void preflight_failed() override { log::error("check") << "pre-flight failed: nothing was written"; }
  void resuming(const std::string& directory, Phase phase) override {
    log::info("task") << "resuming task in " << directory << " from phase " << phase_name(phase);
  }
  void control_unavailable(const Status& why) override {
    log::warning("control") << why.message() << " (status comes from status.json)";
  }
  void console_ready(const std::string& task_dir, const std::string& url) override {
    // The URL holds the task's token: shown on a terminal, never written into a file.
    const std::string pointer = "console: omsrun console --task " + task_dir + " prints its address";
    if (log::terminal_is_tty()) {
      log::write(log::Level::kInfo, "control", "console: " + url, log::Destination::kTerminal);
      log::write(log::Level::kInfo, "control", pointer, log::Destination::kFile);
    } else {
      log::info("control") << pointer;
    }
  }
  void tables_not_in_task(const std::string& directory, const std::vector<std::string>& tables) override {
    log::warning("task") << (tables.size() > 1 ? "tables " : "table ") << join(tables, ", ")
                         << " appeared on the source after the task in " << directory
                         << " started: not in its table set, so not created or migrated on the target. To migrate "
                         << (tables.size() > 1 ? "them" : "it") << ", run again with --recopy (copies every table again)"
                         << "; a live link still adds a table whose CREATE TABLE it reads in the binlog after the start";
  }
  void start_definition_changed(const std::string& table, const std::string& position) override {
    log::info("task") << "start: " << table << " changed on the source while the task started (a DDL): migrating its "
                      << "definition at the start position " << position;
  }

 private:
  std::string script_;
};

// The plan with the command line's --scratch-prefix, --set and --mode applied (the DSL's option
// table and MODE parser: the same names, checks and words as in a script). An error is a usage error.
Result<std::shared_ptr<const Plan>> adjusted_plan(std::shared_ptr<const Plan> plan, const RunOptions& options) {
  if (options.overrides.empty() && options.mode.empty() && options.scratch_prefix.empty()) return plan;
  Plan adjusted = *plan;
  if (!options.scratch_prefix.empty()) {
    for (auto& job : adjusted.tables) {
      job.target.schema = options.scratch_prefix + job.target.schema;
      if (job.target.schema.size() > 64 || is_system_schema(job.target.schema))
        return Status::invalid_argument(
            "--scratch-prefix: " + job.target.schema +
            (is_system_schema(job.target.schema) ? " is a system schema" : " is longer than 64 characters"));
    }
  }
  if (auto error = apply_option_overrides(adjusted.options, options.overrides); !error.empty())
    return Status::invalid_argument(error);
  if (!options.mode.empty()) {
    auto mode = parse_phase_list(options.mode);
    if (!mode.error.empty()) return Status::invalid_argument("--mode " + options.mode + ": " + mode.error);
    adjusted.phases = mode.phases;
  }
  return std::shared_ptr<const Plan>(std::make_shared<const Plan>(std::move(adjusted)));
}

}  // namespace

namespace {

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A run that ended before the runner took it (its script could not be loaded, bound or adjusted;
// a VERIFY-only script): its report says so (--report), from no status.
int reported(const RunOptions& options, int64_t started_at_ms, int exit_code, std::optional<std::string> error) {
  if (options.report.empty()) return exit_code;
  RunEnd end;
  end.task_dir = options.task_dir;
  end.script = options.script;
  end.exit_code = exit_code;
  end.error = std::move(error);
  end.started_at_ms = started_at_ms;
  end.ended_at_ms = wall_ms();
  if (auto written = write_run_report(options.report, build_run_report(TaskStatus{}, RunFacts{}, end)); !written) {
    log::error("report") << written.message();
    return exit_code == 0 ? kExitFailure : exit_code;
  }
  return exit_code;
}

}  // namespace

int run_task(const RunOptions& options) {
  const int64_t started_at_ms = wall_ms();
  int exit_code = 0;
  // A resumed run binds the tables its link saw leave too; --recopy starts from what the source has.
  auto bound = load_script(options.script, &exit_code,
                           options.recopy ? std::nullopt : std::optional<std::string>(options.task_dir));
  if (!bound) return reported(options, started_at_ms, exit_code, "the script could not be loaded and bound (the error above)");
  auto plan = adjusted_plan(bound->plan, options);
  if (!plan) {
    log::error("cli") << plan.status().message();
    return reported(options, started_at_ms, kExitScriptError, plan.status().message());
  }
  // A script of VERIFY statements only is a verification task.
  if (!(*plan)->has_migrate) {
    VerifyCommandOptions verify;
    verify.script = options.script;
    return reported(options, started_at_ms, verify_plan(*plan, verify), std::nullopt);
  }
  runner::RunRequest request;
  request.plan = *plan;
  request.source = std::move(bound->source);
  request.script = options.script;
  request.task_dir = task_directory_for(**plan, options.script, options.task_dir);
  request.until_caught_up = options.until_caught_up;
  request.recopy = options.recopy;
  request.log_level = log::terminal_level();
  request.report_path = options.report;
  request.started_at_ms = started_at_ms;
  PrintingListener listener(options.script);
  auto code = runner::run_task(std::move(request), listener);
  if (!code) {
    log::error("task") << code.status().message();
    return kExitFailure;
  }
  return *code;
}

int finish_objects(const std::string& script, const std::string& task_dir) {
  int exit_code = 0;
  auto bound = load_script(script, &exit_code, task_dir);
  if (!bound) return exit_code;
  const Plan& plan = *bound->plan;
  auto results = runner::finish_task(plan, *bound->source, task_directory_for(plan, script, task_dir));
  if (!results) {
    log::error("cli") << results.status().message();
    return kExitFailure;
  }
  int failed = 0;
  for (const auto& result : *results) {
    if (result.failed) ++failed;
    std::cout << "objects: " << result.text() << "\n";
  }
  return failed ? kExitFailure : 0;
}

int control_task(const std::string& task_dir, const std::string& command) {
  auto answer = runner::send_command(task_dir, command);
  if (!answer) {
    log::error("cli") << answer.status().message();
    return kExitFailure;
  }
  auto json = nlohmann::json::parse(*answer, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    log::error("cli") << task_dir << ": unexpected answer to " << command << ": " << *answer;
    return kExitFailure;
  }
  if (json.contains("error")) {
    log::error("cli") << task_dir << ": " << json["error"].dump();
    return kExitFailure;
  }
  // An older task answers without "changed": say what it is now.
  const bool changed = json.value("changed", true);
  std::cout << runner::control_sentence(command, changed, task_dir) << "\n";
  return 0;
}

int throttle_task(const std::string& task_dir, const ThrottleRequest& request) {
  auto answer = runner::throttle(task_dir, request);
  if (!answer) {
    log::error("cli") << answer.status().message();
    return kExitFailure;
  }
  auto status = parse_task_status(*answer);
  if (!status) {
    std::cout << *answer << "\n";
    return 0;
  }
  std::cout << "throttle   " << limits_text(*status) << "\n";
  return 0;
}

int show_console(const std::string& task_dir) {
  auto endpoint = actors::read_control_file(task_dir);
  if (!endpoint) {
    log::error("cli") << endpoint.status().message();
    return kExitFailure;
  }
  std::cout << actors::console_url(*endpoint) << "\n";
  return 0;
}

int stop_task(const std::string& task_dir) {
  if (auto st = runner::stop_task(task_dir); !st) {
    if (st.code() == Status::Code::kNotFound)
      log::write_worded(log::Level::kError, "control",
                        "task " + task_dir + " is not running: nothing to stop (" + st.message() + ")");
    else
      log::error("cli") << st.message();
    return kExitFailure;
  }
  std::cout << "stopped task " << task_dir << "; it is resumable: run the same command to go on\n";
  return 0;
}

}  // namespace omsql::cli
