#pragma once
// Encodes rows as the source sends them (text protocol, character_set_results=binary) into a batch
// buffer for the target, in one pass over the bytes and with no allocation per value. The hot path
// of the copy: bench/copy/encode_bench.cpp measures it.
#include <string>
#include <vector>

#include "src/copy/columns.hpp"
#include "src/copy/types.hpp"

namespace omsql::copy {

class RowEncoder {
 public:
  // `kinds` has one entry per selected column. For kInsertValues, `insert_prefix` is the statement
  // head ("REPLACE INTO t (a, b) VALUES "), written before the first row of a batch.
  // `insert_charsets` (kInsertValues, one entry per column or empty): a non-empty entry is the source
  // charset of a kBytes text column whose target charset may differ; its values are written as
  // _<charset> X'..' so the target converts them (a _binary literal would store the bytes unconverted).
  RowEncoder(std::vector<ValueKind> kinds, WireFormat format, std::string insert_prefix = {},
             std::vector<std::string> insert_charsets = {});

  // Appends one row to `out`. values[i] == nullptr means SQL NULL; lengths[i] is the value's size.
  // `first_in_batch` tells the INSERT format to write the statement head instead of a comma.
  void append_row(const char* const* values, const unsigned long* lengths, bool first_in_batch,
                  std::string& out) const;

  WireFormat format() const { return format_; }

 private:
  void append_load_data(const char* const* values, const unsigned long* lengths, std::string& out) const;
  void append_insert(const char* const* values, const unsigned long* lengths, bool first_in_batch,
                     std::string& out) const;

  std::vector<ValueKind> kinds_;
  WireFormat format_;
  std::string insert_prefix_;
  std::vector<std::string> insert_charsets_;
};

}  // namespace omsql::copy
