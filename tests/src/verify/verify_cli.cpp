// verify_cli: runs verify_tables on tables of the same name on two servers, for the benchmark
// (bench/verify_vs_pt_table_sync.sh) and for trying the engine by hand before `omsrun verify`
// wraps it. Usage:
//   verify_cli SRC_PORT TGT_PORT DB.TABLE[,DB.TABLE...] [--chunk-rows N] [--repair FILE] [--json] [--serial]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/verify/chunk_hash.hpp"
#include "src/verify/verifier.hpp"

using namespace omsql;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SRC_PORT TGT_PORT DB.TABLE[,...] [--chunk-rows N] [--repair FILE] [--json]\n", argv[0]);
    return 2;
  }
  Plan plan;
  plan.source.port = std::atoi(argv[1]);
  plan.target.port = std::atoi(argv[2]);
  VerifyOptions options;
  bool json = false;
  for (int i = 4; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--chunk-rows" && i + 1 < argc) options.chunk_rows = std::atoll(argv[++i]);
    else if (arg == "--repair" && i + 1 < argc) options.repair_file = argv[++i];
    else if (arg == "--json") json = true;
  }
  auto source = Connection::open(plan.source, "source");
  if (!source) {
    std::fprintf(stderr, "%s\n", source.status().message().c_str());
    return 1;
  }
  MysqlCatalog catalog(**source);
  std::string list = argv[3];
  for (size_t start = 0; start < list.size();) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string name = list.substr(start, end - start);
    start = end + 1;
    size_t dot = name.find('.');
    if (dot == std::string::npos) {
      std::fprintf(stderr, "%s: expected DB.TABLE\n", name.c_str());
      return 2;
    }
    QualifiedName table{name.substr(0, dot), name.substr(dot + 1)};
    auto def = catalog.describe(table);
    if (!def) {
      std::fprintf(stderr, "%s\n", def.status().message().c_str());
      return 1;
    }
    TableJob job;
    job.source = job.target = table;
    job.source_def = *def;
    job.key = choose_row_key(*def);
    for (const ColumnDef& c : def->columns) job.columns.push_back({c.name, c.name, std::nullopt, c.is_generated});
    plan.tables.push_back(std::move(job));
  }
  auto report = verify::verify_tables(plan, options);
  if (!report) {
    std::fprintf(stderr, "%s\n", report.status().message().c_str());
    return 1;
  }
  std::fputs((json ? report->to_json() + "\n" : report->to_text()).c_str(), stdout);
  return report->clean() ? 0 : 3;
}
