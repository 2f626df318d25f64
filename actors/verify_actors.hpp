#pragma once
// Verification as actors: a pool of verifier actors, each with its own source and target
// connection (detached: hashing reads block), verifies tables in parallel; while changes are still
// being applied, the differing rows are read again after a delay (src/verify/recheck.hpp), so rows
// in flight are not reported as differences.
//
//   coordinator / omsrun verify ──(verify, table)──► verifier ×P ──TableReport──►
//                               ──(repair, report)──► verifier #0 (writes repair.sql, applies it if asked)
#include <caf/all.hpp>

#include <functional>
#include <memory>
#include <vector>

#include "dsl/plan.hpp"
#include "src/verify/report.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(omsql::verify::TableReport)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(omsql::verify::VerifyReport)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<omsql::verify::RowDifference>)

namespace omsql::actors {

using verify_atom = caf::atom_constant<caf::atom("verify")>;
using repair_atom = caf::atom_constant<caf::atom("repair")>;

// Handles (verify_atom, uint32_t table_index, uint32_t rechecks, uint32_t delay_ms) -> TableReport
// (differences re-checked row by row up to `rechecks` times, `delay_ms` apart), and
// (repair_atom, VerifyReport) -> VerifyReport with the repair file written (and applied when the
// options say repair = 'apply').
caf::actor spawn_verifier(caf::actor_system& system, std::shared_ptr<const Plan> plan, VerifyOptions options);

// The tables a verification covers, as indexes into Plan::tables: those named by the script's
// standalone VERIFY statements, else every table.
std::vector<uint32_t> tables_to_verify(const Plan& plan);

struct VerificationRequest {
  std::vector<uint32_t> tables;     // indexes into Plan::tables
  VerifyOptions options;
  int parallel = 2;                 // verifier actors
  int rechecks = 0;                 // times differing rows are looked at again (live sync: > 0)
  std::chrono::milliseconds recheck_delay{2000};
  // A live link applies to the target: re-checks wait for its lanes (checkpoint rows
  // "<task_id>#<lane>") to pass the source position, and compare only rows that held still.
  std::string live_task_id;
  size_t live_lanes = 0;
};

// Runs a verification to its end from an event-based actor: spawns the pool, fans the tables out,
// re-checks differing tables as asked, writes the repair file, and calls `done` with the report
// (or an error message). `self` must outlive the verification.
void run_verification(caf::event_based_actor* self, std::shared_ptr<const Plan> plan, VerificationRequest request,
                      std::function<void(Result<verify::VerifyReport>)> done);

// Blocking form for `omsrun verify`: builds its own client actor.
Result<verify::VerifyReport> verify_blocking(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                                             VerificationRequest request);

}  // namespace omsql::actors
