#pragma once
// The parse tree of a .omsql script: plain structs filled by the grammar (dsl/grammar.cpp), one per
// statement and clause. Every node that an error can point at derives from Located and carries the
// byte offset where it starts in the script text; the checker turns offsets into file:line:col.
#include <string>
#include <vector>

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

namespace omsql::dsl::ast {

struct Located {
  int offset = -1;  // byte offset of the node's first character in the script; -1 = unknown
};

// An identifier, keyword argument, string literal or raw text, with how it was written.
struct Word : Located {
  std::string text;     // unquoted and unescaped
  bool quoted = false;  // back-quoted identifier or '...' string: '*' and '?' are literal characters
};

// `db.table` or `db.table.column`; each part may hold '*' and '?' wildcards when not back-quoted.
struct Pattern : Located {
  std::vector<Word> parts;
};

struct OptionItem : Located {  // name = value inside WITH (...) or VERIFY (...)
  Word name;
  Word value;
};

struct ExcludeClause : Located { std::vector<Pattern> patterns; };
struct MapClause : Located { Pattern from; Pattern to; };
struct MapColumnClause : Located { Pattern column; Word to; };
struct FilterClause : Located { Pattern table; Word condition; };
struct ColumnsClause : Located { Pattern table; std::vector<Word> excluded; };
struct CastClause : Located { Pattern column; Word from_type; Word to_type; };
struct ModeClause : Located { std::vector<Word> phases; };
struct WithClause : Located { std::vector<OptionItem> options; };
struct VerifyClause : Located { std::vector<OptionItem> options; };
// `ALTER TABLE = STOP` inside DDL (...): the kind as written, word by word ("*" is one word), and the action.
struct DdlRule : Located { std::vector<Word> kind; Word action; };
struct DdlClause : Located { std::vector<DdlRule> rules; };

struct Clause : boost::spirit::x3::variant<ExcludeClause, MapClause, MapColumnClause, FilterClause, ColumnsClause,
                                           CastClause, ModeClause, WithClause, VerifyClause, DdlClause> {
  using base_type::base_type;
  using base_type::operator=;
};

// PASSWORD ENV 'NAME' or PASSWORD FILE 'path'.
struct PasswordClause : Located {
  bool file = false;
  Word value;
};

struct EndpointStatement : Located {
  bool is_target = false;  // SOURCE or TARGET
  Word dialect;
  Word address;            // 'user@host:port', ${NAME} not yet expanded
  boost::optional<Word> version;  // VERSION '4.2.1'
  boost::optional<PasswordClause> password;
};

struct MigrateStatement : Located {
  std::vector<Pattern> patterns;
  std::vector<Clause> clauses;
};

struct VerifyStatement : Located {
  std::vector<Pattern> patterns;
  std::vector<OptionItem> options;
};

struct Statement : boost::spirit::x3::variant<EndpointStatement, MigrateStatement, VerifyStatement> {
  using base_type::base_type;
  using base_type::operator=;
};

}  // namespace omsql::dsl::ast
