#include "actors/verify_actors.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "actors/supervision.hpp"
#include "src/task/actor_graph.hpp"
#include "src/engine/engine.hpp"
#include "src/verify/recheck.hpp"
#include "src/verify/repair.hpp"
#include "src/verify/verifier.hpp"
#include "src/log/log.hpp"

namespace omsql::actors {

namespace {

using Clock = std::chrono::steady_clock;

// How often the link's checkpoint is read while a table's rows wait for it.
constexpr auto kSettlePollInterval = std::chrono::milliseconds(100);
// How often a progress line is printed while a verification runs.
constexpr auto kProgressInterval = std::chrono::seconds(5);

// A table whose differing rows are being settled against the live link.
struct Settling {
  caf::typed_response_promise<verify::TableReport> promise;
  TableWork work;
  std::optional<verify::SettledRecheck> recheck;
  SourcePosition waiting_for;        // the source position of the round in progress
  SourcePosition applied;            // the link's checkpoint, as last read
  Clock::time_point deadline;
  uint64_t generation = 0;           // polls of an earlier table are ignored
};

struct VerifierState {
  std::shared_ptr<const Plan> plan;
  VerifyOptions options;
  std::unique_ptr<engine::VerifySession> session;  // both sides; dropped when a table fails
  std::unique_ptr<Settling> settling;
  uint64_t generation = 0;
  static inline const char* name = "verifier";
};

using Verifier = verifier_actor::stateful_pointer<VerifierState>;

Status connect(VerifierState& s) {
  if (s.session) return Status::ok();
  auto session = engine::engine_for(s.plan->target.dialect).open_verify(s.plan->source, s.plan->target);
  if (!session) return session.status();
  s.session = std::move(session).value();
  return Status::ok();
}

// Writes the repair file when one is named and runs the statements on the target when asked
// (repair = 'apply' or --apply, with or without a file).
Status write_and_apply_repairs(VerifierState& s, verify::VerifyReport& report) {
  if (s.options.repair_file.empty() && !s.options.repair_apply) return Status::ok();
  auto statements = verify::repair_statements(report);
  report.repair_statements = statements.size();
  if (!s.options.repair_file.empty()) {
    OMSQL_RETURN_IF_ERROR(verify::write_repair_file(s.options.repair_file, statements));
    report.repair_file = s.options.repair_file;
  }
  if (!s.options.repair_apply || statements.empty()) return Status::ok();
  OMSQL_RETURN_IF_ERROR(connect(s));
  OMSQL_RETURN_IF_ERROR(s.session->apply_repairs(statements));
  report.repair_applied = true;
  return Status::ok();
}

verify::TableReport failed_report(const TableJob& job, const std::string& message) {
  verify::TableReport failed;
  failed.source = job.source;
  failed.target = job.target;
  failed.error = message;
  return failed;
}

void settle_round(Verifier self);

void end_settling(Verifier self, verify::TableReport report) {
  auto& s = self->state;
  auto settling = std::move(s.settling);
  if (settling->work.progress)
    self->send(settling->work.progress, settling_atom::value, TableSettling{settling->work.table, ""});
  settling->promise.deliver(std::move(report));
}

void fail_settling(Verifier self, const Status& status) {
  auto& s = self->state;
  s.session.reset();  // a lost connection is reopened for the next table
  end_settling(self, failed_report(table_of(*s.plan, s.settling->work.table), status.message()));
}

// Reads the link's checkpoint: compares once it has passed the round's position, gives up at the
// deadline, else looks again after kSettlePollInterval (a message: the actor stays responsive).
void settle_poll(Verifier self) {
  auto& s = self->state;
  Settling& st = *s.settling;
  auto applied = s.session->applied_position(st.work.live_task_id);
  if (!applied) return fail_settling(self, applied.status());
  st.applied = *applied;
  if (!applied->empty() && !(*applied < st.waiting_for)) {
    if (auto compared = s.session->recheck_compare(*st.recheck); !compared) return fail_settling(self, compared);
    return settle_round(self);
  }
  if (Clock::now() >= st.deadline) {
    st.recheck->give_up("the link did not apply source position " + st.waiting_for.str() + " within " +
                        std::to_string(st.work.settle_ms / 1000) + " s (settle_seconds; it had applied " +
                        (st.applied.empty() ? std::string("nothing") : st.applied.str()) + ")");
    return end_settling(self, st.recheck->finish());
  }
  self->delayed_send(self, kSettlePollInterval, settle_poll_atom::value, st.generation);
}

void settle_round(Verifier self) {
  auto& s = self->state;
  Settling& st = *s.settling;
  if (st.recheck->done()) return end_settling(self, st.recheck->finish());
  auto position = s.session->recheck_read_source(*st.recheck);
  if (!position) return fail_settling(self, position.status());
  st.waiting_for = *position;
  if (st.work.progress) {
    const TableJob& job = table_of(*s.plan, st.work.table);
    self->send(st.work.progress, settling_atom::value,
               TableSettling{st.work.table, std::to_string(st.recheck->pending()) + " row(s) of " + job.source.str() +
                                                ", waiting for the link to apply " + position->str()});
  }
  settle_poll(self);
}

// A verification's actors end with the actor that runs it (a task that fails or stops while it
// verifies must not leave them behind: the actor system waits for every actor before exiting).
template <class Self>
void end_with(Self self, const caf::actor& owner) {
  if (!owner) return;
  self->monitor(owner);
  self->set_down_handler([=](const caf::down_msg&) { self->quit(); });
}

verifier_actor::behavior_type verifier_impl(Verifier self, std::shared_ptr<const Plan> plan, VerifyOptions options,
                                            caf::actor owner) {
  self->set_exception_handler(exit_with_exception_text);
  self->state.plan = std::move(plan);
  self->state.options = std::move(options);
  end_with(self, owner);
  return {
      [=](verify_atom, const TableWork& work) -> caf::result<verify::TableReport> {
        auto& s = self->state;
        const TableJob& job = table_of(*s.plan, work.table);
        if (auto st = connect(s); !st) return failed_report(job, st.message());
        auto on_rows = [self, work](uint64_t rows) {
          if (work.progress) self->send(work.progress, rows_atom::value, TableRows{work.table, rows});
        };
        auto report = s.session->verify_table(job, s.options, on_rows);
        if (!report) {
          s.session.reset();
          return failed_report(job, report.status().message());
        }
        // Nothing applies changes to the target: what differs now is a difference.
        if (work.live_task_id.empty() || report->differences.empty()) return std::move(report).value();
        auto recheck = verify::SettledRecheck::begin(job, s.options, std::move(report).value());
        if (!recheck) return failed_report(job, recheck.status().message());
        s.settling = std::make_unique<Settling>();
        s.settling->promise = self->make_response_promise<verify::TableReport>();
        s.settling->work = work;
        s.settling->recheck.emplace(std::move(recheck).value());
        s.settling->deadline = Clock::now() + std::chrono::milliseconds(work.settle_ms);
        s.settling->generation = ++s.generation;
        auto promise = s.settling->promise;
        settle_round(self);
        return promise;
      },
      [=](settle_poll_atom, uint64_t generation) {
        auto& s = self->state;
        if (s.settling && s.settling->generation == generation) settle_poll(self);
      },
      [=](repair_atom, verify::VerifyReport& report) -> verify::VerifyReport {
        auto st = write_and_apply_repairs(self->state, report);
        if (!st) {
          verify::TableReport failed;
          failed.error = "repair: " + st.message();
          report.tables.push_back(std::move(failed));
        }
        return std::move(report);
      },
  };
}

// --- progress ---

struct ProgressState {
  std::shared_ptr<const Plan> plan;
  VerifyProgress progress;
  std::map<uint32_t, std::string> settling;  // by table index: what its rows wait for
  verify_listener_actor listener;
  Clock::time_point started = Clock::now();
  Clock::time_point last_line = Clock::now();
  static inline const char* name = "verify_progress";
};

using Progress = verify_progress_actor::stateful_pointer<ProgressState>;

std::string progress_line(ProgressState& s) {
  auto& p = s.progress;
  p.seconds = std::chrono::duration<double>(Clock::now() - s.started).count();
  p.rows_per_second = p.seconds > 0 ? p.rows / p.seconds : 0;
  p.settling.clear();
  for (const auto& [table, what] : s.settling) p.settling += (p.settling.empty() ? "" : "; ") + what;
  char line[256];
  std::snprintf(line, sizeof line, "verify: %zu/%zu table(s), %llu rows, %.0f rows/s, %.1f s", static_cast<size_t>(p.tables_done),
                p.tables_total, static_cast<unsigned long long>(p.rows), p.rows_per_second, p.seconds);
  return std::string(line) + (p.settling.empty() ? "" : "; settling " + p.settling);
}

verify_progress_actor::behavior_type progress_impl(Progress self, size_t tables, uint64_t id,
                                                   verify_listener_actor listener, caf::actor owner) {
  self->set_exception_handler(exit_with_exception_text);
  end_with(self, owner);
  self->state.progress.tables_total = tables;
  self->state.progress.id = id;
  self->state.listener = std::move(listener);
  self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
  return {
      [=](rows_atom, const TableRows& counted) { self->state.progress.rows += counted.rows; },
      [=](settling_atom, const TableSettling& settling) {
        if (settling.waiting_for.empty()) self->state.settling.erase(settling.table.index);
        else self->state.settling[settling.table.index] = settling.waiting_for;
      },
      [=](table_done_atom, const TableRef& table) {
        ++self->state.progress.tables_done;
        self->state.settling.erase(table.index);
      },
      [=](tick_atom) {
        auto& s = self->state;
        std::string line = progress_line(s);
        if (Clock::now() - s.last_line >= kProgressInterval) {
          s.last_line = Clock::now();
          log::info("verify") << line;
        }
        if (s.listener) self->send(s.listener, verify_progress_atom::value, s.progress);
        self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
      },
      [=](progress_end_atom) {
        auto& s = self->state;
        s.settling.clear();
        log::info("verify") << progress_line(s) << " (done)";
        if (s.listener) self->send(s.listener, verify_progress_atom::value, s.progress);
        self->quit();
      },
  };
}

// --- the verification: hands tables out and collects the reports ---

struct VerificationState {
  std::shared_ptr<const Plan> plan;
  VerificationRequest request;
  caf::typed_response_promise<VerificationResult> done;
  bool running = false;
  std::vector<verifier_actor> pool;
  verify_progress_actor progress;
  std::map<uint32_t, verify::TableReport> reports;  // by table index
  std::deque<uint32_t> queue;        // tables not handed out yet (indexes into Plan::tables)
  size_t outstanding = 0;
  bool finished = false;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  static inline const char* name = "verification";
};

using VerificationSelf = verification_actor::stateful_pointer<VerificationState>;

// Answers the outcome once and ends, and with it the pool and the progress actor (end_with).
void deliver(VerificationSelf self, VerificationResult outcome) {
  self->state.done.deliver(std::move(outcome));
  self->quit();
}

void finish(VerificationSelf self) {
  auto& v = self->state;
  if (v.finished) return;
  v.finished = true;
  self->send(v.progress, progress_end_atom::value);
  verify::VerifyReport report;
  for (auto& [index, table] : v.reports) report.tables.push_back(std::move(table));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - v.started).count();
  report.mode = v.request.mode;
  report.id = v.request.id;
  self->request(v.pool.front(), caf::infinite, repair_atom::value, std::move(report))
      .then([=](verify::VerifyReport& final_report) { deliver(self, VerificationResult{"", std::move(final_report)}); },
            [=](caf::error& e) { deliver(self, VerificationResult{"verifier: " + caf::to_string(e), {}}); });
}

// Gives worker `w` the next table, one at a time: a worker settling a table's rows against the
// link waits for it without holding other tables back.
void next_table(VerificationSelf self, size_t w) {
  auto& v = self->state;
  if (v.queue.empty()) {
    if (v.outstanding == 0) finish(self);
    return;
  }
  const TableRef table = table_ref(*v.plan, v.queue.front());
  v.queue.pop_front();
  ++v.outstanding;
  TableWork work;
  work.table = table;
  work.live_task_id = v.request.live_task_id;
  work.settle_ms = std::max<int64_t>(1, v.request.options.settle_seconds) * 1000;
  work.progress = v.progress;
  auto record = [=](verify::TableReport report) {
    auto& v = self->state;
    --v.outstanding;
    v.reports[table.index] = std::move(report);
    self->send(v.progress, table_done_atom::value, table);
    next_table(self, w);
  };
  self->request(v.pool[w], caf::infinite, verify_atom::value, std::move(work))
      .then([=](verify::TableReport& report) { record(std::move(report)); },
            [=](caf::error& e) {
              record(failed_report(table_of(*self->state.plan, table), "verifier: " + caf::to_string(e)));
            });
}

verifier_actor spawn_verifier(caf::actor_system& system, std::shared_ptr<const Plan> plan, VerifyOptions options,
                              caf::actor owner) {
  return system.spawn<caf::detached>(verifier_impl, std::move(plan), std::move(options), std::move(owner));
}

verification_actor::behavior_type verification_impl(VerificationSelf self, std::shared_ptr<const Plan> plan,
                                                    VerificationRequest request) {
  self->set_exception_handler(exit_with_exception_text);
  self->state.plan = std::move(plan);
  self->state.request = std::move(request);
  return {
      [=](run_atom) -> caf::typed_response_promise<VerificationResult> {
        auto& v = self->state;
        auto promise = self->make_response_promise<VerificationResult>();
        if (v.running) {
          promise.deliver(VerificationResult{"internal error: a verification actor runs once", {}});
          return promise;
        }
        v.running = true;
        v.done = promise;
        v.queue.assign(v.request.tables.begin(), v.request.tables.end());
        log::info("verify") << "verify: " << v.request.tables.size() << " table(s)"
                            << (v.request.mode.empty() ? "" : "; " + v.request.mode);
        // The pool and the progress actor end with this actor (a task that fails or stops while
        // it verifies must not leave them behind: the actor system waits for every actor).
        const auto owner = caf::actor_cast<caf::actor>(self);
        v.progress = self->system().spawn(progress_impl, v.request.tables.size(), v.request.id,
                                          v.request.progress_listener, owner);
        const int pool = verifier_count(v.request.parallel, v.request.tables.size());  // as plan --dot draws it
        for (int i = 0; i < pool; ++i) v.pool.push_back(spawn_verifier(self->system(), v.plan, v.request.options, owner));
        if (v.queue.empty()) {
          finish(self);
        } else {
          for (size_t w = 0; w < v.pool.size(); ++w) next_table(self, w);
        }
        return promise;
      },
  };
}

}  // namespace

verification_actor spawn_verification(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                                      VerificationRequest request) {
  return system.spawn(verification_impl, std::move(plan), std::move(request));
}

Result<verify::VerifyReport> verify_blocking(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                                             VerificationRequest request) {
  auto verification = spawn_verification(system, std::move(plan), std::move(request));
  caf::scoped_actor self{system};
  Result<verify::VerifyReport> result = Status::io_error("verification ended without a report");
  self->request(verification, caf::infinite, run_atom::value)
      .receive(
          [&](VerificationResult& outcome) {
            if (outcome.error.empty()) result = std::move(outcome.report);
            else result = Status::io_error(outcome.error);
          },
          [&](caf::error& e) { result = Status::io_error("verification: " + describe_exit(e)); });
  return result;
}

}  // namespace omsql::actors
