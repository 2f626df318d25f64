#include "actors/verify_actors.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "src/checkpoint/checkpoint.hpp"
#include "src/mysql/connection.hpp"
#include "src/verify/chunk_hash.hpp"
#include "src/verify/recheck.hpp"
#include "src/verify/repair.hpp"
#include "src/verify/verifier.hpp"

namespace omsql::actors {

namespace {

using Clock = std::chrono::steady_clock;
using settle_poll_atom = caf::atom_constant<caf::atom("settlepoll")>;  // verifier -> itself
using rows_atom = caf::atom_constant<caf::atom("vrows")>;              // verifier -> progress
using settling_atom = caf::atom_constant<caf::atom("vsettling")>;      // verifier -> progress
using table_done_atom = caf::atom_constant<caf::atom("vtabledone")>;   // client -> progress
using progress_tick_atom = caf::atom_constant<caf::atom("vtick")>;     // progress -> itself
using progress_end_atom = caf::atom_constant<caf::atom("vend")>;       // client -> progress

// How often the link's checkpoint is read while a table's rows wait for it.
constexpr auto kSettlePollInterval = std::chrono::milliseconds(100);
// How often a progress line is printed while a verification runs.
constexpr auto kProgressInterval = std::chrono::seconds(5);

// A table whose differing rows are being settled against the live link.
struct Settling {
  caf::response_promise promise;
  TableWork work;
  std::optional<verify::SettledRecheck> recheck;
  BinlogPosition waiting_for;        // the source position of the round in progress
  BinlogPosition applied;            // the link's checkpoint, as last read
  Clock::time_point deadline;
  uint64_t generation = 0;           // polls of an earlier table are ignored
};

struct VerifierState {
  std::shared_ptr<const Plan> plan;
  VerifyOptions options;
  std::unique_ptr<Connection> source;
  std::unique_ptr<Connection> target;
  std::unique_ptr<Settling> settling;
  uint64_t generation = 0;
  static inline const char* name = "verifier";
};

using Verifier = caf::stateful_actor<VerifierState>;

Status connect(VerifierState& s) {
  if (s.source && s.target) return Status::ok();
  auto source = Connection::open(s.plan->source, "source");
  if (!source) return source.status();
  auto target = Connection::open(s.plan->target, "target");
  if (!target) return target.status();
  OMSQL_RETURN_IF_ERROR(verify::prepare_verify_session(**source));
  OMSQL_RETURN_IF_ERROR(verify::prepare_verify_session(**target));
  s.source = std::move(source).value();
  s.target = std::move(target).value();
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
  OMSQL_RETURN_IF_ERROR(verify::apply_repair_statements(*s.target, statements));
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

void settle_round(Verifier* self);

void end_settling(Verifier* self, verify::TableReport report) {
  auto& s = self->state;
  auto settling = std::move(s.settling);
  if (settling->work.progress) self->send(settling->work.progress, settling_atom::value, settling->work.table, "");
  settling->promise.deliver(std::move(report));
}

void fail_settling(Verifier* self, const Status& status) {
  auto& s = self->state;
  s.source.reset();  // a lost connection is reopened for the next table
  s.target.reset();
  end_settling(self, failed_report(s.plan->tables.at(s.settling->work.table), status.message()));
}

// Reads the link's checkpoint: compares once it has passed the round's position, gives up at the
// deadline, else looks again after kSettlePollInterval (a message: the actor stays responsive).
void settle_poll(Verifier* self) {
  auto& s = self->state;
  Settling& st = *s.settling;
  auto applied = checkpoint::applied_position(*s.target, st.work.live_task_id);
  if (!applied) return fail_settling(self, applied.status());
  st.applied = *applied;
  if (!applied->empty() && !(*applied < st.waiting_for)) {
    if (auto compared = st.recheck->compare(*s.source, *s.target); !compared) return fail_settling(self, compared);
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

void settle_round(Verifier* self) {
  auto& s = self->state;
  Settling& st = *s.settling;
  if (st.recheck->done()) return end_settling(self, st.recheck->finish());
  auto position = st.recheck->read_source(*s.source);
  if (!position) return fail_settling(self, position.status());
  st.waiting_for = *position;
  if (st.work.progress) {
    const TableJob& job = s.plan->tables.at(st.work.table);
    self->send(st.work.progress, settling_atom::value, st.work.table,
               std::to_string(st.recheck->pending()) + " row(s) of " + job.source.str() +
                   ", waiting for the link to apply " + position->str());
  }
  settle_poll(self);
}

// A verification's actors end with the actor that runs it (a task that fails or stops while it
// verifies must not leave them behind: the actor system waits for every actor before exiting).
template <class Self>
void end_with(Self* self, const caf::actor& owner) {
  if (!owner) return;
  self->monitor(owner);
  self->set_down_handler([=](const caf::down_msg&) { self->quit(); });
}

caf::behavior verifier_impl(Verifier* self, std::shared_ptr<const Plan> plan, VerifyOptions options,
                            caf::actor owner) {
  self->state.plan = std::move(plan);
  self->state.options = std::move(options);
  end_with(self, owner);
  return {
      [=](verify_atom, const TableWork& work) -> caf::result<verify::TableReport> {
        auto& s = self->state;
        const TableJob& job = s.plan->tables.at(work.table);
        if (auto st = connect(s); !st) return failed_report(job, st.message());
        auto on_rows = [self, work](uint64_t rows) {
          if (work.progress) self->send(work.progress, rows_atom::value, work.table, rows);
        };
        auto report = verify::verify_table(*s.source, *s.target, job, s.options, {}, on_rows);
        if (!report) {
          s.source.reset();
          s.target.reset();
          return failed_report(job, report.status().message());
        }
        // Nothing applies changes to the target: what differs now is a difference.
        if (work.live_task_id.empty() || report->differences.empty()) return std::move(report).value();
        auto recheck = verify::SettledRecheck::begin(job, s.options, std::move(report).value());
        if (!recheck) return failed_report(job, recheck.status().message());
        s.settling = std::make_unique<Settling>();
        s.settling->promise = self->make_response_promise();
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
  std::map<uint32_t, std::string> settling;  // by table: what its rows wait for
  caf::actor listener;
  Clock::time_point started = Clock::now();
  Clock::time_point last_line = Clock::now();
  static inline const char* name = "verify_progress";
};

using Progress = caf::stateful_actor<ProgressState>;

std::string progress_line(ProgressState& s) {
  auto& p = s.progress;
  p.seconds = std::chrono::duration<double>(Clock::now() - s.started).count();
  p.rows_per_second = p.seconds > 0 ? p.rows / p.seconds : 0;
  p.settling.clear();
  for (const auto& [table, what] : s.settling) p.settling += (p.settling.empty() ? "" : "; ") + what;
  char line[256];
  std::snprintf(line, sizeof line, "verify: %zu/%zu table(s), %llu rows, %.0f rows/s, %.1f s", p.tables_done,
                p.tables_total, static_cast<unsigned long long>(p.rows), p.rows_per_second, p.seconds);
  return std::string(line) + (p.settling.empty() ? "" : "; settling " + p.settling);
}

caf::behavior progress_impl(Progress* self, size_t tables, uint64_t id, caf::actor listener, caf::actor owner) {
  end_with(self, owner);
  self->state.progress.tables_total = tables;
  self->state.progress.id = id;
  self->state.listener = std::move(listener);
  self->delayed_send(self, std::chrono::seconds(1), progress_tick_atom::value);
  return {
      [=](rows_atom, uint32_t, uint64_t rows) { self->state.progress.rows += rows; },
      [=](settling_atom, uint32_t table, const std::string& what) {
        if (what.empty()) self->state.settling.erase(table);
        else self->state.settling[table] = what;
      },
      [=](table_done_atom, uint32_t table) {
        ++self->state.progress.tables_done;
        self->state.settling.erase(table);
      },
      [=](progress_tick_atom) {
        auto& s = self->state;
        std::string line = progress_line(s);
        if (Clock::now() - s.last_line >= kProgressInterval) {
          s.last_line = Clock::now();
          std::cerr << line << std::endl;
        }
        if (s.listener) self->send(s.listener, verify_progress_atom::value, s.progress);
        self->delayed_send(self, std::chrono::seconds(1), progress_tick_atom::value);
      },
      [=](progress_end_atom) {
        auto& s = self->state;
        s.settling.clear();
        std::cerr << progress_line(s) << " (done)" << std::endl;
        if (s.listener) self->send(s.listener, verify_progress_atom::value, s.progress);
        self->quit();
      },
  };
}

// --- the client side: hands tables out and collects the reports ---

// One verification in progress, owned by the client actor through a shared_ptr.
struct Verification {
  std::shared_ptr<const Plan> plan;
  VerificationRequest request;
  std::function<void(Result<verify::VerifyReport>)> done;
  std::vector<caf::actor> pool;
  caf::actor progress;
  std::map<uint32_t, verify::TableReport> reports;
  std::deque<uint32_t> queue;        // tables not handed out yet
  size_t outstanding = 0;
  bool finished = false;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

void finish(caf::event_based_actor* self, std::shared_ptr<Verification> v) {
  if (v->finished) return;
  v->finished = true;
  self->send(v->progress, progress_end_atom::value);
  verify::VerifyReport report;
  for (auto& [index, table] : v->reports) report.tables.push_back(std::move(table));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - v->started).count();
  report.mode = v->request.mode;
  report.id = v->request.id;
  auto stop_pool = [=] {
    for (auto& worker : v->pool) self->send_exit(worker, caf::exit_reason::user_shutdown);
  };
  self->request(v->pool.front(), caf::infinite, repair_atom::value, std::move(report))
      .then(
          [=](verify::VerifyReport& final_report) {
            stop_pool();
            v->done(std::move(final_report));
          },
          [=](caf::error& e) {
            stop_pool();
            v->done(Status::io_error("verifier: " + caf::to_string(e)));
          });
}

// Gives worker `w` the next table, one at a time: a worker settling a table's rows against the
// link waits for it without holding other tables back.
void next_table(caf::event_based_actor* self, std::shared_ptr<Verification> v, size_t w) {
  if (v->queue.empty()) {
    if (v->outstanding == 0) finish(self, v);
    return;
  }
  const uint32_t table = v->queue.front();
  v->queue.pop_front();
  ++v->outstanding;
  TableWork work;
  work.table = table;
  work.live_task_id = v->request.live_task_id;
  work.settle_ms = std::max<int64_t>(1, v->request.options.settle_seconds) * 1000;
  work.progress = v->progress;
  auto record = [=](verify::TableReport report) {
    --v->outstanding;
    v->reports[table] = std::move(report);
    self->send(v->progress, table_done_atom::value, table);
    next_table(self, v, w);
  };
  self->request(v->pool[w], caf::infinite, verify_atom::value, std::move(work))
      .then([=](verify::TableReport& report) { record(std::move(report)); },
            [=](caf::error& e) {
              record(failed_report(v->plan->tables[table], "verifier: " + caf::to_string(e)));
            });
}

}  // namespace

caf::actor spawn_verifier(caf::actor_system& system, std::shared_ptr<const Plan> plan, VerifyOptions options,
                          caf::actor owner) {
  return system.spawn<caf::detached>(verifier_impl, std::move(plan), std::move(options), std::move(owner));
}

void run_verification(caf::event_based_actor* self, std::shared_ptr<const Plan> plan, VerificationRequest request,
                      std::function<void(Result<verify::VerifyReport>)> done) {
  auto v = std::make_shared<Verification>();
  v->plan = plan;
  v->request = std::move(request);
  v->done = std::move(done);
  v->queue.assign(v->request.tables.begin(), v->request.tables.end());
  std::cerr << "verify: " << v->request.tables.size() << " table(s)"
            << (v->request.mode.empty() ? "" : "; " + v->request.mode) << std::endl;
  const auto owner = caf::actor_cast<caf::actor>(self);
  v->progress = self->system().spawn(progress_impl, v->request.tables.size(), v->request.id,
                                     v->request.progress_listener, owner);
  int pool = std::max(1, std::min<int>(v->request.parallel, std::max<size_t>(1, v->request.tables.size())));
  for (int i = 0; i < pool; ++i) v->pool.push_back(spawn_verifier(self->system(), plan, v->request.options, owner));
  if (v->queue.empty()) return finish(self, v);
  for (size_t w = 0; w < v->pool.size(); ++w) next_table(self, v, w);
}

Result<verify::VerifyReport> verify_blocking(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                                             VerificationRequest request) {
  auto result = std::make_shared<std::optional<Result<verify::VerifyReport>>>();
  auto client = system.spawn([=](caf::event_based_actor* self) -> caf::behavior {
    run_verification(self, plan, request, [=](Result<verify::VerifyReport> report) {
      *result = std::move(report);
      self->quit();
    });
    return {[=](verify_atom) {}};  // all work arrives as responses
  });
  caf::scoped_actor waiter{system};
  waiter->wait_for(client);
  if (!result->has_value()) return Status::io_error("verification ended without a report");
  return std::move(**result);
}

}  // namespace omsql::actors
