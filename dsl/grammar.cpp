// The .omsql grammar in Spirit X3. Kept in this one translation unit: X3 is slow to compile.
//
// Every rule ID derives from annotate_on_success, so each AST node that derives from ast::Located
// learns its offset; the statement rule's on_error turns an expectation failure into a SyntaxError
// whose message is "expected " + the name of the rule that was expected, so rule names below are
// written for the user ("';' after MIGRATE statement").
#include "dsl/grammar.hpp"

#include "dsl/lexical.hpp"

#include <functional>
#include <type_traits>

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/utility/annotate_on_success.hpp>
#include <boost/spirit/home/x3/support/utility/error_reporting.hpp>

BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::Word, text, quoted)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::OptionItem, name, value)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::MapClause, from, to)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::MapColumnClause, column, to)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::FilterClause, table, condition)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::ColumnsClause, table, excluded)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::CastClause, column, from_type, to_type)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::DdlRule, kind, action)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::PasswordClause, file, value)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::EndpointStatement, is_target, dialect, address, version, password)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::MigrateStatement, patterns, clauses)
BOOST_FUSION_ADAPT_STRUCT(omsql::dsl::ast::VerifyStatement, patterns, options)

namespace omsql::dsl {
namespace {

namespace x3 = boost::spirit::x3;
using Iterator = const char*;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

// Skips one run of whitespace or one comment (`-- ...` to end of line, `/* ... */`). An unterminated
// block comment runs to the end of the script (scan_bytes in dsl/lexical.cpp reports it at its start).
bool skip_one(Iterator& it, Iterator end) {
  if (it == end) return false;
  char c = *it;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    ++it;
    return true;
  }
  if (c == '-' && end - it >= 2 && it[1] == '-') {
    while (it != end && *it != '\n') ++it;
    return true;
  }
  if (c == '/' && end - it >= 2 && it[1] == '*') {
    it += 2;
    while (it != end && !(*it == '*' && end - it >= 2 && it[1] == '/')) ++it;
    it = it == end ? end : it + 2;
    return true;
  }
  return false;
}

void skip_all(Iterator& it, Iterator end) {
  while (skip_one(it, end)) {}
}

struct Skipper : x3::parser<Skipper> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
    return skip_one(first, last);
  }
};
Skipper const skipper{};

// A quoted name or string: `...` or '...', where a doubled quote stands for itself. It must close on
// the same line; otherwise the error points at the opening quote, not at the end of the script.
template <char Quote>
struct Quoted : x3::parser<Quoted<Quote>> {
  using attribute_type = std::string;
  static bool const has_attribute = true;
  template <typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&, Attribute& attr) const {
    x3::skip_over(first, last, context);
    if (first == last || *first != Quote) return false;
    std::string out;
    Iterator it = first + 1;
    for (;;) {
      if (it == last || *it == '\n' || *it == '\r')
        boost::throw_exception(x3::expectation_failure<Iterator>(
            first, std::string("a closing ") + Quote + " before the end of the line"));
      if (*it == Quote) {
        if (last - it >= 2 && it[1] == Quote) {
          out += Quote;
          it += 2;
          continue;
        }
        ++it;
        break;
      }
      out += *it++;
    }
    first = it;
    x3::traits::move_to(out, attr);
    return true;
  }
};

// The SQL condition after FILTER ... WHERE: everything up to the next clause keyword or ';' at
// parenthesis depth 0, outside strings, quoted identifiers and comments (comments become a space,
// so the text can be pasted into a query safely). A ')' at depth 0 also ends it.
bool is_clause_keyword(std::string_view word) {
  static constexpr std::string_view kKeywords[] = {"exclude", "map",  "filter", "columns", "cast",
                                                   "mode",    "with", "verify", "ddl"};
  for (auto k : kKeywords) {
    if (word.size() != k.size()) continue;
    bool same = true;
    for (size_t i = 0; i < k.size() && same; ++i) same = (word[i] | 0x20) == k[i];
    if (same) return true;
  }
  return false;
}

struct WhereText : x3::parser<WhereText> {
  using attribute_type = std::string;
  static bool const has_attribute = true;
  template <typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&, Attribute& attr) const {
    x3::skip_over(first, last, context);
    std::string out;
    int depth = 0;
    Iterator it = first;
    while (it != last) {
      char c = *it;
      if (c == '\'' || c == '"' || c == '`') {
        Iterator open = it;
        out += *it++;
        for (;;) {
          if (it == last)
            boost::throw_exception(x3::expectation_failure<Iterator>(
                open, std::string("a closing ") + c + " for the quoted text that starts here"));
          if (*it == '\\' && c != '`' && last - it >= 2) {
            out += *it++;
            out += *it++;
            continue;
          }
          out += *it;
          if (*it++ == c) {
            if (it != last && *it == c) {  // a doubled quote stands for itself
              out += *it++;
              continue;
            }
            break;
          }
        }
        continue;
      }
      if ((c == '-' && last - it >= 2 && it[1] == '-') || (c == '/' && last - it >= 2 && it[1] == '*')) {
        skip_one(it, last);
        out += ' ';
        continue;
      }
      if (c == ';' && depth == 0) break;
      if (c == ')' && depth == 0) break;
      if (c == '(') ++depth;
      if (c == ')') --depth;
      if (is_name_char(c) && (it == first || !is_name_char(it[-1]))) {
        Iterator word_end = it;
        while (word_end != last && is_name_char(*word_end)) ++word_end;
        std::string_view word(it, static_cast<size_t>(word_end - it));
        // `t.mode` or `mode.x` is a qualified name, not the MODE clause.
        bool qualified = (it != first && it[-1] == '.') || (word_end != last && *word_end == '.');
        if (depth == 0 && !qualified && is_clause_keyword(word)) break;
        out.append(word);
        it = word_end;
        continue;
      }
      out += c;
      ++it;
    }
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    for (char& ch : out)
      if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
    if (out.empty()) return false;
    first = it;
    x3::traits::move_to(out, attr);
    return true;
  }
};

// What the statement rule's on_success/on_error reach through x3::error_handler_tag: it stamps
// offsets on located nodes and records the first syntax error of a statement.
struct Annotator {
  Iterator begin;
  Iterator end;
  std::vector<SyntaxError>* errors;

  template <typename Node>
  void tag(Node& node, Iterator first, Iterator) const {
    if constexpr (std::is_base_of_v<ast::Located, Node>) node.offset = static_cast<int>(first - begin);
  }

  void expected(Iterator where, const std::string& what) const {
    // Point at the token that is wrong, unless it is on a later line: then right after the last
    // good token is the better place ("expected ';'" belongs to the line that lacks it).
    Iterator token = where;
    skip_all(token, end);
    bool crossed_line = token == end;
    for (Iterator i = where; i != token && !crossed_line; ++i) crossed_line = *i == '\n';
    errors->push_back({static_cast<int>((crossed_line ? where : token) - begin), "expected " + what});
  }
};

struct annotated : x3::annotate_on_success {};

struct statement_id : annotated {
  template <typename Exception, typename Context>
  x3::error_handler_result on_error(Iterator&, Iterator const&, Exception const& failure, Context const& context) {
    x3::get<x3::error_handler_tag>(context).get().expected(failure.where(), failure.which());
    return x3::error_handler_result::fail;
  }
};

struct named_id {};

// A parser under a name the user understands: the name is what "expected ..." says.
template <typename Attribute = x3::unused_type, typename Parser>
auto named(char const* name, Parser const& parser) {
  return x3::rule<named_id, Attribute>{name} = x3::as_parser(parser);
}

// A case-insensitive keyword (given in lower case) that is not the prefix of a longer name.
auto kw(char const* keyword) {
  return x3::lexeme[x3::no_case[x3::lit(keyword)] >> !x3::char_("a-zA-Z0-9_$.*?")];
}

// Semantic actions for rules whose node has one member (X3 cannot fill a one-member struct from a
// sequence by itself). A rule whose body has an action gets no automatic on_success annotation, so
// `mark` (on an eps, which has skipped whitespace and comments by then) stamps the node's offset.
struct mark {
  template <typename Context>
  void operator()(Context& context) const {
    auto const& annotator = x3::get<x3::error_handler_tag>(context).get();
    Iterator first = x3::_where(context).begin();
    annotator.tag(x3::_val(context), first, first);
  }
};

template <auto Member>
struct assign_to {
  template <typename Context>
  void operator()(Context& context) const {
    x3::_val(context).*Member = std::move(x3::_attr(context));
  }
};

using x3::attr;
using x3::char_;
using x3::lexeme;
using x3::lit;

// One ID type per rule: BOOST_SPIRIT_DEFINE keys on it. Located nodes get their offset on success.
#define OMSQL_RULE(name, attribute, text) \
  struct name##_id : annotated {};        \
  x3::rule<name##_id, attribute> const name = text
OMSQL_RULE(identifier, ast::Word, "a name");
OMSQL_RULE(string_literal, ast::Word, "a quoted string");
OMSQL_RULE(pattern_part, ast::Word, "a name or pattern");
OMSQL_RULE(pattern_parts, std::vector<ast::Word>, "a name pattern");
OMSQL_RULE(pattern, ast::Pattern, "a name pattern");
OMSQL_RULE(pattern_list, std::vector<ast::Pattern>, "a table pattern such as shop.orders or shop.*");
OMSQL_RULE(where_condition, ast::Word, "a condition after WHERE");
OMSQL_RULE(type_name, ast::Word, "a column type such as TINYINT(1)");
OMSQL_RULE(option_value, ast::Word, "an option value");
OMSQL_RULE(option, ast::OptionItem, "an option such as parallel = 4");
OMSQL_RULE(option_list, std::vector<ast::OptionItem>, "'(' and a list of options");
OMSQL_RULE(optional_option_list, std::vector<ast::OptionItem>, "'(' and a list of options");
OMSQL_RULE(column_list, std::vector<ast::Word>, "a column name");
OMSQL_RULE(phase_list, std::vector<ast::Word>, "one of: SCHEMA, FULL, INCREMENTAL");
OMSQL_RULE(exclude_clause, ast::ExcludeClause, "EXCLUDE");
OMSQL_RULE(map_column_clause, ast::MapColumnClause, "MAP COLUMN");
OMSQL_RULE(map_clause, ast::MapClause, "MAP");
OMSQL_RULE(filter_clause, ast::FilterClause, "FILTER");
OMSQL_RULE(columns_clause, ast::ColumnsClause, "COLUMNS");
OMSQL_RULE(cast_clause, ast::CastClause, "CAST");
OMSQL_RULE(mode_clause, ast::ModeClause, "MODE");
OMSQL_RULE(with_clause, ast::WithClause, "WITH");
OMSQL_RULE(verify_clause, ast::VerifyClause, "VERIFY");
OMSQL_RULE(ddl_word, ast::Word, "a statement kind such as ALTER TABLE, or *");
OMSQL_RULE(ddl_rule, ast::DdlRule, "a statement kind and its action, such as ALTER TABLE = APPLY");
OMSQL_RULE(ddl_rule_list, std::vector<ast::DdlRule>, "'(' after DDL");
OMSQL_RULE(ddl_clause, ast::DdlClause, "DDL");
OMSQL_RULE(clause, ast::Clause, "a clause");
OMSQL_RULE(password, ast::PasswordClause, "PASSWORD");
OMSQL_RULE(source_statement, ast::EndpointStatement, "SOURCE");
OMSQL_RULE(target_statement, ast::EndpointStatement, "TARGET");
OMSQL_RULE(migrate_statement, ast::MigrateStatement, "MIGRATE");
OMSQL_RULE(verify_statement, ast::VerifyStatement, "VERIFY");
#undef OMSQL_RULE
x3::rule<statement_id, ast::Statement> const statement = "a statement";

auto const backquoted = Quoted<'`'>{} >> attr(true);
auto const identifier_def = (lexeme[+char_("a-zA-Z0-9_$")] >> attr(false)) | backquoted;
auto const string_literal_def = Quoted<'\''>{} >> attr(true);
auto const pattern_part_def = (lexeme[+char_("a-zA-Z0-9_$*?")] >> attr(false)) | backquoted;
auto const pattern_parts_def = lexeme[pattern_part >> *('.' > named<ast::Word>("a name or '*' after '.'", pattern_part))];
auto const pattern_def = x3::eps[mark{}] >> pattern_parts[assign_to<&ast::Pattern::parts>{}];
auto const pattern_list_def =
    pattern > *(',' > named<ast::Pattern>("a table pattern after ','", pattern));

auto const where_condition_def = WhereText{} >> attr(false);
auto const type_name_def =
    x3::raw[!kw("to") >> lexeme[+char_("a-zA-Z0-9_")] >>
            -('(' > (lexeme[+char_("0-9")] % ',') > named("')' to close the type", lit(')'))) >>
            *(kw("unsigned") | kw("signed") | kw("zerofill")) >>
            -(((kw("character") > named("SET after CHARACTER", kw("set"))) | kw("charset")) >
              named("a character set name such as utf8mb4", lexeme[+char_("a-zA-Z0-9_")])) >>
            -(kw("collate") > named("a collation name such as utf8mb4_bin", lexeme[+char_("a-zA-Z0-9_")]))] >>
    attr(false);

auto const option_value_def = string_literal | (lexeme[+char_("-a-zA-Z0-9_.")] >> attr(false));
auto const option_def = named<ast::Word>("an option name", identifier) > named("'=' after the option name", lit('=')) >
                        option_value;
auto const option_list_def = lit('(') > option > *(',' > option) > named("',' or ')' after the option", lit(')'));
auto const optional_option_list_def = -option_list;
auto const column_list_def = named("'(' before the column list", lit('(')) > identifier >
                             *(',' > named<ast::Word>("a column name after ','", identifier)) >
                             named("',' or ')' after the column name", lit(')'));
auto const phase_list_def = identifier > *(',' > named<ast::Word>("one of: SCHEMA, FULL, INCREMENTAL", identifier));

auto const exclude_clause_def = x3::eps[mark{}] >> (kw("exclude") > pattern_list)[assign_to<&ast::ExcludeClause::patterns>{}];
auto const map_column_clause_def =
    kw("map") >> kw("column") > named<ast::Pattern>("a column such as shop.orders.amount", pattern) >
    named("TO after the MAP COLUMN column", kw("to")) > named<ast::Word>("a column name after TO", identifier);
auto const map_clause_def = kw("map") > named<ast::Pattern>("a table pattern after MAP", pattern) >
                            named("TO after the MAP pattern", kw("to")) >
                            named<ast::Pattern>("a table pattern after TO", pattern);
auto const filter_clause_def =
    kw("filter") > named<ast::Pattern>("a table after FILTER", pattern) >
    named("WHERE after the FILTER table", kw("where")) >
    where_condition;
auto const columns_clause_def = kw("columns") > named<ast::Pattern>("a table after COLUMNS", pattern) >
                                named("EXCLUDE after the COLUMNS table", kw("exclude")) > column_list;
auto const cast_clause_def = kw("cast") > named<ast::Pattern>("a column pattern such as shop.*.flag", pattern) >
                             type_name > named("TO after the CAST type", kw("to")) >
                             named<ast::Word>("a column type after TO", type_name);
auto const mode_clause_def = x3::eps[mark{}] >> (kw("mode") > phase_list)[assign_to<&ast::ModeClause::phases>{}];
auto const with_clause_def = x3::eps[mark{}] >> (kw("with") > option_list)[assign_to<&ast::WithClause::options>{}];
auto const verify_clause_def = x3::eps[mark{}] >> (kw("verify") >> optional_option_list)[assign_to<&ast::VerifyClause::options>{}];
// DDL (ALTER TABLE = APPLY, DROP TABLE = STOP, * = IGNORE): the kind is read word by word up to
// the '=', so a misspelt kind is named whole by the checker ("unknown DDL statement kind ...").
auto const ddl_word_def = (lexeme[+char_("a-zA-Z_")] >> attr(false)) | (x3::string("*") >> attr(false));
auto const ddl_rule_def = +ddl_word > named("'=' after the statement kind", lit('=')) >
                          named<ast::Word>("one of: APPLY, IGNORE, STOP", identifier);
auto const ddl_rule_list_def = lit('(') > ddl_rule > *(',' > named<ast::DdlRule>("a statement kind after ','", ddl_rule)) >
                               named("',' or ')' after the DDL rule", lit(')'));
auto const ddl_clause_def = x3::eps[mark{}] >> (kw("ddl") > ddl_rule_list)[assign_to<&ast::DdlClause::rules>{}];
auto const clause_def = exclude_clause | map_column_clause | map_clause | filter_clause | columns_clause |
                        cast_clause | mode_clause | with_clause | verify_clause | ddl_clause;

auto const dialect = named<ast::Word>("one of: mysql, mariadb, oceanbase", identifier);
auto const address = named<ast::Word>("an endpoint string such as 'root@127.0.0.1:3306'", string_literal);
auto const password_env = kw("env") >> attr(false) >
                          named<ast::Word>("an environment variable name in quotes, such as 'SRC_PW'", string_literal);
auto const password_file = kw("file") >> attr(true) >
                           named<ast::Word>("an option file path in quotes, such as '~/.my.cnf'", string_literal);
auto const password_def = kw("password") > named<ast::PasswordClause>("ENV or FILE after PASSWORD", password_env | password_file);
auto const version = kw("version") > named<ast::Word>("a version in quotes, such as '4.2.1'", string_literal);
auto const source_statement_def = kw("source") >> attr(false) > dialect > address > -version > -password >
                                  named("';' after SOURCE statement", lit(';'));
auto const target_statement_def = kw("target") >> attr(true) > dialect > address > -version > -password >
                                  named("';' after TARGET statement", lit(';'));
auto const migrate_statement_def =
    kw("migrate") > pattern_list > *clause > named("';' after MIGRATE statement", lit(';'));
auto const verify_statement_def = kw("verify") > pattern_list > -(kw("with") > named<std::vector<ast::OptionItem>>("'(' after WITH", option_list)) >
                                  named("';' after VERIFY statement", lit(';'));
auto const statement_def = source_statement | target_statement | migrate_statement | verify_statement;

BOOST_SPIRIT_DEFINE(identifier, string_literal, where_condition, pattern_part, pattern_parts, pattern, pattern_list, type_name,
                    option_value, option, option_list, optional_option_list, column_list, phase_list, exclude_clause, map_column_clause,
                    map_clause, filter_clause, columns_clause, cast_clause, mode_clause, with_clause, verify_clause,
                    ddl_word, ddl_rule, ddl_rule_list, ddl_clause, clause, password, source_statement, target_statement, migrate_statement, verify_statement, statement)

// Error recovery: the position just after the next ';' outside strings, quoted names and comments.
Iterator after_next_semicolon(Iterator it, Iterator end) {
  while (it != end) {
    if (skip_one(it, end)) continue;
    char c = *it++;
    if (c == ';') return it;
    if (c == '\'' || c == '"' || c == '`') {
      while (it != end && *it != c) ++it;
      if (it != end) ++it;
    }
  }
  return end;
}

}  // namespace

ParsedScript parse_script(std::string_view text) {
  ParsedScript result;
  ByteScan scan = scan_bytes(text);
  if (scan.stop) {
    result.errors = std::move(scan.errors);
    return result;
  }
  Iterator const begin = text.data();
  Iterator const end = begin + text.size();
  Annotator annotator{begin, end, &result.errors};
  auto const parser = x3::with<x3::error_handler_tag>(std::ref(annotator))[statement];
  Iterator it = begin;
  for (;;) {
    skip_all(it, end);
    if (it == end) break;
    Iterator const start = it;
    size_t const errors_before = result.errors.size();
    ast::Statement parsed;
    if (x3::phrase_parse(it, end, parser, skipper, parsed)) {
      result.statements.push_back(std::move(parsed));
      continue;
    }
    Iterator resume_from = start;
    if (result.errors.size() == errors_before) {
      result.errors.push_back(
          {static_cast<int>(start - begin), "expected a statement: SOURCE, TARGET, MIGRATE or VERIFY"});
    } else {
      resume_from = begin + result.errors.back().offset;
    }
    it = after_next_semicolon(resume_from, end);
  }
  for (auto& error : result.errors) error.message = refine_syntax_error(text, error.offset, std::move(error.message));
  result.errors.insert(result.errors.end(), scan.errors.begin(), scan.errors.end());
  return result;
}

}  // namespace omsql::dsl
