// Row decoding throughput on sysbench's sbtest row (id INT, k INT, c CHAR(120), pad CHAR(60)),
// as oltp_write_only writes it: transactions of GTID + TABLE_MAP + rows + XID, and bulk inserts of
// 100 rows per event. Also the spool append + encode rate for the decoded events.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <unistd.h>

#include "src/engine/mysql/binlog/decoder.hpp"
#include "src/spool/spool.hpp"
#include "tests/src/engine/mysql/binlog/event_builder.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

const std::vector<TestColumn> kSbtest = {
    {3, ""}, {3, ""}, {254, std::string("\xee\xe0", 2)}, {254, std::string("\xfe\xf0", 2)}};  // c: 480 bytes, pad: 240 (utf8mb4)

std::string sbtest_image(uint32_t id) {
  std::string c;
  for (int i = 0; i < 11; ++i) c += std::to_string(10000000000ull + id * 7919ull + i) + "-";
  c.resize(119);
  std::string pad;
  for (int i = 0; i < 5; ++i) pad += std::to_string(10000000000ull + id * 104729ull + i) + "-";
  pad.resize(59);
  // c and pad have max lengths of 480 and 240 bytes: 2-byte and 1-byte length prefixes.
  return std::string(1, '\0') + le(id, 4) + le(id % 1000, 4) + le(c.size(), 2) + c + le(pad.size(), 1) + pad;
}

struct Workload {
  std::vector<std::string> events;
  size_t rows = 0;
};

// `transactions` transactions of one UPDATE (before + after image) each, like oltp_write_only's
// index/non-index updates; or bulk inserts of `rows_per_event` rows.
Workload make_workload(int transactions, int rows_per_event, bool update) {
  Workload w;
  uint32_t pos = 1000;
  for (int t = 0; t < transactions; ++t) {
    w.events.push_back(make_event(162, le(100 + t, 8) + le(0, 4) + std::string(1, '\x0c'), pos += 40));
    w.events.push_back(make_event(19, table_map_body(77, "sbtest", "sbtest1", kSbtest), pos += 60));
    std::string rows;
    for (int r = 0; r < rows_per_event; ++r) {
      uint32_t id = static_cast<uint32_t>(t * rows_per_event + r);
      rows += sbtest_image(id);
      if (update) rows += sbtest_image(id + 1);
    }
    w.events.push_back(make_event(update ? 24 : 23, rows_body(77, 4, update, rows), pos += static_cast<uint32_t>(rows.size() + 40)));
    w.events.push_back(make_event(16, le(t, 8), pos += 31));
    w.rows += rows_per_event;
  }
  return w;
}

void run_decode(benchmark::State& state, bool update) {
  const Workload w = make_workload(1000, static_cast<int>(state.range(0)), update);
  size_t bytes = 0;
  for (const auto& e : w.events) bytes += e.size();
  for (auto _ : state) {
    BinlogDecoder decoder({}, BinlogPosition{"mariadb-bin.000001", 4, "0-1-1"});
    (void)decoder.decode(format_description());
    for (const auto& e : w.events) {
      auto event = decoder.decode(e);
      if (!event) state.SkipWithError(event.status().message().c_str());
      benchmark::DoNotOptimize(event);
      benchmark::DoNotOptimize(decoder.take_pending());  // the rows event behind a held-back Begin
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.events.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(state.iterations() * w.rows), benchmark::Counter::kIsRate);
}

void BM_DecodeUpdateTransactions(benchmark::State& state) { run_decode(state, true); }
void BM_DecodeInsertTransactions(benchmark::State& state) { run_decode(state, false); }

void BM_SpoolAppend(benchmark::State& state) {
  const Workload w = make_workload(1000, static_cast<int>(state.range(0)), true);
  std::vector<Event> events;
  BinlogDecoder decoder({}, BinlogPosition{"mariadb-bin.000001", 4, ""});
  (void)decoder.decode(format_description());
  for (const auto& e : w.events) {
    if (auto event = decoder.decode(e); event && event->has_value()) events.push_back(std::move(**event));
    if (auto pending = decoder.take_pending()) events.push_back(std::move(*pending));
  }
  if (events.size() != w.events.size() - w.events.size() / 4) state.SkipWithError("unexpected event count");
  const std::string dir = std::filesystem::temp_directory_path().string() + "/omsql-bench-spool-" + std::to_string(getpid());
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    auto writer = SpoolWriter::open(dir);
    state.ResumeTiming();
    for (const auto& e : events) benchmark::DoNotOptimize((*writer)->append(e));
    // One fsync per batch of 1,000 transactions, as a tailer that syncs every few milliseconds.
    (void)(*writer)->sync();
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(state.iterations() * w.rows), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_DecodeUpdateTransactions)->Arg(1)->Arg(10);
BENCHMARK(BM_DecodeInsertTransactions)->Arg(1)->Arg(100);
BENCHMARK(BM_SpoolAppend)->Arg(1)->Arg(10)->UseRealTime();  // fsync time counts
BENCHMARK_MAIN();
