// Canonical row hashing: the verifier's hot path per row — canonical encoding of every cell,
// XXH3 of the row, and the chained chunk digest — on sysbench-shaped rows (INT, INT, CHAR(120),
// CHAR(60)) and on a wider mixed row (DECIMAL, DOUBLE, DATETIME(6), VARCHAR, NULLs).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "src/verify/row_hash.hpp"

using namespace omsql::verify;

namespace {

struct Row {
  std::vector<std::string> values;
  std::vector<bool> null;
};

std::vector<Row> sysbench_rows() {
  std::mt19937_64 random(42);
  std::vector<Row> rows;
  for (int i = 0; i < 4096; ++i) {
    std::string c(119, '0'), pad(59, '0');
    for (auto& ch : c) ch = static_cast<char>('0' + random() % 10);
    for (auto& ch : pad) ch = static_cast<char>('0' + random() % 10);
    rows.push_back({{std::to_string(i + 1), std::to_string(random() % 250000), c, pad}, {false, false, false, false}});
  }
  return rows;
}

std::vector<Row> mixed_rows() {
  std::mt19937_64 random(7);
  std::vector<Row> rows;
  for (int i = 0; i < 4096; ++i) {
    rows.push_back({{std::to_string(i + 1), std::to_string(random() % 100000) + ".2500",
                     std::to_string(static_cast<double>(random() % 1000000) / 7.0), "2024-06-01 12:34:56.123400",
                     "name " + std::to_string(i), ""},
                    {false, false, false, false, false, i % 3 == 0}});
  }
  return rows;
}

void hash_rows(benchmark::State& state, const std::vector<Row>& rows, const std::vector<ValueClass>& classes) {
  std::string encoded;
  uint64_t bytes = 0;
  for (auto _ : state) {
    ChunkDigester digester(true);
    for (const Row& row : rows) {
      encoded.clear();
      for (size_t c = 0; c < classes.size(); ++c)
        append_canonical(classes[c], row.null[c] ? nullptr : row.values[c].data(), row.values[c].size(), encoded);
      bytes += encoded.size();
      digester.add(row_hash(encoded));
    }
    benchmark::DoNotOptimize(digester.digest());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_HashSysbenchRows(benchmark::State& state) {
  static const auto rows = sysbench_rows();
  hash_rows(state, rows, {ValueClass::kExactNumber, ValueClass::kExactNumber, ValueClass::kCharPadded,
                          ValueClass::kCharPadded});
}
BENCHMARK(BM_HashSysbenchRows);

void BM_HashMixedRows(benchmark::State& state) {
  static const auto rows = mixed_rows();
  hash_rows(state, rows, {ValueClass::kExactNumber, ValueClass::kExactNumber, ValueClass::kDouble,
                          ValueClass::kTemporal, ValueClass::kBytes, ValueClass::kBytes});
}
BENCHMARK(BM_HashMixedRows);

}  // namespace

BENCHMARK_MAIN();
