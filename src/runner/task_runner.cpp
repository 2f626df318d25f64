#include "src/runner/task_runner.hpp"

#include <unistd.h>

#include <csignal>
#include <optional>

#include <caf/all.hpp>

#include "actors/control_server.hpp"
#include "actors/coordinator.hpp"
#include "actors/protocol.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/runner/exit_codes.hpp"
#include "src/runner/signals.hpp"
#include "src/task/recopy.hpp"
#include "src/task/run_report.hpp"
#include "src/runner/task_plan.hpp"
#include "src/task/table_set.hpp"
#include "src/task/task_start.hpp"
#include "src/task/task_state.hpp"
#include "src/task/start_moment.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/model/table_binding.hpp"
#include "src/sql/quote.hpp"

namespace omsql::runner {

namespace {

// `omsrun FILE --recopy`: decides (refusing, with nothing changed, when a table the task did not
// create holds rows) and resets the task to a fresh copy; `state` becomes the fresh state.
// Returns false when refused (told to the listener).
Result<bool> prepare_recopy(const Plan& plan, const TaskDirectory& directory, TaskState& state, RunListener& listener) {
  if (state.phase == Phase::kNew && state.tables.empty()) return true;  // nothing copied yet: a plain first run
  auto target = Connection::open(plan.target, "target");
  if (!target) return target.status();
  std::vector<QualifiedName> drop;
  if (state.phase != Phase::kRecopy) {
    auto facts = read_target_facts(**target, plan);
    if (!facts) return facts.status();
    RecopyDecision decision = decide_recopy(plan, state, *facts);
    if (!decision.refusals.empty()) {
      listener.recopy_refused(decision.refusals);
      return false;
    }
    drop = decision.drop;
  } else {
    listener.recopy_resumed(directory.path());
  }
  std::vector<std::string> names;
  if (state.phase == Phase::kRecopy)
    for (const auto& [schema, table] : state.recopy_drop) names.push_back(schema + "." + table);
  for (const auto& name : drop) names.push_back(name.str());
  auto fresh = carry_out_recopy(**target, directory, task_id_for_directory(directory.path()), state, drop);
  if (!fresh) return fresh.status();
  listener.recopy_done(names);
  state = std::move(fresh).value();
  return true;
}

// Pre-flight on both servers; false when a finding blocks the run (told to the listener). On an
// OceanBase target the plan gets the version VERSION() reports (Endpoint::reported_version), which
// the copy's wire format depends on, as pre-flight's copy-path note said.
Result<bool> preflight(Connection& source, std::shared_ptr<const Plan>& plan, bool resuming, RunListener& listener) {
  auto target = Connection::open(plan->target, "target");
  if (!target) return target.status();
  bool blocked = false;
  for (const auto& finding : check::run_preflight(source, **target, *plan)) {
    const bool blocks = check::blocks_run(finding, resuming);
    blocked = blocked || blocks;
    listener.finding(finding, blocks);
  }
  if (blocked) listener.preflight_failed();
  if (!blocked && plan->target.dialect == Dialect::kOceanBase) {
    auto version = (*target)->query_value("SELECT VERSION()");
    if (!version) return version.status().with_context("reading the target's version");
    auto with_version = std::make_shared<Plan>(*plan);
    with_version->target.reported_version = oceanbase_version_of(version->value_or(""));
    plan = std::move(with_version);
  }
  return !blocked;
}

// The position is taken before the first chunk is read: events from here on may overlap the
// copy, and safe-mode replay makes that harmless. Kept once taken: a resumed run replays from it.
// The plan's definitions were read when the script was bound, before the position: they are read
// again after it, and the position taken again while a DDL fell between (settle_start_moment), so
// the schema history's base and the copy's jobs are the definitions at the position. A table that
// changed is bound again by the same rules.
Status capture_start_position(Connection& source, std::shared_ptr<const Plan>& plan, const TaskDirectory& directory,
                              TaskState& state, RunListener& listener) {
  if (!plan->phases.incremental || state.start_position) return Status::ok();
  std::vector<TableDef> bound;
  for (const auto& job : plan->tables) bound.push_back(job.source_def);
  MysqlCatalog catalog(source);
  auto read = [&]() -> Result<std::vector<TableDef>> {
    std::vector<TableDef> now;
    for (const auto& job : plan->tables) {
      auto definition = catalog.describe(job.source);
      if (!definition) return definition.status().with_context("reading " + job.source.str() + " at the task's start");
      now.push_back(std::move(definition).value());
    }
    return now;
  };
  // A shared metadata lock on every task table (a read of it in an open transaction holds one to
  // its end) while the position and the definitions are read: an ALTER of one cannot commit in
  // between, so what is read is the definition at the position whatever the DDL rate. Writes go
  // on; an ALTER that waits for the lock holds the writes of its table behind it for the reads'
  // time (milliseconds a table), as any online schema change waits for running transactions.
  auto locked_position = [&]() -> Result<SourcePosition> {
    // Not behind an ALTER that waits for a long transaction: then the unlocked way below.
    OMSQL_RETURN_IF_ERROR(source.execute("SET SESSION lock_wait_timeout = 5"));
    OMSQL_RETURN_IF_ERROR(source.execute("START TRANSACTION"));
    for (const auto& job : plan->tables) {
      auto opened = source.query("SELECT 1 FROM " + sql::quote_name(job.source) + " LIMIT 0");
      if (!opened) return opened.status().with_context("locking the definition of " + job.source.str() + " at the task's start");
    }
    return current_source_position(source);
  };
  auto locked_read = [&]() -> Result<std::vector<TableDef>> {
    auto now = read();
    if (!now) return now;
    OMSQL_RETURN_IF_ERROR(source.execute("COMMIT"));  // the locks go
    return now;
  };
  auto moment = settle_start_moment(bound, locked_position, locked_read, 1, true);
  if (!moment) {
    // A lock wait timed out, or the server chose this session as an MDL deadlock's victim (a
    // RENAME of two task tables): the locks go, and the definitions are read again after the
    // position until two reads agree.
    (void)source.execute("ROLLBACK");
    moment = settle_start_moment(bound, [&] { return current_source_position(source); }, read);
  }
  (void)source.execute("SET SESSION lock_wait_timeout = DEFAULT");
  if (!moment) return moment.status();
  std::shared_ptr<Plan> rebound;
  for (size_t i = 0; i < plan->tables.size(); ++i) {
    if (same_definition(plan->tables[i].source_def, moment->definitions[i])) continue;
    if (!rebound) rebound = std::make_shared<Plan>(*plan);
    auto job = bind_table(plan->rules, moment->definitions[i]);
    if (!job) return job.status().with_context("binding " + plan->tables[i].source.str() + " again at the task's start");
    rebound->tables[i] = std::move(job).value();
    listener.start_definition_changed(plan->tables[i].source.str(), moment->position.str());
  }
  if (rebound) plan = std::move(rebound);
  state.start_position = moment->position;
  return directory.save(state);
}

// The plan the run migrates. A resumed run migrates exactly the task's table set, refusing when
// the source lost a table of it or the script's patterns or MAPs now give another set, and naming
// the tables that appeared since. `keep_set` is set when the run must keep the plan's set (a first
// run, or a task started by an omsql that kept none): written once pre-flight has passed, so a
// blocked run leaves nothing behind.
Result<std::shared_ptr<const Plan>> settle_table_set(const TaskDirectory& directory, std::shared_ptr<const Plan> plan,
                                                     bool resuming, const std::string& script, RunListener& listener,
                                                     bool& keep_set) {
  keep_set = false;
  if (!plan->has_migrate) return plan;
  if (!resuming) {
    keep_set = true;
    return plan;
  }
  auto settled = plan_of_task(plan, directory.path(), script);
  if (!settled) return settled.status();
  keep_set = !settled->has_set;
  if (!settled->appeared.empty()) listener.tables_not_in_task(directory.path(), settled->appeared);
  return settled->plan;
}

// The actor graph until the coordinator answers: the process's one actor system, the stop
// signals, and the control endpoint (a task without one still runs; status.json tells).
Result<int> run_actors(std::shared_ptr<const Plan> plan, TaskDirectory& directory, TaskState state,
                       const RunRequest& request, RunListener& listener, bool& answered) {
  caf::actor_system_config config;
  actors::add_message_types(config);
  caf::actor_system system{config};
  install_stop_handlers();
  actors::RunControl control{request.until_caught_up, &stop_signal()};
  control.report_path = request.report_path;
  control.script = request.script;
  control.started_at_ms = request.started_at_ms;
  auto coordinator = actors::spawn_coordinator(system, plan, &directory, std::move(state), control);
  auto control_server = actors::ControlServer::start(system, coordinator, directory.path());
  if (!control_server) listener.control_unavailable(control_server.status());
  else if (auto endpoint = actors::read_control_file(directory.path()))
    listener.console_ready(directory.path(), actors::console_url(*endpoint));
  Result<int> exit_code = kExitFailure;
  caf::scoped_actor self{system};
  self->request(coordinator, caf::infinite, actors::run_atom::value)
      .receive(
          [&](int code) {
            exit_code = code;
            answered = true;  // the coordinator wrote the run report, if one was asked for
          },
               [&](caf::error& e) { exit_code = Status::server_error("coordinator: " + caf::to_string(e)); });
  return exit_code;
}

// The run, step by step; `answered`: the coordinator answered (and wrote the run report).
Result<int> run_task_steps(RunRequest& request, RunListener& listener, bool& answered) {
  std::shared_ptr<const Plan> plan = request.plan;
  if (plan->tables.empty()) return Status::invalid_argument(request.script + ": no table to migrate");
  auto directory = TaskDirectory::open(request.task_dir);
  if (!directory) return directory.status();
  // From the lock on, `omsrun stop` (SIGUSR1) and SIGINT/SIGTERM stop the run cleanly: between the
  // steps before the actors run (nothing of a step is left half-done), then by the coordinator.
  install_stop_handlers();
  auto stopped_before_start = [&]() -> std::optional<int> {
    const int signal = stop_signal().load();
    if (signal == 0) return std::nullopt;
    log::info("task") << (signal == SIGUSR1 ? std::string("stopped on request")
                                            : std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"))
                      << " before the task's actors started: run the same command to go on (state in "
                      << directory->path() << ")";
    return stop_exit_code(signal);
  };
  // Only the process holding the lock writes (and rotates) the task's log file.
  log::FileSettings log_file;
  log_file.level = request.log_level == log::Level::kDebug ? log::Level::kDebug : log::Level::kInfo;
  OMSQL_RETURN_IF_ERROR(log::open_file(directory->path() + "/" + log::kTaskLogFile, log_file));
  log::write(log::Level::kInfo, "task",
             "omsrun " OMSQL_VERSION ": run of " + request.script + " (pid " + std::to_string(::getpid()) + ")",
             log::Destination::kFile);
  auto state = directory->load();
  if (!state) return state.status();

  StartDecision start = decide_start(*state, request.recopy, directory->path(), request.script);
  if (start.kind == StartDecision::kRefuse) return Status::invalid_argument(start.refusal);
  if (start.kind == StartDecision::kRecopy) {
    auto done = prepare_recopy(*plan, *directory, *state, listener);
    if (!done) return done.status();
    if (!*done) return kExitFailure;
    // The fresh state (phase new), or the untouched one of a task that had copied nothing yet.
    start.kind = on_resume(state->phase) == OnResume::kStartFresh ? StartDecision::kFresh : StartDecision::kResume;
  }
  if (start.kind == StartDecision::kAlreadyDone) {
    listener.already_done(directory->path());
    return 0;
  }
  const bool resuming = start.kind == StartDecision::kResume;
  state->script_path = request.script;
  bool keep_set = false;
  auto settled = settle_table_set(*directory, plan, resuming, request.script, listener, keep_set);
  if (!settled) return settled.status();
  plan = std::move(settled).value();
  if (auto code = stopped_before_start()) return *code;

  auto passed = preflight(*request.source, plan, resuming, listener);
  if (!passed) return passed.status();
  if (!*passed) return kExitFailure;
  if (auto code = stopped_before_start()) return *code;
  if (keep_set) OMSQL_RETURN_IF_ERROR(save_table_set(directory->path(), table_set_of(*plan)));
  OMSQL_RETURN_IF_ERROR(capture_start_position(*request.source, plan, *directory, *state, listener));
  if (auto code = stopped_before_start()) return *code;
  request.source.reset();  // the actors open their own connections
  if (resuming) listener.resuming(directory->path(), state->phase);
  return run_actors(plan, *directory, std::move(state).value(), request, listener, answered);
}

}  // namespace

Result<int> run_task(RunRequest request, RunListener& listener) {
  bool answered = false;
  Result<int> code = run_task_steps(request, listener, answered);
  if (request.report_path.empty() || answered) return code;
  // The run ended before the coordinator could report it: a refusal, pre-flight, a connection.
  RunEnd end;
  end.task_dir = request.task_dir;
  end.script = request.script;
  end.exit_code = code ? *code : kExitFailure;
  if (!code) end.error = code.status().message();
  end.started_at_ms = request.started_at_ms;
  end.ended_at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (auto written = write_run_report(request.report_path, build_run_report(TaskStatus{}, RunFacts{}, end)); !written)
    log::error("report") << written.message();
  return code;
}

}  // namespace omsql::runner
