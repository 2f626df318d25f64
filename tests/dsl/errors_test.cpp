// Malformed scripts, each with the exact diagnostics it must produce (file:line:col, message, the
// source line and the caret). Every one is found by compile_script alone: no server, no catalog.
#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>

#include "dsl/compiler.hpp"

using namespace omsql::dsl;

namespace {

struct MalformedCase {
  const char* name;
  bool with_endpoints;   // prefix the script with valid SOURCE and TARGET lines (the error is then on line 3)
  const char* script;
  const char* expected;  // every diagnostic's format(), joined by '\n'
};

constexpr const char* kEndpoints = "SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2';\n";

std::string all_diagnostics(const CompileOutcome& outcome) {
  std::string out;
  for (const auto& d : outcome.diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.format();
  }
  return out;
}

const MalformedCase kCases[] = {
    {"stray UNION in a FILTER", true, "MIGRATE a.b FILTER a.b WHERE x = 1 UNION SELECT 2;\n",
     "bad.omsql:3:36: error: FILTER on a.b: UNION is not part of a condition: the condition becomes the WHERE of the "
     "copy's SELECT and of replay's statements, so it must be one expression over the row (UNION, ORDER BY, LIMIT, "
     "INTO ... belong to a query; inside parentheses, as a subquery, they are fine)\n"
     "MIGRATE a.b FILTER a.b WHERE x = 1 UNION SELECT 2;\n"
     "                                   ^"},
    {"ORDER BY in a FILTER, whatever the MODE", true, "MIGRATE a.b FILTER a.b WHERE x = 1 order by x MODE FULL;\n",
     "bad.omsql:3:36: error: FILTER on a.b: ORDER is not part of a condition: the condition becomes the WHERE of the "
     "copy's SELECT and of replay's statements, so it must be one expression over the row (UNION, ORDER BY, LIMIT, "
     "INTO ... belong to a query; inside parentheses, as a subquery, they are fine)\n"
     "MIGRATE a.b FILTER a.b WHERE x = 1 order by x MODE FULL;\n"
     "                                   ^"},
    {"missing ';' after MIGRATE", true, "MIGRATE shop.*\n",
     "bad.omsql:3:15: error: expected ';' after MIGRATE statement\n"
     "MIGRATE shop.*\n"
     "              ^"},
    {"missing ';' after SOURCE", false, "SOURCE mysql 'root@h:1'\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:24: error: expected ';' after SOURCE statement\n"
     "SOURCE mysql 'root@h:1'\n"
     "                       ^"},
    {"unknown dialect", false, "SOURCE postgres 'root@h:1';\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:8: error: unknown dialect 'postgres'; expected one of: mysql, mariadb, oceanbase\n"
     "SOURCE postgres 'root@h:1';\n"
     "       ^"},
    {"bad VERSION", false, "SOURCE mysql 'root@h:1';\nTARGET oceanbase 'root@h:2' VERSION '4.x';\nMIGRATE a.b;\n",
     "bad.omsql:2:38: error: bad VERSION '4.x': expected an OceanBase version such as '4.2.1' or '4.3.5.1'\n"
     "TARGET oceanbase 'root@h:2' VERSION '4.x';\n"
     "                                     ^"},
    {"VERSION not 4.x", false, "SOURCE mysql 'root@h:1';\nTARGET oceanbase 'root@h:2' VERSION '3.2.4';\nMIGRATE a.b;\n",
     "bad.omsql:2:38: error: VERSION '3.2.4' is not supported: the oceanbase dialect is written for OceanBase 4.x (MySQL mode)\n"
     "TARGET oceanbase 'root@h:2' VERSION '3.2.4';\n"
     "                                     ^"},
    {"VERSION on a mysql target", false, "SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2' VERSION '10.11';\nMIGRATE a.b;\n",
     "bad.omsql:2:33: error: VERSION applies to TARGET oceanbase only (the OceanBase rules depend on it); remove it here\n"
     "TARGET mysql 'root@h:2' VERSION '10.11';\n"
     "                                ^"},
    {"VERSION without a string", false, "SOURCE mysql 'root@h:1';\nTARGET oceanbase 'root@h:2' VERSION 4.2;\n",
     "bad.omsql:2:37: error: expected a version in quotes, such as '4.2.1'\n"
     "TARGET oceanbase 'root@h:2' VERSION 4.2;\n"
     "                                    ^"},
    {"missing dialect", false, "SOURCE 'root@h:1';\n",
     "bad.omsql:1:8: error: expected one of: mysql, mariadb, oceanbase\n"
     "SOURCE 'root@h:1';\n"
     "       ^"},
    {"unquoted endpoint", false, "SOURCE mysql root@h:1;\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:14: error: expected an endpoint string such as 'root@127.0.0.1:3306'\n"
     "SOURCE mysql root@h:1;\n"
     "             ^"},
    {"literal password", false, "SOURCE mysql 'root:s3cret@h:1';\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:15: error: endpoint holds a password: write 'user@host:port' and name an environment variable with PASSWORD ENV 'NAME' or an option file with PASSWORD FILE 'path'\n"
     "SOURCE mysql 'root:******@h:1';\n"
     "              ^"},
    {"unset variable", false, "SOURCE mysql 'root@h:${OMSQL_UNSET_VAR}';\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:22: error: environment variable OMSQL_UNSET_VAR is not set\n"
     "SOURCE mysql 'root@h:${OMSQL_UNSET_VAR}';\n"
     "                     ^"},
    {"bad variable reference", false, "TARGET mysql 'root@h:${1x}';\nSOURCE mysql 'root@h:1';\nMIGRATE a.b;\n",
     "bad.omsql:1:22: error: bad variable reference: expected ${NAME} with NAME made of letters, digits and '_'\n"
     "TARGET mysql 'root@h:${1x}';\n"
     "                     ^"},
    {"bad port", false, "SOURCE mysql 'root@h:99999';\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:15: error: bad port '99999' in endpoint 'root@h:99999': expected a number from 1 to 65535\n"
     "SOURCE mysql 'root@h:99999';\n"
     "              ^"},
    {"no user", false, "SOURCE mysql 'h:1';\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:15: error: endpoint 'h:1' has no user: expected 'user@host:port'\n"
     "SOURCE mysql 'h:1';\n"
     "              ^"},
    {"PASSWORD without ENV", false, "SOURCE mysql 'root@h:1' PASSWORD 'SRC_PW';\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:34: error: expected ENV or FILE after PASSWORD\n"
     "SOURCE mysql 'root@h:1' PASSWORD 'SRC_PW';\n"
     "                                 ^"},
    {"bad PASSWORD ENV name", false, "SOURCE mysql 'root@h:1' PASSWORD ENV 'my-var';\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:38: error: bad environment variable name 'my-var' after PASSWORD ENV: expected letters, digits and '_'\n"
     "SOURCE mysql 'root@h:1' PASSWORD ENV 'my-var';\n"
     "                                     ^"},
    {"duplicate SOURCE", true, "SOURCE mysql 'root@h:3';\nMIGRATE a.b;\n",
     "bad.omsql:3:1: error: duplicate SOURCE statement (the first is at line 1)\n"
     "SOURCE mysql 'root@h:3';\n"
     "^"},
    {"missing SOURCE", false, "TARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:1: error: missing SOURCE statement: add SOURCE <mysql|mariadb|oceanbase> 'user@host:port';\n"
     "TARGET mysql 'root@h:2';\n"
     "^"},
    {"missing TARGET", false, "SOURCE mysql 'root@h:1';\n\nMIGRATE a.b;\n",
     "bad.omsql:1:1: error: missing TARGET statement: add TARGET <mysql|mariadb|oceanbase> 'user@host:port';\n"
     "SOURCE mysql 'root@h:1';\n"
     "^"},
    {"nothing to do", true, "",
     "bad.omsql:1:1: error: nothing to do: the script has no MIGRATE or VERIFY statement\n"
     "SOURCE mysql 'root@h:1';\n"
     "^"},
    {"unknown statement", true, "MIGRATEE shop.*;\n",
     "bad.omsql:3:1: error: expected a statement: SOURCE, TARGET, MIGRATE or VERIFY\n"
     "MIGRATEE shop.*;\n"
     "^"},
    {"MIGRATE without pattern", true, "MIGRATE ;\n",
     "bad.omsql:3:9: error: expected a table pattern such as shop.orders or shop.*\n"
     "MIGRATE ;\n"
     "        ^"},
    {"trailing comma", true, "MIGRATE shop.*, ;\n",
     "bad.omsql:3:17: error: expected a table pattern after ','\n"
     "MIGRATE shop.*, ;\n"
     "                ^"},
    {"one-part pattern", true, "MIGRATE shop;\n",
     "bad.omsql:3:9: error: bad table pattern 'shop': expected database.table, such as shop.orders or shop.*\n"
     "MIGRATE shop;\n"
     "        ^"},
    {"four-part pattern", true, "MIGRATE a.b.c.d;\n",
     "bad.omsql:3:9: error: bad table pattern 'a.b.c.d': expected database.table, such as shop.orders or shop.*\n"
     "MIGRATE a.b.c.d;\n"
     "        ^"},
    {"pattern ends with a dot", true, "MIGRATE shop.;\n",
     "bad.omsql:3:14: error: expected a name or '*' after '.'\n"
     "MIGRATE shop.;\n"
     "             ^"},
    {"MAP without TO", true, "MIGRATE shop.* MAP shop.* shop_v2.*;\n",
     "bad.omsql:3:27: error: expected TO after the MAP pattern\n"
     "MIGRATE shop.* MAP shop.* shop_v2.*;\n"
     "                          ^"},
    {"conflicting MAPs", true, "MIGRATE a.*, b.*\n  MAP a.* TO c.*\n  MAP b.* TO c.*;\n",
     "bad.omsql:5:14: error: MAP of 'b.*' to 'c.*' conflicts with the MAP of 'a.*' at line 4: two sources cannot have the same target\n"
     "  MAP b.* TO c.*;\n"
     "             ^"},
    {"MAP of one source twice", true, "MIGRATE a.*\n  MAP a.* TO c.*\n  MAP a.* TO d.*;\n",
     "bad.omsql:5:3: error: 'a.*' is already mapped at line 4\n"
     "  MAP a.* TO d.*;\n"
     "  ^"},
    {"MAP wildcard mismatch", true, "MIGRATE shop.* MAP shop.* TO shop_v2.orders;\n",
     "bad.omsql:3:30: error: MAP target 'shop_v2.orders' has 0 wildcard(s) but its source 'shop.*' has 1: each '*' or '?' of the target takes what the same wildcard of the source matched\n"
     "MIGRATE shop.* MAP shop.* TO shop_v2.orders;\n"
     "                             ^"},
    {"MAP of an excluded table", true, "MIGRATE shop.* EXCLUDE shop.tmp_* MAP shop.tmp_1 TO x.y;\n",
     "bad.omsql:3:39: error: MAP of 'shop.tmp_1', which the EXCLUDE pattern 'shop.tmp_*' at line 3 removes\n"
     "MIGRATE shop.* EXCLUDE shop.tmp_* MAP shop.tmp_1 TO x.y;\n"
     "                                      ^"},
    {"MAP COLUMN with a pattern", true, "MIGRATE shop.* MAP COLUMN shop.orders.a* TO b;\n",
     "bad.omsql:3:39: error: MAP COLUMN needs a column name, not a pattern: 'a*'\n"
     "MIGRATE shop.* MAP COLUMN shop.orders.a* TO b;\n"
     "                                      ^"},
    {"MAP COLUMN of a table", true, "MIGRATE shop.* MAP COLUMN shop.orders TO b;\n",
     "bad.omsql:3:27: error: bad column pattern 'shop.orders': expected database.table.column, such as shop.orders.amount\n"
     "MIGRATE shop.* MAP COLUMN shop.orders TO b;\n"
     "                          ^"},
    {"FILTER without WHERE", true, "MIGRATE shop.* FILTER shop.orders created_at > 1;\n",
     "bad.omsql:3:35: error: expected WHERE after the FILTER table\n"
     "MIGRATE shop.* FILTER shop.orders created_at > 1;\n"
     "                                  ^"},
    {"FILTER with empty condition", true, "MIGRATE shop.* FILTER shop.orders WHERE ;\n",
     "bad.omsql:3:41: error: expected a condition after WHERE\n"
     "MIGRATE shop.* FILTER shop.orders WHERE ;\n"
     "                                        ^"},
    {"FILTER with an unterminated string", true, "MIGRATE shop.* FILTER shop.orders WHERE a = 'x;\n",
     "bad.omsql:3:45: error: expected a closing ' for the quoted text that starts here\n"
     "MIGRATE shop.* FILTER shop.orders WHERE a = 'x;\n"
     "                                            ^"},
    {"two FILTERs for one table", true, "MIGRATE shop.*\n  FILTER shop.orders WHERE a = 1\n  FILTER shop.orders WHERE b = 2;\n",
     "bad.omsql:5:3: error: 'shop.orders' already has a FILTER at line 4\n"
     "  FILTER shop.orders WHERE b = 2;\n"
     "  ^"},
    {"FILTER with a subquery, replayed", true, "MIGRATE shop.* FILTER shop.orders WHERE id IN (SELECT id FROM shop.other);\n",
     "bad.omsql:3:48: error: FILTER on shop.orders: a subquery (SELECT ...) cannot be evaluated when changes are replayed: it reads other tables (on the source during the copy, on the target during replay), and their changes never pass through this table's row events. Write the condition over the row's own columns and constants (a fixed list is fine: id IN (1, 2, 3)), or copy the table without the INCREMENTAL phase (MODE SCHEMA, FULL; in a script of its own if other tables need the live link)\n"
     "MIGRATE shop.* FILTER shop.orders WHERE id IN (SELECT id FROM shop.other);\n"
     "                                               ^"},
    {"FILTER with NOW() after a comment, on the next line", true,
     "MIGRATE shop.*\n  FILTER shop.orders WHERE /* only recent */ status = 'x'\n    AND created_at > NOW() - INTERVAL 7 DAY;\n",
     "bad.omsql:5:22: error: FILTER on shop.orders: NOW() cannot be evaluated when changes are replayed: its value depends on when, where or in which session it runs, and the copy evaluates the filter on the source while replay evaluates it on the target, later. Write the condition over the row's own columns and constants (a fixed list is fine: id IN (1, 2, 3)), or copy the table without the INCREMENTAL phase (MODE SCHEMA, FULL; in a script of its own if other tables need the live link)\n"
     "    AND created_at > NOW() - INTERVAL 7 DAY;\n"
     "                     ^"},
    {"FILTER with a user variable after a line comment", true,
     "MIGRATE shop.*\n  FILTER shop.orders WHERE status = 'x' -- paid only\n    AND owner = @me;\n",
     "bad.omsql:5:17: error: FILTER on shop.orders: the user variable @me cannot be evaluated when changes are replayed: a user variable belongs to one session, and neither the copy's nor the replay's session has it. Write the condition over the row's own columns and constants (a fixed list is fine: id IN (1, 2, 3)), or copy the table without the INCREMENTAL phase (MODE SCHEMA, FULL; in a script of its own if other tables need the live link)\n"
     "    AND owner = @me;\n"
     "                ^"},
    {"FILTER with another table's column, MODE after it", true,
     "MIGRATE shop.* FILTER shop.* WHERE `o`.id > 1 MODE SCHEMA, FULL, INCREMENTAL;\n",
     "bad.omsql:3:36: error: FILTER on shop.*: the qualified name `o`.id cannot be evaluated when changes are replayed: replay evaluates the condition over the changed row alone, where columns go by their bare names and no other table is in scope. Write the condition over the row's own columns and constants (a fixed list is fine: id IN (1, 2, 3)), or copy the table without the INCREMENTAL phase (MODE SCHEMA, FULL; in a script of its own if other tables need the live link)\n"
     "MIGRATE shop.* FILTER shop.* WHERE `o`.id > 1 MODE SCHEMA, FULL, INCREMENTAL;\n"
     "                                   ^"},
    {"COLUMNS without '('", true, "MIGRATE shop.* COLUMNS shop.users EXCLUDE password_hash;\n",
     "bad.omsql:3:43: error: expected a column name\n"
     "MIGRATE shop.* COLUMNS shop.users EXCLUDE password_hash;\n"
     "                                          ^"},
    {"COLUMNS without ')'", true, "MIGRATE shop.* COLUMNS shop.users EXCLUDE (a, b;\n",
     "bad.omsql:3:48: error: expected ',' or ')' after the column name\n"
     "MIGRATE shop.* COLUMNS shop.users EXCLUDE (a, b;\n"
     "                                               ^"},
    {"COLUMNS without EXCLUDE", true, "MIGRATE shop.* COLUMNS shop.users (a);\n",
     "bad.omsql:3:35: error: expected EXCLUDE after the COLUMNS table\n"
     "MIGRATE shop.* COLUMNS shop.users (a);\n"
     "                                  ^"},
    {"CAST to an unknown type", true, "MIGRATE shop.* CAST shop.*.* TINYINT(1) TO BOOLEEN;\n",
     "bad.omsql:3:44: error: unknown column type 'BOOLEEN' in CAST; expected a type such as BOOLEAN, INT, BIGINT, DECIMAL(10,2), VARCHAR(255), TEXT, DATETIME\n"
     "MIGRATE shop.* CAST shop.*.* TINYINT(1) TO BOOLEEN;\n"
     "                                           ^"},
    {"CAST without TO", true, "MIGRATE shop.* CAST shop.*.* TINYINT(1) BOOLEAN;\n",
     "bad.omsql:3:41: error: expected TO after the CAST type\n"
     "MIGRATE shop.* CAST shop.*.* TINYINT(1) BOOLEAN;\n"
     "                                        ^"},
    {"CAST of a table pattern", true, "MIGRATE shop.* CAST shop.* TINYINT(1) TO BOOLEAN;\n",
     "bad.omsql:3:21: error: bad column pattern 'shop.*': expected database.table.column, such as shop.orders.amount\n"
     "MIGRATE shop.* CAST shop.* TINYINT(1) TO BOOLEAN;\n"
     "                    ^"},
    {"unknown phase", true, "MIGRATE shop.* MODE SCHEMA, FAST;\n",
     "bad.omsql:3:29: error: unknown phase 'FAST'; expected one of: SCHEMA, FULL, INCREMENTAL\n"
     "MIGRATE shop.* MODE SCHEMA, FAST;\n"
     "                            ^"},
    {"phase listed twice", true, "MIGRATE shop.* MODE FULL, full;\n",
     "bad.omsql:3:27: error: phase full is listed twice\n"
     "MIGRATE shop.* MODE FULL, full;\n"
     "                          ^"},
    {"MODE twice", true, "MIGRATE shop.*\n  MODE FULL\n  MODE SCHEMA;\n",
     "bad.omsql:5:3: error: MODE is given twice (first at line 4)\n"
     "  MODE SCHEMA;\n"
     "  ^"},
    {"unknown option", true, "MIGRATE shop.* WITH (paralel = 4);\n",
     "bad.omsql:3:22: error: unknown option 'paralel'; expected one of: parallel, chunk_rows, batch_rows, batch_bytes, credits, max_rows_per_sec, max_events_per_sec, on_exists, same_server, definer, task_dir, retry_patience, retry_max_delay\n"
     "MIGRATE shop.* WITH (paralel = 4);\n"
     "                     ^"},
    {"bad retry_patience", true, "MIGRATE shop.* WITH (retry_patience = '10 minutes');\n",
     "bad.omsql:3:39: error: bad value '10 minutes' for retry_patience: expected a duration of at least 1s such as '10m', '30s', '500ms' or '1h' (a bare number is seconds)\n"
     "MIGRATE shop.* WITH (retry_patience = '10 minutes');\n"
     "                                      ^"},
    {"retry_patience too short", true, "MIGRATE shop.* WITH (retry_patience = '500ms');\n",
     "bad.omsql:3:39: error: bad value '500ms' for retry_patience: expected a duration of at least 1s such as '10m', '30s', '500ms' or '1h' (a bare number is seconds)\n"
     "MIGRATE shop.* WITH (retry_patience = '500ms');\n"
     "                                      ^"},
    {"retry_max_delay longer than the patience", true, "MIGRATE shop.* WITH (retry_patience = '30s', retry_max_delay = '1m');\n",
     "bad.omsql:3:46: error: retry_max_delay (1m) is longer than retry_patience (30s)\n"
     "MIGRATE shop.* WITH (retry_patience = '30s', retry_max_delay = '1m');\n"
     "                                             ^"},
    {"parallel out of range", true, "MIGRATE shop.* WITH (parallel = 0);\n",
     "bad.omsql:3:33: error: bad value '0' for parallel: expected an integer from 1 to 256\n"
     "MIGRATE shop.* WITH (parallel = 0);\n"
     "                                ^"},
    {"bad batch_bytes", true, "MIGRATE shop.* WITH (batch_bytes = '4XB');\n",
     "bad.omsql:3:36: error: bad value '4XB' for batch_bytes: expected a size such as '4MB', '512KB', '1GB' or a number of bytes\n"
     "MIGRATE shop.* WITH (batch_bytes = '4XB');\n"
     "                                   ^"},
    {"bad on_exists", true, "MIGRATE shop.* WITH (on_exists = 'replace');\n",
     "bad.omsql:3:34: error: bad value 'replace' for on_exists: expected one of: 'fail', 'truncate', 'append'\n"
     "MIGRATE shop.* WITH (on_exists = 'replace');\n"
     "                                 ^"},
    {"negative max_events_per_sec", true, "MIGRATE shop.* WITH (max_events_per_sec = -5);\n",
     "bad.omsql:3:43: error: bad value '-5' for max_events_per_sec: expected an integer >= 0\n"
     "MIGRATE shop.* WITH (max_events_per_sec = -5);\n"
     "                                          ^"},
    {"option without '='", true, "MIGRATE shop.* WITH (parallel 4);\n",
     "bad.omsql:3:31: error: expected '=' after the option name\n"
     "MIGRATE shop.* WITH (parallel 4);\n"
     "                              ^"},
    {"option list without ')'", true, "MIGRATE shop.* WITH (parallel = 4;\n",
     "bad.omsql:3:34: error: expected ',' or ')' after the option\n"
     "MIGRATE shop.* WITH (parallel = 4;\n"
     "                                 ^"},
    {"option without value", true, "MIGRATE shop.* WITH (parallel = );\n",
     "bad.omsql:3:33: error: expected an option value\n"
     "MIGRATE shop.* WITH (parallel = );\n"
     "                                ^"},
    {"option given twice", true, "MIGRATE shop.* WITH (parallel = 2, PARALLEL = 3);\n",
     "bad.omsql:3:36: error: option 'PARALLEL' is given twice (first at line 3)\n"
     "MIGRATE shop.* WITH (parallel = 2, PARALLEL = 3);\n"
     "                                   ^"},
    {"chunk_rows not a number", true, "MIGRATE shop.* WITH (chunk_rows = 'many');\n",
     "bad.omsql:3:35: error: bad value 'many' for chunk_rows: expected an integer >= 1\n"
     "MIGRATE shop.* WITH (chunk_rows = 'many');\n"
     "                                  ^"},
    {"unknown VERIFY option", true, "MIGRATE shop.* VERIFY (repairs = 'x.sql');\n",
     "bad.omsql:3:24: error: unknown VERIFY option 'repairs'; expected one of: chunk_rows, repair, settle_seconds\n"
     "MIGRATE shop.* VERIFY (repairs = 'x.sql');\n"
     "                       ^"},
    {"standalone VERIFY without ';'", true, "VERIFY shop.orders\n",
     "bad.omsql:3:19: error: expected ';' after VERIFY statement\n"
     "VERIFY shop.orders\n"
     "                  ^"},
    {"standalone VERIFY with a MIGRATE option", true, "VERIFY shop.orders WITH (parallel = 2);\n",
     "bad.omsql:3:26: error: unknown VERIFY option 'parallel'; expected one of: chunk_rows, repair, settle_seconds\n"
     "VERIFY shop.orders WITH (parallel = 2);\n"
     "                         ^"},
    {"two MIGRATE statements", true, "MIGRATE a.*;\nMIGRATE b.*;\n",
     "bad.omsql:4:1: error: only one MIGRATE statement is allowed (the first is at line 3)\n"
     "MIGRATE b.*;\n"
     "^"},
    {"unterminated quoted name", true, "MIGRATE `shop.*;\n",
     "bad.omsql:3:9: error: expected a closing ` before the end of the line\n"
     "MIGRATE `shop.*;\n"
     "        ^"},
    {"misspelled clause", true, "MIGRATE shop.* MAPP a.b TO c.d;\n",
     "bad.omsql:3:16: error: expected ';' after MIGRATE statement\n"
     "MIGRATE shop.* MAPP a.b TO c.d;\n"
     "               ^"},
    {"MAP into a system schema", true, "MIGRATE shop.t MAP shop.t TO mysql.help_topic WITH (on_exists = truncate);\n",
     "bad.omsql:3:30: error: MAP target 'mysql.help_topic' is in the system schema mysql: omsql never writes into "
     "mysql, sys, performance_schema, information_schema or omsql_meta\n"
     "MIGRATE shop.t MAP shop.t TO mysql.help_topic WITH (on_exists = truncate);\n"
     "                             ^"},
    {"MAP into omsql's own schema", true, "MIGRATE shop.* MAP shop.* TO omsql_meta.*;\n",
     "bad.omsql:3:30: error: MAP target 'omsql_meta.*' is in the system schema omsql_meta: omsql never writes into "
     "mysql, sys, performance_schema, information_schema or omsql_meta\n"
     "MIGRATE shop.* MAP shop.* TO omsql_meta.*;\n"
     "                             ^"},
    {"MAP into a system schema, other case", true, "MIGRATE shop.t MAP shop.t TO `Performance_Schema`.t;\n",
     "bad.omsql:3:30: error: MAP target 'Performance_Schema.t' is in the system schema Performance_Schema: omsql "
     "never writes into mysql, sys, performance_schema, information_schema or omsql_meta\n"
     "MIGRATE shop.t MAP shop.t TO `Performance_Schema`.t;\n"
     "                             ^"},
    {"MIGRATE of a system schema", true, "MIGRATE shop.*, mysql.*;\n",
     "bad.omsql:3:17: error: 'mysql.*': mysql is a system schema, not migrated\n"
     "MIGRATE shop.*, mysql.*;\n"
     "                ^"},
    {"VERIFY of a system schema", true, "VERIFY information_schema.TABLES;\n",
     "bad.omsql:3:8: error: 'information_schema.TABLES': information_schema is a system schema, not migrated\n"
     "VERIFY information_schema.TABLES;\n"
     "       ^"},
    {"bad same_server", true, "MIGRATE shop.* WITH (same_server = 'yes');\n",
     "bad.omsql:3:36: error: bad value 'yes' for same_server: expected one of: 'refuse', 'allow'\n"
     "MIGRATE shop.* WITH (same_server = 'yes');\n"
     "                                   ^"},
    {"unterminated string", false, "SOURCE mysql 'root@h:1;\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
     "bad.omsql:1:14: error: expected a closing ' before the end of the line\n"
     "SOURCE mysql 'root@h:1;\n"
     "             ^"},
};

}  // namespace

TEST_CASE("malformed scripts give exact diagnostics") {
  unsetenv("OMSQL_UNSET_VAR");
  bool dump = std::getenv("OMSQL_DUMP_ERRORS") != nullptr;
  for (const auto& c : kCases) {
    CAPTURE(c.name);
    std::string text = std::string(c.with_endpoints ? kEndpoints : "") + c.script;
    auto outcome = compile_script(text, "bad.omsql");
    CHECK_FALSE(outcome.ok());
    CHECK(outcome.script == nullptr);
    std::string actual = all_diagnostics(outcome);
    if (dump) std::cout << "== " << c.name << "\n" << actual << "\n";
    else CHECK(actual == c.expected);
  }
}

TEST_CASE("UNION inside parentheses is a subquery, not a stray clause") {
  auto outcome = compile_script(std::string(kEndpoints) +
                                    "MIGRATE a.b FILTER a.b WHERE x IN (SELECT 1 UNION SELECT 2) AND `order` = 'union' "
                                    "MODE SCHEMA, FULL;\n",
                                "ok.omsql");
  CHECK(all_diagnostics(outcome) == "");
}

TEST_CASE("several errors are collected in script order, and parsing resumes after ';'") {
  auto outcome = compile_script(
      "SOURCE mysql 'root@h:1';\n"
      "TARGET sqlite 'root@h:2';\n"
      "MIGRATE shop.* WITH (parallel = 999, mode = 'x')\n"
      "  MAP shop.* TO;\n"
      "VERIFY shop.orders WITH (chunk_rows = 0);\n",
      "multi.omsql");
  REQUIRE(outcome.diagnostics.size() == 3);
  CHECK(outcome.diagnostics[0].format() ==
        "multi.omsql:2:8: error: unknown dialect 'sqlite'; expected one of: mysql, mariadb, oceanbase\n"
        "TARGET sqlite 'root@h:2';\n"
        "       ^");
  CHECK(outcome.diagnostics[1].line == 4);
  CHECK(outcome.diagnostics[1].column == 16);
  CHECK(outcome.diagnostics[1].message == "expected a table pattern after TO");
  CHECK(outcome.diagnostics[2].message == "bad value '0' for chunk_rows: expected an integer >= 1");
  CHECK(outcome.diagnostics[2].line == 5);

  // Without a syntax error, the option errors of the MIGRATE are all reported.
  auto options = compile_script(
      "SOURCE mysql 'root@h:1'; TARGET mysql 'root@h:2';\n"
      "MIGRATE shop.* WITH (parallel = 999, mode = 'x', credits = -1);\n",
      "o.omsql");
  REQUIRE(options.diagnostics.size() == 3);
  CHECK(options.diagnostics[0].column == 33);
  CHECK(options.diagnostics[1].message.rfind("unknown option 'mode'", 0) == 0);
  CHECK(options.diagnostics[2].message == "bad value '-1' for credits: expected an integer from 1 to 1024");
}

TEST_CASE("a literal password never reaches a diagnostic") {
  for (const char* text : {"SOURCE mysql 'app:Tr0ub4dor@db:3306';\n",          // rejected endpoint
                           "SOURCE mysql 'app:Tr0ub4dor@db:3306'\nMIGRATE",   // syntax error first
                           "SOURCE mysql 'app:Tr0ub4dor@db' MIGRATE a.b;"}) {
    CAPTURE(text);
    auto outcome = compile_script(text, "p.omsql");
    REQUIRE_FALSE(outcome.diagnostics.empty());
    for (const auto& d : outcome.diagnostics) CHECK(d.format().find("Tr0ub4dor") == std::string::npos);
  }
}

TEST_CASE("every prefix and every one-byte corruption of a full script fails cleanly or compiles") {
  const std::string script =
      "SOURCE mysql 'root@h:1' PASSWORD ENV 'PW'; /* c */ TARGET oceanbase 'root@h:2';\n"
      "MIGRATE shop.*, `my db`.t? EXCLUDE shop.tmp_* MAP shop.* TO v2.* MAP COLUMN shop.o.a TO b\n"
      "  FILTER shop.o WHERE x = 'a;b' AND (y) > 1 -- note\n"
      "  COLUMNS shop.u EXCLUDE (p, `q r`) CAST shop.*.* TINYINT(1) TO BOOLEAN MODE FULL\n"
      "  WITH (parallel = 2, batch_bytes = '4MB') VERIFY (repair = 'apply');\n"
      "VERIFY shop.o WITH (chunk_rows = 5);\n";
  REQUIRE(compile_script(script, "full.omsql").ok());
  const char kNoise[] = {';', '\'', '`', '(', ')', ',', '.', '*', '-', '/', '$', '{', '\n', 'x', ' ', '\0'};
  size_t failures = 0;
  for (size_t length = 0; length <= script.size(); ++length) {
    auto outcome = compile_script(std::string_view(script).substr(0, length), "prefix.omsql");
    failures += !outcome.ok();
    for (const auto& d : outcome.diagnostics) {
      CHECK(d.line >= 1);
      CHECK(d.column >= 1);
      CHECK(!d.message.empty());
    }
  }
  for (size_t i = 0; i < script.size(); ++i) {
    for (char noise : kNoise) {
      std::string corrupted = script;
      corrupted[i] = noise;
      auto outcome = compile_script(corrupted, "noise.omsql");
      for (const auto& d : outcome.diagnostics) CHECK(d.column <= static_cast<int>(d.source_line.size()) + 1);
    }
  }
  CHECK(failures > 0);
}
