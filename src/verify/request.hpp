#pragma once
// What one verification compares and how: the one builder for `omsrun verify FILE` (another
// process looking at the script's task) and for the coordinator (the task verifying itself, after
// the copy or on POST /verify). Pure.
#include <cstdint>
#include <string>
#include <vector>

#include "src/model/plan.hpp"

namespace omsql::verify {

// The tables a verification covers, as indexes into Plan::tables: those named by the script's
// standalone VERIFY statements, else every table.
std::vector<uint32_t> tables_to_verify(const Plan& plan);
// The options a verification of the plan runs with: the MIGRATE's VERIFY (...) options, with the
// first standalone VERIFY statement's WITH options over them.
VerifyOptions verify_options_of(const Plan& plan);

// What the command line (`--repair`, `--apply`, `--settle-seconds`) or a POST /verify body asks
// for beyond the script's VERIFY options; empty / false / 0 keep the script's.
struct VerifyOverrides {
  std::string repair_file;
  bool apply = false;
  int64_t settle_seconds = 0;
};

// What applies changes to the target while the verification runs.
enum class LinkState {
  kNone,    // nothing: rows are compared as they stand
  kPaused,  // a link exists but is paused: compared as they stand, unapplied rows count as differences
  kLive,    // a link applies changes: differing rows are settled against its checkpoint
};

struct VerificationContext {
  LinkState link = LinkState::kNone;
  std::string task_id;  // the task's checkpoint name ("<task_id>#<lane>"); used when kLive
  // Empty: the task verifies itself. Else another process verifies the task it found in this
  // directory; the mode then names it.
  std::string task_dir;
};

struct VerificationSpec {
  std::vector<uint32_t> tables;  // indexes into Plan::tables
  VerifyOptions options;
  int parallel = 2;  // verifier actors
  // Set when a live link applies changes to the target: differing rows are settled against its
  // lanes' checkpoint rows ("<task_id>#<lane>"). Empty when nothing applies changes (no link
  // running, or the link paused): rows are compared as they stand, without waiting.
  std::string live_task_id;
  // How the rows are compared and why, for the report and the first progress line.
  std::string mode;
};

struct Verification {
  VerificationSpec spec;
  // repair = 'apply' (the script's or the overrides') was asked while a link exists: writing to
  // the target behind the link's back can undo changes it applies, so spec.options.repair_apply is
  // off; the task sends the repairs through its apply queue, another process refuses or warns.
  bool repair_held = false;
};

Verification build_verification(const Plan& plan, const VerifyOverrides& overrides, const VerificationContext& context);

}  // namespace omsql::verify
