// Copies whole tables from the source sandbox to the target with the copy engine (planner, cursor,
// writer; one thread per table, up to --parallel) and prints rows/s, to compare the applier's
// LOAD DATA and INSERT formats. Not a Google Benchmark: one run is seconds of server work.
//
//   . /tmp/omsql-copy/env
//   build-copy/bench/copy/bench_copy_applier --format load --parallel 2 sbtest sbtest1 sbtest2 sbtest3 sbtest4
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "tests/src/copy/copy_test_support.hpp"

using namespace omsql;
using namespace omsql::testing;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  copy::WireFormat format = copy::kDefaultWireFormat;
  int parallel = 1;
  int64_t chunk_rows = 20000;
  copy::BatchLimits limits;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--format" && i + 1 < argc) {
      std::string f = argv[++i];
      format = f == "insert" ? copy::WireFormat::kInsertValues : copy::WireFormat::kLoadData;
    } else if (a == "--parallel" && i + 1 < argc) {
      parallel = std::atoi(argv[++i]);
    } else if (a == "--chunk-rows" && i + 1 < argc) {
      chunk_rows = std::atoll(argv[++i]);
    } else if (a == "--batch-rows" && i + 1 < argc) {
      limits.max_rows = std::atoll(argv[++i]);
    } else if (a == "--batch-bytes" && i + 1 < argc) {
      limits.max_bytes = std::atoll(argv[++i]);
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() < 2) {
    std::fprintf(stderr, "usage: %s [--format load|insert] [--parallel N] [--chunk-rows N] [--batch-rows N] "
                         "[--batch-bytes N] DATABASE TABLE...\n", argv[0]);
    return 2;
  }
  try {
    std::string db = positional[0];
    std::vector<TableJob> jobs;
    {
      auto source = connect_source();
      auto target = connect_target();
      must(*target, "DROP DATABASE IF EXISTS " + sql::quote_identifier(db));
      for (size_t i = 1; i < positional.size(); ++i) {
        QualifiedName t{db, positional[i]};
        clone_table(*source, *target, t, t);
        jobs.push_back(make_job(*source, t, t));
      }
    }
    std::atomic<size_t> next_job{0};
    std::atomic<uint64_t> rows{0};
    std::atomic<int64_t> write_micros{0};
    std::mutex error_mutex;
    std::string error;
    auto started = Clock::now();
    std::vector<std::thread> threads;
    for (int w = 0; w < parallel; ++w)
      threads.emplace_back([&] {
        try {
          auto source = connect_source();
          auto target = connect_target();
          if (!copy::prepare_source_session(*source) || !copy::prepare_target_session(*target))
            throw std::runtime_error("session set-up failed");
          for (size_t j; (j = next_job++) < jobs.size();) {
            copy::ChunkPlanner planner(jobs[j], chunk_rows);
            auto writer = copy::BatchWriter::open(*target, jobs[j], format);
            if (!writer) throw std::runtime_error(writer.status().message());
            while (true) {
              auto range = copy::next_chunk(planner, *source);
              if (!range) throw std::runtime_error(range.status().message());
              if (!range->has_value()) break;
              auto cursor = copy::ChunkCursor::open(*source, jobs[j], **range, limits, format);
              if (!cursor) throw std::runtime_error(cursor.status().message());
              while (true) {
                auto batch = (*cursor)->next_batch();
                if (!batch) throw std::runtime_error(batch.status().message());
                auto t0 = Clock::now();
                auto s = (*writer)->write(*batch);
                write_micros += std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
                if (!s) throw std::runtime_error(s.message());
                rows += batch->rows;
                if (batch->last_of_chunk) break;
              }
              if (planner.done()) break;
            }
          }
        } catch (const std::exception& e) {
          std::lock_guard lock(error_mutex);
          error = e.what();
        }
      });
    for (auto& t : threads) t.join();
    if (!error.empty()) throw std::runtime_error(error);
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::printf("format=%s parallel=%d chunk_rows=%lld batch_rows=%lld rows=%llu seconds=%.2f rows_per_sec=%.0f "
                "write_seconds_total=%.2f\n",
                copy::wire_format_name(format), parallel, static_cast<long long>(chunk_rows),
                static_cast<long long>(limits.max_rows), static_cast<unsigned long long>(rows.load()), seconds,
                rows / seconds, write_micros / 1e6);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_copy_applier: %s\n", e.what());
    return 1;
  }
}
