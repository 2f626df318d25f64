// The server side of src/schema/objects.hpp: reading objects from the source and creating them on
// the target. The planning in between is pure (objects.cpp).
#include <set>

#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/common/strings.hpp"
#include "src/schema/objects.hpp"
#include "src/sql/quote.hpp"

namespace omsql::schema {
namespace {

std::string schema_list(Connection& c, const std::set<std::string>& schemas) {
  std::string list;
  for (const auto& s : schemas) list += (list.empty() ? "'" : ", '") + c.escape(s) + "'";
  return "(" + list + ")";
}

// One column of SHOW CREATE <what> `schema`.`name`; NotFound when the server hides it (privileges).
Result<std::vector<std::optional<std::string>>> show_create(Connection& c, const std::string& what,
                                                            const QualifiedName& name) {
  auto r = c.query("SHOW CREATE " + what + " " + sql::quote_name(name));
  if (!r) return r.status().with_context("reading the definition of " + name.str());
  if (r->rows.empty()) return Status::not_found(c.describe() + ": SHOW CREATE " + what + " " + name.str() + " returned nothing");
  return r->rows[0];
}

std::string value(const std::vector<std::optional<std::string>>& row, size_t i) {
  return i < row.size() ? row[i].value_or("") : "";
}

Result<bool> exists_on_target(Connection& target, const ObjectPlan& p) {
  const auto schema = sql::text_literal(p.target.schema);
  const auto name = sql::text_literal(p.target.table);
  std::string sql;
  switch (p.object.kind) {
    case ObjectKind::kView:
    case ObjectKind::kSequence:
      sql = "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + schema + " AND TABLE_NAME = " + name;
      break;
    case ObjectKind::kFunction:
    case ObjectKind::kProcedure:
      sql = "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + schema +
            " AND ROUTINE_NAME = " + name + " AND ROUTINE_TYPE = " +
            (p.object.kind == ObjectKind::kFunction ? "'FUNCTION'" : "'PROCEDURE'");
      break;
    case ObjectKind::kTrigger:
      sql = "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + schema +
            " AND TRIGGER_NAME = " + name;
      break;
    case ObjectKind::kEvent:
      sql = "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + schema + " AND EVENT_NAME = " + name;
      break;
    default: return false;
  }
  auto v = target.query_value(sql);
  if (!v) return v.status();
  return v->value_or("0") != "0";
}

// Sets the target sequence to continue at the source's next value not yet cached: values the
// source has cached but not handed out are skipped, none is handed out twice.
Status restart_sequence(Connection& source, Connection& target, const ObjectPlan& p) {
  auto next = source.query_value("SELECT next_not_cached_value FROM " + sql::quote_name(p.object.name));
  if (!next) return next.status().with_context("reading sequence " + p.object.name.str());
  if (!*next) return Status::not_found(source.describe() + ": sequence " + p.object.name.str() + " has no value");
  return target.execute("ALTER SEQUENCE " + sql::quote_name(p.target) + " RESTART WITH " + **next)
      .with_context("setting sequence " + p.target.str());
}

}  // namespace

Result<std::vector<SourceObject>> read_source_objects(Connection& c, const Plan& plan) {
  std::vector<SourceObject> out;
  std::set<std::string> schemas;
  for (const auto& job : plan.tables) schemas.insert(job.source.schema);
  if (schemas.empty()) return out;
  const std::string in = schema_list(c, schemas);

  auto tables = c.query("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA IN " +
                        in + " AND TABLE_TYPE IN ('SYSTEM VERSIONED', 'SEQUENCE') ORDER BY 1, 2");
  if (!tables) return tables.status().with_context("listing sequences and system-versioned tables");
  for (const auto& row : tables->rows) {
    SourceObject o;
    o.name = {value(row, 0), value(row, 1)};
    if (value(row, 2) == "SEQUENCE") {
      o.kind = ObjectKind::kSequence;
      auto create = show_create(c, "SEQUENCE", o.name);
      if (!create) return create.status();
      o.create_sql = value(*create, 1);
    } else {
      o.kind = ObjectKind::kVersionedTable;
    }
    out.push_back(std::move(o));
  }

  auto routines = c.query("SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES "
                          "WHERE ROUTINE_SCHEMA IN " + in + " AND ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE') ORDER BY 1, 2, 3");
  if (!routines) return routines.status().with_context("listing routines");
  for (const auto& row : routines->rows) {
    SourceObject o;
    o.name = {value(row, 0), value(row, 1)};
    o.kind = value(row, 2) == "FUNCTION" ? ObjectKind::kFunction : ObjectKind::kProcedure;
    auto create = show_create(c, value(row, 2), o.name);
    if (!create) return create.status();
    o.sql_mode = value(*create, 1);
    o.create_sql = value(*create, 2);
    out.push_back(std::move(o));
  }

  auto views = c.query("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN " + in +
                       " ORDER BY 1, 2");
  if (!views) return views.status().with_context("listing views");
  for (const auto& row : views->rows) {
    SourceObject o;
    o.kind = ObjectKind::kView;
    o.name = {value(row, 0), value(row, 1)};
    auto create = show_create(c, "VIEW", o.name);
    if (!create) return create.status();
    o.create_sql = value(*create, 1);
    out.push_back(std::move(o));
  }

  // Per table and timing in ACTION_ORDER: created in this order, they fire in the same order.
  auto triggers = c.query("SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS "
                          "WHERE TRIGGER_SCHEMA IN " + in +
                          " ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER");
  if (!triggers) return triggers.status().with_context("listing triggers");
  for (const auto& row : triggers->rows) {
    SourceObject o;
    o.kind = ObjectKind::kTrigger;
    o.name = {value(row, 0), value(row, 1)};
    o.trigger_table = value(row, 2);
    auto create = show_create(c, "TRIGGER", o.name);
    if (!create) return create.status();
    o.sql_mode = value(*create, 1);
    o.create_sql = value(*create, 2);
    out.push_back(std::move(o));
  }

  auto events = c.query("SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN " + in +
                        " ORDER BY 1, 2");
  if (!events) return events.status().with_context("listing events");
  for (const auto& row : events->rows) {
    SourceObject o;
    o.kind = ObjectKind::kEvent;
    o.name = {value(row, 0), value(row, 1)};
    auto create = show_create(c, "EVENT", o.name);
    if (!create) return create.status();
    o.sql_mode = value(*create, 1);
    o.time_zone = value(*create, 2);
    o.create_sql = value(*create, 3);
    out.push_back(std::move(o));
  }

  SourceObject users;
  users.kind = ObjectKind::kUsers;
  auto accounts = c.query_value("SELECT COUNT(*) FROM mysql.user");
  users.name = {"", accounts && *accounts ? **accounts + " account(s) on the source" : "on the source"};
  out.push_back(std::move(users));
  return out;
}

Result<std::vector<ObjectResult>> create_objects(Connection& source, Connection& target, const Plan& plan,
                                                 bool cut_over) {
  auto objects = read_source_objects(source, plan);
  if (!objects) return objects.status();
  MysqlCatalog catalog(source);
  auto listed = catalog.list_tables();
  if (!listed) return listed.status();
  const std::set<QualifiedName> source_tables(listed->begin(), listed->end());
  auto session = target.query("SELECT @@SESSION.sql_mode, @@SESSION.time_zone");
  if (!session || session->rows.empty()) return Status::server_error(target.describe() + ": cannot read the session settings");
  const std::string original_mode = session->rows[0][0].value_or("");
  const std::string original_zone = session->rows[0][1].value_or("SYSTEM");

  std::vector<ObjectResult> lines;
  for (const ObjectPlan& p : plan_objects(*objects, plan, source_tables)) {
    if (p.object.kind == ObjectKind::kTable) continue;
    if (p.fate == Fate::kNotMigrated) {
      lines.push_back({p.line()});
      continue;
    }
    if (p.at_cut_over && !cut_over) {
      lines.push_back({p.line() + " [deferred]"});
      continue;
    }
    auto exists = exists_on_target(target, p);
    if (!exists) return exists.status().with_context("looking for " + p.target.str() + " on the target");
    Status st = Status::ok();
    if (*exists) {
      if (p.object.kind == ObjectKind::kSequence && cut_over) st = restart_sequence(source, target, p);
      lines.push_back(st ? ObjectResult{p.line() + " [exists on the target: kept]"}
                         : ObjectResult{p.line() + ": " + st.message(), true});
      continue;
    }
    // The text names the object unqualified: it is created in the target database, in the
    // sql_mode (and time zone) it was created in on the source.
    st = target.execute("USE " + sql::quote_identifier(p.target.schema));
    if (st && !p.object.sql_mode.empty()) st = target.execute("SET SESSION sql_mode = " + sql::text_literal(p.object.sql_mode));
    if (st && !p.object.time_zone.empty()) st = target.execute("SET SESSION time_zone = " + sql::text_literal(p.object.time_zone));
    if (st) st = target.execute(p.sql);
    if (st && p.object.kind == ObjectKind::kSequence) st = restart_sequence(source, target, p);
    Status restored = target.execute("SET SESSION sql_mode = " + sql::text_literal(original_mode) +
                                     ", time_zone = " + sql::text_literal(original_zone));
    if (!restored) return restored;
    lines.push_back(st ? ObjectResult{p.line() + " [created]"}
                       : ObjectResult{p.line() + ": not created: " + st.message(), true});
  }
  return lines;
}

}  // namespace omsql::schema
