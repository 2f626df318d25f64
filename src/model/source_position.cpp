#include "src/model/source_position.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace omsql {

bool same_engine(const SourcePosition& a, const SourcePosition& b) {
  return a.empty() || b.empty() || a.engine == b.engine;
}

bool operator==(const SourcePosition& a, const SourcePosition& b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty();
  return a.engine == b.engine && a.order == b.order;
}

std::strong_ordering operator<=>(const SourcePosition& a, const SourcePosition& b) {
  if (a.empty() || b.empty()) return !a.empty() <=> !b.empty();
  if (a.engine != b.engine)
    throw std::logic_error("source positions of two engines compared: " + a.engine + " '" + a.payload + "' and " +
                           b.engine + " '" + b.payload + "'");
  return a.order <=> b.order;
}

namespace {

// By nlohmann's own check (what dump() would throw on): strict UTF-8.
bool valid_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

bool from_hex(const std::string& hex, std::string* out) {
  if (hex.size() % 2) return false;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace

nlohmann::json source_position_json(const SourcePosition& position) {
  if (position.empty()) return nullptr;
  // JSON strings hold only UTF-8: other bytes (an engine's binary payload) go as {"hex": ...}, as
  // src/catalog/table_def_json keeps texts.
  nlohmann::json payload = position.payload;
  if (!valid_utf8(position.payload)) payload = nlohmann::json{{"hex", to_hex(position.payload)}};
  return nlohmann::json{{"engine", position.engine}, {"order", position.order}, {"payload", payload}};
}

Result<SourcePosition> source_position_from_json(const nlohmann::json& j) {
  if (j.is_null()) return SourcePosition{};
  auto bad = [&](const std::string& why) {
    return Status::invalid_argument("not a source position (" + why + "): " + j.dump());
  };
  if (!j.is_object()) return bad("expected an object or null");
  auto engine = j.find("engine");
  auto order = j.find("order");
  auto payload = j.find("payload");
  if (engine == j.end() || !engine->is_string() || engine->get_ref<const std::string&>().empty())
    return bad("\"engine\" must be a non-empty string");
  if (order == j.end() || !order->is_array()) return bad("\"order\" must be an array of unsigned integers");
  if (payload == j.end() || !(payload->is_string() || payload->is_object()))
    return bad("\"payload\" must be a string or {\"hex\": ...}");
  SourcePosition position;
  position.engine = engine->get<std::string>();
  for (const auto& value : *order) {
    if (!value.is_number_unsigned()) return bad("\"order\" must be an array of unsigned integers");
    position.order.push_back(value.get<uint64_t>());
  }
  if (payload->is_string()) {
    position.payload = payload->get<std::string>();
  } else {
    auto hex = payload->find("hex");
    if (hex == payload->end() || !hex->is_string() || !from_hex(hex->get<std::string>(), &position.payload))
      return bad("\"payload\" must be a string or {\"hex\": ...}");
  }
  return position;
}

namespace {

void put_varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool get_varint(std::string_view data, size_t* at, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*at >= data.size()) return false;
    uint8_t b = static_cast<uint8_t>(data[(*at)++]);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool get_string(std::string_view data, size_t* at, std::string* s) {
  uint64_t n;
  if (!get_varint(data, at, &n) || data.size() - *at < n) return false;
  s->assign(data.substr(*at, n));
  *at += n;
  return true;
}

}  // namespace

void append_source_position(const SourcePosition& position, std::string* out) {
  put_varint(position.engine.size(), out);
  out->append(position.engine);
  put_varint(position.order.size(), out);
  for (uint64_t value : position.order) put_varint(value, out);
  put_varint(position.payload.size(), out);
  out->append(position.payload);
}

Result<SourcePosition> read_source_position(std::string_view data, size_t* at) {
  auto malformed = [&] {
    return Status::corruption("malformed source position at byte " + std::to_string(*at));
  };
  SourcePosition position;
  uint64_t count;
  if (*at > data.size() || !get_string(data, at, &position.engine) || !get_varint(data, at, &count)) return malformed();
  if (count > data.size() - *at) return malformed();  // each value takes at least one byte
  position.order.resize(count);
  for (uint64_t& value : position.order)
    if (!get_varint(data, at, &value)) return malformed();
  if (!get_string(data, at, &position.payload)) return malformed();
  if (position.engine.empty() && (!position.order.empty() || !position.payload.empty()))
    return Status::corruption("malformed source position: an order key or payload without an engine");
  return position;
}

}  // namespace omsql
