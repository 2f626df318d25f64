// lossy_cast_reason: which CAST rules can change or reject values. Deliberately conservative:
// anything it cannot prove safe between different type families is reported.
#include <cctype>
#include <map>

#include "src/check/preflight.hpp"
#include "src/common/strings.hpp"

namespace omsql::check {
namespace {

struct TypeShape {
  std::string base;                // lower-case name: "int", "varchar", "decimal"
  std::vector<int64_t> arguments;  // (10,2) -> {10, 2}
  bool is_unsigned = false;
};

TypeShape parse_type(std::string_view text) {
  TypeShape shape;
  std::string lower = to_lower(text);
  size_t i = 0;
  while (i < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[i])) || lower[i] == '_'))
    shape.base += lower[i++];
  if (i < lower.size() && lower[i] == '(') {
    size_t close = lower.find(')', i);
    std::string inside = lower.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
    if (shape.base != "enum" && shape.base != "set") {
      size_t start = 0;
      while (start <= inside.size()) {
        size_t comma = inside.find(',', start);
        std::string number = inside.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        try {
          shape.arguments.push_back(std::stoll(number));
        } catch (...) {  // not a number: no argument recorded, the shape stays conservative
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  shape.is_unsigned = lower.find("unsigned") != std::string::npos;
  if (shape.base == "integer") shape.base = "int";
  if (shape.base == "bool" || shape.base == "boolean") shape = {"tinyint", {1}, false};
  if (shape.base == "numeric" || shape.base == "dec" || shape.base == "fixed") shape.base = "decimal";
  if (shape.base == "real") shape.base = "double";
  return shape;
}

int integer_bytes(const std::string& base) {
  static const std::map<std::string, int> kBytes = {
      {"tinyint", 1}, {"smallint", 2}, {"mediumint", 3}, {"int", 4}, {"bigint", 8}};
  auto it = kBytes.find(base);
  return it == kBytes.end() ? 0 : it->second;
}

// Decimal digits an integer type needs.
int integer_digits(int bytes, bool is_unsigned) {
  switch (bytes) {
    case 1:
      return 3;
    case 2:
      return 5;
    case 3:
      return is_unsigned ? 8 : 7;
    case 4:
      return 10;
    default:
      return is_unsigned ? 20 : 19;
  }
}

// Characters (or bytes, for binary types) a string type holds; 0 when not a string type.
int64_t string_capacity(const TypeShape& t) {
  static const std::map<std::string, int64_t> kFixed = {
      {"tinytext", 255},     {"text", 65535}, {"mediumtext", 16777215}, {"longtext", 4294967295LL},
      {"tinyblob", 255},     {"blob", 65535}, {"mediumblob", 16777215}, {"longblob", 4294967295LL},
      {"json", 4294967295LL}};
  if (auto it = kFixed.find(t.base); it != kFixed.end()) return it->second;
  if (t.base == "char" || t.base == "binary") return t.arguments.empty() ? 1 : t.arguments[0];
  if (t.base == "varchar" || t.base == "varbinary") return t.arguments.empty() ? 0 : t.arguments[0];
  return 0;
}

bool is_temporal(const std::string& base) {
  return base == "date" || base == "time" || base == "datetime" || base == "timestamp" || base == "year";
}

}  // namespace

std::optional<std::string> lossy_cast_reason(const ColumnDef& from_column, const std::string& to_text) {
  TypeShape from = parse_type(from_column.column_type);
  TypeShape to = parse_type(to_text);
  const std::string from_text = from_column.column_type;
  auto says = [&](const std::string& why) {
    return std::optional<std::string>(from_text + " to " + to_text + ": " + why);
  };

  if (from.base == "enum" || from.base == "set") {
    if (string_capacity(to) > 0 && to.base.find("binary") == std::string::npos &&
        to.base.find("blob") == std::string::npos) {
      if (to.base == "varchar" || to.base == "char") {
        // Every label must fit; the catalog knows the longest one as CHARACTER_MAXIMUM_LENGTH.
        if (from_column.char_max_length && string_capacity(to) < *from_column.char_max_length)
          return says("the longest value needs " + std::to_string(*from_column.char_max_length) + " characters");
      }
      return std::nullopt;
    }
    return says("ENUM/SET labels become " + to.base + " values");
  }

  int from_bytes = integer_bytes(from.base), to_bytes = integer_bytes(to.base);
  if (from_bytes && to_bytes) {
    if (to_bytes < from_bytes) return says("narrows the integer range: larger values are rejected or clipped");
    if (from.is_unsigned && !to.is_unsigned && to_bytes == from_bytes)
      return says("unsigned to signed of the same size: the top half of the range overflows");
    if (!from.is_unsigned && to.is_unsigned) return says("negative values cannot be stored unsigned");
    return std::nullopt;
  }
  if (from_bytes && to.base == "decimal") {
    int64_t precision = to.arguments.size() > 0 ? to.arguments[0] : 10,
            scale = to.arguments.size() > 1 ? to.arguments[1] : 0;
    if (precision - scale < integer_digits(from_bytes, from.is_unsigned)) return says("too few integer digits");
    if (!from.is_unsigned && to.is_unsigned) return says("negative values cannot be stored unsigned");
    return std::nullopt;
  }
  if (from_bytes && (to.base == "double" || to.base == "float")) {
    if (to.base == "double" && from_bytes <= 4) return std::nullopt;
    return says("integers beyond the float's mantissa lose their low digits");
  }
  if (from.base == "decimal" && to.base == "decimal") {
    int64_t fp = from.arguments.size() > 0 ? from.arguments[0] : 10,
            fs = from.arguments.size() > 1 ? from.arguments[1] : 0;
    int64_t tp = to.arguments.size() > 0 ? to.arguments[0] : 10, ts = to.arguments.size() > 1 ? to.arguments[1] : 0;
    if (ts < fs) return says("fewer fraction digits: values are rounded");
    if (tp - ts < fp - fs) return says("fewer integer digits: large values are rejected");
    if (from.is_unsigned != to.is_unsigned && !from.is_unsigned)
      return says("negative values cannot be stored unsigned");
    return std::nullopt;
  }
  if (from.base == "decimal" && to_bytes) return says("fractions are rounded and large values rejected");
  if (from.base == "float" && to.base == "double") return std::nullopt;
  if ((from.base == "float" || from.base == "double") && to.base != from.base)
    return says("floating-point values are rounded or rejected");
  if (from.base == "double" && to.base == "double") return std::nullopt;

  int64_t from_capacity = string_capacity(from), to_capacity = string_capacity(to);
  if (from_capacity && to_capacity) {
    bool from_binary = from.base.find("binary") != std::string::npos || from.base.find("blob") != std::string::npos;
    bool to_binary = to.base.find("binary") != std::string::npos || to.base.find("blob") != std::string::npos;
    if (from_binary != to_binary)
      return says(from_binary ? "bytes become text: invalid sequences in the target charset are rejected"
                              : "text becomes bytes: comparisons become byte-wise");
    int64_t needed = from_column.char_max_length.value_or(from_capacity);
    if (to_capacity < needed)
      return says("shorter: values longer than " + std::to_string(to_capacity) + " are rejected or truncated");
    if (to.base == "char" && from.base != "char") return says("CHAR pads with spaces and drops trailing spaces");
    return std::nullopt;
  }
  if (is_temporal(from.base) && is_temporal(to.base)) {
    int64_t from_fraction = from.arguments.empty() ? 0 : from.arguments[0];
    int64_t to_fraction = to.arguments.empty() ? 0 : to.arguments[0];
    if (from.base == to.base || (from.base == "timestamp" && to.base == "datetime")) {
      if (to_fraction < from_fraction) return says("fewer fractional-second digits: values are rounded");
      return std::nullopt;
    }
    if (from.base == "datetime" && to.base == "timestamp")
      return says("TIMESTAMP holds only 1970-2038 (UTC): values outside are rejected");
    if (to.base == "date" && (from.base == "datetime" || from.base == "timestamp"))
      return says("the time of day is lost");
    if (from.base == "date" && (to.base == "datetime" || to.base == "timestamp")) {
      if (to.base == "timestamp") return says("TIMESTAMP holds only 1970-2038 (UTC): values outside are rejected");
      return std::nullopt;
    }
    return says("a different temporal type: values may not convert");
  }
  if (to_capacity && to.base.find("binary") == std::string::npos && to.base.find("blob") == std::string::npos &&
      (from_bytes || from.base == "decimal" || is_temporal(from.base))) {
    // Numbers and dates as text: fine when the text is long enough for every value.
    int64_t needed = from_bytes               ? integer_digits(from_bytes, from.is_unsigned) + 1
                     : from.base == "decimal" ? (from.arguments.empty() ? 10 : from.arguments[0]) + 2
                                              : 26;
    if (to_capacity < needed) return says("the text form of some values is longer than " + std::to_string(to_capacity));
    return std::nullopt;
  }
  if (from.base == to.base && from.arguments == to.arguments && from.is_unsigned == to.is_unsigned) return std::nullopt;
  return says("a different type: check that every value converts");
}

}  // namespace omsql::check
