#include "src/capture/capture_schema.hpp"

#include <algorithm>

#include "src/engine/mysql/binlog/capture.hpp"
#include "src/engine/mysql/binlog/ddl_lexer.hpp"
#include "src/log/log.hpp"
#include "src/model/table_binding.hpp"
#include "src/task/table_set.hpp"

namespace omsql::capture {

CaptureSchema::CaptureSchema(std::shared_ptr<const Plan> plan, std::string task_dir, const engine::Engine& source,
                             const engine::Engine& target)
    : plan_(std::move(plan)),
      task_dir_(std::move(task_dir)),
      source_engine_(&source),
      target_engine_(&target),
      rules_(std::make_unique<CaptureRules>(*plan_)) {}

CaptureSchema::~CaptureSchema() = default;

Result<std::unique_ptr<CaptureSchema>> CaptureSchema::open(std::shared_ptr<const Plan> plan, std::string task_dir,
                                                           const SourcePosition& from, const engine::Engine& source,
                                                           const engine::Engine& target) {
  std::unique_ptr<CaptureSchema> schema(new CaptureSchema(std::move(plan), std::move(task_dir), source, target));
  OMSQL_RETURN_IF_ERROR(schema->load(from));
  auto resolution = read_ddl_resolution(schema->task_dir_);
  if (!resolution) return resolution.status();
  schema->resolution_ = *resolution;
  return schema;
}

ChangeDecoding CaptureSchema::decoder_options() const { return rules_->decoder_options(); }

const TableDef* CaptureSchema::definition(const QualifiedName& table) const { return rules_->definition(table); }

Result<DdlTaken> CaptureSchema::take(const DdlStatement& ddl) {
  DdlTaken taken;
  changed_.clear();
  bool halt = false;
  if (auto stop = rules_->on_statement(ddl)) {
    // The replayer stops at it, after applying what comes before; the rows after it may be laid
    // out by a definition capture does not know, so nothing more is read.
    taken.stop = std::move(*stop);
    if (!taken.stop.at_barrier) {
      taken.then = DdlTaken::Then::kStop;
      return taken;
    }
    halt = true;
  }
  OMSQL_RETURN_IF_ERROR(tables_leave(ddl));
  // `omsrun ddl skip` of a DDL capture stopped before: spooled without its definition (the table
  // does not join; an ALTER's rows after it are read by the one before it).
  const bool skipped = !halt && resolution_ && resolution_->kind == DdlResolutionKind::kSkip &&
                       ddl_resolution_matches(*resolution_, ddl.position, ddl.statement);
  if (skipped)
    log::info("binlog") << "binlog: the DDL at " << ddl.position.str()
                        << " is skipped (omsrun ddl skip): capture does not work out its definition";
  if (!halt && !skipped) {
    Status st = tables_join(ddl);
    if (st) st = evolve_definition(ddl);
    if (st) st = tables_rename(ddl);
    if (!st && st.code() == Status::Code::kUnsupported) {
      // The statement cannot be taken (its definition cannot be worked out or bound): it is not
      // spooled, capture reads nothing more, and replay stops at its place once everything before
      // it is applied; a rerun reads the statement again.
      taken.then = DdlTaken::Then::kStopBefore;
      taken.message = st.message() + ". Everything before the statement is applied";
      return taken;
    }
    if (!st) return st;
  }
  taken.then = halt ? DdlTaken::Then::kHalt : DdlTaken::Then::kSpool;
  taken.changed_tables = std::move(changed_);
  changed_.clear();
  return taken;
}

// `ddl` evaluated by the target's DDL rules, the evaluator opened on first use; a lost target
// drops it, so the retry that reads the statement again opens a new one.
Result<engine::DdlEvaluation> CaptureSchema::evaluate(const DdlStatement& ddl, const std::vector<TableDef>& before,
                                                      const std::vector<engine::DatabaseDefaults>& databases) {
  if (!evaluator_) {
    auto evaluator = target_engine_->open_ddl_evaluator(plan_->target);
    if (!evaluator) return evaluator.status();
    evaluator_ = std::move(evaluator).value();
  }
  auto outcome = evaluator_->evaluate(ddl, before, databases);
  if (!outcome && outcome.status().is_transient()) evaluator_.reset();
  return outcome;
}

// A task table the statement changed the columns of, dropped or renamed (DdlTaken::changed_tables).
void CaptureSchema::changed(const QualifiedName& table) {
  if (std::find(changed_.begin(), changed_.end(), table) == changed_.end()) changed_.push_back(table);
}

// The definitions capture decodes by: the schema history's at the resume position for every table
// it knows (the plan's come from the current catalog, which may be past a later DDL); a task
// without a history records its base there.
Status CaptureSchema::load(const SourcePosition& from) {
  auto history = SchemaHistory::open(task_dir_);
  if (!history) return history.status();
  history_.emplace(std::move(history).value());
  if (history_->empty()) {
    std::vector<TableDef> base;
    for (const auto& job : plan_->tables) base.push_back(job.source_def);
    return history_->record_base(from, base);
  }
  for (const auto& job : plan_->tables) {
    if (!history_->knows(job.source)) continue;
    auto definition = history_->at(job.source, from);
    if (!definition || *definition == job.source_def) continue;
    auto bound = bind_table(plan_->rules, *definition);
    if (!bound) return bound.status().with_context("schema history of " + job.source.str());
    rules_->set_definition(*definition, bound->replayed_columns());
  }
  // Tables that joined in the live link before the resume position (the plan does not have them):
  // decoded by their definition there. One that joins later is met again at its CREATE.
  auto joined = load_joined_tables(task_dir_);
  if (!joined) return joined.status();
  for (const auto& entry : *joined) {
    auto definition = history_->at(entry.source, from);
    if (!definition) continue;
    if (!plan_->rules.takes(entry.source)) {
      // The script now EXCLUDEs it (the way out a stop at its join names): replay, which meets the
      // join again or has applied it, passes its rows from here on, and so does capture.
      log::warning("binlog") << "binlog: " << entry.source.str() << " joined the task at " << entry.joined->position.str()
                             << ", but the script's MIGRATE rules no longer take it: its changes are not captured "
                                "from here on (its target table, if any, stays as it is)";
      continue;
    }
    auto bound = bind_table(plan_->rules, *definition);
    if (!bound) return bound.status().with_context("schema history of " + entry.source.str());
    rules_->join(*definition, bound->replayed_columns());
  }
  // Tables a RENAME took away after the resume position: still the task's until capture reads it
  // again (their rows before it are decoded by their name then).
  auto set = load_table_set(task_dir_);
  if (!set) return set.status();
  for (const auto& departed : set->has_value() ? (*set)->left : std::vector<DepartedTable>{}) {
    if (!departed.renamed_to) continue;
    auto definition = history_->at(departed.source, from);
    if (!definition) continue;
    auto bound = bind_table(plan_->rules, *definition);
    if (!bound) return bound.status().with_context("schema history of " + departed.source.str());
    rules_->join(*definition, bound->replayed_columns());
  }
  return Status::ok();
}

// A replicated ALTER TABLE / CREATE INDEX / DROP INDEX: the table's definition after it, from the
// target server's own DDL rules (engine::DdlEvaluator), recorded in the schema history before the statement
// is spooled; the rows after it are decoded by it. A transient error (the target away) is retried
// by reading the statement again; anything else stops the link naming statement and why.
Status CaptureSchema::evolve_definition(const DdlStatement& ddl) {
  const DdlReplication replication = rules_->replication_of(ddl);
  if (replication.kind != ReplicatedDdl::kAlterTable || replication.tables.empty()) return Status::ok();
  const QualifiedName& table = replication.tables.front();
  const TableDef* before = rules_->definition(table);
  auto failed = [&](const Status& st) {
    const std::string what = "source DDL on migrated table " + table.str() + " at " + ddl.position.str() + ": \"" +
                             ddl.statement + "\": cannot work out the table's definition after it: ";
    return st.is_transient() ? Status::transient(what + st.message()) : Status::unsupported(what + st.message());
  };
  if (!before) return failed(Status::invalid_argument("its definition is unknown"));
  auto outcome = evaluate(ddl, {*before});
  if (!outcome) return failed(outcome.status());
  const TableDef* after = nullptr;
  for (const auto& definition : outcome->after)
    if (definition.name == table) after = &definition;
  if (!after) return failed(Status::invalid_argument("the shadow schema returned no definition of it"));
  auto bound = bind_table(plan_->rules, *after);
  if (!bound) return failed(bound.status());
  OMSQL_RETURN_IF_ERROR(history_->record(ddl.position, table, *after, ddl.statement));
  if (after->columns != before->columns) changed(table);
  rules_->set_definition(*after, bound->replayed_columns());
  return Status::ok();
}

// A replicated CREATE TABLE of a table the MIGRATE patterns take: it joins the task (issue 12 §2).
// Its definition comes from the target server's own DDL rules (engine::DdlEvaluator: LIKE and ... SELECT
// read the task tables' definitions at this position) and is recorded in the schema history and
// table-set.json before the statement is spooled; the rows after it (a CREATE ... SELECT's in the
// same transaction) are decoded by it. Replay creates the target table at the statement's place.
// IF NOT EXISTS of a table that exists changes nothing; the DDL policy CREATE TABLE = IGNORE keeps
// the table out of the task. What cannot be evaluated or bound stops the link, naming why.
Status CaptureSchema::tables_join(const DdlStatement& ddl) {
  const DdlReplication replication = rules_->replication_of(ddl);
  if (replication.kind != ReplicatedDdl::kCreateTable || replication.tables.empty()) return Status::ok();
  const QualifiedName& table = replication.tables.front();
  const ClassifiedStatement classified = classify_statement(ddl.statement, ddl.schema);
  const std::string what = "source DDL at " + ddl.position.str() + ": \"" + ddl.statement + "\" creates " +
                           table.str() + ", a table the MIGRATE rules take";
  auto failed = [&](const Status& st) {
    const std::string text = what + ": it cannot join the task: " + st.message();
    return st.is_transient() ? Status::transient(text) : Status::unsupported(text);
  };
  if (history_->recorded_at(table, ddl.position)) {
    // Read again (a reconnect, a rerun): the history already holds what it left.
    if (auto after = history_->at(table, ddl.position)) {
      auto bound = bind_table(plan_->rules, *after);
      if (!bound) return failed(bound.status());
      rules_->join(*after, bound->replayed_columns());
    }
    return Status::ok();
  }
  const bool existed = history_->before(table, ddl.position).has_value() ||
                       (!history_->knows(table) && rules_->definition(table));
  if (existed && !classified.or_replace) {
    if (classified.if_not_exists) return Status::ok();  // the server changed nothing
    return failed(Status::invalid_argument("the task's schema history says the table exists there already"));
  }
  const DdlHandling handling = plan_->ddl_policy.handling(StatementKind::kCreateTable, classified.or_replace);
  if (handling == DdlHandling::kIgnore && !existed) {
    log::info("binlog") << "binlog: " << table.str() << " created on the source at " << ddl.position.str()
                        << " does not join the task: " << plan_->ddl_policy.explain(StatementKind::kCreateTable);
    return Status::ok();
  }
  // The tables the statement reads (LIKE, ... SELECT) as valid here; one outside the task has no
  // known definition at this position, so the shadow server refuses the statement.
  std::vector<TableDef> before;
  for (const auto& object : classified.objects) {
    if (object.type != ObjectType::kTable || object.role != ObjectRole::kRead) continue;
    const QualifiedName* name = rules_->task_name(object.name);
    const TableDef* read = name ? rules_->definition(*name) : nullptr;
    if (!read)
      return failed(Status::unsupported("it reads " + object.name.str() +
                                        ", which is not a task table, so its definition at this position is not "
                                        "known. Create the table on the target by hand and EXCLUDE it, or run "
                                        "again with --recopy"));
    if (std::none_of(before.begin(), before.end(), [&](const TableDef& t) { return t.name == read->name; }))
      before.push_back(*read);
  }
  std::vector<engine::DatabaseDefaults> databases;
  if (auto defaults = rules_->database_defaults(table.schema))
    databases.push_back({table.schema, defaults->first, defaults->second});
  auto outcome = evaluate(ddl, before, databases);
  if (!outcome) return failed(outcome.status());
  const TableDef* after = nullptr;
  for (const auto& definition : outcome->after)
    if (same_name(definition.name.schema, table.schema) && same_name(definition.name.table, table.table))
      after = &definition;
  if (!after) return failed(Status::invalid_argument("the shadow schema returned no definition of it"));
  // The schema phase refuses a table the rules cannot bind at the start (the run does not begin);
  // here the link stops the same way, naming the table and why.
  auto bound = bind_table(plan_->rules, *after);
  if (!bound) return failed(bound.status());
  OMSQL_RETURN_IF_ERROR(history_->record(ddl.position, after->name, *after, ddl.statement));
  TableSetEntry entry{after->name, bound->target, column_rules_of(plan_->rules, after->name),
                      JoinedAt{ddl.position, ddl.statement}};
  OMSQL_RETURN_IF_ERROR(record_table_joined(task_dir_, entry));
  rules_->join(*after, bound->replayed_columns());
  log::info("binlog") << "binlog: " << after->name.str() << " was created on the source at " << ddl.position.str()
                      << ": it joins the task (to " << bound->target.str() << ")";
  return Status::ok();
}

// A replicated DROP TABLE: its tables leave the task. Recorded in table-set.json before the
// statement is spooled (a rerun then neither misses them on the source nor forgets their target
// tables), then no longer decoded: the rows after it are another table's, if any.
Status CaptureSchema::tables_leave(const DdlStatement& ddl) {
  const DdlReplication replication = rules_->replication_of(ddl);
  if (replication.kind != ReplicatedDdl::kDropTable) return Status::ok();
  OMSQL_RETURN_IF_ERROR(record_tables_left(task_dir_, replication.tables, ddl.position, ddl.statement));
  for (const auto& table : replication.tables) {
    changed(table);
    rules_->forget(table);
    log::info("binlog") << "binlog: " << table.str() << " was dropped on the source at " << ddl.position.str()
              << ": it leaves the task";
  }
  return Status::ok();
}

// The definition of `table`, renamed into the MIGRATE patterns by `ddl`: the schema history's when
// the statement was read before (a reconnect, a rerun), else the source's catalog now. The binlog
// holds no definition of a table outside the task; one read later than the statement is checked
// by the rows after it (the decoder compares column counts, and names with
// binlog_row_metadata=FULL) and by the shadow schema, which refuses an ALTER it already has.
Result<TableDef> CaptureSchema::renamed_into_definition(const DdlStatement& ddl, const QualifiedName& table) {
  if (history_->recorded_at(table, ddl.position)) {
    auto recorded = history_->at(table, ddl.position);
    if (!recorded) return Status::invalid_argument("the schema history records " + table.str() + " gone after it");
    return *recorded;
  }
  if (!source_catalog_) {
    auto catalog = source_engine_->open_catalog(plan_->source, "source");
    if (!catalog) return catalog.status();
    source_catalog_ = std::move(catalog).value();
  }
  auto described = source_catalog_->describe(table);
  if (!described) {
    if (described.status().is_transient()) source_catalog_.reset();
    if (described.status().code() == Status::Code::kNotFound)
      return Status::unsupported("the source no longer has " + table.str() +
                                 " (renamed or dropped again since), so its rows cannot be copied; run again with "
                                 "--recopy, or EXCLUDE it");
    return described.status();
  }
  return std::move(described).value();
}

// A replicated RENAME TABLE (issue 12 §2): each task table it moves within the MIGRATE patterns
// stays in the task under its new name (same definition: the rows after it are decoded by it under
// that name), each it moves out leaves. Recorded in the schema history (every name's definition
// after the whole statement, once: `RENAME TABLE t TO t_old, t_new TO t` leaves t with t_new's)
// and table-set.json before the statement is spooled. Replay renames the target tables at the
// statement's place; one renamed out keeps its target table as it was, no longer fed.
Status CaptureSchema::tables_rename(const DdlStatement& ddl) {
  const DdlReplication replication = rules_->replication_of(ddl);
  if (replication.kind != ReplicatedDdl::kRenameTable) return Status::ok();
  auto failed = [&](const Status& st) {
    const std::string text = "source DDL at " + ddl.position.str() + ": \"" + ddl.statement +
                             "\" renames task tables, and capture cannot follow it: " + st.message();
    return st.is_transient() ? Status::transient(text) : Status::unsupported(text);
  };
  // Every name's definition after the statement, pair by pair.
  std::vector<std::pair<QualifiedName, std::optional<TableDef>>> after;
  auto find = [&](const QualifiedName& name) -> std::optional<TableDef>* {
    for (auto& [n, def] : after)
      if (same_name(n.schema, name.schema) && same_name(n.table, name.table)) return &def;
    return nullptr;
  };
  std::vector<TableRenamed> moves;
  std::vector<TableSetEntry> joins;
  for (const auto& pair : replication.renames) {
    if (pair.fate == RenamePair::Fate::kInto) {
      // Another table renamed into the patterns: it joins the task, and replay copies its rows at
      // the statement's barrier. Its definition: the one recorded when the statement was first read,
      // else the source's catalog now (the binlog has none of a table outside the task).
      auto definition = renamed_into_definition(ddl, pair.to);
      if (!definition) return failed(definition.status());
      auto bound = bind_table(plan_->rules, *definition);
      if (!bound) return failed(bound.status().with_context(pair.to.str()));
      joins.push_back(TableSetEntry{definition->name, bound->target, column_rules_of(plan_->rules, definition->name),
                                    JoinedAt{ddl.position, ddl.statement}});
      if (std::optional<TableDef>* slot = find(pair.to)) *slot = *definition;
      else after.emplace_back(pair.to, *definition);
      continue;
    }
    std::optional<TableDef>* known = find(pair.from);
    std::optional<TableDef> definition;
    if (known) {
      definition = *known;
    } else if (const TableDef* current = rules_->definition(pair.from)) {
      definition = *current;
    }
    if (!definition) return failed(Status::invalid_argument("the definition of " + pair.from.str() + " is unknown"));
    if (known) *known = std::nullopt; else after.emplace_back(pair.from, std::nullopt);
    if (pair.fate != RenamePair::Fate::kWithin) {
      moves.push_back(TableRenamed{pair.from, pair.to, std::nullopt});
      continue;
    }
    TableDef renamed = *definition;
    renamed.name = pair.to;
    for (auto& fk : renamed.foreign_keys)
      if (fk.referenced == pair.from) fk.referenced = pair.to;  // a self-reference follows the table
    if (!same_name(pair.to.schema, pair.from.schema)) {
      if (auto defaults = rules_->database_defaults(pair.to.schema)) {
        renamed.schema_charset = defaults->first;
        renamed.schema_collation = defaults->second;
      }
    }
    auto bound = bind_table(plan_->rules, renamed);
    if (!bound) return failed(bound.status().with_context(pair.to.str()));
    moves.push_back(TableRenamed{pair.from, pair.to,
                                 TableSetEntry{pair.to, bound->target, column_rules_of(plan_->rules, pair.to),
                                               JoinedAt{ddl.position, ddl.statement}}});
    if (std::optional<TableDef>* slot = find(pair.to)) *slot = std::move(renamed);
    else after.emplace_back(pair.to, std::move(renamed));
  }
  if (!after.empty() && !history_->recorded_at(after.front().second ? after.front().second->name : after.front().first,
                                                  ddl.position))
    for (const auto& [name, definition] : after)
      OMSQL_RETURN_IF_ERROR(history_->record(ddl.position, definition ? definition->name : name, definition, ddl.statement));
  OMSQL_RETURN_IF_ERROR(record_tables_renamed(task_dir_, moves, ddl.position, ddl.statement));
  for (const auto& entry : joins) OMSQL_RETURN_IF_ERROR(record_table_joined(task_dir_, entry));
  std::vector<QualifiedName> gone;
  std::vector<std::pair<TableDef, std::vector<bool>>> arrived;
  for (const auto& pair : replication.renames) {
    changed(pair.from);
    gone.push_back(pair.from);
  }
  for (const auto& [name, definition] : after) {
    if (!definition) continue;
    auto bound = bind_table(plan_->rules, *definition);
    if (!bound) return failed(bound.status());
    arrived.emplace_back(*definition, bound->replayed_columns());
  }
  rules_->renamed(ddl.position, gone, arrived);
  for (const auto& entry : joins)
    log::info("binlog") << "binlog: " << entry.source.str() << " was renamed into the MIGRATE patterns on the source at "
                        << ddl.position.str() << ": it joins the task (to " << entry.target.str()
                        << "); replay copies its rows there";
  for (const auto& move : moves)
    log::info("binlog") << "binlog: " << move.from.str() << " was renamed on the source to " << move.to_source.str()
                        << " at " << ddl.position.str()
                        << (move.to ? ": it stays in the task (to " + move.to->target.str() + ")"
                                    : std::string(": the MIGRATE rules do not take that name, so it leaves the task"));
  return Status::ok();
}

}  // namespace omsql::capture
