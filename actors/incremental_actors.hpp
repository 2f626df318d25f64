#pragma once
// The incremental phase. Both actors run detached (binlog reads, fsyncs and target writes block).
//
//   binlog tailer ──(spool files, fsync'd)──► replayer ──(rows + checkpoint, one transaction)──► target
//        │  stored (SpoolStored) ─────────────►  │
//        ◄──────────── applied (SpoolPosition) ──┘   sync status ──► coordinator
//
// The tailer starts before the first chunk is copied, at the position recorded then, and spools
// every change of a migrated table while the copy runs. The replayer waits for replay_atom (the copy
// and its indexes are done), then applies the spool from the target's checkpoint onwards and keeps
// applying as the tailer stores more. Handles and messages: tailer_actor, replayer_actor,
// lane_actor in actors/protocol.hpp.
#include <caf/all.hpp>

#include <memory>
#include <string>

#include "actors/protocol.hpp"
#include "src/engine/engine.hpp"
#include "src/model/plan.hpp"
#include "src/model/source_position.hpp"

namespace omsql::actors {

// Reads the source binlog from `start` (or from where the spool in `spool_dir` ends, when it holds
// anything) and spools decoded events of the plan's tables. A replicated DDL is spooled (a DROP
// TABLE first recorded in `task_dir`/table-set.json); it fails the task with a clear message on
// other DDL that names a migrated table, on a purged binlog, or on a partial row image;
// reconnects with backoff when the source goes away.
tailer_actor spawn_binlog_tailer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                                 std::string task_dir, SourcePosition start, link_events_actor coordinator);

// Applies spooled changes to the target in safe mode, grouped into target transactions that also
// record the applied position in omsql_meta.checkpoint under `task_id`; a replicated DDL is a
// barrier (src/apply/ddl_barrier.hpp). `task_dir` holds table-set.json (tables a DROP took out).
// The target is written through `engines.target`'s ApplySession, the source's position read
// through `engines.source` (null: the plan's dialects' engines).
replayer_actor spawn_replayer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                              std::string task_dir, std::string task_id, tailer_actor tailer,
                              link_events_actor coordinator, engine::Engines engines = {});

// One apply lane (a change applier): commits each LaneWork it is sent, in order, through an
// apply::LaneWriter on `target_engine` (null: the plan's target dialect's engine) as checkpoint
// row `lane_id`, answering with the work's change count; transient failures are retried after
// the backoff, others fail the task through `coordinator`. The replayer spawns one per lane.
lane_actor spawn_apply_lane(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                            std::shared_ptr<const apply::FkGraph> graph, std::string lane_id,
                            link_events_actor coordinator, const engine::Engine* target_engine = nullptr);

}  // namespace omsql::actors
