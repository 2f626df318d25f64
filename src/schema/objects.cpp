#include "src/schema/objects.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "src/common/strings.hpp"
#include "src/sql/quote.hpp"

namespace omsql::schema {
namespace {

// A lexical piece of SQL text: enough to tell identifiers from strings and comments.
struct Token {
  enum Kind { kQuoted, kWord, kString, kComment, kSpace, kOther } kind;
  size_t begin, end;
  std::string value;  // identifiers: the name (back-quotes removed, `` undoubled)
};

bool word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

std::vector<Token> tokenize(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0, n = s.size();
  while (i < n) {
    size_t start = i;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '`') {
      std::string value;
      ++i;
      while (i < n) {
        if (s[i] == '`') {
          if (i + 1 < n && s[i + 1] == '`') {
            value += '`';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        value += s[i++];
      }
      out.push_back({Token::kQuoted, start, i, value});
    } else if (c == '\'' || c == '"') {
      ++i;
      while (i < n) {
        if (s[i] == '\\') {
          i += 2;
          continue;
        }
        if (s[i] == static_cast<char>(c)) {
          if (i + 1 < n && s[i + 1] == static_cast<char>(c)) {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      out.push_back({Token::kString, start, std::min(i, n), ""});
    } else if (c == '#' || (c == '-' && i + 1 < n && s[i + 1] == '-' && (i + 2 >= n || std::isspace(static_cast<unsigned char>(s[i + 2]))))) {
      while (i < n && s[i] != '\n') ++i;
      out.push_back({Token::kComment, start, i, ""});
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*' && !(i + 2 < n && (s[i + 2] == '!' || s[i + 2] == 'M'))) {
      size_t close = s.find("*/", i + 2);
      i = close == std::string::npos ? n : close + 2;
      out.push_back({Token::kComment, start, i, ""});
    } else if (std::isspace(c)) {
      while (i < n && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      out.push_back({Token::kSpace, start, i, ""});
    } else if (word_char(c)) {
      while (i < n && word_char(static_cast<unsigned char>(s[i]))) ++i;
      out.push_back({Token::kWord, start, i, s.substr(start, i - start)});
    } else {
      // Executable comments (/*! ... */, /*M! ... */) are code: their markers are plain punctuation.
      ++i;
      out.push_back({Token::kOther, start, i, s.substr(start, 1)});
    }
  }
  return out;
}

bool is_identifier(const Token& t) { return t.kind == Token::kQuoted || t.kind == Token::kWord; }

// The next token after `i` that is not space or comment, or tokens.size().
size_t next_code(const std::vector<Token>& tokens, size_t i) {
  for (++i; i < tokens.size(); ++i)
    if (tokens[i].kind != Token::kSpace && tokens[i].kind != Token::kComment) return i;
  return tokens.size();
}

// True when the MAP renames or drops a column of the job's table (a text naming its columns may break).
bool columns_changed(const TableJob& job) {
  if (job.columns.size() < job.source_def.columns.size()) return true;
  for (const auto& c : job.columns)
    if (c.target != c.source) return true;
  return false;
}

const TableJob* find_job(const Plan& plan, const QualifiedName& source) {
  for (const auto& job : plan.tables)
    if (job.source == source) return &job;
  return nullptr;
}

std::map<std::string, std::string> database_map(const Plan& plan) {
  std::map<std::string, std::set<std::string>> targets;
  for (const auto& job : plan.tables) targets[job.source.schema].insert(job.target.schema);
  std::map<std::string, std::string> out;
  for (const auto& [schema, into] : targets)
    if (into.size() == 1) out[schema] = *into.begin();
  return out;
}

}  // namespace

const char* object_kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kTable: return "table";
    case ObjectKind::kVersionedTable: return "system-versioned table";
    case ObjectKind::kSequence: return "sequence";
    case ObjectKind::kFunction: return "function";
    case ObjectKind::kProcedure: return "procedure";
    case ObjectKind::kView: return "view";
    case ObjectKind::kTrigger: return "trigger";
    case ObjectKind::kEvent: return "event";
    case ObjectKind::kUsers: return "users and grants";
  }
  return "?";
}

const char* fate_name(Fate fate) {
  switch (fate) {
    case Fate::kExact: return "exact";
    case Fate::kChanged: return "changed";
    case Fate::kNotMigrated: return "not migrated";
  }
  return "?";
}

std::string ObjectPlan::line() const {
  std::string out = std::string(object_kind_name(object.kind)) + " ";
  out += object.kind == ObjectKind::kUsers ? object.name.table : object.name.str();
  if (!target.schema.empty() && fate != Fate::kNotMigrated && target != object.name) out += " -> " + target.str();
  out += std::string(": ") + fate_name(fate);
  if (!notes.empty()) out += " (" + join(notes, "; ") + ")";
  return out;
}

Rewrite rewrite_references(const std::string& text, const std::string& own_schema, const Plan& plan,
                           const std::map<std::string, std::string>& databases) {
  Rewrite out;
  std::set<std::string> schemas;
  for (const auto& job : plan.tables) schemas.insert(job.source.schema);
  auto tokens = tokenize(text);
  std::string result;
  size_t copied = 0;  // text[copied, ...) not yet appended
  auto replace = [&](size_t begin, size_t end, const std::string& with) {
    result.append(text, copied, begin - copied);
    result += with;
    copied = end;
    if (text.compare(begin, end - begin, with) != 0) out.changed = true;
  };
  std::set<std::string> problems;
  size_t previous = tokens.size();  // the last code token before i
  for (size_t i = 0; i < tokens.size(); i = i) {
    const Token& t = tokens[i];
    if (!is_identifier(t)) {
      if (t.kind != Token::kSpace && t.kind != Token::kComment) previous = i;
      ++i;
      continue;
    }
    bool after_dot = previous < tokens.size() && tokens[previous].kind == Token::kOther && tokens[previous].value == ".";
    size_t dot = next_code(tokens, i);
    size_t second = dot < tokens.size() && tokens[dot].kind == Token::kOther && tokens[dot].value == "."
                        ? next_code(tokens, dot)
                        : tokens.size();
    if (!after_dot && second < tokens.size() && is_identifier(tokens[second]) && schemas.count(t.value)) {
      QualifiedName name{t.value, tokens[second].value};
      out.references.insert(name);
      if (const TableJob* job = find_job(plan, name)) {
        replace(t.begin, tokens[second].end, sql::quote_name(job->target));
        if (columns_changed(*job))
          problems.insert("references " + name.str() + ", whose columns the MAP renames or excludes");
      } else if (auto db = databases.find(t.value); db != databases.end()) {
        replace(t.begin, t.end, sql::quote_identifier(db->second));
      } else {
        problems.insert("references " + name.str() + ", but the tables of " + t.value + " go to several databases");
      }
      previous = second;
      i = second + 1;
      continue;
    }
    // An unqualified name resolves in the object's own database: a renamed table there cannot be
    // told from a column or a variable of the same name, so it is reported, not guessed.
    if (!after_dot) {
      for (const auto& job : plan.tables) {
        if (job.source.schema != own_schema || !iequals(job.source.table, t.value)) continue;
        if (job.target.table != job.source.table)
          problems.insert("names " + job.source.table + " unqualified, which the MAP renames to " + job.target.str());
        else if (columns_changed(job))
          problems.insert("names " + job.source.str() + ", whose columns the MAP renames or excludes");
      }
    }
    previous = i;
    ++i;
  }
  result.append(text, copied, std::string::npos);
  out.text = std::move(result);
  out.problems.assign(problems.begin(), problems.end());
  return out;
}

std::string definer_to_current_user(const std::string& create_sql, bool* changed) {
  auto tokens = tokenize(create_sql);
  // DEFINER = user@host comes before the object keyword; the user and host may be quoted or bare.
  for (size_t i = 0; i < tokens.size(); i = next_code(tokens, i)) {
    const Token& t = tokens[i];
    if (t.kind == Token::kWord && (iequals(t.value, "AS") || iequals(t.value, "BEGIN") || iequals(t.value, "DO") ||
                                   iequals(t.value, "RETURNS")))
      break;
    if (t.kind != Token::kWord || !iequals(t.value, "DEFINER")) continue;
    size_t eq = next_code(tokens, i);
    if (eq >= tokens.size() || tokens[eq].value != "=") continue;
    size_t user = next_code(tokens, eq);
    if (user >= tokens.size()) break;
    size_t end = user;
    if (tokens[user].kind == Token::kWord && iequals(tokens[user].value, "CURRENT_USER")) {
      if (changed) *changed = false;
      return create_sql;
    }
    size_t at = next_code(tokens, user);
    if (at < tokens.size() && tokens[at].value == "@") end = next_code(tokens, at);
    if (end >= tokens.size()) break;
    if (changed) *changed = true;
    return create_sql.substr(0, t.begin) + "DEFINER=CURRENT_USER" + create_sql.substr(tokens[end].end);
  }
  if (changed) *changed = false;
  return create_sql;
}

std::string event_disabled(const std::string& create_sql, bool* changed) {
  auto tokens = tokenize(create_sql);
  for (size_t i = 0; i < tokens.size(); i = next_code(tokens, i)) {
    const Token& t = tokens[i];
    if (t.kind != Token::kWord) continue;
    if (iequals(t.value, "DO")) break;
    if (iequals(t.value, "ENABLE")) {
      if (changed) *changed = true;
      return create_sql.substr(0, t.begin) + "DISABLE" + create_sql.substr(t.end);
    }
    if (iequals(t.value, "DISABLE")) {
      size_t on = next_code(tokens, i);
      if (on < tokens.size() && iequals(tokens[on].value, "ON")) {
        size_t slave = next_code(tokens, on);
        if (slave < tokens.size()) {
          if (changed) *changed = true;
          return create_sql.substr(0, t.begin) + "DISABLE" + create_sql.substr(tokens[slave].end);
        }
      }
      break;
    }
  }
  if (changed) *changed = false;
  return create_sql;
}

std::vector<ObjectPlan> plan_objects(const std::vector<SourceObject>& objects, const Plan& plan,
                                     const std::set<QualifiedName>& source_tables) {
  std::vector<ObjectPlan> out;
  for (const auto& job : plan.tables) {
    ObjectPlan p;
    p.object.kind = ObjectKind::kTable;
    p.object.name = job.source;
    p.target = job.target;
    for (const auto& c : job.columns) {
      if (c.target != c.source) p.notes.push_back("column " + c.source + " renamed " + c.target);
      if (c.cast_to) p.notes.push_back("column " + c.source + " CAST TO " + *c.cast_to);
    }
    for (const auto& c : job.source_def.columns)
      if (!job.find_column(c.name)) p.notes.push_back("column " + c.name + " excluded");
    if (!p.notes.empty()) p.fate = Fate::kChanged;
    out.push_back(std::move(p));
  }
  const auto databases = database_map(plan);
  std::set<QualifiedName> object_names;
  for (const auto& o : objects) object_names.insert(o.name);

  std::vector<ObjectPlan> views;
  std::vector<ObjectPlan> rest;
  for (const auto& object : objects) {
    ObjectPlan p;
    p.object = object;
    auto not_migrated = [&](std::string why) {
      p.fate = Fate::kNotMigrated;
      p.notes = {std::move(why)};
      p.sql.clear();
    };
    auto db = databases.find(object.name.schema);
    if (db != databases.end()) p.target = {db->second, object.name.table};
    switch (object.kind) {
      case ObjectKind::kUsers:
        not_migrated("accounts and GRANTs are not migrated: create them on the target");
        rest.push_back(std::move(p));
        continue;
      case ObjectKind::kVersionedTable:
        // Its history rows carry row_start/row_end the server writes itself: a copy would keep the
        // current rows only and lose the history silently, so it is refused.
        not_migrated("history rows cannot be written on MariaDB before 11.3; copy it by hand or drop versioning");
        rest.push_back(std::move(p));
        continue;
      default: break;
    }
    if (db == databases.end()) {
      not_migrated("the tables of " + object.name.schema + " go to several databases");
      rest.push_back(std::move(p));
      continue;
    }
    Rewrite rewrite = rewrite_references(object.create_sql, object.name.schema, plan, databases);
    for (const auto& ref : rewrite.references)
      if (!find_job(plan, ref) && !object_names.count(ref) && source_tables.count(ref))
        rewrite.problems.push_back("references " + ref.str() + ", a table the task does not migrate");
    if (!rewrite.problems.empty()) {
      not_migrated(join(rewrite.problems, "; "));
      rest.push_back(std::move(p));
      continue;
    }
    p.sql = rewrite.text;
    if (rewrite.changed) p.notes.push_back("references follow the MAP");
    if (object.kind == ObjectKind::kSequence) {
      p.notes.push_back("next value set from the source after the copy");
    } else if (!plan.options.keep_definer) {
      bool changed = false;
      p.sql = definer_to_current_user(p.sql, &changed);
      if (changed) {
        p.fate = Fate::kChanged;
        p.notes.push_back("DEFINER becomes the target user (definer = 'keep' keeps it)");
      }
    }
    if (object.kind == ObjectKind::kTrigger) {
      QualifiedName table{object.name.schema, object.trigger_table};
      if (!find_job(plan, table)) {
        not_migrated("its table " + table.str() + " is not migrated");
        rest.push_back(std::move(p));
        continue;
      }
      if (plan.phases.incremental) {
        p.at_cut_over = true;
        p.notes.push_back("created by `omsrun finish` at cut-over: on the target it would fire again on replayed changes");
      }
    }
    if (object.kind == ObjectKind::kEvent) {
      bool changed = false;
      p.sql = event_disabled(p.sql, &changed);
      if (changed) {
        p.fate = Fate::kChanged;
        p.notes.push_back("created DISABLED: it would write on the target; ALTER EVENT ... ENABLE at cut-over");
      }
    }
    if (object.kind == ObjectKind::kView) views.push_back(std::move(p));
    else rest.push_back(std::move(p));
  }

  // Views after the views they select from (a cycle cannot exist on the server).
  std::vector<ObjectPlan> ordered_views;
  std::set<QualifiedName> placed;
  std::function<void(size_t, int)> place = [&](size_t i, int depth) {
    if (placed.count(views[i].object.name) || depth > static_cast<int>(views.size())) return;
    Rewrite refs = rewrite_references(views[i].object.create_sql, views[i].object.name.schema, plan, databases);
    for (const auto& ref : refs.references)
      for (size_t j = 0; j < views.size(); ++j)
        if (j != i && views[j].object.name == ref) place(j, depth + 1);
    if (placed.insert(views[i].object.name).second) ordered_views.push_back(views[i]);
  };
  for (size_t i = 0; i < views.size(); ++i) place(i, 0);

  auto rank = [](ObjectKind k) {
    switch (k) {
      case ObjectKind::kSequence: return 0;
      case ObjectKind::kFunction: return 1;
      case ObjectKind::kProcedure: return 2;
      case ObjectKind::kView: return 3;
      case ObjectKind::kTrigger: return 4;
      case ObjectKind::kEvent: return 5;
      default: return 6;
    }
  };
  std::stable_sort(rest.begin(), rest.end(),
                   [&](const ObjectPlan& a, const ObjectPlan& b) { return rank(a.object.kind) < rank(b.object.kind); });
  auto first_after_views =
      std::find_if(rest.begin(), rest.end(), [&](const ObjectPlan& p) { return rank(p.object.kind) > 3; });
  std::vector<ObjectPlan> tail(first_after_views, rest.end());
  rest.erase(first_after_views, rest.end());
  for (auto& p : rest) out.push_back(std::move(p));
  for (auto& p : ordered_views) out.push_back(std::move(p));
  for (auto& p : tail) out.push_back(std::move(p));
  return out;
}

}  // namespace omsql::schema
