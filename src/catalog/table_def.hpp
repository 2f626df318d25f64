#pragma once
// The catalog model: what omsql knows of a table, as plain data. Read from a server's
// information_schema (src/engine/mysql/mysql_catalog.hpp) or built in memory for tests; consumed by the
// binder (dsl/), the DDL translator (src/schema/) and the copy and verify engines.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace omsql {

struct QualifiedName {
  std::string schema;  // database
  std::string table;
  std::string str() const { return schema + "." + table; }
  friend bool operator==(const QualifiedName&, const QualifiedName&) = default;
  friend auto operator<=>(const QualifiedName&, const QualifiedName&) = default;
};

struct ColumnDef {
  std::string name;
  int ordinal = 0;                        // 1-based ORDINAL_POSITION
  std::string data_type;                  // lower-case DATA_TYPE: "int", "varchar", "decimal", ...
  std::string column_type;                // full COLUMN_TYPE: "int(10) unsigned", "enum('a','b')", ...
  bool nullable = true;
  bool is_unsigned = false;
  std::optional<std::string> default_value;  // COLUMN_DEFAULT as information_schema prints it (MariaDB quotes literals)
  std::string extra;                      // EXTRA: "auto_increment", "on update current_timestamp()", ...
  std::optional<std::string> charset;     // CHARACTER_SET_NAME (text columns only)
  std::optional<std::string> collation;   // COLLATION_NAME
  std::string comment;
  bool is_generated = false;              // VIRTUAL or STORED generated column: never copied, recomputed
  std::string generation_expression;
  bool generated_stored = false;
  std::optional<int64_t> char_max_length;
  std::optional<int> numeric_precision;
  std::optional<int> numeric_scale;
  std::optional<int> datetime_precision;
  // A MariaDB geometry column's REF_SYSTEM_ID (information_schema.GEOMETRY_COLUMNS.SRID) when not 0:
  // metadata MariaDB records but neither enforces nor prints in SHOW CREATE TABLE.
  std::optional<uint32_t> srid;
  // True when `srid` is a MySQL 8 SRID attribute (information_schema.COLUMNS.SRS_ID), which the
  // server enforces (every row's geometry has that SRID), rather than MariaDB's REF_SYSTEM_ID.
  bool srid_enforced = false;
  friend bool operator==(const ColumnDef&, const ColumnDef&) = default;
};

struct IndexPart {
  std::string column;
  std::optional<int64_t> prefix_length;   // SUB_PART
  bool descending = false;
  friend bool operator==(const IndexPart&, const IndexPart&) = default;
};

struct IndexDef {
  std::string name;                       // "PRIMARY" for the primary key
  bool unique = false;
  std::string kind = "BTREE";             // INDEX_TYPE: BTREE, HASH, FULLTEXT, SPATIAL
  std::vector<IndexPart> parts;
  std::string comment;
  // The USING clause the source wrote (SHOW CREATE TABLE): "BTREE", "HASH", "RTREE", or "" for none;
  // nullopt when it was not read (then INDEX_TYPE decides: HASH is written USING HASH).
  std::optional<std::string> algorithm;
  // An index the optimizer does not use, in the source's word: "IGNORED" (MariaDB 10.6+,
  // STATISTICS.IGNORED) or "INVISIBLE" (MySQL 8, STATISTICS.IS_VISIBLE); "" for an ordinary index.
  std::string hidden_as;
  bool is_primary() const { return name == "PRIMARY"; }
  friend bool operator==(const IndexDef&, const IndexDef&) = default;
};

struct ForeignKeyDef {
  std::string name;
  std::vector<std::string> columns;
  QualifiedName referenced;
  std::vector<std::string> referenced_columns;
  std::string on_update = "RESTRICT";
  std::string on_delete = "RESTRICT";
  friend bool operator==(const ForeignKeyDef&, const ForeignKeyDef&) = default;
};

// A CHECK constraint as information_schema.CHECK_CONSTRAINTS prints it (column names back-quoted).
struct CheckConstraintDef {
  std::string name;
  std::string clause;
  bool column_level = false;              // MariaDB LEVEL='Column' (e.g. JSON's json_valid): named after its column
  friend bool operator==(const CheckConstraintDef&, const CheckConstraintDef&) = default;
};

// A table's partitioning as SHOW CREATE TABLE prints it (src/engine/mysql/partition_clause.hpp),
// in pieces the DDL translator renames columns in and the dialect rules rewrite. Raw texts
// (expressions, bounds, option values) are the server's own, pasted back verbatim.
struct PartitionOption {
  std::string name;   // upper-case keyword(s): "ENGINE", "COMMENT", "DATA DIRECTORY", "MAX_ROWS" ...
  std::string value;  // as printed: "InnoDB", "'old'", "10"
  friend bool operator==(const PartitionOption&, const PartitionOption&) = default;
};

struct PartitionDef {
  std::string name;   // unquoted
  std::string bound;  // "" (HASH/KEY), "VALUES LESS THAN (10)", "VALUES LESS THAN MAXVALUE", "VALUES IN (1,2)",
                      // "DEFAULT" (MariaDB LIST), "HISTORY" / "CURRENT" (MariaDB SYSTEM_TIME)
  std::vector<PartitionOption> options;
  std::vector<PartitionDef> subpartitions;  // explicit SUBPARTITION definitions (names, options)
  friend bool operator==(const PartitionDef&, const PartitionDef&) = default;
};

struct PartitionMethod {
  std::string kind;                  // "RANGE", "RANGE COLUMNS", "LIST", "LIST COLUMNS", "HASH", "LINEAR HASH",
                                     // "KEY", "LINEAR KEY", "SYSTEM_TIME"
  std::optional<int> algorithm;      // KEY ALGORITHM = n
  std::string expression;            // RANGE / LIST / HASH: the expression between the parentheses
  std::vector<std::string> columns;  // KEY and ... COLUMNS: the column names (KEY (): none, the primary key)
  std::string parameters;            // SYSTEM_TIME: "INTERVAL 1 MONTH ..." / "LIMIT 1000", verbatim
  std::optional<uint64_t> count;     // PARTITIONS n / SUBPARTITIONS n
  bool uses_columns() const { return kind.find("KEY") != std::string::npos || kind.find("COLUMNS") != std::string::npos; }
  friend bool operator==(const PartitionMethod&, const PartitionMethod&) = default;
};

struct PartitioningDef {
  PartitionMethod method;
  std::optional<PartitionMethod> sub;   // SUBPARTITION BY
  std::vector<PartitionDef> partitions;  // empty when only PARTITIONS n was given
  std::string unreadable;               // non-empty: SHOW CREATE TABLE's clause could not be parsed (why)
  friend bool operator==(const PartitioningDef&, const PartitioningDef&) = default;
};

struct TableDef {
  QualifiedName name;
  std::vector<ColumnDef> columns;         // in ordinal order
  std::vector<IndexDef> indexes;          // primary key first when present
  std::vector<ForeignKeyDef> foreign_keys;
  std::string engine = "InnoDB";
  std::optional<std::string> charset;     // table default charset
  std::optional<std::string> collation;   // TABLE_COLLATION
  std::string comment;
  std::optional<std::string> schema_charset;    // the database's DEFAULT_CHARACTER_SET_NAME
  std::optional<std::string> schema_collation;  // the database's DEFAULT_COLLATION_NAME
  std::optional<uint64_t> auto_increment; // next AUTO_INCREMENT value
  std::optional<std::string> check_constraints_sql;  // reserved: CHECK clauses, dialect permitting
  std::vector<CheckConstraintDef> checks; // CHECK constraints, in the server's order
  std::string create_options;             // CREATE_OPTIONS as printed: "row_format=DYNAMIC stats_persistent=1"
  std::optional<PartitioningDef> partitioning;  // read when CREATE_OPTIONS says "partitioned"
  uint64_t estimated_rows = 0;            // TABLE_ROWS (an estimate for InnoDB)
  uint64_t estimated_bytes = 0;           // DATA_LENGTH
  // Every field, estimates included (compare a copy with them cleared to compare definitions).
  friend bool operator==(const TableDef&, const TableDef&) = default;

  const ColumnDef* find_column(const std::string& column) const;
  // The column's ordinal position (0-based), or columns.size() when the table has no such column.
  size_t column_index(const std::string& column) const;
  const IndexDef* primary_key() const;
  // CREATE_OPTIONS has the word "partitioned" (the server's flag; `partitioning` holds the definition).
  bool partitioned() const;
  // MariaDB's long unique keys (UNIQUE on TEXT/BLOB or `UNIQUE ... USING HASH` outside MEMORY)
  // are enforced through one hidden BIGINT column each (DB_ROW_HASH_n), which information_schema
  // does not list but the binlog's TABLE_MAP and row images carry after every listed column.
  size_t long_unique_hash_columns() const;
};

}  // namespace omsql
