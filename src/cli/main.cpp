// omsrun: the omsql command line. `omsrun FILE` runs a task; the other commands inspect one.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "src/model/options.hpp"
#include "src/cli/bench.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/script_loader.hpp"
#include "src/log/log.hpp"

int main(int argc, char** argv) {
  // `omsrun FILE` is shorthand for `omsrun run FILE`.
  static const std::set<std::string> kCommands = {"run", "check", "plan", "verify", "status", "stop", "pause", "resume", "throttle", "bench", "finish", "console", "ddl", "help"};
  std::vector<std::string> args(argv + 1, argv + argc);
  // The shorthand looks past a leading --defaults-extra-file, as the mysql client takes it first.
  size_t first = 0;
  while (first < args.size() && args[first].rfind("--defaults-extra-file", 0) == 0)
    first += args[first].find('=') == std::string::npos ? 2 : 1;
  if (first < args.size() && args[first].rfind("-", 0) != 0 && !kCommands.count(args[first]))
    args.insert(args.begin() + static_cast<long>(first), "run");

  CLI::App app{"omsrun " OMSQL_VERSION " — migrate live MySQL-compatible databases with one .omsql script",
               "omsrun"};
  app.set_version_flag("--version", std::string("omsrun ") + OMSQL_VERSION);
  // Before the subcommands, so each of them passes the option up (fallthrough is inherited).
  app.fallthrough();
  omsql::dsl::CompileSettings compile_settings;
  app.add_option("--defaults-extra-file", compile_settings.defaults_extra_file,
                 "a MySQL option file: its [client] user, password, host and port serve every SOURCE/TARGET "
                 "without a PASSWORD clause (the file must not be readable by others)");
  app.require_subcommand(1);
  app.footer(
      "\nExamples:\n"
      "  omsrun shop.omsql              run the task (schema, full copy, ...); resumes if interrupted\n"
      "  omsrun check shop.omsql        parse, bind, connect, pre-flight; writes nothing\n"
      "  omsrun plan shop.omsql --dot   the tables and the actor graph (Graphviz)\n"
      "  omsrun plan shop.omsql --sql   every statement the run would send to the target\n"
      "  omsrun shop.omsql --until caught-up   copy, then sync until the target has caught up\n"
      "  omsrun shop.omsql --recopy     after a purged binlog: copy the task's tables afresh, same task\n"
      "  omsrun verify shop.omsql --repair fix.sql   differences by row, and the SQL that repairs them\n"
      "  omsrun verify --task .omsql/shop   the running task verifies (live link: rows settled against it)\n"
      "  omsrun status --task .omsql/shop      phase, positions, lag, events/s of a task\n"
      "  omsrun console --task .omsql/shop     the web console's address (open it in a browser)\n"
      "  omsrun throttle --task .omsql/shop --rows-per-sec 5000   change a running task's limits\n"
      "  omsrun bench shop.omsql --vary parallel=1,2,4 --vary batch_rows=1000,10000\n"
      "  omsrun ddl skip --task .omsql/shop   the link stopped at a DDL: pass it (or: applied, retry), run again\n"
      "\nExit status: 0 done (or stopped by `omsrun stop`, resumable), 1 failed at run time, 2 usage or\n"
      "script error, 3 verification found differences, 4 verification could not settle some rows (none\n"
      "proven different), 130/143 interrupted by SIGINT/SIGTERM before the task finished (resumable:\n"
      "run the same command).\n");

  omsql::cli::RunOptions run_options;
  auto* run = app.add_subcommand("run", "Run the task in FILE (the default command)");
  run->add_option("file", run_options.script, "the .omsql script")->required();
  run->add_option("--task-dir", run_options.task_dir, "task directory (state, checkpoints, spool)");
  std::string until;
  run->add_option("--until", until, "stop cleanly at a milestone: caught-up (incremental link has caught up)")
      ->check(CLI::IsMember({"caught-up"}));
  run->add_option("--set", run_options.overrides,
                  "override a WITH option, e.g. --set parallel=8 (repeatable; the names and checks of WITH, below)");
  run->add_option("--mode", run_options.mode, "override MODE, e.g. --mode schema,full (phases: schema, full, incremental)");
  run->footer("\nWITH options (--set NAME=VALUE, bench --vary NAME=V1,V2):\n" + omsql::migrate_option_help());
  run->add_flag("--recopy", run_options.recopy,
                "copy the task's tables afresh from a new binlog position, in the same task directory (after a "
                "purged binlog); drops only target tables the task created");
  run->add_option("--report", run_options.report,
                  "at the end of the run (also a failed or stopped one) write its report to this JSON file (0600): "
                  "per phase and per table rows, bytes, seconds, retries, verification; and print its summary");
  run->add_option("--scratch-prefix", run_options.scratch_prefix,
                  "write into databases named PREFIX<target database> instead (what bench uses)");
  // What the terminal shows; the task's log file (DIR/omsrun.log) keeps info and up whatever it is.
  bool quiet = false, verbose = false;
  std::string log_level;
  auto* quiet_flag = run->add_flag("--quiet,-q", quiet, "print errors only (no progress, no summary)");
  auto* verbose_flag =
      run->add_flag("--verbose,-v", verbose, "print debug messages too, with their time")->excludes(quiet_flag);
  run->add_option("--log-level", log_level, std::string("what the terminal shows: ") + omsql::log::level_names() +
                                                " (default info; the log file also keeps debug at debug)")
      ->excludes(quiet_flag)
      ->excludes(verbose_flag);

  std::string check_file;
  auto* check = app.add_subcommand("check", "Parse, bind, connect to both servers and run pre-flight checks");
  check->add_option("file", check_file, "the .omsql script")->required();

  std::string finish_file, finish_dir;
  auto* finish = app.add_subcommand(
      "finish", "Cut-over: create the triggers deferred during the live link, set sequences again (task stopped)");
  finish->add_option("file", finish_file, "the .omsql script")->required();
  finish->add_option("--task-dir", finish_dir, "task directory (default: as for run)");

  std::string plan_file;
  bool dot = false;
  auto* plan = app.add_subcommand("plan", "Show the tables, their target names and keys, and the actor graph");
  plan->add_option("file", plan_file, "the .omsql script")->required();
  plan->add_flag("--dot", dot, "print the actor graph in Graphviz DOT");
  bool plan_sql = false;
  plan->add_flag("--sql", plan_sql, "print every statement the run would send to the target, in order")
      ->excludes(plan->get_option("--dot"));

  omsql::cli::VerifyCommandOptions verify_options;
  auto* verify = app.add_subcommand(
      "verify", "Compare source and target chunk by chunk (xxHash), list differing rows, write repair SQL");
  verify->add_option("file", verify_options.script, "the .omsql script");
  verify->add_option("--task", verify_options.task_dir,
                     "ask the running task in this directory to verify now, and wait for its report");
  verify->add_option("--task-dir", verify_options.script_task_dir,
                     "with a script: its task directory, as given to `omsrun FILE --task-dir` (default: as for run)")
      ->excludes("--task");
  verify->add_flag("--no-wait", verify_options.no_wait, "with --task: only start the verification");
  std::string settle_seconds;
  auto* settle_option = verify->add_option(
      "--settle-seconds", settle_seconds,
      "while a live link runs: how long differing rows may wait for it, 1 to 86400 (default: the script's, 60)");
  verify->add_option("--json", verify_options.json_report, "also write the report as JSON to this file");
  verify->add_option("--repair", verify_options.repair_file, "write repair statements to this file");
  verify->add_flag("--apply", verify_options.apply,
                   "run the repair statements on the target (with --task: through the link's apply queue)");

  omsql::cli::BenchOptions bench_options;
  auto* bench = app.add_subcommand(
      "bench",
      "Run the full copy once per combination of WITH options; rows/s, MB/s, memory, CPU. Copies into scratch "
      "databases omsql_bench_<pid>_<target database> on the target (refused if one exists; dropped afterwards): "
      "the script's target tables are never touched");
  bench->add_option("file", bench_options.script, "the .omsql script")->required();
  bench->add_option("--vary", bench_options.vary, "an option and its values, e.g. --vary parallel=1,2,4 (repeatable)")
      ->required();
  bench->add_option("--runs", bench_options.runs, "runs per combination (the median is shown)");
  bench->add_option("--csv", bench_options.csv, "also write the results as CSV");
  bench->add_option("--json", bench_options.json, "also write the results as JSON");

  std::string status_dir;
  bool status_json = false;
  auto* status = app.add_subcommand("status", "Show a task's phase, positions, lag and rates");
  status->add_option("--task", status_dir, "the task directory")->required();
  status->add_flag("--json", status_json, "print the raw status JSON");

  std::string pause_dir, resume_dir;
  auto* pause = app.add_subcommand("pause", "Pause a running task's copy and apply (capture goes on)");
  pause->add_option("--task", pause_dir, "the task directory")->required();
  auto* resume = app.add_subcommand("resume", "Resume a paused task");
  resume->add_option("--task", resume_dir, "the task directory")->required();

  std::string throttle_dir;
  std::string rows_per_sec, events_per_sec;
  auto* throttle = app.add_subcommand(
      "throttle", "Change a running task's limits (max_rows_per_sec, max_events_per_sec) for the rest of its run");
  throttle->add_option("--task", throttle_dir, "the task directory")->required();
  auto* rows_option = throttle->add_option("--rows-per-sec", rows_per_sec,
                                           "rows copied per second, all readers together; 0 = unlimited");
  auto* events_option = throttle->add_option("--events-per-sec", events_per_sec,
                                             "row changes replayed per second; 0 = unlimited");

  std::string console_dir;
  auto* console = app.add_subcommand("console", "Print the address of a running task's web console (with its token)");
  console->add_option("--task", console_dir, "the task directory")->required();

  std::string stop_dir;
  auto* stop = app.add_subcommand("stop", "Stop a running task cleanly (it resumes when run again)");
  stop->add_option("--task", stop_dir, "the task directory")->required();

  omsql::cli::DdlCommandOptions ddl_options;
  auto* ddl = app.add_subcommand(
      "ddl", "The link stopped at a source DDL: say how to go on (the task is stopped; its next run does it)");
  ddl->add_option("resolution", ddl_options.word,
                  "skip (pass it, the target keeps its definition), applied (you made the change on the target by "
                  "hand: checked), retry (you fixed the target: run its target statements again)")
      ->required()
      ->check(CLI::IsMember({"skip", "applied", "retry"}));
  ddl->add_option("file", ddl_options.script, "the task's .omsql script (default: the one the task ran)");
  ddl->add_option("--task", ddl_options.task_dir, "the task directory");
  ddl->add_option("--at", ddl_options.at, "the position of the DDL, as omsrun status shows it (refused if it is not the stop's)");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2 (CLI11's own codes are 105-109).
    return app.exit(e) == 0 ? 0 : omsql::cli::kExitUsage;
  }
  omsql::cli::set_compile_settings(compile_settings);
  if (run->parsed()) {
    run_options.until_caught_up = until == "caught-up";
    omsql::log::Level level = quiet ? omsql::log::Level::kError : verbose ? omsql::log::Level::kDebug : omsql::log::Level::kInfo;
    if (!log_level.empty()) {
      auto parsed = omsql::log::parse_level(log_level);
      if (!parsed) {
        omsql::log::error("cli") << "--log-level " << log_level << ": expected one of " << omsql::log::level_names();
        return omsql::cli::kExitUsage;
      }
      level = *parsed;
    }
    omsql::log::set_terminal_level(level);
    return omsql::cli::run_task(run_options);
  }
  if (bench->parsed()) {
    bench_options.self = std::filesystem::canonical("/proc/self/exe").string();
    return omsql::cli::bench(bench_options);
  }
  if (verify->parsed()) {
    if (settle_option->count()) {
      // The VERIFY option's own check and words, as in the script.
      omsql::VerifyOptions probe;
      if (auto error = omsql::set_verify_option(probe, "settle_seconds", settle_seconds)) {
        omsql::log::error("cli") << "--settle-seconds " << settle_seconds << ": " << error->message;
        return omsql::cli::kExitUsage;
      }
      verify_options.settle_seconds = probe.settle_seconds;
    }
    if (!verify_options.task_dir.empty()) return omsql::cli::verify_task(verify_options);
    if (verify_options.no_wait) {
      omsql::log::write_worded(omsql::log::Level::kError, "cli", "verify: --no-wait needs --task DIR (a verification of a script runs in this process)");
      return 2;
    }
    if (verify_options.script.empty()) {
      omsql::log::write_worded(omsql::log::Level::kError, "cli", "verify: give a script FILE, or --task DIR of a running task");
      return omsql::cli::kExitUsage;
    }
    return omsql::cli::verify_script(verify_options);
  }
  if (pause->parsed()) return omsql::cli::control_task(pause_dir, "pause");
  if (resume->parsed()) return omsql::cli::control_task(resume_dir, "resume");
  if (status->parsed()) return omsql::cli::show_status(status_dir, status_json);
  if (throttle->parsed()) {
    if (rows_option->count() == 0 && events_option->count() == 0) {
      omsql::log::write_worded(omsql::log::Level::kError, "cli", "throttle: give --rows-per-sec N and/or --events-per-sec N (0 = unlimited)");
      return omsql::cli::kExitUsage;
    }
    // The limits are the WITH options max_rows_per_sec / max_events_per_sec: their check and words.
    omsql::Options probe;
    for (auto [option, flag, name, text] : {std::tuple{rows_option, "--rows-per-sec", "max_rows_per_sec", &rows_per_sec},
                                            std::tuple{events_option, "--events-per-sec", "max_events_per_sec", &events_per_sec}}) {
      if (!option->count()) continue;
      if (auto error = omsql::set_migrate_option(probe, name, *text)) {
        omsql::log::error("cli") << flag << " " << *text << ": " << error->message;
        return omsql::cli::kExitUsage;
      }
    }
    omsql::ThrottleRequest request;
    if (rows_option->count()) request.max_rows_per_sec = probe.max_rows_per_sec;
    if (events_option->count()) request.max_events_per_sec = probe.max_events_per_sec;
    return omsql::cli::throttle_task(throttle_dir, request);
  }
  if (stop->parsed()) return omsql::cli::stop_task(stop_dir);
  if (console->parsed()) return omsql::cli::show_console(console_dir);
  if (check->parsed()) return omsql::cli::check_script(check_file);
  if (ddl->parsed()) return omsql::cli::resolve_ddl(ddl_options);
  if (finish->parsed()) return omsql::cli::finish_objects(finish_file, finish_dir);
  if (plan->parsed()) return plan_sql ? omsql::cli::show_plan_sql(plan_file) : omsql::cli::show_plan(plan_file, dot);
  return 2;
}
