#pragma once
// What the pre-flight's files share (src/check/preflight.cpp: the source, whether the two are one
// server, the FK graph, run_preflight; src/check/preflight_target.cpp: the target). Internal to
// src/check: nothing else includes it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/check/preflight.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/model/plan.hpp"

namespace omsql::check::preflight_detail {

// The findings of one pre-flight, in the order they were found.

class Findings {
 public:
  void error(FindingCode code, std::string m) { out_.push_back({Finding::kError, code, std::move(m)}); }
  void warning(FindingCode code, std::string m) { out_.push_back({Finding::kWarning, code, std::move(m)}); }
  void info(FindingCode code, std::string m) { out_.push_back({Finding::kInfo, code, std::move(m)}); }
  void add(Finding finding) { out_.push_back(std::move(finding)); }
  std::vector<Finding> take() { return std::move(out_); }

 private:
  std::vector<Finding> out_;
};

// `s` in upper case (ASCII).
std::string upper(std::string s);
// Global variables by lower-case name; names the server does not know are simply absent.
Result<std::map<std::string, std::string>> variables(Connection& c, const std::vector<std::string>& names);
// The lines of SHOW GRANTS for the session's user.
Result<std::vector<std::string>> show_grants(Connection& c);
// True when a grant line hands the user a role, whose privileges SHOW GRANTS does not list.
bool grants_mention_role(const std::vector<std::string>& grants);
// Adds an error (or a warning when a role may grant it) for each privilege in `needed` missing on
// any schema in `schemas` (an empty schema means "global": replication privileges).
void check_grants(Connection& c, const std::vector<std::string>& needed, const std::set<std::string>& schemas,
                  const std::string& why, Findings& findings);
// The server's VERSION(), or "" with an error finding when it cannot be read.
std::string version_of(Connection& c, Findings& findings);

// src/check/preflight_target.cpp: the target's version and dialect, the copy path, privileges,
// the tables the task would write into, replay's FILTER evaluation.
void check_target(Connection& target, const Plan& plan, Findings& findings);

}  // namespace omsql::check::preflight_detail
