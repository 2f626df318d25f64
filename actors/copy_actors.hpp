#pragma once
// The full-copy actors. Each owns one server connection and runs detached (on its own thread),
// because MariaDB client calls block; they still talk only by messages.
//
//   chunker ──ChunkWork──► reader ×N ──BatchEnvelope──► applier ×N
//      ▲  next_chunk          │  ▲                        │
//      └──────────────────────┘  └──── credit (BatchAck) ─┘
//
// Backpressure: a reader sends a batch only while it holds a credit; it starts with
// Options::credits and gets one back each time an applier commits one of its batches. So at most
// readers × credits batches exist at once, whatever the table size. Throttle: a reader reads one
// batch, then waits (by message) for the shared rate limiter to grant its rows before sending it.
//
// Faults: every server call is retried under Options::retry (actors/retry.hpp) by a message the
// actor sends itself after the backoff, so the actors keep answering (pause, stop) while a server
// is down. A chunk cut off by a lost source is read again from its start; a keyless table is
// copied again from a new snapshot (its target table emptied first).
//
// One file per role: actors/chunker.cpp, actors/reader.cpp, actors/applier.cpp; their handles and
// messages are in actors/protocol.hpp. SQL (sessions, snapshots) is src/copy's.
#include <caf/all.hpp>

#include <memory>
#include <vector>

#include "actors/protocol.hpp"
#include "src/engine/engine.hpp"
#include "src/model/plan.hpp"
#include "src/task/task_state.hpp"

namespace omsql::actors {

// Hands out key-range chunks of up to `parallel` tables at once, in turn, computing each one only
// when a reader asks.
// Tables whose copy is done in `state` are skipped; a table copied partly resumes after its
// recorded `copied_through` key. Reports each table's chunk count to `coordinator` when known.
// `*_engine`: the engine behind the seam (src/engine/engine.hpp); null = the one the plan's
// endpoint dialect names. Tests pass fakes (tests/actors/fake_engine.hpp).
chunker_actor spawn_chunker(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                            std::shared_ptr<const TaskState> state, copy_events_actor coordinator,
                            const engine::Engine* source_engine = nullptr);

// Streams chunks from the source into batches and sends them to the appliers round-robin, holding
// at most Options::credits batches in flight. Each batch's rows are taken from `budget` (the task's
// rate limiter, shared by all readers) before the batch is sent. Tells `coordinator` when a chunk
// is fully committed, and when the chunker has no more work. Starts working on `start_atom`.
reader_actor spawn_reader(caf::actor_system& system, std::shared_ptr<const Plan> plan, chunker_actor chunker,
                          std::vector<applier_actor> appliers, copy_events_actor coordinator,
                          rate_limiter_actor budget, const engine::Engine* source_engine = nullptr);

// Writes batches to the target in arrival order, one statement each, retrying transient errors on a
// fresh connection after the backoff; acknowledges each batch to its reader and reports progress
// to `reporter`. A keyless table's batch cut off in mid-write (outcome unknown) makes its reader
// copy that table again (redo_atom).
applier_actor spawn_applier(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                            copy_events_actor coordinator, reporter_actor reporter,
                            const engine::Engine* target_engine = nullptr);

// Copies one table again inside the live link (src/task/table_copies.hpp): on table_copy it
// empties the target table, then runs the copy graph above (chunker, readers with credits and
// the row budget of `max_rows_per_sec`, appliers) for that table alone, and answers once, with
// the source position the rows were read by. `plan` holds the table's job as valid at the
// replay barrier. A failure of the table alone is answered (table_level) with the position after it.
table_copy_actor spawn_table_copy(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                                  engine::Engines engines = {});

}  // namespace omsql::actors
