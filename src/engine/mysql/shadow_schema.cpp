#include "src/engine/mysql/shadow_schema.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "src/catalog/shadow_names.hpp"
#include "src/common/strings.hpp"
#include "src/engine/mysql/binlog/ddl_lexer.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/schema/ddl.hpp"
#include "src/sql/quote.hpp"

namespace omsql {
namespace {

bool name_token(const SqlToken& t) {
  return t.kind == SqlToken::kWord || t.kind == SqlToken::kQuotedName || t.kind == SqlToken::kDoubleQuoted;
}

std::string random_instance() {
  std::random_device device;
  std::uniform_int_distribution<uint32_t> digit(0, 15);
  std::string out;
  for (int i = 0; i < 12; ++i) out += "0123456789abcdef"[digit(device)];
  return out;
}

// The source databases of one evaluation and their shadow databases, by ASCII case-insensitive
// name (a name's spelling in a statement may differ from the catalog's).
class DatabaseMap {
 public:
  DatabaseMap(std::string instance, uint64_t unix_seconds, uint64_t evaluation)
      : instance_(std::move(instance)), unix_seconds_(unix_seconds), evaluation_(evaluation) {}
  void add(const std::string& source) {
    if (source.empty() || find(source)) return;
    pairs_.emplace_back(source, shadow_database_name(instance_, unix_seconds_, evaluation_, pairs_.size()));
  }
  const std::string* find(std::string_view source) const {
    for (const auto& [s, shadow] : pairs_)
      if (same_name(s, source)) return &shadow;
    return nullptr;
  }
  const std::string* source_of(std::string_view shadow) const {
    for (const auto& [s, sh] : pairs_)
      if (sh == shadow) return &s;
    return nullptr;
  }
  const std::vector<std::pair<std::string, std::string>>& pairs() const { return pairs_; }
  QualifiedName shadow(const QualifiedName& source) const { return QualifiedName{*find(source.schema), source.table}; }

 private:
  std::string instance_;
  uint64_t unix_seconds_ = 0, evaluation_ = 0;
  std::vector<std::pair<std::string, std::string>> pairs_;  // source -> shadow
};

bool is_supported(StatementKind kind) {
  switch (kind) {
    case StatementKind::kCreateTable:
    case StatementKind::kAlterTable:
    case StatementKind::kRenameTable:
    case StatementKind::kTruncateTable:
    case StatementKind::kDropTable:
    case StatementKind::kCreateIndex:
    case StatementKind::kDropIndex:
      return true;
    default:
      return false;
  }
}

// The objects whose name is a table (the table itself, or the table owning a column, index,
// constraint or partition).
bool names_a_table(ObjectType type) {
  return type == ObjectType::kTable || type == ObjectType::kColumn || type == ObjectType::kIndex ||
         type == ObjectType::kConstraint || type == ObjectType::kPartition;
}

bool same_table(const QualifiedName& a, const QualifiedName& b) {
  return same_name(a.schema, b.schema) && same_name(a.table, b.table);
}

const TableDef* find_before(const std::vector<TableDef>& before, const QualifiedName& name) {
  for (const auto& t : before)
    if (same_table(t.name, name)) return &t;
  return nullptr;
}

// An identity TableJob (every column as it is) that creates `def` under `target`.
TableJob copy_job(const TableDef& def, const QualifiedName& target) {
  TableJob job;
  job.source = def.name;
  job.target = target;
  job.source_def = def;
  job.key = choose_row_key(def);
  for (const auto& c : def.columns) job.columns.push_back(ColumnMapping{c.name, c.name, std::nullopt, c.is_generated});
  return job;
}

// Stand-in jobs for the tables foreign keys reference, so the translator renders every key
// pointing into the shadow (a referenced table without a copy is fine with foreign_key_checks=0).
std::vector<TableJob> referenced_jobs(const std::vector<TableDef>& before, const DatabaseMap& databases) {
  std::vector<TableJob> jobs;
  for (const auto& t : before) jobs.push_back(copy_job(t, databases.shadow(t.name)));
  for (const auto& t : before)
    for (const auto& fk : t.foreign_keys) {
      if (find_before(before, fk.referenced)) continue;
      auto it = std::find_if(jobs.begin(), jobs.end(), [&](const TableJob& j) { return j.source == fk.referenced; });
      if (it == jobs.end()) {
        TableDef stand_in;
        stand_in.name = fk.referenced;
        jobs.push_back(copy_job(stand_in, databases.shadow(fk.referenced)));
        it = jobs.end() - 1;
      }
      for (const auto& c : fk.referenced_columns)
        if (!it->find_column(c)) it->columns.push_back(ColumnMapping{c, c, std::nullopt, false});
    }
  return jobs;
}

// `s` with the shadow databases' names in its message replaced by the source's: the message is
// for a person, who knows only the source's.
Status with_source_names(const Status& s, const DatabaseMap& databases) {
  std::string message = s.message();
  for (const auto& [source, shadow] : databases.pairs())
    for (size_t at = message.find(shadow); at != std::string::npos; at = message.find(shadow, at + source.size()))
      message.replace(at, shadow.size(), source);
  switch (s.code()) {
    case Status::Code::kOk: return s;
    case Status::Code::kInvalidArgument: return Status::invalid_argument(message);
    case Status::Code::kNotFound: return Status::not_found(message);
    case Status::Code::kIOError: return Status::io_error(message);
    case Status::Code::kServerError: return Status::server_error(message);
    case Status::Code::kTransient: return Status::transient(message);
    case Status::Code::kCorruption: return Status::corruption(message);
    case Status::Code::kUnsupported: return Status::unsupported(message);
  }
  return s;
}

}  // namespace

std::string rewrite_database_qualifiers(std::string_view statement,
                                        const std::vector<std::pair<std::string, std::string>>& shadow_of) {
  std::vector<SqlToken> tokens = lex_sql(statement);
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i + 2 < tokens.size(); ++i) {
    const SqlToken& t = tokens[i];
    if (!name_token(t) || tokens[i + 1].kind != SqlToken::kPunct || tokens[i + 1].text != "." ||
        !name_token(tokens[i + 2]))
      continue;
    if (i > 0 && tokens[i - 1].kind == SqlToken::kPunct && tokens[i - 1].text == ".") continue;  // db.t.column
    // A '.' right after the name, as the lexer saw it: `db` . `t` with spaces is still a qualifier.
    auto shadow = std::find_if(shadow_of.begin(), shadow_of.end(),
                               [&](const auto& pair) { return same_name(pair.first, t.text); });
    if (shadow == shadow_of.end()) continue;
    out.append(statement.substr(copied, t.offset - copied));
    out += sql::quote_identifier(shadow->second);
    copied = t.end;
  }
  out.append(statement.substr(copied));
  return out;
}

std::string shadow_database_name(std::string_view instance, uint64_t unix_seconds, uint64_t evaluation, size_t n) {
  return std::string(kShadowSchemaPrefix) + std::string(instance) + "_" + std::to_string(unix_seconds) + "_" +
         std::to_string(evaluation) + "_" + std::to_string(n);
}

bool stale_shadow_database(std::string_view name, uint64_t started) {
  if (name.substr(0, kShadowSchemaPrefix.size()) != kShadowSchemaPrefix) return false;
  std::string_view rest = name.substr(kShadowSchemaPrefix.size());
  // <12 hex>_<time>_<evaluation>_<n>
  if (rest.size() < 13 || rest[12] != '_') return false;
  for (char c : rest.substr(0, 12))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  rest.remove_prefix(13);
  std::vector<uint64_t> numbers;
  while (!rest.empty()) {
    size_t end = rest.find('_');
    std::string_view digits = rest.substr(0, end);
    if (digits.empty() || digits.size() > 19) return false;
    uint64_t value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    numbers.push_back(value);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
    if (rest.empty()) return false;  // a trailing '_'
  }
  if (numbers.size() != 3) return false;
  return numbers[0] + kShadowStaleSeconds < started;
}

ShadowSchema::ShadowSchema(Connection& server)
    : server_(&server), prefix_(std::string(kShadowSchemaPrefix) + random_instance() + "_") {}

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Status ShadowSchema::read_clock() {
  if (server_started_) return Status::ok();
  auto now = server_->query_value("SELECT UNIX_TIMESTAMP()");
  if (!now) return now.status().with_context("reading the shadow server's clock");
  if (!*now) return Status::server_error("reading the shadow server's clock: SELECT UNIX_TIMESTAMP() returned NULL");
  try {
    server_started_ = std::stoull(**now);
  } catch (const std::exception&) {
    return Status::server_error("reading the shadow server's clock: UNIX_TIMESTAMP() returned '" + **now + "'");
  }
  steady_started_ms_ = steady_ms();
  return Status::ok();
}

uint64_t ShadowSchema::server_now() const {
  return *server_started_ + static_cast<uint64_t>(std::max<int64_t>(0, steady_ms() - steady_started_ms_) / 1000);
}

Result<std::vector<std::string>> ShadowSchema::drop_stale() {
  OMSQL_RETURN_IF_ERROR(read_clock());
  std::string pattern;
  for (char c : kShadowSchemaPrefix) pattern += c == '_' ? std::string("!_") : std::string(1, c);
  auto listed = server_->query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '" + pattern +
                               "%' ESCAPE '!'");
  if (!listed) return listed.status().with_context("listing the shadow databases");
  std::vector<std::string> dropped;
  for (const auto& row : listed->rows) {
    const std::string name = row[0].value_or("");
    if (name.rfind(prefix_, 0) == 0 || !stale_shadow_database(name, *server_started_)) continue;
    if (Status s = server_->execute("DROP DATABASE IF EXISTS " + sql::quote_identifier(name)); !s)
      return s.with_context("dropping the stale shadow database " + name);
    dropped.push_back(name);
  }
  return dropped;
}

Result<ShadowSchema::Outcome> ShadowSchema::evaluate(std::string_view statement, std::string_view default_database,
                                                     const ClassifiedStatement& classified,
                                                     const std::vector<TableDef>& before,
                                                     const std::vector<DatabaseDefaults>& database_defaults) {
  const std::string what = std::string(statement_kind_name(classified.kind)) + " " +
                           sql::statement_for_message(statement);
  if (classified.kind == StatementKind::kUnknown)
    return Status::unsupported("cannot evaluate " + what + ": not understood (" + classified.unparsed + ")");
  if (!is_supported(classified.kind))
    return Status::unsupported("cannot evaluate " + what + ": the shadow schema evaluates table DDL only");
  if (classified.temporary) return Status::unsupported("cannot evaluate " + what + ": a temporary table");

  Outcome outcome;
  if (classified.kind == StatementKind::kDropTable) {
    // Gone is all a DROP can leave; the server's rules add nothing to learn.
    for (const auto& o : classified.objects)
      if (o.type == ObjectType::kTable && o.role == ObjectRole::kDropped) {
        const TableDef* known = find_before(before, o.name);
        outcome.gone.push_back(known ? known->name : o.name);
      }
    return outcome;
  }

  OMSQL_RETURN_IF_ERROR(read_clock());
  DatabaseMap databases(prefix_.substr(kShadowSchemaPrefix.size(), 12), server_now(), evaluations_++);
  databases.add(std::string(default_database));
  for (const auto& t : before) {
    databases.add(t.name.schema);
    for (const auto& fk : t.foreign_keys) databases.add(fk.referenced.schema);
  }
  for (const auto& o : classified.objects)
    if (names_a_table(o.type)) databases.add(o.name.schema);

  // Each database's defaults: given, or from a before table of it.
  auto defaults_of = [&](const std::string& source) -> std::optional<DatabaseDefaults> {
    for (const auto& d : database_defaults)
      if (same_name(d.name, source) && (d.charset || d.collation)) return d;
    for (const auto& t : before)
      if (same_name(t.name.schema, source) && (t.schema_charset || t.schema_collation))
        return DatabaseDefaults{source, t.schema_charset, t.schema_collation};
    return std::nullopt;
  };
  if (classified.kind == StatementKind::kCreateTable && !classified.create_like)
    for (const auto& o : classified.objects)
      if (o.type == ObjectType::kTable && o.role == ObjectRole::kCreated && !defaults_of(o.name.schema))
        return Status::invalid_argument("cannot evaluate " + what + ": the default charset and collation of database " +
                                        o.name.schema + " are not known (give them, or a table of it)");

  Status cleanup_status = Status::ok();
  auto drop_all = [&]() {
    for (const auto& [source, shadow] : databases.pairs()) {
      Status s = server_->execute("DROP DATABASE IF EXISTS " + sql::quote_identifier(shadow));
      if (!s && cleanup_status) cleanup_status = s;
    }
  };
  auto fail = [&](Status s) -> Result<Outcome> {
    drop_all();
    return with_source_names(s, databases);
  };

  OMSQL_RETURN_IF_ERROR(server_->execute("SET SESSION foreign_key_checks = 0"));
  // Without the privilege the shadow DDL reaches the target's binlog, which changes nothing there.
  if (Status s = server_->execute("SET SESSION sql_log_bin = 0"); !s) {
    if (s.message().find("1227") == std::string::npos && s.message().find("denied") == std::string::npos)
      return s;
  }

  for (const auto& [source, shadow] : databases.pairs()) {
    std::string sql = "CREATE DATABASE " + sql::quote_identifier(shadow);
    if (auto d = defaults_of(source)) {
      if (d->charset) sql += " CHARACTER SET " + *d->charset;
      if (d->collation) sql += " COLLATE " + *d->collation;
    }
    if (Status s = server_->execute(sql); !s) return fail(s);
  }

  const Dialect dialect = server_->endpoint().dialect;
  const std::vector<TableJob> jobs = referenced_jobs(before, databases);
  for (const auto& t : before) {
    TableJob job = copy_job(t, databases.shadow(t.name));
    auto create = schema::create_table_sql(job, dialect, /*with_secondary_indexes=*/true);
    if (!create) return fail(create.status());
    auto keys = schema::foreign_key_sql(job, jobs, dialect);
    if (!keys) return fail(keys.status());
    std::vector<std::string> warnings = create->warnings;
    warnings.insert(warnings.end(), keys->warnings.begin(), keys->warnings.end());
    if (!warnings.empty())
      return fail(Status::unsupported("cannot evaluate " + what + ": the shadow copy of " + t.name.str() +
                                      " would differ from its definition: " + join(warnings, "; ")));
    if (Status s = server_->execute(create->sql); !s) return fail(s);
    if (!keys->sql.empty())
      if (Status s = server_->execute(keys->sql); !s) return fail(s);
  }

  if (!default_database.empty())
    if (Status s = server_->execute("USE " + sql::quote_identifier(*databases.find(default_database))); !s)
      return fail(s);
  const std::string rewritten = rewrite_database_qualifiers(statement, databases.pairs());
  if (Status s = server_->execute(rewritten); !s)
    return fail(Status::server_error("the shadow schema refused " + what + ": " + s.message()));

  // What exists now in the shadow databases.
  std::string in_list;
  for (const auto& [source, shadow] : databases.pairs())
    in_list += (in_list.empty() ? "" : ", ") + sql::text_literal(shadow);
  auto listed = server_->query("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (" +
                               in_list + ") ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!listed) return fail(listed.status());
  std::vector<QualifiedName> existing;  // shadow names
  for (const auto& row : listed->rows) existing.push_back(QualifiedName{row[0].value_or(""), row[1].value_or("")});
  auto source_name = [&](const QualifiedName& shadow) { return QualifiedName{*databases.source_of(shadow.schema), shadow.table}; };

  // The tables the statement creates, changes or renames to; and every name that could be gone.
  std::vector<QualifiedName> touched, candidates;
  for (const auto& o : classified.objects) {
    if (!names_a_table(o.type) || o.role == ObjectRole::kRead) continue;
    candidates.push_back(o.name);
    if (!(o.type == ObjectType::kTable && (o.role == ObjectRole::kDropped || o.role == ObjectRole::kRenamedFrom)))
      touched.push_back(o.name);
  }
  for (const auto& t : before) candidates.push_back(t.name);

  std::vector<QualifiedName> wanted;
  for (const auto& shadow : existing) {
    QualifiedName source = source_name(shadow);
    if (std::any_of(touched.begin(), touched.end(), [&](const QualifiedName& n) { return same_table(n, source); }))
      wanted.push_back(shadow);
  }
  MysqlCatalog catalog(*server_);
  auto described = catalog.describe_tables(wanted);
  if (!described) return fail(described.status());
  for (auto& def : *described) {
    QualifiedName source = source_name(def.name);
    def.name = source;
    if (!defaults_of(source.schema)) {  // the shadow server's defaults, not the source's
      def.schema_charset.reset();
      def.schema_collation.reset();
    }
    for (auto& fk : def.foreign_keys)
      if (const std::string* s = databases.source_of(fk.referenced.schema)) fk.referenced.schema = *s;
    if (const TableDef* was = find_before(before, source)) {
      def.estimated_rows = was->estimated_rows;
      def.estimated_bytes = was->estimated_bytes;
    }
    outcome.after.push_back(std::move(def));
  }
  for (const auto& name : candidates) {
    bool exists = std::any_of(existing.begin(), existing.end(),
                              [&](const QualifiedName& shadow) { return same_table(source_name(shadow), name); });
    bool listed_gone = std::any_of(outcome.gone.begin(), outcome.gone.end(),
                                   [&](const QualifiedName& n) { return same_table(n, name); });
    if (!exists && !listed_gone) {
      const TableDef* known = find_before(before, name);
      outcome.gone.push_back(known ? known->name : name);
    }
  }
  drop_all();
  if (!cleanup_status) return cleanup_status.with_context("after evaluating " + what);
  return outcome;
}

}  // namespace omsql
