// analyze_filter: which FILTER conditions replay can decide from one row image, table-driven.
#include <doctest/doctest.h>

#include "dsl/filter_sql.hpp"

using namespace omsql::dsl;

namespace {

struct FilterCase {
  const char* condition;
  const char* what;      // the problem's description, or nullptr when the row alone decides
  const char* at;        // the condition text at the problem's index (its first characters)
};

const FilterCase kCases[] = {
    // Decided by the row alone.
    {"day >= 5", nullptr, nullptr},
    {"status IN ('new', 'paid') AND amount BETWEEN 1 AND 1e-3", nullptr, nullptr},
    {"id IN (1, 2, 3) OR note LIKE 'select%'", nullptr, nullptr},
    {"`select` = 1 AND \"now()\" <> 'a.b'", nullptr, nullptr},
    {"created_at >= '2024-01-01' + INTERVAL 1 DAY", nullptr, nullptr},
    {"UNIX_TIMESTAMP(created_at) > 1700000000 AND LENGTH(body) < 10", nullptr, nullptr},
    {"name = _utf8mb4'x' COLLATE utf8mb4_bin AND code = X'00FF' AND price > .5", nullptr, nullptr},
    {"JSON_VALUE(doc, '$.a.b') = 'x'", nullptr, nullptr},
    // Other tables.
    {"id IN (SELECT id FROM other)", "a subquery (SELECT ...)", "SELECT id"},
    {"EXISTS (select 1 from shop.other o where o.id = id)", "a subquery (SELECT ...)", "select 1"},
    {"orders.status = 'x'", "the qualified name orders.status", "orders.status"},
    {"`shop`.`orders`.`status` = 'x'", "the qualified name `shop`.`orders`.`status`", "`shop`"},
    {"shop.is_vip(customer_id)", "the stored function shop.is_vip()", "shop.is_vip"},
    // Values that depend on when, where or in which session they are computed.
    {"created_at > NOW() - INTERVAL 1 DAY", "NOW()", "NOW()"},
    {"created_at > current_timestamp", "current_timestamp", "current_timestamp"},
    {"d = CURDATE ( )", "CURDATE()", "CURDATE"},
    {"RAND() < 0.1", "RAND()", "RAND()"},
    {"owner = USER()", "USER()", "USER()"},
    {"ts > UNIX_TIMESTAMP()", "UNIX_TIMESTAMP()", "UNIX_TIMESTAMP()"},
    {"id < NEXT VALUE FOR seq1", "NEXT VALUE FOR (a sequence)", "NEXT VALUE"},
    {"tenant = @tenant", "the user variable @tenant", "@tenant"},
    {"tenant = @'my var'", "the user variable @'my var'", "@'my"},
    {"id % 2 = @@server_id", "the system variable @@server_id", "@@server_id"},
    {"region = @@global.region_name", "the system variable @@global.region_name", "@@global"},
    // The first problem is the one reported.
    {"a = 'now()' AND b = @x AND c IN (SELECT 1)", "the user variable @x", "@x"},
};

}  // namespace

TEST_CASE("FILTER conditions replay can or cannot decide from the row alone") {
  for (const auto& c : kCases) {
    CAPTURE(c.condition);
    FilterAnalysis analysis = analyze_filter(c.condition);
    if (!c.what) {
      CHECK_FALSE(analysis.problem.has_value());
      continue;
    }
    REQUIRE(analysis.problem.has_value());
    CHECK(analysis.problem->what == c.what);
    CHECK(std::string(c.condition).substr(analysis.problem->index, std::string(c.at).size()) == c.at);
    CHECK_FALSE(analysis.problem->why.empty());
  }
}

TEST_CASE("FILTER names: every bare or quoted name that is not a function call") {
  auto names = analyze_filter("`Deleted At` IS NULL AND LOWER(email) LIKE '%x' AND day >= 5").names;
  std::vector<std::string> expected = {"Deleted At", "IS", "NULL", "AND", "email", "LIKE", "AND", "day"};
  CHECK(names == expected);
  // Literals and introducers are not names.
  CHECK(analyze_filter("a = _latin1'b' AND c = X'0F' AND d = 'e'").names == std::vector<std::string>{"a", "AND", "c", "AND", "d"});
}
