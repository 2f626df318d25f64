// ALTER TABLE's clause list: each clause's action and the columns, indexes, constraints,
// partitions and other tables it names.
#include "src/engine/mysql/binlog/ddl_cursor.hpp"

namespace omsql::ddl_detail {

namespace {

class AlterParser {
 public:
  AlterParser(Cursor& c, const QualifiedName& table, ClassifiedStatement* out) : c_(c), table_(table), out_(out) {}

  void run() {
    while (!c_.at_end() && !c_.is_punct(';') && !c_.failed()) {
      clause();
      if (c_.failed()) return;
      skip_clause_rest();
      // Clauses are comma-separated; partitioning may follow the list without a comma.
      if (!c_.accept_punct(',') && !starts_partitioning()) return;
    }
  }

 private:
  void note(AlterAction action, std::string name = {}) { out_->alter.push_back({action, std::move(name)}); }
  void object(ObjectType type, ObjectRole role, std::string part) {
    out_->objects.push_back({type, table_, std::move(part), role});
  }
  bool starts_partitioning() const {
    return (c_.is_keyword("PARTITION") && c_.is_keyword("BY", 1)) || c_.is_keyword("REMOVE");
  }
  // Up to the next top-level comma (or the partitioning that may follow without one).
  void skip_clause_rest() {
    while (!c_.at_end() && !c_.is_punct(',') && !c_.is_punct(';') && !starts_partitioning()) c_.skip_one();
  }
  bool any(std::initializer_list<std::string_view> words) const {
    for (std::string_view w : words)
      if (c_.is_keyword(w)) return true;
    return false;
  }
  std::optional<std::string> column_name() {
    c_.accept_if_exists() || c_.accept_if_not_exists();
    return c_.name("a column name");
  }
  // An index name where one may stand: absent before `(` or USING.
  std::string optional_index_name() {
    c_.accept_if_not_exists();
    if (c_.is_name() && !c_.is_keyword("USING")) return *c_.name("an index name");
    return {};
  }

  void clause() {
    if (c_.accept("ADD")) return add();
    if (c_.accept("DROP")) return drop();
    if (c_.accept("MODIFY")) {
      c_.accept("COLUMN");
      auto column = column_name();
      if (!column) return;
      note(AlterAction::kModifyColumn, *column);
      return object(ObjectType::kColumn, ObjectRole::kChanged, *column);
    }
    if (c_.accept("CHANGE")) {
      c_.accept("COLUMN");
      auto from = column_name();
      auto to = from ? c_.name("a column name") : std::nullopt;
      if (!to) return;
      note(AlterAction::kChangeColumn, *from);
      if (same_name(*from, *to)) return object(ObjectType::kColumn, ObjectRole::kChanged, *from);
      object(ObjectType::kColumn, ObjectRole::kRenamedFrom, *from);
      return object(ObjectType::kColumn, ObjectRole::kRenamedTo, *to);
    }
    if (c_.accept("RENAME")) return rename();
    if (c_.accept("ALTER")) {
      if (c_.accept("INDEX") || c_.accept("KEY")) {
        auto index = c_.name("an index name");
        if (!index) return;
        note(AlterAction::kAlterIndex, *index);
        return object(ObjectType::kIndex, ObjectRole::kChanged, *index);
      }
      c_.accept("COLUMN");
      auto column = column_name();
      if (!column) return;
      note(AlterAction::kAlterColumn, *column);
      return object(ObjectType::kColumn, ObjectRole::kChanged, *column);
    }
    if (any({"ALGORITHM", "LOCK"})) return note(AlterAction::kAlgorithmLock);
    if (c_.accept_all({"ORDER", "BY"})) {  // ORDER BY a [ASC|DESC], b: its commas are not the list's
      note(AlterAction::kRebuild);
      do {
        if (!c_.qualified("a column name")) return;
        c_.accept("ASC") || c_.accept("DESC");
      } while (c_.is_punct(',') && c_.is_name(1) && !is_clause_start(1) && (c_.advance(), true));
      return;
    }
    if (any({"FORCE", "ENABLE", "DISABLE"})) return note(AlterAction::kRebuild);
    if (c_.accept("CONVERT")) return convert();
    if (any({"ANALYZE", "CHECK", "OPTIMIZE", "REBUILD", "REPAIR"}) && c_.is_keyword("PARTITION", 1)) {
      c_.advance(2);
      note(AlterAction::kPartitionMaintenance);
      return partition_names(ObjectRole::kRead);
    }
    if (c_.accept_all({"COALESCE", "PARTITION"})) return note(AlterAction::kPartitionChange);  // a count, not names
    if (any({"TRUNCATE", "REORGANIZE"}) && c_.is_keyword("PARTITION", 1)) {
      c_.advance(2);
      note(AlterAction::kPartitionChange);
      return partition_names(ObjectRole::kChanged);
    }
    if (c_.accept_all({"EXCHANGE", "PARTITION"})) {
      note(AlterAction::kPartitionChange);
      partition_names(ObjectRole::kChanged);
      if (!c_.accept_all({"WITH", "TABLE"})) return c_.fail("expected WITH TABLE");
      auto other = c_.qualified("a table name");
      if (other) out_->objects.push_back({ObjectType::kTable, *other, {}, ObjectRole::kChanged});
      return;
    }
    if (c_.accept_all({"PARTITION", "BY"}) || c_.accept_all({"REMOVE", "PARTITIONING"})) {
      note(AlterAction::kPartitionChange);
      return skip_partitioning();
    }
    static constexpr std::string_view kTableOptions[] = {
        "ENGINE", "COMMENT", "AUTO_INCREMENT", "AVG_ROW_LENGTH", "CHECKSUM", "TABLE_CHECKSUM", "DEFAULT", "CHARACTER",
        "CHARSET", "COLLATE", "CONNECTION", "DATA", "DELAY_KEY_WRITE", "ENCRYPTED", "ENCRYPTION_KEY_ID", "IETF_QUOTES",
        "INSERT_METHOD", "KEY_BLOCK_SIZE", "MAX_ROWS", "MIN_ROWS", "PACK_KEYS", "PAGE_CHECKSUM", "PAGE_COMPRESSED",
        "PAGE_COMPRESSION_LEVEL", "PASSWORD", "ROW_FORMAT", "SEQUENCE", "STATS_AUTO_RECALC", "STATS_PERSISTENT",
        "STATS_SAMPLE_PAGES", "TRANSACTIONAL", "UNION", "INDEX"};
    for (std::string_view w : kTableOptions)
      if (c_.is_keyword(w)) return note(AlterAction::kTableOptions);
    note(AlterAction::kOther);  // DISCARD/IMPORT TABLESPACE, WITH SYSTEM VERSIONING, ...
  }

  void add() {
    if (c_.accept("COLUMN") || c_.is_punct('(') || c_.is_keyword("IF") ||
        (c_.is_name() && !any({"INDEX", "KEY", "UNIQUE", "FULLTEXT", "SPATIAL", "CONSTRAINT", "PRIMARY", "FOREIGN",
                               "CHECK", "PARTITION", "PERIOD", "SYSTEM"}))) {
      c_.accept_if_not_exists();
      if (c_.accept_punct('(')) {  // ADD [COLUMN] (a INT, b INT)
        do {
          auto column = c_.name("a column name");
          if (!column) return;
          note(AlterAction::kAddColumn, *column);
          object(ObjectType::kColumn, ObjectRole::kCreated, *column);
          while (!c_.at_end() && !c_.is_punct(',') && !c_.is_punct(')')) c_.skip_one();
        } while (c_.accept_punct(','));
        c_.accept_punct(')');
        return;
      }
      auto column = c_.name("a column name");
      if (!column) return;
      note(AlterAction::kAddColumn, *column);
      return object(ObjectType::kColumn, ObjectRole::kCreated, *column);
    }
    const bool text_index = c_.accept("FULLTEXT") || c_.accept("SPATIAL");
    if (text_index || c_.is_keyword("INDEX") || c_.is_keyword("KEY")) {
      c_.accept("INDEX") || c_.accept("KEY");
      std::string name = optional_index_name();
      note(AlterAction::kAddIndex, name);
      return object(ObjectType::kIndex, ObjectRole::kCreated, name);
    }
    if (c_.accept("PARTITION")) {
      note(AlterAction::kPartitionChange);
      return;
    }
    if (c_.accept("PERIOD") || c_.accept("SYSTEM")) return note(AlterAction::kOther);
    std::string constraint;
    if (c_.accept("CONSTRAINT")) {
      c_.accept_if_not_exists();
      if (c_.is_name() && !any({"PRIMARY", "UNIQUE", "FOREIGN", "CHECK"})) constraint = *c_.name("a constraint name");
    }
    if (c_.accept_all({"PRIMARY", "KEY"})) {
      note(AlterAction::kAddPrimaryKey, "PRIMARY");
      return object(ObjectType::kIndex, ObjectRole::kCreated, "PRIMARY");
    }
    if (c_.accept("UNIQUE")) {
      c_.accept("INDEX") || c_.accept("KEY");
      std::string name = optional_index_name();
      if (name.empty()) name = constraint;
      note(AlterAction::kAddIndex, name);
      return object(ObjectType::kIndex, ObjectRole::kCreated, name);
    }
    if (c_.accept_all({"FOREIGN", "KEY"})) {
      std::string name = optional_index_name();
      if (constraint.empty()) constraint = name;
      note(AlterAction::kAddForeignKey, constraint);
      object(ObjectType::kConstraint, ObjectRole::kCreated, constraint);
      while (!c_.at_end() && !c_.is_keyword("REFERENCES") && !c_.is_punct(',')) c_.skip_one();
      if (c_.accept("REFERENCES")) {
        auto parent = c_.qualified("a table name");
        if (parent) out_->objects.push_back({ObjectType::kTable, *parent, {}, ObjectRole::kRead});
      }
      return;
    }
    if (c_.accept("CHECK")) {
      note(AlterAction::kAddCheck, constraint);
      return object(ObjectType::kConstraint, ObjectRole::kCreated, constraint);
    }
    c_.fail("expected what ADD adds");
  }

  void drop() {
    if (c_.accept_all({"PRIMARY", "KEY"})) {
      note(AlterAction::kDropPrimaryKey, "PRIMARY");
      return object(ObjectType::kIndex, ObjectRole::kDropped, "PRIMARY");
    }
    if (c_.accept("INDEX") || c_.accept("KEY")) {
      c_.accept_if_exists();
      auto index = c_.name("an index name");
      if (!index) return;
      note(AlterAction::kDropIndex, *index);
      return object(ObjectType::kIndex, ObjectRole::kDropped, *index);
    }
    const bool foreign = c_.accept_all({"FOREIGN", "KEY"});
    if (foreign || c_.accept("CONSTRAINT") || c_.accept("CHECK")) {
      c_.accept_if_exists();
      auto name = c_.name("a constraint name");
      if (!name) return;
      note(foreign ? AlterAction::kDropForeignKey : AlterAction::kDropConstraint, *name);
      return object(ObjectType::kConstraint, ObjectRole::kDropped, *name);
    }
    if (c_.accept("PARTITION")) {
      c_.accept_if_exists();
      note(AlterAction::kPartitionChange);
      return partition_names(ObjectRole::kDropped);
    }
    if (c_.accept("PERIOD") || c_.accept_all({"SYSTEM", "VERSIONING"})) return note(AlterAction::kOther);
    c_.accept("COLUMN");
    auto column = column_name();
    if (!column) return;
    note(AlterAction::kDropColumn, *column);
    object(ObjectType::kColumn, ObjectRole::kDropped, *column);
  }

  void rename() {
    if (c_.accept("COLUMN")) {
      auto from = c_.name("a column name");
      if (!from || !c_.accept("TO")) return c_.fail("expected RENAME COLUMN a TO b");
      auto to = c_.name("a column name");
      if (!to) return;
      note(AlterAction::kRenameColumn, *from);
      object(ObjectType::kColumn, ObjectRole::kRenamedFrom, *from);
      return object(ObjectType::kColumn, ObjectRole::kRenamedTo, *to);
    }
    if (c_.accept("INDEX") || c_.accept("KEY")) {
      auto from = c_.name("an index name");
      if (!from || !c_.accept("TO")) return c_.fail("expected RENAME INDEX a TO b");
      auto to = c_.name("an index name");
      if (!to) return;
      note(AlterAction::kRenameIndex, *from);
      object(ObjectType::kIndex, ObjectRole::kRenamedFrom, *from);
      return object(ObjectType::kIndex, ObjectRole::kRenamedTo, *to);
    }
    c_.accept("TO") || c_.accept("AS") || c_.accept_punct('=');
    auto to = c_.qualified("a table name");
    if (!to) return;
    note(AlterAction::kRenameTable, to->str());
    out_->objects.push_back({ObjectType::kTable, table_, {}, ObjectRole::kRenamedFrom});
    out_->objects.push_back({ObjectType::kTable, *to, {}, ObjectRole::kRenamedTo});
  }

  void convert() {
    if (c_.accept("TO")) return note(AlterAction::kConvertCharset);
    if (c_.accept("PARTITION")) {  // CONVERT PARTITION p TO TABLE t: the partition's rows leave
      auto partition = c_.name("a partition name");
      if (!partition || !c_.accept_all({"TO", "TABLE"})) return c_.fail("expected CONVERT PARTITION p TO TABLE t");
      note(AlterAction::kPartitionChange, *partition);
      object(ObjectType::kPartition, ObjectRole::kDropped, *partition);
      auto created = c_.qualified("a table name");
      if (created) out_->objects.push_back({ObjectType::kTable, *created, {}, ObjectRole::kCreated});
      return;
    }
    if (c_.accept("TABLE")) {  // CONVERT TABLE t TO PARTITION p: t's rows join this table
      auto absorbed = c_.qualified("a table name");
      if (!absorbed) return;
      note(AlterAction::kPartitionChange);
      out_->objects.push_back({ObjectType::kTable, *absorbed, {}, ObjectRole::kDropped});
      return;
    }
    note(AlterAction::kOther);
  }

  // p [, p ...] | ALL: the commas belong to the clause, not to the alter list.
  void partition_names(ObjectRole role) {
    if (c_.accept("ALL")) return;
    do {
      auto partition = c_.name("a partition name");
      if (!partition) return;
      object(ObjectType::kPartition, role, *partition);
    } while (c_.is_punct(',') && c_.is_name(1) && !is_clause_start(1) && (c_.advance(), true));
  }
  // A word that starts an alter clause: after a comma it ends a partition name list.
  bool is_clause_start(size_t ahead) const {
    for (std::string_view w : {"ADD", "DROP", "MODIFY", "CHANGE", "RENAME", "ALTER", "ALGORITHM", "LOCK", "FORCE",
                               "ENABLE", "DISABLE", "ORDER", "CONVERT", "ANALYZE", "CHECK", "OPTIMIZE", "REBUILD",
                               "REPAIR", "TRUNCATE", "COALESCE", "REORGANIZE", "EXCHANGE", "ENGINE", "COMMENT"})
      if (c_.is_keyword(w, ahead)) return true;
    return false;
  }
  void skip_partitioning() {
    while (!c_.at_end() && !c_.is_punct(';')) c_.skip_one();
  }

  Cursor& c_;
  const QualifiedName& table_;
  ClassifiedStatement* out_;
};

}  // namespace

void parse_alter_list(Cursor& c, const QualifiedName& table, ClassifiedStatement* out) {
  AlterParser(c, table, out).run();
}

}  // namespace omsql::ddl_detail
