#pragma once
#include <stdlib.h>

#include <stdexcept>
#include <vector>
// Helpers for the verification tests: TableJobs built from the source catalog, repair scripts
// applied with the mariadb client, CHECKSUM TABLE on both sides.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/sql/quote.hpp"
#include "src/verify/chunk_hash.hpp"
#include "src/verify/repair.hpp"
#include "src/verify/verifier.hpp"
#include "tests/support/sandbox.hpp"

namespace omsql::testing {

struct JobSpec {
  QualifiedName source;
  QualifiedName target;
  std::map<std::string, std::string> renames;  // MAP COLUMN source -> target
  std::set<std::string> excluded;              // COLUMNS ... EXCLUDE
  std::optional<std::string> filter;
};

inline TableJob make_job(Connection& source, const JobSpec& spec) {
  MysqlCatalog catalog(source);
  auto def = catalog.describe(spec.source);
  REQUIRE_MESSAGE(def, def.status().message());
  TableJob job;
  job.source = spec.source;
  job.target = spec.target;
  job.filter = spec.filter;
  job.source_def = *def;
  job.key = choose_row_key(*def);
  for (const ColumnDef& c : def->columns) {
    if (spec.excluded.count(c.name)) continue;
    ColumnMapping m;
    m.source = c.name;
    auto renamed = spec.renames.find(c.name);
    m.target = renamed == spec.renames.end() ? c.name : renamed->second;
    m.generated = c.is_generated;
    job.columns.push_back(m);
  }
  return job;
}

inline std::unique_ptr<Connection> verify_connection(bool source) {
  auto c = source ? connect_source() : connect_target();
  auto s = verify::prepare_verify_session(*c);
  REQUIRE_MESSAGE(s, s.message());
  return c;
}

inline verify::TableReport run_verify(const TableJob& job, int64_t chunk_rows = 100, int64_t leaf_rows = 8,
                                      bool server_digests = false) {
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  VerifyOptions options;
  options.chunk_rows = chunk_rows;
  verify::NarrowOptions narrow;
  narrow.leaf_rows = leaf_rows;
  narrow.server_digests = server_digests;
  auto report = verify::verify_table(*source, *target, job, options, narrow);
  REQUIRE_MESSAGE(report, report.status().message());
  return std::move(*report);
}

// A path for a scratch file of this test process, in a folder it creates once (under $TMPDIR or
// /tmp), so tests need no folder prepared beforehand and parallel runs do not collide.
inline std::string scratch_path(const std::string& name) {
  static const std::string folder = [] {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/omsql-verify-test-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const char* made = ::mkdtemp(buffer.data());
    if (!made) throw std::runtime_error("cannot create a scratch folder from " + pattern);
    return std::string(made);
  }();
  return folder + "/" + name;
}

// Writes the report's repair statements to a file and runs it with the mariadb client on the target.
inline void apply_repair_with_client(const verify::TableReport& table, const std::string& path) {
  verify::VerifyReport report;
  report.tables.push_back(table);
  auto s = verify::write_repair_file(path, verify::repair_statements(report));
  REQUIRE_MESSAGE(s, s.message());
  std::string command = std::string("mariadb --protocol=tcp -h127.0.0.1 -uroot -P") + std::getenv("OMSQL_TGT_PORT") +
                        " < " + path;
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
}

// The statements pt-table-sync --print would run to sync `table` on the target (its '#' comment
// lines dropped): empty when an independent tool agrees the tables are equal.
inline std::string pt_table_sync_print(const QualifiedName& table) {
  std::string command = std::string("pt-table-sync --print h=127.0.0.1,u=root,P=") + std::getenv("OMSQL_SRC_PORT") +
                        ",D=" + table.schema + ",t=" + table.table + " h=127.0.0.1,u=root,P=" +
                        std::getenv("OMSQL_TGT_PORT") + " 2>&1 | grep -v '^#'";
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

inline std::string checksum(Connection& c, const QualifiedName& table) {
  auto r = c.query("CHECKSUM TABLE " + sql::quote_name(table));
  REQUIRE_MESSAGE(r, r.status().message());
  REQUIRE(r->rows.size() == 1);
  return r->rows[0][1].value_or("NULL");
}

// The differences of a report as "kind key [columns]" strings, for exact comparisons.
inline std::multiset<std::string> difference_set(const verify::TableReport& report) {
  std::multiset<std::string> out;
  for (const auto& d : report.differences) {
    std::string s = std::string(verify::difference_kind_name(d.kind)) + " " + d.key;
    for (const auto& c : d.columns) s += " " + c;
    if (d.copies != 1) s += " x" + std::to_string(d.copies);
    out.insert(s);
  }
  return out;
}

}  // namespace omsql::testing
