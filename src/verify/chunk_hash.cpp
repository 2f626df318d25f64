#include "src/verify/chunk_hash.hpp"

#include "src/verify/binary_rows.hpp"

#include <cctype>
#include <map>

#include "src/sql/quote.hpp"

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

struct CatalogColumn {
  std::string type;
  std::string charset;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<std::map<std::string, CatalogColumn>> catalog_columns(Connection& connection, const QualifiedName& table) {
  auto result = connection.query(
      "SELECT COLUMN_NAME, COLUMN_TYPE, CHARACTER_SET_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
      sql::text_literal(table.schema) + " AND TABLE_NAME = " + sql::text_literal(table.table));
  if (!result) return result.status().with_context("columns of " + table.str());
  std::map<std::string, CatalogColumn> out;
  for (auto& row : result->rows)
    out[lower(row[0].value_or(""))] = CatalogColumn{lower(row[1].value_or("")), lower(row[2].value_or(""))};
  return out;
}

// The exact decimal text of a SUM, mod 2^64; nullopt when it is >= 2^127: a NULL row image added
// 2^128 (the 64-bit hashes of fewer than 2^63 rows sum to less than 2^127).
std::optional<uint64_t> sum_mod_2_64(std::string_view text) {
  constexpr unsigned __int128 kMax = ~static_cast<unsigned __int128>(0);
  unsigned __int128 value = 0;
  for (char c : text) {
    if (c == '.') break;  // a SUM of integers prints no fraction; be lenient
    if (c < '0' || c > '9') return std::nullopt;
    const unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (value >> 127) return std::nullopt;
  return static_cast<uint64_t>(value);
}

}  // namespace

Result<std::string> server_digest_obstacle(Connection& source, Connection& target, const TableSpec& spec) {
  const TableJob& job = spec.job();
  for (const ColumnMapping& m : job.columns)
    if (m.cast_to) return "column " + m.source + " has a CAST rule (" + *m.cast_to + ")";
  auto source_columns = catalog_columns(source, job.source);
  if (!source_columns) return source_columns.status();
  auto target_columns = catalog_columns(target, job.target);
  if (!target_columns) return target_columns.status();
  bool floating = false;
  for (const VerifyColumn& c : spec.columns()) {
    auto s = source_columns->find(lower(c.source_name));
    auto t = target_columns->find(lower(c.target_name));
    if (s == source_columns->end() || t == target_columns->end())
      return "column " + c.source_name + " is missing from a catalog";
    if (s->second.charset != t->second.charset)
      return "column " + c.source_name + " is converted from " + s->second.charset + " to " + t->second.charset;
    if (s->second.type != t->second.type)
      return "column " + c.source_name + " is " + s->second.type + " on the source and " + t->second.type +
             " on the target";
    floating = floating || c.value_class == ValueClass::kFloat || c.value_class == ValueClass::kDouble;
  }
  if (floating) {
    auto sv = source.query_value("SELECT VERSION()");
    if (!sv) return sv.status();
    auto tv = target.query_value("SELECT VERSION()");
    if (!tv) return tv.status();
    if (sv->value_or("") != tv->value_or(""))
      return "FLOAT/DOUBLE columns on servers of different versions (" + sv->value_or("?") + ", " + tv->value_or("?") +
             "): their text may differ";
  }
  return std::string();
}

Result<std::optional<ChunkDigest>> server_digest(Connection& connection, Side side, const TableSpec& spec,
                                                 const KeyRange& range) {
  auto result = connection.query(spec.server_digest_sql(side, range));
  if (!result)
    return result.status().with_context("server digest " + std::string(side_name(side)) + " " + spec.describe_range(range));
  if (result->rows.size() != 1 || result->rows[0].size() != 2 || !result->rows[0][0])
    return Status::corruption("server digest " + spec.describe_range(range) + ": unexpected result");
  ChunkDigest digest;
  digest.rows = std::stoull(*result->rows[0][0]);
  if (result->rows[0][1]) {  // SUM over no row is NULL
    auto sum = sum_mod_2_64(*result->rows[0][1]);
    if (!sum) return std::optional<ChunkDigest>();
    digest.digest = *sum;
  }
  return std::optional<ChunkDigest>(digest);
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
