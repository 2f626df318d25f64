#pragma once
// Verification as actors: a pool of verifier actors, each with its own source and target
// connection (detached: hashing reads block), verifies tables in parallel, one table per worker at
// a time. When a live link applies changes to the target, the differing rows of a table are
// settled against it (src/verify/recheck.hpp, SettledRecheck): the worker polls the link's
// checkpoint by scheduled messages, never by sleeping, and gives up at the settle bound with the
// rows unsettled. With no link applying changes every difference is reported as found.
//
//   coordinator / omsrun verify ──(verify, TableWork)──► verifier ×P ──TableReport──►
//                               ──(repair, report)──► verifier #0 (writes repair.sql, applies it if asked)
//   verifier ──(rows checked, settling)──► progress ──stderr lines, VerifyProgress──► listener
#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/verify/report.hpp"
#include "src/verify/request.hpp"

namespace omsql::actors {

// A verification's progress, as the progress actor last counted it (status of a running task).
struct VerifyProgress {
  uint64_t id = 0;                   // the task's verification number
  size_t tables_total = 0;
  size_t tables_done = 0;
  uint64_t rows = 0;                 // source rows compared so far
  double seconds = 0;
  double rows_per_second = 0;
  std::string settling;              // e.g. "3 row(s) of db.t: waiting for the link to apply FILE:POS"
};

// One table for one verifier: compare it, and settle its differences against the live link
// when `live_task_id` is set.
struct TableWork {
  uint32_t table = 0;                // index into Plan::tables
  std::string live_task_id;          // apply lanes' checkpoint rows "<live_task_id>#<lane>"
  int64_t settle_ms = 60000;         // give up waiting for the link after this long (per table)
  caf::actor progress;               // may be null
};

}  // namespace omsql::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(omsql::verify::TableReport)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(omsql::verify::VerifyReport)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<omsql::verify::RowDifference>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(omsql::actors::TableWork)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(omsql::actors::VerifyProgress)

namespace omsql::actors {

using verify_atom = caf::atom_constant<caf::atom("verify")>;
using repair_atom = caf::atom_constant<caf::atom("repair")>;
using verify_progress_atom = caf::atom_constant<caf::atom("vprogress")>;  // progress -> listener

// Handles (verify_atom, TableWork) -> TableReport and (repair_atom, VerifyReport) -> VerifyReport
// with the repair file written (and applied when the options say repair = 'apply'). Quits when
// `owner` (if set) ends.
caf::actor spawn_verifier(caf::actor_system& system, std::shared_ptr<const Plan> plan, VerifyOptions options,
                          caf::actor owner = {});

// A verification as src/verify/request.hpp builds it (the one builder), with what only an actor
// system carries: the task's verification number and who hears its progress.
struct VerificationRequest : verify::VerificationSpec {
  uint64_t id = 0;                  // the task's verification number, carried into the report
  caf::actor progress_listener;     // optional: receives (verify_progress_atom, VerifyProgress)
};

// Runs a verification to its end from an event-based actor: spawns the pool and a progress
// actor (lines on stderr: tables done / total, rows, rows/s, what is being settled), hands the
// tables out one per worker, writes the repair file, and calls `done` with the report (or an
// error message). `self` must outlive the verification.
void run_verification(caf::event_based_actor* self, std::shared_ptr<const Plan> plan, VerificationRequest request,
                      std::function<void(Result<verify::VerifyReport>)> done);

// Blocking form for `omsrun verify`: builds its own client actor.
Result<verify::VerifyReport> verify_blocking(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                                             VerificationRequest request);

}  // namespace omsql::actors
