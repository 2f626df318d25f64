#include "actors/verify_actors.hpp"

#include <chrono>
#include <map>

#include "src/checkpoint/checkpoint.hpp"
#include "src/mysql/connection.hpp"
#include "src/verify/chunk_hash.hpp"
#include "src/verify/recheck.hpp"
#include "src/verify/repair.hpp"
#include "src/verify/verifier.hpp"

namespace omsql::actors {

namespace {

struct VerifierState {
  std::shared_ptr<const Plan> plan;
  VerifyOptions options;
  std::unique_ptr<Connection> source;
  std::unique_ptr<Connection> target;
  static inline const char* name = "verifier";
};

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

Status write_and_apply_repairs(VerifierState& s, verify::VerifyReport& report) {
  if (s.options.repair_file.empty()) return Status::ok();
  auto statements = verify::repair_statements(report);
  OMSQL_RETURN_IF_ERROR(verify::write_repair_file(s.options.repair_file, statements));
  report.repair_file = s.options.repair_file;
  report.repair_statements = statements.size();
  if (!s.options.repair_apply || statements.empty()) return Status::ok();
  OMSQL_RETURN_IF_ERROR(connect(s));
  OMSQL_RETURN_IF_ERROR(verify::apply_repair_statements(*s.target, statements));
  report.repair_applied = true;
  return Status::ok();
}

caf::behavior verifier_impl(caf::stateful_actor<VerifierState>* self, std::shared_ptr<const Plan> plan,
                            VerifyOptions options) {
  self->state.plan = std::move(plan);
  self->state.options = std::move(options);
  return {
      [=](verify_atom, uint32_t table_index, uint32_t rechecks, uint32_t delay_ms, const std::string& live_task_id,
          uint32_t live_lanes) -> verify::TableReport {
        auto& s = self->state;
        const TableJob& job = s.plan->tables.at(table_index);
        verify::TableReport failed;
        failed.source = job.source;
        failed.target = job.target;
        if (auto st = connect(s); !st) {
          failed.error = st.message();
          return failed;
        }
        auto report = verify::verify_table(*s.source, *s.target, job, s.options);
        if (report && rechecks > 0 && report->difference_count() > 0) {
          if (!live_task_id.empty()) {
            // Changes in flight: look at the differing rows again once the link has applied the
            // source position they were read at, and compare only rows that held still.
            Connection& target = *s.target;
            auto wait = [&](const BinlogPosition& position) {
              return checkpoint::wait_until_applied(target, live_task_id, live_lanes, position, std::chrono::seconds(20));
            };
            report = verify::recheck_settled(*s.source, *s.target, job, *report, static_cast<int>(rechecks), wait);
          } else {
            // No link to wait for: look again after a delay (the waits happen in this thread).
            report = verify::recheck_table(*s.source, *s.target, job, *report, static_cast<int>(rechecks),
                                           std::chrono::milliseconds(delay_ms));
          }
        }
        if (report) return std::move(report).value();
        // A lost connection is reopened for the next table.
        s.source.reset();
        s.target.reset();
        failed.error = report.status().message();
        return failed;
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

// One verification in progress, owned by the client actor through a shared_ptr.
struct Verification {
  std::shared_ptr<const Plan> plan;
  VerificationRequest request;
  std::function<void(Result<verify::VerifyReport>)> done;
  std::vector<caf::actor> pool;
  std::map<uint32_t, verify::TableReport> reports;
  size_t outstanding = 0;
  size_t next_worker = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

void dispatch(caf::event_based_actor* self, std::shared_ptr<Verification> v, uint32_t table);

void finish(caf::event_based_actor* self, std::shared_ptr<Verification> v) {
  verify::VerifyReport report;
  for (auto& [index, table] : v->reports) report.tables.push_back(std::move(table));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - v->started).count();
  self->request(v->pool.front(), caf::infinite, repair_atom::value, std::move(report))
      .then(
          [=](verify::VerifyReport& final_report) {
            for (auto& worker : v->pool) self->send_exit(worker, caf::exit_reason::user_shutdown);
            v->done(std::move(final_report));
          },
          [=](caf::error& e) {
            for (auto& worker : v->pool) self->send_exit(worker, caf::exit_reason::user_shutdown);
            v->done(Status::io_error("verifier: " + caf::to_string(e)));
          });
}

void dispatch(caf::event_based_actor* self, std::shared_ptr<Verification> v, uint32_t table) {
  ++v->outstanding;
  auto& worker = v->pool[v->next_worker++ % v->pool.size()];
  auto rechecks = static_cast<uint32_t>(std::max(0, v->request.rechecks));
  auto delay = static_cast<uint32_t>(v->request.recheck_delay.count());
  self->request(worker, caf::infinite, verify_atom::value, table, rechecks, delay, v->request.live_task_id,
                static_cast<uint32_t>(v->request.live_lanes))
      .then(
          [=](verify::TableReport& report) {
            --v->outstanding;
            v->reports[table] = std::move(report);
            if (v->outstanding == 0) finish(self, v);
          },
          [=](caf::error& e) {
            --v->outstanding;
            verify::TableReport failed;
            failed.source = v->plan->tables[table].source;
            failed.target = v->plan->tables[table].target;
            failed.error = "verifier: " + caf::to_string(e);
            v->reports[table] = std::move(failed);
            if (v->outstanding == 0) finish(self, v);
          });
}

}  // namespace

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

caf::actor spawn_verifier(caf::actor_system& system, std::shared_ptr<const Plan> plan, VerifyOptions options) {
  return system.spawn<caf::detached>(verifier_impl, std::move(plan), std::move(options));
}

void run_verification(caf::event_based_actor* self, std::shared_ptr<const Plan> plan, VerificationRequest request,
                      std::function<void(Result<verify::VerifyReport>)> done) {
  auto v = std::make_shared<Verification>();
  v->plan = plan;
  v->request = std::move(request);
  v->done = std::move(done);
  int pool = std::max(1, std::min<int>(v->request.parallel, std::max<size_t>(1, v->request.tables.size())));
  for (int i = 0; i < pool; ++i) v->pool.push_back(spawn_verifier(self->system(), plan, v->request.options));
  if (v->request.tables.empty()) return finish(self, v);
  for (uint32_t table : v->request.tables) dispatch(self, v, table);
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
