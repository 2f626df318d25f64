// SourcePosition (src/model/source_position.hpp): the engine-neutral order, equality, the
// refusal to order two engines' positions, and the JSON and binary forms.
#include <doctest/doctest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "src/model/source_position.hpp"

using namespace omsql;

namespace {

SourcePosition mysql(uint64_t sequence, uint64_t offset, const std::string& gtid = "") {
  std::string payload = "bin." + std::to_string(sequence) + ":" + std::to_string(offset);
  if (!gtid.empty()) payload += " gtid " + gtid;
  return SourcePosition{"mysql", {sequence, offset}, payload};
}

}  // namespace

TEST_CASE("positions of one engine order by their order key, lexicographically") {
  CHECK(mysql(1, 900) < mysql(2, 4));
  CHECK(mysql(2, 4) < mysql(2, 5));
  CHECK(mysql(2, 5) > mysql(1, 1000000));
  CHECK((mysql(3, 7) <=> mysql(3, 7)) == std::strong_ordering::equal);
  // A shorter key that is a prefix of a longer one comes first (std::vector's order).
  CHECK(SourcePosition{"x", {1}, ""} < SourcePosition{"x", {1, 0}, ""});
}

TEST_CASE("the payload does not take part in equality or order") {
  CHECK(mysql(2, 4, "0-1-42") == mysql(2, 4));
  CHECK_FALSE(mysql(2, 4, "0-1-42") < mysql(2, 4));
  CHECK_FALSE(mysql(2, 4) < mysql(2, 4, "0-1-42"));
  CHECK(mysql(2, 4) != mysql(2, 5));
}

TEST_CASE("the empty position comes before every position of any engine") {
  SourcePosition none;
  CHECK(none.empty());
  CHECK(none.str().empty());
  CHECK(none == SourcePosition{});
  CHECK(none < mysql(0, 0));
  CHECK(none < SourcePosition{"postgres", {0}, "0/0"});
  CHECK(mysql(1, 4) > none);
  CHECK(none != mysql(0, 0));
  CHECK(same_engine(none, SourcePosition{"postgres", {1}, "0/1"}));
}

TEST_CASE("positions of two engines are never ordered") {
  SourcePosition lsn{"postgres", {0x16B3748}, "0/16B3748"};
  CHECK_FALSE(same_engine(mysql(1, 4), lsn));
  CHECK_THROWS_AS((void)(mysql(1, 4) < lsn), std::logic_error);
  CHECK_THROWS_WITH((void)(lsn <=> mysql(1, 4)),
                    doctest::Contains("source positions of two engines compared: postgres '0/16B3748' and mysql"));
  // Equality answers (they are different points) without throwing: "is this the one?" is safe.
  CHECK(mysql(1, 4) != lsn);
  SourcePosition same_key_other_engine{"postgres", {1, 4}, "bin.1:4"};
  CHECK(mysql(1, 4) != same_key_other_engine);
}

TEST_CASE("JSON round trip, and the empty position as null") {
  const SourcePosition p = mysql(3, 1234, "0-1-42");
  nlohmann::json j = source_position_json(p);
  CHECK(j.dump() == R"({"engine":"mysql","order":[3,1234],"payload":"bin.3:1234 gtid 0-1-42"})");
  auto back = source_position_from_json(nlohmann::json::parse(j.dump()));
  REQUIRE(back.is_ok());
  CHECK(back->engine == "mysql");
  CHECK(back->order == std::vector<uint64_t>{3, 1234});
  CHECK(back->payload == p.payload);

  CHECK(source_position_json(SourcePosition{}).is_null());
  auto none = source_position_from_json(nlohmann::json(nullptr));
  REQUIRE(none.is_ok());
  CHECK(none->empty());

  // Large order values survive (an LSN, a file offset past 4 GiB).
  SourcePosition big{"postgres", {UINT64_MAX, 1ull << 40}, "FFFFFFFF/FFFFFFFF"};
  auto big_back = source_position_from_json(nlohmann::json::parse(source_position_json(big).dump()));
  REQUIRE(big_back.is_ok());
  CHECK(big_back->order == big.order);
}

TEST_CASE("JSON that is not a source position is refused, saying why") {
  const char* bad[] = {
      R"("bin.000001:4")",
      R"({"order":[1],"payload":"x"})",
      R"({"engine":"","order":[1],"payload":"x"})",
      R"({"engine":"mysql","order":[1,-4],"payload":"x"})",
      R"({"engine":"mysql","order":"1,4","payload":"x"})",
      R"({"engine":"mysql","order":[1,4]})",
  };
  for (const char* text : bad) {
    CAPTURE(text);
    auto got = source_position_from_json(nlohmann::json::parse(text));
    REQUIRE_FALSE(got.is_ok());
    CHECK(got.status().code() == Status::Code::kInvalidArgument);
    CHECK(got.status().message().find("not a source position") != std::string::npos);
  }
}

TEST_CASE("binary round trip, one position after another in one buffer") {
  std::string buffer = "head";
  const SourcePosition a = mysql(7, 1ull << 33, "0-1-9,1-2-3");
  const SourcePosition b{"postgres", {0x16B3748}, "0/16B3748"};
  append_source_position(a, &buffer);
  append_source_position(SourcePosition{}, &buffer);
  append_source_position(b, &buffer);
  size_t at = 4;
  auto a_back = read_source_position(buffer, &at);
  auto none_back = read_source_position(buffer, &at);
  auto b_back = read_source_position(buffer, &at);
  REQUIRE(a_back.is_ok());
  REQUIRE(none_back.is_ok());
  REQUIRE(b_back.is_ok());
  CHECK(at == buffer.size());
  CHECK(a_back->engine == "mysql");
  CHECK(a_back->order == a.order);
  CHECK(a_back->payload == a.payload);
  CHECK(none_back->empty());
  CHECK(b_back->engine == "postgres");
  CHECK(b_back->order == b.order);
  CHECK(b_back->payload == b.payload);
}

TEST_CASE("the binary form's exact bytes") {
  std::string out;
  append_source_position(SourcePosition{"mysql", {3, 300}, "f.3:300"}, &out);
  CHECK(out == std::string("\x05mysql\x02\x03\xac\x02\x07" "f.3:300", 18));
  out.clear();
  append_source_position(SourcePosition{}, &out);
  CHECK(out == std::string("\x00\x00\x00", 3));
}

TEST_CASE("a cut-short or malformed binary position is Corruption") {
  std::string whole;
  append_source_position(mysql(2, 4, "0-1-1"), &whole);
  for (size_t n = 0; n < whole.size(); ++n) {
    CAPTURE(n);
    size_t at = 0;
    auto got = read_source_position(std::string_view(whole).substr(0, n), &at);
    REQUIRE_FALSE(got.is_ok());
    CHECK(got.status().code() == Status::Code::kCorruption);
  }
  // A count of order values larger than the bytes left.
  size_t at = 0;
  CHECK_FALSE(read_source_position(std::string("\x01x\x7f\x00", 4), &at).is_ok());
  // An order key without an engine.
  at = 0;
  auto orphan = read_source_position(std::string("\x00\x01\x05\x00", 4), &at);
  REQUIRE_FALSE(orphan.is_ok());
  CHECK(orphan.status().message().find("without an engine") != std::string::npos);
}

TEST_CASE("a payload that is not UTF-8 is kept as hex in JSON, and read back") {
  SourcePosition binary{"other", {1}, std::string("\xff\x00z", 3)};
  nlohmann::json j = source_position_json(binary);
  CHECK(j.dump() == R"({"engine":"other","order":[1],"payload":{"hex":"ff007a"}})");
  auto back = source_position_from_json(nlohmann::json::parse(j.dump()));
  REQUIRE(back.is_ok());
  CHECK(back->payload == binary.payload);
  CHECK_FALSE(source_position_from_json(nlohmann::json::parse(R"({"engine":"x","order":[],"payload":{"hex":"f"}})")).is_ok());
}
