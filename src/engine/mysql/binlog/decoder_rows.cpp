// TABLE_MAP and WRITE/UPDATE/DELETE_ROWS decoding: the part of BinlogDecoder that reads row images.
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "src/engine/mysql/binlog/byte_reader.hpp"
#include "src/engine/mysql/binlog/column_codec.hpp"
#include "src/engine/mysql/binlog/decoder.hpp"
#include "src/engine/mysql/binlog/event_types.hpp"

namespace omsql {

using namespace binlog_internal;

namespace {

// Optional metadata field types of TABLE_MAP (binlog_row_metadata=MINIMAL or FULL).
constexpr uint8_t kSignedness = 1;
constexpr uint8_t kColumnName = 4;  // FULL only: every column's name, hidden ones included

// The name MariaDB gives the hidden column of a long unique key (sql_table.cc, add_hash_field).
constexpr std::string_view kHashColumnPrefix = "DB_ROW_HASH_";

bool bit_set(std::string_view bitmap, size_t i) { return (static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1; }

// Fixed-length binary columns whose trailing 0x00 bytes the server strips from row images:
// BINARY(n), and MariaDB's INET6/UUID (16 bytes) and INET4 (4 bytes), which information_schema
// does not give a length for. Unpadded, a key value no longer matches its row on the target.
uint32_t fixed_binary_length(const ColumnDef& def) {
  if (def.data_type == "binary" && def.char_max_length) return static_cast<uint32_t>(*def.char_max_length);
  if (def.data_type == "inet6" || def.data_type == "uuid") return 16;
  if (def.data_type == "inet4") return 4;
  return 0;
}

// Column names compare as MariaDB compares them: ASCII letters without case.
bool same_column_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x < 0x80 && y < 0x80 ? std::tolower(x) != std::tolower(y) : x != y) return false;
  }
  return true;
}

std::string name_list(const std::vector<std::string>& names, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < names.size(); ++i) {
    if (i == 16) return out + ", ... (" + std::to_string(count) + " in all)";
    out += (out.empty() ? "`" : ", `") + names[i] + "`";
  }
  return out;
}

// Why the binlog's column names (FULL optional metadata; empty without it) do not fit the
// definition the rows would be decoded with, over the `visible` columns; nullopt when they fit.
std::optional<std::string> column_name_mismatch(const std::vector<std::string>& logged, const TableDef& definition,
                                                size_t visible) {
  if (logged.empty()) return std::nullopt;
  std::vector<std::string> defined;
  for (const auto& column : definition.columns) defined.push_back(column.name);
  for (size_t i = 0; i < visible && i < defined.size(); ++i) {
    if (i < logged.size() && same_column_name(logged[i], defined[i])) continue;
    return "column " + std::to_string(i + 1) + " is `" + (i < logged.size() ? logged[i] : std::string("?")) +
           "` in the binlog (binlog_row_metadata=FULL) but `" + defined[i] +
           "` in the definition capture decodes the table with; binlog columns (" + name_list(logged, visible) +
           "), expected (" + name_list(defined, defined.size()) +
           "). Decoding its rows would put values into the wrong columns, so capture stops before spooling any: "
           "the task's definition of the table is not the source's at this position (a change capture did not "
           "follow); copy the task afresh (omsrun FILE --recopy)";
  }
  return std::nullopt;
}

}  // namespace

Status BinlogDecoder::decode_table_map(std::string_view body) {
  ByteReader reader(body);
  auto truncated = [&] { return Status::corruption(where() + ": TABLE_MAP event truncated"); };
  uint64_t table_id;
  size_t id_size = post_header_lengths_[kTableMapEvent] == 6 ? 4 : 6;
  if (!reader.le(id_size, &table_id) || !reader.skip(2)) return truncated();
  auto table = std::make_unique<TableMap>();
  table->id = table_id;
  uint8_t length;
  std::string_view name;
  if (!reader.u8(&length) || !reader.bytes(length, &name) || !reader.skip(1)) return truncated();
  table->name.schema.assign(name);
  if (!reader.u8(&length) || !reader.bytes(length, &name) || !reader.skip(1)) return truncated();
  table->name.table.assign(name);
  if (!options_.wanted) {
    table->wanted = true;
  } else if (auto known = wanted_cache_.find(table->name); known != wanted_cache_.end()) {
    table->wanted = known->second;  // every transaction maps its tables again: ask once per table
  } else {
    table->wanted = wanted_cache_[table->name] = options_.wanted(table->name);
  }
  if (!table->wanted) {
    tables_[table_id] = std::move(table);
    return Status::ok();
  }
  auto context = [&] { return where() + ": TABLE_MAP of " + table->name.str(); };

  uint64_t column_count, metadata_length;
  std::string_view types, null_bits;
  if (!reader.lenenc(&column_count) || column_count > 4096 || !reader.bytes(column_count, &types) ||
      !reader.lenenc(&metadata_length))
    return truncated();
  std::string_view metadata;
  if (!reader.bytes(metadata_length, &metadata) || !reader.bytes((column_count + 7) / 8, &null_bits)) return truncated();
  table->columns.resize(column_count);
  ByteReader meta_reader(metadata);
  for (size_t i = 0; i < column_count; ++i) {
    ColumnType& column = table->columns[i];
    column.type = static_cast<uint8_t>(types[i]);
    column.nullable = bit_set(null_bits, i);
    if (binlog_internal::column_metadata_size(column.type) < 0)
      return Status::unsupported(context() + ": column " + std::to_string(i + 1) + " has unknown type " +
                                 std::to_string(column.type));
    if (!binlog_internal::read_column_metadata(meta_reader, &column))
      return Status::corruption(context() + ": metadata of column " + std::to_string(i + 1) + " truncated");
  }

  // Optional metadata (binlog_row_metadata=MINIMAL/FULL): type, length, value triples.
  std::vector<std::string> column_names;
  while (reader.remaining() > 0) {
    uint8_t field_type;
    uint64_t field_length;
    std::string_view value;
    if (!reader.u8(&field_type) || !reader.lenenc(&field_length) || !reader.bytes(field_length, &value))
      return Status::corruption(context() + ": optional metadata truncated");
    if (field_type == kColumnName) {
      ByteReader names(value);
      while (names.remaining() > 0) {
        uint64_t name_length;
        std::string_view column_name;
        if (!names.lenenc(&name_length) || !names.bytes(name_length, &column_name))
          return Status::corruption(context() + ": column names in optional metadata truncated");
        column_names.emplace_back(column_name);
      }
    }
    if (field_type == kSignedness) {
      // One bit per numeric column, most significant bit first; set means UNSIGNED.
      size_t numeric = 0;
      for (auto& column : table->columns) {
        if (!binlog_internal::is_numeric_type(column.type)) continue;
        if (numeric / 8 < value.size()) column.is_unsigned = (static_cast<uint8_t>(value[numeric / 8]) >> (7 - numeric % 8)) & 1;
        ++numeric;
      }
    }
  }

  // Long unique keys add one hidden BIGINT column each after the listed columns: the images
  // handed on hold the listed (visible) columns only. Column names (binlog_row_metadata=FULL)
  // confirm it; without them the table definition's long unique keys must account for each one.
  auto trailing_hash_columns = [&](size_t count) {
    for (size_t i = column_count - count; i < column_count; ++i) {
      if (table->columns[i].type != kTypeLongLong) return false;
      if (!column_names.empty() && (i >= column_names.size() || column_names[i].rfind(kHashColumnPrefix, 0) != 0))
        return false;
    }
    return true;
  };
  table->visible = column_count;
  const TableDef* definition = options_.table_definition ? options_.table_definition(table->name) : nullptr;
  if (definition) {
    const size_t listed = definition->columns.size();
    const size_t hidden = definition->long_unique_hash_columns();
    if (column_count == listed + hidden && hidden > 0 && trailing_hash_columns(hidden)) {
      table->visible = listed;
    } else if (column_count != listed) {
      std::string hidden_note =
          hidden ? " (and " + std::to_string(hidden) + " hidden DB_ROW_HASH column(s) of long unique keys)" : "";
      return Status::invalid_argument(context() + " has " + std::to_string(column_count) +
                                      " columns but its definition read from the source has " + std::to_string(listed) +
                                      hidden_note + ": the table was altered after the task read its definition");
    }
    // binlog_row_metadata=FULL names the columns: a definition that has other columns at the same
    // places (same count, another layout) would put values into the wrong columns, so stop here.
    if (auto mismatch = column_name_mismatch(column_names, *definition, table->visible))
      return Status::invalid_argument(context() + ": " + *mismatch);
    for (size_t i = 0; i < table->visible; ++i) {
      const ColumnDef& def = definition->columns[i];
      ColumnType& column = table->columns[i];
      if (binlog_internal::is_numeric_type(column.type)) column.is_unsigned = def.is_unsigned;
      if (auto pad = fixed_binary_length(def)) column.binary_pad = pad;
    }
  } else if (!column_names.empty()) {
    size_t hidden = 0;
    while (hidden < column_count && trailing_hash_columns(hidden + 1)) ++hidden;
    table->visible = column_count - hidden;
  }
  if (options_.kept_columns) {
    table->kept = options_.kept_columns(table->name);
    if (table->kept && table->kept->size() != table->visible)
      return Status::invalid_argument(context() + " has " + std::to_string(table->visible) +
                                      " columns but the task's column list for it has " +
                                      std::to_string(table->kept->size()) +
                                      ": the table was altered after the task read its definition");
  }
  tables_[table_id] = std::move(table);
  return Status::ok();
}

// Rows_log_event::NO_FOREIGN_KEY_CHECKS_F: the session that wrote the rows had foreign_key_checks=0.
constexpr uint64_t kNoForeignKeyChecksFlag = 0x0002;

Result<std::optional<Event>> BinlogDecoder::decode_rows(uint8_t type, std::string_view body) {
  ByteReader reader(body);
  // MariaDB's compressed rows events (log_bin_compress=ON) keep the post-header, column count and
  // bitmaps plain and compress only the row images, which the caller passes uncompressed.
  const bool compressed = type >= kWriteRowsCompressedV1;
  const bool v2 = type >= kWriteRowsCompressedV2 || (type >= kWriteRowsV2 && type <= kDeleteRowsV2);
  const int base = type >= kWriteRowsCompressedV2 ? kWriteRowsCompressedV2
                   : compressed                   ? kWriteRowsCompressedV1
                   : v2                           ? kWriteRowsV2
                                                  : kWriteRowsV1;
  const auto kind = static_cast<RowChange::Kind>(type - base);
  uint64_t table_id, rows_flags;
  size_t id_size = post_header_lengths_[type] == 6 ? 4 : 6;
  if (!reader.le(id_size, &table_id) || !reader.le(2, &rows_flags))
    return Status::corruption(where() + ": rows event too short");
  if (v2) {
    uint64_t extra_length;
    if (!reader.le(2, &extra_length) || extra_length < 2 || !reader.skip(extra_length - 2))
      return Status::corruption(where() + ": rows event extra data truncated");
  }
  auto found = tables_.find(table_id);
  if (found == tables_.end())
    return Status::corruption(where() + ": rows event for table id " + std::to_string(table_id) +
                              " without a TABLE_MAP before it (did the stream start inside a transaction?)");
  const TableMap& table = *found->second;
  if (!table.wanted) return std::optional<Event>();

  const char* kind_name = kind == RowChange::kInsert ? "WRITE_ROWS" : kind == RowChange::kUpdate ? "UPDATE_ROWS" : "DELETE_ROWS";
  // Built only when something fails: this is the hot path.
  auto context = [&] { return where() + ": " + kind_name + " event of " + table.name.str(); };
  uint64_t column_count;
  if (!reader.lenenc(&column_count)) return Status::corruption(context() + ": truncated");
  if (column_count != table.columns.size())
    return Status::corruption(context() + ": " + std::to_string(column_count) + " columns but its TABLE_MAP has " +
                              std::to_string(table.columns.size()));
  const size_t bitmap_size = (column_count + 7) / 8;
  std::string_view present[2];
  const int images = kind == RowChange::kUpdate ? 2 : 1;
  for (int i = 0; i < images; ++i)
    if (!reader.bytes(bitmap_size, &present[i])) return Status::corruption(context() + ": truncated column bitmap");
  for (int i = 0; i < images; ++i) {
    std::string missing;
    for (size_t c = 0; c < column_count; ++c)
      if (!bit_set(present[i], c)) missing += (missing.empty() ? "" : ", ") + std::to_string(c + 1);
    if (!missing.empty())
      return Status::unsupported(context() + " has a partial row image (column(s) " + missing +
                                 " missing): a session wrote it with binlog_row_image=MINIMAL or NOBLOB; set "
                                 "binlog_row_image=FULL for every session (SET GLOBAL and the applications' SET "
                                 "SESSION)");
  }

  if (compressed && !uncompressed_)
    return Status::unsupported(context() + ": compressed rows event without its uncompressed row data "
                               "(set log_bin_compress=OFF on the source)");
  ByteReader uncompressed_reader(compressed ? *uncompressed_ : std::string_view());
  ByteReader& data = compressed ? uncompressed_reader : reader;

  RowsEvent event;
  event.position = inside_transaction();
  std::string error;
  Cell discarded;
  auto read_image = [&](std::vector<Cell>* cells) -> Status {
    std::string_view nulls;
    if (!data.bytes(bitmap_size, &nulls)) return Status::corruption(context() + ": truncated NULL bitmap");
    cells->resize(table.visible);
    for (size_t c = 0; c < column_count; ++c) {
      if (bit_set(nulls, c)) continue;  // stays NULL
      // Hidden and dropped columns are read past; their cells stay NULL.
      const bool keep = c < table.visible && (!table.kept || (*table.kept)[c]);
      if (!binlog_internal::decode_column_value(table.columns[c], data, keep ? &(*cells)[c] : &discarded, &error)) {
        std::string what = error.empty() ? "value truncated" : error;
        Status s = Status::corruption(context() + ": column " + std::to_string(c + 1) + " (" +
                                      binlog_internal::column_type_name(table.columns[c].real_type) + "): " + what);
        return error.rfind("unsupported", 0) == 0 ? Status::unsupported(s.message()) : s;
      }
    }
    return Status::ok();
  };
  while (data.remaining() > 0) {
    RowChange& row = event.rows.emplace_back();
    row.kind = kind;
    row.table = table.name;
    row.position = event.position;
    row.gtid = current_gtid_;
    row.foreign_key_checks = !(rows_flags & kNoForeignKeyChecksFlag);
    if (kind != RowChange::kInsert) OMSQL_RETURN_IF_ERROR(read_image(&row.before));
    if (kind != RowChange::kDelete) OMSQL_RETURN_IF_ERROR(read_image(&row.after));
  }
  if (event.rows.empty()) return std::optional<Event>();
  return report_in_transaction(std::move(event));
}

}  // namespace omsql
