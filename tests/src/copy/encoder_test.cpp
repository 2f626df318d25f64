#include <doctest/doctest.h>

#include "src/copy/columns.hpp"
#include "src/copy/row_encoder.hpp"

using namespace omsql;
using namespace omsql::copy;

TEST_CASE("LOAD DATA encoding escapes separators, keeps NULL apart from '' and 'NULL' and '\\N'") {
  RowEncoder encoder({ValueKind::kNumber, ValueKind::kBytes, ValueKind::kBytes, ValueKind::kBytes, ValueKind::kBytes,
                      ValueKind::kText},
                     WireFormat::kLoadData);
  std::string tricky("a\tb\nc\\d\0e", 9);
  const char* values[] = {"-12", nullptr, "", "NULL", tricky.data(), "2024-01-02 03:04:05.000006"};
  unsigned long lengths[] = {3, 0, 0, 4, 9, 26};
  std::string out;
  encoder.append_row(values, lengths, true, out);
  CHECK(out == std::string("-12\t\\N\t\tNULL\ta\\tb\\nc\\\\d\\0e\t2024-01-02 03:04:05.000006\n"));
  const char* backslash_n[] = {"1", "\\N", "x", "y", "z", "2024-01-01"};
  unsigned long lengths2[] = {1, 2, 1, 1, 1, 10};
  out.clear();
  encoder.append_row(backslash_n, lengths2, false, out);
  CHECK(out == "1\t\\\\N\tx\ty\tz\t2024-01-01\n");
}

TEST_CASE("INSERT encoding quotes bytes as _binary literals and leaves numbers bare") {
  RowEncoder encoder({ValueKind::kNumber, ValueKind::kBytes, ValueKind::kText}, WireFormat::kInsertValues,
                     "REPLACE INTO t (a, b, c) VALUES ");
  const char* row1[] = {"1", "it's\\\r\n\x1a", "10:00:00"};
  unsigned long len1[] = {1, 8, 8};
  const char* row2[] = {nullptr, "", nullptr};
  unsigned long len2[] = {0, 0, 0};
  std::string out;
  encoder.append_row(row1, len1, true, out);
  encoder.append_row(row2, len2, false, out);
  CHECK(out == "REPLACE INTO t (a, b, c) VALUES (1,_binary'it\\'s\\\\\\r\\n\\Z','10:00:00'),(NULL,_binary'',NULL)");
}

TEST_CASE("INSERT encoding writes text the target converts as _<source charset> X'..'") {
  RowEncoder encoder({ValueKind::kNumber, ValueKind::kBytes, ValueKind::kBytes}, WireFormat::kInsertValues,
                     "REPLACE INTO t (a, b, c) VALUES ", {"", "ucs2", ""});
  const char* row[] = {"7", std::string_view("\0a\0'", 4).data(), "x"};
  unsigned long lengths[] = {1, 4, 1};
  const char* nulls[] = {"8", nullptr, nullptr};
  unsigned long no_lengths[] = {1, 0, 0};
  std::string out;
  encoder.append_row(row, lengths, true, out);
  encoder.append_row(nulls, no_lengths, false, out);
  CHECK(out == "REPLACE INTO t (a, b, c) VALUES (7,_ucs2 X'00610027',_binary'x'),(8,NULL,NULL)");
}

TEST_CASE("chunk ranges describe themselves for messages") {
  TableJob job;
  job.source = {"shop", "orders"};
  job.key.kind = RowKey::Kind::kPrimary;
  job.key.columns = {"id"};
  ChunkRange range{3, KeyTuple{"100"}, KeyTuple{"2000"}};
  CHECK(range.describe(job) == "shop.orders (id) in (100, 2000]");
  ChunkRange open{4, KeyTuple{"2000"}, std::nullopt};
  CHECK(open.describe(job) == "shop.orders (id) in (2000, +inf)");
  job.key.columns = {"region", "name"};
  ChunkRange composite{0, std::nullopt, KeyTuple{"north", std::string("\x00\xff", 2)}};
  CHECK(composite.describe(job) == "shop.orders (region, name) in (-inf, ('north', 0x00FF)]");
  ColumnDef region, name;
  region.name = "region";
  region.data_type = "varchar";
  name.name = "name";
  name.data_type = "varbinary";
  job.source_def.columns = {region, name};
  ChunkRange digits{1, KeyTuple{"123", "-1e5"}, std::nullopt};
  CHECK(digits.describe(job) == "shop.orders (region, name) in (('123', '-1e5'), +inf)");
  job.key = RowKey{};
  CHECK(ChunkRange{}.describe(job) == "shop.orders (whole table: no usable key)");
}
