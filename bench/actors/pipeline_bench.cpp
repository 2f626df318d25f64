// The copy pipeline with no database: producer actors encode synthetic sysbench-shaped rows into
// RowBatches exactly as readers do (RowEncoder, LOAD DATA format) and send them as BatchEnvelope
// messages under the same credit protocol (credit_atom + BatchAck); sink actors take each batch
// and return the credit as appliers do, without writing anywhere. rows/s here is the engine's own
// ceiling — encoding, messaging and backpressure — which a real copy never reaches because the
// servers are slower (docs/performance.md).
#include <benchmark/benchmark.h>

#include <caf/all.hpp>

#include <random>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "src/copy/row_encoder.hpp"

using namespace omsql;
using namespace omsql::actors;

namespace {

using done_atom = caf::atom_constant<caf::atom("benchdone")>;

std::vector<std::vector<std::string>> sample_rows() {
  std::mt19937_64 random(42);
  auto digits = [&](size_t groups) {
    std::string s;
    for (size_t g = 0; g < groups; ++g) {
      if (g) s += '-';
      for (int i = 0; i < 11; ++i) s += static_cast<char>('0' + random() % 10);
    }
    return s;
  };
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 1024; ++i)
    rows.push_back({std::to_string(i + 1), std::to_string(random() % 250000), digits(10), digits(5)});
  return rows;
}

struct ProducerState {
  std::vector<caf::actor> sinks;
  caf::actor waiter;
  int64_t rows_left = 0;
  int64_t batch_rows = 0;
  int credits = 0;
  int in_flight = 0;
  size_t next_sink = 0;
  uint64_t next_row = 0;
  std::vector<std::vector<std::string>> rows = sample_rows();
  copy::RowEncoder encoder{{copy::ValueKind::kNumber, copy::ValueKind::kNumber, copy::ValueKind::kBytes,
                            copy::ValueKind::kBytes},
                           copy::WireFormat::kLoadData};
};

// Sends batches while it holds credits; each credit that comes back lets it send one more.
void produce(caf::stateful_actor<ProducerState>* self) {
  auto& s = self->state;
  while (s.credits > 0 && s.rows_left > 0) {
    copy::RowBatch batch;
    batch.data.reserve(static_cast<size_t>(s.batch_rows) * 200);
    int64_t n = std::min(s.batch_rows, s.rows_left);
    const char* values[4];
    unsigned long lengths[4];
    for (int64_t i = 0; i < n; ++i) {
      const auto& row = s.rows[s.next_row++ % s.rows.size()];
      for (int c = 0; c < 4; ++c) {
        values[c] = row[c].data();
        lengths[c] = row[c].size();
      }
      s.encoder.append_row(values, lengths, i == 0, batch.data);
    }
    batch.rows = static_cast<uint64_t>(n);
    s.rows_left -= n;
    --s.credits;
    ++s.in_flight;
    self->send(s.sinks[s.next_sink++ % s.sinks.size()], BatchEnvelope{{}, std::move(batch)});
  }
  if (s.rows_left == 0 && s.in_flight == 0) {
    self->send(s.waiter, done_atom::value);
    self->quit();
  }
}

caf::behavior producer(caf::stateful_actor<ProducerState>* self, std::vector<caf::actor> sinks, caf::actor waiter,
                       int64_t rows, int64_t batch_rows, int credits) {
  auto& s = self->state;
  s.sinks = std::move(sinks);
  s.waiter = std::move(waiter);
  s.rows_left = rows;
  s.batch_rows = batch_rows;
  s.credits = credits;
  self->send(self, produce_atom::value);
  return {
      [=](produce_atom) { produce(self); },
      [=](credit_atom, const BatchAck&) {
        ++self->state.credits;
        --self->state.in_flight;
        produce(self);
      },
  };
}

caf::behavior sink(caf::event_based_actor* self) {
  return {
      [=](const BatchEnvelope& envelope) {
        benchmark::DoNotOptimize(envelope.batch.data.data());
        BatchAck ack{envelope.table, envelope.batch.chunk_id, envelope.batch.rows, envelope.batch.data.size()};
        self->send(caf::actor_cast<caf::actor>(self->current_sender()), credit_atom::value, ack);
      },
  };
}

// Args: producers (= sinks), batch rows, credits per producer.
void BM_Pipeline(benchmark::State& state) {
  const int producers = static_cast<int>(state.range(0));
  const int64_t batch_rows = state.range(1);
  const int credits = static_cast<int>(state.range(2));
  const int64_t rows_per_producer = 500000;
  caf::actor_system_config config;
  add_message_types(config);
  caf::actor_system system{config};
  for (auto _ : state) {
    caf::scoped_actor waiter{system};
    std::vector<caf::actor> sinks;
    for (int i = 0; i < producers; ++i) sinks.push_back(system.spawn(sink));
    for (int i = 0; i < producers; ++i)
      system.spawn(producer, sinks, caf::actor{waiter}, rows_per_producer, batch_rows, credits);
    for (int i = 0; i < producers; ++i) waiter->receive([](done_atom) {});
    for (auto& s : sinks) caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  }
  state.SetItemsProcessed(state.iterations() * producers * rows_per_producer);
}
BENCHMARK(BM_Pipeline)->Args({1, 10000, 4})->Args({2, 10000, 4})->Args({2, 1000, 4})->Args({2, 10000, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
