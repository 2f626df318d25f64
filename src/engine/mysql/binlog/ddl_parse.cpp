#include "src/engine/mysql/binlog/ddl_parse.hpp"

#include "src/engine/mysql/binlog/ddl_cursor.hpp"

namespace omsql {

using ddl_detail::Cursor;

namespace {

class StatementParser {
 public:
  StatementParser(std::string_view statement, std::string_view default_database)
      : c_(lex_sql(statement), default_database) {}

  ClassifiedStatement run() {
    parse();
    if (!c_.failed() && !body_follows_) check_single_statement();
    if (c_.failed()) {
      ClassifiedStatement unknown;
      unknown.unparsed = c_.error();
      unknown.next_statement = next_statement_;
      return unknown;
    }
    return std::move(out_);
  }

 private:
  void add(ObjectType type, QualifiedName name, ObjectRole role, std::string part = {}) {
    out_.objects.push_back({type, std::move(name), std::move(part), role});
  }
  bool add_qualified(ObjectType type, ObjectRole role, std::string_view what) {
    auto name = c_.qualified(what);
    if (!name) return false;
    add(type, std::move(*name), role);
    return true;
  }
  // name (, name)* as `role`, each optionally followed by WAIT n / NOWAIT.
  bool add_list(ObjectType type, ObjectRole role, std::string_view what) {
    do {
      if (!add_qualified(type, role, what)) return false;
      c_.skip_wait();
    } while (c_.accept_punct(','));
    return true;
  }
  void set(StatementKind kind) { out_.kind = kind; }

  void parse() {
    if (c_.at_end()) return c_.fail("empty statement");
    if (c_.accept_all({"SET", "STATEMENT"})) {  // SET STATEMENT var = value [, ...] FOR statement
      int depth = 0;
      while (!c_.at_end() && !(depth == 0 && c_.is_keyword("FOR"))) {
        if (c_.is_punct('(')) ++depth;
        if (c_.is_punct(')')) --depth;
        c_.advance();
      }
      if (!c_.accept("FOR")) return c_.fail("expected FOR");
      if (c_.at_end()) return c_.fail("empty statement after FOR");
    }
    if (c_.accept("CREATE")) return parse_create();
    if (c_.accept("ALTER")) return parse_alter();
    if (c_.accept("DROP")) return parse_drop();
    if (c_.accept("RENAME")) return parse_rename();
    if (c_.accept("TRUNCATE")) {
      set(StatementKind::kTruncateTable);
      c_.accept("TABLE");
      if (add_qualified(ObjectType::kTable, ObjectRole::kChanged, "a table name")) c_.skip_wait();
      return;
    }
    for (std::string_view verb : {"ANALYZE", "OPTIMIZE", "REPAIR", "CHECK", "CHECKSUM"}) {
      if (!c_.is_keyword(verb)) continue;
      c_.advance();
      c_.accept("NO_WRITE_TO_BINLOG") || c_.accept("LOCAL");
      if (!(c_.accept("TABLE") || c_.accept("TABLES"))) return c_.fail("expected TABLE");
      set(StatementKind::kTableMaintenance);
      if (!add_list(ObjectType::kTable, ObjectRole::kChanged, "a table name")) return;
      return skip_rest();  // PERSISTENT FOR ..., QUICK, EXTENDED, USE_FRM, ...
    }
    if (c_.accept("FLUSH")) return set(StatementKind::kFlush), skip_rest();
    if (c_.accept("GRANT")) return set(StatementKind::kGrant), skip_rest();
    if (c_.accept("REVOKE")) return set(StatementKind::kRevoke), skip_rest();
    if (c_.is_keyword("SET") && (c_.is_keyword("PASSWORD", 1) || (c_.is_keyword("DEFAULT", 1) && c_.is_keyword("ROLE", 2))))
      return set(StatementKind::kAccount), skip_rest();
    if (c_.is_keyword("INSERT") || c_.is_keyword("REPLACE")) return parse_insert();
    if (c_.accept("UPDATE")) {
      set(StatementKind::kUpdate);
      c_.accept("LOW_PRIORITY");
      c_.accept("IGNORE");
      if (add_qualified(ObjectType::kTable, ObjectRole::kChanged, "a table name")) skip_rest();
      return;
    }
    if (c_.accept("DELETE")) {
      set(StatementKind::kDelete);
      while (c_.accept("LOW_PRIORITY") || c_.accept("QUICK") || c_.accept("IGNORE")) {}
      c_.accept("FROM");
      if (add_qualified(ObjectType::kTable, ObjectRole::kChanged, "a table name")) skip_rest();
      return;
    }
    if (c_.accept("LOAD")) {
      if (!(c_.accept("DATA") || c_.accept("XML"))) return c_.fail("expected DATA");
      set(StatementKind::kLoadData);
      while (!c_.at_end() && !c_.is_keyword("INTO")) c_.advance();
      if (!c_.accept_all({"INTO", "TABLE"})) return c_.fail("expected INTO TABLE");
      if (add_qualified(ObjectType::kTable, ObjectRole::kChanged, "a table name")) skip_rest();
      return;
    }
    c_.fail("not a statement the classifier knows");
  }

  void parse_insert() {
    set(c_.is_keyword("INSERT") ? StatementKind::kInsert : StatementKind::kReplace);
    c_.advance();
    while (c_.accept("LOW_PRIORITY") || c_.accept("DELAYED") || c_.accept("HIGH_PRIORITY") || c_.accept("IGNORE")) {}
    c_.accept("INTO");
    if (add_qualified(ObjectType::kTable, ObjectRole::kChanged, "a table name")) skip_rest();
  }

  // CREATE [OR REPLACE] [TEMPORARY] [ALGORITHM=..] [DEFINER=..] [SQL SECURITY ..] [UNIQUE|...] object
  void parse_create() {
    out_.or_replace = c_.accept_all({"OR", "REPLACE"});
    skip_object_prefixes();
    if (c_.accept("DATABASE") || c_.accept("SCHEMA")) {
      set(StatementKind::kCreateDatabase);
      out_.if_not_exists = c_.accept_if_not_exists();
      auto name = c_.name("a database name");
      if (!name) return;
      add(ObjectType::kDatabase, {*name, ""}, ObjectRole::kCreated);
      return skip_rest();
    }
    if (c_.accept("TABLE")) return parse_create_table();
    if (c_.accept("INDEX")) return parse_create_index();
    if (c_.accept("VIEW")) {
      set(StatementKind::kCreateView);
      out_.if_not_exists = c_.accept_if_not_exists();
      if (!add_qualified(ObjectType::kView, ObjectRole::kCreated, "a view name")) return;
      return scan_reads();
    }
    if (c_.accept("TRIGGER")) return parse_create_trigger();
    if (c_.accept("PROCEDURE")) return create_routine(StatementKind::kCreateProcedure, ObjectType::kProcedure);
    if (c_.accept("FUNCTION")) return create_routine(StatementKind::kCreateFunction, ObjectType::kFunction);
    if (c_.accept("EVENT")) return create_routine(StatementKind::kCreateEvent, ObjectType::kEvent);
    if (c_.accept("SEQUENCE")) {
      set(StatementKind::kCreateSequence);
      out_.if_not_exists = c_.accept_if_not_exists();
      if (add_qualified(ObjectType::kSequence, ObjectRole::kCreated, "a sequence name")) skip_rest();
      return;
    }
    if (c_.accept("USER") || c_.accept("ROLE")) {
      set(StatementKind::kAccount);
      out_.if_not_exists = c_.accept_if_not_exists();
      return accounts(ObjectRole::kCreated);
    }
    c_.fail("not a CREATE the classifier knows");
  }

  void skip_object_prefixes() {
    for (;;) {
      if (c_.accept("TEMPORARY")) {
        out_.temporary = true;
      } else if (c_.is_keyword("ALGORITHM") && c_.is_punct('=', 1)) {
        c_.advance(3);
      } else if (c_.is_keyword("DEFINER") && c_.is_punct('=', 1)) {
        c_.advance(2);
        c_.account();
      } else if (c_.is_keyword("SQL") && c_.is_keyword("SECURITY", 1)) {
        c_.advance(3);
      } else if (c_.accept("UNIQUE") || c_.accept("FULLTEXT") || c_.accept("SPATIAL") || c_.accept("AGGREGATE") ||
                 c_.accept("ONLINE") || c_.accept("OFFLINE") || c_.accept("IGNORE") || c_.accept("NONATOMIC")) {
      } else {
        return;
      }
    }
  }

  // CREATE TABLE name { LIKE t | (LIKE t) | [(definitions)] [options] [partitioning] [[IGNORE|REPLACE] [AS] SELECT ...] }
  void parse_create_table() {
    set(StatementKind::kCreateTable);
    out_.if_not_exists = c_.accept_if_not_exists();
    if (!add_qualified(ObjectType::kTable, ObjectRole::kCreated, "a table name")) return;
    if (c_.accept("LIKE") || (c_.is_punct('(') && c_.is_keyword("LIKE", 1) && (c_.advance(2), true))) {
      out_.create_like = true;
      if (!add_qualified(ObjectType::kTable, ObjectRole::kRead, "a table name after LIKE")) return;
      c_.accept_punct(')');
      return skip_rest();
    }
    if (c_.is_punct('(') && (c_.is_keyword("SELECT", 1) || c_.is_keyword("WITH", 1))) out_.create_select = true;
    scan_reads();
  }

  // The rest of the statement, noting the tables it reads: REFERENCES t, FROM t [, t], JOIN t.
  // Informational (a read never stops the link); a SELECT at the top marks CREATE ... SELECT.
  void scan_reads() {
    int depth = 0;
    bool after_as = false;         // the previous token was AS / IGNORE / REPLACE
    bool select_paren = false;     // depth 1 is `AS (SELECT ...)`
    while (!c_.at_end() && !c_.failed()) {
      if (c_.is_punct(';')) return;
      if (c_.is_punct('(') && ++depth == 1) select_paren = after_as;
      if (c_.is_punct(')')) --depth;
      if ((depth == 0 || (depth == 1 && select_paren)) && out_.kind == StatementKind::kCreateTable &&
          (c_.is_keyword("SELECT") || c_.is_keyword("WITH")))
        out_.create_select = true;
      after_as = c_.is_keyword("AS") || c_.is_keyword("IGNORE") || c_.is_keyword("REPLACE");
      const bool list = c_.is_keyword("FROM");
      const bool references = c_.is_keyword("REFERENCES");  // REFERENCES t (columns): not a call
      if (references || c_.is_keyword("FROM") || c_.is_keyword("JOIN")) {
        c_.advance();
        while (c_.is_name() && (references || (!c_.is_punct('(', 1) && !(c_.is_punct('.', 1) && c_.is_punct('(', 3))))) {
          auto table = c_.qualified("a table name");
          if (!table) return;
          add(ObjectType::kTable, std::move(*table), ObjectRole::kRead);
          if (!list) break;
          // FROM a [AS] x, b: skip an alias, then go on only after a comma.
          c_.accept("AS");
          if (c_.is_name() && !is_clause_word()) c_.advance();
          if (!c_.accept_punct(',')) break;
        }
        continue;
      }
      c_.advance();
    }
  }
  bool is_clause_word() const {
    for (std::string_view w : {"WHERE", "JOIN", "LEFT", "RIGHT", "INNER", "CROSS", "NATURAL", "STRAIGHT_JOIN", "ON",
                               "USING", "GROUP", "ORDER", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "HAVING", "WINDOW",
                               "FOR", "LOCK", "INTO", "PROCEDURE"})
      if (c_.is_keyword(w)) return true;
    return false;
  }

  void parse_create_index() {
    set(StatementKind::kCreateIndex);
    out_.if_not_exists = c_.accept_if_not_exists();
    auto index = c_.name("an index name");
    if (!index) return;
    if (c_.accept("USING")) c_.advance();
    if (!c_.accept("ON")) return c_.fail("expected ON");
    auto table = c_.qualified("a table name");
    if (!table) return;
    add(ObjectType::kTable, *table, ObjectRole::kChanged);
    add(ObjectType::kIndex, *table, ObjectRole::kCreated, *index);
    skip_rest();
  }

  // CREATE TRIGGER name {BEFORE|AFTER} {INSERT|UPDATE|DELETE} ON table FOR EACH ROW ... body
  void parse_create_trigger() {
    set(StatementKind::kCreateTrigger);
    out_.if_not_exists = c_.accept_if_not_exists();
    if (!add_qualified(ObjectType::kTrigger, ObjectRole::kCreated, "a trigger name")) return;
    if (!(c_.accept("BEFORE") || c_.accept("AFTER"))) return c_.fail("expected BEFORE or AFTER");
    do {
      if (!(c_.accept("INSERT") || c_.accept("UPDATE") || c_.accept("DELETE"))) return c_.fail("expected a trigger event");
    } while (c_.accept("OR"));
    if (!c_.accept("ON")) return c_.fail("expected ON");
    if (!add_qualified(ObjectType::kTable, ObjectRole::kRead, "a table name")) return;
    body_follows_ = true;
  }

  // CREATE PROCEDURE|FUNCTION|EVENT [IF NOT EXISTS] name ... body: the body may hold `;`.
  void create_routine(StatementKind kind, ObjectType type) {
    set(kind);
    out_.if_not_exists = c_.accept_if_not_exists();
    if (!add_qualified(type, ObjectRole::kCreated, "a name")) return;
    body_follows_ = true;
  }

  void accounts(ObjectRole role) {
    do {
      if (!c_.is_name() && !(c_.peek() && c_.peek()->kind == SqlToken::kString)) return c_.fail("expected an account");
      add(ObjectType::kUser, {"", c_.account()}, role);
      // IDENTIFIED BY ..., WITH ..., up to the next account.
      while (!c_.at_end() && !c_.is_punct(',') && !c_.is_punct(';')) c_.skip_one();
    } while (c_.accept_punct(','));
  }

  void parse_alter() {
    skip_object_prefixes();  // ONLINE, IGNORE, ALGORITHM=, DEFINER=, SQL SECURITY
    if (c_.accept("DATABASE") || c_.accept("SCHEMA")) {
      set(StatementKind::kAlterDatabase);
      std::string name(c_.default_database());
      static constexpr std::string_view kOptions[] = {"DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "COMMENT", "UPGRADE"};
      bool option = false;
      for (std::string_view w : kOptions) option = option || c_.is_keyword(w);
      if (!option && c_.is_name()) name = *c_.name("a database name");
      add(ObjectType::kDatabase, {name, ""}, ObjectRole::kChanged);
      return skip_rest();
    }
    if (c_.accept("TABLE")) {
      set(StatementKind::kAlterTable);
      out_.if_exists = c_.accept_if_exists();
      auto table = c_.qualified("a table name");
      if (!table) return;
      add(ObjectType::kTable, *table, ObjectRole::kChanged);
      c_.skip_wait();
      return ddl_detail::parse_alter_list(c_, *table, &out_);
    }
    if (c_.accept("VIEW")) {
      set(StatementKind::kAlterView);
      if (!add_qualified(ObjectType::kView, ObjectRole::kChanged, "a view name")) return;
      return scan_reads();
    }
    if (c_.accept("PROCEDURE")) return alter_routine(StatementKind::kAlterProcedure, ObjectType::kProcedure);
    if (c_.accept("FUNCTION")) return alter_routine(StatementKind::kAlterFunction, ObjectType::kFunction);
    if (c_.accept("EVENT")) {
      set(StatementKind::kAlterEvent);
      auto event = c_.qualified("an event name");
      if (!event) return;
      // ... [RENAME TO name] ... [DO body]
      while (!c_.at_end() && !c_.is_keyword("DO")) {
        if (c_.accept_all({"RENAME", "TO"})) {
          auto to = c_.qualified("an event name");
          if (!to) return;
          add(ObjectType::kEvent, *event, ObjectRole::kRenamedFrom);
          add(ObjectType::kEvent, *to, ObjectRole::kRenamedTo);
          body_follows_ = true;
          return;
        }
        c_.skip_one();
      }
      add(ObjectType::kEvent, *event, ObjectRole::kChanged);
      body_follows_ = true;
      return;
    }
    if (c_.accept("SEQUENCE")) {
      set(StatementKind::kAlterSequence);
      out_.if_exists = c_.accept_if_exists();
      if (add_qualified(ObjectType::kSequence, ObjectRole::kChanged, "a sequence name")) skip_rest();
      return;
    }
    if (c_.accept("USER") || c_.accept("ROLE")) {
      set(StatementKind::kAccount);
      out_.if_exists = c_.accept_if_exists();
      return accounts(ObjectRole::kChanged);
    }
    c_.fail("not an ALTER the classifier knows");
  }

  void alter_routine(StatementKind kind, ObjectType type) {
    set(kind);
    if (add_qualified(type, ObjectRole::kChanged, "a routine name")) skip_rest();
  }

  void parse_drop() {
    out_.temporary = c_.accept("TEMPORARY");
    struct Dropped {
      std::string_view word;
      StatementKind kind;
      ObjectType type;
    };
    static constexpr Dropped kLists[] = {
        {"TABLE", StatementKind::kDropTable, ObjectType::kTable},
        {"TABLES", StatementKind::kDropTable, ObjectType::kTable},
        {"VIEW", StatementKind::kDropView, ObjectType::kView},
        {"SEQUENCE", StatementKind::kDropSequence, ObjectType::kSequence},
    };
    for (const auto& d : kLists) {
      if (!c_.accept(d.word)) continue;
      set(d.kind);
      out_.if_exists = c_.accept_if_exists();
      if (!add_list(d.type, ObjectRole::kDropped, "a name")) return;
      c_.accept("RESTRICT") || c_.accept("CASCADE");
      return;
    }
    static constexpr Dropped kSingles[] = {
        {"TRIGGER", StatementKind::kDropTrigger, ObjectType::kTrigger},
        {"PROCEDURE", StatementKind::kDropProcedure, ObjectType::kProcedure},
        {"FUNCTION", StatementKind::kDropFunction, ObjectType::kFunction},
        {"EVENT", StatementKind::kDropEvent, ObjectType::kEvent},
    };
    for (const auto& d : kSingles) {
      if (!c_.accept(d.word)) continue;
      set(d.kind);
      out_.if_exists = c_.accept_if_exists();
      add_qualified(d.type, ObjectRole::kDropped, "a name");
      return;
    }
    if (c_.accept("DATABASE") || c_.accept("SCHEMA")) {
      set(StatementKind::kDropDatabase);
      out_.if_exists = c_.accept_if_exists();
      auto name = c_.name("a database name");
      if (name) add(ObjectType::kDatabase, {*name, ""}, ObjectRole::kDropped);
      return;
    }
    if (c_.accept("INDEX")) {
      set(StatementKind::kDropIndex);
      c_.accept("ONLINE") || c_.accept("OFFLINE");
      out_.if_exists = c_.accept_if_exists();
      auto index = c_.name("an index name");
      if (!index) return;
      if (!c_.accept("ON")) return c_.fail("expected ON");
      auto table = c_.qualified("a table name");
      if (!table) return;
      add(ObjectType::kTable, *table, ObjectRole::kChanged);
      add(ObjectType::kIndex, *table, ObjectRole::kDropped, *index);
      c_.skip_wait();
      return skip_rest();  // ALGORITHM=, LOCK=
    }
    if (c_.accept("USER") || c_.accept("ROLE")) {
      set(StatementKind::kAccount);
      out_.if_exists = c_.accept_if_exists();
      return accounts(ObjectRole::kDropped);
    }
    c_.fail("not a DROP the classifier knows");
  }

  // RENAME TABLE[S] [IF EXISTS] a [WAIT n|NOWAIT] TO b [, c TO d ...]; RENAME USER.
  void parse_rename() {
    if (c_.accept("USER")) {
      set(StatementKind::kAccount);
      return skip_rest();
    }
    if (!(c_.accept("TABLE") || c_.accept("TABLES"))) return c_.fail("expected TABLE");
    set(StatementKind::kRenameTable);
    out_.if_exists = c_.accept_if_exists();
    do {
      if (!add_qualified(ObjectType::kTable, ObjectRole::kRenamedFrom, "a table name")) return;
      c_.skip_wait();
      if (!c_.accept("TO")) return c_.fail("expected TO");
      if (!add_qualified(ObjectType::kTable, ObjectRole::kRenamedTo, "a table name")) return;
    } while (c_.accept_punct(','));
  }

  // Everything up to a top-level `;` is this statement's (options, definitions, expressions).
  void skip_rest() {
    while (!c_.at_end() && !c_.is_punct(';')) c_.skip_one();
  }

  // The statement must end here, or at a `;` with nothing after it: a second statement in the same
  // event would otherwise go unread.
  void check_single_statement() {
    skip_rest();
    while (c_.accept_punct(';')) {}
    if (c_.at_end()) return;
    next_statement_ = c_.peek()->offset;
    c_.fail("more than one statement");
  }

  Cursor c_;
  ClassifiedStatement out_;
  size_t next_statement_ = 0;
  bool body_follows_ = false;  // a routine, trigger or event body: `;` inside it is not an end
};

}  // namespace

ClassifiedStatement classify_statement(std::string_view statement, std::string_view default_database) {
  return StatementParser(statement, default_database).run();
}

}  // namespace omsql
