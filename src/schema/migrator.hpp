#pragma once
// Schema migration on the target: plain functions the schema_migrator actor calls, in two steps
// around the copy. Only these and the appliers write to the target.
//
//   create_target_schema   before the copy: databases, and tables without secondary indexes or
//                          foreign keys, honouring Options::on_exists for tables already there;
//   finish_target_schema   after the copy: secondary indexes, then foreign keys. Idempotent: an
//                          index or constraint that already exists (by name) is skipped, so a
//                          resumed task may call it again.
#include <set>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::schema {

// Translates every TableJob first (so a translation error writes nothing), then checks which target
// tables exist: on_exists 'fail' returns an error naming them (and writes nothing); 'truncate'
// empties them; 'append' keeps them as they are. Missing tables are created with
// create_table_sql(job, dialect, false). Every translation warning, including those of the indexes
// and foreign keys finish_target_schema will add, is appended to `warnings` when given.
//
// `created`, when given, makes the call safe to repeat after a lost connection: the tables in it
// are this task's own (created by an earlier attempt) and are kept as they are, whatever
// on_exists says; every table this call creates is added to it before its CREATE runs (a CREATE
// cut off by a lost connection may have happened).
Status create_target_schema(Connection& target, const Plan& plan, std::vector<std::string>* warnings,
                            std::set<QualifiedName>* created = nullptr);

// Adds the secondary indexes of one table (one ALTER TABLE), skipping those that exist: called as
// soon as that table's copy is done, while other tables are still copying.
Status add_secondary_indexes(Connection& target, const Plan& plan, const TableJob& job,
                             std::vector<std::string>* warnings = nullptr);

// Adds the secondary indexes (one ALTER TABLE per table) and then the foreign keys, with
// foreign_key_checks=0 on this session: the copied rows were consistent on the source, and checking
// them again would cost a scan per key. Its warnings repeat create_target_schema's for those parts.
Status finish_target_schema(Connection& target, const Plan& plan, std::vector<std::string>* warnings = nullptr);

}  // namespace omsql::schema
