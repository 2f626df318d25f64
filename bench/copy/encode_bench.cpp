// Encoding rows into batches: the reader's hot path. Rows shaped like sysbench's sbtest tables
// (id INT, k INT, c CHAR(120), pad CHAR(60)) and a binary-heavy row that needs many escapes.
// Reports rows/s (items_per_second) and encoded bytes/s.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "src/copy/row_encoder.hpp"

using namespace omsql::copy;

namespace {

struct Rows {
  std::vector<std::vector<std::string>> values;
};

Rows sysbench_rows(size_t count) {
  std::mt19937_64 random(42);
  auto digits = [&](size_t groups) {
    std::string s;
    for (size_t g = 0; g < groups; ++g) {
      if (g) s += '-';
      for (int i = 0; i < 11; ++i) s += static_cast<char>('0' + random() % 10);
    }
    return s;
  };
  Rows rows;
  for (size_t i = 0; i < count; ++i)
    rows.values.push_back({std::to_string(i + 1), std::to_string(random() % 250000), digits(10), digits(5)});
  return rows;
}

Rows binary_rows(size_t count) {
  std::mt19937_64 random(7);
  Rows rows;
  for (size_t i = 0; i < count; ++i) {
    std::string blob(200, '\0');
    for (auto& c : blob) c = static_cast<char>(random() & 0xff);
    rows.values.push_back({std::to_string(i + 1), std::move(blob), "2024-02-29 12:34:56.123456"});
  }
  return rows;
}

void encode(benchmark::State& state, const Rows& rows, std::vector<ValueKind> kinds, WireFormat format) {
  RowEncoder encoder(std::move(kinds), format, "REPLACE INTO `sbtest`.`sbtest1` (`id`, `k`, `c`, `pad`) VALUES ");
  const size_t columns = rows.values[0].size();
  std::vector<const char*> pointers(rows.values.size() * columns);
  std::vector<unsigned long> lengths(rows.values.size() * columns);
  for (size_t r = 0; r < rows.values.size(); ++r)
    for (size_t c = 0; c < columns; ++c) {
      pointers[r * columns + c] = rows.values[r][c].data();
      lengths[r * columns + c] = rows.values[r][c].size();
    }
  std::string batch;
  size_t bytes = 0;
  for (auto _ : state) {
    // As ChunkCursor does: a fresh buffer per batch, reserved once.
    batch = std::string();
    batch.reserve(4 << 20);
    for (size_t r = 0; r < rows.values.size(); ++r)
      encoder.append_row(&pointers[r * columns], &lengths[r * columns], r == 0, batch);
    bytes += batch.size();
    benchmark::DoNotOptimize(batch.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows.values.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

const Rows& sysbench() {
  static Rows rows = sysbench_rows(10000);
  return rows;
}
const Rows& binary() {
  static Rows rows = binary_rows(10000);
  return rows;
}

void BM_EncodeSysbenchLoadData(benchmark::State& state) {
  encode(state, sysbench(), {ValueKind::kNumber, ValueKind::kNumber, ValueKind::kBytes, ValueKind::kBytes},
         WireFormat::kLoadData);
}
void BM_EncodeSysbenchInsert(benchmark::State& state) {
  encode(state, sysbench(), {ValueKind::kNumber, ValueKind::kNumber, ValueKind::kBytes, ValueKind::kBytes},
         WireFormat::kInsertValues);
}
void BM_EncodeBinaryLoadData(benchmark::State& state) {
  encode(state, binary(), {ValueKind::kNumber, ValueKind::kBytes, ValueKind::kText}, WireFormat::kLoadData);
}
void BM_EncodeBinaryInsert(benchmark::State& state) {
  encode(state, binary(), {ValueKind::kNumber, ValueKind::kBytes, ValueKind::kText}, WireFormat::kInsertValues);
}

}  // namespace

BENCHMARK(BM_EncodeSysbenchLoadData);
BENCHMARK(BM_EncodeSysbenchInsert);
BENCHMARK(BM_EncodeBinaryLoadData);
BENCHMARK(BM_EncodeBinaryInsert);
BENCHMARK_MAIN();
