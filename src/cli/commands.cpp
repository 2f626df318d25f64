#include "src/cli/commands.hpp"

#include <caf/all.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "actors/control_server.hpp"
#include "actors/coordinator.hpp"
#include "actors/messages.hpp"
#include "actors/verify_actors.hpp"
#include "dsl/compiler.hpp"
#include "src/binlog/position.hpp"
#include "src/cli/bench.hpp"
#include "src/catalog/mysql_catalog.hpp"
#include "src/check/preflight.hpp"
#include "src/cli/script_loader.hpp"
#include "src/cli/verify_command.hpp"
#include "src/checkpoint/checkpoint.hpp"
#include "src/mysql/connection.hpp"
#include "src/schema/objects.hpp"
#include "src/common/strings.hpp"
#include "src/task/task_guard.hpp"
#include "src/task/recopy.hpp"
#include "src/task/task_state.hpp"

namespace omsql::cli {

namespace {

std::atomic<int> g_stop_signal{0};
// The first SIGINT/SIGTERM asks the task to stop cleanly (exit 128 + signal); a second one ends
// the process at once, which is safe too: the task's state is durable at every step.
extern "C" void request_stop(int signal) {
  if (g_stop_signal.load() != 0) {
    ::signal(signal, SIG_DFL);
    ::raise(signal);
    return;
  }
  g_stop_signal.store(signal);
}

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
  int pool = std::max(1, plan.options.parallel);
  if (dot) {
    std::cout << "digraph omsql {\n  rankdir=LR;\n  node [shape=box];\n";
    std::cout << "  coordinator -> schema_migrator [label=\"schema, indexes\"];\n";
    for (int i = 0; i < pool; ++i) {
      std::cout << "  chunker -> reader" << i << " [label=\"ChunkWork\"];\n";
      for (int j = 0; j < pool; ++j)
        std::cout << "  reader" << i << " -> applier" << j << " [label=\"RowBatch\"];\n";
      std::cout << "  applier" << i << " -> reporter [label=\"progress\"];\n";
      std::cout << "  reader" << i << " -> coordinator [label=\"chunk done\"];\n";
      std::cout << "  reader" << i << " -> rate_limiter [label=\"take rows\"];\n";
    }
    std::cout << "}\n";
    return;
  }
  std::cout << "actor graph:\n"
            << "  coordinator ── schema_migrator (SCHEMA before the copy, INDEXES after it)\n"
            << "  chunker ──ChunkWork──► reader ×" << pool << " ──RowBatch──► applier ×" << pool
            << " ──progress──► reporter\n"
            << "  backpressure: " << plan.options.credits << " credits per reader × batch ≤ "
            << plan.options.batch_rows << " rows / " << plan.options.batch_bytes / (1 << 20) << " MB → at most "
            << pool * plan.options.credits << " batches in flight\n";
  auto limit = [](int64_t value, const char* unit) {
    return value == 0 ? std::string("unlimited") : std::to_string(value) + " " + unit;
  };
  std::cout << "  throttle: copy " << limit(plan.options.max_rows_per_sec, "rows/s, all readers together")
            << "; replay " << limit(plan.options.max_events_per_sec, "changes/s") << "\n";
}


}  // namespace

int show_plan(const std::string& script, bool dot) {
  int exit_code = 0;
  auto bound = load_script(script, &exit_code);
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

int check_script(const std::string& script) {
  int exit_code = 0;
  auto bound = load_script(script, &exit_code);
  if (!bound) return exit_code;
  const Plan& plan = *bound->plan;
  Connection& source = *bound->source;
  auto target = Connection::open(plan.target, "target");
  if (!target) {
    std::cerr << "error: " << target.status().message() << "\n";
    return kExitFailure;
  }
  auto findings = check::run_preflight(source, **target, plan);
  int errors = 0, warnings = 0;
  for (const auto& f : findings) {
    const char* label = f.severity == check::Finding::kError     ? "error"
                        : f.severity == check::Finding::kWarning ? "warning"
                                                                 : "ok";
    if (f.severity == check::Finding::kError) ++errors;
    if (f.severity == check::Finding::kWarning) ++warnings;
    std::cout << label << ": " << f.message << "\n";
  }
  // The compatibility report: every source object and its fate on the target.
  auto objects = schema::read_source_objects(source, plan);
  auto listed = MysqlCatalog(source).list_tables();
  if (!objects || !listed) {
    std::cout << "error: " << (objects ? listed.status() : objects.status()).message() << "\n";
    ++errors;
  } else {
    std::map<schema::Fate, int> fates;
    for (const auto& p : schema::plan_objects(*objects, plan, {listed->begin(), listed->end()})) {
      ++fates[p.fate];
      std::cout << "object: " << p.line() << "\n";
    }
    std::cout << "objects: " << fates[schema::Fate::kExact] << " exact, " << fates[schema::Fate::kChanged]
              << " changed, " << fates[schema::Fate::kNotMigrated] << " not migrated\n";
  }
  std::cout << script << ": " << plan.tables.size() << " table(s), " << errors << " error(s), " << warnings
            << " warning(s)\n";
  return errors ? kExitFailure : 0;
}

namespace {

// `omsrun FILE --recopy`: decides (refusing, with nothing changed, when a table the task did not
// create holds rows) and resets the task to a fresh copy; `state` becomes the fresh state.
int prepare_recopy(const Plan& plan, const TaskDirectory& directory, TaskState& state, const std::string& script) {
  if (state.phase == Phase::kNew && state.tables.empty()) return 0;  // nothing copied yet: a plain first run
  auto target = Connection::open(plan.target, "target");
  if (!target) {
    std::cerr << "error: " << target.status().message() << "\n";
    return kExitFailure;
  }
  std::vector<QualifiedName> drop;
  if (state.phase != Phase::kRecopy) {
    auto facts = read_target_facts(**target, plan);
    if (!facts) {
      std::cerr << "error: " << facts.status().message() << "\n";
      return kExitFailure;
    }
    RecopyDecision decision = decide_recopy(plan, state, *facts);
    if (!decision.refusals.empty()) {
      for (const auto& refusal : decision.refusals) std::cerr << "error: --recopy: " << refusal << "\n";
      std::cerr << "--recopy refused: nothing was changed\n";
      return kExitFailure;
    }
    drop = decision.drop;
  } else {
    std::cerr << "finishing the re-copy begun earlier in " << directory.path() << "\n";
  }
  std::vector<std::string> names;
  if (state.phase == Phase::kRecopy)
    for (const auto& [schema, table] : state.recopy_drop) names.push_back(schema + "." + table);
  for (const auto& name : drop) names.push_back(name.str());
  auto fresh = carry_out_recopy(**target, directory, task_id_for_directory(directory.path()), state, drop);
  if (!fresh) {
    std::cerr << "error: " << fresh.status().message() << "\n";
    return kExitFailure;
  }
  std::cerr << "re-copy: dropped " << names.size() << " target table(s) this task created"
            << (names.empty() ? "" : " (" + join(names, ", ") + ")")
            << "; removed its checkpoints and spool; copying every table again from a new binlog position ("
            << script << ")\n";
  state = std::move(fresh).value();
  return 0;
}

}  // namespace

int run_task(const RunOptions& options) {
  int exit_code = 0;
  auto bound = load_script(options.script, &exit_code);
  if (!bound) return exit_code;
  auto plan = bound->plan;
  if (!options.overrides.empty() || !options.mode.empty() || !options.scratch_prefix.empty()) {
    Plan adjusted = *plan;
    if (!options.scratch_prefix.empty()) {
      for (auto& job : adjusted.tables) {
        job.target.schema = options.scratch_prefix + job.target.schema;
        if (job.target.schema.size() > 64 || is_system_schema(job.target.schema)) {
          std::cerr << "error: --scratch-prefix: " << job.target.schema
                    << (is_system_schema(job.target.schema) ? " is a system schema\n" : " is longer than 64 characters\n");
          return kExitScriptError;
        }
      }
    }
    if (auto error = dsl::apply_option_overrides(adjusted.options, options.overrides); !error.empty()) {
      std::cerr << "error: " << error << "\n";
      return kExitScriptError;
    }
    if (!options.mode.empty()) {
      auto mode = dsl::parse_phase_list(options.mode);
      if (!mode.error.empty()) {
        std::cerr << "error: --mode " << options.mode << ": " << mode.error << "\n";
        return kExitScriptError;
      }
      adjusted.phases = mode.phases;
    }
    plan = std::make_shared<const Plan>(std::move(adjusted));
  }
  // A script of VERIFY statements only is a verification task.
  if (!plan->has_migrate) {
    VerifyCommandOptions verify;
    verify.script = options.script;
    return verify_plan(plan, verify);
  }
  if (plan->tables.empty()) {
    std::cerr << "error: " << options.script << ": no table to migrate\n";
    return kExitFailure;
  }

  auto directory = TaskDirectory::open(task_directory_for(*plan, options.script, options.task_dir));
  if (!directory) {
    std::cerr << "error: " << directory.status().message() << "\n";
    return kExitFailure;
  }
  auto state = directory->load();
  if (!state) {
    std::cerr << "error: " << state.status().message() << "\n";
    return kExitFailure;
  }
  // After `omsrun finish` the target has the source's triggers: replaying (or re-copying) through
  // them would apply their writes twice.
  if (state->cut_over) {
    std::cerr << "error: " << directory->path() << ": the task was finished (omsrun finish, " << *state->cut_over
              << "): its triggers are on the target and would fire again on replayed changes; it cannot run "
                 "again (a new migration needs another task_dir and a target without those triggers)\n";
    return kExitFailure;
  }
  // A task whose binlog was purged goes on only as a fresh copy (--recopy); a re-copy cut off
  // half-way is finished first, whatever the command.
  if (options.recopy || on_resume(state->phase) == OnResume::kFinishRecopy) {
    if (int code = prepare_recopy(*plan, *directory, *state, options.script); code != 0) return code;
  } else if (state->needs_recopy) {
    std::cerr << "error: " << *state->needs_recopy << "\n" << recopy_advice(options.script) << "\n";
    return kExitFailure;
  }
  bool resuming = on_resume(state->phase) != OnResume::kStartFresh;
  if (on_resume(state->phase) == OnResume::kAlreadyDone) {
    std::cout << "task in " << directory->path() << " is already done (remove the directory to run it again)\n";
    return 0;
  }
  state->script_path = options.script;

  {
    Connection& source = *bound->source;
    auto target = Connection::open(plan->target, "target");
    if (!target) {
      std::cerr << "error: " << target.status().message() << "\n";
      return kExitFailure;
    }
    bool blocked = false;
    for (const auto& f : check::run_preflight(source, **target, *plan)) {
      if (f.severity == check::Finding::kError) {
        // A resumed task finds its own target tables: that is not an on_exists conflict.
        if (resuming && f.message.find("already exists") != std::string::npos) continue;
        std::cerr << "error: " << f.message << "\n";
        blocked = true;
      } else if (f.severity == check::Finding::kWarning) {
        std::cerr << "warning: " << f.message << "\n";
      }
    }
    if (blocked) {
      std::cerr << "pre-flight failed: nothing was written\n";
      return kExitFailure;
    }
    // The position is taken before the first chunk is read: events from here on may overlap the
    // copy, and safe-mode replay makes that harmless.
    if (plan->phases.incremental && !state->start_binlog_file) {
      auto position = current_position(source);
      if (!position) {
        std::cerr << "error: " << position.status().message() << "\n";
        return kExitFailure;
      }
      state->start_binlog_file = position->file;
      state->start_binlog_offset = position->offset;
      state->start_gtid = position->gtid;
      if (auto st = directory->save(*state); !st) {
        std::cerr << "error: " << st.message() << "\n";
        return kExitFailure;
      }
    }
  }
  bound->source.reset();  // the actors open their own connections
  if (resuming) std::cerr << "resuming task in " << directory->path() << " from phase " << phase_name(state->phase) << "\n";

  caf::actor_system_config config;
  actors::add_message_types(config);
  caf::actor_system system{config};
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  actors::RunControl control{options.until_caught_up, &g_stop_signal};
  auto coordinator =
      actors::spawn_coordinator(system, plan, &directory.value(), std::move(state).value(), control);
  auto control_server = actors::ControlServer::start(system, coordinator, directory->path());
  if (!control_server)
    std::cerr << "warning: " << control_server.status().message() << " (status comes from status.json)\n";
  caf::scoped_actor self{system};
  self->request(coordinator, caf::infinite, actors::run_atom::value)
      .receive([&](int code) { exit_code = code; },
               [&](caf::error& e) {
                 std::cerr << "error: coordinator: " << caf::to_string(e) << "\n";
                 exit_code = kExitFailure;
               });
  return exit_code;
}

int finish_objects(const std::string& script, const std::string& task_dir) {
  int exit_code = 0;
  auto bound = load_script(script, &exit_code);
  if (!bound) return exit_code;
  const Plan& plan = *bound->plan;
  // Triggers fire on every replayed change: creating them while the link still applies changes
  // would run them twice on the target. Cut-over means the task has stopped.
  const std::string directory = task_directory_for(plan, script, task_dir);
  if (std::filesystem::exists(directory)) {
    auto holder = task_lock_holder(directory);
    if (!holder) {
      std::cerr << "error: " << holder.status().message() << "\n";
      return kExitFailure;
    }
    if (*holder) {
      std::cerr << "error: " << directory << ": the task is still running (pid " << (*holder)->pid
                << "); stop it first (omsrun stop " << directory << "): its triggers would fire on replayed changes\n";
      return kExitFailure;
    }
  }
  auto target = Connection::open(plan.target, "target");
  if (!target) {
    std::cerr << "error: " << target.status().message() << "\n";
    return kExitFailure;
  }
  // The task's lock is held while the triggers are created (no run can start meanwhile), and the
  // task is marked finished first, so a run after a finish cut off half-way refuses too.
  std::optional<TaskDirectory> locked;
  if (std::filesystem::exists(directory)) {
    auto opened = TaskDirectory::open(directory);
    if (!opened) {
      std::cerr << "error: " << opened.status().message() << "\n";
      return kExitFailure;
    }
    locked.emplace(std::move(*opened));
    auto state = locked->load();
    if (!state) {
      std::cerr << "error: " << state.status().message() << "\n";
      return kExitFailure;
    }
    if (!state->cut_over) {
      std::time_t now = std::time(nullptr);
      char stamp[32];
      std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
      state->cut_over = stamp;
      if (auto st = locked->save(*state); !st) {
        std::cerr << "error: " << st.message() << "\n";
        return kExitFailure;
      }
    }
  }
  auto lines = schema::create_objects(*bound->source, **target, plan, true);
  if (!lines) {
    std::cerr << "error: " << lines.status().message() << "\n";
    return kExitFailure;
  }
  int failed = 0;
  for (const auto& line : *lines) {
    if (line.rfind("error: ", 0) == 0) ++failed;
    std::cout << "objects: " << line << "\n";
  }
  return failed ? kExitFailure : 0;
}

int control_task(const std::string& task_dir, const std::string& command) {
  auto answer = actors::send_control(task_dir, command);
  if (!answer) {
    std::cerr << "error: " << answer.status().message() << "\n";
    return kExitFailure;
  }
  std::cout << *answer << "\n";
  return 0;
}

int throttle_task(const std::string& task_dir, const ThrottleRequest& request) {
  auto answer = actors::send_control(task_dir, "throttle", throttle_request_json(request));
  if (!answer) {
    std::cerr << "error: " << answer.status().message() << "\n";
    return kExitFailure;
  }
  auto status = nlohmann::json::parse(*answer, nullptr, false);
  if (status.is_discarded()) {
    std::cout << *answer << "\n";
    return 0;
  }
  std::cout << "throttle   " << limits_text(status) << "\n";
  return 0;
}

int stop_task(const std::string& task_dir) {
  // Only the omsrun that holds the task's lock is asked to stop: the pid in the lock file of a task
  // that is not running may belong to anything by now (a mariadbd, after pid reuse).
  auto holder = task_lock_holder(task_dir);
  if (!holder) {
    // Another user's task: say that, rather than the lock file's errno.
    auto endpoint = actors::read_control_file(task_dir);
    bool foreign = !endpoint && endpoint.status().code() == Status::Code::kInvalidArgument;
    std::cerr << "error: " << (foreign ? endpoint.status() : holder.status()).message() << "\n";
    return kExitFailure;
  }
  if (!*holder) {
    std::cerr << "error: " << task_dir << ": task is not running (no process holds " << task_dir << "/lock)\n";
    return kExitFailure;
  }
  const pid_t pid = (*holder)->pid;
  // Through the control endpoint when it answers: the task then ends with exit 0. By signal to the
  // verified holder only when it does not (the task then exits 143).
  auto asked = actors::send_control(task_dir, "stop");
  if (!asked && asked.status().code() == Status::Code::kInvalidArgument) {
    std::cerr << "error: " << asked.status().message() << "\n";
    return kExitFailure;
  }
  if (!asked) ::kill(pid, SIGTERM);
  // Stopped = the lock is free (a pid that is gone may be reused while we wait).
  for (int i = 0; i < 600; ++i) {
    auto still = task_lock_holder(task_dir);
    if (still && !*still) {
      std::cout << "stopped task " << task_dir << "; it is resumable: run the same command to go on\n";
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::cerr << "error: process " << pid << " did not stop within 60 s\n";
  return kExitFailure;
}

}  // namespace omsql::cli
