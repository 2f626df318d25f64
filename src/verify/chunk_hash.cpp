#include "src/verify/chunk_hash.hpp"

#include "src/verify/binary_rows.hpp"

namespace omsql::verify {
namespace {

// Encodes one identity part: a weight string (collated key) or the canonical cell.
void append_match_part(std::string_view bytes, std::string& out) {
  uint32_t n = static_cast<uint32_t>(bytes.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(bytes);
}

}  // namespace

Status prepare_verify_session(Connection& connection) {
  return connection.execute(
      "SET SESSION character_set_results = binary, time_zone = '+00:00', net_write_timeout = 600");
}

namespace {

std::vector<ValueClass> value_classes(const TableSpec& spec) {
  std::vector<ValueClass> classes;
  for (const auto& c : spec.columns()) classes.push_back(c.value_class);
  return classes;
}

}  // namespace

Result<ChunkDigest> hash_chunk(Connection& connection, Side side, const TableSpec& spec, const KeyRange& range,
                               RowProtocol protocol) {
  const std::string context = "hash " + std::string(side_name(side)) + " " + spec.describe_range(range);
  ChunkDigester digester(spec.keyed());
  if (protocol == RowProtocol::kBinary) {
    auto stream = BinaryRowStream::open(connection, spec.select_rows_sql(side, range), value_classes(spec), context);
    if (!stream) return stream.status();
    std::string encoded;
    while (true) {
      auto more = (*stream)->next(encoded);
      if (!more) return more.status();
      if (!*more) break;
      digester.add(row_hash(encoded));
    }
    return digester.digest();
  }
  auto stream = connection.stream(spec.select_rows_sql(side, range));
  if (!stream) return stream.status().with_context(context);
  const auto& columns = spec.columns();
  std::string encoded;
  unsigned long* lengths = nullptr;
  while (MYSQL_ROW row = stream->next(&lengths)) {
    encoded.clear();
    for (size_t i = 0; i < columns.size(); ++i) append_canonical(columns[i].value_class, row[i], lengths[i], encoded);
    digester.add(row_hash(encoded));
  }
  OMSQL_RETURN_IF_ERROR(stream->status().with_context(context));
  return digester.digest();
}

Result<ChunkDigest> hash_chunk(Connection& connection, Side side, const TableJob& job, const KeyRange& range) {
  auto spec = TableSpec::make(job);
  if (!spec) return spec.status();
  return hash_chunk(connection, side, *spec, range);
}

Result<SourceChunk> hash_next_source_chunk(Connection& source, const TableSpec& spec,
                                           const std::optional<KeyTuple>& lower, int64_t chunk_rows) {
  SourceChunk chunk;
  chunk.range.lower_exclusive = lower;
  const std::string context = "hash source " + spec.describe_range(chunk.range);
  auto stream = BinaryRowStream::open(source, spec.next_chunk_sql(lower, chunk_rows), value_classes(spec), context);
  if (!stream) return stream.status();
  const size_t parts = spec.key().size();
  std::vector<size_t> key_columns(parts);
  for (size_t i = 0; i < parts; ++i) key_columns[i] = spec.next_chunk_key_column(i);
  ChunkDigester digester(true);
  std::string encoded;
  KeyTuple last_key(parts);
  while (true) {
    auto more = (*stream)->next(encoded);
    if (!more) return more.status();
    if (!*more) break;
    digester.add(row_hash(encoded));
    for (size_t i = 0; i < parts; ++i) {
      auto key = (*stream)->text(key_columns[i]);
      if (!key) return Status::corruption(context + ": key column is NULL");
      last_key[i] = std::move(*key);
    }
  }
  chunk.digest = digester.digest();
  chunk.last = chunk.digest.rows < static_cast<uint64_t>(chunk_rows);
  if (!chunk.last) chunk.range.upper_inclusive = std::move(last_key);
  return chunk;
}

Result<std::optional<KeyTuple>> key_at_offset(Connection& connection, Side side, const TableSpec& spec,
                                              const KeyRange& range, int64_t offset, bool with_filter) {
  auto result = connection.query(spec.key_at_offset_sql(side, range, offset, with_filter));
  if (!result) return result.status();
  if (result->rows.empty()) return std::optional<KeyTuple>();
  KeyTuple key;
  for (auto& cell : result->rows[0]) {
    if (!cell) return Status::corruption("key of " + spec.describe_range(range) + " on " + side_name(side) + " is NULL");
    key.push_back(std::move(*cell));
  }
  return std::optional<KeyTuple>(std::move(key));
}

namespace {

// Reads the rows of a fetch_rows_sql / fetch_keys_sql statement (text protocol: its values are
// also the repair literals).
Result<std::vector<FetchedRow>> read_fetched_rows(Connection& connection, const TableSpec& spec, const std::string& sql,
                                                  const std::string& context) {
  auto stream = connection.stream(sql);
  if (!stream) return stream.status().with_context(context);
  const auto& columns = spec.columns();
  const size_t skip = spec.match_columns();
  const size_t parts = spec.key().size();
  std::vector<size_t> key_columns(parts);
  for (size_t i = 0; i < parts; ++i) key_columns[i] = skip + spec.next_chunk_key_column(i);
  std::vector<FetchedRow> rows;
  std::string encoded;
  unsigned long* lengths = nullptr;
  while (MYSQL_ROW row = stream->next(&lengths)) {
    FetchedRow fetched;
    encoded.clear();
    fetched.cells.resize(columns.size());
    fetched.values.resize(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      const char* value = row[skip + i];
      append_canonical(columns[i].value_class, value, lengths[skip + i], fetched.cells[i]);
      encoded += fetched.cells[i];
      if (value) fetched.values[i] = std::string(value, lengths[skip + i]);
    }
    fetched.hash = row_hash(encoded);
    size_t weight = 0;
    for (size_t part : spec.key()) {
      if (columns[part].collated) {
        append_match_part(row[weight] ? std::string_view(row[weight], lengths[weight]) : std::string_view(),
                          fetched.match_key);
        ++weight;
      } else {
        append_match_part(fetched.cells[part], fetched.match_key);
      }
    }
    fetched.key.reserve(parts);
    for (size_t column : key_columns)  // key columns are NOT NULL (choose_row_key)
      fetched.key.emplace_back(row[column] ? std::string(row[column], lengths[column]) : std::string());
    rows.push_back(std::move(fetched));
  }
  OMSQL_RETURN_IF_ERROR(stream->status().with_context(context));
  return rows;
}

}  // namespace

Result<std::vector<FetchedRow>> fetch_rows(Connection& connection, Side side, const TableSpec& spec,
                                           const KeyRange& range) {
  return read_fetched_rows(connection, spec, spec.fetch_rows_sql(side, range),
                           "fetch " + std::string(side_name(side)) + " " + spec.describe_range(range));
}

Result<std::vector<FetchedRow>> fetch_rows_by_key(Connection& connection, Side side, const TableSpec& spec,
                                                  const std::vector<KeyTuple>& keys) {
  if (keys.empty()) return std::vector<FetchedRow>();
  return read_fetched_rows(connection, spec, spec.fetch_keys_sql(side, keys),
                           "fetch " + std::string(side_name(side)) + " " + spec.job().source.str() + " by key (" +
                               std::to_string(keys.size()) + " keys, first " + spec.describe_key(keys.front()) + ")");
}

KeyTuple key_of(const TableSpec& spec, const FetchedRow& row) {
  KeyTuple key;
  for (size_t part : spec.key()) key.push_back(row.values[part].value_or(""));
  return key;
}

}  // namespace omsql::verify
