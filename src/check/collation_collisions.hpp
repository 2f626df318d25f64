#pragma once
// Collation remaps that can make a unique key reject (or, under the copy's REPLACE, silently merge)
// rows: OceanBase has no utf8mb4_nopad_bin, latin1_german2_ci, ..., so the dialect maps them to the
// nearest collation it has (docs/dialects.md), where 'a' = 'a ' or 'Müller' = 'Myller'. Pre-flight
// groups each affected unique key's source rows under the target collation, on the source server,
// before anything is copied, and reports the groups that hold more than one row.
#include <string>
#include <vector>

#include "src/check/preflight.hpp"
#include "src/model/plan.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/schema/dialect_rules.hpp"

namespace omsql::check {

// One column of a key at risk: how the target compares it.
struct KeyColumnCollation {
  std::string column;            // source name
  std::string source_collation;  // empty: the column is not remapped (a number, or an unchanged collation)
  std::string target_charset;
  std::string target_collation;
};

// A PRIMARY KEY or UNIQUE key of a job, created on the target, with at least one text column whose
// collation the dialect changes in more than its charset's name (utf8mb3_bin -> utf8mb4_bin compares
// the same; utf8mb4_nopad_bin -> utf8mb4_bin does not).
struct UniqueKeyAtRisk {
  std::string index_name;  // "PRIMARY" for the primary key
  std::vector<KeyColumnCollation> columns;
};

// The unique keys of `job` the remaps put at risk, in the source's index order. Pure.
std::vector<UniqueKeyAtRisk> unique_keys_at_risk(const TableJob& job, const schema::DialectTarget& target);

// The query that finds the groups (at most `limit`) of source rows one key value under the target
// collations: each group's size and its rows' key values, quoted. Rows with a NULL key part are left
// out (a unique key accepts any number of them); a FILTER applies (only those rows are copied).
std::string collision_sql(const TableJob& job, const UniqueKeyAtRisk& key, int limit);

// Runs the query for every key at risk of every job: an error per key with groups (naming the table,
// key, collations and up to `limit` groups), a note per key without. Queries that fail are warnings.
std::vector<Finding> collation_collision_findings(Connection& source, const Plan& plan, int limit = 10);

}  // namespace omsql::check
