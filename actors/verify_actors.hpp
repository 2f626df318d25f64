#pragma once
// Verification as actors: a pool of verifier actors, each with its own source and target
// connection (detached: hashing reads block), verifies tables in parallel, one table per worker at
// a time. When a live link applies changes to the target, the differing rows of a table are
// settled against it (src/verify/recheck.hpp, SettledRecheck): the worker polls the link's
// checkpoint by scheduled messages, never by sleeping, and gives up at the settle bound with the
// rows unsettled. With no link applying changes every difference is reported as found.
//
//   coordinator / omsrun verify ──(run)──► verification ──(verify, TableWork)──► verifier ×P ──TableReport──►
//                                             ──(repair, report)──► verifier #0 (writes repair.sql, applies it if asked)
//   verifier ──(rows checked, settling)──► progress ──stderr lines, VerifyProgress──► listener
//
// Handles and payloads: verification_actor, verifier_actor, verify_progress_actor in
// actors/protocol.hpp.
#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "src/model/plan.hpp"
#include "src/verify/report.hpp"
#include "src/verify/request.hpp"

namespace omsql::actors {

// A verification as src/verify/request.hpp builds it (the one builder), with what only an actor
// system carries: the task's verification number and who hears its progress. `tables` index
// Plan::tables: a spawn argument, local to this process.
struct VerificationRequest : verify::VerificationSpec {
  uint64_t id = 0;                  // the task's verification number, carried into the report
  verify_listener_actor progress_listener;  // optional: receives (verify_progress_atom, VerifyProgress)
};

// A verification, as an actor: on run_atom it spawns the pool of verifiers (detached; they end
// with it) and a progress actor (lines on stderr: tables done / total, rows, rows/s, what is being
// settled), hands the tables out one per worker, writes the repair file, answers the outcome once
// and quits.
verification_actor spawn_verification(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                                      VerificationRequest request);

// Blocking form for `omsrun verify`: builds its own client actor.
Result<verify::VerifyReport> verify_blocking(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                                             VerificationRequest request);

}  // namespace omsql::actors
