#pragma once
// Streams a SELECT through the binary protocol (a prepared statement, rows fetched one at a time
// without buffering) and encodes each row canonically. Numbers, FLOAT/DOUBLE and temporals then
// cross as binary values: the server does no number-to-text formatting, which halves its CPU per
// row on the verification scans (docs/performance.md, "Verification"). The cells encode exactly as
// the text protocol's would after normalization, so either reader may hash a side -- but the two
// sides of one comparison always use the same reader.
#include <mysql.h>

#include <memory>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/verify/row_hash.hpp"

namespace omsql::verify {

class BinaryRowStream {
 public:
  // Prepares and executes `sql`. The first classes.size() result columns are hashed with those
  // value classes; any further columns are only returned as text by next(). `connection` must
  // outlive the stream and is busy until it is destroyed.
  static Result<std::unique_ptr<BinaryRowStream>> open(Connection& connection, const std::string& sql,
                                                       std::vector<ValueClass> classes, std::string context);
  ~BinaryRowStream();
  BinaryRowStream(const BinaryRowStream&) = delete;
  BinaryRowStream& operator=(const BinaryRowStream&) = delete;

  // Reads the next row: replaces `encoded` with its canonical encoding (hashed columns). Returns
  // false at the end; a failure (lost connection mid-stream included) is an error, never an end.
  Result<bool> next(std::string& encoded);
  // The value of result column `index` of the current row as the text protocol would send it
  // (numbers in decimal, temporals as text), nullopt for NULL. For keys and literals.
  std::optional<std::string> text(size_t index) const;

 private:
  struct Column;
  BinaryRowStream(Connection& connection, MYSQL_STMT* statement, std::vector<ValueClass> classes, std::string context);
  Status error(const char* doing) const;
  static void append_text(const Column& column, std::string& out);

  Connection& connection_;
  MYSQL_STMT* statement_;
  std::vector<ValueClass> classes_;
  std::string context_;
  std::vector<Column> columns_;
  std::vector<MYSQL_BIND> binds_;
  std::string scratch_;  // one cell's text, reused across cells and rows
};

}  // namespace omsql::verify
